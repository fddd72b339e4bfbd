from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from akun.models import SesiPengguna
from puskesmas.models import User


def _kunci_hidup(keys: list[str]) -> set[str]:
    """Keys whose session still exists in the session store (ended or flushed ones are gone)."""
    if not keys:
        return set()
    if settings.SESSION_ENGINE == "django.contrib.sessions.backends.db":
        from django.contrib.sessions.models import Session

        return set(Session.objects.filter(session_key__in=keys, expire_date__gt=timezone.now())
                   .values_list("session_key", flat=True))
    from importlib import import_module

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    return {key for key in keys if store.exists(key)}


def sesi_aktif(*, user: User) -> list[SesiPengguna]:
    """The user's sessions that can still open a page, most recently used first."""
    daftar = list(SesiPengguna.objects.filter(user=user).masih_berlaku().order_by("-terakhir_aktif"))
    hidup = _kunci_hidup([s.session_key for s in daftar])
    return [s for s in daftar if s.session_key in hidup]
