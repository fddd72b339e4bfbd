"""Forms of the programme area. Each gets the user and the Puskesmas it writes for, and limits every choice
to records of that Puskesmas the user may write: a forged id of another Puskesmas is an invalid choice."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dukun.models import Dukun, StatusDukun
from kemitraan.models import (
    AnggaranDana,
    JenisPertemuan,
    Pelatihan,
    PemberianKit,
    PengeluaranDana,
    Pertemuan,
    Sarana,
)
from kemitraan.templatetags.rupiah import angka
from puskesmas import access
from puskesmas.models import Bidan, Puskesmas

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _writable(user, puskesmas: Puskesmas) -> Q:
    """Records of `puskesmas`, and only when the user may write it (else nothing matches)."""
    return Q(puskesmas=puskesmas, puskesmas__in=access.registry_writable_puskesmas_ids(user))


class RupiahInput(forms.TextInput):
    """Shows 1250000 as `1.250.000`; numeric keyboard on a phone."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "numeric", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, int | Decimal):
            return angka(value)
        return super().format_value(value)


class RupiahField(forms.DecimalField):
    """Whole rupiah, typed the Indonesian way: `1.250.000`, `Rp 1.250.000` or `1250000`."""

    widget = RupiahInput
    default_error_messages = {
        "invalid": _("Tulis jumlah rupiah tanpa sen, contoh 1.250.000."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 0)
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            text = re.sub(r"(?i)^\s*rp\.?", "", value).replace(" ", "").replace("\xa0", "")
            if re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
                text = text.replace(".", "")  # thousands dots
            elif re.fullmatch(r"\d+,0{1,2}", text):
                text = text.split(",")[0]  # ",00" sen
            elif text and not text.isdigit():
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            value = text
        return super().to_python(value)


class TanggalLaluMixin:
    """A record of something that happened: its date cannot be in the future."""

    tanggal_lalu_pesan = _("Tanggal tidak boleh di masa depan.")

    def clean_tanggal(self):
        tanggal = self.cleaned_data.get("tanggal")
        if tanggal and tanggal > timezone.localdate():
            raise forms.ValidationError(self.tanggal_lalu_pesan)
        return tanggal


# --- The meeting plan ----------------------------------------------------------------------


class RencanaPertemuanForm(forms.Form):
    """One number per kind of meeting: how many a year."""

    def __init__(self, *args, rencana: dict[str, int], **kwargs):
        super().__init__(*args, **kwargs)
        for jenis, label in JenisPertemuan.choices:
            self.fields[jenis] = forms.IntegerField(
                label=label, min_value=0, max_value=52, initial=rencana.get(jenis, 0),
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                help_text=_("Kali per tahun (0–52)."),
                error_messages={"required": _("Isi jumlah pertemuan (0 bila tidak ada).")},
            )

    def jumlah(self) -> dict[str, int]:
        return {jenis: self.cleaned_data[jenis] for jenis in JenisPertemuan.values}


# --- Funds -----------------------------------------------------------------------------------


class AnggaranForm(forms.ModelForm):
    jumlah_alokasi = RupiahField(label=_("Alokasi (Rp)"), min_value=0)

    class Meta:
        model = AnggaranDana
        fields = ["tahun", "sumber", "jumlah_alokasi", "keterangan"]
        widgets = {"tahun": forms.NumberInput(attrs={"inputmode": "numeric"})}

    def __init__(self, *args, user, puskesmas: Puskesmas, **kwargs):
        super().__init__(*args, **kwargs)
        self.puskesmas = puskesmas
        self.instance.puskesmas = puskesmas

    def clean(self):
        cleaned = super().clean()
        tahun, sumber = cleaned.get("tahun"), cleaned.get("sumber")
        if tahun and sumber:
            sama = AnggaranDana.objects.filter(puskesmas=self.puskesmas, tahun=tahun, sumber=sumber)
            if self.instance.pk:
                sama = sama.exclude(pk=self.instance.pk)
            if sama.exists():
                self.add_error("sumber", _(
                    "Dana %(sumber)s tahun %(tahun)s sudah dicatat untuk Puskesmas ini; ubah anggaran yang ada."
                ) % {"sumber": dict(self.fields["sumber"].choices)[sumber], "tahun": tahun})
        if self.instance.pk and tahun and "tahun" in self.changed_data and self.instance.pengeluaran.exists():
            self.add_error("tahun", _("Anggaran ini sudah mempunyai pengeluaran; tahunnya tidak dapat diubah."))
        return cleaned


class AnggaranChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: AnggaranDana) -> str:
        return f"{obj.get_sumber_display()} {obj.tahun}"


class PengeluaranForm(TanggalLaluMixin, forms.ModelForm):
    anggaran = AnggaranChoiceField(queryset=AnggaranDana.objects.none(), label=_("Sumber dana (anggaran)"))
    jumlah = RupiahField(label=_("Jumlah (Rp)"), min_value=1)
    pertemuan = forms.ModelChoiceField(
        queryset=Pertemuan.objects.none(), required=False, label=_("Untuk pertemuan"),
        help_text=_("Boleh dikosongkan."),
    )
    pelatihan = forms.ModelChoiceField(
        queryset=Pelatihan.objects.none(), required=False, label=_("Untuk pelatihan"),
        help_text=_("Boleh dikosongkan."),
    )
    tanggal_lalu_pesan = _("Tanggal pengeluaran tidak boleh di masa depan.")

    class Meta:
        model = PengeluaranDana
        fields = ["anggaran", "tanggal", "jumlah", "uraian", "pertemuan", "pelatihan"]
        widgets = {"tanggal": DATE_WIDGET}

    def __init__(self, *args, user, puskesmas: Puskesmas, **kwargs):
        super().__init__(*args, **kwargs)
        mine = _writable(user, puskesmas)
        self.fields["anggaran"].queryset = AnggaranDana.objects.filter(mine).order_by("-tahun", "sumber")
        self.fields["pertemuan"].queryset = Pertemuan.objects.filter(mine).order_by("-waktu_rencana")
        self.fields["pelatihan"].queryset = Pelatihan.objects.filter(mine).order_by("-tanggal")


# --- Facilities and kits -----------------------------------------------------------------------


class SaranaForm(forms.ModelForm):
    class Meta:
        model = Sarana
        fields = ["jenis", "nama", "tersedia", "jumlah", "keterangan"]
        widgets = {"jumlah": forms.NumberInput(attrs={"inputmode": "numeric"})}

    def __init__(self, *args, user, puskesmas: Puskesmas, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.puskesmas = puskesmas


class DukunChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Dukun) -> str:
        return f"{obj.nama} — {obj.kelurahan.nama}"


class DukunMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Dukun) -> str:
        return f"{obj.nama} — {obj.kelurahan.nama}"


class BidanMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Bidan) -> str:
        return f"{obj.nama} — {obj.fasilitas.nama}"


def _dukun_puskesmas(user, puskesmas: Puskesmas, *, termasuk=()) -> Dukun:
    """Active dukun of the Puskesmas' wilayah kerja (plus those already chosen), when the user writes it."""
    return (
        Dukun.objects.filter(
            kelurahan__puskesmas=puskesmas,
            kelurahan__puskesmas__in=access.registry_writable_puskesmas_ids(user),
        )
        .filter(Q(status=StatusDukun.AKTIF) | Q(pk__in=list(termasuk)))
        .select_related("kelurahan")
        .order_by("kelurahan__nama", "nama")
    )


class PemberianKitForm(TanggalLaluMixin, forms.ModelForm):
    dukun = DukunChoiceField(queryset=Dukun.objects.none(), label=_("Dukun penerima"))

    class Meta:
        model = PemberianKit
        fields = ["dukun", "tanggal", "isi", "jumlah"]
        widgets = {"tanggal": DATE_WIDGET, "jumlah": forms.NumberInput(attrs={"inputmode": "numeric"})}

    def __init__(self, *args, user, puskesmas: Puskesmas, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.puskesmas = puskesmas
        self.fields["dukun"].queryset = _dukun_puskesmas(
            user, puskesmas, termasuk=[self.instance.dukun_id] if self.instance.dukun_id else []
        )


# --- Training ----------------------------------------------------------------------------------


class PelatihanForm(TanggalLaluMixin, forms.ModelForm):
    peserta_bidan = BidanMultipleChoiceField(
        queryset=Bidan.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        label=_("Bidan peserta"),
    )
    peserta_dukun = DukunMultipleChoiceField(
        queryset=Dukun.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        label=_("Dukun peserta"),
    )
    tanggal_lalu_pesan = _("Catat pelatihan yang sudah terlaksana: tanggalnya tidak boleh di masa depan.")

    class Meta:
        model = Pelatihan
        fields = ["jenis", "tanggal", "topik", "tempat", "penyelenggara", "peserta_bidan", "peserta_dukun"]
        widgets = {"tanggal": DATE_WIDGET}

    def __init__(self, *args, user, puskesmas: Puskesmas, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.puskesmas = puskesmas
        bidan_lama = list(self.instance.peserta_bidan.values_list("pk", flat=True)) if self.instance.pk else []
        dukun_lama = list(self.instance.peserta_dukun.values_list("pk", flat=True)) if self.instance.pk else []
        self.fields["peserta_bidan"].queryset = (
            Bidan.objects.filter(_writable(user, puskesmas))
            .filter(Q(aktif=True) | Q(pk__in=bidan_lama))
            .select_related("fasilitas")
            .order_by("nama")
        )
        self.fields["peserta_dukun"].queryset = _dukun_puskesmas(user, puskesmas, termasuk=dukun_lama)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("peserta_bidan") and not cleaned.get("peserta_dukun") and not self.errors:
            self.add_error("peserta_dukun", _("Centang sedikitnya satu peserta (bidan atau dukun)."))
        return cleaned
