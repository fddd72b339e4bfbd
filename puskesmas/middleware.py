import zoneinfo

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import timezone, translation

from puskesmas.models import Role, zona_waktu_provinsi


def zona_waktu_pengguna(user) -> str | None:
    """The zone of the user's Puskesmas (or district for Dinkes): WIB, WITA or WIT."""
    if not (user and user.is_authenticated):
        return None
    if user.role in (Role.KEPALA_PUSKESMAS, Role.BIDAN_KOORDINATOR) and user.puskesmas_id:
        return user.puskesmas.zona_waktu
    if user.role == Role.DINKES and user.kabupaten_id:
        return zona_waktu_provinsi(user.kabupaten_id[:2])
    if user.role == Role.BIDAN and hasattr(user, "bidan"):
        return user.bidan.puskesmas.zona_waktu
    return None


class PuskesmasTimezoneMiddleware:
    """Show times in the zone of the user's Puskesmas; dates are stored in UTC."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = zona_waktu_pengguna(getattr(request, "user", None))
        if zone:
            timezone.activate(zoneinfo.ZoneInfo(zone))
        else:
            timezone.deactivate()
        return self.get_response(request)


class IndonesianFirstLocaleMiddleware(LocaleMiddleware):
    """Bahasa Indonesia unless the user chose another language in the switcher (cookie).

    Django's own middleware follows the browser's Accept-Language, which would turn the app
    English on every Puskesmas PC that happens to have an English Windows or Chrome.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = chosen in dict(settings.LANGUAGES) and translation.check_for_language(chosen)
        language = chosen if supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
