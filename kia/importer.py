"""Importing delivery registers and yearly targets from CSV/XLSX: all or nothing, idempotent.

Delivery register (`import_persalinan`): one row per baby. The delivery's `id_eksternal` is the
text before the last `/` of the row's `id_eksternal` (`D123/1` and `D123/2` are twins of delivery
`D123`); a value without `/` is a single-baby delivery and delivery and baby share it. Each baby
keeps the whole value. Twins must agree on every delivery column.

Every row is checked first, with the same rules the forms use (the models' field validators and
`clean()`), without a query per row: the lookups are one query per table (in chunks). Then, in one
transaction, the writes: bulk inserts with their "+" history entries (PostgreSQL COPY), bulk updates
with their "~" entries, and the alerts through `services.naikkan_kajian`. Any error means nothing
is written. Rows already imported are matched on `id_eksternal`: unchanged rows write nothing,
changed ones update the delivery or baby. Bulk writes skip `save()`, so what `Bayi.save()` derives
(KN flags, age at death) is derived by the same `Bayi.isi_turunan()` that save() calls.

Mothers: a new delivery joins the mother with the same NIK in the same kelurahan, or creates her
(age from `umur_ibu` on the delivery date). The import never changes a mother already recorded:
her record belongs to her bidan, so `nama_ibu`, `nik_ibu` and `umur_ibu` of a delivery imported
before are not compared again.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import io
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from kia import services
from kia.models import (
    BERAT_MAX,
    BERAT_MIN,
    UMUR_IBU_MAX,
    UMUR_IBU_MIN,
    Bayi,
    Ibu,
    JenisKelamin,
    Penolong,
    Persalinan,
    SebabKematianBayi,
    SebabKematianIbu,
    StatusIbu,
    StatusLahir,
    TempatPersalinan,
    validate_nik,
)
from laporan.kunci import bulan_terkunci_pasangan, pesan_terkunci
from puskesmas import access
from puskesmas.importer import BerkasTidakValid, RowError, read_table
from puskesmas.models import Kelurahan
from puskesmas.versi import naikkan_versi
from ringkasan import services as ringkasan

PERSALINAN_KOLOM = [
    "id_eksternal", "kode_kelurahan", "nama_ibu", "nik_ibu", "umur_ibu", "tanggal_persalinan", "tempat", "penolong",
    "status_ibu", "status_bayi", "berat_lahir_gram", "tanggal_meninggal_bayi", "kn_lengkap",
]
PERSALINAN_OPSIONAL = [
    "jenis_kelamin", "kn1", "tanggal_meninggal_ibu", "sebab_kematian_ibu", "keterangan_kematian_ibu",
    "sebab_kematian_bayi", "keterangan_kematian_bayi",
]
# Columns of the delivery: twins of one delivery must agree on them.
KOLOM_PERSALINAN = [
    "kode_kelurahan", "nama_ibu", "nik_ibu", "umur_ibu", "tanggal_persalinan", "tempat", "penolong", "status_ibu",
    "tanggal_meninggal_ibu", "sebab_kematian_ibu", "keterangan_kematian_ibu",
]
SASARAN_KOLOM = ["tahun", "kode_kelurahan", "sasaran_ibu_hamil", "sasaran_ibu_bersalin", "sasaran_bayi_baru_lahir"]

# Rows whose id_eksternal starts with this are comments (the template's notes on allowed values).
KOMENTAR = "#"
# The template's example rows carry this prefix; importing them by mistake is an error, not data.
CONTOH = "CONTOH-"
BATCH = 2000  # rows per bulk insert/update and per `IN (...)` lookup
ID_MAKS = 60
TAHUN_MIN, TAHUN_MAX = 2000, 2100

# The fields the import writes; the checks of the other fields (relations, defaults) are skipped,
# and the relations are checked against the batch lookups instead of one query each.
IBU_FIELDS = ["nama", "nik", "umur_tercatat"]
PERSALINAN_FIELDS = [
    "tanggal", "tempat", "penolong", "status_ibu", "tanggal_meninggal_ibu", "sebab_kematian_ibu",
    "keterangan_kematian_ibu",
]
BAYI_FIELDS = [
    "status_lahir", "berat_lahir_gram", "tanggal_meninggal", "kn1_diterima", "kn_lengkap", "umur_meninggal_hari",
    "jenis_kelamin", "sebab_kematian", "keterangan_kematian",
]
# Derived fields (set as Bayi.save() would) are not checked as input.
BAYI_PERIKSA = [f for f in BAYI_FIELDS if f not in ("kn1_diterima", "kn_lengkap", "umur_meninggal_hari")]
# Model field → file column, for the messages of the model's own rules.
KOLOM_FIELD = {
    "nama": "nama_ibu", "nik": "nik_ibu", "umur_tercatat": "umur_ibu", "tanggal_lahir": "umur_ibu",
    "tanggal": "tanggal_persalinan", "tempat": "tempat", "penolong": "penolong", "status_ibu": "status_ibu",
    "tanggal_meninggal_ibu": "tanggal_meninggal_ibu", "sebab_kematian_ibu": "sebab_kematian_ibu",
    "keterangan_kematian_ibu": "keterangan_kematian_ibu", "status_lahir": "status_bayi",
    "berat_lahir_gram": "berat_lahir_gram", "tanggal_meninggal": "tanggal_meninggal_bayi",
    "kn1": "kn_lengkap", "kn2": "kn_lengkap", "kn3": "kn_lengkap", "kn_lengkap": "kn_lengkap",
    "jenis_kelamin": "jenis_kelamin", "sebab_kematian": "sebab_kematian_bayi",
    "keterangan_kematian": "keterangan_kematian_bayi",
}

# The allowed values of each choice column (computed once: Choices.values builds a new list each time).
PILIHAN = {
    "tempat": TempatPersalinan.values, "penolong": Penolong.values, "status_ibu": StatusIbu.values,
    "status_bayi": StatusLahir.values, "jenis_kelamin": JenisKelamin.values,
    "sebab_kematian_ibu": SebabKematianIbu.values, "sebab_kematian_bayi": SebabKematianBayi.values,
}

_TANGGAL = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[ T]00:00(?::00)?)?")  # XLSX date cells read as "2024-03-05 00:00:00"
_BULAT = re.compile(r"-?\d+(?:\.0+)?")  # XLSX numbers may read as "25.0"


def _potong(items: Sequence, n: int = BATCH) -> Iterator[Sequence]:
    for i in range(0, len(items), n):
        yield items[i:i + n]


def _kecuali(model: type[Model], fields: list[str]) -> list[str]:
    """The fields `clean_fields()` skips: all but those the import writes."""
    return [f.name for f in model._meta.fields if f.name not in fields]


# --- Reading --------------------------------------------------------------------------------------


def _judul(data: bytes, filename: str) -> set[str]:
    """The header cells of the file (empty when it cannot be read: `read_table` then says why)."""
    name = filename.lower()
    try:
        if name.endswith(".csv"):
            first = data[:65536].decode("utf-8-sig", errors="ignore").splitlines()
            if not first:
                return set()
            try:
                dialect = csv.Sniffer().sniff(first[0], delimiters=",;\t")
            except csv.Error:
                dialect = csv.excel
            cells = next(csv.reader([first[0]], dialect), [])
        elif name.endswith(".xlsx"):
            from openpyxl import load_workbook

            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                cells = next(workbook.worksheets[0].iter_rows(max_row=1, values_only=True), ())
            finally:
                workbook.close()
        else:
            return set()
    except Exception:  # a damaged file: read_table gives the message
        return set()
    return {str(c or "").strip().lower() for c in cells}


def petunjuk_kolom() -> list[tuple[str, bool, str]]:
    """(column, required, what it holds) for the upload page and the template's «Petunjuk» sheet."""
    def daftar(kolom: str) -> str:
        return " | ".join(PILIHAN[kolom])

    return [
        ("id_eksternal", True, _("ID bayi dalam register, paling panjang 60 karakter. Bayi kembar: ID persalinan, "
                                 "garis miring, nomor bayi (D123/1, D123/2); bagian sebelum «/» terakhir menjadi ID "
                                 "persalinan. Tanpa «/»: persalinan satu bayi.")),
        ("kode_kelurahan", True, _("Kode Kemendagri kelurahan/desa tempat tinggal ibu, misalnya 15.71.01.1010.")),
        ("nama_ibu", True, _("Nama ibu.")),
        ("nik_ibu", True, _("16 digit; boleh kosong. Ibu dengan NIK yang sama di kelurahan yang sama dianggap "
                            "orang yang sama.")),
        ("umur_ibu", True, _("Umur ibu saat bersalin, %(min)s–%(max)s tahun.") % {
            "min": UMUR_IBU_MIN, "max": UMUR_IBU_MAX}),
        ("tanggal_persalinan", True, _("TTTT-BB-HH, tidak di masa depan.")),
        ("tempat", True, daftar("tempat")),
        ("penolong", True, daftar("penolong") + " " + _(
            "(bidan_dukun: bidan didampingi dukun; dukun: dukun sendiri). Di fasilitas kesehatan penolongnya "
            "dokter atau bidan.")),
        ("status_ibu", True, daftar("status_ibu")),
        ("status_bayi", True, daftar("status_bayi")),
        ("berat_lahir_gram", True, _("%(min)s–%(max)s gram; boleh kosong bila tidak ditimbang.") % {
            "min": BERAT_MIN, "max": BERAT_MAX}),
        ("tanggal_meninggal_bayi", True, _("TTTT-BB-HH bila bayi lahir hidup lalu meninggal, tidak sebelum tanggal "
                                           "persalinan; kosong bila tidak. Bayi lahir mati: kosong.")),
        ("kn_lengkap", True, _("1 bila bayi mendapat KN1, KN2 dan KN3; 0 bila tidak. Bayi lahir mati: 0.")),
        ("jenis_kelamin", False, daftar("jenis_kelamin") + " " + _("(l: laki-laki, p: perempuan)")),
        ("kn1", False, _("1 bila bayi mendapat KN1 (6–48 jam), 0 bila tidak. Tanpa kolom ini KN1 dianggap "
                         "diterima bila kn_lengkap 1.")),
        ("tanggal_meninggal_ibu", False, _("TTTT-BB-HH bila status_ibu meninggal. Tanpa kolom ini dipakai tanggal "
                                           "persalinan.")),
        ("sebab_kematian_ibu", False, daftar("sebab_kematian_ibu")),
        ("keterangan_kematian_ibu", False, _("Wajib bila sebab_kematian_ibu lainnya.")),
        ("sebab_kematian_bayi", False, daftar("sebab_kematian_bayi")),
        ("keterangan_kematian_bayi", False, _("Wajib bila sebab_kematian_bayi lainnya.")),
    ]


def baca_persalinan(fileobj: IO[bytes], filename: str) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    """The rows of a delivery register and the optional columns it has; comment rows (`#…`) are left out."""
    data = fileobj.read()
    opsional = [c for c in PERSALINAN_OPSIONAL if c in _judul(data, filename)]
    table = read_table(io.BytesIO(data), filename, PERSALINAN_KOLOM + opsional)
    table = [(n, row) for n, row in table if not row["id_eksternal"].startswith(KOMENTAR)]
    if not table:
        raise BerkasTidakValid(_("Berkas tidak berisi baris data."))
    return table, opsional


def baca_sasaran(fileobj: IO[bytes], filename: str) -> list[tuple[int, dict[str, str]]]:
    return read_table(fileobj, filename, SASARAN_KOLOM)


# --- Cells ----------------------------------------------------------------------------------------


class _Sel:
    """Parses the cells of one row; each bad cell adds a RowError and is remembered in `salah`."""

    def __init__(self, nomor: int, row: dict[str, str], errors: list[RowError]):
        self.nomor, self.row, self.errors = nomor, row, errors
        self.salah: set[str] = set()

    def galat(self, kolom: str, message: str) -> None:
        self.errors.append(RowError(self.nomor, kolom, message))
        self.salah.add(kolom)

    def teks(self, kolom: str, *, wajib: bool = False, maks: int = 255) -> str:
        value = " ".join(self.row.get(kolom, "").replace("\x00", "").split())
        if wajib and not value:
            self.galat(kolom, _("wajib diisi."))
        elif len(value) > maks:
            self.galat(kolom, _("paling panjang %(n)s karakter.") % {"n": maks})
        return value

    def tanggal(self, kolom: str, *, wajib: bool = False) -> dt.date | None:
        value = self.row.get(kolom, "")
        if not value:
            if wajib:
                self.galat(kolom, _("wajib diisi."))
            return None
        m = _TANGGAL.fullmatch(value)
        if m:
            try:
                return dt.date.fromisoformat(m.group(1))
            except ValueError:
                pass  # 2024-02-30
        self.galat(kolom, _("tanggal harus berformat TTTT-BB-HH dan ada di kalender, misalnya 2024-03-05."))
        return None

    def angka(self, kolom: str, *, wajib: bool = False, minimum: int | None = None, maksimum: int | None = None,
              pesan_rentang=None) -> int | None:
        """A whole number; `pesan_rentang()` gives the message when it lies outside minimum–maksimum."""
        value = self.row.get(kolom, "")
        if not value:
            if wajib:
                self.galat(kolom, _("wajib diisi."))
            return None
        if not _BULAT.fullmatch(value):
            self.galat(kolom, _("harus bilangan bulat tanpa titik atau koma."))
            return None
        number = int(value.split(".")[0])
        if (minimum is not None and number < minimum) or (maksimum is not None and number > maksimum):
            self.galat(kolom, pesan_rentang())
            return None
        return number

    def pilihan(self, kolom: str, choices: Sequence[str], *, wajib: bool = False) -> str:
        value = self.row.get(kolom, "").lower()
        if not value:
            if wajib:
                self.galat(kolom, _("wajib diisi; isi salah satu: %(pilihan)s.") % {"pilihan": ", ".join(choices)})
            return ""
        if value not in choices:
            self.galat(kolom, _("pilihan tidak dikenal; isi salah satu: %(pilihan)s.") % {
                "pilihan": ", ".join(choices)})
            return ""
        return value

    def bendera(self, kolom: str, *, wajib: bool = False) -> bool | None:
        value = self.row.get(kolom, "").lower()
        if not value:
            if wajib:
                self.galat(kolom, _("wajib diisi: 1 atau 0."))
            return None
        if value in ("1", "1.0", "true"):
            return True
        if value in ("0", "0.0", "false"):
            return False
        self.galat(kolom, _("isi 1 (ya) atau 0 (tidak)."))
        return None

    def nik(self, kolom: str) -> str:
        """The NIK, never repeated in a message; Excel may turn it into a number or prefix an apostrophe."""
        value = self.row.get(kolom, "").replace(" ", "").lstrip("'")
        if value.endswith(".0"):
            value = value[:-2]
        if not value:
            return ""
        try:
            validate_nik(value)
        except ValidationError:
            self.galat(kolom, _("NIK ibu tidak valid: harus 16 digit angka dengan kode wilayah, tanggal lahir "
                                "dan nomor urut yang benar."))
            return ""
        return value


# --- Delivery register ----------------------------------------------------------------------------


class _Cetakan:
    """Builds new, unsaved instances of a model fast: positional values, as Django's `from_db()` does.

    `Model(**kwargs)` resolves every keyword and default again for each of 100,000 rows; here the
    defaults are worked out once (callable ones, such as `timezone.now` or `list`, still per instance).
    Values are given by attname (`kelurahan_id`); relations are then set on the instance.
    """

    def __init__(self, model: type[Model]):
        self.model = model
        fields = model._meta.concrete_fields
        self.posisi = {f.attname: i for i, f in enumerate(fields)}
        self.dasar = [None if f.has_default() and callable(f.default) else f.get_default() for f in fields]
        self.segar = [(i, f.default) for i, f in enumerate(fields) if f.has_default() and callable(f.default)]

    def buat(self, **values) -> Model:
        row = self.dasar.copy()
        for i, default in self.segar:
            row[i] = default()
        for name, value in values.items():
            row[self.posisi[name]] = value
        return self.model(*row)


@dataclass
class HasilImpor:
    errors: list[RowError] = field(default_factory=list)
    baris: int = 0
    periksa_saja: bool = False
    persalinan_baru: int = 0
    persalinan_diubah: int = 0
    persalinan_sama: int = 0
    bayi_baru: int = 0
    bayi_diubah: int = 0
    bayi_sama: int = 0
    ibu_baru: int = 0
    kajian_baru: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def berubah(self) -> bool:
        return bool(self.persalinan_baru or self.persalinan_diubah or self.bayi_baru or self.bayi_diubah)

    def ringkasan(self) -> str:
        teks = _(
            "%(baris)s baris: persalinan %(pb)s baru, %(pu)s diubah, %(ps)s sama; bayi %(bb)s baru, %(bu)s diubah, "
            "%(bs)s sama; %(ib)s ibu baru"
        ) % {
            "baris": self.baris, "pb": self.persalinan_baru, "pu": self.persalinan_diubah,
            "ps": self.persalinan_sama, "bb": self.bayi_baru, "bu": self.bayi_diubah, "bs": self.bayi_sama,
            "ib": self.ibu_baru,
        }
        if self.periksa_saja:
            return _("%(ringkasan)s (hanya diperiksa, belum disimpan).") % {"ringkasan": teks}
        return _("%(ringkasan)s; %(k)s kajian kasus baru.") % {"ringkasan": teks, "k": self.kajian_baru}


@dataclass
class _Baris:
    nomor: int
    id_bayi: str
    id_persalinan: str
    nilai: dict  # column → parsed value
    salah: set[str]  # columns with an error


def _pesan_umur() -> str:
    return _("umur ibu harus %(min)s–%(max)s tahun.") % {"min": UMUR_IBU_MIN, "max": UMUR_IBU_MAX}


def _pesan_berat() -> str:
    return _("berat lahir harus %(min)s–%(max)s gram.") % {"min": BERAT_MIN, "max": BERAT_MAX}


def _urai_baris(nomor: int, row: dict[str, str], opsional: list[str], errors: list[RowError]) -> _Baris:
    sel = _Sel(nomor, row, errors)
    id_bayi = sel.teks("id_eksternal", wajib=True, maks=ID_MAKS)
    id_persalinan = id_bayi.rpartition("/")[0] if "/" in id_bayi else id_bayi
    if id_bayi.upper().startswith(CONTOH):
        sel.galat("id_eksternal", _("ini baris contoh dari templat: hapus sebelum mengimpor."))
    if id_bayi and "/" in id_bayi and "id_eksternal" not in sel.salah:
        if not id_persalinan.strip():
            sel.galat("id_eksternal", _("bagian sebelum «/» (ID persalinan) tidak boleh kosong."))
        elif not id_bayi.rpartition("/")[2].strip():
            sel.galat("id_eksternal", _("bagian sesudah «/» (nomor bayi) tidak boleh kosong."))
    nilai = {
        "kode_kelurahan": sel.teks("kode_kelurahan", wajib=True, maks=13),
        "nama_ibu": sel.teks("nama_ibu", wajib=True, maks=150),
        "nik_ibu": sel.nik("nik_ibu"),
        "umur_ibu": sel.angka("umur_ibu", wajib=True, minimum=UMUR_IBU_MIN, maksimum=UMUR_IBU_MAX,
                              pesan_rentang=_pesan_umur),
        "tanggal_persalinan": sel.tanggal("tanggal_persalinan", wajib=True),
        "tempat": sel.pilihan("tempat", PILIHAN["tempat"], wajib=True),
        "penolong": sel.pilihan("penolong", PILIHAN["penolong"], wajib=True),
        "status_ibu": sel.pilihan("status_ibu", PILIHAN["status_ibu"], wajib=True),
        "status_bayi": sel.pilihan("status_bayi", PILIHAN["status_bayi"], wajib=True),
        "berat_lahir_gram": sel.angka("berat_lahir_gram", minimum=BERAT_MIN, maksimum=BERAT_MAX,
                                      pesan_rentang=_pesan_berat),
        "tanggal_meninggal_bayi": sel.tanggal("tanggal_meninggal_bayi"),
        "kn_lengkap": sel.bendera("kn_lengkap", wajib=True),
    }
    if "jenis_kelamin" in opsional:
        nilai["jenis_kelamin"] = sel.pilihan("jenis_kelamin", PILIHAN["jenis_kelamin"])
    if "kn1" in opsional:
        nilai["kn1"] = sel.bendera("kn1")
    if "tanggal_meninggal_ibu" in opsional:
        nilai["tanggal_meninggal_ibu"] = sel.tanggal("tanggal_meninggal_ibu")
    if "sebab_kematian_ibu" in opsional:
        nilai["sebab_kematian_ibu"] = sel.pilihan("sebab_kematian_ibu", PILIHAN["sebab_kematian_ibu"])
    if "keterangan_kematian_ibu" in opsional:
        nilai["keterangan_kematian_ibu"] = sel.teks("keterangan_kematian_ibu")
    if "sebab_kematian_bayi" in opsional:
        nilai["sebab_kematian_bayi"] = sel.pilihan("sebab_kematian_bayi", PILIHAN["sebab_kematian_bayi"])
    if "keterangan_kematian_bayi" in opsional:
        nilai["keterangan_kematian_bayi"] = sel.teks("keterangan_kematian_bayi")
    return _Baris(nomor, id_bayi, id_persalinan, nilai, sel.salah)


def _lingkup_impor(oleh) -> QuerySet:
    """Kelurahan the import may write into: the user's scope, or (a command without --user) every wilayah kerja."""
    if oleh is None:
        return Kelurahan.objects.filter(puskesmas__isnull=False).values("pk")
    return access.impor_persalinan_kelurahan_ids(oleh)


class _Pemeriksa:
    """Checks a whole register against the database, and knows what to write."""

    def __init__(self, table, opsional: list[str], oleh, hasil: HasilImpor):
        self.table, self.opsional, self.oleh, self.hasil = table, opsional, oleh, hasil
        self.errors = hasil.errors
        self.ibu_baru: list[Ibu] = []
        self.persalinan_baru: list[Persalinan] = []
        self.persalinan_ubah: list[Persalinan] = []
        self.bayi_baru: list[Bayi] = []
        self.bayi_ubah: list[Bayi] = []
        self.perlu_kajian: list[Persalinan] = []
        # What a delivery to be written touches: (Puskesmas, new and old date, its row numbers).
        self._bulan_ditulis: list[tuple[int, tuple[dt.date, ...], list[int]]] = []
        self._oleh_id = oleh.pk if oleh is not None else None
        self._baru = {m: _Cetakan(m) for m in (Ibu, Persalinan, Bayi)}
        self._kecuali = {Ibu: _kecuali(Ibu, IBU_FIELDS), Persalinan: _kecuali(Persalinan, PERSALINAN_FIELDS),
                         Bayi: _kecuali(Bayi, BAYI_PERIKSA)}

    # Error helpers ------------------------------------------------------------------------------

    def _model_errors(self, nomor: int, message_dict: dict[str, list[str]], fallback: str = "") -> None:
        for name, messages in message_dict.items():
            kolom = KOLOM_FIELD.get(name, fallback)
            if kolom and kolom not in PERSALINAN_KOLOM and kolom not in self.opsional:
                kolom = {"tanggal_meninggal_ibu": "status_ibu", "sebab_kematian_ibu": "status_ibu",
                         "keterangan_kematian_ibu": "status_ibu"}.get(kolom, "")
            for message in messages:
                self.errors.append(RowError(nomor, kolom, str(message)))

    def _periksa_model(self, obj: Model) -> dict[str, list[str]]:
        """The model's own rules for the fields the import writes: field validators, then `clean()`.

        What full_clean() would add costs a query per row and is checked here once for the whole file:
        the relations (batch lookups), `id_eksternal` uniqueness, and the constraints (which `clean()` mirrors).
        """
        errors: dict[str, list[str]] = {}
        try:
            obj.clean_fields(exclude=self._kecuali[type(obj)])
        except ValidationError as e:
            errors.update(e.message_dict)
        try:
            obj.clean()
        except ValidationError as e:
            for name, messages in e.message_dict.items():
                errors.setdefault(name, messages)
        return errors

    # The run ------------------------------------------------------------------------------------

    def jalankan(self) -> None:
        rows = [_urai_baris(nomor, row, self.opsional, self.errors) for nomor, row in self.table]
        grup = self._kelompokkan(rows)
        kelurahan = self._kelurahan(grup)
        lama = self._persalinan_lama(list(grup))
        bayi_lama, bayi_lain = self._bayi_lama(lama, rows)
        ibu_nik = self._ibu_nik(grup, lama, kelurahan)
        for id_persalinan, anggota in grup.items():
            self._satu_persalinan(id_persalinan, anggota, kelurahan, lama.get(id_persalinan),
                                  bayi_lama, bayi_lain, ibu_nik)
        self._periksa_kunci()

    def _periksa_kunci(self) -> None:
        """Rows that would create or change a delivery in an approved (locked) month: one query for the file."""
        terkunci = bulan_terkunci_pasangan(
            (pid, t) for pid, semua, _nomor in self._bulan_ditulis for t in semua
        )
        if not terkunci:
            return
        for pid, semua, nomor in self._bulan_ditulis:
            bulan = sorted({t.replace(day=1) for t in semua} & {b for p, b in terkunci if p == pid})
            if bulan:
                pesan = pesan_terkunci(bulan[0])
                for n in nomor:
                    self.errors.append(RowError(n, "tanggal_persalinan", pesan))

    def _kelompokkan(self, rows: list[_Baris]) -> dict[str, list[_Baris]]:
        """Rows per delivery, in file order; a baby id used twice, or twins that disagree, are errors."""
        grup: dict[str, list[_Baris]] = {}
        id_dipakai: dict[str, int] = {}
        kolom = [k for k in KOLOM_PERSALINAN if k in PERSALINAN_KOLOM or k in self.opsional]
        for b in rows:
            if not b.id_bayi or "id_eksternal" in b.salah:
                continue
            if b.id_bayi in id_dipakai:
                self.errors.append(RowError(b.nomor, "id_eksternal", _(
                    "ID ini sudah dipakai pada baris %(first)s; setiap bayi perlu ID sendiri."
                ) % {"first": id_dipakai[b.id_bayi]}))
                b.salah.add("id_eksternal")
                continue
            id_dipakai[b.id_bayi] = b.nomor
            anggota = grup.setdefault(b.id_persalinan, [])
            if anggota:
                first = anggota[0]
                for k in kolom:
                    if k in b.salah or k in first.salah:
                        continue
                    sama = (b.nilai[k].casefold() == first.nilai[k].casefold() if k == "nama_ibu"
                            else b.nilai[k] == first.nilai[k])
                    if not sama:
                        self.errors.append(RowError(b.nomor, k, _(
                            "berbeda dengan baris %(first)s, padahal keduanya bayi dari persalinan %(id)s "
                            "(kembar): data persalinan dan ibu harus sama."
                        ) % {"first": first.nomor, "id": b.id_persalinan}))
                        b.salah.add(k)
            anggota.append(b)
        return grup

    def _kelurahan(self, grup) -> dict[str, tuple[int | None, bool]]:
        """Kelurahan code → (its Puskesmas, inside the user's import scope): two queries."""
        kode = {a[0].nilai["kode_kelurahan"] for a in grup.values() if a[0].nilai["kode_kelurahan"]}
        hasil: dict[str, tuple[int | None, bool]] = {}
        for chunk in _potong(sorted(kode)):
            lingkup = set(
                Kelurahan.objects.filter(pk__in=chunk).filter(pk__in=_lingkup_impor(self.oleh))
                .values_list("pk", flat=True)
            )
            for pk, puskesmas_id in Kelurahan.objects.filter(pk__in=chunk).values_list("pk", "puskesmas_id"):
                hasil[pk] = (puskesmas_id, pk in lingkup)
        return hasil

    def _persalinan_lama(self, ids: list[str]) -> dict[str, Persalinan]:
        lama: dict[str, Persalinan] = {}
        for chunk in _potong(ids):
            for p in Persalinan.objects.filter(id_eksternal__in=chunk).select_related(
                "ibu", "bidan", "dukun__kelurahan", "fasilitas", "kehamilan", "rujukan"
            ):
                lama[p.id_eksternal] = p
        return lama

    def _bayi_lama(self, lama: dict[str, Persalinan], rows: list[_Baris]):
        """Babies of the deliveries imported before, and the baby ids already used by another delivery."""
        per_persalinan: dict[int, list[Bayi]] = {}
        pks = [p.pk for p in lama.values()]
        for chunk in _potong(pks):
            for b in Bayi.objects.filter(persalinan__in=chunk).order_by("urutan"):
                per_persalinan.setdefault(b.persalinan_id, []).append(b)
        ids = [b.id_bayi for b in rows if b.id_bayi]
        lain: dict[str, int] = {}
        for chunk in _potong(ids):
            lain.update(Bayi.objects.filter(id_eksternal__in=chunk).values_list("id_eksternal", "persalinan_id"))
        return per_persalinan, lain

    def _ibu_nik(self, grup, lama, kelurahan) -> dict[tuple[str, str], Ibu]:
        """Mothers already recorded, by (NIK, kelurahan), for the new deliveries that give a NIK."""
        cari: dict[str, set[str]] = {}
        for id_persalinan, anggota in grup.items():
            v = anggota[0].nilai
            if id_persalinan not in lama and v["nik_ibu"] and v["kode_kelurahan"] in kelurahan:
                cari.setdefault(v["nik_ibu"], set()).add(v["kode_kelurahan"])
        hasil: dict[tuple[str, str], Ibu] = {}
        niks = sorted(cari)
        for chunk in _potong(niks):
            kel = {k for n in chunk for k in cari[n]}
            for ibu in Ibu.objects.filter(nik__in=chunk, kelurahan__in=kel).order_by("-pk"):
                hasil[(ibu.nik, ibu.kelurahan_id)] = ibu  # the oldest record wins
        return hasil

    # One delivery -------------------------------------------------------------------------------

    def _satu_persalinan(self, id_persalinan, anggota: list[_Baris], kelurahan, lama: Persalinan | None,
                         bayi_lama, bayi_lain, ibu_nik) -> None:
        """Check one delivery with its babies; remember what to write when all of it is right.

        Every check runs even after an earlier one failed, so one pass lists every error of the file.
        """
        first = anggota[0]
        v = first.nilai
        if set(KOLOM_PERSALINAN) & set().union(*(b.salah for b in anggota)):
            return  # the delivery's own cells are wrong: its rules would only repeat that
        ok = True
        if len(id_persalinan) > ID_MAKS:
            ok = self._galat(first.nomor, "id_eksternal", _("paling panjang %(n)s karakter.") % {"n": ID_MAKS})
        kode = v["kode_kelurahan"]
        puskesmas_id, dalam_lingkup = kelurahan.get(kode, (None, False))
        if kode not in kelurahan:
            ok = self._galat(first.nomor, "kode_kelurahan", _("kode %(kode)s tidak dikenal.") % {"kode": kode})
        elif puskesmas_id is None:
            ok = self._galat(first.nomor, "kode_kelurahan", _(
                "kelurahan/desa %(kode)s belum masuk wilayah kerja Puskesmas mana pun.") % {"kode": kode})
        elif not dalam_lingkup:
            ok = self._galat(first.nomor, "kode_kelurahan", _(
                "kelurahan/desa %(kode)s di luar wilayah yang boleh Anda impor.") % {"kode": kode})

        if lama is not None:
            if lama.kelurahan_id != kode:
                ok = self._galat(first.nomor, "kode_kelurahan", _(
                    "persalinan %(id)s sudah tercatat di kelurahan/desa lain; kelurahan persalinan tidak dapat "
                    "diubah lewat impor. Bila ini persalinan lain, beri ID lain.") % {"id": id_persalinan})
            p = lama
            sebelum = {f: getattr(p, f) for f in PERSALINAN_FIELDS}
        else:
            ibu = self._ibu_untuk(first, kode, puskesmas_id, ibu_nik) if ok else None
            ok = ok and ibu is not None
            p = self._baru[Persalinan].buat(id_eksternal=id_persalinan, kelurahan_id=kode,
                                            puskesmas_id=puskesmas_id, dicatat_oleh_id=self._oleh_id)
            p.ibu = ibu
            sebelum = None
        self._isi_persalinan(p, v)
        errors = self._periksa_model(p)
        if errors:
            self._model_errors(first.nomor, errors)
            ok = False

        anak = self._bayi(p, anggota, bayi_lama.get(p.pk, []) if lama else [], bayi_lain,
                          tanggal_berubah=sebelum is not None and sebelum["tanggal"] != p.tanggal)
        if anak is None or not ok:
            return
        baru, ubah, sama = anak
        ditulis = bool(baru or ubah)
        if lama is None:
            self.persalinan_baru.append(p)
            self.hasil.persalinan_baru += 1
            ditulis = True
        elif any(getattr(p, f) != sebelum[f] for f in PERSALINAN_FIELDS):
            self.persalinan_ubah.append(p)
            self.hasil.persalinan_diubah += 1
            ditulis = True
        else:
            self.hasil.persalinan_sama += 1
        if ditulis:
            # Written: refused when its month (or the month it leaves) is locked. An unchanged row writes
            # nothing, so a register re-imported after an approval still goes through.
            tanggal = (p.tanggal,) if sebelum is None else (p.tanggal, sebelum["tanggal"])
            self._bulan_ditulis.append((p.puskesmas_id, tanggal, [b.nomor for b in anggota]))
        self.bayi_baru.extend(baru)
        self.bayi_ubah.extend(ubah)
        self.hasil.bayi_baru += len(baru)
        self.hasil.bayi_diubah += sum(1 for b in ubah if b.id_eksternal)
        self.hasil.bayi_sama += sama
        # Alerts: naikkan_kajian decides; only deliveries that may call for one are handed to it.
        if p.penolong == Penolong.DUKUN or p.status_ibu == StatusIbu.MENINGGAL or any(
            row.nilai["tanggal_meninggal_bayi"] for row in anggota
        ) or any(b.tanggal_meninggal for b in ubah):
            self.perlu_kajian.append(p)

    def _galat(self, nomor: int, kolom: str, message: str) -> bool:
        self.errors.append(RowError(nomor, kolom, message))
        return False

    def _ibu_untuk(self, first: _Baris, kode: str, puskesmas_id: int, ibu_nik) -> Ibu | None:
        """The mother of a new delivery: the one with this NIK in this kelurahan, or a new record."""
        v = first.nilai
        if v["nik_ibu"] and (v["nik_ibu"], kode) in ibu_nik:
            return ibu_nik[(v["nik_ibu"], kode)]
        ibu = self._baru[Ibu].buat(nama=v["nama_ibu"], nik=v["nik_ibu"], umur_tercatat=v["umur_ibu"],
                                   umur_dicatat_pada=v["tanggal_persalinan"], dicatat_oleh_id=self._oleh_id)
        # Checked before the kelurahan is set: Ibu.clean() would look it up once per row; it is known here.
        errors = self._periksa_model(ibu)
        if errors:
            self._model_errors(first.nomor, errors)
            return None
        ibu.kelurahan_id, ibu.puskesmas_id = kode, puskesmas_id
        if v["nik_ibu"]:
            ibu_nik[(v["nik_ibu"], kode)] = ibu  # her next delivery in the same file joins her
        self.ibu_baru.append(ibu)
        self.hasil.ibu_baru += 1
        return ibu

    def _isi_persalinan(self, p: Persalinan, v: dict) -> None:
        p.tanggal, p.tempat, p.penolong, p.status_ibu = (
            v["tanggal_persalinan"], v["tempat"], v["penolong"], v["status_ibu"])
        if "tanggal_meninggal_ibu" in v:
            p.tanggal_meninggal_ibu = v["tanggal_meninggal_ibu"]  # clean() checks it against status_ibu
        elif p.status_ibu != StatusIbu.MENINGGAL:
            p.tanggal_meninggal_ibu = None
        elif not p.tanggal_meninggal_ibu:
            # A register without the column: the delivery date (the commonest day of a maternal death).
            p.tanggal_meninggal_ibu = p.tanggal
        for kolom in ("sebab_kematian_ibu", "keterangan_kematian_ibu"):
            if kolom in v:
                setattr(p, kolom, v[kolom])
            elif p.status_ibu != StatusIbu.MENINGGAL:
                setattr(p, kolom, "")

    def _bayi(self, p: Persalinan, anggota: list[_Baris], lama: list[Bayi], bayi_lain: dict[str, int], *,
              tanggal_berubah: bool) -> tuple[list[Bayi], list[Bayi], int] | None:
        """New, changed and unchanged babies of one delivery; None when one of them is wrong."""
        per_id = {b.id_eksternal: b for b in lama if b.id_eksternal}
        urutan = max((b.urutan for b in lama), default=0)
        baru, ubah, sama, ok = [], [], 0, True
        dari_berkas = set()
        for row in anggota:
            if row.salah:
                ok = False
                continue
            b = per_id.get(row.id_bayi)
            if b is None and row.id_bayi in bayi_lain:
                ok = self._galat(row.nomor, "id_eksternal", _(
                    "ID bayi ini sudah dipakai untuk bayi dari persalinan lain."))
                continue
            if b is None:
                urutan += 1
                b = self._baru[Bayi].buat(urutan=urutan, id_eksternal=row.id_bayi, kelurahan_id=p.kelurahan_id,
                                          puskesmas_id=p.puskesmas_id, dicatat_oleh_id=self._oleh_id)
                b.persalinan = p
                sebelum = None
            else:
                b.persalinan = p  # the delivery as the file has it, for the rules on dates
                sebelum = {f: getattr(b, f) for f in BAYI_FIELDS}
                dari_berkas.add(b.pk)
            salah = self._isi_bayi(b, row)
            errors = self._periksa_model(b)
            if errors or salah:
                self._model_errors(row.nomor, errors)
                ok = False
                continue
            if sebelum is None:
                baru.append(b)
            elif any(getattr(b, f) != sebelum[f] for f in BAYI_FIELDS):
                ubah.append(b)
            else:
                sama += 1
        if tanggal_berubah:
            # Babies recorded by hand in this delivery: their age at death and visit windows follow the new date.
            for b in lama:
                if b.pk in dari_berkas:
                    continue
                b.persalinan = p
                sebelum = {f: getattr(b, f) for f in BAYI_FIELDS}
                b.isi_turunan(p.tanggal)
                errors = self._periksa_model(b)
                if errors:
                    self._model_errors(anggota[0].nomor, errors, fallback="tanggal_persalinan")
                    ok = False
                elif any(getattr(b, f) != sebelum[f] for f in BAYI_FIELDS):
                    ubah.append(b)
        return (baru, ubah, sama) if ok else None

    def _isi_bayi(self, b: Bayi, row: _Baris) -> bool:
        """Put the row's values on the baby; True when a rule of the import itself (the kn1 column) fails."""
        v = row.nilai
        salah = False
        b.status_lahir = v["status_bayi"]
        b.berat_lahir_gram = v["berat_lahir_gram"]
        b.tanggal_meninggal = v["tanggal_meninggal_bayi"]
        b.kn_lengkap = bool(v["kn_lengkap"])
        if v.get("kn1") is not None:
            b.kn1_diterima = v["kn1"]
            if b.kn_lengkap and not v["kn1"]:
                salah = not self._galat(row.nomor, "kn1", _("KN lengkap berarti KN1 juga diterima: isi kn1 dengan 1."))
            if b.status_lahir == StatusLahir.LAHIR_MATI and v["kn1"]:
                salah = not self._galat(row.nomor, "kn1", _("Bayi lahir mati tidak mendapat kunjungan neonatal."))
        elif b.pk is None:
            b.kn1_diterima = b.kn_lengkap
        if "jenis_kelamin" in v:
            b.jenis_kelamin = v["jenis_kelamin"]
        for kolom, name in (("sebab_kematian_bayi", "sebab_kematian"),
                            ("keterangan_kematian_bayi", "keterangan_kematian")):
            if kolom in v:
                setattr(b, name, v[kolom])
            elif not b.tanggal_meninggal:
                setattr(b, name, "")
        b.isi_turunan(v["tanggal_persalinan"])
        return salah

    # Writing ------------------------------------------------------------------------------------

    def _sel_ringkasan_lama(self) -> set:
        """The summary cells the changed deliveries and babies are in before this import (a query per 1,000)."""
        sel: set = set()
        for chunk in _potong([p.pk for p in self.persalinan_ubah]):
            for row in Persalinan.objects.filter(pk__in=chunk).values_list(
                    "puskesmas_id", "kelurahan_id", "tanggal", "tanggal_meninggal_ibu"):
                sel |= ringkasan.sel_persalinan(*row)
        for chunk in _potong([b.pk for b in self.bayi_ubah]):
            for row in Bayi.objects.filter(pk__in=chunk).values_list(
                    "puskesmas_id", "kelurahan_id", "persalinan__tanggal", "tanggal_meninggal"):
                sel |= ringkasan.sel_bayi(*row)
        return sel

    def _sel_ringkasan_baru(self) -> set:
        sel: set = set()
        for p in (*self.persalinan_baru, *self.persalinan_ubah):
            sel |= ringkasan.sel_persalinan(p.puskesmas_id, p.kelurahan_id, p.tanggal, p.tanggal_meninggal_ibu)
        for b in (*self.bayi_baru, *self.bayi_ubah):
            sel |= ringkasan.sel_bayi(b.puskesmas_id, b.kelurahan_id, b.persalinan.tanggal, b.tanggal_meninggal)
        return sel

    def tulis(self) -> None:
        user, waktu = self.oleh, timezone.now()
        # Bulk writes send no signals: the summary cells the file touches (before and after) are named here,
        # and recomputed in one call once the import commits.
        sel = self._sel_ringkasan_lama() | self._sel_ringkasan_baru()
        # Mothers first, then deliveries, then babies: each insert gives the ids the next one points to.
        sisip_dengan_riwayat(Ibu, self.ibu_baru, user=user, waktu=waktu)
        sisip_dengan_riwayat(Persalinan, self.persalinan_baru, user=user, waktu=waktu)
        if self.persalinan_ubah:
            bulk_update_with_history(self.persalinan_ubah, Persalinan, PERSALINAN_FIELDS, batch_size=BATCH,
                                     default_user=user, default_date=waktu)
        sisip_dengan_riwayat(Bayi, self.bayi_baru, user=user, waktu=waktu)
        if self.bayi_ubah:
            bulk_update_with_history(self.bayi_ubah, Bayi, BAYI_FIELDS, batch_size=BATCH, default_user=user,
                                     default_date=waktu)
        # Bulk updates bypass save(): count the change, so an edit form opened before the import notices it.
        diubah = {p.pk for p in self.persalinan_ubah} | {b.persalinan_id for b in self.bayi_ubah}
        for chunk in _potong(sorted(diubah)):
            naikkan_versi(Persalinan, chunk)
        pks = [p.pk for p in self.perlu_kajian]
        for chunk in _potong(pks):
            self.hasil.kajian_baru += len(services.naikkan_kajian(Persalinan.objects.filter(pk__in=chunk)))
        ringkasan.jadwalkan(sel)


# --- Bulk inserts with their history --------------------------------------------------------------


def sisip_dengan_riwayat(model: type[Model], objs: list[Model], *, user, waktu: dt.datetime) -> None:
    """Insert new rows and their "+" history entries, as `bulk_create_with_history` does.

    On PostgreSQL through COPY, with the ids drawn from the table's sequence first: Django's
    multi-row INSERT spends most of a 100,000-row import composing SQL text. Elsewhere (SQLite in
    development and tests) through `bulk_create_with_history` itself. Foreign keys are taken from
    the related objects inserted just before (the mother of a delivery, the delivery of a baby).
    """
    if not objs:
        return
    relasi = [f for f in model._meta.concrete_fields if f.is_relation]
    for obj in objs:
        for f in relasi:
            if getattr(obj, f.attname) is None and f.is_cached(obj):
                related = f.get_cached_value(obj)
                if related is not None:
                    setattr(obj, f.attname, related.pk)
    if connection.vendor != "postgresql" or connection.Database.__name__ != "psycopg2":
        bulk_create_with_history(objs, model, batch_size=BATCH, default_user=user, default_date=waktu)
        return
    riwayat = model.history.model
    kolom = model._meta.concrete_fields
    posisi = {f.attname: i for i, f in enumerate(kolom)}
    tetap = {
        "history_date": _sel_copy(waktu), "history_change_reason": _sel_copy(None), "history_type": "+",
        "history_user_id": _sel_copy(user.pk if user is not None else None),
    }
    # Each history column: the row's own value (by position), its new history id (None), or a constant.
    susunan = [
        None if f.primary_key else (posisi[f.attname] if f.attname in posisi else tetap[f.attname])
        for f in riwayat._meta.concrete_fields
    ]
    with connection.cursor() as cursor:
        for chunk in _potong(objs, 20 * BATCH):
            ids = _id_baru(cursor, model, len(chunk))
            history_ids = _id_baru(cursor, riwayat, len(chunk))
            utama, catatan = io.StringIO(), io.StringIO()
            for obj, pk, history_id in zip(chunk, ids, history_ids, strict=True):
                obj.pk = pk
                sel = [_sel_copy(getattr(obj, f.attname)) for f in kolom]
                utama.write("\t".join(sel) + "\n")
                catatan.write("\t".join(
                    str(history_id) if s is None else sel[s] if isinstance(s, int) else s for s in susunan
                ) + "\n")
                obj._state.adding, obj._state.db = False, connection.alias
            _copy(cursor, model, kolom, utama)
            _copy(cursor, riwayat, riwayat._meta.concrete_fields, catatan)


def _id_baru(cursor, model: type[Model], n: int) -> list[int]:
    meta = model._meta
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
        [connection.ops.quote_name(meta.db_table), meta.pk.column, n],
    )
    return [row[0] for row in cursor.fetchall()]


def _copy(cursor, model: type[Model], kolom, buffer: io.StringIO) -> None:
    buffer.seek(0)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in kolom)
    with connection.wrap_database_errors:  # psycopg2's errors as Django's (an IntegrityError stays one)
        cursor.copy_expert(f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN", buffer)


def _sel_copy(value) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, (list, dict)):
        value = json.dumps(value)
    elif isinstance(value, (dt.date, dt.time)):  # datetime too: aware, ISO 8601 with its offset
        value = value.isoformat()
    else:
        value = str(value)
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


def impor_persalinan(table: list[tuple[int, dict[str, str]]], *, opsional: Sequence[str] = (), oleh=None,
                     periksa_saja: bool = False) -> HasilImpor:
    """Check a delivery register and, when every row is right and `periksa_saja` is off, write it.

    `oleh` is the importing user: the rows must lie in `access.impor_persalinan_kelurahan_ids(oleh)`
    and the records carry her as `dicatat_oleh`. Without a user (the command without --user) every
    kelurahan of a wilayah kerja is allowed.
    """
    hasil = HasilImpor(baris=len(table), periksa_saja=periksa_saja)
    pemeriksa = _Pemeriksa(table, list(opsional), oleh, hasil)
    # Hundreds of thousands of short-lived objects: the cyclic collector would rescan them again and again.
    gc_aktif = gc.isenabled()
    gc.disable()
    try:
        pemeriksa.jalankan()
        if hasil.errors:
            kolom = ["", *PERSALINAN_KOLOM, *PERSALINAN_OPSIONAL]
            hasil.errors.sort(key=lambda e: (e.row, kolom.index(e.column) if e.column in kolom else len(kolom)))
            return hasil
        if periksa_saja:
            return hasil
        try:
            with transaction.atomic():
                pemeriksa.tulis()
            ringkasan.selesaikan_tertunda()
        except IntegrityError:
            # Another import of the same rows finished first: nothing of this one was written.
            hasil.errors.append(RowError(1, "", _(
                "Data berubah ketika impor berjalan (mungkin berkas yang sama sedang diimpor orang lain). Tidak "
                "ada yang disimpan; ulangi impor.")))
        return hasil
    finally:
        if gc_aktif:
            gc.enable()


# --- Yearly targets -------------------------------------------------------------------------------


@dataclass
class HasilSasaran:
    errors: list[RowError] = field(default_factory=list)
    baris: int = 0
    baru: int = 0
    diubah: int = 0
    sama: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def ringkasan(self) -> str:
        return _("%(baris)s baris: %(baru)s sasaran baru, %(diubah)s diubah, %(sama)s sama.") % {
            "baris": self.baris, "baru": self.baru, "diubah": self.diubah, "sama": self.sama}


def impor_sasaran(table: list[tuple[int, dict[str, str]]], *, oleh=None) -> HasilSasaran:
    """Set the yearly targets of kelurahan from a table, all or nothing, idempotent.

    `oleh` limits the rows to `access.sasaran_writable_kelurahan_ids(oleh)` (Dinkes: its district);
    without a user (the command) every kelurahan of a wilayah kerja is allowed.
    """
    from kia.models import Sasaran

    hasil = HasilSasaran(baris=len(table))
    errors = hasil.errors
    kode = {row["kode_kelurahan"] for _n, row in table if row["kode_kelurahan"]}
    kelurahan = {k.pk: k for k in Kelurahan.objects.filter(pk__in=kode)}
    lingkup_qs = (Kelurahan.objects.filter(puskesmas__isnull=False).values("pk") if oleh is None
                  else access.sasaran_writable_kelurahan_ids(oleh))
    lingkup = set(Kelurahan.objects.filter(pk__in=kode).filter(pk__in=lingkup_qs).values_list("pk", flat=True))
    siap: list[tuple[int, Kelurahan, dict]] = []
    dipakai: dict[tuple[int, str], int] = {}
    for nomor, row in table:
        sel = _Sel(nomor, row, errors)
        tahun = sel.angka("tahun", wajib=True, minimum=TAHUN_MIN, maksimum=TAHUN_MAX,
                          pesan_rentang=lambda: _("tahun harus %(min)s–%(max)s.") % {
                              "min": TAHUN_MIN, "max": TAHUN_MAX})
        kode_kel = sel.teks("kode_kelurahan", wajib=True, maks=13)
        angka = {
            name: sel.angka(kolom, wajib=True, minimum=0, maksimum=10_000_000,
                            pesan_rentang=lambda: _("harus 0 atau lebih, paling banyak 10.000.000."))
            for name, kolom in (("ibu_hamil", "sasaran_ibu_hamil"), ("ibu_bersalin", "sasaran_ibu_bersalin"),
                                ("bayi_baru_lahir", "sasaran_bayi_baru_lahir"))
        }
        k = kelurahan.get(kode_kel)
        if kode_kel and "kode_kelurahan" not in sel.salah:
            if k is None:
                sel.galat("kode_kelurahan", _("kode %(kode)s tidak dikenal.") % {"kode": kode_kel})
            elif k.puskesmas_id is None:
                sel.galat("kode_kelurahan", _(
                    "kelurahan/desa %(kode)s belum masuk wilayah kerja Puskesmas mana pun.") % {"kode": kode_kel})
            elif kode_kel not in lingkup:
                sel.galat("kode_kelurahan", _(
                    "kelurahan/desa %(kode)s di luar wilayah yang sasarannya boleh Anda ubah.") % {"kode": kode_kel})
        if tahun is not None and k is not None and not sel.salah & {"kode_kelurahan"}:
            kunci = (tahun, kode_kel)
            if kunci in dipakai:
                sel.galat("kode_kelurahan", _(
                    "sasaran %(kode)s tahun %(tahun)s sudah ada pada baris %(first)s.") % {
                    "kode": kode_kel, "tahun": tahun, "first": dipakai[kunci]})
            dipakai.setdefault(kunci, nomor)
        if not sel.salah:
            siap.append((tahun, k, angka))
    if errors:
        return hasil
    ada = set()
    for chunk in _potong(sorted(kode)):
        ada.update(Sasaran.objects.filter(kelurahan__in=chunk).values_list("tahun", "kelurahan_id"))
    with transaction.atomic():
        for tahun, k, angka in siap:
            _obj, changed = services.sasaran_simpan(tahun=tahun, kelurahan=k, **angka)
            if not changed:
                hasil.sama += 1
            elif (tahun, k.pk) in ada:
                hasil.diubah += 1
            else:
                hasil.baru += 1
    return hasil


__all__ = [
    "PERSALINAN_KOLOM", "PERSALINAN_OPSIONAL", "SASARAN_KOLOM", "BerkasTidakValid", "HasilImpor", "HasilSasaran",
    "RowError", "baca_persalinan", "baca_sasaran", "impor_persalinan", "impor_sasaran",
]
