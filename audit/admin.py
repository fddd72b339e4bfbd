from django.contrib import admin

from audit.models import Jejak


@admin.register(Jejak)
class JejakAdmin(admin.ModelAdmin):
    """Read-only: the trail is append-only (the database refuses changes too)."""

    list_display = ("waktu", "aksi", "pengguna", "username", "peran", "puskesmas", "kabupaten", "objek_tipe",
                    "objek_id", "ip", "path")
    list_filter = ("aksi", "peran")
    search_fields = ("username", "objek_id", "path")
    date_hierarchy = "waktu"
    list_select_related = ("pengguna", "puskesmas", "kabupaten")
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
