"""`{% load rupiah %}` then `{{ jumlah|rupiah }}`: amounts in rupiah the Indonesian way, `Rp 1.250.000`.

Always the Indonesian notation (dot for thousands, no sen), whatever the interface language: a
rupiah amount is read that way on every budget sheet. Empty values show "–".
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()

KOSONG = "–"


def format_rupiah(value) -> str:
    if value is None or value == "":
        return KOSONG
    try:
        amount = Decimal(str(value)).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError):
        return KOSONG
    if not amount.is_finite():
        return KOSONG
    digits = f"{abs(amount):,.0f}".replace(",", ".")
    return f"-Rp {digits}" if amount < 0 else f"Rp {digits}"


@register.filter(is_safe=True)
def rupiah(value) -> str:
    return format_rupiah(value)


@register.filter(is_safe=True)
def angka(value) -> str:
    """A whole number with Indonesian thousands dots and no currency: `1.250.000`."""
    text = format_rupiah(value)
    return text.replace("Rp ", "") if text != KOSONG else text
