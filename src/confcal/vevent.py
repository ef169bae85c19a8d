"""A direct VEVENT serialiser: icalendar's bytes for the property types confcal writes,
without icalendar's objects, nor importing icalendar at all on a build's usual path.

A cold build spent most of its time in icalendar turning each of thousands of events into
property objects, parameter objects and content lines. The text, URI, integer, category and
date-time values confcal writes are serialised here the way icalendar does it (the same
escaping, the same property and parameter order, the same TZID and UTC rules, the same
folding). Any other value is written by icalendar itself, one line at a time, imported then.
tests/test_vevent.py compares the bytes with icalendar's over arbitrary values, and the TZID
of every zone confcal accepts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

FOLD_LIMIT = 75
# One byte-order mark at the start of a text or URI value is dropped, as icalendar drops it.
BOM = "\ufeff"


def fold(line: bytes) -> bytes:
    """icalendar's line folding, byte for byte, on UTF-8 bytes instead of character by character.

    Folding is most of the time icalendar spends serialising a long description: it measures
    every character. The same cuts can be made by slicing the encoded line: each segment is
    the longest run of whole characters of at most 74 octets, and a backslash or caret that
    would end a segment moves to the next one (icalendar keeps escapes whole).
    tests/test_render.py compares the two on arbitrary text.
    """
    if len(line) < FOLD_LIMIT:
        return line
    parts: list[bytes] = []
    start = 0
    while len(line) - start >= FOLD_LIMIT:
        end = start + FOLD_LIMIT - 1
        while line[end] & 0xC0 == 0x80:  # not the first octet of a character
            end -= 1
        if line[end - 1] in b"\\^" and end - 1 > start:
            end -= 1
        parts.append(line[start:end])
        start = end
    parts.append(line[start:])
    return b"\r\n ".join(parts)


def escape_text(text: str) -> str:
    """RFC 5545 TEXT escaping, replacement for replacement as icalendar does it, but for one
    thing: icalendar first turns a literal backslash-N into a line break (so a title holding
    one would read back with a newline); here every backslash is escaped, and a backslash-N
    reads back as written. Like icalendar, it drops one byte-order mark at the start."""
    return _escaped(text.removeprefix(BOM))


def _escaped(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", r"\;")
        .replace(",", r"\,")
        .replace("\r\n", r"\n")
        .replace("\n", r"\n")
        .replace("\r", r"\n")
    )


TEXT, URI, INTEGER, CATEGORIES, INSTANT, UTC_INSTANT = (
    "text",
    "uri",
    "integer",
    "categories",
    "instant",
    "utc",
)
PROPERTY_TYPES = {
    "UID": TEXT,
    "SUMMARY": TEXT,
    "LOCATION": TEXT,
    "DESCRIPTION": TEXT,
    "STATUS": TEXT,
    "URL": URI,
    "CONFERENCE": URI,
    "CATEGORIES": CATEGORIES,
    "SEQUENCE": INTEGER,
    "DTSTART": INSTANT,
    "DTEND": INSTANT,
    "DTSTAMP": UTC_INSTANT,
    "LAST-MODIFIED": UTC_INSTANT,
}
"""How icalendar types each VEVENT property confcal writes (vText, vUri, vCategory, vInt,
vDDDTypes; DTSTAMP and LAST-MODIFIED converted to UTC first): tests/test_vevent.py checks it."""
CANONICAL_ORDER = (
    "SUMMARY",
    "DTSTART",
    "DTEND",
    "DURATION",
    "DTSTAMP",
    "UID",
    "RECURRENCE-ID",
    "SEQUENCE",
    "RRULE",
    "RDATE",
    "EXDATE",
)
"""``icalendar.Event.canonical_order``: these first, in this order, then the rest sorted."""
INTEGER_RANGE = (-(2**31), 2**31 - 1)
"""``icalendar.vInt``'s bounds."""
UTC_ZONES = frozenset(
    [
        "Africa/Abidjan",
        "Africa/Accra",
        "Africa/Bamako",
        "Africa/Banjul",
        "Africa/Conakry",
        "Africa/Dakar",
        "Africa/Freetown",
        "Africa/Lome",
        "Africa/Nouakchott",
        "Africa/Ouagadougou",
        "Africa/Timbuktu",
        "Atlantic/Reykjavik",
        "Atlantic/St_Helena",
        "Etc/GMT",
        "Etc/GMT+0",
        "Etc/GMT-0",
        "Etc/GMT0",
        "Etc/Greenwich",
        "Etc/UCT",
        "Etc/UTC",
        "Etc/Universal",
        "Etc/Zulu",
        "GMT+0",
        "GMT-0",
        "GMT0",
        "Greenwich",
        "Iceland",
        "UTC",
        "Universal",
        "Zulu",
    ]
)
"""Zones icalendar finds equivalent to UTC, so writes their times with a Z and no TZID: checked
against icalendar for every zone name confcal accepts (tests/test_vevent.py)."""


_PLAIN_TZID = re.compile(r"[A-Za-z0-9_+/-]+")
"""A TZID icalendar writes without quotes."""


class Uri(NamedTuple):
    """A URI value with parameters, e.g. RFC 7986 CONFERENCE's ``VALUE=URI;FEATURE=VIDEO``."""

    uri: str
    parameters: tuple[tuple[str, str], ...]


def _order(names: Iterable[str]) -> list[str]:
    """icalendar's property order (``canonsort_keys`` with CANONICAL_ORDER)."""
    listed = set(names)
    return [name for name in CANONICAL_ORDER if name in listed] + sorted(listed.difference(CANONICAL_ORDER))


def icalendar_line(name: str, value: object) -> str:
    """The content line icalendar writes for one property of a VEVENT."""
    import icalendar

    if isinstance(value, Uri):
        value = icalendar.vUri(value.uri, params=dict(value.parameters))
    component = icalendar.Event()
    component.add(name, value)
    return str(component.content_lines()[1])


def _stamp(moment: datetime) -> str:
    day, time = f"{moment.year:04}{moment.month:02}{moment.day:02}", f"{moment.hour:02}{moment.minute:02}"
    return f"{day}T{time}{moment.second:02}"


@cache
def _instant_line(upper: str, value: datetime, kind: str, _zone: object) -> str:
    # Equal aware datetimes in different zones are different lines: the zone is in the key.
    zone = value.tzinfo
    if zone is not UTC and type(zone) is not ZoneInfo:
        return icalendar_line(upper, value)  # pytz, fixed offsets: left to icalendar
    if kind == UTC_INSTANT:
        return f"{upper}:{_stamp(value.astimezone(UTC))}Z"
    key = "UTC" if zone is UTC else zone.key  # type: ignore[union-attr]
    if key in UTC_ZONES:
        return f"{upper}:{_stamp(value)}Z"
    if key and _PLAIN_TZID.fullmatch(key):
        return f"{upper};TZID={key}:{_stamp(value)}"
    return icalendar_line(upper, value)


def content_line(name: str, value: object) -> str:
    """``NAME[;PARAMS]:VALUE`` as icalendar writes it, unfolded."""
    upper = name.upper()
    kind = PROPERTY_TYPES.get(upper)
    if kind == TEXT and type(value) is str:
        return f"{upper}:{escape_text(value)}"
    if kind == URI and type(value) is str:
        return f"{upper}:{value.removeprefix(BOM)}"
    if kind == INTEGER and type(value) is int and INTEGER_RANGE[0] <= value <= INTEGER_RANGE[1]:
        return f"{upper}:{value}"
    if kind == CATEGORIES and type(value) is list and all(type(v) is str for v in value):
        # icalendar drops a byte-order mark at the start of the line: of the first category only.
        return f"{upper}:{','.join(escape_text(v) if i == 0 else _escaped(v) for i, v in enumerate(value))}"
    if kind in (INSTANT, UTC_INSTANT) and type(value) is datetime and value.tzinfo is not None:
        return _instant_line(upper, value, kind, value.tzinfo)
    if kind == URI and isinstance(value, Uri) and _plain_parameters(value.parameters):
        parameters = ";".join(f"{key}={text}" for key, text in sorted(value.parameters))
        return f"{upper};{parameters}:{value.uri.removeprefix(BOM)}"
    return icalendar_line(name, value)


def _plain_parameters(parameters: Sequence[tuple[str, str]]) -> bool:
    """Parameters icalendar writes as they are: upper-case names, values needing no quotes."""
    return all(
        key.isupper() and key.isalpha() and text.isascii() and text.isalnum() for key, text in parameters
    )


def utc_offset(value: timedelta) -> str:
    """A UTC-OFFSET value, as ``icalendar.vUTCOffset`` writes it."""
    sign = "-" if value < timedelta(0) else "+"
    value = abs(value)
    hours, minutes, seconds = (
        value.days * 24 + value.seconds // 3600,
        value.seconds % 3600 // 60,
        value.seconds % 60,
    )
    return f"{sign}{hours:02}{minutes:02}{seconds:02}" if seconds else f"{sign}{hours:02}{minutes:02}"


class Observance(NamedTuple):
    """A STANDARD or DAYLIGHT part of a VTIMEZONE: its onsets (local, naive) and offsets."""

    standard: bool
    offset_from: timedelta
    offset_to: timedelta
    name: str
    onsets: Sequence[datetime]


def serialise_vtimezone(tzid: str, observances: Iterable[Observance]) -> bytes:
    """The VTIMEZONE, as icalendar serialises a Timezone holding these observances in this order
    (properties sorted by name; the first onset as DTSTART, the others as one RDATE)."""
    lines = ["BEGIN:VTIMEZONE", f"TZID:{escape_text(tzid)}"]
    for observance in observances:
        kind = "STANDARD" if observance.standard else "DAYLIGHT"
        first, *others = observance.onsets
        lines += [f"BEGIN:{kind}", f"DTSTART:{_stamp(first)}"]
        if others:
            lines.append("RDATE:" + ",".join(_stamp(onset) for onset in others))
        lines += [
            f"TZNAME:{escape_text(observance.name)}",
            f"TZOFFSETFROM:{utc_offset(observance.offset_from)}",
            f"TZOFFSETTO:{utc_offset(observance.offset_to)}",
            f"END:{kind}",
        ]
    lines.append("END:VTIMEZONE")
    return b"".join(fold(line.encode("utf-8")) + b"\r\n" for line in lines)


def duration(value: timedelta) -> str:
    """A DURATION value, as ``icalendar.vDuration`` writes it."""
    sign = "-" if value.days < 0 else ""
    value = -value if value.days < 0 else value
    time = ""
    if value.seconds:
        hours, minutes, seconds = value.seconds // 3600, value.seconds % 3600 // 60, value.seconds % 60
        time = "T" + (f"{hours}H" if hours else "")
        time += f"{minutes}M" if minutes or (hours and seconds) else ""
        time += f"{seconds}S" if seconds else ""
    if value.days == 0 and time:
        return f"{sign}P{time}"
    return f"{sign}P{abs(value.days)}D{time}"


def serialise_event(properties: Iterable[tuple[str, object]]) -> bytes:
    """The VEVENT holding ``properties`` (added in this order), as icalendar's ``to_ical()``."""
    lines: dict[str, list[str]] = {}
    for name, value in properties:
        lines.setdefault(name.upper(), []).append(content_line(name, value))
    body = [fold(line.encode("utf-8")) for name in _order(tuple(lines)) for line in lines[name]]
    return b"\r\n".join([b"BEGIN:VEVENT", *body, b"END:VEVENT\r\n"])


REVISION_PROPERTIES = ("DTSTAMP", "SEQUENCE", "LAST-MODIFIED")
"""The lines that say which revision of an event this is, not what it is."""


class Body(NamedTuple):
    """A VEVENT without its revision lines (``REVISION_PROPERTIES``), and where each goes.

    ``text`` is what a subscriber sees of the event besides its revision: its digest is the
    event's content in the state file (``revisions.py``), and ``complete`` splices the lines
    of any revision in without serialising the event again.
    """

    text: bytes
    stamp_at: int
    sequence_at: int
    modified_at: int


@cache
def _order_with_revision(names: tuple[str, ...]) -> list[str]:
    return _order((*names, *REVISION_PROPERTIES))


def serialise_body(properties: Iterable[tuple[str, object]]) -> Body:
    """``serialise_event`` of ``properties`` (none of them a revision property), with the
    offsets at which DTSTAMP, SEQUENCE and LAST-MODIFIED go."""
    lines: dict[str, list[str]] = {}
    for name, value in properties:
        lines.setdefault(name.upper(), []).append(content_line(name, value))
    chunks = [b"BEGIN:VEVENT\r\n"]
    size = len(chunks[0])
    offsets: dict[str, int] = {}
    for name in _order_with_revision(tuple(lines)):
        if name in REVISION_PROPERTIES:
            offsets[name] = size
            continue
        for line in lines[name]:
            encoded = line.encode("utf-8")
            chunk = (encoded if len(encoded) < FOLD_LIMIT else fold(encoded)) + b"\r\n"
            chunks.append(chunk)
            size += len(chunk)
    chunks.append(b"END:VEVENT\r\n")
    return Body(b"".join(chunks), *(offsets[name] for name in REVISION_PROPERTIES))


def complete(body: Body, *, dtstamp: datetime, sequence: int, last_modified: datetime) -> bytes:
    """The VEVENT: ``body`` with its revision lines, as ``serialise_event`` writes the whole."""
    text = body.text
    stamp, number, modified = (
        fold(content_line(name, value).encode("utf-8")) + b"\r\n"
        for name, value in (("dtstamp", dtstamp), ("sequence", sequence), ("last-modified", last_modified))
    )
    return b"".join(
        (
            text[: body.stamp_at],
            stamp,
            text[body.stamp_at : body.sequence_at],
            number,
            text[body.sequence_at : body.modified_at],
            modified,
            text[body.modified_at :],
        )
    )
