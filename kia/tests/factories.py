"""Factories of mothers, pregnancies, referrals and deliveries.

They create rows directly (not through `kia.services`), so tests of the services and of the rules
start from a known state; tests that exercise a write call the service themselves.
"""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from kia.models import (
    Bayi,
    Ibu,
    JenisRujukan,
    Kehamilan,
    Penolong,
    Persalinan,
    Rujukan,
    Sasaran,
    StatusLahir,
    TempatPersalinan,
)
from puskesmas.tests.factories import KelurahanFactory


class IbuFactory(DjangoModelFactory):
    class Meta:
        model = Ibu

    nama = factory.Sequence(lambda n: f"Ibu Uji {n}")
    kelurahan = factory.SubFactory(KelurahanFactory)
    tanggal_lahir = dt.date(1996, 5, 17)


class KehamilanFactory(DjangoModelFactory):
    class Meta:
        model = Kehamilan

    ibu = factory.SubFactory(IbuFactory)
    tanggal_daftar = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=60))
    hpht = factory.LazyAttribute(lambda o: o.tanggal_daftar - dt.timedelta(days=70))
    gravida = 2
    para = 1


class RujukanFactory(DjangoModelFactory):
    """A dukun → bidan referral made two days ago; pass `dukun` from the mother's Puskesmas."""

    class Meta:
        model = Rujukan

    ibu = factory.SubFactory(IbuFactory)
    jenis = JenisRujukan.DUKUN_KE_BIDAN
    waktu_rujuk = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=2))
    tanda_bahaya = factory.LazyFunction(lambda: ["perdarahan"])
    alasan = "Perdarahan sejak pagi"


class PersalinanFactory(DjangoModelFactory):
    """A delivery by a bidan in the Puskesmas ten days ago (no baby: use BayiFactory or `with_bayi`)."""

    class Meta:
        model = Persalinan

    ibu = factory.SubFactory(IbuFactory)
    tanggal = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=10))
    tempat = TempatPersalinan.PUSKESMAS
    penolong = Penolong.BIDAN


class BayiFactory(DjangoModelFactory):
    class Meta:
        model = Bayi

    persalinan = factory.SubFactory(PersalinanFactory)
    urutan = 1
    jenis_kelamin = "p"
    berat_lahir_gram = 3100
    status_lahir = StatusLahir.LAHIR_HIDUP
    imd = True
    vitamin_k1 = True
    hb0 = True


class SasaranFactory(DjangoModelFactory):
    class Meta:
        model = Sasaran

    tahun = factory.LazyFunction(lambda: timezone.localdate().year)
    kelurahan = factory.SubFactory(KelurahanFactory)
    ibu_hamil = 110
    ibu_bersalin = 105
    bayi_baru_lahir = 100
