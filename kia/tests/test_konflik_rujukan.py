"""Two people editing one referral, and a referral (or mother) form sent twice (puskesmas.versi)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from kia import services, views_rujukan
from kia.models import Ibu, Rujukan, StatusRujukan
from kia.tests import test_views_rujukan as halaman
from kia.tests.test_views_rujukan import _data, _lokal
from puskesmas.tests.konflik import perlu_postgresql, serentak, tahan_sebelum, token_form, versi_form
from puskesmas.versi import VersiBerubah

pytestmark = pytest.mark.django_db

# The referral pages' fixtures: Puskesmas A's mothers and their referrals.
ibu_set, rujukan_set = halaman.ibu_set, halaman.rujukan_set


def _klien(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _ubah(cast, r: Rujukan, dukun, **ubah) -> dict:
    return _data(cast, dukun, bidan=r.bidan_id, kehamilan=r.kehamilan_id, waktu_rujuk=_lokal(r.waktu_rujuk), **ubah)


def test_the_second_save_is_refused_with_what_changed_and_her_input_kept(cast, rujukan_set, dukun_set):
    r = rujukan_set["a1"]
    url = reverse("kia:rujukan_update", args=[r.pk])
    bidan, bikor = _klien(cast.bidan_a), _klien(cast.bikor_a)
    versi_bidan, versi_bikor = versi_form(bidan.get(url)), versi_form(bikor.get(url))
    assert versi_bidan == versi_bikor == r.versi

    assert bidan.post(url, _ubah(cast, r, dukun_set.a1, alasan="Ketuban pecah", versi=versi_bidan)).status_code == 302
    response = bikor.post(url, _ubah(cast, r, dukun_set.a1, alasan="Kejang di rumah", tanda_bahaya=["kejang"],
                                     versi=versi_bikor))

    assert response.status_code == 409
    content = response.content.decode()
    assert "Data ini sudah diubah orang lain" in content and "bidan_a mengubahnya pada" in content
    assert [(p.label, p.isian_anda, p.tersimpan) for p in response.context["konflik"].perbedaan] == [
        ("Alasan dirujuk", "Kejang di rumah", "Ketuban pecah"),
        ("Tanda bahaya", "Kejang", "Bengkak pada muka, tangan atau kaki"),
    ]
    r.refresh_from_db()
    assert (r.alasan, r.tanda_bahaya, r.versi) == ("Ketuban pecah", ["bengkak"], 2)
    assert "Kejang di rumah</textarea>" in content  # nothing she typed is lost
    assert versi_form(response) == 2

    # Having read the differences, she saves again on purpose: her version wins, nobody's is silently lost.
    response = bikor.post(url, _ubah(cast, r, dukun_set.a1, alasan="Kejang di rumah", tanda_bahaya=["kejang"],
                                     versi=versi_form(response)))
    assert response.status_code == 302
    r.refresh_from_db()
    assert (r.alasan, r.tanda_bahaya, r.versi) == ("Kejang di rumah", ["kejang"], 3)
    assert r.history.first().history_user == cast.bikor_a


def test_a_second_click_on_save_is_not_a_conflict(cast, rujukan_set, dukun_set):
    r = rujukan_set["a1"]
    url = reverse("kia:rujukan_update", args=[r.pk])
    bidan = _klien(cast.bidan_a)
    data = _ubah(cast, r, dukun_set.a1, alasan="Ketuban pecah", versi=versi_form(bidan.get(url)))
    assert bidan.post(url, data).status_code == 302
    entri = r.history.count()
    assert bidan.post(url, data).status_code == 302  # what she sent is what is saved: nothing to ask
    assert r.history.count() == entri


def test_a_status_step_meanwhile_is_shown_only_where_her_input_differs(cast, rujukan_set, dukun_set):
    r = rujukan_set["a1"]
    url = reverse("kia:rujukan_update", args=[r.pk])
    bidan = _klien(cast.bidan_a)
    versi = versi_form(bidan.get(url))
    services.rujukan_ubah_status(rujukan=r, status=StatusRujukan.DITERIMA, waktu=r.waktu_rujuk + dt.timedelta(hours=1))
    response = bidan.post(url, _ubah(cast, r, dukun_set.a1, alasan="Pusing berat", versi=versi,
                                     tanda_bahaya=["perdarahan", "demam"]))
    assert response.status_code == 409
    assert [p.label for p in response.context["konflik"].perbedaan] == ["Alasan dirujuk"]
    assert Rujukan.objects.get(pk=r.pk).status == StatusRujukan.DITERIMA


def test_an_edit_without_its_version_saves_nothing(cast, rujukan_set, dukun_set):
    r = rujukan_set["a1"]
    response = _klien(cast.bidan_a).post(reverse("kia:rujukan_update", args=[r.pk]),
                                         _ubah(cast, r, dukun_set.a1, alasan="Tanpa versi"))
    assert response.status_code == 400
    assert "versi data tidak ikut terkirim" in response.content.decode()
    assert Rujukan.objects.get(pk=r.pk).alasan == "Perdarahan sejak subuh"


def test_the_create_form_sent_twice_records_one_referral(cast, ibu_set, dukun_set):
    url = reverse("kia:rujukan_create", args=[ibu_set["a1"].pk])
    bidan = _klien(cast.bidan_a)
    data = _data(cast, dukun_set.a1, token_kirim=token_form(bidan.get(url)))
    pertama = bidan.post(url, data)
    kedua = bidan.post(url, data, follow=True)
    rujukan = Rujukan.objects.get()
    assert pertama.url == kedua.redirect_chain[0][0] == reverse("kia:rujukan_detail", args=[rujukan.pk])
    assert "sudah terkirim sebelumnya" in kedua.content.decode()
    assert rujukan.token_kirim is not None


@pytest.mark.django_db(transaction=True)
def test_two_saves_of_the_same_version_at_once_one_wins(cast, rujukan_set):
    perlu_postgresql()
    r = rujukan_set["a1"]

    def simpan(alasan: str):
        return lambda: services.rujukan_update(rujukan=Rujukan.objects.get(pk=r.pk), versi=r.versi, alasan=alasan)

    hasil = serentak(simpan("dari ponsel bidan"), simpan("dari laptop bikor"))
    menang = [h for h in hasil if isinstance(h, Rujukan)]
    kalah = [h for h in hasil if isinstance(h, VersiBerubah)]
    assert (len(menang), len(kalah)) == (1, 1), hasil
    r.refresh_from_db()
    assert (r.alasan, r.versi) == (menang[0].alasan, 2)


@pytest.mark.django_db(transaction=True)
def test_the_create_form_sent_twice_at_once_records_one_referral(cast, ibu_set, dukun_set, monkeypatch):
    perlu_postgresql()
    url = reverse("kia:rujukan_create", args=[ibu_set["a1"].pk])
    bidan = _klien(cast.bidan_a)
    data = _data(cast, dukun_set.a1, token_kirim=token_form(bidan.get(url)))
    tahan_sebelum(monkeypatch, views_rujukan, "rujukan_create")  # both past the token look-up before either writes
    lagi = _klien(cast.bidan_a)  # a client per thread: the test client is not shared across threads
    hasil = serentak(lambda: bidan.post(url, data), lambda: lagi.post(url, data))
    rujukan = Rujukan.objects.get()
    assert [h.status_code for h in hasil] == [302, 302]
    assert {h.url for h in hasil} == {reverse("kia:rujukan_detail", args=[rujukan.pk])}


def test_the_mother_form_sent_twice_records_her_once(cast):
    """Also when the first submission had to confirm a namesake ("tetap simpan"): the token decides."""
    url = reverse("kia:ibu_create")
    bidan = _klien(cast.bidan_a)
    data = {"nama": "Rina Marlina", "nik": "", "tanggal_lahir": "1996-05-17", "umur_tercatat": "",
            "kelurahan": cast.w.a1.pk, "alamat": "", "rt": "", "rw": "", "telepon": "", "dukun": "",
            "tetap_simpan": "on", "token_kirim": token_form(bidan.get(url))}
    pertama, kedua = bidan.post(url, data), bidan.post(url, data)
    ibu = Ibu.objects.get(nama="Rina Marlina")
    assert pertama.status_code == kedua.status_code == 302
    assert pertama.url == kedua.url == reverse("kia:ibu_detail", args=[ibu.pk])
