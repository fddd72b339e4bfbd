"""Who may see and change what: decided here, once, for every view, form, download and task.

Scope by role:
- administrator: everything;
- Dinas Kesehatan: every Puskesmas and kelurahan of its kabupaten/kota (read only, plus the Puskesmas import);
- Kepala Puskesmas: the wilayah kerja of its Puskesmas (read only);
- bidan koordinator: the wilayah kerja of its Puskesmas (read and write);
- bidan: the kelurahan she serves and her own facility (writes the dukun of her kelurahan).

Every answer is a queryset, so callers compose it into one SQL query (a subquery), never a
list of ids pulled into Python. Objects outside the read scope answer 404 (their existence is
not revealed); objects in scope that the role may not change answer 403.
"""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from puskesmas.models import Bidan, Fasilitas, JenisFasilitas, Kabupaten, Kelurahan, Puskesmas, Role

M = TypeVar("M", bound=Model)


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def bidan_profile(user) -> Bidan | None:
    """The Bidan record linked to a user of role bidan, or None."""
    if not _active(user) or user.role != Role.BIDAN:
        return None
    try:
        return user.bidan
    except Bidan.DoesNotExist:
        return None


def puskesmas_ids(user) -> QuerySet:
    """Puskesmas the user may read."""
    qs = Puskesmas.objects.all()
    if not _active(user):
        return qs.none().values("pk")
    if user.is_administrator:
        return qs.values("pk")
    if user.role == Role.DINKES:
        return qs.filter(kabupaten=user.kabupaten_id).values("pk")
    if user.role in (Role.KEPALA_PUSKESMAS, Role.BIDAN_KOORDINATOR):
        return qs.filter(pk=user.puskesmas_id).values("pk")
    bidan = bidan_profile(user)
    if bidan is not None:
        return qs.filter(pk=bidan.puskesmas_id).values("pk")
    return qs.none().values("pk")


def kabupaten_ids(user) -> QuerySet:
    """Kabupaten/kota whose district figures (dashboard, district reports) the user may read.

    Dinkes its own, the administrator all; a Puskesmas' people read their Puskesmas, not the district.
    """
    qs = Kabupaten.objects.all()
    if not _active(user):
        return qs.none().values("pk")
    if user.is_administrator:
        return qs.values("pk")
    if user.role == Role.DINKES:
        return qs.filter(pk=user.kabupaten_id).values("pk")
    return qs.none().values("pk")


def kelurahan_ids(user) -> QuerySet:
    """Kelurahan whose registry records (dukun, later mothers and deliveries) the user may read."""
    qs = Kelurahan.objects.all()
    if not _active(user):
        return qs.none().values("pk")
    if user.is_administrator:
        return qs.values("pk")
    if user.role == Role.DINKES:
        return qs.filter(kabupaten=user.kabupaten_id).values("pk")
    if user.role in (Role.KEPALA_PUSKESMAS, Role.BIDAN_KOORDINATOR):
        return qs.filter(puskesmas=user.puskesmas_id).values("pk")
    bidan = bidan_profile(user)
    if bidan is not None:
        return qs.filter(bidan_layanan=bidan).values("pk")
    return qs.none().values("pk")


def kelurahan_pilihan(user) -> QuerySet[Kelurahan]:
    """The kelurahan a filter or form may offer: those the user reads that lie in a wilayah kerja, by name."""
    return Kelurahan.objects.filter(pk__in=kelurahan_ids(user), puskesmas__isnull=False).order_by("nama")


def dukun_writable_kelurahan_ids(user) -> QuerySet:
    """Kelurahan in which the user may list and edit dukun."""
    qs = Kelurahan.objects.filter(puskesmas__isnull=False)
    if not _active(user) or user.is_read_only:
        return qs.none().values("pk")
    if user.is_administrator:
        return qs.values("pk")
    if user.role == Role.BIDAN_KOORDINATOR:
        return qs.filter(puskesmas=user.puskesmas_id).values("pk")
    bidan = bidan_profile(user)
    if bidan is not None and bidan.aktif:
        return qs.filter(bidan_layanan=bidan).values("pk")
    return qs.none().values("pk")


def registry_writable_puskesmas_ids(user) -> QuerySet:
    """Puskesmas whose bidan and facility registries the user may change."""
    qs = Puskesmas.objects.all()
    if not _active(user):
        return qs.none().values("pk")
    if user.is_administrator:
        return qs.values("pk")
    if user.role == Role.BIDAN_KOORDINATOR:
        return qs.filter(pk=user.puskesmas_id).values("pk")
    return qs.none().values("pk")


def filter_bidan(qs: QuerySet[Bidan], user) -> QuerySet[Bidan]:
    if not _active(user):
        return qs.none()
    if user.is_administrator:
        return qs
    if user.role == Role.BIDAN:
        bidan = bidan_profile(user)
        if bidan is None:
            return qs.none()
        # Herself, her colleagues at the same facility and the bidan serving her villages.
        rekan = Bidan.objects.filter(
            Q(fasilitas=bidan.fasilitas_id) | Q(kelurahan_layanan__in=kelurahan_ids(user))
        ).values("pk")
        return qs.filter(pk__in=rekan)
    return qs.filter(puskesmas__in=puskesmas_ids(user))


def filter_fasilitas(qs: QuerySet[Fasilitas], user) -> QuerySet[Fasilitas]:
    if not _active(user):
        return qs.none()
    if user.is_administrator:
        return qs
    if user.role == Role.BIDAN:
        bidan = bidan_profile(user)
        if bidan is None:
            return qs.none()
        # Her own facility, the facilities in her villages and the hospitals her Puskesmas refers to.
        return qs.filter(
            Q(pk=bidan.fasilitas_id)
            | Q(kelurahan__in=kelurahan_ids(user))
            | Q(jenis=JenisFasilitas.RS, puskesmas=bidan.puskesmas_id)
        )
    return qs.filter(puskesmas__in=puskesmas_ids(user))


def filter_by_kelurahan(qs: QuerySet[M], user, field: str = "kelurahan") -> QuerySet[M]:
    """Scope any record that belongs to a kelurahan (dukun now; mothers and deliveries later)."""
    if not _active(user):
        return qs.none()
    if user.is_administrator:
        return qs
    return qs.filter(**{f"{field}__in": kelurahan_ids(user)})


def get_in_scope(visible: QuerySet[M], pk, *, writable: QuerySet[M] | None = None) -> M:
    """Fetch one object: 404 outside the read scope, 403 when `writable` is given and excludes it.

    `pk` comes from the URL; anything that is not a valid id is simply "not found".
    """
    try:
        obj = visible.get(pk=pk)
    except visible.model.DoesNotExist:
        from audit.services import catat_akses_ditolak  # imported late: audit.services uses this module

        catat_akses_ditolak(model=visible.model, pk=pk)  # only when the object exists elsewhere
        raise Http404 from None
    except (ValueError, TypeError):
        raise Http404 from None
    if writable is not None and not writable.filter(pk=obj.pk).exists():
        raise PermissionDenied
    return obj



def filter_by_puskesmas(qs: QuerySet[M], user, field: str = "puskesmas") -> QuerySet[M]:
    """Scope a record that belongs to one Puskesmas (meetings, plans, funds, training)."""
    if not _active(user):
        return qs.none()
    if user.is_administrator:
        return qs
    return qs.filter(**{f"{field}__in": puskesmas_ids(user)})


# --- Mothers, referrals, deliveries (kia) ---------------------------------------------------------


def kia_writable_kelurahan_ids(user) -> QuerySet:
    """Kelurahan whose mothers, referrals and deliveries the user may record and change.

    The same people who keep the village registry: the bidan koordinator for her Puskesmas, a
    bidan for the villages she serves. Kepala Puskesmas and Dinkes read.
    """
    return dukun_writable_kelurahan_ids(user)


def boleh_lihat_nik(user) -> bool:
    """Only those who care for and record the mother see her whole NIK; reviewers see it masked."""
    if not _active(user):
        return False
    return user.is_administrator or user.role in (Role.BIDAN_KOORDINATOR, Role.BIDAN)


def impor_persalinan_kelurahan_ids(user) -> QuerySet:
    """Kelurahan into which the user may import delivery registers: Dinkes its district, a bikor her Puskesmas."""
    qs = Kelurahan.objects.filter(puskesmas__isnull=False)
    if not _active(user):
        return qs.none().values("pk")
    if user.is_administrator:
        return qs.values("pk")
    if user.role == Role.DINKES:
        return qs.filter(kabupaten=user.kabupaten_id).values("pk")
    if user.role == Role.BIDAN_KOORDINATOR:
        return qs.filter(puskesmas=user.puskesmas_id).values("pk")
    return qs.none().values("pk")


def sasaran_writable_kelurahan_ids(user) -> QuerySet:
    """Yearly targets are set by the district health office (or an administrator)."""
    qs = Kelurahan.objects.filter(puskesmas__isnull=False)
    if not _active(user):
        return qs.none().values("pk")
    if user.is_administrator:
        return qs.values("pk")
    if user.role == Role.DINKES:
        return qs.filter(kabupaten=user.kabupaten_id).values("pk")
    return qs.none().values("pk")


def kajian_writable_puskesmas_ids(user) -> QuerySet:
    """Case reviews of alerts are written and closed by the bidan koordinator and the Kepala Puskesmas."""
    qs = Puskesmas.objects.all()
    if not _active(user):
        return qs.none().values("pk")
    if user.is_administrator:
        return qs.values("pk")
    if user.role in (Role.BIDAN_KOORDINATOR, Role.KEPALA_PUSKESMAS):
        return qs.filter(pk=user.puskesmas_id).values("pk")
    return qs.none().values("pk")
