#!/usr/bin/env python
"""Benchmark of the delivery register import: 100,000 rows, then the same file again.

Creates its own region (provinsi 99 "Provinsi Uji Benchmark", one kabupaten, five Puskesmas of ten
kelurahan each, a Dinkes user, a bidan koordinator and a Kepala Puskesmas per Puskesmas), removes
the deliveries a previous run imported there, writes a register with a realistic mix (about 2% of
the rows are twins, a few dukun-alone deliveries, maternal and neonatal deaths, stillbirths, mothers
with and without NIK, some of them with an earlier delivery in the file), and times
`import_persalinan --user` on the configured database: wall time, queries, peak memory (RSS), then
the re-import (which must change nothing).

    createdb -h 127.0.0.1 -U root kemitraan_bench_import
    DATABASE_URL=postgres://root@127.0.0.1:5432/kemitraan_bench_import .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://root@127.0.0.1:5432/kemitraan_bench_import .venv/bin/python \\
        scripts/bench_import_persalinan.py [--rows 100000] [--keep FILE.csv]

It refuses a database whose name does not contain "bench" (pass --force to override): although it
only ever deletes rows of its own provinsi 99, a benchmark has no business in a real database.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import random
import resource
import secrets
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Production settings refuse a short key; a random one per run is enough for a benchmark.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from kemitraan.models import Notifikasi  # noqa: E402
from kia import importer  # noqa: E402
from kia.importer import PERSALINAN_KOLOM  # noqa: E402
from kia.management.commands import import_persalinan as perintah  # noqa: E402
from kia.models import Bayi, Ibu, KajianKasus, Persalinan  # noqa: E402
from puskesmas.models import Kabupaten, Kecamatan, Kelurahan, Provinsi, Puskesmas, Role, User  # noqa: E402

PROVINSI, KABUPATEN = "99", "99.01"
N_PUSKESMAS, KELURAHAN_PER_PUSKESMAS = 5, 10
DINKES = "bench_dinkes"
KOLOM = [*PERSALINAN_KOLOM, "jenis_kelamin", "tanggal_meninggal_ibu"]


def siapkan_wilayah() -> list[str]:
    """The benchmark's own region, Puskesmas and users (idempotent); returns the kelurahan codes."""
    prov, _c = Provinsi.objects.get_or_create(kode=PROVINSI, defaults={"nama": "Provinsi Uji Benchmark"})
    kab, _c = Kabupaten.objects.get_or_create(kode=KABUPATEN, defaults={"nama": "Kota Uji", "provinsi": prov})
    kode_kelurahan = []
    for i in range(1, N_PUSKESMAS + 1):
        kec, _c = Kecamatan.objects.get_or_create(kode=f"{KABUPATEN}.{i:02d}",
                                                  defaults={"nama": f"Kecamatan Uji {i}", "kabupaten": kab})
        pkm, _c = Puskesmas.objects.get_or_create(kode=f"BENCH{i}", defaults={
            "nama": f"Puskesmas Uji {i}", "kabupaten": kab, "zona_waktu": "Asia/Jakarta"})
        for j in range(1, KELURAHAN_PER_PUSKESMAS + 1):
            kode = f"{kec.kode}.{1000 + j}"
            Kelurahan.objects.update_or_create(kode=kode, defaults={
                "nama": f"Kelurahan Uji {i}-{j}", "kecamatan": kec, "kabupaten": kab, "puskesmas": pkm})
            kode_kelurahan.append(kode)
        for role, nama in ((Role.BIDAN_KOORDINATOR, "bikor"), (Role.KEPALA_PUSKESMAS, "kapus")):
            User.objects.get_or_create(username=f"bench_{nama}_{i}", defaults={"role": role, "puskesmas": pkm})
    User.objects.get_or_create(username=DINKES, defaults={"role": Role.DINKES, "kabupaten": kab})
    return kode_kelurahan


def hapus_impor_lama(kode_kelurahan: list[str]) -> None:
    """Remove what an earlier run imported into the benchmark's kelurahan (raw deletes: no per-row history)."""
    notif = Notifikasi.objects.filter(penerima__username__startswith="bench_")
    notif._raw_delete(notif.db)
    for model in (KajianKasus, Bayi, Persalinan, Ibu):
        for manager in (model.history, model.objects):
            qs = manager.filter(kelurahan__in=kode_kelurahan)
            qs._raw_delete(qs.db)


def _nik(rng: random.Random, kode_kelurahan: str, lahir: dt.date, nomor: int) -> str:
    wilayah = kode_kelurahan.replace(".", "")[:6]
    return f"{wilayah}{lahir.day + 40:02d}{lahir.month:02d}{lahir.year % 100:02d}{nomor % 9999 + 1:04d}"


def tulis_register(path: Path, rows: int, kode_kelurahan: list[str], seed: int = 2026) -> dict:
    """A register of `rows` babies: ~1% of deliveries are twins (~2% of the rows)."""
    rng = random.Random(seed)
    today = timezone.localdate()
    hitung = {"persalinan": 0, "kembar": 0, "dukun": 0, "ibu_meninggal": 0, "neonatal": 0, "lahir_mati": 0}
    ibu_lalu: list[tuple[str, str, str, int, dt.date]] = []  # mothers with a NIK, for a later delivery
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(KOLOM)
        n = 0
        while n < rows:
            hitung["persalinan"] += 1
            pid = f"BENCH-{hitung['persalinan']:07d}"
            tanggal = today - dt.timedelta(days=rng.randint(30, 730))
            if ibu_lalu and rng.random() < 0.05:  # her second delivery, in the same kelurahan
                kel, nama, nik, umur, dulu = ibu_lalu.pop(rng.randrange(len(ibu_lalu)))
                tanggal = max(tanggal, dulu + dt.timedelta(days=300))
                if tanggal > today - dt.timedelta(days=30):
                    tanggal = today - dt.timedelta(days=30)
                umur = umur + (tanggal - dulu).days // 365
            else:
                kel = rng.choice(kode_kelurahan)
                nama = f"Ibu Uji {hitung['persalinan']}"
                umur = rng.randint(16, 44)
                lahir = tanggal - dt.timedelta(days=365 * umur + rng.randint(0, 300))
                nik = _nik(rng, kel, lahir, hitung["persalinan"]) if rng.random() < 0.6 else ""
                if nik:
                    ibu_lalu.append((kel, nama, nik, umur, tanggal))
            r = rng.random()
            if r < 0.03:
                tempat, penolong = "rumah", "dukun"
                hitung["dukun"] += 1
            elif r < 0.04:
                tempat, penolong = rng.choice(["rumah", "perjalanan"]), "keluarga"
            elif r < 0.16:
                tempat, penolong = rng.choice(["rumah", "pmb", "puskesmas"]), "bidan_dukun"
            elif r < 0.28:
                tempat, penolong = "rs", "dokter"
            else:
                tempat, penolong = rng.choice(["puskesmas", "puskesmas", "pustu", "poskesdes", "pmb", "rs"]), "bidan"
            meninggal = rng.random() < 0.002
            hitung["ibu_meninggal"] += meninggal
            status_ibu = "meninggal" if meninggal else "hidup"
            tgl_ibu = (tanggal + dt.timedelta(days=rng.randint(0, 3))).isoformat() if meninggal else ""
            kembar = rng.random() < 0.01 and n + 2 <= rows
            hitung["kembar"] += kembar
            for urutan in range(1, 3 if kembar else 2):
                bid = f"{pid}/{urutan}" if kembar else pid
                mati = rng.random() < 0.01
                berat = "" if rng.random() < 0.02 else str(
                    rng.randint(1500, 2450) if kembar or rng.random() < 0.08 else rng.randint(2500, 4200))
                tgl_bayi, kn = "", "0"
                if mati:
                    status_bayi = "lahir_mati"
                    hitung["lahir_mati"] += 1
                else:
                    status_bayi = "lahir_hidup"
                    if rng.random() < 0.005:
                        tgl_bayi = (tanggal + dt.timedelta(days=rng.randint(0, 28))).isoformat()
                        hitung["neonatal"] += 1
                    elif rng.random() < 0.8:
                        kn = "1"
                w.writerow([bid, kel, nama, nik, umur, tanggal.isoformat(), tempat, penolong, status_ibu,
                            status_bayi, berat, tgl_bayi, kn, rng.choice("lp"), tgl_ibu])
                n += 1
    return hitung


class Penghitung:
    """Counts the SQL statements run (DEBUG off: no connection.queries)."""

    def __init__(self):
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Tahap:
    """Times the phases of the import (check, write, alerts) by wrapping its methods for the run."""

    def __init__(self):
        self.detik: dict[str, float] = {}

    def bungkus(self, owner, name: str, label: str):
        asli = getattr(owner, name)

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return asli(*args, **kwargs)
            finally:
                self.detik[label] = self.detik.get(label, 0.0) + time.perf_counter() - start

        setattr(owner, name, timed)
        return lambda: setattr(owner, name, asli)


def impor(path: Path, label: str) -> None:
    out = io.StringIO()
    penghitung, tahap = Penghitung(), Tahap()
    pulihkan = [
        tahap.bungkus(perintah, "baca_persalinan", "read"),
        tahap.bungkus(importer._Pemeriksa, "jalankan", "check"),
        tahap.bungkus(importer._Pemeriksa, "tulis", "write+alerts"),
        tahap.bungkus(importer.services, "naikkan_kajian", "alerts"),
    ]
    sebelum, cpu = rss_mb(), cpu_s()
    start = time.perf_counter()
    try:
        with connection.execute_wrapper(penghitung):
            call_command("import_persalinan", str(path), user=DINKES, stdout=out)
    finally:
        for f in pulihkan:
            f()
    detik = time.perf_counter() - start
    print(f"{label}: {detik:.1f} s wall ({cpu_s() - cpu:.1f} s CPU in this process), {penghitung.n} queries, "
          f"peak RSS {rss_mb():.0f} MB (before: {sebelum:.0f} MB)")
    print("    phases: " + ", ".join(f"{k} {v:.1f} s" for k, v in tahap.detik.items()))
    print(f"    {out.getvalue().strip()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="write the generated register here (and keep it)")
    parser.add_argument("--force", action="store_true", help="run on a database whose name lacks 'bench'")
    args = parser.parse_args()

    db = connection.settings_dict
    if "bench" not in str(db["NAME"]) and not args.force:
        sys.exit(f"Refusing to run on database {db['NAME']!r}: use a database named *bench* (or --force).")
    print(f"Database: {db['ENGINE'].rsplit('.', 1)[-1]} {db['NAME']}; {args.rows:,} rows")

    kode_kelurahan = siapkan_wilayah()
    hapus_impor_lama(kode_kelurahan)
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "register.csv"
        start = time.perf_counter()
        hitung = tulis_register(path, args.rows, kode_kelurahan)
        print(f"Register written in {time.perf_counter() - start:.1f} s ({path.stat().st_size / 2**20:.1f} MB): "
              + ", ".join(f"{k} {v:,}" for k, v in hitung.items()))
        impor(path, "First import")
        print(f"    in the database: {Persalinan.objects.filter(kelurahan__in=kode_kelurahan).count():,} deliveries, "
              f"{Bayi.objects.filter(kelurahan__in=kode_kelurahan).count():,} babies, "
              f"{Ibu.objects.filter(kelurahan__in=kode_kelurahan).count():,} mothers, "
              f"{KajianKasus.objects.filter(kelurahan__in=kode_kelurahan).count():,} alerts")
        impor(path, "Re-import (same file)")


if __name__ == "__main__":
    main()
