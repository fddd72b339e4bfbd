"""Two people editing one meeting (its plan, its minutes), and a meeting form sent twice (puskesmas.versi)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kemitraan import views_pertemuan
from kemitraan.models import Pertemuan
from kemitraan.services_pertemuan import kehadiran_bidan_set, pertemuan_batalkan, pertemuan_update
from kemitraan.tests import test_views_pertemuan as halaman
from kemitraan.tests.test_views_pertemuan import _data_baru, _data_ubah
from puskesmas.tests.konflik import perlu_postgresql, serentak, tahan_sebelum, token_form, versi_form
from puskesmas.versi import VersiBerubah

pytestmark = pytest.mark.django_db

rapat = halaman.rapat  # the meeting pages' fixture: held and planned meetings of A, B and C


def _klien(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_second_save_of_the_plan_is_refused_with_what_changed(cast, rapat):
    p = rapat.a_lewat
    url = reverse("pertemuan:update", args=[p.pk])
    bikor, admin = _klien(cast.bikor_a), _klien(cast.admin)
    versi_bikor, versi_admin = versi_form(bikor.get(url)), versi_form(admin.get(url))

    assert bikor.post(url, _data_ubah(p, tempat="Posyandu Melati", versi=versi_bikor)).status_code == 302
    response = admin.post(url, _data_ubah(p, tempat="Balai Desa", fasilitator="dr. Rahma", versi=versi_admin))

    assert response.status_code == 409
    content = response.content.decode()
    assert "bikor_a mengubahnya pada" in content
    assert [(x.label, x.isian_anda, x.tersimpan) for x in response.context["konflik"].perbedaan] == [
        ("Tempat", "Balai Desa", "Posyandu Melati"), ("Fasilitator", "dr. Rahma", "–")]
    assert Pertemuan.objects.get(pk=p.pk).tempat == "Posyandu Melati"
    assert 'value="Balai Desa"' in content and 'value="dr. Rahma"' in content

    response = admin.post(url, _data_ubah(p, tempat="Balai Desa", fasilitator="dr. Rahma",
                                          versi=versi_form(response)))
    assert response.status_code == 302
    assert Pertemuan.objects.get(pk=p.pk).tempat == "Balai Desa"


def test_two_people_recording_the_minutes_do_not_overwrite_each_other(cast, rapat):
    p = rapat.a_lewat
    url = reverse("pertemuan:laksanakan", args=[p.pk])
    bikor, admin = _klien(cast.bikor_a), _klien(cast.admin)
    versi_bikor, versi_admin = versi_form(bikor.get(url)), versi_form(admin.get(url))
    waktu = timezone.localtime(p.waktu_rencana).strftime("%Y-%m-%dT%H:%M")
    assert bikor.post(url, {"waktu_pelaksanaan": waktu, "notulen": "Sepakat rujukan dini.",
                            "versi": versi_bikor}).status_code == 302
    response = admin.post(url, {"waktu_pelaksanaan": waktu, "notulen": "Dana transport dibahas.",
                                "versi": versi_admin})
    assert response.status_code == 409
    assert [(x.label, x.isian_anda, x.tersimpan) for x in response.context["konflik"].perbedaan] == [
        ("Notulen", "Dana transport dibahas.", "Sepakat rujukan dini.")]
    assert Pertemuan.objects.get(pk=p.pk).notulen == "Sepakat rujukan dini."


def test_attendance_ticks_need_no_version_and_do_not_disturb_an_open_form(cast, rapat):
    """A tick sets a state (idempotent) on its own row: the plan form opened before it still saves."""
    p = rapat.a_lewat
    url = reverse("pertemuan:update", args=[p.pk])
    bikor = _klien(cast.bikor_a)
    versi = versi_form(bikor.get(url))
    kehadiran_bidan_set(pertemuan=p, bidan=cast.profil_bidan_a, hadir=True)
    assert bikor.post(url, _data_ubah(p, tempat="Posyandu Melati", versi=versi)).status_code == 302


def test_the_create_form_sent_twice_plans_one_meeting(cast):
    url = reverse("pertemuan:create")
    bikor = _klien(cast.bikor_a)
    data = _data_baru(cast, token_kirim=token_form(bikor.get(url)))
    assert bikor.post(url, data).status_code == 302
    kedua = bikor.post(url, data, follow=True)
    p = Pertemuan.objects.get()
    assert kedua.redirect_chain[0][0] == reverse("pertemuan:detail", args=[p.pk])
    assert "sudah terkirim sebelumnya" in kedua.content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_saves_of_the_same_version_at_once_one_wins(cast, rapat):
    perlu_postgresql()
    p = rapat.a_lewat

    def simpan(tempat: str):
        return lambda: pertemuan_update(pertemuan=Pertemuan.objects.select_related("puskesmas").get(pk=p.pk),
                                        versi=p.versi, tempat=tempat)

    hasil = serentak(simpan("Aula"), simpan("Posyandu"))
    menang = [h for h in hasil if isinstance(h, Pertemuan)]
    assert len(menang) == 1 and sum(isinstance(h, VersiBerubah) for h in hasil) == 1, hasil
    assert Pertemuan.objects.get(pk=p.pk).tempat == menang[0].tempat


@pytest.mark.django_db(transaction=True)
def test_the_create_form_sent_twice_at_once_plans_one_meeting(cast, monkeypatch):
    perlu_postgresql()
    url = reverse("pertemuan:create")
    satu, dua = _klien(cast.bikor_a), _klien(cast.bikor_a)
    waktu = (timezone.localtime() + dt.timedelta(days=7)).strftime("%Y-%m-%dT09:00")
    data = _data_baru(cast, waktu_rencana=waktu, token_kirim=token_form(satu.get(url)))
    tahan_sebelum(monkeypatch, views_pertemuan, "pertemuan_create")
    hasil = serentak(lambda: satu.post(url, data), lambda: dua.post(url, data))
    p = Pertemuan.objects.get()
    assert {(h.status_code, h.url) for h in hasil} == {(302, reverse("pertemuan:detail", args=[p.pk]))}


@pytest.mark.django_db(transaction=True)
def test_two_cancellations_at_once_keep_one_reason(cast, rapat):
    """Cancelling takes no version: the locked row's status refuses the second, it does not overwrite."""
    perlu_postgresql()
    p = rapat.a_lewat

    def batal(alasan: str):
        return lambda: pertemuan_batalkan(pertemuan=Pertemuan.objects.select_related("puskesmas").get(pk=p.pk),
                                          alasan=alasan)

    hasil = serentak(batal("Hujan deras"), batal("Bidan koordinator sakit"))
    menang = [h for h in hasil if isinstance(h, Pertemuan)]
    ditolak = [h for h in hasil if isinstance(h, ValidationError)]
    assert len(menang) == len(ditolak) == 1, hasil
    assert Pertemuan.objects.get(pk=p.pk).notulen == menang[0].notulen
