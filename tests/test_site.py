"""index.html: every feed's four links in the formats of FEEDS.md, links that resolve, the programme."""

from __future__ import annotations

import dataclasses
import itertools
import re
import subprocess
import sys
import urllib.parse
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from confcal import zones
from confcal.cli import cli
from confcal.feeds import Feed, feeds
from confcal.load import load
from confcal.model import Programme
from confcal.site import CHANGES_FEED, INDEX, _zone_labels, feed_links
from tests.helpers import plan

ROOT = Path(__file__).resolve().parent.parent
EVENTS = ROOT / "events.toml"
WORKSHOP = ROOT / "tests" / "programmes" / "workshop.toml"
BASE_URL = "https://example.org/neurips-2023/"


@dataclasses.dataclass
class Link:
    href: str
    text: str


@dataclasses.dataclass
class FeedBlock:
    heading: str = ""
    links: list[Link] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class EventItem:
    datetime: str = ""
    text: str = ""
    links: list[Link] = dataclasses.field(default_factory=list)


class Page(HTMLParser):
    """Just enough of index.html to check it: headings, links, feed blocks, programme events."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.headings: list[tuple[int, str]] = []
        self.links: list[Link] = []
        self.feeds: list[FeedBlock] = []
        self.events: list[EventItem] = []
        self.text: list[str] = []
        self._open: list[str] = []
        self._heading: list[str] | None = None
        self._link: Link | None = None
        self._feed: FeedBlock | None = None
        self._event: EventItem | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        self.tags.append((tag, attributes))
        classes = attributes.get("class", "").split()
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self._heading = []
        elif tag == "a" and "href" in attributes:
            self._link = Link(href=attributes.get("href", ""), text="")
        elif tag == "article" and "feed" in classes:
            self._feed = FeedBlock()
        elif tag == "li" and "event" in classes:
            self._event = EventItem()
        elif tag == "time" and self._event is not None:
            self._event.datetime = attributes.get("datetime", "")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"} and self._heading is not None:
            text = " ".join("".join(self._heading).split())
            self.headings.append((int(tag[1]), text))
            if self._feed is not None and not self._feed.heading:
                self._feed.heading = text
            self._heading = None
        elif tag == "a" and self._link is not None:
            self._link.text = " ".join(self._link.text.split())
            self.links.append(self._link)
            for block in (self._feed, self._event):
                if block is not None:
                    block.links.append(self._link)
            self._link = None
        elif tag == "article" and self._feed is not None:
            self.feeds.append(self._feed)
            self._feed = None
        elif tag == "li" and self._event is not None:
            self.events.append(self._event)
            self._event = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        for sink in (self._heading,):
            if sink is not None:
                sink.append(data)
        if self._link is not None:
            self._link.text += data
        if self._event is not None:
            self._event.text += data


def programme_at(base_url: str) -> Programme:
    programme = load(EVENTS)
    conference = dataclasses.replace(programme.conference, base_url=base_url)
    return dataclasses.replace(programme, conference=conference)


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """output/ built by the CLI with a public address."""
    output = tmp_path_factory.mktemp("published")
    result = CliRunner().invoke(cli, ["build", str(EVENTS), "-o", str(output), "--base-url", BASE_URL])
    assert result.exit_code == 0, result.output
    return output


def page_of(output: Path) -> Page:
    return Page((output / INDEX).read_text(encoding="utf-8"))


def test_every_feed_has_the_four_links_in_the_expected_formats(published: Path) -> None:
    programme = programme_at(BASE_URL)
    page = page_of(published)
    expected = feeds(programme)
    assert [block.heading for block in page.feeds] == [feed.name for feed in expected]
    for feed, block in zip(expected, page.feeds, strict=True):
        public = urllib.parse.urljoin(BASE_URL, feed.filename)
        by_kind = {classify(link.href): link for link in block.links}
        assert sorted(by_kind) == ["download", "google", "outlook", "subscribe"], block.links
        assert len(block.links) == 4

        download = by_kind["download"].href
        assert urllib.parse.urljoin(BASE_URL, download) == public
        assert by_kind["download"].text.startswith("Download")

        webcal = by_kind["subscribe"].href
        parts = urllib.parse.urlsplit(webcal)
        assert parts.scheme == "webcal"
        assert urllib.parse.urlunsplit(parts._replace(scheme="https")) == public
        assert by_kind["subscribe"].text.startswith("Subscribe")

        google = by_kind["google"].href
        prefix = "https://calendar.google.com/calendar/render?cid="
        assert google.startswith(prefix)
        assert google.removeprefix(prefix) == webcal, "the feed URL after cid= stays unencoded"
        assert "Google Calendar" in by_kind["google"].text

        outlook = urllib.parse.urlsplit(by_kind["outlook"].href)
        assert (outlook.scheme, outlook.netloc, outlook.path) == (
            "https",
            "outlook.live.com",
            "/calendar/0/addfromweb",
        )
        query = urllib.parse.parse_qs(outlook.query, strict_parsing=True)
        assert query == {"url": [public], "name": [feed.name]}
        raw = dict(pair.split("=", 1) for pair in outlook.query.split("&"))
        assert not re.search(r"[:/ ]", raw["url"] + raw["name"]), "url and name are percent-encoded"
        assert "Outlook.com" in by_kind["outlook"].text


def classify(href: str) -> str:
    parts = urllib.parse.urlsplit(href)
    if parts.scheme == "webcal":
        return "subscribe"
    if parts.netloc == "calendar.google.com":
        return "google"
    if parts.netloc == "outlook.live.com":
        return "outlook"
    if not parts.scheme and href.endswith(".ics"):
        return "download"
    return f"unexpected: {href}"


def test_every_relative_link_resolves_to_a_built_file(published: Path) -> None:
    page = page_of(published)
    relative = [
        link.href
        for link in page.links
        if not urllib.parse.urlsplit(link.href).scheme and not link.href.startswith("#")
    ]
    assert relative, "the page has download links"
    ids = {attributes["id"] for _, attributes in page.tags if "id" in attributes}
    fragments = [link.href for link in page.links if link.href.startswith("#")]
    assert "#picks" in fragments
    assert {fragment.removeprefix("#") for fragment in fragments} <= ids, "in-page links reach their targets"
    for href in relative:
        target = (published / urllib.parse.unquote(href)).resolve()
        assert target.is_relative_to(published.resolve()), href
        assert target.is_file(), f"{href} does not resolve to a file in output/"
    programme = programme_at(BASE_URL)
    assert {f"papers/{p.id}.ics" for p in programme.papers} <= set(relative)


def test_shipped_page_without_base_url_keeps_downloads_and_says_how_to_subscribe() -> None:
    programme = load(EVENTS)
    assert programme.conference.base_url == ""
    html = plan(programme)[INDEX].decode()
    page = Page(html)
    for feed, block in zip(feeds(programme), page.feeds, strict=True):
        assert [link.href for link in block.links] == [feed.filename]
    text = " ".join("".join(page.text).split())
    assert "base_url" in text
    assert "--base-url" in text
    assert not any(urllib.parse.urlsplit(link.href).scheme == "webcal" for link in page.links)


def test_the_committed_page_is_a_fresh_build() -> None:
    assert (ROOT / "output" / INDEX).read_bytes() == plan(load(EVENTS))[INDEX]


def test_programme_lists_every_event_in_conference_time_with_the_zone_named(published: Path) -> None:
    programme = programme_at(BASE_URL)
    page = page_of(published)
    zone = ZoneInfo(programme.conference.timezone)
    text = " ".join("".join(page.text).split())
    assert programme.conference.timezone in text
    assert len(page.events) == len(programme.events)
    starts = sorted(datetime.fromisoformat(item.datetime) for item in page.events)
    assert starts == sorted(event.start for event in programme.events)
    for item in page.events:
        local = datetime.fromisoformat(item.datetime).astimezone(zone)
        assert f"{local:%H:%M}–" in item.text
        assert str(local.tzname()) in item.text
    day_headings = [text for level, text in page.headings if level == 3 and re.match(r"\w+day \d", text)]
    expected_days = dict.fromkeys(f"{e.start.astimezone(zone):%A %-d %B %Y}" for e in programme.events)
    assert day_headings == list(expected_days)


def test_each_programme_entry_shows_its_paper_and_links_its_calendar_file(published: Path) -> None:
    programme = programme_at(BASE_URL)
    page = page_of(published)
    by_start: dict[datetime, list[EventItem]] = {}
    for item in page.events:
        by_start.setdefault(datetime.fromisoformat(item.datetime), []).append(item)
    for event in programme.events:
        paper = programme.paper(event.paper)
        matches = [i for i in by_start[event.start] if paper.title in i.text and event.session in i.text]
        assert len(matches) == 1, event.id
        item = matches[0]
        for author in paper.authors:
            assert author in item.text
        assert programme.category(paper.category).name in item.text
        if event.place:
            assert event.place in item.text
        assert [link.href for link in item.links] == [f"papers/{paper.id}.ics"]
        assert "to your calendar" in item.links[0].text


def test_page_is_self_contained_and_structured(published: Path) -> None:
    html = (published / INDEX).read_text(encoding="utf-8")
    page = Page(html)
    assert ("html", {"lang": "en", "class": "nojs"}) in page.tags
    assert any(tag == "meta" and attrs.get("name") == "viewport" for tag, attrs in page.tags)
    scripts = [attrs for tag, attrs in page.tags if tag == "script"]
    assert scripts == [{}, {"type": "application/json", "id": "picks-data"}, {}], "inline scripts only"
    for tag, attrs in page.tags:
        assert tag not in {"img", "iframe", "object"}, tag
        if tag == "link":
            assert attrs in (
                {"rel": "icon", "href": "data:,"},
                {
                    "rel": "alternate",
                    "type": "application/atom+xml",
                    "title": "Programme changes",
                    "href": CHANGES_FEED,
                },
            ), "only the empty icon that stops /favicon.ico, and the changes feed beside the page"
        assert "src" not in attrs
        assert not any(name.startswith("on") for name in attrs)
    assert "url(" not in html
    assert "@import" not in html
    levels = [level for level, _ in page.headings]
    assert levels.count(1) == 1
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), "no heading level is skipped"
    targets: dict[str, str] = {}
    for link in page.links:
        assert link.text, link.href
        assert targets.setdefault(link.text, link.href) == link.href, f"{link.text!r} means two things"


def relative_luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_every_text_colour_has_enough_contrast_on_every_background(published: Path) -> None:
    css = (published / INDEX).read_text(encoding="utf-8").split("<style>")[1].split("</style>")[0]
    foregrounds = set(re.findall(r"(?<![-\w])color:\s*(#[0-9a-f]{6})", css))
    backgrounds = set(re.findall(r"background:\s*(#[0-9a-f]{6})", css))
    assert foregrounds
    assert backgrounds
    for foreground in foregrounds:
        for background in backgrounds:
            assert contrast(foreground, background) >= 4.5, (foreground, background)


def test_text_from_the_events_file_is_escaped(tmp_path: Path) -> None:
    programme = load(EVENTS)
    hostile = 'Attention <script>alert("x")</script> & "quotes"'
    first = dataclasses.replace(programme.papers[0], title=hostile)
    programme = dataclasses.replace(programme, papers=(first, *programme.papers[1:]))
    page = Page(plan(programme)[INDEX].decode())
    assert [tag for tag, _ in page.tags].count("script") == 3, "the page's own scripts only"
    assert hostile in "".join(page.text)


def test_index_is_identical_across_hash_seeds(tmp_path: Path) -> None:
    outputs = []
    for seed in ("0", "12345"):
        output = tmp_path / seed
        subprocess.run(
            [
                sys.executable,
                "-m",
                "confcal",
                "build",
                str(EVENTS),
                "-o",
                str(output),
                "--base-url",
                BASE_URL,
            ],
            check=True,
            capture_output=True,
            env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"},
        )
        outputs.append(
            {p.relative_to(output): p.read_bytes() for p in sorted(output.rglob("*")) if p.is_file()}
        )
    assert outputs[0] == outputs[1]
    assert Path(INDEX) in outputs[0]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://example.org/neurips", "https://example.org/neurips/"),
        ("https://example.org/", "https://example.org/"),
        ("https://example.org", "https://example.org/"),
    ],
)
def test_base_url_is_normalised_to_end_with_a_slash(tmp_path: Path, value: str, expected: str) -> None:
    events = tmp_path / "events.toml"
    events.write_text(with_base_url_line(f'base_url = "{value}"'), encoding="utf-8")
    assert load(events).conference.base_url == expected


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('base_url = "http://example.org/"', "is not a public address; expected an https URL"),
        ('base_url = "example.org/feeds"', "is not a public address; expected an https URL"),
        ('base_url = "https://example.org/?x=1"', "without query or fragment"),
        ('base_url = "https:///feeds/"', "is not a public address"),
        ("base_url = 42", "expected a string, found an integer (42)"),
        ('base_url = "https://example.org/\tfeeds/"', "holds U+0009 at position 20"),
        ('base_url = "https://example.org/\u2028/"', "holds U+2028 (LINE SEPARATOR) at position 20"),
        ("base_url = 'https://x.org\\@evil.example/'", "holds U+005C at position 13"),
        ('base_url = "https://x.org/<b>"', "holds U+003C at position 14"),
        ("base_url = 'https://x.org/\"a'", "holds U+0022 at position 14"),
        ('base_url = "https://me@x.org/"', "is not a public address"),
    ],
)
def test_bad_base_url_is_reported_with_its_place_and_nothing_is_written(
    tmp_path: Path, line: str, message: str
) -> None:
    events = tmp_path / "events.toml"
    events.write_text(with_base_url_line(line), encoding="utf-8")
    number = events.read_text(encoding="utf-8").split("\n").index(line) + 1
    output = tmp_path / "output"
    result = CliRunner().invoke(cli, ["build", str(events), "-o", str(output)])
    assert result.exit_code == 1
    assert f"{events}:{number}: publish.base_url: " in result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert not output.exists()


def test_base_url_option_overrides_the_events_file_and_is_checked(tmp_path: Path) -> None:
    events = tmp_path / "events.toml"
    events.write_text(with_base_url_line('base_url = "https://old.example.org/"'), encoding="utf-8")
    output = tmp_path / "output"
    runner = CliRunner()
    bad = runner.invoke(cli, ["build", str(events), "-o", str(output), "--base-url", "ftp://x.org/"])
    assert bad.exit_code == 2  # a bad option value is a usage error, like every other option's
    assert "Invalid value for '--base-url': 'ftp://x.org/' is not a public address" in bad.output
    assert not output.exists()
    good = runner.invoke(
        cli, ["build", str(events), "-o", str(output), "--base-url", "https://new.example.org/c"]
    )
    assert good.exit_code == 0, good.output
    html = (output / INDEX).read_text(encoding="utf-8")
    assert "webcal://new.example.org/c/all.ics" in html
    assert "old.example.org" not in html


def with_base_url_line(line: str) -> str:
    text = EVENTS.read_text(encoding="utf-8")
    assert "\n[publish]\n" in text
    return text.replace("\n[publish]\n", f"\n[publish]\n{line}\n", 1)


titles = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=60
).filter(lambda value: value.strip() == value and value != "")
paths = st.lists(st.from_regex(r"[A-Za-z0-9._~-]{1,12}", fullmatch=True), max_size=3)


@given(name=titles, folders=paths)
def test_feed_links_round_trip_any_name_and_address(name: str, folders: list[str]) -> None:
    base_url = "https://example.org/" + "".join(f"{folder}/" for folder in folders)
    feed = Feed(id="all", name=name, description="", events=())
    links = feed_links(feed, base_url=base_url)
    public = base_url + "all.ics"
    assert links.subscribe == "webcal://" + public.removeprefix("https://")
    assert links.google == f"https://calendar.google.com/calendar/render?cid={links.subscribe}"
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(links.outlook).query, strict_parsing=True)
    assert query == {"url": [public], "name": [name]}


@settings(max_examples=25)
@given(title=titles)
def test_any_title_shows_as_written(title: str) -> None:
    programme = load(EVENTS)
    first = dataclasses.replace(programme.papers[0], title=title)
    programme = dataclasses.replace(programme, papers=(first, *programme.papers[1:]))
    page = Page(plan(programme)[INDEX].decode())
    shown = [
        " ".join(item.text.split()) for item in page.events if item.links[0].href.endswith(f"/{first.id}.ics")
    ]
    assert shown
    assert all(" ".join(title.split()) in text for text in shown)


@pytest.mark.parametrize(
    ("base_url", "cid"),
    [
        ("https://example.org/neurips-2023/", "webcal://example.org/neurips-2023/all.ics"),
        ("https://example.org/a&b%23c/", "webcal://example.org/a%26b%2523c/all.ics"),
    ],
)
def test_google_link_percent_encodes_what_would_change_its_meaning(base_url: str, cid: str) -> None:
    """An & would end Google's cid parameter and a %23 would be decoded to a #: both are encoded."""
    links = feed_links(Feed(id="all", name="NeurIPS 2023", description="", events=()), base_url=base_url)
    assert links.google == f"https://calendar.google.com/calendar/render?cid={cid}"
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(links.google).query)
    assert query["cid"] == [links.subscribe]


def test_an_international_address_is_written_in_ascii_in_every_link(tmp_path: Path) -> None:
    """Browsers take webcal: as a scheme without hosts of its own: they leave its host as written,
    and a calendar app given ``b%C3%BCcher.example`` finds no such host. Every link to the public
    address names the host in IDNA (xn--) and percent-encodes the path, as a browser would."""
    output = tmp_path / "output"
    base_url = "https://bücher.example/konferenz-ö/"
    result = CliRunner().invoke(cli, ["build", str(EVENTS), "-o", str(output), "--base-url", base_url])
    assert result.exit_code == 0, result.output
    html = (output / INDEX).read_text(encoding="utf-8")
    page = Page(html)
    public = "https://xn--bcher-kva.example/konferenz-%C3%B6/"
    assert [link.href for link in page.feeds[0].links] == [
        "webcal://xn--bcher-kva.example/konferenz-%C3%B6/all.ics",
        "https://calendar.google.com/calendar/render?cid=webcal://xn--bcher-kva.example/konferenz-%25C3%25B6/all.ics",
        "https://outlook.live.com/calendar/0/addfromweb?url=https%3A%2F%2Fxn--bcher-kva.example%2Fkonferenz-%25C3%25B6"
        "%2Fall.ics&name=NeurIPS%202023",
        "all.ics",
    ]
    google = urllib.parse.parse_qs(urllib.parse.urlsplit(page.feeds[0].links[1].href).query)
    assert google["cid"] == [f"webcal://{public.removeprefix('https://')}all.ics"]
    assert f'href="https://ggt.gaa.st/#url={public}schedule.xml"' in html
    assert f'"base": "{public}"' in html, "the address page.js builds the picks links from"
    assert f'<span class="address">{public}all.ics</span>' in html, "visible to copy, on a phone too"
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert [href for href in hrefs if not href.isascii()] == []


def test_an_item_in_parts_is_added_with_its_parts(tmp_path: Path) -> None:
    """A talk in two parts is "this talk (its 2 parts)", not "(its 2 talks)"; a paper still names
    its kinds of slots."""
    events = tmp_path / "events.toml"
    events.write_text(
        WORKSHOP.read_text(encoding="utf-8")
        + '\n[[items]]\nid = "profiling"\ntitle = "Profiling Learning Systems"\n'
        '\n[[items.talk]]\nstart = 2026-10-24T14:00:00\nend = 2026-10-24T15:30:00\nroom = "hs2"\n'
        '\n[[items.talk]]\nstart = 2026-10-24T16:00:00\nend = 2026-10-24T17:30:00\nroom = "hs2"\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["build", str(events), "-o", str(tmp_path / "output")])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "output" / INDEX).read_text(encoding="utf-8")
    assert re.findall(r'href="items/profiling.ics">Add this ([^<]*) to your calendar', page) == [
        "talk (its 2 parts)",
        "talk (its 2 parts)",
    ]
    assert "Add this paper (its oral and its poster) to your calendar" in page


def test_a_cached_line_of_the_page_is_used_only_for_the_same_view() -> None:
    """index.html keeps each event's line by its whole view (all the line shows): a line is
    reused while the view is the same, made again when it changes, and the cache is left
    holding exactly this page's lines."""
    from confcal.feeds import paper_feeds
    from confcal.site import render_index

    def page(programme: Programme, cache: dict[tuple[object, ...], str] | None) -> bytes:
        return render_index(programme, feeds=feeds(programme), papers=paper_feeds(programme), cache=cache)

    programme = load(EVENTS)
    cache: dict[tuple[object, ...], str] = {("gone",): "<li>gone</li>"}
    fresh = page(programme, cache)
    assert len(cache) == len(programme.events)
    assert ("gone",) not in cache
    assert page(programme, cache) == fresh == page(programme, None)
    marked = {view: line.replace("<h4>", "<h4>(cached) ", 1) for view, line in cache.items()}
    assert page(programme, marked).count(b"<h4>(cached) ") == len(programme.events) - sum(
        event.status == "cancelled" for event in programme.events
    )
    first = programme.papers[0]
    retitled = dataclasses.replace(
        programme,
        papers=(dataclasses.replace(first, title=first.title + " (revised)"), *programme.papers[1:]),
    )
    marked = {view: line.replace("<h4>", "<h4>(cached) ", 1) for view, line in cache.items()}
    edited = page(retitled, marked)
    assert edited == page(retitled, None).replace(b"<h4>", b"<h4>(cached) ").replace(
        f"<h4>(cached) {first.title} (revised)".encode(), f"<h4>{first.title} (revised)".encode()
    )


# Instants around a change of the clocks (the hour that comes twice, the hour skipped) in zones
# that name it differently: Berlin (CEST/CET), Dublin (its winter time is the "negative"
# daylight time), Chicago, and Lord Howe, whose clocks go back half an hour.
CLOCK_CHANGES = (
    ("Europe/Berlin", datetime(2026, 10, 25, 1, tzinfo=UTC)),
    ("Europe/Berlin", datetime(2026, 3, 29, 1, tzinfo=UTC)),
    ("Europe/Dublin", datetime(2026, 10, 25, 1, tzinfo=UTC)),
    ("America/Chicago", datetime(2026, 11, 1, 7, tzinfo=UTC)),
    ("Australia/Lord_Howe", datetime(2026, 4, 4, 15, tzinfo=UTC)),
)
near_a_clock_change = st.builds(
    lambda change, minutes: (change[1] + timedelta(minutes=minutes)).astimezone(ZoneInfo(change[0])),
    st.sampled_from(CLOCK_CHANGES),
    st.integers(-5, 5).map(lambda half_hours: 30 * half_hours),
)


@settings(max_examples=60)
@given(times=st.lists(st.tuples(near_a_clock_change, near_a_clock_change), min_size=1, max_size=12))
def test_the_zone_note_names_each_label_once_as_first_met(times: list[tuple[datetime, datetime]]) -> None:
    """The labels are looked up once per abbreviation and offset, and give what labelling
    every start and end does: each label once, in the order the events first show it."""
    programme = load(WORKSHOP)
    events = tuple(
        dataclasses.replace(event, start=start, end=end)
        for event, (start, end) in zip(itertools.cycle(programme.events), times, strict=False)
    )
    every = (zones.offset_label(moment) for event in events for moment in (event.start, event.end))
    assert _zone_labels(dataclasses.replace(programme, events=events)) == "; ".join(dict.fromkeys(every))
