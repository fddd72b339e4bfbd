"""Dashboards: a Puskesmas (Kepala Puskesmas, bidan koordinator), a kabupaten/kota (Dinas Kesehatan) and a
kelurahan (bidan).

Every figure comes from the engine (laporan/hitung.py) in a fixed number of queries; these views only pick
the scope through puskesmas/access.py, read the period from the request and lay the figures out. Out of
scope is 404, as everywhere else.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Window
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dukun.models import Dukun
from kemitraan.models import Notifikasi, TindakLanjut
from kia.models import KajianKasus, Penolong
from laporan.hitung import UKURAN_PUSKESMAS_SAJA, Cakupan, Hasil, hitung
from laporan.indikator import INDIKATOR_KUNCI, INDIKATOR_MAP, Indikator
from laporan.periode import Periode, PeriodeTidakValid, dua_belas_bulan_sampai
from laporan.tautan import Lingkup, tautan
from laporan.templatetags.laporan_format import format_angka
from puskesmas import access
from puskesmas.models import Kabupaten, Puskesmas, Role, zona_waktu_provinsi

# Who opens which dashboard (the scope itself always comes from puskesmas/access.py).
PERAN_PUSKESMAS = (Role.ADMIN, Role.DINKES, Role.KEPALA_PUSKESMAS, Role.BIDAN_KOORDINATOR)

WARNA = {"baik": "success", "cukup": "warning", "kurang": "danger"}

# The columns of the per-kelurahan table and of the district table.
KOLOM_KELURAHAN = ["persalinan_jumlah", "pn", "pf", "dukun_sendiri", "kematian_ibu", "akb", "kn_lengkap_sasaran",
                   "dukun_aktif", "cakupan_kemitraan"]
KOLOM_KABUPATEN = ["persalinan_jumlah", *[i.kode for i in INDIKATOR_KUNCI]]

TREN_PENOLONG = [f"persalinan_penolong_{o.value}" for o in Penolong]
TREN_UKURAN = [*TREN_PENOLONG, "persalinan_dukun_sendiri", "persalinan_jumlah"]

DAFTAR_ATAS = 10


def _boleh(user, peran) -> bool:
    return user.is_administrator or user.role in peran


def tingkat_puskesmas(ind: Indikator) -> bool:
    """A figure kept per Puskesmas (meetings, follow-ups, funds): not available for one kelurahan."""
    return ind.pembilang in UKURAN_PUSKESMAS_SAJA or (ind.penyebut or "") in UKURAN_PUSKESMAS_SAJA


# --- Period -----------------------------------------------------------------------------------------


def baca_periode(request, zona: zoneinfo.ZoneInfo) -> tuple[Periode, str]:
    """?periode=2026-11 | 2026-T3 | 2026, or ?dari=&sampai= (a range); the current month in the zone by default.

    Returns the period and an error message ('' when the request was understood)."""
    bawaan = Periode.berisi(timezone.localtime(timezone.now(), zona).date())
    dari, sampai = request.GET.get("dari", "").strip(), request.GET.get("sampai", "").strip()
    kode = request.GET.get("periode", "").strip()
    try:
        if dari or sampai:
            try:
                return Periode.rentang(dt.date.fromisoformat(dari), dt.date.fromisoformat(sampai)), ""
            except ValueError:
                raise PeriodeTidakValid(
                    _("Isi tanggal awal dan tanggal akhir rentang dengan benar (TTTT-BB-HH).")
                ) from None
        if kode:
            return Periode.dari_kode(kode), ""
    except PeriodeTidakValid as exc:
        pesan = str(exc) or _("Periode tidak dikenal.")
        return bawaan, _("%(pesan)s Ditampilkan periode bawaan: %(periode)s.") % {
            "pesan": pesan, "periode": bawaan.label}
    return bawaan, ""


def _pilihan_periode(periode: Periode, hari_ini: dt.date) -> list[tuple[str, str]]:
    """Suggestions for the period field: the last months, quarters and years."""
    out, bulan = [], Periode.berisi(hari_ini)
    for _i in range(6):
        out.append((bulan.kode, bulan.label))
        bulan = bulan.sebelumnya()
    tw = Periode.triwulan(hari_ini.year, (hari_ini.month + 2) // 3)
    for _i in range(4):
        out.append((tw.kode, tw.label))
        tw = tw.sebelumnya()
    out += [(str(y), str(y)) for y in (hari_ini.year, hari_ini.year - 1)]
    return out


def _konteks_periode(request, periode: Periode, galat: str, zona) -> dict:
    hari_ini = timezone.localtime(timezone.now(), zona).date()
    lalu = periode.sebelumnya()
    return {
        "periode": periode,
        "galat_periode": galat,
        "periode_query": urlencode({"periode": periode.kode}),
        "periode_lalu_query": urlencode({"periode": lalu.kode}),
        "periode_lalu": lalu,
        "pilihan_periode": _pilihan_periode(periode, hari_ini),
        "periode_nilai": "" if periode.jenis == "rentang" else periode.kode,
    }


# --- Building blocks --------------------------------------------------------------------------------


def _target(ind: Indikator) -> str:
    return "" if ind.target is None else format_angka(ind.target, ind.satuan)


def _kartu(hasil: Hasil, lingkup: Lingkup, *, kelurahan: bool = False) -> list[dict]:
    out = []
    for ind in INDIKATOR_KUNCI:
        nilai = hasil.total[ind.kode]
        hanya_pkm = kelurahan and tingkat_puskesmas(ind)
        out.append({
            "indikator": ind,
            "nilai": nilai,
            "lalu": hasil.sebelumnya[ind.kode] if hasil.sebelumnya else None,
            "target": _target(ind),
            "warna": WARNA.get(nilai.status, "secondary"),
            "url": None if hanya_pkm else tautan(ind.kode, hasil.periode, lingkup),
            "hanya_puskesmas": hanya_pkm,
        })
    return out


def _sel(nilai, kode: str, periode: Periode, lingkup: Lingkup) -> dict:
    return {"kode": kode, "nilai": nilai, "warna": WARNA.get(nilai.status, ""),
            "url": tautan(kode, periode, lingkup)}


def _hitung_dasbor(cakupan: Cakupan, periode: Periode, kelompok: str | None = None) -> Hasil:
    """The figures, the period before and the 12-month chart to the period's end: one statement (hitung)."""
    return hitung(cakupan, periode, kelompok=kelompok, tren_ukuran=TREN_UKURAN,
                  tren_bulan=dua_belas_bulan_sampai(periode))


def _grafik(hasil: Hasil) -> dict:
    """Twelve months to the period's end: deliveries by attendant and by a dukun alone (from hasil.tren)."""
    baris = hasil.tren
    return {
        "bulan": [date_format(r["periode"].mulai, "M Y") for r in baris],
        "penolong": [
            {"kode": o.value, "label": str(o.label), "data": [r[f"persalinan_penolong_{o.value}"] for r in baris]}
            for o in Penolong
        ],
        "dukun_sendiri": {"label": _("Ditolong dukun saja"), "data": [r["persalinan_dukun_sendiri"] for r in baris]},
        "jumlah": [r["persalinan_jumlah"] for r in baris],
        "judul_penolong": _("Persalinan menurut penolong"),
        "judul_dukun": _("Persalinan ditolong dukun saja"),
    }


def _tabel_grafik(grafik: dict) -> list[dict]:
    """The same series as a table, for screen readers and for a phone without JavaScript."""
    return [
        {"bulan": bulan, "penolong": [s["data"][i] for s in grafik["penolong"]],
         "dukun_sendiri": grafik["dukun_sendiri"]["data"][i], "jumlah": grafik["jumlah"][i]}
        for i, bulan in enumerate(grafik["bulan"])
    ]


def _titik_dukun(user, **lingkup) -> list[dict]:
    return [
        {"id": d["pk"], "nama": d["nama"], "kelurahan": d["kelurahan__nama"], "status": d["status"],
         "lat": float(d["latitude"]), "lng": float(d["longitude"])}
        for d in Dukun.objects.visible_to(user)
        .filter(latitude__isnull=False, longitude__isnull=False, **lingkup)
        .values("pk", "nama", "kelurahan__nama", "status", "latitude", "longitude")
        .order_by("nama", "pk")
    ]


def _atas_dan_jumlah(qs, n: int = DAFTAR_ATAS) -> tuple[list, int]:
    """The first n rows and how many there are, in one query: COUNT(*) OVER () is taken before the LIMIT."""
    rows = list(qs.annotate(jumlah_semua=Window(Count("pk")))[:n])
    return rows, (rows[0].jumlah_semua if rows else 0)


def _kajian_terbuka(user, **lingkup) -> tuple[list, int]:
    qs = KajianKasus.objects.visible_to(user).terbuka().filter(**lingkup)
    return _atas_dan_jumlah(qs.select_related("persalinan__ibu", "kelurahan").order_by("-dibuat_pada", "-pk"))


def _notifikasi(user) -> list:
    return list(Notifikasi.objects.filter(penerima=user).belum_dibaca().order_by("-dibuat_pada", "-pk")[:5])


def _umum(request, periode: Periode, galat: str, zona, grafik: dict) -> dict:
    return {
        **_konteks_periode(request, periode, galat, zona),
        "grafik": grafik,
        "tabel_grafik": _tabel_grafik(grafik),
        "label_penolong": [s["label"] for s in grafik["penolong"]],
    }


# --- Views ------------------------------------------------------------------------------------------


def _kabupaten_terlihat(user):
    return Kabupaten.objects.filter(pk__in=access.kabupaten_ids(user))


@login_required
def index(request):
    """Each role to its dashboard: a Puskesmas, a kabupaten, a kelurahan, or a choice when there are several."""
    user = request.user
    query = request.GET.urlencode()
    tambah = f"?{query}" if query else ""
    if user.role in (Role.KEPALA_PUSKESMAS, Role.BIDAN_KOORDINATOR) and not user.is_administrator:
        return redirect(reverse("dasbor:puskesmas", args=[user.puskesmas_id]) + tambah)
    if user.role == Role.DINKES and not user.is_administrator:
        return redirect(reverse("dasbor:kabupaten", args=[user.kabupaten_id]) + tambah)
    if user.is_administrator:
        pilihan = [(k.nama, reverse("dasbor:kabupaten", args=[k.pk]) + tambah)
                   for k in _kabupaten_terlihat(user).order_by("nama")]
        judul = _("Pilih kabupaten/kota")
    else:
        kelurahan = list(access.kelurahan_pilihan(user).select_related("puskesmas"))
        if len(kelurahan) == 1:
            return redirect(reverse("dasbor:kelurahan", args=[kelurahan[0].pk]) + tambah)
        pilihan = [(f"{k.nama} — {k.puskesmas}", reverse("dasbor:kelurahan", args=[k.pk]) + tambah)
                   for k in kelurahan]
        judul = _("Pilih kelurahan/desa")
    return render(request, "laporan/dasbor_pilih.html", {"judul": judul, "pilihan": pilihan})


@login_required
def puskesmas(request, pk):
    user = request.user
    if not _boleh(user, PERAN_PUSKESMAS):
        raise Http404
    pkm = access.get_in_scope(Puskesmas.objects.visible_to(user).select_related("kabupaten"), pk)
    periode, galat = baca_periode(request, pkm.zona)
    cakupan = Cakupan.dari(pkm)
    hasil = _hitung_dasbor(cakupan, periode, kelompok="kelurahan")
    lingkup = Lingkup(puskesmas=pkm.pk)
    kolom = [INDIKATOR_MAP[k] for k in KOLOM_KELURAHAN]
    baris = [
        {"nama": b.nama, "kode": b.kunci,
         "sel": [_sel(b.nilai[k.kode], k.kode, periode, Lingkup(kelurahan=b.kunci)) for k in kolom]}
        for b in hasil.kelompok
    ]
    terlambat, jumlah_terlambat = _atas_dan_jumlah(
        TindakLanjut.objects.visible_to(user).filter(pertemuan__puskesmas=pkm).terlambat()
        .select_related("pertemuan", "penanggung_jawab_bidan").order_by("tenggat", "pk"))
    kajian, jumlah_kajian = _kajian_terbuka(user, puskesmas=pkm)
    return render(request, "laporan/dasbor_puskesmas.html", {
        **_umum(request, periode, galat, pkm.zona, _grafik(hasil)),
        "puskesmas": pkm,
        "hasil": hasil,
        "kartu": _kartu(hasil, lingkup),
        "kolom": kolom,
        "baris": baris,
        "total": [_sel(hasil.total[k.kode], k.kode, periode, lingkup) for k in kolom],
        "terlambat": terlambat,
        "jumlah_terlambat": jumlah_terlambat,
        "url_terlambat": reverse("pertemuan:tindak_lanjut_list") + "?" + urlencode(
            {"puskesmas": pkm.pk, "terlambat": "true"}),
        "kajian": kajian,
        "jumlah_kajian": jumlah_kajian,
        "url_kajian": reverse("kia:kajian_list") + "?" + urlencode({"status": "terbuka", "puskesmas": pkm.pk}),
        "notifikasi": _notifikasi(user),
        "titik": _titik_dukun(user, kelurahan__puskesmas=pkm),
        "boleh_kabupaten": _kabupaten_terlihat(user).filter(pk=pkm.kabupaten_id).exists(),
    })


def _urutkan(baris: list[dict], urut: str, arah: str) -> list[dict]:
    """Server-side sort of the district table; figures that are "–" always last."""
    turun = arah == "desc"
    if urut == "nama":
        return sorted(baris, key=lambda b: b["nama"].lower(), reverse=turun)
    i = KOLOM_KABUPATEN.index(urut)
    ada = [b for b in baris if b["sel"][i]["nilai"].nilai is not None]
    kosong = [b for b in baris if b["sel"][i]["nilai"].nilai is None]
    return sorted(ada, key=lambda b: (b["sel"][i]["nilai"].nilai, b["nama"].lower()), reverse=turun) + kosong


@login_required
def kabupaten(request, kode):
    user = request.user
    kab = access.get_in_scope(_kabupaten_terlihat(user), kode)
    zona = zoneinfo.ZoneInfo(zona_waktu_provinsi(kab.provinsi_id))
    periode, galat = baca_periode(request, zona)
    cakupan = Cakupan.dari(kab)
    hasil = _hitung_dasbor(cakupan, periode, kelompok="puskesmas")
    kolom = [INDIKATOR_MAP[k] for k in KOLOM_KABUPATEN]
    urut = request.GET.get("urut", "nama")
    if urut != "nama" and urut not in KOLOM_KABUPATEN:
        urut = "nama"
    arah = "desc" if request.GET.get("arah") == "desc" else "asc"
    baris = [
        {"nama": b.nama, "pk": b.kunci,
         "sel": [_sel(b.nilai[k.kode], k.kode, periode, Lingkup(puskesmas=int(b.kunci))) for k in kolom]}
        for b in hasil.kelompok
    ]
    lingkup = Lingkup(kabupaten=kab.pk)

    def kepala(kode: str, label: str) -> dict:
        arah_baru = "desc" if urut == kode and arah == "asc" else "asc"
        return {"kode": kode, "label": label, "aktif": urut == kode, "arah": arah if urut == kode else "",
                "url": "?" + urlencode({"periode": periode.kode, "urut": kode, "arah": arah_baru})}

    return render(request, "laporan/dasbor_kabupaten.html", {
        **_umum(request, periode, galat, zona, _grafik(hasil)),
        "kabupaten": kab,
        "hasil": hasil,
        "kartu": _kartu(hasil, lingkup),
        "kepala_nama": kepala("nama", _("Puskesmas")),
        "kepala": [dict(kepala(k.kode, k.judul), indikator=k, target=_target(k)) for k in kolom],
        "baris": _urutkan(baris, urut, arah),
        "total": [_sel(hasil.total[k.kode], k.kode, periode, lingkup) for k in kolom],
        "urut": urut,
        "arah": arah,
        "titik": _titik_dukun(user, kelurahan__puskesmas__kabupaten=kab),
    })


@login_required
def kelurahan(request, kode):
    user = request.user
    kel = access.get_in_scope(access.kelurahan_pilihan(user).select_related("puskesmas"), kode)
    zona = kel.puskesmas.zona
    periode, galat = baca_periode(request, zona)
    cakupan = Cakupan.dari(kel)
    hasil = _hitung_dasbor(cakupan, periode)
    kajian, jumlah_kajian = _kajian_terbuka(user, kelurahan=kel)
    return render(request, "laporan/dasbor_kelurahan.html", {
        **_umum(request, periode, galat, zona, _grafik(hasil)),
        "kelurahan": kel,
        "hasil": hasil,
        "kartu": _kartu(hasil, Lingkup(kelurahan=kel.pk), kelurahan=True),
        "kajian": kajian,
        "jumlah_kajian": jumlah_kajian,
        "url_kajian": reverse("kia:kajian_list") + "?" + urlencode({"status": "terbuka", "kelurahan": kel.pk}),
        "notifikasi": _notifikasi(user),
        "titik": _titik_dukun(user, kelurahan=kel),
        "boleh_puskesmas": _boleh(user, PERAN_PUSKESMAS),
    })
