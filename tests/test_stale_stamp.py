"""A build that would change events under a stamp not later than one already published is refused
(``publish.stale_stamp``): exit 1, nothing written, one message that says where the stamp comes
from, what it holds, the latest stamp published, how many events would change and how to fix it.
Previews publish nothing, so they go on, and say that build will refuse it. A build that changes
no event may have any stamp."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from confcal.cli import cli
from tests.conftest import EVENTS, OUTPUT
from tests.helpers import restamped, snapshot

# The award programme's first oral, moved by half an hour (as in the README's loop).
ORAL = 'session = "Oral 2D Privacy"\nstart = 2023-12-12T15:40:00\nend = 2023-12-12T16:40:00'
MOVED = 'session = "Oral 2D Privacy"\nstart = 2023-12-12T16:10:00\nend = 2023-12-12T17:10:00'
ORAL_UID = b"UID:neurips-2023.privacy-auditing-one-training-run.oral@confcal"

REFUSAL = (
    "events.toml:22: publish.updated: 2023-12-11T00:00:00Z is not later than 2023-12-11T00:00:00Z, the "
    "latest stamp already published in output, and the build would change 1 event (`confcal diff "
    "events.toml --published output` lists it): published under that stamp, calendar apps and "
    "changes.atom readers may miss the change; raise publish.updated to the time of this edit, later "
    "than 2023-12-11T00:00:00Z"
)


@pytest.fixture
def published(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder holding events.toml and output/, its first build (the committed one), as the
    current folder; SOURCE_DATE_EPOCH unset."""
    shutil.copyfile(EVENTS, tmp_path / "events.toml")
    shutil.copytree(OUTPUT, tmp_path / "output")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return tmp_path


def edit(folder: Path, old: str, new: str, *, updated: str | None = None) -> None:
    events = folder / "events.toml"
    text = events.read_text(encoding="utf-8")
    assert text.count(old) == 1
    text = text.replace(old, new)
    events.write_text(restamped(text, updated) if updated else text, encoding="utf-8")


def confcal(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


def oral(feed: bytes) -> bytes:
    start = feed.index(ORAL_UID)
    return feed[feed.rindex(b"BEGIN:VEVENT", 0, start) : feed.index(b"END:VEVENT", start)]


def test_a_change_under_the_published_stamp_is_refused_and_writes_nothing(published: Path) -> None:
    edit(published, ORAL, MOVED)
    before = snapshot(published / "output")
    result = confcal("build")
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        f"Error: 1 problem in the events file:\n  {REFUSAL}\n",
    )
    assert snapshot(published / "output") == before, "the folder is byte for byte as it was"
    assert sorted(path.name for path in (published / "output").iterdir() if path.name.startswith(".")) == []

    edit(published, "updated = 2023-12-11T00:00:00Z", "updated = 2023-12-12T08:00:00Z")
    built = confcal("build")
    assert (built.exit_code, built.stderr) == (0, "")
    moved = oral((published / "output" / "all.ics").read_bytes())
    assert b"SEQUENCE:1\r\n" in moved
    assert b"LAST-MODIFIED:20231212T080000Z\r\n" in moved
    assert b"DTSTAMP:20231212T080000Z\r\n" in moved


def test_an_edit_of_other_text_is_refused_too(published: Path) -> None:
    """An abstract edit changes the event's bytes but not its SEQUENCE: only a later DTSTAMP
    and LAST-MODIFIED tell an importer which copy is newer."""
    edit(published, "DP-SGD, where", "DP-SGD (differentially private SGD), where")
    before = snapshot(published / "output")
    result = confcal("build")
    assert result.exit_code == 1
    assert "publish.updated: 2023-12-11T00:00:00Z is not later than 2023-12-11T00:00:00Z" in result.stderr
    assert "Traceback" not in result.output
    assert snapshot(published / "output") == before


def test_a_stale_source_date_epoch_is_named_as_the_stamp(published: Path) -> None:
    """SOURCE_DATE_EPOCH earlier than the published stamp (2023-12-10), over a later
    publish.updated, for two changed events (a paper's oral and poster, removed): the message
    names the variable, in seconds."""
    text = (published / "events.toml").read_text(encoding="utf-8")
    start = text.index('[[papers]]\nid = "privacy-auditing-one-training-run"')
    edit(published, text[start : text.index("[[papers]]", start + 1)], "", updated="2023-12-20T00:00:00Z")
    before = snapshot(published / "output")
    result = confcal("build", env={"SOURCE_DATE_EPOCH": "1702166400"})
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        "Error: SOURCE_DATE_EPOCH: 1702166400 (2023-12-10T00:00:00Z) is not later than "
        "2023-12-11T00:00:00Z, the latest stamp already published in output, and the build would "
        "change 2 events (`confcal diff events.toml --published output` lists them): published under "
        "that stamp, calendar apps and changes.atom readers may miss the change; set SOURCE_DATE_EPOCH "
        "to the time of this edit, later than 1702252800\n",
    )
    assert snapshot(published / "output") == before
    later = confcal("build", env={"SOURCE_DATE_EPOCH": "1702285200"})  # 2023-12-11T09:00:00Z
    assert (later.exit_code, later.stderr) == (0, "")
    assert not (published / "output" / "papers" / "privacy-auditing-one-training-run.ics").exists()


def test_diff_lists_the_changes_and_says_that_build_will_refuse_them(published: Path) -> None:
    edit(published, ORAL, MOVED)
    result = confcal("diff")
    assert result.exit_code == 1
    assert result.stderr == f"warning: confcal build will refuse to publish this: {REFUSAL}\n"
    assert result.stdout.startswith('moved: privacy-auditing-one-training-run.oral "Privacy Auditing')
    edit(published, "updated = 2023-12-11T00:00:00Z", "updated = 2023-12-12T08:00:00Z")
    bumped = confcal("diff")
    assert (bumped.exit_code, bumped.stderr) == (1, "")


def test_a_build_that_changes_no_event_may_have_any_stamp(published: Path) -> None:
    """An earlier publish.updated with nothing else changed publishes nothing new: no refusal,
    and no byte changes. A first build has nothing published to be later than."""
    edit(published, "updated = 2023-12-11T00:00:00Z", "updated = 2020-01-01T00:00:00Z")
    before = snapshot(published / "output")
    result = confcal("build")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "output: 0 written, 18 unchanged (18 files)\n",
        "",
    )
    assert snapshot(published / "output") == before
    first = confcal("build", "-o", "elsewhere")
    assert (first.exit_code, first.stderr) == (0, "")


def test_a_rebuild_after_files_were_deleted_by_hand_puts_them_back(published: Path) -> None:
    """Deleting published files changes no event: the build writes them again, as they were,
    under the stamp they were published with."""
    (published / "output" / "all.ics").unlink()
    (published / "output" / "papers" / "word2vec.ics").unlink()
    result = confcal("build")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "output: 2 written, 16 unchanged (18 files)\n",
        "",
    )
    rebuilt = {name: data for name, (data, _) in snapshot(published / "output").items()}
    assert rebuilt == {name: data for name, (data, _) in snapshot(OUTPUT).items()}


def test_a_published_stamp_in_the_future_is_named_as_such(published: Path) -> None:
    """Older imports stamped the conference's first day, often ahead: "the time of this edit"
    cannot be later than that, so the message says the stamp is in the future."""
    edit(published, ORAL, MOVED, updated="2999-01-01T00:00:00Z")
    assert confcal("build").exit_code == 0  # the move is published under a stamp in the future
    edit(published, MOVED, ORAL, updated="2024-01-01T00:00:00Z")
    result = confcal("build")
    assert result.exit_code == 1
    assert result.stderr.endswith(
        "raise publish.updated to a time later than 2999-01-01T00:00:00Z, which is in the future (no edit "
        "is later than it yet)\n"
    )
