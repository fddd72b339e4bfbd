"""Rewards, written warnings and sanctions: list per Puskesmas, detail, create and edit for every role."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kemitraan.models import Kemitraan, PenghargaanSanksi, StatusKemitraan
from kemitraan.tests.factories import KemitraanFactory, PenghargaanSanksiFactory

ROLES = ["admin", "dinkes_a", "dinkes_c", "kapus_a", "bikor_a", "bikor_b", "bidan_a", "bidan_b"]
WRITERS = ["admin", "bikor_a", "bikor_b"]
INVALID_CHOICE = "Masukkan pilihan yang valid. Pilihan tersebut bukan salah satu dari pilihan yang tersedia."
HARI_INI = timezone.localdate

# Rewards and sanctions belong to a Puskesmas: everyone who reads its programme reads them.
VISIBLE = {
    "admin": {"A", "B", "C"}, "dinkes_a": {"A", "B"}, "dinkes_c": {"C"}, "kapus_a": {"A"}, "bikor_a": {"A"},
    "bikor_b": {"B"}, "bidan_a": {"A"}, "bidan_b": {"B"},
}
WRITABLE = {"admin": {"A", "B", "C"}, "bikor_a": {"A"}, "bikor_b": {"B"}}
BENTUK = {"A": "Teguran tertulis pertama", "B": "Piagam dukun teladan", "C": "Skorsing insentif"}


@pytest.fixture
def ps(cast, dukun_set):
    k = KemitraanFactory(bidan=cast.profil_bidan_a, dukun=dukun_set.a1)
    return {
        "A": PenghargaanSanksiFactory(kemitraan=k, bentuk=BENTUK["A"]),
        "B": PenghargaanSanksiFactory(kemitraan=None, dukun=dukun_set.b1, jenis="penghargaan", bentuk=BENTUK["B"]),
        "C": PenghargaanSanksiFactory(kemitraan=None, bidan=cast.profil_bidan_c, jenis="sanksi", bentuk=BENTUK["C"]),
        "kemitraan": k,
    }


def _snapshot():
    return (
        sorted(
            (p.pk, p.puskesmas_id, p.jenis, p.tanggal, p.dukun_id, p.bidan_id, p.kemitraan_id, p.bentuk, p.alasan)
            for p in PenghargaanSanksi.objects.all()
        ),
        PenghargaanSanksi.history.count(),
        sorted(Kemitraan.objects.values_list("pk", "status")),
    )


def _data(**overrides) -> dict:
    data = {"jenis": "teguran", "tanggal": (HARI_INI() - dt.timedelta(days=1)).isoformat(), "kemitraan": "",
            "bidan": "", "dukun": "", "bentuk": "Teguran tertulis", "alasan": "Menolong persalinan sendiri."}
    data.update(overrides)
    return data


# --- List and detail -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_list_shows_only_records_of_puskesmas_in_scope(client, cast, ps, role):
    client.force_login(getattr(cast, role))
    response = client.get(reverse("kemitraan:penghargaan_list"))
    assert response.status_code == 200
    assert {p.bentuk for p in response.context["page_obj"]} == {BENTUK[x] for x in VISIBLE[role]}
    content = response.content.decode()
    for x in set(BENTUK) - VISIBLE[role]:
        assert BENTUK[x] not in content
    assert ("Catat penghargaan atau sanksi" in content) == (role in WRITERS)


def test_list_groups_by_puskesmas_and_filters_by_kind(client, cast, ps):
    client.force_login(cast.dinkes_a)
    response = client.get(reverse("kemitraan:penghargaan_list"))
    content = response.content.decode()
    table = content[content.index('id="daftar-penghargaan"'):]
    assert table.index("Aur Duri") < table.index(BENTUK["A"]) < table.index("Pakuan Baru") < table.index(BENTUK["B"])
    assert "Kemitraan Sri Mulyani – Siti Rohmah" in table
    response = client.get(reverse("kemitraan:penghargaan_list"), {"jenis": "penghargaan"})
    assert [p.bentuk for p in response.context["page_obj"]] == [BENTUK["B"]]
    response = client.get(reverse("kemitraan:penghargaan_list"), {"puskesmas": cast.w.puskesmas_c.pk})
    assert {p.bentuk for p in response.context["page_obj"]} == {BENTUK["A"], BENTUK["B"]}  # C is out of scope


def test_list_query_count_does_not_grow_with_number_of_records(client, cast, ps, django_assert_num_queries):
    url = reverse("kemitraan:penghargaan_list")
    PenghargaanSanksiFactory.create_batch(8, kemitraan=ps["kemitraan"])
    client.force_login(cast.bikor_a)
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert len(response.context["page_obj"]) == 9
    PenghargaanSanksiFactory.create_batch(60, kemitraan=ps["kemitraan"])
    PenghargaanSanksiFactory.create_batch(60, kemitraan=None, bidan=cast.profil_bidan_a, jenis="penghargaan")
    with django_assert_num_queries(len(ctx.captured_queries)):
        response = client.get(url)
    assert len(response.context["page_obj"]) == 25


@pytest.mark.parametrize("role", ROLES)
def test_detail_is_shown_in_scope_and_404_outside(client, cast, ps, role):
    client.force_login(getattr(cast, role))
    for x in BENTUK:
        response = client.get(reverse("kemitraan:penghargaan_detail", args=[ps[x].pk]))
        if x in VISIBLE[role]:
            assert response.status_code == 200, x
            content = response.content.decode()
            assert BENTUK[x] in content and "Riwayat perubahan" in content
            can_edit = x in WRITABLE.get(role, set())
            assert (reverse("kemitraan:penghargaan_update", args=[ps[x].pk]) in content) == can_edit
        else:
            assert response.status_code == 404, x


def test_detail_links_the_partnership_only_when_its_page_is_open_to_the_user(client, cast, ps, dukun_set):
    k2 = KemitraanFactory(bidan=cast.profil_bidan_a2, dukun=dukun_set.a2)  # kelurahan a2: not bidan_a's
    p2 = PenghargaanSanksiFactory(kemitraan=k2)
    client.force_login(cast.bidan_a)
    link = reverse("kemitraan:detail", args=[ps["kemitraan"].pk])
    assert link in client.get(reverse("kemitraan:penghargaan_detail", args=[ps["A"].pk])).content.decode()
    content = client.get(reverse("kemitraan:penghargaan_detail", args=[p2.pk])).content.decode()
    assert reverse("kemitraan:detail", args=[k2.pk]) not in content


# --- Create ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_create_answer_per_role_and_nothing_written_when_refused(client, cast, ps, role):
    client.force_login(getattr(cast, role))
    assert client.get(reverse("kemitraan:penghargaan_create")).status_code == (200 if role in WRITERS else 403)
    if role not in WRITERS:
        before = _snapshot()
        response = client.post(reverse("kemitraan:penghargaan_create"), _data(kemitraan=ps["kemitraan"].pk))
        assert response.status_code == 403
        assert _snapshot() == before


def test_bikor_records_a_warning_on_a_partnership(client, cast, ps):
    k = ps["kemitraan"]
    client.force_login(cast.bikor_a)
    response = client.post(reverse("kemitraan:penghargaan_create"), _data(kemitraan=k.pk, bentuk="Teguran kedua"))
    assert response.status_code == 302
    assert response["Location"] == reverse("kemitraan:detail", args=[k.pk])
    p = PenghargaanSanksi.objects.get(bentuk="Teguran kedua")
    assert (p.puskesmas, p.kemitraan, p.jenis) == (cast.w.puskesmas_a, k, "teguran")
    content = client.get(response["Location"]).content.decode()
    assert "Teguran kedua" in content
    assert 'id="peringatan-teguran"' not in content  # two warnings so far


def test_third_warning_warns_the_bikor_and_leaves_the_partnership_active(client, cast, ps):
    k = ps["kemitraan"]
    PenghargaanSanksiFactory(kemitraan=k)
    client.force_login(cast.bikor_a)
    response = client.post(reverse("kemitraan:penghargaan_create"), _data(kemitraan=k.pk, bentuk="Teguran ketiga"),
                           follow=True)
    content = response.content.decode()
    assert "Kemitraan ini sudah menerima 3 teguran tertulis." in content
    assert 'id="peringatan-teguran"' in content
    k.refresh_from_db()
    assert k.status == StatusKemitraan.AKTIF


def test_create_form_preselects_the_partnership_from_its_page(client, cast, ps):
    client.force_login(cast.bikor_a)
    url = reverse("kemitraan:penghargaan_create") + f"?kemitraan={ps['kemitraan'].pk}&jenis=teguran"
    form = client.get(url).context["form"]
    assert str(form["kemitraan"].value()) == str(ps["kemitraan"].pk)
    assert form["jenis"].value() == "teguran"


def test_create_form_offers_only_subjects_of_her_puskesmas(client, cast, ps, dukun_set):
    client.force_login(cast.bikor_a)
    form = client.get(reverse("kemitraan:penghargaan_create")).context["form"]
    assert {d.nama for d in form.fields["dukun"].queryset} == {"Siti Rohmah", "Halimah"}
    assert {b.nama for b in form.fields["bidan"].queryset} == {"Sri Mulyani", "Fitri Handayani"}
    assert list(form.fields["kemitraan"].queryset) == [ps["kemitraan"]]


@pytest.mark.parametrize("forged", ["kemitraan", "dukun", "bidan"])
def test_forged_create_with_subject_of_another_puskesmas_is_rejected(client, cast, dukun_set, forged):
    other = KemitraanFactory(bidan=cast.profil_bidan_b, dukun=dukun_set.b1)
    value = {"kemitraan": other.pk, "dukun": dukun_set.b1.pk, "bidan": cast.profil_bidan_b.pk}[forged]
    client.force_login(cast.bikor_a)
    before = _snapshot()
    response = client.post(reverse("kemitraan:penghargaan_create"), _data(**{forged: value}))
    assert response.status_code == 400
    assert INVALID_CHOICE in response.context["form"].errors[forged]
    assert _snapshot() == before


def test_admin_cannot_mix_subjects_of_two_puskesmas(client, cast, ps, dukun_set):
    client.force_login(cast.admin)
    before = _snapshot()
    response = client.post(reverse("kemitraan:penghargaan_create"),
                           _data(kemitraan=ps["kemitraan"].pk, dukun=dukun_set.b1.pk))
    assert response.status_code == 400
    assert response.context["form"].errors["dukun"] == ["Dukun harus dari wilayah kerja Puskesmas ini."]
    assert _snapshot() == before


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({}, "dukun", "Pilih dukun, bidan atau kemitraan yang menerima."),
    ({"bentuk": "", "kemitraan": "K"}, "bentuk", "Bidang ini tidak boleh kosong."),
    ({"alasan": "", "kemitraan": "K"}, "alasan", "Bidang ini tidak boleh kosong."),
    ({"tanggal": "2999-01-01", "kemitraan": "K"}, "tanggal", "Tanggal tidak boleh di masa depan."),
    ({"jenis": "hadiah", "kemitraan": "K"}, "jenis",
     "Masukkan pilihan yang valid. hadiah bukan salah satu dari pilihan yang tersedia."),
])
def test_invalid_create_is_refused_with_indonesian_message(client, cast, ps, overrides, field, message):
    if overrides.get("kemitraan") == "K":
        overrides["kemitraan"] = ps["kemitraan"].pk
    client.force_login(cast.bikor_a)
    before = _snapshot()
    response = client.post(reverse("kemitraan:penghargaan_create"), _data(**overrides))
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert _snapshot() == before


# --- Edit ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_edit_answer_per_role_and_refused_posts_write_nothing(client, cast, ps, role):
    client.force_login(getattr(cast, role))
    for x in BENTUK:
        if x not in VISIBLE[role]:
            expected = 404
        else:
            expected = 200 if x in WRITABLE.get(role, set()) else 403
        url = reverse("kemitraan:penghargaan_update", args=[ps[x].pk])
        assert client.get(url).status_code == expected, x
        if expected != 200:
            before = _snapshot()
            assert client.post(url, _data(bidan=cast.profil_bidan_a.pk, bentuk="Diubah")).status_code == expected
            assert _snapshot() == before


def test_bikor_edits_a_record_and_the_history_shows_it(client, cast, ps):
    p = ps["A"]
    client.force_login(cast.bikor_a)
    response = client.post(reverse("kemitraan:penghargaan_update", args=[p.pk]),
                           _data(kemitraan=p.kemitraan_id, bentuk="Teguran tertulis (diperbaiki)"))
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.bentuk == "Teguran tertulis (diperbaiki)"
    content = client.get(reverse("kemitraan:penghargaan_detail", args=[p.pk])).content.decode()
    riwayat = content[content.index('id="riwayat"'):]
    assert "Teguran tertulis pertama" in riwayat and "Teguran tertulis (diperbaiki)" in riwayat


def test_forged_edit_moving_a_record_to_another_puskesmas_is_rejected(client, cast, ps, dukun_set):
    client.force_login(cast.bikor_a)
    before = _snapshot()
    response = client.post(reverse("kemitraan:penghargaan_update", args=[ps["A"].pk]),
                           _data(dukun=dukun_set.b1.pk))
    assert response.status_code == 400
    assert INVALID_CHOICE in response.context["form"].errors["dukun"]
    assert _snapshot() == before
