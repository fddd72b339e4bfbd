from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from dukun.models import Dukun


@admin.register(Dukun)
class DukunAdmin(SimpleHistoryAdmin):
    list_display = ("nama", "nama_panggilan", "kelurahan", "status", "bisa_baca_tulis")
    list_filter = ("status", "bisa_baca_tulis")
    search_fields = ("nama", "nama_panggilan")
    autocomplete_fields = ("kelurahan", "dikenal_oleh")
