"""Dukun list (grouped, filtered, paginated), detail, create, update and map, for every role of the cast."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dukun.models import Dukun, StatusDukun
from dukun.tests.factories import DukunFactory

ROLES = ["admin", "dinkes_a", "dinkes_c", "kapus_a", "bikor_a", "bikor_b", "bidan_a", "bidan_b"]
READ_ONLY = ["kapus_a", "dinkes_a", "dinkes_c"]
INVALID_CHOICE = "Masukkan pilihan yang valid."

# conftest's dukun_set: Siti Rohmah (a1, known to bidan_a), Halimah (a2), Asiah (b1, known to bidan_b), Maimunah (c1).
DUKUN_ATTR = {"Siti Rohmah": "a1", "Halimah": "a2", "Asiah": "b1", "Maimunah": "c1"}
VISIBLE = {
    "admin": {"Siti Rohmah", "Halimah", "Asiah", "Maimunah"},
    "dinkes_a": {"Siti Rohmah", "Halimah", "Asiah"},
    "dinkes_c": {"Maimunah"},
    "kapus_a": {"Siti Rohmah", "Halimah"},
    "bikor_a": {"Siti Rohmah", "Halimah"},
    "bikor_b": {"Asiah"},
    "bidan_a": {"Siti Rohmah"},
    "bidan_b": {"Asiah"},
}
WRITABLE = {
    "admin": set(DUKUN_ATTR), "bikor_a": {"Siti Rohmah", "Halimah"}, "bikor_b": {"Asiah"},
    "bidan_a": {"Siti Rohmah"}, "bidan_b": {"Asiah"},
}


def _get(client, user, url, data=None):
    client.force_login(user)
    return client.get(url, data)


def _post(client, user, url, data):
    client.force_login(user)
    return client.post(url, data)


def _names(response) -> list[str]:
    return [d.nama for d in response.context["page_obj"]]


def _snapshot():
    """Every dukun with her bidan, and the history table: what a refused POST must leave untouched."""
    return (
        sorted(
            (d.pk, d.nama, d.nama_panggilan, d.kelurahan_id, d.status, d.status_sejak, d.telepon, d.latitude,
             d.longitude, tuple(sorted(b.pk for b in d.dikenal_oleh.all())))
            for d in Dukun.objects.prefetch_related("dikenal_oleh")
        ),
        Dukun.history.count(),
    )


def _new_data(cast, **overrides):
    data = {
        "nama": "Nurhayati", "nama_panggilan": "Mak Nur", "tahun_lahir": "1958", "kelurahan": cast.w.a1.pk,
        "alamat": "Lorong Sepakat", "rt": "004", "rw": "002", "telepon": "0812-3456-7890", "bisa_baca_tulis": "on",
        "lama_praktik_tahun": "30", "status": StatusDukun.AKTIF, "status_sejak": "", "latitude": "-1.590000",
        "longitude": "103.610000", "dikenal_oleh": [cast.profil_bidan_a.pk], "catatan": "",
    }
    data.update(overrides)
    return data


def _edit_data(d: Dukun, **overrides):
    """The form as the browser sends it back for an existing dukun, with some fields changed."""
    data = {
        "nama": d.nama, "nama_panggilan": d.nama_panggilan, "tahun_lahir": d.tahun_lahir or "",
        "kelurahan": d.kelurahan_id, "alamat": d.alamat, "rt": d.rt, "rw": d.rw, "telepon": d.telepon,
        "lama_praktik_tahun": "" if d.lama_praktik_tahun is None else d.lama_praktik_tahun, "status": d.status,
        "status_sejak": d.status_sejak.isoformat() if d.status_sejak else "",
        "latitude": "" if d.latitude is None else str(d.latitude),
        "longitude": "" if d.longitude is None else str(d.longitude),
        "dikenal_oleh": [b.pk for b in d.dikenal_oleh.all()], "catatan": d.catatan,
        # The version the page was loaded with (puskesmas.versi): the stored one, as a fresh page holds it.
        "versi": Dukun.objects.values_list("versi", flat=True).get(pk=d.pk),
    }
    if d.bisa_baca_tulis:
        data["bisa_baca_tulis"] = "on"
    data.update(overrides)
    return data


@pytest.fixture
def banyak(cast, dukun_set):
    """More dukun of Puskesmas A for the filters: every combination the filters tell apart."""
    w = cast.w
    return {
        "baca": DukunFactory(nama="Juriah", nama_panggilan="Mak Ijah", kelurahan=w.a1, bisa_baca_tulis=True,
                             dikenal_oleh=[cast.profil_bidan_a, cast.profil_bidan_a2]),
        "pindah": DukunFactory(nama="Rukiah", kelurahan=w.a2, status=StatusDukun.PINDAH,
                               status_sejak=datetime.date(2024, 3, 1), dikenal_oleh=[cast.profil_bidan_a2]),
        "meninggal": DukunFactory(nama="Saodah", kelurahan=w.a2, status=StatusDukun.MENINGGAL,
                                  status_sejak=datetime.date(2023, 7, 15), bisa_baca_tulis=True),
    }


# --- List: scope ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_dukun_list_shows_only_dukun_in_scope(client, cast, dukun_set, role):
    response = _get(client, getattr(cast, role), reverse("dukun:list"))
    assert response.status_code == 200
    assert set(_names(response)) == VISIBLE[role]
    content = response.content.decode()
    for nama in VISIBLE["admin"] - VISIBLE[role]:
        assert nama not in content


def test_dukun_list_redirects_anonymous_to_login(client, dukun_set):
    response = client.get(reverse("dukun:list"))
    assert response.status_code == 302
    assert response["Location"] == "/masuk/?next=/dukun/"


@pytest.mark.parametrize("role", ROLES)
def test_dukun_list_offers_create_only_to_roles_that_write_dukun(client, cast, role):
    content = _get(client, getattr(cast, role), reverse("dukun:list")).content.decode()
    assert ("Tambah dukun" in content) == (role not in READ_ONLY)


def test_bidan_role_user_without_bidan_profile_sees_no_dukun_and_cannot_create(client, cast, dukun_set):
    from puskesmas.models import Role
    from puskesmas.tests.factories import UserFactory

    tanpa_profil = UserFactory(username="bidan_tanpa_profil", role=Role.BIDAN)
    response = _get(client, tanpa_profil, reverse("dukun:list"))
    assert response.status_code == 200
    assert _names(response) == []
    assert "Tambah dukun" not in response.content.decode()
    assert client.get(reverse("dukun:detail", args=[dukun_set.a1.pk])).status_code == 404
    before = _snapshot()
    assert client.post(reverse("dukun:create"), _new_data(cast)).status_code == 403
    assert _snapshot() == before


def test_deactivated_user_is_sent_back_to_login(client, cast, dukun_set):
    client.force_login(cast.bikor_a)
    cast.bikor_a.is_active = False
    cast.bikor_a.save()
    response = client.get(reverse("dukun:list"))
    assert response.status_code == 302
    assert response["Location"].startswith("/masuk/")
    before = _snapshot()
    response = client.post(reverse("dukun:update", args=[dukun_set.a1.pk]), _edit_data(dukun_set.a1, nama="X"))
    assert response.status_code == 302
    assert _snapshot() == before


# --- List: grouping and counts -------------------------------------------------------------


def test_dukun_list_is_grouped_by_kelurahan_with_counts(client, cast, banyak):
    response = _get(client, cast.bikor_a, reverse("dukun:list"))
    rows = {r["kelurahan__nama"]: (r["jumlah"], r["aktif"], r["bisa_baca_tulis"], r["dikenal_bidan"])
            for r in response.context["per_kelurahan"]}
    assert rows == {
        # Siti Rohmah, Juriah: both active, Juriah reads, both known to a bidan.
        "Penyengat Rendah": (2, 2, 1, 2),
        # Halimah (active, unknown), Rukiah (moved, known), Saodah (deceased, reads, unknown).
        "Teluk Kenali": (3, 1, 1, 1),
    }
    assert response.context["total"] == {"jumlah": 5, "aktif": 3, "bisa_baca_tulis": 2, "dikenal_bidan": 3}
    # The rows are ordered by kelurahan and each kelurahan opens with a header row.
    assert _names(response) == ["Juriah", "Siti Rohmah", "Halimah", "Rukiah", "Saodah"]
    content = response.content.decode()
    table = content[content.index('id="daftar-dukun"'):]
    assert table.count('class="kelurahan-header"') == 2
    assert table.index("Penyengat Rendah") < table.index("Juriah") < table.index("Teluk Kenali") < table.index("Saodah")


def test_dukun_list_shows_which_bidan_know_each_dukun(client, cast, banyak):
    content = _get(client, cast.bikor_a, reverse("dukun:list")).content.decode()
    assert "Fitri Handayani, Sri Mulyani" in content  # Juriah's bidan, by name
    assert "belum" in content  # Halimah and Saodah are known to no bidan


def test_dukun_list_shows_no_match_message_when_empty(client, cast):
    response = _get(client, cast.bikor_a, reverse("dukun:list"))
    assert response.context["per_kelurahan"] == []
    assert "Tidak ada dukun yang cocok." in response.content.decode()


# --- List: filters -------------------------------------------------------------------------


def test_filter_by_kelurahan(client, cast, banyak):
    response = _get(client, cast.bikor_a, reverse("dukun:list"), {"kelurahan": cast.w.a2.pk})
    assert _names(response) == ["Halimah", "Rukiah", "Saodah"]
    assert [r["kelurahan__nama"] for r in response.context["per_kelurahan"]] == ["Teluk Kenali"]


def test_filter_by_status(client, cast, banyak):
    response = _get(client, cast.bikor_a, reverse("dukun:list"), {"status": StatusDukun.MENINGGAL})
    assert _names(response) == ["Saodah"]
    response = _get(client, cast.bikor_a, reverse("dukun:list"), {"status": StatusDukun.AKTIF})
    assert _names(response) == ["Juriah", "Siti Rohmah", "Halimah"]


@pytest.mark.parametrize("value,expected", [
    ("true", ["Juriah", "Saodah"]),
    ("false", ["Siti Rohmah", "Halimah", "Rukiah"]),
])
def test_filter_by_bisa_baca_tulis(client, cast, banyak, value, expected):
    response = _get(client, cast.bikor_a, reverse("dukun:list"), {"bisa_baca_tulis": value})
    assert _names(response) == expected


@pytest.mark.parametrize("value,expected", [
    ("true", ["Juriah", "Siti Rohmah", "Rukiah"]),
    ("false", ["Halimah", "Saodah"]),
])
def test_filter_by_dikenal_bidan(client, cast, banyak, value, expected):
    response = _get(client, cast.bikor_a, reverse("dukun:list"), {"dikenal": value})
    assert _names(response) == expected
    assert response.context["total"]["jumlah"] == len(expected)


@pytest.mark.parametrize("q,expected", [
    ("siti", ["Siti Rohmah"]),
    ("IJAH", ["Juriah"]),  # by nickname, any case
    ("iah", ["Juriah", "Rukiah"]),
    ("asiah", []),  # of Puskesmas B: never found by bikor_a
])
def test_search_by_name_or_nickname_within_scope(client, cast, banyak, q, expected):
    response = _get(client, cast.bikor_a, reverse("dukun:list"), {"q": q})
    assert _names(response) == expected


def test_filters_combine(client, cast, banyak):
    response = _get(client, cast.bikor_a, reverse("dukun:list"),
                    {"kelurahan": cast.w.a2.pk, "bisa_baca_tulis": "true", "status": StatusDukun.MENINGGAL})
    assert _names(response) == ["Saodah"]


def test_filter_by_puskesmas(client, cast, dukun_set):
    response = _get(client, cast.admin, reverse("dukun:list"), {"puskesmas": cast.w.puskesmas_b.pk})
    assert _names(response) == ["Asiah"]
    assert response.context["puskesmas_unduh"] == cast.w.puskesmas_b


def test_filter_by_puskesmas_out_of_scope_never_shows_its_dukun(client, cast, dukun_set):
    response = _get(client, cast.bikor_a, reverse("dukun:list"), {"puskesmas": cast.w.puskesmas_b.pk})
    assert response.status_code == 200
    assert "Asiah" not in _names(response)
    assert "Asiah" not in response.content.decode()
    assert response.context["puskesmas_unduh"] != cast.w.puskesmas_b


def test_filter_by_kelurahan_out_of_scope_never_shows_its_dukun(client, cast, dukun_set):
    response = _get(client, cast.bidan_a, reverse("dukun:list"), {"kelurahan": cast.w.a2.pk})
    assert "Halimah" not in _names(response)
    assert "Halimah" not in response.content.decode()


def test_kelurahan_filter_offers_only_kelurahan_in_scope(client, cast):
    response = _get(client, cast.dinkes_a, reverse("dukun:list"))
    choices = set(response.context["filter"].filters["kelurahan"].queryset)
    # Not "Pasir Putih": in no wilayah kerja, so it can hold no dukun.
    assert choices == {cast.w.a1, cast.w.a2, cast.w.b1}


# --- List: pagination and downloads ---------------------------------------------------------


def test_dukun_list_paginates_and_keeps_filters_in_page_links(client, cast):
    DukunFactory.create_batch(30, kelurahan=cast.w.a1)
    DukunFactory.create_batch(3, kelurahan=cast.w.a1, status=StatusDukun.PINDAH, status_sejak=datetime.date(2024, 1, 1))
    client.force_login(cast.bikor_a)
    page1 = client.get(reverse("dukun:list"), {"status": "aktif"})
    assert len(page1.context["page_obj"]) == 25
    assert page1.context["total"]["jumlah"] == 30  # the counts cover every page, not only the one shown
    assert 'href="?status=aktif&page=2"' in page1.content.decode()
    page2 = client.get(reverse("dukun:list"), {"status": "aktif", "page": 2})
    assert len(page2.context["page_obj"]) == 5
    assert "Halaman 2 dari 2" in page2.content.decode()
    assert not {d.pk for d in page1.context["page_obj"]} & {d.pk for d in page2.context["page_obj"]}
    assert all(d.status == StatusDukun.AKTIF for d in page2.context["page_obj"])


def test_dukun_list_with_page_out_of_range_shows_last_page(client, cast):
    DukunFactory.create_batch(26, kelurahan=cast.w.a1)
    response = _get(client, cast.bikor_a, reverse("dukun:list"), {"page": 99})
    assert response.status_code == 200
    assert response.context["page_obj"].number == 2


def test_download_buttons_point_to_the_only_puskesmas_in_scope(client, cast, dukun_set):
    response = _get(client, cast.bidan_a, reverse("dukun:list"))
    assert response.context["puskesmas_unduh"] == cast.w.puskesmas_a
    assert f"?puskesmas={cast.w.puskesmas_a.pk}" in response.content.decode()


def test_download_buttons_carry_puskesmas_id_without_thousand_separator(client, cast, dukun_set):
    # USE_THOUSAND_SEPARATOR is on: a plain {{ pk }} would render 12345 as "12.345" in Indonesian.
    from puskesmas.models import Role
    from puskesmas.tests.factories import KelurahanFactory, PuskesmasFactory, UserFactory

    besar = PuskesmasFactory(id=12345, kode="PBESAR", nama="Kenali Besar", kabupaten=cast.w.kota)
    KelurahanFactory(kode="15.71.02.1099", nama="Kenali Besar", kecamatan=cast.w.b1.kecamatan, puskesmas=besar)
    bikor = UserFactory(username="bikor_besar", role=Role.BIDAN_KOORDINATOR, puskesmas=besar)
    content = _get(client, bikor, reverse("dukun:list")).content.decode()
    assert f'{reverse("laporan:daftar_dukun_xlsx")}?puskesmas=12345"' in content
    assert 'name="puskesmas" value="12345"' in content
    assert client.get(reverse("laporan:daftar_dukun_xlsx"), {"puskesmas": "12345"}).status_code == 200


def test_no_download_buttons_when_several_puskesmas_and_none_chosen(client, cast, dukun_set):
    response = _get(client, cast.dinkes_a, reverse("dukun:list"))
    assert response.context["puskesmas_unduh"] is None
    assert reverse("laporan:daftar_dukun_pdf") not in response.content.decode()


# --- List: query count ---------------------------------------------------------------------


@pytest.mark.parametrize("query", ["", "?status=aktif&dikenal=true", f"?q=uji&puskesmas={'{A}'}"])
def test_dukun_list_query_count_does_not_grow_with_number_of_dukun(client, cast, django_assert_num_queries, query):
    w = cast.w
    url = reverse("dukun:list") + query.replace("{A}", str(w.puskesmas_a.pk))
    DukunFactory.create_batch(10, kelurahan=w.a1, dikenal_oleh=[cast.profil_bidan_a])
    client.force_login(cast.bikor_a)
    client.get(url)  # warm up
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["page_obj"]) == 10
    queries_for_10 = len(ctx.captured_queries)

    DukunFactory.create_batch(95, kelurahan=w.a1, dikenal_oleh=[cast.profil_bidan_a, cast.profil_bidan_a2])
    DukunFactory.create_batch(95, kelurahan=w.a2, dikenal_oleh=[cast.profil_bidan_a2])
    with django_assert_num_queries(queries_for_10):
        response = client.get(url)
    assert len(response.context["page_obj"]) == 25
    assert response.context["total"]["jumlah"] == 200


# --- Detail --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_dukun_detail_is_shown_in_scope_and_404_outside(client, cast, dukun_set, role):
    client.force_login(getattr(cast, role))
    for nama, attr in DUKUN_ATTR.items():
        response = client.get(reverse("dukun:detail", args=[getattr(dukun_set, attr).pk]))
        if nama in VISIBLE[role]:
            assert response.status_code == 200, nama
            assert nama in response.content.decode()
        else:
            assert response.status_code == 404, nama
            assert "Halaman tidak ditemukan" in response.content.decode()
            assert nama not in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_dukun_detail_offers_edit_only_where_role_may_write(client, cast, dukun_set, role):
    client.force_login(getattr(cast, role))
    for nama in VISIBLE[role]:
        d = getattr(dukun_set, DUKUN_ATTR[nama])
        response = client.get(reverse("dukun:detail", args=[d.pk]))
        expected = nama in WRITABLE.get(role, set())
        assert response.context["can_edit"] is expected, nama
        assert (reverse("dukun:update", args=[d.pk]) in response.content.decode()) is expected, nama


def test_guessing_nonexistent_dukun_id_gets_404(client, cast, dukun_set):
    client.force_login(cast.admin)
    assert client.get(reverse("dukun:detail", args=[987654])).status_code == 404
    assert client.get(reverse("dukun:update", args=[987654])).status_code == 404
    assert client.post(reverse("dukun:update", args=[987654]), _new_data(cast)).status_code == 404


def test_dukun_detail_names_the_bidan_who_know_her(client, cast, dukun_set):
    content = _get(client, cast.bikor_a, reverse("dukun:detail", args=[dukun_set.a1.pk])).content.decode()
    assert "Sri Mulyani" in content
    content = _get(client, cast.bikor_a, reverse("dukun:detail", args=[dukun_set.a2.pk])).content.decode()
    assert "Belum ada bidan yang mengenalnya." in content


def test_dukun_detail_redirects_anonymous_to_login(client, dukun_set):
    response = client.get(reverse("dukun:detail", args=[dukun_set.a1.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith("/masuk/")


# --- Create --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "bikor_a", "bikor_b", "bidan_a", "bidan_b"])
def test_create_form_is_open_to_roles_that_write_dukun(client, cast, role):
    response = _get(client, getattr(cast, role), reverse("dukun:create"))
    assert response.status_code == 200
    assert "Tambah dukun" in response.content.decode()


@pytest.mark.parametrize("role", READ_ONLY)
def test_create_is_forbidden_to_kepala_puskesmas_and_dinkes(client, cast, dukun_set, role):
    client.force_login(getattr(cast, role))
    response = client.get(reverse("dukun:create"))
    assert response.status_code == 403
    assert "Akses ditolak" in response.content.decode()
    before = _snapshot()
    assert client.post(reverse("dukun:create"), _new_data(cast)).status_code == 403
    assert _snapshot() == before


def test_create_redirects_anonymous_to_login_and_writes_nothing(client, cast, dukun_set):
    before = _snapshot()
    response = client.post(reverse("dukun:create"), _new_data(cast))
    assert response.status_code == 302
    assert response["Location"].startswith("/masuk/")
    assert _snapshot() == before


def test_create_form_of_bidan_offers_only_her_kelurahan_and_bidan_of_her_puskesmas(client, cast):
    form = _get(client, cast.bidan_a, reverse("dukun:create")).context["form"]
    assert list(form.fields["kelurahan"].queryset) == [cast.w.a1]
    assert set(form.fields["dikenal_oleh"].queryset) == {cast.profil_bidan_a, cast.profil_bidan_a2}


def test_bidan_creates_dukun_in_her_kelurahan(client, cast, dukun_set):
    client.force_login(cast.bidan_a)
    response = client.post(reverse("dukun:create"), _new_data(cast), follow=True)
    baru = Dukun.objects.get(nama="Nurhayati")
    assert response.redirect_chain == [(reverse("dukun:detail", args=[baru.pk]), 302)]
    assert "Dukun Nurhayati ditambahkan ke registri." in response.content.decode()
    assert baru.kelurahan == cast.w.a1
    assert baru.dicatat_oleh == cast.bidan_a
    assert list(baru.dikenal_oleh.all()) == [cast.profil_bidan_a]
    assert (baru.latitude, baru.longitude) == (Decimal("-1.590000"), Decimal("103.610000"))


@pytest.mark.parametrize("kelurahan", ["a2", "b1", "c1", "bebas"])
def test_forged_create_by_bidan_in_kelurahan_she_does_not_serve_is_rejected(client, cast, dukun_set, kelurahan):
    before = _snapshot()
    response = _post(client, cast.bidan_a, reverse("dukun:create"),
                     _new_data(cast, kelurahan=getattr(cast.w, kelurahan).pk))
    assert response.status_code == 400
    assert INVALID_CHOICE in response.content.decode()
    assert "Periksa kembali isian yang ditandai. Data belum disimpan." in response.content.decode()
    assert "kelurahan" in response.context["form"].errors
    assert _snapshot() == before


def test_forged_create_with_bidan_of_other_puskesmas_is_rejected(client, cast, dukun_set):
    before = _snapshot()
    response = _post(client, cast.bikor_a, reverse("dukun:create"),
                     _new_data(cast, dikenal_oleh=[cast.profil_bidan_b.pk]))
    assert response.status_code == 400
    assert "dikenal_oleh" in response.context["form"].errors
    assert _snapshot() == before


def test_admin_cannot_link_dukun_to_bidan_of_another_puskesmas(client, cast, dukun_set):
    before = _snapshot()
    response = _post(client, cast.admin, reverse("dukun:create"),
                     _new_data(cast, dikenal_oleh=[cast.profil_bidan_a.pk, cast.profil_bidan_b.pk]))
    assert response.status_code == 400
    assert "Bidan berikut bukan dari Puskesmas kelurahan ini: Ratna Juwita." in response.content.decode()
    assert _snapshot() == before


@pytest.mark.parametrize("overrides,message", [
    ({"longitude": ""}, "Isi lintang dan bujur bersama-sama, atau kosongkan keduanya."),
    ({"status": StatusDukun.MENINGGAL}, "Isi tanggal sejak kapan status ini berlaku."),
    ({"tahun_lahir": str(datetime.date.today().year - 5)},
     "Tahun lahir tidak masuk akal: dukun berumur sedikitnya 15 tahun."),
    ({"rt": "12a"}, "RT/RW berupa angka 1–3 digit, contoh 004."),
    ({"nama": ""}, "Bidang ini tidak boleh kosong."),
])
def test_invalid_create_is_refused_with_indonesian_message(client, cast, dukun_set, overrides, message):
    before = _snapshot()
    response = _post(client, cast.bidan_a, reverse("dukun:create"), _new_data(cast, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _snapshot() == before


# --- Update --------------------------------------------------------------------------------


UPDATE_STATUS_ON_A1 = {"admin": 200, "dinkes_a": 403, "dinkes_c": 404, "kapus_a": 403, "bikor_a": 200,
                      "bikor_b": 404, "bidan_a": 200, "bidan_b": 404}


@pytest.mark.parametrize("role", ROLES)
def test_update_form_answer_per_role(client, cast, dukun_set, role):
    response = _get(client, getattr(cast, role), reverse("dukun:update", args=[dukun_set.a1.pk]))
    assert response.status_code == UPDATE_STATUS_ON_A1[role]


@pytest.mark.parametrize("attr", ["a1", "a2"])
def test_bikor_may_edit_any_dukun_of_her_puskesmas(client, cast, dukun_set, attr):
    d = getattr(dukun_set, attr)
    client.force_login(cast.bikor_a)
    assert client.get(reverse("dukun:update", args=[d.pk])).status_code == 200
    response = client.post(reverse("dukun:update", args=[d.pk]), _edit_data(d, telepon="0813-0000-1111"), follow=True)
    assert response.redirect_chain == [(reverse("dukun:detail", args=[d.pk]), 302)]
    assert f"Perubahan data {d.nama} disimpan." in response.content.decode()
    d.refresh_from_db()
    assert d.telepon == "0813-0000-1111"


def test_bidan_may_edit_dukun_of_her_kelurahan_but_not_of_the_other_kelurahan(client, cast, dukun_set):
    client.force_login(cast.bidan_a)
    response = client.post(reverse("dukun:update", args=[dukun_set.a1.pk]),
                           _edit_data(dukun_set.a1, nama_panggilan="Mak Siti"))
    assert response.status_code == 302
    dukun_set.a1.refresh_from_db()
    assert dukun_set.a1.nama_panggilan == "Mak Siti"
    before = _snapshot()
    assert client.get(reverse("dukun:update", args=[dukun_set.a2.pk])).status_code == 404
    assert client.post(reverse("dukun:update", args=[dukun_set.a2.pk]),
                       _edit_data(dukun_set.a2, nama="Diubah")).status_code == 404
    assert _snapshot() == before


@pytest.mark.parametrize("role", ["kapus_a", "dinkes_a"])
def test_update_is_forbidden_to_kepala_puskesmas_and_dinkes(client, cast, dukun_set, role):
    d = dukun_set.a1
    client.force_login(getattr(cast, role))
    response = client.get(reverse("dukun:update", args=[d.pk]))
    assert response.status_code == 403
    assert "Akses ditolak" in response.content.decode()
    before = _snapshot()
    assert client.post(reverse("dukun:update", args=[d.pk]), _edit_data(d, nama="Diubah")).status_code == 403
    assert _snapshot() == before


def test_bidan_of_other_puskesmas_gets_404_on_dukun_of_a(client, cast, dukun_set):
    client.force_login(cast.bidan_b)
    before = _snapshot()
    for d in (dukun_set.a1, dukun_set.a2):
        assert client.get(reverse("dukun:detail", args=[d.pk])).status_code == 404
        assert client.get(reverse("dukun:update", args=[d.pk])).status_code == 404
        assert client.post(reverse("dukun:update", args=[d.pk]), _edit_data(d, nama="Diubah")).status_code == 404
    assert _snapshot() == before


def test_update_redirects_anonymous_to_login(client, cast, dukun_set):
    before = _snapshot()
    response = client.post(reverse("dukun:update", args=[dukun_set.a1.pk]), _edit_data(dukun_set.a1, nama="X"))
    assert response.status_code == 302
    assert response["Location"].startswith("/masuk/")
    assert _snapshot() == before


@pytest.mark.parametrize("role,kelurahan", [("bidan_a", "a2"), ("bidan_a", "b1"), ("bikor_a", "b1")])
def test_forged_update_moving_dukun_out_of_write_scope_is_rejected(client, cast, dukun_set, role, kelurahan):
    d = dukun_set.a1
    before = _snapshot()
    response = _post(client, getattr(cast, role), reverse("dukun:update", args=[d.pk]),
                     _edit_data(d, kelurahan=getattr(cast.w, kelurahan).pk))
    assert response.status_code == 400
    assert "kelurahan" in response.context["form"].errors
    assert _snapshot() == before


def test_changing_status_without_changing_its_date_is_refused(client, cast, dukun_set):
    d = DukunFactory(nama="Zubaidah", kelurahan=cast.w.a1, status=StatusDukun.TIDAK_MENOLONG,
                     status_sejak=datetime.date(2022, 5, 1))
    before = _snapshot()
    response = _post(client, cast.bikor_a, reverse("dukun:update", args=[d.pk]),
                     _edit_data(d, status=StatusDukun.MENINGGAL))
    assert response.status_code == 400
    assert "Status berubah: isi tanggal perubahan status." in response.content.decode()
    assert _snapshot() == before
    d.refresh_from_db()
    assert d.status == StatusDukun.TIDAK_MENOLONG


def test_changing_status_of_active_dukun_without_date_is_refused(client, cast, dukun_set):
    d = dukun_set.a1
    before = _snapshot()
    response = _post(client, cast.bidan_a, reverse("dukun:update", args=[d.pk]),
                     _edit_data(d, status=StatusDukun.PINDAH))
    assert response.status_code == 400
    assert "Status berubah: isi tanggal perubahan status." in response.content.decode()
    assert _snapshot() == before


def test_changing_status_with_its_date_is_saved(client, cast, dukun_set):
    d = dukun_set.a1
    response = _post(client, cast.bidan_a, reverse("dukun:update", args=[d.pk]),
                     _edit_data(d, status=StatusDukun.PINDAH, status_sejak="2025-01-15"))
    assert response.status_code == 302
    d.refresh_from_db()
    assert (d.status, d.status_sejak) == (StatusDukun.PINDAH, datetime.date(2025, 1, 15))


def test_history_on_detail_shows_edit_and_who_made_it(client, cast, dukun_set):
    d = dukun_set.a2
    client.force_login(cast.bikor_a)
    response = client.post(reverse("dukun:update", args=[d.pk]),
                           _edit_data(d, nama_panggilan="Mak Limah", dikenal_oleh=[cast.profil_bidan_a2.pk]))
    assert response.status_code == 302

    response = client.get(reverse("dukun:detail", args=[d.pk]))
    content = response.content.decode()
    assert "Riwayat perubahan" in content
    riwayat = response.context["riwayat"]
    assert riwayat[0].oleh == "bikor_a"
    assert riwayat[0].jenis == "Diubah"
    # The fields and the bidan links are saved one after the other: one or two entries, both hers.
    edits = [e for e in riwayat if e.jenis == "Diubah"]
    assert {e.oleh for e in edits} == {"bikor_a"}
    changes = {p.label: (p.lama, p.baru) for e in edits for p in e.perubahan}
    assert changes["nama panggilan"] == ("–", "Mak Limah")
    assert changes["dikenal oleh bidan"] == ("–", "Fitri Handayani")
    # The creation by the factory (no request, so no user) stays below.
    assert riwayat[-1].jenis == "Dibuat"
    assert riwayat[-1].oleh == "sistem"
    assert "bikor_a" in content and "Mak Limah" in content


# --- Map -----------------------------------------------------------------------------------


@pytest.fixture
def titik(cast, dukun_set):
    for d, lat, lng in ((dukun_set.a1, "-1.585000", "103.600000"), (dukun_set.b1, "-1.620000", "103.620000"),
                        (dukun_set.c1, "-1.500000", "103.450000")):
        d.latitude, d.longitude = Decimal(lat), Decimal(lng)
        d.save()
    return dukun_set


@pytest.mark.parametrize("role,expected", [
    ("admin", {"Siti Rohmah", "Asiah", "Maimunah"}),
    ("dinkes_a", {"Siti Rohmah", "Asiah"}),
    ("dinkes_c", {"Maimunah"}),
    ("kapus_a", {"Siti Rohmah"}),
    ("bikor_a", {"Siti Rohmah"}),
    ("bikor_b", {"Asiah"}),
    ("bidan_a", {"Siti Rohmah"}),
    ("bidan_b", {"Asiah"}),
])
def test_map_shows_only_dukun_in_scope_with_gps(client, cast, titik, role, expected):
    response = _get(client, getattr(cast, role), reverse("dukun:peta"))
    assert response.status_code == 200
    points = response.context["points"]
    assert {p["nama"] for p in points} == expected
    content = response.content.decode()
    for nama in {"Siti Rohmah", "Asiah", "Maimunah"} - expected:
        assert nama not in content
    # Halimah has no GPS point: never on the map.
    assert "Halimah" not in content


def test_map_gives_coordinates_as_numbers(client, cast, titik):
    points = _get(client, cast.bidan_a, reverse("dukun:peta")).context["points"]
    assert points == [{"id": titik.a1.pk, "nama": "Siti Rohmah", "kelurahan": "Penyengat Rendah",
                       "status": "aktif", "lat": -1.585, "lng": 103.6}]


def test_map_without_points_says_so(client, cast, dukun_set):
    content = _get(client, cast.bikor_a, reverse("dukun:peta")).content.decode()
    assert "Belum ada dukun dengan titik GPS." in content


def test_map_redirects_anonymous_to_login(client, dukun_set):
    response = client.get(reverse("dukun:peta"))
    assert response.status_code == 302
    assert response["Location"].startswith("/masuk/")


def test_dukun_detail_lists_her_partner_bidan(client, cast, dukun_set):
    from kemitraan.tests.factories import KemitraanFactory

    KemitraanFactory(bidan=cast.profil_bidan_a, dukun=dukun_set.a1)
    client.force_login(cast.bikor_a)
    response = client.get(reverse("dukun:detail", args=[dukun_set.a1.pk]))
    assert [k.bidan for k in response.context["kemitraan_list"]] == [cast.profil_bidan_a]
    assert "Bidan mitra" in response.content.decode()
    other = client.get(reverse("dukun:detail", args=[dukun_set.a2.pk]))
    assert "Belum bermitra dengan bidan mana pun." in other.content.decode()
