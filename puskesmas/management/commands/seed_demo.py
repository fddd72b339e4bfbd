"""Demo data on the real regions of Kota Jambi (15.71), with fictional people. Idempotent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from dukun.models import Dukun, StatusDukun
from dukun.services import dukun_create
from puskesmas.models import Bidan, Fasilitas, JenisFasilitas, Kabupaten, Kelurahan, Puskesmas, Role, User
from puskesmas.services import bidan_save
from puskesmas.wilayah import load_wilayah

DEMO_PASSWORD = "kemitraan-demo-2026"

PENYENGAT_RENDAH, TELUK_KENALI, BULURAN_KENALI = "15.71.01.1010", "15.71.01.1003", "15.71.01.1002"
PAKUAN_BARU, WIJAYA_PURA = "15.71.02.1006", "15.71.02.1005"

PUSKESMAS = [
    ("P1571010201", "Aur Duri", [PENYENGAT_RENDAH, TELUK_KENALI, BULURAN_KENALI]),
    ("P1571020201", "Pakuan Baru", [PAKUAN_BARU, WIJAYA_PURA]),
]

# (puskesmas kode, jenis, nama, kelurahan, alamat)
FASILITAS = [
    ("P1571010201", JenisFasilitas.INDUK, "Puskesmas Aur Duri", PENYENGAT_RENDAH, "Jl. Kapt. A. Hasan, Penyengat Rendah"),
    ("P1571010201", JenisFasilitas.PUSTU, "Pustu Teluk Kenali", TELUK_KENALI, "Jl. Kenali Lama, Teluk Kenali"),
    ("P1571010201", JenisFasilitas.PUSTU, "Pustu Buluran Kenali", BULURAN_KENALI, "Jl. Lingkar Barat, Buluran Kenali"),
    ("P1571010201", JenisFasilitas.POSKESDES, "Poskesdes Penyengat Rendah", PENYENGAT_RENDAH, "RT 07 Penyengat Rendah"),
    ("P1571010201", JenisFasilitas.PMB, "PMB Bidan Rosmawati", TELUK_KENALI, "RT 03 Teluk Kenali"),
    ("P1571010201", JenisFasilitas.PMB, "PMB Bidan Nurhayati", BULURAN_KENALI, "RT 11 Buluran Kenali"),
    ("P1571010201", JenisFasilitas.RS, "RSUD Raden Mattaher", None, "Jl. Letjen Soeprapto, Telanaipura"),
    ("P1571020201", JenisFasilitas.INDUK, "Puskesmas Pakuan Baru", PAKUAN_BARU, "Jl. Sumatera, Pakuan Baru"),
    ("P1571020201", JenisFasilitas.PUSTU, "Pustu Wijaya Pura", WIJAYA_PURA, "Jl. Wijaya Pura"),
]

# (STR, nama, fasilitas, kelurahan dilayani, kelurahan domisili, pemilik PMB, username)
BIDAN = [
    ("1571DEMO000001", "Sri Mulyani, A.Md.Keb", "Puskesmas Aur Duri", [PENYENGAT_RENDAH], PENYENGAT_RENDAH, False, "bidan.aurduri"),
    ("1571DEMO000002", "Yuliana Sari, A.Md.Keb", "Puskesmas Aur Duri", [PENYENGAT_RENDAH], "15.71.01.1004", False, None),
    ("1571DEMO000003", "Dewi Anggraini, S.Tr.Keb", "Puskesmas Aur Duri", [PENYENGAT_RENDAH, TELUK_KENALI], "15.71.08.1001", False, None),
    ("1571DEMO000004", "Rina Marlina, A.Md.Keb", "Puskesmas Aur Duri", [BULURAN_KENALI], BULURAN_KENALI, False, None),
    ("1571DEMO000005", "Fitri Handayani, A.Md.Keb", "Pustu Teluk Kenali", [TELUK_KENALI], TELUK_KENALI, False, None),
    ("1571DEMO000006", "Nova Lestari, A.Md.Keb", "Pustu Teluk Kenali", [TELUK_KENALI], "15.71.01.1001", False, None),
    ("1571DEMO000007", "Eka Putri Wulandari, A.Md.Keb", "Pustu Buluran Kenali", [BULURAN_KENALI], BULURAN_KENALI, False, None),
    ("1571DEMO000008", "Siti Aminah, A.Md.Keb", "Pustu Buluran Kenali", [BULURAN_KENALI], "15.71.01.1012", False, None),
    ("1571DEMO000009", "Herlina Susanti, A.Md.Keb", "Poskesdes Penyengat Rendah", [PENYENGAT_RENDAH], PENYENGAT_RENDAH, False, None),
    ("1571DEMO000010", "Desi Ratnasari, A.Md.Keb", "Poskesdes Penyengat Rendah", [PENYENGAT_RENDAH], "15.71.09.1001", False, None),
    ("1571DEMO000011", "Hj. Rosmawati, S.ST", "PMB Bidan Rosmawati", [TELUK_KENALI], TELUK_KENALI, True, None),
    ("1571DEMO000012", "Nurhayati, A.Md.Keb", "PMB Bidan Nurhayati", [BULURAN_KENALI], BULURAN_KENALI, True, None),
    ("1571DEMO000013", "Maya Oktaviani, A.Md.Keb", "Puskesmas Aur Duri", [TELUK_KENALI, BULURAN_KENALI], None, False, None),
    ("1571DEMO000014", "Lina Marliana, S.Tr.Keb", "Puskesmas Aur Duri", [PENYENGAT_RENDAH], PENYENGAT_RENDAH, False, None),
    ("1571DEMO000015", "Ratna Juwita, A.Md.Keb", "Puskesmas Pakuan Baru", [PAKUAN_BARU], PAKUAN_BARU, False, "bidan.pakuanbaru"),
    ("1571DEMO000016", "Intan Permatasari, A.Md.Keb", "Pustu Wijaya Pura", [WIJAYA_PURA], WIJAYA_PURA, False, None),
]

# (nama, panggilan, tahun lahir, kelurahan, RT, RW, baca tulis, lama praktik, status, status sejak, lat, lng, dikenal oleh [STR])
DUKUN = [
    ("Siti Rohmah", "Mak Siti", 1958, PENYENGAT_RENDAH, "004", "002", False, 35, StatusDukun.AKTIF, None, "-1.5902", "103.5701", ["1571DEMO000001", "1571DEMO000009"]),
    ("Maimunah", "Nek Mun", 1950, PENYENGAT_RENDAH, "007", "003", False, 42, StatusDukun.AKTIF, None, "-1.5885", "103.5688", ["1571DEMO000001"]),
    ("Jamilah", "", 1962, PENYENGAT_RENDAH, "011", "004", True, 25, StatusDukun.TIDAK_MENOLONG, date(2024, 3, 1), "-1.5921", "103.5735", ["1571DEMO000014"]),
    ("Rukiah", "Mak Uki", 1955, PENYENGAT_RENDAH, "002", "001", False, 38, StatusDukun.AKTIF, None, None, None, []),
    ("Halimah", "Nek Imah", 1948, TELUK_KENALI, "003", "001", False, 48, StatusDukun.AKTIF, None, "-1.5760", "103.5490", ["1571DEMO000005", "1571DEMO000011"]),
    ("Aminah", "", 1960, TELUK_KENALI, "006", "002", True, 30, StatusDukun.AKTIF, None, "-1.5781", "103.5522", ["1571DEMO000005"]),
    ("Saodah", "Mak Odah", 1952, TELUK_KENALI, "009", "003", False, 40, StatusDukun.MENINGGAL, date(2025, 8, 14), None, None, ["1571DEMO000011"]),
    ("Fatimah", "", 1965, TELUK_KENALI, "012", "004", False, 20, StatusDukun.AKTIF, None, None, None, []),
    ("Zubaidah", "Nek Ubai", 1957, BULURAN_KENALI, "005", "002", False, 36, StatusDukun.AKTIF, None, "-1.6012", "103.5403", ["1571DEMO000004", "1571DEMO000012"]),
    ("Rohani", "", 1963, BULURAN_KENALI, "008", "003", True, 27, StatusDukun.AKTIF, None, "-1.6035", "103.5441", ["1571DEMO000007"]),
    ("Kartini", "Mak Tini", 1959, BULURAN_KENALI, "014", "005", False, 33, StatusDukun.PINDAH, date(2025, 1, 20), None, None, []),
    ("Salmah", "", 1961, BULURAN_KENALI, "010", "004", False, 29, StatusDukun.AKTIF, None, None, None, []),
    # Puskesmas Pakuan Baru: the other Puskesmas of the demo.
    ("Asiah", "Nek Asiah", 1954, PAKUAN_BARU, "003", "001", False, 41, StatusDukun.AKTIF, None, "-1.6200", "103.6030", ["1571DEMO000015"]),
    ("Nurbaya", "", 1964, WIJAYA_PURA, "006", "002", True, 22, StatusDukun.AKTIF, None, None, None, []),
]

# (username, nama depan, peran, puskesmas kode, kabupaten, superuser)
USERS = [
    ("admin", "Administrator", Role.ADMIN, None, None, True),
    ("dinkes.jambi", "Kasi Kesga Dinkes Kota Jambi", Role.DINKES, None, "15.71", False),
    ("kapus.aurduri", "Kepala Puskesmas Aur Duri", Role.KEPALA_PUSKESMAS, "P1571010201", None, False),
    ("bikor.aurduri", "Bidan Koordinator Aur Duri", Role.BIDAN_KOORDINATOR, "P1571010201", None, False),
    ("bidan.aurduri", "Sri Mulyani", Role.BIDAN, None, None, False),
    ("bikor.pakuanbaru", "Bidan Koordinator Pakuan Baru", Role.BIDAN_KOORDINATOR, "P1571020201", None, False),
    ("bidan.pakuanbaru", "Ratna Juwita", Role.BIDAN, None, None, False),
]


class Command(BaseCommand):
    help = "Mengisi data demo (orang fiktif, wilayah asli Kota Jambi). Aman dijalankan berulang."

    def handle(self, *args, **options):
        if not Kelurahan.objects.filter(pk=PENYENGAT_RENDAH).exists():
            load_wilayah(provinsi="15")
        created = seed()
        self.stdout.write(self.style.SUCCESS(
            "Data demo siap." + (f" {created} data baru." if created else " Tidak ada perubahan.")
        ))
        self.stdout.write(f"Kata sandi semua akun demo: {DEMO_PASSWORD}")
        for username, nama, role, *_rest in USERS:
            self.stdout.write(f"  {username:<18} {Role(role).label} — {nama}")


@transaction.atomic
def seed() -> int:
    created = 0
    puskesmas: dict[str, Puskesmas] = {}
    for kode, nama, kelurahan in PUSKESMAS:
        p, new = Puskesmas.objects.get_or_create(kode=kode, defaults={"nama": nama, "kabupaten_id": "15.71"})
        created += new
        puskesmas[kode] = p
        Kelurahan.objects.filter(pk__in=kelurahan, puskesmas__isnull=True).update(puskesmas=p)

    fasilitas: dict[str, Fasilitas] = {}
    for kode, jenis, nama, kelurahan, alamat in FASILITAS:
        f, new = Fasilitas.objects.get_or_create(
            puskesmas=puskesmas[kode], jenis=jenis, nama=nama,
            defaults={"kelurahan_id": kelurahan, "alamat": alamat},
        )
        created += new
        fasilitas[nama] = f

    users: dict[str, User] = {}
    for username, nama, role, kode, kabupaten, superuser in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username, first_name=nama, role=role,
                puskesmas=puskesmas.get(kode) if kode else None,
                kabupaten=Kabupaten.objects.get(pk=kabupaten) if kabupaten else None,
                is_superuser=superuser, is_staff=superuser,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            created += 1
        users[username] = user

    bidan: dict[str, Bidan] = {}
    for nomor_str, nama, nama_fasilitas, layanan, domisili, pmb, username in BIDAN:
        b = Bidan.objects.filter(nomor_str=nomor_str).first()
        if b is None:
            b = bidan_save(
                bidan=Bidan(), kelurahan_layanan=Kelurahan.objects.filter(pk__in=layanan),
                nomor_str=nomor_str, nama=nama, fasilitas=fasilitas[nama_fasilitas], kelurahan_domisili_id=domisili,
                pemilik_pmb=pmb, telepon=f"0812-7400-{nomor_str[-4:]}", user=users.get(username) if username else None,
            )
            created += 1
        bidan[nomor_str] = b

    bikor = users["bikor.aurduri"]
    for nama, panggilan, lahir, kel, rt, rw, baca, lama, status, sejak, lat, lng, kenal in DUKUN:
        if Dukun.objects.filter(kelurahan_id=kel, nama=nama).exists():
            continue
        dukun_create(
            dicatat_oleh=bikor if kel not in (PAKUAN_BARU, WIJAYA_PURA) else users["bikor.pakuanbaru"],
            dikenal_oleh=[bidan[s] for s in kenal],
            nama=nama, nama_panggilan=panggilan, tahun_lahir=lahir, kelurahan_id=kel, rt=rt, rw=rw,
            bisa_baca_tulis=baca, lama_praktik_tahun=lama, status=status, status_sejak=sejak,
            latitude=Decimal(lat) if lat else None, longitude=Decimal(lng) if lng else None,
        )
        created += 1

    # A year of partnership activity of Puskesmas Aur Duri (issue: programme management).
    from kemitraan.demo import seed_program

    created += seed_program(puskesmas["P1571010201"], bikor)
    # Two years of mothers, referrals and deliveries of both Puskesmas (issue: mothers and deliveries).
    from kia.demo import seed_kia

    created += seed_kia(puskesmas["P1571010201"], bikor) + seed_kia(puskesmas["P1571020201"], users["bikor.pakuanbaru"])
    # What the daily beat task would have sent by now, so the demo shows its reminders. Idempotent.
    from kemitraan.services_program import pengingat_pertemuan_buat, pengingat_tindak_lanjut_buat

    now = timezone.now()
    created += pengingat_pertemuan_buat(now=now) + pengingat_tindak_lanjut_buat(now=now, today=timezone.localdate())
    return created
