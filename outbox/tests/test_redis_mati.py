"""Redis down for real: a redis-server of the test's own is killed, frozen (SIGSTOP) or replaced by a closed
port while a user asks for a report; the request answers within 5 s and says the report is delayed, the
work waits in the outbox, and once Redis is back the drain puts it on Redis' queue.

The publish after commit runs where the request's commit would run it (django_capture_on_commit_callbacks,
executed inside the timed block): the test transaction itself is never committed, which keeps these fast.
"""

from __future__ import annotations

import json
import time

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from laporan.models import LaporanBulanan, StatusUnduhan, Unduhan
from laporan.periode import bulan_lalu
from outbox.models import Pesan
from outbox.tests.conftest import CLOSED_PORT_URL

pytestmark = [pytest.mark.redis, pytest.mark.django_db]

BATAS_DETIK = 5
TERTUNDA = "Antrean laporan sedang tidak tersedia; laporan akan dibuat otomatis saat layanan pulih."


@pytest.fixture
def berkas(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    return tmp_path


def _minta_laporan(client, cast, capture) -> tuple[Unduhan, float]:
    """The Kepala Puskesmas asks for last month's PDF; returns the request and how long the POST took."""
    client.force_login(cast.kapus_a)
    url = reverse("laporan:bulanan_minta", args=[cast.w.puskesmas_a.pk, bulan_lalu(timezone.localdate()).kode])
    started = time.monotonic()
    with capture(execute=True):
        response = client.post(url, {"format": "pdf"})
    elapsed = time.monotonic() - started
    unduhan = Unduhan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("laporan:unduhan_detail", args=[unduhan.pk])
    return unduhan, elapsed


def _halaman(client, unduhan) -> str:
    return client.get(reverse("laporan:unduhan_detail", args=[unduhan.pk])).content.decode()


def _antrean_redis(server) -> list[dict]:
    """The messages on Celery's default queue in Redis (a list named `celery`)."""
    client = server.client()
    try:
        return [json.loads(raw) for raw in client.lrange("celery", 0, -1)]
    finally:
        client.close()


def _assert_tertunda(client, unduhan, elapsed) -> Pesan:
    assert elapsed <= BATAS_DETIK, f"the request took {elapsed:.1f} s with the broker down"
    unduhan.refresh_from_db()
    assert unduhan.status == StatusUnduhan.PENDING
    pesan = Pesan.objects.get()
    assert (pesan.task, pesan.args, pesan.sent_at, pesan.attempts) == (
        "laporan.tasks.render_unduhan", [unduhan.pk], None, 1)
    assert TERTUNDA in _halaman(client, unduhan)
    return pesan


def _assert_di_antrean_redis(server, pesan, unduhan) -> None:
    pesan.refresh_from_db()
    assert pesan.sent_at is not None
    antrean = _antrean_redis(server)
    assert [(m["headers"]["task"], m["headers"]["id"]) for m in antrean] == [
        ("laporan.tasks.render_unduhan", f"outbox-{pesan.pk}")]
    assert server.client().llen("celery") == 1


def test_report_request_with_redis_killed_is_delayed_and_sent_when_redis_returns(
    client, cast, broker, redis_sendiri, berkas, django_capture_on_commit_callbacks
):
    broker.arahkan(redis_sendiri.url)
    redis_sendiri.kill()

    unduhan, elapsed = _minta_laporan(client, cast, django_capture_on_commit_callbacks)

    pesan = _assert_tertunda(client, unduhan, elapsed)
    redis_sendiri.start()  # the same port, empty (no persistence)
    call_command("outbox_kirim")
    _assert_di_antrean_redis(redis_sendiri, pesan, unduhan)
    page = _halaman(client, unduhan)
    assert TERTUNDA not in page and "Berkas sedang dibuat." in page
    assert not list(berkas.rglob("*"))  # nothing rendered: no worker ran


def test_report_request_with_nothing_on_the_port_is_delayed_and_the_beat_drain_sends_it(
    client, cast, broker, redis_sendiri, berkas, django_capture_on_commit_callbacks
):
    from outbox.tasks import kirim_tertunda

    broker.arahkan(CLOSED_PORT_URL)

    unduhan, elapsed = _minta_laporan(client, cast, django_capture_on_commit_callbacks)

    pesan = _assert_tertunda(client, unduhan, elapsed)
    broker.arahkan(redis_sendiri.url)  # the broker is back
    assert kirim_tertunda()["terkirim"] == 1  # the beat task's body
    _assert_di_antrean_redis(redis_sendiri, pesan, unduhan)


def test_report_request_with_redis_frozen_is_bounded_by_the_publish_timeout(
    client, cast, broker, redis_sendiri, berkas, settings, django_capture_on_commit_callbacks
):
    broker.arahkan(redis_sendiri.url)
    redis_sendiri.freeze()  # connections are accepted, nothing is answered: the worst case

    unduhan, elapsed = _minta_laporan(client, cast, django_capture_on_commit_callbacks)

    _assert_tertunda(client, unduhan, elapsed)
    assert elapsed >= settings.OUTBOX_PUBLISH_TIMEOUT * 0.9  # it did wait on the broker, as long as allowed
    assert "Timeout" in Pesan.objects.get().last_error


def test_approval_with_redis_killed_stands_and_its_pdf_task_is_sent_later(
    client, cast, broker, redis_sendiri, berkas, django_capture_on_commit_callbacks
):
    broker.arahkan(redis_sendiri.url)
    redis_sendiri.kill()
    bulan = bulan_lalu(timezone.localdate())
    client.force_login(cast.kapus_a)

    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("laporan:bulanan_setujui", args=[cast.w.puskesmas_a.pk, bulan.kode]))
    elapsed = time.monotonic() - started

    assert response.status_code == 302 and elapsed <= BATAS_DETIK
    laporan = LaporanBulanan.objects.get()
    assert laporan.terkunci and not laporan.checksum
    pesan = Pesan.objects.get()
    assert (pesan.task, pesan.args, pesan.sent_at) == ("laporan.tasks.render_laporan_disetujui", [laporan.pk], None)
    redis_sendiri.start()
    call_command("outbox_kirim")
    pesan.refresh_from_db()
    assert pesan.sent_at is not None
    assert [json.loads(m)["headers"]["task"] for m in redis_sendiri.client().lrange("celery", 0, -1)] == [
        "laporan.tasks.render_laporan_disetujui"]
