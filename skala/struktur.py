"""The synthetic province's structure: Puskesmas on the real kelurahan, facilities, bidan, dukun and partnerships.

Everything here is small (tens of thousands of rows at scale 1) and kept in memory as plain tuples, so the
yearly records (meetings, deliveries) can point at it without a query.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from dukun.models import Dukun, StatusDukun
from kemitraan.models import JenisPembagianJasa, Kemitraan, StatusKemitraan
from puskesmas.models import Bidan, Fasilitas, JenisFasilitas, Kecamatan, Kelurahan, Puskesmas, zona_waktu_provinsi
from skala import nama as N
from skala.tulis import Penulis

PREFIKS = "SKL-"
PENDUDUK_PER_PUSKESMAS = 45_000
CBR = 0.0178  # crude birth rate of West Java, about 18 per 1,000


@dataclass(slots=True)
class Kel:
    kode: str
    nama: str
    kab: str
    kota: bool  # a kelurahan (urban), not a desa
    penduduk: int
    pkm: int = 0
    bidan: list[int] = field(default_factory=list)
    dukun: list[int] = field(default_factory=list)  # active at some point of the period
    mitra: list[tuple] = field(default_factory=list)  # (kemitraan id, bidan, dukun, mulai, akhir or None, jenis, nilai)
    poskesdes: int | None = None
    pustu: int | None = None


@dataclass(slots=True)
class Pkm:
    id: int
    kode: str
    nama: str
    kab: str
    kel: list[Kel]
    induk: int = 0
    rs: int = 0
    pmb: list[int] = field(default_factory=list)
    bidan: list[int] = field(default_factory=list)
    bikor: str = ""
    dukun: list[tuple] = field(default_factory=list)  # (id, kelurahan, status, status_sejak)


@dataclass
class Dunia:
    """What the generator knows of the province it builds; passed from phase to phase."""

    seed: int
    skala: float
    provinsi: str
    mulai: dt.date
    batas: dt.date  # last day with data (yesterday, or the end of --tahun-akhir)
    zona: ZoneInfo
    penulis: Penulis
    pkm: list[Pkm] = field(default_factory=list)
    kel: dict[str, Kel] = field(default_factory=dict)
    kabupaten: list[str] = field(default_factory=list)
    _waktu: dict = field(default_factory=dict)

    def rng(self, *bagian) -> random.Random:
        """An independent, reproducible stream per part (string seeds hash with SHA-512, not PYTHONHASHSEED)."""
        return random.Random(":".join(map(str, (self.seed, *bagian))))

    @property
    def tahun(self) -> list[int]:
        return list(range(self.mulai.year, self.batas.year + 1))

    def pada(self, tanggal: dt.date, jam: int = 10, menit: int = 0) -> dt.datetime:
        """An aware datetime in the province's zone; cached, as millions of rows share a few thousand."""
        key = (tanggal, jam, menit)
        value = self._waktu.get(key)
        if value is None:
            value = self._waktu[key] = dt.datetime(tanggal.year, tanggal.month, tanggal.day, jam, menit,
                                                   tzinfo=self.zona)
        return value


def nama_perempuan(rng: random.Random) -> str:
    return f"{rng.choice(N.PEREMPUAN)} {rng.choice(N.BELAKANG)}"


def nama_laki(rng: random.Random) -> str:
    return f"{rng.choice(N.LAKI)} {rng.choice(N.BELAKANG[:12]).replace('wati', 'wan').replace('yani', 'yana')}"


_ROMAWI = ("", "I", "II", "III", "IV", "V", "VI", "VII", "VIII")


def _kelompok_berurutan(items: list, n: int) -> list[list]:
    """Split items (in code order, so neighbours stay together) into n contiguous, nearly equal groups."""
    size, extra = divmod(len(items), n)
    out, i = [], 0
    for k in range(n):
        j = i + size + (1 if k < extra else 0)
        out.append(items[i:j])
        i = j
    return out


def pilih_wilayah(d: Dunia) -> list[tuple[Kecamatan, list[Kel], int]]:
    """Kecamatan with their free kelurahan and number of Puskesmas, whole kabupaten first, up to the scale."""
    rng = d.rng("wilayah")
    bebas: dict[str, list[Kelurahan]] = {}
    for k in Kelurahan.objects.filter(kabupaten__provinsi=d.provinsi, puskesmas__isnull=True).order_by("kode"):
        bebas.setdefault(k.kecamatan_id, []).append(k)
    kecamatan = Kecamatan.objects.filter(kabupaten__provinsi=d.provinsi, kode__in=list(bebas)).order_by("kode")
    per_kab: dict[str, list] = {}
    for kec in kecamatan:
        kel = []
        for k in bebas[kec.kode]:
            kota = k.kode.rsplit(".", 1)[-1].startswith("1")
            rata = 14_000 if kota else 7_700
            penduduk = int(rata * math.exp(rng.gauss(-0.11, 0.45)))
            kel.append(Kel(k.kode, k.nama, k.kabupaten_id, kota, max(penduduk, 800)))
        n_pkm = max(1, min(len(kel), round(sum(x.penduduk for x in kel) / PENDUDUK_PER_PUSKESMAS)))
        per_kab.setdefault(kec.kabupaten_id, []).append((kec, kel, n_pkm))
    total = sum(n for kab in per_kab.values() for _k, _l, n in kab)
    target = max(1, round(total * d.skala))
    urutan = sorted(per_kab)
    if d.skala < 1:
        rng.shuffle(urutan)
    out, n = [], 0
    for kab in urutan:
        for kec, kel, n_pkm in per_kab[kab]:
            if n >= target:
                break
            if n + n_pkm > target:  # the last kecamatan only in part: its first Puskesmas' kelurahan
                sisa = target - n
                kel = [k for grup in _kelompok_berurutan(kel, n_pkm)[:sisa] for k in grup]
                n_pkm = sisa
            out.append((kec, kel, n_pkm))
            n += n_pkm
    return out


def buat_puskesmas(d: Dunia, wilayah) -> None:
    w = d.penulis
    rows, pkm_rows = [], []
    ids = iter(w.ids(Puskesmas, sum(n for _k, _l, n in wilayah)))
    zona = zona_waktu_provinsi(d.provinsi)
    rng = d.rng("puskesmas")
    for kec, kel, n in wilayah:
        for i, grup in enumerate(_kelompok_berurutan(kel, n), start=1):
            pid = next(ids)
            nama = kec.nama.title() if n == 1 else f"{kec.nama.title()} {_ROMAWI[i] if i < len(_ROMAWI) else i}"
            p = Pkm(pid, f"{PREFIKS}{kec.kode}-{i}", nama, kec.kabupaten_id, grup)
            for k in grup:
                k.pkm = pid
                d.kel[k.kode] = k
            d.pkm.append(p)
            alamat = f"{rng.choice(N.JALAN)} No. {rng.randint(1, 250)}, {grup[0].nama.title()}"
            pkm_rows.append((pid, p.kode, f"{nama}", kec.kabupaten_id, alamat, zona, True))
            rows.append((pid, [k.kode for k in grup]))
    w.tulis(Puskesmas, ["id", "kode", "nama", "kabupaten_id", "alamat", "zona_waktu", "aktif"], pkm_rows)
    for pid, kodes in rows:
        Kelurahan.objects.filter(kode__in=kodes).update(puskesmas_id=pid)
    d.kabupaten = sorted({p.kab for p in d.pkm})


def buat_fasilitas(d: Dunia, nama_kab: dict[str, str]) -> None:
    """Induk, Pustu (about one per three kelurahan), Poskesdes (half the desa), 2–4 PMB, the district's RSUD."""
    w, rng = d.penulis, d.rng("fasilitas")
    rows = []
    for p in d.pkm:
        p.induk = w.id(Fasilitas)
        rows.append((p.induk, JenisFasilitas.INDUK, f"Puskesmas {p.nama}", p.id, p.kel[0].kode))
        for k in p.kel[1:]:
            if rng.random() < 0.36:
                k.pustu = w.id(Fasilitas)
                rows.append((k.pustu, JenisFasilitas.PUSTU, f"Pustu {k.nama.title()}", p.id, k.kode))
        for k in p.kel:
            if not k.kota and rng.random() < 0.55:
                k.poskesdes = w.id(Fasilitas)
                rows.append((k.poskesdes, JenisFasilitas.POSKESDES, f"Poskesdes {k.nama.title()}", p.id, k.kode))
        for i in range(rng.randint(2, 4)):
            fid = w.id(Fasilitas)
            p.pmb.append(fid)
            rows.append((fid, JenisFasilitas.PMB, f"PMB {nama_perempuan(rng)} {i + 1}", p.id, rng.choice(p.kel).kode))
        p.rs = w.id(Fasilitas)
        rs_nama = nama_kab[p.kab].replace("Kabupaten ", "").replace("Kota ", "").title()
        rows.append((p.rs, JenisFasilitas.RS, f"RSUD {rs_nama}", p.id, None))
    w.tulis(Fasilitas, ["id", "jenis", "nama", "puskesmas_id", "kelurahan_id"], rows)


def buat_bidan(d: Dunia) -> None:
    """About 16 per Puskesmas: its staff, a bidan desa per village, Pustu midwives and PMB owners."""
    w, rng = d.penulis, d.rng("bidan")
    rows, layanan = [], []
    semua_kel = list(d.kel.values())

    def bidan(p: Pkm, fasilitas: int, kel: list[Kel], *, pmb: bool = False) -> int:
        bid = w.id(Bidan)
        r = rng.random()
        if r < 0.62:
            domisili = rng.choice(kel).kode  # lives where she serves
        elif r < 0.9:
            domisili = rng.choice(semua_kel).kode if rng.random() < 0.3 else rng.choice(p.kel).kode
        else:
            domisili = None
        rows.append((bid, nama_perempuan(rng), fasilitas, p.id, domisili, pmb, True))
        for k in kel:
            layanan.append((bid, k.kode))
            k.bidan.append(bid)
        p.bidan.append(bid)
        return bid

    for p in d.pkm:
        for _i in range(rng.randint(3, 7)):
            bidan(p, p.induk, rng.sample(p.kel, min(len(p.kel), rng.randint(1, 3))))
        for k in p.kel:
            tempat = k.poskesdes or k.pustu or p.induk
            for _i in range(1 if rng.random() < (0.9 if not k.kota else 0.6) else 0):
                bidan(p, tempat, [k])
            if rng.random() < 0.2:
                bidan(p, tempat, [k])
            if k.pustu:
                bidan(p, k.pustu, [k])
        for fid in p.pmb:
            bidan(p, fid, [rng.choice(p.kel)], pmb=True)
        p.bikor = nama_perempuan(rng)
        for k in p.kel:  # a village nobody serves falls back to the Puskesmas' staff
            if not k.bidan:
                bid = rng.choice(p.bidan)
                layanan.append((bid, k.kode))
                k.bidan.append(bid)
    w.tulis(Bidan, ["id", "nama", "fasilitas_id", "puskesmas_id", "kelurahan_domisili_id", "pemilik_pmb", "aktif"],
            rows)
    w.tulis(Bidan.kelurahan_layanan.through, ["bidan_id", "kelurahan_id"], sorted(set(layanan)))


def _tanggal_acak(rng: random.Random, a: dt.date, b: dt.date) -> dt.date:
    return a + dt.timedelta(days=rng.randint(0, max(0, (b - a).days)))


def buat_dukun(d: Dunia) -> None:
    """About 1.5 per desa and 0.4 per urban kelurahan; most partnered, some not; statuses; who knows them."""
    w, rng = d.penulis, d.rng("dukun")
    rows, kenal, mitra = [], [], []
    awal_data = d.mulai - dt.timedelta(days=365)
    for p in d.pkm:
        for k in p.kel:
            rata = 0.4 if k.kota else 1.5
            n = sum(1 for _i in range(4) if rng.random() < rata / 4) + (1 if not k.kota and rng.random() < 0.1 else 0)
            for _i in range(n):
                did = w.id(Dukun)
                r = rng.random()
                status = (StatusDukun.AKTIF if r < 0.8 else StatusDukun.TIDAK_MENOLONG if r < 0.92
                          else StatusDukun.PINDAH if r < 0.95 else StatusDukun.MENINGGAL)
                sejak = None if status == StatusDukun.AKTIF else _tanggal_acak(rng, d.mulai + dt.timedelta(days=200),
                                                                               d.batas)
                lahir = rng.randint(1940, 1982)
                panggilan = rng.choice(N.DUKUN)
                rows.append((did, f"{panggilan} {rng.choice(N.BELAKANG)}",
                             f"{rng.choice(N.SEBUTAN_DUKUN)} {panggilan}", lahir, k.kode,
                             f"Kp. {k.nama.title()}", f"{rng.randint(1, 12):03d}", f"{rng.randint(1, 6):03d}",
                             rng.random() < 0.25, min(60, max(1, d.mulai.year - lahir - rng.randint(20, 35))),
                             status, sejak, d.pada(_tanggal_acak(rng, awal_data, d.mulai))))
                p.dukun.append((did, k.kode, status, sejak))
                k.dukun.append(did)
                # Partnerships: most active dukun; a part of those who stopped had one, ended when they stopped.
                bermitra = rng.random() < (0.82 if status == StatusDukun.AKTIF else 0.55)
                mitra_bidan = None
                if bermitra:
                    mitra_bidan = rng.choice(k.bidan)
                    mulai = (_tanggal_acak(rng, dt.date(d.mulai.year - 5, 1, 1), d.mulai) if rng.random() < 0.6
                             else _tanggal_acak(rng, d.mulai, d.batas - dt.timedelta(days=30)))
                    if sejak and mulai >= sejak:
                        mulai = sejak - dt.timedelta(days=rng.randint(60, 700))
                    if rng.random() < 0.1 and len(p.bidan) > 1:  # an earlier partnership with a bidan who moved
                        lama = rng.choice([b for b in p.bidan if b != mitra_bidan])
                        mulai_lama = mulai - dt.timedelta(days=rng.randint(400, 1500))
                        mitra.append(_kemitraan(w, rng, k, lama, did, mulai_lama, mulai - dt.timedelta(days=1),
                                                "Bidan pindah tugas ke Puskesmas lain."))
                    akhir = sejak if sejak else None
                    alasan = "Dukun tidak lagi menolong persalinan." if akhir else ""
                    if akhir is None and mulai + dt.timedelta(days=200) < d.batas and rng.random() < 0.04:
                        # ended after three written warnings
                        akhir = _tanggal_acak(rng, mulai + dt.timedelta(days=180), d.batas)
                        alasan = "Tiga kali teguran tertulis: dukun menolong persalinan sendiri."
                    mitra.append(_kemitraan(w, rng, k, mitra_bidan, did, mulai, akhir, alasan))
                if mitra_bidan:
                    kenal.append((did, mitra_bidan))
                if status == StatusDukun.AKTIF and rng.random() < (0.5 if mitra_bidan else 0.45):
                    other = rng.choice(k.bidan)
                    if other != mitra_bidan:
                        kenal.append((did, other))
    w.tulis(Dukun, ["id", "nama", "nama_panggilan", "tahun_lahir", "kelurahan_id", "alamat", "rt", "rw",
                    "bisa_baca_tulis", "lama_praktik_tahun", "status", "status_sejak", "dicatat_pada"], rows)
    w.tulis(Dukun.dikenal_oleh.through, ["dukun_id", "bidan_id"], kenal)
    kolom = ["id", "bidan_id", "dukun_id", "kelurahan_id", "puskesmas_id", "tanggal_mulai", "status",
             "tanggal_berakhir", "alasan_berakhir", "jenis_pembagian_jasa", "nilai_pembagian_jasa", "saksi_lurah",
             "saksi_kepala_puskesmas", "saksi_camat", "tanggal_tanda_tangan", "tanggal_tinjau"]
    w.tulis(Kemitraan, kolom, [m[0] for m in mitra])
    for row, k in mitra:
        k.mitra.append((row[0], row[1], row[2], row[5], row[7], row[9], row[10]))


def _kemitraan(w: Penulis, rng: random.Random, k: Kel, bidan: int, dukun: int, mulai: dt.date, akhir, alasan: str):
    r = rng.random()
    if r < 0.7:
        jenis, nilai = JenisPembagianJasa.NOMINAL, rng.choice((50_000, 50_000, 75_000, 100_000))
    elif r < 0.85:
        jenis, nilai = JenisPembagianJasa.PERSEN, rng.choice((10, 15, 20, 25))
    else:
        jenis, nilai = JenisPembagianJasa.TIDAK_ADA, None
    status = StatusKemitraan.AKTIF if akhir is None else StatusKemitraan.BERAKHIR
    row = (w.id(Kemitraan), bidan, dukun, k.kode, k.pkm, mulai, status, akhir, alasan, jenis, nilai,
           nama_laki(rng), nama_laki(rng), nama_laki(rng), mulai, mulai + dt.timedelta(days=365))
    return row, k
