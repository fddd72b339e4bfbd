"""The benchmark's quick mode runs (in a subprocess, on its own throwaway database) and writes a well-formed
results file. The full run (`make bench`) stays out of CI."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent


def _database_url() -> str:
    """A database of our own on the server the tests use (PostgreSQL), else on the default one; bench/run.py
    falls back to a SQLite file when no PostgreSQL answers."""
    url = os.environ.get("DATABASE_URL", "")
    server = url.rsplit("/", 1)[0] if url.startswith("postgres") else "postgres://postgres@127.0.0.1:5432"
    return f"{server}/kemitraan_bench_quick_pytest_{os.getpid()}"


@pytest.mark.bench
def test_quick_mode_writes_well_formed_results(tmp_path):
    out = tmp_path / "results-quick.json"
    url = _database_url()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG")}
    proc = subprocess.run(
        [sys.executable, str(BASE_DIR / "bench" / "run.py"), "--quick", "--database-url", url, "--out", str(out)],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    data = json.loads(out.read_text())

    machine = data["machine"]
    for key in ("cpu", "cores", "ram_gb", "python", "database", "date"):
        assert machine.get(key), key
    assert data["scale"] > 0
    assert data["metrics"]
    for m in data["metrics"]:
        assert {"name", "value", "unit"} <= m.keys(), m
        assert isinstance(m["name"], str) and m["name"] and isinstance(m["unit"], str) and m["unit"]
    names = {m["name"] for m in data["metrics"]}
    for expected in ("dashboard puskesmas_bulan median", "dashboard kabupaten_tahun median",
                     "dashboard provinsi_tahun median", "pdf plain per page", "import persalinan",
                     "load 20 users throughput"):
        assert expected in names, (expected, sorted(names), proc.stderr[-3000:])
    assert all(m["value"] is not None for m in data["metrics"]), [m for m in data["metrics"] if m["value"] is None]
    assert data["goals"]
    for g in data["goals"]:
        assert {"name", "met", "measured", "limit", "note"} <= g.keys(), g
        assert isinstance(g["met"], bool)
    # The Markdown table for the README is printed.
    assert "| metric | value | unit | detail |" in proc.stdout
    # The throwaway database is gone (PostgreSQL) — the run cleans up after itself.
    if "PostgreSQL" in machine["database"]:
        import psycopg2

        server = url.rsplit("/", 1)[0]
        conn = psycopg2.connect(server + "/postgres")
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [url.rsplit("/", 1)[1]])
                assert cur.fetchone() is None
        finally:
            conn.close()
