"""`seed_demo`: fictional people on the real regions of Kota Jambi; safe to run again."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db.models import F

from dukun.models import Dukun
from puskesmas.management.commands.seed_demo import DEMO_PASSWORD
from puskesmas.models import Bidan, Fasilitas, JenisFasilitas, Kelurahan, Puskesmas, Role, User


@pytest.fixture(autouse=True)
def _tanpa_data_kia(monkeypatch):
    """Mothers and deliveries have their own tests (kia/tests/test_demo.py); seeding them adds ~14 s a test."""
    monkeypatch.setattr("kia.demo.seed_kia", lambda *args, **kwargs: 0)

AUR_DURI_KELURAHAN = {"15.71.01.1010", "15.71.01.1003", "15.71.01.1002"}


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(db):
    return _seed()


def _aur_duri() -> Puskesmas:
    return Puskesmas.objects.get(nama="Aur Duri")


def test_seed_loads_the_regions_of_jambi_when_missing(seeded):
    assert Kelurahan.objects.filter(kode__startswith="15.").count() == 1585
    assert not Kelurahan.objects.exclude(kode__startswith="15.").exists()


def test_seed_creates_puskesmas_aur_duri_with_its_three_kelurahan(seeded):
    aur_duri = _aur_duri()

    assert aur_duri.kabupaten_id == "15.71"
    assert aur_duri.zona_waktu == "Asia/Jakarta"
    assert set(aur_duri.wilayah_kerja.values_list("kode", flat=True)) == AUR_DURI_KELURAHAN
    assert set(aur_duri.wilayah_kerja.values_list("nama", flat=True)) == {
        "Penyengat Rendah", "Teluk Kenali", "Buluran Kenali",
    }


def test_seed_creates_the_facilities_of_aur_duri(seeded):
    fasilitas = Fasilitas.objects.filter(puskesmas=_aur_duri())
    per_jenis = {jenis: fasilitas.filter(jenis=jenis).count() for jenis in JenisFasilitas.values}

    assert per_jenis == {
        JenisFasilitas.INDUK: 1, JenisFasilitas.PUSTU: 2, JenisFasilitas.POSKESDES: 1,
        JenisFasilitas.PMB: 2, JenisFasilitas.RS: 1,
    }
    # Network facilities stand in the wilayah kerja; all of them pass the model's rules.
    for f in fasilitas:
        f.full_clean()
        if f.jenis != JenisFasilitas.RS:
            assert f.kelurahan_id in AUR_DURI_KELURAHAN


def test_seed_creates_fourteen_bidan_of_aur_duri_with_two_pmb_owners_living_in_the_area(seeded):
    bidan = Bidan.objects.filter(puskesmas=_aur_duri()).with_tinggal_di_wilayah()

    assert bidan.count() == 14
    pemilik = list(bidan.filter(pemilik_pmb=True).select_related("fasilitas"))
    assert len(pemilik) == 2
    for b in pemilik:
        assert b.fasilitas.jenis == JenisFasilitas.PMB
        assert b.tinggal_di_wilayah_layanan is True
        assert b.kelurahan_domisili_id in AUR_DURI_KELURAHAN
    # Every bidan serves only kelurahan of her own Puskesmas.
    layanan = Bidan.kelurahan_layanan.through.objects
    assert layanan.exists()
    assert not layanan.exclude(kelurahan__puskesmas=F("bidan__puskesmas")).exists()


def test_seed_creates_twelve_dukun_of_aur_duri(seeded):
    dukun = Dukun.objects.filter(kelurahan__puskesmas=_aur_duri())

    assert dukun.count() == 12
    assert set(dukun.values_list("kelurahan", flat=True)) == AUR_DURI_KELURAHAN
    assert not dukun.filter(dicatat_oleh__isnull=True).exists()
    for d in dukun.prefetch_related("dikenal_oleh"):
        d.full_clean()
        assert all(b.puskesmas_id == d.kelurahan.puskesmas_id for b in d.dikenal_oleh.all())


def test_seed_creates_one_more_puskesmas_with_its_own_registry(seeded):
    lain = Puskesmas.objects.exclude(pk=_aur_duri().pk)

    assert list(lain.values_list("nama", flat=True)) == ["Pakuan Baru"]
    assert Dukun.objects.filter(kelurahan__puskesmas=lain.get()).exists()
    assert Bidan.objects.filter(puskesmas=lain.get()).exists()


def test_seed_creates_one_login_per_role(seeded):
    users = list(User.objects.all())
    roles = [u.role for u in users]

    for role in Role.values:
        assert role in roles, role
    assert roles.count(Role.ADMIN) == 1
    assert roles.count(Role.DINKES) == 1
    assert roles.count(Role.KEPALA_PUSKESMAS) == 1
    for user in users:
        assert user.is_active
        assert user.check_password(DEMO_PASSWORD), user.username


def test_seed_logins_have_the_scope_their_role_needs(seeded):
    aur_duri = _aur_duri()

    assert User.objects.get(role=Role.ADMIN).is_superuser
    assert User.objects.get(role=Role.DINKES).kabupaten_id == "15.71"
    assert User.objects.get(role=Role.KEPALA_PUSKESMAS).puskesmas == aur_duri
    assert User.objects.get(username="bikor.aurduri").puskesmas == aur_duri
    bidan_user = User.objects.get(username="bidan.aurduri")
    assert bidan_user.role == Role.BIDAN
    assert bidan_user.bidan.puskesmas == aur_duri


def test_second_run_creates_nothing_and_adds_no_history(seeded):
    models = [Puskesmas, Fasilitas, Bidan, Dukun, User, Kelurahan]
    counts = {m.__name__: m.objects.count() for m in models}
    history = {m.__name__: m.history.count() for m in (Puskesmas, Fasilitas, Bidan, Dukun)}
    wilayah_kerja = sorted(Kelurahan.objects.filter(puskesmas__isnull=False).values_list("kode", "puskesmas"))
    assert "data baru" in seeded

    output = _seed()

    assert "Tidak ada perubahan" in output
    assert {m.__name__: m.objects.count() for m in models} == counts
    assert {m.__name__: m.history.count() for m in (Puskesmas, Fasilitas, Bidan, Dukun)} == history
    assert sorted(Kelurahan.objects.filter(puskesmas__isnull=False).values_list("kode", "puskesmas")) == wilayah_kerja
