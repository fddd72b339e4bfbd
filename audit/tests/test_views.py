"""The audit pages: "who looked at this mother" and the trail of a reviewer's scope."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import Aksi, Jejak
from audit.services import catat
from audit.tests.conftest import NIK_A
from puskesmas.models import Role
from puskesmas.tests.factories import UserFactory


@pytest.fixture
def kapus_b(cast):
    return UserFactory(username="kapus_b", role=Role.KEPALA_PUSKESMAS, puskesmas=cast.w.puskesmas_b)


def _pembaca(kia_a):
    return reverse("audit:ibu_pembaca", args=[kia_a.ibu.pk])


# --- Who looked at this mother ----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["kapus_a", "dinkes_a", "admin"])
def test_reviewers_in_scope_see_who_read_the_mother_her_delivery_and_baby(client, cast, kia_a, role):
    client.force_login(cast.bidan_a)
    client.get(reverse("kia:ibu_detail", args=[kia_a.ibu.pk]))
    client.force_login(cast.bikor_a)
    client.get(reverse("kia:persalinan_detail", args=[kia_a.persalinan.pk]))
    client.get(reverse("kia:bayi_update", args=[kia_a.bayi.pk]))
    client.force_login(cast.bidan_b)
    client.get(reverse("kia:ibu_detail", args=[kia_a.ibu.pk]))  # refused, and listed
    client.force_login(cast.bikor_a)
    client.get(reverse("kia:ibu_detail", args=[kia_a.ibu_b.pk]))  # another mother: not listed

    client.force_login(getattr(cast, role))
    response = client.get(_pembaca(kia_a))
    assert response.status_code == 200
    aksi = sorted((j.pengguna.username, j.aksi) for j in response.context["page_obj"])
    assert aksi == sorted([
        ("bidan_a", Aksi.LIHAT_IBU), ("bikor_a", Aksi.LIHAT_PERSALINAN), ("bikor_a", Aksi.LIHAT_BAYI),
        ("bidan_b", Aksi.AKSES_DITOLAK),
    ])
    ringkasan = {r["pengguna__username"]: r["jumlah"] for r in response.context["ringkasan"]}
    assert ringkasan == {"bidan_a": 1, "bikor_a": 2, "bidan_b": 1}
    assert NIK_A not in response.content.decode()


@pytest.mark.parametrize("role", ["bikor_b", "bidan_b", "dinkes_c", "kapus_b"])
def test_reviewers_and_others_outside_the_scope_get_404(client, cast, kia_a, kapus_b, role):
    client.force_login(kapus_b if role == "kapus_b" else getattr(cast, role))
    assert client.get(_pembaca(kia_a)).status_code == 404


@pytest.mark.parametrize("role", ["bidan_a", "bikor_a"])
def test_roles_in_scope_that_do_not_oversee_get_403(client, cast, kia_a, role):
    client.force_login(getattr(cast, role))
    assert client.get(_pembaca(kia_a)).status_code == 403


def test_anonymous_is_sent_to_login(client, cast, kia_a):
    response = client.get(_pembaca(kia_a))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize(("role", "terlihat"), [
    ("kapus_a", True), ("dinkes_a", True), ("admin", True), ("bikor_a", False), ("bidan_a", False),
])
def test_the_mothers_page_links_to_it_only_for_reviewers(client, cast, kia_a, role, terlihat):
    client.force_login(getattr(cast, role))
    content = client.get(reverse("kia:ibu_detail", args=[kia_a.ibu.pk])).content.decode()
    assert (_pembaca(kia_a) in content) is terlihat


def test_the_page_is_paginated_with_bounded_queries(client, cast, kia_a, django_assert_max_num_queries):
    for _ in range(60):
        catat(aksi=Aksi.LIHAT_IBU, pengguna=cast.bidan_a, objek=kia_a.ibu)
    client.force_login(cast.kapus_a)
    with django_assert_max_num_queries(12):
        response = client.get(_pembaca(kia_a))
    assert len(response.context["page_obj"]) == 50
    assert client.get(_pembaca(kia_a), {"page": 2}).context["page_obj"].object_list.__len__() == 10


# --- The trail of a scope -----------------------------------------------------------------------------


@pytest.fixture
def trail(cast, kia_a, kapus_b):
    """Reads by people of A, B and C, and a Dinkes of Kota Jambi reading in A."""
    catat(aksi=Aksi.LIHAT_IBU, pengguna=cast.bidan_a, objek=kia_a.ibu)
    catat(aksi=Aksi.LIHAT_IBU, pengguna=cast.bidan_b, objek=kia_a.ibu_b)
    catat(aksi=Aksi.LOGIN, pengguna=cast.bikor_b)
    catat(aksi=Aksi.LOGIN, pengguna=cast.dinkes_c)
    catat(aksi=Aksi.LIHAT_PERSALINAN, pengguna=cast.dinkes_a, objek=kia_a.persalinan)
    catat(aksi=Aksi.LOGIN_GAGAL, username="kapus_a", lingkup_dari=cast.kapus_a)


def _daftar(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("audit:jejak_list"), params)
    assert response.status_code == 200
    return response


def _siapa(response):
    return sorted(((j.pengguna.username if j.pengguna else j.username), j.aksi) for j in response.context["page_obj"])


def test_kapus_sees_her_puskesmas_people_and_records(client, cast, trail):
    rows = _siapa(_daftar(client, cast.kapus_a, aksi=""))
    assert ("bidan_a", Aksi.LIHAT_IBU) in rows
    assert ("dinkes_a", Aksi.LIHAT_PERSALINAN) in rows  # someone else reading a record of A
    assert ("kapus_a", Aksi.LOGIN_GAGAL) in rows
    assert not {u for u, _ in rows} & {"bidan_b", "bikor_b", "dinkes_c"}


def test_dinkes_sees_its_district_and_not_another(client, cast, trail):
    rows = {u for u, _ in _siapa(_daftar(client, cast.dinkes_a))}
    assert {"bidan_a", "bidan_b", "bikor_b", "dinkes_a", "kapus_a"} <= rows
    assert "dinkes_c" not in rows


def test_admin_sees_everything(client, cast, trail):
    rows = {u for u, _ in _siapa(_daftar(client, cast.admin))}
    assert {"bidan_a", "bidan_b", "bikor_b", "dinkes_a", "dinkes_c", "kapus_a"} <= rows


def test_filters_by_action_user_and_dates(client, cast, trail):
    from django.utils import timezone

    hari_ini = timezone.localdate().isoformat()
    assert _siapa(_daftar(client, cast.dinkes_a, aksi=Aksi.LIHAT_IBU)) == [
        ("bidan_a", Aksi.LIHAT_IBU), ("bidan_b", Aksi.LIHAT_IBU)]
    assert _siapa(_daftar(client, cast.dinkes_a, pengguna="BIDAN_B")) == [("bidan_b", Aksi.LIHAT_IBU)]
    assert _siapa(_daftar(client, cast.dinkes_a, dari="2000-01-01", sampai="2000-01-31")) == []
    assert len(_siapa(_daftar(client, cast.dinkes_a, dari=hari_ini, sampai=hari_ini, aksi=Aksi.LIHAT_IBU))) == 2
    salah = _daftar(client, cast.dinkes_a, dari=hari_ini, sampai="2000-01-01")
    assert salah.context["form"].errors


@pytest.mark.parametrize("role", ["bikor_a", "bidan_a", "bidan_b"])
def test_other_roles_get_403_on_the_trail(client, cast, role):
    client.force_login(getattr(cast, role))
    assert client.get(reverse("audit:jejak_list")).status_code == 403


def test_the_trail_is_paginated_with_bounded_queries(client, cast, kia_a, django_assert_max_num_queries):
    for _ in range(120):
        catat(aksi=Aksi.LIHAT_IBU, pengguna=cast.bidan_a, objek=kia_a.ibu)
    client.force_login(cast.dinkes_a)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("audit:jejak_list"), {"page": 2})
    assert len(response.context["page_obj"]) == 50
    assert Jejak.objects.count() > 120


@pytest.mark.parametrize(("role", "terlihat"), [("kapus_a", True), ("dinkes_a", True), ("bikor_a", False)])
def test_the_menu_links_to_the_trail_for_reviewers(client, cast, role, terlihat):
    client.force_login(getattr(cast, role))
    content = client.get(reverse("kia:ibu_list")).content.decode()
    assert (reverse("audit:jejak_list") in content) is terlihat
