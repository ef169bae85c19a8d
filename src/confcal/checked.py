"""Checked access to a parsed document (TOML or JSON): every problem recorded with its path.

Shared by the events file's reader (``load/reader.py``) and the state file's (``state.py``): both
validate everything, collect every problem, then report them at once. ``read_json`` parses the
JSON files (the state file, an imported schedule.json) with one message for each way one can fail.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Literal, TypeVar

from confcal.errors import Problem

ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
ID_MAX_LENGTH = 80
# C0 controls except TAB and LF, DEL and the C1 range: RFC 5545 allows none of them in a value.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): they show text
# in another order than it is stored (a title that reads as another), and a programme needs none.
# The events file (load/reader.py) and the import refuse them: ``bidi_problem``.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Noncharacters (U+FDD0-U+FDEF and the last two code points of every plane): no text holds them,
# and XML allows none of U+FFFE and U+FFFF (a schedule.xml or an Atom feed holding one is not
# well-formed). The events file and the import refuse them: ``noncharacter_problem``.
NONCHARACTER = re.compile(
    "[\ufdd0-\ufdef"
    + "".join(chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(17))
    + "]"
)
_SURROGATE = re.compile("[\ud800-\udfff]")
_URL = re.compile(r"https?://[^\s/$.?#][^\s]*")
# Characters a URL must not hold as they are: they end an attribute or a property, or mean
# something else to some parsers (a backslash is a slash to browsers); percent-encode them.
_URL_UNSAFE = frozenset("\"'<>\\^`{|}")
# Device names Windows refuses as file names, with any extension: an id that becomes one
# (con.ics, papers/aux.ics) breaks a checkout of the output folder there.
WINDOWS_DEVICES = frozenset(
    ["con", "prn", "aux", "nul", *(f"com{n}" for n in range(1, 10)), *(f"lpt{n}" for n in range(1, 10))]
)


def bidi_problem(value: str) -> str | None:
    """What a message says of the first bidirectional control character in ``value`` (the
    subject and the fix are the caller's), or None."""
    match = _BIDI.search(value)
    if match is None:
        return None
    import unicodedata  # only when there is a problem to explain

    character = match.group()
    return (
        f"holds U+{ord(character):04X} ({unicodedata.name(character)}) at position {match.start()}, a "
        "bidirectional control character that shows text in another order than it is stored"
    )


def noncharacter_problem(value: str) -> str | None:
    """What a message says of the first noncharacter in ``value`` (the subject and the fix are the
    caller's), or None."""
    if match := NONCHARACTER.search(value):
        return (
            f"holds the noncharacter U+{ord(match.group()):04X} at position {match.start()}, which no text "
            "holds and XML files (schedule.xml, changes.atom) cannot carry"
        )
    return None


def hidden_problem(value: str) -> str | None:
    """What a message says of the first character the events file refuses in text beyond
    ``string_problem``'s rule (``bidi_problem``, ``noncharacter_problem``), or None: one that
    shows text as it is not stored, or that no text holds."""
    return bidi_problem(value) or noncharacter_problem(value)


# Line and paragraph separators: line breaks in one line of text to some clients and tools. The
# events file refuses them (``separator_problem``); the import makes them spaces, as a line break.
LINE_SEPARATOR = re.compile("[\u2028\u2029]")


def separator_problem(value: str) -> str | None:
    """What a message says of a line or paragraph separator (U+2028, U+2029) in one line of text,
    or None: not a control character, so ``string_problem`` lets it by, but a line break to clients
    that show the title on two lines and to the tools that split a feed's lines at it."""
    if match := LINE_SEPARATOR.search(value):
        name = "LINE SEPARATOR" if match.group() == "\u2028" else "PARAGRAPH SEPARATOR"
        where = f"at position {match.start()}"
        return f"holds U+{ord(match.group()):04X} ({name}) {where}, a line break in one line of text"
    return None


def string_problem(value: str, *, multiline: bool = False, empty: bool = False) -> str | None:
    """Why ``CheckedReader.string`` does not take ``value``, or None: a control character, a lone
    surrogate (a JSON file can escape one; no text holds one, and it cannot be written as UTF-8), a
    line break unless ``multiline``, blank unless ``empty`` and empty."""
    if match := CONTROL.search(value):
        return f"control character U+{ord(match.group()):04X} at position {match.start()}; remove it"
    if match := _SURROGATE.search(value):
        return f"lone surrogate U+{ord(match.group()):04X} at position {match.start()}, which no text holds"
    if not multiline and "\n" in value:
        return "expected a single line, found a line break"
    if not value.strip() and not (empty and not value):
        return "expected text, found an empty string"
    return None


def line_problem(value: str, *, max_length: int) -> str | None:
    """Why ``value`` is not one line of text as the events file takes it (``string_problem``,
    ``hidden_problem``) and at most ``max_length`` characters, or None."""
    if problem := string_problem(value) or hidden_problem(value) or separator_problem(value):
        return problem
    if len(value) > max_length:
        return f"longer than {max_length} characters"
    return None


def url_problem(value: str) -> str | None:
    """Why ``value`` cannot be written into a page or a feed as a link, or None."""
    for position, character in enumerate(value):
        if character in _URL_UNSAFE or character.isspace() or not character.isprintable():
            return (
                f"{show(value)} holds U+{ord(character):04X} at position {position}, which a link "
                "must not hold as it is; percent-encode it (a space is %20, a quote %22)"
            )
    return None


def ascii_url_problem(value: str) -> str | None:
    """Why ``value`` cannot be an iCalendar URI (RFC 5545 URI values are ASCII: RFC 3986), with
    the ASCII form to write instead, or None."""
    position, character = next(((i, c) for i, c in enumerate(value) if not c.isascii()), (-1, ""))
    if position < 0:
        return None
    suggestion = ascii_url(value)
    fix = (
        f"write it as {suggestion!r}" if suggestion else "percent-encode it, and write its host in xn-- form"
    )
    return (
        f"{show(value)} holds {character!r} (U+{ord(character):04X}) at position {position}; a link in a "
        f"calendar is ASCII only: {fix}"
    )


def public_address(base_url: str) -> str:
    """The public address (``publish.base_url``) as every file that holds it writes it (the page's
    links, schedule.xml and .json, changes.atom): ASCII, its host in IDNA (``xn--``) and the rest
    percent-encoded, as a browser writes an https address (``ascii_url``). Browsers take
    ``webcal:`` as a scheme without hosts of their own and keep its host as written: a calendar
    app would look up ``b%C3%BCcher.example``. Kept as it is when it is ASCII already, or when
    Python's IDNA (2003) would name another host than browsers do (``straße.de``)."""
    if base_url.isascii():
        return base_url
    return ascii_url(base_url) or base_url


def ascii_url(value: str) -> str | None:
    """The URI of an IRI (RFC 3987, 3.1): the host in IDNA (xn--), and elsewhere each character
    that is not ASCII, or that a link must not hold as it is (``url_problem``), percent-encoded as
    UTF-8; the rest is kept. None when the host is not a name IDNA gives back as it is:
    ``straße.de`` would become ``strasse.de``, another host than browsers' ``xn--strae-oqa.de``."""
    import urllib.parse  # only for a URL that needs it

    try:
        parts = urllib.parse.urlsplit(value)
        host = parts.hostname or ""
        if not host.isascii():
            encoded = host.encode("idna")
            if encoded.decode("idna") != host:
                return None
            host = encoded.decode("ascii")
        port = parts.port
    except (UnicodeError, ValueError):
        return None
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = f"[{host}]" if ":" in host else host
    netloc = (f"{urllib.parse.quote(userinfo, safe=_SUB_DELIMS + ':')}@" if userinfo else "") + netloc
    netloc += f":{port}" if port is not None else ""
    path = urllib.parse.quote(parts.path, safe=_SUB_DELIMS + ":@/")
    query = urllib.parse.quote(parts.query, safe=_SUB_DELIMS + ":@/?")
    fragment = urllib.parse.quote(parts.fragment, safe=_SUB_DELIMS + ":@/?")
    return urllib.parse.urlunsplit((parts.scheme, netloc, path, query, fragment))


# RFC 3986's sub-delims but the apostrophe (which ends an attribute: ``url_problem``), and "%" so
# that what is already percent-encoded stays as it is.
_SUB_DELIMS = "!$&()*+,;=%"


def link_problem(value: str) -> str | None:
    """Why the events file does not take ``value`` as a link (``CheckedReader.url``), or None."""
    if problem := url_problem(value) or ascii_url_problem(value):
        return problem
    if not _URL.fullmatch(value):
        return f"{show(value)} is not a URL; expected https://…"
    return None


def as_link(value: str) -> str:
    """``value`` as a link the events file takes (``link_problem``): as it is, or the same address
    written as the loader's messages ask, its host in IDNA and what a link must not hold as it is
    percent-encoded (``ascii_url``). ValueError, saying why, when no such form is sure to be the
    same address: a backslash (browsers read it as a slash, other programs as a backslash), such
    a character in the host, a host IDNA does not give back."""
    if (problem := link_problem(value)) is None:
        return value
    if (position := value.find("\\")) >= 0:
        raise ValueError(
            f"{show(value)} holds a backslash at position {position}, which browsers read as a slash "
            "and other programs as a backslash; write the address it means, with / or %5C"
        )
    converted = ascii_url(value)
    if converted is None or link_problem(converted) is not None:
        raise ValueError(problem)
    return converted


class JsonError(ValueError):
    """Bytes ``read_json`` cannot give a document for: ``message`` says why in plain words (the
    caller names the file and adds what to do), at ``line`` when it is known; ``kind`` is
    "encoding" (not UTF-8), "syntax" (not JSON, often a file cut short) or "limit" (JSON that no
    schedule or state file is: nested hundreds of levels deep, an integer of thousands of digits)."""

    def __init__(
        self, message: str, *, kind: Literal["encoding", "syntax", "limit"], line: int | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.line = line


def read_json(raw: bytes) -> Any:
    """The JSON document in ``raw`` (UTF-8, a byte order mark allowed), or JsonError. Python's
    parser raises RecursionError for deep nesting and ValueError, with advice about
    ``sys.set_int_max_str_digits``, for a long integer: both become a JsonError saying what the
    file holds, and where."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        message = f"not UTF-8: byte 0x{raw[error.start]:02x} at offset {error.start}"
        raise JsonError(message, kind="encoding", line=line) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        message = f"not valid JSON: {error.msg} (column {error.colno})"
        raise JsonError(message, kind="syntax", line=error.lineno) from None
    except RecursionError:
        message = "arrays or objects nested hundreds of levels deep; expected at most a few levels"
        raise JsonError(message, kind="limit", line=_deep_json_line(text)) from None
    except ValueError:  # int() refuses a decimal integer longer than sys.get_int_max_str_digits()
        where, digits = _long_json_integer(text)
        limit = sys.get_int_max_str_digits()
        length = digits or f"over {limit}"
        message = f"an integer of {length} digits, too long to read; expected at most {limit} digits"
        raise JsonError(message, kind="limit", line=where) from None


_JSON_STRING = r'"(?:[^"\\]|\\.)*"'
_JSON_BRACKETS = re.compile(rf"{_JSON_STRING}|[\[\]{{}}]")
_JSON_NUMBERS = re.compile(rf"{_JSON_STRING}|-?(\d+)(\.\d+)?([eE][+-]?\d+)?")


def _deep_json_line(text: str, depth: int = 100) -> int | None:
    """The line where arrays and objects first nest ``depth`` levels deep."""
    level = 0
    for match in _JSON_BRACKETS.finditer(text):
        token = match.group()
        if token in "[{":
            level += 1
            if level >= depth:
                return text.count("\n", 0, match.start()) + 1
        elif token in "]}":
            level = max(level - 1, 0)
    return None


def _long_json_integer(text: str) -> tuple[int | None, int | None]:
    """The line and the number of digits of the first integer (no fraction, no exponent: Python
    reads those as floats) longer than ``int()`` reads; (None, None) when there is none."""
    limit = sys.get_int_max_str_digits()
    for match in _JSON_NUMBERS.finditer(text):
        digits, fraction, exponent = match.groups()
        if digits and not fraction and not exponent and len(digits) > limit:
            return text.count("\n", 0, match.start()) + 1, len(digits)
    return None, None


T = TypeVar("T")

_TYPE_NAMES: dict[type, str] = {
    str: "a string",
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    list: "an array",
    dict: "a table",
    datetime: "a date-time",
    date: "a date",
    time: "a time",
}


def type_name(value: object) -> str:
    for kind, label in _TYPE_NAMES.items():
        if type(value) is kind:
            return label
    return type(value).__name__


def show(value: object) -> str:
    """A value as a message quotes it: at most 40 characters, arrays and tables described, not dumped."""
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        count = len(value)
        if count and all(isinstance(item, dict) for item in value):
            return f"an array of {count} table{'' if count == 1 else 's'}"
        return f"an array of {count} value{'' if count == 1 else 's'}"
    if isinstance(value, int) and value.bit_length() > 128:  # str() of a huge int is slow or refused
        return f"an integer of about {round(value.bit_length() * 0.30103)} digits"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def found(value: object) -> str:
    """'an integer (42)', 'a table', 'an array of 2 tables': what a message says was found."""
    if isinstance(value, dict | list):
        return show(value)
    return f"{type_name(value)} ({show(value)})"


def close_match(word: str, candidates: Iterable[str]) -> list[str]:
    import difflib  # only when there is a problem to explain

    return difflib.get_close_matches(word, list(candidates), n=1)


@dataclass(frozen=True)
class Meant:
    """The ids an unknown reference probably means (``meant``)."""

    ids: tuple[str, ...]
    named: bool
    """The reference is their display name (a room's name written for its id), not a typo."""


def meant(value: str, names: Mapping[str, Iterable[str]]) -> Meant | None:
    """What ``value``, a reference to none of the ids of ``names`` (each id with its display names:
    a room's name, a kind's labels), probably means: the id it is in other letter case (a room
    "Hall" for the id ``hall``, even when another room is named "Hall"); else the ids whose
    display name it is; else the id it is close to (``close_match``); None when none is near.
    Letter case and extra spaces are not compared. An id that is also the display name written
    is given as named: "'Foyer' is the name of room 'foyer'" says more than "did you mean"."""
    key = _folded(value)
    cased = [id_ for id_ in names if _folded(id_) == key][:1]
    named = [id_ for id_, shown in names.items() if any(_folded(n) == key for n in shown)]
    if named and (not cased or named == cased):
        return Meant(tuple(named), named=True)
    hint = cased or close_match(value, names)
    return Meant(tuple(hint), named=False) if hint else None


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def _plain(value: object) -> str:
    """``value`` stripped if it is a string that needs no closer look (printable, so without
    control characters or line breaks, and not blank); otherwise "" (``string`` then checks it
    and says what is wrong)."""
    return value.strip() if isinstance(value, str) and value.isprintable() else ""


class CheckedReader:
    """Reads values out of a document, recording a Problem for each one that is not as expected.

    ``schema`` maps a table kind to its keys (key → required). Subclasses give ``line`` to
    locate a path in the file's text.
    """

    def __init__(self, *, name: str, schema: Mapping[str, Mapping[str, bool]]) -> None:
        self.name = name
        self.schema = schema
        self.problems: list[Problem] = []
        self._required: dict[str, list[str]] = {}

    def line(self, path: str) -> int | None:
        return None

    def problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.name, path, message, self.line(path)))

    def keys(self, table: Mapping[str, Any], schema: str, path: str) -> None:
        """Every key of ``table`` is one of ``schema``'s, and every required one is there."""
        allowed = self.schema[schema]
        for key, value in table.items():
            if key not in allowed:
                where = f"{path}.{key}" if path else key
                self.problem(where, self.unknown_key(schema, key, value, where))
        self.required(table, schema, path)

    def required(self, table: Mapping[str, Any], schema: str, path: str) -> None:
        """A problem for each required key of ``schema`` that ``table`` lacks, in the schema's order."""
        names = self._required.get(schema)
        if names is None:
            names = self._required[schema] = [k for k, required in self.schema[schema].items() if required]
        for key in names:
            if key not in table:
                self.problem(path, f"missing key {key!r}")

    def unknown_key(self, schema: str, key: str, value: object, where: str) -> str:
        """The message for a key the table does not have (the events file names tables by shape)."""
        allowed = self.schema[schema]
        hint = close_match(key, allowed)
        suggestion = f"; did you mean {hint[0]!r}?" if hint else ""
        return f"unknown key {key!r}{suggestion} (expected one of: {', '.join(allowed)})"

    def shape_hint(self, where: str, value: object, kind: type) -> str:
        """How to write a value of the wrong shape; the events file explains TOML's brackets."""
        return ""

    def get(self, table: Mapping[str, Any], key: str, path: str, kind: type[T]) -> T | None:
        if key not in table:
            return None
        value = table[key]
        if type(value) is not kind:
            where = f"{path}.{key}" if path else key
            hint = self.shape_hint(where, value, kind)
            self.problem(where, f"expected {_TYPE_NAMES[kind]}, found {found(value)}{hint}")
            return None
        return value

    def text(self, table: Mapping[str, Any], key: str, path: str, *, multiline: bool = False) -> str:
        if key not in table:
            return ""
        value = table[key]
        return _plain(value) or self.string(value, f"{path}.{key}", multiline=multiline)

    def string(self, value: object, where: str, *, multiline: bool = False, empty: bool = False) -> str:
        """A string without control characters; single-line unless ``multiline``, not blank
        unless ``empty``."""
        if plain := _plain(value):
            return plain
        if not isinstance(value, str):
            self.problem(where, f"expected a string, found {found(value)}")
            return ""
        if problem := string_problem(value, multiline=multiline, empty=empty):
            self.problem(where, problem)
            return ""
        return value.strip()

    def text_list(self, table: Mapping[str, Any], key: str, path: str) -> tuple[str, ...]:
        values = self.get(table, key, path, list) or []
        plain = tuple(map(_plain, values))
        if all(plain):
            return plain
        strings = (self.string(v, f"{path}.{key}[{i}]") for i, v in enumerate(values))
        return tuple(s for s in strings if s)

    def identifier(self, table: Mapping[str, Any], key: str, path: str) -> str:
        value = self.get(table, key, path, str)
        if value is None:
            return ""
        if len(value) > ID_MAX_LENGTH or not ID_PATTERN.fullmatch(value):
            self.problem(
                f"{path}.{key}",
                f"{show(value)} is not a safe id; expected lowercase letters, digits and "
                f"single hyphens (like 'oral-2d'), at most {ID_MAX_LENGTH} characters",
            )
            return ""
        if value in WINDOWS_DEVICES:
            self.problem(
                f"{path}.{key}",
                f"{show(value)} is a device name on Windows, where no file may be called "
                f"{value}.ics; choose another id (like '{value}-1')",
            )
            return ""
        return value

    def url(self, table: Mapping[str, Any], key: str, path: str) -> str:
        value = self.text(table, key, path)
        if value and (problem := link_problem(value)):
            self.problem(f"{path}.{key}", problem)
            return ""
        return value

    def unique(self, ids: list[tuple[str, str]], what: str) -> None:
        """A problem for each entry whose id an entry above it in the file has: ``ids`` may come in
        another order than the file's (papers first, then items), so "first" is by line."""
        paths: dict[str, list[str]] = {}
        for path, identifier in ids:
            if identifier:
                paths.setdefault(identifier, []).append(path)
        for identifier, given in paths.items():
            if len(given) < 2:
                continue
            lines = {path: self.line(f"{path}.id") or self.line(path) for path in given}
            first, *others = sorted(given, key=lambda path: lines[path] or 0)
            where = f"{first}, line {lines[first]}" if lines[first] else first
            for path in others:
                self.problem(f"{path}.id", f"duplicate {what} id {identifier!r} (first at {where})")

    def tables(self, document: Mapping[str, Any], key: str) -> Iterator[tuple[str, dict[str, Any]]]:
        values = self.get(document, key, "", list)
        if values is None:
            return
        if not values:
            self.problem(key, f"expected at least one [[{key}]] table, found none")
        for index, value in enumerate(values):
            path = f"{key}[{index}]"
            if isinstance(value, dict):
                yield path, value
            else:
                self.problem(path, f"expected a table, found {type_name(value)}")
