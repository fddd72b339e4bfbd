from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CadanganConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cadangan"
    verbose_name = _("Cadangan dan retensi data")
