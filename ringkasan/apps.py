from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RingkasanConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ringkasan"
    verbose_name = _("Ringkasan bulanan")

    def ready(self):
        from ringkasan import signals

        signals.sambungkan()
