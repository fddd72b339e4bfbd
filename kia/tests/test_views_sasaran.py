"""The yearly targets page: every role reads its Puskesmas' targets, Dinkes of the district edits and uploads."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kia.importer import SASARAN_KOLOM
from kia.models import Sasaran
from kia.tests.factories import SasaranFactory
from puskesmas.tests.factories import KelurahanFactory

pytestmark = pytest.mark.django_db

ROLES = ["admin", "dinkes_a", "dinkes_c", "kapus_a", "bikor_a", "bikor_b", "bidan_a", "bidan_b"]
# Puskesmas A: who reads it (everyone in scope; a bidan her own Puskesmas) and who changes its targets.
READERS_A = {"admin", "dinkes_a", "kapus_a", "bikor_a", "bidan_a"}
WRITERS_A = {"admin", "dinkes_a"}
TAHUN = 2025


def _url(puskesmas=None, tahun=TAHUN) -> str:
    params = {"puskesmas": puskesmas.pk} if puskesmas is not None else {}
    params["tahun"] = tahun
    return reverse("kia:sasaran") + "?" + urlencode(params)


@pytest.fixture
def sasaran_a(cast):
    w = cast.w
    return [
        SasaranFactory(tahun=TAHUN, kelurahan=w.a1, ibu_hamil=120, ibu_bersalin=115, bayi_baru_lahir=110),
        SasaranFactory(tahun=TAHUN, kelurahan=w.a2, ibu_hamil=1080, ibu_bersalin=1031, bayi_baru_lahir=982),
        SasaranFactory(tahun=TAHUN - 1, kelurahan=w.a1, ibu_hamil=1, ibu_bersalin=1, bayi_baru_lahir=1),
        SasaranFactory(tahun=TAHUN, kelurahan=w.b1, ibu_hamil=7, ibu_bersalin=7, bayi_baru_lahir=7),
    ]


def _snapshot():
    return (sorted(Sasaran.objects.values_list("tahun", "kelurahan", "ibu_hamil", "ibu_bersalin", "bayi_baru_lahir")),
            Sasaran.history.count())


def _formset_data(cast, values: dict[str, tuple], tahun=TAHUN) -> dict:
    """The edit form's POST: Puskesmas A's kelurahan in the page's order (by name: Penyengat Rendah, Teluk Kenali)."""
    order = [cast.w.a1, cast.w.a2]
    data = {"sasaran-TOTAL_FORMS": "2", "sasaran-INITIAL_FORMS": "2", "sasaran-MIN_NUM_FORMS": "0",
            "sasaran-MAX_NUM_FORMS": "500", "aksi": "simpan"}
    for i, k in enumerate(order):
        data[f"sasaran-{i}-kelurahan"] = k.pk
        for name, value in zip(("ibu_hamil", "ibu_bersalin", "bayi_baru_lahir"), values.get(k.kode, ("", "", "")),
                               strict=True):
            data[f"sasaran-{i}-{name}"] = value
    return data


@pytest.mark.parametrize("role", ROLES)
def test_page_of_puskesmas_a_for_every_role(client, cast, sasaran_a, role):
    client.force_login(getattr(cast, role))

    response = client.get(_url(cast.w.puskesmas_a))

    assert response.status_code == (200 if role in READERS_A else 404)
    if response.status_code == 200:
        html = response.content.decode()
        assert "Penyengat Rendah" in html and "Teluk Kenali" in html and "Pakuan Baru</td>" not in html
        assert ('id="form-sasaran"' in html) == (role in WRITERS_A)
        assert ('id="form-unggah-sasaran"' in html) == (role in WRITERS_A)
        assert response.context["can_write"] == (role in WRITERS_A)


def test_anonymous_is_sent_to_login(client, cast):
    response = client.get(_url(cast.w.puskesmas_a))

    assert response.status_code == 302
    assert response["Location"].startswith("/masuk/")


def test_table_shows_each_kelurahan_and_the_puskesmas_total(client, cast, sasaran_a):
    client.force_login(cast.kapus_a)

    response = client.get(_url(cast.w.puskesmas_a))

    html = response.content.decode()
    assert [(b["kelurahan"].nama, b["sasaran"].ibu_hamil) for b in response.context["baris"]] == [
        ("Penyengat Rendah", 120), ("Teluk Kenali", 1080)]
    assert response.context["total"] == {"ibu_hamil": 1200, "ibu_bersalin": 1146, "bayi_baru_lahir": 1092}
    assert '<th class="text-end">1.200</th><th class="text-end">1.146</th><th class="text-end">1.092</th>' in html
    assert "Belum ada sasaran" not in html


def test_the_edit_form_shows_figures_a_number_input_can_read(client, cast, sasaran_a):
    client.force_login(cast.dinkes_a)

    html = client.get(_url(cast.w.puskesmas_a)).content.decode()

    # Not "1.080": a number input reads the Indonesian thousands separator as a decimal point.
    assert 'name="sasaran-1-ibu_hamil" id="id_sasaran-1-ibu_hamil" value="1080"' in html
    assert 'aria-label="Ibu hamil Teluk Kenali"' in html


def test_saving_the_form_unchanged_writes_nothing(client, cast, sasaran_a):
    client.force_login(cast.dinkes_a)
    before = _snapshot()

    response = client.post(_url(cast.w.puskesmas_a), _formset_data(cast, {
        cast.w.a1.kode: ("120", "115", "110"), cast.w.a2.kode: ("1080", "1031", "982")}))

    assert response.status_code == 302
    assert _snapshot() == before


def test_another_year_without_targets_shows_the_empty_state(client, cast, sasaran_a):
    client.force_login(cast.bidan_a)

    response = client.get(_url(cast.w.puskesmas_a, tahun=TAHUN + 1))

    html = response.content.decode()
    assert f"Belum ada sasaran tahun {TAHUN + 1} untuk Puskesmas ini." in html
    assert "Sasaran ditetapkan oleh Dinas Kesehatan." in html
    assert response.context["total"] is None


def test_a_user_of_one_puskesmas_gets_it_without_choosing(client, cast, sasaran_a):
    client.force_login(cast.bikor_a)

    response = client.get(reverse("kia:sasaran") + f"?tahun={TAHUN}")

    assert response.context["puskesmas"] == cast.w.puskesmas_a
    assert 'id="pilih-puskesmas"' not in response.content.decode()


def test_dinkes_chooses_among_the_puskesmas_of_its_district(client, cast):
    client.force_login(cast.dinkes_a)

    response = client.get(reverse("kia:sasaran"))

    html = response.content.decode()
    assert response.status_code == 200 and response.context["puskesmas"] is None
    assert 'id="pilih-dulu"' in html
    assert "Aur Duri" in html and "Pakuan Baru" in html and "Sekernan" not in html


def test_without_a_choice_every_puskesmas_shows_its_year_totals(client, cast, django_assert_max_num_queries):
    from kia.tests.factories import SasaranFactory

    SasaranFactory(tahun=TAHUN, kelurahan=cast.w.a1, ibu_hamil=120, ibu_bersalin=115, bayi_baru_lahir=110)
    SasaranFactory(tahun=TAHUN, kelurahan=cast.w.a2, ibu_hamil=80, ibu_bersalin=76, bayi_baru_lahir=73)
    SasaranFactory(tahun=TAHUN - 1, kelurahan=cast.w.b1, ibu_hamil=99, ibu_bersalin=99, bayi_baru_lahir=99)
    SasaranFactory(tahun=TAHUN, kelurahan=cast.w.c1, ibu_hamil=50, ibu_bersalin=50, bayi_baru_lahir=50)
    client.force_login(cast.dinkes_a)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("kia:sasaran") + f"?tahun={TAHUN}")
    rows = {p.nama: (p.jumlah_kelurahan, p.ibu_hamil, p.ibu_bersalin, p.bayi_baru_lahir)
            for p in response.context["ikhtisar"]}
    assert rows == {"Aur Duri": (2, 200, 191, 183), "Pakuan Baru": (0, None, None, None)}
    assert f"?puskesmas={cast.w.puskesmas_a.pk}&amp;tahun={TAHUN}" in response.content.decode()


@pytest.mark.parametrize("tahun", ["abc", "1900", ""])
def test_a_senseless_year_falls_back_to_this_year(client, cast, tahun):
    from django.utils import timezone

    client.force_login(cast.kapus_a)

    response = client.get(reverse("kia:sasaran") + f"?tahun={tahun}")

    assert response.context["tahun"] == timezone.localdate().year


@pytest.mark.parametrize("pk", ["999999", "abc"])
def test_an_unknown_puskesmas_is_404(client, cast, pk):
    client.force_login(cast.admin)

    assert client.get(reverse("kia:sasaran") + f"?puskesmas={pk}").status_code == 404


# --- Editing ---------------------------------------------------------------------------------------


def test_dinkes_sets_the_targets_of_every_kelurahan_in_one_form(client, cast):
    client.force_login(cast.dinkes_a)
    data = _formset_data(cast, {cast.w.a1.kode: (120, 115, 110), cast.w.a2.kode: (80, 76, 73)})

    response = client.post(_url(cast.w.puskesmas_a), data)

    assert response.status_code == 302
    assert response["Location"] == _url(cast.w.puskesmas_a)
    assert _snapshot() == (sorted([(TAHUN, cast.w.a1.pk, 120, 115, 110), (TAHUN, cast.w.a2.pk, 80, 76, 73)]), 2)
    assert Sasaran.objects.get(kelurahan=cast.w.a1).puskesmas == cast.w.puskesmas_a
    page = client.get(response["Location"]).content.decode()
    assert f"Sasaran {TAHUN} Aur Duri disimpan: 2 kelurahan/desa berubah." in page

    response = client.post(_url(cast.w.puskesmas_a), data)  # the same figures again: nothing written
    assert "disimpan: 0 kelurahan/desa berubah." in client.get(response["Location"]).content.decode()
    assert Sasaran.history.count() == 2


def test_a_kelurahan_left_empty_gets_no_target(client, cast):
    client.force_login(cast.admin)

    response = client.post(_url(cast.w.puskesmas_a), _formset_data(cast, {cast.w.a2.kode: (80, 76, 73)}))

    assert response.status_code == 302
    assert list(Sasaran.objects.values_list("kelurahan", flat=True)) == [cast.w.a2.pk]


def test_a_changed_figure_keeps_history(client, cast, sasaran_a):
    client.force_login(cast.dinkes_a)

    client.post(_url(cast.w.puskesmas_a), _formset_data(cast, {
        cast.w.a1.kode: (125, 115, 110), cast.w.a2.kode: (1080, 1031, 982)}))

    s = Sasaran.objects.get(tahun=TAHUN, kelurahan=cast.w.a1)
    assert s.ibu_hamil == 125
    assert [h.ibu_hamil for h in s.history.all()] == [125, 120]
    assert Sasaran.objects.get(tahun=TAHUN, kelurahan=cast.w.a2).history.count() == 1


@pytest.mark.parametrize("values, message", [
    ({"a1": (120, "", 110)}, "Isi ketiga sasaran, atau kosongkan ketiganya."),
    ({"a1": (-1, 1, 1)}, "Pastikan nilai ini lebih besar dari atau sama dengan 0."),
    ({"a1": ("sepuluh", 1, 1)}, "Masukkan keseluruhan angka bilangan."),
])
def test_bad_figures_are_refused_and_kept_in_the_form(client, cast, values, message):
    client.force_login(cast.dinkes_a)
    data = _formset_data(cast, {getattr(cast.w, k).kode: v for k, v in values.items()})

    response = client.post(_url(cast.w.puskesmas_a), data)

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "Periksa kembali isian yang ditandai. Data belum disimpan." in html
    assert f'name="sasaran-0-ibu_hamil" id="id_sasaran-0-ibu_hamil" value="{values["a1"][0]}"' in html
    assert _snapshot() == ([], 0)


def test_a_saved_target_cannot_be_emptied(client, cast, sasaran_a):
    client.force_login(cast.dinkes_a)
    before = _snapshot()

    response = client.post(_url(cast.w.puskesmas_a), _formset_data(cast, {cast.w.a2.kode: (1080, 1031, 982)}))

    assert response.status_code == 400
    assert "Sasaran yang sudah tersimpan tidak dapat dikosongkan" in response.content.decode()
    assert _snapshot() == before


def test_a_form_made_for_other_kelurahan_is_refused(client, cast):
    client.force_login(cast.dinkes_a)
    data = _formset_data(cast, {cast.w.a1.kode: (1, 1, 1)})
    data["sasaran-1-kelurahan"] = cast.w.b1.pk

    response = client.post(_url(cast.w.puskesmas_a), data)

    assert response.status_code == 400
    assert "Daftar kelurahan/desa sudah berubah" in response.content.decode()
    assert _snapshot() == ([], 0)


@pytest.mark.parametrize("role, status", [
    ("kapus_a", 403), ("bikor_a", 403), ("bidan_a", 403), ("dinkes_c", 404), ("bikor_b", 404), ("bidan_b", 404),
])
def test_others_cannot_change_targets_and_nothing_changes(client, cast, sasaran_a, role, status):
    client.force_login(getattr(cast, role))
    before = _snapshot()

    response = client.post(_url(cast.w.puskesmas_a), _formset_data(cast, {
        cast.w.a1.kode: (1, 1, 1), cast.w.a2.kode: (1, 1, 1)}))
    upload = client.post(_url(cast.w.puskesmas_a), {"aksi": "unggah", "berkas": SimpleUploadedFile(
        "s.csv", f"{','.join(SASARAN_KOLOM)}\n{TAHUN},{cast.w.a1.kode},1,1,1\n".encode())})

    assert (response.status_code, upload.status_code) == (status, status)
    assert _snapshot() == before


def test_post_without_a_puskesmas_is_404(client, cast):
    client.force_login(cast.dinkes_a)

    assert client.post(reverse("kia:sasaran"), {"aksi": "simpan"}).status_code == 404


# --- Upload on the same page -------------------------------------------------------------------------


def _unggah(client, cast, lines: list[str], name="sasaran.csv"):
    content = ("\n".join([",".join(SASARAN_KOLOM), *lines]) + "\n").encode()
    return client.post(_url(cast.w.puskesmas_a), {"aksi": "unggah", "berkas": SimpleUploadedFile(name, content)})


def test_dinkes_uploads_a_targets_file(client, cast):
    client.force_login(cast.dinkes_a)

    response = _unggah(client, cast, [f"{TAHUN},{cast.w.a1.kode},120,115,110", f"{TAHUN},{cast.w.b1.kode},7,7,7"])

    assert response.status_code == 302
    assert "Sasaran diimpor. 2 baris: 2 sasaran baru, 0 diubah, 0 sama." in client.get(
        response["Location"]).content.decode()
    assert Sasaran.objects.count() == 2


def test_a_bad_targets_file_lists_its_errors_and_writes_nothing(client, cast):
    client.force_login(cast.dinkes_a)

    response = _unggah(client, cast, [f"{TAHUN},{cast.w.a1.kode},120,115,110", f"{TAHUN},{cast.w.c1.kode},1,1,1",
                                      f"{TAHUN},{cast.w.a1.kode},1,1,1"])

    assert response.status_code == 400
    html = response.content.decode()
    assert "2 kesalahan; tidak ada data yang disimpan." in html
    assert "Baris 3, kolom kode_kelurahan: kelurahan/desa 15.05.01.2001 di luar wilayah yang sasarannya boleh Anda " \
           "ubah." in html
    assert "Baris 4, kolom kode_kelurahan: sasaran 15.71.01.1010 tahun 2025 sudah ada pada baris 2." in html
    assert _snapshot() == ([], 0)


@pytest.mark.parametrize("name, content, message", [
    ("sasaran.pdf", b"x", "Unggah berkas .csv atau .xlsx."),
    ("sasaran.csv", b"tahun,kode_kelurahan\n2025,x\n", "Kolom wajib tidak ada"),
])
def test_an_unreadable_targets_file_is_refused(client, cast, name, content, message):
    client.force_login(cast.dinkes_a)

    response = client.post(_url(cast.w.puskesmas_a), {"aksi": "unggah", "berkas": SimpleUploadedFile(name, content)})

    assert response.status_code == 400
    assert message in response.content.decode()


# --- Query count -------------------------------------------------------------------------------------


def _kelurahan_tambahan(cast, n: int) -> None:
    from puskesmas.models import Kecamatan

    kecamatan = Kecamatan.objects.get(kode="15.71.01")
    for i in range(n):
        k = KelurahanFactory(kode=f"15.71.01.{2100 + i}", nama=f"Desa Uji {i:02d}", kecamatan=kecamatan,
                             puskesmas=cast.w.puskesmas_a)
        SasaranFactory(tahun=TAHUN, kelurahan=k)


@pytest.mark.parametrize("role", ["kapus_a", "dinkes_a"])
@pytest.mark.parametrize("n", [0, 38])
def test_query_count_does_not_grow_with_kelurahan(client, cast, sasaran_a, django_assert_max_num_queries, role, n):
    _kelurahan_tambahan(cast, n)
    client.force_login(getattr(cast, role))

    with django_assert_max_num_queries(14):
        response = client.get(_url(cast.w.puskesmas_a))

    assert len(response.context["baris"]) == n + 2


def test_a_form_of_another_length_is_told_to_reload_not_500(client, cast):
    data = _formset_data(cast, {cast.w.a1.kode: ("10", "10", "10")})
    data["sasaran-TOTAL_FORMS"] = "1"
    del data["sasaran-1-kelurahan"]
    before = _snapshot()
    client.force_login(cast.dinkes_a)
    response = client.post(reverse("kia:sasaran") + f"?puskesmas={cast.w.puskesmas_a.pk}&tahun={TAHUN}", data)
    assert response.status_code == 400
    assert "muat ulang" in response.content.decode()
    assert _snapshot() == before
