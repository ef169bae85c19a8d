"""events.toml → Programme. Validates everything, then reports every problem at once."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

import tomli

from confcal import zones
from confcal.checked import CheckedReader, close_match, found, show, type_name, url_problem
from confcal.errors import EventsFileError, Problem
from confcal.model import (
    ABSTRACTS,
    DEFAULT_FEED_MAX_BYTES,
    DEFAULT_FEED_MAX_EVENTS,
    KINDS,
    PREDECLARED_KINDS,
    SESSION_KIND,
    STATUSES,
    Abstracts,
    Category,
    Conference,
    DeclaredFeed,
    Event,
    Filters,
    Kind,
    KindDef,
    Link,
    Paper,
    Person,
    Programme,
    Room,
    Session,
    Status,
    Venue,
    event_sort_key,
)

RESERVED_CATEGORY_IDS = frozenset({"all"})
# Filters of a [[feeds]] table: the same as `confcal export`'s options.
FEED_FILTERS = ("category", "kind", "paper", "day", "session")
# A declared kind's id: letters and single hyphens (no digits: a slot's number follows it in
# event ids, "tutorial-x.talk-2"), not one of the item keys it sits beside.
KIND_PATTERN = re.compile(r"[a-z]+(?:-[a-z]+)*")
DEFAULT_REFRESH_INTERVAL = timedelta(hours=12)
YEARS = (1900, 2999)  # years 1 and 9999 break date arithmetic; calendar clients expect modern dates
_DURATION = re.compile(r"P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?")

# Keys that hold tables, by the brackets of their headers: [x] one table, [[x]] an array of them.
TABLE_KEYS: dict[str, dict[str, str]] = {
    "": {
        "conference": "[]",
        "publish": "[]",
        "kinds": "[]",
        "categories": "[[]]",
        "venues": "[[]]",
        "rooms": "[[]]",
        "sessions": "[[]]",
        "papers": "[[]]",
        "items": "[[]]",
        "feeds": "[[]]",
    },
    "papers": {**dict.fromkeys(KINDS, "[]"), "links": "[[]]"},
    "items": {**dict.fromkeys(KINDS, "[]"), "links": "[[]]"},
}

# Keys of every table: name -> required. Documented in README ("events.toml reference");
# tests/test_docs.py keeps the two in step.
SCHEMA: dict[str, dict[str, bool]] = {
    "": {
        "conference": True,
        "publish": True,
        "kinds": False,
        "categories": False,
        "venues": False,
        "rooms": False,
        "papers": False,
        "items": False,
        "sessions": False,
        "feeds": False,
    },
    "conference": {
        "id": True,
        "name": True,
        "full_name": False,
        "start": True,
        "end": True,
        "venue": True,
        "city": True,
        "website": False,
        "timezone": True,
        "streamed": False,
    },
    "publish": {
        "updated": True,
        "refresh_interval": False,
        "keep_cancelled": False,
        "base_url": False,
        "feed_max_bytes": False,
        "feed_max_events": False,
        "abstracts": False,
    },
    "categories": {"id": True, "name": True, "subcategories": False},
    "papers": {
        "id": True,
        "category": True,
        "subcategory": False,
        "title": True,
        "authors": True,
        "abstract": False,
        "note": False,
        "url": False,
        "links": False,
        "speakers": False,
        **dict.fromkeys(KINDS, False),
    },
    "items": {
        "id": True,
        "title": True,
        "category": False,
        "subcategory": False,
        "authors": False,
        "speakers": False,
        "abstract": False,
        "note": False,
        "url": False,
        "links": False,
        **dict.fromkeys(KINDS, False),
    },
    "kinds": {"label": True, "plural": False},
    "venues": {"id": True, "name": True, "address": False},
    "rooms": {"id": True, "name": True, "level": False, "capacity": False, "address": False},
    "speakers": {"name": True, "affiliation": False},
    "links": {"label": True, "url": True},
    "feeds": {"id": True, "name": True, **dict.fromkeys(FEED_FILTERS, False), "events": False},
    "sessions": {
        "id": True,
        "name": True,
        "kind": True,
        "start": False,
        "end": False,
        "room": False,
        "level": False,
        "venue": False,
        "chair": False,
        "streamed": False,
        "url": False,
    },
    "slot": {
        "session": False,
        "start": False,
        "end": False,
        "room": False,
        "level": False,
        "board": False,
        "venue": False,
        "speakers": False,
        "status": False,
        "streamed": False,
        "url": False,
    },
}


def normalise_base_url(value: str) -> str:
    """The public address of the output folder as an https URL ending in "/"; ValueError if it is not one."""
    import urllib.parse  # only for files that set a base_url

    if problem := url_problem(value):
        raise ValueError(problem)
    parts = urllib.parse.urlsplit(value)
    if parts.scheme != "https" or not parts.hostname or parts.query or parts.fragment or "@" in parts.netloc:
        raise ValueError(
            f"{show(value)} is not a public address; expected an https URL without query or fragment "
            "like 'https://example.org/neurips-2023/'"
        )
    return value if value.endswith("/") else value + "/"


def load(path: Path) -> Programme:
    """Read and validate an events file; raise EventsFileError listing every problem."""
    name = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise EventsFileError([Problem(name, "", "file not found")]) from None
    except OSError as error:
        raise EventsFileError([Problem(name, "", f"cannot read: {error.strerror}")]) from None
    return parse(raw, name=name)


def parse(raw: bytes, *, name: str) -> Programme:
    """Parse the bytes of an events file (``name`` is used in messages)."""
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
        message, syntax_line = _toml_error(str(error), text)
        raise EventsFileError([Problem(name, "", f"not valid TOML: {message}", syntax_line)]) from None
    except RecursionError:  # tomli refuses nesting deeper than its limit, before Python's own runs out
        message = "arrays or inline tables nested hundreds of levels deep; expected at most a few levels"
        raise EventsFileError([Problem(name, "", f"not valid TOML: {message}", _deep_line(text))]) from None
    return _Reader(name=name, text=text).programme(document)


def _deep_line(text: str, depth: int = 100) -> int | None:
    """The first line where brackets and braces outside strings nest ``depth`` levels deep."""
    level = 0
    for number, line in enumerate(text.split("\n"), start=1):
        for token in re.findall(r"\"(?:[^\"\\]|\\.)*\"|'[^']*'|#.*|[\[\]{}]", line):
            if token in "[{":
                level += 1
                if level >= depth:
                    return number
            elif token in "]}":
                level = max(level - 1, 0)
    return None


def _toml_error(message: str, text: str) -> tuple[str, int | None]:
    """The parser's message without its position, and the line it names; a key the parser
    shows as a Python tuple, ``('papers', 'oral')``, is shown as TOML writes it, ``papers.oral``."""
    message = re.sub(
        r"\(((?:'[^']*', ?)*'[^']*'),?\)",
        lambda match: ".".join(re.findall(r"'([^']*)'", match.group(1))),
        message,
    )
    if match := re.search(r" \(at line (\d+), column (\d+)\)$", message):
        return f"{message[: match.start()]} (column {match.group(2)})", int(match.group(1))
    if message.endswith(" (at end of document)"):
        return message.removesuffix(" (at end of document)") + " at the end of the file", text.count("\n") + (
            not text.endswith("\n")
        )
    return message, None


def _key_parts(key: str) -> list[str]:
    """'papers . "oral"' → ['papers', 'oral'] (dots inside quotes are not supported: no line)."""
    return [part.strip().strip("\"'") for part in key.split(".")]


class _Locator:
    """Finds the line of a TOML path in files laid out the usual way (headers, one key per line).

    Inline tables and dotted keys are not indexed; their problems are reported without a line.
    """

    _ARRAY_HEADER = re.compile(r"\s*\[\[\s*([A-Za-z0-9_.\-\"' ]+?)\s*\]\]")
    _TABLE_HEADER = re.compile(r"\s*\[\s*([A-Za-z0-9_.\-\"' ]+?)\s*\]")
    _KEY = re.compile(r"\s*([A-Za-z0-9_.\-\"' ]+?)\s*=")

    def __init__(self, text: str) -> None:
        self.lines: dict[str, int] = {}
        counts: dict[str, int] = {}
        current = ""
        in_multiline: str | None = None
        # TOML ends lines at LF only: U+2028, U+2029, U+0085 or a lone CR must not shift the count.
        for number, line in enumerate(text.split("\n"), start=1):
            if in_multiline:
                if line.count(in_multiline) % 2 == 1:
                    in_multiline = None
                continue
            if match := self._ARRAY_HEADER.match(line):
                parts = _key_parts(match.group(1))
                prefix = self._resolve(parts[:-1], counts, number)
                key = f"{prefix}.{parts[-1]}" if prefix else parts[-1]
                self.lines.setdefault(key, number)
                counts[key] = counts.get(key, -1) + 1
                current = f"{key}[{counts[key]}]"
            elif match := self._TABLE_HEADER.match(line):
                parts = _key_parts(match.group(1))
                prefix = self._resolve(parts[:-1], counts, number)
                current = f"{prefix}.{parts[-1]}" if prefix else parts[-1]
            elif match := self._KEY.match(line):
                parts = _key_parts(match.group(1))
                base = current
                for part in parts:
                    base = f"{base}.{part}" if base else part
                    self.lines.setdefault(base, number)
                for quote in ('"""', "'''"):
                    if line.count(quote) % 2 == 1:
                        in_multiline = quote
                continue
            else:
                continue
            self.lines.setdefault(current, number)

    def _resolve(self, parts: list[str], counts: dict[str, int], number: int) -> str:
        """The path of a header's parent tables; each one first seen here is located here."""
        path = ""
        for part in parts:
            path = f"{path}.{part}" if path else part
            if path in counts:
                path = f"{path}[{counts[path]}]"
            self.lines.setdefault(path, number)
        return path

    def line(self, path: str) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            parent = re.sub(r"(\.?[^.\[]+|\[\d+\])$", "", path)
            if parent == path:
                return None
            path = parent
        return None


def _match_counts(programme: Programme, filters: Filters) -> str:
    """How many events each filter matches on its own, so the organizer sees which one to loosen."""
    keys = {
        "categories": "category",
        "kinds": "kind",
        "papers": "paper",
        "days": "day",
        "sessions": "session",
    }
    return ", ".join(
        f"{keys[field]} alone matches {count}" for field, count in filters.matches_alone(programme)
    )


def _slot_shaped(value: object) -> bool:
    """A table, or a non-empty array of tables: how a slot of some kind is written."""
    return isinstance(value, dict) or (
        isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)
    )


@dataclass(frozen=True)
class _Places:
    """What slots are read against: the kinds, the venues' ids and the conference's zone."""

    kinds: Mapping[Kind, KindDef]
    venues: list[str]
    zone: tzinfo | None
    rooms: dict[str, Room] | None = None
    """The declared rooms by id; None when the file declares none (rooms are then free text)."""
    sessions: dict[str, Session] = field(default_factory=dict)


def _header(path: str, brackets: str) -> str:
    """'papers[6].talk' as its TOML table header: '[papers.talk]' or, with '[[]]', '[[papers.talk]]'."""
    name = re.sub(r"\[\d+\]", "", path)
    return f"[{name}]" if brackets == "[]" else f"[[{name}]]"


class _Reader(CheckedReader):
    def __init__(self, *, name: str, text: str) -> None:
        super().__init__(name=name, schema=SCHEMA)
        self.text_of_file = text
        self.localized: dict[datetime, datetime] = {}

    @functools.cached_property
    def locator(self) -> _Locator:
        """Built on the first problem: a valid file never needs it."""
        return _Locator(self.text_of_file)

    def line(self, path: str) -> int | None:
        return self.locator.line(path)

    def unknown_key(self, schema: str, key: str, value: object, where: str) -> str:
        """A table is compared with the tables this one may hold, a value with its keys."""
        tables = TABLE_KEYS.get(schema, {})
        is_table = isinstance(value, dict) or (
            isinstance(value, list) and bool(value) and all(isinstance(item, dict) for item in value)
        )
        if not is_table:
            keys = [k for k in self.schema[schema] if k not in tables]
            hint = close_match(key, keys)
            suggestion = f"; did you mean {hint[0]!r}?" if hint else ""
            return f"unknown key {key!r}{suggestion} (expected one of: {', '.join(self.schema[schema])})"
        header = _header(where, "[]" if isinstance(value, dict) else "[[]]")
        expected = [_header(f"{schema}.{k}" if schema else k, brackets) for k, brackets in tables.items()]
        hint = close_match(key, tables)
        suggestion = (
            f"; did you mean {_header(where[: -len(key)] + hint[0], tables[hint[0]])}?" if hint else ""
        )
        if not expected:
            parent = _header(where.rpartition(".")[0], "[]")
            listing = ", ".join(self.schema[schema])
            return f"unknown table {header}: {parent} holds no tables (its keys: {listing})"
        return f"unknown table {header}{suggestion} (expected tables here: {', '.join(expected)})"

    def shape_hint(self, where: str, value: object, kind: type) -> str:
        header = _header(where, "[]")[1:-1]
        if kind is dict and isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            return f"; [[{header}]] starts an array of tables: write the header [{header}], once"
        if kind is list and isinstance(value, dict):
            return f"; [{header}] is one table: write the header [[{header}]] for each of them"
        return ""

    # -- the document ---------------------------------------------------------------

    def programme(self, document: dict[str, Any]) -> Programme:
        self.keys(document, "", "")
        kinds = self.kinds(document)
        kind_ids = [k.id for k in kinds]
        extra = dict.fromkeys(kind_ids, False)
        self.schema = {
            **self.schema,
            "papers": {**SCHEMA["papers"], **extra},
            "items": {**SCHEMA["items"], **extra},
        }
        conference = self.conference(document, kind_ids)
        categories = [self.category(path, table) for path, table in self.tables(document, "categories")]
        self.unique([(f"categories[{i}]", c.id) for i, c in enumerate(categories)], "category")
        venues = [self.venue(path, table) for path, table in self.tables(document, "venues")]
        self.unique([(f"venues[{i}]", v.id) for i, v in enumerate(venues)], "venue")
        zone = self.zone(conference) if conference else None
        by_category = {c.id: c for c in categories if c.id}
        rooms = [self.room(path, table) for path, table in self.tables(document, "rooms")]
        self.unique([(f"rooms[{i}]", r.id) for i, r in enumerate(rooms)], "room")
        places = _Places(
            kinds={k.id: k for k in kinds},
            venues=[v.id for v in venues if v.id],
            zone=zone,
            rooms={r.id: r for r in rooms if r.id} if "rooms" in document else None,
        )
        sessions = [self.session(path, table, places) for path, table in self.tables(document, "sessions")]
        self.unique([(f"sessions[{i}]", s.id) for i, s in enumerate(sessions)], "session")
        places.sessions.update((session.id, session) for session in sessions if session.id)
        papers: list[Paper] = []
        events: list[Event] = []
        if "papers" not in document and "items" not in document:
            self.problem("", "missing key 'papers': expected [[papers]] or [[items]] tables")
        for table_name in ("papers", "items"):
            for path, table in self.tables(document, table_name):
                paper = self.paper(path, table, by_category, table_name)
                papers.append(paper)
                events.extend(self.slots(path, table, paper.id, places))
        self.unique(self.item_paths(document, papers), "item")
        items = {paper.id for paper in papers}
        for index, session in enumerate(sessions):
            if session.id in items:
                self.problem(
                    f"sessions[{index}].id",
                    f"{session.id!r} is also an item's id; ids of sessions and items must differ",
                )
        names = list(dict.fromkeys(e.session for e in sorted(events, key=event_sort_key)))
        declared = self.declared_feeds(document, categories, papers, names, kind_ids)
        if self.problems or conference is None:
            raise EventsFileError(sorted(self.problems, key=lambda p: p.line or 0))
        programme = Programme(
            conference=conference,
            categories=tuple(categories),
            papers=tuple(papers),
            events=tuple(sorted(events, key=event_sort_key)),
            declared_feeds=tuple(spec for _, spec in declared),
            kinds=kinds,
            venues=tuple(venues),
            rooms=tuple(rooms),
            sessions=tuple(sessions),
        )
        for path, spec in declared:
            if not any(spec.filters.matches(programme, e) for e in programme.events):
                counts = _match_counts(programme, spec.filters)
                self.problem(
                    path, f"feed {spec.id!r} matches no event: {counts}; loosen a filter or remove the feed"
                )
        if self.problems:
            raise EventsFileError(sorted(self.problems, key=lambda p: p.line or 0))
        return programme

    # -- [[feeds]] --------------------------------------------------------------------

    def declared_feeds(
        self,
        document: Mapping[str, Any],
        categories: list[Category],
        papers: list[Paper],
        sessions: list[str],
        kinds: list[str],
    ) -> list[tuple[str, DeclaredFeed]]:
        if "feeds" not in document:
            return []
        taken = {"all": "the overall feed", **{c.id: f"the category {c.id!r}" for c in categories if c.id}}
        known: dict[str, list[str]] = {
            "category": [c.id for c in categories if c.id],
            "kind": kinds,
            "paper": [p.id for p in papers if p.id],
            "session": sessions,
        }
        declared: list[tuple[str, DeclaredFeed]] = []
        for path, table in self.tables(document, "feeds"):
            self.keys(table, "feeds", path)
            identifier = self.identifier(table, "id", path)
            if identifier in taken:
                self.problem(
                    f"{path}.id", f"feed id {identifier!r} is taken by {taken[identifier]}; choose another id"
                )
            elif identifier:
                taken[identifier] = f"the feed at {path}"
            sessions_mode = self.feed_events(table, path)
            if not any(key in table for key in FEED_FILTERS) and not sessions_mode:
                self.problem(
                    path,
                    f"expected at least one filter ({', '.join(FEED_FILTERS)}): "
                    "without one the feed would repeat all.ics",
                )
            values = {key: self.filter_values(table, key, path, names) for key, names in known.items()}
            filters = Filters(
                categories=values["category"],
                kinds=values["kind"],
                papers=values["paper"],
                days=tuple(self.filter_days(table, path)),
                sessions=values["session"],
            )
            declared.append(
                (
                    path,
                    DeclaredFeed(
                        id=identifier,
                        name=self.text(table, "name", path),
                        filters=filters,
                        sessions=sessions_mode,
                    ),
                )
            )
        return declared

    def feed_events(self, table: Mapping[str, Any], path: str) -> bool:
        """``events = "items"`` (the default) or ``"sessions"``: True for a feed of sessions."""
        value = self.get(table, "events", path, str)
        if value not in (None, "items", "sessions"):
            self.problem(f"{path}.events", f"expected 'items' or 'sessions', found {show(value)}")
        return value == "sessions"

    def filter_values(
        self, table: Mapping[str, Any], key: str, path: str, known: list[str]
    ) -> tuple[str, ...]:
        """A filter's value: one string or an array of them, each one the programme knows."""
        result = []
        for where, item in self.one_or_many(table, key, path):
            text = self.string(item, where)
            if text and text not in known:
                hint = close_match(text, known)
                suggestion = f"; did you mean {hint[0]!r}?" if hint else ""
                listing = ", ".join(repr(k) for k in known[:10]) + (", …" if len(known) > 10 else "")
                self.problem(where, f"unknown {key} {show(text)}{suggestion} (defined: {listing or 'none'})")
            elif text:
                result.append(text)
        return tuple(result)

    def filter_days(self, table: Mapping[str, Any], path: str) -> Iterator[date]:
        for where, item in self.one_or_many(table, "day", path):
            if type(item) is date:
                if self.in_years(item, where):
                    yield item
            else:
                self.problem(where, f"expected a date like 2023-12-12, found {found(item)}")

    def one_or_many(self, table: Mapping[str, Any], key: str, path: str) -> Iterator[tuple[str, object]]:
        """(path, value) of a key that takes one value or an array of them."""
        if key not in table:
            return
        value = table[key]
        if not isinstance(value, list):
            yield f"{path}.{key}", value
            return
        if not value:
            self.problem(f"{path}.{key}", "expected at least one value, found an empty array")
        for index, item in enumerate(value):
            yield f"{path}.{key}[{index}]", item

    def conference(self, document: Mapping[str, Any], kinds: list[Kind]) -> Conference | None:
        table = self.get(document, "conference", "", dict)
        publish = self.get(document, "publish", "", dict)
        if table is not None:
            self.keys(table, "conference", "conference")
        if publish is not None:
            self.keys(publish, "publish", "publish")
        if table is None or publish is None:
            return None  # every problem of the table that is there is reported all the same
        path = "conference"
        start = self.day(table, "start", path)
        end = self.day(table, "end", path)
        if start and end and end < start:
            self.problem(f"{path}.end", f"{end} is before the start {start}; expected a later date")
        timezone_name = self.text(table, "timezone", path)
        streamed: list[Kind] = []
        for index, kind in enumerate(self.text_list(table, "streamed", path)):
            if kind in kinds:
                streamed.append(kind)
            else:
                expected = ", ".join(repr(k) for k in kinds)
                self.problem(
                    f"{path}.streamed[{index}]",
                    f"unknown kind {kind!r}; expected one of {expected}",
                )
        name = self.text(table, "name", path)
        return Conference(
            id=self.identifier(table, "id", path),
            name=name,
            full_name=self.text(table, "full_name", path) or name,
            start=start or date.min,
            end=end or date.min,
            venue=self.text(table, "venue", path),
            city=self.text(table, "city", path),
            website=self.url(table, "website", path),
            timezone=timezone_name,
            streamed=tuple(k for k in kinds if k in streamed),
            updated=self.updated(publish),
            refresh_interval=self.duration(publish, "refresh_interval", "publish"),
            keep_cancelled=self.get(publish, "keep_cancelled", "publish", bool) or False,
            base_url=self.base_url(publish),
            feed_max_bytes=self.budget(publish, "feed_max_bytes", DEFAULT_FEED_MAX_BYTES),
            feed_max_events=self.budget(publish, "feed_max_events", DEFAULT_FEED_MAX_EVENTS),
            abstracts=self.abstracts(publish),
        )

    def budget(self, publish: Mapping[str, Any], key: str, default: int) -> int:
        value = self.get(publish, key, "publish", int)
        if value is None:
            return default
        if value < 1:
            self.problem(f"publish.{key}", f"expected a positive integer like {default}, found {value}")
            return default
        return value

    def abstracts(self, publish: Mapping[str, Any]) -> Abstracts:
        value = self.get(publish, "abstracts", "publish", str)
        for setting in ABSTRACTS:
            if value == setting:
                return setting
        if value is not None:
            expected = ", ".join(repr(a) for a in ABSTRACTS)
            self.problem("publish.abstracts", f"unknown setting {show(value)}; expected one of {expected}")
        return "full"

    def base_url(self, publish: Mapping[str, Any]) -> str:
        value = self.text(publish, "base_url", "publish")
        if not value:
            return ""
        try:
            return normalise_base_url(value)
        except ValueError as error:
            self.problem("publish.base_url", str(error))
            return ""

    def in_years(self, value: date, where: str) -> bool:
        """Dates stay in the range every calendar client and time zone rule handles."""
        if YEARS[0] <= value.year <= YEARS[1]:
            return True
        expected = f"expected a year from {YEARS[0]} to {YEARS[1]}"
        self.problem(where, f"year {value.year} is out of range; {expected}")
        return False

    def day(self, table: Mapping[str, Any], key: str, path: str) -> date | None:
        value = table.get(key)
        if value is None:
            return None
        if type(value) is date:
            return value if self.in_years(value, f"{path}.{key}") else None
        self.problem(
            f"{path}.{key}",
            f"expected a date like 2023-12-10, found {found(value)}",
        )
        return None

    def updated(self, publish: Mapping[str, Any]) -> datetime:
        value = publish.get("updated")
        if isinstance(value, datetime) and value.tzinfo is not None:
            if not self.in_years(value, "publish.updated"):
                return datetime.min.replace(tzinfo=UTC)
            return value.astimezone(UTC)
        if value is not None:
            self.problem(
                "publish.updated",
                f"expected a date-time with an offset like 2023-12-11T00:00:00Z, found {show(value)}",
            )
        return datetime.min.replace(tzinfo=UTC)

    def duration(self, table: Mapping[str, Any], key: str, path: str) -> timedelta:
        value = self.get(table, key, path, str)
        if value is None:
            return DEFAULT_REFRESH_INTERVAL
        match = _DURATION.fullmatch(value)
        if match and any(match.groups()):
            weeks, days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
            result = timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds)
            if result >= timedelta(minutes=1):
                return result
        self.problem(f"{path}.{key}", f"{show(value)} is not a duration; expected ISO 8601 like 'PT12H'")
        return DEFAULT_REFRESH_INTERVAL

    def zone(self, conference: Conference) -> tzinfo | None:
        if not conference.timezone:
            return None
        try:
            return zones.zone(conference.timezone)
        except zones.UnknownZoneError:
            when = conference.start if conference.start != date.min else None
            message = zones.unknown_zone(conference.timezone, city=conference.city, when=when)
            self.problem("conference.timezone", message)
            return None

    def category(self, path: str, table: Mapping[str, Any]) -> Category:
        self.keys(table, "categories", path)
        identifier = self.identifier(table, "id", path)
        if identifier in RESERVED_CATEGORY_IDS:
            self.problem(f"{path}.id", f"{identifier!r} is reserved for the overall feed; choose another id")
        return Category(
            id=identifier,
            name=self.text(table, "name", path),
            subcategories=self.text_list(table, "subcategories", path),
        )

    def paper(
        self, path: str, table: Mapping[str, Any], categories: Mapping[str, Category], schema: str
    ) -> Paper:
        self.undeclared_kinds(table, path, schema)
        self.keys(
            {k: v for k, v in table.items() if not _slot_shaped(v) or k in self.schema[schema]}, schema, path
        )
        category_id = self.get(table, "category", path, str) or ""
        category = categories.get(category_id)
        if category_id and category is None:
            known = ", ".join(repr(c) for c in sorted(categories)) or "none"
            self.problem(f"{path}.category", f"unknown category {category_id!r} (defined: {known})")
        subcategory = self.text(table, "subcategory", path)
        if category and subcategory and subcategory not in category.subcategories:
            allowed = ", ".join(repr(s) for s in category.subcategories) or "none"
            self.problem(
                f"{path}.subcategory",
                f"{subcategory!r} is not a subcategory of {category.id!r} (defined: {allowed})",
            )
        authors = self.text_list(table, "authors", path)
        if "authors" in table and not authors:
            self.problem(f"{path}.authors", "expected at least one author")
        return Paper(
            id=self.identifier(table, "id", path),
            category=category_id,
            title=self.text(table, "title", path),
            authors=authors,
            abstract=self.text(table, "abstract", path, multiline=True),
            note=self.text(table, "note", path, multiline=True),
            subcategory=subcategory,
            url=self.url(table, "url", path),
            links=tuple(self.links(table, path)),
            speakers=tuple(self.people(table, "speakers", path)),
            table=schema,
        )

    def undeclared_kinds(self, table: Mapping[str, Any], path: str, schema: str) -> None:
        """A table under an item that is not one of its kinds: a close kind, or how to declare it."""
        kinds = [k for k in self.schema[schema] if k not in SCHEMA[schema] or k in KINDS]
        for key, value in table.items():
            if key in self.schema[schema] or not _slot_shaped(value):
                continue
            header = _header(f"{path}.{key}", "[]" if isinstance(value, dict) else "[[]]")
            hint = close_match(key, kinds)
            if hint:
                message = f"unknown table {header}; did you mean {_header(f'{path}.{hint[0]}', '[]')}?"
            else:
                label = key.replace("-", " ").capitalize()
                message = (
                    f"unknown table {header}: {key!r} is not a kind (kinds: {', '.join(kinds)}); declare it "
                    f'in the [kinds] table, e.g. {key} = {{ label = "{label}", plural = "{label}s" }}'
                )
            self.problem(f"{path}.{key}", message)

    def people(self, table: Mapping[str, Any], key: str, path: str) -> Iterator[Person]:
        """Speakers: names, or tables { name, affiliation }."""
        for index, value in enumerate(self.get(table, key, path, list) or []):
            where = f"{path}.{key}[{index}]"
            if isinstance(value, dict):
                self.keys(value, "speakers", where)
                name = self.text(value, "name", where)
                if name:
                    yield Person(name=name, affiliation=self.text(value, "affiliation", where))
            elif name := self.string(value, where):
                yield Person(name=name)

    def kinds(self, document: Mapping[str, Any]) -> tuple[KindDef, ...]:
        """The predeclared kinds (relabelled if the file says so), then the declared ones."""
        table = self.get(document, "kinds", "", dict) or {}
        declared = {kind.id: kind for kind in PREDECLARED_KINDS}
        reserved = (set(SCHEMA["items"]) - set(KINDS)) | {SESSION_KIND}
        for key, value in table.items():
            where = f"kinds.{key}"
            if not KIND_PATTERN.fullmatch(key) or key in reserved:
                why = "an item key" if key in reserved else "lowercase letters and single hyphens"
                self.problem(
                    where, f"{show(key)} cannot be a kind ({why}); choose another name like 'keynote'"
                )
                continue
            if not isinstance(value, dict):
                self.problem(
                    where, f'expected a table {{ label = "…", plural = "…" }}, found {type_name(value)}'
                )
                continue
            self.keys(value, "kinds", where)
            label = self.text(value, "label", where)
            if label:
                declared[key] = KindDef(key, label, self.text(value, "plural", where) or f"{label}s")
        return tuple(declared.values())

    def session(self, path: str, table: Mapping[str, Any], places: _Places) -> Session:
        self.keys(table, "sessions", path)
        kind = self.text(table, "kind", path)
        if kind and kind not in places.kinds:
            self.problem(f"{path}.kind", f"unknown kind {kind!r} (known: {', '.join(places.kinds)})")
        if ("start" in table) != ("end" in table):
            self.problem(
                path, "expected both 'start' and 'end', or neither (the session then spans its items)"
            )
        start, end = self.times(table, path, places.zone)
        room, level, room_id = self.room_of(table, path, places)
        return Session(
            id=self.identifier(table, "id", path),
            name=self.text(table, "name", path),
            kind=kind,
            start=start,
            end=end,
            room=room,
            level=level,
            room_id=room_id,
            venue=self.venue_id(table, path, places),
            chairs=tuple(self.chairs(table, path)),
            streamed=self.get(table, "streamed", path, bool),
            stream_url=self.url(table, "url", path),
        )

    def chairs(self, table: Mapping[str, Any], path: str) -> Iterator[Person]:
        """``chair``: a name, a { name, affiliation } table, or an array of them."""
        value = table.get("chair")
        if value is None:
            return
        yield from self.people({"chair": value if isinstance(value, list) else [value]}, "chair", path)

    def times(
        self, table: Mapping[str, Any], path: str, zone: tzinfo | None
    ) -> tuple[datetime | None, datetime | None]:
        """A slot's or session's start and end, localized; the end must come after the start."""
        local_start, local_end = self.local_time(table, "start", path), self.local_time(table, "end", path)
        if local_start and local_end and local_end <= local_start:
            self.problem(
                f"{path}.end",
                f"{local_end:%Y-%m-%d %H:%M} is not after the start {local_start:%Y-%m-%d %H:%M}; "
                "expected an end later than the start",
            )
        return self.localize(zone, local_start, f"{path}.start"), self.localize(
            zone, local_end, f"{path}.end"
        )

    def room_of(self, table: Mapping[str, Any], path: str, places: _Places) -> tuple[str, str, str]:
        """Room name, level and id: a declared room by its id, or free text (with a level)."""
        room, level = self.text(table, "room", path), self.text(table, "level", path)
        if level and not room:
            self.problem(f"{path}.level", "a level needs a room; add 'room' or remove 'level'")
        if places.rooms is None or not room:
            return room, level, ""
        if level:
            self.problem(f"{path}.level", "a declared room has its level in [[rooms]]; remove 'level' here")
        declared = places.rooms.get(room)
        if declared is None:
            hint = close_match(room, places.rooms)
            suggestion = f"; did you mean {hint[0]!r}?" if hint else ""
            listing = ", ".join(repr(r) for r in places.rooms) or "none"
            self.problem(
                f"{path}.room", f"unknown room id {room!r}{suggestion} (defined in [[rooms]]: {listing})"
            )
            return room, "", ""
        return declared.name, declared.level, declared.id

    def room(self, path: str, table: Mapping[str, Any]) -> Room:
        self.keys(table, "rooms", path)
        capacity = self.get(table, "capacity", path, int)
        if capacity is not None and capacity < 1:
            self.problem(f"{path}.capacity", f"expected a positive number of seats, found {capacity}")
        return Room(
            id=self.identifier(table, "id", path),
            name=self.text(table, "name", path),
            level=self.text(table, "level", path),
            capacity=capacity,
            address=self.text(table, "address", path),
        )

    def venue_id(self, table: Mapping[str, Any], path: str, places: _Places) -> str:
        venue = self.text(table, "venue", path)
        if venue and venue not in places.venues:
            known = ", ".join(repr(v) for v in places.venues) or "none; declare it in a [[venues]] table"
            self.problem(f"{path}.venue", f"unknown venue {venue!r} (defined: {known})")
        return venue

    def venue(self, path: str, table: Mapping[str, Any]) -> Venue:
        self.keys(table, "venues", path)
        return Venue(
            id=self.identifier(table, "id", path),
            name=self.text(table, "name", path),
            address=self.text(table, "address", path),
        )

    def item_paths(self, document: Mapping[str, Any], papers: list[Paper]) -> list[tuple[str, str]]:
        """Each item's TOML path and id, papers first (the order they were read)."""
        count = len(document.get("papers", [])) if isinstance(document.get("papers"), list) else 0
        return [(f"papers[{i}]" if i < count else f"items[{i - count}]", p.id) for i, p in enumerate(papers)]

    def links(self, table: Mapping[str, Any], path: str) -> Iterator[Link]:
        for index, value in enumerate(self.get(table, "links", path, list) or []):
            where = f"{path}.links[{index}]"
            if not isinstance(value, dict):
                self.problem(where, f"expected a table {{ label = …, url = … }}, found {type_name(value)}")
                continue
            self.keys(value, "links", where)
            yield Link(label=self.text(value, "label", where), url=self.url(value, "url", where))

    def slots(self, path: str, table: Mapping[str, Any], paper_id: str, places: _Places) -> Iterator[Event]:
        """The item's slots: ``[papers.oral]`` for one, ``[[papers.talk]]`` for several of a kind."""
        found = False
        for kind in places.kinds:
            if kind not in table:
                continue
            found = True
            value = table[kind]
            if isinstance(value, dict):
                yield from self.slot(f"{path}.{kind}", value, paper_id, kind, 1, places)
            elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                for number, slot in enumerate(value, start=1):
                    yield from self.slot(f"{path}.{kind}[{number - 1}]", slot, paper_id, kind, number, places)
            else:
                header = f"{path.split('[')[0]}.{kind}"
                self.problem(
                    f"{path}.{kind}",
                    f"expected a table [{header}] or tables [[{header}]], "
                    f"found {type_name(value)} ({show(value)})",
                )
        if not found:
            named = [k for k in places.kinds if k not in KINDS]
            expected = "an oral, a poster or a talk" + (f" (or {', '.join(named)})" if named else "")
            self.problem(path, f"no events: expected {expected}")

    def slot(
        self, where: str, slot: Mapping[str, Any], paper_id: str, kind: Kind, number: int, places: _Places
    ) -> Iterator[Event]:
        self.keys(slot, "slot", where)
        held = places.sessions.get(slot.get("session", "")) if isinstance(slot.get("session"), str) else None
        for key in ("start", "end"):
            if key not in slot and (held is None or held.start is None):
                self.problem(where, f"missing key {key!r}")
        start, end = self.times(slot, where, places.zone)
        room, level, room_id = self.room_of(slot, where, places)
        venue = self.venue_id(slot, where, places)
        session = self.text(slot, "session", where) or places.kinds[kind].label
        if held is not None:
            start, end = start or held.start, end or held.end
            room, level, room_id = (room, level, room_id) if room else (held.room, held.level, held.room_id)
            venue = venue or held.venue
        event = Event(
            paper=paper_id,
            kind=kind,
            session=held.name if held else session,
            start=start or datetime.min,
            end=end or datetime.min,
            room=room,
            level=level,
            board=self.text(slot, "board", where),
            speakers=self.text_list(slot, "speakers", where),
            status=self.status(slot, where),
            number=number,
            streamed=self.get(slot, "streamed", where, bool),
            stream_url=self.url(slot, "url", where),
            venue=venue,
            session_id=held.id if held else "",
            room_id=room_id,
        )
        if start and end and paper_id:
            yield event

    def status(self, slot: Mapping[str, Any], path: str) -> Status:
        value = self.get(slot, "status", path, str)
        for status in STATUSES:
            if value == status:
                return status
        if value is not None:
            expected = " or ".join(repr(s) for s in STATUSES)
            self.problem(f"{path}.status", f"unknown status {show(value)}; expected {expected}")
        return "confirmed"

    def local_time(self, table: Mapping[str, Any], key: str, path: str) -> datetime | None:
        if key not in table:
            return None
        value = table[key]
        if not isinstance(value, datetime) or value.tzinfo is not None:
            self.problem(
                f"{path}.{key}",
                f"expected a local date-time like 2023-12-12T15:40:00 (no offset: times are in "
                f"conference.timezone), found {found(value)}",
            )
            return None
        return value if self.in_years(value, f"{path}.{key}") else None

    def localize(self, zone: tzinfo | None, value: datetime | None, where: str) -> datetime | None:
        if zone is None or value is None:
            return None
        if value in self.localized:  # sessions share their times; localize is not cheap
            return self.localized[value]
        try:
            self.localized[value] = zones.localize(value, zone)
            return self.localized[value]
        except zones.LocalTimeError as error:
            self.problem(where, str(error))
        return None
