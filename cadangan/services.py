"""Backups that can be trusted, and bringing a fresh database back from one.

A backup is one directory `cadangan-YYYYmmddTHHMMSSZ/` holding
  basisdata.dump       PostgreSQL: `pg_dump --format=custom` (compressed, restored with pg_restore), or
  basisdata.sqlite3.gz SQLite: a copy made with the online backup API, gzipped;
  berkas.tar.gz        the private files (PRIVATE_MEDIA_ROOT: meeting attachments, rendered reports);
  manifest.json        when, which version, which engine, every file's size and SHA-256, row counts (and, on
                       PostgreSQL, a checksum) of the key tables;
  SHA256SUMS           the same hashes in `sha256sum -c` format, so a copy can be checked without the app.
It is written into a hidden directory next to its final place and renamed at the very end: a directory
named `cadangan-…` is complete, whatever happened to the machine while it was written.

Consistency: pg_dump reads one snapshot; the counts and checksums are read in a transaction that exports
that same snapshot (`pg_export_snapshot()` → `pg_dump --snapshot`), so they describe exactly what the dump
holds even while bidan keep saving. SQLite's backup API copies a consistent state page by page.
The private files are archived after the database: a report rendered in between is in the archive but not
in the dump, which is harmless (an orphan file), never the reverse for files that existed before.

Passwords reach pg_dump/pg_restore through the environment (PGPASSWORD), never on their command line,
where any local user could read them in the process list.
"""

from __future__ import annotations

import datetime as dt
import errno
import gzip
import hashlib
import json
import os
import platform
import re
import secrets
import shutil
import sqlite3
import subprocess
import tarfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import dj_database_url
import django
from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

AWALAN = "cadangan-"
FORMAT_NAMA = "%Y%m%dT%H%M%SZ"
BERKAS_PG = "basisdata.dump"
BERKAS_SQLITE = "basisdata.sqlite3.gz"
BERKAS_FILE = "berkas.tar.gz"
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
VERSI_FORMAT = 1

# The tables whose row counts (and on PostgreSQL checksums) the manifest records and a restore compares:
# the registers, the clinical records with a mother's history, and the approved reports.
TABEL_KUNCI = (
    "puskesmas.Puskesmas",
    "puskesmas.Kelurahan",
    "puskesmas.User",
    "puskesmas.Bidan",
    "dukun.Dukun",
    "kemitraan.Kemitraan",
    "kemitraan.Pertemuan",
    "kia.Ibu",
    "kia.HistoricalIbu",
    "kia.Kehamilan",
    "kia.Rujukan",
    "kia.Persalinan",
    "kia.Bayi",
    "kia.KajianKasus",
    "laporan.LaporanBulanan",
)

# libpq's own environment variables for the Django OPTIONS that matter to a connection.
_OPSI_PG = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY",
            "connect_timeout": "PGCONNECT_TIMEOUT"}


class CadanganGagal(Exception):
    """A backup or restore could not be made; the message says why in words an operator can act on."""


class CadanganDitolak(CadanganGagal):
    """A restore refused before touching anything: damaged backup, non-empty target, wrong engine."""


Lapor = Callable[[str], None]


def _diam(_pesan: str) -> None:
    return None


# --- Databases -------------------------------------------------------------------------------------


def _mesin(db: dict) -> str:
    engine = db["ENGINE"]
    if engine.endswith("postgresql"):
        return "postgresql"
    if engine.endswith("sqlite3"):
        return "sqlite"
    raise CadanganGagal(f"Mesin basis data {engine} tidak didukung: hanya PostgreSQL dan SQLite.")


def db_dari_url(url: str | None) -> dict:
    """The target as a Django settings dict: the URL given, else the app's own default database."""
    if url:
        return dj_database_url.parse(url)
    return connections[DEFAULT_DB_ALIAS].settings_dict


def _pg_env(db: dict) -> dict[str, str]:
    env = dict(os.environ)
    pairs = {"PGHOST": db.get("HOST"), "PGPORT": db.get("PORT"), "PGUSER": db.get("USER"),
             "PGPASSWORD": db.get("PASSWORD"), "PGDATABASE": db.get("NAME")}
    for opsi, var in _OPSI_PG.items():
        pairs[var] = (db.get("OPTIONS") or {}).get(opsi)
    for var, value in pairs.items():
        if value not in (None, ""):
            env[var] = str(value)
    return env


def _pg_connect(db: dict):
    import psycopg2

    opsi = {k: v for k, v in (db.get("OPTIONS") or {}).items() if k in _OPSI_PG}
    try:
        return psycopg2.connect(
            dbname=db["NAME"], user=db.get("USER") or None, password=db.get("PASSWORD") or None,
            host=db.get("HOST") or None, port=db.get("PORT") or None, **opsi,
        )
    except psycopg2.OperationalError as exc:
        raise CadanganGagal(f"Tidak dapat terhubung ke basis data {db['NAME']}: {str(exc).strip()}") from exc


def _tabel_kunci() -> list[tuple[str, str]]:
    """(table, primary key column) of every key table."""
    out = []
    for label in TABEL_KUNCI:
        meta = apps.get_model(label)._meta
        out.append((meta.db_table, meta.pk.column))
    return out


def _hitung_baris(cur, *, sidik: bool) -> tuple[dict[str, int], dict[str, str]]:
    """Row counts of the key tables through a DB-API cursor; with `sidik` (PostgreSQL) also a checksum of
    each table's content: the md5 of the rows' md5s in key order (32 bytes a row, so big tables fit in memory).
    A table the schema lacks counts as -1, so a restore into the wrong schema shows up as a difference."""
    jumlah: dict[str, int] = {}
    sidik_tabel: dict[str, str] = {}
    for tabel, pk in _tabel_kunci():
        if sidik:
            cur.execute("SELECT to_regclass(%s)", [tabel])
            if cur.fetchone()[0] is None:
                jumlah[tabel] = -1
                continue
            cur.execute(
                f'SELECT count(*), md5(coalesce(string_agg(md5(t::text), \'\' ORDER BY t."{pk}"), \'\')) '
                f'FROM "{tabel}" AS t'
            )
            jumlah[tabel], sidik_tabel[tabel] = cur.fetchone()
        else:
            cur.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", [tabel])
            if not cur.fetchone()[0]:
                jumlah[tabel] = -1
                continue
            cur.execute(f'SELECT count(*) FROM "{tabel}"')
            jumlah[tabel] = cur.fetchone()[0]
    return jumlah, sidik_tabel


def _pg_jumlah_tabel(db: dict) -> int:
    conn = _pg_connect(db)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
            )
            return cur.fetchone()[0]
    finally:
        conn.close()


def _sqlite_jumlah_tabel(path: Path) -> int:
    if not path.exists() or path.stat().st_size == 0:
        return 0
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
    finally:
        conn.close()


def hitung_basisdata(db: dict) -> tuple[dict[str, int], dict[str, str]]:
    """Row counts (and on PostgreSQL checksums) of the key tables in any database, not only the app's own."""
    if _mesin(db) == "postgresql":
        conn = _pg_connect(db)
        try:
            with conn.cursor() as cur:
                return _hitung_baris(cur, sidik=True)
        finally:
            conn.close()
    conn = sqlite3.connect(db["NAME"])
    try:
        return _hitung_baris(conn.cursor(), sidik=False)
    finally:
        conn.close()


def _perlu_program(program: str) -> None:
    if shutil.which(program) is None:
        raise CadanganGagal(
            f"{program} tidak ditemukan. Pasang klien PostgreSQL dengan versi yang sama atau lebih baru dari "
            f"servernya (Debian: apt-get install postgresql-client)."
        )


def _jalankan(perintah: list[str], *, env: dict[str, str], apa: str) -> None:
    _perlu_program(perintah[0])
    hasil = subprocess.run(perintah, env=env, capture_output=True, text=True, check=False)
    if hasil.returncode != 0:
        keluaran = (hasil.stderr or hasil.stdout).strip()
        awal = "Disk penuh. " if "No space left on device" in keluaran else ""
        raise CadanganGagal(f"{awal}{apa} gagal (kode {hasil.returncode}): " + " | ".join(keluaran.splitlines()[-5:]))


# --- Files and checksums ---------------------------------------------------------------------------


def sha256_berkas(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for blok in iter(lambda: f.read(1024 * 1024), b""):
            h.update(blok)
    return h.hexdigest()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _arsipkan_berkas(sumber: Path, tujuan: Path) -> int:
    """Every file under `sumber` into a tar.gz with paths relative to it; returns the number of files."""
    n = 0
    with tarfile.open(tujuan, "w:gz") as tar:
        if sumber.is_dir():
            for path in sorted(sumber.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    tar.add(path, arcname=path.relative_to(sumber).as_posix(), recursive=False)
                    n += 1
    return n


def versi_aplikasi() -> str:
    """APP_VERSION from the deployment, else `git describe` of the checkout, else unknown."""
    if os.environ.get("APP_VERSION"):
        return os.environ["APP_VERSION"]
    try:
        hasil = subprocess.run(["git", "describe", "--always", "--dirty", "--tags"], cwd=settings.BASE_DIR,
                               capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return "tidak diketahui"
    return hasil.stdout.strip() if hasil.returncode == 0 and hasil.stdout.strip() else "tidak diketahui"


# --- Backup ----------------------------------------------------------------------------------------


@dataclass
class HasilCadangan:
    direktori: Path
    manifest: dict
    dihapus: list[Path] = field(default_factory=list)


def _dump_postgresql(db: dict, tujuan: Path) -> tuple[dict[str, int], dict[str, str]]:
    """pg_dump of one exported snapshot, and the counts and checksums read in that same snapshot."""
    _perlu_program("pg_dump")  # before opening the snapshot
    conn = _pg_connect(db)
    try:
        conn.set_session(isolation_level="REPEATABLE READ", readonly=True)
        with conn.cursor() as cur:
            cur.execute("SELECT pg_export_snapshot()")
            snapshot = cur.fetchone()[0]
            # This transaction stays open until pg_dump is done (it must outlive pg_dump's import of the
            # snapshot), so the counts and checksums describe exactly the rows in the dump.
            jumlah, sidik = _hitung_baris(cur, sidik=True)
            _jalankan(
                ["pg_dump", "--format=custom", "--no-password", f"--snapshot={snapshot}", f"--file={tujuan}",
                 f"--dbname={db['NAME']}"],
                env=_pg_env(db), apa="pg_dump",
            )
        conn.rollback()
    finally:
        conn.close()
    return jumlah, sidik


def _dump_sqlite(db: dict, tujuan: Path) -> dict[str, int]:
    if not Path(db["NAME"]).is_file():  # sqlite3.connect would quietly create an empty one
        raise CadanganGagal(f"Berkas SQLite {db['NAME']} tidak ada.")
    salinan = tujuan.with_suffix("")  # basisdata.sqlite3, gzipped below and then removed
    sumber = sqlite3.connect(db["NAME"])
    try:
        target = sqlite3.connect(salinan)
        try:
            sumber.backup(target)
            jumlah, _ = _hitung_baris(target.cursor(), sidik=False)
        finally:
            target.close()
    finally:
        sumber.close()
    with open(salinan, "rb") as f_in, gzip.open(tujuan, "wb", compresslevel=6) as f_out:
        shutil.copyfileobj(f_in, f_out, 1024 * 1024)
    salinan.unlink()
    return jumlah


def _putar(direktori: Path, simpan: int) -> list[Path]:
    """Keep the `simpan` newest complete backups; delete older ones and leftovers of interrupted runs."""
    lengkap = sorted(p for p in direktori.iterdir() if p.is_dir() and p.name.startswith(AWALAN))
    hapus = lengkap[:-simpan] if simpan > 0 else []
    batas = dt.datetime.now().timestamp() - 24 * 3600
    hapus += [p for p in direktori.iterdir()
              if p.is_dir() and p.name.startswith(f".{AWALAN}") and p.stat().st_mtime < batas]
    for p in hapus:
        shutil.rmtree(p)
    return hapus


def cadangan_buat(*, ke: Path, simpan: int = 0, db: dict | None = None, lapor: Lapor = _diam) -> HasilCadangan:
    """Write a complete backup under `ke`; with `simpan` > 0 keep only that many newest backups.

    `db` (a Django settings dict) defaults to the app's own database.
    """
    db = db or connections[DEFAULT_DB_ALIAS].settings_dict
    mesin = _mesin(db)
    ke = Path(ke).resolve()
    media = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    if ke == media or media in ke.parents:
        raise CadanganGagal(f"Direktori cadangan {ke} berada di dalam PRIVATE_MEDIA_ROOT: pilih tempat lain.")
    waktu = dt.datetime.now(dt.UTC).replace(microsecond=0)
    nama = AWALAN + waktu.strftime(FORMAT_NAMA)
    akhir = ke / nama
    sementara = ke / f".{nama}.sebagian-{secrets.token_hex(4)}"
    try:
        ke.mkdir(parents=True, exist_ok=True)
        if akhir.exists():
            raise CadanganGagal(f"{akhir} sudah ada: tunggu satu detik lalu ulangi.")
        # Health data: only the account that runs the backup may read it.
        sementara.mkdir(mode=0o700)
        if mesin == "postgresql":
            berkas_db = sementara / BERKAS_PG
            lapor(f"pg_dump {db['NAME']} …")
            jumlah, sidik = _dump_postgresql(db, berkas_db)
        else:
            berkas_db = sementara / BERKAS_SQLITE
            lapor(f"SQLite backup {db['NAME']} …")
            jumlah, sidik = _dump_sqlite(db, berkas_db), {}
        lapor(f"Berkas privat {media} …")
        n_file = _arsipkan_berkas(media, sementara / BERKAS_FILE)
        isi = {p.name: {"ukuran": p.stat().st_size, "sha256": sha256_berkas(p)}
               for p in (berkas_db, sementara / BERKAS_FILE)}
        manifest = {
            "format": VERSI_FORMAT,
            "dibuat_pada": waktu.isoformat().replace("+00:00", "Z"),
            "versi_aplikasi": versi_aplikasi(),
            "versi_django": django.get_version(),
            "versi_python": platform.python_version(),
            "mesin": mesin,
            "basis_data": db["NAME"] if mesin == "postgresql" else Path(db["NAME"]).name,
            "berkas_basis_data": berkas_db.name,
            "jumlah_berkas_privat": n_file,
            "berkas": isi,
            "jumlah_baris": jumlah,
            "sidik_tabel": sidik,
        }
        (sementara / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        semua = [berkas_db.name, BERKAS_FILE, MANIFEST]
        baris = [f"{isi[n]['sha256'] if n in isi else sha256_berkas(sementara / n)}  {n}" for n in semua]
        (sementara / SUMS).write_text("\n".join(baris) + "\n", encoding="ascii")
        for n in [*semua, SUMS]:
            os.chmod(sementara / n, 0o600)
            _fsync(sementara / n)
        _fsync(sementara)
        # The one step that makes the backup visible as complete.
        os.rename(sementara, akhir)
        _fsync(ke)
    except BaseException as exc:
        shutil.rmtree(sementara, ignore_errors=True)
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
            raise CadanganGagal(f"Disk penuh saat menulis cadangan ke {ke}: kosongkan ruang lalu ulangi.") from exc
        if isinstance(exc, OSError):
            raise CadanganGagal(f"Gagal menulis cadangan ke {ke}: {exc}") from exc
        raise
    hasil = HasilCadangan(direktori=akhir, manifest=manifest)
    if simpan:
        hasil.dihapus = _putar(ke, simpan)
    return hasil


# --- Checking and restoring ------------------------------------------------------------------------


_BARIS_SUMS = re.compile(r"^([0-9a-f]{64}) [ *](\S+)$")


def cadangan_periksa(direktori: Path) -> dict:
    """Verify every checksum of a backup and return its manifest; CadanganDitolak lists what is wrong."""
    direktori = Path(direktori)
    if not direktori.is_dir():
        raise CadanganDitolak(f"{direktori} bukan direktori cadangan.")
    if direktori.name.startswith("."):
        raise CadanganDitolak(f"{direktori} adalah cadangan yang belum selesai ditulis: jangan dipakai.")
    sums = direktori / SUMS
    if not sums.is_file():
        raise CadanganDitolak(f"{sums} tidak ada: cadangan tidak lengkap.")
    tercatat: dict[str, str] = {}
    for baris in sums.read_text(encoding="ascii", errors="replace").splitlines():
        m = _BARIS_SUMS.match(baris.strip())
        if not m:
            raise CadanganDitolak(f"{sums} rusak: baris tidak dikenal.")
        tercatat[m.group(2)] = m.group(1)
    masalah = []
    for nama, sha in sorted(tercatat.items()):
        path = direktori / nama
        if "/" in nama or not path.is_file():
            masalah.append(f"{nama} tidak ada")
        elif sha256_berkas(path) != sha:
            masalah.append(f"{nama}: checksum SHA-256 tidak cocok (berkas berubah atau rusak)")
    if MANIFEST not in tercatat:
        masalah.append(f"{MANIFEST} tidak tercatat di {SUMS}")
    if masalah:
        raise CadanganDitolak("Cadangan ditolak: " + "; ".join(masalah) + ".")
    manifest = json.loads((direktori / MANIFEST).read_text(encoding="utf-8"))
    if manifest.get("format") != VERSI_FORMAT:
        raise CadanganDitolak(f"Format cadangan {manifest.get('format')} tidak dikenal versi aplikasi ini.")
    for nama, info in manifest.get("berkas", {}).items():
        if tercatat.get(nama) != info.get("sha256"):
            masalah.append(f"{nama}: checksum di manifest dan di {SUMS} berbeda")
    if manifest.get("berkas_basis_data") not in tercatat or BERKAS_FILE not in tercatat:
        masalah.append("berkas basis data atau berkas privat tidak tercatat")
    if masalah:
        raise CadanganDitolak("Cadangan ditolak: " + "; ".join(masalah) + ".")
    return manifest


@dataclass
class HasilPulihan:
    manifest: dict
    jumlah_baris: dict[str, int]
    sidik_tabel: dict[str, str]
    selisih: list[str]
    media_lama: Path | None = None


def _media_berisi(path: Path) -> bool:
    return path.is_dir() and any(path.iterdir())


def _pulihkan_berkas(arsip: Path, media: Path, *, timpa: bool) -> Path | None:
    """Unpack into a sibling directory, then put it in place; existing files are moved aside, not deleted."""
    media.parent.mkdir(parents=True, exist_ok=True)
    sementara = media.parent / f".{media.name}.pulih-{secrets.token_hex(4)}"
    sementara.mkdir()
    try:
        with tarfile.open(arsip, "r:gz") as tar:
            # "data": no absolute paths, no "..", no links out of the directory, no device files.
            tar.extractall(sementara, filter="data")
    except BaseException:
        shutil.rmtree(sementara, ignore_errors=True)
        raise
    lama = None
    if media.exists():
        if _media_berisi(media) and timpa:
            lama = media.parent / f"{media.name}.sebelum-pulih-{dt.datetime.now(dt.UTC):{FORMAT_NAMA}}"
            os.rename(media, lama)
        else:
            media.rmdir()  # empty (checked before the restore started)
    os.rename(sementara, media)
    return lama


def cadangan_pulihkan(
    *, direktori: Path, database_url: str | None = None, media: Path | None = None, timpa: bool = False,
    lapor: Lapor = _diam,
) -> HasilPulihan:
    """Bring a database and the private files back from a backup.

    Refuses before touching anything when a checksum does not match, the engines differ, or the target
    database already has tables / the files directory has files — unless `timpa` (explicit overwrite).
    """
    direktori = Path(direktori)
    manifest = cadangan_periksa(direktori)
    lapor("Checksum cadangan cocok.")
    db = db_dari_url(database_url)
    mesin = _mesin(db)
    if mesin != manifest["mesin"]:
        raise CadanganDitolak(
            f"Cadangan ini dari {manifest['mesin']}, tujuan {mesin}: pulihkan ke mesin yang sama."
        )
    media = Path(media or settings.PRIVATE_MEDIA_ROOT)
    n_tabel = _pg_jumlah_tabel(db) if mesin == "postgresql" else _sqlite_jumlah_tabel(Path(db["NAME"]))
    if n_tabel and not timpa:
        raise CadanganDitolak(
            f"Basis data tujuan {db['NAME']} sudah berisi {n_tabel} tabel. Pulihkan ke basis data baru yang "
            f"kosong, atau tambahkan --timpa bila memang ingin menimpanya."
        )
    if _media_berisi(media) and not timpa:
        raise CadanganDitolak(
            f"Direktori berkas privat {media} tidak kosong. Pilih direktori lain (--ke-media) atau tambahkan --timpa."
        )
    berkas_db = direktori / manifest["berkas_basis_data"]
    if mesin == "postgresql":
        lapor(f"pg_restore ke {db['NAME']} …")
        perintah = ["pg_restore", "--no-owner", "--no-acl", "--exit-on-error", "--single-transaction",
                    "--no-password", f"--dbname={db['NAME']}"]
        if timpa and n_tabel:
            perintah += ["--clean", "--if-exists"]
        _jalankan([*perintah, str(berkas_db)], env=_pg_env(db), apa="pg_restore")
    else:
        tujuan = Path(db["NAME"])
        lapor(f"SQLite ke {tujuan} …")
        tujuan.parent.mkdir(parents=True, exist_ok=True)
        sementara = tujuan.with_name(f".{tujuan.name}.pulih-{secrets.token_hex(4)}")
        try:
            with gzip.open(berkas_db, "rb") as f_in, open(sementara, "wb") as f_out:
                shutil.copyfileobj(f_in, f_out, 1024 * 1024)
            conn = sqlite3.connect(sementara)
            try:
                # The file's structure (pages, indexes), not the CHECK constraints: those call Django's SQL
                # functions, which a bare sqlite3 connection lacks, and were checked when the rows were written.
                conn.execute("PRAGMA ignore_check_constraints = ON")
                if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                    raise CadanganGagal("Salinan SQLite dalam cadangan rusak (integrity_check gagal).")
            finally:
                conn.close()
            _fsync(sementara)
            os.replace(sementara, tujuan)
        finally:
            sementara.unlink(missing_ok=True)
    lapor(f"Berkas privat ke {media} …")
    lama = _pulihkan_berkas(direktori / BERKAS_FILE, media, timpa=timpa)
    jumlah, sidik = hitung_basisdata(db)
    selisih = [
        f"{tabel}: cadangan {n}, hasil pulihan {jumlah.get(tabel)}"
        for tabel, n in manifest["jumlah_baris"].items() if jumlah.get(tabel) != n
    ] + [
        f"{tabel}: checksum isi tabel berbeda"
        for tabel, s in manifest.get("sidik_tabel", {}).items() if sidik.get(tabel) != s
    ]
    return HasilPulihan(manifest=manifest, jumlah_baris=jumlah, sidik_tabel=sidik, selisih=selisih, media_lama=lama)
