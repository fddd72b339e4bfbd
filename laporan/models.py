"""Downloads rendered in the background: a row with a status, a thin task, a private file."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from puskesmas.models import Puskesmas


class JenisUnduhan(models.TextChoices):
    DAFTAR_DUKUN_PDF = "daftar_dukun_pdf", _("Daftar dukun (PDF)")


class StatusUnduhan(models.TextChoices):
    PENDING = "pending", _("Menunggu")
    PROCESSING = "processing", _("Sedang dibuat")
    COMPLETE = "complete", _("Selesai")
    FAILED = "failed", _("Gagal")


class UnduhanQuerySet(models.QuerySet):
    def visible_to(self, user) -> UnduhanQuerySet:
        """A user sees her own downloads, and only while the Puskesmas is still in her scope."""
        from puskesmas import access

        if not (user and user.is_authenticated):
            return self.none()
        return self.filter(diminta_oleh=user, puskesmas__in=access.puskesmas_ids(user))


class Unduhan(models.Model):
    jenis = models.CharField(_("jenis"), max_length=30, choices=JenisUnduhan.choices)
    puskesmas = models.ForeignKey(Puskesmas, on_delete=models.CASCADE, related_name="+")
    diminta_oleh = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="unduhan")
    status = models.CharField(
        _("status"), max_length=20, choices=StatusUnduhan.choices, default=StatusUnduhan.PENDING
    )
    # Path relative to PRIVATE_MEDIA_ROOT; set only once the file is complete.
    berkas = models.CharField(max_length=255, blank=True)
    pesan_galat = models.TextField(blank=True)
    dibuat_pada = models.DateTimeField(default=timezone.now)
    selesai_pada = models.DateTimeField(null=True, blank=True)

    objects = UnduhanQuerySet.as_manager()

    class Meta:
        ordering = ["-dibuat_pada"]
        verbose_name = _("unduhan")
        verbose_name_plural = _("unduhan")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=StatusUnduhan.values), name="laporan_unduhan_status_valid"),
            models.CheckConstraint(
                condition=~Q(status=StatusUnduhan.COMPLETE) | ~Q(berkas=""),
                name="laporan_unduhan_complete_has_file",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_jenis_display()} – {self.puskesmas}"

    @property
    def selesai(self) -> bool:
        return self.status == StatusUnduhan.COMPLETE

    @property
    def berjalan(self) -> bool:
        return self.status in (StatusUnduhan.PENDING, StatusUnduhan.PROCESSING)

    @property
    def nama_berkas(self) -> str:
        # The code comes from an imported file: slugify keeps it a plain file name.
        return f"daftar-dukun-{slugify(self.puskesmas.kode)}-{self.dibuat_pada:%Y%m%d}.pdf"


# --- The monthly report: approval, lock and the log of what was done with it ----------------------


class StatusLaporan(models.TextChoices):
    DISETUJUI = "disetujui", _("Disetujui (terkunci)")
    DIBUKA = "dibuka", _("Dibuka kembali")


class LaporanBulananQuerySet(models.QuerySet):
    def visible_to(self, user) -> LaporanBulananQuerySet:
        from puskesmas import access

        return access.filter_by_puskesmas(self, user)

    def terkunci(self) -> LaporanBulananQuerySet:
        return self.filter(status=StatusLaporan.DISETUJUI)


class LaporanBulanan(models.Model):
    """The approval state of one Puskesmas' month; while approved, that month's records are locked.

    The approved report is kept as it was: the PDF (rendered after the lock, so it matches the locked
    data), the indicator values and the file's SHA-256. Reopening keeps the row and its history.
    """

    puskesmas = models.ForeignKey(Puskesmas, on_delete=models.PROTECT, related_name="laporan_bulanan")
    bulan = models.DateField(_("bulan"), help_text=_("Hari pertama bulan laporan."))
    status = models.CharField(_("status"), max_length=10, choices=StatusLaporan.choices)
    disetujui_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("disetujui oleh"),
    )
    disetujui_pada = models.DateTimeField(_("disetujui pada"), null=True, blank=True)
    dibuka_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("dibuka oleh"),
    )
    dibuka_pada = models.DateTimeField(_("dibuka pada"), null=True, blank=True)
    alasan_dibuka = models.TextField(_("alasan dibuka kembali"), blank=True)
    # The approved report as it was (path relative to PRIVATE_MEDIA_ROOT, values, SHA-256 of the PDF).
    berkas_pdf = models.CharField(max_length=255, blank=True)
    nilai = models.JSONField(_("nilai indikator"), default=dict, blank=True)
    checksum = models.CharField(_("SHA-256"), max_length=64, blank=True)
    history = HistoricalRecords()

    objects = LaporanBulananQuerySet.as_manager()

    class Meta:
        ordering = ["-bulan", "puskesmas__nama"]
        verbose_name = _("laporan bulanan")
        verbose_name_plural = _("laporan bulanan")
        constraints = [
            models.UniqueConstraint(fields=["puskesmas", "bulan"], name="laporan_laporanbulanan_unique"),
            models.CheckConstraint(condition=Q(bulan__day=1), name="laporan_laporanbulanan_first_day"),
            models.CheckConstraint(condition=Q(status__in=StatusLaporan.values), name="laporan_laporanbulanan_status"),
            models.CheckConstraint(
                condition=~Q(status=StatusLaporan.DIBUKA) | ~Q(alasan_dibuka=""),
                name="laporan_laporanbulanan_reopen_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.puskesmas} – {self.bulan:%Y-%m}"

    @property
    def terkunci(self) -> bool:
        return self.status == StatusLaporan.DISETUJUI


class AksiLaporan(models.TextChoices):
    SETUJUI = "setujui", _("Menyetujui")
    BUKA = "buka", _("Membuka kembali")
    UNDUH = "unduh", _("Mengunduh")
    MINTA = "minta", _("Meminta pembuatan")


class CatatanLaporan(models.Model):
    """Who approved, reopened, requested or downloaded which report, and when (append-only)."""

    aksi = models.CharField(_("aksi"), max_length=10, choices=AksiLaporan.choices)
    oleh = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    pada = models.DateTimeField(_("waktu"), default=timezone.now)
    puskesmas = models.ForeignKey(Puskesmas, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    kabupaten = models.ForeignKey(
        "puskesmas.Kabupaten", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    periode = models.CharField(_("periode"), max_length=30)
    berkas = models.CharField(_("berkas"), max_length=100, blank=True, help_text=_("pdf, xlsx atau zip"))
    keterangan = models.TextField(_("keterangan"), blank=True)

    class Meta:
        ordering = ["-pada", "-pk"]
        verbose_name = _("catatan laporan")
        verbose_name_plural = _("catatan laporan")
        indexes = [models.Index(fields=["puskesmas", "-pada"]), models.Index(fields=["kabupaten", "-pada"])]

    def __str__(self) -> str:
        return f"{self.get_aksi_display()} {self.periode} – {self.oleh}"
