"""Fixtures of the outbox tests: the Celery app pointed at a broker of the test's choosing, and a Redis
server of the test's own (a subprocess on a free port) that a test may kill, freeze and start again."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field

import pytest
from celery import shared_task

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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class RedisSendiri:
    """A redis-server of this test only: no persistence, so a kill loses what it held (as CI's does)."""

    port: int
    proc: subprocess.Popen | None = None
    log: list = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(Exception):
                if self.client().ping():
                    return
            time.sleep(0.05)
        raise RuntimeError(f"redis-server on port {self.port} did not start")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGCONT)  # a frozen server must wake to die quickly
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def freeze(self) -> None:
        """SIGSTOP: the port still accepts connections (the kernel's backlog), nothing is ever answered."""
        os.killpg(self.proc.pid, signal.SIGSTOP)

    def client(self):
        import redis

        return redis.Redis.from_url(self.url, socket_connect_timeout=1, socket_timeout=2)


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
