"""The test clock: `@pytest.mark.jam` fixes a test's clock, `pytest --jam` a whole run's, and the sweep's
instants cover the hours and dates where a test that depends on when it runs would fail."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.utils import timezone

ROOT = Path(__file__).resolve().parents[2]
WIB = dt.timezone(dt.timedelta(hours=7))


@pytest.mark.jam("2027-01-01T00:30:00+07:00")
def test_the_marker_starts_the_clock_at_its_instant_and_lets_it_tick():
    awal = timezone.now()
    assert timezone.localdate() == dt.date(2027, 1, 1)
    assert dt.timedelta(0) <= awal - dt.datetime(2027, 1, 1, 0, 30, tzinfo=WIB) < dt.timedelta(minutes=1)
    assert timezone.now() >= awal


@pytest.mark.jam("2026-11-18T14:00:00+07:00")
def test_the_marker_reaches_the_live_server_thread(live_server):
    import urllib.request

    # The server thread writes its Date header from the clock it reads: the test's.
    with urllib.request.urlopen(f"{live_server.url}/healthz") as r:
        assert "18 Nov 2026 07:0" in r.headers["Date"]


def test_the_run_option_starts_every_test_at_that_instant(tmp_path):
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "test_jam_run.py").write_text(textwrap.dedent("""
        import datetime as dt

        def test_tanggal():
            assert dt.datetime.now(dt.timezone.utc).date() == dt.date(2030, 2, 2)
    """))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    hasil = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:django", "-p", "no:cacheprovider", "-p", "config.testenv",
         "--jam", "2030-02-03T05:00:00+07:00", str(tmp_path / "test_jam_run.py")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )
    assert hasil.returncode == 0, hasil.stdout + hasil.stderr


def test_the_sweep_covers_every_hour_and_both_dates():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import sapu_jam
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    for hari_ini in (dt.date(2026, 12, 8), dt.date(2026, 12, 31), dt.date(2027, 1, 1)):
        instants = sapu_jam.instants(hari_ini)
        assert all(i.utcoffset() == dt.timedelta(hours=7) and i.date() > hari_ini for i in instants)
        assert {(i.hour, i.minute) for i in instants} == {(0, 30), (5, 30), (8, 59), (9, 1), (23, 59)}
        assert {(i.month, i.day) for i in instants} == {(12, 31), (1, 1)}
        # 05:30 WIB on 1 January is still the old year in UTC.
        assert any(i.astimezone(dt.UTC).year != i.year for i in instants)
