from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from audit.models import Aksi


class JejakFilterForm(forms.Form):
    dari = forms.DateField(label=_("Dari tanggal"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    sampai = forms.DateField(label=_("Sampai tanggal"), required=False,
                             widget=forms.DateInput(attrs={"type": "date"}))
    aksi = forms.ChoiceField(label=_("Aksi"), required=False, choices=[("", _("Semua aksi"))] + Aksi.choices)
    pengguna = forms.CharField(label=_("Nama pengguna"), required=False, max_length=150)

    def clean(self):
        data = super().clean()
        if data.get("dari") and data.get("sampai") and data["dari"] > data["sampai"]:
            raise forms.ValidationError(_("Tanggal awal harus sebelum tanggal akhir."), code="rentang")
        return data

    def saring(self, qs: QuerySet) -> QuerySet:
        data = self.cleaned_data
        if data.get("dari"):
            qs = qs.filter(waktu__date__gte=data["dari"])
        if data.get("sampai"):
            qs = qs.filter(waktu__date__lte=data["sampai"])
        if data.get("aksi"):
            qs = qs.filter(aksi=data["aksi"])
        if data.get("pengguna"):
            # The account's name, or the name typed at a failed login.
            nama = data["pengguna"].strip()
            qs = qs.filter(username__iexact=nama)
        return qs
