"""Sending work to the Celery broker through the outbox (outbox.models.Pesan).

    from outbox.services import kirim
    with transaction.atomic():
        unduhan = Unduhan.objects.create(...)
        kirim(render_unduhan, unduhan.pk)

`kirim` writes the row in the caller's transaction and publishes it after commit, with a short bounded
timeout on a connection of its own; a publish that fails leaves the row for `kirim_tertunda` (the drain).
Sending is at least once: a message published but not marked sent (the database failed in between) is
sent again, so every task sent this way must be idempotent (the report tasks are).
"""

from __future__ import annotations

import functools
import json
import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from outbox.models import Pesan

logger = logging.getLogger(__name__)

# A failure that is not the broker's (say, a task name no worker knows) waits before the next try, doubling
# up to this, so that one bad row never holds up the others.
JEDA_MAKS = timedelta(hours=1)

TERKIRIM, BROKER_MATI, GAGAL = "terkirim", "broker_mati", "gagal"


def _app():
    from config.celery import app

    return app


def _eager() -> bool:
    return bool(_app().conf.task_always_eager)


def kirim(task, *args) -> Pesan | None:
    """Have `task(*args)` run by a worker once the current transaction commits; never blocks on the broker.

    `task` is a Celery task (or its registered name); `args` must be JSON (ids, never model instances).
    Call it inside the transaction that saves what the task needs: the row exists exactly when the save
    does. In eager mode (no broker: `make run`) the task runs in-process after commit, as it always did,
    and no row is written.
    """
    name = task if isinstance(task, str) else task.name
    args = list(args)
    json.dumps(args)  # not JSON: fail here, in the caller, rather than in the drain
    if _eager():
        transaction.on_commit(functools.partial(_jalankan_eager, name, args))
        return None
    pesan = Pesan.objects.create(task=name, args=args)
    transaction.on_commit(functools.partial(terbitkan, pesan.pk))
    return pesan


def _jalankan_eager(name: str, args: list) -> None:
    # The task records its own failure on its row (a failed download says so); the save stands.
    try:
        _app().tasks[name].apply_async(args=args)
    except Exception:
        logger.exception("Eager task %s failed", name)


def _koneksi():
    """A broker connection of its own, bounded: no retries, connect and every command within
    OUTBOX_PUBLISH_TIMEOUT seconds. (The shared producer pool retries, and a broker that accepts the
    connection but never answers held a publish for 20 s there; measured in outbox/tests.)"""
    timeout = settings.OUTBOX_PUBLISH_TIMEOUT
    return _app().connection_for_write(
        connect_timeout=timeout,
        transport_options={"max_retries": 0, "socket_connect_timeout": timeout, "socket_timeout": timeout},
    )


def _publish(pesan: Pesan, conn) -> str:
    """Publish one locked row on `conn` and record the outcome on it."""
    from kombu.exceptions import OperationalError

    app = _app()
    sekarang = timezone.now()
    if _eager():  # rows left from a run with a broker, drained without one: run them here
        _jalankan_eager(pesan.task, pesan.args)
        Pesan.objects.filter(pk=pesan.pk).update(sent_at=sekarang, attempts=F("attempts") + 1, last_error="")
        return TERKIRIM
    options = {"connection": conn, "retry": False, "task_id": f"outbox-{pesan.pk}"}
    try:
        task = app.tasks.get(pesan.task)
        if task is not None:
            task.apply_async(args=pesan.args, **options)
        else:  # a task only the workers know
            app.send_task(pesan.task, args=pesan.args, **options)
    except (OperationalError, OSError, *conn.connection_errors) as exc:
        Pesan.objects.filter(pk=pesan.pk).update(attempts=F("attempts") + 1, last_error=_galat(exc))
        logger.warning("Broker unavailable; %s stays in the outbox: %s", pesan, exc)
        return BROKER_MATI
    except Exception as exc:
        jeda = min(timedelta(minutes=2**pesan.attempts), JEDA_MAKS)
        Pesan.objects.filter(pk=pesan.pk).update(
            attempts=F("attempts") + 1, last_error=_galat(exc), available_at=sekarang + jeda
        )
        logger.exception("Could not publish %s; retried after %s", pesan, jeda)
        return GAGAL
    Pesan.objects.filter(pk=pesan.pk).update(sent_at=sekarang, attempts=F("attempts") + 1, last_error="")
    return TERKIRIM


def _galat(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:1000]


def terbitkan(pesan_id: int) -> bool:
    """Publish one row now (run after the commit that wrote it). Never raises: unsent, it waits for the drain."""
    try:
        with transaction.atomic():
            pesan = (Pesan.objects.select_for_update(skip_locked=True).belum_terkirim()
                     .filter(pk=pesan_id).first())
            if pesan is None:
                return False  # sent already, or a drain holds it right now
            with _koneksi() as conn:
                return _publish(pesan, conn) == TERKIRIM
    except Exception:
        logger.exception("Publishing outbox row %s failed; the drain sends it later", pesan_id)
        return False


def kirim_tertunda(*, batas: int = 500, semua: bool = False) -> dict:
    """The drain: publish the unsent rows, oldest first (`semua`: also those waiting after a failure).

    Idempotent, and drains running side by side share the rows (skip_locked) instead of sending one twice.
    Stops at the first broker error: the other rows would only wait out the same timeout.
    """
    hasil = {TERKIRIM: 0, GAGAL: 0, BROKER_MATI: False}
    with transaction.atomic():
        antrean = Pesan.objects.belum_terkirim() if semua else Pesan.objects.siap()
        rows = list(antrean.select_for_update(skip_locked=True).order_by("pk")[:batas])
        if rows:
            with _koneksi() as conn:
                for pesan in rows:
                    status = _publish(pesan, conn)
                    if status == BROKER_MATI:
                        hasil[BROKER_MATI] = True
                        break
                    hasil[status] += 1
    batas_simpan = timezone.now() - timedelta(days=settings.OUTBOX_KEEP_DAYS)
    Pesan.objects.filter(sent_at__lt=batas_simpan).delete()
    hasil["tertunda"] = Pesan.objects.belum_terkirim().count()
    if hasil[TERKIRIM] or hasil[BROKER_MATI]:
        logger.info("Outbox drain: %s", hasil)
    return hasil
