from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def menit(value: timedelta | None) -> int | None:
    """Whole minutes of a duration (the lockout's cool-off), for a sentence such as 'coba lagi setelah 30 menit'."""
    if value is None:
        return None
    return max(1, round(value.total_seconds() / 60))
