"""Two people editing one delivery (with its babies), and a delivery form sent twice (puskesmas.versi)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from kia import services, views_persalinan
from kia.models import Bayi, Persalinan
from kia.tests import test_views_persalinan as halaman
from kia.tests.test_views_persalinan import _edit_post, _post
from puskesmas.tests.konflik import perlu_postgresql, serentak, tahan_sebelum, token_form, versi_form
from puskesmas.versi import VersiBerubah

pytestmark = pytest.mark.django_db

# The delivery pages' fixtures: mothers of each kelurahan and a delivery of each.
ibu, kasus = halaman.ibu, halaman.kasus


def _klien(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _bayi(p: Persalinan, **ubah) -> list[dict]:
    b = p.bayi.get()
    return [{"id": str(b.pk), "jenis_kelamin": b.jenis_kelamin, "berat_lahir_gram": str(b.berat_lahir_gram), **ubah}]


def test_the_second_save_is_refused_with_what_changed_and_her_input_kept(cast, kasus):
    p = kasus["a1"]
    url = reverse("kia:persalinan_update", args=[p.pk])
    bidan, bikor = _klien(cast.bidan_a), _klien(cast.bikor_a)
    versi_bidan, versi_bikor = versi_form(bidan.get(url)), versi_form(bikor.get(url))

    assert bidan.post(url, _edit_post(p, catatan="Nifas baik", versi=versi_bidan,
                                      bayi=_bayi(p, berat_lahir_gram="3000"))).status_code == 302
    response = bikor.post(url, _edit_post(p, catatan="Perdarahan ringan", versi=versi_bikor,
                                          bayi=_bayi(p, berat_lahir_gram="3250")))

    assert response.status_code == 409
    assert "bidan_a mengubahnya pada" in response.content.decode()
    assert [(x.label, x.isian_anda, x.tersimpan) for x in response.context["konflik"].perbedaan] == [
        ("Catatan", "Perdarahan ringan", "Nifas baik"),
        ("Bayi ke-1: Berat lahir (gram)", "3250", "3000"),
    ]
    p.refresh_from_db()
    assert (p.catatan, p.bayi.get().berat_lahir_gram) == ("Nifas baik", 3000)
    assert response.context["formset"].forms[0]["berat_lahir_gram"].value() == "3250"  # her input stays

    response = bikor.post(url, _edit_post(p, catatan="Perdarahan ringan", versi=versi_form(response),
                                          bayi=_bayi(p, berat_lahir_gram="3250")))
    assert response.status_code == 302
    p.refresh_from_db()
    assert (p.catatan, p.bayi.get().berat_lahir_gram) == ("Perdarahan ringan", 3250)


def test_a_baby_saved_on_its_own_page_meanwhile_is_not_overwritten(cast, kasus):
    p = kasus["a1"]
    bayi = p.bayi.get()
    url = reverse("kia:persalinan_update", args=[p.pk])
    bikor = _klien(cast.bikor_a)
    versi = versi_form(bikor.get(url))
    kn1 = p.tanggal + dt.timedelta(days=1)
    services.bayi_update(bayi=bayi, kn1=kn1)  # the bidan records the first neonatal visit
    response = bikor.post(url, _edit_post(p, catatan="diperbaiki", versi=versi))
    assert response.status_code == 409
    with translation.override("id"):
        tersimpan = date_format(kn1, "j F Y")
    assert (f"Bayi ke-1: {Bayi._meta.get_field('kn1').verbose_name}", "–", tersimpan) in [
        (x.label, x.isian_anda, x.tersimpan) for x in response.context["konflik"].perbedaan]
    bayi.refresh_from_db()
    assert bayi.kn1 == kn1


def test_the_baby_page_is_checked_against_the_delivery_version(cast, kasus):
    p = kasus["a1"]
    bayi = p.bayi.get()
    url = reverse("kia:bayi_update", args=[bayi.pk])
    bidan = _klien(cast.bidan_a)
    versi = versi_form(bidan.get(url))
    services.persalinan_update(persalinan=Persalinan.objects.get(pk=p.pk), bayi=[
        {"id": bayi.pk, "kn1": p.tanggal + dt.timedelta(days=2)}])
    response = bidan.post(url, {"kn1": (p.tanggal + dt.timedelta(days=1)).isoformat(), "kn2": "", "kn3": "",
                                "tanggal_meninggal": "", "sebab_kematian": "", "keterangan_kematian": "",
                                "versi": versi})
    assert response.status_code == 409
    assert [x.label for x in response.context["konflik"].perbedaan] == [Bayi._meta.get_field("kn1").verbose_name]
    bayi.refresh_from_db()
    assert bayi.kn1 == p.tanggal + dt.timedelta(days=2)


def test_the_create_form_sent_twice_records_one_delivery(cast, ibu):
    url = reverse("kia:persalinan_create", args=[ibu["a1"].pk])
    bidan = _klien(cast.bidan_a)
    data = _post(bidan=cast.profil_bidan_a.pk, token_kirim=token_form(bidan.get(url)))
    assert bidan.post(url, data).status_code == 302
    kedua = bidan.post(url, data, follow=True)
    p = Persalinan.objects.get(ibu=ibu["a1"])
    assert kedua.redirect_chain[0][0] == reverse("kia:persalinan_detail", args=[p.pk])
    assert "sudah terkirim sebelumnya" in kedua.content.decode()
    assert p.bayi.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_saves_of_the_same_version_at_once_one_wins(cast, kasus):
    perlu_postgresql()
    p = kasus["a1"]

    def simpan(catatan: str):
        return lambda: services.persalinan_update(persalinan=Persalinan.objects.get(pk=p.pk), versi=p.versi,
                                                  catatan=catatan)

    hasil = serentak(simpan("dari ponsel"), simpan("dari laptop"))
    menang = [h for h in hasil if isinstance(h, Persalinan)]
    assert len(menang) == 1 and sum(isinstance(h, VersiBerubah) for h in hasil) == 1, hasil
    assert Persalinan.objects.get(pk=p.pk).catatan == menang[0].catatan


@pytest.mark.django_db(transaction=True)
def test_the_create_form_sent_twice_at_once_records_one_delivery(cast, ibu, monkeypatch):
    perlu_postgresql()
    url = reverse("kia:persalinan_create", args=[ibu["a1"].pk])
    satu, dua = _klien(cast.bidan_a), _klien(cast.bidan_a)
    data = _post(bidan=cast.profil_bidan_a.pk, token_kirim=token_form(satu.get(url)))
    tahan_sebelum(monkeypatch, views_persalinan.services, "persalinan_create")
    hasil = serentak(lambda: satu.post(url, data), lambda: dua.post(url, data))
    p = Persalinan.objects.get(ibu=ibu["a1"])
    assert [h.status_code for h in hasil] == [302, 302]
    assert {h.url for h in hasil} == {reverse("kia:persalinan_detail", args=[p.pk])}
    assert p.bayi.count() == 1
