"""403/404/500/503 pages in Indonesian that reveal nothing: no traceback, no object, no echo of the address."""

from __future__ import annotations

import logging

import pytest
from django.db import OperationalError
from django.urls import reverse

RAHASIA = "DETAIL-RAHASIA-3571012345678901"  # NIK-shaped, as a leaked message would be


def _bersih(html: str, *tidak_boleh: str) -> None:
    for kata in ("Traceback", "Exception", "DoesNotExist", "matching query", "settings.py", "File \"",
                 RAHASIA, *tidak_boleh):
        assert kata not in html, kata


def test_404_di_luar_wilayah_tidak_menyebut_objek_atau_alamat(client, cast, dukun_set):
    client.force_login(cast.bidan_b)
    url = reverse("dukun:detail", args=[dukun_set.a2.pk])
    r = client.get(url)
    assert r.status_code == 404
    html = r.content.decode()
    assert "Halaman tidak ditemukan" in html
    assert "Data yang Anda cari tidak ada atau berada di luar wilayah Anda." in html
    _bersih(html, url, dukun_set.a2.nama, "Dukun matching")


def test_404_alamat_tak_dikenal_tidak_digemakan(client, cast):
    client.force_login(cast.bikor_a)
    url = "/tidak-ada-xq7/%3Cb%3Esuntikan%3C/b%3E/"
    r = client.get(url)
    assert r.status_code == 404
    html = r.content.decode()
    assert "Halaman tidak ditemukan" in html
    _bersih(html, "tidak-ada-xq7", "suntikan", "Using the URLconf", "urlpatterns")


def test_403_peran_baca_saja_tanpa_rincian(client, cast, dukun_set):
    client.force_login(cast.dinkes_a)
    url = reverse("dukun:update", args=[dukun_set.a1.pk])
    r = client.get(url)
    assert r.status_code == 403
    html = r.content.decode()
    assert "Akses ditolak" in html and "Peran Anda tidak diizinkan melakukan tindakan ini." in html
    _bersih(html, url, dukun_set.a1.nama, "PermissionDenied")


def test_403_csrf_dalam_bahasa_indonesia(cast):
    from django.test import Client

    c = Client(enforce_csrf_checks=True)
    c.force_login(cast.bikor_a)
    r = c.post(reverse("dukun:create"), {"nama": "X"})
    assert r.status_code == 403
    html = r.content.decode()
    assert "Formulir kedaluwarsa" in html
    _bersih(html, "CSRF verification failed", "CSRF cookie not set", "Referer checking", "reason")


# A test-only URLconf: views that fail the way a bug or an outage would.
def _rusak(request):
    raise RuntimeError(RAHASIA)


def _db_putus(request):
    raise OperationalError(f"could not connect to server: {RAHASIA}")


urlpatterns = []  # filled below, after the views exist
handler500 = "config.errors.server_error"


def _isi_urlpatterns():
    from django.urls import path

    urlpatterns[:] = [path("rusak/", _rusak), path("db-putus/", _db_putus)]


_isi_urlpatterns()


@pytest.mark.urls(__name__)
def test_500_tanpa_jejak(client, db):
    client.raise_request_exception = False
    r = client.get("/rusak/")
    assert r.status_code == 500
    html = r.content.decode()
    assert "Terjadi kesalahan" in html and "Data yang sudah tersimpan tidak hilang." in html
    _bersih(html, "RuntimeError", "_rusak", "/rusak/")


@pytest.mark.urls(__name__)
def test_db_putus_di_view_menjadi_503_dengan_retry_after(client, db, caplog):
    caplog.set_level(logging.WARNING, logger="config.database")
    r = client.get("/db-putus/")  # answered by the middleware: no exception reaches the client
    assert r.status_code == 503
    assert r["Retry-After"] == "30"
    assert r["Cache-Control"] == "no-store"
    html = r.content.decode()
    assert "Layanan sementara tidak tersedia" in html
    _bersih(html, "OperationalError", "could not connect", "/db-putus/")
    # Logged once, by class and view, without the error's text.
    pesan = [rec.getMessage() for rec in caplog.records if rec.name == "config.database"]
    assert len(pesan) == 1 and pesan[0].startswith("Basis data tidak tersedia (OperationalError) pada GET "), pesan
    assert RAHASIA not in pesan[0]


def test_db_putus_sebelum_view_juga_503(rf, db):
    """An outage in a middleware (loading the session's user) reaches the 500 handler: it answers 503."""
    from config.errors import server_error

    request = rf.get("/")
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        r = server_error(request)
    assert r.status_code == 503 and r["Retry-After"] == "30"
    try:
        raise ValueError("bukan basis data")
    except ValueError:
        assert server_error(request).status_code == 500
