"""`load_wilayah`: the Kemendagri region list (idn-area-data 4.0.1) shipped with the app."""

from __future__ import annotations

import io
import time

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from puskesmas.models import Kabupaten, Kecamatan, Kelurahan, Provinsi
from puskesmas.tests.factories import PuskesmasFactory

# Counted in puskesmas/data/idn-area-data-4.0.1/*.csv.gz.
JAMBI = {"provinsi": 1, "kabupaten": 11, "kecamatan": 144, "kelurahan": 1585}
INDONESIA = {"provinsi": 38, "kabupaten": 514, "kecamatan": 7285, "kelurahan": 83762}


def _load(**options) -> str:
    out = io.StringIO()
    call_command("load_wilayah", stdout=out, **options)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {
        "provinsi": Provinsi.objects.count(),
        "kabupaten": Kabupaten.objects.count(),
        "kecamatan": Kecamatan.objects.count(),
        "kelurahan": Kelurahan.objects.count(),
    }


def test_load_one_province_loads_its_regions(db):
    output = _load(provinsi="15")

    assert _counts() == JAMBI
    assert Provinsi.objects.get().nama == "Jambi"
    assert set(Kabupaten.objects.values_list("kode", flat=True)) == {
        "15.01", "15.02", "15.03", "15.04", "15.05", "15.06", "15.07", "15.08", "15.09", "15.71", "15.72",
    }
    assert Kabupaten.objects.get(pk="15.71").nama == "Kota Jambi"
    assert "kelurahan: 1585 baru, 0 diperbarui" in output
    assert "selesai" in output


@pytest.mark.parametrize(
    ("kode", "nama"),
    [
        ("15.71.01.1010", "Penyengat Rendah"),
        ("15.71.01.1003", "Teluk Kenali"),
        ("15.71.01.1002", "Buluran Kenali"),
    ],
)
def test_load_one_province_names_the_kelurahan_of_aur_duri(db, kode, nama):
    _load(provinsi="15")

    kelurahan = Kelurahan.objects.select_related("kecamatan", "kabupaten").get(pk=kode)
    assert kelurahan.nama == nama
    assert kelurahan.kecamatan_id == "15.71.01"
    assert kelurahan.kabupaten_id == "15.71"
    assert kelurahan.kabupaten.nama == "Kota Jambi"
    assert kelurahan.puskesmas is None


def test_every_kelurahan_has_the_kabupaten_of_its_kecamatan(db):
    _load(provinsi="15")

    assert not Kelurahan.objects.filter(kabupaten__isnull=True).exists()
    assert not Kelurahan.objects.exclude(kabupaten=F("kecamatan__kabupaten")).exists()


def test_load_one_province_loads_nothing_of_other_provinces(db):
    _load(provinsi="15")

    assert not Kabupaten.objects.exclude(provinsi="15").exists()
    assert not Kelurahan.objects.exclude(kode__startswith="15.").exists()


def test_second_run_changes_nothing(db):
    _load(provinsi="15")
    counts = _counts()

    output = _load(provinsi="15")

    assert "tidak ada perubahan" in output
    for level in ("provinsi", "kabupaten", "kecamatan", "kelurahan"):
        assert f"{level}: 0 baru, 0 diperbarui" in output
    assert _counts() == counts


def test_rerun_keeps_wilayah_kerja_assignments(db):
    _load(provinsi="15")
    puskesmas = PuskesmasFactory(kode="P1571010201", nama="Aur Duri", kabupaten=Kabupaten.objects.get(pk="15.71"))
    Kelurahan.objects.filter(pk="15.71.01.1010").update(puskesmas=puskesmas)

    _load(provinsi="15")

    assert Kelurahan.objects.get(pk="15.71.01.1010").puskesmas == puskesmas


def test_rerun_restores_a_name_changed_in_the_database(db):
    _load(provinsi="15")
    Kelurahan.objects.filter(pk="15.71.01.1010").update(nama="Penyengat Tinggi")
    Kabupaten.objects.filter(pk="15.71").update(nama="Kotamadya Jambi")

    output = _load(provinsi="15")

    assert Kelurahan.objects.get(pk="15.71.01.1010").nama == "Penyengat Rendah"
    assert Kabupaten.objects.get(pk="15.71").nama == "Kota Jambi"
    assert "kelurahan: 0 baru, 1 diperbarui" in output
    assert "kabupaten: 0 baru, 1 diperbarui" in output
    assert "selesai" in output


def test_rerun_recreates_a_deleted_kelurahan(db):
    _load(provinsi="15")
    Kelurahan.objects.filter(pk="15.71.01.1002").delete()

    output = _load(provinsi="15")

    assert Kelurahan.objects.get(pk="15.71.01.1002").nama == "Buluran Kenali"
    assert "kelurahan: 1 baru, 0 diperbarui" in output


@pytest.mark.parametrize("kode", ["99", "1", "15.71", "xx"])
def test_unknown_province_code_raises_command_error(db, kode):
    with pytest.raises(CommandError, match="tidak dikenal"):
        _load(provinsi=kode)

    assert _counts() == {"provinsi": 0, "kabupaten": 0, "kecamatan": 0, "kelurahan": 0}


def test_load_whole_country(db):
    """About 5 s on SQLite and on PostgreSQL here, so it runs on both."""
    started = time.perf_counter()
    output = _load()
    elapsed = time.perf_counter() - started

    assert _counts() == INDONESIA
    assert f"kelurahan: {INDONESIA['kelurahan']} baru, 0 diperbarui" in output
    assert Provinsi.objects.get(pk="91").nama == "Papua"
    assert Kelurahan.objects.get(pk="15.71.01.1010").nama == "Penyengat Rendah"
    assert not Kelurahan.objects.exclude(kabupaten=F("kecamatan__kabupaten")).exists()
    print(f"\nload_wilayah, seluruh Indonesia: {elapsed:.1f} s")
