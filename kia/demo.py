"""Two years of mothers, pregnancies, referrals and deliveries for a demo Puskesmas (fictional people).

Everything is written through `kia.services`, the path forms and imports take, so the history, the
partnership links and the alerts are the real ones. Dates are relative to the day the demo is seeded:
the first delivery two years back, the last one yesterday, so the demo always looks current. Before the
Puskesmas' first partnership meeting a dukun attends about one delivery in ten alone; after it about
one in thirty, and more women reach the bidan brought by their dukun. Deterministic (one
`random.Random` per Puskesmas) and idempotent: the records are added only while the Puskesmas has no
mother recorded; the yearly targets are written only when they differ.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from dukun.models import Dukun, StatusDukun
from kemitraan.models import (
    JenisPembagianJasa,
    Kemitraan,
    Notifikasi,
    Pertemuan,
    StatusKemitraan,
    StatusPertemuan,
)
from kemitraan.services_program import notifikasi_mark_read
from kia import services
from kia.models import (
    AlasanPenolakan,
    FaktorRisiko,
    Ibu,
    JenisKajian,
    JenisRujukan,
    KajianKasus,
    Kehamilan,
    Komplikasi,
    Penolong,
    PeranDukun,
    Sasaran,
    SebabKematianBayi,
    SebabKematianIbu,
    StatusIbu,
    StatusKajian,
    StatusLahir,
    StatusRujukan,
    TandaBahaya,
    TempatPersalinan,
)
from puskesmas.models import Bidan, Fasilitas, JenisFasilitas, Kelurahan, Puskesmas, Role, User

HARI_DEMO = 730  # two years back from today
CBR = 0.017  # crude birth rate of Kota Jambi: 17 per 1,000 people a year
CAKUPAN = 0.93  # share of the year's births the registers of the Puskesmas actually hold
PERTUMBUHAN = 0.015  # population growth a year
# Assumed population per kelurahan: round figures of the right size, not official statistics.
PENDUDUK = {
    "15.71.01.1010": 11_800,  # Penyengat Rendah
    "15.71.01.1003": 8_400,  # Teluk Kenali
    "15.71.01.1002": 9_600,  # Buluran Kenali
    "15.71.02.1006": 13_900,  # Pakuan Baru
    "15.71.02.1005": 8_700,  # Wijaya Pura
}
PENDUDUK_LAIN = 10_000
# The demo's kelurahan are a fifth of that size, targets and births alike, so coverage stays realistic and
# seeding fast: every record takes the services' full validation (about 40 ms a delivery with its mother,
# pregnancy and referral on SQLite).
SKALA = 0.2
KAJIAN_DITUTUP_SETELAH = 45  # days: older case reviews have been written and closed
NILAI_JASA = Decimal("50000")

# Who attended and where: relative weights before and after the first partnership meeting.
POLA = {
    "rs": (17, 19),  # a doctor in hospital, planned or referred by the bidan
    "bidan": (59, 59),  # a bidan in her facility
    "bidan_dukun": (5, 14),  # a bidan with the dukun who brought the mother
    "bidan_rumah": (6, 4),  # a bidan at the mother's home
    "dukun": (10, 3),  # a dukun alone: the event the programme exists to end
    "keluarga": (2, 0.6),  # the family or nobody, at home or on the way
}
TEMPAT_JENIS = {
    JenisFasilitas.RS: TempatPersalinan.RS,
    JenisFasilitas.INDUK: TempatPersalinan.PUSKESMAS,
    JenisFasilitas.PUSTU: TempatPersalinan.PUSTU,
    JenisFasilitas.POSKESDES: TempatPersalinan.POSKESDES,
    JenisFasilitas.PMB: TempatPersalinan.PMB,
}

NAMA_DEPAN = [
    "Siti", "Nur", "Dewi", "Sri", "Rina", "Fitri", "Yuli", "Desi", "Eka", "Rahma", "Putri", "Indah", "Nurul",
    "Wulan", "Ayu", "Mega", "Lia", "Rosa", "Nova", "Ratna", "Yanti", "Reni", "Heni", "Tuti", "Dian", "Rini",
    "Mira", "Aisyah", "Khadijah", "Maryam", "Zahra", "Anisa", "Nabila", "Suci", "Winda", "Elvi", "Yusnita",
    "Rosmiati", "Vivi", "Leni", "Sari", "Ika", "Novi", "Rika", "Tri", "Dwi", "Mulyani", "Juliana",
]
NAMA_BELAKANG = [
    "Rahmawati", "Handayani", "Susanti", "Lestari", "Wahyuni", "Fitriani", "Yuliana", "Oktaviani", "Safitri",
    "Anggraini", "Puspita", "Maharani", "Nurhasanah", "Hidayati", "Mardiana", "Zuraida", "Kurniasih",
    "Permata", "Ramadhani", "Agustina", "Novita", "Utami", "Aprilia", "Septiani", "Hasanah", "Khairani",
    "Amelia", "Febriani", "Syafitri", "Rosnah", "Marliani", "Harahap", "Siregar", "Nasution", "Lubis",
    "Simanjuntak", "Batubara", "Sinaga",
]
NAMA_TUNGGAL = ["Mardiana", "Nurhayati", "Rosnah", "Asnah", "Yusnidar", "Zulaikha", "Rohaya", "Masitah",
                "Nurbaiti", "Sumiati", "Darmawati", "Juwairiah"]
JALAN = ["Lrg. Pelita", "Lrg. Mawar", "Lrg. Sepakat", "Lrg. Bhakti", "Lrg. Kenanga", "Lrg. Swadaya",
         "Lrg. Melati", "Lrg. Karya", "Lrg. Amal", "Lrg. Family", "Jl. Kenali Asam", "Jl. Lingkar Barat",
         "Jl. Sumatera", "Lrg. Masjid", "Lrg. Sederhana", "Lrg. Harapan"]
BULAN = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
         "November", "Desember"]

ALASAN_TOLAK = [
    (AlasanPenolakan.BIAYA, "Keluarga khawatir biaya persalinan; BPJS ibu belum aktif."),
    (AlasanPenolakan.JARAK, "Rumah jauh dari jalan besar dan tidak ada kendaraan malam itu."),
    (AlasanPenolakan.KEPERCAYAAN, "Keluarga ingin ibu melahirkan di rumah seperti kebiasaan turun-temurun."),
    (AlasanPenolakan.KEPUTUSAN_KELUARGA, "Suami dan mertua memutuskan menunggu di rumah."),
]
# Why the bidan sent a woman on to the doctor, by the complication found.
ALASAN_RUJUK_DOKTER = {
    Komplikasi.PARTUS_LAMA: "Kala I memanjang, kontraksi lemah; perlu penanganan dokter.",
    Komplikasi.PREEKLAMPSIA: "Tekanan darah 160/110, bengkak dan pusing; curiga preeklampsia berat.",
    Komplikasi.PERDARAHAN: "Perdarahan pervaginam saat persalinan; perlu penanganan dokter.",
    Komplikasi.INFEKSI: "Demam tinggi dan ketuban berbau; curiga infeksi intrapartum.",
    None: "Riwayat sesar; direncanakan bersalin di rumah sakit.",
}
CERITA_DUKUN = [
    "Persalinan berlangsung malam hari; keluarga langsung memanggil dukun dan tidak menghubungi bidan.",
    "Keluarga memilih dukun karena kebiasaan turun-temurun dan khawatir biaya.",
    "Ibu belum pernah memeriksakan kehamilan ke bidan; dukun belum mengenal alur rujukan.",
    "Bayi lahir cepat sebelum bidan yang dihubungi sempat datang.",
]
RENCANA_DUKUN = [
    "Bidan desa mengunjungi dukun dan keluarga; dukun diajak bermitra dan diberi nomor telepon bidan yang aktif "
    "24 jam. Kasus dibahas pada pertemuan kemitraan berikutnya.",
    "Kader Posyandu mendata ibu hamil di RT tersebut; dukun diminta mengantar setiap ibu hamil ke bidan sejak "
    "trimester pertama.",
    "Lurah dan tokoh agama diminta ikut menyampaikan bahwa persalinan ditolong bidan; pembagian jasa untuk dukun "
    "dijelaskan kembali.",
]


def _kuota(jumlah: int, bobot: dict[str, float]) -> list[str]:
    """`jumlah` labels shared out by weight, largest remainders first: the proportions hold exactly."""
    total = sum(bobot.values())
    tepat = {k: jumlah * w / total for k, w in bobot.items()}
    hasil = {k: int(v) for k, v in tepat.items()}
    for k in sorted(tepat, key=lambda k: hasil[k] - tepat[k])[: jumlah - sum(hasil.values())]:
        hasil[k] += 1
    return [k for k, n in hasil.items() for _ in range(n)]


def _umur_hari(tanggal: dt.date, hari_ini: dt.date) -> int:
    return (hari_ini - tanggal).days


def _tanggal_teks(d: dt.date) -> str:
    return f"{d.day} {BULAN[d.month - 1]} {d.year}"


def _penduduk(kelurahan: Kelurahan, tahun: int, hari_ini: dt.date) -> int:
    dasar = PENDUDUK.get(kelurahan.pk, PENDUDUK_LAIN) * SKALA
    return round(dasar * (1 + PERTUMBUHAN) ** (tahun - hari_ini.year))


def sasaran_perkiraan(penduduk: int) -> dict[str, int]:
    """DOMAIN.md's estimate when a district has no official figure: 1,10 / 1,05 / 1 × CBR × population."""
    return {
        "ibu_hamil": round(1.10 * CBR * penduduk),
        "ibu_bersalin": round(1.05 * CBR * penduduk),
        "bayi_baru_lahir": round(CBR * penduduk),
    }


def pertemuan_pertama(puskesmas: Puskesmas) -> dt.date | None:
    """The day of the Puskesmas' first partnership meeting held, if any."""
    p = (Pertemuan.objects.filter(puskesmas=puskesmas, status=StatusPertemuan.TERLAKSANA)
         .order_by("waktu_pelaksanaan").first())
    return timezone.localtime(p.waktu_pelaksanaan).date() if p else None


@dataclass
class _Rujukan:
    jenis: str
    status: str
    waktu_rujuk: dt.datetime
    waktu_akhir: dt.datetime | None = None  # arrival, or refusal / not arriving
    waktu_ditangani: dt.datetime | None = None
    dukun: Dukun | None = None
    bidan: Bidan | None = None
    tujuan: Fasilitas | None = None
    tanda_bahaya: list[str] = field(default_factory=list)
    alasan: str = ""
    alasan_penolakan: str = ""
    keterangan: str = ""


@dataclass
class _Bayi:
    data: dict
    meninggal_hari: int | None = None
    sebab: str = ""
    keterangan: str = ""


@dataclass
class _Persalinan:
    kelurahan: Kelurahan
    waktu: dt.datetime  # local time of birth
    pola: str
    sebelum: bool  # before the first partnership meeting
    tempat: str = ""
    penolong: str = ""
    bidan: Bidan | None = None
    dukun: Dukun | None = None
    fasilitas: Fasilitas | None = None
    pengantar: Dukun | None = None  # the dukun who brought the pregnant woman
    rujukan: _Rujukan | None = None
    komplikasi: list[str] = field(default_factory=list)
    bayi: list[_Bayi] = field(default_factory=list)
    ibu_meninggal: bool = False
    ada_kehamilan: bool = True

    @property
    def tanggal(self) -> dt.date:
        return self.waktu.date()


class _Demo:
    """One Puskesmas: what it has (bidan, dukun, facilities, partnerships), then the plan, then the writes."""

    def __init__(self, puskesmas: Puskesmas, bikor: User, hari_ini: dt.date):
        self.puskesmas = puskesmas
        self.bikor = bikor
        self.hari_ini = hari_ini
        self.zona = zoneinfo.ZoneInfo(puskesmas.zona_waktu or settings.TIME_ZONE)
        self.rng = random.Random(f"kia-demo-{puskesmas.kode}")
        # Before the first partnership meeting, and after it; a year ago when none is recorded.
        self.pertemuan_pertama = pertemuan_pertama(puskesmas)
        self.batas = self.pertemuan_pertama or hari_ini - dt.timedelta(days=365)
        self.ditulis = 0
        self.kelurahan = list(Kelurahan.objects.filter(puskesmas=puskesmas).select_related("puskesmas"))
        bidan = list(Bidan.objects.filter(puskesmas=puskesmas, aktif=True)
                     .select_related("fasilitas", "user").prefetch_related("kelurahan_layanan"))
        self.bidan_kel = {k.pk: [b for b in bidan if any(x.pk == k.pk for x in b.kelurahan_layanan.all())]
                          for k in self.kelurahan}
        self.bidan_semua = bidan
        self.nama_petugas = {b.nama.split(",")[0] for b in bidan}
        self.dukun = list(Dukun.objects.filter(kelurahan__puskesmas=puskesmas).select_related("kelurahan"))
        self.kemitraan = list(Kemitraan.objects.filter(puskesmas=puskesmas))
        jaringan = list(Fasilitas.objects.filter(puskesmas=puskesmas, aktif=True))
        self.rs = next((f for f in jaringan if f.jenis == JenisFasilitas.RS), None)
        self.induk = next((f for f in jaringan if f.jenis == JenisFasilitas.INDUK), None)
        self.kapus = User.objects.filter(puskesmas=puskesmas, role=Role.KEPALA_PUSKESMAS, is_active=True).first()
        self.nik_dipakai: set[str] = set(Ibu.objects.exclude(nik="").values_list("nik", flat=True))

    # --- helpers ------------------------------------------------------------------------------

    def _waktu(self, tanggal: dt.date, jam: int, menit: int = 0) -> dt.datetime:
        return dt.datetime.combine(tanggal, dt.time(jam, menit), tzinfo=self.zona)

    def _menit(self, a: int, b: int) -> dt.timedelta:
        return dt.timedelta(minutes=self.rng.randint(a, b))

    def _dukun_di(self, kelurahan: Kelurahan, tanggal: dt.date, menolong: bool = True) -> Dukun | None:
        """An active dukun of that kelurahan on that day (or of the Puskesmas when it has none)."""
        def aktif(d: Dukun) -> bool:
            if d.status == StatusDukun.AKTIF:
                return True
            if d.status == StatusDukun.TIDAK_MENOLONG and not menolong:
                return True
            return d.status_sejak is not None and tanggal < d.status_sejak

        calon = [d for d in self.dukun if d.kelurahan_id == kelurahan.pk and aktif(d)]
        calon = calon or [d for d in self.dukun if aktif(d)]
        if not calon:
            return None
        if menolong:
            return self.rng.choice(calon)
        # A dukun in partnership with a bidan brings and accompanies women far more often than one without.
        return self.rng.choices(calon, weights=[5 if self._mitra_dari(d, tanggal) else 1 for d in calon])[0]

    def _kemitraan(self, bidan: Bidan | None, dukun: Dukun | None, tanggal: dt.date) -> Kemitraan | None:
        """The same rule as `services.kemitraan_untuk`, in memory: to know whether a fee share is due."""
        if bidan is None or dukun is None:
            return None
        cocok = [k for k in self.kemitraan if k.bidan_id == bidan.pk and k.dukun_id == dukun.pk
                 and k.tanggal_mulai <= tanggal
                 and (k.status == StatusKemitraan.AKTIF or (k.tanggal_berakhir and k.tanggal_berakhir >= tanggal))]
        return max(cocok, key=lambda k: k.tanggal_mulai) if cocok else None

    def _mitra_dari(self, dukun: Dukun, tanggal: dt.date) -> Bidan | None:
        """The bidan this dukun is in partnership with on that day, if any."""
        bidan = {b.pk: b for b in self.bidan_semua}
        for k in self.kemitraan:
            if k.dukun_id == dukun.pk and k.bidan_id in bidan and self._kemitraan(bidan[k.bidan_id], dukun, tanggal):
                return bidan[k.bidan_id]
        return None

    def _bidan_untuk(self, kelurahan: Kelurahan) -> Bidan:
        return self.rng.choice(self.bidan_kel.get(kelurahan.pk) or self.bidan_semua)

    def _perujuk(self, kelurahan: Kelurahan, tujuan: Fasilitas) -> Bidan | None:
        calon = [b for b in self.bidan_kel.get(kelurahan.pk, []) if b.fasilitas_id != tujuan.pk]
        return self.rng.choice(calon) if calon else None

    def pencatat(self, p: _Persalinan) -> User:
        """The bidan's own account when she has one, else the bidan koordinator who keeps the register."""
        if p.bidan is not None and p.bidan.user_id:
            return p.bidan.user
        for b in self.bidan_kel.get(p.kelurahan.pk, []):
            if b.user_id:
                return b.user
        return self.bikor

    # --- the plan ---------------------------------------------------------------------------------

    def rencana(self) -> list[_Persalinan]:
        rng = self.rng
        plan: list[_Persalinan] = []
        for kel in self.kelurahan:
            jumlah = round(_penduduk(kel, self.hari_ini.year, self.hari_ini) * CBR * CAKUPAN * HARI_DEMO / 365)
            for _ in range(jumlah):
                tanggal = self.hari_ini - dt.timedelta(days=rng.randint(1, HARI_DEMO))
                waktu = self._waktu(tanggal, rng.randint(0, 23), rng.randint(0, 59))
                plan.append(_Persalinan(kelurahan=kel, waktu=waktu, pola="", sebelum=tanggal < self.batas))
        plan.sort(key=lambda p: p.waktu)
        # Each period gets its share of each kind of delivery exactly, in a random order.
        for sebelum in (True, False):
            bagian = [p for p in plan if p.sebelum == sebelum]
            pola = _kuota(len(bagian), {k: w[0 if sebelum else 1] for k, w in POLA.items()})
            rng.shuffle(pola)
            for p, k in zip(bagian, pola, strict=True):
                p.pola = k
        for p in plan:
            self._isi(p)
        self._kejadian_khusus(plan)
        return plan

    def _isi(self, p: _Persalinan) -> None:
        rng, tanggal = self.rng, p.tanggal
        # Women brought to the bidan by a dukun: few before the partnership, many more after.
        if rng.random() < (0.07 if p.sebelum else 0.22):
            p.pengantar = self._dukun_di(p.kelurahan, tanggal, menolong=False)
        if p.pola == "rs":
            self._isi_rs(p)
        elif p.pola == "bidan_dukun" and self._isi_bidan_dukun(p):
            pass
        elif p.pola in ("bidan", "bidan_dukun"):  # bidan_dukun without a dukun at hand: the bidan alone
            p.pola = "bidan"
            p.bidan = self._bidan_untuk(p.kelurahan)
            p.fasilitas = p.bidan.fasilitas
            p.tempat, p.penolong = TEMPAT_JENIS[p.fasilitas.jenis], Penolong.BIDAN
            if rng.random() < 0.05:
                p.komplikasi = [rng.choice([Komplikasi.PERDARAHAN, Komplikasi.RETENSIO, Komplikasi.PARTUS_LAMA])]
        elif p.pola == "bidan_rumah":
            p.bidan = self._bidan_untuk(p.kelurahan)
            p.tempat, p.penolong = TempatPersalinan.RUMAH, Penolong.BIDAN
            tujuan = self.rs or self.induk
            perujuk = self._perujuk(p.kelurahan, tujuan) if tujuan else None
            if perujuk is not None and rng.random() < 0.3:
                # Referred onwards, but the family refused: the bidan stayed and attended at home.
                p.bidan = perujuk
                p.komplikasi = [Komplikasi.PARTUS_LAMA]
                p.rujukan = self._rujukan_ditolak(p, JenisRujukan.BIDAN_KE_FASILITAS, bidan=perujuk, tujuan=tujuan,
                                                  tanda=[TandaBahaya.PERSALINAN_LAMA])
        elif p.pola == "dukun":
            p.dukun = self._dukun_di(p.kelurahan, tanggal)
            if p.dukun is None:  # no dukun in the area: the family attended
                p.pola = "keluarga"
                p.tempat, p.penolong = TempatPersalinan.RUMAH, Penolong.KELUARGA
            else:
                p.tempat, p.penolong = TempatPersalinan.RUMAH, Penolong.DUKUN
                p.pengantar = None
                p.ada_kehamilan = rng.random() < 0.5  # many of these women never saw a bidan before
                # After the partnership the dukun often did refer, and the family refused.
                if rng.random() < (0.1 if p.sebelum else 0.5):
                    p.rujukan = self._rujukan_ditolak(
                        p, JenisRujukan.DUKUN_KE_BIDAN, dukun=p.dukun, bidan=self._mitra_dari(p.dukun, tanggal)
                        or self._bidan_untuk(p.kelurahan), tanda=[],
                    )
        else:  # keluarga
            p.tempat, p.penolong = TempatPersalinan.RUMAH, Penolong.KELUARGA
            tujuan = self.rs or self.induk
            perujuk = self._perujuk(p.kelurahan, tujuan) if tujuan else None
            if perujuk is not None and rng.random() < 0.5:
                # Referred, and born on the way before arriving.
                p.tempat = TempatPersalinan.PERJALANAN
                mulai = p.waktu - self._menit(40, 150)
                p.rujukan = _Rujukan(
                    jenis=JenisRujukan.BIDAN_KE_FASILITAS, status=StatusRujukan.TIDAK_SAMPAI, waktu_rujuk=mulai,
                    waktu_akhir=p.waktu, bidan=perujuk, tujuan=tujuan,
                    tanda_bahaya=[TandaBahaya.KETUBAN_PECAH_DINI], alasan="Ketuban pecah, pembukaan lengkap lambat.",
                    keterangan="Ibu melahirkan di mobil dalam perjalanan, sebelum sampai di fasilitas tujuan.",
                )
        self._isi_bayi(p)

    def _isi_rs(self, p: _Persalinan) -> None:
        rng = self.rng
        # Without a hospital in its network, half go to a hospital outside it, half to the Puskesmas' doctor.
        tujuan = self.rs or (self.induk if rng.random() < 0.5 else None)
        p.fasilitas = tujuan
        p.tempat = TEMPAT_JENIS[tujuan.jenis] if tujuan else TempatPersalinan.RS
        p.penolong = Penolong.DOKTER
        if rng.random() < 0.6:
            p.komplikasi = [rng.choice([Komplikasi.PARTUS_LAMA, Komplikasi.PREEKLAMPSIA, Komplikasi.PERDARAHAN,
                                        Komplikasi.PARTUS_LAMA, Komplikasi.INFEKSI])]
        perujuk = self._perujuk(p.kelurahan, tujuan) if tujuan else None
        if perujuk is not None and rng.random() < 0.45:
            ditangani = p.waktu - self._menit(60, 480)
            diterima = ditangani - self._menit(5, 40)
            tanda = {
                Komplikasi.PREEKLAMPSIA: [TandaBahaya.BENGKAK, TandaBahaya.KEJANG][: rng.randint(1, 2)],
                Komplikasi.PARTUS_LAMA: [TandaBahaya.PERSALINAN_LAMA],
                Komplikasi.PERDARAHAN: [TandaBahaya.PERDARAHAN],
                Komplikasi.INFEKSI: [TandaBahaya.DEMAM],
            }.get(p.komplikasi[0] if p.komplikasi else None, [])  # none: a planned referral
            p.rujukan = _Rujukan(
                jenis=JenisRujukan.BIDAN_KE_FASILITAS, status=StatusRujukan.DITANGANI,
                waktu_rujuk=diterima - self._menit(30, 180), waktu_akhir=diterima, waktu_ditangani=ditangani,
                bidan=perujuk, tujuan=tujuan, tanda_bahaya=tanda,
                alasan=ALASAN_RUJUK_DOKTER[p.komplikasi[0] if p.komplikasi else None],
            )

    def _isi_bidan_dukun(self, p: _Persalinan) -> bool:
        rng, tanggal = self.rng, p.tanggal
        dukun = p.pengantar or self._dukun_di(p.kelurahan, tanggal, menolong=False)
        if dukun is None:
            return False
        p.dukun = p.pengantar = dukun
        p.bidan = self._mitra_dari(dukun, tanggal) or self._bidan_untuk(p.kelurahan)
        p.fasilitas = p.bidan.fasilitas
        p.tempat, p.penolong = TEMPAT_JENIS[p.fasilitas.jenis], Penolong.BIDAN_DUKUN
        # The dukun escorted the woman in labour to the bidan: the partnership's main path.
        ditangani = p.waktu - self._menit(45, 360)
        diterima = ditangani - self._menit(5, 30)
        tanda = rng.choice([[], [], [], [TandaBahaya.KETUBAN_PECAH_DINI], [TandaBahaya.PERDARAHAN],
                            [TandaBahaya.PERSALINAN_LAMA]])
        p.rujukan = _Rujukan(
            jenis=JenisRujukan.DUKUN_KE_BIDAN, status=StatusRujukan.DITANGANI,
            waktu_rujuk=diterima - self._menit(20, 180), waktu_akhir=diterima, waktu_ditangani=ditangani,
            dukun=dukun, bidan=p.bidan, tanda_bahaya=tanda,
            alasan="Ibu mulai mulas; diantar dukun untuk bersalin di bidan." if not tanda
            else "Diantar dukun karena tanda bahaya.",
        )
        return True

    def _rujukan_ditolak(self, p: _Persalinan, jenis: str, *, tanda: list[str], dukun=None, bidan=None,
                         tujuan=None) -> _Rujukan:
        alasan, keterangan = self.rng.choice(ALASAN_TOLAK)
        mulai = p.waktu - self._menit(120, 600)
        return _Rujukan(
            jenis=jenis, status=StatusRujukan.DITOLAK_KELUARGA, waktu_rujuk=mulai,
            waktu_akhir=mulai + self._menit(15, 90), dukun=dukun, bidan=bidan, tujuan=tujuan, tanda_bahaya=tanda,
            alasan="Dianjurkan bersalin di fasilitas kesehatan." if jenis == JenisRujukan.DUKUN_KE_BIDAN
            else "Persalinan lama; perlu penanganan di fasilitas rujukan.",
            alasan_penolakan=alasan, keterangan=keterangan,
        )

    def _isi_bayi(self, p: _Persalinan) -> None:
        rng = self.rng
        nakes = p.penolong in (Penolong.DOKTER, Penolong.BIDAN, Penolong.BIDAN_DUKUN)
        fasilitas = p.tempat in TEMPAT_JENIS.values()
        kembar = rng.random() < 0.012
        mati = rng.random() < (0.025 if not nakes else 0.007)
        for urutan in range(1, 3 if kembar else 2):
            if kembar:
                berat = rng.randint(1900, 2450) if urutan == 2 else rng.randint(2350, 2800)
            elif rng.random() < 0.08:
                berat = rng.randint(1500, 2490)  # low birth weight
            else:
                berat = max(2500, min(4600, round(rng.gauss(3150, 380))))
            data = {"urutan": urutan, "jenis_kelamin": rng.choice("lp"), "berat_lahir_gram": berat}
            if mati and urutan == 1:
                data["status_lahir"] = StatusLahir.LAHIR_MATI
            else:
                data.update({
                    "status_lahir": StatusLahir.LAHIR_HIDUP,
                    "imd": rng.random() < (0.82 if fasilitas else 0.55 if nakes else 0.08),
                    "vitamin_k1": rng.random() < (0.96 if fasilitas else 0.85 if nakes else 0.05),
                    "hb0": rng.random() < (0.92 if fasilitas else 0.8 if nakes else 0.35),
                })
            p.bayi.append(_Bayi(data))

    def _kejadian_khusus(self, plan: list[_Persalinan]) -> None:
        """Events a two-year register of this size holds, placed so that the demo always shows them."""
        hari_ini = self.hari_ini

        def umur(p: _Persalinan) -> int:
            return _umur_hari(p.tanggal, hari_ini)

        def hidup(p: _Persalinan) -> bool:
            return all(b.data["status_lahir"] == StatusLahir.LAHIR_HIDUP and b.meninggal_hari is None
                       for b in p.bayi) and not p.ibu_meninggal

        # A newborn dies of asphyxia on her first day after a delivery by a dukun alone (the 2018 story).
        dukun_lama = [p for p in plan if p.penolong == Penolong.DUKUN and p.sebelum and umur(p) > 120]
        kandidat = dukun_lama or [p for p in plan if p.tempat == TempatPersalinan.RUMAH and umur(p) > 120]
        if kandidat:
            b = kandidat[len(kandidat) // 3].bayi[0]
            b.data.update(status_lahir=StatusLahir.LAHIR_HIDUP, berat_lahir_gram=2700, imd=False)
            b.meninggal_hari, b.sebab = 0, SebabKematianBayi.ASFIKSIA
            b.keterangan = "Bayi tidak segera menangis; tidak ada resusitasi di rumah."
        # Where the partnership began with a meeting: a mother who bled to death after a dukun-alone
        # delivery, some months before it.
        if self.pertemuan_pertama is not None:
            kandidat = [p for p in dukun_lama if (self.batas - p.tanggal).days > 60 and hidup(p)]
            if kandidat:
                p = kandidat[-1]
                p.ibu_meninggal = True
                p.komplikasi = [Komplikasi.PERDARAHAN, Komplikasi.RETENSIO]
        # Twins now and then, the smaller one under 2,500 g: at least one pair.
        if not any(len(p.bayi) == 2 for p in plan):
            kandidat = [p for p in plan if p.pola == "bidan" and 60 < umur(p) < 400 and hidup(p)]
            if kandidat:
                p = kandidat[len(kandidat) // 2]
                p.bayi[0].data["berat_lahir_gram"] = 2600
                p.bayi.append(_Bayi({**p.bayi[0].data, "urutan": 2, "berat_lahir_gram": 2150,
                                     "jenis_kelamin": self.rng.choice("lp")}))
        # A recent death still under review: sepsis on day 6 after a home delivery.
        kandidat = [p for p in plan if 10 <= umur(p) <= 40 and hidup(p)]
        kandidat = [p for p in kandidat if p.tempat == TempatPersalinan.RUMAH] or kandidat
        if kandidat:
            b = kandidat[0].bayi[0]
            b.meninggal_hari, b.sebab = 6, SebabKematianBayi.SEPSIS
            b.keterangan = "Tali pusat merah dan bengkak; ibu terlambat membawa bayi ke Puskesmas."
        # A few stillbirths: at least one.
        if not any(b.data["status_lahir"] == StatusLahir.LAHIR_MATI for p in plan for b in p.bayi):
            kandidat = [p for p in plan if p.pola == "rs" and len(p.bayi) == 1 and umur(p) > 30 and hidup(p)]
            if kandidat:
                b = kandidat[len(kandidat) // 2].bayi[0]
                b.data = {"urutan": 1, "jenis_kelamin": b.data["jenis_kelamin"], "berat_lahir_gram": 2300,
                          "status_lahir": StatusLahir.LAHIR_MATI}

    # --- the writes ---------------------------------------------------------------------------------

    def _nama(self) -> str:
        rng = self.rng
        while True:
            nama = rng.choice(NAMA_TUNGGAL) if rng.random() < 0.12 else (
                f"{rng.choice(NAMA_DEPAN)} {rng.choice(NAMA_BELAKANG)}")
            if nama not in self.nama_petugas:  # a mother named like a bidan of the demo would confuse
                return nama

    def _nik(self, kelurahan: Kelurahan, lahir: dt.date) -> str:
        wilayah = kelurahan.pk[:8].replace(".", "")  # the kecamatan: 15.71.01 → 157101
        while True:
            nik = f"{wilayah}{lahir.day + 40:02d}{lahir.month:02d}{lahir.year % 100:02d}{self.rng.randint(1, 9999):04d}"
            if nik not in self.nik_dipakai:
                self.nik_dipakai.add(nik)
                return nik

    def _ibu(self, p: _Persalinan, pencatat: User, umur: int) -> Ibu:
        rng = self.rng
        lahir = p.tanggal - dt.timedelta(days=umur * 365 + rng.randint(0, 364))
        fields = {
            "nama": self._nama(), "kelurahan": p.kelurahan,
            "alamat": f"{rng.choice(JALAN)} No. {rng.randint(1, 120)}",
            "rt": f"{rng.randint(1, 35):03d}", "rw": f"{rng.randint(1, 8):03d}",
            "dukun": p.pengantar or p.dukun,
        }
        nasib = rng.random()
        if nasib < 0.80:
            fields.update(tanggal_lahir=lahir, nik=self._nik(p.kelurahan, lahir))
        elif nasib < 0.92:
            fields.update(tanggal_lahir=lahir)  # no NIK at hand
        else:
            # Only an age: "umur 27 tahun", recorded today.
            fields.update(umur_tercatat=umur + _umur_hari(p.tanggal, self.hari_ini) // 365)
        if rng.random() < 0.65:
            fields["telepon"] = (f"08{rng.choice(['12', '13', '21', '22', '52', '53', '77', '78', '95'])}-"
                                 f"{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}")
        self.ditulis += 1
        return services.ibu_create(dicatat_oleh=pencatat, **fields)

    def _kehamilan(self, ibu: Ibu, p: _Persalinan, pencatat: User, umur: int, pekan: int) -> Kehamilan:
        rng = self.rng
        hpht = p.tanggal - dt.timedelta(days=pekan * 7 + rng.randint(0, 6))
        daftar = min(hpht + dt.timedelta(days=rng.randint(42, 190)), p.tanggal, self.hari_ini)
        anak = rng.choices([0, 1, 2, 3, 4, 5], weights=[34, 30, 18, 9, 5, 4])[0]
        sesar = p.rujukan is not None and p.rujukan.alasan == ALASAN_RUJUK_DOKTER[None]
        if umur < 20:
            anak = min(anak, 1)
        if sesar:
            anak = max(anak, 1)
        abortus = 1 if rng.random() < 0.1 else 0
        risiko = [FaktorRisiko.RIWAYAT_SC.value] if sesar else []
        for faktor, peluang in ((FaktorRisiko.ANEMIA, 0.09), (FaktorRisiko.HIPERTENSI, 0.04),
                                (FaktorRisiko.PENDEK, 0.03), (FaktorRisiko.JARAK_DEKAT, 0.06 if anak else 0),
                                (FaktorRisiko.RIWAYAT_SC, 0.04 if anak and not sesar else 0)):
            if rng.random() < peluang:
                risiko.append(faktor.value)
        if Komplikasi.PREEKLAMPSIA in p.komplikasi and FaktorRisiko.HIPERTENSI not in risiko:
            risiko.append(FaktorRisiko.HIPERTENSI.value)
        self.ditulis += 1
        return services.kehamilan_create(
            ibu=ibu, dicatat_oleh=pencatat, tanggal_daftar=daftar, hpht=hpht if rng.random() < 0.95 else None,
            gravida=anak + abortus + 1, para=anak, abortus=abortus, faktor_risiko=risiko, dukun=p.pengantar,
        )

    def _tulis_rujukan(self, r: _Rujukan, ibu: Ibu, kehamilan: Kehamilan | None, pencatat: User):
        self.ditulis += 1
        rujukan = services.rujukan_create(
            ibu=ibu, kehamilan=kehamilan, dicatat_oleh=pencatat, jenis=r.jenis, dukun=r.dukun, bidan=r.bidan,
            fasilitas_tujuan=r.tujuan, waktu_rujuk=r.waktu_rujuk, alasan=r.alasan, tanda_bahaya=r.tanda_bahaya,
        )
        if r.status in (StatusRujukan.DITERIMA, StatusRujukan.DITANGANI):
            rujukan = services.rujukan_ubah_status(rujukan=rujukan, status=StatusRujukan.DITERIMA, waktu=r.waktu_akhir)
        if r.status == StatusRujukan.DITANGANI:
            rujukan = services.rujukan_ubah_status(rujukan=rujukan, status=StatusRujukan.DITANGANI,
                                                   waktu=r.waktu_ditangani)
        elif r.status in (StatusRujukan.DITOLAK_KELUARGA, StatusRujukan.TIDAK_SAMPAI):
            rujukan = services.rujukan_ubah_status(rujukan=rujukan, status=r.status, waktu=r.waktu_akhir,
                                                   alasan_penolakan=r.alasan_penolakan, keterangan=r.keterangan)
        return rujukan

    def _kunjungan(self, lahir: dt.date, jendela: dict[str, tuple[int, int]], peluang: list[float],
                   sampai: dt.date | None) -> dict[str, dt.date]:
        """Visits in their windows, each less likely than the one before; none in the future or after a death."""
        hasil: dict[str, dt.date] = {}
        batas = min(self.hari_ini, sampai) if sampai else self.hari_ini
        for (nama, (awal, akhir)), pel in zip(jendela.items(), peluang, strict=True):
            tanggal = lahir + dt.timedelta(days=self.rng.randint(awal, akhir))
            if self.rng.random() >= pel or tanggal > batas:
                break
            hasil[nama] = tanggal
        return hasil

    def tulis(self, p: _Persalinan) -> None:
        rng = self.rng
        pencatat = self.pencatat(p)
        prematur = any(b.data["berat_lahir_gram"] < 2200 for b in p.bayi)
        umur = rng.choices([rng.randint(16, 19), rng.randint(20, 35), rng.randint(36, 43)], weights=[6, 80, 14])[0]
        ibu = self._ibu(p, pencatat, umur)
        kehamilan = None
        if p.ada_kehamilan:
            pekan = rng.randint(33, 36) if prematur else rng.randint(37, 40)
            kehamilan = self._kehamilan(ibu, p, pencatat, umur, pekan)
            if p.pengantar is not None and rng.random() < 0.25:
                # Escorted to the bidan earlier in the pregnancy for a danger sign.
                waktu = self._waktu(max(kehamilan.tanggal_daftar, p.tanggal - dt.timedelta(days=rng.randint(20, 90))),
                                    rng.randint(7, 20), rng.randint(0, 59))
                if waktu.date() < p.tanggal:
                    sampai = waktu + self._menit(20, 120)
                    tanda = rng.choice([[TandaBahaya.BENGKAK], [TandaBahaya.DEMAM], [TandaBahaya.PERDARAHAN],
                                        [TandaBahaya.GERAK_JANIN]])
                    self._tulis_rujukan(_Rujukan(
                        jenis=JenisRujukan.DUKUN_KE_BIDAN, status=StatusRujukan.DITANGANI, waktu_rujuk=waktu,
                        waktu_akhir=sampai, waktu_ditangani=sampai + self._menit(5, 40), dukun=p.pengantar,
                        bidan=self._mitra_dari(p.pengantar, p.tanggal) or self._bidan_untuk(p.kelurahan),
                        tanda_bahaya=tanda, alasan="Dukun melihat tanda bahaya saat berkunjung ke rumah ibu.",
                    ), ibu, kehamilan, pencatat)
        rujukan = self._tulis_rujukan(p.rujukan, ibu, kehamilan, pencatat) if p.rujukan else None

        nakes = p.penolong in (Penolong.DOKTER, Penolong.BIDAN, Penolong.BIDAN_DUKUN)
        fields: dict = {
            "tanggal": p.tanggal, "jam": p.waktu.time().replace(second=0, microsecond=0), "tempat": p.tempat,
            "penolong": p.penolong, "bidan": p.bidan, "dukun": p.dukun, "fasilitas": p.fasilitas,
            "kehamilan": kehamilan, "rujukan": rujukan, "komplikasi": p.komplikasi,
        }
        if p.penolong == Penolong.BIDAN_DUKUN:
            fields["peran_dukun"] = [PeranDukun.MENDAMPINGI] + [
                v for v in (PeranDukun.MERAWAT_BAYI, PeranDukun.MEMANDIKAN_BAYI, PeranDukun.PERAWATAN_NIFAS)
                if rng.random() < 0.7]
        elif p.penolong == Penolong.DUKUN:
            fields["peran_dukun"] = [PeranDukun.MEMANDIKAN_BAYI, PeranDukun.PERAWATAN_NIFAS]
        if p.ibu_meninggal:
            fields.update(status_ibu=StatusIbu.MENINGGAL, tanggal_meninggal_ibu=p.tanggal,
                          sebab_kematian_ibu=SebabKematianIbu.PERDARAHAN,
                          catatan="Perdarahan setelah plasenta lahir; ibu dibawa ke RS tetapi meninggal di perjalanan.")
        else:
            fields.update(self._kunjungan(p.tanggal, {"kf1": (0, 2), "kf2": (3, 7), "kf3": (8, 28), "kf4": (29, 42)},
                                          [0.93, 0.9, 0.88, 0.82] if nakes else [0.6, 0.8, 0.8, 0.7], None))
        kemitraan = self._kemitraan(p.bidan, p.dukun, p.tanggal)
        if kemitraan is not None and kemitraan.jenis_pembagian_jasa != JenisPembagianJasa.TIDAK_ADA:
            dibayar = p.tanggal + dt.timedelta(days=rng.randint(2, 10))
            if dibayar <= self.hari_ini and rng.random() < 0.9:
                nominal = kemitraan.jenis_pembagian_jasa == JenisPembagianJasa.NOMINAL
                fields.update(jasa_dukun_jumlah=kemitraan.nilai_pembagian_jasa if nominal and
                              kemitraan.nilai_pembagian_jasa else NILAI_JASA, jasa_dukun_tanggal=dibayar)

        bayi, kematian_nanti = [], []
        for b in p.bayi:
            data = dict(b.data)
            hidup = data["status_lahir"] == StatusLahir.LAHIR_HIDUP
            meninggal = p.tanggal + dt.timedelta(days=b.meninggal_hari) if b.meninggal_hari is not None else None
            if hidup and not (meninggal is not None and b.meninggal_hari == 0):
                data.update(self._kunjungan(p.tanggal, {"kn1": (0, 2), "kn2": (3, 7), "kn3": (8, 28)},
                                            [0.95, 0.9, 0.88] if nakes else [0.7, 0.85, 0.8], meninggal))
            if meninggal is not None and b.meninggal_hari == 0:
                data.update(tanggal_meninggal=meninggal, sebab_kematian=b.sebab, keterangan_kematian=b.keterangan)
            elif meninggal is not None:
                kematian_nanti.append((data["urutan"], meninggal, b))
            bayi.append(data)
        persalinan = services.persalinan_create(ibu=ibu, dicatat_oleh=pencatat, bayi=bayi, **fields)
        self.ditulis += 1 + len(bayi)
        for urutan, meninggal, b in kematian_nanti:
            # Recorded when the bidan learns of it: the history shows the baby first alive, then the death.
            services.bayi_update(bayi=persalinan.bayi.get(urutan=urutan), tanggal_meninggal=meninggal,
                                 sebab_kematian=b.sebab, keterangan_kematian=b.keterangan)

    def kehamilan_berjalan(self) -> None:
        """Women pregnant today, a quarter brought by their dukun; the last two referred in the last day."""
        rng = self.rng
        diantar: list[tuple[Ibu, Kehamilan, _Persalinan]] = []
        for kel in self.kelurahan:
            # The women between their second and ninth month: not all of them known yet.
            for _ in range(round(_penduduk(kel, self.hari_ini.year, self.hari_ini) * CBR * CAKUPAN * 0.4)):
                p = _Persalinan(kelurahan=kel, waktu=self._waktu(self.hari_ini, 0), pola="", sebelum=False)
                if rng.random() < 0.25:
                    p.pengantar = self._dukun_di(kel, self.hari_ini, menolong=False)
                pencatat, umur = self.pencatat(p), rng.randint(17, 41)
                ibu = self._ibu(p, pencatat, umur)
                kehamilan = self._kehamilan(ibu, p, pencatat, umur, rng.randint(8, 38))
                if p.pengantar is not None:
                    diantar.append((ibu, kehamilan, p))
        now = timezone.now()
        for (ibu, kehamilan, p), status in zip(diantar[-2:], (StatusRujukan.DITERIMA, StatusRujukan.DIRUJUK),
                                               strict=False):
            waktu = now - dt.timedelta(hours=20 if status == StatusRujukan.DITERIMA else 2)
            self._tulis_rujukan(_Rujukan(
                jenis=JenisRujukan.DUKUN_KE_BIDAN, status=status, waktu_rujuk=waktu,
                waktu_akhir=waktu + self._menit(30, 90), dukun=p.pengantar,
                bidan=self._mitra_dari(p.pengantar, self.hari_ini) or self._bidan_untuk(ibu.kelurahan),
                tanda_bahaya=[TandaBahaya.BENGKAK], alasan="Kaki dan muka bengkak, pusing sejak kemarin.",
            ), ibu, kehamilan, self.pencatat(p))

    def tutup_kajian(self) -> None:
        """Older case reviews are written and closed; the last weeks' stay open for the Puskesmas to do."""
        batas = self.hari_ini - dt.timedelta(days=KAJIAN_DITUTUP_SETELAH)
        ditutup = []
        for kajian in (KajianKasus.objects.filter(puskesmas=self.puskesmas, status=StatusKajian.TERBUKA)
                       .select_related("persalinan__ibu", "persalinan__dukun", "persalinan__kelurahan",
                                       "persalinan__rujukan", "bayi")
                       .order_by("persalinan__tanggal", "pk")):
            p = kajian.persalinan
            if p.tanggal > batas:
                continue
            kronologi, rencana = self._teks_kajian(kajian)
            tutup = p.tanggal <= batas - dt.timedelta(days=30) or self.rng.random() < 0.5
            oleh = self.kapus if kajian.jenis != JenisKajian.DUKUN_SENDIRI and self.kapus else self.bikor
            services.kajian_simpan(kajian=kajian, kronologi=kronologi, rencana_perbaikan=rencana if tutup else "",
                                   tutup=tutup, oleh=oleh)
            if tutup:
                ditutup.append(kajian.pk)
        # The notifications of the reviews already closed have been read.
        for n in Notifikasi.objects.filter(kunci__in=[f"kajian:{pk}" for pk in ditutup]).select_related("penerima"):
            notifikasi_mark_read(penerima=n.penerima, pk=n.pk)

    def _teks_kajian(self, kajian: KajianKasus) -> tuple[str, str]:
        p = kajian.persalinan
        tempat = f"{p.kelurahan}, {_tanggal_teks(p.tanggal)}"
        if kajian.jenis == JenisKajian.KEMATIAN_IBU:
            return (
                f"Ibu {p.ibu} melahirkan di rumah ({tempat}) ditolong dukun {p.dukun} sendiri. Plasenta tidak lahir "
                "dan terjadi perdarahan; keluarga baru mencari kendaraan dua jam kemudian dan ibu meninggal dalam "
                "perjalanan ke rumah sakit.",
                "Audit maternal perinatal bersama Dinas Kesehatan. Ambulans kelurahan disiapkan untuk rujukan malam "
                "hari; semua dukun di kelurahan ini diajak bermitra dan dilatih mengenali perdarahan.",
            )
        if kajian.jenis == JenisKajian.KEMATIAN_NEONATAL:
            b = kajian.bayi
            return (
                f"Bayi ke-{b.urutan} dari ibu {p.ibu} ({tempat}), berat lahir {b.berat_lahir_gram} gram, meninggal "
                f"pada hari ke-{b.umur_meninggal_hari} karena {b.get_sebab_kematian_display().lower()}. "
                f"{b.keterangan_kematian}".strip(),
                "Penyegaran resusitasi bayi baru lahir dan perawatan BBLR untuk bidan; kunjungan neonatal pertama "
                "dipastikan dalam 48 jam; dukun dan kader dilatih mengenali tanda bahaya bayi baru lahir.",
            )
        cerita = self.rng.choice(CERITA_DUKUN)
        if p.rujukan_id and p.rujukan.alasan_penolakan:
            cerita = (f"Dukun sudah merujuk ibu ke bidan, tetapi keluarga menolak "
                      f"({p.rujukan.get_alasan_penolakan_display().lower()}). {p.rujukan.keterangan_status}")
        return (f"Ibu {p.ibu} melahirkan di rumah ({tempat}) ditolong dukun {p.dukun} sendiri. {cerita}",
                self.rng.choice(RENCANA_DUKUN))


def sasaran_demo(puskesmas: Puskesmas, hari_ini: dt.date) -> int:
    """This year's and last year's targets of each kelurahan, estimated from its assumed population."""
    added = 0
    ada = set(Sasaran.objects.filter(kelurahan__puskesmas=puskesmas).values_list("kelurahan_id", "tahun"))
    for kel in Kelurahan.objects.filter(puskesmas=puskesmas):
        for tahun in (hari_ini.year - 1, hari_ini.year):
            if (kel.pk, tahun) in ada:
                continue  # a target already set (perhaps by Dinkes) is theirs: the demo never overwrites it
            _obj, changed = services.sasaran_simpan(
                tahun=tahun, kelurahan=kel, **sasaran_perkiraan(_penduduk(kel, tahun, hari_ini))
            )
            added += changed
    return added


@transaction.atomic
def seed_kia(puskesmas: Puskesmas, bikor: User) -> int:
    """Add two years of mothers, referrals and deliveries to `puskesmas`; returns how many records were added."""
    hari_ini = timezone.localdate()
    added = sasaran_demo(puskesmas, hari_ini)
    if Ibu.objects.filter(puskesmas=puskesmas).exists():
        return added
    demo = _Demo(puskesmas, bikor, hari_ini)
    for p in demo.rencana():
        demo.tulis(p)
    demo.kehamilan_berjalan()
    demo.tutup_kajian()
    return added + demo.ditulis
