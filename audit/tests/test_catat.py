"""Each audited action writes exactly one row, naming the object by id and never copying personal data."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from audit.models import Aksi, Jejak
from audit.services import catat
from audit.tests.conftest import NIK_A, tanpa_data_pribadi

# --- Reads of a mother's, a delivery's and a baby's record ---------------------------------------------


@pytest.mark.parametrize("role", ["admin", "dinkes_a", "kapus_a", "bikor_a", "bidan_a"])
def test_each_role_reading_a_mother_writes_one_row(client, cast, kia_a, jejak_baru, role):
    user = getattr(cast, role)
    client.force_login(user)
    baru = jejak_baru()
    assert client.get(reverse("kia:ibu_detail", args=[kia_a.ibu.pk]), REMOTE_ADDR="10.1.2.3").status_code == 200
    j = baru.satu()
    assert (j.aksi, j.pengguna, j.objek_tipe, j.objek_id) == (Aksi.LIHAT_IBU, user, "kia.ibu", str(kia_a.ibu.pk))
    assert j.ibu_id == kia_a.ibu.pk and j.objek_puskesmas_id == cast.w.puskesmas_a.pk
    assert (j.ip, j.path, j.metode, j.peran) == ("10.1.2.3", f"/kia/ibu/{kia_a.ibu.pk}/", "GET", user.role)
    # The user's scope at that moment.
    lingkup = {"admin": (None, None), "dinkes_a": (None, cast.w.kota.pk), "kapus_a": (cast.w.puskesmas_a.pk, None),
               "bikor_a": (cast.w.puskesmas_a.pk, None), "bidan_a": (cast.w.puskesmas_a.pk, None)}[role]
    assert (j.puskesmas_id, j.kabupaten_id) == lingkup
    tanpa_data_pribadi(j)


def test_reading_a_delivery_writes_one_row_for_its_mother(client, cast, kia_a, jejak_baru):
    client.force_login(cast.kapus_a)
    baru = jejak_baru()
    assert client.get(reverse("kia:persalinan_detail", args=[kia_a.persalinan.pk])).status_code == 200
    j = baru.satu()
    assert (j.aksi, j.objek_tipe, j.objek_id, j.ibu_id) == (
        Aksi.LIHAT_PERSALINAN, "kia.persalinan", str(kia_a.persalinan.pk), kia_a.ibu.pk)
    tanpa_data_pribadi(j)


def test_the_baby_form_is_a_read_of_the_baby(client, cast, kia_a, jejak_baru):
    client.force_login(cast.bikor_a)
    baru = jejak_baru()
    assert client.get(reverse("kia:bayi_update", args=[kia_a.bayi.pk])).status_code == 200
    j = baru.satu()
    assert (j.aksi, j.objek_tipe, j.objek_id, j.ibu_id, j.keterangan) == (
        Aksi.LIHAT_BAYI, "kia.bayi", str(kia_a.bayi.pk), kia_a.ibu.pk, "formulir")
    tanpa_data_pribadi(j)


def test_a_query_string_is_not_stored(client, cast, kia_a, jejak_baru):
    client.force_login(cast.bikor_a)
    baru = jejak_baru()
    client.get(reverse("kia:ibu_detail", args=[kia_a.ibu.pk]), {"q": NIK_A})
    assert baru.satu().path == f"/kia/ibu/{kia_a.ibu.pk}/"


def test_a_failed_audit_write_refuses_the_record(client, cast, kia_a, monkeypatch):
    """The documented choice: an unaudited read is worse than an error page."""
    from django.db import DatabaseError

    def gagal(**kwargs):
        raise DatabaseError("audit table unavailable")

    client.force_login(cast.bikor_a)
    monkeypatch.setattr("audit.models.Jejak.objects.create", gagal)
    client.raise_request_exception = False
    response = client.get(reverse("kia:ibu_detail", args=[kia_a.ibu.pk]))
    assert response.status_code >= 500
    assert kia_a.ibu.nama not in response.content.decode()


# --- Exports and report downloads -----------------------------------------------------------------------


def test_dukun_xlsx_export_writes_one_row(client, cast, dukun_set, jejak_baru):
    client.force_login(cast.bikor_a)
    baru = jejak_baru()
    response = client.get(reverse("laporan:daftar_dukun_xlsx"), {"puskesmas": cast.w.puskesmas_a.pk})
    assert response.status_code == 200
    j = baru.satu()
    assert (j.aksi, j.objek_tipe, j.objek_id, j.keterangan) == (
        Aksi.EKSPOR, "puskesmas.puskesmas", str(cast.w.puskesmas_a.pk), "daftar_dukun_xlsx")
    tanpa_data_pribadi(j, "Siti Rohmah")


def _unduhan_selesai(user, jenis, **kwargs):
    from laporan.models import StatusUnduhan, Unduhan

    relative = f"uji/{jenis}.bin"
    path = Path(django_settings.PRIVATE_MEDIA_ROOT) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"isi")
    return Unduhan.objects.create(jenis=jenis, diminta_oleh=user, status=StatusUnduhan.COMPLETE, berkas=relative,
                                  selesai_pada=timezone.now(), **kwargs)


@pytest.mark.parametrize(("jenis", "aksi"), [
    ("daftar_dukun_pdf", Aksi.EKSPOR),
    ("laporan_bulanan_pdf", Aksi.UNDUH_LAPORAN),
])
def test_downloading_a_puskesmas_file_writes_one_row(client, cast, jejak_baru, jenis, aksi):
    from laporan.models import JenisUnduhan

    assert jenis in JenisUnduhan.values
    unduhan = _unduhan_selesai(cast.kapus_a, jenis, puskesmas=cast.w.puskesmas_a, periode="2026-10")
    client.force_login(cast.kapus_a)
    baru = jejak_baru()
    response = client.get(reverse("laporan:unduhan_file", args=[unduhan.pk]))
    assert response.status_code == 200
    j = baru.satu()
    assert (j.aksi, j.objek_tipe, j.objek_id, j.objek_puskesmas_id, j.keterangan) == (
        aksi, "laporan.unduhan", str(unduhan.pk), cast.w.puskesmas_a.pk, jenis)


def test_downloading_the_district_zip_writes_one_row(client, cast, jejak_baru):
    from laporan.models import JenisUnduhan

    unduhan = _unduhan_selesai(cast.dinkes_a, JenisUnduhan.LAPORAN_KABUPATEN_ZIP, kabupaten=cast.w.kota,
                               periode="2026-10")
    client.force_login(cast.dinkes_a)
    baru = jejak_baru()
    assert client.get(reverse("laporan:unduhan_file", args=[unduhan.pk])).status_code == 200
    j = baru.satu()
    assert (j.aksi, j.objek_id, j.kabupaten_id, j.keterangan) == (
        Aksi.UNDUH_LAPORAN, str(unduhan.pk), cast.w.kota.pk, JenisUnduhan.LAPORAN_KABUPATEN_ZIP)


def test_downloading_an_approved_report_writes_one_row(client, cast, jejak_baru):
    from laporan.models import LaporanBulanan, StatusLaporan

    path = Path(django_settings.PRIVATE_MEDIA_ROOT) / "laporan" / "disetujui.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-uji")
    laporan = LaporanBulanan.objects.create(
        puskesmas=cast.w.puskesmas_a, bulan=timezone.localdate().replace(day=1), status=StatusLaporan.DISETUJUI,
        disetujui_oleh=cast.kapus_a, disetujui_pada=timezone.now(), berkas_pdf="laporan/disetujui.pdf",
    )
    client.force_login(cast.dinkes_a)
    baru = jejak_baru()
    assert client.get(reverse("laporan:bulanan_berkas", args=[laporan.pk])).status_code == 200
    j = baru.satu()
    assert (j.aksi, j.objek_tipe, j.objek_id, j.keterangan) == (
        Aksi.UNDUH_LAPORAN, "laporan.laporanbulanan", str(laporan.pk), "pdf_disetujui")


def test_the_referral_slip_is_an_audited_export(client, cast, dukun_set, kia_a, jejak_baru, monkeypatch):
    from kia import views_rujukan
    from kia.tests.factories import RujukanFactory

    monkeypatch.setattr(views_rujukan, "render_pdf", lambda template, context: b"%PDF-uji")
    rujukan = RujukanFactory(ibu=kia_a.ibu, dukun=dukun_set.a1, kelurahan=cast.w.a1, puskesmas=cast.w.puskesmas_a)
    client.force_login(cast.bidan_a)
    baru = jejak_baru()
    assert client.get(reverse("kia:rujukan_pdf", args=[rujukan.pk])).status_code == 200
    j = baru.satu()
    assert (j.aksi, j.objek_tipe, j.objek_id, j.ibu_id, j.keterangan) == (
        Aksi.EKSPOR, "kia.rujukan", str(rujukan.pk), kia_a.ibu.pk, "surat_rujukan_pdf")
    tanpa_data_pribadi(j)


# --- Approval and reopening of a month ------------------------------------------------------------------


def test_approval_and_reopening_write_one_row_each(cast, jejak_baru, django_capture_on_commit_callbacks):
    from laporan import services
    from laporan.periode import bulan_lalu

    bulan = bulan_lalu(timezone.localdate())
    baru = jejak_baru()
    laporan = services.laporan_setujui(user=cast.kapus_a, puskesmas=cast.w.puskesmas_a, bulan=bulan)
    j = baru.satu()
    assert (j.aksi, j.pengguna, j.objek_tipe, j.objek_id, j.objek_puskesmas_id, j.keterangan) == (
        Aksi.PERSETUJUAN, cast.kapus_a, "laporan.laporanbulanan", str(laporan.pk), cast.w.puskesmas_a.pk, bulan.kode)

    baru = jejak_baru()
    services.laporan_buka(user=cast.dinkes_a, laporan=laporan, alasan="Data persalinan Siti Aminah Uji terlewat")
    j = baru.satu()
    assert (j.aksi, j.pengguna, j.objek_id, j.kabupaten_id) == (
        Aksi.BUKA_KUNCI, cast.dinkes_a, str(laporan.pk), cast.w.kota.pk)
    tanpa_data_pribadi(j, "terlewat")  # the free-text reason stays in the report's own log


# --- Denied accesses ------------------------------------------------------------------------------------


def test_opening_a_mother_out_of_scope_is_logged_as_denied(client, cast, kia_a, jejak_baru):
    client.force_login(cast.bidan_b)
    baru = jejak_baru()
    assert client.get(reverse("kia:ibu_detail", args=[kia_a.ibu.pk])).status_code == 404
    j = baru.satu()
    assert (j.aksi, j.pengguna, j.objek_tipe, j.objek_id, j.ibu_id, j.keterangan) == (
        Aksi.AKSES_DITOLAK, cast.bidan_b, "kia.ibu", str(kia_a.ibu.pk), kia_a.ibu.pk, "404")
    assert j.puskesmas_id == cast.w.puskesmas_b.pk
    tanpa_data_pribadi(j)


def test_an_id_that_exists_nowhere_is_not_logged(client, cast, kia_a, jejak_baru):
    client.force_login(cast.bidan_b)
    baru = jejak_baru()
    assert client.get(reverse("kia:ibu_detail", args=[kia_a.ibu_b.pk + 1000])).status_code == 404
    assert baru.rows() == []


def test_a_403_is_logged_as_denied(client, cast, kia_a, jejak_baru):
    client.force_login(cast.kapus_a)  # reads the mother, may not change her
    baru = jejak_baru()
    assert client.get(reverse("kia:ibu_update", args=[kia_a.ibu.pk])).status_code == 403
    j = baru.satu()
    assert (j.aksi, j.pengguna, j.keterangan, j.path) == (
        Aksi.AKSES_DITOLAK, cast.kapus_a, "403 kia:ibu_update", f"/kia/ibu/{kia_a.ibu.pk}/ubah/")


# --- The service itself -----------------------------------------------------------------------------------


def test_catat_refuses_an_unknown_action(cast):
    with pytest.raises(ValueError):
        catat(aksi="baca_semua", pengguna=cast.admin)
    assert not Jejak.objects.filter(aksi="baca_semua").exists()


def test_catat_masks_a_nik_shaped_code_or_username(cast):
    j = catat(aksi=Aksi.LOGIN_GAGAL, username=NIK_A, keterangan=f"kode {NIK_A}")
    assert NIK_A not in j.username and NIK_A not in j.keterangan
