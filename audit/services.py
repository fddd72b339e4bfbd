"""Writing the audit trail: `catat(...)`, used by every audited view, download, signal and service.

Decision: an audit write that fails makes the request fail. For personal health data an
unaudited read is worse than an error page, so `catat` writes in the request's own connection
(inside its transaction when there is one) and lets any database error propagate: the view
answers 500 and the record is not shown. Calls are placed after the object is fetched in scope
and before the response is returned.

The current request is kept in a context variable by `audit.middleware.JejakMiddleware`, so that
code without a request at hand (a service approving a report, `access.get_in_scope` refusing an
object) still records the IP address and path.
"""

from __future__ import annotations

import contextvars

from django.db.models import Model
from django.http import HttpRequest

from audit.models import Aksi, Jejak
from audit.nik import samarkan_teks
from puskesmas.models import Role

_request_sekarang: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar("audit_request", default=None)


def request_sekarang() -> HttpRequest | None:
    return _request_sekarang.get()


def pasang_request(request: HttpRequest | None) -> contextvars.Token:
    return _request_sekarang.set(request)


def lepas_request(token: contextvars.Token) -> None:
    _request_sekarang.reset(token)


def boleh_lihat_jejak(user) -> bool:
    """The audit pages are for those who oversee: the Kepala Puskesmas, Dinkes and the administrator."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return user.is_administrator or user.role in (Role.KEPALA_PUSKESMAS, Role.DINKES)


def _lingkup(user) -> tuple[int | None, str | None]:
    """(Puskesmas id, kabupaten id) the user answers for now: kept on the row, since her posting may change."""
    from puskesmas import access

    if user is None or not user.is_authenticated:
        return None, None
    if user.role == Role.DINKES:
        return None, user.kabupaten_id
    if user.role in (Role.KEPALA_PUSKESMAS, Role.BIDAN_KOORDINATOR):
        return user.puskesmas_id, None
    bidan = access.bidan_profile(user)
    if bidan is not None:
        return bidan.puskesmas_id, None
    return user.puskesmas_id, user.kabupaten_id


def ciri_objek(objek: Model) -> dict:
    """Type, id, mother and Puskesmas of an object, from its own columns (a baby's mother: via its delivery)."""
    from kia.models import Ibu
    from puskesmas.models import Puskesmas

    meta = objek._meta
    ciri = {"objek_tipe": meta.label_lower, "objek_id": str(objek.pk)}
    if isinstance(objek, Ibu):
        ciri["ibu_id"] = objek.pk
    elif getattr(objek, "ibu_id", None) is not None:
        ciri["ibu_id"] = objek.ibu_id
    elif getattr(objek, "persalinan_id", None) is not None:  # a baby, a case review: through the delivery
        ciri["ibu_id"] = objek.persalinan.ibu_id
    if isinstance(objek, Puskesmas):
        ciri["objek_puskesmas_id"] = objek.pk
    elif getattr(objek, "puskesmas_id", None) is not None:
        ciri["objek_puskesmas_id"] = objek.puskesmas_id
    return ciri


def _ip(request: HttpRequest) -> str | None:
    from axes.helpers import get_client_ip_address

    # The same address axes records for a lockout (django-ipware behind a proxy when configured).
    ip = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
    return ip or None


def catat(
    *,
    aksi: str,
    request: HttpRequest | None = None,
    pengguna=None,
    objek: Model | None = None,
    objek_tipe: str = "",
    objek_id: str | int | None = None,
    ibu_id: int | None = None,
    objek_puskesmas_id: int | None = None,
    username: str = "",
    keterangan: str = "",
    lingkup_dari=None,
) -> Jejak:
    """Write one audit row. `pengguna` defaults to the request's user; `objek` fills type, id, mother, Puskesmas.

    Never pass a name, a NIK or other personal data: `keterangan` is a short code chosen by the program.
    `lingkup_dari`: whose scope to keep when the row names no user (the account a failed login tried).
    """
    if aksi not in Aksi.values:
        raise ValueError(f"unknown audit action {aksi!r}")
    request = request if request is not None else request_sekarang()
    if pengguna is None and request is not None:
        user = getattr(request, "user", None)
        pengguna = user if user is not None and user.is_authenticated else None
    ciri = {"objek_tipe": objek_tipe, "objek_id": "" if objek_id is None else str(objek_id),
            "ibu_id": ibu_id, "objek_puskesmas_id": objek_puskesmas_id}
    if objek is not None:
        ciri.update(ciri_objek(objek))
    puskesmas_id, kabupaten_id = _lingkup(pengguna if pengguna is not None else lingkup_dari)
    return Jejak.objects.create(
        aksi=aksi,
        pengguna=pengguna,
        username=samarkan_teks(username or (pengguna.get_username() if pengguna else ""))[:150],
        peran=getattr(pengguna, "role", "") or "",
        puskesmas_id=puskesmas_id,
        kabupaten_id=kabupaten_id,
        keterangan=samarkan_teks(keterangan)[:100],
        ip=_ip(request) if request is not None else None,
        path=samarkan_teks(request.path)[:255] if request is not None else "",
        metode=request.method[:8] if request is not None and request.method else "",
        **ciri,
    )


def catat_akses_ditolak(*, model: type[Model], pk) -> Jejak | None:
    """A 404 from `access.get_in_scope` for an object that exists outside the user's scope.

    Ids that exist nowhere are not written (a mistyped address is not an attempt). Outside a
    request (a task) there is no one to name, and nothing is written.
    """
    request = request_sekarang()
    if request is None or pk is None:
        return None
    try:
        objek = model._base_manager.filter(pk=pk).first()
    except (ValueError, TypeError):
        return None
    if objek is None:
        return None
    return catat(aksi=Aksi.AKSES_DITOLAK, request=request, objek=objek, keterangan="404")


def catat_akses_403(request: HttpRequest) -> Jejak:
    """A 403 answer (a role refused an action or a page): the page's name, not its query string."""
    match = getattr(request, "resolver_match", None)
    return catat(aksi=Aksi.AKSES_DITOLAK, request=request, keterangan=f"403 {match.view_name}" if match else "403")
