"""Bahasa Indonesia by default, English through the language switcher (the django_language cookie).

The catalogs in locale/ are compiled by `make test`; .mo files are not committed, so this module
compiles them itself when they are missing or older than their .po (e.g. a bare `pytest` run).
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.signals import setting_changed
from django.urls import reverse
from django.utils import translation

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
CATALOGS = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po"))
# Every field left empty. (A POST with no keys at all reads as "no data": the view shows a fresh form.)
EMPTY_FORM = {"nama": "", "kelurahan": "", "status": ""}
# django-tables2's pagination words. Looked up through a variable, so that makemessages does not
# take these English msgids into our own (Indonesian-source) catalog.
PREVIOUS, NEXT = "previous", "next"
# Django's own Indonesian catalog says "tidak ada" (does not exist) here; locale/id corrects it.
UNIQUE_TOGETHER = "%(model_name)s with this %(field_labels)s already exists."
_gettext = translation.gettext


def _stale_catalogs() -> list[Path]:
    stale = []
    for po in CATALOGS:
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            stale.append(po)
    return stale


def _reset_translation_caches() -> None:
    """Forget catalogs loaded before compiling: what Django's own test signals do when LOCALE_PATHS changes."""
    setting_changed.send(sender=type(settings), setting="LOCALE_PATHS", value=settings.LOCALE_PATHS, enter=False)


@pytest.fixture(autouse=True, scope="module")
def _compiled_messages():
    if _stale_catalogs():
        # compilemessages also walks the working directory for locale/ folders: keep it to the project.
        with contextlib.chdir(settings.BASE_DIR):
            call_command("compilemessages", ignore_patterns=[".venv"], verbosity=0)
        _reset_translation_caches()


def _english(client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _text(response) -> str:
    return response.content.decode()


def test_catalogs_exist_for_both_languages():
    assert {po.parent.parent.name for po in CATALOGS} == {"en", "id"}


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext (msgfmt) is not installed")
@pytest.mark.parametrize("po", CATALOGS, ids=lambda po: po.parent.parent.name)
def test_catalog_is_valid_and_complete(po):
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    # "N translated messages." and nothing fuzzy or untranslated.
    assert re.fullmatch(r"\d+ translated messages?\.\s*", result.stderr), result.stderr


def test_dukun_list_is_indonesian_by_default(client, cast):
    client.force_login(cast.bikor_a)
    # A browser in English does not switch the app: only the switcher (cookie) does.
    response = client.get(reverse("dukun:list"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    html = _text(response)
    assert '<html lang="id">' in html
    assert "Daftar dukun" in html
    assert "Saring dan cari" in html
    assert "Aktif menolong" in html  # a model choice label, in the status filter
    assert "List of TBAs" not in html
    # The switcher names each language in its own language.
    assert ">English</option>" in html.replace("\n", "").replace("  ", "")
    assert "Inggris" not in html


def test_dukun_list_in_english_with_language_cookie(client, cast):
    client.force_login(cast.bikor_a)
    _english(client)
    response = client.get(reverse("dukun:list"))
    assert response.status_code == 200
    html = _text(response)
    assert '<html lang="en">' in html
    assert "List of TBAs (dukun)" in html
    assert "Filter and search" in html
    assert "Actively assisting births" in html
    assert "Coordinating midwife" in html  # the role label in the navigation bar
    assert "Daftar dukun" not in html
    assert "Saring dan cari" not in html


def test_form_errors_are_indonesian_by_default(client, cast):
    client.force_login(cast.bikor_a)
    response = client.post(reverse("dukun:create"), EMPTY_FORM)
    assert response.status_code == 400
    html = _text(response)
    assert "Periksa kembali isian yang ditandai. Data belum disimpan." in html
    assert "Bidang ini tidak boleh kosong." in html  # Django's own "This field is required."
    assert "This field is required." not in html


def test_form_errors_in_english_with_language_cookie(client, cast):
    client.force_login(cast.bikor_a)
    _english(client)
    response = client.post(reverse("dukun:create"), EMPTY_FORM)
    assert response.status_code == 400
    html = _text(response)
    assert "Please check the marked fields. Nothing has been saved yet." in html
    assert "This field is required." in html
    assert "Bidang ini tidak boleh kosong." not in html


def test_switcher_posts_to_setlang_and_switches_language(client, cast):
    client.force_login(cast.bikor_a)
    url = reverse("dukun:list")
    response = client.post(reverse("set_language"), {"language": "en", "next": url})
    assert response.status_code == 302
    assert response["Location"] == url
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "List of TBAs (dukun)" in _text(client.get(url))

    client.post(reverse("set_language"), {"language": "id", "next": url})
    assert "Daftar dukun" in _text(client.get(url))


def test_login_page_in_english(client, db):
    _english(client)
    html = _text(client.get(reverse("login")))
    assert "Log in" in html
    assert "Username" in html
    assert "Kata sandi" not in html


def test_english_plural_forms():
    msgid = "%(n)s kesalahan; tidak ada data yang disimpan."
    with translation.override("en"):
        assert translation.ngettext(msgid, msgid, 1) % {"n": 1} == "1 error; nothing was saved."
        assert translation.ngettext(msgid, msgid, 3) % {"n": 3} == "3 errors; nothing was saved."


def test_third_party_strings_are_indonesian():
    """django-filter and django-tables2 ship no Indonesian: locale/id translates what the UI may show."""
    from django_filters.widgets import BooleanWidget

    with translation.override("id"):
        select = BooleanWidget().render("bisa_baca_tulis", None)
        assert "Tidak diketahui" in select
        assert ">Ya<" in select.replace("\n", "")
        assert _gettext(PREVIOUS) == "sebelumnya"
        assert _gettext(NEXT) == "berikutnya"
        assert _gettext(UNIQUE_TOGETHER).endswith("ini sudah ada.")
    with translation.override("en"):
        assert _gettext(PREVIOUS) == "previous"
