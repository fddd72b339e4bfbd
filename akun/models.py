from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SesiPenggunaQuerySet(models.QuerySet):
    def masih_berlaku(self, now=None):
        """Sessions still inside both limits; past either one the middleware logs them out anyway."""
        now = now or timezone.now()
        return self.filter(
            terakhir_aktif__gt=now - timedelta(seconds=settings.SESSION_IDLE_TIMEOUT),
            dibuat__gt=now - timedelta(seconds=settings.SESSION_ABSOLUTE_TIMEOUT),
        )


class SesiPengguna(models.Model):
    """One logged-in session of a user, so that she can see where she is logged in and end it.

    Django's session table cannot be searched by user (the user id sits inside the encoded data),
    hence this index, written at login and removed at logout.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sesi", verbose_name=_("pengguna")
    )
    session_key = models.CharField(_("kunci sesi"), max_length=40, unique=True)
    dibuat = models.DateTimeField(_("mulai"), default=timezone.now)
    terakhir_aktif = models.DateTimeField(_("terakhir aktif"), default=timezone.now)
    alamat_ip = models.GenericIPAddressField(_("alamat IP"), null=True, blank=True)
    user_agent = models.CharField(_("perangkat"), max_length=300, blank=True)

    objects = SesiPenggunaQuerySet.as_manager()

    class Meta:
        verbose_name = _("sesi pengguna")
        verbose_name_plural = _("sesi pengguna")
        ordering = ["-terakhir_aktif"]
        indexes = [models.Index(fields=["user", "terakhir_aktif"], name="akun_sesi_user_aktif_idx")]

    def __str__(self) -> str:
        return f"{self.user} · {self.perangkat}"

    @property
    def perangkat(self) -> str:
        return ringkas_user_agent(self.user_agent)


def ringkas_user_agent(user_agent: str) -> str:
    """'Chrome di Android' from a full user-agent string: enough to recognise one's own phone."""
    ua = user_agent or ""
    browser = next(
        (name for token, name in (
            ("Edg/", "Edge"), ("OPR/", "Opera"), ("SamsungBrowser/", "Samsung Internet"),
            ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Chromium/", "Chromium"), ("Safari/", "Safari"),
        ) if token in ua),
        "",
    )
    system = next(
        (name for token, name in (
            ("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"),
        ) if token in ua),
        "",
    )
    if browser and system:
        return _("%(browser)s di %(system)s") % {"browser": browser, "system": system}
    return browser or system or (ua[:40] if ua else str(_("Perangkat tidak dikenal")))
