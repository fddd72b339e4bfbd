"""The worked district example: a small fixed data set and its figures computed by hand.

`buat_contoh(cast)` extends the fixed cast of conftest.py (use it inside a test with the `cast`
fixture; do NOT combine it with the `dukun_set` fixture, whose dukun would change the counts):

    Kota Jambi (15.71), the district:
      Puskesmas A "Aur Duri"      (PA) — a1 Penyengat Rendah, a2 Teluk Kenali         (conftest)
      Puskesmas B "Pakuan Baru"   (PB) — b1 Pakuan Baru (conftest), b2 Tambak Sari     (added)
      Puskesmas D "Simpang Kawat" (PD) — d1 Simpang III Sipin, d2 Kenali Besar         (added)
    Muaro Jambi (15.05): Puskesmas C "Sekernan" (PC) — c1: records of every kind that must never count
    in Kota Jambi.

The year is 2025, with a few records in Dec 2024 and Jan 2026 just outside it. Every figure of
HARAPAN below was computed by hand from the list of records in `buat_contoh` (the reasoning is in the
comments next to each figure), never by calling laporan.hitung. Keys of HARAPAN: (scope, period code),
scope one of "kota" (the kabupaten), "PA", "PB", "PD" (Puskesmas) and "a1" (a kelurahan); periods
"2025" and "2025-03". Each value is (the Decimal the engine yields or None, the Indonesian display
string of the `tampil` filter). SEBELUMNYA holds a few figures of the previous period (Hasil.sebelumnya).

Usage:
    c = buat_contoh(cast)
    h = hitung(c.cakupan("PA"), Periode.dari_kode("2025"))
    nilai, teks = HARAPAN[("PA", "2025")]["pn"]

Engine semantics the figures follow (laporan/hitung.py): registry figures (dukun status, bidan, guidebooks)
are the registry as it stands now, while partnership/training/kit "ever" flags are as of the period's end;
babies count by delivery date, deaths in the period they happened; yearly targets × whole months / 12,
rounded to 2 decimals *before* dividing; planned meetings are the due dates (4 routine a year by default:
31 Mar, 30 Jun, 30 Sep, 31 Dec) in the period; overdue follow-ups as of the day after the period's end;
the median arrival time rounded half-up to whole minutes.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal
from types import SimpleNamespace

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
D = dt.date


def _w(y, m, d, hh=9, mm=0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=WIB)


# --- The builder ----------------------------------------------------------------------------------


def buat_contoh(cast) -> SimpleNamespace:  # noqa: PLR0915 — one flat list of records is the point
    from dukun.models import StatusDukun
    from dukun.tests.factories import DukunFactory
    from kemitraan.models import (
        JenisPertemuan,
        KehadiranDukun,
        StatusKemitraan,
        StatusPertemuan,
        StatusTindakLanjut,
    )
    from kemitraan.tests.factories import (
        AnggaranDanaFactory,
        KemitraanFactory,
        PelatihanFactory,
        PemberianKitFactory,
        PengeluaranDanaFactory,
        PenghargaanSanksiFactory,
        PertemuanFactory,
        PesertaLintasSektorFactory,
        RencanaPertemuanFactory,
        SaranaFactory,
        TindakLanjutFactory,
    )
    from kia import services
    from kia.models import JenisRujukan, Penolong, StatusLahir, StatusRujukan, TempatPersalinan
    from kia.tests.factories import IbuFactory, RujukanFactory, SasaranFactory
    from puskesmas.tests.factories import (
        BidanFactory,
        FasilitasFactory,
        KecamatanFactory,
        KelurahanFactory,
        PuskesmasFactory,
    )

    w = cast.w
    c = SimpleNamespace(cast=cast, w=w, kota=w.kota, muaro=w.muaro, pa=w.puskesmas_a, pb=w.puskesmas_b,
                        pc=w.puskesmas_c, a1=w.a1, a2=w.a2, b1=w.b1, c1=w.c1)
    kec_b = w.b1.kecamatan
    kec_d = KecamatanFactory(kode="15.71.03", nama="Kota Baru", kabupaten=w.kota)
    c.pd = PuskesmasFactory(kode="PD", nama="Simpang Kawat", kabupaten=w.kota)
    c.b2 = KelurahanFactory(kode="15.71.02.1007", nama="Tambak Sari", kecamatan=kec_b, puskesmas=c.pb)
    c.d1 = KelurahanFactory(kode="15.71.03.1001", nama="Simpang III Sipin", kecamatan=kec_d, puskesmas=c.pd)
    c.d2 = KelurahanFactory(kode="15.71.03.1002", nama="Kenali Besar", kecamatan=kec_d, puskesmas=c.pd)
    c.induk_d = FasilitasFactory(puskesmas=c.pd, nama="Puskesmas Simpang Kawat", kelurahan=c.d1)

    # --- Bidan (SDM). From the cast: bidan_a (PA, serves a1, lives a1), bidan_a2 (PA, serves a2, lives b1),
    # bidan_b (PB, serves b1, residence unknown), bidan_c (PC, serves c1).
    bidan_a, bidan_a2, bidan_b = cast.profil_bidan_a, cast.profil_bidan_a2, cast.profil_bidan_b
    c.bidan_a3 = BidanFactory(nama="Nurhayati", fasilitas=cast.induk_a, kelurahan_layanan=[w.a1, w.a2],
                              kelurahan_domisili=w.a2)   # PA, serves a1+a2, lives a2
    c.bidan_b2 = BidanFactory(nama="Yusnidar", fasilitas=cast.induk_b, kelurahan_layanan=[c.b2],
                              kelurahan_domisili=c.b2)   # PB, lives where she serves
    c.bidan_d1 = BidanFactory(nama="Marlina", fasilitas=c.induk_d, kelurahan_layanan=[c.d1, c.d2],
                              kelurahan_domisili=c.d1)   # PD, serves d1+d2, lives d1
    BidanFactory(nama="Rosmiati (nonaktif)", fasilitas=c.induk_d, kelurahan_layanan=[c.d2],
                 kelurahan_domisili=c.d2, aktif=False)  # inactive: never counts

    # --- Dukun. Status is the registry now; partnerships/training/kits are "as of the period's end".
    aktif = StatusDukun.AKTIF
    c.da1 = DukunFactory(nama="Siti Aminah", kelurahan=w.a1, dikenal_oleh=[bidan_a])
    c.da2 = DukunFactory(nama="Rohani", kelurahan=w.a1)
    c.da3 = DukunFactory(nama="Jamilah", kelurahan=w.a2, dikenal_oleh=[bidan_a2])
    c.da4 = DukunFactory(nama="Masnah", kelurahan=w.a2, dikenal_oleh=[bidan_a2],
                         status=StatusDukun.TIDAK_MENOLONG, status_sejak=D(2025, 5, 1))
    c.da5 = DukunFactory(nama="Zubaidah", kelurahan=w.a1, status=StatusDukun.PINDAH, status_sejak=D(2025, 8, 1))
    c.db1 = DukunFactory(nama="Asiah", kelurahan=w.b1, dikenal_oleh=[bidan_b])
    c.db2 = DukunFactory(nama="Saodah", kelurahan=c.b2)
    c.db3 = DukunFactory(nama="Fatimah", kelurahan=c.b2, status=StatusDukun.MENINGGAL, status_sejak=D(2025, 10, 1))
    c.dd1 = DukunFactory(nama="Halimah", kelurahan=c.d1, dikenal_oleh=[c.bidan_d1])
    c.dd2 = DukunFactory(nama="Mariam", kelurahan=c.d2, dikenal_oleh=[c.bidan_d1])
    c.dd3 = DukunFactory(nama="Rukiah", kelurahan=c.d2)
    c.dc1 = DukunFactory(nama="Maimunah", kelurahan=w.c1, dikenal_oleh=[cast.profil_bidan_c])
    assert all(d.status == aktif for d in (c.da1, c.da2, c.da3, c.db1, c.db2, c.dd1, c.dd2, c.dd3))

    # --- Partnerships (kemitraan).
    c.k_a1 = KemitraanFactory(bidan=bidan_a, dukun=c.da1, tanggal_mulai=D(2024, 6, 1))
    c.k_a2 = KemitraanFactory(bidan=c.bidan_a3, dukun=c.da2, tanggal_mulai=D(2025, 4, 1))
    c.k_a3 = KemitraanFactory(bidan=bidan_a2, dukun=c.da3, tanggal_mulai=D(2024, 1, 1),
                              status=StatusKemitraan.BERAKHIR, tanggal_berakhir=D(2025, 6, 30),
                              alasan_berakhir="Dukun menolong sendiri setelah tiga teguran.")
    c.k_b1 = KemitraanFactory(bidan=bidan_b, dukun=c.db1, tanggal_mulai=D(2023, 5, 1))
    c.k_d1 = KemitraanFactory(bidan=c.bidan_d1, dukun=c.dd1, tanggal_mulai=D(2025, 1, 15))
    KemitraanFactory(bidan=cast.profil_bidan_c, dukun=c.dc1, tanggal_mulai=D(2024, 1, 1))

    # --- Training: PA 2024-11-20 (da3, before the year); PA 2025-02-10 (da1 + a bidan); PB 2025-09-15 (db1);
    # PD 2025-05-20 coaching of bidan only (a training with no dukun); PC 2025-03-01 (dc1).
    for pkm, tanggal, dukun, bidan, jenis in [
        (c.pa, D(2024, 11, 20), [c.da3], [], "pelatihan"),
        (c.pa, D(2025, 2, 10), [c.da1], [bidan_a], "pelatihan"),
        (c.pb, D(2025, 9, 15), [c.db1], [], "pelatihan"),
        (c.pd, D(2025, 5, 20), [], [c.bidan_d1], "pembinaan"),
        (c.pc, D(2025, 3, 1), [c.dc1], [], "pelatihan"),
    ]:
        p = PelatihanFactory(puskesmas=pkm, tanggal=tanggal, jenis=jenis)
        p.peserta_dukun.set(dukun)
        p.peserta_bidan.set(bidan)

    # --- Kits: da1 2025-03-05 (1), da2 2025-07-01 (2 kits), db1 2025-02-01 (1), dd1 2026-01-10 (after the year),
    # dc1 2025-03-01 (other district).
    for dukun, tanggal, jumlah in [(c.da1, D(2025, 3, 5), 1), (c.da2, D(2025, 7, 1), 2), (c.db1, D(2025, 2, 1), 1),
                                   (c.dd1, D(2026, 1, 10), 1), (c.dc1, D(2025, 3, 1), 1)]:
        PemberianKitFactory(dukun=dukun, tanggal=tanggal, jumlah=jumlah)

    # --- Rewards and sanctions: PA reward to da1 2025-08-17; PA warning (teguran) on da3's agreement
    # 2025-03-20; PB sanction to db2 2025-11-01; PC reward 2025-03-01.
    PenghargaanSanksiFactory(kemitraan=None, dukun=c.da1, puskesmas=c.pa, jenis="penghargaan",
                             tanggal=D(2025, 8, 17), bentuk="Piagam dukun teladan")
    PenghargaanSanksiFactory(kemitraan=c.k_a3, puskesmas=c.pa, jenis="teguran", tanggal=D(2025, 3, 20))
    PenghargaanSanksiFactory(kemitraan=None, dukun=c.db2, puskesmas=c.pb, jenis="sanksi", tanggal=D(2025, 11, 1),
                             bentuk="Penghentian insentif")
    PenghargaanSanksiFactory(kemitraan=None, dukun=c.dc1, puskesmas=c.pc, jenis="penghargaan",
                             tanggal=D(2025, 3, 1), bentuk="Piagam")

    # --- Guidebooks (registry now): PA 3 available + 1 not available + a meeting place; PB 2; PD none; PC 5.
    SaranaFactory(puskesmas=c.pa, jenis="buku_pedoman", jumlah=3)
    SaranaFactory(puskesmas=c.pa, jenis="buku_pedoman", jumlah=1, tersedia=False, nama="Buku pedoman rusak")
    SaranaFactory(puskesmas=c.pa, jenis="tempat_pertemuan", jumlah=1, nama="Aula")
    SaranaFactory(puskesmas=c.pb, jenis="buku_pedoman", jumlah=2)
    SaranaFactory(puskesmas=c.pc, jenis="buku_pedoman", jumlah=5)

    # --- Funds. Allocations: PA 2025 BOK 12.000.000 + Dana Desa 3.000.000; PA 2024 BOK 10.000.000; PA 2026
    # BOK 15.000.000; PB 2025 APBD 5.000.000; PD none; PC 2025 BOK 9.000.000.
    ang = {}
    for pkm, tahun, sumber, jumlah in [
        (c.pa, 2025, "bok", 12_000_000), (c.pa, 2025, "dana_desa", 3_000_000), (c.pa, 2024, "bok", 10_000_000),
        (c.pa, 2026, "bok", 15_000_000), (c.pb, 2025, "apbd", 5_000_000), (c.pc, 2025, "bok", 9_000_000),
    ]:
        ang[(pkm.kode, tahun, sumber)] = AnggaranDanaFactory(puskesmas=pkm, tahun=tahun, sumber=sumber,
                                                             jumlah_alokasi=jumlah)
    # Spending: PA BOK 20 Jan 1.250.000, 15 Mar 750.000, 10 Sep 2.000.000; PA Dana Desa 28 Mar 500.000;
    # PA 20 Dec 2024 400.000 (2024 BOK); PA 5 Jan 2026 300.000 (2026 BOK); PB APBD 10 Jun 1.000.000;
    # PC BOK 10 Mar 800.000.
    for key, tanggal, jumlah in [
        (("PA", 2025, "bok"), D(2025, 1, 20), 1_250_000), (("PA", 2025, "bok"), D(2025, 3, 15), 750_000),
        (("PA", 2025, "bok"), D(2025, 9, 10), 2_000_000), (("PA", 2025, "dana_desa"), D(2025, 3, 28), 500_000),
        (("PA", 2024, "bok"), D(2024, 12, 20), 400_000), (("PA", 2026, "bok"), D(2026, 1, 5), 300_000),
        (("PB", 2025, "apbd"), D(2025, 6, 10), 1_000_000), (("PC", 2025, "bok"), D(2025, 3, 10), 800_000),
    ]:
        PengeluaranDanaFactory(anggaran=ang[key], tanggal=tanggal, jumlah=jumlah)

    # --- Meeting plans: PA, PD, PC default (4 routine: due 31 Mar, 30 Jun, 30 Sep, 31 Dec). PB 2025 explicit:
    # 6 routine (due 28 Feb, 30 Apr, 30 Jun, 31 Aug, 31 Oct, 31 Dec) + 2 lokmin (30 Jun, 31 Dec) = 8.
    RencanaPertemuanFactory(puskesmas=c.pb, tahun=2025, jenis=JenisPertemuan.RUTIN, jumlah=6)
    RencanaPertemuanFactory(puskesmas=c.pb, tahun=2025, jenis=JenisPertemuan.LOKMIN, jumlah=2)

    held, batal, rencana = StatusPertemuan.TERLAKSANA, StatusPertemuan.BATAL, StatusPertemuan.DIRENCANAKAN

    def rapat(pkm, waktu, status=held, jenis=JenisPertemuan.RUTIN, dukun=(), lintas=()):
        m = PertemuanFactory(puskesmas=pkm, jenis=jenis, status=status, waktu_rencana=waktu,
                             waktu_pelaksanaan=waktu if status == held else None)
        for d in dukun:
            KehadiranDukun.objects.create(pertemuan=m, dukun=d)
        for kategori in lintas:
            PesertaLintasSektorFactory(pertemuan=m, kategori=kategori)
        return m

    # PA: M0 12 Dec 2024 (da1; 1 partner); M1 20 Mar (da1, da3; lurah + camat); M2 25 Jun (da1); M3 18 Sep
    # (da2; tokoh agama); M4 15 Dec cancelled; M5 20 Dec still planned (not held).
    m0 = rapat(c.pa, _w(2024, 12, 12), dukun=[c.da1], lintas=["lurah"])
    m1 = rapat(c.pa, _w(2025, 3, 20), dukun=[c.da1, c.da3], lintas=["lurah", "camat"])
    m2 = rapat(c.pa, _w(2025, 6, 25), dukun=[c.da1])
    m3 = rapat(c.pa, _w(2025, 9, 18), dukun=[c.da2], lintas=["tokoh_agama"])
    rapat(c.pa, _w(2025, 12, 15), status=batal)
    rapat(c.pa, _w(2025, 12, 20), status=rencana)
    # PB: lokmin 12 Jun 2025 (db1; camat, polsek, koramil); routine 8 Jan 2026 (after the year).
    mb = rapat(c.pb, _w(2025, 6, 12), jenis=JenisPertemuan.LOKMIN, dukun=[c.db1],
               lintas=["camat", "polsek", "koramil"])
    rapat(c.pb, _w(2026, 1, 8))
    # PD: no meeting at all. PC: 5 Mar 2025 (dc1; lurah).
    mc = rapat(c.pc, _w(2025, 3, 5), dukun=[c.dc1], lintas=["lurah"])

    # --- Follow-ups.
    selesai, terbuka, tl_batal = StatusTindakLanjut.SELESAI, StatusTindakLanjut.TERBUKA, StatusTindakLanjut.BATAL

    def tl(m, tenggat, status=terbuka, ditutup=None):
        return TindakLanjutFactory(pertemuan=m, tenggat=tenggat, status=status, tanggal_ditutup=ditutup,
                                   catatan_penutupan="Selesai dibahas." if status != terbuka else "")

    tl(m0, D(2024, 12, 31))                              # T0: never closed, overdue since 2025
    tl(m1, D(2025, 3, 31), selesai, D(2025, 3, 28))      # T1: on time
    tl(m1, D(2025, 3, 25), selesai, D(2025, 4, 10))      # T2: closed late (overdue at the end of March)
    tl(m1, D(2025, 4, 15), tl_batal, D(2025, 4, 1))      # T3: cancelled: never due
    tl(m2, D(2025, 7, 15))                               # T4: never closed
    tl(m3, D(2025, 10, 15), selesai, D(2025, 10, 10))    # T5: on time
    tl(m3, D(2026, 1, 31))                               # T6: due next year
    tl(m3, D(2025, 12, 20), selesai, D(2026, 1, 5))      # T7: closed late, after the year
    tl(mb, D(2025, 6, 30), selesai, D(2025, 6, 30))      # T8 (PB): closed on the due day: on time
    tl(mc, D(2025, 4, 30))                               # PC: overdue, other district

    # --- Referrals (by the day they were made, local time).
    ibu = {}

    def ibu_di(kel, nama):
        ibu[nama] = IbuFactory(kelurahan=kel, nama=nama)
        return ibu[nama]

    dkb, bkf = JenisRujukan.DUKUN_KE_BIDAN, JenisRujukan.BIDAN_KE_FASILITAS
    S = StatusRujukan

    def rujuk(kel, nama, jenis, waktu, status=S.DIRUJUK, menit=None, dukun=None, fasilitas=None, alasan="",
              ditangani=False):
        extra = {}
        if menit is not None:
            extra["waktu_diterima"] = waktu + dt.timedelta(minutes=menit)
            if ditangani:
                extra["waktu_ditangani"] = extra["waktu_diterima"] + dt.timedelta(minutes=15)
        if status in (S.DITOLAK_KELUARGA, S.TIDAK_SAMPAI):
            extra["waktu_batal"] = waktu + dt.timedelta(minutes=30)
        return RujukanFactory(ibu=ibu_di(kel, nama), jenis=jenis, waktu_rujuk=waktu, status=status, dukun=dukun,
                              fasilitas_tujuan=fasilitas, alasan_penolakan=alasan, **extra)

    rujuk(w.a1, "R0", bkf, _w(2024, 12, 28), S.DITERIMA, 30, fasilitas=cast.induk_a)      # before the year
    rujuk(w.a1, "R1", dkb, _w(2025, 3, 10, 8), S.DITERIMA, 45, dukun=c.da1)
    rujuk(w.a1, "R2", bkf, _w(2025, 3, 22, 10), S.DITANGANI, 90, fasilitas=cast.rs_a, ditangani=True)
    rujuk(w.a2, "R3", dkb, _w(2025, 3, 5, 7), S.DITOLAK_KELUARGA, dukun=c.da3, alasan="biaya")
    rujuk(w.a2, "R4", dkb, _w(2025, 7, 14, 14), S.TIDAK_SAMPAI, dukun=c.da3)
    rujuk(w.a1, "R5", bkf, _w(2025, 8, 2), S.DITERIMA, 20, fasilitas=cast.induk_a)
    rujuk(w.a2, "R6", dkb, _w(2025, 5, 5), S.DITOLAK_KELUARGA, dukun=c.da3, alasan="jarak")
    rujuk(w.a1, "R7", dkb, _w(2025, 11, 3), dukun=c.da2)                                   # still open
    rujuk(w.b1, "R8", dkb, _w(2025, 6, 20, 8), S.DITERIMA, 65, dukun=c.db1)
    rujuk(c.b2, "R9", dkb, _w(2025, 10, 10), S.DITOLAK_KELUARGA, dukun=c.db2, alasan="kepercayaan")
    rujuk(w.c1, "RC", dkb, _w(2025, 3, 12), S.DITERIMA, 5, dukun=c.dc1)                    # other district

    # --- Yearly targets (Sasaran): a1 below its recorded deliveries (3 vs 6), a2 above (7 vs 3); b2 has none.
    for kel, tahun, hamil, bersalin, bayi in [
        (w.a1, 2025, 4, 3, 3), (w.a2, 2025, 8, 7, 7), (w.b1, 2025, 5, 4, 4), (c.d1, 2025, 2, 2, 2),
        (c.d2, 2025, 2, 2, 2), (w.c1, 2025, 100, 100, 100), (w.a1, 2024, 12, 12, 12),
    ]:
        SasaranFactory(kelurahan=kel, tahun=tahun, ibu_hamil=hamil, ibu_bersalin=bersalin, bayi_baru_lahir=bayi)

    # --- Deliveries and babies, through the service (it finds the partnership and stores the derived fields).
    T = TempatPersalinan
    P = Penolong
    hidup, mati = StatusLahir.LAHIR_HIDUP, StatusLahir.LAHIR_MATI

    def bayi(berat, kn=(), meninggal=None, sebab="", status=hidup):
        b = {"berat_lahir_gram": berat, "status_lahir": status, "jenis_kelamin": "p"}
        b.update(dict(zip(("kn1", "kn2", "kn3"), kn, strict=False)))
        if meninggal:
            b.update(tanggal_meninggal=meninggal, sebab_kematian=sebab)
        return b

    def lahir(kel, nama, tanggal, tempat, penolong, bayi_list, **fields):
        return services.persalinan_create(ibu=IbuFactory(kelurahan=kel, nama=nama), dicatat_oleh=None,
                                          bayi=bayi_list, tanggal=tanggal, tempat=tempat, penolong=penolong,
                                          **fields)

    c.persalinan = {}
    # PA, a1 and a2.
    c.persalinan["P9"] = lahir(w.a1, "P9", D(2024, 12, 20), T.PUSKESMAS, P.BIDAN, [
        bayi(3000, [D(2024, 12, 21)], meninggal=D(2025, 1, 5), sebab="sepsis")],   # neonatal death (day 16) in 2025
        bidan=bidan_a, fasilitas=cast.induk_a)
    c.persalinan["P7"] = lahir(w.a1, "P7", D(2025, 1, 10), T.POSKESDES, P.BIDAN, [
        bayi(3200, [D(2025, 1, 11), D(2025, 1, 15), D(2025, 1, 25)], meninggal=D(2025, 7, 29),
             sebab="diare")],                                                      # infant death at day 200
        bidan=c.bidan_a3)
    c.persalinan["P1"] = lahir(w.a1, "P1", D(2025, 3, 3), T.PUSKESMAS, P.BIDAN, [
        bayi(3100, [D(2025, 3, 4), D(2025, 3, 8), D(2025, 3, 15)])], bidan=bidan_a, fasilitas=cast.induk_a)
    c.persalinan["P4"] = lahir(w.a2, "P4", D(2025, 3, 12), T.PUSTU, P.BIDAN_DUKUN, [
        bayi(3000, [D(2025, 3, 13), D(2025, 3, 16), D(2025, 3, 25)])], bidan=bidan_a2, dukun=c.da3,
        fasilitas=cast.pustu_a2, jasa_dukun_jumlah=150_000, jasa_dukun_tanggal=D(2025, 3, 20))
    c.persalinan["P2"] = lahir(w.a1, "P2", D(2025, 3, 18), T.RUMAH, P.DUKUN, [
        bayi(2300, meninggal=D(2025, 3, 18), sebab="asfiksia")], dukun=c.da2)    # dukun alone; death at day 0
    c.persalinan["P3"] = lahir(w.a1, "P3", D(2025, 3, 25), T.RS, P.DOKTER, [     # twins
        bayi(2400, [D(2025, 3, 26), D(2025, 3, 30), D(2025, 4, 10)]),
        bayi(2200, [D(2025, 3, 26)], meninggal=D(2025, 5, 4), sebab="pneumonia")],  # infant death at day 40
        fasilitas=cast.rs_a)
    c.persalinan["P5"] = lahir(w.a2, "P5", D(2025, 6, 10), T.RUMAH, P.KELUARGA, [bayi(2800, status=mati)])
    c.persalinan["P6"] = lahir(w.a1, "P6", D(2025, 8, 5), T.PMB, P.BIDAN_DUKUN, [
        bayi(3300, [D(2025, 8, 6), D(2025, 8, 10), D(2025, 8, 20)])], bidan=bidan_a, dukun=c.da1)  # fee unpaid
    c.persalinan["P8"] = lahir(w.a2, "P8", D(2025, 10, 20), T.PUSKESMAS, P.BIDAN, [
        bayi(2900, [D(2025, 10, 21), D(2025, 10, 25)])], bidan=bidan_a2, fasilitas=cast.induk_a,
        status_ibu="meninggal", tanggal_meninggal_ibu=D(2025, 10, 22), sebab_kematian_ibu="perdarahan")
    c.persalinan["P11"] = lahir(w.a1, "P11", D(2025, 12, 30), T.PERJALANAN, P.KELUARGA, [bayi(3000)])
    c.persalinan["P10"] = lahir(w.a2, "P10", D(2026, 1, 3), T.PUSKESMAS, P.BIDAN, [bayi(3000)],
                                bidan=bidan_a2, fasilitas=cast.induk_a)           # after the year
    # PB, b1 and b2.
    c.persalinan["Q1"] = lahir(w.b1, "Q1", D(2025, 4, 14), T.PUSKESMAS, P.BIDAN_DUKUN, [
        bayi(3400, [D(2025, 4, 15), D(2025, 4, 18), D(2025, 4, 25)])], bidan=bidan_b, dukun=c.db1,
        fasilitas=cast.induk_b, jasa_dukun_jumlah=200_000, jasa_dukun_tanggal=D(2025, 4, 20))
    c.persalinan["Q2"] = lahir(c.b2, "Q2", D(2025, 9, 9), T.RUMAH, P.DUKUN, [bayi(2450)], dukun=c.db2)
    c.persalinan["Q3"] = lahir(w.b1, "Q3", D(2025, 11, 11), T.RS, P.DOKTER, [     # twins, one stillborn
        bayi(2600, [D(2025, 11, 12)]), bayi(1800, status=mati)])
    # PD, d1 and d2.
    c.persalinan["S1"] = lahir(c.d1, "S1", D(2025, 2, 2), T.RUMAH, P.DUKUN, [bayi(3000)], dukun=c.dd1)
    c.persalinan["S2"] = lahir(c.d2, "S2", D(2025, 5, 5), T.PUSKESMAS, P.BIDAN, [
        bayi(3100, [D(2025, 5, 6), D(2025, 5, 9), D(2025, 5, 15)])], bidan=c.bidan_d1, fasilitas=c.induk_d)
    # PC (other district): a dukun-alone delivery with a maternal and a neonatal death, and twins.
    lahir(w.c1, "C1", D(2025, 3, 10), T.RUMAH, P.DUKUN, [bayi(2000, meninggal=D(2025, 3, 13), sebab="bblr")],
          dukun=c.dc1, status_ibu="meninggal", tanggal_meninggal_ibu=D(2025, 3, 11), sebab_kematian_ibu="infeksi")
    lahir(w.c1, "C2", D(2025, 6, 1), T.PUSKESMAS, P.BIDAN, [
        bayi(2700, [D(2025, 6, 2), D(2025, 6, 5), D(2025, 6, 12)]), bayi(2100)],
        bidan=cast.profil_bidan_c, fasilitas=cast.induk_c)

    c.ibu = ibu
    c.wilayah = {"kota": c.kota, "PA": c.pa, "PB": c.pb, "PD": c.pd, "a1": c.a1, "a2": c.a2, "b2": c.b2}

    def cakupan(nama):
        from laporan.hitung import Cakupan

        return Cakupan.dari(c.wilayah[nama])

    c.cakupan = cakupan
    return c


# --- Expected figures, by hand -------------------------------------------------------------------------


def _titik(s: str) -> str:
    """"1,234.50" → "1.234,50" (Indonesian separators), written independently of Django's formatting."""
    return s.replace(",", "_").replace(".", ",").replace("_", ".")


def _p(x: str):
    return (Decimal(x), _titik(f"{Decimal(x):,.2f}") + "%")


def _n(x):
    v = Decimal(str(x))
    return (v, _titik(f"{v:,.0f}") if v == v.to_integral_value() else _titik(f"{v:,.2f}"))


def _rp(x: int):
    return (Decimal(x), "Rp " + _titik(f"{x:,}"))


def _k(x: str):
    return (Decimal(x), _titik(f"{Decimal(x):,.1f}") + " per 1.000 kelahiran hidup")


def _m(x: int):
    return (Decimal(x), f"{x // 60} jam {x % 60} menit" if x >= 60 else f"{x} menit")


NA = (None, "–")

# Rinci (detail) indicators not listed are 0 (None at kelurahan level for the Puskesmas-only funds).
_SUMBER = ("bok", "dana_desa", "apbd", "dak", "lainnya")
_ALASAN = ("biaya", "jarak", "kepercayaan", "keputusan_keluarga", "lainnya")
_PENOLONG = ("dokter", "bidan", "bidan_dukun", "dukun", "keluarga")
_TEMPAT = ("rs", "puskesmas", "pustu", "poskesdes", "pmb", "rumah", "perjalanan")


def _rinci(kelurahan=False, **nonzero) -> dict:
    out = {}
    for s in _SUMBER:
        for jenis in ("alokasi", "belanja"):
            kode = f"dana_{jenis}_{s}"
            out[kode] = NA if kelurahan else _rp(nonzero.pop(kode, 0))
    for kode in [f"rujukan_alasan_{a}" for a in _ALASAN] + [f"penolong_{p}" for p in _PENOLONG] + [
            f"tempat_{t}" for t in _TEMPAT]:
        out[kode] = _n(nonzero.pop(kode, 0))
    assert not nonzero, nonzero
    return out


# Which records make each figure (P = delivery, R = referral, T = follow-up, M = meeting; see buat_contoh).
HARAPAN: dict[tuple[str, str], dict] = {}

# ===== Puskesmas A, 2025 (period end 31 Dec 2025; overdue as of 1 Jan 2026) =====
HARAPAN[("PA", "2025")] = {
    "dukun_terdaftar": _n(4),       # da1, da2, da3 (aktif) + da4 (tidak menolong); da5 moved
    "dukun_aktif": _n(3),           # da1, da2, da3
    "dukun_terlatih": _p("66.67"),  # da1 (Feb 2025), da3 (Nov 2024) / 3
    "bidan_jumlah": _n(3),          # bidan_a, bidan_a2, bidan_a3
    "bidan_tinggal": _p("66.67"),   # bidan_a (a1), bidan_a3 (a2) / 3
    "dana_alokasi": _rp(15_000_000),             # BOK 12.000.000 + Dana Desa 3.000.000 (2025)
    "dana_belanja": _rp(4_500_000),              # 1.250.000 + 750.000 + 2.000.000 + 500.000
    "dana_serapan": _p("30.00"),                 # 4.500.000 / 15.000.000
    "sarana_buku_pedoman": _n(3),                # the unavailable copy does not count
    "kit_diberikan": _n(3),                      # da1 1 (Mar) + da2 2 (Jul)
    "dukun_kit": _p("66.67"),                    # da1, da2 / 3
    "penghargaan": _n(1),
    "teguran_sanksi": _n(1),
    "dukun_dikenal": _p("66.67"),                # da1, da3 / 3 (da4 known but not active)
    "cakupan_kemitraan": _p("66.67"),            # da1, da2 (from Apr) / 3; da3's ended 30 Jun
    "pertemuan_lintas_sektor": _p("66.67"),      # M1, M3 / M1, M2, M3
    "lintas_sektor_hadir": _n(3),                # M1: 2, M3: 1
    "pertemuan_terlaksana": _n(3),               # M1, M2, M3 (M4 cancelled, M5 not held, M0 in 2024)
    "pertemuan_rencana": _n(4),                  # default plan
    "keteraturan_pertemuan": _p("75.00"),
    "kehadiran_dukun": _p("100.00"),             # da1, da2, da3 each attended in 2025
    "pelatihan_jumlah": _n(1),
    "pelatihan_peserta_dukun": _n(1),
    "tindak_lanjut_tepat_waktu": _p("40.00"),    # T1, T5 / T1, T2, T4, T5, T7
    "tindak_lanjut_jatuh_tempo": _n(5),
    "tindak_lanjut_terlambat": _n(3),            # T0, T4 open; T7 closed 5 Jan 2026
    "rujukan_jumlah": _n(7),                     # R1–R7
    "rujukan_dari_dukun": _n(5),                 # R1, R3, R4, R6, R7
    "rujukan_sampai": _p("42.86"),               # R1, R2, R5 / 7
    "rujukan_ditolak": _n(2),                    # R3 (biaya), R6 (jarak)
    "rujukan_tidak_sampai": _n(1),               # R4
    "rujukan_waktu_sampai": _m(45),              # median of 20, 45, 90
    "persalinan_jumlah": _n(9),                  # P1–P8, P11
    "pn": _p("66.67"),                           # P1, P3, P4, P6, P7, P8 / 9
    "pn_sasaran": _p("60.00"),                   # 6 / (3 + 7)
    "pf": _p("66.67"),                           # P1, P3, P4, P6, P7, P8 / 9
    "pf_sasaran": _p("60.00"),
    "dukun_sendiri": _n(1),                      # P2
    "dukun_sendiri_persen": _p("11.11"),
    "sasaran_bersalin": _n(10),
    "kematian_ibu": _n(1),                       # P8
    "lahir_hidup": _n(9),                        # P1, P2, P3×2, P4, P6, P7, P8, P11
    "lahir_mati": _n(1),                         # P5
    "bblr": _p("33.33"),                         # P2 2300, P3 2400 and 2200 / 9
    "kn_lengkap": _p("55.56"),                   # P1, P3 first twin, P4, P6, P7 / 9
    "kn_lengkap_sasaran": _p("50.00"),           # 5 / (3 + 7)
    "sasaran_bayi": _n(10),
    "kematian_neonatal": _n(2),                  # P9 (day 16, born Dec 2024), P2 (day 0)
    "akn": _k("222.2"),                          # 2 / 9
    "kematian_bayi": _n(4),                      # + P3 second twin (day 40), P7 (day 200)
    "akb": _k("444.4"),                          # 4 / 9
    "persalinan_bermitra": _n(2),                # P4 (da3's agreement), P6 (da1's)
    "jasa_dibayar": _p("50.00"),                 # P4
    "jasa_jumlah": _rp(150_000),
    **_rinci(dana_alokasi_bok=12_000_000, dana_alokasi_dana_desa=3_000_000, dana_belanja_bok=4_000_000,
             dana_belanja_dana_desa=500_000, rujukan_alasan_biaya=1, rujukan_alasan_jarak=1,
             penolong_dokter=1, penolong_bidan=3, penolong_bidan_dukun=2, penolong_dukun=1, penolong_keluarga=2,
             tempat_rs=1, tempat_puskesmas=2, tempat_pustu=1, tempat_poskesdes=1, tempat_pmb=1, tempat_rumah=2,
             tempat_perjalanan=1),
}

# ===== Puskesmas A, March 2025 (end 31 Mar; overdue as of 1 Apr) =====
HARAPAN[("PA", "2025-03")] = {
    "dukun_terdaftar": _n(4),
    "dukun_aktif": _n(3),
    "dukun_terlatih": _p("66.67"),               # da1 (10 Feb), da3 (Nov 2024)
    "bidan_jumlah": _n(3),
    "bidan_tinggal": _p("66.67"),
    "dana_alokasi": _rp(15_000_000),             # the year of the period
    "dana_belanja": _rp(1_250_000),              # 750.000 (15 Mar) + 500.000 (28 Mar)
    "dana_serapan": _p("16.67"),                 # (1.250.000 + 750.000 + 500.000) / 15.000.000
    "sarana_buku_pedoman": _n(3),
    "kit_diberikan": _n(1),                      # da1, 5 Mar
    "dukun_kit": _p("33.33"),                    # da1 / 3 (da2's kit comes in July)
    "penghargaan": _n(0),
    "teguran_sanksi": _n(1),                     # 20 Mar
    "dukun_dikenal": _p("66.67"),
    "cakupan_kemitraan": _p("66.67"),            # da1, da3 (ends 30 Jun); da2's starts 1 Apr
    "pertemuan_lintas_sektor": _p("100.00"),     # M1
    "lintas_sektor_hadir": _n(2),
    "pertemuan_terlaksana": _n(1),
    "pertemuan_rencana": _n(1),                  # due 31 Mar
    "keteraturan_pertemuan": _p("100.00"),
    "kehadiran_dukun": _p("66.67"),              # da1, da3 at M1
    "pelatihan_jumlah": _n(0),
    "pelatihan_peserta_dukun": _n(0),
    "tindak_lanjut_tepat_waktu": _p("50.00"),    # T1 / T1, T2
    "tindak_lanjut_jatuh_tempo": _n(2),
    "tindak_lanjut_terlambat": _n(2),            # T0 (open), T2 (closed 10 Apr)
    "rujukan_jumlah": _n(3),                     # R1, R2, R3
    "rujukan_dari_dukun": _n(2),
    "rujukan_sampai": _p("66.67"),
    "rujukan_ditolak": _n(1),
    "rujukan_tidak_sampai": _n(0),
    "rujukan_waktu_sampai": _m(68),              # median of 45 and 90 = 67,5 → 68 (half up)
    "persalinan_jumlah": _n(4),                  # P1, P2, P3, P4
    "pn": _p("75.00"),
    "pn_sasaran": _p("360.00"),                  # 3 / (10 × 1/12): the target is kept exact, not rounded first
    "pf": _p("75.00"),
    "pf_sasaran": _p("360.00"),
    "dukun_sendiri": _n(1),
    "dukun_sendiri_persen": _p("25.00"),
    "sasaran_bersalin": (Decimal(10) / Decimal(12), "0,83"),
    "kematian_ibu": _n(0),
    "lahir_hidup": _n(5),
    "lahir_mati": _n(0),
    "bblr": _p("60.00"),
    "kn_lengkap": _p("60.00"),                   # P1, P3 first twin, P4
    "kn_lengkap_sasaran": _p("360.00"),
    "sasaran_bayi": (Decimal(10) / Decimal(12), "0,83"),
    "kematian_neonatal": _n(1),                  # P2's baby, 18 Mar
    "akn": _k("200.0"),
    "kematian_bayi": _n(1),
    "akb": _k("200.0"),
    "persalinan_bermitra": _n(1),                # P4
    "jasa_dibayar": _p("100.00"),
    "jasa_jumlah": _rp(150_000),
    **_rinci(dana_alokasi_bok=12_000_000, dana_alokasi_dana_desa=3_000_000, dana_belanja_bok=750_000,
             dana_belanja_dana_desa=500_000, rujukan_alasan_biaya=1, penolong_dokter=1, penolong_bidan=1,
             penolong_bidan_dukun=1, penolong_dukun=1, tempat_rs=1, tempat_puskesmas=1, tempat_pustu=1,
             tempat_rumah=1),
}

# ===== Kelurahan a1 (Penyengat Rendah, PA), 2025: Puskesmas-only measures are "–" =====
_PKM_SAJA = {k: NA for k in (
    "dana_alokasi", "dana_belanja", "dana_serapan", "sarana_buku_pedoman", "penghargaan", "teguran_sanksi",
    "pertemuan_lintas_sektor", "lintas_sektor_hadir", "pertemuan_terlaksana", "pertemuan_rencana",
    "keteraturan_pertemuan", "pelatihan_jumlah", "pelatihan_peserta_dukun", "tindak_lanjut_tepat_waktu",
    "tindak_lanjut_jatuh_tempo", "tindak_lanjut_terlambat")}

HARAPAN[("a1", "2025")] = {
    **_PKM_SAJA,
    "dukun_terdaftar": _n(2),                    # da1, da2 (da5 moved)
    "dukun_aktif": _n(2),
    "dukun_terlatih": _p("50.00"),               # da1
    "bidan_jumlah": _n(2),                       # bidan_a, bidan_a3
    "bidan_tinggal": _p("50.00"),                # bidan_a lives in a1; bidan_a3 lives in a2
    "kit_diberikan": _n(3),
    "dukun_kit": _p("100.00"),
    "dukun_dikenal": _p("50.00"),                # da1
    "cakupan_kemitraan": _p("100.00"),           # da1, da2
    "kehadiran_dukun": _p("100.00"),             # da1 (M1, M2), da2 (M3)
    "rujukan_jumlah": _n(4),                     # R1, R2, R5, R7
    "rujukan_dari_dukun": _n(2),                 # R1, R7
    "rujukan_sampai": _p("75.00"),
    "rujukan_ditolak": _n(0),
    "rujukan_tidak_sampai": _n(0),
    "rujukan_waktu_sampai": _m(45),
    "persalinan_jumlah": _n(6),                  # P1, P2, P3, P6, P7, P11
    "pn": _p("66.67"),                           # P1, P3, P6, P7
    "pn_sasaran": _p("133.33"),                  # 4 / 3: the target is below the recorded deliveries
    "pf": _p("66.67"),
    "pf_sasaran": _p("133.33"),
    "dukun_sendiri": _n(1),
    "dukun_sendiri_persen": _p("16.67"),
    "sasaran_bersalin": _n(3),
    "kematian_ibu": _n(0),
    "lahir_hidup": _n(7),                        # P1, P2, P3×2, P6, P7, P11
    "lahir_mati": _n(0),
    "bblr": _p("42.86"),                         # 3 / 7
    "kn_lengkap": _p("57.14"),                   # P1, P3 first twin, P6, P7 / 7
    "kn_lengkap_sasaran": _p("133.33"),
    "sasaran_bayi": _n(3),
    "kematian_neonatal": _n(2),                  # P9, P2
    "akn": _k("285.7"),                          # 2 / 7
    "kematian_bayi": _n(4),
    "akb": _k("571.4"),                          # 4 / 7
    "persalinan_bermitra": _n(1),                # P6
    "jasa_dibayar": _p("0.00"),
    "jasa_jumlah": _rp(0),
    **_rinci(kelurahan=True, penolong_dokter=1, penolong_bidan=2, penolong_bidan_dukun=1, penolong_dukun=1,
             penolong_keluarga=1, tempat_rs=1, tempat_puskesmas=1, tempat_poskesdes=1, tempat_pmb=1,
             tempat_rumah=1, tempat_perjalanan=1),
}

HARAPAN[("a1", "2025-03")] = {
    **_PKM_SAJA,
    "dukun_terdaftar": _n(2),
    "dukun_aktif": _n(2),
    "dukun_terlatih": _p("50.00"),
    "bidan_jumlah": _n(2),
    "bidan_tinggal": _p("50.00"),
    "kit_diberikan": _n(1),
    "dukun_kit": _p("50.00"),                    # da1
    "dukun_dikenal": _p("50.00"),
    "cakupan_kemitraan": _p("50.00"),            # da1 (da2's agreement starts 1 Apr)
    "kehadiran_dukun": _p("50.00"),              # da1 at M1
    "rujukan_jumlah": _n(2),                     # R1, R2
    "rujukan_dari_dukun": _n(1),
    "rujukan_sampai": _p("100.00"),
    "rujukan_ditolak": _n(0),
    "rujukan_tidak_sampai": _n(0),
    "rujukan_waktu_sampai": _m(68),
    "persalinan_jumlah": _n(3),                  # P1, P2, P3
    "pn": _p("66.67"),
    "pn_sasaran": _p("800.00"),                  # 2 / 0,25
    "pf": _p("66.67"),
    "pf_sasaran": _p("800.00"),
    "dukun_sendiri": _n(1),
    "dukun_sendiri_persen": _p("33.33"),
    "sasaran_bersalin": _n("0.25"),
    "kematian_ibu": _n(0),
    "lahir_hidup": _n(4),
    "lahir_mati": _n(0),
    "bblr": _p("75.00"),
    "kn_lengkap": _p("50.00"),
    "kn_lengkap_sasaran": _p("800.00"),
    "sasaran_bayi": _n("0.25"),
    "kematian_neonatal": _n(1),
    "akn": _k("250.0"),
    "kematian_bayi": _n(1),
    "akb": _k("250.0"),
    "persalinan_bermitra": _n(0),
    "jasa_dibayar": NA,                          # 0 / 0
    "jasa_jumlah": _rp(0),
    **_rinci(kelurahan=True, penolong_dokter=1, penolong_bidan=1, penolong_dukun=1, tempat_rs=1,
             tempat_puskesmas=1, tempat_rumah=1),
}

# ===== Puskesmas B, 2025 =====
HARAPAN[("PB", "2025")] = {
    "dukun_terdaftar": _n(2),                    # db1, db2 (db3 died)
    "dukun_aktif": _n(2),
    "dukun_terlatih": _p("50.00"),               # db1 (15 Sep)
    "bidan_jumlah": _n(2),                       # bidan_b, bidan_b2
    "bidan_tinggal": _p("50.00"),                # bidan_b2
    "dana_alokasi": _rp(5_000_000),
    "dana_belanja": _rp(1_000_000),
    "dana_serapan": _p("20.00"),
    "sarana_buku_pedoman": _n(2),
    "kit_diberikan": _n(1),
    "dukun_kit": _p("50.00"),
    "penghargaan": _n(0),
    "teguran_sanksi": _n(1),
    "dukun_dikenal": _p("50.00"),
    "cakupan_kemitraan": _p("50.00"),
    "pertemuan_lintas_sektor": _p("100.00"),
    "lintas_sektor_hadir": _n(3),
    "pertemuan_terlaksana": _n(1),               # Jun lokmin (the Jan 2026 meeting is after the year)
    "pertemuan_rencana": _n(8),                  # explicit plan: 6 routine + 2 lokmin
    "keteraturan_pertemuan": _p("12.50"),
    "kehadiran_dukun": _p("50.00"),
    "pelatihan_jumlah": _n(1),
    "pelatihan_peserta_dukun": _n(1),
    "tindak_lanjut_tepat_waktu": _p("100.00"),   # T8 closed on its due day
    "tindak_lanjut_jatuh_tempo": _n(1),
    "tindak_lanjut_terlambat": _n(0),
    "rujukan_jumlah": _n(2),
    "rujukan_dari_dukun": _n(2),
    "rujukan_sampai": _p("50.00"),
    "rujukan_ditolak": _n(1),
    "rujukan_tidak_sampai": _n(0),
    "rujukan_waktu_sampai": _m(65),
    "persalinan_jumlah": _n(3),                  # Q1, Q2, Q3
    "pn": _p("66.67"),                           # Q1, Q3
    "pn_sasaran": _p("50.00"),                   # 2 / 4 (b2 has no target)
    "pf": _p("66.67"),
    "pf_sasaran": _p("50.00"),
    "dukun_sendiri": _n(1),
    "dukun_sendiri_persen": _p("33.33"),
    "sasaran_bersalin": _n(4),
    "kematian_ibu": _n(0),
    "lahir_hidup": _n(3),                        # Q1, Q2, Q3 first twin
    "lahir_mati": _n(1),                         # Q3 second twin
    "bblr": _p("33.33"),                         # Q2 2450 (the stillborn 1800 g is not a live birth)
    "kn_lengkap": _p("33.33"),                   # Q1
    "kn_lengkap_sasaran": _p("25.00"),
    "sasaran_bayi": _n(4),
    "kematian_neonatal": _n(0),
    "akn": _k("0.0"),
    "kematian_bayi": _n(0),
    "akb": _k("0.0"),
    "persalinan_bermitra": _n(1),
    "jasa_dibayar": _p("100.00"),
    "jasa_jumlah": _rp(200_000),
    **_rinci(dana_alokasi_apbd=5_000_000, dana_belanja_apbd=1_000_000, rujukan_alasan_kepercayaan=1,
             penolong_dokter=1, penolong_bidan_dukun=1, penolong_dukun=1, tempat_rs=1, tempat_puskesmas=1,
             tempat_rumah=1),
}

# ===== Puskesmas D, 2025: no money, no meeting, no referral =====
HARAPAN[("PD", "2025")] = {
    "dukun_terdaftar": _n(3),
    "dukun_aktif": _n(3),
    "dukun_terlatih": _p("0.00"),
    "bidan_jumlah": _n(1),                       # the inactive bidan does not count
    "bidan_tinggal": _p("100.00"),
    "dana_alokasi": _rp(0),
    "dana_belanja": _rp(0),
    "dana_serapan": NA,                          # 0 / 0
    "sarana_buku_pedoman": _n(0),
    "kit_diberikan": _n(0),                      # dd1's kit is of Jan 2026
    "dukun_kit": _p("0.00"),
    "penghargaan": _n(0),
    "teguran_sanksi": _n(0),
    "dukun_dikenal": _p("66.67"),                # dd1, dd2
    "cakupan_kemitraan": _p("33.33"),            # dd1
    "pertemuan_lintas_sektor": NA,
    "lintas_sektor_hadir": _n(0),
    "pertemuan_terlaksana": _n(0),
    "pertemuan_rencana": _n(4),
    "keteraturan_pertemuan": _p("0.00"),
    "kehadiran_dukun": _p("0.00"),
    "pelatihan_jumlah": _n(1),                   # bidan coaching only
    "pelatihan_peserta_dukun": _n(0),
    "tindak_lanjut_tepat_waktu": NA,
    "tindak_lanjut_jatuh_tempo": _n(0),
    "tindak_lanjut_terlambat": _n(0),
    "rujukan_jumlah": _n(0),
    "rujukan_dari_dukun": _n(0),
    "rujukan_sampai": NA,
    "rujukan_ditolak": _n(0),
    "rujukan_tidak_sampai": _n(0),
    "rujukan_waktu_sampai": NA,
    "persalinan_jumlah": _n(2),                  # S1, S2
    "pn": _p("50.00"),
    "pn_sasaran": _p("25.00"),                   # 1 / 4
    "pf": _p("50.00"),
    "pf_sasaran": _p("25.00"),
    "dukun_sendiri": _n(1),
    "dukun_sendiri_persen": _p("50.00"),
    "sasaran_bersalin": _n(4),
    "kematian_ibu": _n(0),
    "lahir_hidup": _n(2),
    "lahir_mati": _n(0),
    "bblr": _p("0.00"),
    "kn_lengkap": _p("50.00"),
    "kn_lengkap_sasaran": _p("25.00"),
    "sasaran_bayi": _n(4),
    "kematian_neonatal": _n(0),
    "akn": _k("0.0"),
    "kematian_bayi": _n(0),
    "akb": _k("0.0"),
    "persalinan_bermitra": _n(0),                # S1 is a dukun alone: no bidan, no partnership
    "jasa_dibayar": NA,
    "jasa_jumlah": _rp(0),
    **_rinci(penolong_bidan=1, penolong_dukun=1, tempat_puskesmas=1, tempat_rumah=1),
}

# ===== Kota Jambi (PA + PB + PD; never PC), 2025 =====
HARAPAN[("kota", "2025")] = {
    "dukun_terdaftar": _n(9),                    # 4 + 2 + 3
    "dukun_aktif": _n(8),                        # 3 + 2 + 3
    "dukun_terlatih": _p("37.50"),               # da1, da3, db1 / 8
    "bidan_jumlah": _n(6),                       # 3 + 2 + 1
    "bidan_tinggal": _p("66.67"),                # 4 / 6
    "dana_alokasi": _rp(20_000_000),
    "dana_belanja": _rp(5_500_000),
    "dana_serapan": _p("27.50"),
    "sarana_buku_pedoman": _n(5),
    "kit_diberikan": _n(4),
    "dukun_kit": _p("37.50"),                    # da1, da2, db1 / 8
    "penghargaan": _n(1),
    "teguran_sanksi": _n(2),
    "dukun_dikenal": _p("62.50"),                # da1, da3, db1, dd1, dd2 / 8
    "cakupan_kemitraan": _p("50.00"),            # da1, da2, db1, dd1 / 8
    "pertemuan_lintas_sektor": _p("75.00"),      # 3 / 4
    "lintas_sektor_hadir": _n(6),
    "pertemuan_terlaksana": _n(4),
    "pertemuan_rencana": _n(16),                 # 4 + 8 + 4
    "keteraturan_pertemuan": _p("25.00"),
    "kehadiran_dukun": _p("50.00"),              # da1, da2, da3, db1 / 8
    "pelatihan_jumlah": _n(3),
    "pelatihan_peserta_dukun": _n(2),
    "tindak_lanjut_tepat_waktu": _p("50.00"),    # 3 / 6
    "tindak_lanjut_jatuh_tempo": _n(6),
    "tindak_lanjut_terlambat": _n(3),
    "rujukan_jumlah": _n(9),
    "rujukan_dari_dukun": _n(7),
    "rujukan_sampai": _p("44.44"),               # 4 / 9
    "rujukan_ditolak": _n(3),
    "rujukan_tidak_sampai": _n(1),
    "rujukan_waktu_sampai": _m(55),              # median of 20, 45, 65, 90 = 55
    "persalinan_jumlah": _n(14),                 # 9 + 3 + 2
    "pn": _p("64.29"),                           # 9 / 14
    "pn_sasaran": _p("50.00"),                   # 9 / 18
    "pf": _p("64.29"),
    "pf_sasaran": _p("50.00"),
    "dukun_sendiri": _n(3),
    "dukun_sendiri_persen": _p("21.43"),
    "sasaran_bersalin": _n(18),                  # 3 + 7 + 4 + 2 + 2
    "kematian_ibu": _n(1),
    "lahir_hidup": _n(14),                       # 9 + 3 + 2
    "lahir_mati": _n(2),
    "bblr": _p("28.57"),                         # 4 / 14
    "kn_lengkap": _p("50.00"),                   # 7 / 14
    "kn_lengkap_sasaran": _p("38.89"),           # 7 / 18
    "sasaran_bayi": _n(18),
    "kematian_neonatal": _n(2),
    "akn": _k("142.9"),                          # 2 / 14
    "kematian_bayi": _n(4),
    "akb": _k("285.7"),                          # 4 / 14
    "persalinan_bermitra": _n(3),                # P4, P6, Q1
    "jasa_dibayar": _p("66.67"),                 # P4, Q1
    "jasa_jumlah": _rp(350_000),
    **_rinci(dana_alokasi_bok=12_000_000, dana_alokasi_dana_desa=3_000_000, dana_alokasi_apbd=5_000_000,
             dana_belanja_bok=4_000_000, dana_belanja_dana_desa=500_000, dana_belanja_apbd=1_000_000,
             rujukan_alasan_biaya=1, rujukan_alasan_jarak=1, rujukan_alasan_kepercayaan=1, penolong_dokter=2,
             penolong_bidan=4, penolong_bidan_dukun=3, penolong_dukun=3, penolong_keluarga=2, tempat_rs=2,
             tempat_puskesmas=4, tempat_pustu=1, tempat_poskesdes=1, tempat_pmb=1, tempat_rumah=4,
             tempat_perjalanan=1),
}

# ===== Kota Jambi, March 2025 (only PA had deliveries, referrals and a meeting in March) =====
HARAPAN[("kota", "2025-03")] = {
    **HARAPAN[("PA", "2025-03")],
    "dukun_terdaftar": _n(9),
    "dukun_aktif": _n(8),
    "dukun_terlatih": _p("25.00"),               # da1, da3 / 8
    "bidan_jumlah": _n(6),
    "bidan_tinggal": _p("66.67"),
    "dana_alokasi": _rp(20_000_000),
    "dana_serapan": _p("12.50"),                 # 2.500.000 / 20.000.000
    "sarana_buku_pedoman": _n(5),
    "dukun_kit": _p("25.00"),                    # da1, db1 (Feb) / 8
    "dukun_dikenal": _p("62.50"),
    "cakupan_kemitraan": _p("50.00"),            # da1, da3, db1, dd1 / 8
    "pertemuan_rencana": _n(2),                  # PA 31 Mar, PD 31 Mar; PB's are due 28 Feb and 30 Apr
    "keteraturan_pertemuan": _p("50.00"),
    "kehadiran_dukun": _p("25.00"),              # da1, da3 / 8
    "pn_sasaran": _p("200.00"),                  # 3 / 1,50 (18 / 12)
    "pf_sasaran": _p("200.00"),
    "sasaran_bersalin": _n("1.50"),
    "kn_lengkap_sasaran": _p("200.00"),
    "sasaran_bayi": _n("1.50"),
    **_rinci(dana_alokasi_bok=12_000_000, dana_alokasi_dana_desa=3_000_000, dana_alokasi_apbd=5_000_000,
             dana_belanja_bok=750_000, dana_belanja_dana_desa=500_000, rujukan_alasan_biaya=1, penolong_dokter=1,
             penolong_bidan=1, penolong_bidan_dukun=1, penolong_dukun=1, tempat_rs=1, tempat_puskesmas=1,
             tempat_pustu=1, tempat_rumah=1),
}

# ===== The previous period (Hasil.sebelumnya): a few figures =====
SEBELUMNYA: dict[tuple[str, str], dict] = {
    # PA 2024 (end 31 Dec 2024; overdue as of 1 Jan 2025).
    ("PA", "2025"): {
        "persalinan_jumlah": _n(1),              # P9
        "pn": _p("100.00"),
        "pn_sasaran": _p("8.33"),                # 1 / 12 (a1's 2024 target; a2 had none)
        "lahir_hidup": _n(1),
        "kematian_bayi": _n(0),                  # P9's baby died in 2025
        "akb": _k("0.0"),
        "pertemuan_terlaksana": _n(1),           # M0
        "keteraturan_pertemuan": _p("25.00"),
        "rujukan_sampai": _p("100.00"),          # R0
        "rujukan_waktu_sampai": _m(30),
        "dana_alokasi": _rp(10_000_000),
        "dana_belanja": _rp(400_000),
        "dana_serapan": _p("4.00"),
        "tindak_lanjut_tepat_waktu": _p("0.00"),  # T0 due, not closed
        "tindak_lanjut_terlambat": _n(1),
        "cakupan_kemitraan": _p("66.67"),        # da1 (from Jun 2024), da3
        "dukun_terlatih": _p("33.33"),           # da3 (Nov 2024)
        "dukun_kit": _p("0.00"),
        "kehadiran_dukun": _p("33.33"),          # da1 at M0
    },
    # PA February 2025.
    ("PA", "2025-03"): {
        "persalinan_jumlah": _n(0),
        "pn": NA,
        "akb": NA,
        "keteraturan_pertemuan": NA,             # nothing due in February
        "tindak_lanjut_tepat_waktu": NA,
        "tindak_lanjut_terlambat": _n(1),        # T0
        "cakupan_kemitraan": _p("66.67"),
        "dana_belanja": _rp(0),
        "dana_serapan": _p("8.33"),              # 1.250.000 / 15.000.000
        "rujukan_sampai": NA,
        "rujukan_waktu_sampai": NA,
        "sasaran_bersalin": (Decimal(10) / Decimal(12), "0,83"),
    },
    # Kota Jambi 2024.
    ("kota", "2025"): {
        "persalinan_jumlah": _n(1),
        "pertemuan_rencana": _n(12),             # PB's explicit plan is for 2025 only
        "keteraturan_pertemuan": _p("8.33"),
        "dana_alokasi": _rp(10_000_000),
        "dana_serapan": _p("4.00"),
        "cakupan_kemitraan": _p("37.50"),        # da1, da3, db1 / 8 (dd1's starts 15 Jan 2025)
    },
}

# PA's deliveries per month of 2025 (tren): Jan P7, Mar P1–P4, Jun P5, Aug P6, Oct P8, Dec P11.
TREN_PA_2025 = {
    "persalinan_jumlah": [1, 0, 4, 0, 0, 1, 0, 1, 0, 1, 0, 1],
    "persalinan_dukun_sendiri": [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    "persalinan_penolong_bidan": [1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0],
    "kematian_bayi": [1, 0, 1, 0, 1, 0, 1, 0, 0, 0, 0, 0],   # Jan P9, Mar P2, May P3b, Jul P7
}
