"""Importing Puskesmas and their wilayah kerja from CSV/XLSX: all or nothing, idempotent, errors per cell."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from puskesmas.importer import PUSKESMAS_COLUMNS, BerkasTidakValid, import_puskesmas, read_table
from puskesmas.models import Kelurahan, Puskesmas
from puskesmas.tests.factories import KecamatanFactory, KelurahanFactory

HEADER = ",".join(PUSKESMAS_COLUMNS)


@pytest.fixture
def kel(wilayah):
    """Kelurahan of no wilayah kerja yet: four in Kota Jambi (with `bebas`), two in Muaro Jambi."""
    kec_kota = KecamatanFactory(kode="15.71.03", nama="Kota Baru", kabupaten=wilayah.kota)
    kec_muaro = KecamatanFactory(kode="15.05.02", nama="Kumpeh", kabupaten=wilayah.muaro)
    return SimpleNamespace(
        bebas=wilayah.bebas,
        k1=KelurahanFactory(kode="15.71.03.1001", nama="Simpang III Sipin", kecamatan=kec_kota),
        k2=KelurahanFactory(kode="15.71.03.1002", nama="Suka Karya", kecamatan=kec_kota),
        k3=KelurahanFactory(kode="15.71.03.1003", nama="Paal Lima", kecamatan=kec_kota),
        muaro=KelurahanFactory(kode="15.05.02.2001", nama="Pudak", kecamatan=kec_muaro),
        muaro2=KelurahanFactory(kode="15.05.02.2002", nama="Kasang Pudak", kecamatan=kec_muaro),
    )


def _csv(lines: list[str], *, sep: str = ",", bom: bool = False, newline: str = "\n") -> bytes:
    text = newline.join([HEADER.replace(",", sep), *(line.replace(",", sep) for line in lines)]) + newline
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def _xlsx(path: Path, rows: list[list], *, header: list[str] = PUSKESMAS_COLUMNS) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _table(content: bytes, name: str = "puskesmas.csv"):
    return read_table(io.BytesIO(content), name, PUSKESMAS_COLUMNS)


def _good_lines(kel) -> list[str]:
    return [
        f"PD,Simpang Kawat,15.71,{kel.bebas.kode}",
        f"PD,Simpang Kawat,15.71,{kel.k1.kode}",
        f"PE,Paal Merah,15.71,{kel.k2.kode}",
    ]


def _assert_good_import_done(kel) -> None:
    pd = Puskesmas.objects.get(kode="PD")
    pe = Puskesmas.objects.get(kode="PE")
    assert (pd.nama, pd.kabupaten_id, pd.zona_waktu) == ("Simpang Kawat", "15.71", "Asia/Jakarta")
    assert pe.nama == "Paal Merah"
    assert set(pd.wilayah_kerja.values_list("kode", flat=True)) == {kel.bebas.kode, kel.k1.kode}
    assert set(pe.wilayah_kerja.values_list("kode", flat=True)) == {kel.k2.kode}


# --- A good file ---------------------------------------------------------------------------


def test_good_csv_creates_puskesmas_and_assigns_wilayah_kerja(kel):
    result = import_puskesmas(_table(_csv(_good_lines(kel))))

    assert result.ok, [str(e) for e in result.errors]
    assert (result.rows, result.puskesmas_created, result.puskesmas_updated, result.kelurahan_added) == (3, 2, 0, 3)
    _assert_good_import_done(kel)
    # Kelurahan outside the file are untouched.
    assert Kelurahan.objects.get(pk=kel.k3.pk).puskesmas is None


def test_good_xlsx_creates_puskesmas_and_assigns_wilayah_kerja(kel, tmp_path):
    path = _xlsx(tmp_path / "puskesmas.xlsx", [line.split(",") for line in _good_lines(kel)])

    with path.open("rb") as fh:
        result = import_puskesmas(read_table(fh, path.name, PUSKESMAS_COLUMNS))

    assert result.ok, [str(e) for e in result.errors]
    assert result.puskesmas_created == 2
    _assert_good_import_done(kel)


def test_the_same_file_twice_changes_nothing(kel):
    content = _csv(_good_lines(kel))
    import_puskesmas(_table(content))
    history = Puskesmas.history.count()
    wilayah_kerja = sorted(Kelurahan.objects.values_list("kode", "puskesmas__kode"))

    result = import_puskesmas(_table(content))

    assert result.ok
    assert not result.changed
    assert (result.puskesmas_created, result.puskesmas_updated, result.kelurahan_added) == (0, 0, 0)
    assert Puskesmas.objects.count() == 5
    assert Puskesmas.history.count() == history
    assert sorted(Kelurahan.objects.values_list("kode", "puskesmas__kode")) == wilayah_kerja


def test_existing_puskesmas_is_renamed_and_gets_more_wilayah_kerja(kel, wilayah):
    result = import_puskesmas(_table(_csv([
        f"PA,Aur Duri Baru,15.71,{kel.k3.kode}",
        f"PA,Aur Duri Baru,15.71,{wilayah.a1.kode}",  # already hers: not an error, not a change
    ])))

    assert result.ok, [str(e) for e in result.errors]
    assert (result.puskesmas_created, result.puskesmas_updated, result.kelurahan_added) == (0, 1, 1)
    pa = Puskesmas.objects.get(kode="PA")
    assert pa.nama == "Aur Duri Baru"
    assert pa.history.latest().nama == "Aur Duri Baru"
    assert set(pa.wilayah_kerja.values_list("kode", flat=True)) == {"15.71.01.1010", "15.71.01.1003", kel.k3.kode}


def test_blank_rows_are_skipped_and_row_numbers_stay_those_of_the_sheet(kel, tmp_path):
    path = _xlsx(tmp_path / "puskesmas.xlsx", [
        ["PD", "Simpang Kawat", "15.71", kel.bebas.kode],
        [None, None, None, None],
        ["PD", "Simpang Kawat", "15.71", "15.71.03.9999"],
    ])

    with path.open("rb") as fh:
        table = read_table(fh, path.name, PUSKESMAS_COLUMNS)
    result = import_puskesmas(table)

    assert [n for n, _row in table] == [2, 4]
    assert [(e.row, e.column) for e in result.errors] == [(4, "kode_kelurahan")]


# --- A file with errors --------------------------------------------------------------------


def _bad_lines(kel, w) -> list[str]:
    return [
        f"PD,Simpang Kawat,15.71,{kel.bebas.kode}",  # 2: good
        f"PD,Simpang Kawat,15.71,{kel.k1.kode}",  # 3: good
        f"PE,Paal Merah,15.99,{kel.k2.kode}",  # 4: unknown kabupaten (so the kelurahan is not in it either)
        "PD,Simpang Kawat,15.71,15.71.03.9999",  # 5: unknown kelurahan
        f"PD,Simpang Kawat,15.71,{kel.muaro.kode}",  # 6: kelurahan of another kabupaten
        f"PD,Simpang Kawat,15.71,{w.a1.kode}",  # 7: already in Puskesmas Aur Duri
        f"PF,,15.71,{kel.k3.kode}",  # 8: empty required cell
        f"PD,Simpang Kawat Baru,15.71,{kel.k3.kode}",  # 9: PD with another name
        f"PG,Kenali Besar,15.71,{kel.bebas.kode}",  # 10: bebas already under PD in row 2
        f"PA,Aur Duri,15.05,{kel.muaro2.kode}",  # 11: PA exists in Kota Jambi
    ]


EXPECTED_ERRORS = [
    (4, "kode_kabupaten", "kode 15.99 tidak dikenal."),
    (4, "kode_kelurahan", "Suka Karya tidak berada di kabupaten/kota 15.99."),
    (5, "kode_kelurahan", "kode 15.71.03.9999 tidak dikenal."),
    (6, "kode_kelurahan", "Pudak tidak berada di kabupaten/kota 15.71."),
    (7, "kode_kelurahan", "Penyengat Rendah sudah masuk wilayah kerja Puskesmas Aur Duri."),
    (8, "nama_puskesmas", "wajib diisi."),
    (9, "nama_puskesmas", "nama atau kabupaten Puskesmas PD berbeda dengan baris 2."),
    (10, "kode_kelurahan", "Pasir Putih sudah dimasukkan ke Puskesmas lain pada baris 2."),
    (11, "kode_kabupaten", "Puskesmas PA sudah terdaftar di kabupaten/kota lain."),
]


def _snapshot():
    return (
        sorted(Puskesmas.objects.values_list("kode", "nama", "kabupaten")),
        sorted(Kelurahan.objects.values_list("kode", "puskesmas")),
        Puskesmas.history.count(),
    )


def test_file_with_errors_writes_nothing_and_lists_every_error(kel, wilayah):
    before = _snapshot()

    result = import_puskesmas(_table(_csv(_bad_lines(kel, wilayah))))

    assert not result.ok
    assert [(e.row, e.column, e.message) for e in result.errors] == EXPECTED_ERRORS
    assert _snapshot() == before
    assert not Puskesmas.objects.filter(kode="PD").exists()


def test_errors_read_with_row_and_column_in_indonesian(kel, wilayah):
    result = import_puskesmas(_table(_csv(_bad_lines(kel, wilayah))))

    lines = [str(e) for e in result.errors]
    assert lines[0] == "Baris 4, kolom kode_kabupaten: kode 15.99 tidak dikenal."
    assert "Baris 8, kolom nama_puskesmas: wajib diisi." in lines


def test_xlsx_with_errors_writes_nothing_and_lists_every_error(kel, wilayah, tmp_path):
    rows = [[cell or None for cell in line.split(",")] for line in _bad_lines(kel, wilayah)]
    path = _xlsx(tmp_path / "salah.xlsx", rows)
    before = _snapshot()

    with path.open("rb") as fh:
        result = import_puskesmas(read_table(fh, path.name, PUSKESMAS_COLUMNS))

    assert [(e.row, e.column, e.message) for e in result.errors] == EXPECTED_ERRORS
    assert _snapshot() == before


def test_every_empty_required_cell_is_reported(kel):
    result = import_puskesmas(_table(_csv(["PX,,,", f"PD,Simpang Kawat,,{kel.k1.kode}", f",,15.71,{kel.k2.kode}"])))

    assert [(e.row, e.column) for e in result.errors] == [
        (2, "nama_puskesmas"), (2, "kode_kabupaten"), (2, "kode_kelurahan"),
        (3, "kode_kabupaten"),
        (4, "kode_puskesmas"), (4, "nama_puskesmas"),
    ]
    assert all(e.message == "wajib diisi." for e in result.errors)


def test_a_fully_empty_row_is_not_a_row(kel):
    table = _table(_csv([f"PD,Simpang Kawat,15.71,{kel.k1.kode}", ",,,", ""]))

    assert [n for n, _row in table] == [2]


def test_kode_puskesmas_longer_than_20_characters_is_an_error(kel):
    result = import_puskesmas(_table(_csv([f"P{'1' * 20},Simpang Kawat,15.71,{kel.k1.kode}"])))

    assert [(e.row, e.column) for e in result.errors] == [(2, "kode_puskesmas")]
    assert not Puskesmas.objects.filter(nama="Simpang Kawat").exists()


def test_kabupaten_scope_refuses_rows_of_another_district(kel):
    table = _table(_csv([f"PD,Simpang Kawat,15.71,{kel.k1.kode}", f"PM,Kumpeh,15.05,{kel.muaro.kode}"]))

    result = import_puskesmas(table, kabupaten_scope="15.05")

    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (2, "kode_kabupaten", "di luar kabupaten/kota Anda.")
    ]
    assert not Puskesmas.objects.filter(kode__in=["PD", "PM"]).exists()


def test_kabupaten_scope_accepts_rows_of_its_own_district(kel):
    result = import_puskesmas(_table(_csv([f"PM,Kumpeh,15.05,{kel.muaro.kode}"])), kabupaten_scope="15.05")

    assert result.ok
    assert Kelurahan.objects.get(pk=kel.muaro.pk).puskesmas.kode == "PM"


# --- Reading the file ----------------------------------------------------------------------


def test_missing_columns_give_a_clear_message(wilayah):
    content = b"kode_puskesmas,nama,kode_kabupaten\nPD,Simpang Kawat,15.71\n"

    with pytest.raises(BerkasTidakValid) as exc:
        _table(content)

    assert str(exc.value) == (
        "Kolom wajib tidak ada: nama_puskesmas, kode_kelurahan. Baris pertama harus berisi: "
        "kode_puskesmas, nama_puskesmas, kode_kabupaten, kode_kelurahan."
    )


def test_missing_columns_in_xlsx_give_a_clear_message(wilayah, tmp_path):
    path = _xlsx(tmp_path / "puskesmas.xlsx", [["PD", "Simpang Kawat"]], header=["kode_puskesmas", "nama_puskesmas"])

    with path.open("rb") as fh, pytest.raises(BerkasTidakValid, match="Kolom wajib tidak ada: kode_kabupaten"):
        read_table(fh, path.name, PUSKESMAS_COLUMNS)


@pytest.mark.parametrize("name", ["puskesmas.xls", "puskesmas.txt", "puskesmas.ods", "puskesmas"])
def test_files_other_than_csv_or_xlsx_are_rejected(wilayah, name):
    with pytest.raises(BerkasTidakValid, match="Jenis berkas tidak didukung"):
        _table(_csv(["PD,Simpang Kawat,15.71,15.71.02.1002"]), name)


def test_a_damaged_xlsx_is_rejected_with_a_message(wilayah):
    with pytest.raises(BerkasTidakValid, match="XLSX tidak dapat dibaca"):
        _table(b"bukan berkas excel", "puskesmas.xlsx")


def test_csv_not_in_utf8_is_rejected_with_a_message(wilayah):
    content = (HEADER + "\nPD,Puskesmas Sungai Kambang \xe9,15.71,15.71.02.1002\n").encode("latin-1")

    with pytest.raises(BerkasTidakValid, match="UTF-8"):
        _table(content)


def test_header_only_file_is_rejected(wilayah):
    with pytest.raises(BerkasTidakValid, match="tidak berisi baris data"):
        _table(_csv([]))


def test_empty_file_is_rejected(wilayah):
    with pytest.raises(BerkasTidakValid, match="Berkas kosong"):
        _table(b"")


def test_semicolon_separated_csv_with_bom_and_crlf_is_read(kel):
    content = _csv(_good_lines(kel), sep=";", bom=True, newline="\r\n")

    table = _table(content)

    assert table[0] == (2, {"kode_puskesmas": "PD", "nama_puskesmas": "Simpang Kawat", "kode_kabupaten": "15.71",
                            "kode_kelurahan": kel.bebas.kode})
    result = import_puskesmas(table)
    assert result.ok, [str(e) for e in result.errors]
    _assert_good_import_done(kel)


def test_utf8_bom_does_not_hide_the_first_column(kel):
    table = _table(_csv(_good_lines(kel), bom=True))

    assert table[0][1]["kode_puskesmas"] == "PD"


def test_header_is_matched_case_and_space_insensitively_in_any_order(kel):
    content = (
        " Kode_Kelurahan ,NAMA_PUSKESMAS,kode_puskesmas,kode_kabupaten,catatan\n"
        f"{kel.k1.kode},Simpang Kawat,PD,15.71,baru\n"
    ).encode()

    table = _table(content)

    assert table == [(2, {"kode_puskesmas": "PD", "nama_puskesmas": "Simpang Kawat", "kode_kabupaten": "15.71",
                          "kode_kelurahan": kel.k1.kode})]


def test_cells_with_commas_in_quotes_are_one_cell(kel):
    table = _table(_csv([f'PD,"Simpang Kawat, Kota Baru",15.71,{kel.k1.kode}']))

    assert table[0][1]["nama_puskesmas"] == "Simpang Kawat, Kota Baru"


# --- The management command ----------------------------------------------------------------


def test_command_imports_a_good_csv(kel, tmp_path):
    path = tmp_path / "puskesmas.csv"
    path.write_bytes(_csv(_good_lines(kel)))
    out = io.StringIO()

    call_command("import_puskesmas", str(path), stdout=out)

    _assert_good_import_done(kel)
    assert "3 baris: 2 Puskesmas baru, 0 diperbarui, 3 kelurahan ditambahkan" in out.getvalue()


def test_command_imports_a_good_xlsx_and_is_idempotent(kel, tmp_path):
    path = _xlsx(tmp_path / "puskesmas.xlsx", [line.split(",") for line in _good_lines(kel)])

    call_command("import_puskesmas", str(path), stdout=io.StringIO())
    out = io.StringIO()
    call_command("import_puskesmas", str(path), stdout=out)

    _assert_good_import_done(kel)
    assert "0 Puskesmas baru, 0 diperbarui, 0 kelurahan ditambahkan" in out.getvalue()


def test_command_with_errors_raises_command_error_and_prints_them_to_stderr(kel, wilayah, tmp_path):
    path = tmp_path / "salah.csv"
    path.write_bytes(_csv(_bad_lines(kel, wilayah)))
    before = _snapshot()
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError, match=f"{len(EXPECTED_ERRORS)} kesalahan; tidak ada data yang disimpan"):
        call_command("import_puskesmas", str(path), stdout=out, stderr=err)

    lines = err.getvalue().splitlines()
    assert lines == [f"Baris {row}, kolom {column}: {message}" for row, column, message in EXPECTED_ERRORS]
    assert out.getvalue() == ""
    assert _snapshot() == before


def test_command_rejects_a_missing_file(wilayah, tmp_path):
    with pytest.raises(CommandError, match="Berkas tidak ditemukan"):
        call_command("import_puskesmas", str(tmp_path / "tidak-ada.csv"))


def test_command_rejects_an_unsupported_file_type(wilayah, tmp_path):
    path = tmp_path / "puskesmas.txt"
    path.write_bytes(_csv(["PD,Simpang Kawat,15.71,15.71.02.1002"]))

    with pytest.raises(CommandError, match="Jenis berkas tidak didukung"):
        call_command("import_puskesmas", str(path))


def test_command_reports_missing_columns(wilayah, tmp_path):
    path = tmp_path / "puskesmas.csv"
    path.write_bytes(b"kode,nama\nPD,Simpang Kawat\n")

    with pytest.raises(CommandError, match="Kolom wajib tidak ada"):
        call_command("import_puskesmas", str(path))


def test_xlsx_kabupaten_code_typed_as_a_number_keeps_its_trailing_zero(db, tmp_path):
    from openpyxl import Workbook

    from puskesmas.tests.factories import KabupatenFactory, KecamatanFactory, KelurahanFactory, ProvinsiFactory

    kabupaten = KabupatenFactory(kode="11.10", nama="Aceh Singkil", provinsi=ProvinsiFactory(kode="11", nama="Aceh"))
    kelurahan = KelurahanFactory(kode="11.10.01.2001", kecamatan=KecamatanFactory(kode="11.10.01", kabupaten=kabupaten))
    wb = Workbook()
    wb.active.append(["kode_puskesmas", "nama_puskesmas", "kode_kabupaten", "kode_kelurahan"])
    wb.active.append(["P1110", "Singkil", 11.10, "11.10.01.2001"])  # a number, as Excel stores it
    path = tmp_path / "angka.xlsx"
    wb.save(path)
    with path.open("rb") as fh:
        result = import_puskesmas(read_table(fh, path.name, PUSKESMAS_COLUMNS))
    assert result.ok, [str(e) for e in result.errors]
    kelurahan.refresh_from_db()
    assert kelurahan.puskesmas.kabupaten_id == "11.10"
