"""The committed output/ is a fresh build; builds are reproducible and write only what changed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from confcal.build import build, preview
from confcal.settings import BuildOptions
from tests.conftest import EVENTS, OUTPUT, ROOT
from tests.helpers import restamped, snapshot


def files(folder: Path) -> dict[str, bytes]:
    return {path: data for path, (data, _) in snapshot(folder).items()}


def test_committed_output_equals_a_fresh_build(tmp_path: Path) -> None:
    """If this fails after a reviewed change to events.toml or the code: run `make build`."""
    build(EVENTS, tmp_path / "output")
    assert files(tmp_path / "output") == files(OUTPUT)


def run_build(output: Path, **env: str) -> None:
    environment = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"} | env
    subprocess.run(
        [sys.executable, "-m", "confcal", "build", str(EVENTS), "-o", str(output)],
        check=True,
        env=environment,
        cwd=ROOT,
        capture_output=True,
    )


def test_byte_identical_across_processes_and_hash_seeds(tmp_path: Path) -> None:
    run_build(tmp_path / "a", PYTHONHASHSEED="1", TZ="Asia/Tokyo")
    run_build(tmp_path / "b", PYTHONHASHSEED="2", TZ="America/Los_Angeles")
    assert files(tmp_path / "a") == files(tmp_path / "b")
    assert files(tmp_path / "a")


def test_source_date_epoch_sets_dtstamp(tmp_path: Path) -> None:
    run_build(tmp_path / "out", SOURCE_DATE_EPOCH="1702300000")  # 2023-12-11T13:06:40Z
    data = (tmp_path / "out" / "all.ics").read_bytes()
    assert data.count(b"DTSTAMP:20231211T130640Z\r\n") == data.count(b"BEGIN:VEVENT") == 13
    assert b"DTSTAMP:20231211T000000Z" not in data


def test_rebuild_rewrites_nothing_when_nothing_changed(tmp_path: Path) -> None:
    output = tmp_path / "output"
    first = build(EVENTS, output).report
    before = snapshot(output)
    second = build(EVENTS, output).report
    assert second.written == ()
    assert sorted(second.unchanged) == sorted(first.written)
    assert snapshot(output) == before


def test_an_edit_rewrites_exactly_the_files_that_hold_the_event(events_copy: Path, tmp_path: Path) -> None:
    output = tmp_path / "output"
    build(events_copy, output)
    text = events_copy.read_text(encoding="utf-8")
    events_copy.write_text(restamped(text.replace('board = "#105"', 'board = "#106"')), encoding="utf-8")
    report = build(events_copy, output).report
    holding = sorted(p for p in files(output) if b"neurips-2023.climsim.poster@confcal" in files(output)[p])
    # The page and the schedules list the board too; the state file records every published slot;
    # the change is a release on the changes page and in its feed.
    changes = ["changes.atom", "changes.html"]
    schedules = ["schedule.json", "schedule.xml"]
    assert sorted(report.written) == sorted(
        {*holding, *changes, *schedules, "confcal-state.json", "index.html"}
    )
    assert "papers/climsim.ics" in holding
    assert "all.ics" in holding
    assert "outstanding-datasets-and-benchmarks.ics" in holding
    assert "test-of-time.ics" not in holding


def test_writes_are_atomic_and_leave_no_temporary_files(tmp_path: Path) -> None:
    build(EVENTS, tmp_path / "output")
    leftovers = [p.name for p in (tmp_path / "output").rglob("*") if p.name.startswith(".")]
    assert leftovers == []


def test_output_is_created_but_other_files_in_it_are_left_alone(tmp_path: Path) -> None:
    output = tmp_path / "deep" / "output"
    output.mkdir(parents=True)
    (output / "CNAME").write_text("example.org\n")
    build(EVENTS, output)
    assert (output / "CNAME").read_text() == "example.org\n"
    assert (output / "all.ics").exists()


@pytest.mark.parametrize("relative", ["../escape.ics", "/etc/passwd", "a/../../b.ics", "", "papers/.."])
def test_write_refuses_paths_outside_the_output_folder(tmp_path: Path, relative: str) -> None:
    from confcal.write import UnsafePathError, write_files

    with pytest.raises(UnsafePathError):
        write_files(tmp_path / "out", {"ok.ics": b"x", relative: b"y"})
    assert not (tmp_path / "out").exists(), "nothing is written when any path is unsafe"


def test_make_build_target_matches_the_readme() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "confcal build events.toml -o output" in makefile
    assert shutil.which("make") is not None


def test_a_removed_paper_leaves_no_stale_calendar(events_copy: Path, tmp_path: Path) -> None:
    output = tmp_path / "output"
    build(events_copy, output)
    (output / "notes.txt").write_text("not ours\n")
    text = events_copy.read_text(encoding="utf-8")
    start = text.index('[[papers]]\nid = "climsim"')
    end = text.index("[[papers]]", start + 1)
    events_copy.write_text(restamped(text[:start] + text[end:]), encoding="utf-8")
    report = build(events_copy, output).report
    assert report.removed == ("papers/climsim.ics",)
    assert not (output / "papers" / "climsim.ics").exists()
    assert (output / "notes.txt").read_text() == "not ours\n", "only files the build owns are pruned"
    fresh = tmp_path / "fresh"
    build(events_copy, fresh)
    assert sorted(files(fresh)) == sorted(p for p in files(output) if p != "notes.txt")


def test_preview_is_what_build_writes_and_writes_nothing(events_copy: Path, tmp_path: Path) -> None:
    """diff and serve go through preview: the same files, the same options, nothing written."""
    output = tmp_path / "output"
    options = BuildOptions(alarm=timedelta(minutes=15), base_url="https://example.org/conf/")
    planned = preview(events_copy, output, options)
    assert not output.exists()
    assert planned.changed == tuple(sorted(planned.files))
    assert planned.removed == ()
    built = build(events_copy, output, options)
    assert files(output) == planned.files
    assert sorted(built.report.written) == sorted(planned.files)
    again = preview(events_copy, output, options)
    assert (again.changed, again.removed, again.files) == ((), (), planned.files)
    text = events_copy.read_text(encoding="utf-8")
    start = text.index('[[papers]]\nid = "climsim"')
    events_copy.write_text(
        restamped(text[:start] + text[text.index("[[papers]]", start + 1) :]), encoding="utf-8"
    )
    edited = preview(events_copy, output, BuildOptions(base_url="https://example.org/conf/"))
    assert "papers/climsim.ics" in edited.removed
    assert "reminders/all.ics" in edited.files, "the published reminders variant is kept in step"
    assert build(events_copy, output, BuildOptions(base_url="https://example.org/conf/")).report.removed == (
        edited.removed
    )


def test_a_build_never_holds_every_file_it_writes(tmp_path: Path) -> None:
    """Each file is staged as it is rendered and its bytes let go (build.Rendering, write.write_stream):
    beyond what loading and revising the programme takes, a build's peak memory is well under
    the bytes it writes. Holding every file at once, it was 1.3 times them."""
    import gc
    import tracemalloc

    from benchmarks.synth import programme as synthetic
    from confcal.load import load
    from confcal.revisions import revise_published

    events = tmp_path / "synthetic.toml"
    events.write_text(synthetic(papers=300, seed=2), encoding="utf-8")
    gc.disable()  # as `confcal build` runs (publish.py)
    tracemalloc.start()
    try:
        revise_published(load(events), None)
        _, revised_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        build(events, tmp_path / "output")
        _, build_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        gc.enable()
    written = sum(len(data) for data in files(tmp_path / "output").values())
    assert written > 1_000_000
    ratio = (build_peak - revised_peak) / written
    assert ratio < 0.9


def test_a_build_warns_of_double_bookings_once_per_kind_and_publishes_them(
    events_copy: Path, tmp_path: Path
) -> None:
    """Organizers often publish without `confcal check`: `build` names the first double-booking
    of each kind (a room, a poster board), says how many more, and writes the feeds as they are;
    an up-to-date rebuild says it again."""
    from click.testing import CliRunner

    from confcal.check import check
    from confcal.cli import cli
    from confcal.load import load

    text = events_copy.read_text(encoding="utf-8")
    edits = [  # into Hall C2 (Level 1) with the scaling oral, and with the emergent-abilities oral
        ('room = "RO6-RO9"\nlevel = "Level 2"', 'room = "Hall C2"\nlevel = "Level 1"'),  # privacy
        ('room = "Ballroom A-C"\nlevel = "Level 2"', 'room = "Hall C2"\nlevel = "Level 1"'),  # DPO
        ('board = "#813"', 'board = "#1523"'),  # the scaling poster, at the privacy poster's board
    ]
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
    events_copy.write_text(text, encoding="utf-8")
    findings = check(load(events_copy))
    rooms = [f for f in findings if f.code == "room-double-booked"]
    (board,) = [f for f in findings if f.code == "board-double-booked"]
    assert len(rooms) == 2

    output = tmp_path / "output"
    for _ in range(2):
        result = CliRunner().invoke(cli, ["build", str(events_copy), "-o", str(output)])
        assert result.exit_code == 0, result.output
        assert result.stderr.splitlines() == [  # in the order check lists them
            f"warning: {board}; `confcal check` says where in the file",
            f"warning: {rooms[0]}; 1 more like it: "
            "`confcal check` lists them all with their lines in the file",
        ]
    assert str(rooms[0]).startswith("room-double-booked: Hall C2 (Level 1) holds two events at once: ")
    assert str(board).startswith("board-double-booked: Poster board #1523 holds two events at once: ")
    all_ics = (output / "all.ics").read_bytes()
    assert all_ics.count(b"BEGIN:VEVENT") == 13
    assert all_ics.count(b"LOCATION:Hall C2 (Level 1)\\, Ernest N. Morial Convention Center") == 4


def test_a_calendar_that_stops_being_published_with_subscribers_is_warned_of(tmp_path: Path) -> None:
    """A category renamed, or an item moved from [[papers]] to [[items]], takes its calendar's
    address away: subscribers keep their last copy and never see a later change. `diff` warns
    before, `build` when it deletes it. A removed item's own calendar goes with it, unwarned."""
    from click.testing import CliRunner

    from confcal.cli import cli

    workshop = (ROOT / "tests" / "programmes" / "workshop.toml").read_text(encoding="utf-8")
    events, output = tmp_path / "events.toml", tmp_path / "output"
    events.write_text(workshop, encoding="utf-8")
    assert CliRunner().invoke(cli, ["build", str(events), "-o", str(output)]).exit_code == 0
    renamed = workshop.replace('"best-paper"', '"best-papers"')
    assert renamed.count('"best-papers"') == 2
    start = renamed.index('[[papers]]\nid = "sparse-routing"')
    end = renamed.index("\n[[", start + 1)
    block = renamed[start:end].replace("[[papers]]", "[[items]]").replace("[papers.", "[items.")
    moved = renamed[:start] + block + renamed[end:]
    events.write_text(moved, encoding="utf-8")
    warnings = [
        "warning: best-paper.ics is no longer published (its category or [[feeds]] id was removed or "
        "renamed): calendars subscribed to it keep their last copy and never see a later change; "
        "keep the old id if it was renamed",
        "warning: papers/sparse-routing.ics is no longer published (the item moved to [[items]], so "
        "its calendar is items/sparse-routing.ics): calendars subscribed to it keep their last copy "
        "and never see a later change; list it under [[papers]] again to keep its address",
    ]
    diff = CliRunner().invoke(cli, ["diff", str(events), "--published", str(output)])
    assert diff.exit_code == 1, diff.output
    assert diff.stderr.splitlines() == warnings
    built = CliRunner().invoke(cli, ["build", str(events), "-o", str(output)])
    assert built.exit_code == 0, built.output
    assert built.stderr.splitlines() == warnings
    assert (output / "items" / "sparse-routing.ics").exists()
    start = moved.index('[[items]]\nid = "federated-eval"')
    removed_item = moved[:start] + moved[moved.index("\n[[", start + 1) + 1 :]
    events.write_text(restamped(removed_item, "2026-10-02T00:00:00Z"), encoding="utf-8")
    removed = CliRunner().invoke(cli, ["build", str(events), "-o", str(output)])
    assert removed.exit_code == 0, removed.output
    assert "items/federated-eval.ics" not in removed.stderr
    assert not (output / "items" / "federated-eval.ics").exists()
