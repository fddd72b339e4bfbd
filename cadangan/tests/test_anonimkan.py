"""Anonymising mothers past retention: identity gone everywhere (rows, history, notes), records and indicators kept."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.utils import timezone

from kia.models import Bayi, Ibu, KajianKasus, Kehamilan, Persalinan, Rujukan
from kia.tests.factories import BayiFactory, IbuFactory, KehamilanFactory, PersalinanFactory, RujukanFactory
from laporan.hitung import Cakupan, hitung
from laporan.periode import Periode

NIK_LAMA = "1571015705850003"
NAMA_LAMA = "Rahmawati Siregar"
TELEPON_LAMA = "081377001122"
MODEL_KIA = (Ibu, Kehamilan, Rujukan, Persalinan, Bayi, KajianKasus)


def _waktu(tahun: int, bulan: int, hari: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(tahun, bulan, hari, 9, 0))


@pytest.fixture
def ibu(cast, dukun_set):
    """A mother last seen in 2010 (registered 2009, edited once then) and one with a delivery ten days ago."""
    w = cast.w
    lama = IbuFactory(nama=NAMA_LAMA, nik=NIK_LAMA, kelurahan=w.a1, tanggal_lahir=dt.date(1985, 5, 17),
                      alamat="Jl. Kapt. Pattimura 12", rt="003", rw="001", dicatat_pada=_waktu(2009, 8, 1))
    lama.telepon = TELEPON_LAMA
    lama.save()
    Ibu.history.filter(id=lama.pk).update(history_date=_waktu(2009, 8, 1))
    KehamilanFactory(ibu=lama, tanggal_daftar=dt.date(2009, 8, 1), hpht=dt.date(2009, 6, 1),
                     catatan=f"Bu {NAMA_LAMA.upper()} tinggal dengan mertua")
    RujukanFactory(ibu=lama, dukun=dukun_set.a1, waktu_rujuk=_waktu(2010, 2, 28),
                   alasan=f"Perdarahan; suami {NAMA_LAMA} setuju, hubungi {TELEPON_LAMA}")
    persalinan = PersalinanFactory(ibu=lama, tanggal=dt.date(2010, 3, 1), tempat="rumah", penolong="dukun",
                                   dukun=dukun_set.a1, catatan=f"NIK {NIK_LAMA} dicek di buku KIA")
    persalinan.catatan += "; bayi sehat"
    persalinan.save()  # a history row of the delivery that holds the NIK too
    BayiFactory(persalinan=persalinan, berat_lahir_gram=2300)
    baru = IbuFactory(nama="Nurhayati", nik="1571014402990002", kelurahan=w.a1, telepon="081234000111",
                      dicatat_pada=_waktu(2009, 1, 1))
    Ibu.history.filter(id=baru.pk).update(history_date=_waktu(2009, 1, 1))
    BayiFactory(persalinan=PersalinanFactory(ibu=baru))
    return SimpleNamespace(lama=lama, baru=baru, persalinan=persalinan)


def _semua_baris() -> list[str]:
    """Every row of the mothers' records and their history, as text."""
    out = []
    for model in MODEL_KIA:
        out += [str(r) for r in model.objects.values()]
        out += [str(r) for r in model.history.values()]
    return out


def _indikator(cast) -> list:
    cakupan = Cakupan.dari(cast.w.puskesmas_a)
    hasil = [hitung(cakupan, Periode.tahun(2010)), hitung(cakupan, Periode.tahun(timezone.localdate().year))]
    return [(h.ukuran, {k: (n.pembilang, n.penyebut, n.nilai) for k, n in h.total.items()}) for h in hasil]


def test_old_mother_is_anonymised_everywhere_and_recent_mother_untouched(cast, ibu, capsys):
    baru_sebelum = Ibu.objects.filter(pk=ibu.baru.pk).values().get()
    riwayat_baru = list(Ibu.history.filter(id=ibu.baru.pk).values())
    hitungan = {m: (m.objects.count(), m.history.count()) for m in MODEL_KIA}
    indikator = _indikator(cast)
    # The old mother's year counts her delivery, baby and referral: those figures must survive.
    assert {k: indikator[0][0][k] for k in ("persalinan_jumlah", "persalinan_dukun_sendiri", "bblr",
                                              "rujukan_dari_dukun")} == {
        "persalinan_jumlah": 1, "persalinan_dukun_sendiri": 1, "bblr": 1, "rujukan_dari_dukun": 1}

    call_command("anonimkan_data", "--sebelum-tahun", "2015")

    lama = Ibu.objects.get(pk=ibu.lama.pk)
    assert lama.nama == f"Anonim #{lama.pk}"
    assert (lama.nik, lama.alamat, lama.rt, lama.rw, lama.telepon) == ("", "", "", "", "")
    assert lama.tanggal_lahir == dt.date(1985, 1, 1)
    assert lama.kelurahan_id == cast.w.a1.pk
    riwayat = list(Ibu.history.filter(id=lama.pk).values())
    assert len(riwayat) == 2
    assert all(r["nama"] == lama.nama and r["nik"] == "" and r["telepon"] == "" and r["alamat"] == ""
               and r["tanggal_lahir"] == dt.date(1985, 1, 1) for r in riwayat)
    baris = _semua_baris()
    for rahasia in (NIK_LAMA, TELEPON_LAMA, NAMA_LAMA.lower(), "pattimura"):
        assert not [b for b in baris if rahasia in b.lower()], rahasia
    persalinan = Persalinan.objects.get(pk=ibu.persalinan.pk)
    assert persalinan.catatan == "NIK [dianonimkan] dicek di buku KIA; bayi sehat"
    if hasattr(persalinan, "versi"):  # an edit form opened before the anonymisation is refused, not saved over it
        assert persalinan.versi == ibu.persalinan.versi + 1

    # The other mother, her history, every record and every indicator are as they were.
    assert Ibu.objects.filter(pk=ibu.baru.pk).values().get() == baru_sebelum
    assert list(Ibu.history.filter(id=ibu.baru.pk).values()) == riwayat_baru
    assert {m: (m.objects.count(), m.history.count()) for m in MODEL_KIA} == hitungan
    assert _indikator(cast) == indikator
    out = capsys.readouterr().out
    assert "dianonimkan: 1 ibu" in out and f"id ibu: {lama.pk}" in out
    assert NIK_LAMA not in out and NAMA_LAMA not in out


def test_dry_run_changes_nothing_and_says_what_it_would_do(ibu, capsys):
    sebelum = _semua_baris()
    call_command("anonimkan_data", "--sebelum-tahun", "2015", "--dry-run")
    assert _semua_baris() == sebelum
    out = capsys.readouterr().out
    assert "UJI COBA" in out and "akan dianonimkan: 1 ibu" in out and "2 baris riwayat" in out


def test_second_run_changes_nothing(ibu, capsys):
    call_command("anonimkan_data", "--sebelum-tahun", "2015")
    sesudah = _semua_baris()
    capsys.readouterr()
    call_command("anonimkan_data", "--sebelum-tahun", "2015")
    assert _semua_baris() == sesudah
    out = capsys.readouterr().out
    assert "dianonimkan: 0 ibu" in out and "0 baris riwayat" in out and "Tidak ada yang perlu" in out


def test_activity_after_the_cut_off_keeps_the_data(ibu, settings):
    # Retention counted from the settings: a cut-off before her last delivery (2010) keeps her.
    settings.RETENSI_DATA_PRIBADI_TAHUN = timezone.localdate().year - 2010
    call_command("anonimkan_data")
    assert Ibu.objects.get(pk=ibu.lama.pk).nik == NIK_LAMA
    settings.RETENSI_DATA_PRIBADI_TAHUN = timezone.localdate().year - 2011
    call_command("anonimkan_data")
    assert Ibu.objects.get(pk=ibu.lama.pk).nik == ""
    assert Ibu.objects.get(pk=ibu.baru.pk).nik == "1571014402990002"
