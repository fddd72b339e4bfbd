"""Approving and reopening a Puskesmas' month: who may, what is stored (PDF, values, checksum), what is logged."""

from __future__ import annotations

import hashlib
import io
import subprocess
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from laporan import services
from laporan.indikator import INDIKATOR_MAP
from laporan.models import AksiLaporan, CatatanLaporan, LaporanBulanan, StatusLaporan
from laporan.periode import Periode, bulan_lalu
from puskesmas.models import Role


@pytest.fixture
def pdf_palsu(monkeypatch):
    """A stand-in for WeasyPrint: a different file per call, so a new render is visible."""
    calls = []

    def render(template, context):
        calls.append(context)
        return f"%PDF-palsu {context['puskesmas'].kode} {context['periode'].kode} {len(calls)}".encode()

    monkeypatch.setattr(services, "render_pdf", render)
    return calls


@pytest.fixture
def kapus_b(cast):
    from puskesmas.tests.factories import UserFactory

    return UserFactory(username="kapus_b", role=Role.KEPALA_PUSKESMAS, puskesmas=cast.w.puskesmas_b)


@pytest.fixture
def bulan():
    return bulan_lalu(timezone.localdate())


def _url(name, puskesmas, bulan):
    return reverse(f"laporan:{name}", args=[puskesmas.pk, bulan.kode])


def _setujui(client, user, puskesmas, bulan, capture):
    client.force_login(user)
    with capture(execute=True):
        return client.post(_url("bulanan_setujui", puskesmas, bulan))


def _file(laporan: LaporanBulanan) -> Path:
    return Path(django_settings.PRIVATE_MEDIA_ROOT) / laporan.berkas_pdf


# --- Approval ------------------------------------------------------------------------------------


def test_kapus_approves_after_a_confirmation_and_the_stored_pdf_matches_its_checksum(
    client, cast, bulan, eager_celery, django_capture_on_commit_callbacks, tmp_path
):
    pkm = cast.w.puskesmas_a
    client.force_login(cast.kapus_a)
    confirm = client.get(_url("bulanan_setujui", pkm, bulan))
    assert confirm.status_code == 200
    assert "Ya, setujui dan kunci" in confirm.content.decode()
    assert not LaporanBulanan.objects.exists()

    response = _setujui(client, cast.kapus_a, pkm, bulan, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    laporan = LaporanBulanan.objects.get()
    assert (laporan.puskesmas, laporan.bulan, laporan.status, laporan.disetujui_oleh) == (
        pkm, bulan.mulai, StatusLaporan.DISETUJUI, cast.kapus_a)
    assert laporan.terkunci and laporan.disetujui_pada is not None
    assert set(laporan.nilai) == set(INDIKATOR_MAP)
    assert laporan.nilai["persalinan_jumlah"] == {"pembilang": "0", "penyebut": None, "nilai": "0"}
    served = client.get(reverse("laporan:bulanan_berkas", args=[laporan.pk]))
    assert served.status_code == 200 and served["Content-Type"] == "application/pdf"
    content = b"".join(served.streaming_content)
    assert hashlib.sha256(content).hexdigest() == laporan.checksum
    assert content == _file(laporan).read_bytes()
    path = tmp_path / "disetujui.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    assert "Disetujui secara elektronik oleh" in flat and "Kepala Puskesmas Aur Duri" in flat
    log = list(CatatanLaporan.objects.order_by("pk").values_list("aksi", "oleh__username", "periode", "berkas"))
    assert log == [(AksiLaporan.SETUJUI, "kapus_a", bulan.kode, "pdf"), (AksiLaporan.UNDUH, "kapus_a", bulan.kode,
                                                                          "pdf")]
    page = client.get(reverse("laporan:bulanan")).content.decode()
    assert "Disetujui" in page and "Buka kembali" in page


@pytest.mark.parametrize(("role", "status"), [
    ("bikor_a", 403), ("dinkes_a", 403), ("admin", 403), ("bidan_a", 403), ("dinkes_c", 404), ("bikor_b", 404),
])
def test_only_the_kapus_of_that_puskesmas_approves(client, cast, bulan, pdf_palsu, role, status,
                                                   django_capture_on_commit_callbacks):
    response = _setujui(client, getattr(cast, role), cast.w.puskesmas_a, bulan, django_capture_on_commit_callbacks)
    assert response.status_code == status
    assert client.get(_url("bulanan_setujui", cast.w.puskesmas_a, bulan)).status_code == status
    assert not LaporanBulanan.objects.exists() and not CatatanLaporan.objects.exists()


def test_kapus_of_another_puskesmas_gets_404(client, cast, kapus_b, bulan, pdf_palsu,
                                             django_capture_on_commit_callbacks):
    response = _setujui(client, kapus_b, cast.w.puskesmas_a, bulan, django_capture_on_commit_callbacks)
    assert response.status_code == 404
    assert not LaporanBulanan.objects.exists()


def test_approving_twice_is_refused_with_a_message(client, cast, bulan, eager_celery, pdf_palsu,
                                                   django_capture_on_commit_callbacks):
    _setujui(client, cast.kapus_a, cast.w.puskesmas_a, bulan, django_capture_on_commit_callbacks)
    client.force_login(cast.kapus_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("bulanan_setujui", cast.w.puskesmas_a, bulan), follow=True)
    assert f"Laporan {bulan.label} sudah disetujui." in response.content.decode()
    assert LaporanBulanan.objects.count() == 1
    assert CatatanLaporan.objects.filter(aksi=AksiLaporan.SETUJUI).count() == 1
    assert len(pdf_palsu) == 1


def test_a_month_not_over_cannot_be_approved(client, cast, pdf_palsu, django_capture_on_commit_callbacks):
    ini = Periode.berisi(timezone.localdate())
    client.force_login(cast.kapus_a)
    response = client.post(_url("bulanan_setujui", cast.w.puskesmas_a, ini), follow=True)
    assert "bulan belum berakhir" in response.content.decode()
    assert not LaporanBulanan.objects.exists()
    with pytest.raises(ValidationError) as exc:
        services.laporan_setujui(user=cast.kapus_a, puskesmas=cast.w.puskesmas_a, bulan=ini)
    assert exc.value.code == "bulan_belum_berakhir"


def test_the_service_refuses_other_roles_too(cast, bulan):
    for user in (cast.bikor_a, cast.dinkes_a, cast.admin):
        with pytest.raises(PermissionDenied):
            services.laporan_setujui(user=user, puskesmas=cast.w.puskesmas_a, bulan=bulan)


# --- Reopening -----------------------------------------------------------------------------------


@pytest.fixture
def disetujui(cast, bulan, eager_celery, pdf_palsu, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.laporan_setujui(user=cast.kapus_a, puskesmas=cast.w.puskesmas_a, bulan=bulan)


@pytest.mark.parametrize("role", ["kapus_a", "dinkes_a", "admin"])
def test_reopen_with_a_reason(client, cast, bulan, disetujui, role):
    user = getattr(cast, role)
    client.force_login(user)
    assert client.get(_url("bulanan_buka", cast.w.puskesmas_a, bulan)).status_code == 200
    response = client.post(_url("bulanan_buka", cast.w.puskesmas_a, bulan), {"alasan": "Persalinan P12 terlewat"})
    assert response.status_code == 302
    laporan = LaporanBulanan.objects.get()
    assert (laporan.status, laporan.dibuka_oleh, laporan.alasan_dibuka) == (StatusLaporan.DIBUKA, user,
                                                                           "Persalinan P12 terlewat")
    assert not laporan.terkunci
    buka = CatatanLaporan.objects.get(aksi=AksiLaporan.BUKA)
    assert (buka.oleh, buka.periode, buka.keterangan) == (user, bulan.kode, "Persalinan P12 terlewat")
    # The approved file stays downloadable.
    assert _file(laporan).is_file()


def test_reopen_without_a_reason_is_refused_in_indonesian(client, cast, bulan, disetujui):
    client.force_login(cast.kapus_a)
    response = client.post(_url("bulanan_buka", cast.w.puskesmas_a, bulan), {"alasan": "   "})
    assert response.status_code == 200
    assert "Alasan membuka kembali laporan wajib diisi." in response.content.decode()
    assert LaporanBulanan.objects.get().terkunci
    with pytest.raises(ValidationError):
        services.laporan_buka(user=cast.kapus_a, laporan=disetujui, alasan="")


@pytest.mark.parametrize(("role", "status"), [("bikor_a", 403), ("bidan_a", 403), ("dinkes_c", 404),
                                              ("bikor_b", 404)])
def test_reopen_by_others_is_refused(client, cast, bulan, disetujui, role, status):
    client.force_login(getattr(cast, role))
    response = client.post(_url("bulanan_buka", cast.w.puskesmas_a, bulan), {"alasan": "coba"})
    assert response.status_code == status
    assert LaporanBulanan.objects.get().terkunci


def test_reopen_by_kapus_of_another_puskesmas_is_404(client, cast, kapus_b, bulan, disetujui):
    client.force_login(kapus_b)
    assert client.post(_url("bulanan_buka", cast.w.puskesmas_a, bulan), {"alasan": "x"}).status_code == 404


def test_reopening_a_month_not_approved_is_refused(cast, bulan, disetujui):
    services.laporan_buka(user=cast.kapus_a, laporan=disetujui, alasan="Koreksi")
    with pytest.raises(ValidationError) as exc:
        services.laporan_buka(user=cast.dinkes_a, laporan=disetujui, alasan="Lagi")
    assert exc.value.code == "tidak_disetujui"


def test_reapproval_renders_a_new_file_and_keeps_the_old_one(client, cast, bulan, disetujui, pdf_palsu,
                                                             django_capture_on_commit_callbacks):
    pertama = LaporanBulanan.objects.get()
    berkas_pertama, checksum_pertama = pertama.berkas_pdf, pertama.checksum
    services.laporan_buka(user=cast.dinkes_a, laporan=pertama, alasan="Koreksi data")
    with django_capture_on_commit_callbacks(execute=True):
        services.laporan_setujui(user=cast.kapus_a, puskesmas=cast.w.puskesmas_a, bulan=bulan)

    kedua = LaporanBulanan.objects.get()
    assert kedua.pk == pertama.pk and kedua.terkunci
    assert kedua.berkas_pdf != berkas_pertama and kedua.checksum != checksum_pertama
    assert (Path(django_settings.PRIVATE_MEDIA_ROOT) / berkas_pertama).is_file()
    assert hashlib.sha256(_file(kedua).read_bytes()).hexdigest() == kedua.checksum
    versi = {h.berkas_pdf: h for h in kedua.history.exclude(checksum="").order_by("history_date")}  # newest wins
    assert set(versi) == {berkas_pertama, kedua.berkas_pdf}
    # Both versions are offered and served; each download is logged.
    client.force_login(cast.dinkes_a)
    page = client.get(reverse("laporan:bulanan"), {"puskesmas": cast.w.puskesmas_a.pk}).content.decode()
    for h in versi.values():
        assert f"?versi={h.history_id}" in page
    lama = client.get(reverse("laporan:bulanan_berkas", args=[kedua.pk]), {"versi": versi[berkas_pertama].history_id})
    assert hashlib.sha256(b"".join(lama.streaming_content)).hexdigest() == checksum_pertama
    assert CatatanLaporan.objects.filter(aksi=AksiLaporan.UNDUH, oleh=cast.dinkes_a).count() == 1
    assert list(CatatanLaporan.objects.order_by("pk").values_list("aksi", flat=True)) == [
        AksiLaporan.SETUJUI, AksiLaporan.BUKA, AksiLaporan.SETUJUI, AksiLaporan.UNDUH]


# --- The approved render: idempotent, crash-safe -------------------------------------------------


def test_approved_render_twice_stores_one_file(cast, disetujui, pdf_palsu):
    laporan = LaporanBulanan.objects.get()
    assert services.laporan_disetujui_render(laporan.pk) is False  # already stored
    LaporanBulanan.objects.filter(pk=laporan.pk).update(checksum="", berkas_pdf="")  # as if the worker died
    assert services.laporan_disetujui_render(laporan.pk) is True
    assert services.laporan_disetujui_render(laporan.pk) is False
    laporan.refresh_from_db()
    files = list(Path(django_settings.PRIVATE_MEDIA_ROOT).rglob("*.pdf"))
    assert files == [_file(laporan)]
    assert LaporanBulanan.objects.count() == 1
    assert hashlib.sha256(files[0].read_bytes()).hexdigest() == laporan.checksum


def test_a_crash_while_writing_the_approved_pdf_leaves_no_file_and_the_retry_stores_it(
    cast, bulan, eager_celery, pdf_palsu, monkeypatch, django_capture_on_commit_callbacks
):
    def crash(fd):
        raise OSError("killed")

    with monkeypatch.context() as m:
        m.setattr(services.os, "fsync", crash)
        # The task's retries fail too; publishing swallows the error: the approval itself stands.
        with django_capture_on_commit_callbacks(execute=True):
            services.laporan_setujui(user=cast.kapus_a, puskesmas=cast.w.puskesmas_a, bulan=bulan)
    laporan = LaporanBulanan.objects.get()
    assert laporan.terkunci and laporan.checksum == "" and laporan.berkas_pdf == ""  # approved; file pending
    root = Path(django_settings.PRIVATE_MEDIA_ROOT)
    assert not list(root.rglob("*.pdf")) and not list(root.rglob(".tmp-*"))

    assert services.laporan_disetujui_render(laporan.pk) is True
    laporan.refresh_from_db()
    assert hashlib.sha256(_file(laporan).read_bytes()).hexdigest() == laporan.checksum


def test_a_reopening_during_the_render_is_not_overwritten(cast, bulan, pdf_palsu, monkeypatch,
                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        laporan = services.laporan_setujui(user=cast.kapus_a, puskesmas=cast.w.puskesmas_a, bulan=bulan)
    asli = services.write_private_file

    def write_then_reopen(relative, content):
        services.laporan_buka(user=cast.dinkes_a, laporan=laporan, alasan="Koreksi")
        return asli(relative, content)

    monkeypatch.setattr(services, "write_private_file", write_then_reopen)
    assert services.laporan_disetujui_render(laporan.pk) is False
    laporan.refresh_from_db()
    assert (laporan.status, laporan.checksum) == (StatusLaporan.DIBUKA, "")


def test_rerender_button_renders_a_missing_approved_pdf(client, cast, bulan, eager_celery, pdf_palsu,
                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        services.laporan_setujui(user=cast.kapus_a, puskesmas=cast.w.puskesmas_a, bulan=bulan)
    client.force_login(cast.kapus_a)
    assert "PDF sedang dibuat" in client.get(reverse("laporan:bulanan")).content.decode()
    client.force_login(cast.bikor_a)
    assert client.post(_url("bulanan_render_ulang", cast.w.puskesmas_a, bulan)).status_code == 403
    client.force_login(cast.kapus_a)
    with django_capture_on_commit_callbacks(execute=True):  # the render is sent after commit
        client.post(_url("bulanan_render_ulang", cast.w.puskesmas_a, bulan))
    assert LaporanBulanan.objects.get().checksum


def test_the_zip_holds_the_stored_approved_pdf(cast, bulan, disetujui, pdf_palsu):
    import zipfile

    from laporan.laporan_bulanan import zip_kabupaten

    laporan = LaporanBulanan.objects.get()
    zf = zipfile.ZipFile(io.BytesIO(zip_kabupaten(cast.w.kota, bulan)))
    assert zf.read(f"laporan-bulanan-pa-{bulan.kode}.pdf") == _file(laporan).read_bytes()
    assert zf.read(f"laporan-bulanan-pb-{bulan.kode}.pdf").startswith(b"%PDF-palsu PB")


# --- Downloads of the approved file, admin ----------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), [("admin", 200), ("dinkes_a", 200), ("bikor_a", 200),
                                              ("bidan_a", 403), ("dinkes_c", 404), ("bikor_b", 404)])
def test_approved_pdf_download_scope(client, cast, disetujui, role, status):
    client.force_login(getattr(cast, role))
    response = client.get(reverse("laporan:bulanan_berkas", args=[disetujui.pk]))
    assert response.status_code == status
    assert CatatanLaporan.objects.filter(aksi=AksiLaporan.UNDUH).count() == (1 if status == 200 else 0)


def test_admin_shows_reports_and_log_read_only(client, cast, disetujui):
    client.force_login(cast.admin)
    assert client.get(reverse("admin:laporan_laporanbulanan_changelist")).status_code == 200
    assert client.get(reverse("admin:laporan_catatanlaporan_changelist")).status_code == 200
    assert client.get(reverse("admin:laporan_laporanbulanan_add")).status_code == 403
    change = client.post(reverse("admin:laporan_laporanbulanan_change", args=[disetujui.pk]), {"status": "dibuka"})
    assert change.status_code == 403
    assert LaporanBulanan.objects.get().terkunci
