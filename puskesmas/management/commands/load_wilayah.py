from django.core.management.base import BaseCommand, CommandError

from puskesmas.wilayah import DATA_VERSION, load_wilayah


class Command(BaseCommand):
    help = "Memuat daftar wilayah Kemendagri (provinsi → kelurahan/desa) dari idn-area-data. Idempoten."

    def add_arguments(self, parser):
        parser.add_argument(
            "--provinsi", help="Kode dua digit satu provinsi, misalnya 15 (Jambi). Tanpa ini: seluruh Indonesia."
        )

    def handle(self, *args, provinsi=None, **options):
        try:
            result = load_wilayah(provinsi=provinsi)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for level in ("provinsi", "kabupaten", "kecamatan", "kelurahan"):
            self.stdout.write(
                f"{level}: {result.created[level]} baru, {result.updated[level]} diperbarui"
            )
        state = "selesai" if result.changed else "tidak ada perubahan"
        self.stdout.write(self.style.SUCCESS(f"Wilayah idn-area-data {DATA_VERSION}: {state}."))
