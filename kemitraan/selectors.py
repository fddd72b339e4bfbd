"""The meeting schedule of a Puskesmas: planned vs held per kind, the next meeting due, and overdue slots.

Rules (documented once, here):
- The plan of a year is the RencanaPertemuan rows of that Puskesmas and year. When the year has no row at
  all, the default applies: a routine meeting (rutin) every three months (4 a year), other kinds 0. As soon
  as one row exists the plan is explicit and a kind without a row is planned 0 times.
- A meeting counts as held (terlaksana) in the year of the day it was *held* (waktu_pelaksanaan), in the
  Puskesmas' own zone (WIB/WITA/WIT), not the year it was planned for: a meeting planned for late December
  and held on 2 January counts for the new year, and the December slot of the old year stays unfulfilled.
- With n meetings planned a year, the year is cut into n equal periods and the k-th meeting is due on the
  last day of period k. When 12 is divisible by n the periods are whole months (n=4: 31 March, 30 June,
  30 September, 31 December); otherwise they are equal shares of the year's days (n=52: about weekly).
- A due slot k (its due date is before `today`) is *terlambat* (overdue) when fewer than k meetings of the
  kind were held by the end of its due date. A slot stays overdue when the meeting is made up later: it was
  not held on schedule, which is what "meeting regularity" measures. *Belum terlaksana* counts the due
  slots that are still not made up today (due slots minus meetings held).
- The next meeting due is slot k = held + 1 (the slot the next meeting will fulfil), flagged when its due
  date has already passed.

All counting happens in the database, in one grouped query per Puskesmas and year.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import zoneinfo
from dataclasses import dataclass, field

from django.db.models import Count, Min, Q
from django.utils import timezone

from kemitraan.models import JenisPertemuan, Pertemuan, RencanaPertemuan, StatusPertemuan
from puskesmas.models import Puskesmas


def zona_puskesmas(puskesmas: Puskesmas) -> zoneinfo.ZoneInfo:
    return puskesmas.zona


def hari_ini_puskesmas(puskesmas: Puskesmas) -> dt.date:
    return timezone.localdate(timezone=zona_puskesmas(puskesmas))


def rencana_bawaan() -> dict[str, int]:
    """The plan of a year without any plan row: a routine meeting every three months."""
    return {jenis: (RencanaPertemuan.JUMLAH_RUTIN_BAWAAN if jenis == JenisPertemuan.RUTIN else 0)
            for jenis in JenisPertemuan.values}


def rencana_tahun(puskesmas: Puskesmas, tahun: int) -> tuple[dict[str, int], bool]:
    """(meetings planned per kind, whether the plan was set explicitly) — one query."""
    rows = dict(
        RencanaPertemuan.objects.filter(puskesmas=puskesmas, tahun=tahun).values_list("jenis", "jumlah")
    )
    if not rows:
        return rencana_bawaan(), False
    return {jenis: rows.get(jenis, 0) for jenis in JenisPertemuan.values}, True


def jatuh_tempo(tahun: int, jumlah: int) -> list[dt.date]:
    """The due dates of the `jumlah` meetings planned in `tahun`: the last day of each equal period."""
    if jumlah <= 0:
        return []
    if 12 % jumlah == 0:
        step = 12 // jumlah
        return [dt.date(tahun, m, calendar.monthrange(tahun, m)[1]) for m in range(step, 13, step)]
    awal = dt.date(tahun, 1, 1)
    hari = (dt.date(tahun + 1, 1, 1) - awal).days
    # Period k covers day offsets [(k-1)·hari/n, k·hari/n); its last day holds offset ceil(k·hari/n) − 1.
    return [awal + dt.timedelta(days=math.ceil(k * hari / jumlah) - 1) for k in range(1, jumlah + 1)]


class StatusSlot:
    TEPAT = "tepat"            # due date passed; held by then
    DIKEJAR = "dikejar"        # due date passed without it; made up by a meeting held later
    TERLAMBAT = "terlambat"    # due date passed and still not made up
    TERPENUHI = "terpenuhi"    # not due yet, already held
    MENDATANG = "mendatang"    # not due yet


@dataclass(frozen=True)
class Slot:
    ke: int
    jatuh_tempo: dt.date
    status: str

    @property
    def lewat_tenggat(self) -> bool:
        return self.status in (StatusSlot.DIKEJAR, StatusSlot.TERLAMBAT)


@dataclass
class JadwalJenis:
    jenis: str
    label: str
    direncanakan: int
    terlaksana: int
    terlambat: int
    belum_terlaksana: int
    jatuh_tempo_berikutnya: dt.date | None
    berikutnya_lewat: bool
    rencana_berikutnya: dt.datetime | None
    slot: list[Slot] = field(default_factory=list)

    @property
    def persen(self) -> float | None:
        """Meeting regularity: held / planned, in percent (None when nothing is planned)."""
        return 100 * self.terlaksana / self.direncanakan if self.direncanakan else None


@dataclass
class Jadwal:
    puskesmas: Puskesmas
    tahun: int
    hari_ini: dt.date
    rencana_eksplisit: bool
    baris: list[JadwalJenis]

    @property
    def direncanakan(self) -> int:
        return sum(b.direncanakan for b in self.baris)

    @property
    def terlaksana(self) -> int:
        return sum(b.terlaksana for b in self.baris)

    @property
    def terlambat(self) -> int:
        return sum(b.terlambat for b in self.baris)

    @property
    def belum_terlaksana(self) -> int:
        return sum(b.belum_terlaksana for b in self.baris)

    @property
    def berikutnya(self) -> JadwalJenis | None:
        """The kind whose next meeting falls due first."""
        menunggu = [b for b in self.baris if b.jatuh_tempo_berikutnya]
        return min(menunggu, key=lambda b: b.jatuh_tempo_berikutnya) if menunggu else None


def jadwal_pertemuan(puskesmas: Puskesmas, tahun: int, *, today: dt.date | None = None) -> Jadwal:
    """Planned vs held, overdue and next due per kind of meeting, for one Puskesmas and year (2 queries)."""
    zone = zona_puskesmas(puskesmas)
    today = today or hari_ini_puskesmas(puskesmas)

    def awal_hari(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time.min, tzinfo=zone)

    rencana, eksplisit = rencana_tahun(puskesmas, tahun)
    tempo = {jenis: jatuh_tempo(tahun, jumlah) for jenis, jumlah in rencana.items()}
    batas = sorted({d for dates in tempo.values() for d in dates})

    mulai, akhir = awal_hari(dt.date(tahun, 1, 1)), awal_hari(dt.date(tahun + 1, 1, 1))
    held = Q(status=StatusPertemuan.TERLAKSANA, waktu_pelaksanaan__gte=mulai, waktu_pelaksanaan__lt=akhir)
    planned_ahead = Q(
        status=StatusPertemuan.DIRENCANAKAN, waktu_rencana__gte=max(mulai, awal_hari(today)), waktu_rencana__lt=akhir
    )
    aggregates = {
        "terlaksana": Count("pk", filter=held),
        "rencana_berikutnya": Min("waktu_rencana", filter=planned_ahead),
        # Held by the end of each due date: one conditional count per distinct due date.
        **{
            f"sd_{i}": Count("pk", filter=held & Q(waktu_pelaksanaan__lt=awal_hari(d + dt.timedelta(days=1))))
            for i, d in enumerate(batas)
        },
    }
    rows = {
        row["jenis"]: row
        for row in Pertemuan.objects.filter(puskesmas=puskesmas)
        .filter(held | planned_ahead)
        .values("jenis")
        .annotate(**aggregates)
        .order_by()
    }
    indeks = {d: i for i, d in enumerate(batas)}

    baris = []
    for jenis, label in JenisPertemuan.choices:
        row = rows.get(jenis, {})
        n = rencana[jenis]
        dates = tempo[jenis]
        terlaksana = row.get("terlaksana", 0)
        slot = []
        for k, d in enumerate(dates, start=1):
            if d >= today:
                status = StatusSlot.TERPENUHI if terlaksana >= k else StatusSlot.MENDATANG
            elif row.get(f"sd_{indeks[d]}", 0) >= k:
                status = StatusSlot.TEPAT
            else:
                status = StatusSlot.DIKEJAR if terlaksana >= k else StatusSlot.TERLAMBAT
            slot.append(Slot(ke=k, jatuh_tempo=d, status=status))
        berikut = dates[terlaksana] if terlaksana < n else None
        baris.append(JadwalJenis(
            jenis=jenis,
            label=str(label),
            direncanakan=n,
            terlaksana=terlaksana,
            terlambat=sum(1 for x in slot if x.lewat_tenggat),
            belum_terlaksana=sum(1 for x in slot if x.status == StatusSlot.TERLAMBAT),
            jatuh_tempo_berikutnya=berikut,
            berikutnya_lewat=bool(berikut and berikut < today),
            rencana_berikutnya=row.get("rencana_berikutnya"),
            slot=slot,
        ))
    return Jadwal(puskesmas=puskesmas, tahun=tahun, hari_ini=today, rencana_eksplisit=eksplisit, baris=baris)


def jadwal_ringkas(puskesmas: Puskesmas, *, today: dt.date | None = None) -> Jadwal:
    """This year's schedule of a Puskesmas, for templates/kemitraan/partials/jadwal_ringkas.html."""
    today = today or hari_ini_puskesmas(puskesmas)
    return jadwal_pertemuan(puskesmas, today.year, today=today)
