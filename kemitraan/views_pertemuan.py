"""Meetings: list, plan, detail with attendance (one tap each, htmx), uploads and follow-ups.

Scope: a meeting belongs to its organising Puskesmas. Everyone who reads that Puskesmas reads its
meetings (404 outside); its bidan koordinator and the administrator write (403 for the others).
Every htmx endpoint also answers a plain POST (no JavaScript) with a redirect back to the meeting.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dukun.models import Dukun
from kemitraan.forms_pertemuan import (
    BatalForm,
    HadirForm,
    HapusForm,
    LampiranForm,
    PelaksanaanForm,
    PertemuanFilter,
    PertemuanForm,
    PesertaLintasSektorForm,
    TindakLanjutFilter,
    TindakLanjutForm,
    TutupTindakLanjutForm,
)
from kemitraan.models import (
    LampiranPertemuan,
    PeranPenanggungJawab,
    Pertemuan,
    PesertaLintasSektor,
    StatusPertemuan,
    StatusTindakLanjut,
    TindakLanjut,
)
from kemitraan.services_pertemuan import (
    TIPE_PDF,
    bidan_undangan,
    dukun_undangan,
    jumlah_hadir,
    kehadiran_bidan_set,
    kehadiran_dukun_set,
    lampiran_hapus,
    lampiran_unggah,
    pertemuan_batalkan,
    pertemuan_create,
    pertemuan_hapus,
    pertemuan_laksanakan,
    pertemuan_sebelumnya,
    pertemuan_update,
    peserta_lintas_sektor_hapus,
    peserta_lintas_sektor_tambah,
    tindak_lanjut_create,
    tindak_lanjut_tutup,
    with_jumlah,
    with_waktu,
)
from puskesmas import access
from puskesmas.history import riwayat_perubahan
from puskesmas.models import Bidan, Puskesmas, Role
from puskesmas.versi import PESAN_SUDAH_TERSIMPAN, VersiBerubah, buat_sekali, konflik

PAGE_SIZE = 25
# The owner role of a follow-up that a user of each role answers for ("Tindak lanjut saya").
PERAN_PENGGUNA = {
    Role.BIDAN_KOORDINATOR: PeranPenanggungJawab.BIDAN_KOORDINATOR,
    Role.KEPALA_PUSKESMAS: PeranPenanggungJawab.KEPALA_PUSKESMAS,
}


def _query_tanpa_halaman(data) -> str:
    query = data.copy()
    query.pop("page", None)
    return query.urlencode()


def _post_atau_none(request):
    """The submitted data on POST (even an empty one, which must fail validation), else None."""
    return request.POST if request.method == "POST" else None


def _pertemuan(request, pk, *, tulis: bool = False) -> Pertemuan:
    """The meeting: 404 outside the read scope, 403 when writing is asked of a read-only role."""
    user = request.user
    return access.get_in_scope(
        Pertemuan.objects.visible_to(user).select_related("puskesmas", "dibuat_oleh"), pk,
        writable=Pertemuan.objects.writable_by(user) if tulis else None,
    )


def _url_detail(pertemuan: Pertemuan, bagian: str = "") -> str:
    url = reverse("pertemuan:detail", args=[pertemuan.pk])
    return f"{url}#{bagian}" if bagian else url


# --- List ---------------------------------------------------------------------------------------


@login_required
def pertemuan_list(request):
    user = request.user
    base = with_waktu(Pertemuan.objects.visible_to(user))
    filterset = PertemuanFilter(request.GET or None, queryset=base, user=user)
    qs = filterset.qs if filterset.is_bound else base
    page = Paginator(
        with_jumlah(qs).select_related("puskesmas").order_by("-waktu_urut", "-pk"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    ringkasan = qs.aggregate(
        jumlah=Count("pk"),
        direncanakan=Count("pk", filter=Q(status=StatusPertemuan.DIRENCANAKAN)),
        terlaksana=Count("pk", filter=Q(status=StatusPertemuan.TERLAKSANA)),
        batal=Count("pk", filter=Q(status=StatusPertemuan.BATAL)),
        terlambat=Count("pk", filter=Q(status=StatusPertemuan.DIRENCANAKAN, waktu_rencana__lt=timezone.now())),
    )
    puskesmas = None
    if filterset.is_bound and filterset.is_valid():
        puskesmas = filterset.form.cleaned_data.get("puskesmas")
    return render(request, "kemitraan/pertemuan_list.html", {
        "filter": filterset,
        "page_obj": page,
        "ringkasan": ringkasan,
        "query": _query_tanpa_halaman(request.GET),
        "banyak_puskesmas": Puskesmas.objects.visible_to(user).count() > 1,
        "puskesmas": puskesmas,
        "can_create": access.registry_writable_puskesmas_ids(user).exists(),
    })


# --- Detail -------------------------------------------------------------------------------------


def _konteks_detail(request, pertemuan: Pertemuan, **extra) -> dict:
    user = request.user
    can_edit = Pertemuan.objects.writable_by(user).filter(pk=pertemuan.pk).exists()
    terbuka_untuk_dicatat = can_edit and pertemuan.status != StatusPertemuan.BATAL
    bidan = list(bidan_undangan(pertemuan))
    dukun = list(dukun_undangan(pertemuan))
    peserta = list(pertemuan.peserta_lintas_sektor.order_by("kategori", "nama", "pk"))
    jumlah = {
        "bidan": sum(1 for b in bidan if b.hadir),
        "dukun": sum(1 for d in dukun if d.hadir),
        "lintas_sektor": len(peserta),
    }
    if not terbuka_untuk_dicatat:
        # Readers (and a cancelled meeting) see who came, not the roster to tick.
        bidan = [b for b in bidan if b.hadir]
        dukun = [d for d in dukun if d.hadir]
    sebelumnya = pertemuan_sebelumnya(pertemuan)
    konteks = {
        "pertemuan": pertemuan,
        "can_edit": can_edit,
        "bisa_dicatat": terbuka_untuk_dicatat,
        "bidan_list": bidan,
        "dukun_list": dukun,
        "peserta_list": peserta,
        "jumlah": jumlah,
        "lampiran_list": list(pertemuan.lampiran.select_related("diunggah_oleh").order_by("diunggah_pada", "pk")),
        "tindak_lanjut_list": list(
            pertemuan.tindak_lanjut.select_related("penanggung_jawab_bidan").order_by("tenggat", "pk")
        ),
        "sebelumnya": sebelumnya,
        "tindak_lanjut_sebelumnya": list(
            sebelumnya.tindak_lanjut.terbuka().select_related("penanggung_jawab_bidan").order_by("tenggat", "pk")
        ) if sebelumnya else [],
        "riwayat": riwayat_perubahan(pertemuan),
        "hari_ini": timezone.localdate(),
        "lintas_form": PesertaLintasSektorForm(),
        "lampiran_form": LampiranForm(),
        "tl_form": TindakLanjutForm(pertemuan=pertemuan) if terbuka_untuk_dicatat else None,
    }
    konteks.update(extra)
    return konteks


def _detail(request, pertemuan: Pertemuan, *, status: int = 200, **extra):
    return render(request, "kemitraan/pertemuan_detail.html", _konteks_detail(request, pertemuan, **extra),
                  status=status)


@login_required
def pertemuan_detail(request, pk):
    return _detail(request, _pertemuan(request, pk))


# --- Plan, edit, record as held, cancel, delete ----------------------------------------------------


def _halaman_form(request, form, *, judul: str, cancel_url: str, pertemuan: Pertemuan | None = None,
                  keterangan: str = "", konflik=None):
    return render(request, "kemitraan/pertemuan_form.html", {
        "form": form, "judul": judul, "cancel_url": cancel_url, "pertemuan": pertemuan, "keterangan": keterangan,
        "konflik": konflik,
    }, status=409 if konflik else 400 if form.errors else 200)


@login_required
def pertemuan_create_view(request):
    user = request.user
    if not access.registry_writable_puskesmas_ids(user).exists():
        raise PermissionDenied
    initial = {"puskesmas": request.GET.get("puskesmas")} if request.GET.get("puskesmas") else {}
    form = PertemuanForm(_post_atau_none(request), user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            pertemuan, baru = buat_sekali(Pertemuan.objects.all(), form.cleaned_data.get("token_kirim"),
                                          lambda: pertemuan_create(dibuat_oleh=user, **form.cleaned_data))
        except ValidationError as exc:
            form.tempel_galat(exc)
        else:
            if baru:
                messages.success(request, _("Pertemuan direncanakan: %(pertemuan)s.") % {"pertemuan": pertemuan})
            else:
                messages.info(request, PESAN_SUDAH_TERSIMPAN)
            return redirect("pertemuan:detail", pk=pertemuan.pk)
    return _halaman_form(request, form, judul=_("Rencanakan pertemuan"), cancel_url=reverse("pertemuan:list"))


@login_required
def pertemuan_update_view(request, pk):
    pertemuan = _pertemuan(request, pk, tulis=True)
    form = PertemuanForm(_post_atau_none(request), instance=pertemuan, user=request.user)
    beda = None
    if request.method == "POST" and form.is_valid():
        try:
            pertemuan_update(pertemuan=pertemuan, **form.cleaned_data)
        except VersiBerubah:
            pertemuan = _pertemuan(request, pk, tulis=True)
            beda = konflik(form, pertemuan)
        except ValidationError as exc:
            form.tempel_galat(exc)
        if beda is None and not form.errors:
            messages.success(request, _("Perubahan rencana pertemuan disimpan."))
            return redirect("pertemuan:detail", pk=pertemuan.pk)
    return _halaman_form(request, form, judul=_("Ubah rencana pertemuan"), pertemuan=pertemuan,
                         cancel_url=_url_detail(pertemuan), konflik=beda)


@login_required
def pertemuan_laksanakan_view(request, pk):
    pertemuan = _pertemuan(request, pk, tulis=True)
    awal = pertemuan.waktu_pelaksanaan or (pertemuan.waktu_rencana if pertemuan.waktu_rencana <= timezone.now()
                                             else None)
    form = PelaksanaanForm(_post_atau_none(request), initial={"waktu_pelaksanaan": awal, "notulen": pertemuan.notulen},
                           versi=pertemuan.versi)
    beda = None
    if request.method == "POST" and form.is_valid():
        try:
            pertemuan_laksanakan(pertemuan=pertemuan, **form.cleaned_data)
        except VersiBerubah:
            pertemuan = _pertemuan(request, pk, tulis=True)
            beda = konflik(form, pertemuan)
        except ValidationError as exc:
            pertemuan.refresh_from_db()
            form.tempel_galat(exc)
        if beda is None and not form.errors:
            messages.success(request, _("Pertemuan dicatat terlaksana."))
            return redirect("pertemuan:detail", pk=pertemuan.pk)
    return _halaman_form(
        request, form, judul=_("Catat pelaksanaan pertemuan"), pertemuan=pertemuan, cancel_url=_url_detail(pertemuan),
        keterangan=_("Kehadiran, lampiran dan tindak lanjut dicatat di halaman pertemuan."), konflik=beda,
    )


@login_required
def pertemuan_batal_view(request, pk):
    pertemuan = _pertemuan(request, pk, tulis=True)
    form = BatalForm(_post_atau_none(request))
    if request.method == "POST" and form.is_valid():
        try:
            pertemuan_batalkan(pertemuan=pertemuan, alasan=form.cleaned_data["alasan"])
        except ValidationError as exc:
            pertemuan.refresh_from_db()
            form.tempel_galat(exc)
        else:
            messages.success(request, _("Pertemuan dibatalkan."))
            return redirect("pertemuan:detail", pk=pertemuan.pk)
    return _halaman_form(
        request, form, judul=_("Batalkan pertemuan"), pertemuan=pertemuan, cancel_url=_url_detail(pertemuan),
        keterangan=_("Pertemuan yang dibatalkan tetap tercatat (tidak dihapus) dan dihitung sebagai tidak terlaksana."),
    )


@login_required
def pertemuan_hapus_view(request, pk):
    pertemuan = _pertemuan(request, pk, tulis=True)
    tindak_lanjut = pertemuan.tindak_lanjut.aggregate(
        jumlah=Count("pk"), terbuka=Count("pk", filter=Q(status=StatusTindakLanjut.TERBUKA))
    )
    form = HapusForm(_post_atau_none(request), wajib=tindak_lanjut["jumlah"] > 0)
    if request.method == "POST" and form.is_valid():
        puskesmas_id = pertemuan.puskesmas_id
        keterangan = str(pertemuan)
        try:
            pertemuan_hapus(pertemuan=pertemuan)
        except ValidationError as exc:  # e.g. the month's report was approved: nothing deleted
            form.add_error(None, exc)
        else:
            messages.success(request, _("Pertemuan %(pertemuan)s dihapus. Riwayatnya tetap tersimpan.")
                             % {"pertemuan": keterangan})
            return redirect(f"{reverse('pertemuan:list')}?puskesmas={puskesmas_id}")
    return render(request, "kemitraan/pertemuan_hapus.html", {
        "pertemuan": pertemuan,
        "form": form,
        "tindak_lanjut": tindak_lanjut,
        "jumlah": jumlah_hadir(pertemuan),
        "jumlah_lampiran": pertemuan.lampiran.count(),
        "jumlah_pengeluaran": pertemuan.pengeluaran.count(),
    }, status=400 if form.errors else 200)


# --- Attendance (htmx, with a plain POST fallback) --------------------------------------------------


def _jumlah_oob(request, pertemuan: Pertemuan) -> dict:
    return {"jumlah": jumlah_hadir(pertemuan), "oob": bool(request.htmx)}


def _hadir(request, pertemuan: Pertemuan, orang, jenis: str, layanan):
    form = HadirForm(request.POST)
    galat = ""
    if not form.is_valid():
        galat = _("Permintaan tidak lengkap. Muat ulang halaman lalu coba lagi.")
    else:
        try:
            orang.hadir = layanan(pertemuan=pertemuan, hadir=form.cleaned_data["hadir"], **{jenis: orang})
        except ValidationError as exc:
            galat = " ".join(exc.messages)
    if not galat and not request.htmx:
        return redirect(_url_detail(pertemuan, f"hadir-{jenis}-{orang.pk}"))
    if not request.htmx:
        return _detail(request, pertemuan, status=400, galat_kehadiran=galat)
    if galat:
        orang.hadir = pertemuan.kehadiran_bidan.filter(bidan=orang).exists() if jenis == "bidan" \
            else pertemuan.kehadiran_dukun.filter(dukun=orang).exists()
    return render(request, "kemitraan/partials/kehadiran_baris.html", {
        "pertemuan": pertemuan, "orang": orang, "jenis": jenis, "bisa_dicatat": True, "galat": galat,
        **_jumlah_oob(request, pertemuan),
    }, status=400 if galat else 200)


@login_required
@require_POST
def hadir_bidan(request, pk, bidan_pk):
    pertemuan = _pertemuan(request, pk, tulis=True)
    # Only a bidan of the organising Puskesmas can be found here: anyone else is "not found".
    bidan = get_object_or_404(Bidan.objects.filter(puskesmas=pertemuan.puskesmas_id).select_related("fasilitas"),
                              pk=bidan_pk)
    return _hadir(request, pertemuan, bidan, "bidan", kehadiran_bidan_set)


@login_required
@require_POST
def hadir_dukun(request, pk, dukun_pk):
    pertemuan = _pertemuan(request, pk, tulis=True)
    dukun = get_object_or_404(Dukun.objects.filter(kelurahan__puskesmas=pertemuan.puskesmas_id)
                              .select_related("kelurahan"), pk=dukun_pk)
    return _hadir(request, pertemuan, dukun, "dukun", kehadiran_dukun_set)


def _lintas_sektor(request, pertemuan: Pertemuan, form, *, berhasil: bool, pesan: str):
    if request.htmx:
        return render(request, "kemitraan/partials/kehadiran_lintas_sektor.html", {
            "pertemuan": pertemuan,
            "peserta_list": pertemuan.peserta_lintas_sektor.order_by("kategori", "nama", "pk"),
            "lintas_form": PesertaLintasSektorForm() if berhasil else form,
            "bisa_dicatat": True,
            **_jumlah_oob(request, pertemuan),
        }, status=200 if berhasil else 400)
    if berhasil:
        messages.success(request, pesan)
        return redirect(_url_detail(pertemuan, "lintas-sektor"))
    return _detail(request, pertemuan, status=400, lintas_form=form)


@login_required
@require_POST
def lintas_sektor_tambah(request, pk):
    pertemuan = _pertemuan(request, pk, tulis=True)
    form = PesertaLintasSektorForm(request.POST)
    berhasil = False
    if form.is_valid():
        try:
            peserta_lintas_sektor_tambah(pertemuan=pertemuan, **form.cleaned_data)
            berhasil = True
        except ValidationError as exc:
            form.tempel_galat(exc)
    nama = form.cleaned_data.get("nama", "") if berhasil else ""
    return _lintas_sektor(request, pertemuan, form, berhasil=berhasil,
                          pesan=_("%(nama)s dicatat hadir.") % {"nama": nama})


@login_required
@require_POST
def lintas_sektor_hapus(request, pk, peserta_pk):
    pertemuan = _pertemuan(request, pk, tulis=True)
    peserta = get_object_or_404(PesertaLintasSektor, pk=peserta_pk, pertemuan=pertemuan)
    form = PesertaLintasSektorForm()
    berhasil = True
    try:
        peserta_lintas_sektor_hapus(peserta=peserta)
    except ValidationError as exc:
        form.cleaned_data = {}  # an unbound form has none, and add_error needs it
        form.add_error(None, exc)
        berhasil = False
    return _lintas_sektor(request, pertemuan, form, berhasil=berhasil,
                          pesan=_("%(nama)s dihapus dari daftar hadir.") % {"nama": peserta.nama})


# --- Uploads ------------------------------------------------------------------------------------


@login_required
@require_POST
def lampiran_unggah_view(request, pk):
    pertemuan = _pertemuan(request, pk, tulis=True)
    form = LampiranForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            lampiran = lampiran_unggah(pertemuan=pertemuan, jenis=form.cleaned_data["jenis"],
                                       berkas=form.cleaned_data["berkas"], diunggah_oleh=request.user)
        except ValidationError as exc:
            form.tempel_galat(exc)
        else:
            messages.success(request, _("Lampiran %(nama)s diunggah.") % {"nama": lampiran.nama_asli})
            return redirect(_url_detail(pertemuan, "lampiran"))
    return _detail(request, pertemuan, status=400, lampiran_form=form)


def _lampiran_terlihat(user):
    return access.filter_by_puskesmas(LampiranPertemuan.objects.all(), user, field="pertemuan__puskesmas")


@login_required
def lampiran_unduh(request, pk):
    """The file itself, only to users who see its meeting (404 for anyone else, whatever the URL)."""
    lampiran = access.get_in_scope(_lampiran_terlihat(request.user), pk)
    try:
        berkas = lampiran.berkas.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    gambar = lampiran.tipe_konten != TIPE_PDF
    response = FileResponse(
        berkas, content_type=lampiran.tipe_konten, filename=lampiran.nama_asli,
        # Photos open in the browser; a PDF is downloaded (never rendered from a sandboxed response).
        as_attachment=not gambar or request.GET.get("unduh") == "1",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    return response


@login_required
@require_POST
def lampiran_hapus_view(request, pk):
    lampiran = access.get_in_scope(
        _lampiran_terlihat(request.user).select_related("pertemuan"), pk,
        writable=LampiranPertemuan.objects.filter(pertemuan__in=Pertemuan.objects.writable_by(request.user)),
    )
    pertemuan = lampiran.pertemuan
    try:
        lampiran_hapus(lampiran=lampiran)
    except ValidationError as exc:
        return _detail(request, _pertemuan(request, pertemuan.pk), status=400, galat_lampiran=" ".join(exc.messages))
    messages.success(request, _("Lampiran %(nama)s dihapus.") % {"nama": lampiran.nama_asli})
    return redirect(_url_detail(pertemuan, "lampiran"))


# --- Follow-ups ---------------------------------------------------------------------------------


@login_required
@require_POST
def tindak_lanjut_tambah(request, pk):
    pertemuan = _pertemuan(request, pk, tulis=True)
    form = TindakLanjutForm(request.POST, pertemuan=pertemuan)
    if form.is_valid():
        try:
            tindak_lanjut_create(pertemuan=pertemuan, **form.data_layanan())
        except ValidationError as exc:
            form.tempel_galat(exc)
        else:
            messages.success(request, _("Tindak lanjut dicatat."))
            return redirect(_url_detail(pertemuan, "tindak-lanjut"))
    return _detail(request, pertemuan, status=400, tl_form=form)


def _tujuan_kembali(request, cadangan: str) -> str:
    tujuan = request.POST.get("next") or request.GET.get("next") or ""
    if tujuan.startswith("/") and url_has_allowed_host_and_scheme(tujuan, allowed_hosts={request.get_host()}):
        return tujuan
    return cadangan


@login_required
def tindak_lanjut_tutup_view(request, pk):
    user = request.user
    tindak_lanjut = access.get_in_scope(
        TindakLanjut.objects.visible_to(user).select_related(
            "pertemuan", "pertemuan__puskesmas", "penanggung_jawab_bidan"
        ),
        pk, writable=TindakLanjut.objects.writable_by(user),
    )
    kembali = _tujuan_kembali(request, _url_detail(tindak_lanjut.pertemuan, "tindak-lanjut"))
    form = TutupTindakLanjutForm(_post_atau_none(request))
    if request.method == "POST" and form.is_valid():
        try:
            tindak_lanjut_tutup(tindak_lanjut=tindak_lanjut, **form.cleaned_data)
        except ValidationError as exc:
            tindak_lanjut.refresh_from_db()
            form.tempel_galat(exc)
        else:
            messages.success(request, _("Tindak lanjut ditutup: %(status)s.")
                             % {"status": tindak_lanjut.get_status_display()})
            return redirect(kembali)
    return render(request, "kemitraan/tindak_lanjut_tutup.html", {
        "tindak_lanjut": tindak_lanjut, "form": form, "cancel_url": kembali, "next": kembali,
        "sudah_ditutup": tindak_lanjut.status != StatusTindakLanjut.TERBUKA,
    }, status=400 if form.errors else 200)


def _daftar_tindak_lanjut(request, base, *, judul: str, saya: bool, keterangan: str = ""):
    user = request.user
    data = request.GET.copy()
    if "status" not in data:
        data["status"] = StatusTindakLanjut.TERBUKA  # what needs doing, unless asked otherwise
    filterset = TindakLanjutFilter(data, queryset=base, user=user, pemilik=not saya)
    qs = filterset.qs
    page = Paginator(
        qs.select_related("pertemuan", "pertemuan__puskesmas", "penanggung_jawab_bidan").order_by("tenggat", "pk"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    cakupan = base
    if filterset.is_valid() and filterset.form.cleaned_data.get("puskesmas"):
        cakupan = base.filter(pertemuan__puskesmas=filterset.form.cleaned_data["puskesmas"])
    hari_ini = timezone.localdate()
    ringkasan = cakupan.aggregate(
        terbuka=Count("pk", filter=Q(status=StatusTindakLanjut.TERBUKA)),
        terlambat=Count("pk", filter=Q(status=StatusTindakLanjut.TERBUKA, tenggat__lt=hari_ini)),
        selesai=Count("pk", filter=Q(status=StatusTindakLanjut.SELESAI)),
        batal=Count("pk", filter=Q(status=StatusTindakLanjut.BATAL)),
    )
    return render(request, "kemitraan/tindak_lanjut_list.html", {
        "judul": judul,
        "keterangan": keterangan,
        "saya": saya,
        "filter": filterset,
        "page_obj": page,
        "ringkasan": ringkasan,
        "query": _query_tanpa_halaman(data),
        "banyak_puskesmas": Puskesmas.objects.visible_to(user).count() > 1,
        "can_edit": access.registry_writable_puskesmas_ids(user).exists(),
        "hari_ini": hari_ini,
        "kembali": request.get_full_path(),
    })


@login_required
def tindak_lanjut_list(request):
    return _daftar_tindak_lanjut(request, TindakLanjut.objects.visible_to(request.user), judul=_("Tindak lanjut"),
                                 saya=False)


@login_required
def tindak_lanjut_saya(request):
    """A bidan's own actions; a bikor's or a head's, the actions given to their role at their Puskesmas."""
    user = request.user
    base = TindakLanjut.objects.visible_to(user)
    bidan = access.bidan_profile(user)
    if bidan is not None:
        base = base.filter(penanggung_jawab_bidan=bidan)
        keterangan = _("Tindak lanjut dengan Anda sebagai penanggung jawab.")
    elif user.role in PERAN_PENGGUNA and not user.is_administrator:
        base = base.filter(penanggung_jawab_peran=PERAN_PENGGUNA[user.role], pertemuan__puskesmas=user.puskesmas_id)
        keterangan = _("Tindak lanjut dengan peran %(peran)s sebagai penanggung jawab.") % {"peran": user.role_label}
    else:
        base = base.none()
        keterangan = _("Halaman ini untuk bidan, bidan koordinator dan Kepala Puskesmas. "
                       "Lihat semua tindak lanjut di halaman Tindak lanjut.")
    return _daftar_tindak_lanjut(request, base, judul=_("Tindak lanjut saya"), saya=True, keterangan=keterangan)
