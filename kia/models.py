"""Mothers, pregnancies, referrals and deliveries with their outcomes: the programme's output.

Every record belongs to the kelurahan where the mother lives (copied from her on save), so the
scope rules of `puskesmas.access` apply unchanged, and to that kelurahan's Puskesmas. Rules about
one row live in `clean()`; writes that touch several rows (a delivery with its babies, the alerts
it raises) go through `kia.services`, the one path every form, import and task uses.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from dukun.models import Dukun, rt_rw_validator
from puskesmas.models import Bidan, Fasilitas, Kelurahan, Puskesmas, telepon_validator
from puskesmas.versi import TANPA_RIWAYAT, BerversiModel, SekaliKirimModel

UMUR_IBU_MIN, UMUR_IBU_MAX = 10, 60
BERAT_MIN, BERAT_MAX = 300, 6500
BBLR_GRAM = 2500  # low birth weight: under 2,500 g
NEONATAL_HARI = 28  # a death at day 0–28 is neonatal
BAYI_HARI = 364  # infant deaths: 0–11 months


# --- NIK --------------------------------------------------------------------------------------


def validate_nik(value: str) -> None:
    """A mother's 16-digit NIK: region code, birth date (women add 40 to the day), serial number.

    The message never repeats the value: a NIK must not reach a log line.
    """
    if not re.fullmatch(r"\d{16}", value or ""):
        raise ValidationError(_("NIK harus 16 digit angka."), code="nik_format")
    day, month = int(value[6:8]), int(value[8:10])
    if not (1 <= month <= 12) or not (1 <= day <= 31 or 41 <= day <= 71) or value[12:] == "0000":
        raise ValidationError(_("NIK tidak valid: bagian tanggal lahir atau nomor urutnya salah."), code="nik_invalid")
    if day <= 31:
        # A woman's NIK adds 40 to her birth day: a day of 1–31 is a man's NIK, usually the husband's.
        raise ValidationError(
            _("NIK ini milik laki-laki (pada NIK perempuan tanggal lahir ditambah 40). Periksa apakah yang tertulis "
              "NIK suami."),
            code="nik_laki",
        )


def samarkan_nik(nik: str) -> str:
    """`1571********0001`: enough to tell two women apart on a screen, not enough to use the number."""
    if not nik:
        return ""
    return nik[:4] + "*" * (len(nik) - 8) + nik[-4:] if len(nik) > 8 else "*" * len(nik)


def hpl_naegele(hpht: dt.date) -> dt.date:
    """Naegele's rule: first day of the last period + 7 days − 3 months + 1 year."""
    return hpht + dt.timedelta(days=7) + relativedelta(months=-3, years=1)


def _masa_depan(value) -> bool:
    if value is None:
        return False
    if isinstance(value, dt.datetime):
        return value > timezone.now()
    return value > timezone.localdate()


class KelurahanQuerySet(models.QuerySet):
    """Rows that belong to one kelurahan: read within the user's kelurahan scope."""

    def visible_to(self, user):
        from puskesmas import access

        return access.filter_by_kelurahan(self, user)


class KiaQuerySet(KelurahanQuerySet):
    """Records that belong to the kelurahan where the mother lived: written by her bidan and the bikor."""

    def writable_by(self, user):
        from puskesmas import access

        return self.filter(kelurahan__in=access.kia_writable_kelurahan_ids(user))


class Pencatatan(models.Model):
    """Who recorded a row and when (the history keeps every later change)."""

    dicatat_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False,
        related_name="+", verbose_name=_("dicatat oleh"),
    )
    dicatat_pada = models.DateTimeField(_("dicatat pada"), default=timezone.now, editable=False)

    class Meta:
        abstract = True


class KiaRecord(Pencatatan):
    """A record of a mother: it belongs to the kelurahan where she lived when it was made.

    Copied once, at creation: a delivery stays in the village (and the report) where it happened
    even if the mother moves later.
    """

    kelurahan = models.ForeignKey(
        Kelurahan, on_delete=models.PROTECT, related_name="+", editable=False, verbose_name=_("kelurahan/desa")
    )
    puskesmas = models.ForeignKey(
        Puskesmas, on_delete=models.PROTECT, related_name="+", editable=False, verbose_name=_("Puskesmas")
    )

    objects = KiaQuerySet.as_manager()

    # The checklists kept as JSON lists, with their choices: one source for validation, labels and the history.
    PILIHAN_DAFTAR: dict[str, list[tuple[str, str]]] = {}

    class Meta:
        abstract = True

    def label_daftar(self, field: str) -> list[str]:
        labels = dict(self.PILIHAN_DAFTAR[field])
        return [str(labels.get(v, v)) for v in getattr(self, field)]

    def _galat_daftar(self) -> dict[str, str]:
        return {
            field: _("Pilihan tidak dikenal.")
            for field, choices in self.PILIHAN_DAFTAR.items()
            if not isinstance(getattr(self, field), list)
            or any(not isinstance(v, str) or v not in dict(choices) for v in getattr(self, field))
        }

    def _salin_wilayah(self, sumber) -> None:
        if not self.kelurahan_id:
            self.kelurahan_id = sumber.kelurahan_id
            self.puskesmas_id = sumber.puskesmas_id


# --- Mother and pregnancy -------------------------------------------------------------------


class IbuQuerySet(KiaQuerySet):
    def kemungkinan_duplikat(self, *, nik: str = "", nama: str = "", tanggal_lahir=None, kelurahan=None,
                             kecuali=None) -> IbuQuerySet:
        """Mothers who may be the same woman: the same NIK, or the same name, birth date and kelurahan."""
        cond = Q(pk__in=[])
        if nik:
            cond |= Q(nik=nik)
        if nama and tanggal_lahir and kelurahan:
            cond |= Q(nama__iexact=nama.strip(), tanggal_lahir=tanggal_lahir, kelurahan=kelurahan)
        qs = self.filter(cond)
        if kecuali is not None:
            qs = qs.exclude(pk=kecuali)
        return qs


class Ibu(Pencatatan, SekaliKirimModel):
    nama = models.CharField(_("nama"), max_length=150)
    nik = models.CharField(
        _("NIK"), max_length=16, blank=True, validators=[validate_nik],
        help_text=_("16 digit, boleh dikosongkan bila tidak ada."),
    )
    tanggal_lahir = models.DateField(_("tanggal lahir"), null=True, blank=True)
    umur_tercatat = models.PositiveSmallIntegerField(
        _("umur (tahun)"), null=True, blank=True,
        validators=[MinValueValidator(UMUR_IBU_MIN), MaxValueValidator(UMUR_IBU_MAX)],
        help_text=_("Bila tanggal lahir tidak diketahui."),
    )
    umur_dicatat_pada = models.DateField(_("umur dicatat pada"), null=True, blank=True, editable=False)
    kelurahan = models.ForeignKey(
        Kelurahan, on_delete=models.PROTECT, related_name="ibu", verbose_name=_("kelurahan/desa tempat tinggal")
    )
    # Copied from the kelurahan on save: the Puskesmas answering for her.
    puskesmas = models.ForeignKey(Puskesmas, on_delete=models.PROTECT, related_name="+", editable=False)
    alamat = models.CharField(_("alamat"), max_length=255, blank=True)
    rt = models.CharField(_("RT"), max_length=3, blank=True, validators=[rt_rw_validator])
    rw = models.CharField(_("RW"), max_length=3, blank=True, validators=[rt_rw_validator])
    telepon = models.CharField(_("telepon"), max_length=20, blank=True, validators=[telepon_validator])
    dukun = models.ForeignKey(
        Dukun, on_delete=models.PROTECT, null=True, blank=True, related_name="ibu",
        verbose_name=_("dukun yang menemukan/mendampingi"),
    )
    history = HistoricalRecords(excluded_fields=["token_kirim"])

    objects = IbuQuerySet.as_manager()

    class Meta:
        ordering = ["nama", "pk"]
        verbose_name = _("ibu")
        verbose_name_plural = _("ibu")
        indexes = [
            models.Index(fields=["nik"], name="kia_ibu_nik_idx", condition=~Q(nik="")),
            models.Index(fields=["kelurahan", "nama"], name="kia_ibu_kelurahan_nama_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(tanggal_lahir__isnull=False) | Q(umur_tercatat__isnull=False),
                name="kia_ibu_birth_date_or_age",
            ),
        ]

    def __str__(self) -> str:
        return self.nama  # never the NIK: names end up in messages, titles and logs

    def save(self, *args, **kwargs) -> None:
        self.puskesmas_id = self.kelurahan.puskesmas_id
        if self.umur_tercatat is not None and self.umur_dicatat_pada is None:
            self.umur_dicatat_pada = timezone.localdate()
        super().save(*args, **kwargs)

    @property
    def nik_samaran(self) -> str:
        return samarkan_nik(self.nik)

    def umur_pada(self, tanggal: dt.date) -> int | None:
        if self.tanggal_lahir:
            return relativedelta(tanggal, self.tanggal_lahir).years
        if self.umur_tercatat is not None:
            return self.umur_tercatat + relativedelta(tanggal, self.umur_dicatat_pada or tanggal).years
        return None

    @property
    def umur(self) -> int | None:
        return self.umur_pada(timezone.localdate())

    def clean(self) -> None:
        errors: dict[str, str] = {}
        today = timezone.localdate()
        if self.tanggal_lahir is None and self.umur_tercatat is None:
            errors["tanggal_lahir"] = _("Isi tanggal lahir atau umur ibu.")
        if self.tanggal_lahir:
            if self.tanggal_lahir > today:
                errors["tanggal_lahir"] = _("Tanggal lahir tidak boleh di masa depan.")
            else:
                umur = relativedelta(today, self.tanggal_lahir).years
                if not UMUR_IBU_MIN <= umur <= UMUR_IBU_MAX + 5:
                    errors["tanggal_lahir"] = _(
                        "Umur ibu dari tanggal lahir ini tidak masuk akal (%(umur)s tahun)."
                    ) % {"umur": umur}
        if self.kelurahan_id and not Kelurahan.objects.filter(pk=self.kelurahan_id, puskesmas__isnull=False).exists():
            errors["kelurahan"] = _("Kelurahan/desa ini belum masuk wilayah kerja Puskesmas mana pun.")
        elif self.dukun_id and self.kelurahan_id and self.dukun.kelurahan.puskesmas_id != self.kelurahan.puskesmas_id:
            errors["dukun"] = _("Dukun harus berasal dari wilayah kerja Puskesmas yang sama dengan ibu.")
        if errors:
            raise ValidationError(errors)


class FaktorRisiko(models.TextChoices):
    UMUR = "umur", _("Umur di bawah 20 atau di atas 35 tahun")
    ANAK_BANYAK = "anak_banyak", _("Lebih dari 4 anak")
    JARAK_DEKAT = "jarak_dekat", _("Jarak kelahiran kurang dari 2 tahun")
    PENDEK = "pendek", _("Tinggi badan kurang dari 145 cm")
    RIWAYAT_SC = "riwayat_sc", _("Riwayat operasi sesar")
    HIPERTENSI = "hipertensi", _("Hipertensi")
    ANEMIA = "anemia", _("Anemia")
    PERDARAHAN = "perdarahan", _("Perdarahan")
    LAINNYA = "lainnya", _("Lainnya")


class Kehamilan(KiaRecord):
    ibu = models.ForeignKey(Ibu, on_delete=models.PROTECT, related_name="kehamilan", verbose_name=_("ibu"))
    tanggal_daftar = models.DateField(_("tanggal didata"), default=timezone.localdate)
    hpht = models.DateField(_("HPHT (hari pertama haid terakhir)"), null=True, blank=True)
    hpl = models.DateField(
        _("HPL (hari perkiraan lahir)"), null=True, blank=True,
        help_text=_("Dihitung dari HPHT dengan rumus Naegele; boleh diubah."),
    )
    gravida = models.PositiveSmallIntegerField(
        _("G (kehamilan ke-)"), default=1, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    para = models.PositiveSmallIntegerField(_("P (persalinan)"), default=0, validators=[MaxValueValidator(20)])
    abortus = models.PositiveSmallIntegerField(_("A (keguguran)"), default=0, validators=[MaxValueValidator(20)])
    faktor_risiko = models.JSONField(_("faktor risiko"), default=list, blank=True)
    faktor_risiko_lainnya = models.CharField(_("faktor risiko lainnya"), max_length=255, blank=True)
    dukun = models.ForeignKey(
        Dukun, on_delete=models.PROTECT, null=True, blank=True, related_name="kehamilan",
        verbose_name=_("dukun yang mengantar"),
        help_text=_("Dukun yang menemukan ibu hamil ini dan membawanya ke bidan."),
    )
    catatan = models.TextField(_("catatan"), blank=True)
    history = HistoricalRecords()

    PILIHAN_DAFTAR = {"faktor_risiko": FaktorRisiko.choices}

    class Meta:
        ordering = ["-tanggal_daftar", "-pk"]
        verbose_name = _("kehamilan")
        verbose_name_plural = _("kehamilan")
        constraints = [
            models.CheckConstraint(condition=Q(para__lt=models.F("gravida")), name="kia_kehamilan_para_lt_gravida"),
        ]

    def __str__(self) -> str:
        return _("Kehamilan G%(g)sP%(p)sA%(a)s %(ibu)s") % {
            "g": self.gravida, "p": self.para, "a": self.abortus, "ibu": self.ibu}

    def save(self, *args, **kwargs) -> None:
        self._salin_wilayah(self.ibu)
        if self.hpht and not self.hpl:
            self.hpl = hpl_naegele(self.hpht)
        super().save(*args, **kwargs)

    @property
    def risiko_tinggi(self) -> bool:
        return bool(self.faktor_risiko)

    def get_faktor_risiko_display(self) -> list[str]:
        return self.label_daftar("faktor_risiko")

    def faktor_risiko_otomatis(self) -> set[str]:
        """Factors the record itself shows: the mother's age and her number of children."""
        found = set()
        umur = self.ibu.umur_pada(self.hpht or self.tanggal_daftar) if self.ibu_id else None
        if umur is not None and (umur < 20 or umur > 35):
            found.add(FaktorRisiko.UMUR.value)
        if self.para > 4:
            found.add(FaktorRisiko.ANAK_BANYAK.value)
        return found

    def clean(self) -> None:
        errors: dict[str, str] = {}
        today = timezone.localdate()
        errors.update(self._galat_daftar())
        if self.hpht and self.tanggal_daftar:
            if self.hpht > self.tanggal_daftar:
                errors["hpht"] = _("HPHT tidak boleh sesudah tanggal didata.")
            elif (self.tanggal_daftar - self.hpht).days > 308:
                errors["hpht"] = _("HPHT lebih dari 44 minggu sebelum tanggal didata: periksa kembali tanggalnya.")
        if self.tanggal_daftar and self.tanggal_daftar > today:
            errors["tanggal_daftar"] = _("Tanggal didata tidak boleh di masa depan.")
        if self.hpht and self.hpl and not (dt.timedelta(days=180) <= self.hpl - self.hpht <= dt.timedelta(days=310)):
            errors["hpl"] = _("HPL harus sekitar 40 minggu setelah HPHT.")
        if self.gravida and self.para + self.abortus > self.gravida - 1:
            errors["para"] = _("Jumlah persalinan dan keguguran sebelumnya (P + A) paling banyak G − 1.")
        if FaktorRisiko.LAINNYA in (self.faktor_risiko or []) and not self.faktor_risiko_lainnya.strip():
            errors["faktor_risiko_lainnya"] = _("Sebutkan faktor risiko lainnya.")
        # The record's own Puskesmas (copied when it was made), not the one of a mother who moved since.
        puskesmas_id = self.puskesmas_id or (self.ibu.puskesmas_id if self.ibu_id else None)
        if self.dukun_id and puskesmas_id and self.dukun.kelurahan.puskesmas_id != puskesmas_id:
            errors["dukun"] = _("Dukun harus berasal dari wilayah kerja Puskesmas yang sama dengan ibu.")
        if errors:
            raise ValidationError(errors)


# --- Referral --------------------------------------------------------------------------------


class JenisRujukan(models.TextChoices):
    DUKUN_KE_BIDAN = "dukun_bidan", _("Dukun ke bidan")
    BIDAN_KE_FASILITAS = "bidan_fasilitas", _("Bidan ke Puskesmas/rumah sakit")


class TandaBahaya(models.TextChoices):
    PERDARAHAN = "perdarahan", _("Perdarahan")
    KEJANG = "kejang", _("Kejang")
    DEMAM = "demam", _("Demam tinggi")
    KETUBAN_PECAH_DINI = "ketuban_pecah_dini", _("Ketuban pecah sebelum waktunya")
    BENGKAK = "bengkak", _("Bengkak pada muka, tangan atau kaki")
    GERAK_JANIN = "gerak_janin", _("Bayi tidak bergerak")
    PERSALINAN_LAMA = "persalinan_lama", _("Persalinan lama")
    LAINNYA = "lainnya", _("Lainnya")


class StatusRujukan(models.TextChoices):
    DIRUJUK = "dirujuk", _("Dirujuk")
    DITERIMA = "diterima", _("Diterima (sampai)")
    DITANGANI = "ditangani", _("Ditangani")
    DITOLAK_KELUARGA = "ditolak_keluarga", _("Ditolak keluarga")
    TIDAK_SAMPAI = "tidak_sampai", _("Tidak sampai")


# A referral only moves forward; the three last states are final.
LANGKAH_RUJUKAN: dict[str, tuple[str, ...]] = {
    StatusRujukan.DIRUJUK: (StatusRujukan.DITERIMA, StatusRujukan.DITOLAK_KELUARGA, StatusRujukan.TIDAK_SAMPAI),
    StatusRujukan.DITERIMA: (StatusRujukan.DITANGANI,),
    StatusRujukan.DITANGANI: (),
    StatusRujukan.DITOLAK_KELUARGA: (),
    StatusRujukan.TIDAK_SAMPAI: (),
}


class AlasanPenolakan(models.TextChoices):
    BIAYA = "biaya", _("Biaya")
    JARAK = "jarak", _("Jarak")
    KEPERCAYAAN = "kepercayaan", _("Kepercayaan")
    KEPUTUSAN_KELUARGA = "keputusan_keluarga", _("Keputusan keluarga")
    LAINNYA = "lainnya", _("Lainnya")


class RujukanQuerySet(KiaQuerySet):
    def terbuka(self):
        return self.filter(status__in=[StatusRujukan.DIRUJUK, StatusRujukan.DITERIMA])

    def ringkasan(self) -> dict:
        """Referrals made, completed, refused and lost, in one query."""
        return self.aggregate(
            jumlah=Count("id"),
            dari_dukun=Count("id", filter=Q(jenis=JenisRujukan.DUKUN_KE_BIDAN)),
            sampai=Count("id", filter=Q(status__in=[StatusRujukan.DITERIMA, StatusRujukan.DITANGANI])),
            ditangani=Count("id", filter=Q(status=StatusRujukan.DITANGANI)),
            ditolak=Count("id", filter=Q(status=StatusRujukan.DITOLAK_KELUARGA)),
            tidak_sampai=Count("id", filter=Q(status=StatusRujukan.TIDAK_SAMPAI)),
        )


class Rujukan(KiaRecord, BerversiModel, SekaliKirimModel):
    ibu = models.ForeignKey(Ibu, on_delete=models.PROTECT, related_name="rujukan", verbose_name=_("ibu"))
    kehamilan = models.ForeignKey(
        Kehamilan, on_delete=models.PROTECT, null=True, blank=True, related_name="rujukan",
        verbose_name=_("kehamilan"),
    )
    jenis = models.CharField(_("jenis rujukan"), max_length=20, choices=JenisRujukan.choices)
    dukun = models.ForeignKey(
        Dukun, on_delete=models.PROTECT, null=True, blank=True, related_name="rujukan",
        verbose_name=_("dukun perujuk"),
    )
    bidan = models.ForeignKey(
        Bidan, on_delete=models.PROTECT, null=True, blank=True, related_name="rujukan",
        verbose_name=_("bidan"), help_text=_("Bidan penerima rujukan dukun, atau bidan yang merujuk."),
    )
    fasilitas_tujuan = models.ForeignKey(
        Fasilitas, on_delete=models.PROTECT, null=True, blank=True, related_name="rujukan_masuk",
        verbose_name=_("fasilitas tujuan"),
    )
    waktu_rujuk = models.DateTimeField(_("waktu dirujuk"))
    alasan = models.TextField(_("alasan dirujuk"), blank=True)
    tanda_bahaya = models.JSONField(_("tanda bahaya"), default=list, blank=True)
    tanda_bahaya_lainnya = models.CharField(_("tanda bahaya lainnya"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=StatusRujukan.choices, default=StatusRujukan.DIRUJUK
    )
    waktu_diterima = models.DateTimeField(_("waktu sampai/diterima"), null=True, blank=True)
    waktu_ditangani = models.DateTimeField(_("waktu ditangani"), null=True, blank=True)
    waktu_batal = models.DateTimeField(_("waktu ditolak/tidak sampai"), null=True, blank=True)
    alasan_penolakan = models.CharField(
        _("alasan penolakan"), max_length=20, choices=AlasanPenolakan.choices, blank=True
    )
    keterangan_status = models.TextField(_("keterangan"), blank=True)
    history = HistoricalRecords(excluded_fields=TANPA_RIWAYAT)

    objects = RujukanQuerySet.as_manager()

    PILIHAN_DAFTAR = {"tanda_bahaya": TandaBahaya.choices}

    class Meta:
        ordering = ["-waktu_rujuk", "-pk"]
        verbose_name = _("rujukan")
        verbose_name_plural = _("rujukan")
        indexes = [models.Index(fields=["puskesmas", "waktu_rujuk"], name="kia_rujukan_pkm_waktu_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=StatusRujukan.values), name="kia_rujukan_status_valid"),
            models.CheckConstraint(
                condition=~Q(jenis=JenisRujukan.DUKUN_KE_BIDAN) | Q(dukun__isnull=False),
                name="kia_rujukan_dukun_referral_has_dukun",
            ),
            models.CheckConstraint(
                condition=~Q(jenis=JenisRujukan.BIDAN_KE_FASILITAS) | Q(fasilitas_tujuan__isnull=False),
                name="kia_rujukan_facility_referral_has_target",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["diterima", "ditangani"]) | Q(waktu_diterima__isnull=False),
                name="kia_rujukan_arrival_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="ditangani") | Q(waktu_ditangani__isnull=False),
                name="kia_rujukan_handled_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["ditolak_keluarga", "tidak_sampai"]) | Q(waktu_batal__isnull=False),
                name="kia_rujukan_end_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="ditolak_keluarga") | ~Q(alasan_penolakan=""),
                name="kia_rujukan_refusal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return _("Rujukan %(ibu)s, %(tanggal)s") % {
            "ibu": self.ibu, "tanggal": timezone.localtime(self.waktu_rujuk).strftime("%d-%m-%Y")}

    def save(self, *args, **kwargs) -> None:
        self._salin_wilayah(self.ibu)
        super().save(*args, **kwargs)

    def langkah_berikut(self) -> tuple[str, ...]:
        return LANGKAH_RUJUKAN[self.status]

    @property
    def selesai(self) -> bool:
        return not self.langkah_berikut()

    @property
    def lama_sampai(self) -> dt.timedelta | None:
        """Time from referral to arrival: distance and delay are what kill."""
        if self.waktu_diterima and self.waktu_rujuk:
            return self.waktu_diterima - self.waktu_rujuk
        return None

    def get_tanda_bahaya_display(self) -> list[str]:
        return self.label_daftar("tanda_bahaya")

    def clean(self) -> None:
        errors: dict[str, str] = self._galat_daftar()
        if TandaBahaya.LAINNYA in (self.tanda_bahaya or []) and not self.tanda_bahaya_lainnya.strip():
            errors["tanda_bahaya_lainnya"] = _("Sebutkan tanda bahaya lainnya.")
        if self.jenis == JenisRujukan.DUKUN_KE_BIDAN and not self.dukun_id:
            errors["dukun"] = _("Pilih dukun yang merujuk.")
        if self.jenis == JenisRujukan.BIDAN_KE_FASILITAS and not self.fasilitas_tujuan_id:
            errors["fasilitas_tujuan"] = _("Pilih Puskesmas atau rumah sakit tujuan.")
        if self.ibu_id:
            # The record's own Puskesmas (copied when it was made), not the one of a mother who moved since.
            puskesmas_id = self.puskesmas_id or self.ibu.puskesmas_id
            if self.dukun_id and self.dukun.kelurahan.puskesmas_id != puskesmas_id:
                errors["dukun"] = _("Dukun harus berasal dari wilayah kerja Puskesmas yang sama dengan ibu.")
            if self.bidan_id and self.bidan.puskesmas_id != puskesmas_id:
                errors["bidan"] = _("Bidan harus bertugas di Puskesmas yang sama dengan ibu.")
            if self.fasilitas_tujuan_id and self.fasilitas_tujuan.puskesmas_id != puskesmas_id:
                errors["fasilitas_tujuan"] = _("Fasilitas tujuan harus termasuk jaringan Puskesmas ibu.")
            if self.kehamilan_id and self.kehamilan.ibu_id != self.ibu_id:
                errors["kehamilan"] = _("Kehamilan ini milik ibu lain.")
        for name in ("waktu_rujuk", "waktu_diterima", "waktu_ditangani", "waktu_batal"):
            if _masa_depan(getattr(self, name)):
                errors[name] = _("Waktu tidak boleh di masa depan.")
        if self.waktu_rujuk and self.waktu_diterima and self.waktu_diterima < self.waktu_rujuk:
            errors["waktu_diterima"] = _("Waktu sampai harus sesudah waktu dirujuk.")
        if self.waktu_diterima and self.waktu_ditangani and self.waktu_ditangani < self.waktu_diterima:
            errors["waktu_ditangani"] = _("Waktu ditangani harus sesudah waktu sampai.")
        if self.waktu_rujuk and self.waktu_batal and self.waktu_batal < self.waktu_rujuk:
            errors["waktu_batal"] = _("Waktu ini harus sesudah waktu dirujuk.")
        if self.status in (StatusRujukan.DITERIMA, StatusRujukan.DITANGANI) and not self.waktu_diterima:
            errors["waktu_diterima"] = _("Isi waktu ibu sampai.")
        if self.status == StatusRujukan.DITANGANI and not self.waktu_ditangani:
            errors["waktu_ditangani"] = _("Isi waktu ibu ditangani.")
        if self.status in (StatusRujukan.DITOLAK_KELUARGA, StatusRujukan.TIDAK_SAMPAI) and not self.waktu_batal:
            errors["waktu_batal"] = _("Isi waktunya.")
        if self.status == StatusRujukan.DITOLAK_KELUARGA and not self.alasan_penolakan:
            errors["alasan_penolakan"] = _("Pilih alasan keluarga menolak rujukan.")
        if self.alasan_penolakan == AlasanPenolakan.LAINNYA and not self.keterangan_status.strip():
            errors["keterangan_status"] = _("Jelaskan alasan lainnya.")
        if errors:
            raise ValidationError(errors)


# --- Delivery, babies, outcomes ------------------------------------------------------------------


class TempatPersalinan(models.TextChoices):
    RS = "rs", _("Rumah sakit")
    PUSKESMAS = "puskesmas", _("Puskesmas")
    PUSTU = "pustu", _("Pustu")
    POSKESDES = "poskesdes", _("Poskesdes/Polindes")
    PMB = "pmb", _("Praktik mandiri bidan")
    RUMAH = "rumah", _("Rumah")
    PERJALANAN = "perjalanan", _("Dalam perjalanan")


TEMPAT_FASILITAS = (
    TempatPersalinan.RS, TempatPersalinan.PUSKESMAS, TempatPersalinan.PUSTU, TempatPersalinan.POSKESDES,
    TempatPersalinan.PMB,
)


class Penolong(models.TextChoices):
    DOKTER = "dokter", _("Dokter")
    BIDAN = "bidan", _("Bidan")
    BIDAN_DUKUN = "bidan_dukun", _("Bidan didampingi dukun")
    DUKUN = "dukun", _("Dukun sendiri")
    KELUARGA = "keluarga", _("Keluarga/tidak ada penolong")


PENOLONG_NAKES = (Penolong.DOKTER, Penolong.BIDAN, Penolong.BIDAN_DUKUN)


class PeranDukun(models.TextChoices):
    MENDAMPINGI = "mendampingi", _("Mendampingi persalinan")
    MERAWAT_BAYI = "merawat_bayi", _("Merawat bayi")
    MEMANDIKAN_BAYI = "memandikan_bayi", _("Memandikan bayi")
    PERAWATAN_NIFAS = "perawatan_nifas", _("Perawatan ibu nifas")


class Komplikasi(models.TextChoices):
    PERDARAHAN = "perdarahan", _("Perdarahan")
    PREEKLAMPSIA = "preeklampsia", _("Preeklampsia/eklampsia")
    PARTUS_LAMA = "partus_lama", _("Partus lama/macet")
    INFEKSI = "infeksi", _("Infeksi")
    RETENSIO = "retensio", _("Retensio plasenta")
    LAINNYA = "lainnya", _("Lainnya")


class StatusIbu(models.TextChoices):
    HIDUP = "hidup", _("Hidup")
    MENINGGAL = "meninggal", _("Meninggal")


class SebabKematianIbu(models.TextChoices):
    PERDARAHAN = "perdarahan", _("Perdarahan")
    HIPERTENSI = "hipertensi", _("Hipertensi dalam kehamilan/eklampsia")
    INFEKSI = "infeksi", _("Infeksi")
    JANTUNG = "jantung", _("Gangguan jantung/pembuluh darah")
    LAINNYA = "lainnya", _("Lainnya")


# Postpartum visits: KF1 6 h–2 days, KF2 day 3–7, KF3 day 8–28, KF4 day 29–42.
JENDELA_KF = {"kf1": (0, 2), "kf2": (3, 7), "kf3": (8, 28), "kf4": (29, 42)}
# Neonatal visits: KN1 6–48 h, KN2 day 3–7, KN3 day 8–28.
JENDELA_KN = {"kn1": (0, 2), "kn2": (3, 7), "kn3": (8, 28)}


class PersalinanQuerySet(KiaQuerySet):
    def oleh_nakes(self):
        return self.filter(penolong__in=PENOLONG_NAKES)

    def di_fasilitas(self):
        return self.filter(tempat__in=TEMPAT_FASILITAS)

    def dukun_sendiri(self):
        return self.filter(penolong=Penolong.DUKUN)

    def ringkasan(self) -> dict:
        """The output counts of the monitoring report, in one query."""
        return self.aggregate(
            jumlah=Count("id"),
            nakes=Count("id", filter=Q(penolong__in=PENOLONG_NAKES)),
            fasilitas=Count("id", filter=Q(tempat__in=TEMPAT_FASILITAS)),
            dukun_sendiri=Count("id", filter=Q(penolong=Penolong.DUKUN)),
            bersama_dukun=Count("id", filter=Q(penolong=Penolong.BIDAN_DUKUN)),
            kematian_ibu=Count("id", filter=Q(status_ibu=StatusIbu.MENINGGAL)),
        )


class Persalinan(KiaRecord, BerversiModel, SekaliKirimModel):
    ibu = models.ForeignKey(Ibu, on_delete=models.PROTECT, related_name="persalinan", verbose_name=_("ibu"))
    kehamilan = models.OneToOneField(
        Kehamilan, on_delete=models.PROTECT, null=True, blank=True, related_name="persalinan",
        verbose_name=_("kehamilan"),
    )
    rujukan = models.ForeignKey(
        Rujukan, on_delete=models.SET_NULL, null=True, blank=True, related_name="persalinan",
        verbose_name=_("rujukan sebelum persalinan"),
    )
    tanggal = models.DateField(_("tanggal persalinan"))
    jam = models.TimeField(_("jam"), null=True, blank=True)
    tempat = models.CharField(_("tempat"), max_length=20, choices=TempatPersalinan.choices)
    fasilitas = models.ForeignKey(
        Fasilitas, on_delete=models.PROTECT, null=True, blank=True, related_name="persalinan",
        verbose_name=_("fasilitas"),
    )
    penolong = models.CharField(_("penolong"), max_length=20, choices=Penolong.choices)
    bidan = models.ForeignKey(
        Bidan, on_delete=models.PROTECT, null=True, blank=True, related_name="persalinan",
        verbose_name=_("bidan penolong"),
    )
    dukun = models.ForeignKey(
        Dukun, on_delete=models.PROTECT, null=True, blank=True, related_name="persalinan",
        verbose_name=_("dukun yang terlibat"),
    )
    peran_dukun = models.JSONField(_("peran dukun"), default=list, blank=True)
    komplikasi = models.JSONField(_("komplikasi"), default=list, blank=True)
    komplikasi_lainnya = models.CharField(_("komplikasi lainnya"), max_length=255, blank=True)
    status_ibu = models.CharField(_("keadaan ibu"), max_length=10, choices=StatusIbu.choices, default=StatusIbu.HIDUP)
    tanggal_meninggal_ibu = models.DateField(_("tanggal ibu meninggal"), null=True, blank=True)
    sebab_kematian_ibu = models.CharField(
        _("sebab kematian ibu"), max_length=20, choices=SebabKematianIbu.choices, blank=True
    )
    keterangan_kematian_ibu = models.CharField(_("keterangan sebab kematian"), max_length=255, blank=True)
    kf1 = models.DateField(_("KF1 (6 jam–2 hari)"), null=True, blank=True)
    kf2 = models.DateField(_("KF2 (hari 3–7)"), null=True, blank=True)
    kf3 = models.DateField(_("KF3 (hari 8–28)"), null=True, blank=True)
    kf4 = models.DateField(_("KF4 (hari 29–42)"), null=True, blank=True)
    kemitraan = models.ForeignKey(
        "kemitraan.Kemitraan", on_delete=models.PROTECT, null=True, blank=True, related_name="persalinan",
        verbose_name=_("kemitraan"),
    )
    jasa_dukun_jumlah = models.DecimalField(
        _("jasa untuk dukun (Rp)"), max_digits=12, decimal_places=0, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    jasa_dukun_tanggal = models.DateField(_("tanggal jasa dibayar"), null=True, blank=True)
    id_eksternal = models.CharField(_("ID eksternal"), max_length=60, null=True, blank=True, unique=True,
                                    editable=False)
    catatan = models.TextField(_("catatan"), blank=True)
    history = HistoricalRecords(excluded_fields=TANPA_RIWAYAT)

    objects = PersalinanQuerySet.as_manager()

    PILIHAN_DAFTAR = {"peran_dukun": PeranDukun.choices, "komplikasi": Komplikasi.choices}

    class Meta:
        ordering = ["-tanggal", "-jam", "-pk"]
        verbose_name = _("persalinan")
        verbose_name_plural = _("persalinan")
        indexes = [
            models.Index(fields=["puskesmas", "tanggal"], name="kia_persalinan_pkm_tgl_idx"),
            models.Index(fields=["kelurahan", "tanggal"], name="kia_persalinan_kel_tgl_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(tempat__in=TempatPersalinan.values), name="kia_persalinan_tempat_valid"),
            models.CheckConstraint(condition=Q(penolong__in=Penolong.values), name="kia_persalinan_penolong_valid"),
            models.CheckConstraint(
                condition=Q(status_ibu=StatusIbu.HIDUP, tanggal_meninggal_ibu__isnull=True)
                | Q(status_ibu=StatusIbu.MENINGGAL, tanggal_meninggal_ibu__isnull=False),
                name="kia_persalinan_death_has_date",
            ),
            models.CheckConstraint(
                condition=Q(tanggal_meninggal_ibu__isnull=True) | Q(tanggal_meninggal_ibu__gte=models.F("tanggal")),
                name="kia_persalinan_death_after_delivery",
            ),
        ]

    def __str__(self) -> str:
        return _("Persalinan %(ibu)s, %(tanggal)s") % {"ibu": self.ibu, "tanggal": self.tanggal.strftime("%d-%m-%Y")}

    def save(self, *args, **kwargs) -> None:
        self._salin_wilayah(self.ibu)
        super().save(*args, **kwargs)

    @property
    def oleh_nakes(self) -> bool:
        return self.penolong in PENOLONG_NAKES

    @property
    def di_fasilitas(self) -> bool:
        return self.tempat in TEMPAT_FASILITAS

    @property
    def dukun_sendiri(self) -> bool:
        return self.penolong == Penolong.DUKUN

    @property
    def kf_lengkap(self) -> bool:
        return all((self.kf1, self.kf2, self.kf3, self.kf4))

    def get_peran_dukun_display(self) -> list[str]:
        return self.label_daftar("peran_dukun")

    def get_komplikasi_display(self) -> list[str]:
        return self.label_daftar("komplikasi")

    def clean(self) -> None:
        errors: dict[str, str] = self._galat_daftar()
        if Komplikasi.LAINNYA in (self.komplikasi or []) and not self.komplikasi_lainnya.strip():
            errors["komplikasi_lainnya"] = _("Sebutkan komplikasi lainnya.")
        if self.tanggal and _masa_depan(self.tanggal):
            errors["tanggal"] = _("Tanggal persalinan tidak boleh di masa depan.")
        elif self.tanggal and self.jam and _masa_depan(
            timezone.make_aware(dt.datetime.combine(self.tanggal, self.jam))
        ):
            errors["jam"] = _("Jam persalinan tidak boleh di masa depan.")
        if self.ibu_id and self.tanggal:
            umur = self.ibu.umur_pada(self.tanggal)
            if umur is not None and not UMUR_IBU_MIN <= umur <= UMUR_IBU_MAX:
                errors["tanggal"] = _("Umur ibu pada tanggal ini %(umur)s tahun: harus 10–60 tahun.") % {"umur": umur}
            if self.ibu.tanggal_lahir and self.tanggal < self.ibu.tanggal_lahir:
                errors["tanggal"] = _("Tanggal persalinan sebelum tanggal lahir ibu.")
        if self.ibu_id and self.kehamilan_id and self.kehamilan.ibu_id != self.ibu_id:
            errors["kehamilan"] = _("Kehamilan ini milik ibu lain.")
        if self.kehamilan_id and self.tanggal and self.kehamilan.hpht and self.tanggal <= self.kehamilan.hpht:
            errors["tanggal"] = _("Tanggal persalinan harus sesudah HPHT.")
        if self.rujukan_id and self.tanggal:
            if self.rujukan.ibu_id != self.ibu_id:
                errors["rujukan"] = _("Rujukan ini milik ibu lain.")
            mulai = timezone.localtime(self.rujukan.waktu_diterima or self.rujukan.waktu_rujuk).date()
            if self.tanggal < mulai:
                errors["tanggal"] = _("Persalinan tidak boleh sebelum rujukan dan kedatangan ibu.")
        if self.tempat in TEMPAT_FASILITAS and self.penolong in (Penolong.DUKUN, Penolong.KELUARGA):
            errors["penolong"] = _("Persalinan di fasilitas kesehatan ditolong tenaga kesehatan.")
        if self.penolong in (Penolong.BIDAN, Penolong.BIDAN_DUKUN) and not self.bidan_id and not self.id_eksternal:
            errors["bidan"] = _("Pilih bidan yang menolong.")
        if self.penolong in (Penolong.BIDAN_DUKUN, Penolong.DUKUN) and not self.dukun_id and not self.id_eksternal:
            errors["dukun"] = _("Pilih dukun yang terlibat.")
        if self.ibu_id:
            # The record's own Puskesmas (copied when it was made), not the one of a mother who moved since.
            puskesmas_id = self.puskesmas_id or self.ibu.puskesmas_id
            if self.dukun_id and self.dukun.kelurahan.puskesmas_id != puskesmas_id:
                errors["dukun"] = _("Dukun harus berasal dari wilayah kerja Puskesmas yang sama dengan ibu.")
            if self.fasilitas_id and self.fasilitas.puskesmas_id != puskesmas_id:
                errors["fasilitas"] = _("Fasilitas harus termasuk jaringan Puskesmas ibu.")
            if self.bidan_id and self.bidan.puskesmas_id != puskesmas_id:
                errors["bidan"] = _("Bidan harus bertugas di Puskesmas yang sama dengan ibu.")
        if self.status_ibu == StatusIbu.MENINGGAL:
            if not self.tanggal_meninggal_ibu:
                errors["tanggal_meninggal_ibu"] = _("Isi tanggal ibu meninggal.")
            if not self.sebab_kematian_ibu and not self.id_eksternal:
                errors["sebab_kematian_ibu"] = _("Pilih sebab kematian ibu.")
        elif self.tanggal_meninggal_ibu or self.sebab_kematian_ibu:
            errors["status_ibu"] = _("Tanggal dan sebab kematian hanya diisi bila ibu meninggal.")
        if self.tanggal_meninggal_ibu and self.tanggal:
            if self.tanggal_meninggal_ibu < self.tanggal:
                errors["tanggal_meninggal_ibu"] = _("Tanggal meninggal tidak boleh sebelum persalinan.")
            elif _masa_depan(self.tanggal_meninggal_ibu):
                errors["tanggal_meninggal_ibu"] = _("Tanggal tidak boleh di masa depan.")
        if self.tanggal:
            for name, (first, last) in JENDELA_KF.items():
                errors.update(_cek_jendela(self, name, self.tanggal, first, last))
            if self.tanggal_meninggal_ibu:
                for name in JENDELA_KF:
                    if getattr(self, name) and getattr(self, name) > self.tanggal_meninggal_ibu:
                        errors[name] = _("Kunjungan nifas tercatat sesudah ibu meninggal.")
        if (self.jasa_dukun_jumlah is None) != (self.jasa_dukun_tanggal is None):
            errors["jasa_dukun_tanggal"] = _("Isi jumlah dan tanggal pembayaran jasa bersama-sama.")
        if self.jasa_dukun_jumlah is not None and not self.kemitraan_id:
            errors["jasa_dukun_jumlah"] = _("Jasa untuk dukun hanya dicatat bila ada kemitraan bidan–dukun.")
        if self.jasa_dukun_tanggal and self.tanggal and self.jasa_dukun_tanggal < self.tanggal:
            errors["jasa_dukun_tanggal"] = _("Jasa dibayar sesudah persalinan.")
        if _masa_depan(self.jasa_dukun_tanggal):
            errors["jasa_dukun_tanggal"] = _("Tanggal tidak boleh di masa depan.")
        if errors:
            raise ValidationError(errors)


def _cek_jendela(obj, name: str, lahir: dt.date, first: int, last: int) -> dict[str, str]:
    value = getattr(obj, name)
    if not value:
        return {}
    if _masa_depan(value):
        return {name: _("Tanggal kunjungan tidak boleh di masa depan.")}
    hari = (value - lahir).days
    if not first <= hari <= last:
        return {name: _("Kunjungan ini harus pada hari ke-%(first)s sampai ke-%(last)s setelah lahir.") % {
            "first": first, "last": last}}
    return {}


class JenisKelamin(models.TextChoices):
    LAKI = "l", _("Laki-laki")
    PEREMPUAN = "p", _("Perempuan")


class StatusLahir(models.TextChoices):
    LAHIR_HIDUP = "lahir_hidup", _("Lahir hidup")
    LAHIR_MATI = "lahir_mati", _("Lahir mati")


class SebabKematianBayi(models.TextChoices):
    BBLR = "bblr", _("BBLR")
    ASFIKSIA = "asfiksia", _("Asfiksia")
    SEPSIS = "sepsis", _("Sepsis")
    PNEUMONIA = "pneumonia", _("Pneumonia")
    KELAINAN_BAWAAN = "kelainan_bawaan", _("Kelainan bawaan")
    DIARE = "diare", _("Diare")
    LAINNYA = "lainnya", _("Lainnya")


class BayiQuerySet(KiaQuerySet):
    def lahir_hidup(self):
        return self.filter(status_lahir=StatusLahir.LAHIR_HIDUP)

    def kematian_neonatal(self):
        return self.filter(status_lahir=StatusLahir.LAHIR_HIDUP, umur_meninggal_hari__lte=NEONATAL_HARI)

    def ringkasan(self) -> dict:
        hidup = Q(status_lahir=StatusLahir.LAHIR_HIDUP)
        return self.aggregate(
            jumlah=Count("id"),
            lahir_hidup=Count("id", filter=hidup),
            lahir_mati=Count("id", filter=Q(status_lahir=StatusLahir.LAHIR_MATI)),
            bblr=Count("id", filter=hidup & Q(berat_lahir_gram__lt=BBLR_GRAM)),
            kn1=Count("id", filter=hidup & Q(kn1_diterima=True)),
            kn_lengkap=Count("id", filter=hidup & Q(kn_lengkap=True)),
            kematian_neonatal=Count("id", filter=hidup & Q(umur_meninggal_hari__lte=NEONATAL_HARI)),
            kematian_bayi=Count("id", filter=hidup & Q(umur_meninggal_hari__lte=BAYI_HARI)),
        )


class Bayi(KiaRecord):
    persalinan = models.ForeignKey(
        Persalinan, on_delete=models.CASCADE, related_name="bayi", verbose_name=_("persalinan")
    )
    urutan = models.PositiveSmallIntegerField(_("bayi ke-"), default=1, validators=[MinValueValidator(1)])
    jenis_kelamin = models.CharField(_("jenis kelamin"), max_length=1, choices=JenisKelamin.choices, blank=True)
    berat_lahir_gram = models.PositiveSmallIntegerField(
        _("berat lahir (gram)"), null=True, blank=True,
        validators=[MinValueValidator(BERAT_MIN), MaxValueValidator(BERAT_MAX)],
    )
    status_lahir = models.CharField(
        _("keadaan lahir"), max_length=12, choices=StatusLahir.choices, default=StatusLahir.LAHIR_HIDUP
    )
    imd = models.BooleanField(_("IMD (inisiasi menyusu dini)"), default=False)
    vitamin_k1 = models.BooleanField(_("vitamin K1"), default=False)
    hb0 = models.BooleanField(_("hepatitis B0"), default=False)
    kn1 = models.DateField(_("KN1 (6–48 jam)"), null=True, blank=True)
    kn2 = models.DateField(_("KN2 (hari 3–7)"), null=True, blank=True)
    kn3 = models.DateField(_("KN3 (hari 8–28)"), null=True, blank=True)
    # Kept as flags so that registers imported without visit dates still count; set from the dates when given.
    kn1_diterima = models.BooleanField(_("KN1 diterima"), default=False, editable=False)
    kn_lengkap = models.BooleanField(_("KN lengkap"), default=False, editable=False)
    tanggal_meninggal = models.DateField(_("tanggal meninggal"), null=True, blank=True)
    umur_meninggal_hari = models.PositiveIntegerField(_("umur saat meninggal (hari)"), null=True, editable=False)
    sebab_kematian = models.CharField(
        _("sebab kematian"), max_length=20, choices=SebabKematianBayi.choices, blank=True
    )
    keterangan_kematian = models.CharField(_("keterangan sebab kematian"), max_length=255, blank=True)
    id_eksternal = models.CharField(_("ID eksternal"), max_length=60, null=True, blank=True, unique=True,
                                    editable=False)
    history = HistoricalRecords()

    objects = BayiQuerySet.as_manager()

    class Meta:
        ordering = ["persalinan", "urutan"]
        verbose_name = _("bayi")
        verbose_name_plural = _("bayi")
        constraints = [
            models.UniqueConstraint(fields=["persalinan", "urutan"], name="kia_bayi_order_unique"),
            models.CheckConstraint(
                condition=Q(berat_lahir_gram__isnull=True)
                | Q(berat_lahir_gram__gte=BERAT_MIN, berat_lahir_gram__lte=BERAT_MAX),
                name="kia_bayi_weight_range",
            ),
            # A stillbirth is not a live birth and not an infant death.
            models.CheckConstraint(
                condition=Q(status_lahir=StatusLahir.LAHIR_HIDUP) | Q(tanggal_meninggal__isnull=True, kn_lengkap=False),
                name="kia_bayi_stillbirth_no_death_no_visits",
            ),
            models.CheckConstraint(
                condition=~Q(kn_lengkap=True) | Q(kn1_diterima=True), name="kia_bayi_kn_complete_has_kn1"
            ),
        ]

    def __str__(self) -> str:
        return _("Bayi ke-%(n)s dari %(ibu)s") % {"n": self.urutan, "ibu": self.persalinan.ibu}

    def save(self, *args, **kwargs) -> None:
        self._salin_wilayah(self.persalinan)
        self.isi_turunan(self.persalinan.tanggal)
        super().save(*args, **kwargs)

    def kn_dari_tanggal(self) -> None:
        """The visit flags from the visit dates, also when dates were cleared (a correction)."""
        self.kn1_diterima = self.kn1 is not None
        self.kn_lengkap = all((self.kn1, self.kn2, self.kn3))

    def isi_turunan(self, lahir: dt.date | None) -> None:
        """Set the stored derived fields; the import calls it too, for the rows it writes in bulk."""
        if self.kn1 or self.kn2 or self.kn3:
            self.kn_dari_tanggal()
        self.kn1_diterima = self.kn1_diterima or self.kn_lengkap
        self.umur_meninggal_hari = (self.tanggal_meninggal - lahir).days if self.tanggal_meninggal and lahir else None

    @property
    def bblr(self) -> bool:
        return self.berat_lahir_gram is not None and self.berat_lahir_gram < BBLR_GRAM

    @property
    def meninggal(self) -> bool:
        return self.tanggal_meninggal is not None

    @property
    def kematian_neonatal(self) -> bool:
        return self.umur_meninggal_hari is not None and self.umur_meninggal_hari <= NEONATAL_HARI

    def clean(self) -> None:
        errors: dict[str, str] = {}
        try:
            lahir = self.persalinan.tanggal  # also while the delivery is being saved together with its babies
        except Persalinan.DoesNotExist:
            lahir = None
        if self.status_lahir == StatusLahir.LAHIR_MATI:
            if self.tanggal_meninggal or self.sebab_kematian:
                errors["tanggal_meninggal"] = _(
                    "Bayi lahir mati bukan kematian bayi: kosongkan tanggal dan sebab kematian."
                )
            if any((self.kn1, self.kn2, self.kn3, self.kn_lengkap)):
                errors["kn1"] = _("Bayi lahir mati tidak mendapat kunjungan neonatal.")
        if self.tanggal_meninggal:
            if lahir and self.tanggal_meninggal < lahir:
                errors["tanggal_meninggal"] = _("Tanggal meninggal tidak boleh sebelum tanggal lahir.")
            elif _masa_depan(self.tanggal_meninggal):
                errors["tanggal_meninggal"] = _("Tanggal tidak boleh di masa depan.")
            if not self.sebab_kematian and not self.id_eksternal:
                errors["sebab_kematian"] = _("Pilih sebab kematian bayi.")
        elif self.sebab_kematian:
            errors["sebab_kematian"] = _("Sebab kematian hanya diisi bila bayi meninggal.")
        if (lahir and self.status_lahir == StatusLahir.LAHIR_HIDUP and self.tanggal_meninggal and self.kn_lengkap
                and 0 <= (self.tanggal_meninggal - lahir).days < JENDELA_KN["kn3"][0]):
            errors["kn3"] = _("KN lengkap tidak mungkin: bayi meninggal sebelum hari ke-8.")
        if self.sebab_kematian == SebabKematianBayi.LAINNYA and not self.keterangan_kematian.strip():
            errors["keterangan_kematian"] = _("Sebutkan sebab kematian lainnya.")
        if lahir:
            for name, (first, last) in JENDELA_KN.items():
                errors.update(_cek_jendela(self, name, lahir, first, last))
            if self.tanggal_meninggal:
                for name in JENDELA_KN:
                    if getattr(self, name) and getattr(self, name) > self.tanggal_meninggal:
                        errors[name] = _("Kunjungan neonatal tercatat sesudah bayi meninggal.")
        if errors:
            raise ValidationError(errors)


# --- Alerts and their case review ----------------------------------------------------------------


class JenisKajian(models.TextChoices):
    DUKUN_SENDIRI = "dukun_sendiri", _("Persalinan ditolong dukun sendiri")
    KEMATIAN_IBU = "kematian_ibu", _("Kematian ibu")
    KEMATIAN_NEONATAL = "kematian_neonatal", _("Kematian neonatal")


class StatusKajian(models.TextChoices):
    TERBUKA = "terbuka", _("Terbuka")
    DITUTUP = "ditutup", _("Ditutup")


class KajianKasusQuerySet(KelurahanQuerySet):
    def writable_by(self, user):
        from puskesmas import access

        return self.filter(puskesmas__in=access.kajian_writable_puskesmas_ids(user))

    def terbuka(self):
        return self.filter(status=StatusKajian.TERBUKA)


class KajianKasus(models.Model):
    """An alert raised by one event, and its case review: what happened, what will change.

    `kunci` names the event (`dukun_sendiri:12`, `kematian_neonatal:12:31`), so each is raised once.
    """

    jenis = models.CharField(_("jenis"), max_length=20, choices=JenisKajian.choices)
    kunci = models.CharField(max_length=60, unique=True, editable=False)
    persalinan = models.ForeignKey(
        Persalinan, on_delete=models.CASCADE, related_name="kajian", verbose_name=_("persalinan")
    )
    # A reviewed death is evidence: the baby's record cannot be deleted from under its review.
    bayi = models.ForeignKey(
        Bayi, on_delete=models.PROTECT, null=True, blank=True, related_name="kajian", verbose_name=_("bayi")
    )
    kelurahan = models.ForeignKey(Kelurahan, on_delete=models.PROTECT, related_name="+", editable=False)
    puskesmas = models.ForeignKey(Puskesmas, on_delete=models.PROTECT, related_name="+", editable=False)
    dibuat_pada = models.DateTimeField(_("dibuat pada"), default=timezone.now, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=StatusKajian.choices, default=StatusKajian.TERBUKA)
    kronologi = models.TextField(_("apa yang terjadi"), blank=True)
    rencana_perbaikan = models.TextField(_("apa yang akan diubah"), blank=True)
    ditutup_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False,
        related_name="+", verbose_name=_("ditutup oleh"),
    )
    ditutup_pada = models.DateTimeField(_("ditutup pada"), null=True, blank=True, editable=False)
    history = HistoricalRecords()

    objects = KajianKasusQuerySet.as_manager()

    class Meta:
        ordering = ["-status", "-dibuat_pada", "-pk"]  # "terbuka" > "ditutup": open reviews first
        verbose_name = _("kajian kasus")
        verbose_name_plural = _("kajian kasus")
        constraints = [
            models.CheckConstraint(
                condition=Q(status=StatusKajian.TERBUKA) | Q(ditutup_pada__isnull=False),
                name="kia_kajian_closed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_jenis_display()}: {self.persalinan.ibu}"

    def clean(self) -> None:
        if self.status == StatusKajian.DITUTUP:
            errors = {}
            if not self.kronologi.strip():
                errors["kronologi"] = _("Tuliskan apa yang terjadi sebelum menutup kajian.")
            if not self.rencana_perbaikan.strip():
                errors["rencana_perbaikan"] = _("Tuliskan apa yang akan diubah sebelum menutup kajian.")
            if errors:
                raise ValidationError(errors)


# --- Yearly targets ------------------------------------------------------------------------------


class SasaranQuerySet(KelurahanQuerySet):
    def writable_by(self, user):
        from puskesmas import access

        return self.filter(kelurahan__in=access.sasaran_writable_kelurahan_ids(user))

    def total(self) -> dict:
        return self.aggregate(
            ibu_hamil=Sum("ibu_hamil"), ibu_bersalin=Sum("ibu_bersalin"), bayi_baru_lahir=Sum("bayi_baru_lahir")
        )


class Sasaran(models.Model):
    """The year's target of one kelurahan; a Puskesmas' target is the sum of its kelurahan."""

    tahun = models.PositiveSmallIntegerField(_("tahun"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    kelurahan = models.ForeignKey(Kelurahan, on_delete=models.PROTECT, related_name="sasaran",
                                  verbose_name=_("kelurahan/desa"))
    puskesmas = models.ForeignKey(Puskesmas, on_delete=models.PROTECT, related_name="sasaran", editable=False)
    ibu_hamil = models.PositiveIntegerField(_("sasaran ibu hamil"))
    ibu_bersalin = models.PositiveIntegerField(_("sasaran ibu bersalin"))
    bayi_baru_lahir = models.PositiveIntegerField(_("sasaran bayi baru lahir"))
    history = HistoricalRecords()

    objects = SasaranQuerySet.as_manager()

    class Meta:
        ordering = ["-tahun", "kelurahan__nama"]
        verbose_name = _("sasaran")
        verbose_name_plural = _("sasaran")
        constraints = [
            models.UniqueConstraint(fields=["tahun", "kelurahan"], name="kia_sasaran_one_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.kelurahan} {self.tahun}"

    def save(self, *args, **kwargs) -> None:
        self.puskesmas_id = self.kelurahan.puskesmas_id
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.kelurahan_id and not Kelurahan.objects.filter(pk=self.kelurahan_id, puskesmas__isnull=False).exists():
            raise ValidationError({"kelurahan": _("Kelurahan/desa ini belum masuk wilayah kerja Puskesmas mana pun.")})
