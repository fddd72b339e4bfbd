"""What the summary tests share: writes through the real paths, and the two comparisons that must hold."""

from __future__ import annotations

import datetime as dt
import io
from contextlib import contextmanager

from django.db import transaction
from django.utils import timezone

from kia.importer import PERSALINAN_KOLOM, baca_persalinan, impor_persalinan
from laporan import hitung as mesin
from laporan.hitung import Cakupan, semua_nilai
from laporan.periode import Periode
from ringkasan.models import KOLOM
from ringkasan.services import cari_selisih


@contextmanager
def contoh_terpisah():
    """One hypothesis example: a transaction rolled back at the end that, like the test's own, never commits."""
    atomic = transaction.atomic()
    atomic._from_testcase = True  # what Django's TestCase marks its wrapper with
    atomic.__enter__()
    try:
        yield
    finally:
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


def baris_impor(id_eksternal: str, kelurahan, tanggal: dt.date, **kw) -> dict:
    row = {
        "id_eksternal": id_eksternal, "kode_kelurahan": getattr(kelurahan, "kode", kelurahan),
        "nama_ibu": "Siti Aminah", "nik_ibu": "", "umur_ibu": "27", "tanggal_persalinan": tanggal.isoformat(),
        "tempat": "puskesmas", "penolong": "bidan", "status_ibu": "hidup", "status_bayi": "lahir_hidup",
        "berat_lahir_gram": "3100", "tanggal_meninggal_bayi": "", "kn_lengkap": "1",
    }
    row.update({k: str(v) for k, v in kw.items()})
    return row


def impor(rows: list[dict]):
    lines = [",".join(PERSALINAN_KOLOM)] + [",".join(r.get(c, "") for c in PERSALINAN_KOLOM) for r in rows]
    table, opsional = baca_persalinan(io.BytesIO(("\n".join(lines) + "\n").encode()), "register.csv")
    return impor_persalinan(table, opsional=opsional)


def ukuran_mentah(cakupan: Cakupan, periode: list[Periode], kelompok: str | None = None) -> dict:
    """The measures of the summarised sources read from the raw tables (the engine's fallback sources)."""
    hasil: dict = {}
    with timezone.override(cakupan.zona()):
        for s in mesin.SUMBER_MENTAH:
            if s.nama not in ("persalinan", "bayi", "rujukan"):
                continue
            for key, per in mesin._baca_sumber(s, cakupan, periode, kelompok).items():
                target = hasil.setdefault(key, [{} for _p in periode])
                for i, values in enumerate(per):
                    target[i].update(values)
    return hasil


def beda_mesin(cakupan: Cakupan, periode: list[Periode], kelompok: str | None = None) -> list:
    """Where the engine's figures from the summary differ from the raw sources' (a missing count is 0)."""
    nama = [*KOLOM, "rujukan_median_menit"]
    with timezone.override(cakupan.zona()):
        dari_ringkasan = mesin.ukuran(cakupan, periode, kelompok=kelompok, names=nama)
    mentah = ukuran_mentah(cakupan, periode, kelompok)
    beda = []
    for key in set(dari_ringkasan) | set(mentah):
        for i in range(len(periode)):
            a = dari_ringkasan.get(key, [{}] * len(periode))[i]
            b = mentah.get(key, [{}] * len(periode))[i]
            for n in nama:
                if (a.get(n) or 0) != (b.get(n) or 0):
                    beda.append((key, periode[i], n, a.get(n), b.get(n)))
            if key is None:
                na, nb = semua_nilai(a), semua_nilai(b)
                beda += [(key, periode[i], k, na[k].nilai, nb[k].nilai) for k in na if na[k].nilai != nb[k].nilai]
    return beda


def tanpa_selisih() -> list:
    return cari_selisih()
