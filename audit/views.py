"""The audit pages: who looked at a mother's record, and the trail of a reviewer's scope.

For the Kepala Puskesmas, Dinkes and the administrator (403 for the other roles). A mother
outside the user's scope answers 404 before the role is asked, as everywhere in the app.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.shortcuts import render

from audit.forms import JejakFilterForm
from audit.models import Jejak
from audit.services import boleh_lihat_jejak
from kia.models import Ibu
from puskesmas import access
from puskesmas.models import Role

PAGE_SIZE = 50


def _wajib_pengawas(user) -> None:
    if not boleh_lihat_jejak(user):
        raise PermissionDenied


def _halaman(request, qs):
    return Paginator(
        qs.select_related("pengguna", "puskesmas", "kabupaten", "objek_puskesmas").order_by("-waktu", "-pk"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))


@login_required
def jejak_list(request):
    _wajib_pengawas(request.user)
    form = JejakFilterForm(request.GET or None)
    qs = Jejak.objects.visible_to(request.user)
    if form.is_bound and form.is_valid():
        qs = form.saring(qs)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/jejak_list.html", {
        "form": form, "page_obj": _halaman(request, qs), "query": query.urlencode(),
    })


@login_required
def ibu_pembaca(request, pk):
    """Everyone who opened this mother's record, her deliveries, babies, referrals, or was refused them."""
    ibu = access.get_in_scope(Ibu.objects.visible_to(request.user).select_related("puskesmas"), pk)
    _wajib_pengawas(request.user)
    qs = Jejak.objects.filter(ibu_id=ibu.pk)
    peran = dict(Role.choices)
    ringkasan = [
        {**r, "peran": peran.get(r["peran"], r["peran"])}
        for r in qs.exclude(pengguna=None).values("pengguna__username", "peran")
        .annotate(jumlah=Count("pk"), terakhir=Max("waktu")).order_by("-terakhir")
    ]
    return render(request, "audit/ibu_pembaca.html", {
        "ibu": ibu, "ringkasan": ringkasan, "page_obj": _halaman(request, qs), "query": "",
    })
