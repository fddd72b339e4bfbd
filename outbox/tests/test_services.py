"""The outbox without a real broker: the in-memory transport stands for a broker that works, a closed port
for one that is down. (Redis itself, killed and frozen, is in test_redis_mati.py.)"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from outbox import services
from outbox.models import Pesan
from outbox.tasks import BEAT_SCHEDULE, kirim_tertunda_saat_worker_siap
from outbox.tests.conftest import CLOSED_PORT_URL, DIJALANKAN, catat

pytestmark = pytest.mark.django_db


@pytest.fixture
def memori(broker):
    """A working broker: kombu's in-memory transport, emptied before and after."""
    from kombu.transport import memory

    memory.Channel.queues.clear()
    broker.arahkan("memory://")
    yield broker
    memory.Channel.queues.clear()


def _antrean(app) -> list[tuple[str, str, list]]:
    """(task, id, args) of every message waiting in the default queue, taken off it."""
    pesan = []
    with app.connection_for_read() as conn:
        queue = conn.SimpleQueue("celery")
        while True:
            try:
                m = queue.get(timeout=0.05)
            except queue.Empty:
                return pesan
            pesan.append((m.headers["task"], m.headers["id"], m.payload[0]))
            m.ack()


# --- kirim -----------------------------------------------------------------------------------------


def test_kirim_writes_the_row_in_the_transaction_and_publishes_after_commit(
    memori, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            pesan = services.kirim(catat, 7, "a")
            assert Pesan.objects.get().args == [7, "a"]
            assert _antrean(memori.app) == []  # nothing leaves before the commit

    assert _antrean(memori.app) == [("outbox.tests.catat", f"outbox-{pesan.pk}", [7, "a"])]
    pesan.refresh_from_db()
    assert pesan.sent_at is not None and pesan.attempts == 1 and pesan.last_error == ""


def test_a_rolled_back_save_leaves_no_row_and_sends_nothing(memori, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            services.kirim(catat, 1)
            raise RuntimeError("the save fails")

    assert not Pesan.objects.exists()
    assert _antrean(memori.app) == []


def test_kirim_with_the_broker_down_returns_at_once_and_keeps_the_row(broker, django_capture_on_commit_callbacks):
    broker.arahkan(CLOSED_PORT_URL)

    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        pesan = services.kirim(catat, 3)
    elapsed = time.monotonic() - started

    pesan.refresh_from_db()
    assert pesan.sent_at is None and pesan.attempts == 1
    assert "Connection refused" in pesan.last_error
    assert pesan.available_at <= timezone.now()  # a broker outage does not push the next try back
    assert list(Pesan.objects.tertunda()) == [pesan]
    assert elapsed < 2, f"publishing to a closed port took {elapsed:.1f} s"


def test_kirim_refuses_arguments_that_are_not_json(broker):
    with pytest.raises(TypeError):
        services.kirim(catat, object())
    assert not Pesan.objects.exists()


def test_in_eager_mode_the_task_runs_after_commit_and_no_row_is_written(eager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert services.kirim(catat, 5) is None
    assert DIJALANKAN == []
    callbacks[0]()

    assert DIJALANKAN == [[5]]
    assert not Pesan.objects.exists()


# --- the drain -------------------------------------------------------------------------------------


def test_drain_sends_what_waits_oldest_first_and_only_once(memori):
    rows = [Pesan.objects.create(task="outbox.tests.catat", args=[n]) for n in (1, 2, 3)]

    assert services.kirim_tertunda()["terkirim"] == 3
    assert services.kirim_tertunda()["terkirim"] == 0  # idempotent: a sent row is not sent again

    assert _antrean(memori.app) == [("outbox.tests.catat", f"outbox-{p.pk}", p.args) for p in rows]
    assert not Pesan.objects.belum_terkirim().exists()


def test_drain_stops_at_the_first_broker_error(broker):
    rows = [Pesan.objects.create(task="outbox.tests.catat", args=[n]) for n in (1, 2, 3)]
    broker.arahkan(CLOSED_PORT_URL)

    hasil = services.kirim_tertunda()

    assert hasil == {"terkirim": 0, "gagal": 0, "broker_mati": True, "tertunda": 3}
    assert [Pesan.objects.get(pk=p.pk).attempts for p in rows] == [1, 0, 0]


def test_a_row_that_fails_for_another_reason_waits_and_does_not_hold_up_the_others(memori, monkeypatch):
    buruk = Pesan.objects.create(task="outbox.tests.catat", args=[1])
    baik = Pesan.objects.create(task="outbox.tests.catat", args=[2])
    real = catat.apply_async

    def rusak(*args, **kwargs):
        if kwargs.get("task_id") == f"outbox-{buruk.pk}":
            raise ValueError("cannot be published")
        return real(*args, **kwargs)

    monkeypatch.setattr(catat, "apply_async", rusak)

    hasil = services.kirim_tertunda()

    assert (hasil["terkirim"], hasil["gagal"], hasil["broker_mati"]) == (1, 1, False)
    buruk.refresh_from_db()
    baik.refresh_from_db()
    assert baik.sent_at is not None
    assert buruk.sent_at is None and buruk.last_error == "ValueError: cannot be published"
    assert buruk.available_at > timezone.now()  # backed off
    assert services.kirim_tertunda()["terkirim"] == 0  # not due yet
    monkeypatch.setattr(catat, "apply_async", real)
    assert services.kirim_tertunda(semua=True)["terkirim"] == 1  # the command's --semua


def test_drain_purges_rows_sent_long_ago_and_keeps_recent_ones(memori, settings):
    lama = Pesan.objects.create(task="outbox.tests.catat", args=[1],
                                sent_at=timezone.now() - timedelta(days=settings.OUTBOX_KEEP_DAYS + 1))
    baru = Pesan.objects.create(task="outbox.tests.catat", args=[2], sent_at=timezone.now())

    services.kirim_tertunda()

    assert list(Pesan.objects.values_list("pk", flat=True)) == [baru.pk]
    assert not Pesan.objects.filter(pk=lama.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_a_row_another_drain_holds_is_skipped_not_sent_twice(memori):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    dipegang = Pesan.objects.create(task="outbox.tests.catat", args=[1])
    bebas = Pesan.objects.create(task="outbox.tests.catat", args=[2])
    locked, release = threading.Event(), threading.Event()

    def drain_lain():
        from django.db import connections

        try:
            with transaction.atomic():
                Pesan.objects.select_for_update().get(pk=dipegang.pk)
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=drain_lain)
    thread.start()
    try:
        assert locked.wait(10)
        hasil = services.kirim_tertunda()
        assert services.terbitkan(dipegang.pk) is False  # the publish after commit skips it as well
    finally:
        release.set()
        thread.join(10)

    assert hasil["terkirim"] == 1
    assert Pesan.objects.get(pk=bebas.pk).sent_at is not None
    assert Pesan.objects.get(pk=dipegang.pk).sent_at is None


# --- the ways the drain runs ------------------------------------------------------------------------


def test_beat_drains_every_minute():
    assert BEAT_SCHEDULE["outbox-kirim-tertunda"]["task"] == "outbox.kirim_tertunda"
    assert BEAT_SCHEDULE["outbox-kirim-tertunda"]["schedule"] == 60.0


def test_the_drain_is_scheduled_in_settings(settings):
    assert settings.CELERY_BEAT_SCHEDULE["outbox-kirim-tertunda"]["task"] == "outbox.kirim_tertunda"


def test_a_worker_that_starts_queues_the_drain(memori):
    kirim_tertunda_saat_worker_siap(sender=None)

    assert [task for task, _id, _args in _antrean(memori.app)] == ["outbox.kirim_tertunda"]


def test_worker_start_drain_runs_rows_left_by_a_broker_run_when_eager(eager):
    Pesan.objects.create(task="outbox.tests.catat", args=[9])

    kirim_tertunda_saat_worker_siap(sender=None)

    assert DIJALANKAN == [[9]]
    assert Pesan.objects.get().sent_at is not None


def test_command_sends_and_says_how_many(memori, capsys):
    for n in (1, 2, 3):
        Pesan.objects.create(task="outbox.tests.catat", args=[n])

    call_command("outbox_kirim", "--batas", "2")  # two rounds

    assert "3 pesan terkirim, 0 masih tertunda." in capsys.readouterr().out
    assert len(_antrean(memori.app)) == 3


def test_command_fails_while_the_broker_is_down(broker):
    Pesan.objects.create(task="outbox.tests.catat", args=[1])
    broker.arahkan(CLOSED_PORT_URL)

    with pytest.raises(CommandError, match="Broker tidak tersedia: 0 pesan terkirim, 1 masih tertunda."):
        call_command("outbox_kirim")
