"""index.html for attendees: every event pickable and anchored, the controls, the picks panel, QR codes."""

from __future__ import annotations

import dataclasses
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import segno
from click.testing import CliRunner

from confcal.cli import cli
from confcal.picks import MAX_PICKS, pick_key, split_feed
from confcal.site import INDEX
from tests.helpers import parse_events
from tests.test_site import Page

ROOT = Path(__file__).resolve().parent.parent
EVENTS = ROOT / "events.toml"
WORKSHOP = ROOT / "tests" / "programmes" / "workshop.toml"
OUTPUT = ROOT / "output"
BASE_URL = "https://example.org/neurips-2023/"


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("published")
    result = CliRunner().invoke(cli, ["build", str(EVENTS), "-o", str(output), "--base-url", BASE_URL])
    assert result.exit_code == 0, result.output
    return output


def uids_of(calendar: bytes) -> list[str]:
    return [m.decode() for m in re.findall(rb"\r\nUID:([^\r]*)\r\n", calendar)]


def events_of(html: str) -> list[dict[str, str]]:
    return [attrs for tag, attrs in Page(html).tags if tag == "li" and "event" in attrs.get("class", "")]


def test_every_event_carries_its_uid_key_and_anchor() -> None:
    html = (OUTPUT / INDEX).read_text(encoding="utf-8")
    events = events_of(html)
    uids = uids_of((OUTPUT / "all.ics").read_bytes())
    assert [event["data-uid"] for event in events] == uids
    for event in events:
        event_id = event["data-uid"].removeprefix("neurips-2023.").removesuffix("@confcal")
        assert event["id"] == event_id
        assert event["data-key"] == pick_key(event_id)
        assert event["data-kind"] == event_id.rsplit(".", 1)[1]
        assert event["data-ics"] == f"papers/{event_id.rsplit('.', 1)[0]}.ics"
        assert (OUTPUT / event["data-ics"]).is_file()
        assert event["data-feeds"]
    assert len({event["data-key"] for event in events}) == len(events)
    stars = re.findall(
        r'<button type="button" class="star needs-js" aria-pressed="false">Pick</button>', html
    )
    assert len(stars) == len(events)


PINNED_KEYS = {
    "climsim.oral": "gb3ka4jn",
    "decodingtrust.poster": "ivxub7rx",
    "word2vec.talk": "x64zsrlz",
    "decodingtrust.oral": "sxjrb7d2",
}
"""Keys as published: shared links (``#picks=…``, ``/picks/….ics``) hold them, so a new version
of confcal must give each slot the same key."""


def test_pick_keys_stay_those_already_shared(published: Path) -> None:
    events = events_of((published / INDEX).read_text(encoding="utf-8"))
    keys = {event["id"]: event["data-key"] for event in events}
    assert {event_id: keys[event_id] for event_id in PINNED_KEYS} == PINNED_KEYS
    assert {event_id: pick_key(event_id) for event_id in PINNED_KEYS} == PINNED_KEYS


def test_picks_panel_and_its_calendar_head(published: Path) -> None:
    html = (published / INDEX).read_text(encoding="utf-8")
    page = Page(html)
    ids = {attrs["id"]: (tag, attrs) for tag, attrs in page.tags if "id" in attrs}
    assert ids["picks"][0] == "section"
    assert ids["picks-download"][1]["download"] == "neurips-2023-my-picks.ics"
    for link in ("picks-webcal", "picks-google", "picks-outlook", "picks-share"):
        assert ids[link][0] == "a"
    assert ids["picks-url"][1]["readonly"] == ""
    assert ids["picks-too-big"][1]["hidden"] == "", "shown by the script when the picks are too large"
    script = re.search(r'<script type="application/json" id="picks-data">(.*?)</script>', html)
    assert script is not None
    data = json.loads(script[1])
    service = split_feed((published / "all.ics").read_bytes())
    assert tuple(part.encode() for part in data["head"]) == service.head, "as the service names it"
    assert data["head"][1::2] == ["NAME:NeurIPS 2023", "X-WR-CALNAME:NeurIPS 2023"], "named by the script"
    assert data == {
        "base": BASE_URL,
        "city": "New Orleans, LA",
        "head": data["head"],
        "id": "neurips-2023",
        "name": "NeurIPS 2023",
        "removed": {},
        "zone": "America/Chicago",
        "maxBytes": 1_000_000,
        "maxEvents": 1000,
        "maxPicks": MAX_PICKS,
        "budget": "1.0 MB or 1,000 events",
    }


def test_without_a_public_address_the_panel_offers_download_only() -> None:
    page = Page((OUTPUT / INDEX).read_text(encoding="utf-8"))
    ids = {attrs["id"] for _, attrs in page.tags if "id" in attrs}
    assert {"picks", "picks-download", "picks-share"} <= ids
    assert not {"picks-webcal", "picks-google", "picks-outlook", "picks-url", "picks-too-big"} & ids
    assert not any(tag == "svg" for tag, _ in page.tags), "no QR code without an address"


def test_search_filters_and_day_navigation() -> None:
    html = (OUTPUT / INDEX).read_text(encoding="utf-8")
    page = Page(html)
    tags = {attrs.get("id"): (tag, attrs) for tag, attrs in page.tags}
    assert tags["q"] == ("input", {"type": "search", "id": "q", "name": "q", "autocomplete": "off"})
    assert tags["filters"][1]["role"] == "search"
    assert tags["filters"][1]["class"] == "controls needs-js"
    for select in ("f-day", "f-kind", "f-feed"):
        assert tags[select][0] == "select"
    days = re.findall(r'<option value="(2023-12-\d\d)">', html)
    assert days == ["2023-12-12", "2023-12-13", "2023-12-14"]
    assert re.findall(r'<a href="#(day-2023-12-\d\d)">', html) == [f"day-{day}" for day in days]
    assert [tags[f"day-{day}"][0] for day in days] == ["h3", "h3", "h3"]
    assert re.findall(r'<option value="(oral|poster|talk)">', html) == ["oral", "poster", "talk"]
    feeds = re.findall(r'<option value="([a-z-]+)">[^<]*</option>', html)
    assert feeds[-4:] == [
        "outstanding-main-track",
        "outstanding-main-track-runner-up",
        "outstanding-datasets-and-benchmarks",
        "test-of-time",
    ]
    assert tags["zone-conference"][1]["checked"] == ""
    assert "conference time (America/Chicago)" in html


def test_qr_codes_beside_each_subscribable_feed(published: Path) -> None:
    html = (published / INDEX).read_text(encoding="utf-8")
    figures = re.findall(
        r'<p>Or paste its address into a calendar app: <span class="address">(\S+)</span></p>\n'
        r'<figure class="qr">(<svg .*?</svg>)<figcaption>Scan to open it on a phone</figcaption>',
        html,
    )
    feeds = sorted(path.name for path in published.glob("*.ics"))
    assert sorted(address.removeprefix(BASE_URL) for address, _ in figures) == feeds
    for address, svg in figures:
        expected = io.BytesIO()
        segno.make(address, error="m", micro=False).save(
            expected, kind="svg", xmldecl=False, svgns=False, svgclass=None, lineclass=None, scale=3, border=2
        )
        assert svg == expected.getvalue().decode().strip().replace("<svg ", '<svg aria-hidden="true" ', 1)


def workshop_page(tmp_path: Path, text: str) -> Path:
    """The workshop programme edited to ``text``, built (without a public address)."""
    events = tmp_path / "events.toml"
    events.write_text(text, encoding="utf-8")
    output = tmp_path / "output"
    result = CliRunner().invoke(cli, ["build", str(events), "-o", str(output)])
    assert result.exit_code == 0, result.output
    return output


ONLINE = """
[[items]]
id = "online-only"
title = "Panel: Learning Systems in Practice"

[items.talk]
start = 2026-10-25T16:00:00
end = 2026-10-25T17:00:00
url = "https://meet.example.org/panel"
"""


def test_an_online_slot_reads_as_its_calendar_event_does(tmp_path: Path) -> None:
    """A slot with its own url, no room or venue and not streamed is a video call: its event says
    "Place: online" and where to join, so its line on the page says "Online" and links the call
    (never "Place not announced"), as a streamed slot's line links its stream."""
    output = workshop_page(tmp_path, WORKSHOP.read_text(encoding="utf-8") + ONLINE)
    (event,) = parse_events((output / "items" / "online-only.ics").read_bytes())
    described = event.description.splitlines()
    assert "Place: online" in described
    assert "Watch or join: https://meet.example.org/panel" in described
    html = (output / INDEX).read_text(encoding="utf-8")
    lines = dict(zip((attrs["id"] for attrs in events_of(html)), Page(html).events, strict=True))
    online = lines.pop("online-only.talk")
    assert "Talk · Online" in online.text
    assert "not announced" not in online.text
    assert [(link.href, link.text) for link in online.links] == [
        ("https://meet.example.org/panel", "Join online: Panel: Learning Systems in Practice"),
        ("items/online-only.ics", "Add this talk to your calendar: Panel: Learning Systems in Practice"),
    ]
    keynote = lines.pop("opening-keynote.keynote")  # streamed, with its stream's url
    assert [(link.href, link.text) for link in keynote.links] == [
        (
            "https://stream.example.org/learnsys-2026/keynote",
            "Watch the stream: Learning Systems That Explain Themselves",
        ),
        (
            "items/opening-keynote.ics",
            "Add this keynote to your calendar: Learning Systems That Explain Themselves",
        ),
    ]
    assert "Hörsaal 1" in keynote.text
    for other in lines.values():  # no url of their own: only their calendar
        assert [link.href.split("/")[0] for link in other.links] in ([], ["items"], ["papers"])


@dataclasses.dataclass
class SessionHeading:
    day: str
    id: str
    name: str = ""
    line: str = ""
    links: list[str] = dataclasses.field(default_factory=list)
    events: list[str] = dataclasses.field(default_factory=list)


class SessionHeadings(HTMLParser):
    """Each declared session's heading on index.html: its day, anchor, name and time line (with
    the links in it), and the ids of the events under it."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[SessionHeading] = []
        self._day = ""
        self._part = ""  # of the heading being read: "name", "line", "events", "" (none)
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        classes = attributes.get("class", "").split()
        if tag == "section" and "dayblock" in classes:
            self._day = attributes["data-day"]
        elif tag == "li" and "session" in classes:
            self.headings.append(SessionHeading(self._day, attributes["id"]))
            self._part = "name"
        elif not self._part:
            return
        elif tag == "p" and self._part == "name":
            self._part = "line"
        elif tag == "a" and self._part == "line":
            self.headings[-1].links.append(attributes["href"])
        elif tag == "ol":
            self._part = "events"
        elif tag == "li" and "event" in classes:
            self.headings[-1].events.append(attributes["id"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "ol" and self._part == "events":
            self._part = ""

    def handle_data(self, data: str) -> None:
        if self._part == "name":
            self.headings[-1].name += data
        elif self._part == "line":
            self.headings[-1].line += data


SATURDAY_ORAL = 'session = "oral-a"\nstart = 2026-10-24T10:50:00\nend = 2026-10-24T11:10:00\n'
SUNDAY_ORAL = 'session = "oral-a"\nstart = 2026-10-25T09:00:00\nend = 2026-10-25T09:20:00\n'


@pytest.mark.parametrize("cancelled", [False, True])
def test_a_session_on_two_days_has_each_days_part_under_that_day(tmp_path: Path, cancelled: bool) -> None:
    """Oral session A has no times of its own, and its second oral moves to Sunday 09:00: its one
    event runs from Saturday 10:30 to Sunday 09:20 (check's session-spans-days), which its
    heading read as "10:30–09:20 CET (+1d)". Each day's heading has that day's orals, their
    times, and a link to the other day's. A cancelled Sunday oral (kept on the page) leaves the
    session on Saturday, but Sunday's heading still gives Sunday's time, not Saturday's."""
    text = WORKSHOP.read_text(encoding="utf-8")
    assert text.count(SATURDAY_ORAL) == 1
    moved = SUNDAY_ORAL + ('status = "cancelled"\n' if cancelled else "")
    output = workshop_page(tmp_path, text.replace(SATURDAY_ORAL, moved))
    headings = SessionHeadings((output / INDEX).read_text(encoding="utf-8")).headings
    assert [(h.day, h.id, h.name) for h in headings] == [
        ("2026-10-24", "session-oral-a", "Oral session A"),
        ("2026-10-24", "session-oral-b", "Oral session B"),
        ("2026-10-25", "session-oral-a-2026-10-25", "Oral session A"),
        ("2026-10-25", "session-oral-c", "Oral session C"),
        ("2026-10-25", "session-posters", "Poster session"),
    ]
    saturday, oral_b, sunday, oral_c, posters = headings
    assert saturday.line == "10:30–10:50 CEST · Hörsaal 1 · Chair: Jonas Berg · also on Sun 25 Oct"
    assert saturday.links == ["#session-oral-a-2026-10-25"]
    assert saturday.events == ["sparse-routing.oral"]
    assert sunday.line == "09:00–09:20 CET · Hörsaal 1 · Chair: Jonas Berg · also on Sat 24 Oct"
    assert sunday.links == ["#session-oral-a"]
    assert sunday.events == ["federated-eval.oral"]
    assert (oral_b.line, oral_b.links) == ("10:30–11:10 CEST · Hörsaal 2 · Chair: Mei Chen (TU München)", [])
    assert (oral_c.line, posters.line) == (
        "10:00–10:20 CET · Hörsaal 1",
        "13:00–15:00 CET · Foyer, Ground floor",
    )


ORAL_C = 'id = "oral-c"\nname = "Oral session C"\nkind = "oral"\nroom = "hs1"\n'
SATURDAY_ORAL_IN_C = 'session = "oral-c"\nstart = 2026-10-24T22:30:00\nend = 2026-10-24T22:50:00\n'


@pytest.mark.parametrize(
    ("times", "saturday_oral", "expected"),
    [
        pytest.param(  # its items on Sunday morning only: the heading under Sunday names both days
            "start = 2026-10-24T22:00:00\nend = 2026-10-25T11:00:00\n",
            SATURDAY_ORAL,
            [("2026-10-25", "session-oral-c", "Sat 24 Oct 22:00 CEST – Sun 25 Oct 11:00 CET · Hörsaal 1")],
            id="evening-before",
        ),
        pytest.param(  # its own times on Saturday, its items on Sunday: Saturday's date and zone
            "start = 2026-10-24T19:00:00\nend = 2026-10-24T20:00:00\n",
            SATURDAY_ORAL,
            [("2026-10-25", "session-oral-c", "Sat 24 Oct 19:00–20:00 CEST · Hörsaal 1")],
            id="day-before",
        ),
        pytest.param(  # an item on each day: Saturday's heading starts on Saturday, Sunday's has its part
            "start = 2026-10-24T22:00:00\nend = 2026-10-25T11:00:00\n",
            SATURDAY_ORAL_IN_C,
            [
                (
                    "2026-10-24",
                    "session-oral-c",
                    "22:00 CEST–11:00 CET (+1d) · Hörsaal 1 · also on Sun 25 Oct",
                ),
                (
                    "2026-10-25",
                    "session-oral-c-2026-10-25",
                    "10:00–10:20 CET · Hörsaal 1 · also on Sat 24 Oct",
                ),
            ],
            id="items-on-both-days",
        ),
    ],
)
def test_a_session_from_the_day_before_its_items_names_its_days(
    tmp_path: Path, times: str, saturday_oral: str, expected: list[tuple[str, str, str]]
) -> None:
    """Oral session C gets its own times from Saturday evening, its oral is on Sunday morning:
    under Sunday its heading read "22:00 CEST–11:00 CET (+1d)", Sunday night to Monday. A
    heading under another day than its start gives its days; one that starts on its own day
    reads as before."""
    text = WORKSHOP.read_text(encoding="utf-8")
    assert text.count(ORAL_C) == 1
    assert text.count(SATURDAY_ORAL) == 1
    edited = text.replace(ORAL_C, ORAL_C + times).replace(SATURDAY_ORAL, saturday_oral)
    output = workshop_page(tmp_path, edited)
    headings = SessionHeadings((output / INDEX).read_text(encoding="utf-8")).headings
    assert [(h.day, h.id, h.line) for h in headings if h.name == "Oral session C"] == expected
    assert [h.events for h in headings if h.name == "Oral session C"][-1] == ["energy-budgets.oral"]


MULTI_DAY = """
[[items]]
id = "hackathon"
title = "Climate hackathon"

[items.social]
start = 2026-10-23T18:00:00
end = 2026-10-25T16:00:00
venue = "brauhaus"

[[items]]
id = "late-jam"
title = "Late jam"

[items.social]
start = 2026-10-24T22:00:00
end = 2026-10-25T04:30:00
venue = "brauhaus"
"""


class DayLists(HTMLParser):
    """Each day's list on index.html: (day, class of the line, what it names: its id, or the
    event a continuing line links to; the text of its first line)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[list[str]] = []
        self._day = ""
        self._in_when = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "section" and "dayblock" in values.get("class", ""):
            self._day = values["data-day"]
        elif tag == "li" and values.get("class", "").split()[:1] in (["event"], ["continues"]):
            self.lines.append([self._day, values["class"], values.get("id", ""), values["data-key"], ""])
        elif tag == "a" and self.lines and values.get("href", "").startswith("#") and not self.lines[-1][2]:
            self.lines[-1][2] = values["href"]
        elif tag == "p" and values.get("class") == "when":
            self._in_when = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "p":
            self._in_when = False

    def handle_data(self, data: str) -> None:
        if self._in_when and self.lines:
            self.lines[-1][4] += data


def test_an_event_over_several_days_is_listed_on_each_as_continuing(tmp_path: Path) -> None:
    """A hackathon from Friday 18:00 to Sunday 16:00 is listed under Friday, and again at the top
    of Saturday and of Sunday, marked "Continues, day 2 of 3" and "day 3 of 3", with its whole
    time, a link to its line and the same pick key. Days change at 04:00: the hack night (until
    Sunday 04:00) is on Saturday only, a jam until 04:30 continues on Sunday (as the Day filter
    finds them); Friday, with no event starting on it, gets a day of its own."""
    output = workshop_page(tmp_path, WORKSHOP.read_text(encoding="utf-8") + MULTI_DAY)
    html = (output / INDEX).read_text(encoding="utf-8")
    lines = DayLists(html).lines
    continuing = [line for line in lines if line[1] == "continues"]
    hackathon, jam = pick_key("hackathon.social"), pick_key("late-jam.social")
    assert continuing == [
        [
            "2026-10-24",
            "continues",
            "#hackathon.social",
            hackathon,
            "Continues, day 2 of 3 · Fri 23 Oct 18:00 CEST – Sun 25 Oct 16:00 CET · Social event",
        ],
        [
            "2026-10-25",
            "continues",
            "#hackathon.social",
            hackathon,
            "Continues, day 3 of 3 · Fri 23 Oct 18:00 CEST – Sun 25 Oct 16:00 CET · Social event",
        ],
        [
            "2026-10-25",
            "continues",
            "#late-jam.social",
            jam,
            "Continues, day 2 of 2 · Sat 24 Oct 22:00 CEST – Sun 25 Oct 04:30 CET · Social event",
        ],
    ]
    days = [line[0] for line in lines]
    assert days == sorted(days)
    first_of = {day: next(line for line in lines if line[0] == day) for day in dict.fromkeys(days)}
    assert [line[2] for line in first_of.values()] == [
        "hackathon.social",
        "#hackathon.social",
        "#hackathon.social",
    ]
    events = re.findall(r'<li class="event[^"]*" id="([^"]+)"', html)
    assert [line[2] for line in lines if line[1] == "event"] == events
    assert [line[0] for line in lines if line[3] == pick_key("hack-night.social")] == ["2026-10-24"]
    assert 'href="#day-2026-10-23">Fri 23 Oct</a>' in html
    assert '<option value="2026-10-23">Fri 23 Oct</option>' in html


def in_paper(text: str, paper: str, old: str, new: str) -> str:
    """``text`` with the first ``old`` after the line ``id = "<paper>"`` made ``new``."""
    at = text.index(f'\nid = "{paper}"\n')
    assert old in text[at:]
    return text[:at] + text[at:].replace(old, new, 1)


def marks_of(html: str) -> dict[str, tuple[str, str]]:
    """Each marked event's mark on index.html: (its words, its link)."""
    marks = {}
    for line in html.splitlines():
        found = re.match(
            r'<li class="event[^"]*" id="([^"]+)".*<a class="changed" href="([^"]+)">([^<]+)<', line
        )
        if found:
            marks[found[1]] = (found[3], found[2])
    return marks


def test_an_event_the_latest_release_moved_is_marked_with_a_link_to_the_release(tmp_path: Path) -> None:
    """A release moves an oral, gives another a new room and does both to a third: each is
    marked "Moved", "Place changed" or "Moved, place changed", linking the release on
    changes.html; no other event is. A build without changes keeps the page as it is; the next
    release marks only what it changed."""
    events, output = tmp_path / "events.toml", tmp_path / "output"

    def build(text: str, updated: str) -> str:
        events.write_text(re.sub(r"(?m)^updated = .*$", f"updated = {updated}", text, count=1), "utf-8")
        result = CliRunner().invoke(cli, ["build", str(events), "-o", str(output)])
        assert result.exit_code == 0, result.output
        return (output / INDEX).read_text(encoding="utf-8")

    text = EVENTS.read_text(encoding="utf-8")
    assert marks_of(build(text, "2023-12-11T00:00:00Z")) == {}
    text = in_paper(text, "privacy-auditing-one-training-run", "T15:40:00\n", "T16:10:00\n")
    text = in_paper(text, "privacy-auditing-one-training-run", "T16:40:00\n", "T17:10:00\n")
    text = in_paper(text, "emergent-abilities-mirage", 'room = "Hall C2"', 'room = "Hall E"')
    text = in_paper(text, "direct-preference-optimization", "T15:20:00\n", "T15:30:00\n")
    text = in_paper(text, "direct-preference-optimization", 'room = "Ballroom A-C"', 'room = "Hall E"')
    page = build(text, "2023-12-12T08:00:00Z")
    release = "changes.html#release-20231212T080000Z"
    assert marks_of(page) == {
        "privacy-auditing-one-training-run.oral": ("Moved", release),
        "emergent-abilities-mirage.oral": ("Place changed", release),
        "direct-preference-optimization.oral": ("Moved, place changed", release),
    }
    assert '<h2 id="release-20231212T080000Z">' in (output / "changes.html").read_text(encoding="utf-8")
    assert page.count('<span class="vh">: see the programme changes</span>') == 3
    assert build(text, "2023-12-12T09:00:00Z") == page  # nothing changed: no release, the same marks

    text = in_paper(text, "climsim", 'room = "Ballroom A-C"', 'room = "Hall E"')
    assert marks_of(build(text, "2023-12-13T08:00:00Z")) == {
        "climsim.oral": ("Place changed", "changes.html#release-20231213T080000Z")
    }
