"""Concurrent edits and double submissions: one mechanism for every record edited through a form.

Optimistic locking. A versioned row (`BerversiModel`) counts its saves in `versi`, in the database
(`F("versi") + 1`), so two saves at once still give two versions. An edit form carries the version it
was loaded with (a hidden field); the service locks the row (`periksa_versi`, inside its transaction)
and refuses the save with `VersiBerubah` when the stored version is another one. The view then shows
who changed the row and when (django-simple-history), each field where the user's input differs from
what is saved now (`konflik`), keeps the input, and puts the new version in the form: a deliberate
re-submit after reviewing overwrites. Nothing is overwritten silently.

Code paths without a form (the register import, demo data, the generators) pass no version and are
not checked; their saves still count, so a form opened before them notices their changes.

Double submission. A create form carries a one-time token (`token_kirim`, made when the form is
shown) that is stored on the row it creates, under a unique constraint. The same token again finds
that row instead of creating a second one (`buat_sekali`), also when both requests race: the
database's unique constraint decides, and the loser is answered with the winner's row.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import IntegrityError, models
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

T = TypeVar("T")

# Technical columns kept out of django-simple-history: a version changing on every save would show in
# every entry of "Riwayat perubahan" without telling anyone anything.
TANPA_RIWAYAT = ["versi", "token_kirim"]
KOSONG = "–"


# --- Models -------------------------------------------------------------------------------------------


class BerversiModel(models.Model):
    """A row edited through forms by several people: `versi` counts its saves."""

    versi = models.PositiveIntegerField(gettext_lazy("versi"), default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self._state.adding or self.pk is None:
            super().save(*args, **kwargs)
            return
        lama = self.versi
        # Counted by the database: two saves that both read version 3 store 4 and 5, never 4 twice.
        self.versi = models.F("versi") + 1
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "versi"}
        try:
            super().save(*args, **kwargs)
        except BaseException:
            self.versi = lama
            raise
        self.refresh_from_db(fields=["versi"])


class SekaliKirimModel(models.Model):
    """A row created through a form: the form's one-time token, so a double submission creates one row."""

    token_kirim = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        abstract = True


def naikkan_versi(model: type[models.Model], pks: Iterable) -> int:
    """Count a change made without `save()` (a bulk update, a child row the form also shows)."""
    return model._base_manager.filter(pk__in=list(pks)).update(versi=models.F("versi") + 1)


# --- Services -----------------------------------------------------------------------------------------


class VersiBerubah(ValidationError):
    """The row was saved by someone else after the form was loaded: nothing was written.

    A ValidationError, so a view that does not handle it still shows a message and saves nothing.
    """

    def __init__(self, obj: models.Model, *, versi_dimuat: int, versi_tersimpan: int):
        super().__init__(
            _("Data ini sudah diubah orang lain setelah formulir dibuka; perubahan Anda belum disimpan. "
              "Muat ulang halaman untuk melihat data terbaru."),
            code="versi_berubah",
        )
        self.model = type(obj)
        self.pk = obj.pk
        self.versi_dimuat = versi_dimuat
        self.versi_tersimpan = versi_tersimpan


def periksa_versi(obj: models.Model, versi: int | None) -> int | None:
    """Lock the row until the transaction ends; refuse when `versi` (the form's) is not the stored one.

    Call first thing inside the service's `transaction.atomic`. `versi=None` (a write from code, not from
    a form) locks without checking. Returns the stored version (None for a row not saved yet).
    """
    if obj.pk is None:
        return None
    tersimpan = (
        type(obj)._base_manager.select_for_update().filter(pk=obj.pk).values_list("versi", flat=True).first()
    )
    if versi is not None and tersimpan is not None and versi != tersimpan:
        raise VersiBerubah(obj, versi_dimuat=versi, versi_tersimpan=tersimpan)
    return tersimpan


def buat_sekali(qs: models.QuerySet, token: uuid.UUID | None, buat: Callable[[], T | None]) -> tuple[T | None, bool]:
    """Create through `buat` once per token: `(row, True)` when created now, `(row, False)` when this token
    already created `row` (a double click, a resent form, two requests at once).

    `buat` calls the service (which stores `token_kirim` inside its own transaction.atomic) and may return None
    when the service refused the input. Without a token (a client that sent none) every call creates.
    """
    if token is not None:
        ada = qs.filter(token_kirim=token).first()
        if ada is not None:
            return ada, False
    try:
        # No savepoint of its own: the service's transaction.atomic rolls its insert back, and the summary
        # table's test hook (ringkasan.services.selesaikan_tertunda) needs the service's block outermost.
        return buat(), True
    except IntegrityError:
        # The other request of the pair committed first: the unique token stopped this insert.
        ada = qs.filter(token_kirim=token).first() if token is not None else None
        if ada is None:
            raise
        return ada, False


# --- Forms --------------------------------------------------------------------------------------------


class _TokenField(forms.UUIDField):
    """A malformed token is no token: the form still saves (once per click), it is not refused."""

    widget = forms.HiddenInput

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            return None


PESAN_SUDAH_TERSIMPAN = gettext_lazy(
    "Formulir ini sudah terkirim sebelumnya dan datanya sudah tersimpan; tidak dicatat dua kali."
)
PESAN_TANPA_VERSI = gettext_lazy(
    "Formulir ini tidak lengkap: versi data tidak ikut terkirim. Muat ulang halaman, lalu ubah lagi."
)


def tambah_versi(form: forms.BaseForm, versi: int) -> None:
    form.fields["versi"] = forms.IntegerField(widget=forms.HiddenInput, required=False, initial=versi)


def tambah_token(form: forms.BaseForm) -> None:
    form.fields["token_kirim"] = _TokenField(required=False, initial=uuid.uuid4())


class VersiFormMixin:
    """Put before the form class. Editing (a ModelForm with a saved instance, or `versi=` given) carries the
    version loaded; creating (a ModelForm without one) carries a one-time token.

    Forms laid out with crispy must set `helper.render_hidden_fields = True` to render them.
    """

    def __init__(self, *args, versi: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if versi is not None:
            tambah_versi(self, versi)
        elif instance is not None and instance.pk:
            if isinstance(instance, BerversiModel):
                tambah_versi(self, instance.versi)
        elif isinstance(instance, SekaliKirimModel):
            tambah_token(self)

    def clean(self):
        cleaned = super().clean()
        # A missing version would skip the check: refused, never treated as "overwrite whatever is there".
        if "versi" in self.fields and not isinstance(cleaned.get("versi"), int):
            self.add_error(None, ValidationError(PESAN_TANPA_VERSI, code="tanpa_versi"))
        return cleaned


# --- The conflict shown to the user -----------------------------------------------------------------


@dataclass
class Perbedaan:
    label: str
    isian_anda: str
    tersimpan: str


@dataclass
class Konflik:
    oleh: str
    waktu: dt.datetime | None
    versi: int
    perbedaan: list[Perbedaan] = field(default_factory=list)


def _pilihan(form_field) -> dict[str, str]:
    hasil = {}
    for value, label in getattr(form_field, "choices", ()):
        if isinstance(label, (list, tuple)):
            hasil.update({str(v): str(lab) for v, lab in label})
        else:
            hasil[str(value)] = str(label)
    return hasil


def tampil(form_field, value) -> str:
    """A value as the form shows it: a choice's label, a person's name, a date as people write it."""
    if value is None or value == "" or (isinstance(value, (list, tuple)) and not value):
        return KOSONG
    if isinstance(form_field, forms.ModelMultipleChoiceField):
        return ", ".join(sorted(form_field.label_from_instance(o) for o in value)) or KOSONG
    if isinstance(form_field, forms.ModelChoiceField):
        return form_field.label_from_instance(value) if isinstance(value, models.Model) else str(value)
    if isinstance(form_field, (forms.ChoiceField, forms.MultipleChoiceField)):
        labels = _pilihan(form_field)
        if isinstance(value, (list, tuple)):
            return ", ".join(labels.get(str(v), str(v)) for v in value)
        return labels.get(str(value), str(value))
    if isinstance(value, bool):
        return _("Ya") if value else _("Tidak")
    if isinstance(value, dt.datetime):
        return formats.date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "j F Y H.i")
    if isinstance(value, dt.date):
        return formats.date_format(value, "j F Y")
    if isinstance(value, dt.time):
        return value.strftime("%H.%M")
    if isinstance(value, Decimal):
        return formats.number_format(value, use_l10n=True)
    return str(value)


def _kunci(value):
    """A comparable form of a value: what the form can express (a time to the minute, a list as a set)."""
    if value is None or value == "":
        return None
    if isinstance(value, models.Model):
        return ("pk", value.pk)
    if isinstance(value, (list, tuple, set, models.QuerySet)):
        return tuple(sorted(str(_kunci(v)) for v in value)) or None
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.replace(second=0, microsecond=0, tzinfo=None)
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float, Decimal)):
        return Decimal(str(value))
    if isinstance(value, str):
        return value.strip() or None
    return value


def nilai_tersimpan(obj: models.Model, name: str, form_field):
    """The stored value of a form's field, in the terms of the form's cleaned data."""
    if isinstance(form_field, forms.ModelMultipleChoiceField):
        return list(getattr(obj, name).all())
    return getattr(obj, name)


def bandingkan(form: forms.BaseForm, obj: models.Model, *, awalan: str = "",
               lewati: Iterable[str] = ()) -> list[Perbedaan]:
    """Each field of `form` (validated) where the user's input differs from what `obj` holds now."""
    lewati = {"versi", "token_kirim", "id", forms.formsets.DELETION_FIELD_NAME, *lewati}
    hasil = []
    for name, form_field in form.fields.items():
        if name in lewati or name not in form.cleaned_data:
            continue
        try:
            obj._meta.get_field(name)
        except FieldDoesNotExist:
            continue  # a form-only field (a confirmation tick), not stored
        anda, sekarang = form.cleaned_data[name], nilai_tersimpan(obj, name, form_field)
        if _kunci(anda) != _kunci(sekarang):
            hasil.append(Perbedaan(
                label=f"{awalan}{form_field.label or obj._meta.get_field(name).verbose_name}",
                isian_anda=tampil(form_field, anda), tersimpan=tampil(form_field, sekarang),
            ))
    return hasil


def perubahan_terakhir(*objs: models.Model) -> tuple[str, dt.datetime | None]:
    """Who saved any of these rows last, and when (their newest history entry)."""
    terbaru = None
    for obj in objs:
        record = obj.history.select_related("history_user").order_by("-history_date", "-history_id").first()
        if record is not None and (terbaru is None or record.history_date > terbaru.history_date):
            terbaru = record
    if terbaru is None:
        return _("pengguna lain"), None
    user = terbaru.history_user
    return ((user.get_full_name() or user.username) if user else _("sistem")), terbaru.history_date


def pakai_versi(form: forms.BaseForm, versi: int) -> None:
    """Put `versi` in the bound form's data: the re-rendered form keeps the input and carries the new version."""
    data = form.data.copy()
    data[form.add_prefix("versi")] = str(versi)
    form.data = data


def konflik(form: forms.BaseForm, obj: models.Model, *, perbedaan: Iterable[Perbedaan] = (),
            riwayat: Iterable[models.Model] = (), versi: int | None = None) -> Konflik | None:
    """The refused save as the user sees it, or None when her input equals what is saved now (nothing of
    hers would be lost: a second click on "Simpan", or the same correction made twice).

    `obj`: the row as stored now; `perbedaan`: differences of parts the form holds besides `obj` (the babies
    of a delivery); `riwayat`: further rows whose history tells who changed the record; `versi`: the stored
    version when `obj` is a part of the versioned record (a baby of a delivery).
    """
    semua = [*bandingkan(form, obj), *perbedaan]
    if not semua:
        return None
    versi = obj.versi if versi is None else versi
    oleh, waktu = perubahan_terakhir(obj, *riwayat)
    pakai_versi(form, versi)
    return Konflik(oleh=oleh, waktu=waktu, versi=versi, perbedaan=semua)
