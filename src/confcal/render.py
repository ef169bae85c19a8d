"""Programme → iCalendar bytes. Pure and deterministic: no clock, no I/O.

Each VEVENT's body (all but its revision lines) is serialised once, directly but byte for byte
as icalendar would (confcal.vevent), and completed with its revision; its bytes are reused by
every feed that holds it. A calendar is its header (``CalendarHeads``) and VTIMEZONE, with the
event blocks spliced in before ``END:VCALENDAR``: byte for byte what icalendar writes for the
same Calendar holding those events (tests/test_render.py and tests/test_scale.py check this).
icalendar itself is the reference in the tests, and writes only values confcal.vevent does not.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping, MutableMapping
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, cast

from confcal import zones
from confcal.feeds import Feed
from confcal.model import SESSION_KIND, Event, Paper, Programme, Revision
from confcal.vevent import FOLD_LIMIT as FOLD_LIMIT
from confcal.vevent import (
    UTC_ZONES,
    Body,
    Uri,
    complete,
    duration,
    escape_text,
    serialise_body,
    serialise_event,
)
from confcal.vevent import fold as fold

if TYPE_CHECKING:
    import icalendar

PRODID = "-//confcal//confcal//EN"
UID_DOMAIN = "confcal"
_END = b"END:VCALENDAR\r\n"
RenderCacheEntry = tuple[bytes, int, int, int]
"""A ``Body`` as the render cache holds it (marshal writes plain tuples)."""


def uid(programme: Programme, event: Event) -> str:
    """Stable identity of a slot: conference, paper and kind of session, never a title or index."""
    return f"{programme.conference.id}.{event.id}@{UID_DOMAIN}"


def summary(programme: Programme, event: Event, paper: Paper) -> str:
    """'Oral: <title>', '<session>: <title>' for a talk, the session's name for a session."""
    prefix = event.session if event.kind == "talk" else kind_label(programme, event)
    text = paper.title if event.kind == SESSION_KIND else f"{prefix}: {paper.title}"
    return f"Cancelled: {text}" if event.status == "cancelled" else text


def kind_label(programme: Programme, event: Event) -> str:
    """The slot's kind as its SUMMARY and CATEGORIES name it: the kind's label, but for a kept
    cancellation the label it was last published with (``Event.published_label``)."""
    return programme.kind(event.kind).label if event.published_label is None else event.published_label


def location(programme: Programme, event: Event) -> str:
    """The place, then the venue: the conference's (``own_venue``), or the slot's own (``where``)."""
    place = where(programme, event)
    if place != event.place:  # an off-site venue, or a room in another building
        return place
    return f"{event.place}, {own_venue(programme, event)}" if event.place else ""


def own_venue(programme: Programme, event: Event) -> str:
    """The conference's venue as the slot names it: ``conference.venue``, but for a kept
    cancellation the venue it was last published at (``Event.published_venue``)."""
    return programme.conference.venue if event.published_venue is None else event.published_venue


def where(programme: Programme, event: Event) -> str:
    """The slot's place as its LOCATION names it, but for the conference's own venue, which is
    every slot's: its room, level and board, then its off-site venue by name and address (by id
    once the programme no longer declares it, as a slot the state file recorded may be) or its
    room's own building (address). "" when the source gives no place. A kept cancellation's is
    the place it was published at (``Event.published_place``)."""
    if event.published_place is not None:
        return event.published_place
    building = ""
    if event.venue:
        venue = programme.declared_venue(event.venue)
        building = str(venue) if venue else event.venue
    elif event.room_id:
        room = programme.declared_room(event.room_id)
        building = room.address if room else ""
    return f"{event.place}, {building}" if event.place and building else event.place or building


def award(programme: Programme, paper: Paper) -> str:
    """The item's category (award or track) as a line; "" for an item without one."""
    name = programme.category_name(paper)
    return f"{name} ({paper.subcategory} category)" if paper.subcategory else name


def streamed(programme: Programme, event: Event) -> bool:
    return event.streamed if event.streamed is not None else event.kind in programme.conference.streamed


def online(programme: Programme, event: Event) -> bool:
    """Whether the slot takes place online: no place, and a ``url`` that is not a stream (the
    slot is not streamed), so the url is where one joins it (a video call)."""
    return bool(event.stream_url) and not location(programme, event) and not streamed(programme, event)


def description(programme: Programme, event: Event, notice: str = "") -> str:
    """Plain text; ``notice`` (what changed in the latest release) comes first, on its own.

    A slot with a ``url`` never reads "Not streamed.": the url line says how to watch or join it,
    and an online slot (``online``) says so as its place. A kept cancellation whose streaming is
    not known (``Event.streaming_unknown``) says nothing of it rather than guess."""
    paper = programme.paper(event.paper)
    conference = programme.conference
    where = location(programme, event) or ("online" if online(programme, event) else "not announced")
    details = [
        *([category] if (category := award(programme, paper)) else []),
        f"{event.session}: {_span(event.start, event.end, conference.timezone)} ({conference.timezone})",
        f"Place: {where}",
    ]
    if speakers := [*event.speakers, *(str(person) for person in paper.speakers)]:
        details.append(f"Speakers: {', '.join(speakers)}")
    if event.streaming_unknown:  # a kept cancellation the state file does not say this of
        pass
    elif streamed(programme, event):
        details.append("Streamed and available virtually.")
    elif not event.stream_url:
        details.append("Not streamed.")
    if event.stream_url:
        details.append(f"Watch or join: {event.stream_url}")
    blocks = [notice] if notice else []
    blocks.append("\n".join(details))
    if paper.authors:
        blocks.append(f"Authors: {', '.join(paper.authors)}")
    if paper.note:
        blocks.append(paper.note)
    if paper.abstract and conference.abstracts != "none":
        if conference.abstracts == "short":
            blocks.append(short_abstract(paper))
        else:
            blocks.append(f"Abstract: {paper.abstract}")
    links = ([("Paper", paper.url)] if paper.url else []) + [(li.label, li.url) for li in paper.links]
    if links:
        blocks.append("Links:\n" + "\n".join(f"{label}: {url}" for label, url in links))
    footer = f"{conference.name}, {own_venue(programme, event)}, {conference.city}"
    blocks.append(f"{footer}: {conference.website}" if conference.website else footer)
    return "\n\n".join(blocks)


@functools.lru_cache(maxsize=4096)
def _span(start: datetime, end: datetime, timezone: str) -> str:
    """``zones.span`` in the conference's zone; events share a few hundred distinct spans."""
    return zones.span(start, end, zones.zone(timezone))


SHORT_ABSTRACT = 300
_CLOSING = ")\"'’”」』）】〕〉》"
_SENTENCE_END = re.compile(rf"[.!?][{_CLOSING}]?(?=\s)|(?:[。｡！？]|．(?!\d))+[{_CLOSING}]*")
"""A sentence's end: ``.``, ``!`` or ``?`` followed by white space, or a CJK full stop or mark
(``。`` ``｡`` ``．`` ``！`` ``？``), which needs none; either with its closing bracket or quote.
A fullwidth ``．`` before a digit (any decimal digit) is a decimal point (``１．５倍``)."""


def short_abstract(paper: Paper) -> str:
    """The abstract cut at the sentence end nearest to SHORT_ABSTRACT characters, else at the
    last space in the half before them, else at SHORT_ABSTRACT characters (text without spaces:
    Chinese, Japanese); never inside a grapheme cluster (``cluster_boundary``), pointing to the
    paper's page for the rest."""
    text = paper.abstract
    if len(text) <= SHORT_ABSTRACT * 1.2:
        return f"Abstract: {text}"
    ends = [m.end() for m in _SENTENCE_END.finditer(text, 0, int(SHORT_ABSTRACT * 1.5))]
    last = len(text.rstrip())  # a cut at the abstract's own end would shorten nothing
    near = [end for end in ends if SHORT_ABSTRACT // 2 <= end < last and cluster_boundary(text, end)]
    if near:
        end = min(near, key=lambda end: abs(end - SHORT_ABSTRACT))
    else:
        space = text.rfind(" ", SHORT_ABSTRACT // 2, SHORT_ABSTRACT)
        end = space if space > 0 else SHORT_ABSTRACT
        while end and not cluster_boundary(text, end):
            end -= 1
        if not end:  # one cluster of 300 characters (stacked marks): nothing to cut it at
            return f"Abstract: {text}"
    more = f"\nFull abstract: {paper.url}" if paper.url else ""
    return f"Abstract (shortened): {text[:end]} …{more}"


_ZWJ = "\u200d"
_EXTENDERS = frozenset("\u200c\u200d\uff9e\uff9f")  # ZWNJ, ZWJ, halfwidth katakana (semi-)voiced marks
_HANGUL_JOINS = {"L": {"L", "V", "LV", "LVT"}, "LV": {"V", "T"}, "V": {"V", "T"}, "LVT": {"T"}, "T": {"T"}}
"""What each Hangul part (``_jamo``) joins in one syllable when it comes next."""


def cluster_boundary(text: str, index: int) -> bool:
    """Whether ``text`` may be cut before ``text[index]`` without splitting what a reader sees as
    one character (a grapheme cluster). The standard library has no grapheme segmentation; this is
    the part of UAX #29 that text can hold, erring towards keeping characters together:

    - nothing that extends the character before it starts a piece: a combining mark (any
      category M: accents, variation selectors, spacing marks), a zero-width joiner or
      non-joiner, an emoji modifier (skin tone), a tag character (the flags of England or
      Scotland), a halfwidth katakana voiced mark;
    - nothing follows a zero-width joiner (👩‍🔬 is one character), nor a virama before a letter
      (a conjunct of Devanagari and its kin);
    - regional indicators pair up from the first of a run (🇯🇵🇫🇷 is two flags);
    - Hangul jamo that make one syllable stay together, as do CR LF.

    Not handled: prefix characters such as the Arabic number sign, which join the next one."""
    if index <= 0 or index >= len(text):
        return True
    before, after = text[index - 1], text[index]
    if _extends(after) or before == _ZWJ or (before, after) == ("\r", "\n"):
        return False
    if unicodedata.combining(before) == _VIRAMA and unicodedata.category(after) == "Lo":
        return False
    if _regional_indicator(before) and _regional_indicator(after):
        run = index - 1
        while run > 0 and _regional_indicator(text[run - 1]):
            run -= 1
        return (index - run) % 2 == 0
    return _jamo(after) not in _HANGUL_JOINS.get(_jamo(before), ())


_VIRAMA = 9  # canonical combining class of a virama


def _extends(char: str) -> bool:
    code = ord(char)
    return (
        unicodedata.category(char).startswith("M")
        or char in _EXTENDERS
        or 0x1F3FB <= code <= 0x1F3FF  # emoji modifiers
        or 0xE0020 <= code <= 0xE007F  # tags
    )


def _regional_indicator(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _jamo(char: str) -> str:
    """A Hangul character's part of a syllable: leading consonant (L), vowel (V), trailing
    consonant (T), or a precomposed syllable with (LVT) or without (LV) a trailing one; else ""."""
    code = ord(char)
    if 0x1100 <= code <= 0x115F or 0xA960 <= code <= 0xA97C:
        return "L"
    if 0x1160 <= code <= 0x11A7 or 0xD7B0 <= code <= 0xD7C6:
        return "V"
    if 0x11A8 <= code <= 0x11FF or 0xD7CB <= code <= 0xD7FB:
        return "T"
    if 0xAC00 <= code <= 0xD7A3:
        return "LV" if (code - 0xAC00) % 28 == 0 else "LVT"
    return ""


def serialise(component: icalendar.cal.component.Component) -> bytes:
    """``component.to_ical()``, folding with ``fold``."""
    lines = component.content_lines()
    return b"\r\n".join(fold(line.encode("utf-8")) for line in lines if line) + b"\r\n"


def first_revision(programme: Programme) -> Revision:
    """The revision of every event in a first build: SEQUENCE 0, LAST-MODIFIED the stamp."""
    return Revision(sequence=0, last_modified=programme.conference.updated)


def render_event(programme: Programme, event: Event, revision: Revision | None = None) -> bytes:
    """One VEVENT; without a revision, as in a first build. The bytes of
    ``serialise(event_component(...))`` (icalendar), written directly (confcal.vevent)."""
    return finish(programme, event, render_body(programme, event), revision)


def render_body(programme: Programme, event: Event) -> Body:
    """The VEVENT without its revision lines: what the event is, whatever its revision."""
    return serialise_body(body_properties(programme, event))


def content_digest(body: Body) -> str:
    """The event's content in the state file: a digest of every byte of it but its revision."""
    return hashlib.sha256(body.text).hexdigest()


def finish(programme: Programme, event: Event, body: Body, revision: Revision | None = None) -> bytes:
    """The event's ``body`` with ``revision``'s lines; an event with a notice (which starts its
    DESCRIPTION) is serialised again with it."""
    revision = revision or first_revision(programme)
    if revision.notice:
        return serialise_event(event_properties(programme, event, revision))
    return complete(
        body, dtstamp=revision.last_modified, sequence=revision.sequence, last_modified=revision.last_modified
    )


def event_properties(
    programme: Programme, event: Event, revision: Revision | None = None
) -> list[tuple[str, object]]:
    """The VEVENT's properties: ``body_properties``, then its revision's.

    DTSTAMP is the slot's LAST-MODIFIED, so publishing an edit leaves every other event as it was.
    """
    revision = revision or first_revision(programme)
    return [
        *body_properties(programme, event, revision.notice),
        ("dtstamp", revision.last_modified),
        ("sequence", revision.sequence),
        ("last-modified", revision.last_modified),
    ]


def body_properties(programme: Programme, event: Event, notice: str = "") -> list[tuple[str, object]]:
    """The VEVENT's properties but its revision's (REVISION_PROPERTIES), in the order they are added;
    ``notice`` starts the DESCRIPTION."""
    paper = programme.paper(event.paper)
    properties: list[tuple[str, object]] = [
        ("uid", uid(programme, event)),
        ("dtstart", event.start),
        ("dtend", event.end),
        ("summary", summary(programme, event, paper)),
    ]
    if place := location(programme, event):
        properties.append(("location", place))
    properties.append(("description", description(programme, event, notice)))
    if paper.url:
        properties.append(("url", paper.url))
    if event.stream_url:
        label = "Stream" if streamed(programme, event) else "Join"
        properties.append(("conference", conference_uri(event.stream_url, label=label)))
    category = programme.category_name(paper)
    properties += [
        ("categories", [*([category] if category else []), kind_label(programme, event)]),
        ("status", event.status.upper()),
    ]
    return properties


def conference_uri(url: str, *, label: str = "Stream") -> Uri:
    """RFC 7986 CONFERENCE: where to watch or join, read by Google Calendar, Apple and Outlook;
    ``label``: "Stream" for a streamed slot, "Join" for a video call."""
    return Uri(url, (("VALUE", "URI"), ("FEATURE", "VIDEO"), ("LABEL", label)))


def event_component(programme: Programme, event: Event, revision: Revision | None = None) -> icalendar.Event:
    """The VEVENT as an icalendar component: the reference ``render_event`` is checked against."""
    import icalendar

    component = icalendar.Event()
    for name, value in event_properties(programme, event, revision):
        if isinstance(value, Uri):
            value = icalendar.vUri(value.uri, params=dict(value.parameters))
        component.add(name, value)
    return component


_NO_STAMP = datetime(1970, 1, 1, tzinfo=UTC)


def event_keys(programme: Programme) -> dict[str, str]:
    """A digest of everything each event's body depends on, by event id, for the render cache:
    the conference, the event's category, kind, venue, room and paper.

    The model is made of frozen dataclasses, tuples and aware datetimes, whose reprs are
    deterministic; the cache itself is namespaced by the code and library versions. The
    conference, the categories and each paper are turned into text once, not once per event;
    the parts are joined with NUL, which no repr holds. The conference's stamp (publish.updated,
    SOURCE_DATE_EPOCH) is left out: it shapes no body, schedule entry or line of the page, and
    it moves at every publish, which would otherwise render every event again.
    """
    shared = repr(dataclasses.replace(programme.conference, updated=_NO_STAMP))
    categories = {category.id: repr(category) for category in programme.categories}
    papers: dict[str, str] = {}  # the paper's text with its category's
    places: dict[tuple[str, str, str], str] = {}  # the kind's, venue's and room's text
    keys: dict[str, str] = {}
    for event in (*programme.events, *programme.session_events):
        paper = papers.get(event.paper)
        if paper is None:
            item = programme.paper(event.paper)
            category = categories[item.category] if item.category else ""
            paper = papers[event.paper] = f"{category}\0{item!r}"
        where = (event.kind, event.venue, event.room_id)
        place = places.get(where)
        if place is None:
            venue = repr(programme.venue(event.venue)) if event.venue else ""
            room = repr(programme.room(event.room_id)) if event.room_id else ""
            place = places[where] = f"{programme.kind(event.kind)!r}\0{venue}\0{room}"
        inputs = f"{shared}\0{paper}\0{place}\0{event!r}"
        keys[event.id] = hashlib.sha256(inputs.encode()).hexdigest()
    return keys


def render_bodies(
    programme: Programme,
    *,
    cache: MutableMapping[str, RenderCacheEntry] | None = None,
    keys: Mapping[str, str] | None = None,
) -> dict[str, Body]:
    """The body of every event of the programme and every session event, by event id.

    With a ``cache`` (event key → body), events whose inputs did not change are taken from it
    and the cache is left holding exactly this programme's events; the bodies are the same
    either way. ``keys``: the cache keys (``event_keys``) when the caller has them.
    """
    every = (*programme.events, *programme.session_events)
    if keys is None:
        keys = event_keys(programme) if cache is not None else {}
    bodies: dict[str, Body] = {}
    missing: list[Event] = []
    for event in every:
        hit = cache.get(keys[event.id]) if cache is not None else None
        if hit is None:
            missing.append(event)
        else:
            bodies[event.id] = Body._make(hit)
    for event in missing:
        bodies[event.id] = render_body(programme, event)
    if cache is not None:
        cache.clear()
        cache.update(
            (keys[event_id], (b.text, b.stamp_at, b.sequence_at, b.modified_at))
            for event_id, b in bodies.items()
        )
    return {event.id: bodies[event.id] for event in every}


def render_events(
    programme: Programme,
    *,
    revisions: Mapping[str, Revision] | None = None,
    bodies: Mapping[str, Body] | None = None,
) -> dict[str, bytes]:
    """Every event of the programme and every session event, rendered once, by event id.

    ``revisions`` (from ``confcal.revisions``) give each event's SEQUENCE and LAST-MODIFIED;
    an event without one is rendered as in a first build. ``bodies`` are the events' bodies
    (``render_bodies``, as ``revise`` keeps them); without them they are rendered here.
    """
    revisions = revisions or {}
    if bodies is None:
        bodies = render_bodies(programme)
    first = first_revision(programme)
    return {
        event.id: finish(programme, event, bodies[event.id], revisions.get(event.id, first))
        for event in (*programme.events, *programme.session_events)
    }


def vtimezone(programme: Programme) -> bytes:
    """The conference's VTIMEZONE, limited to the years its events span (empty for UTC by any of
    its names, whose times are written with a Z and need none: ``UTC_ZONES``), checked against
    every event's start and end: ZoneDataError if a calendar app would read any of them as
    another instant."""
    name = programme.conference.timezone
    if name in UTC_ZONES:
        return b""
    years = [e.start.year for e in programme.events] + [e.end.year for e in programme.events]
    data = zones.vtimezone(name, date(min(years), 1, 1), date(max(years) + 1, 1, 1))
    moments = ((f"{e.id}.{end}", getattr(e, end)) for e in programme.events for end in ("start", "end"))
    zones.verify(data, name, moments)
    return data


def timezone_component(programme: Programme) -> icalendar.Timezone | None:
    """``vtimezone`` as an icalendar component (None for UTC)."""
    import icalendar

    data = vtimezone(programme)
    if not data:
        return None
    return cast("icalendar.Timezone", icalendar.Timezone.from_ical(data))


class CalendarHeads:
    """Each feed's calendar up to its events: its properties, then the VTIMEZONE (made once for
    all feeds), as icalendar serialises ``calendar_component`` (tests/test_render.py).

    Feeds differ only in their name and description: the other lines are written once, and
    each feed's four lines with its own values, escaped as icalendar's vText escapes and folded.
    """

    def __init__(self, programme: Programme) -> None:
        conference = programme.conference
        interval = duration(conference.refresh_interval)
        self.vtimezone = vtimezone(programme)
        self.start = _lines(
            "BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"
        )
        self.end = (
            _lines(
                f"REFRESH-INTERVAL;VALUE=DURATION:{interval}",
                *([f"URL:{conference.website}"] if conference.website else []),
                f"X-PUBLISHED-TTL:{interval}",
                f"X-WR-TIMEZONE:{escape_text(conference.timezone)}",
            )
            + self.vtimezone
        )

    def __call__(self, feed: Feed) -> bytes:
        name, description = escape_text(feed.name), escape_text(feed.description)
        lines = (
            f"DESCRIPTION:{description}",
            f"X-WR-CALDESC:{description}",
            f"NAME:{name}",
            f"X-WR-CALNAME:{name}",
        )
        return b"".join((self.start, _lines(*lines), self.end))


def _lines(*lines: str) -> bytes:
    return b"".join(fold(line.encode("utf-8")) + b"\r\n" for line in lines)


def calendar_component(programme: Programme, feed: Feed) -> icalendar.Calendar:
    """The feed's calendar with its properties, without VTIMEZONE or events: the reference
    ``CalendarHeads`` is checked against."""
    import icalendar

    conference = programme.conference
    calendar = icalendar.Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", PRODID)
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", icalendar.vText(feed.name))  # icalendar types NAME as unknown, unescaped
    calendar.add("x-wr-calname", icalendar.vText(feed.name))
    calendar.add("description", feed.description)
    calendar.add("x-wr-caldesc", icalendar.vText(feed.description))
    calendar.add("x-wr-timezone", icalendar.vText(conference.timezone))
    calendar.add("refresh-interval", conference.refresh_interval, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(conference.refresh_interval))
    if conference.website:
        calendar.add("url", conference.website)
    return calendar


def assemble(head: bytes, blocks: Iterable[bytes]) -> bytes:
    return b"".join((head, *blocks, _END))  # one copy of the events, not three


def render_feeds(
    programme: Programme, feeds: Iterable[Feed], *, blocks: Mapping[str, bytes]
) -> dict[str, bytes]:
    """Each feed's file name → its bytes, from the events' bytes (``render_events``, or the
    reminders variant of them)."""
    head = CalendarHeads(programme)
    return {feed.filename: assemble(head(feed), (blocks[e.id] for e in feed.events)) for feed in feeds}
