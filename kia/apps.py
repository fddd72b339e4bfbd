from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KiaConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "kia"
    verbose_name = _("Kesehatan ibu dan anak")
