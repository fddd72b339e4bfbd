from django.core.management.base import BaseCommand, CommandError

from skala.generator import GalatSkala, bangun, hapus


class Command(BaseCommand):
    help = (
        "Membangun data sintetis seukuran provinsi di atas wilayah Kemendagri yang sudah dimuat (load_wilayah): "
        "Puskesmas berkode SKL- dengan wilayah kerjanya, fasilitas, bidan, dukun, kemitraan, lima tahun pertemuan, "
        "tindak lanjut, dana, rujukan, persalinan dan bayi. Skala 1 ≈ 1.100 Puskesmas dan 4–5 juta persalinan; "
        "0,1 sepersepuluhnya. Ditulis secara massal (COPY di PostgreSQL) TANPA catatan riwayat (simple_history) dan "
        "tanpa sinyal; NIK ibu dikosongkan. Menolak berjalan bila data sintetis sudah ada, kecuali dengan --hapus."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, help="1 = provinsi besar (≈1.100 Puskesmas), 0.1 = sepersepuluh; "
                                                        "pecahan kecil (0.001) untuk uji.")
        parser.add_argument("--seed", type=int, default=1, help="Benih acak: seed yang sama, data yang sama.")
        parser.add_argument("--provinsi", default="32", help="Kode provinsi (bawaan 32, Jawa Barat).")
        parser.add_argument("--tahun-akhir", type=int, dest="tahun_akhir",
                            help="Tahun penuh terakhir (bawaan: tahun lalu, ditambah bulan-bulan tahun ini).")
        parser.add_argument("--hapus", action="store_true",
                            help="Hapus data sintetis sebelumnya (Puskesmas SKL- dan semua turunannya) lebih dulu.")
        parser.add_argument("--hanya-hapus", action="store_true", dest="hanya_hapus",
                            help="Hanya menghapus data sintetis, tanpa membangun ulang.")

    def handle(self, *args, scale=None, seed=1, provinsi="32", tahun_akhir=None, **options):
        if options["hapus"] or options["hanya_hapus"]:
            for model, n in sorted(hapus(log=self.stdout.write).items()):
                self.stdout.write(f"  {model}: {n}")
            if options["hanya_hapus"]:
                return
        if scale is None:
            raise CommandError("Isi --scale, misalnya --scale 0.1.")
        try:
            jumlah = bangun(skala=scale, seed=seed, provinsi=provinsi, tahun_akhir=tahun_akhir, log=self.stdout.write)
        except GalatSkala as exc:
            raise CommandError(str(exc)) from exc
        for model, n in sorted(jumlah.items()):
            self.stdout.write(f"  {model}: {n:,}".replace(",", "."))
        self.stdout.write(self.style.SUCCESS(f"Data sintetis skala {scale} (seed {seed}) selesai dibangun."))
