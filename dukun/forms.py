from __future__ import annotations

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Field, Layout, Row
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dukun.models import Dukun, StatusDukun
from puskesmas import access
from puskesmas.forms import KelurahanChoiceField
from puskesmas.models import Bidan, Kelurahan, Puskesmas
from puskesmas.versi import VersiFormMixin


class BidanChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Bidan) -> str:
        return f"{obj.nama} — {obj.fasilitas.nama}"


class DukunForm(VersiFormMixin, forms.ModelForm):
    kelurahan = KelurahanChoiceField(queryset=Kelurahan.objects.none(), label=_("Kelurahan/desa"))
    dikenal_oleh = BidanChoiceField(
        queryset=Bidan.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        label=_("Bidan yang mengenalnya"),
        help_text=_("Centang setiap bidan yang sudah mengenal dukun ini."),
    )

    class Meta:
        model = Dukun
        fields = [
            "nama", "nama_panggilan", "tahun_lahir", "kelurahan", "alamat", "rt", "rw", "telepon",
            "bisa_baca_tulis", "lama_praktik_tahun", "status", "status_sejak", "latitude", "longitude",
            "dikenal_oleh", "catatan",
        ]
        widgets = {
            "status_sejak": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "catatan": forms.Textarea(attrs={"rows": 3}),
            "tahun_lahir": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "telepon": forms.TextInput(attrs={"inputmode": "tel"}),
            "rt": forms.TextInput(attrs={"inputmode": "numeric"}),
            "rw": forms.TextInput(attrs={"inputmode": "numeric"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = self._layout()
        kelurahan = Kelurahan.objects.filter(pk__in=access.dukun_writable_kelurahan_ids(user))
        self.fields["kelurahan"].queryset = kelurahan.order_by("nama")
        # The bidan of the Puskesmas that serve these kelurahan.
        self.fields["dikenal_oleh"].queryset = (
            Bidan.objects.filter(puskesmas__in=kelurahan.values("puskesmas"))
            .filter(Q(aktif=True) | Q(pk__in=self.instance.dikenal_oleh.all() if self.instance.pk else []))
            .select_related("fasilitas")
            .order_by("nama")
        )

    @staticmethod
    def _layout() -> FormHelper:
        # Short fields side by side even on a phone; the GPS button fills the point where she stands.
        helper = FormHelper()
        helper.form_tag = False
        helper.render_hidden_fields = True  # the version or the one-time token (VersiFormMixin)
        helper.layout = Layout(
            "nama", "nama_panggilan",
            Row(Column("tahun_lahir", css_class="col-6"), Column("lama_praktik_tahun", css_class="col-6"),
                css_class="align-items-end"),
            "kelurahan", "alamat",
            Row(Column("rt", css_class="col-6"), Column("rw", css_class="col-6")),
            "telepon", "bisa_baca_tulis",
            Row(Column("status", css_class="col-12 col-sm-6"), Column("status_sejak", css_class="col-12 col-sm-6")),
            Row(Column("latitude", css_class="col-6"), Column("longitude", css_class="col-6")),
            Div(HTML(
                '<button type="button" class="btn btn-outline-secondary btn-sm mb-3" id="ambil-lokasi">'
                + str(_("Gunakan lokasi saya sekarang"))
                + "</button>"
            )),
            Field("dikenal_oleh"), "catatan",
        )
        return helper

    def clean(self):
        cleaned = super().clean()
        kelurahan = cleaned.get("kelurahan")
        bidan = cleaned.get("dikenal_oleh")
        if kelurahan and bidan:
            luar = [b.nama for b in bidan if b.puskesmas_id != kelurahan.puskesmas_id]
            if luar:
                self.add_error("dikenal_oleh", _(
                    "Bidan berikut bukan dari Puskesmas kelurahan ini: %(luar)s."
                ) % {"luar": ", ".join(luar)})
        # A status change must say when it happened, or the registry cannot tell when a dukun stopped.
        if self.instance.pk and "status" in self.changed_data and "status_sejak" not in self.changed_data:
            self.add_error("status_sejak", _("Status berubah: isi tanggal perubahan status."))
        return cleaned


class DukunFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="cari", label=_("Cari nama"))
    puskesmas = django_filters.ModelChoiceFilter(
        field_name="kelurahan__puskesmas", queryset=Puskesmas.objects.none(), label=_("Puskesmas"),
        empty_label=_("Semua Puskesmas"),
    )
    kelurahan = django_filters.ModelChoiceFilter(
        queryset=Kelurahan.objects.none(), label=_("Kelurahan/desa"), empty_label=_("Semua kelurahan/desa"),
    )
    status = django_filters.ChoiceFilter(choices=StatusDukun.choices, label=_("Status"), empty_label=_("Semua status"))
    bisa_baca_tulis = django_filters.BooleanFilter(
        label=_("Bisa baca tulis"),
        widget=forms.Select(choices=[("", _("Semua")), ("true", _("Ya")), ("false", _("Tidak"))]),
    )
    dikenal = django_filters.BooleanFilter(
        label=_("Dikenal bidan"),
        widget=forms.Select(choices=[("", _("Semua")), ("true", _("Sudah dikenal")), ("false", _("Belum dikenal"))]),
    )

    # Dashboard drill-down (laporan/tautan.py).
    kabupaten = django_filters.CharFilter(field_name="kelurahan__puskesmas__kabupaten", widget=forms.HiddenInput)
    terdaftar = django_filters.BooleanFilter(method="saring_terdaftar", widget=forms.HiddenInput)

    class Meta:
        model = Dukun
        fields = ["q", "puskesmas", "kelurahan", "status", "bisa_baca_tulis", "dikenal"]

    def saring_terdaftar(self, queryset, name, value):
        """Still on the registry: not moved away and not deceased."""
        if value is None:
            return queryset
        keluar = Q(status__in=[StatusDukun.PINDAH, StatusDukun.MENINGGAL])
        return queryset.exclude(keluar) if value else queryset.filter(keluar)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["kelurahan"].queryset = access.kelurahan_pilihan(user)
        self.filters["puskesmas"].queryset = Puskesmas.objects.visible_to(user)

    def cari(self, queryset, name, value):
        return queryset.filter(Q(nama__icontains=value) | Q(nama_panggilan__icontains=value))
