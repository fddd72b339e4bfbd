"""Keeping NIK-shaped numbers out of logs and error reports.

A NIK is 16 digits. Anything that looks like one is masked before a log line or an error report
leaves the process, whatever logged it (our code, Django, a library quoting a database error).
No Django import here: the pytest plugin that checks the whole test run's logs uses this module too.
The pattern treats letters and digits as part of a word, but not `_` or punctuation, so that
`nik_1571…` and `(nik)=(1571…)` are caught while a hexadecimal checksum is left alone.
"""

from __future__ import annotations

import logging
import re

POLA_NIK = re.compile(r"(?<![0-9A-Za-z])\d{16}(?![0-9A-Za-z])")
TOPENG = "****************"


def ada_nik(teks: str) -> bool:
    return bool(POLA_NIK.search(teks or ""))


def samarkan_teks(teks: str) -> str:
    return POLA_NIK.sub(TOPENG, teks)


class SamarkanNikFilter(logging.Filter):
    """Masks NIK-shaped numbers in a record's message, arguments, traceback and stack.

    The record is changed in place, so every handler after this one (files, e-mail, a test's
    capture) gets the masked text. Installed on the root handlers through settings.LOGGING.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            pesan = record.getMessage()
        except Exception:  # a malformed record: keep what there is, masked
            pesan = str(record.msg)
        record.msg, record.args = samarkan_teks(pesan), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = samarkan_teks(record.exc_text)
        if record.stack_info:
            record.stack_info = samarkan_teks(record.stack_info)
        return True
