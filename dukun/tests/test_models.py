"""Rules of the dukun registry: model validation, database constraints, the form, counts and services."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from dukun.forms import DukunForm
from dukun.models import Dukun, StatusDukun
from dukun.services import dukun_create, dukun_update
from dukun.tests.factories import DukunFactory
from puskesmas.history import riwayat_perubahan
from puskesmas.tests.factories import BidanFactory


def _dukun(w, **fields) -> Dukun:
    return Dukun(**{"nama": "Rukiah", "kelurahan": w.a1, "tahun_lahir": 1960, **fields})


def _errors(dukun: Dukun) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as exc:
        dukun.full_clean()
    return exc.value.message_dict


# --- Status --------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [StatusDukun.TIDAK_MENOLONG, StatusDukun.PINDAH, StatusDukun.MENINGGAL])
def test_non_aktif_status_without_status_sejak_fails_clean(wilayah, status):
    errors = _errors(_dukun(wilayah, status=status))

    assert errors["status_sejak"] == ["Isi tanggal sejak kapan status ini berlaku."]


def test_non_aktif_status_with_status_sejak_passes_clean(wilayah):
    _dukun(wilayah, status=StatusDukun.PINDAH, status_sejak=date(2025, 1, 20)).full_clean()


def test_aktif_status_needs_no_status_sejak(wilayah):
    _dukun(wilayah, status=StatusDukun.AKTIF).full_clean()


def test_status_sejak_in_the_future_fails_clean(wilayah):
    besok = timezone.localdate() + timedelta(days=1)

    errors = _errors(_dukun(wilayah, status=StatusDukun.MENINGGAL, status_sejak=besok))

    assert errors["status_sejak"] == ["Tanggal status tidak boleh di masa depan."]


def test_status_sejak_today_passes_clean(wilayah):
    _dukun(wilayah, status=StatusDukun.MENINGGAL, status_sejak=timezone.localdate()).full_clean()


def test_database_refuses_non_aktif_status_without_date(wilayah):
    with pytest.raises(IntegrityError), transaction.atomic():
        Dukun.objects.create(nama="Tanpa tanggal", kelurahan=wilayah.a1, status=StatusDukun.PINDAH)


def test_database_refuses_unknown_status(wilayah):
    with pytest.raises(IntegrityError), transaction.atomic():
        Dukun.objects.create(nama="Status aneh", kelurahan=wilayah.a1, status="cuti", status_sejak=date(2025, 1, 1))


# --- Location ------------------------------------------------------------------------------


@pytest.mark.parametrize(("lat", "lng"), [(Decimal("-1.59"), None), (None, Decimal("103.57"))])
def test_only_one_gps_coordinate_fails_clean(wilayah, lat, lng):
    errors = _errors(_dukun(wilayah, latitude=lat, longitude=lng))

    assert errors["longitude"] == ["Isi lintang dan bujur bersama-sama, atau kosongkan keduanya."]


@pytest.mark.parametrize(("lat", "lng"), [(Decimal("-1.59"), None), (None, Decimal("103.57"))])
def test_database_refuses_only_one_gps_coordinate(wilayah, lat, lng):
    with pytest.raises(IntegrityError), transaction.atomic():
        Dukun.objects.create(nama="Setengah lokasi", kelurahan=wilayah.a1, latitude=lat, longitude=lng)


def test_both_gps_coordinates_pass_clean(wilayah):
    dukun = _dukun(wilayah, latitude=Decimal("-1.590200"), longitude=Decimal("103.570100"))
    dukun.full_clean()
    assert dukun.punya_lokasi


@pytest.mark.parametrize("lat", [Decimal("7.0"), Decimal("-12.0"), Decimal("45.0")])
def test_latitude_outside_indonesia_fails_clean(wilayah, lat):
    errors = _errors(_dukun(wilayah, latitude=lat, longitude=Decimal("103.57")))

    assert "latitude" in errors


@pytest.mark.parametrize("lng", [Decimal("90.0"), Decimal("150.0")])
def test_longitude_outside_indonesia_fails_clean(wilayah, lng):
    errors = _errors(_dukun(wilayah, latitude=Decimal("-1.59"), longitude=lng))

    assert "longitude" in errors


# --- Other fields --------------------------------------------------------------------------


def test_tahun_lahir_of_someone_younger_than_15_fails_clean(wilayah):
    errors = _errors(_dukun(wilayah, tahun_lahir=timezone.localdate().year - 10))

    assert errors["tahun_lahir"] == ["Tahun lahir tidak masuk akal: dukun berumur sedikitnya 15 tahun."]


def test_tahun_lahir_of_someone_aged_15_passes_clean(wilayah):
    _dukun(wilayah, tahun_lahir=timezone.localdate().year - 15).full_clean()


def test_tahun_lahir_before_1900_fails_clean(wilayah):
    assert "tahun_lahir" in _errors(_dukun(wilayah, tahun_lahir=1850))


@pytest.mark.parametrize("value", ["4", "04", "004"])
def test_rt_rw_of_one_to_three_digits_pass_clean(wilayah, value):
    _dukun(wilayah, rt=value, rw=value).full_clean()


@pytest.mark.parametrize("value", ["A1", "4a", "-1", "0041", "4 "])
def test_rt_rw_not_one_to_three_digits_fail_clean(wilayah, value):
    errors = _errors(_dukun(wilayah, rt=value, rw=value))

    assert "rt" in errors
    assert "rw" in errors


def test_dukun_in_kelurahan_outside_every_wilayah_kerja_fails_clean(wilayah):
    errors = _errors(_dukun(wilayah, kelurahan=wilayah.bebas))

    assert errors["kelurahan"] == ["Kelurahan/desa ini belum masuk wilayah kerja Puskesmas mana pun."]


# --- DukunForm -----------------------------------------------------------------------------


def _form_data(dukun: Dukun, **changes) -> dict:
    data = {
        "nama": dukun.nama,
        "nama_panggilan": dukun.nama_panggilan,
        "tahun_lahir": dukun.tahun_lahir or "",
        "kelurahan": dukun.kelurahan_id,
        "alamat": dukun.alamat,
        "rt": dukun.rt,
        "rw": dukun.rw,
        "telepon": dukun.telepon,
        "lama_praktik_tahun": dukun.lama_praktik_tahun or "",
        "status": dukun.status,
        "status_sejak": dukun.status_sejak.isoformat() if dukun.status_sejak else "",
        "latitude": dukun.latitude if dukun.latitude is not None else "",
        "longitude": dukun.longitude if dukun.longitude is not None else "",
        "versi": dukun.versi if dukun.pk else "",  # an edit form carries the version it was loaded with
        "dikenal_oleh": [b.pk for b in dukun.dikenal_oleh.all()] if dukun.pk else [],
        "catatan": dukun.catatan,
    }
    if dukun.bisa_baca_tulis:
        data["bisa_baca_tulis"] = "on"
    data.update(changes)
    return data


def test_dukun_form_rejects_status_change_without_new_status_date(cast):
    dukun = DukunFactory(kelurahan=cast.w.a1, status=StatusDukun.PINDAH, status_sejak=date(2025, 1, 20))

    form = DukunForm(_form_data(dukun, status=StatusDukun.MENINGGAL), instance=dukun, user=cast.bikor_a)

    assert not form.is_valid()
    assert form.errors["status_sejak"] == ["Status berubah: isi tanggal perubahan status."]


def test_dukun_form_rejects_status_change_from_aktif_without_date(cast):
    dukun = DukunFactory(kelurahan=cast.w.a1)

    form = DukunForm(_form_data(dukun, status=StatusDukun.TIDAK_MENOLONG), instance=dukun, user=cast.bikor_a)

    assert not form.is_valid()
    assert "Status berubah: isi tanggal perubahan status." in form.errors["status_sejak"]


def test_dukun_form_accepts_status_change_with_its_date(cast):
    dukun = DukunFactory(kelurahan=cast.w.a1, status=StatusDukun.PINDAH, status_sejak=date(2025, 1, 20))

    form = DukunForm(_form_data(dukun, status=StatusDukun.MENINGGAL, status_sejak="2026-02-03"), instance=dukun,
                     user=cast.bikor_a)

    assert form.is_valid(), form.errors


def test_dukun_form_accepts_other_changes_when_status_is_unchanged(cast):
    dukun = DukunFactory(kelurahan=cast.w.a1, status=StatusDukun.PINDAH, status_sejak=date(2025, 1, 20))

    form = DukunForm(_form_data(dukun, nama="Rukiah binti Ahmad"), instance=dukun, user=cast.bikor_a)

    assert form.is_valid(), form.errors


def test_dukun_form_rejects_bidan_of_another_puskesmas(cast):
    # The administrator sees every bidan, so only the rule itself can stop the mistake.
    dukun = Dukun(nama="Rukiah", kelurahan=cast.w.a1, tahun_lahir=1960)

    form = DukunForm(_form_data(dukun, dikenal_oleh=[cast.profil_bidan_a.pk, cast.profil_bidan_b.pk]),
                     user=cast.admin)

    assert not form.is_valid()
    assert form.errors["dikenal_oleh"] == ["Bidan berikut bukan dari Puskesmas kelurahan ini: Ratna Juwita."]


def test_dukun_form_accepts_bidan_of_the_kelurahan_puskesmas(cast):
    dukun = Dukun(nama="Rukiah", kelurahan=cast.w.a1, tahun_lahir=1960)

    form = DukunForm(_form_data(dukun, dikenal_oleh=[cast.profil_bidan_a.pk, cast.profil_bidan_a2.pk]),
                     user=cast.admin)

    assert form.is_valid(), form.errors


def test_dukun_form_of_bikor_offers_only_bidan_of_her_puskesmas(cast):
    form = DukunForm(user=cast.bikor_a)

    assert set(form.fields["dikenal_oleh"].queryset) == {cast.profil_bidan_a, cast.profil_bidan_a2}
    assert set(form.fields["kelurahan"].queryset) == {cast.w.a1, cast.w.a2}


# --- Counts --------------------------------------------------------------------------------


@pytest.fixture
def registri(cast):
    """A1: 3 dukun (2 aktif, 1 baca tulis, 2 known — one by two bidan); A2: 2 dukun (none known)."""
    w = cast.w
    return {
        "a1_known_twice": DukunFactory(kelurahan=w.a1, bisa_baca_tulis=True,
                                       dikenal_oleh=[cast.profil_bidan_a, cast.profil_bidan_a2]),
        "a1_known_once": DukunFactory(kelurahan=w.a1, dikenal_oleh=[cast.profil_bidan_a]),
        "a1_pindah": DukunFactory(kelurahan=w.a1, status=StatusDukun.PINDAH, status_sejak=date(2025, 1, 1)),
        "a2_aktif": DukunFactory(kelurahan=w.a2, bisa_baca_tulis=True),
        "a2_meninggal": DukunFactory(kelurahan=w.a2, status=StatusDukun.MENINGGAL, status_sejak=date(2024, 5, 1),
                                     bisa_baca_tulis=True),
        "b1": DukunFactory(kelurahan=w.b1, dikenal_oleh=[cast.profil_bidan_b]),
    }


def test_per_kelurahan_counts_each_dukun_once(cast, registri):
    rows = list(Dukun.objects.filter(kelurahan__puskesmas=cast.w.puskesmas_a).per_kelurahan())

    assert rows == [
        {"kelurahan": cast.w.a1.pk, "kelurahan__nama": "Penyengat Rendah", "jumlah": 3, "aktif": 2,
         "bisa_baca_tulis": 1, "dikenal_bidan": 2},
        {"kelurahan": cast.w.a2.pk, "kelurahan__nama": "Teluk Kenali", "jumlah": 2, "aktif": 1,
         "bisa_baca_tulis": 2, "dikenal_bidan": 0},
    ]


def test_per_kelurahan_is_one_query(cast, registri, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = list(Dukun.objects.all().per_kelurahan())

    assert [r["kelurahan__nama"] for r in rows] == ["Pakuan Baru", "Penyengat Rendah", "Teluk Kenali"]


def test_with_dikenal_marks_dukun_known_by_at_least_one_bidan(cast, registri):
    dikenal = {d.pk: d.dikenal for d in Dukun.objects.with_dikenal()}

    assert dikenal == {
        registri["a1_known_twice"].pk: True,
        registri["a1_known_once"].pk: True,
        registri["a1_pindah"].pk: False,
        registri["a2_aktif"].pk: False,
        registri["a2_meninggal"].pk: False,
        registri["b1"].pk: True,
    }


def test_with_dikenal_does_not_duplicate_rows(cast, registri):
    assert Dukun.objects.with_dikenal().count() == 6
    assert Dukun.objects.with_dikenal().filter(dikenal=True).count() == 3


# --- Services ------------------------------------------------------------------------------


def test_dukun_create_keeps_dicatat_oleh_and_writes_history(cast):
    dukun = dukun_create(dicatat_oleh=cast.bikor_a, dikenal_oleh=[cast.profil_bidan_a], nama="Jamilah",
                         kelurahan=cast.w.a1, tahun_lahir=1962)

    dukun.refresh_from_db()
    assert dukun.dicatat_oleh == cast.bikor_a
    assert list(dukun.dikenal_oleh.all()) == [cast.profil_bidan_a]
    assert dukun.history.filter(history_type="+").count() == 1
    latest = dukun.history.latest()
    assert [row.bidan_id for row in latest.dikenal_oleh.all()] == [cast.profil_bidan_a.pk]


def test_dukun_create_refuses_invalid_data_and_writes_nothing(cast):
    with pytest.raises(ValidationError):
        dukun_create(dicatat_oleh=cast.bikor_a, nama="Tanpa tanggal", kelurahan=cast.w.a1,
                     status=StatusDukun.PINDAH)

    assert not Dukun.objects.filter(nama="Tanpa tanggal").exists()
    assert not Dukun.history.filter(nama="Tanpa tanggal").exists()


def test_dukun_update_keeps_dicatat_oleh(cast):
    dukun = dukun_create(dicatat_oleh=cast.bikor_a, nama="Jamilah", kelurahan=cast.w.a1, tahun_lahir=1962)
    dicatat_pada = dukun.dicatat_pada

    dukun_update(dukun=dukun, nama="Jamilah binti Usman", rt="011")

    dukun.refresh_from_db()
    assert dukun.nama == "Jamilah binti Usman"
    assert dukun.dicatat_oleh == cast.bikor_a
    assert dukun.dicatat_pada == dicatat_pada


def test_dukun_update_writes_field_and_dikenal_oleh_changes_to_history(cast):
    dukun = dukun_create(dicatat_oleh=cast.bikor_a, dikenal_oleh=[cast.profil_bidan_a], nama="Jamilah",
                         kelurahan=cast.w.a1, tahun_lahir=1962)
    rows_before = dukun.history.count()
    before = dukun.history.latest()
    assert [row.bidan_id for row in before.dikenal_oleh.all()] == [cast.profil_bidan_a.pk]

    dukun_update(dukun=dukun, dikenal_oleh=[cast.profil_bidan_a2], rt="011")

    assert dukun.history.count() > rows_before
    latest = dukun.history.latest()
    assert latest.rt == "011"
    assert [row.bidan_id for row in latest.dikenal_oleh.all()] == [cast.profil_bidan_a2.pk]

    # As the "Riwayat perubahan" page shows it.
    perubahan = [p for entri in riwayat_perubahan(dukun) for p in entri.perubahan]
    dikenal = [p for p in perubahan if p.label == "dikenal oleh bidan"]
    assert dikenal, perubahan
    assert any(p.baru == "Fitri Handayani" for p in dikenal)
    assert any(p.lama == "Sri Mulyani" for p in dikenal)
    assert any(p.label == "RT" and p.baru == "011" for p in perubahan)


def test_dukun_update_without_dikenal_oleh_leaves_it_alone(cast):
    dukun = dukun_create(dicatat_oleh=cast.bikor_a, dikenal_oleh=[cast.profil_bidan_a], nama="Jamilah",
                         kelurahan=cast.w.a1, tahun_lahir=1962)

    dukun_update(dukun=dukun, nama="Jamilah binti Usman")

    assert list(dukun.dikenal_oleh.all()) == [cast.profil_bidan_a]


def test_dukun_update_refuses_invalid_data_and_keeps_the_row(cast):
    dukun = dukun_create(dicatat_oleh=cast.bikor_a, nama="Jamilah", kelurahan=cast.w.a1, tahun_lahir=1962)
    rows_before = dukun.history.count()

    with pytest.raises(ValidationError):
        dukun_update(dukun=dukun, status=StatusDukun.MENINGGAL, dikenal_oleh=[cast.profil_bidan_a])

    dukun.refresh_from_db()
    assert dukun.status == StatusDukun.AKTIF
    assert not dukun.dikenal_oleh.exists()
    assert dukun.history.count() == rows_before


def test_per_kelurahan_ignores_bidan_who_know_no_dukun(cast, registri):
    # A bidan who knows no dukun changes nothing in the counts.
    BidanFactory(fasilitas=cast.induk_a, kelurahan_layanan=[cast.w.a1])
    rows = {r["kelurahan__nama"]: r["dikenal_bidan"] for r in Dukun.objects.per_kelurahan()}
    assert rows == {"Pakuan Baru": 1, "Penyengat Rendah": 2, "Teluk Kenali": 0}


def test_creating_a_dukun_with_bidan_is_one_history_entry(cast):
    dukun = dukun_create(
        dicatat_oleh=cast.bikor_a, dikenal_oleh=[cast.profil_bidan_a], nama="Satu Entri", kelurahan=cast.w.a1
    )
    assert [r.history_type for r in dukun.history.all()] == ["+"]
    assert list(dukun.history.get().dikenal_oleh.values_list("bidan", flat=True)) == [cast.profil_bidan_a.pk]


def test_editing_fields_and_bidan_together_is_one_history_entry(cast):
    dukun = dukun_create(dicatat_oleh=cast.bikor_a, nama="Dua Hal", kelurahan=cast.w.a1)
    dukun_update(dukun=dukun, dikenal_oleh=[cast.profil_bidan_a], nama_panggilan="Mak Dua")
    assert [r.history_type for r in dukun.history.order_by("history_id")] == ["+", "~"]
    labels = {p.label for p in riwayat_perubahan(dukun)[0].perubahan}
    assert labels == {"nama panggilan", "dikenal oleh bidan"}
