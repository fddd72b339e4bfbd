"""Publish the task messages the outbox holds, e.g. from cron after a long broker outage:

    */5 * * * *  cd /srv/kemitraan && .venv/bin/python manage.py outbox_kirim

Exits with an error while the broker is still unavailable (cron mails it), and does nothing twice:
a row is sent once, even with a beat tick or a worker draining at the same time.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from outbox import services


class Command(BaseCommand):
    help = "Mengirim pesan tugas yang tertunda di outbox ke antrean (broker) Celery."

    def add_arguments(self, parser):
        parser.add_argument("--batas", type=int, default=500, help="Paling banyak sekian pesan per putaran.")
        parser.add_argument("--semua", action="store_true",
                            help="Juga pesan yang sedang menunggu jeda setelah gagal (bukan karena broker).")

    def handle(self, *args, batas: int, semua: bool, **options):
        total = 0
        while True:
            hasil = services.kirim_tertunda(batas=batas, semua=semua)
            total += hasil[services.TERKIRIM]
            if hasil[services.BROKER_MATI]:
                raise CommandError(
                    f"Broker tidak tersedia: {total} pesan terkirim, {hasil['tertunda']} masih tertunda."
                )
            if hasil[services.TERKIRIM] + hasil[services.GAGAL] < batas:
                break
        self.stdout.write(f"{total} pesan terkirim, {hasil['tertunda']} masih tertunda.")
