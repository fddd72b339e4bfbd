from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from dukun.tests.factories import DukunFactory
from kemitraan.models import (
    AnggaranDana,
    JenisPertemuan,
    Kemitraan,
    Pelatihan,
    Pertemuan,
    StatusPertemuan,
    SumberDana,
    TindakLanjut,
)
from puskesmas.tests.factories import BidanFactory, PuskesmasFactory


class KemitraanFactory(DjangoModelFactory):
    class Meta:
        model = Kemitraan

    bidan = factory.SubFactory(BidanFactory)
    dukun = factory.SubFactory(DukunFactory)
    tanggal_mulai = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=200))
    nilai_pembagian_jasa = 50000


class PertemuanFactory(DjangoModelFactory):
    """A routine meeting held thirty days ago (pass status/waktu to make a planned one)."""

    class Meta:
        model = Pertemuan

    puskesmas = factory.SubFactory(PuskesmasFactory)
    jenis = JenisPertemuan.RUTIN
    status = StatusPertemuan.TERLAKSANA
    waktu_rencana = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=30))
    waktu_pelaksanaan = factory.LazyAttribute(
        lambda o: o.waktu_rencana if o.status == StatusPertemuan.TERLAKSANA else None
    )
    tempat = "Aula Puskesmas"


class TindakLanjutFactory(DjangoModelFactory):
    class Meta:
        model = TindakLanjut

    pertemuan = factory.SubFactory(PertemuanFactory)
    uraian = factory.Sequence(lambda n: f"Tindak lanjut uji {n}")
    penanggung_jawab_peran = "bikor"
    tenggat = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=14))


class AnggaranDanaFactory(DjangoModelFactory):
    class Meta:
        model = AnggaranDana

    puskesmas = factory.SubFactory(PuskesmasFactory)
    tahun = factory.LazyFunction(lambda: timezone.localdate().year)
    sumber = SumberDana.BOK
    jumlah_alokasi = 12_000_000


class PelatihanFactory(DjangoModelFactory):
    class Meta:
        model = Pelatihan

    puskesmas = factory.SubFactory(PuskesmasFactory)
    jenis = "pelatihan"
    tanggal = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=60))
    topik = "Tanda bahaya kehamilan"
