"""Partnership pages for every role of the cast: list per kelurahan with coverage, detail, create, edit, end,
and the printable agreement (PDF)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from pypdf import PdfReader

from dukun.models import StatusDukun
from dukun.tests.factories import DukunFactory
from kemitraan.models import JenisPembagianJasa, Kemitraan, StatusKemitraan
from kemitraan.services_kemitraan import mitra_dukun
from kemitraan.tests.factories import KemitraanFactory, PenghargaanSanksiFactory
from puskesmas.tests.factories import BidanFactory

ROLES = ["admin", "dinkes_a", "dinkes_c", "kapus_a", "bikor_a", "bikor_b", "bidan_a", "bidan_b"]
WRITERS = ["admin", "bikor_a", "bikor_b"]
NOT_WRITERS = ["dinkes_a", "dinkes_c", "kapus_a", "bidan_a", "bidan_b"]
INVALID_CHOICE = "Masukkan pilihan yang valid. Pilihan tersebut bukan salah satu dari pilihan yang tersedia."
HARI_INI = timezone.localdate

# The `mitra` fixture: one active partnership per kelurahan a1, a2, b1, c1 (named after the dukun).
VISIBLE = {
    "admin": {"a1", "a2", "b1", "c1"},
    "dinkes_a": {"a1", "a2", "b1"},
    "dinkes_c": {"c1"},
    "kapus_a": {"a1", "a2"},
    "bikor_a": {"a1", "a2"},
    "bikor_b": {"b1"},
    "bidan_a": {"a1"},  # the partnerships of her kelurahan only
    "bidan_b": {"b1"},
}
WRITABLE = {"admin": {"a1", "a2", "b1", "c1"}, "bikor_a": {"a1", "a2"}, "bikor_b": {"b1"}}
DUKUN_NAMA = {"a1": "Siti Rohmah", "a2": "Halimah", "b1": "Asiah", "c1": "Maimunah"}


def _expected_status(role: str, attr: str) -> int:
    if attr not in VISIBLE[role]:
        return 404
    return 200 if attr in WRITABLE.get(role, set()) else 403


@pytest.fixture
def mitra(cast, dukun_set):
    tanda_tangan = HARI_INI() - dt.timedelta(days=100)
    return {
        "a1": KemitraanFactory(bidan=cast.profil_bidan_a, dukun=dukun_set.a1, saksi_lurah="Bapak Lurah Penyengat",
                               saksi_camat="Ibu Camat Telanaipura", saksi_kepala_puskesmas="dr. Kepala Aur Duri",
                               tanggal_tanda_tangan=tanda_tangan, tanggal_tinjau=tanda_tangan + dt.timedelta(days=365)),
        "a2": KemitraanFactory(bidan=cast.profil_bidan_a2, dukun=dukun_set.a2,
                               jenis_pembagian_jasa=JenisPembagianJasa.PERSEN, nilai_pembagian_jasa=10),
        "b1": KemitraanFactory(bidan=cast.profil_bidan_b, dukun=dukun_set.b1),
        "c1": KemitraanFactory(bidan=cast.profil_bidan_c, dukun=dukun_set.c1),
    }


def _snapshot():
    """Every partnership and the history table: what a refused request must leave untouched."""
    return (
        sorted(
            (k.pk, k.bidan_id, k.dukun_id, k.status, k.tanggal_mulai, k.tanggal_berakhir, k.alasan_berakhir,
             k.jenis_pembagian_jasa, k.nilai_pembagian_jasa, k.saksi_lurah, k.catatan)
            for k in Kemitraan.objects.all()
        ),
        Kemitraan.history.count(),
    )


def _new_data(cast, dukun, bidan=None, **overrides) -> dict:
    data = {
        "dukun": dukun.pk, "bidan": (bidan or cast.profil_bidan_a).pk,
        "tanggal_mulai": (HARI_INI() - dt.timedelta(days=3)).isoformat(),
        "dukun_mengantar_bumil": "on", "dukun_mendampingi_persalinan": "on", "dukun_tidak_menolong_sendiri": "on",
        "bidan_menolong_persalinan": "on", "dukun_merawat_nifas": "on", "bidan_berbagi_jasa": "on",
        "bidan_membina_dukun": "on", "jenis_pembagian_jasa": JenisPembagianJasa.NOMINAL,
        "nilai_pembagian_jasa": "50000", "saksi_lurah": "Lurah Baru", "saksi_camat": "",
        "saksi_kepala_puskesmas": "", "tanggal_tanda_tangan": "", "tanggal_tinjau": "", "catatan": "",
    }
    data.update(overrides)
    return data


def _edit_data(k: Kemitraan, **overrides) -> dict:
    data = {
        "tanggal_mulai": k.tanggal_mulai.isoformat(), "jenis_pembagian_jasa": k.jenis_pembagian_jasa,
        "nilai_pembagian_jasa": "" if k.nilai_pembagian_jasa is None else str(k.nilai_pembagian_jasa),
        "saksi_lurah": k.saksi_lurah, "saksi_camat": k.saksi_camat, "saksi_kepala_puskesmas": k.saksi_kepala_puskesmas,
        "tanggal_tanda_tangan": k.tanggal_tanda_tangan.isoformat() if k.tanggal_tanda_tangan else "",
        "tanggal_tinjau": k.tanggal_tinjau.isoformat() if k.tanggal_tinjau else "", "catatan": k.catatan,
    }
    for name in ("dukun_mengantar_bumil", "dukun_mendampingi_persalinan", "dukun_tidak_menolong_sendiri",
                 "bidan_menolong_persalinan", "dukun_merawat_nifas", "bidan_berbagi_jasa", "bidan_membina_dukun"):
        if getattr(k, name):
            data[name] = "on"
    data.update(overrides)
    return data


def _end_data(**overrides) -> dict:
    data = {"tanggal_berakhir": HARI_INI().isoformat(), "alasan_berakhir": "Dukun pindah ke luar wilayah."}
    data.update(overrides)
    return data


def _dukun_names(response) -> list[str]:
    return [k.dukun.nama for k in response.context["page_obj"]]


# --- List ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_list_shows_only_partnerships_in_scope(client, cast, mitra, role):
    client.force_login(getattr(cast, role))
    response = client.get(reverse("kemitraan:list"))
    assert response.status_code == 200
    assert set(_dukun_names(response)) == {DUKUN_NAMA[a] for a in VISIBLE[role]}
    content = response.content.decode()
    for attr in set(DUKUN_NAMA) - VISIBLE[role]:
        assert DUKUN_NAMA[attr] not in content


@pytest.mark.parametrize("role", ROLES)
def test_list_offers_create_only_to_bikor_and_admin(client, cast, role):
    client.force_login(getattr(cast, role))
    assert ("Tambah kemitraan" in client.get(reverse("kemitraan:list")).content.decode()) == (role in WRITERS)


def test_list_redirects_anonymous_to_login(client, mitra):
    response = client.get(reverse("kemitraan:list"))
    assert response.status_code == 302
    assert response["Location"].startswith("/masuk/")


def test_list_is_grouped_by_kelurahan_with_coverage_counted_in_the_database(client, cast, mitra, dukun_set):
    w = cast.w
    # Penyengat Rendah: Siti Rohmah (2 partners) and Juriah (none); Teluk Kenali: Halimah (1 partner),
    # Rukiah (moved, not counted).
    DukunFactory(nama="Juriah", kelurahan=w.a1)
    KemitraanFactory(bidan=cast.profil_bidan_a2, dukun=dukun_set.a1)
    DukunFactory(nama="Rukiah", kelurahan=w.a2, status=StatusDukun.PINDAH, status_sejak=HARI_INI())
    client.force_login(cast.bikor_a)
    response = client.get(reverse("kemitraan:list"))
    rows = {r.nama: (r.dukun_aktif, r.dukun_bermitra, r.kemitraan_aktif) for r in response.context["cakupan"]}
    assert rows == {"Penyengat Rendah": (2, 1, 2), "Teluk Kenali": (1, 1, 1)}
    assert response.context["total"]["persen"] == pytest.approx(200 / 3)
    content = response.content.decode()
    assert "50,0%" in content and "66,7%" in content  # the Indonesian decimal comma
    table = content[content.index('id="daftar-kemitraan"'):]
    assert table.count('class="kelurahan-header"') == 2
    assert table.index("Penyengat Rendah") < table.index("Siti Rohmah") < table.index("Teluk Kenali") \
        < table.index("Halimah")


def test_filter_by_kelurahan_narrows_the_list_and_the_coverage(client, cast, mitra):
    client.force_login(cast.bikor_a)
    response = client.get(reverse("kemitraan:list"), {"kelurahan": cast.w.a2.pk})
    assert _dukun_names(response) == ["Halimah"]
    assert [r.nama for r in response.context["cakupan"]] == ["Teluk Kenali"]


def test_filter_by_status_and_bidan(client, cast, mitra, dukun_set):
    ended = KemitraanFactory(bidan=cast.profil_bidan_a2, dukun=dukun_set.a1, status=StatusKemitraan.BERAKHIR,
                             tanggal_berakhir=HARI_INI(), alasan_berakhir="x")
    client.force_login(cast.bikor_a)
    response = client.get(reverse("kemitraan:list"), {"status": "berakhir"})
    assert [k.pk for k in response.context["page_obj"]] == [ended.pk]
    response = client.get(reverse("kemitraan:list"), {"bidan": cast.profil_bidan_a2.pk})
    assert {k.pk for k in response.context["page_obj"]} == {ended.pk, mitra["a2"].pk}
    response = client.get(reverse("kemitraan:list"), {"bidan": cast.profil_bidan_a2.pk, "status": "aktif"})
    assert [k.pk for k in response.context["page_obj"]] == [mitra["a2"].pk]


def test_filter_out_of_scope_never_shows_other_partnerships(client, cast, mitra):
    client.force_login(cast.bikor_a)
    for params in ({"kelurahan": cast.w.b1.pk}, {"bidan": cast.profil_bidan_b.pk},
                   {"puskesmas": cast.w.puskesmas_b.pk}):
        response = client.get(reverse("kemitraan:list"), params)
        assert response.status_code == 200
        assert "Asiah" not in _dukun_names(response)
        assert "Pakuan Baru" not in [r.nama for r in response.context["cakupan"]]


def test_filter_offers_only_choices_in_scope(client, cast, mitra):
    client.force_login(cast.bidan_a)
    form = client.get(reverse("kemitraan:list")).context["filter"].form
    assert [k.nama for k in form.fields["kelurahan"].queryset] == ["Penyengat Rendah"]
    assert "Ratna Juwita" not in {b.nama for b in form.fields["bidan"].queryset}


def test_list_paginates_and_keeps_filters_in_page_links(client, cast):
    for i in range(30):
        KemitraanFactory(bidan=cast.profil_bidan_a, dukun=DukunFactory(nama=f"Dukun {i:02d}", kelurahan=cast.w.a1))
    client.force_login(cast.bikor_a)
    response = client.get(reverse("kemitraan:list"), {"status": "aktif"})
    assert len(response.context["page_obj"]) == 25
    assert 'href="?status=aktif&page=2"' in response.content.decode()
    response = client.get(reverse("kemitraan:list"), {"status": "aktif", "page": 2})
    assert len(response.context["page_obj"]) == 5


def test_list_shows_the_number_of_written_warnings(client, cast, mitra):
    PenghargaanSanksiFactory.create_batch(3, kemitraan=mitra["a1"])
    client.force_login(cast.bikor_a)
    response = client.get(reverse("kemitraan:list"))
    by_dukun = {k.dukun.nama: k.jumlah_teguran for k in response.context["page_obj"]}
    assert by_dukun == {"Siti Rohmah": 3, "Halimah": 0}
    assert "3 teguran" in response.content.decode()


@pytest.mark.parametrize("query", ["", "?status=aktif", "?kelurahan={a1}&bidan={bidan}"])
def test_list_query_count_does_not_grow_with_number_of_partnerships(client, cast, django_assert_num_queries, query):
    w = cast.w
    url = reverse("kemitraan:list") + query.format(a1=w.a1.pk, bidan=cast.profil_bidan_a.pk)
    for _ in range(10):
        k = KemitraanFactory(bidan=cast.profil_bidan_a, dukun=DukunFactory(kelurahan=w.a1))
    PenghargaanSanksiFactory(kemitraan=k)
    client.force_login(cast.bikor_a)
    client.get(url)  # warm up
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert len(response.context["page_obj"]) == 10
    queries_for_10 = len(ctx.captured_queries)

    extra = [BidanFactory(fasilitas=cast.induk_a) for _ in range(3)]
    for i in range(190):
        dukun = DukunFactory(kelurahan=[w.a1, w.a2][i % 2])
        k = KemitraanFactory(bidan=[cast.profil_bidan_a, *extra][i % 4], dukun=dukun)
        if i % 7 == 0:
            PenghargaanSanksiFactory(kemitraan=k)
    with django_assert_num_queries(queries_for_10):
        response = client.get(url)
    assert len(response.context["page_obj"]) == 25


# --- Detail --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_detail_is_shown_in_scope_and_404_outside(client, cast, mitra, role):
    client.force_login(getattr(cast, role))
    for attr, k in mitra.items():
        response = client.get(reverse("kemitraan:detail", args=[k.pk]))
        if attr in VISIBLE[role]:
            assert response.status_code == 200, attr
            assert DUKUN_NAMA[attr] in response.content.decode()
        else:
            assert response.status_code == 404, attr
            assert DUKUN_NAMA[attr] not in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_detail_offers_edit_and_end_only_where_role_may_write(client, cast, mitra, role):
    client.force_login(getattr(cast, role))
    k = mitra["a1"] if "a1" in VISIBLE[role] else mitra[next(iter(VISIBLE[role]))]
    content = client.get(reverse("kemitraan:detail", args=[k.pk])).content.decode()
    may = role in WRITERS
    assert (reverse("kemitraan:update", args=[k.pk]) in content) == may
    assert (reverse("kemitraan:akhiri", args=[k.pk]) in content) == may
    assert reverse("kemitraan:pdf", args=[k.pk]) in content


def test_detail_shows_the_terms_of_the_agreement(client, cast, mitra):
    k = mitra["a1"]
    k.dukun_merawat_nifas = False
    k.save()
    client.force_login(cast.bikor_a)
    response = client.get(reverse("kemitraan:detail", args=[k.pk]))
    content = response.content.decode()
    assert response.context["pembagian_jasa"] == "Rp 50.000 per persalinan"
    assert "Rp 50.000 per persalinan" in content
    for text in ("Bapak Lurah Penyengat", "Ibu Camat Telanaipura", "dr. Kepala Aur Duri", "Masa kehamilan",
                 "Persalinan", "Masa nifas", "Dukun mencari ibu hamil dan mengantarnya ke bidan",
                 date_format(k.tanggal_tanda_tangan, "j F Y"), "Riwayat perubahan", "Puskesmas Aur Duri"):
        assert text in content, text
    nifas = [b for t in response.context["peran"] if t["tahap"] == "Masa nifas" for b in t["butir"]]
    assert {b["label"]: b["disepakati"] for b in nifas}["dukun merawat ibu nifas dan bayi"] is False
    response = client.get(reverse("kemitraan:detail", args=[mitra["a2"].pk]))
    assert "10% dari jasa persalinan" in response.content.decode()


def test_detail_shows_rewards_and_sanctions_of_the_partnership(client, cast, mitra):
    PenghargaanSanksiFactory(kemitraan=mitra["a1"], bentuk="Teguran lisan dicatat")
    PenghargaanSanksiFactory(kemitraan=mitra["a2"], bentuk="Teguran untuk Halimah")
    client.force_login(cast.bikor_a)
    content = client.get(reverse("kemitraan:detail", args=[mitra["a1"].pk])).content.decode()
    assert "Teguran lisan dicatat" in content
    assert "Teguran untuk Halimah" not in content


@pytest.mark.parametrize(("teguran", "notice"), [(2, False), (3, True), (4, True)])
def test_third_written_warning_shows_the_district_rule_without_ending_it(client, cast, mitra, teguran, notice):
    PenghargaanSanksiFactory.create_batch(teguran, kemitraan=mitra["a1"])
    PenghargaanSanksiFactory(kemitraan=mitra["a1"], jenis="penghargaan")  # a reward is not a warning
    client.force_login(cast.bikor_a)
    content = client.get(reverse("kemitraan:detail", args=[mitra["a1"].pk])).content.decode()
    assert ('id="peringatan-teguran"' in content) == notice
    if notice:
        assert f"sudah menerima {teguran} teguran tertulis" in content
        assert "mengakhiri kemitraan setelah 3 kali teguran tertulis" in content
    mitra["a1"].refresh_from_db()
    assert mitra["a1"].status == StatusKemitraan.AKTIF


def test_warning_notice_is_gone_once_the_partnership_ended(client, cast, mitra):
    PenghargaanSanksiFactory.create_batch(3, kemitraan=mitra["a1"])
    client.force_login(cast.bikor_a)
    client.post(reverse("kemitraan:akhiri", args=[mitra["a1"].pk]), _end_data())
    content = client.get(reverse("kemitraan:detail", args=[mitra["a1"].pk])).content.decode()
    assert 'id="peringatan-teguran"' not in content
    assert "Dukun pindah ke luar wilayah." in content


def test_guessing_a_nonexistent_id_gets_404(client, cast, mitra):
    client.force_login(cast.admin)
    for name in ("detail", "update", "akhiri", "pdf"):
        assert client.get(reverse(f"kemitraan:{name}", args=[987654])).status_code == 404


# --- Create --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_create_answer_per_role_and_nothing_written_when_refused(client, cast, dukun_set, role):
    client.force_login(getattr(cast, role))
    before = _snapshot()
    assert client.get(reverse("kemitraan:create")).status_code == (200 if role in WRITERS else 403)
    if role not in WRITERS:
        response = client.post(reverse("kemitraan:create"), _new_data(cast, dukun_set.a1))
        assert response.status_code == 403
        assert _snapshot() == before


def test_create_redirects_anonymous_to_login_and_writes_nothing(client, cast, dukun_set):
    response = client.post(reverse("kemitraan:create"), _new_data(cast, dukun_set.a1))
    assert response.status_code == 302
    assert not Kemitraan.objects.exists()


def test_bikor_creates_a_partnership_of_her_puskesmas(client, cast, dukun_set):
    client.force_login(cast.bikor_a)
    response = client.post(reverse("kemitraan:create"), _new_data(cast, dukun_set.a2, cast.profil_bidan_a))
    k = Kemitraan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("kemitraan:detail", args=[k.pk])
    assert (k.bidan, k.dukun, k.kelurahan, k.puskesmas, k.status, k.saksi_lurah) == (
        cast.profil_bidan_a, dukun_set.a2, cast.w.a2, cast.w.puskesmas_a, StatusKemitraan.AKTIF, "Lurah Baru"
    )
    assert [h.history_user for h in k.history.all()] == [cast.bikor_a]
    assert "Kemitraan Sri Mulyani dan Halimah dicatat." in client.get(response["Location"]).content.decode()


def test_create_form_offers_only_active_dukun_and_bidan_of_her_puskesmas(client, cast, dukun_set):
    DukunFactory(nama="Saodah", kelurahan=cast.w.a1, status=StatusDukun.MENINGGAL, status_sejak=HARI_INI())
    BidanFactory(nama="Bidan Nonaktif", fasilitas=cast.induk_a, aktif=False)
    client.force_login(cast.bikor_a)
    form = client.get(reverse("kemitraan:create")).context["form"]
    assert {d.nama for d in form.fields["dukun"].queryset} == {"Siti Rohmah", "Halimah"}
    assert {b.nama for b in form.fields["bidan"].queryset} == {"Sri Mulyani", "Fitri Handayani"}


@pytest.mark.parametrize("forged", [("dukun",), ("bidan",), ("dukun", "bidan")])
def test_forged_create_with_party_out_of_scope_is_rejected(client, cast, dukun_set, forged):
    """Puskesmas B's own pair, posted by the bikor of A, is refused like a mixed one."""
    data = _new_data(cast, dukun_set.a1)
    for name in forged:
        data[name] = dukun_set.b1.pk if name == "dukun" else cast.profil_bidan_b.pk
    client.force_login(cast.bikor_a)
    before = _snapshot()
    response = client.post(reverse("kemitraan:create"), data)
    assert response.status_code == 400
    for name in forged:
        assert response.context["form"].errors[name] == [INVALID_CHOICE]
    assert _snapshot() == before


def test_admin_cannot_pair_a_dukun_with_a_bidan_of_another_puskesmas(client, cast, dukun_set):
    client.force_login(cast.admin)
    before = _snapshot()
    response = client.post(reverse("kemitraan:create"), _new_data(cast, dukun_set.a1, cast.profil_bidan_b))
    assert response.status_code == 400
    assert "Bidan dan dukun harus berada di Puskesmas yang sama." in response.content.decode()
    assert _snapshot() == before


def test_second_active_agreement_for_a_pair_is_refused_in_the_form(client, cast, mitra, dukun_set):
    client.force_login(cast.bikor_a)
    before = _snapshot()
    response = client.post(reverse("kemitraan:create"), _new_data(cast, dukun_set.a1, cast.profil_bidan_a))
    assert response.status_code == 400
    assert response.context["form"].errors["dukun"] == [
        "Bidan dan dukun ini sudah mempunyai kesepakatan yang aktif."
    ]
    assert _snapshot() == before
    # The same dukun with another bidan is fine.
    response = client.post(reverse("kemitraan:create"), _new_data(cast, dukun_set.a1, cast.profil_bidan_a2))
    assert response.status_code == 302
    assert Kemitraan.objects.aktif().filter(dukun=dukun_set.a1).count() == 2


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"tanggal_mulai": ""}, "tanggal_mulai", "Bidang ini tidak boleh kosong."),
    ({"tanggal_mulai": "2999-01-01"}, "tanggal_mulai", "Tanggal mulai tidak boleh di masa depan."),
    ({"jenis_pembagian_jasa": "persen", "nilai_pembagian_jasa": "120"}, "nilai_pembagian_jasa",
     "Persentase paling besar 100."),
    ({"nilai_pembagian_jasa": ""}, "nilai_pembagian_jasa", "Isi nilai pembagian jasa."),
    ({"nilai_pembagian_jasa": "-5"}, "nilai_pembagian_jasa", "Pastikan nilai ini lebih besar dari atau sama dengan 0."),
])
def test_invalid_create_is_refused_with_indonesian_message(client, cast, dukun_set, overrides, field, message):
    client.force_login(cast.bikor_a)
    response = client.post(reverse("kemitraan:create"), _new_data(cast, dukun_set.a1, **overrides))
    assert response.status_code == 400
    assert message in response.context["form"].errors[field]
    assert "Data belum disimpan." in response.content.decode()
    assert not Kemitraan.objects.exists()


# --- Edit and end --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["update", "akhiri"])
def test_edit_and_end_answer_per_role_and_refused_posts_write_nothing(client, cast, mitra, role, name):
    client.force_login(getattr(cast, role))
    for attr, k in mitra.items():
        expected = _expected_status(role, attr)
        url = reverse(f"kemitraan:{name}", args=[k.pk])
        assert client.get(url).status_code == expected, (attr, "GET")
        if expected != 200:
            before = _snapshot()
            data = _edit_data(k, catatan="Diubah") if name == "update" else _end_data()
            assert client.post(url, data).status_code == expected, (attr, "POST")
            assert _snapshot() == before


def test_bikor_edits_the_terms_and_the_history_shows_it(client, cast, mitra):
    k = mitra["a1"]
    client.force_login(cast.bikor_a)
    response = client.post(reverse("kemitraan:update", args=[k.pk]), _edit_data(
        k, jenis_pembagian_jasa="persen", nilai_pembagian_jasa="15", saksi_camat="Camat Baru",
    ))
    assert response.status_code == 302
    k.refresh_from_db()
    assert (k.jenis_pembagian_jasa, k.nilai_pembagian_jasa, k.saksi_camat) == ("persen", Decimal("15"), "Camat Baru")
    content = client.get(reverse("kemitraan:detail", args=[k.pk])).content.decode()
    assert "15% dari jasa persalinan" in content
    riwayat = content[content.index('id="riwayat"'):]
    assert "Camat Baru" in riwayat and "bikor_a" in riwayat and "Diubah" in riwayat  # what changed and who


def test_edit_cannot_swap_the_parties_even_with_a_forged_post(client, cast, mitra, dukun_set):
    k = mitra["a1"]
    client.force_login(cast.bikor_a)
    response = client.post(reverse("kemitraan:update", args=[k.pk]),
                           _edit_data(k, dukun=dukun_set.a2.pk, bidan=cast.profil_bidan_a2.pk))
    assert response.status_code == 302
    k.refresh_from_db()
    assert (k.dukun, k.bidan) == (dukun_set.a1, cast.profil_bidan_a)


def test_invalid_edit_is_refused_and_nothing_saved(client, cast, mitra):
    client.force_login(cast.bikor_a)
    before = _snapshot()
    response = client.post(reverse("kemitraan:update", args=[mitra["a1"].pk]),
                           _edit_data(mitra["a1"], tanggal_tinjau="2000-01-01", catatan="Diubah"))
    assert response.status_code == 400
    assert "Tanggal peninjauan tidak boleh sebelum penandatanganan." in response.content.decode()
    assert _snapshot() == before


def test_bikor_ends_a_partnership_with_date_and_reason(client, cast, mitra):
    k = mitra["a1"]
    client.force_login(cast.bikor_a)
    response = client.post(reverse("kemitraan:akhiri", args=[k.pk]), _end_data())
    assert response.status_code == 302
    k.refresh_from_db()
    assert (k.status, k.tanggal_berakhir, k.alasan_berakhir) == (
        StatusKemitraan.BERAKHIR, HARI_INI(), "Dukun pindah ke luar wilayah."
    )
    content = client.get(reverse("kemitraan:detail", args=[k.pk])).content.decode()
    assert reverse("kemitraan:akhiri", args=[k.pk]) not in content


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"alasan_berakhir": ""}, "alasan_berakhir", "Tuliskan alasan berakhirnya kemitraan."),
    ({"tanggal_berakhir": ""}, "tanggal_berakhir", "Isi tanggal berakhirnya kemitraan."),
    ({"tanggal_berakhir": "2999-01-01"}, "tanggal_berakhir", "Tanggal berakhir tidak boleh di masa depan."),
    ({"tanggal_berakhir": "2000-01-01"}, "tanggal_berakhir", "Tanggal berakhir tidak boleh sebelum tanggal mulai."),
])
def test_ending_without_valid_date_or_reason_is_refused(client, cast, mitra, overrides, field, message):
    client.force_login(cast.bikor_a)
    before = _snapshot()
    response = client.post(reverse("kemitraan:akhiri", args=[mitra["a1"].pk]), _end_data(**overrides))
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert _snapshot() == before


def test_ending_an_ended_partnership_changes_nothing(client, cast, mitra):
    client.force_login(cast.bikor_a)
    url = reverse("kemitraan:akhiri", args=[mitra["a1"].pk])
    client.post(url, _end_data(alasan_berakhir="Pertama"))
    before = _snapshot()
    response = client.post(url, _end_data(alasan_berakhir="Kedua"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("kemitraan:detail", args=[mitra["a1"].pk])
    assert "Kemitraan ini sudah berakhir." in response.content.decode()
    assert _snapshot() == before


# --- The printable agreement ----------------------------------------------------------------------


def _pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


@pytest.mark.parametrize("role", ROLES)
def test_agreement_pdf_is_served_in_scope_and_404_outside(client, cast, mitra, role):
    client.force_login(getattr(cast, role))
    for attr, k in mitra.items():
        response = client.get(reverse("kemitraan:pdf", args=[k.pk]))
        if attr in VISIBLE[role]:
            assert response.status_code == 200, attr
            assert response["Content-Type"] == "application/pdf"
            assert response["Content-Disposition"].startswith('attachment; filename="kesepakatan-kemitraan-')
            assert response.content.startswith(b"%PDF")
        else:
            assert response.status_code == 404, attr


def test_agreement_pdf_is_one_page_ready_to_sign(client, cast, mitra):
    client.force_login(cast.bikor_a)
    text, pages = _pdf_text(client.get(reverse("kemitraan:pdf", args=[mitra["a1"].pk])))
    flat = " ".join(text.split())
    assert pages == 1
    for expected in (
        "Kesepakatan Tertulis Kemitraan Bidan dan Dukun", "Sri Mulyani", "Siti Rohmah", "Puskesmas Aur Duri",
        "Penyengat Rendah", "Telanaipura", "Cap jempol", "Lurah/Kepala Desa", "Camat", "Kepala Puskesmas",
        "Bapak Lurah Penyengat", "Ibu Camat Telanaipura", "dr. Kepala Aur Duri", "Masa kehamilan", "Persalinan",
        "Masa nifas", "Rp 50.000 per persalinan", date_format(mitra["a1"].tanggal_tanda_tangan, "j F Y"),
    ):
        assert expected in flat, expected


def test_agreement_pdf_shows_percent_share_and_blank_date_to_fill_in(client, cast, mitra):
    client.force_login(cast.bikor_a)
    text, _pages = _pdf_text(client.get(reverse("kemitraan:pdf", args=[mitra["a2"].pk])))
    flat = " ".join(text.split())
    assert "10% dari jasa persalinan" in flat
    assert "Halimah" in flat and "Fitri Handayani" in flat
    assert "Pada hari ini, ......" in flat


def test_agreement_pdf_is_in_indonesian_whatever_the_interface_language(client, cast, mitra):
    client.force_login(cast.bikor_a)
    client.cookies["django_language"] = "en"
    text, _pages = _pdf_text(client.get(reverse("kemitraan:pdf", args=[mitra["a1"].pk])))
    assert "Cap jempol" in text and "Kesepakatan Tertulis" in " ".join(text.split())


# --- The dukun page's partners --------------------------------------------------------------------


def test_partial_lists_the_partners_of_a_dukun_with_agreement_links(cast, mitra, dukun_set):
    KemitraanFactory(bidan=cast.profil_bidan_a2, dukun=dukun_set.a1, status=StatusKemitraan.BERAKHIR,
                     tanggal_berakhir=HARI_INI(), alasan_berakhir="x")
    html = render_to_string("kemitraan/partials/mitra_dukun.html",
                            {"kemitraan_list": mitra_dukun(dukun=dukun_set.a1, user=cast.bikor_a)})
    assert html.index("Sri Mulyani") < html.index("Fitri Handayani")
    assert reverse("kemitraan:detail", args=[mitra["a1"].pk]) in html
    assert reverse("kemitraan:pdf", args=[mitra["a1"].pk]) in html
    assert "Berakhir" in html
    empty = render_to_string("kemitraan/partials/mitra_dukun.html",
                             {"kemitraan_list": mitra_dukun(dukun=dukun_set.a1, user=cast.bikor_b)})
    assert "Belum bermitra dengan bidan mana pun." in empty
