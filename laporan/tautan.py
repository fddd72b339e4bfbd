"""Drill-down: from a figure on a dashboard to the list of the records behind it.

Each indicator names the list that shows its records, with the filters that select exactly the rows the
engine (laporan/hitung.py) counts for a scope and a period: the same date field, the same Puskesmas or
kelurahan path, the same status. A ratio links to the rows of its denominator (the list's summary shows
the numerator beside it). Figures kept per Puskesmas (funds, plans, meetings) link to their programme
page, and have no link for a kelurahan. The lists apply the user's scope themselves, so a link never
shows more than the user may see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

from kia.models import AlasanPenolakan, JenisRujukan, Penolong, StatusRujukan, TempatPersalinan
from laporan.periode import Periode


@dataclass(frozen=True)
class Lingkup:
    """The scope of a link: one of a kelurahan (kode), a Puskesmas (pk) or a kabupaten (kode)."""

    puskesmas: int | None = None
    kelurahan: str | None = None
    kabupaten: str | None = None


@dataclass(frozen=True)
class Daftar:
    """A list page and the scope parameters its FilterSet understands."""

    url_name: str
    puskesmas: bool = True
    kelurahan: bool = True
    kabupaten: bool = True
    tahun: bool = False  # programme pages: ?tahun= instead of a date range


PERSALINAN = Daftar("kia:persalinan_list")
RUJUKAN = Daftar("kia:rujukan_list")
DUKUN = Daftar("dukun:list")
BIDAN = Daftar("puskesmas:bidan_list", kelurahan=False, kabupaten=False)
TINDAK_LANJUT = Daftar("pertemuan:tindak_lanjut_list", kelurahan=False)
PERTEMUAN = Daftar("pertemuan:list", kelurahan=False)
JADWAL = Daftar("program:jadwal", kelurahan=False, kabupaten=False, tahun=True)
DANA = Daftar("program:dana", kelurahan=False, kabupaten=False, tahun=True)
SARANA = Daftar("program:sarana_list", kelurahan=False, kabupaten=False)
KIT = Daftar("program:kit_list", kelurahan=False, kabupaten=False)
PELATIHAN = Daftar("program:pelatihan_list", kelurahan=False, kabupaten=False)
PENGHARGAAN = Daftar("kemitraan:penghargaan_list", kelurahan=False, kabupaten=False)
SASARAN = Daftar("kia:sasaran", kelurahan=False, kabupaten=False, tahun=True)

Parameter = Callable[[Periode], dict]


def _rentang(p: Periode, **extra) -> dict:
    return {"tanggal_dari": p.mulai.isoformat(), "tanggal_sampai": p.selesai.isoformat(), **extra}


def _p(**extra) -> Parameter:
    return lambda p: _rentang(p, **extra)


def _tetap(**extra) -> Parameter:
    return lambda p: dict(extra)


def _kode(nama: str) -> Parameter:
    return lambda p: {nama: p.kode}


_DAFTAR_PERSALINAN = ("persalinan_jumlah", "pn", "pn_sasaran", "pf", "pf_sasaran", "dukun_sendiri_persen",
                      "lahir_hidup", "lahir_mati", "bblr", "kn_lengkap", "kn_lengkap_sasaran")
_DUKUN_AKTIF = ("dukun_aktif", "dukun_terlatih", "dukun_kit", "dukun_dikenal", "cakupan_kemitraan",
                "kehadiran_dukun")

RUTE: dict[str, tuple[Daftar, Parameter]] = {
    **{kode: (PERSALINAN, _p()) for kode in _DAFTAR_PERSALINAN},
    "dukun_sendiri": (PERSALINAN, _p(penolong=Penolong.DUKUN.value)),
    **{f"penolong_{o.value}": (PERSALINAN, _p(penolong=o.value)) for o in Penolong},
    **{f"tempat_{t.value}": (PERSALINAN, _p(tempat=t.value)) for t in TempatPersalinan},
    "kematian_ibu": (PERSALINAN, _kode("ibu_meninggal")),
    "kematian_neonatal": (PERSALINAN, _kode("kematian_neonatal")),
    "akn": (PERSALINAN, _p()),
    "kematian_bayi": (PERSALINAN, _kode("kematian_bayi")),
    "akb": (PERSALINAN, _p()),
    "persalinan_bermitra": (PERSALINAN, _p(bermitra="true")),
    "jasa_dibayar": (PERSALINAN, _p(bermitra="true")),
    "jasa_jumlah": (PERSALINAN, _p(jasa_dibayar="true")),
    "rujukan_jumlah": (RUJUKAN, _p()),
    "rujukan_sampai": (RUJUKAN, _p()),
    "rujukan_waktu_sampai": (RUJUKAN, _p(sampai="true")),
    "rujukan_dari_dukun": (RUJUKAN, _p(jenis=JenisRujukan.DUKUN_KE_BIDAN.value)),
    "rujukan_ditolak": (RUJUKAN, _p(status=StatusRujukan.DITOLAK_KELUARGA.value)),
    "rujukan_tidak_sampai": (RUJUKAN, _p(status=StatusRujukan.TIDAK_SAMPAI.value)),
    **{
        f"rujukan_alasan_{a.value}": (
            RUJUKAN, _p(status=StatusRujukan.DITOLAK_KELUARGA.value, alasan_penolakan=a.value)
        )
        for a in AlasanPenolakan
    },
    "dukun_terdaftar": (DUKUN, _tetap(terdaftar="true")),
    **{kode: (DUKUN, _tetap(status="aktif")) for kode in _DUKUN_AKTIF},
    "bidan_jumlah": (BIDAN, _tetap()),
    "bidan_tinggal": (BIDAN, _tetap()),
    # Overdue now: the list counts against today, as the card does for a period that is not over.
    "tindak_lanjut_terlambat": (TINDAK_LANJUT, _tetap(terlambat="true")),
    "tindak_lanjut_jatuh_tempo": (
        TINDAK_LANJUT, lambda p: {"tenggat_dari": p.mulai.isoformat(), "tenggat_sampai": p.selesai.isoformat(),
                                  "status": ""}
    ),
    "tindak_lanjut_tepat_waktu": (
        TINDAK_LANJUT, lambda p: {"tenggat_dari": p.mulai.isoformat(), "tenggat_sampai": p.selesai.isoformat(),
                                  "status": ""}
    ),
    "pertemuan_terlaksana": (PERTEMUAN, _p(status="terlaksana")),
    "pertemuan_lintas_sektor": (PERTEMUAN, _p(status="terlaksana")),
    "lintas_sektor_hadir": (PERTEMUAN, _p(status="terlaksana")),
    "pertemuan_rencana": (JADWAL, _tetap()),
    "keteraturan_pertemuan": (JADWAL, _tetap()),
    "sarana_buku_pedoman": (SARANA, _tetap()),
    "kit_diberikan": (KIT, _tetap()),
    "pelatihan_jumlah": (PELATIHAN, _tetap()),
    "pelatihan_peserta_dukun": (PELATIHAN, _tetap()),
    "penghargaan": (PENGHARGAAN, _tetap()),
    "teguran_sanksi": (PENGHARGAAN, _tetap()),
    "sasaran_bersalin": (SASARAN, _tetap()),
    "sasaran_bayi": (SASARAN, _tetap()),
}
for _kode_dana in ("dana_alokasi", "dana_belanja", "dana_serapan"):
    RUTE[_kode_dana] = (DANA, _tetap())


def _rute(kode: str) -> tuple[Daftar, Parameter] | None:
    if kode in RUTE:
        return RUTE[kode]
    if kode.startswith(("dana_alokasi_", "dana_belanja_")):
        return DANA, _tetap()
    return None


def tautan(kode: str, periode: Periode, lingkup: Lingkup) -> str | None:
    """The URL of the records behind indicator `kode` in a scope and period; None when there is no list
    (or the figure is kept per Puskesmas and the scope is a kelurahan)."""
    rute = _rute(kode)
    if rute is None:
        return None
    daftar, parameter = rute
    params: dict = {}
    if lingkup.kelurahan is not None:
        if not daftar.kelurahan:
            return None
        params["kelurahan"] = lingkup.kelurahan
    elif lingkup.puskesmas is not None:
        if daftar.puskesmas:
            params["puskesmas"] = lingkup.puskesmas
    elif lingkup.kabupaten is not None and daftar.kabupaten:
        params["kabupaten"] = lingkup.kabupaten
    if daftar.tahun:
        params["tahun"] = periode.selesai.year
    params.update(parameter(periode))
    return f"{reverse(daftar.url_name)}?{urlencode(params)}"
