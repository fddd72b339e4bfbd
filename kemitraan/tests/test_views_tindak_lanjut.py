"""Follow-ups: added on the meeting page, closed with a note, listed per Puskesmas and per owner."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kemitraan.models import StatusPertemuan, StatusTindakLanjut, TindakLanjut
from kemitraan.services_pertemuan import tindak_lanjut_terlambat
from kemitraan.tests.factories import PertemuanFactory, TindakLanjutFactory
from puskesmas.tests.factories import BidanFactory

ROLES = ["admin", "dinkes_a", "dinkes_c", "kapus_a", "bikor_a", "bikor_b", "bidan_a", "bidan_b"]
READ_ONLY = ["dinkes_a", "kapus_a", "bidan_a"]
OUTSIDE_A = ["dinkes_c", "bikor_b", "bidan_b"]
INVALID_CHOICE = "Masukkan pilihan yang valid."
VISIBLE = {
    "admin": {"a", "b", "c"}, "dinkes_a": {"a", "b"}, "dinkes_c": {"c"}, "kapus_a": {"a"}, "bikor_a": {"a"},
    "bikor_b": {"b"}, "bidan_a": {"a"}, "bidan_b": {"b"},
}
WRITERS = {"admin", "bikor_a", "bikor_b"}


def _hari(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


@pytest.fixture
def rapat(cast):
    """A meeting of each Puskesmas, held 30 days ago."""
    w = cast.w
    return SimpleNamespace(a=PertemuanFactory(puskesmas=w.puskesmas_a), b=PertemuanFactory(puskesmas=w.puskesmas_b),
                           c=PertemuanFactory(puskesmas=w.puskesmas_c))


@pytest.fixture
def tl(rapat, cast):
    """Puskesmas A: open (Sri Mulyani), overdue (bikor), done, dropped; B: open (Ratna, overdue); C: open."""
    selesai = {"tanggal_ditutup": _hari(-1), "catatan_penutupan": "Beres."}
    return SimpleNamespace(
        a_buka=TindakLanjutFactory(pertemuan=rapat.a, uraian="A: kunjungi bumil risti",
                                   penanggung_jawab_bidan=cast.profil_bidan_a, penanggung_jawab_peran="",
                                   tenggat=_hari(7)),
        a_lewat=TindakLanjutFactory(pertemuan=rapat.a, uraian="A: usulkan insentif", tenggat=_hari(-2)),
        a_selesai=TindakLanjutFactory(pertemuan=rapat.a, uraian="A: cetak buku pedoman", tenggat=_hari(-10),
                                      status=StatusTindakLanjut.SELESAI, **selesai),
        a_batal=TindakLanjutFactory(pertemuan=rapat.a, uraian="A: sewa tenda", penanggung_jawab_peran="kapus",
                                    tenggat=_hari(3), status=StatusTindakLanjut.BATAL, **selesai),
        b_lewat=TindakLanjutFactory(pertemuan=rapat.b, uraian="B: data dukun", tenggat=_hari(-1),
                                    penanggung_jawab_bidan=cast.profil_bidan_b, penanggung_jawab_peran=""),
        c_buka=TindakLanjutFactory(pertemuan=rapat.c, uraian="C: lokakarya mini", tenggat=_hari(5)),
    )


def _snapshot():
    return (
        sorted(TindakLanjut.objects.values_list("pk", "pertemuan", "uraian", "penanggung_jawab_bidan",
                                                "penanggung_jawab_peran", "tenggat", "status", "tanggal_ditutup",
                                                "catatan_penutupan")),
        TindakLanjut.history.count(),
    )


def _uraian(response) -> list[str]:
    return [t.uraian for t in response.context["page_obj"]]


def _post(client, user, url, data=None):
    client.force_login(user)
    return client.post(url, data or {})


# --- Adding an action on the meeting page ---------------------------------------------------------------


def _data(cast, **overrides):
    data = {"tl-uraian": "Data dukun Teluk Kenali dilengkapi",
            "tl-penanggung_jawab": f"bidan:{cast.profil_bidan_a2.pk}", "tl-tenggat": _hari(14).isoformat()}
    data.update(overrides)
    return data


def test_bikor_menambah_tindak_lanjut_dengan_bidan_penanggung_jawab(client, cast, rapat):
    response = _post(client, cast.bikor_a, reverse("pertemuan:tindak_lanjut_tambah", args=[rapat.a.pk]), _data(cast))
    assert response.status_code == 302
    assert response["Location"] == reverse("pertemuan:detail", args=[rapat.a.pk]) + "#tindak-lanjut"
    t = TindakLanjut.objects.get()
    assert (t.pertemuan, t.uraian, t.penanggung_jawab_bidan, t.penanggung_jawab_peran, t.tenggat, t.status) == (
        rapat.a, "Data dukun Teluk Kenali dilengkapi", cast.profil_bidan_a2, "", _hari(14), StatusTindakLanjut.TERBUKA
    )
    assert t.history.get().history_user == cast.bikor_a


def test_penanggung_jawab_boleh_berupa_peran(client, cast, rapat):
    _post(client, cast.admin, reverse("pertemuan:tindak_lanjut_tambah", args=[rapat.a.pk]),
          _data(cast, **{"tl-penanggung_jawab": "peran:kapus"}))
    t = TindakLanjut.objects.get()
    assert (t.penanggung_jawab_bidan, t.penanggung_jawab_peran, t.penanggung_jawab) == (None, "kapus",
                                                                                         "Kepala Puskesmas")


def test_pilihan_penanggung_jawab_hanya_bidan_aktif_puskesmas_penyelenggara_dan_peran(client, cast, rapat):
    BidanFactory(nama="Bidan Pensiun", fasilitas=cast.induk_a, aktif=False)
    client.force_login(cast.bikor_a)
    form = client.get(reverse("pertemuan:detail", args=[rapat.a.pk])).context["tl_form"]
    choices = dict(form.fields["penanggung_jawab"].choices)
    assert [label for _v, label in choices["Bidan"]] == ["Fitri Handayani", "Sri Mulyani"]
    assert [label for _v, label in choices["Peran"]] == [
        "Bidan koordinator", "Kepala Puskesmas", "Semua bidan", "Mitra lintas sektor"
    ]


def test_tenggat_sebelum_pertemuan_ditolak_dengan_pesan_dan_isian_tetap(client, cast, rapat):
    before = _snapshot()
    sebelum = (rapat.a.tanggal - dt.timedelta(days=1)).isoformat()
    response = _post(client, cast.bikor_a, reverse("pertemuan:tindak_lanjut_tambah", args=[rapat.a.pk]),
                     _data(cast, **{"tl-tenggat": sebelum}))
    assert response.status_code == 400
    content = response.content.decode()
    assert "Tenggat tidak boleh sebelum tanggal pertemuan." in content
    assert "Periksa kembali isian yang ditandai. Tindak lanjut belum disimpan." in content
    assert "Data dukun Teluk Kenali dilengkapi" in content
    assert _snapshot() == before


@pytest.mark.parametrize("overrides,message", [
    ({"tl-penanggung_jawab": ""}, "Pilih bidan atau peran yang bertanggung jawab."),
    ({"tl-uraian": "  "}, "Tuliskan keputusan atau tindakannya."),
    ({"tl-tenggat": ""}, "Bidang ini tidak boleh kosong."),
    ({"tl-penanggung_jawab": "peran:camat"}, INVALID_CHOICE),
])
def test_isian_tindak_lanjut_salah_ditolak(client, cast, rapat, overrides, message):
    response = _post(client, cast.bikor_a, reverse("pertemuan:tindak_lanjut_tambah", args=[rapat.a.pk]),
                     _data(cast, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not TindakLanjut.objects.exists()


@pytest.mark.parametrize("pemilik", ["profil_bidan_b", "profil_bidan_c"])
def test_penanggung_jawab_palsu_dari_puskesmas_lain_ditolak(client, cast, rapat, pemilik):
    before = _snapshot()
    response = _post(client, cast.bikor_a, reverse("pertemuan:tindak_lanjut_tambah", args=[rapat.a.pk]),
                     _data(cast, **{"tl-penanggung_jawab": f"bidan:{getattr(cast, pemilik).pk}"}))
    assert response.status_code == 400
    assert INVALID_CHOICE in response.content.decode()
    assert _snapshot() == before


@pytest.mark.parametrize("role", READ_ONLY + OUTSIDE_A)
def test_tambah_tindak_lanjut_oleh_peran_lain_ditolak(client, cast, rapat, role):
    before = _snapshot()
    response = _post(client, getattr(cast, role), reverse("pertemuan:tindak_lanjut_tambah", args=[rapat.a.pk]),
                     _data(cast))
    assert response.status_code == (403 if role in READ_ONLY else 404)
    assert _snapshot() == before


def test_pertemuan_batal_tidak_menerima_tindak_lanjut(client, cast):
    batal = PertemuanFactory(puskesmas=cast.w.puskesmas_a, status=StatusPertemuan.BATAL)
    client.force_login(cast.bikor_a)
    assert client.get(reverse("pertemuan:detail", args=[batal.pk])).context["tl_form"] is None
    response = client.post(reverse("pertemuan:tindak_lanjut_tambah", args=[batal.pk]), _data(cast))
    assert response.status_code == 400
    assert "Pertemuan ini dibatalkan" in response.content.decode()
    assert not TindakLanjut.objects.exists()


# --- Closing an action ------------------------------------------------------------------------------------


def _tutup(status="selesai", catatan="Sudah dikunjungi.", tanggal=None, **extra):
    return {"status": status, "catatan_penutupan": catatan,
            "tanggal_ditutup": (tanggal or timezone.localdate()).isoformat(), **extra}


def test_bikor_menutup_tindak_lanjut_dengan_catatan(client, cast, tl):
    url = reverse("pertemuan:tindak_lanjut_tutup", args=[tl.a_buka.pk])
    client.force_login(cast.bikor_a)
    response = client.get(url)
    assert response.status_code == 200
    assert f'value="{timezone.localdate().isoformat()}"' in response.content.decode()  # today offered
    response = client.post(url, _tutup())
    assert response.status_code == 302
    assert response["Location"] == reverse("pertemuan:detail", args=[tl.a_buka.pertemuan_id]) + "#tindak-lanjut"
    tl.a_buka.refresh_from_db()
    assert (tl.a_buka.status, tl.a_buka.catatan_penutupan, tl.a_buka.tanggal_ditutup) == (
        StatusTindakLanjut.SELESAI, "Sudah dikunjungi.", timezone.localdate()
    )
    assert tl.a_buka.history.first().history_user == cast.bikor_a


@pytest.mark.parametrize("status", ["selesai", "batal"])
def test_menutup_tanpa_catatan_ditolak_dengan_pesan(client, cast, tl, status):
    before = _snapshot()
    response = _post(client, cast.bikor_a, reverse("pertemuan:tindak_lanjut_tutup", args=[tl.a_buka.pk]),
                     _tutup(status=status, catatan=""))
    assert response.status_code == 400
    assert "Tuliskan catatan penutupan." in response.content.decode()
    assert _snapshot() == before


@pytest.mark.parametrize("data,message", [
    (_tutup(status=""), "Pilih selesai atau batal."),
    (_tutup(status="terbuka"), INVALID_CHOICE),
    ({**_tutup(), "tanggal_ditutup": ""}, "Isi tanggal penutupan."),
])
def test_isian_penutupan_salah_ditolak(client, cast, tl, data, message):
    before = _snapshot()
    response = _post(client, cast.bikor_a, reverse("pertemuan:tindak_lanjut_tutup", args=[tl.a_buka.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _snapshot() == before


def test_tanggal_penutupan_di_masa_depan_ditolak(client, cast, tl):
    before = _snapshot()
    response = _post(client, cast.bikor_a, reverse("pertemuan:tindak_lanjut_tutup", args=[tl.a_buka.pk]),
                     _tutup(tanggal=_hari(1)))
    assert response.status_code == 400
    assert "Tanggal penutupan tidak boleh di masa depan." in response.content.decode()
    assert _snapshot() == before


def test_tindak_lanjut_yang_sudah_ditutup_tidak_dibuka_atau_ditutup_lagi(client, cast, tl):
    url = reverse("pertemuan:tindak_lanjut_tutup", args=[tl.a_selesai.pk])
    client.force_login(cast.bikor_a)
    content = client.get(url).content.decode()
    assert "Tindak lanjut ini sudah ditutup (Selesai" in content
    assert 'name="catatan_penutupan"' not in content
    before = _snapshot()
    response = client.post(url, _tutup(status="batal", catatan="Ubah"))
    assert response.status_code == 400
    assert "Tindak lanjut ini sudah ditutup." in response.content.decode()
    assert _snapshot() == before


def test_setelah_menutup_kembali_ke_daftar_asal_tetapi_tidak_ke_situs_lain(client, cast, tl):
    asal = reverse("pertemuan:tindak_lanjut_list") + "?terlambat=true"
    response = _post(client, cast.bikor_a, reverse("pertemuan:tindak_lanjut_tutup", args=[tl.a_lewat.pk]),
                     _tutup(next=asal))
    assert response["Location"] == asal
    response = client.post(reverse("pertemuan:tindak_lanjut_tutup", args=[tl.a_buka.pk]),
                           _tutup(next="https://contoh-jahat.example/"))
    assert response["Location"] == reverse("pertemuan:detail", args=[tl.a_buka.pertemuan_id]) + "#tindak-lanjut"
    tl_lain = TindakLanjutFactory(pertemuan=tl.a_buka.pertemuan)
    response = client.post(reverse("pertemuan:tindak_lanjut_tutup", args=[tl_lain.pk]),
                           _tutup(next="//contoh-jahat.example/"))
    assert response["Location"] == reverse("pertemuan:detail", args=[tl_lain.pertemuan_id]) + "#tindak-lanjut"


@pytest.mark.parametrize("role", READ_ONLY + OUTSIDE_A)
def test_menutup_oleh_peran_lain_ditolak_tanpa_menulis(client, cast, tl, role):
    before = _snapshot()
    client.force_login(getattr(cast, role))
    url = reverse("pertemuan:tindak_lanjut_tutup", args=[tl.a_buka.pk])
    expected = 403 if role in READ_ONLY else 404
    assert client.get(url).status_code == expected
    assert client.post(url, _tutup()).status_code == expected
    assert _snapshot() == before


# --- The list per Puskesmas ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_daftar_tindak_lanjut_hanya_dalam_cakupan_dan_terbuka_secara_bawaan(client, cast, tl, role):
    client.force_login(getattr(cast, role))
    response = client.get(reverse("pertemuan:tindak_lanjut_list"))
    assert response.status_code == 200
    terbuka = {"a": {"A: kunjungi bumil risti", "A: usulkan insentif"}, "b": {"B: data dukun"},
               "c": {"C: lokakarya mini"}}
    assert set(_uraian(response)) == set().union(*(terbuka[k] for k in VISIBLE[role]))
    content = response.content.decode()
    for key in {"a", "b", "c"} - VISIBLE[role]:
        for uraian in terbuka[key]:
            assert uraian not in content


def test_daftar_diurutkan_menurut_tenggat_dengan_tanda_terlambat(client, cast, tl):
    client.force_login(cast.bikor_a)
    response = client.get(reverse("pertemuan:tindak_lanjut_list"))
    assert _uraian(response) == ["A: usulkan insentif", "A: kunjungi bumil risti"]
    assert response.context["ringkasan"] == {"terbuka": 2, "terlambat": 1, "selesai": 1, "batal": 1}
    content = response.content.decode()
    assert content.count('class="badge text-bg-danger tl-terlambat"') == 1


@pytest.mark.parametrize("query,expected", [
    ({"status": ""}, ["A: cetak buku pedoman", "A: usulkan insentif", "A: sewa tenda", "A: kunjungi bumil risti"]),
    ({"status": "selesai"}, ["A: cetak buku pedoman"]),
    ({"status": "batal"}, ["A: sewa tenda"]),
    ({"terlambat": "true"}, ["A: usulkan insentif"]),
    ({"terlambat": "false"}, ["A: kunjungi bumil risti"]),
    ({"status": "", "terlambat": "false"}, ["A: cetak buku pedoman", "A: sewa tenda", "A: kunjungi bumil risti"]),
    ({"penanggung_jawab": "peran:bikor"}, ["A: usulkan insentif"]),
    ({"penanggung_jawab": "peran:kapus", "status": ""}, ["A: sewa tenda"]),
    ({"penanggung_jawab": "bidan:{bidan_a}"}, ["A: kunjungi bumil risti"]),
])
def test_saring_status_terlambat_dan_penanggung_jawab(client, cast, tl, query, expected):
    query = {k: v.replace("{bidan_a}", str(cast.profil_bidan_a.pk)) for k, v in query.items()}
    client.force_login(cast.bikor_a)
    assert _uraian(client.get(reverse("pertemuan:tindak_lanjut_list"), query)) == expected


def test_pilihan_penanggung_jawab_hanya_pemilik_tindak_lanjut_yang_terlihat(client, cast, tl):
    client.force_login(cast.bikor_a)
    form = client.get(reverse("pertemuan:tindak_lanjut_list")).context["filter"].form
    choices = dict(form.fields["penanggung_jawab"].choices)
    assert [label for _v, label in choices["Bidan"]] == ["Sri Mulyani"]  # not Ratna Juwita of Puskesmas B


def test_saring_puskesmas_oleh_admin(client, cast, tl):
    client.force_login(cast.admin)
    response = client.get(reverse("pertemuan:tindak_lanjut_list"), {"puskesmas": cast.w.puskesmas_b.pk})
    assert _uraian(response) == ["B: data dukun"]
    assert response.context["ringkasan"] == {"terbuka": 1, "terlambat": 1, "selesai": 0, "batal": 0}


def test_saring_puskesmas_di_luar_cakupan_tidak_membuka_datanya(client, cast, tl):
    client.force_login(cast.bikor_a)
    response = client.get(reverse("pertemuan:tindak_lanjut_list"), {"puskesmas": cast.w.puskesmas_b.pk})
    assert "B: data dukun" not in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_tombol_tutup_hanya_untuk_penulis(client, cast, tl, role):
    client.force_login(getattr(cast, role))
    content = client.get(reverse("pertemuan:tindak_lanjut_list")).content.decode()
    terlihat = {"a": tl.a_buka, "b": tl.b_lewat, "c": tl.c_buka}
    for key in VISIBLE[role]:
        url = reverse("pertemuan:tindak_lanjut_tutup", args=[terlihat[key].pk])
        assert (url in content) is (role in WRITERS), key


def _banyak(rapat, cast, n):
    for i in range(n):
        TindakLanjutFactory(pertemuan=rapat.a, tenggat=_hari(i % 7 - 3), penanggung_jawab_peran="bikor")
        TindakLanjutFactory(pertemuan=rapat.a, tenggat=_hari(i % 5), penanggung_jawab_bidan=cast.profil_bidan_a,
                            penanggung_jawab_peran="")


@pytest.mark.parametrize("user,url", [
    ("bikor_a", "pertemuan:tindak_lanjut_list"),
    ("dinkes_a", "pertemuan:tindak_lanjut_list"),
    ("bikor_a", "pertemuan:tindak_lanjut_saya"),
    ("bidan_a", "pertemuan:tindak_lanjut_saya"),
])
def test_jumlah_query_daftar_tindak_lanjut_tidak_bertambah(client, cast, rapat, django_assert_num_queries, user, url):
    _banyak(rapat, cast, 5)
    client.force_login(getattr(cast, user))
    alamat = reverse(url) + "?terlambat=&status=terbuka"
    client.get(alamat)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(alamat)
    assert len(response.context["page_obj"]) in (5, 10)
    sedikit = len(ctx.captured_queries)
    _banyak(rapat, cast, 100)
    with django_assert_num_queries(sedikit):
        response = client.get(alamat)
    assert len(response.context["page_obj"]) == 25
    assert response.context["page_obj"].paginator.count in (105, 210)


# --- "Tindak lanjut saya" -------------------------------------------------------------------------------------


def test_tindak_lanjut_saya_bidan_hanya_miliknya(client, cast, tl, rapat):
    TindakLanjutFactory(pertemuan=rapat.a, uraian="A: milik Fitri", penanggung_jawab_bidan=cast.profil_bidan_a2,
                        penanggung_jawab_peran="")
    TindakLanjutFactory(pertemuan=rapat.a, uraian="A: semua bidan", penanggung_jawab_peran="semua_bidan")
    client.force_login(cast.bidan_a)
    response = client.get(reverse("pertemuan:tindak_lanjut_saya"))
    assert _uraian(response) == ["A: kunjungi bumil risti"]
    assert "Tindak lanjut dengan Anda sebagai penanggung jawab." in response.content.decode()
    assert "penanggung_jawab" not in response.context["filter"].form.fields
    # She reads them; she does not close them.
    assert reverse("pertemuan:tindak_lanjut_tutup", args=[tl.a_buka.pk]) not in response.content.decode()
    client.force_login(cast.bidan_b)
    assert _uraian(client.get(reverse("pertemuan:tindak_lanjut_saya"))) == ["B: data dukun"]


@pytest.mark.parametrize("role,expected", [
    ("bikor_a", ["A: usulkan insentif"]),
    ("kapus_a", []),
    ("bikor_b", []),
])
def test_tindak_lanjut_saya_bikor_dan_kapus_menurut_perannya(client, cast, tl, role, expected):
    client.force_login(getattr(cast, role))
    assert _uraian(client.get(reverse("pertemuan:tindak_lanjut_saya"))) == expected


def test_tindak_lanjut_saya_kapus_termasuk_yang_ditutup_bila_diminta(client, cast, tl):
    client.force_login(cast.kapus_a)
    assert _uraian(client.get(reverse("pertemuan:tindak_lanjut_saya"), {"status": ""})) == ["A: sewa tenda"]


@pytest.mark.parametrize("role", ["admin", "dinkes_a"])
def test_tindak_lanjut_saya_untuk_admin_dan_dinkes_kosong_dengan_penjelasan(client, cast, tl, role):
    client.force_login(getattr(cast, role))
    response = client.get(reverse("pertemuan:tindak_lanjut_saya"))
    assert _uraian(response) == []
    assert "Halaman ini untuk bidan, bidan koordinator dan Kepala Puskesmas." in response.content.decode()


def test_daftar_tindak_lanjut_meminta_login(client):
    for name in ("pertemuan:tindak_lanjut_list", "pertemuan:tindak_lanjut_saya"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith("/masuk/")


# --- The summary for the Puskesmas page -------------------------------------------------------------------


def test_ringkasan_untuk_halaman_puskesmas_menghitung_yang_terlambat_dan_menautkannya(client, cast, tl, rapat):
    TindakLanjutFactory(pertemuan=rapat.a, uraian="A: lewat kedua", tenggat=_hari(-5))
    a = cast.w.puskesmas_a
    html = render_to_string("kemitraan/partials/tindak_lanjut_ringkas.html",
                            {"puskesmas": a, "tindak_lanjut_terlambat": tindak_lanjut_terlambat(a)})
    tautan = f"{reverse('pertemuan:tindak_lanjut_list')}?puskesmas={a.pk}&amp;terlambat=true"
    assert f'href="{tautan}">2 tindak lanjut terlambat</a>' in html
    client.force_login(cast.kapus_a)
    response = client.get(tautan.replace("&amp;", "&"))
    assert _uraian(response) == ["A: lewat kedua", "A: usulkan insentif"]

    c = cast.w.puskesmas_c
    html = render_to_string("kemitraan/partials/tindak_lanjut_ringkas.html",
                            {"puskesmas": c, "tindak_lanjut_terlambat": tindak_lanjut_terlambat(c)})
    assert "Tidak ada tindak lanjut yang terlambat." in html
    assert "terlambat</a>" not in html
