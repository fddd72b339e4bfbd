"""Forms of meetings, attendance, uploads and follow-ups; every choice is limited to the user's scope."""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from kemitraan.models import (
    JenisLampiran,
    JenisPertemuan,
    KategoriLintasSektor,
    PeranPenanggungJawab,
    Pertemuan,
    PesertaLintasSektor,
    StatusPertemuan,
    StatusTindakLanjut,
    TindakLanjut,
)
from kemitraan.services_pertemuan import LAMPIRAN_MAKS_BITA, periksa_berkas
from puskesmas import access
from puskesmas.models import Bidan, Puskesmas
from puskesmas.versi import VersiBerubah, VersiFormMixin

TANGGAL = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
WAKTU = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _zona() -> str:
    """The abbreviation of the active zone (WIB, WITA, WIT): times are entered in it."""
    return timezone.localtime().tzname() or timezone.get_current_timezone_name()


class GalatLayananMixin:
    """A ValidationError of a service lands on the form: on its field when the form shows it, else on top."""

    PETA_GALAT: dict[str, str] = {}

    def tempel_galat(self, exc: ValidationError | dict) -> None:
        """`exc`: a service's ValidationError, or a dict of field errors (one part of a larger error)."""
        if isinstance(exc, ValidationError) and not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for name, errors in (exc.error_dict if isinstance(exc, ValidationError) else exc).items():
            name = self.PETA_GALAT.get(name, name)
            self.add_error(name if name in self.fields else None, errors)

    def panggil_layanan(self, fungsi, **kwargs):
        """Call a service; a rule it enforces lands on this form and nothing is saved (None)."""
        try:
            return fungsi(**kwargs)
        except VersiBerubah:
            raise  # not an error of the input: the view shows what changed (puskesmas.versi.konflik)
        except ValidationError as exc:
            self.tempel_galat(exc)
            return None


# --- Meetings ---------------------------------------------------------------------------------


class PertemuanForm(VersiFormMixin, GalatLayananMixin, forms.ModelForm):
    """Plan a meeting (create) or change its plan (update: the organising Puskesmas stays)."""

    class Meta:
        model = Pertemuan
        fields = ["puskesmas", "jenis", "waktu_rencana", "tempat", "fasilitator", "materi"]
        widgets = {
            "waktu_rencana": WAKTU,
            "materi": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["puskesmas"]
        else:
            puskesmas = Puskesmas.objects.filter(pk__in=access.registry_writable_puskesmas_ids(user))
            self.fields["puskesmas"].queryset = puskesmas
            self.fields["puskesmas"].empty_label = None if puskesmas.count() == 1 else "---------"
        self.fields["waktu_rencana"].help_text = _("Waktu setempat (%(zona)s).") % {"zona": _zona()}
        self.fields["materi"].help_text = _("Topik yang akan dibahas, satu per baris.")

    def _post_clean(self):
        # The model's rules run in the service (full_clean), whose errors come back through tempel_galat.
        pass


class PelaksanaanForm(VersiFormMixin, GalatLayananMixin, forms.Form):
    """`versi=` the meeting's version: two people may be correcting the minutes at once."""

    waktu_pelaksanaan = forms.DateTimeField(label=_("Tanggal dan jam pelaksanaan"), widget=WAKTU)
    notulen = forms.CharField(
        label=_("Notulen"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Ringkasan pembahasan dan keputusan. Setiap keputusan dicatat sebagai tindak lanjut."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["waktu_pelaksanaan"].help_text = _("Waktu setempat (%(zona)s).") % {"zona": _zona()}


class BatalForm(GalatLayananMixin, forms.Form):
    alasan = forms.CharField(
        label=_("Alasan pembatalan"), widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Tuliskan alasan pembatalan.")},
    )


class HapusForm(forms.Form):
    konfirmasi = forms.BooleanField(
        label=_("Saya mengerti bahwa tindak lanjut pertemuan ini ikut terhapus."), required=False
    )

    def __init__(self, *args, wajib: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.wajib = wajib
        if not wajib:
            del self.fields["konfirmasi"]

    def clean(self):
        cleaned = super().clean()
        if self.wajib and not cleaned.get("konfirmasi"):
            self.add_error("konfirmasi", _("Centang konfirmasi untuk menghapus pertemuan beserta tindak lanjutnya."))
        return cleaned


class TahunFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


STATUS_TERLAMBAT = "terlambat"


class PertemuanFilter(django_filters.FilterSet):
    puskesmas = django_filters.ModelChoiceFilter(
        queryset=Puskesmas.objects.none(), label=_("Puskesmas"), empty_label=_("Semua Puskesmas"),
    )
    jenis = django_filters.ChoiceFilter(
        choices=JenisPertemuan.choices, label=_("Jenis"), empty_label=_("Semua jenis"),
    )
    status = django_filters.ChoiceFilter(
        choices=[*StatusPertemuan.choices, (STATUS_TERLAMBAT, _("Terlambat (rencana sudah lewat)"))],
        method="saring_status", label=_("Status"), empty_label=_("Semua status"),
    )
    tahun = TahunFilter(
        method="saring_tahun", label=_("Tahun"), min_value=2000, max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "2000", "max": "2100"}),
    )

    # Dashboard drill-down (laporan/tautan.py): the day it was held, in the active zone.
    tanggal_dari = django_filters.DateFilter(
        field_name="waktu_pelaksanaan__date", lookup_expr="gte", widget=forms.HiddenInput,
    )
    tanggal_sampai = django_filters.DateFilter(
        field_name="waktu_pelaksanaan__date", lookup_expr="lte", widget=forms.HiddenInput,
    )
    kabupaten = django_filters.CharFilter(field_name="puskesmas__kabupaten", widget=forms.HiddenInput)

    class Meta:
        model = Pertemuan
        fields = ["puskesmas", "jenis", "status", "tahun", "tanggal_dari", "tanggal_sampai"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["puskesmas"].queryset = Puskesmas.objects.visible_to(user)

    def saring_status(self, queryset, name, value):
        if value == STATUS_TERLAMBAT:
            return queryset.filter(status=StatusPertemuan.DIRENCANAKAN, waktu_rencana__lt=timezone.now())
        return queryset.filter(status=value)

    def saring_tahun(self, queryset, name, value):
        # In the active zone: a meeting on 31 December 23:00 WIB belongs to that year, not the next.
        return queryset.filter(waktu_urut__year=value)


# --- Attendance and uploads ---------------------------------------------------------------------


class HadirForm(forms.Form):
    """The state asked for (not a toggle), so a double tap or a resent form changes nothing twice."""

    hadir = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1")


class PesertaLintasSektorForm(GalatLayananMixin, forms.ModelForm):
    class Meta:
        model = PesertaLintasSektor
        fields = ["kategori", "nama", "jabatan"]
        labels = {"jabatan": _("Jabatan (boleh kosong)")}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "ls")
        super().__init__(*args, **kwargs)
        self.fields["kategori"].choices = [("", _("Pilih kategori")), *KategoriLintasSektor.choices]

    def _post_clean(self):
        pass


class LampiranForm(GalatLayananMixin, forms.Form):
    jenis = forms.ChoiceField(label=_("Jenis lampiran"), choices=JenisLampiran.choices)
    berkas = forms.FileField(
        label=_("Berkas"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf,.jpg,.jpeg,.png,.pdf"}),
        error_messages={"required": _("Pilih berkas yang akan diunggah."),
                        "empty": _("Berkas kosong. Pilih berkas lain."),
                        "invalid": _("Berkas tidak terbaca. Pilih ulang berkasnya.")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "lampiran")
        super().__init__(*args, **kwargs)
        self.fields["berkas"].help_text = _("Foto JPEG/PNG atau PDF, paling besar %(batas)s.") % {
            "batas": filesizeformat(LAMPIRAN_MAKS_BITA)
        }

    def clean_berkas(self):
        berkas = self.cleaned_data["berkas"]
        self.tipe_konten = periksa_berkas(berkas)
        return berkas


# --- Follow-ups ---------------------------------------------------------------------------------

PREFIX_BIDAN = "bidan:"
PREFIX_PERAN = "peran:"


def pilihan_penanggung_jawab(bidan: QuerySet[Bidan], *, kosong: str | None) -> list:
    """One select for the owner: the bidan (by name), then the roles. Values `bidan:<id>` / `peran:<code>`."""
    pilihan = [("", kosong)] if kosong is not None else []
    pilihan.append((str(_("Bidan")), [(f"{PREFIX_BIDAN}{b.pk}", b.nama) for b in bidan]))
    pilihan.append((str(_("Peran")), [(f"{PREFIX_PERAN}{v}", label) for v, label in PeranPenanggungJawab.choices]))
    return pilihan


class TindakLanjutForm(GalatLayananMixin, forms.Form):
    PETA_GALAT = {"penanggung_jawab_bidan": "penanggung_jawab", "penanggung_jawab_peran": "penanggung_jawab"}

    uraian = forms.CharField(
        label=_("Keputusan/tindakan"), widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Tuliskan keputusan atau tindakannya.")},
    )
    penanggung_jawab = forms.ChoiceField(
        label=_("Penanggung jawab"), error_messages={"required": _("Pilih bidan atau peran yang bertanggung jawab.")},
    )
    tenggat = forms.DateField(label=_("Tenggat"), widget=TANGGAL)

    def __init__(self, *args, pertemuan: Pertemuan, **kwargs):
        kwargs.setdefault("prefix", "tl")
        super().__init__(*args, **kwargs)
        self.pertemuan = pertemuan
        self.bidan = {
            b.pk: b for b in Bidan.objects.filter(puskesmas=pertemuan.puskesmas_id, aktif=True).order_by("nama", "pk")
        }
        self.fields["penanggung_jawab"].choices = pilihan_penanggung_jawab(
            self.bidan.values(), kosong=str(_("Pilih penanggung jawab"))
        )
        self.fields["tenggat"].widget.attrs["min"] = pertemuan.tanggal.isoformat()
        self.fields["tenggat"].help_text = _("Tidak boleh sebelum tanggal pertemuan (%(tanggal)s).") % {
            "tanggal": formats.date_format(pertemuan.tanggal, "j F Y")
        }

    def clean_penanggung_jawab(self):
        value = self.cleaned_data["penanggung_jawab"]
        if value.startswith(PREFIX_BIDAN):
            return self.bidan[int(value.removeprefix(PREFIX_BIDAN))], ""
        return None, value.removeprefix(PREFIX_PERAN)

    def data_layanan(self) -> dict:
        bidan, peran = self.cleaned_data["penanggung_jawab"]
        return {
            "uraian": self.cleaned_data["uraian"], "tenggat": self.cleaned_data["tenggat"],
            "penanggung_jawab_bidan": bidan, "penanggung_jawab_peran": peran,
        }


class TutupTindakLanjutForm(GalatLayananMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Ditutup sebagai"), widget=forms.RadioSelect,
        choices=[(StatusTindakLanjut.SELESAI, StatusTindakLanjut.SELESAI.label),
                 (StatusTindakLanjut.BATAL, StatusTindakLanjut.BATAL.label)],
        error_messages={"required": _("Pilih selesai atau batal.")},
    )
    tanggal_ditutup = forms.DateField(
        label=_("Tanggal ditutup"), widget=TANGGAL, error_messages={"required": _("Isi tanggal penutupan.")},
    )
    catatan_penutupan = forms.CharField(
        label=_("Catatan penutupan"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Apa yang sudah dilakukan, atau mengapa dibatalkan."),
        error_messages={"required": _("Tuliskan catatan penutupan.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tanggal_ditutup"].initial = timezone.localdate()
        self.fields["tanggal_ditutup"].widget.attrs["max"] = timezone.localdate().isoformat()


class TindakLanjutFilter(django_filters.FilterSet):
    puskesmas = django_filters.ModelChoiceFilter(
        field_name="pertemuan__puskesmas", queryset=Puskesmas.objects.none(), label=_("Puskesmas"),
        empty_label=_("Semua Puskesmas"),
    )
    status = django_filters.ChoiceFilter(
        choices=StatusTindakLanjut.choices, label=_("Status"), empty_label=_("Semua status"),
    )
    terlambat = django_filters.BooleanFilter(
        method="saring_terlambat", label=_("Tenggat"),
        widget=forms.Select(choices=[("", _("Semua")), ("true", _("Terlambat")), ("false", _("Belum lewat tenggat"))]),
    )
    penanggung_jawab = django_filters.ChoiceFilter(
        method="saring_penanggung_jawab", label=_("Penanggung jawab"), empty_label=_("Semua penanggung jawab"),
    )

    # Dashboard drill-down (laporan/tautan.py).
    tenggat_dari = django_filters.DateFilter(field_name="tenggat", lookup_expr="gte", widget=forms.HiddenInput)
    tenggat_sampai = django_filters.DateFilter(field_name="tenggat", lookup_expr="lte", widget=forms.HiddenInput)
    kabupaten = django_filters.CharFilter(field_name="pertemuan__puskesmas__kabupaten", widget=forms.HiddenInput)

    class Meta:
        model = TindakLanjut
        fields = ["puskesmas", "status", "terlambat", "penanggung_jawab", "tenggat_dari", "tenggat_sampai"]

    def __init__(self, *args, user, pemilik: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["puskesmas"].queryset = Puskesmas.objects.visible_to(user)
        if pemilik:
            # Only the bidan who own an action the user can see: a short list, whatever the district's size.
            bidan = Bidan.objects.filter(
                pk__in=TindakLanjut.objects.visible_to(user).values("penanggung_jawab_bidan")
            ).order_by("nama", "pk")
            self.filters["penanggung_jawab"].extra["choices"] = pilihan_penanggung_jawab(bidan, kosong=None)
        else:
            del self.filters["penanggung_jawab"]

    def saring_terlambat(self, queryset, name, value):
        if value is None:
            return queryset
        terlambat = queryset.terlambat()
        return terlambat if value else queryset.exclude(pk__in=terlambat.values("pk"))

    def saring_penanggung_jawab(self, queryset, name, value):
        if value.startswith(PREFIX_BIDAN):
            return queryset.filter(penanggung_jawab_bidan=value.removeprefix(PREFIX_BIDAN))
        return queryset.filter(penanggung_jawab_peran=value.removeprefix(PREFIX_PERAN))
