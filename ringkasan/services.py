"""Keeping the monthly summary equal to the raw records.

A cell is (Puskesmas id, kelurahan code, first day of the month). Every write of a delivery, a baby or a
referral names the cells it touched — before and after the change, so a corrected date or kelurahan
recomputes both the month it leaves and the month it enters — and `jadwalkan()` recomputes them once the
writer's transaction has committed (`transaction.on_commit`; all cells of one transaction in one call).

Why no update is lost when two bidan save at once: a recompute does not add or subtract, it reads the
committed raw rows of its cells again (one GROUP BY per source for all its cells) and overwrites them,
inside a transaction that first takes one lock per cell (PostgreSQL: `pg_advisory_xact_lock` on a hash of
the cell, in sorted order so two recomputes never wait on each other crosswise; SQLite serializes writers
anyway). Each writer's recompute starts after its own commit, and the recomputes of one cell run one after
the other, each reading after taking the lock (READ COMMITTED: every statement sees what was committed
before it started) — so the last one to run has seen every committed write. The full rebuild takes the
table in EXCLUSIVE mode and the cell recomputes take it in ROW EXCLUSIVE mode before they read, so a
rebuild never overwrites a newer cell with an older reading either.

If the process dies between a writer's commit and its recompute, the cell stays behind until the next
write to it or `manage.py ringkasan_periksa --perbaiki`, which finds and rewrites every differing cell.

Under a test's wrapping transaction (pytest-django's `db`, Django's TestCase) nothing ever commits, so
on-commit work would never run: there, the transaction the application opened is over when only the test's
wrapper is left, and the pending cells are recomputed at that point (`selesaikan_tertunda`, which the
services and the import call after their own transaction; a write outside any transaction of the
application — a factory — is recomputed right away, exactly as `on_commit` does in autocommit mode).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal
from functools import reduce
from operator import or_

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, Count, DateField, F, Q, QuerySet, Sum, When
from django.db.models.functions import Coalesce, TruncMonth

from kia.models import (
    BAYI_HARI,
    BBLR_GRAM,
    NEONATAL_HARI,
    PENOLONG_NAKES,
    TEMPAT_FASILITAS,
    AlasanPenolakan,
    Bayi,
    JenisRujukan,
    Penolong,
    Persalinan,
    Rujukan,
    StatusIbu,
    StatusLahir,
    StatusRujukan,
    TempatPersalinan,
)
from puskesmas.models import ZonaWaktu
from ringkasan.models import KOLOM, RingkasanBulanan

Sel = tuple[int, str, dt.date]
BATCH = 1000
KELOMPOK_PUSKESMAS = 200


def awal_bulan(tanggal: dt.date) -> dt.date:
    return dt.date(tanggal.year, tanggal.month, 1)


def bulan_lokal(waktu: dt.datetime, zona_waktu: str | None) -> dt.date:
    """The month of a moment on the calendar of a Puskesmas' zone (its `zona_waktu`, or the server's)."""
    zona = zoneinfo.ZoneInfo(zona_waktu or settings.TIME_ZONE)
    if waktu.tzinfo is None:
        return awal_bulan(waktu.date())
    return awal_bulan(waktu.astimezone(zona).date())


# --- Cells of one record ----------------------------------------------------------------------------


def sel_persalinan(puskesmas_id, kelurahan_id, tanggal, tanggal_meninggal_ibu=None) -> set[Sel]:
    """A delivery's cells: its month (its babies' births too) and the month the mother died."""
    if puskesmas_id is None or kelurahan_id is None or tanggal is None:
        return set()
    out = {(puskesmas_id, kelurahan_id, awal_bulan(tanggal))}
    if tanggal_meninggal_ibu is not None:
        out.add((puskesmas_id, kelurahan_id, awal_bulan(tanggal_meninggal_ibu)))
    return out


def sel_bayi(puskesmas_id, kelurahan_id, tanggal_lahir, tanggal_meninggal=None) -> set[Sel]:
    return sel_persalinan(puskesmas_id, kelurahan_id, tanggal_lahir, tanggal_meninggal)


def sel_rujukan(puskesmas_id, kelurahan_id, waktu_rujuk, zona_waktu) -> set[Sel]:
    if puskesmas_id is None or kelurahan_id is None or waktu_rujuk is None:
        return set()
    return {(puskesmas_id, kelurahan_id, bulan_lokal(waktu_rujuk, zona_waktu))}


# --- The counts, from the raw records -----------------------------------------------------------------


def _bulan_rujukan() -> Case:
    """The local month of the referral time, in each row's own Puskesmas' zone (one expression, any backend)."""
    bawaan = TruncMonth("waktu_rujuk", output_field=DateField(), tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))
    return Case(
        *[When(puskesmas__zona_waktu=z.value,
               then=TruncMonth("waktu_rujuk", output_field=DateField(), tzinfo=zoneinfo.ZoneInfo(z.value)))
          for z in ZonaWaktu],
        default=bawaan, output_field=DateField(),
    )


def _ukuran_persalinan() -> dict:
    bermitra = Q(kemitraan__isnull=False)
    out = {
        "persalinan_jumlah": Count("id"),
        "persalinan_nakes": Count("id", filter=Q(penolong__in=PENOLONG_NAKES)),
        "persalinan_fasilitas": Count("id", filter=Q(tempat__in=TEMPAT_FASILITAS)),
        "persalinan_dukun_sendiri": Count("id", filter=Q(penolong=Penolong.DUKUN)),
        "persalinan_bermitra": Count("id", filter=bermitra),
        "jasa_dibayar": Count("id", filter=bermitra & Q(jasa_dukun_tanggal__isnull=False)),
        "jasa_jumlah": Sum("jasa_dukun_jumlah", filter=Q(jasa_dukun_tanggal__isnull=False)),
    }
    for o in Penolong:
        out[f"persalinan_penolong_{o.value}"] = Count("id", filter=Q(penolong=o))
    for t in TempatPersalinan:
        out[f"persalinan_tempat_{t.value}"] = Count("id", filter=Q(tempat=t))
    return out


def _ukuran_rujukan() -> dict:
    out = {
        "rujukan_jumlah": Count("id"),
        "rujukan_dari_dukun": Count("id", filter=Q(jenis=JenisRujukan.DUKUN_KE_BIDAN)),
        "rujukan_sampai": Count("id", filter=Q(status__in=[StatusRujukan.DITERIMA, StatusRujukan.DITANGANI])),
        "rujukan_ditolak": Count("id", filter=Q(status=StatusRujukan.DITOLAK_KELUARGA)),
        "rujukan_tidak_sampai": Count("id", filter=Q(status=StatusRujukan.TIDAK_SAMPAI)),
    }
    for a in AlasanPenolakan:
        out[f"rujukan_alasan_{a.value}"] = Count(
            "id", filter=Q(status=StatusRujukan.DITOLAK_KELUARGA, alasan_penolakan=a)
        )
    return out


def _ukuran_bayi() -> dict:
    hidup = Q(status_lahir=StatusLahir.LAHIR_HIDUP)
    return {
        "bayi_jumlah": Count("id"),
        "lahir_hidup": Count("id", filter=hidup),
        "lahir_mati": Count("id", filter=Q(status_lahir=StatusLahir.LAHIR_MATI)),
        "bblr": Count("id", filter=hidup & Q(berat_lahir_gram__lt=BBLR_GRAM)),
        "kn1": Count("id", filter=hidup & Q(kn1_diterima=True)),
        "kn_lengkap": Count("id", filter=hidup & Q(kn_lengkap=True)),
    }


def _sumber(a: dt.date | None, b: dt.date | None) -> list[tuple[QuerySet, object, dict]]:
    """(rows, month expression, aggregates) per source; `a`–`b` bounds the months (None: every month)."""

    def antara(path: str) -> Q:
        if a is None:
            return Q()
        return Q(**{f"{path}__gte": a, f"{path}__lte": b})

    # A referral's local month may begin up to a day before or after its UTC date: widen, the group key decides.
    rujuk = Q() if a is None else Q(waktu_rujuk__date__gte=a - dt.timedelta(days=1),
                                     waktu_rujuk__date__lte=b + dt.timedelta(days=1))
    meninggal_ibu = Coalesce("tanggal_meninggal_ibu", "tanggal")
    return [
        (Persalinan.objects.filter(antara("tanggal")), TruncMonth("tanggal", output_field=DateField()),
         _ukuran_persalinan()),
        # A mother's death counts in the month she died (the delivery's date when the date is missing).
        (Persalinan.objects.filter(status_ibu=StatusIbu.MENINGGAL).filter(
            Q() if a is None
            else antara("tanggal_meninggal_ibu") | (Q(tanggal_meninggal_ibu__isnull=True) & antara("tanggal"))),
         TruncMonth(meninggal_ibu, output_field=DateField()), {"kematian_ibu": Count("id")}),
        (Bayi.objects.filter(antara("persalinan__tanggal")),
         TruncMonth(F("persalinan__tanggal"), output_field=DateField()), _ukuran_bayi()),
        # Deaths of babies born alive count in the month they happened.
        (Bayi.objects.filter(status_lahir=StatusLahir.LAHIR_HIDUP, tanggal_meninggal__isnull=False)
         .filter(antara("tanggal_meninggal")),
         TruncMonth("tanggal_meninggal", output_field=DateField()),
         {"kematian_neonatal": Count("id", filter=Q(umur_meninggal_hari__lte=NEONATAL_HARI)),
          "kematian_bayi": Count("id", filter=Q(umur_meninggal_hari__lte=BAYI_HARI))}),
        (Rujukan.objects.filter(rujuk), _bulan_rujukan(), _ukuran_rujukan()),
    ]


def _tanggal(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value


def hitung_dari_mentah(*, lingkup: Q, a: dt.date | None = None, b: dt.date | None = None) -> dict[Sel, dict]:
    """{cell: {column: value}} for the raw rows in `lingkup` (on `puskesmas`/`kelurahan`) and months a–b.

    One GROUP BY query per source (five), whatever the number of cells or records. Only cells with at
    least one record appear; their other columns are 0.
    """
    hasil: dict[Sel, dict] = {}
    for qs, bulan, agregat in _sumber(a, b):
        rows = (qs.filter(lingkup).order_by().annotate(_bulan=bulan)
                .values("puskesmas_id", "kelurahan_id", "_bulan").annotate(**agregat))
        for row in rows:
            sel = (row.pop("puskesmas_id"), row.pop("kelurahan_id"), _tanggal(row.pop("_bulan")))
            target = hasil.get(sel)
            if target is None:
                target = hasil[sel] = dict.fromkeys(KOLOM, 0)
                target["jasa_jumlah"] = Decimal(0)
            for k, v in row.items():
                target[k] = v if v is not None else target[k]
    return hasil


def _hitung_sel(sel: set[Sel]) -> dict[Sel, dict]:
    kel = sorted({k for _p, k, _b in sel})
    bulan = [b for _p, _k, b in sel]
    a, b = min(bulan), _akhir_bulan(max(bulan))
    hasil = {}
    for i in range(0, len(kel), BATCH):
        hasil.update(hitung_dari_mentah(lingkup=Q(kelurahan__in=kel[i:i + BATCH]), a=a, b=b))
    return {s: v for s, v in hasil.items() if s in sel}


def _akhir_bulan(bulan: dt.date) -> dt.date:
    berikut = dt.date(bulan.year + bulan.month // 12, bulan.month % 12 + 1, 1)
    return berikut - dt.timedelta(days=1)


# --- Writing cells ------------------------------------------------------------------------------------


def _kunci_lanjut(sel: Sel) -> int:
    """A signed 64-bit key per cell for pg_advisory_xact_lock."""
    p, k, b = sel
    digest = hashlib.blake2b(f"ringkasan:{p}:{k}:{b:%Y-%m}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _kunci_sel(sel: set[Sel]) -> None:
    if connection.vendor != "postgresql":
        return  # SQLite: one writer at a time already
    kunci = sorted({_kunci_lanjut(s) for s in sel})
    tabel = connection.ops.quote_name(RingkasanBulanan._meta.db_table)
    with connection.cursor() as cursor:
        # In sorted key order: two recomputes sharing cells queue on the first shared one, never crosswise.
        cursor.execute(
            "SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT unnest(%s::bigint[]) AS k ORDER BY 1) AS s",
            [kunci],
        )
        # Against a full rebuild (EXCLUSIVE): taken before reading, so neither overwrites a newer reading.
        cursor.execute(f"LOCK TABLE {tabel} IN ROW EXCLUSIVE MODE")


def _tulis(hasil: dict[Sel, dict]) -> None:
    objs = [RingkasanBulanan(puskesmas_id=p, kelurahan_id=k, bulan=b, **nilai) for (p, k, b), nilai in hasil.items()]
    RingkasanBulanan.objects.bulk_create(
        objs, batch_size=BATCH, update_conflicts=True, unique_fields=["puskesmas", "kelurahan", "bulan"],
        update_fields=KOLOM,
    )


def _hapus(sel: Iterable[Sel]) -> None:
    per: dict[tuple[int, str], list[dt.date]] = defaultdict(list)
    for p, k, b in sel:
        per[(p, k)].append(b)
    kondisi = [Q(puskesmas_id=p, kelurahan_id=k, bulan__in=sorted(b)) for (p, k), b in sorted(per.items())]
    for i in range(0, len(kondisi), 200):
        RingkasanBulanan.objects.filter(reduce(or_, kondisi[i:i + 200])).delete()


def _rapikan(sel: Iterable[tuple]) -> set[Sel]:
    return {(int(p), str(k), awal_bulan(_tanggal(b))) for p, k, b in sel if p is not None and k is not None}


def ringkasan_hitung_ulang(sel: Iterable[tuple[int, str, dt.date]]) -> int:
    """Recompute these cells from the raw records (any day of the month names its month).

    One transaction: the cells' locks, one GROUP BY per source for all of them, one upsert; a cell with
    no record any more is deleted. Returns the number of cells written.
    """
    sel = _rapikan(sel)
    if not sel:
        return 0
    with transaction.atomic():
        _kunci_sel(sel)
        hasil = _hitung_sel(sel)
        _tulis(hasil)
        kosong = sel - set(hasil)
        if kosong:
            _hapus(kosong)
    return len(hasil)


def _kelompok_puskesmas(puskesmas_ids: Iterable[int] | None) -> Iterator[Q]:
    if puskesmas_ids is None:
        yield Q()
        return
    ids = sorted(set(puskesmas_ids))
    for i in range(0, len(ids), KELOMPOK_PUSKESMAS):
        yield Q(puskesmas__in=ids[i:i + KELOMPOK_PUSKESMAS])


def ringkasan_bangun_ulang(puskesmas_ids: Iterable[int] | None = None) -> int:
    """Rebuild the summary of these Puskesmas (None: every one) from the raw records; returns the cells written.

    For the generator and a first deployment. Takes the summary table in EXCLUSIVE mode on PostgreSQL, so
    cell recomputes wait for it (and it for them).
    """
    n = 0
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                tabel = connection.ops.quote_name(RingkasanBulanan._meta.db_table)
                cursor.execute(f"LOCK TABLE {tabel} IN EXCLUSIVE MODE")
        for lingkup in _kelompok_puskesmas(puskesmas_ids):
            RingkasanBulanan.objects.filter(lingkup).delete()
            hasil = hitung_dari_mentah(lingkup=lingkup)
            RingkasanBulanan.objects.bulk_create(
                [RingkasanBulanan(puskesmas_id=p, kelurahan_id=k, bulan=b, **v) for (p, k, b), v in hasil.items()],
                batch_size=BATCH,
            )
            n += len(hasil)
    return n


# --- Differences (the check command) -------------------------------------------------------------------


def _sama(a, b) -> bool:
    return (a or 0) == (b or 0)


def cari_selisih(puskesmas_ids: Iterable[int] | None = None) -> list[tuple[Sel, str, object, object]]:
    """Every (cell, column, stored, recomputed) that differs; a missing row counts as zeros.

    Per group of Puskesmas: five GROUP BY queries over the raw records and one read of the summary.
    """
    selisih = []
    for lingkup in _kelompok_puskesmas(puskesmas_ids):
        dihitung = hitung_dari_mentah(lingkup=lingkup)
        tersimpan = {
            (r.pop("puskesmas_id"), r.pop("kelurahan_id"), r.pop("bulan")): r
            for r in RingkasanBulanan.objects.filter(lingkup).values("puskesmas_id", "kelurahan_id", "bulan", *KOLOM)
        }
        for sel in sorted(set(dihitung) | set(tersimpan)):
            a, b = tersimpan.get(sel, {}), dihitung.get(sel, {})
            for kolom in KOLOM:
                if not _sama(a.get(kolom), b.get(kolom)):
                    selisih.append((sel, kolom, a.get(kolom, 0), b.get(kolom, 0)))
    return selisih


# --- After the writer's commit -------------------------------------------------------------------------


class _Tertunda:
    """The cells one transaction touched, recomputed in one call once it commits."""

    def __init__(self) -> None:
        self.sel: set[Sel] = set()

    def __call__(self) -> None:
        sel, self.sel = self.sel, set()
        ringkasan_hitung_ulang(sel)


def _hanya_pembungkus_tes(conn) -> bool:
    """True when the only open atomic blocks are a test's wrapper (TestCase / pytest-django's `db`).

    Only under such a wrapper, blocks without a savepoint are looked through: the ORM opens them around
    one delete or one save of a multi-table row, not as a transaction of the application.
    """
    blocks = conn.atomic_blocks
    return bool(blocks) and getattr(blocks[0], "_from_testcase", False) and all(
        getattr(a, "_from_testcase", False) or not a.savepoint for a in blocks
    )


def jadwalkan(sel: Iterable[tuple]) -> None:
    """Recompute these cells after the current transaction commits (now, outside one); merged per transaction."""
    sel = _rapikan(sel)
    if not sel:
        return
    conn = transaction.get_connection()
    if not conn.in_atomic_block or _hanya_pembungkus_tes(conn):
        ringkasan_hitung_ulang(sel)
        return
    for _sids, func, _robust in conn.run_on_commit:
        if isinstance(func, _Tertunda):
            func.sel |= sel
            return
    tertunda = _Tertunda()
    tertunda.sel |= sel
    # Robust: the writer's data is committed by then; a failed recompute is logged and `ringkasan_periksa` finds it.
    transaction.on_commit(tertunda, robust=True)


def selesaikan_tertunda() -> None:
    """Under a test's wrapping transaction, run the recomputes the application's finished transaction left.

    In production the outermost transaction's commit has already run them (or will: a caller's transaction
    is still open), so this does nothing.
    """
    conn = transaction.get_connection()
    if not conn.in_atomic_block or not _hanya_pembungkus_tes(conn):
        return
    tertunda = [item for item in conn.run_on_commit if isinstance(item[1], _Tertunda)]
    if not tertunda:
        return
    conn.run_on_commit = [item for item in conn.run_on_commit if not isinstance(item[1], _Tertunda)]
    for _sids, func, _robust in tertunda:
        func()
