"""Render the monthly report of a Puskesmas or the district report from the command line.

    python manage.py laporan_bulanan --puskesmas P1571010201 --bulan 2026-11 --out laporan.pdf
    python manage.py laporan_bulanan --kabupaten 15.71 --tahun 2026 [--bulan 11] --out kota.xlsx

The same builders as the Celery task (the same PDF); a FILE ending in .xlsx gets the XLSX.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from laporan import laporan_bulanan as lb
from laporan.periode import Periode, PeriodeTidakValid
from puskesmas.models import Kabupaten, Puskesmas


class Command(BaseCommand):
    help = "Membuat laporan bulanan Puskesmas atau laporan kabupaten/kota sebagai PDF (atau XLSX)."

    def add_arguments(self, parser):
        parser.add_argument("--puskesmas", metavar="KODE", help="Kode Puskesmas.")
        parser.add_argument("--kabupaten", metavar="KODE", help="Kode kabupaten/kota, misalnya 15.71.")
        parser.add_argument("--tahun", metavar="YYYY", help="Tahun laporan kabupaten/kota.")
        parser.add_argument("--bulan", metavar="YYYY-MM|MM",
                            help="Bulan: YYYY-MM untuk Puskesmas; MM (atau YYYY-MM) untuk kabupaten/kota.")
        parser.add_argument("--out", metavar="FILE", required=True, help="Berkas keluaran (.pdf atau .xlsx).")

    def handle(self, *args, puskesmas, kabupaten, tahun, bulan, out, **options):
        keluaran = Path(out)
        if keluaran.suffix.lower() not in (".pdf", ".xlsx"):
            raise CommandError("Berkas keluaran harus berakhiran .pdf atau .xlsx.")
        if bool(puskesmas) == bool(kabupaten):
            raise CommandError("Pilih salah satu: --puskesmas KODE atau --kabupaten KODE.")
        xlsx = keluaran.suffix.lower() == ".xlsx"
        if puskesmas:
            if tahun:
                raise CommandError("--tahun hanya untuk laporan kabupaten/kota; untuk Puskesmas pakai --bulan YYYY-MM.")
            periode = self._bulan(bulan)
            pkm = Puskesmas.objects.select_related("kabupaten").filter(kode=puskesmas).first()
            if pkm is None:
                raise CommandError(f"Puskesmas dengan kode {puskesmas!r} tidak ditemukan.")
            isi = lb.xlsx_bulanan(pkm, periode) if xlsx else lb.pdf_bulanan(pkm, periode)
        else:
            periode = self._periode_kabupaten(tahun, bulan)
            kab = Kabupaten.objects.filter(kode=kabupaten).first()
            if kab is None:
                raise CommandError(f"Kabupaten/kota dengan kode {kabupaten!r} tidak ditemukan.")
            isi = lb.xlsx_kabupaten(kab, periode) if xlsx else lb.pdf_kabupaten(kab, periode)
        self._tulis(keluaran, isi)
        self.stdout.write(f"{keluaran} ({len(isi):,} bytes)".replace(",", "."))

    @staticmethod
    def _bulan(bulan: str | None) -> Periode:
        if not bulan:
            raise CommandError("--bulan YYYY-MM wajib untuk laporan Puskesmas, misalnya --bulan 2026-11.")
        try:
            periode = Periode.dari_kode(bulan)
        except PeriodeTidakValid:
            periode = None
        if periode is None or periode.jenis != "bulan":
            raise CommandError(f"Bulan {bulan!r} tidak dikenal: gunakan bentuk YYYY-MM, misalnya 2026-11.")
        return periode

    def _periode_kabupaten(self, tahun: str | None, bulan: str | None) -> Periode:
        if not tahun or not tahun.isdigit() or len(tahun) != 4:
            raise CommandError("--tahun YYYY wajib untuk laporan kabupaten/kota, misalnya --tahun 2026.")
        if not bulan:
            try:
                return Periode.tahun(int(tahun))
            except PeriodeTidakValid as exc:
                raise CommandError(str(exc)) from None
        if "-" in bulan:
            periode = self._bulan(bulan)
            if periode.mulai.year != int(tahun):
                raise CommandError(f"Bulan {bulan} tidak berada di tahun {tahun}.")
            return periode
        if not bulan.isdigit() or not 1 <= int(bulan) <= 12:
            raise CommandError(f"Bulan {bulan!r} tidak dikenal: gunakan 1–12 (atau YYYY-MM).")
        try:
            return Periode.bulan(int(tahun), int(bulan))
        except PeriodeTidakValid as exc:
            raise CommandError(str(exc)) from None

    @staticmethod
    def _tulis(keluaran: Path, isi: bytes) -> None:
        """Atomic: a half-written file never appears under the asked name."""
        folder = keluaran.resolve().parent
        if not folder.is_dir():
            raise CommandError(f"Folder {folder} tidak ada.")
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=keluaran.suffix)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(isi)
            os.replace(tmp, keluaran)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
