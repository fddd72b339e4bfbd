"""The worked district example (laporan/tests/contoh.py), figure by figure against the engine.

Every indicator of the registry, for the kabupaten, each of its Puskesmas and a kelurahan, for the
year 2025 and for March 2025; the grouped tables; the previous period; the monthly trend.
"""

from __future__ import annotations

import pytest

from laporan.hitung import hitung, tren
from laporan.indikator import INDIKATOR, INDIKATOR_KUNCI
from laporan.periode import Periode
from laporan.templatetags.laporan_format import tampil
from laporan.tests.contoh import HARAPAN, SEBELUMNYA, TREN_PA_2025, buat_contoh


@pytest.fixture
def contoh(cast):
    return buat_contoh(cast)


def _beda(nilai: dict, harapan: dict, kode_list) -> list[str]:
    salah = []
    for kode in kode_list:
        v, teks = harapan[kode]
        n = nilai[kode]
        if n.nilai != v or tampil(n) != teks:
            salah.append(f"{kode}: engine {n.nilai} {tampil(n)!r}, by hand {v} {teks!r}")
    return salah


def test_the_example_covers_every_indicator_and_key_card():
    kode = {i.kode for i in INDIKATOR}
    for kunci, harapan in HARAPAN.items():
        assert set(harapan) == kode, kunci
    assert INDIKATOR_KUNCI and all(i.kode in HARAPAN[("kota", "2025")] for i in INDIKATOR_KUNCI)


@pytest.mark.parametrize("kunci", list(HARAPAN), ids=lambda k: "-".join(k))
def test_every_indicator_matches_the_hand_computed_figures(contoh, kunci):
    wilayah, kode = kunci
    h = hitung(contoh.cakupan(wilayah), Periode.dari_kode(kode))
    assert not _beda(h.total, HARAPAN[kunci], [i.kode for i in INDIKATOR])
    # A Hasil reads like its totals.
    assert h["pn"] is h.total["pn"]


@pytest.mark.parametrize("kunci", list(SEBELUMNYA), ids=lambda k: "-".join(k))
def test_the_previous_period_comes_with_the_figures(contoh, kunci):
    wilayah, kode = kunci
    h = hitung(contoh.cakupan(wilayah), Periode.dari_kode(kode))
    assert h.sebelumnya is not None and h.ukuran_sebelumnya is not None
    assert not _beda(h.sebelumnya, SEBELUMNYA[kunci], SEBELUMNYA[kunci])


def test_without_comparison_there_is_no_previous_period(contoh):
    h = hitung(contoh.cakupan("PA"), Periode.tahun(2025), pembanding=False)
    assert h.sebelumnya is None and h.ukuran_sebelumnya is None
    assert tampil(h.total["pn"]) == "66,67%"


@pytest.mark.parametrize("kode", ["2025", "2025-03"])
def test_the_district_table_has_one_row_per_puskesmas_with_its_own_figures(contoh, kode):
    h = hitung(contoh.cakupan("kota"), Periode.dari_kode(kode), kelompok="puskesmas")
    assert [b.nama for b in h.kelompok] == ["Aur Duri", "Pakuan Baru", "Simpang Kawat"]  # never Sekernan (PC)
    assert [b.objek for b in h.kelompok] == [contoh.pa, contoh.pb, contoh.pd]
    assert [b.kunci for b in h.kelompok] == [str(contoh.pa.pk), str(contoh.pb.pk), str(contoh.pd.pk)]
    rows = {b.objek.kode: b for b in h.kelompok}
    if kode == "2025":
        for pkm in ("PA", "PB", "PD"):
            assert not _beda(rows[pkm].nilai, HARAPAN[(pkm, kode)], [i.kode for i in INDIKATOR]), pkm
    else:
        assert not _beda(rows["PA"].nilai, HARAPAN[("PA", kode)], [i.kode for i in INDIKATOR])
        assert tampil(rows["PB"].nilai["persalinan_jumlah"]) == "0"
        assert tampil(rows["PB"].nilai["pn"]) == "–"
        assert tampil(rows["PB"].nilai["keteraturan_pertemuan"]) == "–"   # nothing due in March by PB's plan
        assert tampil(rows["PD"].nilai["keteraturan_pertemuan"]) == "0,00%"
    # The totals are the district's, not the sum of percentages.
    assert not _beda(h.total, HARAPAN[("kota", kode)], [i.kode for i in INDIKATOR])


@pytest.mark.parametrize("kode", ["2025", "2025-03"])
def test_the_puskesmas_table_has_one_row_per_kelurahan(contoh, kode):
    h = hitung(contoh.cakupan("PA"), Periode.dari_kode(kode), kelompok="kelurahan")
    assert [b.nama for b in h.kelompok] == ["Penyengat Rendah", "Teluk Kenali"]
    a1, a2 = h.kelompok
    assert a1.kunci == contoh.a1.kode and a1.objek == contoh.a1
    assert not _beda(a1.nilai, HARAPAN[("a1", kode)], [i.kode for i in INDIKATOR])
    # a2 is the rest of PA, for the counts that add up.
    pa = HARAPAN[("PA", kode)]
    for kode_ind in ("persalinan_jumlah", "lahir_hidup", "lahir_mati", "rujukan_jumlah", "dukun_aktif",
                     "kematian_ibu", "kematian_bayi", "persalinan_bermitra"):
        assert a1.nilai[kode_ind].nilai + a2.nilai[kode_ind].nilai == pa[kode_ind][0], kode_ind
    # Puskesmas-only figures are "–" on each row.
    assert tampil(a2.nilai["keteraturan_pertemuan"]) == "–"
    assert tampil(a2.nilai["dana_belanja"]) == "–"


def test_the_district_per_kelurahan_table_lists_its_kelurahan_only(contoh):
    h = hitung(contoh.cakupan("kota"), Periode.tahun(2025), kelompok="kelurahan")
    assert {b.kunci for b in h.kelompok} == {contoh.a1.kode, contoh.a2.kode, contoh.b1.kode, contoh.b2.kode,
                                            contoh.d1.kode, contoh.d2.kode}
    rows = {b.kunci: b for b in h.kelompok}
    assert not _beda(rows[contoh.a1.kode].nilai, HARAPAN[("a1", "2025")], [i.kode for i in INDIKATOR])
    # b2 has no yearly target: its target-based coverage is "–", not a division error.
    b2 = rows[contoh.b2.kode].nilai
    assert b2["sasaran_bersalin"].nilai is None and tampil(b2["pn_sasaran"]) == "–"
    assert tampil(b2["persalinan_jumlah"]) == "1" and tampil(b2["dukun_sendiri"]) == "1"
    assert sum(b.nilai["persalinan_jumlah"].nilai for b in h.kelompok) == 14


def test_the_monthly_trend_of_a_puskesmas(contoh):
    bulan = Periode.tahun(2025).bulan_bulan()
    rows = tren(contoh.cakupan("PA"), bulan, list(TREN_PA_2025))
    assert [r["periode"] for r in rows] == bulan
    for nama, harapan in TREN_PA_2025.items():
        assert [r[nama] for r in rows] == harapan, nama
    assert sum(TREN_PA_2025["persalinan_jumlah"]) == HARAPAN[("PA", "2025")]["persalinan_jumlah"][0]
    assert sum(TREN_PA_2025["kematian_bayi"]) == HARAPAN[("PA", "2025")]["kematian_bayi"][0]


def test_the_trend_of_the_district_adds_its_puskesmas(contoh):
    bulan = Periode.tahun(2025).bulan_bulan()
    rows = tren(contoh.cakupan("kota"), bulan, ["persalinan_jumlah", "persalinan_dukun_sendiri"])
    # PA as above; PB: Apr Q1, Sep Q2, Nov Q3; PD: Feb S1, May S2.
    assert [r["persalinan_jumlah"] for r in rows] == [1, 1, 4, 1, 1, 1, 0, 1, 1, 1, 1, 1]
    assert [r["persalinan_dukun_sendiri"] for r in rows] == [0, 1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0]
