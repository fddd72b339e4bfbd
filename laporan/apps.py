from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


def _daftarkan_median(sender, connection, **kwargs):
    """SQLite has no median: register one so the indicator engine aggregates in the database there too."""
    if connection.vendor == "sqlite":
        from laporan.hitung import MedianSqlite

        connection.connection.create_aggregate("MEDIAN", 1, MedianSqlite)


class LaporanConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "laporan"
    verbose_name = _("Laporan dan unduhan")

    def ready(self):
        connection_created.connect(_daftarkan_median, dispatch_uid="laporan_median_sqlite")
