"""Reporting periods: a month, a quarter, a year or any date range, named by a short code for URLs."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from fractions import Fraction

from django.utils.formats import date_format
from django.utils.translation import gettext as _

ROMAWI = {1: "I", 2: "II", 3: "III", 4: "IV"}
_RENTANG = re.compile(r"^(\d{4}-\d{2}-\d{2})_(\d{4}-\d{2}-\d{2})$")
_BULAN = re.compile(r"^(\d{4})-(\d{2})$")
_TRIWULAN = re.compile(r"^(\d{4})-[TtQq]([1-4])$")
_TAHUN = re.compile(r"^(\d{4})$")


class PeriodeTidakValid(ValueError):
    pass


def _akhir_bulan(tahun: int, bulan: int) -> dt.date:
    return dt.date(tahun, bulan, calendar.monthrange(tahun, bulan)[1])


@dataclass(frozen=True)
class Periode:
    mulai: dt.date
    selesai: dt.date  # inclusive
    jenis: str  # bulan | triwulan | tahun | rentang

    def __post_init__(self):
        if self.selesai < self.mulai:
            raise PeriodeTidakValid(_("Tanggal akhir periode tidak boleh sebelum tanggal awal."))
        if not (2000 <= self.mulai.year <= 2100 and 2000 <= self.selesai.year <= 2100):
            raise PeriodeTidakValid(_("Periode harus di antara tahun 2000 dan 2100."))

    # --- construction -----------------------------------------------------------------------
    @classmethod
    def bulan(cls, tahun: int, bulan: int) -> Periode:
        return cls(dt.date(tahun, bulan, 1), _akhir_bulan(tahun, bulan), "bulan")

    @classmethod
    def triwulan(cls, tahun: int, ke: int) -> Periode:
        return cls(dt.date(tahun, 3 * ke - 2, 1), _akhir_bulan(tahun, 3 * ke), "triwulan")

    @classmethod
    def tahun(cls, tahun: int) -> Periode:
        return cls(dt.date(tahun, 1, 1), dt.date(tahun, 12, 31), "tahun")

    @classmethod
    def rentang(cls, mulai: dt.date, selesai: dt.date) -> Periode:
        return cls(mulai, selesai, "rentang")

    @classmethod
    def berisi(cls, tanggal: dt.date) -> Periode:
        return cls.bulan(tanggal.year, tanggal.month)

    @classmethod
    def dari_kode(cls, kode: str) -> Periode:
        """Parse "2026-11", "2026-T3", "2026" or "2026-01-05_2026-02-10"; PeriodeTidakValid otherwise."""
        kode = (kode or "").strip()
        try:
            if m := _BULAN.match(kode):
                if not 1 <= int(m[2]) <= 12:
                    raise PeriodeTidakValid
                return cls.bulan(int(m[1]), int(m[2]))
            if m := _TRIWULAN.match(kode):
                return cls.triwulan(int(m[1]), int(m[2]))
            if m := _TAHUN.match(kode):
                return cls.tahun(int(m[1]))
            if m := _RENTANG.match(kode):
                return cls.rentang(dt.date.fromisoformat(m[1]), dt.date.fromisoformat(m[2]))
        except PeriodeTidakValid as exc:
            if exc.args:
                raise
        except ValueError:
            pass
        raise PeriodeTidakValid(
            _("Periode tidak dikenal: gunakan bulan (2026-11), triwulan (2026-T3), tahun (2026) atau rentang "
              "tanggal (2026-01-01_2026-03-31).")
        )

    # --- naming -------------------------------------------------------------------------------
    @property
    def kode(self) -> str:
        if self.jenis == "bulan":
            return f"{self.mulai:%Y-%m}"
        if self.jenis == "triwulan":
            return f"{self.mulai.year}-T{(self.mulai.month + 2) // 3}"
        if self.jenis == "tahun":
            return str(self.mulai.year)
        return f"{self.mulai.isoformat()}_{self.selesai.isoformat()}"

    @property
    def label(self) -> str:
        if self.jenis == "bulan":
            return date_format(self.mulai, "F Y")
        if self.jenis == "triwulan":
            return _("Triwulan %(ke)s %(tahun)s") % {
                "ke": ROMAWI[(self.mulai.month + 2) // 3], "tahun": self.mulai.year}
        if self.jenis == "tahun":
            return str(self.mulai.year)
        return f"{date_format(self.mulai, 'j F Y')} – {date_format(self.selesai, 'j F Y')}"

    def __str__(self) -> str:
        return self.label

    # --- arithmetic ---------------------------------------------------------------------------
    @property
    def hari(self) -> int:
        return (self.selesai - self.mulai).days + 1

    @property
    def bulan_utuh(self) -> bool:
        """Whether the period is made of whole calendar months."""
        return self.mulai.day == 1 and self.selesai == _akhir_bulan(self.selesai.year, self.selesai.month)

    def sebelumnya(self) -> Periode:
        """The period of the same kind just before this one (a range: the same number of days)."""
        if self.jenis == "bulan":
            awal = self.mulai - dt.timedelta(days=1)
            return Periode.bulan(awal.year, awal.month)
        if self.jenis == "triwulan":
            awal = self.mulai - dt.timedelta(days=1)
            return Periode.triwulan(awal.year, (awal.month + 2) // 3)
        if self.jenis == "tahun":
            return Periode.tahun(self.mulai.year - 1)
        return Periode.rentang(self.mulai - dt.timedelta(days=self.hari), self.mulai - dt.timedelta(days=1))

    def bulan_bulan(self) -> list[Periode]:
        """The calendar months the period touches, in order."""
        out, y, m = [], self.mulai.year, self.mulai.month
        while (y, m) <= (self.selesai.year, self.selesai.month):
            out.append(Periode.bulan(y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out

    def tahun_tahun(self) -> list[int]:
        return list(range(self.mulai.year, self.selesai.year + 1))

    def fraksi_tahun(self, tahun: int) -> Fraction:
        """The share of `tahun`'s yearly target that falls in this period.

        Whole months count twelfths, as PWS-KIA's monthly target line does (yearly target ÷ 12 × month);
        other ranges count days.
        """
        awal = max(self.mulai, dt.date(tahun, 1, 1))
        akhir = min(self.selesai, dt.date(tahun, 12, 31))
        if akhir < awal:
            return Fraction(0)
        if self.bulan_utuh:
            return Fraction(akhir.month - awal.month + 1, 12)
        hari_tahun = 366 if calendar.isleap(tahun) else 365
        return Fraction((akhir - awal).days + 1, hari_tahun)


def bulan_lalu(hari_ini: dt.date) -> Periode:
    awal = hari_ini.replace(day=1) - dt.timedelta(days=1)
    return Periode.bulan(awal.year, awal.month)


def dua_belas_bulan_sampai(periode: Periode) -> list[Periode]:
    """The twelve months ending with the period's last month: the trend charts' window."""
    y, m = periode.selesai.year, periode.selesai.month
    out = []
    for _i in range(12):
        out.append(Periode.bulan(y, m))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return out[::-1]
