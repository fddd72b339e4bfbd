"""Mothers, pregnancies, referrals, deliveries, babies and case reviews of one kabupaten in one year.

Written in one pass per (kabupaten, year), so memory holds one chunk (about 35,000 deliveries at scale 1).
The fields the models derive on save are set here the same way: the kelurahan and Puskesmas copied from the
mother, the HPL by Naegele's rule, the babies' KN flags from the visit dates and the age at death in days.
"""

from __future__ import annotations

import datetime as dt
import math

from dukun.models import StatusDukun
from kemitraan.models import JenisPembagianJasa
from kia.models import (
    AlasanPenolakan,
    Bayi,
    FaktorRisiko,
    Ibu,
    JenisKajian,
    JenisRujukan,
    KajianKasus,
    Kehamilan,
    Komplikasi,
    Penolong,
    PeranDukun,
    Persalinan,
    Rujukan,
    SebabKematianBayi,
    SebabKematianIbu,
    StatusIbu,
    StatusKajian,
    StatusLahir,
    StatusRujukan,
    TandaBahaya,
    TempatPersalinan,
    hpl_naegele,
)
from skala import nama as N
from skala.struktur import CBR, Dunia

KOLOM_IBU = ["id", "nama", "tanggal_lahir", "umur_tercatat", "umur_dicatat_pada", "kelurahan_id", "puskesmas_id",
             "alamat", "rt", "rw", "dukun_id", "dicatat_pada"]
KOLOM_HAMIL = ["id", "ibu_id", "tanggal_daftar", "hpht", "hpl", "gravida", "para", "abortus", "faktor_risiko",
               "dukun_id", "kelurahan_id", "puskesmas_id", "dicatat_pada"]
KOLOM_RUJUK = ["id", "ibu_id", "kehamilan_id", "jenis", "dukun_id", "bidan_id", "fasilitas_tujuan_id", "waktu_rujuk",
               "alasan", "tanda_bahaya", "status", "waktu_diterima", "waktu_ditangani", "waktu_batal",
               "alasan_penolakan", "keterangan_status", "kelurahan_id", "puskesmas_id", "dicatat_pada"]
KOLOM_SALIN = ["id", "ibu_id", "kehamilan_id", "rujukan_id", "tanggal", "jam", "tempat", "fasilitas_id", "penolong",
               "bidan_id", "dukun_id", "peran_dukun", "komplikasi", "status_ibu", "tanggal_meninggal_ibu",
               "sebab_kematian_ibu", "kf1", "kf2", "kf3", "kf4", "kemitraan_id", "jasa_dukun_jumlah",
               "jasa_dukun_tanggal", "kelurahan_id", "puskesmas_id", "dicatat_pada"]
KOLOM_BAYI = ["id", "persalinan_id", "urutan", "jenis_kelamin", "berat_lahir_gram", "status_lahir", "imd",
              "vitamin_k1", "hb0", "kn1", "kn2", "kn3", "kn1_diterima", "kn_lengkap", "tanggal_meninggal",
              "umur_meninggal_hari", "sebab_kematian", "keterangan_kematian", "kelurahan_id", "puskesmas_id",
              "dicatat_pada"]
KOLOM_KAJIAN = ["jenis", "kunci", "persalinan_id", "bayi_id", "kelurahan_id", "puskesmas_id", "dibuat_pada", "status",
                "kronologi", "rencana_perbaikan", "ditutup_pada"]

HARI = dt.timedelta(days=1)
JAM = [dt.time(h, m) for h in range(24) for m in (0, 15, 30, 45)]
TANDA_RUJUK = [TandaBahaya.PERDARAHAN, TandaBahaya.PERSALINAN_LAMA, TandaBahaya.KETUBAN_PECAH_DINI,
               TandaBahaya.KEJANG, TandaBahaya.BENGKAK, TandaBahaya.DEMAM, TandaBahaya.GERAK_JANIN]
KOMPLIKASI = [Komplikasi.PERDARAHAN, Komplikasi.PARTUS_LAMA, Komplikasi.PREEKLAMPSIA, Komplikasi.INFEKSI,
              Komplikasi.RETENSIO]
PERAN_LENGKAP = [PeranDukun.MENDAMPINGI, PeranDukun.MERAWAT_BAYI, PeranDukun.MEMANDIKAN_BAYI,
                 PeranDukun.PERAWATAN_NIFAS]
PERAN = [PERAN_LENGKAP, PERAN_LENGKAP[:1], PERAN_LENGKAP[:3], [PeranDukun.MENDAMPINGI, PeranDukun.PERAWATAN_NIFAS]]
ALASAN_TOLAK = [AlasanPenolakan.BIAYA] * 6 + [AlasanPenolakan.JARAK] * 5 + [AlasanPenolakan.KEPERCAYAAN] * 4 + [
    AlasanPenolakan.KEPUTUSAN_KELUARGA] * 4 + [AlasanPenolakan.LAINNYA]
SEBAB_IBU = [SebabKematianIbu.PERDARAHAN] * 4 + [SebabKematianIbu.HIPERTENSI] * 3 + [SebabKematianIbu.INFEKSI,
                                                                                    SebabKematianIbu.JANTUNG]
SEBAB_NEONATAL = [SebabKematianBayi.ASFIKSIA] * 3 + [SebabKematianBayi.SEPSIS] * 2 + [
    SebabKematianBayi.KELAINAN_BAWAAN]
SEBAB_BAYI = [SebabKematianBayi.PNEUMONIA] * 3 + [SebabKematianBayi.DIARE] * 2 + [SebabKematianBayi.SEPSIS]
HARI_NEONATAL = [0] * 8 + [1, 1, 2, 2, 3, 4, 5, 6, 7] + [9, 12, 16, 21]
RT = [f"{i:03d}" for i in range(1, 16)]
RW = [f"{i:03d}" for i in range(1, 9)]
GRAVIDA = [1] * 30 + [2] * 32 + [3] * 20 + [4] * 10 + [5] * 5 + [6] * 3
RISIKO_LAIN = [[FaktorRisiko.ANEMIA]] * 5 + [[FaktorRisiko.HIPERTENSI]] * 3 + [[FaktorRisiko.RIWAYAT_SC]] * 4 + [
    [FaktorRisiko.PENDEK], [FaktorRisiko.JARAK_DEKAT]]


def jumlah_lahir(d: Dunia) -> dict[str, dict[int, int]]:
    """Deliveries per kelurahan and year: the crude birth rate × population, slowly falling, with noise."""
    out = {}
    for k in d.kel.values():
        rng = d.rng("lahir", k.kode)
        per = {}
        for i, tahun in enumerate(d.tahun):
            a, b = max(d.mulai, dt.date(tahun, 1, 1)), min(d.batas, dt.date(tahun, 12, 31))
            mu = k.penduduk * CBR * (1 - 0.012 * i) * ((b - a).days + 1) / 365.25
            per[tahun] = max(0, round(rng.gauss(mu, math.sqrt(mu))))
        out[k.kode] = per
    return out


def _aktif_pada(dukun: tuple, tanggal: dt.date) -> bool:
    return dukun[2] == StatusDukun.AKTIF or (dukun[3] is not None and dukun[3] > tanggal)


class _Potongan:
    def __init__(self):
        self.ibu, self.hamil, self.rujuk, self.salin, self.bayi, self.kajian = [], [], [], [], [], []

    def tulis(self, d: Dunia) -> None:
        w = d.penulis
        w.tulis(Ibu, KOLOM_IBU, self.ibu)
        w.tulis(Kehamilan, KOLOM_HAMIL, self.hamil)
        w.tulis(Rujukan, KOLOM_RUJUK, self.rujuk)
        w.tulis(Persalinan, KOLOM_SALIN, self.salin)
        w.tulis(Bayi, KOLOM_BAYI, self.bayi)
        w.tulis(KajianKasus, KOLOM_KAJIAN, self.kajian)


def buat_kia(d: Dunia, kab: str, tahun: int, lahir: dict, ibu_lama: dict[str, list]) -> None:
    """Every record of mothers in `kab` whose delivery falls in `tahun`; ongoing pregnancies in the last year."""
    w, rng = d.penulis, d.rng("kia", kab, tahun)
    R, batas = rng.random, d.batas
    pot = _Potongan()
    a, b = max(d.mulai, dt.date(tahun, 1, 1)), min(batas, dt.date(tahun, 12, 31))
    span = (b - a).days + 1
    hari = [a + HARI * i for i in range(span)]
    kemajuan = (tahun - d.mulai.year) / max(1, batas.year - d.mulai.year)
    # Dukun-alone deliveries fall from 15% to 2%; the bidan attends with a partnered dukun more often.
    p_dukun = 0.15 - 0.13 * kemajuan
    p_keluarga = 0.006
    p_dokter = 0.17
    p_bd = 0.08 + 0.16 * kemajuan
    p_rumah_bidan = 0.12 - 0.09 * kemajuan
    pertengahan = a + HARI * (span // 2)
    hpl_cache: dict[dt.date, dt.date] = {}
    ids_ibu = iter(w.ids(Ibu, sum(lahir[k.kode][tahun] for p in d.pkm if p.kab == kab for k in p.kel)))

    def waktu(tanggal: dt.date, menit: int) -> dt.datetime:
        return d.pada(tanggal, 0) + dt.timedelta(minutes=menit)

    def hpl(hpht: dt.date) -> dt.date:
        v = hpl_cache.get(hpht)
        if v is None:
            v = hpl_cache[hpht] = hpl_naegele(hpht)
        return v

    umur_acak = [min(44, max(16, int(rng.triangular(16, 44, 27)))) for _i in range(1000)]
    nama_acak = [f"{rng.choice(N.PEREMPUAN)} {rng.choice(N.BELAKANG)}" for _i in range(1000)]
    for p in d.pkm:
        if p.kab != kab:
            continue
        dukun_pkm = [dk for dk in p.dukun if _aktif_pada(dk, pertengahan)]
        pustu = [k.pustu for k in p.kel if k.pustu]
        poskesdes = [k.poskesdes for k in p.kel if k.poskesdes]
        for k in p.kel:
            kel, pkm = k.kode, p.id
            dukun_kel = [dk[0] for dk in dukun_pkm if dk[1] == kel] or [dk[0] for dk in dukun_pkm]
            mitra = [m for m in k.mitra if m[3] <= pertengahan and (m[4] is None or m[4] > pertengahan)]
            if not mitra:
                mitra = [m for kk in p.kel for m in kk.mitra if m[3] <= pertengahan and
                         (m[4] is None or m[4] > pertengahan)]
            bidan_kel = k.bidan
            lama = ibu_lama.setdefault(kel, [])
            baru_lama = []
            menit_jarak = 30 if k.kota else 70
            alamat = f"Kp. {k.nama.title()}"
            for _i in range(lahir[kel][tahun]):
                tgl = hari[int(R() * span)]
                pada = d.pada(tgl)
                # --- the mother ---
                ulang = None
                if lama and R() < 0.12:
                    j = int(R() * len(lama))
                    if (tgl - lama[j][4]).days > 600:
                        ulang = lama[j]
                        lama[j] = lama[-1]
                        lama.pop()
                if ulang:
                    ibu_id, tgl_lahir, umur_t, umur_pada = ulang[0], ulang[1], ulang[2], ulang[3]
                    umur = (tgl - tgl_lahir).days // 365 if tgl_lahir else umur_t + (tgl - umur_pada).days // 365
                    gravida = ulang[5] + 1
                else:
                    ibu_id = next(ids_ibu)
                    umur = umur_acak[int(R() * 1000)]
                    gravida = 1 if umur < 21 else GRAVIDA[int(R() * 100)]
                    if R() < 0.05:
                        tgl_lahir, umur_t, umur_pada = None, umur, tgl - HARI * int(R() * 200)
                    else:
                        tgl_lahir = tgl - HARI * (umur * 365 + int(R() * 360) + 3)
                        umur_t = umur_pada = None
                # --- pregnancy ---
                prematur = R() < 0.08
                hamil_hari = (230 + int(R() * 29)) if prematur else (259 + int(R() * 35))
                hpht = tgl - HARI * hamil_hari
                daftar = min(tgl, batas, hpht + HARI * (42 + int(R() * 110)))
                dukun_hamil = dukun_kel[int(R() * len(dukun_kel))] if dukun_kel and R() < 0.2 else None
                abortus = 1 if gravida > 1 and R() < 0.1 else 0
                para = gravida - 1 - abortus
                risiko = []
                if umur < 20 or umur > 35:
                    risiko.append(FaktorRisiko.UMUR)
                if para > 4:
                    risiko.append(FaktorRisiko.ANAK_BANYAK)
                if R() < 0.12:
                    risiko += rng.choice(RISIKO_LAIN)
                if not ulang:
                    pot.ibu.append((ibu_id, nama_acak[int(R() * 1000)], tgl_lahir, umur_t, umur_pada, kel, pkm,
                                    alamat, RT[int(R() * 15)], RW[int(R() * 8)], dukun_hamil, d.pada(daftar)))
                if R() < 0.95:
                    hamil_id = w.id(Kehamilan)
                    pot.hamil.append((hamil_id, ibu_id, daftar, hpht, hpl(hpht), gravida, para, abortus, risiko,
                                      dukun_hamil, kel, pkm, d.pada(daftar)))
                else:
                    hamil_id = None
                if dukun_hamil and R() < 0.4:  # the dukun brings her to the bidan
                    r = R()
                    status = (StatusRujukan.DITANGANI if r < 0.9 else StatusRujukan.DITERIMA if r < 0.95
                              else StatusRujukan.DITOLAK_KELUARGA if r < 0.98 else StatusRujukan.TIDAK_SAMPAI)
                    _rujuk(pot, w, rng, ibu_id, hamil_id, JenisRujukan.DUKUN_KE_BIDAN, dukun_hamil,
                           bidan_kel[int(R() * len(bidan_kel))], None, waktu(daftar, 480 + int(R() * 480)), status,
                           menit_jarak, kel, pkm, "Ibu hamil diantar dukun untuk pemeriksaan kehamilan.", [])
                # --- delivery ---
                r = R()
                if r < p_dukun:
                    penolong = Penolong.DUKUN
                elif r < p_dukun + p_keluarga:
                    penolong = Penolong.KELUARGA
                elif r < p_dukun + p_keluarga + p_dokter:
                    penolong = Penolong.DOKTER
                elif r < p_dukun + p_keluarga + p_dokter + p_bd:
                    penolong = Penolong.BIDAN_DUKUN
                else:
                    penolong = Penolong.BIDAN
                if penolong == Penolong.DUKUN and not dukun_kel:
                    penolong = Penolong.KELUARGA
                if penolong in (Penolong.DUKUN, Penolong.KELUARGA):
                    tempat = TempatPersalinan.PERJALANAN if R() < (0.07 if penolong == Penolong.DUKUN else 0.3) \
                        else TempatPersalinan.RUMAH
                elif penolong == Penolong.DOKTER:
                    tempat = TempatPersalinan.RS if R() < 0.85 else TempatPersalinan.PUSKESMAS
                else:
                    r = R()
                    if r < p_rumah_bidan:
                        tempat = TempatPersalinan.RUMAH
                    elif r < p_rumah_bidan + 0.05:
                        tempat = TempatPersalinan.RS
                    elif r < p_rumah_bidan + 0.35:
                        tempat = TempatPersalinan.PMB
                    elif r < p_rumah_bidan + 0.45:
                        tempat = TempatPersalinan.POSKESDES if poskesdes else TempatPersalinan.PUSKESMAS
                    elif r < p_rumah_bidan + 0.52:
                        tempat = TempatPersalinan.PUSTU if pustu else TempatPersalinan.PUSKESMAS
                    else:
                        tempat = TempatPersalinan.PUSKESMAS
                if tempat == TempatPersalinan.PUSKESMAS:
                    fas = p.induk
                elif tempat == TempatPersalinan.RS:
                    fas = p.rs
                elif tempat == TempatPersalinan.PMB:
                    fas = p.pmb[int(R() * len(p.pmb))]
                elif tempat == TempatPersalinan.POSKESDES:
                    fas = k.poskesdes or poskesdes[int(R() * len(poskesdes))]
                elif tempat == TempatPersalinan.PUSTU:
                    fas = k.pustu or pustu[int(R() * len(pustu))]
                else:
                    fas = None
                bidan = dukun = kemitraan = jasa = jasa_tgl = None
                peran = []
                if penolong in (Penolong.BIDAN, Penolong.BIDAN_DUKUN):
                    bidan = bidan_kel[int(R() * len(bidan_kel))]
                if penolong == Penolong.BIDAN_DUKUN:
                    peran = PERAN[int(R() * 4)]
                    m = mitra[int(R() * len(mitra))] if mitra and R() < 0.9 else None
                    if m and m[3] <= tgl and (m[4] is None or m[4] > tgl):
                        kemitraan, bidan, dukun = m[0], m[1], m[2]
                        if m[5] != JenisPembagianJasa.TIDAK_ADA and R() < 0.75:
                            bayar = tgl + HARI * (7 + int(R() * 36))
                            if bayar <= batas:
                                jasa_tgl = bayar
                                jasa = m[6] if m[5] == JenisPembagianJasa.NOMINAL else m[6] * 8_000
                    elif dukun_kel:
                        dukun = dukun_kel[int(R() * len(dukun_kel))]
                    else:
                        penolong, peran = Penolong.BIDAN, []
                elif penolong == Penolong.DUKUN:
                    dukun = dukun_kel[int(R() * len(dukun_kel))]
                # Referral before the delivery: to the RS, or refused, or never arrived.
                rujukan = None
                if tempat == TempatPersalinan.RS and R() < 0.55:
                    jam = int(R() * 18 * 60)
                    rujukan = _rujuk(pot, w, rng, ibu_id, hamil_id, JenisRujukan.BIDAN_KE_FASILITAS, None,
                                     bidan_kel[int(R() * len(bidan_kel))], p.rs, waktu(tgl, jam),
                                     StatusRujukan.DITANGANI if R() < 0.95 else StatusRujukan.DITERIMA, menit_jarak,
                                     kel, pkm, "Perlu penanganan di rumah sakit.", [TANDA_RUJUK[int(R() * 7)]])
                elif tempat == TempatPersalinan.RUMAH and R() < 0.06:
                    rujukan = _rujuk(pot, w, rng, ibu_id, hamil_id, JenisRujukan.BIDAN_KE_FASILITAS, None,
                                     bidan_kel[int(R() * len(bidan_kel))], p.rs, waktu(tgl, int(R() * 600)),
                                     StatusRujukan.DITOLAK_KELUARGA, menit_jarak, kel, pkm,
                                     "Dianjurkan bersalin di rumah sakit.", [TANDA_RUJUK[int(R() * 7)]])
                elif tempat == TempatPersalinan.PERJALANAN and R() < 0.5:
                    rujukan = _rujuk(pot, w, rng, ibu_id, hamil_id, JenisRujukan.BIDAN_KE_FASILITAS, None,
                                     bidan_kel[int(R() * len(bidan_kel))], p.rs, waktu(tgl, int(R() * 600)),
                                     StatusRujukan.TIDAK_SAMPAI, menit_jarak, kel, pkm,
                                     "Dirujuk ke rumah sakit.", [TandaBahaya.PERSALINAN_LAMA])
                komplikasi = [KOMPLIKASI[int(R() * 5)]] if R() < (0.35 if tempat == TempatPersalinan.RS else 0.06) \
                    else []
                # The mother's outcome and postpartum visits.
                risiko_ibu = 0.0014 * (4 if penolong in (Penolong.DUKUN, Penolong.KELUARGA) else
                                       2.5 if tempat == TempatPersalinan.RS else 1)
                meninggal = sebab_ibu = None
                if R() < risiko_ibu:
                    meninggal = min(batas, tgl + HARI * rng.choice((0, 0, 0, 0, 1, 1, 2, 3, 5, 7, 14, 30)))
                    sebab_ibu = rng.choice(SEBAB_IBU)
                nakes = penolong not in (Penolong.DUKUN, Penolong.KELUARGA)
                kf = [None, None, None, None]
                peluang = (0.95, 0.92, 0.9, 0.85) if nakes else (0.6, 0.8, 0.85, 0.8)
                for j, (x, y) in enumerate(((0, 2), (3, 7), (8, 28), (29, 42))):
                    if R() >= peluang[j]:
                        break
                    kunjung = tgl + HARI * (x + int(R() * (y - x + 1)))
                    if kunjung > batas or (meninggal and kunjung > meninggal):
                        break
                    kf[j] = kunjung
                salin_id = w.id(Persalinan)
                pot.salin.append((salin_id, ibu_id, hamil_id, rujukan, tgl, JAM[int(R() * 96)], tempat, fas, penolong,
                                  bidan, dukun, peran, komplikasi,
                                  StatusIbu.MENINGGAL if meninggal else StatusIbu.HIDUP, meninggal, sebab_ibu or "",
                                  kf[0], kf[1], kf[2], kf[3], kemitraan, jasa, jasa_tgl, kel, pkm, pada))
                if penolong == Penolong.DUKUN:
                    _kajian(pot, d, rng, JenisKajian.DUKUN_SENDIRI, f"dukun_sendiri:{salin_id}", salin_id, None, tgl,
                            kel, pkm)
                if meninggal:
                    _kajian(pot, d, rng, JenisKajian.KEMATIAN_IBU, f"kematian_ibu:{salin_id}", salin_id, None,
                            meninggal, kel, pkm)
                # --- babies ---
                kembar = R() < 0.011
                for urutan in (1, 2) if kembar else (1,):
                    _bayi(pot, d, w, rng, salin_id, urutan, tgl, kembar, prematur, nakes, tempat, kel, pkm, pada)
                if R() < 0.5:
                    baru_lama.append((ibu_id, tgl_lahir, umur_t, umur_pada, tgl, gravida))
            lama.extend(baru_lama)
            if tahun == batas.year:
                _hamil_berjalan(pot, d, w, rng, k, pkm, lahir[kel][tahun] * 365 // span, dukun_kel, hpl)
    pot.tulis(d)


def _rujuk(pot, w, rng, ibu, hamil, jenis, dukun, bidan, tujuan, rujuk: dt.datetime, status, jarak, kel, pkm,
           alasan, tanda) -> int:
    rid = w.id(Rujukan)
    diterima = ditangani = batal = None
    tolak = ket = ""
    if status in (StatusRujukan.DITERIMA, StatusRujukan.DITANGANI):
        menit = min(300, max(5, int(rng.lognormvariate(math.log(jarak), 0.6))))
        diterima = rujuk + dt.timedelta(minutes=menit)
        if status == StatusRujukan.DITANGANI:
            ditangani = diterima + dt.timedelta(minutes=rng.randint(5, 60))
    elif status in (StatusRujukan.DITOLAK_KELUARGA, StatusRujukan.TIDAK_SAMPAI):
        batal = rujuk + dt.timedelta(minutes=rng.randint(10, 120))
        if status == StatusRujukan.DITOLAK_KELUARGA:
            tolak = rng.choice(ALASAN_TOLAK)
            if tolak == AlasanPenolakan.LAINNYA:
                ket = "Menunggu suami pulang bekerja."
    pot.rujuk.append((rid, ibu, hamil, jenis, dukun, bidan, tujuan, rujuk, alasan, tanda, status, diterima, ditangani,
                      batal, tolak, ket, kel, pkm, rujuk))
    return rid


def _kajian(pot, d: Dunia, rng, jenis, kunci, salin, bayi, tanggal: dt.date, kel, pkm) -> None:
    ditutup = None
    if (d.batas - tanggal).days > 60 and rng.random() < 0.85:
        ditutup = d.pada(min(d.batas, tanggal + HARI * rng.randint(7, 50)), 14)
    pot.kajian.append((
        jenis, kunci, salin, bayi, kel, pkm, d.pada(tanggal, 12),
        StatusKajian.DITUTUP if ditutup else StatusKajian.TERBUKA,
        "Dikaji bersama bidan, dukun dan Kepala Desa." if ditutup else "",
        "Pendampingan ibu hamil oleh bidan desa dan dukun mitra." if ditutup else "", ditutup,
    ))


def _bayi(pot, d: Dunia, w, rng, salin, urutan, lahir: dt.date, kembar, prematur, nakes, tempat, kel, pkm, pada):
    R, batas = rng.random, d.batas
    bid = w.id(Bayi)
    mati_lahir = R() < (0.009 if nakes else 0.016) * (1.8 if tempat == TempatPersalinan.RS else 1)
    bblr = R() < (0.5 if kembar else 0.7 if prematur else 0.035)
    if bblr:
        berat = 600 + int(R() * 1890) if mati_lahir else 1000 + int(R() * 1490)
    else:
        berat = min(4800, max(2500, int(rng.gauss(3150, 380))))
    kelamin = "l" if R() < 0.51 else "p"
    if mati_lahir:
        pot.bayi.append((bid, salin, urutan, kelamin, berat, StatusLahir.LAHIR_MATI, False, False, False, None, None,
                         None, False, False, None, None, "", "", kel, pkm, pada))
        return
    meninggal = sebab = None
    if R() < (0.045 if bblr else 0.0055) * (1 if nakes else 1.6):
        meninggal = lahir + HARI * HARI_NEONATAL[int(R() * len(HARI_NEONATAL))]
        sebab = SebabKematianBayi.BBLR if bblr and R() < 0.6 else rng.choice(SEBAB_NEONATAL)
    elif R() < 0.005:
        meninggal = lahir + HARI * rng.randint(29, 364)
        sebab = rng.choice(SEBAB_BAYI)
    if meninggal and meninggal > batas:
        meninggal = sebab = None
    kn = [None, None, None]
    peluang = (0.96, 0.93, 0.9) if nakes else (0.65, 0.8, 0.85)
    for j, (x, y) in enumerate(((0, 2), (3, 7), (8, 28))):
        if R() >= peluang[j]:
            break
        kunjung = lahir + HARI * (x + int(R() * (y - x + 1)))
        if kunjung > batas or (meninggal and kunjung > meninggal):
            break
        kn[j] = kunjung
    umur_mati = (meninggal - lahir).days if meninggal else None
    pot.bayi.append((bid, salin, urutan, kelamin, berat, StatusLahir.LAHIR_HIDUP, R() < (0.85 if nakes else 0.3),
                     R() < (0.93 if nakes else 0.2), R() < (0.9 if nakes else 0.25), kn[0], kn[1], kn[2],
                     kn[0] is not None, kn[2] is not None, meninggal, umur_mati, sebab or "", "", kel, pkm, pada))
    if umur_mati is not None and umur_mati <= 28:
        _kajian(pot, d, rng, JenisKajian.KEMATIAN_NEONATAL, f"kematian_neonatal:{salin}:{bid}", salin, bid, meninggal,
                kel, pkm)


def _hamil_berjalan(pot, d: Dunia, w, rng, k, pkm: int, per_tahun: int, dukun_kel: list, hpl) -> None:
    """Women pregnant now, who have not delivered yet: about seven months of deliveries to come."""
    R, batas = rng.random, d.batas
    for _i in range(per_tahun * 7 // 12):
        hpht = batas - HARI * (35 + int(R() * 240))
        daftar = min(batas, hpht + HARI * (35 + int(R() * 100)))
        umur = min(44, max(16, int(rng.triangular(16, 44, 27))))
        ibu_id, hamil_id = w.id(Ibu), w.id(Kehamilan)
        dukun = dukun_kel[int(R() * len(dukun_kel))] if dukun_kel and R() < 0.2 else None
        pot.ibu.append((ibu_id, f"{rng.choice(N.PEREMPUAN)} {rng.choice(N.BELAKANG)}",
                        daftar - HARI * (umur * 365 + int(R() * 360)), None, None, k.kode, pkm,
                        f"Kp. {k.nama.title()}", RT[int(R() * 15)], RW[int(R() * 8)], dukun, d.pada(daftar)))
        risiko = [FaktorRisiko.UMUR] if umur < 20 or umur > 35 else []
        pot.hamil.append((hamil_id, ibu_id, daftar, hpht, hpl(hpht), 1, 0, 0, risiko, dukun, k.kode, pkm,
                          d.pada(daftar)))
        if dukun and R() < 0.4:
            recent = (batas - daftar).days < 14
            _rujuk(pot, w, rng, ibu_id, hamil_id, JenisRujukan.DUKUN_KE_BIDAN, dukun, k.bidan[int(R() * len(k.bidan))],
                   None, d.pada(daftar, 0) + dt.timedelta(minutes=480 + int(R() * 480)),
                   StatusRujukan.DIRUJUK if recent else StatusRujukan.DITANGANI, 30 if k.kota else 70, k.kode, pkm,
                   "Ibu hamil diantar dukun untuk pemeriksaan kehamilan.", [])
