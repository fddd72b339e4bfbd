"""Regions (Kemendagri codes), the Puskesmas network, bidan and users with their roles."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# --- Regions -------------------------------------------------------------------------------


class ZonaWaktu(models.TextChoices):
    WIB = "Asia/Jakarta", _("WIB (UTC+7)")
    WITA = "Asia/Makassar", _("WITA (UTC+8)")
    WIT = "Asia/Jayapura", _("WIT (UTC+9)")


# Province code → time zone (Permendagri/Keppres 41/1987 division of WIB/WITA/WIT).
_WITA_PROVINSI = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
_WIT_PROVINSI = {"81", "82", "91", "92", "93", "94", "95", "96"}


def zona_waktu_provinsi(kode_provinsi: str) -> str:
    if kode_provinsi in _WIT_PROVINSI:
        return ZonaWaktu.WIT
    if kode_provinsi in _WITA_PROVINSI:
        return ZonaWaktu.WITA
    return ZonaWaktu.WIB


class Provinsi(models.Model):
    kode = models.CharField(_("kode"), max_length=2, primary_key=True)
    nama = models.CharField(_("nama"), max_length=100)

    class Meta:
        ordering = ["kode"]
        verbose_name = _("provinsi")
        verbose_name_plural = _("provinsi")

    def __str__(self) -> str:
        return self.nama


class Kabupaten(models.Model):
    kode = models.CharField(_("kode"), max_length=5, primary_key=True)
    provinsi = models.ForeignKey(Provinsi, on_delete=models.PROTECT, related_name="kabupaten")
    nama = models.CharField(_("nama"), max_length=100)

    class Meta:
        ordering = ["kode"]
        verbose_name = _("kabupaten/kota")
        verbose_name_plural = _("kabupaten/kota")

    def __str__(self) -> str:
        return self.nama


class Kecamatan(models.Model):
    kode = models.CharField(_("kode"), max_length=8, primary_key=True)
    kabupaten = models.ForeignKey(Kabupaten, on_delete=models.PROTECT, related_name="kecamatan")
    nama = models.CharField(_("nama"), max_length=100)

    class Meta:
        ordering = ["kode"]
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")

    def __str__(self) -> str:
        return self.nama


class Kelurahan(models.Model):
    """A kelurahan (urban) or desa (rural); Kemendagri codes 1xxx are kelurahan, 2xxx desa."""

    kode = models.CharField(_("kode"), max_length=13, primary_key=True)
    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.PROTECT, related_name="kelurahan")
    # Denormalised from the code so that the district scope of Dinkes is one indexed column.
    kabupaten = models.ForeignKey(Kabupaten, on_delete=models.PROTECT, related_name="kelurahan")
    nama = models.CharField(_("nama"), max_length=100)
    # The Puskesmas whose wilayah kerja holds this kelurahan: one at most, so that scope
    # (who answers for a village) is never ambiguous.
    puskesmas = models.ForeignKey(
        "Puskesmas",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="wilayah_kerja",
        verbose_name=_("Puskesmas"),
    )

    class Meta:
        ordering = ["kode"]
        verbose_name = _("kelurahan/desa")
        verbose_name_plural = _("kelurahan/desa")

    def __str__(self) -> str:
        return self.nama

    @property
    def jenis(self) -> str:
        return _("Kelurahan") if self.kode.split(".")[-1].startswith("1") else _("Desa")


# --- The Puskesmas network -----------------------------------------------------------------


class PuskesmasQuerySet(models.QuerySet):
    def visible_to(self, user) -> PuskesmasQuerySet:
        from puskesmas import access

        return self.filter(pk__in=access.puskesmas_ids(user))


class Puskesmas(models.Model):
    kode = models.CharField(_("kode Puskesmas"), max_length=20, unique=True)
    nama = models.CharField(_("nama"), max_length=150)
    kabupaten = models.ForeignKey(
        Kabupaten, on_delete=models.PROTECT, related_name="puskesmas", verbose_name=_("kabupaten/kota")
    )
    alamat = models.CharField(_("alamat"), max_length=255, blank=True)
    telepon = models.CharField(_("telepon"), max_length=30, blank=True)
    zona_waktu = models.CharField(_("zona waktu"), max_length=20, choices=ZonaWaktu.choices, blank=True)
    aktif = models.BooleanField(_("aktif"), default=True)
    history = HistoricalRecords()

    objects = PuskesmasQuerySet.as_manager()

    class Meta:
        ordering = ["nama"]
        verbose_name = _("Puskesmas")
        verbose_name_plural = _("Puskesmas")

    def __str__(self) -> str:
        return f"Puskesmas {self.nama}"

    def save(self, *args, **kwargs) -> None:
        if not self.zona_waktu:
            self.zona_waktu = zona_waktu_provinsi(self.kabupaten_id[:2])
        super().save(*args, **kwargs)

    @property
    def zona(self) -> zoneinfo.ZoneInfo:
        """The Puskesmas' own time zone: where "today" and a typed time are meant."""
        return zoneinfo.ZoneInfo(self.zona_waktu or settings.TIME_ZONE)


class JenisFasilitas(models.TextChoices):
    INDUK = "induk", _("Puskesmas induk")
    PUSTU = "pustu", _("Pustu (Puskesmas pembantu)")
    POSKESDES = "poskesdes", _("Poskesdes/Polindes")
    PMB = "pmb", _("PMB (praktik mandiri bidan)")
    RS = "rs", _("Rumah sakit rujukan")


class FasilitasQuerySet(models.QuerySet):
    def visible_to(self, user) -> FasilitasQuerySet:
        from puskesmas import access

        return access.filter_fasilitas(self, user)

    def writable_by(self, user) -> FasilitasQuerySet:
        from puskesmas import access

        return self.filter(puskesmas__in=access.registry_writable_puskesmas_ids(user))

    def jaringan(self) -> FasilitasQuerySet:
        """Facilities of a Puskesmas network, where a bidan can work (not referral hospitals)."""
        return self.exclude(jenis=JenisFasilitas.RS)


class Fasilitas(models.Model):
    """A facility of a Puskesmas network, or a referral hospital (RS) outside it."""

    jenis = models.CharField(_("jenis"), max_length=20, choices=JenisFasilitas.choices)
    nama = models.CharField(_("nama"), max_length=150)
    puskesmas = models.ForeignKey(
        Puskesmas,
        on_delete=models.PROTECT,
        related_name="fasilitas",
        verbose_name=_("Puskesmas"),
        help_text=_("Puskesmas yang membawahi (untuk rumah sakit rujukan: Puskesmas yang merujuk)."),
    )
    kelurahan = models.ForeignKey(
        Kelurahan, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("kelurahan/desa lokasi"),
    )
    alamat = models.CharField(_("alamat"), max_length=255, blank=True)
    telepon = models.CharField(_("telepon"), max_length=30, blank=True)
    aktif = models.BooleanField(_("aktif"), default=True)
    history = HistoricalRecords()

    objects = FasilitasQuerySet.as_manager()

    class Meta:
        ordering = ["puskesmas__nama", "jenis", "nama"]
        verbose_name = _("fasilitas")
        verbose_name_plural = _("fasilitas")
        constraints = [
            models.UniqueConstraint(fields=["puskesmas", "jenis", "nama"], name="puskesmas_fasilitas_unique_nama"),
            models.CheckConstraint(
                condition=Q(jenis__in=JenisFasilitas.values), name="puskesmas_fasilitas_jenis_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.nama

    def clean(self) -> None:
        # A network facility stands inside its Puskesmas' wilayah kerja; a referral hospital need not.
        if (
            self.jenis != JenisFasilitas.RS
            and self.kelurahan_id
            and self.puskesmas_id
            and self.kelurahan.puskesmas_id != self.puskesmas_id
        ):
            raise ValidationError(
                {"kelurahan": _("Kelurahan/desa ini tidak termasuk wilayah kerja Puskesmas yang dipilih.")}
            )


# --- Bidan ---------------------------------------------------------------------------------


class BidanQuerySet(models.QuerySet):
    def visible_to(self, user) -> BidanQuerySet:
        from puskesmas import access

        return access.filter_bidan(self, user)

    def writable_by(self, user) -> BidanQuerySet:
        from puskesmas import access

        return self.filter(puskesmas__in=access.registry_writable_puskesmas_ids(user))

    def aktif(self) -> BidanQuerySet:
        return self.filter(aktif=True)

    def with_tinggal_di_wilayah(self) -> BidanQuerySet:
        """Annotate whether she lives in one of the kelurahan she serves, in the database."""
        layanan = Bidan.kelurahan_layanan.through.objects.filter(
            bidan=OuterRef("pk"), kelurahan=OuterRef("kelurahan_domisili")
        )
        return self.annotate(tinggal_di_wilayah=Exists(layanan))


str_validator = RegexValidator(
    r"^[0-9A-Za-z./-]{6,40}$", _("Nomor STR hanya berisi angka, huruf, titik, garis miring atau tanda hubung.")
)
telepon_validator = RegexValidator(
    r"^(\+62|0)[0-9 -]{7,16}$", _("Nomor telepon harus diawali 0 atau +62, contoh 0812-3456-7890.")
)


class Bidan(models.Model):
    nama = models.CharField(_("nama"), max_length=150)
    nomor_str = models.CharField(
        _("nomor STR"), max_length=40, blank=True, validators=[str_validator],
        help_text=_("Surat Tanda Registrasi; boleh dikosongkan."),
    )
    telepon = models.CharField(_("telepon"), max_length=20, blank=True, validators=[telepon_validator])
    fasilitas = models.ForeignKey(
        Fasilitas, on_delete=models.PROTECT, related_name="bidan", verbose_name=_("fasilitas tempat bekerja")
    )
    # Kept equal to fasilitas.puskesmas on save: scope queries then need no join through facilities.
    puskesmas = models.ForeignKey(Puskesmas, on_delete=models.PROTECT, related_name="bidan", editable=False)
    kelurahan_layanan = models.ManyToManyField(
        Kelurahan, related_name="bidan_layanan", verbose_name=_("kelurahan/desa yang dilayani")
    )
    kelurahan_domisili = models.ForeignKey(
        Kelurahan, on_delete=models.PROTECT, null=True, blank=True, related_name="bidan_domisili",
        verbose_name=_("kelurahan/desa tempat tinggal"),
    )
    alamat_domisili = models.CharField(_("alamat tempat tinggal"), max_length=255, blank=True)
    pemilik_pmb = models.BooleanField(_("pemilik PMB (praktik mandiri bidan)"), default=False)
    aktif = models.BooleanField(_("aktif"), default=True)
    user = models.OneToOneField(
        "User", on_delete=models.SET_NULL, null=True, blank=True, related_name="bidan",
        verbose_name=_("akun pengguna"),
    )
    history = HistoricalRecords(m2m_fields=[kelurahan_layanan])

    objects = BidanQuerySet.as_manager()

    class Meta:
        ordering = ["nama"]
        verbose_name = _("bidan")
        verbose_name_plural = _("bidan")
        constraints = [
            models.UniqueConstraint(
                fields=["nomor_str"], condition=~Q(nomor_str=""), name="puskesmas_bidan_unique_str"
            ),
        ]

    def __str__(self) -> str:
        return self.nama

    def clean(self) -> None:
        if self.fasilitas_id and self.fasilitas.jenis == JenisFasilitas.RS:
            raise ValidationError(
                {"fasilitas": _("Bidan dicatat pada fasilitas jaringan Puskesmas, bukan rumah sakit.")}
            )

    def save(self, *args, **kwargs) -> None:
        if self.fasilitas_id:
            self.puskesmas_id = self.fasilitas.puskesmas_id
        super().save(*args, **kwargs)

    @property
    def tinggal_di_wilayah_layanan(self) -> bool | None:
        """True when she lives in a kelurahan she serves; None when her residence is unknown."""
        if not self.kelurahan_domisili_id:
            return None
        annotated = getattr(self, "tinggal_di_wilayah", None)
        if annotated is not None:
            return annotated
        return self.kelurahan_layanan.filter(pk=self.kelurahan_domisili_id).exists()


# --- Users and roles -----------------------------------------------------------------------


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    DINKES = "dinkes", _("Dinas Kesehatan")
    KEPALA_PUSKESMAS = "kapus", _("Kepala Puskesmas")
    BIDAN_KOORDINATOR = "bikor", _("Bidan koordinator")
    BIDAN = "bidan", _("Bidan")


class User(AbstractUser):
    role = models.CharField(_("peran"), max_length=10, choices=Role.choices, default=Role.BIDAN)
    puskesmas = models.ForeignKey(
        Puskesmas, on_delete=models.PROTECT, null=True, blank=True, related_name="pengguna",
        verbose_name=_("Puskesmas"), help_text=_("Untuk Kepala Puskesmas dan bidan koordinator."),
    )
    kabupaten = models.ForeignKey(
        Kabupaten, on_delete=models.PROTECT, null=True, blank=True, related_name="pengguna",
        verbose_name=_("kabupaten/kota"), help_text=_("Untuk Dinas Kesehatan."),
    )

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="puskesmas_user_role_valid"),
            models.CheckConstraint(
                condition=~Q(role__in=[Role.KEPALA_PUSKESMAS, Role.BIDAN_KOORDINATOR]) | Q(puskesmas__isnull=False),
                name="puskesmas_user_puskesmas_role_has_puskesmas",
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.DINKES) | Q(kabupaten__isnull=False),
                name="puskesmas_user_dinkes_has_kabupaten",
            ),
        ]

    @property
    def is_administrator(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN

    @property
    def is_read_only(self) -> bool:
        """Kepala Puskesmas and Dinkes review; they do not edit registries."""
        return not self.is_administrator and self.role in (Role.KEPALA_PUSKESMAS, Role.DINKES)

    @property
    def can_write_registry(self) -> bool:
        """Bidan, facilities and the whole dukun registry of a Puskesmas."""
        return self.is_administrator or self.role == Role.BIDAN_KOORDINATOR

    @property
    def can_import_puskesmas(self) -> bool:
        return self.is_administrator or self.role == Role.DINKES

    @property
    def can_import_persalinan(self) -> bool:
        """Delivery registers: Dinkes for its district, the bidan koordinator for her Puskesmas (access.py scopes)."""
        return self.is_administrator or self.role in (Role.DINKES, Role.BIDAN_KOORDINATOR)

    @property
    def role_label(self) -> str:
        return Role.ADMIN.label if self.is_administrator else self.get_role_display()
