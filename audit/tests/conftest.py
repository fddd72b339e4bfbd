from __future__ import annotations

from types import SimpleNamespace

import pytest

from audit.models import Jejak

NIK_A = "1571015705960001"  # a woman born 17 May 1996 in Kota Jambi (day + 40)
NAMA_A = "Siti Aminah Uji"


@pytest.fixture
def kia_a(cast):
    """A mother of kelurahan A1 (Puskesmas A) with a delivery and a baby, and a mother of B1."""
    from kia.tests.factories import BayiFactory, IbuFactory, PersalinanFactory

    w = cast.w
    ibu = IbuFactory(nama=NAMA_A, nik=NIK_A, kelurahan=w.a1)
    persalinan = PersalinanFactory(ibu=ibu, kelurahan=w.a1, puskesmas=w.puskesmas_a)
    bayi = BayiFactory(persalinan=persalinan, kelurahan=w.a1, puskesmas=w.puskesmas_a)
    ibu_b = IbuFactory(nama="Rahmawati Uji", nik="1571026208950002", kelurahan=w.b1)
    return SimpleNamespace(ibu=ibu, persalinan=persalinan, bayi=bayi, ibu_b=ibu_b)


class Baru:
    """The audit rows written since the snapshot (login rows of `force_login` come before it)."""

    def __init__(self):
        self.sejak = Jejak.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def rows(self) -> list[Jejak]:
        return list(Jejak.objects.filter(pk__gt=self.sejak).order_by("pk"))

    def satu(self) -> Jejak:
        rows = self.rows()
        assert len(rows) == 1, [(j.aksi, j.objek_tipe, j.objek_id) for j in rows]
        return rows[0]


@pytest.fixture
def jejak_baru():
    return Baru


def isi_baris(jejak: Jejak) -> str:
    """Every stored column of the row, as text."""
    return " | ".join(str(getattr(jejak, f.attname)) for f in Jejak._meta.concrete_fields)


def tanpa_data_pribadi(jejak: Jejak, *teks: str) -> None:
    isi = isi_baris(jejak)
    for t in (NIK_A, NAMA_A, *teks):
        assert t not in isi, f"{t!r} stored in the audit row"
