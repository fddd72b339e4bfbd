"""Production settings: `check --deploy` is clean, and the app refuses to start with missing or weak secrets."""

from __future__ import annotations

import os
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parents[2]
SETTINGS = BASE_DIR / "config" / "settings.py"

# Whatever the developer's or CI's shell sets must not decide these tests.
_LEPAS = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "BEHIND_HTTPS_PROXY", "SECURE_COOKIES", "SECURE_SSL_REDIRECT",
          "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "CSRF_TRUSTED_ORIGINS")


def env_produksi(**ubah: str) -> dict[str, str]:
    """The environment of a production process behind an HTTPS proxy.

    Built from scratch, not from this process: the test run's own defaults (config/testenv.py, e.g.
    DJANGO_ALLOW_ASYNC_UNSAFE) are exactly what production must not have.
    """
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "DATABASE_URL") if k in os.environ}
    env.update(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="kemitraan.dinkes.example",
               BEHIND_HTTPS_PROXY="1", DJANGO_SETTINGS_MODULE="config.settings")
    env.update(ubah)
    return {k: v for k, v in env.items() if v is not None}


def test_check_deploy_produksi_bersih():
    proc = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR, env=env_produksi(), capture_output=True, text=True, timeout=60,
    )
    keluaran = proc.stdout + proc.stderr
    assert proc.returncode == 0, keluaran
    assert "System check identified no issues" in keluaran, keluaran
    for kata in ("WARNINGS", "ERRORS", "?:"):
        assert kata not in keluaran, keluaran


def test_check_deploy_memperingatkan_tanpa_https():
    """The check really looks at our settings: without the proxy switch it warns about the redirect."""
    proc = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR, env=env_produksi(BEHIND_HTTPS_PROXY="0"), capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode != 0
    assert "security.W008" in proc.stdout + proc.stderr


def test_proses_menolak_mulai_tanpa_secret_key():
    env = env_produksi()
    del env["SECRET_KEY"]
    proc = subprocess.run([sys.executable, "manage.py", "check"], cwd=BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set" in proc.stderr


def muat_settings(monkeypatch, env: dict[str, str]) -> dict:
    """Execute config/settings.py afresh with `env` (the running Django settings stay untouched)."""
    for k in _LEPAS:
        monkeypatch.delenv(k, raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return runpy.run_path(str(SETTINGS))


KUNCI_BAIK = "k" + secrets.token_urlsafe(60)


@pytest.mark.parametrize(("env", "pesan"), [
    ({"ALLOWED_HOSTS": "kemitraan.dinkes.example"}, "SECRET_KEY must be set"),
    ({"SECRET_KEY": "rahasia-pendek", "ALLOWED_HOSTS": "kemitraan.dinkes.example"}, "SECRET_KEY is too weak"),
    ({"SECRET_KEY": "a" * 60, "ALLOWED_HOSTS": "kemitraan.dinkes.example"}, "SECRET_KEY is too weak"),
    ({"SECRET_KEY": "django-insecure-" + secrets.token_urlsafe(50), "ALLOWED_HOSTS": "kemitraan.dinkes.example"},
     "SECRET_KEY is too weak"),
    ({"SECRET_KEY": KUNCI_BAIK}, "ALLOWED_HOSTS must be set"),
    ({"SECRET_KEY": KUNCI_BAIK, "ALLOWED_HOSTS": " , "}, "ALLOWED_HOSTS must be set"),
])
def test_produksi_menolak_rahasia_lemah_atau_host_kosong(monkeypatch, env, pesan):
    with pytest.raises(ImproperlyConfigured, match=pesan):
        muat_settings(monkeypatch, {"DEBUG": "0", **env})


def test_produksi_dengan_rahasia_kuat_berjalan_dengan_keamanan_penuh(monkeypatch):
    s = muat_settings(monkeypatch, {"DEBUG": "0", "SECRET_KEY": KUNCI_BAIK, "ALLOWED_HOSTS": "kemitraan.dinkes.example",
                                    "BEHIND_HTTPS_PROXY": "1"})
    assert s["SECURE_SSL_REDIRECT"] is True
    assert s["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert s["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert (s["SESSION_COOKIE_SECURE"], s["CSRF_COOKIE_SECURE"], s["SESSION_COOKIE_HTTPONLY"]) == (True, True, True)
    assert (s["SESSION_COOKIE_SAMESITE"], s["CSRF_COOKIE_SAMESITE"]) == ("Lax", "Lax")


def test_debug_lokal_tanpa_rahasia_tanpa_https(monkeypatch):
    """`make run` (DEBUG=1) needs no secret and serves plain HTTP without HSTS or redirects."""
    s = muat_settings(monkeypatch, {"DEBUG": "1"})
    assert s["SECRET_KEY"].startswith("django-insecure-")
    assert (s["SECURE_SSL_REDIRECT"], s["SECURE_HSTS_SECONDS"], s["SESSION_COOKIE_SECURE"]) == (False, 0, False)


def test_postgresql_punya_batas_waktu_sambung(monkeypatch):
    s = muat_settings(monkeypatch, {"DEBUG": "1", "DATABASE_URL": "postgres://u@127.0.0.1:5432/x"})
    assert s["DATABASES"]["default"]["OPTIONS"]["connect_timeout"] == 3
    assert s["DATABASES"]["default"]["CONN_HEALTH_CHECKS"] is True
    s = muat_settings(monkeypatch, {"DEBUG": "1", "DATABASE_URL": "postgres://u@127.0.0.1:5432/x?connect_timeout=7"})
    assert s["DATABASES"]["default"]["OPTIONS"]["connect_timeout"] == 7
