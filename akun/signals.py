"""Keep the list of a user's sessions in step with logins and logouts (the work is in services)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from akun.services import sesi_catat, sesi_lupakan


@receiver(user_logged_in, dispatch_uid="akun_sesi_catat")
def _catat_sesi(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        sesi_catat(request=request, user=user)


@receiver(user_logged_out, dispatch_uid="akun_sesi_lupakan")
def _lupakan_sesi(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        sesi_lupakan(session_key=request.session.session_key)
