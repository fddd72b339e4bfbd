"""Retention of personal data: past it, a mother's records stay and her identity goes.

A mother is past retention when nothing about her happened since the first day of the cut-off year: she
was registered before it, and no pregnancy was registered, no referral made, no delivery recorded and no
change made to her own record on or after it. Her name becomes `Anonim #<id>`, her NIK, address, RT/RW
and phone are emptied and her birth date keeps only the year (1 January) — in her row AND in every
history row, because django-simple-history copies the whole row at each change. Her name, NIK and phone
number are also cut out of the free-text notes of her records (and their history), where a bidan may have
written them.

What stays: her kelurahan and Puskesmas (the scope of her records), her recorded age, and every
pregnancy, referral, delivery, baby and outcome with their dates and places. The indicators and the month
lock are about those, so approved months keep their figures: this is why the writes bypass the services'
month-lock check — they touch no dated or counted field. The writes are `QuerySet.update()`s, which add
no history row of their own (a history row would copy the data back), in one transaction.

Idempotent: the anonymous values follow from the row itself, so a second run finds nothing to change.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import CharField, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat, TruncYear
from django.utils import timezone

from kia.models import Bayi, Ibu, KajianKasus, Kehamilan, Persalinan, Rujukan

ANONIM = "Anonim #"
PENGGANTI_TEKS = "[dianonimkan]"
UKURAN_KELOMPOK = 500
# Personal strings shorter than this are not searched in free text: they would match ordinary words.
PANJANG_MIN = 4

# Free-text fields of her records, with the path from each record to the mother.
TEKS_BEBAS: list[tuple[type, str, tuple[str, ...]]] = [
    (Kehamilan, "ibu_id", ("catatan", "faktor_risiko_lainnya")),
    (Rujukan, "ibu_id", ("alasan", "tanda_bahaya_lainnya", "keterangan_status")),
    (Persalinan, "ibu_id", ("catatan", "komplikasi_lainnya", "keterangan_kematian_ibu")),
    (Bayi, "persalinan__ibu_id", ("keterangan_kematian",)),
    (KajianKasus, "persalinan__ibu_id", ("kronologi", "rencana_perbaikan")),
]

Lapor = Callable[[str], None]


def batas_retensi(*, sebelum_tahun: int | None = None) -> dt.date:
    """1 January of the first year whose activity keeps a mother's data (default: this year − retention)."""
    tahun = sebelum_tahun if sebelum_tahun is not None else (
        timezone.localdate().year - settings.RETENSI_DATA_PRIBADI_TAHUN
    )
    return dt.date(tahun, 1, 1)


def ibu_lewat_retensi(batas: dt.date) -> QuerySet[Ibu]:
    """Mothers with no activity on or after `batas` (see the module docstring for what counts)."""
    mulai = timezone.make_aware(dt.datetime.combine(batas, dt.time.min))
    aktif = (
        Q(Exists(Kehamilan.objects.filter(ibu=OuterRef("pk"), tanggal_daftar__gte=batas)))
        | Q(Exists(Rujukan.objects.filter(ibu=OuterRef("pk"), waktu_rujuk__gte=mulai)))
        | Q(Exists(Persalinan.objects.filter(ibu=OuterRef("pk"), tanggal__gte=batas)))
        | Q(Exists(Ibu.history.filter(id=OuterRef("pk"), history_date__gte=mulai)))
    )
    return Ibu.objects.filter(dicatat_pada__lt=mulai).exclude(aktif)


def _nama_anonim():
    return Concat(Value(ANONIM), Cast("id", CharField()), output_field=CharField())


def _nilai_anonim() -> dict:
    return {"nama": _nama_anonim(), "nik": "", "alamat": "", "rt": "", "rw": "", "telepon": "",
            "tanggal_lahir": TruncYear("tanggal_lahir")}


# A row (current or historical) that still holds something personal.
def _belum_anonim() -> Q:
    return (~Q(nama=_nama_anonim()) | ~Q(nik="") | ~Q(alamat="") | ~Q(rt="") | ~Q(rw="") | ~Q(telepon="")
            | Q(tanggal_lahir__month__gt=1) | Q(tanggal_lahir__day__gt=1))


def _pola(identitas: Iterable[str]) -> re.Pattern | None:
    kata = sorted({s.strip() for s in identitas if s and len(s.strip()) >= PANJANG_MIN}, key=len, reverse=True)
    if not kata:
        return None
    return re.compile("|".join(re.escape(k) for k in kata), re.IGNORECASE)


def _identitas(ids: list[int]) -> dict[int, re.Pattern]:
    """Per mother, every name, NIK and phone she ever had (current row and history), as one pattern."""
    per_ibu: dict[int, set[str]] = defaultdict(set)
    for qs in (Ibu.objects.filter(pk__in=ids), Ibu.history.filter(id__in=ids)):
        for ibu_id, nama, nik, telepon in qs.values_list("id", "nama", "nik", "telepon"):
            if not nama.startswith(ANONIM):
                per_ibu[ibu_id].add(nama)
            per_ibu[ibu_id].update((nik, telepon))
    return {i: p for i, s in per_ibu.items() if (p := _pola(s)) is not None}


def _punya_kolom(model, nama: str) -> bool:
    return any(f.name == nama for f in model._meta.concrete_fields)


def _bersihkan_teks(ids: list[int], pola: dict[int, re.Pattern]) -> int:
    """Cut her name, NIK and phone out of the free text of her records and their history; returns fields changed."""
    n = 0
    if not pola:
        return 0
    for model, jalur, kolom in TEKS_BEBAS:
        for qs_model in (model, model.history.model):
            ubah = []
            baris = qs_model._default_manager.filter(**{f"{jalur}__in": ids}).values_list("pk", jalur, *kolom)
            for pk, ibu_id, *nilai in baris.iterator(chunk_size=2000):
                p = pola.get(ibu_id)
                if p is None:
                    continue
                baru = {k: p.sub(PENGGANTI_TEKS, v) for k, v in zip(kolom, nilai, strict=True) if v and p.search(v)}
                if baru:
                    ubah.append((pk, baru))
                    n += len(baru)
            # A versioned record (puskesmas.versi) counts this change too, so an edit form opened before it
            # is refused instead of writing the old text, name included, back.
            versi = {"versi": F("versi") + 1} if _punya_kolom(qs_model, "versi") and qs_model is model else {}
            for pk, baru in ubah:
                qs_model._default_manager.filter(pk=pk).update(**baru, **versi)
    return n


@dataclass
class HasilAnonim:
    batas: dt.date
    lewat_retensi: int = 0
    ibu: int = 0
    riwayat: int = 0
    teks: int = 0
    ibu_ids: list[int] = field(default_factory=list)
    uji_coba: bool = False


def data_pribadi_anonimkan(*, batas: dt.date, uji_coba: bool = False) -> HasilAnonim:
    """Anonymise every mother past retention (see the module docstring), in one transaction.

    `uji_coba` (dry run) does the same work and rolls it back, so the counts are exactly what a real run
    would change.
    """
    hasil = HasilAnonim(batas=batas, uji_coba=uji_coba)
    with transaction.atomic():
        semua = list(ibu_lewat_retensi(batas).order_by("pk").values_list("pk", flat=True))
        hasil.lewat_retensi = len(semua)
        HistoricalIbu = Ibu.history.model
        for i in range(0, len(semua), UKURAN_KELOMPOK):
            ids = semua[i:i + UKURAN_KELOMPOK]
            hasil.teks += _bersihkan_teks(ids, _identitas(ids))  # before the names are gone
            perlu = Ibu.objects.filter(pk__in=ids).filter(_belum_anonim())
            hasil.ibu_ids += list(perlu.order_by("pk").values_list("pk", flat=True))
            hasil.ibu += perlu.update(**_nilai_anonim())
            hasil.riwayat += HistoricalIbu.objects.filter(id__in=ids).filter(_belum_anonim()).update(**_nilai_anonim())
        if uji_coba:
            transaction.set_rollback(True)
    return hasil
