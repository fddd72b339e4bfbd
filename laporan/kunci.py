"""The month lock: once a Puskesmas' monthly report is approved, that month's records stay as reported.

Every write path that changes a record dated in a month (services, the delivery import, the admin)
asks here, so the rule lives in one place. A record moved from one month to another is checked for
both months: the new one from the values about to be saved, the old one from the stored row, read by
the same single query (`Tersimpan`), because a bound ModelForm has already overwritten the instance.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import DateField, Exists, Expression, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from laporan.models import LaporanBulanan, StatusLaporan

KODE_GALAT = "bulan_terkunci"


def awal_bulan(tanggal: dt.date) -> dt.date:
    return tanggal.replace(day=1)


def tanggal_lokal(waktu: dt.datetime | None, zona: dt.tzinfo) -> dt.date | None:
    """The calendar day of a moment in the Puskesmas' zone (a naive moment is taken as meant there)."""
    if waktu is None:
        return None
    if timezone.is_naive(waktu):
        return waktu.date()
    return timezone.localtime(waktu, zona).date()


@dataclass(frozen=True)
class Tersimpan:
    """The stored row of a record, so the lock query also checks the month it is in now.

    `qs` selects the row (`Model.objects.filter(pk=...)`), `puskesmas` is the lookup path to its
    Puskesmas, `tanggal` its date field or a datetime expression, `zona` the Puskesmas' zone for a
    datetime (its local month counts).
    """

    qs: QuerySet
    puskesmas: str = "puskesmas"
    tanggal: str | Expression = "tanggal"
    zona: dt.tzinfo | None = None

    @classmethod
    def dari(cls, obj, **kwargs) -> Tersimpan | None:
        """The stored copy of `obj`; None for a record not saved yet."""
        if obj.pk is None:
            return None
        return cls(type(obj)._default_manager.filter(pk=obj.pk), **kwargs)

    def kondisi(self) -> Q:
        bulan = TruncMonth(self.tanggal, output_field=DateField(), tzinfo=self.zona)
        baris = self.qs.order_by().annotate(_bulan_kunci=bulan).filter(
            **{self.puskesmas: OuterRef("puskesmas"), "_bulan_kunci": OuterRef("bulan")}
        )
        return Q(Exists(baris))


def _kondisi_pasangan(pasangan: Iterable[tuple[int | None, dt.date | None]]) -> list[Q]:
    per_puskesmas: dict[int, set[dt.date]] = defaultdict(set)
    for puskesmas_id, tanggal in pasangan:
        if puskesmas_id is not None and tanggal is not None:
            per_puskesmas[puskesmas_id].add(awal_bulan(tanggal))
    return [Q(puskesmas_id=pid, bulan__in=sorted(bulan)) for pid, bulan in sorted(per_puskesmas.items())]


def bulan_terkunci_pasangan(
    pasangan: Iterable[tuple[int | None, dt.date | None]], *, tersimpan: Tersimpan | None = None
) -> set[tuple[int, dt.date]]:
    """(Puskesmas id, first day of month) of the locked months among the (Puskesmas id, date) pairs.

    One query whatever the number of pairs (the import hands over a whole register); none when there
    is nothing to check. `tersimpan` adds the month the stored row is in now, in the same query.
    """
    kondisi = _kondisi_pasangan(pasangan)
    if tersimpan is not None:
        kondisi.append(tersimpan.kondisi())
    if not kondisi:
        return set()
    return set(
        LaporanBulanan.objects.filter(status=StatusLaporan.DISETUJUI)
        .filter(reduce(or_, kondisi))
        .values_list("puskesmas_id", "bulan")
    )


def bulan_terkunci(
    puskesmas_id: int | None, tanggal: Iterable[dt.date | None], *, tersimpan: Tersimpan | None = None
) -> list[dt.date]:
    """The first days of the locked months among `tanggal` (one query; none for no dates)."""
    return sorted({b for _p, b in bulan_terkunci_pasangan(((puskesmas_id, t) for t in tanggal),
                                                           tersimpan=tersimpan)})


def pesan_terkunci(bulan: dt.date) -> str:
    return _(
        "Laporan bulan %(bulan)s sudah disetujui, sehingga data bulan itu terkunci. Minta Kepala Puskesmas "
        "atau Dinas Kesehatan membuka kembali laporan tersebut bila data perlu diperbaiki."
    ) % {"bulan": date_format(bulan, "F Y")}


def galat_terkunci(bulan: dt.date) -> ValidationError:
    return ValidationError(pesan_terkunci(bulan), code=KODE_GALAT)


def pastikan_terbuka(puskesmas_id: int | None, *tanggal: dt.date | None, tersimpan: Tersimpan | None = None) -> None:
    """Raise a ValidationError (in Indonesian) when any of the dates, or the stored row, lies in an approved month."""
    terkunci = bulan_terkunci(puskesmas_id, tanggal, tersimpan=tersimpan)
    if terkunci:
        raise galat_terkunci(terkunci[0])


# --- The admin ---------------------------------------------------------------------------------


class KunciAdminMixin:
    """For a ModelAdmin of month-dated records: a locked record is read-only and cannot be deleted.

    The admin says where a record belongs with `kunci_rekaman(obj) -> (puskesmas_id, date)`. Its form
    refuses a record moved into (or out of) a locked month with the same message the pages show; the
    change and delete pages of a locked record answer 403 to a POST (Django asks the permissions
    below), and the bulk delete lists it as not deletable. The history page may POST an old version
    with only the view permission: the form compares against the stored row, so that is refused too.
    """

    def kunci_rekaman(self, obj) -> tuple[int | None, dt.date | None]:
        raise NotImplementedError

    def bulan_terkunci_rekaman(self, obj) -> dt.date | None:
        if obj is None or obj.pk is None:
            return None
        # Asked several times per page: once per object and request is enough.
        if not hasattr(obj, "_bulan_terkunci"):
            puskesmas_id, tanggal = self.kunci_rekaman(obj)
            terkunci = bulan_terkunci(puskesmas_id, [tanggal])
            obj._bulan_terkunci = terkunci[0] if terkunci else None
        return obj._bulan_terkunci

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.bulan_terkunci_rekaman(obj) is None

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.bulan_terkunci_rekaman(obj) is None

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            obj = self.get_object(request, object_id)
            bulan = self.bulan_terkunci_rekaman(obj)
            if bulan is not None:
                messages.warning(request, pesan_terkunci(bulan))
        return super().change_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        admin = self

        class KunciForm(form):
            def __init__(self, *args, **kw):
                super().__init__(*args, **kw)
                # The stored row, not the instance: the history page hands over an old version to revert to.
                tersimpan = (type(self.instance)._default_manager.filter(pk=self.instance.pk).first()
                             if self.instance.pk is not None else None)
                self._kunci_lama = admin.kunci_rekaman(tersimpan) if tersimpan is not None else (None, None)

            def _post_clean(self):
                super()._post_clean()
                if self.errors:
                    return
                try:
                    baru = admin.kunci_rekaman(self.instance)
                except ObjectDoesNotExist:
                    return  # an incomplete record: its own errors say why
                terkunci = sorted(b for _p, b in bulan_terkunci_pasangan([self._kunci_lama, baru]))
                if terkunci:
                    self.add_error(None, galat_terkunci(terkunci[0]))

        return KunciForm
