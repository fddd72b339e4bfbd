"""`manage.py backup`: a consistent, compressed copy of the database and the private files, with checksums."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cadangan.services import CadanganGagal, cadangan_buat


class Command(BaseCommand):
    help = ("Cadangkan basis data (PostgreSQL: pg_dump --format=custom; SQLite: backup API + gzip) dan berkas "
            "privat (tar.gz) ke subdirektori baru bertanda waktu, dengan manifest.json dan SHA256SUMS. "
            "Ditulis ke direktori sementara lalu di-rename: cadangan yang terputus tidak pernah tampak lengkap.")

    def add_arguments(self, parser):
        parser.add_argument("--ke", "--output", dest="ke", type=Path, default=None,
                            help="Direktori induk cadangan (bawaan: CADANGAN_DIR).")
        parser.add_argument("--simpan", type=int, default=0,
                            help="Simpan hanya N cadangan terbaru di direktori itu; yang lebih lama dihapus.")

    def handle(self, *args, ke=None, simpan=0, **options):
        if simpan < 0:
            raise CommandError("--simpan harus 0 atau lebih.")
        lapor = self.stdout.write if options["verbosity"] > 1 else (lambda _pesan: None)
        try:
            hasil = cadangan_buat(ke=ke or Path(settings.CADANGAN_DIR), simpan=simpan, lapor=lapor)
        except CadanganGagal as exc:
            raise CommandError(f"Cadangan GAGAL: {exc}") from exc
        m = hasil.manifest
        self.stdout.write(f"Cadangan selesai: {hasil.direktori}")
        for nama, info in m["berkas"].items():
            self.stdout.write(f"  {nama}: {info['ukuran']} byte, sha256 {info['sha256']}")
        self.stdout.write("  " + ", ".join(f"{t}={n}" for t, n in m["jumlah_baris"].items()))
        for path in hasil.dihapus:
            self.stdout.write(f"Dihapus (rotasi): {path}")
