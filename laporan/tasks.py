from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from laporan import services
from laporan.models import StatusUnduhan, Unduhan

logger = logging.getLogger(__name__)


@shared_task(
    bind=True, acks_late=True, reject_on_worker_lost=True, autoretry_for=(OSError,), max_retries=2, retry_backoff=True
)
def render_unduhan(self, unduhan_id: int) -> None:
    # An OSError is retried (autoretry_for): the row must stay claimed for the retry, which would
    # otherwise find it failed and do nothing. The last attempt, or an eager run (it cannot retry),
    # marks it failed.
    retry_left = not self.request.is_eager and self.request.retries < self.max_retries
    services.unduhan_render(unduhan_id, retry_on=(OSError,) if retry_left else ())


def enqueue_unduhan(unduhan_id: int) -> None:
    """Publish after commit; a broker that is down marks the request failed instead of hanging the save."""
    try:
        render_unduhan.delay(unduhan_id)
    except Exception:
        if settings.CELERY_TASK_ALWAYS_EAGER:
            return  # eager mode: the task itself already recorded the failure on the row
        logger.exception("Could not publish render_unduhan(%s)", unduhan_id)
        Unduhan.objects.filter(pk=unduhan_id, status=StatusUnduhan.PENDING).update(
            status=StatusUnduhan.FAILED, pesan_galat="broker", selesai_pada=timezone.now()
        )


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
