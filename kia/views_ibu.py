"""Mothers and their pregnancies: list, detail with everything recorded about her, create and edit.

Scope: a mother belongs to the kelurahan where she lives. Whoever reads that kelurahan reads her
(404 outside); the bidan koordinator of its Puskesmas and the bidan serving it write (403 for the
Kepala Puskesmas and Dinkes). Her NIK is shown whole only to the roles `access.boleh_lihat_nik`
names, and never travels in a URL.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from audit.models import Aksi
from audit.services import catat
from kia import selectors
from kia.forms_ibu import CariNikForm, IbuFilter, IbuForm, KehamilanForm, mirip_nik
from kia.models import Ibu, Kehamilan, Persalinan, Rujukan, hpl_naegele, samarkan_nik
from kia.services import ibu_create, ibu_update, kehamilan_create, kehamilan_update
from puskesmas import access
from puskesmas.history import riwayat_perubahan
from puskesmas.models import Puskesmas
from puskesmas.versi import PESAN_SUDAH_TERSIMPAN, buat_sekali

PAGE_SIZE = 25


def _ibu_terlihat(user):
    return Ibu.objects.visible_to(user).select_related(
        "kelurahan", "kelurahan__kecamatan", "puskesmas", "dukun", "dicatat_oleh"
    )


def _ibu(request, pk, *, tulis: bool = False) -> Ibu:
    """The mother: 404 outside the read scope, 403 when writing is asked of a read-only role."""
    user = request.user
    return access.get_in_scope(
        _ibu_terlihat(user), pk, writable=Ibu.objects.writable_by(user) if tulis else None
    )



# --- List ---------------------------------------------------------------------------------------


@login_required
def ibu_list(request):
    user = request.user
    data = request.GET.copy()
    if any(mirip_nik(q) for q in data.getlist("q")):
        # Not searched for, and sent away from the address bar, the history and every link of the page.
        data.pop("q")
        messages.warning(request, _("Pencarian hanya dengan nama ibu, bukan NIK."))
        return redirect(f"{request.path}?{data.urlencode()}" if data else request.path)
    base = Ibu.objects.visible_to(user)
    filterset = IbuFilter(data or None, queryset=base, user=user)
    qs = filterset.qs if filterset.is_bound else base
    page = Paginator(
        selectors.with_kehamilan_terakhir(qs)
        .select_related("kelurahan", "dukun")
        .order_by("nama", "pk"),
        PAGE_SIZE,
    ).get_page(data.get("page"))
    data.pop("page", None)
    return render(request, "kia/ibu_list.html", {
        "filter": filterset,
        "page_obj": page,
        "query": data.urlencode(),
        "lihat_nik": access.boleh_lihat_nik(user),
        "banyak_puskesmas": Puskesmas.objects.visible_to(user).count() > 1,
        "can_create": access.kia_writable_kelurahan_ids(user).exists(),
    })


# --- Search by NIK -------------------------------------------------------------------------------


@sensitive_post_parameters("nik")
@never_cache
@login_required
def ibu_cari_nik(request):
    """Find a mother in scope by her NIK (POST), then open her record by its id.

    For the roles that see NIK. A mother outside the user's scope is "not found", like one that
    does not exist. Each search is audited without the number (audit.Aksi.CARI_NIK).
    """
    user = request.user
    if not access.boleh_lihat_nik(user):
        raise PermissionDenied
    if request.method != "POST":
        if request.GET:  # a NIK typed into the address is not searched for, and sent away from it
            return redirect(request.path)
        return render(request, "kia/ibu_cari_nik.html", {"form": CariNikForm()})
    form = CariNikForm(request.POST)
    ditemukan = []
    if form.is_valid():
        ditemukan = list(Ibu.objects.visible_to(user).filter(nik=form.cleaned_data["nik"])
                         .select_related("kelurahan").order_by("nama", "pk")[:20])
        if len(ditemukan) == 1:
            catat(aksi=Aksi.CARI_NIK, request=request, objek=ditemukan[0], keterangan="ditemukan")
            return redirect("kia:ibu_detail", pk=ditemukan[0].pk)
        catat(aksi=Aksi.CARI_NIK, request=request,
              keterangan=f"ditemukan_{len(ditemukan)}" if ditemukan else "tidak_ditemukan")
        if not ditemukan:
            form.add_error("nik", _("Tidak ada ibu dengan NIK ini di wilayah Anda."))
    return render(request, "kia/ibu_cari_nik.html", {"form": form, "ditemukan": ditemukan},
                  status=400 if form.errors else 200)


# --- Detail -------------------------------------------------------------------------------------


@login_required
def ibu_detail(request, pk):
    user = request.user
    ibu = _ibu(request, pk)
    catat(aksi=Aksi.LIHAT_IBU, request=request, objek=ibu)  # an unaudited read is refused (audit/services.py)
    lihat_nik = access.boleh_lihat_nik(user)
    kehamilan = list(
        Kehamilan.objects.visible_to(user).filter(ibu=ibu).select_related("dukun").order_by("-tanggal_daftar", "-pk")
    )
    for k in kehamilan:
        k.hpl_naegele = bool(k.hpht and k.hpl and k.hpl == hpl_naegele(k.hpht))
    can_edit = Ibu.objects.writable_by(user).filter(pk=ibu.pk).exists()
    return render(request, "kia/ibu_detail.html", {
        "ibu": ibu,
        "lihat_nik": lihat_nik,
        "kehamilan_list": kehamilan,
        "kehamilan_tulis": set(Kehamilan.objects.writable_by(user).filter(ibu=ibu).values_list("pk", flat=True)),
        "rujukan_list": Rujukan.objects.visible_to(user).filter(ibu=ibu)
        .select_related("dukun", "bidan", "fasilitas_tujuan").order_by("-waktu_rujuk", "-pk"),
        "persalinan_list": Persalinan.objects.visible_to(user).filter(ibu=ibu)
        .select_related("fasilitas", "bidan").order_by("-tanggal", "-pk"),
        "can_edit": can_edit,
        "riwayat": riwayat_perubahan(ibu, samarkan=None if lihat_nik else {"nik": samarkan_nik}),
    })


# --- Create and edit ----------------------------------------------------------------------------


def _form_ibu(request, form, ibu: Ibu | None):
    return render(request, "kia/ibu_form.html", {
        "form": form, "ibu": ibu, "lihat_nik": access.boleh_lihat_nik(request.user),
    }, status=400 if form.errors else 200)


@sensitive_post_parameters("nik")  # an error report must not carry the NIK
@login_required
def ibu_create_view(request):
    if not access.kia_writable_kelurahan_ids(request.user).exists():
        raise PermissionDenied
    form = IbuForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid() and form.periksa_duplikat():
        ibu, baru = buat_sekali(Ibu.objects.all(), form.cleaned_data.get("token_kirim"), lambda: (
            form.panggil_layanan(ibu_create, dicatat_oleh=request.user, **form.data_layanan())))
        if ibu is not None:
            if baru:
                messages.success(request, _("Ibu %(nama)s dicatat.") % {"nama": ibu.nama})
            else:
                messages.info(request, PESAN_SUDAH_TERSIMPAN)
            return redirect("kia:ibu_detail", pk=ibu.pk)
    return _form_ibu(request, form, None)


@sensitive_post_parameters("nik")
@login_required
def ibu_update_view(request, pk):
    ibu = _ibu(request, pk, tulis=True)
    form = IbuForm(request.POST if request.method == "POST" else None, instance=ibu, user=request.user)
    if request.method == "POST" and form.is_valid() and form.periksa_duplikat():
        if form.panggil_layanan(ibu_update, ibu=ibu, **form.data_layanan()) is not None:
            messages.success(request, _("Perubahan data %(nama)s disimpan.") % {"nama": ibu.nama})
            return redirect("kia:ibu_detail", pk=ibu.pk)
        ibu.refresh_from_db()  # the service changed the object before its rules refused
    return _form_ibu(request, form, ibu)


def _pesan_hpl(request, kehamilan: Kehamilan, diisi: bool) -> None:
    if kehamilan.hpl and not diisi:
        messages.info(request, _("HPL dihitung dari HPHT dengan rumus Naegele: %(hpl)s.") % {
            "hpl": date_format(kehamilan.hpl, "j F Y")})


def _form_kehamilan(request, form, ibu: Ibu, kehamilan: Kehamilan | None):
    return render(request, "kia/kehamilan_form.html", {"form": form, "ibu": ibu, "kehamilan": kehamilan},
                  status=400 if form.errors else 200)


@login_required
def kehamilan_create_view(request, pk):
    ibu = _ibu(request, pk, tulis=True)
    form = KehamilanForm(request.POST if request.method == "POST" else None, user=request.user, ibu=ibu)
    if request.method == "POST" and form.is_valid():
        data = form.data_layanan()
        kehamilan = form.panggil_layanan(kehamilan_create, ibu=ibu, dicatat_oleh=request.user, **data)
        if kehamilan is not None:
            messages.success(request, _("Kehamilan %(ibu)s dicatat.") % {"ibu": ibu.nama})
            _pesan_hpl(request, kehamilan, bool(data.get("hpl")))
            return redirect("kia:ibu_detail", pk=ibu.pk)
    return _form_kehamilan(request, form, ibu, None)


@login_required
def kehamilan_update_view(request, pk):
    user = request.user
    kehamilan = access.get_in_scope(
        Kehamilan.objects.visible_to(user).select_related("ibu", "ibu__puskesmas"), pk,
        writable=Kehamilan.objects.writable_by(user),
    )
    ibu = kehamilan.ibu
    form = KehamilanForm(request.POST if request.method == "POST" else None, instance=kehamilan, user=user, ibu=ibu)
    if request.method == "POST" and form.is_valid():
        data = form.data_layanan()
        if form.panggil_layanan(kehamilan_update, kehamilan=kehamilan, **data) is not None:
            messages.success(request, _("Perubahan data kehamilan disimpan."))
            _pesan_hpl(request, kehamilan, bool(data.get("hpl")))
            return redirect("kia:ibu_detail", pk=ibu.pk)
        kehamilan.refresh_from_db()
    return _form_kehamilan(request, form, ibu, kehamilan)
