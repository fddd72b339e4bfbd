from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _

from puskesmas import access
from puskesmas.models import Bidan, Fasilitas, Kelurahan, Puskesmas


class KelurahanChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Kelurahan) -> str:
        return f"{obj.nama} ({obj.kode})"


class KelurahanMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Kelurahan) -> str:
        return f"{obj.nama} ({obj.kode})"


def _writable_puskesmas(user):
    return Puskesmas.objects.filter(pk__in=access.registry_writable_puskesmas_ids(user))


class FasilitasForm(forms.ModelForm):
    kelurahan = KelurahanChoiceField(
        queryset=Kelurahan.objects.none(), required=False, label=_("Kelurahan/desa lokasi")
    )

    class Meta:
        model = Fasilitas
        fields = ["jenis", "nama", "puskesmas", "kelurahan", "alamat", "telepon", "aktif"]
        # Django's own Indonesian catalog renders "... already exists" as "... tidak ada" (does not exist).
        error_messages = {NON_FIELD_ERRORS: {
            "unique_together": _("Puskesmas ini sudah mempunyai fasilitas dengan jenis dan nama yang sama."),
        }}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        puskesmas = _writable_puskesmas(user)
        self.fields["puskesmas"].queryset = puskesmas
        if puskesmas.count() == 1 and not self.instance.pk:
            self.fields["puskesmas"].initial = puskesmas.first()
        # Any kelurahan of the districts of her Puskesmas: a referral hospital may lie outside the wilayah kerja.
        self.fields["kelurahan"].queryset = Kelurahan.objects.filter(
            kabupaten__in=puskesmas.values("kabupaten")
        ).order_by("nama")


class BidanForm(forms.ModelForm):
    kelurahan_layanan = KelurahanMultipleChoiceField(
        queryset=Kelurahan.objects.none(), widget=forms.CheckboxSelectMultiple, label=_("Kelurahan/desa yang dilayani"),
    )
    kelurahan_domisili = KelurahanChoiceField(
        queryset=Kelurahan.objects.none(), required=False, label=_("Kelurahan/desa tempat tinggal"),
        help_text=_("Kosongkan bila ia tinggal di luar kabupaten/kota ini, lalu isi alamatnya."),
    )

    class Meta:
        model = Bidan
        fields = [
            "nama", "nomor_str", "telepon", "fasilitas", "kelurahan_layanan", "kelurahan_domisili",
            "alamat_domisili", "pemilik_pmb", "aktif",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        puskesmas = _writable_puskesmas(user)
        self.fields["fasilitas"].queryset = (
            Fasilitas.objects.jaringan().filter(puskesmas__in=puskesmas).select_related("puskesmas")
        )
        self.fields["kelurahan_layanan"].queryset = Kelurahan.objects.filter(puskesmas__in=puskesmas).order_by("nama")
        self.fields["kelurahan_domisili"].queryset = Kelurahan.objects.filter(
            kabupaten__in=puskesmas.values("kabupaten")
        ).order_by("nama")

    def clean_nomor_str(self):
        # The conditional unique constraint would otherwise answer with its technical name.
        nomor = self.cleaned_data["nomor_str"]
        if nomor and Bidan.objects.filter(nomor_str=nomor).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Nomor STR ini sudah tercatat untuk bidan lain."))
        return nomor

    def clean(self):
        cleaned = super().clean()
        fasilitas = cleaned.get("fasilitas")
        layanan = cleaned.get("kelurahan_layanan")
        if fasilitas and layanan:
            luar = [k.nama for k in layanan if k.puskesmas_id != fasilitas.puskesmas_id]
            if luar:
                self.add_error("kelurahan_layanan", _(
                    "Kelurahan/desa berikut bukan wilayah kerja %(puskesmas)s: %(luar)s."
                ) % {"puskesmas": fasilitas.puskesmas, "luar": ", ".join(luar)})
        return cleaned


class ImportPuskesmasForm(forms.Form):
    berkas = forms.FileField(
        label=_("Berkas CSV atau XLSX"),
        help_text=_(
            "Kolom: kode_puskesmas, nama_puskesmas, kode_kabupaten, kode_kelurahan — satu baris per kelurahan."
        ),
    )

    def clean_berkas(self):
        berkas = self.cleaned_data["berkas"]
        if not berkas.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Unggah berkas .csv atau .xlsx."))
        if berkas.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("Berkas terlalu besar (paling besar 5 MB)."))
        return berkas
