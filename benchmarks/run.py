"""`make bench`: gunicorn with the production settings under a bounded load, figures only.

For each database (a throwaway SQLite file; PostgreSQL when reachable) and each size (1,000
then 100,000 orders), it seeds the database, starts gunicorn (2 sync workers) on 127.0.0.1,
loads every target with 50 connections and prints requests/s, p50/p99 latency, errors, the
ratio to a trivial view served by the same server in the same run, and the peak RSS of the
workers. Nothing is asserted: the "misses" column names the issue #6 goals a row does not meet.

A target is one line in TARGETS. Pages behind a login name a seeded session ("expert",
"client": see benchmarks/seed.py); a target whose URL does not answer 200 on its first request
is reported as absent instead of loaded.
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

from benchmarks.loadgen import LoadResult, build_request, fetch, load  # noqa: E402

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
    min_ratio: float | None = None  # issue #6 goal, as a fraction of the trivial view
    postgres_goal_only: bool = False  # the goal is stated for PostgreSQL only


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


TRIVIAL = Target("trivial view (reference)", "/bench/trivial")
TARGETS = [
    # The yardstick: a bare project's plain 5 KB template page ran at about 0.23x.
    Target("plain 5 KB template (reference)", "/bench/template"),
    # The floor of the Sanctuaire and the desk: session, user, base.html, nothing else.
    Target("logged-in empty page (reference)", "/bench/logged-in", session="client"),
    Target("landing `/`", "/", min_ratio=0.25),
    Target("tunnel `/commande/?offer=mystique`", "/commande/?offer=mystique", min_ratio=0.25),
    Target(
        "confirmation `/confirmation/?order_id=…`",
        "/confirmation/?order_id={order_id}",
        min_ratio=0.25,
    ),
    Target("order JSON `/api/payments/order/…`", "/api/payments/order/{order_id}", min_ratio=0.35),
    Target(
        "signed webhook `POST /api/payments/webhook`",
        "/api/payments/webhook",
        method="POST",
        body=signed_webhook,
        min_ratio=0.15,
        postgres_goal_only=True,
    ),
    Target("desk queue `/desk/`", "/desk/", session="expert", min_ratio=0.15),
    Target("Sanctuaire `/sanctuaire/`", "/sanctuaire/", session="client", min_ratio=0.25),
]


@dataclass
class Row:
    database: str
    orders: int
    target: Target
    result: LoadResult | None  # None: the URL did not answer 200 (not on this branch)
    ratio: float
    peak_rss_mb: float
    note: str = ""


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
                if probe(self.port, build_request("GET", "/healthz", host=HOST))[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer /healthz in 30 s:\n{self.tail()}")

    def tail(self) -> str:
        self.log.flush()
        return "\n".join(Path(self.log.name).read_text(errors="replace").splitlines()[-20:])

    def peak_rss_mb(self) -> float:
        """The largest VmHWM among the workers this server has had (peak resident memory)."""
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                    self.workers.add(int(entry.name))
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
    numbers = itertools.count()
    headers = {"Cookie": fixtures["sessions"][target.session]} if target.session else {}

    def make() -> bytes:
        path = target.path.format(order_id=next(order_ids)) if "{" in target.path else target.path
        body, extra = target.body(fixtures, numbers.__next__) if target.body else (b"", {})
        return build_request(
            target.method, path, host=HOST, body=body, headers={**headers, **extra}
        )

    return make


def bench_target(
    target: Target, fixtures: dict, server: Gunicorn, options: argparse.Namespace
) -> tuple[LoadResult, LoadResult] | None:
    """(target, trivial view) measured in alternating slices; None when the URL is absent.

    The machine may be shared: alternating short slices puts the target and its yardstick
    under the same background load, so their ratio holds even when absolute figures drift.
    """
    make = request_factory(target, fixtures)
    trivial = request_factory(TRIVIAL, fixtures)
    status, _body = probe(server.port, make())
    if status != 200:
        return None
    # Warm-up: both workers compile templates and open their database connection.
    load(HOST, server.port, make, connections=4, duration=1.0, max_requests=200)
    result, reference = LoadResult(), LoadResult()
    slice_seconds = options.duration / options.rounds
    for _round in range(options.rounds):
        for outcome, factory, seconds in (
            (reference, trivial, slice_seconds / 2),
            (result, make, slice_seconds),
        ):
            outcome.merge(
                load(
                    HOST,
                    server.port,
                    factory,
                    lambda code: code == 200,
                    connections=options.connections,
                    duration=seconds,
                    max_requests=options.max_requests,
                )
            )
    return result, reference


def misses(row: Row) -> str:
    result, target = row.result, row.target
    if result is None:
        return ""
    found = []
    goal_applies = target.min_ratio is not None and (
        not target.postgres_goal_only or row.database == "PostgreSQL"
    )
    if goal_applies and row.ratio < target.min_ratio:
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
    references = LoadResult()
    try:
        for target in TARGETS:
            pair = bench_target(target, fixtures, server, options)
            rss = server.peak_rss_mb()
            if pair is None:
                note = "absent on this branch (no 200 on the first request)"
                rows.append(Row(database, orders, target, None, 0.0, rss, note))
                print(f"  {target.name}: absent")
                continue
            result, reference = pair
            references.merge(reference)
            rows.append(Row(database, orders, target, result, result.rate / reference.rate, rss))
            print(
                f"  {target.name}: {result.rate:,.0f} req/s, "
                f"{result.rate / reference.rate:.2f}x the trivial view ({reference.rate:,.0f})"
            )
    finally:
        server.stop()
    if references.requests:
        peak = max(row.peak_rss_mb for row in rows)
        rows.insert(0, Row(database, orders, TRIVIAL, references, 1.0, peak, "all slices"))
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
        f"{options.connections} connections, {options.duration:g} s of load per target; "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, Django {django_version}. "
        "Each target alternates with the trivial view "
        f"({options.rounds} rounds) and its ratio is to the trivial slices next to it; the "
        "trivial row sums all of them. RSS is the workers' peak so far (VmHWM).",
        "",
        "| database | orders | target | req/s | x trivial | p50 ms | p99 ms | errors "
        "| peak RSS/worker MB | goals missed |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        result = row.result
        if result is None:
            lines.append(
                f"| {row.database} | {row.orders:,} | {row.target.name} | - | - | - | - | - | - "
                f"| {row.note} |"
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
            f"| {row.ratio:.2f} | {result.percentile(0.5):.1f} | {result.percentile(0.99):.1f} "
            f"| {errors} | {row.peak_rss_mb:.0f} | {misses(row)} |"
        )
    scale = scale_lines(rows)
    if scale:
        lines += [
            "",
            "Growth: the ratio to the trivial view at the largest size over the smallest size's "
            "(the desk queue's goal: within 20 %, i.e. ≥ 0.80).",
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
        for target in TARGETS:
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
    parser.add_argument("--pg-database", default="lumira_bench")
    parser.add_argument("--port", type=int, default=8016)
    parser.add_argument("--connections", type=int, default=50)
    # A shared 2-core machine's speed drifts from one second to the next. With 5 s in 3
    # alternations, three full runs on 2026-11-22 each had a different row 0.01 under its goal,
    # which focused reruns put at 0.27-0.30: 10 s in 5 alternations keeps a slow moment from
    # deciding a row on its own.
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per target")
    parser.add_argument("--rounds", type=int, default=5, help="target/trivial alternations")
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
