"""Importing yearly targets (sasaran) per kelurahan: all or nothing, idempotent, errors per cell, scope."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from kia.importer import SASARAN_KOLOM, baca_sasaran, impor_sasaran
from kia.models import Sasaran
from kia.tests.factories import SasaranFactory

pytestmark = pytest.mark.django_db

HEADER = ",".join(SASARAN_KOLOM)


def _csv(lines: list[str]) -> bytes:
    return ("\n".join([HEADER, *lines]) + "\n").encode()


def _impor(content: bytes, name: str = "sasaran.csv", **kw):
    return impor_sasaran(baca_sasaran(io.BytesIO(content), name), **kw)


def _good(w) -> list[str]:
    return [
        f"2025,{w.a1.kode},120,115,110",
        f"2025,{w.a2.kode},80,76,73",
        f"2026,{w.a1.kode},125,119,113",
        f"2025,{w.b1.kode},60,57,55",
    ]


def _rows():
    return sorted(Sasaran.objects.values_list("tahun", "kelurahan_id", "puskesmas_id", "ibu_hamil", "ibu_bersalin",
                                              "bayi_baru_lahir"))


def _assert_good(w) -> None:
    pa, pb = w.puskesmas_a.pk, w.puskesmas_b.pk
    assert _rows() == sorted([
        (2025, w.a1.pk, pa, 120, 115, 110), (2025, w.a2.pk, pa, 80, 76, 73), (2026, w.a1.pk, pa, 125, 119, 113),
        (2025, w.b1.pk, pb, 60, 57, 55),
    ])
    assert Sasaran.objects.filter(tahun=2025, puskesmas=w.puskesmas_a).total() == {
        "ibu_hamil": 200, "ibu_bersalin": 191, "bayi_baru_lahir": 183}


def test_good_csv_sets_the_targets(wilayah):
    hasil = _impor(_csv(_good(wilayah)))

    assert hasil.ok
    assert (hasil.baris, hasil.baru, hasil.diubah, hasil.sama) == (4, 4, 0, 0)
    _assert_good(wilayah)
    assert Sasaran.history.count() == 4


def test_good_xlsx_sets_the_targets(wilayah, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(SASARAN_KOLOM)
    for line in _good(wilayah):
        tahun, kode, *angka = line.split(",")
        ws.append([int(tahun), kode, *(int(a) for a in angka)])
    wb.save(tmp_path / "sasaran.xlsx")

    assert _impor((tmp_path / "sasaran.xlsx").read_bytes(), "sasaran.xlsx").ok
    _assert_good(wilayah)


def test_the_same_file_twice_changes_nothing(wilayah):
    _impor(_csv(_good(wilayah)))

    hasil = _impor(_csv(_good(wilayah)))

    assert (hasil.baru, hasil.diubah, hasil.sama) == (0, 0, 4)
    assert hasil.ringkasan() == "4 baris: 0 sasaran baru, 0 diubah, 4 sama."
    assert Sasaran.history.count() == 4


def test_a_changed_figure_updates_the_target_with_history(wilayah):
    SasaranFactory(tahun=2025, kelurahan=wilayah.a1, ibu_hamil=100, ibu_bersalin=95, bayi_baru_lahir=90)

    hasil = _impor(_csv(_good(wilayah)))

    assert (hasil.baru, hasil.diubah, hasil.sama) == (3, 1, 0)
    _assert_good(wilayah)
    assert Sasaran.objects.get(tahun=2025, kelurahan=wilayah.a1).history.first().history_type == "~"


def test_file_with_errors_writes_nothing_and_lists_every_error(wilayah):
    w = wilayah
    lines = [
        f"2025,{w.a1.kode},120,115,110",  # row 2 is right
        f"1999,{w.a2.kode},80,76,73",  # 3
        "2025,15.71.99.9999,1,1,1",  # 4
        f"2025,{w.bebas.kode},1,1,1",  # 5
        f"2025,{w.b1.kode},-5,1.5,",  # 6
        f"2025,{w.a1.kode},121,116,111",  # 7: the same year and kelurahan as row 2
        f"tahun,{w.a2.kode},1,1,1",  # 8
    ]

    hasil = _impor(_csv(lines))

    assert [(e.row, e.column, e.message) for e in hasil.errors] == [
        (3, "tahun", "tahun harus 2000–2100."),
        (4, "kode_kelurahan", "kode 15.71.99.9999 tidak dikenal."),
        (5, "kode_kelurahan", "kelurahan/desa 15.71.02.1002 belum masuk wilayah kerja Puskesmas mana pun."),
        (6, "sasaran_ibu_hamil", "harus 0 atau lebih, paling banyak 10.000.000."),
        (6, "sasaran_ibu_bersalin", "harus bilangan bulat tanpa titik atau koma."),
        (6, "sasaran_bayi_baru_lahir", "wajib diisi."),
        (7, "kode_kelurahan", "sasaran 15.71.01.1010 tahun 2025 sudah ada pada baris 2."),
        (8, "tahun", "harus bilangan bulat tanpa titik atau koma."),
    ]
    assert not Sasaran.objects.exists()


@pytest.mark.parametrize("role, allowed", [
    ("admin", {"a1", "b1", "c1"}), ("dinkes_a", {"a1", "b1"}), ("dinkes_c", {"c1"}),
    ("kapus_a", set()), ("bikor_a", set()), ("bidan_a", set()),
])
def test_only_dinkes_of_the_district_and_admin_may_import(cast, role, allowed):
    for name in ("a1", "b1", "c1"):
        hasil = _impor(_csv([f"2025,{getattr(cast.w, name).kode},10,10,10"]), oleh=getattr(cast, role))
        assert hasil.ok is (name in allowed), (role, name)
        if not hasil.ok:
            assert hasil.errors[0].message.endswith("di luar wilayah yang sasarannya boleh Anda ubah.")
    assert set(Sasaran.objects.values_list("kelurahan__kode", flat=True)) == {
        getattr(cast.w, name).kode for name in allowed}


def test_command_imports_and_is_idempotent(wilayah, tmp_path):
    path = tmp_path / "sasaran.csv"
    path.write_bytes(_csv(_good(wilayah)))
    out = io.StringIO()

    call_command("import_sasaran", str(path), stdout=out)
    call_command("import_sasaran", str(path), stdout=out)

    _assert_good(wilayah)
    assert out.getvalue().splitlines() == ["4 baris: 4 sasaran baru, 0 diubah, 0 sama.",
                                           "4 baris: 0 sasaran baru, 0 diubah, 4 sama."]


def test_command_with_errors_raises_command_error_and_prints_them(wilayah, tmp_path):
    path = tmp_path / "sasaran.csv"
    path.write_bytes(_csv([f"2025,{wilayah.a1.kode},1,1,1", "2025,15.71.99.9999,1,1,1", "x,,1,1,1"]))
    err = io.StringIO()

    with pytest.raises(CommandError, match="3 kesalahan; tidak ada data yang disimpan"):
        call_command("import_sasaran", str(path), stderr=err)

    assert err.getvalue().splitlines() == [
        "Baris 3, kolom kode_kelurahan: kode 15.71.99.9999 tidak dikenal.",
        "Baris 4, kolom tahun: harus bilangan bulat tanpa titik atau koma.",
        "Baris 4, kolom kode_kelurahan: wajib diisi.",
    ]
    assert not Sasaran.objects.exists()


def test_command_user_limits_the_scope_and_bad_input_is_refused(cast, tmp_path):
    path = tmp_path / "sasaran.csv"
    path.write_bytes(_csv([f"2025,{cast.w.a1.kode},1,1,1"]))
    with pytest.raises(CommandError, match="1 kesalahan"):
        call_command("import_sasaran", str(path), "--user", "dinkes_c", stderr=io.StringIO())
    with pytest.raises(CommandError, match="Pengguna aktif tidak ditemukan"):
        call_command("import_sasaran", str(path), "--user", "siapa")
    with pytest.raises(CommandError, match="Berkas tidak ditemukan"):
        call_command("import_sasaran", str(tmp_path / "tidak-ada.csv"))
    kurang = tmp_path / "kurang.csv"
    kurang.write_bytes(b"tahun,kode_kelurahan\n2025,15.71.01.1010\n")
    with pytest.raises(CommandError, match="Kolom wajib tidak ada"):
        call_command("import_sasaran", str(kurang))
    call_command("import_sasaran", str(path), "--user", "dinkes_a", stdout=io.StringIO())
    assert Sasaran.objects.count() == 1
