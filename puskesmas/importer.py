"""Reading CSV/XLSX tables and importing the Puskesmas with their wilayah kerja, all or nothing."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import IO

from django.db import transaction
from django.utils.translation import gettext as _

from puskesmas.models import Kabupaten, Kelurahan, Puskesmas

PUSKESMAS_COLUMNS = ["kode_puskesmas", "nama_puskesmas", "kode_kabupaten", "kode_kelurahan"]


class BerkasTidakValid(Exception):
    """The file as a whole cannot be read (wrong type, wrong header, empty)."""


@dataclass
class RowError:
    row: int  # the row number a person sees in a spreadsheet: the header is row 1
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("Baris %(row)s, kolom %(column)s: %(message)s") % {
                "row": self.row, "column": self.column, "message": self.message,
            }
        return _("Baris %(row)s: %(message)s") % {"row": self.row, "message": self.message}


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    puskesmas_created: int = 0
    puskesmas_updated: int = 0
    kelurahan_added: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed(self) -> bool:
        return bool(self.puskesmas_created or self.puskesmas_updated or self.kelurahan_added)


def read_table(fileobj: IO[bytes], filename: str, columns: list[str]) -> list[tuple[int, dict[str, str]]]:
    """Rows of a CSV or XLSX file as (row number, {column: text}); the header must name `columns`."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        rows = _read_xlsx(fileobj)
    elif name.endswith(".csv"):
        rows = _read_csv(fileobj)
    else:
        raise BerkasTidakValid(_("Jenis berkas tidak didukung: unggah berkas .csv atau .xlsx."))
    if not rows:
        raise BerkasTidakValid(_("Berkas kosong: tidak ada baris judul kolom."))
    header = [str(h or "").strip().lower() for h in rows[0]]
    missing = [c for c in columns if c not in header]
    if missing:
        raise BerkasTidakValid(
            _("Kolom wajib tidak ada: %(missing)s. Baris pertama harus berisi: %(columns)s.")
            % {"missing": ", ".join(missing), "columns": ", ".join(columns)}
        )
    index = {c: header.index(c) for c in columns}
    table = []
    for number, raw in enumerate(rows[1:], start=2):
        cells = ["" if v is None else str(v).strip() for v in raw]
        if not any(cells):
            continue  # blank lines at the end of a spreadsheet are not rows
        table.append((number, {c: cells[i] if i < len(cells) else "" for c, i in index.items()}))
    if not table:
        raise BerkasTidakValid(_("Berkas tidak berisi baris data."))
    return table


def _read_csv(fileobj: IO[bytes]) -> list[list[str]]:
    raw = fileobj.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BerkasTidakValid(_("Berkas CSV harus berenkode UTF-8.")) from None
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return list(csv.reader(io.StringIO(text), dialect))


def _read_xlsx(fileobj: IO[bytes]) -> list[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(fileobj, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a damaged or non-XLSX file
        raise BerkasTidakValid(
            _("Berkas XLSX tidak dapat dibaca. Pastikan berkas disimpan sebagai Excel (.xlsx).")
        ) from None
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _kode_kabupaten(value: str) -> str:
    """Excel turns a kabupaten code typed as 11.10 into the number 11.1: give back its zero."""
    if re.fullmatch(r"\d{2}\.\d", value):
        return value + "0"
    return value


def import_puskesmas(table: list[tuple[int, dict[str, str]]], *, kabupaten_scope: str | None = None) -> ImportResult:
    """Create or update Puskesmas and add kelurahan to their wilayah kerja.

    All or nothing: every row is checked first and any error means nothing is written. Idempotent:
    the same file again changes nothing. `kabupaten_scope` limits a Dinkes user to its own district.
    A kelurahan already in another Puskesmas' wilayah kerja is an error, not a silent move: moving
    a village changes who answers for its dukun and mothers.
    """
    result = ImportResult(rows=len(table))
    errors = result.errors
    kelurahan_codes = {row["kode_kelurahan"] for _n, row in table}
    kelurahan = {k.pk: k for k in Kelurahan.objects.filter(pk__in=kelurahan_codes).select_related("puskesmas")}
    kabupaten_codes = {_kode_kabupaten(row["kode_kabupaten"]) for _n, row in table}
    kabupaten = set(Kabupaten.objects.filter(pk__in=kabupaten_codes).values_list("pk", flat=True))
    existing = {p.kode: p for p in Puskesmas.objects.filter(kode__in={row["kode_puskesmas"] for _n, row in table})}

    seen_puskesmas: dict[str, tuple[int, str, str]] = {}
    seen_kelurahan: dict[str, tuple[int, str]] = {}
    for number, row in table:
        row["kode_kabupaten"] = _kode_kabupaten(row["kode_kabupaten"])
        kode, nama, kab, kel = (row[c] for c in PUSKESMAS_COLUMNS)
        for column in PUSKESMAS_COLUMNS:
            if not row[column]:
                errors.append(RowError(number, column, _("wajib diisi.")))
        if not all((kode, nama, kab, kel)):
            continue
        if len(kode) > 20:
            errors.append(RowError(number, "kode_puskesmas", _("paling panjang 20 karakter.")))
        if kab not in kabupaten:
            errors.append(RowError(number, "kode_kabupaten", _("kode %(kode)s tidak dikenal.") % {"kode": kab}))
        elif kabupaten_scope and kab != kabupaten_scope:
            errors.append(RowError(number, "kode_kabupaten", _("di luar kabupaten/kota Anda.")))
        if kode in seen_puskesmas and seen_puskesmas[kode][1:] != (nama, kab):
            first = seen_puskesmas[kode][0]
            errors.append(RowError(number, "nama_puskesmas", _(
                "nama atau kabupaten Puskesmas %(kode)s berbeda dengan baris %(first)s."
            ) % {"kode": kode, "first": first}))
        seen_puskesmas.setdefault(kode, (number, nama, kab))
        if kode in existing and existing[kode].kabupaten_id != kab:
            errors.append(RowError(number, "kode_kabupaten", _(
                "Puskesmas %(kode)s sudah terdaftar di kabupaten/kota lain."
            ) % {"kode": kode}))
        k = kelurahan.get(kel)
        if k is None:
            errors.append(RowError(number, "kode_kelurahan", _("kode %(kode)s tidak dikenal.") % {"kode": kel}))
            continue
        if k.kabupaten_id != kab:
            errors.append(RowError(number, "kode_kelurahan", _(
                "%(nama)s tidak berada di kabupaten/kota %(kab)s."
            ) % {"nama": k.nama, "kab": kab}))
        if kel in seen_kelurahan and seen_kelurahan[kel][1] != kode:
            errors.append(RowError(number, "kode_kelurahan", _(
                "%(nama)s sudah dimasukkan ke Puskesmas lain pada baris %(first)s."
            ) % {"nama": k.nama, "first": seen_kelurahan[kel][0]}))
        seen_kelurahan.setdefault(kel, (number, kode))
        if k.puskesmas_id and k.puskesmas.kode != kode:
            errors.append(RowError(number, "kode_kelurahan", _(
                "%(nama)s sudah masuk wilayah kerja %(puskesmas)s."
            ) % {"nama": k.nama, "puskesmas": k.puskesmas}))
    if errors:
        return result

    with transaction.atomic():
        by_kode: dict[str, Puskesmas] = {}
        for kode, (_n, nama, kab) in seen_puskesmas.items():
            p = existing.get(kode)
            if p is None:
                p = Puskesmas(kode=kode, nama=nama, kabupaten_id=kab)
                p.full_clean()
                p.save()
                result.puskesmas_created += 1
            elif p.nama != nama:
                p.nama = nama
                p.save()  # through save(), so that the history keeps the rename
                result.puskesmas_updated += 1
            by_kode[kode] = p
        for kel, (_n, kode) in seen_kelurahan.items():
            if kelurahan[kel].puskesmas_id != by_kode[kode].pk:
                Kelurahan.objects.filter(pk=kel).update(puskesmas=by_kode[kode])
                result.kelurahan_added += 1
    return result
