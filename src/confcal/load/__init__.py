"""events.toml → Programme. Validates everything, then reports every problem at once.

The reading is split by job: ``checked.py`` (checked access to any parsed document),
``load/reader.py`` (what is particular to the events file: TOML headers in messages, dates,
local times), ``load/locate.py`` (the line of a path, only when there is a problem), and one
module per group of tables (``conference``, ``places``, ``items``, ``feeds``), put together here.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import tomli

from confcal import zones
from confcal.errors import EventsFileError, Problem, cannot_read
from confcal.load.conference import (
    RESERVED_CATEGORY_IDS,
    normalise_base_url,
    read_category,
    read_conference,
    read_kinds,
    read_zone,
)
from confcal.load.feeds import check_matches, read_feeds
from confcal.load.items import item_paths, read_paper, read_slots
from confcal.load.locate import deep_line, misplaced_tables, toml_error
from confcal.load.places import Places, read_room, read_session, read_venue
from confcal.load.reader import EventsReader
from confcal.load.schema import SCHEMA
from confcal.model import (
    Category,
    Conference,
    Event,
    KindDef,
    Paper,
    Programme,
    Room,
    Session,
    Venue,
    event_sort_key,
)

__all__ = ["RESERVED_CATEGORY_IDS", "SCHEMA", "load", "normalise_base_url", "parse"]


NOT_FOUND = (
    "file not found; give the path of the events file (without one: events.toml in the current folder)"
)


def load(path: Path) -> Programme:
    """Read and validate an events file; raise EventsFileError listing every problem."""
    return load_document(path)[0]


def load_document(path: Path) -> tuple[Programme, dict[str, Any]]:
    """``load``, with the TOML document the programme was read from (``confcal import`` keeps
    parts of it as written)."""
    name = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise EventsFileError([Problem(name, "", NOT_FOUND)]) from None
    except OSError as error:
        raise EventsFileError([Problem(name, "", cannot_read(error, name))]) from None
    return parse_document(raw, name=name)


def parse(raw: bytes, *, name: str) -> Programme:
    """Parse the bytes of an events file (``name`` is used in messages)."""
    return parse_document(raw, name=name)[0]


def parse_document(raw: bytes, *, name: str) -> tuple[Programme, dict[str, Any]]:
    """``parse``, with the TOML document the programme was read from."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        message = f"not UTF-8: byte 0x{raw[error.start]:02x} at offset {error.start}"
        raise EventsFileError([Problem(name, "", f"{message}; save the file as UTF-8", line)]) from None
    text = text.removeprefix("\ufeff")  # a byte order mark some editors write: not part of TOML
    if not text.strip():
        raise EventsFileError([Problem(name, "", "the file is empty; expected a programme")])
    try:
        document = tomli.loads(text)
    except tomli.TOMLDecodeError as error:
        message, syntax_line = toml_error(str(error), text)
        raise EventsFileError([Problem(name, "", f"not valid TOML: {message}", syntax_line)]) from None
    except RecursionError:  # tomli refuses nesting deeper than its limit, before Python's own runs out
        message = "arrays or inline tables nested hundreds of levels deep; expected at most a few levels"
        raise EventsFileError([Problem(name, "", f"not valid TOML: {message}", deep_line(text))]) from None
    except ValueError:  # int() refuses a decimal integer longer than sys.get_int_max_str_digits()
        where, literal = _long_integer(text)
        raise EventsFileError([Problem(name, "", _beyond_64_bits(literal), where)]) from None
    reader = EventsReader(name=name, text=text)
    if _holds_integer_beyond_64_bits(document):
        taken: set[int] = set()
        for path, value in _integers_beyond_64_bits(document, ""):
            literal = _literal(text, value, line=reader.line(path), taken=taken)
            reader.problem(path, _beyond_64_bits(literal))
        raise EventsFileError(reader.problems)
    misplaced = [
        Problem(name, path, message, line) for line, path, message in misplaced_tables(text, document)
    ]
    try:
        programme = _programme(reader, document)
    except EventsFileError as error:  # every problem at once: the misplaced tables among the rest
        raise EventsFileError(sorted([*misplaced, *error.problems], key=lambda p: p.line or 0)) from None
    if misplaced:
        raise EventsFileError(misplaced)
    return programme, document


# The TOML spec: "Arbitrary 64-bit signed integers should be accepted and handled losslessly. If
# an integer cannot be represented losslessly, an error must be thrown." tomli reads any length.
_SMALLEST, _LARGEST = -(2**63), 2**63 - 1

# The range in a literal's own base (TOML writes no sign before 0x, 0o or 0b).
_LARGEST_WRITTEN = {
    "": f"{_SMALLEST} to {_LARGEST}",
    "0x": "at most 0x7fff_ffff_ffff_ffff",
    "0o": "at most 0o777_777_777_777_777_777_777",
    "0b": "at most 0b followed by 63 ones",
}
_BASE_NAMES = {"": "", "0x": "hexadecimal ", "0o": "octal ", "0b": "binary "}


def _beyond_64_bits(literal: str | None) -> str:
    """Why the integer the file writes as ``literal`` is refused, in the literal's own terms: its
    base's largest value, and a long literal cut short with its number of digits."""
    unsigned = (literal or "").lstrip("+-")
    base = unsigned[:2] if unsigned[:2] in _LARGEST_WRITTEN else ""
    digits = len(unsigned[len(base) :].replace("_", ""))
    if literal is None:
        shown = f"an integer of over {sys.get_int_max_str_digits()} digits"
    elif len(literal) > 40:
        shown = f"{literal[:20].rstrip('_')}… ({digits} {_BASE_NAMES[base]}digits)"
    else:
        shown = literal
    return (
        f"not valid TOML: {shown} is beyond the 64-bit range of TOML integers, -2**63 to 2**63-1 "
        f"({_LARGEST_WRITTEN[base]}); write a number in that range, or quote it to make it a string"
    )


def _literal(text: str, value: int, *, line: int | None, taken: set[int]) -> str:
    """The integer ``value`` as ``text`` writes it: the first literal of that value from ``line``
    on (from the start when there is none there) but those ``taken`` (their offsets), to which
    it is added: [1, 0x8000_0000_0000_0000, 9223372036854775808] holds two of one value."""
    starts = [0] if line is None else [sum(len(part) + 1 for part in text.split("\n", line - 1)[:-1]), 0]
    for start in starts:
        for match in _TOML_TOKENS.finditer(text, start):
            if match.start() not in taken and _integer(match) == value:
                taken.add(match.start())
                return match[0]
    return hex(value)  # not reached: tomli read the value from one of these literals


def _integer(token: re.Match[str]) -> int | None:
    """The value of an integer literal of ``_TOML_TOKENS``; None for another token."""
    written = token[0].replace("_", "")
    try:
        if written[:2] in ("0x", "0o", "0b"):
            return int(written[2:], {"x": 16, "o": 8, "b": 2}[written[1]])
        number, fraction, exponent = token.groups()
        return int(written) if number and not fraction and not exponent else None
    except ValueError:  # "0x" alone; a decimal integer longer than int() reads
        return None


def _holds_integer_beyond_64_bits(value: object) -> bool:
    """Whether ``value`` (a parsed document) holds an integer that is not a TOML integer: a few
    milliseconds for a NeurIPS-size file, without a path for each value."""
    if type(value) is dict:
        return any(map(_holds_integer_beyond_64_bits, value.values()))
    if type(value) is list:
        return any(map(_holds_integer_beyond_64_bits, value))
    return type(value) is int and not _SMALLEST <= value <= _LARGEST


def _integers_beyond_64_bits(value: object, path: str) -> list[tuple[str, int]]:
    """The path of every integer in ``value`` (a parsed document) that is not a TOML integer."""
    if isinstance(value, dict):
        return [
            found
            for key, item in value.items()
            for found in _integers_beyond_64_bits(item, f"{path}.{key}" if path else key)
        ]
    if isinstance(value, list):
        return [
            found
            for index, item in enumerate(value)
            for found in _integers_beyond_64_bits(item, f"{path}[{index}]")
        ]
    if type(value) is int and not _SMALLEST <= value <= _LARGEST:
        return [(path, value)]
    return []


# Strings and comments (skipped: they may hold digits), integers in base 16, 8 or 2 (int() reads
# them at any length), words (bare keys, true, inf), and numbers: a decimal integer has neither a
# fraction nor an exponent.
_TOML_TOKENS = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*'
    r"|0[xob][0-9a-fA-F_]*|[A-Za-z_][\w-]*"
    r"|[+-]?(\d[\d_]*)(\.[\d_]+)?([eE][+-]?[\d_]+)?"
)


def _long_integer(text: str) -> tuple[int | None, str | None]:
    """The line and the literal of the first decimal integer longer than ``int()`` reads; (None,
    None) when there is none."""
    limit = sys.get_int_max_str_digits()
    for match in _TOML_TOKENS.finditer(text):
        number, fraction, exponent = match.groups()
        if number and not fraction and not exponent and len(number.replace("_", "")) > limit:
            return text.count("\n", 0, match.start()) + 1, match[0]
    return None, None


def _programme(reader: EventsReader, document: dict[str, Any]) -> Programme:
    """The tables in the order they depend on one another (kinds before the keys of items, places
    and sessions before slots), each read once; every problem first, then the programme."""
    reader.keys(document, "", "")
    kinds = read_kinds(reader, document)
    kind_ids = [k.id for k in kinds]
    extra = dict.fromkeys(kind_ids, False)
    reader.schema = {
        **reader.schema,
        "papers": {**SCHEMA["papers"], **extra},
        "items": {**SCHEMA["items"], **extra},
    }
    conference = read_conference(reader, document, kinds)
    categories = [read_category(reader, path, table) for path, table in reader.tables(document, "categories")]
    reader.unique([(f"categories[{i}]", c.id) for i, c in enumerate(categories)], "category")
    places, venues, rooms = _places(reader, document, kinds, conference)
    session_tables = list(reader.tables(document, "sessions"))
    sessions = [read_session(reader, path, table, places) for path, table in session_tables]
    reader.unique([(f"sessions[{i}]", s.id) for i, s in enumerate(sessions)], "session")
    places.sessions.update((session.id, session) for session in sessions if session.id)
    places.timed_sessions.update(
        session.id
        for session, (_, table) in zip(sessions, session_tables, strict=True)
        if session.id and ("start" in table or "end" in table)
    )
    papers, events = _items(reader, document, {c.id: c for c in categories if c.id}, places)
    _distinct_from_items(reader, sessions, papers)
    events.sort(key=event_sort_key)
    declared = read_feeds(reader, document, categories, papers, events, kinds, sessions=sessions)
    if reader.problems or conference is None:
        raise EventsFileError(sorted(reader.problems, key=lambda p: p.line or 0))
    programme = Programme(
        conference=conference,
        categories=tuple(categories),
        papers=tuple(papers),
        events=tuple(events),
        declared_feeds=tuple(spec for _, spec in declared),
        kinds=kinds,
        venues=tuple(venues),
        rooms=tuple(rooms),
        sessions=tuple(sessions),
    )
    check_matches(reader, programme, declared)
    if reader.problems:
        raise EventsFileError(sorted(reader.problems, key=lambda p: p.line or 0))
    return programme


def _places(
    reader: EventsReader, document: dict[str, Any], kinds: tuple[KindDef, ...], conference: Conference | None
) -> tuple[Places, list[Venue], list[Room]]:
    """[[venues]] and [[rooms]], and what the slots are read against."""
    venues = [read_venue(reader, path, table) for path, table in reader.tables(document, "venues")]
    reader.unique([(f"venues[{i}]", v.id) for i, v in enumerate(venues)], "venue")
    zone = read_zone(reader, conference) if conference else None
    rooms = [read_room(reader, path, table) for path, table in reader.tables(document, "rooms")]
    reader.unique([(f"rooms[{i}]", r.id) for i, r in enumerate(rooms)], "room")
    places = Places(
        kinds={k.id: k for k in kinds},
        venues={v.id: v.name for v in venues if v.id},
        local=zones.Localizer(zone) if zone else None,
        rooms={r.id: r for r in rooms if r.id} if "rooms" in document else None,
    )
    return places, venues, rooms


def _items(
    reader: EventsReader, document: dict[str, Any], categories: dict[str, Category], places: Places
) -> tuple[list[Paper], list[Event]]:
    """[[papers]], then [[items]]: one pass over each, every slot read as its item is."""
    papers: list[Paper] = []
    events: list[Event] = []
    if "papers" not in document and "items" not in document:
        reader.problem("", "missing key 'papers': expected [[papers]] or [[items]] tables")
    for table_name in ("papers", "items"):
        for path, table in reader.tables(document, table_name):
            paper = read_paper(reader, path, table, categories, table_name)
            papers.append(paper)
            events.extend(read_slots(reader, path, table, paper.id, places))
    ids = [paper.id for paper in papers if paper.id]
    if len(set(ids)) < len(ids):  # the paths are worked out only for the message
        reader.unique(item_paths(document, papers), "item")
    return papers, events


def _distinct_from_items(reader: EventsReader, sessions: list[Session], papers: list[Paper]) -> None:
    """A session's id is not an item's: a session is published as an item of its own, under its id."""
    items = {paper.id for paper in papers}
    for index, session in enumerate(sessions):
        if session.id in items:
            reader.problem(
                f"sessions[{index}].id",
                f"{session.id!r} is also an item's id; ids of sessions and items must differ",
            )
