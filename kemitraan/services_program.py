"""Writes of the programme area: the meeting plan, funds, facilities, kits, training, and reminders.

Every write is a keyword-only function that validates (full_clean) and saves inside one transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from dukun.models import Dukun
from kemitraan.models import (
    AnggaranDana,
    JenisPertemuan,
    Notifikasi,
    Pelatihan,
    PemberianKit,
    PengeluaranDana,
    Pertemuan,
    RencanaPertemuan,
    Sarana,
    StatusPertemuan,
    StatusTindakLanjut,
    TindakLanjut,
)
from kemitraan.selectors import zona_puskesmas
from laporan.kunci import Tersimpan, pastikan_terbuka
from puskesmas.history import satu_entri
from puskesmas.models import Bidan, Puskesmas, Role, User

logger = logging.getLogger(__name__)

# --- The meeting plan ----------------------------------------------------------------------


@transaction.atomic
def rencana_pertemuan_save(*, puskesmas: Puskesmas, tahun: int, jumlah: Mapping[str, int]) -> list[RencanaPertemuan]:
    """Set the plan of a year: one row per kind (a kind left out is planned 0 times).

    Writing every kind makes the plan explicit, so the default (a routine meeting every quarter) no
    longer applies to that year. Rows whose number does not change are not saved (no empty history).
    """
    unknown = set(jumlah) - set(JenisPertemuan.values)
    if unknown:
        raise ValidationError(_("Jenis pertemuan tidak dikenal: %(jenis)s.") % {"jenis": ", ".join(sorted(unknown))})
    existing = {
        r.jenis: r for r in RencanaPertemuan.objects.select_for_update().filter(puskesmas=puskesmas, tahun=tahun)
    }
    rows = []
    for jenis in JenisPertemuan.values:
        row = existing.get(jenis) or RencanaPertemuan(puskesmas=puskesmas, tahun=tahun, jenis=jenis)
        baru = jumlah.get(jenis, 0)
        if row.pk is None or row.jumlah != baru:
            row.jumlah = baru
            row.full_clean()
            row.save()
        rows.append(row)
    return rows


# --- Funds, facilities, kits, training -------------------------------------------------------


def _apply(obj, fields: Mapping) -> None:
    for name, value in fields.items():
        setattr(obj, name, value)


@transaction.atomic
def anggaran_save(*, anggaran: AnggaranDana, **fields) -> AnggaranDana:
    _apply(anggaran, fields)
    if anggaran.pk and "tahun" in fields:
        lain = anggaran.pengeluaran.exclude(tanggal__year=anggaran.tahun)
        if lain.exists():
            raise ValidationError({"tahun": _(
                "Anggaran ini sudah mempunyai pengeluaran di tahun lain; tahunnya tidak dapat diubah."
            )})
    anggaran.full_clean()
    anggaran.save()
    return anggaran


@transaction.atomic
def pengeluaran_save(*, pengeluaran: PengeluaranDana, **fields) -> PengeluaranDana:
    _apply(pengeluaran, fields)
    # The month lock (laporan.kunci): the month it is spent in, and the month it was recorded in.
    pastikan_terbuka(
        pengeluaran.anggaran.puskesmas_id if pengeluaran.anggaran_id else None, pengeluaran.tanggal,
        tersimpan=Tersimpan.dari(pengeluaran, puskesmas="anggaran__puskesmas"),
    )
    pengeluaran.full_clean()
    pengeluaran.save()
    return pengeluaran


@transaction.atomic
def sarana_save(*, sarana: Sarana, **fields) -> Sarana:
    _apply(sarana, fields)
    sarana.full_clean()
    sarana.save()
    return sarana


@transaction.atomic
def pemberian_kit_save(*, kit: PemberianKit, **fields) -> PemberianKit:
    _apply(kit, fields)
    pastikan_terbuka(kit.puskesmas_id, kit.tanggal, tersimpan=Tersimpan.dari(kit))
    kit.full_clean()
    kit.save()
    return kit


@transaction.atomic
def pelatihan_save(
    *, pelatihan: Pelatihan, peserta_bidan: Iterable[Bidan], peserta_dukun: Iterable[Dukun], **fields
) -> Pelatihan:
    """Create or update a training with its participants: one history entry, participants included."""
    _apply(pelatihan, fields)
    pastikan_terbuka(pelatihan.puskesmas_id, pelatihan.tanggal, tersimpan=Tersimpan.dari(pelatihan))
    pelatihan.full_clean()
    peserta_bidan, peserta_dukun = list(peserta_bidan), list(peserta_dukun)
    errors = {}
    luar_bidan = [b.nama for b in peserta_bidan if b.puskesmas_id != pelatihan.puskesmas_id]
    if luar_bidan:
        errors["peserta_bidan"] = _("Bidan berikut bukan dari Puskesmas ini: %(nama)s.") % {
            "nama": ", ".join(luar_bidan)}
    dukun_ids = [d.pk for d in peserta_dukun]
    luar_dukun = Dukun.objects.filter(pk__in=dukun_ids).exclude(kelurahan__puskesmas=pelatihan.puskesmas_id)
    if luar_dukun.exists():
        errors["peserta_dukun"] = _("Dukun berikut bukan dari wilayah kerja Puskesmas ini: %(nama)s.") % {
            "nama": ", ".join(luar_dukun.values_list("nama", flat=True))}
    if errors:
        raise ValidationError(errors)
    with satu_entri(pelatihan):
        pelatihan.save()
        pelatihan.peserta_bidan.set(peserta_bidan)
        pelatihan.peserta_dukun.set(peserta_dukun)
    return pelatihan


# --- In-app notifications --------------------------------------------------------------------


def notifikasi_mark_read(*, penerima: User, pk: int | None = None) -> int:
    """Mark one (pk) or all unread notifications of `penerima` as read; only her own. Returns how many."""
    qs = Notifikasi.objects.filter(penerima=penerima, dibaca_pada__isnull=True)
    if pk is not None:
        qs = qs.filter(pk=pk)
    return qs.update(dibaca_pada=timezone.now())


# --- Reminders (run daily by kemitraan.tasks.kirim_pengingat) --------------------------------

HARI_SEBELUM_PERTEMUAN = 7
# A reminder older than this is not e-mailed any more (e.g. made before an e-mail backend was set up).
UMUR_MAKS_EMAIL = dt.timedelta(days=3)
# The defaults that only print or drop mail: with these, reminders stay in-app.
EMAIL_BACKEND_TIDAK_TERKIRIM = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}


def email_aktif() -> bool:
    return bool(settings.EMAIL_BACKEND) and settings.EMAIL_BACKEND not in EMAIL_BACKEND_TIDAK_TERKIRIM


def tautan_atau(nama: str, pk: int, cadangan: str) -> str:
    try:
        return reverse(nama, args=[pk])
    except NoReverseMatch:
        return cadangan


def _waktu_lokal(value: dt.datetime, puskesmas: Puskesmas) -> str:
    local = value.astimezone(zona_puskesmas(puskesmas))
    return f"{formats.date_format(local, 'l, j F Y')} {_('pukul')} {local:%H.%M} {local:%Z}"


def pengelola_puskesmas(puskesmas_ids: Iterable[int]) -> dict[int, set[int]]:
    """Active bidan koordinator and Kepala Puskesmas users per Puskesmas (one query)."""
    hasil: dict[int, set[int]] = defaultdict(set)
    for uid, pid in User.objects.filter(
        is_active=True, role__in=[Role.BIDAN_KOORDINATOR, Role.KEPALA_PUSKESMAS], puskesmas__in=list(puskesmas_ids)
    ).values_list("pk", "puskesmas_id"):
        hasil[pid].add(uid)
    return hasil


def _pengguna_bidan(puskesmas_ids: Iterable[int]) -> dict[int, set[int]]:
    """Active bidan users (with an active bidan record) per Puskesmas (one query)."""
    hasil: dict[int, set[int]] = defaultdict(set)
    for uid, pid in User.objects.filter(
        is_active=True, role=Role.BIDAN, bidan__aktif=True, bidan__puskesmas__in=list(puskesmas_ids)
    ).values_list("pk", "bidan__puskesmas_id"):
        hasil[pid].add(uid)
    return hasil


def simpan_notifikasi(rows: list[Notifikasi]) -> int:
    """Insert the notifications not sent before; returns how many are new.

    (penerima, kunci) is unique in the database, so a second run, or a run racing this one, can never
    store a reminder twice: ignore_conflicts lets the database drop the duplicates.
    """
    if not rows:
        return 0
    sudah = set(
        Notifikasi.objects.filter(kunci__in={r.kunci for r in rows}).values_list("penerima_id", "kunci")
    )
    baru = [r for r in rows if (r.penerima_id, r.kunci) not in sudah]
    Notifikasi.objects.bulk_create(baru, ignore_conflicts=True, batch_size=500)
    return len(baru)


def pengingat_pertemuan_buat(*, now: dt.datetime) -> int:
    """A week before a planned meeting: remind the bikor, the Kepala Puskesmas and the bidan of its Puskesmas.

    The key holds the planned time, so a meeting moved to another day is reminded of again.
    """
    pertemuan = list(
        Pertemuan.objects.filter(
            status=StatusPertemuan.DIRENCANAKAN,
            waktu_rencana__gte=now,
            waktu_rencana__lte=now + dt.timedelta(days=HARI_SEBELUM_PERTEMUAN),
        ).select_related("puskesmas")
    )
    if not pertemuan:
        return 0
    pids = {p.puskesmas_id for p in pertemuan}
    pengelola, bidan = pengelola_puskesmas(pids), _pengguna_bidan(pids)
    rows = []
    for p in pertemuan:
        waktu = _waktu_lokal(p.waktu_rencana, p.puskesmas)
        judul = _("Pengingat: %(jenis)s, %(waktu)s") % {"jenis": p.get_jenis_display(), "waktu": waktu}
        pesan = _("%(jenis)s %(puskesmas)s direncanakan pada %(waktu)s%(tempat)s.") % {
            "jenis": p.get_jenis_display(), "puskesmas": p.puskesmas, "waktu": waktu,
            "tempat": (_(" di %(tempat)s") % {"tempat": p.tempat}) if p.tempat else "",
        }
        cadangan = f"{reverse('program:jadwal')}?puskesmas={p.puskesmas_id}&tahun={p.waktu_rencana.year}"
        tautan = tautan_atau("pertemuan:detail", p.pk, cadangan)
        kunci = f"pertemuan:{p.pk}:h-{HARI_SEBELUM_PERTEMUAN}:{p.waktu_rencana:%Y%m%d%H%M}"
        for uid in pengelola[p.puskesmas_id] | bidan[p.puskesmas_id]:
            rows.append(Notifikasi(
                penerima_id=uid, kunci=kunci, judul=judul[:200], pesan=pesan, tautan=tautan[:200], dibuat_pada=now,
            ))
    return simpan_notifikasi(rows)


def pengingat_tindak_lanjut_buat(*, now: dt.datetime, today: dt.date) -> int:
    """An open follow-up past its due date: remind its owner bidan (if she has an account), the bikor and
    the Kepala Puskesmas of the meeting's Puskesmas. Once per due date (a new due date is reminded again)."""
    tindak = list(
        TindakLanjut.objects.filter(status=StatusTindakLanjut.TERBUKA, tenggat__lt=today)
        .select_related("pertemuan__puskesmas", "penanggung_jawab_bidan__user")
    )
    if not tindak:
        return 0
    pengelola = pengelola_puskesmas({t.pertemuan.puskesmas_id for t in tindak})
    rows = []
    for t in tindak:
        puskesmas = t.pertemuan.puskesmas
        tenggat = formats.date_format(t.tenggat, "j F Y")
        judul = _("Tindak lanjut melewati tenggat %(tenggat)s") % {"tenggat": tenggat}
        pesan = _("%(uraian)s — penanggung jawab: %(pj)s; tenggat %(tenggat)s (%(puskesmas)s).") % {
            "uraian": t.uraian, "pj": t.penanggung_jawab, "tenggat": tenggat, "puskesmas": puskesmas,
        }
        cadangan = f"{reverse('program:jadwal')}?puskesmas={puskesmas.pk}"
        tautan = tautan_atau("pertemuan:detail", t.pertemuan_id, cadangan)
        kunci = f"tindaklanjut:{t.pk}:tenggat:{t.tenggat:%Y%m%d}"
        penerima = set(pengelola[puskesmas.pk])
        owner = t.penanggung_jawab_bidan.user if t.penanggung_jawab_bidan else None
        if owner is not None and owner.is_active:
            penerima.add(owner.pk)
        for uid in penerima:
            rows.append(Notifikasi(
                penerima_id=uid, kunci=kunci, judul=judul[:200], pesan=pesan, tautan=tautan[:200], dibuat_pada=now,
            ))
    return simpan_notifikasi(rows)


def email_pengingat_kirim(*, now: dt.datetime) -> int:
    """E-mail the recent unread reminders not e-mailed yet, when a real e-mail backend is configured.

    Each notification is claimed by an optimistic update (email_terkirim False → True) before it is
    sent: of two runs that overlap, only the one whose UPDATE changed the row sends it. A failed send
    gives the claim back, so the next run tries again.
    """
    if not email_aktif():
        return 0
    pending = list(
        Notifikasi.objects.filter(
            email_terkirim=False, dibaca_pada__isnull=True, dibuat_pada__gte=now - UMUR_MAKS_EMAIL,
            penerima__is_active=True,
        )
        .exclude(penerima__email="")
        .select_related("penerima")
        .order_by("pk")
    )
    if not pending:
        return 0
    situs = getattr(settings, "SITE_URL", "").rstrip("/")
    terkirim = 0
    with get_connection() as connection:
        for n in pending:
            if not Notifikasi.objects.filter(pk=n.pk, email_terkirim=False).update(email_terkirim=True):
                continue  # another run took it
            body = n.pesan
            if n.tautan and situs:
                body += f"\n\n{situs}{n.tautan}"
            try:
                EmailMessage(subject=n.judul, body=body, to=[n.penerima.email], connection=connection).send()
            except Exception:
                logger.exception("Pengingat %s tidak terkirim lewat e-mail", n.pk)
                Notifikasi.objects.filter(pk=n.pk).update(email_terkirim=False)
                continue
            terkirim += 1
    return terkirim


def pengingat_kirim(*, now: dt.datetime | None = None, today: dt.date | None = None) -> dict[str, int]:
    """All reminders of one run: in-app first, then e-mail. Idempotent: a re-run adds and sends nothing."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    with translation.override(settings.LANGUAGE_CODE):
        return {
            "pertemuan": pengingat_pertemuan_buat(now=now),
            "tindak_lanjut": pengingat_tindak_lanjut_buat(now=now, today=today),
            "email": email_pengingat_kirim(now=now),
        }
