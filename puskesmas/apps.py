from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PuskesmasConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "puskesmas"
    verbose_name = _("Wilayah, Puskesmas dan bidan")
