"""The indicator engine's rules: zero denominators, Puskesmas-only figures, scope, fixed query counts.

The figures of the worked example are checked one by one in test_hitung_contoh.py.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dukun.tests.factories import DukunFactory
from kemitraan.models import StatusTindakLanjut
from kemitraan.tests.factories import (
    AnggaranDanaFactory,
    KemitraanFactory,
    PelatihanFactory,
    PemberianKitFactory,
    PengeluaranDanaFactory,
    PertemuanFactory,
    PesertaLintasSektorFactory,
    TindakLanjutFactory,
)
from kia.models import StatusRujukan
from kia.tests.factories import BayiFactory, IbuFactory, PersalinanFactory, RujukanFactory, SasaranFactory
from laporan.hitung import TANPA_NOL, UKURAN_PUSKESMAS_SAJA, Cakupan, hitung, tren
from laporan.indikator import INDIKATOR, Satuan
from laporan.periode import Periode
from laporan.templatetags.laporan_format import tampil
from laporan.tests.contoh import HARAPAN, buat_contoh
from puskesmas.tests.factories import (
    BidanFactory,
    FasilitasFactory,
    KabupatenFactory,
    KecamatanFactory,
    KelurahanFactory,
    ProvinsiFactory,
    PuskesmasFactory,
)

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
MARET = Periode.bulan(2025, 3)
TAHUN = Periode.tahun(2025)


@pytest.fixture
def contoh(cast):
    return buat_contoh(cast)


# --- Zero denominators -----------------------------------------------------------------------------


def test_an_empty_puskesmas_shows_a_dash_for_every_ratio_and_zero_for_counts(db):
    kab = KabupatenFactory(kode="16.01", nama="Kosong", provinsi=ProvinsiFactory(kode="16", nama="Sumsel"))
    pkm = PuskesmasFactory(kode="PE", nama="Kosong", kabupaten=kab)
    h = hitung(Cakupan.dari(pkm), MARET, kelompok="kelurahan")
    assert h.kelompok == []
    for ind in INDIKATOR:
        n = h.total[ind.kode]
        if ind.kode == "keteraturan_pertemuan":
            # The default plan still asks for a meeting due 31 March: 0 of 1 held.
            assert (n.pembilang, n.penyebut, tampil(n)) == (0, 1, "0,00%")
        elif ind.rasio or ind.pembilang in TANPA_NOL:
            assert n.nilai is None and tampil(n) == "–", ind.kode
        elif ind.satuan == Satuan.RUPIAH:
            assert tampil(n) == "Rp 0", ind.kode
        elif ind.kode == "pertemuan_rencana":
            assert tampil(n) == "1"
        else:
            assert tampil(n) == "0", ind.kode
        assert n.status in (None, "baik", "kurang", "cukup")
    assert h.total["pn"].status is None and h.total["akb"].status is None


def test_a_kelurahan_with_nothing_recorded(cast):
    h = hitung(Cakupan.dari(cast.w.a2), MARET)
    for kode in ("pn", "pf", "akb", "akn", "bblr", "kn_lengkap", "cakupan_kemitraan", "rujukan_sampai",
                 "jasa_dibayar", "pn_sasaran", "kn_lengkap_sasaran", "dukun_terlatih"):
        assert h.total[kode].nilai is None and tampil(h.total[kode]) == "–", kode
    assert tampil(h.total["rujukan_waktu_sampai"]) == "–"
    assert tampil(h.total["sasaran_bersalin"]) == "–"   # no target recorded: not 0
    assert tampil(h.total["persalinan_jumlah"]) == "0"
    assert tampil(h.total["bidan_jumlah"]) == "1"        # the cast's bidan_a2 serves a2


def test_a_zero_denominator_in_the_example_is_a_dash_not_an_error(contoh):
    pd = hitung(contoh.cakupan("PD"), TAHUN)
    assert tampil(pd.total["dana_serapan"]) == "–"              # nothing allocated
    assert tampil(pd.total["tindak_lanjut_tepat_waktu"]) == "–"  # nothing due
    assert tampil(pd.total["rujukan_waktu_sampai"]) == "–"
    assert tampil(pd.total["akb"]) == "0,0 per 1.000 kelahiran hidup"  # live births, no death: a real zero


# --- Puskesmas-only measures -----------------------------------------------------------------------


def _puskesmas_saja(ind) -> bool:
    return ind.pembilang in UKURAN_PUSKESMAS_SAJA or (ind.penyebut or "") in UKURAN_PUSKESMAS_SAJA


def test_puskesmas_only_measures_are_the_sources_without_a_kelurahan():
    assert {"dana_alokasi", "dana_belanja", "sarana_buku_pedoman", "pertemuan_terlaksana", "pertemuan_rencana",
            "tl_terlambat", "lintas_sektor_hadir", "pelatihan_jumlah", "penghargaan"} <= UKURAN_PUSKESMAS_SAJA
    assert not {"persalinan_jumlah", "dukun_aktif", "bidan_jumlah", "kit_diberikan", "rujukan_jumlah",
                "lahir_hidup", "sasaran_bersalin", "dukun_hadir"} & UKURAN_PUSKESMAS_SAJA


@pytest.mark.parametrize("periode", [MARET, TAHUN], ids=["bulan", "tahun"])
def test_puskesmas_only_indicators_are_a_dash_for_a_kelurahan_and_figures_for_its_puskesmas(contoh, periode):
    kel = hitung(contoh.cakupan("a1"), periode)
    pkm = hitung(contoh.cakupan("PA"), periode)
    hanya = [i for i in INDIKATOR if _puskesmas_saja(i)]
    assert len(hanya) > 20
    for ind in hanya:
        assert kel.total[ind.kode].nilai is None and tampil(kel.total[ind.kode]) == "–", ind.kode
        assert tampil(kel.sebelumnya[ind.kode]) == "–", ind.kode
    for ind in hanya:
        if ind.kode not in ("pelatihan_jumlah", "pelatihan_peserta_dukun", "penghargaan"):
            assert pkm.total[ind.kode].nilai is not None, ind.kode
    # Everything else has a figure at the kelurahan (a1 has data of every other kind).
    for ind in INDIKATOR:
        if not _puskesmas_saja(ind) and not (periode == MARET and ind.kode == "jasa_dibayar"):
            assert kel.total[ind.kode].nilai is not None, ind.kode


# --- Scope: another district never leaks in --------------------------------------------------------


def test_another_district_never_counts_in_kota_jambi(contoh):
    kota = hitung(contoh.cakupan("kota"), TAHUN, kelompok="puskesmas")
    rows = {b.objek.kode: b for b in kota.kelompok}
    assert set(rows) == {"PA", "PB", "PD"}
    for ind in INDIKATOR:
        if ind.satuan in (Satuan.JUMLAH, Satuan.RUPIAH) and not ind.rasio and ind.pembilang not in TANPA_NOL:
            jumlah = sum(rows[p].nilai[ind.kode].nilai for p in rows)
            assert kota.total[ind.kode].nilai == jumlah, ind.kode


def test_the_other_district_has_its_own_figures(contoh):
    h = hitung(Cakupan.dari(contoh.muaro), TAHUN, kelompok="puskesmas")
    assert [b.objek for b in h.kelompok] == [contoh.pc]
    t = {k: tampil(v) for k, v in h.total.items()}
    assert t["persalinan_jumlah"] == "2" and t["lahir_hidup"] == "3" and t["kematian_ibu"] == "1"
    assert t["kematian_neonatal"] == "1" and t["dukun_sendiri"] == "1" and t["rujukan_jumlah"] == "1"
    assert t["dukun_aktif"] == "1" and t["cakupan_kemitraan"] == "100,00%" and t["bidan_jumlah"] == "1"
    assert t["dana_alokasi"] == "Rp 9.000.000" and t["dana_belanja"] == "Rp 800.000"
    assert t["pertemuan_terlaksana"] == "1" and t["tindak_lanjut_terlambat"] == "1"
    assert t["sasaran_bersalin"] == "100" and t["rujukan_waktu_sampai"] == "5 menit"


def test_the_province_is_both_districts(contoh):
    prov = hitung(Cakupan.dari(contoh.w.provinsi), TAHUN)
    kota = HARAPAN[("kota", "2025")]
    assert prov.total["persalinan_jumlah"].nilai == kota["persalinan_jumlah"][0] + 2
    assert prov.total["kematian_ibu"].nilai == kota["kematian_ibu"][0] + 1
    assert prov.total["pertemuan_rencana"].nilai == kota["pertemuan_rencana"][0] + 4
    assert prov.total["dana_alokasi"].nilai == kota["dana_alokasi"][0] + 9_000_000


def test_a_kelurahan_of_another_puskesmas_is_not_in_a_puskesmas_table(contoh):
    h = hitung(contoh.cakupan("PB"), TAHUN, kelompok="kelurahan")
    assert [b.objek for b in h.kelompok] == [contoh.b1, contoh.b2]


def test_an_unknown_scope_level_is_refused():
    with pytest.raises(ValueError):
        Cakupan("desa", "1")
    with pytest.raises(TypeError):
        Cakupan.dari(object())
    assert Cakupan("puskesmas", 7).kode == "7"


# --- Deaths counted when they happen ---------------------------------------------------------------


def test_a_mother_who_dies_the_month_after_delivery_counts_in_the_month_she_died(cast):
    from kia import services

    ibu = IbuFactory(kelurahan=cast.w.a1)
    services.persalinan_create(
        ibu=ibu, dicatat_oleh=None, bayi=[{"berat_lahir_gram": 3000}], tanggal=dt.date(2025, 1, 30),
        tempat="puskesmas", penolong="bidan", bidan=cast.profil_bidan_a, fasilitas=cast.induk_a,
        status_ibu="meninggal", tanggal_meninggal_ibu=dt.date(2025, 2, 2), sebab_kematian_ibu="perdarahan",
    )
    pa = Cakupan.dari(cast.w.puskesmas_a)
    jan, feb = hitung(pa, Periode.bulan(2025, 1)), hitung(pa, Periode.bulan(2025, 2))
    assert (tampil(jan.total["persalinan_jumlah"]), tampil(jan.total["kematian_ibu"])) == ("1", "0")
    assert (tampil(feb.total["persalinan_jumlah"]), tampil(feb.total["kematian_ibu"])) == ("0", "1")
    assert tampil(feb.sebelumnya["kematian_ibu"]) == "0"
    assert tampil(hitung(pa, Periode.triwulan(2025, 1)).total["kematian_ibu"]) == "1"


def test_a_date_range_and_a_quarter(contoh):
    pa = contoh.cakupan("PA")
    q1 = hitung(pa, Periode.triwulan(2025, 1))
    # Jan P7, Mar P1–P4; targets 10 × 3/12 = 2,50.
    assert tampil(q1.total["persalinan_jumlah"]) == "5"
    assert tampil(q1.total["sasaran_bersalin"]) == "2,50"
    assert tampil(q1.total["pn_sasaran"]) == "160,00%"   # P7, P1, P3, P4 / 2,50
    assert tampil(q1.total["pertemuan_rencana"]) == "1"
    # Q4 2024 is the previous quarter: P9 only.
    assert tampil(q1.sebelumnya["persalinan_jumlah"]) == "1"
    # A range across the year end: P9 (20 Dec 2024) and P7 (10 Jan 2025); deaths: P9's baby on 5 Jan.
    r = hitung(pa, Periode.rentang(dt.date(2024, 12, 15), dt.date(2025, 1, 15)))
    assert tampil(r.total["persalinan_jumlah"]) == "2"
    assert tampil(r.total["kematian_neonatal"]) == "1"
    # Targets by days: a1's 2024 target 12 × 17/366 (a leap year) + 2025's (a1 3 + a2 7) × 15/365
    # = 0,5574 + 0,4110 = 0,9683 → 0,97.
    assert tampil(r.total["sasaran_bersalin"]) == "0,97"


# --- Fixed number of queries -------------------------------------------------------------------------


def _isi(kab, kec, n: int, mulai: int = 0) -> None:
    """n Puskesmas of `kab`, each with two kelurahan and a few records of every source."""
    for i in range(mulai, mulai + n):
        pkm = PuskesmasFactory(kode=f"Q{i:03d}", nama=f"Puskesmas {i:03d}", kabupaten=kab)
        kel = [KelurahanFactory(kode=f"{kec.kode}.{1000 + 2 * i + j}", kecamatan=kec, puskesmas=pkm)
               for j in range(2)]
        fas = FasilitasFactory(puskesmas=pkm, kelurahan=kel[0])
        bidan = BidanFactory(fasilitas=fas, kelurahan_layanan=kel, kelurahan_domisili=kel[0])
        dukun = DukunFactory(kelurahan=kel[1], dikenal_oleh=[bidan])
        KemitraanFactory(bidan=bidan, dukun=dukun, tanggal_mulai=dt.date(2024, 1, 1))
        p = PersalinanFactory(ibu=IbuFactory(kelurahan=kel[0]), tanggal=dt.date(2025, 3, 2 + i % 20), bidan=bidan)
        BayiFactory(persalinan=p, berat_lahir_gram=2400)
        RujukanFactory(ibu=IbuFactory(kelurahan=kel[1]), dukun=dukun, status=StatusRujukan.DITERIMA,
                       waktu_rujuk=dt.datetime(2025, 3, 5, 8, tzinfo=WIB),
                       waktu_diterima=dt.datetime(2025, 3, 5, 9, i % 50, tzinfo=WIB))
        m = PertemuanFactory(puskesmas=pkm, waktu_rencana=dt.datetime(2025, 3, 10, 9, tzinfo=WIB))
        PesertaLintasSektorFactory(pertemuan=m)
        TindakLanjutFactory(pertemuan=m, tenggat=dt.date(2025, 3, 20))
        for k in kel:
            SasaranFactory(kelurahan=k, tahun=2025)
        a = AnggaranDanaFactory(puskesmas=pkm, tahun=2025)
        PengeluaranDanaFactory(anggaran=a, tanggal=dt.date(2025, 3, 11))
        PemberianKitFactory(dukun=dukun, tanggal=dt.date(2025, 3, 12))
        PelatihanFactory(puskesmas=pkm, tanggal=dt.date(2025, 3, 13)).peserta_dukun.set([dukun])


def _hitung_semua(cakupan):
    hitung(cakupan, MARET)
    hitung(cakupan, MARET, kelompok="puskesmas")
    hitung(cakupan, MARET, kelompok="kelurahan")
    tren(cakupan, TAHUN.bulan_bulan(), ["persalinan_jumlah", "persalinan_dukun_sendiri", "pertemuan_rencana",
                                        "rujukan_median_menit", "kematian_bayi"])


@pytest.mark.parametrize("panggil", [
    lambda c: hitung(c, MARET),
    lambda c: hitung(c, MARET, kelompok="puskesmas"),
    lambda c: hitung(c, MARET, kelompok="kelurahan"),
    lambda c: hitung(c, TAHUN, kelompok="kelurahan", pembanding=False),
    lambda c: tren(c, TAHUN.bulan_bulan(), ["persalinan_jumlah", "persalinan_dukun_sendiri",
                                            "persalinan_penolong_bidan"]),
    lambda c: tren(c, TAHUN.bulan_bulan(), ["pertemuan_rencana", "pertemuan_terlaksana", "rujukan_median_menit",
                                            "kematian_bayi", "dukun_aktif", "sasaran_bersalin"]),
], ids=["total", "per-puskesmas", "per-kelurahan", "tahun-tanpa-pembanding", "tren-persalinan", "tren-campur"])
def test_queries_are_the_same_for_1_and_30_puskesmas(db, django_assert_num_queries, panggil):
    prov = ProvinsiFactory(kode="17", nama="Bengkulu")
    kab = KabupatenFactory(kode="17.71", nama="Kota Bengkulu", provinsi=prov)
    kec = KecamatanFactory(kode="17.71.01", kabupaten=kab)
    cakupan = Cakupan.dari(kab)
    _isi(kab, kec, 1)
    _hitung_semua(cakupan)  # warm caches (content types, translations, due dates)
    with CaptureQueriesContext(connection) as satu:
        panggil(cakupan)
    _isi(kab, kec, 29, mulai=1)
    with django_assert_num_queries(len(satu.captured_queries)):
        hasil = panggil(cakupan)
    if isinstance(hasil, list):
        assert sum(r.get("persalinan_jumlah", 0) for r in hasil) in (0, 30)
    else:
        assert hasil.total["persalinan_jumlah"].nilai == 30
        assert len(hasil.kelompok) in (0, 30, 60)


def test_the_query_count_does_not_depend_on_the_scope_level(contoh, django_assert_max_num_queries):
    for nama in ("PA", "kota"):
        with django_assert_max_num_queries(3):  # the zone, one statement for every source, the kelurahan
            hitung(contoh.cakupan(nama), TAHUN, kelompok="kelurahan")
    with django_assert_max_num_queries(2):  # the scope's zone, then one query for both measures
        tren(contoh.cakupan("PA"), TAHUN.bulan_bulan(), ["persalinan_jumlah", "persalinan_dukun_sendiri"])


# --- Engine findings (fixed; kept as regression tests) ---------------------------------------------


def test_an_agreement_ending_on_the_last_day_of_the_period_still_counts_that_period(contoh):
    # da3's agreement ends 30 June 2025: in force all of June; da1 and da2 (from 1 April) too.
    h = hitung(contoh.cakupan("PA"), Periode.bulan(2025, 6))
    assert tampil(h.total["cakupan_kemitraan"]) == "100,00%"


def test_a_follow_up_cancelled_after_the_period_was_overdue_at_its_end(cast):
    m = PertemuanFactory(puskesmas=cast.w.puskesmas_a, waktu_rencana=dt.datetime(2025, 4, 2, 9, tzinfo=WIB))
    TindakLanjutFactory(pertemuan=m, tenggat=dt.date(2025, 4, 15), status=StatusTindakLanjut.BATAL,
                        tanggal_ditutup=dt.date(2025, 5, 10), catatan_penutupan="Tidak diperlukan lagi.")
    h = hitung(Cakupan.dari(cast.w.puskesmas_a), Periode.bulan(2025, 4))
    assert tampil(h.total["tindak_lanjut_terlambat"]) == "1"


def test_a_kelurahan_scope_can_be_grouped_by_kelurahan(contoh):
    h = hitung(contoh.cakupan("a1"), TAHUN, kelompok="kelurahan")
    assert [b.objek for b in h.kelompok] == [contoh.a1]
    assert not [k for k, (v, _t) in HARAPAN[("a1", "2025")].items() if h.kelompok[0].nilai[k].nilai != v]


def test_the_puskesmas_of_a_kelurahan_scope(contoh):
    assert list(contoh.cakupan("a1").puskesmas_qs()) == [contoh.pa]


def test_the_trend_keeps_no_data_apart_from_zero(contoh):
    rows = tren(contoh.cakupan("PA"), TAHUN.bulan_bulan(), ["rujukan_median_menit", "persalinan_jumlah"])
    februari = rows[1]
    assert februari["persalinan_jumlah"] == 0
    assert februari["rujukan_median_menit"] is None


# --- One statement for every source (hitung.jalankan) ----------------------------------------------


@pytest.mark.parametrize("kelompok", [None, "puskesmas", "kelurahan"])
def test_the_single_statement_reads_exactly_what_each_query_reads(contoh, kelompok):
    """Values AND types: the JSON transport must give what Django gives (Decimal sums, durations, ints)."""
    from laporan import hitung as mesin

    cakupan, periode = contoh.cakupan("kota"), [TAHUN, Periode.bulan(2025, 3)]
    with timezone.override(cakupan.zona()):
        bacaan = [mesin._bacaan_sumber(s, cakupan, periode, kelompok) for s in [*mesin.SUMBER_MENTAH, *mesin.SUMBER]]
        bacaan.append(mesin._bacaan_rencana(cakupan, periode, kelompok))
        querysets = [qs for b in bacaan if b is not None for qs in b.querysets]
        satu_per_satu = [list(qs) for qs in querysets]
        with CaptureQueriesContext(connection) as q:
            sekaligus = mesin.jalankan(querysets)
    assert len(q) == 1  # on SQLite too

    def kunci(rows):
        return sorted(rows, key=lambda r: [str(v) for v in r.values()])

    assert any(r.get("rujukan_median__p0") for rows in satu_per_satu for r in rows)  # the example has one
    for a, b in zip(satu_per_satu, sekaligus, strict=True):
        assert kunci(a) == kunci(b)
        for ra, rb in zip(kunci(a), kunci(b), strict=True):
            assert {k: type(v) for k, v in ra.items()} == {k: type(v) for k, v in rb.items()}


def test_a_referral_day_is_the_scope_zone_day_read_through_a_datetime_range(cast, dukun_set):
    """The referral day is the day in the Puskesmas' zone, read as a range on waktu_rujuk (its index applies),
    not as waktu_rujuk::date: 23:30 in Jakarta on 31 March is still March; 00:30 on 1 April is April."""
    pkm = cast.w.puskesmas_a
    for jam in (dt.datetime(2025, 3, 31, 23, 30, tzinfo=WIB), dt.datetime(2025, 4, 1, 0, 30, tzinfo=WIB)):
        RujukanFactory(ibu=IbuFactory(kelurahan=cast.w.a1), dukun=dukun_set.a1, waktu_rujuk=jam)
    cakupan = Cakupan.dari(pkm)
    with CaptureQueriesContext(connection) as q:
        # Not whole months: the raw referrals.
        maret = hitung(cakupan, Periode.rentang(dt.date(2025, 3, 31), dt.date(2025, 3, 31)), pembanding=False)
        april = hitung(cakupan, Periode.rentang(dt.date(2025, 4, 1), dt.date(2025, 4, 2)), pembanding=False)
    assert (maret.ukuran["rujukan_jumlah"], april.ukuran["rujukan_jumlah"]) == (1, 1)
    sql = " ".join(x["sql"] for x in q.captured_queries)
    assert "waktu_rujuk" in sql and "AT TIME ZONE" not in sql  # how Django writes a __date lookup
