"""Which summary cells a saved or deleted delivery, baby or referral touched — also outside the services.

The services, the admin and the test factories all save rows one by one; these receivers name the cells
the row was in before (read from the stored row) and is in now, and hand them to `jadwalkan`, which
recomputes them once the transaction commits. No counting happens here: the recompute reads the raw rows.
Bulk paths send no signals (the import, the generator): they call the services themselves.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from kia.models import Bayi, Persalinan, Rujukan
from puskesmas.models import Puskesmas
from ringkasan import services


def _sel_tersimpan(model, pk, instance=None) -> set:
    if model is Persalinan:
        row = Persalinan.objects.filter(pk=pk).values_list(
            "puskesmas_id", "kelurahan_id", "tanggal", "tanggal_meninggal_ibu").first()
        if instance is not None:
            instance._ringkasan_tanggal_lama = row[2] if row else None
        return services.sel_persalinan(*row) if row else set()
    if model is Bayi:
        row = Bayi.objects.filter(pk=pk).values_list(
            "puskesmas_id", "kelurahan_id", "persalinan__tanggal", "tanggal_meninggal").first()
        return services.sel_bayi(*row) if row else set()
    row = Rujukan.objects.filter(pk=pk).values_list(
        "puskesmas_id", "kelurahan_id", "waktu_rujuk", "puskesmas__zona_waktu").first()
    return services.sel_rujukan(*row) if row else set()


def _zona(obj: Rujukan) -> str | None:
    field = Rujukan._meta.get_field("puskesmas")
    if field.is_cached(obj) and obj.puskesmas is not None and obj.puskesmas.pk == obj.puskesmas_id:
        return obj.puskesmas.zona_waktu
    return Puskesmas.objects.filter(pk=obj.puskesmas_id).values_list("zona_waktu", flat=True).first()


def _sel_sekarang(obj) -> set:
    if isinstance(obj, Persalinan):
        return services.sel_persalinan(obj.puskesmas_id, obj.kelurahan_id, obj.tanggal, obj.tanggal_meninggal_ibu)
    if isinstance(obj, Bayi):
        return services.sel_bayi(obj.puskesmas_id, obj.kelurahan_id, obj.persalinan.tanggal, obj.tanggal_meninggal)
    return services.sel_rujukan(obj.puskesmas_id, obj.kelurahan_id, obj.waktu_rujuk, _zona(obj))


def _sel_bayi_pindah(persalinan: Persalinan) -> set:
    """A delivery moved to another month: its babies' births move too, in their own kelurahan (one query)."""
    lama = getattr(persalinan, "_ringkasan_tanggal_lama", None)
    if lama is None or services.awal_bulan(lama) == services.awal_bulan(persalinan.tanggal):
        return set()
    bulan = {services.awal_bulan(lama), services.awal_bulan(persalinan.tanggal)}
    tempat = Bayi.objects.filter(persalinan=persalinan.pk).values_list("puskesmas_id", "kelurahan_id").distinct()
    return {(p, k, b) for p, k in tempat for b in bulan}


def sebelum_simpan(sender, instance, raw=False, **kwargs):
    instance._ringkasan_lama, instance._ringkasan_tanggal_lama = set(), None
    if not (raw or instance.pk is None or instance._state.adding):
        instance._ringkasan_lama = _sel_tersimpan(sender, instance.pk, instance)


def sesudah_simpan(sender, instance, raw=False, **kwargs):
    if raw:
        return
    sel = getattr(instance, "_ringkasan_lama", set()) | _sel_sekarang(instance)
    if sender is Persalinan:
        sel |= _sel_bayi_pindah(instance)
    instance._ringkasan_lama, instance._ringkasan_tanggal_lama = set(), None
    services.jadwalkan(sel)


def sebelum_hapus(sender, instance, **kwargs):
    instance._ringkasan_lama = _sel_tersimpan(sender, instance.pk)


def sesudah_hapus(sender, instance, **kwargs):
    services.jadwalkan(getattr(instance, "_ringkasan_lama", set()))


def sambungkan() -> None:
    for model in (Persalinan, Bayi, Rujukan):
        label = model._meta.label_lower
        pre_save.connect(sebelum_simpan, sender=model, dispatch_uid=f"ringkasan_pre_save_{label}")
        post_save.connect(sesudah_simpan, sender=model, dispatch_uid=f"ringkasan_post_save_{label}")
        pre_delete.connect(sebelum_hapus, sender=model, dispatch_uid=f"ringkasan_pre_delete_{label}")
        post_delete.connect(sesudah_hapus, sender=model, dispatch_uid=f"ringkasan_post_delete_{label}")
