from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from puskesmas.models import Bidan, Fasilitas, Kabupaten, Kecamatan, Kelurahan, Provinsi, Puskesmas, User

PERAN = ((_("Peran dan cakupan"), {"fields": ("role", "puskesmas", "kabupaten")}),)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + PERAN
    add_fieldsets = BaseUserAdmin.add_fieldsets + PERAN
    list_display = ("username", "first_name", "role", "puskesmas", "kabupaten", "is_active")
    list_filter = ("role", "is_active")
    autocomplete_fields = ("puskesmas", "kabupaten")


@admin.register(Provinsi)
class ProvinsiAdmin(admin.ModelAdmin):
    search_fields = ("kode", "nama")


@admin.register(Kabupaten)
class KabupatenAdmin(admin.ModelAdmin):
    list_display = ("kode", "nama", "provinsi")
    search_fields = ("kode", "nama")


@admin.register(Kecamatan)
class KecamatanAdmin(admin.ModelAdmin):
    list_display = ("kode", "nama", "kabupaten")
    search_fields = ("kode", "nama")


@admin.register(Kelurahan)
class KelurahanAdmin(admin.ModelAdmin):
    list_display = ("kode", "nama", "kecamatan", "puskesmas")
    search_fields = ("kode", "nama")
    list_select_related = ("kecamatan", "puskesmas")
    autocomplete_fields = ("puskesmas",)
    raw_id_fields = ("kecamatan", "kabupaten")


@admin.register(Puskesmas)
class PuskesmasAdmin(SimpleHistoryAdmin):
    list_display = ("kode", "nama", "kabupaten", "zona_waktu", "aktif")
    search_fields = ("kode", "nama")
    autocomplete_fields = ("kabupaten",)


@admin.register(Fasilitas)
class FasilitasAdmin(SimpleHistoryAdmin):
    list_display = ("nama", "jenis", "puskesmas", "aktif")
    list_filter = ("jenis",)
    search_fields = ("nama",)
    autocomplete_fields = ("puskesmas", "kelurahan")


@admin.register(Bidan)
class BidanAdmin(SimpleHistoryAdmin):
    list_display = ("nama", "fasilitas", "puskesmas", "pemilik_pmb", "aktif")
    search_fields = ("nama", "nomor_str")
    autocomplete_fields = ("fasilitas", "kelurahan_domisili", "kelurahan_layanan", "user")
