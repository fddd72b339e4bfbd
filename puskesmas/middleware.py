import zoneinfo

from django.utils import timezone

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
