"""Downloads rendered in the background: a row with a status, a thin task, a private file."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

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
