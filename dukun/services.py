from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from dukun.models import Dukun
from puskesmas.history import satu_entri
from puskesmas.models import Bidan, User
from puskesmas.versi import periksa_versi


@transaction.atomic
def dukun_create(*, dicatat_oleh: User, dikenal_oleh: Iterable[Bidan] = (), **fields) -> Dukun:
    """List a new dukun; the listing user and time are kept on the row and in its history."""
    dukun = Dukun(dicatat_oleh=dicatat_oleh, **fields)
    dukun.full_clean(exclude=["token_kirim"])  # the form's one-time token: unique by the database (buat_sekali)
    with satu_entri(dukun):
        dukun.save()
        dukun.dikenal_oleh.set(dikenal_oleh)
    return dukun


@transaction.atomic
def dukun_update(
    *, dukun: Dukun, dikenal_oleh: Iterable[Bidan] | None = None, versi: int | None = None, **fields
) -> Dukun:
    """Change a dukun's data. `versi`: the version the form was loaded with (VersiBerubah when stale)."""
    periksa_versi(dukun, versi)
    for name, value in fields.items():
        setattr(dukun, name, value)
    dukun.full_clean()
    with satu_entri(dukun):
        dukun.save()
        if dikenal_oleh is not None:
            dukun.dikenal_oleh.set(dikenal_oleh)
    return dukun
