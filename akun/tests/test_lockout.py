"""Lockout follows the username, never the address: a whole Puskesmas shares one public IP."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from akun.tests.utils import masuk

pytestmark = pytest.mark.django_db

PUSKESMAS_IP = "103.10.20.30"


def _gagal(client, username: str, ip: str = PUSKESMAS_IP, kali: int | None = None):
    for _ in range(kali or settings.AXES_FAILURE_LIMIT):
        response = masuk(client, username, password="salah-sekali-bukan-ini", ip=ip)
    return response


def test_wrong_password_says_so_without_saying_which_part(client, cast):
    response = masuk(client, "bidan_a", password="salah-sekali-bukan-ini")
    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah." in response.content.decode()


def test_bidan_is_locked_after_repeated_failures_while_colleague_on_same_address_logs_in(client, cast):
    _gagal(client, "bidan_a")
    # Even the right password is refused now, with a clear message and the cool-off time.
    response = masuk(client, "bidan_a")
    html = response.content.decode()
    assert response.status_code == 429
    assert "Akun dikunci sementara" in html
    assert f"({settings.AXES_FAILURE_LIMIT} kali)" in html
    assert "coba lagi setelah 30 menit" in html
    assert "_auth_user_id" not in client.session

    from django.test import Client

    rekan = Client()
    response = masuk(rekan, "bikor_a", ip=PUSKESMAS_IP)
    assert response.status_code == 302
    assert rekan.get(reverse("home")).status_code == 200


def test_lockout_follows_the_username_to_another_address(client, cast):
    _gagal(client, "bidan_a")
    assert masuk(client, "bidan_a", ip="36.70.1.2").status_code == 429


def test_failures_below_the_limit_do_not_lock(client, cast):
    _gagal(client, "bidan_a", kali=settings.AXES_FAILURE_LIMIT - 1)
    assert masuk(client, "bidan_a").status_code == 302
