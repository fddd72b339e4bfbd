"""The shared mechanism against lost updates and double submissions (puskesmas.versi), on the dukun registry."""

from __future__ import annotations

import uuid

import pytest
from django.db import IntegrityError, transaction
from django.http import QueryDict

from dukun.forms import DukunForm
from dukun.models import Dukun, StatusDukun
from dukun.services import dukun_create, dukun_update
from dukun.tests.factories import DukunFactory
from puskesmas.history import riwayat_perubahan
from puskesmas.versi import (
    PESAN_TANPA_VERSI,
    VersiBerubah,
    bandingkan,
    buat_sekali,
    konflik,
    naikkan_versi,
    periksa_versi,
)

pytestmark = pytest.mark.django_db


def _versi(d: Dukun) -> int:
    return Dukun.objects.values_list("versi", flat=True).get(pk=d.pk)


def _data(d: Dukun, **ubah) -> QueryDict:
    data = QueryDict(mutable=True)
    data.update({
        "nama": d.nama, "nama_panggilan": d.nama_panggilan, "tahun_lahir": str(d.tahun_lahir or ""),
        "kelurahan": str(d.kelurahan_id), "alamat": d.alamat, "rt": d.rt, "rw": d.rw, "telepon": d.telepon,
        "lama_praktik_tahun": "", "status": d.status, "status_sejak": "", "latitude": "", "longitude": "",
        "catatan": d.catatan,
    })
    if d.pk:
        data["versi"] = str(_versi(d))
    data.setlist("dikenal_oleh", [str(b.pk) for b in d.dikenal_oleh.all()] if d.pk else [])
    for name, value in ubah.items():
        if isinstance(value, list):
            data.setlist(name, [str(v) for v in value])
        else:
            data[name] = str(value)
    return data


# --- Counting versions ----------------------------------------------------------------------------------


def test_a_new_row_is_version_1_and_every_save_counts_one(cast):
    d = DukunFactory(kelurahan=cast.w.a1)
    assert d.versi == 1
    d.catatan = "pindah rumah"
    d.save()
    assert (d.versi, _versi(d)) == (2, 2)
    d.save(update_fields=["catatan"])  # a partial save changes the row too
    assert (d.versi, _versi(d)) == (3, 3)


def test_two_copies_saved_one_after_the_other_give_two_versions(cast):
    d = DukunFactory(kelurahan=cast.w.a1)
    lama = Dukun.objects.get(pk=d.pk)  # loaded before the other save: still version 1 in memory
    d.save()
    lama.save()
    assert (d.versi, lama.versi, _versi(d)) == (2, 3, 3)  # counted in the database, never 2 twice


def test_naikkan_versi_counts_a_change_made_without_save(cast):
    d = DukunFactory(kelurahan=cast.w.a1)
    assert naikkan_versi(Dukun, [d.pk]) == 1
    assert _versi(d) == 2


def test_the_version_stays_out_of_the_change_history(cast, dukun_set):
    d = dukun_set.a1
    dukun_update(dukun=d, catatan="dipindah", versi=d.versi)
    assert not hasattr(Dukun.history.model, "versi")
    assert [p.label for p in riwayat_perubahan(d)[0].perubahan] == ["catatan"]


# --- The check in the services --------------------------------------------------------------------------


def test_periksa_versi_refuses_a_stale_version_and_lets_the_current_one_or_none_through(cast):
    d = DukunFactory(kelurahan=cast.w.a1)
    d.save()
    with transaction.atomic():
        assert periksa_versi(d, 2) == 2
        assert periksa_versi(d, None) == 2
        with pytest.raises(VersiBerubah) as exc:
            periksa_versi(d, 1)
    assert (exc.value.versi_dimuat, exc.value.versi_tersimpan, exc.value.pk) == (1, 2, d.pk)
    assert "sudah diubah orang lain" in exc.value.messages[0]


def test_a_stale_update_writes_nothing(cast, dukun_set):
    d = dukun_set.a1
    dukun_update(dukun=Dukun.objects.get(pk=d.pk), catatan="pertama", versi=1)
    sebelum = Dukun.history.count()
    with pytest.raises(VersiBerubah):
        dukun_update(dukun=Dukun.objects.get(pk=d.pk), catatan="kedua", versi=1)
    d.refresh_from_db()
    assert (d.catatan, d.versi, Dukun.history.count()) == ("pertama", 2, sebelum)


def test_code_without_a_version_is_not_checked(cast, dukun_set):
    d = dukun_set.a1
    dukun_update(dukun=Dukun.objects.get(pk=d.pk), catatan="pertama", versi=1)
    dukun_update(dukun=Dukun.objects.get(pk=d.pk), catatan="dari impor")
    assert (Dukun.objects.get(pk=d.pk).catatan, _versi(d)) == ("dari impor", 3)


# --- One record per submission ---------------------------------------------------------------------------


def test_buat_sekali_answers_the_same_token_with_the_first_row(cast):
    token = uuid.uuid4()

    def buat():
        return dukun_create(dicatat_oleh=cast.bidan_a, nama="Nurhayati", kelurahan=cast.w.a1, token_kirim=token)

    pertama, baru = buat_sekali(Dukun.objects.all(), token, buat)
    kedua, baru_lagi = buat_sekali(Dukun.objects.all(), token, buat)
    assert (baru, baru_lagi, kedua) == (True, False, pertama)
    assert Dukun.objects.filter(nama="Nurhayati").count() == 1


def test_buat_sekali_answers_a_lost_race_with_the_winner(cast):
    """The other request inserted after this one looked the token up: the unique constraint decides."""
    token = uuid.uuid4()
    pemenang = DukunFactory(kelurahan=cast.w.a1, token_kirim=token)

    class BelumTerlihat:
        """The look-up made before the insert, when the winner was not committed yet."""

        def __init__(self):
            self.kali = 0

        def filter(self, **kwargs):
            self.kali += 1
            return Dukun.objects.none() if self.kali == 1 else Dukun.objects.filter(**kwargs)

    def buat():
        with transaction.atomic():
            return DukunFactory(kelurahan=cast.w.a1, token_kirim=token)

    assert buat_sekali(BelumTerlihat(), token, buat) == (pemenang, False)
    assert Dukun.objects.filter(token_kirim=token).count() == 1


def test_buat_sekali_does_not_hide_another_integrity_error(cast):
    def buat():
        with transaction.atomic():
            raise IntegrityError("lain")

    with pytest.raises(IntegrityError):
        buat_sekali(Dukun.objects.all(), uuid.uuid4(), buat)


def test_without_a_token_every_submission_creates(cast):
    for _ in range(2):
        buat_sekali(Dukun.objects.all(), None,
                    lambda: dukun_create(dicatat_oleh=cast.bidan_a, nama="Tanpa Token", kelurahan=cast.w.a1))
    assert Dukun.objects.filter(nama="Tanpa Token").count() == 2


# --- Forms -----------------------------------------------------------------------------------------------


def test_a_create_form_carries_a_fresh_token_and_an_edit_form_its_version(cast, dukun_set):
    satu, dua = DukunForm(user=cast.bidan_a), DukunForm(user=cast.bidan_a)
    assert "versi" not in satu.fields
    assert satu["token_kirim"].value() != dua["token_kirim"].value()
    assert uuid.UUID(str(satu["token_kirim"].value()))
    ubah = DukunForm(instance=dukun_set.a1, user=cast.bidan_a)
    assert "token_kirim" not in ubah.fields
    assert ubah["versi"].value() == 1
    assert 'type="hidden" name="versi" value="1"' in str(ubah["versi"])


def test_an_edit_without_its_version_is_refused_not_saved_over(cast, dukun_set):
    data = _data(dukun_set.a1)
    del data["versi"]
    form = DukunForm(data, instance=dukun_set.a1, user=cast.bidan_a)
    assert not form.is_valid()
    assert form.non_field_errors() == [str(PESAN_TANPA_VERSI)]


def test_a_malformed_token_is_no_token(cast):
    data = _data(DukunFactory.build(kelurahan=cast.w.a1, nama="Baru"), token_kirim="bukan-uuid")
    form = DukunForm(data, user=cast.bidan_a)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["token_kirim"] is None


def test_bandingkan_names_each_field_with_labels_and_display_values(cast, dukun_set):
    d = dukun_set.a1
    form = DukunForm(_data(d, status=StatusDukun.TIDAK_MENOLONG, status_sejak="2026-01-02", tahun_lahir=1961,
                           dikenal_oleh=[cast.profil_bidan_a.pk, cast.profil_bidan_a2.pk]),
                     instance=Dukun.objects.get(pk=d.pk), user=cast.bikor_a)
    assert form.is_valid(), form.errors
    beda = {p.label: (p.isian_anda, p.tersimpan) for p in bandingkan(form, Dukun.objects.get(pk=d.pk))}
    assert beda == {
        "Tahun lahir": ("1961", "1960"),
        "Status": ("Tidak lagi menolong", "Aktif menolong"),
        "Tanggal status": ("2 Januari 2026", "–"),
        "Bidan yang mengenalnya": (
            "Fitri Handayani — Pustu Teluk Kenali, Sri Mulyani — Puskesmas Aur Duri",
            "Sri Mulyani — Puskesmas Aur Duri",
        ),
    }


def test_konflik_is_none_when_the_input_equals_what_is_saved(cast, dukun_set):
    d = dukun_set.a1
    dukun_update(dukun=Dukun.objects.get(pk=d.pk), catatan="sama", versi=1)
    form = DukunForm(_data(d, versi=1, catatan="sama"), instance=Dukun.objects.get(pk=d.pk), user=cast.bidan_a)
    assert form.is_valid(), form.errors
    assert konflik(form, Dukun.objects.get(pk=d.pk)) is None


def test_konflik_names_who_and_when_and_puts_the_new_version_in_the_form(cast, dukun_set):
    d = dukun_set.a1
    data = _data(d, catatan="isian saya")
    form = DukunForm(data, instance=Dukun.objects.get(pk=d.pk), user=cast.bidan_a)
    assert form.is_valid(), form.errors
    terkini = Dukun.objects.get(pk=d.pk)
    terkini.catatan = "isian orang lain"
    terkini._history_user = cast.bikor_a  # who django-simple-history records (a request sets it from the user)
    terkini.save()
    hasil = konflik(form, Dukun.objects.get(pk=d.pk))
    assert (hasil.oleh, hasil.versi) == ("bikor_a", 2)
    assert hasil.waktu == Dukun.history.filter(id=d.pk).latest("history_date").history_date
    assert [(p.label, p.isian_anda, p.tersimpan) for p in hasil.perbedaan] == [
        ("Catatan", "isian saya", "isian orang lain")]
    assert form["versi"].value() == "2" and form["catatan"].value() == "isian saya"
