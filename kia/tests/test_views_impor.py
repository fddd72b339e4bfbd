"""The delivery register upload page and its template downloads, for every role of the cast."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kia.forms_impor import IMPOR_PERSALINAN_MAX_BYTES
from kia.importer import PERSALINAN_KOLOM, PERSALINAN_OPSIONAL, baca_persalinan, impor_persalinan
from kia.models import Bayi, Ibu, KajianKasus, Persalinan
from kia.tests.test_import_persalinan import NIK_A, _csv, baris

pytestmark = pytest.mark.django_db

ROLES = ["admin", "dinkes_a", "dinkes_c", "kapus_a", "bikor_a", "bikor_b", "bidan_a", "bidan_b"]
IMPORTERS = ["admin", "dinkes_a", "dinkes_c", "bikor_a", "bikor_b"]
URL = "kia:impor_persalinan"


def _berkas(content: bytes, name: str = "register.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def _post(client, content: bytes, aksi: str = "impor", name: str = "register.csv"):
    return client.post(reverse(URL), {"berkas": _berkas(content, name), "aksi": aksi})


def _snapshot():
    return (Persalinan.objects.count(), Bayi.objects.count(), Ibu.objects.count(), KajianKasus.objects.count(),
            Persalinan.history.count())


@pytest.mark.parametrize("role", ROLES)
def test_upload_page_for_every_role(client, cast, role):
    client.force_login(getattr(cast, role))

    response = client.get(reverse(URL))

    assert response.status_code == (200 if role in IMPORTERS else 403)
    if response.status_code == 200:
        html = response.content.decode()
        assert "Periksa saja" in html and 'value="impor"' in html
        assert reverse("kia:impor_templat", args=["xlsx"]) in html


def test_upload_page_redirects_anonymous_to_login(client, cast):
    for url in (reverse(URL), reverse("kia:impor_templat", args=["csv"])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/masuk/")


@pytest.mark.parametrize("role", ["kapus_a", "bidan_a", "bidan_b"])
def test_roles_that_may_not_import_get_403_on_post_and_nothing_changes(client, cast, role):
    client.force_login(getattr(cast, role))
    before = _snapshot()

    response = _post(client, _csv([baris("D1", cast.w.a1)]))

    assert response.status_code == 403
    assert _snapshot() == before


def test_periksa_saja_shows_counts_and_writes_nothing(client, cast):
    client.force_login(cast.bikor_a)
    rows = [baris("D1", cast.w.a1), baris("D2/1", cast.w.a2), baris("D2/2", cast.w.a2)]

    response = _post(client, _csv(rows), aksi="periksa")

    assert response.status_code == 200
    assert response.context["hasil"].persalinan_baru == 2
    assert response.context["hasil"].bayi_baru == 3
    assert "Belum ada yang disimpan" in response.content.decode()
    assert _snapshot() == (0, 0, 0, 0, 0)


def test_import_writes_and_reports_the_counts(client, cast):
    client.force_login(cast.dinkes_a)
    rows = [baris("D1", cast.w.a1, tempat="rumah", penolong="dukun", kn_lengkap=0), baris("D2", cast.w.b1)]

    response = _post(client, _csv(rows))

    assert response.status_code == 302
    assert response["Location"] == reverse(URL)
    page = client.get(response["Location"]).content.decode()
    assert ("Impor selesai. 2 baris: persalinan 2 baru, 0 diubah, 0 sama; bayi 2 baru, 0 diubah, 0 sama; 2 ibu baru; "
            "1 kajian kasus baru.") in page
    assert set(Persalinan.objects.values_list("dicatat_oleh__username", flat=True)) == {"dinkes_a"}
    assert Persalinan.history.filter(history_user=cast.dinkes_a).count() == 2

    response = _post(client, _csv(rows))
    page = client.get(response["Location"]).content.decode()
    assert "persalinan 0 baru, 0 diubah, 2 sama; bayi 0 baru, 0 diubah, 2 sama" in page
    assert _snapshot() == (2, 2, 2, 1, 2)


def test_xlsx_upload_works_like_csv(client, cast, tmp_path):
    from kia.tests.test_import_persalinan import _xlsx

    client.force_login(cast.bikor_a)
    path = _xlsx(tmp_path / "register.xlsx", [baris("D1", cast.w.a1, nik_ibu=NIK_A)])

    response = _post(client, path.read_bytes(), name="register.xlsx")

    assert response.status_code == 302
    assert Persalinan.objects.get().ibu.nik == NIK_A


def test_errors_are_listed_with_row_and_column_and_nothing_is_written(client, cast):
    client.force_login(cast.bikor_a)
    rows = [baris("D1", cast.w.a1), baris("D2", cast.w.a1, berat_lahir_gram=100),
            baris("D3", cast.w.a1, tempat="puskesmas", penolong="dukun")]

    response = _post(client, _csv(rows))

    assert response.status_code == 400
    html = response.content.decode()
    assert "2 kesalahan; tidak ada data yang disimpan." in html
    assert [(e.row, e.column) for e in response.context["galat"]] == [(3, "berat_lahir_gram"), (4, "penolong")]
    assert "<code>berat_lahir_gram</code></td><td>berat lahir harus 300–6500 gram.</td>" in html
    assert "Persalinan di fasilitas kesehatan ditolong tenaga kesehatan." in html
    assert _snapshot() == (0, 0, 0, 0, 0)


def test_only_the_first_200_errors_are_shown_with_the_total(client, cast):
    client.force_login(cast.bikor_a)
    rows = [baris(f"D{i}", cast.w.a1, tempat="klinik") for i in range(250)]

    response = _post(client, _csv(rows), aksi="periksa")

    assert response.status_code == 400
    html = response.content.decode()
    assert "250 kesalahan; tidak ada data yang disimpan." in html
    assert "Ditampilkan 200 kesalahan pertama" in html
    assert len(response.context["galat"]) == 200
    assert html.count("<code>tempat</code></td><td>pilihan tidak dikenal") == 200


def test_nik_is_never_echoed_in_the_errors(client, cast):
    client.force_login(cast.bikor_a)
    nik_salah = "1571019913960001"

    response = _post(client, _csv([baris("D1", cast.w.a1, nik_ibu=nik_salah),
                                   baris("D2/1", cast.w.a1, nik_ibu=NIK_A), baris("D2/2", cast.w.a1)]))

    assert response.status_code == 400
    html = response.content.decode()
    assert "NIK ibu tidak valid" in html
    assert nik_salah not in html and NIK_A not in html


def test_bikor_b_cannot_import_into_puskesmas_a(client, cast):
    client.force_login(cast.bikor_b)

    response = _post(client, _csv([baris("D1", cast.w.a1)]))

    assert response.status_code == 400
    assert "di luar wilayah yang boleh Anda impor" in response.content.decode()
    assert _snapshot() == (0, 0, 0, 0, 0)


@pytest.mark.parametrize("name, content, message", [
    ("register.txt", b"x", "Unggah berkas .csv atau .xlsx."),
    ("register.csv", b"id_eksternal,nama_ibu\nD1,Siti\n", "Kolom wajib tidak ada: kode_kelurahan"),
    ("register.xlsx", b"bukan xlsx", "Berkas XLSX tidak dapat dibaca."),
    ("register.csv", ",".join(PERSALINAN_KOLOM).encode() + b"\n", "Berkas tidak berisi baris data."),
])
def test_unreadable_files_are_refused_with_a_message(client, cast, name, content, message):
    client.force_login(cast.bikor_a)

    response = _post(client, content, name=name)

    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_file_over_20_mb_is_refused_with_a_clear_message(client, cast):
    client.force_login(cast.bikor_a)
    content = _csv([baris("D1", cast.w.a1)]) + b"#" * (IMPOR_PERSALINAN_MAX_BYTES + 1)

    response = _post(client, content)

    assert response.status_code == 400
    assert "Berkas terlalu besar (20,0 MB); paling besar 20 MB." in response.content.decode()
    assert _snapshot() == (0, 0, 0, 0, 0)


def test_no_file_is_an_error(client, cast):
    client.force_login(cast.bikor_a)

    response = client.post(reverse(URL), {"aksi": "impor"})

    assert response.status_code == 400


# --- The template ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_template_download_for_every_role(client, cast, role, fmt):
    client.force_login(getattr(cast, role))

    response = client.get(reverse("kia:impor_templat", args=[fmt]))

    assert response.status_code == (200 if role in IMPORTERS else 403)
    if response.status_code == 200:
        assert response["Content-Disposition"] == f'attachment; filename="templat_register_persalinan.{fmt}"'


def test_unknown_template_format_is_404(client, cast):
    client.force_login(cast.bikor_a)

    assert client.get(reverse("kia:impor_templat", args=["pdf"])).status_code == 404


def _tanpa_contoh(table):
    """The template as a user fills it: the example rows kept, their ids made real."""
    for _n, row in table:
        row["id_eksternal"] = row["id_eksternal"].replace("CONTOH-", "PA-")
    return table


def test_csv_template_has_the_header_comments_and_a_twin_pair_that_import(client, cast):
    client.force_login(cast.bikor_a)
    content = client.get(reverse("kia:impor_templat", args=["csv"])).content

    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == [*PERSALINAN_KOLOM, *PERSALINAN_OPSIONAL]
    komentar = [r[0] for r in rows if r and r[0].startswith("#")]
    assert any("tempat" in k and "rs | puskesmas | pustu | poskesdes | pmb | rumah | perjalanan" in k
               for k in komentar)
    assert any("penolong" in k and "dokter | bidan | bidan_dukun | dukun | keluarga" in k for k in komentar)
    contoh = [r[0] for r in rows if r and r[0].startswith("CONTOH-")]
    assert contoh == ["CONTOH-0001", "CONTOH-0002/1", "CONTOH-0002/2"]
    # Unchanged, the example rows are refused; with real ids they import, comments skipped.
    table, opsional = baca_persalinan(io.BytesIO(content), "t.csv")
    assert len(impor_persalinan(table, opsional=opsional, oleh=cast.bikor_a).errors) == 3
    hasil = impor_persalinan(_tanpa_contoh(table), opsional=opsional, oleh=cast.bikor_a)
    assert hasil.ok, hasil.errors
    assert (hasil.persalinan_baru, hasil.bayi_baru) == (2, 3)
    assert Persalinan.objects.get(id_eksternal="PA-0002").bayi.count() == 2
    assert Persalinan.objects.get(id_eksternal="PA-0001").kelurahan_id in {cast.w.a1.pk, cast.w.a2.pk}


def test_xlsx_template_has_the_rows_and_a_petunjuk_sheet(client, cast):
    client.force_login(cast.dinkes_a)
    content = client.get(reverse("kia:impor_templat", args=["xlsx"])).content

    wb = load_workbook(io.BytesIO(content))
    assert wb.sheetnames == ["Persalinan", "Petunjuk"]
    ws = wb["Persalinan"]
    rows = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    assert list(rows[0]) == [*PERSALINAN_KOLOM, *PERSALINAN_OPSIONAL]
    assert [r[0] for r in rows[1:]] == ["CONTOH-0001", "CONTOH-0002/1", "CONTOH-0002/2"]
    assert ws["D2"].number_format == "@"  # the NIK stays text when typed in Excel
    petunjuk = {row[0]: row for row in wb["Petunjuk"].iter_rows(values_only=True) if row and row[0]}
    assert petunjuk["tempat"][1] == "wajib"
    assert "rs | puskesmas | pustu | poskesdes | pmb | rumah | perjalanan" in petunjuk["tempat"][2]
    assert petunjuk["jenis_kelamin"][1] == "opsional"
    table, opsional = baca_persalinan(io.BytesIO(content), "t.xlsx")
    hasil = impor_persalinan(_tanpa_contoh(table), opsional=opsional, oleh=cast.dinkes_a)
    assert hasil.ok, hasil.errors
    assert hasil.bayi_baru == 3


def test_template_dates_are_recent_and_not_in_the_future(client, cast):
    client.force_login(cast.bikor_a)
    content = client.get(reverse("kia:impor_templat", args=["csv"])).content.decode("utf-8-sig")
    rows = [r for r in csv.reader(io.StringIO(content)) if r and r[0].startswith("CONTOH-")]

    for r in rows:
        tanggal = dt.date.fromisoformat(r[PERSALINAN_KOLOM.index("tanggal_persalinan")])
        assert timezone.localdate() - dt.timedelta(days=60) < tanggal < timezone.localdate()
