"""Meeting pages for every role of the cast: list, detail, plan, edit, held, cancel, delete, attendance."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dukun.tests.factories import DukunFactory
from kemitraan.models import (
    KehadiranBidan,
    KehadiranDukun,
    Pertemuan,
    PesertaLintasSektor,
    StatusPertemuan,
    StatusTindakLanjut,
    TindakLanjut,
)
from kemitraan.tests.factories import PertemuanFactory, PesertaLintasSektorFactory, TindakLanjutFactory
from puskesmas.tests.factories import BidanFactory

ROLES = ["admin", "dinkes_a", "dinkes_c", "kapus_a", "bikor_a", "bikor_b", "bidan_a", "bidan_b"]
READ_ONLY = ["dinkes_a", "kapus_a", "bidan_a"]  # see the meetings of Puskesmas A, may not change them
OUTSIDE_A = ["dinkes_c", "bikor_b", "bidan_b"]  # do not see them at all
INVALID_CHOICE = "Masukkan pilihan yang valid."
WIB = zoneinfo.ZoneInfo("Asia/Jakarta")

TEMPAT = {"a": "Aula Aur Duri", "a_lewat": "Kantor Lurah Teluk Kenali", "b": "Aula Pakuan Baru", "c": "Aula Sekernan"}
VISIBLE = {
    "admin": {"a", "a_lewat", "b", "c"},
    "dinkes_a": {"a", "a_lewat", "b"},
    "dinkes_c": {"c"},
    "kapus_a": {"a", "a_lewat"},
    "bikor_a": {"a", "a_lewat"},
    "bikor_b": {"b"},
    "bidan_a": {"a", "a_lewat"},
    "bidan_b": {"b"},
}
WRITABLE = {"admin": {"a", "a_lewat", "b", "c"}, "bikor_a": {"a", "a_lewat"}, "bikor_b": {"b"}}


@pytest.fixture(autouse=True)
def _penyimpanan_privat(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": tmp_path / "private"}},
    }


@pytest.fixture
def rapat(cast, dukun_set):
    """Puskesmas A: one held 30 days ago, one planned 3 days ago and never held; one each for B and C."""
    w = cast.w
    sekarang = timezone.now()
    return SimpleNamespace(
        a=PertemuanFactory(puskesmas=w.puskesmas_a, tempat=TEMPAT["a"]),
        a_lewat=PertemuanFactory(puskesmas=w.puskesmas_a, status=StatusPertemuan.DIRENCANAKAN,
                                 waktu_rencana=sekarang - dt.timedelta(days=3), tempat=TEMPAT["a_lewat"]),
        b=PertemuanFactory(puskesmas=w.puskesmas_b, tempat=TEMPAT["b"]),
        c=PertemuanFactory(puskesmas=w.puskesmas_c, tempat=TEMPAT["c"]),
    )


def _snapshot():
    """Everything a refused request must leave as it was, history included."""
    return (
        sorted(Pertemuan.objects.values_list(
            "pk", "puskesmas", "jenis", "status", "waktu_rencana", "waktu_pelaksanaan", "tempat", "fasilitator",
            "materi", "notulen",
        )),
        sorted(KehadiranBidan.objects.values_list("pertemuan", "bidan")),
        sorted(KehadiranDukun.objects.values_list("pertemuan", "dukun")),
        sorted(PesertaLintasSektor.objects.values_list("pk", "pertemuan", "kategori", "nama", "jabatan")),
        sorted(TindakLanjut.objects.values_list("pk", "pertemuan", "status", "uraian")),
        [m.history.count() for m in (Pertemuan, KehadiranBidan, KehadiranDukun, PesertaLintasSektor, TindakLanjut)],
    )


def _get(client, user, url, data=None):
    client.force_login(user)
    return client.get(url, data)


def _post(client, user, url, data=None, **extra):
    client.force_login(user)
    return client.post(url, data or {}, **extra)


def _tempat(response) -> set[str]:
    return {p.tempat for p in response.context["page_obj"]}


# --- List ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_daftar_pertemuan_hanya_dalam_cakupan(client, cast, rapat, role):
    response = _get(client, getattr(cast, role), reverse("pertemuan:list"))
    assert response.status_code == 200
    assert _tempat(response) == {TEMPAT[k] for k in VISIBLE[role]}
    content = response.content.decode()
    for key in set(TEMPAT) - VISIBLE[role]:
        assert TEMPAT[key] not in content


def test_daftar_pertemuan_meminta_login(client, rapat):
    response = client.get(reverse("pertemuan:list"))
    assert response.status_code == 302
    assert response["Location"].startswith("/masuk/")


@pytest.mark.parametrize("role", ROLES)
def test_tombol_rencanakan_hanya_untuk_penulis(client, cast, role):
    content = _get(client, getattr(cast, role), reverse("pertemuan:list")).content.decode()
    assert (reverse("pertemuan:create") in content) is (role in WRITABLE)


def test_rencana_yang_lewat_ditandai_terlambat(client, cast, rapat):
    response = _get(client, cast.bikor_a, reverse("pertemuan:list"))
    assert response.context["ringkasan"] == {"jumlah": 2, "direncanakan": 1, "terlaksana": 1, "batal": 0,
                                             "terlambat": 1}
    content = response.content.decode()
    baris = content[content.index(TEMPAT["a_lewat"]) - 1200: content.index(TEMPAT["a_lewat"]) + 600]
    assert "table-danger" in baris and "Terlambat" in baris
    assert "1 rencana sudah lewat tanggalnya." in content
    response = _get(client, cast.bikor_a, reverse("pertemuan:list"), {"status": "terlambat"})
    assert _tempat(response) == {TEMPAT["a_lewat"]}


@pytest.mark.parametrize("query,expected", [
    ({"status": "terlaksana"}, {"a"}),
    ({"status": "direncanakan"}, {"a_lewat"}),
    ({"status": "batal"}, set()),
    ({"jenis": "rutin"}, {"a", "a_lewat"}),
    ({"jenis": "lokmin"}, set()),
])
def test_saring_menurut_status_dan_jenis(client, cast, rapat, query, expected):
    response = _get(client, cast.bikor_a, reverse("pertemuan:list"), query)
    assert _tempat(response) == {TEMPAT[k] for k in expected}


def test_saring_menurut_puskesmas(client, cast, rapat):
    response = _get(client, cast.admin, reverse("pertemuan:list"), {"puskesmas": cast.w.puskesmas_b.pk})
    assert _tempat(response) == {TEMPAT["b"]}
    assert response.context["puskesmas"] == cast.w.puskesmas_b


def test_saring_puskesmas_di_luar_cakupan_tidak_membuka_datanya(client, cast, rapat):
    response = _get(client, cast.bikor_a, reverse("pertemuan:list"), {"puskesmas": cast.w.puskesmas_b.pk})
    assert response.status_code == 200
    assert _tempat(response) == {TEMPAT["a"], TEMPAT["a_lewat"]}
    assert TEMPAT["b"] not in response.content.decode()
    assert response.context["puskesmas"] is None


def test_saring_tahun_memakai_tanggal_setempat_di_pergantian_tahun(client, cast):
    w = cast.w
    # 31 December 23:30 WIB is 16:30 UTC: a meeting of 2025 in Jambi.
    akhir = PertemuanFactory(puskesmas=w.puskesmas_a, status=StatusPertemuan.DIRENCANAKAN,
                             waktu_rencana=dt.datetime(2025, 12, 31, 23, 30, tzinfo=WIB), tempat="Akhir tahun")
    # Planned for December, held on 1 January 00:30 WIB (still 31 December in UTC): it counts for 2026.
    awal = PertemuanFactory(puskesmas=w.puskesmas_a, waktu_rencana=dt.datetime(2025, 12, 20, 9, tzinfo=WIB),
                            waktu_pelaksanaan=dt.datetime(2026, 1, 1, 0, 30, tzinfo=WIB), tempat="Awal tahun")
    assert _tempat(_get(client, cast.bikor_a, reverse("pertemuan:list"), {"tahun": "2025"})) == {akhir.tempat}
    assert _tempat(_get(client, cast.bikor_a, reverse("pertemuan:list"), {"tahun": "2026"})) == {awal.tempat}


def test_tahun_tidak_masuk_akal_ditolak_dengan_pesan(client, cast, rapat):
    response = _get(client, cast.bikor_a, reverse("pertemuan:list"), {"tahun": "1850"})
    assert response.status_code == 200
    assert "Pastikan nilai ini lebih besar dari atau sama dengan 2000." in response.content.decode()


def test_daftar_berhalaman_dan_tautan_halaman_membawa_saringan(client, cast):
    for i in range(30):
        PertemuanFactory(puskesmas=cast.w.puskesmas_a, waktu_rencana=timezone.now() - dt.timedelta(days=i + 1),
                         tempat=f"Tempat {i:02d}")
    response = _get(client, cast.bikor_a, reverse("pertemuan:list"), {"jenis": "rutin"})
    assert len(response.context["page_obj"]) == 25
    # Newest first.
    assert [p.tempat for p in response.context["page_obj"]][:2] == ["Tempat 00", "Tempat 01"]
    assert "?jenis=rutin&page=2" in response.content.decode()
    response = _get(client, cast.bikor_a, reverse("pertemuan:list"), {"jenis": "rutin", "page": "2"})
    assert [p.tempat for p in response.context["page_obj"]] == [f"Tempat {i:02d}" for i in range(25, 30)]


# Mid-year: the meetings made "an hour ago" stay in the year the list is filtered by.
@pytest.mark.jam("2026-06-16T10:00:00+07:00")
@pytest.mark.parametrize("query", ["", "?status=terlambat&jenis=rutin", "?tahun={Y}&puskesmas={A}"])
def test_jumlah_query_daftar_tidak_bertambah_dengan_jumlah_pertemuan(client, cast, dukun_set,
                                                                    django_assert_num_queries, query):
    w = cast.w
    url = reverse("pertemuan:list") + query.replace("{A}", str(w.puskesmas_a.pk)).replace(
        "{Y}", str(timezone.localdate().year))

    def buat(n):
        for _ in range(n):
            p = PertemuanFactory(puskesmas=w.puskesmas_a, status=StatusPertemuan.DIRENCANAKAN,
                                 waktu_rencana=timezone.now() - dt.timedelta(hours=1))
            KehadiranBidan.objects.create(pertemuan=p, bidan=cast.profil_bidan_a)
            KehadiranDukun.objects.create(pertemuan=p, dukun=dukun_set.a1)
            PesertaLintasSektorFactory(pertemuan=p)
            TindakLanjutFactory(pertemuan=p)

    buat(10)
    client.force_login(cast.bikor_a)
    client.get(url)  # warm up
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["page_obj"]) == 10
    queries_for_10 = len(ctx.captured_queries)

    buat(190)
    with django_assert_num_queries(queries_for_10):
        response = client.get(url)
    assert len(response.context["page_obj"]) == 25
    assert response.context["ringkasan"]["jumlah"] == 200
    assert {(p.jumlah_bidan, p.jumlah_dukun, p.jumlah_lintas_sektor, p.jumlah_tl_terbuka)
            for p in response.context["page_obj"]} == {(1, 1, 1, 1)}


# --- Detail --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_halaman_pertemuan_dalam_cakupan_dan_404_di_luar(client, cast, rapat, role):
    client.force_login(getattr(cast, role))
    for key in TEMPAT:
        response = client.get(reverse("pertemuan:detail", args=[getattr(rapat, key).pk]))
        if key in VISIBLE[role]:
            assert response.status_code == 200, key
            assert TEMPAT[key] in response.content.decode()
        else:
            assert response.status_code == 404, key
            assert "Halaman tidak ditemukan" in response.content.decode()
            assert TEMPAT[key] not in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_tombol_ubah_hanya_untuk_yang_boleh_menulis(client, cast, rapat, role):
    client.force_login(getattr(cast, role))
    for key in VISIBLE[role]:
        p = getattr(rapat, key)
        response = client.get(reverse("pertemuan:detail", args=[p.pk]))
        boleh = key in WRITABLE.get(role, set())
        assert response.context["can_edit"] is boleh
        content = response.content.decode()
        for name in ("update", "hapus", "lintas_sektor_tambah", "lampiran_unggah", "tindak_lanjut_tambah"):
            assert (reverse(f"pertemuan:{name}", args=[p.pk]) in content) is boleh, (key, name)


def test_penulis_melihat_semua_bidan_dan_dukun_aktif_untuk_dicentang(client, cast, rapat, dukun_set):
    nonaktif = BidanFactory(nama="Bidan Pensiun", fasilitas=cast.induk_a, aktif=False)
    response = _get(client, cast.bikor_a, reverse("pertemuan:detail", args=[rapat.a.pk]))
    assert [b.nama for b in response.context["bidan_list"]] == ["Fitri Handayani", "Sri Mulyani"]
    assert [d.nama for d in response.context["dukun_list"]] == ["Siti Rohmah", "Halimah"]  # by kelurahan
    content = response.content.decode()
    assert content.count('aria-pressed="false"') == 4
    for orang in ("Ratna Juwita", "Intan Permatasari", "Asiah", "Maimunah", nonaktif.nama):
        assert orang not in content


@pytest.mark.parametrize("role", READ_ONLY)
def test_pembaca_hanya_melihat_yang_hadir_tanpa_tombol(client, cast, rapat, dukun_set, role):
    KehadiranBidan.objects.create(pertemuan=rapat.a, bidan=cast.profil_bidan_a2)
    KehadiranDukun.objects.create(pertemuan=rapat.a, dukun=dukun_set.a2)
    response = _get(client, getattr(cast, role), reverse("pertemuan:detail", args=[rapat.a.pk]))
    assert [b.nama for b in response.context["bidan_list"]] == ["Fitri Handayani"]
    assert [d.nama for d in response.context["dukun_list"]] == ["Halimah"]
    content = response.content.decode()
    assert "aria-pressed" not in content
    assert "hx-post" not in content
    assert "Sri Mulyani" not in content and "Siti Rohmah" not in content
    assert response.context["jumlah"] == {"bidan": 1, "dukun": 1, "lintas_sektor": 0}


def test_waktu_ditampilkan_dalam_zona_puskesmas_pengguna(client, cast):
    p = PertemuanFactory(puskesmas=cast.w.puskesmas_a, status=StatusPertemuan.DIRENCANAKAN,
                         waktu_rencana=dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC))
    content = _get(client, cast.bikor_a, reverse("pertemuan:detail", args=[p.pk])).content.decode()
    assert "1 Desember 2026, 09:00 WIB" in content
    cast.w.puskesmas_a.zona_waktu = "Asia/Makassar"
    cast.w.puskesmas_a.save()
    content = _get(client, cast.bikor_a, reverse("pertemuan:detail", args=[p.pk])).content.decode()
    assert "1 Desember 2026, 10:00 WITA" in content


def test_halaman_pertemuan_berikutnya_menampilkan_tindak_lanjut_terbuka_pertemuan_sebelumnya(client, cast, rapat):
    TindakLanjutFactory(pertemuan=rapat.a, uraian="Petakan dukun baru di RT 07")
    TindakLanjutFactory(pertemuan=rapat.a, uraian="Sudah beres", status=StatusTindakLanjut.SELESAI,
                        tanggal_ditutup=timezone.localdate(), catatan_penutupan="ok")
    TindakLanjutFactory(pertemuan=rapat.b, uraian="Milik Puskesmas B")
    berikut = PertemuanFactory(puskesmas=cast.w.puskesmas_a, status=StatusPertemuan.DIRENCANAKAN,
                               waktu_rencana=timezone.now() + dt.timedelta(days=20))
    response = _get(client, cast.kapus_a, reverse("pertemuan:detail", args=[berikut.pk]))
    assert response.context["sebelumnya"] == rapat.a
    assert [t.uraian for t in response.context["tindak_lanjut_sebelumnya"]] == ["Petakan dukun baru di RT 07"]
    content = response.content.decode()
    assert "Tindak lanjut terbuka dari pertemuan sebelumnya" in content
    assert "Sudah beres" not in content and "Milik Puskesmas B" not in content


def test_jumlah_query_halaman_pertemuan_tidak_bertambah_dengan_jumlah_peserta(client, cast, rapat,
                                                                             django_assert_num_queries):
    url = reverse("pertemuan:detail", args=[rapat.a.pk])

    def tambah(n):
        for _ in range(n):
            b = BidanFactory(fasilitas=cast.induk_a)
            d = DukunFactory(kelurahan=cast.w.a1)
            KehadiranBidan.objects.create(pertemuan=rapat.a, bidan=b)
            KehadiranDukun.objects.create(pertemuan=rapat.a, dukun=d)
            PesertaLintasSektorFactory(pertemuan=rapat.a)
            TindakLanjutFactory(pertemuan=rapat.a, penanggung_jawab_bidan=b, penanggung_jawab_peran="")

    tambah(3)
    client.force_login(cast.bikor_a)
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    tambah(30)
    with django_assert_num_queries(len(ctx.captured_queries)):
        response = client.get(url)
    assert response.context["jumlah"] == {"bidan": 33, "dukun": 33, "lintas_sektor": 33}


# --- Plan a meeting -----------------------------------------------------------------------------------------


def _data_baru(cast, **overrides):
    data = {
        "puskesmas": cast.w.puskesmas_a.pk, "jenis": "pembinaan", "waktu_rencana": "2026-12-01T09:00",
        "tempat": "Aula Puskesmas", "fasilitator": "Bidan koordinator", "materi": "Tanda bahaya nifas",
    }
    data.update(overrides)
    return data


def test_bikor_merencanakan_pertemuan_pada_jam_setempat(client, cast):
    response = _post(client, cast.bikor_a, reverse("pertemuan:create"), _data_baru(cast))
    p = Pertemuan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("pertemuan:detail", args=[p.pk])
    assert (p.puskesmas, p.jenis, p.status, p.dibuat_oleh) == (
        cast.w.puskesmas_a, "pembinaan", StatusPertemuan.DIRENCANAKAN, cast.bikor_a
    )
    assert p.waktu_rencana == dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)  # 09:00 WIB
    assert p.history.get().history_user == cast.bikor_a


def test_jam_dimasukkan_dalam_zona_puskesmas_wita(client, cast):
    cast.w.puskesmas_a.zona_waktu = "Asia/Makassar"
    cast.w.puskesmas_a.save()
    response = _get(client, cast.bikor_a, reverse("pertemuan:create"))
    assert "Waktu setempat (WITA)." in response.content.decode()
    _post(client, cast.bikor_a, reverse("pertemuan:create"), _data_baru(cast))
    assert Pertemuan.objects.get().waktu_rencana == dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC)


def test_formulir_bikor_hanya_menawarkan_puskesmasnya(client, cast):
    response = _get(client, cast.bikor_a, reverse("pertemuan:create"))
    assert list(response.context["form"].fields["puskesmas"].queryset) == [cast.w.puskesmas_a]


def test_admin_merencanakan_untuk_puskesmas_mana_pun(client, cast):
    response = _post(client, cast.admin, reverse("pertemuan:create"),
                     _data_baru(cast, puskesmas=cast.w.puskesmas_c.pk))
    assert response.status_code == 302
    assert Pertemuan.objects.get().puskesmas == cast.w.puskesmas_c


@pytest.mark.parametrize("role", READ_ONLY + ["dinkes_c", "bidan_b"])
def test_rencana_ditolak_untuk_peran_baca_saja(client, cast, rapat, role):
    before = _snapshot()
    assert _get(client, getattr(cast, role), reverse("pertemuan:create")).status_code == 403
    response = _post(client, getattr(cast, role), reverse("pertemuan:create"), _data_baru(cast))
    assert response.status_code == 403
    assert "Akses ditolak" in response.content.decode()
    assert _snapshot() == before


def test_rencana_tanpa_login_dialihkan_dan_tidak_menyimpan(client, cast, rapat):
    before = _snapshot()
    response = client.post(reverse("pertemuan:create"), _data_baru(cast))
    assert response.status_code == 302
    assert response["Location"].startswith("/masuk/")
    assert _snapshot() == before


def test_rencana_palsu_untuk_puskesmas_lain_ditolak(client, cast, rapat):
    before = _snapshot()
    response = _post(client, cast.bikor_a, reverse("pertemuan:create"),
                     _data_baru(cast, puskesmas=cast.w.puskesmas_b.pk))
    assert response.status_code == 400
    assert INVALID_CHOICE in response.content.decode()
    assert _snapshot() == before


@pytest.mark.parametrize("overrides,message", [
    ({"waktu_rencana": ""}, "Bidang ini tidak boleh kosong."),
    ({"waktu_rencana": "besok pagi"}, "Masukkan tanggal/waktu yang valid."),
    ({"jenis": "arisan"}, INVALID_CHOICE),
])
def test_isian_rencana_salah_ditolak_dengan_pesan(client, cast, overrides, message):
    response = _post(client, cast.bikor_a, reverse("pertemuan:create"), _data_baru(cast, **overrides))
    assert response.status_code == 400
    content = response.content.decode()
    assert message in content
    assert "Periksa kembali isian yang ditandai. Data belum disimpan." in content
    assert 'value="Aula Puskesmas"' in content  # nothing typed is lost
    assert not Pertemuan.objects.exists()


# --- Edit, record as held, cancel -----------------------------------------------------------------------------


def _data_ubah(p: Pertemuan, **overrides):
    data = {
        "jenis": p.jenis, "waktu_rencana": timezone.localtime(p.waktu_rencana).strftime("%Y-%m-%dT%H:%M"),
        "tempat": p.tempat, "fasilitator": p.fasilitator, "materi": p.materi, "versi": _versi(p),
    }
    data.update(overrides)
    return data


def _versi(p: Pertemuan) -> int:
    """The version a freshly loaded form carries (puskesmas.versi)."""
    return Pertemuan.objects.values_list("versi", flat=True).get(pk=p.pk)


def test_bikor_mengubah_rencana(client, cast, rapat):
    p = rapat.a_lewat
    response = _post(client, cast.bikor_a, reverse("pertemuan:update", args=[p.pk]),
                     _data_ubah(p, tempat="Posyandu Melati", waktu_rencana="2027-01-05T08:30"))
    assert response.status_code == 302
    p.refresh_from_db()
    assert (p.tempat, p.waktu_rencana, p.puskesmas) == (
        "Posyandu Melati", dt.datetime(2027, 1, 5, 1, 30, tzinfo=dt.UTC), cast.w.puskesmas_a
    )
    assert not p.terlambat
    assert p.history.first().history_user == cast.bikor_a


def test_puskesmas_pertemuan_tidak_dapat_dipindah_lewat_formulir_ubah(client, cast, rapat):
    p = rapat.a
    _post(client, cast.bikor_a, reverse("pertemuan:update", args=[p.pk]),
          _data_ubah(p, puskesmas=cast.w.puskesmas_b.pk))
    p.refresh_from_db()
    assert p.puskesmas == cast.w.puskesmas_a


@pytest.mark.parametrize("name,data", [
    ("update", {"tempat": "X", "jenis": "rutin", "waktu_rencana": "2027-01-05T08:30"}),
    ("laksanakan", {"waktu_pelaksanaan": "2026-01-05T08:30", "notulen": "x"}),
    ("batal", {"alasan": "x"}),
    ("hapus", {"konfirmasi": "on"}),
])
@pytest.mark.parametrize("role", READ_ONLY + OUTSIDE_A)
def test_perubahan_oleh_peran_lain_ditolak_tanpa_menulis(client, cast, rapat, role, name, data):
    before = _snapshot()
    client.force_login(getattr(cast, role))
    expected = 403 if role in READ_ONLY else 404
    assert client.get(reverse(f"pertemuan:{name}", args=[rapat.a_lewat.pk])).status_code == expected
    assert client.post(reverse(f"pertemuan:{name}", args=[rapat.a_lewat.pk]), data).status_code == expected
    assert _snapshot() == before


def test_mencatat_pertemuan_terlaksana(client, cast, rapat):
    p = rapat.a_lewat
    response = _get(client, cast.bikor_a, reverse("pertemuan:laksanakan", args=[p.pk]))
    # The planned time is offered, in local time, since it has passed.
    rencana = timezone.localtime(p.waktu_rencana).strftime("%Y-%m-%dT%H:%M")
    assert f'name="waktu_pelaksanaan" value="{rencana}"' in response.content.decode()
    waktu = timezone.localtime(p.waktu_rencana + dt.timedelta(days=1))
    response = _post(client, cast.bikor_a, reverse("pertemuan:laksanakan", args=[p.pk]),
                     {"waktu_pelaksanaan": waktu.strftime("%Y-%m-%dT%H:%M"), "notulen": "Disepakati rujukan dini.",
                      "versi": _versi(p)})
    assert response.status_code == 302
    p.refresh_from_db()
    assert (p.status, p.notulen) == (StatusPertemuan.TERLAKSANA, "Disepakati rujukan dini.")
    assert p.waktu_pelaksanaan == waktu.replace(second=0, microsecond=0)


def test_mencatat_terlaksana_di_masa_depan_ditolak_dengan_pesan(client, cast, rapat):
    before = _snapshot()
    besok = timezone.localtime() + dt.timedelta(days=1)
    response = _post(client, cast.bikor_a, reverse("pertemuan:laksanakan", args=[rapat.a_lewat.pk]),
                     {"waktu_pelaksanaan": besok.strftime("%Y-%m-%dT%H:%M"), "notulen": "Catatan panjang.",
                      "versi": _versi(rapat.a_lewat)})
    assert response.status_code == 400
    content = response.content.decode()
    assert "Pertemuan yang terlaksana tidak boleh bertanggal di masa depan." in content
    assert "Catatan panjang." in content
    assert _snapshot() == before


def test_membatalkan_pertemuan_yang_direncanakan(client, cast, rapat):
    response = _post(client, cast.bikor_a, reverse("pertemuan:batal", args=[rapat.a_lewat.pk]), {"alasan": ""})
    assert response.status_code == 400
    assert "Tuliskan alasan pembatalan." in response.content.decode()
    response = _post(client, cast.bikor_a, reverse("pertemuan:batal", args=[rapat.a_lewat.pk]),
                     {"alasan": "Bertepatan dengan imunisasi massal."})
    assert response.status_code == 302
    rapat.a_lewat.refresh_from_db()
    assert rapat.a_lewat.status == StatusPertemuan.BATAL
    content = client.get(reverse("pertemuan:detail", args=[rapat.a_lewat.pk])).content.decode()
    assert "Alasan pembatalan" in content and "Bertepatan dengan imunisasi massal." in content
    assert reverse("pertemuan:hadir_bidan", args=[rapat.a_lewat.pk, cast.profil_bidan_a.pk]) not in content


def test_pertemuan_terlaksana_tidak_dapat_dibatalkan(client, cast, rapat):
    before = _snapshot()
    response = _post(client, cast.bikor_a, reverse("pertemuan:batal", args=[rapat.a.pk]), {"alasan": "Salah catat"})
    assert response.status_code == 400
    assert "Hanya pertemuan yang masih direncanakan yang dapat dibatalkan." in response.content.decode()
    assert _snapshot() == before


# --- Delete --------------------------------------------------------------------------------------------------


def test_hapus_memperingatkan_bila_ada_tindak_lanjut_dan_meminta_konfirmasi(client, cast, rapat):
    TindakLanjutFactory.create_batch(2, pertemuan=rapat.a)
    TindakLanjutFactory(pertemuan=rapat.a, status=StatusTindakLanjut.SELESAI, tanggal_ditutup=timezone.localdate(),
                        catatan_penutupan="ok")
    url = reverse("pertemuan:hapus", args=[rapat.a.pk])
    content = _get(client, cast.bikor_a, url).content.decode()
    assert 'id="peringatan-tindak-lanjut"' in content
    assert "Pertemuan ini mempunyai 3 tindak lanjut (2 masih terbuka)." in content
    assert 'name="konfirmasi"' in content
    before = _snapshot()
    response = client.post(url, {})
    assert response.status_code == 400
    assert "Centang konfirmasi untuk menghapus pertemuan beserta tindak lanjutnya." in response.content.decode()
    assert _snapshot() == before

    pk = rapat.a.pk
    response = client.post(url, {"konfirmasi": "on"})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('pertemuan:list')}?puskesmas={cast.w.puskesmas_a.pk}"
    assert not Pertemuan.objects.filter(pk=pk).exists()
    assert not TindakLanjut.objects.filter(pertemuan_id=pk).exists()
    assert Pertemuan.history.get(id=pk, history_type="-").history_user == cast.bikor_a
    assert TindakLanjut.history.filter(pertemuan_id=pk, history_type="-").count() == 3


def test_hapus_tanpa_tindak_lanjut_tidak_perlu_centang(client, cast, rapat):
    url = reverse("pertemuan:hapus", args=[rapat.a_lewat.pk])
    content = _get(client, cast.bikor_a, url).content.decode()
    assert 'id="peringatan-tindak-lanjut"' not in content
    assert 'name="konfirmasi"' not in content
    assert client.post(url, {}).status_code == 302
    assert not Pertemuan.objects.filter(pk=rapat.a_lewat.pk).exists()


# --- Attendance ------------------------------------------------------------------------------------------------


def _hadir_url(p, jenis, orang):
    return reverse(f"pertemuan:hadir_{jenis}", args=[p.pk, orang.pk])


def test_centang_bidan_dengan_htmx_menukar_baris_dan_jumlah(client, cast, rapat):
    url = _hadir_url(rapat.a, "bidan", cast.profil_bidan_a2)
    response = _post(client, cast.bikor_a, url, {"hadir": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    content = response.content.decode()
    assert content.lstrip().startswith(f'<li class="list-group-item p-0 kehadiran-baris" id="hadir-bidan-'
                                       f'{cast.profil_bidan_a2.pk}">')
    assert 'aria-pressed="true"' in content and 'name="hadir" value="0"' in content
    assert 'id="jumlah-hadir" class="mb-2" hx-swap-oob="true"' in content
    assert "1 bidan" in content
    assert list(KehadiranBidan.objects.values_list("pertemuan", "bidan")) == [(rapat.a.pk, cast.profil_bidan_a2.pk)]
    assert KehadiranBidan.history.get().history_user == cast.bikor_a

    response = client.post(url, {"hadir": "0"}, HTTP_HX_REQUEST="true")
    assert 'aria-pressed="false"' in response.content.decode()
    assert "0 bidan" in response.content.decode()
    assert not KehadiranBidan.objects.exists()


def test_centang_dukun_tanpa_javascript_kembali_ke_halaman_pertemuan(client, cast, rapat, dukun_set):
    response = _post(client, cast.admin, _hadir_url(rapat.a, "dukun", dukun_set.a2), {"hadir": "1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("pertemuan:detail", args=[rapat.a.pk]) + f"#hadir-dukun-{dukun_set.a2.pk}"
    assert list(KehadiranDukun.objects.values_list("dukun", flat=True)) == [dukun_set.a2.pk]


def test_ketukan_ganda_tidak_membalik_status(client, cast, rapat, dukun_set):
    for _ in range(2):
        _post(client, cast.bikor_a, _hadir_url(rapat.a, "dukun", dukun_set.a1), {"hadir": "1"}, HTTP_HX_REQUEST="true")
    assert KehadiranDukun.objects.count() == 1


@pytest.mark.parametrize("jenis,attr", [
    ("bidan", "profil_bidan_b"), ("bidan", "profil_bidan_c"), ("dukun", "b1"), ("dukun", "c1"),
])
def test_centang_palsu_orang_puskesmas_lain_404_tanpa_menulis(client, cast, rapat, dukun_set, jenis, attr):
    orang = getattr(cast, attr) if jenis == "bidan" else getattr(dukun_set, attr)
    before = _snapshot()
    for htmx in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = _post(client, cast.admin, _hadir_url(rapat.a, jenis, orang), {"hadir": "1"}, **htmx)
        assert response.status_code == 404
    assert _snapshot() == before


def test_centang_orang_yang_tidak_ada_404(client, cast, rapat):
    response = _post(client, cast.bikor_a, reverse("pertemuan:hadir_bidan", args=[rapat.a.pk, 987654]), {"hadir": "1"})
    assert response.status_code == 404


@pytest.mark.parametrize("role", READ_ONLY + OUTSIDE_A)
def test_centang_oleh_peran_lain_ditolak_tanpa_menulis(client, cast, rapat, dukun_set, role):
    before = _snapshot()
    expected = 403 if role in READ_ONLY else 404
    for url in (_hadir_url(rapat.a, "bidan", cast.profil_bidan_a), _hadir_url(rapat.a, "dukun", dukun_set.a1)):
        assert _post(client, getattr(cast, role), url, {"hadir": "1"}, HTTP_HX_REQUEST="true").status_code == expected
    assert _snapshot() == before


def test_centang_lewat_get_tidak_diizinkan(client, cast, rapat):
    response = _get(client, cast.bikor_a, _hadir_url(rapat.a, "bidan", cast.profil_bidan_a), {"hadir": "1"})
    assert response.status_code == 405
    assert not KehadiranBidan.objects.exists()


@pytest.mark.parametrize("data", [{}, {"hadir": "ya"}])
def test_centang_tanpa_nilai_hadir_yang_sah_ditolak(client, cast, rapat, data):
    response = _post(client, cast.bikor_a, _hadir_url(rapat.a, "bidan", cast.profil_bidan_a), data,
                     HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "Permintaan tidak lengkap." in response.content.decode()
    assert not KehadiranBidan.objects.exists()


def test_bidan_nonaktif_tidak_dapat_dicentang(client, cast, rapat):
    nonaktif = BidanFactory(nama="Bidan Pensiun", fasilitas=cast.induk_a, aktif=False)
    response = _post(client, cast.bikor_a, _hadir_url(rapat.a, "bidan", nonaktif), {"hadir": "1"},
                     HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "Bidan ini tidak aktif lagi." in response.content.decode()
    assert 'aria-pressed="false"' in response.content.decode()
    response = client.post(_hadir_url(rapat.a, "bidan", nonaktif), {"hadir": "1"})
    assert response.status_code == 400
    assert "Bidan ini tidak aktif lagi." in response.content.decode()
    assert not KehadiranBidan.objects.exists()


def test_pertemuan_batal_tidak_menerima_kehadiran(client, cast, rapat):
    batal = PertemuanFactory(puskesmas=cast.w.puskesmas_a, status=StatusPertemuan.BATAL)
    response = _post(client, cast.bikor_a, _hadir_url(batal, "bidan", cast.profil_bidan_a), {"hadir": "1"},
                     HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "Pertemuan ini dibatalkan" in response.content.decode()
    assert not KehadiranBidan.objects.exists()


# --- Cross-sector attendees -------------------------------------------------------------------------------------


def test_menambah_peserta_lintas_sektor_dengan_htmx(client, cast, rapat):
    response = _post(client, cast.bikor_a, reverse("pertemuan:lintas_sektor_tambah", args=[rapat.a.pk]),
                     {"ls-kategori": "lurah", "ls-nama": "H. Ahmad Yani", "ls-jabatan": "Lurah Penyengat Rendah"},
                     HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    content = response.content.decode()
    assert content.startswith('<section id="lintas-sektor"')
    assert "H. Ahmad Yani" in content and "Lurah/Kepala Desa · Lurah Penyengat Rendah" in content
    assert 'id="id_ls-nama"' in content and 'value="H. Ahmad Yani"' not in content  # an empty form for the next
    assert "1 lintas sektor" in content and 'hx-swap-oob="true"' in content
    assert list(PesertaLintasSektor.objects.values_list("pertemuan", "kategori", "nama", "jabatan")) == [
        (rapat.a.pk, "lurah", "H. Ahmad Yani", "Lurah Penyengat Rendah")
    ]


def test_menambah_peserta_lintas_sektor_tanpa_javascript(client, cast, rapat):
    response = _post(client, cast.bikor_a, reverse("pertemuan:lintas_sektor_tambah", args=[rapat.a.pk]),
                     {"ls-kategori": "polsek", "ls-nama": "Bripka Andi"})
    assert response.status_code == 302
    assert response["Location"].endswith("#lintas-sektor")
    assert PesertaLintasSektor.objects.get().kategori == "polsek"


@pytest.mark.parametrize("htmx", [True, False])
def test_peserta_lintas_sektor_tanpa_nama_ditolak_dengan_pesan(client, cast, rapat, htmx):
    before = _snapshot()
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = _post(client, cast.bikor_a, reverse("pertemuan:lintas_sektor_tambah", args=[rapat.a.pk]),
                     {"ls-kategori": "camat", "ls-nama": "", "ls-jabatan": "Camat Telanaipura"}, **extra)
    assert response.status_code == 400
    content = response.content.decode()
    assert "Bidang ini tidak boleh kosong." in content
    assert "Periksa kembali isian yang ditandai. Peserta belum dicatat." in content
    assert 'value="Camat Telanaipura"' in content
    assert _snapshot() == before


def test_menghapus_peserta_lintas_sektor(client, cast, rapat):
    peserta = PesertaLintasSektorFactory(pertemuan=rapat.a, nama="Pak Camat")
    response = _post(client, cast.bikor_a, reverse("pertemuan:lintas_sektor_hapus", args=[rapat.a.pk, peserta.pk]),
                     HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Pak Camat" not in response.content.decode()
    assert "0 lintas sektor" in response.content.decode()
    assert not PesertaLintasSektor.objects.exists()
    assert PesertaLintasSektor.history.filter(id=peserta.pk, history_type="-").get().history_user == cast.bikor_a


def test_menghapus_peserta_pertemuan_lain_lewat_url_palsu_404(client, cast, rapat):
    peserta_b = PesertaLintasSektorFactory(pertemuan=rapat.b)
    before = _snapshot()
    # Her own meeting in the URL, a participant of Puskesmas B's meeting in the id.
    response = _post(client, cast.bikor_a, reverse("pertemuan:lintas_sektor_hapus", args=[rapat.a.pk, peserta_b.pk]))
    assert response.status_code == 404
    assert _snapshot() == before


@pytest.mark.parametrize("role", READ_ONLY + OUTSIDE_A)
def test_lintas_sektor_oleh_peran_lain_ditolak(client, cast, rapat, role):
    peserta = PesertaLintasSektorFactory(pertemuan=rapat.a)
    before = _snapshot()
    expected = 403 if role in READ_ONLY else 404
    client.force_login(getattr(cast, role))
    assert client.post(reverse("pertemuan:lintas_sektor_tambah", args=[rapat.a.pk]),
                       {"ls-kategori": "lurah", "ls-nama": "X"}).status_code == expected
    assert client.post(reverse("pertemuan:lintas_sektor_hapus", args=[rapat.a.pk, peserta.pk])).status_code == expected
    assert _snapshot() == before
