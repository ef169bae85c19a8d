"""Benchmark the personal-feed service: 20-pick feeds at NeurIPS size under gunicorn with 2 workers.

    .venv/bin/python -m benchmarks.web [--requests 6000] [--clients 4]

Builds the synthetic NeurIPS-size programme (benchmarks/synth.py --papers 3540 --seed 1), starts
``gunicorn --workers 2 confcal.web:app`` on a free loopback port, and sends requests from
``--clients`` client processes, each one request at a time on a new connection (gunicorn's sync
workers close every connection). It prints requests per second and latency percentiles for:

- the floor: a static file of the output folder (one paper's calendar, from the app's cache);
- personal feeds of 20 picks, each request a different set of 20 events.

The ratio of the two is the cost of cutting a personal feed; the figures also show whether the
target of 1,000 requests per second holds on this machine. Every reply is checked (status 200,
a complete calendar holding 20 events).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.synth import programme
from confcal.build import build
from confcal.picks import pick_key

NEURIPS_PAPERS = 3540
PICKS = 20
LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")


def fetch(port: int, path: str) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def client(job: tuple[int, list[str], int]) -> list[float]:
    """Fetch every path in turn; each reply's latency in seconds."""
    port, paths, expected = job
    latencies = []
    for path in paths:
        start = time.perf_counter()
        reply = fetch(port, path)
        latencies.append(time.perf_counter() - start)
        if not reply.startswith(b"HTTP/1.1 200 ") or not reply.endswith(b"END:VCALENDAR\r\n"):
            raise SystemExit(f"bad reply to {path}: {reply[:200]!r}")
        if expected and reply.count(b"BEGIN:VEVENT\r\n") != expected:
            raise SystemExit(f"reply to {path} does not hold {expected} events")
    return latencies


def load(port: int, paths: list[str], *, clients: int, expected: int) -> tuple[float, list[float]]:
    """Requests per second and every latency, ``paths`` spread over ``clients`` processes."""
    jobs = [(port, paths[n::clients], expected) for n in range(clients)]
    with multiprocessing.Pool(clients) as pool:
        start = time.perf_counter()
        results = pool.map(client, jobs)
        elapsed = time.perf_counter() - start
    latencies = [latency for result in results for latency in result]
    return len(latencies) / elapsed, latencies


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def gunicorn_command(*, workers: int, threads: int = 1) -> list[str]:
    """gunicorn serving ``confcal.web:app`` on a port the kernel picks (read ``LISTENING`` from
    its log). ``threads`` above 1 selects gunicorn's threaded workers. The tests start it too."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind=127.0.0.1:0",
        f"--workers={workers}",
        f"--threads={threads}",
        "--no-control-socket",
        "--backlog=2048",
        "--config=python:confcal.gunicorn_config",
        "confcal.web:app",
    ]


def start_gunicorn(output: Path, *, workers: int, threads: int = 1) -> tuple[subprocess.Popen[str], int]:
    """gunicorn serving ``output``, and its port once it listens."""
    env = dict(os.environ, CONFCAL_OUTPUT=str(output))
    command = gunicorn_command(workers=workers, threads=threads)
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    for line in process.stderr:
        if match := LISTENING.search(line):
            threading.Thread(target=process.stderr.read, daemon=True).start()
            return process, int(match[1])
    raise SystemExit("gunicorn did not start")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=6000, help="requests per measurement")
    parser.add_argument("--clients", type=int, default=4, help="client processes sending requests")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    args = parser.parse_args(argv)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, {platform.platform()}"
    )
    with tempfile.TemporaryDirectory(prefix="confcal-web-bench-") as folder:
        events, output = Path(folder) / "events.toml", Path(folder) / "output"
        text = programme(NEURIPS_PAPERS, seed=1)
        events.write_text(text, encoding="utf-8")
        build(events, output)
        uids = re.findall(rb"\r\nUID:[^.\r]+\.([^@\r]+)@confcal\r\n", (output / "all.ics").read_bytes())
        event_ids = [uid.decode() for uid in uids]
        rng = random.Random(1)
        picks = [
            "/picks/" + "-".join(sorted(pick_key(e) for e in rng.sample(event_ids, PICKS))) + ".ics"
            for _ in range(args.requests)
        ]
        paper = next(iter(sorted((output / "papers").iterdir()))).name
        static = [f"/papers/{paper}"] * args.requests
        print(
            f"{len(event_ids)} events; all.ics {(output / 'all.ics').stat().st_size / 1e6:.1f} MB; "
            f"a 20-pick link is {len(picks[0])} characters after the host"
        )
        process, port = start_gunicorn(output, workers=args.workers)
        try:
            fetch(port, static[0])  # the workers have started
            load(port, static[: args.clients * 20], clients=args.clients, expected=0)
            load(port, picks[: args.clients * 20], clients=args.clients, expected=PICKS)
            floor_rate, floor_latencies = load(port, static, clients=args.clients, expected=0)
            picks_rate, picks_latencies = load(port, picks, clients=args.clients, expected=PICKS)
        finally:
            process.terminate()
            process.wait()
    print(f"gunicorn, {args.workers} sync workers; {args.clients} client processes on the same machine\n")
    print("what                      |    req/s | median ms |  p99 ms")
    for name, rate, latencies in (
        ("static file (floor)", floor_rate, floor_latencies),
        (f"personal feed, {PICKS} picks", picks_rate, picks_latencies),
    ):
        print(
            f"{name:<25} | {rate:>8.0f} | {statistics.median(latencies) * 1000:>9.2f} "
            f"| {percentile(latencies, 0.99) * 1000:>7.2f}"
        )
    print(f"\npersonal feeds / static file: {picks_rate / floor_rate:.2f} of the floor's requests per second")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
