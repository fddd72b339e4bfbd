"""Delivery pages for every role of the cast: list with its summary and filters, detail, create with
twins, edit with a baby deleted, a baby's later data; 404 outside scope, 403 to read-only roles."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kemitraan.tests.factories import KemitraanFactory
from kia.models import Bayi, JenisKajian, KajianKasus, Persalinan
from kia.tests.factories import BayiFactory, IbuFactory, KehamilanFactory, PersalinanFactory, RujukanFactory

pytestmark = pytest.mark.django_db

ROLES = ["admin", "dinkes_a", "dinkes_c", "kapus_a", "bikor_a", "bikor_b", "bidan_a", "bidan_b"]
VISIBLE = {
    "admin": {"a1", "a2", "b1", "c1"},
    "dinkes_a": {"a1", "a2", "b1"},
    "dinkes_c": {"c1"},
    "kapus_a": {"a1", "a2"},
    "bikor_a": {"a1", "a2"},
    "bikor_b": {"b1"},
    "bidan_a": {"a1"},
    "bidan_b": {"b1"},
}
WRITABLE = {
    "admin": {"a1", "a2", "b1", "c1"},
    "bikor_a": {"a1", "a2"},
    "bikor_b": {"b1"},
    "bidan_a": {"a1"},
    "bidan_b": {"b1"},
}
NAMA_IBU = {"a1": "Rina Marlina", "a2": "Dewi Sartika", "b1": "Nurhayati Lubis", "c1": "Yuliana Siregar"}
NIK_A1 = "1571015705960001"
NIK_A1_SAMARAN = "1571********0001"


def hari(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def _expected(role: str, attr: str) -> int:
    if attr not in VISIBLE[role]:
        return 404
    return 200 if attr in WRITABLE.get(role, set()) else 403


def _bidan(cast, attr):
    return {"a1": cast.profil_bidan_a, "a2": cast.profil_bidan_a2, "b1": cast.profil_bidan_b,
            "c1": cast.profil_bidan_c}[attr]


@pytest.fixture
def ibu(cast):
    w = cast.w
    return {
        "a1": IbuFactory(nama=NAMA_IBU["a1"], kelurahan=w.a1, nik=NIK_A1),
        "a2": IbuFactory(nama=NAMA_IBU["a2"], kelurahan=w.a2),
        "b1": IbuFactory(nama=NAMA_IBU["b1"], kelurahan=w.b1),
        "c1": IbuFactory(nama=NAMA_IBU["c1"], kelurahan=w.c1),
    }


@pytest.fixture
def kasus(cast, ibu):
    """One delivery by a bidan, with one baby, in each kelurahan."""
    hasil = {}
    for attr, i in ibu.items():
        p = PersalinanFactory(ibu=i, bidan=_bidan(cast, attr), tanggal=hari(10))
        BayiFactory(persalinan=p)
        hasil[attr] = p
    return hasil


def _snapshot():
    """Every delivery, baby and history row: what a refused request must leave untouched."""
    return (
        sorted(Persalinan.objects.values_list("pk", "tanggal", "tempat", "penolong", "catatan", "bidan_id")),
        sorted(Bayi.objects.values_list("pk", "persalinan_id", "urutan", "berat_lahir_gram", "kn1",
                                        "tanggal_meninggal")),
        Persalinan.history.count(), Bayi.history.count(), KajianKasus.objects.count(),
    )


def _bayi_post(i: int, **kw) -> dict:
    data = {"jenis_kelamin": "p", "berat_lahir_gram": "3100", "status_lahir": "lahir_hidup", "imd": "on",
            "vitamin_k1": "on", "hb0": "on", "kn1": "", "kn2": "", "kn3": "", "tanggal_meninggal": "",
            "sebab_kematian": "", "keterangan_kematian": "", "id": ""}
    data.update(kw)
    return {f"bayi-{i}-{k}": v for k, v in data.items() if v is not None}


def _post(*, bayi: list[dict] | None = None, initial: int = 0, **kw) -> dict:
    data = {
        "tanggal": hari(2).isoformat(), "jam": "08:30", "tempat": "puskesmas", "fasilitas": "", "penolong": "bidan",
        "bidan": "", "dukun": "", "kehamilan": "", "rujukan": "", "komplikasi_lainnya": "", "status_ibu": "hidup",
        "tanggal_meninggal_ibu": "", "sebab_kematian_ibu": "", "keterangan_kematian_ibu": "", "kf1": "", "kf2": "",
        "kf3": "", "kf4": "", "jasa_dukun_jumlah": "", "jasa_dukun_tanggal": "", "catatan": "",
    }
    data.update(kw)
    bayi = bayi if bayi is not None else [{}]
    data.update({"bayi-TOTAL_FORMS": str(len(bayi)), "bayi-INITIAL_FORMS": str(initial),
                 "bayi-MIN_NUM_FORMS": "0", "bayi-MAX_NUM_FORMS": "5"})
    for i, b in enumerate(bayi):
        data.update(_bayi_post(i, **b))
    return data


def _edit_post(p: Persalinan, **kw) -> dict:
    babies = [{"id": str(b.pk), "jenis_kelamin": b.jenis_kelamin, "berat_lahir_gram": str(b.berat_lahir_gram)}
              for b in p.bayi.order_by("urutan")]
    fields = {"tanggal": p.tanggal.isoformat(), "jam": "", "tempat": p.tempat, "penolong": p.penolong,
              "bidan": str(p.bidan_id or ""), "dukun": str(p.dukun_id or ""), "catatan": p.catatan}
    fields.setdefault("versi", _versi(p))
    fields.update(kw)
    bayi = fields.pop("bayi", babies)
    return _post(bayi=bayi, initial=len(babies), **fields)


def _versi(p: Persalinan) -> int:
    """The version a freshly loaded delivery (or baby) form carries (puskesmas.versi)."""
    return Persalinan.objects.values_list("versi", flat=True).get(pk=p.pk)


# --- List ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_list_shows_only_deliveries_in_scope(client, cast, kasus, role):
    client.force_login(getattr(cast, role))
    response = client.get(reverse("kia:persalinan_list"))
    assert response.status_code == 200
    assert {p.ibu.nama for p in response.context["page_obj"]} == {NAMA_IBU[a] for a in VISIBLE[role]}
    content = response.content.decode()
    for attr in set(NAMA_IBU) - VISIBLE[role]:
        assert NAMA_IBU[attr] not in content
    assert response.context["ringkasan"]["jumlah"] == len(VISIBLE[role])


def test_list_redirects_anonymous_to_login(client, kasus):
    response = client.get(reverse("kia:persalinan_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("role", "boleh"), [("admin", True), ("bikor_a", True), ("bidan_a", True),
                                             ("kapus_a", False), ("dinkes_a", False)])
def test_nik_is_masked_for_roles_that_may_not_read_it(client, cast, kasus, role, boleh):
    client.force_login(getattr(cast, role))
    for url in (reverse("kia:persalinan_list"), reverse("kia:persalinan_detail", args=[kasus["a1"].pk])):
        content = client.get(url).content.decode()
        assert (NIK_A1 in content) is boleh
        assert (NIK_A1_SAMARAN in content) is not boleh


def test_list_summary_with_indonesian_percentages(client, cast, ibu, dukun_set):
    # Three deliveries: two by health workers (66,67%), one in a facility (33,33%), one by a dukun alone.
    p1 = PersalinanFactory(ibu=ibu["a1"], bidan=cast.profil_bidan_a)
    BayiFactory(persalinan=p1, berat_lahir_gram=2100)
    BayiFactory(persalinan=p1, urutan=2, status_lahir="lahir_mati")
    p2 = PersalinanFactory(ibu=ibu["a1"], tempat="rumah", penolong="bidan_dukun", bidan=cast.profil_bidan_a,
                           dukun=dukun_set.a1)
    BayiFactory(persalinan=p2, tanggal_meninggal=p2.tanggal, sebab_kematian="asfiksia")
    p3 = PersalinanFactory(ibu=ibu["a2"], tempat="rumah", penolong="dukun", dukun=dukun_set.a2,
                           status_ibu="meninggal", tanggal_meninggal_ibu=hari(9))
    BayiFactory(persalinan=p3)
    client.force_login(cast.bikor_a)
    response = client.get(reverse("kia:persalinan_list"))
    r, b = response.context["ringkasan"], response.context["ringkasan_bayi"]
    assert (r["jumlah"], r["nakes"], r["fasilitas"], r["dukun_sendiri"], r["kematian_ibu"]) == (3, 2, 1, 1, 1)
    assert (b["lahir_hidup"], b["lahir_mati"], b["bblr"], b["kematian_neonatal"]) == (3, 1, 1, 1)
    content = response.content.decode()
    assert "66,67%" in content and "33,33%" in content
    assert '<span class="badge text-bg-danger">Dukun sendiri</span>' in content
    assert "BBLR" in content and "Lahir mati" in content and "Meninggal hari ke-0" in content


def test_list_summary_follows_the_filter(client, cast, ibu, dukun_set):
    PersalinanFactory(ibu=ibu["a1"], bidan=cast.profil_bidan_a)
    PersalinanFactory(ibu=ibu["a2"], tempat="rumah", penolong="dukun", dukun=dukun_set.a2)
    client.force_login(cast.bikor_a)
    response = client.get(reverse("kia:persalinan_list"), {"kelurahan": cast.w.a2.pk})
    assert response.context["ringkasan"]["jumlah"] == 1
    assert response.context["ringkasan"]["persen_nakes"] == 0
    assert "0,00%" in response.content.decode()


@pytest.fixture
def ragam(cast, ibu, dukun_set):
    """Deliveries in Puskesmas A that differ in one respect each."""
    bulan_lalu = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=10)
    rows = {
        "biasa": PersalinanFactory(ibu=ibu["a1"], bidan=cast.profil_bidan_a, tanggal=hari(0)),
        "lalu": PersalinanFactory(ibu=ibu["a1"], bidan=cast.profil_bidan_a, tanggal=bulan_lalu),
        "tahun_lalu": PersalinanFactory(ibu=ibu["a1"], bidan=cast.profil_bidan_a, tanggal=hari(400)),
        "dukun": PersalinanFactory(ibu=ibu["a2"], tempat="rumah", penolong="dukun", dukun=dukun_set.a2,
                                   tanggal=hari(0)),
        "ibu_meninggal": PersalinanFactory(ibu=ibu["a2"], bidan=cast.profil_bidan_a2, tempat="rs",
                                           status_ibu="meninggal", tanggal_meninggal_ibu=hari(0), tanggal=hari(0)),
        "bayi_meninggal": PersalinanFactory(ibu=ibu["a2"], bidan=cast.profil_bidan_a2, tanggal=hari(0)),
        "lahir_mati": PersalinanFactory(ibu=ibu["a2"], bidan=cast.profil_bidan_a2, tanggal=hari(0)),
    }
    for p in rows.values():
        BayiFactory(persalinan=p)
    BayiFactory(persalinan=rows["bayi_meninggal"], urutan=2, tanggal_meninggal=hari(0), sebab_kematian="bblr")
    BayiFactory(persalinan=rows["lahir_mati"], urutan=2, status_lahir="lahir_mati")
    return rows


def _hasil(client, **params) -> set:
    response = client.get(reverse("kia:persalinan_list"), params)
    assert response.status_code == 200
    return {p.pk for p in response.context["page_obj"]}


def test_list_filters(client, cast, ragam):
    client.force_login(cast.bikor_a)
    r = {k: p.pk for k, p in ragam.items()}
    semua = set(r.values())
    today = timezone.localdate()
    bulan_ini = {r["biasa"], r["dukun"], r["ibu_meninggal"], r["bayi_meninggal"], r["lahir_mati"]}
    assert _hasil(client, bulan=today.strftime("%Y-%m")) == bulan_ini - (
        {r["lalu"]} if ragam["lalu"].tanggal.month == today.month else set())
    assert _hasil(client, bulan=ragam["lalu"].tanggal.strftime("%Y-%m")) >= {r["lalu"]}
    assert r["tahun_lalu"] not in _hasil(client, tahun=today.year)
    assert _hasil(client, tahun=ragam["tahun_lalu"].tanggal.year) >= {r["tahun_lalu"]}
    assert _hasil(client, kelurahan=cast.w.a1.pk) == {r["biasa"], r["lalu"], r["tahun_lalu"]}
    assert _hasil(client, tempat="rs") == {r["ibu_meninggal"]}
    assert _hasil(client, penolong="dukun") == {r["dukun"]}
    assert _hasil(client, dukun_sendiri="true") == {r["dukun"]}
    assert _hasil(client, dukun_sendiri="false") == semua - {r["dukun"]}
    assert _hasil(client, ada_kematian="true") == {r["ibu_meninggal"], r["bayi_meninggal"]}
    assert _hasil(client, ada_kematian="false") == semua - {r["ibu_meninggal"], r["bayi_meninggal"]}


def test_list_filter_with_a_bad_month_says_so(client, cast, ragam):
    client.force_login(cast.bikor_a)
    response = client.get(reverse("kia:persalinan_list"), {"bulan": "05-2024"})
    assert response.status_code == 200
    assert "TTTT-BB" in response.content.decode()


def test_list_filter_cannot_reach_a_kelurahan_outside_scope(client, cast, kasus):
    client.force_login(cast.bidan_a)
    response = client.get(reverse("kia:persalinan_list"), {"kelurahan": cast.w.b1.pk})
    assert NAMA_IBU["b1"] not in response.content.decode()
    assert {p.ibu.nama for p in response.context["page_obj"]} <= {NAMA_IBU["a1"]}


LIST_QUERY_BOUND = 10


@pytest.mark.parametrize("jumlah", [5, 40])
def test_list_query_count_is_flat(client, cast, ibu, dukun_set, django_assert_max_num_queries, jumlah):
    for i in range(jumlah):
        if i % 3 == 0:
            p = PersalinanFactory(ibu=ibu["a1"], tempat="rumah", penolong="dukun", dukun=dukun_set.a1)
        else:
            p = PersalinanFactory(ibu=ibu["a2"], bidan=cast.profil_bidan_a2)
        BayiFactory(persalinan=p, berat_lahir_gram=2000 + i * 10)
        if i % 4 == 0:
            BayiFactory(persalinan=p, urutan=2, status_lahir="lahir_mati")
    client.force_login(cast.bikor_a)
    url = reverse("kia:persalinan_list")
    with django_assert_max_num_queries(LIST_QUERY_BOUND):
        response = client.get(url, {"kelurahan": "", "tempat": ""})
    assert len(response.context["page_obj"]) == min(jumlah, 25)


def test_list_query_count_measured(client, cast, ibu):
    """The bound above is not loose: the page costs exactly as much for 1 row as for 30."""
    client.force_login(cast.bikor_a)
    counts = []
    for n in (1, 30):
        while Persalinan.objects.count() < n:
            BayiFactory(persalinan=PersalinanFactory(ibu=ibu["a1"], bidan=cast.profil_bidan_a))
        client.get(reverse("kia:persalinan_list"))
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("kia:persalinan_list"))
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] <= LIST_QUERY_BOUND


# --- Detail -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_detail_in_scope_and_404_outside(client, cast, kasus, role):
    client.force_login(getattr(cast, role))
    for attr, p in kasus.items():
        response = client.get(reverse("kia:persalinan_detail", args=[p.pk]))
        assert response.status_code == (200 if attr in VISIBLE[role] else 404), attr
        if response.status_code == 200:
            content = response.content.decode()
            assert NAMA_IBU[attr] in content
            ubah = reverse("kia:persalinan_update", args=[p.pk])
            assert (ubah in content) is (attr in WRITABLE.get(role, set()))


def test_detail_of_an_unknown_id_is_404(client, cast, kasus):
    client.force_login(cast.admin)
    assert client.get(reverse("kia:persalinan_detail", args=[999999])).status_code == 404


def test_detail_shows_babies_visits_death_partnership_and_alerts(client, cast, ibu, dukun_set):
    k = KemitraanFactory(bidan=cast.profil_bidan_a, dukun=dukun_set.a1)
    lahir = hari(12)
    p = PersalinanFactory(ibu=ibu["a1"], tanggal=lahir, tempat="pmb", penolong="bidan_dukun",
                          bidan=cast.profil_bidan_a, dukun=dukun_set.a1, kemitraan=k, peran_dukun=["mendampingi"],
                          jasa_dukun_jumlah=50000, jasa_dukun_tanggal=lahir, kf1=lahir)
    BayiFactory(persalinan=p, berat_lahir_gram=3300, kn1=lahir + dt.timedelta(days=1))
    b2 = BayiFactory(persalinan=p, urutan=2, berat_lahir_gram=2100, tanggal_meninggal=lahir,
                     sebab_kematian="bblr")
    from kia import services

    services.naikkan_kajian([p])
    kajian = KajianKasus.objects.get()
    client.force_login(cast.bidan_a)
    response = client.get(reverse("kia:persalinan_detail", args=[p.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Bayi ke-2" in content and "BBLR" in content
    assert "pada umur 0 hari" in content
    assert "3.300 gram" in content
    assert "Rp 50.000" in content and reverse("kemitraan:detail", args=[k.pk]) in content
    assert reverse("kia:kajian_detail", args=[kajian.pk]) in content
    assert reverse("kia:bayi_update", args=[b2.pk]) in content
    assert "hari ke-8–28" in content  # the KN3 window
    assert content.count('id="riwayat"') == 1  # the delivery's history
    assert content.count('class="riwayat-bayi') == 2  # and each baby's


# --- Create -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_create_page_per_role(client, cast, ibu, role):
    client.force_login(getattr(cast, role))
    for attr, i in ibu.items():
        response = client.get(reverse("kia:persalinan_create", args=[i.pk]))
        assert response.status_code == _expected(role, attr), attr


@pytest.mark.parametrize("role", ROLES)
def test_create_refused_changes_nothing(client, cast, ibu, kasus, role):
    client.force_login(getattr(cast, role))
    before = _snapshot()
    for attr, i in ibu.items():
        expected = _expected(role, attr)
        if expected == 200:
            continue
        response = client.post(reverse("kia:persalinan_create", args=[i.pk]),
                               _post(bidan=_bidan(cast, attr).pk, catatan="tidak boleh"))
        assert response.status_code == expected, attr
    assert _snapshot() == before


@pytest.mark.parametrize("role", ["admin", "bikor_a", "bidan_a", "bikor_b", "bidan_b"])
def test_writer_records_a_delivery(client, cast, ibu, role):
    attr = sorted(WRITABLE[role])[0]
    client.force_login(getattr(cast, role))
    response = client.post(reverse("kia:persalinan_create", args=[ibu[attr].pk]),
                           _post(bidan=_bidan(cast, attr).pk, catatan="lancar"))
    p = Persalinan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("kia:persalinan_detail", args=[p.pk])
    assert (p.ibu, p.kelurahan, p.dicatat_oleh, p.catatan) == (ibu[attr], ibu[attr].kelurahan, getattr(cast, role),
                                                              "lancar")
    assert p.bayi.count() == 1


def test_create_offers_only_the_mothers_puskesmas(client, cast, ibu, dukun_set):
    client.force_login(cast.bikor_a)
    form = client.get(reverse("kia:persalinan_create", args=[ibu["a1"].pk])).context["form"]
    assert set(form.fields["bidan"].queryset) == {cast.profil_bidan_a, cast.profil_bidan_a2}
    assert set(form.fields["dukun"].queryset) == {dukun_set.a1, dukun_set.a2}
    assert set(form.fields["fasilitas"].queryset) == {cast.induk_a, cast.pustu_a2, cast.rs_a}
    client.force_login(cast.bidan_a)
    form = client.get(reverse("kia:persalinan_create", args=[ibu["a1"].pk])).context["form"]
    assert set(form.fields["dukun"].queryset) == {dukun_set.a1}
    assert cast.profil_bidan_b not in form.fields["bidan"].queryset


def test_create_defaults_to_the_latest_pregnancy_without_a_delivery(client, cast, ibu):
    lama = KehamilanFactory(ibu=ibu["a1"], tanggal_daftar=hari(700), hpht=hari(760))
    PersalinanFactory(ibu=ibu["a1"], kehamilan=lama, tanggal=hari(500), bidan=cast.profil_bidan_a)
    sekarang = KehamilanFactory(ibu=ibu["a1"])
    KehamilanFactory(ibu=ibu["a2"])
    client.force_login(cast.bidan_a)
    form = client.get(reverse("kia:persalinan_create", args=[ibu["a1"].pk])).context["form"]
    assert list(form.fields["kehamilan"].queryset) == [sekarang]
    assert form.initial["kehamilan"] == sekarang.pk


def test_create_links_the_pregnancy_and_the_referral(client, cast, ibu, dukun_set):
    kehamilan = KehamilanFactory(ibu=ibu["a1"])
    rujukan = RujukanFactory(ibu=ibu["a1"], dukun=dukun_set.a1, bidan=cast.profil_bidan_a)
    client.force_login(cast.bidan_a)
    response = client.post(reverse("kia:persalinan_create", args=[ibu["a1"].pk]), _post(
        bidan=cast.profil_bidan_a.pk, kehamilan=kehamilan.pk, rujukan=rujukan.pk, tanggal=hari(1).isoformat()))
    assert response.status_code == 302
    p = Persalinan.objects.get()
    assert (p.kehamilan, p.rujukan) == (kehamilan, rujukan)
    content = client.get(response["Location"]).content.decode()
    assert "Dukun ke bidan" in content


def test_first_baby_of_a_new_delivery_has_no_delete_box(client, cast, ibu):
    client.force_login(cast.bidan_a)
    content = client.get(reverse("kia:persalinan_create", args=[ibu["a1"].pk]), {"bayi": "2"}).content.decode()
    assert 'name="bayi-0-DELETE"' not in content
    assert 'name="bayi-1-DELETE"' in content


def test_add_baby_stops_at_five(client, cast, ibu):
    client.force_login(cast.bidan_a)
    data = _post(bidan=cast.profil_bidan_a.pk, bayi=[{}] * 5)
    data["tambah_bayi"] = "1"
    response = client.post(reverse("kia:persalinan_create", args=[ibu["a1"].pk]), data)
    assert response.context["formset"].total_form_count() == 5
    assert 'name="tambah_bayi"' not in response.content.decode()


def test_create_refuses_a_bidan_of_another_puskesmas(client, cast, ibu):
    client.force_login(cast.admin)
    response = client.post(reverse("kia:persalinan_create", args=[ibu["a1"].pk]),
                           _post(bidan=cast.profil_bidan_b.pk))
    assert response.status_code == 400
    assert "bidan" in response.context["form"].errors
    assert not Persalinan.objects.exists()


def test_twins_in_one_post_one_with_low_birth_weight(client, cast, ibu):
    client.force_login(cast.bidan_a)
    response = client.post(reverse("kia:persalinan_create", args=[ibu["a1"].pk]), _post(
        bidan=cast.profil_bidan_a.pk,
        bayi=[{"jenis_kelamin": "l", "berat_lahir_gram": "2700"}, {"jenis_kelamin": "p", "berat_lahir_gram": "2150"}],
    ))
    assert response.status_code == 302
    p = Persalinan.objects.get()
    assert [(b.urutan, b.jenis_kelamin, b.berat_lahir_gram, b.bblr) for b in p.bayi.order_by("urutan")] == [
        (1, "l", 2700, False), (2, "p", 2150, True)]
    detail = client.get(response["Location"]).content.decode()
    assert "Bayi ke-2" in detail and "BBLR" in detail


@pytest.mark.parametrize(("bayi2", "field"), [
    ({"berat_lahir_gram": "7000"}, "berat_lahir_gram"),          # refused by the form
    ({"kn1": hari(-5).isoformat()}, "kn1"),                      # refused by the service (window, future)
    ({"jenis_kelamin": ""}, "jenis_kelamin"),
    ({"status_lahir": "lahir_mati", "tanggal_meninggal": hari(2).isoformat()}, "tanggal_meninggal"),
])
def test_error_on_the_second_baby_saves_nothing_and_keeps_what_was_typed(client, cast, ibu, bayi2, field):
    client.force_login(cast.bidan_a)
    before = _snapshot()
    response = client.post(reverse("kia:persalinan_create", args=[ibu["a1"].pk]), _post(
        bidan=cast.profil_bidan_a.pk, catatan="Kembar, lahir di Puskesmas",
        bayi=[{"berat_lahir_gram": "2650"}, {"jenis_kelamin": "l", **bayi2}],
    ))
    assert response.status_code == 400
    assert _snapshot() == before
    formset = response.context["formset"]
    assert not formset.forms[0].errors
    assert field in formset.forms[1].errors
    content = response.content.decode()
    assert "Kembar, lahir di Puskesmas" in content
    assert 'value="2650"' in content
    assert "Data belum disimpan" in content


def test_add_baby_button_keeps_what_was_typed_and_saves_nothing(client, cast, ibu):
    client.force_login(cast.bidan_a)
    data = _post(bidan=cast.profil_bidan_a.pk, catatan="Ternyata kembar", bayi=[{"berat_lahir_gram": "2450"}])
    data["tambah_bayi"] = "1"
    response = client.post(reverse("kia:persalinan_create", args=[ibu["a1"].pk]), data)
    assert response.status_code == 200
    assert not Persalinan.objects.exists()
    assert response.context["formset"].total_form_count() == 2
    content = response.content.decode()
    assert "Ternyata kembar" in content and 'value="2450"' in content
    assert "Bayi ke-2" in content
    assert "is-invalid" not in content


def test_create_page_starts_with_the_number_of_babies_asked(client, cast, ibu):
    client.force_login(cast.bidan_a)
    url = reverse("kia:persalinan_create", args=[ibu["a1"].pk])
    assert client.get(url).context["formset"].total_form_count() == 1
    assert client.get(url, {"bayi": "2"}).context["formset"].total_form_count() == 2
    assert client.get(url, {"bayi": "99"}).context["formset"].total_form_count() == 5
    assert client.get(url, {"bayi": "x"}).context["formset"].total_form_count() == 1


def test_dukun_alone_warns_that_bikor_and_kapus_were_alerted(client, cast, ibu, dukun_set):
    client.force_login(cast.bidan_a)
    response = client.post(reverse("kia:persalinan_create", args=[ibu["a1"].pk]),
                           _post(tempat="rumah", penolong="dukun", dukun=dukun_set.a1.pk), follow=True)
    assert response.status_code == 200
    assert KajianKasus.objects.get().jenis == JenisKajian.DUKUN_SENDIRI
    pesan = [str(m) for m in response.context["messages"]]
    assert any("Bidan koordinator dan Kepala Puskesmas sudah diberi tahu" in m for m in pesan)


def test_delivery_by_a_bidan_gives_no_alert_warning(client, cast, ibu):
    client.force_login(cast.bidan_a)
    response = client.post(reverse("kia:persalinan_create", args=[ibu["a1"].pk]),
                           _post(bidan=cast.profil_bidan_a.pk), follow=True)
    assert not any("diberi tahu" in str(m) for m in response.context["messages"])


def test_fee_share_is_linked_to_the_partnership(client, cast, ibu, dukun_set):
    k = KemitraanFactory(bidan=cast.profil_bidan_a, dukun=dukun_set.a1)
    client.force_login(cast.bidan_a)
    response = client.post(reverse("kia:persalinan_create", args=[ibu["a1"].pk]), _post(
        tempat="pmb", penolong="bidan_dukun", bidan=cast.profil_bidan_a.pk, dukun=dukun_set.a1.pk,
        peran_dukun=["mendampingi", "memandikan_bayi"], jasa_dukun_jumlah="50000",
        jasa_dukun_tanggal=hari(1).isoformat(),
    ))
    assert response.status_code == 302
    p = Persalinan.objects.get()
    assert (p.kemitraan, p.peran_dukun) == (k, ["mendampingi", "memandikan_bayi"])


def test_fee_share_without_partnership_is_refused_with_the_form_kept(client, cast, ibu, dukun_set):
    client.force_login(cast.bidan_a)
    response = client.post(reverse("kia:persalinan_create", args=[ibu["a1"].pk]), _post(
        tempat="pmb", penolong="bidan_dukun", bidan=cast.profil_bidan_a.pk, dukun=dukun_set.a1.pk,
        jasa_dukun_jumlah="50000", jasa_dukun_tanggal=hari(1).isoformat(),
    ))
    assert response.status_code == 400
    assert "jasa_dukun_jumlah" in response.context["form"].errors
    assert not Persalinan.objects.exists()


# --- Update -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_update_page_per_role(client, cast, kasus, role):
    client.force_login(getattr(cast, role))
    for attr, p in kasus.items():
        response = client.get(reverse("kia:persalinan_update", args=[p.pk]))
        assert response.status_code == _expected(role, attr), attr


@pytest.mark.parametrize("role", ROLES)
def test_update_post_per_role(client, cast, kasus, role):
    client.force_login(getattr(cast, role))
    for attr, p in kasus.items():
        before = _snapshot()
        response = client.post(reverse("kia:persalinan_update", args=[p.pk]), _edit_post(p, catatan="diubah"))
        expected = _expected(role, attr)
        if expected == 200:
            assert response.status_code == 302, (attr, getattr(response, "context", None) and
                                                 response.context["form"].errors)
            p.refresh_from_db()
            assert p.catatan == "diubah"
            p.catatan = ""
            Persalinan.objects.filter(pk=p.pk).update(catatan="")
        else:
            assert response.status_code == expected, attr
            assert _snapshot() == before


def test_update_deletes_one_twin_and_keeps_history(client, cast, ibu):
    p = PersalinanFactory(ibu=ibu["a1"], bidan=cast.profil_bidan_a)
    b1 = BayiFactory(persalinan=p)
    b2 = BayiFactory(persalinan=p, urutan=2, jenis_kelamin="l")
    client.force_login(cast.bidan_a)
    data = _edit_post(p)
    data["bayi-1-DELETE"] = "on"
    response = client.post(reverse("kia:persalinan_update", args=[p.pk]), data)
    assert response.status_code == 302
    assert list(p.bayi.all()) == [b1]
    assert Bayi.history.filter(id=b2.pk, history_type="-").exists()


def test_update_cannot_delete_the_last_baby(client, cast, kasus):
    p = kasus["a1"]
    client.force_login(cast.bidan_a)
    data = _edit_post(p)
    data["bayi-0-DELETE"] = "on"
    before = _snapshot()
    response = client.post(reverse("kia:persalinan_update", args=[p.pk]), data)
    assert response.status_code == 400
    assert "sedikitnya satu bayi" in response.content.decode()
    assert _snapshot() == before


def test_update_adds_a_second_baby_after_the_first(client, cast, kasus):
    p = kasus["a1"]
    client.force_login(cast.bidan_a)
    data = _edit_post(p)
    first = {k: v for k, v in data.items() if k.startswith("bayi-0-")}
    data.update({k.replace("bayi-0-", "bayi-1-"): v for k, v in first.items()})
    data.update({"bayi-1-id": "", "bayi-1-berat_lahir_gram": "2300", "bayi-TOTAL_FORMS": "2"})
    response = client.post(reverse("kia:persalinan_update", args=[p.pk]), data)
    assert response.status_code == 302
    assert [(b.urutan, b.berat_lahir_gram) for b in p.bayi.order_by("urutan")] == [(1, 3100), (2, 2300)]


def test_update_refuses_a_baby_of_another_delivery(client, cast, kasus):
    p, lain = kasus["a1"], kasus["a2"]
    client.force_login(cast.bikor_a)
    data = _edit_post(p)
    data["bayi-0-id"] = str(lain.bayi.get().pk)
    data["bayi-0-berat_lahir_gram"] = "1000"
    before = _snapshot()
    response = client.post(reverse("kia:persalinan_update", args=[p.pk]), data)
    assert response.status_code == 400
    assert _snapshot() == before


def test_update_shows_the_recorded_babies(client, cast, kasus):
    p = kasus["a1"]
    client.force_login(cast.bidan_a)
    formset = client.get(reverse("kia:persalinan_update", args=[p.pk])).context["formset"]
    assert [f.initial["id"] for f in formset.forms] == [p.bayi.get().pk]


def test_update_to_dukun_alone_raises_the_alert_once(client, cast, kasus, dukun_set):
    p = kasus["a1"]
    client.force_login(cast.bidan_a)
    data = _edit_post(p, tempat="rumah", penolong="dukun", bidan="", dukun=str(dukun_set.a1.pk))
    response = client.post(reverse("kia:persalinan_update", args=[p.pk]), data, follow=True)
    assert any("diberi tahu" in str(m) for m in response.context["messages"])
    response = client.post(reverse("kia:persalinan_update", args=[p.pk]), data, follow=True)
    assert not any("diberi tahu" in str(m) for m in response.context["messages"])
    assert KajianKasus.objects.count() == 1


# --- A baby's later data ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_bayi_update_per_role(client, cast, kasus, role):
    client.force_login(getattr(cast, role))
    for attr, p in kasus.items():
        bayi = p.bayi.get()
        url = reverse("kia:bayi_update", args=[bayi.pk])
        expected = _expected(role, attr)
        assert client.get(url).status_code == expected, attr
        before = _snapshot()
        kn1 = (p.tanggal + dt.timedelta(days=1)).isoformat()
        response = client.post(url, {"kn1": kn1, "kn2": "", "kn3": "", "tanggal_meninggal": "", "versi": _versi(p),
                                     "sebab_kematian": "", "keterangan_kematian": ""})
        if expected == 200:
            assert response.status_code == 302
            bayi.refresh_from_db()
            assert bayi.kn1_diterima
        else:
            assert response.status_code == expected
            assert _snapshot() == before


def test_bayi_death_recorded_later_raises_the_alert(client, cast, kasus):
    p = kasus["a1"]
    bayi = p.bayi.get()
    client.force_login(cast.bidan_a)
    response = client.post(reverse("kia:bayi_update", args=[bayi.pk]), {
        "kn1": "", "kn2": "", "kn3": "", "tanggal_meninggal": (p.tanggal + dt.timedelta(days=3)).isoformat(),
        "versi": _versi(p),
        "sebab_kematian": "sepsis", "keterangan_kematian": "",
    }, follow=True)
    assert response.status_code == 200
    kajian = KajianKasus.objects.get()
    assert (kajian.jenis, kajian.bayi) == (JenisKajian.KEMATIAN_NEONATAL, bayi)
    assert any("diberi tahu" in str(m) for m in response.context["messages"])
    assert "pada umur 3 hari" in response.content.decode()


def test_bayi_update_with_a_visit_outside_its_window_is_refused(client, cast, kasus):
    p = kasus["a1"]
    bayi = p.bayi.get()
    client.force_login(cast.bidan_a)
    before = _snapshot()
    response = client.post(reverse("kia:bayi_update", args=[bayi.pk]), {
        "kn1": (p.tanggal + dt.timedelta(days=5)).isoformat(), "kn2": "", "kn3": "", "tanggal_meninggal": "",
        "versi": _versi(p),
        "sebab_kematian": "", "keterangan_kematian": "",
    })
    assert response.status_code == 400
    assert "kn1" in response.context["form"].errors
    assert (p.tanggal + dt.timedelta(days=5)).isoformat() in response.content.decode()
    assert _snapshot() == before


# --- Odd input answers 400 or a filter message, never 500 ------------------------------------------------


@pytest.mark.parametrize("bulan", ["0000-01", "9999-12", "2026-13"])
def test_list_month_out_of_range_is_a_message_not_an_error(client, cast, kasus, bulan):
    client.force_login(cast.bikor_a)
    response = client.get(reverse("kia:persalinan_list"), {"bulan": bulan})
    assert response.status_code == 200
    assert "Tulis bulan sebagai TTTT-BB" in response.content.decode()


def test_a_twin_added_from_a_stale_page_takes_the_next_free_number(client, cast, kasus):
    p = kasus["a1"]
    stale = _edit_post(p, bayi=[{"id": str(p.bayi.get().pk), "jenis_kelamin": "p", "berat_lahir_gram": "3100"},
                                {"jenis_kelamin": "l", "berat_lahir_gram": "2900"}])
    BayiFactory(persalinan=p, urutan=2)  # someone else added a twin meanwhile
    client.force_login(cast.bikor_a)
    response = client.post(reverse("kia:persalinan_update", args=[p.pk]), stale)
    assert response.status_code == 302
    assert sorted(p.bayi.values_list("urutan", flat=True)) == [1, 2, 3]


def test_an_absurd_baby_id_to_delete_deletes_nothing(client, cast, kasus):
    p = kasus["a1"]
    lain = kasus["a2"].bayi.get()
    data = _edit_post(p, bayi=[{"id": str(p.bayi.get().pk), "jenis_kelamin": "p", "berat_lahir_gram": "3100"},
                               {"id": "99999999999999999999999", "DELETE": "on"}, {"id": str(lain.pk), "DELETE": "on"}])
    data["bayi-INITIAL_FORMS"] = "1"
    client.force_login(cast.bikor_a)
    response = client.post(reverse("kia:persalinan_update", args=[p.pk]), data)
    assert response.status_code in (302, 400)
    assert p.bayi.count() == 1 and Bayi.objects.filter(pk=lain.pk).exists()  # another delivery's baby stays


def test_a_form_wide_error_is_shown_once(client, cast, kasus):
    p = kasus["a1"]
    data = _edit_post(p, bayi=[{"id": str(p.bayi.get().pk), "jenis_kelamin": "p", "berat_lahir_gram": "3100",
                                "DELETE": "on"}])
    client.force_login(cast.bikor_a)
    response = client.post(reverse("kia:persalinan_update", args=[p.pk]), data)
    assert response.status_code == 400
    assert response.content.decode().count("Catat sedikitnya satu bayi.") == 1
