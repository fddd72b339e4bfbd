from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KemitraanConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "kemitraan"
    verbose_name = _("Kemitraan bidan–dukun")
