"""The current request for the audit trail, and the audit of pages owned by other apps.

Most audited reads call `audit.services.catat` in their view. The pages listed in
`DIAUDIT_MENURUT_URL` live in modules whose views this app does not edit; they are audited here,
by URL name, after the view answered 200 to a GET: one row, and an error page instead of the
record if the row cannot be written. `audit/tests/test_middleware.py` checks each listed name
still resolves.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps

from audit.models import Aksi
from audit.services import catat, lepas_request, pasang_request


@dataclass(frozen=True)
class Dibaca:
    aksi: str
    model: str  # app_label.ModelName
    ibu: str | None = None  # lookup of the mother's id from the object, e.g. "persalinan__ibu_id"
    puskesmas: str | None = "puskesmas_id"
    keterangan: str = ""
    kwarg: str = "pk"


DIAUDIT_MENURUT_URL: dict[str, Dibaca] = {
    # Forms that show the whole record before it is changed.
    "kia:ibu_update": Dibaca(Aksi.LIHAT_IBU, "kia.Ibu", ibu="pk", keterangan="formulir"),
    "kia:persalinan_update": Dibaca(Aksi.LIHAT_PERSALINAN, "kia.Persalinan", ibu="ibu_id", keterangan="formulir"),
    "kia:bayi_update": Dibaca(Aksi.LIHAT_BAYI, "kia.Bayi", ibu="persalinan__ibu_id", keterangan="formulir"),
    "kia:kehamilan_update": Dibaca(Aksi.LIHAT_IBU, "kia.Kehamilan", ibu="ibu_id", keterangan="formulir"),
    "kia:rujukan_detail": Dibaca(Aksi.LIHAT_RUJUKAN, "kia.Rujukan", ibu="ibu_id"),
    "kia:rujukan_update": Dibaca(Aksi.LIHAT_RUJUKAN, "kia.Rujukan", ibu="ibu_id", keterangan="formulir"),
    "kia:kajian_detail": Dibaca(Aksi.LIHAT_KAJIAN, "kia.KajianKasus", ibu="persalinan__ibu_id"),
    # Files: the referral slip carries the mother's name and address, the agreement the bidan's and dukun's.
    "kia:rujukan_pdf": Dibaca(Aksi.EKSPOR, "kia.Rujukan", ibu="ibu_id", keterangan="surat_rujukan_pdf"),
    "kemitraan:pdf": Dibaca(Aksi.EKSPOR, "kemitraan.Kemitraan", keterangan="kesepakatan_pdf"),
    "pertemuan:lampiran": Dibaca(Aksi.UNDUH_LAMPIRAN, "kemitraan.LampiranPertemuan",
                                 puskesmas="pertemuan__puskesmas_id"),
}


def _catat_menurut_url(request, response) -> None:
    match = request.resolver_match
    if match is None or request.method != "GET" or response.status_code != 200:
        return
    dibaca = DIAUDIT_MENURUT_URL.get(match.view_name)
    if dibaca is None:
        return
    model = apps.get_model(dibaca.model)
    pk = match.kwargs.get(dibaca.kwarg)
    kolom = {"pk": "pk"}
    if dibaca.ibu:
        kolom["ibu"] = dibaca.ibu
    if dibaca.puskesmas:
        kolom["puskesmas"] = dibaca.puskesmas
    baris = model._base_manager.filter(pk=pk).values_list(*kolom.values()).first()
    if baris is None:
        return
    nilai = dict(zip(kolom, baris, strict=True))
    catat(aksi=dibaca.aksi, request=request, objek_tipe=model._meta.label_lower, objek_id=pk,
          ibu_id=nilai.get("ibu"), objek_puskesmas_id=nilai.get("puskesmas"), keterangan=dibaca.keterangan)


class JejakMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = pasang_request(request)
        try:
            response = self.get_response(request)
            _catat_menurut_url(request, response)
        finally:
            lepas_request(token)
        return response
