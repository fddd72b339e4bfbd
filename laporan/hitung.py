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
import json
import threading
import zoneinfo
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    Expression,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.utils import timezone
from django.utils.dateparse import parse_duration

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
from laporan.indikator import DESIMAL, INDIKATOR, INDIKATOR_MAP, PENGALI, Indikator
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
    # The scope's zone when the caller already holds it (Cakupan.dari of a loaded object): saves a query.
    zona_waktu: str | None = field(default=None, compare=False, repr=False)

    def __post_init__(self):
        if self.tingkat not in TINGKAT:
            raise ValueError(f"unknown tingkat {self.tingkat!r}")
        object.__setattr__(self, "kode", str(self.kode))

    @classmethod
    def dari(cls, obj) -> Cakupan:
        if isinstance(obj, Kelurahan):
            # A kelurahan's Puskesmas is the one whose wilayah kerja it is (puskesmas_qs): its zone, when loaded.
            pkm = obj.puskesmas if obj.puskesmas_id and Kelurahan.puskesmas.is_cached(obj) else None
            return cls("kelurahan", obj.kode, zona_waktu=pkm.zona_waktu if pkm else None)
        if isinstance(obj, Puskesmas):
            return cls("puskesmas", str(obj.pk), zona_waktu=obj.zona_waktu)
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
        """The zone whose calendar days the figures count in: the scope's own Puskesmas' (one query, unless
        the scope came with it)."""
        if self.zona_waktu is not None:
            return zoneinfo.ZoneInfo(self.zona_waktu or settings.TIME_ZONE)
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


def _antara_waktu(path: str, a: dt.date, b: dt.date) -> Q:
    """A datetime column within the calendar days a..b of the current zone (the scope's, see `hitung`).

    An aware half-open range [a 00:00, b+1 00:00) instead of `path__date`: casting the column to a date in
    a zone (`(col AT TIME ZONE z)::date`) hides it from its indexes, e.g. (puskesmas, waktu_rujuk)."""
    zona = timezone.get_current_timezone()
    awal = dt.datetime.combine(a, dt.time.min, tzinfo=zona)
    akhir = dt.datetime.combine(b + dt.timedelta(days=1), dt.time.min, tzinfo=zona)
    return Q(**{f"{path}__gte": awal, f"{path}__lt": akhir})


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
    # ukuran(p, cakupan): its subqueries are limited to the scope too.
    bercakupan: bool = False


def _dukun_ukuran(p: Periode, cakupan: Cakupan | None = None) -> dict:
    b = p.selesai
    aktif = Q(status=StatusDukun.AKTIF)
    # Below the province the subqueries read only the scope's dukun: a hashed subplan over a whole province's
    # attendance is cheap for the province (measured: 163 ms scoped to all, 392 ms with the join) and far too
    # dear for one Puskesmas (370 ms against 18 ms). Same rows either way: the outer query is the scope.
    besar = cakupan is None or cakupan.tingkat == "provinsi"
    lingkup = None if besar else cakupan.filter_q("kelurahan__puskesmas", "kelurahan")
    if lingkup is not None:
        lingkup = Q(dukun__in=Dukun.objects.filter(lingkup).values("pk"))
    else:
        lingkup = Q()
    # Each flag is `id IN (uncorrelated subquery)`, not a correlated EXISTS: inside an aggregate's FILTER
    # PostgreSQL runs a correlated EXISTS once per dukun (8,700 index probes × 5 flags × 2 periods for a
    # province), while an uncorrelated IN is one scan hashed once (a "hashed SubPlan"). Same rows: a NULL
    # from IN counts as not true, as a false EXISTS does.
    dikenal = Q(pk__in=Dukun.dikenal_oleh.through.objects.filter(lingkup).values("dukun"))
    bermitra = Q(pk__in=Kemitraan.objects.filter(lingkup, tanggal_mulai__lte=b).filter(
        Q(status=StatusKemitraan.AKTIF, tanggal_berakhir__isnull=True) | Q(tanggal_berakhir__gte=b)
    ).values("dukun"))
    terlatih = Q(pk__in=Pelatihan.peserta_dukun.through.objects.filter(lingkup, pelatihan__tanggal__lte=b)
                 .values("dukun"))
    kit = Q(pk__in=PemberianKit.objects.filter(lingkup, tanggal__lte=b).values("dukun"))
    hadir = Q(pk__in=KehadiranDukun.objects.filter(
        lingkup, _antara_waktu("pertemuan__waktu_pelaksanaan", p.mulai, b),
        pertemuan__status=StatusPertemuan.TERLAKSANA,
    ).values("dukun"))
    return {
        "dukun_terdaftar": Count("id", filter=~Q(status__in=[StatusDukun.PINDAH, StatusDukun.MENINGGAL])),
        "dukun_aktif": Count("id", filter=aktif),
        "dukun_dikenal": Count("id", filter=aktif & dikenal),
        "dukun_bermitra": Count("id", filter=aktif & bermitra),
        "dukun_terlatih": Count("id", filter=aktif & terlatih),
        "dukun_kit": Count("id", filter=aktif & kit),
        "dukun_hadir": Count("id", filter=aktif & hadir),
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


def _pertemuan_ukuran(p: Periode, cakupan: Cakupan | None = None) -> dict:
    terlaksana = Q(status=StatusPertemuan.TERLAKSANA) & _antara_waktu("waktu_pelaksanaan", p.mulai, p.selesai)
    besar = cakupan is None or cakupan.tingkat == "provinsi"
    lingkup = (None if besar else cakupan.filter_q("pertemuan__puskesmas", None)) or Q()
    # Uncorrelated and limited to the scope's meetings: see _dukun_ukuran.
    ada_mitra = Q(pk__in=PesertaLintasSektor.objects.filter(
        lingkup, _antara_waktu("pertemuan__waktu_pelaksanaan", p.mulai, p.selesai)).values("pertemuan"))
    return {
        "pertemuan_terlaksana": Count("id", filter=terlaksana),
        "pertemuan_lintas_sektor": Count("id", filter=terlaksana & ada_mitra),
    }


def _lintas_sektor_ukuran(p: Periode) -> dict:
    return {
        "lintas_sektor_hadir": Count(
            "id", filter=Q(pertemuan__status=StatusPertemuan.TERLAKSANA)
            & _antara_waktu("pertemuan__waktu_pelaksanaan", p.mulai, p.selesai)
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
    dalam = _antara_waktu("waktu_rujuk", p.mulai, p.selesai)
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
    Sumber("dukun", Dukun.objects.all, "kelurahan__puskesmas", "kelurahan", None, _dukun_ukuran, bercakupan=True),
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
           lambda a, b: _antara_waktu("waktu_pelaksanaan", a, b), _pertemuan_ukuran, bercakupan=True),
    Sumber("lintas_sektor", PesertaLintasSektor.objects.all, "pertemuan__puskesmas", None,
           lambda a, b: _antara_waktu("pertemuan__waktu_pelaksanaan", a, b), _lintas_sektor_ukuran),
    Sumber("tindak_lanjut", TindakLanjut.objects.all, "pertemuan__puskesmas", None,
           lambda a, b: Q(tenggat__lte=b), _tindak_lanjut_ukuran),
    Sumber("rujukan", Rujukan.objects.all, "puskesmas", "kelurahan",
           lambda a, b: _antara_waktu("waktu_rujuk", a, b), _rujukan_ukuran, _rujukan_selesaikan),
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


class JumlahBulan(Expression):
    """`SUM(column) FILTER (WHERE bulan BETWEEN a AND b)` on the summary table, written directly.

    The same SQL as `Sum(kolom, filter=Q(bulan__gte=a, bulan__lte=b))`, without resolving a Q per column:
    a dashboard sums ~50 columns for each of its periods and the 12 trend months (hundreds of aggregates),
    and the ORM's resolution of their filters cost more than PostgreSQL's summing them."""

    contains_aggregate = True

    def __init__(self, kolom: str, a: dt.date, b: dt.date):
        field_ = RingkasanBulanan._meta.get_field(kolom)
        super().__init__(output_field=field_)
        self.kolom, self.a, self.b = field_.column, a, b

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        return self.copy()

    def get_group_by_cols(self):
        return []

    def as_sql(self, compiler, connection):
        tabel = compiler.quote_name_unless_alias(RingkasanBulanan._meta.db_table)
        q = connection.ops.quote_name
        sql = f"SUM({tabel}.{q(self.kolom)}) FILTER (WHERE {tabel}.{q('bulan')} BETWEEN %s AND %s)"
        return sql, [connection.ops.adapt_datefield_value(self.a), connection.ops.adapt_datefield_value(self.b)]


def _ringkasan_ukuran(p: Periode) -> dict:
    return {kolom: JumlahBulan(kolom, p.mulai, p.selesai) for kolom in KOLOM}


def _ringkasan_rentang(a: dt.date, b: dt.date) -> Q:
    return _antara("bulan", a.replace(day=1), b)


def _rujukan_median_ukuran(p: Periode) -> dict:
    return {"rujukan_median": _rujukan_ukuran(p)["rujukan_median"]}


SUMBER: list[Sumber] = [
    *(s for s in SUMBER_MENTAH if s.nama not in _MENTAH_DIRINGKAS),
    Sumber("ringkasan", RingkasanBulanan.objects.all, "puskesmas", "kelurahan", _ringkasan_rentang, _ringkasan_ukuran),
    Sumber("rujukan_median", Rujukan.objects.all, "puskesmas", "kelurahan",
           lambda a, b: _antara_waktu("waktu_rujuk", a, b), _rujukan_median_ukuran, _rujukan_selesaikan),
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


# --- Reading: every query of a computation in one round trip -----------------------------------------


class Bacaan:
    """One part of a computation: the values() querysets it needs and how their rows become measures."""

    def __init__(self, querysets: list, rakit: Callable[[list[list[dict]]], dict]):
        self.querysets = querysets
        self.rakit = rakit


def _pengubah(qs: QuerySet) -> dict[str, Callable]:
    """Per column, the conversion Django applies to an aggregate of that type (the JSON path skips Django's)."""
    out: dict[str, Callable] = {}
    for nama, expr in qs.query.annotations.items():
        try:
            tipe = expr.output_field.get_internal_type()
        except AttributeError:
            continue
        if tipe == "DecimalField":
            out[nama] = Decimal
        elif tipe == "FloatField":
            out[nama] = float
        elif tipe.endswith("IntegerField"):
            out[nama] = int
        elif tipe == "DurationField":
            out[nama] = parse_duration
    return out


class Tersusun:
    """A values() query compiled once: its SQL, parameters and column conversions (see `_bacaan_ukuran`)."""

    __slots__ = ("sql", "params", "ubah")

    def __init__(self, qs: QuerySet):
        self.sql, self.params = qs.query.sql_with_params()
        self.ubah = _pengubah(qs)


def jalankan(querysets: Sequence[QuerySet | Tersusun]) -> list[list[dict]]:
    """The rows of each values() queryset, as `list(qs)` would give them, in ONE statement.

    Every query is wrapped as `SELECT i, <its row as JSON> FROM (query) t` and the parts are joined with
    UNION ALL, so a page's dozen sources cost one round trip and the number of queries does not grow with
    the sources a page shows. The database still plans and runs each part on its own (with its own
    indexes); only the transport is shared. PostgreSQL: `row_to_json`; SQLite: `json_array` of the
    columns, converted back by Django's own converters."""
    if not querysets:
        return []
    if connection.vendor == "sqlite":
        return _jalankan_sqlite(querysets)
    if connection.vendor != "postgresql":
        return [list(qs) for qs in querysets]
    tersusun = [q if isinstance(q, Tersusun) else Tersusun(q) for q in querysets]
    bagian, params = [], []
    for i, t in enumerate(tersusun):
        bagian.append(f"SELECT {i} AS i, row_to_json(t)::text AS j FROM ({t.sql}) t")
        params.extend(t.params)
    hasil: list[list[dict]] = [[] for _qs in querysets]
    with connection.cursor() as cur:
        cur.execute(" UNION ALL ".join(bagian), params)
        for i, teks in cur.fetchall():
            hasil[i].append(json.loads(teks, parse_float=Decimal))
    for t, rows in zip(tersusun, hasil, strict=True):
        for row in rows:
            for nama, f in t.ubah.items():
                if row.get(nama) is not None:
                    row[nama] = f(row[nama])
    return hasil


_SQLITE_ARG = 100


def _jalankan_sqlite(querysets: Sequence[QuerySet]) -> list[list[dict]]:
    """SQLite's single statement. SQLite has no row_to_json, so each part names its columns (compiled with
    column aliases, as Django compiles a subquery) in a `json_array`, and its rows go through the same
    converters `list(qs)` applies (Decimal quantized, durations, dates, booleans): the values and their types
    are what one query per source gives (`test_the_single_statement_reads_exactly_what_each_query_reads`
    compares both, value by value and type by type, on each backend)."""
    bagian, params, bentuk = [], [], []
    for i, qs in enumerate(querysets):
        query = qs.query
        compiler = query.get_compiler(connection=connection)
        try:
            sql, p = compiler.as_sql(with_col_aliases=True)
        except EmptyResultSet:  # e.g. `id__in=[]`: list(qs) would give no rows without asking
            bentuk.append(None)
            continue
        select = compiler.select[: compiler.col_count]
        kolom = [f"t.{connection.ops.quote_name(alias)}" for _expr, _sql, alias in select]
        # A function takes at most 127 arguments in SQLite's default build: wide rows travel in slices.
        irisan = ", ".join(f"json_array({', '.join(kolom[k:k + _SQLITE_ARG])})"
                           for k in range(0, len(kolom), _SQLITE_ARG))
        names = list(query.selected) if query.selected else [
            *query.extra_select, *query.values_select, *query.annotation_select,
        ]
        bagian.append(f"SELECT {i} AS i, json_array({irisan}) AS j FROM ({sql}) t")
        params.extend(p)
        bentuk.append((compiler, compiler.get_converters([expr for expr, _sql, _alias in select]), names))
    mentah: list[list[list]] = [[] for _qs in querysets]
    if bagian:
        with connection.cursor() as cur:
            cur.execute(" UNION ALL ".join(bagian), params)
            for i, teks in cur.fetchall():
                mentah[i].append([v for bagian_baris in json.loads(teks) for v in bagian_baris])
    hasil: list[list[dict]] = []
    for rows, b in zip(mentah, bentuk, strict=True):
        if b is None:
            hasil.append([])
            continue
        compiler, converters, names = b
        if converters:
            rows = compiler.apply_converters(rows, converters)
        hasil.append([dict(zip(names, row, strict=True)) for row in rows])
    return hasil


def baca(bacaan: Sequence[Bacaan]) -> list[dict]:
    """Runs every part's queries together (`jalankan`) and assembles each part."""
    semua = [qs for b in bacaan for qs in b.querysets]
    rows = jalankan(semua)
    out, i = [], 0
    for b in bacaan:
        n = len(b.querysets)
        out.append(b.rakit(rows[i:i + n]))
        i += n
    return out


def _kolom(nama: str, i: int) -> str:
    return f"{nama}__p{i}"


_SEMUA = "_semua"  # the constant "group" of a total: one row, no GROUP BY


def _bacaan_sumber(sumber: Sumber, cakupan: Cakupan, periode: Sequence[Periode], kelompok: str | None,
                   names: set[str] | None = None) -> Bacaan | None:
    """One query: the source's measures for each period, in total or per group (None: the scope has no rows).

    With `names`, only those measures' aggregates (a source that derives its measures, `selesaikan`,
    keeps all of its columns)."""
    scope = cakupan.filter_q(sumber.pkm, sumber.kel)
    if scope is None or (kelompok == "kelurahan" and sumber.kel is None):
        return None
    qs = sumber.queryset().filter(scope)
    if sumber.rentang is not None:
        qs = qs.filter(sumber.rentang(min(p.mulai for p in periode), max(p.selesai for p in periode)))
    aggregates = {}
    for i, p in enumerate(periode):
        for nama, agg in (sumber.ukuran(p, cakupan) if sumber.bercakupan else sumber.ukuran(p)).items():
            if names is None or sumber.selesaikan or nama in names:
                aggregates[_kolom(nama, i)] = agg
    if kelompok is None:
        key = _SEMUA
        qs = qs.annotate(**{_SEMUA: Value(1, output_field=IntegerField())})
    else:
        key = sumber.kel if kelompok == "kelurahan" else sumber.pkm
    qs = qs.order_by().values(key).annotate(**aggregates)

    def rakit(rows: list[list[dict]]) -> dict:
        out = {}
        for row in rows[0]:
            k = row.pop(key)
            per = []
            for i, p in enumerate(periode):
                suffix = f"__p{i}"
                values = {n[: -len(suffix)]: v for n, v in row.items() if n.endswith(suffix)}
                if sumber.selesaikan:
                    values = sumber.selesaikan(values, p)
                per.append(values)
            out[None if kelompok is None else str(k)] = per
        return out

    return Bacaan([qs], rakit)


def _baca_sumber(sumber: Sumber, cakupan: Cakupan, periode: Sequence[Periode], kelompok: str | None) -> dict:
    """{group key (None without grouping): [measures of period 0, of period 1, …]} — one query."""
    b = _bacaan_sumber(sumber, cakupan, periode, kelompok)
    return {} if b is None else baca([b])[0]


def _bacaan_rencana(cakupan: Cakupan, periode: Sequence[Periode], kelompok: str | None) -> Bacaan | None:
    """Meetings due in each period by the yearly plans (the default plan where none was set)."""
    if cakupan.tingkat == "kelurahan" or kelompok == "kelurahan":
        return None
    tahun = sorted({y for p in periode for y in p.tahun_tahun()})
    pkm_qs = cakupan.puskesmas_qs().order_by().values("pk")
    rencana_qs = RencanaPertemuan.objects.filter(puskesmas__in=cakupan.puskesmas_qs(), tahun__in=tahun).order_by(
    ).values("puskesmas", "tahun", "jenis", "jumlah")

    def rakit(rows: list[list[dict]]) -> dict:
        rencana: dict[tuple[int, int], dict[str, int]] = {}
        for r in rows[1]:
            rencana.setdefault((r["puskesmas"], r["tahun"]), {})[r["jenis"]] = r["jumlah"]
        # Due dates of a plan depend only on (year, count): a handful of distinct lists for any number of
        # Puskesmas.
        bawaan = rencana_bawaan()
        per_pkm: dict[str, list[dict]] = {}
        for pkm in (r["pk"] for r in rows[0]):
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

    return Bacaan([pkm_qs, rencana_qs], rakit)


def _rencana(cakupan: Cakupan, periode: Sequence[Periode], kelompok: str | None) -> dict:
    b = _bacaan_rencana(cakupan, periode, kelompok)
    return {} if b is None else baca([b])[0]


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


# Compiled statements by what decides their text. Building a dashboard's ~30 querysets with their hundreds
# of filtered aggregates costs the ORM more than PostgreSQL needs to run them; the SQL depends only on the
# scope, the periods, the grouping, the measures, the zone and today's date (overdue follow-ups), never on
# the data, so the same page asked again reuses the text and PostgreSQL reads the data afresh. Per process.
_SUSUNAN: OrderedDict[tuple, Bacaan] = OrderedDict()
_SUSUNAN_MAKS = 128
_SUSUNAN_KUNCI = threading.Lock()


def _bacaan_ukuran(
    cakupan: Cakupan, periode: Sequence[Periode], *, kelompok: str | None = None, names: Iterable[str] | None = None
) -> Bacaan:
    """Every source's query for these measures (all when `names` is None), assembled into one dict."""
    names = list(names) if names is not None else None
    if connection.vendor != "postgresql":
        return _susun_bacaan(cakupan, periode, kelompok=kelompok, names=names)
    kunci = (cakupan.tingkat, cakupan.kode, tuple((p.mulai, p.selesai) for p in periode), kelompok,
             None if names is None else tuple(names), str(timezone.get_current_timezone()), timezone.localdate())
    with _SUSUNAN_KUNCI:
        bacaan = _SUSUNAN.get(kunci)
        if bacaan is not None:
            _SUSUNAN.move_to_end(kunci)
            return bacaan
    b = _susun_bacaan(cakupan, periode, kelompok=kelompok, names=names)
    bacaan = Bacaan([Tersusun(qs) for qs in b.querysets], b.rakit)
    with _SUSUNAN_KUNCI:
        _SUSUNAN[kunci] = bacaan
        while len(_SUSUNAN) > _SUSUNAN_MAKS:
            _SUSUNAN.popitem(last=False)
    return bacaan


def _susun_bacaan(
    cakupan: Cakupan, periode: Sequence[Periode], *, kelompok: str | None, names: list[str] | None
) -> Bacaan:
    wanted = set(names) if names is not None else None
    bagian = [_bacaan_sumber(s, cakupan, periode, kelompok, wanted) for s in _sumber_untuk(names, periode)]
    if names is None or "pertemuan_rencana" in names:
        bagian.append(_bacaan_rencana(cakupan, periode, kelompok))
    bagian = [b for b in bagian if b is not None]
    batas = [len(b.querysets) for b in bagian]

    def rakit(rows: list[list[dict]]) -> dict:
        hasil: dict = {}
        i = 0
        for b, n in zip(bagian, batas, strict=True):
            for key, per in b.rakit(rows[i:i + n]).items():
                target = hasil.setdefault(key, [{} for _p in periode])
                for j, values in enumerate(per):
                    target[j].update(values)
            i += n
        return hasil

    querysets = [qs for b in bagian for qs in b.querysets]
    for b in bagian:
        b.querysets = []  # a cached rakit keeps the parts' assembly, not their querysets
    return Bacaan(querysets, rakit)


def ukuran(
    cakupan: Cakupan, periode: Sequence[Periode], *, kelompok: str | None = None, names: Iterable[str] | None = None
) -> dict:
    """All measures: {group key or None: [ {measure: value} per period ]}; one statement for every source."""
    return baca([_bacaan_ukuran(cakupan, periode, kelompok=kelompok, names=names)])[0]



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


class NilaiMalas(Mapping):
    """Every indicator of one group, each computed when first read: a district or province table shows a
    handful of the indicators for each of up to a thousand Puskesmas; a report reads them all."""

    def __init__(self, ukuran_: dict, *, tingkat_puskesmas: bool):
        self._ukuran, self._tersedia, self._nilai = ukuran_, tingkat_puskesmas, {}

    def __getitem__(self, kode: str) -> Nilai:
        if kode not in self._nilai:
            self._nilai[kode] = nilai_indikator(INDIKATOR_MAP[kode], self._ukuran, tersedia=self._tersedia)
        return self._nilai[kode]

    def __iter__(self):
        return iter(INDIKATOR_MAP)

    def __len__(self) -> int:
        return len(INDIKATOR_MAP)


# --- What the dashboards and reports call ----------------------------------------------------------


@dataclass
class Baris:
    kunci: str
    nama: str
    nilai: Mapping[str, Nilai]
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
    tren: list[dict] | None = None  # with hitung(tren_ukuran=…): one row per month, as tren() gives

    def __getitem__(self, kode: str) -> Nilai:
        return self.total[kode]


def _kosong(periode_n: int) -> list[dict]:
    return [{} for _i in range(periode_n)]


def hitung(
    cakupan: Cakupan, periode: Periode, *, kelompok: str | None = None, pembanding: bool = True,
    tren_ukuran: Iterable[str] | None = None, tren_bulan: Sequence[Periode] | None = None,
) -> Hasil:
    """Every indicator of a scope and period (and the period before, for the change), optionally per
    kelurahan or per Puskesmas, and optionally a monthly trend of `tren_ukuran` over `tren_bulan` (as
    `tren` gives it, in `Hasil.tren`). Dates are the days of the scope's own zone, whoever looks (the month
    lock uses the same days). Queries, whatever the number of Puskesmas, kelurahan or records: the zone
    (none when the scope came with it, see `Cakupan.dari`), ONE statement for the totals, the groups and the
    trend of every source (`jalankan`), and the list of groups."""
    with timezone.override(cakupan.zona()):
        return _hitung(cakupan, periode, kelompok=kelompok, pembanding=pembanding,
                       tren_ukuran=tren_ukuran, tren_bulan=tren_bulan)


def _hitung(cakupan: Cakupan, periode: Periode, *, kelompok: str | None, pembanding: bool,
            tren_ukuran: Iterable[str] | None, tren_bulan: Sequence[Periode] | None) -> Hasil:
    daftar = [periode, periode.sebelumnya()] if pembanding else [periode]
    tingkat_pkm = cakupan.tingkat != "kelurahan"
    bacaan = [_bacaan_ukuran(cakupan, daftar)]
    if kelompok:
        bacaan.append(_bacaan_ukuran(cakupan, [periode], kelompok=kelompok))
    if tren_ukuran is not None:
        tren_ukuran = list(tren_ukuran)
        bacaan.append(_bacaan_ukuran(cakupan, tren_bulan, names=tren_ukuran))
    dibaca = baca(bacaan)
    total = dibaca[0].get(None, _kosong(len(daftar)))
    hasil = Hasil(
        cakupan=cakupan, periode=periode, total=semua_nilai(total[0], tingkat_puskesmas=tingkat_pkm),
        ukuran=total[0],
    )
    if pembanding:
        hasil.sebelumnya = semua_nilai(total[1], tingkat_puskesmas=tingkat_pkm)
        hasil.ukuran_sebelumnya = total[1]
    if tren_ukuran is not None:
        hasil.tren = _baris_tren(cakupan, tren_bulan, tren_ukuran, dibaca[-1])
    if kelompok:
        per = dibaca[1]
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
                Baris(kunci, nama, NilaiMalas(u, tingkat_puskesmas=kelompok == "puskesmas"), u, o)
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
    """The measures `names` for each month (one statement, whatever the number of months and sources)."""
    names = list(names)
    with timezone.override(cakupan.zona()):
        return _baris_tren(cakupan, bulan, names, ukuran(cakupan, bulan, names=names))


def _baris_tren(cakupan: Cakupan, bulan: Sequence[Periode], names: list[str], dibaca: dict) -> list[dict]:
    per = dibaca.get(None, _kosong(len(bulan)))
    out = []
    for p, values in zip(bulan, per, strict=True):
        row = {n: _nilai_tren(n, values, tersedia=cakupan.tingkat != "kelurahan") for n in names}
        row["periode"] = p
        out.append(row)
    return out
