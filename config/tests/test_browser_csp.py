"""The pages whose scripts moved to static/js/ still work in chromium under the CSP, without one violation.

A violation shows in the console ("Refused to … because it violates the following Content Security
Policy directive") and as a `securitypolicyviolation` event; both are collected and must stay empty.
"""

from __future__ import annotations

import base64

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from playwright.sync_api import Page, expect

from kemitraan.models import JenisLampiran, LampiranPertemuan
from kemitraan.tests.factories import PertemuanFactory
from puskesmas.tests.browser import batas_waktu, login  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("batas_waktu")]

# A 1×1 transparent PNG, served in place of OpenStreetMap tiles (no internet needed; a tile refused
# by the CSP never reaches this route and shows up as a violation instead).
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)

PELANGGARAN_JS = """() => { window.__csp = []; document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI)); }"""


@pytest.fixture
def pantau_csp(page: Page):
    """Console messages and violation events about the CSP, and tiles the map asked for."""
    catatan = {"konsol": [], "galat": [], "ubin": []}
    page.on("console", lambda m: catatan["konsol"].append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: catatan["galat"].append(str(e)))
    page.add_init_script(f"({PELANGGARAN_JS})()")

    def ubin(route):
        catatan["ubin"].append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=PNG)

    page.route("https://tile.openstreetmap.org/**", ubin)
    return catatan


def tanpa_pelanggaran(page: Page, catatan: dict) -> None:
    assert page.evaluate("() => window.__csp") == []
    assert catatan["konsol"] == []
    assert catatan["galat"] == []


def test_peta_dukun_tampil_di_bawah_csp(page: Page, live_server, dukun_set, pantau_csp):
    dukun_set.a1.latitude, dukun_set.a1.longitude = -1.6101, 103.6131
    dukun_set.a1.save()
    login(page, live_server, "bikor_a")
    page.goto(live_server.url + reverse("dukun:peta"))
    peta = page.locator("#peta-dukun")
    expect(peta.locator(".leaflet-tile-loaded").first).to_be_attached()  # tiles allowed by img-src
    penanda = peta.locator("path.leaflet-interactive")
    expect(penanda).to_have_count(1)
    penanda.click()
    tautan = peta.locator(".leaflet-popup-content a")
    expect(tautan).to_have_text("Siti Rohmah — Penyengat Rendah")
    expect(tautan).to_have_attribute("href", reverse("dukun:detail", args=[dukun_set.a1.pk]))
    assert pantau_csp["ubin"], "the map asked for no tile"
    tanpa_pelanggaran(page, pantau_csp)


def test_formulir_dukun_ambil_lokasi_di_bawah_csp(page: Page, live_server, cast, pantau_csp):
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": -1.61234567, "longitude": 103.61234567})
    login(page, live_server, "bikor_a")
    page.goto(live_server.url + reverse("dukun:create"))
    page.locator("#ambil-lokasi").click()
    expect(page.locator("#id_latitude")).to_have_value("-1.612346")
    expect(page.locator("#id_longitude")).to_have_value("103.612346")
    tanpa_pelanggaran(page, pantau_csp)


def test_formulir_dukun_lokasi_gagal_memberi_pesan(page: Page, live_server, cast, pantau_csp):
    login(page, live_server, "bikor_a")  # no geolocation permission: the browser refuses
    page.goto(live_server.url + reverse("dukun:create"))
    page.locator("#ambil-lokasi").click()
    expect(page.get_by_text("Lokasi tidak dapat diambil. Isi lintang dan bujur secara manual.")).to_be_visible()
    tanpa_pelanggaran(page, pantau_csp)


def test_pertemuan_hapus_lampiran_minta_konfirmasi_dan_htmx_di_bawah_csp(page: Page, live_server, cast, pantau_csp):
    pertemuan = PertemuanFactory(puskesmas=cast.w.puskesmas_a)
    LampiranPertemuan.objects.create(
        pertemuan=pertemuan, jenis=JenisLampiran.FOTO, berkas=ContentFile(PNG, name="foto.png"),
        nama_asli="foto.png", ukuran=len(PNG), tipe_konten="image/png",
    )
    login(page, live_server, "bikor_a")
    page.goto(live_server.url + reverse("pertemuan:detail", args=[pertemuan.pk]))
    # The nonce'd <style> block applies.
    assert page.locator("img.lampiran-gambar").evaluate("e => getComputedStyle(e).width") == "64px"
    hapus = page.get_by_role("button", name="Hapus lampiran foto.png")

    page.once("dialog", lambda d: d.dismiss())
    hapus.click()
    expect(hapus).to_be_visible()
    assert LampiranPertemuan.objects.filter(pertemuan=pertemuan).count() == 1

    pesan = []
    page.once("dialog", lambda d: (pesan.append(d.message), d.accept()))
    hapus.click()
    expect(page.get_by_role("button", name="Hapus lampiran foto.png")).to_have_count(0)
    assert pesan == ["Hapus lampiran ini?"]
    assert LampiranPertemuan.objects.filter(pertemuan=pertemuan).count() == 0

    # The htmx error handler from static/js/pertemuan_detail.js: a failed tap shows the message.
    page.route("**/hadir/**", lambda route: route.fulfill(status=500, body="x"))
    page.locator("#daftar-hadir-bidan").get_by_role("button").first.click()
    expect(page.locator("#galat-htmx")).to_have_text("Gagal menyimpan. Muat ulang halaman lalu coba lagi. (500)")
    tanpa_pelanggaran(page, pantau_csp)


def test_pemantau_menangkap_pelanggaran(page: Page, live_server, cast, pantau_csp):
    """The watch above can fail: an injected inline script and a foreign image are refused and reported."""
    login(page, live_server, "bikor_a")
    page.evaluate("""() => {
      const s = document.createElement('script'); s.textContent = 'window.__jalan = true'; document.body.append(s);
      const i = document.createElement('img'); i.src = 'https://contoh.invalid/x.png'; document.body.append(i);
    }""")
    expect(page.locator("img[src='https://contoh.invalid/x.png']")).to_be_attached()
    page.wait_for_function("() => window.__csp.length >= 2")
    assert page.evaluate("() => window.__jalan") is None  # the inline script did not run
    arahan = page.evaluate("() => window.__csp")
    assert any(a.startswith("script-src") for a in arahan) and any(a.startswith("img-src") for a in arahan), arahan
    assert len(pantau_csp["konsol"]) >= 2


def test_dasbor_puskesmas_grafik_dan_peta_di_bawah_csp(page: Page, live_server, dukun_set, pantau_csp):
    """Chart.js and the dashboard map (static/laporan/dasbor.js) under the same policy."""
    dukun_set.a1.latitude, dukun_set.a1.longitude = -1.6101, 103.6131
    dukun_set.a1.save()
    login(page, live_server, "kapus_a")
    page.goto(live_server.url + reverse("dasbor:puskesmas", args=[dukun_set.a1.kelurahan.puskesmas_id]))
    expect(page.locator("#grafik-penolong")).to_be_visible()
    assert page.locator("#grafik-penolong").evaluate("c => c.width") > 0  # Chart.js drew
    expect(page.locator("#peta-dasbor .leaflet-tile-loaded").first).to_be_attached()
    assert page.locator("#peta-dasbor").evaluate("e => e.getBoundingClientRect().height") == 360  # style attribute
    tanpa_pelanggaran(page, pantau_csp)
