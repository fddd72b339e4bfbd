"""Figures the Indonesian way: 93,70% · 8,7 per 1.000 kelahiran hidup · Rp 1.250.000 · 1.602 · –."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from laporan.indikator import Satuan

register = template.Library()

KOSONG = "–"


def angka_id(value, desimal: int = 0) -> str:
    # Round half up first: Django's number_format cuts the extra digits off instead of rounding them.
    rounded = Decimal(value).quantize(Decimal(1).scaleb(-desimal), ROUND_HALF_UP)
    return number_format(rounded, decimal_pos=desimal, use_l10n=True, force_grouping=True)


def format_angka(value, satuan: str) -> str:
    """One value in its unit; None (no data, zero denominator) is a dash."""
    if value is None or value == "":
        return KOSONG
    if satuan == Satuan.PERSEN:
        return f"{angka_id(value, 2)}%"
    if satuan == Satuan.PER_SERIBU:
        return _("%(angka)s per 1.000 kelahiran hidup") % {"angka": angka_id(value, 1)}
    if satuan == Satuan.RUPIAH:
        return f"Rp {angka_id(value, 0)}"
    if satuan == Satuan.MENIT:
        menit = int(Decimal(value))
        if menit >= 60:
            if menit % 60 == 0:
                return _("%(jam)s jam") % {"jam": menit // 60}
            return _("%(jam)s jam %(menit)s menit") % {"jam": menit // 60, "menit": menit % 60}
        return _("%(menit)s menit") % {"menit": menit}
    value = Decimal(value)
    return angka_id(value, 0 if value == value.to_integral_value() else 2)


@register.filter
def tampil(nilai) -> str:
    """A Nilai (laporan.hitung) in its indicator's unit."""
    if nilai is None:
        return KOSONG
    return format_angka(nilai.nilai, nilai.indikator.satuan)


@register.filter
def persen(value) -> str:
    return format_angka(value, Satuan.PERSEN)


@register.filter
def rupiah(value) -> str:
    return format_angka(value, Satuan.RUPIAH)


@register.filter
def angka(value) -> str:
    return format_angka(value, Satuan.JUMLAH)


@register.filter
def perubahan(nilai_kini, nilai_lalu) -> str:
    """The change from the previous period in the indicator's unit ("+2", "−1,50 poin"); '' when unknown."""
    if nilai_kini is None or nilai_lalu is None or nilai_kini.nilai is None or nilai_lalu.nilai is None:
        return ""
    beda = nilai_kini.nilai - nilai_lalu.nilai
    tanda = "+" if beda > 0 else ("−" if beda < 0 else "±")
    satuan = nilai_kini.indikator.satuan
    if satuan == Satuan.PERSEN:
        return _("%(tanda)s%(angka)s poin") % {"tanda": tanda, "angka": angka_id(abs(beda), 2)}
    if satuan == Satuan.PER_SERIBU:
        return f"{tanda}{angka_id(abs(beda), 1)}"
    return f"{tanda}{format_angka(abs(beda), satuan)}"
