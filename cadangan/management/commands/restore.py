"""`manage.py restore DIR`: check a backup's checksums, then bring a fresh database and the files back from it."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cadangan.services import CadanganGagal, cadangan_pulihkan, db_dari_url


class Command(BaseCommand):
    help = ("Pulihkan cadangan dari `manage.py backup`: periksa checksum dulu (menolak bila tidak cocok), lalu "
            "pulihkan ke basis data BARU yang kosong (PostgreSQL: pg_restore --no-owner --exit-on-error; "
            "SQLite: salin) dan berkas privat; cetak jumlah baris dan bandingkan dengan manifest.")

    def add_arguments(self, parser):
        parser.add_argument("direktori", type=Path, help="Direktori cadangan (cadangan-YYYYmmddTHHMMSSZ).")
        parser.add_argument("--ke-database-url", "--database-url", dest="database_url", default=None,
                            help="Basis data tujuan (bawaan: DATABASE_URL aplikasi ini).")
        parser.add_argument("--ke-media", dest="media", type=Path, default=None,
                            help="Direktori tujuan berkas privat (bawaan: PRIVATE_MEDIA_ROOT).")
        parser.add_argument("--timpa", "--force", dest="timpa", action="store_true",
                            help="Izinkan menimpa basis data yang sudah berisi tabel / direktori berkas yang berisi.")
        parser.add_argument("--yes", action="store_true", help="Jangan minta konfirmasi.")

    def handle(self, *args, direktori, database_url=None, media=None, timpa=False, yes=False, **options):
        if not yes:
            nama = db_dari_url(database_url)["NAME"]
            if not sys.stdin.isatty():
                raise CommandError("Tambahkan --yes untuk memulihkan tanpa konfirmasi interaktif.")
            jawab = input(f"Pulihkan {direktori} ke basis data {nama}? Ketik 'ya' untuk lanjut: ")
            if jawab.strip().lower() != "ya":
                raise CommandError("Dibatalkan.")
        try:
            hasil = cadangan_pulihkan(direktori=direktori, database_url=database_url, media=media, timpa=timpa,
                                      lapor=self.stdout.write)
        except CadanganGagal as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{'tabel':<32} {'cadangan':>10} {'pulihan':>10}")
        for tabel, n in hasil.manifest["jumlah_baris"].items():
            self.stdout.write(f"{tabel:<32} {n:>10} {hasil.jumlah_baris.get(tabel, '-'):>10}")
        if hasil.media_lama:
            self.stdout.write(f"Berkas privat yang lama dipindahkan ke {hasil.media_lama} (hapus bila tidak perlu).")
        if hasil.selisih:
            for s in hasil.selisih:
                self.stderr.write(f"SELISIH {s}")
            raise CommandError("Hasil pulihan berbeda dengan manifest cadangan.", returncode=1)
        self.stdout.write("Pulihan selesai: jumlah baris" + (" dan checksum" if hasil.sidik_tabel else "")
                          + " tabel kunci sama dengan cadangan.")
