"""Helpers of the concurrent-edit tests (puskesmas.versi): two people, two threads, one record."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

BATAS_DETIK = 20


def versi_form(response) -> int:
    """The version the page's form carries in its hidden field."""
    return int(response.context["form"]["versi"].value())


def token_form(response) -> str:
    return str(response.context["form"]["token_kirim"].value())


def perlu_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent transactions need PostgreSQL")


def serentak(*langkah: Callable[[], object]) -> list[object]:
    """Run each step in its own thread (so its own database connection and transaction), all released at
    the same moment; returns each step's result or the exception it raised, in order."""
    mulai = threading.Barrier(len(langkah), timeout=BATAS_DETIK)
    hasil: list[object] = [None] * len(langkah)

    def jalan(i: int, fungsi: Callable[[], object]) -> None:
        try:
            mulai.wait()
            hasil[i] = fungsi()
        except Exception as exc:  # noqa: BLE001 - handed back to the test, which asserts on it
            hasil[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=jalan, args=(i, f)) for i, f in enumerate(langkah)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(BATAS_DETIK)
        assert not t.is_alive(), "a thread is still waiting: a lock was never released"
    return hasil


def tahan_sebelum(monkeypatch, modul, nama: str, jumlah: int = 2) -> None:
    """Make `jumlah` calls of `modul.nama` wait for each other: both requests have passed every check made
    before the call (the token looked up and not found yet) when the first one writes."""
    asli = getattr(modul, nama)
    pintu = threading.Barrier(jumlah, timeout=BATAS_DETIK)

    def ditahan(*args, **kwargs):
        pintu.wait()
        return asli(*args, **kwargs)

    monkeypatch.setattr(modul, nama, ditahan)
