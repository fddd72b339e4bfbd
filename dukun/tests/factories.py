from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from dukun.models import Dukun, StatusDukun
from puskesmas.tests.factories import KelurahanFactory


class DukunFactory(DjangoModelFactory):
    class Meta:
        model = Dukun
        skip_postgeneration_save = True

    nama = factory.Sequence(lambda n: f"Dukun Uji {n}")
    kelurahan = factory.SubFactory(KelurahanFactory)
    tahun_lahir = 1960
    status = StatusDukun.AKTIF

    @factory.post_generation
    def dikenal_oleh(self, create, extracted, **kwargs):
        if create and extracted:
            self.dikenal_oleh.set(extracted)
