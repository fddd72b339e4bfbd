"""The synthetic province: proportions, integrity, derived fields, determinism, --hapus and the indicator engine.

One small province (two Puskesmas of West Java, about five years of deliveries) is built once for the module,
on the real Kemendagri regions; each test runs in its own transaction on top of it.
"""

from __future__ import annotations

import datetime as dt
import io
import random

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, F, Q, Sum

from dukun.models import Dukun
from kemitraan.models import Kemitraan, Pertemuan, StatusTindakLanjut, TindakLanjut
from kia.models import (
    PENOLONG_NAKES,
    Bayi,
    Ibu,
    KajianKasus,
    Kehamilan,
    Penolong,
    Persalinan,
    Rujukan,
    Sasaran,
    StatusIbu,
    StatusLahir,
    hpl_naegele,
)
from laporan.hitung import Cakupan, hitung
from laporan.periode import Periode
from puskesmas.models import Bidan, Fasilitas, Kabupaten, Kecamatan, Kelurahan, Provinsi, Puskesmas
from skala.generator import GalatSkala, bangun, hapus, puskesmas_buatan, rentang

SKALA, SEED = 0.0015, 3


@pytest.fixture(scope="module")
def provinsi(django_db_setup, django_db_blocker):
    """West Java's regions and a generated province on them, kept for the module and removed after it."""
    from puskesmas.wilayah import load_wilayah

    with django_db_blocker.unblock():
        load_wilayah(provinsi="32")
        jumlah = bangun(skala=SKALA, seed=SEED, log=lambda _s: None)
        yield jumlah
        hapus(log=lambda _s: None)
        Kelurahan.objects.filter(kabupaten__provinsi="32").delete()
        Kecamatan.objects.filter(kabupaten__provinsi="32").delete()
        Kabupaten.objects.filter(provinsi="32").delete()
        Provinsi.objects.filter(kode="32").delete()


@pytest.fixture
def data(provinsi, db):
    return provinsi


def _sidik_jari() -> list:
    """What the data says, without its primary keys (which a rebuild draws anew)."""
    per_kel = list(
        Persalinan.objects.values("kelurahan", "tanggal__year").order_by("kelurahan", "tanggal__year").annotate(
            n=Count("id"), nakes=Count("id", filter=Q(penolong__in=PENOLONG_NAKES)),
            dukun=Count("id", filter=Q(penolong=Penolong.DUKUN)), tempat=Count("tempat", distinct=True),
            mati=Count("id", filter=Q(status_ibu=StatusIbu.MENINGGAL)),
        )
    )
    bayi = Bayi.objects.aggregate(n=Count("id"), berat=Sum("berat_lahir_gram"), umur=Sum("umur_meninggal_hari"),
                                  kn=Count("id", filter=Q(kn_lengkap=True)))
    lain = [m.objects.count() for m in (Ibu, Kehamilan, Rujukan, KajianKasus, Sasaran, Dukun, Bidan, Kemitraan,
                                        Pertemuan, TindakLanjut, Fasilitas)]
    nama = list(Puskesmas.objects.order_by("kode").values_list("kode", "nama"))
    return [per_kel, bayi, lain, nama]


def test_counts_are_in_plausible_proportions(data):
    pkm = puskesmas_buatan()
    n_pkm, n_kel = pkm.count(), Kelurahan.objects.filter(puskesmas__in=pkm).count()
    assert n_pkm == 2 and 2 <= n_kel <= 30
    assert 8 <= Bidan.objects.filter(puskesmas__in=pkm).count() / n_pkm <= 30
    assert Fasilitas.objects.filter(puskesmas__in=pkm, jenis="rs").count() == n_pkm
    persalinan = Persalinan.objects.filter(puskesmas__in=pkm)
    n = persalinan.count()
    mulai, batas = rentang(None)
    assert n > 2_000
    bayi = Bayi.objects.filter(puskesmas__in=pkm)
    r = bayi.aggregate(n=Count("id"), hidup=Count("id", filter=Q(status_lahir=StatusLahir.LAHIR_HIDUP)),
                       mati=Count("id", filter=Q(status_lahir=StatusLahir.LAHIR_MATI)),
                       bblr=Count("id", filter=Q(status_lahir=StatusLahir.LAHIR_HIDUP, berat_lahir_gram__lt=2500)),
                       neonatal=Count("id", filter=Q(umur_meninggal_hari__lte=28)),
                       dini=Count("id", filter=Q(umur_meninggal_hari__lte=7)),
                       bayi=Count("id", filter=Q(umur_meninggal_hari__gt=28)))
    assert 1.002 <= r["n"] / n <= 1.03  # twins about 1%
    assert r["hidup"] + r["mati"] == r["n"]
    assert 0.002 <= r["mati"] / r["n"] <= 0.03
    assert 0.06 <= r["bblr"] / r["hidup"] <= 0.15
    assert 0.003 <= r["neonatal"] / r["hidup"] <= 0.025 and r["dini"] > r["neonatal"] / 2
    assert r["bayi"] > 0
    assert persalinan.filter(status_ibu=StatusIbu.MENINGGAL).count() / n <= 0.008
    dukun = {
        y: persalinan.filter(tanggal__year=y).aggregate(
            n=Count("id"), d=Count("id", filter=Q(penolong=Penolong.DUKUN)))
        for y in (mulai.year, batas.year)
    }
    awal, akhir = (dukun[y]["d"] / dukun[y]["n"] for y in (mulai.year, batas.year))
    assert 0.08 <= awal <= 0.22 and akhir <= 0.05 and akhir < awal
    assert Kehamilan.objects.filter(puskesmas__in=pkm).count() > 0.9 * n
    assert Rujukan.objects.filter(puskesmas__in=pkm, status="ditolak_keluarga").exclude(alasan_penolakan="").exists()
    assert Sasaran.objects.filter(puskesmas__in=pkm).count() == n_kel * len(range(mulai.year, batas.year + 1))
    tl = TindakLanjut.objects.filter(pertemuan__puskesmas__in=pkm)
    assert tl.filter(status=StatusTindakLanjut.SELESAI, tanggal_ditutup__lte=F("tenggat")).exists()
    assert tl.filter(status=StatusTindakLanjut.SELESAI, tanggal_ditutup__gt=F("tenggat")).exists()
    assert tl.filter(status=StatusTindakLanjut.TERBUKA, tenggat__lt=batas).exists()
    assert Ibu.objects.filter(puskesmas__in=pkm).exclude(nik="").count() == 0


def test_every_record_points_inside_its_puskesmas(data):
    p = Persalinan.objects
    assert not p.exclude(puskesmas=F("kelurahan__puskesmas")).exists()
    assert not p.exclude(puskesmas=F("ibu__puskesmas")).exists()
    assert not p.filter(kehamilan__isnull=False).exclude(kehamilan__ibu=F("ibu")).exists()
    assert not p.filter(bidan__isnull=False).exclude(bidan__puskesmas=F("puskesmas")).exists()
    assert not p.filter(fasilitas__isnull=False).exclude(fasilitas__puskesmas=F("puskesmas")).exists()
    assert not p.filter(dukun__isnull=False).exclude(dukun__kelurahan__puskesmas=F("puskesmas")).exists()
    bermitra = p.filter(kemitraan__isnull=False)
    assert not bermitra.exclude(kemitraan__dukun=F("dukun"), kemitraan__bidan=F("bidan")).exists()
    assert not p.filter(rujukan__isnull=False).exclude(rujukan__ibu=F("ibu")).exists()
    assert not Bayi.objects.exclude(kelurahan=F("persalinan__kelurahan")).exists()
    assert not Bayi.objects.exclude(puskesmas=F("persalinan__puskesmas")).exists()
    assert not Persalinan.objects.annotate(n=Count("bayi")).filter(n=0).exists()
    assert not Kehamilan.objects.exclude(puskesmas=F("ibu__puskesmas")).exists()
    assert not Rujukan.objects.exclude(puskesmas=F("kelurahan__puskesmas")).exists()
    assert not Kemitraan.objects.exclude(puskesmas=F("dukun__kelurahan__puskesmas")).exists()
    assert not Kemitraan.objects.exclude(bidan__puskesmas=F("puskesmas")).exists()
    assert not Bidan.objects.exclude(puskesmas=F("fasilitas__puskesmas")).exists()
    assert not Sasaran.objects.exclude(puskesmas=F("kelurahan__puskesmas")).exists()
    assert not KajianKasus.objects.exclude(puskesmas=F("persalinan__puskesmas")).exists()


def _sampel(qs, n=150):
    ids = list(qs.values_list("pk", flat=True))
    return qs.model.objects.filter(pk__in=random.Random(1).sample(ids, min(n, len(ids))))


def test_derived_fields_equal_what_the_models_compute_and_rows_validate(data):
    for b in _sampel(Bayi.objects.filter(umur_meninggal_hari__isnull=False), 60) | \
            _sampel(Bayi.objects.all(), 60):
        hitung_ulang = Bayi.objects.get(pk=b.pk)
        hitung_ulang.kn1_diterima = hitung_ulang.kn_lengkap = False
        hitung_ulang.umur_meninggal_hari = None
        hitung_ulang.isi_turunan(b.persalinan.tanggal)
        assert (hitung_ulang.kn1_diterima, hitung_ulang.kn_lengkap, hitung_ulang.umur_meninggal_hari) == (
            b.kn1_diterima, b.kn_lengkap, b.umur_meninggal_hari)
        b.full_clean()
    for model in (Persalinan, Kehamilan, Rujukan, Ibu, Dukun, Kemitraan, Pertemuan, TindakLanjut, Bidan):
        for obj in _sampel(model.objects.all(), 25):
            obj.full_clean()
    for k in _sampel(Kehamilan.objects.filter(hpht__isnull=False)):
        assert k.hpl == hpl_naegele(k.hpht)
    for p in _sampel(Persalinan.objects.select_related("ibu", "kelurahan")):
        assert (p.kelurahan_id, p.puskesmas_id) == (p.ibu.kelurahan_id, p.ibu.puskesmas_id)


def test_the_indicator_engine_gives_plausible_figures(data, django_assert_max_num_queries):
    tahun = rentang(None)[1].year - 1
    with django_assert_max_num_queries(40):
        h = hitung(Cakupan("provinsi", "32"), Periode.tahun(tahun))
    assert h.ukuran["persalinan_jumlah"] > 300
    assert 85 <= h.total["pn"].nilai <= 99.9
    assert 75 <= h.total["pf"].nilai <= 99.9
    assert 3 <= h.total["akb"].nilai <= 40
    assert 80 <= h.total["pn_sasaran"].nilai <= 115
    assert h.total["cakupan_kemitraan"].nilai is None or 40 <= h.total["cakupan_kemitraan"].nilai <= 100
    assert h.total["keteraturan_pertemuan"].nilai is not None


def test_same_seed_same_data_and_hapus_removes_it(data):
    sebelum = _sidik_jari()
    with pytest.raises(GalatSkala, match="--hapus"):
        bangun(skala=SKALA, seed=SEED, log=lambda _s: None)
    out = io.StringIO()
    call_command("generate_scale", "--hanya-hapus", stdout=out)
    assert "Dihapus" in out.getvalue()
    assert not puskesmas_buatan().exists()
    assert not Persalinan.objects.exists() and not Dukun.objects.exists() and not Bidan.objects.exists()
    assert not Kelurahan.objects.filter(puskesmas__isnull=False).exists()
    call_command("generate_scale", "--scale", str(SKALA), "--seed", str(SEED), stdout=io.StringIO())
    assert _sidik_jari() == sebelum
    call_command("generate_scale", "--hapus", "--scale", str(SKALA), "--seed", str(SEED + 1), stdout=io.StringIO())
    assert _sidik_jari() != sebelum


def test_command_refuses_without_regions_or_with_a_future_year(db):
    with pytest.raises(CommandError, match="load_wilayah"):
        call_command("generate_scale", "--scale", "0.001", "--provinsi", "11", stdout=io.StringIO())
    with pytest.raises(GalatSkala):
        rentang(dt.date.today().year + 1)
