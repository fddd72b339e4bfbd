"""Deliveries with their babies, a baby's later data, and the alerts with their case review.

Scope: a delivery belongs to the kelurahan where the mother lived when it was recorded. Everyone who
reads that kelurahan reads it (404 outside); the bidan koordinator of its Puskesmas, the bidan of the
village and the administrator write (403 for Kepala Puskesmas and Dinkes). A case review is written
and closed by the bidan koordinator and the Kepala Puskesmas; the others in scope read it.
Every write goes through `kia.services`.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Prefetch, Q, Value, When
from django.forms.formsets import DELETION_FIELD_NAME
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Aksi
from audit.services import catat
from kemitraan.models import Kemitraan
from kemitraan.services_kemitraan import pembagian_jasa_teks
from kia import services
from kia.forms_persalinan import (
    MAKS_BAYI,
    BayiFormSet,
    BayiLanjutForm,
    KajianFilter,
    KajianForm,
    PersalinanFilter,
    PersalinanForm,
    bayi_awal,
)
from kia.models import (
    JENDELA_KF,
    JENDELA_KN,
    Bayi,
    Ibu,
    KajianKasus,
    Persalinan,
    StatusKajian,
    StatusLahir,
)
from puskesmas import access
from puskesmas.history import riwayat_perubahan
from puskesmas.versi import PESAN_SUDAH_TERSIMPAN, Perbedaan, VersiBerubah, bandingkan, buat_sekali, konflik

PAGE_SIZE = 25
PREFIX_BAYI = "bayi"


def _query_tanpa_halaman(data) -> str:
    query = data.copy()
    query.pop("page", None)
    return query.urlencode()


def _persen(bagian: int, jumlah: int) -> float | None:
    return 100 * bagian / jumlah if jumlah else None


# --- List ---------------------------------------------------------------------------------------------


@login_required
def persalinan_list(request):
    user = request.user
    base = Persalinan.objects.visible_to(user)
    filterset = PersalinanFilter(request.GET or None, queryset=base, user=user)
    qs = filterset.qs if filterset.is_bound else base
    page = Paginator(
        qs.select_related("ibu", "kelurahan", "bidan", "dukun")
        .prefetch_related(Prefetch("bayi", queryset=Bayi.objects.order_by("urutan")))
        .order_by("-tanggal", "-jam", "-pk"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    for p in page:  # from the prefetched babies of this page: no query
        hidup = [b for b in p.bayi.all() if b.status_lahir == StatusLahir.LAHIR_HIDUP]
        p.bayi_hidup, p.bayi_kn_lengkap = len(hidup), sum(b.kn_lengkap for b in hidup)
    ringkasan = qs.ringkasan()
    ringkasan["persen_nakes"] = _persen(ringkasan["nakes"], ringkasan["jumlah"])
    ringkasan["persen_fasilitas"] = _persen(ringkasan["fasilitas"], ringkasan["jumlah"])
    return render(request, "kia/persalinan_list.html", {
        "filter": filterset,
        "page_obj": page,
        "ringkasan": ringkasan,
        "ringkasan_bayi": Bayi.objects.filter(persalinan__in=qs.values("pk")).ringkasan(),
        "query": _query_tanpa_halaman(request.GET),
        "boleh_lihat_nik": access.boleh_lihat_nik(user),
    })


# --- Detail -----------------------------------------------------------------------------------------


def _kunjungan(obj, lahir: dt.date, jendela: dict, *, batas: dt.date | None = None) -> list[dict]:
    """Each visit with its window, for the detail page. `batas`: a death, after which no visit is due."""
    hari_ini = timezone.localdate()
    rows = []
    for name, (first, last) in jendela.items():
        mulai, akhir = lahir + dt.timedelta(days=first), lahir + dt.timedelta(days=last)
        tanggal = getattr(obj, name)
        if tanggal:
            keadaan = "selesai"
        elif batas is not None and batas < mulai:
            keadaan = "tidak_berlaku"
        elif hari_ini > akhir:
            keadaan = "terlewat"
        elif hari_ini >= mulai:
            keadaan = "sekarang"
        else:
            keadaan = "nanti"
        rows.append({
            "nama": name.upper(), "tanggal": tanggal, "mulai": mulai, "akhir": akhir,
            "hari_pertama": first, "hari_terakhir": last, "keadaan": keadaan,
            "hari_ke": (tanggal - lahir).days if tanggal else None,
        })
    return rows


@login_required
def persalinan_detail(request, pk):
    user = request.user
    persalinan = access.get_in_scope(
        Persalinan.objects.visible_to(user).select_related(
            "ibu", "kelurahan", "kelurahan__kecamatan", "puskesmas", "fasilitas", "bidan", "bidan__fasilitas",
            "dukun", "dukun__kelurahan", "kemitraan", "kemitraan__bidan", "kemitraan__dukun", "rujukan",
            "rujukan__dukun", "kehamilan", "dicatat_oleh",
        ),
        pk,
    )
    catat(aksi=Aksi.LIHAT_PERSALINAN, request=request, objek=persalinan)  # the delivery and its babies
    bayi_list = list(persalinan.bayi.order_by("urutan"))
    for b in bayi_list:
        b.kunjungan = (
            _kunjungan(b, persalinan.tanggal, JENDELA_KN, batas=b.tanggal_meninggal)
            if b.status_lahir == StatusLahir.LAHIR_HIDUP else []
        )
        b.riwayat = riwayat_perubahan(b)
    kemitraan = persalinan.kemitraan
    return render(request, "kia/persalinan_detail.html", {
        "persalinan": persalinan,
        "ibu": persalinan.ibu,
        "umur_ibu": persalinan.ibu.umur_pada(persalinan.tanggal),
        "bayi_list": bayi_list,
        "kunjungan_nifas": _kunjungan(persalinan, persalinan.tanggal, JENDELA_KF,
                                      batas=persalinan.tanggal_meninggal_ibu),
        "kemitraan": kemitraan,
        "kemitraan_terlihat": bool(kemitraan) and Kemitraan.objects.visible_to(user).filter(pk=kemitraan.pk).exists(),
        "pembagian_jasa": pembagian_jasa_teks(kemitraan) if kemitraan else "",
        "kajian_list": list(
            KajianKasus.objects.visible_to(user).filter(persalinan=persalinan).select_related("bayi")
            .order_by("dibuat_pada", "pk")
        ),
        "can_edit": Persalinan.objects.writable_by(user).filter(pk=persalinan.pk).exists(),
        "boleh_lihat_nik": access.boleh_lihat_nik(user),
        "riwayat": riwayat_perubahan(persalinan),
    })


# --- Create and edit a delivery with its babies -----------------------------------------------------


def _jumlah_bayi(value) -> int:
    try:
        return min(max(int(value), 1), MAKS_BAYI)
    except (TypeError, ValueError):
        return 1


def _bayi_untuk_layanan(formset, persalinan: Persalinan | None) -> tuple[list[dict], list[int], list[int]]:
    """The babies to keep or add (with the index of their form), and the ids to delete.

    A new baby on the edit page takes the next free order number, so it never collides with a twin
    already recorded.
    """
    urutan = dict(persalinan.bayi.values_list("pk", "urutan")) if persalinan else {}
    bayi, indeks, hapus = [], [], []
    for i, form in enumerate(formset.forms):
        pk = form.cleaned_data.get("id")
        if form.cleaned_data.get(DELETION_FIELD_NAME):
            if pk and pk in urutan:
                hapus.append(pk)
            continue
        bayi.append(form.data_layanan())
        indeks.append(i)
    if persalinan is not None:
        # Every baby recorded counts, also one added meanwhile from another page that this form does not show.
        dipakai = {u for pk, u in urutan.items() if pk not in hapus}
        berikut = max(dipakai, default=0) + 1
        for b in bayi:
            if not b.get("id"):
                b["urutan"] = berikut
                berikut += 1
    return bayi, indeks, hapus


def _tanpa_validasi(form, formset, *, ibu: Ibu, persalinan: Persalinan | None, user, tambah: int):
    """The same page again, with what was typed and `tambah` more baby forms, but no errors yet."""
    form_baru = PersalinanForm(
        instance=persalinan, user=user, ibu=ibu, initial={name: form[name].value() for name in form.fields}
    )
    awal = [{name: f[name].value() for name in f.fields} for f in formset.forms]
    awal += [{} for _ in range(tambah)]
    return form_baru, BayiFormSet(prefix=PREFIX_BAYI, initial=awal[:MAKS_BAYI], baru=persalinan is None)


def _halaman_persalinan(request, *, ibu: Ibu, persalinan: Persalinan | None = None):
    user = request.user
    if request.method != "POST":
        form = PersalinanForm(instance=persalinan, user=user, ibu=ibu)
        formset = BayiFormSet(prefix=PREFIX_BAYI, initial=bayi_awal(persalinan, _jumlah_bayi(request.GET.get("bayi"))),
                              baru=persalinan is None)
        return _render_form(request, form, formset, ibu=ibu, persalinan=persalinan)

    form = PersalinanForm(request.POST, instance=persalinan, user=user, ibu=ibu)
    formset = BayiFormSet(request.POST, prefix=PREFIX_BAYI, baru=persalinan is None)
    if "tambah_bayi" in request.POST:
        if not formset.management_form.is_valid():
            formset = BayiFormSet(prefix=PREFIX_BAYI, initial=bayi_awal(persalinan), baru=persalinan is None)
        form, formset = _tanpa_validasi(form, formset, ibu=ibu, persalinan=persalinan, user=user, tambah=1)
        return _render_form(request, form, formset, ibu=ibu, persalinan=persalinan)

    form_valid = form.is_valid()
    if formset.is_valid() and form_valid:
        bayi, indeks, hapus = _bayi_untuk_layanan(formset, persalinan)
        sebelum = set(persalinan.kajian.values_list("pk", flat=True)) if persalinan else set()
        baru = True
        try:
            if persalinan is None:
                hasil, baru = buat_sekali(Persalinan.objects.all(), form.cleaned_data.get("token_kirim"), lambda: (
                    services.persalinan_create(ibu=ibu, dicatat_oleh=user, bayi=bayi, **form.data_layanan())))
            else:
                # kemitraan=None: the partnership is looked up again from the (possibly corrected) bidan,
                # dukun and date.
                hasil = services.persalinan_update(
                    persalinan=persalinan, bayi=bayi, hapus_bayi=hapus, kemitraan=None, **form.data_layanan()
                )
        except VersiBerubah:
            terkini = Persalinan.objects.select_related("ibu").get(pk=persalinan.pk)
            beda = _konflik_persalinan(form, formset, terkini)
            if beda is not None:
                return _render_form(request, form, formset, ibu=ibu, persalinan=terkini, konflik=beda)
            messages.success(request, _("Perubahan data persalinan disimpan."))
            return redirect("kia:persalinan_detail", pk=persalinan.pk)
        except services.PersalinanTidakValid as exc:
            form.tempel_galat(exc.persalinan)
            for i, errors in exc.bayi.items():
                formset.forms[indeks[i]].tempel_galat(errors)
        else:
            if not baru:
                messages.info(request, PESAN_SUDAH_TERSIMPAN)
                return redirect("kia:persalinan_detail", pk=hasil.pk)
            if persalinan is None:
                messages.success(request, _("Persalinan %(ibu)s dicatat.") % {"ibu": ibu.nama})
            else:
                messages.success(request, _("Perubahan data persalinan disimpan."))
            _pesan_kajian(request, hasil.kajian.exclude(pk__in=sebelum))
            return redirect("kia:persalinan_detail", pk=hasil.pk)
    return _render_form(request, form, formset, ibu=ibu, persalinan=persalinan, status=400)


def _konflik_persalinan(form, formset, terkini: Persalinan):
    """The refused save of a delivery: its own fields, and each baby the form holds against the stored ones."""
    tersimpan = {b.pk: b for b in terkini.bayi.order_by("urutan")}
    beda, dikirim = [], set()
    for f in formset.forms:
        pk, hapus = f.cleaned_data.get("id"), f.cleaned_data.get(DELETION_FIELD_NAME)
        b = tersimpan.get(pk) if pk else None
        if pk:
            dikirim.add(pk)
        if b is None and pk:
            if not hapus:
                beda.append(Perbedaan(_("Bayi"), _("ada"), _("sudah dihapus")))
        elif b is None:
            if not hapus:
                beda.append(Perbedaan(_("Bayi baru"), _("ditambahkan"), "–"))
        elif hapus:
            beda.append(Perbedaan(_("Bayi ke-%(n)s") % {"n": b.urutan}, _("dihapus"), _("ada")))
        else:
            beda += bandingkan(f, b, awalan=_("Bayi ke-%(n)s: ") % {"n": b.urutan})
    for pk, b in tersimpan.items():
        if pk not in dikirim:
            beda.append(Perbedaan(_("Bayi ke-%(n)s") % {"n": b.urutan}, "–", _("ditambahkan")))
    return konflik(form, terkini, perbedaan=beda, riwayat=tersimpan.values())


def _render_form(request, form, formset, *, ibu: Ibu, persalinan: Persalinan | None, status: int = 200,
                 konflik=None):
    if konflik is not None:
        status = 409
    return render(request, "kia/persalinan_form.html", {
        "konflik": konflik,
        "form": form,
        "formset": formset,
        "ibu": ibu,
        "persalinan": persalinan,
        "boleh_lihat_nik": access.boleh_lihat_nik(request.user),
        "bisa_tambah_bayi": formset.total_form_count() < MAKS_BAYI,
        "ada_galat": status == 400,
    }, status=status)


def _pesan_kajian(request, kajian) -> None:
    jenis = [k.get_jenis_display() for k in kajian]
    if jenis:
        messages.warning(request, _(
            "Kejadian ini memerlukan kajian kasus (%(jenis)s). Bidan koordinator dan Kepala Puskesmas sudah "
            "diberi tahu."
        ) % {"jenis": ", ".join(jenis)})


@login_required
def persalinan_create_view(request, ibu):
    user = request.user
    ibu = access.get_in_scope(
        Ibu.objects.visible_to(user).select_related("kelurahan", "puskesmas"), ibu,
        writable=Ibu.objects.writable_by(user),
    )
    return _halaman_persalinan(request, ibu=ibu)


@login_required
def persalinan_update_view(request, pk):
    user = request.user
    persalinan = access.get_in_scope(
        Persalinan.objects.visible_to(user).select_related("ibu", "ibu__kelurahan", "ibu__puskesmas"), pk,
        writable=Persalinan.objects.writable_by(user),
    )
    return _halaman_persalinan(request, ibu=persalinan.ibu, persalinan=persalinan)


@login_required
def bayi_update_view(request, pk):
    user = request.user
    bayi = access.get_in_scope(
        Bayi.objects.visible_to(user).select_related("persalinan", "persalinan__ibu"), pk,
        writable=Bayi.objects.writable_by(user),
    )
    form = BayiLanjutForm(request.POST if request.method == "POST" else None, instance=bayi,
                          versi=bayi.persalinan.versi)
    beda = None
    if request.method == "POST" and form.is_valid():
        sebelum = set(bayi.persalinan.kajian.values_list("pk", flat=True))
        try:
            services.bayi_update(bayi=bayi, **form.cleaned_data)
        except VersiBerubah:
            bayi = Bayi.objects.select_related("persalinan", "persalinan__ibu").get(pk=bayi.pk)
            beda = konflik(form, bayi, riwayat=[bayi.persalinan], versi=bayi.persalinan.versi)
            if beda is None:
                messages.success(request, _("Data bayi ke-%(n)s disimpan.") % {"n": bayi.urutan})
                return redirect("kia:persalinan_detail", pk=bayi.persalinan_id)
        except ValidationError as exc:
            bayi.refresh_from_db()
            form.tempel_galat(exc)
        else:
            messages.success(request, _("Data bayi ke-%(n)s disimpan.") % {"n": bayi.urutan})
            _pesan_kajian(request, bayi.persalinan.kajian.exclude(pk__in=sebelum))
            return redirect("kia:persalinan_detail", pk=bayi.persalinan_id)
    return render(request, "kia/bayi_form.html", {
        "form": form,
        "bayi": bayi,
        "persalinan": bayi.persalinan,
        "ibu": bayi.persalinan.ibu,
        "boleh_lihat_nik": access.boleh_lihat_nik(user),
        "konflik": beda,
    }, status=409 if beda else 400 if form.errors else 200)


# --- Alerts and case reviews ---------------------------------------------------------------------------


@login_required
def kajian_list(request):
    user = request.user
    base = KajianKasus.objects.visible_to(user)
    filterset = KajianFilter(request.GET or None, queryset=base, user=user)
    qs = filterset.qs if filterset.is_bound else base
    terbuka_dulu = Case(When(status=StatusKajian.TERBUKA, then=Value(0)), default=Value(1),
                        output_field=IntegerField())
    page = Paginator(
        qs.select_related("persalinan", "persalinan__ibu", "kelurahan", "bayi")
        .order_by(terbuka_dulu, "-dibuat_pada", "-pk"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render(request, "kia/kajian_list.html", {
        "filter": filterset,
        "page_obj": page,
        "ringkasan": qs.aggregate(
            jumlah=Count("pk"),
            terbuka=Count("pk", filter=Q(status=StatusKajian.TERBUKA)),
            ditutup=Count("pk", filter=Q(status=StatusKajian.DITUTUP)),
        ),
        "query": _query_tanpa_halaman(request.GET),
        "boleh_lihat_nik": access.boleh_lihat_nik(user),
    })


@login_required
def kajian_detail(request, pk):
    user = request.user
    kajian = access.get_in_scope(
        KajianKasus.objects.visible_to(user).select_related(
            "persalinan", "persalinan__ibu", "persalinan__bidan", "persalinan__dukun", "persalinan__fasilitas",
            "bayi", "kelurahan", "puskesmas", "ditutup_oleh",
        ),
        pk,
        writable=KajianKasus.objects.writable_by(user) if request.method == "POST" else None,
    )
    can_edit = KajianKasus.objects.writable_by(user).filter(pk=kajian.pk).exists()
    terbuka = kajian.status == StatusKajian.TERBUKA
    form = KajianForm(instance=kajian) if can_edit and terbuka else None
    status = 200
    if request.method == "POST" and not terbuka:
        # A closed review is read-only: show it, with the reason the change was refused.
        messages.error(request, _("Kajian ini sudah ditutup dan tidak bisa diubah lagi."))
        status = 400
    elif request.method == "POST":
        form = KajianForm(request.POST, instance=kajian)
        if form.is_valid():
            tutup = request.POST.get("aksi") == "tutup"
            try:
                services.kajian_simpan(kajian=kajian, tutup=tutup, oleh=user, **form.cleaned_data)
            except ValidationError as exc:
                form.tempel_galat(exc)
            else:
                messages.success(request, _("Kajian kasus ditutup.") if tutup else _("Kajian kasus disimpan."))
                return redirect("kia:kajian_detail", pk=kajian.pk)
        status = 400
    return render(request, "kia/kajian_detail.html", {
        "kajian": kajian,
        "persalinan": kajian.persalinan,
        "ibu": kajian.persalinan.ibu,
        "form": form,
        "can_edit": can_edit,
        "boleh_lihat_nik": access.boleh_lihat_nik(user),
        "riwayat": riwayat_perubahan(kajian),
    }, status=status)
