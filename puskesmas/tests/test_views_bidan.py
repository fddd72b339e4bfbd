"""Bidan list, detail, create and update through the test client, for every role of the cast."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from puskesmas.models import Bidan
from puskesmas.tests.factories import BidanFactory

ROLES = ["admin", "dinkes_a", "dinkes_c", "kapus_a", "bikor_a", "bikor_b", "bidan_a", "bidan_b"]
WRITERS = ["admin", "bikor_a", "bikor_b"]
NON_WRITERS = ["dinkes_a", "dinkes_c", "kapus_a", "bidan_a", "bidan_b"]
INVALID_CHOICE = "Masukkan pilihan yang valid."


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


def _post(client, user, url, data):
    client.force_login(user)
    return client.post(url, data)


def _snapshot():
    """Every bidan row, her kelurahan and her history: what a refused POST must leave untouched."""
    return (
        sorted(
            (b.pk, b.nama, b.nomor_str, b.telepon, b.fasilitas_id, b.puskesmas_id, b.kelurahan_domisili_id, b.aktif,
             tuple(sorted(k.pk for k in b.kelurahan_layanan.all())))
            for b in Bidan.objects.prefetch_related("kelurahan_layanan")
        ),
        Bidan.history.count(),
    )


def _new_bidan_data(cast, **overrides):
    data = {
        "nama": "Dewi Sartika", "nomor_str": "", "telepon": "0812-1111-2222", "fasilitas": cast.induk_a.pk,
        "kelurahan_layanan": [cast.w.a1.pk], "kelurahan_domisili": cast.w.a1.pk, "alamat_domisili": "",
        "aktif": "on",
    }
    data.update(overrides)
    return data


def _edit_data(bidan: Bidan, **overrides):
    """The form as the browser sends it back for an existing bidan, with some fields changed."""
    data = {
        "nama": bidan.nama, "nomor_str": bidan.nomor_str, "telepon": bidan.telepon, "fasilitas": bidan.fasilitas_id,
        "kelurahan_layanan": [k.pk for k in bidan.kelurahan_layanan.all()],
        "kelurahan_domisili": bidan.kelurahan_domisili_id or "", "alamat_domisili": bidan.alamat_domisili,
    }
    if bidan.pemilik_pmb:
        data["pemilik_pmb"] = "on"
    if bidan.aktif:
        data["aktif"] = "on"
    data.update(overrides)
    return data


# --- List ----------------------------------------------------------------------------------

VISIBLE = {
    "admin": {"Sri Mulyani", "Fitri Handayani", "Ratna Juwita", "Intan Permatasari"},
    "dinkes_a": {"Sri Mulyani", "Fitri Handayani", "Ratna Juwita"},
    "dinkes_c": {"Intan Permatasari"},
    "kapus_a": {"Sri Mulyani", "Fitri Handayani"},
    "bikor_a": {"Sri Mulyani", "Fitri Handayani"},
    "bikor_b": {"Ratna Juwita"},
    "bidan_a": {"Sri Mulyani"},
    "bidan_b": {"Ratna Juwita"},
}
ALL_NAMES = VISIBLE["admin"]


@pytest.mark.parametrize("role", ROLES)
def test_bidan_list_shows_only_bidan_in_scope(client, cast, role):
    response = _get(client, getattr(cast, role), reverse("puskesmas:bidan_list"))
    assert response.status_code == 200
    assert {b.nama for b in response.context["page_obj"]} == VISIBLE[role]
    content = response.content.decode()
    for nama in ALL_NAMES - VISIBLE[role]:
        assert nama not in content


@pytest.mark.parametrize("role", ROLES)
def test_bidan_list_offers_create_only_to_registry_writers(client, cast, role):
    content = _get(client, getattr(cast, role), reverse("puskesmas:bidan_list")).content.decode()
    assert ("Tambah bidan" in content) == (role in WRITERS)


def test_bidan_list_redirects_anonymous_to_login(client, cast):
    response = client.get(reverse("puskesmas:bidan_list"))
    assert response.status_code == 302
    assert response["Location"].startswith("/masuk/")


def test_bidan_list_hides_inactive_bidan_unless_all_are_asked_for(client, cast):
    cast.profil_bidan_a2.aktif = False
    cast.profil_bidan_a2.save()
    client.force_login(cast.bikor_a)
    response = client.get(reverse("puskesmas:bidan_list"))
    assert {b.nama for b in response.context["page_obj"]} == {"Sri Mulyani"}
    response = client.get(reverse("puskesmas:bidan_list"), {"aktif": "semua"})
    assert {b.nama for b in response.context["page_obj"]} == {"Sri Mulyani", "Fitri Handayani"}
    assert "nonaktif" in response.content.decode()


def test_bidan_list_search_matches_part_of_name_within_scope(client, cast):
    client.force_login(cast.dinkes_a)
    response = client.get(reverse("puskesmas:bidan_list"), {"q": "ratna"})
    assert [b.nama for b in response.context["page_obj"]] == ["Ratna Juwita"]
    # The search never reaches beyond the scope: Intan is of Muaro Jambi.
    response = client.get(reverse("puskesmas:bidan_list"), {"q": "intan"})
    assert list(response.context["page_obj"]) == []
    assert "Belum ada bidan." in response.content.decode()


def test_bidan_list_shows_whether_she_lives_in_her_service_area(client, cast):
    response = _get(client, cast.bikor_a, reverse("puskesmas:bidan_list"))
    tinggal = {b.nama: b.tinggal_di_wilayah for b in response.context["page_obj"]}
    # Sri lives in A1, which she serves; Fitri serves A2 but lives in B1.
    assert tinggal == {"Sri Mulyani": True, "Fitri Handayani": False}


def test_bidan_list_query_count_does_not_grow_with_number_of_bidan(client, cast, django_assert_num_queries):
    w = cast.w
    BidanFactory.create_batch(10, fasilitas=cast.induk_a, kelurahan_layanan=[w.a1, w.a2], kelurahan_domisili=w.a1)
    client.force_login(cast.bikor_a)
    url = reverse("puskesmas:bidan_list")
    client.get(url)  # warm up: session, content types
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert len(response.context["page_obj"]) == 12
    queries_for_10 = len(ctx.captured_queries)

    BidanFactory.create_batch(190, fasilitas=cast.pustu_a2, kelurahan_layanan=[w.a2], kelurahan_domisili=w.b1)
    with django_assert_num_queries(queries_for_10):
        response = client.get(url)
    assert len(response.context["page_obj"]) == 25
    assert response.context["page_obj"].paginator.count == 202


# --- Detail --------------------------------------------------------------------------------

BIDAN_ATTR = {"Sri Mulyani": "profil_bidan_a", "Fitri Handayani": "profil_bidan_a2",
              "Ratna Juwita": "profil_bidan_b", "Intan Permatasari": "profil_bidan_c"}


@pytest.mark.parametrize("role", ROLES)
def test_bidan_detail_is_shown_in_scope_and_404_outside(client, cast, role):
    client.force_login(getattr(cast, role))
    for nama, attr in BIDAN_ATTR.items():
        response = client.get(reverse("puskesmas:bidan_detail", args=[getattr(cast, attr).pk]))
        if nama in VISIBLE[role]:
            assert response.status_code == 200, nama
            assert nama in response.content.decode()
        else:
            assert response.status_code == 404, nama
            assert "Halaman tidak ditemukan" in response.content.decode()
            assert nama not in response.content.decode()


def test_bikor_opening_bidan_of_other_puskesmas_gets_404(client, cast):
    response = _get(client, cast.bikor_a, reverse("puskesmas:bidan_detail", args=[cast.profil_bidan_b.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("attr", ["profil_bidan_a", "profil_bidan_a2"])
def test_bidan_of_other_puskesmas_gets_404_on_bidan_of_a(client, cast, attr):
    pk = getattr(cast, attr).pk
    client.force_login(cast.bidan_b)
    assert client.get(reverse("puskesmas:bidan_detail", args=[pk])).status_code == 404
    assert client.get(reverse("puskesmas:bidan_update", args=[pk])).status_code == 404
    before = _snapshot()
    assert client.post(reverse("puskesmas:bidan_update", args=[pk]),
                       _edit_data(getattr(cast, attr), nama="Diubah")).status_code == 404
    assert _snapshot() == before


def test_guessing_nonexistent_bidan_id_gets_404(client, cast):
    client.force_login(cast.admin)
    assert client.get(reverse("puskesmas:bidan_detail", args=[99999])).status_code == 404
    assert client.get(reverse("puskesmas:bidan_update", args=[99999])).status_code == 404
    assert client.post(reverse("puskesmas:bidan_update", args=[99999]), _new_bidan_data(cast)).status_code == 404


def test_bidan_detail_lists_dukun_she_knows_in_scope(client, cast, dukun_set):
    response = _get(client, cast.bikor_a, reverse("puskesmas:bidan_detail", args=[cast.profil_bidan_a.pk]))
    assert list(response.context["dukun_list"]) == [dukun_set.a1]
    assert "Siti Rohmah" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_bidan_detail_offers_edit_only_to_writers_of_her_puskesmas(client, cast, role):
    response = _get(client, getattr(cast, role), reverse("puskesmas:bidan_detail", args=[cast.profil_bidan_a.pk]))
    if response.status_code == 404:
        assert role not in ("admin", "dinkes_a", "kapus_a", "bikor_a", "bidan_a")
        return
    expected = role in ("admin", "bikor_a")
    assert response.context["can_edit"] is expected
    assert (reverse("puskesmas:bidan_update", args=[cast.profil_bidan_a.pk]) in response.content.decode()) is expected


# --- Create --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", WRITERS)
def test_create_form_is_open_to_registry_writers(client, cast, role):
    response = _get(client, getattr(cast, role), reverse("puskesmas:bidan_create"))
    assert response.status_code == 200
    assert "Tambah bidan" in response.content.decode()


@pytest.mark.parametrize("role", NON_WRITERS)
def test_create_form_is_forbidden_to_read_only_roles_and_bidan(client, cast, role):
    response = _get(client, getattr(cast, role), reverse("puskesmas:bidan_create"))
    assert response.status_code == 403
    assert "Akses ditolak" in response.content.decode()


@pytest.mark.parametrize("role", NON_WRITERS)
def test_create_post_is_forbidden_to_read_only_roles_and_bidan_and_writes_nothing(client, cast, role):
    before = _snapshot()
    response = _post(client, getattr(cast, role), reverse("puskesmas:bidan_create"), _new_bidan_data(cast))
    assert response.status_code == 403
    assert _snapshot() == before


def test_create_redirects_anonymous_to_login_and_writes_nothing(client, cast):
    before = _snapshot()
    response = client.post(reverse("puskesmas:bidan_create"), _new_bidan_data(cast))
    assert response.status_code == 302
    assert response["Location"].startswith("/masuk/")
    assert _snapshot() == before


def test_create_form_of_bikor_offers_only_her_puskesmas(client, cast):
    form = _get(client, cast.bikor_a, reverse("puskesmas:bidan_create")).context["form"]
    assert set(form.fields["fasilitas"].queryset) == {cast.induk_a, cast.pustu_a2}  # no hospital, nothing of B
    assert set(form.fields["kelurahan_layanan"].queryset) == {cast.w.a1, cast.w.a2}
    # She may live anywhere in the district of the Puskesmas, not in Muaro Jambi.
    assert set(form.fields["kelurahan_domisili"].queryset) == {cast.w.a1, cast.w.a2, cast.w.b1, cast.w.bebas}


def test_bikor_creates_bidan_of_her_puskesmas(client, cast):
    client.force_login(cast.bikor_a)
    response = client.post(reverse("puskesmas:bidan_create"),
                           _new_bidan_data(cast, fasilitas=cast.pustu_a2.pk, kelurahan_layanan=[cast.w.a2.pk]),
                           follow=True)
    baru = Bidan.objects.get(nama="Dewi Sartika")
    assert response.redirect_chain == [(reverse("puskesmas:bidan_detail", args=[baru.pk]), 302)]
    assert "Data bidan Dewi Sartika disimpan." in response.content.decode()
    assert baru.puskesmas == cast.w.puskesmas_a
    assert baru.fasilitas == cast.pustu_a2
    assert list(baru.kelurahan_layanan.all()) == [cast.w.a2]
    assert baru.history.first().history_user == cast.bikor_a


def test_create_without_kelurahan_layanan_is_refused(client, cast):
    before = _snapshot()
    response = _post(client, cast.bikor_a, reverse("puskesmas:bidan_create"),
                     _new_bidan_data(cast, kelurahan_layanan=[]))
    assert response.status_code == 400
    assert "Bidang ini tidak boleh kosong." in response.content.decode()
    assert "Periksa kembali isian yang ditandai. Data belum disimpan." in response.content.decode()
    assert _snapshot() == before


def test_create_with_malformed_phone_is_refused_in_indonesian(client, cast):
    before = _snapshot()
    response = _post(client, cast.bikor_a, reverse("puskesmas:bidan_create"), _new_bidan_data(cast, telepon="12ab"))
    assert response.status_code == 400
    assert "Nomor telepon harus diawali 0 atau +62, contoh 0812-3456-7890." in response.content.decode()
    assert _snapshot() == before


def test_create_with_nomor_str_of_another_bidan_is_refused_in_indonesian(client, cast):
    cast.profil_bidan_b.nomor_str = "1571/STR/2020-001"
    cast.profil_bidan_b.save()
    before = _snapshot()
    response = _post(client, cast.bikor_a, reverse("puskesmas:bidan_create"),
                     _new_bidan_data(cast, nomor_str="1571/STR/2020-001"))
    assert response.status_code == 400
    content = response.content.decode()
    assert "Nomor STR ini sudah tercatat untuk bidan lain." in content
    assert "puskesmas_bidan_unique_str" not in content  # not the constraint's technical name
    assert _snapshot() == before


def test_update_keeping_her_own_nomor_str_is_accepted(client, cast):
    bidan = cast.profil_bidan_a2
    bidan.nomor_str = "1571/STR/2020-002"
    bidan.save()
    response = _post(client, cast.bikor_a, reverse("puskesmas:bidan_update", args=[bidan.pk]),
                     _edit_data(bidan, telepon="0812-9999-0000"))
    assert response.status_code == 302
    bidan.refresh_from_db()
    assert (bidan.nomor_str, bidan.telepon) == ("1571/STR/2020-002", "0812-9999-0000")


@pytest.mark.parametrize("field,forged", [
    ("kelurahan_layanan", lambda c: [c.w.a1.pk, c.w.b1.pk]),
    ("fasilitas", lambda c: c.induk_b.pk),
    ("kelurahan_domisili", lambda c: c.w.c1.pk),
])
def test_forged_create_by_bikor_with_data_of_other_puskesmas_is_rejected(client, cast, field, forged):
    before = _snapshot()
    response = _post(client, cast.bikor_a, reverse("puskesmas:bidan_create"),
                     _new_bidan_data(cast, **{field: forged(cast)}))
    assert response.status_code == 400
    assert INVALID_CHOICE in response.content.decode()
    assert field in response.context["form"].errors
    assert _snapshot() == before


@pytest.mark.parametrize("field,forged", [
    ("kelurahan_layanan", lambda c: [c.w.b1.pk]),
    ("fasilitas", lambda c: c.induk_b.pk),
])
def test_forged_update_by_bikor_with_data_of_other_puskesmas_is_rejected(client, cast, field, forged):
    bidan = cast.profil_bidan_a2
    before = _snapshot()
    response = _post(client, cast.bikor_a, reverse("puskesmas:bidan_update", args=[bidan.pk]),
                     _edit_data(bidan, **{field: forged(cast)}))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert _snapshot() == before


def test_admin_cannot_give_bidan_kelurahan_outside_her_facility_puskesmas(client, cast):
    before = _snapshot()
    response = _post(client, cast.admin, reverse("puskesmas:bidan_create"),
                     _new_bidan_data(cast, kelurahan_layanan=[cast.w.a1.pk, cast.w.b1.pk]))
    assert response.status_code == 400
    assert "Kelurahan/desa berikut bukan wilayah kerja Puskesmas Aur Duri: Pakuan Baru." in response.content.decode()
    assert _snapshot() == before


def test_bidan_cannot_be_placed_at_a_referral_hospital(client, cast):
    before = _snapshot()
    response = _post(client, cast.admin, reverse("puskesmas:bidan_create"),
                     _new_bidan_data(cast, fasilitas=cast.rs_a.pk))
    assert response.status_code == 400
    assert "fasilitas" in response.context["form"].errors
    assert _snapshot() == before


# --- Update --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "bikor_a"])
def test_update_form_is_open_to_writers_of_her_puskesmas(client, cast, role):
    response = _get(client, getattr(cast, role), reverse("puskesmas:bidan_update", args=[cast.profil_bidan_a.pk]))
    assert response.status_code == 200
    assert "Ubah bidan" in response.content.decode()


@pytest.mark.parametrize("role", ["kapus_a", "dinkes_a", "bidan_a"])
def test_update_is_forbidden_to_roles_that_see_but_may_not_change(client, cast, role):
    bidan = cast.profil_bidan_a
    url = reverse("puskesmas:bidan_update", args=[bidan.pk])
    client.force_login(getattr(cast, role))
    assert client.get(url).status_code == 403
    before = _snapshot()
    response = client.post(url, _edit_data(bidan, nama="Nama Palsu"))
    assert response.status_code == 403
    assert "Akses ditolak" in response.content.decode()
    assert _snapshot() == before


@pytest.mark.parametrize("role", ["bikor_b", "dinkes_c"])
def test_update_of_bidan_out_of_scope_is_404(client, cast, role):
    bidan = cast.profil_bidan_a
    url = reverse("puskesmas:bidan_update", args=[bidan.pk])
    client.force_login(getattr(cast, role))
    assert client.get(url).status_code == 404
    before = _snapshot()
    assert client.post(url, _edit_data(bidan, nama="Nama Palsu")).status_code == 404
    assert _snapshot() == before


def test_bikor_updates_bidan_and_history_shows_who_changed_what(client, cast):
    bidan = cast.profil_bidan_a2
    client.force_login(cast.bikor_a)
    response = client.post(reverse("puskesmas:bidan_update", args=[bidan.pk]),
                           _edit_data(bidan, telepon="0812-3456-7890", kelurahan_domisili=cast.w.a2.pk), follow=True)
    assert response.status_code == 200
    assert "Data bidan Fitri Handayani disimpan." in response.content.decode()
    bidan.refresh_from_db()
    assert bidan.telepon == "0812-3456-7890"
    assert bidan.kelurahan_domisili == cast.w.a2

    response = client.get(reverse("puskesmas:bidan_detail", args=[bidan.pk]))
    content = response.content.decode()
    assert "Riwayat perubahan" in content
    latest = response.context["riwayat"][0]
    assert latest.oleh == "bikor_a"
    assert latest.jenis == "Diubah"
    changes = {p.label: (p.lama, p.baru) for p in latest.perubahan}
    assert changes["telepon"] == ("–", "0812-3456-7890")
    assert changes["kelurahan/desa tempat tinggal"] == ("Pakuan Baru", "Teluk Kenali")
    assert "bikor_a" in content and "Diubah" in content and "0812-3456-7890" in content
    assert "tinggal di wilayah layanannya" in content


def test_admin_moving_bidan_to_other_puskesmas_moves_her_scope(client, cast):
    bidan = cast.profil_bidan_a2
    response = _post(client, cast.admin, reverse("puskesmas:bidan_update", args=[bidan.pk]),
                     _edit_data(bidan, fasilitas=cast.induk_b.pk, kelurahan_layanan=[cast.w.b1.pk]))
    assert response.status_code == 302
    bidan.refresh_from_db()
    assert bidan.puskesmas == cast.w.puskesmas_b
    # Out of bikor_a's sight now, into bikor_b's.
    assert _get(client, cast.bikor_a, reverse("puskesmas:bidan_detail", args=[bidan.pk])).status_code == 404
    assert _get(client, cast.bikor_b, reverse("puskesmas:bidan_detail", args=[bidan.pk])).status_code == 200


def test_bidan_list_filtered_by_puskesmas_shows_only_its_bidan(client, cast):
    client.force_login(cast.dinkes_a)
    response = client.get(reverse("puskesmas:bidan_list"), {"puskesmas": cast.w.puskesmas_b.pk})
    assert response.status_code == 200
    assert [b.nama for b in response.context["page_obj"]] == ["Ratna Juwita"]


def test_bidan_list_filtered_by_puskesmas_out_of_scope_gets_404(client, cast):
    client.force_login(cast.dinkes_a)
    assert client.get(reverse("puskesmas:bidan_list"), {"puskesmas": cast.w.puskesmas_c.pk}).status_code == 404
