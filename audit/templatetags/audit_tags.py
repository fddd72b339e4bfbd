from functools import cache

from django import template
from django.apps import apps

from audit.services import boleh_lihat_jejak as _boleh_lihat_jejak

register = template.Library()


@register.filter
def boleh_lihat_jejak(user) -> bool:
    return _boleh_lihat_jejak(user)


@cache
def _nama_model(label: str):
    # The lazy name is cached, and translated at each use (the language differs per request).
    try:
        return apps.get_model(label)._meta.verbose_name
    except (LookupError, ValueError):
        return label


@register.filter
def jenis_objek(label: str) -> str:
    """`kia.persalinan` → its verbose name in the user's language."""
    return str(_nama_model(label)) if label else ""
