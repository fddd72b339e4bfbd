"""Bulk writes for the generator: PostgreSQL COPY (the project's own helpers in kia.importer), bulk_create elsewhere.

Rows arrive as tuples in a fixed column order; every other concrete column gets the field's default, so a
COPY never leaves a NOT NULL column empty. No history rows are written, and no signal is sent.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Max, Model

from kia.importer import _copy, _id_baru, _sel_copy

BLOK_ID = 20_000


@functools.lru_cache(maxsize=4096)
def _json(items: tuple) -> str:
    return _sel_copy(list(items))


def _sel(value) -> str:
    """One value in COPY text format; the fast path for the types the generator writes."""
    t = type(value)
    if t is str:
        return value  # generated text holds no tab, newline or backslash
    if t is int:
        return str(value)
    if value is None:
        return "\\N"
    if t is bool:
        return "t" if value else "f"
    if t is dt.date:
        return value.isoformat()
    if t is list:
        return _json(tuple(value))
    if isinstance(value, str):  # a TextChoices member
        return str(value)
    return _sel_copy(value)


class Penulis:
    """Hands out primary keys and writes rows; counts what it wrote per model."""

    def __init__(self) -> None:
        self.pg = connection.vendor == "postgresql" and connection.Database.__name__ == "psycopg2"
        self.jumlah: Counter[str] = Counter()
        self.detik: Counter[str] = Counter()  # time spent writing, per model
        self._blok: dict[type[Model], list[int]] = {}
        self._berikut: dict[type[Model], int] = {}
        self._tetap: dict[tuple, tuple[str, dict]] = {}
        self._pelaksana: ThreadPoolExecutor | None = None
        self._antre: list[Future] = []
        self._mentah = None
        self._koneksi_id = None  # a second connection that only draws keys while the first one COPYs

    @contextmanager
    def latar(self) -> Iterator[None]:
        """COPY from a background thread on the same connection (and transaction), while the main thread builds
        the next rows: the server's work then overlaps Python's on a two-core machine. PostgreSQL only."""
        if not self.pg:
            yield
            return
        connection.ensure_connection()
        self._mentah = connection.connection
        # nextval() is not transactional: keys drawn on another connection are as good, and the main
        # connection is never used by two threads at once (psycopg2 cannot interleave a query with a COPY).
        self._koneksi_id = connections.create_connection(DEFAULT_DB_ALIAS)
        self._pelaksana = ThreadPoolExecutor(max_workers=1, thread_name_prefix="skala-copy")
        try:
            yield
            self.tunggu()
        finally:
            self._pelaksana.shutdown(wait=True)
            self._koneksi_id.close()
            self._pelaksana, self._antre, self._mentah, self._koneksi_id = None, [], None, None

    def tunggu(self) -> None:
        """Wait for every pending COPY; raise the first error."""
        antre, self._antre = self._antre, []
        for f in antre:
            f.result()

    def _copy_latar(self, label: str, sql: str, buf: io.StringIO) -> None:
        t0 = time.perf_counter()
        buf.seek(0)
        with self._mentah.cursor() as cursor:
            cursor.copy_expert(sql, buf)
        self.detik[f"{label} (COPY)"] += time.perf_counter() - t0

    # --- primary keys --------------------------------------------------------------------------

    def ids(self, model: type[Model], n: int) -> list[int]:
        if n <= 0:
            return []
        if self.pg:
            with (self._koneksi_id or connection).cursor() as cursor:
                return _id_baru(cursor, model, n)
        mulai = self._berikut.get(model)
        if mulai is None:
            mulai = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        self._berikut[model] = mulai + n
        return list(range(mulai, mulai + n))

    def id(self, model: type[Model]) -> int:
        """One new key, drawn from blocks (one round trip per 20,000 keys)."""
        blok = self._blok.get(model)
        if not blok:
            blok = self.ids(model, BLOK_ID)
            blok.reverse()
            self._blok[model] = blok
        return blok.pop()

    # --- rows ----------------------------------------------------------------------------------

    def _konstanta(self, model: type[Model], kolom: Sequence[str]) -> tuple[str, dict]:
        """The columns not given, with their defaults: a ready COPY suffix and a dict for bulk_create."""
        key = (model, tuple(kolom))
        if key not in self._tetap:
            given = set(kolom)
            rest = [f for f in model._meta.concrete_fields if f.attname not in given and not f.primary_key]
            values = {f.attname: f.get_default() for f in rest}
            suffix = "".join("\t" + _sel(values[f.attname]) for f in rest)
            self._tetap[key] = (suffix, values, rest)
        return self._tetap[key]

    def tulis(self, model: type[Model], kolom: Sequence[str], rows: list[tuple]) -> None:
        if not rows:
            return
        self.jumlah[model._meta.label] += len(rows)
        t0 = time.perf_counter()
        try:
            self._tulis(model, kolom, rows)
        finally:
            self.detik[model._meta.label] += time.perf_counter() - t0

    def _tulis(self, model: type[Model], kolom: Sequence[str], rows: list[tuple]) -> None:
        suffix, values, rest = self._konstanta(model, kolom)
        if self.pg:
            fields = [model._meta.get_field(k) if k != "id" else model._meta.pk for k in kolom] + rest
            buf = io.StringIO()
            tulis = buf.write
            for row in rows:
                tulis("\t".join(map(_sel, row)) + suffix + "\n")
            if self._pelaksana is None:
                with connection.cursor() as cursor:
                    _copy(cursor, model, fields, buf)
                return
            while len(self._antre) >= 4:  # bounded: a few chunks of text in memory at most
                self._antre.pop(0).result()
            qn = connection.ops.quote_name
            sql = (f"COPY {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) FROM STDIN")
            self._antre.append(self._pelaksana.submit(self._copy_latar, model._meta.label, sql, buf))
            return
        # SQLite: one prepared INSERT run over all rows.
        fields = [model._meta.get_field(k) if k != "id" else model._meta.pk for k in kolom] + rest
        tetap = tuple(values[f.attname] for f in rest)
        qn = connection.ops.quote_name
        sql = (f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
               f"VALUES ({', '.join('%s' for _f in fields)})")
        data = [[_sqlite(v) for v in (*row, *tetap)] for row in rows]
        with connection.cursor() as cursor:
            cursor.executemany(sql, data)


def _sqlite(value):
    """A value as Django's SQLite backend stores it (aware datetimes as naive UTC text, JSON as text)."""
    t = type(value)
    if value is None or t is int or t is str or t is bool:
        return value
    if t is dt.date:
        return value.isoformat()
    if t is dt.datetime:
        return str(value.astimezone(dt.UTC).replace(tzinfo=None))
    if t is list:
        return _json(tuple(value))
    if isinstance(value, str):
        return str(value)
    return str(value)
