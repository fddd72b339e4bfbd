"""Meetings (pertemuan) with attendance and uploads, and their follow-ups (tindak lanjut).

Writes are keyword-only functions that validate (full_clean plus the rules a model cannot see) and
save inside one transaction; a refused write raises ValidationError with an Indonesian message and
leaves nothing behind. Reads used by several pages (the Puskesmas page included) live here too.

Rules kept here:
- Only a planned meeting can be cancelled; a cancelled one records nothing more (attendance, uploads,
  follow-ups) and cannot be recorded as held.
- Attendance is ticked only for people of the organising Puskesmas: its bidan, and the dukun of its
  wilayah kerja. Ticking needs an active bidan/dukun; unticking is always possible.
- Uploads are JPEG, PNG or PDF, recognised by their content (magic bytes, images also decoded by
  Pillow), at most LAMPIRAN_MAKS_BITA, stored in the private default storage.
- Follow-ups are due on or after the day of their meeting, closed (selesai/batal) with a note and a
  date that is neither in the future nor before the meeting; a closed one is not reopened.
"""

from __future__ import annotations

import datetime as dt
import os
import zoneinfo

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from dukun.models import Dukun, StatusDukun
from kemitraan.models import (
    KehadiranBidan,
    KehadiranDukun,
    LampiranPertemuan,
    Pertemuan,
    PesertaLintasSektor,
    StatusPertemuan,
    StatusTindakLanjut,
    TindakLanjut,
)
from laporan.kunci import Tersimpan, pastikan_terbuka, tanggal_lokal
from puskesmas.models import Bidan, Puskesmas, User
from puskesmas.versi import periksa_versi

# Largest attachment accepted (bytes): a phone photo or a scanned sheet fits comfortably.
LAMPIRAN_MAKS_BITA = 5 * 1024 * 1024

TIPE_JPEG = "image/jpeg"
TIPE_PNG = "image/png"
TIPE_PDF = "application/pdf"
# Content type → the extension the stored file gets (never the uploaded name).
EKSTENSI = {TIPE_JPEG: "jpg", TIPE_PNG: "png", TIPE_PDF: "pdf"}
# Extensions accepted in the uploaded name, and the content each must hold.
EKSTENSI_DIIZINKAN = {"jpg": TIPE_JPEG, "jpeg": TIPE_JPEG, "png": TIPE_PNG, "pdf": TIPE_PDF}


# --- Reads ------------------------------------------------------------------------------------


def zona_puskesmas(puskesmas: Puskesmas) -> zoneinfo.ZoneInfo:
    return puskesmas.zona


def tindak_lanjut_terlambat(puskesmas: Puskesmas, *, today: dt.date | None = None) -> QuerySet[TindakLanjut]:
    """Open follow-ups of the Puskesmas' meetings whose due date has passed (in the Puskesmas' own zone).

    The caller has already checked that the user sees this Puskesmas (its meetings share its scope).
    """
    today = today or timezone.localdate(timezone=zona_puskesmas(puskesmas))
    return (
        TindakLanjut.objects.filter(pertemuan__puskesmas=puskesmas)
        .terlambat(today)
        .select_related("pertemuan", "penanggung_jawab_bidan")
        .order_by("tenggat", "pk")
    )


def _jumlah(model, **extra) -> Coalesce:
    """COUNT of related rows as a correlated subquery: one query for the whole list, no join fan-out."""
    sub = (
        model.objects.filter(pertemuan=OuterRef("pk"), **extra)
        .order_by()
        .values("pertemuan")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(sub, output_field=IntegerField()), Value(0))


def with_waktu(qs: QuerySet[Pertemuan]) -> QuerySet[Pertemuan]:
    """`waktu_urut`: when it was held, or else when it is planned (for ordering and the year filter)."""
    return qs.annotate(waktu_urut=Coalesce("waktu_pelaksanaan", "waktu_rencana"))


def with_jumlah(qs: QuerySet[Pertemuan]) -> QuerySet[Pertemuan]:
    """Attendance counts and open follow-ups per meeting, computed in the database."""
    return qs.annotate(
        jumlah_bidan=_jumlah(KehadiranBidan),
        jumlah_dukun=_jumlah(KehadiranDukun),
        jumlah_lintas_sektor=_jumlah(PesertaLintasSektor),
        jumlah_tl_terbuka=_jumlah(TindakLanjut, status=StatusTindakLanjut.TERBUKA),
    )


def jumlah_hadir(pertemuan: Pertemuan) -> dict[str, int]:
    """Bidan, dukun and cross-sector attendees present: one query."""
    row = with_jumlah(Pertemuan.objects.filter(pk=pertemuan.pk)).values(
        "jumlah_bidan", "jumlah_dukun", "jumlah_lintas_sektor"
    ).get()
    return {"bidan": row["jumlah_bidan"], "dukun": row["jumlah_dukun"], "lintas_sektor": row["jumlah_lintas_sektor"]}


def bidan_undangan(pertemuan: Pertemuan) -> QuerySet[Bidan]:
    """Every active bidan of the organising Puskesmas, and anyone already ticked; `hadir` annotated."""
    hadir = KehadiranBidan.objects.filter(pertemuan=pertemuan, bidan=OuterRef("pk"))
    return (
        Bidan.objects.filter(puskesmas=pertemuan.puskesmas_id)
        .annotate(hadir=Exists(hadir))
        .filter(Q(aktif=True) | Q(hadir=True))
        .select_related("fasilitas")
        .order_by("nama", "pk")
    )


def dukun_undangan(pertemuan: Pertemuan) -> QuerySet[Dukun]:
    """Every active dukun of the organising Puskesmas' wilayah kerja, and anyone already ticked."""
    hadir = KehadiranDukun.objects.filter(pertemuan=pertemuan, dukun=OuterRef("pk"))
    return (
        Dukun.objects.filter(kelurahan__puskesmas=pertemuan.puskesmas_id)
        .annotate(hadir=Exists(hadir))
        .filter(Q(status=StatusDukun.AKTIF) | Q(hadir=True))
        .select_related("kelurahan")
        .order_by("kelurahan__nama", "kelurahan_id", "nama", "pk")
    )


def pertemuan_sebelumnya(pertemuan: Pertemuan) -> Pertemuan | None:
    """The last meeting of the same Puskesmas held before this one (cancelled and planned ones skipped)."""
    return (
        with_waktu(Pertemuan.objects.filter(puskesmas=pertemuan.puskesmas_id, status=StatusPertemuan.TERLAKSANA))
        .exclude(pk=pertemuan.pk)
        .filter(waktu_urut__lt=pertemuan.waktu)
        .order_by("-waktu_urut", "-pk")
        .first()
    )


# --- Meetings ---------------------------------------------------------------------------------

FIELD_RENCANA = ("jenis", "waktu_rencana", "tempat", "fasilitator", "materi")


def _pastikan_terbuka(pertemuan: Pertemuan) -> None:
    """The month lock (laporan.kunci): a meeting, its attendance, uploads and follow-ups belong to the local
    month it was held in (or is planned for); a moved meeting is checked in its stored month as well."""
    zona = pertemuan.puskesmas.zona
    pastikan_terbuka(
        pertemuan.puskesmas_id, tanggal_lokal(pertemuan.waktu_pelaksanaan or pertemuan.waktu_rencana, zona),
        tersimpan=Tersimpan.dari(pertemuan, tanggal=Coalesce("waktu_pelaksanaan", "waktu_rencana"), zona=zona),
    )


def _tolak_bila_batal(pertemuan: Pertemuan) -> None:
    if pertemuan.status == StatusPertemuan.BATAL:
        raise ValidationError(_("Pertemuan ini dibatalkan: tidak ada lagi yang dapat dicatat padanya."))


@transaction.atomic
def pertemuan_create(
    *, puskesmas: Puskesmas, jenis: str, waktu_rencana: dt.datetime, tempat: str = "", fasilitator: str = "",
    materi: str = "", dibuat_oleh: User | None = None, token_kirim=None,
) -> Pertemuan:
    """Plan a meeting. `token_kirim`: the create form's one-time token (see puskesmas.versi.buat_sekali)."""
    pertemuan = Pertemuan(
        puskesmas=puskesmas, jenis=jenis, waktu_rencana=waktu_rencana, tempat=tempat, fasilitator=fasilitator,
        materi=materi, dibuat_oleh=dibuat_oleh, status=StatusPertemuan.DIRENCANAKAN, token_kirim=token_kirim,
    )
    _pastikan_terbuka(pertemuan)
    pertemuan.full_clean(exclude=["token_kirim"])  # unique by the database: buat_sekali answers a repeat
    pertemuan.save()
    return pertemuan


@transaction.atomic
def pertemuan_update(*, pertemuan: Pertemuan, versi: int | None = None, **fields) -> Pertemuan:
    """Change the plan (kind, time, place, facilitator, topics); never the Puskesmas or the status.

    `versi`: the version the form was loaded with; a meeting saved meanwhile raises VersiBerubah.
    """
    periksa_versi(pertemuan, versi)
    unknown = set(fields) - set(FIELD_RENCANA)
    if unknown:
        raise ValidationError(
            _("Kolom ini tidak dapat diubah di sini: %(kolom)s.") % {"kolom": ", ".join(sorted(unknown))}
        )
    for name, value in fields.items():
        setattr(pertemuan, name, value)
    _pastikan_terbuka(pertemuan)
    pertemuan.full_clean()
    pertemuan.save()
    return pertemuan


@transaction.atomic
def pertemuan_laksanakan(
    *, pertemuan: Pertemuan, waktu_pelaksanaan: dt.datetime, notulen: str = "", versi: int | None = None
) -> Pertemuan:
    """Record that the meeting was held (or correct when and what was recorded).

    The minutes are a long text two people may be correcting at once: `versi` as in pertemuan_update.
    """
    periksa_versi(pertemuan, versi)
    if pertemuan.status == StatusPertemuan.BATAL:
        raise ValidationError(_("Pertemuan yang dibatalkan tidak dapat dicatat sebagai terlaksana."))
    pertemuan.status = StatusPertemuan.TERLAKSANA
    pertemuan.waktu_pelaksanaan = waktu_pelaksanaan
    pertemuan.notulen = notulen
    _pastikan_terbuka(pertemuan)
    pertemuan.full_clean()
    pertemuan.save()
    return pertemuan


@transaction.atomic
def pertemuan_batalkan(*, pertemuan: Pertemuan, alasan: str) -> Pertemuan:
    """Cancel a planned meeting; the reason is kept in the minutes field (a cancelled meeting has none).

    No version needed: a one-way step, decided on the locked row's status (a second cancel, or one racing
    "record as held", is refused instead of overwriting the minutes).
    """
    if periksa_versi(pertemuan, None) is not None:
        pertemuan.refresh_from_db()  # the stored row, also a plan changed meanwhile: nothing stale is saved back
    if pertemuan.status != StatusPertemuan.DIRENCANAKAN:
        raise ValidationError(_("Hanya pertemuan yang masih direncanakan yang dapat dibatalkan."))
    if not alasan.strip():
        raise ValidationError({"alasan": _("Tuliskan alasan pembatalan.")})
    _pastikan_terbuka(pertemuan)
    pertemuan.status = StatusPertemuan.BATAL
    pertemuan.notulen = alasan.strip()
    pertemuan.full_clean()
    pertemuan.save()
    return pertemuan


def _hapus_berkas_setelah_commit(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    def hapus() -> None:
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(hapus)


@transaction.atomic
def pertemuan_hapus(*, pertemuan: Pertemuan) -> None:
    """Delete a meeting with its attendance, uploads and follow-ups.

    Every deleted row gets its "Dihapus" history entry (django-simple-history records each one), spending
    recorded against the meeting is kept and unlinked through a save (so its history shows it), and the
    uploaded files are removed from storage once the deletion is committed.
    """
    _pastikan_terbuka(pertemuan)
    for pengeluaran in pertemuan.pengeluaran.all():
        pengeluaran.pertemuan = None
        pengeluaran.save()
    berkas = [name for name in pertemuan.lampiran.values_list("berkas", flat=True) if name]
    pertemuan.delete()
    _hapus_berkas_setelah_commit(berkas)


# --- Attendance ---------------------------------------------------------------------------------


def _atur_hadir(model, *, pertemuan: Pertemuan, hadir: bool, **orang) -> bool:
    if hadir:
        if not model.objects.filter(pertemuan=pertemuan, **orang).exists():
            try:
                with transaction.atomic():
                    model.objects.create(pertemuan=pertemuan, **orang)
            except IntegrityError:
                pass  # ticked at the same moment from another phone: present either way
    else:
        # One by one, so that each removal gets its "Dihapus" history entry.
        for row in model.objects.filter(pertemuan=pertemuan, **orang):
            row.delete()
    return hadir


@transaction.atomic
def kehadiran_bidan_set(*, pertemuan: Pertemuan, bidan: Bidan, hadir: bool) -> bool:
    """Tick (hadir=True) or untick a bidan of the organising Puskesmas. Idempotent."""
    _tolak_bila_batal(pertemuan)
    _pastikan_terbuka(pertemuan)
    if bidan.puskesmas_id != pertemuan.puskesmas_id:
        raise ValidationError(_("Bidan ini bukan dari Puskesmas penyelenggara pertemuan."))
    if hadir and not bidan.aktif:
        raise ValidationError(_("Bidan ini tidak aktif lagi."))
    return _atur_hadir(KehadiranBidan, pertemuan=pertemuan, hadir=hadir, bidan=bidan)


@transaction.atomic
def kehadiran_dukun_set(*, pertemuan: Pertemuan, dukun: Dukun, hadir: bool) -> bool:
    """Tick or untick a dukun of the organising Puskesmas' wilayah kerja. Idempotent."""
    _tolak_bila_batal(pertemuan)
    _pastikan_terbuka(pertemuan)
    if dukun.kelurahan.puskesmas_id != pertemuan.puskesmas_id:
        raise ValidationError(_("Dukun ini bukan dari wilayah kerja Puskesmas penyelenggara pertemuan."))
    if hadir and dukun.status != StatusDukun.AKTIF:
        raise ValidationError(_("Dukun ini tidak aktif lagi."))
    return _atur_hadir(KehadiranDukun, pertemuan=pertemuan, hadir=hadir, dukun=dukun)


@transaction.atomic
def peserta_lintas_sektor_tambah(
    *, pertemuan: Pertemuan, kategori: str, nama: str, jabatan: str = ""
) -> PesertaLintasSektor:
    _tolak_bila_batal(pertemuan)
    _pastikan_terbuka(pertemuan)
    peserta = PesertaLintasSektor(pertemuan=pertemuan, kategori=kategori, nama=nama.strip(), jabatan=jabatan.strip())
    peserta.full_clean()
    peserta.save()
    return peserta


@transaction.atomic
def peserta_lintas_sektor_hapus(*, peserta: PesertaLintasSektor) -> None:
    _tolak_bila_batal(peserta.pertemuan)
    _pastikan_terbuka(peserta.pertemuan)
    peserta.delete()


# --- Uploads ------------------------------------------------------------------------------------


def _tipe_dari_isi(kepala: bytes) -> str | None:
    if kepala.startswith(b"\xff\xd8\xff"):
        return TIPE_JPEG
    if kepala.startswith(b"\x89PNG\r\n\x1a\n"):
        return TIPE_PNG
    if kepala.startswith(b"%PDF-"):
        return TIPE_PDF
    return None


def _gambar_utuh(berkas, tipe: str) -> bool:
    from PIL import Image

    try:
        berkas.seek(0)
        with Image.open(berkas) as gambar:
            formatnya = gambar.format
            gambar.verify()
    except Exception:  # noqa: BLE001 - any failure to decode means "not a usable image"
        return False
    finally:
        berkas.seek(0)
    return {"JPEG": TIPE_JPEG, "PNG": TIPE_PNG}.get(formatnya) == tipe


def periksa_berkas(berkas: UploadedFile) -> str:
    """The content type of an acceptable attachment, or ValidationError with a message for the user."""
    pesan_jenis = _("Hanya foto JPEG/PNG atau dokumen PDF yang dapat diunggah.")
    ukuran = berkas.size or 0
    if ukuran == 0:
        raise ValidationError(_("Berkas kosong. Pilih berkas lain."), code="kosong")
    if ukuran > LAMPIRAN_MAKS_BITA:
        raise ValidationError(
            _("Berkas terlalu besar (%(ukuran)s). Ukuran paling besar %(batas)s.")
            % {"ukuran": filesizeformat(ukuran), "batas": filesizeformat(LAMPIRAN_MAKS_BITA)},
            code="terlalu_besar",
        )
    nama = os.path.basename(berkas.name or "")
    ekstensi = nama.rsplit(".", 1)[-1].lower() if "." in nama else ""
    if ekstensi not in EKSTENSI_DIIZINKAN:
        raise ValidationError(
            _("Jenis berkas .%(ekstensi)s tidak diterima. %(pesan)s")
            % {"ekstensi": ekstensi or "?", "pesan": pesan_jenis},
            code="jenis",
        )
    berkas.seek(0)
    tipe = _tipe_dari_isi(berkas.read(16))
    berkas.seek(0)
    if tipe is None or tipe != EKSTENSI_DIIZINKAN[ekstensi]:
        raise ValidationError(
            _("Isi berkas tidak sesuai dengan namanya (.%(ekstensi)s). %(pesan)s")
            % {"ekstensi": ekstensi, "pesan": pesan_jenis},
            code="isi",
        )
    if tipe in (TIPE_JPEG, TIPE_PNG) and not _gambar_utuh(berkas, tipe):
        raise ValidationError(_("Gambar rusak atau tidak dapat dibaca. Ambil ulang fotonya."), code="rusak")
    return tipe


def _nama_asli(nama: str) -> str:
    nama = "".join(c for c in os.path.basename(nama or "") if c.isprintable()).strip() or "berkas"
    if len(nama) > 255:
        dasar, _titik, ekstensi = nama.rpartition(".")
        nama = f"{dasar[: 250 - len(ekstensi)]}.{ekstensi}" if dasar else nama[:255]
    return nama


@transaction.atomic
def lampiran_unggah(
    *, pertemuan: Pertemuan, jenis: str, berkas: UploadedFile, diunggah_oleh: User | None
) -> LampiranPertemuan:
    """Store an attachment in the private storage; its file name there is generated, never the upload's."""
    _tolak_bila_batal(pertemuan)
    _pastikan_terbuka(pertemuan)
    try:
        tipe = periksa_berkas(berkas)
    except ValidationError as exc:
        raise ValidationError({"berkas": exc.messages}) from None
    lampiran = LampiranPertemuan(
        pertemuan=pertemuan, jenis=jenis, nama_asli=_nama_asli(berkas.name), ukuran=berkas.size,
        tipe_konten=tipe, diunggah_oleh=diunggah_oleh,
    )
    lampiran.full_clean(exclude=["berkas"])
    lampiran.berkas.save(f"lampiran.{EKSTENSI[tipe]}", berkas, save=False)
    try:
        lampiran.save()
    except Exception:
        lampiran.berkas.storage.delete(lampiran.berkas.name)
        raise
    return lampiran


@transaction.atomic
def lampiran_hapus(*, lampiran: LampiranPertemuan) -> None:
    _tolak_bila_batal(lampiran.pertemuan)
    _pastikan_terbuka(lampiran.pertemuan)
    nama = lampiran.berkas.name
    lampiran.delete()
    if nama:
        _hapus_berkas_setelah_commit([nama])


# --- Follow-ups ---------------------------------------------------------------------------------


@transaction.atomic
def tindak_lanjut_create(
    *, pertemuan: Pertemuan, uraian: str, tenggat: dt.date, penanggung_jawab_bidan: Bidan | None = None,
    penanggung_jawab_peran: str = "",
) -> TindakLanjut:
    """Record a decision of the meeting as an action with one owner: a bidan or a role."""
    _tolak_bila_batal(pertemuan)
    _pastikan_terbuka(pertemuan)
    if penanggung_jawab_bidan is not None and penanggung_jawab_peran:
        raise ValidationError({"penanggung_jawab_bidan": _("Pilih satu penanggung jawab: bidan atau peran.")})
    tindak_lanjut = TindakLanjut(
        pertemuan=pertemuan, uraian=uraian.strip(), tenggat=tenggat, penanggung_jawab_bidan=penanggung_jawab_bidan,
        penanggung_jawab_peran=penanggung_jawab_peran,
    )
    tindak_lanjut.full_clean()
    tindak_lanjut.save()
    return tindak_lanjut


@transaction.atomic
def tindak_lanjut_tutup(
    *, tindak_lanjut: TindakLanjut, status: str, tanggal_ditutup: dt.date | None, catatan_penutupan: str
) -> TindakLanjut:
    """Close an open action as done (selesai) or dropped (batal), with a note and the date."""
    if tindak_lanjut.status != StatusTindakLanjut.TERBUKA:
        raise ValidationError(_("Tindak lanjut ini sudah ditutup."))
    if status not in (StatusTindakLanjut.SELESAI, StatusTindakLanjut.BATAL):
        raise ValidationError({"status": _("Pilih selesai atau batal.")})
    if tanggal_ditutup and tanggal_ditutup < tindak_lanjut.pertemuan.tanggal:
        raise ValidationError({"tanggal_ditutup": _("Tanggal penutupan tidak boleh sebelum tanggal pertemuan.")})
    tindak_lanjut.status = status
    tindak_lanjut.tanggal_ditutup = tanggal_ditutup
    tindak_lanjut.catatan_penutupan = catatan_penutupan.strip()
    tindak_lanjut.full_clean()
    tindak_lanjut.save()
    return tindak_lanjut
