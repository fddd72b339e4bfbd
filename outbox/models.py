"""The outbox: work for the Celery broker, recorded in the same transaction as the save that needs it.

A row is written with the save and published after commit; while the broker (Redis) is down it stays
unsent and the drain (outbox.services.kirim_tertunda: every minute from beat, when a worker starts,
and from the `outbox_kirim` command) publishes it once the broker is back. So a save never waits on
the broker and no work is lost when the broker is unavailable.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PesanQuerySet(models.QuerySet):
    def belum_terkirim(self) -> PesanQuerySet:
        return self.filter(sent_at__isnull=True)

    def siap(self, *, sekarang=None) -> PesanQuerySet:
        """Unsent and due (a row whose last publish failed for a reason other than the broker waits)."""
        return self.belum_terkirim().filter(available_at__lte=sekarang or timezone.now())

    def untuk(self, task: str, *args) -> PesanQuerySet:
        return self.filter(task=task, args=list(args))

    def tertunda(self) -> PesanQuerySet:
        """Unsent after at least one failed publish: the broker was unavailable."""
        return self.belum_terkirim().filter(attempts__gt=0)


class Pesan(models.Model):
    """One task message for the broker: the task's name and its JSON arguments (ids, never instances)."""

    task = models.CharField(_("tugas"), max_length=200)
    args = models.JSONField(_("argumen"), default=list, blank=True)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    # Not before this time: set forward only after a failure that is not the broker's (see services).
    available_at = models.DateTimeField(_("tersedia"), default=timezone.now)
    sent_at = models.DateTimeField(_("terkirim"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("percobaan"), default=0)
    last_error = models.TextField(_("galat terakhir"), blank=True)

    objects = PesanQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("pesan tugas")
        verbose_name_plural = _("pesan tugas")
        indexes = [
            # The drain reads only unsent rows; sent ones pile up until they are purged.
            models.Index(fields=["available_at"], condition=Q(sent_at__isnull=True), name="outbox_pesan_unsent"),
            models.Index(fields=["task", "sent_at"], name="outbox_pesan_task"),
        ]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)}"

    @property
    def terkirim(self) -> bool:
        return self.sent_at is not None
