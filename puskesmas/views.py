from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Q
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.middleware import RETRY_AFTER_SECONDS
from dukun.models import Dukun, StatusDukun
from kemitraan.selectors import jadwal_ringkas
from kemitraan.services_pertemuan import tindak_lanjut_terlambat
from kia.selectors import ringkasan_kia
from puskesmas import access
from puskesmas.forms import BidanForm, FasilitasForm, ImportPuskesmasForm
from puskesmas.history import riwayat_perubahan
from puskesmas.importer import PUSKESMAS_COLUMNS, BerkasTidakValid, import_puskesmas, read_table
from puskesmas.models import Bidan, Fasilitas, Kelurahan, Puskesmas
from puskesmas.services import bidan_save, fasilitas_save

PAGE_SIZE = 25


@require_GET
@never_cache
def healthz(request):
    """Database and broker state for monitoring; 503 when the database is down.

    When it is down, `database_error` names the error class (OperationalError: cannot connect or the
    connection broke; InterfaceError: connection closed) — never its message, which can name hosts
    and users. The connect timeout in settings bounds how long this takes.
    """
    state = {"database": "ok", "broker": "ok"}
    status = 200
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:
        state["database"] = "error"
        state["database_error"] = type(exc).__name__
        status = 503
    from laporan.tasks import broker_state

    state["broker"] = broker_state()
    response = JsonResponse({"status": "ok" if status == 200 else "error", **state}, status=status)
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@login_required
def home(request):
    user = request.user
    puskesmas = Puskesmas.objects.visible_to(user).select_related("kabupaten")
    dukun = Dukun.objects.visible_to(user)
    ringkasan = dukun.aggregate(
        jumlah=Count("id"), aktif=Count("id", filter=Q(status=StatusDukun.AKTIF))
    )
    ringkasan["bidan"] = Bidan.objects.visible_to(user).filter(aktif=True).count()
    return render(request, "puskesmas/home.html", {
        "kia": ringkasan_kia(user),
        "puskesmas_list": puskesmas[:20],
        "jumlah_puskesmas": puskesmas.count(),
        "ringkasan": ringkasan,
    })


# --- Puskesmas -----------------------------------------------------------------------------


@login_required
def puskesmas_list(request):
    qs = (
        Puskesmas.objects.visible_to(request.user)
        .select_related("kabupaten")
        .annotate(jumlah_kelurahan=Count("wilayah_kerja", distinct=True), jumlah_bidan=Count("bidan", distinct=True))
        .order_by("kabupaten__nama", "nama")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "puskesmas/puskesmas_list.html", {"page_obj": page})


@login_required
def puskesmas_detail(request, pk):
    puskesmas = access.get_in_scope(Puskesmas.objects.visible_to(request.user).select_related("kabupaten"), pk)
    kelurahan = (
        Kelurahan.objects.filter(puskesmas=puskesmas, pk__in=access.kelurahan_ids(request.user))
        .select_related("kecamatan")
        .annotate(
            jumlah_dukun=Count("dukun", filter=Q(dukun__status=StatusDukun.AKTIF), distinct=True),
            jumlah_bidan=Count("bidan_layanan", filter=Q(bidan_layanan__aktif=True), distinct=True),
        )
    )
    fasilitas = Fasilitas.objects.visible_to(request.user).filter(puskesmas=puskesmas).select_related("kelurahan")
    return render(request, "puskesmas/puskesmas_detail.html", {
        "puskesmas": puskesmas,
        "kelurahan_list": kelurahan,
        "fasilitas_list": fasilitas,
        "riwayat": riwayat_perubahan(puskesmas),
        "jadwal_ringkas": jadwal_ringkas(puskesmas),
        "tindak_lanjut_terlambat": tindak_lanjut_terlambat(puskesmas),
    })


@login_required
def puskesmas_import(request):
    if not request.user.can_import_puskesmas:
        raise PermissionDenied
    result = None
    errors: list[str] = []
    form = ImportPuskesmasForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        berkas = form.cleaned_data["berkas"]
        try:
            table = read_table(berkas, berkas.name, PUSKESMAS_COLUMNS)
        except BerkasTidakValid as exc:
            errors = [str(exc)]
        else:
            scope = None if request.user.is_administrator else request.user.kabupaten_id
            result = import_puskesmas(table, kabupaten_scope=scope)
            if result.ok:
                messages.success(request, _(
                    "Impor berhasil: %(rows)s baris, %(baru)s Puskesmas baru, %(ubah)s diperbarui, "
                    "%(kel)s kelurahan ditambahkan ke wilayah kerja."
                ) % {"rows": result.rows, "baru": result.puskesmas_created, "ubah": result.puskesmas_updated,
                     "kel": result.kelurahan_added})
                return redirect("puskesmas:list")
            errors = [str(e) for e in result.errors]
    return render(request, "puskesmas/puskesmas_import.html", {
        "form": form, "errors": errors, "columns": PUSKESMAS_COLUMNS,
    }, status=400 if errors or form.errors else 200)


# --- Fasilitas -----------------------------------------------------------------------------


@login_required
def fasilitas_list(request):
    qs = (
        Fasilitas.objects.visible_to(request.user)
        .select_related("puskesmas", "kelurahan")
        .annotate(jumlah_bidan=Count("bidan", filter=Q(bidan__aktif=True)))
        .order_by("puskesmas__nama", "jenis", "nama")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    can_create = access.registry_writable_puskesmas_ids(request.user).exists()
    return render(request, "puskesmas/fasilitas_list.html", {"page_obj": page, "can_create": can_create})


@login_required
def fasilitas_detail(request, pk):
    fasilitas = access.get_in_scope(
        Fasilitas.objects.visible_to(request.user).select_related("puskesmas", "kelurahan"), pk
    )
    bidan = Bidan.objects.visible_to(request.user).filter(fasilitas=fasilitas)
    can_edit = Fasilitas.objects.writable_by(request.user).filter(pk=fasilitas.pk).exists()
    return render(request, "puskesmas/fasilitas_detail.html", {
        "fasilitas": fasilitas, "bidan_list": bidan, "can_edit": can_edit,
        "riwayat": riwayat_perubahan(fasilitas),
    })


def _fasilitas_form(request, fasilitas: Fasilitas):
    form = FasilitasForm(request.POST or None, instance=fasilitas, user=request.user)
    if request.method == "POST" and form.is_valid():
        fasilitas = fasilitas_save(fasilitas=fasilitas, **form.cleaned_data)
        messages.success(request, _("Fasilitas %(nama)s disimpan.") % {"nama": fasilitas.nama})
        return redirect("puskesmas:fasilitas_detail", pk=fasilitas.pk)
    return render(request, "puskesmas/fasilitas_form.html", {"form": form, "fasilitas": fasilitas},
                  status=400 if form.errors else 200)


@login_required
def fasilitas_create(request):
    if not access.registry_writable_puskesmas_ids(request.user).exists():
        raise PermissionDenied
    return _fasilitas_form(request, Fasilitas())


@login_required
def fasilitas_update(request, pk):
    fasilitas = access.get_in_scope(
        Fasilitas.objects.visible_to(request.user), pk, writable=Fasilitas.objects.writable_by(request.user)
    )
    return _fasilitas_form(request, fasilitas)


# --- Bidan ---------------------------------------------------------------------------------


@login_required
def bidan_list(request):
    qs = (
        Bidan.objects.visible_to(request.user)
        .with_tinggal_di_wilayah()
        .select_related("fasilitas", "puskesmas", "kelurahan_domisili")
        .prefetch_related("kelurahan_layanan")
        .order_by("puskesmas__nama", "nama")
    )
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(nama__icontains=q)
    puskesmas = None
    if request.GET.get("puskesmas", "").isdigit():
        # Out of scope or unknown: not found, like any guessed id.
        puskesmas = access.get_in_scope(Puskesmas.objects.visible_to(request.user), request.GET["puskesmas"])
        qs = qs.filter(puskesmas=puskesmas)
    if request.GET.get("aktif") != "semua":
        qs = qs.filter(aktif=True)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    can_create = access.registry_writable_puskesmas_ids(request.user).exists()
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "puskesmas/bidan_list.html", {
        "page_obj": page, "q": q, "can_create": can_create, "puskesmas": puskesmas, "query": query.urlencode(),
    })


@login_required
def bidan_detail(request, pk):
    bidan = access.get_in_scope(
        Bidan.objects.visible_to(request.user).with_tinggal_di_wilayah().select_related(
            "fasilitas", "puskesmas", "kelurahan_domisili"
        ),
        pk,
    )
    dukun = Dukun.objects.visible_to(request.user).filter(dikenal_oleh=bidan).select_related("kelurahan")
    can_edit = Bidan.objects.writable_by(request.user).filter(pk=bidan.pk).exists()
    return render(request, "puskesmas/bidan_detail.html", {
        "bidan": bidan, "dukun_list": dukun, "can_edit": can_edit, "riwayat": riwayat_perubahan(bidan),
    })


def _bidan_form(request, bidan: Bidan):
    form = BidanForm(request.POST or None, instance=bidan, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        bidan = bidan_save(bidan=bidan, kelurahan_layanan=data.pop("kelurahan_layanan"), **data)
        messages.success(request, _("Data bidan %(nama)s disimpan.") % {"nama": bidan.nama})
        return redirect("puskesmas:bidan_detail", pk=bidan.pk)
    return render(request, "puskesmas/bidan_form.html", {"form": form, "bidan": bidan},
                  status=400 if form.errors else 200)


@login_required
def bidan_create(request):
    if not access.registry_writable_puskesmas_ids(request.user).exists():
        raise PermissionDenied
    return _bidan_form(request, Bidan())


@login_required
def bidan_update(request, pk):
    bidan = access.get_in_scope(
        Bidan.objects.visible_to(request.user), pk, writable=Bidan.objects.writable_by(request.user)
    )
    return _bidan_form(request, bidan)

