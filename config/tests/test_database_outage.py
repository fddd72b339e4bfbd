"""PostgreSQL down: pages and /healthz answer 503 within the connect timeout; the app recovers by itself.

These tests run the real thing: gunicorn in a subprocess (DEBUG off, as in production), with its
DATABASE_URL pointing at a closed port, or at a small TCP proxy in this process that stands between
gunicorn and the test database and can refuse, hang or forward connections.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

BASE_DIR = Path(__file__).resolve().parents[2]
CONNECT_TIMEOUT = 3  # settings' default for PostgreSQL (DB_CONNECT_TIMEOUT)
# A 503 must come back within the connect timeout; the margin covers one Python request on 2 busy cores.
BATAS_503 = CONNECT_TIMEOUT + 2.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(database_url: str, log: Path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CONN_MAX_AGE", "DB_CONNECT_TIMEOUT")}
    env.update(DATABASE_URL=database_url, DEBUG="0", ALLOWED_HOSTS="127.0.0.1", LOG_LEVEL="WARNING",
               STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage")
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "config.wsgi", "--no-control-socket",
             "--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "30", "--log-level", "warning"],
            cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        batas = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > batas:
                    raise RuntimeError("gunicorn did not start:\n" + log.read_text()) from None
                time.sleep(0.1)
        proc.port = port
        yield proc
    finally:
        proc.send_signal(signal.SIGINT)  # gunicorn's quick shutdown (TERM waits for a graceful one)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def minta(port: int, path: str, cookie: str = "") -> tuple[int, dict[str, str], str, float]:
    """GET path; returns status, headers, body and the seconds it took."""
    mulai = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        r = conn.getresponse()
        body = r.read().decode()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, body, time.monotonic() - mulai
    finally:
        conn.close()


def worker_pids(master_pid: int) -> set[int]:
    pids = set()
    for children in Path(f"/proc/{master_pid}/task").glob("*/children"):
        pids |= {int(p) for p in children.read_text().split()}
    return pids


class ProksiTcp:
    """A TCP proxy to PostgreSQL that can be switched between forwarding, refusing and hanging."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.port = free_port()
        self.mode = "tutup"
        self._listener: socket.socket | None = None
        self._socks: set[socket.socket] = set()
        self._lock = threading.Lock()

    def terus(self) -> None:
        self.mode = "terus"
        self._dengar()

    def gantung(self) -> None:
        """Accept connections and never answer: the server is there but does not respond."""
        self.mode = "gantung"
        self._dengar()

    def tutup(self) -> None:
        """PostgreSQL gone: new connections are refused, open ones are cut."""
        self.mode = "tutup"
        if self._listener is not None:
            # The accept thread closes the listening socket itself: closing it under a thread that
            # is polling it would keep the port bound for a moment and the next bind would fail.
            self._listener = None
            self._thread.join()
        with self._lock:
            socks, self._socks = self._socks, set()
        for s in socks:
            self._matikan(s)

    def _dengar(self) -> None:
        if self._listener is not None:
            return
        ls = socket.socket()
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(("127.0.0.1", self.port))
        ls.listen(16)
        ls.settimeout(0.1)
        self._listener = ls
        self._thread = threading.Thread(target=self._terima, args=(ls,), daemon=True)
        self._thread.start()

    def _terima(self, ls: socket.socket) -> None:
        with ls:
            while self._listener is ls:
                try:
                    klien, _ = ls.accept()
                except TimeoutError:
                    continue
                self._layani(klien)

    def _layani(self, klien: socket.socket) -> None:
        klien.settimeout(None)
        with self._lock:
            self._socks.add(klien)
        if self.mode != "terus":
            return  # hang: keep the socket open, send nothing
        try:
            hulu = socket.create_connection(self.target, timeout=5)
        except OSError:
            self._matikan(klien)
            return
        hulu.settimeout(None)
        with self._lock:
            self._socks.add(hulu)
        for a, b in ((klien, hulu), (hulu, klien)):
            threading.Thread(target=self._salur, args=(a, b), daemon=True).start()

    def _salur(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            self._matikan(src)
            self._matikan(dst)

    @staticmethod
    def _matikan(s: socket.socket) -> None:
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        s.close()


def test_postgresql_di_port_tertutup_503_cepat(tmp_path):
    """Nothing listens on 127.0.0.1:1: /healthz says why, a logged-in page answers the 503 page."""
    with gunicorn("postgres://postgres@127.0.0.1:1/kemitraan_tidak_ada", tmp_path / "gunicorn.log") as g:
        status, headers, body, detik = minta(g.port, "/healthz")
        assert status == 503, body
        assert detik < BATAS_503
        data = json.loads(body)
        assert (data["status"], data["database"], data["database_error"]) == ("error", "error", "OperationalError")
        assert headers["retry-after"] == "30"

        # A session cookie makes the middlewares load the user: the outage is hit before any view.
        status, headers, body, detik = minta(g.port, "/", cookie=f"{settings.SESSION_COOKIE_NAME}={'a1b2c3d4' * 4}")
        assert status == 503, body
        assert detik < BATAS_503
        assert "Layanan sementara tidak tersedia" in body
        assert headers["retry-after"] == "30"
        assert "content-security-policy" in headers
        for bocor in ("OperationalError", "127.0.0.1", "Traceback", "kemitraan_tidak_ada"):
            assert bocor not in body


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)")
def test_postgresql_mati_lalu_pulih_tanpa_restart(transactional_db, cast, tmp_path):
    db = connection.settings_dict
    proksi = ProksiTcp((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
    proksi.terus()
    klien = Client()
    klien.force_login(cast.bikor_a)
    cookie = f"{settings.SESSION_COOKIE_NAME}={klien.cookies[settings.SESSION_COOKIE_NAME].value}"
    url = f"postgres://{db['USER']}@127.0.0.1:{proksi.port}/{db['NAME']}"
    try:
        with gunicorn(url, tmp_path / "gunicorn.log") as g:
            status, _, body, _ = minta(g.port, "/", cookie)
            assert status == 200, body
            assert minta(g.port, "/healthz")[0] == 200
            pekerja = worker_pids(g.pid)
            assert len(pekerja) == 1

            # Down: the persistent connection is cut and new ones are refused.
            proksi.tutup()
            status, headers, body, detik = minta(g.port, "/", cookie)
            assert status == 503, body
            assert "Layanan sementara tidak tersedia" in body and headers["retry-after"] == "30"
            assert detik < BATAS_503
            status, _, body, detik = minta(g.port, "/healthz")
            assert status == 503 and json.loads(body)["database_error"] == "OperationalError"

            # Hanging: the server accepts and never answers; the connect timeout bounds the wait.
            proksi.gantung()
            status, _, body, detik = minta(g.port, "/healthz")
            assert status == 503, body
            assert CONNECT_TIMEOUT - 0.5 <= detik < BATAS_503, detik

            # Back: the same worker reconnects on the next request.
            proksi.tutup()
            proksi.terus()
            status, _, body, _ = minta(g.port, "/", cookie)
            assert status == 200, body
            assert minta(g.port, "/healthz")[0] == 200
            assert worker_pids(g.pid) == pekerja, "the worker was restarted"
            assert g.poll() is None
    finally:
        proksi.tutup()
