"""The one path every write of a mother's record takes: forms, the import and the demo all come here.

A later issue locks the records of a month whose report is approved; keeping every change in these
functions is what lets that lock live in one place.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from kemitraan.models import Kemitraan, Notifikasi, StatusKemitraan
from kemitraan.services_program import pengelola_puskesmas, simpan_notifikasi, tautan_atau
from kia.models import (
    LANGKAH_RUJUKAN,
    NEONATAL_HARI,
    Bayi,
    Ibu,
    JenisKajian,
    KajianKasus,
    Kehamilan,
    Penolong,
    Persalinan,
    Rujukan,
    Sasaran,
    StatusIbu,
    StatusKajian,
    StatusLahir,
    StatusRujukan,
)
from laporan.kunci import Tersimpan, pastikan_terbuka, tanggal_lokal
from puskesmas.models import Kelurahan, User
from puskesmas.versi import VersiBerubah, naikkan_versi, periksa_versi
from ringkasan.services import selesaikan_tertunda

# Copied on save from the mother, so a form never sets them and full_clean must not ask for them.
TURUNAN = ["kelurahan", "puskesmas"]
KN_TANGGAL = {"kn1", "kn2", "kn3"}


def _ringkasan(func):
    """The monthly summary follows a service's writes.

    Each saved or deleted delivery, baby and referral names its summary cells, before and after the
    change (`ringkasan.signals`), and they are recomputed from the raw rows once the transaction commits
    (`ringkasan.services.jadwalkan`). Applied outside `transaction.atomic`: under a test's wrapping
    transaction, where nothing commits, the cells are recomputed here, when the service's own
    transaction is over.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        hasil = func(*args, **kwargs)
        selesaikan_tertunda()
        return hasil

    return wrapper


def _puskesmas(obj):
    if isinstance(obj, Ibu):
        return obj.kelurahan.puskesmas if obj.kelurahan_id else None
    if obj.puskesmas_id:
        return obj.puskesmas
    sumber = obj.persalinan if isinstance(obj, Bayi) else obj
    return sumber.ibu.puskesmas if sumber.ibu_id else None


def _periksa(obj, exclude: list[str], *, validate_unique: bool = True) -> None:
    """full_clean in the zone of the record's Puskesmas, without the database's check constraints.

    The zone: "not in the future" means the Puskesmas' today, also when an administrator or a command
    (in the server's zone) writes for a Puskesmas in WITA or WIT. The constraints: every one of them is
    mirrored in the model's clean() with an Indonesian message, and validating them again costs a
    query each (a delivery with two babies would pay a dozen). The database still enforces them.
    """
    puskesmas = _puskesmas(obj)
    # The one-time form token is unique by a database constraint, which `puskesmas.versi.buat_sekali` relies
    # on; checking it here as well would cost a query and turn a double click into a form error.
    exclude = [*exclude, "token_kirim"]
    with timezone.override(puskesmas.zona) if puskesmas is not None else contextlib.nullcontext():
        obj.full_clean(exclude=exclude, validate_unique=validate_unique, validate_constraints=False)


def _apply(obj, fields: Mapping) -> None:
    for name, value in fields.items():
        setattr(obj, name, value)


# --- Mother and pregnancy -------------------------------------------------------------------


@transaction.atomic
def ibu_create(*, dicatat_oleh: User | None, **fields) -> Ibu:
    ibu = Ibu(dicatat_oleh=dicatat_oleh, **fields)
    if ibu.umur_tercatat is not None:
        ibu.umur_dicatat_pada = timezone.localdate()
    _periksa(ibu, ["puskesmas"])
    ibu.save()
    return ibu


@transaction.atomic
def ibu_update(*, ibu: Ibu, **fields) -> Ibu:
    if "umur_tercatat" in fields and fields["umur_tercatat"] != ibu.umur_tercatat:
        ibu.umur_dicatat_pada = timezone.localdate() if fields["umur_tercatat"] is not None else None
    _apply(ibu, fields)
    _periksa(ibu, ["puskesmas"])
    ibu.save()
    return ibu


def _tambah_risiko_otomatis(kehamilan: Kehamilan) -> None:
    """Tick the factors the record itself shows (age, number of children); the bidan ticks the rest."""
    otomatis = kehamilan.faktor_risiko_otomatis()
    kehamilan.faktor_risiko = sorted(set(kehamilan.faktor_risiko or []) | otomatis)


@transaction.atomic
def kehamilan_create(*, ibu: Ibu, dicatat_oleh: User | None, **fields) -> Kehamilan:
    kehamilan = Kehamilan(ibu=ibu, dicatat_oleh=dicatat_oleh, **fields)
    _tambah_risiko_otomatis(kehamilan)
    _periksa(kehamilan, TURUNAN)
    kehamilan.save()
    return kehamilan


@transaction.atomic
def kehamilan_update(*, kehamilan: Kehamilan, **fields) -> Kehamilan:
    if "hpht" in fields and fields["hpht"] != kehamilan.hpht and "hpl" not in fields:
        fields["hpl"] = None  # recomputed from the new HPHT on save
    _apply(kehamilan, fields)
    _tambah_risiko_otomatis(kehamilan)
    _periksa(kehamilan, TURUNAN)
    kehamilan.save()
    return kehamilan


# --- Referral --------------------------------------------------------------------------------


def _pastikan_rujukan_terbuka(rujukan: Rujukan, puskesmas) -> None:
    """The month lock (laporan.kunci): a referral counts in the local month of its referral time."""
    zona = puskesmas.zona
    pastikan_terbuka(
        puskesmas.pk, tanggal_lokal(rujukan.waktu_rujuk, zona),
        tersimpan=Tersimpan.dari(rujukan, tanggal="waktu_rujuk", zona=zona),
    )


@_ringkasan
@transaction.atomic
def rujukan_create(*, ibu: Ibu, dicatat_oleh: User | None, **fields) -> Rujukan:
    """A new referral always starts as `dirujuk`; it moves on only through `rujukan_ubah_status`."""
    fields = {k: v for k, v in fields.items() if k not in ("status", "waktu_diterima", "waktu_ditangani",
                                                             "waktu_batal", "alasan_penolakan")}
    rujukan = Rujukan(ibu=ibu, dicatat_oleh=dicatat_oleh, status=StatusRujukan.DIRUJUK, **fields)
    _pastikan_rujukan_terbuka(rujukan, ibu.puskesmas)
    _periksa(rujukan, TURUNAN)
    rujukan.save()
    return rujukan


@_ringkasan
@transaction.atomic
def rujukan_update(*, rujukan: Rujukan, versi: int | None = None, **fields) -> Rujukan:
    """Correct the details of a referral; its status has its own path.

    `versi`: the version the edit form was loaded with; a referral saved meanwhile raises VersiBerubah.
    """
    periksa_versi(rujukan, versi)
    terlarang = {"status", "waktu_diterima", "waktu_ditangani", "waktu_batal", "alasan_penolakan", "ibu"} & set(fields)
    if terlarang:
        raise ValueError(f"rujukan_update cannot change {sorted(terlarang)}")
    _apply(rujukan, fields)
    _pastikan_rujukan_terbuka(rujukan, rujukan.puskesmas)
    _periksa(rujukan, TURUNAN)
    rujukan.save()
    return rujukan


@_ringkasan
@transaction.atomic
def rujukan_ubah_status(
    *, rujukan: Rujukan, status: str, waktu: dt.datetime, alasan_penolakan: str = "", keterangan: str = ""
) -> Rujukan:
    """Move a referral one step forward and keep the time of the step.

    dirujuk → diterima → ditangani; or dirujuk → ditolak keluarga / tidak sampai. Never backwards:
    the row is locked first, so two phones pressing "sampai" at once cannot both move it.
    """
    puskesmas = rujukan.puskesmas
    rujukan = Rujukan.objects.select_for_update().get(pk=rujukan.pk)
    # Read under the row lock: the stored referral time, so no second look at the old row is needed.
    pastikan_terbuka(puskesmas.pk, tanggal_lokal(rujukan.waktu_rujuk, puskesmas.zona))
    if status not in LANGKAH_RUJUKAN[rujukan.status]:
        raise ValidationError({"status": _("Status rujukan tidak bisa berubah dari %(dari)s ke %(ke)s.") % {
            "dari": rujukan.get_status_display(), "ke": StatusRujukan(status).label if status in StatusRujukan.values
            else status}})
    rujukan.status = status
    if status == StatusRujukan.DITERIMA:
        rujukan.waktu_diterima = waktu
    elif status == StatusRujukan.DITANGANI:
        rujukan.waktu_ditangani = waktu
    else:
        rujukan.waktu_batal = waktu
        rujukan.alasan_penolakan = alasan_penolakan if status == StatusRujukan.DITOLAK_KELUARGA else ""
    if keterangan:
        rujukan.keterangan_status = keterangan
    _periksa(rujukan, TURUNAN)
    rujukan.save()
    return rujukan


# --- Delivery and babies ----------------------------------------------------------------------


class PersalinanTidakValid(ValidationError):
    """Errors of a delivery and of its babies at once, so a form can show every one of them.

    `persalinan` holds the delivery's field errors; `bayi` maps the baby's index in the list given
    to its field errors.
    """

    def __init__(self, persalinan: dict | None = None, bayi: dict[int, dict] | None = None):
        self.persalinan = persalinan or {}
        self.bayi = bayi or {}
        messages = dict(self.persalinan)
        for i, errors in self.bayi.items():
            for name, msgs in errors.items():
                messages[f"bayi_{i + 1}_{name}"] = msgs
        super().__init__(messages or {"__all__": [_("Data persalinan tidak valid.")]})


def kemitraan_untuk(*, bidan_id, dukun_id, tanggal: dt.date) -> Kemitraan | None:
    """The partnership of this bidan and dukun in force on that day, if any."""
    if not (bidan_id and dukun_id and tanggal):
        return None
    return (
        Kemitraan.objects.filter(bidan_id=bidan_id, dukun_id=dukun_id, tanggal_mulai__lte=tanggal)
        .filter(Q(status=StatusKemitraan.AKTIF) | Q(tanggal_berakhir__gte=tanggal))
        .order_by("-tanggal_mulai")
        .first()
    )


def _pastikan_persalinan_terbuka(persalinan: Persalinan, *tanggal: dt.date | None) -> None:
    """The month lock (laporan.kunci), as an error of the whole delivery form."""
    puskesmas_id = persalinan.puskesmas_id or (persalinan.ibu.puskesmas_id if persalinan.ibu_id else None)
    try:
        pastikan_terbuka(puskesmas_id, *tanggal)
    except ValidationError as exc:
        raise PersalinanTidakValid({"__all__": exc.error_list}) from None


def _siapkan_bayi(persalinan: Persalinan, bayi: Sequence[Mapping], errors: dict[int, dict]) -> list[Bayi]:
    existing = {b.pk: b for b in persalinan.bayi.all()} if persalinan.pk else {}
    objs, urutan_dipakai = [], set()
    for i, data in enumerate(bayi):
        data = dict(data)
        pk = data.pop("id", None)
        obj = existing.get(getattr(pk, "pk", pk)) if pk else None
        if pk and obj is None:
            errors[i] = {"__all__": [_("Data bayi ini bukan bagian dari persalinan ini.")]}
            continue
        if obj is None:
            obj = Bayi(persalinan=persalinan, dicatat_oleh=persalinan.dicatat_oleh)
        data.setdefault("urutan", obj.urutan if obj.pk else i + 1)
        _apply(obj, data)
        if KN_TANGGAL & set(data):
            obj.kn_dari_tanggal()
        try:
            _periksa(obj, [*TURUNAN, "persalinan"], validate_unique=False)
        except ValidationError as e:
            errors[i] = e.message_dict
        if obj.urutan in urutan_dipakai:
            errors.setdefault(i, {})["urutan"] = [_("Urutan bayi ini dipakai dua kali.")]
        urutan_dipakai.add(obj.urutan)
        objs.append(obj)
    return objs


def _simpan_persalinan(persalinan: Persalinan, bayi: Sequence[Mapping], hapus_bayi: Iterable[int]) -> Persalinan:
    errors: dict = {}
    bayi_errors: dict[int, dict] = {}
    if persalinan.kemitraan_id is None:
        persalinan.kemitraan = kemitraan_untuk(
            bidan_id=persalinan.bidan_id, dukun_id=persalinan.dukun_id, tanggal=persalinan.tanggal
        )
    try:
        _periksa(persalinan, TURUNAN)
    except ValidationError as e:
        errors = e.message_dict
    hapus = set(hapus_bayi)
    objs = _siapkan_bayi(persalinan, bayi, bayi_errors)
    dikirim = [b.pk for b in objs if b.pk]
    if hapus & set(dikirim):
        errors.setdefault("__all__", []).append(_("Bayi yang sama tidak bisa diubah dan dihapus sekaligus."))
    if hapus and KajianKasus.objects.filter(bayi__in=hapus, bayi__persalinan=persalinan.pk).exists():
        errors.setdefault("__all__", []).append(_("Bayi yang punya kajian kasus tidak dapat dihapus."))
    # Babies the caller did not resend are checked again: a corrected delivery date moves their windows.
    lain = list(persalinan.bayi.exclude(pk__in=[*dikirim, *hapus])) if persalinan.pk else []
    for b in lain:
        b.persalinan = persalinan
        try:
            _periksa(b, [*TURUNAN, "persalinan"], validate_unique=False)
        except ValidationError as e:
            errors.setdefault("tanggal", []).extend(
                _("Bayi ke-%(n)s: %(pesan)s") % {"n": b.urutan, "pesan": m}
                for ms in e.message_dict.values() for m in ms
            )
    if not objs and not lain:
        errors.setdefault("__all__", []).append(_("Catat sedikitnya satu bayi."))
    if errors or bayi_errors:
        raise PersalinanTidakValid(errors, bayi_errors)
    persalinan.save()
    if hapus:
        for b in persalinan.bayi.filter(pk__in=hapus):
            b.delete()  # one by one, so the history keeps each deleted baby
    for obj in objs:
        obj.persalinan = persalinan
        obj.save()
    for b in lain:
        if b.tanggal_meninggal:
            b.save()  # a corrected delivery date changes the stored age at death
    naikkan_kajian(Persalinan.objects.filter(pk=persalinan.pk))
    return persalinan


@_ringkasan
@transaction.atomic
def persalinan_create(*, ibu: Ibu, dicatat_oleh: User | None, bayi: Sequence[Mapping], **fields) -> Persalinan:
    """Record a delivery with its babies (one dict of fields per baby), and raise its alerts."""
    persalinan = Persalinan(ibu=ibu, dicatat_oleh=dicatat_oleh, **fields)
    _pastikan_persalinan_terbuka(persalinan, persalinan.tanggal)
    return _simpan_persalinan(persalinan, bayi, ())


@_ringkasan
@transaction.atomic
def persalinan_update(
    *, persalinan: Persalinan, bayi: Sequence[Mapping] = (), hapus_bayi: Iterable[int] = (), versi: int | None = None,
    **fields,
) -> Persalinan:
    """Change a delivery; `bayi` dicts with an `id` change that baby, without one add a baby.

    `versi`: the version the edit form was loaded with; a delivery (or one of its babies) saved meanwhile
    raises VersiBerubah and nothing is written.
    """
    if "ibu" in fields and fields["ibu"].pk != persalinan.ibu_id:
        raise ValueError("a delivery does not move to another mother")
    # Two people saving the same delivery are served one after the other (and its alerts raised once).
    # The stored row also tells the month the delivery is in now (a bound form already changed `persalinan`).
    tersimpan = Persalinan.objects.select_for_update().filter(pk=persalinan.pk).first()
    if versi is not None and tersimpan is not None and tersimpan.versi != versi:
        raise VersiBerubah(persalinan, versi_dimuat=versi, versi_tersimpan=tersimpan.versi)
    _apply(persalinan, fields)
    _pastikan_persalinan_terbuka(persalinan, persalinan.tanggal, tersimpan.tanggal if tersimpan else None)
    if {"bidan", "dukun", "tanggal"} & set(fields) and "kemitraan" not in fields:
        persalinan.kemitraan = None  # looked up again for the corrected bidan, dukun or date
    return _simpan_persalinan(persalinan, bayi, hapus_bayi)


@_ringkasan
@transaction.atomic
def bayi_update(*, bayi: Bayi, versi: int | None = None, **fields) -> Bayi:
    """Add the neonatal visits or a death to one baby; a death raises its alert.

    A baby is edited on its delivery's form too: `versi` is the delivery's version the baby form was loaded
    with, and each change of a baby counts as a new version of its delivery.
    """
    persalinan = Persalinan.objects.select_for_update().filter(pk=bayi.persalinan_id).first()
    if persalinan is not None:
        if versi is not None and persalinan.versi != versi:
            raise VersiBerubah(persalinan, versi_dimuat=versi, versi_tersimpan=persalinan.versi)
        pastikan_terbuka(persalinan.puskesmas_id, persalinan.tanggal)
    _apply(bayi, fields)
    if KN_TANGGAL & set(fields):
        bayi.kn_dari_tanggal()
    _periksa(bayi, [*TURUNAN, "persalinan"])
    bayi.save()
    naikkan_versi(Persalinan, [bayi.persalinan_id])
    naikkan_kajian(Persalinan.objects.filter(pk=bayi.persalinan_id))
    return bayi


# --- Alerts -------------------------------------------------------------------------------------


@dataclass
class _Kejadian:
    jenis: str
    persalinan: Persalinan
    bayi: Bayi | None = None
    kunci: str = field(init=False)

    def __post_init__(self):
        self.kunci = f"{self.jenis}:{self.persalinan.pk}" + (f":{self.bayi.pk}" if self.bayi else "")


def naikkan_kajian(persalinan: Iterable[Persalinan]) -> list[KajianKasus]:
    """Raise the alerts these deliveries call for, each exactly once, and notify the Puskesmas.

    A delivery by a dukun alone, a maternal death and each neonatal death open a case review for
    the bidan koordinator and the Kepala Puskesmas. Keyed in the database (`kunci` is unique), so
    saving a delivery again, or importing the same register twice, raises nothing new. Works on a
    queryset so the import raises the alerts of 100,000 rows in a few queries.
    """
    ids = persalinan.values("pk") if hasattr(persalinan, "values") else [p.pk for p in persalinan]
    kejadian: list[_Kejadian] = []
    for p in Persalinan.objects.filter(pk__in=ids).filter(
        Q(penolong=Penolong.DUKUN) | Q(status_ibu=StatusIbu.MENINGGAL)
    ).select_related("ibu", "kelurahan"):
        if p.penolong == Penolong.DUKUN:
            kejadian.append(_Kejadian(JenisKajian.DUKUN_SENDIRI, p))
        if p.status_ibu == StatusIbu.MENINGGAL:
            kejadian.append(_Kejadian(JenisKajian.KEMATIAN_IBU, p))
    for b in Bayi.objects.filter(
        persalinan__in=ids, status_lahir=StatusLahir.LAHIR_HIDUP, umur_meninggal_hari__lte=NEONATAL_HARI
    ).select_related("persalinan__ibu", "persalinan__kelurahan"):
        kejadian.append(_Kejadian(JenisKajian.KEMATIAN_NEONATAL, b.persalinan, b))
    if not kejadian:
        return []
    sudah = set(KajianKasus.objects.filter(kunci__in=[k.kunci for k in kejadian]).values_list("kunci", flat=True))
    baru = [
        KajianKasus(
            jenis=k.jenis, kunci=k.kunci, persalinan=k.persalinan, bayi=k.bayi,
            kelurahan_id=k.persalinan.kelurahan_id, puskesmas_id=k.persalinan.puskesmas_id,
        )
        for k in kejadian if k.kunci not in sudah
    ]
    # In bulk, each with its history entry: an imported register raises thousands at once.
    baru = bulk_create_with_history(baru, KajianKasus, batch_size=500)
    _beri_tahu(baru)
    return baru


def _beri_tahu(kajian: list[KajianKasus]) -> None:
    if not kajian:
        return
    penerima = pengelola_puskesmas({k.puskesmas_id for k in kajian})
    rows = []
    with translation.override(settings.LANGUAGE_CODE):
        for k in kajian:
            judul = _("Perlu kajian kasus: %(jenis)s") % {"jenis": k.get_jenis_display()}
            pesan = _("%(jenis)s — %(ibu)s, %(kelurahan)s, persalinan %(tanggal)s. Tuliskan apa yang terjadi dan "
                      "apa yang akan diubah, lalu tutup kajiannya.") % {
                "jenis": k.get_jenis_display(), "ibu": k.persalinan.ibu, "kelurahan": k.persalinan.kelurahan,
                "tanggal": date_format(k.persalinan.tanggal, "j F Y"),
            }
            for uid in penerima[k.puskesmas_id]:
                rows.append(Notifikasi(
                    penerima_id=uid, kunci=f"kajian:{k.pk}", judul=judul[:200], pesan=pesan,
                    tautan=tautan_atau("kia:kajian_detail", k.pk, reverse("home")),
                ))
    simpan_notifikasi(rows)


@transaction.atomic
def kajian_simpan(*, kajian: KajianKasus, kronologi: str, rencana_perbaikan: str, tutup: bool,
                  oleh: User) -> KajianKasus:
    """Write the case review; closing it needs both what happened and what will change."""
    kajian = KajianKasus.objects.select_for_update().get(pk=kajian.pk)
    if kajian.status == StatusKajian.DITUTUP:
        raise ValidationError(_("Kajian ini sudah ditutup."))
    kajian.kronologi = kronologi
    kajian.rencana_perbaikan = rencana_perbaikan
    if tutup:
        kajian.status = StatusKajian.DITUTUP
        kajian.ditutup_oleh = oleh
        kajian.ditutup_pada = timezone.now()
    kajian.full_clean()
    kajian.save()
    return kajian


# --- Targets ------------------------------------------------------------------------------------


@transaction.atomic
def sasaran_simpan(*, tahun: int, kelurahan: Kelurahan, ibu_hamil: int, ibu_bersalin: int,
                   bayi_baru_lahir: int) -> tuple[Sasaran, bool]:
    """Set one kelurahan's target for a year; returns (target, changed). Unchanged figures write nothing."""
    sasaran = Sasaran.objects.filter(tahun=tahun, kelurahan=kelurahan).first() or Sasaran(
        tahun=tahun, kelurahan=kelurahan
    )
    baru = {"ibu_hamil": ibu_hamil, "ibu_bersalin": ibu_bersalin, "bayi_baru_lahir": bayi_baru_lahir}
    if sasaran.pk and all(getattr(sasaran, k) == v for k, v in baru.items()):
        return sasaran, False
    _apply(sasaran, baru)
    sasaran.full_clean(exclude=["puskesmas"])
    sasaran.save()
    return sasaran, True
