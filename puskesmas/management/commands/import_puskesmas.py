from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from puskesmas.importer import PUSKESMAS_COLUMNS, BerkasTidakValid, import_puskesmas, read_table


class Command(BaseCommand):
    help = (
        "Impor Puskesmas dan wilayah kerjanya dari CSV/XLSX berkolom "
        + ", ".join(PUSKESMAS_COLUMNS)
        + ". Semua atau tidak sama sekali; idempoten."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"Berkas tidak ditemukan: {file}")
        try:
            with file.open("rb") as fh:
                table = read_table(fh, file.name, PUSKESMAS_COLUMNS)
        except BerkasTidakValid as exc:
            raise CommandError(str(exc)) from exc
        result = import_puskesmas(table)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(result.errors)} kesalahan; tidak ada data yang disimpan.")
        self.stdout.write(self.style.SUCCESS(
            f"{result.rows} baris: {result.puskesmas_created} Puskesmas baru, "
            f"{result.puskesmas_updated} diperbarui, {result.kelurahan_added} kelurahan ditambahkan ke wilayah kerja."
        ))
