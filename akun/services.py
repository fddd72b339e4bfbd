"""Writes about sessions and two-step login; views and signal receivers call these."""

from __future__ import annotations

import time
from importlib import import_module

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from akun.models import SesiPengguna
from puskesmas.models import User

# Session keys: when this session logged in and when it was last seen (Unix seconds).
SESSION_LOGIN_AT = "akun_masuk"
SESSION_SEEN_AT = "akun_aktif"
# Whether the user had a confirmed second factor when she logged in: read on every request
# so that users without one (most bidan) cost no extra query.
SESSION_HAS_DEVICE = "akun_punya_perangkat"

JUMLAH_KODE_CADANGAN = 10
NAMA_PERANGKAT_TOTP = "Aplikasi autentikator"
NAMA_PERANGKAT_CADANGAN = "Kode cadangan"


def _session_store(session_key: str):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key)


def _client_ip(request) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is whatever the client says unless a proxy rewrites it.
    return request.META.get("REMOTE_ADDR") or None


def sesi_catat(*, request, user: User) -> SesiPengguna | None:
    """Start the clocks of a new login and list the session under the user."""
    now = time.time()
    request.session[SESSION_LOGIN_AT] = now
    request.session[SESSION_SEEN_AT] = now
    request.session[SESSION_HAS_DEVICE] = punya_perangkat(user)
    if not request.session.session_key:
        request.session.save()
    sesi, _ = SesiPengguna.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "dibuat": timezone.now(),
            "terakhir_aktif": timezone.now(),
            "alamat_ip": _client_ip(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
        },
    )
    return sesi


def sesi_lupakan(*, session_key: str | None) -> None:
    """The session ended (logout): drop it from the list."""
    if session_key:
        SesiPengguna.objects.filter(session_key=session_key).delete()


def sesi_terlihat(*, session_key: str) -> None:
    SesiPengguna.objects.filter(session_key=session_key).update(terakhir_aktif=timezone.now())


def sesi_ganti_kunci(*, lama: str | None, baru: str) -> None:
    """Django gives the session a new key when the password changes; keep the listing in step."""
    if lama and lama != baru:
        SesiPengguna.objects.filter(session_key=lama).update(session_key=baru)


def sesi_akhiri(*, sesi: SesiPengguna) -> None:
    """End a session from elsewhere: its cookie then opens nothing."""
    _session_store(sesi.session_key).delete()
    sesi.delete()


def sesi_akhiri_lainnya(*, user: User, kecuali_session_key: str | None) -> int:
    """End every session of the user but the current one; returns how many were ended."""
    lainnya = list(SesiPengguna.objects.filter(user=user).exclude(session_key=kecuali_session_key or ""))
    for sesi in lainnya:
        _session_store(sesi.session_key).delete()
    SesiPengguna.objects.filter(pk__in=[s.pk for s in lainnya]).delete()
    return len(lainnya)


def sesi_bersihkan(*, user: User) -> None:
    """Forget sessions past their limits (the browser was closed; nobody logged out)."""
    SesiPengguna.objects.filter(user=user).exclude(
        pk__in=SesiPengguna.objects.filter(user=user).masih_berlaku().values("pk")
    ).delete()


# Two-step login -----------------------------------------------------------------------------


def wajib_dua_langkah(user: User) -> bool:
    """Dinkes and administrators see the whole district's personal data: a password alone is not enough."""
    from puskesmas.models import Role

    return bool(user.is_authenticated and (
        user.is_superuser or user.is_staff or user.role in (Role.ADMIN, Role.DINKES)
    ))


def punya_perangkat(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def totp_siapkan(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator being set up (one at a time), with a fresh secret."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=NAMA_PERANGKAT_TOTP, confirmed=False)
    return device


@transaction.atomic
def totp_konfirmasi(*, request, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the new authenticator with a code it shows; returns fresh recovery codes, or None.

    The new device replaces any earlier one, and every other session of the user ends: they were
    opened with one factor and must not outlive the switch to two.
    """
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if not device.verify_token(token):
        return None
    user = device.user
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    kode = kode_cadangan_buat(user=user)
    otp_login(request, device)
    request.session[SESSION_HAS_DEVICE] = True
    sesi_akhiri_lainnya(user=user, kecuali_session_key=request.session.session_key)
    return kode


@transaction.atomic
def kode_cadangan_buat(*, user: User) -> list[str]:
    """Ten single-use recovery codes, shown once; earlier ones stop working."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=NAMA_PERANGKAT_CADANGAN, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    kode = [StaticToken.random_token() for _ in range(JUMLAH_KODE_CADANGAN)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=k) for k in kode])
    return kode


def dua_langkah_verifikasi(*, request, user: User, token: str):
    """Check a code from the authenticator or a recovery code; on success the session counts as verified."""
    from django_otp import verify_token

    token = "".join(token.split()).lower()
    # A 6-digit code comes from the authenticator, anything else is a recovery code: trying each
    # code on the wrong kind of device would only raise that device's throttling delay.
    model = TOTPDevice if (token.isdigit() and len(token) == 6) else StaticDevice
    for device in model.objects.filter(user=user, confirmed=True):
        verified = verify_token(user, device.persistent_id, token)
        if verified is not None:
            otp_login(request, verified)
            return verified
    return None


@transaction.atomic
def dua_langkah_nonaktifkan(*, request, user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    request.session[SESSION_HAS_DEVICE] = False
