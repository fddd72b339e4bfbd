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
    """Publish after commit; a broker that is down marks the request failed instead of hanging the save."""
    from django.utils import timezone

    from laporan.models import StatusUnduhan, Unduhan

    try:
        render_unduhan.delay(unduhan_id)
    except Exception:
        if settings.CELERY_TASK_ALWAYS_EAGER:
            return  # eager mode: the task itself already recorded the failure on the row
        logger.exception("Could not publish render_unduhan(%s)", unduhan_id)
        Unduhan.objects.filter(pk=unduhan_id, status=StatusUnduhan.PENDING).update(
            status=StatusUnduhan.FAILED, pesan_galat="broker", selesai_pada=timezone.now()
        )


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(OSError,), max_retries=3, retry_backoff=True)
def render_laporan_disetujui(laporan_id: int) -> bool:
    """Store the approved month's PDF, values and checksum (idempotent: a stored one is left alone)."""
    from laporan import services

    return services.laporan_disetujui_render(laporan_id)


def enqueue_laporan_disetujui(laporan_id: int) -> None:
    """Publish after commit. The approval stands even if the broker is down or rendering fails: the
    page offers to render the stored PDF again."""
    try:
        render_laporan_disetujui.delay(laporan_id)
    except Exception:
        logger.exception("Could not render the approved report %s", laporan_id)


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
