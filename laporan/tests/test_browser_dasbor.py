"""The dashboards in a real browser: a Kepala Puskesmas follows a card to its records, Dinkes sorts the district
table and opens a Puskesmas, and the page fits a 360 px phone.

June 2025: Puskesmas A has 5 deliveries, 2 by a dukun alone; Puskesmas B has 1, by a dukun alone.
"""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from kia.models import Penolong, TempatPersalinan
from kia.tests.factories import IbuFactory, PersalinanFactory
from puskesmas.tests.browser import PONSEL, batas_waktu, foto, login, tanpa_gulir_mendatar  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("batas_waktu")]

HARI = dt.date(2025, 6, 10)


@pytest.fixture
def persalinan(cast, dukun_set):
    w = cast.w
    for kel, penolong, tempat in [
        (w.a1, Penolong.BIDAN, TempatPersalinan.PUSKESMAS), (w.a1, Penolong.DUKUN, TempatPersalinan.RUMAH),
        (w.a1, Penolong.DOKTER, TempatPersalinan.RS), (w.a2, Penolong.BIDAN_DUKUN, TempatPersalinan.PUSTU),
        (w.a2, Penolong.DUKUN, TempatPersalinan.RUMAH), (w.b1, Penolong.DUKUN, TempatPersalinan.RUMAH),
    ]:
        PersalinanFactory(ibu=IbuFactory(kelurahan=kel), penolong=penolong, tempat=tempat, tanggal=HARI)
    # Outside June: not counted.
    PersalinanFactory(ibu=IbuFactory(kelurahan=w.a1), penolong=Penolong.DUKUN, tempat=TempatPersalinan.RUMAH,
                      tanggal=dt.date(2025, 5, 20))


def test_kepala_puskesmas_follows_the_dukun_alone_card_to_its_deliveries(page: Page, live_server, cast, persalinan):
    login(page, live_server, "kapus_a")
    page.get_by_role("link", name="Dasbor", exact=True).first.click()
    expect(page.get_by_role("heading", name="Dasbor Puskesmas Aur Duri", level=1)).to_be_visible()

    page.get_by_label("Periode", exact=True).fill("2025-06")
    page.get_by_role("button", name="Tampilkan").click()
    expect(page.locator("#label-periode")).to_have_text("Juni 2025")
    kartu = page.locator("#kartu-dukun_sendiri")
    expect(kartu.locator("[data-nilai]")).to_have_text("2")
    expect(page.locator("#kartu-pn [data-nilai]")).to_have_text("60,00%")
    expect(page.locator("#grafik-penolong")).to_be_visible()

    kartu.get_by_role("link", name="2").click()
    expect(page.get_by_role("heading", name="Persalinan", level=1)).to_be_visible()
    expect(page.locator("#r-jumlah")).to_have_text("2")
    expect(page.locator("#daftar-persalinan tbody tr")).to_have_count(2)


def test_dinkes_sorts_the_district_and_opens_a_puskesmas(page: Page, live_server, cast, persalinan):
    login(page, live_server, "dinkes_a")
    page.goto(f"{live_server.url}/dasbor/?periode=2025-06")
    expect(page.get_by_role("heading", name="Dasbor Kota Jambi", level=1)).to_be_visible()
    tabel = page.locator("#tabel-puskesmas")
    expect(tabel.locator("tbody tr th")).to_have_text(["Aur Duri", "Pakuan Baru"])

    tabel.get_by_role("link", name="Persalinan tercatat").click()  # ascending
    expect(tabel.locator("tbody tr th")).to_have_text(["Pakuan Baru", "Aur Duri"])
    tabel.get_by_role("link", name="Persalinan tercatat").click()  # descending
    expect(tabel.locator("tbody tr th")).to_have_text(["Aur Duri", "Pakuan Baru"])
    expect(tabel.locator("#baris-total [data-kode='dukun_sendiri']")).to_have_text("3")

    tabel.get_by_role("link", name="Pakuan Baru").click()
    expect(page.get_by_role("heading", name="Dasbor Puskesmas Pakuan Baru", level=1)).to_be_visible()
    expect(page.locator("#label-periode")).to_have_text("Juni 2025")
    expect(page.locator("#kartu-dukun_sendiri [data-nilai]")).to_have_text("1")


def test_dashboard_cards_fit_a_phone(page: Page, live_server, cast, persalinan):
    page.set_viewport_size(PONSEL)
    login(page, live_server, "kapus_a")
    page.goto(f"{live_server.url}/dasbor/?periode=2025-06")
    expect(page.locator("#kartu-dukun_sendiri [data-nilai]")).to_have_text("2")
    expect(page.locator("#kartu-akb")).to_be_visible()
    tanpa_gulir_mendatar(page)
    lebar = page.locator("#kartu-indikator .card").evaluate_all(
        "cards => cards.map(c => c.getBoundingClientRect().right)")
    assert lebar and max(lebar) <= PONSEL["width"]
    foto(page, "dasbor_puskesmas_360")

    page.context.clear_cookies()
    login(page, live_server, "dinkes_a")
    page.goto(f"{live_server.url}/dasbor/?periode=2025-06")
    expect(page.locator("#tabel-puskesmas")).to_be_visible()
    tanpa_gulir_mendatar(page)
    foto(page, "dasbor_kabupaten_360")
