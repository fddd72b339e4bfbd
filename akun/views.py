from __future__ import annotations

from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from akun.forms import KodeForm
from akun.models import SesiPengguna
from akun.selectors import sesi_aktif
from akun.services import (
    SESSION_HAS_DEVICE,
    dua_langkah_nonaktifkan,
    dua_langkah_verifikasi,
    kode_cadangan_buat,
    punya_perangkat,
    sesi_akhiri,
    sesi_akhiri_lainnya,
    sesi_bersihkan,
    sesi_ganti_kunci,
    totp_konfirmasi,
    totp_siapkan,
    wajib_dua_langkah,
)


def _next_url(request) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return url
    return settings.LOGIN_REDIRECT_URL


# Sessions ---------------------------------------------------------------------------------


@login_required
def sesi_list(request):
    sesi_bersihkan(user=request.user)
    return render(request, "akun/sesi_list.html", {
        "sesi_list": sesi_aktif(user=request.user),
        "session_key": request.session.session_key,
    })


@login_required
@require_POST
def sesi_akhiri_view(request, pk):
    # Filtering by the owner makes a guessed id of someone else's session a plain 404.
    sesi = get_object_or_404(SesiPengguna, pk=pk, user=request.user)
    if sesi.session_key == request.session.session_key:
        logout(request)
        return redirect(settings.LOGIN_URL)
    sesi_akhiri(sesi=sesi)
    messages.success(request, _("Sesi di %(perangkat)s diakhiri.") % {"perangkat": sesi.perangkat})
    return redirect("akun:sesi_list")


@login_required
@require_POST
def sesi_akhiri_lainnya_view(request):
    jumlah = sesi_akhiri_lainnya(user=request.user, kecuali_session_key=request.session.session_key)
    messages.success(request, _("%(n)s sesi lain diakhiri.") % {"n": jumlah})
    return redirect("akun:sesi_list")


class GantiSandiView(auth_views.PasswordChangeView):
    """Django's password change (validators from AUTH_PASSWORD_VALIDATORS) that also ends the other sessions."""

    template_name = "akun/ganti_sandi.html"
    success_url = reverse_lazy("akun:sesi_list")

    def form_valid(self, form):
        kunci_lama = self.request.session.session_key
        response = super().form_valid(form)  # saves, and gives this session a new key
        sesi_ganti_kunci(lama=kunci_lama, baru=self.request.session.session_key)
        sesi_akhiri_lainnya(user=form.user, kecuali_session_key=self.request.session.session_key)
        messages.success(self.request, _("Kata sandi diganti. Semua sesi lain telah diakhiri."))
        return response


# Two-step login -------------------------------------------------------------------------------


@login_required
def dua_langkah(request):
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    return render(request, "akun/dua_langkah.html", {
        "device": device,
        "sisa_kode": StaticToken.objects.filter(device__user=request.user).count() if device else 0,
        "wajib": wajib_dua_langkah(request.user),
    })


@never_cache
@login_required
def dua_langkah_atur(request):
    device = totp_siapkan(user=request.user)
    form = KodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        kode = totp_konfirmasi(request=request, device=device, token=form.cleaned_data["kode"])
        if kode is not None:
            return render(request, "akun/kode_cadangan.html", {"kode_list": kode, "next": _next_url(request)})
        form.add_error("kode", _("Kode salah. Periksa jam di ponsel Anda, tunggu sebentar, "
                                 "lalu masukkan kode yang sedang tampil."))
    rahasia = b32encode(device.bin_key).decode()
    return render(request, "akun/dua_langkah_atur.html", {
        "form": form,
        "wajib": wajib_dua_langkah(request.user),
        "qr_svg": mark_safe(segno.make(device.config_url, error="m").svg_inline(scale=4)),
        "rahasia": " ".join(rahasia[i:i + 4] for i in range(0, len(rahasia), 4)),
        "next": _next_url(request),
    }, status=400 if form.errors else 200)


@never_cache
@login_required
def dua_langkah_verifikasi_view(request):
    if not punya_perangkat(request.user):
        # The authenticator was removed since this login: nothing to ask for.
        request.session[SESSION_HAS_DEVICE] = False
        return redirect(_next_url(request))
    form = KodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if dua_langkah_verifikasi(request=request, user=request.user, token=form.cleaned_data["kode"]):
            return redirect(_next_url(request))
        form.add_error("kode", _("Kode salah, sudah dipakai, atau terlalu banyak percobaan. "
                                 "Tunggu sebentar lalu masukkan kode yang sedang tampil."))
    return render(request, "akun/dua_langkah_verifikasi.html", {"form": form, "next": _next_url(request)},
                  status=400 if form.errors else 200)


@never_cache
@login_required
@require_POST
def dua_langkah_kode_cadangan(request):
    if not TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect("akun:dua_langkah")
    return render(request, "akun/kode_cadangan.html", {
        "kode_list": kode_cadangan_buat(user=request.user), "next": reverse_lazy("akun:dua_langkah"),
    })


@login_required
@require_POST
def dua_langkah_nonaktifkan_view(request):
    if wajib_dua_langkah(request.user):
        raise PermissionDenied
    dua_langkah_nonaktifkan(request=request, user=request.user)
    messages.success(request, _("Verifikasi dua langkah dimatikan."))
    return redirect("akun:dua_langkah")
