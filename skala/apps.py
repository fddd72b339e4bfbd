from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SkalaConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "skala"
    verbose_name = _("Data sintetis skala provinsi")
