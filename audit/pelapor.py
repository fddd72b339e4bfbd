"""Django's error reports without NIK-shaped numbers (settings.DEFAULT_EXCEPTION_REPORTER)."""

from django.views.debug import ExceptionReporter

from audit.nik import samarkan_teks


class PelaporGalatTanpaNik(ExceptionReporter):
    """Django's error report (the e-mail to ADMINS, the DEBUG page) with NIK-shaped numbers masked.

    A report shows local variables and the exception text, e.g. a database error quoting a
    duplicate key; `sensitive_post_parameters` alone covers only the POST data.
    """

    def get_traceback_html(self):
        return samarkan_teks(str(super().get_traceback_html()))

    def get_traceback_text(self):
        return samarkan_teks(str(super().get_traceback_text()))
