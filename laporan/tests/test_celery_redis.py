"""Downloads through a real broker: Redis, a Celery worker (in a thread of this process) and the database.

The tests marked `redis` use the Redis named by REDIS_URL (CI: redis://127.0.0.1:6379/0); without it, a
redis-server of their own on a free port (a newcomer's `make test`), and they are skipped, saying so, only when
neither is there. The others check what happens when the broker is down, and need nothing.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import shutil
import time
import uuid
import warnings
from pathlib import Path
from types import SimpleNamespace

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connections
from pypdf import PdfReader

from laporan import services
from laporan.models import JenisUnduhan, StatusUnduhan, Unduhan
from laporan.tasks import enqueue_unduhan, render_unduhan
from outbox.tests.redis_sendiri import RedisSendiri, free_port

REDIS_URL = os.environ.get("REDIS_URL", "")
CLOSED_PORT_URL = "redis://127.0.0.1:6390/0"  # nothing listens there
WAIT_SECONDS = 60



@pytest.fixture(scope="module")
def redis_url():
    """CI's Redis (REDIS_URL), else one started for this module."""
    if REDIS_URL:
        yield REDIS_URL
        return
    if not shutil.which("redis-server"):
        pytest.skip("REDIS_URL is not set and redis-server is not installed: this test needs a real Redis broker")
    server = RedisSendiri(port=free_port())
    server.start()
    try:
        yield server.url
    finally:
        server.kill()


def _reset_broker_pools(app) -> None:
    """Forget connections made for the previous broker URL (as Celery itself does after a fork)."""
    from kombu import pools

    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None
    pools.reset()  # kombu keeps pools per connection process-wide; closed ones must not be handed out again


@pytest.fixture
def celery_app(settings, redis_url):
    """The project's Celery app for a real broker: not eager, its own queue, restored afterwards."""
    from config.celery import app

    keys = ("task_always_eager", "broker_url", "task_default_queue")
    saved = {key: app.conf[key] for key in keys}
    queue = f"test-kemitraan-{uuid.uuid4().hex[:12]}"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.REDIS_URL = redis_url
    app.conf.task_always_eager = False
    app.conf.broker_url = redis_url
    # A queue of its own: no stale message of an earlier run reaches this worker, and this
    # test's messages reach no other worker.
    app.conf.task_default_queue = queue
    _reset_broker_pools(app)
    yield SimpleNamespace(app=app, queue=queue)
    for key, value in saved.items():
        app.conf[key] = value
    _reset_broker_pools(app)
    import redis

    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"*{queue}*"):
        client.delete(key)
    client.close()


@pytest.fixture
def worker(transactional_db, celery_app):
    """A worker thread consuming the test queue; the data it reads must be committed (transactional_db)."""
    if connections["default"].vendor == "sqlite":
        # SQLite's in-memory test database is shared between threads with table-level locks: the worker's
        # writes and the test's polling refuse each other ("database table is locked").
        pytest.skip("a worker thread beside the test needs a database two connections can use at once: PostgreSQL")

    def close_db_connections(**kwargs):
        # Runs in the worker thread after each task: its own connection must not outlive the test,
        # or PostgreSQL refuses to drop the test database.
        connections.close_all()

    task_postrun.connect(close_db_connections, weak=False)
    try:
        with _logging_preserved(), start_worker(celery_app.app, pool="solo", perform_ping_check=False,
                                                queues=[celery_app.queue], shutdown_timeout=30) as w:
            yield w
    finally:
        task_postrun.disconnect(close_db_connections)


@contextlib.contextmanager
def _logging_preserved():
    """The embedded worker sets up logging as a worker process would (root logger, warnings, env);
    undo that, so that later tests in this process log and capture as before."""
    root = logging.getLogger()
    level, handlers = root.level, root.handlers[:]
    filters = warnings.filters[:]
    env = {key: os.environ.get(key) for key in ("CELERY_LOG_LEVEL", "CELERY_LOG_FILE")}
    try:
        yield
    finally:
        root.setLevel(level)
        root.handlers[:] = handlers
        warnings.filters[:] = filters
        logging.captureWarnings(False)
        for key, value in env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _wait_until_done(pk: int) -> Unduhan:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        unduhan = Unduhan.objects.get(pk=pk)
        if unduhan.status in (StatusUnduhan.COMPLETE, StatusUnduhan.FAILED):
            return unduhan
        time.sleep(0.2)
    pytest.fail(f"Unduhan {pk} still {Unduhan.objects.get(pk=pk).status} after {WAIT_SECONDS} s")


def _pdf_text(unduhan: Unduhan, settings) -> str:
    data = (Path(settings.PRIVATE_MEDIA_ROOT) / unduhan.berkas).read_bytes()
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _unduhan(cast, user=None, puskesmas=None) -> Unduhan:
    return Unduhan.objects.create(
        jenis=JenisUnduhan.DAFTAR_DUKUN_PDF, puskesmas=puskesmas or cast.w.puskesmas_a,
        diminta_oleh=user or cast.bikor_a,
    )


# --- With Redis ----------------------------------------------------------------------------


@pytest.mark.redis
def test_worker_renders_the_pdf_sent_through_redis(worker, dukun_set, cast, settings):
    unduhan = _unduhan(cast)

    render_unduhan.delay(unduhan.pk)

    done = _wait_until_done(unduhan.pk)
    assert done.status == StatusUnduhan.COMPLETE, done.pesan_galat
    text = _pdf_text(done, settings)
    assert "Puskesmas Aur Duri" in text
    assert "Siti Rohmah" in text
    assert "Halimah" in text
    assert "Asiah" not in text
    assert "Maimunah" not in text


@pytest.mark.redis
def test_request_is_published_after_commit_and_rendered_by_the_worker(worker, dukun_set, cast, settings):
    unduhan = services.unduhan_request(user=cast.bidan_a, puskesmas=cast.w.puskesmas_a)

    done = _wait_until_done(unduhan.pk)
    assert done.status == StatusUnduhan.COMPLETE, done.pesan_galat
    text = _pdf_text(done, settings)
    assert "Siti Rohmah" in text
    for nama in ("Halimah", "Asiah", "Maimunah"):
        assert nama not in text


@pytest.mark.redis
def test_worker_retries_a_passing_disk_error_and_completes(worker, dukun_set, cast, settings, monkeypatch):
    real_write = services.write_private_file
    attempts = []

    def flaky_write(relative, content):
        attempts.append(relative)
        if len(attempts) == 1:
            raise OSError(5, "Input/output error")
        return real_write(relative, content)

    monkeypatch.setattr(services, "write_private_file", flaky_write)
    unduhan = _unduhan(cast)

    enqueue_unduhan(unduhan.pk)

    done = _wait_until_done(unduhan.pk)
    assert done.status == StatusUnduhan.COMPLETE, done.pesan_galat
    assert len(attempts) == 2
    assert "Siti Rohmah" in _pdf_text(done, settings)


@pytest.mark.redis
def test_worker_marks_the_unduhan_failed_when_rendering_breaks(worker, dukun_set, cast, monkeypatch):
    def broken(template, context):
        raise RuntimeError("WeasyPrint rusak")

    monkeypatch.setattr(services, "render_pdf", broken)
    unduhan = _unduhan(cast)

    enqueue_unduhan(unduhan.pk)

    done = _wait_until_done(unduhan.pk)
    assert done.status == StatusUnduhan.FAILED
    assert done.pesan_galat == "RuntimeError"
    assert done.berkas == ""


@pytest.mark.redis
def test_healthz_reports_broker_ok_with_redis(client, db, settings, redis_url):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.REDIS_URL = redis_url

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


# --- Without a broker ----------------------------------------------------------------------


def test_healthz_reports_broker_error_quickly_when_nothing_listens(client, db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.REDIS_URL = CLOSED_PORT_URL

    started = time.monotonic()
    response = client.get("/healthz")
    elapsed = time.monotonic() - started

    assert response.status_code == 200  # the database answers; a broker outage is reported, not fatal
    assert response.json() == {"status": "ok", "database": "ok", "broker": "error"}
    assert elapsed < 3


def test_healthz_reports_eager_without_broker(client, db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True

    assert client.get("/healthz").json()["broker"] == "eager"


def test_enqueue_with_broker_down_keeps_the_unduhan_pending_in_the_outbox_without_hanging(
    cast, settings, django_capture_on_commit_callbacks
):
    from config.celery import app
    from outbox.models import Pesan

    keys = ("task_always_eager", "broker_url")
    saved = {key: app.conf[key] for key in keys}
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    app.conf.broker_url = CLOSED_PORT_URL
    _reset_broker_pools(app)
    unduhan = _unduhan(cast)
    try:
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            enqueue_unduhan(unduhan.pk)
        elapsed = time.monotonic() - started
    finally:
        for key, value in saved.items():
            app.conf[key] = value
        _reset_broker_pools(app)

    unduhan.refresh_from_db()
    assert unduhan.status == StatusUnduhan.PENDING  # sent by the outbox once the broker is back
    pesan = Pesan.objects.get()
    assert (pesan.task, pesan.args, pesan.sent_at, pesan.attempts) == ("laporan.tasks.render_unduhan",
                                                                         [unduhan.pk], None, 1)
    assert unduhan.antrean_tertunda
    assert elapsed < 5, f"publishing to a dead broker took {elapsed:.1f} s"
