"""Environment defaults for the test run, loaded by pytest (`-p config.testenv`) before Django starts.

pytest-django reads the settings before any conftest.py is imported, so these cannot live there.
Real values given in the environment (CI's DATABASE_URL, REDIS_URL) are kept.
"""

import os

# Long enough for the production refusal in settings (50+ characters, not "django-insecure-…").
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-0123456789-abcdefghij")
# DEBUG is off in tests, so settings refuse to start without hosts (the test client uses "testserver").
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
# WhiteNoise's manifest storage makes live_server answer 404 for static files.
os.environ.setdefault("STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # sync Playwright + ORM in live_server tests


# --- The clock of the whole run (`--jam`) -------------------------------------------------------------------
# `pytest --jam 2027-01-01T00:30+07:00` starts the run's clock (datetime, date.today, time.time; not the
# monotonic clock timeouts use) at that instant and lets it tick. The sweep (`make test-jam`, run by CI)
# runs the suite's date-sensitive tests at the hours where a date or an hour turns over, so that a test
# depending on when it runs fails here and not at 05:00 on a newcomer's machine. Each xdist worker
# receives the same option and travels on its own.


def pytest_addoption(parser):
    parser.addoption(
        "--jam", default=None, metavar="ISO",
        help="run the tests with the clock starting at this instant (ISO 8601 with an offset), ticking",
    )


def perjalanan_jam(instant: str, asal: str):
    """A ticking clock starting at `instant` (ISO 8601 with an offset): time_machine's travel, not started.
    Shared by `--jam` (the run) and `@pytest.mark.jam` (one test, the root conftest)."""
    import datetime as dt

    import time_machine

    mulai = dt.datetime.fromisoformat(instant)
    if mulai.tzinfo is None:
        raise ValueError(f"{asal} {instant!r}: give the offset too, e.g. 2027-01-01T00:30+07:00")
    return time_machine.travel(mulai, tick=True)


def pytest_configure(config):
    instant = config.getoption("jam")
    if not instant:
        return
    perjalanan = perjalanan_jam(instant, "--jam")
    perjalanan.start()
    config.add_cleanup(perjalanan.stop)


def pytest_report_header(config):
    instant = config.getoption("jam")
    return f"jam: the run's clock started at {instant}" if instant else None
