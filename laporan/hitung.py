"""The indicator engine: every measure in the database, in a fixed number of queries.

Each *source* (a table: dukun, deliveries, referrals …) is read with ONE query per call: rows of the
scope whose dates touch the asked periods, aggregated with conditional aggregates (`COUNT(*) FILTER
(WHERE …)`), one column per measure and period, optionally grouped by kelurahan or Puskesmas. So the
number of queries depends on the number of sources, never on the number of Puskesmas, kelurahan or
records; a period and the one before it, or twelve months of a trend, come from the same query.

Registry figures (dukun listed, bidan, guidebooks) are the registry as it stands now: the app keeps the
history of each row, not a snapshot per month. An approved monthly report stores its values, so a
month already reported keeps the figures it had.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.conf import settings
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.utils import timezone

from dukun.models import Dukun, StatusDukun
from kemitraan.models import (
    AnggaranDana,
    JenisPenghargaanSanksi,
    JenisSarana,
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
from kemitraan.selectors import jatuh_tempo, rencana_bawaan
from kia.models import (
    BAYI_HARI,
    BBLR_GRAM,
    NEONATAL_HARI,
    PENOLONG_NAKES,
    TEMPAT_FASILITAS,
    AlasanPenolakan,
    Bayi,
    JenisRujukan,
    Penolong,
    Persalinan,
    Rujukan,
    Sasaran,
    StatusIbu,
    StatusLahir,
    StatusRujukan,
    TempatPersalinan,
)
from laporan.indikator import DESIMAL, INDIKATOR, PENGALI, Indikator
from laporan.periode import Periode
from puskesmas.models import Bidan, Kabupaten, Kelurahan, Provinsi, Puskesmas
from ringkasan.models import KOLOM, RingkasanBulanan

TINGKAT = ("kelurahan", "puskesmas", "kabupaten", "provinsi")


class Median(Aggregate):
    """The median; PostgreSQL's percentile_cont, SQLite's MEDIAN registered by laporan.apps."""

    function = "MEDIAN"
    name = "Median"
    allow_distinct = False

    def as_postgresql(self, compiler, connection, **extra):
        # Set on a copy, not passed as template=: Aggregate.as_sql passes its own template with FILTER.
        clone = self.copy()
        clone.template = "percentile_cont(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
        return super(Median, clone).as_sql(compiler, connection, **extra)


class MedianSqlite:
    """SQLite aggregate class for MEDIAN (NULLs skipped, as SQL aggregates do)."""

    def __init__(self):
        self.values: list[float] = []

    def step(self, value):
        if value is not None:
            self.values.append(value)

    def finalize(self):
        if not self.values:
            return None
        v = sorted(self.values)
        n = len(v)
        return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


# --- Scope ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cakupan:
    """Where the figures are computed: a kelurahan (kode), a Puskesmas (pk), a kabupaten or a province (kode)."""

    tingkat: str
    kode: str

    def __post_init__(self):
        if self.tingkat not in TINGKAT:
            raise ValueError(f"unknown tingkat {self.tingkat!r}")
        object.__setattr__(self, "kode", str(self.kode))

    @classmethod
    def dari(cls, obj) -> Cakupan:
        if isinstance(obj, Kelurahan):
            return cls("kelurahan", obj.kode)
        if isinstance(obj, Puskesmas):
            return cls("puskesmas", str(obj.pk))
        if isinstance(obj, Kabupaten):
            return cls("kabupaten", obj.kode)
        if isinstance(obj, Provinsi):
            return cls("provinsi", obj.kode)
        raise TypeError(obj)

    def filter_q(self, pkm: str, kel: str | None) -> Q | None:
        """The rows of this scope, given the source's paths to its Puskesmas and kelurahan (None: no such rows)."""
        if self.tingkat == "kelurahan":
            return Q(**{kel: self.kode}) if kel else None
        if self.tingkat == "puskesmas":
            return Q(**{pkm: int(self.kode)})
        if self.tingkat == "kabupaten":
            return Q(**{f"{pkm}__kabupaten": self.kode})
        return Q(**{f"{pkm}__kabupaten__provinsi": self.kode})

    def zona(self) -> zoneinfo.ZoneInfo:
        """The zone whose calendar days the figures count in: the scope's own Puskesmas' (one query)."""
        zona = self.puskesmas_qs().order_by("pk").values_list("zona_waktu", flat=True).first()
        return zoneinfo.ZoneInfo(zona or settings.TIME_ZONE)

    def puskesmas_qs(self) -> QuerySet[Puskesmas]:
        qs = Puskesmas.objects.all()
        if self.tingkat == "kelurahan":
            return qs.filter(wilayah_kerja=self.kode)
        if self.tingkat == "puskesmas":
            return qs.filter(pk=int(self.kode))
        if self.tingkat == "kabupaten":
            return qs.filter(kabupaten=self.kode)
        return qs.filter(kabupaten__provinsi=self.kode)


# --- Sources and their measures -------------------------------------------------------------------


def _antara(path: str, a: dt.date, b: dt.date) -> Q:
    return Q(**{f"{path}__gte": a, f"{path}__lte": b})


@dataclass(frozen=True)
class Sumber:
    nama: str
    queryset: Callable[[], QuerySet]
    pkm: str  # path to the Puskesmas
    kel: str | None  # path to the kelurahan; None: a Puskesmas-level source
    # Rows that may count for a period [a, b] (None: every row of the scope, e.g. the registry).
    rentang: Callable[[dt.date, dt.date], Q] | None
    # The measures of one period: name → aggregate (with its own FILTER).
    ukuran: Callable[[Periode], dict[str, Aggregate]]
    # Turns the raw columns of one period into measures (e.g. yearly targets × the period's share).
    selesaikan: Callable[[dict, Periode], dict] | None = None


def _dukun_ukuran(p: Periode) -> dict:
    b = p.selesai
    aktif = Q(status=StatusDukun.AKTIF)
    dikenal = Exists(Dukun.dikenal_oleh.through.objects.filter(dukun=OuterRef("pk")))
    bermitra = Exists(
        Kemitraan.objects.filter(dukun=OuterRef("pk"), tanggal_mulai__lte=b).filter(
            Q(status=StatusKemitraan.AKTIF, tanggal_berakhir__isnull=True) | Q(tanggal_berakhir__gte=b)
        )
    )
    terlatih = Exists(
        Pelatihan.peserta_dukun.through.objects.filter(dukun=OuterRef("pk"), pelatihan__tanggal__lte=b)
    )
    kit = Exists(PemberianKit.objects.filter(dukun=OuterRef("pk"), tanggal__lte=b))
    hadir = Exists(
        KehadiranDukun.objects.filter(
            dukun=OuterRef("pk"), pertemuan__status=StatusPertemuan.TERLAKSANA,
            pertemuan__waktu_pelaksanaan__date__gte=p.mulai, pertemuan__waktu_pelaksanaan__date__lte=b,
        )
    )
    return {
        "dukun_terdaftar": Count("id", filter=~Q(status__in=[StatusDukun.PINDAH, StatusDukun.MENINGGAL])),
        "dukun_aktif": Count("id", filter=aktif),
        "dukun_dikenal": Count("id", filter=aktif & Q(dikenal)),
        "dukun_bermitra": Count("id", filter=aktif & Q(bermitra)),
        "dukun_terlatih": Count("id", filter=aktif & Q(terlatih)),
        "dukun_kit": Count("id", filter=aktif & Q(kit)),
        "dukun_hadir": Count("id", filter=aktif & Q(hadir)),
    }


def _bidan_ukuran(p: Periode) -> dict:
    return {
        "bidan_jumlah": Count("bidan", distinct=True),
        "bidan_tinggal": Count("bidan", distinct=True, filter=Q(bidan__kelurahan_domisili=F("kelurahan"))),
    }


def _anggaran_ukuran(p: Periode) -> dict:
    tahun = Q(tahun=p.selesai.year)
    out = {"dana_alokasi": Sum("jumlah_alokasi", filter=tahun)}
    for s in SumberDana:
        out[f"dana_alokasi_{s.value}"] = Sum("jumlah_alokasi", filter=tahun & Q(sumber=s))
    return out


def _pengeluaran_ukuran(p: Periode) -> dict:
    dalam = _antara("tanggal", p.mulai, p.selesai)
    out = {
        "dana_belanja": Sum("jumlah", filter=dalam),
        "dana_belanja_kumulatif": Sum(
            "jumlah", filter=_antara("tanggal", dt.date(p.selesai.year, 1, 1), p.selesai)
        ),
    }
    for s in SumberDana:
        out[f"dana_belanja_{s.value}"] = Sum("jumlah", filter=dalam & Q(anggaran__sumber=s))
    return out


def _sarana_ukuran(p: Periode) -> dict:
    return {"sarana_buku_pedoman": Sum("jumlah", filter=Q(jenis=JenisSarana.BUKU_PEDOMAN, tersedia=True))}


def _kit_ukuran(p: Periode) -> dict:
    return {"kit_diberikan": Sum("jumlah", filter=_antara("tanggal", p.mulai, p.selesai))}


def _pelatihan_ukuran(p: Periode) -> dict:
    dalam = _antara("tanggal", p.mulai, p.selesai)
    return {
        "pelatihan_jumlah": Count("id", distinct=True, filter=dalam),
        "pelatihan_peserta_dukun": Count("peserta_dukun", distinct=True, filter=dalam),
    }


def _penghargaan_ukuran(p: Periode) -> dict:
    dalam = _antara("tanggal", p.mulai, p.selesai)
    return {
        "penghargaan": Count("id", filter=dalam & Q(jenis=JenisPenghargaanSanksi.PENGHARGAAN)),
        "teguran_sanksi": Count("id", filter=dalam & ~Q(jenis=JenisPenghargaanSanksi.PENGHARGAAN)),
    }


def _pertemuan_ukuran(p: Periode) -> dict:
    terlaksana = Q(status=StatusPertemuan.TERLAKSANA) & _antara("waktu_pelaksanaan__date", p.mulai, p.selesai)
    ada_mitra = Exists(PesertaLintasSektor.objects.filter(pertemuan=OuterRef("pk")))
    return {
        "pertemuan_terlaksana": Count("id", filter=terlaksana),
        "pertemuan_lintas_sektor": Count("id", filter=terlaksana & Q(ada_mitra)),
    }


def _lintas_sektor_ukuran(p: Periode) -> dict:
    return {
        "lintas_sektor_hadir": Count(
            "id", filter=Q(pertemuan__status=StatusPertemuan.TERLAKSANA)
            & _antara("pertemuan__waktu_pelaksanaan__date", p.mulai, p.selesai)
        )
    }


def _tindak_lanjut_ukuran(p: Periode) -> dict:
    jatuh_tempo_q = _antara("tenggat", p.mulai, p.selesai) & ~Q(status=StatusTindakLanjut.BATAL)
    # Overdue as it stood at the end of the period (or today, for a period not over yet).
    acuan = min(p.selesai + dt.timedelta(days=1), timezone.localdate())
    terlambat = Q(tenggat__lt=acuan) & (
        Q(status=StatusTindakLanjut.TERBUKA)
        | Q(status__in=[StatusTindakLanjut.SELESAI, StatusTindakLanjut.BATAL], tanggal_ditutup__gte=acuan)
    )
    return {
        "tl_jatuh_tempo": Count("id", filter=jatuh_tempo_q),
        "tl_tepat_waktu": Count(
            "id", filter=jatuh_tempo_q & Q(status=StatusTindakLanjut.SELESAI, tanggal_ditutup__lte=F("tenggat"))
        ),
        "tl_terlambat": Count("id", filter=terlambat),
    }


def _rujukan_ukuran(p: Periode) -> dict:
    dalam = _antara("waktu_rujuk__date", p.mulai, p.selesai)
    out = {
        "rujukan_jumlah": Count("id", filter=dalam),
        "rujukan_dari_dukun": Count("id", filter=dalam & Q(jenis=JenisRujukan.DUKUN_KE_BIDAN)),
        "rujukan_sampai": Count(
            "id", filter=dalam & Q(status__in=[StatusRujukan.DITERIMA, StatusRujukan.DITANGANI])
        ),
        "rujukan_ditolak": Count("id", filter=dalam & Q(status=StatusRujukan.DITOLAK_KELUARGA)),
        "rujukan_tidak_sampai": Count("id", filter=dalam & Q(status=StatusRujukan.TIDAK_SAMPAI)),
        "rujukan_median": Median(
            ExpressionWrapper(F("waktu_diterima") - F("waktu_rujuk"), output_field=DurationField()),
            filter=dalam & Q(waktu_diterima__isnull=False),
            output_field=DurationField(),
        ),
    }
    for a in AlasanPenolakan:
        out[f"rujukan_alasan_{a.value}"] = Count(
            "id", filter=dalam & Q(status=StatusRujukan.DITOLAK_KELUARGA, alasan_penolakan=a)
        )
    return out


def _rujukan_selesaikan(row: dict, p: Periode) -> dict:
    median = row.pop("rujukan_median")
    if isinstance(median, (int, float)):  # a backend that returns microseconds
        median = dt.timedelta(microseconds=median)
    row["rujukan_median_menit"] = (
        None if median is None else Decimal(median.total_seconds() / 60).quantize(Decimal(1), ROUND_HALF_UP)
    )
    return row


def _persalinan_ukuran(p: Periode) -> dict:
    dalam = _antara("tanggal", p.mulai, p.selesai)
    # A mother's death counts in the month she died (the delivery's date when the death date is missing).
    meninggal = Q(status_ibu=StatusIbu.MENINGGAL) & (
        _antara("tanggal_meninggal_ibu", p.mulai, p.selesai) | (Q(tanggal_meninggal_ibu__isnull=True) & dalam)
    )
    bermitra = dalam & Q(kemitraan__isnull=False)
    out = {
        "persalinan_jumlah": Count("id", filter=dalam),
        "persalinan_nakes": Count("id", filter=dalam & Q(penolong__in=PENOLONG_NAKES)),
        "persalinan_fasilitas": Count("id", filter=dalam & Q(tempat__in=TEMPAT_FASILITAS)),
        "persalinan_dukun_sendiri": Count("id", filter=dalam & Q(penolong=Penolong.DUKUN)),
        "kematian_ibu": Count("id", filter=meninggal),
        "persalinan_bermitra": Count("id", filter=bermitra),
        "jasa_dibayar": Count("id", filter=bermitra & Q(jasa_dukun_tanggal__isnull=False)),
        "jasa_jumlah": Sum("jasa_dukun_jumlah", filter=dalam & Q(jasa_dukun_tanggal__isnull=False)),
    }
    for o in Penolong:
        out[f"persalinan_penolong_{o.value}"] = Count("id", filter=dalam & Q(penolong=o))
    for t in TempatPersalinan:
        out[f"persalinan_tempat_{t.value}"] = Count("id", filter=dalam & Q(tempat=t))
    return out


def _persalinan_rentang(a: dt.date, b: dt.date) -> Q:
    return _antara("tanggal", a, b) | _antara("tanggal_meninggal_ibu", a, b)


def _bayi_ukuran(p: Periode) -> dict:
    lahir = _antara("persalinan__tanggal", p.mulai, p.selesai)
    hidup = lahir & Q(status_lahir=StatusLahir.LAHIR_HIDUP)
    # Deaths count in the period they happened (AKB: infant deaths in the year / live births in the year).
    mati = Q(status_lahir=StatusLahir.LAHIR_HIDUP) & _antara("tanggal_meninggal", p.mulai, p.selesai)
    return {
        "bayi_jumlah": Count("id", filter=lahir),
        "lahir_hidup": Count("id", filter=hidup),
        "lahir_mati": Count("id", filter=lahir & Q(status_lahir=StatusLahir.LAHIR_MATI)),
        "bblr": Count("id", filter=hidup & Q(berat_lahir_gram__lt=BBLR_GRAM)),
        "kn1": Count("id", filter=hidup & Q(kn1_diterima=True)),
        "kn_lengkap": Count("id", filter=hidup & Q(kn_lengkap=True)),
        "kematian_neonatal": Count("id", filter=mati & Q(umur_meninggal_hari__lte=NEONATAL_HARI)),
        "kematian_bayi": Count("id", filter=mati & Q(umur_meninggal_hari__lte=BAYI_HARI)),
    }


def _bayi_rentang(a: dt.date, b: dt.date) -> Q:
    return _antara("persalinan__tanggal", a, b) | _antara("tanggal_meninggal", a, b)


_SASARAN = (("sasaran_hamil", "ibu_hamil"), ("sasaran_bersalin", "ibu_bersalin"), ("sasaran_bayi", "bayi_baru_lahir"))


def _sasaran_ukuran(p: Periode) -> dict:
    return {
        f"{nama}_t{tahun}": Sum(kolom, filter=Q(tahun=tahun))
        for nama, kolom in _SASARAN
        for tahun in p.tahun_tahun()
    }


def _sasaran_selesaikan(row: dict, p: Periode) -> dict:
    """A yearly target × the period's share of the year (PWS-KIA's monthly line: target ÷ 12 × months)."""
    out = {}
    for nama, _kolom in _SASARAN:
        total, ada = Fraction(0), False
        for tahun in p.tahun_tahun():
            value = row.get(f"{nama}_t{tahun}")
            if value is not None:
                ada = True
                total += Fraction(int(value)) * p.fraksi_tahun(tahun)
        # Kept exact (28 digits), not rounded: a ratio over a monthly target must not inherit a rounding.
        out[nama] = Decimal(total.numerator) / Decimal(total.denominator) if ada else None
    return out


SUMBER_MENTAH: list[Sumber] = [
    Sumber("dukun", Dukun.objects.all, "kelurahan__puskesmas", "kelurahan", None, _dukun_ukuran),
    Sumber(
        "bidan", lambda: Bidan.kelurahan_layanan.through.objects.filter(bidan__aktif=True),
        "bidan__puskesmas", "kelurahan", None, _bidan_ukuran,
    ),
    Sumber("anggaran", AnggaranDana.objects.all, "puskesmas", None,
           lambda a, b: Q(tahun__gte=a.year, tahun__lte=b.year), _anggaran_ukuran),
    Sumber("pengeluaran", PengeluaranDana.objects.all, "anggaran__puskesmas", None,
           lambda a, b: _antara("tanggal", dt.date(a.year, 1, 1), b), _pengeluaran_ukuran),
    Sumber("sarana", Sarana.objects.all, "puskesmas", None, None, _sarana_ukuran),
    Sumber("kit", PemberianKit.objects.all, "puskesmas", "dukun__kelurahan",
           lambda a, b: _antara("tanggal", a, b), _kit_ukuran),
    Sumber("pelatihan", Pelatihan.objects.all, "puskesmas", None,
           lambda a, b: _antara("tanggal", a, b), _pelatihan_ukuran),
    Sumber("penghargaan", PenghargaanSanksi.objects.all, "puskesmas", None,
           lambda a, b: _antara("tanggal", a, b), _penghargaan_ukuran),
    Sumber("pertemuan", Pertemuan.objects.all, "puskesmas", None,
           lambda a, b: _antara("waktu_pelaksanaan__date", a, b), _pertemuan_ukuran),
    Sumber("lintas_sektor", PesertaLintasSektor.objects.all, "pertemuan__puskesmas", None,
           lambda a, b: _antara("pertemuan__waktu_pelaksanaan__date", a, b), _lintas_sektor_ukuran),
    Sumber("tindak_lanjut", TindakLanjut.objects.all, "pertemuan__puskesmas", None,
           lambda a, b: Q(tenggat__lte=b), _tindak_lanjut_ukuran),
    Sumber("rujukan", Rujukan.objects.all, "puskesmas", "kelurahan",
           lambda a, b: _antara("waktu_rujuk__date", a, b), _rujukan_ukuran, _rujukan_selesaikan),
    Sumber("persalinan", Persalinan.objects.all, "puskesmas", "kelurahan", _persalinan_rentang,
           _persalinan_ukuran),
    Sumber("bayi", Bayi.objects.all, "puskesmas", "kelurahan", _bayi_rentang, _bayi_ukuran),
    Sumber("sasaran", Sasaran.objects.all, "puskesmas", "kelurahan",
           lambda a, b: Q(tahun__gte=a.year, tahun__lte=b.year), _sasaran_ukuran, _sasaran_selesaikan),
]

# --- The monthly summary ---------------------------------------------------------------------------
# Deliveries, babies and referrals are read from `ringkasan.RingkasanBulanan` (Puskesmas × kelurahan ×
# month) when every period is made of whole months — the dashboards' and reports' periods. A column holds
# the measure of the same name for its month, so a period is SUM(column) FILTER (WHERE its months). A date
# range that is not whole months falls back to the raw sources above (`SUMBER_MENTAH`), which
# `ringkasan_periksa` also uses as the reference. The median time to arrival cannot be summed: it stays
# on the raw referrals (index kia_rujukan_pkm_waktu_idx: puskesmas, waktu_rujuk).
_MENTAH_DIRINGKAS = ("rujukan", "persalinan", "bayi")


def _ringkasan_ukuran(p: Periode) -> dict:
    dalam = _antara("bulan", p.mulai, p.selesai)
    return {kolom: Sum(kolom, filter=dalam) for kolom in KOLOM}


def _ringkasan_rentang(a: dt.date, b: dt.date) -> Q:
    return _antara("bulan", a.replace(day=1), b)


def _rujukan_median_ukuran(p: Periode) -> dict:
    return {"rujukan_median": _rujukan_ukuran(p)["rujukan_median"]}


SUMBER: list[Sumber] = [
    *(s for s in SUMBER_MENTAH if s.nama not in _MENTAH_DIRINGKAS),
    Sumber("ringkasan", RingkasanBulanan.objects.all, "puskesmas", "kelurahan", _ringkasan_rentang, _ringkasan_ukuran),
    Sumber("rujukan_median", Rujukan.objects.all, "puskesmas", "kelurahan",
           lambda a, b: _antara("waktu_rujuk__date", a, b), _rujukan_median_ukuran, _rujukan_selesaikan),
]


def _bulan_utuh(periode: Sequence[Periode]) -> bool:
    """Every period runs from the first day of a month to the last day of a month."""
    return all(
        p.mulai.day == 1 and (p.selesai + dt.timedelta(days=1)).day == 1 for p in periode
    )


def _peta_ukuran(daftar: list[Sumber]) -> dict[str, str]:
    """Which source yields each measure (the planned meetings come from the plan, computed below)."""
    contoh = Periode.bulan(2020, 1)
    peta: dict[str, str] = {}
    for s in daftar:
        names = s.ukuran(contoh).keys()
        if s.selesaikan:
            names = s.selesaikan(dict.fromkeys(names), contoh).keys()
        for n in names:
            peta[n] = s.nama
    peta["pertemuan_rencana"] = "rencana"
    return peta


UKURAN_SUMBER: dict[str, str] = _peta_ukuran(SUMBER_MENTAH)
_UKURAN_SUMBER_RINGKASAN: dict[str, str] = _peta_ukuran(SUMBER)
UKURAN_PUSKESMAS_SAJA = {n for n, s in UKURAN_SUMBER.items()
                         if s == "rencana" or next(x for x in SUMBER_MENTAH if x.nama == s).kel is None}


# Measures with no "nothing happened = 0" reading: a missing target, a median of no referral.
TANPA_NOL = {"sasaran_hamil", "sasaran_bersalin", "sasaran_bayi", "rujukan_median_menit"}


def _kolom(nama: str, i: int) -> str:
    return f"{nama}__p{i}"


def _baca_sumber(sumber: Sumber, cakupan: Cakupan, periode: Sequence[Periode], kelompok: str | None) -> dict:
    """{group key (None without grouping): [measures of period 0, of period 1, …]} — one query."""
    scope = cakupan.filter_q(sumber.pkm, sumber.kel)
    if scope is None or (kelompok == "kelurahan" and sumber.kel is None):
        return {}
    qs = sumber.queryset().filter(scope)
    if sumber.rentang is not None:
        qs = qs.filter(sumber.rentang(min(p.mulai for p in periode), max(p.selesai for p in periode)))
    aggregates = {}
    for i, p in enumerate(periode):
        for nama, agg in sumber.ukuran(p).items():
            aggregates[_kolom(nama, i)] = agg
    if kelompok is None:
        rows = {None: qs.order_by().aggregate(**aggregates)}
    else:
        key = sumber.kel if kelompok == "kelurahan" else sumber.pkm
        rows = {}
        for row in qs.order_by().values(key).annotate(**aggregates):
            rows[str(row.pop(key))] = row
    out = {}
    for key, row in rows.items():
        per = []
        for i, p in enumerate(periode):
            suffix = f"__p{i}"
            values = {k[: -len(suffix)]: v for k, v in row.items() if k.endswith(suffix)}
            if sumber.selesaikan:
                values = sumber.selesaikan(values, p)
            per.append(values)
        out[key] = per
    return out


def _rencana(cakupan: Cakupan, periode: Sequence[Periode], kelompok: str | None) -> dict:
    """Meetings due in each period by the yearly plans (the default plan where none was set): two queries."""
    if cakupan.tingkat == "kelurahan" or kelompok == "kelurahan":
        return {}
    tahun = sorted({y for p in periode for y in p.tahun_tahun()})
    pkm_ids = list(cakupan.puskesmas_qs().values_list("pk", flat=True))
    rencana: dict[tuple[int, int], dict[str, int]] = {}
    for pkm, y, jenis, jumlah in RencanaPertemuan.objects.filter(puskesmas__in=pkm_ids, tahun__in=tahun).values_list(
        "puskesmas", "tahun", "jenis", "jumlah"
    ):
        rencana.setdefault((pkm, y), {})[jenis] = jumlah
    # Due dates of a plan depend only on (year, count): a handful of distinct lists for any number of Puskesmas.
    bawaan = rencana_bawaan()
    per_pkm: dict[str, list[dict]] = {}
    for pkm in pkm_ids:
        per = []
        for p in periode:
            n = 0
            for y in p.tahun_tahun():
                for jumlah in rencana.get((pkm, y), bawaan).values():
                    n += sum(1 for d in _jatuh_tempo(y, jumlah) if p.mulai <= d <= p.selesai)
            per.append({"pertemuan_rencana": n})
        per_pkm[str(pkm)] = per
    if kelompok == "puskesmas":
        return per_pkm
    return {None: [{"pertemuan_rencana": sum(v[i]["pertemuan_rencana"] for v in per_pkm.values())}
                   for i in range(len(periode))]}


_JATUH_TEMPO_CACHE: dict[tuple[int, int], list[dt.date]] = {}


def _jatuh_tempo(tahun: int, jumlah: int) -> list[dt.date]:
    key = (tahun, jumlah)
    if key not in _JATUH_TEMPO_CACHE:
        _JATUH_TEMPO_CACHE[key] = jatuh_tempo(tahun, jumlah)
    return _JATUH_TEMPO_CACHE[key]


def _sumber_untuk(names: Iterable[str] | None, periode: Sequence[Periode]) -> list[Sumber]:
    """The sources of these measures: the summary for whole months, the raw tables otherwise."""
    daftar, peta = (SUMBER, _UKURAN_SUMBER_RINGKASAN) if _bulan_utuh(periode) else (SUMBER_MENTAH, UKURAN_SUMBER)
    if names is None:
        return daftar
    wanted = {peta[n] for n in names}
    return [s for s in daftar if s.nama in wanted]


def ukuran(
    cakupan: Cakupan, periode: Sequence[Periode], *, kelompok: str | None = None, names: Iterable[str] | None = None
) -> dict:
    """All measures: {group key or None: [ {measure: value} per period ]}; one query per source."""
    names = list(names) if names is not None else None
    hasil: dict = {}
    bagian = [_baca_sumber(s, cakupan, periode, kelompok) for s in _sumber_untuk(names, periode)]
    if names is None or "pertemuan_rencana" in names:
        bagian.append(_rencana(cakupan, periode, kelompok))
    for per_key in bagian:
        for key, per in per_key.items():
            target = hasil.setdefault(key, [{} for _p in periode])
            for i, values in enumerate(per):
                target[i].update(values)
    return hasil


# --- Indicator values -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Nilai:
    indikator: Indikator
    pembilang: Decimal | None
    penyebut: Decimal | None
    nilai: Decimal | None  # None: not available here, or a zero denominator ("–")

    @property
    def status(self) -> str | None:
        """'baik', 'cukup' or 'kurang' against the indicator's target; None without a target or value."""
        ind, v = self.indikator, self.nilai
        if v is None or ind.target is None or ind.lebih_tinggi_lebih_baik is None:
            return None
        if ind.lebih_tinggi_lebih_baik:
            if v >= ind.target:
                return "baik"
            return "cukup" if v >= ind.target * Decimal("0.8") else "kurang"
        if v <= ind.target:
            return "baik"
        return "kurang"

    def as_json(self) -> dict:
        def s(x):
            return None if x is None else str(x)

        return {"pembilang": s(self.pembilang), "penyebut": s(self.penyebut), "nilai": s(self.nilai)}


def _angka(value) -> Decimal | None:
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(value)


def nilai_indikator(ind: Indikator, ukuran_: dict, *, tersedia: bool = True) -> Nilai:
    """One indicator from measures. A measure the scope does not have (a Puskesmas-level figure of a
    kelurahan) is None; a count with no rows is 0; a ratio over 0 is None ("–")."""
    def ambil(nama):
        value = ukuran_.get(nama)
        if value is not None:
            return _angka(value)
        if nama in TANPA_NOL or (nama in UKURAN_PUSKESMAS_SAJA and not tersedia):
            return None
        return Decimal(0)  # no rows (SUM of nothing is NULL): nothing happened

    pembilang = ambil(ind.pembilang)
    if not ind.rasio:
        return Nilai(ind, pembilang, None, pembilang)
    penyebut = ambil(ind.penyebut)
    if pembilang is None or penyebut is None or penyebut == 0:
        return Nilai(ind, pembilang, penyebut, None)
    value = (pembilang / penyebut * PENGALI[ind.satuan]).quantize(DESIMAL[ind.satuan], ROUND_HALF_UP)
    return Nilai(ind, pembilang, penyebut, value)


def semua_nilai(ukuran_: dict, *, tingkat_puskesmas: bool = True) -> dict[str, Nilai]:
    return {ind.kode: nilai_indikator(ind, ukuran_, tersedia=tingkat_puskesmas) for ind in INDIKATOR}


# --- What the dashboards and reports call ----------------------------------------------------------


@dataclass
class Baris:
    kunci: str
    nama: str
    nilai: dict[str, Nilai]
    ukuran: dict
    objek: object = None  # the Kelurahan or Puskesmas


@dataclass
class Hasil:
    cakupan: Cakupan
    periode: Periode
    total: dict[str, Nilai]
    ukuran: dict
    sebelumnya: dict[str, Nilai] | None = None
    ukuran_sebelumnya: dict | None = None
    kelompok: list[Baris] = field(default_factory=list)

    def __getitem__(self, kode: str) -> Nilai:
        return self.total[kode]


def _kosong(periode_n: int) -> list[dict]:
    return [{} for _i in range(periode_n)]


def hitung(
    cakupan: Cakupan, periode: Periode, *, kelompok: str | None = None, pembanding: bool = True
) -> Hasil:
    """Every indicator of a scope and period (and the period before, for the change), optionally per
    kelurahan or per Puskesmas. Dates are the days of the scope's own zone, whoever looks (the month
    lock uses the same days). Queries: one per source for the totals, one per source for the groups,
    plus the zone and the list of groups — whatever the number of Puskesmas or records."""
    with timezone.override(cakupan.zona()):
        return _hitung(cakupan, periode, kelompok=kelompok, pembanding=pembanding)


def _hitung(cakupan: Cakupan, periode: Periode, *, kelompok: str | None, pembanding: bool) -> Hasil:
    daftar = [periode, periode.sebelumnya()] if pembanding else [periode]
    tingkat_pkm = cakupan.tingkat != "kelurahan"
    total = ukuran(cakupan, daftar).get(None, _kosong(len(daftar)))
    hasil = Hasil(
        cakupan=cakupan, periode=periode, total=semua_nilai(total[0], tingkat_puskesmas=tingkat_pkm),
        ukuran=total[0],
    )
    if pembanding:
        hasil.sebelumnya = semua_nilai(total[1], tingkat_puskesmas=tingkat_pkm)
        hasil.ukuran_sebelumnya = total[1]
    if kelompok:
        per = ukuran(cakupan, [periode], kelompok=kelompok)
        if kelompok == "kelurahan":
            objek = Kelurahan.objects.filter(puskesmas__in=cakupan.puskesmas_qs()).order_by("nama")
            if cakupan.tingkat == "kelurahan":
                objek = objek.filter(kode=cakupan.kode)
            pairs = [(o.kode, o.nama, o) for o in objek]
        else:
            objek = cakupan.puskesmas_qs().order_by("nama")
            pairs = [(str(o.pk), o.nama, o) for o in objek]
        for kunci, nama, o in pairs:
            u = per.get(kunci, _kosong(1))[0]
            hasil.kelompok.append(
                Baris(kunci, nama, semua_nilai(u, tingkat_puskesmas=kelompok == "puskesmas"), u, o)
            )
    return hasil


def _nilai_tren(nama: str, values: dict, *, tersedia: bool):
    value = values.get(nama)
    if value is not None:
        return value
    if nama in TANPA_NOL or (nama in UKURAN_PUSKESMAS_SAJA and not tersedia):
        return None  # no target, no referral to time, or not a kelurahan figure: unknown, not zero
    return 0


def tren(cakupan: Cakupan, bulan: Sequence[Periode], names: Iterable[str]) -> list[dict]:
    """The measures `names` for each month (one query per source involved, whatever the number of months)."""
    names = list(names)
    with timezone.override(cakupan.zona()):
        per = ukuran(cakupan, bulan, names=names).get(None, _kosong(len(bulan)))
    out = []
    for p, values in zip(bulan, per, strict=True):
        row = {n: _nilai_tren(n, values, tersedia=cakupan.tingkat != "kelurahan") for n in names}
        row["periode"] = p
        out.append(row)
    return out
