"""Forms of referrals: the referral itself, each step of its status, and the list's filter."""

from __future__ import annotations

import datetime as dt

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dukun.models import Dukun
from kemitraan.forms_pertemuan import WAKTU, GalatLayananMixin
from kia import selectors
from kia.forms_ibu import DukunPilihan
from kia.forms_persalinan import BULAN
from kia.models import AlasanPenolakan, Ibu, JenisRujukan, Kehamilan, Rujukan, StatusRujukan, TandaBahaya
from puskesmas import access
from puskesmas.models import Bidan, Fasilitas, Kelurahan, Puskesmas
from puskesmas.versi import VersiFormMixin


def zona() -> str:
    """The abbreviation of the active zone (WIB, WITA, WIT): times are entered in it."""
    return timezone.localtime().tzname() or timezone.get_current_timezone_name()


def sekarang() -> dt.datetime:
    """Now, to the minute: a datetime-local field holds no seconds, and a time may not lie in the future."""
    return timezone.localtime().replace(second=0, microsecond=0)


class BidanPilihan(forms.ModelChoiceField):
    def label_from_instance(self, obj: Bidan) -> str:
        return f"{obj.nama} — {obj.fasilitas.nama}"


class FasilitasPilihan(forms.ModelChoiceField):
    def label_from_instance(self, obj: Fasilitas) -> str:
        return f"{obj.nama} ({obj.get_jenis_display()})"


class KehamilanPilihan(forms.ModelChoiceField):
    def label_from_instance(self, obj: Kehamilan) -> str:
        teks = f"G{obj.gravida}P{obj.para}A{obj.abortus}"
        if obj.hpl:
            teks += " · " + str(_("HPL %(tanggal)s") % {"tanggal": obj.hpl.strftime("%d-%m-%Y")})
        return teks


class RujukanForm(VersiFormMixin, GalatLayananMixin, forms.ModelForm):
    """A referral of one mother; dukun, bidan and facility come from her Puskesmas, as far as the user sees."""

    jenis = forms.ChoiceField(choices=JenisRujukan.choices, widget=forms.RadioSelect, label=_("Jenis rujukan"))
    kehamilan = KehamilanPilihan(queryset=Kehamilan.objects.none(), required=False, label=_("Kehamilan"))
    dukun = DukunPilihan(
        queryset=Dukun.objects.none(), required=False, label=_("Dukun perujuk"),
        help_text=_("Wajib untuk rujukan dari dukun."),
    )
    bidan = BidanPilihan(
        queryset=Bidan.objects.none(), required=False, label=_("Bidan"),
        help_text=_("Bidan penerima rujukan dukun, atau bidan yang merujuk."),
    )
    fasilitas_tujuan = FasilitasPilihan(
        queryset=Fasilitas.objects.none(), required=False, label=_("Fasilitas tujuan"),
        help_text=_("Wajib untuk rujukan bidan ke Puskesmas atau rumah sakit."),
    )
    tanda_bahaya = forms.MultipleChoiceField(
        choices=TandaBahaya.choices, widget=forms.CheckboxSelectMultiple, required=False, label=_("Tanda bahaya"),
    )

    class Meta:
        model = Rujukan
        fields = ["jenis", "kehamilan", "dukun", "bidan", "fasilitas_tujuan", "waktu_rujuk", "alasan",
                  "tanda_bahaya", "tanda_bahaya_lainnya"]
        widgets = {"waktu_rujuk": WAKTU, "alasan": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, ibu: Ibu, **kwargs):
        super().__init__(*args, **kwargs)
        r = self.instance
        self.fields["kehamilan"].queryset = Kehamilan.objects.filter(ibu=ibu).order_by("-tanggal_daftar", "-pk")
        self.fields["dukun"].queryset = selectors.pilihan_dukun(user, ibu.puskesmas_id, sertakan=r.dukun_id)
        self.fields["bidan"].queryset = selectors.pilihan_bidan(user, ibu.puskesmas_id, sertakan=r.bidan_id)
        self.fields["fasilitas_tujuan"].queryset = selectors.pilihan_fasilitas(
            user, ibu.puskesmas_id, sertakan=r.fasilitas_tujuan_id
        )
        self.fields["waktu_rujuk"].help_text = _("Waktu setempat (%(zona)s).") % {"zona": zona()}
        if not r.pk and not self.is_bound:
            terakhir = selectors.kehamilan_terakhir(ibu)
            self.initial.setdefault("jenis", JenisRujukan.DUKUN_KE_BIDAN)
            self.initial.setdefault("waktu_rujuk", sekarang())
            self.initial.setdefault("kehamilan", terakhir.pk if terakhir else None)
            self.initial.setdefault("dukun", ibu.dukun_id)
            saya = access.bidan_profile(user)
            if saya is not None and saya.puskesmas_id == ibu.puskesmas_id:
                self.initial.setdefault("bidan", saya.pk)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.render_hidden_fields = True  # the version or the one-time token (VersiFormMixin)
        self.helper.layout = Layout(
            "jenis", "waktu_rujuk", "dukun", "bidan", "fasilitas_tujuan", "kehamilan", "alasan", "tanda_bahaya",
            "tanda_bahaya_lainnya",
        )

    def _post_clean(self):
        pass


# --- Status steps ----------------------------------------------------------------------------------

LABEL_LANGKAH = {
    StatusRujukan.DITERIMA: _("Sudah sampai"),
    StatusRujukan.DITANGANI: _("Sudah ditangani"),
    StatusRujukan.DITOLAK_KELUARGA: _("Ditolak keluarga"),
    StatusRujukan.TIDAK_SAMPAI: _("Tidak sampai"),
}
LABEL_WAKTU = {
    StatusRujukan.DITERIMA: _("Waktu ibu sampai"),
    StatusRujukan.DITANGANI: _("Waktu ibu ditangani"),
    StatusRujukan.DITOLAK_KELUARGA: _("Waktu keluarga menolak"),
    StatusRujukan.TIDAK_SAMPAI: _("Waktu diketahui tidak sampai"),
}


class StatusRujukanForm(GalatLayananMixin, forms.Form):
    """One step forward. The step travels as a hidden field; only the next steps are accepted."""

    PETA_GALAT = {
        "status": "__all__", "waktu_diterima": "waktu", "waktu_ditangani": "waktu", "waktu_batal": "waktu",
        "keterangan_status": "keterangan",
    }

    status = forms.ChoiceField(widget=forms.HiddenInput, error_messages={
        "required": _("Pilih langkah status rujukan."),
        "invalid_choice": _("Status rujukan ini tidak bisa diubah ke langkah itu. Muat ulang halaman untuk melihat "
                            "statusnya sekarang."),
    })
    waktu = forms.DateTimeField(label=_("Waktu"), widget=WAKTU)
    alasan_penolakan = forms.ChoiceField(
        choices=[("", _("Pilih alasan")), *AlasanPenolakan.choices], required=False, label=_("Alasan penolakan"),
    )
    keterangan = forms.CharField(label=_("Keterangan"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, pilihan: tuple[str, ...], langkah: str, **kwargs):
        kwargs.setdefault("auto_id", f"id_{langkah or 'status'}_%s")
        super().__init__(*args, **kwargs)
        self.langkah = langkah
        self.label = LABEL_LANGKAH.get(langkah, langkah)
        self.fields["status"].choices = [(s, StatusRujukan(s).label) for s in pilihan]
        self.fields["status"].initial = langkah
        self.fields["waktu"].initial = sekarang
        self.fields["waktu"].label = LABEL_WAKTU.get(langkah, _("Waktu"))
        self.fields["waktu"].help_text = _("Waktu setempat (%(zona)s).") % {"zona": zona()}
        if langkah != StatusRujukan.DITOLAK_KELUARGA:
            del self.fields["alasan_penolakan"]
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == StatusRujukan.DITOLAK_KELUARGA and not cleaned.get("alasan_penolakan"):
            self.add_error("alasan_penolakan", _("Pilih alasan keluarga menolak rujukan."))
        return cleaned

    def data_layanan(self) -> dict:
        data = self.cleaned_data
        return {
            "status": data["status"], "waktu": data["waktu"], "alasan_penolakan": data.get("alasan_penolakan", ""),
            "keterangan": data.get("keterangan", ""),
        }


# --- Filter ----------------------------------------------------------------------------------------


BELUM_SELESAI = "belum_selesai"


class RujukanFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=[(BELUM_SELESAI, _("Belum selesai (dirujuk atau sampai)")), *StatusRujukan.choices],
        method="saring_status", label=_("Status"), empty_label=_("Semua status"),
    )
    jenis = django_filters.ChoiceFilter(choices=JenisRujukan.choices, label=_("Jenis"), empty_label=_("Semua jenis"))
    bulan = django_filters.CharFilter(
        method="saring_bulan", label=_("Bulan"),
        validators=[BULAN],
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-03", "pattern": r"\d{4}-\d{2}"}),
    )
    puskesmas = django_filters.ModelChoiceFilter(
        field_name="puskesmas", queryset=Puskesmas.objects.none(), label=_("Puskesmas"),
        empty_label=_("Semua Puskesmas"),
    )
    kelurahan = django_filters.ModelChoiceFilter(
        queryset=Kelurahan.objects.none(), label=_("Kelurahan/desa"), empty_label=_("Semua kelurahan/desa"),
    )

    # Dashboard drill-down (laporan/tautan.py): dates of referral in the active zone, as the indicators count them.
    tanggal_dari = django_filters.DateFilter(
        field_name="waktu_rujuk__date", lookup_expr="gte", label=_("Dari tanggal"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    tanggal_sampai = django_filters.DateFilter(
        field_name="waktu_rujuk__date", lookup_expr="lte", label=_("Sampai tanggal"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    alasan_penolakan = django_filters.ChoiceFilter(
        choices=AlasanPenolakan.choices, label=_("Alasan penolakan"), empty_label=_("Semua alasan"),
    )
    sampai = django_filters.BooleanFilter(method="saring_sampai", widget=forms.HiddenInput)
    kabupaten = django_filters.CharFilter(field_name="puskesmas__kabupaten", widget=forms.HiddenInput)

    class Meta:
        model = Rujukan
        fields = ["status", "jenis", "bulan", "tanggal_dari", "tanggal_sampai", "puskesmas", "kelurahan",
                  "alasan_penolakan"]

    def saring_sampai(self, queryset, name, value):
        if value is None:
            return queryset
        sampai = Q(status__in=[StatusRujukan.DITERIMA, StatusRujukan.DITANGANI])
        return queryset.filter(sampai) if value else queryset.exclude(sampai)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["kelurahan"].queryset = access.kelurahan_pilihan(user)
        self.filters["puskesmas"].queryset = Puskesmas.objects.visible_to(user)

    def saring_status(self, queryset, name, value):
        return queryset.terbuka() if value == BELUM_SELESAI else queryset.filter(status=value)

    def saring_bulan(self, queryset, name, value):
        # The month in the active zone: a referral at 00:30 WIB on the 1st belongs to that month.
        tahun, bulan = (int(x) for x in value.split("-"))
        awal = timezone.make_aware(dt.datetime(tahun, bulan, 1))
        akhir = timezone.make_aware(dt.datetime(tahun + bulan // 12, bulan % 12 + 1, 1))
        return queryset.filter(waktu_rujuk__gte=awal, waktu_rujuk__lt=akhir)
