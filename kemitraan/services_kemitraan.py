"""Partnerships (kemitraan) under a written agreement, and rewards/sanctions: the writes, and the reads
the pages share (coverage per kelurahan, the role division per phase, the fee-sharing term, warnings).

Writes follow the house rule: keyword-only, full_clean() then save() inside one transaction. The database
constraint "one active agreement per pair" also catches the race two simultaneous submissions could win
past full_clean(); it is turned into the same Indonesian message the form shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dukun.models import Dukun, StatusDukun
from kemitraan.models import (
    JenisPembagianJasa,
    JenisPenghargaanSanksi,
    Kemitraan,
    PenghargaanSanksi,
    StatusKemitraan,
)
from kemitraan.templatetags.rupiah import format_rupiah
from laporan.kunci import Tersimpan, pastikan_terbuka
from puskesmas.models import Bidan, Kelurahan, Puskesmas

# One district's template ends a partnership after this many written warnings (teguran tertulis).
BATAS_TEGURAN = 3

# The role division of the written agreement, per phase of the mother's care (Depkes 2008 guideline):
# (phase, [(field, party)]). Forms, the detail page and the printed agreement all read it from here.
PERAN_PER_TAHAP: list[tuple[str, list[tuple[str, str]]]] = [
    (gettext_lazy("Masa kehamilan"), [("dukun_mengantar_bumil", "dukun")]),
    (gettext_lazy("Persalinan"), [
        ("dukun_mendampingi_persalinan", "dukun"),
        ("dukun_tidak_menolong_sendiri", "dukun"),
        ("bidan_menolong_persalinan", "bidan"),
    ]),
    (gettext_lazy("Masa nifas"), [("dukun_merawat_nifas", "dukun"), ("bidan_berbagi_jasa", "bidan")]),
    (gettext_lazy("Sepanjang kemitraan"), [("bidan_membina_dukun", "bidan")]),
]
PERAN_FIELDS = [name for _tahap, butir in PERAN_PER_TAHAP for name, _pihak in butir]


# --- Writes ----------------------------------------------------------------------------------


def _simpan_kemitraan(kemitraan: Kemitraan) -> None:
    kemitraan.full_clean()
    try:
        with transaction.atomic():
            kemitraan.save()
    except IntegrityError as exc:
        # The constraint's name is in PostgreSQL's message, not in SQLite's: ask the table instead.
        bentrok = (
            Kemitraan.objects.filter(bidan=kemitraan.bidan_id, dukun=kemitraan.dukun_id, status=StatusKemitraan.AKTIF)
            .exclude(pk=kemitraan.pk)
        )
        if kemitraan.status == StatusKemitraan.AKTIF and bentrok.exists():
            raise ValidationError(
                {"dukun": _("Bidan dan dukun ini sudah mempunyai kesepakatan yang aktif.")}
            ) from exc
        raise


@transaction.atomic
def kemitraan_create(*, bidan: Bidan, dukun: Dukun, tanggal_mulai: dt.date, **fields) -> Kemitraan:
    """Record a new partnership (status aktif) between `bidan` and `dukun` under its written terms."""
    if fields.get("jenis_pembagian_jasa") == JenisPembagianJasa.TIDAK_ADA:
        fields["nilai_pembagian_jasa"] = None
    kemitraan = Kemitraan(bidan=bidan, dukun=dukun, tanggal_mulai=tanggal_mulai, status=StatusKemitraan.AKTIF,
                          **fields)
    _simpan_kemitraan(kemitraan)
    return kemitraan


@transaction.atomic
def kemitraan_update(*, kemitraan: Kemitraan, **fields) -> Kemitraan:
    """Change the terms of a partnership; its parties and status are changed elsewhere (or not at all)."""
    for name in ("bidan", "dukun", "status", "tanggal_berakhir", "alasan_berakhir"):
        if name in fields:
            raise TypeError(f"kemitraan_update does not change {name!r}")
    for name, value in fields.items():
        setattr(kemitraan, name, value)
    if kemitraan.jenis_pembagian_jasa == JenisPembagianJasa.TIDAK_ADA:
        kemitraan.nilai_pembagian_jasa = None
    _simpan_kemitraan(kemitraan)
    return kemitraan


@transaction.atomic
def kemitraan_akhiri(*, kemitraan: Kemitraan, tanggal_berakhir: dt.date, alasan_berakhir: str) -> Kemitraan:
    """End an active partnership on `tanggal_berakhir` for `alasan_berakhir` (both required)."""
    # Locked and re-read: two people ending it at once end it once.
    if not Kemitraan.objects.select_for_update().filter(pk=kemitraan.pk, status=StatusKemitraan.AKTIF).exists():
        raise ValidationError(_("Kemitraan ini sudah berakhir."))
    if tanggal_berakhir and tanggal_berakhir > timezone.localdate():
        raise ValidationError({"tanggal_berakhir": _("Tanggal berakhir tidak boleh di masa depan.")})
    kemitraan.status = StatusKemitraan.BERAKHIR
    kemitraan.tanggal_berakhir = tanggal_berakhir
    kemitraan.alasan_berakhir = (alasan_berakhir or "").strip()
    _simpan_kemitraan(kemitraan)
    return kemitraan


def puskesmas_penerima(*, kemitraan: Kemitraan | None, bidan: Bidan | None, dukun: Dukun | None) -> Puskesmas | None:
    """The Puskesmas a reward or sanction belongs to: that of its partnership, else its bidan, else its dukun."""
    if kemitraan is not None:
        return kemitraan.puskesmas
    if bidan is not None:
        return bidan.puskesmas
    if dukun is not None:
        return dukun.kelurahan.puskesmas
    return None


@transaction.atomic
def penghargaan_create(
    *, jenis: str, tanggal: dt.date, bentuk: str, alasan: str,
    dukun: Dukun | None = None, bidan: Bidan | None = None, kemitraan: Kemitraan | None = None,
) -> PenghargaanSanksi:
    """Record a reward, a written warning or a sanction given to a dukun, a bidan or a partnership."""
    obj = PenghargaanSanksi(
        jenis=jenis, tanggal=tanggal, bentuk=bentuk, alasan=alasan, dukun=dukun, bidan=bidan, kemitraan=kemitraan,
        puskesmas=puskesmas_penerima(kemitraan=kemitraan, bidan=bidan, dukun=dukun),
    )
    pastikan_terbuka(obj.puskesmas_id, obj.tanggal)
    obj.full_clean()
    obj.save()
    return obj


@transaction.atomic
def penghargaan_update(*, penghargaan: PenghargaanSanksi, **fields) -> PenghargaanSanksi:
    for name, value in fields.items():
        setattr(penghargaan, name, value)
    penghargaan.puskesmas = puskesmas_penerima(
        kemitraan=penghargaan.kemitraan, bidan=penghargaan.bidan, dukun=penghargaan.dukun
    )
    # The month lock (laporan.kunci): the new month and Puskesmas, and those of the stored record.
    pastikan_terbuka(penghargaan.puskesmas_id, penghargaan.tanggal, tersimpan=Tersimpan.dari(penghargaan))
    penghargaan.full_clean()
    penghargaan.save()
    return penghargaan


# --- Reads -----------------------------------------------------------------------------------


def with_jumlah_teguran(qs: QuerySet[Kemitraan]) -> QuerySet[Kemitraan]:
    """Annotate each partnership with its number of written warnings, as one subquery."""
    teguran = (
        PenghargaanSanksi.objects.filter(kemitraan=OuterRef("pk"), jenis=JenisPenghargaanSanksi.TEGURAN)
        .order_by()
        .values("kemitraan")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.annotate(jumlah_teguran=Coalesce(Subquery(teguran, output_field=IntegerField()), 0))


def jumlah_teguran(kemitraan: Kemitraan) -> int:
    return PenghargaanSanksi.objects.filter(kemitraan=kemitraan, jenis=JenisPenghargaanSanksi.TEGURAN).count()


def perlu_ditinjau_teguran(kemitraan: Kemitraan, jumlah: int) -> bool:
    """An active partnership with three or more written warnings: the district template would end it."""
    return kemitraan.status == StatusKemitraan.AKTIF and jumlah >= BATAS_TEGURAN


@dataclass
class CakupanKelurahan:
    pk: int
    nama: str
    puskesmas: str
    dukun_aktif: int
    dukun_bermitra: int
    kemitraan_aktif: int

    @property
    def persen(self) -> float | None:
        """Partnership coverage: active dukun with an active agreement / active dukun, in percent."""
        return 100 * self.dukun_bermitra / self.dukun_aktif if self.dukun_aktif else None


def cakupan_per_kelurahan(kelurahan: QuerySet[Kelurahan]) -> list[CakupanKelurahan]:
    """Per kelurahan: active dukun, active dukun with an active agreement, active agreements — one query.

    Only kelurahan with an active dukun or any partnership are listed (a district has hundreds of empty ones).
    """
    aktif = Q(dukun__status=StatusDukun.AKTIF)
    kemitraan_aktif = (
        Kemitraan.objects.filter(kelurahan=OuterRef("pk"), status=StatusKemitraan.AKTIF)
        .order_by()
        .values("kelurahan")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        kelurahan.annotate(
            dukun_aktif=Count("dukun", filter=aktif, distinct=True),
            dukun_bermitra=Count("dukun", filter=aktif & Q(dukun__kemitraan__status=StatusKemitraan.AKTIF),
                                 distinct=True),
            kemitraan_aktif=Coalesce(Subquery(kemitraan_aktif, output_field=IntegerField()), 0),
            ada_kemitraan=Exists(Kemitraan.objects.filter(kelurahan=OuterRef("pk"))),
        )
        .filter(Q(dukun_aktif__gt=0) | Q(ada_kemitraan=True))
        .values("pk", "nama", "puskesmas__nama", "dukun_aktif", "dukun_bermitra", "kemitraan_aktif")
        .order_by("nama", "pk")
    )
    return [
        CakupanKelurahan(pk=r["pk"], nama=r["nama"], puskesmas=r["puskesmas__nama"] or "",
                         dukun_aktif=r["dukun_aktif"], dukun_bermitra=r["dukun_bermitra"],
                         kemitraan_aktif=r["kemitraan_aktif"])
        for r in rows
    ]


def pembagian_peran(kemitraan: Kemitraan) -> list[dict]:
    """The agreed role division per phase, for the detail page and the printed agreement."""
    fields = {f.name: f for f in Kemitraan._meta.fields}
    pihak_label = {"bidan": _("Bidan"), "dukun": _("Dukun")}
    return [
        {
            "tahap": str(tahap),
            "butir": [
                {"label": str(fields[name].verbose_name), "pihak": pihak_label[pihak],
                 "disepakati": bool(getattr(kemitraan, name))}
                for name, pihak in butir
            ],
        }
        for tahap, butir in PERAN_PER_TAHAP
    ]


def format_persen(value) -> str:
    """A percentage the Indonesian way: `10%`, `12,5%`."""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text.replace('.', ',')}%"


def pembagian_jasa_teks(kemitraan: Kemitraan) -> str:
    """The fee-sharing term the Indonesian way: `Rp 50.000 per persalinan`, `10% dari jasa persalinan`."""
    if kemitraan.jenis_pembagian_jasa == JenisPembagianJasa.NOMINAL and kemitraan.nilai_pembagian_jasa is not None:
        return _("%(nilai)s per persalinan") % {"nilai": format_rupiah(kemitraan.nilai_pembagian_jasa)}
    if kemitraan.jenis_pembagian_jasa == JenisPembagianJasa.PERSEN and kemitraan.nilai_pembagian_jasa is not None:
        return _("%(nilai)s dari jasa persalinan") % {"nilai": format_persen(kemitraan.nilai_pembagian_jasa)}
    return _("Tidak ada pembagian jasa")


def mitra_dukun(*, dukun: Dukun, user) -> QuerySet[Kemitraan]:
    """The partnerships of one dukun that `user` may see: for templates/kemitraan/partials/mitra_dukun.html."""
    return (
        Kemitraan.objects.visible_to(user)
        .filter(dukun=dukun)
        .select_related("bidan", "bidan__fasilitas")
        .order_by("status", "-tanggal_mulai", "pk")
    )
