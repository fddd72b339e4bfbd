"""Partnerships per kelurahan with their written agreement (and its printable PDF), rewards and sanctions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kemitraan.forms_kemitraan import (
    KemitraanAkhiriForm,
    KemitraanFilter,
    KemitraanForm,
    KemitraanUbahForm,
    PenghargaanFilter,
    PenghargaanForm,
)
from kemitraan.models import JenisPenghargaanSanksi, Kemitraan, PenghargaanSanksi, StatusKemitraan
from kemitraan.services_kemitraan import (
    BATAS_TEGURAN,
    cakupan_per_kelurahan,
    jumlah_teguran,
    kemitraan_akhiri,
    kemitraan_create,
    kemitraan_update,
    pembagian_jasa_teks,
    pembagian_peran,
    penghargaan_create,
    penghargaan_update,
    perlu_ditinjau_teguran,
    with_jumlah_teguran,
)
from laporan.services import render_pdf
from puskesmas import access
from puskesmas.history import riwayat_perubahan
from puskesmas.models import Kelurahan

PAGE_SIZE = 25


def _query_tanpa_halaman(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _bisa_menulis(user) -> bool:
    return access.registry_writable_puskesmas_ids(user).exists()


def _kemitraan_terlihat(user):
    return Kemitraan.objects.visible_to(user).select_related(
        "bidan", "bidan__fasilitas", "dukun", "kelurahan", "kelurahan__kecamatan", "puskesmas",
    )


# --- Partnerships ----------------------------------------------------------------------------


@login_required
def kemitraan_list(request):
    base = Kemitraan.objects.visible_to(request.user)
    filterset = KemitraanFilter(request.GET or None, queryset=base, user=request.user)
    qs = filterset.qs if filterset.is_bound else base
    page = Paginator(
        with_jumlah_teguran(qs)
        .select_related("bidan", "bidan__fasilitas", "dukun", "kelurahan", "puskesmas")
        .order_by("kelurahan__nama", "kelurahan_id", "dukun__nama", "-tanggal_mulai", "pk"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))

    # Coverage counts the dukun of the kelurahan shown, whatever the status or bidan chosen.
    kelurahan = Kelurahan.objects.filter(pk__in=access.kelurahan_ids(request.user), puskesmas__isnull=False)
    if filterset.is_bound and filterset.is_valid():
        if filterset.form.cleaned_data.get("kelurahan"):
            kelurahan = kelurahan.filter(pk=filterset.form.cleaned_data["kelurahan"].pk)
        if filterset.form.cleaned_data.get("puskesmas"):
            kelurahan = kelurahan.filter(puskesmas=filterset.form.cleaned_data["puskesmas"])
    cakupan = cakupan_per_kelurahan(kelurahan)
    aktif = sum(r.dukun_aktif for r in cakupan)
    bermitra = sum(r.dukun_bermitra for r in cakupan)
    return render(request, "kemitraan/kemitraan_list.html", {
        "filter": filterset,
        "page_obj": page,
        "cakupan": cakupan,
        "total": {
            "dukun_aktif": aktif,
            "dukun_bermitra": bermitra,
            "kemitraan_aktif": sum(r.kemitraan_aktif for r in cakupan),
            "persen": 100 * bermitra / aktif if aktif else None,
        },
        "query": _query_tanpa_halaman(request),
        "can_create": _bisa_menulis(request.user),
        "batas_teguran": BATAS_TEGURAN,
    })


@login_required
def kemitraan_detail(request, pk):
    kemitraan = access.get_in_scope(_kemitraan_terlihat(request.user), pk)
    penghargaan = list(
        PenghargaanSanksi.objects.visible_to(request.user).filter(kemitraan=kemitraan).order_by("-tanggal", "-pk")
    )
    teguran = sum(1 for p in penghargaan if p.jenis == JenisPenghargaanSanksi.TEGURAN)
    can_edit = Kemitraan.objects.writable_by(request.user).filter(pk=kemitraan.pk).exists()
    return render(request, "kemitraan/kemitraan_detail.html", {
        "kemitraan": kemitraan,
        "peran": pembagian_peran(kemitraan),
        "pembagian_jasa": pembagian_jasa_teks(kemitraan),
        "penghargaan_list": penghargaan,
        "jumlah_teguran": teguran,
        "peringatan_teguran": perlu_ditinjau_teguran(kemitraan, teguran),
        "batas_teguran": BATAS_TEGURAN,
        "can_edit": can_edit,
        "aktif": kemitraan.status == StatusKemitraan.AKTIF,
        "riwayat": riwayat_perubahan(kemitraan),
    })


def _simpan_atau_galat(form, fungsi, **kwargs):
    """Call a service; a rule it enforces that the form could not (a race) shows on the form, nothing saved."""
    try:
        return fungsi(**kwargs)
    except ValidationError as exc:
        form.add_error(None, exc)
        return None


@login_required
def kemitraan_create_view(request):
    if not _bisa_menulis(request.user):
        raise PermissionDenied
    form = KemitraanForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        kemitraan = _simpan_atau_galat(form, kemitraan_create, **form.cleaned_data)
        if kemitraan is not None:
            messages.success(request, _("Kemitraan %(bidan)s dan %(dukun)s dicatat.") % {
                "bidan": kemitraan.bidan.nama, "dukun": kemitraan.dukun.nama,
            })
            return redirect("kemitraan:detail", pk=kemitraan.pk)
    return render(request, "kemitraan/kemitraan_form.html", {"form": form}, status=400 if form.errors else 200)


def _kemitraan_tulis(request, pk) -> Kemitraan:
    return access.get_in_scope(
        _kemitraan_terlihat(request.user), pk, writable=Kemitraan.objects.writable_by(request.user)
    )


@login_required
def kemitraan_update_view(request, pk):
    kemitraan = _kemitraan_tulis(request, pk)
    form = KemitraanUbahForm(request.POST or None, instance=kemitraan, user=request.user)
    if request.method == "POST" and form.is_valid():
        if _simpan_atau_galat(form, kemitraan_update, kemitraan=kemitraan, **form.cleaned_data) is not None:
            messages.success(request, _("Perubahan kesepakatan disimpan."))
            return redirect("kemitraan:detail", pk=kemitraan.pk)
    return render(request, "kemitraan/kemitraan_form.html", {"form": form, "kemitraan": kemitraan},
                  status=400 if form.errors else 200)


@login_required
def kemitraan_akhiri_view(request, pk):
    kemitraan = _kemitraan_tulis(request, pk)
    if kemitraan.status != StatusKemitraan.AKTIF:
        messages.error(request, _("Kemitraan ini sudah berakhir."))
        return redirect("kemitraan:detail", pk=kemitraan.pk)
    form = KemitraanAkhiriForm(request.POST or None, instance=kemitraan)
    if request.method == "POST" and form.is_valid():
        if _simpan_atau_galat(form, kemitraan_akhiri, kemitraan=kemitraan, **form.cleaned_data) is not None:
            messages.success(request, _("Kemitraan diakhiri."))
            return redirect("kemitraan:detail", pk=kemitraan.pk)
    return render(request, "kemitraan/kemitraan_akhiri.html", {"form": form, "kemitraan": kemitraan},
                  status=400 if form.errors else 200)


@login_required
def kemitraan_pdf(request, pk):
    """The written agreement, ready to print and sign: one page, rendered in the request."""
    kemitraan = access.get_in_scope(_kemitraan_terlihat(request.user), pk)
    # An agreement signed in the village is read in Indonesian, whatever the interface language.
    with translation.override("id"):
        content = render_pdf("laporan/kesepakatan_pdf.html", {
            "kemitraan": kemitraan,
            "fasilitas": kemitraan.bidan.fasilitas,
            "puskesmas_teks": str(kemitraan.puskesmas),
            "peran": pembagian_peran(kemitraan),
            "pembagian_jasa": pembagian_jasa_teks(kemitraan),
        })
    response = HttpResponse(content, content_type="application/pdf")
    filename = f"kesepakatan-kemitraan-{kemitraan.pk}-{timezone.localdate():%Y%m%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Rewards and sanctions -------------------------------------------------------------------


@login_required
def penghargaan_list(request):
    base = PenghargaanSanksi.objects.visible_to(request.user)
    filterset = PenghargaanFilter(request.GET or None, queryset=base, user=request.user)
    qs = filterset.qs if filterset.is_bound else base
    page = Paginator(
        qs.select_related("puskesmas", "dukun", "bidan", "kemitraan__bidan", "kemitraan__dukun")
        .order_by("puskesmas__nama", "puskesmas_id", "-tanggal", "-pk"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render(request, "kemitraan/penghargaan_list.html", {
        "filter": filterset,
        "page_obj": page,
        "query": _query_tanpa_halaman(request),
        "can_create": _bisa_menulis(request.user),
    })


def _penghargaan_terlihat(user):
    return PenghargaanSanksi.objects.visible_to(user).select_related(
        "puskesmas", "dukun", "bidan", "kemitraan__bidan", "kemitraan__dukun"
    )


@login_required
def penghargaan_detail(request, pk):
    obj = access.get_in_scope(_penghargaan_terlihat(request.user), pk)
    return render(request, "kemitraan/penghargaan_detail.html", {
        "obj": obj,
        # The partnership link only where its page is open to the user (a bidan sees those of her kelurahan).
        "kemitraan_terlihat": obj.kemitraan_id is not None
        and Kemitraan.objects.visible_to(request.user).filter(pk=obj.kemitraan_id).exists(),
        "can_edit": PenghargaanSanksi.objects.writable_by(request.user).filter(pk=obj.pk).exists(),
        "riwayat": riwayat_perubahan(obj),
    })


def _pesan_teguran(request, obj: PenghargaanSanksi) -> None:
    if obj.jenis != JenisPenghargaanSanksi.TEGURAN or obj.kemitraan is None:
        return
    n = jumlah_teguran(obj.kemitraan)
    if perlu_ditinjau_teguran(obj.kemitraan, n):
        messages.warning(request, _(
            "Kemitraan ini sudah menerima %(n)s teguran tertulis. Templat kabupaten mengakhiri kemitraan "
            "setelah tiga teguran tertulis."
        ) % {"n": n})


@login_required
def penghargaan_create_view(request):
    if not _bisa_menulis(request.user):
        raise PermissionDenied
    initial = {}
    if request.method == "GET" and request.GET.get("kemitraan"):
        initial["kemitraan"] = request.GET["kemitraan"]
        initial["jenis"] = request.GET.get("jenis", "")
    form = PenghargaanForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        obj = _simpan_atau_galat(form, penghargaan_create, **form.cleaned_data)
        if obj is not None:
            messages.success(request, _("%(jenis)s dicatat.") % {"jenis": obj.get_jenis_display()})
            _pesan_teguran(request, obj)
            if obj.kemitraan_id:
                return redirect("kemitraan:detail", pk=obj.kemitraan_id)
            return redirect("kemitraan:penghargaan_detail", pk=obj.pk)
    return render(request, "kemitraan/penghargaan_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def penghargaan_update_view(request, pk):
    obj = access.get_in_scope(
        _penghargaan_terlihat(request.user), pk, writable=PenghargaanSanksi.objects.writable_by(request.user)
    )
    form = PenghargaanForm(request.POST or None, instance=obj, user=request.user)
    if request.method == "POST" and form.is_valid():
        if _simpan_atau_galat(form, penghargaan_update, penghargaan=obj, **form.cleaned_data) is not None:
            messages.success(request, _("Perubahan disimpan."))
            _pesan_teguran(request, obj)
            return redirect("kemitraan:penghargaan_detail", pk=obj.pk)
    return render(request, "kemitraan/penghargaan_form.html", {"form": form, "obj": obj},
                  status=400 if form.errors else 200)
