"""'Riwayat perubahan': who changed what and when, read from django-simple-history."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

JENIS = {"+": _("Dibuat"), "~": _("Diubah"), "-": _("Dihapus")}


@dataclass
class Perubahan:
    label: str
    lama: str
    baru: str


@dataclass
class EntriRiwayat:
    waktu: datetime
    oleh: str
    jenis: str
    perubahan: list[Perubahan] = field(default_factory=list)


def _tampil(model, name: str, value, lookups: dict) -> str:
    if value in (None, ""):
        return "–"
    try:
        f = model._meta.get_field(name)
    except Exception:
        return str(value)
    if isinstance(f, models.ManyToManyField):
        ids = [row[f.m2m_reverse_field_name()] for row in value] if value else []
        names = [str(lookups[name].get(i, i)) for i in ids]
        return ", ".join(sorted(names)) or "–"
    if isinstance(f, models.ForeignKey):
        return str(lookups[name].get(value, value))
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(f, models.BooleanField):
        return str(_("Ya") if value else _("Tidak"))
    # Dates and times as the rest of the page shows them (a datetime in the active zone).
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "j F Y H.i T")
    if isinstance(value, date):
        return date_format(value, "j F Y")
    if isinstance(value, time):
        return value.strftime("%H.%M")
    if isinstance(value, list):
        # A checklist kept as a JSON list: its labels, from the choices the model names for it.
        labels = dict(getattr(model, "PILIHAN_DAFTAR", {}).get(name, ()))
        return ", ".join(str(labels.get(v, v)) for v in value) or "–"
    return str(value)


def riwayat_perubahan(obj, *, limit: int = 30, samarkan: dict | None = None) -> list[EntriRiwayat]:
    """The latest changes of one record, newest first, with field-level differences.

    Bounded by `limit`, so a record with a long history costs the same few queries. `samarkan` maps a
    field name to a function that masks its values (a NIK for a role that may not read it).
    """
    samarkan = samarkan or {}
    model = type(obj)
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    pairs = []
    for i, record in enumerate(records[:limit]):
        older = records[i + 1] if i + 1 < len(records) else None
        delta = record.diff_against(older) if older is not None else None
        pairs.append((record, delta.changes if delta else []))

    # Resolve foreign keys and m2m ids of every change with one query per related model.
    wanted: dict[str, set] = {}
    for _record, changes in pairs:
        for change in changes:
            f = model._meta.get_field(change.field)
            if isinstance(f, models.ManyToManyField):
                key = f.m2m_reverse_field_name()
                for value in (change.old or []) + (change.new or []):
                    wanted.setdefault(change.field, set()).add(value[key])
            elif isinstance(f, models.ForeignKey):
                wanted.setdefault(change.field, set()).update(v for v in (change.old, change.new) if v)
    lookups = {
        name: model._meta.get_field(name).related_model._base_manager.in_bulk(list(ids))
        for name, ids in wanted.items()
    }
    for name in {c.field for _r, cs in pairs for c in cs} - set(lookups):
        lookups[name] = {}

    entries = []
    for record, changes in pairs:
        user = record.history_user
        entries.append(EntriRiwayat(
            waktu=record.history_date,
            oleh=(user.get_full_name() or user.username) if user else str(_("sistem")),
            jenis=str(JENIS.get(record.history_type, record.history_type)),
            perubahan=[
                Perubahan(
                    label=str(model._meta.get_field(c.field).verbose_name),
                    lama=_tampil(model, c.field, samarkan[c.field](c.old) if c.field in samarkan else c.old, lookups),
                    baru=_tampil(model, c.field, samarkan[c.field](c.new) if c.field in samarkan else c.new, lookups),
                )
                for c in changes
            ],
        ))
    return entries


@contextmanager
def satu_entri(obj):
    """Record everything one service call writes as a single history entry.

    Saving a row and then setting its many-to-many links makes django-simple-history write two
    records (the save, then the link change). A person made one change, so the history shows one:
    the last record (it holds the full snapshot, links included) is kept, marked "created" when the
    row was created in this call, and the earlier ones of this call are removed.
    Use inside the service's transaction.
    """
    sebelum = obj.history.order_by("-history_id").values_list("history_id", flat=True).first() if obj.pk else None
    yield
    baru = list(obj.history.filter(history_id__gt=sebelum or 0).order_by("history_id"))
    if len(baru) < 2:
        return
    terakhir = baru[-1]
    if sebelum is None and terakhir.history_type != "+":
        terakhir.history_type = "+"
        terakhir.save(update_fields=["history_type"])
    type(terakhir).objects.filter(pk__in=[r.pk for r in baru[:-1]]).delete()
