from django.contrib import admin

from akun.models import SesiPengguna


@admin.register(SesiPengguna)
class SesiPenggunaAdmin(admin.ModelAdmin):
    list_display = ["user", "perangkat", "alamat_ip", "dibuat", "terakhir_aktif"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    # The key opens the session: never shown, never edited by hand.
    exclude = ["session_key"]
    readonly_fields = ["user", "dibuat", "terakhir_aktif", "alamat_ip", "user_agent"]

    def has_add_permission(self, request):
        return False
