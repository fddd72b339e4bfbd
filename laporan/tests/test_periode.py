"""Reporting periods: codes for URLs, labels in Indonesian and English, arithmetic."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from django.utils import translation

from laporan.periode import Periode, PeriodeTidakValid, bulan_lalu, dua_belas_bulan_sampai

D = dt.date


@pytest.mark.parametrize("kode, mulai, selesai, jenis", [
    ("2026-11", D(2026, 11, 1), D(2026, 11, 30), "bulan"),
    ("2024-02", D(2024, 2, 1), D(2024, 2, 29), "bulan"),
    ("2025-02", D(2025, 2, 1), D(2025, 2, 28), "bulan"),
    ("2026-T3", D(2026, 7, 1), D(2026, 9, 30), "triwulan"),
    ("2026-T4", D(2026, 10, 1), D(2026, 12, 31), "triwulan"),
    ("2026", D(2026, 1, 1), D(2026, 12, 31), "tahun"),
    ("2026-01-05_2026-02-10", D(2026, 1, 5), D(2026, 2, 10), "rentang"),
    ("2026-03-01_2026-03-01", D(2026, 3, 1), D(2026, 3, 1), "rentang"),
])
def test_codes_round_trip(kode, mulai, selesai, jenis):
    p = Periode.dari_kode(kode)
    assert (p.mulai, p.selesai, p.jenis) == (mulai, selesai, jenis)
    assert p.kode == kode
    assert Periode.dari_kode(p.kode) == p


@pytest.mark.parametrize("kode, baku", [("2026-t3", "2026-T3"), ("2026-Q3", "2026-T3"), (" 2026-11 ", "2026-11")])
def test_lenient_spellings_give_the_canonical_code(kode, baku):
    assert Periode.dari_kode(kode).kode == baku


@pytest.mark.parametrize("kode", [
    "", None, "2026-13", "2026-00", "2026-T5", "2026-T0", "26", "2026-1", "November 2026", "2026-02-30_2026-03-01",
    "2026-03-01_2026-02-01", "1999", "2101-01", "2026-01-01_2101-01-01", "2026/11", "2026-11-01",
])
def test_invalid_codes_are_refused_with_an_indonesian_message(kode):
    with pytest.raises(PeriodeTidakValid) as exc:
        Periode.dari_kode(kode)
    assert str(exc.value)
    assert isinstance(exc.value, ValueError)


def test_messages_name_the_fault():
    with pytest.raises(PeriodeTidakValid, match="tidak boleh sebelum"):
        Periode.dari_kode("2026-03-01_2026-02-01")
    with pytest.raises(PeriodeTidakValid, match="2000 dan 2100"):
        Periode.dari_kode("1999")
    with pytest.raises(PeriodeTidakValid, match="Periode tidak dikenal"):
        Periode.dari_kode("2026-13")


def test_labels_in_indonesian():
    with translation.override("id"):
        assert Periode.bulan(2026, 11).label == "November 2026"
        assert Periode.bulan(2026, 2).label == "Februari 2026"
        assert str(Periode.bulan(2025, 8)) == "Agustus 2025"
        assert Periode.triwulan(2026, 3).label == "Triwulan III 2026"
        assert Periode.tahun(2026).label == "2026"
        assert Periode.rentang(D(2026, 1, 5), D(2026, 2, 10)).label == "5 Januari 2026 – 10 Februari 2026"


def test_labels_in_english():
    with translation.override("en"):
        assert Periode.bulan(2026, 2).label == "February 2026"
        assert Periode.rentang(D(2026, 1, 5), D(2026, 2, 10)).label == "5 January 2026 – 10 February 2026"
        assert Periode.triwulan(2026, 1).label.endswith("I 2026")


@pytest.mark.parametrize("kode, sebelumnya", [
    ("2026-11", "2026-10"),
    ("2026-01", "2025-12"),
    ("2024-03", "2024-02"),
    ("2026-T1", "2025-T4"),
    ("2026-T3", "2026-T2"),
    ("2026", "2025"),
    ("2026-01-05_2026-02-10", "2025-11-29_2026-01-04"),   # the same 37 days, just before
    ("2026-03-01_2026-03-01", "2026-02-28_2026-02-28"),
])
def test_previous_period(kode, sebelumnya):
    p = Periode.dari_kode(kode)
    lalu = p.sebelumnya()
    assert lalu.kode == sebelumnya
    assert lalu.jenis == p.jenis
    assert lalu.selesai == p.mulai - dt.timedelta(days=1)
    if p.jenis == "rentang":
        assert lalu.hari == p.hari


def test_days_and_whole_months():
    assert Periode.bulan(2024, 2).hari == 29
    assert Periode.tahun(2024).hari == 366
    assert Periode.tahun(2025).bulan_utuh and Periode.triwulan(2025, 2).bulan_utuh
    assert Periode.rentang(D(2025, 11, 1), D(2026, 2, 28)).bulan_utuh
    assert not Periode.rentang(D(2025, 11, 2), D(2026, 2, 28)).bulan_utuh
    assert not Periode.rentang(D(2025, 11, 1), D(2026, 2, 27)).bulan_utuh


def test_months_of_a_period():
    assert [p.kode for p in Periode.triwulan(2025, 4).bulan_bulan()] == ["2025-10", "2025-11", "2025-12"]
    assert [p.kode for p in Periode.rentang(D(2025, 12, 20), D(2026, 1, 3)).bulan_bulan()] == ["2025-12", "2026-01"]
    assert len(Periode.tahun(2025).bulan_bulan()) == 12
    assert Periode.bulan(2025, 3).bulan_bulan() == [Periode.bulan(2025, 3)]
    assert Periode.rentang(D(2025, 12, 20), D(2026, 1, 3)).tahun_tahun() == [2025, 2026]


@pytest.mark.parametrize("periode, tahun, fraksi", [
    (Periode.bulan(2025, 3), 2025, Fraction(1, 12)),
    (Periode.bulan(2025, 3), 2024, Fraction(0)),
    (Periode.triwulan(2025, 2), 2025, Fraction(3, 12)),
    (Periode.tahun(2025), 2025, Fraction(1)),
    (Periode.rentang(D(2025, 11, 1), D(2026, 2, 28)), 2025, Fraction(2, 12)),   # whole months: twelfths
    (Periode.rentang(D(2025, 11, 1), D(2026, 2, 28)), 2026, Fraction(2, 12)),
    (Periode.rentang(D(2025, 3, 10), D(2025, 3, 19)), 2025, Fraction(10, 365)),  # other ranges: days
    (Periode.rentang(D(2024, 12, 15), D(2025, 1, 15)), 2024, Fraction(17, 366)),
    (Periode.rentang(D(2024, 12, 15), D(2025, 1, 15)), 2025, Fraction(15, 365)),
])
def test_share_of_the_yearly_target(periode, tahun, fraksi):
    assert periode.fraksi_tahun(tahun) == fraksi


def test_the_twelve_months_of_a_year_add_up_to_the_year():
    assert sum(p.fraksi_tahun(2025) for p in Periode.tahun(2025).bulan_bulan()) == 1


def test_last_month_and_the_trend_window():
    assert bulan_lalu(D(2026, 1, 15)).kode == "2025-12"
    assert bulan_lalu(D(2026, 3, 1)).kode == "2026-02"
    w = dua_belas_bulan_sampai(Periode.bulan(2026, 3))
    assert [p.kode for p in (w[0], w[-1])] == ["2025-04", "2026-03"] and len(w) == 12
    assert dua_belas_bulan_sampai(Periode.tahun(2025)) == Periode.tahun(2025).bulan_bulan()


def test_periods_are_values():
    assert Periode.bulan(2025, 3) == Periode.dari_kode("2025-03")
    assert len({Periode.bulan(2025, 3), Periode.dari_kode("2025-03")}) == 1
    with pytest.raises(PeriodeTidakValid):
        Periode.rentang(D(2025, 3, 2), D(2025, 3, 1))
