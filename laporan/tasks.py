"""Celery tasks of the reports: render a requested download, store an approved month, and the monthly schedule.

This module imports no model at load time, so that settings can take the beat schedule from it:

    from laporan.tasks import BEAT_SCHEDULE
"""

from __future__ import annotations

import logging

from celery import shared_task
from celery.schedules import crontab
from django.conf import settings

logger = logging.getLogger(__name__)

# 01:00 on the first day of each month (CELERY_TIMEZONE, Asia/Jakarta; later still in WITA and WIT, so the
# month is over everywhere): last month's report of every active Puskesmas.
BEAT_SCHEDULE = {
    "laporan-bulanan-bulan-lalu": {
        "task": "laporan.tasks.buat_laporan_bulan_lalu",
        "schedule": crontab(minute=0, hour=1, day_of_month=1),
    },
}


@shared_task(
    bind=True, acks_late=True, reject_on_worker_lost=True, autoretry_for=(OSError,), max_retries=2, retry_backoff=True
)
def render_unduhan(self, unduhan_id: int) -> None:
    # An OSError is retried (autoretry_for): the row must stay claimed for the retry, which would
    # otherwise find it failed and do nothing. The last attempt, or an eager run (it cannot retry),
    # marks it failed.
    from laporan import services

    retry_left = not self.request.is_eager and self.request.retries < self.max_retries
    services.unduhan_render(unduhan_id, retry_on=(OSError,) if retry_left else ())


def enqueue_unduhan(unduhan_id: int) -> None:
    """Have the worker render the download. Call it in the transaction that creates (or resets) the row:
    the outbox records the task there and publishes it after commit; with the broker down the request
    stays pending (its page says rendering is delayed) and the outbox sends it when the broker is back."""
    from outbox.services import kirim

    kirim(render_unduhan, unduhan_id)


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(OSError,), max_retries=3, retry_backoff=True)
def render_laporan_disetujui(laporan_id: int) -> bool:
    """Store the approved month's PDF, values and checksum (idempotent: a stored one is left alone)."""
    from laporan import services

    return services.laporan_disetujui_render(laporan_id)


def enqueue_laporan_disetujui(laporan_id: int) -> None:
    """Render the approved PDF after commit (through the outbox, as enqueue_unduhan). The approval stands
    whatever happens to the rendering: the page offers to render a missing PDF again."""
    from outbox.services import kirim

    kirim(render_laporan_disetujui, laporan_id)


@shared_task(name="laporan.tasks.buat_laporan_bulan_lalu")
def buat_laporan_bulan_lalu(bulan: str | None = None) -> dict:
    """Create and render last month's PDF of every active Puskesmas (`bulan` "2026-11" replaces the clock)."""
    from django.utils import timezone

    from kemitraan.tasks import kunci_tunggal
    from laporan import services
    from laporan.periode import Periode, bulan_lalu

    periode = Periode.dari_kode(bulan) if bulan else bulan_lalu(timezone.localdate())
    with kunci_tunggal("laporan.buat_laporan_bulan_lalu") as dapat:
        if not dapat:
            logger.info("buat_laporan_bulan_lalu: another run holds the lock; skipped")
            return {"dibuat": 0, "diulang": 0, "dilewati": True}
        return services.laporan_jadwal_buat(periode=periode)


def broker_state() -> str:
    """'eager' without a broker, 'ok' when Redis answers a PING, 'error' otherwise (bounded: 1 s)."""
    if settings.CELERY_TASK_ALWAYS_EAGER or not settings.REDIS_URL:
        return "eager"
    import redis

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
    except Exception:
        return "error"
    return "ok"
