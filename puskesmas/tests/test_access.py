"""Unit tests of puskesmas.access: who sees and who may change which Puskesmas, kelurahan, bidan,
facility and dukun, for every role of the fixed cast (see conftest.py)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from dukun.models import Dukun
from puskesmas import access
from puskesmas.models import Bidan, Fasilitas, Kelurahan, Puskesmas, Role
from puskesmas.tests.factories import UserFactory

ROLES = ["admin", "dinkes_a", "dinkes_c", "kapus_a", "bikor_a", "bikor_b", "bidan_a", "bidan_b"]


@pytest.fixture
def names(cast, dukun_set):
    """Maps from primary key to the short fixture name, so expectations read like the conftest docstring."""
    w = cast.w
    return {
        "puskesmas": {w.puskesmas_a.pk: "A", w.puskesmas_b.pk: "B", w.puskesmas_c.pk: "C"},
        "kelurahan": {w.a1.pk: "a1", w.a2.pk: "a2", w.b1.pk: "b1", w.c1.pk: "c1", w.bebas.pk: "bebas"},
        "bidan": {cast.profil_bidan_a.pk: "a", cast.profil_bidan_a2.pk: "a2", cast.profil_bidan_b.pk: "b",
                  cast.profil_bidan_c.pk: "c"},
        "fasilitas": {cast.induk_a.pk: "induk_a", cast.pustu_a2.pk: "pustu_a2", cast.rs_a.pk: "rs_a",
                      cast.induk_b.pk: "induk_b", cast.induk_c.pk: "induk_c"},
        "dukun": {dukun_set.a1.pk: "a1", dukun_set.a2.pk: "a2", dukun_set.b1.pk: "b1", dukun_set.c1.pk: "c1"},
    }


def _named(mapping: dict, pks) -> set[str]:
    return {mapping[pk] for pk in pks}


# --- Read scope ----------------------------------------------------------------------------

VISIBLE_PUSKESMAS = {
    "admin": {"A", "B", "C"},
    "dinkes_a": {"A", "B"},
    "dinkes_c": {"C"},
    "kapus_a": {"A"},
    "bikor_a": {"A"},
    "bikor_b": {"B"},
    "bidan_a": {"A"},
    "bidan_b": {"B"},
}


@pytest.mark.parametrize("role", ROLES)
def test_visible_puskesmas_per_role(cast, names, role):
    user = getattr(cast, role)
    pks = Puskesmas.objects.filter(pk__in=access.puskesmas_ids(user)).values_list("pk", flat=True)
    assert _named(names["puskesmas"], pks) == VISIBLE_PUSKESMAS[role]
    # The manager method agrees with the access function.
    assert _named(names["puskesmas"], Puskesmas.objects.visible_to(user).values_list("pk", flat=True)) == \
        VISIBLE_PUSKESMAS[role]


VISIBLE_KELURAHAN = {
    "admin": {"a1", "a2", "b1", "c1", "bebas"},
    # Dinkes reads the whole district, also the kelurahan in no wilayah kerja yet.
    "dinkes_a": {"a1", "a2", "b1", "bebas"},
    "dinkes_c": {"c1"},
    "kapus_a": {"a1", "a2"},
    "bikor_a": {"a1", "a2"},
    "bikor_b": {"b1"},
    "bidan_a": {"a1"},
    "bidan_b": {"b1"},
}


@pytest.mark.parametrize("role", ROLES)
def test_visible_kelurahan_per_role(cast, names, role):
    user = getattr(cast, role)
    pks = Kelurahan.objects.filter(pk__in=access.kelurahan_ids(user)).values_list("pk", flat=True)
    assert _named(names["kelurahan"], pks) == VISIBLE_KELURAHAN[role]


VISIBLE_BIDAN = {
    "admin": {"a", "a2", "b", "c"},
    "dinkes_a": {"a", "a2", "b"},
    "dinkes_c": {"c"},
    "kapus_a": {"a", "a2"},
    "bikor_a": {"a", "a2"},
    "bikor_b": {"b"},
    # Herself (and colleagues of her facility or her kelurahan: none other in the cast).
    "bidan_a": {"a"},
    "bidan_b": {"b"},
}


@pytest.mark.parametrize("role", ROLES)
def test_visible_bidan_per_role(cast, names, role):
    user = getattr(cast, role)
    pks = Bidan.objects.visible_to(user).values_list("pk", flat=True)
    assert _named(names["bidan"], pks) == VISIBLE_BIDAN[role]


def test_bidan_sees_colleague_of_same_facility_and_bidan_serving_her_kelurahan(cast):
    from puskesmas.tests.factories import BidanFactory

    w = cast.w
    rekan = BidanFactory(nama="Rekan Induk", fasilitas=cast.induk_a, kelurahan_layanan=[w.a2])
    penyerta = BidanFactory(nama="Penyerta A1", fasilitas=cast.pustu_a2, kelurahan_layanan=[w.a1])
    visible = set(Bidan.objects.visible_to(cast.bidan_a))
    assert {rekan, penyerta, cast.profil_bidan_a} == visible
    assert cast.profil_bidan_a2 not in visible


VISIBLE_FASILITAS = {
    "admin": {"induk_a", "pustu_a2", "rs_a", "induk_b", "induk_c"},
    "dinkes_a": {"induk_a", "pustu_a2", "rs_a", "induk_b"},
    "dinkes_c": {"induk_c"},
    "kapus_a": {"induk_a", "pustu_a2", "rs_a"},
    "bikor_a": {"induk_a", "pustu_a2", "rs_a"},
    "bikor_b": {"induk_b"},
    # Her own facility and the referral hospital of her Puskesmas; not the pustu of A2, which she does not serve.
    "bidan_a": {"induk_a", "rs_a"},
    "bidan_b": {"induk_b"},
}


@pytest.mark.parametrize("role", ROLES)
def test_visible_fasilitas_per_role(cast, names, role):
    user = getattr(cast, role)
    pks = Fasilitas.objects.visible_to(user).values_list("pk", flat=True)
    assert _named(names["fasilitas"], pks) == VISIBLE_FASILITAS[role]


VISIBLE_DUKUN = {
    "admin": {"a1", "a2", "b1", "c1"},
    "dinkes_a": {"a1", "a2", "b1"},
    "dinkes_c": {"c1"},
    "kapus_a": {"a1", "a2"},
    "bikor_a": {"a1", "a2"},
    "bikor_b": {"b1"},
    "bidan_a": {"a1"},
    "bidan_b": {"b1"},
}


@pytest.mark.parametrize("role", ROLES)
def test_visible_dukun_per_role(cast, names, role):
    user = getattr(cast, role)
    pks = Dukun.objects.visible_to(user).values_list("pk", flat=True)
    assert _named(names["dukun"], pks) == VISIBLE_DUKUN[role]
    pks = access.filter_by_kelurahan(Dukun.objects.all(), user).values_list("pk", flat=True)
    assert _named(names["dukun"], pks) == VISIBLE_DUKUN[role]


# --- Write scope ---------------------------------------------------------------------------

WRITABLE_DUKUN_KELURAHAN = {
    # Only kelurahan in some wilayah kerja: a dukun of "bebas" would belong to no Puskesmas.
    "admin": {"a1", "a2", "b1", "c1"},
    "dinkes_a": set(),
    "dinkes_c": set(),
    "kapus_a": set(),
    "bikor_a": {"a1", "a2"},
    "bikor_b": {"b1"},
    "bidan_a": {"a1"},
    "bidan_b": {"b1"},
}


@pytest.mark.parametrize("role", ROLES)
def test_dukun_writable_kelurahan_per_role(cast, names, role):
    user = getattr(cast, role)
    pks = Kelurahan.objects.filter(pk__in=access.dukun_writable_kelurahan_ids(user)).values_list("pk", flat=True)
    assert _named(names["kelurahan"], pks) == WRITABLE_DUKUN_KELURAHAN[role]


@pytest.mark.parametrize("role", ROLES)
def test_writable_dukun_per_role(cast, names, role):
    user = getattr(cast, role)
    pks = Dukun.objects.writable_by(user).values_list("pk", flat=True)
    assert _named(names["dukun"], pks) == WRITABLE_DUKUN_KELURAHAN[role] & {"a1", "a2", "b1", "c1"}


WRITABLE_REGISTRY_PUSKESMAS = {
    "admin": {"A", "B", "C"},
    "dinkes_a": set(),
    "dinkes_c": set(),
    "kapus_a": set(),
    "bikor_a": {"A"},
    "bikor_b": {"B"},
    "bidan_a": set(),
    "bidan_b": set(),
}


@pytest.mark.parametrize("role", ROLES)
def test_registry_writable_puskesmas_per_role(cast, names, role):
    user = getattr(cast, role)
    pks = Puskesmas.objects.filter(pk__in=access.registry_writable_puskesmas_ids(user)).values_list("pk", flat=True)
    assert _named(names["puskesmas"], pks) == WRITABLE_REGISTRY_PUSKESMAS[role]


WRITABLE_BIDAN = {
    "admin": {"a", "a2", "b", "c"},
    "bikor_a": {"a", "a2"},
    "bikor_b": {"b"},
}


@pytest.mark.parametrize("role", ROLES)
def test_writable_bidan_per_role(cast, names, role):
    user = getattr(cast, role)
    pks = Bidan.objects.writable_by(user).values_list("pk", flat=True)
    assert _named(names["bidan"], pks) == WRITABLE_BIDAN.get(role, set())


WRITABLE_FASILITAS = {
    "admin": {"induk_a", "pustu_a2", "rs_a", "induk_b", "induk_c"},
    "bikor_a": {"induk_a", "pustu_a2", "rs_a"},
    "bikor_b": {"induk_b"},
}


@pytest.mark.parametrize("role", ROLES)
def test_writable_fasilitas_per_role(cast, names, role):
    user = getattr(cast, role)
    pks = Fasilitas.objects.writable_by(user).values_list("pk", flat=True)
    assert _named(names["fasilitas"], pks) == WRITABLE_FASILITAS.get(role, set())


@pytest.mark.parametrize("role", ["kapus_a", "dinkes_a", "dinkes_c"])
def test_kepala_puskesmas_and_dinkes_can_write_nothing(cast, dukun_set, role):
    user = getattr(cast, role)
    assert user.is_read_only
    assert not access.dukun_writable_kelurahan_ids(user).exists()
    assert not access.registry_writable_puskesmas_ids(user).exists()
    assert not Dukun.objects.writable_by(user).exists()
    assert not Bidan.objects.writable_by(user).exists()
    assert not Fasilitas.objects.writable_by(user).exists()


# --- Users who see nothing -----------------------------------------------------------------


def _sees_nothing(user) -> None:
    assert not access.puskesmas_ids(user).exists()
    assert not access.kelurahan_ids(user).exists()
    assert not access.dukun_writable_kelurahan_ids(user).exists()
    assert not access.registry_writable_puskesmas_ids(user).exists()
    assert not Bidan.objects.visible_to(user).exists()
    assert not Fasilitas.objects.visible_to(user).exists()
    assert not Dukun.objects.visible_to(user).exists()
    assert not Dukun.objects.writable_by(user).exists()


def test_anonymous_user_sees_nothing(cast, dukun_set):
    _sees_nothing(AnonymousUser())


def test_none_user_sees_nothing(cast, dukun_set):
    _sees_nothing(None)


@pytest.mark.parametrize("role", ROLES)
def test_inactive_user_sees_nothing(cast, dukun_set, role):
    user = getattr(cast, role)
    user.is_active = False
    user.save()
    _sees_nothing(user)


def test_bidan_role_user_without_bidan_profile_sees_nothing(cast, dukun_set):
    tanpa_profil = UserFactory(username="bidan_tanpa_profil", role=Role.BIDAN)
    assert access.bidan_profile(tanpa_profil) is None
    _sees_nothing(tanpa_profil)


def test_bidan_profile_of_other_roles_is_ignored(cast):
    # A bikor who happens to be linked to a Bidan record keeps the scope of her role, not of the record.
    cast.profil_bidan_c.user = cast.bikor_a
    cast.profil_bidan_c.save()
    assert access.bidan_profile(cast.bikor_a) is None
    assert not Puskesmas.objects.visible_to(cast.bikor_a).filter(pk=cast.w.puskesmas_c.pk).exists()


def test_inactive_bidan_profile_still_reads_but_cannot_write_dukun(cast, dukun_set):
    cast.profil_bidan_a.aktif = False
    cast.profil_bidan_a.save()
    user = cast.bidan_a
    assert set(Dukun.objects.visible_to(user)) == {dukun_set.a1}
    assert not access.dukun_writable_kelurahan_ids(user).exists()
    assert not Dukun.objects.writable_by(user).exists()


def test_superuser_with_another_role_is_administrator(cast, dukun_set):
    cast.bidan_b.is_superuser = True
    cast.bidan_b.save()
    assert set(Dukun.objects.visible_to(cast.bidan_b)) == {dukun_set.a1, dukun_set.a2, dukun_set.b1, dukun_set.c1}
    assert Puskesmas.objects.filter(pk__in=access.registry_writable_puskesmas_ids(cast.bidan_b)).count() == 3


def test_dinkes_scope_follows_district_not_a_fixed_list(cast, wilayah):
    from puskesmas.tests.factories import PuskesmasFactory

    baru = PuskesmasFactory(kode="PBARU", nama="Puskesmas Baru", kabupaten=wilayah.kota)
    assert Puskesmas.objects.visible_to(cast.dinkes_a).filter(pk=baru.pk).exists()
    assert not Puskesmas.objects.visible_to(cast.dinkes_c).filter(pk=baru.pk).exists()


def test_scope_answers_are_querysets_not_lists(cast):
    # Composed as subqueries: one SQL statement, never a list of ids pulled into Python.
    for fn in (access.puskesmas_ids, access.kelurahan_ids, access.dukun_writable_kelurahan_ids,
               access.registry_writable_puskesmas_ids):
        assert hasattr(fn(cast.bikor_a), "query")


# --- get_in_scope --------------------------------------------------------------------------


def test_get_in_scope_returns_object_in_read_scope(cast, dukun_set):
    assert access.get_in_scope(Dukun.objects.visible_to(cast.bidan_a), dukun_set.a1.pk) == dukun_set.a1


def test_get_in_scope_raises_404_outside_read_scope(cast, dukun_set):
    with pytest.raises(Http404):
        access.get_in_scope(Dukun.objects.visible_to(cast.bidan_a), dukun_set.a2.pk)


@pytest.mark.parametrize("pk", [999999, "abc", None])
def test_get_in_scope_raises_404_for_missing_or_malformed_id(cast, dukun_set, pk):
    with pytest.raises(Http404):
        access.get_in_scope(Dukun.objects.visible_to(cast.admin), pk)


def test_get_in_scope_raises_403_when_visible_but_not_writable(cast, dukun_set):
    with pytest.raises(PermissionDenied):
        access.get_in_scope(
            Dukun.objects.visible_to(cast.kapus_a), dukun_set.a1.pk, writable=Dukun.objects.writable_by(cast.kapus_a)
        )


def test_get_in_scope_prefers_404_over_403_outside_read_scope(cast, dukun_set):
    # Out of scope and not writable: the answer must not reveal that the record exists.
    with pytest.raises(Http404):
        access.get_in_scope(
            Dukun.objects.visible_to(cast.bidan_b), dukun_set.a1.pk, writable=Dukun.objects.writable_by(cast.bidan_b)
        )
