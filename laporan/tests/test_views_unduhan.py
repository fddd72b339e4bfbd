"""Downloads of the dukun list: XLSX straight away, PDF through an Unduhan rendered by a Celery task."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from laporan.models import StatusUnduhan, Unduhan

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ALL_NAMES = {"Siti Rohmah", "Halimah", "Asiah", "Maimunah"}
# Who may download the list of Puskesmas A, and which of its dukun each of them sees.
NAMES_OF_A = {
    "admin": {"Siti Rohmah", "Halimah"},
    "dinkes_a": {"Siti Rohmah", "Halimah"},
    "kapus_a": {"Siti Rohmah", "Halimah"},
    "bikor_a": {"Siti Rohmah", "Halimah"},
    "bidan_a": {"Siti Rohmah"},  # only the kelurahan she serves
}
OUT_OF_SCOPE_OF_A = ["dinkes_c", "bikor_b", "bidan_b"]


def _xlsx_texts(content: bytes) -> set[str]:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content), read_only=True)
    return {str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None}


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _file_bytes(response) -> bytes:
    return b"".join(response.streaming_content)


def _request_pdf(client, user, puskesmas, capture):
    """POST the request as the browser does, running the on-commit publish (and so the eager task)."""
    client.force_login(user)
    with capture(execute=True):
        response = client.post(reverse("laporan:daftar_dukun_pdf"), {"puskesmas": puskesmas.pk})
    return response


# --- XLSX ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(NAMES_OF_A))
def test_xlsx_contains_dukun_in_scope_and_none_outside(client, cast, dukun_set, role):
    client.force_login(getattr(cast, role))
    response = client.get(reverse("laporan:daftar_dukun_xlsx"), {"puskesmas": cast.w.puskesmas_a.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    assert response["Content-Disposition"].startswith('attachment; filename="daftar-dukun-PA-')
    texts = _xlsx_texts(response.content)
    assert NAMES_OF_A[role] <= texts
    assert not (ALL_NAMES - NAMES_OF_A[role]) & texts
    assert "Daftar dukun bayi — Puskesmas Aur Duri" in texts


def test_xlsx_summary_counts_dukun_per_kelurahan(client, cast, dukun_set):
    from openpyxl import load_workbook

    client.force_login(cast.bikor_a)
    response = client.get(reverse("laporan:daftar_dukun_xlsx"), {"puskesmas": cast.w.puskesmas_a.pk})
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = [tuple(row) for row in ws.iter_rows(values_only=True)]
    # Kode, kelurahan, jumlah, aktif, bisa baca tulis, dikenal bidan.
    assert (cast.w.a1.kode, "Penyengat Rendah", 1, 1, 0, 1) in [r[:6] for r in rows]
    assert (cast.w.a2.kode, "Teluk Kenali", 1, 1, 0, 0) in [r[:6] for r in rows]
    assert (None, "Jumlah", 2, 2, 0, 1) in [r[:6] for r in rows]
    detail = {r[1]: r for r in rows if r[1] in {"Siti Rohmah", "Halimah"}}
    assert detail["Siti Rohmah"][12] == "Sri Mulyani"  # known to her bidan


@pytest.mark.parametrize("role", OUT_OF_SCOPE_OF_A)
def test_xlsx_of_puskesmas_out_of_scope_is_404(client, cast, dukun_set, role):
    client.force_login(getattr(cast, role))
    response = client.get(reverse("laporan:daftar_dukun_xlsx"), {"puskesmas": cast.w.puskesmas_a.pk})
    assert response.status_code == 404
    assert "Siti Rohmah" not in response.content.decode()


@pytest.mark.parametrize("value", ["", "abc", "987654"])
def test_xlsx_without_a_valid_puskesmas_is_404(client, cast, dukun_set, value):
    client.force_login(cast.admin)
    assert client.get(reverse("laporan:daftar_dukun_xlsx"), {"puskesmas": value}).status_code == 404


def test_xlsx_redirects_anonymous_to_login(client, cast, dukun_set):
    response = client.get(reverse("laporan:daftar_dukun_xlsx"), {"puskesmas": cast.w.puskesmas_a.pk})
    assert response.status_code == 302
    assert response["Location"].startswith("/masuk/")


# --- PDF request ---------------------------------------------------------------------------


def test_get_on_pdf_request_url_is_405(client, cast):
    client.force_login(cast.bikor_a)
    response = client.get(reverse("laporan:daftar_dukun_pdf"), {"puskesmas": cast.w.puskesmas_a.pk})
    assert response.status_code == 405
    assert not Unduhan.objects.exists()


def test_pdf_request_creates_unduhan_and_redirects_to_its_status_page(
    client, cast, dukun_set, django_capture_on_commit_callbacks
):
    client.force_login(cast.bikor_a)
    # Callbacks captured but not run: the row exists, the worker has not yet rendered anything.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("laporan:daftar_dukun_pdf"), {"puskesmas": cast.w.puskesmas_a.pk})
    unduhan = Unduhan.objects.get()
    assert (unduhan.diminta_oleh, unduhan.puskesmas, unduhan.status) == (
        cast.bikor_a, cast.w.puskesmas_a, StatusUnduhan.PENDING
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("laporan:unduhan_detail", args=[unduhan.pk])
    assert len(callbacks) == 1  # the task is published only after the commit

    status_page = client.get(response["Location"])
    assert status_page.status_code == 200
    assert "Berkas sedang dibuat. Halaman ini diperbarui sendiri." in status_page.content.decode()
    # Not rendered yet: nothing to download.
    assert client.get(reverse("laporan:unduhan_file", args=[unduhan.pk])).status_code == 404


@pytest.mark.parametrize("role", OUT_OF_SCOPE_OF_A)
def test_pdf_request_for_puskesmas_out_of_scope_is_404_and_creates_nothing(
    client, cast, dukun_set, django_capture_on_commit_callbacks, role
):
    client.force_login(getattr(cast, role))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("laporan:daftar_dukun_pdf"), {"puskesmas": cast.w.puskesmas_a.pk})
    assert response.status_code == 404
    assert not Unduhan.objects.exists()
    assert callbacks == []


@pytest.mark.parametrize("role", ["bikor_a", "bidan_a"])
def test_pdf_is_rendered_and_file_view_returns_pdf_with_dukun_in_scope(
    client, cast, dukun_set, eager_celery, django_capture_on_commit_callbacks, role
):
    response = _request_pdf(client, getattr(cast, role), cast.w.puskesmas_a, django_capture_on_commit_callbacks)
    unduhan = Unduhan.objects.get()
    assert response["Location"] == reverse("laporan:unduhan_detail", args=[unduhan.pk])
    assert unduhan.status == StatusUnduhan.COMPLETE, unduhan.pesan_galat
    assert (Path(django_settings.PRIVATE_MEDIA_ROOT) / unduhan.berkas).is_file()

    status_page = client.get(response["Location"])
    assert "Berkas siap." in status_page.content.decode()
    assert reverse("laporan:unduhan_file", args=[unduhan.pk]) in status_page.content.decode()

    file_response = client.get(reverse("laporan:unduhan_file", args=[unduhan.pk]))
    assert file_response.status_code == 200
    assert file_response["Content-Type"] == "application/pdf"
    assert f'filename="{unduhan.nama_berkas}"' in file_response["Content-Disposition"]
    content = _file_bytes(file_response)
    assert content.startswith(b"%PDF-")
    text = _pdf_text(content)
    assert "Siti Rohmah" in text
    assert ("Halimah" in text) is (role == "bikor_a")
    assert "Asiah" not in text and "Maimunah" not in text


@pytest.mark.parametrize("other", ["admin", "bikor_a", "kapus_a", "bidan_b"])
def test_other_user_gets_404_for_someone_elses_unduhan_and_its_file(
    client, cast, dukun_set, eager_celery, django_capture_on_commit_callbacks, other
):
    _request_pdf(client, cast.bidan_a, cast.w.puskesmas_a, django_capture_on_commit_callbacks)
    unduhan = Unduhan.objects.get()
    assert unduhan.status == StatusUnduhan.COMPLETE
    client.force_login(getattr(cast, other))
    for name in ("laporan:unduhan_detail", "laporan:unduhan_file"):
        response = client.get(reverse(name, args=[unduhan.pk]))
        assert response.status_code == 404, name
        assert "Halaman tidak ditemukan" in response.content.decode()
    assert unduhan.pk not in {u.pk for u in client.get(reverse("laporan:unduhan_list")).context["unduhan_list"]}


def test_unduhan_is_hidden_once_its_puskesmas_leaves_the_users_scope(
    client, cast, dukun_set, eager_celery, django_capture_on_commit_callbacks
):
    _request_pdf(client, cast.bikor_a, cast.w.puskesmas_a, django_capture_on_commit_callbacks)
    unduhan = Unduhan.objects.get()
    assert client.get(reverse("laporan:unduhan_file", args=[unduhan.pk])).status_code == 200
    cast.bikor_a.puskesmas = cast.w.puskesmas_b
    cast.bikor_a.save()
    assert client.get(reverse("laporan:unduhan_detail", args=[unduhan.pk])).status_code == 404
    assert client.get(reverse("laporan:unduhan_file", args=[unduhan.pk])).status_code == 404


def test_unduhan_list_shows_only_own_downloads(client, cast, dukun_set):
    own = Unduhan.objects.create(jenis="daftar_dukun_pdf", puskesmas=cast.w.puskesmas_a, diminta_oleh=cast.bikor_a)
    Unduhan.objects.create(jenis="daftar_dukun_pdf", puskesmas=cast.w.puskesmas_a, diminta_oleh=cast.kapus_a)
    client.force_login(cast.bikor_a)
    response = client.get(reverse("laporan:unduhan_list"))
    assert response.status_code == 200
    assert [u.pk for u in response.context["unduhan_list"]] == [own.pk]


def test_status_page_polled_by_htmx_gets_only_the_status_fragment(client, cast, dukun_set):
    unduhan = Unduhan.objects.create(jenis="daftar_dukun_pdf", puskesmas=cast.w.puskesmas_a, diminta_oleh=cast.bikor_a)
    client.force_login(cast.bikor_a)
    response = client.get(reverse("laporan:unduhan_detail", args=[unduhan.pk]), headers={"HX-Request": "true"})
    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<div id="status-unduhan"')
    assert "<html" not in content
    assert 'hx-trigger="every 2s"' in content


def test_failed_unduhan_says_so_in_indonesian_and_has_no_file(client, cast, dukun_set):
    unduhan = Unduhan.objects.create(jenis="daftar_dukun_pdf", puskesmas=cast.w.puskesmas_a, diminta_oleh=cast.bikor_a,
                                     status=StatusUnduhan.FAILED, pesan_galat="broker")
    client.force_login(cast.bikor_a)
    content = client.get(reverse("laporan:unduhan_detail", args=[unduhan.pk])).content.decode()
    assert "Antrean pembuatan laporan sedang tidak tersedia." in content
    assert 'hx-trigger' not in content  # no more polling
    assert client.get(reverse("laporan:unduhan_file", args=[unduhan.pk])).status_code == 404


def test_unduhan_pages_redirect_anonymous_to_login(client, cast, dukun_set):
    unduhan = Unduhan.objects.create(jenis="daftar_dukun_pdf", puskesmas=cast.w.puskesmas_a, diminta_oleh=cast.bikor_a)
    for url in (reverse("laporan:unduhan_list"), reverse("laporan:unduhan_detail", args=[unduhan.pk]),
                reverse("laporan:unduhan_file", args=[unduhan.pk])):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/masuk/")
    response = client.post(reverse("laporan:daftar_dukun_pdf"), {"puskesmas": cast.w.puskesmas_a.pk})
    assert response.status_code == 302
    assert Unduhan.objects.count() == 1
