"""Template context for every page: the number of unread notifications, for the navbar badge."""

from __future__ import annotations

from kemitraan.models import Notifikasi


def notifikasi(request) -> dict:
    """`jumlah_notifikasi_belum_dibaca`: one COUNT query, run only when a template uses the value.

    The value is a memoised callable (Django templates call callables when they resolve a variable), so a
    page or htmx fragment that does not show the badge costs no query, and one that shows it twice costs one.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"jumlah_notifikasi_belum_dibaca": 0}
    cache: list[int] = []

    def jumlah() -> int:
        if not cache:
            cache.append(Notifikasi.objects.filter(penerima=user).belum_dibaca().count())
        return cache[0]

    return {"jumlah_notifikasi_belum_dibaca": jumlah}
