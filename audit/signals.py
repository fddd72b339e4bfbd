"""Logins, logouts, failed logins and lockouts into the audit trail (receivers only call the service)."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.models import Aksi
from audit.services import catat, request_sekarang


def _nama(credentials: dict | None) -> str:
    # Only the username: the password never leaves `credentials`.
    return str((credentials or {}).get("username") or "")


def _akun(username: str):
    """The account a failed login tried, for its Puskesmas scope (so her Kepala Puskesmas sees it), or None."""
    from django.contrib.auth import get_user_model

    if not username:
        return None
    return get_user_model()._default_manager.filter(username=username).first()


@receiver(user_logged_in, dispatch_uid="audit_login")
def _login(sender, request, user, **kwargs):
    catat(aksi=Aksi.LOGIN, request=request, pengguna=user)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logout(sender, request, user, **kwargs):
    if user is not None:
        catat(aksi=Aksi.LOGOUT, request=request, pengguna=user)


@receiver(user_login_failed, dispatch_uid="audit_login_gagal")
def _login_gagal(sender, credentials, request=None, **kwargs):
    username = _nama(credentials)
    catat(aksi=Aksi.LOGIN_GAGAL, request=request or request_sekarang(), pengguna=None, username=username,
          lingkup_dari=_akun(username))


@receiver(user_locked_out, dispatch_uid="audit_terkunci")
def _terkunci(sender, request, username, ip_address, **kwargs):
    username = str(username or "")
    catat(aksi=Aksi.TERKUNCI, request=request, pengguna=None, username=username, lingkup_dari=_akun(username))
