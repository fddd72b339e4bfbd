"""Importing delivery registers: one row per baby, twins, all or nothing, idempotent, the models' rules, scope."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import Workbook

from kemitraan.models import Notifikasi
from kia.importer import PERSALINAN_KOLOM, BerkasTidakValid, baca_persalinan, impor_persalinan
from kia.models import Bayi, Ibu, JenisKajian, KajianKasus, Persalinan
from kia.tests.factories import BayiFactory, IbuFactory, PersalinanFactory

pytestmark = pytest.mark.django_db

HARI = timezone.localdate() - dt.timedelta(days=20)
NIK_A = "1571015708960001"  # valid: region 157101, day 57 (a woman born on the 17th), month 08, year 96
NIK_B = "1571026203910002"


def baris(id_eksternal: str, kelurahan, **kw) -> dict:
    """A good row: a live baby born 20 days ago in the Puskesmas, attended by a bidan."""
    row = {
        "id_eksternal": id_eksternal, "kode_kelurahan": getattr(kelurahan, "kode", kelurahan),
        "nama_ibu": "Siti Aminah", "nik_ibu": "", "umur_ibu": "27", "tanggal_persalinan": HARI.isoformat(),
        "tempat": "puskesmas", "penolong": "bidan", "status_ibu": "hidup", "status_bayi": "lahir_hidup",
        "berat_lahir_gram": "3100", "tanggal_meninggal_bayi": "", "kn_lengkap": "1",
    }
    row.update({k: str(v) for k, v in kw.items()})
    return row


def _csv(rows: list[dict], *, extra: tuple[str, ...] = ()) -> bytes:
    header = [*PERSALINAN_KOLOM, *extra]
    lines = [",".join(header)] + [",".join(r.get(c, "") for c in header) for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _impor(content: bytes, name: str = "register.csv", **kw):
    table, opsional = baca_persalinan(io.BytesIO(content), name)
    return impor_persalinan(table, opsional=opsional, **kw)


def _errors(hasil) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in hasil.errors]


def _snapshot():
    """Every row the import writes, and the history and alerts: what a refused import must leave untouched."""
    return (
        sorted(Persalinan.objects.values_list("id_eksternal", "tanggal", "tempat", "penolong", "status_ibu")),
        sorted(Bayi.objects.values_list("id_eksternal", "urutan", "berat_lahir_gram", "status_lahir", "kn_lengkap")),
        Ibu.objects.count(), Persalinan.history.count(), Bayi.history.count(), Ibu.history.count(),
        KajianKasus.objects.count(), Notifikasi.objects.count(),
    )


@pytest.fixture
def good_rows(cast):
    w = cast.w
    return [
        baris("PA-0001", w.a1, nama_ibu="Siti Aminah", nik_ibu=NIK_A, umur_ibu=27),
        baris("PA-0002/1", w.a2, nama_ibu="Rina Marlina", umur_ibu=31, tempat="rumah", penolong="bidan_dukun",
              berat_lahir_gram=2300, kn_lengkap=0),
        baris("PA-0002/2", w.a2, nama_ibu="Rina Marlina", umur_ibu=31, tempat="rumah", penolong="bidan_dukun",
              berat_lahir_gram=2150, kn_lengkap=0),
        baris("PA-0003", w.a1, nama_ibu="Nurhayati", umur_ibu=19, tempat="rs", penolong="dokter",
              status_bayi="lahir_mati", berat_lahir_gram=1900, kn_lengkap=0),
    ]


def _assert_good_import_done(cast) -> None:
    w = cast.w
    assert set(Persalinan.objects.values_list("id_eksternal", flat=True)) == {"PA-0001", "PA-0002", "PA-0003"}
    assert set(Bayi.objects.values_list("id_eksternal", flat=True)) == {"PA-0001", "PA-0002/1", "PA-0002/2",
                                                                      "PA-0003"}
    p1 = Persalinan.objects.get(id_eksternal="PA-0001")
    assert (p1.tanggal, p1.tempat, p1.penolong, p1.status_ibu) == (HARI, "puskesmas", "bidan", "hidup")
    assert (p1.kelurahan_id, p1.puskesmas_id) == (w.a1.pk, w.puskesmas_a.pk)
    assert (p1.ibu.nama, p1.ibu.nik, p1.ibu.umur_tercatat, p1.ibu.umur_dicatat_pada) == (
        "Siti Aminah", NIK_A, 27, HARI)
    assert p1.ibu.umur_pada(HARI) == 27
    assert (p1.ibu.kelurahan_id, p1.ibu.puskesmas_id) == (w.a1.pk, w.puskesmas_a.pk)
    b1 = p1.bayi.get()
    assert (b1.urutan, b1.berat_lahir_gram, b1.status_lahir, b1.kn_lengkap, b1.kn1_diterima) == (
        1, 3100, "lahir_hidup", True, True)
    assert (b1.kelurahan_id, b1.puskesmas_id) == (w.a1.pk, w.puskesmas_a.pk)
    kembar = Persalinan.objects.get(id_eksternal="PA-0002")
    assert [(b.id_eksternal, b.urutan, b.berat_lahir_gram, b.bblr) for b in kembar.bayi.order_by("urutan")] == [
        ("PA-0002/1", 1, 2300, True), ("PA-0002/2", 2, 2150, True)]
    lahir_mati = Bayi.objects.get(id_eksternal="PA-0003")
    assert (lahir_mati.status_lahir, lahir_mati.kn_lengkap, lahir_mati.kn1_diterima) == ("lahir_mati", False, False)
    assert Ibu.objects.count() == 3


# --- A good file --------------------------------------------------------------------------------


def test_good_csv_imports_deliveries_babies_and_mothers(cast, good_rows):
    hasil = _impor(_csv(good_rows), oleh=cast.bikor_a)

    assert hasil.ok, _errors(hasil)
    _assert_good_import_done(cast)
    assert (hasil.baris, hasil.persalinan_baru, hasil.bayi_baru, hasil.ibu_baru) == (4, 3, 4, 3)
    assert set(Persalinan.objects.values_list("dicatat_oleh__username", flat=True)) == {"bikor_a"}
    assert set(Bayi.objects.values_list("dicatat_oleh__username", flat=True)) == {"bikor_a"}


def test_every_written_row_has_its_history_entry(cast, good_rows):
    _impor(_csv(good_rows), oleh=cast.bikor_a)

    for model, n in ((Persalinan, 3), (Bayi, 4), (Ibu, 3)):
        history = list(model.history.all())
        assert len(history) == n
        assert {h.history_type for h in history} == {"+"}
        assert {h.history_user_id for h in history} == {cast.bikor_a.pk}
        assert {h.id for h in history} == set(model.objects.values_list("pk", flat=True))


def _xlsx(path: Path, rows: list[dict], *, header: list[str] = PERSALINAN_KOLOM) -> Path:
    """As Excel keeps a register: dates as date cells, ages, weights, flags and the NIK as numbers."""
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        cells = []
        for c in header:
            value = r.get(c, "")
            if c.startswith("tanggal") and value:
                value = dt.date.fromisoformat(value)
            elif c in ("umur_ibu", "berat_lahir_gram", "kn_lengkap", "nik_ibu") and value:
                value = int(value)
            cells.append(value if value != "" else None)
        ws.append(cells)
    wb.save(path)
    return path


def test_good_xlsx_imports_the_same_as_csv(cast, good_rows, tmp_path):
    path = _xlsx(tmp_path / "register.xlsx", good_rows)

    hasil = _impor(path.read_bytes(), "register.xlsx", oleh=cast.bikor_a)

    assert hasil.ok, _errors(hasil)
    _assert_good_import_done(cast)


def test_semicolon_csv_with_bom_and_crlf_is_read(cast, good_rows):
    content = b"\xef\xbb\xbf" + _csv(good_rows).replace(b",", b";").replace(b"\n", b"\r\n")

    hasil = _impor(content, oleh=cast.bikor_a)

    assert hasil.ok, _errors(hasil)
    _assert_good_import_done(cast)


def test_header_may_have_extra_unknown_columns_in_any_order(cast, good_rows):
    header = ["catatan", *reversed(PERSALINAN_KOLOM)]
    lines = [",".join(header)] + [",".join(["x", *(r[c] for c in reversed(PERSALINAN_KOLOM))]) for r in good_rows]

    hasil = _impor("\n".join(lines).encode(), oleh=cast.bikor_a)

    assert hasil.ok, _errors(hasil)
    _assert_good_import_done(cast)


def test_comment_rows_are_skipped_and_row_numbers_stay_those_of_the_sheet(cast):
    rows = [baris("# tempat: rs | puskesmas", ""), baris("PA-1", cast.w.a1), baris("PA-2", cast.w.a1, tempat="x")]

    hasil = _impor(_csv(rows), oleh=cast.bikor_a)

    assert [(e.row, e.column) for e in hasil.errors] == [(4, "tempat")]


def test_the_templates_example_rows_are_refused(cast):
    hasil = _impor(_csv([baris("CONTOH-0001", cast.w.a1)]), oleh=cast.bikor_a)

    assert _errors(hasil) == [(2, "id_eksternal", "ini baris contoh dari templat: hapus sebelum mengimpor.")]


def test_periksa_saja_counts_but_writes_nothing(cast, good_rows):
    before = _snapshot()

    hasil = _impor(_csv(good_rows), oleh=cast.bikor_a, periksa_saja=True)

    assert hasil.ok
    assert (hasil.persalinan_baru, hasil.bayi_baru, hasil.ibu_baru) == (3, 4, 3)
    assert "hanya diperiksa" in hasil.ringkasan()
    assert _snapshot() == before


# --- Twins and ids --------------------------------------------------------------------------------


def test_twins_are_one_delivery_with_two_babies_in_file_order(cast):
    rows = [baris("D123/2", cast.w.a1, berat_lahir_gram=2400), baris("D123/1", cast.w.a1, berat_lahir_gram=2600)]

    assert _impor(_csv(rows), oleh=cast.bikor_a).ok

    p = Persalinan.objects.get()
    assert p.id_eksternal == "D123"
    assert list(p.bayi.order_by("urutan").values_list("id_eksternal", "urutan", "berat_lahir_gram")) == [
        ("D123/2", 1, 2400), ("D123/1", 2, 2600)]
    assert Ibu.objects.count() == 1


def test_only_the_last_slash_separates_the_baby(cast):
    rows = [baris("PKM-A/2024/17/1", cast.w.a1), baris("PKM-A/2024/17/2", cast.w.a1)]

    assert _impor(_csv(rows), oleh=cast.bikor_a).ok

    assert Persalinan.objects.get().id_eksternal == "PKM-A/2024/17"


def test_a_row_without_slash_is_a_single_baby_delivery_sharing_the_id(cast):
    assert _impor(_csv([baris("D9", cast.w.a1)]), oleh=cast.bikor_a).ok

    bayi = Bayi.objects.get()
    assert (bayi.id_eksternal, bayi.persalinan.id_eksternal, bayi.urutan) == ("D9", "D9", 1)


def test_twins_disagreeing_on_the_delivery_is_an_error_naming_both_rows(cast):
    rows = [
        baris("D1/1", cast.w.a1),
        baris("D1/2", cast.w.a1, tanggal_persalinan=(HARI - dt.timedelta(days=1)).isoformat(), penolong="dokter"),
        baris("D1/3", cast.w.a1, nik_ibu=NIK_B),
    ]
    before = _snapshot()

    hasil = _impor(_csv(rows), oleh=cast.bikor_a)

    message = ("berbeda dengan baris 2, padahal keduanya bayi dari persalinan D1 (kembar): data persalinan dan ibu "
               "harus sama.")
    assert _errors(hasil) == [
        (3, "tanggal_persalinan", message), (3, "penolong", message), (4, "nik_ibu", message)]
    assert _snapshot() == before


def test_twins_may_write_the_mothers_name_in_other_case(cast):
    rows = [baris("D1/1", cast.w.a1, nama_ibu="Siti Aminah"), baris("D1/2", cast.w.a1, nama_ibu="SITI AMINAH")]

    assert _impor(_csv(rows), oleh=cast.bikor_a).ok


def test_a_baby_id_twice_in_the_file_is_an_error(cast):
    hasil = _impor(_csv([baris("D1", cast.w.a1), baris("D1", cast.w.a1)]), oleh=cast.bikor_a)

    assert _errors(hasil) == [(3, "id_eksternal", "ID ini sudah dipakai pada baris 2; setiap bayi perlu ID sendiri.")]


@pytest.mark.parametrize("value, message", [
    ("/1", "bagian sebelum «/» (ID persalinan) tidak boleh kosong."),
    ("D1/", "bagian sesudah «/» (nomor bayi) tidak boleh kosong."),
    ("D" * 61, "paling panjang 60 karakter."),
    ("", "wajib diisi."),
])
def test_bad_ids_are_errors(cast, value, message):
    hasil = _impor(_csv([baris("D0", cast.w.a1), baris(value, cast.w.a1)]), oleh=cast.bikor_a)

    assert _errors(hasil) == [(3, "id_eksternal", message)]


def test_a_baby_id_used_by_another_delivery_is_an_error(cast):
    lain = PersalinanFactory(ibu=IbuFactory(kelurahan=cast.w.a1), id_eksternal="LAIN")
    BayiFactory(persalinan=lain, id_eksternal="D1/1")

    hasil = _impor(_csv([baris("D1/1", cast.w.a1)]), oleh=cast.bikor_a)

    assert _errors(hasil) == [(2, "id_eksternal", "ID bayi ini sudah dipakai untuk bayi dari persalinan lain.")]


# --- All or nothing, with every error listed --------------------------------------------------------


def test_file_with_errors_in_several_rows_writes_nothing_and_lists_every_error(cast, good_rows):
    w = cast.w
    besok = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    rows = [
        *good_rows,  # rows 2–5 are right
        baris("E1", w.a1, tanggal_persalinan=besok),  # 6
        baris("E2", w.a1, berat_lahir_gram=7000, umur_ibu=9),  # 7
        baris("E3", w.a1, tempat="puskesmas", penolong="dukun"),  # 8
        baris("E4", w.a1, status_bayi="lahir_mati", tanggal_meninggal_bayi=HARI.isoformat(), kn_lengkap=1),  # 9
        baris("E5", w.a1, tanggal_meninggal_bayi=(HARI - dt.timedelta(days=2)).isoformat()),  # 10
        baris("E6", "15.71.99.9999", tanggal_persalinan="05-03-2024", kn_lengkap="ya"),  # 11
        baris("E7", w.bebas, nik_ibu="123", tempat="klinik"),  # 12
    ]
    before = _snapshot()

    hasil = _impor(_csv(rows), oleh=cast.dinkes_a)

    assert _errors(hasil) == [
        (6, "tanggal_persalinan", "Tanggal persalinan tidak boleh di masa depan."),
        (7, "umur_ibu", "umur ibu harus 10–60 tahun."),
        (7, "berat_lahir_gram", "berat lahir harus 300–6500 gram."),
        (8, "penolong", "Persalinan di fasilitas kesehatan ditolong tenaga kesehatan."),
        (9, "tanggal_meninggal_bayi", "Bayi lahir mati bukan kematian bayi: kosongkan tanggal dan sebab kematian."),
        (9, "kn_lengkap", "Bayi lahir mati tidak mendapat kunjungan neonatal."),
        (10, "tanggal_meninggal_bayi", "Tanggal meninggal tidak boleh sebelum tanggal lahir."),
        (11, "tanggal_persalinan", "tanggal harus berformat TTTT-BB-HH dan ada di kalender, misalnya 2024-03-05."),
        (11, "kn_lengkap", "isi 1 (ya) atau 0 (tidak)."),
        (12, "nik_ibu", "NIK ibu tidak valid: harus 16 digit angka dengan kode wilayah, tanggal lahir dan nomor urut "
                        "yang benar."),
        (12, "tempat", "pilihan tidak dikenal; isi salah satu: rs, puskesmas, pustu, poskesdes, pmb, rumah, "
                       "perjalanan."),
    ]
    assert not hasil.ok
    assert _snapshot() == before


def test_errors_read_with_row_and_column_in_indonesian(cast):
    hasil = _impor(_csv([baris("E1", cast.w.a1, status_ibu="")]), oleh=cast.bikor_a)

    assert [str(e) for e in hasil.errors] == [
        "Baris 2, kolom status_ibu: wajib diisi; isi salah satu: hidup, meninggal."]


def test_unknown_kelurahan_and_kelurahan_outside_any_wilayah_kerja(cast):
    rows = [baris("E1", "15.71.99.9999"), baris("E2", cast.w.bebas)]

    hasil = _impor(_csv(rows))

    assert _errors(hasil) == [
        (2, "kode_kelurahan", "kode 15.71.99.9999 tidak dikenal."),
        (3, "kode_kelurahan", "kelurahan/desa 15.71.02.1002 belum masuk wilayah kerja Puskesmas mana pun."),
    ]


@pytest.mark.parametrize("kolom", PERSALINAN_KOLOM)
def test_every_required_column_must_be_in_the_header(cast, kolom):
    header = [c for c in PERSALINAN_KOLOM if c != kolom]
    content = (",".join(header) + "\n" + ",".join("x" for _c in header) + "\n").encode()

    with pytest.raises(BerkasTidakValid, match=f"Kolom wajib tidak ada: {kolom}"):
        baca_persalinan(io.BytesIO(content), "register.csv")


def test_a_file_of_comments_only_has_no_data(cast):
    with pytest.raises(BerkasTidakValid, match="tidak berisi baris data"):
        baca_persalinan(io.BytesIO(_csv([baris("# catatan", "")])), "register.csv")


def test_nik_never_appears_in_error_messages(cast):
    nik_salah = "1571019913960001"  # month 13
    rows = [baris("E1", cast.w.a1, nik_ibu=nik_salah), baris("E2/1", cast.w.a1, nik_ibu=NIK_A),
            baris("E2/2", cast.w.a1, nik_ibu=NIK_B)]

    hasil = _impor(_csv(rows), oleh=cast.bikor_a)

    teks = " ".join(str(e) for e in hasil.errors)
    assert [(e.row, e.column) for e in hasil.errors] == [(2, "nik_ibu"), (4, "nik_ibu")]
    for nik in (nik_salah, NIK_A, NIK_B, nik_salah[-4:] + " ", NIK_A[:6]):
        assert nik not in teks


# --- Optional columns ------------------------------------------------------------------------------


def test_maternal_death_without_the_date_column_is_dated_on_the_delivery(cast):
    assert _impor(_csv([baris("M1", cast.w.a1, status_ibu="meninggal")]), oleh=cast.bikor_a).ok

    p = Persalinan.objects.get()
    assert (p.status_ibu, p.tanggal_meninggal_ibu) == ("meninggal", HARI)


def test_maternal_death_date_column_is_used_and_checked(cast):
    extra = ("tanggal_meninggal_ibu",)
    rows = [
        baris("M1", cast.w.a1, status_ibu="meninggal", tanggal_meninggal_ibu=(HARI + dt.timedelta(days=2)).isoformat()),
        baris("M2", cast.w.a1, status_ibu="meninggal", tanggal_meninggal_ibu=(HARI - dt.timedelta(days=1)).isoformat()),
        baris("M3", cast.w.a1, status_ibu="meninggal"),
        baris("M4", cast.w.a1, status_ibu="hidup", tanggal_meninggal_ibu=HARI.isoformat()),
    ]

    hasil = _impor(_csv(rows, extra=extra), oleh=cast.bikor_a)

    assert _errors(hasil) == [
        (3, "tanggal_meninggal_ibu", "Tanggal meninggal tidak boleh sebelum persalinan."),
        (4, "tanggal_meninggal_ibu", "Isi tanggal ibu meninggal."),
        (5, "status_ibu", "Tanggal dan sebab kematian hanya diisi bila ibu meninggal."),
    ]
    assert _impor(_csv(rows[:1], extra=extra), oleh=cast.bikor_a).ok
    assert Persalinan.objects.get().tanggal_meninggal_ibu == HARI + dt.timedelta(days=2)


def test_sex_kn1_and_causes_of_death_columns(cast):
    extra = ("jenis_kelamin", "kn1", "sebab_kematian_bayi", "keterangan_kematian_bayi")
    rows = [
        baris("K1", cast.w.a1, jenis_kelamin="L", kn1=1, kn_lengkap=0),
        baris("K2", cast.w.a1, jenis_kelamin="p", kn1=0, kn_lengkap=0,
              tanggal_meninggal_bayi=(HARI + dt.timedelta(days=1)).isoformat(), sebab_kematian_bayi="asfiksia"),
    ]

    assert _impor(_csv(rows, extra=extra), oleh=cast.bikor_a).ok

    k1, k2 = Bayi.objects.order_by("id_eksternal")
    assert (k1.jenis_kelamin, k1.kn1_diterima, k1.kn_lengkap) == ("l", True, False)
    assert (k2.jenis_kelamin, k2.kn1_diterima, k2.sebab_kematian, k2.umur_meninggal_hari) == ("p", False, "asfiksia", 1)


def test_kn1_column_must_agree_with_kn_lengkap_and_the_birth(cast):
    extra = ("kn1", "sebab_kematian_bayi", "keterangan_kematian_bayi")
    rows = [
        baris("K1", cast.w.a1, kn1=0, kn_lengkap=1),
        baris("K2", cast.w.a1, kn1=1, kn_lengkap=0, status_bayi="lahir_mati"),
        baris("K3", cast.w.a1, tanggal_meninggal_bayi=HARI.isoformat(), sebab_kematian_bayi="lainnya", kn_lengkap=0),
    ]

    hasil = _impor(_csv(rows, extra=extra), oleh=cast.bikor_a)

    assert _errors(hasil) == [
        (2, "kn1", "KN lengkap berarti KN1 juga diterima: isi kn1 dengan 1."),
        (3, "kn1", "Bayi lahir mati tidak mendapat kunjungan neonatal."),
        (4, "keterangan_kematian_bayi", "Sebutkan sebab kematian lainnya."),
    ]


# --- The same file again, and changed rows ------------------------------------------------------------


def test_the_same_file_twice_changes_nothing_and_raises_no_duplicate_alerts(cast, good_rows):
    rows = [*good_rows, baris("PA-0004", cast.w.a1, tempat="rumah", penolong="dukun", kn_lengkap=0)]
    assert _impor(_csv(rows), oleh=cast.bikor_a).ok
    before = _snapshot()

    hasil = _impor(_csv(rows), oleh=cast.dinkes_a)

    assert hasil.ok
    assert (hasil.persalinan_baru, hasil.persalinan_diubah, hasil.persalinan_sama) == (0, 0, 4)
    assert (hasil.bayi_baru, hasil.bayi_diubah, hasil.bayi_sama) == (0, 0, 5)
    assert (hasil.ibu_baru, hasil.kajian_baru) == (0, 0)
    assert "persalinan 0 baru, 0 diubah, 4 sama; bayi 0 baru, 0 diubah, 5 sama" in hasil.ringkasan()
    assert _snapshot() == before
    assert set(Persalinan.objects.values_list("dicatat_oleh__username", flat=True)) == {"bikor_a"}


def test_the_same_xlsx_twice_changes_nothing(cast, good_rows, tmp_path):
    content = _xlsx(tmp_path / "register.xlsx", good_rows).read_bytes()
    assert _impor(content, "register.xlsx", oleh=cast.bikor_a).ok
    before = _snapshot()

    assert not _impor(content, "register.xlsx", oleh=cast.bikor_a).berubah
    assert _snapshot() == before


def test_a_changed_row_updates_the_delivery_and_baby_with_history(cast, good_rows):
    assert _impor(_csv(good_rows), oleh=cast.bikor_a).ok
    good_rows[0].update(penolong="bidan_dukun", berat_lahir_gram="3150")
    good_rows[2].update(kn_lengkap="1")

    hasil = _impor(_csv(good_rows), oleh=cast.dinkes_a)

    assert hasil.ok
    assert (hasil.persalinan_baru, hasil.persalinan_diubah, hasil.persalinan_sama) == (0, 1, 2)
    assert (hasil.bayi_baru, hasil.bayi_diubah, hasil.bayi_sama) == (0, 2, 2)
    p = Persalinan.objects.get(id_eksternal="PA-0001")
    assert p.penolong == "bidan_dukun"
    assert p.bayi.get().berat_lahir_gram == 3150
    assert Bayi.objects.get(id_eksternal="PA-0002/2").kn_lengkap is True
    latest = p.history.first()
    assert (latest.history_type, latest.penolong, latest.history_user_id) == ("~", "bidan_dukun", cast.dinkes_a.pk)
    assert Bayi.history.filter(history_type="~").count() == 2
    assert p.dicatat_oleh == cast.bikor_a  # the first recorder stays


def test_a_later_file_adds_a_twin_to_an_imported_delivery(cast):
    assert _impor(_csv([baris("D1/1", cast.w.a1)]), oleh=cast.bikor_a).ok

    hasil = _impor(_csv([baris("D1/1", cast.w.a1), baris("D1/2", cast.w.a1)]), oleh=cast.bikor_a)

    assert (hasil.persalinan_sama, hasil.bayi_sama, hasil.bayi_baru) == (1, 1, 1)
    assert list(Persalinan.objects.get().bayi.values_list("id_eksternal", "urutan")) == [("D1/1", 1), ("D1/2", 2)]


def test_an_imported_delivery_does_not_move_to_another_kelurahan(cast):
    assert _impor(_csv([baris("D1", cast.w.a1)]), oleh=cast.bikor_a).ok
    before = _snapshot()

    hasil = _impor(_csv([baris("D1", cast.w.a2)]), oleh=cast.bikor_a)

    assert _errors(hasil) == [(2, "kode_kelurahan", "persalinan D1 sudah tercatat di kelurahan/desa lain; kelurahan "
                                                    "persalinan tidak dapat diubah lewat impor. Bila ini persalinan "
                                                    "lain, beri ID lain.")]
    assert _snapshot() == before


def test_a_new_date_recomputes_the_age_at_death_of_the_babies(cast):
    mati = HARI + dt.timedelta(days=3)
    assert _impor(_csv([baris("D1", cast.w.a1, tanggal_meninggal_bayi=mati.isoformat(), kn_lengkap=0)]),
                  oleh=cast.bikor_a).ok
    assert Bayi.objects.get().umur_meninggal_hari == 3

    baru = (HARI - dt.timedelta(days=1)).isoformat()
    assert _impor(_csv([baris("D1", cast.w.a1, tanggal_persalinan=baru, tanggal_meninggal_bayi=mati.isoformat(),
                              kn_lengkap=0)]), oleh=cast.bikor_a).ok

    assert Bayi.objects.get().umur_meninggal_hari == 4


# --- Mothers -----------------------------------------------------------------------------------------


def test_a_mother_with_the_same_nik_in_the_same_kelurahan_is_joined(cast):
    ibu = IbuFactory(nama="Siti Aminah binti Ahmad", nik=NIK_A, kelurahan=cast.w.a1, tanggal_lahir=dt.date(1996, 8, 17))
    rows = [baris("D1", cast.w.a1, nik_ibu=NIK_A, nama_ibu="Siti A."), baris("D2", cast.w.a2, nik_ibu=NIK_A)]

    assert _impor(_csv(rows), oleh=cast.bikor_a).ok

    assert Persalinan.objects.get(id_eksternal="D1").ibu == ibu
    ibu.refresh_from_db()
    assert ibu.nama == "Siti Aminah binti Ahmad"  # the import never changes a mother already recorded
    lain = Persalinan.objects.get(id_eksternal="D2").ibu
    assert (lain.pk != ibu.pk, lain.kelurahan_id) == (True, cast.w.a2.pk)


def test_two_deliveries_of_one_nik_in_one_file_share_one_new_mother(cast):
    rows = [baris("D1", cast.w.a1, nik_ibu=NIK_A, tanggal_persalinan=(HARI - dt.timedelta(days=700)).isoformat(),
                  umur_ibu=25), baris("D2", cast.w.a1, nik_ibu=NIK_A)]

    hasil = _impor(_csv(rows), oleh=cast.bikor_a)

    assert hasil.ok and hasil.ibu_baru == 1
    assert Ibu.objects.get().persalinan.count() == 2


def test_mothers_without_nik_are_recorded_once_per_delivery(cast):
    rows = [baris("D1", cast.w.a1), baris("D2", cast.w.a1)]

    assert _impor(_csv(rows), oleh=cast.bikor_a).ibu_baru == 2


def test_a_joined_mothers_age_is_checked_against_her_record(cast):
    IbuFactory(nik=NIK_A, kelurahan=cast.w.a1, tanggal_lahir=HARI - dt.timedelta(days=365 * 9))

    hasil = _impor(_csv([baris("D1", cast.w.a1, nik_ibu=NIK_A)]), oleh=cast.bikor_a)

    assert [(e.row, e.column) for e in hasil.errors] == [(2, "tanggal_persalinan")]
    assert "harus 10–60 tahun" in hasil.errors[0].message


# --- Alerts --------------------------------------------------------------------------------------------


def test_dukun_alone_rows_raise_alerts_for_bikor_and_kapus(cast):
    rows = [baris("D1", cast.w.a1, tempat="rumah", penolong="dukun", kn_lengkap=0),
            baris("D2/1", cast.w.a2, tempat="rumah", penolong="dukun", kn_lengkap=0),
            baris("D2/2", cast.w.a2, tempat="rumah", penolong="dukun", kn_lengkap=0),
            baris("D3", cast.w.a1)]

    hasil = _impor(_csv(rows), oleh=cast.dinkes_a)

    assert hasil.kajian_baru == 2
    assert sorted(KajianKasus.objects.values_list("jenis", "persalinan__id_eksternal")) == [
        (JenisKajian.DUKUN_SENDIRI, "D1"), (JenisKajian.DUKUN_SENDIRI, "D2")]
    assert set(Notifikasi.objects.values_list("penerima__username", flat=True)) == {"bikor_a", "kapus_a"}
    assert Notifikasi.objects.count() == 4


def test_maternal_and_neonatal_deaths_raise_their_alerts_once(cast):
    rows = [baris("D1", cast.w.a1, status_ibu="meninggal"),
            baris("D2", cast.w.a1, tanggal_meninggal_bayi=HARI.isoformat(), kn_lengkap=0),
            baris("D3", cast.w.a1, status_bayi="lahir_mati", kn_lengkap=0)]

    assert _impor(_csv(rows), oleh=cast.bikor_a).kajian_baru == 2
    assert _impor(_csv(rows), oleh=cast.bikor_a).kajian_baru == 0

    assert sorted(KajianKasus.objects.values_list("jenis", "persalinan__id_eksternal")) == [
        (JenisKajian.KEMATIAN_IBU, "D1"), (JenisKajian.KEMATIAN_NEONATAL, "D2")]
    assert Bayi.objects.get(id_eksternal="D2").umur_meninggal_hari == 0


# --- Scope ------------------------------------------------------------------------------------------------


def test_bikor_b_cannot_import_into_puskesmas_a(cast):
    before = _snapshot()

    hasil = _impor(_csv([baris("D1", cast.w.b1), baris("D2", cast.w.a1)]), oleh=cast.bikor_b)

    assert _errors(hasil) == [(3, "kode_kelurahan", "kelurahan/desa 15.71.01.1010 di luar wilayah yang boleh Anda "
                                                    "impor.")]
    assert _snapshot() == before


@pytest.mark.parametrize("role, allowed", [
    ("admin", {"a1", "a2", "b1", "c1"}), ("dinkes_a", {"a1", "a2", "b1"}), ("dinkes_c", {"c1"}),
    ("bikor_a", {"a1", "a2"}), ("bikor_b", {"b1"}), ("kapus_a", set()), ("bidan_a", set()), ("bidan_b", set()),
])
def test_import_scope_per_role(cast, role, allowed):
    for name in ("a1", "a2", "b1", "c1"):
        hasil = _impor(_csv([baris(f"D-{name}", getattr(cast.w, name))]), oleh=getattr(cast, role), periksa_saja=True)
        assert hasil.ok is (name in allowed), (role, name)


# --- No query per row -----------------------------------------------------------------------------------


def _many(cast, n: int) -> bytes:
    rows = []
    for i in range(n):
        rows.append(baris(f"Q{i}", cast.w.a1 if i % 2 else cast.w.a2, nik_ibu=NIK_A if i % 3 == 0 else "",
                          tempat="rumah" if i % 5 == 0 else "puskesmas", penolong="bidan"))
        if i % 4 == 0:
            rows[-1]["id_eksternal"] = f"Q{i}/1"
            rows.append({**rows[-1], "id_eksternal": f"Q{i}/2"})
    return _csv(rows)


@pytest.mark.parametrize("n", [5, 40])
def test_query_count_does_not_grow_with_rows(cast, django_assert_max_num_queries, n):
    content = _many(cast, n)
    table, opsional = baca_persalinan(io.BytesIO(content), "register.csv")

    with django_assert_max_num_queries(30):
        assert impor_persalinan(table, opsional=opsional, oleh=cast.bikor_a).ok
    with django_assert_max_num_queries(12):
        assert not impor_persalinan(table, opsional=opsional, oleh=cast.bikor_a).berubah


# --- The command ----------------------------------------------------------------------------------------------


def test_command_imports_a_good_csv_and_is_idempotent(cast, good_rows, tmp_path):
    path = tmp_path / "register.csv"
    path.write_bytes(_csv(good_rows))
    out = io.StringIO()

    call_command("import_persalinan", str(path), "--user", "bikor_a", stdout=out)

    _assert_good_import_done(cast)
    assert "4 baris: persalinan 3 baru, 0 diubah, 0 sama; bayi 4 baru, 0 diubah, 0 sama; 3 ibu baru" in out.getvalue()
    out = io.StringIO()
    call_command("import_persalinan", str(path), stdout=out)
    assert "persalinan 0 baru, 0 diubah, 3 sama; bayi 0 baru, 0 diubah, 4 sama" in out.getvalue()


def test_command_imports_a_good_xlsx(cast, good_rows, tmp_path):
    path = _xlsx(tmp_path / "register.xlsx", good_rows)

    call_command("import_persalinan", str(path), stdout=io.StringIO())

    _assert_good_import_done(cast)
    assert set(Persalinan.objects.values_list("dicatat_oleh", flat=True)) == {None}


def test_command_with_errors_raises_command_error_and_prints_them_to_stderr(cast, tmp_path):
    path = tmp_path / "salah.csv"
    path.write_bytes(_csv([baris("D1", cast.w.a1), baris("D2", cast.w.a1, berat_lahir_gram=100),
                           baris("D3", cast.w.a1, tempat="klinik", nik_ibu="1234")]))
    before = _snapshot()
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError, match="3 kesalahan; tidak ada data yang disimpan"):
        call_command("import_persalinan", str(path), stdout=out, stderr=err)

    assert err.getvalue().splitlines() == [
        "Baris 3, kolom berat_lahir_gram: berat lahir harus 300–6500 gram.",
        "Baris 4, kolom nik_ibu: NIK ibu tidak valid: harus 16 digit angka dengan kode wilayah, tanggal lahir dan "
        "nomor urut yang benar.",
        "Baris 4, kolom tempat: pilihan tidak dikenal; isi salah satu: rs, puskesmas, pustu, poskesdes, pmb, rumah, "
        "perjalanan.",
    ]
    assert out.getvalue() == ""
    assert _snapshot() == before


def test_command_user_limits_the_scope(cast, tmp_path):
    path = tmp_path / "register.csv"
    path.write_bytes(_csv([baris("D1", cast.w.a1)]))

    with pytest.raises(CommandError, match="1 kesalahan"):
        call_command("import_persalinan", str(path), "--user", "bikor_b", stderr=io.StringIO())
    assert not Persalinan.objects.exists()


def test_command_periksa_writes_nothing(cast, tmp_path):
    path = tmp_path / "register.csv"
    path.write_bytes(_csv([baris("D1", cast.w.a1)]))
    out = io.StringIO()

    call_command("import_persalinan", str(path), "--periksa", stdout=out)

    assert "hanya diperiksa" in out.getvalue()
    assert not Persalinan.objects.exists()


def test_command_rejects_an_unknown_user_a_missing_file_and_bad_files(cast, tmp_path):
    path = tmp_path / "register.csv"
    path.write_bytes(_csv([baris("D1", cast.w.a1)]))
    with pytest.raises(CommandError, match="Pengguna aktif tidak ditemukan"):
        call_command("import_persalinan", str(path), "--user", "siapa")
    with pytest.raises(CommandError, match="Berkas tidak ditemukan"):
        call_command("import_persalinan", str(tmp_path / "tidak-ada.csv"))
    txt = tmp_path / "register.txt"
    txt.write_bytes(b"x")
    with pytest.raises(CommandError, match="Jenis berkas tidak didukung"):
        call_command("import_persalinan", str(txt))
    kurang = tmp_path / "kurang.csv"
    kurang.write_bytes(b"id_eksternal,kode_kelurahan\nD1,15.71.01.1010\n")
    with pytest.raises(CommandError, match="Kolom wajib tidak ada"):
        call_command("import_persalinan", str(kurang))
