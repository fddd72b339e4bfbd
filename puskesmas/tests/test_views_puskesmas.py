"""Home page, Puskesmas list/detail, the Puskesmas import page and /healthz, through the test client."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from puskesmas.models import Kelurahan, Puskesmas
from puskesmas.tests.factories import KelurahanFactory

ROLES = ["admin", "dinkes_a", "dinkes_c", "kapus_a", "bikor_a", "bikor_b", "bidan_a", "bidan_b"]
HEADER = "kode_puskesmas,nama_puskesmas,kode_kabupaten,kode_kelurahan"
# The kelurahan "Pasir Putih" of Kota Jambi (wilayah.bebas) lies in no wilayah kerja yet.
GOOD_ROW = "PPP,Pasir Putih,15.71,15.71.02.1002"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _page(client, user, url, **kwargs):
    client.force_login(user)
    return client.get(url, **kwargs)


def _csv(*rows: str, header: str = HEADER, name: str = "impor.csv", encoding: str = "utf-8") -> SimpleUploadedFile:
    text = "\n".join([header, *rows]) + "\n"
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def _xlsx(rows: list[list], name: str = "impor.xlsx") -> SimpleUploadedFile:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX_TYPE)


def _snapshot():
    """Everything an import may write: Puskesmas rows, their history, and the wilayah kerja of every kelurahan."""
    return (
        sorted(Puskesmas.objects.values_list("kode", "nama", "kabupaten_id")),
        Puskesmas.history.count(),
        sorted(Kelurahan.objects.values_list("kode", "puskesmas_id")),
    )


# --- /healthz ------------------------------------------------------------------------------


def test_healthz_answers_json_with_database_ok_without_login(client, db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["broker"] == "eager"
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_database_is_down(client, db, monkeypatch):
    class BrokenConnection:
        def cursor(self):
            raise RuntimeError("database is down")

    monkeypatch.setattr("puskesmas.views.connection", BrokenConnection())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "error"
    assert response.json()["status"] == "error"


def test_healthz_refuses_post(client, db):
    assert client.post("/healthz").status_code == 405


# --- Home page -----------------------------------------------------------------------------


def test_home_redirects_anonymous_to_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/masuk/")


DUKUN_COUNT = {"admin": 4, "dinkes_a": 3, "dinkes_c": 1, "kapus_a": 2, "bikor_a": 2, "bikor_b": 1,
               "bidan_a": 1, "bidan_b": 1}
PUSKESMAS_COUNT = {"admin": 3, "dinkes_a": 2, "dinkes_c": 1, "kapus_a": 1, "bikor_a": 1, "bikor_b": 1,
                   "bidan_a": 1, "bidan_b": 1}


@pytest.mark.parametrize("role", ROLES)
def test_home_shows_counts_of_own_scope(client, cast, dukun_set, role):
    user = getattr(cast, role)
    response = _page(client, user, "/")
    assert response.status_code == 200
    assert f"Selamat datang, {user.username}" in response.content.decode()
    assert response.context["ringkasan"]["jumlah"] == DUKUN_COUNT[role]
    assert response.context["jumlah_puskesmas"] == PUSKESMAS_COUNT[role]


def test_home_of_bidan_does_not_list_other_puskesmas(client, cast, dukun_set):
    content = _page(client, cast.bidan_a, "/").content.decode()
    assert "Puskesmas Aur Duri" in content
    assert "Puskesmas Pakuan Baru" not in content
    assert "Impor Puskesmas" not in content


def test_home_offers_import_to_dinkes(client, cast):
    assert "Impor Puskesmas dan wilayah kerja" in _page(client, cast.dinkes_a, "/").content.decode()


# --- Puskesmas list and detail -------------------------------------------------------------

VISIBLE_KODE = {
    "admin": {"PA", "PB", "PC"}, "dinkes_a": {"PA", "PB"}, "dinkes_c": {"PC"}, "kapus_a": {"PA"},
    "bikor_a": {"PA"}, "bikor_b": {"PB"}, "bidan_a": {"PA"}, "bidan_b": {"PB"},
}


@pytest.mark.parametrize("role", ROLES)
def test_puskesmas_list_shows_only_puskesmas_in_scope(client, cast, role):
    response = _page(client, getattr(cast, role), reverse("puskesmas:list"))
    assert response.status_code == 200
    assert {p.kode for p in response.context["page_obj"]} == VISIBLE_KODE[role]


def test_puskesmas_list_counts_kelurahan_and_bidan(client, cast):
    response = _page(client, cast.admin, reverse("puskesmas:list"))
    rows = {p.kode: (p.jumlah_kelurahan, p.jumlah_bidan) for p in response.context["page_obj"]}
    assert rows == {"PA": (2, 2), "PB": (1, 1), "PC": (1, 1)}


def test_puskesmas_list_redirects_anonymous_to_login(client, cast):
    response = client.get(reverse("puskesmas:list"))
    assert response.status_code == 302
    assert response["Location"].startswith("/masuk/")


@pytest.mark.parametrize("role", ROLES)
def test_puskesmas_detail_in_scope_is_shown_and_out_of_scope_is_404(client, cast, role):
    user = getattr(cast, role)
    w = cast.w
    for kode, puskesmas in (("PA", w.puskesmas_a), ("PB", w.puskesmas_b), ("PC", w.puskesmas_c)):
        response = _page(client, user, reverse("puskesmas:detail", args=[puskesmas.pk]))
        if kode in VISIBLE_KODE[role]:
            assert response.status_code == 200, kode
            assert str(puskesmas) in response.content.decode()
        else:
            assert response.status_code == 404, kode
            assert "Halaman tidak ditemukan" in response.content.decode()


def test_puskesmas_detail_of_nonexistent_id_is_404(client, cast):
    assert _page(client, cast.admin, reverse("puskesmas:detail", args=[987654])).status_code == 404


def test_puskesmas_detail_lists_only_kelurahan_of_bidan_scope(client, cast, dukun_set):
    response = _page(client, cast.bidan_a, reverse("puskesmas:detail", args=[cast.w.puskesmas_a.pk]))
    assert [k.kode for k in response.context["kelurahan_list"]] == [cast.w.a1.kode]
    # The pustu of A2 is not her facility and stands in a kelurahan she does not serve.
    assert {f.nama for f in response.context["fasilitas_list"]} == {"Puskesmas Aur Duri", "RSUD Raden Mattaher"}


def test_puskesmas_detail_counts_active_dukun_and_bidan_per_kelurahan(client, cast, dukun_set):
    response = _page(client, cast.bikor_a, reverse("puskesmas:detail", args=[cast.w.puskesmas_a.pk]))
    rows = {k.kode: (k.jumlah_dukun, k.jumlah_bidan) for k in response.context["kelurahan_list"]}
    assert rows == {cast.w.a1.kode: (1, 1), cast.w.a2.kode: (1, 1)}
    assert "Riwayat perubahan" in response.content.decode()


def test_puskesmas_detail_links_carry_id_without_thousand_separator(client, cast):
    # USE_THOUSAND_SEPARATOR is on: a plain {{ pk }} would render 12345 as "12.345" in Indonesian,
    # and the dukun list, XLSX and PDF buttons would then answer 404 or ignore the choice.
    from puskesmas.tests.factories import PuskesmasFactory

    besar = PuskesmasFactory(id=12345, kode="PBESAR", nama="Kenali Besar", kabupaten=cast.w.kota)
    content = _page(client, cast.dinkes_a, reverse("puskesmas:detail", args=[besar.pk])).content.decode()
    assert f'{reverse("dukun:list")}?puskesmas=12345"' in content
    assert f'{reverse("laporan:daftar_dukun_xlsx")}?puskesmas=12345"' in content
    assert 'name="puskesmas" value="12345"' in content
    assert "12.345" not in content


# --- Import: who may --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "dinkes_a", "dinkes_c"])
def test_import_page_is_open_to_admin_and_dinkes(client, cast, role):
    response = _page(client, getattr(cast, role), reverse("puskesmas:import"))
    assert response.status_code == 200
    assert "Impor Puskesmas dan wilayah kerja" in response.content.decode()


@pytest.mark.parametrize("role", ["kapus_a", "bikor_a", "bikor_b", "bidan_a", "bidan_b"])
def test_import_page_is_forbidden_to_puskesmas_roles_and_bidan(client, cast, role):
    response = _page(client, getattr(cast, role), reverse("puskesmas:import"))
    assert response.status_code == 403
    assert "Akses ditolak" in response.content.decode()


@pytest.mark.parametrize("role", ["kapus_a", "bikor_a", "bikor_b", "bidan_a", "bidan_b"])
def test_import_post_is_forbidden_to_puskesmas_roles_and_bidan_and_writes_nothing(client, cast, role):
    before = _snapshot()
    client.force_login(getattr(cast, role))
    response = client.post(reverse("puskesmas:import"), {"berkas": _csv(GOOD_ROW)})
    assert response.status_code == 403
    assert _snapshot() == before


def test_import_redirects_anonymous_to_login(client, cast):
    response = client.post(reverse("puskesmas:import"), {"berkas": _csv(GOOD_ROW)})
    assert response.status_code == 302
    assert response["Location"].startswith("/masuk/")
    assert not Puskesmas.objects.filter(kode="PPP").exists()


# --- Import: what it does -------------------------------------------------------------------


def test_good_csv_creates_puskesmas_and_assigns_kelurahan(client, cast):
    client.force_login(cast.dinkes_a)
    response = client.post(reverse("puskesmas:import"), {"berkas": _csv(GOOD_ROW)}, follow=True)
    assert response.redirect_chain == [(reverse("puskesmas:list"), 302)]
    assert ("Impor berhasil: 1 baris, 1 Puskesmas baru, 0 diperbarui, 1 kelurahan ditambahkan ke wilayah kerja."
            in response.content.decode())
    baru = Puskesmas.objects.get(kode="PPP")
    assert baru.nama == "Pasir Putih"
    assert baru.kabupaten_id == "15.71"
    assert baru.zona_waktu == "Asia/Jakarta"
    cast.w.bebas.refresh_from_db()
    assert cast.w.bebas.puskesmas == baru


def test_second_identical_upload_changes_nothing(client, cast):
    client.force_login(cast.dinkes_a)
    client.post(reverse("puskesmas:import"), {"berkas": _csv(GOOD_ROW)})
    before = _snapshot()
    response = client.post(reverse("puskesmas:import"), {"berkas": _csv(GOOD_ROW)}, follow=True)
    assert ("Impor berhasil: 1 baris, 0 Puskesmas baru, 0 diperbarui, 0 kelurahan ditambahkan ke wilayah kerja."
            in response.content.decode())
    assert _snapshot() == before


def test_upload_with_new_name_renames_puskesmas_and_keeps_history(client, cast):
    client.force_login(cast.admin)
    client.post(reverse("puskesmas:import"), {"berkas": _csv(GOOD_ROW)})
    response = client.post(reverse("puskesmas:import"), {"berkas": _csv("PPP,Pasir Putih Baru,15.71,15.71.02.1002")},
                           follow=True)
    assert "0 Puskesmas baru, 1 diperbarui" in response.content.decode()
    baru = Puskesmas.objects.get(kode="PPP")
    assert baru.nama == "Pasir Putih Baru"
    assert baru.history.count() == 2


def test_dinkes_importing_row_of_other_district_gets_row_numbered_error_and_nothing_is_written(client, cast):
    # A Muaro Jambi village in no wilayah kerja, so the only fault of row 3 is the district.
    KelurahanFactory(kode="15.05.01.2002", nama="Tanjung Lanjut", kecamatan=cast.w.c1.kecamatan)
    before = _snapshot()
    client.force_login(cast.dinkes_a)
    response = client.post(
        reverse("puskesmas:import"), {"berkas": _csv(GOOD_ROW, "PMJ,Tanjung Lanjut,15.05,15.05.01.2002")}
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Baris 3, kolom kode_kabupaten: di luar kabupaten/kota Anda." in content
    assert "1 kesalahan; tidak ada data yang disimpan." in content
    assert "Baris 2" not in content
    # All or nothing: the good row 2 was not written either.
    assert _snapshot() == before
    assert not Puskesmas.objects.filter(kode__in=["PPP", "PMJ"]).exists()


def test_admin_may_import_any_district(client, cast):
    KelurahanFactory(kode="15.05.01.2002", nama="Tanjung Lanjut", kecamatan=cast.w.c1.kecamatan)
    client.force_login(cast.admin)
    response = client.post(reverse("puskesmas:import"), {"berkas": _csv("PMJ,Tanjung Lanjut,15.05,15.05.01.2002")})
    assert response.status_code == 302
    assert Kelurahan.objects.get(kode="15.05.01.2002").puskesmas.kode == "PMJ"


def test_import_refuses_to_move_kelurahan_of_another_puskesmas(client, cast):
    before = _snapshot()
    client.force_login(cast.dinkes_a)
    response = client.post(reverse("puskesmas:import"), {"berkas": _csv("PB,Pakuan Baru,15.71,15.71.01.1010")})
    assert response.status_code == 400
    assert ("Baris 2, kolom kode_kelurahan: Penyengat Rendah sudah masuk wilayah kerja Puskesmas Aur Duri."
            in response.content.decode())
    assert _snapshot() == before


def test_import_reports_unknown_codes_and_missing_cells_per_row(client, cast):
    before = _snapshot()
    client.force_login(cast.dinkes_a)
    response = client.post(reverse("puskesmas:import"), {"berkas": _csv("PX,Baru,15.71,15.71.99.9999", "PY,,15.71,")})
    assert response.status_code == 400
    content = response.content.decode()
    assert "Baris 2, kolom kode_kelurahan: kode 15.71.99.9999 tidak dikenal." in content
    assert "Baris 3, kolom nama_puskesmas: wajib diisi." in content
    assert "Baris 3, kolom kode_kelurahan: wajib diisi." in content
    assert _snapshot() == before


def test_wrong_file_type_is_refused_with_indonesian_message(client, cast):
    before = _snapshot()
    client.force_login(cast.dinkes_a)
    berkas = SimpleUploadedFile("wilayah.txt", f"{HEADER}\n{GOOD_ROW}\n".encode(), content_type="text/plain")
    response = client.post(reverse("puskesmas:import"), {"berkas": berkas})
    assert response.status_code != 302
    assert "Unggah berkas .csv atau .xlsx." in response.content.decode()
    assert "Impor berhasil" not in response.content.decode()
    assert _snapshot() == before


def test_csv_renamed_to_xlsx_is_refused_with_indonesian_message(client, cast):
    before = _snapshot()
    client.force_login(cast.dinkes_a)
    response = client.post(reverse("puskesmas:import"), {"berkas": _csv(GOOD_ROW, name="impor.xlsx")})
    assert response.status_code == 400
    assert "Berkas XLSX tidak dapat dibaca. Pastikan berkas disimpan sebagai Excel (.xlsx)." in (
        response.content.decode()
    )
    assert _snapshot() == before


def test_csv_without_required_column_is_refused(client, cast):
    before = _snapshot()
    client.force_login(cast.dinkes_a)
    response = client.post(reverse("puskesmas:import"), {
        "berkas": _csv("PPP,Pasir Putih,15.71", header="kode_puskesmas,nama_puskesmas,kode_kabupaten"),
    })
    assert response.status_code == 400
    assert "Kolom wajib tidak ada: kode_kelurahan." in response.content.decode()
    assert _snapshot() == before


def test_csv_not_in_utf8_is_refused(client, cast):
    before = _snapshot()
    client.force_login(cast.dinkes_a)
    berkas = _csv("PPP,Pasir Putih Ü,15.71,15.71.02.1002", encoding="utf-16")
    response = client.post(reverse("puskesmas:import"), {"berkas": berkas})
    assert response.status_code == 400
    assert "Berkas CSV harus berenkode UTF-8." in response.content.decode()
    assert _snapshot() == before


def test_semicolon_separated_csv_from_excel_is_read(client, cast):
    client.force_login(cast.dinkes_a)
    berkas = _csv(GOOD_ROW.replace(",", ";"), header=HEADER.replace(",", ";"))
    response = client.post(reverse("puskesmas:import"), {"berkas": berkas})
    assert response.status_code == 302
    assert Kelurahan.objects.get(pk=cast.w.bebas.pk).puskesmas.kode == "PPP"


def test_xlsx_upload_creates_puskesmas_and_assigns_kelurahan(client, cast):
    client.force_login(cast.dinkes_a)
    berkas = _xlsx([HEADER.split(","), ["PPP", "Pasir Putih", "15.71", "15.71.02.1002"], [None, None, None, None]])
    response = client.post(reverse("puskesmas:import"), {"berkas": berkas}, follow=True)
    assert "Impor berhasil: 1 baris, 1 Puskesmas baru" in response.content.decode()
    assert Kelurahan.objects.get(pk=cast.w.bebas.pk).puskesmas.kode == "PPP"


def test_xlsx_error_rows_are_numbered_as_in_the_spreadsheet(client, cast):
    before = _snapshot()
    client.force_login(cast.dinkes_c)
    berkas = _xlsx([HEADER.split(","), ["PPP", "Pasir Putih", "15.71", "15.71.02.1002"]])
    response = client.post(reverse("puskesmas:import"), {"berkas": berkas})
    assert response.status_code == 400
    assert "Baris 2, kolom kode_kabupaten: di luar kabupaten/kota Anda." in response.content.decode()
    assert _snapshot() == before
