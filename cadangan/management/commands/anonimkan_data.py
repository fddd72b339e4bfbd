"""`manage.py anonimkan_data`: anonymise the personal data of mothers past the retention period."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cadangan.retensi import ANONIM, batas_retensi, data_pribadi_anonimkan

TAMPIL_ID = 50


class Command(BaseCommand):
    help = ("Anonimkan data pribadi ibu yang aktivitas terakhirnya (didata, kehamilan, rujukan, persalinan, "
            "perubahan data ibu) sebelum 1 Januari tahun batas: nama, NIK, alamat, RT/RW, telepon, tanggal lahir "
            "(tinggal tahunnya), juga di riwayat perubahan dan catatan bebas. Kehamilan, rujukan, persalinan, bayi "
            "dan indikator tetap. Bawaan: tahun ini dikurangi RETENSI_DATA_PRIBADI_TAHUN.")

    def add_arguments(self, parser):
        parser.add_argument("--sebelum-tahun", type=int, default=None,
                            help="Anonimkan ibu tanpa aktivitas sejak 1 Januari tahun ini.")
        parser.add_argument("--dry-run", action="store_true", help="Hitung saja; tidak mengubah apa pun.")

    def handle(self, *args, sebelum_tahun=None, dry_run=False, **options):
        tahun_ini = timezone.localdate().year
        if sebelum_tahun is not None and not 1900 < sebelum_tahun <= tahun_ini:
            raise CommandError(f"--sebelum-tahun harus antara 1901 dan {tahun_ini}.")
        batas = batas_retensi(sebelum_tahun=sebelum_tahun)
        sumber = "--sebelum-tahun" if sebelum_tahun is not None else (
            f"RETENSI_DATA_PRIBADI_TAHUN={settings.RETENSI_DATA_PRIBADI_TAHUN}")
        hasil = data_pribadi_anonimkan(batas=batas, uji_coba=dry_run)
        awal = "UJI COBA (tidak ada yang diubah): akan " if dry_run else ""
        self.stdout.write(f"Batas retensi: aktivitas terakhir sebelum {batas:%d-%m-%Y} ({sumber}).")
        self.stdout.write(f"Ibu lewat masa retensi: {hasil.lewat_retensi}.")
        self.stdout.write(
            f"{awal}dianonimkan: {hasil.ibu} ibu (nama menjadi '{ANONIM}<id>'), {hasil.riwayat} baris riwayat, "
            f"{hasil.teks} isian catatan bebas."
        )
        if hasil.ibu_ids:
            ids = ", ".join(str(i) for i in hasil.ibu_ids[:TAMPIL_ID])
            lagi = f" … dan {len(hasil.ibu_ids) - TAMPIL_ID} lagi" if len(hasil.ibu_ids) > TAMPIL_ID else ""
            self.stdout.write(f"id ibu: {ids}{lagi}")
        elif not dry_run:
            self.stdout.write("Tidak ada yang perlu dianonimkan lagi.")
