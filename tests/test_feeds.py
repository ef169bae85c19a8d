"""The shipped feeds: which events each holds, at which UTC instants, by two independent parsers."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from confcal.build import build
from tests.conftest import OUTPUT
from tests.helpers import parse_events
from tests.small_programme import HEAD, paper, slot


def utc(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=UTC)


# Worked out by hand from the announcement: CST is UTC-6 in December, so add six hours.
ANNOUNCED = {
    # Oral 2D Privacy: Tuesday, 12 Dec, 3:40 - 4:40 pm CST
    "privacy-auditing-one-training-run.oral": ("2023-12-12 21:40", "2023-12-12 22:40"),
    # Poster session 2: Tue 12 Dec 5:15 p.m. — 7:15 p.m. CST (ends after midnight UTC)
    "privacy-auditing-one-training-run.poster": ("2023-12-12 23:15", "2023-12-13 01:15"),
    # Oral 6A LLMs: Thursday, 14 Dec, 3:20 - 4:20 pm CST
    "emergent-abilities-mirage.oral": ("2023-12-14 21:20", "2023-12-14 22:20"),
    # Poster session 6: Thu 14 Dec 5:00 p.m. — 7:00 p.m. CST
    "emergent-abilities-mirage.poster": ("2023-12-14 23:00", "2023-12-15 01:00"),
    # Oral 2A Efficient Learning: Tuesday, 12 Dec, 3:40 - 4:40 pm CST
    "scaling-data-constrained-language-models.oral": ("2023-12-12 21:40", "2023-12-12 22:40"),
    "scaling-data-constrained-language-models.poster": ("2023-12-12 23:15", "2023-12-13 01:15"),
    # Oral 6B RLL: Thursday, 14 Dec, 3:20 - 4:20 pm CST
    "direct-preference-optimization.oral": ("2023-12-14 21:20", "2023-12-14 22:20"),
    "direct-preference-optimization.poster": ("2023-12-14 23:00", "2023-12-15 01:00"),
    # Oral 4B Dataset & Benchmarks: Wednesday, 13 Dec, 3:30 - 4:30 pm CST
    "climsim.oral": ("2023-12-13 21:30", "2023-12-13 22:30"),
    # Poster session 4: Wed 13 Dec 5:00 p.m. — 7:00 p.m. CST
    "climsim.poster": ("2023-12-13 23:00", "2023-12-14 01:00"),
    # Oral 1B Datasets & Benchmarks: Tuesday, 12 Dec, 10:00 -10:45 am CST
    "decodingtrust.oral": ("2023-12-12 16:00", "2023-12-12 16:45"),
    # Poster session 1: Tue 12 Dec 10:45 a.m. — 12:45 p.m. CST
    "decodingtrust.poster": ("2023-12-12 16:45", "2023-12-12 18:45"),
    # Test of Time talk: Tuesday, 12 Dec at 3:05 - 3:25 pm CST
    "word2vec.talk": ("2023-12-12 21:05", "2023-12-12 21:25"),
}

FEED_PAPERS = {
    "all.ics": {key.split(".")[0] for key in ANNOUNCED},
    "outstanding-main-track.ics": {"privacy-auditing-one-training-run", "emergent-abilities-mirage"},
    "outstanding-main-track-runner-up.ics": {
        "scaling-data-constrained-language-models",
        "direct-preference-optimization",
    },
    "outstanding-datasets-and-benchmarks.ics": {"climsim", "decodingtrust"},
    "test-of-time.ics": {"word2vec"},
}


def uid(event_id: str) -> str:
    return f"neurips-2023.{event_id}@confcal"


def expected(feed: str) -> dict[str, tuple[datetime, datetime]]:
    return {
        uid(event_id): (utc(start), utc(end))
        for event_id, (start, end) in ANNOUNCED.items()
        if event_id.split(".")[0] in FEED_PAPERS[feed]
    }


def test_one_feed_per_category_and_the_overall_feed() -> None:
    top_level = sorted(path.name for path in OUTPUT.glob("*.ics"))
    assert top_level == sorted(FEED_PAPERS)


@pytest.mark.parametrize("feed", sorted(FEED_PAPERS))
def test_utc_instants_with_the_ical_parser(feed: str) -> None:
    events = parse_events((OUTPUT / feed).read_bytes())
    assert {e.uid: (e.start, e.end) for e in events} == expected(feed)
    assert len(events) == len(expected(feed)), "an event appears twice"


@pytest.mark.parametrize("feed", sorted(FEED_PAPERS))
def test_utc_instants_with_libical_and_the_files_own_vtimezone(feed: str, icalcheck: Path) -> None:
    result = subprocess.run(
        [str(icalcheck), "--instants", str(OUTPUT / feed)], capture_output=True, text=True, check=True
    )
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    parsed = {
        row[0]: (datetime.fromisoformat(row[1].replace("Z", "+00:00")), datetime.fromisoformat(row[2]))
        for row in rows
    }
    assert parsed == expected(feed)


def test_libical_finds_nothing_wrong(icalcheck: Path) -> None:
    """libical's RFC 5545 parser and its METHOD:PUBLISH restriction tables.

    One finding is expected and deliberate: RFC 5546 wants an ORGANIZER in a PUBLISH event, and
    published feeds must not carry one (Apple's import breaks, some Outlooks freeze).
    """
    feeds = sorted(str(path) for path in OUTPUT.rglob("*.ics"))
    result = subprocess.run([str(icalcheck), *feeds], capture_output=True, text=True, check=False)
    organizer = (
        "Failed iTIP restrictions for ORGANIZER property. Expected 1 instances of the property and got 0"
    )
    findings = [line for line in result.stdout.splitlines() if not line.endswith(organizer)]
    assert findings == []
    assert result.stdout.count(organizer) == sum(
        path.read_bytes().count(b"BEGIN:VEVENT") for path in map(Path, feeds)
    )


def test_libical_checker_catches_what_icalendar_lets_through(icalcheck: Path, tmp_path: Path) -> None:
    """The checker is not a rubber stamp: icalendar's VTIMEZONE COMMENT and a missing UID fail it."""
    feed = (OUTPUT / "test-of-time.ics").read_bytes()
    broken = feed.replace(b"TZID:America/Chicago\r\n", b"TZID:America/Chicago\r\nCOMMENT:x\r\n")
    broken = broken.replace(b"UID:neurips-2023.word2vec.talk@confcal\r\n", b"")
    (tmp_path / "broken.ics").write_bytes(broken)
    result = subprocess.run([str(icalcheck), str(tmp_path / "broken.ics")], capture_output=True, text=True)
    assert result.returncode == 1
    assert "COMMENT property. Expected 0 instances" in result.stdout
    assert "UID property. Expected 1 instances" in result.stdout


def calendar_properties(data: bytes) -> dict[str, str]:
    """The calendar's own properties (before its first component), lines unfolded."""
    head = data.replace(b"\r\n ", b"").decode().split("\r\nBEGIN:V", 1)[0]
    return dict(line.split(":", 1) for line in head.split("\r\n")[1:] if ":" in line)


def test_a_programme_across_a_new_year_names_both_years(tmp_path: Path) -> None:
    """'29 Dec 2026 – 2 Jan 2027' in every feed and on the page; within one year the year once,
    as the shipped feeds say '10 Dec – 16 Dec 2023' (and output/ stays a fresh build)."""
    text = HEAD.replace("2024-06-03", "2026-12-29").replace("2024-06-05", "2027-01-02")
    text = text.replace('name = "Conf"', 'name = "Conf"\nfull_name = "The Conference"')
    text += paper("a", slot("talk", "2026-12-31T10:00:00", "2026-12-31T11:00:00"))
    text += '\n[[feeds]]\nid = "talks"\nname = "Talks"\nkind = "talk"\n'
    (tmp_path / "events.toml").write_text(text, encoding="utf-8")
    build(tmp_path / "events.toml", tmp_path / "out")
    described = {}
    for path in sorted((tmp_path / "out").rglob("*.ics")):
        properties = calendar_properties(path.read_bytes())
        assert properties["DESCRIPTION"] == properties["X-WR-CALDESC"]
        described[path.name] = properties["DESCRIPTION"]
    for name in ("all.ics", "main.ics", "talks.ics"):
        assert r"The Conference\, 29 Dec 2026 – 2 Jan 2027\, Hall\, Berlin" in described[name], name
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert '<p class="muted">29 December 2026 – 2 January 2027 · Hall, Berlin</p>' in page
    shipped = calendar_properties((OUTPUT / "all.ics").read_bytes())["DESCRIPTION"]
    assert r"(NeurIPS 2023)\, 10 Dec – 16 Dec 2023\, Ernest" in shipped


def test_items_of_one_title_have_calendars_of_their_own_names(tmp_path: Path) -> None:
    """Two coffee breaks are two calendars: each is named by when it starts, and two at once by
    their ids, so no two calendars in a subscriber's list read alike. A title of its own is
    the name as before."""
    text = HEAD + '\n[kinds]\nbreak = { label = "Break", plural = "Breaks" }\n'
    for item_id, start in (("coffee-mon", "2024-06-03T10:00:00"), ("coffee-tue", "2024-06-04T10:00:00")):
        text += f'\n[[items]]\nid = "{item_id}"\ntitle = "Coffee break"\n[items.break]\n'
        text += f'start = {start}\nend = {start[:-5]}30:00\nroom = "Foyer"\n'
    for item_id in ("lunch-a", "lunch-b"):
        text += f'\n[[items]]\nid = "{item_id}"\ntitle = "Lunch"\n[items.break]\n'
        text += 'start = 2024-06-03T12:00:00\nend = 2024-06-03T13:00:00\nroom = "Foyer"\n'
    text += paper("a", slot("talk", "2024-06-03T11:00:00", "2024-06-03T12:00:00"))
    (tmp_path / "events.toml").write_text(text, encoding="utf-8")
    build(tmp_path / "events.toml", tmp_path / "out")
    names = {
        path.name: calendar_properties(path.read_bytes())["X-WR-CALNAME"]
        for path in sorted((tmp_path / "out").glob("*/*.ics"))
    }
    assert names == {
        "a.ics": "Conf: Paper A",
        "coffee-mon.ics": "Conf: Coffee break (Mon 3 Jun\\, 10:00)",
        "coffee-tue.ics": "Conf: Coffee break (Tue 4 Jun\\, 10:00)",
        "lunch-a.ics": "Conf: Lunch (lunch-a)",
        "lunch-b.ics": "Conf: Lunch (lunch-b)",
    }
