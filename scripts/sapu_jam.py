#!/usr/bin/env python3
"""The clock sweep (`make test-jam`): the suite's date-sensitive tests at the instants where a day, a month or a
year turns over, or where an hour a test might assume has not come yet.

Each instant is one pytest run with `--jam INSTANT` (config/testenv.py: the run's clock starts there and ticks;
each xdist worker travels on its own). The instants are the next ones from today, in WIB (the default zone):
tomorrow at 00:30, 05:30 (UTC is still on the day before), 08:59 and 09:01 (either side of the hour a meeting is
planned at in the tests) and 23:59, then 31 December at 23:59 and 1 January at 00:30. Arguments after `--` go to
pytest (the selection, `-n`); the exit code is 1 when any run failed. The table at the end says which.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time

WIB = dt.timezone(dt.timedelta(hours=7), "WIB")


def instants(today: dt.date) -> list[dt.datetime]:
    besok = today + dt.timedelta(days=1)
    at = [dt.datetime.combine(besok, dt.time(h, m), WIB) for h, m in ((0, 30), (5, 30), (8, 59), (9, 1), (23, 59))]
    akhir_tahun = dt.date(today.year, 12, 31)
    if akhir_tahun <= today:
        akhir_tahun = dt.date(today.year + 1, 12, 31)
    at.append(dt.datetime.combine(akhir_tahun, dt.time(23, 59), WIB))
    at.append(dt.datetime.combine(akhir_tahun + dt.timedelta(days=1), dt.time(0, 30), WIB))
    return at


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
