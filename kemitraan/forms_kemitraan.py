from __future__ import annotations

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from dukun.models import Dukun, StatusDukun
from kemitraan.models import (
    JenisPembagianJasa,
    JenisPenghargaanSanksi,
    Kemitraan,
    PenghargaanSanksi,
    StatusKemitraan,
)
from kemitraan.services_kemitraan import PERAN_PER_TAHAP, puskesmas_penerima
from puskesmas import access
from puskesmas.models import Bidan, Kelurahan, Puskesmas

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class GalatModelMixin:
    """Errors a model raises for a field the form does not show go to the top of the form, not to a crash."""

    def add_error(self, field, error):
        if field is None and isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            regrouped: dict[str, list] = {}
            for name, errors in error.error_dict.items():
                key = name if name in self.fields else NON_FIELD_ERRORS
                regrouped.setdefault(key, []).extend(errors)
            error = ValidationError(regrouped)
        super().add_error(field, error)


class BidanPilihan(forms.ModelChoiceField):
    def label_from_instance(self, obj: Bidan) -> str:
        return f"{obj.nama} — {obj.fasilitas.nama} ({obj.puskesmas.nama})"


class DukunPilihan(forms.ModelChoiceField):
    def label_from_instance(self, obj: Dukun) -> str:
        return f"{obj} — {obj.kelurahan.nama} ({obj.kelurahan.puskesmas.nama})"


class KemitraanPilihan(forms.ModelChoiceField):
    def label_from_instance(self, obj: Kemitraan) -> str:
        return f"{obj.bidan.nama} – {obj.dukun.nama} ({obj.get_status_display()})"


def _peran_fieldsets() -> list:
    return [
        Fieldset(f'<span class="fs-6 fw-semibold">{escape(str(tahap))}</span>', *[name for name, _pihak in butir],
                 css_class="mb-2")
        for tahap, butir in PERAN_PER_TAHAP
    ]


class KemitraanUbahForm(GalatModelMixin, forms.ModelForm):
    """The written terms of a partnership; its parties are fixed once it is recorded."""

    class Meta:
        model = Kemitraan
        fields = [
            "tanggal_mulai",
            "dukun_mengantar_bumil", "dukun_mendampingi_persalinan", "dukun_tidak_menolong_sendiri",
            "bidan_menolong_persalinan", "dukun_merawat_nifas", "bidan_berbagi_jasa", "bidan_membina_dukun",
            "jenis_pembagian_jasa", "nilai_pembagian_jasa",
            "saksi_lurah", "saksi_camat", "saksi_kepala_puskesmas",
            "tanggal_tanda_tangan", "tanggal_tinjau", "catatan",
        ]
        widgets = {
            "tanggal_mulai": DATE, "tanggal_tanda_tangan": DATE, "tanggal_tinjau": DATE,
            "nilai_pembagian_jasa": forms.NumberInput(attrs={"inputmode": "numeric", "min": "0"}),
            "catatan": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for name in ("tanggal_mulai", "tanggal_tanda_tangan", "tanggal_tinjau"):
            self.fields[name].widget.format = "%Y-%m-%d"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*self._pihak_layout(), *self._syarat_layout())

    def _pihak_layout(self) -> list:
        return ["tanggal_mulai"]

    @staticmethod
    def _syarat_layout() -> list:
        return [
            HTML('<h2 class="h5 mt-3">' + escape(str(_("Pembagian peran yang disepakati"))) + "</h2>"),
            *_peran_fieldsets(),
            Row(Column("jenis_pembagian_jasa", css_class="col-12 col-sm-6"),
                Column("nilai_pembagian_jasa", css_class="col-12 col-sm-6")),
            HTML('<h2 class="h5 mt-3">' + escape(str(_("Saksi dan tanggal"))) + "</h2>"),
            "saksi_lurah", "saksi_camat", "saksi_kepala_puskesmas",
            Row(Column("tanggal_tanda_tangan", css_class="col-12 col-sm-6"),
                Column("tanggal_tinjau", css_class="col-12 col-sm-6")),
            "catatan",
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("jenis_pembagian_jasa") == JenisPembagianJasa.TIDAK_ADA:
            cleaned["nilai_pembagian_jasa"] = None
        return cleaned


class KemitraanForm(KemitraanUbahForm):
    """A new partnership: a dukun and a bidan of the same Puskesmas, both within the user's write scope."""

    bidan = BidanPilihan(queryset=Bidan.objects.none(), label=_("Bidan"))
    dukun = DukunPilihan(queryset=Dukun.objects.none(), label=_("Dukun"))

    class Meta(KemitraanUbahForm.Meta):
        fields = ["dukun", "bidan", *KemitraanUbahForm.Meta.fields]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        writable = access.registry_writable_puskesmas_ids(user)
        self.fields["dukun"].queryset = (
            Dukun.objects.filter(kelurahan__puskesmas__in=writable, status=StatusDukun.AKTIF)
            .select_related("kelurahan", "kelurahan__puskesmas")
            .order_by("kelurahan__nama", "nama", "pk")
        )
        self.fields["bidan"].queryset = (
            Bidan.objects.filter(puskesmas__in=writable, aktif=True)
            .select_related("fasilitas", "puskesmas")
            .order_by("nama", "pk")
        )
        self.fields["dukun"].help_text = _("Hanya dukun yang masih aktif menolong.")
        self.fields["bidan"].help_text = _("Bidan dari Puskesmas yang sama dengan dukun.")

    def _pihak_layout(self) -> list:
        return ["dukun", "bidan", "tanggal_mulai"]


class KemitraanAkhiriForm(GalatModelMixin, forms.ModelForm):
    """End a partnership: the date and the reason are both required."""

    class Meta:
        model = Kemitraan
        fields = ["tanggal_berakhir", "alasan_berakhir"]
        widgets = {"tanggal_berakhir": DATE, "alasan_berakhir": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tanggal_berakhir"].required = True
        self.fields["tanggal_berakhir"].error_messages["required"] = _("Isi tanggal berakhirnya kemitraan.")
        self.fields["alasan_berakhir"].required = True
        self.fields["alasan_berakhir"].error_messages["required"] = _("Tuliskan alasan berakhirnya kemitraan.")
        self.fields["tanggal_berakhir"].widget.format = "%Y-%m-%d"
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_tanggal_berakhir(self):
        tanggal = self.cleaned_data["tanggal_berakhir"]
        if tanggal and tanggal > timezone.localdate():
            raise ValidationError(_("Tanggal berakhir tidak boleh di masa depan."))
        if tanggal and self.instance.tanggal_mulai and tanggal < self.instance.tanggal_mulai:
            raise ValidationError(_("Tanggal berakhir tidak boleh sebelum tanggal mulai."))
        return tanggal


class KemitraanFilter(django_filters.FilterSet):
    puskesmas = django_filters.ModelChoiceFilter(
        queryset=Puskesmas.objects.none(), label=_("Puskesmas"), empty_label=_("Semua Puskesmas"),
    )
    kelurahan = django_filters.ModelChoiceFilter(
        queryset=Kelurahan.objects.none(), label=_("Kelurahan/desa"), empty_label=_("Semua kelurahan/desa"),
    )
    status = django_filters.ChoiceFilter(
        choices=StatusKemitraan.choices, label=_("Status"), empty_label=_("Semua status"),
    )
    bidan = django_filters.ModelChoiceFilter(
        queryset=Bidan.objects.none(), label=_("Bidan"), empty_label=_("Semua bidan"),
    )

    class Meta:
        model = Kemitraan
        fields = ["puskesmas", "kelurahan", "status", "bidan"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["puskesmas"].queryset = Puskesmas.objects.visible_to(user).order_by("nama")
        self.filters["kelurahan"].queryset = access.kelurahan_pilihan(user)
        self.filters["bidan"].queryset = access.filter_bidan(Bidan.objects.all(), user).order_by("nama")


class PenghargaanForm(GalatModelMixin, forms.ModelForm):
    """Who (a dukun, a bidan or a partnership — at least one), what (bentuk), why (alasan), when."""

    kemitraan = KemitraanPilihan(queryset=Kemitraan.objects.none(), required=False, label=_("Kemitraan"))
    bidan = forms.ModelChoiceField(queryset=Bidan.objects.none(), required=False, label=_("Bidan"))
    dukun = forms.ModelChoiceField(queryset=Dukun.objects.none(), required=False, label=_("Dukun"))

    class Meta:
        model = PenghargaanSanksi
        fields = ["jenis", "tanggal", "kemitraan", "bidan", "dukun", "bentuk", "alasan"]
        widgets = {"tanggal": DATE, "alasan": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        writable = access.registry_writable_puskesmas_ids(user)
        inst = self.instance
        self.fields["tanggal"].widget.format = "%Y-%m-%d"
        self.fields["kemitraan"].queryset = (
            Kemitraan.objects.filter(puskesmas__in=writable)
            .select_related("bidan", "dukun")
            .order_by("status", "bidan__nama", "dukun__nama", "pk")
        )
        self.fields["bidan"].queryset = (
            Bidan.objects.filter(puskesmas__in=writable)
            .filter(Q(aktif=True) | Q(pk=inst.bidan_id or 0))
            .order_by("nama", "pk")
        )
        self.fields["dukun"].queryset = (
            Dukun.objects.filter(kelurahan__puskesmas__in=writable)
            .filter(Q(status=StatusDukun.AKTIF) | Q(pk=inst.dukun_id or 0))
            .order_by("nama", "pk")
        )
        self.fields["kemitraan"].help_text = _("Pilih kemitraan untuk teguran atas kesepakatan tertulis.")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("jenis", css_class="col-12 col-sm-6"), Column("tanggal", css_class="col-12 col-sm-6")),
            HTML('<p class="small text-muted mb-2">' + escape(str(_(
                "Penerima: pilih kemitraan, bidan atau dukun (sedikitnya satu)."
            ))) + "</p>"),
            "kemitraan", "bidan", "dukun", "bentuk", "alasan",
        )

    def clean_tanggal(self):
        tanggal = self.cleaned_data["tanggal"]
        if tanggal and tanggal > timezone.localdate():
            raise ValidationError(_("Tanggal tidak boleh di masa depan."))
        return tanggal

    def clean(self):
        cleaned = super().clean()
        # The record belongs to the Puskesmas of whoever receives it; the model checks the others agree.
        self.instance.puskesmas = puskesmas_penerima(
            kemitraan=cleaned.get("kemitraan"), bidan=cleaned.get("bidan"), dukun=cleaned.get("dukun")
        )
        return cleaned


class PenghargaanFilter(django_filters.FilterSet):
    puskesmas = django_filters.ModelChoiceFilter(
        queryset=Puskesmas.objects.none(), label=_("Puskesmas"), empty_label=_("Semua Puskesmas"),
    )
    jenis = django_filters.ChoiceFilter(
        choices=JenisPenghargaanSanksi.choices, label=_("Jenis"), empty_label=_("Semua jenis"),
    )

    class Meta:
        model = PenghargaanSanksi
        fields = ["puskesmas", "jenis"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["puskesmas"].queryset = Puskesmas.objects.visible_to(user).order_by("nama")
