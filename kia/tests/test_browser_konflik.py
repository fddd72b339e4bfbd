"""Two bidan of one Puskesmas edit the same referral in two browsers: the second sees what changed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, expect

from kia.models import Rujukan
from kia.tests.factories import IbuFactory, RujukanFactory
from puskesmas.tests.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dua_pengguna_mengubah_rujukan_yang_sama(browser: Browser, live_server, cast, dukun_set):
    ibu = IbuFactory(kelurahan=cast.w.a1, nama="Rina Marlina", dukun=dukun_set.a1)
    r = RujukanFactory(ibu=ibu, dukun=dukun_set.a1, bidan=cast.profil_bidan_a, alasan="Perdarahan sejak subuh",
                       waktu_rujuk=(timezone.now() - dt.timedelta(hours=2)).replace(second=0, microsecond=0))
    url = f"{live_server.url}{reverse('kia:rujukan_update', args=[r.pk])}"
    detail = f"{live_server.url}{reverse('kia:rujukan_detail', args=[r.pk])}"
    halaman = {}
    for username in ("bidan_a", "bikor_a"):  # two browsers: two sessions, two people
        page = browser.new_context().new_page()
        page.set_default_timeout(10_000)
        login(page, live_server, username)
        page.goto(url)
        halaman[username] = page
    bidan, bikor = halaman["bidan_a"], halaman["bikor_a"]

    bidan.get_by_label("Alasan dirujuk").fill("Ketuban pecah")
    bidan.get_by_role("button", name="Simpan").click()
    expect(bidan).to_have_url(detail)

    bikor.get_by_label("Alasan dirujuk").fill("Kejang di rumah")
    bikor.get_by_role("button", name="Simpan").click()
    konflik = bikor.locator("#konflik-versi")
    expect(konflik).to_contain_text("Data ini sudah diubah orang lain")
    expect(konflik).to_contain_text("bidan_a mengubahnya pada")
    expect(konflik.get_by_role("row", name="Alasan dirujuk")).to_contain_text("Kejang di rumah")
    expect(konflik.get_by_role("row", name="Alasan dirujuk")).to_contain_text("Ketuban pecah")
    expect(bikor.get_by_label("Alasan dirujuk")).to_have_value("Kejang di rumah")  # her typing is kept
    assert Rujukan.objects.get(pk=r.pk).alasan == "Ketuban pecah"

    # She has read it and means it: the second click saves over, with the new version the page now carries.
    bikor.get_by_role("button", name="Simpan").click()
    expect(bikor).to_have_url(detail)
    assert Rujukan.objects.get(pk=r.pk).alasan == "Kejang di rumah"
    for page in halaman.values():
        page.context.close()
