from __future__ import annotations

import pytest
from django.db import OperationalError
from django.utils import timezone

from puskesmas.middleware import zona_waktu_pengguna
from puskesmas.models import Role, ZonaWaktu
from puskesmas.tests.factories import KabupatenFactory, ProvinsiFactory, PuskesmasFactory, UserFactory


def test_browser_asking_for_english_still_gets_indonesian(client, cast):
    client.force_login(cast.bikor_a)
    response = client.get("/dukun/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "id"
    assert "Daftar dukun" in response.content.decode()


def test_language_chosen_in_the_switcher_is_kept(client, cast):
    client.force_login(cast.bikor_a)
    client.cookies["django_language"] = "en"
    assert client.get("/dukun/").headers["Content-Language"] == "en"


def test_unknown_language_cookie_falls_back_to_indonesian(client, cast):
    client.force_login(cast.bikor_a)
    client.cookies["django_language"] = "xx"
    assert client.get("/dukun/").headers["Content-Language"] == "id"


@pytest.mark.parametrize(
    ("provinsi", "zona"),
    [("15", ZonaWaktu.WIB), ("73", ZonaWaktu.WITA), ("91", ZonaWaktu.WIT)],
)
def test_user_sees_times_in_the_zone_of_her_puskesmas(db, provinsi, zona):
    kabupaten = KabupatenFactory(kode=f"{provinsi}.01", provinsi=ProvinsiFactory(kode=provinsi, nama=provinsi))
    puskesmas = PuskesmasFactory(kabupaten=kabupaten)
    bikor = UserFactory(role=Role.BIDAN_KOORDINATOR, puskesmas=puskesmas)
    dinkes = UserFactory(role=Role.DINKES, kabupaten=kabupaten)
    assert zona_waktu_pengguna(bikor) == zona
    assert zona_waktu_pengguna(dinkes) == zona


def test_bidan_sees_times_in_her_puskesmas_zone_and_admin_in_the_server_default(client, cast):
    assert zona_waktu_pengguna(cast.bidan_a) == ZonaWaktu.WIB
    assert zona_waktu_pengguna(cast.admin) is None
    client.force_login(cast.admin)
    client.get("/")
    assert timezone.get_current_timezone_name() == "Asia/Jakarta"


def test_healthz_reports_database_and_broker(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["broker"] in {"ok", "eager"}


def test_healthz_answers_503_when_the_database_is_down(client, db, monkeypatch):
    class DownConnection:
        def cursor(self):
            raise OperationalError("could not connect to server")

    monkeypatch.setattr("puskesmas.views.connection", DownConnection())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert response.json()["database"] == "error"
