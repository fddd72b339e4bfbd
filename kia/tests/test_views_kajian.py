"""Alerts and their case review for every role of the cast: list (open first), detail, save, close.

The bidan koordinator and the Kepala Puskesmas of the Puskesmas (and the administrator) write and
close a review; everyone else in scope reads it (403 on POST), outsiders get 404.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kia import services
from kia.models import JenisKajian, KajianKasus, StatusKajian
from kia.tests.factories import BayiFactory, IbuFactory, PersalinanFactory

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
WRITABLE = {"admin": {"a1", "a2", "b1", "c1"}, "kapus_a": {"a1", "a2"}, "bikor_a": {"a1", "a2"}, "bikor_b": {"b1"}}
NAMA_IBU = {"a1": "Rina Marlina", "a2": "Dewi Sartika", "b1": "Nurhayati Lubis", "c1": "Yuliana Siregar"}
NIK_A1 = "1571015705960001"


def _expected(role: str, attr: str) -> int:
    if attr not in VISIBLE[role]:
        return 404
    return 200 if attr in WRITABLE.get(role, set()) else 403


def _dukun_sendiri(ibu, dukun, hari: int = 5):
    p = PersalinanFactory(ibu=ibu, tempat="rumah", penolong="dukun", dukun=dukun,
                          tanggal=timezone.localdate() - dt.timedelta(days=hari))
    BayiFactory(persalinan=p)
    services.naikkan_kajian([p])
    return p.kajian.get()


@pytest.fixture
def kajian(cast, dukun_set):
    """One alert (a delivery by a dukun alone) in each kelurahan."""
    w = cast.w
    return {
        "a1": _dukun_sendiri(IbuFactory(nama=NAMA_IBU["a1"], kelurahan=w.a1, nik=NIK_A1), dukun_set.a1),
        "a2": _dukun_sendiri(IbuFactory(nama=NAMA_IBU["a2"], kelurahan=w.a2), dukun_set.a2),
        "b1": _dukun_sendiri(IbuFactory(nama=NAMA_IBU["b1"], kelurahan=w.b1), dukun_set.b1),
        "c1": _dukun_sendiri(IbuFactory(nama=NAMA_IBU["c1"], kelurahan=w.c1), dukun_set.c1),
    }


def _snapshot():
    return (
        sorted(KajianKasus.objects.values_list("pk", "status", "kronologi", "rencana_perbaikan", "ditutup_oleh_id",
                                               "ditutup_pada")),
        KajianKasus.history.count(),
    )


def _data(aksi="simpan", **kw) -> dict:
    data = {"kronologi": "Ibu melahirkan di rumah ditolong dukun pada malam hari.",
            "rencana_perbaikan": "Dukun diingatkan untuk segera memanggil bidan; nomor bidan ditempel di rumah dukun.",
            "aksi": aksi}
    data.update(kw)
    return data


# --- List ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_list_shows_only_alerts_in_scope(client, cast, kajian, role):
    client.force_login(getattr(cast, role))
    response = client.get(reverse("kia:kajian_list"))
    assert response.status_code == 200
    assert {k.persalinan.ibu.nama for k in response.context["page_obj"]} == {NAMA_IBU[a] for a in VISIBLE[role]}
    content = response.content.decode()
    for attr in set(NAMA_IBU) - VISIBLE[role]:
        assert NAMA_IBU[attr] not in content


def test_list_redirects_anonymous_to_login(client, kajian):
    response = client.get(reverse("kia:kajian_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_list_shows_open_reviews_first(client, cast, kajian, dukun_set):
    lama_terbuka = kajian["a1"]
    KajianKasus.objects.filter(pk=lama_terbuka.pk).update(dibuat_pada=timezone.now() - dt.timedelta(days=30))
    baru_ditutup = _dukun_sendiri(IbuFactory(kelurahan=cast.w.a2), dukun_set.a2, hari=1)
    services.kajian_simpan(kajian=baru_ditutup, kronologi="x", rencana_perbaikan="y", tutup=True, oleh=cast.kapus_a)
    client.force_login(cast.bikor_a)
    rows = list(client.get(reverse("kia:kajian_list")).context["page_obj"])
    assert [k.status for k in rows] == ["terbuka", "terbuka", "ditutup"]
    assert rows[-1].pk == baru_ditutup.pk
    assert rows[1].pk == lama_terbuka.pk  # open ones newest first


def test_list_filters_by_status_and_kind(client, cast, kajian, dukun_set):
    ibu = IbuFactory(kelurahan=cast.w.a1)
    p = PersalinanFactory(ibu=ibu, bidan=cast.profil_bidan_a, status_ibu="meninggal",
                          tanggal_meninggal_ibu=timezone.localdate() - dt.timedelta(days=9))
    services.naikkan_kajian([p])
    services.kajian_simpan(kajian=kajian["a2"], kronologi="x", rencana_perbaikan="y", tutup=True, oleh=cast.bikor_a)
    client.force_login(cast.kapus_a)
    url = reverse("kia:kajian_list")
    assert {k.jenis for k in client.get(url, {"jenis": "kematian_ibu"}).context["page_obj"]} == {"kematian_ibu"}
    ditutup = client.get(url, {"status": "ditutup"}).context["page_obj"]
    assert [k.pk for k in ditutup] == [kajian["a2"].pk]
    terbuka = client.get(url, {"status": "terbuka"})
    assert len(terbuka.context["page_obj"]) == 2
    assert terbuka.context["ringkasan"] == {"jumlah": 2, "terbuka": 2, "ditutup": 0}


@pytest.mark.parametrize(("role", "boleh"), [("bikor_a", True), ("kapus_a", False), ("dinkes_a", False)])
def test_nik_masked_for_roles_that_may_not_read_it(client, cast, kajian, role, boleh):
    client.force_login(getattr(cast, role))
    for url in (reverse("kia:kajian_list"), reverse("kia:kajian_detail", args=[kajian["a1"].pk])):
        content = client.get(url).content.decode()
        assert (NIK_A1 in content) is boleh
        assert ("1571********0001" in content) is not boleh


KAJIAN_QUERY_BOUND = 8


@pytest.mark.parametrize("jumlah", [5, 40])
def test_list_query_count_is_flat(client, cast, dukun_set, django_assert_max_num_queries, jumlah):
    for i in range(jumlah):
        _dukun_sendiri(IbuFactory(kelurahan=[cast.w.a1, cast.w.a2][i % 2]), [dukun_set.a1, dukun_set.a2][i % 2])
    client.force_login(cast.kapus_a)
    with django_assert_max_num_queries(KAJIAN_QUERY_BOUND):
        response = client.get(reverse("kia:kajian_list"))
    assert len(response.context["page_obj"]) == min(jumlah, 25)


# --- Detail -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_detail_in_scope_with_the_form_only_for_writers(client, cast, kajian, role):
    client.force_login(getattr(cast, role))
    for attr, k in kajian.items():
        response = client.get(reverse("kia:kajian_detail", args=[k.pk]))
        assert response.status_code == (200 if attr in VISIBLE[role] else 404), attr
        if response.status_code == 200:
            content = response.content.decode()
            assert NAMA_IBU[attr] in content
            assert reverse("kia:persalinan_detail", args=[k.persalinan_id]) in content
            assert ('name="aksi"' in content) is (attr in WRITABLE.get(role, set()))
            assert 'id="riwayat"' in content


def test_detail_of_an_unknown_id_is_404(client, cast, kajian):
    client.force_login(cast.admin)
    assert client.get(reverse("kia:kajian_detail", args=[999999])).status_code == 404


def test_neonatal_death_review_names_the_baby_and_its_age(client, cast):
    ibu = IbuFactory(kelurahan=cast.w.a1)
    lahir = timezone.localdate() - dt.timedelta(days=6)
    p = PersalinanFactory(ibu=ibu, bidan=cast.profil_bidan_a, tanggal=lahir)
    BayiFactory(persalinan=p, berat_lahir_gram=1900, tanggal_meninggal=lahir, sebab_kematian="asfiksia")
    services.naikkan_kajian([p])
    k = KajianKasus.objects.get()
    assert k.jenis == JenisKajian.KEMATIAN_NEONATAL
    client.force_login(cast.kapus_a)
    content = client.get(reverse("kia:kajian_detail", args=[k.pk])).content.decode()
    assert "pada umur 0 hari" in content and "Asfiksia" in content and "BBLR" in content


# --- Save and close ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_save_per_role(client, cast, kajian, role):
    client.force_login(getattr(cast, role))
    for attr, k in kajian.items():
        before = _snapshot()
        response = client.post(reverse("kia:kajian_detail", args=[k.pk]), _data(kronologi=f"oleh {role}"))
        expected = _expected(role, attr)
        if expected == 200:
            assert response.status_code == 302, attr
            k.refresh_from_db()
            assert (k.status, k.kronologi) == (StatusKajian.TERBUKA, f"oleh {role}")
        else:
            assert response.status_code == expected, attr
            assert _snapshot() == before


@pytest.mark.parametrize("role", ROLES)
def test_close_per_role(client, cast, kajian, role):
    client.force_login(getattr(cast, role))
    for attr, k in kajian.items():
        before = _snapshot()
        response = client.post(reverse("kia:kajian_detail", args=[k.pk]), _data("tutup"))
        expected = _expected(role, attr)
        if expected == 200:
            assert response.status_code == 302, attr
            k.refresh_from_db()
            assert (k.status, k.ditutup_oleh) == (StatusKajian.DITUTUP, getattr(cast, role))
        else:
            assert response.status_code == expected, attr
            assert _snapshot() == before


def test_bidan_of_the_village_reads_but_cannot_close(client, cast, kajian):
    client.force_login(cast.bidan_a)
    k = kajian["a1"]
    assert client.get(reverse("kia:kajian_detail", args=[k.pk])).status_code == 200
    before = _snapshot()
    assert client.post(reverse("kia:kajian_detail", args=[k.pk]), _data("tutup")).status_code == 403
    assert _snapshot() == before


@pytest.mark.parametrize("kosong", ["kronologi", "rencana_perbaikan"])
def test_closing_needs_what_happened_and_what_will_change(client, cast, kajian, kosong):
    client.force_login(cast.kapus_a)
    k = kajian["a1"]
    before = _snapshot()
    data = _data("tutup", **{kosong: "  "})
    response = client.post(reverse("kia:kajian_detail", args=[k.pk]), data)
    assert response.status_code == 400
    assert kosong in response.context["form"].errors
    assert _snapshot() == before
    lain = "rencana_perbaikan" if kosong == "kronologi" else "kronologi"
    assert data[lain] in response.content.decode()


def test_saving_without_closing_allows_empty_texts(client, cast, kajian):
    client.force_login(cast.bikor_a)
    k = kajian["a1"]
    response = client.post(reverse("kia:kajian_detail", args=[k.pk]), _data(rencana_perbaikan=""))
    assert response.status_code == 302
    k.refresh_from_db()
    assert k.status == StatusKajian.TERBUKA and k.rencana_perbaikan == ""


def test_closed_review_shows_who_closed_it_and_is_read_only(client, cast, kajian):
    k = kajian["a1"]
    client.force_login(cast.kapus_a)
    response = client.post(reverse("kia:kajian_detail", args=[k.pk]), _data("tutup"), follow=True)
    assert any("ditutup" in str(m) for m in response.context["messages"])
    k.refresh_from_db()
    assert k.ditutup_pada is not None
    client.force_login(cast.bikor_a)
    response = client.get(reverse("kia:kajian_detail", args=[k.pk]))
    content = response.content.decode()
    assert 'name="aksi"' not in content
    assert "Ditutup oleh kapus_a" in content or f"Ditutup oleh {cast.kapus_a.get_full_name()}" in content
    assert "Dukun diingatkan" in content
    before = _snapshot()
    response = client.post(reverse("kia:kajian_detail", args=[k.pk]), _data("simpan", kronologi="diubah lagi"))
    assert response.status_code == 400
    assert "sudah ditutup" in response.content.decode()
    assert _snapshot() == before


def test_closed_review_history_is_shown(client, cast, kajian):
    k = kajian["a1"]
    services.kajian_simpan(kajian=k, kronologi="a", rencana_perbaikan="b", tutup=True, oleh=cast.bikor_a)
    client.force_login(cast.dinkes_a)
    content = client.get(reverse("kia:kajian_detail", args=[k.pk])).content.decode()
    assert "Dibuat" in content and "Diubah" in content


def test_delivery_page_links_its_alerts(client, cast, kajian):
    k = kajian["a1"]
    client.force_login(cast.bidan_a)
    content = client.get(reverse("kia:persalinan_detail", args=[k.persalinan_id])).content.decode()
    assert reverse("kia:kajian_detail", args=[k.pk]) in content
