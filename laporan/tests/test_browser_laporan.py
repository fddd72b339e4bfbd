"""The monitoring flow end to end in a real browser, as a Kepala Puskesmas meets it.

She opens her dashboard, follows a card to the deliveries behind it, asks for last month's report, downloads
the PDF, approves the month — and from then on that month's deliveries cannot be changed, by the bidan
koordinator who keeps them either, until the month is reopened.
"""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from kia.models import Penolong, Persalinan, TempatPersalinan
from kia.tests.factories import IbuFactory, PersalinanFactory
from laporan.models import AksiLaporan, CatatanLaporan, LaporanBulanan
from laporan.periode import bulan_lalu
from puskesmas.tests.browser import batas_waktu, login  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("batas_waktu")]


@pytest.fixture
def bulan(cast):
    """Last month in Puskesmas A's zone, with three deliveries (one by a dukun alone) and one this month."""
    w = cast.w
    hari_ini = timezone.localtime(timezone.now(), w.puskesmas_a.zona).date()
    periode = bulan_lalu(hari_ini)
    tanggal = periode.mulai + dt.timedelta(days=9)
    for kel, penolong, tempat in [
        (w.a1, Penolong.BIDAN, TempatPersalinan.PUSKESMAS),
        (w.a1, Penolong.DUKUN, TempatPersalinan.RUMAH),
        (w.a2, Penolong.BIDAN_DUKUN, TempatPersalinan.PUSTU),
    ]:
        PersalinanFactory(ibu=IbuFactory(kelurahan=kel), penolong=penolong, tempat=tempat, tanggal=tanggal)
    PersalinanFactory(ibu=IbuFactory(kelurahan=w.a1), penolong=Penolong.BIDAN, tempat=TempatPersalinan.PUSKESMAS,
                      tanggal=hari_ini.replace(day=1))
    return periode


def test_kepala_puskesmas_reviews_reports_approves_and_the_month_is_locked(
    page: Page, live_server, cast, bulan, tmp_path, browser, eager_celery
):
    w = cast.w
    login(page, live_server, "kapus_a")

    # The dashboard of last month, and the card that leads to the records behind it.
    page.goto(f"{live_server.url}/dasbor/?periode={bulan.kode}")
    expect(page.get_by_role("heading", name="Dasbor Puskesmas Aur Duri", level=1)).to_be_visible()
    expect(page.locator("#kartu-persalinan_jumlah, #kartu-pn").first).to_be_visible()
    expect(page.locator("#kartu-dukun_sendiri [data-nilai]")).to_have_text("1")
    expect(page.locator("#kartu-pn [data-nilai]")).to_have_text("66,67%")
    page.locator("#kartu-dukun_sendiri").get_by_role("link", name="1").click()
    expect(page.get_by_role("heading", name="Persalinan", level=1)).to_be_visible()
    expect(page.locator("#daftar-persalinan tbody tr")).to_have_count(1)

    # Last month's report: requested, rendered (in-process here, even when a broker is set), downloaded.
    page.goto(f"{live_server.url}/dasbor/?periode={bulan.kode}")
    page.get_by_role("link", name="Laporan bulanan dan persetujuan").click()
    expect(page.get_by_role("heading", name="Laporan bulanan — Puskesmas Aur Duri", level=1)).to_be_visible()
    baris = page.locator("tbody tr").filter(has_text=bulan.label)
    baris.get_by_role("button", name="PDF").click()
    unduh = page.get_by_role("link", name="Unduh PDF")
    expect(unduh).to_be_visible()
    with page.expect_download() as info:
        unduh.click()
    pdf = tmp_path / "laporan.pdf"
    info.value.save_as(pdf)
    teks = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Input" in teks and "Proses" in teks and "Output" in teks
    assert "66,67%" in teks  # Pn: 2 of the 3 deliveries
    assert CatatanLaporan.objects.filter(aksi=AksiLaporan.UNDUH, oleh=cast.kapus_a).exists()

    # Approval: a confirmation step, then the month is locked.
    page.goto(f"{live_server.url}/laporan/bulanan/?puskesmas={w.puskesmas_a.pk}")
    page.locator("tbody tr").filter(has_text=bulan.label).get_by_role("link", name="Setujui").click()
    page.get_by_role("button", name="Ya, setujui dan kunci").click()
    expect(page.locator("tbody tr").filter(has_text=bulan.label).get_by_text("Disetujui").first).to_be_visible()
    laporan = LaporanBulanan.objects.get(puskesmas=w.puskesmas_a, bulan=bulan.mulai)
    assert laporan.terkunci and laporan.checksum

    # The bidan koordinator, who keeps the deliveries, can no longer change one of that month.
    persalinan = Persalinan.objects.filter(puskesmas=w.puskesmas_a, tanggal__lte=bulan.selesai).first()
    konteks = browser.new_context()
    bikor = konteks.new_page()
    bikor.set_default_timeout(10_000)
    login(bikor, live_server, "bikor_a")
    bikor.goto(f"{live_server.url}/kia/persalinan/{persalinan.pk}/ubah/")
    bikor.get_by_label("Catatan").fill("Diubah setelah laporan disetujui")
    bikor.get_by_role("button", name="Simpan", exact=True).click()
    expect(bikor.get_by_text("sudah disetujui", exact=False).first).to_be_visible()
    persalinan.refresh_from_db()
    assert persalinan.catatan != "Diubah setelah laporan disetujui"
    konteks.close()
