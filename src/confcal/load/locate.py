"""Lines of the events file for error messages: where a TOML path is, where the parser stopped
(and, when it stopped in a date or a time that does not exist, what is wrong with it).

Only asked when there is a problem to report: a valid file never builds the index.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from confcal.load.schema import SCHEMA


def deep_line(text: str, depth: int = 100) -> int | None:
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


def toml_error(message: str, text: str) -> tuple[str, int | None]:
    """The parser's message without its position, and the line it names; a key the parser
    shows as a Python tuple, ``('papers', 'oral')``, is shown as TOML writes it, ``papers.oral``;
    a date or time there that does not exist is explained (``date_time_hint``)."""
    message = re.sub(
        r"\(((?:'[^']*', ?)*'[^']*'),?\)",
        lambda match: ".".join(re.findall(r"'([^']*)'", match.group(1))),
        message,
    )
    if match := re.search(r" \(at line (\d+), column (\d+)\)$", message):
        line, column = int(match.group(1)), int(match.group(2))
        lines = text.split("\n")
        parsed = message[: match.start()]
        if line <= len(lines):
            hint = date_time_hint(lines[line - 1], column) or syntax_hint(parsed, lines, line, column)
        else:
            hint = ""
        return f"{parsed} (column {column}){hint}", line
    if message.endswith(" (at end of document)"):
        return message.removesuffix(" (at end of document)") + " at the end of the file", text.count("\n") + (
            not text.endswith("\n")
        )
    return message, None


_TYPOGRAPHIC_QUOTES = "“”„‟‘’‚‛«»「」"
# A table header at the start of a line, [name] or [[name]]: its brackets and what is between them.
# _HEADERS finds them all in a text (prefixed with a line end), _HEADER reads one line.
_HEADER_PATTERN = r"[ \t]*(\[\[?)([^\[\]\n]+)\]"
_HEADERS = re.compile("\n" + _HEADER_PATTERN)
_HEADER = re.compile(_HEADER_PATTERN)
# One key of a dotted name: bare, or quoted without a dot, a quote or an escape in it (nor a
# bracket, in a header's name); a key line begins with a dotted name and =.
_ONE_KEY = r"""[A-Za-z0-9_\-]+|"[^".\\\n]*"|'[^'.\n]*'"""
_KEY_PART = re.compile(rf"[ \t]*({_ONE_KEY})[ \t]*")
_KEY = re.compile(rf"[ \t]*((?:{_ONE_KEY})(?:[ \t]*\.[ \t]*(?:{_ONE_KEY}))*)[ \t]*=")


def _dotted_keys(inside: str) -> list[str] | None:
    """The keys of a dotted name, a header's or a key's (``papers . "oral"`` → ['papers', 'oral']),
    None when it is not one this reading understands (a quoted key with a dot, a quote or an
    escape in it)."""
    keys = []
    for part in inside.split("."):
        match = _KEY_PART.fullmatch(part)
        if not match:
            return None
        key = match.group(1)
        keys.append(key[1:-1] if key[0] in "\"'" else key)
    return keys


def _header_name(header: re.Match[str]) -> str:
    """A header's name as its keys joined by dots, or as written when it is not read as keys."""
    keys = _dotted_keys(header.group(2))
    return ".".join(keys) if keys is not None else header.group(2).strip()


# A date or a time written another way than TOML's: 15.40.00, 10/03/2026, 12/12, 3pm, 9.30am.
_LOOKS_LIKE_TIME = re.compile(
    r"\s*(?:\d{1,4}\.\d{1,2}\.\d{1,4}|\d{1,4}/\d{1,2}(?:/\d{1,4})?|\d{1,2}(?:[.:]\d{2})?\s*[ap]\.?m\b)",
    re.IGNORECASE,
)
_CAPITAL_BOOLEAN = re.compile(r"(?:True|False|TRUE|FALSE)\b")
_VALUES = (
    'a value: text in straight double quotes ("Lunch"), a number, true or false, a date '
    "(2023-12-10), a date-time (2023-12-12T15:40:00), an array [...] or an inline table { ... }"
)


def syntax_hint(parsed: str, lines: list[str], line: int, column: int) -> str:
    """What the parser's message (``parsed``, without its position) means on the line it names,
    and how to fix it, for the mistakes people make writing TOML by hand: typographic quotes, a
    text value without quotes, a string left open, a key or table given twice, an array without
    commas, a time written 12.00 or 10/03/2026. "" when none of these is recognised there."""
    text = lines[line - 1]
    rest = text[column - 1 :].lstrip() if column >= 1 else ""
    if parsed == "Invalid value":
        if rest[:1] in _TYPOGRAPHIC_QUOTES:
            return f"; {rest[:1]} is a typographic quote: write straight quotes, \" or '"
        if _CAPITAL_BOOLEAN.match(rest):
            return "; TOML writes true and false in lowercase"
        key = _KEY.match(text)
        after = text[key.end() :] if key else ""
        if rest[:1].isalpha() and key and key.end() + len(after) - len(after.lstrip()) == column - 1:
            # the value right after the key's = (not an array's or an inline table's item)
            return f'; a text value takes quotes: {key.group(1)} = "{rest.split("#")[0].strip()}"'
        if rest[:1].isalpha():
            return '; a text value takes quotes, in an array or an inline table too: ["a", "b"]'
        return f"; expected {_VALUES}"
    if parsed.startswith("Illegal character '\\n'") and text.count('"') % 2 == 1:
        return (
            '; the text that begins with " on this line is not closed: end it with " on the same line, '
            'or write text over several lines between """ and """'
        )
    if parsed == "Cannot overwrite a value":
        if header := _HEADER.match(text):
            name = _header_name(header)
            return (
                f"; {name} is already a table or a value above: write [[{name}]] (two brackets) before "
                f"every entry of a list, and [{name}] only once for a single table"
            )
        if key := _KEY.match(text):
            first = _earlier_key(lines, line, key.group(1))
            where = f" (line {first})" if first else ""
            return (
                f"; {key.group(1)} is already given in this table{where}, and a key may be given once: "
                "remove one, or begin a new entry with its [[...]] header if this one is another entry"
            )
        return ""
    if parsed.startswith("Cannot declare ") and parsed.endswith(" twice"):
        name = parsed.removeprefix("Cannot declare ").removesuffix(" twice")
        if unknown := _unknown_table_above(lines, line):
            return unknown
        return (
            f"; the table [{name}] is declared above too: give a table's keys under one header, or, for "
            f"a list of entries, write [[{name}]] (two brackets) before each one"
        )
    if parsed == "Unclosed array":
        return "; expected a comma or ] here: separate an array's values with commas, and close it with ]"
    if parsed.startswith("Expected newline or end of document"):
        if _HEADER.match(text):
            return "; expected the end of the line (or a # comment) after a table's header"
        if _LOOKS_LIKE_TIME.match(text.partition("=")[2]):
            return f"; {_WRITE_DATES}"
        return (
            "; expected the end of the line (or a # comment) after the value: text with spaces takes "
            "quotes, and arrays separate their values with commas"
        )
    if parsed.startswith("Expected '=' after a key"):
        if ":" in text.split("=")[0]:
            return "; write key = value (with =, not :)"
        return (
            "; expected = after the key: a key is one word (letters, digits, - and _), then =, then the value"
        )
    return ""


def _unknown_table_above(lines: list[str], line: int) -> str:
    """The hint for a sub-table declared twice because the table header above it names no table
    of the file: [[item]] for [[items]] puts the [items.talk] below it in the entry above, which
    has one. "" when the nearest table header above names one (or none is there)."""
    from confcal.checked import close_match  # only when there is a problem to explain

    for number in range(line - 1, 0, -1):
        header = _HEADER.match(lines[number - 1])
        keys = _dotted_keys(header.group(2)) if header else None
        if not header or keys is None or len(keys) > 1:
            continue
        if keys[0] in SCHEMA[""]:
            return ""
        shown = f"{header.group(1)}{keys[0]}{']' * len(header.group(1))}"
        hint = close_match(keys[0], SCHEMA[""])
        meant = f"; did you mean {header.group(1)}{hint[0]}{']' * len(header.group(1))}?" if hint else ""
        here = _HEADER.match(lines[line - 1])
        table = f"[{_header_name(here)}]" if here and here.group(1) == "[" else "this line's table"
        return (
            f"; {shown} (line {number}) is not a table of the file{meant} As it is, {table} belongs to "
            "the entry above that header, which has one already"
        )
    return ""


def _earlier_key(lines: list[str], line: int, key: str) -> int | None:
    """The line above ``line``, in the same table (after the last header), that gives ``key``."""
    for number in range(line - 1, 0, -1):
        text = lines[number - 1]
        if _HEADER.match(text):
            return None
        if (match := _KEY.match(text)) and match.group(1) == key:
            return number
    return None


def misplaced_tables(text: str, document: Mapping[str, Any]) -> list[tuple[int, str, str]]:
    """The headers of an array's sub-table written after another table's header: ``[[items]]``,
    then ``[[papers.tutorial]]`` meant for that item (or for a paper further up). TOML puts it in
    the last ``[[papers]]`` entry above it, wherever that is, which silently gives that paper a
    slot. Each as its line, its TOML path and the message.

    Header lines are read first as they are (a few milliseconds at NeurIPS size); only when that
    finds one is the file read again with its strings and comments blanked out, so that a line
    of a multi-line string that reads like a header (``[conference]``, ``[1] Steinke et al.``)
    never counts."""
    if not _misplaced(text, document):
        return []
    return _misplaced(_STRINGS_AND_COMMENTS.sub(_blank, text), document)


# TOML's strings and comments, multi-line ones first; a basic string's escapes are skipped.
_STRINGS_AND_COMMENTS = re.compile(
    r'"""(?:[^"\\]|\\[\s\S]|"(?!""))*"""(?:"{1,2}(?!"))?|\'\'\'[\s\S]*?\'\'\'(?:\'{1,2}(?!\'))?'
    r'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*'
)


def _blank(match: re.Match[str]) -> str:
    """The match as spaces, its line ends kept, so that lines and columns stay where they were."""
    return re.sub(r"[^\n]", " ", match.group())


def _misplaced(text: str, document: Mapping[str, Any]) -> list[tuple[int, str, str]]:
    """``misplaced_tables`` on ``text`` as it is: only header lines are read. A line that names no
    table of the document is passed over, and after a header this reading does not understand,
    nothing is reported until the next one it does: it never refuses what it cannot be sure of."""
    found = []
    root, root_header, root_at = "", "", 0
    entries = dict.fromkeys(document, 0)
    for match in _HEADERS.finditer("\n" + text):
        brackets, inside = match.groups()
        closing = "]" * len(brackets)
        if brackets == "[" and inside.startswith("["):
            continue
        keys = _dotted_keys(inside)
        if keys is None:
            root = ""  # unsure which table this is: report nothing until the next header
            continue
        first, rest = keys[0], keys[1:]
        if first not in document:
            continue  # not a header of this document: text in a multi-line string
        if not rest:
            entries[first] += brackets == "[["
            if first not in SCHEMA[""]:
                root = ""  # a table the file should not have ([[item]]): the schema check names it
                continue
            root, root_header, root_at = first, f"{brackets}{first}{closing}", match.start()
            continue
        values = document[first]
        if not root or first == root or not isinstance(values, list) or not 0 < entries[first] <= len(values):
            continue
        key, index = rest[0], entries[first] - 1
        if not isinstance(values[index], dict) or key not in values[index]:
            continue
        line, above = text.count("\n", 0, match.start()) + 1, text.count("\n", 0, root_at) + 1
        dotted = ".".join(keys)
        message = (
            f"{brackets}{dotted}{closing} comes after {root_header} (line {above}), but TOML puts "
            f"it in {first}[{index}], the last [[{first}]] entry above it: move it under the [[{first}]] "
            "entry it belongs to, or, if it belongs to the table above it, name that table in its header"
        )
        found.append((line, f"{first}[{index}].{key}", message))
    return found


# A value written like a date, a date-time or a time (fields of one or two digits, the year of two
# to four), as the value of a key or an item of an array or inline table: delimiters on either side.
_DATE_TIME_VALUE = re.compile(
    r"(?<=[=\[,{])\s*(?P<value>"
    r"(?:(?P<year>\d{2,4})-(?P<month>\d{1,2})-(?P<day>\d{1,2}))?"
    r"(?:(?(year)[Tt ])(?P<hour>\d{1,2}):(?P<minute>\d{1,2})(?::(?P<second>\d{1,2})(?:\.\d+)?)?)?"
    r"(?:[Zz]|[+-](?P<offset_hour>\d{1,2}):(?P<offset_minute>\d{1,2}))?"
    r")\s*(?=[#,\]}]|$)"
)
_MONTHS = (
    ("January", 31),
    ("February", 28),
    ("March", 31),
    ("April", 30),
    ("May", 31),
    ("June", 30),
    ("July", 31),
    ("August", 31),
    ("September", 30),
    ("October", 31),
    ("November", 30),
    ("December", 31),
)
_WRITE_DATES = (
    "write dates as YYYY-MM-DD, like 2023-12-10, and date-times as YYYY-MM-DDTHH:MM:SS, "
    "like 2023-12-12T15:40:00"
)


def date_time_hint(line: str, column: int) -> str:
    """Why the date or time value the parser stopped in does not exist ("; 2026-10-32 is not a
    date: October 2026 has 31 days; write dates as …"), or "" when the line holds none there or
    nothing in it can be named as wrong (the parser's own message is then all there is)."""
    for match in _DATE_TIME_VALUE.finditer(line):
        value = match.group("value")
        if not (match.group("year") or match.group("hour")) or not (
            match.start("value") < column <= match.end("value") + 1
        ):
            continue
        if reason := _date_time_problem(match):
            return f"; {value} is not {_what(match)}: {reason}; {_WRITE_DATES}"
    return ""


def _what(match: re.Match[str]) -> str:
    if not match.group("hour"):
        return "a date"
    return "a date-time" if match.group("year") else "a time"


def _date_time_problem(match: re.Match[str]) -> str | None:
    """What is wrong with the fields of a date or time value, or None if nothing is."""
    import calendar  # only for a file that does not parse

    fields = {
        name: match.group(name)
        for name in ("year", "month", "day", "hour", "minute", "second", "offset_hour", "offset_minute")
        if match.group(name) is not None
    }
    if "year" in fields and len(fields["year"]) != 4:
        return "the year takes four digits"
    for name, text in fields.items():
        if name != "year" and len(text) != 2:
            return f"the {name.replace('_', ' ')} takes two digits ({int(text):02d})"
    if "year" in fields:
        year, month, day = int(fields["year"]), int(fields["month"]), int(fields["day"])
        if not 1 <= month <= 12:
            return f"there is no month {month:02d} (months run from 01 to 12)"
        name, days = _MONTHS[month - 1]
        days += month == 2 and calendar.isleap(year)
        if day == 0:
            return f"there is no day 00 (days run from 01 to {days})"
        if day > days:
            return f"{name} {year} has {days} days"
    limits = {"hour": 23, "minute": 59, "second": 59, "offset_hour": 23, "offset_minute": 59}
    for name, text in fields.items():
        if name in limits and int(text) > limits[name]:
            return f"{name.replace('_', ' ')} {text} is out of range (00 to {limits[name]})"
    return None


class Locator:
    """Finds the line of a TOML path in files laid out the usual way (headers, one key per line).

    Inline tables and dotted keys are not indexed; their problems are reported without a line.
    """

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
            if (header := _HEADER.match(line)) and (parts := _dotted_keys(header.group(2))) is not None:
                prefix = self._resolve(parts[:-1], counts, number)
                key = f"{prefix}.{parts[-1]}" if prefix else parts[-1]
                if header.group(1) == "[[":
                    self.lines.setdefault(key, number)
                    counts[key] = counts.get(key, -1) + 1
                    current = f"{key}[{counts[key]}]"
                else:
                    current = key
                self.lines.setdefault(current, number)
            elif match := _KEY.match(line):
                base = current
                for part in _dotted_keys(match.group(1)) or ():
                    base = f"{base}.{part}" if base else part
                    self.lines.setdefault(base, number)
                for quote in ('"""', "'''"):
                    if line.count(quote) % 2 == 1:
                        in_multiline = quote

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


def line_in_file(events: Path, path: str) -> int | None:
    """The line of the TOML ``path`` in the file ``events``, for a message about a problem found
    after loading (the file is read again: only when there is one to report); None when the file
    cannot be read or the path not found. Read as ``load`` reads it: every line end as it is."""
    try:
        text = events.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return Locator(text.removeprefix("\ufeff")).line(path)
