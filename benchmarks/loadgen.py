"""Load generators: `wrk` when it is installed, else a small threaded HTTP/1.1 client.

The threaded client costs as much CPU as the trivial view it measures and so compresses every
ratio: it is only the fallback for a machine without Debian's `wrk`.

gunicorn's sync workers answer one request per connection and then wait for the client to close
its side too (gunicorn 27 drains the socket before closing), so each request here opens a
connection, sends `Connection: close`, reads to end of stream and closes at once, as wrk does
against such a server. Blocking sockets release the GIL; on this 2-core machine threads keep up
with the server where an asyncio client did not. Latency runs from the connect to the last byte.
"""

import json
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# Builds one request's bytes; called per request so bodies can differ (unique webhook ids).
RequestFactory = Callable[[], bytes]


@dataclass
class LoadResult:
    requests: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    # wrk gives percentiles, not every latency: (requests, p50 s, p99 s) per run.
    summaries: list[tuple[int, float, float]] = field(default_factory=list)
    # CPU seconds the server's workers spent meanwhile (user + system), when the runner reads it.
    server_cpu: float = 0.0

    @property
    def cpu_ms_per_request(self) -> float:
        return self.server_cpu / self.requests * 1000 if self.requests else float("nan")

    def merge(self, other: "LoadResult") -> None:
        self.server_cpu += other.server_cpu
        self.requests += other.requests
        self.seconds += other.seconds
        self.latencies += other.latencies
        self.errors.update(other.errors)
        self.summaries += other.summaries

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, fraction: float) -> float:
        """Latency in milliseconds at `fraction` (0.5, 0.99), nearest-rank.

        From wrk's runs: the median is their mean weighted by requests, and any higher
        percentile the worst of theirs (never better than the truth).
        """
        if self.summaries:
            if fraction == 0.5:
                total = sum(count for count, _p50, _p99 in self.summaries) or 1
                return sum(count * p50 for count, p50, _p99 in self.summaries) / total * 1000
            return max(p99 for _count, _p50, p99 in self.summaries) * 1000
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        rank = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
        return ordered[rank] * 1000

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


def build_request(
    method: str,
    path: str,
    *,
    host: str,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> bytes:
    lines = [
        f"{method} {path} HTTP/1.1",
        f"Host: {host}",
        "User-Agent: lumira-bench",
        "Connection: close",
    ]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body or method in {"POST", "PUT", "PATCH"}:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def fetch(host: str, port: int, request: bytes, timeout: float = 30.0) -> tuple[int, bytes]:
    """Send one request on a new connection; (status, raw response) once the server closes."""
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    response = b"".join(chunks)
    status_line = response.split(b"\r\n", 1)[0].split(b" ", 2)
    if len(status_line) < 2 or not status_line[1].isdigit():
        raise ValueError("not an HTTP response")
    return int(status_line[1]), response


def body_of(response: bytes) -> bytes:
    return response.split(b"\r\n\r\n", 1)[-1]


def load(
    host: str,
    port: int,
    make_request: RequestFactory,
    ok: Callable[[int], bool] = lambda status: 200 <= status < 400,
    *,
    connections: int = 50,
    duration: float = 5.0,
    max_requests: int = 50_000,
    timeout: float = 10.0,
) -> LoadResult:
    """Hit one URL from `connections` threads until `duration` or `max_requests` runs out."""
    result = LoadResult()
    lock = threading.Lock()
    budget = [max_requests]
    started = time.perf_counter()
    deadline = started + duration

    def connection() -> None:
        latencies: list[float] = []
        errors: Counter = Counter()
        while time.perf_counter() < deadline:
            with lock:
                if budget[0] <= 0:
                    break
                budget[0] -= 1
                request = make_request()
            begun = time.perf_counter()
            try:
                status, _response = fetch(host, port, request, timeout)
            except TimeoutError:
                errors["timeout"] += 1
                continue
            except (OSError, ValueError) as error:
                errors[type(error).__name__] += 1
                continue
            latencies.append(time.perf_counter() - begun)
            if not ok(status):
                errors[f"HTTP {status}"] += 1
        with lock:
            result.latencies += latencies
            result.errors.update(errors)

    threads = [threading.Thread(target=connection, daemon=True) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    result.requests = len(result.latencies)
    return result


WRK = shutil.which("wrk")
WRK_SCRIPT = Path(__file__).with_name("wrk.lua")
WRK_THREADS = 2


def wrk_load(
    host: str, port: int, requests: list[bytes], *, connections: int, duration: float
) -> LoadResult:
    """`wrk` replaying `requests` (raw bytes, in turn) for `duration` seconds; only 200 is ok."""
    with tempfile.NamedTemporaryFile(prefix="lumira-wrk-", suffix=".bin") as file:
        for raw in requests:
            file.write(b"%d\n" % len(raw) + raw)
        file.flush()
        completed = subprocess.run(
            [
                WRK,
                f"-t{WRK_THREADS}",
                f"-c{connections}",
                f"-d{max(1, round(duration))}s",
                "--timeout",
                "10s",
                "-s",
                str(WRK_SCRIPT),
                f"http://{host}:{port}/",
                "--",
                file.name,
                str(WRK_THREADS),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    line = next(line for line in completed.stdout.splitlines() if line.startswith("WRK "))
    figures = json.loads(line[4:])
    result = LoadResult(requests=figures["requests"], seconds=figures["duration_us"] / 1e6)
    result.summaries.append((figures["requests"], figures["p50_us"] / 1e6, figures["p99_us"] / 1e6))
    if figures["bad"]:
        result.errors["not 200"] = figures["bad"]
    for name in ("connect", "read", "write", "timeout"):
        if figures[name]:
            result.errors[name] = figures[name]
    return result
