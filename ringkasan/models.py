"""The monthly summary: per Puskesmas × kelurahan × month, the counts the indicator engine sums.

Each column is named after the engine's measure it holds (`laporan.hitung`), so a period of whole months
is `SUM(column) FILTER (WHERE bulan BETWEEN …)` over a few rows per kelurahan instead of an aggregate
over every delivery, baby and referral. The month is the record's month: a delivery's date; a mother's
death by the day she died; a baby's birth by the delivery date and her death by the day she died; a
referral by the calendar day of its referral time in the Puskesmas' own zone.

What cannot be summed stays on the raw table: the median time from referral to arrival is read from
`kia.Rujukan` through its index (puskesmas, waktu_rujuk).

`ringkasan.services` keeps the rows current; `manage.py ringkasan_periksa` compares them with the raw records.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from puskesmas.models import Kelurahan, Puskesmas


def _n(label: str) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(label, default=0)


class RingkasanBulanan(models.Model):
    puskesmas = models.ForeignKey(Puskesmas, on_delete=models.CASCADE, related_name="+")
    kelurahan = models.ForeignKey(Kelurahan, on_delete=models.CASCADE, related_name="+")
    bulan = models.DateField(_("bulan"), help_text=_("Hari pertama bulan."))

    # Deliveries, by the month of the delivery.
    persalinan_jumlah = _n(_("persalinan"))
    persalinan_nakes = _n(_("persalinan oleh tenaga kesehatan"))
    persalinan_fasilitas = _n(_("persalinan di fasilitas kesehatan"))
    persalinan_dukun_sendiri = _n(_("persalinan oleh dukun sendiri"))
    persalinan_bermitra = _n(_("persalinan dalam kemitraan"))
    jasa_dibayar = _n(_("jasa dukun dibayar (persalinan bermitra)"))
    jasa_jumlah = models.DecimalField(_("jumlah jasa dukun (Rp)"), max_digits=16, decimal_places=0, default=0)
    persalinan_penolong_dokter = _n(_("penolong dokter"))
    persalinan_penolong_bidan = _n(_("penolong bidan"))
    persalinan_penolong_bidan_dukun = _n(_("penolong bidan didampingi dukun"))
    persalinan_penolong_dukun = _n(_("penolong dukun sendiri"))
    persalinan_penolong_keluarga = _n(_("penolong keluarga"))
    persalinan_tempat_rs = _n(_("di rumah sakit"))
    persalinan_tempat_puskesmas = _n(_("di Puskesmas"))
    persalinan_tempat_pustu = _n(_("di Pustu"))
    persalinan_tempat_poskesdes = _n(_("di Poskesdes/Polindes"))
    persalinan_tempat_pmb = _n(_("di praktik mandiri bidan"))
    persalinan_tempat_rumah = _n(_("di rumah"))
    persalinan_tempat_perjalanan = _n(_("dalam perjalanan"))
    # Maternal deaths, by the month the mother died.
    kematian_ibu = _n(_("kematian ibu"))
    # Babies, by the month of the delivery.
    bayi_jumlah = _n(_("bayi"))
    lahir_hidup = _n(_("lahir hidup"))
    lahir_mati = _n(_("lahir mati"))
    bblr = _n(_("BBLR"))
    kn1 = _n(_("KN1"))
    kn_lengkap = _n(_("KN lengkap"))
    # Deaths of babies born alive, by the month they died.
    kematian_neonatal = _n(_("kematian neonatal"))
    kematian_bayi = _n(_("kematian bayi"))
    # Referrals, by the local month of the referral time.
    rujukan_jumlah = _n(_("rujukan"))
    rujukan_dari_dukun = _n(_("rujukan dari dukun"))
    rujukan_sampai = _n(_("rujukan sampai"))
    rujukan_ditolak = _n(_("rujukan ditolak keluarga"))
    rujukan_tidak_sampai = _n(_("rujukan tidak sampai"))
    rujukan_alasan_biaya = _n(_("ditolak: biaya"))
    rujukan_alasan_jarak = _n(_("ditolak: jarak"))
    rujukan_alasan_kepercayaan = _n(_("ditolak: kepercayaan"))
    rujukan_alasan_keputusan_keluarga = _n(_("ditolak: keputusan keluarga"))
    rujukan_alasan_lainnya = _n(_("ditolak: lainnya"))

    class Meta:
        verbose_name = _("ringkasan bulanan")
        verbose_name_plural = _("ringkasan bulanan")
        constraints = [
            models.UniqueConstraint(fields=["puskesmas", "kelurahan", "bulan"], name="ringkasan_bulanan_sel_unik"),
        ]
        indexes = [models.Index(fields=["kelurahan", "bulan"], name="ringkasan_bulanan_kel_bln_idx")]

    def __str__(self) -> str:
        return f"{self.puskesmas_id} {self.kelurahan_id} {self.bulan:%Y-%m}"


KOLOM: list[str] = [
    f.name for f in RingkasanBulanan._meta.concrete_fields
    if f.name not in ("id", "puskesmas", "kelurahan", "bulan")
]
