from __future__ import annotations

import time

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from akun.models import SesiPengguna, ringkas_user_agent
from akun.services import SESSION_LOGIN_AT, SESSION_SEEN_AT
from akun.tests.utils import masuk

pytestmark = pytest.mark.django_db

ANDROID_CHROME = ("Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/120.0.0.0 Mobile Safari/537.36")


def _geser(client, **detik):
    """Move this session's clocks into the past, as if that many seconds had gone by."""
    session = client.session
    for key, mundur in (("login", SESSION_LOGIN_AT), ("seen", SESSION_SEEN_AT)):
        if key in detik:
            session[mundur] = time.time() - detik[key]
    session.save()


def test_login_through_the_form_lists_the_session_with_address_and_device(client, cast):
    response = masuk(client, "bidan_a", ip="10.1.1.7", HTTP_USER_AGENT=ANDROID_CHROME)
    assert response.status_code == 302
    sesi = SesiPengguna.objects.get(user=cast.bidan_a)
    assert sesi.session_key == client.session.session_key
    assert str(sesi.alamat_ip) == "10.1.1.7"
    assert sesi.perangkat == "Chrome di Android"


def test_idle_session_ends_after_30_minutes_with_a_message(client, cast, settings):
    client.force_login(cast.bidan_a)
    _geser(client, seen=settings.SESSION_IDLE_TIMEOUT + 5)
    response = client.get(reverse("kia:ibu_list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login") + "?next=%2Fkia%2Fibu%2F"
    page = client.get(response["Location"])
    assert "tidak ada aktivitas selama 30 menit" in page.content.decode()
    assert not SesiPengguna.objects.filter(user=cast.bidan_a).exists()
    # Logged out for good, not only redirected once.
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))


def test_activity_just_inside_the_idle_limit_keeps_the_session_and_restarts_the_clock(client, cast, settings):
    client.force_login(cast.bidan_a)
    _geser(client, seen=settings.SESSION_IDLE_TIMEOUT - 60)
    assert client.get(reverse("home")).status_code == 200
    assert time.time() - client.session[SESSION_SEEN_AT] < 5
    sesi = SesiPengguna.objects.get(user=cast.bidan_a)
    assert (time.time() - sesi.terakhir_aktif.timestamp()) < 5


def test_last_activity_is_written_at_most_once_a_minute(client, cast):
    client.force_login(cast.bidan_a)
    _geser(client, seen=30)
    seen = client.session[SESSION_SEEN_AT]
    assert client.get(reverse("home")).status_code == 200
    assert client.session[SESSION_SEEN_AT] == seen


def test_absolute_limit_ends_even_a_busy_session_after_12_hours(client, cast, settings):
    client.force_login(cast.kapus_a)
    _geser(client, login=settings.SESSION_ABSOLUTE_TIMEOUT + 5, seen=10)
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("login"))
    assert "sudah 12 jam sejak masuk" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_expired_htmx_request_is_told_to_navigate_to_login(client, cast, settings):
    client.force_login(cast.bidan_a)
    _geser(client, seen=settings.SESSION_IDLE_TIMEOUT + 5)
    response = client.get(reverse("kia:ibu_list"), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].startswith(reverse("login"))


def test_session_list_shows_own_sessions_and_marks_this_one(client, cast, django_assert_max_num_queries):
    from django.test import Client

    lain = Client()
    masuk(lain, "bidan_a", ip="10.9.9.9", HTTP_USER_AGENT=ANDROID_CHROME)
    masuk(Client(), "bidan_b", ip="10.9.9.8")
    masuk(client, "bidan_a")
    with django_assert_max_num_queries(8):
        response = client.get(reverse("akun:sesi_list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("Sesi ini") == 1
    assert "10.9.9.9" in html and "Chrome di Android" in html
    assert "10.9.9.8" not in html  # bidan_b's session


def test_ending_another_session_logs_that_browser_out(client, cast):
    from django.test import Client

    ponsel = Client()
    masuk(ponsel, "bidan_a", ip="10.0.0.2")
    masuk(client, "bidan_a")
    sesi_ponsel = SesiPengguna.objects.get(session_key=ponsel.session.session_key)
    response = client.post(reverse("akun:sesi_akhiri", args=[sesi_ponsel.pk]))
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=sesi_ponsel.session_key).exists()
    assert not SesiPengguna.objects.filter(pk=sesi_ponsel.pk).exists()
    assert ponsel.get(reverse("home"))["Location"].startswith(reverse("login"))
    assert client.get(reverse("home")).status_code == 200


def test_a_guessed_id_of_someone_elses_session_is_404_and_ends_nothing(client, cast):
    from django.test import Client

    korban = Client()
    masuk(korban, "bidan_b")
    sesi_korban = SesiPengguna.objects.get(user=cast.bidan_b)
    client.force_login(cast.bidan_a)
    assert client.post(reverse("akun:sesi_akhiri", args=[sesi_korban.pk])).status_code == 404
    assert korban.get(reverse("home")).status_code == 200
    assert SesiPengguna.objects.filter(pk=sesi_korban.pk).exists()


def test_ending_a_session_needs_post(client, cast):
    client.force_login(cast.bidan_a)
    sesi = SesiPengguna.objects.get(user=cast.bidan_a)
    assert client.get(reverse("akun:sesi_akhiri", args=[sesi.pk])).status_code == 405


def test_end_all_other_sessions_keeps_only_this_one(client, cast):
    from django.test import Client

    lainnya = [Client(), Client()]
    for other in lainnya:
        masuk(other, "bikor_a")
    masuk(client, "bikor_a")
    client.post(reverse("akun:sesi_akhiri_lainnya"))
    assert list(SesiPengguna.objects.filter(user=cast.bikor_a).values_list("session_key", flat=True)) == [
        client.session.session_key
    ]
    for other in lainnya:
        assert other.get(reverse("home"))["Location"].startswith(reverse("login"))
    assert client.get(reverse("home")).status_code == 200


def test_logout_ends_the_session_and_drops_it_from_the_list(client, cast):
    masuk(client, "bidan_a")
    key = client.session.session_key
    client.post(reverse("logout"))
    assert not SesiPengguna.objects.filter(session_key=key).exists()
    assert not Session.objects.filter(session_key=key).exists()


def test_password_change_ends_all_other_sessions_but_keeps_this_one(client, cast):
    from django.test import Client

    from puskesmas.tests.factories import TEST_PASSWORD

    ponsel = Client()
    masuk(ponsel, "bidan_a", ip="10.0.0.3")
    kunci_ponsel = ponsel.session.session_key
    masuk(client, "bidan_a")
    baru = "Ketuban-pecah-dini-2026"
    response = client.post(reverse("akun:ganti_sandi"), {
        "old_password": TEST_PASSWORD, "new_password1": baru, "new_password2": baru,
    })
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=kunci_ponsel).exists()
    assert ponsel.get(reverse("home"))["Location"].startswith(reverse("login"))
    # This browser goes on, and its (new) session key is the one listed.
    assert client.get(reverse("home")).status_code == 200
    assert list(SesiPengguna.objects.filter(user=cast.bidan_a).values_list("session_key", flat=True)) == [
        client.session.session_key
    ]
    cast.bidan_a.refresh_from_db()
    assert cast.bidan_a.check_password(baru)


@pytest.mark.parametrize("sandi", ["pendek-11ch", "123456789012345", "password12345"])
def test_password_change_refuses_short_numeric_or_common_passwords(client, cast, sandi):
    from puskesmas.tests.factories import TEST_PASSWORD

    client.force_login(cast.bidan_a)
    response = client.post(reverse("akun:ganti_sandi"), {
        "old_password": TEST_PASSWORD, "new_password1": sandi, "new_password2": sandi,
    })
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    cast.bidan_a.refresh_from_db()
    assert cast.bidan_a.check_password(TEST_PASSWORD)


def test_pages_need_login(client, cast):
    for url in [reverse("akun:sesi_list"), reverse("akun:ganti_sandi"), reverse("akun:dua_langkah")]:
        assert client.get(url)["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("ua", "expected"), [
    (ANDROID_CHROME, "Chrome di Android"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0", "Firefox di Windows"),
    ("", "Perangkat tidak dikenal"),
])
def test_user_agent_is_shortened_to_something_recognisable(ua, expected):
    assert ringkas_user_agent(ua) == expected


def test_a_session_flushed_elsewhere_is_not_listed(client, cast):
    from django.test import Client

    lain = Client()
    masuk(lain, "bidan_a", ip="10.7.7.7")
    Session.objects.filter(session_key=lain.session.session_key).delete()
    masuk(client, "bidan_a")
    assert "10.7.7.7" not in client.get(reverse("akun:sesi_list")).content.decode()


def test_a_session_past_its_limits_is_not_listed_and_is_forgotten(client, cast, settings):
    from datetime import timedelta

    from django.test import Client
    from django.utils import timezone

    lain = Client()
    masuk(lain, "bidan_a", ip="10.7.7.8")
    SesiPengguna.objects.filter(session_key=lain.session.session_key).update(
        terakhir_aktif=timezone.now() - timedelta(seconds=settings.SESSION_IDLE_TIMEOUT + 1)
    )
    masuk(client, "bidan_a")
    assert "10.7.7.8" not in client.get(reverse("akun:sesi_list")).content.decode()
    assert not SesiPengguna.objects.filter(session_key=lain.session.session_key).exists()
