"""Referral pages for every role of the cast: list with counts, detail with timeline and next steps,
create, edit, status steps, and the referral slip (PDF) with the NIK as the role may read it."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from pypdf import PdfReader

from kia import services
from kia.models import JenisRujukan, Rujukan, StatusRujukan
from kia.tests.factories import IbuFactory, KehamilanFactory, RujukanFactory

pytestmark = pytest.mark.django_db

ROLES = ["admin", "dinkes_a", "dinkes_c", "kapus_a", "bikor_a", "bikor_b", "bidan_a", "bidan_b"]
NIK_FULL = {"admin", "bikor_a", "bikor_b", "bidan_a", "bidan_b"}
VISIBLE = {
    "admin": {"a1", "a2", "b1", "c1"},
    "dinkes_a": {"a1", "a2", "b1"},
    "dinkes_c": {"c1"},
    "kapus_a": {"a1", "a2"},
    "bikor_a": {"a1", "a2"},
    "bikor_b": {"b1"},
    "bidan_a": {"a1"},
    "bidan_b": {"b1"},
}
WRITABLE = {"admin": {"a1", "a2", "b1", "c1"}, "bikor_a": {"a1", "a2"}, "bikor_b": {"b1"}, "bidan_a": {"a1"},
            "bidan_b": {"b1"}}
NAMA = {"a1": "Rina Marlina", "a2": "Dewi Sartika", "b1": "Nur Aini", "c1": "Yuli Astuti"}
NIK = {"a1": "1571015705960001", "a2": "1571014203970002", "b1": "1571026101950003", "c1": "1505014512990004"}
MASK = {k: v[:4] + "********" + v[-4:] for k, v in NIK.items()}


def _expected(role: str, attr: str) -> int:
    if attr not in VISIBLE[role]:
        return 404
    return 200 if attr in WRITABLE.get(role, set()) else 403


@pytest.fixture
def ibu_set(cast, dukun_set):
    w = cast.w
    kel = {"a1": w.a1, "a2": w.a2, "b1": w.b1, "c1": w.c1}
    return {a: IbuFactory(nama=NAMA[a], nik=NIK[a], kelurahan=kel[a], alamat="Jl. Sumantri 7", rt="004", rw="001",
                          dukun=getattr(dukun_set, a))
            for a in kel}


@pytest.fixture
def rujukan_set(cast, ibu_set, dukun_set):
    """One open dukun → bidan referral per kelurahan, made three hours ago."""
    bidan = {"a1": cast.profil_bidan_a, "a2": cast.profil_bidan_a2, "b1": cast.profil_bidan_b,
             "c1": cast.profil_bidan_c}
    out = {}
    for a, ibu in ibu_set.items():
        k = KehamilanFactory(ibu=ibu, gravida=3, para=1, abortus=1, faktor_risiko=["anemia"])
        out[a] = RujukanFactory(ibu=ibu, kehamilan=k, dukun=getattr(dukun_set, a), bidan=bidan[a],
                                waktu_rujuk=(timezone.now() - dt.timedelta(hours=3)).replace(second=0, microsecond=0),
                                alasan="Perdarahan sejak subuh",
                                tanda_bahaya=["perdarahan", "demam"])
    return out


def _snapshot():
    return (
        sorted((r.pk, r.status, r.jenis, r.dukun_id, r.bidan_id, r.fasilitas_tujuan_id, r.waktu_rujuk,
                r.waktu_diterima, r.waktu_ditangani, r.waktu_batal, r.alasan_penolakan, r.alasan,
                tuple(r.tanda_bahaya)) for r in Rujukan.objects.all()),
        Rujukan.history.count(),
    )


def _lokal(t: dt.datetime) -> str:
    return timezone.localtime(t).strftime("%Y-%m-%dT%H:%M")


def _data(cast, dukun, /, **overrides) -> dict:
    data = {"jenis": JenisRujukan.DUKUN_KE_BIDAN, "kehamilan": "", "dukun": dukun.pk if dukun else "",
            "bidan": "", "fasilitas_tujuan": "", "waktu_rujuk": _lokal(timezone.now() - dt.timedelta(hours=1)),
            "alasan": "Kaki bengkak dan pusing", "tanda_bahaya": ["bengkak"], "tanda_bahaya_lainnya": ""}
    data.update(overrides)
    return data


def _versi(r: Rujukan) -> int:
    """The version a freshly loaded edit form carries (puskesmas.versi)."""
    return Rujukan.objects.values_list("versi", flat=True).get(pk=r.pk)


def _hrefs(response) -> list[str]:
    return re.findall(r'(?:href|action|src)="([^"]*)"', response.content.decode())


def _assert_no_nik_in_urls_or_headers(response):
    for nik in NIK.values():
        assert not [u for u in _hrefs(response) if nik in u]
        for name, value in response.headers.items():
            assert nik not in value, name


def _pdf_text(response) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split()), len(reader.pages)


# --- List ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_list_shows_only_referrals_in_scope(client, cast, rujukan_set, role):
    client.force_login(getattr(cast, role))
    response = client.get(reverse("kia:rujukan_list"))
    assert response.status_code == 200
    assert {r.ibu.nama for r in response.context["page_obj"]} == {NAMA[a] for a in VISIBLE[role]}
    assert response.context["ringkasan"]["jumlah"] == len(VISIBLE[role])
    content = response.content.decode()
    for attr in set(NAMA) - VISIBLE[role]:
        assert NAMA[attr] not in content
    _assert_no_nik_in_urls_or_headers(response)


def test_list_redirects_anonymous_to_login(client, rujukan_set):
    for url in (reverse("kia:rujukan_list"), reverse("kia:rujukan_detail", args=[rujukan_set["a1"].pk]),
                reverse("kia:rujukan_pdf", args=[rujukan_set["a1"].pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/masuk/")


def test_list_counts_and_time_to_arrival(client, cast, rujukan_set, ibu_set, dukun_set):
    a1, a2 = rujukan_set["a1"], rujukan_set["a2"]
    services.rujukan_ubah_status(rujukan=a1, status=StatusRujukan.DITERIMA,
                                 waktu=a1.waktu_rujuk + dt.timedelta(hours=1, minutes=30))
    services.rujukan_ubah_status(rujukan=a2, status=StatusRujukan.DITOLAK_KELUARGA,
                                 waktu=a2.waktu_rujuk + dt.timedelta(minutes=10), alasan_penolakan="biaya")
    RujukanFactory(ibu=ibu_set["a1"], jenis=JenisRujukan.BIDAN_KE_FASILITAS, fasilitas_tujuan=cast.rs_a,
                   bidan=cast.profil_bidan_a)
    client.force_login(cast.bikor_a)
    response = client.get(reverse("kia:rujukan_list"))
    assert response.context["ringkasan"] == {"jumlah": 3, "dari_dukun": 2, "sampai": 1, "ditangani": 0,
                                             "ditolak": 1, "tidak_sampai": 0}
    content = response.content.decode()
    ringkasan = content[content.index('id="ringkasan-rujukan"'):content.index('id="daftar-rujukan"')]
    for label in ("Dibuat", "Dari dukun", "Sampai", "Ditangani", "Ditolak keluarga", "Tidak sampai"):
        assert label in ringkasan
    table = content[content.index('id="daftar-rujukan"'):]
    assert "1 jam 30 menit" in table
    assert "Ditolak keluarga" in table and "RSUD Raden Mattaher" in table and "Siti Rohmah" in table


def test_list_filters_by_status_jenis_month_and_kelurahan(client, cast, rujukan_set, ibu_set):
    a1 = rujukan_set["a1"]
    services.rujukan_ubah_status(rujukan=a1, status=StatusRujukan.DITERIMA,
                                 waktu=a1.waktu_rujuk + dt.timedelta(hours=1))
    lama = RujukanFactory(ibu=ibu_set["a2"], jenis=JenisRujukan.BIDAN_KE_FASILITAS, fasilitas_tujuan=cast.rs_a,
                          waktu_rujuk=timezone.now() - dt.timedelta(days=70))
    client.force_login(cast.bikor_a)
    url = reverse("kia:rujukan_list")

    def pks(params):
        return {r.pk for r in client.get(url, params).context["page_obj"]}

    assert pks({"status": "diterima"}) == {a1.pk}
    assert pks({"jenis": "bidan_fasilitas"}) == {lama.pk}
    assert pks({"kelurahan": cast.w.a2.pk}) == {rujukan_set["a2"].pk, lama.pk}
    bulan = timezone.localtime(lama.waktu_rujuk).strftime("%Y-%m")
    assert pks({"bulan": bulan}) == {lama.pk}
    assert client.get(url, {"bulan": bulan}).context["ringkasan"]["jumlah"] == 1


def test_a_bad_month_is_explained_and_ignored(client, cast, rujukan_set):
    client.force_login(cast.bikor_a)
    response = client.get(reverse("kia:rujukan_list"), {"bulan": "2026-13"})
    assert response.status_code == 200
    assert "TTTT-BB" in response.content.decode()
    assert len(response.context["page_obj"]) == 2


def test_filter_out_of_scope_never_shows_other_referrals(client, cast, rujukan_set):
    client.force_login(cast.bidan_a)
    for params in ({"kelurahan": cast.w.b1.pk}, {"kelurahan": cast.w.a2.pk}, {"puskesmas": cast.w.puskesmas_b.pk}):
        response = client.get(reverse("kia:rujukan_list"), params)
        assert {r.ibu.nama for r in response.context["page_obj"]} <= {"Rina Marlina"}
        assert response.context["ringkasan"]["jumlah"] <= 1


@pytest.mark.parametrize("n", [5, 40])
def test_list_query_count_does_not_grow_with_rows(client, cast, dukun_set, django_assert_max_num_queries, n):
    ibu = IbuFactory(kelurahan=cast.w.a1)
    waktu = timezone.now() - dt.timedelta(days=1)
    for i in range(n):
        if i % 2:
            RujukanFactory(ibu=ibu, dukun=dukun_set.a1, bidan=cast.profil_bidan_a, status=StatusRujukan.DITERIMA,
                           waktu_diterima=waktu)
        else:
            RujukanFactory(ibu=ibu, jenis=JenisRujukan.BIDAN_KE_FASILITAS, bidan=cast.profil_bidan_a,
                           fasilitas_tujuan=cast.rs_a)
    for role in ("bikor_a", "bidan_a"):
        client.force_login(getattr(cast, role))
        with django_assert_max_num_queries(10):
            response = client.get(reverse("kia:rujukan_list"))
        assert len(response.context["page_obj"]) == min(n, 25)


# --- Detail -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_detail_in_scope_404_outside_with_nik_by_role(client, cast, rujukan_set, role):
    client.force_login(getattr(cast, role))
    for attr, r in rujukan_set.items():
        response = client.get(reverse("kia:rujukan_detail", args=[r.pk]))
        if attr not in VISIBLE[role]:
            assert response.status_code == 404, attr
            continue
        assert response.status_code == 200, attr
        content = response.content.decode()
        assert NAMA[attr] in content
        if role in NIK_FULL:
            assert NIK[attr] in content
        else:
            assert MASK[attr] in content and NIK[attr] not in content
        can_write = attr in WRITABLE.get(role, set())
        assert ('id="langkah-berikut"' in content) == can_write
        assert (reverse("kia:rujukan_update", args=[r.pk]) in content) == can_write
        _assert_no_nik_in_urls_or_headers(response)


def test_detail_shows_the_timeline_and_only_the_next_steps(client, cast, rujukan_set):
    r = rujukan_set["a1"]
    client.force_login(cast.bidan_a)
    content = client.get(reverse("kia:rujukan_detail", args=[r.pk])).content.decode()
    for step in ("diterima", "ditolak_keluarga", "tidak_sampai"):
        assert f'id="langkah-{step}"' in content
    assert 'id="langkah-ditangani"' not in content
    services.rujukan_ubah_status(rujukan=r, status=StatusRujukan.DITERIMA,
                                 waktu=r.waktu_rujuk + dt.timedelta(hours=1, minutes=30))
    content = client.get(reverse("kia:rujukan_detail", args=[r.pk])).content.decode()
    linimasa = content[content.index('id="linimasa"'):]
    assert "Dirujuk" in linimasa and "Sampai" in linimasa and "(+1 jam 30 menit)" in linimasa
    assert 'id="langkah-ditangani"' in content
    assert 'id="langkah-diterima"' not in content and 'id="langkah-tidak_sampai"' not in content


def test_detail_shows_danger_signs_and_times_in_the_puskesmas_zone(client, cast, rujukan_set):
    r = rujukan_set["a1"]
    client.force_login(cast.admin)
    content = client.get(reverse("kia:rujukan_detail", args=[r.pk])).content.decode()
    assert "Perdarahan" in content and "Demam tinggi" in content
    assert "WIB" in content


# --- Status -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_status_step_by_scope_refused_changes_nothing(client, cast, rujukan_set, role):
    client.force_login(getattr(cast, role))
    for attr, r in rujukan_set.items():
        before = _snapshot()
        sampai = r.waktu_rujuk + dt.timedelta(hours=1)
        response = client.post(reverse("kia:rujukan_status", args=[r.pk]),
                               {"status": "diterima", "waktu": _lokal(sampai)})
        if _expected(role, attr) == 200:
            assert response.status_code == 302, attr
            assert response["Location"] == reverse("kia:rujukan_detail", args=[r.pk])
            r.refresh_from_db()
            assert r.status == StatusRujukan.DITERIMA
            assert r.lama_sampai == dt.timedelta(hours=1)
        else:
            assert response.status_code == _expected(role, attr), attr
            assert _snapshot() == before


def test_status_page_answers_only_post(client, cast, rujukan_set):
    client.force_login(cast.bidan_a)
    assert client.get(reverse("kia:rujukan_status", args=[rujukan_set["a1"].pk])).status_code == 405


@pytest.mark.parametrize("data,message", [
    ({"status": "ditangani"}, "tidak bisa diubah ke langkah itu"),  # not a next step of `dirujuk`
    ({"status": "dirujuk"}, "tidak bisa diubah ke langkah itu"),
    ({"status": ""}, "Pilih langkah status rujukan."),
    ({"status": "diterima", "minus_menit": 5}, "Waktu sampai harus sesudah waktu dirujuk."),
    ({"status": "diterima", "minus_menit": -24 * 60}, "Waktu tidak boleh di masa depan."),
    ({"status": "diterima", "waktu": "kemarin"}, "Masukkan"),
    ({"status": "ditolak_keluarga"}, "Pilih alasan keluarga menolak rujukan."),
    ({"status": "ditolak_keluarga", "alasan_penolakan": "lainnya"}, "Jelaskan alasan lainnya."),
])
def test_a_refused_step_answers_400_with_the_message_and_changes_nothing(client, cast, rujukan_set, data, message):
    r = rujukan_set["a1"]
    data = dict(data)
    minus = data.pop("minus_menit", -30)
    data.setdefault("waktu", _lokal(r.waktu_rujuk - dt.timedelta(minutes=minus)))
    before = _snapshot()
    client.force_login(cast.bidan_a)
    response = client.post(reverse("kia:rujukan_status", args=[r.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _snapshot() == before


def test_refused_by_the_family_with_reason_then_final(client, cast, rujukan_set):
    r = rujukan_set["a1"]
    client.force_login(cast.bidan_a)
    t = r.waktu_rujuk + dt.timedelta(minutes=40)
    response = client.post(reverse("kia:rujukan_status", args=[r.pk]), {
        "status": "ditolak_keluarga", "waktu": _lokal(t), "alasan_penolakan": "jarak",
        "keterangan": "Rumah sakit terlalu jauh, tidak ada kendaraan."})
    assert response.status_code == 302
    r.refresh_from_db()
    assert (r.status, r.alasan_penolakan, r.keterangan_status) == (
        "ditolak_keluarga", "jarak", "Rumah sakit terlalu jauh, tidak ada kendaraan.")
    assert r.waktu_batal == t.replace(second=0, microsecond=0)
    content = client.get(reverse("kia:rujukan_detail", args=[r.pk])).content.decode()
    assert 'id="langkah-berikut"' not in content
    assert "Jarak" in content
    before = _snapshot()
    response = client.post(reverse("kia:rujukan_status", args=[r.pk]), {"status": "diterima", "waktu": _lokal(t)})
    assert response.status_code == 400
    assert _snapshot() == before


def test_arrived_then_handled_through_the_page(client, cast, rujukan_set):
    r = rujukan_set["a1"]
    client.force_login(cast.bikor_a)
    sampai = r.waktu_rujuk + dt.timedelta(hours=2)
    client.post(reverse("kia:rujukan_status", args=[r.pk]), {"status": "diterima", "waktu": _lokal(sampai)})
    response = client.post(reverse("kia:rujukan_status", args=[r.pk]),
                           {"status": "ditangani", "waktu": _lokal(sampai + dt.timedelta(minutes=15))})
    assert response.status_code == 302
    r.refresh_from_db()
    assert r.status == StatusRujukan.DITANGANI
    assert r.waktu_ditangani - r.waktu_diterima == dt.timedelta(minutes=15)


def test_the_time_field_defaults_to_now(client, cast, rujukan_set):
    client.force_login(cast.bidan_a)
    response = client.get(reverse("kia:rujukan_detail", args=[rujukan_set["a1"].pk]))
    form = response.context["langkah_forms"][0]
    now = timezone.localtime().replace(tzinfo=None)  # the field shows local time, without a zone
    assert dt.timedelta(0) <= now - form["waktu"].value() < dt.timedelta(minutes=2)


# --- Create and edit ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_create_page_by_scope_of_the_mother(client, cast, ibu_set, role):
    client.force_login(getattr(cast, role))
    for attr, ibu in ibu_set.items():
        assert client.get(reverse("kia:rujukan_create", args=[ibu.pk])).status_code == _expected(role, attr), attr


@pytest.mark.parametrize("role", ROLES)
def test_create_post_by_scope_refused_changes_nothing(client, cast, ibu_set, dukun_set, role):
    client.force_login(getattr(cast, role))
    for attr, ibu in ibu_set.items():
        before = _snapshot()
        response = client.post(reverse("kia:rujukan_create", args=[ibu.pk]), _data(cast, getattr(dukun_set, attr)))
        if _expected(role, attr) == 200:
            assert response.status_code == 302, (attr, response.context and response.context["form"].errors)
            r = Rujukan.objects.get(ibu=ibu)
            assert response["Location"] == reverse("kia:rujukan_detail", args=[r.pk])
            assert (r.status, r.dicatat_oleh, r.kelurahan) == ("dirujuk", getattr(cast, role), ibu.kelurahan)
            assert r.tanda_bahaya == ["bengkak"]
        else:
            assert response.status_code == _expected(role, attr), attr
            assert _snapshot() == before


def test_create_form_offers_choices_of_the_mothers_puskesmas(client, cast, ibu_set, dukun_set):
    k = KehamilanFactory(ibu=ibu_set["a1"])
    client.force_login(cast.bidan_a)
    response = client.get(reverse("kia:rujukan_create", args=[ibu_set["a1"].pk]))
    form = response.context["form"]
    assert [d.nama for d in form.fields["dukun"].queryset] == ["Siti Rohmah"]
    assert "Ratna Juwita" not in {b.nama for b in form.fields["bidan"].queryset}
    assert "Sri Mulyani" in {b.nama for b in form.fields["bidan"].queryset}
    fasilitas = {f.nama for f in form.fields["fasilitas_tujuan"].queryset}
    assert "RSUD Raden Mattaher" in fasilitas and "Puskesmas Pakuan Baru" not in fasilitas
    assert form.initial["dukun"] == dukun_set.a1.pk
    assert form.initial["bidan"] == cast.profil_bidan_a.pk
    assert form.initial["kehamilan"] == k.pk
    assert abs(form.initial["waktu_rujuk"] - timezone.localtime()) < dt.timedelta(minutes=2)
    content = response.content.decode()
    assert 'type="datetime-local"' in content and "WIB" in content


@pytest.mark.parametrize("overrides,field", [
    ({"dukun": ""}, "dukun"),
    ({"jenis": "bidan_fasilitas"}, "fasilitas_tujuan"),
    ({"waktu_rujuk": ""}, "waktu_rujuk"),
    ({"tanda_bahaya": ["lainnya"]}, "tanda_bahaya_lainnya"),
    ({"tanda_bahaya": ["pusing"]}, "tanda_bahaya"),
    ({"jenis": "ke_dukun"}, "jenis"),
])
def test_create_bad_input_400_keeping_what_was_typed(client, cast, ibu_set, dukun_set, overrides, field):
    client.force_login(cast.bidan_a)
    response = client.post(reverse("kia:rujukan_create", args=[ibu_set["a1"].pk]),
                           _data(cast, dukun_set.a1, **overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert "Kaki bengkak dan pusing" in response.content.decode()
    assert not Rujukan.objects.exists()


def test_create_future_time_is_refused(client, cast, ibu_set, dukun_set):
    client.force_login(cast.bidan_a)
    response = client.post(reverse("kia:rujukan_create", args=[ibu_set["a1"].pk]), _data(
        cast, dukun_set.a1, waktu_rujuk=_lokal(timezone.now() + dt.timedelta(hours=2))))
    assert response.status_code == 400
    assert "Waktu tidak boleh di masa depan." in response.context["form"].errors["waktu_rujuk"]


def test_create_choices_outside_the_puskesmas_are_refused(client, cast, ibu_set, dukun_set):
    client.force_login(cast.admin)
    for overrides, field in (({"dukun": dukun_set.b1.pk}, "dukun"), ({"bidan": cast.profil_bidan_b.pk}, "bidan"),
                             ({"jenis": "bidan_fasilitas", "fasilitas_tujuan": cast.induk_b.pk}, "fasilitas_tujuan")):
        data = _data(cast, dukun_set.a1)
        data.update(overrides)
        response = client.post(reverse("kia:rujukan_create", args=[ibu_set["a1"].pk]), data)
        assert response.status_code == 400
        assert field in response.context["form"].errors
    assert not Rujukan.objects.exists()


def test_facility_referral_by_a_bidan(client, cast, ibu_set):
    client.force_login(cast.bidan_a)
    response = client.post(reverse("kia:rujukan_create", args=[ibu_set["a1"].pk]), _data(
        cast, None, jenis="bidan_fasilitas", bidan=cast.profil_bidan_a.pk, fasilitas_tujuan=cast.rs_a.pk,
        tanda_bahaya=["kejang", "lainnya"], tanda_bahaya_lainnya="Pandangan kabur"))
    assert response.status_code == 302
    r = Rujukan.objects.get()
    assert (r.jenis, r.fasilitas_tujuan, r.tanda_bahaya_lainnya) == ("bidan_fasilitas", cast.rs_a, "Pandangan kabur")


@pytest.mark.parametrize("role", ROLES)
def test_update_by_scope_refused_changes_nothing(client, cast, rujukan_set, dukun_set, role):
    client.force_login(getattr(cast, role))
    for attr, r in rujukan_set.items():
        url = reverse("kia:rujukan_update", args=[r.pk])
        assert client.get(url).status_code == _expected(role, attr), attr
        before = _snapshot()
        response = client.post(url, _data(cast, getattr(dukun_set, attr), bidan=r.bidan_id,
                                          kehamilan=r.kehamilan_id, waktu_rujuk=_lokal(r.waktu_rujuk),
                                          alasan="Diperbaiki", versi=_versi(r)))
        if _expected(role, attr) == 200:
            assert response.status_code == 302, attr
            r.refresh_from_db()
            assert (r.alasan, r.status) == ("Diperbaiki", "dirujuk")
        else:
            assert response.status_code == _expected(role, attr), attr
            assert _snapshot() == before


def test_update_cannot_put_the_referral_after_the_arrival(client, cast, rujukan_set, dukun_set):
    r = rujukan_set["a1"]
    services.rujukan_ubah_status(rujukan=r, status=StatusRujukan.DITERIMA, waktu=r.waktu_rujuk + dt.timedelta(hours=1))
    before = _snapshot()
    client.force_login(cast.bidan_a)
    response = client.post(reverse("kia:rujukan_update", args=[r.pk]), _data(
        cast, dukun_set.a1, waktu_rujuk=_lokal(r.waktu_rujuk + dt.timedelta(hours=2)), versi=_versi(r)))
    assert response.status_code == 400
    assert "Waktu sampai harus sesudah waktu dirujuk." in response.content.decode()
    assert _snapshot() == before


# --- The referral slip (PDF) --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_slip_in_scope_404_outside_nik_by_role(client, cast, rujukan_set, role):
    client.force_login(getattr(cast, role))
    for attr, r in rujukan_set.items():
        response = client.get(reverse("kia:rujukan_pdf", args=[r.pk]))
        if attr not in VISIBLE[role]:
            assert response.status_code == 404, attr
            continue
        assert response.status_code == 200, attr
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == f'inline; filename="surat-rujukan-{r.pk}.pdf"'
        for value in response.headers.values():
            assert NIK[attr] not in value and NAMA[attr] not in value
        text, _pages = _pdf_text(response)
        if role in NIK_FULL:
            assert NIK[attr] in text
        else:
            assert MASK[attr] in text and NIK[attr] not in text


def test_slip_holds_what_the_receiving_bidan_needs(client, cast, rujukan_set):
    r = rujukan_set["a1"]
    client.force_login(cast.bidan_a)
    text, pages = _pdf_text(client.get(reverse("kia:rujukan_pdf", args=[r.pk])))
    assert pages == 1
    k = r.kehamilan
    for expected in (
        "SURAT RUJUKAN", "Puskesmas Aur Duri", "Rina Marlina", f"{r.ibu.umur} tahun", "Jl. Sumantri 7", "RT 004",
        "Penyengat Rendah", "Telanaipura", "G3 P1 A1", "Anemia", "Siti Rohmah", "Sri Mulyani",
        "Perdarahan sejak subuh", "Demam tinggi", "Cap jempol", "Yang merujuk", "Yang menerima",
        timezone.localtime(r.waktu_rujuk).strftime("%H.%M"), "WIB",
    ):
        assert expected in text, expected
    assert date_format(k.hpht, "j F Y") in text and date_format(k.hpl, "j F Y") in text


def test_slip_of_a_facility_referral_and_in_indonesian(client, cast, ibu_set):
    r = RujukanFactory(ibu=ibu_set["a1"], jenis=JenisRujukan.BIDAN_KE_FASILITAS, bidan=cast.profil_bidan_a,
                       fasilitas_tujuan=cast.rs_a)
    client.force_login(cast.bikor_a)
    client.cookies["django_language"] = "en"
    text, _pages = _pdf_text(client.get(reverse("kia:rujukan_pdf", args=[r.pk])))
    assert "RSUD Raden Mattaher" in text and "Sri Mulyani" in text
    assert "SURAT RUJUKAN" in text and "Yang merujuk" in text
    assert "Data kehamilan belum dicatat." in text  # she has no pregnancy recorded yet


def test_no_referral_page_links_a_nik(client, cast, rujukan_set, ibu_set):
    client.force_login(cast.bikor_a)
    for url in (reverse("kia:rujukan_list"), reverse("kia:rujukan_detail", args=[rujukan_set["a1"].pk]),
                reverse("kia:rujukan_update", args=[rujukan_set["a1"].pk]),
                reverse("kia:rujukan_create", args=[ibu_set["a1"].pk])):
        response = client.get(url)
        assert response.status_code == 200
        _assert_no_nik_in_urls_or_headers(response)


# --- Odd input answers 400 or a filter message, never 500 ------------------------------------------------


@pytest.mark.parametrize("bulan", ["0000-01", "9999-12"])
def test_list_month_out_of_range_is_a_message_not_an_error(client, cast, bulan):
    client.force_login(cast.bikor_a)
    response = client.get(reverse("kia:rujukan_list"), {"bulan": bulan})
    assert response.status_code == 200
    assert "Tulis bulan sebagai TTTT-BB" in response.content.decode()


def test_the_open_filter_lists_referred_and_arrived(client, cast, dukun_set):
    from kia.tests.factories import IbuFactory, RujukanFactory

    ibu = IbuFactory(kelurahan=cast.w.a1)
    terbuka = RujukanFactory(ibu=ibu, dukun=dukun_set.a1)
    selesai = RujukanFactory(ibu=ibu, dukun=dukun_set.a1, status="tidak_sampai", waktu_batal=timezone.now())
    client.force_login(cast.bikor_a)
    response = client.get(reverse("kia:rujukan_list"), {"status": "belum_selesai"})
    ids = {r.pk for r in response.context["page_obj"]}
    assert terbuka.pk in ids and selesai.pk not in ids


@pytest.mark.parametrize("status", ["%d", "%(x)s", "bukan_status"])
def test_a_nonsense_status_step_is_400(client, cast, dukun_set, status):
    from kia.tests.factories import IbuFactory, RujukanFactory

    r = RujukanFactory(ibu=IbuFactory(kelurahan=cast.w.a1), dukun=dukun_set.a1)
    client.force_login(cast.bikor_a)
    response = client.post(reverse("kia:rujukan_status", args=[r.pk]), {"status": status})
    assert response.status_code == 400
    r.refresh_from_db()
    assert r.status == "dirujuk"
