"""A database outage answers a short 503 page instead of a 500 or a page that hangs.

PostgreSQL down or unreachable shows up as `OperationalError` (cannot connect, connection lost) or
`InterfaceError` (connection already closed). The connect timeout in settings bounds how long the
first attempt waits. Recovery needs nothing from here: Django marks the connection as broken
(`errors_occurred`) and drops it when the request finishes, and `conn_health_checks` tests a reused
connection before the next request, so the first request after PostgreSQL returns reconnects.
"""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader

logger = logging.getLogger("config.database")

DATABASE_ERRORS = (OperationalError, InterfaceError)
# Seconds a client (or a proxy's retry) should wait before trying again.
RETRY_AFTER_SECONDS = 30


def layanan_tidak_tersedia(request: HttpRequest, exc: BaseException) -> HttpResponse:
    """The 503 answer for a database outage: rendered without the database, logged without data."""
    view_name = getattr(getattr(request, "resolver_match", None), "view_name", None) or "-"
    # Only the class and SQLSTATE: the message of a database error can quote a statement's values.
    pgcode = getattr(exc.__cause__, "pgcode", None)
    logger.warning(
        "Basis data tidak tersedia (%s%s) pada %s %s",
        type(exc).__name__, f", SQLSTATE {pgcode}" if pgcode else "", request.method, view_name,
    )
    # No request context: context processors (the notification badge) would query the database again.
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turn a database outage raised by a view into a 503 with Retry-After.

    An outage raised before the view (a middleware loading the session's user) is turned into the
    same answer by the 500 handler, `config.errors.server_error`.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_ERRORS):
            return layanan_tidak_tersedia(request, exception)
        return None
