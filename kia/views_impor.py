"""The delivery register import (upload page and template) and the yearly targets (sasaran) page.

Import: Dinkes (its district), the bidan koordinator (her Puskesmas) and the administrator, as
`access.impor_persalinan_kelurahan_ids` says; every other role gets 403. Targets: everyone reads the
targets of the Puskesmas in their scope (a bidan those of her Puskesmas, which her coverage is
measured against); Dinkes of the district and the administrator change them. Outside the scope: 404.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kia import importer, services
from kia.forms_impor import ImporPersalinanForm, ImporSasaranForm, SasaranFormSet
from kia.importer import PERSALINAN_KOLOM, PERSALINAN_OPSIONAL, SASARAN_KOLOM, BerkasTidakValid, petunjuk_kolom
from kia.models import Sasaran
from puskesmas import access
from puskesmas.models import Kelurahan, Puskesmas

GALAT_DITAMPILKAN = 200
TAHUN_MIN, TAHUN_MAX = 2000, 2100


def _boleh_impor(user) -> None:
    if not access.impor_persalinan_kelurahan_ids(user).exists():
        raise PermissionDenied


# --- Delivery register import ---------------------------------------------------------------------


@login_required
def impor_persalinan(request):
    _boleh_impor(request.user)
    form = ImporPersalinanForm(request.POST or None, request.FILES or None)
    hasil = None
    if request.method == "POST" and form.is_valid():
        periksa_saja = request.POST.get("aksi") == "periksa"
        berkas = form.cleaned_data["berkas"]
        try:
            table, opsional = importer.baca_persalinan(berkas, berkas.name)
        except BerkasTidakValid as exc:
            form.add_error("berkas", str(exc))
        else:
            hasil = importer.impor_persalinan(table, opsional=opsional, oleh=request.user, periksa_saja=periksa_saja)
            if hasil.ok and not periksa_saja:
                messages.success(request, _("Impor selesai. %(ringkasan)s") % {"ringkasan": hasil.ringkasan()})
                return redirect("kia:impor_persalinan")
    gagal = bool(form.errors or (hasil and not hasil.ok))
    return render(request, "kia/impor_persalinan.html", {
        "form": form,
        "hasil": hasil,
        "galat": hasil.errors[:GALAT_DITAMPILKAN] if hasil else [],
        "galat_ditampilkan": GALAT_DITAMPILKAN,
        "kolom_wajib": PERSALINAN_KOLOM,
        "petunjuk": petunjuk_kolom(),
    }, status=400 if gagal else 200)


def _contoh(user) -> tuple[list[str], list[list[str]]]:
    """The template's header and example rows: a single delivery and a pair of twins, recent dates."""
    kode = (
        Kelurahan.objects.filter(pk__in=access.impor_persalinan_kelurahan_ids(user)).order_by("kode")
        .values_list("kode", flat=True).first()
    ) or "15.71.01.1010"
    hari = timezone.localdate()
    satu, kembar = (hari - dt.timedelta(days=20)).isoformat(), (hari - dt.timedelta(days=12)).isoformat()
    header = [*PERSALINAN_KOLOM, *PERSALINAN_OPSIONAL]
    kosong = [""] * 4
    rows = [
        ["CONTOH-0001", kode, "Siti Aminah", "", "27", satu, "puskesmas", "bidan", "hidup", "lahir_hidup", "3200",
         "", "1", "p", "1", "", *kosong],
        ["CONTOH-0002/1", kode, "Rina Marlina", "", "31", kembar, "rumah", "dukun", "hidup", "lahir_hidup", "2300",
         "", "0", "l", "0", "", *kosong],
        ["CONTOH-0002/2", kode, "Rina Marlina", "", "31", kembar, "rumah", "dukun", "hidup", "lahir_hidup", "2150",
         "", "0", "p", "0", "", *kosong],
    ]
    return header, rows


@login_required
def impor_templat(request, fmt: str):
    _boleh_impor(request.user)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    header, rows = _contoh(request.user)
    nama = "templat_register_persalinan"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerow([_("# Baris yang diawali # diabaikan. Hapus baris CONTOH sebelum mengimpor; kolom "
                           "opsional boleh dihapus.")])
        for kolom, wajib, isi in petunjuk_kolom():
            writer.writerow([f"# {kolom} ({_('wajib') if wajib else _('opsional')}): {isi}"])
        writer.writerows(rows)
        response = HttpResponse(buffer.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            _templat_xlsx(header, rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{nama}.{fmt}"'
    return response


def _templat_xlsx(header: list[str], rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Persalinan"
    ws.append(header)
    for row in rows:
        ws.append(row)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    # Text cells, also for what is typed later: Excel must not turn a NIK into 1,57E+15, a kelurahan code into
    # a number or a date into its own format.
    for column in ws.columns:
        dimensi = ws.column_dimensions[column[0].column_letter]
        dimensi.number_format = "@"
        dimensi.width = max(12, len(str(column[0].value)) + 2)
        for cell in column:
            cell.number_format = "@"
    ws.freeze_panes = "A2"

    petunjuk = wb.create_sheet("Petunjuk")
    petunjuk.append([_("Kolom"), _("Wajib"), _("Isi")])
    for cell in petunjuk[1]:
        cell.font = Font(bold=True)
    for kolom, wajib, isi in petunjuk_kolom():
        petunjuk.append([kolom, _("wajib") if wajib else _("opsional"), isi])
    petunjuk.append([])
    for note in (
        _("Satu baris per bayi. Kolom wajib harus ada dengan nama dan urutan ini; kolom opsional boleh dihapus."),
        _("Hapus baris CONTOH sebelum mengimpor."),
        _("Bayi kembar satu persalinan harus sama data persalinan dan ibunya."),
        _("Impor berlaku semua atau tidak sama sekali; mengimpor berkas yang sama lagi tidak mengubah apa pun."),
    ):
        petunjuk.append([note])
    petunjuk.column_dimensions["A"].width = 26
    petunjuk.column_dimensions["B"].width = 10
    petunjuk.column_dimensions["C"].width = 100
    for row in petunjuk.iter_rows(min_row=2):
        row[-1].alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- Yearly targets -------------------------------------------------------------------------------


def _tahun(request) -> int:
    """?tahun=, or this year when it is missing or not a sensible year."""
    try:
        tahun = int(request.GET.get("tahun", ""))
    except ValueError:
        return timezone.localdate().year
    return tahun if TAHUN_MIN <= tahun <= TAHUN_MAX else timezone.localdate().year


def _puskesmas_dipilih(request, visible) -> Puskesmas | None:
    """?puskesmas= in the read scope (404 otherwise), or the only Puskesmas the user sees."""
    pk = request.GET.get("puskesmas")
    if pk:
        return access.get_in_scope(visible, pk)
    only = list(visible[:2])
    return only[0] if len(only) == 1 else None


@login_required
def sasaran(request):
    tahun = _tahun(request)
    visible = Puskesmas.objects.visible_to(request.user).order_by("nama")
    puskesmas = _puskesmas_dipilih(request, visible)
    tahun_ini = timezone.localdate().year
    context = {
        "puskesmas": puskesmas,
        "tahun": tahun,
        "tahun_teks": str(tahun),
        "daftar_tahun": sorted({*range(tahun_ini - 4, tahun_ini + 2), tahun}, reverse=True),
        "daftar_puskesmas": visible,
        "kolom_sasaran": SASARAN_KOLOM,
    }
    if puskesmas is None:
        if request.method == "POST":
            raise Http404
        # Every Puskesmas in scope with its year's totals: one GROUP BY query per page.
        di_tahun = Q(sasaran__tahun=tahun)
        context["ikhtisar"] = Paginator(
            visible.select_related("kabupaten").annotate(
                jumlah_kelurahan=Count("sasaran", filter=di_tahun),
                ibu_hamil=Sum("sasaran__ibu_hamil", filter=di_tahun),
                ibu_bersalin=Sum("sasaran__ibu_bersalin", filter=di_tahun),
                bayi_baru_lahir=Sum("sasaran__bayi_baru_lahir", filter=di_tahun),
            ),
            25,
        ).get_page(request.GET.get("page"))
        return render(request, "kia/sasaran_puskesmas.html", context)

    kelurahan = list(Kelurahan.objects.filter(puskesmas=puskesmas).order_by("nama", "kode"))
    tertulis = set(
        Kelurahan.objects.filter(puskesmas=puskesmas, pk__in=access.sasaran_writable_kelurahan_ids(request.user))
        .values_list("pk", flat=True)
    )
    can_write = bool(kelurahan) and len(tertulis) == len(kelurahan)
    sasaran_qs = Sasaran.objects.filter(tahun=tahun, kelurahan__puskesmas=puskesmas)
    per_kelurahan = {s.kelurahan_id: s for s in sasaran_qs}
    url_ini = reverse("kia:sasaran") + "?" + urlencode({"puskesmas": puskesmas.pk, "tahun": tahun})
    initial = [
        {"kelurahan": k.pk, "ada": k.pk in per_kelurahan,
         **({name: getattr(per_kelurahan[k.pk], name) for name in ("ibu_hamil", "ibu_bersalin", "bayi_baru_lahir")}
            if k.pk in per_kelurahan else {})}
        for k in kelurahan
    ]
    kode = [k.pk for k in kelurahan]
    formset = SasaranFormSet(initial=initial, kelurahan_kode=kode, prefix="sasaran") if can_write else None
    form_unggah = ImporSasaranForm() if can_write else None
    hasil_unggah = None
    status = 200

    if request.method == "POST":
        if not can_write:
            raise PermissionDenied
        if request.POST.get("aksi") == "unggah":
            form_unggah = ImporSasaranForm(request.POST, request.FILES)
            if form_unggah.is_valid():
                berkas = form_unggah.cleaned_data["berkas"]
                try:
                    table = importer.baca_sasaran(berkas, berkas.name)
                except BerkasTidakValid as exc:
                    form_unggah.add_error("berkas", str(exc))
                else:
                    hasil_unggah = importer.impor_sasaran(table, oleh=request.user)
                    if hasil_unggah.ok:
                        messages.success(request, _("Sasaran diimpor. %(ringkasan)s") % {
                            "ringkasan": hasil_unggah.ringkasan()})
                        return redirect(url_ini)
            status = 400
        else:
            formset = SasaranFormSet(request.POST, initial=initial, kelurahan_kode=kode, prefix="sasaran")
            if formset.is_valid():
                diubah = _simpan_sasaran(formset, tahun, {k.pk: k for k in kelurahan})
                messages.success(request, _(
                    "Sasaran %(tahun)s %(puskesmas)s disimpan: %(n)s kelurahan/desa berubah."
                ) % {"tahun": tahun, "puskesmas": puskesmas.nama, "n": diubah})
                return redirect(url_ini)
            status = 400
            if len(formset.forms) != len(kelurahan):
                # The wilayah kerja changed while the page was open: say so, and show the current list afresh.
                for error in formset.non_form_errors():
                    messages.error(request, error)
                formset = SasaranFormSet(initial=initial, kelurahan_kode=kode, prefix="sasaran")

    forms = list(formset) if formset is not None else [None] * len(kelurahan)
    context.update({
        "baris": [{"kelurahan": k, "sasaran": per_kelurahan.get(k.pk), "form": f}
                  for k, f in zip(kelurahan, forms, strict=True)],
        "total": sasaran_qs.total() if per_kelurahan else None,
        "ada_sasaran": bool(per_kelurahan),
        "can_write": can_write,
        "formset": formset,
        "form_unggah": form_unggah,
        "hasil_unggah": hasil_unggah,
        "galat_unggah": hasil_unggah.errors[:GALAT_DITAMPILKAN] if hasil_unggah else [],
        "url_ini": url_ini,
    })
    return render(request, "kia/sasaran_puskesmas.html", context, status=status)


@transaction.atomic
def _simpan_sasaran(formset, tahun: int, kelurahan: dict[str, Kelurahan]) -> int:
    diubah = 0
    for form in formset:
        if form.kosong:
            continue
        data = form.cleaned_data
        _obj, changed = services.sasaran_simpan(
            tahun=tahun, kelurahan=kelurahan[data["kelurahan"]], ibu_hamil=data["ibu_hamil"],
            ibu_bersalin=data["ibu_bersalin"], bayi_baru_lahir=data["bayi_baru_lahir"],
        )
        diubah += changed
    return diubah
