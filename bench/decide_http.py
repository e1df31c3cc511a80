"""Benchmark: decisions over HTTP, on loopback, with ``wrk`` as the load.

Uses the workspace ``bench/decide_bench.py`` builds (200 actions, 1 million customers in
SQLite; run it first). Starts ``cortesia serve`` with the workers asked, issues a key with
the ``decide`` scope, and drives ``POST /v1/decisions`` with ``wrk`` (Debian package
``wrk``): random customers among those with an opt-in, random channels, the instant fixed
in the body. wrk runs on the same two cores as the service, so it takes its share.

Besides wrk's rate and latencies it prints the service's CPU time a request (user and
system, every process of the service): one worker's ceiling is 1,000 ms over that figure,
and it tells the service's own cost apart from wrk's share of the cores. It still moves
with the host (on a shared virtual machine, by ±15 % between runs of the same code).

    .venv/bin/python bench/decide_http.py [--workers 1] [--connections 16] [--seconds 20]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from decide_bench import AT, OUT, WORKSPACE, open_engine

HERE = Path(__file__).resolve().parent
PORT = 8765
SCRIPT = """
math.randomseed(7)
local ids = {{}}
for line in io.lines("{ids}") do ids[#ids + 1] = line end
local channels = {{"sms", "email", "push", "in_app"}}
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {key}"
request = function()
  local body = string.format('{{"customer":"%s","channel":"%s","at":"{at}"}}',
    ids[math.random(#ids)], channels[math.random(4)])
  return wrk.format(nil, "/v1/decisions", nil, body)
end
"""


def prepare(customers: int) -> tuple[str, Path]:
    """A fresh decide key and the ids file; decisions and contacts of earlier runs go."""
    engine, fresh = open_engine("sqlite", rebuild=False)
    if fresh:
        sys.exit("run bench/decide_bench.py first: it builds the workspace")
    key = engine.access.create(["decide"], "bench").secret
    engine.close()
    rng = random.Random(5)
    asked = sorted({f"C{rng.randrange(customers):08d}" for _ in range(20_000)})
    ids = OUT / "decide_ids.txt"
    ids.write_text("\n".join(asked) + "\n", encoding="utf-8")
    return key, ids


def start(workers: int, pin: bool) -> subprocess.Popen[bytes]:
    env = dict(os.environ, CORTESIA_WORKSPACE_DIR=str(WORKSPACE))
    env["CORTESIA_DATABASE_URL"] = f"sqlite:///{WORKSPACE / 'cortesia.db'}"
    command = [str(Path(sys.executable).with_name("cortesia")), "serve", "--port", str(PORT)]
    # --pin: one worker on core 1, wrk on core 0, so neither takes the other's time.
    pinned = ["taskset", "-c", "1"] if pin else []
    server = subprocess.Popen(
        [*pinned, *command, "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit("the service did not start")


def cpu_seconds(root: int) -> tuple[float, float]:
    """User and system CPU seconds of process ``root`` and every descendant (Linux /proc)."""
    parents: dict[int, int] = {}
    spent: dict[int, tuple[float, float]] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:  # the process ended meanwhile
            continue
        parents[int(entry.name)] = int(fields[1])
        spent[int(entry.name)] = (int(fields[11]) / tick, int(fields[12]) / tick)
    user = system = 0.0
    for pid, (in_user, in_system) in spent.items():
        ancestor = pid
        while ancestor not in (root, 0, 1) and ancestor in parents:
            ancestor = parents[ancestor]
        if ancestor == root:
            user, system = user + in_user, system + in_system
    return user, system


def run_wrk(script: Path, connections: int, seconds: int, pin: bool) -> str:
    command = ["taskset", "-c", "0"] if pin else []
    command += ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script)]
    command.append(f"http://127.0.0.1:{PORT}")
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def requests_of(report: str) -> int:
    done = re.search(r"(\d+) requests in", report)
    return int(done.group(1)) if done else 0


def per_request(before: tuple[float, float], after: tuple[float, float], report: str) -> str:
    """The service's CPU milliseconds a request, user + system."""
    done = max(requests_of(report), 1)
    user, system = ((b - a) * 1000 / done for a, b in zip(before, after, strict=True))
    return f"{user + system:.3f} ms (user {user:.3f} + system {system:.3f})"


def summary(report: str) -> str:
    rate = re.search(r"Requests/sec:\s+([\d.]+)", report)
    cuts = dict(re.findall(r"\s(50|90|99)%\s+([\d.]+\w+)", report))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", report)
    return (
        f"{float(rate.group(1)) if rate else 0:,.0f} decisions/s, p50 {cuts.get('50')}, "
        f"p90 {cuts.get('90')}, p99 {cuts.get('99')}, non-2xx {errors.group(1) if errors else 0}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--pin", action="store_true", help="one worker on core 1, wrk on 0")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (apt-get install wrk)")
    key, ids = prepare(args.customers)
    script = OUT / "decide.lua"
    script.write_text(SCRIPT.format(ids=ids, key=key, at=AT.isoformat()), encoding="utf-8")
    server = start(args.workers, args.pin)
    try:
        run_wrk(script, args.connections, 3, args.pin)  # warm-up: caches, catalog
        before = cpu_seconds(server.pid)
        report = run_wrk(script, args.connections, args.seconds, args.pin)
        after = cpu_seconds(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(report)
    print(
        f"{args.workers} worker(s), {args.connections} connections, {args.seconds} s: "
        f"{summary(report)}; service CPU a request {per_request(before, after, report)}; "
        f"load average after: {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
