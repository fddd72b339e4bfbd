"""A meeting on a 360-px phone: plan it, tick attendance one tap at a time, add and close follow-ups.

Playwright drives Debian's chromium against `live_server` (transactional: the cast is committed).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from dukun.tests.factories import DukunFactory
from kemitraan.models import (
    KehadiranBidan,
    KehadiranDukun,
    Pertemuan,
    PesertaLintasSektor,
    StatusPertemuan,
    StatusTindakLanjut,
    TindakLanjut,
)
from kemitraan.tests.factories import PertemuanFactory, TindakLanjutFactory
from puskesmas.tests.browser import PONSEL, batas_waktu, foto, login, tanpa_gulir_mendatar  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("batas_waktu")]


@pytest.fixture(autouse=True)
def _penyimpanan_privat(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": tmp_path / "private"}},
    }


def ketuk_hadir(page: Page, daftar: str, nama: str) -> None:
    tombol = page.locator(daftar).get_by_role("button", name=nama, exact=True)
    expect(tombol).to_have_attribute("aria-pressed", "false")
    with page.expect_response(lambda r: "/hadir/" in r.url) as jawaban:
        tombol.click()
    assert jawaban.value.status == 200
    expect(page.locator(daftar).get_by_role("button", name=nama, exact=True)).to_have_attribute("aria-pressed", "true")


# The meeting is planned for 09:00 today and must read "Terlambat" at the end: the day starts at 14:00 WIB.
@pytest.mark.jam("2026-11-18T14:00:00+07:00")
def test_bikor_merencanakan_mencatat_hadir_dan_menindaklanjuti_di_ponsel(page: Page, live_server, dukun_set, cast):
    w = cast.w
    DukunFactory(nama="Juriah", kelurahan=w.a1)
    DukunFactory(nama="Asmah", kelurahan=w.a2)  # active too: listed, but not ticked
    page.set_viewport_size(PONSEL)
    login(page, live_server, "bikor_a")

    # Plan the meeting (today 09:00, in the Puskesmas' zone: WIB).
    hari_ini = timezone.localdate()
    page.goto(f"{live_server.url}/kemitraan/pertemuan/")
    expect(page.get_by_role("heading", name="Pertemuan", level=1)).to_be_visible()
    tanpa_gulir_mendatar(page)
    page.get_by_role("link", name="Rencanakan pertemuan").click()
    expect(page.get_by_role("heading", name="Rencanakan pertemuan")).to_be_visible()
    expect(page.get_by_text("Waktu setempat (WIB).")).to_be_visible()
    page.get_by_label("Jenis pertemuan").select_option(label="Pertemuan rutin kemitraan")
    page.get_by_label("Tanggal dan jam rencana").fill(f"{hari_ini.isoformat()}T09:00")
    page.get_by_label("Tempat").fill("Aula Puskesmas Aur Duri")
    page.get_by_label("Fasilitator").fill("Bidan koordinator")
    page.get_by_label("Materi").fill("Tanda bahaya kehamilan\nRujukan tepat waktu")
    tanpa_gulir_mendatar(page)
    foto(page, "pertemuan_form_360")
    page.get_by_role("button", name="Simpan").click()

    expect(page.get_by_role("alert").first).to_contain_text("Pertemuan direncanakan")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pertemuan rutin kemitraan")
    pertemuan = Pertemuan.objects.get()
    assert page.url == f"{live_server.url}/kemitraan/pertemuan/{pertemuan.pk}/"
    assert pertemuan.status == StatusPertemuan.DIRENCANAKAN
    assert timezone.localtime(pertemuan.waktu_rencana).strftime("%Y-%m-%d %H:%M") == f"{hari_ini.isoformat()} 09:00"
    expect(page.locator("#data-pertemuan")).to_contain_text("09:00 WIB")

    # Attendance: one tap each, no page reload.
    page.evaluate("() => { window.belumDimuatUlang = true; }")
    for nama in ["Siti Rohmah", "Juriah", "Halimah"]:
        ketuk_hadir(page, "#daftar-hadir-dukun", nama)
    for nama in ["Sri Mulyani", "Fitri Handayani"]:
        ketuk_hadir(page, "#daftar-hadir-bidan", nama)
    # A second tap unticks, a third ticks again.
    juriah = page.locator("#daftar-hadir-dukun").get_by_role("button", name="Juriah", exact=True)
    juriah.click()
    expect(juriah).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#jumlah-hadir-dukun")).to_have_text("2 dukun")
    ketuk_hadir(page, "#daftar-hadir-dukun", "Juriah")
    expect(page.locator("#daftar-hadir-dukun").get_by_role("button", name="Asmah", exact=True)).to_have_attribute(
        "aria-pressed", "false"
    )
    # Outsiders are not even listed.
    expect(page.get_by_text("Asiah")).to_have_count(0)
    expect(page.get_by_text("Ratna Juwita")).to_have_count(0)

    # The Lurah, as a cross-sector attendee.
    page.get_by_label("Kategori").select_option(label="Lurah/Kepala Desa")
    page.get_by_role("textbox", name=re.compile(r"^Nama\*?$")).fill("H. Ahmad Yani")
    page.get_by_label("Jabatan (boleh kosong)").fill("Lurah Penyengat Rendah")
    page.get_by_role("button", name="Tambah peserta").click()
    expect(page.locator("#daftar-lintas-sektor")).to_contain_text("H. Ahmad Yani")
    expect(page.locator("#daftar-lintas-sektor")).to_contain_text("Lurah/Kepala Desa · Lurah Penyengat Rendah")
    expect(page.get_by_role("textbox", name=re.compile(r"^Nama\*?$"))).to_have_value("")

    expect(page.locator("#jumlah-hadir-bidan")).to_have_text("2 bidan")
    expect(page.locator("#jumlah-hadir-dukun")).to_have_text("3 dukun")
    expect(page.locator("#jumlah-hadir-lintas-sektor")).to_have_text("1 lintas sektor")
    assert page.evaluate("() => window.belumDimuatUlang") is True
    assert set(KehadiranDukun.objects.filter(pertemuan=pertemuan).values_list("dukun__nama", flat=True)) == {
        "Siti Rohmah", "Juriah", "Halimah"
    }
    assert set(KehadiranBidan.objects.filter(pertemuan=pertemuan).values_list("bidan__nama", flat=True)) == {
        "Sri Mulyani", "Fitri Handayani"
    }
    assert list(PesertaLintasSektor.objects.filter(pertemuan=pertemuan).values_list("kategori", "nama")) == [
        ("lurah", "H. Ahmad Yani")
    ]
    tanpa_gulir_mendatar(page)
    foto(page, "pertemuan_kehadiran_360")

    # Two follow-up actions.
    tenggat = hari_ini + dt.timedelta(days=14)
    for uraian, pemilik in [("Kunjungi ibu hamil risiko tinggi di RT 04", "Sri Mulyani"),
                            ("Usulkan insentif dukun ke Dana Desa", "Bidan koordinator")]:
        page.get_by_label("Keputusan/tindakan").fill(uraian)
        page.get_by_label("Penanggung jawab").select_option(label=pemilik)
        page.get_by_label("Tenggat").fill(tenggat.isoformat())
        page.get_by_role("button", name="Simpan tindak lanjut").click()
        expect(page.get_by_role("alert").first).to_have_text("Tindak lanjut dicatat.")
        expect(page.locator("#tindak-lanjut")).to_contain_text(uraian)
    assert TindakLanjut.objects.filter(pertemuan=pertemuan, status=StatusTindakLanjut.TERBUKA).count() == 2

    # Close one; closing needs a note.
    page.get_by_role("link", name=re.compile("^Tutup tindak lanjut: Kunjungi ibu hamil")).click()
    expect(page.get_by_role("heading", name="Tutup tindak lanjut")).to_be_visible()
    tanpa_gulir_mendatar(page)
    page.get_by_label("Selesai").check()
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_text("Tuliskan catatan penutupan.")).to_be_visible()
    page.get_by_label("Catatan penutupan").fill("Sudah dikunjungi; dirujuk ke RS untuk ANC.")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_role("alert").first).to_have_text("Tindak lanjut ditutup: Selesai.")
    assert page.url.startswith(f"{live_server.url}/kemitraan/pertemuan/{pertemuan.pk}/")
    daftar_tl = page.locator("#tindak-lanjut .tindak-lanjut-daftar > li")
    expect(daftar_tl).to_have_count(2)
    expect(daftar_tl.filter(has_text="Kunjungi ibu hamil")).to_contain_text("Selesai")
    expect(daftar_tl.filter(has_text="Kunjungi ibu hamil")).to_contain_text("Sudah dikunjungi")
    expect(daftar_tl.filter(has_text="Usulkan insentif")).to_contain_text("Terbuka")
    statuses = dict(TindakLanjut.objects.filter(pertemuan=pertemuan).values_list("uraian", "status"))
    assert sorted(statuses.values()) == [StatusTindakLanjut.SELESAI, StatusTindakLanjut.TERBUKA]
    tanpa_gulir_mendatar(page)
    foto(page, "pertemuan_detail_360")

    # An action of an earlier meeting whose due date has passed: the follow-up page shows one overdue action.
    lalu = PertemuanFactory(puskesmas=w.puskesmas_a, waktu_rencana=timezone.now() - dt.timedelta(days=40))
    TindakLanjutFactory(pertemuan=lalu, uraian="Data dukun baru dilengkapi", tenggat=hari_ini - dt.timedelta(days=3))
    # The Puskesmas' page shows it first, with a link to the overdue actions.
    page.goto(f"{live_server.url}/puskesmas/{w.puskesmas_a.pk}/")
    ringkas = page.locator("#tindak-lanjut-ringkas")
    expect(ringkas).to_contain_text("1 tindak lanjut terlambat")
    tanpa_gulir_mendatar(page)
    ringkas.get_by_role("link", name="1 tindak lanjut terlambat").click()
    expect(page.locator("#daftar-tindak-lanjut .tindak-lanjut-daftar > li")).to_have_count(1)
    page.goto(f"{live_server.url}/kemitraan/pertemuan/tindak-lanjut/")
    expect(page.locator("#ringkasan-tindak-lanjut")).to_contain_text("1 terlambat")
    page.get_by_text("Saring", exact=True).click()
    page.get_by_label("Tenggat").select_option(label="Terlambat")
    page.get_by_role("button", name="Terapkan").click()
    item = page.locator("#daftar-tindak-lanjut .tindak-lanjut-daftar > li")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("Data dukun baru dilengkapi")
    expect(item.locator(".tl-terlambat")).to_have_text("Terlambat")
    tanpa_gulir_mendatar(page)
    foto(page, "tindak_lanjut_360")

    # The meeting list reads on the phone without swiping the table sideways.
    page.locator("main").get_by_role("link", name="Pertemuan", exact=True).click()
    expect(page.locator("#daftar-pertemuan tbody tr")).to_have_count(2)
    expect(page.locator("#daftar-pertemuan tbody tr").first).to_contain_text("Terlambat")
    tanpa_gulir_mendatar(page)
    lebih = page.locator(".table-responsive").evaluate_all("els => els.map(e => e.scrollWidth - e.clientWidth)")
    assert lebih == [0]
    foto(page, "pertemuan_list_360")


def test_tanpa_javascript_centang_kehadiran_tetap_tersimpan(browser, live_server, dukun_set, cast):
    """The attendance buttons are plain forms underneath: with JavaScript off a tap posts and comes back."""
    pertemuan = PertemuanFactory(puskesmas=cast.w.puskesmas_a)
    konteks = browser.new_context(java_script_enabled=False, viewport=PONSEL)
    page = konteks.new_page()
    page.set_default_timeout(10_000)
    login(page, live_server, "bikor_a")
    page.goto(f"{live_server.url}/kemitraan/pertemuan/{pertemuan.pk}/")
    page.locator("#daftar-hadir-dukun").get_by_role("button", name="Halimah", exact=True).click()
    expect(page.locator("#daftar-hadir-dukun").get_by_role("button", name="Halimah", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    assert page.url.endswith(f"/kemitraan/pertemuan/{pertemuan.pk}/#hadir-dukun-{dukun_set.a2.pk}")
    expect(page.locator("#jumlah-hadir-dukun")).to_have_text("1 dukun")
    assert list(KehadiranDukun.objects.filter(pertemuan=pertemuan).values_list("dukun__nama", flat=True)) == [
        "Halimah"
    ]
    konteks.close()
