"""Two-step login: required for Dinkes and administrators, optional (and then asked) for others."""

from __future__ import annotations

import re
from base64 import b32decode
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from akun.models import SesiPengguna
from akun.tests.utils import kode_totp, masuk, perangkat_terkonfirmasi

pytestmark = pytest.mark.django_db

ATUR = reverse("akun:dua_langkah_atur")
VERIFIKASI = reverse("akun:dua_langkah_verifikasi")

HALAMAN = ["home", "dasbor:index", "kia:ibu_list", "dukun:list", "laporan:kabupaten", "akun:sesi_list",
           "akun:ganti_sandi", "akun:dua_langkah", "admin:index", "puskesmas:list"]


def _ke(url: str, tujuan: str) -> str:
    return f"{tujuan}?next={quote(url, safe='')}"


def _kode_dari_halaman(html: str) -> str:
    """What a person does: read the secret under the QR code and type the authenticator's code."""
    rahasia = re.search(r'id="kunci-rahasia"[^>]*>([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    return f"{totp(b32decode(rahasia)):06d}"


def test_without_the_fixture_force_login_sessions_count_as_verified(client, cast):
    """The root conftest's bypass, which the other tests of this module switch off."""
    client.force_login(cast.dinkes_a)
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize("nama", HALAMAN)
@pytest.mark.parametrize("role", ["dinkes_a", "admin"])
def test_dinkes_and_admin_without_authenticator_are_sent_to_setup_from_every_page(
    client, cast, dua_langkah_ditegakkan, role, nama
):
    client.force_login(getattr(cast, role))
    url = reverse(nama)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == _ke(url, ATUR)


def test_post_without_second_step_is_refused_too(client, cast, dua_langkah_ditegakkan):
    client.force_login(cast.dinkes_a)
    response = client.post(reverse("akun:sesi_akhiri_lainnya"))
    assert response["Location"] == ATUR


def test_logout_language_and_health_stay_open_before_the_second_step(client, cast, dua_langkah_ditegakkan):
    client.force_login(cast.dinkes_a)
    assert client.get(reverse("healthz")).status_code in (200, 503)
    assert client.post(reverse("set_language"), {"language": "id", "next": "/"})["Location"] == "/"
    assert client.post(reverse("logout"))["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_dinkes_sets_up_the_authenticator_and_gets_ten_recovery_codes(client, cast, dua_langkah_ditegakkan):
    response = masuk(client, "dinkes_a")
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home"))["Location"] == _ke("/", ATUR)

    halaman = client.get(_ke("/", ATUR))
    html = halaman.content.decode()
    assert halaman.status_code == 200
    assert "<svg" in html and "<script" not in html.split("<main", 1)[1].split("</main>")[0]
    assert halaman["Cache-Control"].startswith("max-age=0")

    salah = client.post(ATUR, {"kode": "000000", "next": "/"})
    assert salah.status_code == 400
    assert not TOTPDevice.objects.filter(user=cast.dinkes_a, confirmed=True).exists()
    assert client.get(reverse("home")).status_code == 302

    # A wrong code delays the next try (django-otp throttling); a person takes longer than that to retype.
    TOTPDevice.objects.filter(user=cast.dinkes_a).update(throttling_failure_count=0)
    selesai = client.post(ATUR, {"kode": _kode_dari_halaman(html), "next": "/"})
    assert selesai.status_code == 200
    assert len(selesai.context["kode_list"]) == 10
    assert StaticToken.objects.filter(device__user=cast.dinkes_a).count() == 10
    assert client.get(reverse("home")).status_code == 200


def test_setup_ends_the_other_sessions_opened_with_the_password_alone(client, cast):
    lain = Client()
    masuk(lain, "bidan_a")
    masuk(client, "bidan_a")
    html = client.get(ATUR).content.decode()
    client.post(ATUR, {"kode": _kode_dari_halaman(html)})
    assert lain.get(reverse("home"))["Location"].startswith(reverse("login"))
    assert SesiPengguna.objects.filter(user=cast.bidan_a).count() == 1


def test_with_authenticator_a_code_is_asked_before_any_page(client, cast, dua_langkah_ditegakkan):
    device = perangkat_terkonfirmasi(cast.dinkes_a)
    masuk(client, "dinkes_a")
    url = reverse("kia:ibu_list")
    assert client.get(url)["Location"] == _ke(url, VERIFIKASI)
    # A user with an authenticator cannot set up a new one to get round it.
    assert client.get(ATUR)["Location"] == _ke(ATUR, VERIFIKASI)

    salah = client.post(VERIFIKASI, {"kode": "123456", "next": url})
    assert salah.status_code == 400
    assert "Kode salah" in salah.content.decode()
    assert client.get(url).status_code == 302

    device.throttle_reset()
    response = client.post(VERIFIKASI, {"kode": kode_totp(device), "next": url})
    assert response["Location"] == url
    assert client.get(url).status_code == 200


def test_verification_does_not_redirect_off_site(client, cast, dua_langkah_ditegakkan):
    device = perangkat_terkonfirmasi(cast.dinkes_a)
    masuk(client, "dinkes_a")
    response = client.post(VERIFIKASI, {"kode": kode_totp(device), "next": "https://jahat.example/"})
    assert response["Location"] == reverse("home")


def test_a_used_code_cannot_be_replayed(client, cast, dua_langkah_ditegakkan):
    device = perangkat_terkonfirmasi(cast.dinkes_a)
    kode = kode_totp(device)
    masuk(client, "dinkes_a")
    assert client.post(VERIFIKASI, {"kode": kode})["Location"] == reverse("home")
    lain = Client()
    masuk(lain, "dinkes_a")
    assert lain.post(VERIFIKASI, {"kode": kode}).status_code == 400


def test_a_recovery_code_works_once(client, cast, dua_langkah_ditegakkan):
    from akun.services import kode_cadangan_buat

    perangkat_terkonfirmasi(cast.admin)
    kode = kode_cadangan_buat(user=cast.admin)[3]
    masuk(client, "admin")
    assert client.post(VERIFIKASI, {"kode": kode.upper()})["Location"] == reverse("home")
    assert client.get(reverse("admin:index")).status_code == 200
    client.post(reverse("logout"))

    masuk(client, "admin")
    assert client.post(VERIFIKASI, {"kode": kode}).status_code == 400
    assert StaticToken.objects.filter(device__user=cast.admin).count() == 9


def test_regenerating_recovery_codes_voids_the_old_ones(client, cast, dua_langkah_ditegakkan):
    from akun.services import kode_cadangan_buat

    device = perangkat_terkonfirmasi(cast.dinkes_a)
    lama = kode_cadangan_buat(user=cast.dinkes_a)
    masuk(client, "dinkes_a")
    client.post(VERIFIKASI, {"kode": kode_totp(device)})
    baru = client.post(reverse("akun:dua_langkah_kode_cadangan")).context["kode_list"]
    assert len(baru) == 10
    assert not set(lama) & set(StaticToken.objects.filter(device__user=cast.dinkes_a).values_list("token", flat=True))


@pytest.mark.parametrize("username", ["bidan_a", "bikor_a", "kapus_a"])
def test_other_roles_without_authenticator_go_straight_in_at_no_extra_query(client, cast, dua_langkah_ditegakkan,
                                                                             username):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = masuk(client, username)
    assert response["Location"] == reverse("home")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("home")).status_code == 200
    assert not [q["sql"] for q in ctx.captured_queries if "otp_" in q["sql"] or "akun_" in q["sql"]]
    assert client.get(reverse("akun:dua_langkah")).status_code == 200


def test_bidan_who_chose_an_authenticator_is_asked_for_the_code_and_may_switch_it_off(
    client, cast, dua_langkah_ditegakkan
):
    device = perangkat_terkonfirmasi(cast.bidan_a)
    masuk(client, "bidan_a")
    assert client.get(reverse("home"))["Location"] == _ke("/", VERIFIKASI)
    client.post(VERIFIKASI, {"kode": kode_totp(device)})
    assert client.post(reverse("akun:dua_langkah_nonaktifkan"))["Location"] == reverse("akun:dua_langkah")
    assert not TOTPDevice.objects.filter(user=cast.bidan_a).exists()

    lain = Client()
    masuk(lain, "bidan_a")
    assert lain.get(reverse("home")).status_code == 200


def test_dinkes_cannot_switch_the_second_step_off(client, cast, dua_langkah_ditegakkan):
    device = perangkat_terkonfirmasi(cast.dinkes_a)
    masuk(client, "dinkes_a")
    client.post(VERIFIKASI, {"kode": kode_totp(device)})
    assert client.post(reverse("akun:dua_langkah_nonaktifkan")).status_code == 403
    assert TOTPDevice.objects.filter(user=cast.dinkes_a).exists()


def test_authenticator_removed_by_an_administrator_no_longer_blocks_a_bidan(client, cast, dua_langkah_ditegakkan):
    perangkat_terkonfirmasi(cast.bidan_a)
    masuk(client, "bidan_a")
    TOTPDevice.objects.filter(user=cast.bidan_a).delete()
    response = client.get(reverse("home"), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/"
