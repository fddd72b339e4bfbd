"""Helpers shared by the browser tests (Playwright driving Debian's chromium against `live_server`)."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Page, expect

from puskesmas.tests.factories import TEST_PASSWORD

PONSEL = {"width": 360, "height": 740}
# Set BROWSER_SHOTS=/tmp/shots to keep screenshots of the phone layout for a human to look at.
SHOTS = os.environ.get("BROWSER_SHOTS", "")

# Elements that stick out to the right of the viewport and are not inside a scrolling box
# (such as .table-responsive): `body { overflow-x: hidden }` would cut them off silently.
TERPOTONG_JS = """() => {
  const w = window.innerWidth, out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= w + 1) continue;
    let p = el.parentElement, scrolls = false;
    while (p && p !== document.body) {
      if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(p).overflowX)) { scrolls = true; break; }
      p = p.parentElement;
    }
    if (!scrolls) out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' ' + Math.round(r.right));
  }
  return out;
}"""


@pytest.fixture
def batas_waktu(page: Page):
    page.set_default_timeout(10_000)  # fail in seconds, not after Playwright's default 30 s


def masuk(page: Page, live_server, username: str, password: str = TEST_PASSWORD) -> None:
    """Log in through the real form (so django-axes runs too)."""
    page.goto(f"{live_server.url}/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()


def login(page: Page, live_server, username: str) -> None:
    """Log in through the real form; Dinkes and admin also pass the real second step (two-step login):
    they are given an authenticator here and type the code it would show."""
    from akun.tests.utils import kode_totp, perangkat_jika_wajib

    device = perangkat_jika_wajib(username)
    masuk(page, live_server, username)
    if device is not None:
        page.get_by_label("Kode").fill(kode_totp(device))
        page.get_by_role("button", name="Verifikasi").click()
    expect(page).to_have_url(f"{live_server.url}/")


def tanpa_gulir_mendatar(page: Page) -> None:
    # Measured once the page has loaded: before its stylesheet applies, a table is as wide as its text
    # (seen on a busy machine right after a click that navigates).
    page.wait_for_load_state("load")
    lebar = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert lebar[0] <= lebar[1] <= PONSEL["width"], lebar
    assert page.evaluate(TERPOTONG_JS) == []


def foto(page: Page, name: str) -> None:
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)
