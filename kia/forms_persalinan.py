"""Forms of deliveries with their babies, a baby's later data, the case review, and the list filters.

Every choice is limited to the mother's Puskesmas and the user's scope. The forms check only what a
field can check alone; the rules that tie fields together (dates in order, windows of the visits,
who may attend where) run once, in `kia.services`, whose errors come back onto these forms.
"""

from __future__ import annotations

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row
from django import forms
from django.core.validators import RegexValidator
from django.db.models import Exists, OuterRef, Q
from django.forms.formsets import DELETION_FIELD_NAME
from django.forms.models import model_to_dict
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from dukun.models import Dukun
from kemitraan.forms_pertemuan import GalatLayananMixin as _GalatLayanan
from kia.models import (
    BAYI_HARI,
    NEONATAL_HARI,
    Bayi,
    Ibu,
    JenisKajian,
    KajianKasus,
    Komplikasi,
    Penolong,
    PeranDukun,
    Persalinan,
    StatusIbu,
    StatusKajian,
    StatusLahir,
    TempatPersalinan,
)
from puskesmas import access
from puskesmas.models import Bidan, Fasilitas, Kelurahan, Puskesmas
from puskesmas.versi import VersiFormMixin

TANGGAL = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
JAM = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
MAKS_BAYI = 5  # quintuplets; a register never holds more


class GalatLayananMixin(_GalatLayanan):
    """Errors of the service land on their field when the form shows it, else on top of the form."""

    def _post_clean(self):
        # The model's rules run in the service (full_clean); see tempel_galat.
        pass


class _Pilihan(forms.ModelChoiceField):
    """A choice labelled with where the person or place belongs: two Siti in one Puskesmas are common."""

    def label_from_instance(self, obj) -> str:
        if isinstance(obj, Bidan):
            return f"{obj.nama} — {obj.fasilitas.nama}"
        if isinstance(obj, Dukun):
            return f"{obj} — {obj.kelurahan.nama}"
        if isinstance(obj, Fasilitas):
            return f"{obj.nama} ({obj.get_jenis_display()})"
        return str(obj)


def _judul(teks) -> HTML:
    return HTML('<h2 class="h5 mt-3">' + escape(str(teks)) + "</h2>")


def _keterangan(teks) -> HTML:
    return HTML('<p class="form-text mt-0">' + escape(str(teks)) + "</p>")


KETERANGAN_KN = _("Tanggal kunjungan neonatal: KN1 6–48 jam, KN2 hari 3–7, KN3 hari 8–28 setelah lahir "
                  "(hari lahir = hari ke-0).")


# --- Delivery -------------------------------------------------------------------------------------


class PersalinanForm(VersiFormMixin, GalatLayananMixin, forms.ModelForm):
    """The delivery itself; its babies come in `BayiFormSet`."""

    peran_dukun = forms.MultipleChoiceField(
        choices=PeranDukun.choices, widget=forms.CheckboxSelectMultiple, required=False, label=_("Peran dukun"),
    )
    komplikasi = forms.MultipleChoiceField(
        choices=Komplikasi.choices, widget=forms.CheckboxSelectMultiple, required=False, label=_("Komplikasi"),
    )

    class Meta:
        model = Persalinan
        fields = [
            "tanggal", "jam", "tempat", "fasilitas", "penolong", "bidan", "dukun", "peran_dukun",
            "komplikasi", "komplikasi_lainnya", "kehamilan", "rujukan",
            "status_ibu", "tanggal_meninggal_ibu", "sebab_kematian_ibu", "keterangan_kematian_ibu",
            "kf1", "kf2", "kf3", "kf4", "jasa_dukun_jumlah", "jasa_dukun_tanggal", "catatan",
        ]
        field_classes = {"fasilitas": _Pilihan, "bidan": _Pilihan, "dukun": _Pilihan}
        widgets = {
            "tanggal": TANGGAL, "jam": JAM, "tanggal_meninggal_ibu": TANGGAL,
            "kf1": TANGGAL, "kf2": TANGGAL, "kf3": TANGGAL, "kf4": TANGGAL, "jasa_dukun_tanggal": TANGGAL,
            "jasa_dukun_jumlah": forms.NumberInput(attrs={"inputmode": "numeric", "min": "0", "step": "1000"}),
            "catatan": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, ibu: Ibu, **kwargs):
        super().__init__(*args, **kwargs)
        self.ibu = ibu
        p = self.instance
        puskesmas_id = ibu.puskesmas_id
        self.fields["fasilitas"].queryset = (
            access.filter_fasilitas(Fasilitas.objects.filter(puskesmas=puskesmas_id, aktif=True), user)
            | Fasilitas.objects.filter(pk=p.fasilitas_id)
        ).order_by("jenis", "nama")
        self.fields["bidan"].queryset = (
            access.filter_bidan(Bidan.objects.filter(puskesmas=puskesmas_id, aktif=True), user)
            | Bidan.objects.filter(pk=p.bidan_id)
        ).select_related("fasilitas").order_by("nama")
        self.fields["dukun"].queryset = (
            Dukun.objects.visible_to(user).filter(kelurahan__puskesmas=puskesmas_id)
            | Dukun.objects.filter(pk=p.dukun_id)
        ).select_related("kelurahan").order_by("nama")
        kehamilan = ibu.kehamilan.filter(Q(persalinan__isnull=True) | Q(pk=p.kehamilan_id)).order_by(
            "-tanggal_daftar", "-pk")
        self.fields["kehamilan"].queryset = kehamilan
        self.fields["rujukan"].queryset = ibu.rujukan.order_by("-waktu_rujuk", "-pk")
        if not p.pk and not self.is_bound:
            self.initial.setdefault("kehamilan", kehamilan.values_list("pk", flat=True).first())
        self.fields["fasilitas"].help_text = _("Fasilitas jaringan Puskesmas ibu, atau rumah sakit rujukannya.")
        self.fields["dukun"].help_text = _("Dukun yang mendampingi atau menolong, bila ada.")
        self.fields["jasa_dukun_jumlah"].help_text = _(
            "Hanya bila bidan dan dukun terikat kemitraan pada tanggal persalinan; kemitraannya dicari otomatis."
        )
        self.helper = self._layout()

    @staticmethod
    def _layout() -> FormHelper:
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        helper.render_hidden_fields = True  # the version or the one-time token (VersiFormMixin)
        setengah = "col-12 col-sm-6"
        helper.layout = Layout(
            Row(Column("tanggal", css_class="col-7 col-sm-6"), Column("jam", css_class="col-5 col-sm-6")),
            Row(Column("tempat", css_class=setengah), Column("fasilitas", css_class=setengah)),
            Row(Column("penolong", css_class=setengah), Column("bidan", css_class=setengah)),
            "dukun", "peran_dukun",
            Row(Column("kehamilan", css_class=setengah), Column("rujukan", css_class=setengah)),
            "komplikasi", "komplikasi_lainnya",
            _judul(_("Keadaan ibu")),
            Row(Column("status_ibu", css_class=setengah), Column("tanggal_meninggal_ibu", css_class=setengah)),
            Row(Column("sebab_kematian_ibu", css_class=setengah),
                Column("keterangan_kematian_ibu", css_class=setengah)),
            Fieldset(
                escape(str(_("Kunjungan nifas"))),
                _keterangan(_("Tanggal kunjungan: KF1 6 jam–2 hari, KF2 hari 3–7, KF3 hari 8–28, KF4 hari 29–42 "
                              "setelah persalinan.")),
                Row(Column("kf1", css_class="col-6 col-md-3"), Column("kf2", css_class="col-6 col-md-3"),
                    Column("kf3", css_class="col-6 col-md-3"), Column("kf4", css_class="col-6 col-md-3")),
            ),
            _judul(_("Jasa untuk dukun")),
            Row(Column("jasa_dukun_jumlah", css_class=setengah), Column("jasa_dukun_tanggal", css_class=setengah)),
            "catatan",
        )
        return helper

    def data_layanan(self) -> dict:
        """The cleaned fields as the service takes them."""
        return dict(self.cleaned_data)


# --- Babies ---------------------------------------------------------------------------------------


BAYI_FIELDS = [
    "jenis_kelamin", "berat_lahir_gram", "status_lahir", "imd", "vitamin_k1", "hb0", "kn1", "kn2", "kn3",
    "tanggal_meninggal", "sebab_kematian", "keterangan_kematian",
]
BAYI_LANJUT_FIELDS = ["kn1", "kn2", "kn3", "tanggal_meninggal", "sebab_kematian", "keterangan_kematian"]


class BayiForm(GalatLayananMixin, forms.ModelForm):
    """One baby of a delivery; `id` names a baby already recorded (on the edit page)."""

    id = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)

    class Meta:
        model = Bayi
        fields = BAYI_FIELDS
        widgets = {
            "kn1": TANGGAL, "kn2": TANGGAL, "kn3": TANGGAL, "tanggal_meninggal": TANGGAL,
            "berat_lahir_gram": forms.NumberInput(attrs={"inputmode": "numeric", "min": "300", "max": "6500"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Sex is known at every birth the form records; the register import may leave it empty.
        self.fields["jenis_kelamin"].required = True
        self.fields["berat_lahir_gram"].help_text = _("300–6.500 gram; di bawah 2.500 gram: BBLR.")
        self.fields["tanggal_meninggal"].help_text = _("Hanya bila bayi lahir hidup lalu meninggal.")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        # The formset adds "hapus" and the hidden id: render them after the layout.
        self.helper.render_unmentioned_fields = True
        self.helper.layout = Layout(
            Row(Column("jenis_kelamin", css_class="col-6 col-sm-4"),
                Column("berat_lahir_gram", css_class="col-6 col-sm-4"),
                Column("status_lahir", css_class="col-12 col-sm-4")),
            Row(Column("imd", css_class="col-12 col-sm-4"), Column("vitamin_k1", css_class="col-6 col-sm-4"),
                Column("hb0", css_class="col-6 col-sm-4")),
            _keterangan(KETERANGAN_KN),
            Row(Column("kn1", css_class="col-12 col-sm-4"), Column("kn2", css_class="col-6 col-sm-4"),
                Column("kn3", css_class="col-6 col-sm-4")),
            Row(Column("tanggal_meninggal", css_class="col-12 col-sm-6"),
                Column("sebab_kematian", css_class="col-12 col-sm-6")),
            "keterangan_kematian",
        )

    def data_layanan(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in BAYI_FIELDS}
        if self.cleaned_data.get("id"):
            data["id"] = self.cleaned_data["id"]
        return data


class BaseBayiFormSet(forms.BaseFormSet):
    """`baru`: a delivery being recorded, whose first baby cannot be deleted (there is nothing to delete)."""

    def __init__(self, *args, baru: bool = False, **kwargs):
        self.baru = baru
        super().__init__(*args, **kwargs)

    def _construct_form(self, i, **kwargs):
        # Every baby form shown is a baby: an untouched one is an error, not silently skipped.
        kwargs.setdefault("empty_permitted", False)
        return super()._construct_form(i, **kwargs)

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if self.baru and index == 0:
            del form.fields[DELETION_FIELD_NAME]
        elif DELETION_FIELD_NAME in form.fields and self.baru:
            # Not saved yet: ticking it just drops this form (a twin added by mistake).
            form.fields[DELETION_FIELD_NAME].label = _("Batalkan isian bayi ini")
        elif DELETION_FIELD_NAME in form.fields:
            form.fields[DELETION_FIELD_NAME].label = _("Hapus bayi ini")
            form.fields[DELETION_FIELD_NAME].help_text = _("Centang bila bayi ini tercatat keliru.")


BayiFormSet = forms.formset_factory(
    BayiForm, formset=BaseBayiFormSet, extra=0, can_delete=True, max_num=MAKS_BAYI, validate_max=True,
    absolute_max=MAKS_BAYI,
)


def bayi_awal(persalinan: Persalinan | None, jumlah: int = 1) -> list[dict]:
    """The formset's initial rows: the recorded babies (with their id), else `jumlah` empty babies."""
    if persalinan is not None and persalinan.pk:
        return [{**model_to_dict(b, fields=BAYI_FIELDS), "id": b.pk} for b in persalinan.bayi.order_by("urutan")]
    return [{} for _ in range(jumlah)]


class BayiLanjutForm(VersiFormMixin, GalatLayananMixin, forms.ModelForm):
    """What is learnt about a baby after the delivery: the neonatal visits, and a death.

    Carries its delivery's version (`versi=`): the delivery's form edits the same baby.
    """

    class Meta:
        model = Bayi
        fields = BAYI_LANJUT_FIELDS
        widgets = {"kn1": TANGGAL, "kn2": TANGGAL, "kn3": TANGGAL, "tanggal_meninggal": TANGGAL}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tanggal_meninggal"].help_text = _("Hanya bila bayi lahir hidup lalu meninggal.")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.render_hidden_fields = True  # the delivery's version (VersiFormMixin)
        self.helper.layout = Layout(
            _keterangan(KETERANGAN_KN),
            Row(Column("kn1", css_class="col-12 col-sm-4"), Column("kn2", css_class="col-6 col-sm-4"),
                Column("kn3", css_class="col-6 col-sm-4")),
            _judul(_("Bila bayi meninggal")),
            Row(Column("tanggal_meninggal", css_class="col-12 col-sm-6"),
                Column("sebab_kematian", css_class="col-12 col-sm-6")),
            "keterangan_kematian",
        )


# --- Case review ------------------------------------------------------------------------------------


class KajianForm(GalatLayananMixin, forms.ModelForm):
    class Meta:
        model = KajianKasus
        fields = ["kronologi", "rencana_perbaikan"]
        labels = {"kronologi": _("Apa yang terjadi"), "rencana_perbaikan": _("Apa yang akan diubah")}
        widgets = {
            "kronologi": forms.Textarea(attrs={"rows": 6}),
            "rencana_perbaikan": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "kronologi": _("Urutan kejadian: siapa menolong, kapan dirujuk, apa yang terlambat."),
            "rencana_perbaikan": _("Langkah yang akan diambil agar tidak terulang, siapa dan kapan."),
        }


# --- Filters --------------------------------------------------------------------------------------


BULAN = RegexValidator(r"^(19|20)\d{2}-(0[1-9]|1[0-2])$", _("Tulis bulan sebagai TTTT-BB, misalnya 2024-05."))
YA_SEMUA = [("", _("Semua")), ("true", _("Ya")), ("false", _("Tidak"))]


def _periode(kode: str):
    from laporan.periode import Periode, PeriodeTidakValid

    try:
        return Periode.dari_kode(kode)
    except PeriodeTidakValid:
        return None


class PersalinanFilter(django_filters.FilterSet):
    bulan = django_filters.CharFilter(
        method="saring_bulan", label=_("Bulan"), validators=[BULAN],
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2024-05"}),
    )
    tahun = django_filters.NumberFilter(
        field_name="tanggal", lookup_expr="year", label=_("Tahun"), min_value=2000, max_value=2100,
    )
    kelurahan = django_filters.ModelChoiceFilter(
        queryset=Kelurahan.objects.none(), label=_("Kelurahan/desa"), empty_label=_("Semua kelurahan/desa"),
    )
    tempat = django_filters.ChoiceFilter(
        choices=TempatPersalinan.choices, label=_("Tempat"), empty_label=_("Semua tempat"),
    )
    penolong = django_filters.ChoiceFilter(choices=Penolong.choices, label=_("Penolong"), empty_label=_("Semua"))
    dukun_sendiri = django_filters.BooleanFilter(
        method="saring_dukun_sendiri", label=_("Ditolong dukun sendiri"), widget=forms.Select(choices=YA_SEMUA),
    )
    ada_kematian = django_filters.BooleanFilter(
        method="saring_kematian", label=_("Ada kematian ibu/bayi"), widget=forms.Select(choices=YA_SEMUA),
        help_text=_("Lahir mati tidak termasuk."),
    )

    # Dashboard drill-down: the same scope and period as the figure (laporan/tautan.py).
    tanggal_dari = django_filters.DateFilter(
        field_name="tanggal", lookup_expr="gte", label=_("Dari tanggal"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    tanggal_sampai = django_filters.DateFilter(
        field_name="tanggal", lookup_expr="lte", label=_("Sampai tanggal"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    puskesmas = django_filters.ModelChoiceFilter(
        field_name="puskesmas", queryset=Puskesmas.objects.none(), widget=forms.HiddenInput,
    )
    kabupaten = django_filters.CharFilter(field_name="puskesmas__kabupaten", widget=forms.HiddenInput)
    bermitra = django_filters.BooleanFilter(
        field_name="kemitraan", lookup_expr="isnull", exclude=True, widget=forms.HiddenInput,
    )
    jasa_dibayar = django_filters.BooleanFilter(
        field_name="jasa_dukun_tanggal", lookup_expr="isnull", exclude=True, widget=forms.HiddenInput,
    )
    ibu_meninggal = django_filters.CharFilter(method="saring_ibu_meninggal", widget=forms.HiddenInput)
    kematian_neonatal = django_filters.CharFilter(method="saring_kematian_neonatal", widget=forms.HiddenInput)
    kematian_bayi = django_filters.CharFilter(method="saring_kematian_bayi", widget=forms.HiddenInput)

    class Meta:
        model = Persalinan
        fields = ["bulan", "tahun", "tanggal_dari", "tanggal_sampai", "puskesmas", "kelurahan", "tempat", "penolong",
                  "dukun_sendiri", "ada_kematian"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["kelurahan"].queryset = access.kelurahan_pilihan(user)
        self.filters["puskesmas"].queryset = Puskesmas.objects.visible_to(user)

    def saring_ibu_meninggal(self, queryset, name, value):
        """Mothers who died in a period (a period code): the delivery's date when the death date is missing."""
        periode = _periode(value)
        if periode is None:
            return queryset.none()
        dalam = Q(tanggal_meninggal_ibu__gte=periode.mulai, tanggal_meninggal_ibu__lte=periode.selesai) | Q(
            tanggal_meninggal_ibu__isnull=True, tanggal__gte=periode.mulai, tanggal__lte=periode.selesai
        )
        return queryset.filter(Q(status_ibu=StatusIbu.MENINGGAL) & dalam)

    def _bayi_meninggal(self, queryset, value, umur_maks: int):
        periode = _periode(value)
        if periode is None:
            return queryset.none()
        return queryset.filter(Exists(Bayi.objects.filter(
            persalinan=OuterRef("pk"), status_lahir=StatusLahir.LAHIR_HIDUP, tanggal_meninggal__gte=periode.mulai,
            tanggal_meninggal__lte=periode.selesai, umur_meninggal_hari__lte=umur_maks,
        )))

    def saring_kematian_neonatal(self, queryset, name, value):
        return self._bayi_meninggal(queryset, value, NEONATAL_HARI)

    def saring_kematian_bayi(self, queryset, name, value):
        return self._bayi_meninggal(queryset, value, BAYI_HARI)


    def saring_bulan(self, queryset, name, value):
        if not value:
            return queryset
        tahun, bulan = (int(x) for x in value.split("-"))
        return queryset.filter(tanggal__year=tahun, tanggal__month=bulan)

    def saring_dukun_sendiri(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(penolong=Penolong.DUKUN) if value else queryset.exclude(penolong=Penolong.DUKUN)

    def saring_kematian(self, queryset, name, value):
        if value is None:
            return queryset
        kematian = Q(status_ibu=StatusIbu.MENINGGAL) | Q(
            Exists(Bayi.objects.filter(persalinan=OuterRef("pk"), tanggal_meninggal__isnull=False))
        )
        return queryset.filter(kematian) if value else queryset.exclude(kematian)


class KajianFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=StatusKajian.choices, label=_("Status"), empty_label=_("Semua"))
    jenis = django_filters.ChoiceFilter(choices=JenisKajian.choices, label=_("Jenis"), empty_label=_("Semua jenis"))
    kelurahan = django_filters.ModelChoiceFilter(
        queryset=Kelurahan.objects.none(), label=_("Kelurahan/desa"), empty_label=_("Semua kelurahan/desa"),
    )

    puskesmas = django_filters.ModelChoiceFilter(
        field_name="puskesmas", queryset=Puskesmas.objects.none(), widget=forms.HiddenInput,
    )

    class Meta:
        model = KajianKasus
        fields = ["status", "jenis", "puskesmas", "kelurahan"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["kelurahan"].queryset = access.kelurahan_pilihan(user)
        self.filters["puskesmas"].queryset = Puskesmas.objects.visible_to(user)

