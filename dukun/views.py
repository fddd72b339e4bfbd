from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from dukun.forms import DukunFilter, DukunForm
from dukun.models import Dukun
from dukun.services import dukun_create, dukun_update
from kemitraan.services_kemitraan import mitra_dukun
from puskesmas import access
from puskesmas.history import riwayat_perubahan
from puskesmas.models import Bidan, Puskesmas
from puskesmas.versi import PESAN_SUDAH_TERSIMPAN, VersiBerubah, buat_sekali, konflik

PAGE_SIZE = 25


def _puskesmas_choice(request, filterset) -> Puskesmas | None:
    """The Puskesmas the downloads refer to: the filtered one, or the only one in scope."""
    if filterset.is_valid() and filterset.form.cleaned_data.get("puskesmas"):
        return filterset.form.cleaned_data["puskesmas"]
    visible = Puskesmas.objects.visible_to(request.user)
    return visible.first() if visible.count() == 1 else None


@login_required
def dukun_list(request):
    base = Dukun.objects.visible_to(request.user).with_dikenal()
    filterset = DukunFilter(request.GET or None, queryset=base, user=request.user)
    qs = filterset.qs if filterset.is_bound else base
    page = Paginator(
        qs.select_related("kelurahan", "kelurahan__puskesmas")
        .prefetch_related(Prefetch("dikenal_oleh", queryset=Bidan.objects.only("id", "nama").order_by("nama")))
        .order_by("kelurahan__nama", "nama", "pk"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    per_kelurahan = list(qs.per_kelurahan())
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "dukun/dukun_list.html", {
        "filter": filterset,
        "page_obj": page,
        "per_kelurahan": per_kelurahan,
        "total": qs.ringkasan(),
        "query": query.urlencode(),
        "can_create": access.dukun_writable_kelurahan_ids(request.user).exists(),
        "puskesmas_unduh": _puskesmas_choice(request, filterset),
    })


@login_required
def dukun_detail(request, pk):
    dukun = access.get_in_scope(
        Dukun.objects.visible_to(request.user).select_related(
            "kelurahan", "kelurahan__kecamatan", "kelurahan__puskesmas", "dicatat_oleh"
        ),
        pk,
    )
    return render(request, "dukun/dukun_detail.html", {
        "dukun": dukun,
        "bidan_list": dukun.dikenal_oleh.select_related("fasilitas").order_by("nama"),
        "kemitraan_list": mitra_dukun(dukun=dukun, user=request.user),
        "can_edit": Dukun.objects.writable_by(request.user).filter(pk=dukun.pk).exists(),
        "riwayat": riwayat_perubahan(dukun),
    })


@login_required
def dukun_create_view(request):
    if not access.dukun_writable_kelurahan_ids(request.user).exists():
        raise PermissionDenied
    form = DukunForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        dukun, baru = buat_sekali(Dukun.objects.all(), data.get("token_kirim"), lambda: (
            dukun_create(dicatat_oleh=request.user, dikenal_oleh=data.pop("dikenal_oleh"), **data)))
        if baru:
            messages.success(request, _("Dukun %(nama)s ditambahkan ke registri.") % {"nama": dukun.nama})
        else:
            messages.info(request, PESAN_SUDAH_TERSIMPAN)
        return redirect("dukun:detail", pk=dukun.pk)
    return render(request, "dukun/dukun_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def dukun_update_view(request, pk):
    dukun = access.get_in_scope(
        Dukun.objects.visible_to(request.user), pk, writable=Dukun.objects.writable_by(request.user)
    )
    form = DukunForm(request.POST or None, instance=dukun, user=request.user)
    beda = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            dukun_update(dukun=dukun, dikenal_oleh=data.pop("dikenal_oleh"), **data)
        except VersiBerubah:
            dukun = access.get_in_scope(Dukun.objects.visible_to(request.user), pk,
                                        writable=Dukun.objects.writable_by(request.user))
            beda = konflik(form, dukun)
        if beda is None:
            messages.success(request, _("Perubahan data %(nama)s disimpan.") % {"nama": dukun.nama})
            return redirect("dukun:detail", pk=dukun.pk)
    return render(request, "dukun/dukun_form.html", {"form": form, "dukun": dukun, "konflik": beda},
                  status=409 if beda else 400 if form.errors else 200)


@login_required
def dukun_peta(request):
    points = [
        {
            "id": d["pk"], "nama": d["nama"], "kelurahan": d["kelurahan__nama"], "status": d["status"],
            "lat": float(d["latitude"]), "lng": float(d["longitude"]),
        }
        for d in Dukun.objects.visible_to(request.user)
        .filter(latitude__isnull=False, longitude__isnull=False)
        .values("pk", "nama", "kelurahan__nama", "status", "latitude", "longitude")
    ]
    return render(request, "dukun/dukun_peta.html", {"points": points})
