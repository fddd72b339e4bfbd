"""Model rules of the Puskesmas network: bidan, facilities, time zones, users and history."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from puskesmas.forms import BidanForm
from puskesmas.models import Bidan, Fasilitas, JenisFasilitas, Puskesmas, Role, ZonaWaktu
from puskesmas.tests.factories import (
    BidanFactory,
    KabupatenFactory,
    ProvinsiFactory,
    UserFactory,
)

# --- Bidan ---------------------------------------------------------------------------------


def test_bidan_puskesmas_is_taken_from_fasilitas_on_create(cast):
    bidan = Bidan(nama="Baru", fasilitas=cast.pustu_a2)
    bidan.save()

    bidan.refresh_from_db()
    assert bidan.puskesmas == cast.w.puskesmas_a


def test_bidan_puskesmas_follows_fasilitas_when_she_moves(cast):
    bidan = cast.profil_bidan_a2
    assert bidan.puskesmas == cast.w.puskesmas_a

    bidan.fasilitas = cast.induk_b
    bidan.save()

    bidan.refresh_from_db()
    assert bidan.puskesmas == cast.w.puskesmas_b


def test_bidan_at_rumah_sakit_is_rejected_by_clean(cast):
    bidan = Bidan(nama="Di RS", fasilitas=cast.rs_a)

    with pytest.raises(ValidationError) as exc:
        bidan.full_clean(exclude=["puskesmas"])

    assert "fasilitas" in exc.value.message_dict
    assert "bukan rumah sakit" in exc.value.message_dict["fasilitas"][0]


def test_bidan_at_network_facility_passes_clean(cast):
    Bidan(nama="Di Pustu", fasilitas=cast.pustu_a2).full_clean(exclude=["puskesmas"])


def test_tinggal_di_wilayah_layanan_true_when_she_lives_in_a_kelurahan_she_serves(cast):
    assert cast.profil_bidan_a.tinggal_di_wilayah_layanan is True


def test_tinggal_di_wilayah_layanan_false_when_she_lives_elsewhere(cast):
    # Serves A2, lives in B1.
    assert cast.profil_bidan_a2.tinggal_di_wilayah_layanan is False


def test_tinggal_di_wilayah_layanan_none_when_residence_unknown(cast):
    assert cast.profil_bidan_b.kelurahan_domisili is None
    assert cast.profil_bidan_b.tinggal_di_wilayah_layanan is None


def test_tinggal_di_wilayah_true_when_residence_is_one_of_several_kelurahan_served(cast):
    bidan = BidanFactory(fasilitas=cast.induk_a, kelurahan_layanan=[cast.w.a1, cast.w.a2],
                         kelurahan_domisili=cast.w.a2)
    assert bidan.tinggal_di_wilayah_layanan is True
    assert Bidan.objects.with_tinggal_di_wilayah().get(pk=bidan.pk).tinggal_di_wilayah is True


def test_with_tinggal_di_wilayah_annotation_agrees_with_the_property(cast):
    expected = {
        cast.profil_bidan_a.pk: True,
        cast.profil_bidan_a2.pk: False,
        cast.profil_bidan_b.pk: None,
        cast.profil_bidan_c.pk: None,
    }
    plain = {b.pk: b.tinggal_di_wilayah_layanan for b in Bidan.objects.all()}
    annotated = {b.pk: b.tinggal_di_wilayah_layanan for b in Bidan.objects.with_tinggal_di_wilayah()}

    assert plain == expected
    assert annotated == expected


def test_annotated_residency_needs_no_further_query(cast, django_assert_num_queries):
    bidan_list = list(Bidan.objects.with_tinggal_di_wilayah().order_by("pk"))

    with django_assert_num_queries(0):
        values = [b.tinggal_di_wilayah_layanan for b in bidan_list]

    assert values == [True, False, None, None]


# --- Fasilitas -----------------------------------------------------------------------------


@pytest.mark.parametrize("jenis", [JenisFasilitas.INDUK, JenisFasilitas.PUSTU, JenisFasilitas.POSKESDES,
                                   JenisFasilitas.PMB])
def test_network_fasilitas_outside_wilayah_kerja_fails_clean(cast, jenis):
    fasilitas = Fasilitas(jenis=jenis, nama="Salah tempat", puskesmas=cast.w.puskesmas_a, kelurahan=cast.w.b1)

    with pytest.raises(ValidationError) as exc:
        fasilitas.full_clean()

    assert "tidak termasuk wilayah kerja" in exc.value.message_dict["kelurahan"][0]


def test_network_fasilitas_in_kelurahan_of_no_puskesmas_fails_clean(cast):
    fasilitas = Fasilitas(jenis=JenisFasilitas.PUSTU, nama="Pustu Pasir Putih", puskesmas=cast.w.puskesmas_a,
                          kelurahan=cast.w.bebas)

    with pytest.raises(ValidationError) as exc:
        fasilitas.full_clean()

    assert "kelurahan" in exc.value.message_dict


def test_network_fasilitas_inside_wilayah_kerja_passes_clean(cast):
    Fasilitas(jenis=JenisFasilitas.PUSTU, nama="Pustu Penyengat", puskesmas=cast.w.puskesmas_a,
              kelurahan=cast.w.a1).full_clean()


def test_rumah_sakit_outside_wilayah_kerja_passes_clean(cast):
    Fasilitas(jenis=JenisFasilitas.RS, nama="RS Pakuan", puskesmas=cast.w.puskesmas_a,
              kelurahan=cast.w.b1).full_clean()


def test_invalid_jenis_fasilitas_is_refused_by_the_database(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        Fasilitas.objects.create(jenis="klinik", nama="Klinik", puskesmas=cast.w.puskesmas_a)


# --- BidanForm -----------------------------------------------------------------------------


def _bidan_data(fasilitas, layanan, **extra):
    return {
        "nama": "Nur Aisyah",
        "nomor_str": "",
        "telepon": "",
        "fasilitas": fasilitas.pk,
        "kelurahan_layanan": [k.pk for k in layanan],
        "kelurahan_domisili": "",
        "alamat_domisili": "",
        "aktif": "on",
        **extra,
    }


def test_bidan_form_rejects_kelurahan_outside_the_fasilitas_puskesmas(cast):
    # The administrator may choose any kelurahan, so the choice list does not hide the mistake.
    form = BidanForm(data=_bidan_data(cast.induk_a, [cast.w.a1, cast.w.b1]), user=cast.admin)

    assert not form.is_valid()
    message = form.errors["kelurahan_layanan"][0]
    assert "bukan wilayah kerja Puskesmas Aur Duri" in message
    assert "Pakuan Baru" in message
    assert "Penyengat Rendah" not in message


def test_bidan_form_accepts_kelurahan_of_the_fasilitas_puskesmas(cast):
    form = BidanForm(data=_bidan_data(cast.pustu_a2, [cast.w.a1, cast.w.a2]), user=cast.admin)

    assert form.is_valid(), form.errors


def test_bidan_form_offers_no_rumah_sakit(cast):
    form = BidanForm(data=_bidan_data(cast.rs_a, [cast.w.a1]), user=cast.bikor_a)

    assert not form.is_valid()
    assert "fasilitas" in form.errors
    assert cast.rs_a not in form.fields["fasilitas"].queryset


def test_bidan_form_of_bikor_offers_only_her_wilayah_kerja(cast):
    form = BidanForm(data=_bidan_data(cast.induk_a, [cast.w.b1]), user=cast.bikor_a)

    assert not form.is_valid()
    assert "kelurahan_layanan" in form.errors
    assert set(form.fields["kelurahan_layanan"].queryset) == {cast.w.a1, cast.w.a2}


# --- Puskesmas time zone -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("provinsi", "kabupaten", "zona"),
    [
        ("15", "15.71", ZonaWaktu.WIB),
        ("51", "51.71", ZonaWaktu.WITA),
        ("91", "91.01", ZonaWaktu.WIT),
    ],
)
def test_puskesmas_zona_waktu_is_derived_from_the_province(db, provinsi, kabupaten, zona):
    prov = ProvinsiFactory(kode=provinsi, nama=f"Provinsi {provinsi}")
    kab = KabupatenFactory(kode=kabupaten, nama=f"Kabupaten {kabupaten}", provinsi=prov)

    puskesmas = Puskesmas.objects.create(kode=f"P{provinsi}", nama="Uji", kabupaten=kab)

    puskesmas.refresh_from_db()
    assert puskesmas.zona_waktu == zona


def test_puskesmas_zona_waktu_given_explicitly_is_kept(db):
    kab = KabupatenFactory(kode="15.71")

    puskesmas = Puskesmas.objects.create(kode="PX", nama="Uji", kabupaten=kab, zona_waktu=ZonaWaktu.WITA)

    puskesmas.refresh_from_db()
    assert puskesmas.zona_waktu == ZonaWaktu.WITA


# --- Users ---------------------------------------------------------------------------------


def test_dinkes_user_without_kabupaten_is_refused_by_the_database(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(username="dinkes_tanpa_kab", role=Role.DINKES, kabupaten=None)


@pytest.mark.parametrize("role", [Role.BIDAN_KOORDINATOR, Role.KEPALA_PUSKESMAS])
def test_puskesmas_role_without_puskesmas_is_refused_by_the_database(db, role):
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(username=f"{role}_tanpa_puskesmas", role=role, puskesmas=None)


def test_unknown_role_is_refused_by_the_database(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(username="peran_aneh", role="lurah")


def test_roles_with_their_scope_are_accepted(wilayah):
    UserFactory(username="dinkes_ok", role=Role.DINKES, kabupaten=wilayah.kota)
    UserFactory(username="bikor_ok", role=Role.BIDAN_KOORDINATOR, puskesmas=wilayah.puskesmas_a)
    UserFactory(username="bidan_ok", role=Role.BIDAN)


# --- STR -----------------------------------------------------------------------------------


def test_several_bidan_may_have_an_empty_str(cast):
    BidanFactory(fasilitas=cast.induk_a, nomor_str="")
    BidanFactory(fasilitas=cast.induk_b, nomor_str="")

    assert Bidan.objects.filter(nomor_str="").count() == 6


def test_the_same_str_twice_is_refused_by_the_database(cast):
    BidanFactory(fasilitas=cast.induk_a, nomor_str="1571STR00001")

    with pytest.raises(IntegrityError), transaction.atomic():
        BidanFactory(fasilitas=cast.induk_b, nomor_str="1571STR00001")


def test_the_same_str_twice_fails_clean_with_a_message(cast):
    BidanFactory(fasilitas=cast.induk_a, nomor_str="1571STR00001")
    bidan = Bidan(nama="Kembar", fasilitas=cast.induk_b, nomor_str="1571STR00001")

    with pytest.raises(ValidationError):
        bidan.full_clean(exclude=["puskesmas"])


# --- History -------------------------------------------------------------------------------


def test_editing_a_bidan_writes_history_rows_with_the_user(client, cast):
    bidan = cast.profil_bidan_a2
    before = bidan.history.count()
    client.force_login(cast.bikor_a)

    response = client.post(
        reverse("puskesmas:bidan_update", args=[bidan.pk]),
        _bidan_data(cast.pustu_a2, [cast.w.a1, cast.w.a2], nama="Fitri Handayani, A.Md.Keb", telepon="0812-1111-2222"),
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    new_rows = list(bidan.history.order_by("-history_date", "-history_id")[: bidan.history.count() - before])
    assert new_rows, "no history row written"
    assert {row.history_user for row in new_rows} == {cast.bikor_a}
    latest = bidan.history.latest()
    assert latest.nama == "Fitri Handayani, A.Md.Keb"
    assert latest.telepon == "0812-1111-2222"
    # The kelurahan served are part of the history too.
    assert {row.kelurahan for row in latest.kelurahan_layanan.all()} == {cast.w.a1, cast.w.a2}
