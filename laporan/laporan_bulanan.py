"""The monthly report of a Puskesmas and the district report: context, narrative, charts, PDF, XLSX, ZIP.

Every figure comes from the engine (laporan.hitung): one `hitung()` for the month (with the month
before) grouped by kelurahan — or, for a district, by Puskesmas — and one `tren()` for the charts.
Nothing here aggregates records; it arranges the engine's values in the framework's order (Input:
SDM, Dana, Sarana, Metode; Proses: Perencanaan, Pengorganisasian, Penggerakan, Pengawasan dan
evaluasi; Output) and says in words what changed and what needs action.

The builders (`pdf_*`, `xlsx_*`, `zip_*`) switch to Indonesian and to the Puskesmas' (or the
district's) time zone themselves, so a Celery worker, the command and a view all get the same file.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kia.models import Penolong, TempatPersalinan
from laporan.hitung import Baris, Cakupan, Hasil, Nilai, hitung, tren
from laporan.indikator import (
    INDIKATOR,
    INDIKATOR_KUNCI,
    INDIKATOR_MAP,
    KELOMPOK,
    SATUAN_LABEL,
    TINGKAT_LABEL,
    Indikator,
    Satuan,
)
from laporan.models import LaporanBulanan, StatusLaporan
from laporan.periode import Periode, dua_belas_bulan_sampai
from laporan.templatetags.laporan_format import angka_id, format_angka, perubahan
from puskesmas.models import Kabupaten, Puskesmas, zona_waktu_provinsi

# --- Words -------------------------------------------------------------------------------------

# How the narrative names an indicator (its short, customary name); the others use their title.
SEBUTAN = {
    "pn": gettext_lazy("Pn"),
    "pf": gettext_lazy("PF"),
    "pn_sasaran": gettext_lazy("Pn terhadap sasaran"),
    "pf_sasaran": gettext_lazy("PF terhadap sasaran"),
    "cakupan_kemitraan": gettext_lazy("cakupan kemitraan"),
    "keteraturan_pertemuan": gettext_lazy("keteraturan pertemuan"),
    "tindak_lanjut_tepat_waktu": gettext_lazy("tindak lanjut tepat waktu"),
    "kn_lengkap_sasaran": gettext_lazy("cakupan KN lengkap"),
    "akb": gettext_lazy("AKB"),
    "akn": gettext_lazy("AKN"),
}

# Counts whose every occurrence needs action: said as their own sentence (per kelurahan or Puskesmas
# where the figure exists there), not as "below target".
_KEJADIAN = ("dukun_sendiri", "kematian_ibu", "kematian_bayi", "tindak_lanjut_terlambat", "rujukan_ditolak",
             "rujukan_tidak_sampai")

# The per-kelurahan table of the monthly report (figures that exist for a kelurahan).
KOLOM_KELURAHAN = ["dukun_aktif", "cakupan_kemitraan", "rujukan_jumlah", "persalinan_jumlah", "pn", "pf",
                   "dukun_sendiri", "lahir_hidup", "kn_lengkap", "kematian_ibu", "kematian_bayi"]

# Detail rows always shown (the framework asks for deliveries by attendant and by place).
_RINCI_SELALU = ("penolong_", "tempat_")

_WARNA_PENOLONG = {
    Penolong.DOKTER: "#1f4e79", Penolong.BIDAN: "#2e86c1", Penolong.BIDAN_DUKUN: "#76b7e5",
    Penolong.DUKUN: "#c0392b", Penolong.KELUARGA: "#999999",
}


def sebutan(ind: Indikator) -> str:
    if ind.kode in SEBUTAN:
        return str(SEBUTAN[ind.kode])
    judul = ind.judul
    return judul[0].lower() + judul[1:] if len(judul) > 1 and judul[1].islower() else judul


def _kalimat(teks: str) -> str:
    return teks[0].upper() + teks[1:] if teks else teks


def teks_target(ind: Indikator) -> str:
    """The target as people write it: "100%", "0", "–" when the indicator has none."""
    if ind.target is None:
        return "–"
    if ind.satuan == Satuan.PERSEN:
        t = ind.target
        return f"{angka_id(t, 0 if t == t.to_integral_value() else 2)}%"
    return format_angka(ind.target, ind.satuan)


def teks_beda(kini: Nilai, lalu: Nilai) -> str | None:
    """The size of a change without its sign: "3,20 poin", "2", "Rp 50.000"; None when unknown."""
    if kini.nilai is None or lalu is None or lalu.nilai is None:
        return None
    beda = abs(kini.nilai - lalu.nilai)
    if kini.indikator.satuan == Satuan.PERSEN:
        return _("%(angka)s poin") % {"angka": angka_id(beda, 2)}
    return format_angka(beda, kini.indikator.satuan)


def pembanding_label(periode: Periode) -> str:
    return {
        "bulan": _("bulan lalu"), "triwulan": _("triwulan lalu"), "tahun": _("tahun lalu"),
    }.get(periode.jenis, _("periode sebelumnya"))


def nama_tempat(kelurahan) -> str:
    """ "Kelurahan Penyengat Rendah" / "Desa Sekernan"."""
    return f"{kelurahan.jenis} {kelurahan.nama}"


# --- Tables ------------------------------------------------------------------------------------


@dataclass
class BarisIndikator:
    indikator: Indikator
    nilai: Nilai
    lalu: Nilai | None

    @property
    def rinci(self) -> bool:
        return self.indikator.rinci

    @property
    def perubahan(self) -> str:
        return perubahan(self.nilai, self.lalu)

    @property
    def target(self) -> str:
        return teks_target(self.indikator)

    @property
    def satuan(self) -> str:
        return str(SATUAN_LABEL[self.indikator.satuan])

    @property
    def satuan_lebar(self) -> bool:
        """Long display strings ("8,7 per 1.000 kelahiran hidup") may wrap in their cell; others may not."""
        return self.indikator.satuan == Satuan.PER_SERIBU


@dataclass
class Seksi:
    kode: str
    judul: str
    baris: list[BarisIndikator]
    narasi: list[str] = field(default_factory=list)
    grafik: list[SafeString] = field(default_factory=list)


@dataclass
class Bagian:
    kode: str
    judul: str
    seksi: list[Seksi]


def _indikator_kelompok(kode: str) -> list[Indikator]:
    return [i for i in INDIKATOR if i.kelompok == kode]


def _tampilkan(ind: Indikator, kini: Nilai, lalu: Nilai | None) -> bool:
    """Detail rows of funds by source or refusal reasons only when they have something to say."""
    if not ind.rinci or ind.kode.startswith(_RINCI_SELALU):
        return True
    return any(n is not None and n.nilai not in (None, 0) for n in (kini, lalu))


def bagian_bagian(hasil: Hasil) -> list[Bagian]:
    out: list[Bagian] = []
    for kode, tingkat, label in KELOMPOK:
        baris = []
        for ind in _indikator_kelompok(kode):
            kini = hasil.total[ind.kode]
            lalu = hasil.sebelumnya[ind.kode] if hasil.sebelumnya else None
            if _tampilkan(ind, kini, lalu):
                baris.append(BarisIndikator(ind, kini, lalu))
        if not out or out[-1].kode != tingkat:
            out.append(Bagian(tingkat, str(TINGKAT_LABEL[tingkat]), []))
        out[-1].seksi.append(Seksi(kode, str(label), baris))
    return out


# --- Narrative ---------------------------------------------------------------------------------


@dataclass
class Narasi:
    """Sentences per section, and the action items gathered for the summary."""

    per_kelompok: dict[str, list[str]] = field(default_factory=dict)
    perubahan: list[str] = field(default_factory=list)  # changes of the key indicators
    tindakan: list[str] = field(default_factory=list)

    def tambah(self, kelompok: str, kalimat: str, *, tindakan: bool = False) -> None:
        kalimat = _kalimat(kalimat)
        self.per_kelompok.setdefault(kelompok, []).append(kalimat)
        if tindakan:
            self.tindakan.append(kalimat)


def _kalimat_perubahan(ind: Indikator, kini: Nilai, lalu: Nilai | None, periode: Periode) -> str | None:
    if kini.nilai is None or lalu is None or lalu.nilai is None or kini.nilai == lalu.nilai:
        return None
    arah = _("naik") if kini.nilai > lalu.nilai else _("turun")
    return _("%(nama)s %(arah)s %(beda)s dibanding %(pembanding)s (dari %(lalu)s menjadi %(kini)s).") % {
        "nama": sebutan(ind), "arah": arah, "beda": teks_beda(kini, lalu), "pembanding": pembanding_label(periode),
        "lalu": format_angka(lalu.nilai, ind.satuan), "kini": format_angka(kini.nilai, ind.satuan),
    }


def _kalimat_target(ind: Indikator, kini: Nilai) -> str | None:
    """ "cakupan kemitraan 54,55%, di bawah target 100%" for a ratio that misses its target."""
    if ind.kode in _KEJADIAN or not ind.rasio or kini.status in (None, "baik"):
        return None
    if ind.lebih_tinggi_lebih_baik is False and ind.target == 0:
        return None  # a share that should be nil: its count is said as its own sentence
    if ind.lebih_tinggi_lebih_baik:
        pola = _("%(nama)s %(nilai)s, di bawah target %(target)s.")
    else:
        pola = _("%(nama)s %(nilai)s, di atas target %(target)s.")
    return pola % {"nama": sebutan(ind), "nilai": format_angka(kini.nilai, ind.satuan), "target": teks_target(ind)}


def _kalimat_kejadian(kode: str, n: int, di: str | None) -> str:
    """ "1 persalinan ditolong dukun saja di Kelurahan X", "2 tindak lanjut terlambat"."""
    pola = {
        "dukun_sendiri": ngettext("%(n)s persalinan ditolong dukun saja", "%(n)s persalinan ditolong dukun saja", n),
        "kematian_ibu": ngettext("%(n)s kematian ibu", "%(n)s kematian ibu", n),
        "kematian_bayi": ngettext("%(n)s kematian bayi", "%(n)s kematian bayi", n),
        "tindak_lanjut_terlambat": ngettext("%(n)s tindak lanjut terlambat", "%(n)s tindak lanjut terlambat", n),
        "rujukan_ditolak": ngettext("%(n)s rujukan ditolak keluarga", "%(n)s rujukan ditolak keluarga", n),
        "rujukan_tidak_sampai": ngettext("%(n)s rujukan tidak sampai di tujuan",
                                         "%(n)s rujukan tidak sampai di tujuan", n),
    }[kode] % {"n": angka_id(n)}
    if di:
        return _("%(kejadian)s di %(tempat)s.") % {"kejadian": pola, "tempat": di}
    return f"{pola}."


def _jumlah(nilai: Nilai | None) -> int:
    return int(nilai.nilai) if nilai is not None and nilai.nilai is not None else 0


def narasi_untuk(hasil: Hasil, *, tempat_kelompok=None) -> Narasi:
    """What changed and what needs action, from the figures.

    `tempat_kelompok(baris)` names a group row ("Kelurahan X" / "Puskesmas Y"); a count that needs
    action is said per group where the groups carry it, otherwise for the whole scope.
    """
    narasi = Narasi()
    periode = hasil.periode
    for ind in INDIKATOR:
        if ind.rinci:
            continue
        kini = hasil.total[ind.kode]
        lalu = hasil.sebelumnya[ind.kode] if hasil.sebelumnya else None
        if ind.kode in _KEJADIAN:
            total = _jumlah(kini)
            if not total:
                continue
            per_kelompok = [(b, _jumlah(b.nilai[ind.kode])) for b in hasil.kelompok if b.nilai[ind.kode].nilai]
            if per_kelompok and tempat_kelompok and sum(n for _b, n in per_kelompok) == total:
                for b, n in per_kelompok:
                    narasi.tambah(ind.kelompok, _kalimat_kejadian(ind.kode, n, tempat_kelompok(b)), tindakan=True)
            else:
                narasi.tambah(ind.kelompok, _kalimat_kejadian(ind.kode, total, None), tindakan=True)
            continue
        if ind.satuan in (Satuan.PERSEN, Satuan.PER_SERIBU) or ind.kunci:
            if kalimat := _kalimat_perubahan(ind, kini, lalu, periode):
                narasi.tambah(ind.kelompok, kalimat)
                if ind.kunci:
                    narasi.perubahan.append(_kalimat(kalimat))
        if kalimat := _kalimat_target(ind, kini):
            narasi.tambah(ind.kelompok, kalimat, tindakan=True)
    return narasi


# --- Charts (inline SVG: WeasyPrint draws it, no script in a PDF) -------------------------------


def svg_batang(judul: str, label: Sequence[str], seri: Sequence[tuple[str, str, Sequence]], *,
               lebar: int = 520, tinggi: int = 160) -> SafeString:
    """Stacked monthly bars with the total above each bar and a legend."""
    kiri, atas, bawah = 28, 26, 34
    n = max(len(label), 1)
    total = [sum(float(s[2][i] or 0) for s in seri) for i in range(len(label))]
    puncak = max(total + [1.0])
    tinggi_plot = tinggi - atas - bawah
    lebar_kolom = (lebar - kiri - 6) / n
    bagian = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{lebar}" height="{tinggi}" viewBox="0 0 {lebar} {tinggi}" '
        f'font-family="DejaVu Sans" font-size="7">',
        f'<text x="{kiri}" y="10" font-size="8" font-weight="bold">{escape(judul)}</text>',
        f'<line x1="{kiri}" y1="{atas + tinggi_plot}" x2="{lebar - 4}" y2="{atas + tinggi_plot}" stroke="#666" '
        f'stroke-width="0.5"/>',
        f'<text x="{kiri - 3}" y="{atas + 3}" text-anchor="end">{angka_id(puncak)}</text>',
        f'<text x="{kiri - 3}" y="{atas + tinggi_plot}" text-anchor="end">0</text>',
    ]
    for i, nama in enumerate(label):
        x = kiri + i * lebar_kolom + lebar_kolom * 0.15
        w = lebar_kolom * 0.7
        y = atas + tinggi_plot
        for _nama, warna, nilai in seri:
            v = float(nilai[i] or 0)
            if v <= 0:
                continue
            h = tinggi_plot * v / puncak
            y -= h
            bagian.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{warna}"/>')
        if total[i]:
            bagian.append(f'<text x="{x + w / 2:.1f}" y="{y - 2:.1f}" text-anchor="middle">{angka_id(total[i])}</text>')
        bagian.append(f'<text x="{x + w / 2:.1f}" y="{atas + tinggi_plot + 9}" text-anchor="middle">'
                      f'{escape(nama)}</text>')
    if len(seri) > 1:
        x = kiri
        for nama, warna, _nilai in seri:
            bagian.append(f'<rect x="{x}" y="{tinggi - 10}" width="7" height="7" fill="{warna}"/>')
            bagian.append(f'<text x="{x + 9}" y="{tinggi - 4}">{escape(nama)}</text>')
            x += 12 + 4.6 * len(nama)
    bagian.append("</svg>")
    return mark_safe("".join(bagian))  # every text above is escaped


def _label_bulan(bulan: Iterable[Periode]) -> list[str]:
    return [date_format(p.mulai, "M y") for p in bulan]


def grafik_persalinan(cakupan: Cakupan, bulan: Sequence[Periode]) -> list[SafeString]:
    """Deliveries by attendant and dukun-alone deliveries over the months (one query)."""
    names = ["persalinan_jumlah", "persalinan_dukun_sendiri"] + [f"persalinan_penolong_{p.value}" for p in Penolong]
    rows = tren(cakupan, bulan, names)
    label = _label_bulan(bulan)
    seri = [(str(p.label), _WARNA_PENOLONG[p], [r[f"persalinan_penolong_{p.value}"] for r in rows])
            for p in Penolong]
    return [
        svg_batang(_("Persalinan menurut penolong, %(awal)s – %(akhir)s") % {
            "awal": bulan[0].label, "akhir": bulan[-1].label}, label, seri),
        svg_batang(_("Persalinan ditolong dukun saja per bulan"), label,
                   [(_("Dukun saja"), "#c0392b", [r["persalinan_dukun_sendiri"] for r in rows])], tinggi=130),
    ]


# --- The monthly report of a Puskesmas ---------------------------------------------------------


@dataclass
class KolomTabel:
    indikator: Indikator

    @property
    def judul(self) -> str:
        return self.indikator.judul


def _laporan_bulanan(puskesmas: Puskesmas, periode: Periode) -> LaporanBulanan | None:
    return (LaporanBulanan.objects.select_related("disetujui_oleh", "dibuka_oleh")
            .filter(puskesmas=puskesmas, bulan=periode.mulai).first())


def konteks_bulanan(puskesmas: Puskesmas, periode: Periode, *, laporan: LaporanBulanan | None = None) -> dict:
    """Everything the monthly report shows, computed by the engine."""
    cakupan = Cakupan.dari(puskesmas)
    hasil = hitung(cakupan, periode, kelompok="kelurahan")
    if laporan is None:
        laporan = _laporan_bulanan(puskesmas, periode)
    narasi = narasi_untuk(hasil, tempat_kelompok=lambda b: nama_tempat(b.objek))
    bagian = bagian_bagian(hasil)
    bulan = dua_belas_bulan_sampai(periode)
    for b in bagian:
        for s in b.seksi:
            s.narasi = narasi.per_kelompok.get(s.kode, [])
            if s.kode == "persalinan":
                s.grafik = grafik_persalinan(cakupan, bulan)
    kolom = [INDIKATOR_MAP[k] for k in KOLOM_KELURAHAN]
    disetujui = laporan is not None and laporan.status == StatusLaporan.DISETUJUI
    return {
        "puskesmas": puskesmas,
        "periode": periode,
        "hasil": hasil,
        "bagian": bagian,
        "narasi": narasi,
        "kunci": [BarisIndikator(i, hasil.total[i.kode], hasil.sebelumnya[i.kode]) for i in INDIKATOR_KUNCI],
        "kolom_kelurahan": kolom,
        "baris_kelurahan": [(b, [b.nilai[i.kode] for i in kolom]) for b in hasil.kelompok],
        "total_kelurahan": [hasil.total[i.kode] for i in kolom],
        "laporan": laporan,
        "disetujui": disetujui,
        "tempat": puskesmas.kabupaten.nama,
        "tanggal": timezone.localtime(laporan.disetujui_pada).date() if disetujui and laporan.disetujui_pada
        else timezone.localdate(),
        "dicetak_pada": timezone.now(),
        "pembanding": pembanding_label(periode),
    }


# --- The district report -----------------------------------------------------------------------


def zona_kabupaten(kabupaten: Kabupaten) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(zona_waktu_provinsi(kabupaten.provinsi_id) or settings.TIME_ZONE)


def _kolom_kabupaten() -> list[tuple[str, str, list[Indikator]]]:
    """The district tables: one per section (its main indicators), and deliveries by attendant and place."""
    out = []
    for kode, tingkat, label in KELOMPOK:
        inds = [i for i in _indikator_kelompok(kode) if not i.rinci]
        out.append((kode, f"{TINGKAT_LABEL[tingkat]} – {label}", inds))
        if kode == "persalinan":
            out.append(("penolong", _("Persalinan menurut penolong"),
                        [INDIKATOR_MAP[f"penolong_{p.value}"] for p in Penolong]))
            out.append(("tempat", _("Persalinan menurut tempat"),
                        [INDIKATOR_MAP[f"tempat_{t.value}"] for t in TempatPersalinan]))
    return out


@dataclass
class TabelKabupaten:
    kode: str
    judul: str
    kolom: list[Indikator]
    baris: list[tuple[Baris, list[Nilai]]]
    total: list[Nilai]
    narasi: list[str] = field(default_factory=list)


def konteks_kabupaten(kabupaten: Kabupaten, periode: Periode) -> dict:
    cakupan = Cakupan.dari(kabupaten)
    hasil = hitung(cakupan, periode, kelompok="puskesmas")
    narasi = narasi_untuk(hasil, tempat_kelompok=lambda b: str(b.objek))
    tabel = []
    for kode, judul, inds in _kolom_kabupaten():
        tabel.append(TabelKabupaten(
            kode, judul, inds, [(b, [b.nilai[i.kode] for i in inds]) for b in hasil.kelompok],
            [hasil.total[i.kode] for i in inds], narasi.per_kelompok.get(kode, []),
        ))
    bulan = periode.bulan_bulan() if periode.jenis != "bulan" else dua_belas_bulan_sampai(periode)
    disetujui = None
    if periode.jenis == "bulan":
        # How many of the month's reports are approved (one query).
        n = LaporanBulanan.objects.filter(
            puskesmas__in=cakupan.puskesmas_qs(), bulan=periode.mulai, status=StatusLaporan.DISETUJUI
        ).count()
        disetujui = _("%(n)s dari %(total)s laporan bulanan Puskesmas sudah disetujui.") % {
            "n": n, "total": len(hasil.kelompok)}
    return {
        "kabupaten": kabupaten,
        "periode": periode,
        "hasil": hasil,
        "tabel": tabel,
        "narasi": narasi,
        "status_persetujuan": disetujui,
        "kunci": [BarisIndikator(i, hasil.total[i.kode], hasil.sebelumnya[i.kode]) for i in INDIKATOR_KUNCI],
        "grafik": grafik_persalinan(cakupan, bulan[-12:]),
        "tanggal": timezone.localdate(),
        "dicetak_pada": timezone.now(),
        "pembanding": pembanding_label(periode),
    }


# --- Builders ----------------------------------------------------------------------------------


class _Suasana:
    """Indonesian and the place's time zone, for everything a builder formats."""

    def __init__(self, zona: zoneinfo.ZoneInfo):
        self.bahasa = translation.override("id")
        self.zona = timezone.override(zona)

    def __enter__(self):
        self.bahasa.__enter__()
        self.zona.__enter__()

    def __exit__(self, *exc):
        self.zona.__exit__(*exc)
        self.bahasa.__exit__(*exc)


def pdf_bulanan_dengan_hasil(puskesmas: Puskesmas, periode: Periode, *,
                             laporan: LaporanBulanan | None = None) -> tuple[bytes, Hasil]:
    """The PDF and the engine's result it shows (an approval stores both)."""
    from laporan import services

    with _Suasana(puskesmas.zona):
        konteks = konteks_bulanan(puskesmas, periode, laporan=laporan)
        return services.render_pdf("laporan/laporan_bulanan_pdf.html", konteks), konteks["hasil"]


def pdf_bulanan(puskesmas: Puskesmas, periode: Periode, *, laporan: LaporanBulanan | None = None) -> bytes:
    return pdf_bulanan_dengan_hasil(puskesmas, periode, laporan=laporan)[0]


def pdf_kabupaten(kabupaten: Kabupaten, periode: Periode) -> bytes:
    from laporan import services

    with _Suasana(zona_kabupaten(kabupaten)):
        return services.render_pdf("laporan/laporan_kabupaten_pdf.html", konteks_kabupaten(kabupaten, periode))


def nama_berkas_bulanan(puskesmas: Puskesmas, periode: Periode, ekstensi: str = "pdf") -> str:
    from django.utils.text import slugify

    return f"laporan-bulanan-{slugify(puskesmas.kode)}-{periode.kode}.{ekstensi}"


def zip_kabupaten(kabupaten: Kabupaten, periode: Periode) -> bytes:
    """The month's report of every active Puskesmas of the district in one ZIP: an approved month as it
    was stored, any other month rendered now."""
    puskesmas = list(Puskesmas.objects.filter(kabupaten=kabupaten, aktif=True).select_related("kabupaten"))
    laporan = {
        lap.puskesmas_id: lap
        for lap in LaporanBulanan.objects.filter(puskesmas__in=puskesmas, bulan=periode.mulai)
        .select_related("disetujui_oleh", "dibuka_oleh")
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in puskesmas:
            lap = laporan.get(p.pk)
            isi = None
            if lap is not None and lap.terkunci and lap.berkas_pdf:
                path = Path(settings.PRIVATE_MEDIA_ROOT) / lap.berkas_pdf
                if path.is_file():
                    isi = path.read_bytes()
            if isi is None:
                isi = pdf_bulanan(p, periode, laporan=lap)
            zf.writestr(nama_berkas_bulanan(p, periode), isi)
    return buffer.getvalue()


# --- XLSX --------------------------------------------------------------------------------------

_FORMAT = {
    Satuan.PERSEN: '0.00"%"',
    Satuan.PER_SERIBU: "0.0",
    Satuan.JUMLAH: "#,##0",
    Satuan.RUPIAH: '"Rp "#,##0',
    Satuan.MENIT: "0",
}


def _sel_angka(value):
    """A number as a number (int when whole), None for "–"."""
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def _format(ind: Indikator, value) -> str:
    if ind.satuan == Satuan.JUMLAH and value is not None and Decimal(value) != Decimal(value).to_integral_value():
        return "#,##0.00"
    return _FORMAT[ind.satuan]


class _Buku:
    def __init__(self):
        from openpyxl import Workbook
        from openpyxl.styles import Font, PatternFill

        self.wb = Workbook()
        self.wb.remove(self.wb.active)
        self.tebal = Font(bold=True)
        self.judul = Font(bold=True, size=13)
        self.isi = PatternFill("solid", fgColor="E9EEF3")

    def lembar(self, judul: str, baris_judul: Sequence[str] = ()):
        # Excel forbids some characters in a sheet name and allows 31 of them.
        nama = "".join(c for c in str(judul) if c not in '[]:*?/\\')[:31]
        ws = self.wb.create_sheet(nama)
        for i, teks in enumerate(baris_judul):
            ws.append([teks])
            if i == 0:
                ws.cell(row=1, column=1).font = self.judul
        if baris_judul:
            ws.append([])
        return ws

    def kepala(self, ws, header: Sequence[str]) -> None:
        ws.append(list(header))
        for cell in ws[ws.max_row]:
            cell.font = self.tebal
            cell.fill = self.isi

    def angka(self, ws, row: int, column: int, ind: Indikator, value) -> None:
        cell = ws.cell(row=row, column=column, value=_sel_angka(value))
        cell.number_format = _format(ind, value)

    def simpan(self) -> bytes:
        buffer = io.BytesIO()
        self.wb.save(buffer)
        return buffer.getvalue()


def _nilai(n: Nilai | None):
    return None if n is None else n.nilai


def _lembar_ringkasan(buku: _Buku, judul: Sequence[str], konteks: dict) -> None:
    ws = buku.lembar(_("Ringkasan"), judul)
    narasi: Narasi = konteks["narasi"]
    ws.append([_("Perlu ditindaklanjuti")])
    ws.cell(row=ws.max_row, column=1).font = buku.tebal
    for kalimat in narasi.tindakan or [_("Tidak ada indikator yang memerlukan tindakan segera.")]:
        ws.append([kalimat])
    ws.append([])
    ws.append([_("Perubahan indikator kunci")])
    ws.cell(row=ws.max_row, column=1).font = buku.tebal
    for kalimat in narasi.perubahan or [_("Tidak ada perubahan indikator kunci.")]:
        ws.append([kalimat])
    ws.append([])
    buku.kepala(ws, [_("Kode"), _("Indikator"), _("Nilai"), konteks["pembanding"].capitalize(), _("Target")])
    for b in konteks["kunci"]:
        ws.append([b.indikator.kode, b.indikator.judul])
        buku.angka(ws, ws.max_row, 3, b.indikator, _nilai(b.nilai))
        buku.angka(ws, ws.max_row, 4, b.indikator, _nilai(b.lalu))
        buku.angka(ws, ws.max_row, 5, b.indikator, b.indikator.target)
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 60


def xlsx_bulanan(puskesmas: Puskesmas, periode: Periode, *, laporan: LaporanBulanan | None = None) -> bytes:
    """The monthly report's figures: a sheet per section, numbers as numbers."""
    with _Suasana(puskesmas.zona):
        k = konteks_bulanan(puskesmas, periode, laporan=laporan)
        hasil: Hasil = k["hasil"]
        buku = _Buku()
        judul = [_("Laporan bulanan kemitraan bidan–dukun — %(pkm)s") % {"pkm": puskesmas},
                 _("Periode: %(p)s · %(kab)s") % {"p": periode.label, "kab": puskesmas.kabupaten}]
        _lembar_ringkasan(buku, judul, k)
        header = [_("Kode"), _("Indikator"), _("Satuan"), _("Nilai"), k["pembanding"].capitalize(), _("Perubahan"),
                  _("Target"), _("Pembilang"), _("Penyebut")]
        for kode, tingkat, label in KELOMPOK:
            ws = buku.lembar(str(label), [f"{TINGKAT_LABEL[tingkat]} – {label}", judul[0], periode.label])
            buku.kepala(ws, header)
            for ind in _indikator_kelompok(kode):
                kini, lalu = hasil.total[ind.kode], hasil.sebelumnya[ind.kode]
                ws.append([ind.kode, ind.judul, str(SATUAN_LABEL[ind.satuan])])
                r = ws.max_row
                buku.angka(ws, r, 4, ind, kini.nilai)
                buku.angka(ws, r, 5, ind, lalu.nilai)
                beda = None if kini.nilai is None or lalu.nilai is None else kini.nilai - lalu.nilai
                buku.angka(ws, r, 6, ind, beda)
                buku.angka(ws, r, 7, ind, ind.target)
                ws.cell(row=r, column=8, value=_sel_angka(kini.pembilang))
                ws.cell(row=r, column=9, value=_sel_angka(kini.penyebut))
            ws.column_dimensions["A"].width = 26
            ws.column_dimensions["B"].width = 52
        ws = buku.lembar(_("Per kelurahan"), [_("Per kelurahan/desa"), judul[0], periode.label])
        kolom = k["kolom_kelurahan"]
        buku.kepala(ws, [_("Kode"), _("Kelurahan/desa")] + [i.judul for i in kolom])
        for b, nilai in k["baris_kelurahan"]:
            ws.append([b.kunci, b.nama])
            for j, (ind, n) in enumerate(zip(kolom, nilai, strict=True)):
                buku.angka(ws, ws.max_row, 3 + j, ind, n.nilai)
        ws.append(["", _("Jumlah")])
        for j, (ind, n) in enumerate(zip(kolom, k["total_kelurahan"], strict=True)):
            buku.angka(ws, ws.max_row, 3 + j, ind, n.nilai)
        for cell in ws[ws.max_row]:
            cell.font = buku.tebal
        ws.column_dimensions["B"].width = 28
        return buku.simpan()


def xlsx_kabupaten(kabupaten: Kabupaten, periode: Periode) -> bytes:
    """The district report's figures: a sheet per section, a row per Puskesmas and the district total."""
    with _Suasana(zona_kabupaten(kabupaten)):
        k = konteks_kabupaten(kabupaten, periode)
        hasil: Hasil = k["hasil"]
        buku = _Buku()
        judul = [_("Laporan kemitraan bidan–dukun — %(kab)s") % {"kab": kabupaten},
                 _("Periode: %(p)s") % {"p": periode.label}]
        _lembar_ringkasan(buku, judul, k)
        if k["status_persetujuan"]:
            ws = buku.wb[buku.wb.sheetnames[0]]
            ws.append([])
            ws.append([k["status_persetujuan"]])
        for kode, tingkat, label in KELOMPOK:
            inds = _indikator_kelompok(kode)
            ws = buku.lembar(str(label), [f"{TINGKAT_LABEL[tingkat]} – {label}", judul[0], periode.label])
            buku.kepala(ws, [_("Kode"), _("Puskesmas")] + [i.judul for i in inds])
            for b in hasil.kelompok:
                ws.append([b.objek.kode, b.nama])
                for j, ind in enumerate(inds):
                    buku.angka(ws, ws.max_row, 3 + j, ind, b.nilai[ind.kode].nilai)
            ws.append([kabupaten.kode, _("Kabupaten/kota")])
            for j, ind in enumerate(inds):
                buku.angka(ws, ws.max_row, 3 + j, ind, hasil.total[ind.kode].nilai)
            for cell in ws[ws.max_row]:
                cell.font = buku.tebal
            ws.column_dimensions["B"].width = 28
        return buku.simpan()


# --- Dates of a month ----------------------------------------------------------------------------


def bulan_berakhir(periode: Periode, zona: zoneinfo.ZoneInfo) -> bool:
    """Whether the month is over where the Puskesmas is."""
    return periode.selesai < dt.datetime.now(zona).date()
