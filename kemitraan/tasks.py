"""Celery tasks of the partnership programme: the daily reminders.

This module imports no model at load time, so that settings can take the beat schedule from it:

    from kemitraan.tasks import BEAT_SCHEDULE as CELERY_BEAT_SCHEDULE
"""

from __future__ import annotations

import datetime as dt
import logging
import zlib
from contextlib import contextmanager

from celery import shared_task
from celery.schedules import crontab

logger = logging.getLogger(__name__)

# Daily at 07:00 in CELERY_TIMEZONE (the project's TIME_ZONE, Asia/Jakarta).
BEAT_SCHEDULE = {
    "kemitraan-kirim-pengingat": {
        "task": "kemitraan.tasks.kirim_pengingat",
        "schedule": crontab(hour=7, minute=0),
    },
}

# Longest a run may hold the fallback (cache) lock; a run that dies frees it after this.
LOCK_TTL_SECONDS = 30 * 60


@contextmanager
def kunci_tunggal(nama: str):
    """Yield True when this process got the lock `nama`, False when another run holds it.

    Two runs of the reminder task (a beat tick and a manual run, or a retried message) must not work
    side by side. On PostgreSQL a session-level advisory lock does it: taken without waiting
    (pg_try_advisory_lock), released at the end, and released by the server if the worker dies with its
    connection, so a crash never leaves it stuck. Other databases (SQLite of `make run`, one process) use
    an atomic cache.add with an expiry. Even without the lock nothing is sent twice: the Notifikasi
    unique key (penerima, kunci) and the claim on email_terkirim make every step idempotent; the lock
    only keeps two runs from doing the same work at the same time.
    """
    from django.core.cache import cache
    from django.db import connection

    if connection.vendor == "postgresql":
        key = zlib.crc32(nama.encode())  # stable across processes, fits in a bigint
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            dapat = bool(cursor.fetchone()[0])
        try:
            yield dapat
        finally:
            if dapat:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
        return
    cache_key = f"kunci-tugas:{nama}"
    dapat = cache.add(cache_key, "1", timeout=LOCK_TTL_SECONDS)
    try:
        yield dapat
    finally:
        if dapat:
            cache.delete(cache_key)


@shared_task(name="kemitraan.tasks.kirim_pengingat")
def kirim_pengingat(sekarang: str | None = None) -> dict:
    """Send the reminders due now. `sekarang` (ISO 8601 with offset) replaces the clock, for tests and reruns."""
    from django.utils import timezone

    from kemitraan.services_program import pengingat_kirim

    now = dt.datetime.fromisoformat(sekarang) if sekarang else None
    if now is not None and timezone.is_naive(now):
        now = timezone.make_aware(now)
    with kunci_tunggal("kemitraan.kirim_pengingat") as dapat:
        if not dapat:
            logger.info("kirim_pengingat: another run holds the lock; skipped")
            return {"status": "terkunci"}
        hasil = pengingat_kirim(now=now)
    logger.info("kirim_pengingat: %s", hasil)
    return {"status": "selesai", **hasil}
