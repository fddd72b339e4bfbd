"""Figures in Indonesian form (93,70% · 8,7 per 1.000 kelahiran hidup · Rp 1.250.000 · 1.602 · –), and English."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from laporan.hitung import Nilai
from laporan.indikator import INDIKATOR_MAP, Satuan
from laporan.templatetags.laporan_format import angka, format_angka, persen, perubahan, rupiah, tampil


def _nilai(kode: str, nilai) -> Nilai:
    return Nilai(INDIKATOR_MAP[kode], None, None, None if nilai is None else Decimal(nilai))


@pytest.fixture(autouse=True)
def _indonesian():
    with translation.override("id"):
        yield


@pytest.mark.parametrize("kode, nilai, teks", [
    ("pn", "93.70", "93,70%"),
    ("pn", "100", "100,00%"),
    ("pn", "0", "0,00%"),
    ("pn", "1234.5", "1.234,50%"),
    ("akb", "8.7", "8,7 per 1.000 kelahiran hidup"),
    ("akb", "0", "0,0 per 1.000 kelahiran hidup"),
    ("akb", "1250", "1.250,0 per 1.000 kelahiran hidup"),
    ("dana_alokasi", "1250000", "Rp 1.250.000"),
    ("dana_alokasi", "0", "Rp 0"),
    ("jasa_jumlah", "150000", "Rp 150.000"),
    ("persalinan_jumlah", "1602", "1.602"),
    ("persalinan_jumlah", "7", "7"),
    ("persalinan_jumlah", "1234567", "1.234.567"),
    ("sasaran_bersalin", "0.83", "0,83"),
    ("sasaran_bersalin", "1602.50", "1.602,50"),
    ("sasaran_bersalin", "16.00", "16"),
    ("rujukan_waktu_sampai", "45", "45 menit"),
    ("rujukan_waktu_sampai", "0", "0 menit"),
    ("rujukan_waktu_sampai", "60", "1 jam"),
    ("rujukan_waktu_sampai", "68", "1 jam 8 menit"),
    ("rujukan_waktu_sampai", "125", "2 jam 5 menit"),
])
def test_tampil_in_indonesian(kode, nilai, teks):
    assert tampil(_nilai(kode, nilai)) == teks


@pytest.mark.parametrize("kode", ["pn", "akb", "dana_alokasi", "persalinan_jumlah", "rujukan_waktu_sampai"])
def test_no_value_is_a_dash(kode):
    assert tampil(_nilai(kode, None)) == "–"


def test_a_missing_nilai_is_a_dash():
    assert tampil(None) == "–"
    assert format_angka("", Satuan.PERSEN) == "–"
    assert format_angka(None, Satuan.RUPIAH) == "–"


def test_plain_filters():
    assert persen(Decimal("93.7")) == "93,70%"
    assert persen(12.5) == "12,50%"
    assert persen(None) == "–"
    assert rupiah(1250000) == "Rp 1.250.000"
    assert rupiah(Decimal("1250000.00")) == "Rp 1.250.000"
    assert rupiah(None) == "–"
    assert angka(1602) == "1.602"
    assert angka(Decimal("2.5")) == "2,50"
    assert angka(None) == "–"


@pytest.mark.parametrize("kode, kini, lalu, teks", [
    ("pn", "93.70", "92.20", "+1,50 poin"),
    ("pn", "90", "91.5", "−1,50 poin"),
    ("pn", "90", "90", "±0,00 poin"),
    ("akb", "8.7", "10", "−1,3"),
    ("akb", "12", "10", "+2,0"),
    ("persalinan_jumlah", "1602", "1600", "+2"),
    ("persalinan_jumlah", "3", "1605", "−1.602"),
    ("dana_belanja", "1500000", "250000", "+Rp 1.250.000"),
    ("rujukan_waktu_sampai", "45", "60", "−15 menit"),
])
def test_change_from_the_previous_period(kode, kini, lalu, teks):
    assert perubahan(_nilai(kode, kini), _nilai(kode, lalu)) == teks


def test_no_change_is_shown_without_both_values():
    assert perubahan(_nilai("pn", "90"), _nilai("pn", None)) == ""
    assert perubahan(_nilai("pn", None), _nilai("pn", "90")) == ""
    assert perubahan(None, _nilai("pn", "90")) == ""
    assert perubahan(_nilai("pn", "90"), None) == ""


def test_the_template_filters():
    t = Template("{% load laporan_format %}{{ n|tampil }} | {{ x|rupiah }} | {{ y|persen }} | {{ n|perubahan:l }}"
                 " | {{ z|angka }} | {{ kosong|tampil }}")
    out = t.render(Context({"n": _nilai("pn", "93.70"), "l": _nilai("pn", "90"), "x": 1250000, "y": 8.5,
                            "z": 1602, "kosong": _nilai("akb", None)}))
    assert out == "93,70% | Rp 1.250.000 | 8,50% | +3,70 poin | 1.602 | –"


def test_english_formats_numbers_the_english_way():
    with translation.override("en"):
        assert tampil(_nilai("pn", "93.70")) == "93.70%"
        assert tampil(_nilai("dana_alokasi", "1250000")) == "Rp 1,250,000"
        assert tampil(_nilai("persalinan_jumlah", "1602")) == "1,602"
        assert tampil(_nilai("sasaran_bersalin", "0.83")) == "0.83"
        akb = tampil(_nilai("akb", "8.7"))
        assert akb.startswith("8.7 per 1") and "8,7" not in akb
        assert tampil(_nilai("akb", None)) == "–"
        assert perubahan(_nilai("pn", "93.70"), _nilai("pn", "92.20")).startswith("+1.50")
        assert rupiah(1234567) == "Rp 1,234,567"
