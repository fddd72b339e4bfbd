from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kia.importer import PERSALINAN_KOLOM, PERSALINAN_OPSIONAL, BerkasTidakValid, baca_persalinan, impor_persalinan
from puskesmas.models import User


class Command(BaseCommand):
    help = (
        "Impor register persalinan (satu baris per bayi) dari CSV/XLSX berkolom "
        + ", ".join(PERSALINAN_KOLOM)
        + "; kolom tambahan yang dikenal: "
        + ", ".join(PERSALINAN_OPSIONAL)
        + ". Semua atau tidak sama sekali; idempoten pada id_eksternal."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--user", help="Nama pengguna pengimpor: dicatat sebagai pencatat, dan hanya wilayahnya yang boleh diimpor."
        )
        parser.add_argument("--periksa", action="store_true", help="Hanya periksa berkas; tidak ada yang disimpan.")

    def handle(self, *args, file: Path, user: str | None, periksa: bool, **options):
        oleh = None
        if user:
            oleh = User.objects.filter(username=user, is_active=True).first()
            if oleh is None:
                raise CommandError(f"Pengguna aktif tidak ditemukan: {user}")
        if not file.is_file():
            raise CommandError(f"Berkas tidak ditemukan: {file}")
        try:
            with file.open("rb") as fh:
                table, opsional = baca_persalinan(fh, file.name)
        except BerkasTidakValid as exc:
            raise CommandError(str(exc)) from exc
        result = impor_persalinan(table, opsional=opsional, oleh=oleh, periksa_saja=periksa)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(result.errors)} kesalahan; tidak ada data yang disimpan.")
        self.stdout.write(self.style.SUCCESS(result.ringkasan()))
