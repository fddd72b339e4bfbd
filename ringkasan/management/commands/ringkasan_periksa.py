"""Compare the monthly summary with a recomputation from the raw records; with --perbaiki, rewrite what differs."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from ringkasan.services import cari_selisih, ringkasan_bangun_ulang, ringkasan_hitung_ulang


class Command(BaseCommand):
    help = ("Hitung ulang ringkasan bulanan dari data mentah (GROUP BY di basis data), bandingkan dengan yang "
            "tersimpan dan laporkan setiap selisih (sel, kolom, tersimpan, hitung ulang). Kode keluar 1 bila ada "
            "selisih. --perbaiki menulis ulang sel yang berbeda; --bangun-ulang membangun seluruhnya dari awal "
            "(pemasangan pertama).")

    def add_arguments(self, parser):
        parser.add_argument("--perbaiki", action="store_true", help="Tulis ulang sel yang berbeda.")
        parser.add_argument("--bangun-ulang", action="store_true", help="Bangun ulang seluruh ringkasan.")
        parser.add_argument("--puskesmas", type=int, action="append", help="Hanya Puskesmas ini (id; boleh berulang).")

    def handle(self, *args, perbaiki=False, bangun_ulang=False, puskesmas=None, **options):
        if bangun_ulang:
            n = ringkasan_bangun_ulang(puskesmas)
            self.stdout.write(f"Ringkasan dibangun ulang: {n} sel.")
        selisih = cari_selisih(puskesmas)
        for (pkm, kel, bulan), kolom, tersimpan, dihitung in selisih:
            self.stdout.write(f"puskesmas={pkm} kelurahan={kel} bulan={bulan:%Y-%m} {kolom}: "
                              f"tersimpan={tersimpan} hitung_ulang={dihitung}")
        sel = {s for s, _k, _a, _b in selisih}
        if not selisih:
            self.stdout.write("Ringkasan sama dengan data mentah: tidak ada selisih.")
            return
        self.stdout.write(f"{len(selisih)} selisih di {len(sel)} sel.")
        if not perbaiki:
            raise CommandError("Ringkasan berbeda dengan data mentah.", returncode=1)
        ringkasan_hitung_ulang(sel)
        sisa = cari_selisih(puskesmas)
        self.stdout.write(f"{len(sel)} sel ditulis ulang; sisa selisih: {len(sisa)}.")
        if sisa:
            raise CommandError("Ringkasan masih berbeda setelah diperbaiki.", returncode=1)
