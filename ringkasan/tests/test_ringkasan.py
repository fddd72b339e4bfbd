"""The monthly summary equals a recomputation from the raw records, whatever is written and however.

Property-based: random creates, edits (date, kelurahan, attendant, a baby's death, a referral's status),
deletes and imports, through the services, the model (admin-like) and the import; after each sequence
`ringkasan_periksa` finds no difference and the engine's figures from the summary equal the raw sources'.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kia import services
from kia.models import Bayi, Persalinan, Rujukan, StatusRujukan
from kia.tests.factories import BayiFactory, IbuFactory, PersalinanFactory, RujukanFactory
from laporan.hitung import Cakupan, hitung
from laporan.periode import Periode
from ringkasan.models import RingkasanBulanan
from ringkasan.services import cari_selisih, ringkasan_bangun_ulang
from ringkasan.tests.bantu import baris_impor, beda_mesin, contoh_terpisah, impor

AWAL = dt.date(2025, 1, 1)
UTC = dt.UTC


def _tanggal(hari: int) -> dt.date:
    return AWAL + dt.timedelta(days=hari)


# --- Operations ----------------------------------------------------------------------------------------------

KEL = ("a1", "a2", "b1")
PENOLONG = ("dokter", "bidan", "bidan_dukun", "dukun", "keluarga")

buat_persalinan = st.tuples(
    st.just("persalinan"), st.sampled_from(KEL), st.integers(0, 150), st.sampled_from(PENOLONG),
    st.lists(st.tuples(st.booleans(), st.sampled_from([None, 0, 5, 28, 29, 200])), min_size=1, max_size=2),
    st.sampled_from([None, None, 0, 3, 40]),
)
ops = st.one_of(
    buat_persalinan,
    st.tuples(st.just("tanggal"), st.integers(0, 30), st.integers(0, 150)),
    st.tuples(st.just("penolong"), st.integers(0, 30), st.sampled_from(PENOLONG)),
    st.tuples(st.just("bayi_meninggal"), st.integers(0, 30), st.sampled_from([0, 10, 28, 29, 364, 365])),
    st.tuples(st.just("pindah"), st.integers(0, 30), st.sampled_from(KEL)),
    st.tuples(st.just("hapus"), st.integers(0, 30)),
    st.tuples(st.just("rujukan"), st.sampled_from(KEL), st.integers(0, 150 * 24)),
    st.tuples(st.just("status"), st.integers(0, 30),
              st.sampled_from(["diterima", "ditangani", "ditolak_keluarga", "tidak_sampai"])),
    st.tuples(st.just("hapus_rujukan"), st.integers(0, 30)),
    st.tuples(st.just("impor"), st.lists(st.tuples(st.integers(0, 6), st.sampled_from(KEL), st.integers(0, 150),
                                                   st.booleans()), min_size=1, max_size=4)),
)


class Dunia:
    def __init__(self, cast, dukun_set):
        self.cast, self.w = cast, cast.w
        self.bidan = {"a1": cast.profil_bidan_a, "a2": cast.profil_bidan_a2, "b1": cast.profil_bidan_b}
        self.dukun = {"a1": dukun_set.a1, "a2": dukun_set.a2, "b1": dukun_set.b1}

    def persalinan(self, kel, hari, penolong, bayi, ibu_meninggal):
        tanggal = _tanggal(hari)
        ibu = IbuFactory(kelurahan=getattr(self.w, kel))
        fields = {"tanggal": tanggal, "penolong": penolong,
                  "tempat": "rumah" if penolong in ("dukun", "keluarga") else "puskesmas"}
        if penolong in ("bidan", "bidan_dukun"):
            fields["bidan"] = self.bidan[kel]
        if penolong in ("dukun", "bidan_dukun"):
            fields["dukun"] = self.dukun[kel]
        if ibu_meninggal is not None:
            fields.update(status_ibu="meninggal", tanggal_meninggal_ibu=tanggal + dt.timedelta(days=ibu_meninggal),
                          sebab_kematian_ibu="perdarahan")
        daftar = []
        for i, (hidup, mati) in enumerate(bayi):
            b = {"urutan": i + 1, "status_lahir": "lahir_hidup" if hidup else "lahir_mati",
                 "berat_lahir_gram": 2300 if i else 3100}
            if hidup and mati is not None:
                b.update(tanggal_meninggal=tanggal + dt.timedelta(days=mati), sebab_kematian="asfiksia")
            daftar.append(b)
        services.persalinan_create(ibu=ibu, dicatat_oleh=None, bayi=daftar, **fields)

    def jalankan(self, op):  # noqa: PLR0912 — one branch per kind of write
        kind = op[0]
        semua = list(Persalinan.objects.order_by("pk"))
        rujukan = list(Rujukan.objects.order_by("pk"))
        p = semua[op[1] % len(semua)] if semua and isinstance(op[1], int) and kind != "rujukan" else None
        try:
            if kind == "persalinan":
                self.persalinan(*op[1:])
            elif kind == "tanggal" and p:
                services.persalinan_update(persalinan=p, tanggal=_tanggal(op[2]))
            elif kind == "penolong" and p:
                fields = {"penolong": op[2], "tempat": "rumah" if op[2] in ("dukun", "keluarga") else "rs",
                          "bidan": self.bidan.get(p.kelurahan_id) if op[2] in ("bidan", "bidan_dukun") else None,
                          "dukun": self.dukun.get(p.kelurahan_id) if op[2] in ("dukun", "bidan_dukun") else None}
                kel = {k: getattr(self.w, k).pk for k in KEL}
                nama = next(k for k, v in kel.items() if v == p.kelurahan_id)
                fields["bidan"] = self.bidan[nama] if op[2] in ("bidan", "bidan_dukun") else None
                fields["dukun"] = self.dukun[nama] if op[2] in ("dukun", "bidan_dukun") else None
                services.persalinan_update(persalinan=p, **fields)
            elif kind == "bayi_meninggal" and p:
                b = p.bayi.filter(status_lahir="lahir_hidup").first()
                if b:
                    services.bayi_update(bayi=b, tanggal_meninggal=p.tanggal + dt.timedelta(days=op[2]),
                                         sebab_kematian="sepsis")
            elif kind == "pindah" and p:
                # Like an administrator moving a record (no service does): the model's save, the signals.
                kel = getattr(self.w, op[2])
                for obj in [p, *p.bayi.all()]:
                    obj.kelurahan_id, obj.puskesmas_id = kel.pk, kel.puskesmas_id
                    obj.save()
            elif kind == "hapus" and p:
                if not p.kajian.filter(bayi__isnull=False).exists():
                    p.delete()
            elif kind == "rujukan":
                kel = op[1]
                ibu = IbuFactory(kelurahan=getattr(self.w, kel))
                services.rujukan_create(
                    ibu=ibu, dicatat_oleh=None, jenis="dukun_bidan", dukun=self.dukun[kel],
                    waktu_rujuk=dt.datetime(2025, 1, 1, tzinfo=UTC) + dt.timedelta(hours=op[2]),
                    tanda_bahaya=["perdarahan"], alasan="perdarahan")
            elif kind == "status" and rujukan:
                r = rujukan[op[1] % len(rujukan)]
                services.rujukan_ubah_status(
                    rujukan=r, status=op[2], waktu=r.waktu_rujuk + dt.timedelta(hours=3),
                    alasan_penolakan="biaya" if op[2] == "ditolak_keluarga" else "")
            elif kind == "hapus_rujukan" and rujukan:
                r = rujukan[op[1] % len(rujukan)]
                if not r.persalinan.exists():
                    r.delete()
            elif kind == "impor":
                rows = []
                for n, kel, hari, hidup in op[1]:
                    rows.append(baris_impor(f"IMP-{n}", getattr(self.w, kel), _tanggal(hari),
                                            status_bayi="lahir_hidup" if hidup else "lahir_mati",
                                            kn_lengkap="1" if hidup else "0"))
                impor(rows)  # a refused file (e.g. one delivery twice, another kelurahan) writes nothing
        except ValidationError:
            pass  # a write the rules refuse changes nothing: the property must hold all the same


@pytest.fixture
def dunia(cast, dukun_set):
    return Dunia(cast, dukun_set)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(langkah=st.lists(ops, min_size=1, max_size=12))
def test_summary_equals_recomputation_after_any_writes(dunia, langkah):
    with contoh_terpisah():
        for op in langkah:
            dunia.jalankan(op)
        assert cari_selisih() == []
        kota, pa = Cakupan.dari(dunia.w.kota), Cakupan.dari(dunia.w.puskesmas_a)
        bulan = [Periode.bulan(2025, m) for m in range(1, 7)]
        for cakupan in (kota, pa, Cakupan.dari(dunia.w.a1)):
            assert beda_mesin(cakupan, [*bulan, Periode.triwulan(2025, 1), Periode.tahun(2025)]) == []
            assert beda_mesin(cakupan, bulan[2:4], kelompok="kelurahan") == []
        assert beda_mesin(kota, bulan[:2], kelompok="puskesmas") == []


# --- Write paths one by one ------------------------------------------------------------------------------------


def test_a_delivery_moved_to_another_month_leaves_the_old_month_and_enters_the_new(dunia):
    dunia.persalinan("a1", 10, "bidan", [(True, None)], None)
    p = Persalinan.objects.get()
    assert RingkasanBulanan.objects.get(bulan=dt.date(2025, 1, 1)).persalinan_jumlah == 1
    services.persalinan_update(persalinan=p, tanggal=dt.date(2025, 3, 3))
    assert not RingkasanBulanan.objects.filter(bulan=dt.date(2025, 1, 1)).exists()
    maret = RingkasanBulanan.objects.get(bulan=dt.date(2025, 3, 1))
    assert (maret.persalinan_jumlah, maret.bayi_jumlah, maret.lahir_hidup) == (1, 1, 1)
    assert cari_selisih() == []


def test_deaths_count_in_the_month_they_happened(dunia):
    dunia.persalinan("a2", 20, "bidan", [(True, 29)], 15)  # born 21 Jan; mother dies 5 Feb, baby 19 Feb
    jan, feb = (RingkasanBulanan.objects.get(kelurahan=dunia.w.a2, bulan=dt.date(2025, m, 1)) for m in (1, 2))
    assert (jan.persalinan_jumlah, jan.kematian_ibu, jan.kematian_neonatal) == (1, 0, 0)
    assert (feb.persalinan_jumlah, feb.kematian_ibu, feb.kematian_bayi, feb.kematian_neonatal) == (0, 1, 1, 0)


def test_a_referral_counts_in_the_month_of_its_puskesmas_zone(dunia, cast):
    # 31 January 2025, 20:00 UTC = 1 February 03:00 WIB: February in Jambi.
    RujukanFactory(ibu=IbuFactory(kelurahan=cast.w.a1), dukun=dunia.dukun["a1"],
                   waktu_rujuk=dt.datetime(2025, 1, 31, 20, tzinfo=UTC))
    assert list(RingkasanBulanan.objects.values_list("bulan", "rujukan_jumlah")) == [(dt.date(2025, 2, 1), 1)]
    r = Rujukan.objects.get()
    services.rujukan_ubah_status(rujukan=r, status=StatusRujukan.DITOLAK_KELUARGA,
                                 waktu=r.waktu_rujuk + dt.timedelta(hours=1), alasan_penolakan="jarak")
    feb = RingkasanBulanan.objects.get()
    assert (feb.rujukan_ditolak, feb.rujukan_alasan_jarak, feb.rujukan_sampai) == (1, 1, 0)


def test_factory_rows_and_deletes_follow_through_the_signals(cast):
    b = BayiFactory(persalinan=PersalinanFactory(ibu=IbuFactory(kelurahan=cast.w.b1), tanggal=dt.date(2025, 4, 2)))
    assert RingkasanBulanan.objects.get().bayi_jumlah == 1
    Bayi.objects.get(pk=b.pk).delete()
    assert RingkasanBulanan.objects.get().bayi_jumlah == 0
    Persalinan.objects.get().delete()
    assert not RingkasanBulanan.objects.exists()


def test_an_import_updates_every_cell_it_touches_in_one_call(dunia, django_assert_max_num_queries):
    w = dunia.w
    assert impor([baris_impor("X-1", w.a1, dt.date(2025, 1, 5)), baris_impor("X-2", w.b1, dt.date(2025, 2, 5))]).ok
    assert RingkasanBulanan.objects.count() == 2
    assert impor([baris_impor("X-1", w.a1, dt.date(2025, 3, 5))]).ok  # moved from January to March
    assert sorted(RingkasanBulanan.objects.values_list("bulan", flat=True)) == [
        dt.date(2025, 2, 1), dt.date(2025, 3, 1)]
    assert cari_selisih() == []


def test_rebuild_gives_the_same_rows(dunia):
    for hari in (3, 40, 70):
        dunia.persalinan("a1", hari, "dukun", [(True, 5)], None)
    sebelum = sorted(RingkasanBulanan.objects.values_list("kelurahan", "bulan", "persalinan_dukun_sendiri"))
    RingkasanBulanan.objects.all().delete()
    assert ringkasan_bangun_ulang() == 3
    assert sorted(RingkasanBulanan.objects.values_list("kelurahan", "bulan", "persalinan_dukun_sendiri")) == sebelum


# --- The check command -----------------------------------------------------------------------------------------


def test_the_command_reports_a_planted_difference_and_fixes_it(dunia, capsys):
    dunia.persalinan("a1", 10, "bidan", [(True, None)], None)
    dunia.persalinan("b1", 45, "dukun", [(False, None)], None)
    call_command("ringkasan_periksa")
    assert "tidak ada selisih" in capsys.readouterr().out
    RingkasanBulanan.objects.filter(kelurahan=dunia.w.a1).update(persalinan_jumlah=F("persalinan_jumlah") + 4)
    RingkasanBulanan.objects.filter(kelurahan=dunia.w.b1).delete()
    with pytest.raises(CommandError) as exc:
        call_command("ringkasan_periksa")
    assert exc.value.returncode == 1
    out = capsys.readouterr().out
    pa, pb = dunia.w.puskesmas_a.pk, dunia.w.puskesmas_b.pk
    assert (f"puskesmas={pa} kelurahan={dunia.w.a1.pk} bulan=2025-01 persalinan_jumlah: tersimpan=5 "
            "hitung_ulang=1") in out
    assert f"puskesmas={pb} kelurahan={dunia.w.b1.pk} bulan=2025-02 lahir_mati: tersimpan=0 hitung_ulang=1" in out
    call_command("ringkasan_periksa", "--perbaiki")
    assert "sisa selisih: 0" in capsys.readouterr().out
    assert cari_selisih() == []
    call_command("ringkasan_periksa")


# --- The engine reads the summary ------------------------------------------------------------------------------


def _isi(w, kab, kec, n: int, mulai: int = 0):
    from puskesmas.tests.factories import KelurahanFactory, PuskesmasFactory

    for i in range(mulai, mulai + n):
        pkm = PuskesmasFactory(kode=f"Q{i:02d}", nama=f"Puskesmas {i:02d}", kabupaten=kab)
        kel = KelurahanFactory(kode=f"{kec.kode}.{2000 + i}", kecamatan=kec, puskesmas=pkm)
        PersalinanFactory(ibu=IbuFactory(kelurahan=kel), tanggal=dt.date(2025, 3, 10))


@pytest.mark.parametrize("kelompok", [None, "puskesmas", "kelurahan"])
def test_hitung_reads_the_summary_with_the_same_queries_for_1_and_30_puskesmas(cast, kelompok):
    from puskesmas.tests.factories import KabupatenFactory, KecamatanFactory

    kab = KabupatenFactory(kode="15.09", nama="Kab Uji", provinsi=cast.w.provinsi)
    kec = KecamatanFactory(kode="15.09.01", kabupaten=kab)
    cakupan, maret = Cakupan.dari(kab), Periode.bulan(2025, 3)
    _isi(cast.w, kab, kec, 1)
    hitung(cakupan, maret, kelompok=kelompok)
    with CaptureQueriesContext(connection) as satu:
        hitung(cakupan, maret, kelompok=kelompok)
    _isi(cast.w, kab, kec, 29, mulai=1)
    with CaptureQueriesContext(connection) as tiga_puluh:
        hasil = hitung(cakupan, maret, kelompok=kelompok)
    assert len(tiga_puluh.captured_queries) == len(satu.captured_queries)
    assert hasil.total["persalinan_jumlah"].nilai == 30
    sql = " ".join(q["sql"] for q in tiga_puluh.captured_queries)
    assert "ringkasan_ringkasanbulanan" in sql
    assert "kia_persalinan" not in sql and "kia_bayi" not in sql


def test_a_range_that_is_not_whole_months_reads_the_raw_records(cast):
    PersalinanFactory(ibu=IbuFactory(kelurahan=cast.w.a1), tanggal=dt.date(2025, 3, 10))
    PersalinanFactory(ibu=IbuFactory(kelurahan=cast.w.a1), tanggal=dt.date(2025, 3, 25))
    with CaptureQueriesContext(connection) as ctx:
        hasil = hitung(Cakupan.dari(cast.w.puskesmas_a), Periode.rentang(dt.date(2025, 3, 5), dt.date(2025, 3, 20)))
    assert hasil.total["persalinan_jumlah"].nilai == 1
    assert "kia_persalinan" in " ".join(q["sql"] for q in ctx.captured_queries)


# --- Two bidan saving at once (PostgreSQL) ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_writers_to_the_same_puskesmas_and_month_lose_no_update(cast, dukun_set):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: two connections writing at once")
    from django.db import connections, transaction

    w = cast.w
    ibu = [IbuFactory(kelurahan=w.a1) for _i in range(12)]
    galat: list[BaseException] = []

    def tulis(ibu_, barrier, tanggal):
        try:
            with transaction.atomic():
                services.persalinan_create(ibu=ibu_, dicatat_oleh=None, tanggal=tanggal, tempat="puskesmas",
                                           penolong="bidan", bidan=cast.profil_bidan_a,
                                           bayi=[{"urutan": 1, "status_lahir": "lahir_hidup"}])
                barrier.wait(timeout=30)  # both hold their rows uncommitted; both commit at once
        except BaseException as e:  # noqa: BLE001 — reported by the main thread
            galat.append(e)
        finally:
            connections.close_all()

    for putaran in range(6):
        barrier = threading.Barrier(2)
        threads = [threading.Thread(target=tulis, args=(ibu[2 * putaran + i], barrier, dt.date(2025, 5, 3 + i)))
                   for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert not galat
        sel = RingkasanBulanan.objects.get(kelurahan=w.a1, bulan=dt.date(2025, 5, 1))
        assert (sel.persalinan_jumlah, sel.bayi_jumlah) == (2 * (putaran + 1), 2 * (putaran + 1))
    assert cari_selisih() == []


def test_every_summed_measure_of_the_raw_sources_has_its_column():
    from laporan import hitung as mesin
    from ringkasan.models import KOLOM

    diringkas = {n for n, s in mesin.UKURAN_SUMBER.items() if s in ("persalinan", "bayi", "rujukan")}
    assert diringkas - {"rujukan_median_menit"} == set(KOLOM)
