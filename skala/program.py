"""Five years of the partnership programme per Puskesmas: plans, meetings with attendance and follow-ups,
funds and spending, facilities, kits, trainings, rewards and warnings."""

from __future__ import annotations

import datetime as dt

from dukun.models import StatusDukun
from kemitraan.models import (
    AnggaranDana,
    JenisPelatihan,
    JenisPenghargaanSanksi,
    JenisPertemuan,
    JenisSarana,
    KategoriLintasSektor,
    KehadiranBidan,
    KehadiranDukun,
    Pelatihan,
    PemberianKit,
    PengeluaranDana,
    PenghargaanSanksi,
    PeranPenanggungJawab,
    Pertemuan,
    PesertaLintasSektor,
    RencanaPertemuan,
    Sarana,
    StatusPertemuan,
    StatusTindakLanjut,
    SumberDana,
    TindakLanjut,
)
from kemitraan.selectors import jatuh_tempo
from skala import nama as N
from skala.struktur import Dunia, Pkm, _tanggal_acak, nama_laki, nama_perempuan

KATEGORI = [k.value for k in KategoriLintasSektor if k != KategoriLintasSektor.LAINNYA]
JABATAN = {
    "camat": "Camat", "lurah": "Kepala Desa", "polsek": "Bhabinkamtibmas", "koramil": "Babinsa",
    "tokoh_agama": "Ustaz", "tokoh_masyarakat": "Ketua RW", "kader": "Kader Posyandu", "pkk": "Ketua TP PKK",
}


def _bulat(x: float, ke: int = 50_000) -> int:
    return max(ke, int(round(x / ke)) * ke)


class _Baris:
    """The rows of one kabupaten, written table by table in an order foreign keys accept."""

    def __init__(self):
        self.rencana, self.pertemuan, self.hadir_bidan, self.hadir_dukun = [], [], [], []
        self.peserta, self.tindak, self.anggaran, self.belanja = [], [], [], []
        self.sarana, self.pelatihan, self.latih_bidan, self.latih_dukun = [], [], [], []
        self.kit, self.penghargaan = [], []

    def tulis(self, d: Dunia) -> None:
        w = d.penulis
        w.tulis(RencanaPertemuan, ["puskesmas_id", "tahun", "jenis", "jumlah"], self.rencana)
        w.tulis(Pertemuan, ["id", "puskesmas_id", "jenis", "status", "waktu_rencana", "waktu_pelaksanaan", "tempat",
                            "fasilitator", "materi", "notulen"], self.pertemuan)
        w.tulis(KehadiranBidan, ["pertemuan_id", "bidan_id"], self.hadir_bidan)
        w.tulis(KehadiranDukun, ["pertemuan_id", "dukun_id"], self.hadir_dukun)
        w.tulis(PesertaLintasSektor, ["pertemuan_id", "kategori", "nama", "jabatan"], self.peserta)
        w.tulis(TindakLanjut, ["pertemuan_id", "uraian", "penanggung_jawab_bidan_id", "penanggung_jawab_peran",
                               "tenggat", "status", "tanggal_ditutup", "catatan_penutupan"], self.tindak)
        w.tulis(AnggaranDana, ["id", "puskesmas_id", "tahun", "sumber", "jumlah_alokasi", "keterangan"], self.anggaran)
        w.tulis(Sarana, ["puskesmas_id", "jenis", "nama", "tersedia", "jumlah", "keterangan"], self.sarana)
        w.tulis(Pelatihan, ["id", "puskesmas_id", "jenis", "tanggal", "topik", "tempat", "penyelenggara"],
                self.pelatihan)
        w.tulis(Pelatihan.peserta_bidan.through, ["pelatihan_id", "bidan_id"], self.latih_bidan)
        w.tulis(Pelatihan.peserta_dukun.through, ["pelatihan_id", "dukun_id"], self.latih_dukun)
        w.tulis(PengeluaranDana, ["anggaran_id", "tanggal", "jumlah", "uraian", "pertemuan_id", "pelatihan_id"],
                self.belanja)
        w.tulis(PemberianKit, ["puskesmas_id", "dukun_id", "tanggal", "isi", "jumlah"], self.kit)
        w.tulis(PenghargaanSanksi, ["puskesmas_id", "jenis", "tanggal", "dukun_id", "bidan_id", "bentuk", "alasan"],
                self.penghargaan)


def _aktif_pada(dukun: tuple, tanggal: dt.date) -> bool:
    _id, _kel, status, sejak = dukun
    return status == StatusDukun.AKTIF or (sejak is not None and sejak > tanggal)


def buat_program(d: Dunia, kab: str) -> None:
    b = _Baris()
    for p in d.pkm:
        if p.kab == kab:
            _satu_puskesmas(d, p, b)
    b.tulis(d)


def _satu_puskesmas(d: Dunia, p: Pkm, b: _Baris) -> None:
    w, rng = d.penulis, d.rng("program", p.kode)
    batas = d.batas
    semangat = rng.uniform(0.55, 0.95)  # how well this Puskesmas keeps its plan; improves over the years
    b.sarana.append((p.id, JenisSarana.BUKU_PEDOMAN, "Buku pedoman kemitraan bidan dan dukun", rng.random() < 0.65,
                     rng.randint(1, 5), ""))
    b.sarana.append((p.id, JenisSarana.TEMPAT_PERTEMUAN, f"Aula Puskesmas {p.nama}", rng.random() < 0.9, 1, ""))
    if rng.random() < 0.5:
        b.sarana.append((p.id, JenisSarana.ALAT_PERAGA, "Phantom dan lembar balik", True, rng.randint(1, 3), ""))
    for dk in p.dukun:
        if rng.random() < 0.5:
            b.kit.append((p.id, dk[0], _tanggal_acak(rng, d.mulai, batas), "Kit dukun: kain bersih, sarung tangan, "
                          "gunting tali pusat, buku saku", 1))
    for tahun in d.tahun:
        mulai_th, akhir_th = dt.date(tahun, 1, 1), dt.date(tahun, 12, 31)
        kemajuan = (tahun - d.mulai.year) / max(1, len(d.tahun) - 1)
        peluang = min(0.98, semangat + 0.15 * kemajuan)
        # Funds of the year.
        bok = w.id(AnggaranDana)
        b.anggaran.append((bok, p.id, tahun, SumberDana.BOK, _bulat(rng.uniform(8e6, 24e6), 500_000),
                           "Operasional kemitraan dan pertemuan"))
        lain = None
        if rng.random() < 0.45:
            lain = w.id(AnggaranDana)
            b.anggaran.append((lain, p.id, tahun, SumberDana.DANA_DESA, _bulat(rng.uniform(3e6, 15e6), 500_000),
                               "Insentif dukun dari dana desa"))
        if rng.random() < 0.25:
            apbd = w.id(AnggaranDana)
            b.anggaran.append((apbd, p.id, tahun, SumberDana.APBD, _bulat(rng.uniform(5e6, 20e6), 500_000),
                               "Pelatihan dukun"))
            lain = lain or apbd
        # The plan of the year.
        rutin = rng.choices((4, 12, 6), (55, 30, 15))[0]
        rencana = {JenisPertemuan.RUTIN: rutin}
        if rng.random() < 0.5:
            rencana[JenisPertemuan.PEMBINAAN] = 2
        if rng.random() < 0.4:
            rencana[JenisPertemuan.LOKMIN] = 4
        for jenis, jumlah in rencana.items():
            b.rencana.append((p.id, tahun, jenis, jumlah))
            sebelumnya = mulai_th - dt.timedelta(days=1)
            for tempo in jatuh_tempo(tahun, jumlah):
                awal, sebelumnya = sebelumnya + dt.timedelta(days=1), tempo
                if awal > batas:
                    if (awal - batas).days < 60:  # the next one, already scheduled
                        _pertemuan(d, p, b, rng, jenis, tempo, None, StatusPertemuan.DIRENCANAKAN, bok)
                    continue
                if rng.random() < peluang:
                    if rng.random() < 0.1:  # held late, made up after its due date
                        tanggal = min(akhir_th, tempo + dt.timedelta(days=rng.randint(1, 40)))
                    else:
                        tanggal = _tanggal_acak(rng, awal, tempo)
                    if tanggal <= batas:
                        _pertemuan(d, p, b, rng, jenis, tanggal, tanggal, StatusPertemuan.TERLAKSANA, bok)
                        continue
                r = rng.random()
                if r < 0.35:
                    _pertemuan(d, p, b, rng, jenis, min(tempo, batas), None, StatusPertemuan.DIRENCANAKAN, bok)
                elif r < 0.5:
                    _pertemuan(d, p, b, rng, jenis, min(tempo, batas), None, StatusPertemuan.BATAL, bok)
        if rng.random() < 0.3:  # a case review after a death, not in the plan
            tanggal = _tanggal_acak(rng, mulai_th, min(akhir_th, batas))
            _pertemuan(d, p, b, rng, JenisPertemuan.KAJIAN_KASUS, tanggal, tanggal, StatusPertemuan.TERLAKSANA, bok)
        # Training and coaching.
        for jenis in (JenisPelatihan.PELATIHAN, JenisPelatihan.MAGANG):
            if rng.random() >= (0.7 if jenis == JenisPelatihan.PELATIHAN else 0.2):
                continue
            tanggal = _tanggal_acak(rng, mulai_th, min(akhir_th, batas))
            if tanggal > batas:
                continue
            lid = w.id(Pelatihan)
            b.pelatihan.append((lid, p.id, jenis, tanggal, rng.choice(N.TOPIK_PELATIHAN), f"Aula Puskesmas {p.nama}",
                                "Dinas Kesehatan" if rng.random() < 0.4 else f"Puskesmas {p.nama}"))
            for bid in rng.sample(p.bidan, min(len(p.bidan), rng.randint(1, 4))):
                b.latih_bidan.append((lid, bid))
            aktif = [dk[0] for dk in p.dukun if _aktif_pada(dk, tanggal)]
            for did in rng.sample(aktif, int(len(aktif) * rng.uniform(0.2, 0.7))):
                b.latih_dukun.append((lid, did))
            b.belanja.append((lain or bok, tanggal, _bulat(rng.uniform(1.5e6, 6e6)), "Konsumsi dan transport peserta",
                              None, lid))
        # Rewards and written warnings.
        for _i in range(rng.choices((0, 1, 2), (50, 35, 15))[0]):
            tanggal = _tanggal_acak(rng, mulai_th, min(akhir_th, batas))
            aktif = [dk[0] for dk in p.dukun if _aktif_pada(dk, tanggal)]
            if aktif:
                b.penghargaan.append((p.id, JenisPenghargaanSanksi.PENGHARGAAN, tanggal, rng.choice(aktif), None,
                                      "Piagam dan uang pembinaan Rp 250.000", "Aktif merujuk ibu hamil ke bidan."))
        if p.dukun and rng.random() < 0.15:
            tanggal = _tanggal_acak(rng, mulai_th, min(akhir_th, batas))
            b.penghargaan.append((p.id, JenisPenghargaanSanksi.TEGURAN, tanggal, rng.choice(p.dukun)[0], None,
                                  "Teguran tertulis", "Menolong persalinan sendiri tanpa bidan."))


def _pertemuan(d: Dunia, p: Pkm, b: _Baris, rng, jenis, rencana: dt.date, pelaksanaan, status, bok: int) -> None:
    w = d.penulis
    pid = w.id(Pertemuan)
    desa = rng.choice(p.kel).nama.title()
    tempat = f"Aula Puskesmas {p.nama}" if rng.random() < 0.6 else f"Balai Desa {desa}"
    b.pertemuan.append((
        pid, p.id, jenis, status, d.pada(rencana, 9), d.pada(pelaksanaan, 9) if pelaksanaan else None, tempat,
        p.bikor, rng.choice(N.MATERI),
        "Pertemuan dibuka Kepala Puskesmas; dibahas persalinan bulan lalu dan rencana rujukan." if pelaksanaan else "",
    ))
    if status != StatusPertemuan.TERLAKSANA:
        return
    for bid in p.bidan:
        if rng.random() < 0.7:
            b.hadir_bidan.append((pid, bid))
    for dk in p.dukun:
        if _aktif_pada(dk, pelaksanaan) and rng.random() < 0.6:
            b.hadir_dukun.append((pid, dk[0]))
    if rng.random() < 0.72:
        for kategori in rng.sample(KATEGORI, rng.randint(1, 4)):
            nama = nama_perempuan(rng) if kategori in ("kader", "pkk") else nama_laki(rng)
            b.peserta.append((pid, kategori, nama, JABATAN[kategori]))
    if rng.random() < 0.8:
        b.belanja.append((bok, pelaksanaan, _bulat(rng.uniform(3e5, 2.5e6)), "Konsumsi dan transport pertemuan",
                          pid, None))
    batas = d.batas
    for _i in range(rng.choices((0, 1, 2, 3), (15, 35, 35, 15))[0]):
        tenggat = pelaksanaan + dt.timedelta(days=rng.randint(14, 60))
        bidan, peran = (rng.choice(p.bidan), "") if rng.random() < 0.7 else (None, rng.choice(
            [PeranPenanggungJawab.BIDAN_KOORDINATOR, PeranPenanggungJawab.KEPALA_PUSKESMAS,
             PeranPenanggungJawab.SEMUA_BIDAN, PeranPenanggungJawab.LINTAS_SEKTOR]))
        r = rng.random()
        status, ditutup, catatan = StatusTindakLanjut.TERBUKA, None, ""
        if r < 0.62:  # closed on time
            ditutup = _tanggal_acak(rng, pelaksanaan, tenggat)
        elif r < 0.8:  # closed late
            ditutup = tenggat + dt.timedelta(days=rng.randint(1, 45))
        elif r < 0.84:
            status, ditutup, catatan = StatusTindakLanjut.BATAL, _tanggal_acak(rng, pelaksanaan, tenggat), \
                "Dibatalkan: digabung dengan keputusan pertemuan berikutnya."
        if ditutup is not None and ditutup > batas:
            status, ditutup, catatan = StatusTindakLanjut.TERBUKA, None, ""
        elif ditutup is not None and status == StatusTindakLanjut.TERBUKA:
            status, catatan = StatusTindakLanjut.SELESAI, "Sudah dilaksanakan."
        b.tindak.append((pid, rng.choice(N.TINDAK_LANJUT), bidan, peran, tenggat, status, ditutup, catatan))
