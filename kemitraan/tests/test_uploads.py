"""Attachments of meetings: only JPEG, PNG and PDF by content, size-limited, private, served only in scope."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from kemitraan import services_pertemuan
from kemitraan.models import LampiranPertemuan
from kemitraan.services_pertemuan import LAMPIRAN_MAKS_BITA, lampiran_unggah, periksa_berkas
from kemitraan.tests.factories import PertemuanFactory

ROLES = ["admin", "dinkes_a", "dinkes_c", "kapus_a", "bikor_a", "bikor_b", "bidan_a", "bidan_b"]
# Who sees a meeting of Puskesmas A (and so its files); who may add or remove them.
MELIHAT_A = {"admin", "dinkes_a", "kapus_a", "bikor_a", "bidan_a"}
MENULIS_A = {"admin", "bikor_a"}
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _gambar(fmt: str, size=(40, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, fmt)
    return buf.getvalue()


JPEG = _gambar("JPEG")
PNG = _gambar("PNG")


@pytest.fixture
def root(settings, tmp_path) -> Path:
    location = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": location}},
    }
    return location


@pytest.fixture
def rapat(cast, root):
    return PertemuanFactory(puskesmas=cast.w.puskesmas_a)


def _berkas_tersimpan(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _unggah(client, user, pertemuan, nama: str, isi: bytes, jenis: str = "foto", content_type: str = "image/jpeg"):
    client.force_login(user)
    return client.post(reverse("pertemuan:lampiran_unggah", args=[pertemuan.pk]), {
        "lampiran-jenis": jenis,
        "lampiran-berkas": SimpleUploadedFile(nama, isi, content_type=content_type),
    })


# --- The content check (service) --------------------------------------------------------------------


@pytest.mark.parametrize("nama,isi,tipe", [
    ("foto.jpg", JPEG, "image/jpeg"),
    ("FOTO.JPEG", JPEG, "image/jpeg"),
    ("daftar-hadir.png", PNG, "image/png"),
    ("daftar hadir.pdf", PDF, "application/pdf"),
])
def test_jpeg_png_dan_pdf_diterima_menurut_isinya(nama, isi, tipe):
    assert periksa_berkas(SimpleUploadedFile(nama, isi)) == tipe


@pytest.mark.parametrize("nama,isi,pesan", [
    ("program.exe", b"MZ\x90\x00" + b"\x00" * 100, "Jenis berkas .exe tidak diterima."),
    ("catatan.txt", b"hadir semua", "Jenis berkas .txt tidak diterima."),
    ("tanpa-ekstensi", JPEG, "Jenis berkas .? tidak diterima."),
    ("halaman.html", b"<html><script>alert(1)</script></html>", "Jenis berkas .html tidak diterima."),
    # Allowed name, wrong content: the extension alone is not trusted.
    ("foto.jpg", b"<html><script>alert(1)</script></html>", "Isi berkas tidak sesuai dengan namanya (.jpg)."),
    ("daftar.pdf", b"MZ\x90\x00" + b"\x00" * 100, "Isi berkas tidak sesuai dengan namanya (.pdf)."),
    ("foto.jpg", PNG, "Isi berkas tidak sesuai dengan namanya (.jpg)."),
    ("foto.png", PDF, "Isi berkas tidak sesuai dengan namanya (.png)."),
    ("foto.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "Jenis berkas .svg tidak diterima."),
    ("foto.gif", b"GIF89a" + b"\x00" * 20, "Jenis berkas .gif tidak diterima."),
    # The right magic bytes in front of something that is not an image.
    ("rusak.jpg", b"\xff\xd8\xff\xe0" + b"bukan gambar" * 10, "Gambar rusak atau tidak dapat dibaca."),
    ("kosong.pdf", b"", "Berkas kosong."),
])
def test_berkas_lain_ditolak_dengan_pesan_jelas(nama, isi, pesan):
    with pytest.raises(ValidationError) as exc:
        periksa_berkas(SimpleUploadedFile(nama, isi))
    assert exc.value.messages[0].startswith(pesan)
    if "tidak diterima" in pesan or "tidak sesuai" in pesan:
        assert exc.value.messages[0].endswith("Hanya foto JPEG/PNG atau dokumen PDF yang dapat diunggah.")


def test_batas_ukuran_tepat_diterima_lebih_satu_bita_ditolak(monkeypatch):
    monkeypatch.setattr(services_pertemuan, "LAMPIRAN_MAKS_BITA", 1000)
    pas = PDF + b"0" * (1000 - len(PDF))
    assert periksa_berkas(SimpleUploadedFile("pas.pdf", pas)) == "application/pdf"
    with pytest.raises(ValidationError) as exc:
        periksa_berkas(SimpleUploadedFile("lebih.pdf", pas + b"0"))
    assert exc.value.messages == ["Berkas terlalu besar (1001\xa0bita). Ukuran paling besar 1000\xa0bita."]


def test_batas_ukuran_bawaan_lima_mb():
    assert LAMPIRAN_MAKS_BITA == 5 * 1024 * 1024


def test_unggahan_disimpan_dengan_nama_buatan_di_penyimpanan_privat(rapat, cast, root):
    lampiran = lampiran_unggah(pertemuan=rapat, jenis="foto", diunggah_oleh=cast.bikor_a,
                               berkas=SimpleUploadedFile("../../etc/Foto rapat <1>.JPG", JPEG))
    path = Path(lampiran.berkas.path).resolve()
    assert path.is_relative_to(root.resolve())
    assert path.read_bytes() == JPEG
    assert lampiran.berkas.name.startswith(f"pertemuan/{rapat.pk}/")
    assert lampiran.berkas.name.endswith(".jpg")
    assert "rapat" not in lampiran.berkas.name
    assert (lampiran.nama_asli, lampiran.tipe_konten, lampiran.ukuran) == (
        "Foto rapat <1>.JPG", "image/jpeg", len(JPEG)
    )


def test_penyimpanan_bawaan_berada_di_luar_folder_statis():
    from config import settings as konfigurasi

    lokasi = Path(konfigurasi.STORAGES["default"]["OPTIONS"]["location"]).resolve()
    assert lokasi == Path(konfigurasi.PRIVATE_MEDIA_ROOT).resolve()
    for statis in [konfigurasi.STATIC_ROOT, *konfigurasi.STATICFILES_DIRS]:
        assert not lokasi.is_relative_to(Path(statis).resolve())
    assert not getattr(konfigurasi, "MEDIA_URL", "")


# --- Upload through the meeting page ------------------------------------------------------------------


def test_bikor_mengunggah_foto_lalu_kembali_ke_lampiran(client, cast, rapat, root):
    response = _unggah(client, cast.bikor_a, rapat, "Foto kegiatan.jpg", JPEG)
    assert response.status_code == 302
    assert response["Location"] == reverse("pertemuan:detail", args=[rapat.pk]) + "#lampiran"
    lampiran = LampiranPertemuan.objects.get()
    assert (lampiran.pertemuan, lampiran.jenis, lampiran.nama_asli, lampiran.diunggah_oleh) == (
        rapat, "foto", "Foto kegiatan.jpg", cast.bikor_a
    )
    assert _berkas_tersimpan(root) == [Path(lampiran.berkas.path)]
    page = client.get(reverse("pertemuan:detail", args=[rapat.pk])).content.decode()
    assert "Lampiran Foto kegiatan.jpg diunggah." in page
    assert reverse("pertemuan:lampiran", args=[lampiran.pk]) in page


@pytest.mark.parametrize("nama,isi,pesan", [
    ("daftar.docx", b"PK\x03\x04" + b"\x00" * 50, "Jenis berkas .docx tidak diterima."),
    ("foto.jpg", b"<html>bukan foto</html>", "Isi berkas tidak sesuai dengan namanya (.jpg)."),
])
def test_unggahan_ditolak_menampilkan_pesan_dan_tidak_menyimpan_apa_pun(client, cast, rapat, root, nama, isi, pesan):
    response = _unggah(client, cast.bikor_a, rapat, nama, isi)
    assert response.status_code == 400
    content = response.content.decode()
    assert pesan in content
    assert "Berkas belum diunggah." in content
    assert not LampiranPertemuan.objects.exists()
    assert _berkas_tersimpan(root) == []


def test_unggahan_lebih_dari_lima_mb_ditolak(client, cast, rapat, root):
    besar = PDF + b"0" * (LAMPIRAN_MAKS_BITA + 1 - len(PDF))
    response = _unggah(client, cast.bikor_a, rapat, "pindaian.pdf", besar, jenis="daftar_hadir",
                       content_type="application/pdf")
    assert response.status_code == 400
    assert "Berkas terlalu besar (5,0\xa0MB). Ukuran paling besar 5,0\xa0MB." in response.content.decode()
    assert not LampiranPertemuan.objects.exists()
    assert _berkas_tersimpan(root) == []


def test_unggahan_tanpa_berkas_ditolak(client, cast, rapat, root):
    client.force_login(cast.bikor_a)
    response = client.post(reverse("pertemuan:lampiran_unggah", args=[rapat.pk]), {"lampiran-jenis": "foto"})
    assert response.status_code == 400
    assert "Pilih berkas yang akan diunggah." in response.content.decode()
    assert not LampiranPertemuan.objects.exists()


@pytest.mark.parametrize("role", sorted(set(ROLES) - MENULIS_A))
def test_unggahan_oleh_peran_lain_ditolak_tanpa_menyimpan(client, cast, rapat, root, role):
    response = _unggah(client, getattr(cast, role), rapat, "foto.jpg", JPEG)
    assert response.status_code == (403 if role in MELIHAT_A else 404)
    assert not LampiranPertemuan.objects.exists()
    assert _berkas_tersimpan(root) == []


def test_unggahan_lewat_get_tidak_diizinkan(client, cast, rapat):
    client.force_login(cast.bikor_a)
    assert client.get(reverse("pertemuan:lampiran_unggah", args=[rapat.pk])).status_code == 405


# --- Serving: only in scope, even with the exact URL ----------------------------------------------------


@pytest.fixture
def foto(rapat, cast):
    return lampiran_unggah(pertemuan=rapat, jenis="foto", diunggah_oleh=cast.bikor_a,
                           berkas=SimpleUploadedFile("Foto rapat.png", PNG))


@pytest.mark.parametrize("role", ROLES)
def test_berkas_hanya_dilayani_kepada_pengguna_yang_melihat_pertemuannya(client, cast, foto, role):
    client.force_login(getattr(cast, role))
    response = client.get(reverse("pertemuan:lampiran", args=[foto.pk]))
    if role in MELIHAT_A:
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PNG
    else:
        assert response.status_code == 404
        assert not getattr(response, "streaming", False)
        assert PNG not in response.content


def test_berkas_tidak_dilayani_kepada_pengunjung_tanpa_login(client, foto):
    response = client.get(reverse("pertemuan:lampiran", args=[foto.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith("/masuk/")


def test_gambar_dilayani_inline_dengan_tipe_dan_header_aman(client, cast, foto):
    client.force_login(cast.bidan_a)
    response = client.get(reverse("pertemuan:lampiran", args=[foto.pk]))
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'inline; filename="Foto rapat.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Cache-Control"].startswith("private")
    response = client.get(reverse("pertemuan:lampiran", args=[foto.pk]), {"unduh": "1"})
    assert response["Content-Disposition"] == 'attachment; filename="Foto rapat.png"'


def test_pdf_selalu_diunduh_dengan_nama_aslinya(client, cast, rapat):
    pdf = lampiran_unggah(pertemuan=rapat, jenis="daftar_hadir", diunggah_oleh=cast.bikor_a,
                          berkas=SimpleUploadedFile("Daftar hadir Maret “2026”.pdf", PDF))
    client.force_login(cast.kapus_a)
    response = client.get(reverse("pertemuan:lampiran", args=[pdf.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''Daftar%20hadir%20Maret%20")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_berkas_yang_hilang_dari_penyimpanan_menjawab_404(client, cast, foto):
    Path(foto.berkas.path).unlink()
    client.force_login(cast.bikor_a)
    assert client.get(reverse("pertemuan:lampiran", args=[foto.pk])).status_code == 404


def test_id_lampiran_tebakan_menjawab_404(client, cast, foto):
    client.force_login(cast.admin)
    assert client.get(reverse("pertemuan:lampiran", args=[foto.pk + 1000])).status_code == 404


# --- Removing a file ----------------------------------------------------------------------------------------


def test_bikor_menghapus_lampiran_dan_berkasnya(client, cast, foto, root, django_capture_on_commit_callbacks):
    client.force_login(cast.bikor_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("pertemuan:lampiran_hapus", args=[foto.pk]))
    assert response.status_code == 302
    assert response["Location"].endswith("#lampiran")
    assert not LampiranPertemuan.objects.exists()
    assert _berkas_tersimpan(root) == []
    assert LampiranPertemuan.history.filter(id=foto.pk, history_type="-").exists()
    assert client.get(reverse("pertemuan:lampiran", args=[foto.pk])).status_code == 404


@pytest.mark.parametrize("role", sorted(set(ROLES) - MENULIS_A))
def test_penghapusan_lampiran_oleh_peran_lain_ditolak(client, cast, foto, root, role):
    client.force_login(getattr(cast, role))
    response = client.post(reverse("pertemuan:lampiran_hapus", args=[foto.pk]))
    assert response.status_code == (403 if role in MELIHAT_A else 404)
    assert LampiranPertemuan.objects.filter(pk=foto.pk).exists()
    assert Path(foto.berkas.path).exists()
