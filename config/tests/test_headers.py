"""Security headers and the Content Security Policy on real pages; no template may need inline script."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from csp.constants import NONCE
from django.conf import settings
from django.urls import reverse

from kemitraan.tests.factories import PertemuanFactory

BASE_DIR = Path(settings.BASE_DIR)


def csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {bagian.split()[0]: bagian.split()[1:] for bagian in header.split(";") if bagian.strip()}


def test_header_keamanan_pada_halaman_https(client, cast):
    client.force_login(cast.bikor_a)
    r = client.get(reverse("dukun:list"), secure=True)
    assert r.status_code == 200
    assert r["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["X-Frame-Options"] == "DENY"
    assert r["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert r["Cross-Origin-Opener-Policy"] == "same-origin"


def test_cookie_sesi_dan_csrf_secure_httponly_lax(client, cast):
    from puskesmas.tests.factories import TEST_PASSWORD

    client.get(reverse("login"), secure=True)
    r = client.post(reverse("login"), {"username": "bikor_a", "password": TEST_PASSWORD}, secure=True)
    assert r.status_code == 302
    sesi, csrf = r.cookies[settings.SESSION_COOKIE_NAME], r.cookies[settings.CSRF_COOKIE_NAME]
    assert (sesi["secure"], sesi["httponly"], sesi["samesite"]) == (True, True, "Lax")
    assert (csrf["secure"], csrf["samesite"]) == (True, "Lax")


@pytest.mark.parametrize("nama_url", ["dukun:peta", "dukun:create", "dukun:list", "home", "login"])
def test_csp_tanpa_unsafe_inline_untuk_skrip(client, cast, dukun_set, nama_url):
    if nama_url != "login":  # the login page is seen anonymous
        client.force_login(cast.bikor_a)
    r = client.get(reverse(nama_url))
    assert r.status_code == 200
    d = csp(r)
    assert d["default-src"] == ["'self'"]
    assert d["script-src"] == ["'self'"]  # no inline script anywhere: no nonce needed, none sent
    assert "'unsafe-inline'" not in d["style-src-elem"]
    assert d["object-src"] == ["'none'"]
    assert d["frame-ancestors"] == ["'none'"]
    assert d["base-uri"] == ["'self'"]
    assert d["form-action"] == ["'self'"]
    # The OSM tile host is the one outside source, for images only.
    assert d["img-src"] == ["'self'", "data:", "https://tile.openstreetmap.org"]
    for sumber in d.values():
        assert "*" not in sumber and "https:" not in sumber and "'unsafe-eval'" not in sumber


def test_csp_nonce_gaya_pertemuan_cocok_dengan_header(client, cast):
    pertemuan = PertemuanFactory(puskesmas=cast.w.puskesmas_a)
    client.force_login(cast.bikor_a)
    r = client.get(reverse("pertemuan:detail", args=[pertemuan.pk]))
    assert r.status_code == 200
    nonce = re.search(r'<style nonce="([^"]+)">', r.content.decode()).group(1)
    d = csp(r)
    assert f"'nonce-{nonce}'" in d["style-src-elem"]
    assert d["script-src"] == ["'self'"]
    # A second response gets a fresh nonce.
    nonce2 = re.search(r'<style nonce="([^"]+)">', client.get(r.wsgi_request.path).content.decode()).group(1)
    assert nonce2 != nonce


def test_htmx_tanpa_eval_dan_tanpa_gaya_inline(client, cast):
    client.force_login(cast.bikor_a)
    html = client.get(reverse("dukun:list")).content.decode()
    config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'>', html).group(1)
    assert '"allowEval": false' in config
    assert '"allowScriptTags": false' in config
    assert '"includeIndicatorStyles": false' in config


def _template_files() -> list[Path]:
    dirs = [BASE_DIR / "templates", *sorted(BASE_DIR.glob("*/templates"))]
    return [p for d in dirs for p in sorted(d.rglob("*.html")) if ".venv" not in p.parts]


KOMENTAR = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.S)
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
PENANGAN_INLINE = re.compile(r"<[a-zA-Z][^>]*?\son[a-z]+\s*=", re.S)
NONCE_ATTR = re.compile(r'\snonce="\{\{ *(request\.csp_nonce|CSP_NONCE) *\}\}"')


def test_tidak_ada_skrip_inline_tanpa_nonce_di_template():
    berkas = _template_files()
    assert len(berkas) > 50  # the scan really reads the project's templates
    salah, bernonce = [], []
    for path in berkas:
        teks = KOMENTAR.sub("", path.read_text(encoding="utf-8"))
        nama = path.relative_to(BASE_DIR)
        for m in SCRIPT.finditer(teks):
            attrs, isi = m.group(1), m.group(2)
            if "src=" in attrs and not isi.strip():
                continue
            if re.search(r'type="application/(ld\+)?json"', attrs):
                continue  # a data block, never executed
            if NONCE_ATTR.search(attrs):
                bernonce.append(nama)
                continue
            salah.append(f"{nama}: <script{attrs}> inline")
        for m in PENANGAN_INLINE.finditer(teks):
            salah.append(f"{nama}: inline event handler {m.group(0)[-30:]!r}")
        if "javascript:" in teks:
            salah.append(f"{nama}: javascript: URL")
    assert salah == [], "Move the code into static/js/ (data via data-* or json_script):\n" + "\n".join(salah)
    if bernonce:  # a nonce only works if the policy sends it for scripts
        assert NONCE in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"], bernonce


def test_pemindai_menemukan_skrip_inline():
    """The scan above can fail: it recognises the forms it must refuse."""
    contoh = '<script>alert(1)</script><button onclick="x()">'
    assert SCRIPT.search(contoh) and PENANGAN_INLINE.search(contoh)
    assert NONCE_ATTR.search('<script nonce="{{ request.csp_nonce }}">')
