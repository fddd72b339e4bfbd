"""Downloads rendered in the background: a row with a status, a thin task, a private file."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from puskesmas.models import Puskesmas


class JenisUnduhan(models.TextChoices):
    DAFTAR_DUKUN_PDF = "daftar_dukun_pdf", _("Daftar dukun (PDF)")
    LAPORAN_BULANAN_PDF = "laporan_bulanan_pdf", _("Laporan bulanan Puskesmas (PDF)")
    LAPORAN_BULANAN_XLSX = "laporan_bulanan_xlsx", _("Laporan bulanan Puskesmas (XLSX)")
    LAPORAN_KABUPATEN_PDF = "laporan_kabupaten_pdf", _("Laporan kabupaten/kota (PDF)")
    LAPORAN_KABUPATEN_XLSX = "laporan_kabupaten_xlsx", _("Laporan kabupaten/kota (XLSX)")
    LAPORAN_KABUPATEN_ZIP = "laporan_kabupaten_zip", _("Laporan bulanan semua Puskesmas (ZIP)")


# The kinds that belong to a kabupaten/kota rather than to one Puskesmas, and the monitoring reports
# (whose requests and downloads are logged in CatatanLaporan).
JENIS_KABUPATEN = {
    JenisUnduhan.LAPORAN_KABUPATEN_PDF, JenisUnduhan.LAPORAN_KABUPATEN_XLSX, JenisUnduhan.LAPORAN_KABUPATEN_ZIP,
}
JENIS_LAPORAN = JENIS_KABUPATEN | {JenisUnduhan.LAPORAN_BULANAN_PDF, JenisUnduhan.LAPORAN_BULANAN_XLSX}
EKSTENSI = {
    JenisUnduhan.DAFTAR_DUKUN_PDF: "pdf",
    JenisUnduhan.LAPORAN_BULANAN_PDF: "pdf",
    JenisUnduhan.LAPORAN_BULANAN_XLSX: "xlsx",
    JenisUnduhan.LAPORAN_KABUPATEN_PDF: "pdf",
    JenisUnduhan.LAPORAN_KABUPATEN_XLSX: "xlsx",
    JenisUnduhan.LAPORAN_KABUPATEN_ZIP: "zip",
}
CONTENT_TYPE = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}


def kabupaten_laporan(user):
    """Kabupaten/kota whose district reports the user may read (the rule is access.kabupaten_ids)."""
    from puskesmas import access
    from puskesmas.models import Kabupaten

    return Kabupaten.objects.filter(pk__in=access.kabupaten_ids(user))


class StatusUnduhan(models.TextChoices):
    PENDING = "pending", _("Menunggu")
    PROCESSING = "processing", _("Sedang dibuat")
    COMPLETE = "complete", _("Selesai")
    FAILED = "failed", _("Gagal")


class UnduhanQuerySet(models.QuerySet):
    def visible_to(self, user) -> UnduhanQuerySet:
        """A user sees her own downloads, and only while the Puskesmas is still in her scope."""
        from puskesmas import access
        from puskesmas.models import Role

        if not (user and user.is_authenticated):
            return self.none()
        pkm = access.puskesmas_ids(user)
        own = Q(diminta_oleh=user) & (Q(puskesmas__in=pkm) | Q(kabupaten__in=kabupaten_laporan(user)))
        if user.role == Role.BIDAN:
            return self.filter(own)
        # The monthly reports the schedule renders (no requester) belong to all who read that Puskesmas' reports.
        jadwal = Q(diminta_oleh__isnull=True, jenis__in=JENIS_LAPORAN, puskesmas__in=pkm)
        return self.filter(own | jadwal)


class Unduhan(models.Model):
    jenis = models.CharField(_("jenis"), max_length=30, choices=JenisUnduhan.choices)
    # Exactly one of the two: a Puskesmas' file or a kabupaten/kota's.
    puskesmas = models.ForeignKey(Puskesmas, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    kabupaten = models.ForeignKey(
        "puskesmas.Kabupaten", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The report's period code (laporan.periode.Periode.kode: "2026-11", "2026"); blank for the registry.
    periode = models.CharField(_("periode"), max_length=30, blank=True)
    # None: rendered by the monthly schedule (Celery beat), not asked for by a user.
    diminta_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="unduhan"
    )
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
            models.CheckConstraint(
                condition=Q(puskesmas__isnull=False, kabupaten__isnull=True)
                | Q(puskesmas__isnull=True, kabupaten__isnull=False),
                name="laporan_unduhan_one_scope",
            ),
            # The schedule renders each Puskesmas' month once, however often it runs.
            models.UniqueConstraint(
                fields=["jenis", "puskesmas", "periode"], condition=Q(diminta_oleh__isnull=True),
                name="laporan_unduhan_schedule_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_jenis_display()} – {self.pemilik}"

    @property
    def pemilik(self):
        """The Puskesmas or the kabupaten/kota the file is about."""
        return self.puskesmas if self.puskesmas_id else self.kabupaten

    @property
    def ekstensi(self) -> str:
        return EKSTENSI[self.jenis]

    @property
    def content_type(self) -> str:
        return CONTENT_TYPE[self.ekstensi]

    @property
    def laporan(self) -> bool:
        """A monitoring report (its requests and downloads are logged)."""
        return self.jenis in JENIS_LAPORAN

    @property
    def selesai(self) -> bool:
        return self.status == StatusUnduhan.COMPLETE

    @property
    def berjalan(self) -> bool:
        return self.status in (StatusUnduhan.PENDING, StatusUnduhan.PROCESSING)

    @cached_property
    def antrean_tertunda(self) -> bool:
        """Waiting for the broker: still pending, its task in the outbox after a failed publish."""
        from outbox.models import Pesan

        return self.status == StatusUnduhan.PENDING and Pesan.objects.tertunda().untuk(
            "laporan.tasks.render_unduhan", self.pk).exists()

    @property
    def nama_berkas(self) -> str:
        # Codes come from imported files: slugify keeps them plain file names.
        if self.jenis == JenisUnduhan.DAFTAR_DUKUN_PDF:
            return f"daftar-dukun-{slugify(self.puskesmas.kode)}-{self.dibuat_pada:%Y%m%d}.pdf"
        if self.jenis == JenisUnduhan.LAPORAN_KABUPATEN_ZIP:
            return f"laporan-bulanan-{slugify(self.kabupaten_id)}-{slugify(self.periode)}.zip"
        if self.jenis in JENIS_KABUPATEN:
            return f"laporan-kabupaten-{slugify(self.kabupaten_id)}-{slugify(self.periode)}.{self.ekstensi}"
        return f"laporan-bulanan-{slugify(self.puskesmas.kode)}-{slugify(self.periode)}.{self.ekstensi}"


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
