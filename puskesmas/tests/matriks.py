"""The access matrix: every URL the app serves, who may read and write it, and the world it is tried on.

One `Akses` entry per URL name (the Django admin is covered by one rule instead: every /admin/ URL sends
a non-staff user to the admin login). A new URL needs one line in `AKSES`; `test_matriks_akses.py` fails
while a URL name has no entry, or an entry names a URL that no longer exists.

An entry's `objek` builds the request for a place of the world: `objek(dunia, tempat, user, kasus)` returns a
`Sasaran` (URL kwargs, query string, POST data). Places are "a" (Puskesmas A, kelurahan a1), "b" (Puskesmas B,
kelurahan b1) and "c" (Puskesmas C, Muaro Jambi, kelurahan c1). Each role is tried on an object of its own
scope ("dalam") and on one outside it ("luar"), see `TEMPAT_PERAN`; bidan_a also on the records of the other
village of her own Puskesmas ("luar_desa", place "a2": kelurahan a2, served by another bidan).

Expectations (`harapan`):
- anonymous: a redirect to the login page (public entries: anything but a server error);
- a role in `tolak`: that status whatever the object (a denial by role, which reveals nothing);
- out of scope: 404, for GET and POST alike (a 403 there would confirm that the object exists);
- in scope: 200 for the roles in `baca` (GET); a POST by a role in `tulis` is accepted (200, 204, a redirect,
  or 400 for the empty form the matrix sends); any other role gets 403.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from django.apps import apps
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

PERAN = ["admin", "dinkes_a", "dinkes_c", "kapus_a", "bikor_a", "bikor_b", "bidan_a", "bidan_b"]
ANONIM = "anonim"

SEMUA = frozenset(PERAN)
BIDAN = frozenset({"bidan_a", "bidan_b"})
DINKES = frozenset({"admin", "dinkes_a", "dinkes_c"})
# Keep the bidan, facility, partnership, meeting and programme registries of a Puskesmas.
PENGELOLA = frozenset({"admin", "bikor_a", "bikor_b"})
# Record dukun, mothers, referrals and deliveries of a village.
PENCATAT = PENGELOLA | BIDAN
# Read the monitoring reports.
PENINJAU = SEMUA - BIDAN

# The object of its own scope ("dalam") and one outside ("luar") each role is tried on. The outsider of
# Puskesmas A is its neighbour B in the same city; Dinkes of Kota Jambi reads A and B, so its outsider is C.
TEMPAT_PERAN: dict[str, tuple[str, str | None]] = {
    ANONIM: ("a", None),
    "admin": ("a", None),
    "dinkes_a": ("a", "c"),
    "dinkes_c": ("c", "a"),
    "kapus_a": ("a", "b"),
    "bikor_a": ("a", "b"),
    "bikor_b": ("b", "a"),
    "bidan_a": ("a", "b"),
    "bidan_b": ("b", "a"),
}
# The places whose records each role reads: any marker of another place in a page it gets is a leak.
TEMPAT_TERLIHAT = {
    ANONIM: set(), "admin": {"a", "a2", "b", "c"}, "dinkes_a": {"a", "a2", "b"}, "dinkes_c": {"c"},
    "kapus_a": {"a", "a2"}, "bikor_a": {"a", "a2"}, "bikor_b": {"b"}, "bidan_a": {"a"}, "bidan_b": {"b"},
}
TEMPAT = ["a", "a2", "b", "c"]
# The records a bidan reads only for the villages she serves (the rest of the world is per Puskesmas).
ATTR_DESA = {"dukun", "kemitraan", "kit", "ibu", "kehamilan", "rujukan", "persalinan", "bayi", "kajian"}
PERAN_DESA = {"bidan_a": "a2"}

GET, POST = "GET", "POST"
OK_POST = frozenset({200, 204, 302, 400})
# A month long past, so that the approved report of the world does not lock the records the tests change.
BULAN_DISETUJUI = dt.date(2020, 1, 1)
BULAN_TERBUKA = "2020-03"


@dataclass(frozen=True)
class Sasaran:
    kwargs: dict = field(default_factory=dict)
    query: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Akses:
    nama: str
    objek: Callable | None = None
    metode: frozenset = frozenset({GET})
    baca: frozenset = SEMUA
    tulis: frozenset = frozenset()
    tolak: dict = field(default_factory=dict)
    ok_get: frozenset = frozenset({200})
    publik: bool = False
    luar: dict = field(default_factory=dict)  # method → statuses out of scope, when not 404 (a search)


# --- Builders of a request for a place ---------------------------------------------------------------


def pk(attr: str, kwarg: str = "pk") -> Callable:
    """The primary key of the place's `attr` as a URL kwarg."""
    def bangun(d, t, u, k):
        return Sasaran(kwargs={kwarg: getattr(d.tempat[t], attr).pk})
    bangun.attr = attr
    return bangun


def q(attr: str, nama: str = "puskesmas", **extra) -> Callable:
    """The place's `attr` in the query string (and in the POST data, for the forms that read it there)."""
    def bangun(d, t, u, k):
        nilai = getattr(d.tempat[t], attr).pk
        return Sasaran(query={nama: nilai, **extra}, data={nama: nilai, **extra})
    return bangun


def data(attr: str, nama: str, **extra) -> Callable:
    return lambda d, t, u, k: Sasaran(data={nama: getattr(d.tempat[t], attr).pk, **extra})


def dua(attr: str, kwarg: str, attr2: str, kwarg2: str) -> Callable:
    return lambda d, t, u, k: Sasaran(kwargs={kwarg: getattr(d.tempat[t], attr).pk,
                                              kwarg2: getattr(d.tempat[t], attr2).pk})


def bulan(kode: str, **extra) -> Callable:
    return lambda d, t, u, k: Sasaran(kwargs={"pk": d.tempat[t].puskesmas.pk, "bulan": kode}, data=extra)


def milik_sendiri(d, t, u, k) -> Sasaran:
    """A notification: "dalam" is the user's own, "luar" one addressed to somebody else (the administrator)."""
    if k == "luar" or u is None:
        return Sasaran(kwargs={"pk": d.notifikasi["admin"].pk})
    return Sasaran(kwargs={"pk": d.notifikasi[u.username].pk})


def nik(d, t, u, k) -> Sasaran:
    return Sasaran(data={"nik": d.tempat[t].ibu.nik})


def sesi(d, t, u, k) -> Sasaran:
    """A session of another device: "dalam" the user's own, "luar" the administrator's (made in the test)."""
    from akun.models import SesiPengguna

    pemilik = d.cast.admin if k == "luar" or u is None else u
    baris = SesiPengguna.objects.create(user=pemilik, session_key=f"matriks{pemilik.pk:08d}{k}"[:40])
    return Sasaran(kwargs={"pk": baris.pk})


def tetap(**kwargs) -> Callable:
    """Fixed URL kwargs that name nothing in anyone's scope (a file format): tried once per role."""
    def bangun(d, t, u, k):
        return Sasaran(kwargs=kwargs)
    bangun.tanpa_lingkup = True
    return bangun


def form(nama: str, objek: Callable | None, penulis: frozenset, **kw) -> Akses:
    """A form page (GET shows it, POST saves it) open only to those who may write."""
    return Akses(nama, objek, frozenset({GET, POST}), baca=penulis, tulis=penulis, **kw)


def aksi(nama: str, objek: Callable | None, penulis: frozenset, **kw) -> Akses:
    """A POST-only endpoint (buttons, htmx)."""
    return Akses(nama, objek, frozenset({POST}), baca=frozenset(), tulis=penulis, **kw)


TOLAK_BIDAN = {"bidan_a": 403, "bidan_b": 403}
TOLAK_NON_DINKES = {r: 403 for r in SEMUA - DINKES}

AKSES: list[Akses] = [
    # Public.
    Akses("healthz", publik=True),
    Akses("login", publik=True),
    Akses("logout", metode=frozenset({POST}), publik=True),
    Akses("set_language", metode=frozenset({GET, POST}), publik=True),
    Akses("home"),
    # puskesmas/
    Akses("puskesmas:list"),
    form("puskesmas:import", None, DINKES),
    Akses("puskesmas:detail", pk("puskesmas")),
    Akses("puskesmas:fasilitas_list"),
    form("puskesmas:fasilitas_create", None, PENGELOLA),
    Akses("puskesmas:fasilitas_detail", pk("fasilitas")),
    form("puskesmas:fasilitas_update", pk("fasilitas"), PENGELOLA),
    Akses("puskesmas:bidan_list", q("puskesmas")),
    form("puskesmas:bidan_create", None, PENGELOLA),
    Akses("puskesmas:bidan_detail", pk("bidan")),
    form("puskesmas:bidan_update", pk("bidan"), PENGELOLA),
    # dukun/
    Akses("dukun:list"),
    form("dukun:create", None, PENCATAT),
    Akses("dukun:peta"),
    Akses("dukun:detail", pk("dukun")),
    form("dukun:update", pk("dukun"), PENCATAT),
    # laporan/
    Akses("laporan:daftar_dukun_xlsx", q("puskesmas")),
    aksi("laporan:daftar_dukun_pdf", data("puskesmas", "puskesmas"), SEMUA),
    Akses("laporan:unduhan_list"),
    # A scheduled report belongs to its Puskesmas' reviewers; a bidan sees only what she asked for herself.
    Akses("laporan:unduhan_detail", pk("unduhan"), tolak={"bidan_a": 404, "bidan_b": 404}),
    Akses("laporan:unduhan_file", pk("unduhan"), tolak={"bidan_a": 404, "bidan_b": 404}),
    Akses("laporan:bulanan", q("puskesmas"), baca=PENINJAU, tolak=TOLAK_BIDAN),
    aksi("laporan:bulanan_minta", bulan(BULAN_TERBUKA, format="pdf"), PENINJAU, tolak=TOLAK_BIDAN),
    form("laporan:bulanan_setujui", bulan(BULAN_TERBUKA), frozenset({"kapus_a"}), tolak=TOLAK_BIDAN),
    form("laporan:bulanan_buka", bulan(f"{BULAN_DISETUJUI:%Y-%m}"), frozenset({"admin", "dinkes_a", "dinkes_c",
                                                                               "kapus_a"}), tolak=TOLAK_BIDAN),
    aksi("laporan:bulanan_render_ulang", bulan(f"{BULAN_DISETUJUI:%Y-%m}"),
         frozenset({"admin", "dinkes_a", "dinkes_c", "kapus_a"}), tolak=TOLAK_BIDAN),
    Akses("laporan:bulanan_berkas", pk("laporan"), baca=PENINJAU, tolak=TOLAK_BIDAN),
    Akses("laporan:kabupaten", q("kabupaten", "kabupaten"), baca=DINKES, tolak=TOLAK_NON_DINKES),
    aksi("laporan:kabupaten_minta", q("kabupaten", "kabupaten", tahun="2020", bulan="2", format="pdf"), DINKES,
         tolak=TOLAK_NON_DINKES),
    # dasbor/: the district dashboard is only in a Dinkes' scope, the Puskesmas one not in a bidan's.
    Akses("dasbor:index", ok_get=frozenset({200, 302})),
    Akses("dasbor:puskesmas", pk("puskesmas"), baca=PENINJAU, tolak={"bidan_a": 404, "bidan_b": 404}),
    Akses("dasbor:kabupaten", pk("kabupaten", "kode"), baca=DINKES, tolak={r: 404 for r in SEMUA - DINKES}),
    Akses("dasbor:kelurahan", pk("kelurahan", "kode")),
    # kemitraan/
    Akses("kemitraan:list"),
    form("kemitraan:create", None, PENGELOLA),
    Akses("kemitraan:detail", pk("kemitraan")),
    form("kemitraan:update", pk("kemitraan"), PENGELOLA),
    form("kemitraan:akhiri", pk("kemitraan"), PENGELOLA),
    Akses("kemitraan:pdf", pk("kemitraan")),
    Akses("kemitraan:penghargaan_list"),
    form("kemitraan:penghargaan_create", None, PENGELOLA),
    Akses("kemitraan:penghargaan_detail", pk("penghargaan")),
    form("kemitraan:penghargaan_update", pk("penghargaan"), PENGELOLA),
    # kemitraan/pertemuan/
    Akses("pertemuan:list"),
    form("pertemuan:create", None, PENGELOLA),
    Akses("pertemuan:detail", pk("pertemuan")),
    form("pertemuan:update", pk("pertemuan"), PENGELOLA),
    form("pertemuan:laksanakan", pk("pertemuan"), PENGELOLA),
    form("pertemuan:batal", pk("pertemuan"), PENGELOLA),
    form("pertemuan:hapus", pk("pertemuan"), PENGELOLA),
    aksi("pertemuan:hadir_bidan", dua("pertemuan", "pk", "bidan", "bidan_pk"), PENGELOLA),
    aksi("pertemuan:hadir_dukun", dua("pertemuan", "pk", "dukun", "dukun_pk"), PENGELOLA),
    aksi("pertemuan:lintas_sektor_tambah", pk("pertemuan"), PENGELOLA),
    aksi("pertemuan:lintas_sektor_hapus", dua("pertemuan", "pk", "peserta", "peserta_pk"), PENGELOLA),
    aksi("pertemuan:lampiran_unggah", pk("pertemuan"), PENGELOLA),
    aksi("pertemuan:tindak_lanjut_tambah", pk("pertemuan"), PENGELOLA),
    Akses("pertemuan:lampiran", pk("lampiran")),
    aksi("pertemuan:lampiran_hapus", pk("lampiran"), PENGELOLA),
    Akses("pertemuan:tindak_lanjut_list"),
    Akses("pertemuan:tindak_lanjut_saya"),
    form("pertemuan:tindak_lanjut_tutup", pk("tindak_lanjut"), PENGELOLA),
    # kemitraan/program/: lists by ?puskesmas=, create forms for the Puskesmas in ?puskesmas=.
    Akses("program:input", q("puskesmas")),
    Akses("program:jadwal", q("puskesmas")),
    form("program:rencana", q("puskesmas"), PENGELOLA),
    Akses("program:dana", q("puskesmas")),
    form("program:anggaran_create", q("puskesmas"), PENGELOLA),
    Akses("program:anggaran_detail", pk("anggaran")),
    form("program:anggaran_update", pk("anggaran"), PENGELOLA),
    form("program:pengeluaran_create", q("puskesmas"), PENGELOLA),
    Akses("program:pengeluaran_detail", pk("pengeluaran")),
    form("program:pengeluaran_update", pk("pengeluaran"), PENGELOLA),
    Akses("program:sarana_list", q("puskesmas")),
    form("program:sarana_create", q("puskesmas"), PENGELOLA),
    Akses("program:sarana_detail", pk("sarana")),
    form("program:sarana_update", pk("sarana"), PENGELOLA),
    Akses("program:kit_list", q("puskesmas")),
    form("program:kit_create", q("puskesmas"), PENGELOLA),
    Akses("program:kit_detail", pk("kit")),
    form("program:kit_update", pk("kit"), PENGELOLA),
    Akses("program:pelatihan_list", q("puskesmas")),
    form("program:pelatihan_create", q("puskesmas"), PENGELOLA),
    Akses("program:pelatihan_detail", pk("pelatihan")),
    form("program:pelatihan_update", pk("pelatihan"), PENGELOLA),
    Akses("program:notifikasi_list"),
    aksi("program:notifikasi_baca_semua", None, SEMUA),
    aksi("program:notifikasi_baca", milik_sendiri, SEMUA),
    aksi("program:notifikasi_buka", milik_sendiri, SEMUA),
    # kia/
    Akses("kia:ibu_list"),
    form("kia:ibu_create", None, PENCATAT),
    # A NIK search names nobody in the URL: outside the scope it simply finds nothing (400, no redirect).
    form("kia:ibu_cari_nik", nik, PENCATAT, tolak={"dinkes_a": 403, "dinkes_c": 403, "kapus_a": 403},
         luar={GET: frozenset({200}), POST: frozenset({400})}),
    Akses("kia:ibu_detail", pk("ibu")),
    form("kia:ibu_update", pk("ibu"), PENCATAT),
    form("kia:kehamilan_create", pk("ibu"), PENCATAT),
    form("kia:kehamilan_update", pk("kehamilan"), PENCATAT),
    Akses("kia:rujukan_list"),
    form("kia:rujukan_create", pk("ibu", "ibu"), PENCATAT),
    Akses("kia:rujukan_detail", pk("rujukan")),
    form("kia:rujukan_update", pk("rujukan"), PENCATAT),
    aksi("kia:rujukan_status", pk("rujukan"), PENCATAT),
    Akses("kia:rujukan_pdf", pk("rujukan")),
    Akses("kia:persalinan_list"),
    form("kia:persalinan_create", pk("ibu", "ibu"), PENCATAT),
    Akses("kia:persalinan_detail", pk("persalinan")),
    form("kia:persalinan_update", pk("persalinan"), PENCATAT),
    form("kia:bayi_update", pk("bayi"), PENCATAT),
    Akses("kia:kajian_list"),
    Akses("kia:kajian_detail", pk("kajian"), metode=frozenset({GET, POST}),
          tulis=frozenset({"admin", "bikor_a", "bikor_b", "kapus_a"})),
    form("kia:impor_persalinan", None, DINKES | {"bikor_a", "bikor_b"},
         tolak={"kapus_a": 403, **TOLAK_BIDAN}),
    Akses("kia:impor_templat", tetap(fmt="csv"), baca=DINKES | {"bikor_a", "bikor_b"},
          tolak={"kapus_a": 403, **TOLAK_BIDAN}),
    Akses("kia:sasaran", q("puskesmas"), metode=frozenset({GET, POST}), tulis=DINKES),
    # akun/: each user's own sessions and two-step login (Dinkes and the administrator cannot switch it off).
    Akses("akun:sesi_list"),
    aksi("akun:sesi_akhiri", sesi, SEMUA),
    aksi("akun:sesi_akhiri_lainnya", None, SEMUA),
    form("akun:ganti_sandi", None, SEMUA),
    Akses("akun:dua_langkah"),
    form("akun:dua_langkah_atur", None, SEMUA),
    form("akun:dua_langkah_verifikasi", None, SEMUA, ok_get=frozenset({200, 302})),
    aksi("akun:dua_langkah_kode_cadangan", None, SEMUA),
    aksi("akun:dua_langkah_nonaktifkan", None, SEMUA - DINKES),
    # audit/: who read a mother's record (scope first, then the role).
    Akses("audit:jejak_list", baca=DINKES | {"kapus_a"}),
    Akses("audit:ibu_pembaca", pk("ibu"), baca=DINKES | {"kapus_a"}),
]


def harapan(akses: Akses, peran: str, kasus: str, metode: str) -> frozenset[int]:
    """The statuses the app may answer; `kasus` is "dalam" (own scope), "luar" (outside) or "-" (no object)."""
    if peran == ANONIM:
        return frozenset({302})
    if metode not in akses.metode:
        return frozenset({405})
    if peran in akses.tolak:
        return frozenset({akses.tolak[peran]})
    if kasus.startswith("luar"):
        return akses.luar.get(metode, frozenset({404}))
    if metode == GET:
        return akses.ok_get if peran in akses.baca else frozenset({403})
    return OK_POST if peran in akses.tulis else frozenset({403})


def kasus_untuk(akses: Akses, peran: str) -> list[str]:
    if akses.objek is None or getattr(akses.objek, "tanpa_lingkup", False):
        return ["-"]
    dalam, luar = TEMPAT_PERAN[peran]
    desa = peran in PERAN_DESA and getattr(akses.objek, "attr", None) in ATTR_DESA
    return ["dalam"] + (["luar"] if luar else []) + (["luar_desa"] if desa else [])


def tempat_untuk(peran: str, kasus: str) -> str:
    """The place whose object the role is tried on ("-": its own, for builders that need one)."""
    dalam, luar = TEMPAT_PERAN[peran]
    if kasus == "luar_desa":
        return PERAN_DESA[peran]
    return luar if kasus == "luar" else dalam


# --- The URLs the app serves ---------------------------------------------------------------------------


def semua_pola(patterns=None, prefix: str = "", ns: str | None = None):
    """(route, name, pattern) of every URL, namespaces included."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            sub = f"{ns}:{p.namespace}" if ns and p.namespace else (p.namespace or ns)
            yield from semua_pola(p.url_patterns, prefix + str(p.pattern), sub)
        elif isinstance(p, URLPattern):
            nama = f"{ns}:{p.name}" if ns and p.name else p.name
            yield prefix + str(p.pattern), nama, p


def nama_url_aplikasi() -> dict[str, str]:
    """URL name → route of everything but the Django admin (a URL without a name gets its route as name)."""
    return {(nama or f"<tanpa nama> {route}"): route for route, nama, _p in semua_pola()
            if not route.startswith("admin/")}


def url_admin() -> list[str]:
    """A concrete path for every named admin URL (ids filled with 1, app labels with a registered one)."""
    from django.contrib import admin
    from django.urls import NoReverseMatch, reverse

    app_label = sorted({m._meta.app_label for m in admin.site._registry})[0]
    out = []
    for route, nama, p in semua_pola():
        if not route.startswith("admin/") or not nama:
            continue
        kwargs = {}
        for key, conv in getattr(p.pattern, "converters", {}).items():
            kwargs[key] = 1 if conv.regex == "[0-9]+" else "1"
        if "app_label" in p.pattern.regex.groupindex:
            kwargs["app_label"] = app_label
        try:
            out.append(reverse(nama, kwargs=kwargs))
        except NoReverseMatch:
            out.append("/" + route.replace("^", "").replace("$", ""))
    return sorted(set(out))


# --- The world ---------------------------------------------------------------------------------------------

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def penanda(tempat: str) -> str:
    """A word in the names of a place's records: seen in a page of someone outside that place, it is a leak."""
    return "RahasiaDesa" if tempat == "a2" else f"Rahasia{tempat.upper()}"


def bangun_dunia(cast) -> SimpleNamespace:
    """Records of every kind in A (kelurahan a1), B (b1) and C (c1), plus one notification per user."""
    from dukun.tests.factories import DukunFactory
    from kemitraan.models import LampiranPertemuan, Notifikasi, StatusPertemuan
    from kemitraan.tests.factories import (
        AnggaranDanaFactory,
        KemitraanFactory,
        PelatihanFactory,
        PemberianKitFactory,
        PengeluaranDanaFactory,
        PenghargaanSanksiFactory,
        PertemuanFactory,
        PesertaLintasSektorFactory,
        SaranaFactory,
        TindakLanjutFactory,
    )
    from kia.models import JenisKajian, KajianKasus
    from kia.tests.factories import BayiFactory, IbuFactory, KehamilanFactory, PersalinanFactory, RujukanFactory
    from laporan.models import JenisUnduhan, LaporanBulanan, StatusLaporan, StatusUnduhan, Unduhan

    w = cast.w
    d = SimpleNamespace(cast=cast, tempat={}, berkas={})
    asal = {
        "a": (w.puskesmas_a, w.a1, cast.profil_bidan_a, cast.induk_a, w.kota),
        "b": (w.puskesmas_b, w.b1, cast.profil_bidan_b, cast.induk_b, w.kota),
        "c": (w.puskesmas_c, w.c1, cast.profil_bidan_c, cast.induk_c, w.muaro),
    }
    for t, (puskesmas, kelurahan, bidan, fasilitas, kabupaten) in asal.items():
        r = penanda(t)
        o = SimpleNamespace(puskesmas=puskesmas, kelurahan=kelurahan, bidan=bidan, fasilitas=fasilitas,
                            kabupaten=kabupaten)
        o.dukun = DukunFactory(nama=f"Dukun {r}", kelurahan=kelurahan, dikenal_oleh=[bidan])
        o.dukun_lain = DukunFactory(nama=f"Dukun lain {r}", kelurahan=kelurahan)  # not in a partnership yet
        o.kemitraan = KemitraanFactory(bidan=bidan, dukun=o.dukun)
        o.penghargaan = PenghargaanSanksiFactory(kemitraan=o.kemitraan, bentuk=f"Teguran {r}")
        o.pertemuan = PertemuanFactory(puskesmas=puskesmas, status=StatusPertemuan.DIRENCANAKAN,
                                       waktu_rencana=timezone.now() + dt.timedelta(days=7), tempat=f"Aula {r}")
        o.peserta = PesertaLintasSektorFactory(pertemuan=o.pertemuan, nama=f"Lurah {r}")
        o.tindak_lanjut = TindakLanjutFactory(pertemuan=o.pertemuan, uraian=f"Tindak lanjut {r}")
        nama_lampiran = f"pertemuan/{o.pertemuan.pk}/foto-{t}.png"
        o.lampiran = LampiranPertemuan.objects.create(
            pertemuan=o.pertemuan, jenis="foto", berkas=nama_lampiran, nama_asli=f"foto-{r}.png", ukuran=len(PNG),
            tipe_konten="image/png",
        )
        d.berkas[nama_lampiran] = PNG
        o.anggaran = AnggaranDanaFactory(puskesmas=puskesmas)
        o.pengeluaran = PengeluaranDanaFactory(anggaran=o.anggaran, uraian=f"Konsumsi {r}")
        o.sarana = SaranaFactory(puskesmas=puskesmas, nama=f"Buku {r}")
        o.kit = PemberianKitFactory(dukun=o.dukun, isi=f"Kit {r}")
        o.pelatihan = PelatihanFactory(puskesmas=puskesmas, topik=f"Pelatihan {r}")
        o.pelatihan.peserta_bidan.set([bidan])
        o.pelatihan.peserta_dukun.set([o.dukun])
        o.ibu = IbuFactory(nama=f"Ibu {r}", kelurahan=kelurahan, nik=f"{kelurahan.kecamatan_id.replace('.', '')}"
                           f"570596000{'abc'.index(t) + 1}")
        o.kehamilan = KehamilanFactory(ibu=o.ibu)
        o.rujukan = RujukanFactory(ibu=o.ibu, dukun=o.dukun, kehamilan=o.kehamilan)
        o.persalinan = PersalinanFactory(ibu=o.ibu, bidan=bidan, fasilitas=fasilitas, kehamilan=o.kehamilan)
        o.bayi = BayiFactory(persalinan=o.persalinan)
        o.kajian = KajianKasus.objects.create(
            jenis=JenisKajian.DUKUN_SENDIRI, kunci=f"matriks:{t}", persalinan=o.persalinan, kelurahan=kelurahan,
            puskesmas=puskesmas,
        )
        berkas_laporan = f"laporan/matriks-{t}.pdf"
        o.laporan = LaporanBulanan.objects.create(
            puskesmas=puskesmas, bulan=BULAN_DISETUJUI, status=StatusLaporan.DISETUJUI, berkas_pdf=berkas_laporan,
            checksum="0" * 64, disetujui_pada=timezone.now(),
        )
        berkas_unduhan = f"unduhan/matriks-{t}.pdf"
        o.unduhan = Unduhan.objects.create(
            jenis=JenisUnduhan.LAPORAN_BULANAN_PDF, puskesmas=puskesmas, periode=f"{BULAN_DISETUJUI:%Y-%m}",
            status=StatusUnduhan.COMPLETE, berkas=berkas_unduhan, selesai_pada=timezone.now(),
        )
        d.berkas[berkas_laporan] = d.berkas[berkas_unduhan] = PDF
        d.tempat[t] = o
    # The other village of Puskesmas A: its own bidan, dukun and mother, none of them bidan_a's.
    r = penanda("a2")
    o = SimpleNamespace(puskesmas=w.puskesmas_a, kelurahan=w.a2, bidan=cast.profil_bidan_a2, fasilitas=cast.pustu_a2,
                        kabupaten=w.kota)
    o.dukun = DukunFactory(nama=f"Dukun {r}", kelurahan=w.a2, dikenal_oleh=[o.bidan])
    o.kemitraan = KemitraanFactory(bidan=o.bidan, dukun=o.dukun)
    o.kit = PemberianKitFactory(dukun=o.dukun, isi=f"Kit {r}")
    o.ibu = IbuFactory(nama=f"Ibu {r}", kelurahan=w.a2, nik="1571015705960004")
    o.kehamilan = KehamilanFactory(ibu=o.ibu)
    o.rujukan = RujukanFactory(ibu=o.ibu, dukun=o.dukun, kehamilan=o.kehamilan)
    o.persalinan = PersalinanFactory(ibu=o.ibu, bidan=o.bidan, fasilitas=o.fasilitas, kehamilan=o.kehamilan)
    o.bayi = BayiFactory(persalinan=o.persalinan)
    o.kajian = KajianKasus.objects.create(jenis=JenisKajian.DUKUN_SENDIRI, kunci="matriks:a2",
                                          persalinan=o.persalinan, kelurahan=w.a2, puskesmas=w.puskesmas_a)
    d.tempat["a2"] = o
    d.notifikasi = {
        peran: Notifikasi.objects.create(penerima=getattr(cast, peran), kunci=f"matriks:{peran}",
                                         judul=f"Notifikasi {peran}", tautan="/")
        for peran in PERAN
    }
    return d


def tulis_berkas(dunia, root: Path) -> None:
    """(Re)write the world's private files: a test may delete one (a lampiran), the next still needs it."""
    for nama, isi in dunia.berkas.items():
        path = root / nama
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(isi)


# --- "Nothing written": a fingerprint of every table of the app's own data --------------------------------

# Tables that legitimately change on any request (sessions, login tracking, audit of reads and denials).
APP_TANPA_SIDIK = {"sessions", "axes", "admin", "audit", "akun", "otp_static", "otp_totp", "contenttypes", "auth"}
MODEL_TANPA_SIDIK = {"puskesmas.user"}  # last_login moves at every login; its rows are counted


def sidik_data() -> dict[str, str]:
    """Per table: its row count and a digest of all its rows, on any database.

    The rows are read as the database driver gives them and digested here (sorted by their text, so the
    order the database returns them in does not matter): the same check on SQLite and PostgreSQL."""
    out = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            meta = model._meta
            if meta.app_label in APP_TANPA_SIDIK or not meta.managed or meta.proxy:
                continue
            tabel = connection.ops.quote_name(meta.db_table)
            if meta.label_lower in MODEL_TANPA_SIDIK:
                cursor.execute(f"SELECT count(*) FROM {tabel}")
                out[meta.db_table] = f"{cursor.fetchone()[0]}:"
                continue
            cursor.execute(f"SELECT * FROM {tabel}")
            # bytes, not the driver's memoryview (whose repr is an address) should a binary column appear.
            baris = sorted(repr(tuple(bytes(v) if isinstance(v, memoryview) else v for v in row))
                           for row in cursor.fetchall())
            digest = hashlib.sha256("\n".join(baris).encode()).hexdigest()
            out[meta.db_table] = f"{len(baris)}:{digest}"
    return out


# --- Forged POSTs: a valid form of A with one foreign key pointing at B ------------------------------------


def nilai_form(form) -> dict:
    """What the browser would send for the form as shown (its initial or instance values), formsets included."""
    from django import forms as djforms

    data = {}
    for name, field_ in form.fields.items():
        key = form.add_prefix(name)
        value = form[name].value()
        if isinstance(field_.widget, djforms.CheckboxInput):
            if value:
                data[key] = "on"
            continue
        if value is None or isinstance(field_, djforms.FileField):
            continue
        if isinstance(value, list | tuple):
            data[key] = [str(getattr(v, "pk", v)) for v in value]
        else:
            data[key] = str(getattr(value, "pk", value))
    return data


def nilai_formset(formset) -> dict:
    data = nilai_form(formset.management_form)
    for f in formset.forms:
        data.update(nilai_form(f))
    return data
