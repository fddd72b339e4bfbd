"""The `rupiah` filter: amounts the Indonesian way, whatever the interface language."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from kemitraan.templatetags.rupiah import angka, rupiah


@pytest.mark.parametrize(("value", "expected"), [
    (0, "Rp 0"),
    (1250000, "Rp 1.250.000"),
    (Decimal("1250000"), "Rp 1.250.000"),
    (Decimal("999"), "Rp 999"),
    (Decimal("1000"), "Rp 1.000"),
    (Decimal("12000000.00"), "Rp 12.000.000"),
    (Decimal("1249999.5"), "Rp 1.250.000"),  # whole rupiah, rounded half up
    (-250000, "-Rp 250.000"),
    ("1500000", "Rp 1.500.000"),
])
def test_rupiah_formats_amounts_with_thousands_dots(value, expected):
    assert rupiah(value) == expected


@pytest.mark.parametrize("value", [None, "", "bukan angka", Decimal("NaN")])
def test_rupiah_shows_a_dash_for_no_amount(value):
    assert rupiah(value) == "–"


def test_angka_is_the_number_without_currency():
    assert angka(1250000) == "1.250.000"
    assert angka(None) == "–"


@pytest.mark.parametrize("language", ["id", "en"])
def test_rupiah_filter_in_a_template_is_indonesian_in_every_language(language):
    with translation.override(language):
        html = Template("{% load rupiah %}{{ a|rupiah }} / {{ b|rupiah }}").render(
            Context({"a": Decimal("1250000"), "b": None})
        )
    assert html == "Rp 1.250.000 / –"
