"""Deliveries, babies and referrals in the admin: a month whose report is approved stays read-only there too."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kia.models import Bayi, Persalinan, Rujukan
from laporan.kunci import KunciAdminMixin, tanggal_lokal


@admin.register(Persalinan)
class PersalinanAdmin(KunciAdminMixin, SimpleHistoryAdmin):
    list_display = ("tanggal", "ibu", "kelurahan", "penolong", "tempat", "status_ibu")
    list_filter = ("penolong", "tempat", "status_ibu")
    list_select_related = ("ibu", "kelurahan")
    search_fields = ("ibu__nama", "id_eksternal")  # never the NIK
    date_hierarchy = "tanggal"
    raw_id_fields = ("ibu", "kehamilan", "rujukan", "fasilitas", "bidan", "dukun", "kemitraan")

    def kunci_rekaman(self, obj):
        puskesmas_id = obj.puskesmas_id or (obj.ibu.puskesmas_id if obj.ibu_id else None)
        return puskesmas_id, obj.tanggal


@admin.register(Bayi)
class BayiAdmin(KunciAdminMixin, SimpleHistoryAdmin):
    list_display = ("__str__", "persalinan", "status_lahir", "berat_lahir_gram", "tanggal_meninggal")
    list_filter = ("status_lahir", "kn_lengkap")
    list_select_related = ("persalinan__ibu",)
    search_fields = ("persalinan__ibu__nama", "id_eksternal")
    raw_id_fields = ("persalinan",)

    def kunci_rekaman(self, obj):
        # A baby belongs to the month of its delivery.
        persalinan = obj.persalinan
        return persalinan.puskesmas_id, persalinan.tanggal


@admin.register(Rujukan)
class RujukanAdmin(KunciAdminMixin, SimpleHistoryAdmin):
    list_display = ("waktu_rujuk", "ibu", "jenis", "status", "kelurahan")
    list_filter = ("jenis", "status")
    list_select_related = ("ibu", "kelurahan")
    search_fields = ("ibu__nama",)
    date_hierarchy = "waktu_rujuk"
    raw_id_fields = ("ibu", "kehamilan", "dukun", "bidan", "fasilitas_tujuan")

    def kunci_rekaman(self, obj):
        # The local day of the referral in the Puskesmas' own zone.
        puskesmas = obj.puskesmas if obj.puskesmas_id else obj.ibu.puskesmas
        return puskesmas.pk, tanggal_lokal(obj.waktu_rujuk, puskesmas.zona)
