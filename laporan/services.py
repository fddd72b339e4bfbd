"""Rendering downloads: the registry as PDF (WeasyPrint, in a Celery task) and XLSX (openpyxl)."""

from __future__ import annotations

import functools
import io
import logging
import os
import tempfile
import zoneinfo
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dukun.selectors import KelompokKelurahan, daftar_dukun
from laporan.models import JenisUnduhan, StatusUnduhan, Unduhan
from puskesmas.models import Puskesmas, User

logger = logging.getLogger(__name__)

PDF_CSS_PATH = Path(__file__).resolve().parent / "pdf.css"


@functools.cache
def pdf_stylesheet():
    """Parsed once per process: re-parsing CSS for every report costs more than rendering it."""
    import weasyprint

    return weasyprint.CSS(filename=str(PDF_CSS_PATH))


def render_pdf(template: str, context: dict) -> bytes:
    import weasyprint

    html = render_to_string(template, context)
    return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(stylesheets=[pdf_stylesheet()])


def write_private_file(relative: str, content: bytes) -> Path:
    """Write to a temporary file beside the target, then rename: a half-written file is never visible."""
    target = Path(settings.PRIVATE_MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=target.suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def _daftar_dukun_context(*, user: User, puskesmas: Puskesmas) -> dict:
    groups = daftar_dukun(user=user, puskesmas=puskesmas)
    return {
        "puskesmas": puskesmas,
        "groups": groups,
        "total": {
            "jumlah": sum(g.jumlah for g in groups),
            "aktif": sum(g.aktif for g in groups),
            "bisa_baca_tulis": sum(g.bisa_baca_tulis for g in groups),
            "dikenal_bidan": sum(g.dikenal_bidan for g in groups),
        },
        "dicetak_pada": timezone.now(),
        "dicetak_oleh": user,
    }


def unduhan_request(*, user: User, puskesmas: Puskesmas) -> Unduhan:
    """Record a PDF request and hand it to the worker once the row is committed."""
    from laporan.tasks import enqueue_unduhan

    unduhan = Unduhan.objects.create(jenis=JenisUnduhan.DAFTAR_DUKUN_PDF, puskesmas=puskesmas, diminta_oleh=user)
    transaction.on_commit(functools.partial(enqueue_unduhan, unduhan.pk))
    return unduhan


def unduhan_render(unduhan_id: int, *, retry_on: tuple[type[Exception], ...] = ()) -> None:
    """Render one requested download. Idempotent: a finished one is left alone, a retried one redone.

    An error of a type in `retry_on` leaves the row claimed (processing), for the caller's retry to
    render it again; any other error marks it failed.
    """
    claimed = Unduhan.objects.filter(
        pk=unduhan_id, status__in=[StatusUnduhan.PENDING, StatusUnduhan.PROCESSING]
    ).update(status=StatusUnduhan.PROCESSING)
    if not claimed:
        return
    unduhan = Unduhan.objects.select_related("puskesmas", "diminta_oleh").get(pk=unduhan_id)
    try:
        with translation.override("id"), timezone.override(zoneinfo.ZoneInfo(unduhan.puskesmas.zona_waktu)):
            context = _daftar_dukun_context(user=unduhan.diminta_oleh, puskesmas=unduhan.puskesmas)
            pdf = render_pdf("laporan/daftar_dukun_pdf.html", context)
        relative = f"unduhan/{unduhan.pk}/{unduhan.nama_berkas}"
        write_private_file(relative, pdf)
    except Exception as exc:
        if isinstance(exc, retry_on):
            logger.warning("Rendering unduhan %s failed, to be retried: %r", unduhan_id, exc)
            raise
        logger.exception("Rendering unduhan %s failed", unduhan_id)
        Unduhan.objects.filter(pk=unduhan_id).update(
            status=StatusUnduhan.FAILED, pesan_galat=f"{type(exc).__name__}", selesai_pada=timezone.now()
        )
        raise
    Unduhan.objects.filter(pk=unduhan_id).update(
        status=StatusUnduhan.COMPLETE, berkas=relative, selesai_pada=timezone.now(), pesan_galat=""
    )


def daftar_dukun_xlsx(*, user: User, puskesmas: Puskesmas) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    context = _daftar_dukun_context(user=user, puskesmas=puskesmas)
    groups: list[KelompokKelurahan] = context["groups"]
    wb = Workbook()
    ws = wb.active
    ws.title = _("Daftar dukun")[:31]  # Excel's limit for a sheet name
    bold = Font(bold=True)
    ws.append([_("Daftar dukun bayi — %(puskesmas)s") % {"puskesmas": puskesmas}])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([_("Kabupaten/kota: %(kab)s") % {"kab": puskesmas.kabupaten}])
    ws.append([])

    ws.append([_("Ringkasan per kelurahan/desa")])
    ws.cell(row=ws.max_row, column=1).font = bold
    ws.append([_("Kode"), _("Kelurahan/desa"), _("Jumlah dukun"), _("Aktif menolong"), _("Bisa baca tulis"),
               _("Dikenal bidan")])
    for cell in ws[ws.max_row]:
        cell.font = bold
    for g in groups:
        ws.append([g.kode, g.nama, g.jumlah, g.aktif, g.bisa_baca_tulis, g.dikenal_bidan])
    t = context["total"]
    ws.append(["", _("Jumlah"), t["jumlah"], t["aktif"], t["bisa_baca_tulis"], t["dikenal_bidan"]])
    for cell in ws[ws.max_row]:
        cell.font = bold
    ws.append([])

    header = [_("Kelurahan/desa"), _("Nama"), _("Nama panggilan"), _("Tahun lahir"), _("Alamat"), _("RT"), _("RW"),
              _("Telepon"), _("Bisa baca tulis"), _("Lama praktik (tahun)"), _("Status"), _("Tanggal status"),
              _("Dikenal oleh bidan"), _("Lintang"), _("Bujur")]
    ws.append(header)
    header_row = ws.max_row
    fill = PatternFill("solid", fgColor="E9EEF3")
    for cell in ws[header_row]:
        cell.font = bold
        cell.fill = fill
    ya, tidak = _("Ya"), _("Tidak")
    for g in groups:
        for d in g.dukun:
            ws.append([
                g.nama, d.nama, d.nama_panggilan, d.tahun_lahir, d.alamat, d.rt, d.rw, d.telepon,
                ya if d.bisa_baca_tulis else tidak, d.lama_praktik_tahun, d.get_status_display(), d.status_sejak,
                ", ".join(b.nama for b in d.dikenal_oleh.all()),
                float(d.latitude) if d.latitude is not None else None,
                float(d.longitude) if d.longitude is not None else None,
            ])
            ws.cell(row=ws.max_row, column=12).number_format = "DD/MM/YYYY"
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    widths = (22, 28, 16, 11, 30, 6, 6, 16, 14, 12, 20, 14, 36, 11, 11)
    for column, width in zip("ABCDEFGHIJKLMNO", widths, strict=True):
        ws.column_dimensions[column].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
