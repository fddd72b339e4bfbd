"""The meeting schedule: plan (with its default), held, overdue and next due, across a year boundary and zones.

Dates are fixed and `today` is passed to the selector: no clock is frozen.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest

from kemitraan.models import JenisPertemuan, StatusPertemuan
from kemitraan.selectors import StatusSlot, jadwal_pertemuan, jadwal_ringkas, jatuh_tempo, rencana_tahun
from kemitraan.tests.factories import PertemuanFactory, RencanaPertemuanFactory
from puskesmas.models import ZonaWaktu
from puskesmas.tests.factories import PuskesmasFactory

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
WIT = zoneinfo.ZoneInfo("Asia/Jayapura")
RUTIN, PEMBINAAN = JenisPertemuan.RUTIN, JenisPertemuan.PEMBINAAN


def held(puskesmas, *args, zone=WIB, jenis=RUTIN, rencana=None):
    """A meeting held at local time `args` (y, m, d[, h, min]) of `zone`."""
    waktu = dt.datetime(*args, tzinfo=zone)
    return PertemuanFactory(puskesmas=puskesmas, jenis=jenis, status=StatusPertemuan.TERLAKSANA,
                            waktu_rencana=rencana or waktu, waktu_pelaksanaan=waktu)


def planned(puskesmas, *args, zone=WIB, jenis=RUTIN, status=StatusPertemuan.DIRENCANAKAN):
    return PertemuanFactory(puskesmas=puskesmas, jenis=jenis, status=status,
                            waktu_rencana=dt.datetime(*args, tzinfo=zone), waktu_pelaksanaan=None)


def baris(jadwal, jenis=RUTIN):
    return next(b for b in jadwal.baris if b.jenis == jenis)


# --- Due dates ---------------------------------------------------------------------------------


def test_four_meetings_a_year_fall_due_at_the_end_of_each_quarter():
    assert jatuh_tempo(2025, 4) == [dt.date(2025, 3, 31), dt.date(2025, 6, 30), dt.date(2025, 9, 30),
                                    dt.date(2025, 12, 31)]


def test_monthly_meetings_fall_due_on_the_last_day_of_each_month_leap_february_included():
    dates = jatuh_tempo(2024, 12)
    assert len(dates) == 12
    assert dates[1] == dt.date(2024, 2, 29)
    assert jatuh_tempo(2025, 12)[1] == dt.date(2025, 2, 28)


@pytest.mark.parametrize("n", [5, 7, 52])
def test_counts_that_do_not_divide_twelve_split_the_year_evenly_and_end_on_31_december(n):
    dates = jatuh_tempo(2025, n)
    assert len(dates) == n
    assert dates == sorted(set(dates))
    assert dates[-1] == dt.date(2025, 12, 31)
    assert all(d.year == 2025 for d in dates)
    gaps = [(b - a).days for a, b in zip([dt.date(2024, 12, 31), *dates], dates, strict=False)]
    assert max(gaps) - min(gaps) <= 1


def test_nothing_planned_has_no_due_date():
    assert jatuh_tempo(2025, 0) == []


# --- The plan and its default -------------------------------------------------------------------


def test_year_without_plan_rows_defaults_to_a_routine_meeting_every_three_months(db):
    p = PuskesmasFactory()
    rencana, eksplisit = rencana_tahun(p, 2025)
    assert eksplisit is False
    assert rencana == {"rutin": 4, "pembinaan": 0, "lokmin": 0, "kajian_kasus": 0}
    jadwal = jadwal_pertemuan(p, 2025, today=dt.date(2025, 1, 5))
    assert [(b.jenis, b.direncanakan) for b in jadwal.baris] == [
        ("rutin", 4), ("pembinaan", 0), ("lokmin", 0), ("kajian_kasus", 0)]
    assert jadwal.rencana_eksplisit is False


def test_one_plan_row_makes_the_plan_explicit_and_other_kinds_zero(db):
    p = PuskesmasFactory()
    RencanaPertemuanFactory(puskesmas=p, tahun=2025, jenis=PEMBINAAN, jumlah=2)
    RencanaPertemuanFactory(puskesmas=p, tahun=2024, jenis=RUTIN, jumlah=12)  # another year: no effect
    rencana, eksplisit = rencana_tahun(p, 2025)
    assert eksplisit is True
    assert rencana == {"rutin": 0, "pembinaan": 2, "lokmin": 0, "kajian_kasus": 0}


def test_plan_of_another_puskesmas_does_not_apply(db):
    p, lain = PuskesmasFactory(), PuskesmasFactory()
    RencanaPertemuanFactory(puskesmas=lain, tahun=2025, jenis=RUTIN, jumlah=12)
    assert rencana_tahun(p, 2025) == ({"rutin": 4, "pembinaan": 0, "lokmin": 0, "kajian_kasus": 0}, False)


# --- Planned vs held and overdue across the year boundary -----------------------------------------


@pytest.fixture
def tahun_berganti(db):
    """Puskesmas (WIB) with the default plan; routine meetings around the turn of 2024/2025."""
    p = PuskesmasFactory(zona_waktu=ZonaWaktu.WIB)
    held(p, 2024, 3, 15, 9)  # Q1 on time
    held(p, 2024, 7, 2, 9)  # Q2 held two days late
    held(p, 2024, 12, 31, 23, 30)  # 16:30 UTC: still 2024 in Jambi
    # Planned for December, held on 1 and 2 January: they count for 2025, the year they were held.
    held(p, 2025, 1, 1, 0, 30, rencana=dt.datetime(2024, 12, 20, 9, tzinfo=WIB))  # 31 Dec 17:30 UTC
    held(p, 2025, 1, 2, 9, rencana=dt.datetime(2024, 12, 20, 9, tzinfo=WIB))
    # Not held: cancelled, or planned and never held.
    planned(p, 2024, 6, 1, 9, status=StatusPertemuan.BATAL)
    planned(p, 2024, 9, 1, 9)
    # Another kind, and another Puskesmas: counted apart / not at all.
    held(p, 2024, 5, 5, 9, jenis=PEMBINAAN)
    held(PuskesmasFactory(), 2024, 6, 15, 9)
    return p


def test_meetings_count_in_the_year_they_were_held_in_local_time(tahun_berganti):
    assert baris(jadwal_pertemuan(tahun_berganti, 2024, today=dt.date(2025, 1, 10))).terlaksana == 3
    assert baris(jadwal_pertemuan(tahun_berganti, 2025, today=dt.date(2025, 1, 10))).terlaksana == 2


def test_overdue_slots_of_the_old_year_after_the_turn(tahun_berganti):
    b = baris(jadwal_pertemuan(tahun_berganti, 2024, today=dt.date(2025, 1, 10)))
    assert b.direncanakan == 4
    assert [s.status for s in b.slot] == [
        StatusSlot.TEPAT,  # 31 Mar: one held by then
        StatusSlot.DIKEJAR,  # 30 Jun: still one by then; made up on 2 July
        StatusSlot.DIKEJAR,  # 30 Sep: two by then; made up on 31 December
        StatusSlot.TERLAMBAT,  # 31 Dec: three by then and the January meetings belong to 2025
    ]
    assert b.terlambat == 3
    assert b.belum_terlaksana == 1
    assert b.jatuh_tempo_berikutnya == dt.date(2024, 12, 31)
    assert b.berikutnya_lewat is True


def test_new_year_starts_clean_with_early_meetings_counted_ahead(tahun_berganti):
    jadwal = jadwal_pertemuan(tahun_berganti, 2025, today=dt.date(2025, 1, 10))
    b = baris(jadwal)
    assert (b.terlaksana, b.terlambat, b.belum_terlaksana) == (2, 0, 0)
    assert [s.status for s in b.slot] == [StatusSlot.TERPENUHI, StatusSlot.TERPENUHI,
                                          StatusSlot.MENDATANG, StatusSlot.MENDATANG]
    assert b.jatuh_tempo_berikutnya == dt.date(2025, 9, 30)
    assert b.berikutnya_lewat is False


def test_before_the_turn_the_last_quarter_is_not_yet_overdue(tahun_berganti):
    b = baris(jadwal_pertemuan(tahun_berganti, 2024, today=dt.date(2024, 12, 31)))
    assert b.terlaksana == 3  # the meeting at 23:30 on 31 December is already counted
    assert b.slot[-1].status == StatusSlot.MENDATANG  # due today: not overdue yet
    assert b.terlambat == 2
    assert b.belum_terlaksana == 0


def test_unplanned_kind_counts_held_but_is_never_overdue(tahun_berganti):
    b = baris(jadwal_pertemuan(tahun_berganti, 2024, today=dt.date(2025, 1, 10)), PEMBINAAN)
    assert (b.direncanakan, b.terlaksana, b.terlambat, b.jatuh_tempo_berikutnya) == (0, 1, 0, None)


def test_totals_sum_every_kind(tahun_berganti):
    jadwal = jadwal_pertemuan(tahun_berganti, 2024, today=dt.date(2025, 1, 10))
    assert (jadwal.direncanakan, jadwal.terlaksana, jadwal.terlambat) == (4, 4, 3)


def test_meeting_held_late_on_the_due_date_itself_is_on_time(db):
    p = PuskesmasFactory(zona_waktu=ZonaWaktu.WIB)
    held(p, 2025, 3, 31, 23, 59)
    held(p, 2025, 7, 1, 0, 1)
    b = baris(jadwal_pertemuan(p, 2025, today=dt.date(2025, 8, 1)))
    assert [s.status for s in b.slot[:2]] == [StatusSlot.TEPAT, StatusSlot.DIKEJAR]


def test_year_boundary_follows_the_puskesmas_time_zone(db):
    """31 December 16:00 UTC is 23:00 in Jambi (WIB) but 01:00 on 1 January in Jayapura (WIT)."""
    instant = dt.datetime(2024, 12, 31, 16, tzinfo=dt.UTC)
    wib = PuskesmasFactory(zona_waktu=ZonaWaktu.WIB)
    wit = PuskesmasFactory(zona_waktu=ZonaWaktu.WIT)
    for p in (wib, wit):
        PertemuanFactory(puskesmas=p, status=StatusPertemuan.TERLAKSANA, waktu_rencana=instant,
                         waktu_pelaksanaan=instant)
    today = dt.date(2025, 1, 10)
    assert baris(jadwal_pertemuan(wib, 2024, today=today)).terlaksana == 1
    assert baris(jadwal_pertemuan(wib, 2025, today=today)).terlaksana == 0
    assert baris(jadwal_pertemuan(wit, 2024, today=today)).terlaksana == 0
    assert baris(jadwal_pertemuan(wit, 2025, today=today)).terlaksana == 1


def test_monthly_plan_mid_year(db):
    p = PuskesmasFactory(zona_waktu=ZonaWaktu.WIB)
    RencanaPertemuanFactory(puskesmas=p, tahun=2025, jenis=RUTIN, jumlah=12)
    for month in (1, 2, 4):
        held(p, 2025, month, 10, 9)
    b = baris(jadwal_pertemuan(p, 2025, today=dt.date(2025, 6, 15)))
    # Due by 15 June: Jan–May (5). Held by then: 1 (Jan), 2 (Feb), 2 (Mar: missed), 3 (Apr), 3 (May: missed).
    assert [s.status for s in b.slot[:6]] == [
        StatusSlot.TEPAT, StatusSlot.TEPAT, StatusSlot.DIKEJAR, StatusSlot.TERLAMBAT, StatusSlot.TERLAMBAT,
        StatusSlot.MENDATANG,
    ]
    assert (b.terlaksana, b.terlambat, b.belum_terlaksana) == (3, 3, 2)
    assert b.jatuh_tempo_berikutnya == dt.date(2025, 4, 30)
    assert b.berikutnya_lewat is True
    assert b.persen == 25


def test_next_scheduled_meeting_is_the_first_planned_from_today_in_the_year(db):
    p = PuskesmasFactory(zona_waktu=ZonaWaktu.WIB)
    planned(p, 2025, 1, 5, 9)  # past and never held: not "next"
    planned(p, 2025, 2, 20, 9)
    planned(p, 2025, 2, 10, 9)
    planned(p, 2025, 2, 1, 9, status=StatusPertemuan.BATAL)
    planned(p, 2026, 1, 3, 9)  # next year
    b = baris(jadwal_pertemuan(p, 2025, today=dt.date(2025, 1, 10)))
    assert b.rencana_berikutnya == dt.datetime(2025, 2, 10, 9, tzinfo=WIB)
    assert b.terlaksana == 0
    assert baris(jadwal_pertemuan(p, 2024, today=dt.date(2025, 1, 10))).rencana_berikutnya is None


def test_schedule_counts_in_two_queries_whatever_the_number_of_meetings(db, django_assert_num_queries):
    p = PuskesmasFactory(zona_waktu=ZonaWaktu.WIB)
    RencanaPertemuanFactory(puskesmas=p, tahun=2025, jenis=RUTIN, jumlah=52)
    RencanaPertemuanFactory(puskesmas=p, tahun=2025, jenis=PEMBINAAN, jumlah=5)
    for offset in range(0, 120, 3):  # every third day from 1 January to 28 April: 40 meetings
        day = dt.date(2025, 1, 1) + dt.timedelta(days=offset)
        held(p, day.year, day.month, day.day, 9)
    with django_assert_num_queries(2):
        jadwal = jadwal_pertemuan(p, 2025, today=dt.date(2025, 6, 1))
    b = baris(jadwal)
    assert b.terlaksana == 40
    # 21 weekly slots due before 1 June (the last on 28 May); meetings every third day kept ahead of them.
    due = [s for s in b.slot if s.jatuh_tempo < dt.date(2025, 6, 1)]
    assert len(due) == 21
    assert {s.status for s in due} == {StatusSlot.TEPAT}
    assert (b.terlambat, b.belum_terlaksana) == (0, 0)
    assert baris(jadwal, PEMBINAAN).direncanakan == 5


def test_jadwal_ringkas_is_this_year_of_the_puskesmas(db):
    p = PuskesmasFactory(zona_waktu=ZonaWaktu.WIB)
    held(p, 2025, 2, 3, 9)
    j = jadwal_ringkas(p, today=dt.date(2025, 5, 1))
    assert (j.tahun, j.terlaksana, j.direncanakan, j.terlambat) == (2025, 1, 4, 0)
    assert j.berikutnya.jenis == RUTIN
    assert j.berikutnya.jatuh_tempo_berikutnya == dt.date(2025, 6, 30)


def test_jadwal_ringkas_partial_renders_this_years_counts_and_next_due(db):
    from django.template.loader import render_to_string
    from django.utils import translation

    p = PuskesmasFactory(zona_waktu=ZonaWaktu.WIB)
    held(p, 2025, 2, 3, 9)
    with translation.override("id"):
        html = render_to_string("kemitraan/partials/jadwal_ringkas.html",
                                {"jadwal_ringkas": jadwal_ringkas(p, today=dt.date(2025, 8, 1))})
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "Jadwal pertemuan 2025" in text
    assert "Pertemuan rutin kemitraan: 1 dari 4 terlaksana · 1 terlambat" in text
    assert "Jatuh tempo berikutnya: Pertemuan rutin kemitraan, 30 Juni 2025 (lewat)" in text
    assert f"?puskesmas={p.pk}&amp;tahun=2025" in html
