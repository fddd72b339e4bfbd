"""Session limits and the two-step login, enforced for every request of a logged-in user."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect, resolve_url
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from akun.services import (
    SESSION_HAS_DEVICE,
    SESSION_LOGIN_AT,
    SESSION_SEEN_AT,
    punya_perangkat,
    sesi_terlihat,
    wajib_dua_langkah,
)

# Writing the session on every request would cost a database write per click; the idle clock
# only needs to be accurate to about a minute.
SEEN_RESOLUTION_SECONDS = 60


def _redirect(request, url: str) -> HttpResponse:
    if request.headers.get("HX-Request"):
        # htmx would swap the whole login page into a fragment: tell it to navigate instead.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _with_next(request, url_name: str) -> str:
    url = resolve_url(url_name)
    if request.method == "GET":
        url += "?" + urlencode({"next": request.get_full_path()})
    return url


class SessionTimeoutMiddleware:
    """End a session after SESSION_IDLE_TIMEOUT idle seconds and SESSION_ABSOLUTE_TIMEOUT in total."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            expired = self._check(request)
            if expired:
                return expired
        return self.get_response(request)

    def _check(self, request):
        session = request.session
        now = time.time()
        login_at = session.get(SESSION_LOGIN_AT)
        seen_at = session.get(SESSION_SEEN_AT)
        if login_at is None or seen_at is None:
            # A session from before these limits existed: start its clocks now.
            session[SESSION_LOGIN_AT] = login_at or now
            session[SESSION_SEEN_AT] = now
            return None
        if now - login_at > settings.SESSION_ABSOLUTE_TIMEOUT:
            message = _("Sesi Anda berakhir karena sudah %(jam)s jam sejak masuk. Silakan masuk lagi.") % {
                "jam": round(settings.SESSION_ABSOLUTE_TIMEOUT / 3600)
            }
        elif now - seen_at > settings.SESSION_IDLE_TIMEOUT:
            message = _("Sesi Anda berakhir karena tidak ada aktivitas selama %(menit)s menit. "
                        "Silakan masuk lagi.") % {"menit": round(settings.SESSION_IDLE_TIMEOUT / 60)}
        else:
            if now - seen_at >= SEEN_RESOLUTION_SECONDS:
                session[SESSION_SEEN_AT] = now
                sesi_terlihat(session_key=session.session_key)
            return None
        logout(request)
        messages.warning(request, message)
        return _redirect(request, _with_next(request, settings.LOGIN_URL))


# Reachable before the second step: leaving, the language switch, health checks. Static files are
# answered by WhiteNoise before any of this runs.
ALWAYS_OPEN = {"logout", "set_language", "healthz"}


class TwoFactorRequiredMiddleware:
    """After the password, users with an authenticator must give a code before any page;
    Dinkes and administrators without one must set it up first.

    Runs after django_otp's OTPMiddleware, which marks a session verified (request.user.is_verified()).
    Users who need neither (a bidan without an authenticator) pass with no query at all.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not self.sudah_terverifikasi(request):
            target = self._target(request)
            if target and self._view_name(request) not in ALWAYS_OPEN | {target}:
                return _redirect(request, _with_next(request, target))
        return self.get_response(request)

    def sudah_terverifikasi(self, request) -> bool:
        # One place to ask, so that the test suite's force_login sessions can be treated as
        # verified (see the root conftest.py) without any bypass existing in production code.
        return request.user.is_verified()

    def _target(self, request) -> str | None:
        has_device = request.session.get(SESSION_HAS_DEVICE)
        if has_device is None:
            has_device = request.session[SESSION_HAS_DEVICE] = punya_perangkat(request.user)
        if has_device:
            return "akun:dua_langkah_verifikasi"
        if wajib_dua_langkah(request.user):
            return "akun:dua_langkah_atur"
        return None

    @staticmethod
    def _view_name(request) -> str | None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        return match.view_name
