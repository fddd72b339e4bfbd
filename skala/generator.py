"""A synthetic, province-sized data set on the real Kemendagri regions, written in bulk.

`bangun()` builds it; `hapus()` removes it. Generated Puskesmas carry the code prefix "SKL-": every other
generated row hangs off them (their kelurahan, facilities, bidan, dukun, meetings, mothers …), which is how the
guard recognises an earlier run and how `hapus()` finds what to delete. No history rows are written.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from zoneinfo import ZoneInfo

from django.apps import apps
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from dukun.models import Dukun
from kemitraan.models import (
    AnggaranDana,
    KehadiranBidan,
    KehadiranDukun,
    Kemitraan,
    LampiranPertemuan,
    Pelatihan,
    PemberianKit,
    PengeluaranDana,
    PenghargaanSanksi,
    Pertemuan,
    PesertaLintasSektor,
    RencanaPertemuan,
    Sarana,
    TindakLanjut,
)
from kia.models import Bayi, Ibu, KajianKasus, Kehamilan, Persalinan, Rujukan, Sasaran
from laporan.models import CatatanLaporan, LaporanBulanan, Unduhan
from puskesmas.models import Bidan, Fasilitas, Kabupaten, Kelurahan, Provinsi, Puskesmas, zona_waktu_provinsi
from ringkasan.models import RingkasanBulanan
from ringkasan.services import ringkasan_bangun_ulang
from skala.kia import buat_kia, jumlah_lahir
from skala.program import buat_program
from skala.struktur import (
    PREFIKS,
    Dunia,
    buat_bidan,
    buat_dukun,
    buat_fasilitas,
    buat_puskesmas,
    pilih_wilayah,
)
from skala.tulis import Penulis


class GalatSkala(Exception):
    """The generator cannot run as asked (no regions loaded, data already there, a bad year)."""


def puskesmas_buatan() -> QuerySet[Puskesmas]:
    return Puskesmas.objects.filter(kode__startswith=PREFIKS)


def rentang(tahun_akhir: int | None, hari_ini: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """Five full years ending `tahun_akhir` (default: last year), plus this year's days up to yesterday."""
    hari_ini = hari_ini or timezone.localdate()
    kemarin = hari_ini - dt.timedelta(days=1)
    tahun_akhir = tahun_akhir or hari_ini.year - 1
    if tahun_akhir > hari_ini.year:
        raise GalatSkala(f"--tahun-akhir {tahun_akhir} masih di masa depan.")
    batas = kemarin if tahun_akhir >= hari_ini.year - 1 else dt.date(tahun_akhir, 12, 31)
    return dt.date(tahun_akhir - 4, 1, 1), batas


def bangun(*, skala: float, seed: int = 1, provinsi: str = "32", tahun_akhir: int | None = None,
           log: Callable[[str], None] = print) -> Counter:
    """Build the synthetic province; returns the number of rows written per model."""
    if skala <= 0:
        raise GalatSkala("--scale harus lebih dari 0.")
    if not Provinsi.objects.filter(kode=provinsi).exists() or not Kelurahan.objects.filter(
        kabupaten__provinsi=provinsi
    ).exists():
        raise GalatSkala(f"Wilayah provinsi {provinsi} belum dimuat: jalankan `manage.py load_wilayah "
                         f"--provinsi {provinsi}` lebih dulu.")
    if puskesmas_buatan().exists():
        raise GalatSkala("Data sintetis sudah ada (Puskesmas berkode SKL-). Tambahkan --hapus untuk membuangnya "
                         "dan membangun ulang.")
    mulai, batas = rentang(tahun_akhir)
    d = Dunia(seed=seed, skala=skala, provinsi=provinsi, mulai=mulai, batas=batas,
              zona=ZoneInfo(zona_waktu_provinsi(provinsi)), penulis=Penulis())
    t0 = time.monotonic()

    def catat(pesan: str) -> None:
        log(f"[{time.monotonic() - t0:7.1f} s] {pesan}")

    nama_kab = dict(Kabupaten.objects.filter(provinsi=provinsi).values_list("kode", "nama"))
    # All or nothing: a failed run leaves no half-built province behind.
    with transaction.atomic():
        wilayah = pilih_wilayah(d)
        if not wilayah:
            raise GalatSkala(f"Tidak ada kelurahan bebas di provinsi {provinsi}: semuanya sudah masuk wilayah kerja.")
        buat_puskesmas(d, wilayah)
        buat_fasilitas(d, nama_kab)
        buat_bidan(d)
        buat_dukun(d)
        catat(f"{len(d.pkm)} Puskesmas di {len(d.kabupaten)} kabupaten/kota, {len(d.kel)} kelurahan; "
              f"{d.penulis.jumlah['puskesmas.Bidan']} bidan, {d.penulis.jumlah['dukun.Dukun']} dukun "
              f"({mulai:%d-%m-%Y} s.d. {batas:%d-%m-%Y})")
        for kab in d.kabupaten:
            buat_program(d, kab)
        lahir = jumlah_lahir(d)
        _sasaran(d, lahir)
        catat(f"program kemitraan: {d.penulis.jumlah['kemitraan.Pertemuan']} pertemuan; sasaran tahunan")
        with _muat_cepat(d.penulis, catat), d.penulis.latar():
            for kab in d.kabupaten:
                ibu_lama: dict[str, list] = {}
                for tahun in d.tahun:
                    buat_kia(d, kab, tahun, lahir, ibu_lama)
                catat(f"{nama_kab[kab]}: {d.penulis.jumlah['kia.Persalinan']} persalinan sejauh ini")
        # The COPY above sends no signals: the monthly summary of the new Puskesmas is built in one pass.
        sel = ringkasan_bangun_ulang(puskesmas_ids=list(puskesmas_buatan().values_list("pk", flat=True)))
        catat(f"ringkasan bulanan: {sel} sel")
    if d.penulis.pg:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    catat("selesai; waktu tulis per tabel: " + ", ".join(
        f"{k} {v:.1f} s" for k, v in d.penulis.detik.most_common(8)))
    return d.penulis.jumlah


APLIKASI = {"puskesmas", "dukun", "kemitraan", "kia", "laporan"}
TABEL_KIA = (Ibu, Kehamilan, Rujukan, Persalinan, Bayi, KajianKasus)


@contextmanager
def _muat_cepat(penulis: Penulis, catat: Callable[[str], None]):
    """On PostgreSQL, load the KIA tables the way a bulk load should: secondary (non-unique) indexes dropped and
    rebuilt once at the end, foreign-key triggers off (session_replication_role = replica) and every foreign key
    then checked in one anti-join per column. Inside the caller's transaction, so a failure restores the indexes.
    Other sessions wait on these tables meanwhile (DROP INDEX locks them): run it on a database set aside for it.
    """
    if not penulis.pg:
        yield
        return
    tabel = [m._meta.db_table for m in TABEL_KIA]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        cursor.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid), i.indexrelid::regclass::text FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indrelid WHERE c.relname = ANY(%s) AND NOT i.indisprimary "
            "AND NOT i.indisunique ORDER BY 1, 3", [tabel])
        indeks = cursor.fetchall()
        for _t, _def, nama in indeks:
            cursor.execute(f"DROP INDEX {nama}")
        cursor.execute("SET LOCAL session_replication_role = replica")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = origin")
        catat(f"membangun ulang {len(indeks)} indeks")
        for _t, definisi, _nama in indeks:
            cursor.execute(definisi)
        catat("memeriksa setiap foreign key tabel KIA")
    periksa_fk(lambda f: f.model in TABEL_KIA)
    catat("indeks dan foreign key beres")


def periksa_fk(pilih: Callable) -> None:
    """One anti-join per foreign-key column chosen by `pilih(field)`: raise if a row points at nothing.

    Needed wherever the load ran with the foreign-key triggers off."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in apps.get_models():
            if model._meta.app_label not in APLIKASI or model._meta.proxy:
                continue
            for f in model._meta.concrete_fields:
                if not f.is_relation or not getattr(f, "db_constraint", False) or not pilih(f):
                    continue
                target = f.related_model._meta
                cursor.execute(
                    f"SELECT count(*) FROM {qn(model._meta.db_table)} t WHERE t.{qn(f.column)} IS NOT NULL AND NOT "
                    f"EXISTS (SELECT 1 FROM {qn(target.db_table)} r WHERE r.{qn(f.target_field.column)} = "
                    f"t.{qn(f.column)})")
                yatim = cursor.fetchone()[0]
                if yatim:
                    raise GalatSkala(f"{yatim} baris {model._meta.label}.{f.name} menunjuk baris yang tidak ada.")


def _sasaran(d: Dunia, lahir: dict) -> None:
    """Targets per kelurahan and year, slightly above or below what then happens (a full year's, this year)."""
    rows = []
    for k in d.kel.values():
        rng = d.rng("sasaran", k.kode)
        for tahun in d.tahun:
            n = lahir[k.kode][tahun]
            a, b = max(d.mulai, dt.date(tahun, 1, 1)), min(d.batas, dt.date(tahun, 12, 31))
            n = n * 365 // max(1, (b - a).days + 1)
            bersalin = max(1, round(n * rng.uniform(0.93, 1.08)))
            rows.append((tahun, k.kode, k.pkm, round(bersalin * 1.10 / 1.05), bersalin, round(bersalin / 1.05)))
    d.penulis.tulis(Sasaran, ["tahun", "kelurahan_id", "puskesmas_id", "ibu_hamil", "ibu_bersalin",
                              "bayi_baru_lahir"], rows)


# --- Deleting what was generated --------------------------------------------------------------------


def _hapus_qs(qs: QuerySet) -> int:
    """DELETE … WHERE pk IN (the queryset): no signals, no cascade collection, no history rows."""
    sql, params = qs.order_by().values("pk").query.sql_with_params()
    qn = connection.ops.quote_name
    meta = qs.model._meta
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {qn(meta.db_table)} WHERE {qn(meta.pk.column)} IN ({sql})", params)
        return cursor.rowcount


def hapus(log: Callable[[str], None] = print) -> Counter:
    """Delete every row hanging off the generated Puskesmas (children first), then the Puskesmas themselves."""
    pkm = list(puskesmas_buatan().values_list("pk", flat=True))
    hasil: Counter = Counter()
    if not pkm:
        return hasil
    di = {"puskesmas__in": pkm}
    langkah = [
        (RingkasanBulanan, di),
        (KajianKasus, di), (Bayi, di), (Persalinan, di), (Rujukan, di), (Kehamilan, di), (Ibu, di), (Sasaran, di),
        (Unduhan, di), (CatatanLaporan, di), (LaporanBulanan, di),
        (PengeluaranDana, {"anggaran__puskesmas__in": pkm}), (AnggaranDana, di),
        (TindakLanjut, {"pertemuan__puskesmas__in": pkm}), (PesertaLintasSektor, {"pertemuan__puskesmas__in": pkm}),
        (KehadiranBidan, {"pertemuan__puskesmas__in": pkm}), (KehadiranDukun, {"pertemuan__puskesmas__in": pkm}),
        (LampiranPertemuan, {"pertemuan__puskesmas__in": pkm}), (Pertemuan, di), (RencanaPertemuan, di),
        (PenghargaanSanksi, di), (Pelatihan.peserta_bidan.through, {"pelatihan__puskesmas__in": pkm}),
        (Pelatihan.peserta_dukun.through, {"pelatihan__puskesmas__in": pkm}), (Pelatihan, di), (PemberianKit, di),
        (Sarana, di), (Kemitraan, di),
        (Dukun.dikenal_oleh.through, {"dukun__kelurahan__puskesmas__in": pkm}),
        (Dukun, {"kelurahan__puskesmas__in": pkm}),
        (Bidan.kelurahan_layanan.through, {"bidan__puskesmas__in": pkm}), (Bidan, di), (Fasilitas, di),
    ]
    dihapus = {model for model, _k in langkah} | {Puskesmas}
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Children go first and every reference is checked below, so the per-row triggers can rest.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
        for model, kondisi in langkah:
            n = _hapus_qs(model.objects.filter(**kondisi))
            if n:
                hasil[model._meta.label] += n
        hasil["puskesmas.Kelurahan (dilepas)"] = Kelurahan.objects.filter(puskesmas__in=pkm).update(puskesmas=None)
        hasil["puskesmas.Puskesmas"] = _hapus_qs(Puskesmas.objects.filter(pk__in=pkm))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = origin")
            # A row made outside the generator (a user, a report) that still points at what went: refuse.
            periksa_fk(lambda f: f.related_model in dihapus)
    log(f"Dihapus: {sum(v for k, v in hasil.items() if 'dilepas' not in k)} baris data sintetis.")
    return hasil
