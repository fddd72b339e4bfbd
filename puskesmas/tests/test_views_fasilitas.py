"""Facility list, detail, create and update through the test client, for every role of the cast."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from puskesmas.models import Fasilitas, JenisFasilitas
from puskesmas.tests.factories import BidanFactory, FasilitasFactory

ROLES = ["admin", "dinkes_a", "dinkes_c", "kapus_a", "bikor_a", "bikor_b", "bidan_a", "bidan_b"]
WRITERS = ["admin", "bikor_a", "bikor_b"]
NON_WRITERS = ["dinkes_a", "dinkes_c", "kapus_a", "bidan_a", "bidan_b"]
INVALID_CHOICE = "Masukkan pilihan yang valid. Pilihan tersebut bukan salah satu dari pilihan yang tersedia."

FASILITAS_ATTR = {
    "Puskesmas Aur Duri": "induk_a", "Pustu Teluk Kenali": "pustu_a2", "RSUD Raden Mattaher": "rs_a",
    "Puskesmas Pakuan Baru": "induk_b", "Puskesmas Sekernan": "induk_c",
}
VISIBLE = {
    "admin": set(FASILITAS_ATTR),
    "dinkes_a": {"Puskesmas Aur Duri", "Pustu Teluk Kenali", "RSUD Raden Mattaher", "Puskesmas Pakuan Baru"},
    "dinkes_c": {"Puskesmas Sekernan"},
    "kapus_a": {"Puskesmas Aur Duri", "Pustu Teluk Kenali", "RSUD Raden Mattaher"},
    "bikor_a": {"Puskesmas Aur Duri", "Pustu Teluk Kenali", "RSUD Raden Mattaher"},
    "bikor_b": {"Puskesmas Pakuan Baru"},
    # Her own facility and the hospital her Puskesmas refers to; not the pustu of a kelurahan she does not serve.
    "bidan_a": {"Puskesmas Aur Duri", "RSUD Raden Mattaher"},
    "bidan_b": {"Puskesmas Pakuan Baru"},
}


def _get(client, user, url, data=None):
    client.force_login(user)
    return client.get(url, data)


def _post(client, user, url, data):
    client.force_login(user)
    return client.post(url, data)


def _snapshot():
    return (
        sorted(Fasilitas.objects.values_list("pk", "jenis", "nama", "puskesmas_id", "kelurahan_id", "alamat",
                                             "telepon", "aktif")),
        Fasilitas.history.count(),
    )


def _new_data(cast, **overrides):
    data = {"jenis": JenisFasilitas.POSKESDES, "nama": "Poskesdes Penyengat", "puskesmas": cast.w.puskesmas_a.pk,
            "kelurahan": cast.w.a1.pk, "alamat": "Jl. Kapten Pattimura", "telepon": "0741-123456", "aktif": "on"}
    data.update(overrides)
    return data


def _edit_data(f: Fasilitas, **overrides):
    data = {"jenis": f.jenis, "nama": f.nama, "puskesmas": f.puskesmas_id, "kelurahan": f.kelurahan_id or "",
            "alamat": f.alamat, "telepon": f.telepon}
    if f.aktif:
        data["aktif"] = "on"
    data.update(overrides)
    return data


# --- List ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_fasilitas_list_shows_only_fasilitas_in_scope(client, cast, role):
    response = _get(client, getattr(cast, role), reverse("puskesmas:fasilitas_list"))
    assert response.status_code == 200
    assert {f.nama for f in response.context["page_obj"]} == VISIBLE[role]


@pytest.mark.parametrize("role", ROLES)
def test_fasilitas_list_offers_create_only_to_registry_writers(client, cast, role):
    content = _get(client, getattr(cast, role), reverse("puskesmas:fasilitas_list")).content.decode()
    assert ("Tambah fasilitas" in content) == (role in WRITERS)


def test_fasilitas_list_redirects_anonymous_to_login(client, cast):
    response = client.get(reverse("puskesmas:fasilitas_list"))
    assert response.status_code == 302
    assert response["Location"].startswith("/masuk/")


def test_fasilitas_list_counts_only_active_bidan(client, cast):
    BidanFactory(nama="Bidan Pensiun", fasilitas=cast.induk_a, kelurahan_layanan=[cast.w.a1], aktif=False)
    response = _get(client, cast.bikor_a, reverse("puskesmas:fasilitas_list"))
    counts = {f.nama: f.jumlah_bidan for f in response.context["page_obj"]}
    assert counts == {"Puskesmas Aur Duri": 1, "Pustu Teluk Kenali": 1, "RSUD Raden Mattaher": 0}


def test_fasilitas_list_query_count_does_not_grow_with_number_of_fasilitas(client, cast, django_assert_num_queries):
    FasilitasFactory.create_batch(10, puskesmas=cast.w.puskesmas_a, jenis=JenisFasilitas.POSKESDES, kelurahan=cast.w.a2)
    client.force_login(cast.bikor_a)
    url = reverse("puskesmas:fasilitas_list")
    client.get(url)  # warm up
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert len(response.context["page_obj"]) == 13
    queries_for_10 = len(ctx.captured_queries)

    FasilitasFactory.create_batch(190, puskesmas=cast.w.puskesmas_a, jenis=JenisFasilitas.PMB, kelurahan=cast.w.a1)
    with django_assert_num_queries(queries_for_10):
        response = client.get(url)
    assert len(response.context["page_obj"]) == 25
    assert response.context["page_obj"].paginator.count == 203


def test_fasilitas_list_paginates_25_per_page(client, cast):
    FasilitasFactory.create_batch(30, puskesmas=cast.w.puskesmas_b, jenis=JenisFasilitas.PMB)
    client.force_login(cast.bikor_b)
    page1 = client.get(reverse("puskesmas:fasilitas_list"))
    page2 = client.get(reverse("puskesmas:fasilitas_list"), {"page": 2})
    assert len(page1.context["page_obj"]) == 25
    assert len(page2.context["page_obj"]) == 6
    assert "Halaman 2 dari 2" in page2.content.decode()
    assert not {f.pk for f in page1.context["page_obj"]} & {f.pk for f in page2.context["page_obj"]}


# --- Detail --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_fasilitas_detail_is_shown_in_scope_and_404_outside(client, cast, role):
    client.force_login(getattr(cast, role))
    for nama, attr in FASILITAS_ATTR.items():
        response = client.get(reverse("puskesmas:fasilitas_detail", args=[getattr(cast, attr).pk]))
        if nama in VISIBLE[role]:
            assert response.status_code == 200, nama
            assert nama in response.content.decode()
        else:
            assert response.status_code == 404, nama
            assert "Halaman tidak ditemukan" in response.content.decode()


def test_bikor_opening_fasilitas_of_other_puskesmas_gets_404(client, cast):
    client.force_login(cast.bikor_a)
    assert client.get(reverse("puskesmas:fasilitas_detail", args=[cast.induk_b.pk])).status_code == 404
    assert client.get(reverse("puskesmas:fasilitas_update", args=[cast.induk_b.pk])).status_code == 404


@pytest.mark.parametrize("attr", ["induk_a", "pustu_a2", "rs_a"])
def test_bidan_of_other_puskesmas_gets_404_on_fasilitas_of_a(client, cast, attr):
    f = getattr(cast, attr)
    client.force_login(cast.bidan_b)
    assert client.get(reverse("puskesmas:fasilitas_detail", args=[f.pk])).status_code == 404
    assert client.get(reverse("puskesmas:fasilitas_update", args=[f.pk])).status_code == 404
    before = _snapshot()
    assert client.post(reverse("puskesmas:fasilitas_update", args=[f.pk]),
                       _edit_data(f, nama="Diubah")).status_code == 404
    assert _snapshot() == before


def test_guessing_nonexistent_fasilitas_id_gets_404(client, cast):
    client.force_login(cast.admin)
    assert client.get(reverse("puskesmas:fasilitas_detail", args=[99999])).status_code == 404
    assert client.get(reverse("puskesmas:fasilitas_update", args=[99999])).status_code == 404
    assert client.post(reverse("puskesmas:fasilitas_update", args=[99999]), _new_data(cast)).status_code == 404


def test_fasilitas_detail_lists_its_bidan_within_scope(client, cast):
    response = _get(client, cast.kapus_a, reverse("puskesmas:fasilitas_detail", args=[cast.induk_a.pk]))
    assert [b.nama for b in response.context["bidan_list"]] == ["Sri Mulyani"]


# --- Create --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", WRITERS)
def test_create_form_is_open_to_registry_writers(client, cast, role):
    response = _get(client, getattr(cast, role), reverse("puskesmas:fasilitas_create"))
    assert response.status_code == 200


@pytest.mark.parametrize("role", NON_WRITERS)
def test_create_is_forbidden_to_read_only_roles_and_bidan(client, cast, role):
    client.force_login(getattr(cast, role))
    assert client.get(reverse("puskesmas:fasilitas_create")).status_code == 403
    before = _snapshot()
    response = client.post(reverse("puskesmas:fasilitas_create"), _new_data(cast))
    assert response.status_code == 403
    assert "Akses ditolak" in response.content.decode()
    assert _snapshot() == before


def test_create_redirects_anonymous_to_login(client, cast):
    before = _snapshot()
    response = client.post(reverse("puskesmas:fasilitas_create"), _new_data(cast))
    assert response.status_code == 302
    assert response["Location"].startswith("/masuk/")
    assert _snapshot() == before


def test_create_form_of_bikor_preselects_and_offers_only_her_puskesmas(client, cast):
    form = _get(client, cast.bikor_a, reverse("puskesmas:fasilitas_create")).context["form"]
    assert list(form.fields["puskesmas"].queryset) == [cast.w.puskesmas_a]
    assert form.fields["puskesmas"].initial == cast.w.puskesmas_a
    assert cast.w.c1 not in form.fields["kelurahan"].queryset


def test_bikor_creates_fasilitas_of_her_puskesmas(client, cast):
    client.force_login(cast.bikor_a)
    response = client.post(reverse("puskesmas:fasilitas_create"), _new_data(cast), follow=True)
    baru = Fasilitas.objects.get(nama="Poskesdes Penyengat")
    assert response.redirect_chain == [(reverse("puskesmas:fasilitas_detail", args=[baru.pk]), 302)]
    assert "Fasilitas Poskesdes Penyengat disimpan." in response.content.decode()
    assert baru.puskesmas == cast.w.puskesmas_a
    assert baru.kelurahan == cast.w.a1


def test_referral_hospital_may_stand_outside_the_wilayah_kerja(client, cast):
    response = _post(client, cast.bikor_a, reverse("puskesmas:fasilitas_create"),
                     _new_data(cast, jenis=JenisFasilitas.RS, nama="RS Bhayangkara", kelurahan=cast.w.b1.pk))
    assert response.status_code == 302
    assert Fasilitas.objects.get(nama="RS Bhayangkara").kelurahan == cast.w.b1


def test_network_facility_outside_the_wilayah_kerja_is_refused_in_indonesian(client, cast):
    before = _snapshot()
    response = _post(client, cast.bikor_a, reverse("puskesmas:fasilitas_create"),
                     _new_data(cast, kelurahan=cast.w.b1.pk))
    assert response.status_code == 400
    assert "Kelurahan/desa ini tidak termasuk wilayah kerja Puskesmas yang dipilih." in response.content.decode()
    assert _snapshot() == before


@pytest.mark.parametrize("field,forged", [
    ("puskesmas", lambda c: c.w.puskesmas_b.pk),
    ("puskesmas", lambda c: c.w.puskesmas_c.pk),
    ("kelurahan", lambda c: c.w.c1.pk),
])
def test_forged_create_by_bikor_with_data_of_other_puskesmas_is_rejected(client, cast, field, forged):
    before = _snapshot()
    response = _post(client, cast.bikor_a, reverse("puskesmas:fasilitas_create"),
                     _new_data(cast, **{field: forged(cast)}))
    assert response.status_code == 400
    assert INVALID_CHOICE in response.content.decode()
    assert field in response.context["form"].errors
    assert _snapshot() == before


def test_duplicate_fasilitas_name_in_same_puskesmas_is_refused_in_indonesian(client, cast):
    before = _snapshot()
    response = _post(client, cast.bikor_a, reverse("puskesmas:fasilitas_create"),
                     _new_data(cast, jenis=JenisFasilitas.PUSTU, nama="Pustu Teluk Kenali", kelurahan=cast.w.a2.pk))
    assert response.status_code == 400
    content = response.content.decode()
    assert "Puskesmas ini sudah mempunyai fasilitas dengan jenis dan nama yang sama." in content
    # Django's own Indonesian catalog says the opposite ("... tidak ada": does not exist).
    assert "tidak ada." not in content
    assert _snapshot() == before


def test_same_fasilitas_name_in_other_puskesmas_is_allowed(client, cast):
    response = _post(client, cast.bikor_b, reverse("puskesmas:fasilitas_create"),
                     _new_data(cast, jenis=JenisFasilitas.PUSTU, nama="Pustu Teluk Kenali",
                               puskesmas=cast.w.puskesmas_b.pk, kelurahan=cast.w.b1.pk))
    assert response.status_code == 302
    assert Fasilitas.objects.filter(nama="Pustu Teluk Kenali").count() == 2


# --- Update --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["kapus_a", "dinkes_a", "bidan_a"])
def test_update_is_forbidden_to_roles_that_see_but_may_not_change(client, cast, role):
    f = cast.induk_a
    url = reverse("puskesmas:fasilitas_update", args=[f.pk])
    client.force_login(getattr(cast, role))
    assert client.get(url).status_code == 403
    before = _snapshot()
    assert client.post(url, _edit_data(f, nama="Nama Palsu")).status_code == 403
    assert _snapshot() == before


@pytest.mark.parametrize("role", ["bikor_b", "dinkes_c"])
def test_update_of_fasilitas_out_of_scope_is_404(client, cast, role):
    f = cast.induk_a
    url = reverse("puskesmas:fasilitas_update", args=[f.pk])
    client.force_login(getattr(cast, role))
    assert client.get(url).status_code == 404
    before = _snapshot()
    assert client.post(url, _edit_data(f, nama="Nama Palsu")).status_code == 404
    assert _snapshot() == before


@pytest.mark.parametrize("field,forged", [
    ("puskesmas", lambda c: c.w.puskesmas_b.pk),
    ("kelurahan", lambda c: c.w.c1.pk),
])
def test_forged_update_by_bikor_with_data_of_other_puskesmas_is_rejected(client, cast, field, forged):
    f = cast.pustu_a2
    before = _snapshot()
    response = _post(client, cast.bikor_a, reverse("puskesmas:fasilitas_update", args=[f.pk]),
                     _edit_data(f, **{field: forged(cast)}))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert _snapshot() == before


def test_bikor_updates_fasilitas_and_history_shows_who_changed_what(client, cast):
    f = cast.pustu_a2
    client.force_login(cast.bikor_a)
    response = client.post(reverse("puskesmas:fasilitas_update", args=[f.pk]),
                           _edit_data(f, alamat="Jl. Sunan Gunung Jati No. 5"), follow=True)
    assert "Fasilitas Pustu Teluk Kenali disimpan." in response.content.decode()
    f.refresh_from_db()
    assert f.alamat == "Jl. Sunan Gunung Jati No. 5"

    response = client.get(reverse("puskesmas:fasilitas_detail", args=[f.pk]))
    content = response.content.decode()
    assert "Riwayat perubahan" in content
    latest = response.context["riwayat"][0]
    assert (latest.oleh, latest.jenis) == ("bikor_a", "Diubah")
    assert [(p.label, p.lama, p.baru) for p in latest.perubahan] == [("alamat", "–", "Jl. Sunan Gunung Jati No. 5")]
    assert "bikor_a" in content and "Jl. Sunan Gunung Jati No. 5" in content


def test_admin_may_update_fasilitas_of_any_puskesmas(client, cast):
    f = cast.induk_c
    response = _post(client, cast.admin, reverse("puskesmas:fasilitas_update", args=[f.pk]),
                     _edit_data(f, telepon="0741-999999"))
    assert response.status_code == 302
    f.refresh_from_db()
    assert f.telepon == "0741-999999"
