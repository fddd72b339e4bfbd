"""The write path: deliveries with babies, referral steps and the alerts they raise."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kemitraan.models import Notifikasi
from kemitraan.tests.factories import KemitraanFactory
from kia import services
from kia.models import JenisKajian, KajianKasus, Penolong, StatusRujukan, TempatPersalinan
from kia.tests.factories import IbuFactory, RujukanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ibu(cast):
    return IbuFactory(nama="Rina Marlina", kelurahan=cast.w.a1)


def _bayi(**kw):
    return {"jenis_kelamin": "p", "berat_lahir_gram": 3000, "status_lahir": "lahir_hidup", **kw}


def test_delivery_with_twins_one_low_birth_weight(cast, ibu):
    hari = timezone.localdate() - dt.timedelta(days=3)
    p = services.persalinan_create(
        ibu=ibu, dicatat_oleh=cast.bidan_a, tanggal=hari, tempat=TempatPersalinan.PUSKESMAS,
        penolong=Penolong.BIDAN, bidan=cast.profil_bidan_a,
        bayi=[_bayi(), _bayi(berat_lahir_gram=2100, jenis_kelamin="l")],
    )
    babies = list(p.bayi.order_by("urutan"))
    assert [b.urutan for b in babies] == [1, 2]
    assert [b.bblr for b in babies] == [False, True]
    assert {b.kelurahan_id for b in babies} == {cast.w.a1.pk}
    assert p.puskesmas_id == cast.w.puskesmas_a.pk
    assert not KajianKasus.objects.exists()


def test_bad_baby_writes_nothing_and_names_the_baby(cast, ibu):
    with pytest.raises(services.PersalinanTidakValid) as exc:
        services.persalinan_create(
            ibu=ibu, dicatat_oleh=cast.bidan_a, tanggal=timezone.localdate(), tempat="puskesmas", penolong="bidan",
            bidan=cast.profil_bidan_a, bayi=[_bayi(), _bayi(berat_lahir_gram=7000)],
        )
    assert set(exc.value.bayi) == {1}
    assert "berat_lahir_gram" in exc.value.bayi[1]
    assert not ibu.persalinan.exists()


def test_dukun_alone_raises_one_alert_and_notifies_bikor_and_kapus(cast, ibu, dukun_set):
    p = services.persalinan_create(
        ibu=ibu, dicatat_oleh=cast.bidan_a, tanggal=timezone.localdate() - dt.timedelta(days=1),
        tempat="rumah", penolong=Penolong.DUKUN, dukun=dukun_set.a1, bayi=[_bayi()],
    )
    assert list(KajianKasus.objects.values_list("jenis", flat=True)) == [JenisKajian.DUKUN_SENDIRI]
    assert set(Notifikasi.objects.values_list("penerima__username", flat=True)) == {"bikor_a", "kapus_a"}
    # Saving again, or raising again, raises nothing new.
    services.persalinan_update(persalinan=p, catatan="dikunjungi")
    services.naikkan_kajian([p])
    assert KajianKasus.objects.count() == 1
    assert Notifikasi.objects.count() == 2


def test_neonatal_death_raised_when_recorded_later(cast, ibu):
    lahir = timezone.localdate() - dt.timedelta(days=5)
    p = services.persalinan_create(
        ibu=ibu, dicatat_oleh=cast.bidan_a, tanggal=lahir, tempat="puskesmas", penolong="bidan",
        bidan=cast.profil_bidan_a, bayi=[_bayi(berat_lahir_gram=1900)],
    )
    bayi = p.bayi.get()
    services.bayi_update(bayi=bayi, tanggal_meninggal=lahir, sebab_kematian="bblr")
    bayi.refresh_from_db()
    assert bayi.umur_meninggal_hari == 0  # died on the day she was born: day 0
    assert KajianKasus.objects.get().jenis == JenisKajian.KEMATIAN_NEONATAL


def test_fee_share_links_the_partnership(cast, ibu, dukun_set):
    k = KemitraanFactory(bidan=cast.profil_bidan_a, dukun=dukun_set.a1)
    hari = timezone.localdate() - dt.timedelta(days=2)
    p = services.persalinan_create(
        ibu=ibu, dicatat_oleh=cast.bidan_a, tanggal=hari, tempat="pmb", penolong=Penolong.BIDAN_DUKUN,
        bidan=cast.profil_bidan_a, dukun=dukun_set.a1, peran_dukun=["mendampingi"], jasa_dukun_jumlah=50000,
        jasa_dukun_tanggal=hari, bayi=[_bayi()],
    )
    assert p.kemitraan == k


def test_referral_moves_forward_only(cast, ibu, dukun_set):
    r = RujukanFactory(ibu=ibu, dukun=dukun_set.a1, bidan=cast.profil_bidan_a)
    sampai = r.waktu_rujuk + dt.timedelta(hours=1, minutes=30)
    r = services.rujukan_ubah_status(rujukan=r, status=StatusRujukan.DITERIMA, waktu=sampai)
    assert r.lama_sampai == dt.timedelta(hours=1, minutes=30)
    with pytest.raises(ValidationError):
        services.rujukan_ubah_status(rujukan=r, status=StatusRujukan.DIRUJUK, waktu=sampai)
    with pytest.raises(ValidationError):
        services.rujukan_ubah_status(rujukan=r, status=StatusRujukan.DITOLAK_KELUARGA, waktu=sampai,
                                     alasan_penolakan="biaya")
    r = services.rujukan_ubah_status(rujukan=r, status=StatusRujukan.DITANGANI, waktu=sampai + dt.timedelta(hours=1))
    assert r.selesai


def test_refusal_needs_a_reason(cast, ibu, dukun_set):
    r = RujukanFactory(ibu=ibu, dukun=dukun_set.a1)
    with pytest.raises(ValidationError) as exc:
        services.rujukan_ubah_status(rujukan=r, status=StatusRujukan.DITOLAK_KELUARGA, waktu=timezone.now())
    assert "alasan_penolakan" in exc.value.message_dict
    r.refresh_from_db()
    assert r.status == StatusRujukan.DIRUJUK


def test_history_shows_local_times_and_checklist_labels(cast, ibu, dukun_set):
    import zoneinfo

    from puskesmas.history import riwayat_perubahan

    r = services.rujukan_create(
        ibu=ibu, dicatat_oleh=cast.bidan_a, jenis="dukun_bidan", dukun=dukun_set.a1,
        waktu_rujuk=dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC), tanda_bahaya=["perdarahan"],
    )
    services.rujukan_update(rujukan=r, tanda_bahaya=["perdarahan", "kejang"])
    services.rujukan_ubah_status(rujukan=r, status=StatusRujukan.DITERIMA,
                                 waktu=dt.datetime(2026, 3, 2, 2, 30, tzinfo=dt.UTC))
    with timezone.override(zoneinfo.ZoneInfo("Asia/Jakarta")):
        changes = {c.label: (c.lama, c.baru) for e in riwayat_perubahan(r) for c in e.perubahan}
    assert changes["tanda bahaya"] == ("Perdarahan", "Perdarahan, Kejang")
    assert changes["waktu sampai/diterima"] == ("–", "2 Maret 2026 09.30 WIB")
