"""Logins, logouts, failed logins and lockouts land in the audit trail, one row each, without the password."""

from __future__ import annotations

from django.urls import reverse

from audit.models import Aksi, Jejak
from audit.tests.conftest import isi_baris
from puskesmas.tests.factories import TEST_PASSWORD


def _masuk(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def test_login_and_logout_write_one_row_each(client, cast, jejak_baru):
    baru = jejak_baru()
    response = _masuk(client, "bidan_a", TEST_PASSWORD, REMOTE_ADDR="10.9.8.7")
    assert response.status_code == 302
    j = baru.satu()
    assert (j.aksi, j.pengguna, j.username, j.ip, j.puskesmas_id) == (
        Aksi.LOGIN, cast.bidan_a, "bidan_a", "10.9.8.7", cast.w.puskesmas_a.pk)
    assert TEST_PASSWORD not in isi_baris(j)

    baru = jejak_baru()
    client.post(reverse("logout"))
    j = baru.satu()
    assert (j.aksi, j.pengguna) == (Aksi.LOGOUT, cast.bidan_a)


def test_a_failed_login_keeps_the_typed_name_and_the_accounts_scope_not_the_password(client, cast, jejak_baru):
    baru = jejak_baru()
    assert _masuk(client, "bidan_a", "salah-sekali-12345").status_code == 200
    j = baru.satu()
    assert (j.aksi, j.pengguna, j.username, j.puskesmas_id) == (
        Aksi.LOGIN_GAGAL, None, "bidan_a", cast.w.puskesmas_a.pk)
    assert "salah-sekali-12345" not in isi_baris(j)


def test_a_failed_login_with_an_unknown_name_is_kept_without_scope(client, cast, jejak_baru):
    baru = jejak_baru()
    _masuk(client, "tidak_ada", "apa-saja-123456")
    j = baru.satu()
    assert (j.aksi, j.username, j.puskesmas_id, j.kabupaten_id) == (Aksi.LOGIN_GAGAL, "tidak_ada", None, None)


def test_the_lockout_is_logged_when_it_happens(client, cast, settings, jejak_baru):
    baru = jejak_baru()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _masuk(client, "kapus_a", "salah-sekali-12345")
    rows = baru.rows()
    assert [j.aksi for j in rows].count(Aksi.LOGIN_GAGAL) == settings.AXES_FAILURE_LIMIT
    terkunci = [j for j in rows if j.aksi == Aksi.TERKUNCI]
    assert len(terkunci) == 1
    assert (terkunci[0].username, terkunci[0].puskesmas_id) == ("kapus_a", cast.w.puskesmas_a.pk)
    assert not Jejak.objects.filter(aksi=Aksi.LOGIN).exists()
