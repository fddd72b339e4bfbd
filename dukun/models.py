"""The dukun bayi registry: who the traditional birth attendants of each kelurahan are."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from puskesmas.models import Bidan, Kelurahan, telepon_validator
from puskesmas.versi import TANPA_RIWAYAT, BerversiModel, SekaliKirimModel


class StatusDukun(models.TextChoices):
    AKTIF = "aktif", _("Aktif menolong")
    TIDAK_MENOLONG = "tidak_menolong", _("Tidak lagi menolong")
    PINDAH = "pindah", _("Pindah")
    MENINGGAL = "meninggal", _("Meninggal")


class DukunQuerySet(models.QuerySet):
    def visible_to(self, user) -> DukunQuerySet:
        from puskesmas import access

        return access.filter_by_kelurahan(self, user)

    def writable_by(self, user) -> DukunQuerySet:
        from puskesmas import access

        return self.filter(kelurahan__in=access.dukun_writable_kelurahan_ids(user))

    def aktif(self) -> DukunQuerySet:
        return self.filter(status=StatusDukun.AKTIF)

    def with_dikenal(self) -> DukunQuerySet:
        """Annotate whether at least one bidan knows her, as one EXISTS subquery."""
        kenal = Dukun.dikenal_oleh.through.objects.filter(dukun=OuterRef("pk"))
        return self.annotate(dikenal=Exists(kenal))

    @staticmethod
    def _hitungan() -> dict:
        return {
            "jumlah": Count("id"),
            "aktif": Count("id", filter=Q(status=StatusDukun.AKTIF)),
            "bisa_baca_tulis": Count("id", filter=Q(bisa_baca_tulis=True)),
            "dikenal_bidan": Count("id", filter=Q(_dikenal=True)),
        }

    def _with_kenal_flag(self) -> DukunQuerySet:
        kenal = Dukun.dikenal_oleh.through.objects.filter(dukun=OuterRef("pk"))
        return self.annotate(_dikenal=Exists(kenal))

    def per_kelurahan(self):
        """Counts per kelurahan, grouped in the database: the registry's headline table."""
        return (
            self._with_kenal_flag()
            .values("kelurahan", "kelurahan__nama")
            .annotate(**self._hitungan())
            .order_by("kelurahan__nama")
        )

    def ringkasan(self) -> dict:
        """The same counts over the whole queryset, in one query."""
        return self._with_kenal_flag().aggregate(**self._hitungan())


rt_rw_validator = RegexValidator(r"^\d{1,3}$", _("RT/RW berupa angka 1–3 digit, contoh 004."))


def tahun_ini() -> int:
    return timezone.localdate().year


class Dukun(BerversiModel, SekaliKirimModel):
    nama = models.CharField(_("nama"), max_length=150)
    nama_panggilan = models.CharField(_("nama panggilan"), max_length=60, blank=True)
    tahun_lahir = models.PositiveSmallIntegerField(
        _("tahun lahir"), null=True, blank=True, validators=[MinValueValidator(1900)]
    )
    kelurahan = models.ForeignKey(
        Kelurahan, on_delete=models.PROTECT, related_name="dukun", verbose_name=_("kelurahan/desa")
    )
    alamat = models.CharField(_("alamat"), max_length=255, blank=True, help_text=_("Jalan, gang, nomor rumah."))
    rt = models.CharField(_("RT"), max_length=3, blank=True, validators=[rt_rw_validator])
    rw = models.CharField(_("RW"), max_length=3, blank=True, validators=[rt_rw_validator])
    latitude = models.DecimalField(
        _("lintang"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(Decimal("-11.5")), MaxValueValidator(Decimal("6.5"))],
    )
    longitude = models.DecimalField(
        _("bujur"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(Decimal("94.5")), MaxValueValidator(Decimal("141.5"))],
    )
    telepon = models.CharField(_("telepon"), max_length=20, blank=True, validators=[telepon_validator])
    bisa_baca_tulis = models.BooleanField(_("bisa baca tulis"), default=False)
    lama_praktik_tahun = models.PositiveSmallIntegerField(
        _("lama praktik (tahun)"), null=True, blank=True, validators=[MaxValueValidator(80)]
    )
    status = models.CharField(_("status"), max_length=20, choices=StatusDukun.choices, default=StatusDukun.AKTIF)
    status_sejak = models.DateField(
        _("tanggal status"), null=True, blank=True, help_text=_("Tanggal status ini berlaku.")
    )
    catatan = models.TextField(_("catatan"), blank=True)
    dikenal_oleh = models.ManyToManyField(
        Bidan, blank=True, related_name="dukun_dikenal", verbose_name=_("dikenal oleh bidan")
    )
    dicatat_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, editable=False, related_name="+",
        verbose_name=_("dicatat oleh"),
    )
    dicatat_pada = models.DateTimeField(_("dicatat pada"), default=timezone.now, editable=False)
    history = HistoricalRecords(m2m_fields=[dikenal_oleh], excluded_fields=TANPA_RIWAYAT)

    objects = DukunQuerySet.as_manager()

    class Meta:
        ordering = ["kelurahan__nama", "nama"]
        verbose_name = _("dukun")
        verbose_name_plural = _("dukun")
        indexes = [models.Index(fields=["kelurahan", "status"], name="dukun_kelurahan_status_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=StatusDukun.values), name="dukun_dukun_status_valid"),
            models.CheckConstraint(
                condition=Q(status=StatusDukun.AKTIF) | Q(status_sejak__isnull=False),
                name="dukun_dukun_status_needs_date",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="dukun_dukun_gps_both_or_none",
            ),
        ]

    def __str__(self) -> str:
        if self.nama_panggilan:
            return f"{self.nama} ({self.nama_panggilan})"
        return self.nama

    @property
    def umur(self) -> int | None:
        return tahun_ini() - self.tahun_lahir if self.tahun_lahir else None

    @property
    def punya_lokasi(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def clean(self) -> None:
        errors: dict[str, str] = {}
        today = timezone.localdate()
        if self.tahun_lahir and self.tahun_lahir > today.year - 15:
            errors["tahun_lahir"] = _("Tahun lahir tidak masuk akal: dukun berumur sedikitnya 15 tahun.")
        if self.status != StatusDukun.AKTIF and not self.status_sejak:
            errors["status_sejak"] = _("Isi tanggal sejak kapan status ini berlaku.")
        if self.status_sejak and self.status_sejak > today:
            errors["status_sejak"] = _("Tanggal status tidak boleh di masa depan.")
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = _("Isi lintang dan bujur bersama-sama, atau kosongkan keduanya.")
        if self.kelurahan_id and not Kelurahan.objects.filter(pk=self.kelurahan_id, puskesmas__isnull=False).exists():
            errors["kelurahan"] = _("Kelurahan/desa ini belum masuk wilayah kerja Puskesmas mana pun.")
        if errors:
            raise ValidationError(errors)
