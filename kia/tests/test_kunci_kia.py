"""The month lock on mothers' records: an approved month's deliveries, babies and referrals stay as reported.

Through the services, the pages and the delivery import; reopening unlocks; another Puskesmas or month
is not affected; a record moved into or out of a locked month is refused.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from kia import services
from kia.importer import PERSALINAN_KOLOM, baca_persalinan, impor_persalinan
from kia.models import Bayi, Persalinan, Rujukan, StatusRujukan
from kia.tests.factories import BayiFactory, IbuFactory, PersalinanFactory, RujukanFactory
from laporan.models import LaporanBulanan, StatusLaporan

pytestmark = pytest.mark.django_db

TERKUNCI = dt.date(2025, 3, 1)
DI_BULAN_TERKUNCI = dt.date(2025, 3, 12)
BULAN_TERBUKA = dt.date(2025, 2, 12)
PESAN = "Laporan bulan Maret 2025 sudah disetujui"


def kunci(puskesmas, bulan=TERKUNCI, *, oleh=None) -> LaporanBulanan:
    return LaporanBulanan.objects.create(
        puskesmas=puskesmas, bulan=bulan, status=StatusLaporan.DISETUJUI, disetujui_oleh=oleh,
        disetujui_pada=timezone.now(),
    )


def buka(laporan: LaporanBulanan, oleh) -> None:
    laporan.status = StatusLaporan.DIBUKA
    laporan.alasan_dibuka = "Salah ketik berat lahir"
    laporan.dibuka_oleh, laporan.dibuka_pada = oleh, timezone.now()
    laporan.save()


def _galat_kunci(exc: ValidationError) -> bool:
    errors = exc.error_list if not hasattr(exc, "error_dict") else [e for es in exc.error_dict.values() for e in es]
    return any(e.code == "bulan_terkunci" for e in errors)


@pytest.fixture
def laporan(cast):
    return kunci(cast.w.puskesmas_a, oleh=cast.kapus_a)


@pytest.fixture
def ibu(cast):
    return {"a1": IbuFactory(nama="Rina Marlina", kelurahan=cast.w.a1),
            "b1": IbuFactory(nama="Nurhayati Lubis", kelurahan=cast.w.b1)}


@pytest.fixture
def persalinan(cast, ibu):
    """A delivery of Puskesmas A in the locked month, one in an open month, and one of Puskesmas B."""
    ns = {}
    for nama, i, bidan, tanggal in (
        ("terkunci", ibu["a1"], cast.profil_bidan_a, DI_BULAN_TERKUNCI),
        ("terbuka", ibu["a1"], cast.profil_bidan_a, BULAN_TERBUKA),
        ("lain", ibu["b1"], cast.profil_bidan_b, DI_BULAN_TERKUNCI),
    ):
        p = PersalinanFactory(ibu=i, bidan=bidan, tanggal=tanggal, catatan="asli")
        BayiFactory(persalinan=p)
        ns[nama] = p
    return ns


def _snapshot():
    return (
        sorted(Persalinan.objects.values_list("pk", "tanggal", "catatan", "penolong")),
        sorted(Bayi.objects.values_list("pk", "persalinan_id", "berat_lahir_gram", "kn1")),
        Persalinan.history.count(), Bayi.history.count(),
    )


BAYI = [{"jenis_kelamin": "l", "berat_lahir_gram": 3000, "status_lahir": "lahir_hidup"}]


# --- Deliveries and babies through the services -----------------------------------------------------


def test_delivery_cannot_be_recorded_in_a_locked_month(cast, ibu, laporan):
    sebelum = _snapshot()
    with pytest.raises(services.PersalinanTidakValid) as exc:
        services.persalinan_create(ibu=ibu["a1"], dicatat_oleh=cast.bikor_a, bayi=BAYI,
                                   tanggal=DI_BULAN_TERKUNCI, tempat="puskesmas", penolong="bidan",
                                   bidan=cast.profil_bidan_a)
    assert _galat_kunci(exc.value)
    assert PESAN in " ".join(exc.value.persalinan["__all__"][0].messages)
    assert _snapshot() == sebelum


def test_delivery_of_a_locked_month_cannot_be_changed_nor_lose_a_baby(persalinan, laporan):
    p = persalinan["terkunci"]
    sebelum = _snapshot()
    with pytest.raises(services.PersalinanTidakValid) as exc:
        services.persalinan_update(persalinan=p, catatan="diubah")
    assert _galat_kunci(exc.value)
    p = Persalinan.objects.get(pk=p.pk)
    with pytest.raises(services.PersalinanTidakValid):
        services.persalinan_update(persalinan=p, bayi=[{"jenis_kelamin": "l", "berat_lahir_gram": 2800}],
                                   hapus_bayi=[p.bayi.get().pk])
    assert _snapshot() == sebelum


def test_baby_of_a_locked_month_cannot_be_changed(persalinan, laporan):
    bayi = persalinan["terkunci"].bayi.get()
    sebelum = _snapshot()
    with pytest.raises(ValidationError) as exc:
        services.bayi_update(bayi=bayi, kn1=DI_BULAN_TERKUNCI + dt.timedelta(days=1))
    assert _galat_kunci(exc.value)
    assert _snapshot() == sebelum


@pytest.mark.parametrize(("dari", "ke"), [("terbuka", DI_BULAN_TERKUNCI), ("terkunci", BULAN_TERBUKA)])
def test_delivery_cannot_move_into_or_out_of_a_locked_month(persalinan, laporan, dari, ke):
    p = persalinan[dari]
    sebelum = _snapshot()
    with pytest.raises(services.PersalinanTidakValid) as exc:
        services.persalinan_update(persalinan=p, tanggal=ke)
    assert _galat_kunci(exc.value)
    assert _snapshot() == sebelum


def test_update_sees_the_stored_date_even_when_a_form_changed_the_instance(persalinan, laporan):
    # A bound ModelForm has already written the new date into the instance: the stored row still counts.
    p = persalinan["terkunci"]
    p.tanggal = BULAN_TERBUKA
    with pytest.raises(services.PersalinanTidakValid):
        services.persalinan_update(persalinan=p, catatan="dipindah")
    assert Persalinan.objects.get(pk=p.pk).tanggal == DI_BULAN_TERKUNCI


def test_other_months_and_other_puskesmas_are_not_locked(persalinan, laporan):
    services.persalinan_update(persalinan=persalinan["terbuka"], catatan="boleh")
    services.persalinan_update(persalinan=persalinan["lain"], catatan="boleh juga")
    assert set(Persalinan.objects.filter(catatan__startswith="boleh").values_list("pk", flat=True)) == {
        persalinan["terbuka"].pk, persalinan["lain"].pk}


def test_reopening_the_month_unlocks_its_deliveries(cast, persalinan, laporan):
    buka(laporan, cast.kapus_a)
    p = services.persalinan_update(persalinan=persalinan["terkunci"], catatan="diperbaiki")
    services.bayi_update(bayi=p.bayi.get(), berat_lahir_gram=2900)
    assert Persalinan.objects.get(pk=p.pk).catatan == "diperbaiki"
    assert Bayi.objects.get(persalinan=p).berat_lahir_gram == 2900


def test_one_query_is_added_to_a_delivery_update(persalinan, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    p = persalinan["terbuka"]
    with CaptureQueriesContext(connection) as ctx:
        services.persalinan_update(persalinan=Persalinan.objects.get(pk=p.pk), catatan="satu")
    dengan_kunci = [q["sql"] for q in ctx.captured_queries if "laporan_laporanbulanan" in q["sql"]]
    assert len(dengan_kunci) == 1


# --- Referrals through the services --------------------------------------------------------------------


@pytest.fixture
def rujukan(cast, ibu, dukun_set):
    # 2025-03-05 09:00 in Jambi (WIB, UTC+7).
    waktu = dt.datetime(2025, 3, 5, 2, 0, tzinfo=dt.UTC)
    return RujukanFactory(ibu=ibu["a1"], dukun=dukun_set.a1, waktu_rujuk=waktu)


def _snapshot_rujukan():
    return sorted(Rujukan.objects.values_list("pk", "status", "alasan", "waktu_rujuk")), Rujukan.history.count()


def test_referral_of_a_locked_month_cannot_be_changed_nor_moved_on(rujukan, laporan):
    sebelum = _snapshot_rujukan()
    with pytest.raises(ValidationError) as exc:
        services.rujukan_update(rujukan=rujukan, alasan="diubah")
    assert _galat_kunci(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.rujukan_ubah_status(rujukan=Rujukan.objects.get(pk=rujukan.pk), status=StatusRujukan.DITERIMA,
                                     waktu=rujukan.waktu_rujuk + dt.timedelta(hours=1))
    assert _galat_kunci(exc.value)
    assert _snapshot_rujukan() == sebelum


@pytest.mark.parametrize(("utc", "terkunci"), [
    (dt.datetime(2025, 2, 28, 18, 0, tzinfo=dt.UTC), True),  # 1 March, 01:00 WIB
    (dt.datetime(2025, 2, 28, 16, 0, tzinfo=dt.UTC), False),  # 28 February, 23:00 WIB
    (dt.datetime(2025, 3, 31, 18, 0, tzinfo=dt.UTC), False),  # 1 April, 01:00 WIB
])
def test_referral_month_is_the_local_month_of_the_puskesmas(cast, ibu, dukun_set, laporan, utc, terkunci):
    data = {"jenis": "dukun_bidan", "dukun": dukun_set.a1, "waktu_rujuk": utc, "alasan": "Perdarahan",
            "tanda_bahaya": ["perdarahan"]}
    if terkunci:
        with pytest.raises(ValidationError) as exc:
            services.rujukan_create(ibu=ibu["a1"], dicatat_oleh=cast.bikor_a, **data)
        assert _galat_kunci(exc.value)
        assert not Rujukan.objects.exists()
    else:
        services.rujukan_create(ibu=ibu["a1"], dicatat_oleh=cast.bikor_a, **data)
        assert Rujukan.objects.count() == 1


def test_referral_cannot_move_into_a_locked_month(cast, ibu, dukun_set, laporan):
    r = RujukanFactory(ibu=ibu["a1"], dukun=dukun_set.a1, waktu_rujuk=dt.datetime(2025, 2, 10, 2, tzinfo=dt.UTC))
    with pytest.raises(ValidationError):
        services.rujukan_update(rujukan=r, waktu_rujuk=dt.datetime(2025, 3, 10, 2, tzinfo=dt.UTC))
    assert Rujukan.objects.get(pk=r.pk).waktu_rujuk == dt.datetime(2025, 2, 10, 2, tzinfo=dt.UTC)


def test_reopened_month_lets_a_referral_move_on(cast, rujukan, laporan):
    buka(laporan, cast.kapus_a)
    services.rujukan_ubah_status(rujukan=rujukan, status=StatusRujukan.DITERIMA,
                                 waktu=rujukan.waktu_rujuk + dt.timedelta(hours=1))
    assert Rujukan.objects.get(pk=rujukan.pk).status == StatusRujukan.DITERIMA


# --- The pages --------------------------------------------------------------------------------------------


def _edit_post(p: Persalinan, **kw) -> dict:
    bayi = list(p.bayi.order_by("urutan"))
    data = {
        "tanggal": p.tanggal.isoformat(), "jam": "", "tempat": p.tempat, "fasilitas": "", "penolong": p.penolong,
        "bidan": str(p.bidan_id), "dukun": "", "kehamilan": "", "rujukan": "", "komplikasi_lainnya": "",
        "status_ibu": "hidup", "tanggal_meninggal_ibu": "", "sebab_kematian_ibu": "", "keterangan_kematian_ibu": "",
        "kf1": "", "kf2": "", "kf3": "", "kf4": "", "jasa_dukun_jumlah": "", "jasa_dukun_tanggal": "",
        "catatan": "diubah lewat halaman", "versi": Persalinan.objects.get(pk=p.pk).versi,
        "bayi-TOTAL_FORMS": str(len(bayi)), "bayi-INITIAL_FORMS": str(len(bayi)), "bayi-MIN_NUM_FORMS": "0",
        "bayi-MAX_NUM_FORMS": "5",
    }
    for i, b in enumerate(bayi):
        data.update({f"bayi-{i}-{k}": v for k, v in {
            "id": str(b.pk), "jenis_kelamin": b.jenis_kelamin, "berat_lahir_gram": str(b.berat_lahir_gram),
            "status_lahir": b.status_lahir, "kn1": "", "kn2": "", "kn3": "", "tanggal_meninggal": "",
            "sebab_kematian": "", "keterangan_kematian": "",
        }.items()})
    data.update(kw)
    return data


@pytest.mark.parametrize(("dari", "ubah"), [
    ("terkunci", {}),
    ("terbuka", {"tanggal": DI_BULAN_TERKUNCI.isoformat()}),
    ("terkunci", {"tanggal": BULAN_TERBUKA.isoformat()}),
])
def test_delivery_edit_page_shows_the_lock_and_saves_nothing(client, cast, persalinan, laporan, dari, ubah):
    p = persalinan[dari]
    sebelum = _snapshot()
    client.force_login(cast.bikor_a)
    response = client.post(reverse("kia:persalinan_update", args=[p.pk]), _edit_post(p, **ubah))
    assert response.status_code == 400
    assert PESAN in response.content.decode()
    assert _snapshot() == sebelum


def test_delivery_edit_page_saves_again_once_reopened(client, cast, persalinan, laporan):
    buka(laporan, cast.kapus_a)
    p = persalinan["terkunci"]
    client.force_login(cast.bikor_a)
    response = client.post(reverse("kia:persalinan_update", args=[p.pk]), _edit_post(p))
    assert response.status_code == 302
    assert Persalinan.objects.get(pk=p.pk).catatan == "diubah lewat halaman"


def test_baby_page_shows_the_lock(client, cast, persalinan, laporan):
    bayi = persalinan["terkunci"].bayi.get()
    sebelum = _snapshot()
    client.force_login(cast.bikor_a)
    response = client.post(reverse("kia:bayi_update", args=[bayi.pk]), {
        "kn1": (DI_BULAN_TERKUNCI + dt.timedelta(days=1)).isoformat(), "kn2": "", "kn3": "",
        "tanggal_meninggal": "", "sebab_kematian": "", "keterangan_kematian": "",
        "versi": persalinan["terkunci"].versi,
    })
    assert response.status_code == 400
    assert PESAN in response.content.decode()
    assert _snapshot() == sebelum


def test_referral_pages_show_the_lock(client, cast, rujukan, laporan, dukun_set):
    sebelum = _snapshot_rujukan()
    client.force_login(cast.bikor_a)
    response = client.post(reverse("kia:rujukan_update", args=[rujukan.pk]), {
        "jenis": "dukun_bidan", "kehamilan": "", "dukun": dukun_set.a1.pk, "bidan": "", "fasilitas_tujuan": "",
        "waktu_rujuk": "2025-03-05T09:00", "alasan": "diubah", "tanda_bahaya": ["perdarahan"],
        "tanda_bahaya_lainnya": "", "versi": Rujukan.objects.get(pk=rujukan.pk).versi,
    })
    assert response.status_code == 400
    assert PESAN in response.content.decode()
    response = client.post(reverse("kia:rujukan_status", args=[rujukan.pk]),
                           {"status": "diterima", "waktu": "2025-03-05T10:00"})
    assert response.status_code == 400
    assert PESAN in response.content.decode()
    assert _snapshot_rujukan() == sebelum


# --- The delivery import ------------------------------------------------------------------------------------


def _baris(id_eksternal: str, kelurahan, tanggal: dt.date, **kw) -> dict:
    row = {
        "id_eksternal": id_eksternal, "kode_kelurahan": kelurahan.kode, "nama_ibu": "Siti Aminah", "nik_ibu": "",
        "umur_ibu": "27", "tanggal_persalinan": tanggal.isoformat(), "tempat": "puskesmas", "penolong": "bidan",
        "status_ibu": "hidup", "status_bayi": "lahir_hidup", "berat_lahir_gram": "3100",
        "tanggal_meninggal_bayi": "", "kn_lengkap": "1",
    }
    row.update({k: str(v) for k, v in kw.items()})
    return row


def _impor(rows: list[dict], **kw):
    lines = [",".join(PERSALINAN_KOLOM)] + [",".join(r[c] for c in PERSALINAN_KOLOM) for r in rows]
    table, opsional = baca_persalinan(io.BytesIO(("\n".join(lines) + "\n").encode()), "register.csv")
    return impor_persalinan(table, opsional=opsional, **kw)


def _semua():
    return (sorted(Persalinan.objects.values_list("id_eksternal", "tanggal", "penolong")),
            sorted(Bayi.objects.values_list("id_eksternal", "berat_lahir_gram")), Persalinan.history.count())


def test_import_with_rows_in_a_locked_month_saves_nothing_and_names_every_row(cast, laporan):
    w = cast.w
    rows = [
        _baris("PA-1", w.a1, BULAN_TERBUKA),
        _baris("PA-2/1", w.a2, DI_BULAN_TERKUNCI, nama_ibu="Rina"),
        _baris("PA-2/2", w.a2, DI_BULAN_TERKUNCI, nama_ibu="Rina", berat_lahir_gram=2900),
        _baris("PB-1", w.b1, DI_BULAN_TERKUNCI),  # another Puskesmas: its March is open
        _baris("PA-3", w.a1, dt.date(2025, 3, 31)),
    ]
    sebelum = _semua()
    hasil = _impor(rows, oleh=cast.admin)
    assert not hasil.ok
    terkunci = [(e.row, e.column) for e in hasil.errors]
    assert terkunci == [(3, "tanggal_persalinan"), (4, "tanggal_persalinan"), (6, "tanggal_persalinan")]
    assert all(PESAN in e.message for e in hasil.errors)
    assert _semua() == sebelum


def test_import_cannot_move_a_delivery_into_or_out_of_a_locked_month(cast):
    w = cast.w
    assert _impor([_baris("PA-1", w.a1, BULAN_TERBUKA), _baris("PA-2", w.a1, DI_BULAN_TERKUNCI)]).ok
    kunci(w.puskesmas_a)
    sebelum = _semua()
    hasil = _impor([_baris("PA-1", w.a1, DI_BULAN_TERKUNCI), _baris("PA-2", w.a1, BULAN_TERBUKA)])
    assert [(e.row, e.column) for e in hasil.errors] == [(2, "tanggal_persalinan"), (3, "tanggal_persalinan")]
    assert _semua() == sebelum


def test_unchanged_rows_of_a_locked_month_import_again_without_error(cast):
    w = cast.w
    rows = [_baris("PA-1", w.a1, DI_BULAN_TERKUNCI), _baris("PA-2", w.a1, BULAN_TERBUKA)]
    assert _impor(rows).ok
    kunci(w.puskesmas_a)
    hasil = _impor(rows)
    assert hasil.ok, hasil.errors
    assert hasil.persalinan_sama == 2
    # A changed row of the locked month is refused, the whole file with it.
    hasil = _impor([_baris("PA-1", w.a1, DI_BULAN_TERKUNCI, berat_lahir_gram=2500),
                    _baris("PA-3", w.a1, BULAN_TERBUKA)])
    assert [(e.row, e.column) for e in hasil.errors] == [(2, "tanggal_persalinan")]
    assert not Persalinan.objects.filter(id_eksternal="PA-3").exists()


def test_import_goes_through_once_the_month_is_reopened(cast, laporan):
    buka(laporan, cast.kapus_a)
    hasil = _impor([_baris("PA-1", cast.w.a1, DI_BULAN_TERKUNCI)])
    assert hasil.ok
    assert Persalinan.objects.filter(id_eksternal="PA-1").exists()


def test_import_checks_every_month_in_one_query(cast, laporan, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    w = cast.w
    rows = [_baris(f"PA-{m}", w.a1, dt.date(2025, m, 10)) for m in range(1, 12)]
    rows += [_baris(f"PB-{m}", w.b1, dt.date(2025, m, 10)) for m in range(1, 12)]
    with CaptureQueriesContext(connection) as ctx:
        hasil = _impor(rows, periksa_saja=True)
    assert [e.row for e in hasil.errors] == [4]
    assert len([q for q in ctx.captured_queries if "laporan_laporanbulanan" in q["sql"]]) == 1
