"""Benchmark confcal builds at 1×, 3× and 10× the size of NeurIPS 2023.

    .venv/bin/python -m benchmarks.bench [--scales 1 3 10] [--runs 3]

For each size it generates a synthetic programme (benchmarks/synth.py) and times, as separate
processes: a cold build (empty output folder, empty cache), a rebuild with nothing changed, a
rebuild after editing one event, and the straightforward approach (every file built and
serialised on its own with icalendar) on the same input. It prints medians, events per second
and peak RSS. Finally it compares the start-up cost of building the 13-event award programme with
`python -c "import icalendar, pytz, click"`.
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.synth import programme

ROOT = Path(__file__).resolve().parent.parent
NEURIPS_PAPERS = 3540


def run(command: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall time in seconds and peak RSS in MiB of one child process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(
            f"failed: {' '.join(command)}\n{process.stderr.read().decode() if process.stderr else ''}"
        )
    return elapsed, usage.ru_maxrss // 1024


def mtimes(folder: Path) -> dict[Path, int]:
    return {path: path.stat().st_mtime_ns for path in folder.rglob("*") if path.is_file()}


def median_of(runs: int, once: Callable[[], tuple[float, int]]) -> tuple[float, int]:
    results = [once() for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def bench_scale(scale: int, runs: int, work: Path) -> dict[str, float]:
    events = work / f"programme-{scale}x.toml"
    text = programme(NEURIPS_PAPERS * scale, seed=1)
    events.write_text(text, encoding="utf-8")
    count = text.count("[papers.oral]") + text.count("[papers.poster]") + text.count("[papers.talk]")
    build = [sys.executable, "-m", "confcal", "build", str(events), "-o"]
    env = dict(os.environ, PYTHONHASHSEED="0")
    env.pop("SOURCE_DATE_EPOCH", None)

    def cold() -> tuple[float, int]:
        shutil.rmtree(work / "out", ignore_errors=True)
        shutil.rmtree(work / "cache", ignore_errors=True)
        return run([*build, str(work / "out")], env | {"XDG_CACHE_HOME": str(work / "cache")})

    cold_time, cold_rss = median_of(runs, cold)
    files = sum(1 for _ in (work / "out").rglob("*") if _.is_file())
    warm_env = env | {"XDG_CACHE_HOME": str(work / "cache")}
    before = mtimes(work / "out")
    noop_time, _ = median_of(runs, lambda: run([*build, str(work / "out")], warm_env))
    untouched = mtimes(work / "out") == before

    def straightforward() -> tuple[float, int]:
        shutil.rmtree(work / "plain", ignore_errors=True)
        return run(
            [sys.executable, "-m", "benchmarks.straightforward", str(events), str(work / "plain")], env
        )

    # One run above 1×: the straightforward build takes minutes there, and its cost is not in doubt.
    plain_time, plain_rss = median_of(runs if scale == 1 else 1, straightforward)
    same = all(
        (work / "plain" / p.relative_to(work / "out")).read_bytes() == p.read_bytes()
        for p in (work / "out").rglob("*")
        if p.is_file()
    )
    edited = events.with_name(f"edited-{scale}x.toml")

    def edit_one() -> tuple[float, int]:
        shutil.copyfile(events, edited)
        run([*build, str(work / "out")], warm_env)  # the cache and output of the unedited input
        edited.write_text(text.replace('board = "#1"\n', 'board = "#1a"\n', 1), encoding="utf-8")
        return run([sys.executable, "-m", "confcal", "build", str(edited), "-o", str(work / "out")], warm_env)

    edit_time, _ = median_of(runs, edit_one)

    print(
        f"{scale:>3}× | {count:>6} | {files:>6} | {cold_time:6.2f} s | {count / cold_time:>7.0f} "
        f"| {cold_rss:>5} MiB | {noop_time:5.2f} s "
        f"{'(no file rewritten)' if untouched else '(FILES REWRITTEN)'} "
        f"| {edit_time:5.2f} s | {plain_time:6.2f} s {'same bytes' if same else 'DIFFERENT BYTES'} "
        f"| {plain_time / cold_time:4.1f}×",
        flush=True,
    )
    return {
        "cold": cold_time,
        "rss": cold_rss,
        "noop": noop_time,
        "plain": plain_time,
        "plain_rss": plain_rss,
    }


def startup(runs: int, work: Path) -> None:
    env = dict(os.environ, XDG_CACHE_HOME=str(work / "startup-cache"))
    imports = [sys.executable, "-c", "import icalendar, pytz, click"]
    build = [sys.executable, "-m", "confcal", "build", str(ROOT / "events.toml"), "-o", str(work / "award")]
    run(build, env)
    import_time, _ = median_of(runs, lambda: run(imports, env))
    build_time, _ = median_of(runs, lambda: run(build, env))
    print(
        f"\nstart-up: `confcal build` of the 13-event award programme {build_time * 1000:.0f} ms, "
        f'`python -c "import icalendar, pytz, click"` {import_time * 1000:.0f} ms: '
        f"ratio {build_time / import_time:.2f} (medians of {runs})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 3, 10], help="sizes, in NeurIPS units")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement; medians are printed")
    args = parser.parse_args(argv)
    # An installed package has its bytecode compiled; make the source checkout the same.
    compileall.compile_dir(ROOT / "src", quiet=1)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, {platform.platform()}"
    )
    print(f"medians of {args.runs} runs; each build is a separate `python -m confcal build` process\n")
    print(
        "size | events |  files |  cold build | events/s | peak RSS | no-op rebuild | edit one | "
        "straightforward | speed-up"
    )
    with tempfile.TemporaryDirectory(prefix="confcal-bench-") as folder:
        results = {scale: bench_scale(scale, args.runs, Path(folder)) for scale in args.scales}
        if 1 in results and 10 in results:
            print(f"\n10× cold build / 1× cold build: {results[10]['cold'] / results[1]['cold']:.1f}")
        startup(max(args.runs, 10), Path(folder))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
