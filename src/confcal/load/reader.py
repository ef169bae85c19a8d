"""Checked access to the parsed events file: ``checked.CheckedReader`` plus what is particular to
TOML (messages that name tables by their headers, lines from the text, dates and local times)."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from typing import Any

from confcal.checked import CheckedReader, close_match, found, hidden_problem, meant, separator_problem, show
from confcal.load.locate import Locator
from confcal.load.schema import SCHEMA, TABLE_KEYS, header, slot_shaped
from confcal.model import Person

YEARS = (1900, 2999)  # years 1 and 9999 break date arithmetic; calendar clients expect modern dates


class EventsReader(CheckedReader):
    """Reads the events file's values; every problem is recorded with its TOML path and line."""

    def __init__(self, *, name: str, text: str) -> None:
        super().__init__(name=name, schema=SCHEMA)
        self.text_of_file = text

    @functools.cached_property
    def locator(self) -> Locator:
        """Built on the first problem: a valid file never needs it."""
        return Locator(self.text_of_file)

    def line(self, path: str) -> int | None:
        return self.locator.line(path)

    def unknown_key(self, schema: str, key: str, value: object, where: str) -> str:
        """A table is compared with the tables this one may hold, a value with its keys."""
        tables = TABLE_KEYS.get(schema, {})
        if not slot_shaped(value):
            keys = [k for k in self.schema[schema] if k not in tables]
            hint = close_match(key, keys)
            suggestion = f"; did you mean {hint[0]!r}?" if hint else ""
            return f"unknown key {key!r}{suggestion} (expected one of: {', '.join(self.schema[schema])})"
        shown = header(where, "[]" if isinstance(value, dict) else "[[]]")
        expected = [header(f"{schema}.{k}" if schema else k, brackets) for k, brackets in tables.items()]
        hint = close_match(key, tables)
        suggestion = (
            f"; did you mean {header(where[: -len(key)] + hint[0], tables[hint[0]])}?" if hint else ""
        )
        if not expected:
            parent = header(where.rpartition(".")[0], "[]")
            listing = ", ".join(self.schema[schema])
            return f"unknown table {shown}: {parent} holds no tables (its keys: {listing})"
        return f"unknown table {shown}{suggestion} (expected tables here: {', '.join(expected)})"

    def unknown_reference(
        self,
        where: str,
        value: str,
        *,
        what: str,
        names: Mapping[str, Iterable[str]],
        listing: str,
        label: str = "name",
        rule: str = "",
    ) -> None:
        """A problem for ``value``, which names no ``what`` (one of the keys of ``names``, each with
        its display names): the id to write when ``value`` is a display name ("'Hall A' is the name
        of room 'hall-a'; write room = "hall-a""), otherwise a close id and ``listing``, the ids
        the file defines ("unknown room 'hal-a'; did you mean 'hall-a'? (defined: …)").
        ``label`` is what a display name is called ("label" for a kind), ``rule`` how a reference
        names one (default: by its id)."""
        hint = meant(value, names)
        if hint is None or not hint.named:
            suggestion = f"; did you mean {hint.ids[0]!r}?" if hint else ""
            self.problem(where, f"unknown {what} {show(value)}{suggestion} ({listing})")
            return
        key = where.rpartition(".")[2]
        write = " or ".join(_toml_string(i) if "[" in key else f"{key} = {_toml_string(i)}" for i in hint.ids)
        several = "s" if len(hint.ids) > 1 else ""
        self.problem(
            where,
            f"{show(value)} is the {label} of {what}{several} {' and '.join(repr(i) for i in hint.ids)}; "
            f"write {write} ({rule or f'a {what} is named by its id'})",
        )

    def string(self, value: object, where: str, *, multiline: bool = False, empty: bool = False) -> str:
        """The checked string, without a bidirectional control character (``checked.bidi_problem``),
        so that what an organizer writes is published as it reads, nor a noncharacter, which XML
        files cannot carry (``checked.hidden_problem``). Every text of the file comes here
        (``text`` and ``text_list`` take only printable strings without a look, and these
        characters are not printable). The state file's reader does not refuse them: it holds what
        earlier builds published."""
        text = super().string(value, where, multiline=multiline, empty=empty)
        if text and isinstance(value, str) and (problem := hidden_problem(value)):
            self.problem(where, f"{show(value)} {problem}; remove it (editors often do not show it)")
            return ""
        if text and not multiline and isinstance(value, str) and (problem := separator_problem(value)):
            self.problem(where, f"{show(value)} {problem}; remove it (editors often do not show it)")
            return ""
        return text

    def shape_hint(self, where: str, value: object, kind: type) -> str:
        name = header(where, "[]")[1:-1]
        if kind is dict and isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            return f"; [[{name}]] starts an array of tables: write the header [{name}], once"
        if kind is list and isinstance(value, dict):
            return f"; [{name}] is one table: write the header [[{name}]] for each of them"
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
        if not self.in_years(value, f"{path}.{key}"):
            return None
        if value.second or value.microsecond:
            self.problem(
                f"{path}.{key}",
                f"expected a time in whole minutes like {value:%Y-%m-%dT%H:%M}:00 (calendars and the "
                f"state file keep no seconds), found {value:%H:%M:%S}{fraction(value)}",
            )
            return None
        return value

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


def _toml_string(text: str) -> str:
    """``text`` as a TOML basic string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def fraction(value: datetime) -> str:
    """The fraction of a second as TOML writes it (".5"), or ""."""
    return f".{value.microsecond:06d}".rstrip("0") if value.microsecond else ""
