"""The indicator registry: every monitoring figure of the partnership, defined once.

An indicator is a numerator over a denominator of *measures* (counts and sums that laporan/hitung.py
computes in the database); a count indicator has no denominator. The dashboards, the monthly and the
district reports, their XLSX and the stored values of an approved report all read this one list, so a
figure cannot mean one thing on a card and another in the PDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from kemitraan.models import SumberDana
from kia.models import AlasanPenolakan, Penolong, TempatPersalinan


class Tingkat:
    INPUT = "input"
    PROSES = "proses"
    OUTPUT = "output"


TINGKAT_LABEL = {Tingkat.INPUT: _("Input"), Tingkat.PROSES: _("Proses"), Tingkat.OUTPUT: _("Output")}

# The framework's sections, in the report's order (DOMAIN.md: input, process, output).
KELOMPOK = [
    ("sdm", Tingkat.INPUT, _("SDM")),
    ("dana", Tingkat.INPUT, _("Dana")),
    ("sarana", Tingkat.INPUT, _("Sarana")),
    ("metode", Tingkat.INPUT, _("Metode")),
    ("perencanaan", Tingkat.PROSES, _("Perencanaan")),
    ("pengorganisasian", Tingkat.PROSES, _("Pengorganisasian")),
    ("penggerakan", Tingkat.PROSES, _("Penggerakan")),
    ("pengawasan", Tingkat.PROSES, _("Pengawasan dan evaluasi")),
    ("rujukan", Tingkat.OUTPUT, _("Rujukan")),
    ("persalinan", Tingkat.OUTPUT, _("Persalinan")),
    ("bayi", Tingkat.OUTPUT, _("Bayi baru lahir dan kematian")),
    ("jasa", Tingkat.OUTPUT, _("Pembagian jasa")),
]
KELOMPOK_LABEL = {kode: label for kode, _t, label in KELOMPOK}


class Satuan:
    PERSEN = "persen"
    PER_SERIBU = "per_seribu"  # per 1,000 live births
    JUMLAH = "jumlah"
    RUPIAH = "rupiah"
    MENIT = "menit"


PENGALI = {Satuan.PERSEN: Decimal(100), Satuan.PER_SERIBU: Decimal(1000)}
DESIMAL = {Satuan.PERSEN: Decimal("0.01"), Satuan.PER_SERIBU: Decimal("0.1")}


@dataclass(frozen=True)
class Indikator:
    kode: str
    nama: str
    nama_en: str
    kelompok: str
    satuan: str
    pembilang: str
    penyebut: str | None = None
    # True: higher is better; False: lower is better; None: a plain figure with no direction.
    lebih_tinggi_lebih_baik: bool | None = None
    target: Decimal | None = None
    # Key indicators are the dashboard's cards and the report's summary.
    kunci: bool = False
    # Detail rows (by source of funds, attendant, place, reason) belong in tables, not cards.
    rinci: bool = False

    @property
    def judul(self) -> str:
        """The name in the active language (the registry holds both, so no catalogue can drift)."""
        return self.nama_en if (get_language() or "id").startswith("en") else self.nama

    @property
    def tingkat(self) -> str:
        return next(t for kode, t, _label in KELOMPOK if kode == self.kelompok)

    @property
    def rasio(self) -> bool:
        return self.penyebut is not None


def _i(kode, nama, nama_en, kelompok, satuan, pembilang, penyebut=None, *, naik=None, target=None, kunci=False,
       rinci=False) -> Indikator:
    return Indikator(kode, nama, nama_en, kelompok, satuan, pembilang, penyebut, naik,
                     Decimal(target) if target is not None else None, kunci, rinci)


P, K, J, R, M = Satuan.PERSEN, Satuan.PER_SERIBU, Satuan.JUMLAH, Satuan.RUPIAH, Satuan.MENIT

INDIKATOR: list[Indikator] = [
    # --- Input: SDM ---------------------------------------------------------------------------
    _i("dukun_terdaftar", "Dukun terdaftar", "Registered TBAs", "sdm", J, "dukun_terdaftar"),
    _i("dukun_aktif", "Dukun aktif menolong", "Active TBAs", "sdm", J, "dukun_aktif"),
    _i("dukun_terlatih", "Dukun aktif yang pernah dilatih", "Active TBAs ever trained", "sdm", P,
       "dukun_terlatih", "dukun_aktif", naik=True, target=100),
    _i("bidan_jumlah", "Bidan yang melayani", "Midwives serving", "sdm", J, "bidan_jumlah"),
    _i("bidan_tinggal", "Bidan tinggal di kelurahan yang dilayani", "Midwives living where they serve", "sdm", P,
       "bidan_tinggal", "bidan_jumlah", naik=True, target=100),
    # --- Input: Dana --------------------------------------------------------------------------
    _i("dana_alokasi", "Dana dialokasikan (tahun berjalan)", "Funds allocated (year)", "dana", R, "dana_alokasi"),
    _i("dana_belanja", "Dana dibelanjakan dalam periode", "Funds spent in the period", "dana", R, "dana_belanja"),
    _i("dana_serapan", "Serapan dana sampai akhir periode", "Funds spent to date / allocated", "dana", P,
       "dana_belanja_kumulatif", "dana_alokasi", naik=True),
    *[
        _i(f"dana_alokasi_{s.value}", f"Alokasi {s.label}", f"Allocated: {s.label}", "dana", R,
           f"dana_alokasi_{s.value}", rinci=True)
        for s in SumberDana
    ],
    *[
        _i(f"dana_belanja_{s.value}", f"Belanja {s.label}", f"Spent: {s.label}", "dana", R,
           f"dana_belanja_{s.value}", rinci=True)
        for s in SumberDana
    ],
    # --- Input: Sarana ------------------------------------------------------------------------
    _i("sarana_buku_pedoman", "Buku pedoman kemitraan tersedia", "Partnership guidebooks available", "sarana", J,
       "sarana_buku_pedoman", naik=True),
    _i("kit_diberikan", "Kit dukun dibagikan dalam periode", "TBA kits handed out", "sarana", J, "kit_diberikan"),
    _i("dukun_kit", "Dukun aktif yang pernah menerima kit", "Active TBAs who received a kit", "sarana", P,
       "dukun_kit", "dukun_aktif", naik=True, target=100),
    # --- Input: Metode ------------------------------------------------------------------------
    _i("penghargaan", "Penghargaan diberikan", "Rewards given", "metode", J, "penghargaan"),
    _i("teguran_sanksi", "Teguran tertulis dan sanksi", "Written warnings and sanctions", "metode", J,
       "teguran_sanksi", naik=False),
    # --- Process: Perencanaan -----------------------------------------------------------------
    _i("dukun_dikenal", "Dukun aktif yang dikenal bidan", "Active TBAs known to a midwife", "perencanaan", P,
       "dukun_dikenal", "dukun_aktif", naik=True, target=100),
    _i("cakupan_kemitraan", "Cakupan kemitraan (dukun bermitra / dukun aktif)",
       "Partnership coverage (partnered / active TBAs)", "perencanaan", P, "dukun_bermitra", "dukun_aktif",
       naik=True, target=100, kunci=True),
    # --- Process: Pengorganisasian ------------------------------------------------------------
    _i("pertemuan_lintas_sektor", "Pertemuan yang dihadiri lintas sektor", "Meetings attended by partners",
       "pengorganisasian", P, "pertemuan_lintas_sektor", "pertemuan_terlaksana", naik=True),
    _i("lintas_sektor_hadir", "Kehadiran mitra lintas sektor", "Cross-sector attendances", "pengorganisasian", J,
       "lintas_sektor_hadir", naik=True),
    # --- Process: Penggerakan -----------------------------------------------------------------
    _i("pertemuan_terlaksana", "Pertemuan terlaksana", "Meetings held", "penggerakan", J, "pertemuan_terlaksana"),
    _i("pertemuan_rencana", "Pertemuan direncanakan (jatuh tempo)", "Meetings planned (due)", "penggerakan", J,
       "pertemuan_rencana"),
    _i("keteraturan_pertemuan", "Pertemuan terlaksana / direncanakan", "Meetings held / planned", "penggerakan", P,
       "pertemuan_terlaksana", "pertemuan_rencana", naik=True, target=100, kunci=True),
    _i("kehadiran_dukun", "Dukun aktif yang hadir pertemuan", "Active TBAs attending a meeting", "penggerakan", P,
       "dukun_hadir", "dukun_aktif", naik=True, target=100),
    _i("pelatihan_jumlah", "Pelatihan, pembinaan dan magang", "Trainings and coaching", "penggerakan", J,
       "pelatihan_jumlah", naik=True),
    _i("pelatihan_peserta_dukun", "Dukun peserta pelatihan", "TBAs trained in the period", "penggerakan", J,
       "pelatihan_peserta_dukun", naik=True),
    # --- Process: Pengawasan dan evaluasi -----------------------------------------------------
    _i("tindak_lanjut_tepat_waktu", "Tindak lanjut selesai tepat waktu", "Follow-ups closed on time",
       "pengawasan", P, "tl_tepat_waktu", "tl_jatuh_tempo", naik=True, target=100, kunci=True),
    _i("tindak_lanjut_jatuh_tempo", "Tindak lanjut jatuh tempo", "Follow-ups due", "pengawasan", J,
       "tl_jatuh_tempo"),
    _i("tindak_lanjut_terlambat", "Tindak lanjut terlambat (akhir periode)", "Follow-ups overdue (period end)",
       "pengawasan", J, "tl_terlambat", naik=False, target=0, kunci=True),
    # --- Output: Rujukan ----------------------------------------------------------------------
    _i("rujukan_jumlah", "Rujukan dibuat", "Referrals made", "rujukan", J, "rujukan_jumlah"),
    _i("rujukan_dari_dukun", "Rujukan dari dukun", "Referrals by a TBA", "rujukan", J, "rujukan_dari_dukun",
       naik=True),
    _i("rujukan_sampai", "Rujukan sampai di tujuan", "Referrals completed", "rujukan", P, "rujukan_sampai",
       "rujukan_jumlah", naik=True, target=100),
    _i("rujukan_ditolak", "Rujukan ditolak keluarga", "Referrals refused by the family", "rujukan", J,
       "rujukan_ditolak", naik=False, target=0),
    _i("rujukan_tidak_sampai", "Rujukan tidak sampai", "Referrals that never arrived", "rujukan", J,
       "rujukan_tidak_sampai", naik=False, target=0),
    _i("rujukan_waktu_sampai", "Median waktu sampai rujukan", "Median time to arrival", "rujukan", M,
       "rujukan_median_menit", naik=False),
    *[
        _i(f"rujukan_alasan_{a.value}", f"Ditolak karena {a.label.lower()}", f"Refused: {a.value}", "rujukan", J,
           f"rujukan_alasan_{a.value}", rinci=True)
        for a in AlasanPenolakan
    ],
    # --- Output: Persalinan -------------------------------------------------------------------
    _i("persalinan_jumlah", "Persalinan tercatat", "Deliveries recorded", "persalinan", J, "persalinan_jumlah"),
    _i("pn", "Persalinan oleh tenaga kesehatan (Pn)", "Deliveries by health workers (Pn)", "persalinan", P,
       "persalinan_nakes", "persalinan_jumlah", naik=True, target=100, kunci=True),
    _i("pn_sasaran", "Pn terhadap sasaran ibu bersalin", "Pn against the delivery target", "persalinan", P,
       "persalinan_nakes", "sasaran_bersalin", naik=True, target=100),
    _i("pf", "Persalinan di fasilitas kesehatan (PF)", "Deliveries in health facilities (PF)", "persalinan", P,
       "persalinan_fasilitas", "persalinan_jumlah", naik=True, target=100, kunci=True),
    _i("pf_sasaran", "PF terhadap sasaran ibu bersalin", "PF against the delivery target", "persalinan", P,
       "persalinan_fasilitas", "sasaran_bersalin", naik=True, target=100),
    _i("dukun_sendiri", "Persalinan ditolong dukun saja", "Deliveries by a TBA alone", "persalinan", J,
       "persalinan_dukun_sendiri", naik=False, target=0, kunci=True),
    _i("dukun_sendiri_persen", "Persalinan ditolong dukun saja / semua persalinan", "TBA-alone share",
       "persalinan", P, "persalinan_dukun_sendiri", "persalinan_jumlah", naik=False, target=0),
    _i("sasaran_bersalin", "Sasaran ibu bersalin (periode)", "Delivery target (period)", "persalinan", J,
       "sasaran_bersalin"),
    *[
        _i(f"penolong_{p.value}", f"Ditolong: {p.label}", f"Attendant: {p.value}", "persalinan", J,
           f"persalinan_penolong_{p.value}", rinci=True)
        for p in Penolong
    ],
    *[
        _i(f"tempat_{t.value}", f"Tempat: {t.label}", f"Place: {t.value}", "persalinan", J,
           f"persalinan_tempat_{t.value}", rinci=True)
        for t in TempatPersalinan
    ],
    _i("kematian_ibu", "Kematian ibu", "Maternal deaths", "persalinan", J, "kematian_ibu", naik=False, target=0,
       kunci=True),
    # --- Output: Bayi -------------------------------------------------------------------------
    _i("lahir_hidup", "Lahir hidup", "Live births", "bayi", J, "lahir_hidup"),
    _i("lahir_mati", "Lahir mati", "Stillbirths", "bayi", J, "lahir_mati", naik=False),
    _i("bblr", "Berat badan lahir rendah (BBLR) / lahir hidup", "Low birth weight / live births", "bayi", P,
       "bblr", "lahir_hidup", naik=False),
    _i("kn_lengkap", "KN lengkap / lahir hidup", "Complete newborn visits / live births", "bayi", P, "kn_lengkap",
       "lahir_hidup", naik=True, target=100),
    _i("kn_lengkap_sasaran", "Cakupan KN lengkap terhadap sasaran bayi (SPM)",
       "Complete newborn visits against the newborn target (SPM)", "bayi", P, "kn_lengkap", "sasaran_bayi",
       naik=True, target=100, kunci=True),
    _i("sasaran_bayi", "Sasaran bayi baru lahir (periode)", "Newborn target (period)", "bayi", J, "sasaran_bayi"),
    _i("kematian_neonatal", "Kematian neonatal (0–28 hari)", "Neonatal deaths (0–28 days)", "bayi", J,
       "kematian_neonatal", naik=False, target=0),
    _i("akn", "Angka kematian neonatal", "Neonatal mortality rate", "bayi", K, "kematian_neonatal", "lahir_hidup",
       naik=False),
    _i("kematian_bayi", "Kematian bayi (0–11 bulan)", "Infant deaths (0–11 months)", "bayi", J, "kematian_bayi",
       naik=False, target=0),
    _i("akb", "Angka kematian bayi (AKB)", "Infant mortality rate (IMR)", "bayi", K, "kematian_bayi", "lahir_hidup",
       naik=False, kunci=True),
    # --- Output: Pembagian jasa ---------------------------------------------------------------
    _i("persalinan_bermitra", "Persalinan dengan mitra dukun", "Deliveries with a partner TBA", "jasa", J,
       "persalinan_bermitra", naik=True),
    _i("jasa_dibayar", "Jasa dukun dibayarkan / persalinan bermitra", "TBA fee shares paid", "jasa", P,
       "jasa_dibayar", "persalinan_bermitra", naik=True, target=100),
    _i("jasa_jumlah", "Jumlah jasa dukun dibayarkan", "Fee shares paid (Rp)", "jasa", R, "jasa_jumlah"),
]

INDIKATOR_MAP: dict[str, Indikator] = {i.kode: i for i in INDIKATOR}
INDIKATOR_KUNCI: list[Indikator] = [i for i in INDIKATOR if i.kunci]

assert len(INDIKATOR_MAP) == len(INDIKATOR), "indicator codes must be unique"

# Only for the label of a unit in tables and the XLSX header.
SATUAN_LABEL = {
    Satuan.PERSEN: "%",
    Satuan.PER_SERIBU: _("per 1.000 KH"),
    Satuan.JUMLAH: pgettext_lazy("satuan", "jumlah"),
    Satuan.RUPIAH: "Rp",
    Satuan.MENIT: _("menit"),
}
