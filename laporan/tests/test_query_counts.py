"""Query counts that must not grow with the data: the registry list behind the PDF and XLSX downloads (10 or
200 dukun) and the three dashboards (at most 12 queries, the same for a small and a large scope)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dukun.models import StatusDukun
from dukun.selectors import daftar_dukun
from dukun.tests.factories import DukunFactory
from kia.models import Penolong, TempatPersalinan
from puskesmas.models import Role
from puskesmas.tests.factories import BidanFactory, KabupatenFactory, KecamatanFactory, UserFactory

# The counts (GROUP BY), the dukun with their kelurahan, the bidan who know them.
QUERIES = 3


def _fill(cast, n: int) -> None:
    w = cast.w
    extra = BidanFactory(fasilitas=cast.pustu_a2, kelurahan_layanan=[w.a1, w.a2])
    kenal = [[], [cast.profil_bidan_a], [cast.profil_bidan_a, extra], [cast.profil_bidan_a2]]
    for i in range(n):
        DukunFactory(
            kelurahan=w.a1 if i % 2 else w.a2,
            dikenal_oleh=kenal[i % len(kenal)],
            bisa_baca_tulis=bool(i % 3),
            **({"status": StatusDukun.PINDAH, "status_sejak": "2025-01-01"} if i % 5 == 0 else {}),
        )
    # Another Puskesmas' dukun never count.
    DukunFactory(kelurahan=w.b1, dikenal_oleh=[cast.profil_bidan_b])


def _read_everything(groups) -> list:
    """What the PDF template and the XLSX read of each dukun."""
    return [
        (g.nama, g.jumlah, d.nama, d.kelurahan.nama, d.get_status_display(), d.umur,
         [b.nama for b in d.dikenal_oleh.all()])
        for g in groups
        for d in g.dukun
    ]


@pytest.mark.parametrize("n", [10, 200])
def test_daftar_dukun_needs_the_same_queries_for_10_and_200_dukun(cast, django_assert_num_queries, n):
    _fill(cast, n)

    with django_assert_num_queries(QUERIES):
        groups = daftar_dukun(user=cast.bikor_a, puskesmas=cast.w.puskesmas_a)
        rows = _read_everything(groups)

    assert len(rows) == n
    assert sum(g.jumlah for g in groups) == n
    assert {g.nama for g in groups} == {"Penyengat Rendah", "Teluk Kenali"}
    assert sum(g.dikenal_bidan for g in groups) == sum(1 for r in rows if r[-1])


@pytest.mark.parametrize("n", [10, 200])
def test_daftar_dukun_for_a_bidan_needs_the_same_queries_for_10_and_200_dukun(cast, django_assert_num_queries, n):
    _fill(cast, n)
    user = cast.bidan_a
    user.bidan  # noqa: B018 - her profile is read once per request, not per dukun

    with django_assert_num_queries(QUERIES):
        groups = daftar_dukun(user=user, puskesmas=cast.w.puskesmas_a)
        rows = _read_everything(groups)

    # bidan_a serves A1 only: the odd half.
    assert len(rows) == n // 2
    assert {g.nama for g in groups} == {"Penyengat Rendah"}


# --- Dashboards: at most 12 queries, the same for a small and a large scope ---------------------------
# Session, user, the scope (access helpers), the zone when the scope does not carry it, ONE statement for
# every indicator source with the period before, the groups and the 12-month chart (laporan.hitung.jalankan),
# the list of groups, and the page's own lists (first rows and their count in one query each), the map,
# the notifications. None of them grows with the data.

MAKS_DASBOR = 12


def _dasbor_query(client, user, url) -> int:
    from laporan.tests.test_dasbor import _hitung_query

    return _hitung_query(client, user, url)


def test_puskesmas_dashboard_needs_at_most_12_queries_for_2_and_20_kelurahan(client, wilayah):
    from laporan.tests.test_dasbor import _puskesmas_dengan

    kab = KabupatenFactory(kode="15.72", nama="Kota Sungai Penuh", provinsi=wilayah.provinsi)
    kec = KecamatanFactory(kode="15.72.01", kabupaten=kab)
    counts = []
    for n, prefix in ((2, "10"), (20, "20")):
        pkm = _puskesmas_dengan(n, kab, kec, prefix)
        kapus = UserFactory(username=f"kapus{prefix}", role=Role.KEPALA_PUSKESMAS, puskesmas=pkm)
        counts.append(_dasbor_query(client, kapus, reverse("dasbor:puskesmas", args=[pkm.pk])))
    assert counts[0] == counts[1]
    assert counts[1] <= MAKS_DASBOR


def test_kabupaten_dashboard_needs_at_most_12_queries_for_1_and_30_puskesmas(client, wilayah):
    from laporan.tests.test_dasbor import _puskesmas_dengan

    counts = []
    for kode, n in (("15.72", 1), ("15.73", 30)):
        kab = KabupatenFactory(kode=kode, nama=f"Kab {kode}", provinsi=wilayah.provinsi)
        kec = KecamatanFactory(kode=f"{kode}.01", kabupaten=kab)
        for i in range(n):
            _puskesmas_dengan(1, kab, kec, f"{i:02d}")
        dinkes = UserFactory(username=f"dinkes{kode}", role=Role.DINKES, kabupaten=kab)
        counts.append(_dasbor_query(client, dinkes, reverse("dasbor:kabupaten", args=[kab.pk])))
    assert counts[0] == counts[1]
    assert counts[1] <= MAKS_DASBOR


def test_kelurahan_dashboard_needs_at_most_12_queries_for_1_and_30_deliveries(client, cast):
    from laporan.tests.test_dasbor import HARI, _persalinan

    w, counts = cast.w, []
    for n in (1, 30):
        for _i in range(n):
            _persalinan(w.a1, Penolong.DUKUN, TempatPersalinan.RUMAH, tanggal=HARI)
        DukunFactory(kelurahan=w.a1, latitude="-1.6", longitude="103.6")
        counts.append(_dasbor_query(client, cast.bidan_a, reverse("dasbor:kelurahan", args=[w.a1.pk])))
    assert counts[0] == counts[1]
    assert counts[1] <= MAKS_DASBOR
