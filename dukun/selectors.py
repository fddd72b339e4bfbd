"""Reads of the dukun registry that several pages and downloads share."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from dukun.models import Dukun
from puskesmas.models import Bidan, Puskesmas


@dataclass
class KelompokKelurahan:
    kode: str
    nama: str
    jumlah: int
    aktif: int
    bisa_baca_tulis: int
    dikenal_bidan: int
    dukun: list[Dukun] = field(default_factory=list)


def daftar_dukun(*, user, puskesmas: Puskesmas) -> list[KelompokKelurahan]:
    """The dukun of one Puskesmas that `user` may see, grouped by kelurahan with counts.

    Three queries whatever the number of dukun: the counts (GROUP BY), the dukun, their bidan.
    """
    qs = Dukun.objects.visible_to(user).filter(kelurahan__puskesmas=puskesmas)
    groups = {
        row["kelurahan"]: KelompokKelurahan(
            kode=row["kelurahan"], nama=row["kelurahan__nama"], jumlah=row["jumlah"], aktif=row["aktif"],
            bisa_baca_tulis=row["bisa_baca_tulis"], dikenal_bidan=row["dikenal_bidan"],
        )
        for row in qs.per_kelurahan()
    }
    for dukun in (
        qs.select_related("kelurahan")
        .prefetch_related(Prefetch("dikenal_oleh", queryset=Bidan.objects.only("id", "nama").order_by("nama")))
        .order_by("kelurahan__nama", "nama")
    ):
        groups[dukun.kelurahan_id].dukun.append(dukun)
    return list(groups.values())
