"""Loading the Kemendagri region list shipped with the app (idn-area-data, ODbL).

The CSV files are committed (gzip) under puskesmas/data/, so loading works offline.
"""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from puskesmas.models import Kabupaten, Kecamatan, Kelurahan, Provinsi

DATA_VERSION = "4.0.1"
DATA_DIR = Path(__file__).resolve().parent / "data" / f"idn-area-data-{DATA_VERSION}"
BATCH_SIZE = 5000


@dataclass
class LoadResult:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(self.created.values()) or any(self.updated.values())


def _rows(name: str, data_dir: Path) -> list[dict[str, str]]:
    with gzip.open(data_dir / f"{name}.csv.gz", "rb") as raw:
        return list(csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8")))


def _sync(model, wanted: dict[str, dict], fields: list[str], result: LoadResult, label: str, prefix: str) -> None:
    """Create missing rows and update changed ones; rows already equal are left untouched.

    Existing rows are read by code prefix, not by an IN list of up to 83,762 codes.
    """
    existing = {obj.pk: obj for obj in model.objects.filter(pk__startswith=prefix) if obj.pk in wanted}
    to_create, to_update = [], []
    for kode, values in wanted.items():
        obj = existing.get(kode)
        if obj is None:
            to_create.append(model(pk=kode, **values))
        elif any(getattr(obj, f) != values[f] for f in fields):
            for f in fields:
                setattr(obj, f, values[f])
            to_update.append(obj)
    model.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    if to_update:
        model.objects.bulk_update(to_update, fields, batch_size=BATCH_SIZE)
    result.created[label] = len(to_create)
    result.updated[label] = len(to_update)


def load_wilayah(*, provinsi: str | None = None, data_dir: Path = DATA_DIR) -> LoadResult:
    """Load provinces → kabupaten/kota → kecamatan → kelurahan/desa; idempotent.

    `provinsi` (a two-digit code such as "15") limits the load to one province.
    """
    prefix = f"{provinsi}." if provinsi else ""

    def keep(code: str) -> bool:
        return not provinsi or code == provinsi or code.startswith(prefix)

    provinces = {r["code"]: {"nama": r["name"]} for r in _rows("provinces", data_dir) if keep(r["code"])}
    if provinsi and provinsi not in provinces:
        raise ValueError(f"Kode provinsi {provinsi!r} tidak dikenal.")
    regencies = {
        r["code"]: {"nama": r["name"], "provinsi_id": r["province_code"]}
        for r in _rows("regencies", data_dir)
        if keep(r["code"])
    }
    districts = {
        r["code"]: {"nama": r["name"], "kabupaten_id": r["regency_code"]}
        for r in _rows("districts", data_dir)
        if keep(r["code"])
    }
    villages = {
        r["code"]: {"nama": r["name"], "kecamatan_id": r["district_code"], "kabupaten_id": r["district_code"][:5]}
        for r in _rows("villages", data_dir)
        if keep(r["code"])
    }
    result = LoadResult()
    with transaction.atomic():
        _sync(Provinsi, provinces, ["nama"], result, "provinsi", provinsi or "")
        _sync(Kabupaten, regencies, ["nama", "provinsi_id"], result, "kabupaten", prefix)
        _sync(Kecamatan, districts, ["nama", "kabupaten_id"], result, "kecamatan", prefix)
        _sync(Kelurahan, villages, ["nama", "kecamatan_id", "kabupaten_id"], result, "kelurahan", prefix)
    return result
