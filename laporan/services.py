"""Rendering downloads (the registry, the monthly and district reports) in Celery tasks, and the
approval of a month's report (which locks the month: laporan/kunci.py reads it)."""

from __future__ import annotations

import functools
import glob
import hashlib
import io
import logging
import os
import tempfile
import zoneinfo
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.models import Aksi
from audit.services import catat
from dukun.selectors import KelompokKelurahan, daftar_dukun
from laporan.models import (
    JENIS_KABUPATEN,
    AksiLaporan,
    CatatanLaporan,
    JenisUnduhan,
    LaporanBulanan,
    StatusLaporan,
    StatusUnduhan,
    Unduhan,
)
from laporan.periode import Periode
from puskesmas.models import Kabupaten, Puskesmas, Role, User

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
    # A writer killed mid-write (SIGKILL, out of memory: no `except` below ran) left its temporary file;
    # the retry that writes the same target removes it, so no partial file stays behind.
    prefix = f".tmp-{target.name}-"
    for stale in target.parent.glob(f"{glob.escape(prefix)}*"):
        stale.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=prefix, suffix=target.suffix)
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
    """Record a PDF request and, in the same transaction, its task (sent to the worker after commit)."""
    from laporan.tasks import enqueue_unduhan

    with transaction.atomic():
        unduhan = Unduhan.objects.create(
            jenis=JenisUnduhan.DAFTAR_DUKUN_PDF, puskesmas=puskesmas, diminta_oleh=user
        )
        enqueue_unduhan(unduhan.pk)
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
    unduhan = Unduhan.objects.select_related("puskesmas__kabupaten", "kabupaten", "diminta_oleh").get(pk=unduhan_id)
    try:
        content = _unduhan_bytes(unduhan)
        relative = f"unduhan/{unduhan.pk}/{unduhan.nama_berkas}"
        write_private_file(relative, content)
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


def _unduhan_bytes(unduhan: Unduhan) -> bytes:
    """The file of one download, whatever its kind (the report builders set language and zone themselves)."""
    from laporan import laporan_bulanan as lb

    jenis = unduhan.jenis
    if jenis == JenisUnduhan.DAFTAR_DUKUN_PDF:
        with translation.override("id"), timezone.override(zoneinfo.ZoneInfo(unduhan.puskesmas.zona_waktu)):
            context = _daftar_dukun_context(user=unduhan.diminta_oleh, puskesmas=unduhan.puskesmas)
            return render_pdf("laporan/daftar_dukun_pdf.html", context)
    periode = Periode.dari_kode(unduhan.periode)
    builders = {
        JenisUnduhan.LAPORAN_BULANAN_PDF: lambda: lb.pdf_bulanan(unduhan.puskesmas, periode),
        JenisUnduhan.LAPORAN_BULANAN_XLSX: lambda: lb.xlsx_bulanan(unduhan.puskesmas, periode),
        JenisUnduhan.LAPORAN_KABUPATEN_PDF: lambda: lb.pdf_kabupaten(unduhan.kabupaten, periode),
        JenisUnduhan.LAPORAN_KABUPATEN_XLSX: lambda: lb.xlsx_kabupaten(unduhan.kabupaten, periode),
        JenisUnduhan.LAPORAN_KABUPATEN_ZIP: lambda: lb.zip_kabupaten(unduhan.kabupaten, periode),
    }
    return builders[jenis]()


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


# --- The monitoring reports: who may, requests, downloads ------------------------------------------


def _aktif(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def boleh_lihat_laporan(user) -> bool:
    """The report pages are for those who review the programme; a bidan never has them (403)."""
    return _aktif(user) and (user.is_administrator or user.role in (
        Role.DINKES, Role.KEPALA_PUSKESMAS, Role.BIDAN_KOORDINATOR))


def boleh_lihat_kabupaten(user) -> bool:
    return _aktif(user) and (user.is_administrator or user.role == Role.DINKES)


def boleh_setujui(user, puskesmas: Puskesmas) -> bool:
    """Only the Kepala Puskesmas of that Puskesmas approves its month."""
    return _aktif(user) and user.role == Role.KEPALA_PUSKESMAS and user.puskesmas_id == puskesmas.pk


def boleh_buka(user, puskesmas: Puskesmas) -> bool:
    """The Kepala Puskesmas of that Puskesmas, Dinkes of its district (or an administrator) reopens a month."""
    if not _aktif(user):
        return False
    if user.is_administrator:
        return True
    if user.role == Role.DINKES:
        return user.kabupaten_id == puskesmas.kabupaten_id
    return boleh_setujui(user, puskesmas)


def catat_laporan(*, user: User, aksi: str, periode: str, berkas: str = "", puskesmas: Puskesmas | None = None,
                  kabupaten: Kabupaten | None = None, keterangan: str = "") -> CatatanLaporan:
    return CatatanLaporan.objects.create(
        aksi=aksi, oleh=user, periode=periode, berkas=berkas, puskesmas=puskesmas, kabupaten=kabupaten,
        keterangan=keterangan,
    )


def laporan_minta(*, user: User, jenis: str, periode: Periode, puskesmas: Puskesmas | None = None,
                  kabupaten: Kabupaten | None = None) -> Unduhan:
    """Record a report request (and log it), rendered by the worker once the row is committed."""
    from laporan.tasks import enqueue_unduhan

    if (jenis in JENIS_KABUPATEN) != (kabupaten is not None) or (puskesmas is None) == (kabupaten is None):
        raise ValueError("a Puskesmas report needs a Puskesmas, a district report a kabupaten")
    if jenis == JenisUnduhan.LAPORAN_KABUPATEN_ZIP and periode.jenis != "bulan":
        raise ValidationError(_("ZIP laporan Puskesmas hanya untuk satu bulan."), code="zip_bulan")
    with transaction.atomic():
        unduhan = Unduhan.objects.create(
            jenis=jenis, puskesmas=puskesmas, kabupaten=kabupaten, periode=periode.kode, diminta_oleh=user
        )
        catat_laporan(user=user, aksi=AksiLaporan.MINTA, periode=periode.kode, berkas=unduhan.ekstensi,
                      puskesmas=puskesmas, kabupaten=kabupaten, keterangan=unduhan.get_jenis_display())
        enqueue_unduhan(unduhan.pk)
    return unduhan


def catat_unduh(*, user: User, unduhan: Unduhan) -> None:
    """Log the download of a report file (the registry list is not a report and is not logged)."""
    if unduhan.laporan:
        catat_laporan(user=user, aksi=AksiLaporan.UNDUH, periode=unduhan.periode, berkas=unduhan.ekstensi,
                      puskesmas=unduhan.puskesmas, kabupaten=unduhan.kabupaten,
                      keterangan=unduhan.get_jenis_display())


def laporan_jadwal_buat(*, periode: Periode) -> dict:
    """The schedule's run: last month's PDF of every active Puskesmas, once each (idempotent).

    A row that exists is left alone unless it failed (then it is tried again); one Puskesmas failing
    never stops the others: each is its own task.
    """
    from laporan.tasks import enqueue_unduhan

    dibuat, diulang = [], []
    for pkm in Puskesmas.objects.filter(aktif=True).order_by("pk"):
        try:
            with transaction.atomic():
                unduhan, baru = Unduhan.objects.get_or_create(
                    jenis=JenisUnduhan.LAPORAN_BULANAN_PDF, puskesmas=pkm, periode=periode.kode,
                    diminta_oleh=None,
                )
                if baru:  # the row and its task are committed together (the outbox)
                    enqueue_unduhan(unduhan.pk)
        except IntegrityError:  # another run created it at the same moment
            continue
        if baru:
            dibuat.append(unduhan.pk)
        elif unduhan.status == StatusUnduhan.FAILED:
            with transaction.atomic():
                if Unduhan.objects.filter(pk=unduhan.pk, status=StatusUnduhan.FAILED).update(
                        status=StatusUnduhan.PENDING, pesan_galat="", selesai_pada=None):
                    enqueue_unduhan(unduhan.pk)
                    diulang.append(unduhan.pk)
    return {"dibuat": len(dibuat), "diulang": len(diulang)}


# --- Approval and reopening ----------------------------------------------------------------------


def laporan_setujui(*, user: User, puskesmas: Puskesmas, bulan: Periode) -> LaporanBulanan:
    """Approve (and so lock) a Puskesmas' month; the approved PDF is rendered after commit.

    Refused: another role or Puskesmas (PermissionDenied), a month not over yet, a month already approved.
    """
    from laporan.laporan_bulanan import bulan_berakhir
    from laporan.tasks import enqueue_laporan_disetujui

    if not boleh_setujui(user, puskesmas):
        raise PermissionDenied
    if bulan.jenis != "bulan":
        raise ValidationError(_("Yang disetujui adalah laporan satu bulan."), code="bukan_bulan")
    if not bulan_berakhir(bulan, puskesmas.zona):
        raise ValidationError(
            _("Laporan %(bulan)s belum dapat disetujui: bulan belum berakhir.") % {"bulan": bulan.label},
            code="bulan_belum_berakhir",
        )
    sudah = ValidationError(
        _("Laporan %(bulan)s sudah disetujui.") % {"bulan": bulan.label}, code="sudah_disetujui"
    )
    sekarang = timezone.now()
    try:
        with transaction.atomic():
            laporan = LaporanBulanan.objects.select_for_update().filter(puskesmas=puskesmas, bulan=bulan.mulai).first()
            if laporan is None:
                laporan = LaporanBulanan(puskesmas=puskesmas, bulan=bulan.mulai)
            elif laporan.status == StatusLaporan.DISETUJUI:
                raise sudah
            laporan.status = StatusLaporan.DISETUJUI
            laporan.disetujui_oleh = user
            laporan.disetujui_pada = sekarang
            # The new approval gets its own file; the earlier one stays on disk and in the history.
            laporan.berkas_pdf = ""
            laporan.checksum = ""
            laporan.nilai = {}
            laporan.full_clean()
            laporan.save()
            catat_laporan(user=user, aksi=AksiLaporan.SETUJUI, periode=bulan.kode, berkas="pdf",
                          puskesmas=puskesmas)
            catat(aksi=Aksi.PERSETUJUAN, pengguna=user, objek=laporan, keterangan=bulan.kode)
            enqueue_laporan_disetujui(laporan.pk)
    except IntegrityError:  # approved by a simultaneous request
        raise sudah from None
    return laporan


def laporan_buka(*, user: User, laporan: LaporanBulanan, alasan: str) -> LaporanBulanan:
    """Reopen an approved month (unlocks its records); the reason is required and logged."""
    if not boleh_buka(user, laporan.puskesmas):
        raise PermissionDenied
    alasan = (alasan or "").strip()
    if not alasan:
        raise ValidationError({"alasan": _("Alasan membuka kembali laporan wajib diisi.")}, code="alasan_wajib")
    periode = Periode.berisi(laporan.bulan)
    with transaction.atomic():
        laporan = LaporanBulanan.objects.select_for_update().select_related("puskesmas").get(pk=laporan.pk)
        if laporan.status != StatusLaporan.DISETUJUI:
            raise ValidationError(
                _("Laporan %(bulan)s tidak sedang disetujui.") % {"bulan": periode.label}, code="tidak_disetujui"
            )
        laporan.status = StatusLaporan.DIBUKA
        laporan.dibuka_oleh = user
        laporan.dibuka_pada = timezone.now()
        laporan.alasan_dibuka = alasan
        laporan.full_clean()
        laporan.save()
        catat_laporan(user=user, aksi=AksiLaporan.BUKA, periode=periode.kode, puskesmas=laporan.puskesmas,
                      keterangan=alasan)
        catat(aksi=Aksi.BUKA_KUNCI, pengguna=user, objek=laporan, keterangan=periode.kode)  # not the reason
    return laporan


def berkas_disetujui(laporan: LaporanBulanan) -> str:
    """Where one approval's PDF lives: named by the approval's time, so a retry rewrites the same file and a
    later approval never overwrites an earlier one."""
    from django.utils.text import slugify

    return (f"laporan-bulanan/{laporan.puskesmas_id}/{laporan.bulan:%Y-%m}/"
            f"laporan-bulanan-{slugify(laporan.puskesmas.kode)}-{laporan.bulan:%Y-%m}-disetujui-"
            f"{laporan.disetujui_pada:%Y%m%dT%H%M%S%f}.pdf")


def laporan_disetujui_render(laporan_id: int) -> bool:
    """Render and store the approved PDF with its values and checksum. Idempotent and safe to retry:
    the file is written atomically under a name fixed by the approval, and the row is only completed
    if it is still that approval (a reopening meanwhile leaves it alone). Returns whether it stored."""
    from laporan.laporan_bulanan import pdf_bulanan_dengan_hasil

    laporan = (LaporanBulanan.objects.select_related("puskesmas__kabupaten", "disetujui_oleh", "dibuka_oleh")
               .filter(pk=laporan_id).first())
    if laporan is None or laporan.status != StatusLaporan.DISETUJUI or laporan.checksum:
        return False
    periode = Periode.berisi(laporan.bulan)
    pdf, hasil = pdf_bulanan_dengan_hasil(laporan.puskesmas, periode, laporan=laporan)
    relative = berkas_disetujui(laporan)
    write_private_file(relative, pdf)
    with transaction.atomic():
        current = LaporanBulanan.objects.select_for_update().filter(
            pk=laporan.pk, status=StatusLaporan.DISETUJUI, disetujui_pada=laporan.disetujui_pada, checksum=""
        ).first()
        if current is None:
            return False
        current.berkas_pdf = relative
        # The values as the PDF shows them, so an approved month keeps its figures.
        current.nilai = {kode: n.as_json() for kode, n in hasil.total.items()}
        current.checksum = hashlib.sha256(pdf).hexdigest()
        current.save(update_fields=["berkas_pdf", "nilai", "checksum"])
    return True
