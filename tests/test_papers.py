"""papers/<paper-id>.ics: exactly that paper's events, the same UIDs and bytes as in the feeds."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from ical.calendar import Calendar
from ical.calendar_stream import IcsCalendarStream

from confcal.load import load
from tests.helpers import plan

ROOT = Path(__file__).resolve().parent.parent
EVENTS = ROOT / "events.toml"
VEVENT = re.compile(rb"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", re.DOTALL)
UID = re.compile(rb"\r\nUID:(.*?)\r\n")


def parse(data: bytes) -> Calendar:
    return IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))


def blocks_by_uid(data: bytes) -> dict[bytes, bytes]:
    blocks = VEVENT.findall(data)
    by_uid = {}
    for block in blocks:
        match = UID.search(block)
        assert match, block
        by_uid[match.group(1)] = block
    assert len(by_uid) == len(blocks), "UIDs are unique within a file"
    return by_uid


def test_every_paper_has_a_file_with_exactly_its_events_and_the_feed_uids() -> None:
    programme = load(EVENTS)
    files = plan(programme)
    overall = parse(files["all.ics"])
    overall_events = {event.uid: event for event in overall.events}
    paper_files = {path: data for path, data in files.items() if path.startswith("papers/")}
    assert sorted(paper_files) == sorted(f"papers/{paper.id}.ics" for paper in programme.papers)

    seen: list[str] = []
    for paper in programme.papers:
        calendar = parse(files[f"papers/{paper.id}.ics"])
        assert calendar.events, paper.id
        kinds = {kind for kind in ("oral", "poster", "talk") if kind in paper_slots(paper.id)}
        assert len(calendar.events) == len(kinds)
        for event in calendar.events:
            assert event.uid in overall_events, f"{paper.id}: {event.uid} is not in all.ics"
            twin = overall_events[event.uid]
            assert event.summary == twin.summary
            assert paper.title in str(event.summary)
            assert (event.dtstart, event.dtend) == (twin.dtstart, twin.dtend)
            seen.append(str(event.uid))
        name = calendar_name(files[f"papers/{paper.id}.ics"])
        assert name == f"{programme.conference.name}: {paper.title}"
    assert sorted(seen) == sorted(overall_events), "every event is in exactly one paper file"


def paper_slots(paper_id: str) -> set[str]:
    """The slot tables the events file gives a paper, read with a plain TOML parser."""
    document = tomllib.loads(EVENTS.read_text(encoding="utf-8"))
    (table,) = (p for p in document["papers"] if p["id"] == paper_id)
    return {key for key in ("oral", "poster", "talk") if key in table}


def calendar_name(data: bytes) -> str:
    """NAME as the ical package reads it (a list of the values given)."""
    names = parse(data).name
    assert isinstance(names, list)
    assert len(names) == 1
    return str(names[0])


def test_paper_files_reuse_the_feed_event_blocks_byte_for_byte() -> None:
    files = plan(load(EVENTS))
    overall = blocks_by_uid(files["all.ics"])
    for path, data in files.items():
        if path.startswith("papers/"):
            for uid, block in blocks_by_uid(data).items():
                assert overall[uid] == block, (path, uid)


def test_the_test_of_time_talk_has_its_own_file() -> None:
    programme = load(EVENTS)
    talks = [event for event in programme.events if event.kind == "talk"]
    assert talks
    files = plan(programme)
    for talk in talks:
        calendar = parse(files[f"papers/{talk.paper}.ics"])
        assert [event.summary for event in calendar.events] == [
            f"{talk.session}: {programme.paper(talk.paper).title}"
        ]


def test_committed_paper_files_are_a_fresh_build() -> None:
    files = plan(load(EVENTS))
    committed = {
        path.relative_to(ROOT / "output").as_posix(): path.read_bytes()
        for path in (ROOT / "output" / "papers").glob("*.ics")
    }
    assert committed == {path: data for path, data in files.items() if path.startswith("papers/")}
