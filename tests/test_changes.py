"""Changes attendees can see: releases in the state file, changes.html, changes.atom, the notice
at the top of a changed event's DESCRIPTION, and diff's exit codes.

Three publishing builds of a copy of the shipped programme (move an oral, rename a paper, cancel
a poster), each a release; read back with feedparser, the `ical` package and html.parser.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ical.calendar_stream import IcsCalendarStream

from confcal.changes import lines, named_as_shown, render_changes_feed
from confcal.cli import cli
from confcal.load import load
from confcal.releases import Change, Names, Release, notices, record
from tests.helpers import Project, conference_head

ROOT = Path(__file__).resolve().parent.parent
ATOM = "{http://www.w3.org/2005/Atom}"
FIRST = datetime(2023, 12, 11, tzinfo=UTC)  # publish.updated of the shipped file
SECOND = FIRST + timedelta(hours=9)
THIRD = FIRST + timedelta(days=1)
FOURTH = FIRST + timedelta(days=2)

MOVED = "privacy-auditing-one-training-run.oral"
MOVED_UID = f"neurips-2023.{MOVED}@confcal"
RENAMED = "emergent-abilities-mirage"
OLD_TITLE = "Are Emergent Abilities of Large Language Models a Mirage?"
NEW_TITLE = "Emergent Abilities of Large Language Models: a Mirage?"
CANCELLED = "scaling-data-constrained-language-models.poster"
CANCELLED_UID = f"neurips-2023.{CANCELLED}@confcal"
MOVED_LINE = (
    "Moved: Oral: Privacy Auditing with One (1) Training Run, "
    "from Tue 12 Dec 2023, 15:40–16:40 CST to 16:10–17:10 CST."
)


def move_oral(project: Project) -> None:
    project.edit(
        'session = "Oral 2D Privacy"\nstart = 2023-12-12T15:40:00\nend = 2023-12-12T16:40:00',
        'session = "Oral 2D Privacy"\nstart = 2023-12-12T16:10:00\nend = 2023-12-12T17:10:00',
    )


def rename_paper(project: Project) -> None:
    project.edit(f'title = "{OLD_TITLE}"', f'title = "{NEW_TITLE}"')


def cancel_poster(project: Project) -> None:
    project.edit('board = "#813"\n', 'board = "#813"\nstatus = "cancelled"\n')


@pytest.fixture
def project(tmp_path: Path) -> Project:
    shutil.copy(ROOT / "events.toml", tmp_path / "events.toml")
    built = Project(events=tmp_path / "events.toml", output=tmp_path / "output")
    built.build()
    return built


@pytest.fixture
def three_releases(project: Project) -> Project:
    for edit, stamp in ((move_oral, SECOND), (rename_paper, THIRD), (cancel_poster, FOURTH)):
        edit(project)
        project.build(stamp=stamp)
    return project


class Page(HTMLParser):
    """The ids, links and list items of a page."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[dict[str, str | None]] = []
        self.items: list[str] = []
        self.headings: list[str] = []
        self._text: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag in ("a", "link"):
            self.links.append({"tag": tag, **found})
        if tag in ("li", "h2"):
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("li", "h2") and self._text is not None:
            (self.items if tag == "li" else self.headings).append("".join(self._text))
            self._text = None

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)


def descriptions(data: bytes) -> dict[str, str]:
    calendar = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    return {event.uid: event.description or "" for event in calendar.events}


# -- the shipped programme: a first build, no release -----------------------------------


def test_committed_output_has_a_changelog_with_no_release_yet() -> None:
    state = json.loads((ROOT / "output" / "confcal-state.json").read_text())
    assert state.get("releases", []) == []
    page = Page((ROOT / "output" / "changes.html").read_text())
    assert page.headings == []
    assert (
        "No changes yet: the programme is as first published on 11 December 2023, 00:00 UTC."
        in (ROOT / "output" / "changes.html").read_text()
    )
    feed = feedparser.parse((ROOT / "output" / "changes.atom").read_bytes())
    assert not feed.bozo
    assert feed.entries == []
    assert feed.feed.updated == "2023-12-11T00:00:00Z"


def test_a_first_build_and_a_no_op_build_record_no_release(project: Project) -> None:
    before = project.files()
    project.build(stamp=SECOND)
    assert project.files() == before, "a no-op build writes nothing, whatever the stamp"
    assert (
        "releases" not in json.loads(project.text("confcal-state.json"))
        or not json.loads(project.text("confcal-state.json"))["releases"]
    )


# -- three releases ---------------------------------------------------------------------


def test_changes_page_lists_three_releases_newest_first(three_releases: Project) -> None:
    page = Page(three_releases.text("changes.html"))
    assert page.headings == [
        "13 December 2023, 00:00 UTC",
        "12 December 2023, 00:00 UTC",
        "11 December 2023, 09:00 UTC",
    ]
    assert page.items == [
        "Cancelled: Poster: Scaling Data-Constrained Language Models (was Tue 12 Dec 2023, 17:15–19:15 CST).",
        f"Renamed: Oral: {NEW_TITLE} (was “{OLD_TITLE}”).",
        f"Renamed: Poster: {NEW_TITLE} (was “{OLD_TITLE}”).",
        MOVED_LINE,
    ]


def test_every_change_links_to_its_event_on_the_index(three_releases: Project) -> None:
    page = Page(three_releases.text("changes.html"))
    index = Page(three_releases.text("index.html"))
    targets = [
        str(link["href"]) for link in page.links if str(link.get("href", "")).startswith("index.html#")
    ]
    assert targets == [
        f"index.html#{CANCELLED}",
        f"index.html#{RENAMED}.oral",
        f"index.html#{RENAMED}.poster",
        f"index.html#{MOVED}",
    ]
    assert {target.partition("#")[2] for target in targets} <= index.ids


def test_both_pages_link_the_feed_and_each_other(three_releases: Project) -> None:
    for name in ("index.html", "changes.html"):
        links = Page(three_releases.text(name)).links
        assert {
            "tag": "link",
            "rel": "alternate",
            "type": "application/atom+xml",
            "title": "Programme changes",
            "href": "changes.atom",
        } in links
    index_links = [link["href"] for link in Page(three_releases.text("index.html")).links if "href" in link]
    assert "changes.html" in index_links
    assert "index.html" in [link["href"] for link in Page(three_releases.text("changes.html")).links]


def test_atom_feed_parses_with_three_entries_and_stable_ids(three_releases: Project) -> None:
    data = (three_releases.output / "changes.atom").read_bytes()
    feed = feedparser.parse(data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert [entry.updated for entry in feed.entries] == [
        "2023-12-13T00:00:00Z",
        "2023-12-12T00:00:00Z",
        "2023-12-11T09:00:00Z",
    ]
    assert feed.feed.updated == "2023-12-13T00:00:00Z"
    ids = [entry.id for entry in feed.entries]
    assert len(set(ids)) == 3
    assert all(
        re.fullmatch(r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", i)
        for i in ids
    )
    assert [entry.link for entry in feed.entries] == [
        "changes.html#release-20231213T000000Z",
        "changes.html#release-20231212T000000Z",
        "changes.html#release-20231211T090000Z",
    ]
    assert feed.entries[2].title == MOVED_LINE
    assert feed.entries[1].title == "2 changes to the programme of NeurIPS 2023"
    assert f'href="index.html#{MOVED}"' in feed.entries[2].content[0].value

    three_releases.build(stamp=FOURTH + timedelta(hours=1))
    assert (three_releases.output / "changes.atom").read_bytes() == data, "a no-op rebuild changes nothing"


def test_atom_feed_follows_rfc_4287(three_releases: Project) -> None:
    """The rules the W3C feed validator applies that feedparser does not: required elements
    once each, RFC 3339 instants, an author, entries with content or an alternate link, and no
    relative rel="self"."""
    root = ET.fromstring((three_releases.output / "changes.atom").read_bytes())
    assert root.tag == f"{ATOM}feed"
    stamp = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
    for element in (root, *root.iter(f"{ATOM}entry")):
        for child in ("id", "title", "updated"):
            assert len(element.findall(f"{ATOM}{child}")) == 1, child
        assert stamp.fullmatch(element.findtext(f"{ATOM}updated") or "")
        alternates = [link for link in element.findall(f"{ATOM}link") if link.get("rel") == "alternate"]
        assert [link.get("type") for link in alternates] == ["text/html"]
    assert root.find(f"{ATOM}author/{ATOM}name") is not None
    assert [link for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"] == []
    for content in root.iter(f"{ATOM}content"):
        assert content.get("type") == "xhtml"
        assert [child.tag for child in content] == ["{http://www.w3.org/1999/xhtml}div"]


def test_with_a_base_url_the_feed_has_absolute_links_and_a_self_link(three_releases: Project) -> None:
    result = three_releases.run("build", "--base-url", "https://example.org/neurips/", stamp=FOURTH)
    assert result.exit_code == 0, result.output
    feed = feedparser.parse((three_releases.output / "changes.atom").read_bytes())
    assert not feed.bozo
    links = {link.rel: link.href for link in feed.feed.links}
    assert links == {
        "alternate": "https://example.org/neurips/changes.html",
        "self": "https://example.org/neurips/changes.atom",
    }
    assert f'href="https://example.org/neurips/index.html#{MOVED}"' in feed.entries[2].content[0].value


def test_the_moved_event_says_so_in_every_file_that_holds_it(project: Project) -> None:
    move_oral(project)
    project.build(stamp=SECOND)
    holders = {
        name: data
        for name, data in project.files().items()
        if name.endswith(".ics") and MOVED_UID.encode() in data
    }
    assert sorted(holders) == [
        "all.ics",
        "outstanding-main-track.ics",
        "papers/privacy-auditing-one-training-run.ics",
    ]
    texts = {descriptions(data)[MOVED_UID] for data in holders.values()}
    assert len(texts) == 1, "the same text in every file"
    first_line, _, rest = texts.pop().partition("\n\n")
    assert first_line == "Moved: was Tue 12 Dec 2023, 15:40–16:40 CST."
    assert rest.startswith("Outstanding Main Track Papers\nOral 2D Privacy: Tue 12 Dec 2023, 16:10–17:10 CST")


def test_notices_stay_with_the_event_until_it_changes_again(three_releases: Project) -> None:
    feeds = descriptions((three_releases.output / "all.ics").read_bytes())
    assert feeds[MOVED_UID].startswith("Moved: was Tue 12 Dec 2023, 15:40–16:40 CST.\n\n"), (
        "a later release does not clear it"
    )
    assert feeds[f"neurips-2023.{RENAMED}.oral@confcal"].startswith(f"Renamed: was “{OLD_TITLE}”.\n\n")
    assert feeds[CANCELLED_UID].startswith("Cancelled on Tue 12 Dec 2023.\n\n")
    plain = [uid for uid, text in feeds.items() if not re.match(r"(Moved|Renamed|Cancelled)", text)]
    assert len(plain) == len(feeds) - 4


def test_releases_are_kept_in_the_state_file(three_releases: Project) -> None:
    state = json.loads(three_releases.text("confcal-state.json"))
    assert [release["stamp"] for release in state["releases"]] == [
        "2023-12-11T09:00:00Z",
        "2023-12-12T00:00:00Z",
        "2023-12-13T00:00:00Z",
    ]
    assert state["releases"][0]["changes"] == [
        {
            "change": "moved",
            "id": MOVED,
            "title": "Privacy Auditing with One (1) Training Run",
            "old": "Tue 12 Dec 2023, 15:40–16:40 CST",
            "new": "Tue 12 Dec 2023, 16:10–17:10 CST",
            "was": "2023-12-12T21:40:00Z/2023-12-12T22:40:00Z",
            "now": "2023-12-12T22:10:00Z/2023-12-12T23:10:00Z",
            "name": "Oral: Privacy Auditing with One (1) Training Run",
        }
    ]


# -- diff's exit codes ------------------------------------------------------------------


def test_diff_exit_codes(project: Project) -> None:
    assert project.run("diff").exit_code == 0
    move_oral(project)
    assert project.run("diff", stamp=SECOND).exit_code == 1
    project.events.write_text("[conference\n")
    result = project.run("diff")
    assert result.exit_code == 2
    assert result.output.startswith("Error: 1 problem in the events file:\n")
    assert project.run("diff", "--format", "yaml").exit_code == 2


# -- the rules, on their own --------------------------------------------------------------


def moved(event_id: str, hour: int, *, name: str = "") -> Change:
    return Change(
        "moved",
        event_id,
        "T",
        was=(datetime(2023, 12, 12, 15, tzinfo=UTC), datetime(2023, 12, 12, 16, tzinfo=UTC)),
        now=(datetime(2023, 12, 12, hour, tzinfo=UTC), datetime(2023, 12, 12, hour + 1, tzinfo=UTC)),
        name=name,
    )


def test_record_merges_a_second_build_with_the_same_stamp() -> None:
    first = record((), [moved("a.oral", 16)], stamp=SECOND, first_build=False)
    assert record(first, [], stamp=THIRD, first_build=False) == first
    assert record((), [moved("a.oral", 16)], stamp=SECOND, first_build=True) == ()
    again = record(
        first, [Change("updated", "b.oral", "U"), moved("a.oral", 16)], stamp=SECOND, first_build=False
    )
    assert again == (Release(SECOND, (moved("a.oral", 16), Change("updated", "b.oral", "U"))),)
    later = record(again, [Change("cancelled", "a.oral", "T")], stamp=THIRD, first_build=False)
    assert [release.stamp for release in later] == [SECOND, THIRD]


def test_a_change_recorded_again_under_its_stamp_keeps_one_line_and_takes_the_new_name() -> None:
    first = record((), [moved("a.oral", 16, name="Oral: T")], stamp=SECOND, first_build=False)
    again = record(first, [moved("a.oral", 16, name="Oral presentation: T")], stamp=SECOND, first_build=False)
    assert again == (Release(SECOND, (moved("a.oral", 16, name="Oral presentation: T"),)),)
    later = record(again, [moved("a.oral", 16, name="Talk: T")], stamp=THIRD, first_build=False)
    assert later[0] == again[0], "a release under an earlier stamp keeps its words"


def test_restoring_or_re_adding_an_event_clears_its_notice() -> None:
    cancelled = Release(SECOND, (Change("cancelled", "a.oral", "T"), Change("cancelled", "b.oral", "T")))
    assert notices([cancelled], "UTC") == {
        "a.oral": "Cancelled on Mon 11 Dec 2023.",
        "b.oral": "Cancelled on Mon 11 Dec 2023.",
    }
    later = Release(THIRD, (Change("restored", "a.oral", "T"), Change("updated", "b.oral", "T")))
    assert notices([cancelled, later], "UTC") == {"b.oral": "Cancelled on Mon 11 Dec 2023."}


@pytest.mark.parametrize(
    ("release", "message"),
    [
        (
            {"stamp": "2023-12-12T00:00:00Z", "changes": []},
            "releases[1].changes: expected at least one change",
        ),
        (
            {"stamp": "2023-12-11T00:00:00Z", "changes": [{"change": "added", "id": "a.oral", "title": "A"}]},
            "releases[1].stamp: expected a later stamp than the release before it",
        ),
        (
            {
                "stamp": "2023-12-12T00:00:00Z",
                "changes": [{"change": "teleported", "id": "a.oral", "title": "A"}],
            },
            "releases[1].changes[0].change: expected one of 'added', ",
        ),
        (
            {
                "stamp": "2023-12-12T00:00:00Z",
                "changes": [{"change": "added", "id": "Paper A", "title": "A"}],
            },
            "releases[1].changes[0].id: expected an event id like 'paper-id.oral', found 'Paper A'",
        ),
        (
            {
                "stamp": "2023-12-12T00:00:00Z",
                "changes": [
                    {
                        "change": "added",
                        "id": "a.oral",
                        "title": "A",
                        "now": "2023-12-12T10:00:00Z/2023-12-12T09:00:00Z",
                    }
                ],
            },
            "releases[1].changes[0].now: the end is not after the start; expected start/end in UTC",
        ),
        (
            {"stamp": "2023-12-12", "changes": [{"change": "added", "id": "a.oral", "title": "A"}]},
            "releases[1].stamp: expected a UTC time like 2023-12-11T00:00:00Z, found '2023-12-12'",
        ),
        (
            {
                "stamp": "2023-12-12T00:00:00Z",
                "changes": [{"change": "added", "id": "a.oral", "title": "A", "by": "x"}],
            },
            "releases[1].changes[0].by: unknown key 'by'",
        ),
    ],
)
def test_a_damaged_release_is_reported_with_its_path(
    three_releases: Project, release: dict[str, object], message: str
) -> None:
    path = three_releases.output / "confcal-state.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    document["releases"][1] = release
    path.write_text(json.dumps(document), encoding="utf-8")
    before = three_releases.files()
    result = three_releases.run("build", stamp=FOURTH + timedelta(days=1))
    assert result.exit_code == 1
    assert f"{path}: {message}" in result.output
    assert three_releases.files() == before
    assert three_releases.run("diff").exit_code == 2


def test_releases_are_byte_identical_whatever_the_hash_seed_and_zone(tmp_path: Path) -> None:
    """The same three publishing builds in two processes with different PYTHONHASHSEED and TZ."""
    results = []
    for seed, zone in (("1", "Pacific/Auckland"), ("2", "America/Los_Angeles")):
        folder = tmp_path / seed
        folder.mkdir()
        shutil.copy(ROOT / "events.toml", folder / "events.toml")
        project = Project(events=folder / "events.toml", output=folder / "output")
        for edit, stamp in (
            (None, None),
            (move_oral, SECOND),
            (rename_paper, THIRD),
            (cancel_poster, FOURTH),
        ):
            if edit is not None:
                edit(project)
            env = {**os.environ, "PYTHONHASHSEED": seed, "TZ": zone}
            env["SOURCE_DATE_EPOCH"] = str(int(stamp.timestamp())) if stamp else ""
            command = [
                sys.executable,
                "-m",
                "confcal",
                "build",
                str(project.events),
                "-o",
                str(project.output),
            ]
            subprocess.run([*command, "--no-cache"], env=env, check=True, capture_output=True)
        results.append(project.files())
    assert results[0] == results[1]
    assert b"Cancelled on Tue 12 Dec 2023." in results[0]["all.ics"].replace(b"\r\n ", b"")


# -- each event named as the calendar names it ------------------------------------------

WORD2VEC = "Distributed Representations of Words and Phrases and their Compositionality"
TALK = (
    '[papers.talk]\nsession = "Test of Time"\nstart = 2023-12-12T15:05:00\nend = 2023-12-12T15:25:00\n'
    'speakers = ["Greg Corrado", "Jeffrey Dean"]\n'
)


def summaries(data: bytes) -> dict[str, str]:
    calendar = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    return {event.uid: event.summary or "" for event in calendar.events}


def test_a_talk_is_named_by_its_session_as_in_its_summary(project: Project) -> None:
    project.edit(
        "start = 2023-12-12T15:05:00\nend = 2023-12-12T15:25:00",
        "start = 2023-12-12T15:35:00\nend = 2023-12-12T15:55:00",
    )
    project.build(stamp=SECOND)
    summary = summaries((project.output / "all.ics").read_bytes())["neurips-2023.word2vec.talk@confcal"]
    assert summary == f"Test of Time: {WORD2VEC}"
    line = f"Moved: {summary}, from Tue 12 Dec 2023, 15:05–15:25 CST to 15:35–15:55 CST."
    assert Page(project.text("changes.html")).items == [line]
    feed = feedparser.parse((project.output / "changes.atom").read_bytes())
    assert feed.entries[0].title == line
    text = project.events.read_text(encoding="utf-8")
    project.events.write_text(text[: text.index('[[papers]]\nid = "word2vec"')], encoding="utf-8")
    project.build(stamp=THIRD)
    assert Page(project.text("changes.html")).items[0] == (
        f"Removed: Test of Time: {WORD2VEC} (was Tue 12 Dec 2023, 15:35–15:55 CST)."
    ), "a removed talk is named as it was last published"


def test_the_parts_of_a_two_part_talk_are_told_apart(project: Project) -> None:
    second = TALK.replace("15:05", "16:05").replace("15:25", "16:25")
    project.edit(TALK, "[" + TALK.replace("\n", "]\n", 1) + "\n[" + second.replace("\n", "]\n", 1))
    project.build(stamp=SECOND)
    project.edit(f'title = "{WORD2VEC}"', 'title = "word2vec"')
    project.build(stamp=THIRD)
    items = Page(project.text("changes.html")).items
    assert items == [
        f"Renamed: Test of Time: word2vec (part 1) (was “{WORD2VEC}”).",
        f"Renamed: Test of Time: word2vec (part 2) (was “{WORD2VEC}”).",
        f"Added: Test of Time: {WORD2VEC} (part 2), Tue 12 Dec 2023, 16:05–16:25 CST.",
    ]


# -- a published release keeps its words ------------------------------------------------

MOVED_TALK = f"Moved: Test of Time: {WORD2VEC}, from Tue 12 Dec 2023, 15:05–15:25 CST to 15:35–15:55 CST."


def move_talk(project: Project) -> None:
    project.edit(
        "start = 2023-12-12T15:05:00\nend = 2023-12-12T15:25:00",
        "start = 2023-12-12T15:35:00\nend = 2023-12-12T15:55:00",
    )


def rename_session_and_kind(project: Project) -> None:
    """The talk's session renamed, and the oral kind relabelled."""
    project.edit('session = "Test of Time"', 'session = "Test of Time Award"')
    text = project.events.read_text(encoding="utf-8")
    project.events.write_text(text + '\n[kinds]\noral = { label = "Oral presentation" }\n', encoding="utf-8")


def published_release(project: Project, stamp: datetime) -> tuple[str, bytes]:
    """The release of ``stamp``: its section of changes.html, and its changes.atom entry."""
    anchor = f"release-{stamp:%Y%m%dT%H%M%SZ}"
    page = project.text("changes.html")
    start = page.index(f'<h2 id="{anchor}">')
    section = page[start : page.find("<h2", start + 1)]
    root = ET.fromstring((project.output / "changes.atom").read_bytes())
    (entry,) = (
        entry
        for entry in root.iter(f"{ATOM}entry")
        if entry.find(f"{ATOM}link") is not None
        and str(entry.find(f"{ATOM}link").get("href", "")).endswith(f"#{anchor}")
    )
    return section, ET.tostring(entry)


def test_a_published_release_keeps_its_words_after_a_rename(project: Project) -> None:
    """A release says what it said when it was published: renaming a talk's session or
    relabelling a kind later words only the releases after it with the new names."""
    move_talk(project)
    move_oral(project)
    project.build(stamp=SECOND)
    before = published_release(project, SECOND)
    rename_session_and_kind(project)
    project.build(stamp=THIRD)
    assert published_release(project, SECOND) == before
    items = Page(project.text("changes.html")).items
    assert items[-2:] == [MOVED_LINE, MOVED_TALK]
    assert f"Renamed: Test of Time Award: {WORD2VEC} (was “Test of Time: {WORD2VEC}”)." in items
    assert (
        "Renamed: Oral presentation: Privacy Auditing with One (1) Training Run "
        "(was “Oral: Privacy Auditing with One (1) Training Run”)."
    ) in items


def test_each_change_keeps_its_name_in_the_state_file(project: Project) -> None:
    move_talk(project)
    project.build(stamp=SECOND)
    rename_session_and_kind(project)
    project.build(stamp=THIRD)
    releases = json.loads(project.text("confcal-state.json"))["releases"]
    assert releases[0]["changes"][0]["name"] == f"Test of Time: {WORD2VEC}"
    assert {change["name"] for change in releases[1]["changes"] if change["id"] == "word2vec.talk"} == {
        f"Test of Time Award: {WORD2VEC}"
    }


def without_names(project: Project) -> None:
    """The state file as confcal wrote it before it recorded each change's name."""
    path = project.output / "confcal-state.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    for release in document["releases"]:
        for change in release["changes"]:
            del change["name"]
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")


def test_a_state_file_without_names_is_upgraded_without_changing_a_page(project: Project) -> None:
    move_talk(project)
    project.build(stamp=SECOND)
    before = project.files()
    without_names(project)
    result = project.build(stamp=THIRD)
    assert result.output.endswith(": 1 written, 17 unchanged (18 files)\n"), "only the state file"
    after = project.files()
    assert {name for name in after if after[name] != before[name]} == set()
    assert json.loads(project.text("confcal-state.json"))["releases"][0]["changes"][0]["name"] == (
        f"Test of Time: {WORD2VEC}"
    )


def test_a_state_file_without_names_keeps_the_words_its_changelog_showed(project: Project) -> None:
    """Upgraded by a build that also renames a talk's session and relabels a kind: the earlier
    release keeps the words its changes.html showed, the kind's old label too (the state file
    recorded no labels: the names come from that page)."""
    move_talk(project)
    move_oral(project)
    project.build(stamp=SECOND)
    before = published_release(project, SECOND)
    without_names(project)
    rename_session_and_kind(project)
    project.build(stamp=THIRD)
    assert published_release(project, SECOND) == before
    assert Page(project.text("changes.html")).items[-2:] == [MOVED_LINE, MOVED_TALK]
    (release, _) = json.loads(project.text("confcal-state.json"))["releases"]
    assert [change["name"] for change in release["changes"]] == [
        "Oral: Privacy Auditing with One (1) Training Run",
        f"Test of Time: {WORD2VEC}",
    ]


def test_without_its_changelog_a_state_file_without_names_takes_the_labels_of_now(
    project: Project,
) -> None:
    """What the README says of a line the published changes.html does not show: named from the
    state file's record of its event (the talk's session as published), the kind as labelled now."""
    move_talk(project)
    move_oral(project)
    project.build(stamp=SECOND)
    without_names(project)
    (project.output / "changes.html").unlink()
    rename_session_and_kind(project)
    project.build(stamp=THIRD)
    assert Page(project.text("changes.html")).items[-2:] == [
        MOVED_LINE.replace("Oral:", "Oral presentation:"),
        MOVED_TALK,
    ]


def state_names() -> Names:
    """The shipped programme's labels, no event recorded: each kind named by its label."""
    return Names(load(ROOT / "events.toml"), {})


def shown(page: str, release: Release, names: Names | None = None) -> list[str]:
    """The names ``named_as_shown`` reads for ``release`` from ``page``."""
    (named,) = named_as_shown(
        page.encode(), [release], timezone="America/Chicago", names=names or state_names()
    )
    return [change.name for change in named.changes]


def test_names_are_read_from_the_lines_of_the_published_changelog() -> None:
    unnamed = moved("a.oral", 16)
    release = Release(SECOND, (unnamed, Change("updated", "b.oral", "U")))
    line = (
        "Moved: <a href='index.html#a.oral'>Oral &amp; more: T</a>, "
        "from Tue 12 Dec 2023, 09:00–10:00 CST to 10:00–11:00 CST."
    )
    page = f'<h2 id="{release.anchor}">x</h2><ul><li>{line}</li><li>Details updated: Talk: U.</li></ul>'
    assert shown(page, release) == ["Oral & more: T", "Talk: U"]
    edited = page.replace("Details updated: Talk: U.", "Details changed: Talk: U.")
    assert shown(edited, release) == ["Oral & more: T", ""], "a line it cannot read"
    (named,) = named_as_shown(
        page.encode(), [Release(THIRD, release.changes)], timezone="America/Chicago", names=state_names()
    )
    assert named.changes == release.changes, "a release the page does not show"


def one_line(event: str) -> tuple[str, Release]:
    """A page whose one line names the event of a change titled "T" as ``event`` (raw HTML)."""
    release = Release(SECOND, (Change("updated", "a.oral", "T"),))
    page = f'<h2 id="{release.anchor}">x</h2><ul><li>Details updated: <a href="x">{event}</a>.</li></ul>'
    return page, release


def test_a_wrapped_line_of_the_changelog_reads_as_one() -> None:
    """White space as HTML shows it: a formatter's wrapped line is the same text."""
    page, release = one_line("Oral\n      session:\tT")
    assert shown(page, release) == ["Oral session: T"]
    page, release = one_line("\n   Oral:\n T")
    assert shown(page, release) == ["Oral: T"]


@pytest.mark.parametrize(
    "event",
    [
        pytest.param(": T", id="blank label"),
        pytest.param("  : T", id="white space for a label"),
        pytest.param("Or\x07al: T", id="control character"),
        pytest.param("Or\x85al: T", id="C1 control character"),
        pytest.param("\u202eOral: T", id="bidi"),
        pytest.param("&#x202e;Oral: T", id="bidi as a reference"),
        pytest.param("Oral\uffff: T", id="U+FFFF"),
        pytest.param("Oral\ufdd0: T", id="U+FDD0"),
        pytest.param("x" * 201 + ": T", id="too long a label"),
        pytest.param("Oral: T, see https://example.com", id="not ending with the title"),
        pytest.param("Oral: Other", id="another title"),
        pytest.param("T", id="no label where the kind has one"),
        pytest.param("OralT", id="no separator"),
    ],
)
def test_a_name_the_events_could_not_have_had_is_not_read(event: str) -> None:
    """The page's name is taken only as ``Names`` could have made it: its label, one line of
    text as events.toml takes it, then the recorded title; otherwise it is named as before."""
    page, release = one_line(event)
    assert shown(page, release) == [""]


def test_only_the_recorded_part_follows_the_title() -> None:
    programme = load(ROOT / "events.toml")
    (talk,) = (event for event in programme.events if event.id == "word2vec.talk")
    parts = {"word2vec.talk": talk, "word2vec.talk-2": dataclasses.replace(talk, number=2)}
    names = Names(programme, parts)
    release = Release(SECOND, (Change("updated", "word2vec.talk-2", "T"),))
    page = f'<h2 id="{release.anchor}">x</h2><ul><li>Details updated: Old session: T{{}}.</li></ul>'
    assert shown(page.format(" (part 2)"), release, names) == ["Old session: T (part 2)"]
    assert shown(page.format(" (part 3)"), release, names) == [""]
    assert shown(page.format(""), release, names) == [""]


def test_a_wrapped_changelog_upgrades_a_state_file_the_next_build_reads(project: Project) -> None:
    """A changes.html whose link text an HTML formatter wrapped: the name is read as one line,
    and the state file written with it is read by the next build."""
    second = TALK.replace("15:05", "16:05").replace("15:25", "16:25")
    project.edit(TALK, "[" + TALK.replace("\n", "]\n", 1) + "\n[" + second.replace("\n", "]\n", 1))
    project.build(stamp=SECOND)
    without_names(project)
    page = project.output / "changes.html"
    html = page.read_text(encoding="utf-8")
    assert html.count(f"{WORD2VEC} (part 2)</a>") == 1
    page.write_text(
        html.replace(f"{WORD2VEC} (part 2)</a>", f"{WORD2VEC}\n      (part 2)</a>"), encoding="utf-8"
    )
    project.build(stamp=SECOND)
    (release,) = json.loads(project.text("confcal-state.json"))["releases"]
    assert [change["name"] for change in release["changes"]] == [f"Test of Time: {WORD2VEC} (part 2)"]
    move_oral(project)
    project.build(stamp=THIRD)


def test_a_hostile_changelog_puts_no_text_into_the_state_file_or_the_feed(project: Project) -> None:
    """Link text with a bidi override, a noncharacter and a URL: the change is named as before,
    from the state file's record, and changes.atom stays well-formed."""
    move_talk(project)
    project.build(stamp=SECOND)
    without_names(project)
    page = project.output / "changes.html"
    html = page.read_text(encoding="utf-8")
    hostile = "\u202eVisit https://example.com \uffff"
    page.write_text(html.replace(f">Test of Time: {WORD2VEC}<", f">{hostile}: {WORD2VEC}<"), encoding="utf-8")
    project.build(stamp=THIRD)
    (release,) = json.loads(project.text("confcal-state.json"))["releases"]
    assert [change["name"] for change in release["changes"]] == [f"Test of Time: {WORD2VEC}"]
    assert Page(project.text("changes.html")).items == [MOVED_TALK]
    ET.fromstring((project.output / "changes.atom").read_bytes())


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.text(alphabet=st.characters(codec=None, exclude_categories=()), min_size=1))
def test_changes_atom_is_well_formed_whatever_a_change_is_named(name: str) -> None:
    """Whatever name a state file holds: each character XML does not allow becomes U+FFFD."""
    programme = load(ROOT / "events.toml")
    release = Release(SECOND, (Change("updated", "word2vec.talk", "T", name=name),))
    feed = render_changes_feed(programme, [release], published=FIRST)
    root = ET.fromstring(feed)
    (entry,) = root.iter(f"{ATOM}entry")
    expected = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]", "\ufffd", name)
    title = entry.findtext(f"{ATOM}title")
    assert title == f"Details updated: {expected}.".replace("\r\n", "\n").replace("\r", "\n")


def test_a_change_built_again_under_the_same_stamp_is_one_line_in_the_newest_words(
    project: Project,
) -> None:
    """Changes under the stamp of the last release join that release, as a preview shows them
    (``confcal serve``; ``confcal build`` refuses them): a change it already holds, worded
    differently since (a kind relabelled), is not listed twice; and an event renamed by the second
    edit is told once, as renamed: the details the first build updated are the lesser line of the two."""
    from confcal.build import preview
    from confcal.settings import BuildOptions

    project.edit("DP-SGD, where", "DP-SGD (differentially private SGD), where")
    project.build(stamp=SECOND)
    text = project.events.read_text(encoding="utf-8")
    project.events.write_text(text + '\n[kinds]\noral = { label = "Oral presentation" }\n', encoding="utf-8")
    assert project.run("build", stamp=SECOND).exit_code == 1
    planned = preview(project.events, project.output, BuildOptions(stamp=SECOND))
    items = Page(planned.files["changes.html"].decode()).items
    privacy = [item for item in items if "Privacy Auditing" in item]
    assert privacy == [
        "Renamed: Oral presentation: Privacy Auditing with One (1) Training Run "
        "(was “Oral: Privacy Auditing with One (1) Training Run”).",
        "Details updated: Poster: Privacy Auditing with One (1) Training Run.",
    ]
    (release,) = json.loads(planned.files["confcal-state.json"])["releases"]
    assert len(release["changes"]) == len({change["id"] + change["change"] for change in release["changes"]})


BREAKS = (
    conference_head(start="2026-10-02", end="2026-10-04", timezone="Europe/Berlin")
    + """
[kinds]
break = { label = "Break" }

[[rooms]]
id = "foyer"
name = "Foyer"

[[items]]
id = "coffee-sat"
title = "Coffee break"

[[items.break]]
start = 2026-10-03T10:00:00
end = 2026-10-03T10:30:00
room = "foyer"

[[items]]
id = "coffee-sun"
title = "Coffee break"

[[items.break]]
start = 2026-10-04T10:00:00
end = 2026-10-04T10:30:00
room = "foyer"
"""
)


def test_events_named_alike_in_one_release_are_told_apart_by_their_start(tmp_path: Path) -> None:
    """Two coffee breaks re-roomed by one build: each line names its break with its start in the
    conference's zone, as calendars tell them apart; a line whose name no other shares has none."""
    events, output = tmp_path / "events.toml", tmp_path / "output"
    events.write_text(BREAKS, encoding="utf-8")
    for text in (BREAKS, BREAKS.replace('name = "Foyer"', 'name = "Upper Foyer"').replace("03-01", "03-02")):
        events.write_text(text, encoding="utf-8")
        result = CliRunner().invoke(cli, ["build", str(events), "-o", str(output)])
        assert result.exit_code == 0, result.output
    assert Page((output / "changes.html").read_text(encoding="utf-8")).items == [
        "Place changed: Break: Coffee break (Sat 3 Oct, 10:00), from Foyer to Upper Foyer.",
        "Place changed: Break: Coffee break (Sun 4 Oct, 10:00), from Foyer to Upper Foyer.",
    ]
    single = Release(
        SECOND, (Change("updated", "coffee-sat.break", "Coffee break", name="Break: Coffee break"),)
    )
    assert [line.text for line in lines(load(events), single)] == ["Details updated: Break: Coffee break."]


HALL_BREAK = """
[[rooms]]
id = "hall"
name = "Hall B"

[[items]]
id = "coffee-hall"
title = "Coffee break"

[[items.break]]
start = 2026-10-03T10:00:00
end = 2026-10-03T10:30:00
room = "hall"
"""
ROOMS_BREAKS = BREAKS + HALL_BREAK


def test_events_named_alike_at_one_start_are_told_apart_by_their_place(tmp_path: Path) -> None:
    """Two rooms' coffee breaks on Saturday and one on Sunday, all moved half an hour by one build:
    the Saturday ones share their name and start, so each line gives its place too, as released
    (recorded in the state file: a later move of the room leaves the release's words as they
    were); the Sunday one, alike in name only, gives its start alone."""
    events, output = tmp_path / "events.toml", tmp_path / "output"
    later = ROOMS_BREAKS.replace("T10:00:00", "T10:30:00").replace("T10:30:00\nroom", "T11:00:00\nroom")
    for day, text in enumerate((ROOMS_BREAKS, later, later.replace('name = "Hall B"', 'name = "Hall C"')), 1):
        events.write_text(text.replace("03-01", f"03-0{day}"), encoding="utf-8")
        result = CliRunner().invoke(cli, ["build", str(events), "-o", str(output)])
        assert result.exit_code == 0, result.output
    moved = Page((output / "changes.html").read_text(encoding="utf-8")).items[-3:]
    assert moved == [
        "Moved: Break: Coffee break (Sat 3 Oct, 10:30, Hall B), from Sat 3 Oct 2026, 10:00–10:30 CEST "
        "to 10:30–11:00 CEST.",
        "Moved: Break: Coffee break (Sat 3 Oct, 10:30, Foyer), from Sat 3 Oct 2026, 10:00–10:30 CEST "
        "to 10:30–11:00 CEST.",
        "Moved: Break: Coffee break (Sun 4 Oct, 10:30), from Sun 4 Oct 2026, 10:00–10:30 CEST "
        "to 10:30–11:00 CEST.",
    ]
    recorded = json.loads((output / "confcal-state.json").read_text(encoding="utf-8"))["releases"][0]
    assert [change.get("place") for change in recorded["changes"]] == ["Hall B", "Foyer", None]


def test_a_changelog_of_events_named_alike_is_read_back_with_or_without_their_starts() -> None:
    """``named_as_shown`` reads a page written before lines told events named alike apart (no
    start) and one written since (with it)."""
    at = (datetime(2023, 12, 12, 15, tzinfo=UTC), datetime(2023, 12, 12, 16, tzinfo=UTC))
    later = (datetime(2023, 12, 13, 15, tzinfo=UTC), datetime(2023, 12, 13, 16, tzinfo=UTC))
    release = Release(
        SECOND,
        (Change("updated", "a.oral", "T", now=at), Change("updated", "b.oral", "T", now=later)),
    )
    item = "<li>Details updated: Oral: T.</li>"
    older = f'<h2 id="{release.anchor}">x</h2><ul>{item}{item}</ul>'
    assert shown(older, release) == ["Oral: T", "Oral: T"]
    newer = older.replace("Oral: T.</li><li>", "Oral: T (Tue 12 Dec, 09:00).</li><li>").replace(
        "Oral: T.</li></ul>", "Oral: T (Wed 13 Dec, 09:00).</li></ul>"
    )
    assert shown(newer, release) == ["Oral: T", "Oral: T"]
    assert [
        line.text
        for line in lines(
            load(ROOT / "events.toml"),
            named_as_shown(newer.encode(), [release], timezone="America/Chicago", names=state_names())[0],
        )
    ] == [
        "Details updated: Oral: T (Tue 12 Dec, 09:00).",
        "Details updated: Oral: T (Wed 13 Dec, 09:00).",
    ]
