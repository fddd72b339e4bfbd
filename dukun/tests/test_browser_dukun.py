"""The dukun registry in a real browser: Debian's chromium driven by Playwright against `live_server`.

`live_server` makes every test transactional (pytest-django turns the `db` that `cast` asks for into
`transactional_db` whenever `live_server` is requested), so the cast is committed and the server thread
sees it. Logins go through the real form at /masuk/, which also runs django-axes.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from dukun.models import Dukun, StatusDukun
from puskesmas.tests.browser import PONSEL, TERPOTONG_JS, batas_waktu, foto, masuk, tanpa_gulir_mendatar  # noqa: F401
from puskesmas.tests.browser import login as _login

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("batas_waktu")]


def login(page: Page, live_server, username: str) -> None:
    _login(page, live_server, username)
    # On a phone the button sits in the collapsed menu, hidden but there.
    expect(page.get_by_role("button", name="Keluar", include_hidden=True)).to_be_attached()


def test_bikor_tambah_ubah_dan_cari_dukun(page: Page, live_server, dukun_set):
    login(page, live_server, "bikor_a")
    page.get_by_role("navigation").get_by_role("link", name="Dukun", exact=True).click()
    expect(page.get_by_role("heading", name="Daftar dukun")).to_be_visible()
    page.get_by_role("link", name="Tambah dukun").click()
    expect(page.get_by_role("heading", name="Tambah dukun")).to_be_visible()

    page.get_by_role("textbox", name=re.compile(r"^Nama\*?$")).fill("Nurhayati")
    page.get_by_label("Nama panggilan").fill("Mak Nur")
    page.get_by_label("Kelurahan/desa").select_option(label="Teluk Kenali (15.71.01.1003)")
    page.get_by_label("Tahun lahir").fill("1958")
    page.get_by_label("RT", exact=True).fill("004")
    page.get_by_label("RW", exact=True).fill("002")
    page.get_by_label("Fitri Handayani — Pustu Teluk Kenali").check()
    page.get_by_role("button", name="Simpan").click()

    expect(page.get_by_role("alert")).to_contain_text("Dukun Nurhayati ditambahkan ke registri.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nurhayati (Mak Nur)")
    dukun = Dukun.objects.get(nama="Nurhayati")
    assert page.url == f"{live_server.url}/dukun/{dukun.pk}/"
    assert (dukun.kelurahan_id, dukun.rt, dukun.rw, dukun.tahun_lahir) == ("15.71.01.1003", "004", "002", 1958)
    expect(page.locator("#bidan-kenal")).to_contain_text("Fitri Handayani")
    riwayat = page.locator("#riwayat")
    expect(riwayat.get_by_role("heading", name="Riwayat perubahan")).to_be_visible()
    entri = riwayat.locator(".riwayat-entry")
    # One save is one entry, the ticked bidan included (not a second "Diubah" for the links).
    expect(entri).to_have_count(1)
    expect(entri.first).to_contain_text("bikor_a · Dibuat")
    jumlah_entri = 1

    page.get_by_role("link", name="Ubah", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ubah data dukun: Nurhayati")
    expect(page.locator("#id_nama_panggilan")).to_have_value("Mak Nur")
    page.locator("#id_nama_panggilan").fill("Bu Nur")
    page.get_by_role("button", name="Simpan").click()

    expect(page.get_by_role("alert")).to_contain_text("Perubahan data Nurhayati disimpan.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nurhayati (Bu Nur)")
    expect(entri).to_have_count(jumlah_entri + 1)
    expect(entri.first).to_contain_text("bikor_a · Diubah")
    expect(entri.first.get_by_role("listitem")).to_have_text("Nama panggilan: Mak Nur → Bu Nur")
    expect(entri.last).to_contain_text("Dibuat")

    # Found through the search box (which also searches nama panggilan) ...
    page.get_by_role("navigation").get_by_role("link", name="Dukun", exact=True).click()
    daftar = page.locator("#daftar-dukun")
    expect(daftar.get_by_role("link")).to_have_count(3)  # a1, a2 and the new one: Puskesmas A only
    page.get_by_text("Saring dan cari").click()
    page.get_by_label("Cari nama").fill("bu nur")
    page.get_by_role("button", name="Terapkan").click()
    expect(daftar.get_by_role("link")).to_have_text(["Nurhayati"])
    expect(page.get_by_label("Cari nama")).to_have_value("bu nur")

    # ... and through the kelurahan filter.
    page.get_by_role("link", name="Hapus saringan").click()
    page.get_by_text("Saring dan cari").click()
    kelurahan = page.get_by_label("Kelurahan/desa")
    expect(kelurahan.locator("option")).to_have_text(["Semua kelurahan/desa", "Penyengat Rendah", "Teluk Kenali"])
    kelurahan.select_option(label="Teluk Kenali")
    page.get_by_role("button", name="Terapkan").click()
    expect(daftar.get_by_role("link")).to_have_text(["Halimah", "Nurhayati"])
    expect(page.locator("#ringkasan-kelurahan tbody")).to_contain_text("Teluk Kenali")
    expect(page.locator("#ringkasan-kelurahan tbody")).not_to_contain_text("Penyengat Rendah")


def test_bidan_puskesmas_lain_mendapat_404(page: Page, live_server, dukun_set):
    login(page, live_server, "bidan_b")
    jawaban = page.goto(f"{live_server.url}/dukun/{dukun_set.a2.pk}/")
    assert jawaban.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Halaman tidak ditemukan")
    expect(page.get_by_text("Halimah")).to_have_count(0)
    jawaban = page.goto(f"{live_server.url}/dukun/{dukun_set.a2.pk}/ubah/")
    assert jawaban.status == 404
    # Her own kelurahan still opens: the 404 above is about scope, not a failed login.
    jawaban = page.goto(f"{live_server.url}/dukun/{dukun_set.b1.pk}/")
    assert jawaban.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Asiah")


def test_ponsel_360_daftar_dan_formulir(page: Page, live_server, dukun_set):
    page.set_viewport_size(PONSEL)
    login(page, live_server, "bikor_a")

    # The navbar collapses into a toggler that opens the menu.
    menu_dukun = page.get_by_role("navigation").get_by_role("link", name="Dukun", exact=True)
    expect(menu_dukun).to_be_hidden()
    toggler = page.get_by_role("button", name="Menu")
    expect(toggler).to_be_visible()
    toggler.click()
    expect(menu_dukun).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    menu_dukun.click()

    expect(page.get_by_role("heading", name="Daftar dukun")).to_be_visible()
    page.get_by_text("Saring dan cari").click()
    expect(page.get_by_role("button", name="Terapkan")).to_be_visible()
    tanpa_gulir_mendatar(page)
    # Both tables fit too, so "Dikenal bidan" can be read without swiping the table sideways.
    lebih = page.locator(".table-responsive").evaluate_all("els => els.map(e => e.scrollWidth - e.clientWidth)")
    assert lebih == [0, 0]
    foto(page, "dukun_list_360")

    page.get_by_role("link", name="Tambah dukun").click()
    expect(page.get_by_role("heading", name="Tambah dukun")).to_be_visible()
    tanpa_gulir_mendatar(page)
    foto(page, "dukun_form_360")

    page.locator("#id_nama").fill("Rukiah")
    page.locator("#id_kelurahan").select_option(label="Penyengat Rendah (15.71.01.1010)")
    simpan = page.get_by_role("button", name="Simpan")
    simpan.scroll_into_view_if_needed()
    expect(simpan).to_be_visible()
    expect(simpan).to_be_in_viewport()
    simpan.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rukiah")
    tanpa_gulir_mendatar(page)
    foto(page, "dukun_detail_360")


def test_isian_salah_ditolak_dan_tetap_di_formulir(page: Page, live_server, dukun_set):
    login(page, live_server, "bikor_a")

    page.goto(f"{live_server.url}/dukun/baru/")
    page.locator("#id_nama").fill("Rahmah")
    page.locator("#id_kelurahan").select_option(label="Penyengat Rendah (15.71.01.1010)")
    page.locator("#id_rt").fill("abc")  # the field has maxlength=3, so "abcd" cannot even be typed
    with page.expect_response(lambda r: r.request.method == "POST") as kiriman:
        page.get_by_role("button", name="Simpan").click()
    assert kiriman.value.status == 400
    expect(page).to_have_url(f"{live_server.url}/dukun/baru/")

    expect(page.get_by_role("alert").first).to_contain_text(
        "Periksa kembali isian yang ditandai. Data belum disimpan."
    )
    expect(page.locator("#id_rt")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.get_by_text("RT/RW berupa angka 1–3 digit, contoh 004.")).to_be_visible()
    expect(page.locator("#id_nama")).to_have_value("Rahmah")
    expect(page.locator("#id_rt")).to_have_value("abc")
    expect(page.locator("#id_kelurahan")).to_have_value("15.71.01.1010")
    assert not Dukun.objects.filter(nama="Rahmah").exists()

    # A status change to "Meninggal" needs the date it happened.
    siti = dukun_set.a1
    riwayat_awal = siti.history.count()
    page.goto(f"{live_server.url}/dukun/{siti.pk}/ubah/")
    page.locator("#id_status").select_option(label="Meninggal")
    page.locator("#id_catatan").fill("Meninggal bulan lalu.")
    with page.expect_response(lambda r: r.request.method == "POST") as kiriman:
        page.get_by_role("button", name="Simpan").click()
    assert kiriman.value.status == 400

    expect(page.get_by_text("Status berubah: isi tanggal perubahan status.")).to_be_visible()
    expect(page.locator("#id_status_sejak")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.locator("#id_status")).to_have_value(StatusDukun.MENINGGAL)
    expect(page.locator("#id_catatan")).to_have_value("Meninggal bulan lalu.")
    siti.refresh_from_db()
    assert (siti.status, siti.catatan) == (StatusDukun.AKTIF, "")
    assert siti.history.count() == riwayat_awal


def test_kata_sandi_salah(page: Page, live_server, cast):
    from axes.models import AccessAttempt

    masuk(page, live_server, "bikor_a", "bukan-kata-sandinya")
    expect(page.locator("main .alert-danger")).to_have_text("Nama pengguna atau kata sandi salah.")
    assert page.url.startswith(f"{live_server.url}/masuk/")
    assert AccessAttempt.objects.get(username="bikor_a").failures_since_start == 1

    # The right password still works afterwards, and resets the failure counter.
    login(page, live_server, "bikor_a")
    assert not AccessAttempt.objects.filter(username="bikor_a").exists()
