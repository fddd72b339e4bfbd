from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from laporan.models import Unduhan
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
    return response


@login_required
@require_POST
def daftar_dukun_pdf(request):
    puskesmas = _puskesmas_from(request, request.POST)
    unduhan = unduhan_request(user=request.user, puskesmas=puskesmas)
    return redirect("laporan:unduhan_detail", pk=unduhan.pk)


@login_required
def unduhan_list(request):
    unduhan = Unduhan.objects.visible_to(request.user).select_related("puskesmas")[:20]
    return render(request, "laporan/unduhan_list.html", {"unduhan_list": unduhan})


@login_required
def unduhan_detail(request, pk):
    unduhan = access.get_in_scope(Unduhan.objects.visible_to(request.user).select_related("puskesmas"), pk)
    template = "laporan/partials/unduhan_status.html" if request.htmx else "laporan/unduhan_detail.html"
    return render(request, template, {"unduhan": unduhan})


@login_required
def unduhan_file(request, pk):
    unduhan = access.get_in_scope(Unduhan.objects.visible_to(request.user).select_related("puskesmas"), pk)
    if not unduhan.selesai:
        raise Http404
    path = (Path(settings.PRIVATE_MEDIA_ROOT) / unduhan.berkas).resolve()
    if not path.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT).resolve()) or not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=unduhan.nama_berkas,
                        content_type="application/pdf")
