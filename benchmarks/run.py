"""`make bench`: gunicorn with the production settings under `wrk`, figures only.

For each database (a throwaway SQLite file; PostgreSQL when reachable) and each size (1,000
then 100,000 orders), it seeds the database, starts gunicorn (2 sync workers) on 127.0.0.1,
loads every page with 50 connections in slices alternating with its reference view (what a bare
Django project would write for the same kind of work, benchmarks/bench_urls.py) and prints
requests/s, p50/p99 latency, errors, the ratio to that reference and the workers' peak RSS.
Nothing is asserted: the "goals missed" column names the goals (SPEC §14) a row does not meet.
Without `wrk` on the machine, the threaded Python client of benchmarks/loadgen.py stands in.

A target is one line in TARGETS. Pages behind a login name a seeded session ("expert",
"client": see benchmarks/seed.py); a target whose URL does not answer 200 on its first request
is reported as absent instead of loaded. `--only webhook` loads the two webhook targets alone.

The e-mail webhook target pays seeded unpaid orders (one `payment_intent.succeeded` each), so
each answer commits the payment and enqueues its e-mails; the bench settings' e-mail backend
sleeps 0.5 s per message (benchmarks/slow_email.py) and one worker (`manage.py run_worker`)
runs beside gunicorn for that target only, sending them while the load goes on.
"""

import argparse
import hashlib
import hmac
import itertools
import json
import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.loadgen import WRK, LoadResult, build_request, fetch, load, wrk_load  # noqa: E402

PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
HOST = "127.0.0.1"
DEMO_WEBHOOK_SECRET = "whsec_benchmarkOnly0123456789abcdef"
RESULTS = ROOT / "benchmarks" / "results" / "latest.md"
P99_GOAL_MS = 250
RSS_GOAL_MB = 150


@dataclass(frozen=True)
class Target:
    name: str
    path: str  # "{order_id}" is replaced by a seeded order's public id, in turn
    method: str = "GET"
    session: str = ""  # a logged-in session made by benchmarks/seed.py: "expert" or "client"
    body: Callable[[dict, Callable[[], int]], tuple[bytes, dict[str, str]]] | None = None
    reference: "Target | None" = None  # the bare-Django view this page is compared with
    min_ratio: float | None = None  # the goal, as a fraction of the reference's rate
    pays_orders: bool = False  # needs the pool of unpaid orders and a worker (see the docstring)


def signed_webhook(fixtures: dict, counter: Callable[[], int]) -> tuple[bytes, dict[str, str]]:
    """A `payment_intent.succeeded` redelivery for a paid order, under a fresh event id."""
    intents = fixtures["paid_intents"]
    number = counter()
    intent = intents[number % len(intents)]
    body = json.dumps(
        {
            "id": f"evt_bench_{fixtures['run']}_{number}",
            "object": "event",
            "type": "payment_intent.succeeded",
            "created": int(time.time()),
            "livemode": False,
            "data": {
                "object": {
                    "id": intent["id"],
                    "object": "payment_intent",
                    "amount": intent["amount"],
                    "amount_received": intent["amount"],
                    "currency": intent["currency"],
                    "status": "succeeded",
                    "metadata": {"orderId": intent["order_id"]},
                }
            },
        }
    ).encode()
    # Stripe's scheme (payments/gateways/demo.py sign()): HMAC-SHA256 over "{t}.{body}".
    timestamp = int(time.time())
    mac = hmac.new(
        DEMO_WEBHOOK_SECRET.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    return body, {"Content-Type": "application/json", "Stripe-Signature": f"t={timestamp},v1={mac}"}


def paying_webhook(fixtures: dict, counter: Callable[[], int]) -> tuple[bytes, dict[str, str]]:
    """A first `payment_intent.succeeded` for an unpaid order of the pool: it becomes paid.

    The pool is taken in order, each order once (its own sequence: the run-wide one also
    numbers the reference's requests, sent between this target's slices).
    """
    pool = fixtures["pending_intents"]
    intent = pool[next(fixtures["pool_positions"]) % len(pool)]
    number = counter()
    return signed_webhook({**fixtures, "paid_intents": [intent]}, lambda: number)


def signed_insert(fixtures: dict, counter: Callable[[], int]) -> tuple[bytes, dict[str, str]]:
    """A body for the reference insert, under a fresh id, with its HMAC-SHA256 signature."""
    body = json.dumps({"id": f"ref_{fixtures['run']}_{counter()}", "type": "bench"}).encode()
    mac = hmac.new(DEMO_WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    return body, {"Content-Type": "application/json", "X-Signature": mac}


LAYOUT = Target("layout page (reference)", "/bench/layout")
LAYOUT_LOGGED_IN = Target(
    "logged-in layout page (reference)", "/bench/layout-logged-in", session="client"
)
ONE_ROW_JSON = Target("one-row JSON (reference)", "/bench/order/{order_id}")
PAGINATED_LIST = Target("paginated list (reference)", "/bench/orders", session="expert")
HMAC_INSERT = Target(
    "HMAC-checked insert (reference)", "/bench/insert", method="POST", body=signed_insert
)
TARGETS = [
    Target("landing `/`", "/", reference=LAYOUT, min_ratio=1.0),
    Target(
        "tunnel `/commande/?offer=mystique`",
        "/commande/?offer=mystique",
        reference=LAYOUT,
        min_ratio=1.0,
    ),
    Target(
        "confirmation `/confirmation/?order_id=…`",
        "/confirmation/?order_id={order_id}",
        reference=LAYOUT,
        min_ratio=1.0,
    ),
    Target(
        "order JSON `/api/payments/order/…`",
        "/api/payments/order/{order_id}",
        reference=ONE_ROW_JSON,
        min_ratio=1.0,
    ),
    Target(
        "signed webhook `POST /api/payments/webhook`",
        "/api/payments/webhook",
        method="POST",
        body=signed_webhook,
        reference=HMAC_INSERT,
        min_ratio=0.8,
    ),
    Target(
        "signed webhook paying an order, e-mail by the worker",
        "/api/payments/webhook",
        method="POST",
        body=paying_webhook,
        reference=HMAC_INSERT,
        pays_orders=True,
    ),
    Target(
        "desk queue `/desk/`", "/desk/", session="expert", reference=PAGINATED_LIST, min_ratio=1.0
    ),
    Target(
        "Sanctuaire `/sanctuaire/`",
        "/sanctuaire/",
        session="client",
        reference=LAYOUT_LOGGED_IN,
        min_ratio=1.0,
    ),
]
# Pages whose ratio must hold from the smallest size to the largest (within 20 %).
SCALING = ("desk queue", "Sanctuaire")
# Unpaid orders to seed per second of load of the paying webhook target: above its rate here.
POOL_PER_SECOND = 600
# One sequence for the whole run: each webhook event or insert id is sent once, across slices.
REQUEST_NUMBERS = itertools.count()


@dataclass
class Row:
    database: str
    orders: int
    target: Target
    result: LoadResult | None  # None: the URL did not answer 200 (not on this branch)
    ratio: float
    peak_rss_mb: float
    note: str = ""
    cpu_ratio: float = float("nan")  # the reference's server CPU per request over the page's


# --- Environment and processes ----------------------------------------------------------------


def base_env(workdir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="benchmarks.settings",
        PYTHONPATH=str(ROOT),
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="0",
        PAYMENTS_DEMO="1",
        DEMO_WEBHOOK_SECRET=DEMO_WEBHOOK_SECRET,
        # A developer's .env must not turn the benchmark into real Stripe or generator calls.
        STRIPE_SECRET_KEY="",
        STRIPE_PUBLISHABLE_KEY="",
        STRIPE_WEBHOOK_SECRET="",
        GENERATION_WEBHOOK_URL="",
        BENCH_STATIC_ROOT=str(workdir / "static"),
        PRIVATE_MEDIA_ROOT=str(workdir / "private_media"),
    )
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def seed(env: dict[str, str], orders: int, workdir: Path) -> dict:
    out = workdir / "fixtures.json"
    started = time.perf_counter()
    subprocess.run(
        [PYTHON, "-m", "benchmarks.seed", "--orders", str(orders), "--out", str(out)],
        cwd=ROOT,
        env=env,
        check=True,
    )
    fixtures = json.loads(out.read_text())
    print(f"  seeded to {fixtures['orders']:,} orders in {time.perf_counter() - started:.1f} s")
    fixtures["run"] = secrets.token_hex(4)
    return fixtures


def seed_pool(env: dict[str, str], count: int, workdir: Path) -> list[dict]:
    out = workdir / "pool.json"
    subprocess.run(
        [PYTHON, "-m", "benchmarks.seed", "--pending-pool", str(count), "--out", str(out)],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return json.loads(out.read_text())["pending_intents"]


def drop_pool(env: dict[str, str], workdir: Path) -> dict:
    out = workdir / "pool-report.json"
    subprocess.run(
        [PYTHON, "-m", "benchmarks.seed", "--drop-pool", "--out", str(out)],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return json.loads(out.read_text())


class Worker:
    """One `manage.py run_worker` beside gunicorn, stopped by its own pid."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log.open("ab")
        self.process = subprocess.Popen(
            [PYTHON, "manage.py", "run_worker", "--interval", "0.2"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


class Gunicorn:
    """gunicorn with 2 sync workers, as the container runs it, stopped by its own pid."""

    def __init__(self, env: dict[str, str], port: int, log: Path) -> None:
        self.port = port
        self.log = log.open("ab")
        self.process = subprocess.Popen(
            [
                GUNICORN,
                "lumira.wsgi:application",
                "--workers",
                "2",
                "--worker-class",
                "sync",
                "--bind",
                f"{HOST}:{port}",
                "--chdir",
                str(ROOT),
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.workers: set[int] = set()
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited ({self.process.returncode}): see {self.log.name}"
                )
            try:
                if self.answer_healthz():
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer /healthz in 30 s:\n{self.tail()}")

    def answer_healthz(self) -> bool:
        return probe(self.port, build_request("GET", "/healthz", host=HOST))[0] == 200

    def drain(self) -> None:
        """Return once the workers have answered what a finished load left in their queue.

        When wrk stops, up to one request per connection is still waiting in the listen queue,
        and the workers answer each before anything that comes later. Without waiting, the
        next slice's first requests would queue behind another page's leftovers and their
        latency would count against the wrong page.
        """
        self.answer_healthz()

    def tail(self) -> str:
        self.log.flush()
        return "\n".join(Path(self.log.name).read_text(errors="replace").splitlines()[-20:])

    def worker_pids(self) -> set[int]:
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                    self.workers.add(int(entry.name))
        return self.workers

    def cpu_seconds(self) -> float:
        """User and system CPU time of the live workers so far (/proc/<pid>/stat)."""
        ticks = 0
        for pid in self.worker_pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def peak_rss_mb(self) -> float:
        """The largest VmHWM among the workers this server has had (peak resident memory)."""
        self.worker_pids()
        peak = 0
        for pid in self.workers:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue  # a worker that was replaced; its figure was read while it lived
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        self._peak = max(getattr(self, "_peak", 0), peak)
        return self._peak / 1024

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def probe(port: int, request: bytes) -> tuple[int, bytes]:
    return fetch(HOST, port, request)


# --- Databases --------------------------------------------------------------------------------


def postgres_admin_url(options: argparse.Namespace) -> str:
    return options.postgres.replace("postgres://", "postgresql://", 1)


def create_postgres(options: argparse.Namespace) -> str | None:
    """A fresh database on the server, or None (and why) when it is unreachable."""
    import psycopg

    try:
        with psycopg.connect(postgres_admin_url(options), autocommit=True, connect_timeout=5) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{options.pg_database}" WITH (FORCE)')
            db.execute(f'CREATE DATABASE "{options.pg_database}"')
    except psycopg.Error as error:
        print(f"PostgreSQL skipped: {error}".strip())
        return None
    base = options.postgres.rsplit("/", 1)[0]
    return f"{base}/{options.pg_database}"


def drop_postgres(options: argparse.Namespace) -> None:
    import psycopg

    with psycopg.connect(postgres_admin_url(options), autocommit=True, connect_timeout=5) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{options.pg_database}" WITH (FORCE)')


# --- Load -------------------------------------------------------------------------------------


def request_factory(target: Target, fixtures: dict) -> Callable[[], bytes]:
    order_ids = itertools.cycle(fixtures["order_ids"])
    headers = {"Cookie": fixtures["sessions"][target.session]} if target.session else {}

    def make() -> bytes:
        path = target.path.format(order_id=next(order_ids)) if "{" in target.path else target.path
        body, extra = target.body(fixtures, REQUEST_NUMBERS.__next__) if target.body else (b"", {})
        return build_request(
            target.method, path, host=HOST, body=body, headers={**headers, **extra}
        )

    return make


def requests_for(target: Target, fixtures: dict, seconds: float) -> list[bytes]:
    """For wrk: enough distinct requests for a slice (each webhook or insert id used once)."""
    make = request_factory(target, fixtures)
    if target.body is None:
        count = len(fixtures["order_ids"]) if "{" in target.path else 1
    elif target.pays_orders:
        count = int(seconds * POOL_PER_SECOND)  # this slice's share of the pool
    else:
        count = int(seconds * 5000) + 1000  # above any rate this server reaches
    return [make() for _ in range(count)]


def measure(
    target: Target, fixtures: dict, server: "Gunicorn", seconds: float, options
) -> LoadResult:
    if WRK and not options.python_client:
        requests = requests_for(target, fixtures, seconds)
        before = server.cpu_seconds()
        result = wrk_load(
            HOST, server.port, requests, connections=options.connections, duration=seconds
        )
        result.server_cpu = server.cpu_seconds() - before
        return result
    return load(
        HOST,
        server.port,
        request_factory(target, fixtures),
        lambda code: code == 200,
        connections=options.connections,
        duration=seconds,
        max_requests=options.max_requests,
    )


def bench_target(
    target: Target, fixtures: dict, server: "Gunicorn", options: argparse.Namespace
) -> tuple[LoadResult, LoadResult] | None:
    """(target, its reference) measured in alternating slices; None when the URL is absent.

    The machine may be shared: alternating slices puts the page and its reference under the
    same background load, so their ratio holds even when absolute figures drift.
    """
    for probed in (target, target.reference):
        status, _body = probe(server.port, request_factory(probed, fixtures)())
        if status != 200:
            return None
    # Warm-up: both workers compile the templates, open their database connection and cache
    # what the page caches for each of its URLs (a confirmation is rendered on its first view,
    # then kept under the order's version): the slices compare steady states. What a first
    # view costs is in docs/performance.md.
    for warmed in (target, target.reference):
        warm_up = request_factory(warmed, fixtures)
        urls = len(fixtures["order_ids"]) if "{" in warmed.path else 1
        requests = 200 if warmed.body else max(200, 4 * urls)  # 4 each: both workers see it
        load(HOST, server.port, warm_up, connections=4, duration=5.0, max_requests=requests)
    result, reference = LoadResult(), LoadResult()
    slice_seconds = options.duration / options.rounds
    for _round in range(options.rounds):
        for outcome, measured in ((reference, target.reference), (result, target)):
            outcome.merge(measure(measured, fixtures, server, slice_seconds, options))
            server.drain()
    return result, reference


def misses(row: Row) -> str:
    result, target = row.result, row.target
    if result is None:
        return ""
    found = []
    if target.min_ratio is not None and row.ratio < target.min_ratio:
        found.append(f"ratio < {target.min_ratio:.2f}")
    if result.percentile(0.99) >= P99_GOAL_MS:
        found.append(f"p99 ≥ {P99_GOAL_MS} ms")
    if result.error_count:
        found.append("errors")
    if row.peak_rss_mb >= RSS_GOAL_MB:
        found.append(f"RSS ≥ {RSS_GOAL_MB} MB")
    return ", ".join(found) or "none"


def run_size(
    database: str, env: dict[str, str], orders: int, workdir: Path, options: argparse.Namespace
) -> list[Row]:
    print(f"\n{database}, {orders:,} orders")
    fixtures = seed(env, orders, workdir)
    server = Gunicorn(env, options.port, workdir / "gunicorn.log")
    rows = []
    try:
        for target in TARGETS:
            worker, note = None, ""
            if target.pays_orders:
                # The probe and the warm-up pay some orders too.
                pool = int(options.duration * POOL_PER_SECOND) + 400
                fixtures["pending_intents"] = seed_pool(env, pool, workdir)
                fixtures["pool_positions"] = itertools.count()
                worker = Worker(env, workdir / "worker.log")
            try:
                pair = bench_target(target, fixtures, server, options)
            finally:
                if worker is not None:
                    worker.stop()
                    pool_report = drop_pool(env, workdir)
                    delay = os.environ.get("BENCH_EMAIL_DELAY", "0.5")
                    note = (
                        f"e-mail relay {delay} s per message; {pool_report['paid']:,} orders paid, "
                        f"{pool_report['emails_sent']:,} payment e-mails sent by the worker "
                        f"during the load, {pool_report['tasks_waiting']:,} tasks still queued"
                    )
                    print(f"  {target.name}: {note}")
            rss = server.peak_rss_mb()
            if pair is None:
                note = "absent on this branch (no 200 on the first request)"
                rows.append(Row(database, orders, target, None, 0.0, rss, note))
                print(f"  {target.name}: absent")
                continue
            result, reference = pair
            ratio = result.rate / reference.rate
            cpu_ratio = reference.cpu_ms_per_request / result.cpu_ms_per_request
            rows.append(Row(database, orders, target.reference, reference, 1.0, rss, cpu_ratio=1.0))
            rows.append(
                Row(database, orders, target, result, ratio, rss, note, cpu_ratio=cpu_ratio)
            )
            print(
                f"  {target.name}: {result.rate:,.0f} req/s, p99 {result.percentile(0.99):.0f} ms, "
                f"{ratio:.2f}x its reference ({reference.rate:,.0f}); server CPU per request "
                f"{result.cpu_ms_per_request:.2f} ms against {reference.cpu_ms_per_request:.2f} "
                f"({cpu_ratio:.2f}x); errors {dict(result.errors) or 0}"
            )
    finally:
        server.stop()
    return rows


# --- Report -----------------------------------------------------------------------------------


def table(rows: list[Row], options: argparse.Namespace) -> str:
    django_version = subprocess.run(
        [PYTHON, "-c", "import django; print(django.get_version())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    lines = [
        f"### Benchmarks, {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        "",
        f"gunicorn, 2 sync workers, production settings (DEBUG=0, demo payments), "
        f"{options.connections} connections, {options.duration:g} s of load per page and its "
        f"reference, {'wrk' if WRK and not options.python_client else 'the Python client'}; "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, Django {django_version}. "
        "Each page alternates with its reference view "
        f"({options.rounds} rounds); its ratio is to the reference row just above it. RSS is the "
        "workers' peak so far (VmHWM). p99 of several slices is the worst slice's. CPU ms/req is "
        "the gunicorn workers' CPU time (user + system, /proc) per answered request: on a busy "
        "shared machine it moves far less than req/s, so its ratio is given too.",
        "",
        "| database | orders | target | req/s | x reference | CPU ms/req | x reference (CPU) "
        "| p50 ms | p99 ms | errors | peak RSS/worker MB | goals missed |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        result = row.result
        if result is None:
            lines.append(
                f"| {row.database} | {row.orders:,} | {row.target.name} "
                f"| - | - | - | - | - | - | - | - | {row.note} |"
            )
            continue
        label = f" ({row.note})" if row.note else ""
        errors = (
            ", ".join(f"{name}: {count}" for name, count in result.errors.items())
            if result.errors
            else "0"
        )
        lines.append(
            f"| {row.database} | {row.orders:,} | {row.target.name}{label} | {result.rate:,.0f} "
            f"| {row.ratio:.2f} | {result.cpu_ms_per_request:.2f} | {row.cpu_ratio:.2f} "
            f"| {result.percentile(0.5):.1f} | {result.percentile(0.99):.1f} "
            f"| {errors} | {row.peak_rss_mb:.0f} | {misses(row)} |"
        )
    scale = scale_lines(rows)
    if scale:
        lines += [
            "",
            "Growth: the ratio to the reference at the largest size over the smallest size's "
            "(goal for the desk queue and the Sanctuaire: within 20 %, i.e. ≥ 0.80).",
            "",
            *scale,
        ]
    return "\n".join(lines) + "\n"


def scale_lines(rows: list[Row]) -> list[str]:
    lines = []
    for database in dict.fromkeys(row.database for row in rows):
        measured = [r for r in rows if r.database == database and r.result]
        sizes = sorted({r.orders for r in measured})
        if len(sizes) < 2:
            continue
        for target in (t for t in TARGETS if t.name.startswith(SCALING)):
            # Ratios, not raw rates: the background load of a shared machine cancels out.
            by_size = {r.orders: r.ratio for r in measured if r.target == target}
            if sizes[0] in by_size and sizes[-1] in by_size:
                lines.append(
                    f"- {database}, {target.name}: {by_size[sizes[-1]] / by_size[sizes[0]]:.2f}"
                )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000", help="order counts, ascending")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL server URL allowed to create and drop --pg-database",
    )
    parser.add_argument(
        "--pg-database", default=os.environ.get("BENCH_PG_DATABASE", "lumira_bench")
    )
    parser.add_argument("--port", type=int, default=8016)
    parser.add_argument("--connections", type=int, default=50)
    # A shared machine's speed drifts from one second to the next: several alternations keep
    # a slow moment from deciding a row on its own. A slice must outlast the slowest answer.
    parser.add_argument(
        "--duration", type=float, default=10.0, help="seconds of load per page (and its reference)"
    )
    parser.add_argument("--rounds", type=int, default=5, help="page/reference alternations")
    parser.add_argument(
        "--python-client", action="store_true", help="the threaded Python client, not wrk"
    )
    parser.add_argument("--max-requests", type=int, default=50_000, help="per slice")
    parser.add_argument(
        "--only", default="", help="comma-separated words: load only the targets whose name has one"
    )
    options = parser.parse_args()
    sizes = sorted(int(size) for size in options.sizes.split(","))
    if options.only:
        words = [word.strip().lower() for word in options.only.split(",") if word.strip()]
        TARGETS[:] = [t for t in TARGETS if any(word in t.name.lower() for word in words)]

    workdir = Path(tempfile.mkdtemp(prefix="lumira-bench-"))
    rows: list[Row] = []
    try:
        env = base_env(workdir)
        manage(
            {**env, "DATABASE_URL": f"sqlite:///{workdir / 'collect.sqlite3'}"},
            "collectstatic",
            "--noinput",
            "--verbosity",
            "0",
        )
        for database in options.databases.split(","):
            if database == "sqlite":
                url = f"sqlite:///{workdir / 'bench.sqlite3'}"
                label = "SQLite"
            elif database == "postgres":
                url = create_postgres(options)
                label = "PostgreSQL"
                if url is None:
                    continue
            else:
                parser.error(f"unknown database {database!r}")
            db_env = {**env, "DATABASE_URL": url}
            try:
                manage(db_env, "migrate", "--noinput", "--verbosity", "0")
                for orders in sizes:
                    rows += run_size(label, db_env, orders, workdir, options)
            finally:
                if database == "postgres":
                    drop_postgres(options)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    report = table(rows, options)
    print("\n" + report)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(report)
    print(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
