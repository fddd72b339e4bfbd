"""A year of partnership activity for the demo Puskesmas Aur Duri (fictional people).

Dates are relative to the day the demo is seeded, so the demo always shows a recent year: meetings
held on time, one held late, one never held, one coming up; follow-ups open and closed; funds and a
training. Idempotent: nothing is added when the Puskesmas already has meetings.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from dukun.models import Dukun
from kemitraan.models import (
    AnggaranDana,
    JenisPelatihan,
    JenisPenghargaanSanksi,
    JenisPertemuan,
    JenisSarana,
    KategoriLintasSektor,
    KehadiranBidan,
    KehadiranDukun,
    Kemitraan,
    Pelatihan,
    PemberianKit,
    PengeluaranDana,
    PenghargaanSanksi,
    Pertemuan,
    PesertaLintasSektor,
    RencanaPertemuan,
    Sarana,
    StatusKemitraan,
    StatusPertemuan,
    StatusTindakLanjut,
    SumberDana,
    TindakLanjut,
)
from puskesmas.models import Bidan, Puskesmas, User

# (STR of the bidan, name of the dukun, months ago it started, ended months ago or None)
KEMITRAAN = [
    ("1571DEMO000001", "Siti Rohmah", 14, None),
    ("1571DEMO000001", "Maimunah", 14, None),
    ("1571DEMO000009", "Siti Rohmah", 10, None),
    ("1571DEMO000005", "Halimah", 12, None),
    ("1571DEMO000011", "Aminah", 9, None),
    ("1571DEMO000004", "Zubaidah", 11, None),
    ("1571DEMO000007", "Rohani", 6, None),
    ("1571DEMO000014", "Jamilah", 14, 8),
]


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=zoneinfo.ZoneInfo("Asia/Jakarta"))


def _months_ago(today: dt.date, months: int) -> dt.date:
    return today - dt.timedelta(days=round(months * 30.4))


@transaction.atomic
def seed_program(puskesmas: Puskesmas, bikor: User) -> int:
    """Add the demo's partnership year to `puskesmas`; returns how many records were added."""
    if Pertemuan.objects.filter(puskesmas=puskesmas).exists():
        return 0
    today = timezone.localdate()
    bidan = {b.nomor_str: b for b in Bidan.objects.filter(puskesmas=puskesmas)}
    dukun = {d.nama: d for d in Dukun.objects.filter(kelurahan__puskesmas=puskesmas)}
    added = 0

    for nomor_str, nama_dukun, mulai, berakhir in KEMITRAAN:
        k = Kemitraan(
            bidan=bidan[nomor_str], dukun=dukun[nama_dukun], tanggal_mulai=_months_ago(today, mulai),
            nilai_pembagian_jasa=Decimal("50000"), saksi_lurah="Lurah (nama fiktif)",
            saksi_kepala_puskesmas="Kepala Puskesmas Aur Duri", tanggal_tanda_tangan=_months_ago(today, mulai),
            tanggal_tinjau=_months_ago(today, mulai) + dt.timedelta(days=365),
        )
        if berakhir is not None:
            k.status = StatusKemitraan.BERAKHIR
            k.tanggal_berakhir = _months_ago(today, berakhir)
            k.alasan_berakhir = "Dukun tidak lagi menolong persalinan."
        k.full_clean()
        k.save()
        added += 1

    for year in {today.year, _months_ago(today, 12).year}:
        for jenis, jumlah in ((JenisPertemuan.RUTIN, 4), (JenisPertemuan.PEMBINAAN, 1), (JenisPertemuan.LOKMIN, 1)):
            RencanaPertemuan.objects.get_or_create(puskesmas=puskesmas, tahun=year, jenis=jenis,
                                                   defaults={"jumlah": jumlah})
            added += 1

    def pertemuan(jenis, rencana: dt.date, held: dt.date | None, materi: str, status=None) -> Pertemuan:
        p = Pertemuan(
            puskesmas=puskesmas, jenis=jenis, waktu_rencana=_at(rencana),
            status=status or (StatusPertemuan.TERLAKSANA if held else StatusPertemuan.DIRENCANAKAN),
            waktu_pelaksanaan=_at(held) if held else None, tempat="Aula Puskesmas Aur Duri",
            fasilitator="Bidan Koordinator Aur Duri", materi=materi, dibuat_oleh=bikor,
            notulen="Pertemuan berjalan lancar; keputusan dicatat sebagai tindak lanjut." if held else "",
        )
        p.full_clean()
        p.save()
        return p

    m1 = pertemuan(JenisPertemuan.RUTIN, _months_ago(today, 11), _months_ago(today, 11),
                   "Pembagian peran bidan dan dukun; alur rujukan")
    # Planned for one day, held three weeks later: the kind of slip the studies describe.
    m2 = pertemuan(JenisPertemuan.RUTIN, _months_ago(today, 8), _months_ago(today, 8) + dt.timedelta(days=21),
                   "Evaluasi persalinan triwulan; pembagian jasa")
    m3 = pertemuan(JenisPertemuan.PEMBINAAN, _months_ago(today, 6), _months_ago(today, 6),
                   "Penyegaran dukun: tanda bahaya kehamilan, persalinan dan nifas")
    m4 = pertemuan(JenisPertemuan.LOKMIN, _months_ago(today, 4), _months_ago(today, 4),
                   "Dukungan lintas sektor untuk rujukan dan transportasi ibu bersalin")
    m5 = pertemuan(JenisPertemuan.RUTIN, _months_ago(today, 5), _months_ago(today, 5) + dt.timedelta(days=2),
                   "Kajian persalinan yang ditolong dukun sendiri")
    # Never held: planned two months ago and still only planned.
    pertemuan(JenisPertemuan.RUTIN, _months_ago(today, 2), None, "Evaluasi kemitraan semester")
    # Coming up next week: the reminder a week before is due.
    pertemuan(JenisPertemuan.RUTIN, today + dt.timedelta(days=5), None, "Rencana kegiatan tahun depan")
    added += 7

    hadir_bidan = ["1571DEMO000001", "1571DEMO000004", "1571DEMO000005", "1571DEMO000007", "1571DEMO000009"]
    hadir_dukun = ["Siti Rohmah", "Maimunah", "Halimah", "Aminah", "Zubaidah", "Rohani"]
    for i, m in enumerate((m1, m2, m3, m4, m5)):
        # A few fewer each time on some meetings: attendance varies.
        for s in hadir_bidan[: 5 - (i % 2)]:
            KehadiranBidan.objects.create(pertemuan=m, bidan=bidan[s])
        for n in hadir_dukun[: 6 - (i % 3)]:
            KehadiranDukun.objects.create(pertemuan=m, dukun=dukun[n])
        added += 2
    for kategori, nama, jabatan in (
        (KategoriLintasSektor.LURAH, "Lurah Penyengat Rendah (fiktif)", "Lurah"),
        (KategoriLintasSektor.CAMAT, "Camat Telanaipura (fiktif)", "Camat"),
        (KategoriLintasSektor.TOKOH_AGAMA, "Ustazah Nurjanah (fiktif)", "Tokoh agama"),
        (KategoriLintasSektor.KADER, "Ibu Marni (fiktif)", "Kader Posyandu Melati"),
        (KategoriLintasSektor.PKK, "Ibu Yanti (fiktif)", "Ketua PKK kelurahan"),
    ):
        PesertaLintasSektor.objects.create(pertemuan=m4, kategori=kategori, nama=nama, jabatan=jabatan)
        added += 1

    def tindak(pertemuan_, uraian, pj_bidan=None, peran="", tenggat_hari=30, selesai=None, catatan=""):
        t = TindakLanjut(
            pertemuan=pertemuan_, uraian=uraian, penanggung_jawab_bidan=pj_bidan, penanggung_jawab_peran=peran,
            tenggat=pertemuan_.tanggal + dt.timedelta(days=tenggat_hari),
        )
        if selesai is not None:
            t.status = StatusTindakLanjut.SELESAI
            t.tanggal_ditutup = min(selesai, today)
            t.catatan_penutupan = catatan
        t.full_clean()
        t.save()
        return t

    tindak(m1, "Mendata ulang dukun di Buluran Kenali dan mengenalkannya kepada bidan", bidan["1571DEMO000004"],
           selesai=m1.tanggal + dt.timedelta(days=20), catatan="Empat dukun terdata; dua sudah dikenalkan.")
    tindak(m2, "Menyepakati besaran pembagian jasa Rp 50.000 per persalinan", peran="bikor",
           selesai=m2.tanggal + dt.timedelta(days=10), catatan="Disepakati dan dicatat di kesepakatan tertulis.")
    tindak(m4, "Kelurahan menyiapkan ambulans desa untuk rujukan malam hari", peran="lintas_sektor",
           tenggat_hari=45)  # overdue: still open after its due date
    tindak(m5, "Kunjungan rumah ke dukun Rukiah yang belum bermitra", bidan["1571DEMO000001"],
           tenggat_hari=200)  # open, not yet due
    added += 4

    # Budgets for both years the demo's twelve months touch, so spending always has its year's budget.
    anggaran = {}
    for tahun in sorted({today.year, _months_ago(today, 12).year}):
        for sumber, jumlah in ((SumberDana.BOK, 12_000_000), (SumberDana.DANA_DESA, 5_000_000)):
            anggaran[tahun, sumber] = AnggaranDana.objects.create(
                puskesmas=puskesmas, tahun=tahun, sumber=sumber, jumlah_alokasi=Decimal(jumlah)
            )
            added += 1
    pelatihan = Pelatihan.objects.create(
        puskesmas=puskesmas, jenis=JenisPelatihan.PEMBINAAN, tanggal=m3.tanggal,
        topik="Penyegaran dukun: tanda bahaya dan rujukan", tempat="Aula Puskesmas Aur Duri",
        penyelenggara="Puskesmas Aur Duri",
    )
    pelatihan.peserta_bidan.set([bidan["1571DEMO000001"], bidan["1571DEMO000005"]])
    pelatihan.peserta_dukun.set([dukun[n] for n in hadir_dukun])
    added += 1
    for m in (m1, m2, m3, m4, m5):
        PengeluaranDana.objects.create(
            anggaran=anggaran[m.tanggal.year, SumberDana.BOK], tanggal=m.tanggal, jumlah=Decimal(1_250_000),
            uraian="Konsumsi dan transport peserta pertemuan", pertemuan=m,
        )
        added += 1
    Sarana.objects.create(puskesmas=puskesmas, jenis=JenisSarana.BUKU_PEDOMAN, nama="Buku pedoman kemitraan 2008",
                          tersedia=False, jumlah=0, keterangan="Belum ada di Puskesmas; diminta ke Dinkes.")
    Sarana.objects.create(puskesmas=puskesmas, jenis=JenisSarana.TEMPAT_PERTEMUAN, nama="Aula Puskesmas",
                          tersedia=True, jumlah=1)
    for n in ("Siti Rohmah", "Halimah", "Zubaidah"):
        PemberianKit.objects.create(puskesmas=puskesmas, dukun=dukun[n], tanggal=m3.tanggal,
                                    isi="Kit dukun: kain bersih, sabun, sarung tangan, buku catatan bergambar")
    PenghargaanSanksi.objects.create(
        puskesmas=puskesmas, jenis=JenisPenghargaanSanksi.PENGHARGAAN, tanggal=m5.tanggal, dukun=dukun["Siti Rohmah"],
        bentuk="Piagam dan bingkisan", alasan="Mengantar lima ibu hamil ke bidan dalam satu triwulan.",
    )
    added += 6
    return added
