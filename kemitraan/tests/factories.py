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


class PenghargaanSanksiFactory(DjangoModelFactory):
    """A written warning (teguran) to a partnership, ten days ago; pass jenis/dukun/bidan for others."""

    class Meta:
        model = "kemitraan.PenghargaanSanksi"

    kemitraan = factory.SubFactory(KemitraanFactory)
    puskesmas = factory.LazyAttribute(
        lambda o: o.kemitraan.puskesmas if o.kemitraan
        else (o.bidan.puskesmas if o.bidan else o.dukun.kelurahan.puskesmas)
    )
    jenis = "teguran"
    tanggal = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=10))
    dukun = None
    bidan = None
    bentuk = factory.Sequence(lambda n: f"Teguran tertulis ke-{n}")
    alasan = "Menolong persalinan sendiri tanpa memanggil bidan."


# --- Added for the programme area (schedule, reminders, inputs) ---


class RencanaPertemuanFactory(DjangoModelFactory):
    class Meta:
        model = "kemitraan.RencanaPertemuan"

    puskesmas = factory.SubFactory(PuskesmasFactory)
    tahun = factory.LazyFunction(lambda: timezone.localdate().year)
    jenis = JenisPertemuan.RUTIN
    jumlah = 4


class NotifikasiFactory(DjangoModelFactory):
    class Meta:
        model = "kemitraan.Notifikasi"

    kunci = factory.Sequence(lambda n: f"uji:{n}")
    judul = factory.Sequence(lambda n: f"Notifikasi uji {n}")
    pesan = "Pesan uji."


def _tanggal_pengeluaran(tahun: int) -> dt.date:
    """15 January of the budget year, or 1 January while the 15th is still to come: spending is never in the
    future (the 1 January run of `make test-jam` found the access matrix's control POSTs refused)."""
    tanggal = dt.date(tahun, 1, 15)
    return tanggal if tanggal <= timezone.localdate() else tanggal.replace(day=1)


class PengeluaranDanaFactory(DjangoModelFactory):
    class Meta:
        model = "kemitraan.PengeluaranDana"

    anggaran = factory.SubFactory(AnggaranDanaFactory)
    tanggal = factory.LazyAttribute(lambda o: _tanggal_pengeluaran(o.anggaran.tahun))
    jumlah = 250_000
    uraian = factory.Sequence(lambda n: f"Konsumsi pertemuan {n}")


class SaranaFactory(DjangoModelFactory):
    class Meta:
        model = "kemitraan.Sarana"

    puskesmas = factory.SubFactory(PuskesmasFactory)
    jenis = "buku_pedoman"
    nama = "Buku pedoman kemitraan bidan dan dukun"


class PemberianKitFactory(DjangoModelFactory):
    class Meta:
        model = "kemitraan.PemberianKit"

    puskesmas = factory.LazyAttribute(lambda o: o.dukun.kelurahan.puskesmas)
    dukun = factory.SubFactory(DukunFactory)
    tanggal = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=10))
    isi = "Kit dukun: kain bersih, sabun, handuk bayi"


# --- Added for meetings: cross-sector attendees ---


class PesertaLintasSektorFactory(DjangoModelFactory):
    class Meta:
        model = "kemitraan.PesertaLintasSektor"

    pertemuan = factory.SubFactory(PertemuanFactory)
    kategori = "lurah"
    nama = factory.Sequence(lambda n: f"Peserta uji {n}")
    jabatan = "Lurah"
