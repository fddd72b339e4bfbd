"""The audit trail: who read or downloaded what, and the security events around it.

A row names the object by type and id only. It never copies a name, a NIK or any other personal
data: the object itself stays where access rules protect it, and the trail can be shown to a
Kepala Puskesmas without showing her more than she may already see.

Rows are append-only: the admin shows them read-only and the database refuses UPDATE and DELETE
(a trigger, see migration 0002).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from puskesmas.models import Role


class Aksi(models.TextChoices):
    LIHAT_IBU = "lihat_ibu", _("Melihat data ibu")
    LIHAT_PERSALINAN = "lihat_persalinan", _("Melihat data persalinan dan bayi")
    LIHAT_BAYI = "lihat_bayi", _("Melihat data bayi")
    LIHAT_RUJUKAN = "lihat_rujukan", _("Melihat data rujukan")
    LIHAT_KAJIAN = "lihat_kajian", _("Melihat kajian kasus")
    CARI_NIK = "cari_nik", _("Mencari ibu dengan NIK")
    UNDUH_LAPORAN = "unduh_laporan", _("Mengunduh laporan")
    EKSPOR = "ekspor", _("Mengekspor data")
    UNDUH_LAMPIRAN = "unduh_lampiran", _("Mengunduh lampiran pertemuan")
    LOGIN = "login", _("Masuk")
    LOGIN_GAGAL = "login_gagal", _("Gagal masuk")
    TERKUNCI = "terkunci", _("Akun terkunci")
    LOGOUT = "logout", _("Keluar")
    AKSES_DITOLAK = "akses_ditolak", _("Akses ditolak")
    PERSETUJUAN = "persetujuan", _("Menyetujui laporan bulanan")
    BUKA_KUNCI = "buka_kunci", _("Membuka kembali laporan bulanan")


class JejakQuerySet(models.QuerySet):
    def visible_to(self, user) -> JejakQuerySet:
        """The rows a reviewer may read: those by people of her scope or about records of her scope.

        Administrator: all; Dinkes: its kabupaten; Kepala Puskesmas: her Puskesmas; anyone else: none.
        """
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        if user.is_administrator:
            return self
        if user.role == Role.DINKES:
            kab = user.kabupaten_id
            return self.filter(Q(kabupaten=kab) | Q(puskesmas__kabupaten=kab) | Q(objek_puskesmas__kabupaten=kab))
        if user.role == Role.KEPALA_PUSKESMAS:
            return self.filter(Q(puskesmas=user.puskesmas_id) | Q(objek_puskesmas=user.puskesmas_id))
        return self.none()


class Jejak(models.Model):
    waktu = models.DateTimeField(_("waktu"), default=timezone.now, editable=False)
    aksi = models.CharField(_("aksi"), max_length=20, choices=Aksi.choices)
    # PROTECT: an account that has read personal data is deactivated, never deleted, so the trail keeps its name.
    pengguna = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        db_index=False, verbose_name=_("pengguna"),
    )
    # The name typed at a failed login (no account behind it, or not known to be hers).
    username = models.CharField(_("nama pengguna"), max_length=150, blank=True)
    peran = models.CharField(_("peran"), max_length=10, blank=True, choices=Role.choices)
    # The user's scope at that moment (it may change later): her Puskesmas, or the kabupaten of a Dinkes.
    puskesmas = models.ForeignKey(
        "puskesmas.Puskesmas", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("Puskesmas pengguna"),
    )
    kabupaten = models.ForeignKey(
        "puskesmas.Kabupaten", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("kabupaten/kota pengguna"),
    )
    # What was read: `app_label.model` and its id (a text, since a kabupaten's key is its code).
    objek_tipe = models.CharField(_("jenis objek"), max_length=60, blank=True)
    objek_id = models.CharField(_("id objek"), max_length=40, blank=True)
    # The mother the object belongs to (her pregnancies, referrals, deliveries, babies), so that
    # "who looked at this mother" is one indexed query. No constraint: the trail outlives records.
    ibu = models.ForeignKey(
        "kia.Ibu", on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True, related_name="+",
        db_index=False, verbose_name=_("ibu"),
    )
    objek_puskesmas = models.ForeignKey(
        "puskesmas.Puskesmas", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("Puskesmas objek"),
    )
    # A code set by the program (a format, a period, a status code): never text typed by a user.
    keterangan = models.CharField(_("keterangan"), max_length=100, blank=True)
    ip = models.GenericIPAddressField(_("alamat IP"), null=True, blank=True)
    # Without the query string, which the app never uses for personal data but a user might type.
    path = models.CharField(_("alamat"), max_length=255, blank=True)
    metode = models.CharField(_("metode"), max_length=8, blank=True)

    objects = JejakQuerySet.as_manager()

    class Meta:
        verbose_name = _("jejak audit")
        verbose_name_plural = _("jejak audit")
        ordering = ["-waktu", "-pk"]
        indexes = [
            models.Index(fields=["objek_tipe", "objek_id", "waktu"], name="audit_jejak_objek_waktu"),
            models.Index(fields=["ibu", "waktu"], name="audit_jejak_ibu_waktu"),
            models.Index(fields=["waktu"], name="audit_jejak_waktu"),
            models.Index(fields=["pengguna", "waktu"], name="audit_jejak_pengguna_waktu"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(aksi__in=Aksi.values), name="audit_jejak_aksi_valid"),
        ]

    def __str__(self) -> str:
        siapa = self.pengguna.username if self.pengguna_id else self.username
        return f"{self.waktu:%Y-%m-%d %H:%M:%S} {siapa} {self.aksi} {self.objek_tipe}#{self.objek_id}"

    def save(self, *args, **kwargs):
        # Append-only: the database refuses changes too (PostgreSQL trigger), this says so earlier and clearly.
        if self.pk is not None and not self._state.adding:
            raise ValueError("Jejak audit tidak boleh diubah.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Jejak audit tidak boleh dihapus.")
