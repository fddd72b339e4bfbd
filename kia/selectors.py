"""Reads the pages of mothers and referrals share: scoped choices for forms, a mother's latest
pregnancy, possible duplicates. Scope itself is decided in `puskesmas.access`; these only compose it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from dukun.models import Dukun, StatusDukun
from kia.models import Ibu, KajianKasus, Kehamilan, Penolong, Persalinan, Rujukan
from puskesmas import access
from puskesmas.models import Bidan, Fasilitas, Kelurahan


def _kehamilan_terakhir_qs(ibu=None):
    return Kehamilan.objects.filter(ibu=ibu if ibu is not None else OuterRef("pk")).order_by("-tanggal_daftar", "-pk")


def _terakhir_berisiko() -> Exists:
    """Her latest pregnancy carries a risk factor (the mother is the query two levels out)."""
    terakhir = _kehamilan_terakhir_qs(OuterRef(OuterRef("pk"))).values("pk")[:1]
    return Exists(Kehamilan.objects.filter(pk=Subquery(terakhir)).exclude(faktor_risiko=[]))


def with_kehamilan_terakhir(qs: QuerySet[Ibu]) -> QuerySet[Ibu]:
    """Annotate each mother with the HPL of her latest pregnancy and whether it carries a risk factor.

    Two subqueries in the same SELECT: a list of mothers costs the same whatever its length.
    """
    terakhir = _kehamilan_terakhir_qs()
    return qs.annotate(
        hpl_terakhir=Subquery(terakhir.values("hpl")[:1]),
        risiko_tinggi=_terakhir_berisiko(),
    )


def filter_risiko_tinggi(qs: QuerySet[Ibu], value: bool) -> QuerySet[Ibu]:
    """Mothers whose latest pregnancy has (or has not) a risk factor ticked."""
    berisiko = _terakhir_berisiko()
    return qs.filter(berisiko) if value else qs.exclude(berisiko)


def filter_dibawa_dukun(qs: QuerySet[Ibu], value: bool) -> QuerySet[Ibu]:
    """Mothers a dukun found or accompanies, or whose pregnancy a dukun brought to the bidan."""
    dibawa = Q(dukun__isnull=False) | Exists(Kehamilan.objects.filter(ibu=OuterRef("pk"), dukun__isnull=False))
    return qs.filter(dibawa) if value else qs.exclude(dibawa)


def kehamilan_terakhir(ibu: Ibu) -> Kehamilan | None:
    return ibu.kehamilan.order_by("-tanggal_daftar", "-pk").first()


# --- Choices for forms ---------------------------------------------------------------------------


def kelurahan_tulis(user) -> QuerySet[Kelurahan]:
    """Kelurahan where the user may record a mother."""
    return Kelurahan.objects.filter(pk__in=access.kia_writable_kelurahan_ids(user)).order_by("nama")


def pilihan_dukun(user, puskesmas, *, sertakan: int | None = None) -> QuerySet[Dukun]:
    """Dukun the user sees in the Puskesmas (one, or a queryset of them); the one already chosen stays."""
    lingkup = Q(kelurahan__puskesmas__in=puskesmas) if isinstance(puskesmas, QuerySet) else Q(
        kelurahan__puskesmas=puskesmas)
    # A dukun who no longer attends births is still a partner; one who moved away or died is not.
    qs = Dukun.objects.visible_to(user).filter(lingkup).exclude(status__in=[StatusDukun.PINDAH, StatusDukun.MENINGGAL])
    if sertakan:
        qs = Dukun.objects.filter(Q(pk__in=qs.values("pk")) | Q(pk=sertakan))
    return qs.select_related("kelurahan").order_by("nama", "pk")


def pilihan_bidan(user, puskesmas, *, sertakan: int | None = None) -> QuerySet[Bidan]:
    """Active bidan of the mother's Puskesmas the user may pick; the one already chosen stays."""
    qs = access.filter_bidan(Bidan.objects.all(), user).filter(puskesmas=puskesmas, aktif=True)
    if sertakan:
        qs = Bidan.objects.filter(Q(pk__in=qs.values("pk")) | Q(pk=sertakan))
    return qs.select_related("fasilitas").order_by("nama", "pk")


def pilihan_fasilitas(user, puskesmas, *, sertakan: int | None = None) -> QuerySet[Fasilitas]:
    """The mother's Puskesmas network and the hospitals it refers to, as far as the user sees them."""
    qs = access.filter_fasilitas(Fasilitas.objects.all(), user).filter(puskesmas=puskesmas, aktif=True)
    if sertakan:
        qs = Fasilitas.objects.filter(Q(pk__in=qs.values("pk")) | Q(pk=sertakan))
    return qs.order_by("jenis", "nama", "pk")


# --- Possible duplicates -------------------------------------------------------------------------


@dataclass
class Duplikat:
    """What the user may be told about mothers who may be the same woman.

    `terlihat` are the matches in her scope (shown with name, kelurahan and the NIK as her role allows);
    `nik_di_wilayah_lain` says only that the NIK is recorded somewhere she cannot see.
    """

    terlihat: list[Ibu] = field(default_factory=list)
    nik_di_wilayah_lain: bool = False

    def __bool__(self) -> bool:
        return bool(self.terlihat) or self.nik_di_wilayah_lain


def cari_duplikat(user, *, nik: str, nama: str, tanggal_lahir, kelurahan, kecuali: int | None = None) -> Duplikat:
    semua = Ibu.objects.kemungkinan_duplikat(
        nik=nik, nama=nama, tanggal_lahir=tanggal_lahir, kelurahan=kelurahan, kecuali=kecuali
    )
    terlihat = list(semua.visible_to(user).select_related("kelurahan").order_by("nama", "pk")[:10])
    lain = bool(nik) and semua.filter(nik=nik).exclude(pk__in=Ibu.objects.visible_to(user).values("pk")).exists()
    return Duplikat(terlihat=terlihat, nik_di_wilayah_lain=lain)


@dataclass
class RingkasanKia:
    tahun: int
    bulan: str  # YYYY-MM, as the delivery list's month filter takes it
    persalinan_bulan_ini: int
    dukun_sendiri_tahun_ini: int
    rujukan_terbuka: int
    kajian_terbuka: int


def ringkasan_kia(user) -> RingkasanKia:
    """The home page's headline counts of mothers' records in the user's scope (one query per table)."""
    today = timezone.localdate()
    persalinan = Persalinan.objects.visible_to(user).filter(tanggal__year=today.year).aggregate(
        bulan_ini=Count("id", filter=Q(tanggal__month=today.month)),
        dukun_sendiri=Count("id", filter=Q(penolong=Penolong.DUKUN)),
    )
    return RingkasanKia(
        tahun=today.year,
        bulan=f"{today:%Y-%m}",
        persalinan_bulan_ini=persalinan["bulan_ini"],
        dukun_sendiri_tahun_ini=persalinan["dukun_sendiri"],
        rujukan_terbuka=Rujukan.objects.visible_to(user).terbuka().count(),
        kajian_terbuka=KajianKasus.objects.visible_to(user).terbuka().count(),
    )
