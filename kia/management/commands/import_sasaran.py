from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kia.importer import SASARAN_KOLOM, BerkasTidakValid, baca_sasaran, impor_sasaran
from puskesmas.models import User


class Command(BaseCommand):
    help = (
        "Impor sasaran tahunan per kelurahan/desa dari CSV/XLSX berkolom "
        + ", ".join(SASARAN_KOLOM)
        + ". Semua atau tidak sama sekali; idempoten."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", help="Nama pengguna pengimpor: hanya kelurahan yang sasarannya boleh ia ubah.")

    def handle(self, *args, file: Path, user: str | None, **options):
        oleh = None
        if user:
            oleh = User.objects.filter(username=user, is_active=True).first()
            if oleh is None:
                raise CommandError(f"Pengguna aktif tidak ditemukan: {user}")
        if not file.is_file():
            raise CommandError(f"Berkas tidak ditemukan: {file}")
        try:
            with file.open("rb") as fh:
                table = baca_sasaran(fh, file.name)
        except BerkasTidakValid as exc:
            raise CommandError(str(exc)) from exc
        result = impor_sasaran(table, oleh=oleh)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(result.errors)} kesalahan; tidak ada data yang disimpan.")
        self.stdout.write(self.style.SUCCESS(result.ringkasan()))
