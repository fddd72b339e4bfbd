"""Rules of mothers and pregnancies: NIK, age, dates, Naegele's HPL, G/P/A, risk factors, duplicates."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils import timezone

from kia import selectors, services
from kia.models import FaktorRisiko, Ibu, hpl_naegele, samarkan_nik, validate_nik
from kia.tests.factories import IbuFactory, KehamilanFactory

pytestmark = pytest.mark.django_db

NIK = "1571015705960001"  # Kota Jambi, a woman born 17 May 1996 (day + 40), serial 0001
HARI_INI = timezone.localdate


def _ibu(cast, **fields) -> Ibu:
    data = {"nama": "Rina Marlina", "kelurahan": cast.w.a1, "tanggal_lahir": dt.date(1996, 5, 17), **fields}
    return services.ibu_create(dicatat_oleh=cast.bidan_a, **data)


# --- NIK ------------------------------------------------------------------------------------------


def test_a_valid_nik_passes():
    validate_nik(NIK)
    validate_nik("1571017103850002")  # day 71 = 31 + 40


@pytest.mark.parametrize("nik", [
    "157101570596000",  # 15 digits
    "15710157059600011",  # 17 digits
    "1571O15705960001",  # a letter O
    "1571 15705960001",
    "1571010013960001",  # month 13
    "1571010005960001",  # day 00
    "1571013505960001",  # day 35: neither a man's nor a woman's
    "1571015705960000",  # serial 0000
])
def test_an_invalid_nik_is_refused_without_repeating_it(nik):
    with pytest.raises(ValidationError) as exc:
        validate_nik(nik)
    text = " ".join(exc.value.messages)
    assert "NIK" in text
    assert nik not in text
    assert nik[:8] not in text and nik[-6:] not in text


def test_a_bad_nik_on_a_mother_names_the_field_not_the_value(cast):
    with pytest.raises(ValidationError) as exc:
        _ibu(cast, nik="1571019905960001")
    assert set(exc.value.message_dict) == {"nik"}
    assert "1571019905960001" not in str(exc.value)
    assert not Ibu.objects.exists()


def test_the_nik_is_optional(cast):
    assert _ibu(cast, nik="").nik == ""


def test_masked_nik_keeps_the_region_and_the_serial():
    assert samarkan_nik(NIK) == "1571********0001"
    assert samarkan_nik("") == ""


def test_str_of_a_mother_is_her_name_never_her_nik(cast):
    ibu = _ibu(cast, nik=NIK)
    assert str(ibu) == "Rina Marlina"


# --- Age and where she lives ---------------------------------------------------------------------------


def test_birth_date_or_age_is_required(cast):
    with pytest.raises(ValidationError) as exc:
        _ibu(cast, tanggal_lahir=None)
    assert "tanggal_lahir" in exc.value.message_dict


def test_birth_date_not_in_the_future(cast):
    with pytest.raises(ValidationError) as exc:
        _ibu(cast, tanggal_lahir=HARI_INI() + dt.timedelta(days=1))
    assert "masa depan" in exc.value.message_dict["tanggal_lahir"][0]


@pytest.mark.parametrize("umur,ok", [(9, False), (10, True), (35, True), (60, True), (61, False)])
def test_recorded_age_between_10_and_60(cast, umur, ok):
    if ok:
        ibu = _ibu(cast, tanggal_lahir=None, umur_tercatat=umur)
        assert ibu.umur == umur
        assert ibu.umur_dicatat_pada == HARI_INI()
    else:
        with pytest.raises(ValidationError) as exc:
            _ibu(cast, tanggal_lahir=None, umur_tercatat=umur)
        assert "umur_tercatat" in exc.value.message_dict


def test_age_from_a_birth_date_under_10_is_refused(cast):
    with pytest.raises(ValidationError) as exc:
        _ibu(cast, tanggal_lahir=HARI_INI() - relativedelta(years=9))
    assert "tanggal_lahir" in exc.value.message_dict


def test_recorded_age_grows_with_time(cast):
    ibu = IbuFactory(kelurahan=cast.w.a1, tanggal_lahir=None, umur_tercatat=25,
                     umur_dicatat_pada=HARI_INI() - relativedelta(years=2, days=1))
    assert ibu.umur == 27


def test_the_puskesmas_follows_the_kelurahan(cast):
    ibu = _ibu(cast)
    assert ibu.puskesmas == cast.w.puskesmas_a
    services.ibu_update(ibu=ibu, kelurahan=cast.w.b1)
    assert ibu.puskesmas == cast.w.puskesmas_b


def test_a_kelurahan_outside_every_wilayah_kerja_is_refused(cast):
    with pytest.raises(ValidationError) as exc:
        _ibu(cast, kelurahan=cast.w.bebas)
    assert "kelurahan" in exc.value.message_dict


# --- Pregnancy ---------------------------------------------------------------------------------------


def test_naegele_adds_seven_days_subtracts_three_months_adds_a_year():
    assert hpl_naegele(dt.date(2026, 1, 10)) == dt.date(2026, 10, 17)
    assert hpl_naegele(dt.date(2025, 5, 24)) == dt.date(2026, 2, 28)  # 31 May − 3 months: end of February


def test_hpl_is_computed_when_left_empty_and_kept_when_given(cast):
    ibu = _ibu(cast)
    hpht = HARI_INI() - dt.timedelta(days=70)
    k = services.kehamilan_create(ibu=ibu, dicatat_oleh=cast.bidan_a, hpht=hpht, gravida=1)
    assert k.hpl == hpl_naegele(hpht)
    given = hpl_naegele(hpht) + dt.timedelta(days=5)
    k2 = services.kehamilan_create(ibu=ibu, dicatat_oleh=cast.bidan_a, hpht=hpht, hpl=given, gravida=2, para=1)
    assert k2.hpl == given


def test_a_new_hpht_recomputes_the_hpl(cast):
    k = services.kehamilan_create(ibu=_ibu(cast), dicatat_oleh=None, hpht=HARI_INI() - dt.timedelta(days=70))
    baru = HARI_INI() - dt.timedelta(days=50)
    services.kehamilan_update(kehamilan=k, hpht=baru)
    k.refresh_from_db()
    assert k.hpl == hpl_naegele(baru)


def test_pregnancy_copies_the_mothers_kelurahan(cast):
    k = services.kehamilan_create(ibu=_ibu(cast), dicatat_oleh=None, hpht=HARI_INI() - dt.timedelta(days=70))
    assert (k.kelurahan, k.puskesmas) == (cast.w.a1, cast.w.puskesmas_a)


# The dates are made from today when the test runs, not when it is collected (a run may pass midnight).
@pytest.mark.parametrize("fields,field", [
    (lambda h: {"hpht": h + dt.timedelta(days=1), "tanggal_daftar": h}, "hpht"),
    (lambda h: {"tanggal_daftar": h + dt.timedelta(days=1)}, "tanggal_daftar"),
    (lambda h: {"hpht": h - dt.timedelta(days=320)}, "hpht"),
    (lambda h: {"hpht": h - dt.timedelta(days=70), "hpl": h}, "hpl"),
])
def test_pregnancy_dates_not_in_the_future_and_in_order(cast, fields, field):
    fields = fields(HARI_INI())
    ibu = _ibu(cast)
    with pytest.raises(ValidationError) as exc:
        services.kehamilan_create(ibu=ibu, dicatat_oleh=None, **fields)
    assert field in exc.value.message_dict
    assert not ibu.kehamilan.exists()


@pytest.mark.parametrize("g,p,a,ok", [(1, 0, 0, True), (3, 1, 1, True), (2, 1, 1, False), (1, 1, 0, False)])
def test_para_plus_abortus_at_most_gravida_minus_one(cast, g, p, a, ok):
    ibu = _ibu(cast)
    if ok:
        services.kehamilan_create(ibu=ibu, dicatat_oleh=None, gravida=g, para=p, abortus=a)
    else:
        with pytest.raises(ValidationError) as exc:
            services.kehamilan_create(ibu=ibu, dicatat_oleh=None, gravida=g, para=p, abortus=a)
        assert "para" in exc.value.message_dict


def test_age_and_number_of_children_are_ticked_automatically(cast):
    muda = _ibu(cast, nama="Ani", tanggal_lahir=HARI_INI() - relativedelta(years=17))
    k = services.kehamilan_create(ibu=muda, dicatat_oleh=None, gravida=1, faktor_risiko=[FaktorRisiko.ANEMIA])
    assert k.faktor_risiko == sorted([FaktorRisiko.ANEMIA, FaktorRisiko.UMUR])
    k = services.kehamilan_create(ibu=_ibu(cast), dicatat_oleh=None, gravida=6, para=5)
    assert k.faktor_risiko == [FaktorRisiko.ANAK_BANYAK]
    assert k.risiko_tinggi


def test_unknown_risk_factor_and_unexplained_other_are_refused(cast):
    ibu = _ibu(cast)
    with pytest.raises(ValidationError) as exc:
        services.kehamilan_create(ibu=ibu, dicatat_oleh=None, faktor_risiko=["sihir"])
    assert "faktor_risiko" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.kehamilan_create(ibu=ibu, dicatat_oleh=None, faktor_risiko=["lainnya"])
    assert "faktor_risiko_lainnya" in exc.value.message_dict


def test_the_dukun_who_brought_her_is_of_her_puskesmas(cast, dukun_set):
    ibu = _ibu(cast)
    with pytest.raises(ValidationError) as exc:
        services.kehamilan_create(ibu=ibu, dicatat_oleh=None, dukun=dukun_set.b1)
    assert "dukun" in exc.value.message_dict
    assert services.kehamilan_create(ibu=ibu, dicatat_oleh=None, dukun=dukun_set.a2).dukun == dukun_set.a2


# --- Duplicates ------------------------------------------------------------------------------------


def test_possible_duplicates_same_nik_or_same_name_birth_date_and_kelurahan(cast):
    w = cast.w
    rina = IbuFactory(nama="Rina Marlina", nik=NIK, kelurahan=w.a1, tanggal_lahir=dt.date(1996, 5, 17))
    IbuFactory(nama="Rina Marlina", kelurahan=w.a2, tanggal_lahir=dt.date(1996, 5, 17))  # another village
    IbuFactory(nama="Rina Marlina", kelurahan=w.a1, tanggal_lahir=dt.date(1997, 5, 17))  # another birthday
    sama_nik = IbuFactory(nama="Rina M.", nik=NIK, kelurahan=w.b1)
    cari = Ibu.objects.kemungkinan_duplikat
    assert set(cari(nik=NIK)) == {rina, sama_nik}
    assert list(cari(nama="  rina marlina ", tanggal_lahir=dt.date(1996, 5, 17), kelurahan=w.a1)) == [rina]
    assert set(cari(nik=NIK, nama="Rina Marlina", tanggal_lahir=dt.date(1996, 5, 17), kelurahan=w.a1,
                    kecuali=rina.pk)) == {sama_nik}
    assert not cari(nama="Rina Marlina", tanggal_lahir=None, kelurahan=w.a1).exists()
    assert not cari().exists()


def test_duplicates_outside_scope_are_only_mentioned(cast):
    w = cast.w
    di_a1 = IbuFactory(nama="Rina Marlina", nik=NIK, kelurahan=w.a1)
    IbuFactory(nama="Rina Lain", nik=NIK, kelurahan=w.b1)
    d = selectors.cari_duplikat(cast.bidan_a, nik=NIK, nama="x", tanggal_lahir=None, kelurahan=w.a1)
    assert d.terlihat == [di_a1]
    assert d.nik_di_wilayah_lain
    d = selectors.cari_duplikat(cast.bikor_b, nik=NIK, nama="x", tanggal_lahir=None, kelurahan=w.b1)
    assert [i.nama for i in d.terlihat] == ["Rina Lain"]
    assert d.nik_di_wilayah_lain
    d = selectors.cari_duplikat(cast.admin, nik=NIK, nama="x", tanggal_lahir=None, kelurahan=w.a1)
    assert len(d.terlihat) == 2 and not d.nik_di_wilayah_lain
    assert not selectors.cari_duplikat(cast.admin, nik="1571011203850002", nama="x", tanggal_lahir=None,
                                       kelurahan=w.a1)


def test_latest_pregnancy_helpers(cast):
    ibu = IbuFactory(kelurahan=cast.w.a1)
    KehamilanFactory(ibu=ibu, tanggal_daftar=HARI_INI() - dt.timedelta(days=400), gravida=1, para=0)
    baru = KehamilanFactory(ibu=ibu, faktor_risiko=["anemia"])
    assert selectors.kehamilan_terakhir(ibu) == baru
    row = selectors.with_kehamilan_terakhir(Ibu.objects.filter(pk=ibu.pk)).get()
    assert row.hpl_terakhir == baru.hpl
    assert row.risiko_tinggi
    assert list(selectors.filter_risiko_tinggi(Ibu.objects.all(), True)) == [ibu]
    assert not selectors.filter_risiko_tinggi(Ibu.objects.all(), False).exists()
