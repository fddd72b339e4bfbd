"""pytest plugin: after the whole test run, no NIK-shaped number may appear in anything logged.

Loaded by the root conftest.py (`pytest_plugins`). A handler on the root logger formats every
record that reaches the log handlers (message, arguments, traceback) exactly as a log file would
get it, after the handlers' filters ran; a record with a 16-digit number is remembered (masked,
so the report does not leak it either) and the run fails at its end, even if every test passed.
No Django import: `audit/tests/test_log_nik.py` runs this plugin in a bare pytest too.
"""

from __future__ import annotations

import logging

import pytest

from audit.nik import ada_nik, samarkan_teks

MAKS_TEMUAN = 20


class PenangkapLog(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.NOTSET)
        self.jumlah = 0
        self.temuan: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            teks = self.format(record)
        except Exception:  # a record that cannot be formatted is not written by any handler either
            return
        self.jumlah += 1
        if ada_nik(teks) and len(self.temuan) < MAKS_TEMUAN:
            self.temuan.append(f"{record.name} {record.levelname}: {samarkan_teks(teks)[:300]}")


penangkap = PenangkapLog()


def _pasang() -> None:
    # Django's logging setup (and any later dictConfig) replaces the root's handlers: attach again.
    root = logging.getLogger()
    if penangkap not in root.handlers:
        root.addHandler(penangkap)


@pytest.hookimpl(trylast=True)
def pytest_configure(config):
    _pasang()


def pytest_runtest_setup(item):
    _pasang()


def pytest_testnodedown(node, error):
    """Under pytest-xdist (the controller): a worker's findings travel back in its `workeroutput`."""
    for t in getattr(node, "workeroutput", {}).get("nik_temuan", []):
        if len(penangkap.temuan) < MAKS_TEMUAN:
            penangkap.temuan.append(t)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        # An xdist worker: its exit status is not the run's; the controller reports and fails the run.
        workeroutput["nik_temuan"] = list(penangkap.temuan)
        return
    if not penangkap.temuan:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    baris = [f"NIK-shaped number found in the captured logs ({len(penangkap.temuan)} record(s), shown masked):"]
    baris += [f"  {t}" for t in penangkap.temuan]
    for b in baris:
        if reporter is not None:
            reporter.write_line(b, red=True)
        else:
            print(b)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
