from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from puskesmas.models import (
    Bidan,
    Fasilitas,
    JenisFasilitas,
    Kabupaten,
    Kecamatan,
    Kelurahan,
    Provinsi,
    Puskesmas,
    Role,
    User,
)

TEST_PASSWORD = "kata-sandi-uji-panjang"


class ProvinsiFactory(DjangoModelFactory):
    class Meta:
        model = Provinsi
        django_get_or_create = ("kode",)

    kode = "15"
    nama = "Jambi"


class KabupatenFactory(DjangoModelFactory):
    class Meta:
        model = Kabupaten
        django_get_or_create = ("kode",)

    provinsi = factory.SubFactory(ProvinsiFactory)
    kode = "15.71"
    nama = "Kota Jambi"


class KecamatanFactory(DjangoModelFactory):
    class Meta:
        model = Kecamatan
        django_get_or_create = ("kode",)

    kabupaten = factory.SubFactory(KabupatenFactory)
    kode = factory.LazyAttribute(lambda o: f"{o.kabupaten.kode}.01")
    nama = "Telanaipura"


class KelurahanFactory(DjangoModelFactory):
    class Meta:
        model = Kelurahan
        django_get_or_create = ("kode",)

    kecamatan = factory.SubFactory(KecamatanFactory)
    kabupaten = factory.LazyAttribute(lambda o: o.kecamatan.kabupaten)
    kode = factory.Sequence(lambda n: f"15.71.01.{1100 + n}")
    nama = factory.Sequence(lambda n: f"Kelurahan Uji {n}")


class PuskesmasFactory(DjangoModelFactory):
    class Meta:
        model = Puskesmas
        django_get_or_create = ("kode",)

    kode = factory.Sequence(lambda n: f"PUJI{n:04d}")
    nama = factory.Sequence(lambda n: f"Uji {n}")
    kabupaten = factory.SubFactory(KabupatenFactory)


class FasilitasFactory(DjangoModelFactory):
    class Meta:
        model = Fasilitas

    puskesmas = factory.SubFactory(PuskesmasFactory)
    jenis = JenisFasilitas.INDUK
    nama = factory.Sequence(lambda n: f"Fasilitas Uji {n}")


class BidanFactory(DjangoModelFactory):
    class Meta:
        model = Bidan
        skip_postgeneration_save = True

    nama = factory.Sequence(lambda n: f"Bidan Uji {n}")
    fasilitas = factory.SubFactory(FasilitasFactory)

    @factory.post_generation
    def kelurahan_layanan(self, create, extracted, **kwargs):
        if create and extracted:
            self.kelurahan_layanan.set(extracted)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"pengguna{n}")
    role = Role.BIDAN
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(self, create, extracted, **kwargs):
        if create:
            self.save()
