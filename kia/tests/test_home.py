"""The home page's counts of deliveries, open referrals and open case reviews, each in the user's scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kia import services
from kia.models import Penolong
from kia.selectors import ringkasan_kia
from kia.tests.factories import IbuFactory, PersalinanFactory, RujukanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(cast, dukun_set):
    today = timezone.localdate()
    ibu_a, ibu_b = IbuFactory(kelurahan=cast.w.a1), IbuFactory(kelurahan=cast.w.b1)
    sendiri = PersalinanFactory(ibu=ibu_a, tanggal=today, tempat="rumah", penolong=Penolong.DUKUN, dukun=dukun_set.a1)
    PersalinanFactory(ibu=ibu_a, tanggal=today - dt.timedelta(days=1))
    PersalinanFactory(ibu=ibu_b, tanggal=today)
    services.naikkan_kajian([sendiri])
    RujukanFactory(ibu=ibu_a, dukun=dukun_set.a1)
    RujukanFactory(ibu=ibu_b, dukun=dukun_set.b1)


@pytest.mark.parametrize("role,expected", [
    ("admin", (3, 1, 2, 1)), ("dinkes_a", (3, 1, 2, 1)), ("dinkes_c", (0, 0, 0, 0)), ("kapus_a", (2, 1, 1, 1)),
    ("bikor_b", (1, 0, 1, 0)), ("bidan_a", (2, 1, 1, 1)), ("bidan_b", (1, 0, 1, 0)),
])
def test_counts_stay_in_scope(cast, data, role, expected):
    r = ringkasan_kia(getattr(cast, role))
    today = timezone.localdate()
    if today.day == 1:  # yesterday's delivery belongs to last month
        expected = (expected[0] - (1 if role in ("admin", "dinkes_a", "kapus_a", "bidan_a") else 0), *expected[1:])
    assert (r.persalinan_bulan_ini, r.dukun_sendiri_tahun_ini, r.rujukan_terbuka, r.kajian_terbuka) == expected


def test_home_links_to_the_lists(client, cast, data):
    client.force_login(cast.kapus_a)
    page = client.get(reverse("home")).content.decode()
    assert reverse("kia:kajian_list") in page
    assert f"?penolong=dukun&amp;tahun={timezone.localdate().year}" in page
    assert "Kajian kasus terbuka" in page


@pytest.mark.parametrize("role,shown", [("admin", True), ("dinkes_a", True), ("bikor_a", True), ("kapus_a", False),
                                        ("bidan_a", False)])
def test_menu_offers_the_register_import_to_those_who_may_use_it(client, cast, role, shown):
    client.force_login(getattr(cast, role))
    page = client.get(reverse("home")).content.decode()
    assert (reverse("kia:impor_persalinan") in page) is shown
    assert reverse("kia:sasaran") in page
    assert client.get(reverse("kia:impor_persalinan")).status_code == (200 if shown else 403)
