"""Forms of mothers and pregnancies; every choice is limited to what the user may record."""

from __future__ import annotations

import re

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Layout, Row
from django import forms
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from dukun.models import Dukun
from kemitraan.forms_pertemuan import TANGGAL, GalatLayananMixin
from kia import selectors
from kia.models import FaktorRisiko, Ibu, Kehamilan, validate_nik
from puskesmas import access
from puskesmas.forms import KelurahanChoiceField
from puskesmas.models import Kelurahan, Puskesmas
from puskesmas.versi import VersiFormMixin

# Characters people type between the digits of a NIK ("1571 0123 ...", "1571.0123...").
_PEMISAH_NIK = re.compile(r"[\s.\-]")


class DukunPilihan(forms.ModelChoiceField):
    def label_from_instance(self, obj: Dukun) -> str:
        return f"{obj} — {obj.kelurahan.nama}"


# --- Mother ------------------------------------------------------------------------------------


class IbuForm(VersiFormMixin, GalatLayananMixin, forms.ModelForm):
    """A mother: where she lives decides who may see her record, so only writable kelurahan are offered."""

    nik = forms.CharField(
        label=_("NIK"), required=False, max_length=24,
        help_text=_("16 digit sesuai KTP/KK; boleh dikosongkan bila tidak ada."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}),
    )
    kelurahan = KelurahanChoiceField(queryset=Kelurahan.objects.none(), label=_("Kelurahan/desa tempat tinggal"))
    dukun = DukunPilihan(
        queryset=Dukun.objects.none(), required=False, label=_("Dukun yang menemukan/mendampingi"),
        help_text=_("Kosongkan bila ibu datang sendiri."),
    )
    tetap_simpan = forms.BooleanField(required=False, label=_("Tetap simpan sebagai ibu baru"))

    class Meta:
        model = Ibu
        fields = ["nama", "nik", "tanggal_lahir", "umur_tercatat", "kelurahan", "alamat", "rt", "rw", "telepon",
                  "dukun"]
        widgets = {
            "tanggal_lahir": TANGGAL,
            "umur_tercatat": forms.NumberInput(attrs={"inputmode": "numeric", "min": "10", "max": "60"}),
            "telepon": forms.TextInput(attrs={"inputmode": "tel"}),
            "rt": forms.TextInput(attrs={"inputmode": "numeric"}),
            "rw": forms.TextInput(attrs={"inputmode": "numeric"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.duplikat: selectors.Duplikat | None = None
        kelurahan = selectors.kelurahan_tulis(user)
        self.fields["kelurahan"].queryset = kelurahan
        if not self.instance.pk and kelurahan.count() == 1:
            self.fields["kelurahan"].initial = kelurahan.first()
        self.fields["dukun"].queryset = selectors.pilihan_dukun(
            user, Puskesmas.objects.filter(wilayah_kerja__in=kelurahan), sertakan=self.instance.dukun_id
        )
        if self.instance.pk:
            self.fields["tetap_simpan"].label = _("Tetap simpan: ini memang ibu yang berbeda")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.render_hidden_fields = True  # the one-time token of the create form (VersiFormMixin)
        self.helper.layout = Layout(
            "nama", "nik",
            Row(Column("tanggal_lahir", css_class="col-7"), Column("umur_tercatat", css_class="col-5"),
                css_class="align-items-end"),
            "kelurahan", "alamat",
            Row(Column("rt", css_class="col-6"), Column("rw", css_class="col-6")),
            "telepon", "dukun",
        )  # `tetap_simpan` is shown with the duplicate warning only

    def _post_clean(self):
        # The model's rules run in the service (full_clean); its errors come back through tempel_galat.
        pass

    def clean_nik(self) -> str:
        nik = _PEMISAH_NIK.sub("", self.cleaned_data.get("nik") or "")
        if nik:
            validate_nik(nik)
        return nik

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("tanggal_lahir") and cleaned.get("umur_tercatat") is None and not (
            {"tanggal_lahir", "umur_tercatat"} & set(self.errors)
        ):
            self.add_error("tanggal_lahir", _("Isi tanggal lahir atau umur ibu."))
        if cleaned.get("tanggal_lahir") and cleaned.get("umur_tercatat") is not None:
            self.add_error("umur_tercatat", _("Umur dihitung dari tanggal lahir: kosongkan umur bila tanggal lahir "
                                              "diisi."))
        kelurahan, dukun = cleaned.get("kelurahan"), cleaned.get("dukun")
        if kelurahan and dukun and dukun.kelurahan.puskesmas_id != kelurahan.puskesmas_id:
            self.add_error("dukun", _("Dukun harus berasal dari wilayah kerja Puskesmas yang sama dengan ibu."))
        return cleaned

    def periksa_duplikat(self) -> bool:
        """Look for the same woman already recorded; True when saving may go on.

        Asked again on every submit until the user ticks "tetap simpan"; an edit that changes none of
        the identifying fields is not asked.
        """
        identitas = {"nik", "nama", "tanggal_lahir", "kelurahan"}
        if self.instance.pk and not identitas & set(self.changed_data):
            return True
        data = self.cleaned_data
        self.duplikat = selectors.cari_duplikat(
            self.user, nik=data.get("nik", ""), nama=data.get("nama", ""), tanggal_lahir=data.get("tanggal_lahir"),
            kelurahan=data.get("kelurahan"), kecuali=self.instance.pk,
        )
        if self.duplikat and not data.get("tetap_simpan"):
            self.add_error("tetap_simpan", _(
                "Periksa kemungkinan data ganda di atas. Centang kotak ini bila ia memang orang lain, lalu simpan lagi."
            ))
            return False
        return True

    def data_layanan(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "tetap_simpan"}


class IbuFilter(django_filters.FilterSet):
    """Search by name only: a NIK never travels in a URL."""

    q = django_filters.CharFilter(
        method="cari", label=_("Cari nama"),
        widget=forms.TextInput(attrs={
            "pattern": r"[^0-9]*", "title": _("Cari dengan nama, tanpa angka (bukan NIK)."), "autocomplete": "off",
        }),
    )
    puskesmas = django_filters.ModelChoiceFilter(
        field_name="puskesmas", queryset=Puskesmas.objects.none(), label=_("Puskesmas"),
        empty_label=_("Semua Puskesmas"),
    )
    kelurahan = django_filters.ModelChoiceFilter(
        queryset=Kelurahan.objects.none(), label=_("Kelurahan/desa"), empty_label=_("Semua kelurahan/desa"),
    )
    risiko_tinggi = django_filters.BooleanFilter(
        method="saring_risiko", label=_("Risiko tinggi"),
        widget=forms.Select(choices=[("", _("Semua")), ("true", _("Risiko tinggi")),
                                     ("false", _("Tanpa faktor risiko"))]),
    )
    dibawa_dukun = django_filters.BooleanFilter(
        method="saring_dukun", label=_("Dibawa dukun"),
        widget=forms.Select(choices=[("", _("Semua")), ("true", _("Dibawa/didampingi dukun")),
                                     ("false", _("Tanpa dukun"))]),
    )

    class Meta:
        model = Ibu
        fields = ["q", "puskesmas", "kelurahan", "risiko_tinggi", "dibawa_dukun"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["kelurahan"].queryset = access.kelurahan_pilihan(user)
        self.filters["puskesmas"].queryset = Puskesmas.objects.visible_to(user)

    def cari(self, queryset, name, value):
        return queryset.filter(nama__icontains=value.strip())

    def saring_risiko(self, queryset, name, value):
        return selectors.filter_risiko_tinggi(queryset, value)

    def saring_dukun(self, queryset, name, value):
        return selectors.filter_dibawa_dukun(queryset, value)


def mirip_nik(q: str) -> bool:
    """A search text with digits: perhaps a NIK (also typed with spaces or dots), which must not be searched
    for or echoed. Names carry no digits."""
    return bool(re.search(r"\d", q or ""))


class CariNikForm(forms.Form):
    """The NIK search: sent by POST only, so the number never lands in an address, a history or a log."""

    nik = forms.CharField(
        label=_("NIK"), max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": _("Isi NIK yang dicari.")},
    )

    def clean_nik(self) -> str:
        nik = _PEMISAH_NIK.sub("", self.cleaned_data.get("nik") or "")
        if not re.fullmatch(r"\d{16}", nik):
            raise forms.ValidationError(_("NIK harus 16 digit angka."), code="nik_format")
        return nik


# --- Pregnancy ---------------------------------------------------------------------------------


class KehamilanForm(GalatLayananMixin, forms.ModelForm):
    faktor_risiko = forms.MultipleChoiceField(
        choices=FaktorRisiko.choices, widget=forms.CheckboxSelectMultiple, required=False,
        label=_("Faktor risiko"),
        help_text=_("Umur dan jumlah anak dicentang otomatis dari data ibu saat disimpan."),
    )
    dukun = DukunPilihan(
        queryset=Dukun.objects.none(), required=False, label=_("Dukun yang mengantar"),
        help_text=_("Dukun yang menemukan ibu hamil ini dan membawanya ke bidan."),
    )

    class Meta:
        model = Kehamilan
        fields = ["tanggal_daftar", "hpht", "hpl", "gravida", "para", "abortus", "faktor_risiko",
                  "faktor_risiko_lainnya", "dukun", "catatan"]
        widgets = {
            "tanggal_daftar": TANGGAL,
            "hpht": forms.DateInput(attrs={"type": "date", "data-hpht": "1"}, format="%Y-%m-%d"),
            "hpl": forms.DateInput(attrs={"type": "date", "data-hpl": "1"}, format="%Y-%m-%d"),
            "gravida": forms.NumberInput(attrs={"inputmode": "numeric", "min": "1", "max": "20"}),
            "para": forms.NumberInput(attrs={"inputmode": "numeric", "min": "0", "max": "20"}),
            "abortus": forms.NumberInput(attrs={"inputmode": "numeric", "min": "0", "max": "20"}),
            "catatan": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, ibu: Ibu, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dukun"].queryset = selectors.pilihan_dukun(user, ibu.puskesmas_id, sertakan=self.instance.dukun_id)
        if not self.instance.pk and ibu.dukun_id and not self.is_bound:
            self.initial.setdefault("dukun", ibu.dukun_id)
        self.fields["hpl"].help_text = _("Kosongkan agar dihitung dari HPHT dengan rumus Naegele; boleh diubah.")
        self.fields["gravida"].label = _("G (kehamilan ke-)")
        self.fields["para"].label = _("P (pernah melahirkan)")
        self.fields["abortus"].label = _("A (pernah keguguran)")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "tanggal_daftar",
            Row(Column("hpht", css_class="col-12 col-sm-6"), Column("hpl", css_class="col-12 col-sm-6")),
            HTML('<div class="form-text mb-3" id="hpl-naegele" aria-live="polite" data-awalan="'
                 + escape(str(_("HPL menurut rumus Naegele:"))) + '"></div>'),
            Row(Column("gravida", css_class="col-4"), Column("para", css_class="col-4"),
                Column("abortus", css_class="col-4"), css_class="align-items-end"),
            "faktor_risiko", "faktor_risiko_lainnya", "dukun", "catatan",
        )

    def _post_clean(self):
        pass

    def data_layanan(self) -> dict:
        data = dict(self.cleaned_data)
        # A new HPHT with the old HPL left as it was: let the service compute the HPL again.
        if self.instance.pk and "hpht" in self.changed_data and "hpl" not in self.changed_data:
            data.pop("hpl")
        return data
