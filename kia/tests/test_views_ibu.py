"""Mother and pregnancy pages for every role of the cast: list, detail, create, edit; the NIK whole or
masked by role and never in a URL; possible duplicates flagged before saving."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from kia import services
from kia.forms_ibu import IbuForm
from kia.models import Ibu, Kehamilan, hpl_naegele
from kia.tests.factories import IbuFactory, KehamilanFactory, PersalinanFactory, RujukanFactory

pytestmark = pytest.mark.django_db

ROLES = ["admin", "dinkes_a", "dinkes_c", "kapus_a", "bikor_a", "bikor_b", "bidan_a", "bidan_b"]
READ_ONLY = ["dinkes_a", "dinkes_c", "kapus_a"]
WRITERS = ["admin", "bikor_a", "bikor_b", "bidan_a", "bidan_b"]
NIK_FULL = {"admin", "bikor_a", "bikor_b", "bidan_a", "bidan_b"}
HARI_INI = timezone.localdate

# The `ibu_set` fixture: one mother per kelurahan a1, a2, b1, c1.
VISIBLE = {
    "admin": {"a1", "a2", "b1", "c1"},
    "dinkes_a": {"a1", "a2", "b1"},
    "dinkes_c": {"c1"},
    "kapus_a": {"a1", "a2"},
    "bikor_a": {"a1", "a2"},
    "bikor_b": {"b1"},
    "bidan_a": {"a1"},  # the kelurahan she serves
    "bidan_b": {"b1"},
}
WRITABLE = {"admin": {"a1", "a2", "b1", "c1"}, "bikor_a": {"a1", "a2"}, "bikor_b": {"b1"}, "bidan_a": {"a1"},
            "bidan_b": {"b1"}}
NAMA = {"a1": "Rina Marlina", "a2": "Dewi Sartika", "b1": "Nur Aini", "c1": "Yuli Astuti"}
NIK = {"a1": "1571015705960001", "a2": "1571014203970002", "b1": "1571026101950003", "c1": "1505014512990004"}
MASK = {k: v[:4] + "********" + v[-4:] for k, v in NIK.items()}


def _expected(role: str, attr: str) -> int:
    if attr not in VISIBLE[role]:
        return 404
    return 200 if attr in WRITABLE.get(role, set()) else 403


@pytest.fixture
def ibu_set(cast, dukun_set):
    w = cast.w
    kel = {"a1": w.a1, "a2": w.a2, "b1": w.b1, "c1": w.c1}
    dukun = {"a1": dukun_set.a1, "a2": dukun_set.a2, "b1": dukun_set.b1, "c1": dukun_set.c1}
    return {a: IbuFactory(nama=NAMA[a], nik=NIK[a], kelurahan=kel[a], dukun=dukun[a], telepon="0812-1111-2222")
            for a in kel}


def _snapshot():
    return (
        sorted((i.pk, i.nama, i.nik, i.kelurahan_id, i.tanggal_lahir, i.umur_tercatat, i.telepon, i.dukun_id)
               for i in Ibu.objects.all()),
        sorted((k.pk, k.hpht, k.hpl, k.gravida, k.para, k.abortus, tuple(k.faktor_risiko), k.dukun_id)
               for k in Kehamilan.objects.all()),
        Ibu.history.count(), Kehamilan.history.count(),
    )


def _ibu_data(kelurahan, **overrides) -> dict:
    data = {"nama": "Sari Wulandari", "nik": "", "tanggal_lahir": "1998-02-11", "umur_tercatat": "",
            "kelurahan": kelurahan.pk, "alamat": "Jl. Kapten Pattimura No. 5", "rt": "003", "rw": "002",
            "telepon": "0812-3456-7890", "dukun": ""}
    data.update(overrides)
    return data


def _kehamilan_data(**overrides) -> dict:
    data = {"tanggal_daftar": HARI_INI().isoformat(), "hpht": (HARI_INI() - dt.timedelta(days=70)).isoformat(),
            "hpl": "", "gravida": "2", "para": "1", "abortus": "0", "faktor_risiko_lainnya": "", "dukun": "",
            "catatan": ""}
    data.update(overrides)
    return data


def _hrefs(response) -> list[str]:
    return re.findall(r'(?:href|action|src)="([^"]*)"', response.content.decode())


def _assert_nik_not_in_urls_or_headers(response, niks):
    for nik in niks:
        for url in _hrefs(response):
            assert nik not in url
        for name, value in response.headers.items():
            assert nik not in value, name


# --- List ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_list_shows_only_mothers_in_scope_with_nik_as_the_role_may_read_it(client, cast, ibu_set, role):
    client.force_login(getattr(cast, role))
    response = client.get(reverse("kia:ibu_list"))
    assert response.status_code == 200
    assert {i.nama for i in response.context["page_obj"]} == {NAMA[a] for a in VISIBLE[role]}
    content = response.content.decode()
    for attr in NAMA:
        if attr not in VISIBLE[role]:
            assert NAMA[attr] not in content
            assert NIK[attr] not in content and MASK[attr] not in content
        elif role in NIK_FULL:
            assert NIK[attr] in content
        else:
            assert MASK[attr] in content and NIK[attr] not in content
    _assert_nik_not_in_urls_or_headers(response, NIK.values())


@pytest.mark.parametrize("role", ROLES)
def test_list_offers_tambah_ibu_only_to_writers(client, cast, role):
    client.force_login(getattr(cast, role))
    content = client.get(reverse("kia:ibu_list")).content.decode()
    assert ("Tambah ibu" in content) == (role in WRITERS)


def test_pages_redirect_anonymous_to_login(client, ibu_set):
    for url in (reverse("kia:ibu_list"), reverse("kia:ibu_create"), reverse("kia:ibu_detail", args=[ibu_set["a1"].pk]),
                reverse("kia:ibu_update", args=[ibu_set["a1"].pk]),
                reverse("kia:kehamilan_create", args=[ibu_set["a1"].pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/masuk/")


def test_list_shows_age_kelurahan_dukun_and_latest_hpl(client, cast, ibu_set):
    ibu = ibu_set["a1"]
    KehamilanFactory(ibu=ibu, tanggal_daftar=HARI_INI() - dt.timedelta(days=500), hpht=None, gravida=1, para=0)
    k = KehamilanFactory(ibu=ibu, faktor_risiko=["anemia"])
    client.force_login(cast.bikor_a)
    response = client.get(reverse("kia:ibu_list"))
    row = next(i for i in response.context["page_obj"] if i.pk == ibu.pk)
    assert row.hpl_terakhir == k.hpl
    assert row.risiko_tinggi
    table = response.content.decode()
    table = table[table.index('id="daftar-ibu"'):]
    for text in ("Rina Marlina", "Penyengat Rendah", "Siti Rohmah", date_format(k.hpl, "j M Y"), "Risiko tinggi",
                 str(ibu.umur)):
        assert text in table, text


def test_search_is_by_name(client, cast, ibu_set):
    client.force_login(cast.bikor_a)
    response = client.get(reverse("kia:ibu_list"), {"q": "sartika"})
    assert [i.nama for i in response.context["page_obj"]] == ["Dewi Sartika"]


def test_a_nik_typed_into_search_is_neither_searched_nor_echoed(client, cast, ibu_set):
    client.force_login(cast.kapus_a)  # sees NIKs masked: the whole number could only come from an echo
    response = client.get(reverse("kia:ibu_list"), {"q": NIK["a1"], "kelurahan": cast.w.a1.pk})
    assert response.status_code == 302
    assert NIK["a1"] not in response["Location"]
    response = client.get(response["Location"])
    content = response.content.decode()
    assert NIK["a1"] not in content
    assert "bukan NIK" in content
    assert [i.nama for i in response.context["page_obj"]] == ["Rina Marlina"]  # the other filters still apply


def test_search_field_refuses_digits_in_the_browser(client, cast):
    client.force_login(cast.bikor_a)
    content = client.get(reverse("kia:ibu_list")).content.decode()
    assert re.search(r'<input[^>]*name="q"[^>]*pattern="\[\^0-9\]\*"', content)


def test_filters_by_kelurahan_risk_and_dukun(client, cast, ibu_set, dukun_set):
    w = cast.w
    services.ibu_update(ibu=ibu_set["a2"], dukun=None)
    KehamilanFactory(ibu=ibu_set["a1"], faktor_risiko=["hipertensi"])
    KehamilanFactory(ibu=ibu_set["a2"])
    # Risk in an earlier pregnancy only: not a high-risk mother now.
    KehamilanFactory(ibu=ibu_set["a2"], tanggal_daftar=HARI_INI() - dt.timedelta(days=700), hpht=None,
                     faktor_risiko=["anemia"], gravida=1, para=0)
    client.force_login(cast.bikor_a)
    url = reverse("kia:ibu_list")

    def names(params):
        return sorted(i.nama for i in client.get(url, params).context["page_obj"])

    assert names({"kelurahan": w.a2.pk}) == ["Dewi Sartika"]
    assert names({"risiko_tinggi": "true"}) == ["Rina Marlina"]
    assert names({"risiko_tinggi": "false"}) == ["Dewi Sartika"]
    assert names({"dibawa_dukun": "true"}) == ["Rina Marlina"]
    assert names({"dibawa_dukun": "false"}) == ["Dewi Sartika"]
    # A pregnancy brought by a dukun counts too.
    KehamilanFactory(ibu=ibu_set["a2"], dukun=dukun_set.a2)
    assert names({"dibawa_dukun": "true"}) == ["Dewi Sartika", "Rina Marlina"]


def test_filter_out_of_scope_shows_nothing_from_outside(client, cast, ibu_set):
    client.force_login(cast.bidan_a)
    for params in ({"kelurahan": cast.w.b1.pk}, {"kelurahan": cast.w.a2.pk}, {"puskesmas": cast.w.puskesmas_b.pk}):
        response = client.get(reverse("kia:ibu_list"), params)
        assert response.status_code == 200
        assert {i.nama for i in response.context["page_obj"]} <= {"Rina Marlina"}
        assert "Nur Aini" not in response.content.decode()


def test_filter_offers_only_kelurahan_in_scope(client, cast):
    client.force_login(cast.bidan_a)
    form = client.get(reverse("kia:ibu_list")).context["filter"].form
    assert [k.nama for k in form.fields["kelurahan"].queryset] == ["Penyengat Rendah"]


@pytest.mark.parametrize("role", ["bikor_a", "bidan_a"])
@pytest.mark.parametrize("n", [5, 40])
def test_list_query_count_does_not_grow_with_rows(client, cast, dukun_set, django_assert_max_num_queries, n, role):
    for i in range(n):
        ibu = IbuFactory(nama=f"Ibu {i:02d}", nik=f"157101570596{i + 1:04d}", kelurahan=cast.w.a1,
                         dukun=dukun_set.a1 if i % 2 else None)
        KehamilanFactory(ibu=ibu, faktor_risiko=["anemia"] if i % 3 else [])
    client.force_login(getattr(cast, role))
    with django_assert_max_num_queries(10):
        response = client.get(reverse("kia:ibu_list"), {"risiko_tinggi": "true", "dibawa_dukun": ""})
    assert response.status_code == 200
    assert len(response.context["page_obj"]) == min(len([i for i in range(n) if i % 3]), 25)


# --- Detail -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_detail_in_scope_404_outside_with_nik_by_role(client, cast, ibu_set, role):
    client.force_login(getattr(cast, role))
    for attr, ibu in ibu_set.items():
        response = client.get(reverse("kia:ibu_detail", args=[ibu.pk]))
        if attr not in VISIBLE[role]:
            assert response.status_code == 404, attr
            continue
        assert response.status_code == 200, attr
        content = response.content.decode()
        assert NAMA[attr] in content
        if role in NIK_FULL:
            assert NIK[attr] in content
        else:
            assert MASK[attr] in content and NIK[attr] not in content
        assert ("Catat kehamilan" in content) == (attr in WRITABLE.get(role, set()))
        _assert_nik_not_in_urls_or_headers(response, NIK.values())


def test_detail_404_for_an_id_that_does_not_exist(client, cast, ibu_set):
    client.force_login(cast.admin)
    assert client.get(reverse("kia:ibu_detail", args=[max(i.pk for i in ibu_set.values()) + 1])).status_code == 404


@pytest.mark.parametrize("role,full", [("bikor_a", True), ("bidan_a", True), ("admin", True), ("kapus_a", False),
                                       ("dinkes_a", False)])
def test_history_masks_the_nik_for_reviewers(client, cast, ibu_set, role, full):
    ibu = ibu_set["a1"]
    baru = "1571016608960005"
    services.ibu_update(ibu=ibu, nik=baru)
    client.force_login(getattr(cast, role))
    content = client.get(reverse("kia:ibu_detail", args=[ibu.pk])).content.decode()
    riwayat = content[content.index('id="riwayat"'):]
    assert "NIK" in riwayat
    for nik in (NIK["a1"], baru):
        if full:
            assert nik in riwayat
        else:
            assert nik not in content
            assert nik[:4] + "********" + nik[-4:] in riwayat


def test_detail_shows_pregnancies_referrals_and_deliveries(client, cast, ibu_set, dukun_set):
    ibu = ibu_set["a1"]
    k = KehamilanFactory(ibu=ibu, faktor_risiko=["anemia", "riwayat_sc"], dukun=dukun_set.a1, gravida=3, para=1,
                         abortus=1)
    r = RujukanFactory(ibu=ibu, dukun=dukun_set.a1, bidan=cast.profil_bidan_a)
    p = PersalinanFactory(ibu=ibu, bidan=cast.profil_bidan_a)
    client.force_login(cast.bidan_a)
    response = client.get(reverse("kia:ibu_detail", args=[ibu.pk]))
    content = response.content.decode()
    for text in ("G3P1A1", "Anemia", "Riwayat operasi sesar", "Siti Rohmah", date_format(k.hpl, "j M Y"),
                 "(Naegele)", "Sri Mulyani"):
        assert text in content, text
    for url in (reverse("kia:kehamilan_update", args=[k.pk]), reverse("kia:rujukan_detail", args=[r.pk]),
                reverse("kia:persalinan_detail", args=[p.pk]), reverse("kia:rujukan_create", args=[ibu.pk]),
                reverse("kia:persalinan_create", args=[ibu.pk]), reverse("kia:ibu_update", args=[ibu.pk])):
        assert f'href="{url}"' in content, url


def test_read_only_roles_see_no_edit_buttons(client, cast, ibu_set):
    k = KehamilanFactory(ibu=ibu_set["a1"])
    client.force_login(cast.kapus_a)
    content = client.get(reverse("kia:ibu_detail", args=[ibu_set["a1"].pk])).content.decode()
    for url in (reverse("kia:kehamilan_update", args=[k.pk]), reverse("kia:ibu_update", args=[ibu_set["a1"].pk]),
                reverse("kia:rujukan_create", args=[ibu_set["a1"].pk])):
        assert url not in content


# --- Create -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_create_page_for_writers_403_for_readers(client, cast, role):
    client.force_login(getattr(cast, role))
    assert client.get(reverse("kia:ibu_create")).status_code == (200 if role in WRITERS else 403)


@pytest.mark.parametrize("role", READ_ONLY)
def test_read_only_post_creates_nothing(client, cast, ibu_set, role):
    before = _snapshot()
    client.force_login(getattr(cast, role))
    response = client.post(reverse("kia:ibu_create"), _ibu_data(cast.w.a1))
    assert response.status_code == 403
    assert _snapshot() == before


def test_form_offers_only_writable_kelurahan_and_dukun_of_that_puskesmas(client, cast, dukun_set):
    client.force_login(cast.bidan_a)
    form = client.get(reverse("kia:ibu_create")).context["form"]
    assert [k.nama for k in form.fields["kelurahan"].queryset] == ["Penyengat Rendah"]
    assert form.initial.get("kelurahan") == cast.w.a1 or form.fields["kelurahan"].initial == cast.w.a1
    assert [d.nama for d in form.fields["dukun"].queryset] == ["Siti Rohmah"]
    client.force_login(cast.bikor_a)
    form = client.get(reverse("kia:ibu_create")).context["form"]
    assert {k.nama for k in form.fields["kelurahan"].queryset} == {"Penyengat Rendah", "Teluk Kenali"}
    assert {d.nama for d in form.fields["dukun"].queryset} == {"Siti Rohmah", "Halimah"}


@pytest.mark.parametrize("role,kelurahan", [("admin", "c1"), ("bikor_a", "a2"), ("bikor_b", "b1"), ("bidan_a", "a1"),
                                            ("bidan_b", "b1")])
def test_writer_creates_a_mother_and_lands_on_her_page(client, cast, dukun_set, role, kelurahan):
    kel = getattr(cast.w, kelurahan)
    client.force_login(getattr(cast, role))
    response = client.post(reverse("kia:ibu_create"), _ibu_data(kel, nik="1571 0166 0896 0005",
                                                                dukun=getattr(dukun_set, kelurahan).pk))
    ibu = Ibu.objects.get(nama="Sari Wulandari")
    assert response.status_code == 302
    assert response["Location"] == reverse("kia:ibu_detail", args=[ibu.pk])
    assert "1571016608960005" not in response["Location"]
    assert (ibu.nik, ibu.kelurahan, ibu.puskesmas, ibu.dicatat_oleh) == (
        "1571016608960005", kel, kel.puskesmas, getattr(cast, role))
    page = client.get(response["Location"]).content.decode()
    assert "Ibu Sari Wulandari dicatat." in page


@pytest.mark.parametrize("role,kelurahan", [("bidan_a", "a2"), ("bidan_a", "b1"), ("bikor_a", "b1"), ("bikor_b", "a1")])
def test_writer_cannot_record_a_mother_outside_her_kelurahan(client, cast, role, kelurahan):
    client.force_login(getattr(cast, role))
    response = client.post(reverse("kia:ibu_create"), _ibu_data(getattr(cast.w, kelurahan)))
    assert response.status_code == 400
    assert "kelurahan" in response.context["form"].errors
    assert not Ibu.objects.exists()


def test_a_dukun_of_another_puskesmas_is_refused(client, cast, dukun_set):
    client.force_login(cast.admin)
    response = client.post(reverse("kia:ibu_create"), _ibu_data(cast.w.a1, dukun=dukun_set.b1.pk))
    assert response.status_code == 400
    assert response.context["form"].errors["dukun"] == [
        "Dukun harus berasal dari wilayah kerja Puskesmas yang sama dengan ibu."]
    assert not Ibu.objects.exists()


@pytest.mark.parametrize("overrides,field,message", [
    ({"nik": "1571019905960001"}, "nik", "NIK tidak valid"),
    ({"nik": "15710157"}, "nik", "NIK harus 16 digit angka."),
    ({"tanggal_lahir": "", "umur_tercatat": ""}, "tanggal_lahir", "Isi tanggal lahir atau umur ibu."),
    ({"tanggal_lahir": "", "umur_tercatat": "9"}, "umur_tercatat", "10"),
    ({"tanggal_lahir": "", "umur_tercatat": "61"}, "umur_tercatat", "60"),
    ({"umur_tercatat": "30"}, "umur_tercatat", "kosongkan umur"),
    (lambda h: {"tanggal_lahir": (h + dt.timedelta(days=2)).isoformat()}, "tanggal_lahir", "masa depan"),
    ({"telepon": "12345"}, "telepon", "0812"),
    ({"rt": "abcd"}, "rt", ""),
])
def test_bad_input_re_renders_with_400_keeping_what_was_typed(client, cast, overrides, field, message):
    overrides = overrides(HARI_INI()) if callable(overrides) else overrides  # today when run, not collected
    client.force_login(cast.bikor_a)
    response = client.post(reverse("kia:ibu_create"), _ibu_data(cast.w.a1, **overrides))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert 'value="Sari Wulandari"' in response.content.decode()
    assert not Ibu.objects.exists()
    if overrides.get("nik"):
        assert overrides["nik"] not in " ".join(errors[field])


def test_recorded_age_instead_of_birth_date(client, cast):
    client.force_login(cast.bikor_a)
    response = client.post(reverse("kia:ibu_create"), _ibu_data(cast.w.a1, tanggal_lahir="", umur_tercatat="24"))
    assert response.status_code == 302
    ibu = Ibu.objects.get()
    assert (ibu.umur_tercatat, ibu.umur_dicatat_pada, ibu.umur) == (24, HARI_INI(), 24)


# --- Possible duplicates -------------------------------------------------------------------------


def test_same_nik_in_scope_is_flagged_then_saved_when_confirmed(client, cast, ibu_set):
    client.force_login(cast.bikor_a)
    data = _ibu_data(cast.w.a2, nik=NIK["a1"])
    response = client.post(reverse("kia:ibu_create"), data)
    assert response.status_code == 400
    content = response.content.decode()
    warning = content[content.index('id="peringatan-duplikat"'):]
    warning = warning[:warning.index("</div>")]
    assert "Rina Marlina" in warning and "Penyengat Rendah" in warning and NIK["a1"] in warning
    assert "Tetap simpan sebagai ibu baru" in content
    assert "wilayah lain" not in content
    assert Ibu.objects.count() == 4
    response = client.post(reverse("kia:ibu_create"), {**data, "tetap_simpan": "on"})
    assert response.status_code == 302
    assert Ibu.objects.filter(nik=NIK["a1"]).count() == 2


def test_same_name_birth_date_and_kelurahan_is_flagged(client, cast, ibu_set):
    services.ibu_update(ibu=ibu_set["a1"], tanggal_lahir=dt.date(1998, 2, 11))
    client.force_login(cast.bidan_a)
    response = client.post(reverse("kia:ibu_create"), _ibu_data(cast.w.a1, nama="rina marlina"))
    assert response.status_code == 400
    assert "Rina Marlina" in response.content.decode()
    assert Ibu.objects.count() == 4


def test_reviewer_sees_a_masked_nik_in_the_duplicate_warning(client, cast, ibu_set):
    # The admin sees the whole NIK; the warning of a bidan shows what the list shows her.
    client.force_login(cast.bidan_a)
    response = client.post(reverse("kia:ibu_create"), _ibu_data(cast.w.a1, nik=NIK["a1"]))
    assert NIK["a1"] in response.content.decode()
    form = IbuForm(_ibu_data(cast.w.a1, nik=NIK["a1"]), user=cast.bikor_a)
    assert form.is_valid() and not form.periksa_duplikat()
    html = render_to_string("kia/partials/ibu_duplikat.html", {"duplikat": form.duplikat, "form": form,
                                                               "lihat_nik": False})
    assert MASK["a1"] in html and NIK["a1"] not in html


@pytest.mark.parametrize("role,other", [("bidan_a", "b1"), ("bidan_a", "a2"), ("bikor_b", "a1")])
def test_same_nik_outside_scope_is_mentioned_without_details(client, cast, ibu_set, role, other):
    client.force_login(getattr(cast, role))
    kel = cast.w.a1 if role == "bidan_a" else cast.w.b1
    response = client.post(reverse("kia:ibu_create"), _ibu_data(kel, nik=NIK[other]))
    assert response.status_code == 400
    content = response.content.decode()
    assert "NIK ini sudah tercatat di wilayah lain." in content
    assert NAMA[other] not in content
    assert ibu_set[other].kelurahan.nama not in content[content.index('id="peringatan-duplikat"'):][:800]
    assert Ibu.objects.count() == 4


def test_edit_without_identity_change_is_not_asked_about_duplicates(client, cast, ibu_set):
    IbuFactory(nama="Rina Lain", nik=NIK["a1"], kelurahan=cast.w.a1)
    ibu = ibu_set["a1"]
    client.force_login(cast.bidan_a)
    data = _ibu_data(cast.w.a1, nama=ibu.nama, nik=ibu.nik, tanggal_lahir=ibu.tanggal_lahir.isoformat(),
                     dukun=ibu.dukun_id, telepon="0813-0000-1111")
    response = client.post(reverse("kia:ibu_update", args=[ibu.pk]), data)
    assert response.status_code == 302
    ibu.refresh_from_db()
    assert ibu.telepon == "0813-0000-1111"


def test_edit_to_a_nik_already_recorded_is_flagged(client, cast, ibu_set):
    ibu = ibu_set["a2"]
    client.force_login(cast.bikor_a)
    data = _ibu_data(cast.w.a2, nama=ibu.nama, nik=NIK["a1"], tanggal_lahir=ibu.tanggal_lahir.isoformat(),
                     dukun=ibu.dukun_id)
    response = client.post(reverse("kia:ibu_update", args=[ibu.pk]), data)
    assert response.status_code == 400
    assert "Rina Marlina" in response.content.decode()
    ibu.refresh_from_db()
    assert ibu.nik == NIK["a2"]


# --- Update -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_update_page_200_writable_403_read_only_404_outside(client, cast, ibu_set, role):
    client.force_login(getattr(cast, role))
    for attr, ibu in ibu_set.items():
        assert client.get(reverse("kia:ibu_update", args=[ibu.pk])).status_code == _expected(role, attr), attr


@pytest.mark.parametrize("role", ROLES)
def test_refused_update_changes_nothing(client, cast, ibu_set, role):
    client.force_login(getattr(cast, role))
    for attr, ibu in ibu_set.items():
        if _expected(role, attr) == 200:
            continue
        before = _snapshot()
        response = client.post(reverse("kia:ibu_update", args=[ibu.pk]), _ibu_data(ibu.kelurahan, nama="Diubah"))
        assert response.status_code == _expected(role, attr), attr
        assert _snapshot() == before


def test_update_moves_her_to_another_writable_kelurahan(client, cast, ibu_set):
    ibu = ibu_set["a1"]
    client.force_login(cast.bikor_a)
    data = _ibu_data(cast.w.a2, nama=ibu.nama, nik=ibu.nik, tanggal_lahir=ibu.tanggal_lahir.isoformat(),
                     dukun=ibu.dukun_id)
    response = client.post(reverse("kia:ibu_update", args=[ibu.pk]), data)
    assert response.status_code == 302
    ibu.refresh_from_db()
    assert ibu.kelurahan == cast.w.a2


def test_update_keeps_a_dukun_she_no_longer_sees(client, cast, ibu_set, dukun_set):
    ibu = ibu_set["a1"]
    services.ibu_update(ibu=ibu, dukun=dukun_set.a2)  # a dukun of a2: not visible to bidan_a
    client.force_login(cast.bidan_a)
    form = client.get(reverse("kia:ibu_update", args=[ibu.pk])).context["form"]
    assert dukun_set.a2 in form.fields["dukun"].queryset
    assert dukun_set.b1 not in form.fields["dukun"].queryset


def test_update_of_recorded_age_restarts_its_clock(client, cast):
    ibu = IbuFactory(kelurahan=cast.w.a1, tanggal_lahir=None, umur_tercatat=25,
                     umur_dicatat_pada=HARI_INI() - dt.timedelta(days=800))
    client.force_login(cast.bidan_a)
    response = client.post(reverse("kia:ibu_update", args=[ibu.pk]),
                           _ibu_data(cast.w.a1, nama=ibu.nama, tanggal_lahir="", umur_tercatat="28"))
    assert response.status_code == 302
    ibu.refresh_from_db()
    assert (ibu.umur_tercatat, ibu.umur_dicatat_pada) == (28, HARI_INI())


# --- Pregnancy ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_pregnancy_create_page_by_scope(client, cast, ibu_set, role):
    client.force_login(getattr(cast, role))
    for attr, ibu in ibu_set.items():
        assert client.get(reverse("kia:kehamilan_create", args=[ibu.pk])).status_code == _expected(role, attr), attr


@pytest.mark.parametrize("role", ROLES)
def test_pregnancy_create_post_by_scope_refused_changes_nothing(client, cast, ibu_set, role):
    client.force_login(getattr(cast, role))
    for attr, ibu in ibu_set.items():
        before = _snapshot()
        response = client.post(reverse("kia:kehamilan_create", args=[ibu.pk]), _kehamilan_data())
        if _expected(role, attr) == 200:
            assert response.status_code == 302, attr
            assert ibu.kehamilan.count() == 1
        else:
            assert response.status_code == _expected(role, attr), attr
            assert _snapshot() == before


def test_pregnancy_hpl_computed_by_naegele_with_a_hint(client, cast, ibu_set, dukun_set):
    ibu = ibu_set["a1"]
    client.force_login(cast.bidan_a)
    hpht = HARI_INI() - dt.timedelta(days=70)
    response = client.post(reverse("kia:kehamilan_create", args=[ibu.pk]), _kehamilan_data(
        hpht=hpht.isoformat(), faktor_risiko=["anemia", "hipertensi"], dukun=dukun_set.a1.pk,
    ), follow=True)
    k = ibu.kehamilan.get()
    assert k.hpl == hpl_naegele(hpht)
    assert k.faktor_risiko == ["anemia", "hipertensi"]
    assert (k.dukun, k.kelurahan, k.dicatat_oleh) == (dukun_set.a1, cast.w.a1, cast.bidan_a)
    assert f"rumus Naegele: {date_format(k.hpl, 'j F Y')}" in response.content.decode()


def test_pregnancy_form_offers_her_dukun_and_the_hpl_script(client, cast, ibu_set):
    client.force_login(cast.bidan_a)
    response = client.get(reverse("kia:kehamilan_create", args=[ibu_set["a1"].pk]))
    form = response.context["form"]
    assert form.initial["dukun"] == ibu_set["a1"].dukun_id
    assert [d.nama for d in form.fields["dukun"].queryset] == ["Siti Rohmah"]
    content = response.content.decode()
    assert "kia/hpl.js" in content
    assert 'id="hpl-naegele"' in content
    assert "<script>" not in content.split("</nav>")[1]  # no inline script in the page body


@pytest.mark.parametrize("overrides,field", [
    ({"para": "2", "abortus": "0", "gravida": "2"}, "para"),
    (lambda h: {"hpht": (h + dt.timedelta(days=1)).isoformat()}, "hpht"),
    ({"faktor_risiko": ["lainnya"]}, "faktor_risiko_lainnya"),
    ({"faktor_risiko": ["sihir"]}, "faktor_risiko"),
])
def test_pregnancy_bad_input_400_nothing_saved(client, cast, ibu_set, overrides, field):
    overrides = overrides(HARI_INI()) if callable(overrides) else overrides  # today when run, not collected
    client.force_login(cast.bidan_a)
    response = client.post(reverse("kia:kehamilan_create", args=[ibu_set["a1"].pk]), _kehamilan_data(**overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Kehamilan.objects.exists()


def test_pregnancy_dukun_of_another_puskesmas_is_not_a_choice(client, cast, ibu_set, dukun_set):
    client.force_login(cast.admin)
    response = client.post(reverse("kia:kehamilan_create", args=[ibu_set["a1"].pk]),
                           _kehamilan_data(dukun=dukun_set.b1.pk))
    assert response.status_code == 400
    assert "dukun" in response.context["form"].errors


@pytest.mark.parametrize("role", ROLES)
def test_pregnancy_update_by_scope(client, cast, ibu_set, role):
    kehamilan = {a: KehamilanFactory(ibu=i) for a, i in ibu_set.items()}
    client.force_login(getattr(cast, role))
    for attr, k in kehamilan.items():
        url = reverse("kia:kehamilan_update", args=[k.pk])
        assert client.get(url).status_code == _expected(role, attr), attr
        before = _snapshot()
        response = client.post(url, _kehamilan_data(catatan="diubah", tanggal_daftar=k.tanggal_daftar.isoformat(),
                                                     hpht=k.hpht.isoformat(), hpl=k.hpl.isoformat()))
        if _expected(role, attr) == 200:
            assert response.status_code == 302, attr
            k.refresh_from_db()
            assert k.catatan == "diubah"
        else:
            assert response.status_code == _expected(role, attr), attr
            assert _snapshot() == before


def test_pregnancy_update_with_a_new_hpht_recomputes_the_old_hpl(client, cast, ibu_set):
    k = KehamilanFactory(ibu=ibu_set["a1"])
    baru = k.hpht + dt.timedelta(days=14)
    client.force_login(cast.bidan_a)
    response = client.post(reverse("kia:kehamilan_update", args=[k.pk]), _kehamilan_data(
        tanggal_daftar=k.tanggal_daftar.isoformat(), hpht=baru.isoformat(), hpl=k.hpl.isoformat()))
    assert response.status_code == 302
    k.refresh_from_db()
    assert k.hpl == hpl_naegele(baru)


def test_pregnancy_update_keeps_a_hpl_the_bidan_changed(client, cast, ibu_set):
    k = KehamilanFactory(ibu=ibu_set["a1"])
    hpl = k.hpl + dt.timedelta(days=3)
    client.force_login(cast.bidan_a)
    client.post(reverse("kia:kehamilan_update", args=[k.pk]), _kehamilan_data(
        tanggal_daftar=k.tanggal_daftar.isoformat(), hpht=k.hpht.isoformat(), hpl=hpl.isoformat()))
    k.refresh_from_db()
    assert k.hpl == hpl


def test_no_page_links_a_nik(client, cast, ibu_set, dukun_set):
    ibu = ibu_set["a1"]
    KehamilanFactory(ibu=ibu)
    RujukanFactory(ibu=ibu, dukun=dukun_set.a1)
    client.force_login(cast.bikor_a)
    for url in (reverse("kia:ibu_list"), reverse("kia:ibu_detail", args=[ibu.pk]),
                reverse("kia:ibu_update", args=[ibu.pk]), reverse("kia:kehamilan_create", args=[ibu.pk])):
        response = client.get(url)
        assert response.status_code == 200
        _assert_nik_not_in_urls_or_headers(response, NIK.values())


@pytest.mark.parametrize("url", ["create", "update"])
def test_nik_is_hidden_from_error_reports(client, cast, ibu_set, url):
    """Django's error report (mailed to admins, logged) prints POST data: the NIK must show as stars."""
    from django.views.debug import SafeExceptionReporterFilter

    client.force_login(cast.bikor_a)
    target = reverse("kia:ibu_create") if url == "create" else reverse("kia:ibu_update", args=[ibu_set["a1"].pk])
    response = client.post(target, _ibu_data(cast.w.a1, nik="1571015705960001", tanggal_lahir="bukan tanggal"))
    assert response.status_code == 400
    post = SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request)
    assert post["nik"] == SafeExceptionReporterFilter.cleansed_substitute
    assert post["nama"] == "Sari Wulandari"


@pytest.mark.parametrize("query", [
    {"q": "1571 0157 0596 0001"}, {"q": "1571.01.57"}, {"q": ["Rina", "1571015705960001"]},
])
def test_a_nik_typed_with_separators_or_twice_is_sent_away(client, cast, ibu_set, query):
    client.force_login(cast.bikor_a)
    response = client.get(reverse("kia:ibu_list"), query)
    assert response.status_code == 302
    assert "1571" not in response["Location"]
