"""Backup then restore into a new database: row counts, table contents and files come back identical; a damaged
backup, a non-empty target and an interrupted backup are refused or leave nothing that looks complete.

The data must be committed for pg_dump (another process) to see it: `django_db(transaction=True)`.
"""

from __future__ import annotations

import gzip
import json
import sqlite3
import stat
from pathlib import Path

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from cadangan import services
from kia.tests.factories import BayiFactory, IbuFactory, KehamilanFactory, PersalinanFactory, RujukanFactory

POSTGRES = connection.vendor == "postgresql"
perlu_postgres = pytest.mark.skipif(not POSTGRES, reason="needs PostgreSQL (DATABASE_URL=postgres://…)")
# pg_dump and the checks run in other sessions: they see only committed rows.
data_tersimpan = pytest.mark.django_db(transaction=True)

# Compared on both databases independently of the code under test.
TABEL = {"kia_ibu": "id", "kia_historicalibu": "history_id", "kia_kehamilan": "id", "kia_rujukan": "id",
         "kia_persalinan": "id", "kia_bayi": "id", "dukun_dukun": "id", "puskesmas_user": "id"}


def _pg(db: dict, **kwargs):
    return psycopg2.connect(dbname=db["NAME"], user=db.get("USER") or None, password=db.get("PASSWORD") or None,
                            host=db.get("HOST") or None, port=db.get("PORT") or None, **kwargs)


def _isi_tabel(db: dict) -> dict[str, tuple[int, str]]:
    conn = _pg(db)
    try:
        with conn.cursor() as cur:
            out = {}
            for tabel, pk in TABEL.items():
                cur.execute(f"SELECT count(*), md5(string_agg(t::text, ',' ORDER BY t.{pk})) FROM {tabel} t")
                out[tabel] = cur.fetchone()
            return out
    finally:
        conn.close()


@pytest.fixture
def data(cast, dukun_set, settings):
    w = cast.w
    ibu = IbuFactory(nama="Rahmawati", nik="1571015505960001", kelurahan=w.a1, alamat="Jl. Kenali 3")
    ibu.telepon = "081234567890"
    ibu.save()  # a second history row
    KehamilanFactory(ibu=ibu)
    RujukanFactory(ibu=ibu, dukun=dukun_set.a1)
    BayiFactory(persalinan=PersalinanFactory(ibu=ibu))
    BayiFactory(persalinan=PersalinanFactory(ibu=IbuFactory(kelurahan=w.b1)), urutan=1)
    media = Path(settings.PRIVATE_MEDIA_ROOT)
    (media / "laporan" / "2026").mkdir(parents=True)
    (media / "laporan" / "2026" / "pa-2026-11.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    (media / "lampiran").mkdir()
    (media / "lampiran" / "daftar hadir.jpg").write_bytes(bytes(range(255, -1, -1)) * 13)
    return media


@pytest.fixture
def db_baru():
    """An empty PostgreSQL database next to the test database, dropped afterwards."""
    db = dict(connection.settings_dict)
    db["NAME"] = f"{connection.settings_dict['NAME']}_restore"
    admin = _pg({**db, "NAME": "postgres"})
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}"')
        cur.execute(f"CREATE DATABASE \"{db['NAME']}\" TEMPLATE template0 ENCODING 'UTF8'")
    url = f"postgres://{db.get('USER') or ''}@{db.get('HOST') or ''}:{db.get('PORT') or 5432}/{db['NAME']}"
    if db.get("PASSWORD"):
        url = url.replace("@", f":{db['PASSWORD']}@", 1)
    yield db, url
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}" WITH (FORCE)')
    admin.close()


def _satu_cadangan(induk: Path) -> Path:
    (hasil,) = [p for p in induk.iterdir()]
    return hasil


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@perlu_postgres
@data_tersimpan
def test_backup_then_restore_into_new_database_gives_identical_tables_and_files(data, db_baru, tmp_path, capsys):
    db, url = db_baru
    call_command("backup", "--ke", str(tmp_path / "cadangan"))
    cadangan = _satu_cadangan(tmp_path / "cadangan")
    assert cadangan.name.startswith("cadangan-")
    assert sorted(p.name for p in cadangan.iterdir()) == ["SHA256SUMS", "basisdata.dump", "berkas.tar.gz",
                                                          "manifest.json"]
    manifest = json.loads((cadangan / "manifest.json").read_text())
    assert manifest["mesin"] == "postgresql"
    assert manifest["jumlah_baris"]["kia_ibu"] == 2
    assert manifest["jumlah_baris"]["kia_historicalibu"] == 3
    assert manifest["jumlah_berkas_privat"] == 2
    assert manifest["berkas"]["basisdata.dump"]["sha256"] == services.sha256_berkas(cadangan / "basisdata.dump")
    assert (cadangan / "basisdata.dump").read_bytes()[:5] == b"PGDMP"  # custom format, compressed
    assert stat.S_IMODE(cadangan.stat().st_mode) == 0o700
    assert stat.S_IMODE((cadangan / "basisdata.dump").stat().st_mode) == 0o600

    media_baru = tmp_path / "media-pulihan"
    call_command("restore", str(cadangan), "--ke-database-url", url, "--ke-media", str(media_baru), "--yes")

    asli = _isi_tabel(connection.settings_dict)
    assert asli["kia_ibu"][0] == 2 and asli["kia_bayi"][0] == 2
    assert _isi_tabel(db) == asli
    assert _files(media_baru) == _files(data)
    out = capsys.readouterr().out
    assert "Checksum cadangan cocok" in out and "sama dengan cadangan" in out


@perlu_postgres
@data_tersimpan
def test_tampered_backup_is_refused_and_target_untouched(data, db_baru, tmp_path):
    db, url = db_baru
    call_command("backup", "--ke", str(tmp_path / "c"))
    dump = _satu_cadangan(tmp_path / "c") / "basisdata.dump"
    isi = bytearray(dump.read_bytes())
    isi[len(isi) // 2] ^= 0x01
    dump.write_bytes(bytes(isi))
    with pytest.raises(CommandError, match="basisdata.dump: checksum SHA-256 tidak cocok"):
        call_command("restore", str(dump.parent), "--ke-database-url", url, "--ke-media",
                     str(tmp_path / "m"), "--yes")
    assert services._pg_jumlah_tabel(db) == 0
    assert not (tmp_path / "m").exists()


@perlu_postgres
@data_tersimpan
def test_restore_refuses_non_empty_database_unless_told_to_overwrite(data, db_baru, tmp_path):
    db, url = db_baru
    call_command("backup", "--ke", str(tmp_path / "c"))
    cadangan = _satu_cadangan(tmp_path / "c")
    # The app's own database (the default target) has tables.
    with pytest.raises(CommandError, match="sudah berisi .* tabel"):
        call_command("restore", str(cadangan), "--ke-media", str(tmp_path / "m0"), "--yes")
    call_command("restore", str(cadangan), "--ke-database-url", url, "--ke-media", str(tmp_path / "m1"), "--yes")
    with pytest.raises(CommandError, match="sudah berisi .* tabel"):
        call_command("restore", str(cadangan), "--ke-database-url", url, "--ke-media", str(tmp_path / "m2"), "--yes")
    # Explicitly allowed: the tables are replaced, and existing files moved aside rather than deleted.
    call_command("restore", str(cadangan), "--ke-database-url", url, "--ke-media", str(tmp_path / "m1"), "--yes",
                 "--timpa")
    assert _isi_tabel(db) == _isi_tabel(connection.settings_dict)
    assert _files(tmp_path / "m1") == _files(data)
    assert [p.name.startswith("m1.sebelum-pulih-") for p in tmp_path.iterdir() if p.name.startswith("m1.")] == [True]


@perlu_postgres
def test_interrupted_backup_leaves_nothing_that_looks_complete(db, tmp_path, monkeypatch):
    def rusak(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(services, "_arsipkan_berkas", rusak)
    with pytest.raises(CommandError, match="Disk penuh"):
        call_command("backup", "--ke", str(tmp_path / "c"))
    assert list((tmp_path / "c").iterdir()) == []


@perlu_postgres
def test_missing_pg_dump_is_a_clear_failure(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "kosong"))
    with pytest.raises(CommandError, match="pg_dump tidak ditemukan"):
        call_command("backup", "--ke", str(tmp_path / "c"))
    assert list((tmp_path / "c").iterdir()) == []


@perlu_postgres
def test_rotation_keeps_the_newest_backups(db, tmp_path):
    induk = tmp_path / "c"
    for nama in ("cadangan-20200101T000000Z", "cadangan-20200102T000000Z", "cadangan-20200103T000000Z"):
        (induk / nama).mkdir(parents=True)
    call_command("backup", "--ke", str(induk), "--simpan", "2")
    sisa = sorted(p.name for p in induk.iterdir())
    assert len(sisa) == 2 and sisa[0] == "cadangan-20200103T000000Z" and sisa[1] > sisa[0]


def test_sqlite_backup_and_restore(tmp_path, settings):
    """The SQLite path end to end, on a small SQLite file (the test database itself stays PostgreSQL)."""
    sumber = tmp_path / "app.sqlite3"
    conn = sqlite3.connect(sumber)
    conn.executescript("CREATE TABLE kia_ibu (id integer primary key, nama text);"
                       "INSERT INTO kia_ibu (nama) VALUES ('Rahmawati'), ('Nurhayati');")
    conn.commit()
    conn.close()
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "a.pdf").write_bytes(b"%PDF isi")
    db = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(sumber)}
    hasil = services.cadangan_buat(ke=tmp_path / "c", db=db)
    assert hasil.manifest["mesin"] == "sqlite" and hasil.manifest["jumlah_baris"]["kia_ibu"] == 2
    with gzip.open(hasil.direktori / "basisdata.sqlite3.gz") as f:
        assert f.read(16) == b"SQLite format 3\x00"

    tujuan = tmp_path / "pulihan.sqlite3"
    pulih = services.cadangan_pulihkan(direktori=hasil.direktori, database_url=f"sqlite:///{tujuan}",
                                       media=tmp_path / "m")
    assert pulih.selisih == [] and pulih.jumlah_baris["kia_ibu"] == 2
    assert sqlite3.connect(tujuan).execute("SELECT nama FROM kia_ibu ORDER BY id").fetchall() == [
        ("Rahmawati",), ("Nurhayati",)]
    assert (tmp_path / "m" / "a.pdf").read_bytes() == b"%PDF isi"
    with pytest.raises(services.CadanganDitolak, match="sudah berisi"):
        services.cadangan_pulihkan(direktori=hasil.direktori, database_url=f"sqlite:///{tujuan}",
                                   media=tmp_path / "m2")
    if POSTGRES:
        with pytest.raises(services.CadanganDitolak, match="dari sqlite"):
            services.cadangan_pulihkan(direktori=hasil.direktori, media=tmp_path / "m3")  # the app's own database


def test_restore_without_yes_needs_a_terminal(tmp_path):
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(tmp_path))
