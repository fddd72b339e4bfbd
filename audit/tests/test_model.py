"""The trail is append-only: the model, the admin and the database refuse changes."""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

from audit.middleware import DIAUDIT_MENURUT_URL
from audit.models import Aksi, Jejak
from audit.services import catat


def test_the_model_refuses_to_change_or_delete_a_row(cast):
    j = catat(aksi=Aksi.LOGIN, pengguna=cast.bidan_a)
    j.aksi = Aksi.LOGOUT
    with pytest.raises(ValueError):
        j.save()
    with pytest.raises(ValueError):
        j.delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the DELETE guard is PostgreSQL's")
def test_the_database_refuses_update_and_delete(cast):
    catat(aksi=Aksi.LOGIN, pengguna=cast.bidan_a)
    with pytest.raises(DatabaseError), transaction.atomic():
        Jejak.objects.update(aksi=Aksi.LOGOUT)
    with pytest.raises(DatabaseError), transaction.atomic():
        Jejak.objects.all().delete()
    assert Jejak.objects.filter(aksi=Aksi.LOGIN, pengguna=cast.bidan_a).count() == 1


def test_an_account_that_left_a_trail_cannot_be_deleted(cast):
    from django.db.models import ProtectedError

    catat(aksi=Aksi.LOGIN, pengguna=cast.bidan_b)
    with pytest.raises(ProtectedError):
        cast.bidan_b.delete()


def test_the_admin_is_read_only(cast):
    model_admin = site._registry[Jejak]
    request = RequestFactory().get("/admin/audit/jejak/")
    request.user = cast.admin
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_the_admin_list_opens(client, cast):
    catat(aksi=Aksi.LOGIN, pengguna=cast.bidan_a)
    client.force_login(cast.admin)
    assert client.get(reverse("admin:audit_jejak_changelist")).status_code == 200


@pytest.mark.parametrize("nama", sorted(DIAUDIT_MENURUT_URL))
def test_every_page_audited_by_url_name_still_exists(nama):
    try:
        reverse(nama, kwargs={DIAUDIT_MENURUT_URL[nama].kwarg: 1})
    except NoReverseMatch:
        pytest.fail(f"{nama} is listed in audit.middleware.DIAUDIT_MENURUT_URL but no longer exists")
