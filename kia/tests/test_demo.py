"""The demo's two years of mothers, referrals and deliveries: realistic, valid, seeded once."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Max, Min, Q
from django.test import override_settings
from django.utils import timezone

from kemitraan.models import Notifikasi
from kia.demo import CBR, HARI_DEMO, pertemuan_pertama
from kia.models import (
    BBLR_GRAM,
    Bayi,
    Ibu,
    JenisKajian,
    JenisRujukan,
    KajianKasus,
    Kehamilan,
    Penolong,
    Persalinan,
    Rujukan,
    Sasaran,
    StatusIbu,
    StatusKajian,
    StatusLahir,
    StatusRujukan,
    validate_nik,
)
from puskesmas.models import Puskesmas, Role

KIA_MODELS = [Ibu, Kehamilan, Rujukan, Persalinan, Bayi, KajianKasus, Sasaran]


@pytest.fixture(scope="module")
def _seeded(django_db_setup, django_db_blocker):
    """Seed once for the module (seeding takes seconds) inside a transaction rolled back at the end."""
    from puskesmas.wilayah import load_wilayah

    fast_hashing = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast_hashing, transaction.atomic():
        load_wilayah(provinsi="15")
        call_command("seed_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(_seeded, db):
    return {p.nama: p for p in Puskesmas.objects.all()}


def _months(start: dt.date, end: dt.date) -> float:
    return max((end - start).days, 1) / 30.44


def test_both_puskesmas_have_two_years_of_deliveries(demo):
    today = timezone.localdate()
    for nama in ("Aur Duri", "Pakuan Baru"):
        qs = Persalinan.objects.filter(puskesmas=demo[nama])
        span = qs.aggregate(first=Min("tanggal"), last=Max("tanggal"))
        assert span["first"] >= today - dt.timedelta(days=HARI_DEMO)
        assert span["first"] <= today - dt.timedelta(days=HARI_DEMO - 30), nama
        assert span["last"] >= today - dt.timedelta(days=7), nama
        months = {(d.year, d.month) for d in qs.values_list("tanggal", flat=True)}
        assert len(months) >= 24, nama
        # Every kelurahan of the Puskesmas has its deliveries, each month a few.
        per_kelurahan = dict(qs.values_list("kelurahan").annotate(n=Count("id")))
        assert set(per_kelurahan) == set(demo[nama].wilayah_kerja.values_list("pk", flat=True))
        assert all(n >= 24 for n in per_kelurahan.values()), per_kelurahan


def test_dukun_alone_deliveries_fall_after_the_first_partnership_meeting(demo):
    today = timezone.localdate()
    for nama in ("Aur Duri", "Pakuan Baru"):
        batas = pertemuan_pertama(demo[nama]) or today - dt.timedelta(days=365)
        dukun = Persalinan.objects.filter(puskesmas=demo[nama], penolong=Penolong.DUKUN)
        sebelum = dukun.filter(tanggal__lt=batas).count() / _months(today - dt.timedelta(days=HARI_DEMO), batas)
        sesudah = dukun.filter(tanggal__gte=batas).count() / _months(batas, today)
        assert sesudah > 0, nama  # fewer, not none: the demo still shows an alert after the partnership
        assert sebelum >= 2 * sesudah, (nama, sebelum, sesudah)
    assert pertemuan_pertama(demo["Aur Duri"]) is not None


def test_who_attends_and_where_is_realistic(demo):
    r = Persalinan.objects.filter(puskesmas__in=demo.values()).ringkasan()
    assert 0.85 <= r["nakes"] / r["jumlah"] <= 0.98
    assert 0.75 <= r["fasilitas"] / r["jumlah"] <= 0.95
    assert r["bersama_dukun"] > r["dukun_sendiri"]
    assert r["kematian_ibu"] <= 1
    rumah = Persalinan.objects.filter(tempat="rumah", penolong__in=[Penolong.BIDAN])
    assert rumah.exists()  # some home deliveries attended by a bidan


def test_babies_twins_low_birth_weight_stillbirths_and_visits(demo):
    bayi = Bayi.objects.filter(puskesmas__in=demo.values())
    r = bayi.ringkasan()
    assert 0.06 <= r["bblr"] / r["lahir_hidup"] <= 0.14
    assert 1 <= r["lahir_mati"] <= 0.03 * r["jumlah"]
    assert r["kn1"] / r["lahir_hidup"] >= 0.8
    assert 0.5 <= r["kn_lengkap"] / r["lahir_hidup"] < r["kn1"] / r["lahir_hidup"]
    kembar = Persalinan.objects.annotate(n=Count("bayi")).filter(n=2)
    assert kembar.exists()
    assert any(b.bblr for p in kembar for b in p.bayi.all())
    nifas = Persalinan.objects.filter(status_ibu=StatusIbu.HIDUP)
    assert nifas.filter(kf1__isnull=False).count() / nifas.count() >= 0.8


def test_a_neonatal_death_with_its_cause_raises_an_alert(demo):
    mati = list(Bayi.objects.kematian_neonatal())
    assert 1 <= len(mati) <= 6
    for b in mati:
        assert b.sebab_kematian
        assert 0 <= b.umur_meninggal_hari <= 7
        assert KajianKasus.objects.filter(jenis=JenisKajian.KEMATIAN_NEONATAL, bayi=b).count() == 1
    assert any(b.sebab_kematian == "asfiksia" and b.umur_meninggal_hari == 0 for b in mati)


def test_every_dukun_alone_delivery_has_one_alert_and_notifications(demo):
    dukun = Persalinan.objects.filter(penolong=Penolong.DUKUN)
    kajian = KajianKasus.objects.filter(jenis=JenisKajian.DUKUN_SENDIRI)
    assert sorted(kajian.values_list("persalinan", flat=True)) == sorted(dukun.values_list("pk", flat=True))
    kapus = demo["Aur Duri"]
    assert Notifikasi.objects.filter(penerima__role=Role.KEPALA_PUSKESMAS, penerima__puskesmas=kapus,
                                     kunci__startswith="kajian:").exists()


def test_older_case_reviews_are_closed_with_text_recent_ones_open(demo):
    today = timezone.localdate()
    lama = KajianKasus.objects.filter(persalinan__tanggal__lt=today - dt.timedelta(days=90))
    baru = KajianKasus.objects.filter(persalinan__tanggal__gt=today - dt.timedelta(days=40))
    assert lama.exists() and baru.exists()
    assert not lama.filter(status=StatusKajian.TERBUKA).exists()
    assert not baru.filter(status=StatusKajian.DITUTUP).exists()
    for k in lama:
        assert len(k.kronologi) > 40 and len(k.rencana_perbaikan) > 40
        assert k.ditutup_oleh.puskesmas_id == k.puskesmas_id
    # The notifications of closed reviews have been read; those of open ones wait.
    kunci = lambda qs: [f"kajian:{pk}" for pk in qs.values_list("pk", flat=True)]  # noqa: E731
    assert not Notifikasi.objects.filter(kunci__in=kunci(lama), dibaca_pada__isnull=True).exists()
    assert Notifikasi.objects.filter(kunci__in=kunci(baru), dibaca_pada__isnull=True).exists()


def test_referrals_arrive_in_realistic_times_some_refused_with_reasons(demo):
    rujukan = Rujukan.objects.filter(puskesmas__in=demo.values())
    dari_dukun = rujukan.filter(jenis=JenisRujukan.DUKUN_KE_BIDAN)
    assert dari_dukun.filter(status=StatusRujukan.DITANGANI).count() / dari_dukun.count() >= 0.8
    for r in rujukan.filter(waktu_diterima__isnull=False):
        assert dt.timedelta(minutes=20) <= r.lama_sampai <= dt.timedelta(hours=3)
    ditolak = rujukan.filter(status=StatusRujukan.DITOLAK_KELUARGA)
    assert ditolak.count() >= 3
    assert set(ditolak.values_list("alasan_penolakan", flat=True)) <= {"biaya", "jarak", "kepercayaan",
                                                                     "keputusan_keluarga"}
    assert len(set(ditolak.values_list("alasan_penolakan", flat=True))) >= 2
    assert rujukan.filter(jenis=JenisRujukan.BIDAN_KE_FASILITAS, status=StatusRujukan.DITOLAK_KELUARGA).exists()
    assert rujukan.filter(status=StatusRujukan.TIDAK_SAMPAI).exists()
    # The referral before a delivery is linked to it, and open referrals are waiting for the bidan.
    assert Persalinan.objects.filter(rujukan__status=StatusRujukan.DITANGANI).exists()
    assert rujukan.terbuka().exists()


def test_joint_deliveries_link_the_partnership_and_pay_the_fee_later(demo):
    bersama = Persalinan.objects.filter(puskesmas=demo["Aur Duri"], kemitraan__isnull=False)
    assert bersama.count() >= 5
    assert not bersama.exclude(penolong=Penolong.BIDAN_DUKUN).exists()
    dibayar = bersama.filter(jasa_dukun_jumlah__isnull=False)
    assert dibayar.exists()
    for p in dibayar:
        assert p.jasa_dukun_jumlah == 50000
        assert 2 <= (p.jasa_dukun_tanggal - p.tanggal).days <= 10
        assert (p.bidan_id, p.dukun_id) == (p.kemitraan.bidan_id, p.kemitraan.dukun_id)
    assert not Persalinan.objects.filter(kemitraan__isnull=True, jasa_dukun_jumlah__isnull=False).exists()


def test_mothers_have_valid_unique_niks_and_some_only_an_age(demo):
    ibu = Ibu.objects.filter(puskesmas__in=demo.values())
    n = ibu.count()
    niks = list(ibu.exclude(nik="").values_list("nik", flat=True))
    assert 0.7 <= len(niks) / n <= 0.9
    assert len(set(niks)) == len(niks)
    for nik in niks:
        validate_nik(nik)
        assert nik[:4] == "1571"
        assert 41 <= int(nik[6:8]) <= 71  # women: day of birth + 40
    assert ibu.filter(nik="", tanggal_lahir__isnull=False).exists()
    assert ibu.filter(tanggal_lahir__isnull=True, umur_tercatat__isnull=False).exists()
    assert ibu.filter(dukun__isnull=False).exists()
    assert Kehamilan.objects.filter(dukun__isnull=False).count() >= 10
    assert Kehamilan.objects.exclude(faktor_risiko=[]).exists()
    # Realistic names, not "Ibu 1": at least two words for most, and many different ones.
    nama = list(ibu.values_list("nama", flat=True))
    assert len(set(nama)) >= 0.6 * n
    assert not any(re.search(r"\d", x) for x in nama)
    # Women pregnant today, not yet delivered.
    assert Kehamilan.objects.filter(persalinan__isnull=True, hpht__gte=timezone.localdate() - dt.timedelta(
        days=280)).count() >= 20


def test_records_are_made_by_the_bidan_or_bidan_koordinator_of_their_puskesmas(demo):
    for model in (Ibu, Kehamilan, Rujukan, Persalinan):
        pencatat = Counter(model.objects.values_list("dicatat_oleh__role", "dicatat_oleh__puskesmas",
                                                     "dicatat_oleh__bidan__puskesmas", "puskesmas"))
        for (role, user_pkm, bidan_pkm, pkm), _n in pencatat.items():
            assert role in (Role.BIDAN, Role.BIDAN_KOORDINATOR), model
            assert (user_pkm if role == Role.BIDAN_KOORDINATOR else bidan_pkm) == pkm, model
    assert Persalinan.objects.filter(dicatat_oleh__role=Role.BIDAN).exists()


def test_targets_for_this_and_last_year_follow_the_estimate(demo):
    today = timezone.localdate()
    for p in demo.values():
        kelurahan = set(p.wilayah_kerja.values_list("pk", flat=True))
        for tahun in (today.year, today.year - 1):
            assert set(Sasaran.objects.filter(puskesmas=p, tahun=tahun).values_list("kelurahan", flat=True)) == \
                kelurahan
    for s in Sasaran.objects.all():
        penduduk = s.bayi_baru_lahir / CBR
        assert abs(s.ibu_hamil - 1.10 * CBR * penduduk) <= 1.5
        assert abs(s.ibu_bersalin - 1.05 * CBR * penduduk) <= 1.5
    # The register holds most, not all, of the year's target of deliveries.
    setahun = Persalinan.objects.filter(tanggal__gt=today - dt.timedelta(days=365)).count()
    target = Sasaran.objects.filter(tahun=today.year).total()["ibu_bersalin"]
    assert 0.75 <= setahun / target <= 1.0


def test_no_date_in_the_future(demo):
    today, now = timezone.localdate(), timezone.now()
    checks = {
        Kehamilan: ["tanggal_daftar", "hpht"],
        Rujukan: ["waktu_rujuk", "waktu_diterima", "waktu_ditangani", "waktu_batal"],
        Persalinan: ["tanggal", "kf1", "kf2", "kf3", "kf4", "jasa_dukun_tanggal", "tanggal_meninggal_ibu"],
        Bayi: ["kn1", "kn2", "kn3", "tanggal_meninggal"],
        Ibu: ["tanggal_lahir"],
    }
    for model, fields in checks.items():
        for name in fields:
            latest = model.objects.aggregate(m=Max(name))["m"]
            if latest is not None:
                assert latest <= (now if isinstance(latest, dt.datetime) else today), (model, name)


def test_a_sample_of_every_record_passes_the_model_rules(demo):
    exclude = ["kelurahan", "puskesmas"]
    for model in (Ibu, Kehamilan, Rujukan, Persalinan, Bayi, KajianKasus, Sasaran):
        qs = model.objects.order_by("pk")
        n = qs.count()
        assert n, model
        for obj in qs[:: max(n // 25, 1)]:
            obj.full_clean(exclude=exclude + (["persalinan"] if model is Bayi else []))
    # The special cases too: deaths, refusals, twins.
    for p in Persalinan.objects.filter(Q(status_ibu=StatusIbu.MENINGGAL) | Q(rujukan__isnull=False)):
        p.full_clean(exclude=exclude)
    for b in Bayi.objects.filter(Q(tanggal_meninggal__isnull=False) | Q(status_lahir=StatusLahir.LAHIR_MATI)):
        b.full_clean(exclude=exclude)
        assert b.berat_lahir_gram < BBLR_GRAM or b.sebab_kematian != "bblr"


def test_seeding_again_adds_nothing(demo):
    counts = {m.__name__: m.objects.count() for m in KIA_MODELS}
    history = {m.__name__: m.history.count() for m in KIA_MODELS}
    notifikasi = Notifikasi.objects.count()
    out = io.StringIO()

    call_command("seed_demo", stdout=out)

    assert "Tidak ada perubahan" in out.getvalue()
    assert {m.__name__: m.objects.count() for m in KIA_MODELS} == counts
    assert {m.__name__: m.history.count() for m in KIA_MODELS} == history
    assert Notifikasi.objects.count() == notifikasi
