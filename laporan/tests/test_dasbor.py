"""Dashboards: who opens which, the period picker, the figures, the drill-down links and the query counts.

The data set (June 2025, the month before is May):
- Puskesmas A: a1 — bidan at the Puskesmas, dukun alone at home, doctor at the hospital; a2 — bidan with the
  dukun at the Pustu, dukun alone at home (the mother died); May: one more dukun-alone delivery in a1.
- Puskesmas B: b1 — dukun alone. Puskesmas C (another district): c1 — dukun alone.
So for A in June: 5 deliveries, Pn 3/5 = 60,00%, PF 3/5 = 60,00%, 2 by a dukun alone (May: 1), 1 maternal
death; for Kota Jambi (A + B): 6 deliveries, Pn 50,00%, 3 by a dukun alone.
"""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace
from urllib.parse import parse_qs, urlparse

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dukun.models import StatusDukun
from dukun.tests.factories import DukunFactory
from kemitraan.models import StatusTindakLanjut
from kemitraan.tests.factories import NotifikasiFactory, PertemuanFactory, TindakLanjutFactory
from kia.models import (
    AlasanPenolakan,
    Bayi,
    JenisKajian,
    KajianKasus,
    Penolong,
    Persalinan,
    Rujukan,
    StatusIbu,
    StatusLahir,
    StatusRujukan,
    TempatPersalinan,
)
from kia.tests.factories import BayiFactory, IbuFactory, PersalinanFactory, RujukanFactory
from laporan.indikator import INDIKATOR_KUNCI
from laporan.periode import Periode
from laporan.views_dasbor import KOLOM_KABUPATEN, KOLOM_KELURAHAN, baca_periode
from puskesmas.models import Role, ZonaWaktu
from puskesmas.tests.factories import (
    KabupatenFactory,
    KecamatanFactory,
    KelurahanFactory,
    PuskesmasFactory,
    UserFactory,
)

JUNI = "2025-06"
HARI = dt.date(2025, 6, 10)


def _persalinan(kelurahan, penolong, tempat, tanggal=HARI, **kwargs) -> Persalinan:
    return PersalinanFactory(ibu=IbuFactory(kelurahan=kelurahan), penolong=penolong, tempat=tempat, tanggal=tanggal,
                             **kwargs)


@pytest.fixture
def data(cast, dukun_set):
    w = cast.w
    ns = SimpleNamespace(cast=cast, w=w, dukun=dukun_set)
    ns.a1_bidan = _persalinan(w.a1, Penolong.BIDAN, TempatPersalinan.PUSKESMAS)
    ns.a1_dukun = _persalinan(w.a1, Penolong.DUKUN, TempatPersalinan.RUMAH, dukun=dukun_set.a1)
    ns.a1_dokter = _persalinan(w.a1, Penolong.DOKTER, TempatPersalinan.RS)
    ns.a2_bersama = _persalinan(w.a2, Penolong.BIDAN_DUKUN, TempatPersalinan.PUSTU)
    ns.a2_dukun = _persalinan(w.a2, Penolong.DUKUN, TempatPersalinan.RUMAH, status_ibu=StatusIbu.MENINGGAL,
                              tanggal_meninggal_ibu=HARI, sebab_kematian_ibu="perdarahan")
    ns.mei = _persalinan(w.a1, Penolong.DUKUN, TempatPersalinan.RUMAH, tanggal=dt.date(2025, 5, 20))
    ns.b1 = _persalinan(w.b1, Penolong.DUKUN, TempatPersalinan.RUMAH)
    ns.c1 = _persalinan(w.c1, Penolong.DUKUN, TempatPersalinan.RUMAH)
    return ns


def _get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def _html(response) -> str:
    return response.content.decode()


def _kartu(html: str, kode: str) -> str:
    m = re.search(rf'id="kartu-{kode}".*?data-nilai>(.*?)</div>', html, re.S)
    assert m, kode
    return re.sub(r"<[^>]+>", "", m.group(1)).strip()


def _href_kartu(html: str, kode: str) -> str:
    m = re.search(rf'id="kartu-{kode}".*?data-nilai><a [^>]*href="([^"]+)"', html, re.S)
    assert m, kode
    return m.group(1).replace("&amp;", "&")


def _baris_daftar(client, url) -> int:
    """How many records the linked list shows (its summary count, checked against its rows)."""
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page_obj"].paginator.count


# --- Who opens which dashboard ----------------------------------------------------------------------


@pytest.mark.parametrize("username, tujuan", [
    ("kapus_a", "puskesmas_a"), ("bikor_a", "puskesmas_a"), ("bikor_b", "puskesmas_b"),
    ("dinkes_a", "kota"), ("dinkes_c", "muaro"), ("bidan_a", "a1"),
])
def test_index_redirects_each_role_to_its_dashboard(client, cast, username, tujuan):
    w = cast.w
    url = {
        "puskesmas_a": reverse("dasbor:puskesmas", args=[w.puskesmas_a.pk]),
        "puskesmas_b": reverse("dasbor:puskesmas", args=[w.puskesmas_b.pk]),
        "kota": reverse("dasbor:kabupaten", args=[w.kota.pk]),
        "muaro": reverse("dasbor:kabupaten", args=[w.muaro.pk]),
        "a1": reverse("dasbor:kelurahan", args=[w.a1.pk]),
    }[tujuan]
    response = _get(client, getattr(cast, username), reverse("dasbor:index"), periode=JUNI)
    assert response.status_code == 302
    assert response["Location"] == f"{url}?periode={JUNI}"


def test_index_offers_an_administrator_every_district(client, cast):
    response = _get(client, cast.admin, reverse("dasbor:index"))
    assert response.status_code == 200
    html = _html(response)
    assert "Kota Jambi" in html and "Muaro Jambi" in html
    assert reverse("dasbor:kabupaten", args=[cast.w.muaro.pk]) in html


def test_index_offers_a_bidan_of_several_kelurahan_a_choice(client, cast):
    cast.profil_bidan_a.kelurahan_layanan.add(cast.w.a2)
    response = _get(client, cast.bidan_a, reverse("dasbor:index"))
    assert response.status_code == 200
    html = _html(response)
    assert reverse("dasbor:kelurahan", args=[cast.w.a1.pk]) in html
    assert reverse("dasbor:kelurahan", args=[cast.w.a2.pk]) in html
    assert reverse("dasbor:kelurahan", args=[cast.w.b1.pk]) not in html


@pytest.mark.parametrize("name", ["dasbor:index", "dasbor:puskesmas", "dasbor:kabupaten", "dasbor:kelurahan"])
def test_anonymous_is_sent_to_login(client, cast, name):
    w = cast.w
    args = {"dasbor:index": [], "dasbor:puskesmas": [w.puskesmas_a.pk], "dasbor:kabupaten": [w.kota.pk],
            "dasbor:kelurahan": [w.a1.pk]}[name]
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("username", ["kapus_a", "bikor_a", "dinkes_a", "admin"])
def test_puskesmas_dashboard_shows_the_key_figures(client, data, username):
    w = data.w
    response = _get(client, getattr(data.cast, username), reverse("dasbor:puskesmas", args=[w.puskesmas_a.pk]),
                    periode=JUNI)
    assert response.status_code == 200
    html = _html(response)
    assert _kartu(html, "pn") == "60,00%"
    assert _kartu(html, "pf") == "60,00%"
    assert _kartu(html, "dukun_sendiri") == "2"
    assert _kartu(html, "kematian_ibu") == "1"
    assert "+1 dari Mei 2025" in html  # dukun alone: 2 in June, 1 in May
    assert "Juni 2025" in html
    # The per-kelurahan table: a1 has one dukun-alone delivery, a2 one; both link to their dashboards.
    rows = {b["kode"]: b for b in response.context["baris"]}
    assert set(rows) == {w.a1.pk, w.a2.pk}
    assert [s["nilai"].nilai for s in rows[w.a1.pk]["sel"] if s["kode"] == "dukun_sendiri"] == [1]
    assert f'{reverse("dasbor:kelurahan", args=[w.a1.pk])}?periode={JUNI}' in html


def test_card_colours_follow_the_status(client, data):
    html = _html(_get(client, data.cast.kapus_a, reverse("dasbor:puskesmas", args=[data.w.puskesmas_a.pk]),
                      periode=JUNI))
    assert re.search(r'card h-100 border-danger[^"]*" id="kartu-dukun_sendiri" data-status="kurang"', html)
    assert re.search(r'card h-100 border-danger[^"]*" id="kartu-kematian_ibu" data-status="kurang"', html)
    # Pn 60% against 100%: below 80% of the target is "kurang".
    assert re.search(r'id="kartu-pn" data-status="kurang"', html)


@pytest.mark.parametrize("username, puskesmas", [
    ("bikor_b", "puskesmas_a"), ("kapus_a", "puskesmas_b"), ("dinkes_c", "puskesmas_a"),
    ("dinkes_a", "puskesmas_c"), ("bidan_a", "puskesmas_a"), ("bidan_b", "puskesmas_b"),
])
def test_puskesmas_dashboard_out_of_scope_is_404(client, data, username, puskesmas):
    pk = getattr(data.w, puskesmas).pk
    assert _get(client, getattr(data.cast, username), reverse("dasbor:puskesmas", args=[pk])).status_code == 404


def test_puskesmas_dashboard_of_a_guessed_id_is_404(client, data):
    assert _get(client, data.cast.admin, reverse("dasbor:puskesmas", args=[999999])).status_code == 404


@pytest.mark.parametrize("username, kabupaten, status", [
    ("dinkes_a", "kota", 200), ("admin", "kota", 200), ("admin", "muaro", 200), ("dinkes_c", "muaro", 200),
    ("dinkes_c", "kota", 404), ("dinkes_a", "muaro", 404), ("kapus_a", "kota", 404), ("bikor_a", "kota", 404),
    ("bidan_a", "kota", 404),
])
def test_kabupaten_dashboard_scope(client, data, username, kabupaten, status):
    kode = getattr(data.w, kabupaten).pk
    response = _get(client, getattr(data.cast, username), reverse("dasbor:kabupaten", args=[kode]), periode=JUNI)
    assert response.status_code == status


def test_kabupaten_dashboard_of_an_unknown_code_is_404(client, data):
    assert _get(client, data.cast.admin, reverse("dasbor:kabupaten", args=["99.99"])).status_code == 404


@pytest.mark.parametrize("username, kelurahan, status", [
    ("bidan_a", "a1", 200), ("kapus_a", "a2", 200), ("bikor_a", "a1", 200), ("dinkes_a", "b1", 200),
    ("admin", "c1", 200), ("bidan_a", "a2", 404), ("bidan_b", "a1", 404), ("bikor_b", "a1", 404),
    ("dinkes_c", "a1", 404), ("admin", "bebas", 404),
])
def test_kelurahan_dashboard_scope(client, data, username, kelurahan, status):
    kode = getattr(data.w, kelurahan).pk
    response = _get(client, getattr(data.cast, username), reverse("dasbor:kelurahan", args=[kode]), periode=JUNI)
    assert response.status_code == status


def test_kelurahan_dashboard_shows_its_own_figures_and_a_dash_for_puskesmas_figures(client, data):
    response = _get(client, data.cast.bidan_a, reverse("dasbor:kelurahan", args=[data.w.a1.pk]), periode=JUNI)
    html = _html(response)
    assert _kartu(html, "dukun_sendiri") == "1"
    assert _kartu(html, "pn") == "66,67%"  # bidan and doctor of three
    assert _kartu(html, "keteraturan_pertemuan") == "–"
    assert _kartu(html, "tindak_lanjut_terlambat") == "–"
    assert "Dihitung per Puskesmas, tidak per kelurahan/desa." in html
    # A bidan has no Puskesmas dashboard to go back to.
    assert reverse("dasbor:puskesmas", args=[data.w.puskesmas_a.pk]) not in html


def test_kabupaten_dashboard_sets_puskesmas_side_by_side_with_the_total(client, data):
    w = data.w
    response = _get(client, data.cast.dinkes_a, reverse("dasbor:kabupaten", args=[w.kota.pk]), periode=JUNI)
    html = _html(response)
    names = [b["nama"] for b in response.context["baris"]]
    assert names == ["Aur Duri", "Pakuan Baru"]
    total = {s["kode"]: s for s in response.context["total"]}
    assert str(total["dukun_sendiri"]["nilai"].nilai) == "3"
    assert _kartu(html, "pn") == "50,00%"
    assert f'{reverse("dasbor:puskesmas", args=[w.puskesmas_a.pk])}?periode={JUNI}' in html
    assert "Sekernan" not in html
    assert 'id="baris-total"' in html and "Total kabupaten/kota" in html
    # Cells coloured against the target: Aur Duri's 2 dukun-alone deliveries are red.
    assert re.search(r'table-danger" data-kode="dukun_sendiri"><a [^>]+>2</a>', html)


@pytest.mark.parametrize("arah, urutan", [("desc", ["Aur Duri", "Pakuan Baru"]), ("asc", ["Pakuan Baru", "Aur Duri"])])
def test_kabupaten_table_sorts_by_an_indicator(client, data, arah, urutan):
    response = _get(client, data.cast.dinkes_a, reverse("dasbor:kabupaten", args=[data.w.kota.pk]), periode=JUNI,
                    urut="persalinan_jumlah", arah=arah)
    assert [b["nama"] for b in response.context["baris"]] == urutan
    assert 'aria-sort="' in _html(response)


def test_kabupaten_table_ignores_an_unknown_sort_key(client, data):
    response = _get(client, data.cast.dinkes_a, reverse("dasbor:kabupaten", args=[data.w.kota.pk]), periode=JUNI,
                    urut="__class__", arah="sideways")
    assert response.status_code == 200
    assert [b["nama"] for b in response.context["baris"]] == ["Aur Duri", "Pakuan Baru"]


def test_puskesmas_dashboard_lists_overdue_follow_ups_and_open_alerts(client, data):
    cast, w = data.cast, data.w
    rapat = PertemuanFactory(puskesmas=w.puskesmas_a)
    lewat = TindakLanjutFactory(pertemuan=rapat, tenggat=timezone.localdate() - dt.timedelta(days=3),
                                uraian="Kunjungi dukun Halimah")
    TindakLanjutFactory(pertemuan=rapat)  # not due yet
    TindakLanjutFactory(pertemuan=PertemuanFactory(puskesmas=w.puskesmas_b),
                        tenggat=timezone.localdate() - dt.timedelta(days=3), uraian="Milik Puskesmas B")
    KajianKasus.objects.create(jenis=JenisKajian.DUKUN_SENDIRI, kunci=f"dukun_sendiri:{data.a1_dukun.pk}",
                               persalinan=data.a1_dukun, kelurahan=w.a1, puskesmas=w.puskesmas_a)
    KajianKasus.objects.create(jenis=JenisKajian.DUKUN_SENDIRI, kunci=f"dukun_sendiri:{data.b1.pk}",
                               persalinan=data.b1, kelurahan=w.b1, puskesmas=w.puskesmas_b)
    NotifikasiFactory(penerima=cast.kapus_a, judul="Pertemuan rutin besok")
    response = _get(client, cast.kapus_a, reverse("dasbor:puskesmas", args=[w.puskesmas_a.pk]), periode=JUNI)
    html = _html(response)
    assert response.context["terlambat"] == [lewat]
    assert "Kunjungi dukun Halimah" in html and "Milik Puskesmas B" not in html
    assert response.context["jumlah_kajian"] == 1
    assert "Pertemuan rutin besok" in html
    # The full list behind the overdue box shows the same one.
    assert _baris_daftar(client, response.context["url_terlambat"]) == 1
    assert _baris_daftar(client, response.context["url_kajian"]) == 1


def test_dashboard_shows_the_dukun_map_points_in_scope(client, data):
    dukun_a = DukunFactory(nama="Bertitik", kelurahan=data.w.a1, latitude="-1.6", longitude="103.6")
    DukunFactory(nama="Di B", kelurahan=data.w.b1, latitude="-1.61", longitude="103.61")
    response = _get(client, data.cast.kapus_a, reverse("dasbor:puskesmas", args=[data.w.puskesmas_a.pk]))
    assert [t["id"] for t in response.context["titik"]] == [dukun_a.pk]
    html = _html(response)
    assert 'id="titik-dukun"' in html and 'id="peta-dasbor"' in html
    assert "<script>" not in html  # data in json_script blocks, code in static/laporan/dasbor.js
    assert "laporan/dasbor.js" in html and "chartjs-4.5.1/chart.umd.min.js" in html


# --- The period -------------------------------------------------------------------------------------


@pytest.mark.parametrize("params, kode", [
    ({"periode": "2026-11"}, "2026-11"), ({"periode": "2026-T3"}, "2026-T3"), ({"periode": "2026"}, "2026"),
    ({"dari": "2026-01-05", "sampai": "2026-02-10"}, "2026-01-05_2026-02-10"),
    ({"periode": "2026-01-05_2026-02-10"}, "2026-01-05_2026-02-10"),
])
def test_period_is_read_from_the_request(params, kode):
    periode, galat = baca_periode(RequestFactory().get("/", params), _zona(ZonaWaktu.WIB))
    assert (periode.kode, galat) == (kode, "")


def _zona(name):
    import zoneinfo

    return zoneinfo.ZoneInfo(name)


@pytest.mark.parametrize("params", [
    {"periode": "2026-13"}, {"periode": "kemarin"}, {"periode": "1999"}, {"dari": "2026-01-05"},
    {"dari": "2026-02-10", "sampai": "2026-01-05"}, {"dari": "x", "sampai": "y"},
])
def test_an_invalid_period_falls_back_to_this_month_with_a_message(params):
    periode, galat = baca_periode(RequestFactory().get("/", params), _zona("Asia/Jakarta"))
    assert periode == Periode.berisi(timezone.localdate())
    assert galat and "Ditampilkan periode bawaan" in galat


def test_default_period_is_the_current_month_in_the_puskesmas_zone(monkeypatch):
    # 31 January 16:30 UTC: still January in Jakarta (23:30), already February in Jayapura (01:30).
    saat = dt.datetime(2026, 1, 31, 16, 30, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: saat)
    request = RequestFactory().get("/")
    assert baca_periode(request, _zona("Asia/Jakarta"))[0].kode == "2026-01"
    assert baca_periode(request, _zona("Asia/Jayapura"))[0].kode == "2026-02"


def test_an_invalid_period_on_the_page_is_a_message_not_an_error(client, data):
    response = _get(client, data.cast.kapus_a, reverse("dasbor:puskesmas", args=[data.w.puskesmas_a.pk]),
                    periode="2026-13")
    assert response.status_code == 200
    assert 'id="galat-periode"' in _html(response)
    assert "Periode tidak dikenal" in _html(response)


def test_a_quarter_and_a_range_are_computed(client, data):
    url = reverse("dasbor:puskesmas", args=[data.w.puskesmas_a.pk])
    html = _html(_get(client, data.cast.kapus_a, url, periode="2025-T2"))
    assert _kartu(html, "dukun_sendiri") == "3"  # May and June
    assert "Triwulan II 2025" in html
    html = _html(_get(client, data.cast.kapus_a, url, dari="2025-05-01", sampai="2025-05-31"))
    assert _kartu(html, "dukun_sendiri") == "1"


# --- Drill-down: the list behind a figure shows exactly the records counted --------------------------


def test_dukun_alone_card_links_to_exactly_those_deliveries(client, data):
    response = _get(client, data.cast.kapus_a, reverse("dasbor:puskesmas", args=[data.w.puskesmas_a.pk]),
                    periode=JUNI)
    url = _href_kartu(_html(response), "dukun_sendiri")
    assert urlparse(url).path == reverse("kia:persalinan_list")
    listed = client.get(url)
    assert {p.pk for p in listed.context["page_obj"]} == {data.a1_dukun.pk, data.a2_dukun.pk}
    assert listed.context["ringkasan"]["jumlah"] == 2


def test_every_card_link_resolves_within_scope(client, data):
    for user, url in [
        (data.cast.kapus_a, reverse("dasbor:puskesmas", args=[data.w.puskesmas_a.pk])),
        (data.cast.dinkes_a, reverse("dasbor:kabupaten", args=[data.w.kota.pk])),
        (data.cast.bidan_a, reverse("dasbor:kelurahan", args=[data.w.a1.pk])),
    ]:
        response = _get(client, user, url, periode=JUNI)
        for kartu in response.context["kartu"]:
            if kartu["url"]:
                assert client.get(kartu["url"]).status_code == 200, kartu["url"]


def test_kelurahan_cells_link_to_that_kelurahan_only(client, data):
    response = _get(client, data.cast.kapus_a, reverse("dasbor:puskesmas", args=[data.w.puskesmas_a.pk]),
                    periode=JUNI)
    for baris in response.context["baris"]:
        for sel in baris["sel"]:
            if sel["kode"] in ("dukun_sendiri", "persalinan_jumlah"):
                assert _baris_daftar(client, sel["url"]) == int(sel["nilai"].nilai)
                assert parse_qs(urlparse(sel["url"]).query)["kelurahan"] == [baris["kode"]]


def test_district_links_show_the_records_counted(client, data):
    response = _get(client, data.cast.dinkes_a, reverse("dasbor:kabupaten", args=[data.w.kota.pk]), periode=JUNI)
    total = {s["kode"]: s for s in response.context["total"]}
    assert _baris_daftar(client, total["dukun_sendiri"]["url"]) == 3
    assert _baris_daftar(client, total["persalinan_jumlah"]["url"]) == 6
    assert _baris_daftar(client, total["kematian_ibu"]["url"]) == 1
    for baris in response.context["baris"]:
        for sel in baris["sel"]:
            if sel["kode"] in ("dukun_sendiri", "persalinan_jumlah", "kematian_ibu"):
                assert _baris_daftar(client, sel["url"]) == int(sel["nilai"].nilai), (baris["nama"], sel["kode"])


def test_an_administrator_district_link_stays_in_that_district(client, data):
    response = _get(client, data.cast.admin, reverse("dasbor:kabupaten", args=[data.w.kota.pk]), periode=JUNI)
    total = {s["kode"]: s for s in response.context["total"]}
    assert _baris_daftar(client, total["dukun_sendiri"]["url"]) == 3  # not C's


# --- The filters the links use narrow the lists -----------------------------------------------------


def _daftar(client, user, name, **params):
    client.force_login(user)
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    return {o.pk for o in response.context["page_obj"]}


def test_persalinan_filters_for_dates_puskesmas_and_kabupaten(client, data):
    admin = data.cast.admin
    juni = {"tanggal_dari": "2025-06-01", "tanggal_sampai": "2025-06-30"}
    assert data.mei.pk not in _daftar(client, admin, "kia:persalinan_list", **juni)
    assert _daftar(client, admin, "kia:persalinan_list", tanggal_dari="2025-05-01", tanggal_sampai="2025-05-31") == {
        data.mei.pk}
    assert _daftar(client, admin, "kia:persalinan_list", puskesmas=data.w.puskesmas_b.pk) == {data.b1.pk}
    assert _daftar(client, admin, "kia:persalinan_list", kabupaten=data.w.muaro.pk) == {data.c1.pk}


def test_persalinan_filters_for_deaths_in_a_period(client, data):
    admin = data.cast.admin
    # The mother's death counts in the month she died, even when she delivered earlier.
    data.mei.status_ibu = StatusIbu.MENINGGAL
    data.mei.tanggal_meninggal_ibu = dt.date(2025, 6, 2)
    data.mei.save()
    assert _daftar(client, admin, "kia:persalinan_list", ibu_meninggal=JUNI) == {data.a2_dukun.pk, data.mei.pk}
    assert _daftar(client, admin, "kia:persalinan_list", ibu_meninggal="2025-05") == set()
    assert _daftar(client, admin, "kia:persalinan_list", ibu_meninggal="bukan-periode") == set()
    bayi = BayiFactory(persalinan=data.a1_bidan, status_lahir=StatusLahir.LAHIR_HIDUP,
                       tanggal_meninggal=dt.date(2025, 7, 20))
    assert bayi.umur_meninggal_hari is not None
    assert _daftar(client, admin, "kia:persalinan_list", kematian_bayi="2025-07") == {data.a1_bidan.pk}
    assert _daftar(client, admin, "kia:persalinan_list", kematian_neonatal="2025-07") == set()
    assert _daftar(client, admin, "kia:persalinan_list", kematian_bayi=JUNI) == set()


def test_persalinan_filters_for_partnership_and_fees(client, data):
    from kemitraan.tests.factories import KemitraanFactory

    admin = data.cast.admin
    mitra = KemitraanFactory(bidan=data.cast.profil_bidan_a, dukun=data.a1_dukun.dukun)
    Persalinan.objects.filter(pk=data.a2_bersama.pk).update(kemitraan=mitra, jasa_dukun_tanggal=HARI,
                                                            jasa_dukun_jumlah=50000)
    assert _daftar(client, admin, "kia:persalinan_list", bermitra="true") == {data.a2_bersama.pk}
    assert _daftar(client, admin, "kia:persalinan_list", jasa_dibayar="true") == {data.a2_bersama.pk}


def test_rujukan_filters_for_dates_arrival_and_reason(client, data):
    w, admin = data.w, data.cast.admin
    juni = timezone.make_aware(dt.datetime(2025, 6, 3, 9))
    d1, d2 = data.dukun.a1, data.dukun.a2
    ditolak = RujukanFactory(ibu=IbuFactory(kelurahan=w.a1), dukun=d1, waktu_rujuk=juni,
                             status=StatusRujukan.DITOLAK_KELUARGA, alasan_penolakan=AlasanPenolakan.BIAYA,
                             waktu_batal=juni + dt.timedelta(minutes=10))
    sampai = RujukanFactory(ibu=IbuFactory(kelurahan=w.a2), dukun=d2, waktu_rujuk=juni, status=StatusRujukan.DITERIMA,
                            waktu_diterima=juni + dt.timedelta(minutes=40))
    lama = RujukanFactory(ibu=IbuFactory(kelurahan=w.a1), dukun=d1, waktu_rujuk=juni - dt.timedelta(days=40))
    juni_saja = {"tanggal_dari": "2025-06-01", "tanggal_sampai": "2025-06-30"}
    assert _daftar(client, admin, "kia:rujukan_list", **juni_saja) == {ditolak.pk, sampai.pk}
    assert lama.pk in _daftar(client, admin, "kia:rujukan_list")
    assert _daftar(client, admin, "kia:rujukan_list", sampai="true", **juni_saja) == {sampai.pk}
    assert _daftar(client, admin, "kia:rujukan_list", alasan_penolakan=AlasanPenolakan.BIAYA) == {ditolak.pk}
    assert _daftar(client, admin, "kia:rujukan_list", kabupaten=w.muaro.pk) == set()
    assert Rujukan.objects.count() == 3


def test_dukun_filters_for_still_registered_and_kabupaten(client, data):
    w, admin = data.w, data.cast.admin
    pindah = DukunFactory(kelurahan=w.a1, status=StatusDukun.PINDAH, status_sejak="2025-01-01")
    terdaftar = _daftar(client, admin, "dukun:list", terdaftar="true")
    assert pindah.pk not in terdaftar and len(terdaftar) == 4
    assert _daftar(client, admin, "dukun:list", terdaftar="false") == {pindah.pk}
    assert len(_daftar(client, admin, "dukun:list", kabupaten=w.muaro.pk)) == 1


def test_tindak_lanjut_and_pertemuan_filters_for_dates(client, data):
    w, admin = data.w, data.cast.admin
    rapat = PertemuanFactory(puskesmas=w.puskesmas_a, waktu_rencana=timezone.make_aware(dt.datetime(2025, 6, 5, 9)))
    PertemuanFactory(puskesmas=w.puskesmas_a, waktu_rencana=timezone.make_aware(dt.datetime(2025, 3, 5, 9)))
    juni = TindakLanjutFactory(pertemuan=rapat, tenggat=dt.date(2025, 6, 20))
    TindakLanjutFactory(pertemuan=rapat, tenggat=dt.date(2025, 8, 20))
    assert _daftar(client, admin, "pertemuan:tindak_lanjut_list", tenggat_dari="2025-06-01",
                   tenggat_sampai="2025-06-30", status="") == {juni.pk}
    assert _daftar(client, admin, "pertemuan:list", tanggal_dari="2025-06-01", tanggal_sampai="2025-06-30") == {
        rapat.pk}
    assert _daftar(client, admin, "pertemuan:tindak_lanjut_list", kabupaten=w.muaro.pk, status="") == set()
    assert juni.status == StatusTindakLanjut.TERBUKA


def test_kajian_filter_for_puskesmas(client, data):
    w = data.w
    a = KajianKasus.objects.create(jenis=JenisKajian.DUKUN_SENDIRI, kunci="a", persalinan=data.a1_dukun,
                                   kelurahan=w.a1, puskesmas=w.puskesmas_a)
    KajianKasus.objects.create(jenis=JenisKajian.DUKUN_SENDIRI, kunci="b", persalinan=data.b1, kelurahan=w.b1,
                               puskesmas=w.puskesmas_b)
    assert _daftar(client, data.cast.admin, "kia:kajian_list", puskesmas=w.puskesmas_a.pk) == {a.pk}


# --- Numbers in Indonesian form ---------------------------------------------------------------------


def test_numbers_are_in_indonesian_form(client, data):
    # One infant death among the babies of June: AKB per 1.000 live births with a decimal comma.
    for p in (data.a1_bidan, data.a1_dokter, data.a2_bersama):
        BayiFactory(persalinan=p)
    BayiFactory(persalinan=data.a1_dukun, tanggal_meninggal=dt.date(2025, 6, 20))
    response = _get(client, data.cast.kapus_a, reverse("dasbor:puskesmas", args=[data.w.puskesmas_a.pk]),
                    periode=JUNI)
    html = _html(response)
    assert Bayi.objects.filter(status_lahir=StatusLahir.LAHIR_HIDUP).count() == 4
    assert _kartu(html, "akb") == "250,0 per 1.000 kelahiran hidup"
    assert _kartu(html, "pn") == "60,00%"
    assert "Target: 100,00%" in html


# --- Query counts -----------------------------------------------------------------------------------

MAKS_PUSKESMAS = 12
MAKS_KABUPATEN = 12
MAKS_KELURAHAN = 12


def _puskesmas_dengan(n_kelurahan: int, kab, kec, prefix: str):
    """A Puskesmas with `n_kelurahan` kelurahan (codes `<kecamatan>.<prefix, 2 digits><nn>`), each with records."""
    pkm = PuskesmasFactory(kode=f"Q{kab.kode}-{prefix}", nama=f"Uji {prefix}", kabupaten=kab)
    for i in range(n_kelurahan):
        kel = KelurahanFactory(kode=f"{kec.kode}.{prefix}{i:02d}", kecamatan=kec, puskesmas=pkm)
        _persalinan(kel, Penolong.DUKUN, TempatPersalinan.RUMAH)
        _persalinan(kel, Penolong.BIDAN, TempatPersalinan.PUSKESMAS)
        DukunFactory(kelurahan=kel, latitude="-1.6", longitude="103.6")
    rapat = PertemuanFactory(puskesmas=pkm)
    TindakLanjutFactory(pertemuan=rapat, tenggat=timezone.localdate() - dt.timedelta(days=2))
    return pkm


def _hitung_query(client, user, url) -> int:
    client.force_login(user)
    client.get(url, {"periode": JUNI})  # warm the session
    with CaptureQueriesContext(connection) as q:
        response = client.get(url, {"periode": JUNI})
    assert response.status_code == 200
    return len(q)


def test_puskesmas_dashboard_costs_the_same_queries_for_2_and_20_kelurahan(client, wilayah):
    kab = KabupatenFactory(kode="15.72", nama="Kota Sungai Penuh", provinsi=wilayah.provinsi)
    kec = KecamatanFactory(kode="15.72.01", kabupaten=kab)
    kecil, besar = _puskesmas_dengan(2, kab, kec, "10"), _puskesmas_dengan(20, kab, kec, "20")
    kapus_kecil = UserFactory(username="kk", role=Role.KEPALA_PUSKESMAS, puskesmas=kecil)
    kapus_besar = UserFactory(username="kb", role=Role.KEPALA_PUSKESMAS, puskesmas=besar)
    n_kecil = _hitung_query(client, kapus_kecil, reverse("dasbor:puskesmas", args=[kecil.pk]))
    n_besar = _hitung_query(client, kapus_besar, reverse("dasbor:puskesmas", args=[besar.pk]))
    assert n_kecil == n_besar
    assert n_besar <= MAKS_PUSKESMAS


def test_kabupaten_dashboard_costs_the_same_queries_for_1_and_30_puskesmas(client, wilayah):
    counts = []
    for kode, n in (("15.72", 1), ("15.73", 30)):
        kab = KabupatenFactory(kode=kode, nama=f"Kab {kode}", provinsi=wilayah.provinsi)
        kec = KecamatanFactory(kode=f"{kode}.01", kabupaten=kab)
        for i in range(n):
            _puskesmas_dengan(1, kab, kec, f"{i:02d}")
        dinkes = UserFactory(username=f"dinkes{kode}", role=Role.DINKES, kabupaten=kab)
        counts.append(_hitung_query(client, dinkes, reverse("dasbor:kabupaten", args=[kab.pk])))
    assert counts[0] == counts[1]
    assert counts[1] <= MAKS_KABUPATEN


def test_dashboards_stay_under_their_query_budget(client, data, django_assert_max_num_queries):
    w, cast = data.w, data.cast
    for user, url, maks in [
        (cast.kapus_a, reverse("dasbor:puskesmas", args=[w.puskesmas_a.pk]), MAKS_PUSKESMAS),
        (cast.dinkes_a, reverse("dasbor:kabupaten", args=[w.kota.pk]), MAKS_KABUPATEN),
        (cast.bidan_a, reverse("dasbor:kelurahan", args=[w.a1.pk]), MAKS_KELURAHAN),
    ]:
        client.force_login(user)
        with django_assert_max_num_queries(maks):
            assert client.get(url, {"periode": JUNI}).status_code == 200


# --- Navigation -------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["admin", "dinkes_a", "kapus_a", "bikor_a", "bidan_a"])
def test_every_role_finds_the_dashboard_in_the_menu_and_on_home(client, cast, username):
    html = _html(_get(client, getattr(cast, username), reverse("home")))
    assert f'href="{reverse("dasbor:index")}">Dasbor</a>' in html
    assert 'id="tautan-dasbor"' in html


# --- The worked district example (laporan/tests/contoh.py, by H4) -----------------------------------

def _sel_html(html: str, penanda: str, kode: str) -> str:
    """The text of the cell `kode` in the table row marked by `penanda` (an attribute of its <tr>)."""
    awal = html.index(penanda)
    baris = html[awal:html.index("</tr>", awal)]
    m = re.search(rf'data-kode="{kode}">(?:<a [^>]*>)?(.*?)(?:</a>)?</td>', baris)
    assert m, (penanda, kode)
    return m.group(1)


@pytest.mark.parametrize("kode_periode", ["2025", "2025-03"])
def test_dashboards_show_the_worked_example_figure_by_figure(client, cast, kode_periode):
    """H4's district example, computed by hand: every figure the Dinkes and the Puskesmas dashboards show."""
    from laporan.tests import contoh

    c = contoh.buat_contoh(cast)
    diperiksa = 0

    # Dinkes: the district table (each Puskesmas and the total), and the district cards.
    response = _get(client, cast.dinkes_a, reverse("dasbor:kabupaten", args=[c.kota.pk]), periode=kode_periode)
    assert response.status_code == 200
    html = _html(response)
    for nama in ("kota", "PA", "PB", "PD"):
        harapan = contoh.HARAPAN.get((nama, kode_periode))
        if harapan is None:
            continue
        penanda = 'id="baris-total"' if nama == "kota" else f'data-puskesmas="{c.wilayah[nama].pk}"'
        for kode in KOLOM_KABUPATEN:
            if kode in harapan:
                assert _sel_html(html, penanda, kode) == harapan[kode][1], (nama, kode_periode, kode)
                diperiksa += 1
    harapan = contoh.HARAPAN[("kota", kode_periode)]
    for ind in INDIKATOR_KUNCI:
        if ind.kode in harapan:
            assert _kartu(html, ind.kode) == harapan[ind.kode][1], ("kota", kode_periode, ind.kode)
            diperiksa += 1

    # Kepala Puskesmas A: the cards, the previous period, the Puskesmas row and kelurahan a1's row.
    response = _get(client, cast.kapus_a, reverse("dasbor:puskesmas", args=[c.pa.pk]), periode=kode_periode)
    html = _html(response)
    harapan = contoh.HARAPAN[("PA", kode_periode)]
    for ind in INDIKATOR_KUNCI:
        assert _kartu(html, ind.kode) == harapan[ind.kode][1], ("PA", kode_periode, ind.kode)
        diperiksa += 1
    lalu = contoh.SEBELUMNYA.get(("PA", kode_periode), {})
    for kartu in response.context["kartu"]:
        if kartu["indikator"].kode in lalu:
            assert kartu["lalu"].nilai == lalu[kartu["indikator"].kode][0]
            diperiksa += 1
    for kode in KOLOM_KELURAHAN:
        assert _sel_html(html, 'id="baris-total"', kode) == harapan[kode][1], ("PA", kode_periode, kode)
        diperiksa += 1
    harapan_a1 = contoh.HARAPAN.get(("a1", kode_periode))
    if harapan_a1 is not None:
        for kode in KOLOM_KELURAHAN:
            assert _sel_html(html, f'data-kelurahan="{c.a1.pk}"', kode) == harapan_a1[kode][1], ("a1", kode)
            diperiksa += 1
    assert diperiksa >= 30
