"""confcal's build times as ratios to floors measured in the same run.

    .venv/bin/python -m benchmarks.bench            # NeurIPS size (1×) and 10×: about 10 minutes
    .venv/bin/python -m benchmarks.bench --quick    # 1× only, 3 runs: about a minute

Every figure is a separate process (`python -m confcal build`, or the floor), timed with
os.wait4: wall time, and user CPU time of the process and every child it waited for. Each
confcal figure is measured interleaved with its floor, A B A B …, and the ratio printed is the
median of the ratios of the pairs, so a machine busy with other work slows both sides of a
pair alike:

- cold build (empty output, --no-cache) / the floor (benchmarks/floor.py: parse the same
  events file with tomli and write the same bytes into the same files atomically);
- no-op rebuild, and rebuild after editing one poster board / `tomli.load` of the same file
  (a python process that only parses it);
- `confcal check` / cold build, on the same programme;
- 10× cold / 1× cold (and the peak RSS of the 10× build), and the rebuild after one edit at 10×
  / `tomli.load` of the 10× file (no target of its own: it keeps rebuild costs linear);
- the 13-event award programme (rebuilt, and built into an empty folder) /
  `python -c "import icalendar, pytz, click"`.

The programmes are benchmarks/synth.py's (`--papers 3540 --seed 1` is NeurIPS size).
"""

from __future__ import annotations

import argparse
import compileall
import itertools
import marshal
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from benchmarks.synth import programme

ROOT = Path(__file__).resolve().parent.parent
NEURIPS_PAPERS = 3540
EDIT = ('board = "#1"\n', 'board = "#1a"\n')
STAMP = "2023-12-01T00:00:00Z"  # publish.updated of benchmarks.synth's programmes


@dataclass(frozen=True)
class Sample:
    """One process: wall time and user CPU time (with its children) in seconds, peak RSS in MiB."""

    wall: float
    user: float
    rss: float


Pairs = tuple[tuple[Sample, Sample], ...]


@dataclass(frozen=True)
class Row:
    figure: str
    pairs: Pairs
    target: str

    def median(self, side: int, field: str) -> float:
        return statistics.median(float(getattr(pair[side], field)) for pair in self.pairs)

    def ratio(self, field: str) -> float:
        return statistics.median(float(getattr(a, field)) / float(getattr(b, field)) for a, b in self.pairs)


def run(command: list[str], *, env: dict[str, str], ok: tuple[int, ...] = (0,)) -> Sample:
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode not in ok:
            errors.seek(0)
            raise SystemExit(f"failed: {' '.join(command)}\n{errors.read().decode()}")
    return Sample(wall=wall, user=usage.ru_utime, rss=usage.ru_maxrss / 1024)


def interleaved(
    runs: int, a: Callable[[], Sample], b: Callable[[], Sample]
) -> tuple[tuple[Sample, Sample], ...]:
    return tuple((a(), b()) for _ in range(runs))


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def mtimes(folder: Path) -> dict[Path, int]:
    return {path: path.stat().st_mtime_ns for path in folder.rglob("*") if path.is_file()}


class Bench:
    def __init__(self, work: Path, runs: int) -> None:
        self.work = work
        self.runs = runs
        self.env = dict(os.environ, PYTHONHASHSEED="0", XDG_CACHE_HOME=str(work / "cache"))
        self.env.pop("SOURCE_DATE_EPOCH", None)
        self.notes: list[str] = []

    def confcal(self, *args: str) -> Sample:
        return run([sys.executable, "-m", "confcal", *args], env=self.env)

    def python(self, *args: str) -> Sample:
        return run([sys.executable, *args], env=self.env)

    def cold(self, events: Path, out: Path) -> Sample:
        shutil.rmtree(out, ignore_errors=True)
        return self.confcal("build", "--no-cache", str(events), "-o", str(out))

    def parse(self, events: Path) -> Sample:
        return self.python("-c", "import sys, tomli; tomli.load(open(sys.argv[1], 'rb'))", str(events))

    def programme(self, papers: int, name: str) -> tuple[Path, str]:
        events = self.work / f"{name}.toml"
        text = programme(papers, seed=1)
        events.write_text(text, encoding="utf-8")
        return events, text

    def scale_rows(self, papers: int) -> list[Row]:
        events, text = self.programme(papers, "programme")
        out, floor_out = self.work / "out", self.work / "floor"
        self.cold(events, out)
        written = files_of(out)
        files = self.work / "files.marshal"
        files.write_bytes(marshal.dumps(written))
        count = sum(text.count(f"[papers.{kind}]") for kind in ("oral", "poster", "talk"))
        self.notes.append(
            f"1×: {count} events, {len(written)} files, {sum(map(len, written.values())):,} bytes"
        )

        def floor() -> Sample:
            shutil.rmtree(floor_out, ignore_errors=True)
            return self.python("-m", "benchmarks.floor", str(events), str(files), str(floor_out))

        cold = interleaved(self.runs, lambda: self.cold(events, out), floor)
        if files_of(floor_out) != written or files_of(out) != written:
            raise SystemExit("the floor and confcal wrote different bytes")
        build = ("build", str(events), "-o", str(out))
        self.confcal(*build)  # the render cache and the record of this output
        before = mtimes(out)
        noop = interleaved(self.runs, lambda: self.confcal(*build), lambda: self.parse(events))
        if mtimes(out) != before:
            raise SystemExit("a no-op rebuild rewrote files")
        edited, edit_one = self.edit_one(text, "edited.toml", out)
        edit = interleaved(self.runs, edit_one, lambda: self.parse(edited))
        check = ("check", str(events))  # exit 1 when it finds errors: still a full run
        checks = interleaved(
            self.runs,
            lambda: run([sys.executable, "-m", "confcal", *check], env=self.env, ok=(0, 1)),
            lambda: self.cold(events, out),
        )
        return [
            Row("cold build 1× / floor", cold, "≤ 2× user, ≤ 1.2× wall"),
            Row("no-op rebuild 1× / tomli.load", noop, "≤ 1.5×"),
            Row("edit one 1× / tomli.load", edit, "≤ 2×"),
            Row("check 1× / cold build 1×", checks, "≤ 2×"),
        ]

    def edit_one(self, text: str, name: str, out: Path) -> tuple[Path, Callable[[], Sample]]:
        """An events file and a build of it after editing one poster board (from the unedited build).
        Each build is stamped a minute later than the one before: a build refuses to publish a
        change under a stamp already published."""
        edited = self.work / name
        edited_text = text.replace(*EDIT, 1)
        if edited_text == text or text.count(f"updated = {STAMP}\n") != 1:
            raise SystemExit(f"the programme has no {EDIT[0]!r} to edit, or not one publish.updated")
        minutes = itertools.count(1)

        def stamped(source: str) -> str:
            later = datetime.fromisoformat(STAMP) + timedelta(minutes=next(minutes))
            return source.replace(f"updated = {STAMP}\n", f"updated = {later:%Y-%m-%dT%H:%M:%SZ}\n")

        def measure() -> Sample:
            edited.write_text(stamped(text), encoding="utf-8")
            self.confcal("build", str(edited), "-o", str(out))  # back to the unedited build
            edited.write_text(stamped(edited_text), encoding="utf-8")
            return self.confcal("build", str(edited), "-o", str(out))

        return edited, measure

    def tenfold_rows(self, papers: int) -> list[Row]:
        one, _ = self.programme(papers, "programme")
        ten, text = self.programme(papers * 10, "programme-10x")
        out = self.work / "out"
        pairs = interleaved(self.runs, lambda: self.cold(ten, out), lambda: self.cold(one, out))
        peak = max(a.rss for a, _ in pairs)
        self.notes.append(f"peak RSS of the 10× cold build: {peak:.0f} MiB (target ≤ 800 MiB)")
        # A first build of the 10x programme (out holds the 1x one's: rebuilding over it would
        # change its events under their stamp, which a build refuses), and its render cache.
        shutil.rmtree(out, ignore_errors=True)
        self.confcal("build", str(ten), "-o", str(out))
        edited, edit_one = self.edit_one(text, "edited-10x.toml", out)
        edits = interleaved(self.runs, edit_one, lambda: self.parse(edited))
        return [
            Row("10× cold / 1× cold", pairs, "≤ 10×"),
            Row("edit one 10× / tomli.load 10×", edits, "linear: as 1×"),
        ]

    def award_rows(self) -> list[Row]:
        award = self.work / "award"
        build = ("build", str(ROOT / "events.toml"), "-o", str(award))
        self.confcal(*build)

        def imports() -> Sample:
            return self.python("-c", "import icalendar, pytz, click")

        rebuild = interleaved(self.runs, lambda: self.confcal(*build), imports)
        cold = interleaved(self.runs, lambda: self.cold(ROOT / "events.toml", award), imports)
        return [
            Row("award rebuild / bare imports", rebuild, "≤ 1.3×"),
            Row("award cold build / bare imports", cold, "≤ 1.3×"),
        ]


def table(rows: list[Row]) -> list[str]:
    lines = [
        f"{'figure':<33}| {'confcal user, wall':>18} | {'floor user, wall':>18} | "
        f"{'ratio user':>10} | {'ratio wall':>10} | target"
    ]
    for row in rows:
        mine = f"{row.median(0, 'user'):.3f}, {row.median(0, 'wall'):.3f} s"
        floor = f"{row.median(1, 'user'):.3f}, {row.median(1, 'wall'):.3f} s"
        lines.append(
            f"{row.figure:<33}| {mine:>18} | {floor:>18} | {row.ratio('user'):>9.2f}× | "
            f"{row.ratio('wall'):>9.2f}× | {row.target}"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="1× only, 3 runs unless --runs says otherwise")
    parser.add_argument("--runs", type=int, help="pairs per figure; medians are printed (default 5)")
    parser.add_argument(
        "--papers",
        type=int,
        default=NEURIPS_PAPERS,
        help="papers in the 1× programme (default: NeurIPS size)",
    )
    args = parser.parse_args(argv)
    runs = args.runs or (3 if args.quick else 5)
    # An installed package has its bytecode compiled; make the source checkout the same.
    compileall.compile_dir(ROOT / "src", quiet=1)
    compileall.compile_dir(ROOT / "benchmarks", quiet=1)
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"medians of {runs} interleaved pairs (A B A B …); every figure is a separate process\n")
    with tempfile.TemporaryDirectory(prefix="confcal-bench-") as folder:
        bench = Bench(Path(folder), runs)
        rows = bench.scale_rows(args.papers)
        if not args.quick:
            rows += bench.tenfold_rows(args.papers)
        rows += bench.award_rows()
    print("\n".join(table(rows)))
    print()
    print("\n".join(bench.notes))
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
