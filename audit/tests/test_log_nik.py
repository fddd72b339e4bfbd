"""NIK never reaches a log line or an error report; the whole test run's logs are checked at its end."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import RequestFactory

from audit.nik import TOPENG, SamarkanNikFilter, ada_nik, samarkan_teks
from audit.pengawas_log import penangkap
from audit.tests.conftest import NIK_A

ROOT = Path(django_settings.BASE_DIR)


@pytest.mark.parametrize(("teks", "ada"), [
    (NIK_A, True),
    (f"nik={NIK_A}&x=1", True),
    (f"Key (nik)=({NIK_A}) already exists.", True),
    (f"nik_{NIK_A}", True),
    (f"'{NIK_A}'", True),
    ("1571 0157 0596 0001", False),  # spaced: not one number (and never logged: forms strip it)
    ("157101570596000", False),  # 15 digits
    ("15710157059600012", False),  # 17 digits
    ("a1571015705960001", False),  # part of a hexadecimal checksum
    ("sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", False),
    ("", False),
])
def test_detector(teks, ada):
    assert ada_nik(teks) is ada
    assert (NIK_A not in samarkan_teks(teks)) or not ada


def _record(msg, args=(), exc_info=None):
    return logging.LogRecord("uji", logging.WARNING, __file__, 1, msg, args, exc_info)


def test_filter_masks_message_arguments_and_traceback():
    f = SamarkanNikFilter()
    r = _record("ibu %s tidak valid", (NIK_A,))
    assert f.filter(r) and r.getMessage() == f"ibu {TOPENG} tidak valid"
    r = _record("data %(nik)s", ({"nik": NIK_A},))
    f.filter(r)
    assert NIK_A not in r.getMessage()
    try:
        raise ValueError(f"Key (nik)=({NIK_A}) already exists.")
    except ValueError:
        r = _record("gagal", exc_info=sys.exc_info())
    f.filter(r)
    teks = logging.Formatter().format(r)
    assert "ValueError" in teks and NIK_A not in teks and TOPENG in teks


def test_a_nik_logged_anywhere_in_the_app_is_masked_by_the_configured_handlers(caplog):
    """Through the real LOGGING: the root handler's filter masks it before any later handler sees it."""
    root = logging.getLogger()
    assert any(isinstance(f, SamarkanNikFilter) for h in root.handlers for f in h.filters)
    sebelum = len(penangkap.temuan)
    logging.getLogger("kia.importer").warning("baris 3: NIK %s sudah ada", NIK_A)
    assert NIK_A not in caplog.text and f"NIK {TOPENG} sudah ada" in caplog.text
    assert len(penangkap.temuan) == sebelum  # the session check saw the masked line only


def test_the_error_report_masks_nik_in_locals_and_the_exception():
    from django.utils.module_loading import import_string

    reporter_class = import_string(django_settings.DEFAULT_EXCEPTION_REPORTER)
    request = RequestFactory().post("/kia/ibu/baru/", {"nik": NIK_A})
    nik_lokal = NIK_A  # noqa: F841 (a local variable the report would print)
    try:
        raise ValueError(f"duplicate key (nik)=({NIK_A})")
    except ValueError:
        reporter = reporter_class(request, *sys.exc_info())
    assert NIK_A not in reporter.get_traceback_text()
    assert NIK_A not in reporter.get_traceback_html()
    assert "duplicate key" in reporter.get_traceback_text()


def _pytest_telanjang(tmp_path, isi_test: str, *args: str) -> subprocess.CompletedProcess:
    """A bare pytest run (no Django) with only the session check plugin and one test file."""
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "test_log.py").write_text(textwrap.dedent(isi_test))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:django", "-p", "no:cacheprovider", "-p", "no:randomly",
         "-p", "audit.pengawas_log", *args, str(tmp_path / "test_log.py")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )


def test_the_session_check_fails_a_run_that_logged_a_nik_even_if_every_test_passed(tmp_path):
    hasil = _pytest_telanjang(tmp_path, f"""
        import logging

        def test_logs_a_nik():
            logging.getLogger("bocor").warning("NIK %s", "{NIK_A}")
    """)
    assert hasil.returncode == pytest.ExitCode.TESTS_FAILED, hasil.stdout + hasil.stderr
    assert "1 passed" in hasil.stdout
    assert "NIK-shaped number found in the captured logs" in hasil.stdout
    assert NIK_A not in hasil.stdout  # the report itself shows it masked


def test_the_session_check_fails_a_parallel_run_whose_worker_logged_a_nik(tmp_path):
    """`make test` runs on pytest-xdist workers: a worker's finding must fail the whole run."""
    hasil = _pytest_telanjang(tmp_path, f"""
        import logging

        def test_logs_a_nik():
            logging.getLogger("bocor").warning("NIK %s", "{NIK_A}")

        def test_logs_nothing():
            pass
    """, "-n", "2")
    assert hasil.returncode == pytest.ExitCode.TESTS_FAILED, hasil.stdout + hasil.stderr
    assert "2 passed" in hasil.stdout
    assert "NIK-shaped number found in the captured logs" in hasil.stdout
    assert NIK_A not in hasil.stdout


def test_the_session_check_passes_a_clean_run(tmp_path):
    hasil = _pytest_telanjang(tmp_path, """
        import logging

        def test_logs_no_nik():
            logging.getLogger("bersih").warning("ibu id %s dibuka", 42)
    """)
    assert hasil.returncode == 0, hasil.stdout + hasil.stderr
