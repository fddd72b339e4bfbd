from django.contrib import admin

from laporan.models import Unduhan


@admin.register(Unduhan)
class UnduhanAdmin(admin.ModelAdmin):
    list_display = ("jenis", "puskesmas", "diminta_oleh", "status", "dibuat_pada", "selesai_pada")
    list_filter = ("status", "jenis")
    readonly_fields = [f.name for f in Unduhan._meta.fields]
