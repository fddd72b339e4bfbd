"""Mothers, referrals, deliveries and case reviews in a real browser (Debian's chromium driven by Playwright).

`live_server` makes every test transactional, so the cast is committed and the server thread sees it.
Times are typed in the Puskesmas' zone (Jambi: WIB, the settings' TIME_ZONE), as a bidan would.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import Page, expect

from kia.models import (
    Bayi,
    Ibu,
    JenisKajian,
    JenisKelamin,
    JenisRujukan,
    KajianKasus,
    Kehamilan,
    Penolong,
    Persalinan,
    Rujukan,
    StatusKajian,
    StatusRujukan,
    TempatPersalinan,
    hpl_naegele,
)
from kia.tests.factories import IbuFactory
from puskesmas.tests.browser import PONSEL, batas_waktu, foto, login, masuk, tanpa_gulir_mendatar  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("batas_waktu")]

NIK = "1571015705960001"
NIK_SAMARAN = "1571********0001"
DUKUN_A1 = "Siti Rohmah — Penyengat Rendah"


def tanggal_id(tanggal: dt.date, fmt: str) -> str:
    with translation.override("id"):
        return date_format(tanggal, fmt)


def menit_ini() -> dt.datetime:
    """Now in WIB, to the minute: what a datetime-local field holds."""
    return timezone.localtime().replace(second=0, microsecond=0)


def test_bidan_mencatat_ibu_dari_dukun_dan_rujukannya_sampai_di_ponsel(page: Page, live_server, cast, dukun_set):
    page.set_viewport_size(PONSEL)
    login(page, live_server, "bidan_a")

    # The mother Siti Rohmah brought: through the phone's menu to the list of mothers.
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("navigation").get_by_role("link", name="Ibu", exact=True).click()
    expect(page.get_by_role("heading", name="Daftar ibu", level=1)).to_be_visible()
    tanpa_gulir_mendatar(page)
    page.get_by_role("link", name="Tambah ibu").click()
    expect(page.get_by_role("heading", name="Tambah ibu", level=1)).to_be_visible()
    page.get_by_role("textbox", name=re.compile(r"^Nama\*?$")).fill("Nurlela")
    page.get_by_label("NIK").fill("1571 0157 0596 0001")  # typed with spaces, as on the card
    page.get_by_label("Tanggal lahir").fill("1996-05-17")
    page.get_by_label("Kelurahan/desa tempat tinggal").select_option(label="Penyengat Rendah (15.71.01.1010)")
    page.get_by_label("Alamat").fill("Jl. Kapten Pattimura Lorong Melati")
    page.get_by_label("RT", exact=True).fill("004")
    page.get_by_label("RW", exact=True).fill("002")
    page.get_by_label("Dukun yang menemukan/mendampingi").select_option(label=DUKUN_A1)
    tanpa_gulir_mendatar(page)
    foto(page, "ibu_form_360")
    page.get_by_role("button", name="Simpan").click()

    expect(page.get_by_role("alert").first).to_have_text("Ibu Nurlela dicatat.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nurlela")
    ibu = Ibu.objects.get()
    assert page.url == f"{live_server.url}/kia/ibu/{ibu.pk}/"
    assert NIK not in page.url
    assert (ibu.nik, ibu.tanggal_lahir, ibu.kelurahan_id, ibu.puskesmas_id, ibu.dukun_id, ibu.dicatat_oleh) == (
        NIK, dt.date(1996, 5, 17), cast.w.a1.pk, cast.w.puskesmas_a.pk, dukun_set.a1.pk, cast.bidan_a
    )
    data_ibu = page.locator("#data-ibu")
    expect(data_ibu).to_contain_text(NIK)  # the bidan who records her reads the whole NIK
    expect(data_ibu).to_contain_text("Siti Rohmah")
    tanpa_gulir_mendatar(page)

    # Her pregnancy: the HPL follows the HPHT by Naegele's rule while it is typed.
    hari_ini = timezone.localdate()
    hpht = hari_ini - dt.timedelta(weeks=12)
    hpl = hpl_naegele(hpht)
    page.get_by_role("link", name="Catat kehamilan").click()
    expect(page.get_by_role("heading", name="Catat kehamilan: Nurlela", level=1)).to_be_visible()
    expect(page.get_by_label("Dukun yang mengantar")).to_have_value(str(dukun_set.a1.pk))
    page.get_by_label("HPHT").fill(hpht.isoformat())
    expect(page.get_by_label("HPL (hari perkiraan lahir)")).to_have_value(hpl.isoformat())
    expect(page.locator("#hpl-naegele")).to_have_text(f"HPL menurut rumus Naegele: {tanggal_id(hpl, 'j F Y')}")
    page.get_by_label("G (kehamilan ke-)").fill("2")
    page.get_by_label("P (pernah melahirkan)").fill("1")
    page.get_by_label("Anemia").check()
    tanpa_gulir_mendatar(page)
    foto(page, "kehamilan_form_360")
    page.get_by_role("button", name="Simpan").click()

    expect(page.get_by_role("alert").first).to_have_text("Kehamilan Nurlela dicatat.")
    assert page.url == f"{live_server.url}/kia/ibu/{ibu.pk}/"
    baris = page.locator("#kehamilan tbody tr")
    expect(baris).to_have_count(1)
    expect(baris).to_contain_text("G2P1A0")
    expect(baris).to_contain_text(f"{tanggal_id(hpl, 'j M Y')} (Naegele)")
    expect(baris).to_contain_text("Anemia")
    kehamilan = Kehamilan.objects.get()
    assert (kehamilan.ibu, kehamilan.hpht, kehamilan.hpl, kehamilan.dukun_id) == (ibu, hpht, hpl, dukun_set.a1.pk)
    assert "anemia" in kehamilan.faktor_risiko
    tanpa_gulir_mendatar(page)

    # Siti Rohmah refers her two hours ago; she arrives an hour and a half later.
    dirujuk = menit_ini() - dt.timedelta(hours=2)
    sampai = dirujuk + dt.timedelta(hours=1, minutes=30)
    page.get_by_role("link", name="Rujukan baru").click()
    expect(page.get_by_role("heading", name="Rujukan baru: Nurlela", level=1)).to_be_visible()
    expect(page.get_by_label("Dukun ke bidan")).to_be_checked()
    expect(page.get_by_label("Dukun perujuk")).to_have_value(str(dukun_set.a1.pk))
    expect(page.get_by_label("Bidan", exact=True)).to_have_value(str(cast.profil_bidan_a.pk))
    expect(page.get_by_text("Waktu setempat (WIB).")).to_be_visible()
    page.get_by_label("Waktu dirujuk").fill(dirujuk.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Alasan dirujuk").fill("Perdarahan sejak subuh, pusing")
    page.get_by_label("Perdarahan", exact=True).check()
    tanpa_gulir_mendatar(page)
    foto(page, "rujukan_form_360")
    page.get_by_role("button", name="Simpan").click()

    expect(page.get_by_role("alert").first).to_have_text("Rujukan Nurlela dicatat.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rujukan: Nurlela")
    rujukan = Rujukan.objects.get()
    assert page.url == f"{live_server.url}/kia/rujukan/{rujukan.pk}/"
    expect(page.locator("#data-rujukan")).to_contain_text("Dukun Siti Rohmah → bidan Sri Mulyani")
    expect(page.locator("p.text-muted .badge")).to_have_text("Dirujuk")
    tanpa_gulir_mendatar(page)

    sampai_form = page.locator("#langkah-diterima")
    sampai_form.get_by_label("Waktu ibu sampai").fill(sampai.strftime("%Y-%m-%dT%H:%M"))
    sampai_form.get_by_role("button", name="Simpan: Sudah sampai").click()

    expect(page.get_by_role("alert").first).to_have_text("Status rujukan Nurlela: Diterima (sampai).")
    assert page.url == f"{live_server.url}/kia/rujukan/{rujukan.pk}/"
    expect(page.locator("p.text-muted .badge")).to_have_text("Diterima (sampai)")
    expect(page.locator("#linimasa-sampai")).to_contain_text(f"{sampai.strftime('%H.%M')} WIB")
    expect(page.locator("#linimasa-sampai")).to_contain_text("(+1 jam 30 menit)")
    # Next: handled; arrival is no longer offered.
    expect(page.locator("#langkah-diterima")).to_have_count(0)
    expect(page.locator("#langkah-ditangani")).to_be_visible()
    tanpa_gulir_mendatar(page)
    foto(page, "rujukan_detail_360")

    rujukan.refresh_from_db()
    assert (rujukan.ibu, rujukan.kehamilan, rujukan.jenis, rujukan.dukun_id, rujukan.bidan_id) == (
        ibu, kehamilan, JenisRujukan.DUKUN_KE_BIDAN, dukun_set.a1.pk, cast.profil_bidan_a.pk
    )
    assert rujukan.tanda_bahaya == ["perdarahan"]
    assert rujukan.status == StatusRujukan.DITERIMA
    assert rujukan.waktu_rujuk == dirujuk
    assert rujukan.waktu_diterima == sampai
    assert rujukan.lama_sampai == dt.timedelta(hours=1, minutes=30)

    # Back on her page, the referral is listed with its status.
    page.get_by_role("heading", level=1).get_by_role("link", name="Nurlela").click()
    expect(page.locator("#rujukan")).to_contain_text("Diterima (sampai)")
    tanpa_gulir_mendatar(page)


def test_persalinan_kembar_dengan_satu_bayi_bblr(page: Page, live_server, cast, dukun_set):
    ibu = IbuFactory(nama="Maryati", nik="1571014808950003", kelurahan=cast.w.a1)
    kemarin = timezone.localdate() - dt.timedelta(days=1)
    login(page, live_server, "bikor_a")
    page.goto(f"{live_server.url}/kia/ibu/{ibu.pk}/")
    page.locator("#aksi-ibu").get_by_role("link", name="Catat persalinan").click()
    expect(page.get_by_role("heading", name="Catat persalinan", level=1)).to_be_visible()
    expect(page.locator("fieldset[id^=bayi-]")).to_have_count(1)

    page.get_by_label("Tanggal persalinan").fill(kemarin.isoformat())
    page.get_by_label("Jam", exact=True).fill("08:30")
    page.get_by_label("Tempat").select_option(label="Puskesmas")
    page.get_by_label("Fasilitas").select_option(label="Puskesmas Aur Duri (Puskesmas induk)")
    page.get_by_role("combobox", name=re.compile(r"^Penolong")).select_option(label="Bidan")
    page.get_by_label("Bidan penolong").select_option(label="Sri Mulyani — Puskesmas Aur Duri")
    bayi1 = page.locator("#bayi-1")
    bayi1.get_by_label("Jenis kelamin").select_option(label="Perempuan")
    bayi1.get_by_label("Berat lahir (gram)").fill("2100")
    bayi1.get_by_label("IMD (inisiasi menyusu dini)").check()

    # Twins: one more baby form, without saving and without losing what was typed.
    page.get_by_role("button", name="Tambah bayi (kembar)").click()
    expect(page.locator("fieldset[id^=bayi-]")).to_have_count(2)
    expect(page.get_by_role("alert")).to_have_count(0)
    assert Persalinan.objects.count() == 0
    expect(page.get_by_label("Tanggal persalinan")).to_have_value(kemarin.isoformat())
    expect(page.get_by_label("Bidan penolong")).to_have_value(str(cast.profil_bidan_a.pk))
    expect(bayi1.get_by_label("Berat lahir (gram)")).to_have_value("2100")
    expect(bayi1.get_by_label("Jenis kelamin")).to_have_value(JenisKelamin.PEREMPUAN)
    expect(bayi1.get_by_label("IMD (inisiasi menyusu dini)")).to_be_checked()
    bayi2 = page.locator("#bayi-2")
    expect(bayi2.locator("legend")).to_have_text("Bayi ke-2")
    bayi2.get_by_label("Jenis kelamin").select_option(label="Laki-laki")
    bayi2.get_by_label("Berat lahir (gram)").fill("3000")
    bayi2.get_by_label("IMD (inisiasi menyusu dini)").check()
    bayi2.get_by_label("Vitamin K1").check()
    foto(page, "persalinan_kembar_form")
    page.locator("#form-persalinan").get_by_role("button", name="Simpan", exact=True).click()

    expect(page.get_by_role("alert").first).to_have_text("Persalinan Maryati dicatat.")
    persalinan = Persalinan.objects.get()
    assert page.url == f"{live_server.url}/kia/persalinan/{persalinan.pk}/"
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Persalinan {tanggal_id(kemarin, 'j F Y')}")
    kartu = page.locator("#bayi .card")
    expect(kartu).to_have_count(2)
    kartu1, kartu2 = page.locator("#bayi-1"), page.locator("#bayi-2")
    expect(kartu1.get_by_role("heading", level=3)).to_contain_text("Bayi ke-1")
    expect(kartu1.locator(".badge", has_text="BBLR")).to_be_visible()
    expect(kartu1).to_contain_text("2.100 gram")
    expect(kartu1).to_contain_text("Perempuan")
    expect(kartu2.get_by_role("heading", level=3)).to_contain_text("Bayi ke-2")
    expect(kartu2.locator(".badge", has_text="BBLR")).to_have_count(0)
    expect(kartu2).to_contain_text("3.000 gram")
    expect(kartu2).to_contain_text("Laki-laki")
    expect(page.locator("#kajian")).to_contain_text("Persalinan ini tidak memicu kajian kasus.")
    foto(page, "persalinan_kembar_detail")

    assert (persalinan.ibu, persalinan.tanggal, persalinan.jam, persalinan.tempat, persalinan.penolong) == (
        ibu, kemarin, dt.time(8, 30), TempatPersalinan.PUSKESMAS, Penolong.BIDAN
    )
    assert (persalinan.fasilitas, persalinan.bidan, persalinan.dicatat_oleh) == (
        cast.induk_a, cast.profil_bidan_a, cast.bikor_a
    )
    bayi = list(persalinan.bayi.order_by("urutan").values_list(
        "urutan", "jenis_kelamin", "berat_lahir_gram", "imd", "vitamin_k1"))
    assert bayi == [(1, "p", 2100, True, False), (2, "l", 3000, True, True)]
    assert [b.bblr for b in Bayi.objects.order_by("urutan")] == [True, False]
    assert not KajianKasus.objects.exists()


def test_persalinan_dukun_sendiri_memicu_kajian_yang_ditutup_kepala_puskesmas(
    page: Page, live_server, cast, dukun_set
):
    nik = "1571014203900001"
    ibu = IbuFactory(nama="Rosnah", nik=nik, kelurahan=cast.w.a1, dukun=dukun_set.a1)
    dua_hari_lalu = timezone.localdate() - dt.timedelta(days=2)

    # The bidan records, on her phone, a home delivery Siti Rohmah attended alone.
    page.set_viewport_size(PONSEL)
    login(page, live_server, "bidan_a")
    page.goto(f"{live_server.url}/kia/ibu/{ibu.pk}/")
    page.locator("#aksi-ibu").get_by_role("link", name="Catat persalinan").click()
    expect(page.get_by_role("heading", name="Catat persalinan", level=1)).to_be_visible()
    page.get_by_label("Tanggal persalinan").fill(dua_hari_lalu.isoformat())
    page.get_by_label("Jam", exact=True).fill("03:15")
    page.get_by_label("Tempat").select_option(label="Rumah")
    page.get_by_role("combobox", name=re.compile(r"^Penolong")).select_option(label="Dukun sendiri")
    page.get_by_label("Dukun yang terlibat").select_option(label=DUKUN_A1)
    page.get_by_label("Memandikan bayi").check()
    bayi1 = page.locator("#bayi-1")
    bayi1.get_by_label("Jenis kelamin").select_option(label="Laki-laki")
    bayi1.get_by_label("Berat lahir (gram)").fill("3200")
    tanpa_gulir_mendatar(page)
    foto(page, "persalinan_form_360")
    page.locator("#form-persalinan").get_by_role("button", name="Simpan", exact=True).click()

    pesan = page.locator("main > .alert")
    expect(pesan.first).to_have_text("Persalinan Rosnah dicatat.")
    expect(pesan.nth(1)).to_have_text(
        "Kejadian ini memerlukan kajian kasus (Persalinan ditolong dukun sendiri). Bidan koordinator dan "
        "Kepala Puskesmas sudah diberi tahu."
    )
    expect(page.get_by_text("Persalinan ini ditolong dukun sendiri, tanpa tenaga kesehatan.")).to_be_visible()
    expect(page.locator("#kajian")).to_contain_text("Terbuka")
    tanpa_gulir_mendatar(page)
    foto(page, "persalinan_dukun_sendiri_360")
    persalinan = Persalinan.objects.get()
    assert (persalinan.tempat, persalinan.penolong, persalinan.dukun_id, persalinan.bidan) == (
        TempatPersalinan.RUMAH, Penolong.DUKUN, dukun_set.a1.pk, None
    )
    kajian = KajianKasus.objects.get()
    assert (kajian.jenis, kajian.status, kajian.persalinan) == (
        JenisKajian.DUKUN_SENDIRI, StatusKajian.TERBUKA, persalinan
    )
    # A bidan reads the review but does not write it.
    page.locator("#kajian").get_by_role("link", name="Persalinan ditolong dukun sendiri").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kajian kasus: Persalinan ditolong dukun sendiri")
    expect(page.locator("#form-kajian")).to_have_count(0)
    tanpa_gulir_mendatar(page)
    # Hand the phone over: a fresh session (logging out through the menu is covered by the akun browser test).
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/masuk/")
    expect(page.get_by_label("Nama pengguna")).to_be_visible()

    # The Kepala Puskesmas sees the alert on her next visit, at her desk.
    page.set_viewport_size({"width": 1280, "height": 800})
    login(page, live_server, "kapus_a")
    notifikasi = page.locator("#tautan-notifikasi")
    expect(notifikasi).to_contain_text("1 belum dibaca")
    notifikasi.click()
    expect(page.get_by_role("heading", name="Notifikasi", level=1)).to_be_visible()
    baris = page.locator("#daftar-notifikasi li.notifikasi")
    expect(baris).to_have_count(1)
    expect(baris).to_contain_text("Perlu kajian kasus: Persalinan ditolong dukun sendiri")
    expect(baris).to_contain_text("Rosnah")
    baris.get_by_role("button", name="Buka").click()

    assert page.url == f"{live_server.url}/kia/kajian/{kajian.pk}/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Kajian kasus: Persalinan ditolong dukun sendiri")
    kejadian = page.locator("#kejadian")
    expect(kejadian).to_contain_text(f"NIK {NIK_SAMARAN}")
    expect(kejadian).to_contain_text("Dukun sendiri")
    expect(kejadian).to_contain_text("dukun Siti Rohmah")
    expect(page.locator("#tautan-notifikasi")).not_to_contain_text("belum dibaca")

    # Closing needs both parts of the review.
    page.get_by_label("Apa yang terjadi").fill("Ibu melahirkan di rumah pukul 03.15 ditolong Siti Rohmah; "
                                               "keluarga tidak menghubungi bidan karena malam.")
    page.get_by_role("button", name="Simpan dan tutup kajian").click()
    expect(page.get_by_text("Tuliskan apa yang akan diubah sebelum menutup kajian.")).to_be_visible()
    expect(page.get_by_label("Apa yang terjadi")).to_have_value(re.compile("^Ibu melahirkan di rumah"))
    assert KajianKasus.objects.get().status == StatusKajian.TERBUKA
    page.get_by_label("Apa yang akan diubah").fill("Nomor bidan jaga malam dibagikan ke semua dukun; "
                                                   "dibahas di pertemuan kemitraan bulan ini.")
    page.get_by_role("button", name="Simpan dan tutup kajian").click()

    expect(page.get_by_role("alert").first).to_have_text("Kajian kasus ditutup.")
    expect(page.locator("h1 ~ .badge")).to_have_text("Ditutup")
    expect(page.locator("#form-kajian")).to_have_count(0)
    expect(page.locator("#isi-kajian")).to_contain_text("Nomor bidan jaga malam dibagikan")
    expect(page.locator("#ditutup-oleh")).to_contain_text("Ditutup oleh kapus_a")
    kajian.refresh_from_db()
    assert (kajian.status, kajian.ditutup_oleh) == (StatusKajian.DITUTUP, cast.kapus_a)
    assert kajian.ditutup_pada is not None
    assert kajian.kronologi.startswith("Ibu melahirkan di rumah")
    assert kajian.rencana_perbaikan.startswith("Nomor bidan jaga malam")

    # The list of case reviews, from the menu, counts it as closed.
    page.get_by_role("navigation").get_by_role("button", name="Lainnya").click()
    page.get_by_role("link", name="Kajian kasus").click()
    expect(page.locator("#ringkasan-kajian")).to_have_text("1 kajian: 0 terbuka, 1 ditutup.")
    expect(page.locator("#daftar-kajian tbody tr")).to_have_count(1)
    expect(page.locator("#daftar-kajian tbody tr")).to_contain_text("Ditutup")
    expect(page.locator("#daftar-kajian")).not_to_contain_text(nik)
    page.locator("#daftar-kajian").get_by_role("link", name="Persalinan ditolong dukun sendiri").click()

    # Her NIK is masked for the Kepala Puskesmas on the mother's page too (and never whole on it).
    kejadian.get_by_role("link", name="Rosnah").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rosnah")
    expect(page.locator("#data-ibu")).to_contain_text(NIK_SAMARAN)
    assert nik not in page.content()
    assert nik not in page.url
    expect(page.locator("#aksi-ibu")).to_have_count(0)  # read-only for her
