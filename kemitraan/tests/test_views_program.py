"""Programme pages for every role: schedule and plan, funds, facilities, kits, training, notifications.

Scope: everything here belongs to Puskesmas A unless named otherwise. Reading: admin, dinkes_a, kapus_a,
bikor_a, bidan_a; writing: admin, bikor_a; dinkes_c, bikor_b and bidan_b are outside (404).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dukun.tests.factories import DukunFactory
from kemitraan.models import (
    AnggaranDana,
    Notifikasi,
    Pelatihan,
    PemberianKit,
    PengeluaranDana,
    RencanaPertemuan,
    Sarana,
)
from kemitraan.tests.factories import (
    AnggaranDanaFactory,
    NotifikasiFactory,
    PelatihanFactory,
    PemberianKitFactory,
    PengeluaranDanaFactory,
    PertemuanFactory,
    RencanaPertemuanFactory,
    SaranaFactory,
)

ROLES = ["admin", "dinkes_a", "dinkes_c", "kapus_a", "bikor_a", "bikor_b", "bidan_a", "bidan_b"]
READ_A = {"admin", "dinkes_a", "kapus_a", "bikor_a", "bidan_a"}
WRITE_A = {"admin", "bikor_a"}
INVALID_CHOICE = "Masukkan pilihan yang valid."


def read_status(role: str) -> int:
    return 200 if role in READ_A else 404


def write_status(role: str) -> int:
    if role in WRITE_A:
        return 200
    return 403 if role in READ_A else 404


# The programme's pages are kept per budget year, and these tests date their records "this year", "yesterday"
# and "today" (the factories): they run on a mid-year clock so that all of them fall in one year whatever
# the hour or the date of the run. The budget-year rules themselves are tested with explicit dates.
pytestmark = pytest.mark.jam("2026-06-16T10:00:00+07:00")


def tahun() -> int:
    return timezone.localdate().year


def kemarin() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=1)


def qs(puskesmas, year=None) -> str:
    return f"?puskesmas={puskesmas.pk}&tahun={year or tahun()}"


def snapshot():
    """Every row of the programme inputs and their history: what a refused POST must leave untouched."""
    def rows(model):
        return sorted(tuple(r.values()) for r in model.objects.values())

    return (
        rows(RencanaPertemuan), rows(AnggaranDana), rows(PengeluaranDana), rows(Sarana), rows(PemberianKit),
        rows(Pelatihan), sorted(Pelatihan.peserta_bidan.through.objects.values_list("pelatihan", "bidan")),
        sorted(Pelatihan.peserta_dukun.through.objects.values_list("pelatihan", "dukun")),
        sum(m.history.count() for m in (RencanaPertemuan, AnggaranDana, PengeluaranDana, Sarana, PemberianKit,
                                        Pelatihan)),
    )


@pytest.fixture
def program(cast, dukun_set):
    w = cast.w
    ns = SimpleNamespace(w=w, dukun=dukun_set)
    ns.pertemuan_a = PertemuanFactory(puskesmas=w.puskesmas_a)
    ns.pertemuan_b = PertemuanFactory(puskesmas=w.puskesmas_b)
    ns.anggaran_a = AnggaranDanaFactory(puskesmas=w.puskesmas_a, sumber="bok", jumlah_alokasi=12_000_000)
    ns.anggaran_b = AnggaranDanaFactory(puskesmas=w.puskesmas_b, sumber="bok")
    ns.pengeluaran_a = PengeluaranDanaFactory(anggaran=ns.anggaran_a, tanggal=dt.date(tahun(), 1, 15),
                                              jumlah=250_000, pertemuan=ns.pertemuan_a)
    ns.sarana_a = SaranaFactory(puskesmas=w.puskesmas_a)
    ns.kit_a1 = PemberianKitFactory(dukun=dukun_set.a1)
    ns.kit_a2 = PemberianKitFactory(dukun=dukun_set.a2)
    ns.pelatihan_a = PelatihanFactory(puskesmas=w.puskesmas_a, tanggal=dt.date(tahun(), 1, 20))
    ns.pelatihan_a.peserta_bidan.set([cast.profil_bidan_a])
    ns.pelatihan_a.peserta_dukun.set([dukun_set.a1, dukun_set.a2])
    ns.pelatihan_b = PelatihanFactory(puskesmas=w.puskesmas_b)
    return ns


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


def post(client, user, url, data, **extra):
    client.force_login(user)
    return client.post(url, data, **extra)


# --- Reading: lists and detail pages for every role ---------------------------------------------------------


LIST_PAGES = ["program:input", "program:jadwal", "program:dana", "program:sarana_list", "program:kit_list",
              "program:pelatihan_list"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", LIST_PAGES)
def test_list_pages_of_puskesmas_a_are_read_in_scope_and_404_outside(client, cast, program, role, name):
    response = get(client, getattr(cast, role), reverse(name) + qs(cast.w.puskesmas_a))
    assert response.status_code == read_status(role)


DETAIL = {
    "program:anggaran_detail": "anggaran_a", "program:pengeluaran_detail": "pengeluaran_a",
    "program:sarana_detail": "sarana_a", "program:kit_detail": "kit_a1", "program:pelatihan_detail": "pelatihan_a",
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", DETAIL)
def test_detail_pages_are_read_in_scope_404_outside_and_show_history(client, cast, program, role, name):
    obj = getattr(program, DETAIL[name])
    response = get(client, getattr(cast, role), reverse(name, args=[obj.pk]))
    assert response.status_code == read_status(role)
    if response.status_code == 200:
        content = response.content.decode()
        assert "Riwayat perubahan" in content
        assert ("Ubah</a>" in content) == (role in WRITE_A)


@pytest.mark.parametrize("name", DETAIL)
def test_detail_of_an_unknown_id_is_404(client, cast, program, name):
    assert get(client, cast.admin, reverse(name, args=[999999])).status_code == 404


def test_bidan_sees_only_kits_of_dukun_in_her_villages(client, cast, program):
    client.force_login(cast.bidan_a)
    response = client.get(reverse("program:kit_list") + qs(cast.w.puskesmas_a))
    assert [k.pk for k in response.context["page_obj"]] == [program.kit_a1.pk]
    assert client.get(reverse("program:kit_detail", args=[program.kit_a2.pk])).status_code == 404
    client.force_login(cast.kapus_a)
    response = client.get(reverse("program:kit_list") + qs(cast.w.puskesmas_a))
    assert {k.pk for k in response.context["page_obj"]} == {program.kit_a1.pk, program.kit_a2.pk}


def test_anonymous_is_sent_to_login(client, program):
    response = client.get(reverse("program:jadwal"))
    assert response.status_code == 302
    assert response["Location"].startswith("/masuk/")


def test_single_puskesmas_roles_need_no_picker(client, cast, program):
    response = get(client, cast.bikor_a, reverse("program:jadwal"))
    assert response.context["puskesmas"] == cast.w.puskesmas_a
    assert response.context["daftar_puskesmas"] is None


def test_dinkes_picks_a_puskesmas_of_her_district(client, cast, program):
    response = get(client, cast.dinkes_a, reverse("program:dana"))
    assert response.status_code == 200
    assert response.context["puskesmas"] is None
    assert "Pilih Puskesmas terlebih dahulu." in response.content.decode()
    assert [p.nama for p in response.context["daftar_puskesmas"]] == ["Aur Duri", "Pakuan Baru"]


@pytest.mark.parametrize("value", ["abc", "-1", "99999999999999999999"])
def test_malformed_puskesmas_id_is_404(client, cast, program, value):
    assert get(client, cast.admin, reverse("program:jadwal") + f"?puskesmas={value}").status_code == 404


@pytest.mark.parametrize("value", ["abc", "1999", "3000", ""])
def test_malformed_year_falls_back_to_this_year(client, cast, program, value):
    response = get(client, cast.bikor_a, reverse("program:jadwal") + f"?tahun={value}")
    assert response.context["tahun"] == tahun()


# --- Schedule page and plan form --------------------------------------------------------------------------


def test_schedule_page_shows_planned_held_and_the_default_plan_note(client, cast, program):
    content = get(client, cast.kapus_a, reverse("program:jadwal") + qs(cast.w.puskesmas_a)).content.decode()
    assert 'id="rencana-bawaan"' in content
    assert "Pertemuan rutin kemitraan" in content
    assert "Atur rencana" not in content  # read-only


def test_schedule_page_offers_the_plan_form_to_writers(client, cast, program):
    content = get(client, cast.bikor_a, reverse("program:jadwal") + qs(cast.w.puskesmas_a)).content.decode()
    assert "Atur rencana" in content


@pytest.mark.parametrize("role", ROLES)
def test_plan_form_is_for_writers_only(client, cast, program, role):
    url = reverse("program:rencana") + qs(cast.w.puskesmas_a)
    assert get(client, getattr(cast, role), url).status_code == write_status(role)


def _rencana_data(rutin=12, pembinaan=2, lokmin=1, kajian=0):
    return {"rutin": rutin, "pembinaan": pembinaan, "lokmin": lokmin, "kajian_kasus": kajian}


def test_plan_form_saves_one_row_per_kind_and_the_schedule_uses_it(client, cast, program):
    url = reverse("program:rencana") + qs(cast.w.puskesmas_a)
    response = post(client, cast.bikor_a, url, _rencana_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("program:jadwal") + qs(cast.w.puskesmas_a)
    rows = dict(RencanaPertemuan.objects.filter(puskesmas=cast.w.puskesmas_a, tahun=tahun())
                .values_list("jenis", "jumlah"))
    assert rows == {"rutin": 12, "pembinaan": 2, "lokmin": 1, "kajian_kasus": 0}
    jadwal = client.get(reverse("program:jadwal") + qs(cast.w.puskesmas_a)).context["jadwal"]
    assert jadwal.rencana_eksplisit is True
    assert [b.direncanakan for b in jadwal.baris] == [12, 2, 1, 0]
    # Saving the same plan again writes no history entry; changing one kind writes one.
    before = RencanaPertemuan.history.count()
    post(client, cast.bikor_a, url, _rencana_data())
    assert RencanaPertemuan.history.count() == before
    post(client, cast.bikor_a, url, _rencana_data(rutin=4))
    assert RencanaPertemuan.history.count() == before + 1
    content = client.get(url).content.decode()
    assert "Riwayat perubahan" in content and "Pertemuan rutin kemitraan" in content


@pytest.mark.parametrize("data", [_rencana_data(rutin=53), _rencana_data(rutin=-1), {**_rencana_data(), "rutin": ""},
                                  {**_rencana_data(), "rutin": "empat"}])
def test_plan_form_rejects_bad_numbers_and_saves_nothing(client, cast, program, data):
    before = snapshot()
    response = post(client, cast.bikor_a, reverse("program:rencana") + qs(cast.w.puskesmas_a), data)
    assert response.status_code == 400
    assert "Data belum disimpan" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("role", ["dinkes_a", "kapus_a", "bidan_a", "dinkes_c", "bikor_b", "bidan_b"])
def test_plan_post_by_others_is_refused_and_writes_nothing(client, cast, program, role):
    before = snapshot()
    response = post(client, getattr(cast, role), reverse("program:rencana") + qs(cast.w.puskesmas_a),
                    _rencana_data())
    assert response.status_code == write_status(role)
    assert snapshot() == before


def test_plan_for_a_year_does_not_touch_other_years(client, cast, program):
    RencanaPertemuanFactory(puskesmas=cast.w.puskesmas_a, tahun=tahun() - 1, jumlah=6)
    post(client, cast.bikor_a, reverse("program:rencana") + qs(cast.w.puskesmas_a), _rencana_data(rutin=3))
    assert RencanaPertemuan.objects.get(puskesmas=cast.w.puskesmas_a, tahun=tahun() - 1).jumlah == 6


# --- Funds ---------------------------------------------------------------------------------------------------


def test_funds_table_shows_allocated_spent_and_remaining_per_source_in_rupiah(client, cast, program):
    a = program.anggaran_a
    PengeluaranDanaFactory(anggaran=a, tanggal=dt.date(tahun(), 2, 1), jumlah=1_000_000,
                           pelatihan=program.pelatihan_a)
    AnggaranDanaFactory(puskesmas=cast.w.puskesmas_a, sumber="dana_desa", jumlah_alokasi=5_000_000)
    lalu = AnggaranDanaFactory(puskesmas=cast.w.puskesmas_a, tahun=tahun() - 1, jumlah_alokasi=9_000_000)
    PengeluaranDanaFactory(anggaran=lalu, jumlah=8_000_000)  # last year: not in this year's table
    response = get(client, cast.kapus_a, reverse("program:dana") + qs(cast.w.puskesmas_a))
    rows = [(r.sumber, r.jumlah_alokasi, r.terpakai, r.sisa) for r in response.context["anggaran_list"]]
    assert rows == [("bok", 12_000_000, 1_250_000, 10_750_000), ("dana_desa", 5_000_000, 0, 5_000_000)]
    assert response.context["total"] == {"alokasi": 17_000_000, "terpakai": 1_250_000, "sisa": 15_750_000}
    content = response.content.decode()
    for text in ("Rp 12.000.000", "Rp 1.250.000", "Rp 10.750.000", "Rp 17.000.000", "Rp 15.750.000"):
        assert text in content
    assert "Tambah anggaran" not in content  # read-only


def test_overspent_source_shows_a_negative_remainder(client, cast, program):
    PengeluaranDanaFactory(anggaran=program.anggaran_a, jumlah=12_000_000)
    response = get(client, cast.bikor_a, reverse("program:dana") + qs(cast.w.puskesmas_a))
    assert response.context["anggaran_list"][0].sisa == Decimal("-250000")
    assert "-Rp 250.000" in response.content.decode()


CREATE_PAGES = ["program:anggaran_create", "program:pengeluaran_create", "program:sarana_create",
                "program:kit_create", "program:pelatihan_create"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", CREATE_PAGES)
def test_create_forms_are_for_writers_of_the_puskesmas(client, cast, program, role, name):
    assert get(client, getattr(cast, role), reverse(name) + qs(cast.w.puskesmas_a)).status_code == write_status(role)


UPDATE = {
    "program:anggaran_update": "anggaran_a", "program:pengeluaran_update": "pengeluaran_a",
    "program:sarana_update": "sarana_a", "program:kit_update": "kit_a1", "program:pelatihan_update": "pelatihan_a",
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", UPDATE)
def test_update_forms_are_for_writers_of_the_puskesmas(client, cast, program, role, name):
    obj = getattr(program, UPDATE[name])
    assert get(client, getattr(cast, role), reverse(name, args=[obj.pk])).status_code == write_status(role)


def test_admin_without_a_puskesmas_choice_cannot_open_a_create_form(client, cast, program):
    assert get(client, cast.admin, reverse("program:anggaran_create")).status_code == 404


def test_bikor_creates_an_allocation_typed_the_indonesian_way(client, cast, program):
    url = reverse("program:anggaran_create") + qs(cast.w.puskesmas_a)
    response = post(client, cast.bikor_a, url, {
        "tahun": tahun(), "sumber": "dana_desa", "jumlah_alokasi": "Rp 12.500.000", "keterangan": "ADD kelurahan",
    })
    assert response.status_code == 302
    a = AnggaranDana.objects.get(puskesmas=cast.w.puskesmas_a, sumber="dana_desa")
    assert a.jumlah_alokasi == Decimal("12500000")
    assert a.history.count() == 1
    form = client.get(reverse("program:anggaran_update", args=[a.pk])).content.decode()
    assert 'value="12.500.000"' in form


@pytest.mark.parametrize(("amount", "message"), [
    ("12,5 juta", "Tulis jumlah rupiah tanpa sen, contoh 1.250.000."),
    ("1.250.000,50", "Tulis jumlah rupiah tanpa sen, contoh 1.250.000."),
    ("-5000", "Tulis jumlah rupiah tanpa sen, contoh 1.250.000."),
])
def test_bad_amount_is_refused_with_a_clear_message(client, cast, program, amount, message):
    before = snapshot()
    response = post(client, cast.bikor_a, reverse("program:anggaran_create") + qs(cast.w.puskesmas_a),
                    {"tahun": tahun(), "sumber": "apbd", "jumlah_alokasi": amount})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert snapshot() == before


def test_second_allocation_of_the_same_source_and_year_is_refused(client, cast, program):
    before = snapshot()
    response = post(client, cast.bikor_a, reverse("program:anggaran_create") + qs(cast.w.puskesmas_a),
                    {"tahun": tahun(), "sumber": "bok", "jumlah_alokasi": "1000000"})
    assert response.status_code == 400
    assert f"Dana BOK tahun {tahun()} sudah dicatat untuk Puskesmas ini" in response.content.decode()
    assert snapshot() == before


def test_same_source_in_another_puskesmas_is_allowed(client, cast, program):
    response = post(client, cast.bikor_b, reverse("program:anggaran_create") + qs(cast.w.puskesmas_b, tahun() - 1),
                    {"tahun": tahun() - 1, "sumber": "bok", "jumlah_alokasi": "1000000"})
    assert response.status_code == 302


def test_year_of_an_allocation_with_spending_cannot_change(client, cast, program):
    before = snapshot()
    response = post(client, cast.bikor_a, reverse("program:anggaran_update", args=[program.anggaran_a.pk]),
                    {"tahun": tahun() - 1, "sumber": "bok", "jumlah_alokasi": "12000000"})
    assert response.status_code == 400
    assert "tahunnya tidak dapat diubah" in response.content.decode()
    assert snapshot() == before


def _pengeluaran_data(program, **overrides):
    data = {"anggaran": program.anggaran_a.pk, "tanggal": kemarin().isoformat(), "jumlah": "1.500.000",
            "uraian": "Konsumsi pertemuan rutin", "pertemuan": program.pertemuan_a.pk, "pelatihan": ""}
    data.update(overrides)
    return data


def test_bikor_records_spending_against_a_meeting(client, cast, program):
    response = post(client, cast.bikor_a, reverse("program:pengeluaran_create") + qs(cast.w.puskesmas_a),
                    _pengeluaran_data(program))
    assert response.status_code == 302
    p = PengeluaranDana.objects.get(uraian="Konsumsi pertemuan rutin")
    assert (p.jumlah, p.pertemuan, p.anggaran) == (Decimal("1500000"), program.pertemuan_a, program.anggaran_a)


@pytest.mark.parametrize(("field", "forged"), [
    ("anggaran", "anggaran_b"), ("pertemuan", "pertemuan_b"), ("pelatihan", "pelatihan_b"),
])
def test_forged_spending_with_another_puskesmas_records_is_rejected(client, cast, program, field, forged):
    before = snapshot()
    data = _pengeluaran_data(program, **{field: getattr(program, forged).pk})
    response = post(client, cast.bikor_a, reverse("program:pengeluaran_create") + qs(cast.w.puskesmas_a), data)
    assert response.status_code == 400
    assert INVALID_CHOICE in response.content.decode()
    assert snapshot() == before


def test_forged_spending_update_moving_it_to_another_puskesmas_is_rejected(client, cast, program):
    before = snapshot()
    response = post(client, cast.bikor_a, reverse("program:pengeluaran_update", args=[program.pengeluaran_a.pk]),
                    _pengeluaran_data(program, anggaran=program.anggaran_b.pk))
    assert response.status_code == 400
    assert snapshot() == before


@pytest.mark.parametrize(("tanggal", "message"), [
    (lambda: dt.date(tahun() - 1, 12, 31), "Tanggal harus di tahun anggaran"),
    (lambda: timezone.localdate() + dt.timedelta(days=1), "Tanggal pengeluaran tidak boleh di masa depan."),
])
def test_spending_dated_outside_its_budget_year_or_in_the_future_is_refused(client, cast, program, tanggal, message):
    before = snapshot()
    response = post(client, cast.bikor_a, reverse("program:pengeluaran_create") + qs(cast.w.puskesmas_a),
                    _pengeluaran_data(program, tanggal=tanggal().isoformat()))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("role", ["dinkes_a", "kapus_a", "bidan_a", "dinkes_c", "bikor_b", "bidan_b"])
def test_spending_post_by_others_is_refused_and_writes_nothing(client, cast, program, role):
    before = snapshot()
    response = post(client, getattr(cast, role), reverse("program:pengeluaran_create") + qs(cast.w.puskesmas_a),
                    _pengeluaran_data(program))
    assert response.status_code == write_status(role)
    response = post(client, getattr(cast, role),
                    reverse("program:pengeluaran_update", args=[program.pengeluaran_a.pk]),
                    _pengeluaran_data(program, jumlah="1"))
    assert response.status_code == write_status(role)
    assert snapshot() == before


# --- Facilities and kits -------------------------------------------------------------------------------------


def test_bikor_records_that_the_guidebook_is_not_at_hand(client, cast, program):
    response = post(client, cast.bikor_a, reverse("program:sarana_update", args=[program.sarana_a.pk]), {
        "jenis": "buku_pedoman", "nama": program.sarana_a.nama, "jumlah": "0", "keterangan": "Hilang",
    })
    assert response.status_code == 302
    program.sarana_a.refresh_from_db()
    assert program.sarana_a.tersedia is False
    content = get(client, cast.kapus_a, reverse("program:sarana_list") + qs(cast.w.puskesmas_a)).content.decode()
    assert "Buku pedoman kemitraan: tidak tersedia" in " ".join(content.split())
    detail = client.get(reverse("program:sarana_detail", args=[program.sarana_a.pk])).content.decode()
    assert "Diubah" in detail


def test_bikor_records_a_kit_for_a_dukun_of_her_puskesmas(client, cast, program):
    response = post(client, cast.bikor_a, reverse("program:kit_create") + qs(cast.w.puskesmas_a), {
        "dukun": program.dukun.a2.pk, "tanggal": kemarin().isoformat(), "isi": "Kit persalinan bersih",
        "jumlah": "2",
    })
    assert response.status_code == 302
    kit = PemberianKit.objects.get(isi="Kit persalinan bersih")
    assert (kit.puskesmas, kit.dukun, kit.jumlah) == (cast.w.puskesmas_a, program.dukun.a2, 2)


@pytest.mark.parametrize("dukun", ["b1", "c1"])
def test_forged_kit_for_a_dukun_of_another_puskesmas_is_rejected(client, cast, program, dukun):
    before = snapshot()
    response = post(client, cast.bikor_a, reverse("program:kit_create") + qs(cast.w.puskesmas_a), {
        "dukun": getattr(program.dukun, dukun).pk, "tanggal": kemarin().isoformat(), "isi": "Kit", "jumlah": "1",
    })
    assert response.status_code == 400
    assert INVALID_CHOICE in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("role", ["dinkes_a", "kapus_a", "bidan_a", "dinkes_c", "bikor_b", "bidan_b"])
def test_kit_and_facility_posts_by_others_are_refused(client, cast, program, role):
    before = snapshot()
    user = getattr(cast, role)
    kit = {"dukun": program.dukun.a1.pk, "tanggal": kemarin().isoformat(), "isi": "Kit", "jumlah": "1"}
    sarana = {"jenis": "lainnya", "nama": "Timbangan", "tersedia": "on", "jumlah": "1"}
    assert post(client, user, reverse("program:kit_create") + qs(cast.w.puskesmas_a), kit).status_code == \
        write_status(role)
    assert post(client, user, reverse("program:kit_update", args=[program.kit_a1.pk]), kit).status_code == \
        write_status(role)
    assert post(client, user, reverse("program:sarana_create") + qs(cast.w.puskesmas_a), sarana).status_code == \
        write_status(role)
    assert post(client, user, reverse("program:sarana_update", args=[program.sarana_a.pk]), sarana).status_code == \
        write_status(role)
    assert snapshot() == before


# --- Training ---------------------------------------------------------------------------------------------


def _pelatihan_data(cast, program, **overrides):
    data = {"jenis": "pembinaan", "tanggal": kemarin().isoformat(), "topik": "Perawatan bayi baru lahir",
            "tempat": "Aula Puskesmas", "penyelenggara": "Bikor", "peserta_bidan": [cast.profil_bidan_a2.pk],
            "peserta_dukun": [program.dukun.a1.pk, program.dukun.a2.pk]}
    data.update(overrides)
    return data


def test_training_form_offers_only_people_of_the_puskesmas(client, cast, program):
    form = get(client, cast.bikor_a, reverse("program:pelatihan_create") + qs(cast.w.puskesmas_a)).context["form"]
    assert {b.nama for b in form.fields["peserta_bidan"].queryset} == {"Sri Mulyani", "Fitri Handayani"}
    assert {d.nama for d in form.fields["peserta_dukun"].queryset} == {"Siti Rohmah", "Halimah"}


def test_bikor_records_a_training_with_participants_in_one_history_entry(client, cast, program):
    response = post(client, cast.bikor_a, reverse("program:pelatihan_create") + qs(cast.w.puskesmas_a),
                    _pelatihan_data(cast, program))
    assert response.status_code == 302
    p = Pelatihan.objects.get(topik="Perawatan bayi baru lahir")
    assert response["Location"] == reverse("program:pelatihan_detail", args=[p.pk])
    assert set(p.peserta_dukun.values_list("nama", flat=True)) == {"Siti Rohmah", "Halimah"}
    assert p.history.count() == 1
    # Changing the participants is one more entry, and the history names them.
    post(client, cast.bikor_a, reverse("program:pelatihan_update", args=[p.pk]),
         _pelatihan_data(cast, program, peserta_dukun=[program.dukun.a1.pk]))
    assert p.history.count() == 2
    content = client.get(reverse("program:pelatihan_detail", args=[p.pk])).content.decode()
    assert "Dukun peserta" in content
    assert "<del>Halimah, Siti Rohmah</del> → Siti Rohmah" in content


@pytest.mark.parametrize(("field", "value"), [
    ("peserta_dukun", lambda cast, program: [program.dukun.a1.pk, program.dukun.b1.pk]),
    ("peserta_bidan", lambda cast, program: [cast.profil_bidan_b.pk]),
])
def test_forged_training_with_participants_of_another_puskesmas_is_rejected(client, cast, program, field, value):
    before = snapshot()
    response = post(client, cast.bikor_a, reverse("program:pelatihan_create") + qs(cast.w.puskesmas_a),
                    _pelatihan_data(cast, program, **{field: value(cast, program)}))
    assert response.status_code == 400
    assert INVALID_CHOICE in response.content.decode()
    response = post(client, cast.bikor_a, reverse("program:pelatihan_update", args=[program.pelatihan_a.pk]),
                    _pelatihan_data(cast, program, **{field: value(cast, program)}))
    assert response.status_code == 400
    assert snapshot() == before


def test_training_without_participants_or_in_the_future_is_refused(client, cast, program):
    before = snapshot()
    url = reverse("program:pelatihan_create") + qs(cast.w.puskesmas_a)
    response = post(client, cast.bikor_a, url, _pelatihan_data(cast, program, peserta_bidan=[], peserta_dukun=[]))
    assert response.status_code == 400
    assert "Centang sedikitnya satu peserta" in response.content.decode()
    besok = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = post(client, cast.bikor_a, url, _pelatihan_data(cast, program, tanggal=besok))
    assert response.status_code == 400
    assert "tanggalnya tidak boleh di masa depan" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("role", ["dinkes_a", "kapus_a", "bidan_a", "dinkes_c", "bikor_b", "bidan_b"])
def test_training_posts_by_others_are_refused(client, cast, program, role):
    before = snapshot()
    user = getattr(cast, role)
    data = _pelatihan_data(cast, program)
    assert post(client, user, reverse("program:pelatihan_create") + qs(cast.w.puskesmas_a), data).status_code == \
        write_status(role)
    assert post(client, user, reverse("program:pelatihan_update", args=[program.pelatihan_a.pk]),
                data).status_code == write_status(role)
    assert snapshot() == before


def test_training_detail_lists_participants(client, cast, program):
    content = get(client, cast.bidan_a, reverse("program:pelatihan_detail", args=[program.pelatihan_a.pk])).content
    assert "Sri Mulyani" in content.decode() and "Halimah" in content.decode()


# --- Overview ---------------------------------------------------------------------------------------------


def test_input_overview_sums_funds_facilities_kits_and_training(client, cast, program):
    response = get(client, cast.dinkes_a, reverse("program:input") + qs(cast.w.puskesmas_a))
    ctx = response.context
    assert ctx["dana"] == {"alokasi": 12_000_000, "terpakai": 250_000, "sisa": 11_750_000}
    assert ctx["sarana"] == {"jumlah": 1, "ada": 1, "pedoman": 1}
    assert ctx["pelatihan"] == {"jumlah": 1, "bidan": 1, "dukun": 2}
    content = response.content.decode()
    assert "Rp 11.750.000" in content
    for name in LIST_PAGES[1:]:
        assert reverse(name) in content


# --- Query counts ------------------------------------------------------------------------------------------


def _count(client, url) -> int:
    client.get(url)  # warm up (session, caches)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_query_counts_do_not_grow_with_rows(client, cast, program):
    w = cast.w
    NotifikasiFactory.create_batch(2, penerima=cast.bikor_a)
    client.force_login(cast.bikor_a)
    urls = [reverse(name) + qs(w.puskesmas_a) for name in LIST_PAGES]
    urls += [reverse("program:anggaran_detail", args=[program.anggaran_a.pk]), reverse("program:notifikasi_list")]
    before = {url: _count(client, url) for url in urls}

    dukun = DukunFactory.create_batch(20, kelurahan=w.a1)
    for i in range(40):
        PengeluaranDanaFactory(anggaran=program.anggaran_a, pertemuan=program.pertemuan_a,
                               pelatihan=program.pelatihan_a, tanggal=dt.date(tahun(), 1, 1 + i % 28))
        PemberianKitFactory(dukun=dukun[i % 20], tanggal=dt.date(tahun(), 1, 1 + i % 28))
        p = PelatihanFactory(puskesmas=w.puskesmas_a, tanggal=dt.date(tahun(), 1, 1 + i % 28))
        p.peserta_dukun.set(dukun[:5])
        PertemuanFactory(puskesmas=w.puskesmas_a, waktu_rencana=timezone.now() - dt.timedelta(days=i))
        SaranaFactory(puskesmas=w.puskesmas_a, jenis="lainnya", nama=f"Sarana {i}")
        NotifikasiFactory(penerima=cast.bikor_a)
    assert {url: _count(client, url) for url in urls} == before


def test_training_detail_query_count_does_not_grow_with_participants(client, cast, program):
    from kemitraan.services_program import pelatihan_save

    def training(n):
        dukun = DukunFactory.create_batch(n, kelurahan=cast.w.a1)
        return pelatihan_save(pelatihan=Pelatihan(puskesmas=cast.w.puskesmas_a), jenis="pelatihan",
                              tanggal=kemarin(), topik=f"Uji {n}", peserta_bidan=[cast.profil_bidan_a],
                              peserta_dukun=dukun)

    client.force_login(cast.bikor_a)
    kecil, besar = training(2), training(30)
    assert _count(client, reverse("program:pelatihan_detail", args=[besar.pk])) == \
        _count(client, reverse("program:pelatihan_detail", args=[kecil.pk]))


# --- Notifications -----------------------------------------------------------------------------------------


@pytest.fixture
def kotak(cast):
    return SimpleNamespace(
        baru=NotifikasiFactory(penerima=cast.bikor_a, judul="Pertemuan minggu depan",
                               tautan="/kemitraan/program/jadwal/"),
        lama=NotifikasiFactory(penerima=cast.bikor_a, judul="Sudah dibaca", dibaca_pada=timezone.now()),
        orang_lain=NotifikasiFactory(penerima=cast.kapus_a, judul="Milik kapus"),
    )


@pytest.mark.parametrize("role", ROLES)
def test_every_user_has_a_notifications_page(client, cast, role):
    assert get(client, getattr(cast, role), reverse("program:notifikasi_list")).status_code == 200


def test_notifications_page_shows_only_own(client, cast, kotak):
    response = get(client, cast.bikor_a, reverse("program:notifikasi_list"))
    assert [n.judul for n in response.context["page_obj"]] == ["Sudah dibaca", "Pertemuan minggu depan"]
    assert "Milik kapus" not in response.content.decode()
    response = client.get(reverse("program:notifikasi_list") + "?belum=1")
    assert [n.judul for n in response.context["page_obj"]] == ["Pertemuan minggu depan"]


def test_mark_one_read_with_htmx_returns_the_row(client, cast, kotak):
    response = post(client, cast.bikor_a, reverse("program:notifikasi_baca", args=[kotak.baru.pk]), {},
                    HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="notifikasi-{kotak.baru.pk}"' in response.content.decode()
    assert "sudah dibaca" in response.content.decode()
    kotak.baru.refresh_from_db()
    assert kotak.baru.dibaca_pada is not None


def test_mark_someone_elses_notification_is_404_and_changes_nothing(client, cast, kotak):
    for name in ("program:notifikasi_baca", "program:notifikasi_buka"):
        assert post(client, cast.bikor_a, reverse(name, args=[kotak.orang_lain.pk]), {}).status_code == 404
    kotak.orang_lain.refresh_from_db()
    assert kotak.orang_lain.dibaca_pada is None


def test_marking_read_needs_a_post(client, cast, kotak):
    assert get(client, cast.bikor_a, reverse("program:notifikasi_baca", args=[kotak.baru.pk])).status_code == 405
    kotak.baru.refresh_from_db()
    assert kotak.baru.dibaca_pada is None


def test_mark_all_read_marks_only_own(client, cast, kotak):
    response = post(client, cast.bikor_a, reverse("program:notifikasi_baca_semua"), {})
    assert response.status_code == 302
    assert not Notifikasi.objects.filter(penerima=cast.bikor_a, dibaca_pada__isnull=True).exists()
    kotak.orang_lain.refresh_from_db()
    assert kotak.orang_lain.dibaca_pada is None


def test_open_marks_read_and_goes_to_the_link(client, cast, kotak):
    response = post(client, cast.bikor_a, reverse("program:notifikasi_buka", args=[kotak.baru.pk]), {})
    assert response.status_code == 302
    assert response["Location"] == "/kemitraan/program/jadwal/"
    kotak.baru.refresh_from_db()
    assert kotak.baru.dibaca_pada is not None


@pytest.mark.parametrize("tautan", ["https://contoh.example/", "//contoh.example/x", "javascript:alert(1)"])
def test_open_never_redirects_off_site(client, cast, tautan):
    n = NotifikasiFactory(penerima=cast.bikor_a, tautan=tautan)
    response = post(client, cast.bikor_a, reverse("program:notifikasi_buka", args=[n.pk]), {})
    assert response["Location"] == reverse("program:notifikasi_list")


def test_unread_count_context_processor_once_registered(client, cast, kotak, settings):
    templates = [dict(t, OPTIONS=dict(t["OPTIONS"])) for t in settings.TEMPLATES]
    templates[0]["OPTIONS"]["context_processors"] = [
        *templates[0]["OPTIONS"]["context_processors"], "kemitraan.context_processors.notifikasi"]
    settings.TEMPLATES = templates
    response = get(client, cast.bikor_a, reverse("program:notifikasi_list"))
    assert response.context["jumlah_notifikasi_belum_dibaca"]() == 1
    response = get(client, cast.kapus_a, reverse("program:notifikasi_list"))
    assert response.context["jumlah_notifikasi_belum_dibaca"]() == 1
    post(client, cast.kapus_a, reverse("program:notifikasi_baca_semua"), {})
    assert client.get(reverse("program:notifikasi_list")).context["jumlah_notifikasi_belum_dibaca"]() == 0
