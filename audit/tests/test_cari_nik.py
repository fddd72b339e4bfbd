"""Searching a mother by NIK: by POST only, in scope, audited without the number."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import Aksi
from audit.tests.conftest import NIK_A, tanpa_data_pribadi

URL = "kia:ibu_cari_nik"


@pytest.mark.parametrize("role", ["bidan_a", "bikor_a", "admin"])
def test_post_finds_the_mother_in_scope_and_opens_her_record_by_id(client, cast, kia_a, jejak_baru, role):
    client.force_login(getattr(cast, role))
    baru = jejak_baru()
    response = client.post(reverse(URL), {"nik": "1571 0157.0596-0001"})
    assert response.status_code == 302
    assert response["Location"] == reverse("kia:ibu_detail", args=[kia_a.ibu.pk])
    assert NIK_A not in response["Location"]
    j = baru.satu()
    assert (j.aksi, j.objek_tipe, j.objek_id, j.ibu_id, j.keterangan) == (
        Aksi.CARI_NIK, "kia.ibu", str(kia_a.ibu.pk), kia_a.ibu.pk, "ditemukan")
    tanpa_data_pribadi(j)


def test_a_mother_outside_the_scope_is_not_found(client, cast, kia_a, jejak_baru):
    client.force_login(cast.bidan_b)
    baru = jejak_baru()
    response = client.post(reverse(URL), {"nik": NIK_A})
    assert response.status_code == 400
    assert "Tidak ada ibu dengan NIK ini di wilayah Anda." in response.content.decode()
    assert kia_a.ibu.nama not in response.content.decode()
    j = baru.satu()
    assert (j.aksi, j.objek_id, j.ibu_id, j.keterangan) == (Aksi.CARI_NIK, "", None, "tidak_ditemukan")
    tanpa_data_pribadi(j)


def test_a_malformed_nik_is_refused_without_a_search(client, cast, kia_a, jejak_baru):
    client.force_login(cast.bikor_a)
    baru = jejak_baru()
    response = client.post(reverse(URL), {"nik": "1571"})
    assert response.status_code == 400 and "NIK harus 16 digit angka." in response.content.decode()
    assert baru.rows() == []


def test_get_with_a_nik_does_not_search(client, cast, kia_a, jejak_baru):
    client.force_login(cast.bikor_a)
    baru = jejak_baru()
    response = client.get(reverse(URL), {"nik": NIK_A})
    assert response.status_code == 302 and response["Location"] == reverse(URL)
    assert baru.rows() == []
    # The list's search box refuses a NIK too (and sends it out of the address).
    response = client.get(reverse("kia:ibu_list"), {"q": NIK_A}, follow=True)
    assert response.redirect_chain and NIK_A not in response.redirect_chain[-1][0]
    assert "Pencarian hanya dengan nama ibu, bukan NIK." in response.content.decode()


def test_the_form_is_a_csrf_protected_post_on_the_list(client, cast, kia_a):
    client.force_login(cast.bikor_a)
    content = client.get(reverse("kia:ibu_list")).content.decode()
    assert f'method="post" action="{reverse(URL)}"' in content and "csrfmiddlewaretoken" in content

    from django.test import Client

    tanpa_csrf = Client(enforce_csrf_checks=True)
    tanpa_csrf.force_login(cast.bikor_a)
    assert tanpa_csrf.post(reverse(URL), {"nik": NIK_A}).status_code == 403


@pytest.mark.parametrize("role", ["kapus_a", "dinkes_a"])
def test_roles_that_see_nik_masked_get_403_and_no_form(client, cast, kia_a, role):
    client.force_login(getattr(cast, role))
    assert client.post(reverse(URL), {"nik": NIK_A}).status_code == 403
    assert reverse(URL) not in client.get(reverse("kia:ibu_list")).content.decode()


def test_several_mothers_with_one_nik_are_listed_to_choose(client, cast, kia_a, jejak_baru):
    from kia.tests.factories import IbuFactory

    kembar = IbuFactory(nama="Siti Aminah Ganda", nik=NIK_A, kelurahan=cast.w.a2)
    client.force_login(cast.bikor_a)
    baru = jejak_baru()
    response = client.post(reverse(URL), {"nik": NIK_A})
    assert response.status_code == 200
    assert {i.pk for i in response.context["ditemukan"]} == {kia_a.ibu.pk, kembar.pk}
    assert baru.satu().keterangan == "ditemukan_2"


def test_anonymous_is_sent_to_login(client, cast):
    assert client.post(reverse(URL), {"nik": NIK_A}).status_code == 302
