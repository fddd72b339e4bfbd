"""The rules of a delivery and its babies, as the one write path (`kia.services`) enforces them,
and the alerts a delivery raises — each exactly once."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.utils import timezone

from kemitraan.tests.factories import KemitraanFactory
from kia import services
from kia.models import Bayi, JenisKajian, KajianKasus, Penolong, Persalinan, StatusRujukan, TempatPersalinan
from kia.tests.factories import BayiFactory, IbuFactory, PersalinanFactory, RujukanFactory

pytestmark = pytest.mark.django_db


def hari(n: int) -> dt.date:
    """n days ago (negative: in the future)."""
    return timezone.localdate() - dt.timedelta(days=n)


@pytest.fixture
def ibu(cast):
    return IbuFactory(nama="Rina Marlina", kelurahan=cast.w.a1)


def _bayi(**kw) -> dict:
    return {"jenis_kelamin": "p", "berat_lahir_gram": 3000, "status_lahir": "lahir_hidup", **kw}


def _catat(cast, ibu, *, bayi=None, **kw) -> Persalinan:
    fields = {"tanggal": hari(3), "tempat": TempatPersalinan.PUSKESMAS, "penolong": Penolong.BIDAN,
              "bidan": cast.profil_bidan_a}
    fields.update(kw)
    return services.persalinan_create(ibu=ibu, dicatat_oleh=cast.bidan_a, bayi=bayi or [_bayi()], **fields)


def _galat(cast, ibu, **kw) -> services.PersalinanTidakValid:
    with pytest.raises(services.PersalinanTidakValid) as exc:
        _catat(cast, ibu, **kw)
    assert not Persalinan.objects.exists()
    assert not Bayi.objects.exists()
    return exc.value


# --- Dates ------------------------------------------------------------------------------------------


def test_delivery_date_in_the_future_is_refused(cast, ibu):
    assert "tanggal" in _galat(cast, ibu, tanggal=hari(-1)).persalinan


def test_delivery_today_is_accepted(cast, ibu):
    assert _catat(cast, ibu, tanggal=hari(0)).tanggal == timezone.localdate()


def test_baby_death_before_birth_is_refused(cast, ibu):
    exc = _galat(cast, ibu, tanggal=hari(5), bayi=[_bayi(tanggal_meninggal=hari(6), sebab_kematian="asfiksia")])
    assert set(exc.bayi) == {0}
    assert "tanggal_meninggal" in exc.bayi[0]


def test_baby_death_in_the_future_is_refused(cast, ibu):
    exc = _galat(cast, ibu, bayi=[_bayi(tanggal_meninggal=hari(-2), sebab_kematian="asfiksia")])
    assert "tanggal_meninggal" in exc.bayi[0]


def test_baby_death_needs_a_cause_and_a_cause_needs_a_death(cast, ibu):
    assert "sebab_kematian" in _galat(cast, ibu, bayi=[_bayi(tanggal_meninggal=hari(1))]).bayi[0]
    assert "sebab_kematian" in _galat(cast, ibu, bayi=[_bayi(sebab_kematian="sepsis")]).bayi[0]
    assert "keterangan_kematian" in _galat(
        cast, ibu, bayi=[_bayi(tanggal_meninggal=hari(1), sebab_kematian="lainnya")]).bayi[0]


def test_mother_death_before_delivery_is_refused(cast, ibu):
    exc = _galat(cast, ibu, tanggal=hari(5), status_ibu="meninggal", tanggal_meninggal_ibu=hari(6),
                 sebab_kematian_ibu="perdarahan")
    assert "tanggal_meninggal_ibu" in exc.persalinan


def test_mother_death_needs_date_and_cause(cast, ibu):
    exc = _galat(cast, ibu, status_ibu="meninggal")
    assert {"tanggal_meninggal_ibu", "sebab_kematian_ibu"} <= set(exc.persalinan)


def test_death_date_of_a_living_mother_is_refused(cast, ibu):
    assert "status_ibu" in _galat(cast, ibu, tanggal_meninggal_ibu=hari(1)).persalinan


def test_database_refuses_a_mother_death_before_the_delivery(cast, ibu):
    with pytest.raises(IntegrityError), transaction.atomic():
        PersalinanFactory(ibu=ibu, tanggal=hari(3), status_ibu="meninggal", tanggal_meninggal_ibu=hari(4))


# --- Weight ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("gram", "ok"), [(299, False), (300, True), (6500, True), (6501, False)])
def test_birth_weight_between_300_and_6500_grams(cast, ibu, gram, ok):
    if ok:
        assert _catat(cast, ibu, bayi=[_bayi(berat_lahir_gram=gram)]).bayi.get().berat_lahir_gram == gram
    else:
        assert "berat_lahir_gram" in _galat(cast, ibu, bayi=[_bayi(berat_lahir_gram=gram)]).bayi[0]


@pytest.mark.parametrize(("gram", "bblr"), [(2499, True), (2500, False), (None, False)])
def test_low_birth_weight_is_under_2500_grams(gram, bblr):
    assert Bayi(berat_lahir_gram=gram).bblr is bblr


def test_database_refuses_an_impossible_weight(cast, ibu):
    with pytest.raises(IntegrityError), transaction.atomic():
        BayiFactory(persalinan=PersalinanFactory(ibu=ibu), berat_lahir_gram=7000)


# --- Stillbirth ---------------------------------------------------------------------------------------


def test_stillbirth_has_no_death_date(cast, ibu):
    exc = _galat(cast, ibu, bayi=[_bayi(status_lahir="lahir_mati", tanggal_meninggal=hari(3))])
    assert "tanggal_meninggal" in exc.bayi[0]


def test_stillbirth_has_no_neonatal_visit(cast, ibu):
    exc = _galat(cast, ibu, bayi=[_bayi(status_lahir="lahir_mati", kn1=hari(2))])
    assert "kn1" in exc.bayi[0]


def test_database_refuses_a_stillbirth_with_a_death_date(cast, ibu):
    p = PersalinanFactory(ibu=ibu)
    with pytest.raises(IntegrityError), transaction.atomic():
        BayiFactory(persalinan=p, status_lahir="lahir_mati", tanggal_meninggal=p.tanggal)


# --- Visit windows -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("kunjungan", "hari_ke", "ok"), [
    ("kn1", 0, True), ("kn1", 2, True), ("kn1", 3, False),
    ("kn2", 2, False), ("kn2", 3, True), ("kn2", 7, True), ("kn2", 8, False),
    ("kn3", 7, False), ("kn3", 8, True), ("kn3", 28, True), ("kn3", 29, False),
])
def test_neonatal_visit_windows(cast, ibu, kunjungan, hari_ke, ok):
    lahir = hari(40)
    bayi = [_bayi(**{kunjungan: lahir + dt.timedelta(days=hari_ke)})]
    if ok:
        _catat(cast, ibu, tanggal=lahir, bayi=bayi)
    else:
        assert kunjungan in _galat(cast, ibu, tanggal=lahir, bayi=bayi).bayi[0]


@pytest.mark.parametrize(("kunjungan", "hari_ke", "ok"), [
    ("kf1", 0, True), ("kf1", 2, True), ("kf1", 3, False),
    ("kf2", 3, True), ("kf2", 8, False), ("kf3", 8, True), ("kf3", 29, False),
    ("kf4", 28, False), ("kf4", 29, True), ("kf4", 42, True), ("kf4", 43, False),
])
def test_postpartum_visit_windows(cast, ibu, kunjungan, hari_ke, ok):
    lahir = hari(50)
    fields = {kunjungan: lahir + dt.timedelta(days=hari_ke)}
    if ok:
        _catat(cast, ibu, tanggal=lahir, **fields)
    else:
        assert kunjungan in _galat(cast, ibu, tanggal=lahir, **fields).persalinan


def test_visit_in_the_future_is_refused(cast, ibu):
    assert "kn2" in _galat(cast, ibu, tanggal=hari(1), bayi=[_bayi(kn2=hari(-3))]).bayi[0]


def test_visit_after_the_baby_died_is_refused(cast, ibu):
    lahir = hari(20)
    exc = _galat(cast, ibu, tanggal=lahir, bayi=[_bayi(
        kn2=lahir + dt.timedelta(days=5), tanggal_meninggal=lahir + dt.timedelta(days=4), sebab_kematian="sepsis")])
    assert "kn2" in exc.bayi[0]


def test_visit_dates_set_the_kn_flags(cast, ibu):
    lahir = hari(30)
    p = _catat(cast, ibu, tanggal=lahir, bayi=[
        _bayi(kn1=lahir + dt.timedelta(days=1)),
        _bayi(kn1=lahir, kn2=lahir + dt.timedelta(days=4), kn3=lahir + dt.timedelta(days=10)),
        _bayi(),
    ])
    assert [(b.kn1_diterima, b.kn_lengkap) for b in p.bayi.order_by("urutan")] == [
        (True, False), (True, True), (False, False)]


# --- Attendant, place, mother's age, referral ------------------------------------------------------------


@pytest.mark.parametrize("penolong", [Penolong.DUKUN, Penolong.KELUARGA])
def test_facility_delivery_needs_a_health_worker(cast, ibu, dukun_set, penolong):
    exc = _galat(cast, ibu, tempat=TempatPersalinan.PUSTU, penolong=penolong, bidan=None, dukun=dukun_set.a1)
    assert "penolong" in exc.persalinan


def test_home_delivery_by_dukun_alone_is_recorded(cast, ibu, dukun_set):
    p = _catat(cast, ibu, tempat=TempatPersalinan.RUMAH, penolong=Penolong.DUKUN, bidan=None, dukun=dukun_set.a1)
    assert p.dukun_sendiri and not p.oleh_nakes and not p.di_fasilitas


def test_bidan_attended_delivery_names_the_bidan(cast, ibu):
    assert "bidan" in _galat(cast, ibu, bidan=None).persalinan


def test_dukun_of_another_puskesmas_is_refused(cast, ibu, dukun_set):
    exc = _galat(cast, ibu, penolong=Penolong.BIDAN_DUKUN, dukun=dukun_set.b1)
    assert "dukun" in exc.persalinan


def test_facility_outside_the_mothers_puskesmas_is_refused(cast, ibu):
    assert "fasilitas" in _galat(cast, ibu, fasilitas=cast.induk_b).persalinan


@pytest.mark.parametrize(("umur", "ok"), [(9, False), (10, True), (60, True), (61, False)])
def test_mother_aged_10_to_60_at_delivery(cast, umur, ok):
    tanggal = hari(3)
    ibu = IbuFactory(kelurahan=cast.w.a1, tanggal_lahir=tanggal - relativedelta(years=umur))
    if ok:
        _catat(cast, ibu, tanggal=tanggal)
    else:
        assert "tanggal" in _galat(cast, ibu, tanggal=tanggal).persalinan


def test_mother_age_from_a_recorded_age(cast):
    ibu = IbuFactory(kelurahan=cast.w.a1, tanggal_lahir=None, umur_tercatat=61,
                     umur_dicatat_pada=timezone.localdate())
    assert "tanggal" in _galat(cast, ibu).persalinan


def test_delivery_before_the_referral_is_refused(cast, ibu, dukun_set):
    rujukan = RujukanFactory(ibu=ibu, dukun=dukun_set.a1, waktu_rujuk=timezone.now() - dt.timedelta(days=2))
    exc = _galat(cast, ibu, tanggal=hari(3), rujukan=rujukan)
    assert "tanggal" in exc.persalinan
    assert _catat(cast, ibu, tanggal=hari(2), rujukan=rujukan).rujukan == rujukan


def test_delivery_before_the_arrival_is_refused(cast, ibu, dukun_set):
    rujukan = RujukanFactory(ibu=ibu, dukun=dukun_set.a1, waktu_rujuk=timezone.now() - dt.timedelta(days=5))
    services.rujukan_ubah_status(rujukan=rujukan, status=StatusRujukan.DITERIMA,
                                 waktu=timezone.now() - dt.timedelta(days=2))
    rujukan.refresh_from_db()
    assert "tanggal" in _galat(cast, ibu, tanggal=hari(3), rujukan=rujukan).persalinan


def test_referral_of_another_mother_is_refused(cast, ibu, dukun_set):
    lain = RujukanFactory(ibu=IbuFactory(kelurahan=cast.w.a1), dukun=dukun_set.a1)
    assert "rujukan" in _galat(cast, ibu, rujukan=lain).persalinan


# --- Fee share -------------------------------------------------------------------------------------------


def test_fee_share_without_a_partnership_is_refused(cast, ibu, dukun_set):
    exc = _galat(cast, ibu, penolong=Penolong.BIDAN_DUKUN, dukun=dukun_set.a1, jasa_dukun_jumlah=50000,
                 jasa_dukun_tanggal=hari(1))
    assert "jasa_dukun_jumlah" in exc.persalinan


def test_fee_share_with_a_partnership_links_it(cast, ibu, dukun_set):
    k = KemitraanFactory(bidan=cast.profil_bidan_a, dukun=dukun_set.a1)
    p = _catat(cast, ibu, penolong=Penolong.BIDAN_DUKUN, dukun=dukun_set.a1, peran_dukun=["mendampingi"],
               jasa_dukun_jumlah=50000, jasa_dukun_tanggal=hari(1))
    assert p.kemitraan == k
    assert p.jasa_dukun_jumlah == 50000


def test_partnership_started_after_the_delivery_is_not_linked(cast, ibu, dukun_set):
    KemitraanFactory(bidan=cast.profil_bidan_a, dukun=dukun_set.a1, tanggal_mulai=hari(1))
    p = _catat(cast, ibu, tanggal=hari(3), penolong=Penolong.BIDAN_DUKUN, dukun=dukun_set.a1)
    assert p.kemitraan is None


def test_fee_share_needs_amount_and_date_together(cast, ibu, dukun_set):
    KemitraanFactory(bidan=cast.profil_bidan_a, dukun=dukun_set.a1)
    exc = _galat(cast, ibu, penolong=Penolong.BIDAN_DUKUN, dukun=dukun_set.a1, jasa_dukun_jumlah=50000)
    assert "jasa_dukun_tanggal" in exc.persalinan


# --- Alerts ------------------------------------------------------------------------------------------------


def _jenis() -> list[str]:
    return sorted(KajianKasus.objects.values_list("jenis", flat=True))


def test_dukun_alone_raises_one_alert_even_when_saved_again(cast, ibu, dukun_set):
    p = _catat(cast, ibu, tempat="rumah", penolong=Penolong.DUKUN, bidan=None, dukun=dukun_set.a1)
    assert _jenis() == [JenisKajian.DUKUN_SENDIRI]
    services.persalinan_update(persalinan=p, catatan="kunjungan rumah")
    services.naikkan_kajian(Persalinan.objects.all())
    services.naikkan_kajian([p])
    assert _jenis() == [JenisKajian.DUKUN_SENDIRI]
    kajian = KajianKasus.objects.get()
    assert (kajian.persalinan, kajian.bayi, kajian.kelurahan_id, kajian.puskesmas_id) == (
        p, None, cast.w.a1.pk, cast.w.puskesmas_a.pk)


def test_maternal_death_raises_one_alert(cast, ibu):
    p = _catat(cast, ibu, status_ibu="meninggal", tanggal_meninggal_ibu=hari(2), sebab_kematian_ibu="perdarahan")
    services.persalinan_update(persalinan=p, keterangan_kematian_ibu="perdarahan pascapersalinan")
    assert _jenis() == [JenisKajian.KEMATIAN_IBU]


def test_dukun_alone_and_maternal_death_raise_two_alerts(cast, ibu, dukun_set):
    _catat(cast, ibu, tempat="rumah", penolong=Penolong.DUKUN, bidan=None, dukun=dukun_set.a1,
           status_ibu="meninggal", tanggal_meninggal_ibu=hari(3), sebab_kematian_ibu="perdarahan")
    assert _jenis() == [JenisKajian.DUKUN_SENDIRI, JenisKajian.KEMATIAN_IBU]


def test_neonatal_death_on_the_day_of_birth_is_day_0_and_raises_one_alert(cast, ibu):
    lahir = hari(4)
    p = _catat(cast, ibu, tanggal=lahir, bayi=[_bayi(berat_lahir_gram=1800, tanggal_meninggal=lahir,
                                                     sebab_kematian="bblr")])
    bayi = p.bayi.get()
    assert bayi.umur_meninggal_hari == 0
    assert bayi.kematian_neonatal
    kajian = KajianKasus.objects.get()
    assert (kajian.jenis, kajian.bayi) == (JenisKajian.KEMATIAN_NEONATAL, bayi)
    services.bayi_update(bayi=bayi, keterangan_kematian="lahir 1.800 g")
    assert KajianKasus.objects.count() == 1


def test_neonatal_death_recorded_later_raises_one_alert(cast, ibu):
    lahir = hari(10)
    p = _catat(cast, ibu, tanggal=lahir)
    bayi = p.bayi.get()
    assert not KajianKasus.objects.exists()
    services.bayi_update(bayi=bayi, tanggal_meninggal=lahir + dt.timedelta(days=6), sebab_kematian="sepsis")
    services.bayi_update(bayi=bayi, keterangan_kematian="demam sejak hari ke-4")
    assert _jenis() == [JenisKajian.KEMATIAN_NEONATAL]


def test_each_twin_death_raises_its_own_alert(cast, ibu):
    lahir = hari(3)
    _catat(cast, ibu, tanggal=lahir, bayi=[
        _bayi(berat_lahir_gram=1500, tanggal_meninggal=lahir, sebab_kematian="bblr"),
        _bayi(berat_lahir_gram=1600, tanggal_meninggal=lahir + dt.timedelta(days=1), sebab_kematian="bblr"),
    ])
    assert _jenis() == [JenisKajian.KEMATIAN_NEONATAL] * 2
    assert KajianKasus.objects.filter(bayi__isnull=False).values("bayi").distinct().count() == 2


@pytest.mark.parametrize(("hari_ke", "alert"), [(28, True), (29, False), (60, False)])
def test_only_deaths_at_day_0_to_28_are_neonatal(cast, ibu, hari_ke, alert):
    lahir = hari(70)
    p = _catat(cast, ibu, tanggal=lahir, bayi=[_bayi(tanggal_meninggal=lahir + dt.timedelta(days=hari_ke),
                                                     sebab_kematian="pneumonia")])
    assert p.bayi.get().umur_meninggal_hari == hari_ke
    assert KajianKasus.objects.exists() is alert


def test_stillbirth_raises_no_alert(cast, ibu):
    _catat(cast, ibu, bayi=[_bayi(status_lahir="lahir_mati", berat_lahir_gram=2200)])
    assert not KajianKasus.objects.exists()


def test_delivery_by_a_bidan_raises_no_alert(cast, ibu):
    _catat(cast, ibu)
    assert not KajianKasus.objects.exists()


# --- Summaries ---------------------------------------------------------------------------------------------


def test_summaries_count_in_the_database(cast, dukun_set):
    w = cast.w
    p1 = PersalinanFactory(ibu=IbuFactory(kelurahan=w.a1), bidan=cast.profil_bidan_a)
    BayiFactory(persalinan=p1, berat_lahir_gram=2100)
    BayiFactory(persalinan=p1, urutan=2, status_lahir="lahir_mati", imd=False)
    p2 = PersalinanFactory(ibu=IbuFactory(kelurahan=w.a1), tempat="rumah", penolong="dukun", dukun=dukun_set.a1,
                           status_ibu="meninggal", tanggal_meninggal_ibu=hari(9))
    BayiFactory(persalinan=p2, tanggal_meninggal=p2.tanggal, sebab_kematian="asfiksia")
    p3 = PersalinanFactory(ibu=IbuFactory(kelurahan=w.a2), tempat="rumah", penolong="bidan_dukun",
                           bidan=cast.profil_bidan_a2, dukun=dukun_set.a2)
    BayiFactory(persalinan=p3, kn1=p3.tanggal, kn2=p3.tanggal + dt.timedelta(days=3),
                kn3=p3.tanggal + dt.timedelta(days=9))
    assert Persalinan.objects.ringkasan() == {
        "jumlah": 3, "nakes": 2, "fasilitas": 1, "dukun_sendiri": 1, "bersama_dukun": 1, "kematian_ibu": 1}
    bayi = Bayi.objects.ringkasan()
    assert (bayi["jumlah"], bayi["lahir_hidup"], bayi["lahir_mati"], bayi["bblr"], bayi["kn_lengkap"],
            bayi["kematian_neonatal"]) == (4, 3, 1, 1, 1, 1)
