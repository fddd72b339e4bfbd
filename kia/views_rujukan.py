"""Referrals: the list with its counts, a referral's timeline and next steps, and the printable slip.

Scope as for mothers: a referral belongs to the kelurahan where the mother lived when it was made.
Times are entered and shown in the zone of the mother's Puskesmas, where the referral happened.
"""

from __future__ import annotations

import contextlib
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kia import selectors
from kia.forms_rujukan import RujukanFilter, RujukanForm, StatusRujukanForm
from kia.models import Ibu, JenisRujukan, Rujukan, StatusRujukan, TandaBahaya
from kia.services import rujukan_create, rujukan_ubah_status, rujukan_update
from laporan.services import render_pdf
from puskesmas import access
from puskesmas.history import riwayat_perubahan
from puskesmas.models import Puskesmas
from puskesmas.versi import PESAN_SUDAH_TERSIMPAN, VersiBerubah, buat_sekali, konflik

PAGE_SIZE = 25
WARNA_STATUS = {
    StatusRujukan.DIRUJUK: "warning",
    StatusRujukan.DITERIMA: "info",
    StatusRujukan.DITANGANI: "success",
    StatusRujukan.DITOLAK_KELUARGA: "danger",
    StatusRujukan.TIDAK_SAMPAI: "danger",
}


def lama_teks(durasi: dt.timedelta | None) -> str:
    """`1 jam 30 menit`, `2 hari 3 jam`, `15 menit`: the time from referral to arrival, as people say it."""
    if durasi is None:
        return ""
    menit_total = max(int(durasi.total_seconds() // 60), 0)
    hari, sisa = divmod(menit_total, 24 * 60)
    jam, menit = divmod(sisa, 60)
    bagian = []
    if hari:
        bagian.append(ngettext("%(n)d hari", "%(n)d hari", hari) % {"n": hari})
    if jam:
        bagian.append(ngettext("%(n)d jam", "%(n)d jam", jam) % {"n": jam})
    if menit and not hari:
        bagian.append(ngettext("%(n)d menit", "%(n)d menit", menit) % {"n": menit})
    return " ".join(bagian) or _("kurang dari 1 menit")


def zona_puskesmas(puskesmas: Puskesmas | None):
    """Enter and show times in the zone of the mother's Puskesmas (the user's own zone is its default)."""
    if puskesmas is not None and puskesmas.zona_waktu:
        return timezone.override(puskesmas.zona)
    return contextlib.nullcontext()


def _rujukan_terlihat(user):
    return Rujukan.objects.visible_to(user).select_related(
        "ibu", "ibu__kelurahan", "ibu__kelurahan__kecamatan", "kehamilan", "dukun", "dukun__kelurahan", "bidan",
        "bidan__fasilitas", "fasilitas_tujuan", "kelurahan", "puskesmas", "dicatat_oleh",
    )


def _rujukan(request, pk, *, tulis: bool = False) -> Rujukan:
    user = request.user
    return access.get_in_scope(
        _rujukan_terlihat(user), pk, writable=Rujukan.objects.writable_by(user) if tulis else None
    )



# --- List ---------------------------------------------------------------------------------------


@login_required
def rujukan_list(request):
    user = request.user
    base = Rujukan.objects.visible_to(user)
    filterset = RujukanFilter(request.GET or None, queryset=base, user=user)
    qs = filterset.qs if filterset.is_bound else base
    page = Paginator(
        qs.select_related("ibu", "dukun", "bidan", "fasilitas_tujuan", "kelurahan").order_by("-waktu_rujuk", "-pk"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    for r in page:
        r.lama_sampai_teks = lama_teks(r.lama_sampai)
        r.warna_status = WARNA_STATUS.get(r.status, "secondary")
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "kia/rujukan_list.html", {
        "filter": filterset,
        "page_obj": page,
        "ringkasan": qs.ringkasan(),
        "query": query.urlencode(),
        "banyak_puskesmas": Puskesmas.objects.visible_to(user).count() > 1,
    })


# --- Detail and status ----------------------------------------------------------------------------


def _konteks_detail(request, rujukan: Rujukan, *, form_gagal: StatusRujukanForm | None = None) -> dict:
    user = request.user
    can_edit = Rujukan.objects.writable_by(user).filter(pk=rujukan.pk).exists()
    pilihan = rujukan.langkah_berikut()
    langkah_forms = []
    if can_edit:
        for langkah in pilihan:
            if form_gagal is not None and form_gagal.langkah == langkah:
                langkah_forms.append(form_gagal)
            else:
                langkah_forms.append(StatusRujukanForm(pilihan=pilihan, langkah=langkah))
    galat_lain = None
    if form_gagal is not None and form_gagal.langkah not in pilihan:
        galat_lain = form_gagal
    return {
        "rujukan": rujukan,
        "lihat_nik": access.boleh_lihat_nik(user),
        "warna_status": WARNA_STATUS.get(rujukan.status, "secondary"),
        "lama_sampai": lama_teks(rujukan.lama_sampai),
        "lama_ditangani": lama_teks(rujukan.waktu_ditangani - rujukan.waktu_diterima)
        if rujukan.waktu_ditangani and rujukan.waktu_diterima else "",
        "ibu_terlihat": Ibu.objects.visible_to(user).filter(pk=rujukan.ibu_id).exists(),
        "can_edit": can_edit,
        "langkah_forms": langkah_forms,
        "galat_langkah": galat_lain,
        "riwayat": riwayat_perubahan(rujukan),
    }


@login_required
def rujukan_detail(request, pk):
    rujukan = _rujukan(request, pk)
    with zona_puskesmas(rujukan.puskesmas):
        return render(request, "kia/rujukan_detail.html", _konteks_detail(request, rujukan))


@login_required
@require_POST
def rujukan_status(request, pk):
    """One step forward (arrived, handled, refused, did not arrive); a refused step changes nothing: 400."""
    rujukan = _rujukan(request, pk, tulis=True)
    with zona_puskesmas(rujukan.puskesmas):
        langkah = request.POST.get("status", "")
        if langkah not in StatusRujukan.values:
            langkah = ""  # the form answers "choose a step" (it also names the form's ids: never raw input)
        form = StatusRujukanForm(request.POST, pilihan=rujukan.langkah_berikut(), langkah=langkah)
        if form.is_valid() and form.panggil_layanan(rujukan_ubah_status, rujukan=rujukan, **form.data_layanan()):
            messages.success(request, _("Status rujukan %(ibu)s: %(status)s.") % {
                "ibu": rujukan.ibu.nama, "status": StatusRujukan(langkah).label})
            return redirect("kia:rujukan_detail", pk=rujukan.pk)
        rujukan.refresh_from_db()
        return render(request, "kia/rujukan_detail.html", _konteks_detail(request, rujukan, form_gagal=form),
                      status=400)


# --- Create and edit ----------------------------------------------------------------------------


def _form(request, form, ibu: Ibu, rujukan: Rujukan | None, *, konflik=None):
    return render(request, "kia/rujukan_form.html", {"form": form, "ibu": ibu, "rujukan": rujukan,
                                                     "konflik": konflik},
                  status=409 if konflik else 400 if form.errors else 200)


@login_required
def rujukan_create_view(request, ibu):
    user = request.user
    ibu = access.get_in_scope(
        Ibu.objects.visible_to(user).select_related("puskesmas"), ibu, writable=Ibu.objects.writable_by(user)
    )
    with zona_puskesmas(ibu.puskesmas):
        form = RujukanForm(request.POST if request.method == "POST" else None, user=user, ibu=ibu)
        if request.method == "POST" and form.is_valid():
            rujukan, baru = buat_sekali(Rujukan.objects.all(), form.cleaned_data.get("token_kirim"), lambda: (
                form.panggil_layanan(rujukan_create, ibu=ibu, dicatat_oleh=user, **form.cleaned_data)))
            if rujukan is not None:
                if baru:
                    messages.success(request, _("Rujukan %(ibu)s dicatat.") % {"ibu": ibu.nama})
                else:
                    messages.info(request, PESAN_SUDAH_TERSIMPAN)
                return redirect("kia:rujukan_detail", pk=rujukan.pk)
        return _form(request, form, ibu, None)


@login_required
def rujukan_update_view(request, pk):
    rujukan = _rujukan(request, pk, tulis=True)
    with zona_puskesmas(rujukan.puskesmas):
        form = RujukanForm(request.POST if request.method == "POST" else None, instance=rujukan,
                           user=request.user, ibu=rujukan.ibu)
        if request.method == "POST" and form.is_valid():
            try:
                disimpan = form.panggil_layanan(rujukan_update, rujukan=rujukan, **form.cleaned_data) is not None
            except VersiBerubah:
                rujukan = _rujukan(request, pk, tulis=True)
                beda = konflik(form, rujukan)
                if beda is not None:
                    return _form(request, form, rujukan.ibu, rujukan, konflik=beda)
                disimpan = True  # what she sent is what is saved now: nothing of hers is lost
            if disimpan:
                messages.success(request, _("Perubahan data rujukan disimpan."))
                return redirect("kia:rujukan_detail", pk=rujukan.pk)
            rujukan.refresh_from_db()
        return _form(request, form, rujukan.ibu, rujukan)


# --- The referral slip ------------------------------------------------------------------------------


@login_required
def rujukan_pdf(request, pk):
    """The referral slip the mother carries, printed in the request; named without her name or NIK."""
    rujukan = _rujukan(request, pk)
    kehamilan = rujukan.kehamilan or selectors.kehamilan_terakhir(rujukan.ibu)
    # Read where she is referred to, in Indonesian whatever the interface language.
    with translation.override("id"), zona_puskesmas(rujukan.puskesmas):
        content = render_pdf("laporan/surat_rujukan_pdf.html", {
            "rujukan": rujukan,
            "ibu": rujukan.ibu,
            "kehamilan": kehamilan,
            "lihat_nik": access.boleh_lihat_nik(request.user),
            "dari_dukun": rujukan.jenis == JenisRujukan.DUKUN_KE_BIDAN,
            "tanda_bahaya": [(label, value in rujukan.tanda_bahaya) for value, label in TandaBahaya.choices],
            "dicetak_pada": timezone.now(),
        })
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="surat-rujukan-{rujukan.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
