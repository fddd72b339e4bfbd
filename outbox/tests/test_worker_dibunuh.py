"""A report worker killed mid-render (SIGKILL of its whole process group) — real processes throughout:
a redis-server of the test's own, `celery worker` subprocesses (prefork, one pool process) and the test's
PostgreSQL database, which the workers see because this test commits (transaction=True).

The first worker's writes stall after the partial file is on disk (outbox/tests/pekerja.py); it is
killed there. Its message was never acknowledged (acks_late), so Redis hands it out again once the
visibility timeout (20 s here, CELERY_VISIBILITY_TIMEOUT; an hour in production) has passed since it was
delivered, and a new worker renders the report: one report row, one file, no partial file left. The
timeout must exceed a render (about 10 s on a busy two-core machine), or a render still running would be
handed out a second time.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from laporan.models import StatusUnduhan, Unduhan
from laporan.periode import bulan_lalu
from outbox.models import Pesan

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

VISIBILITY_TIMEOUT = 20
BATAS_TEST = 60


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Pekerja:
    """One `celery worker` in a session (process group) of its own, its output in a file."""

    def __init__(self, nama: str, env: dict, log: Path):
        self.log = log
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "outbox.tests.pekerja", "-A", "config", "worker", "--pool", "prefork",
             "--concurrency", "1", "--loglevel", "INFO", "--without-gossip", "--without-mingle",
             "--without-heartbeat", "-n", f"{nama}@%h"],
            cwd=django_settings.BASE_DIR, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def hidup(self) -> bool:
        return self.proc.poll() is None

    def bunuh(self) -> None:
        """SIGKILL to the whole group: the main process and its pool process die without a word to Redis."""
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)  # a pool process that outlived its parent

    def keluaran(self) -> str:
        return self.log.read_text(errors="replace")


def _tunggu(kondisi, detik: float, pesan) -> None:
    deadline = time.monotonic() + detik
    while time.monotonic() < deadline:
        if kondisi():
            return
        time.sleep(0.2)
    pytest.fail(pesan() if callable(pesan) else pesan)


def test_report_killed_mid_render_is_rendered_again_once_without_partial_file(
    client, cast, redis_sendiri, broker, settings, tmp_path
):
    if connection.vendor != "postgresql":
        pytest.skip("the workers must share the test database: PostgreSQL")
    mulai = time.monotonic()
    media = tmp_path / "private"
    settings.PRIVATE_MEDIA_ROOT = media
    broker.arahkan(redis_sendiri.url)
    env = {
        **os.environ, "DATABASE_URL": _database_url(), "REDIS_URL": redis_sendiri.url,
        "CELERY_TASK_ALWAYS_EAGER": "0", "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "PRIVATE_MEDIA_ROOT": str(media), "CONN_MAX_AGE": "0", "PYTHONPATH": str(django_settings.BASE_DIR),
    }
    client.force_login(cast.kapus_a)
    url = reverse("laporan:bulanan_minta", args=[cast.w.puskesmas_a.pk, bulan_lalu(timezone.localdate()).kode])
    assert client.post(url, {"format": "pdf"}).status_code == 302  # committed, then published to Redis
    unduhan = Unduhan.objects.get()
    pesan = Pesan.objects.get()
    assert pesan.sent_at is not None and redis_sendiri.client().llen("celery") == 1

    pekerja = []
    try:
        macet = Pekerja("macet", {**env, "PEKERJA_MACET": "1"}, tmp_path / "macet.log")
        pekerja.append(macet)
        sisa = lambda: list(media.rglob(".tmp-*")) if media.exists() else []  # noqa: E731
        _tunggu(lambda: sisa() or not macet.hidup(), 30,
                lambda: f"the first worker wrote nothing:\n{macet.keluaran()[-3000:]}")
        assert macet.hidup(), macet.keluaran()[-3000:]
        partial = sisa()
        assert len(partial) == 1 and partial[0].parent == media / "unduhan" / str(unduhan.pk)
        assert Unduhan.objects.get().status == StatusUnduhan.PROCESSING  # claimed, mid-render

        macet.bunuh()
        assert partial[0].exists()  # a SIGKILL runs no cleanup: the partial file is still there
        assert Unduhan.objects.get().status == StatusUnduhan.PROCESSING
        # A new worker at once: it finds the unacknowledged message once its visibility timeout is over.
        baru = Pekerja("baru", env, tmp_path / "baru.log")
        pekerja.append(baru)
        _tunggu(lambda: Unduhan.objects.get().status in (StatusUnduhan.COMPLETE, StatusUnduhan.FAILED)
                or not baru.hidup(), BATAS_TEST - (time.monotonic() - mulai) - 2,
                lambda: f"not rendered again ({Unduhan.objects.get().status}):\n{baru.keluaran()[-3000:]}")
    finally:
        for p in pekerja:
            p.bunuh()

    selesai = Unduhan.objects.get()
    assert selesai.status == StatusUnduhan.COMPLETE, baru.keluaran()[-3000:]
    assert f"outbox-{pesan.pk}" in baru.keluaran()  # the same message, delivered again
    berkas = media / selesai.berkas
    assert berkas.read_bytes().startswith(b"%PDF")
    assert sorted(p for p in media.rglob("*") if p.is_file()) == [berkas]  # one report, no partial file
    # Acknowledged: it will not come back. (What may wait is the drain a starting worker queues.)
    r = redis_sendiri.client()
    waiting = [json.loads(m)["headers"]["task"] for m in r.lrange("celery", 0, -1)]
    waiting += [json.loads(m)[0]["headers"]["task"] for m in r.hvals("unacked")]
    assert "laporan.tasks.render_unduhan" not in waiting, waiting
    assert time.monotonic() - mulai < BATAS_TEST
