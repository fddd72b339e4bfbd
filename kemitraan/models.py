"""The partnership programme: agreements, meetings with attendance, follow-ups, the meeting plan,
reminders, and the programme's inputs (funds, facilities, kits, training, rewards and sanctions)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from dukun.models import Dukun
from puskesmas.models import Bidan, Kelurahan, Puskesmas
from puskesmas.versi import TANPA_RIWAYAT, BerversiModel, SekaliKirimModel


class PuskesmasScopedQuerySet(models.QuerySet):
    """Records that belong to one Puskesmas: visible within its scope, written by its bikor."""

    def visible_to(self, user):
        from puskesmas import access

        return access.filter_by_puskesmas(self, user)

    def writable_by(self, user):
        from puskesmas import access

        return self.filter(puskesmas__in=access.registry_writable_puskesmas_ids(user))


# --- Partnership (kemitraan) and its written agreement ---------------------------------------


class StatusKemitraan(models.TextChoices):
    AKTIF = "aktif", _("Aktif")
    BERAKHIR = "berakhir", _("Berakhir")


class JenisPembagianJasa(models.TextChoices):
    NOMINAL = "nominal", _("Nominal per persalinan (Rp)")
    PERSEN = "persen", _("Persentase jasa persalinan (%)")
    TIDAK_ADA = "tidak_ada", _("Tidak ada pembagian jasa")


class KemitraanQuerySet(models.QuerySet):
    def visible_to(self, user):
        from puskesmas import access

        return access.filter_by_kelurahan(self, user)

    def writable_by(self, user):
        from puskesmas import access

        return self.filter(puskesmas__in=access.registry_writable_puskesmas_ids(user))

    def aktif(self):
        return self.filter(status=StatusKemitraan.AKTIF)


class Kemitraan(models.Model):
    """A partnership between one bidan and one dukun, under a written agreement (kesepakatan tertulis)."""

    bidan = models.ForeignKey(Bidan, on_delete=models.PROTECT, related_name="kemitraan", verbose_name=_("bidan"))
    dukun = models.ForeignKey(Dukun, on_delete=models.PROTECT, related_name="kemitraan", verbose_name=_("dukun"))
    # Copied from the dukun on save: the scope of the agreement is the village of the dukun.
    kelurahan = models.ForeignKey(Kelurahan, on_delete=models.PROTECT, related_name="+", editable=False)
    puskesmas = models.ForeignKey(Puskesmas, on_delete=models.PROTECT, related_name="kemitraan", editable=False)
    tanggal_mulai = models.DateField(_("tanggal mulai"))
    status = models.CharField(
        _("status"), max_length=10, choices=StatusKemitraan.choices, default=StatusKemitraan.AKTIF
    )
    tanggal_berakhir = models.DateField(_("tanggal berakhir"), null=True, blank=True)
    alasan_berakhir = models.TextField(_("alasan berakhir"), blank=True)
    # The role division both sides agree to (Depkes 2008 guideline).
    dukun_mengantar_bumil = models.BooleanField(
        _("dukun mencari ibu hamil dan mengantarnya ke bidan"), default=True
    )
    dukun_mendampingi_persalinan = models.BooleanField(_("dukun mendampingi persalinan"), default=True)
    dukun_merawat_nifas = models.BooleanField(_("dukun merawat ibu nifas dan bayi"), default=True)
    dukun_tidak_menolong_sendiri = models.BooleanField(_("dukun tidak menolong persalinan sendiri"), default=True)
    bidan_menolong_persalinan = models.BooleanField(_("bidan menolong persalinan"), default=True)
    bidan_membina_dukun = models.BooleanField(_("bidan membina dukun"), default=True)
    bidan_berbagi_jasa = models.BooleanField(_("bidan berbagi jasa persalinan"), default=True)
    jenis_pembagian_jasa = models.CharField(
        _("pembagian jasa"), max_length=10, choices=JenisPembagianJasa.choices, default=JenisPembagianJasa.NOMINAL
    )
    nilai_pembagian_jasa = models.DecimalField(
        _("nilai pembagian jasa"), max_digits=12, decimal_places=0, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Rupiah per persalinan, atau persen dari jasa persalinan."),
    )
    saksi_lurah = models.CharField(_("saksi: Lurah/Kepala Desa"), max_length=150, blank=True)
    saksi_kepala_puskesmas = models.CharField(_("saksi: Kepala Puskesmas"), max_length=150, blank=True)
    saksi_camat = models.CharField(_("saksi: Camat"), max_length=150, blank=True)
    tanggal_tanda_tangan = models.DateField(_("tanggal penandatanganan"), null=True, blank=True)
    tanggal_tinjau = models.DateField(_("tanggal peninjauan kembali"), null=True, blank=True)
    catatan = models.TextField(_("catatan"), blank=True)
    history = HistoricalRecords()

    objects = KemitraanQuerySet.as_manager()

    class Meta:
        ordering = ["kelurahan__nama", "dukun__nama", "-tanggal_mulai"]
        verbose_name = _("kemitraan")
        verbose_name_plural = _("kemitraan")
        constraints = [
            models.UniqueConstraint(
                fields=["bidan", "dukun"], condition=Q(status="aktif"), name="kemitraan_kemitraan_one_active_per_pair",
            ),
            models.CheckConstraint(
                condition=Q(status="aktif") | Q(tanggal_berakhir__isnull=False),
                name="kemitraan_kemitraan_ended_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(jenis_pembagian_jasa="persen") | Q(nilai_pembagian_jasa__lte=100),
                name="kemitraan_kemitraan_percent_max_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bidan} – {self.dukun}"

    def save(self, *args, **kwargs) -> None:
        if self.dukun_id:
            self.kelurahan_id = self.dukun.kelurahan_id
            self.puskesmas_id = self.dukun.kelurahan.puskesmas_id
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        today = timezone.localdate()
        if self.dukun_id and self.bidan_id and self.bidan.puskesmas_id != self.dukun.kelurahan.puskesmas_id:
            errors["bidan"] = _("Bidan dan dukun harus berada di Puskesmas yang sama.")
        if self.tanggal_mulai and self.tanggal_mulai > today:
            errors["tanggal_mulai"] = _("Tanggal mulai tidak boleh di masa depan.")
        if self.status == StatusKemitraan.BERAKHIR:
            if not self.tanggal_berakhir:
                errors["tanggal_berakhir"] = _("Isi tanggal berakhirnya kemitraan.")
            elif self.tanggal_mulai and self.tanggal_berakhir < self.tanggal_mulai:
                errors["tanggal_berakhir"] = _("Tanggal berakhir tidak boleh sebelum tanggal mulai.")
            if not self.alasan_berakhir.strip():
                errors["alasan_berakhir"] = _("Tuliskan alasan berakhirnya kemitraan.")
        if self.jenis_pembagian_jasa != JenisPembagianJasa.TIDAK_ADA and self.nilai_pembagian_jasa is None:
            errors["nilai_pembagian_jasa"] = _("Isi nilai pembagian jasa.")
        if self.jenis_pembagian_jasa == JenisPembagianJasa.PERSEN and (self.nilai_pembagian_jasa or 0) > 100:
            errors["nilai_pembagian_jasa"] = _("Persentase paling besar 100.")
        if self.tanggal_tinjau and self.tanggal_tanda_tangan and self.tanggal_tinjau < self.tanggal_tanda_tangan:
            errors["tanggal_tinjau"] = _("Tanggal peninjauan tidak boleh sebelum penandatanganan.")
        if (
            self.status == StatusKemitraan.AKTIF
            and self.bidan_id
            and self.dukun_id
            and Kemitraan.objects.filter(bidan=self.bidan_id, dukun=self.dukun_id, status=StatusKemitraan.AKTIF)
            .exclude(pk=self.pk)
            .exists()
        ):
            errors["dukun"] = _("Bidan dan dukun ini sudah mempunyai kesepakatan yang aktif.")
        if errors:
            raise ValidationError(errors)


# --- Meetings (pertemuan) with attendance ----------------------------------------------------


class JenisPertemuan(models.TextChoices):
    RUTIN = "rutin", _("Pertemuan rutin kemitraan")
    PEMBINAAN = "pembinaan", _("Pembinaan/penyegaran dukun")
    LOKMIN = "lokmin", _("Lokakarya mini lintas sektor")
    KAJIAN_KASUS = "kajian_kasus", _("Kajian kasus")


class StatusPertemuan(models.TextChoices):
    DIRENCANAKAN = "direncanakan", _("Direncanakan")
    TERLAKSANA = "terlaksana", _("Terlaksana")
    BATAL = "batal", pgettext_lazy("status", "Batal")


class Pertemuan(BerversiModel, SekaliKirimModel):
    puskesmas = models.ForeignKey(
        Puskesmas, on_delete=models.PROTECT, related_name="pertemuan", verbose_name=_("Puskesmas penyelenggara")
    )
    jenis = models.CharField(_("jenis pertemuan"), max_length=20, choices=JenisPertemuan.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=StatusPertemuan.choices, default=StatusPertemuan.DIRENCANAKAN
    )
    waktu_rencana = models.DateTimeField(_("tanggal dan jam rencana"))
    waktu_pelaksanaan = models.DateTimeField(
        _("tanggal dan jam pelaksanaan"), null=True, blank=True,
        help_text=_("Diisi bila pertemuan terlaksana; boleh berbeda dari rencana."),
    )
    tempat = models.CharField(_("tempat"), max_length=200, blank=True)
    fasilitator = models.CharField(_("fasilitator"), max_length=150, blank=True)
    materi = models.TextField(_("materi"), blank=True)
    notulen = models.TextField(_("notulen"), blank=True)
    dibuat_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, editable=False, related_name="+"
    )
    bidan_hadir = models.ManyToManyField(Bidan, through="KehadiranBidan", related_name="pertemuan_dihadiri")
    dukun_hadir = models.ManyToManyField(Dukun, through="KehadiranDukun", related_name="pertemuan_dihadiri")
    history = HistoricalRecords(excluded_fields=TANPA_RIWAYAT)

    objects = PuskesmasScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-waktu_rencana"]
        verbose_name = _("pertemuan")
        verbose_name_plural = _("pertemuan")
        indexes = [models.Index(fields=["puskesmas", "waktu_rencana"], name="kemitraan_pertemuan_jadwal_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="terlaksana") | Q(waktu_pelaksanaan__isnull=False),
                name="kemitraan_pertemuan_held_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_jenis_display()} – {date_format(timezone.localtime(self.waktu), 'j F Y')}"

    @property
    def waktu(self):
        """When it happened, or else when it is planned."""
        return self.waktu_pelaksanaan or self.waktu_rencana

    @property
    def tanggal(self) -> date:
        return timezone.localtime(self.waktu).date()

    @property
    def terlambat(self) -> bool:
        """Planned, not held, and its date has passed."""
        return self.status == StatusPertemuan.DIRENCANAKAN and self.waktu_rencana < timezone.now()

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.status == StatusPertemuan.TERLAKSANA:
            if not self.waktu_pelaksanaan:
                errors["waktu_pelaksanaan"] = _("Isi tanggal dan jam pelaksanaan.")
            elif self.waktu_pelaksanaan > timezone.now():
                errors["waktu_pelaksanaan"] = _("Pertemuan yang terlaksana tidak boleh bertanggal di masa depan.")
        if errors:
            raise ValidationError(errors)


class KehadiranBidan(models.Model):
    pertemuan = models.ForeignKey(Pertemuan, on_delete=models.CASCADE, related_name="kehadiran_bidan")
    bidan = models.ForeignKey(Bidan, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kehadiran bidan")
        verbose_name_plural = _("kehadiran bidan")
        constraints = [
            models.UniqueConstraint(fields=["pertemuan", "bidan"], name="kemitraan_kehadiranbidan_unique"),
        ]

    def __str__(self) -> str:
        return str(self.bidan)


class KehadiranDukun(models.Model):
    pertemuan = models.ForeignKey(Pertemuan, on_delete=models.CASCADE, related_name="kehadiran_dukun")
    dukun = models.ForeignKey(Dukun, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kehadiran dukun")
        verbose_name_plural = _("kehadiran dukun")
        constraints = [
            models.UniqueConstraint(fields=["pertemuan", "dukun"], name="kemitraan_kehadirandukun_unique"),
        ]

    def __str__(self) -> str:
        return str(self.dukun)


class KategoriLintasSektor(models.TextChoices):
    CAMAT = "camat", _("Camat")
    LURAH = "lurah", _("Lurah/Kepala Desa")
    POLSEK = "polsek", _("Polsek")
    KORAMIL = "koramil", _("Koramil")
    TOKOH_AGAMA = "tokoh_agama", _("Tokoh agama")
    TOKOH_MASYARAKAT = "tokoh_masyarakat", _("Tokoh masyarakat")
    KADER = "kader", _("Kader Posyandu")
    PKK = "pkk", _("PKK")
    LAINNYA = "lainnya", _("Lainnya")


class PesertaLintasSektor(models.Model):
    """A cross-sector attendee: recorded by name and position, not a user of the app."""

    pertemuan = models.ForeignKey(Pertemuan, on_delete=models.CASCADE, related_name="peserta_lintas_sektor")
    kategori = models.CharField(_("kategori"), max_length=20, choices=KategoriLintasSektor.choices)
    nama = models.CharField(_("nama"), max_length=150)
    jabatan = models.CharField(_("jabatan"), max_length=150, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kategori", "nama"]
        verbose_name = _("peserta lintas sektor")
        verbose_name_plural = _("peserta lintas sektor")

    def __str__(self) -> str:
        return f"{self.nama} ({self.get_kategori_display()})"


class JenisLampiran(models.TextChoices):
    DAFTAR_HADIR = "daftar_hadir", _("Daftar hadir (pindaian)")
    FOTO = "foto", _("Foto kegiatan")


def lampiran_path(instance: LampiranPertemuan, filename: str) -> str:
    # Never the uploaded name: it may hold anything. The original name is kept in a field.
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"pertemuan/{instance.pertemuan_id}/{timezone.now():%Y%m%d%H%M%S%f}.{ext}"


class LampiranPertemuan(models.Model):
    """A scanned attendance sheet or a photo; stored in private storage, served through a scoped view."""

    pertemuan = models.ForeignKey(Pertemuan, on_delete=models.CASCADE, related_name="lampiran")
    jenis = models.CharField(_("jenis"), max_length=20, choices=JenisLampiran.choices)
    berkas = models.FileField(_("berkas"), upload_to=lampiran_path, max_length=255)
    nama_asli = models.CharField(_("nama berkas"), max_length=255)
    ukuran = models.PositiveIntegerField(_("ukuran (bita)"))
    tipe_konten = models.CharField(max_length=100)
    diunggah_oleh = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    diunggah_pada = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["diunggah_pada"]
        verbose_name = _("lampiran pertemuan")
        verbose_name_plural = _("lampiran pertemuan")

    def __str__(self) -> str:
        return self.nama_asli


# --- Follow-ups (tindak lanjut) ---------------------------------------------------------------


class StatusTindakLanjut(models.TextChoices):
    TERBUKA = "terbuka", _("Terbuka")
    SELESAI = "selesai", _("Selesai")
    BATAL = "batal", pgettext_lazy("status", "Batal")


class PeranPenanggungJawab(models.TextChoices):
    BIDAN_KOORDINATOR = "bikor", _("Bidan koordinator")
    KEPALA_PUSKESMAS = "kapus", _("Kepala Puskesmas")
    SEMUA_BIDAN = "semua_bidan", _("Semua bidan")
    LINTAS_SEKTOR = "lintas_sektor", _("Mitra lintas sektor")


class TindakLanjutQuerySet(models.QuerySet):
    def visible_to(self, user):
        from puskesmas import access

        return access.filter_by_puskesmas(self, user, field="pertemuan__puskesmas")

    def writable_by(self, user):
        from puskesmas import access

        return self.filter(pertemuan__puskesmas__in=access.registry_writable_puskesmas_ids(user))

    def terbuka(self):
        return self.filter(status=StatusTindakLanjut.TERBUKA)

    def terlambat(self, today: date | None = None):
        return self.terbuka().filter(tenggat__lt=today or timezone.localdate())


class TindakLanjut(models.Model):
    """A decision of a meeting, followed until it is closed: what the studies found was never done."""

    pertemuan = models.ForeignKey(Pertemuan, on_delete=models.CASCADE, related_name="tindak_lanjut")
    uraian = models.TextField(_("keputusan/tindakan"))
    penanggung_jawab_bidan = models.ForeignKey(
        Bidan, on_delete=models.PROTECT, null=True, blank=True, related_name="tindak_lanjut",
        verbose_name=_("penanggung jawab (bidan)"),
    )
    penanggung_jawab_peran = models.CharField(
        _("penanggung jawab (peran)"), max_length=20, choices=PeranPenanggungJawab.choices, blank=True
    )
    tenggat = models.DateField(_("tenggat"))
    status = models.CharField(
        _("status"), max_length=10, choices=StatusTindakLanjut.choices, default=StatusTindakLanjut.TERBUKA
    )
    tanggal_ditutup = models.DateField(_("tanggal ditutup"), null=True, blank=True)
    catatan_penutupan = models.TextField(_("catatan penutupan"), blank=True)
    history = HistoricalRecords()

    objects = TindakLanjutQuerySet.as_manager()

    class Meta:
        ordering = ["tenggat", "pk"]
        verbose_name = _("tindak lanjut")
        verbose_name_plural = _("tindak lanjut")
        constraints = [
            models.CheckConstraint(
                condition=Q(penanggung_jawab_bidan__isnull=False) | ~Q(penanggung_jawab_peran=""),
                name="kemitraan_tindaklanjut_has_owner",
            ),
            models.CheckConstraint(
                condition=Q(status="terbuka") | (Q(tanggal_ditutup__isnull=False) & ~Q(catatan_penutupan="")),
                name="kemitraan_tindaklanjut_closed_has_note_and_date",
            ),
        ]

    def __str__(self) -> str:
        return self.uraian[:80]

    @property
    def penanggung_jawab(self) -> str:
        return str(self.penanggung_jawab_bidan or self.get_penanggung_jawab_peran_display())

    @property
    def terlambat(self) -> bool:
        return self.status == StatusTindakLanjut.TERBUKA and self.tenggat < timezone.localdate()

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if not self.penanggung_jawab_bidan_id and not self.penanggung_jawab_peran:
            errors["penanggung_jawab_bidan"] = _("Pilih bidan atau peran yang bertanggung jawab.")
        if self.pertemuan_id and self.tenggat and self.tenggat < self.pertemuan.tanggal:
            errors["tenggat"] = _("Tenggat tidak boleh sebelum tanggal pertemuan.")
        if (
            self.penanggung_jawab_bidan_id
            and self.pertemuan_id
            and self.penanggung_jawab_bidan.puskesmas_id != self.pertemuan.puskesmas_id
        ):
            errors["penanggung_jawab_bidan"] = _("Bidan penanggung jawab harus dari Puskesmas penyelenggara.")
        if self.status != StatusTindakLanjut.TERBUKA:
            if not self.catatan_penutupan.strip():
                errors["catatan_penutupan"] = _("Tuliskan catatan penutupan.")
            if not self.tanggal_ditutup:
                errors["tanggal_ditutup"] = _("Isi tanggal penutupan.")
            elif self.tanggal_ditutup > timezone.localdate():
                errors["tanggal_ditutup"] = _("Tanggal penutupan tidak boleh di masa depan.")
        if errors:
            raise ValidationError(errors)


# --- The meeting plan and reminders ----------------------------------------------------------


class RencanaPertemuan(models.Model):
    """How many meetings of a kind a Puskesmas plans in a year (default: a routine one every quarter)."""

    JUMLAH_RUTIN_BAWAAN = 4

    puskesmas = models.ForeignKey(Puskesmas, on_delete=models.CASCADE, related_name="rencana_pertemuan")
    tahun = models.PositiveSmallIntegerField(_("tahun"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    jenis = models.CharField(_("jenis pertemuan"), max_length=20, choices=JenisPertemuan.choices)
    jumlah = models.PositiveSmallIntegerField(
        _("jumlah per tahun"), validators=[MinValueValidator(0), MaxValueValidator(52)]
    )
    history = HistoricalRecords()

    objects = PuskesmasScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-tahun", "jenis"]
        verbose_name = _("rencana pertemuan")
        verbose_name_plural = _("rencana pertemuan")
        constraints = [
            models.UniqueConstraint(fields=["puskesmas", "tahun", "jenis"], name="kemitraan_rencana_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.puskesmas} {self.tahun}: {self.jumlah}× {self.get_jenis_display()}"


class NotifikasiQuerySet(models.QuerySet):
    def belum_dibaca(self):
        return self.filter(dibaca_pada__isnull=True)


class Notifikasi(models.Model):
    """An in-app reminder for one user. `kunci` makes sending idempotent: one per event per user."""

    penerima = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifikasi")
    kunci = models.CharField(max_length=100)
    judul = models.CharField(_("judul"), max_length=200)
    pesan = models.TextField(_("pesan"), blank=True)
    tautan = models.CharField(_("tautan"), max_length=200, blank=True)
    dibuat_pada = models.DateTimeField(default=timezone.now)
    dibaca_pada = models.DateTimeField(null=True, blank=True)
    email_terkirim = models.BooleanField(default=False)

    objects = NotifikasiQuerySet.as_manager()

    class Meta:
        ordering = ["-dibuat_pada"]
        verbose_name = _("notifikasi")
        verbose_name_plural = _("notifikasi")
        constraints = [
            models.UniqueConstraint(fields=["penerima", "kunci"], name="kemitraan_notifikasi_once_per_event"),
        ]

    def __str__(self) -> str:
        return self.judul


# --- Inputs of the programme: funds, facilities, kits, training, rewards ---------------------


class SumberDana(models.TextChoices):
    BOK = "bok", _("BOK")
    DANA_DESA = "dana_desa", _("Dana Desa/ADD")
    APBD = "apbd", _("APBD")
    DAK = "dak", _("DAK")
    LAINNYA = "lainnya", _("Lainnya")


class AnggaranDana(models.Model):
    puskesmas = models.ForeignKey(Puskesmas, on_delete=models.PROTECT, related_name="anggaran_dana")
    tahun = models.PositiveSmallIntegerField(_("tahun"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    sumber = models.CharField(_("sumber dana"), max_length=20, choices=SumberDana.choices)
    jumlah_alokasi = models.DecimalField(
        _("alokasi (Rp)"), max_digits=14, decimal_places=0, validators=[MinValueValidator(Decimal("0"))]
    )
    keterangan = models.CharField(_("keterangan"), max_length=255, blank=True)
    history = HistoricalRecords()

    objects = PuskesmasScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-tahun", "sumber"]
        verbose_name = _("anggaran dana")
        verbose_name_plural = _("anggaran dana")
        constraints = [
            models.UniqueConstraint(fields=["puskesmas", "tahun", "sumber"], name="kemitraan_anggaran_unique"),
            models.CheckConstraint(condition=Q(jumlah_alokasi__gte=0), name="kemitraan_anggaran_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_sumber_display()} {self.tahun}"


class PengeluaranQuerySet(models.QuerySet):
    def visible_to(self, user):
        from puskesmas import access

        return access.filter_by_puskesmas(self, user, field="anggaran__puskesmas")

    def writable_by(self, user):
        from puskesmas import access

        return self.filter(anggaran__puskesmas__in=access.registry_writable_puskesmas_ids(user))


class PengeluaranDana(models.Model):
    """Spending recorded against an activity: a meeting, a training, or something else described."""

    anggaran = models.ForeignKey(AnggaranDana, on_delete=models.PROTECT, related_name="pengeluaran")
    tanggal = models.DateField(_("tanggal"))
    jumlah = models.DecimalField(
        _("jumlah (Rp)"), max_digits=14, decimal_places=0, validators=[MinValueValidator(Decimal("1"))]
    )
    uraian = models.CharField(_("uraian"), max_length=255)
    pertemuan = models.ForeignKey(
        Pertemuan, on_delete=models.SET_NULL, null=True, blank=True, related_name="pengeluaran",
        verbose_name=_("pertemuan"),
    )
    pelatihan = models.ForeignKey(
        "Pelatihan", on_delete=models.SET_NULL, null=True, blank=True, related_name="pengeluaran",
        verbose_name=_("pelatihan"),
    )
    history = HistoricalRecords()

    objects = PengeluaranQuerySet.as_manager()

    class Meta:
        ordering = ["-tanggal"]
        verbose_name = _("pengeluaran dana")
        verbose_name_plural = _("pengeluaran dana")
        constraints = [models.CheckConstraint(condition=Q(jumlah__gt=0), name="kemitraan_pengeluaran_positive")]

    def __str__(self) -> str:
        return self.uraian

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.anggaran_id and self.tanggal and self.tanggal.year != self.anggaran.tahun:
            errors["tanggal"] = _("Tanggal harus di tahun anggaran %(tahun)s.") % {"tahun": self.anggaran.tahun}
        if self.anggaran_id and self.pertemuan_id and self.pertemuan.puskesmas_id != self.anggaran.puskesmas_id:
            errors["pertemuan"] = _("Pertemuan harus dari Puskesmas yang sama.")
        if self.anggaran_id and self.pelatihan_id and self.pelatihan.puskesmas_id != self.anggaran.puskesmas_id:
            errors["pelatihan"] = _("Pelatihan harus dari Puskesmas yang sama.")
        if errors:
            raise ValidationError(errors)


class JenisSarana(models.TextChoices):
    BUKU_PEDOMAN = "buku_pedoman", _("Buku pedoman kemitraan")
    TEMPAT_PERTEMUAN = "tempat_pertemuan", _("Tempat pertemuan")
    ALAT_PERAGA = "alat_peraga", _("Alat peraga/media penyuluhan")
    LAINNYA = "lainnya", _("Lainnya")


class Sarana(models.Model):
    """Facilities and materials of the programme at a Puskesmas (the guidebook at hand or not, ...)."""

    puskesmas = models.ForeignKey(Puskesmas, on_delete=models.PROTECT, related_name="sarana")
    jenis = models.CharField(_("jenis"), max_length=20, choices=JenisSarana.choices)
    nama = models.CharField(_("nama"), max_length=150)
    tersedia = models.BooleanField(_("tersedia"), default=True)
    jumlah = models.PositiveIntegerField(_("jumlah"), default=1)
    keterangan = models.CharField(_("keterangan"), max_length=255, blank=True)
    history = HistoricalRecords()

    objects = PuskesmasScopedQuerySet.as_manager()

    class Meta:
        ordering = ["jenis", "nama"]
        verbose_name = _("sarana")
        verbose_name_plural = _("sarana")

    def __str__(self) -> str:
        return self.nama


class PemberianKitQuerySet(PuskesmasScopedQuerySet):
    def visible_to(self, user):
        """Kits of the Puskesmas in scope, given to dukun the user may see (a bidan: those of her villages)."""
        return super().visible_to(user).filter(dukun__in=Dukun.objects.visible_to(user))


class PemberianKit(models.Model):
    """A kit given to a dukun (what, to whom, when)."""

    puskesmas = models.ForeignKey(Puskesmas, on_delete=models.PROTECT, related_name="pemberian_kit")
    dukun = models.ForeignKey(Dukun, on_delete=models.PROTECT, related_name="kit", verbose_name=_("dukun"))
    tanggal = models.DateField(_("tanggal"))
    isi = models.CharField(_("isi kit"), max_length=255)
    jumlah = models.PositiveIntegerField(_("jumlah"), default=1)
    history = HistoricalRecords()

    objects = PemberianKitQuerySet.as_manager()

    class Meta:
        ordering = ["-tanggal"]
        verbose_name = _("pemberian kit")
        verbose_name_plural = _("pemberian kit")

    def __str__(self) -> str:
        return f"{self.isi} – {self.dukun}"

    def clean(self) -> None:
        if self.dukun_id and self.puskesmas_id and self.dukun.kelurahan.puskesmas_id != self.puskesmas_id:
            raise ValidationError({"dukun": _("Dukun harus dari wilayah kerja Puskesmas ini.")})


class JenisPelatihan(models.TextChoices):
    PELATIHAN = "pelatihan", _("Pelatihan")
    PEMBINAAN = "pembinaan", _("Pembinaan/penyegaran")
    MAGANG = "magang", _("Magang")


class Pelatihan(models.Model):
    """Training and coaching of dukun and bidan (date, topic, who took part)."""

    puskesmas = models.ForeignKey(Puskesmas, on_delete=models.PROTECT, related_name="pelatihan")
    jenis = models.CharField(_("jenis"), max_length=20, choices=JenisPelatihan.choices)
    tanggal = models.DateField(_("tanggal"))
    topik = models.CharField(_("topik"), max_length=255)
    tempat = models.CharField(_("tempat"), max_length=200, blank=True)
    penyelenggara = models.CharField(_("penyelenggara"), max_length=150, blank=True)
    peserta_bidan = models.ManyToManyField(Bidan, blank=True, related_name="pelatihan", verbose_name=_("bidan peserta"))
    peserta_dukun = models.ManyToManyField(Dukun, blank=True, related_name="pelatihan", verbose_name=_("dukun peserta"))
    history = HistoricalRecords(m2m_fields=[peserta_bidan, peserta_dukun])

    objects = PuskesmasScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-tanggal"]
        verbose_name = _("pelatihan")
        verbose_name_plural = _("pelatihan")

    def __str__(self) -> str:
        return f"{self.topik} ({self.tanggal:%d-%m-%Y})"


class JenisPenghargaanSanksi(models.TextChoices):
    PENGHARGAAN = "penghargaan", _("Penghargaan")
    TEGURAN = "teguran", _("Teguran tertulis")
    SANKSI = "sanksi", _("Sanksi")


class PenghargaanSanksi(models.Model):
    """A reward or a sanction: who, what, why, when (one district ends a partnership after three warnings)."""

    puskesmas = models.ForeignKey(Puskesmas, on_delete=models.PROTECT, related_name="penghargaan_sanksi")
    jenis = models.CharField(_("jenis"), max_length=20, choices=JenisPenghargaanSanksi.choices)
    tanggal = models.DateField(_("tanggal"))
    dukun = models.ForeignKey(Dukun, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("dukun"))
    bidan = models.ForeignKey(Bidan, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("bidan"))
    kemitraan = models.ForeignKey(Kemitraan, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="penghargaan_sanksi", verbose_name=_("kemitraan"))
    bentuk = models.CharField(_("bentuk"), max_length=255, help_text=_("Apa yang diberikan atau dikenakan."))
    alasan = models.TextField(_("alasan"))
    history = HistoricalRecords()

    objects = PuskesmasScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-tanggal"]
        verbose_name = _("penghargaan/sanksi")
        verbose_name_plural = _("penghargaan/sanksi")
        constraints = [
            models.CheckConstraint(
                condition=Q(dukun__isnull=False) | Q(bidan__isnull=False) | Q(kemitraan__isnull=False),
                name="kemitraan_penghargaansanksi_has_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_jenis_display()}: {self.bentuk}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if not (self.dukun_id or self.bidan_id or self.kemitraan_id):
            errors["dukun"] = _("Pilih dukun, bidan atau kemitraan yang menerima.")
        if self.dukun_id and self.puskesmas_id and self.dukun.kelurahan.puskesmas_id != self.puskesmas_id:
            errors["dukun"] = _("Dukun harus dari wilayah kerja Puskesmas ini.")
        if self.bidan_id and self.puskesmas_id and self.bidan.puskesmas_id != self.puskesmas_id:
            errors["bidan"] = _("Bidan harus dari Puskesmas ini.")
        if self.kemitraan_id and self.puskesmas_id and self.kemitraan.puskesmas_id != self.puskesmas_id:
            errors["kemitraan"] = _("Kemitraan harus dari Puskesmas ini.")
        if errors:
            raise ValidationError(errors)
