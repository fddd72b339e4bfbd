"""Meetings, spending, kits and training in the admin: a month whose report is approved stays read-only there too."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kemitraan.models import Pelatihan, PemberianKit, PengeluaranDana, Pertemuan
from laporan.kunci import KunciAdminMixin, tanggal_lokal


@admin.register(Pertemuan)
class PertemuanAdmin(KunciAdminMixin, SimpleHistoryAdmin):
    list_display = ("waktu_rencana", "jenis", "puskesmas", "status", "waktu_pelaksanaan")
    list_filter = ("jenis", "status")
    list_select_related = ("puskesmas",)
    search_fields = ("puskesmas__nama", "tempat", "materi")
    date_hierarchy = "waktu_rencana"
    raw_id_fields = ("puskesmas", "dibuat_oleh")

    def kunci_rekaman(self, obj):
        puskesmas = obj.puskesmas
        return puskesmas.pk, tanggal_lokal(obj.waktu_pelaksanaan or obj.waktu_rencana, puskesmas.zona)


@admin.register(PengeluaranDana)
class PengeluaranDanaAdmin(KunciAdminMixin, SimpleHistoryAdmin):
    list_display = ("tanggal", "uraian", "jumlah", "anggaran")
    list_select_related = ("anggaran__puskesmas",)
    search_fields = ("uraian", "anggaran__puskesmas__nama")
    date_hierarchy = "tanggal"
    raw_id_fields = ("anggaran", "pertemuan", "pelatihan")

    def kunci_rekaman(self, obj):
        return obj.anggaran.puskesmas_id, obj.tanggal


@admin.register(PemberianKit)
class PemberianKitAdmin(KunciAdminMixin, SimpleHistoryAdmin):
    list_display = ("tanggal", "dukun", "isi", "puskesmas")
    list_select_related = ("dukun", "puskesmas")
    search_fields = ("dukun__nama", "isi")
    date_hierarchy = "tanggal"
    raw_id_fields = ("puskesmas", "dukun")

    def kunci_rekaman(self, obj):
        return obj.puskesmas_id, obj.tanggal


@admin.register(Pelatihan)
class PelatihanAdmin(KunciAdminMixin, SimpleHistoryAdmin):
    list_display = ("tanggal", "topik", "jenis", "puskesmas")
    list_filter = ("jenis",)
    list_select_related = ("puskesmas",)
    search_fields = ("topik", "puskesmas__nama")
    date_hierarchy = "tanggal"
    raw_id_fields = ("puskesmas",)
    filter_horizontal = ("peserta_bidan", "peserta_dukun")

    def kunci_rekaman(self, obj):
        return obj.puskesmas_id, obj.tanggal
