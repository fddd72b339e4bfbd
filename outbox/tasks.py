"""The outbox drain as a Celery task: every minute from beat, and once when a worker starts.

This module imports no model at load time, so that settings can take the beat schedule from it:

    from outbox.tasks import BEAT_SCHEDULE
"""

from __future__ import annotations

import logging

from celery import shared_task
from celery.signals import worker_ready

logger = logging.getLogger(__name__)

BEAT_SCHEDULE = {
    "outbox-kirim-tertunda": {
        "task": "outbox.kirim_tertunda",
        "schedule": 60.0,
        # A tick that waited longer than a minute is superseded by the next one.
        "options": {"expires": 55},
    },
}


@shared_task(name="outbox.kirim_tertunda", acks_late=False)
def kirim_tertunda(semua: bool = False) -> dict:
    """Publish what the outbox holds (a lost or duplicated tick is harmless: the drain is idempotent)."""
    from outbox import services

    return services.kirim_tertunda(semua=semua)


@worker_ready.connect
def kirim_tertunda_saat_worker_siap(sender=None, **kwargs) -> None:
    """A worker that starts has a broker: have one of its pool processes drain the outbox right away,
    instead of after the next beat tick (or never, where beat does not run)."""
    try:
        kirim_tertunda.apply_async(retry=False)
    except Exception:
        logger.exception("Could not queue the outbox drain at worker start")
