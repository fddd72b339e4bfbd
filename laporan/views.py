from __future__ import annotations

import datetime as dt
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from audit.models import Aksi
from audit.services import catat
from kemitraan.forms_pertemuan import GalatLayananMixin
from laporan import services
from laporan.laporan_bulanan import zona_kabupaten
from laporan.models import (
    AksiLaporan,
    CatatanLaporan,
    JenisUnduhan,
    LaporanBulanan,
    StatusLaporan,
    StatusUnduhan,
    Unduhan,
    kabupaten_laporan,
)
from laporan.periode import Periode, PeriodeTidakValid, bulan_lalu, dua_belas_bulan_sampai
from laporan.services import daftar_dukun_xlsx, unduhan_request
from puskesmas import access
from puskesmas.models import Puskesmas

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _puskesmas_from(request, source) -> Puskesmas:
    return access.get_in_scope(Puskesmas.objects.visible_to(request.user).select_related("kabupaten"),
                               source.get("puskesmas"))


@login_required
def daftar_dukun_excel(request):
    puskesmas = _puskesmas_from(request, request.GET)
    content = daftar_dukun_xlsx(user=request.user, puskesmas=puskesmas)
    response = HttpResponse(content, content_type=XLSX_TYPE)
    filename = f"daftar-dukun-{puskesmas.kode}-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    catat(aksi=Aksi.EKSPOR, request=request, objek=puskesmas, keterangan="daftar_dukun_xlsx")
    return response


@login_required
@require_POST
def daftar_dukun_pdf(request):
    puskesmas = _puskesmas_from(request, request.POST)
    unduhan = unduhan_request(user=request.user, puskesmas=puskesmas)
    return redirect("laporan:unduhan_detail", pk=unduhan.pk)


@login_required
def unduhan_list(request):
    unduhan = Unduhan.objects.visible_to(request.user).select_related("puskesmas", "kabupaten")[:20]
    return render(request, "laporan/unduhan_list.html", {"unduhan_list": unduhan})


@login_required
def unduhan_detail(request, pk):
    unduhan = access.get_in_scope(Unduhan.objects.visible_to(request.user).select_related("puskesmas", "kabupaten"), pk)
    template = "laporan/partials/unduhan_status.html" if request.htmx else "laporan/unduhan_detail.html"
    return render(request, template, {"unduhan": unduhan})


@login_required
def unduhan_file(request, pk):
    unduhan = access.get_in_scope(Unduhan.objects.visible_to(request.user).select_related("puskesmas", "kabupaten"), pk)
    if not unduhan.selesai:
        raise Http404
    response = _berkas_privat(unduhan.berkas, unduhan.nama_berkas, unduhan.content_type)
    services.catat_unduh(user=request.user, unduhan=unduhan)
    catat(aksi=Aksi.UNDUH_LAPORAN if unduhan.laporan else Aksi.EKSPOR, request=request, objek=unduhan,
          keterangan=unduhan.jenis)
    return response


def _berkas_privat(relative: str, filename: str, content_type: str) -> FileResponse:
    """A finished private file as an attachment; 404 when missing or outside the private root."""
    root = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    path = (root / relative).resolve()
    if not relative or not path.is_relative_to(root) or not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=filename, content_type=content_type)


# --- The monthly report of a Puskesmas -------------------------------------------------------------

FORMAT_BULANAN = {"pdf": JenisUnduhan.LAPORAN_BULANAN_PDF, "xlsx": JenisUnduhan.LAPORAN_BULANAN_XLSX}
FORMAT_KABUPATEN = {
    "pdf": JenisUnduhan.LAPORAN_KABUPATEN_PDF, "xlsx": JenisUnduhan.LAPORAN_KABUPATEN_XLSX,
    "zip": JenisUnduhan.LAPORAN_KABUPATEN_ZIP,
}


def _wajib_peninjau(user) -> None:
    """Report pages are for reviewers: a role that may never see them gets 403, whatever the id."""
    if not services.boleh_lihat_laporan(user):
        raise PermissionDenied


def _puskesmas_laporan(request, pk) -> Puskesmas:
    _wajib_peninjau(request.user)
    return access.get_in_scope(Puskesmas.objects.visible_to(request.user).select_related("kabupaten"), pk)


def _bulan(kode: str) -> Periode:
    try:
        periode = Periode.dari_kode(kode)
    except PeriodeTidakValid:
        raise Http404 from None
    if periode.jenis != "bulan":
        raise Http404
    return periode


def _ke_halaman_bulanan(puskesmas: Puskesmas):
    return redirect(f"{reverse('laporan:bulanan')}?puskesmas={puskesmas.pk}")


@login_required
def bulanan(request):
    """The last twelve months of a Puskesmas: approval state, render, approve, reopen, download."""
    _wajib_peninjau(request.user)
    pilihan = Puskesmas.objects.visible_to(request.user).select_related("kabupaten").order_by("nama")
    pk = request.GET.get("puskesmas") or request.user.puskesmas_id
    if not pk:
        pertama = pilihan.first()
        if pertama is None:
            raise Http404
        pk = pertama.pk
    puskesmas = access.get_in_scope(pilihan, pk)
    terakhir = bulan_lalu(timezone.localtime(timezone.now(), puskesmas.zona).date())
    bulan = dua_belas_bulan_sampai(terakhir)[::-1]
    laporan = {
        lap.bulan: lap
        for lap in LaporanBulanan.objects.filter(puskesmas=puskesmas, bulan__in=[b.mulai for b in bulan])
        .select_related("disetujui_oleh", "dibuka_oleh")
    }
    # Each approval's stored file, newest first (reopened months keep theirs).
    versi: dict[dt.date, list] = {}
    seen = set()
    for h in (LaporanBulanan.history.filter(puskesmas_id=puskesmas.pk, bulan__in=[b.mulai for b in bulan])
              .exclude(checksum="").select_related("disetujui_oleh").order_by("-history_date")):
        if h.berkas_pdf not in seen:
            seen.add(h.berkas_pdf)
            versi.setdefault(h.bulan, []).append(h)
    jadwal = {
        u.periode: u
        for u in Unduhan.objects.filter(diminta_oleh__isnull=True, jenis=JenisUnduhan.LAPORAN_BULANAN_PDF,
                                        puskesmas=puskesmas, periode__in=[b.kode for b in bulan],
                                        status=StatusUnduhan.COMPLETE)
    }
    user = request.user
    setujui, buka = services.boleh_setujui(user, puskesmas), services.boleh_buka(user, puskesmas)
    baris = []
    for b in bulan:
        lap = laporan.get(b.mulai)
        terkunci = lap is not None and lap.terkunci
        baris.append({
            "periode": b, "laporan": lap, "versi": versi.get(b.mulai, []), "jadwal": jadwal.get(b.kode),
            "boleh_setujui": setujui and not terkunci, "boleh_buka": buka and terkunci,
            "menunggu_berkas": terkunci and not lap.checksum,
        })
    catatan = CatatanLaporan.objects.filter(puskesmas=puskesmas).select_related("oleh")[:30]
    return render(request, "laporan/bulanan_daftar.html", {
        "puskesmas": puskesmas, "pilihan": pilihan if pilihan.count() > 1 else None, "baris": baris,
        "catatan": catatan,
    })


@login_required
@require_POST
def bulanan_minta(request, pk, bulan):
    puskesmas = _puskesmas_laporan(request, pk)
    periode = _bulan(bulan)
    jenis = FORMAT_BULANAN.get(request.POST.get("format", "pdf"))
    if jenis is None:
        raise Http404
    unduhan = services.laporan_minta(user=request.user, jenis=jenis, periode=periode, puskesmas=puskesmas)
    return redirect("laporan:unduhan_detail", pk=unduhan.pk)


@login_required
def bulanan_setujui(request, pk, bulan):
    """Approve a month: a confirmation page, then a POST (only the Kepala Puskesmas of that Puskesmas)."""
    puskesmas = _puskesmas_laporan(request, pk)
    periode = _bulan(bulan)
    if not services.boleh_setujui(request.user, puskesmas):
        raise PermissionDenied
    if request.method == "POST":
        try:
            services.laporan_setujui(user=request.user, puskesmas=puskesmas, bulan=periode)
        except ValidationError as exc:
            for pesan in exc.messages:
                messages.error(request, pesan)
        else:
            messages.success(request, _("Laporan %(bulan)s disetujui. Data bulan ini sekarang terkunci; PDF "
                                        "persetujuan sedang dibuat.") % {"bulan": periode.label})
        return _ke_halaman_bulanan(puskesmas)
    return render(request, "laporan/bulanan_setujui.html", {"puskesmas": puskesmas, "periode": periode})


class BukaForm(GalatLayananMixin, forms.Form):
    alasan = forms.CharField(
        label=gettext_lazy("Alasan membuka kembali"), widget=forms.Textarea(attrs={"rows": 3}),
        required=True, max_length=2000,
        error_messages={"required": gettext_lazy("Alasan membuka kembali laporan wajib diisi.")},
    )


@login_required
def bulanan_buka(request, pk, bulan):
    """Reopen an approved month with a reason (Kepala Puskesmas or Dinkes of the district)."""
    puskesmas = _puskesmas_laporan(request, pk)
    periode = _bulan(bulan)
    if not services.boleh_buka(request.user, puskesmas):
        raise PermissionDenied
    laporan = LaporanBulanan.objects.filter(puskesmas=puskesmas, bulan=periode.mulai).first()
    if laporan is None:
        raise Http404
    form = BukaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.panggil_layanan(services.laporan_buka, user=request.user, laporan=laporan,
                                alasan=form.cleaned_data["alasan"]) is not None:
            messages.success(request, _("Laporan %(bulan)s dibuka kembali; data bulan ini dapat diubah lagi.")
                             % {"bulan": periode.label})
            return _ke_halaman_bulanan(puskesmas)
    return render(request, "laporan/bulanan_buka.html",
                  {"puskesmas": puskesmas, "periode": periode, "laporan": laporan, "form": form})


@login_required
@require_POST
def bulanan_render_ulang(request, pk, bulan):
    """Render the stored PDF of an approved month again when it is missing (a failed render)."""
    puskesmas = _puskesmas_laporan(request, pk)
    periode = _bulan(bulan)
    if not (services.boleh_setujui(request.user, puskesmas) or services.boleh_buka(request.user, puskesmas)):
        raise PermissionDenied
    laporan = LaporanBulanan.objects.filter(puskesmas=puskesmas, bulan=periode.mulai,
                                            status=StatusLaporan.DISETUJUI, checksum="").first()
    if laporan is not None:
        from laporan.tasks import enqueue_laporan_disetujui

        enqueue_laporan_disetujui(laporan.pk)
    return _ke_halaman_bulanan(puskesmas)


@login_required
def bulanan_berkas(request, pk):
    """The stored PDF of an approval (the current one, or an earlier one by ?versi=<history id>)."""
    _wajib_peninjau(request.user)
    laporan = access.get_in_scope(LaporanBulanan.objects.visible_to(request.user).select_related("puskesmas"), pk)
    berkas = laporan.berkas_pdf
    if request.GET.get("versi"):
        versi = laporan.history.filter(history_id=request.GET["versi"]).exclude(berkas_pdf="").first() \
            if request.GET["versi"].isdigit() else None
        if versi is None:
            raise Http404
        berkas = versi.berkas_pdf
    filename = Path(berkas).name if berkas else ""
    response = _berkas_privat(berkas, filename, "application/pdf")
    services.catat_laporan(user=request.user, aksi=AksiLaporan.UNDUH, periode=f"{laporan.bulan:%Y-%m}",
                           berkas="pdf", puskesmas=laporan.puskesmas, keterangan=_("PDF yang disetujui"))
    catat(aksi=Aksi.UNDUH_LAPORAN, request=request, objek=laporan, keterangan="pdf_disetujui")
    return response


# --- The district report ---------------------------------------------------------------------------


def _wajib_dinkes(user) -> None:
    if not services.boleh_lihat_kabupaten(user):
        raise PermissionDenied


def _periode_kabupaten(data) -> Periode:
    """?tahun=2026 and optionally &bulan=11 (or 2026-11): a year or a month; 404 when malformed."""
    tahun = (data.get("tahun") or "").strip()
    bulan = (data.get("bulan") or "").strip()
    if bulan and "-" in bulan:
        return _bulan(bulan)
    if not tahun.isdigit():
        raise Http404
    try:
        return Periode.dari_kode(f"{tahun}-{int(bulan):02d}" if bulan.isdigit() else tahun)
    except PeriodeTidakValid:
        raise Http404 from None


@login_required
def kabupaten(request):
    _wajib_dinkes(request.user)
    pilihan = kabupaten_laporan(request.user).order_by("kode")
    kode = request.GET.get("kabupaten") or request.user.kabupaten_id or getattr(pilihan.first(), "pk", None)
    kab = access.get_in_scope(pilihan, kode)
    lalu = bulan_lalu(timezone.localtime(timezone.now(), zona_kabupaten(kab)).date())
    if request.GET.get("tahun"):
        periode = _periode_kabupaten(request.GET)
    else:
        periode = lalu
    puskesmas = list(Puskesmas.objects.filter(kabupaten=kab).order_by("nama"))
    status = {}
    if periode.jenis == "bulan":
        status = {lap.puskesmas_id: lap for lap in LaporanBulanan.objects.filter(
            puskesmas__in=puskesmas, bulan=periode.mulai).select_related("disetujui_oleh")}
    unduhan = (Unduhan.objects.visible_to(request.user).filter(kabupaten=kab).select_related("kabupaten")[:10])
    return render(request, "laporan/bulanan_kabupaten.html", {
        "kabupaten": kab, "pilihan": pilihan if pilihan.count() > 1 else None, "periode": periode,
        "puskesmas": [(p, status.get(p.pk)) for p in puskesmas], "unduhan_list": unduhan,
        "tahun_pilihan": list(range(lalu.mulai.year, lalu.mulai.year - 6, -1)),
        "bulan_pilihan": [(m, Periode.bulan(2000, m).mulai) for m in range(1, 13)],
    })


@login_required
@require_POST
def kabupaten_minta(request):
    _wajib_dinkes(request.user)
    kab = access.get_in_scope(kabupaten_laporan(request.user), request.POST.get("kabupaten"))
    periode = _periode_kabupaten(request.POST)
    jenis = FORMAT_KABUPATEN.get(request.POST.get("format", "pdf"))
    if jenis is None:
        raise Http404
    try:
        unduhan = services.laporan_minta(user=request.user, jenis=jenis, periode=periode, kabupaten=kab)
    except ValidationError as exc:
        for pesan in exc.messages:
            messages.error(request, pesan)
        return redirect(f"{reverse('laporan:kabupaten')}?kabupaten={kab.pk}&tahun={periode.mulai.year}")
    return redirect("laporan:unduhan_detail", pk=unduhan.pk)
