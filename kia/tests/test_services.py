"""The write path: deliveries with babies, referral steps and the alerts they raise."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kemitraan.models import Notifikasi
from kemitraan.tests.factories import KemitraanFactory
from kia import services
from kia.models import JenisKajian, KajianKasus, Penolong, StatusRujukan, TempatPersalinan
from kia.tests.factories import IbuFactory, RujukanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ibu(cast):
    return IbuFactory(nama="Rina Marlina", kelurahan=cast.w.a1)


def _bayi(**kw):
    return {"jenis_kelamin": "p", "berat_lahir_gram": 3000, "status_lahir": "lahir_hidup", **kw}


def test_delivery_with_twins_one_low_birth_weight(cast, ibu):
    hari = timezone.localdate() - dt.timedelta(days=3)
    p = services.persalinan_create(
        ibu=ibu, dicatat_oleh=cast.bidan_a, tanggal=hari, tempat=TempatPersalinan.PUSKESMAS,
        penolong=Penolong.BIDAN, bidan=cast.profil_bidan_a,
        bayi=[_bayi(), _bayi(berat_lahir_gram=2100, jenis_kelamin="l")],
    )
    babies = list(p.bayi.order_by("urutan"))
    assert [b.urutan for b in babies] == [1, 2]
    assert [b.bblr for b in babies] == [False, True]
    assert {b.kelurahan_id for b in babies} == {cast.w.a1.pk}
    assert p.puskesmas_id == cast.w.puskesmas_a.pk
    assert not KajianKasus.objects.exists()


def test_bad_baby_writes_nothing_and_names_the_baby(cast, ibu):
    with pytest.raises(services.PersalinanTidakValid) as exc:
        services.persalinan_create(
            ibu=ibu, dicatat_oleh=cast.bidan_a, tanggal=timezone.localdate(), tempat="puskesmas", penolong="bidan",
            bidan=cast.profil_bidan_a, bayi=[_bayi(), _bayi(berat_lahir_gram=7000)],
        )
    assert set(exc.value.bayi) == {1}
    assert "berat_lahir_gram" in exc.value.bayi[1]
    assert not ibu.persalinan.exists()


def test_dukun_alone_raises_one_alert_and_notifies_bikor_and_kapus(cast, ibu, dukun_set):
    p = services.persalinan_create(
        ibu=ibu, dicatat_oleh=cast.bidan_a, tanggal=timezone.localdate() - dt.timedelta(days=1),
        tempat="rumah", penolong=Penolong.DUKUN, dukun=dukun_set.a1, bayi=[_bayi()],
    )
    assert list(KajianKasus.objects.values_list("jenis", flat=True)) == [JenisKajian.DUKUN_SENDIRI]
    assert set(Notifikasi.objects.values_list("penerima__username", flat=True)) == {"bikor_a", "kapus_a"}
    # Saving again, or raising again, raises nothing new.
    services.persalinan_update(persalinan=p, catatan="dikunjungi")
    services.naikkan_kajian([p])
    assert KajianKasus.objects.count() == 1
    assert Notifikasi.objects.count() == 2


def test_neonatal_death_raised_when_recorded_later(cast, ibu):
    lahir = timezone.localdate() - dt.timedelta(days=5)
    p = services.persalinan_create(
        ibu=ibu, dicatat_oleh=cast.bidan_a, tanggal=lahir, tempat="puskesmas", penolong="bidan",
        bidan=cast.profil_bidan_a, bayi=[_bayi(berat_lahir_gram=1900)],
    )
    bayi = p.bayi.get()
    services.bayi_update(bayi=bayi, tanggal_meninggal=lahir, sebab_kematian="bblr")
    bayi.refresh_from_db()
    assert bayi.umur_meninggal_hari == 0  # died on the day she was born: day 0
    assert KajianKasus.objects.get().jenis == JenisKajian.KEMATIAN_NEONATAL


def test_fee_share_links_the_partnership(cast, ibu, dukun_set):
    k = KemitraanFactory(bidan=cast.profil_bidan_a, dukun=dukun_set.a1)
    hari = timezone.localdate() - dt.timedelta(days=2)
    p = services.persalinan_create(
        ibu=ibu, dicatat_oleh=cast.bidan_a, tanggal=hari, tempat="pmb", penolong=Penolong.BIDAN_DUKUN,
        bidan=cast.profil_bidan_a, dukun=dukun_set.a1, peran_dukun=["mendampingi"], jasa_dukun_jumlah=50000,
        jasa_dukun_tanggal=hari, bayi=[_bayi()],
    )
    assert p.kemitraan == k


def test_referral_moves_forward_only(cast, ibu, dukun_set):
    r = RujukanFactory(ibu=ibu, dukun=dukun_set.a1, bidan=cast.profil_bidan_a)
    sampai = r.waktu_rujuk + dt.timedelta(hours=1, minutes=30)
    r = services.rujukan_ubah_status(rujukan=r, status=StatusRujukan.DITERIMA, waktu=sampai)
    assert r.lama_sampai == dt.timedelta(hours=1, minutes=30)
    with pytest.raises(ValidationError):
        services.rujukan_ubah_status(rujukan=r, status=StatusRujukan.DIRUJUK, waktu=sampai)
    with pytest.raises(ValidationError):
        services.rujukan_ubah_status(rujukan=r, status=StatusRujukan.DITOLAK_KELUARGA, waktu=sampai,
                                     alasan_penolakan="biaya")
    r = services.rujukan_ubah_status(rujukan=r, status=StatusRujukan.DITANGANI, waktu=sampai + dt.timedelta(hours=1))
    assert r.selesai


def test_refusal_needs_a_reason(cast, ibu, dukun_set):
    r = RujukanFactory(ibu=ibu, dukun=dukun_set.a1)
    with pytest.raises(ValidationError) as exc:
        services.rujukan_ubah_status(rujukan=r, status=StatusRujukan.DITOLAK_KELUARGA, waktu=timezone.now())
    assert "alasan_penolakan" in exc.value.message_dict
    r.refresh_from_db()
    assert r.status == StatusRujukan.DIRUJUK


def test_history_shows_local_times_and_checklist_labels(cast, ibu, dukun_set):
    import zoneinfo

    from puskesmas.history import riwayat_perubahan

    r = services.rujukan_create(
        ibu=ibu, dicatat_oleh=cast.bidan_a, jenis="dukun_bidan", dukun=dukun_set.a1,
        waktu_rujuk=dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC), tanda_bahaya=["perdarahan"],
    )
    services.rujukan_update(rujukan=r, tanda_bahaya=["perdarahan", "kejang"])
    services.rujukan_ubah_status(rujukan=r, status=StatusRujukan.DITERIMA,
                                 waktu=dt.datetime(2026, 3, 2, 2, 30, tzinfo=dt.UTC))
    with timezone.override(zoneinfo.ZoneInfo("Asia/Jakarta")):
        changes = {c.label: (c.lama, c.baru) for e in riwayat_perubahan(r) for c in e.perubahan}
    assert changes["tanda bahaya"] == ("Perdarahan", "Perdarahan, Kejang")
    assert changes["waktu sampai/diterima"] == ("–", "2 Maret 2026 09.30 WIB")


# --- Corrections: what a later edit must keep consistent --------------------------------------------------


def _dengan_bayi(cast, ibu, hari, **bayi):
    return services.persalinan_create(
        ibu=ibu, dicatat_oleh=cast.bidan_a, tanggal=hari, tempat="puskesmas", penolong="bidan",
        bidan=cast.profil_bidan_a, bayi=[_bayi(**bayi)],
    )


def test_clearing_the_visit_dates_clears_the_kn_flags(cast, ibu):
    lahir = timezone.localdate() - dt.timedelta(days=20)
    p = _dengan_bayi(cast, ibu, lahir, kn1=lahir, kn2=lahir + dt.timedelta(days=3), kn3=lahir + dt.timedelta(days=9))
    bayi = p.bayi.get()
    assert (bayi.kn1_diterima, bayi.kn_lengkap) == (True, True)
    services.bayi_update(bayi=bayi, kn2=None, kn3=None)
    bayi.refresh_from_db()
    assert (bayi.kn1_diterima, bayi.kn_lengkap) == (True, False)


def test_a_live_birth_with_visits_can_be_corrected_to_a_stillbirth(cast, ibu):
    lahir = timezone.localdate() - dt.timedelta(days=20)
    p = _dengan_bayi(cast, ibu, lahir, kn1=lahir, kn2=lahir + dt.timedelta(days=3), kn3=lahir + dt.timedelta(days=9))
    bayi = p.bayi.get()
    services.persalinan_update(persalinan=p, bayi=[{"id": bayi.pk, "status_lahir": "lahir_mati", "kn1": None,
                                                    "kn2": None, "kn3": None, "imd": False}])
    bayi.refresh_from_db()
    assert (bayi.status_lahir, bayi.kn_lengkap, bayi.kn1_diterima) == ("lahir_mati", False, False)


def test_a_new_delivery_date_is_checked_against_babies_not_resent(cast, ibu):
    lahir = timezone.localdate() - dt.timedelta(days=20)
    p = _dengan_bayi(cast, ibu, lahir, tanggal_meninggal=lahir + dt.timedelta(days=2), sebab_kematian="sepsis")
    with pytest.raises(services.PersalinanTidakValid) as exc:
        services.persalinan_update(persalinan=p, tanggal=lahir + dt.timedelta(days=5))
    assert "Bayi ke-1" in " ".join(exc.value.persalinan["tanggal"])
    p.refresh_from_db()
    assert p.tanggal == lahir
    services.persalinan_update(persalinan=p, tanggal=lahir + dt.timedelta(days=1))
    assert p.bayi.get().umur_meninggal_hari == 1


def test_records_of_a_mother_who_moved_stay_editable(cast, ibu, dukun_set):
    r = RujukanFactory(ibu=ibu, dukun=dukun_set.a1, bidan=cast.profil_bidan_a)
    p = _dengan_bayi(cast, ibu, timezone.localdate() - dt.timedelta(days=3))
    services.ibu_update(ibu=ibu, kelurahan=cast.w.b1, dukun=None)
    services.rujukan_ubah_status(rujukan=r, status=StatusRujukan.DITERIMA, waktu=r.waktu_rujuk + dt.timedelta(hours=1))
    services.persalinan_update(persalinan=p, catatan="kunjungan rumah")
    p.refresh_from_db()
    assert (p.kelurahan_id, p.catatan) == (cast.w.a1.pk, "kunjungan rumah")


def test_complete_visits_are_impossible_for_a_baby_who_died_before_day_8(cast, ibu):
    from kia.models import Bayi

    lahir = timezone.localdate() - dt.timedelta(days=20)
    p = _dengan_bayi(cast, ibu, lahir)
    bayi = Bayi(persalinan=p, urutan=2, status_lahir="lahir_hidup", kn_lengkap=True, kn1_diterima=True,
                tanggal_meninggal=lahir + dt.timedelta(days=4), sebab_kematian="sepsis")
    with pytest.raises(ValidationError) as exc:
        bayi.full_clean(exclude=["kelurahan", "puskesmas"])
    assert "kn3" in exc.value.message_dict


def test_a_baby_under_case_review_cannot_be_deleted(cast, ibu):
    lahir = timezone.localdate() - dt.timedelta(days=10)
    p = services.persalinan_create(
        ibu=ibu, dicatat_oleh=cast.bidan_a, tanggal=lahir, tempat="puskesmas", penolong="bidan",
        bidan=cast.profil_bidan_a, bayi=[_bayi(), _bayi(tanggal_meninggal=lahir, sebab_kematian="asfiksia")],
    )
    meninggal = p.bayi.get(urutan=2)
    with pytest.raises(services.PersalinanTidakValid):
        services.persalinan_update(persalinan=p, hapus_bayi=[meninggal.pk])
    assert p.bayi.count() == 2 and KajianKasus.objects.filter(bayi=meninggal).exists()


def test_a_delivery_later_today_is_in_the_future(cast, ibu, monkeypatch):
    from django.utils import timezone as tz

    monkeypatch.setattr(tz, "now", lambda: dt.datetime(2026, 3, 1, 3, 0, tzinfo=dt.UTC))  # 10.00 WIB
    with pytest.raises(services.PersalinanTidakValid) as exc:
        services.persalinan_create(
            ibu=ibu, dicatat_oleh=cast.bidan_a, tanggal=dt.date(2026, 3, 1), jam=dt.time(11, 0), tempat="puskesmas",
            penolong="bidan", bidan=cast.profil_bidan_a, bayi=[_bayi()],
        )
    assert "jam" in exc.value.persalinan
    p = services.persalinan_create(
        ibu=ibu, dicatat_oleh=cast.bidan_a, tanggal=dt.date(2026, 3, 1), jam=dt.time(9, 30), tempat="puskesmas",
        penolong="bidan", bidan=cast.profil_bidan_a, bayi=[_bayi()],
    )
    assert p.jam == dt.time(9, 30)


def test_a_mans_nik_is_refused_for_a_mother():
    from kia.models import validate_nik

    with pytest.raises(ValidationError) as exc:
        validate_nik("1571011705960001")  # day 17: a man's NIK
    assert exc.value.code == "nik_laki"
    validate_nik("1571015705960001")  # day 57 = 17 + 40: a woman's


def test_today_is_the_puskesmas_own_day(cast, ibu, monkeypatch):
    """22.30 WIB on 1 March is 00.30 on 2 March in WIT: a WIT Puskesmas records a delivery of 2 March, whoever
    types it."""
    from django.utils import timezone as tz

    w = cast.w
    w.puskesmas_a.zona_waktu = "Asia/Jayapura"
    w.puskesmas_a.save()
    ibu.refresh_from_db()
    monkeypatch.setattr(tz, "now", lambda: dt.datetime(2026, 3, 1, 15, 30, tzinfo=dt.UTC))
    with tz.override("Asia/Jakarta"):  # the administrator's (server's) zone
        p = services.persalinan_create(
            ibu=ibu, dicatat_oleh=cast.admin, tanggal=dt.date(2026, 3, 1) + dt.timedelta(days=1), tempat="puskesmas",
            penolong="bidan", bidan=cast.profil_bidan_a, bayi=[_bayi()],
        )
        assert p.tanggal == dt.date(2026, 3, 2)
        with pytest.raises(services.PersalinanTidakValid):
            services.persalinan_create(
                ibu=ibu, dicatat_oleh=cast.admin, tanggal=dt.date(2026, 3, 3), tempat="puskesmas",
                penolong="bidan", bidan=cast.profil_bidan_a, bayi=[_bayi()],
            )
