"""Fixtures of the outbox tests: the Celery app pointed at a broker of the test's choosing, and a Redis
server of the test's own (a subprocess on a free port) that a test may kill, freeze and start again."""

from __future__ import annotations

import shutil

import pytest
from celery import shared_task

from outbox.tests.redis_sendiri import RedisSendiri, free_port

CLOSED_PORT_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
DIJALANKAN: list = []  # what the test task below received


@shared_task(name="outbox.tests.catat")
def catat(*args) -> None:
    """A task for these tests: notes its arguments."""
    DIJALANKAN.append(list(args))


@pytest.fixture(autouse=True)
def _kosongkan_catatan():
    DIJALANKAN.clear()
    yield
    DIJALANKAN.clear()


def reset_broker_pools(app) -> None:
    """Forget connections made for the previous broker URL (as Celery itself does after a fork)."""
    from kombu import pools

    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None
    pools.reset()


@pytest.fixture
def broker(settings):
    """The project's Celery app, not eager; `broker.arahkan(url)` points it at a broker. Restored afterwards."""
    from config.celery import app

    keys = ("task_always_eager", "broker_url", "broker_write_url")
    saved = {key: app.conf[key] for key in keys}
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False

    class Broker:
        def arahkan(self, url: str) -> None:
            app.conf.broker_url = url
            app.conf.broker_write_url = None
            reset_broker_pools(app)

    b = Broker()
    b.app = app
    yield b
    for key, value in saved.items():
        app.conf[key] = value
    reset_broker_pools(app)


@pytest.fixture
def eager(settings):
    from config.celery import app

    saved = app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = saved


@pytest.fixture
def redis_sendiri():
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    server = RedisSendiri(port=free_port())
    server.start()
    try:
        yield server
    finally:
        server.kill()
