#!/usr/bin/env python3
"""The clock sweep (`make test-jam`): the suite's date-sensitive tests at the instants where a day, a month or a
year turns over, or where an hour a test might assume has not come yet.

Each instant is one pytest run with `--jam INSTANT` (config/testenv.py: the run's clock starts there and ticks;
each xdist worker travels on its own). Five runs cover every hour and date asked for, at the next year end, in
WIB (the default zone): 31 December at 08:59 and 09:01 (either side of the hour a meeting is planned at in the
tests) and 23:59 (the day, month and year turn over during the run), 1 January at 00:30 and at 05:30 (UTC is
still on 31 December of the year before). Arguments after `--` go to pytest (the selection, `-n`); the exit
code is 1 when any run failed. The table at the end says which.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time

WIB = dt.timezone(dt.timedelta(hours=7), "WIB")


def instants(today: dt.date) -> list[dt.datetime]:
    akhir_tahun = dt.date(today.year, 12, 31)
    if akhir_tahun <= today:
        akhir_tahun = dt.date(today.year + 1, 12, 31)
    awal_tahun = akhir_tahun + dt.timedelta(days=1)
    return [
        dt.datetime.combine(hari, dt.time(jam, menit), WIB)
        for hari, jam, menit in ((akhir_tahun, 8, 59), (akhir_tahun, 9, 1), (akhir_tahun, 23, 59),
                                 (awal_tahun, 0, 30), (awal_tahun, 5, 30))
    ]


def main(argv: list[str]) -> int:
    pytest_args = argv[argv.index("--") + 1:] if "--" in argv else []
    hasil = []
    for instant in instants(dt.datetime.now(WIB).date()):
        mulai = time.monotonic()
        print(f"\n=== jam {instant.isoformat()} ===", flush=True)
        rc = subprocess.call([sys.executable, "-m", "pytest", "--jam", instant.isoformat(), *pytest_args])
        hasil.append((instant, rc, time.monotonic() - mulai))
    print("\nClock sweep:")
    for instant, rc, detik in hasil:
        print(f"  {instant:%Y-%m-%d %H:%M} WIB  {'passed' if rc == 0 else f'FAILED (exit {rc})'}  {detik:.0f} s")
    return 0 if all(rc == 0 for _i, rc, _d in hasil) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
