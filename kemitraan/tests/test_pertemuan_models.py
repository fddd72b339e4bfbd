"""Rules of meetings, attendance and follow-ups, enforced by the models and services_pertemuan."""

from __future__ import annotations

import datetime as dt
import os
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from dukun.models import StatusDukun
from dukun.tests.factories import DukunFactory
from kemitraan.models import (
    KehadiranBidan,
    KehadiranDukun,
    LampiranPertemuan,
    Pertemuan,
    PesertaLintasSektor,
    StatusPertemuan,
    StatusTindakLanjut,
    TindakLanjut,
)
from kemitraan.services_pertemuan import (
    jumlah_hadir,
    kehadiran_bidan_set,
    kehadiran_dukun_set,
    lampiran_unggah,
    pertemuan_batalkan,
    pertemuan_create,
    pertemuan_hapus,
    pertemuan_laksanakan,
    pertemuan_sebelumnya,
    pertemuan_update,
    peserta_lintas_sektor_tambah,
    tindak_lanjut_create,
    tindak_lanjut_terlambat,
    tindak_lanjut_tutup,
    with_jumlah,
)
from kemitraan.tests.factories import (
    PengeluaranDanaFactory,
    PertemuanFactory,
    PesertaLintasSektorFactory,
    TindakLanjutFactory,
)

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")


@pytest.fixture(autouse=True)
def _penyimpanan_privat(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": tmp_path / "private"}},
    }


@pytest.fixture
def rapat(cast):
    """A routine meeting of Puskesmas A held on 10 March 2026 at 09:00 WIB."""
    return PertemuanFactory(puskesmas=cast.w.puskesmas_a, waktu_rencana=dt.datetime(2026, 3, 10, 9, 0, tzinfo=WIB))


def _messages(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict


# --- Follow-ups: due date ------------------------------------------------------------------------


def test_tenggat_sebelum_tanggal_pertemuan_ditolak(rapat):
    with pytest.raises(ValidationError) as exc:
        tindak_lanjut_create(pertemuan=rapat, uraian="Data dukun", tenggat=dt.date(2026, 3, 9),
                             penanggung_jawab_peran="bikor")
    assert _messages(exc.value) == {"tenggat": ["Tenggat tidak boleh sebelum tanggal pertemuan."]}
    assert not TindakLanjut.objects.exists()


def test_tenggat_pada_hari_pertemuan_diterima(rapat):
    tl = tindak_lanjut_create(pertemuan=rapat, uraian="Data dukun", tenggat=dt.date(2026, 3, 10),
                              penanggung_jawab_peran="bikor")
    assert tl.status == StatusTindakLanjut.TERBUKA
    assert tl.history.count() == 1


def test_tenggat_dibandingkan_dengan_tanggal_setempat_pertemuan(cast):
    # 1 March 00:30 WIB is still 28 February in UTC: the meeting's day is the local one.
    rapat = PertemuanFactory(puskesmas=cast.w.puskesmas_a,
                             waktu_rencana=dt.datetime(2026, 3, 1, 0, 30, tzinfo=WIB))
    with timezone.override(WIB):
        with pytest.raises(ValidationError):
            tindak_lanjut_create(pertemuan=rapat, uraian="x", tenggat=dt.date(2026, 2, 28),
                                 penanggung_jawab_peran="bikor")
        assert tindak_lanjut_create(pertemuan=rapat, uraian="x", tenggat=dt.date(2026, 3, 1),
                                    penanggung_jawab_peran="bikor").pk


def test_tenggat_mengikuti_tanggal_pelaksanaan_bila_bergeser(cast):
    # Planned on 10 March, held on 20 March: decisions cannot be due before the day they were taken.
    rapat = PertemuanFactory(puskesmas=cast.w.puskesmas_a, waktu_rencana=dt.datetime(2026, 3, 10, 9, tzinfo=WIB),
                             waktu_pelaksanaan=dt.datetime(2026, 3, 20, 9, tzinfo=WIB))
    with pytest.raises(ValidationError) as exc:
        tindak_lanjut_create(pertemuan=rapat, uraian="x", tenggat=dt.date(2026, 3, 15), penanggung_jawab_peran="bikor")
    assert "tenggat" in _messages(exc.value)


# --- Follow-ups: owner ---------------------------------------------------------------------------


def test_penanggung_jawab_wajib_diisi(rapat):
    with pytest.raises(ValidationError) as exc:
        tindak_lanjut_create(pertemuan=rapat, uraian="x", tenggat=dt.date(2026, 4, 1))
    assert _messages(exc.value) == {"penanggung_jawab_bidan": ["Pilih bidan atau peran yang bertanggung jawab."]}


def test_penanggung_jawab_hanya_satu_bidan_atau_peran(rapat, cast):
    with pytest.raises(ValidationError) as exc:
        tindak_lanjut_create(pertemuan=rapat, uraian="x", tenggat=dt.date(2026, 4, 1),
                             penanggung_jawab_bidan=cast.profil_bidan_a, penanggung_jawab_peran="bikor")
    assert _messages(exc.value) == {"penanggung_jawab_bidan": ["Pilih satu penanggung jawab: bidan atau peran."]}
    assert not TindakLanjut.objects.exists()


def test_penanggung_jawab_bidan_puskesmas_lain_ditolak(rapat, cast):
    with pytest.raises(ValidationError) as exc:
        tindak_lanjut_create(pertemuan=rapat, uraian="x", tenggat=dt.date(2026, 4, 1),
                             penanggung_jawab_bidan=cast.profil_bidan_b)
    assert _messages(exc.value) == {
        "penanggung_jawab_bidan": ["Bidan penanggung jawab harus dari Puskesmas penyelenggara."]
    }
    assert not TindakLanjut.objects.exists()


def test_penanggung_jawab_bidan_puskesmas_sendiri_diterima(rapat, cast):
    tl = tindak_lanjut_create(pertemuan=rapat, uraian="x", tenggat=dt.date(2026, 4, 1),
                              penanggung_jawab_bidan=cast.profil_bidan_a2)
    assert tl.penanggung_jawab == "Fitri Handayani"


# --- Follow-ups: closing ---------------------------------------------------------------------------


@pytest.fixture
def tl(rapat):
    return TindakLanjutFactory(pertemuan=rapat, tenggat=dt.date(2026, 4, 10))


@pytest.mark.parametrize("status", [StatusTindakLanjut.SELESAI, StatusTindakLanjut.BATAL])
def test_menutup_tanpa_catatan_ditolak(tl, status):
    with pytest.raises(ValidationError) as exc:
        tindak_lanjut_tutup(tindak_lanjut=tl, status=status, tanggal_ditutup=dt.date(2026, 4, 1),
                            catatan_penutupan="   ")
    assert _messages(exc.value) == {"catatan_penutupan": ["Tuliskan catatan penutupan."]}
    tl.refresh_from_db()
    assert (tl.status, tl.catatan_penutupan, tl.tanggal_ditutup) == (StatusTindakLanjut.TERBUKA, "", None)


def test_menutup_tanpa_tanggal_ditolak(tl):
    with pytest.raises(ValidationError) as exc:
        tindak_lanjut_tutup(tindak_lanjut=tl, status=StatusTindakLanjut.SELESAI, tanggal_ditutup=None,
                            catatan_penutupan="Sudah.")
    assert _messages(exc.value) == {"tanggal_ditutup": ["Isi tanggal penutupan."]}


def test_menutup_dengan_tanggal_sebelum_pertemuan_ditolak(tl):
    with pytest.raises(ValidationError) as exc:
        tindak_lanjut_tutup(tindak_lanjut=tl, status=StatusTindakLanjut.SELESAI, tanggal_ditutup=dt.date(2026, 3, 1),
                            catatan_penutupan="Sudah.")
    assert _messages(exc.value) == {"tanggal_ditutup": ["Tanggal penutupan tidak boleh sebelum tanggal pertemuan."]}


def test_menutup_dengan_tanggal_di_masa_depan_ditolak(tl):
    with pytest.raises(ValidationError) as exc:
        tindak_lanjut_tutup(tindak_lanjut=tl, status=StatusTindakLanjut.SELESAI,
                            tanggal_ditutup=timezone.localdate() + dt.timedelta(days=1), catatan_penutupan="Sudah.")
    assert _messages(exc.value) == {"tanggal_ditutup": ["Tanggal penutupan tidak boleh di masa depan."]}


def test_menutup_dengan_catatan_dan_tanggal_tersimpan_dan_tidak_dapat_ditutup_lagi(tl):
    tindak_lanjut_tutup(tindak_lanjut=tl, status=StatusTindakLanjut.BATAL, tanggal_ditutup=dt.date(2026, 4, 1),
                        catatan_penutupan=" Digabung dengan keputusan lain. ")
    tl.refresh_from_db()
    assert (tl.status, tl.tanggal_ditutup, tl.catatan_penutupan) == (
        StatusTindakLanjut.BATAL, dt.date(2026, 4, 1), "Digabung dengan keputusan lain."
    )
    with pytest.raises(ValidationError) as exc:
        tindak_lanjut_tutup(tindak_lanjut=tl, status=StatusTindakLanjut.SELESAI, tanggal_ditutup=dt.date(2026, 4, 2),
                            catatan_penutupan="Lagi.")
    assert exc.value.messages == ["Tindak lanjut ini sudah ditutup."]
    tl.refresh_from_db()
    assert tl.status == StatusTindakLanjut.BATAL


def test_menutup_dengan_status_terbuka_ditolak(tl):
    with pytest.raises(ValidationError) as exc:
        tindak_lanjut_tutup(tindak_lanjut=tl, status=StatusTindakLanjut.TERBUKA, tanggal_ditutup=dt.date(2026, 4, 1),
                            catatan_penutupan="x")
    assert _messages(exc.value) == {"status": ["Pilih selesai atau batal."]}


def test_database_menolak_tindak_lanjut_tertutup_tanpa_catatan(tl):
    tl.status = StatusTindakLanjut.SELESAI
    tl.tanggal_ditutup = dt.date(2026, 4, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        tl.save()


# --- Overdue follow-ups (the Puskesmas page's selector) --------------------------------------------


def test_tindak_lanjut_terlambat_hanya_yang_terbuka_dan_lewat_tenggat(cast, rapat):
    hari_ini = dt.date(2026, 6, 1)
    lewat = TindakLanjutFactory(pertemuan=rapat, tenggat=dt.date(2026, 5, 31))
    TindakLanjutFactory(pertemuan=rapat, tenggat=hari_ini)  # due today: not late yet
    TindakLanjutFactory(pertemuan=rapat, tenggat=dt.date(2026, 5, 1), status=StatusTindakLanjut.SELESAI,
                        tanggal_ditutup=dt.date(2026, 5, 2), catatan_penutupan="Selesai.")
    TindakLanjutFactory(pertemuan=rapat, tenggat=dt.date(2026, 5, 1), status=StatusTindakLanjut.BATAL,
                        tanggal_ditutup=dt.date(2026, 5, 2), catatan_penutupan="Batal.")
    lain = PertemuanFactory(puskesmas=cast.w.puskesmas_b, waktu_rencana=rapat.waktu_rencana)
    TindakLanjutFactory(pertemuan=lain, tenggat=dt.date(2026, 5, 1))
    assert list(tindak_lanjut_terlambat(cast.w.puskesmas_a, today=hari_ini)) == [lewat]


def test_tindak_lanjut_terlambat_memakai_hari_ini_di_zona_puskesmas(cast, rapat):
    tl = TindakLanjutFactory(pertemuan=rapat, tenggat=dt.date(2026, 5, 31))
    puskesmas = cast.w.puskesmas_a
    puskesmas.zona_waktu = "Asia/Jayapura"  # WIT, UTC+9
    puskesmas.save()
    # 31 May 16:00 UTC is already 1 June 01:00 in Jayapura: the action is late there.
    sekarang = dt.datetime(2026, 5, 31, 16, 0, tzinfo=dt.UTC)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(timezone, "now", lambda: sekarang)
        assert list(tindak_lanjut_terlambat(puskesmas)) == [tl]
        puskesmas.zona_waktu = "Asia/Jakarta"  # 23:00 on 31 May in WIB: still due today
        assert list(tindak_lanjut_terlambat(puskesmas)) == []


# --- Meetings ---------------------------------------------------------------------------------------


def test_merencanakan_pertemuan_menyimpan_pembuat_dan_status(cast):
    waktu = dt.datetime(2026, 12, 1, 9, 0, tzinfo=WIB)
    p = pertemuan_create(puskesmas=cast.w.puskesmas_a, jenis="rutin", waktu_rencana=waktu, tempat="Aula",
                         dibuat_oleh=cast.bikor_a)
    assert (p.status, p.dibuat_oleh, p.waktu_rencana) == (StatusPertemuan.DIRENCANAKAN, cast.bikor_a, waktu)
    assert p.history.get().history_type == "+"


def test_ubah_rencana_tidak_dapat_mengubah_puskesmas_atau_status(rapat, cast):
    with pytest.raises(ValidationError):
        pertemuan_update(pertemuan=rapat, puskesmas=cast.w.puskesmas_b)
    with pytest.raises(ValidationError):
        pertemuan_update(pertemuan=rapat, status=StatusPertemuan.BATAL)
    rapat.refresh_from_db()
    assert (rapat.puskesmas, rapat.status) == (cast.w.puskesmas_a, StatusPertemuan.TERLAKSANA)


def test_mencatat_terlaksana_di_masa_depan_ditolak(cast):
    p = PertemuanFactory(puskesmas=cast.w.puskesmas_a, status=StatusPertemuan.DIRENCANAKAN)
    with pytest.raises(ValidationError) as exc:
        pertemuan_laksanakan(pertemuan=p, waktu_pelaksanaan=timezone.now() + dt.timedelta(hours=2), notulen="x")
    assert _messages(exc.value) == {
        "waktu_pelaksanaan": ["Pertemuan yang terlaksana tidak boleh bertanggal di masa depan."]
    }
    p.refresh_from_db()
    assert (p.status, p.waktu_pelaksanaan) == (StatusPertemuan.DIRENCANAKAN, None)


def test_mencatat_terlaksana_menyimpan_waktu_dan_notulen(cast):
    p = PertemuanFactory(puskesmas=cast.w.puskesmas_a, status=StatusPertemuan.DIRENCANAKAN)
    waktu = timezone.now() - dt.timedelta(days=31)
    pertemuan_laksanakan(pertemuan=p, waktu_pelaksanaan=waktu, notulen="Dibahas tanda bahaya.")
    p.refresh_from_db()
    assert (p.status, p.waktu_pelaksanaan, p.notulen) == (StatusPertemuan.TERLAKSANA, waktu, "Dibahas tanda bahaya.")
    assert not p.terlambat


def test_hanya_pertemuan_yang_direncanakan_dapat_dibatalkan(rapat, cast):
    with pytest.raises(ValidationError) as exc:
        pertemuan_batalkan(pertemuan=rapat, alasan="Hujan")
    assert exc.value.messages == ["Hanya pertemuan yang masih direncanakan yang dapat dibatalkan."]
    rencana = PertemuanFactory(puskesmas=cast.w.puskesmas_a, status=StatusPertemuan.DIRENCANAKAN)
    with pytest.raises(ValidationError) as exc:
        pertemuan_batalkan(pertemuan=rencana, alasan="  ")
    assert _messages(exc.value) == {"alasan": ["Tuliskan alasan pembatalan."]}
    pertemuan_batalkan(pertemuan=rencana, alasan="Banjir di jalan menuju Puskesmas.")
    rencana.refresh_from_db()
    assert (rencana.status, rencana.notulen) == (StatusPertemuan.BATAL, "Banjir di jalan menuju Puskesmas.")


def test_pertemuan_yang_dibatalkan_tidak_mencatat_apa_pun_lagi(cast, dukun_set):
    p = PertemuanFactory(puskesmas=cast.w.puskesmas_a, status=StatusPertemuan.BATAL)
    pesan = "Pertemuan ini dibatalkan: tidak ada lagi yang dapat dicatat padanya."
    panggilan = [
        lambda: kehadiran_bidan_set(pertemuan=p, bidan=cast.profil_bidan_a, hadir=True),
        lambda: kehadiran_dukun_set(pertemuan=p, dukun=dukun_set.a1, hadir=True),
        lambda: peserta_lintas_sektor_tambah(pertemuan=p, kategori="lurah", nama="Pak Lurah"),
        lambda: tindak_lanjut_create(pertemuan=p, uraian="x", tenggat=timezone.localdate(),
                                     penanggung_jawab_peran="bikor"),
        lambda: lampiran_unggah(pertemuan=p, jenis="foto", diunggah_oleh=cast.bikor_a,
                                berkas=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n")),
        lambda: pertemuan_laksanakan(pertemuan=p, waktu_pelaksanaan=timezone.now()),
    ]
    for panggil in panggilan:
        with pytest.raises(ValidationError) as exc:
            panggil()
        assert exc.value.messages[0] in (pesan, "Pertemuan yang dibatalkan tidak dapat dicatat sebagai terlaksana.")
    p.refresh_from_db()
    assert p.status == StatusPertemuan.BATAL
    assert (KehadiranBidan.objects.count(), KehadiranDukun.objects.count(), PesertaLintasSektor.objects.count(),
            TindakLanjut.objects.count(), LampiranPertemuan.objects.count()) == (0, 0, 0, 0, 0)


def test_terlambat_bila_rencana_lewat_dan_belum_terlaksana(cast):
    lewat = PertemuanFactory(puskesmas=cast.w.puskesmas_a, status=StatusPertemuan.DIRENCANAKAN,
                             waktu_rencana=timezone.now() - dt.timedelta(minutes=5))
    nanti = PertemuanFactory(puskesmas=cast.w.puskesmas_a, status=StatusPertemuan.DIRENCANAKAN,
                             waktu_rencana=timezone.now() + dt.timedelta(days=1))
    batal = PertemuanFactory(puskesmas=cast.w.puskesmas_a, status=StatusPertemuan.BATAL,
                             waktu_rencana=timezone.now() - dt.timedelta(days=1))
    assert (lewat.terlambat, nanti.terlambat, batal.terlambat) == (True, False, False)


def test_pertemuan_sebelumnya_adalah_yang_terakhir_terlaksana_sebelumnya(cast):
    w = cast.w
    sekarang = timezone.now()
    lama = PertemuanFactory(puskesmas=w.puskesmas_a, waktu_rencana=sekarang - dt.timedelta(days=120))
    terakhir = PertemuanFactory(puskesmas=w.puskesmas_a, waktu_rencana=sekarang - dt.timedelta(days=100),
                                waktu_pelaksanaan=sekarang - dt.timedelta(days=60))  # held late
    PertemuanFactory(puskesmas=w.puskesmas_a, status=StatusPertemuan.BATAL,
                     waktu_rencana=sekarang - dt.timedelta(days=30))
    PertemuanFactory(puskesmas=w.puskesmas_a, status=StatusPertemuan.DIRENCANAKAN,
                     waktu_rencana=sekarang - dt.timedelta(days=20))
    PertemuanFactory(puskesmas=w.puskesmas_b, waktu_rencana=sekarang - dt.timedelta(days=10))  # other Puskesmas
    ini = PertemuanFactory(puskesmas=w.puskesmas_a, status=StatusPertemuan.DIRENCANAKAN,
                           waktu_rencana=sekarang + dt.timedelta(days=7))
    assert pertemuan_sebelumnya(ini) == terakhir
    assert pertemuan_sebelumnya(terakhir) == lama
    assert pertemuan_sebelumnya(lama) is None


# --- Attendance ---------------------------------------------------------------------------------------


def test_kehadiran_hanya_untuk_bidan_dan_dukun_puskesmas_penyelenggara(rapat, cast, dukun_set):
    with pytest.raises(ValidationError) as exc:
        kehadiran_bidan_set(pertemuan=rapat, bidan=cast.profil_bidan_b, hadir=True)
    assert exc.value.messages == ["Bidan ini bukan dari Puskesmas penyelenggara pertemuan."]
    for dukun in (dukun_set.b1, dukun_set.c1):
        with pytest.raises(ValidationError) as exc:
            kehadiran_dukun_set(pertemuan=rapat, dukun=dukun, hadir=True)
        assert exc.value.messages == ["Dukun ini bukan dari wilayah kerja Puskesmas penyelenggara pertemuan."]
    assert not KehadiranBidan.objects.exists()
    assert not KehadiranDukun.objects.exists()


def test_kehadiran_idempoten_dan_dapat_dilepas(rapat, cast, dukun_set):
    for _ in range(2):
        assert kehadiran_bidan_set(pertemuan=rapat, bidan=cast.profil_bidan_a2, hadir=True) is True
        kehadiran_dukun_set(pertemuan=rapat, dukun=dukun_set.a2, hadir=True)
    assert jumlah_hadir(rapat) == {"bidan": 1, "dukun": 1, "lintas_sektor": 0}
    for _ in range(2):
        assert kehadiran_bidan_set(pertemuan=rapat, bidan=cast.profil_bidan_a2, hadir=False) is False
    assert jumlah_hadir(rapat) == {"bidan": 0, "dukun": 1, "lintas_sektor": 0}
    # Each tick and untick is in the history.
    assert list(KehadiranBidan.history.order_by("history_id").values_list("history_type", flat=True)) == ["+", "-"]


def test_bidan_atau_dukun_nonaktif_tidak_dapat_dicentang_tetapi_dapat_dilepas(rapat, cast, dukun_set):
    kehadiran_bidan_set(pertemuan=rapat, bidan=cast.profil_bidan_a, hadir=True)
    kehadiran_dukun_set(pertemuan=rapat, dukun=dukun_set.a1, hadir=True)
    cast.profil_bidan_a.aktif = False
    cast.profil_bidan_a.save()
    pindah = DukunFactory(kelurahan=cast.w.a1, status=StatusDukun.PINDAH, status_sejak=dt.date(2025, 1, 1))
    kehadiran_bidan_set(pertemuan=rapat, bidan=cast.profil_bidan_a, hadir=False)
    with pytest.raises(ValidationError) as exc:
        kehadiran_bidan_set(pertemuan=rapat, bidan=cast.profil_bidan_a, hadir=True)
    assert exc.value.messages == ["Bidan ini tidak aktif lagi."]
    with pytest.raises(ValidationError) as exc:
        kehadiran_dukun_set(pertemuan=rapat, dukun=pindah, hadir=True)
    assert exc.value.messages == ["Dukun ini tidak aktif lagi."]
    # The one already ticked can still be unticked after she stopped.
    dukun_set.a1.status, dukun_set.a1.status_sejak = StatusDukun.PINDAH, dt.date(2025, 1, 1)
    dukun_set.a1.save()
    kehadiran_dukun_set(pertemuan=rapat, dukun=dukun_set.a1, hadir=False)
    assert jumlah_hadir(rapat) == {"bidan": 0, "dukun": 0, "lintas_sektor": 0}


def test_peserta_lintas_sektor_wajib_bernama(rapat):
    with pytest.raises(ValidationError) as exc:
        peserta_lintas_sektor_tambah(pertemuan=rapat, kategori="lurah", nama="  ")
    assert list(_messages(exc.value)) == ["nama"]
    with pytest.raises(ValidationError) as exc:
        peserta_lintas_sektor_tambah(pertemuan=rapat, kategori="presiden", nama="Pak X")
    assert list(_messages(exc.value)) == ["kategori"]
    assert not PesertaLintasSektor.objects.exists()


def test_jumlah_per_pertemuan_dihitung_di_database(rapat, cast, dukun_set):
    kehadiran_bidan_set(pertemuan=rapat, bidan=cast.profil_bidan_a, hadir=True)
    kehadiran_dukun_set(pertemuan=rapat, dukun=dukun_set.a1, hadir=True)
    kehadiran_dukun_set(pertemuan=rapat, dukun=dukun_set.a2, hadir=True)
    PesertaLintasSektorFactory.create_batch(3, pertemuan=rapat)
    TindakLanjutFactory(pertemuan=rapat)
    TindakLanjutFactory(pertemuan=rapat, status=StatusTindakLanjut.SELESAI, tanggal_ditutup=dt.date(2026, 4, 1),
                        catatan_penutupan="ok")
    kosong = PertemuanFactory(puskesmas=cast.w.puskesmas_a)
    rows = {p.pk: (p.jumlah_bidan, p.jumlah_dukun, p.jumlah_lintas_sektor, p.jumlah_tl_terbuka)
            for p in with_jumlah(Pertemuan.objects.all())}
    assert rows == {rapat.pk: (1, 2, 3, 1), kosong.pk: (0, 0, 0, 0)}


# --- Deleting a meeting --------------------------------------------------------------------------------


def test_menghapus_pertemuan_menyimpan_riwayat_dan_melepas_pengeluaran(
    rapat, cast, dukun_set, django_capture_on_commit_callbacks
):
    kehadiran_bidan_set(pertemuan=rapat, bidan=cast.profil_bidan_a, hadir=True)
    kehadiran_dukun_set(pertemuan=rapat, dukun=dukun_set.a1, hadir=True)
    peserta_lintas_sektor_tambah(pertemuan=rapat, kategori="lurah", nama="Pak Lurah")
    tl = TindakLanjutFactory(pertemuan=rapat)
    lampiran = lampiran_unggah(pertemuan=rapat, jenis="daftar_hadir", diunggah_oleh=cast.bikor_a,
                               berkas=SimpleUploadedFile("daftar.pdf", b"%PDF-1.4\n%%EOF\n"))
    path = lampiran.berkas.path
    pengeluaran = PengeluaranDanaFactory(
        anggaran__puskesmas=cast.w.puskesmas_a, anggaran__tahun=2026, tanggal=dt.date(2026, 3, 10), pertemuan=rapat
    )
    pk = rapat.pk

    with django_capture_on_commit_callbacks(execute=True):
        pertemuan_hapus(pertemuan=rapat)

    assert not Pertemuan.objects.filter(pk=pk).exists()
    assert not TindakLanjut.objects.exists()
    assert not KehadiranBidan.objects.exists()
    assert Pertemuan.history.filter(id=pk, history_type="-").count() == 1
    assert TindakLanjut.history.filter(id=tl.pk, history_type="-").count() == 1
    assert KehadiranBidan.history.filter(pertemuan_id=pk, history_type="-").count() == 1
    assert KehadiranDukun.history.filter(pertemuan_id=pk, history_type="-").count() == 1
    assert PesertaLintasSektor.history.filter(pertemuan_id=pk, history_type="-").count() == 1
    assert LampiranPertemuan.history.filter(id=lampiran.pk, history_type="-").count() == 1
    pengeluaran.refresh_from_db()
    assert pengeluaran.pertemuan is None
    assert pengeluaran.history.first().pertemuan_id is None  # the unlinking is in its history
    assert pengeluaran.history.count() == 2
    assert not os.path.exists(path)


def test_meeting_is_named_by_kind_and_indonesian_date(db):
    import datetime as dt
    import zoneinfo

    from kemitraan.tests.factories import PertemuanFactory

    waktu = dt.datetime(2026, 3, 5, 9, tzinfo=zoneinfo.ZoneInfo("Asia/Jakarta"))
    pertemuan = PertemuanFactory(waktu_rencana=waktu, waktu_pelaksanaan=waktu)
    assert str(pertemuan) == "Pertemuan rutin kemitraan – 5 Maret 2026"
