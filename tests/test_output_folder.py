"""The output folder under bad conditions: files that are not ours, read-only or missing
folders, a cache that cannot be written. One line and exit 1, never a traceback; the folder
as it was or complete."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from confcal.cli import cli
from confcal.state import STATE_FILE
from tests.conftest import EVENTS, OUTPUT
from tests.helpers import snapshot

NOT_OURS = "not built by confcal (no confcal-state.json) and not empty"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(arg) for arg in args])


def remove_paper(events: Path, paper_id: str) -> None:
    text = events.read_text(encoding="utf-8")
    start = text.index(f'[[papers]]\nid = "{paper_id}"')
    end = text.find("[[papers]]", start + 1)
    events.write_text(text[:start] + (text[end:] if end > 0 else ""), encoding="utf-8")


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
