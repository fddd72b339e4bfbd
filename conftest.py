"""The fixed cast every test uses, and settings that tests need.

Puskesmas A (Kota Jambi) serves kelurahan A1 and A2; Puskesmas B (also Kota Jambi) serves B1;
Puskesmas C lies in another district (Kabupaten Muaro Jambi) and serves C1.
Users: admin; dinkes_a (Kota Jambi); dinkes_c (Muaro Jambi); kapus_a and bikor_a (Puskesmas A);
bidan_a (serves A1 only, works at the induk of A); bidan_b (Puskesmas B, the outsider);
anonymous is simply the unauthenticated client.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

# After the whole run, no NIK-shaped number may appear in the logs (the run fails otherwise).
pytest_plugins = ["audit.pengawas_log"]


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    # The default storage (uploads) points there too, so no test writes into the project's var/.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": settings.PRIVATE_MEDIA_ROOT}},
    }
    settings.LANGUAGE_CODE = "id"


# A session opened by `client.force_login` counts as having passed the second login step.
# Two-step login is enforced by default (production), and about 2,700 tests log Dinkes and admin in
# with force_login, which skips the login form and therefore the code: without this, every one of them
# would land on the authenticator set-up page. The bypass lives only here: the test client writes a
# marker into its session and the middleware's one "is verified" question is widened to accept it.
# Sessions logged in through the real form (browser tests, akun/tests) are untouched. Tests that prove
# the enforcement request the fixture `dua_langkah_ditegakkan` (akun/tests/conftest.py), which turns
# this off.
FORCE_LOGIN_MARKER = "_uji_force_login"


@pytest.fixture(autouse=True)
def _force_login_lewati_dua_langkah(request, monkeypatch):
    if "dua_langkah_ditegakkan" in request.fixturenames:
        return
    from django.test import Client

    from akun.middleware import TwoFactorRequiredMiddleware

    force_login = Client.force_login

    def force_login_terverifikasi(self, user, backend=None):
        force_login(self, user, backend)
        session = self.session
        session[FORCE_LOGIN_MARKER] = True
        session.save()

    monkeypatch.setattr(Client, "force_login", force_login_terverifikasi)
    monkeypatch.setattr(
        TwoFactorRequiredMiddleware, "sudah_terverifikasi",
        lambda self, request: request.user.is_verified() or request.session.get(FORCE_LOGIN_MARKER, False),
    )


@pytest.fixture(autouse=True)
def _jam_tetap(request):
    """`@pytest.mark.jam("2026-11-18T10:00+07:00")`: the test runs on a clock that starts at that instant and
    ticks (datetime, date.today, time.time; also inside the live server's thread). A test whose outcome
    depends on the hour or the date it runs at takes a fixed one, so that it passes at any hour
    (`make test-jam` runs the suite at the hours a date turns over to prove it)."""
    penanda = request.node.get_closest_marker("jam")
    if penanda is None:
        yield
        return
    from config.testenv import perjalanan_jam

    with perjalanan_jam(penanda.args[0], "@pytest.mark.jam"):
        yield


@pytest.fixture
def wilayah(db):
    return bangun_wilayah()


def bangun_wilayah() -> SimpleNamespace:
    """The regions and Puskesmas A, B, C (a plain function too, for module-scoped worlds)."""
    from puskesmas.tests.factories import (
        KabupatenFactory,
        KecamatanFactory,
        KelurahanFactory,
        ProvinsiFactory,
        PuskesmasFactory,
    )

    jambi = ProvinsiFactory(kode="15", nama="Jambi")
    kota = KabupatenFactory(kode="15.71", nama="Kota Jambi", provinsi=jambi)
    muaro = KabupatenFactory(kode="15.05", nama="Muaro Jambi", provinsi=jambi)
    kec_a = KecamatanFactory(kode="15.71.01", nama="Telanaipura", kabupaten=kota)
    kec_b = KecamatanFactory(kode="15.71.02", nama="Jambi Selatan", kabupaten=kota)
    kec_c = KecamatanFactory(kode="15.05.01", nama="Sekernan", kabupaten=muaro)
    ns = SimpleNamespace(provinsi=jambi, kota=kota, muaro=muaro)
    ns.puskesmas_a = PuskesmasFactory(kode="PA", nama="Aur Duri", kabupaten=kota)
    ns.puskesmas_b = PuskesmasFactory(kode="PB", nama="Pakuan Baru", kabupaten=kota)
    ns.puskesmas_c = PuskesmasFactory(kode="PC", nama="Sekernan", kabupaten=muaro)
    ns.a1 = KelurahanFactory(kode="15.71.01.1010", nama="Penyengat Rendah", kecamatan=kec_a, puskesmas=ns.puskesmas_a)
    ns.a2 = KelurahanFactory(kode="15.71.01.1003", nama="Teluk Kenali", kecamatan=kec_a, puskesmas=ns.puskesmas_a)
    ns.b1 = KelurahanFactory(kode="15.71.02.1006", nama="Pakuan Baru", kecamatan=kec_b, puskesmas=ns.puskesmas_b)
    ns.c1 = KelurahanFactory(kode="15.05.01.2001", nama="Sekernan", kecamatan=kec_c, puskesmas=ns.puskesmas_c)
    # A kelurahan of Kota Jambi in no wilayah kerja yet.
    ns.bebas = KelurahanFactory(kode="15.71.02.1002", nama="Pasir Putih", kecamatan=kec_b)
    return ns


@pytest.fixture
def cast(wilayah):
    return bangun_cast(wilayah)


def bangun_cast(wilayah) -> SimpleNamespace:
    from puskesmas.models import JenisFasilitas, Role
    from puskesmas.tests.factories import BidanFactory, FasilitasFactory, UserFactory

    w = wilayah
    ns = SimpleNamespace(w=w)
    ns.induk_a = FasilitasFactory(puskesmas=w.puskesmas_a, nama="Puskesmas Aur Duri", kelurahan=w.a1)
    ns.pustu_a2 = FasilitasFactory(puskesmas=w.puskesmas_a, jenis=JenisFasilitas.PUSTU, nama="Pustu Teluk Kenali",
                                   kelurahan=w.a2)
    ns.rs_a = FasilitasFactory(puskesmas=w.puskesmas_a, jenis=JenisFasilitas.RS, nama="RSUD Raden Mattaher")
    ns.induk_b = FasilitasFactory(puskesmas=w.puskesmas_b, nama="Puskesmas Pakuan Baru", kelurahan=w.b1)
    ns.induk_c = FasilitasFactory(puskesmas=w.puskesmas_c, nama="Puskesmas Sekernan", kelurahan=w.c1)

    ns.admin = UserFactory(username="admin", role=Role.ADMIN, is_superuser=True, is_staff=True)
    ns.dinkes_a = UserFactory(username="dinkes_a", role=Role.DINKES, kabupaten=w.kota)
    ns.dinkes_c = UserFactory(username="dinkes_c", role=Role.DINKES, kabupaten=w.muaro)
    ns.kapus_a = UserFactory(username="kapus_a", role=Role.KEPALA_PUSKESMAS, puskesmas=w.puskesmas_a)
    ns.bikor_a = UserFactory(username="bikor_a", role=Role.BIDAN_KOORDINATOR, puskesmas=w.puskesmas_a)
    ns.bikor_b = UserFactory(username="bikor_b", role=Role.BIDAN_KOORDINATOR, puskesmas=w.puskesmas_b)
    ns.bidan_a = UserFactory(username="bidan_a", role=Role.BIDAN)
    ns.bidan_b = UserFactory(username="bidan_b", role=Role.BIDAN)
    ns.profil_bidan_a = BidanFactory(nama="Sri Mulyani", fasilitas=ns.induk_a, kelurahan_layanan=[w.a1],
                                     kelurahan_domisili=w.a1, user=ns.bidan_a)
    ns.profil_bidan_a2 = BidanFactory(nama="Fitri Handayani", fasilitas=ns.pustu_a2, kelurahan_layanan=[w.a2],
                                      kelurahan_domisili=w.b1)
    ns.profil_bidan_b = BidanFactory(nama="Ratna Juwita", fasilitas=ns.induk_b, kelurahan_layanan=[w.b1],
                                     user=ns.bidan_b)
    ns.profil_bidan_c = BidanFactory(nama="Intan Permatasari", fasilitas=ns.induk_c, kelurahan_layanan=[w.c1])
    return ns


@pytest.fixture
def dukun_set(cast):
    return bangun_dukun_set(cast)


def bangun_dukun_set(cast) -> SimpleNamespace:
    """One dukun in each kelurahan: a1 (known to bidan_a), a2, b1, c1."""
    from dukun.tests.factories import DukunFactory

    w = cast.w
    return SimpleNamespace(
        a1=DukunFactory(nama="Siti Rohmah", kelurahan=w.a1, dikenal_oleh=[cast.profil_bidan_a]),
        a2=DukunFactory(nama="Halimah", kelurahan=w.a2),
        b1=DukunFactory(nama="Asiah", kelurahan=w.b1, dikenal_oleh=[cast.profil_bidan_b]),
        c1=DukunFactory(nama="Maimunah", kelurahan=w.c1),
    )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"],
    }
