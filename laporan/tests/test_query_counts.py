"""The registry list behind the PDF and XLSX downloads costs the same queries for 10 or 200 dukun."""

from __future__ import annotations

import pytest

from dukun.models import StatusDukun
from dukun.selectors import daftar_dukun
from dukun.tests.factories import DukunFactory
from puskesmas.tests.factories import BidanFactory

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
