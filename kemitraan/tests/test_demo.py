"""The demo's year of partnership activity: realistic, and seeded once."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from kemitraan.models import (
    Kemitraan,
    PengeluaranDana,
    Pertemuan,
    PesertaLintasSektor,
    StatusKemitraan,
    StatusPertemuan,
    TindakLanjut,
)
from puskesmas.models import Puskesmas


@pytest.fixture(autouse=True)
def _tanpa_data_kia(monkeypatch):
    """Mothers and deliveries have their own tests (kia/tests/test_demo.py); seeding them adds ~14 s a test."""
    monkeypatch.setattr("kia.demo.seed_kia", lambda *args, **kwargs: 0)


@pytest.fixture
def demo(db):
    from puskesmas.wilayah import load_wilayah

    load_wilayah(provinsi="15")
    call_command("seed_demo", stdout=io.StringIO())
    return Puskesmas.objects.get(kode="P1571010201")


def test_demo_has_partnerships_active_and_ended(demo):
    qs = Kemitraan.objects.filter(puskesmas=demo)
    assert qs.filter(status=StatusKemitraan.AKTIF).count() >= 5
    assert qs.filter(status=StatusKemitraan.BERAKHIR).count() == 1


def test_demo_meetings_include_one_held_late_one_never_held_and_one_coming(demo):
    meetings = list(Pertemuan.objects.filter(puskesmas=demo))
    held = [m for m in meetings if m.status == StatusPertemuan.TERLAKSANA]
    assert len(held) >= 4
    assert any((m.waktu_pelaksanaan - m.waktu_rencana).days >= 14 for m in held)
    assert sum(1 for m in meetings if m.terlambat) == 1
    assert sum(1 for m in meetings if m.status == StatusPertemuan.DIRENCANAKAN and not m.terlambat) == 1
    assert all(m.kehadiran_dukun.exists() and m.kehadiran_bidan.exists() for m in held)
    assert PesertaLintasSektor.objects.filter(pertemuan__puskesmas=demo, kategori="lurah").exists()


def test_demo_follow_ups_open_closed_and_overdue(demo):
    qs = TindakLanjut.objects.filter(pertemuan__puskesmas=demo)
    assert qs.filter(status="selesai").count() == 2
    assert qs.terlambat().count() == 1
    assert qs.terbuka().count() == 2


def test_demo_records_funds_spending_and_a_training(demo):
    assert demo.anggaran_dana.filter(tahun=timezone.localdate().year).count() == 2
    assert PengeluaranDana.objects.filter(anggaran__puskesmas=demo).count() == 5
    training = demo.pelatihan.get()
    assert training.peserta_dukun.count() == 6


def test_seeding_twice_adds_no_programme_records(demo):
    before = (Pertemuan.objects.count(), Kemitraan.objects.count(), TindakLanjut.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (Pertemuan.objects.count(), Kemitraan.objects.count(), TindakLanjut.objects.count()) == before
