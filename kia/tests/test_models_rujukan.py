"""Rules of referrals: who refers to whom, times in order and not in the future, status only forward."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kia import services
from kia.models import JenisRujukan, Rujukan, StatusRujukan
from kia.tests.factories import IbuFactory, RujukanFactory
from kia.views_rujukan import lama_teks

pytestmark = pytest.mark.django_db


@pytest.fixture
def ibu(cast):
    return IbuFactory(nama="Rina Marlina", kelurahan=cast.w.a1)


def _buat(cast, ibu, **fields) -> Rujukan:
    data = {"jenis": JenisRujukan.DUKUN_KE_BIDAN, "waktu_rujuk": timezone.now() - dt.timedelta(hours=3),
            "bidan": cast.profil_bidan_a, "alasan": "Perdarahan", "tanda_bahaya": ["perdarahan"], **fields}
    return services.rujukan_create(ibu=ibu, dicatat_oleh=cast.bidan_a, **data)


def _snapshot(r: Rujukan):
    r.refresh_from_db()
    return (r.status, r.waktu_diterima, r.waktu_ditangani, r.waktu_batal, r.alasan_penolakan, r.keterangan_status)


# --- Creating ----------------------------------------------------------------------------------------


def test_a_referral_starts_as_dirujuk_whatever_is_passed(cast, ibu, dukun_set):
    r = _buat(cast, ibu, dukun=dukun_set.a1, status=StatusRujukan.DITANGANI, waktu_diterima=timezone.now())
    assert r.status == StatusRujukan.DIRUJUK
    assert r.waktu_diterima is None
    assert (r.kelurahan, r.puskesmas) == (cast.w.a1, cast.w.puskesmas_a)


def test_a_dukun_referral_names_the_dukun(cast, ibu):
    with pytest.raises(ValidationError) as exc:
        _buat(cast, ibu)
    assert "dukun" in exc.value.message_dict
    assert not Rujukan.objects.exists()


def test_a_facility_referral_names_the_facility(cast, ibu):
    with pytest.raises(ValidationError) as exc:
        _buat(cast, ibu, jenis=JenisRujukan.BIDAN_KE_FASILITAS)
    assert "fasilitas_tujuan" in exc.value.message_dict
    r = _buat(cast, ibu, jenis=JenisRujukan.BIDAN_KE_FASILITAS, fasilitas_tujuan=cast.rs_a)
    assert r.fasilitas_tujuan == cast.rs_a


@pytest.mark.parametrize("field", ["dukun", "bidan", "fasilitas_tujuan"])
def test_dukun_bidan_and_facility_belong_to_the_mothers_puskesmas(cast, ibu, dukun_set, field):
    other = {"dukun": dukun_set.b1, "bidan": cast.profil_bidan_b, "fasilitas_tujuan": cast.induk_b}
    fields = {"dukun": dukun_set.a1, field: other[field]}
    with pytest.raises(ValidationError) as exc:
        _buat(cast, ibu, **fields)
    assert field in exc.value.message_dict


def test_referral_time_not_in_the_future(cast, ibu, dukun_set):
    with pytest.raises(ValidationError) as exc:
        _buat(cast, ibu, dukun=dukun_set.a1, waktu_rujuk=timezone.now() + dt.timedelta(minutes=5))
    assert "waktu_rujuk" in exc.value.message_dict


def test_danger_signs_known_and_other_explained(cast, ibu, dukun_set):
    with pytest.raises(ValidationError) as exc:
        _buat(cast, ibu, dukun=dukun_set.a1, tanda_bahaya=["pusing"])
    assert "tanda_bahaya" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _buat(cast, ibu, dukun=dukun_set.a1, tanda_bahaya=["lainnya"])
    assert "tanda_bahaya_lainnya" in exc.value.message_dict


def test_update_changes_details_never_the_status(cast, ibu, dukun_set):
    r = _buat(cast, ibu, dukun=dukun_set.a1)
    services.rujukan_update(rujukan=r, alasan="Ketuban pecah")
    assert Rujukan.objects.get(pk=r.pk).alasan == "Ketuban pecah"
    with pytest.raises(ValueError):
        services.rujukan_update(rujukan=r, status=StatusRujukan.DITANGANI)


def test_update_keeps_the_referral_before_the_arrival(cast, ibu, dukun_set):
    r = _buat(cast, ibu, dukun=dukun_set.a1)
    r = services.rujukan_ubah_status(rujukan=r, status=StatusRujukan.DITERIMA,
                                     waktu=r.waktu_rujuk + dt.timedelta(hours=1))
    with pytest.raises(ValidationError) as exc:
        services.rujukan_update(rujukan=r, waktu_rujuk=r.waktu_diterima + dt.timedelta(minutes=1))
    assert "waktu_diterima" in exc.value.message_dict


# --- Status ------------------------------------------------------------------------------------------


def test_arrived_then_handled_keeps_each_time(cast, ibu, dukun_set):
    r = _buat(cast, ibu, dukun=dukun_set.a1)
    sampai = r.waktu_rujuk + dt.timedelta(hours=1, minutes=30)
    r = services.rujukan_ubah_status(rujukan=r, status=StatusRujukan.DITERIMA, waktu=sampai)
    assert r.lama_sampai == dt.timedelta(hours=1, minutes=30)
    assert r.langkah_berikut() == (StatusRujukan.DITANGANI,)
    r = services.rujukan_ubah_status(rujukan=r, status=StatusRujukan.DITANGANI, waktu=sampai + dt.timedelta(minutes=10))
    assert (r.waktu_diterima, r.waktu_ditangani) == (sampai, sampai + dt.timedelta(minutes=10))
    assert r.selesai


@pytest.mark.parametrize("status,waktu_relatif", [
    (StatusRujukan.DITERIMA, -dt.timedelta(minutes=1)),  # arrived before she was referred
    (StatusRujukan.DITERIMA, dt.timedelta(days=5)),  # in the future (referred 3 hours ago)
    (StatusRujukan.TIDAK_SAMPAI, -dt.timedelta(hours=1)),
    (StatusRujukan.DITANGANI, dt.timedelta(hours=1)),  # handled without arriving: not a next step
    (StatusRujukan.DIRUJUK, dt.timedelta(hours=1)),
    ("hilang", dt.timedelta(hours=1)),
])
def test_a_refused_step_changes_nothing(cast, ibu, dukun_set, status, waktu_relatif):
    r = _buat(cast, ibu, dukun=dukun_set.a1)
    before = _snapshot(r)
    with pytest.raises(ValidationError):
        services.rujukan_ubah_status(rujukan=r, status=status, waktu=r.waktu_rujuk + waktu_relatif)
    assert _snapshot(r) == before


def test_handled_before_arrival_is_refused(cast, ibu, dukun_set):
    r = _buat(cast, ibu, dukun=dukun_set.a1)
    sampai = r.waktu_rujuk + dt.timedelta(hours=1)
    r = services.rujukan_ubah_status(rujukan=r, status=StatusRujukan.DITERIMA, waktu=sampai)
    with pytest.raises(ValidationError) as exc:
        services.rujukan_ubah_status(rujukan=r, status=StatusRujukan.DITANGANI, waktu=sampai - dt.timedelta(minutes=1))
    assert "waktu_ditangani" in exc.value.message_dict
    assert _snapshot(r)[0] == StatusRujukan.DITERIMA


@pytest.mark.parametrize("akhir", [StatusRujukan.DITOLAK_KELUARGA, StatusRujukan.TIDAK_SAMPAI, StatusRujukan.DITANGANI])
def test_final_states_never_move_again(cast, ibu, dukun_set, akhir):
    r = _buat(cast, ibu, dukun=dukun_set.a1)
    t = r.waktu_rujuk + dt.timedelta(hours=1)
    if akhir == StatusRujukan.DITANGANI:
        r = services.rujukan_ubah_status(rujukan=r, status=StatusRujukan.DITERIMA, waktu=t)
    r = services.rujukan_ubah_status(rujukan=r, status=akhir, waktu=t, alasan_penolakan="biaya")
    assert r.selesai
    before = _snapshot(r)
    for status in StatusRujukan.values:
        with pytest.raises(ValidationError):
            services.rujukan_ubah_status(rujukan=r, status=status, waktu=t, alasan_penolakan="jarak")
    assert _snapshot(r) == before


def test_refusal_keeps_its_reason_and_other_needs_an_explanation(cast, ibu, dukun_set):
    r = _buat(cast, ibu, dukun=dukun_set.a1)
    t = r.waktu_rujuk + dt.timedelta(minutes=20)
    with pytest.raises(ValidationError) as exc:
        services.rujukan_ubah_status(rujukan=r, status=StatusRujukan.DITOLAK_KELUARGA, waktu=t,
                                     alasan_penolakan="lainnya")
    assert "keterangan_status" in exc.value.message_dict
    r = services.rujukan_ubah_status(rujukan=r, status=StatusRujukan.DITOLAK_KELUARGA, waktu=t,
                                     alasan_penolakan="lainnya", keterangan="Menunggu suami pulang")
    assert (r.status, r.waktu_batal, r.alasan_penolakan) == (StatusRujukan.DITOLAK_KELUARGA, t, "lainnya")
    assert r.keterangan_status == "Menunggu suami pulang"


def test_did_not_arrive_keeps_no_refusal_reason(cast, ibu, dukun_set):
    r = _buat(cast, ibu, dukun=dukun_set.a1)
    t = r.waktu_rujuk + dt.timedelta(hours=2)
    r = services.rujukan_ubah_status(rujukan=r, status=StatusRujukan.TIDAK_SAMPAI, waktu=t, alasan_penolakan="biaya")
    assert (r.status, r.waktu_batal, r.alasan_penolakan) == (StatusRujukan.TIDAK_SAMPAI, t, "")


# --- Counts and durations ------------------------------------------------------------------------------


def test_summary_counts_in_one_query(cast, ibu, dukun_set, django_assert_num_queries):
    t = timezone.now() - dt.timedelta(days=1)
    RujukanFactory(ibu=ibu, dukun=dukun_set.a1)
    RujukanFactory(ibu=ibu, dukun=dukun_set.a1, status=StatusRujukan.DITERIMA, waktu_diterima=t)
    RujukanFactory(ibu=ibu, dukun=dukun_set.a1, status=StatusRujukan.DITANGANI, waktu_diterima=t, waktu_ditangani=t)
    RujukanFactory(ibu=ibu, dukun=dukun_set.a1, status=StatusRujukan.DITOLAK_KELUARGA, waktu_batal=t,
                   alasan_penolakan="biaya")
    RujukanFactory(ibu=ibu, jenis=JenisRujukan.BIDAN_KE_FASILITAS, fasilitas_tujuan=cast.rs_a,
                   status=StatusRujukan.TIDAK_SAMPAI, waktu_batal=t)
    with django_assert_num_queries(1):
        ringkasan = Rujukan.objects.ringkasan()
    assert ringkasan == {"jumlah": 5, "dari_dukun": 4, "sampai": 2, "ditangani": 1, "ditolak": 1, "tidak_sampai": 1}


@pytest.mark.parametrize("durasi,teks", [
    (dt.timedelta(hours=1, minutes=30), "1 jam 30 menit"),
    (dt.timedelta(minutes=15, seconds=40), "15 menit"),
    (dt.timedelta(hours=2), "2 jam"),
    (dt.timedelta(days=2, hours=3, minutes=5), "2 hari 3 jam"),
    (dt.timedelta(seconds=20), "kurang dari 1 menit"),
    (None, ""),
])
def test_time_to_arrival_as_people_say_it(durasi, teks):
    assert lama_teks(durasi) == teks
