from django import forms
from django.utils.translation import gettext_lazy as _


class KodeForm(forms.Form):
    kode = forms.CharField(
        label=_("Kode"),
        max_length=20,
        widget=forms.TextInput(attrs={
            "autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false", "autofocus": True,
        }),
    )
