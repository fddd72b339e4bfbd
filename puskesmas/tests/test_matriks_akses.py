"""Every URL the app serves × every role × an object in scope and one out of scope (see matriks.py).

The world is built once for the module inside an outer transaction (each test runs in a savepoint of it and
rolls back), so some three thousand requests stay within about three minutes of CPU.
Also here: forged POSTs naming another Puskesmas' records write nothing, and POSTs without a CSRF token are
refused.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from conftest import bangun_cast, bangun_wilayah
from puskesmas.tests import matriks as m
from puskesmas.tests.matriks import AKSES, ANONIM, GET, PERAN, POST

# Leaks found by the matrix, left for their owners to fix: (URL name, role, case, method) → what leaks.
# Each turns its case into xfail(strict=True), so the fix shows up as an XPASS that fails the run.
TEMUAN: dict[tuple[str, str, str, str], str] = {}


@pytest.fixture(scope="module")
def dunia(django_db_setup, django_db_blocker, tmp_path_factory):
    root = tmp_path_factory.mktemp("matriks-privat")
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            d = m.bangun_dunia(bangun_cast(bangun_wilayah()))
            d.root = root
            yield d
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def siap(dunia, db, settings):
    """The world, with the private files where the views look for them."""
    settings.PRIVATE_MEDIA_ROOT = dunia.root
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": dunia.root}},
    }
    m.tulis_berkas(dunia, dunia.root)
    return dunia


def _klien(dunia, peran: str, **kwargs) -> Client:
    client = Client(**kwargs)
    if peran != ANONIM:
        client.force_login(getattr(dunia.cast, peran))
    return client


def _minta(client: Client, akses: m.Akses, sasaran: m.Sasaran, metode: str):
    url = reverse(akses.nama, kwargs=sasaran.kwargs)
    if metode == GET:
        return client.get(url, sasaran.query)
    if sasaran.query:
        url = f"{url}?{urlencode(sasaran.query)}"
    return client.post(url, sasaran.data)


def _sasaran(dunia, akses: m.Akses, peran: str, kasus: str) -> m.Sasaran:
    if akses.objek is None:
        return m.Sasaran()
    user = None if peran == ANONIM else getattr(dunia.cast, peran)
    return akses.objek(dunia, m.tempat_untuk(peran, kasus), user, kasus)


def _bocor(response, peran: str) -> list[str]:
    """Markers of places outside the role's scope found in a text response."""
    if not response.get("Content-Type", "").startswith(("text/", "application/json")):
        return []
    isi = response.content.decode("utf-8", "replace")
    return [m.penanda(t) for t in m.TEMPAT if t not in m.TEMPAT_TERLIHAT[peran] and m.penanda(t) in isi]


def _params(metode: str):
    out = []
    for akses in AKSES:
        if metode == POST and POST not in akses.metode:
            continue
        for peran in [ANONIM, *PERAN]:
            kasus_list = m.kasus_untuk(akses, peran)
            if metode not in akses.metode:
                kasus_list = kasus_list[:1]  # 405 before any object is looked at: once per role is enough
            for kasus in kasus_list:
                alasan = TEMUAN.get((akses.nama, peran, kasus, metode))
                marks = [pytest.mark.xfail(strict=True, reason=alasan)] if alasan else []
                out.append(pytest.param(akses, peran, kasus, id=f"{akses.nama}|{peran}|{kasus}", marks=marks))
    return out


def _periksa(dunia, akses: m.Akses, peran: str, kasus: str, metode: str) -> None:
    sasaran = _sasaran(dunia, akses, peran, kasus)
    client = _klien(dunia, peran)
    sebelum = m.sidik_data() if metode == POST else None
    response = _minta(client, akses, sasaran, metode)
    status = response.status_code
    # Field names only: the NIK search posts a NIK, which must not reach any output.
    konteks = (f"{metode} {akses.nama} kwargs={sasaran.kwargs} query={sasaran.query} data={sorted(sasaran.data)} "
               f"as {peran} ({kasus}) answered {status}")
    assert not _bocor(response, peran), f"{konteks}: shows records of {_bocor(response, peran)}"
    if akses.publik:
        assert status < 500, konteks
        return
    diharapkan = m.harapan(akses, peran, kasus, metode)
    assert status in diharapkan, f"{konteks}, expected {sorted(diharapkan)}"
    if peran == ANONIM:
        assert response.url.startswith(reverse("login")), f"{konteks}: redirects to {response.url}"
    if metode == POST and (peran == ANONIM or status in (400, 403, 404, 405)):
        assert m.sidik_data() == sebelum, f"{konteks}: refused, yet data changed"


def test_setiap_url_punya_entri_dan_setiap_entri_ada_urlnya():
    """A URL added without an entry in matriks.AKSES (or an entry left for a removed URL) fails here."""
    di_aplikasi = m.nama_url_aplikasi()
    di_matriks = [a.nama for a in AKSES]
    assert len(di_matriks) == len(set(di_matriks)), "duplicate entries"
    tanpa_entri = sorted(set(di_aplikasi) - set(di_matriks))
    assert not tanpa_entri, f"URLs without an entry in puskesmas/tests/matriks.py AKSES: {tanpa_entri}"
    basi = sorted(set(di_matriks) - set(di_aplikasi))
    assert not basi, f"entries for URLs that no longer exist: {basi}"


@pytest.mark.parametrize("akses,peran,kasus", _params(GET))
def test_get(siap, akses, peran, kasus):
    _periksa(siap, akses, peran, kasus, GET)


@pytest.mark.parametrize("akses,peran,kasus", _params(POST))
def test_post(siap, akses, peran, kasus):
    _periksa(siap, akses, peran, kasus, POST)


# --- The Django admin: staff only ------------------------------------------------------------------


@pytest.mark.parametrize("url", m.url_admin())
def test_admin_hanya_untuk_staf(siap, url):
    login = reverse("admin:login")
    if url.startswith(login):
        return
    # Leaving the admin sends a non-staff user to its index, which sends her to the login.
    tujuan = reverse("admin:index") if url == reverse("admin:logout") else login
    for peran in [ANONIM, *(p for p in PERAN if not getattr(siap.cast, p).is_staff)]:
        response = _klien(siap, peran).get(url)
        assert response.status_code == 302 and response.url.startswith(tujuan), \
            f"GET {url} as {peran} answered {response.status_code}"


def test_admin_dibuka_staf(siap):
    """The rule above is not vacuous: the administrator does get the admin."""
    assert _klien(siap, "admin").get(reverse("admin:index")).status_code == 200


# --- CSRF ------------------------------------------------------------------------------------------


def _penulis(akses: m.Akses) -> str:
    for peran in ("bikor_a", "bidan_a", "kapus_a", "dinkes_a", "admin"):
        if peran in akses.tulis or akses.publik:
            return peran
    raise AssertionError(f"{akses.nama}: nobody writes")


@pytest.mark.parametrize("akses", [pytest.param(a, id=a.nama) for a in AKSES if POST in a.metode])
def test_post_tanpa_token_csrf_ditolak(siap, akses):
    peran = _penulis(akses)
    sasaran = _sasaran(siap, akses, peran, "dalam" if akses.objek else "-")
    client = _klien(siap, peran, enforce_csrf_checks=True)
    sebelum = m.sidik_data()
    response = _minta(client, akses, sasaran, POST)
    assert response.status_code == 403, f"POST {akses.nama} as {peran} without a token: {response.status_code}"
    assert m.sidik_data() == sebelum


# --- Forged foreign keys -----------------------------------------------------------------------------------


def _segar(obj):
    return type(obj)._default_manager.get(pk=obj.pk)


def _form_dukun(d, u, a):
    from dukun.forms import DukunForm
    return DukunForm(instance=_segar(a.dukun), user=u)


def _form_ibu(d, u, a):
    from kia.forms_ibu import IbuForm
    return IbuForm(instance=_segar(a.ibu), user=u)


def _form_kehamilan(d, u, a):
    from kia.forms_ibu import KehamilanForm
    return KehamilanForm(instance=_segar(a.kehamilan), user=u, ibu=_segar(a.ibu))


def _form_rujukan(d, u, a):
    from kia.forms_rujukan import RujukanForm
    return RujukanForm(instance=_segar(a.rujukan), user=u, ibu=_segar(a.ibu))


def _data_persalinan(d, u, a):
    from kia.forms_persalinan import BayiFormSet, PersalinanForm, bayi_awal
    persalinan = _segar(a.persalinan)
    form = PersalinanForm(instance=persalinan, user=u, ibu=_segar(a.ibu))
    formset = BayiFormSet(prefix="bayi", initial=bayi_awal(persalinan), baru=False)
    return {**m.nilai_form(form), **m.nilai_formset(formset)}


def _form_pertemuan(d, u, a):
    from kemitraan.forms_pertemuan import PertemuanForm
    return PertemuanForm(instance=_segar(a.pertemuan), user=u)


def _form_kemitraan(d, u, a):
    from kemitraan.forms_kemitraan import KemitraanForm
    return KemitraanForm(instance=_segar(a.kemitraan), user=u)


def _form_penghargaan(d, u, a):
    from kemitraan.forms_kemitraan import PenghargaanForm
    return PenghargaanForm(instance=_segar(a.penghargaan), user=u)


def _form_pengeluaran(d, u, a):
    from kemitraan.forms_program import PengeluaranForm
    return PengeluaranForm(instance=_segar(a.pengeluaran), user=u, puskesmas=a.puskesmas)


def _form_kit(d, u, a):
    from kemitraan.forms_program import PemberianKitForm
    return PemberianKitForm(instance=_segar(a.kit), user=u, puskesmas=a.puskesmas)


def _form_pelatihan(d, u, a):
    from kemitraan.forms_program import PelatihanForm
    return PelatihanForm(instance=_segar(a.pelatihan), user=u, puskesmas=a.puskesmas)


def _form_fasilitas(d, u, a):
    from puskesmas.forms import FasilitasForm
    return FasilitasForm(instance=_segar(a.fasilitas), user=u)


def _form_bidan(d, u, a):
    from puskesmas.forms import BidanForm
    return BidanForm(instance=_segar(a.bidan), user=u)


def _tindak_lanjut(d, u, a):
    return {"tl-uraian": "Kunjungi dukun bersama", "tl-penanggung_jawab": f"bidan:{a.bidan.pk}",
            "tl-tenggat": str(a.pertemuan.waktu_rencana.date() + dt.timedelta(days=14))}


@dataclass(frozen=True)
class Palsu:
    """A POST by `peran` to `url` with A's valid data in which `kolom` names B's object instead."""

    url: str
    peran: str
    data: Callable  # (dunia, user, place a) → form or dict of the valid submission
    kolom: dict  # field → (place b → the value naming B's object)
    kwargs: Callable = lambda a: {}
    query: Callable = lambda a: {}
    buat: bool = False  # a create form: A's values as a new record (no version, a fresh one-time token)
    ubah: dict = field(default_factory=dict)  # values that make the copy a new record (a unique name)


PK = lambda attr: (lambda b: str(getattr(b, attr).pk))  # noqa: E731
PKS = lambda attr: (lambda b: [str(getattr(b, attr).pk)])  # noqa: E731
PUSKESMAS_A = lambda a: {"puskesmas": a.puskesmas.pk}  # noqa: E731

PALSU = [
    Palsu("dukun:create", "bikor_a", _form_dukun, {"kelurahan": PK("kelurahan"), "dikenal_oleh": PKS("bidan")},
          buat=True),
    Palsu("dukun:update", "bidan_a", _form_dukun, {"kelurahan": PK("kelurahan"), "dikenal_oleh": PKS("bidan")},
          kwargs=lambda a: {"pk": a.dukun.pk}),
    Palsu("kia:ibu_create", "bidan_a", _form_ibu, {"kelurahan": PK("kelurahan"), "dukun": PK("dukun")}, buat=True,
          ubah={"nama": "Ibu Baru Sekali", "tanggal_lahir": "1999-02-03", "nik": "", "tetap_simpan": "on"}),
    Palsu("kia:ibu_update", "bidan_a", _form_ibu, {"kelurahan": PK("kelurahan"), "dukun": PK("dukun")},
          kwargs=lambda a: {"pk": a.ibu.pk}),
    Palsu("kia:kehamilan_update", "bidan_a", _form_kehamilan, {"dukun": PK("dukun")},
          kwargs=lambda a: {"pk": a.kehamilan.pk}),
    Palsu("kia:rujukan_create", "bidan_a", _form_rujukan,
          {"dukun": PK("dukun"), "bidan": PK("bidan"), "fasilitas_tujuan": PK("fasilitas"),
           "kehamilan": PK("kehamilan")}, kwargs=lambda a: {"ibu": a.ibu.pk}, buat=True),
    Palsu("kia:rujukan_update", "bikor_a", _form_rujukan,
          {"dukun": PK("dukun"), "bidan": PK("bidan"), "fasilitas_tujuan": PK("fasilitas"),
           "kehamilan": PK("kehamilan")}, kwargs=lambda a: {"pk": a.rujukan.pk}),
    Palsu("kia:persalinan_update", "bidan_a", _data_persalinan,
          {"fasilitas": PK("fasilitas"), "bidan": PK("bidan"), "dukun": PK("dukun"), "rujukan": PK("rujukan"),
           "kehamilan": PK("kehamilan")}, kwargs=lambda a: {"pk": a.persalinan.pk}),
    Palsu("pertemuan:create", "bikor_a", _form_pertemuan, {"puskesmas": PK("puskesmas")}, buat=True,
          ubah={"puskesmas": lambda a: str(a.puskesmas.pk)}),
    Palsu("kemitraan:create", "bikor_a", _form_kemitraan, {"dukun": PK("dukun_lain"), "bidan": PK("bidan")},
          buat=True, ubah={"dukun": lambda a: str(a.dukun_lain.pk)}),
    Palsu("kemitraan:penghargaan_create", "bikor_a", _form_penghargaan, {"kemitraan": PK("kemitraan")}, buat=True),
    Palsu("kemitraan:penghargaan_update", "bikor_a", _form_penghargaan, {"kemitraan": PK("kemitraan")},
          kwargs=lambda a: {"pk": a.penghargaan.pk}),
    Palsu("program:pengeluaran_create", "bikor_a", _form_pengeluaran,
          {"anggaran": PK("anggaran"), "pertemuan": PK("pertemuan"), "pelatihan": PK("pelatihan")},
          query=PUSKESMAS_A, buat=True),
    Palsu("program:pengeluaran_update", "bikor_a", _form_pengeluaran,
          {"anggaran": PK("anggaran"), "pertemuan": PK("pertemuan"), "pelatihan": PK("pelatihan")},
          kwargs=lambda a: {"pk": a.pengeluaran.pk}),
    Palsu("program:kit_create", "bikor_a", _form_kit, {"dukun": PK("dukun")}, query=PUSKESMAS_A, buat=True),
    Palsu("program:kit_update", "bikor_a", _form_kit, {"dukun": PK("dukun")}, kwargs=lambda a: {"pk": a.kit.pk}),
    Palsu("program:pelatihan_create", "bikor_a", _form_pelatihan,
          {"peserta_bidan": PKS("bidan"), "peserta_dukun": PKS("dukun")}, query=PUSKESMAS_A, buat=True),
    Palsu("program:pelatihan_update", "bikor_a", _form_pelatihan,
          {"peserta_bidan": PKS("bidan"), "peserta_dukun": PKS("dukun")}, kwargs=lambda a: {"pk": a.pelatihan.pk}),
    Palsu("puskesmas:fasilitas_create", "bikor_a", _form_fasilitas,
          {"puskesmas": PK("puskesmas"), "kelurahan": lambda b: str(b.c1.pk)}, buat=True,
          ubah={"nama": "Pustu Baru Sekali"}),
    Palsu("puskesmas:fasilitas_update", "bikor_a", _form_fasilitas,
          {"puskesmas": PK("puskesmas"), "kelurahan": lambda b: str(b.c1.pk)},
          kwargs=lambda a: {"pk": a.fasilitas.pk}),
    Palsu("puskesmas:bidan_create", "bikor_a", _form_bidan,
          {"fasilitas": PK("fasilitas"), "kelurahan_layanan": PKS("kelurahan"),
           "kelurahan_domisili": lambda b: str(b.c1.pk)}, buat=True, ubah={"nama": "Bidan Baru", "nomor_str": ""}),
    Palsu("puskesmas:bidan_update", "bikor_a", _form_bidan,
          {"fasilitas": PK("fasilitas"), "kelurahan_layanan": PKS("kelurahan"),
           "kelurahan_domisili": lambda b: str(b.c1.pk)}, kwargs=lambda a: {"pk": a.bidan.pk}),
    Palsu("pertemuan:tindak_lanjut_tambah", "bikor_a", _tindak_lanjut,
          {"tl-penanggung_jawab": lambda b: f"bidan:{b.bidan.pk}"}, kwargs=lambda a: {"pk": a.pertemuan.pk}),
]


def _kasus_palsu():
    for p in PALSU:
        for kolom in p.kolom:
            alasan = TEMUAN.get((p.url, p.peran, f"palsu:{kolom}", POST))
            marks = [pytest.mark.xfail(strict=True, reason=alasan)] if alasan else []
            yield pytest.param(p, kolom, id=f"{p.url}|{p.peran}|{kolom}", marks=marks)


@pytest.mark.parametrize("palsu,kolom", list(_kasus_palsu()))
def test_post_dengan_kunci_asing_di_luar_lingkup_tidak_menulis(siap, palsu, kolom):
    a, b = siap.tempat["a"], siap.tempat["b"]
    b_plus = SimpleNamespace(**vars(b), c1=siap.cast.w.c1)
    user = getattr(siap.cast, palsu.peran)
    client = _klien(siap, palsu.peran)
    url = reverse(palsu.url, kwargs=palsu.kwargs(a))
    query = palsu.query(a)
    if query:
        url = f"{url}?{urlencode(query)}"

    sah = palsu.data(siap, user, a)
    sah = sah if isinstance(sah, dict) else m.nilai_form(sah)
    for key, value in palsu.ubah.items():
        sah[key] = value(a) if callable(value) else value
    if palsu.buat:
        sah.pop("versi", None)
        sah["token_kirim"] = str(uuid.uuid4())
    nilai = palsu.kolom[kolom](b_plus)
    palsu_data = {**sah, kolom: nilai}

    sebelum = m.sidik_data()
    response = client.post(url, palsu_data)
    assert response.status_code in (400, 404), \
        f"POST {palsu.url} as {palsu.peran} with {kolom} of B answered {response.status_code}"
    assert m.sidik_data() == sebelum, f"POST {palsu.url} with {kolom} of B changed data"

    # The same submission naming A's own object is accepted: the refusal above was the foreign key's.
    if palsu.buat:
        sah["token_kirim"] = str(uuid.uuid4())
    response = client.post(url, sah)
    galat = response.context["form"].errors if response.context and "form" in response.context else ""
    assert response.status_code == 302, f"control POST {palsu.url} answered {response.status_code} {galat}"
    assert m.sidik_data() != sebelum


@pytest.mark.parametrize("url,kwargs_palsu,kwargs_sah", [
    ("pertemuan:hadir_bidan", lambda a, b: {"pk": a.pertemuan.pk, "bidan_pk": b.bidan.pk},
     lambda a: {"pk": a.pertemuan.pk, "bidan_pk": a.bidan.pk}),
    ("pertemuan:hadir_dukun", lambda a, b: {"pk": a.pertemuan.pk, "dukun_pk": b.dukun.pk},
     lambda a: {"pk": a.pertemuan.pk, "dukun_pk": a.dukun.pk}),
    ("pertemuan:lintas_sektor_hapus", lambda a, b: {"pk": a.pertemuan.pk, "peserta_pk": b.peserta.pk},
     lambda a: {"pk": a.pertemuan.pk, "peserta_pk": a.peserta.pk}),
], ids=["hadir_bidan", "hadir_dukun", "lintas_sektor_hapus"])
def test_post_dengan_id_luar_lingkup_di_url_tidak_menulis(siap, url, kwargs_palsu, kwargs_sah):
    """A's meeting with B's bidan, dukun or attendee in the URL: not found, nothing written."""
    a, b = siap.tempat["a"], siap.tempat["b"]
    client = _klien(siap, "bikor_a")
    sebelum = m.sidik_data()
    response = client.post(reverse(url, kwargs=kwargs_palsu(a, b)), {"hadir": "1"})
    assert response.status_code == 404
    assert m.sidik_data() == sebelum
    # A's own bidan, dukun or attendee is found (the meeting, planned for next week, may still refuse it).
    response = client.post(reverse(url, kwargs=kwargs_sah(a)), {"hadir": "1"})
    assert response.status_code in (302, 400)


def test_ubah_pertemuan_tidak_memindahkan_ke_puskesmas_lain(siap):
    """The edit form has no Puskesmas field: a forged one is ignored, the meeting stays with A."""
    from kemitraan.models import Pertemuan

    a, b = siap.tempat["a"], siap.tempat["b"]
    data = {**m.nilai_form(_form_pertemuan(siap, siap.cast.bikor_a, a)), "puskesmas": str(b.puskesmas.pk)}
    response = _klien(siap, "bikor_a").post(reverse("pertemuan:update", kwargs={"pk": a.pertemuan.pk}), data)
    assert response.status_code in (302, 400)
    assert Pertemuan.objects.get(pk=a.pertemuan.pk).puskesmas_id == a.puskesmas.pk


@pytest.mark.parametrize("url", ["dukun:list", "kia:ibu_list", "kia:persalinan_list", "pertemuan:list",
                                 "kemitraan:list"])
def test_penanda_tampil_di_dalam_lingkup(siap, url):
    """The leak check is not vacuous: a list shows the markers of the places its reader sees."""
    isi = _klien(siap, "admin").get(reverse(url)).content.decode()
    assert all(m.penanda(t) in isi for t in "abc"), url
    isi = _klien(siap, "bikor_a").get(reverse(url)).content.decode()
    assert m.penanda("a") in isi and m.penanda("b") not in isi, url
