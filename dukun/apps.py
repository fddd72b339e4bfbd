from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DukunConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dukun"
    verbose_name = _("Registri dukun bayi")
