"""Reminders: a week before a planned meeting and when a follow-up passes its due date; in-app and e-mail,
each sent once however often the task runs; never two runs at once.

The clock is passed to the task (`sekarang`), never frozen.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
import zoneinfo

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.template import engines
from django.test import RequestFactory

from kemitraan.context_processors import notifikasi as notifikasi_context
from kemitraan.models import Notifikasi, StatusPertemuan, StatusTindakLanjut
from kemitraan.tasks import BEAT_SCHEDULE, kirim_pengingat, kunci_tunggal
from kemitraan.tests.factories import NotifikasiFactory, PertemuanFactory, TindakLanjutFactory

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
NOW = dt.datetime(2025, 5, 5, 7, 0, tzinfo=WIB)  # Monday 07:00, when beat runs
TODAY = NOW.date()
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
CONSOLE = "django.core.mail.backends.console.EmailBackend"


def run(now=NOW) -> dict:
    return kirim_pengingat(sekarang=now.isoformat())


def penerima(**filters) -> set[str]:
    return set(Notifikasi.objects.filter(**filters).values_list("penerima__username", flat=True))


def rencana(cast, hari: float, *, puskesmas=None, status=StatusPertemuan.DIRENCANAKAN, **kwargs):
    return PertemuanFactory(
        puskesmas=puskesmas or cast.w.puskesmas_a, status=status, waktu_pelaksanaan=None,
        waktu_rencana=NOW + dt.timedelta(days=hari), **kwargs,
    )


@pytest.fixture
def email(cast, settings):
    settings.EMAIL_BACKEND = LOCMEM
    for user, address in ((cast.bikor_a, "bikor.a@example.id"), (cast.bidan_a, "bidan.a@example.id")):
        user.email = address
        user.save(update_fields=["email"])
    return settings


# --- A week before a planned meeting ---------------------------------------------------------------


def test_meeting_within_a_week_reminds_bikor_kapus_and_bidan_of_its_puskesmas(cast):
    p = rencana(cast, 3.1, tempat="Aula Puskesmas")
    hasil = run()
    assert hasil["status"] == "selesai"
    assert hasil["pertemuan"] == 3
    assert penerima() == {"bikor_a", "kapus_a", "bidan_a"}
    n = Notifikasi.objects.get(penerima=cast.bidan_a)
    assert n.judul == "Pengingat: Pertemuan rutin kemitraan, Kamis, 8 Mei 2025 pukul 09.24 WIB"
    assert "Puskesmas Aur Duri" in n.pesan and "di Aula Puskesmas" in n.pesan
    assert n.dibaca_pada is None
    assert n.kunci.startswith(f"pertemuan:{p.pk}:")


def test_reminder_link_opens_for_its_recipient(client, cast):
    rencana(cast, 2)
    run()
    n = Notifikasi.objects.get(penerima=cast.bikor_a)
    assert n.tautan.startswith("/")
    client.force_login(cast.bikor_a)
    assert client.get(n.tautan).status_code == 200


def test_meeting_reminder_is_sent_once_however_often_the_task_runs(cast, email):
    rencana(cast, 2)
    run()
    second = run(NOW + dt.timedelta(hours=24))  # the next day's run: the meeting is still within a week
    assert second["pertemuan"] == 0
    assert second["email"] == 0
    assert Notifikasi.objects.count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == ["bidan.a@example.id", "bikor.a@example.id"]


def test_meeting_reminder_goes_to_nobody_outside_the_puskesmas(cast):
    rencana(cast, 2, puskesmas=cast.w.puskesmas_b)
    run()
    assert penerima() == {"bikor_b", "bidan_b"}  # Puskesmas B has no Kepala Puskesmas user


@pytest.mark.parametrize(("hari", "status"), [
    (8, StatusPertemuan.DIRENCANAKAN),  # more than a week ahead
    (-0.1, StatusPertemuan.DIRENCANAKAN),  # already past (overdue, not upcoming)
    (3, StatusPertemuan.BATAL),
])
def test_no_reminder_for_far_past_or_cancelled_meetings(cast, hari, status):
    rencana(cast, hari, status=status)
    assert run()["pertemuan"] == 0
    assert Notifikasi.objects.count() == 0


def test_no_reminder_for_a_meeting_already_held(cast):
    PertemuanFactory(puskesmas=cast.w.puskesmas_a, status=StatusPertemuan.TERLAKSANA,
                     waktu_rencana=NOW + dt.timedelta(days=2), waktu_pelaksanaan=NOW - dt.timedelta(days=1))
    assert run()["pertemuan"] == 0
    assert Notifikasi.objects.count() == 0


def test_moved_meeting_is_reminded_of_again(cast):
    p = rencana(cast, 6)
    run()
    p.waktu_rencana = NOW + dt.timedelta(days=5)
    p.save()
    assert run()["pertemuan"] == 3
    assert Notifikasi.objects.filter(penerima=cast.bikor_a).count() == 2


def test_inactive_users_and_inactive_bidan_get_no_reminder(cast):
    cast.kapus_a.is_active = False
    cast.kapus_a.save()
    cast.profil_bidan_a.aktif = False
    cast.profil_bidan_a.save()
    rencana(cast, 2)
    run()
    assert penerima() == {"bikor_a"}


# --- Follow-ups past their due date --------------------------------------------------------------------


def tindak(cast, tenggat: dt.date, **kwargs):
    pertemuan = PertemuanFactory(puskesmas=cast.w.puskesmas_a, waktu_rencana=NOW - dt.timedelta(days=40))
    return TindakLanjutFactory(pertemuan=pertemuan, tenggat=tenggat, **kwargs)


def test_overdue_action_reminds_its_owner_bidan_and_the_puskesmas_heads_once(cast, email):
    t = tindak(cast, TODAY - dt.timedelta(days=1), penanggung_jawab_bidan=cast.profil_bidan_a,
               penanggung_jawab_peran="", uraian="Data ibu hamil dari dukun direkap")
    assert run()["tindak_lanjut"] == 3
    assert run()["tindak_lanjut"] == 0
    assert penerima() == {"bidan_a", "bikor_a", "kapus_a"}
    n = Notifikasi.objects.get(penerima=cast.bidan_a)
    assert n.kunci == f"tindaklanjut:{t.pk}:tenggat:20250504"
    assert n.judul == "Tindak lanjut melewati tenggat 4 Mei 2025"
    assert "Data ibu hamil dari dukun direkap" in n.pesan and "Sri Mulyani" in n.pesan
    assert len(mail.outbox) == 2


def test_overdue_action_of_a_bidan_without_account_reminds_the_heads(cast):
    tindak(cast, TODAY - dt.timedelta(days=3), penanggung_jawab_bidan=cast.profil_bidan_a2, penanggung_jawab_peran="")
    run()
    assert penerima() == {"bikor_a", "kapus_a"}


@pytest.mark.parametrize("status", [StatusTindakLanjut.SELESAI, StatusTindakLanjut.BATAL])
def test_no_reminder_for_closed_actions(cast, status):
    tindak(cast, TODAY - dt.timedelta(days=5), status=status, tanggal_ditutup=TODAY - dt.timedelta(days=1),
           catatan_penutupan="Sudah dikerjakan.")
    assert run()["tindak_lanjut"] == 0
    assert Notifikasi.objects.count() == 0


def test_no_reminder_for_an_action_due_today(cast):
    tindak(cast, TODAY)
    assert run()["tindak_lanjut"] == 0


def test_new_due_date_is_reminded_of_again(cast):
    t = tindak(cast, TODAY - dt.timedelta(days=2))
    run()
    t.tenggat = TODAY - dt.timedelta(days=1)
    t.save()
    assert run()["tindak_lanjut"] == 2


# --- E-mail -----------------------------------------------------------------------------------------------


def test_email_only_to_users_with_an_address_and_marked_sent(cast, email):
    rencana(cast, 2)
    assert run()["email"] == 2
    sent = dict(Notifikasi.objects.values_list("penerima__username", "email_terkirim"))
    assert sent == {"bikor_a": True, "bidan_a": True, "kapus_a": False}
    assert mail.outbox[0].subject.startswith("Pengingat: Pertemuan rutin kemitraan")


@pytest.mark.parametrize("backend", [CONSOLE, "django.core.mail.backends.dummy.EmailBackend"])
def test_no_email_with_the_console_or_dummy_default_backend(cast, email, backend, capsys):
    email.EMAIL_BACKEND = backend
    rencana(cast, 2)
    hasil = run()
    assert hasil["pertemuan"] == 3 and hasil["email"] == 0
    assert not Notifikasi.objects.filter(email_terkirim=True).exists()
    assert "Pengingat" not in capsys.readouterr().out


def test_reminder_read_or_older_than_three_days_is_not_emailed(cast, email):
    NotifikasiFactory(penerima=cast.bikor_a, dibuat_pada=NOW - dt.timedelta(days=4))
    NotifikasiFactory(penerima=cast.bidan_a, dibuat_pada=NOW - dt.timedelta(hours=1), dibaca_pada=NOW)
    recent = NotifikasiFactory(penerima=cast.bidan_a, dibuat_pada=NOW - dt.timedelta(days=2))
    assert run()["email"] == 1
    assert Notifikasi.objects.filter(email_terkirim=True).get() == recent


class GagalBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise OSError("SMTP tidak dapat dihubungi")


def test_failed_email_is_tried_again_by_the_next_run(cast, email):
    email.EMAIL_BACKEND = f"{__name__}.GagalBackend"
    rencana(cast, 2)
    assert run()["email"] == 0
    assert not Notifikasi.objects.filter(email_terkirim=True).exists()
    email.EMAIL_BACKEND = LOCMEM
    assert run()["email"] == 2
    assert len(mail.outbox) == 2


# --- One run at a time -----------------------------------------------------------------------------------


def test_task_does_not_run_while_another_run_holds_the_lock(cast):
    rencana(cast, 2)
    taken, release = threading.Event(), threading.Event()

    def other_run():
        try:
            with kunci_tunggal("kemitraan.kirim_pengingat") as dapat:
                assert dapat
                taken.set()
                release.wait(10)
        finally:
            connection.close()  # this thread's own connection

    worker = threading.Thread(target=other_run)
    worker.start()
    try:
        assert taken.wait(10)
        assert run() == {"status": "terkunci"}
        assert Notifikasi.objects.count() == 0
    finally:
        release.set()
        worker.join(10)
    assert run()["pertemuan"] == 3  # the lock is free again


def test_lock_is_released_when_the_run_fails(cast, monkeypatch):
    def boom(**kwargs):
        raise RuntimeError("gagal")

    monkeypatch.setattr("kemitraan.services_program.pengingat_kirim", boom)
    with pytest.raises(RuntimeError):
        run()
    with kunci_tunggal("kemitraan.kirim_pengingat") as dapat:
        assert dapat


# --- Beat schedule and the navbar count -------------------------------------------------------------------


def test_beat_schedule_runs_the_reminder_task_daily_at_seven():
    entry = BEAT_SCHEDULE["kemitraan-kirim-pengingat"]
    assert entry["task"] == kirim_pengingat.name
    assert entry["schedule"].hour == {7} and entry["schedule"].minute == {0}


def test_tasks_module_imports_before_django_is_set_up_so_settings_can_use_it():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-c", "from kemitraan.tasks import BEAT_SCHEDULE; print(sorted(BEAT_SCHEDULE))"],
        capture_output=True, text=True, cwd=django_settings.BASE_DIR, env=env, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "kemitraan-kirim-pengingat" in result.stdout


def test_unread_count_context_processor_counts_own_unread_in_one_query(cast, django_assert_num_queries):
    NotifikasiFactory.create_batch(3, penerima=cast.bikor_a)
    NotifikasiFactory(penerima=cast.bikor_a, dibaca_pada=NOW)
    NotifikasiFactory(penerima=cast.kapus_a)
    request = RequestFactory().get("/")
    request.user = cast.bikor_a
    jumlah = notifikasi_context(request)["jumlah_notifikasi_belum_dibaca"]
    template = engines["django"].from_string(
        "{% if jumlah_notifikasi_belum_dibaca %}<span>{{ jumlah_notifikasi_belum_dibaca }}</span>{% endif %}")
    with django_assert_num_queries(1):
        html = template.render({"jumlah_notifikasi_belum_dibaca": jumlah})  # asked twice, counted once
    assert html == "<span>3</span>"


def test_unread_count_is_zero_for_anonymous_without_query(db, django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert notifikasi_context(request)["jumlah_notifikasi_belum_dibaca"] == 0
