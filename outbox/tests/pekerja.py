"""A Celery worker for test_worker_dibunuh.py (tests only), run as `celery` with two test settings:

    python -m outbox.tests.pekerja -A config worker --pool prefork --concurrency 1

- Redis is scanned for unacknowledged messages past their visibility timeout every second (kombu's
  default is every 100 s), so the test need not wait that long for the redelivery.
- With PEKERJA_MACET=1, `os.fsync` of a temporary file (laporan.services.write_private_file writes
  `.tmp-<name>-…`, then fsyncs, then renames) sleeps instead: the report is rendered and half on disk, the
  state a SIGKILL mid-render leaves. Production code has no hook for this; the patch lives only here and
  reaches the pool processes because they are forked from this one.
"""

import os
import sys
import time

_fsync = os.fsync


def _fsync_macet(fd: int) -> None:
    if "/.tmp-" in os.readlink(f"/proc/self/fd/{fd}"):
        time.sleep(600)  # the test kills the worker long before this
    _fsync(fd)


if __name__ == "__main__":
    from config.celery import app

    app.conf.broker_transport_options = {
        **app.conf.broker_transport_options, "unacked_restore_interval": 1, "unacked_restore_throttle": 1,
    }
    if os.environ.get("PEKERJA_MACET") == "1":
        os.fsync = _fsync_macet
    from celery.__main__ import main

    sys.argv = ["celery", *sys.argv[1:]]
    sys.exit(main())
