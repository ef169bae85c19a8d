"""A direct VEVENT serialiser: icalendar's bytes for the property types confcal writes,
without building icalendar's objects for every event.

A cold build spends most of its time in icalendar turning each of thousands of events into
property objects, parameter objects and content lines. The text, URI, integer and category
values confcal writes are serialised here the way icalendar does it (the same escaping, the
same property order, the same folding). Every other value, date-times in particular (TZID
parameters, UTC conversion of DTSTAMP and LAST-MODIFIED), is written by icalendar itself, one
line at a time; a programme has few distinct instants, so each line is asked for once.
tests/test_vevent.py compares the bytes with icalendar's over arbitrary values.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import cache
from typing import NamedTuple

import icalendar
from icalendar.caselessdict import canonsort_keys

_TYPES = icalendar.Event.types_factory
FOLD_LIMIT = 75


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
    return (
        text.removeprefix("\ufeff")
        .replace("\\", "\\\\")
        .replace(";", r"\;")
        .replace(",", r"\,")
        .replace("\r\n", r"\n")
        .replace("\n", r"\n")
        .replace("\r", r"\n")
    )


@cache
def _kind(name: str) -> type:
    kind: type = _TYPES.for_property(name)
    return kind


@cache
def _order(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(canonsort_keys(names, icalendar.Event.canonical_order))


def icalendar_line(name: str, value: object) -> str:
    """The content line icalendar writes for one property of a VEVENT."""
    component = icalendar.Event()
    component.add(name, value)
    return str(component.content_lines()[1])


@cache
def _instant_line(name: str, value: datetime, _zone: object) -> str:
    # Equal aware datetimes in different zones are different lines: the zone is in the key.
    return icalendar_line(name, value)


def content_line(name: str, value: object) -> str:
    """``NAME[;PARAMS]:VALUE`` as icalendar writes it, unfolded."""
    kind = _kind(name)
    upper = name.upper()
    if kind is icalendar.vText and type(value) is str:
        return f"{upper}:{escape_text(value)}"
    if kind is icalendar.vUri and type(value) is str:
        return f"{upper}:{value}"
    if kind is icalendar.vInt and type(value) is int and icalendar.vInt.min <= value <= icalendar.vInt.max:
        return f"{upper}:{value}"
    if kind is icalendar.vCategory and isinstance(value, list) and all(isinstance(v, str) for v in value):
        return f"{upper}:{','.join(escape_text(v) for v in value)}"
    if isinstance(value, datetime):
        return _instant_line(name, value, value.tzinfo)
    return icalendar_line(name, value)


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


def serialise_body(properties: Iterable[tuple[str, object]]) -> Body:
    """``serialise_event`` of ``properties`` (none of them a revision property), with the
    offsets at which DTSTAMP, SEQUENCE and LAST-MODIFIED go."""
    lines: dict[str, list[str]] = {}
    for name, value in properties:
        lines.setdefault(name.upper(), []).append(content_line(name, value))
    chunks = [b"BEGIN:VEVENT\r\n"]
    size = len(chunks[0])
    offsets: dict[str, int] = {}
    for name in _order((*lines, *REVISION_PROPERTIES)):
        if name in REVISION_PROPERTIES:
            offsets[name] = size
            continue
        for line in lines[name]:
            chunk = fold(line.encode("utf-8")) + b"\r\n"
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
