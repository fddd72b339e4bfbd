"""Pages of the programme area: the meeting schedule and plan, the programme's inputs (funds, facilities,
kits, training) and each user's notifications.

Reading follows the Puskesmas scope (every role sees its own Puskesmas; Dinkes its district; admin all);
writing is for the bidan koordinator of the Puskesmas and the administrator. Outside the scope: 404; in
scope but read-only: 403.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kemitraan import selectors
from kemitraan.forms_program import (
    AnggaranForm,
    PelatihanForm,
    PemberianKitForm,
    PengeluaranForm,
    RencanaPertemuanForm,
    SaranaForm,
)
from kemitraan.models import (
    AnggaranDana,
    JenisSarana,
    Notifikasi,
    Pelatihan,
    PemberianKit,
    PengeluaranDana,
    RencanaPertemuan,
    Sarana,
)
from kemitraan.services_program import (
    anggaran_save,
    notifikasi_mark_read,
    pelatihan_save,
    pemberian_kit_save,
    pengeluaran_save,
    rencana_pertemuan_save,
    sarana_save,
)
from puskesmas import access
from puskesmas.history import riwayat_perubahan
from puskesmas.models import Puskesmas

PAGE_SIZE = 25
TAHUN_MIN, TAHUN_MAX = 2000, 2100
RUPIAH = DecimalField(max_digits=16, decimal_places=0)


# --- Choosing the Puskesmas and the year --------------------------------------------------------


def _tahun(request) -> int:
    """?tahun=, or this year when it is missing or not a sensible year."""
    try:
        tahun = int(request.GET.get("tahun", ""))
    except ValueError:
        return timezone.localdate().year
    return tahun if TAHUN_MIN <= tahun <= TAHUN_MAX else timezone.localdate().year


def _visible_puskesmas(user):
    return Puskesmas.objects.visible_to(user).order_by("nama")


def _writable_puskesmas(user):
    return Puskesmas.objects.filter(pk__in=access.registry_writable_puskesmas_ids(user))


def _puskesmas_dipilih(request) -> Puskesmas | None:
    """?puskesmas= in the read scope (404 otherwise), or the only Puskesmas the user sees."""
    pk = request.GET.get("puskesmas")
    if pk:
        return access.get_in_scope(_visible_puskesmas(request.user), pk)
    only = list(_visible_puskesmas(request.user)[:2])
    return only[0] if len(only) == 1 else None


def _puskesmas_tulis(request) -> Puskesmas:
    """The Puskesmas a create form writes for: 404 outside the read scope, 403 when read-only."""
    pk = request.GET.get("puskesmas")
    if not pk:
        only = list(_visible_puskesmas(request.user).values_list("pk", flat=True)[:2])
        if len(only) != 1:
            raise Http404
        pk = only[0]
    return access.get_in_scope(_visible_puskesmas(request.user), pk, writable=_writable_puskesmas(request.user))


def _can_write(user, puskesmas: Puskesmas | None) -> bool:
    return puskesmas is not None and _writable_puskesmas(user).filter(pk=puskesmas.pk).exists()


def _query(puskesmas: Puskesmas | None, tahun: int | None = None) -> str:
    params = {}
    if puskesmas is not None:
        params["puskesmas"] = puskesmas.pk
    if tahun is not None:
        params["tahun"] = tahun
    return urlencode(params)


def _url(name: str, puskesmas: Puskesmas | None, tahun: int | None = None, *args) -> str:
    query = _query(puskesmas, tahun)
    return reverse(name, args=args) + (f"?{query}" if query else "")


def _pilihan(request, puskesmas: Puskesmas | None, tahun: int) -> dict:
    """Context of the Puskesmas and year picker (templates/kemitraan/program_pemilih.html)."""
    visible = _visible_puskesmas(request.user)
    tahun_ini = timezone.localdate().year
    daftar_tahun = sorted({*range(tahun_ini - 4, tahun_ini + 2), tahun}, reverse=True)
    return {
        "puskesmas": puskesmas,
        "tahun": tahun,
        "daftar_tahun": daftar_tahun,
        "daftar_puskesmas": visible if visible.count() > 1 else None,
        "query": _query(puskesmas, tahun),
        "can_write": _can_write(request.user, puskesmas),
    }


def _form_status(form) -> int:
    return 400 if form.errors else 200


def _save_or_errors(form, fn, **kwargs):
    """Call the service; a ValidationError it raises lands on the form (and nothing is saved)."""
    try:
        return fn(**kwargs)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc)
        return None


def _form_page(request, form, *, judul: str, cancel_url: str, puskesmas: Puskesmas, status: int | None = None):
    return render(request, "kemitraan/program_form.html", {
        "form": form, "judul": judul, "cancel_url": cancel_url, "puskesmas": puskesmas,
    }, status=status if status is not None else _form_status(form))


# --- Input program: the overview page -------------------------------------------------------------


@login_required
def input_program(request):
    tahun = _tahun(request)
    puskesmas = _puskesmas_dipilih(request)
    context = _pilihan(request, puskesmas, tahun)
    if puskesmas is not None:
        context["dana"] = _dana_total(puskesmas, tahun)
        context["sarana"] = Sarana.objects.filter(puskesmas=puskesmas).aggregate(
            jumlah=Count("pk"),
            ada=Count("pk", filter=Q(tersedia=True)),
            pedoman=Count("pk", filter=Q(tersedia=True, jenis=JenisSarana.BUKU_PEDOMAN)),
        )
        kit = PemberianKit.objects.visible_to(request.user).filter(puskesmas=puskesmas, tanggal__year=tahun)
        context["kit"] = kit.aggregate(
            jumlah=Coalesce(Sum("jumlah"), 0), dukun=Count("dukun", distinct=True),
        )
        pelatihan = Pelatihan.objects.filter(puskesmas=puskesmas, tanggal__year=tahun)
        context["pelatihan"] = {
            "jumlah": pelatihan.count(),
            "bidan": Pelatihan.peserta_bidan.through.objects.filter(pelatihan__in=pelatihan)
            .values("bidan").distinct().count(),
            "dukun": Pelatihan.peserta_dukun.through.objects.filter(pelatihan__in=pelatihan)
            .values("dukun").distinct().count(),
        }
        context["jadwal"] = selectors.jadwal_pertemuan(puskesmas, tahun)
    return render(request, "kemitraan/program_input.html", context)


# --- The meeting schedule -----------------------------------------------------------------------


@login_required
def jadwal(request):
    tahun = _tahun(request)
    puskesmas = _puskesmas_dipilih(request)
    context = _pilihan(request, puskesmas, tahun)
    if puskesmas is not None:
        context["jadwal"] = selectors.jadwal_pertemuan(puskesmas, tahun)
    return render(request, "kemitraan/program_jadwal.html", context)


@login_required
def rencana_update(request):
    puskesmas = _puskesmas_tulis(request)
    tahun = _tahun(request)
    rencana, _eksplisit = selectors.rencana_tahun(puskesmas, tahun)
    form = RencanaPertemuanForm(request.POST or None, rencana=rencana)
    if request.method == "POST" and form.is_valid():
        if _save_or_errors(form, rencana_pertemuan_save, puskesmas=puskesmas, tahun=tahun, jumlah=form.jumlah()):
            messages.success(request, _("Rencana pertemuan %(tahun)s disimpan.") % {"tahun": tahun})
            return redirect(_url("program:jadwal", puskesmas, tahun))
    riwayat = []
    for row in RencanaPertemuan.objects.filter(puskesmas=puskesmas, tahun=tahun):
        for entri in riwayat_perubahan(row, limit=10):
            entri.jenis = f"{entri.jenis} · {row.get_jenis_display()}"
            riwayat.append(entri)
    riwayat.sort(key=lambda e: e.waktu, reverse=True)
    return render(request, "kemitraan/program_rencana_form.html", {
        "form": form, "puskesmas": puskesmas, "tahun": tahun, "riwayat": riwayat,
        "cancel_url": _url("program:jadwal", puskesmas, tahun),
    }, status=_form_status(form))


# --- Funds --------------------------------------------------------------------------------------


def _anggaran_dengan_realisasi(qs):
    """Allocated, spent and remaining per allocation, computed in the database (a correlated SUM)."""
    terpakai = (
        PengeluaranDana.objects.filter(anggaran=OuterRef("pk"))
        .order_by()
        .values("anggaran")
        .annotate(total=Sum("jumlah"))
        .values("total")
    )
    return qs.annotate(
        terpakai=Coalesce(Subquery(terpakai, output_field=RUPIAH), Value(0, output_field=RUPIAH)),
    ).annotate(sisa=F("jumlah_alokasi") - F("terpakai"))


def _dana_total(puskesmas: Puskesmas, tahun: int) -> dict:
    """The year's totals over every source, summed in the database."""
    nol = Value(0, output_field=RUPIAH)
    alokasi = AnggaranDana.objects.filter(puskesmas=puskesmas, tahun=tahun).aggregate(
        total=Coalesce(Sum("jumlah_alokasi"), nol))["total"]
    terpakai = PengeluaranDana.objects.filter(anggaran__puskesmas=puskesmas, anggaran__tahun=tahun).aggregate(
        total=Coalesce(Sum("jumlah"), nol))["total"]
    return {"alokasi": alokasi, "terpakai": terpakai, "sisa": alokasi - terpakai}


@login_required
def dana(request):
    tahun = _tahun(request)
    puskesmas = _puskesmas_dipilih(request)
    context = _pilihan(request, puskesmas, tahun)
    if puskesmas is not None:
        context["anggaran_list"] = list(
            _anggaran_dengan_realisasi(AnggaranDana.objects.filter(puskesmas=puskesmas, tahun=tahun))
            .order_by("sumber")
        )
        context["total"] = _dana_total(puskesmas, tahun)
        context["page_obj"] = Paginator(
            PengeluaranDana.objects.filter(anggaran__puskesmas=puskesmas, anggaran__tahun=tahun)
            .select_related("anggaran", "pertemuan", "pelatihan")
            .order_by("-tanggal", "-pk"),
            PAGE_SIZE,
        ).get_page(request.GET.get("page"))
    return render(request, "kemitraan/program_dana.html", context)


def _anggaran_in_scope(request, pk, *, write: bool = False) -> AnggaranDana:
    visible = AnggaranDana.objects.visible_to(request.user).select_related("puskesmas")
    return access.get_in_scope(visible, pk, writable=AnggaranDana.objects.writable_by(request.user) if write else None)


@login_required
def anggaran_detail(request, pk):
    anggaran = _anggaran_in_scope(request, pk)
    anggaran = _anggaran_dengan_realisasi(AnggaranDana.objects.filter(pk=anggaran.pk)).select_related(
        "puskesmas").get()
    return render(request, "kemitraan/program_anggaran_detail.html", {
        "anggaran": anggaran,
        "puskesmas": anggaran.puskesmas,
        "pengeluaran_list": anggaran.pengeluaran.select_related("pertemuan", "pelatihan").order_by("-tanggal", "-pk"),
        "can_write": _can_write(request.user, anggaran.puskesmas),
        "kembali": _url("program:dana", anggaran.puskesmas, anggaran.tahun),
        "riwayat": riwayat_perubahan(anggaran),
    })


@login_required
def anggaran_create(request):
    puskesmas = _puskesmas_tulis(request)
    tahun = _tahun(request)
    form = AnggaranForm(request.POST or None, user=request.user, puskesmas=puskesmas, initial={"tahun": tahun})
    if request.method == "POST" and form.is_valid():
        anggaran = _save_or_errors(
            form, anggaran_save, anggaran=AnggaranDana(puskesmas=puskesmas), **form.cleaned_data
        )
        if anggaran:
            messages.success(request, _("Anggaran %(nama)s disimpan.") % {"nama": anggaran})
            return redirect(_url("program:dana", puskesmas, anggaran.tahun))
    return _form_page(request, form, judul=_("Tambah anggaran dana"), puskesmas=puskesmas,
                      cancel_url=_url("program:dana", puskesmas, tahun))


@login_required
def anggaran_update(request, pk):
    anggaran = _anggaran_in_scope(request, pk, write=True)
    form = AnggaranForm(request.POST or None, instance=anggaran, user=request.user, puskesmas=anggaran.puskesmas)
    if request.method == "POST" and form.is_valid():
        if _save_or_errors(form, anggaran_save, anggaran=anggaran, **form.cleaned_data):
            messages.success(request, _("Perubahan anggaran %(nama)s disimpan.") % {"nama": anggaran})
            return redirect("program:anggaran_detail", pk=anggaran.pk)
    return _form_page(request, form, judul=_("Ubah anggaran dana"), puskesmas=anggaran.puskesmas,
                      cancel_url=reverse("program:anggaran_detail", args=[anggaran.pk]))


def _pengeluaran_in_scope(request, pk, *, write: bool = False) -> PengeluaranDana:
    visible = PengeluaranDana.objects.visible_to(request.user).select_related(
        "anggaran__puskesmas", "pertemuan", "pelatihan")
    return access.get_in_scope(
        visible, pk, writable=PengeluaranDana.objects.writable_by(request.user) if write else None
    )


@login_required
def pengeluaran_detail(request, pk):
    pengeluaran = _pengeluaran_in_scope(request, pk)
    return render(request, "kemitraan/program_pengeluaran_detail.html", {
        "pengeluaran": pengeluaran,
        "puskesmas": pengeluaran.anggaran.puskesmas,
        "can_write": _can_write(request.user, pengeluaran.anggaran.puskesmas),
        "riwayat": riwayat_perubahan(pengeluaran),
    })


@login_required
def pengeluaran_create(request):
    puskesmas = _puskesmas_tulis(request)
    tahun = _tahun(request)
    initial = {}
    anggaran_pk = request.GET.get("anggaran")
    if anggaran_pk and anggaran_pk.isdigit():
        initial["anggaran"] = anggaran_pk
    form = PengeluaranForm(request.POST or None, user=request.user, puskesmas=puskesmas, initial=initial)
    if request.method == "POST" and form.is_valid():
        pengeluaran = _save_or_errors(form, pengeluaran_save, pengeluaran=PengeluaranDana(), **form.cleaned_data)
        if pengeluaran:
            messages.success(request, _("Pengeluaran %(nama)s dicatat.") % {"nama": pengeluaran})
            return redirect(_url("program:dana", puskesmas, pengeluaran.anggaran.tahun))
    return _form_page(request, form, judul=_("Catat pengeluaran dana"), puskesmas=puskesmas,
                      cancel_url=_url("program:dana", puskesmas, tahun))


@login_required
def pengeluaran_update(request, pk):
    pengeluaran = _pengeluaran_in_scope(request, pk, write=True)
    puskesmas = pengeluaran.anggaran.puskesmas
    form = PengeluaranForm(request.POST or None, instance=pengeluaran, user=request.user, puskesmas=puskesmas)
    if request.method == "POST" and form.is_valid():
        if _save_or_errors(form, pengeluaran_save, pengeluaran=pengeluaran, **form.cleaned_data):
            messages.success(request, _("Perubahan pengeluaran %(nama)s disimpan.") % {"nama": pengeluaran})
            return redirect("program:pengeluaran_detail", pk=pengeluaran.pk)
    return _form_page(request, form, judul=_("Ubah pengeluaran dana"), puskesmas=puskesmas,
                      cancel_url=reverse("program:pengeluaran_detail", args=[pengeluaran.pk]))


# --- Facilities and materials ---------------------------------------------------------------------


@login_required
def sarana_list(request):
    tahun = _tahun(request)
    puskesmas = _puskesmas_dipilih(request)
    context = _pilihan(request, puskesmas, tahun)
    if puskesmas is not None:
        context["sarana_list"] = Sarana.objects.filter(puskesmas=puskesmas).order_by("jenis", "nama")
        context["pedoman_tersedia"] = Sarana.objects.filter(
            puskesmas=puskesmas, jenis=JenisSarana.BUKU_PEDOMAN, tersedia=True).exists()
    return render(request, "kemitraan/program_sarana.html", context)


def _sarana_in_scope(request, pk, *, write: bool = False) -> Sarana:
    visible = Sarana.objects.visible_to(request.user).select_related("puskesmas")
    return access.get_in_scope(visible, pk, writable=Sarana.objects.writable_by(request.user) if write else None)


@login_required
def sarana_detail(request, pk):
    sarana = _sarana_in_scope(request, pk)
    return render(request, "kemitraan/program_sarana_detail.html", {
        "sarana": sarana, "puskesmas": sarana.puskesmas,
        "can_write": _can_write(request.user, sarana.puskesmas),
        "riwayat": riwayat_perubahan(sarana),
    })


@login_required
def sarana_create(request):
    puskesmas = _puskesmas_tulis(request)
    form = SaranaForm(request.POST or None, user=request.user, puskesmas=puskesmas)
    if request.method == "POST" and form.is_valid():
        sarana = _save_or_errors(form, sarana_save, sarana=Sarana(puskesmas=puskesmas), **form.cleaned_data)
        if sarana:
            messages.success(request, _("Sarana %(nama)s disimpan.") % {"nama": sarana})
            return redirect(_url("program:sarana_list", puskesmas))
    return _form_page(request, form, judul=_("Tambah sarana"), puskesmas=puskesmas,
                      cancel_url=_url("program:sarana_list", puskesmas))


@login_required
def sarana_update(request, pk):
    sarana = _sarana_in_scope(request, pk, write=True)
    form = SaranaForm(request.POST or None, instance=sarana, user=request.user, puskesmas=sarana.puskesmas)
    if request.method == "POST" and form.is_valid():
        if _save_or_errors(form, sarana_save, sarana=sarana, **form.cleaned_data):
            messages.success(request, _("Perubahan sarana %(nama)s disimpan.") % {"nama": sarana})
            return redirect("program:sarana_detail", pk=sarana.pk)
    return _form_page(request, form, judul=_("Ubah sarana"), puskesmas=sarana.puskesmas,
                      cancel_url=reverse("program:sarana_detail", args=[sarana.pk]))


# --- Kits given to dukun ------------------------------------------------------------------------------


@login_required
def kit_list(request):
    tahun = _tahun(request)
    puskesmas = _puskesmas_dipilih(request)
    context = _pilihan(request, puskesmas, tahun)
    if puskesmas is not None:
        context["page_obj"] = Paginator(
            PemberianKit.objects.visible_to(request.user).filter(puskesmas=puskesmas, tanggal__year=tahun)
            .select_related("dukun__kelurahan").order_by("-tanggal", "-pk"),
            PAGE_SIZE,
        ).get_page(request.GET.get("page"))
    return render(request, "kemitraan/program_kit.html", context)


def _kit_in_scope(request, pk, *, write: bool = False) -> PemberianKit:
    visible = PemberianKit.objects.visible_to(request.user).select_related("puskesmas", "dukun__kelurahan")
    return access.get_in_scope(
        visible, pk, writable=PemberianKit.objects.writable_by(request.user) if write else None
    )


@login_required
def kit_detail(request, pk):
    kit = _kit_in_scope(request, pk)
    return render(request, "kemitraan/program_kit_detail.html", {
        "kit": kit, "puskesmas": kit.puskesmas,
        "can_write": _can_write(request.user, kit.puskesmas),
        "riwayat": riwayat_perubahan(kit),
    })


@login_required
def kit_create(request):
    puskesmas = _puskesmas_tulis(request)
    form = PemberianKitForm(request.POST or None, user=request.user, puskesmas=puskesmas)
    if request.method == "POST" and form.is_valid():
        kit = _save_or_errors(form, pemberian_kit_save, kit=PemberianKit(puskesmas=puskesmas), **form.cleaned_data)
        if kit:
            messages.success(request, _("Pemberian kit kepada %(nama)s dicatat.") % {"nama": kit.dukun.nama})
            return redirect(_url("program:kit_list", puskesmas, kit.tanggal.year))
    return _form_page(request, form, judul=_("Catat pemberian kit"), puskesmas=puskesmas,
                      cancel_url=_url("program:kit_list", puskesmas, _tahun(request)))


@login_required
def kit_update(request, pk):
    kit = _kit_in_scope(request, pk, write=True)
    form = PemberianKitForm(request.POST or None, instance=kit, user=request.user, puskesmas=kit.puskesmas)
    if request.method == "POST" and form.is_valid():
        if _save_or_errors(form, pemberian_kit_save, kit=kit, **form.cleaned_data):
            messages.success(request, _("Perubahan pemberian kit disimpan."))
            return redirect("program:kit_detail", pk=kit.pk)
    return _form_page(request, form, judul=_("Ubah pemberian kit"), puskesmas=kit.puskesmas,
                      cancel_url=reverse("program:kit_detail", args=[kit.pk]))


# --- Training and coaching ------------------------------------------------------------------------


@login_required
def pelatihan_list(request):
    tahun = _tahun(request)
    puskesmas = _puskesmas_dipilih(request)
    context = _pilihan(request, puskesmas, tahun)
    if puskesmas is not None:
        context["page_obj"] = Paginator(
            Pelatihan.objects.filter(puskesmas=puskesmas, tanggal__year=tahun)
            .annotate(jumlah_bidan=Count("peserta_bidan", distinct=True),
                      jumlah_dukun=Count("peserta_dukun", distinct=True))
            .order_by("-tanggal", "-pk"),
            PAGE_SIZE,
        ).get_page(request.GET.get("page"))
    return render(request, "kemitraan/program_pelatihan.html", context)


def _pelatihan_in_scope(request, pk, *, write: bool = False) -> Pelatihan:
    visible = Pelatihan.objects.visible_to(request.user).select_related("puskesmas")
    return access.get_in_scope(visible, pk, writable=Pelatihan.objects.writable_by(request.user) if write else None)


@login_required
def pelatihan_detail(request, pk):
    pelatihan = _pelatihan_in_scope(request, pk)
    return render(request, "kemitraan/program_pelatihan_detail.html", {
        "pelatihan": pelatihan, "puskesmas": pelatihan.puskesmas,
        "bidan_list": pelatihan.peserta_bidan.select_related("fasilitas").order_by("nama"),
        "dukun_list": pelatihan.peserta_dukun.select_related("kelurahan").order_by("kelurahan__nama", "nama"),
        "can_write": _can_write(request.user, pelatihan.puskesmas),
        "riwayat": riwayat_perubahan(pelatihan),
    })


def _pelatihan_form_save(request, form, pelatihan: Pelatihan):
    data = dict(form.cleaned_data)
    return _save_or_errors(
        form, pelatihan_save, pelatihan=pelatihan,
        peserta_bidan=data.pop("peserta_bidan"), peserta_dukun=data.pop("peserta_dukun"), **data,
    )


@login_required
def pelatihan_create(request):
    puskesmas = _puskesmas_tulis(request)
    form = PelatihanForm(request.POST or None, user=request.user, puskesmas=puskesmas)
    if request.method == "POST" and form.is_valid():
        pelatihan = _pelatihan_form_save(request, form, Pelatihan(puskesmas=puskesmas))
        if pelatihan:
            messages.success(request, _("Pelatihan %(nama)s dicatat.") % {"nama": pelatihan.topik})
            return redirect("program:pelatihan_detail", pk=pelatihan.pk)
    return _form_page(request, form, judul=_("Catat pelatihan atau pembinaan"), puskesmas=puskesmas,
                      cancel_url=_url("program:pelatihan_list", puskesmas, _tahun(request)))


@login_required
def pelatihan_update(request, pk):
    pelatihan = _pelatihan_in_scope(request, pk, write=True)
    form = PelatihanForm(request.POST or None, instance=pelatihan, user=request.user, puskesmas=pelatihan.puskesmas)
    if request.method == "POST" and form.is_valid():
        if _pelatihan_form_save(request, form, pelatihan):
            messages.success(request, _("Perubahan pelatihan %(nama)s disimpan.") % {"nama": pelatihan.topik})
            return redirect("program:pelatihan_detail", pk=pelatihan.pk)
    return _form_page(request, form, judul=_("Ubah pelatihan"), puskesmas=pelatihan.puskesmas,
                      cancel_url=reverse("program:pelatihan_detail", args=[pelatihan.pk]))


# --- Notifications ------------------------------------------------------------------------------------


@login_required
def notifikasi_list(request):
    qs = Notifikasi.objects.filter(penerima=request.user)
    if request.GET.get("belum") == "1":
        qs = qs.belum_dibaca()
    return render(request, "kemitraan/notifikasi_list.html", {
        "page_obj": Paginator(qs.order_by("-dibuat_pada", "-pk"), PAGE_SIZE).get_page(request.GET.get("page")),
        "hanya_belum": request.GET.get("belum") == "1",
        "query": "belum=1" if request.GET.get("belum") == "1" else "",
    })


@login_required
@require_POST
def notifikasi_baca(request, pk):
    notifikasi = get_object_or_404(Notifikasi, pk=pk, penerima=request.user)
    notifikasi_mark_read(penerima=request.user, pk=notifikasi.pk)
    if request.htmx:
        notifikasi.refresh_from_db()
        return render(request, "kemitraan/notifikasi_baris.html", {"n": notifikasi})
    return redirect("program:notifikasi_list")


@login_required
@require_POST
def notifikasi_buka(request, pk):
    """Mark as read and go to the page it refers to (only a path of this site)."""
    notifikasi = get_object_or_404(Notifikasi, pk=pk, penerima=request.user)
    notifikasi_mark_read(penerima=request.user, pk=notifikasi.pk)
    tujuan = notifikasi.tautan
    if tujuan and tujuan.startswith("/") and url_has_allowed_host_and_scheme(tujuan, allowed_hosts=None):
        return redirect(tujuan)
    return redirect("program:notifikasi_list")


@login_required
@require_POST
def notifikasi_baca_semua(request):
    jumlah = notifikasi_mark_read(penerima=request.user)
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    messages.success(request, _("%(n)s notifikasi ditandai sudah dibaca.") % {"n": jumlah})
    return redirect("program:notifikasi_list")

