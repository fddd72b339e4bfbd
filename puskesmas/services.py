from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from puskesmas.history import satu_entri
from puskesmas.models import Bidan, Fasilitas, Kelurahan


@transaction.atomic
def bidan_save(*, bidan: Bidan, kelurahan_layanan: Iterable[Kelurahan], **fields) -> Bidan:
    """Create or update a bidan with the kelurahan she serves, in one transaction."""
    for name, value in fields.items():
        setattr(bidan, name, value)
    bidan.full_clean(exclude=["puskesmas"])
    with satu_entri(bidan):
        bidan.save()
        bidan.kelurahan_layanan.set(kelurahan_layanan)
    return bidan


@transaction.atomic
def fasilitas_save(*, fasilitas: Fasilitas, **fields) -> Fasilitas:
    for name, value in fields.items():
        setattr(fasilitas, name, value)
    fasilitas.full_clean()
    fasilitas.save()
    return fasilitas
