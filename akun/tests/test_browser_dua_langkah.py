"""A Dinkes officer's first login in a real browser: set up the authenticator, then log in with a code."""

from __future__ import annotations

from base64 import b32decode

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from akun.tests.utils import kode_totp
from puskesmas.tests.browser import batas_waktu, masuk  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("batas_waktu")]


def test_dinkes_sets_up_two_step_login_then_needs_a_code_at_the_next_login(
    page: Page, live_server, cast, dua_langkah_ditegakkan
):
    masuk(page, live_server, "dinkes_a")
    expect(page).to_have_url(f"{live_server.url}/akun/dua-langkah/atur/?next=%2F")
    expect(page.locator("#qr-dua-langkah svg")).to_be_visible()
    # Other pages stay shut until it is done.
    page.goto(f"{live_server.url}/kia/ibu/")
    expect(page).to_have_url(f"{live_server.url}/akun/dua-langkah/atur/?next=%2Fkia%2Fibu%2F")
    page.goto(f"{live_server.url}/")

    rahasia = page.locator("#kunci-rahasia").inner_text().replace(" ", "")
    page.get_by_label("Kode").fill(f"{totp(b32decode(rahasia)):06d}")
    page.get_by_role("button", name="Konfirmasi").click()
    expect(page.get_by_role("heading", name="Kode cadangan")).to_be_visible()
    expect(page.locator("#kode-cadangan li")).to_have_count(10)
    page.get_by_role("link", name="Lanjut", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("link", name="Dasbor", exact=True).first).to_be_visible()

    page.get_by_role("button", name="Keluar").click()
    expect(page).to_have_url(f"{live_server.url}/masuk/")

    masuk(page, live_server, "dinkes_a")
    expect(page).to_have_url(f"{live_server.url}/akun/dua-langkah/verifikasi/?next=%2F")
    page.get_by_label("Kode").fill("000000")
    page.get_by_role("button", name="Verifikasi").click()
    expect(page.get_by_text("Kode salah")).to_be_visible()
    device = TOTPDevice.objects.get(user=cast.dinkes_a, confirmed=True)
    device.throttle_reset()  # the wrong code above delays the next try by a second
    page.get_by_label("Kode").fill(kode_totp(device))
    page.get_by_role("button", name="Verifikasi").click()
    expect(page).to_have_url(f"{live_server.url}/")
