"""Helpers for tests that log in through the real form, second step included."""

from __future__ import annotations

import time

from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from akun.services import wajib_dua_langkah
from puskesmas.models import User
from puskesmas.tests.factories import TEST_PASSWORD


def masuk(client, username: str, password: str = TEST_PASSWORD, ip: str = "10.20.30.40", **extra):
    """POST the login form as a browser would (django-axes needs the request and its address)."""
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


def kode_totp(device: TOTPDevice) -> str:
    """The code the authenticator shows now; the next one if the current was already used (no reuse)."""
    device.refresh_from_db()
    now_t = int(time.time() - device.t0) // device.step + device.drift
    drift = device.drift + (1 if device.last_t >= now_t else 0)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, drift):0{device.digits}d}"


def perangkat_terkonfirmasi(user: User) -> TOTPDevice:
    device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "Ponsel uji"})
    return device


def perangkat_jika_wajib(username: str) -> TOTPDevice | None:
    """For browser tests: Dinkes and admin get an authenticator, so they pass the real second step."""
    user = User.objects.get(username=username)
    return perangkat_terkonfirmasi(user) if wajib_dua_langkah(user) else None
