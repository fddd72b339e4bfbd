"""The Daftar dukun PDF: rendered with WeasyPrint, scoped to the requester, written atomically."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from pypdf import PdfReader

from laporan import services
from laporan.models import JenisUnduhan, StatusUnduhan, Unduhan
from laporan.services import unduhan_render, write_private_file
from laporan.tasks import enqueue_unduhan


def _unduhan(user, puskesmas) -> Unduhan:
    return Unduhan.objects.create(jenis=JenisUnduhan.DAFTAR_DUKUN_PDF, puskesmas=puskesmas, diminta_oleh=user)


def _path(unduhan: Unduhan) -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / unduhan.berkas


def _text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return "\n".join(page.extract_text() for page in reader.pages)


def _leftover_tmp() -> list[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return list(root.rglob(".tmp-*")) if root.exists() else []


def test_render_writes_the_pdf_of_the_puskesmas_dukun(dukun_set, cast):
    unduhan = _unduhan(cast.bikor_a, cast.w.puskesmas_a)

    unduhan_render(unduhan.pk)

    unduhan.refresh_from_db()
    assert unduhan.status == StatusUnduhan.COMPLETE
    assert unduhan.berkas == f"unduhan/{unduhan.pk}/{unduhan.nama_berkas}"
    assert unduhan.selesai_pada is not None
    assert unduhan.pesan_galat == ""
    path = _path(unduhan)
    assert path.read_bytes().startswith(b"%PDF-")
    text = _text(path)
    assert "Puskesmas Aur Duri" in text
    assert "Kota Jambi" in text
    for nama in ("Siti Rohmah", "Halimah"):
        assert nama in text
    for nama in ("Asiah", "Maimunah"):
        assert nama not in text
    # Who knows her, and the counts of the summary table.
    assert "Sri Mulyani" in text
    assert "Penyengat Rendah" in text and "Teluk Kenali" in text


def test_render_for_bidan_lists_only_the_dukun_of_her_kelurahan(dukun_set, cast):
    unduhan = _unduhan(cast.bidan_a, cast.w.puskesmas_a)

    unduhan_render(unduhan.pk)

    unduhan.refresh_from_db()
    assert unduhan.status == StatusUnduhan.COMPLETE
    text = _text(_path(unduhan))
    assert "Puskesmas Aur Duri" in text
    assert "Siti Rohmah" in text
    for nama in ("Halimah", "Asiah", "Maimunah"):
        assert nama not in text
    assert "Teluk Kenali" not in text


def test_render_for_dinkes_lists_only_the_requested_puskesmas(dukun_set, cast):
    unduhan = _unduhan(cast.dinkes_a, cast.w.puskesmas_b)

    unduhan_render(unduhan.pk)

    unduhan.refresh_from_db()
    text = _text(_path(unduhan))
    assert "Puskesmas Pakuan Baru" in text
    assert "Asiah" in text
    for nama in ("Siti Rohmah", "Halimah", "Maimunah"):
        assert nama not in text


def test_render_of_a_puskesmas_without_dukun_says_so(cast):
    unduhan = _unduhan(cast.bikor_a, cast.w.puskesmas_a)

    unduhan_render(unduhan.pk)

    unduhan.refresh_from_db()
    assert unduhan.status == StatusUnduhan.COMPLETE
    assert "Belum ada dukun terdaftar." in _text(_path(unduhan))


def test_render_leaves_no_temporary_file(dukun_set, cast):
    unduhan = _unduhan(cast.bikor_a, cast.w.puskesmas_a)

    unduhan_render(unduhan.pk)

    unduhan.refresh_from_db()
    assert _path(unduhan).is_file()
    assert _leftover_tmp() == []
    assert [p.name for p in _path(unduhan).parent.iterdir()] == [unduhan.nama_berkas]


def test_a_complete_unduhan_is_not_rendered_again(dukun_set, cast, monkeypatch):
    unduhan = _unduhan(cast.bikor_a, cast.w.puskesmas_a)
    unduhan_render(unduhan.pk)
    unduhan.refresh_from_db()
    content = _path(unduhan).read_bytes()
    calls = []
    monkeypatch.setattr(services, "render_pdf", lambda *a, **k: calls.append(a) or b"%PDF-palsu")

    unduhan_render(unduhan.pk)

    assert calls == []
    again = Unduhan.objects.get(pk=unduhan.pk)
    assert again.status == StatusUnduhan.COMPLETE
    assert again.selesai_pada == unduhan.selesai_pada
    assert _path(again).read_bytes() == content


def test_a_unduhan_left_processing_is_rendered_on_retry(dukun_set, cast):
    unduhan = _unduhan(cast.bikor_a, cast.w.puskesmas_a)
    Unduhan.objects.filter(pk=unduhan.pk).update(status=StatusUnduhan.PROCESSING)

    unduhan_render(unduhan.pk)

    unduhan.refresh_from_db()
    assert unduhan.status == StatusUnduhan.COMPLETE
    assert "Siti Rohmah" in _text(_path(unduhan))


def test_a_failed_unduhan_is_not_rendered_again(dukun_set, cast, monkeypatch):
    unduhan = _unduhan(cast.bikor_a, cast.w.puskesmas_a)
    Unduhan.objects.filter(pk=unduhan.pk).update(status=StatusUnduhan.FAILED)
    calls = []
    monkeypatch.setattr(services, "render_pdf", lambda *a, **k: calls.append(a) or b"%PDF-palsu")

    unduhan_render(unduhan.pk)

    assert calls == []
    assert Unduhan.objects.get(pk=unduhan.pk).status == StatusUnduhan.FAILED


def test_a_rendering_failure_marks_the_unduhan_failed(dukun_set, cast, monkeypatch):
    unduhan = _unduhan(cast.bikor_a, cast.w.puskesmas_a)

    def broken(template, context):
        raise RuntimeError("WeasyPrint rusak")

    monkeypatch.setattr(services, "render_pdf", broken)

    with pytest.raises(RuntimeError):
        unduhan_render(unduhan.pk)

    unduhan.refresh_from_db()
    assert unduhan.status == StatusUnduhan.FAILED
    assert unduhan.pesan_galat == "RuntimeError"
    assert unduhan.berkas == ""
    assert unduhan.selesai_pada is not None
    assert _leftover_tmp() == []
    assert not (Path(settings.PRIVATE_MEDIA_ROOT) / "unduhan" / str(unduhan.pk)).exists()


def test_a_writing_failure_marks_the_unduhan_failed(dukun_set, cast, monkeypatch):
    unduhan = _unduhan(cast.bikor_a, cast.w.puskesmas_a)

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(services.os, "fsync", disk_full)

    with pytest.raises(OSError):
        unduhan_render(unduhan.pk)

    unduhan.refresh_from_db()
    assert unduhan.status == StatusUnduhan.FAILED
    assert unduhan.pesan_galat == "OSError"
    assert unduhan.berkas == ""
    assert _leftover_tmp() == []


def test_an_error_to_be_retried_leaves_the_unduhan_claimed_for_the_retry(dukun_set, cast, monkeypatch):
    unduhan = _unduhan(cast.bikor_a, cast.w.puskesmas_a)
    real_write = services.write_private_file
    attempts = []

    def flaky_write(relative, content):
        attempts.append(relative)
        if len(attempts) == 1:
            raise OSError(5, "Input/output error")
        return real_write(relative, content)

    monkeypatch.setattr(services, "write_private_file", flaky_write)

    with pytest.raises(OSError):
        unduhan_render(unduhan.pk, retry_on=(OSError,))

    unduhan.refresh_from_db()
    assert unduhan.status == StatusUnduhan.PROCESSING
    assert unduhan.berkas == ""

    unduhan_render(unduhan.pk, retry_on=(OSError,))  # the retry

    unduhan.refresh_from_db()
    assert len(attempts) == 2
    assert unduhan.status == StatusUnduhan.COMPLETE
    assert "Siti Rohmah" in _text(_path(unduhan))


@pytest.fixture
def eager_celery(settings):
    """Tasks run in-process, as without REDIS_URL, even when this test run has a broker."""
    from config.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = True
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = saved


def test_eager_task_records_a_failure_instead_of_leaving_the_unduhan_processing(
    dukun_set, cast, eager_celery, monkeypatch, django_capture_on_commit_callbacks
):
    unduhan = _unduhan(cast.bikor_a, cast.w.puskesmas_a)

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(services.os, "fsync", disk_full)

    with django_capture_on_commit_callbacks(execute=True):
        enqueue_unduhan(unduhan.pk)  # an eager task cannot retry; the save that enqueued it must not fail

    unduhan.refresh_from_db()
    assert unduhan.status == StatusUnduhan.FAILED
    assert unduhan.pesan_galat == "OSError"
    assert _leftover_tmp() == []


def test_eager_task_renders_the_pdf(dukun_set, cast, eager_celery, django_capture_on_commit_callbacks):
    unduhan = _unduhan(cast.bikor_a, cast.w.puskesmas_a)

    with django_capture_on_commit_callbacks(execute=True):  # enqueued tasks run after commit
        enqueue_unduhan(unduhan.pk)

    unduhan.refresh_from_db()
    assert unduhan.status == StatusUnduhan.COMPLETE
    assert "Halimah" in _text(_path(unduhan))


# --- write_private_file --------------------------------------------------------------------


def test_write_private_file_writes_the_content_and_no_temporary_file(settings):
    target = write_private_file("unduhan/1/daftar.pdf", b"%PDF-isi")

    assert target == Path(settings.PRIVATE_MEDIA_ROOT) / "unduhan" / "1" / "daftar.pdf"
    assert target.read_bytes() == b"%PDF-isi"
    assert _leftover_tmp() == []


def test_write_private_file_leaves_no_temporary_file_when_writing_fails(settings, monkeypatch):
    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(services.os, "fsync", disk_full)

    with pytest.raises(OSError):
        write_private_file("unduhan/1/daftar.pdf", b"%PDF-isi")

    folder = Path(settings.PRIVATE_MEDIA_ROOT) / "unduhan" / "1"
    assert list(folder.iterdir()) == []


def test_write_private_file_keeps_the_old_file_when_replacing_fails(settings, monkeypatch):
    target = write_private_file("unduhan/1/daftar.pdf", b"%PDF-lama")

    def cannot_rename(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(services.os, "replace", cannot_rename)

    with pytest.raises(PermissionError):
        write_private_file("unduhan/1/daftar.pdf", b"%PDF-baru")

    assert target.read_bytes() == b"%PDF-lama"
    assert [p.name for p in target.parent.iterdir()] == ["daftar.pdf"]


def test_write_private_file_with_content_that_is_not_bytes_leaves_nothing(settings):
    with pytest.raises(TypeError):
        write_private_file("unduhan/2/daftar.pdf", "bukan bytes")  # type: ignore[arg-type]

    assert list((Path(settings.PRIVATE_MEDIA_ROOT) / "unduhan" / "2").iterdir()) == []
