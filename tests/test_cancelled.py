"""A cancelled event, as attendees see it: struck through and marked on the page and in the
agenda, left out of the counts, never offered as something to add to a calendar."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner

from confcal.cli import cli
from confcal.load import parse
from tests.helpers import Project, plan
from tests.small_programme import events_file, slot

CANCELLED = 'room = "R1"\nstatus = "cancelled"'
ROOT = Path(__file__).resolve().parent.parent
TEXT = events_file(
    slot("oral", "2024-06-04T10:00:00", "2024-06-04T11:00:00", place=CANCELLED)
    + slot("poster", "2024-06-04T17:00:00", "2024-06-04T19:00:00", place='board = "A4"'),
    slot("oral", "2024-06-05T10:00:00", "2024-06-05T11:00:00", place=CANCELLED),
)


def page() -> str:
    return plan(parse(TEXT.encode(), name="events.toml"))["index.html"].decode()


def items(html: str) -> list[str]:
    return re.findall(r'<li class="event[^"]*" id="[^"]*"[^>]*>.*?</li>', html)


def test_a_cancelled_event_is_struck_through_and_marked_on_the_page() -> None:
    oral_a, poster_a, oral_b = items(page())
    assert oral_a.startswith('<li class="event cancelled" id="a.oral"')
    assert '<p class="when"><strong>Cancelled</strong> · <s><time' in oral_a
    assert "Pick</button>" not in oral_a
    assert "Pick</button>" in poster_a
    assert "<h4><s>Paper A</s></h4>" in oral_a
    assert "<strong>Cancelled</strong>" not in poster_a
    assert "<h4>Paper A</h4>" in poster_a
    assert "<strong>Cancelled</strong>" in oral_b


def test_a_cancelled_event_is_not_offered_for_a_calendar() -> None:
    oral_a, poster_a, oral_b = items(page())
    assert "href" not in oral_a
    assert "href" not in oral_b  # paper B has nothing left to attend
    assert "Add this paper (its poster) to your calendar" in poster_a  # not "its oral and its poster"


def test_feed_counts_leave_cancelled_events_out() -> None:
    counts = re.findall(r'<p class="muted">(\d+ events?[^<]*)</p>', page())
    assert counts == ["1 event (and 2 cancelled)", "1 event (and 2 cancelled)"]  # all.ics, main.ics


def test_the_agenda_marks_a_cancelled_event(tmp_path: Path) -> None:
    events = tmp_path / "events.toml"
    events.write_text(TEXT)
    plain = CliRunner().invoke(cli, ["agenda", str(events)]).output
    rows = [line for line in plain.splitlines() if line.startswith("  ")]
    assert [("Cancelled: " in row) for row in rows] == [True, False, True]
    assert "Cancelled: Paper A" in rows[0]
    coloured = CliRunner().invoke(cli, ["agenda", str(events)], color=True).output
    assert "\x1b[9m" in coloured  # struck through on a terminal


# -- kept cancellations: published events the events file dropped ------------------------

WORD2VEC = "Distributed Representations of Words and Phrases and their Compositionality"


def kept_cancellation(tmp_path: Path, *, output: str = "output") -> Project:
    """The award programme published with keep_cancelled, then built without the word2vec item."""
    shutil.copy(ROOT / "events.toml", tmp_path / "events.toml")
    project = Project(events=tmp_path / "events.toml", output=tmp_path / output)
    project.edit('refresh_interval = "PT12H"\n', 'refresh_interval = "PT12H"\nkeep_cancelled = true\n')
    project.build()
    text = project.events.read_text(encoding="utf-8")
    project.events.write_text(text[: text.index('[[papers]]\nid = "word2vec"')], encoding="utf-8")
    project.build(stamp=datetime(2023, 12, 12, 8, tzinfo=UTC))
    return project


def agenda_rows(*args: str) -> list[str]:
    result = CliRunner().invoke(cli, ["agenda", *args])
    assert result.exit_code == 0, result.output
    return [line for line in result.output.splitlines() if line.startswith("  ")]


def test_the_agenda_shows_a_kept_cancellation_as_the_page_and_feeds_do(tmp_path: Path) -> None:
    project = kept_cancellation(tmp_path)
    assert "STATUS:CANCELLED" in project.text("papers/word2vec.ics")
    (item,) = (i for i in items(project.text("index.html")) if 'id="word2vec.talk"' in i)
    assert "<strong>Cancelled</strong>" in item
    rows = agenda_rows(str(project.events), "--day", "2023-12-12")
    (talk,) = (row for row in rows if WORD2VEC in row)
    assert talk.split()[:3] == ["15:05–15:25", "CST", "Talk"]
    assert f"Cancelled: {WORD2VEC}" in talk
    assert [WORD2VEC in row for row in agenda_rows(str(project.events), "--paper", "word2vec")] == [True]


def test_the_agenda_reads_kept_cancellations_from_the_published_folder(tmp_path: Path) -> None:
    project = kept_cancellation(tmp_path, output="site")
    assert not any(WORD2VEC in row for row in agenda_rows(str(project.events)))  # no output/ here
    rows = agenda_rows(str(project.events), "--published", str(project.output))
    assert [row for row in rows if WORD2VEC in row] != []


def test_without_keep_cancelled_the_agenda_leaves_a_dropped_event_out(tmp_path: Path) -> None:
    project = kept_cancellation(tmp_path)
    project.edit("keep_cancelled = true\n", "")
    assert not any(WORD2VEC in row for row in agenda_rows(str(project.events)))


def test_the_agenda_refuses_the_state_file_of_another_conference(tmp_path: Path) -> None:
    """A workshop's events file beside the award's published feeds: their kept cancellations are
    not the workshop's events. Refused as export refuses it (exit 1), not shown as cancelled."""
    project = kept_cancellation(tmp_path)
    workshop = tmp_path / "workshop.toml"
    workshop.write_text(TEXT.replace("[publish]\n", "[publish]\nkeep_cancelled = true\n"), encoding="utf-8")
    line = workshop.read_text(encoding="utf-8").splitlines().index('id = "conf"') + 1
    refusal = (
        f"Error: 1 problem in the events file:\n  {workshop}:{line}: conference.id: 'conf', but the feeds "
        f"in {project.output} were published for the conference id 'neurips-2023'"
    )
    for command in ("agenda", "export"):
        result = CliRunner().invoke(cli, [command, str(workshop)])
        assert result.exit_code == 1, result.output
        assert result.output.startswith(refusal), result.output
        assert WORD2VEC not in result.output
    without = CliRunner().invoke(cli, ["agenda", str(workshop), "--published", str(tmp_path / "elsewhere")])
    assert without.exit_code == 0, without.output
    assert WORD2VEC not in without.output


def test_the_agenda_warns_as_export_does_without_a_published_state(tmp_path: Path) -> None:
    project = kept_cancellation(tmp_path)
    missing = tmp_path / "nonexistent"
    result = CliRunner().invoke(cli, ["agenda", str(project.events), "--published", str(missing)])
    assert result.exit_code == 0
    assert result.stderr == (
        f"warning: no published state ({missing / 'confcal-state.json'}): with keep_cancelled, the agenda "
        "shows the events the published feeds keep as cancelled, and none is shown; if the feeds were "
        "published, give their folder with --published\n"
    )
    exported = CliRunner().invoke(cli, ["export", str(project.events), "--published", str(missing)])
    assert exported.stderr.startswith(f"warning: no published state ({missing / 'confcal-state.json'}): ")
    (project.output / "confcal-state.json").unlink()
    lost = CliRunner().invoke(cli, ["agenda", str(project.events)]).stderr
    assert lost.startswith(f"warning: {project.output} holds published feeds but not their state ")


def test_agenda_and_export_take_keep_cancelled_as_build_does(tmp_path: Path) -> None:
    """Feeds built with `build --keep-cancelled` (not the setting): agenda and export show what
    they keep when given the option too, as diff does."""
    project = kept_cancellation(tmp_path)
    project.edit("keep_cancelled = true\n", "")
    project.build("--keep-cancelled", stamp=datetime(2023, 12, 12, 8, tzinfo=UTC))
    assert "STATUS:CANCELLED" in project.text("papers/word2vec.ics")
    assert not any(WORD2VEC in row for row in agenda_rows(str(project.events)))
    (row,) = (row for row in agenda_rows(str(project.events), "--keep-cancelled") if WORD2VEC in row)
    assert f"Cancelled: {WORD2VEC}" in row
    export = ["export", str(project.events), "--paper", "word2vec"]
    assert CliRunner().invoke(cli, export).exit_code == 2, "no such paper without the option"
    mine = tmp_path / "my.ics"
    exported = CliRunner().invoke(cli, [*export, "--keep-cancelled", "-o", str(mine)])
    assert exported.exit_code == 0, exported.output
    published = (project.output / "papers/word2vec.ics").read_bytes()
    vevent = published[published.index(b"BEGIN:VEVENT") : published.index(b"END:VEVENT")]
    assert b"STATUS:CANCELLED" in vevent
    assert vevent in mine.read_bytes(), "the event as the feeds keep it"
