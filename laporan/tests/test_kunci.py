"""The month lock (laporan.kunci): the helpers, the partnership records (services and pages) and the admin.

The mothers' records (deliveries, babies, referrals, the import) are tried in kia/tests/test_kunci_kia.py.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from kemitraan import services_kemitraan, services_pertemuan, services_program
from kemitraan.models import (
    KehadiranBidan,
    KehadiranDukun,
    LampiranPertemuan,
    Pelatihan,
    PemberianKit,
    PengeluaranDana,
    PenghargaanSanksi,
    Pertemuan,
    PesertaLintasSektor,
    StatusPertemuan,
    StatusTindakLanjut,
    TindakLanjut,
)
from kemitraan.tests.factories import (
    AnggaranDanaFactory,
    KemitraanFactory,
    PelatihanFactory,
    PemberianKitFactory,
    PengeluaranDanaFactory,
    PenghargaanSanksiFactory,
    PertemuanFactory,
    PesertaLintasSektorFactory,
    TindakLanjutFactory,
)
from kia.models import Bayi, Persalinan, Rujukan
from kia.tests.factories import BayiFactory, IbuFactory, PersalinanFactory, RujukanFactory
from laporan.kunci import Tersimpan, bulan_terkunci, bulan_terkunci_pasangan, pastikan_terbuka
from laporan.models import LaporanBulanan, StatusLaporan

pytestmark = pytest.mark.django_db

TERKUNCI = dt.date(2025, 3, 1)
DI_BULAN_TERKUNCI = dt.date(2025, 3, 12)
BULAN_TERBUKA = dt.date(2025, 2, 12)
PESAN = "Laporan bulan Maret 2025 sudah disetujui"


def kunci(puskesmas, bulan=TERKUNCI) -> LaporanBulanan:
    return LaporanBulanan.objects.create(puskesmas=puskesmas, bulan=bulan, status=StatusLaporan.DISETUJUI,
                                         disetujui_pada=timezone.now())


def buka(laporan: LaporanBulanan, oleh) -> None:
    laporan.status = StatusLaporan.DIBUKA
    laporan.alasan_dibuka = "Daftar hadir terlewat"
    laporan.dibuka_oleh, laporan.dibuka_pada = oleh, timezone.now()
    laporan.save()


def jam(tanggal: dt.date, jam_wib: int = 9) -> dt.datetime:
    """A moment of that day in Jambi (WIB, UTC+7)."""
    return dt.datetime(tanggal.year, tanggal.month, tanggal.day, jam_wib - 7, tzinfo=dt.UTC)


def _terkunci(exc: ValidationError) -> bool:
    errors = exc.error_list if not hasattr(exc, "error_dict") else [e for es in exc.error_dict.values() for e in es]
    return any(e.code == "bulan_terkunci" for e in errors)


@pytest.fixture
def laporan(cast):
    return kunci(cast.w.puskesmas_a)


# --- The helpers ---------------------------------------------------------------------------------------


def test_only_an_approved_month_is_locked(cast):
    w = cast.w
    kunci(w.puskesmas_a)
    dibuka = kunci(w.puskesmas_a, dt.date(2025, 1, 1))
    buka(dibuka, cast.kapus_a)
    hari = [dt.date(2025, 1, 5), dt.date(2025, 2, 5), dt.date(2025, 3, 5), dt.date(2025, 3, 31), None]
    assert bulan_terkunci(w.puskesmas_a.pk, hari) == [TERKUNCI]
    assert bulan_terkunci(w.puskesmas_b.pk, hari) == []
    pastikan_terbuka(w.puskesmas_a.pk, dt.date(2025, 1, 31), dt.date(2025, 4, 1))
    with pytest.raises(ValidationError) as exc:
        pastikan_terbuka(w.puskesmas_a.pk, dt.date(2025, 2, 28), dt.date(2025, 3, 1))
    assert exc.value.code == "bulan_terkunci"
    assert PESAN in exc.value.messages[0]


def test_nothing_to_check_costs_no_query(cast, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert bulan_terkunci(cast.w.puskesmas_a.pk, [None]) == []
        assert bulan_terkunci_pasangan([]) == set()
        pastikan_terbuka(None, dt.date(2025, 3, 5))


def test_many_pairs_in_one_query(cast, django_assert_num_queries):
    w = cast.w
    kunci(w.puskesmas_a)
    kunci(w.puskesmas_b, dt.date(2025, 5, 1))
    pasangan = [(p.pk, dt.date(2025, m, 9)) for p in (w.puskesmas_a, w.puskesmas_b, w.puskesmas_c)
                for m in range(1, 13)]
    with django_assert_num_queries(1):
        hasil = bulan_terkunci_pasangan(pasangan)
    assert hasil == {(w.puskesmas_a.pk, TERKUNCI), (w.puskesmas_b.pk, dt.date(2025, 5, 1))}


@pytest.mark.parametrize(("waktu", "terkunci"), [
    (dt.datetime(2025, 2, 28, 17, 30, tzinfo=dt.UTC), True),  # 1 March 00:30 WIB
    (dt.datetime(2025, 2, 28, 16, 30, tzinfo=dt.UTC), False),  # 28 February 23:30 WIB
])
def test_the_stored_row_is_read_in_the_same_query_in_the_local_month(cast, laporan, django_assert_num_queries,
                                                                     waktu, terkunci):
    p = PertemuanFactory(puskesmas=cast.w.puskesmas_a, waktu_rencana=waktu)
    tersimpan = Tersimpan.dari(p, tanggal="waktu_rencana", zona=cast.w.puskesmas_a.zona)
    with django_assert_num_queries(1):
        hasil = bulan_terkunci(cast.w.puskesmas_a.pk, [dt.date(2025, 6, 1)], tersimpan=tersimpan)
    assert hasil == ([TERKUNCI] if terkunci else [])


# --- Meetings -----------------------------------------------------------------------------------------


@pytest.fixture
def rapat(cast, dukun_set):
    """Meetings of Puskesmas A held in the locked month and in an open one, and one of Puskesmas B."""
    w = cast.w
    terkunci = PertemuanFactory(puskesmas=w.puskesmas_a, waktu_rencana=jam(DI_BULAN_TERKUNCI), tempat="asli")
    KehadiranBidan.objects.create(pertemuan=terkunci, bidan=cast.profil_bidan_a)
    PesertaLintasSektorFactory(pertemuan=terkunci)
    TindakLanjutFactory(pertemuan=terkunci, tenggat=DI_BULAN_TERKUNCI + dt.timedelta(days=14))
    return {
        "terkunci": terkunci,
        "terbuka": PertemuanFactory(puskesmas=w.puskesmas_a, waktu_rencana=jam(BULAN_TERBUKA), tempat="asli"),
        "rencana": PertemuanFactory(puskesmas=w.puskesmas_a, waktu_rencana=jam(BULAN_TERBUKA), tempat="asli",
                                    status=StatusPertemuan.DIRENCANAKAN),
        "lain": PertemuanFactory(puskesmas=w.puskesmas_b, waktu_rencana=jam(DI_BULAN_TERKUNCI), tempat="asli"),
    }


def _snapshot_rapat():
    return (
        sorted(Pertemuan.objects.values_list("pk", "status", "waktu_rencana", "waktu_pelaksanaan", "tempat",
                                             "notulen")),
        sorted(KehadiranBidan.objects.values_list("pertemuan", "bidan")),
        sorted(KehadiranDukun.objects.values_list("pertemuan", "dukun")),
        sorted(PesertaLintasSektor.objects.values_list("pk", "nama")),
        sorted(LampiranPertemuan.objects.values_list("pk", flat=True)),
        sorted(TindakLanjut.objects.values_list("pk", "pertemuan", "status")),
        Pertemuan.history.count(),
    )


def _png() -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buf, "PNG")
    return SimpleUploadedFile("daftar-hadir.png", buf.getvalue(), content_type="image/png")


def _tulis_pertemuan(cast, dukun_set, p: Pertemuan):
    """Every write of a meeting and what hangs on it, as (name, call)."""
    return [
        ("update", lambda: services_pertemuan.pertemuan_update(pertemuan=p, tempat="diubah")),
        ("laksanakan", lambda: services_pertemuan.pertemuan_laksanakan(
            pertemuan=p, waktu_pelaksanaan=p.waktu_rencana, notulen="ulang")),
        ("hapus", lambda: services_pertemuan.pertemuan_hapus(pertemuan=p)),
        ("hadir_bidan", lambda: services_pertemuan.kehadiran_bidan_set(
            pertemuan=p, bidan=cast.profil_bidan_a2, hadir=True)),
        ("tidak_hadir_bidan", lambda: services_pertemuan.kehadiran_bidan_set(
            pertemuan=p, bidan=cast.profil_bidan_a, hadir=False)),
        ("hadir_dukun", lambda: services_pertemuan.kehadiran_dukun_set(pertemuan=p, dukun=dukun_set.a1, hadir=True)),
        ("lintas_tambah", lambda: services_pertemuan.peserta_lintas_sektor_tambah(
            pertemuan=p, kategori="lurah", nama="Pak Lurah")),
        ("lintas_hapus", lambda: services_pertemuan.peserta_lintas_sektor_hapus(
            peserta=p.peserta_lintas_sektor.first())),
        ("lampiran", lambda: services_pertemuan.lampiran_unggah(
            pertemuan=p, jenis="daftar_hadir", berkas=_png(), diunggah_oleh=cast.bikor_a)),
        ("tindak_lanjut", lambda: services_pertemuan.tindak_lanjut_create(
            pertemuan=p, uraian="Kunjungan ulang", tenggat=DI_BULAN_TERKUNCI + dt.timedelta(days=20),
            penanggung_jawab_peran="bikor")),
    ]


@pytest.mark.parametrize("tulis", [n for n, _f in _tulis_pertemuan(None, None, None)])
def test_meeting_of_a_locked_month_refuses_every_write(cast, dukun_set, rapat, laporan, tulis):
    p = Pertemuan.objects.select_related("puskesmas").get(pk=rapat["terkunci"].pk)
    sebelum = _snapshot_rapat()
    with pytest.raises(ValidationError) as exc:
        dict(_tulis_pertemuan(cast, dukun_set, p))[tulis]()
    assert _terkunci(exc.value)
    assert _snapshot_rapat() == sebelum


def test_uploaded_attachment_of_a_locked_month_cannot_be_deleted(cast, rapat):
    p = rapat["terkunci"]
    lampiran = services_pertemuan.lampiran_unggah(pertemuan=p, jenis="daftar_hadir", berkas=_png(),
                                                  diunggah_oleh=cast.bikor_a)
    kunci(cast.w.puskesmas_a)
    with pytest.raises(ValidationError):
        services_pertemuan.lampiran_hapus(lampiran=LampiranPertemuan.objects.get(pk=lampiran.pk))
    assert LampiranPertemuan.objects.filter(pk=lampiran.pk).exists()


def test_meeting_cannot_be_planned_in_nor_moved_into_or_out_of_a_locked_month(cast, rapat, laporan):
    w = cast.w
    sebelum = _snapshot_rapat()
    with pytest.raises(ValidationError):
        services_pertemuan.pertemuan_create(puskesmas=w.puskesmas_a, jenis="rutin",
                                            waktu_rencana=jam(DI_BULAN_TERKUNCI))
    with pytest.raises(ValidationError):
        services_pertemuan.pertemuan_update(pertemuan=rapat["rencana"], waktu_rencana=jam(DI_BULAN_TERKUNCI))
    with pytest.raises(ValidationError):  # planned in February, recorded as held in March
        services_pertemuan.pertemuan_laksanakan(pertemuan=Pertemuan.objects.get(pk=rapat["rencana"].pk),
                                                waktu_pelaksanaan=jam(DI_BULAN_TERKUNCI))
    with pytest.raises(ValidationError):
        services_pertemuan.pertemuan_laksanakan(pertemuan=Pertemuan.objects.get(pk=rapat["terkunci"].pk),
                                                waktu_pelaksanaan=jam(BULAN_TERBUKA))
    assert _snapshot_rapat() == sebelum


def test_planned_meeting_of_a_locked_month_cannot_be_cancelled(cast, laporan):
    p = PertemuanFactory(puskesmas=cast.w.puskesmas_a, waktu_rencana=jam(DI_BULAN_TERKUNCI),
                         status=StatusPertemuan.DIRENCANAKAN)
    with pytest.raises(ValidationError):
        services_pertemuan.pertemuan_batalkan(pertemuan=p, alasan="Hujan deras")
    assert Pertemuan.objects.get(pk=p.pk).status == StatusPertemuan.DIRENCANAKAN


def test_follow_up_of_a_locked_meeting_can_still_be_closed(cast, rapat, laporan):
    # Closing happens later (often in another month); it is left open on purpose.
    t = rapat["terkunci"].tindak_lanjut.get()
    services_pertemuan.tindak_lanjut_tutup(tindak_lanjut=t, status=StatusTindakLanjut.SELESAI,
                                           tanggal_ditutup=DI_BULAN_TERKUNCI + dt.timedelta(days=3),
                                           catatan_penutupan="Sudah dikunjungi")
    assert TindakLanjut.objects.get(pk=t.pk).status == StatusTindakLanjut.SELESAI


def test_other_months_and_puskesmas_keep_their_meetings_writable(cast, dukun_set, rapat, laporan):
    services_pertemuan.pertemuan_update(pertemuan=rapat["terbuka"], tempat="boleh")
    services_pertemuan.pertemuan_update(pertemuan=rapat["lain"], tempat="boleh")
    services_pertemuan.kehadiran_bidan_set(pertemuan=rapat["lain"], bidan=cast.profil_bidan_b, hadir=True)
    assert Pertemuan.objects.filter(tempat="boleh").count() == 2


def test_reopened_month_unlocks_its_meetings(cast, dukun_set, rapat, laporan):
    buka(laporan, cast.kapus_a)
    p = Pertemuan.objects.select_related("puskesmas").get(pk=rapat["terkunci"].pk)
    for _nama, tulis in _tulis_pertemuan(cast, dukun_set, p):
        if _nama != "hapus":
            tulis()
    services_pertemuan.pertemuan_hapus(pertemuan=p)
    assert not Pertemuan.objects.filter(pk=p.pk).exists()


# --- Funds, kits, training, rewards ---------------------------------------------------------------------


@pytest.fixture
def program(cast, dukun_set):
    w = cast.w
    anggaran = AnggaranDanaFactory(puskesmas=w.puskesmas_a, tahun=2025)
    kemitraan = KemitraanFactory(bidan=cast.profil_bidan_a, dukun=dukun_set.a1, tanggal_mulai=dt.date(2024, 1, 1))
    return {
        "anggaran": anggaran,
        "pengeluaran": PengeluaranDanaFactory(anggaran=anggaran, tanggal=DI_BULAN_TERKUNCI, uraian="asli"),
        "pengeluaran_terbuka": PengeluaranDanaFactory(anggaran=anggaran, tanggal=BULAN_TERBUKA, uraian="asli"),
        "kit": PemberianKitFactory(dukun=dukun_set.a1, tanggal=DI_BULAN_TERKUNCI, isi="asli"),
        "pelatihan": PelatihanFactory(puskesmas=w.puskesmas_a, tanggal=DI_BULAN_TERKUNCI, topik="asli"),
        "penghargaan": PenghargaanSanksiFactory(kemitraan=kemitraan, tanggal=DI_BULAN_TERKUNCI, bentuk="asli"),
        "kemitraan": kemitraan,
    }


def _snapshot_program():
    return (
        sorted(PengeluaranDana.objects.values_list("pk", "tanggal", "uraian")),
        sorted(PemberianKit.objects.values_list("pk", "tanggal", "isi")),
        sorted(Pelatihan.objects.values_list("pk", "tanggal", "topik")),
        sorted(PenghargaanSanksi.objects.values_list("pk", "tanggal", "bentuk")),
    )


def _tulis_program(cast, dukun_set, program):
    w = cast.w
    return {
        "pengeluaran_baru": lambda: services_program.pengeluaran_save(
            pengeluaran=PengeluaranDana(), anggaran=program["anggaran"], tanggal=DI_BULAN_TERKUNCI, jumlah=1000,
            uraian="baru"),
        "pengeluaran_ubah": lambda: services_program.pengeluaran_save(
            pengeluaran=program["pengeluaran"], uraian="diubah"),
        "pengeluaran_masuk": lambda: services_program.pengeluaran_save(
            pengeluaran=program["pengeluaran_terbuka"], tanggal=DI_BULAN_TERKUNCI),
        "pengeluaran_keluar": lambda: services_program.pengeluaran_save(
            pengeluaran=program["pengeluaran"], tanggal=BULAN_TERBUKA),
        "kit_baru": lambda: services_program.pemberian_kit_save(
            kit=PemberianKit(puskesmas=w.puskesmas_a), dukun=dukun_set.a2, tanggal=DI_BULAN_TERKUNCI, isi="baru"),
        "kit_ubah": lambda: services_program.pemberian_kit_save(kit=program["kit"], isi="diubah"),
        "kit_keluar": lambda: services_program.pemberian_kit_save(kit=program["kit"], tanggal=BULAN_TERBUKA),
        "pelatihan_baru": lambda: services_program.pelatihan_save(
            pelatihan=Pelatihan(puskesmas=w.puskesmas_a), peserta_bidan=[], peserta_dukun=[], jenis="pelatihan",
            tanggal=DI_BULAN_TERKUNCI, topik="baru"),
        "pelatihan_ubah": lambda: services_program.pelatihan_save(
            pelatihan=program["pelatihan"], peserta_bidan=[cast.profil_bidan_a], peserta_dukun=[]),
        "pelatihan_keluar": lambda: services_program.pelatihan_save(
            pelatihan=program["pelatihan"], peserta_bidan=[], peserta_dukun=[], tanggal=BULAN_TERBUKA),
        "penghargaan_baru": lambda: services_kemitraan.penghargaan_create(
            jenis="penghargaan", tanggal=DI_BULAN_TERKUNCI, bentuk="baru", alasan="Rajin merujuk",
            dukun=dukun_set.a1),
        "penghargaan_ubah": lambda: services_kemitraan.penghargaan_update(
            penghargaan=program["penghargaan"], bentuk="diubah"),
        "penghargaan_keluar": lambda: services_kemitraan.penghargaan_update(
            penghargaan=program["penghargaan"], tanggal=BULAN_TERBUKA),
    }


TULIS_PROGRAM = ["pengeluaran_baru", "pengeluaran_ubah", "pengeluaran_masuk", "pengeluaran_keluar", "kit_baru",
                 "kit_ubah", "kit_keluar", "pelatihan_baru", "pelatihan_ubah", "pelatihan_keluar", "penghargaan_baru",
                 "penghargaan_ubah", "penghargaan_keluar"]


@pytest.mark.parametrize("tulis", TULIS_PROGRAM)
def test_programme_records_of_a_locked_month_refuse_every_write(cast, dukun_set, program, laporan, tulis):
    sebelum = _snapshot_program()
    peserta = sorted(program["pelatihan"].peserta_bidan.values_list("pk", flat=True))
    with pytest.raises(ValidationError) as exc:
        _tulis_program(cast, dukun_set, program)[tulis]()
    assert _terkunci(exc.value)
    assert _snapshot_program() == sebelum
    assert sorted(Pelatihan.objects.get(pk=program["pelatihan"].pk).peserta_bidan.values_list("pk", flat=True)) \
        == peserta


def test_reopened_month_unlocks_the_programme_records(cast, dukun_set, program, laporan):
    buka(laporan, cast.kapus_a)
    tulis = _tulis_program(cast, dukun_set, program)
    for nama in ("pengeluaran_baru", "pengeluaran_ubah", "kit_ubah", "pelatihan_ubah", "penghargaan_ubah"):
        tulis[nama]()
    assert PengeluaranDana.objects.get(pk=program["pengeluaran"].pk).uraian == "diubah"
    assert PemberianKit.objects.get(pk=program["kit"].pk).isi == "diubah"
    assert PenghargaanSanksi.objects.get(pk=program["penghargaan"].pk).bentuk == "diubah"


def test_another_puskesmas_is_not_locked_by_this_one(cast, dukun_set, program):
    kunci(cast.w.puskesmas_b)
    for nama in ("pengeluaran_ubah", "kit_ubah", "pelatihan_ubah", "penghargaan_ubah"):
        _tulis_program(cast, dukun_set, program)[nama]()
    assert PemberianKit.objects.get(pk=program["kit"].pk).isi == "diubah"


def test_a_write_costs_one_lock_query(cast, dukun_set, program, laporan):
    # The new month and the stored row's month are asked in one query.
    with CaptureQueriesContext(connection) as ctx, pytest.raises(ValidationError):
        services_program.pengeluaran_save(pengeluaran=program["pengeluaran_terbuka"], tanggal=DI_BULAN_TERKUNCI)
    assert len([q for q in ctx.captured_queries if "laporan_laporanbulanan" in q["sql"]]) == 1


# --- The partnership pages ------------------------------------------------------------------------------


def test_meeting_edit_page_shows_the_lock_and_saves_nothing(client, cast, rapat, laporan):
    p = rapat["terkunci"]
    sebelum = _snapshot_rapat()
    client.force_login(cast.bikor_a)
    response = client.post(reverse("pertemuan:update", args=[p.pk]), {
        "jenis": p.jenis, "waktu_rencana": "2025-03-12T10:00", "tempat": "diubah", "fasilitator": "", "materi": "",
        "versi": p.versi,  # the version the page was loaded with (puskesmas.versi)
    })
    assert response.status_code == 400
    assert PESAN in response.content.decode()
    assert _snapshot_rapat() == sebelum


def test_meeting_moved_into_a_locked_month_on_the_page_is_refused(client, cast, rapat, laporan):
    p = rapat["rencana"]
    sebelum = _snapshot_rapat()
    client.force_login(cast.bikor_a)
    response = client.post(reverse("pertemuan:update", args=[p.pk]), {
        "jenis": p.jenis, "waktu_rencana": "2025-03-20T10:00", "tempat": "asli", "fasilitator": "", "materi": "",
        "versi": p.versi,
    })
    assert response.status_code == 400
    assert PESAN in response.content.decode()
    assert _snapshot_rapat() == sebelum


def test_attendance_of_a_locked_meeting_shows_the_lock(client, cast, rapat, laporan):
    p = rapat["terkunci"]
    sebelum = _snapshot_rapat()
    client.force_login(cast.bikor_a)
    response = client.post(reverse("pertemuan:hadir_bidan", args=[p.pk, cast.profil_bidan_a2.pk]), {"hadir": "1"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert PESAN in response.content.decode()
    response = client.post(reverse("pertemuan:lintas_sektor_tambah", args=[p.pk]),
                           {"ls-kategori": "lurah", "ls-nama": "Pak Lurah", "ls-jabatan": ""})
    assert response.status_code == 400
    assert PESAN in response.content.decode()
    assert _snapshot_rapat() == sebelum


def test_removing_a_cross_sector_attendee_of_a_locked_meeting_shows_the_lock(client, cast, rapat, laporan):
    p = rapat["terkunci"]
    sebelum = _snapshot_rapat()
    client.force_login(cast.bikor_a)
    peserta = p.peserta_lintas_sektor.get()
    response = client.post(reverse("pertemuan:lintas_sektor_hapus", args=[p.pk, peserta.pk]))
    assert response.status_code == 400
    assert PESAN in response.content.decode()
    assert _snapshot_rapat() == sebelum


def test_attachment_delete_page_of_a_locked_meeting_shows_the_lock(client, cast, rapat):
    lampiran = services_pertemuan.lampiran_unggah(pertemuan=rapat["terkunci"], jenis="daftar_hadir", berkas=_png(),
                                                  diunggah_oleh=cast.bikor_a)
    kunci(cast.w.puskesmas_a)
    client.force_login(cast.bikor_a)
    response = client.post(reverse("pertemuan:lampiran_hapus", args=[lampiran.pk]))
    assert response.status_code == 400
    assert PESAN in response.content.decode()
    assert LampiranPertemuan.objects.filter(pk=lampiran.pk).exists()


def test_meeting_delete_page_shows_the_lock_and_deletes_nothing(client, cast, rapat, laporan):
    p = rapat["terkunci"]
    sebelum = _snapshot_rapat()
    client.force_login(cast.bikor_a)
    response = client.post(reverse("pertemuan:hapus", args=[p.pk]), {"konfirmasi": "on"})
    assert response.status_code == 400
    assert PESAN in response.content.decode()
    assert _snapshot_rapat() == sebelum


def test_spending_edit_page_shows_the_lock(client, cast, program, laporan):
    pengeluaran = program["pengeluaran"]
    sebelum = _snapshot_program()
    client.force_login(cast.bikor_a)
    response = client.post(reverse("program:pengeluaran_update", args=[pengeluaran.pk]), {
        "anggaran": program["anggaran"].pk, "tanggal": "2025-03-12", "jumlah": "250000", "uraian": "diubah",
        "pertemuan": "", "pelatihan": "",
    })
    assert response.status_code == 400
    assert PESAN in response.content.decode()
    assert _snapshot_program() == sebelum


def test_reward_edit_page_shows_the_lock(client, cast, program, laporan):
    obj = program["penghargaan"]
    sebelum = _snapshot_program()
    client.force_login(cast.bikor_a)
    response = client.post(reverse("kemitraan:penghargaan_update", args=[obj.pk]), {
        "jenis": obj.jenis, "tanggal": "2025-03-12", "kemitraan": program["kemitraan"].pk, "bidan": "", "dukun": "",
        "bentuk": "diubah", "alasan": obj.alasan,
    })
    assert response.status_code == 400
    assert PESAN in response.content.decode()
    assert _snapshot_program() == sebelum


# --- The admin ------------------------------------------------------------------------------------------


@pytest.fixture
def rekaman(cast, dukun_set, rapat, program):
    """One record of each kind the admin shows, in the locked month of Puskesmas A."""
    ibu = IbuFactory(kelurahan=cast.w.a1)
    persalinan = PersalinanFactory(ibu=ibu, bidan=cast.profil_bidan_a, tanggal=DI_BULAN_TERKUNCI)
    return {
        "kia_persalinan": persalinan,
        "kia_bayi": BayiFactory(persalinan=persalinan),
        "kia_rujukan": RujukanFactory(ibu=ibu, dukun=dukun_set.a1, waktu_rujuk=jam(DI_BULAN_TERKUNCI)),
        "kemitraan_pertemuan": rapat["terkunci"],
        "kemitraan_pengeluarandana": program["pengeluaran"],
        "kemitraan_pemberiankit": program["kit"],
        "kemitraan_pelatihan": program["pelatihan"],
    }


JENIS_ADMIN = ["kia_persalinan", "kia_bayi", "kia_rujukan", "kemitraan_pertemuan", "kemitraan_pengeluarandana",
               "kemitraan_pemberiankit", "kemitraan_pelatihan"]


def _baris(obj):
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


@pytest.mark.parametrize("jenis", JENIS_ADMIN)
def test_admin_refuses_to_change_or_delete_a_locked_record(client, cast, rekaman, jenis):
    obj = rekaman[jenis]
    kunci(cast.w.puskesmas_a)
    sebelum = _baris(type(obj).objects.get(pk=obj.pk))
    client.force_login(cast.admin)
    halaman = client.get(reverse(f"admin:{jenis}_change", args=[obj.pk]))
    assert halaman.status_code == 200
    assert PESAN in halaman.content.decode()
    assert 'name="_save"' not in halaman.content.decode()
    data = {k: ("" if v is None else v) for k, v in sebelum.items() if k != "id"}
    assert client.post(reverse(f"admin:{jenis}_change", args=[obj.pk]), data).status_code == 403
    assert client.get(reverse(f"admin:{jenis}_delete", args=[obj.pk])).status_code == 403
    assert client.post(reverse(f"admin:{jenis}_delete", args=[obj.pk]), {"post": "yes"}).status_code == 403
    client.post(reverse(f"admin:{jenis}_changelist"),
                {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"})
    assert _baris(type(obj).objects.get(pk=obj.pk)) == sebelum


@pytest.mark.parametrize("jenis", JENIS_ADMIN)
def test_admin_lists_locked_records_and_opens_unlocked_ones(client, cast, rekaman, jenis):
    obj = rekaman[jenis]
    client.force_login(cast.admin)
    assert client.get(reverse(f"admin:{jenis}_changelist")).status_code == 200
    halaman = client.get(reverse(f"admin:{jenis}_change", args=[obj.pk]))
    assert 'name="_save"' in halaman.content.decode()
    assert client.get(reverse(f"admin:{jenis}_delete", args=[obj.pk])).status_code == 200
    laporan = kunci(cast.w.puskesmas_a)
    assert client.get(reverse(f"admin:{jenis}_delete", args=[obj.pk])).status_code == 403
    buka(laporan, cast.kapus_a)
    assert client.get(reverse(f"admin:{jenis}_delete", args=[obj.pk])).status_code == 200


def _kit_post(kit: PemberianKit, **kw) -> dict:
    data = {"puskesmas": kit.puskesmas_id, "dukun": kit.dukun_id, "tanggal": kit.tanggal.isoformat(), "isi": kit.isi,
            "jumlah": kit.jumlah}
    data.update(kw)
    return data


def test_admin_refuses_to_move_a_record_into_a_locked_month(client, cast, dukun_set, laporan):
    kit = PemberianKitFactory(dukun=dukun_set.a1, tanggal=BULAN_TERBUKA)
    client.force_login(cast.admin)
    response = client.post(reverse("admin:kemitraan_pemberiankit_change", args=[kit.pk]),
                           _kit_post(kit, tanggal="2025-03-20"))
    assert response.status_code == 200
    assert PESAN in response.content.decode()
    assert PemberianKit.objects.get(pk=kit.pk).tanggal == BULAN_TERBUKA
    response = client.post(reverse("admin:kemitraan_pemberiankit_add"),
                           _kit_post(kit, tanggal="2025-03-20", isi="baru"))
    assert PESAN in response.content.decode()
    assert not PemberianKit.objects.filter(isi="baru").exists()
    # Another month saves as usual.
    response = client.post(reverse("admin:kemitraan_pemberiankit_change", args=[kit.pk]),
                           _kit_post(kit, tanggal="2025-04-20"))
    assert response.status_code == 302
    assert PemberianKit.objects.get(pk=kit.pk).tanggal == dt.date(2025, 4, 20)


def test_admin_history_cannot_revert_a_record_out_of_a_locked_month(client, cast, dukun_set):
    kit = PemberianKitFactory(dukun=dukun_set.a1, tanggal=BULAN_TERBUKA)
    kit.tanggal = DI_BULAN_TERKUNCI
    kit.save()
    kunci(cast.w.puskesmas_a)
    versi_lama = kit.history.order_by("history_id").first()
    client.force_login(cast.admin)
    response = client.post(
        reverse("admin:kemitraan_pemberiankit_simple_history", args=[kit.pk, versi_lama.history_id]),
        _kit_post(kit, tanggal=BULAN_TERBUKA.isoformat()),
    )
    assert response.status_code in (200, 403)
    assert PemberianKit.objects.get(pk=kit.pk).tanggal == DI_BULAN_TERKUNCI


def test_admin_lists_do_not_show_the_nik(client, cast):
    nik = "1571015705960001"
    ibu = IbuFactory(kelurahan=cast.w.a1, nik=nik)
    p = PersalinanFactory(ibu=ibu, bidan=cast.profil_bidan_a, tanggal=BULAN_TERBUKA)
    BayiFactory(persalinan=p)
    RujukanFactory(ibu=ibu, jenis="bidan_fasilitas", fasilitas_tujuan=cast.rs_a)
    client.force_login(cast.admin)
    for jenis in ("kia_persalinan", "kia_bayi", "kia_rujukan"):
        response = client.get(reverse(f"admin:{jenis}_changelist"))
        assert response.status_code == 200
        assert nik not in response.content.decode()
    assert Persalinan.objects.count() == Bayi.objects.count() == Rujukan.objects.count() == 1
