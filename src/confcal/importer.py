"""A frab/pretalx ``schedule.xml`` or a c3voc ``schedule.json`` → the text of an events.toml.

Two steps: ``read_schedule`` turns either file into ``Source`` values (every problem is a
``ScheduleFileError`` with its position: a line for XML, a JSON path for JSON), then
``events_toml`` writes the events file. Lenient about what real exports do (guids that are not
UUIDs, events past midnight listed under the previous day, empty fields, HTML entities,
durations over 24 hours, rooms named only by the day), strict about what would change an
instant: a time zone that the file does not settle is refused, never guessed, and so is a start
or end that events.toml cannot say (a local time the clocks skip or show twice).

Untrusted XML is parsed with defusedxml (the ``confcal[import]`` extra), which refuses entity
declarations (entity expansion attacks) and external entities.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import sys
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from confcal import zones
from confcal.checked import (
    CONTROL,
    ID_MAX_LENGTH,
    ID_PATTERN,
    LINE_SEPARATOR,
    NONCHARACTER,
    WINDOWS_DEVICES,
    JsonError,
    as_link,
    bidi_problem,
    read_json,
)
from confcal.errors import EventsFileError, Problem, ScheduleFileError, cannot_read
from confcal.load import RESERVED_CATEGORY_IDS, load_document, parse
from confcal.load.reader import YEARS
from confcal.load.schema import SCHEMA
from confcal.mistakes import PLACEHOLDER_CITY, PLACEHOLDER_VENUE
from confcal.model import KIND_LABELS, KINDS, conference_day
from confcal.options import source_date_epoch
from confcal.render import UID_DOMAIN
from confcal.schedule import GENERATOR, JOIN_LINK, ONLINE_ROOM, event_guid

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

_BLOCK_TAGS = "p|div|br|li|ul|ol|h[1-6]|blockquote|pre|hr|table|tr"
_INLINE_TAGS = (
    "a|b|i|em|strong|u|s|strike|del|ins|span|code|kbd|sub|sup|small|big|mark|abbr|cite|q|tt|font|img|td|th"
)
_TAG = re.compile(rf"</?(?:({_BLOCK_TAGS})|(?:{_INLINE_TAGS}))(?:\s[^<>]*)?/?>", re.IGNORECASE)
_URL = re.compile(r"https?://[^\s/$.?#][^\s]*")
_HOURS_MINUTES = re.compile(r"(\d{1,3}):([0-5]\d)(?::([0-5]\d))?")
_BOARD = re.compile(r"Poster board (.+)")
_DEFAULT_TRACK = "Other"


@dataclass(frozen=True)
class SourceEvent:
    where: int | str
    """Position in the source for messages: a line (XML) or a JSON path."""
    key: str
    """The source's guid, else its id: becomes the paper id, so a re-import keeps the UIDs."""
    key_name: str
    """Which of the two ``key`` is: "guid" or "id"."""
    title: str
    start: datetime
    """Aware when the source gives an offset, naive (the clock in the conference's zone) when it
    does not: a clock time read under its day is naive even when the day's start has an offset,
    which is the day's and may not be the event's (the clocks change in the night)."""
    duration: timedelta
    room: str
    type: str
    track: str
    subtitle: str = ""
    abstract: str = ""
    description: str = ""
    persons: tuple[str, ...] = ()
    url: str = ""
    links: tuple[tuple[str, str], ...] = ()
    do_not_stream: bool | None = None
    """schedule.json's ``do_not_stream`` when it is a boolean; the XML has none."""
    day_offset: timedelta | None = None
    """The UTC offset of the day's start, for a start read under its day: a hint to the zone
    when the file names none."""
    slug: str = ""


@dataclass(frozen=True)
class Source:
    name: str
    title: str
    acronym: str
    start: date | None
    end: date | None
    time_zone_name: str
    url: str
    events: tuple[SourceEvent, ...] = field(default=())
    generator: str = ""
    """The ``generator`` name the file gives (``confcal``, ``pretalx``, ``frab``), else ""."""
    tracks: tuple[tuple[str, str], ...] = ()
    """The conference's tracks as it lists them: (name, slug), slug "" when it gives none."""
    buildings: tuple[tuple[str, str], ...] = ()
    """schedule.json's rooms that have a description: (name, description). In a schedule confcal
    wrote, the description of a room not at the conference's venue is its building."""


# -- text -------------------------------------------------------------------------------


_NOT_TEXT = re.compile(f"{NONCHARACTER.pattern}|[\ud800-\udfff]")


_LINE_BREAK = re.compile(f"\n|{LINE_SEPARATOR.pattern}")
"""What ends a line of one line's text: a line feed, or a separator the events file refuses there."""


def clean(value: object, *, multiline: bool = False, markup: bool = True) -> str:
    """Text as events.toml accepts it: no control characters (``checked.CONTROL``), noncharacters
    (``checked.NONCHARACTER``) or lone surrogates (a JSON file may escape one): each becomes a
    space; single-line unless ``multiline``.

    With ``markup`` (another tool's schedule), the text may be HTML: the format does not say (its
    schemas type every field as a string), and pretalx and frab export abstracts, and sometimes
    titles, as HTML (``<p>Intro</p>``, ``<i>Ital</i> &amp; co``). So HTML entities are decoded
    (also when escaped twice), HTML's own tags taken out with their text kept (a block's tag is a
    line break, at most one blank line in a row), and runs of spaces made one; other text in angle
    brackets (``List<String>``) is kept. Without ``markup`` (a schedule confcal wrote: plain text,
    as events.toml holds it), the text is kept as it is: ``a<b and b>c``, ``&amp;``, two spaces."""
    if value is None:
        return ""
    text = str(value)
    if markup:
        for _ in range(2):
            text = html.unescape(text)
        text = _TAG.sub(lambda tag: "\n" if tag.group(1) else "", text)
    text = CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _NOT_TEXT.sub(" ", text)
    if not markup:
        return text.strip() if multiline else _LINE_BREAK.sub(" ", text).strip()
    if multiline:
        lines = "\n".join(line.rstrip() for line in text.strip().split("\n"))
        return re.sub(r"\n{3,}", "\n\n", lines)
    return " ".join(text.split())


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def safe_id(text: str, *, prefix: str) -> str:
    """An events.toml id from any text: a readable slug, or a digest when nothing readable is left.
    A Windows device name (``con``, ``aux``), which the loader refuses as an id, gets ``-1``."""
    candidate = slug(text)
    if not candidate:
        candidate = f"{prefix}-{hashlib.sha256(text.encode()).hexdigest()[:10]}"
    if len(candidate) > ID_MAX_LENGTH:
        digest = hashlib.sha256(text.encode()).hexdigest()[:10]
        candidate = f"{candidate[: ID_MAX_LENGTH - 11].rstrip('-')}-{digest}"
    if candidate in WINDOWS_DEVICES:
        candidate += "-1"
    assert ID_PATTERN.fullmatch(candidate), candidate
    return candidate


def toml_string(value: str) -> str:
    """A TOML basic string: JSON's escapes are a subset of TOML's."""
    return json.dumps(value, ensure_ascii=False)


# -- reading ------------------------------------------------------------------------------


def read_source(source: Path) -> tuple[bytes, str]:
    """The bytes of ``source`` (``-``: standard input) and its name for messages."""
    name = "<stdin>" if str(source) == "-" else str(source)
    try:
        raw = sys.stdin.buffer.read() if str(source) == "-" else source.read_bytes()
    except OSError as error:
        raise ScheduleFileError(name, cannot_read(error, name)) from None
    return raw, name


def read_schedule(raw: bytes, *, name: str) -> Source:
    """Parse schedule.xml or schedule.json bytes (``name`` is used in messages)."""
    stripped = raw.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        raise ScheduleFileError(name, "the file is empty; expected a schedule.xml or schedule.json")
    if stripped.startswith(b"<"):
        source = _XmlReader(name).read(raw)
    elif stripped.startswith((b"{", b"[")):
        source = _JsonReader(name).read(raw)
    else:
        start = stripped[:20].decode("utf-8", errors="replace")
        raise ScheduleFileError(
            name, f"neither XML nor JSON (it starts with {start!r}); expected a schedule.xml or schedule.json"
        )
    _refuse_bidi(source)
    return source


def _refuse_bidi(source: Source) -> None:
    """Stop at the first text to be written that holds a bidirectional control character
    (``checked.bidi_problem``): events.toml refuses them, so the file would not build, and only
    the schedule's author can say what the text should read as."""
    texts: list[tuple[str, str, int | str | None]] = [
        ("the conference's title", source.title, None),
        ("the conference's url", source.url, None),
    ]
    texts += [("the name of a track", name, None) for name, _ in source.tracks]
    for event in source.events:
        fields = [
            ("title", event.title),
            ("subtitle", event.subtitle),
            ("room", event.room),
            ("track", event.track),
            ("type", event.type),
            ("abstract", event.abstract),
            ("description", event.description),
            ("url", event.url),
            *(("name of a person", person) for person in event.persons),
            *(("title of a link", label) for label, _ in event.links),
            *(("url of a link", url) for _, url in event.links),
        ]
        texts += [(f"the {field} of {event.title!r}", text, event.where) for field, text in fields]
    for subject, text, where in texts:
        if problem := bidi_problem(text):
            message = f"{subject} {problem}; remove it from the schedule"
            raise ScheduleFileError(source.name, message, where=where)


def parse_duration(text: str) -> timedelta | None:
    """'01:30', '1:30:00', '25:00' (over 24 hours), '00:45'."""
    match = _HOURS_MINUTES.fullmatch(text.strip())
    if not match:
        return None
    hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return timedelta(hours=hours, minutes=minutes, seconds=seconds)


def parse_instant(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def parse_day(text: str) -> date | None:
    text = text.strip()[:10]
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _start_from_day(day: date | None, day_start: datetime | None, clock: str) -> datetime | None:
    """An event given only as a day and an 'HH:MM' start: the clock time (naive), read in the
    conference's zone. An event earlier in the day than the day's own start is after midnight, so
    on the next date (frab lists 01:00 under the day before). The day start's offset is not the
    event's when the clocks change in between: it is never copied."""
    match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::\d{2})?", clock.strip())
    if day is None or not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        return None
    moment = datetime(day.year, day.month, day.day, hour, minute)
    if day_start is not None and (hour, minute) < (day_start.hour, day_start.minute):
        moment += timedelta(days=1)
    return moment


class _Events:
    """What the two readers share: checking one event's fields, with its position."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.markup = True
        """Whether the text may be HTML: false in a schedule confcal wrote (``clean``)."""

    def text(self, value: object, *, multiline: bool = False) -> str:
        return clean(value, multiline=multiline, markup=self.markup)

    def fail(self, where: int | str, message: str) -> ScheduleFileError:
        return ScheduleFileError(self.name, message, where=where or None)

    def event(
        self,
        *,
        where: int | str,
        fields: Mapping[str, Any],
        room: str,
        day: date | None,
        day_start: datetime | None,
    ) -> SourceEvent:
        title = self.text(fields.get("title"))
        if not title:
            raise self.fail(where, 'the event has no title; expected a <title> (or "title") with text')
        guid = self.text(fields.get("guid"))
        key = guid or self.text(fields.get("id"))
        if not key:
            raise self.fail(where, f"{title!r} has neither a guid nor an id; expected one to identify it")
        date_text = self.text(fields.get("date"))
        start = parse_instant(date_text) if date_text else None
        if date_text and start is None:
            raise self.fail(
                where, f"date {date_text!r} is not a date-time; expected one like 2023-12-27T11:00:00+01:00"
            )
        day_offset = None
        if start is None:
            clock = self.text(fields.get("start"))
            start = _start_from_day(day, day_start, clock)
            day_offset = day_start.utcoffset() if day_start is not None else None
            if start is None:
                raise self.fail(
                    where,
                    f"{title!r} has no usable time (date {date_text!r}, start {clock!r}); expected a date "
                    "like 2023-12-27T11:00:00+01:00",
                )
        duration_text = self.text(fields.get("duration"))
        duration = parse_duration(duration_text)
        if duration is None and isinstance(fields.get("end"), str):
            end = parse_instant(fields["end"])
            if end is not None and (end.tzinfo is None) == (start.tzinfo is None):
                duration = end - start
        if duration is None:
            raise self.fail(
                where,
                f"duration {duration_text!r} of {title!r} is not hours:minutes; expected one like 01:30",
            )
        if duration <= timedelta(0):
            raise self.fail(where, f"{title!r} lasts {duration_text or '0'}; expected a positive duration")
        return SourceEvent(
            where=where,
            key=key,
            key_name="guid" if guid else "id",
            title=title,
            start=start,
            duration=duration,
            room=self.text(fields.get("room")) or room,
            type=self.text(fields.get("type")),
            track=self.text(fields.get("track")),
            subtitle=self.text(fields.get("subtitle")),
            abstract=self.text(fields.get("abstract"), multiline=True),
            description=self.text(fields.get("description"), multiline=True),
            persons=tuple(p for p in (self.text(p) for p in fields.get("persons", ())) if p),
            url=url if _URL.fullmatch(url := self.text(fields.get("url"))) else "",
            links=tuple(
                (label or url, url)
                for label, url in ((self.text(t), self.text(u)) for t, u in fields.get("links", ()))
                if _URL.fullmatch(url)
            ),
            do_not_stream=flag if isinstance(flag := fields.get("do_not_stream"), bool) else None,
            day_offset=day_offset,
            slug=self.text(fields.get("slug")),
        )


class _XmlReader(_Events):
    def read(self, raw: bytes) -> Source:
        root, lines = self.parse(raw)
        if root.tag != "schedule":
            raise self.fail(lines.get(id(root), 1), f"the root element is <{root.tag}>; expected <schedule>")
        conference = root.find("conference")
        if conference is None:
            raise self.fail(lines.get(id(root), 1), "no <conference> element; expected one in <schedule>")
        generator = clean(element.get("name")) if (element := root.find("generator")) is not None else ""
        self.markup = generator != GENERATOR
        events = []
        for day in root.iter("day"):
            where_day = lines.get(id(day), 0)
            day_date = parse_day(day.get("date", "")) if day.get("date") else None
            day_start = parse_instant(day.get("start", "")) if day.get("start") else None
            if day_date is None and day_start is not None:
                day_date = day_start.date()
            for room in day.iter("room"):
                room_name = self.text(room.get("name"))
                for event in room.iter("event"):
                    fields: dict[str, Any] = {child.tag: _inner(child) for child in event}
                    fields["guid"] = event.get("guid", "")
                    fields["id"] = event.get("id", "")
                    fields["persons"] = [_inner(p) for p in event.iter("person")]
                    fields["links"] = [(_inner(link), link.get("href", "")) for link in event.iter("link")]
                    events.append(
                        self.event(
                            where=lines.get(id(event), 0) if lines.get(id(event)) else where_day,
                            fields=fields,
                            room=room_name,
                            day=day_date,
                            day_start=day_start,
                        )
                    )
        return Source(
            name=self.name,
            title=self.text(conference.findtext("title")),
            acronym=self.text(conference.findtext("acronym")),
            start=parse_day(conference.findtext("start") or ""),
            end=parse_day(conference.findtext("end") or ""),
            time_zone_name=self.text(conference.findtext("time_zone_name")),
            url=self.text(conference.findtext("url")),
            events=tuple(events),
            generator=generator,
            tracks=tuple(
                (name, self.text(track.get("slug")))
                for track in conference.findall("track")
                if (name := self.text(track.get("name")))
            ),
        )

    def parse(self, raw: bytes) -> tuple[Element, dict[int, int]]:
        """The tree, and the line of each element (by id) for messages."""
        try:
            from defusedxml import DefusedXmlException
            from defusedxml.ElementTree import DefusedXMLParser, ParseError
        except ImportError:
            raise ScheduleFileError(
                self.name,
                "reading schedule.xml needs defusedxml, which parses untrusted XML safely; "
                "install it with: pip install 'confcal[import]'",
            ) from None
        from xml.etree.ElementTree import TreeBuilder

        lines: dict[int, int] = {}

        class Builder(TreeBuilder):
            def start(self, tag: Any, attrs: dict[Any, Any]) -> Element:
                element = super().start(tag, attrs)
                lines[id(element)] = parser.parser.CurrentLineNumber
                return element

        parser = DefusedXMLParser(
            target=Builder(), forbid_dtd=False, forbid_entities=True, forbid_external=True
        )
        try:
            parser.feed(raw)
            root: Element = parser.close()
        except ParseError as error:
            line, column = error.position
            message = re.sub(r": line \d+, column \d+$", "", str(error))
            raise self.fail(
                line, f"not well-formed XML: {message} (column {column + 1}); is the file complete?"
            ) from None
        except DefusedXmlException as error:
            line = parser.parser.CurrentLineNumber
            raise self.fail(
                line,
                f"refusing XML with entity declarations or external references ({type(error).__name__}): "
                "a schedule needs none, and they can expand into gigabytes",
            ) from None
        return root, lines


def _inner(element: Element) -> str:
    """An element's content as markup: its text and its children's (``<abstract><p>Intro</p> and
    more</abstract>``), for ``clean`` to take the HTML tags out of: the text as the parser gives
    it, as a leaf's is (``clean`` decodes entities first either way). Written without recursion: a
    file may nest elements thousands deep."""
    parts = [element.text or ""]
    stack: list[tuple[Element, bool]] = [(child, False) for child in reversed(element)]
    while stack:
        node, closing = stack.pop()
        if closing:
            parts += [f"</{node.tag}>", node.tail or ""]
            continue
        if not len(node) and not node.text:
            parts += [f"<{node.tag}/>", node.tail or ""]
            continue
        parts += [f"<{node.tag}>", node.text or ""]
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node))
    return "".join(parts)


_JSON_FIXES = {"encoding": "; save the file as UTF-8", "syntax": "; is the file complete?"}


class _JsonReader(_Events):
    def read(self, raw: bytes) -> Source:
        try:
            document = read_json(raw)
        except JsonError as error:
            raise self.fail(error.line or 0, error.message + _JSON_FIXES.get(error.kind, "")) from None
        schedule = document.get("schedule") if isinstance(document, dict) else None
        if not isinstance(schedule, dict):
            raise self.fail("$", 'expected an object with a "schedule" object (a c3voc schedule.json)')
        conference = self.table(schedule, "conference", "schedule")
        named = document.get("generator")
        generator = clean(named.get("name")) if isinstance(named, dict) else ""
        self.markup = generator != GENERATOR
        days = conference.get("days")
        if not isinstance(days, list):
            raise self.fail(
                "schedule.conference.days", f"expected an array of days, found {_json_type(days)}"
            )
        events = []
        for index, day in enumerate(days):
            where = f"schedule.conference.days[{index}]"
            if not isinstance(day, dict):
                raise self.fail(where, f"expected a day object, found {_json_type(day)}")
            day_date = parse_day(str(day.get("date", "")))
            day_start = parse_instant(str(day.get("day_start", ""))) if day.get("day_start") else None
            rooms = day.get("rooms", {})
            if not isinstance(rooms, dict):
                raise self.fail(f"{where}.rooms", f"expected an object of rooms, found {_json_type(rooms)}")
            for room_name, items in rooms.items():
                room_where = f"{where}.rooms[{json.dumps(room_name, ensure_ascii=False)}]"
                if not isinstance(items, list):
                    raise self.fail(room_where, f"expected an array of events, found {_json_type(items)}")
                for number, item in enumerate(items):
                    event_where = f"{room_where}[{number}]"
                    if not isinstance(item, dict):
                        raise self.fail(event_where, f"expected an event object, found {_json_type(item)}")
                    events.append(
                        self.event(
                            where=event_where,
                            fields=self.fields(item, where=event_where),
                            room=self.text(room_name),
                            day=day_date,
                            day_start=day_start,
                        )
                    )
        return Source(
            name=self.name,
            title=self.text(conference.get("title")),
            acronym=self.text(conference.get("acronym")),
            start=parse_day(str(conference.get("start") or "")),
            end=parse_day(str(conference.get("end") or "")),
            time_zone_name=self.text(conference.get("time_zone_name")),
            url=self.text(conference.get("url")),
            events=tuple(events),
            generator=generator,
            tracks=tuple(
                (name, self.text(track.get("slug")))
                for track in _array(conference.get("tracks"))
                if isinstance(track, dict) and (name := self.text(track.get("name")))
            ),
            buildings=tuple(
                (name, building)
                for room in _array(conference.get("rooms"))
                if isinstance(room, dict)
                and isinstance(room.get("description"), str)
                and (name := self.text(room.get("name")))
                and (building := self.text(room["description"]))
            ),
        )

    def table(self, parent: dict[str, Any], key: str, path: str) -> dict[str, Any]:
        value = parent.get(key)
        if not isinstance(value, dict):
            raise self.fail(f"{path}.{key}", f"expected an object, found {_json_type(value)}")
        return value

    def fields(self, item: dict[str, Any], *, where: str) -> dict[str, Any]:
        fields: dict[str, Any] = {
            k: v for k, v in item.items() if isinstance(v, str | int) and not isinstance(v, bool)
        }
        fields["do_not_stream"] = item.get("do_not_stream")
        persons = item.get("persons") or []
        if not isinstance(persons, list):
            raise self.fail(f"{where}.persons", f"expected an array of persons, found {_json_type(persons)}")
        for number, person in enumerate(persons):
            if not isinstance(person, str | dict):
                raise self.fail(
                    f"{where}.persons[{number}]",
                    f"expected a person's name or an object with its name, found {_json_type(person)}",
                )
        fields["persons"] = [
            (p.get("name") or p.get("public_name") or "") if isinstance(p, dict) else p for p in persons
        ]
        links = item.get("links") or []
        fields["links"] = [
            (link.get("title", ""), link.get("url", "")) for link in links if isinstance(link, dict)
        ]
        return fields


def _array(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")


# -- time zone ------------------------------------------------------------------------------


def _zone(name: str) -> tzinfo | None:
    try:
        return zones.zone(name)
    except zones.UnknownZoneError:
        return None


def _hinted(event: SourceEvent) -> datetime | None:
    """The event's start with its offset, or its day's start's offset, when either is known."""
    if event.start.tzinfo is not None:
        return event.start
    if event.day_offset is not None:
        return event.start.replace(tzinfo=timezone(event.day_offset))
    return None


def resolve_zone(source: Source, override: str | None) -> str:
    """The conference's IANA zone: ``--timezone``, else the file's time_zone_name, else the one
    zone that gives every event its offset. Refuses what the file does not settle."""
    if override:
        return override
    if source.time_zone_name:
        if _zone(source.time_zone_name) is None:
            raise ScheduleFileError(
                source.name,
                f"time_zone_name: {zones.unknown_zone(source.time_zone_name)}; correct it in the file, "
                "or pass the conference's zone, e.g. --timezone Europe/Berlin",
            )
        return source.time_zone_name
    aware = [moment for e in source.events if (moment := _hinted(e)) is not None]
    if not aware:
        raise ScheduleFileError(
            source.name,
            "the file names no time zone and its times have no UTC offset; pass the conference's "
            "zone, e.g. --timezone Europe/Berlin",
        )
    offsets = {moment.utcoffset() or timedelta(0) for moment in aware}
    if offsets == {timedelta(0)}:
        return "UTC"
    # The first and last instant of each offset stand for all of them (thousands of events).
    instants = sorted(
        {
            (m.astimezone(UTC), m.utcoffset())
            for offset in offsets
            for m in (
                min(x for x in aware if x.utcoffset() == offset),
                max(x for x in aware if x.utcoffset() == offset),
            )
        }
    )
    candidates = [
        name
        for name in sorted(zones.current_names())
        if "/" in name
        and not name.startswith(("Etc/", "SystemV/"))
        and all(instant.astimezone(zones.zone(name)).utcoffset() == offset for instant, offset in instants)
    ]
    if len(offsets) == 1:
        (offset,) = offsets
        if offset % timedelta(hours=1) == timedelta(0):
            hours = int(offset / timedelta(hours=1))
            return f"Etc/GMT{-hours:+d}"  # POSIX sign: Etc/GMT+6 is UTC-06:00
    if len(candidates) == 1:
        return candidates[0]
    shown = ", ".join(sorted(str(o)[:-3] if o >= timedelta(0) else "-" + str(-o)[:-3] for o in offsets))
    some = ", ".join(candidates[:3]) + (", …" if len(candidates) > 3 else "")
    fit = f"fit {len(candidates)} zones ({some})" if candidates else "fit no single zone"
    example = candidates[0] if candidates else "Europe/Berlin"
    raise ScheduleFileError(
        source.name,
        f"the file names no time zone and its UTC offsets ({shown}) {fit}; pass the conference's "
        f"zone, e.g. --timezone {example}",
    )


# -- writing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Timed:
    """One event of the schedule as a slot: its kind, and its start and end on the zone's clock."""

    event: SourceEvent
    kind: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class _Paper:
    """One ``[[papers]]`` or ``[[items]]`` entry: one event of another tool's schedule, every
    event of one item of a confcal schedule."""

    id: str
    category: str
    """Its category's id; "" for an item without one."""
    table: str
    slots: tuple[_Timed, ...]


@dataclass(frozen=True)
class _Origin:
    """What confcal wrote an event from: its item's id, its kind and its number among the
    item's slots of that kind (``Event.id``), read back from the slug and proven by the guid."""

    paper: str
    kind: str
    number: int


def _origins(source: Source) -> tuple[str, dict[int, _Origin]]:
    """The conference id and each event's origin (by its index in ``source.events``), for a
    schedule confcal wrote. confcal's slug is ``<acronym>-<item id>-<kind>[-<n>]`` and its guid
    the uuid5 of the event's UID, ``<conference id>.<item id>.<kind>[-<n>]@confcal``: a reading
    of the slug counts only when it gives back the guid. An event read no other way is left out
    (it is imported as another tool's would be); so is every event when no conference id fits."""
    acronym_text = source.acronym
    candidates = [acronym_text.replace("_", "-")]
    if short := re.fullmatch(r"([a-z0-9_]{1,3})_\d{4}", acronym_text):
        candidates.insert(0, short.group(1).replace("_", "-"))
    for conference_id in candidates:
        origins = {
            index: origin
            for index, event in enumerate(source.events)
            if (origin := _origin(event, acronym_text=acronym_text, conference_id=conference_id))
        }
        if origins:
            return conference_id, origins
    return "", {}


def _origin(event: SourceEvent, *, acronym_text: str, conference_id: str) -> _Origin | None:
    if not event.slug.startswith(f"{acronym_text}-") or not event.type:
        return None
    rest = event.slug[len(acronym_text) + 1 :]
    match = re.fullmatch(rf"(.+)-{re.escape(event.type)}(?:-([2-9]|[1-9]\d+))?", rest)
    if not match:
        return None
    paper, number = match.group(1), int(match.group(2) or 1)
    suffix = f"-{number}" if number > 1 else ""
    if event_guid(f"{conference_id}.{paper}.{event.type}{suffix}@{UID_DOMAIN}") != event.key:
        return None
    return _Origin(paper, event.type, number) if ID_PATTERN.fullmatch(paper) else None


def _local(moment: datetime, zone: tzinfo) -> datetime:
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(zone).replace(tzinfo=None)


def _local_end(event: SourceEvent, zone: tzinfo) -> datetime:
    """The end on the clock in ``zone``: the duration is the time that passes (across a change of
    the clocks it differs from the clock's)."""
    start = event.start if event.start.tzinfo is not None else event.start.replace(tzinfo=zone)
    return _local(start.astimezone(UTC) + event.duration, zone)


def _hours_minutes(duration: timedelta) -> str:
    minutes, seconds = divmod(int(duration.total_seconds()), 60)
    text = f"{minutes // 60:02d}:{minutes % 60:02d}"
    return f"{text}:{seconds:02d}" if seconds else text


def _refuse_years_out_of_range(source: Source, *, zone: tzinfo) -> None:
    """Stop at the first event whose start or end falls outside the years events.toml takes
    (``load.reader.YEARS``): the file would not build (and year 1 cannot even be written)."""
    for event in source.events:
        year = event.start.year
        if YEARS[0] <= year <= YEARS[1]:
            start = _local(event.start, zone)
            year = start.year if not YEARS[0] <= start.year <= YEARS[1] else _local_end(event, zone).year
        if not YEARS[0] <= year <= YEARS[1]:
            length = _hours_minutes(event.duration)
            raise ScheduleFileError(
                source.name,
                f"{event.title!r} (start {event.start.isoformat()}, duration {length}) is in the year "
                f"{year}; events.toml takes years {YEARS[0]} to {YEARS[1]}: correct the event's date in "
                "the schedule",
                where=event.where,
            )


def _refuse_seconds(source: Source) -> None:
    """Stop at the first event that does not start and last whole minutes: events.toml keeps
    times in whole minutes (calendars and the state file keep no seconds), so the file would not
    build."""
    for event in source.events:
        if event.start.second or event.start.microsecond or event.duration % timedelta(minutes=1):
            raise ScheduleFileError(
                source.name,
                f"{event.title!r} (start {event.start.isoformat()}, duration "
                f"{_hours_minutes(event.duration)}) is not in whole minutes; events.toml keeps "
                "times in whole minutes: round the event's start and duration in the schedule",
                where=event.where,
            )


def _links_as_written(source: Source) -> Source:
    """Every http(s) url of ``source`` as events.toml takes it (``checked.as_link``): a host in
    IDNA, and what a link must not hold as it is (``https://bücher.de/a"b``) percent-encoded.
    Stop at the first one that has no such form, naming its event: the file would not build, and
    only the schedule's author can say which address is meant. What is no http(s) URL is left
    out, as the readers leave it out of events."""

    def written(url: str, subject: str, where: int | str | None) -> str:
        if not _URL.fullmatch(url):
            return ""
        try:
            return as_link(url)
        except ValueError as error:
            message = f"{subject}: {error}, in the schedule"
            raise ScheduleFileError(source.name, message, where=where) from None

    events = tuple(
        replace(
            event,
            url=written(event.url, f"the url of {event.title!r}", event.where),
            links=tuple(
                (label, written(url, f"the url of a link of {event.title!r}", event.where))
                for label, url in event.links
            ),
        )
        for event in source.events
    )
    return replace(source, url=written(source.url, "the conference's url", None), events=events)


def _refuse_unwritable_times(source: Source, papers: list[_Paper], *, zone: tzinfo) -> None:
    """Stop when a slot's start or end is a local time the zone skips or shows twice.

    events.toml holds local times without an offset, and the loader refuses those two kinds
    (it cannot tell which 02:30 is meant), so the file would not build. The schedule's offset
    (frab's ``<date>``, schedule.json's ``date``) does say which instant is meant, and the message
    says it too, but events.toml has no way to write it. The import names every such event, with
    its start and duration as the schedule gives them, and how to fix it.
    """
    problems = []
    for timed in sorted((t for paper in papers for t in paper.slots), key=lambda t: (t.start, t.event.key)):
        event = timed.event
        for edge, local in (("start", timed.start), ("end", timed.end)):
            try:
                zones.localize(local, zone)
            except zones.LocalTimeError as error:
                start = event.start.isoformat() + ("" if event.start.tzinfo is not None else " (no offset)")
                problems.append(
                    (
                        event.where,
                        f"{event.title!r} (start {start}, duration {_hours_minutes(event.duration)}) would "
                        f"{edge} at a local time events.toml cannot hold: {error}{_meant(event, edge, zone)}",
                    )
                )
                break
    if not problems:
        return
    fixes = "change the event's start or duration in the schedule"
    if all(e.start.tzinfo is not None for e in source.events):  # UTC keeps their instants
        fixes += ", or import with --timezone UTC to write every time in UTC"
    raise _refusal(
        source,
        problems,
        head=f"{len(problems)} events would start or end at a local time events.toml cannot hold",
        advice=f"An events.toml time has no offset to say which is meant; {fixes}",
    )


def _meant(event: SourceEvent, edge: str, zone: tzinfo) -> str:
    """Which of a repeated local time the schedule's offset means: '; the schedule's offset says
    the second, 02:30 CET (01:30 UTC)'; "" when the start has no offset."""
    if event.start.tzinfo is None:
        return ""
    instant = event.start if edge == "start" else event.start + event.duration
    local = instant.astimezone(zone)
    return (
        f"; the schedule's offset says the {'second' if local.fold else 'first'}, "
        f"{local:%H:%M} {local.tzname()} ({instant.astimezone(UTC):%H:%M} UTC)"
    )


def _categories(source: Source, *, own: bool, origins: Mapping[int, _Origin]) -> dict[str, str]:
    """Each track's category id, in the file's order: a confcal schedule lists its categories
    (with their ids as slugs, when they are ones), empty ones too; elsewhere a track is named by
    its events, and an event without one is in "Other" (an item of a confcal schedule is in none)."""
    names = [(name, track_slug) for name, track_slug in source.tracks] if own else []
    names += [
        (event.track or _DEFAULT_TRACK, "")
        for index, event in enumerate(source.events)
        if event.track or index not in origins
    ]
    tracks: dict[str, str] = {}
    for name, track_slug in names:
        if name in tracks:
            continue
        identifier = track_slug if ID_PATTERN.fullmatch(track_slug) else safe_id(name, prefix="track")
        if identifier in RESERVED_CATEGORY_IDS or identifier in WINDOWS_DEVICES:
            identifier += "-track"
        while identifier in tracks.values():
            identifier += "-2"
        tracks[name] = identifier
    return tracks


def _papers(
    source: Source, *, zone: tzinfo, tracks: Mapping[str, str], origins: Mapping[int, _Origin]
) -> list[_Paper]:
    """The entries to write, by when each first happens: an event whose origin is known joins
    its item's other events; any other is an entry of its own, keyed by its guid (or id)."""
    ordered = sorted(enumerate(source.events), key=lambda pair: (_local(pair[1].start, zone), pair[1].key))
    ids = _entry_ids(source, origins)
    slots: dict[str, list[tuple[int, _Timed]]] = {}
    items = set()
    for index, event in ordered:
        origin = origins.get(index)
        if origin is not None:
            items.add(origin.paper)
            identifier, kind, number = origin.paper, origin.kind, origin.number
        else:
            identifier, kind, number = ids[index], event.type.lower(), 1
            kind = kind if kind in KINDS else "talk"
        timed = _Timed(event, kind, _local(event.start, zone), _local_end(event, zone))
        slots.setdefault(identifier, []).append((number, timed))
    papers = []
    for identifier, numbered in slots.items():
        kinds = list(dict.fromkeys(timed.kind for _, timed in numbered))
        in_order = sorted(numbered, key=lambda pair: (kinds.index(pair[1].kind), pair[0]))
        first = in_order[0][1].event
        track = first.track or ("" if identifier in items else _DEFAULT_TRACK)
        papers.append(
            _Paper(
                identifier,
                tracks[track] if track else "",
                "papers" if track else "items",
                tuple(timed for _, timed in in_order),
            )
        )
    return papers


def _entry_ids(source: Source, origins: Mapping[int, _Origin]) -> dict[int, str]:
    """The id of the entry each event whose origin is not known becomes (by its index in
    ``source.events``): its guid (or id) as an id (``safe_id``), the same in every import.

    Refuses two such events that would get one id (the same guid, which old frab exports carry
    though the schemas require each to be unique, or guids that ``safe_id`` makes one), or one
    that would get an item's id. Numbering them ("-2") would tie each id to the other event's
    presence: once the schedule drops the first, a re-import gives its id, so its UID, to the
    second, and calendars show one talk turning into another. No other field tells them apart
    for good (pretalx repeats an event's ``id`` for each slot of a submission)."""
    ids = {
        index: safe_id(event.key, prefix="event")
        for index, event in enumerate(source.events)
        if index not in origins
    }
    items = {origin.paper for origin in origins.values()}
    first: dict[str, SourceEvent] = {}
    problems = []
    for index, identifier in ids.items():
        event = source.events[index]
        other = first.setdefault(identifier, event)
        owned = f"the {event.key_name} {event.key!r} of {event.title!r}"
        if identifier in items:
            why = f"{owned} gives the id {identifier!r}, the id of an item of this confcal schedule"
        elif other is event:
            continue
        elif other.key == event.key:
            why = f"{owned} is also the {other.key_name} of {other.title!r} ({_at(other.where)})"
        else:
            why = (
                f"{owned} gives the id {identifier!r}, as the {other.key_name} {other.key!r} of "
                f"{other.title!r} ({_at(other.where)}) does"
            )
        problems.append((event.where, why))
    if problems:
        raise _refusal(
            source,
            problems,
            head=f"{len(problems)} events would take another's id",
            advice=(
                "An event's guid becomes its id and UID, so it must be its own (the schedule's "
                "schemas require it too): numbered, the second would take the first one's UID once "
                "the schedule drops the first, and calendars would show one talk turning into the "
                "other. Give each event a guid of its own where the schedule is made (or in this "
                "file, and again in every later import), or remove the one not meant"
            ),
        )
    return ids


def _at(where: int | str) -> str:
    """Another event's position, inside a message that names the file."""
    return f"line {where}" if isinstance(where, int) else f"at {where}"


def _refusal(
    source: Source, problems: list[tuple[int | str, str]], *, head: str, advice: str
) -> ScheduleFileError:
    """One event's problem with its position, or several, one a line: validate all, report all."""
    if len(problems) == 1:
        ((where, text),) = problems
        return ScheduleFileError(source.name, f"{text}. {advice}", where=where)
    lines = (ScheduleFileError(source.name, text, where=where).report() for where, text in problems)
    return ScheduleFileError(source.name, f"{head}. {advice}:" + "".join(f"\n  {line}" for line in lines))


def _buildings(source: Source) -> dict[str, tuple[str, str]]:
    """Each room of a confcal schedule that is not at the conference's venue → its building and
    the id of the ``[[venues]]`` entry that stands for it. confcal names such a room with its
    building (an off-site venue, or a room's own address) after it, and schedule.json's list of
    rooms gives that building as the room's description: a room named so (the building alone, or
    the room, ", " and the building) is taken back apart; any other is a room like the rest."""
    described = dict(source.buildings)
    ids: dict[str, str] = {}
    found = {}
    for event in source.events:
        building = described.get(event.room, "")
        if not (building and (event.room == building or event.room.endswith(f", {building}"))):
            continue
        if building not in ids:
            identifier = safe_id(building, prefix="venue")
            while identifier in ids.values():
                identifier += "-2"
            ids[building] = identifier
        found[event.room] = (building, ids[building])
    return found


def _kind_labels(papers: list[_Paper]) -> dict[str, str]:
    """The declared kinds a confcal schedule uses beyond oral, poster and talk, with a label:
    the session most of their slots name (a slot without a session is in its kind's label)."""
    sessions: dict[str, list[str]] = {}
    for paper in papers:
        for timed in paper.slots:
            if timed.kind not in KINDS:
                sessions.setdefault(timed.kind, []).append(timed.event.subtitle)
    return {
        kind: max(dict.fromkeys(named), key=named.count) or kind.capitalize()
        for kind, named in sessions.items()
    }


@dataclass(frozen=True)
class Kept:
    """What an import over an existing events.toml carries from it: what its organizer wrote
    there that no schedule gives. Entries and categories are the schedule's, written anew."""

    conference: Mapping[str, Any] = field(default_factory=dict)
    """Its [conference]: the keys the schedule has no value for are kept (``full_name``,
    ``streamed``, a ``website`` it does not give, the venue and city unless given again, and
    the ``id``, which every UID holds, unless the schedule is confcal's and says it)."""
    publish: Mapping[str, Any] = field(default_factory=dict)
    """Its [publish] without ``updated``, which the import stamps."""
    kinds: Mapping[str, Any] = field(default_factory=dict)
    venues: tuple[Mapping[str, Any], ...] = ()
    rooms: tuple[Mapping[str, Any], ...] = ()
    """Kept with a slot of the schedule's written with the id of the one named as its room."""
    sessions: tuple[Mapping[str, Any], ...] = ()
    """Kept with a slot of the schedule's written with the id of the one named as its session."""
    feeds: tuple[Mapping[str, Any], ...] = ()
    updated: datetime | None = None
    """Its ``publish.updated``: the import's stamp is never earlier (``stamp_over``)."""
    name: str = ""
    """The file's name, for messages; "" when there is no file (a first import)."""

    @property
    def timezone(self) -> str | None:
        """The zone the file was built in: the one to read the schedule in when it names none."""
        zone = self.conference.get("timezone")
        return zone if isinstance(zone, str) else None


def kept_from(path: Path) -> Kept:
    """What an import over ``path`` keeps of it (``Kept``). The file must load as ``build``
    loads it (else an ``EventsFileError``): a hand edit that does not cannot be told apart from
    a mistake, and carried over it would stop every build of the new file."""
    try:
        _, document = load_document(path)
    except EventsFileError as error:
        why = (
            "an import over this file keeps what was written there by hand, so the file must load; "
            "nothing was written: correct it, or move it away to import afresh"
        )
        raise EventsFileError([*error.problems, Problem(str(path), "", why)]) from None
    publish = {key: value for key, value in document["publish"].items() if key != "updated"}
    return Kept(
        name=str(path),
        updated=document["publish"]["updated"],
        conference=document["conference"],
        publish=publish,
        kinds=document.get("kinds", {}),
        venues=tuple(document.get("venues", ())),
        rooms=tuple(document.get("rooms", ())),
        sessions=tuple(document.get("sessions", ())),
        feeds=tuple(document.get("feeds", ())),
    )


def _check_kept(
    text: str, *, kept: Kept, source: Source, slots: Mapping[str, tuple[SourceEvent, _Slot]]
) -> None:
    """Refuse the text of an import over the file ``kept.name`` that does not load because of what
    it keeps: a ``[[feeds]]`` entry naming a talk or track the schedule no longer has, a slot whose
    room (or session) the kept ``[[rooms]]`` (``[[sessions]]``) do not declare. A problem of a slot
    (``slots``: each written slot's TOML path → its event and what it says) is told as the
    schedule's event, and what to add to the file."""
    try:
        parse(text.encode(), name=f"{kept.name} (as imported)")
    except EventsFileError as error:
        problems = [
            _schedule_problem(problem, kept=kept, source=source, slots=slots) for problem in error.problems
        ]
        raise EventsFileError(
            [
                *problems,
                Problem(
                    kept.name,
                    "",
                    "what an import keeps of this file (the README's `confcal import` lists it) does "
                    "not fit the schedule's entries; nothing was written: correct it here, or move "
                    "the file away to import afresh",
                ),
            ]
        ) from None


def _schedule_problem(
    problem: Problem, *, kept: Kept, source: Source, slots: Mapping[str, tuple[SourceEvent, _Slot]]
) -> Problem:
    """``problem`` of the imported text, told as the schedule's event when it is a slot's room or
    session that the kept ``[[rooms]]`` or ``[[sessions]]`` do not declare."""
    path, _, key = problem.path.rpartition(".")
    if key not in ("room", "session") or path not in slots:
        return problem
    event, slot = slots[path]
    value = slot.room if key == "room" else slot.session
    tables = kept.rooms if key == "room" else kept.sessions
    taken = {str(table.get("id")) for table in tables}
    identifier = base = safe_id(value, prefix=key)
    number = 1
    while identifier in taken:
        number += 1
        identifier = f"{base}-{number}"
    declared = (
        "names it" if key == "room" else "names it, and the text is too like a declared one's id or name"
    )
    message = (
        f"the event {toml_string(event.title)} is in the {key} {toml_string(value)}, but the {kept.name} "
        f"it is imported over declares its {key}s ([[{key}s]]) and none {declared}: add "
        f"[[{key}s]] with id = {toml_string(identifier)} and name = {toml_string(value)} to "
        f"{kept.name}, then import again"
    )
    if isinstance(event.where, int):
        return Problem(source.name, "", message, event.where)
    return Problem(source.name, event.where, message)


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _by_name(tables: tuple[Mapping[str, Any], ...]) -> dict[str, str]:
    return {table["name"]: table["id"] for table in tables}


def _key_lines(table: Mapping[str, Any], *, order: Mapping[str, object] | None = None) -> list[str]:
    """``key = value`` lines of a table read from events.toml, its keys in ``order`` (the schema's)
    and then the rest as they come."""
    first = [key for key in order or () if key in table]
    keys = [*first, *(key for key in table if key not in first)]
    return [f"{_toml_key(key)} = {toml_value(table[key])}" for key in keys]


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else toml_string(key)


def toml_value(value: object) -> str:
    """A value tomli read, written back as TOML that reads as the same value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, list):
        return f"[{', '.join(toml_value(item) for item in value)}]"
    if isinstance(value, dict):
        return f"{{ {', '.join(f'{_toml_key(k)} = {toml_value(v)}' for k, v in value.items())} }}"
    raise TypeError(f"not a TOML value: {value!r}")


def import_stamp() -> datetime:
    """When the import happens, as ``publish.updated``: SOURCE_DATE_EPOCH when set (a
    reproducible import, as for ``build``), else the clock, in whole seconds.

    The schedule says nothing usable: its ``version`` is free text ("v1.2", "0.17") and it has
    no date of its own. The conference's first day, usually in the future, would make every
    later stamp the organizer writes ("now", before the conference) earlier than the first
    build's: builds would be refused for a stale stamp although it was bumped, and LAST-MODIFIED
    would go back in time."""
    return (source_date_epoch() or datetime.now(UTC)).replace(microsecond=0)


def stamp_over(kept: Kept, stamp: datetime) -> datetime:
    """``publish.updated`` of an import at ``stamp`` over a file stamped ``kept.updated``: never
    earlier, as a build that changes events under a stamp not later than one already published
    is refused. A file stamped later than the import (an earlier confcal wrote the conference's
    first day) gets one second more; one stamped the same second keeps it, so that an import
    repeated under SOURCE_DATE_EPOCH writes the same bytes."""
    if kept.updated is not None and stamp < kept.updated:
        return kept.updated.astimezone(UTC) + timedelta(seconds=1)
    return stamp


def conference_of(source: Source, *, own_id: str | None = None) -> tuple[str, str]:
    """The conference id and name an import of ``source`` gives: a confcal schedule's own id
    (``own_id`` when already read), else one made from its acronym (or title), and its title
    (or acronym)."""
    name = source.title or source.acronym or "Imported conference"
    if own_id is None:
        own_id = _origins(source)[0] if source.generator == GENERATOR else ""
    return own_id or safe_id(source.acronym or name, prefix="conference"), name


def another_conference(source: Source, kept: Kept) -> str:
    """Why ``source`` is evidently the schedule of another conference than the file ``kept`` is
    of (next year's edition into last year's file): its id and its name both differ from the
    file's. "" when it is not. Such an import keeps nothing of the file, which would give the new
    conference the old one's id, so its UIDs, and its venue."""
    if not kept.name:
        return ""
    identifier, name = conference_of(source)
    old_id, old_name = kept.conference.get("id"), kept.conference.get("name")
    if identifier == old_id or name == old_name:
        return ""
    return (
        f"{kept.name}: {source.name} is the schedule of another conference ({toml_string(name)}, "
        f"id {toml_string(identifier)}) than the file's ({toml_string(str(old_name))}, id "
        f"{toml_string(str(old_id))}): nothing of the file was kept, as in a first import"
    )


def events_toml(
    source: Source,
    *,
    timezone: str | None = None,
    venue: str | None = None,
    city: str | None = None,
    updated: datetime | None = None,
    kept: Kept | None = None,
) -> str:
    """The events.toml text for ``source``; ``timezone`` overrides the zone found in the file,
    ``venue`` and ``city`` are the conference's (the format has neither), as plain text;
    ``updated`` is the time of the import (by default ``import_stamp``), ``publish.updated``
    unless the kept one is later (``stamp_over``); ``kept`` is what an import over an existing
    file carries from it (``kept_from``): the text must load with it (else an ``EventsFileError``)."""
    if not source.events:
        raise ScheduleFileError(source.name, "the schedule holds no events; expected at least one <event>")
    kept = kept or Kept()
    zone_name = resolve_zone(source, timezone or (None if source.time_zone_name else kept.timezone))
    zone = zones.zone(zone_name)
    _refuse_years_out_of_range(source, zone=zone)
    _refuse_seconds(source)
    source = _links_as_written(source)
    for label, day in (("start", source.start), ("end", source.end)):
        if day is not None and not YEARS[0] <= day.year <= YEARS[1]:
            raise ScheduleFileError(
                source.name,
                f"the conference's {label} {day.isoformat()} is in the year {day.year}; events.toml "
                f"takes years {YEARS[0]} to {YEARS[1]}: correct it in the schedule",
            )
    own = source.generator == GENERATOR
    own_id, origins = _origins(source) if own else ("", {})
    conference_id, name = conference_of(source, own_id=own_id)
    tracks = _categories(source, own=own, origins=origins)
    papers = _papers(source, zone=zone, tracks=tracks, origins=origins)
    _refuse_unwritable_times(source, papers, zone=zone)
    starts = [timed.start for paper in papers for timed in paper.slots]
    first = min(source.start or date.max, *(start.date() for start in starts))
    last = max(source.end or date.min, *(conference_day(start, first=first) for start in starts))
    stamp = stamp_over(kept, (updated or import_stamp()).astimezone(UTC))
    venue_text = clean(venue, markup=False)  # typed on the command line: text, not HTML
    city_text = clean(city, markup=False)
    conference: dict[str, object] = {
        **kept.conference,
        "id": own_id or kept.conference.get("id") or conference_id,
        "name": name,
        "start": first,
        "end": last,
        "venue": venue_text or kept.conference.get("venue") or PLACEHOLDER_VENUE,
        "city": city_text or kept.conference.get("city") or PLACEHOLDER_CITY,
        **({"website": source.url} if source.url else {}),
        "timezone": zone_name,
    }
    placeholders = {conference["venue"], conference["city"]} & {PLACEHOLDER_VENUE, PLACEHOLDER_CITY}
    lines = [
        f"# Imported by `confcal import` from {source.name}.",
        *(
            ["# The schedule format names no venue or city: fill them in before publishing."]
            if placeholders
            else []
        ),
        "# Importing again (--force) writes the entries anew from the schedule and keeps the rest",
        "# of this file that no schedule gives: see the README's `confcal import`.",
        "",
        "[conference]",
        *_key_lines(conference, order=SCHEMA["conference"]),
        "",
        "[publish]",
        "# When the programme was imported; bump it when you publish an edit.",
        f"updated = {stamp:%Y-%m-%dT%H:%M:%SZ}",
        *_key_lines(kept.publish, order=SCHEMA["publish"]),
    ]
    if kinds := {**{k: {"label": v} for k, v in _kind_labels(papers).items()}, **kept.kinds}:
        lines += ["", "[kinds]", *_key_lines(kinds)]
    for track, identifier in tracks.items():
        lines += ["", "[[categories]]", f"id = {toml_string(identifier)}", f"name = {toml_string(track)}"]
    buildings = _buildings(source) if own else {}
    venues = [*kept.venues]
    declared = {venue.get("id") for venue in venues}
    venues += [
        {"id": identifier, "name": building}
        for building, identifier in dict(buildings.values()).items()
        if identifier not in declared
    ]
    for table in venues:
        lines += ["", "[[venues]]", *_key_lines(table, order=SCHEMA["venues"])]
    placed = "" if conference["venue"] == PLACEHOLDER_VENUE else str(conference["venue"])
    context = _Context(
        conference=name,
        website=source.url,
        venue=placed,
        own=own,
        buildings=buildings,
        rooms=_by_name(kept.rooms),
        sessions=_by_name(kept.sessions),
    )
    slots: dict[str, tuple[SourceEvent, _Slot]] = {}
    entries: Counter[str] = Counter()
    for paper in papers:
        written = list(_paper_lines(paper, context))
        kind_of_entry = written[0].strip("[]")  # papers or items
        index = entries[kind_of_entry]
        entries[kind_of_entry] += 1
        counted: Counter[str] = Counter()
        for timed in paper.slots:
            several = f"[[{kind_of_entry}.{timed.kind}]]" in written
            slot_path = f"{kind_of_entry}[{index}].{timed.kind}" + (
                f"[{counted[timed.kind]}]" if several else ""
            )
            counted[timed.kind] += 1
            slots[slot_path] = (timed.event, _slot(timed.event, kind=timed.kind, context=context))
        lines += ["", *written]
    for key in ("rooms", "sessions"):
        for table in getattr(kept, key):
            lines += ["", f"[[{key}]]", *_key_lines(table, order=SCHEMA[key])]
    for table in kept.feeds:
        lines += ["", "[[feeds]]", *_key_lines(table, order=SCHEMA["feeds"])]
    text = "\n".join(lines) + "\n"
    if kept.name:
        _check_kept(text, kept=kept, source=source, slots=slots)
    return text


@dataclass(frozen=True)
class _Slot:
    """What a slot's table says beyond its kind and times."""

    session: str
    room: str
    board: str = ""
    url: str = ""
    streamed: bool | None = None
    venue: str = ""
    """The id of the ``[[venues]]`` entry of a room not at the conference's venue."""


def _slot(event: SourceEvent, *, kind: str, context: _Context) -> _Slot:
    """The slot as the schedule says it. In a schedule confcal wrote (``own``), the subtitle is
    the session (a poster's is its board, when it has one), the link titled JOIN_LINK is the
    slot's own url, the room ONLINE_ROOM of such a slot is no room, and ``do_not_stream`` says
    whether it is streamed, a room named with its building (``_buildings``) is the room before
    it (none when it is the building alone) at that building's venue, and the room named as the
    conference's venue (``--venue``) is where confcal puts a slot without a place, so no room;
    elsewhere a subtitle is a subtitle, so the session is the type (or the track)."""
    board = _BOARD.fullmatch(event.subtitle) if kind == "poster" else None
    default = event.type or event.track or "Talk"
    default = default[:1].upper() + default[1:]
    if not context.own:
        return _Slot(session=default, room=event.room, board=board.group(1) if board else "")
    url = next((link for label, link in event.links if label == JOIN_LINK), "")
    building, venue = context.buildings.get(event.room, ("", ""))
    if building:
        room = "" if event.room == building else event.room.removesuffix(f", {building}")
    else:
        placeless = (url and event.room == ONLINE_ROOM) or (context.venue and event.room == context.venue)
        room = "" if placeless else event.room
    return _Slot(
        session=event.subtitle if event.subtitle and not board else default,
        room=room,
        board=board.group(1) if board else "",
        url=url,
        streamed=None if event.do_not_stream is None else not event.do_not_stream,
        venue=venue,
    )


@dataclass(frozen=True)
class _Context:
    """What writing an entry needs to know of the conference and the file."""

    conference: str
    website: str
    venue: str
    own: bool
    """Whether confcal wrote the schedule (its ``generator``)."""
    buildings: Mapping[str, tuple[str, str]]
    """``_buildings``: empty unless confcal wrote the schedule."""
    rooms: Mapping[str, str] = field(default_factory=dict)
    """The kept ``[[rooms]]`` and ``[[sessions]]``, each name → id: a slot names one by its id."""
    sessions: Mapping[str, str] = field(default_factory=dict)


def _without_label(title: str, kind: str, session: str) -> str:
    """The title without the label its summary will begin with (a talk's session, else its kind's
    label: ``render.summary``), when it already begins so: a workshop titled "Workshop: Rust" in
    the track "Workshop" would be "Workshop: Workshop: Rust" in every calendar."""
    label = session if kind == "talk" else KIND_LABELS[kind]
    head, colon, rest = title.partition(":")
    if colon and rest.strip() and " ".join(head.split()).casefold() == label.casefold():
        return rest.strip()
    return title


def _paper_lines(paper: _Paper, context: _Context) -> Iterator[str]:
    """The entry's table and its slots' tables. From a confcal schedule, ``description`` is the
    item's note, and a url that is the conference's website (what confcal gives an item without
    one) is left out; elsewhere the description follows the abstract."""
    event = paper.slots[0].event
    own, website = context.own, context.website
    slots = [(timed, _slot(timed.event, kind=timed.kind, context=context)) for timed in paper.slots]
    joins = {(JOIN_LINK, slot.url) for _, slot in slots if slot.url}
    links = [(label, url) for label, url in event.links if (label, url) not in joins]
    persons = tuple(dict.fromkeys(person for timed in paper.slots for person in timed.event.persons))
    authors = persons
    table = paper.table if persons else "items"  # a paper has authors; an item may have none
    texts = (
        (event.abstract, event.description)
        if own
        else ("\n\n".join(t for t in (event.abstract, event.description) if t), "")
    )
    url = "" if own and event.url == website else event.url
    title = event.title if own else _without_label(event.title, paper.slots[0].kind, slots[0][1].session)
    yield f"[[{table}]]"
    yield f"id = {toml_string(paper.id)}"
    if paper.category:
        yield f"category = {toml_string(paper.category)}"
    yield f"title = {toml_string(title)}"
    if authors:
        yield f"authors = [{', '.join(toml_string(a) for a in authors)}]"
    for key, text in zip(("abstract", "note"), texts, strict=True):
        if text:
            yield f"{key} = {toml_string(text)}"
    if url:
        yield f"url = {toml_string(url)}"
    if links:
        listed = ", ".join(
            f"{{ label = {toml_string(label)}, url = {toml_string(url)} }}" for label, url in links
        )
        yield f"links = [{listed}]"
    for timed, slot in slots:
        several = sum(other.kind == timed.kind for other in paper.slots) > 1
        yield ""
        yield f"[[{table}.{timed.kind}]]" if several else f"[{table}.{timed.kind}]"
        yield f"session = {toml_string(context.sessions.get(slot.session, slot.session))}"
        yield f"start = {timed.start:%Y-%m-%dT%H:%M:%S}"
        yield f"end = {timed.end:%Y-%m-%dT%H:%M:%S}"
        if slot.board:
            yield f"board = {toml_string(slot.board)}"
        elif slot.room:
            yield f"room = {toml_string(context.rooms.get(slot.room, slot.room))}"
        if slot.venue:
            yield f"venue = {toml_string(slot.venue)}"
        if slot.url:
            yield f"url = {toml_string(slot.url)}"
        if slot.streamed is not None:
            yield f"streamed = {'true' if slot.streamed else 'false'}"
