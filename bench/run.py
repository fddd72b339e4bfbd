#!/usr/bin/env python
"""Benchmark of issue 7: dashboards, reports, import and concurrent load on generated data, in ONE run.

    make bench                      # full: BENCH_DATABASE_URL (default .../kemitraan_bench), SCALE (default 1)
    make bench-quick                # CI-sized: a throwaway database kemitraan_bench_quick, scale 0.003
    .venv/bin/python bench/run.py [--quick] [--database-url URL] [--scale S] [--out FILE]

What it measures (every part is bounded in time and a failing part is recorded, not fatal):

* dashboards end to end through Django's test Client (force_login of a bench user): the Puskesmas month,
  the district year and the province year (no view: `hitung(Cakupan("provinsi", ...), Periode.tahun(Y),
  kelompok="puskesmas")` plus the 12-month trend, i.e. what a province page would run) — median and p95 over
  N requests (20 full, 5 quick), against the raw SQL floor measured in the same run: the statements the page
  ran (CaptureQueriesContext) re-executed N times on a raw DB-API cursor; the floor is their total time;
* queries per page (CaptureQueriesContext); compared with a previous results file at another scale;
* the monthly PDF of one Puskesmas and the district PDF of the kabupaten nearest 30 Puskesmas (plus the
  largest kabupaten): ms per page against a plain one-table WeasyPrint page, each rendered in a worker
  subprocess whose peak RSS (ru_maxrss) is reported;
* the import of 100,000 delivery rows (10,000 quick) with scripts/bench_import_persalinan.py's register and
  region (provinsi 99, outside the generated province), in a worker subprocess; the imported rows are
  deleted afterwards;
* 20 concurrent users (Python threads + http.client) against gunicorn on 127.0.0.1 (3 workers, DEBUG=0)
  for 30 s (5 s quick) over the main pages: requests/s, median, p95, errors.

It writes JSON (--out, default bench/results.json; bench/results-quick.json in quick mode) and prints a
Markdown table. Goals are reported as met or missed; a missed goal never fails the run.
The full mode refuses a database whose name contains neither "bench" nor "skala".
"""

from __future__ import annotations

import argparse
import datetime as dt
import glob
import json
import os
import platform
import resource
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
PY = sys.executable
# A random key per run (settings refuse a short or guessable one with DEBUG off); inherited by the workers
# and gunicorn through the environment, so the session cookies made here are valid there.
SECRET = os.environ.setdefault("BENCH_SECRET_KEY", secrets.token_urlsafe(50))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kemitraan_bench"
QUICK_DB = "kemitraan_bench_quick"
QUICK_SCALE = 0.003


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}] {msg}", file=sys.stderr, flush=True)


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    s = sorted(values)
    if not s:
        return float("nan")
    k = max(0, min(len(s) - 1, int(round(q / 100 * len(s) + 0.5)) - 1))
    return s[k]


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    # The same key in this process and in gunicorn (the session cookie's auth hash), DEBUG off (no query log).
    os.environ["SECRET_KEY"] = SECRET
    os.environ["DEBUG"] = "0"
    os.environ.pop("REDIS_URL", None)  # report tasks, if any, run eagerly in-process
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    import django

    django.setup()


# --- Database preparation (before Django) --------------------------------------------------------------


def _pg_admin(url: str, sql: str) -> None:
    from urllib.parse import urlparse

    import psycopg2

    u = urlparse(url)
    conn = psycopg2.connect(host=u.hostname or "127.0.0.1", port=u.port or 5432, user=u.username or "postgres",
                            password=u.password, dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(sql)
    conn.close()


def pg_available(url: str) -> bool:
    try:
        _pg_admin(url, "SELECT 1")
        return True
    except Exception:  # noqa: BLE001
        return False


def db_name(url: str) -> str:
    return url.rsplit("/", 1)[-1].split("?")[0]


def prepare_quick(url: str | None) -> str:
    """A throwaway database: dropped and created again (PostgreSQL), or a SQLite file when there is none."""
    pg_url = url or DEFAULT_URL.rsplit("/", 1)[0] + "/" + QUICK_DB
    if pg_url.startswith("postgres") and pg_available(pg_url):
        name = db_name(pg_url)
        _pg_admin(pg_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _pg_admin(pg_url, f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\'')
        return pg_url
    path = BASE_DIR / "var" / f"{QUICK_DB}.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    log("PostgreSQL unreachable: quick mode on SQLite")
    return f"sqlite:///{path}"


def drop_quick(url: str) -> None:
    if url.startswith("postgres"):
        try:
            _pg_admin(url, f'DROP DATABASE IF EXISTS "{db_name(url)}" WITH (FORCE)')
        except Exception as exc:  # noqa: BLE001
            log(f"could not drop {db_name(url)}: {exc}")
    else:
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)


def ensure_data(scale: float, quick: bool) -> float:
    """Migrate, load province 32 and generate data when none is there; returns the scale in the database."""
    from django.core.management import call_command
    from django.db import connection

    if quick or "puskesmas_puskesmas" not in connection.introspection.table_names():
        log("migrate")
        call_command("migrate", verbosity=0, interactive=False)
    from puskesmas.models import Puskesmas

    if Puskesmas.objects.filter(kode__startswith="SKL-").exists():
        return scale
    log(f"load_wilayah --provinsi 32; generate_scale --scale {scale}")
    call_command("load_wilayah", provinsi="32", verbosity=0)
    call_command("generate_scale", scale=scale, seed=1, provinsi="32", verbosity=0)
    return scale


# --- Machine -------------------------------------------------------------------------------------------


def machine() -> dict:
    from django.db import connection

    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SHOW server_version")
            db = "PostgreSQL " + cur.fetchone()[0]
        else:
            cur.execute("select sqlite_version()")
            db = "SQLite " + cur.fetchone()[0]
    import django

    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gb": ram, "python": platform.python_version(),
            "django": django.get_version(), "database": db, "postgres": db if "PostgreSQL" in db else None,
            "os": platform.platform(), "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            # The machine may be shared: its load when the run started (and, below, when it ended).
            "load_average_1_5_15_min": [round(x, 2) for x in os.getloadavg()]}


# --- Fixtures: the scopes measured and their users ----------------------------------------------------


class Scope:
    def __init__(self):
        from django.db.models import Count
        from django.utils import timezone

        from puskesmas.models import Kabupaten, Puskesmas, Role, User

        pkms = Puskesmas.objects.filter(kode__startswith="SKL-")
        counts = list(pkms.values("kabupaten").annotate(n=Count("pk")).order_by("-n", "kabupaten"))
        self.kab_besar = Kabupaten.objects.get(pk=counts[0]["kabupaten"])
        self.n_besar = counts[0]["n"]
        near = min(counts, key=lambda c: (abs(c["n"] - 30), -c["n"]))
        self.kab = Kabupaten.objects.get(pk=near["kabupaten"])
        self.n_kab = near["n"]
        # The Puskesmas with the most deliveries in the district (a busy one is the honest case).
        self.pkm = (pkms.filter(kabupaten=self.kab).annotate(n=Count("wilayah_kerja")).order_by("-n", "pk").first())
        self.provinsi = self.kab.provinsi_id
        self.n_pkm_prov = pkms.filter(kabupaten__provinsi=self.provinsi).count()
        today = timezone.localdate()
        first = today.replace(day=1)
        last_month = first - dt.timedelta(days=1)
        self.bulan = (last_month.year, last_month.month)
        self.bulan_kode = f"{last_month.year:04d}-{last_month.month:02d}"
        self.tahun = today.year - 1
        self.kapus, _c = User.objects.get_or_create(
            username="benchrun_kapus", defaults={"role": Role.KEPALA_PUSKESMAS, "puskesmas": self.pkm})
        if self.kapus.puskesmas_id != self.pkm.pk or self.kapus.role != Role.KEPALA_PUSKESMAS:
            self.kapus.puskesmas, self.kapus.role = self.pkm, Role.KEPALA_PUSKESMAS
            self.kapus.save()
        self.dinkes, _c = User.objects.get_or_create(
            username="benchrun_dinkes", defaults={"role": Role.DINKES, "kabupaten": self.kab})
        if self.dinkes.kabupaten_id != self.kab.pk or self.dinkes.role != Role.DINKES:
            self.dinkes.kabupaten, self.dinkes.role = self.kab, Role.DINKES
            self.dinkes.save()

    def describe(self) -> dict:
        return {"puskesmas": f"{self.pkm.kode} {self.pkm.nama} (pk {self.pkm.pk})",
                "kabupaten": f"{self.kab.pk} {self.kab.nama} ({self.n_kab} Puskesmas)",
                "kabupaten_terbesar": f"{self.kab_besar.pk} {self.kab_besar.nama} ({self.n_besar} Puskesmas)",
                "provinsi": f"{self.provinsi} ({self.n_pkm_prov} Puskesmas)",
                "bulan": self.bulan_kode, "tahun": self.tahun}


def masuk(client, user) -> None:
    """force_login, plus the second login step for the roles that need it (Dinkes, admin: akun/): a
    confirmed authenticator whose id sits in the session, as django_otp.login leaves it after a right code.
    The pages then cost what they cost a real, verified user (the device is read on every request)."""
    client.force_login(user)
    try:
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from akun.services import wajib_dua_langkah
    except ImportError:  # no two-step login in this version
        return
    if not wajib_dua_langkah(user):
        return
    device, _c = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


# --- Dashboards ---------------------------------------------------------------------------------------


def raw_floor(statements: list[str], n: int, budget: float) -> list[float]:
    """Total time of the page's SELECT statements, re-run on a raw DB-API cursor, n times (ms)."""
    from django.db import connection

    selects = [s for s in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))]
    connection.ensure_connection()
    raw = connection.connection
    out, start = [], time.perf_counter()
    for _i in range(n):
        t = time.perf_counter()
        cur = raw.cursor()
        for sql in selects:
            cur.execute(sql)
            cur.fetchall()
        cur.close()
        out.append((time.perf_counter() - t) * 1000)
        if time.perf_counter() - start > budget and len(out) >= 3:
            break
    return out


def measure_dashboard(name: str, call, n: int, budget: float) -> dict:
    """call() does one page (returns nothing); one warm-up captured for SQL, then n timed calls."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        t = time.perf_counter()
        call()
        first = (time.perf_counter() - t) * 1000
    statements = [q["sql"] for q in ctx.captured_queries]
    times, start = [], time.perf_counter()
    for _i in range(n):
        t = time.perf_counter()
        call()
        times.append((time.perf_counter() - t) * 1000)
        if time.perf_counter() - start > budget and len(times) >= 3:
            break
    floor = raw_floor(statements, n, budget)
    log(f"{name}: median {statistics.median(times):.0f} ms, floor {statistics.median(floor):.0f} ms, "
        f"{len(statements)} queries")
    return {"name": name, "queries": len(statements), "first_ms": first, "n": len(times),
            "median_ms": statistics.median(times), "p95_ms": pct(times, 95),
            "floor_n": len(floor), "floor_median_ms": statistics.median(floor), "floor_p95_ms": pct(floor, 95)}


def dashboards(scope: Scope, n: int, budget: float) -> list[dict]:
    from django.test import Client

    from laporan.hitung import Cakupan, hitung
    from laporan.periode import Periode, dua_belas_bulan_sampai
    from laporan.views_dasbor import TREN_UKURAN

    def page(user, url):
        client = Client()
        masuk(client, user)

        def call():
            r = client.get(url)
            if r.status_code != 200:
                raise RuntimeError(f"{url}: HTTP {r.status_code}")
        return call

    def provinsi():
        # What a province page would call: as the district dashboard (views_dasbor._hitung_dasbor).
        cak, per = Cakupan("provinsi", scope.provinsi), Periode.tahun(scope.tahun)
        hitung(cak, per, kelompok="puskesmas", tren_ukuran=TREN_UKURAN, tren_bulan=dua_belas_bulan_sampai(per))

    out = []
    for name, call in (
        ("puskesmas_bulan", page(scope.kapus, f"/dasbor/puskesmas/{scope.pkm.pk}/?periode={scope.bulan_kode}")),
        ("kabupaten_tahun", page(scope.dinkes, f"/dasbor/kabupaten/{scope.kab.pk}/?periode={scope.tahun}")),
        ("provinsi_tahun", provinsi),
    ):
        try:
            out.append(measure_dashboard(name, call, n, budget))
        except Exception as exc:  # noqa: BLE001
            log(f"{name} failed: {exc!r}")
            out.append({"name": name, "error": repr(exc)})
    return out


# --- Workers (subprocesses): PDF rendering and import --------------------------------------------------

PLAIN = """<html><head><meta charset="utf-8"></head><body><h1>Tabel</h1><table>
<thead><tr><th>No</th><th>Puskesmas</th><th>Persalinan</th><th>PN</th><th>PF</th><th>Dukun</th></tr></thead><tbody>
{rows}</tbody></table></body></html>"""


def worker_pdf(kind: str, ident: str, periode: str, reps: int) -> dict:
    import io

    import pypdf
    import weasyprint

    from laporan import laporan_bulanan, services
    from laporan.periode import Periode
    from puskesmas.models import Kabupaten, Puskesmas

    def render():
        if kind == "plain":
            rows = "".join(f"<tr><td>{i}</td><td>Puskesmas {i}</td><td>{i * 37}</td><td>{i % 100}%</td>"
                           f"<td>{(i * 7) % 100}%</td><td>{i % 5}</td></tr>" for i in range(1, 26))
            return weasyprint.HTML(string=PLAIN.format(rows=rows), base_url=str(BASE_DIR)).write_pdf(
                stylesheets=[services.pdf_stylesheet()])
        if kind == "bulanan":
            y, m = map(int, periode.split("-"))
            return laporan_bulanan.pdf_bulanan(Puskesmas.objects.get(pk=int(ident)), Periode.bulan(y, m))
        return laporan_bulanan.pdf_kabupaten(Kabupaten.objects.get(pk=ident), Periode.tahun(int(periode)))

    times, pdf = [], b""
    for _i in range(reps):
        t = time.perf_counter()
        pdf = render()
        times.append((time.perf_counter() - t) * 1000)
    pages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    return {"kind": kind, "ms": times, "median_ms": statistics.median(times), "pages": pages,
            "bytes": len(pdf), "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def worker_import(rows: int) -> dict:
    import io
    import tempfile

    from django.core.management import call_command

    sys.path.insert(0, str(BASE_DIR / "scripts"))
    import bench_import_persalinan as b

    from kia.models import Bayi, Persalinan

    kode = b.siapkan_wilayah()
    b.hapus_impor_lama(kode)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "register.csv"
            b.tulis_register(path, rows, kode)
            out = io.StringIO()
            t = time.perf_counter()
            call_command("import_persalinan", str(path), user=b.DINKES, stdout=out)
            secs = time.perf_counter() - t
            n_pers = Persalinan.objects.filter(kelurahan__in=kode).count()
            n_bayi = Bayi.objects.filter(kelurahan__in=kode).count()
    finally:
        b.hapus_impor_lama(kode)  # the benchmark leaves no imported rows behind
    return {"rows": rows, "seconds": secs, "rows_per_s": rows / secs, "persalinan": n_pers, "bayi": n_bayi,
            "output": out.getvalue().strip()[-300:],
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def run_worker(url: str, args: list[str], timeout: float) -> dict:
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY=SECRET, DEBUG="0")
    proc = subprocess.run([PY, __file__, "--database-url", url, *args], env=env, capture_output=True, text=True,
                          timeout=timeout, cwd=BASE_DIR)
    if proc.returncode != 0:
        raise RuntimeError(f"worker {args} failed: {proc.stderr[-1500:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --- Load: gunicorn + 20 threads ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def session_cookie(user) -> str:
    from django.test import Client

    c = Client()
    masuk(c, user)
    from django.conf import settings

    return f"{settings.SESSION_COOKIE_NAME}={c.cookies[settings.SESSION_COOKIE_NAME].value}"


def load_test(url: str, scope: Scope, users: int, seconds: float) -> dict:
    import http.client

    port = free_port()
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY=SECRET, DEBUG="0", ALLOWED_HOSTS="127.0.0.1,localhost",
               SECURE_COOKIES="0", STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage",
               LOG_LEVEL="WARNING")
    gun = subprocess.Popen(
        [str(Path(PY).with_name("gunicorn")), "config.wsgi", "--no-control-socket", "--bind", f"127.0.0.1:{port}",
         "--workers", "3", "--timeout", "120", "--log-level", "warning"],
        cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        kapus, dinkes = session_cookie(scope.kapus), session_cookie(scope.dinkes)
        pages = [
            ("dasbor_puskesmas", f"/dasbor/puskesmas/{scope.pkm.pk}/?periode={scope.bulan_kode}", kapus),
            ("persalinan_list", "/kia/persalinan/", kapus),
            ("dukun_list", "/dukun/", kapus),
            ("dasbor_kabupaten", f"/dasbor/kabupaten/{scope.kab.pk}/?periode={scope.tahun}", dinkes),
        ]

        def get(path, cookie, timeout=120):
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
            try:
                c.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
                r = c.getresponse()
                r.read()
                return r.status
            finally:
                c.close()

        deadline = time.time() + 30
        while True:
            try:
                get("/healthz", "", timeout=2)
                break
            except OSError:
                if time.time() > deadline or gun.poll() is not None:
                    raise RuntimeError("gunicorn did not start: " + (gun.stderr.read() if gun.poll() else "")) from None
                time.sleep(0.3)
        alone: dict[str, list[float]] = {n: [] for n, _p, _c in pages}
        for _i in range(3):  # warm every worker a little; one user alone gives the unloaded latency
            for name, path, cookie in pages:
                t = time.perf_counter()
                st = get(path, cookie)
                alone[name].append((time.perf_counter() - t) * 1000)
                if st != 200:
                    raise RuntimeError(f"{path}: HTTP {st}")
        results: list[tuple[str, float, bool]] = []
        lock = threading.Lock()
        stop = time.perf_counter() + seconds

        def user(i):
            k = i
            while time.perf_counter() < stop:
                name, path, cookie = pages[k % len(pages)]
                k += 1
                t = time.perf_counter()
                try:
                    ok = get(path, cookie) == 200
                except Exception:  # noqa: BLE001
                    ok = False
                with lock:
                    results.append((name, (time.perf_counter() - t) * 1000, ok))

        t0 = time.perf_counter()
        threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        wall = time.perf_counter() - t0
    finally:
        gun.terminate()
        try:
            gun.wait(timeout=20)
        except subprocess.TimeoutExpired:
            gun.kill()
    lat = [r[1] for r in results]
    per = {}
    for name, _p, _c in pages:
        xs = [r[1] for r in results if r[0] == name]
        per[name] = {"n": len(xs), "median_ms": statistics.median(xs) if xs else None, "p95_ms": pct(xs, 95),
                     "alone_median_ms": statistics.median(alone[name]), "path": _p}
    return {"users": users, "seconds": wall, "requests": len(results), "rps": len(results) / wall,
            "median_ms": statistics.median(lat) if lat else None, "p95_ms": pct(lat, 95),
            "errors": sum(1 for r in results if not r[2]), "pages": per, "workers": 3, "driver": "python threads"}


# --- Goals, table -------------------------------------------------------------------------------------


def other_scale_results(out: Path, scale: float) -> dict | None:
    for f in sorted(glob.glob(str(BASE_DIR / "bench" / "results*.json"))):
        if Path(f).resolve() == out.resolve():
            continue
        try:
            data = json.loads(Path(f).read_text())
        except (OSError, ValueError):
            continue
        if data.get("scale") not in (None, scale) and data.get("queries_per_page"):
            data["_file"] = str(Path(f).relative_to(BASE_DIR))
            return data
    return None


def goals(res: dict, other: dict | None) -> list[dict]:
    g = []
    by = {d["name"]: d for d in res["dashboards"] if "median_ms" in d}
    for name, d in by.items():
        floor = d["floor_median_ms"]
        limit = floor * 1.5 if floor > 20 else floor + 10
        rule = "1.5 × floor" if floor > 20 else "floor + 10 ms"
        g.append({"name": f"dashboard {name} median ≤ {rule}", "met": d["median_ms"] <= limit,
                  "measured": round(d["median_ms"], 1), "limit": round(limit, 1),
                  "note": f"floor {floor:.1f} ms; ratio {d['median_ms'] / floor:.2f}"
                  + (f"; over by {d['median_ms'] - limit:.1f} ms" if d["median_ms"] > limit else "")})
        g.append({"name": f"dashboard {name} ≤ 12 queries", "met": d["queries"] <= 12, "measured": d["queries"],
                  "limit": 12, "note": "" if d["queries"] <= 12 else f"{d['queries'] - 12} too many"})
    if other:
        oq = other.get("queries_per_page", {})
        for name, d in by.items():
            if name in oq:
                g.append({"name": f"dashboard {name}: same query count at scale {other['scale']} and {res['scale']}",
                          "met": oq[name] == d["queries"], "measured": d["queries"], "limit": oq[name],
                          "note": f"compared with {other['_file']}"})
        om = {d["name"]: d for d in other.get("dashboards", []) if "median_ms" in d}
        small, big = sorted([(other["scale"], om), (res["scale"], by)], key=lambda x: x[0])
        if big[0] >= 5 * small[0] and 0.05 <= small[0]:
            for name in by:
                if name in om:
                    lim = small[1][name]["median_ms"] * 1.5
                    g.append({"name": f"dashboard {name} at scale {big[0]} ≤ 1.5 × at {small[0]}",
                              "met": big[1][name]["median_ms"] <= lim, "measured": round(big[1][name]["median_ms"], 1),
                              "limit": round(lim, 1), "note": f"compared with {other['_file']}"})
    else:
        g.append({"name": "same query count at two scales", "met": False, "measured": None, "limit": None,
                  "note": "no results file at another scale yet: run the other scale (e.g. make bench-quick)"})
    pdf = res.get("pdf", {})
    if "plain" in pdf:
        plain = pdf["plain"]["median_ms"] / pdf["plain"]["pages"]
        for k in ("bulanan", "kabupaten"):
            if k in pdf:
                mpp = pdf[k]["median_ms"] / pdf[k]["pages"]
                g.append({"name": f"report {k}: ms/page ≤ 1.5 × plain page", "met": mpp <= 1.5 * plain,
                          "measured": round(mpp, 1), "limit": round(1.5 * plain, 1),
                          "note": f"plain page {plain:.1f} ms; ratio {mpp / plain:.2f}"})
    if "kabupaten" in pdf:
        g.append({"name": f"district report ({pdf['kabupaten'].get('puskesmas')} Puskesmas) < 15 s",
                  "met": pdf["kabupaten"]["median_ms"] < 15000, "measured": round(pdf["kabupaten"]["median_ms"]),
                  "limit": 15000, "note": "ms"})
    imp = res.get("import", {})
    if "seconds" in imp:
        lim = 120 * imp["rows"] / 100_000
        g.append({"name": f"import of {imp['rows']:,} rows < {lim:.0f} s (100k in 2 min)", "met": imp["seconds"] < lim,
                  "measured": round(imp["seconds"], 1), "limit": lim, "note": f"{imp['rows_per_s']:.0f} rows/s"})
    if "provinsi_tahun" in by:
        p = by["provinsi_tahun"]["p95_ms"]
        g.append({"name": "province dashboard p95 < 300 ms", "met": p < 300, "measured": round(p, 1), "limit": 300,
                  "note": f"over by {max(0, p - 300):.0f} ms" if p >= 300 else ""})
    return g


def metrics(res: dict) -> list[dict]:
    m = []
    for d in res["dashboards"]:
        if "median_ms" not in d:
            m.append({"name": f"dashboard {d['name']}", "value": None, "unit": "ms", "detail": d.get("error")})
            continue
        m += [
            {"name": f"dashboard {d['name']} median", "value": round(d["median_ms"], 1), "unit": "ms",
             "detail": f"{d['n']} requests; first {d['first_ms']:.0f} ms"},
            {"name": f"dashboard {d['name']} p95", "value": round(d["p95_ms"], 1), "unit": "ms"},
            {"name": f"dashboard {d['name']} raw SQL floor median", "value": round(d["floor_median_ms"], 1),
             "unit": "ms", "detail": f"{d['floor_n']} runs of the page's SELECTs on a raw cursor"},
            {"name": f"dashboard {d['name']} queries", "value": d["queries"], "unit": "queries"},
        ]
    for k, p in res.get("pdf", {}).items():
        if "error" in p:
            m.append({"name": f"pdf {k}", "value": None, "unit": "ms", "detail": p["error"]})
            continue
        m += [
            {"name": f"pdf {k} render", "value": round(p["median_ms"], 1), "unit": "ms",
             "detail": f"{p['pages']} pages, {len(p['ms'])} renders" + (
                 f", {p['puskesmas']} Puskesmas" if "puskesmas" in p else "")},
            {"name": f"pdf {k} per page", "value": round(p["median_ms"] / p["pages"], 1), "unit": "ms/page"},
            {"name": f"pdf {k} worker peak RSS", "value": round(p["peak_rss_mb"]), "unit": "MB"},
        ]
    imp = res.get("import", {})
    if "seconds" in imp:
        m += [{"name": "import persalinan", "value": round(imp["rows_per_s"]), "unit": "rows/s",
               "detail": f"{imp['rows']:,} rows in {imp['seconds']:.1f} s"},
              {"name": "import persalinan worker peak RSS", "value": round(imp["peak_rss_mb"]), "unit": "MB"}]
    elif imp:
        m.append({"name": "import persalinan", "value": None, "unit": "rows/s", "detail": imp.get("error")})
    ld = res.get("load", {})
    if "rps" in ld:
        m += [{"name": f"load {ld['users']} users throughput", "value": round(ld["rps"], 1), "unit": "requests/s",
               "detail": f"{ld['requests']} requests in {ld['seconds']:.0f} s, gunicorn {ld['workers']} workers"},
              {"name": f"load {ld['users']} users median latency", "value": round(ld["median_ms"], 1), "unit": "ms"},
              {"name": f"load {ld['users']} users p95 latency", "value": round(ld["p95_ms"], 1), "unit": "ms"},
              {"name": f"load {ld['users']} users errors", "value": ld["errors"], "unit": "requests"}]
        for k, v in ld["pages"].items():
            m.append({"name": f"load page {k} median", "value": round(v["median_ms"] or 0, 1), "unit": "ms",
                      "detail": f"{v['n']} requests, p95 {v['p95_ms']:.0f} ms; alone (one user, gunicorn) "
                                f"{v['alone_median_ms']:.0f} ms"})
    elif ld:
        m.append({"name": "load", "value": None, "unit": "requests/s", "detail": ld.get("error")})
    return m


def markdown(data: dict) -> str:
    mc = data["machine"]
    lines = [f"Scale {data['scale']} · {mc['cpu']}, {mc['cores']} cores, {mc['ram_gb']} GB RAM · Python "
             f"{mc['python']} · {mc['database']} · {mc['date']} · load average {mc.get('load_average_1_5_15_min')}"
             f" → {mc.get('load_average_at_end')}", "",
             "| metric | value | unit | detail |", "| --- | ---: | --- | --- |"]
    for m in data["metrics"]:
        v = m["value"]
        v = "–" if v is None else (f"{v:,}" if isinstance(v, int) else f"{v:,.1f}")
        lines.append(f"| {m['name']} | {v} | {m['unit']} | {m.get('detail') or ''} |")
    lines += ["", "| goal | met | measured | limit | note |", "| --- | --- | ---: | ---: | --- |"]
    for g in data["goals"]:
        lines.append(f"| {g['name']} | {'yes' if g['met'] else '**no**'} | {g['measured']} | {g['limit']} | "
                     f"{g['note']} |")
    return "\n".join(lines)


# --- Main ---------------------------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="CI-sized: throwaway database, small N, short load")
    ap.add_argument("--database-url", help=f"full mode: default $BENCH_DATABASE_URL or {DEFAULT_URL}")
    ap.add_argument("--scale", type=float, default=None, help="scale generated when the database has no data")
    ap.add_argument("--out", type=Path)
    ap.add_argument("--keep", action="store_true", help="quick mode: keep the throwaway database")
    ap.add_argument("--parts", default="dashboards,pdf,import,load",
                    help="what to measure (comma-separated); a part not measured is carried over from the existing "
                         "--out file, marked with the run it came from")
    ap.add_argument("--worker", choices=["pdf", "import"], help=argparse.SUPPRESS)
    ap.add_argument("--worker-args", default="", help=argparse.SUPPRESS)
    a = ap.parse_args()

    if a.worker:
        setup_django(a.database_url)
        w = a.worker_args.split("|")
        res = worker_pdf(w[0], w[1], w[2], int(w[3])) if a.worker == "pdf" else worker_import(int(w[0]))
        print(json.dumps(res))
        return

    t_start = time.perf_counter()
    if a.quick:
        url = prepare_quick(a.database_url)
        scale = a.scale or QUICK_SCALE
        out = a.out or BASE_DIR / "bench" / "results-quick.json"
        n, budget, users, seconds, rows, reps = 5, 20.0, 20, 5.0, 10_000, 1
    else:
        url = a.database_url or os.environ.get("BENCH_DATABASE_URL") or DEFAULT_URL
        name = db_name(url)
        if "bench" not in name and "skala" not in name:
            sys.exit(f"Refusing to run on database {name!r}: its name must contain 'bench' or 'skala'.")
        if url.startswith("postgres") and not pg_available(url):
            sys.exit(f"PostgreSQL unreachable for {url}")
        if url.startswith("postgres"):
            try:
                _pg_admin(url, f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\'')
                log(f"created database {name}")
            except Exception:  # noqa: BLE001 — it exists
                pass
        scale = a.scale or float(os.environ.get("SCALE") or 1)
        out = a.out or BASE_DIR / "bench" / "results.json"
        n, budget, users, seconds, rows, reps = 20, 75.0, 20, 30.0, 100_000, 3
    log(f"database {db_name(url)}, scale {scale}, out {out}")
    setup_django(url)
    try:
        scale = ensure_data(scale, a.quick)
        res: dict = {"scale": scale, "mode": "quick" if a.quick else "full", "database": db_name(url)}
        res["machine"] = machine()
        scope = Scope()
        res["scope"] = scope.describe()
        log(f"scope: {res['scope']}")
        res["dashboards"] = dashboards(scope, n, budget)
        res["queries_per_page"] = {d["name"]: d["queries"] for d in res["dashboards"] if "queries" in d}
        parts = set(a.parts.split(","))
        lama = {}
        if parts != {"dashboards", "pdf", "import", "load"} and out.exists():
            lama = json.loads(out.read_text())
        dari_lama = {}
        for part in ("pdf", "import", "load"):
            if part not in parts and part in lama:
                res[part] = lama[part]
                # The date it was measured: that of the earlier run, or the one it was itself carried from.
                dari_lama[part] = (lama.get("carried_over", {}).get("parts", {}).get(part)
                                   or lama.get("machine", {}).get("date"))
        if dari_lama:
            res["carried_over"] = {"parts": dari_lama, "note": f"not measured in this run: copied from {out.name}, "
                                   "measured on the dates given (the earlier run)"}

        if "pdf" in parts:
            res["pdf"] = {}
            bulan = scope.bulan_kode
            jobs = [("plain", "plain", "-", "-", reps), ("bulanan", "bulanan", str(scope.pkm.pk), bulan, reps),
                    ("kabupaten", "kabupaten", scope.kab.pk, str(scope.tahun), 1 if a.quick else 2)]
            if scope.kab_besar.pk != scope.kab.pk:
                jobs.append(("kabupaten_terbesar", "kabupaten", scope.kab_besar.pk, str(scope.tahun), 1))
            for key, kind, ident, per, r in jobs:
                log(f"pdf {key}")
                try:
                    p = run_worker(url, ["--worker", "pdf", "--worker-args", f"{kind}|{ident}|{per}|{r}"], 900)
                    if key == "kabupaten":
                        p["puskesmas"] = scope.n_kab
                    if key == "kabupaten_terbesar":
                        p["puskesmas"] = scope.n_besar
                    res["pdf"][key] = p
                except Exception as exc:  # noqa: BLE001
                    log(f"pdf {key} failed: {exc}")
                    res["pdf"][key] = {"error": str(exc)[-500:]}

        if "import" in parts:
            log(f"import {rows:,} rows")
            try:
                res["import"] = run_worker(url, ["--worker", "import", "--worker-args", str(rows)], 900)
            except Exception as exc:  # noqa: BLE001
                log(f"import failed: {exc}")
                res["import"] = {"error": str(exc)[-500:]}

        if "load" in parts:
            log(f"load: {users} users for {seconds:.0f} s")
            try:
                res["load"] = load_test(url, scope, users, seconds)
            except Exception as exc:  # noqa: BLE001
                log(f"load failed: {exc}")
                res["load"] = {"error": str(exc)[-500:]}

        other = other_scale_results(out, scale)
        if other:
            res["queries_per_page_other_scale"] = {"scale": other["scale"], "file": other["_file"],
                                                   "queries": other["queries_per_page"]}
        res["metrics"] = metrics(res)
        res["goals"] = goals(res, other)
        res["total_seconds"] = round(time.perf_counter() - t_start, 1)
        res["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        data = {"machine": res.pop("machine"), "scale": res.pop("scale"), "metrics": res.pop("metrics"),
                "goals": res.pop("goals"), **res}
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
        print(markdown(data))
        log(f"wrote {out} in {data['total_seconds']} s")
    finally:
        if a.quick and not a.keep:
            from django.db import connections

            connections.close_all()
            drop_quick(url)


if __name__ == "__main__":
    main()
