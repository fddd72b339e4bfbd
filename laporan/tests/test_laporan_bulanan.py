"""The monthly report of a Puskesmas and the district report: PDF text, XLSX figures, narrative, the
Celery rendering (crash-safe), the command, the monthly schedule and the report pages' scope."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from laporan import laporan_bulanan as lb
from laporan import services
from laporan.indikator import INDIKATOR, INDIKATOR_MAP, KELOMPOK
from laporan.models import AksiLaporan, CatatanLaporan, JenisUnduhan, StatusUnduhan, Unduhan
from laporan.periode import Periode, bulan_lalu
from laporan.tasks import buat_laporan_bulan_lalu
from laporan.tests import contoh

HEADINGS = ["Input", "SDM", "Dana", "Sarana", "Metode", "Proses", "Perencanaan", "Pengorganisasian", "Penggerakan",
            "Pengawasan dan evaluasi", "Output"]


def pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "laporan.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def _cells(line: str) -> list[str]:
    return [c for c in re.split(r"\s{2,}", line.strip()) if c]


def _sama(cell: str, teks: str) -> bool:
    """A cell shows the display string (a long one may wrap inside its cell: its first line then)."""
    return cell == teks or (len(cell) >= 5 and teks.startswith(cell))


def _baris_indikator(text: str, judul: str) -> list[list[str]]:
    """The table rows whose first cell is the indicator's title (or the first line of a wrapped title)."""
    out = []
    for line in text.splitlines():
        cells = _cells(line)
        if len(cells) >= 2 and judul.startswith(cells[0]) and len(cells[0]) >= min(len(judul), 15):
            out.append(cells)
    return out


def xlsx_sheets(content: bytes) -> dict[str, list[tuple]]:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content))
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def _angka(value):
    return None if value is None else Decimal(str(value))


def sama_angka(sel, nilai) -> bool:
    """An XLSX number equals the engine's Decimal (a float cell holds a ratio to float precision)."""
    if sel is None or nilai is None:
        return sel is None and nilai is None
    return sel == pytest.approx(float(nilai), rel=1e-12, abs=1e-12)


@pytest.fixture
def pdf_palsu(monkeypatch):
    """WeasyPrint replaced by a stand-in (a few tests only need *a* file): its bytes name the template."""
    calls = []

    def render(template, context):
        calls.append((template, context))
        nama = context.get("puskesmas") or context.get("kabupaten")
        return f"%PDF-palsu {template} {nama} {context['periode'].kode}".encode()

    monkeypatch.setattr(services, "render_pdf", render)
    return calls


# --- The worked example: the Puskesmas report ------------------------------------------------------


def _tampil_bulanan(harapan: dict) -> list[tuple[str, str]]:
    """(title, display) of every row the monthly PDF shows: main rows, attendants, places, non-zero details."""
    out = []
    for ind in INDIKATOR:
        teks = harapan[ind.kode][1]
        if ind.rinci and not ind.kode.startswith(("penolong_", "tempat_")) and teks in ("0", "Rp 0", "–"):
            continue
        out.append((ind.judul, teks))
    return out


def test_pdf_of_the_month_shows_every_figure_heading_and_the_narrative(cast, tmp_path):
    c = contoh.buat_contoh(cast)
    harapan = contoh.HARAPAN[("PA", "2025-03")]

    text = pdf_text(lb.pdf_bulanan(c.pa, Periode.dari_kode("2025-03")), tmp_path)

    lines = [line.strip() for line in text.splitlines()]
    for heading in HEADINGS:
        assert heading in lines, heading
    assert "Laporan Bulanan Kemitraan Bidan–Dukun Maret 2025" in text
    for judul, teks in _tampil_bulanan(harapan):
        rows = _baris_indikator(text, judul)
        assert rows, judul
        assert any(_sama(r[1], teks) for r in rows), (judul, teks, rows)
    # The previous month's column and the change (February: no delivery, so Pn was "–").
    for kode in ("tindak_lanjut_terlambat", "cakupan_kemitraan", "dana_serapan"):
        lalu = contoh.SEBELUMNYA[("PA", "2025-03")][kode][1]
        assert any(_sama(r[2], lalu) for r in _baris_indikator(text, INDIKATOR_MAP[kode].judul)), kode
    # The narrative: overdue follow-ups, the dukun-alone delivery in its kelurahan, a target missed, a change.
    flat = " ".join(text.split())
    assert "2 tindak lanjut terlambat." in flat
    assert "1 persalinan ditolong dukun saja di Kelurahan Penyengat Rendah." in flat
    assert "1 kematian bayi di Kelurahan Penyengat Rendah." in flat
    assert "Cakupan kemitraan 66,67%, di bawah target 100%." in flat
    assert ("Serapan dana sampai akhir periode naik 8,34 poin dibanding bulan lalu (dari 8,33% menjadi 16,67%)."
            in flat)
    # The per-kelurahan table and the signature block.
    assert "Penyengat Rendah" in text and "Teluk Kenali" in text
    assert "Kepala Puskesmas Aur Duri" in flat
    assert "NIP" in text
    assert "Belum disetujui Kepala Puskesmas." in flat
    # Nothing of the other district.
    assert "Sekernan" not in text


def test_xlsx_of_the_month_has_the_same_figures_as_numbers(cast):
    c = contoh.buat_contoh(cast)
    harapan = contoh.HARAPAN[("PA", "2025-03")]
    sebelumnya = contoh.SEBELUMNYA[("PA", "2025-03")]

    sheets = xlsx_sheets(lb.xlsx_bulanan(c.pa, Periode.dari_kode("2025-03")))

    assert [str(label) for _k, _t, label in KELOMPOK] == list(sheets)[1:13]
    seen = {}
    for _kode, _tingkat, label in KELOMPOK:
        for row in sheets[str(label)]:
            if row and row[0] in INDIKATOR_MAP:
                seen[row[0]] = row
    assert set(seen) == set(INDIKATOR_MAP)
    for kode, (nilai, _teks) in harapan.items():
        assert sama_angka(seen[kode][3], nilai), kode
        assert isinstance(seen[kode][3], (int, float, type(None))), kode
    for kode, (nilai, _teks) in sebelumnya.items():
        assert sama_angka(seen[kode][4], nilai), kode
    assert seen["pn"][6] == 100  # the target
    # Per kelurahan: a1 carries its own month.
    kel = sheets["Per kelurahan"]
    header = next(r for r in kel if r and r[0] == "Kode")
    a1 = next(r for r in kel if r and r[0] == c.a1.kode)
    for kode in ("persalinan_jumlah", "pn", "dukun_sendiri", "kematian_bayi"):
        assert sama_angka(a1[header.index(INDIKATOR_MAP[kode].judul)], contoh.HARAPAN[("a1", "2025-03")][kode][0])
    summary = [r[0] for r in sheets["Ringkasan"] if r and r[0]]
    assert "2 tindak lanjut terlambat." in summary
    assert "1 persalinan ditolong dukun saja di Kelurahan Penyengat Rendah." in summary


# --- The worked example: the district report ------------------------------------------------------


def test_district_pdf_puts_every_puskesmas_beside_the_district_total(cast, tmp_path):
    c = contoh.buat_contoh(cast)

    text = pdf_text(lb.pdf_kabupaten(c.kota, Periode.dari_kode("2025")), tmp_path)

    tabel = lb._kolom_kabupaten()
    baris = {"Aur Duri": ("PA", "2025"), "Pakuan Baru": ("PB", "2025"), "Simpang Kawat": ("PD", "2025"),
             "Kota Jambi": ("kota", "2025")}
    for nama, kunci in baris.items():
        rows = [cells for cells in map(_cells, text.splitlines())
                if len(cells) > 1 and nama.startswith(cells[0]) and len(cells[0]) >= 7]
        assert len(rows) == len(tabel), nama
        for cells, (_kode, judul, inds) in zip(rows, tabel, strict=True):
            harapan = [contoh.HARAPAN[kunci][i.kode][1] for i in inds]
            assert len(cells) == len(harapan) + 1, (nama, judul, cells)
            for cell, teks in zip(cells[1:], harapan, strict=True):
                assert _sama(cell, teks), (nama, judul, cell, teks)
    flat = " ".join(text.split())
    for heading in ("Input – SDM", "Proses – Pengawasan dan evaluasi", "Output – Persalinan"):
        assert heading in flat
    assert "1 persalinan ditolong dukun saja di Puskesmas Simpang Kawat." in flat
    assert "3 tindak lanjut terlambat di Puskesmas Aur Duri." in flat
    assert "Sekernan" not in text  # the other district's Puskesmas


def test_district_xlsx_has_every_puskesmas_and_the_totals(cast):
    c = contoh.buat_contoh(cast)

    sheets = xlsx_sheets(lb.xlsx_kabupaten(c.kota, Periode.dari_kode("2025")))

    baris = {"PA": ("PA", "2025"), "PB": ("PB", "2025"), "PD": ("PD", "2025"), "15.71": ("kota", "2025")}
    for kode_kelompok, _tingkat, label in KELOMPOK:
        rows = sheets[str(label)]
        header = next(r for r in rows if r and r[0] == "Kode")
        per = {r[0]: r for r in rows if r and r[0] in baris}
        assert set(per) == set(baris), label
        for kunci, harapan_kunci in baris.items():
            for ind in (i for i in INDIKATOR if i.kelompok == kode_kelompok):
                nilai = per[kunci][header.index(ind.judul)]
                assert sama_angka(nilai, contoh.HARAPAN[harapan_kunci][ind.kode][0]), (kunci, ind.kode)
        assert not any(r and r[0] == "PC" for r in rows)


def test_district_month_xlsx_matches_the_march_figures_and_counts_approvals(cast):
    c = contoh.buat_contoh(cast)

    sheets = xlsx_sheets(lb.xlsx_kabupaten(c.kota, Periode.dari_kode("2025-03")))

    rows = sheets["Persalinan"]
    header = next(r for r in rows if r and r[0] == "Kode")
    kota = next(r for r in rows if r and r[0] == "15.71")
    for kode in ("persalinan_jumlah", "pn", "pn_sasaran", "dukun_sendiri", "sasaran_bersalin"):
        assert sama_angka(kota[header.index(INDIKATOR_MAP[kode].judul)], contoh.HARAPAN[("kota", "2025-03")][kode][0])
    assert "0 dari 3 laporan bulanan Puskesmas sudah disetujui." in [r[0] for r in sheets["Ringkasan"] if r]


# --- Narrative, charts ------------------------------------------------------------------------------


def test_narrative_says_a_change_in_points_and_a_missed_target(cast):
    from laporan.hitung import hitung

    c = contoh.buat_contoh(cast)
    with lb._Suasana(c.pa.zona):
        narasi = lb.narasi_untuk(hitung(c.cakupan("kota"), Periode.dari_kode("2025"), kelompok="puskesmas"),
                                 tempat_kelompok=lambda b: str(b.objek))
    kini = contoh.HARAPAN[("kota", "2025")]["cakupan_kemitraan"]
    lalu = contoh.SEBELUMNYA[("kota", "2025")]["cakupan_kemitraan"]
    beda = f"{kini[0] - lalu[0]:.2f}".replace(".", ",")
    arah = "naik" if kini[0] > lalu[0] else "turun"
    assert (f"Cakupan kemitraan {arah} {beda.lstrip('-')} poin dibanding tahun lalu (dari {lalu[1]} menjadi "
            f"{kini[1]}).") in narasi.perubahan
    assert f"Cakupan kemitraan {kini[1]}, di bawah target 100%." in narasi.tindakan
    assert "1 kematian ibu di Puskesmas Aur Duri." in narasi.tindakan


def test_chart_is_inline_svg_with_escaped_labels():
    svg = lb.svg_batang("<judul>", ["Jan"], [("a&b", "#000", [3]), ("c", "#111", [2])])
    assert svg.startswith("<svg") and "&lt;judul&gt;" in svg and "a&amp;b" in svg and ">5<" in svg


# --- Rendering through an Unduhan (Celery), crash-safe ----------------------------------------------


def _minta(user, **kwargs) -> Unduhan:
    return Unduhan.objects.create(diminta_oleh=user, **kwargs)


def test_unduhan_needs_exactly_one_of_puskesmas_and_kabupaten(cast):
    w = cast.w
    with pytest.raises(IntegrityError):
        _minta(cast.admin, jenis=JenisUnduhan.LAPORAN_KABUPATEN_PDF, puskesmas=w.puskesmas_a, kabupaten=w.kota,
               periode="2026-10")


def test_unduhan_without_scope_is_refused(cast):
    with pytest.raises(IntegrityError):
        _minta(cast.admin, jenis=JenisUnduhan.LAPORAN_KABUPATEN_PDF, periode="2026-10")


def test_file_names_per_kind(cast):
    w = cast.w
    names = {
        j: _minta(cast.admin, jenis=j, periode="2026-10",
                  **({"kabupaten": w.kota} if j.startswith("laporan_kabupaten") else {"puskesmas": w.puskesmas_a}))
        .nama_berkas
        for j in JenisUnduhan.values if j != JenisUnduhan.DAFTAR_DUKUN_PDF
    }
    assert names == {
        "laporan_bulanan_pdf": "laporan-bulanan-pa-2026-10.pdf",
        "laporan_bulanan_xlsx": "laporan-bulanan-pa-2026-10.xlsx",
        "laporan_kabupaten_pdf": "laporan-kabupaten-1571-2026-10.pdf",
        "laporan_kabupaten_xlsx": "laporan-kabupaten-1571-2026-10.xlsx",
        "laporan_kabupaten_zip": "laporan-bulanan-1571-2026-10.zip",
    }


def test_district_downloads_are_visible_to_their_dinkes_only(cast):
    w = cast.w
    milik_a = _minta(cast.dinkes_a, jenis=JenisUnduhan.LAPORAN_KABUPATEN_PDF, kabupaten=w.kota, periode="2026")
    milik_c = _minta(cast.dinkes_c, jenis=JenisUnduhan.LAPORAN_KABUPATEN_PDF, kabupaten=w.muaro, periode="2026")
    assert list(Unduhan.objects.visible_to(cast.dinkes_a)) == [milik_a]
    assert list(Unduhan.objects.visible_to(cast.dinkes_c)) == [milik_c]
    # A Dinkes user moved to another district no longer sees her earlier district's file.
    cast.dinkes_a.kabupaten = w.muaro
    cast.dinkes_a.save()
    assert list(Unduhan.objects.visible_to(cast.dinkes_a)) == []
    for role in ("kapus_a", "bikor_a", "bidan_a"):
        assert not Unduhan.objects.visible_to(getattr(cast, role)).exists()


def test_scheduled_reports_are_visible_to_reviewers_of_that_puskesmas_not_to_bidan(cast):
    w = cast.w
    jadwal = Unduhan.objects.create(jenis=JenisUnduhan.LAPORAN_BULANAN_PDF, puskesmas=w.puskesmas_a,
                                    periode="2026-10")
    for role in ("admin", "dinkes_a", "kapus_a", "bikor_a"):
        assert list(Unduhan.objects.visible_to(getattr(cast, role))) == [jadwal], role
    for role in ("bidan_a", "dinkes_c", "bikor_b"):
        assert not Unduhan.objects.visible_to(getattr(cast, role)).exists(), role


def _leftover_tmp() -> list[Path]:
    root = Path(django_settings.PRIVATE_MEDIA_ROOT)
    return list(root.rglob(".tmp-*")) if root.exists() else []


def test_a_crash_mid_write_leaves_no_file_and_a_retry_completes_the_one_row(cast, pdf_palsu, monkeypatch):
    unduhan = _minta(cast.kapus_a, jenis=JenisUnduhan.LAPORAN_BULANAN_PDF, puskesmas=cast.w.puskesmas_a,
                     periode="2026-10")

    def crash(fd):
        raise OSError("worker killed mid-write")

    with monkeypatch.context() as m:
        m.setattr(services.os, "fsync", crash)
        with pytest.raises(OSError):
            services.unduhan_render(unduhan.pk, retry_on=(OSError,))
    unduhan.refresh_from_db()
    assert unduhan.status == StatusUnduhan.PROCESSING and unduhan.berkas == ""
    assert _leftover_tmp() == []
    assert not list(Path(django_settings.PRIVATE_MEDIA_ROOT).rglob("*.pdf"))

    services.unduhan_render(unduhan.pk)  # the retry
    services.unduhan_render(unduhan.pk)  # a duplicate delivery of the message: nothing more

    unduhan.refresh_from_db()
    assert unduhan.status == StatusUnduhan.COMPLETE
    assert Unduhan.objects.count() == 1
    files = list(Path(django_settings.PRIVATE_MEDIA_ROOT).rglob("*.pdf"))
    assert [f.name for f in files] == ["laporan-bulanan-pa-2026-10.pdf"]
    assert files[0].read_bytes().startswith(b"%PDF-palsu laporan/laporan_bulanan_pdf.html")
    assert len(pdf_palsu) == 2  # the crashed attempt and the retry; the duplicate rendered nothing


def test_a_stale_temporary_file_is_never_served(client, cast):
    unduhan = _minta(cast.kapus_a, jenis=JenisUnduhan.LAPORAN_BULANAN_PDF, puskesmas=cast.w.puskesmas_a,
                     periode="2026-10", status=StatusUnduhan.PROCESSING)
    folder = Path(django_settings.PRIVATE_MEDIA_ROOT) / "unduhan" / str(unduhan.pk)
    folder.mkdir(parents=True)
    (folder / ".tmp-abc.pdf").write_bytes(b"%PDF-setengah")
    client.force_login(cast.kapus_a)
    assert client.get(reverse("laporan:unduhan_file", args=[unduhan.pk])).status_code == 404
    assert not CatatanLaporan.objects.exists()


def test_request_render_download_of_a_month_xlsx_is_logged(client, cast, eager_celery,
                                                           django_capture_on_commit_callbacks):
    client.force_login(cast.bikor_a)
    bulan = bulan_lalu(timezone.localdate())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("laporan:bulanan_minta", args=[cast.w.puskesmas_a.pk, bulan.kode]),
                               {"format": "xlsx"})
    unduhan = Unduhan.objects.get()
    assert response["Location"] == reverse("laporan:unduhan_detail", args=[unduhan.pk])
    assert (unduhan.jenis, unduhan.periode, unduhan.status) == (JenisUnduhan.LAPORAN_BULANAN_XLSX, bulan.kode,
                                                                StatusUnduhan.COMPLETE)
    page = client.get(response["Location"]).content.decode()
    assert "Unduh XLSX" in page
    berkas = client.get(reverse("laporan:unduhan_file", args=[unduhan.pk]))
    assert berkas["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert f'filename="laporan-bulanan-pa-{bulan.kode}.xlsx"' in berkas["Content-Disposition"]
    sheets = xlsx_sheets(b"".join(berkas.streaming_content))
    assert "Pengawasan dan evaluasi" in sheets
    log = list(CatatanLaporan.objects.order_by("pk").values_list("aksi", "oleh__username", "periode", "berkas",
                                                                 "puskesmas"))
    assert log == [(AksiLaporan.MINTA, "bikor_a", bulan.kode, "xlsx", cast.w.puskesmas_a.pk),
                   (AksiLaporan.UNDUH, "bikor_a", bulan.kode, "xlsx", cast.w.puskesmas_a.pk)]


def test_district_zip_holds_each_puskesmas_month(client, cast, eager_celery, pdf_palsu,
                                                 django_capture_on_commit_callbacks):
    client.force_login(cast.dinkes_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("laporan:kabupaten_minta"),
                               {"kabupaten": "15.71", "tahun": "2026", "bulan": "10", "format": "zip"})
    unduhan = Unduhan.objects.get()
    assert response["Location"] == reverse("laporan:unduhan_detail", args=[unduhan.pk])
    assert (unduhan.kabupaten_id, unduhan.puskesmas, unduhan.status) == ("15.71", None, StatusUnduhan.COMPLETE)
    berkas = client.get(reverse("laporan:unduhan_file", args=[unduhan.pk]))
    assert berkas["Content-Type"] == "application/zip"
    zf = zipfile.ZipFile(io.BytesIO(b"".join(berkas.streaming_content)))
    assert sorted(zf.namelist()) == ["laporan-bulanan-pa-2026-10.pdf", "laporan-bulanan-pb-2026-10.pdf"]
    assert zf.read("laporan-bulanan-pa-2026-10.pdf").startswith(b"%PDF-palsu")
    assert CatatanLaporan.objects.filter(aksi=AksiLaporan.UNDUH, kabupaten="15.71", berkas="zip").count() == 1


def test_zip_of_a_year_is_refused_with_a_message(client, cast, pdf_palsu):
    client.force_login(cast.dinkes_a)
    response = client.post(reverse("laporan:kabupaten_minta"),
                           {"kabupaten": "15.71", "tahun": "2026", "format": "zip"}, follow=True)
    assert "ZIP laporan Puskesmas hanya untuk satu bulan." in response.content.decode()
    assert not Unduhan.objects.exists()


# --- Pages and scope ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), [
    ("admin", 200), ("dinkes_a", 200), ("kapus_a", 200), ("bikor_a", 200),
    ("bidan_a", 403), ("bidan_b", 403), ("dinkes_c", 404), ("bikor_b", 404),
])
def test_monthly_page_of_puskesmas_a(client, cast, role, status):
    client.force_login(getattr(cast, role))
    response = client.get(reverse("laporan:bulanan"), {"puskesmas": cast.w.puskesmas_a.pk})
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert "Laporan bulanan" in page and bulan_lalu(timezone.localdate()).label in page


def test_monthly_page_defaults_to_the_own_puskesmas_and_answers_anonymous_with_login(client, cast):
    assert client.get(reverse("laporan:bulanan"))["Location"].startswith("/masuk/")
    client.force_login(cast.bikor_b)
    assert "Pakuan Baru" in client.get(reverse("laporan:bulanan")).content.decode()


@pytest.mark.parametrize(("role", "kabupaten", "status"), [
    ("admin", "15.71", 200), ("dinkes_a", "15.71", 200), ("dinkes_a", "", 200), ("dinkes_c", "15.71", 404),
    ("dinkes_c", "15.05", 200), ("kapus_a", "15.71", 403), ("bikor_a", "15.71", 403), ("bidan_a", "15.71", 403),
])
def test_district_page(client, cast, role, kabupaten, status):
    client.force_login(getattr(cast, role))
    response = client.get(reverse("laporan:kabupaten"), {"kabupaten": kabupaten} if kabupaten else {})
    assert response.status_code == status
    if status == 200 and role == "dinkes_a":
        page = response.content.decode()
        assert "Aur Duri" in page and "Pakuan Baru" in page and "Sekernan" not in page


@pytest.mark.parametrize("role", ["bidan_a", "kapus_a", "bikor_a"])
def test_district_request_by_other_roles_is_403(client, cast, role):
    client.force_login(getattr(cast, role))
    response = client.post(reverse("laporan:kabupaten_minta"),
                           {"kabupaten": "15.71", "tahun": "2026", "format": "pdf"})
    assert response.status_code == 403
    assert not Unduhan.objects.exists()


def test_district_request_for_another_district_is_404(client, cast):
    client.force_login(cast.dinkes_c)
    response = client.post(reverse("laporan:kabupaten_minta"),
                           {"kabupaten": "15.71", "tahun": "2026", "format": "pdf"})
    assert response.status_code == 404


@pytest.mark.parametrize(("role", "status"), [("bidan_a", 403), ("dinkes_c", 404), ("bikor_b", 404)])
def test_monthly_request_out_of_scope_creates_nothing(client, cast, role, status):
    client.force_login(getattr(cast, role))
    response = client.post(reverse("laporan:bulanan_minta", args=[cast.w.puskesmas_a.pk, "2026-10"]),
                           {"format": "pdf"})
    assert response.status_code == status
    assert not Unduhan.objects.exists() and not CatatanLaporan.objects.exists()


@pytest.mark.parametrize("bulan", ["2026", "2026-13", "abc"])
def test_monthly_request_for_a_bad_month_is_404(client, cast, bulan):
    client.force_login(cast.kapus_a)
    response = client.post(reverse("laporan:bulanan_minta", args=[cast.w.puskesmas_a.pk, bulan]), {"format": "pdf"})
    assert response.status_code == 404


# --- The command ---------------------------------------------------------------------------------


def test_command_renders_the_district_pdf_and_the_month_xlsx(cast, tmp_path, capsys):
    out = tmp_path / "kota.pdf"
    call_command("laporan_bulanan", "--kabupaten", "15.71", "--tahun", "2026", "--bulan", "10", "--out", str(out))
    text = pdf_text(out.read_bytes(), tmp_path)
    assert "Laporan Kemitraan Bidan–Dukun Kota Jambi — Oktober 2026" in text
    assert "Aur Duri" in text and "Pakuan Baru" in text

    out = tmp_path / "pa.xlsx"
    call_command("laporan_bulanan", "--puskesmas", "PA", "--bulan", "2026-10", "--out", str(out))
    assert "Per kelurahan" in xlsx_sheets(out.read_bytes())
    assert not list(tmp_path.glob(".tmp-*"))


@pytest.mark.parametrize(("args", "pesan"), [
    (["--puskesmas", "PA", "--bulan", "2026-10", "--out", "x.txt"], "harus berakhiran .pdf atau .xlsx"),
    (["--bulan", "2026-10", "--out", "x.pdf"], "Pilih salah satu"),
    (["--puskesmas", "PA", "--kabupaten", "15.71", "--bulan", "2026-10", "--out", "x.pdf"], "Pilih salah satu"),
    (["--puskesmas", "ZZ", "--bulan", "2026-10", "--out", "x.pdf"], "Puskesmas dengan kode 'ZZ' tidak ditemukan"),
    (["--puskesmas", "PA", "--out", "x.pdf"], "--bulan YYYY-MM wajib"),
    (["--puskesmas", "PA", "--bulan", "2026-13", "--out", "x.pdf"], "gunakan bentuk YYYY-MM"),
    (["--puskesmas", "PA", "--bulan", "2026", "--out", "x.pdf"], "gunakan bentuk YYYY-MM"),
    (["--kabupaten", "99.99", "--tahun", "2026", "--out", "x.pdf"], "Kabupaten/kota dengan kode '99.99'"),
    (["--kabupaten", "15.71", "--out", "x.pdf"], "--tahun YYYY wajib"),
    (["--kabupaten", "15.71", "--tahun", "2026", "--bulan", "13", "--out", "x.pdf"], "gunakan 1–12"),
])
def test_command_errors_are_clear_indonesian(cast, tmp_path, monkeypatch, args, pesan):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CommandError, match=re.escape(pesan)):
        call_command("laporan_bulanan", *args)
    assert not list(tmp_path.iterdir())


# --- The monthly schedule --------------------------------------------------------------------------


def test_beat_schedule_runs_at_one_on_the_first_day():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["laporan-bulanan-bulan-lalu"]
    assert entry["task"] == "laporan.tasks.buat_laporan_bulan_lalu"
    assert entry["schedule"].hour == {1} and entry["schedule"].minute == {0}
    assert entry["schedule"].day_of_month == {1}
    assert "kemitraan-kirim-pengingat" in settings.CELERY_BEAT_SCHEDULE


def test_beat_task_is_idempotent_and_one_failure_does_not_stop_the_others(
    cast, eager_celery, monkeypatch, django_capture_on_commit_callbacks
):
    from puskesmas.tests.factories import PuskesmasFactory

    PuskesmasFactory(kode="PX", nama="Tutup", kabupaten=cast.w.kota, aktif=False)
    def render(puskesmas, periode, **kwargs):
        if puskesmas.kode == "PB":
            raise RuntimeError("boom")
        return b"%PDF-palsu " + puskesmas.kode.encode()

    monkeypatch.setattr(lb, "pdf_bulanan", render)
    with django_capture_on_commit_callbacks(execute=True):
        assert buat_laporan_bulan_lalu.delay("2026-10").get() == {"dibuat": 3, "diulang": 0}
    status = dict(Unduhan.objects.values_list("puskesmas__kode", "status"))
    assert status == {"PA": StatusUnduhan.COMPLETE, "PB": StatusUnduhan.FAILED, "PC": StatusUnduhan.COMPLETE}

    monkeypatch.setattr(lb, "pdf_bulanan", lambda p, periode, **k: b"%PDF-palsu " + p.kode.encode())
    with django_capture_on_commit_callbacks(execute=True):
        assert buat_laporan_bulan_lalu.delay("2026-10").get() == {"dibuat": 0, "diulang": 1}
        assert buat_laporan_bulan_lalu.delay("2026-10").get() == {"dibuat": 0, "diulang": 0}
    assert Unduhan.objects.count() == 3
    assert set(Unduhan.objects.values_list("status", flat=True)) == {StatusUnduhan.COMPLETE}
    assert set(Unduhan.objects.values_list("periode", "diminta_oleh")) == {("2026-10", None)}


def test_beat_task_defaults_to_last_month(cast, eager_celery, pdf_palsu, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        buat_laporan_bulan_lalu.delay()
    assert set(Unduhan.objects.values_list("periode", flat=True)) == {bulan_lalu(timezone.localdate()).kode}


# --- Query counts ----------------------------------------------------------------------------------


def _queries(fn) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as q:
        fn()
    return len(q)


def test_report_contexts_cost_the_same_queries_for_more_puskesmas_and_kelurahan(cast):
    from puskesmas.tests.factories import KelurahanFactory, PuskesmasFactory

    bulan = Periode.bulan(2026, 10)
    with lb._Suasana(cast.w.puskesmas_a.zona):
        kabupaten = _queries(lambda: lb.konteks_kabupaten(cast.w.kota, bulan))
        bulanan = _queries(lambda: lb.konteks_bulanan(cast.w.puskesmas_a, bulan))
        kec = cast.w.a1.kecamatan
        for i in range(5):
            pkm = PuskesmasFactory(kode=f"PZ{i}", nama=f"Tambahan {i}", kabupaten=cast.w.kota)
            KelurahanFactory(kode=f"15.71.01.10{50 + i}", nama=f"Baru {i}", kecamatan=kec, puskesmas=pkm)
            KelurahanFactory(kode=f"15.71.01.10{70 + i}", nama=f"Lagi {i}", kecamatan=kec,
                             puskesmas=cast.w.puskesmas_a)
        assert _queries(lambda: lb.konteks_kabupaten(cast.w.kota, bulan)) == kabupaten
        assert _queries(lambda: lb.konteks_bulanan(cast.w.puskesmas_a, bulan)) == bulanan


def test_monthly_page_query_count_is_bounded(client, cast, django_assert_max_num_queries):
    client.force_login(cast.kapus_a)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("laporan:bulanan")).status_code == 200
