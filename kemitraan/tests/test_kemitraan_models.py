"""Rules of a partnership and its written agreement, and of rewards/sanctions: in the model, the database,
the forms and the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from dukun.models import StatusDukun
from dukun.tests.factories import DukunFactory
from kemitraan.forms_kemitraan import KemitraanAkhiriForm, KemitraanForm, KemitraanUbahForm, PenghargaanForm
from kemitraan.models import JenisPembagianJasa, Kemitraan, PenghargaanSanksi, StatusKemitraan
from kemitraan.services_kemitraan import (
    cakupan_per_kelurahan,
    kemitraan_akhiri,
    kemitraan_create,
    kemitraan_update,
    mitra_dukun,
    pembagian_jasa_teks,
    pembagian_peran,
    penghargaan_create,
    penghargaan_update,
    perlu_ditinjau_teguran,
    with_jumlah_teguran,
)
from kemitraan.tests.factories import KemitraanFactory, PenghargaanSanksiFactory
from puskesmas.models import Kelurahan

SUDAH_AKTIF = "Bidan dan dukun ini sudah mempunyai kesepakatan yang aktif."
HARI_INI = timezone.localdate


def _messages(exc: ValidationError) -> dict[str, list[str]]:
    return {field: [str(m) for m in msgs] for field, msgs in exc.message_dict.items()}


def _kemitraan(cast, dukun, **fields) -> Kemitraan:
    """An unsaved partnership of bidan_a's profile (Puskesmas A) with `dukun`."""
    data = {"bidan": cast.profil_bidan_a, "dukun": dukun, "tanggal_mulai": HARI_INI() - dt.timedelta(days=30),
            "nilai_pembagian_jasa": Decimal("50000")}
    data.update(fields)
    return Kemitraan(**data)


def _form_data(cast, dukun, **overrides) -> dict:
    data = {
        "dukun": dukun.pk, "bidan": cast.profil_bidan_a.pk,
        "tanggal_mulai": (HARI_INI() - dt.timedelta(days=3)).isoformat(),
        "dukun_mengantar_bumil": "on", "dukun_mendampingi_persalinan": "on", "dukun_tidak_menolong_sendiri": "on",
        "bidan_menolong_persalinan": "on", "dukun_merawat_nifas": "on", "bidan_berbagi_jasa": "on",
        "bidan_membina_dukun": "on", "jenis_pembagian_jasa": JenisPembagianJasa.NOMINAL,
        "nilai_pembagian_jasa": "50000",
        "saksi_lurah": "", "saksi_camat": "", "saksi_kepala_puskesmas": "", "tanggal_tanda_tangan": "",
        "tanggal_tinjau": "", "catatan": "",
    }
    data.update(overrides)
    return data


# --- One active agreement per pair ------------------------------------------------------------


def test_database_refuses_a_second_active_agreement_for_the_same_pair(cast, dukun_set):
    KemitraanFactory(bidan=cast.profil_bidan_a, dukun=dukun_set.a1)
    with pytest.raises(IntegrityError), transaction.atomic():
        KemitraanFactory(bidan=cast.profil_bidan_a, dukun=dukun_set.a1)
    assert Kemitraan.objects.count() == 1


def test_database_allows_a_new_agreement_once_the_old_one_ended(cast, dukun_set):
    KemitraanFactory(bidan=cast.profil_bidan_a, dukun=dukun_set.a1, status=StatusKemitraan.BERAKHIR,
                     tanggal_berakhir=HARI_INI() - dt.timedelta(days=5), alasan_berakhir="Pindah tugas")
    KemitraanFactory(bidan=cast.profil_bidan_a, dukun=dukun_set.a1)
    assert Kemitraan.objects.filter(bidan=cast.profil_bidan_a, dukun=dukun_set.a1).count() == 2


def test_model_clean_names_the_existing_active_agreement_in_indonesian(cast, dukun_set):
    KemitraanFactory(bidan=cast.profil_bidan_a, dukun=dukun_set.a1)
    with pytest.raises(ValidationError) as exc:
        _kemitraan(cast, dukun_set.a1).full_clean()
    assert _messages(exc.value) == {"dukun": [SUDAH_AKTIF]}


def test_form_refuses_a_second_active_agreement_with_the_indonesian_message(cast, dukun_set):
    KemitraanFactory(bidan=cast.profil_bidan_a, dukun=dukun_set.a1)
    form = KemitraanForm(_form_data(cast, dukun_set.a1), user=cast.bikor_a)
    assert not form.is_valid()
    assert form.errors == {"dukun": [SUDAH_AKTIF]}


def test_service_turns_a_race_past_the_check_into_the_same_message_and_writes_nothing(cast, dukun_set):
    """Two people saving the same pair at once both pass full_clean(); the constraint stops the second."""
    KemitraanFactory(bidan=cast.profil_bidan_a, dukun=dukun_set.a1)
    with mock.patch.object(Kemitraan, "full_clean"), pytest.raises(ValidationError) as exc:
        kemitraan_create(bidan=cast.profil_bidan_a, dukun=dukun_set.a1, tanggal_mulai=HARI_INI(),
                         nilai_pembagian_jasa=Decimal("50000"))
    assert _messages(exc.value) == {"dukun": [SUDAH_AKTIF]}
    assert Kemitraan.objects.count() == 1


def test_a_dukun_may_have_several_partner_bidan_and_a_bidan_several_dukun(cast, dukun_set):
    kemitraan_create(bidan=cast.profil_bidan_a, dukun=dukun_set.a1, tanggal_mulai=HARI_INI(),
                     nilai_pembagian_jasa=Decimal("50000"))
    kemitraan_create(bidan=cast.profil_bidan_a2, dukun=dukun_set.a1, tanggal_mulai=HARI_INI(),
                     nilai_pembagian_jasa=Decimal("50000"))
    kemitraan_create(bidan=cast.profil_bidan_a, dukun=dukun_set.a2, tanggal_mulai=HARI_INI(),
                     jenis_pembagian_jasa=JenisPembagianJasa.TIDAK_ADA)
    assert Kemitraan.objects.aktif().filter(dukun=dukun_set.a1).count() == 2
    assert Kemitraan.objects.aktif().filter(bidan=cast.profil_bidan_a).count() == 2


# --- Other rules of the agreement ---------------------------------------------------------------


def test_bidan_and_dukun_must_belong_to_the_same_puskesmas(cast, dukun_set):
    with pytest.raises(ValidationError) as exc:
        _kemitraan(cast, dukun_set.b1).full_clean()
    assert _messages(exc.value) == {"bidan": ["Bidan dan dukun harus berada di Puskesmas yang sama."]}


def test_start_date_may_not_lie_in_the_future(cast, dukun_set):
    with pytest.raises(ValidationError) as exc:
        _kemitraan(cast, dukun_set.a1, tanggal_mulai=HARI_INI() + dt.timedelta(days=1)).full_clean()
    assert _messages(exc.value) == {"tanggal_mulai": ["Tanggal mulai tidak boleh di masa depan."]}
    _kemitraan(cast, dukun_set.a1, tanggal_mulai=HARI_INI()).full_clean()  # today is fine


def test_percentage_share_may_not_exceed_100(cast, dukun_set):
    with pytest.raises(ValidationError) as exc:
        _kemitraan(cast, dukun_set.a1, jenis_pembagian_jasa=JenisPembagianJasa.PERSEN,
                   nilai_pembagian_jasa=Decimal("101")).full_clean()
    assert _messages(exc.value) == {"nilai_pembagian_jasa": ["Persentase paling besar 100."]}
    _kemitraan(cast, dukun_set.a1, jenis_pembagian_jasa=JenisPembagianJasa.PERSEN,
               nilai_pembagian_jasa=Decimal("100")).full_clean()
    # An amount in rupiah is not a percentage: 150.000 is fine there.
    _kemitraan(cast, dukun_set.a1, nilai_pembagian_jasa=Decimal("150000")).full_clean()


def test_database_refuses_a_percentage_over_100(cast, dukun_set):
    with pytest.raises(IntegrityError), transaction.atomic():
        KemitraanFactory(bidan=cast.profil_bidan_a, dukun=dukun_set.a1, jenis_pembagian_jasa=JenisPembagianJasa.PERSEN,
                         nilai_pembagian_jasa=Decimal("150"))


def test_a_fee_share_needs_its_value_unless_there_is_none(cast, dukun_set):
    with pytest.raises(ValidationError) as exc:
        _kemitraan(cast, dukun_set.a1, nilai_pembagian_jasa=None).full_clean()
    assert _messages(exc.value) == {"nilai_pembagian_jasa": ["Isi nilai pembagian jasa."]}
    _kemitraan(cast, dukun_set.a1, jenis_pembagian_jasa=JenisPembagianJasa.TIDAK_ADA,
               nilai_pembagian_jasa=None).full_clean()


def test_form_drops_the_value_when_there_is_no_fee_share(cast, dukun_set):
    form = KemitraanForm(_form_data(cast, dukun_set.a1, jenis_pembagian_jasa=JenisPembagianJasa.TIDAK_ADA,
                                    nilai_pembagian_jasa="75000"), user=cast.bikor_a)
    assert form.is_valid(), form.errors
    k = kemitraan_create(**form.cleaned_data)
    assert k.nilai_pembagian_jasa is None


def test_review_date_may_not_precede_signing(cast, dukun_set):
    with pytest.raises(ValidationError) as exc:
        _kemitraan(cast, dukun_set.a1, tanggal_tanda_tangan=HARI_INI(),
                   tanggal_tinjau=HARI_INI() - dt.timedelta(days=1)).full_clean()
    assert _messages(exc.value) == {"tanggal_tinjau": ["Tanggal peninjauan tidak boleh sebelum penandatanganan."]}


def test_saving_copies_kelurahan_and_puskesmas_from_the_dukun(cast, dukun_set):
    k = kemitraan_create(bidan=cast.profil_bidan_a2, dukun=dukun_set.a2, tanggal_mulai=HARI_INI(),
                         nilai_pembagian_jasa=Decimal("50000"))
    k.refresh_from_db()
    assert (k.kelurahan, k.puskesmas, k.status) == (cast.w.a2, cast.w.puskesmas_a, StatusKemitraan.AKTIF)
    assert k.history.count() == 1


def test_update_never_changes_the_parties(cast, dukun_set):
    k = KemitraanFactory(bidan=cast.profil_bidan_a, dukun=dukun_set.a1)
    with pytest.raises(TypeError):
        kemitraan_update(kemitraan=k, dukun=dukun_set.a2)
    kemitraan_update(kemitraan=k, nilai_pembagian_jasa=Decimal("75000"))
    k.refresh_from_db()
    assert (k.dukun, k.nilai_pembagian_jasa) == (dukun_set.a1, Decimal("75000"))


def test_edit_form_reports_a_rule_on_a_field_it_does_not_show_instead_of_crashing(cast, dukun_set):
    """The dukun moved to Puskesmas B after the agreement: the edit form says so at the top."""
    k = KemitraanFactory(bidan=cast.profil_bidan_a, dukun=dukun_set.a1)
    dukun_set.a1.kelurahan = cast.w.b1
    dukun_set.a1.save()
    k.refresh_from_db()
    data = _form_data(cast, dukun_set.a1)
    del data["dukun"], data["bidan"]
    form = KemitraanUbahForm(data, instance=k, user=cast.admin)
    assert not form.is_valid()
    assert form.non_field_errors() == ["Bidan dan dukun harus berada di Puskesmas yang sama."]


# --- Ending a partnership ----------------------------------------------------------------------


def test_ending_needs_a_date_and_a_reason(cast, dukun_set):
    k = _kemitraan(cast, dukun_set.a1, status=StatusKemitraan.BERAKHIR)
    with pytest.raises(ValidationError) as exc:
        k.full_clean()
    assert _messages(exc.value) == {
        "tanggal_berakhir": ["Isi tanggal berakhirnya kemitraan."],
        "alasan_berakhir": ["Tuliskan alasan berakhirnya kemitraan."],
    }


def test_database_refuses_an_ended_partnership_without_end_date(cast, dukun_set):
    with pytest.raises(IntegrityError), transaction.atomic():
        KemitraanFactory(bidan=cast.profil_bidan_a, dukun=dukun_set.a1, status=StatusKemitraan.BERAKHIR,
                         alasan_berakhir="x")


def test_kemitraan_akhiri_ends_with_date_and_reason(cast, dukun_set):
    k = KemitraanFactory(bidan=cast.profil_bidan_a, dukun=dukun_set.a1)
    kemitraan_akhiri(kemitraan=k, tanggal_berakhir=HARI_INI(), alasan_berakhir="  Dukun pindah ke Muaro Jambi. ")
    k.refresh_from_db()
    assert (k.status, k.tanggal_berakhir, k.alasan_berakhir) == (
        StatusKemitraan.BERAKHIR, HARI_INI(), "Dukun pindah ke Muaro Jambi."
    )


@pytest.mark.parametrize(("tanggal", "alasan", "field", "message"), [
    (0, "   ", "alasan_berakhir", "Tuliskan alasan berakhirnya kemitraan."),
    (None, "Pindah", "tanggal_berakhir", "Isi tanggal berakhirnya kemitraan."),
    (1, "Pindah", "tanggal_berakhir", "Tanggal berakhir tidak boleh di masa depan."),
    (-300, "Pindah", "tanggal_berakhir", "Tanggal berakhir tidak boleh sebelum tanggal mulai."),
])
def test_kemitraan_akhiri_refuses_bad_input_and_writes_nothing(cast, dukun_set, tanggal, alasan, field, message):
    k = KemitraanFactory(bidan=cast.profil_bidan_a, dukun=dukun_set.a1)
    history = k.history.count()
    end = None if tanggal is None else HARI_INI() + dt.timedelta(days=tanggal)
    with pytest.raises(ValidationError) as exc:
        kemitraan_akhiri(kemitraan=Kemitraan.objects.get(pk=k.pk), tanggal_berakhir=end, alasan_berakhir=alasan)
    assert message in _messages(exc.value)[field]
    k.refresh_from_db()
    assert (k.status, k.tanggal_berakhir, k.alasan_berakhir, k.history.count()) == (
        StatusKemitraan.AKTIF, None, "", history
    )


def test_kemitraan_akhiri_refuses_a_partnership_that_already_ended(cast, dukun_set):
    k = KemitraanFactory(bidan=cast.profil_bidan_a, dukun=dukun_set.a1)
    kemitraan_akhiri(kemitraan=k, tanggal_berakhir=HARI_INI() - dt.timedelta(days=2), alasan_berakhir="Pertama")
    stale = Kemitraan.objects.get(pk=k.pk)
    stale.status = StatusKemitraan.AKTIF  # a second tab loaded before the first ended it
    with pytest.raises(ValidationError, match="sudah berakhir"):
        kemitraan_akhiri(kemitraan=stale, tanggal_berakhir=HARI_INI(), alasan_berakhir="Kedua")
    k.refresh_from_db()
    assert (k.tanggal_berakhir, k.alasan_berakhir) == (HARI_INI() - dt.timedelta(days=2), "Pertama")


def test_end_form_checks_date_against_start_and_today(cast, dukun_set):
    k = KemitraanFactory(bidan=cast.profil_bidan_a, dukun=dukun_set.a1)
    before = (k.tanggal_mulai - dt.timedelta(days=1)).isoformat()
    form = KemitraanAkhiriForm({"tanggal_berakhir": before, "alasan_berakhir": "Pindah"}, instance=k)
    assert form.errors == {"tanggal_berakhir": ["Tanggal berakhir tidak boleh sebelum tanggal mulai."]}
    form = KemitraanAkhiriForm({"tanggal_berakhir": "", "alasan_berakhir": ""}, instance=k)
    assert form.errors == {"tanggal_berakhir": ["Isi tanggal berakhirnya kemitraan."],
                           "alasan_berakhir": ["Tuliskan alasan berakhirnya kemitraan."]}


# --- What the pages show ------------------------------------------------------------------------


@pytest.mark.parametrize(("jenis", "nilai", "teks"), [
    (JenisPembagianJasa.NOMINAL, Decimal("50000"), "Rp 50.000 per persalinan"),
    (JenisPembagianJasa.NOMINAL, Decimal("1250000"), "Rp 1.250.000 per persalinan"),
    (JenisPembagianJasa.PERSEN, Decimal("10"), "10% dari jasa persalinan"),
    (JenisPembagianJasa.PERSEN, Decimal("12.5"), "12,5% dari jasa persalinan"),
    (JenisPembagianJasa.TIDAK_ADA, None, "Tidak ada pembagian jasa"),
])
def test_fee_share_is_written_the_indonesian_way(jenis, nilai, teks):
    assert pembagian_jasa_teks(Kemitraan(jenis_pembagian_jasa=jenis, nilai_pembagian_jasa=nilai)) == teks


def test_role_division_is_grouped_by_phase_with_what_was_agreed(cast, dukun_set):
    k = _kemitraan(cast, dukun_set.a1, dukun_merawat_nifas=False)
    peran = {t["tahap"]: [(b["pihak"], b["label"], b["disepakati"]) for b in t["butir"]] for t in pembagian_peran(k)}
    assert list(peran) == ["Masa kehamilan", "Persalinan", "Masa nifas", "Sepanjang kemitraan"]
    assert peran["Masa kehamilan"] == [("Dukun", "dukun mencari ibu hamil dan mengantarnya ke bidan", True)]
    assert ("Dukun", "dukun merawat ibu nifas dan bayi", False) in peran["Masa nifas"]
    assert ("Bidan", "bidan menolong persalinan", True) in peran["Persalinan"]
    assert sum(len(v) for v in peran.values()) == 7  # every checklist field of the model, once


def test_coverage_counts_active_dukun_with_an_active_agreement_once(cast, dukun_set, django_assert_num_queries):
    w = cast.w
    # a1: Siti Rohmah with two active partners, Juriah with an ended one only, Rukiah no longer attends births
    # (her active agreement does not count: coverage is over active dukun).
    juriah = DukunFactory(nama="Juriah", kelurahan=w.a1)
    rukiah = DukunFactory(nama="Rukiah", kelurahan=w.a1, status=StatusDukun.TIDAK_MENOLONG,
                          status_sejak=HARI_INI() - dt.timedelta(days=40))
    KemitraanFactory(bidan=cast.profil_bidan_a, dukun=dukun_set.a1)
    KemitraanFactory(bidan=cast.profil_bidan_a2, dukun=dukun_set.a1)
    KemitraanFactory(bidan=cast.profil_bidan_a, dukun=juriah, status=StatusKemitraan.BERAKHIR,
                     tanggal_berakhir=HARI_INI(), alasan_berakhir="x")
    KemitraanFactory(bidan=cast.profil_bidan_a, dukun=rukiah)
    # a2: Halimah, no partner. b1: Asiah with one.
    KemitraanFactory(bidan=cast.profil_bidan_b, dukun=dukun_set.b1)
    with django_assert_num_queries(1):
        rows = cakupan_per_kelurahan(Kelurahan.objects.filter(puskesmas__in=[w.puskesmas_a, w.puskesmas_b]))
    got = {r.nama: (r.dukun_aktif, r.dukun_bermitra, r.kemitraan_aktif, r.persen) for r in rows}
    assert got == {
        "Penyengat Rendah": (2, 1, 3, 50.0),
        "Teluk Kenali": (1, 0, 0, 0.0),
        "Pakuan Baru": (1, 1, 1, 100.0),
    }


def test_coverage_leaves_out_kelurahan_without_dukun_or_partnership(cast):
    assert cakupan_per_kelurahan(Kelurahan.objects.all()) == []


def test_partners_of_a_dukun_are_listed_within_the_user_scope(cast, dukun_set):
    KemitraanFactory(bidan=cast.profil_bidan_a, dukun=dukun_set.a1)
    KemitraanFactory(bidan=cast.profil_bidan_a2, dukun=dukun_set.a1, status=StatusKemitraan.BERAKHIR,
                     tanggal_berakhir=HARI_INI(), alasan_berakhir="x")
    assert [k.bidan.nama for k in mitra_dukun(dukun=dukun_set.a1, user=cast.bikor_a)] == [
        "Sri Mulyani", "Fitri Handayani"  # active first
    ]
    assert list(mitra_dukun(dukun=dukun_set.a1, user=cast.bikor_b)) == []


# --- Rewards and sanctions ----------------------------------------------------------------------


def test_three_written_warnings_flag_an_active_partnership_for_review_but_do_not_end_it(cast, dukun_set):
    k = KemitraanFactory(bidan=cast.profil_bidan_a, dukun=dukun_set.a1)
    PenghargaanSanksiFactory.create_batch(2, kemitraan=k)
    PenghargaanSanksiFactory(kemitraan=k, jenis="penghargaan")
    assert with_jumlah_teguran(Kemitraan.objects.all()).get().jumlah_teguran == 2
    assert not perlu_ditinjau_teguran(k, 2)
    penghargaan_create(jenis="teguran", tanggal=HARI_INI(), bentuk="Teguran ketiga", alasan="x", kemitraan=k)
    assert with_jumlah_teguran(Kemitraan.objects.all()).get().jumlah_teguran == 3
    k.refresh_from_db()
    assert k.status == StatusKemitraan.AKTIF
    assert perlu_ditinjau_teguran(k, 3)
    k.status = StatusKemitraan.BERAKHIR
    assert not perlu_ditinjau_teguran(k, 3)


def test_reward_belongs_to_the_puskesmas_of_whoever_receives_it(cast, dukun_set):
    k = KemitraanFactory(bidan=cast.profil_bidan_b, dukun=dukun_set.b1)
    assert penghargaan_create(jenis="penghargaan", tanggal=HARI_INI(), bentuk="Piagam", alasan="Rajin merujuk",
                              dukun=dukun_set.a1).puskesmas == cast.w.puskesmas_a
    assert penghargaan_create(jenis="sanksi", tanggal=HARI_INI(), bentuk="Skors", alasan="x",
                              bidan=cast.profil_bidan_c).puskesmas == cast.w.puskesmas_c
    p = penghargaan_create(jenis="teguran", tanggal=HARI_INI(), bentuk="Teguran", alasan="x", kemitraan=k,
                           dukun=dukun_set.b1)
    assert p.puskesmas == cast.w.puskesmas_b
    penghargaan_update(penghargaan=p, kemitraan=None, dukun=None, bidan=cast.profil_bidan_a)
    p.refresh_from_db()
    assert p.puskesmas == cast.w.puskesmas_a


def test_reward_needs_someone_to_receive_it(cast):
    with pytest.raises(ValidationError) as exc:
        penghargaan_create(jenis="penghargaan", tanggal=HARI_INI(), bentuk="Piagam", alasan="x")
    assert "Pilih dukun, bidan atau kemitraan yang menerima." in _messages(exc.value)["dukun"]
    assert not PenghargaanSanksi.objects.exists()


def test_reward_subjects_must_share_one_puskesmas(cast, dukun_set):
    k = KemitraanFactory(bidan=cast.profil_bidan_a, dukun=dukun_set.a1)
    with pytest.raises(ValidationError) as exc:
        penghargaan_create(jenis="teguran", tanggal=HARI_INI(), bentuk="Teguran", alasan="x", kemitraan=k,
                           bidan=cast.profil_bidan_b, dukun=dukun_set.c1)
    assert _messages(exc.value) == {"bidan": ["Bidan harus dari Puskesmas ini."],
                                    "dukun": ["Dukun harus dari wilayah kerja Puskesmas ini."]}
    assert not PenghargaanSanksi.objects.exists()


def test_reward_form_refuses_a_date_in_the_future(cast, dukun_set):
    form = PenghargaanForm({"jenis": "penghargaan", "tanggal": (HARI_INI() + dt.timedelta(days=1)).isoformat(),
                            "dukun": dukun_set.a1.pk, "bentuk": "Piagam", "alasan": "x"}, user=cast.bikor_a)
    assert form.errors == {"tanggal": ["Tanggal tidak boleh di masa depan."]}
