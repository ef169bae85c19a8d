"""The output folder under bad conditions: files that are not ours, read-only or missing
folders, a cache that cannot be written. One line and exit 1, never a traceback; the folder
as it was or complete."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from confcal.cli import cli
from confcal.state import STATE_FILE
from tests.conftest import EVENTS, OUTPUT
from tests.helpers import restamped, snapshot

NOT_OURS = "not built by confcal (no confcal-state.json) and not empty"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(arg) for arg in args])


def remove_paper(events: Path, paper_id: str) -> None:
    """Remove a paper from the award programme, under a later publish.updated."""
    text = events.read_text(encoding="utf-8")
    start = text.index(f'[[papers]]\nid = "{paper_id}"')
    end = text.find("[[papers]]", start + 1)
    events.write_text(restamped(text[:start] + (text[end:] if end > 0 else "")), encoding="utf-8")


# -- 1. never delete what is not ours -----------------------------------------------------


def test_first_build_refuses_a_folder_holding_other_files(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "papers").mkdir(parents=True)
    (site / "my-holidays.ics").write_text("mine")
    (site / "papers" / "notes.ics").write_text("mine too")
    before = snapshot(site)
    result = run("build", EVENTS, "-o", site)
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {site}: {NOT_OURS}: my-holidays.ics, papers/; build into an empty folder, "
        "or add --force to build here (only files confcal publishes are ever deleted)\n"
    )
    assert snapshot(site) == before


def test_feeds_whose_state_file_is_lost_are_not_renumbered_without_force(tmp_path: Path) -> None:
    """Published feeds without their state file: a build would start every SEQUENCE again, so
    it says to restore the file first, and what --force costs; nothing is written."""
    site = tmp_path / "site"
    assert run("build", EVENTS, "-o", site).exit_code == 0
    (site / "confcal-state.json").unlink()
    before = snapshot(site)
    result = run("build", EVENTS, "-o", site)
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {site}: holds published feeds (all.ics, changes.atom, changes.html, index.html, "
        "outstanding-datasets-and-benchmarks.ics and 6 more) but not confcal-state.json, the record of "
        "what they published: restore it (from version control or a backup) to keep every event's "
        "SEQUENCE and the history of changes; --force builds here anyway, starting every event again "
        "at SEQUENCE 0, and calendars that imported the feeds may keep their old copies\n"
    )
    state = site / "confcal-state.json"
    diff = run("diff", EVENTS, "--published", site)
    assert diff.exit_code == 1
    assert diff.stderr == (
        f"warning: {site} holds published feeds but not their state ({state}): every event is listed "
        "as added, and `confcal build` refuses the folder until you restore the state file (from version "
        "control or a backup), or add --force to start every SEQUENCE again from 0\n"
    )
    export = run("export", EVENTS, "--published", site, "--paper", "word2vec")
    assert export.exit_code == 0
    assert export.stderr == (
        f"warning: {site} holds published feeds but not their state ({state}): every event is exported "
        "at SEQUENCE 0, and an importer keeps a newer copy it has; restore the state file (from version "
        "control or a backup)\n"
    )
    assert snapshot(site) == before


def test_forced_build_keeps_other_files_and_deletes_only_its_own(tmp_path: Path) -> None:
    site, events = tmp_path / "site", tmp_path / "events.toml"
    shutil.copyfile(EVENTS, events)
    (site / "papers").mkdir(parents=True)
    (site / "my-holidays.ics").write_text("mine")
    (site / "papers" / "notes.ics").write_text("mine too")
    assert run("build", events, "-o", site, "--force").exit_code == 0
    assert (site / "papers" / "word2vec.ics").exists()
    remove_paper(events, "word2vec")
    result = run("build", events, "-o", site)
    assert result.exit_code == 0, result.output
    assert "1 removed" in result.output
    assert not (site / "papers" / "word2vec.ics").exists()
    assert (site / "my-holidays.ics").read_text() == "mine"
    assert (site / "papers" / "notes.ics").read_text() == "mine too"


@pytest.mark.parametrize("name", ["CNAME", "README.md", "robots.txt", "favicon.ico", ".git", ".nojekyll"])
def test_a_static_hosts_own_files_need_no_force(tmp_path: Path, name: str) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / name).write_text("x")
    assert run("build", EVENTS, "-o", site).exit_code == 0
    assert (site / name).read_text() == "x"


def test_a_state_file_without_the_published_list_prunes_the_old_way_once(tmp_path: Path) -> None:
    site, events = tmp_path / "site", tmp_path / "events.toml"
    shutil.copyfile(EVENTS, events)
    shutil.copytree(OUTPUT, site)
    state = json.loads((site / STATE_FILE).read_text(encoding="utf-8"))
    del state["published"]
    (site / STATE_FILE).write_text(json.dumps(state), encoding="utf-8")
    (site / "papers" / "stale.ics").write_text("an old build's calendar")
    (site / "notes.txt").write_text("mine")
    result = run("build", events, "-o", site)
    assert result.exit_code == 0, result.output
    assert not (site / "papers" / "stale.ics").exists()
    assert (site / "notes.txt").exists()
    assert "published" in json.loads((site / STATE_FILE).read_text(encoding="utf-8"))


# -- 5. bad conditions: one line, exit 1, the folder as before ------------------------------


@contextlib.contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[Path]:
    """A small file system of its own (root only: `mount`), so it can be filled or made read-only."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    folder.mkdir(parents=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def read_only(folder: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
    else:
        for path in [folder, *folder.rglob("*")]:
            if path.is_dir():
                path.chmod(0o555)


def writable(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        if path.is_dir():
            path.chmod(0o755)


def edited(tmp_path: Path) -> Path:
    events = tmp_path / "events.toml"
    text = EVENTS.read_text(encoding="utf-8")
    events.write_text(restamped(text.replace('board = "#1523"', 'board = "#1524"', 1)), encoding="utf-8")
    return events


def one_line_error(result: Result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.output.splitlines()
    assert len(lines) == 1, result.output
    return lines[0]


def test_read_only_output_is_one_line(tmp_path: Path) -> None:
    mounted = tmp_path / "mnt"
    with contextlib.ExitStack() as stack:
        if os.geteuid() == 0:
            stack.enter_context(tmpfs(mounted, "8m"))
        else:
            mounted.mkdir()
            stack.callback(writable, mounted)
        output = mounted / "output"
        assert run("build", EVENTS, "-o", output).exit_code == 0
        read_only(mounted)
        before = snapshot(output)
        assert run("build", EVENTS, "-o", output).exit_code == 0, "nothing to write: nothing fails"
        line = one_line_error(run("build", edited(tmp_path), "-o", output))
        if os.geteuid() == 0:  # a read-only mount
            assert line == (
                f"Error: {output}: cannot write in this folder: Read-only file system; "
                "choose a folder on a writable file system"
            )
        else:
            assert line == (
                f"Error: {output}: cannot write in this folder: Permission denied; "
                f"make {output} writable (chmod u+w {output}) or choose another folder"
            )
        assert snapshot(output) == before


def test_output_under_a_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    output = tmp_path / "notes.txt" / "site"
    line = one_line_error(run("build", EVENTS, "-o", output))
    assert line == f"Error: {output}: cannot create the folder: {tmp_path / 'notes.txt'} is a file"


def test_dangling_symlink_as_output_is_one_line(tmp_path: Path) -> None:
    output = tmp_path / "site"
    output.symlink_to(tmp_path / "gone")
    line = one_line_error(run("build", EVENTS, "-o", output))
    assert line == (
        f"Error: {output}: is a symbolic link to {tmp_path / 'gone'}, which does not exist; "
        "create that folder or remove the link"
    )
    assert not (tmp_path / "gone").exists()


def test_full_disk_fails_before_the_state_and_leaves_the_folder_as_it_was(tmp_path: Path) -> None:
    from benchmarks.synth import programme as synthetic

    events = tmp_path / "events.toml"
    text = synthetic(papers=60, seed=2)
    events.write_text(text, encoding="utf-8")
    with tmpfs(tmp_path / "disk", "4m") as disk:
        output = disk / "output"
        assert run("build", events, "-o", output, "--no-cache").exit_code == 0
        before = snapshot(output)
        filler = disk / "filler"
        with contextlib.suppress(OSError), filler.open("wb") as stream:
            while True:
                stream.write(b"\0" * 65536)
        events.write_text(
            restamped(text.replace("Poster session", "Poster Session"), "2023-12-02T00:00:00Z"), "utf-8"
        )
        line = one_line_error(run("build", events, "-o", output, "--no-cache"))
        expected = f"Error: {output}: cannot write in this folder: No space left on device"
        assert line == f"{expected}; free some space and run again"
        assert snapshot(output) == before, "no file changed, no temporary file left, the old state"
        filler.unlink()
        assert run("build", events, "-o", output, "--no-cache").exit_code == 0
        clean = tmp_path / "clean"
        shutil.copytree(tmp_path / "disk" / "output", clean, dirs_exist_ok=True)
    assert "Poster Session" in (clean / "all.ics").read_text(encoding="utf-8")


def test_an_unwritable_cache_is_a_warning_and_the_build_completes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from benchmarks.synth import programme as synthetic

    events, output = tmp_path / "events.toml", tmp_path / "output"
    events.write_text(synthetic(papers=250, seed=2), encoding="utf-8")
    (tmp_path / "cache-is-a-file").write_text("x")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-is-a-file"))
    result = CliRunner().invoke(cli, ["build", str(events), "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert "warning: render cache not saved (" in result.output
    assert "Not a directory); the build is complete" in result.output
    clean = tmp_path / "clean"
    assert run("build", events, "-o", clean, "--no-cache").exit_code == 0
    assert snapshot(output).keys() == snapshot(clean).keys()
    assert all((output / name).read_bytes() == (clean / name).read_bytes() for name in snapshot(clean))


@pytest.mark.parametrize("where", ["under-a-file", "missing-folder-under-a-file"])
def test_export_write_errors_are_one_line(tmp_path: Path, where: str) -> None:
    (tmp_path / "notes.txt").write_text("x")
    target = tmp_path / "notes.txt" / "my.ics"
    if where == "missing-folder-under-a-file":
        target = tmp_path / "notes.txt" / "deeper" / "my.ics"
    result = run("export", EVENTS, "--published", OUTPUT, "--paper", "word2vec", "-o", target)
    line = one_line_error(result)
    assert line == f"Error: cannot write {target}: {tmp_path / 'notes.txt'} is a file"


@pytest.mark.parametrize("link", ["absolute", "relative"])
def test_export_writes_through_a_symlink_and_keeps_it(tmp_path: Path, link: str) -> None:
    """As ``cp`` and a shell's ``>`` do, and as ``build -o`` writes into the folder a link leads to:
    the file the link leads to gets the new bytes (staged in its own folder, renamed over it), and
    the link stays a link."""
    (tmp_path / "synced").mkdir()
    (tmp_path / "here").mkdir()
    real = tmp_path / "synced" / "my.ics"
    real.write_bytes(b"old")
    target = tmp_path / "here" / "my.ics"
    target.symlink_to(real if link == "absolute" else Path("..") / "synced" / "my.ics")
    pointer = os.readlink(target)
    args = ("export", EVENTS, "--published", OUTPUT, "--paper", "word2vec")
    expected = run(*args).stdout_bytes
    result = run(*args, "-o", target)
    assert result.exit_code == 0, result.output
    assert target.is_symlink()
    assert os.readlink(target) == pointer
    assert real.read_bytes() == expected
    assert sorted(os.listdir(tmp_path / "here")) == ["my.ics"]
    assert sorted(os.listdir(tmp_path / "synced")) == ["my.ics"]


@pytest.mark.parametrize("link", ["dangling", "loop"])
def test_export_to_a_symlink_leading_nowhere_is_one_line(tmp_path: Path, link: str) -> None:
    target = tmp_path / "my.ics"
    if link == "dangling":
        target.symlink_to(tmp_path / "gone.ics")
        reason = f"it is a symbolic link to {tmp_path / 'gone.ics'}, which does not exist; create that file"
    else:
        target.symlink_to(tmp_path / "other.ics")
        (tmp_path / "other.ics").symlink_to(target)
        reason = (
            f"it is a symbolic link to {tmp_path / 'other.ics'}: Too many levels of symbolic links; "
            "make it point to a file"
        )
    before = sorted(os.listdir(tmp_path))
    result = run("export", EVENTS, "--published", OUTPUT, "--paper", "word2vec", "-o", target)
    assert one_line_error(result) == f"Error: cannot write {target}: {reason} or remove the link"
    assert sorted(os.listdir(tmp_path)) == before
    assert target.is_symlink()
