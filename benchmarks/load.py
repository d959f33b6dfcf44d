"""HTTP load on loopback: wrk (Debian's package) for the real figures, or a small in-process load of
threads for the smoke run. Both send GETs cycling through a list of paths for a bounded time and
report requests per second and latency percentiles in milliseconds.

Both tools only ever talk to 127.0.0.1, to the server benchmarks/run.py started itself.
"""

import http.client
import json
import math
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

WRK_SCRIPT = Path(__file__).with_name("wrk_report.lua")
WRK_INSTALL = "wrk is not installed: `apt-get install -y wrk` (Debian/Ubuntu), or run with --smoke."
LOOPBACK = "127.0.0.1"


@dataclass
class LoadResult:
    tool: str
    clients: int
    seconds: float
    requests: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    errors: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def wrk_version() -> str | None:
    if not wrk_available():
        return None
    completed = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    return (completed.stdout or completed.stderr).splitlines()[0].strip()


def run_wrk(
    *, port: int, paths: list[str], clients: int, seconds: float, headers: dict[str, str]
) -> LoadResult:
    """wrk with `clients` connections (at most 2 threads: the server needs the cores) for `seconds`."""
    if not wrk_available():
        raise RuntimeError(WRK_INSTALL)
    with tempfile.NamedTemporaryFile("w", suffix=".paths", delete=False) as file:
        file.write("\n".join(paths) + "\n")
    try:
        command = [
            "wrk",
            f"-t{min(clients, 2)}",
            f"-c{clients}",
            f"-d{max(int(round(seconds)), 1)}s",
            "--timeout",
            "10s",
            "-s",
            str(WRK_SCRIPT),
        ]
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
        command.append(f"http://{LOOPBACK}:{port}")
        completed = subprocess.run(
            command,
            capture_output=True,
            text=True,
            check=False,
            timeout=seconds + 60,
            env={"WRK_PATHS": file.name, "PATH": "/usr/bin:/bin:/usr/local/bin"},
        )
    finally:
        Path(file.name).unlink(missing_ok=True)
    line = next((line for line in completed.stdout.splitlines() if line.startswith("WRK_JSON ")), None)
    if completed.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({completed.returncode}): {completed.stderr or completed.stdout}")
    data = json.loads(line.removeprefix("WRK_JSON "))
    duration = data["duration_us"] / 1e6
    latency = data["latency_us"]
    return LoadResult(
        tool="wrk",
        clients=clients,
        seconds=round(duration, 2),
        requests=data["requests"],
        rps=round(data["requests"] / duration, 1),
        p50_ms=latency["p50"] / 1000,
        p95_ms=latency["p95"] / 1000,
        p99_ms=latency["p99"] / 1000,
        max_ms=latency["max"] / 1000,
        errors={name: count for name, count in data["errors"].items() if count},
    )


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile of sorted values."""
    if not values:
        return 0.0
    rank = math.ceil(round(fraction * len(values), 9))  # round: 0.95 * 100 is 95.00000000000001
    return values[min(max(rank, 1), len(values)) - 1]


def run_threads(
    *,
    port: int,
    paths: list[str],
    clients: int,
    seconds: float,
    headers: dict[str, str],
    max_requests: int = 5000,
) -> LoadResult:
    """A small load from threads of this process (keep-alive connections), bounded in time and count.

    For the smoke run, where wrk may be missing: the figures are indicative only, since the load
    generator shares the interpreter and the cores with nothing else but is far slower than wrk."""
    latencies: list[float] = []
    errors = {"status": 0, "connect": 0}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    counter = iter(range(max_requests))

    def client(offset: int) -> None:
        connection = http.client.HTTPConnection(LOOPBACK, port, timeout=10)
        index = offset
        try:
            while time.monotonic() < deadline and next(counter, None) is not None:
                path = paths[index % len(paths)]
                index += 1
                started = time.perf_counter()
                try:
                    connection.request("GET", path, headers=headers)
                    response = connection.getresponse()
                    response.read()
                except (OSError, http.client.HTTPException):
                    with lock:
                        errors["connect"] += 1
                    connection.close()
                    connection = http.client.HTTPConnection(LOOPBACK, port, timeout=10)
                    continue
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    if response.status >= 400:
                        errors["status"] += 1
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
                    connection = http.client.HTTPConnection(LOOPBACK, port, timeout=10)
        finally:
            connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n * 7919,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 30)
    duration = time.monotonic() - started
    latencies.sort()
    return LoadResult(
        tool="python-threads",
        clients=clients,
        seconds=round(duration, 2),
        requests=len(latencies),
        rps=round(len(latencies) / duration, 1) if duration else 0.0,
        p50_ms=round(percentile(latencies, 0.50) * 1000, 3),
        p95_ms=round(percentile(latencies, 0.95) * 1000, 3),
        p99_ms=round(percentile(latencies, 0.99) * 1000, 3),
        max_ms=round((latencies[-1] if latencies else 0.0) * 1000, 3),
        errors={name: count for name, count in errors.items() if count},
    )
