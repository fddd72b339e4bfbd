from django.contrib import admin

from laporan.models import CatatanLaporan, LaporanBulanan, Unduhan


class HanyaBacaAdmin(admin.ModelAdmin):
    """Shown, never changed here: approval and reopening go through laporan.services (logged, locking)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Unduhan)
class UnduhanAdmin(admin.ModelAdmin):
    list_display = ("jenis", "puskesmas", "kabupaten", "periode", "diminta_oleh", "status", "dibuat_pada",
                    "selesai_pada")
    list_filter = ("status", "jenis")
    readonly_fields = [f.name for f in Unduhan._meta.fields]


@admin.register(LaporanBulanan)
class LaporanBulananAdmin(HanyaBacaAdmin):
    list_display = ("puskesmas", "bulan", "status", "disetujui_oleh", "disetujui_pada", "dibuka_oleh", "dibuka_pada")
    list_filter = ("status", "puskesmas__kabupaten")
    search_fields = ("puskesmas__nama", "puskesmas__kode")
    date_hierarchy = "bulan"
    list_select_related = ("puskesmas", "disetujui_oleh", "dibuka_oleh")


@admin.register(CatatanLaporan)
class CatatanLaporanAdmin(HanyaBacaAdmin):
    list_display = ("pada", "aksi", "oleh", "puskesmas", "kabupaten", "periode", "berkas")
    list_filter = ("aksi", "berkas")
    search_fields = ("oleh__username", "puskesmas__nama", "periode")
    date_hierarchy = "pada"
    list_select_related = ("oleh", "puskesmas", "kabupaten")
