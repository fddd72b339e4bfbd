"""Two people editing one dukun, and the registry form sent twice (puskesmas.versi)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from dukun import views
from dukun.models import Dukun, StatusDukun
from dukun.services import dukun_update
from dukun.tests.test_views_dukun import _edit_data, _new_data
from puskesmas.tests.konflik import perlu_postgresql, serentak, tahan_sebelum, token_form, versi_form
from puskesmas.versi import VersiBerubah

pytestmark = pytest.mark.django_db


def _klien(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_second_save_is_refused_with_what_changed_and_her_input_kept(cast, dukun_set):
    d = dukun_set.a1
    url = reverse("dukun:update", args=[d.pk])
    bidan, bikor = _klien(cast.bidan_a), _klien(cast.bikor_a)
    versi_bidan, versi_bikor = versi_form(bidan.get(url)), versi_form(bikor.get(url))

    assert bidan.post(url, _edit_data(d, telepon="0813-1111-2222", versi=versi_bidan)).status_code == 302
    response = bikor.post(url, _edit_data(d, telepon="0852-3333-4444", status=StatusDukun.TIDAK_MENOLONG,
                                          status_sejak="2026-11-01", versi=versi_bikor))

    assert response.status_code == 409
    content = response.content.decode()
    assert "bidan_a mengubahnya pada" in content
    assert [(x.label, x.isian_anda, x.tersimpan) for x in response.context["konflik"].perbedaan] == [
        ("Telepon", "0852-3333-4444", "0813-1111-2222"),
        ("Status", "Tidak lagi menolong", "Aktif menolong"),
        ("Tanggal status", "1 November 2026", "–"),
    ]
    d.refresh_from_db()
    assert (d.telepon, d.status) == ("0813-1111-2222", StatusDukun.AKTIF)
    assert 'value="0852-3333-4444"' in content

    response = bikor.post(url, _edit_data(d, telepon="0852-3333-4444", status=StatusDukun.TIDAK_MENOLONG,
                                          status_sejak="2026-11-01", versi=versi_form(response)))
    assert response.status_code == 302
    d.refresh_from_db()
    assert (d.telepon, d.status) == ("0852-3333-4444", StatusDukun.TIDAK_MENOLONG)


def test_the_create_form_sent_twice_lists_one_dukun(cast):
    url = reverse("dukun:create")
    bidan = _klien(cast.bidan_a)
    data = _new_data(cast, token_kirim=token_form(bidan.get(url)))
    assert bidan.post(url, data).status_code == 302
    kedua = bidan.post(url, data, follow=True)
    d = Dukun.objects.get(nama="Nurhayati")
    assert kedua.redirect_chain[0][0] == reverse("dukun:detail", args=[d.pk])
    assert "sudah terkirim sebelumnya" in kedua.content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_saves_of_the_same_version_at_once_one_wins(cast, dukun_set):
    perlu_postgresql()
    d = dukun_set.a1

    def simpan(telepon: str):
        return lambda: dukun_update(dukun=Dukun.objects.get(pk=d.pk), versi=d.versi, telepon=telepon)

    hasil = serentak(simpan("0811-0000-0001"), simpan("0811-0000-0002"))
    menang = [h for h in hasil if isinstance(h, Dukun)]
    assert len(menang) == 1 and sum(isinstance(h, VersiBerubah) for h in hasil) == 1, hasil
    assert Dukun.objects.get(pk=d.pk).telepon == menang[0].telepon


@pytest.mark.django_db(transaction=True)
def test_the_create_form_sent_twice_at_once_lists_one_dukun(cast, monkeypatch):
    perlu_postgresql()
    url = reverse("dukun:create")
    satu, dua = _klien(cast.bidan_a), _klien(cast.bidan_a)
    data = _new_data(cast, token_kirim=token_form(satu.get(url)))
    tahan_sebelum(monkeypatch, views, "dukun_create")
    hasil = serentak(lambda: satu.post(url, data), lambda: dua.post(url, data))
    d = Dukun.objects.get(nama="Nurhayati")
    assert {(h.status_code, h.url) for h in hasil} == {(302, reverse("dukun:detail", args=[d.pk]))}
