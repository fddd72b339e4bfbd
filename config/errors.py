"""Error pages in the user's language that reveal nothing about what exists."""

import sys

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from config.middleware import DATABASE_ERRORS, layanan_tidak_tersedia


def forbidden(request, exception=None):
    from audit.services import catat_akses_403

    catat_akses_403(request)  # a refusal is a security event (audit/services.py)
    return render(request, "403.html", status=403)


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # Django calls this inside its `except` block: a database outage raised outside a view (a
    # middleware loading the session's user) gets the same 503 answer as one raised by a view.
    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_ERRORS):
        return layanan_tidak_tersedia(request, exc)
    # Without the request: context processors could fail again on whatever broke this request.
    return HttpResponseServerError(loader.render_to_string("500.html"))


def csrf_failure(request, reason=""):
    """A form sent with an expired or missing CSRF token (often a page left open across a login)."""
    return render(request, "403_csrf.html", status=403)
