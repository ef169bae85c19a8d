"""The benchmark's code runs end to end on a tiny programme and prints its ratio table.

No timing is asserted: the figures are ratios printed for a person to read (README, Performance).
"""

from __future__ import annotations

import marshal
import re
from pathlib import Path

import pytest
import tomli

from benchmarks import bench
from benchmarks.floor import write_floor
from tests.conftest import EVENTS

ROW = re.compile(
    r"^(?P<figure>.+?)\s*\| +(?P<mine>[\d.]+, [\d.]+ s) \| +(?P<floor>[\d.]+, [\d.]+ s) \| "
    r"+(?P<user>[\d.]+)× \| +(?P<wall>[\d.]+)× \| (?P<target>≤ .+)$"
)


def test_quick_benchmark_prints_a_ratio_per_figure(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--quick", "--papers", "12", "--runs", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("figure"))
    rows = [ROW.match(line) for line in lines[start + 1 : start + 7]]
    assert all(rows), lines[start : start + 7]
    assert [row["figure"] for row in rows if row] == [
        "cold build 1× / floor",
        "no-op rebuild 1× / tomli.load",
        "edit one 1× / tomli.load",
        "check 1× / cold build 1×",
        "award rebuild / bare imports",
        "award cold build / bare imports",
    ]
    assert all(float(row["user"]) > 0 and float(row["wall"]) > 0 for row in rows if row)
    assert lines[start + 7] == ""
    assert re.match(r"1×: \d+ events, \d+ files, [\d,]+ bytes$", lines[start + 8])


def test_full_benchmark_runs_the_tenfold_rows_too(capsys: pytest.CaptureFixture[str]) -> None:
    """Without --quick: the 10x programme's cold builds and edit-one rebuilds run end to end."""
    assert bench.main(["--papers", "4", "--runs", "1"]) == 0
    out = capsys.readouterr().out
    assert "10× cold / 1× cold" in out
    assert "edit one 10× / tomli.load 10×" in out
    assert re.search(r"peak RSS of the 10× cold build: \d+ MiB", out)


def test_floor_parses_the_events_and_writes_the_files_it_is_given(tmp_path: Path) -> None:
    files = {
        "all.ics": b"BEGIN:VCALENDAR\r\n",
        "papers/a.ics": b"a",
        "papers/b.ics": b"",
        "index.html": b"<p>",
    }
    stored = tmp_path / "files.marshal"
    stored.write_bytes(marshal.dumps(files))
    assert write_floor(events=EVENTS, files=stored, output=tmp_path / "out") == 4
    assert bench.files_of(tmp_path / "out") == files
    broken = tmp_path / "broken.toml"
    broken.write_text("[conference\n", encoding="utf-8")
    with pytest.raises(tomli.TOMLDecodeError):
        write_floor(events=broken, files=stored, output=tmp_path / "again")
