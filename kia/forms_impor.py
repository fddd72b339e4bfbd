"""Forms of the register import and of the yearly targets (sasaran)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

# A year's register of a whole district fits easily (about 100 bytes per row: 200,000 rows).
IMPOR_PERSALINAN_MAX_BYTES = 20 * 1024 * 1024
SASARAN_MAKS = 10_000_000


class _BerkasForm(forms.Form):
    batas_bytes = settings.IMPORT_MAX_BYTES

    berkas = forms.FileField(
        label=_("Berkas CSV atau XLSX"), widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"})
    )

    def clean_berkas(self):
        berkas = self.cleaned_data["berkas"]
        if not berkas.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Unggah berkas .csv atau .xlsx."))
        if berkas.size > self.batas_bytes:
            raise forms.ValidationError(
                _("Berkas terlalu besar (%(ukuran)s MB); paling besar %(batas)s MB. Bagi berkas menjadi beberapa "
                  "bagian, misalnya per Puskesmas atau per tahun.")
                % {"ukuran": f"{berkas.size / 2**20:.1f}".replace(".", ","), "batas": self.batas_bytes // 2**20}
            )
        return berkas


class ImporPersalinanForm(_BerkasForm):
    batas_bytes = IMPOR_PERSALINAN_MAX_BYTES

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["berkas"].help_text = _(
            "Register persalinan, satu baris per bayi; paling besar 20 MB. Templatnya dapat diunduh di atas."
        )


class ImporSasaranForm(_BerkasForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["berkas"].help_text = _(
            "Kolom: tahun, kode_kelurahan, sasaran_ibu_hamil, sasaran_ibu_bersalin, sasaran_bayi_baru_lahir — satu "
            "baris per kelurahan/desa per tahun."
        )


def _angka(label):
    return forms.IntegerField(
        label=label, required=False, min_value=0, max_value=SASARAN_MAKS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "form-control form-control-sm text-end",
                                        "min": 0}),
    )


class SasaranKelurahanForm(forms.Form):
    """The three targets of one kelurahan in the page's formset; all three, or none (no target yet)."""

    kelurahan = forms.CharField(widget=forms.HiddenInput)
    ibu_hamil = _angka(_("Ibu hamil"))
    ibu_bersalin = _angka(_("Ibu bersalin"))
    bayi_baru_lahir = _angka(_("Bayi baru lahir"))

    ANGKA = ("ibu_hamil", "ibu_bersalin", "bayi_baru_lahir")

    def clean(self):
        data = super().clean()
        diisi = [name for name in self.ANGKA if data.get(name) is not None]
        if diisi and len(diisi) < len(self.ANGKA) and not self.has_error("ibu_hamil") \
                and not self.has_error("ibu_bersalin") and not self.has_error("bayi_baru_lahir"):
            raise forms.ValidationError(_("Isi ketiga sasaran, atau kosongkan ketiganya."))
        if not diisi and self.initial.get("ada"):
            raise forms.ValidationError(_("Sasaran yang sudah tersimpan tidak dapat dikosongkan; isi angkanya."))
        return data

    @property
    def kosong(self) -> bool:
        return all(self.cleaned_data.get(name) is None for name in self.ANGKA)


class BaseSasaranFormSet(forms.BaseFormSet):
    """One form per kelurahan of the Puskesmas, in the order the page shows them."""

    def __init__(self, *args, kelurahan_kode: list[str], **kwargs):
        self.kelurahan_kode = kelurahan_kode
        super().__init__(*args, **kwargs)

    def clean(self):
        if any(self.errors):
            return
        kode = [form.cleaned_data.get("kelurahan") for form in self.forms]
        if kode != self.kelurahan_kode:
            # The page was made for another set of kelurahan (the wilayah kerja changed meanwhile).
            raise forms.ValidationError(_("Daftar kelurahan/desa sudah berubah; muat ulang halaman ini."))


SasaranFormSet = forms.formset_factory(
    SasaranKelurahanForm, formset=BaseSasaranFormSet, extra=0, max_num=500, validate_max=True, absolute_max=500
)
