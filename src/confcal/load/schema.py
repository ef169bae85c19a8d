"""The tables of events.toml: the keys of each (SCHEMA), which keys hold tables (TABLE_KEYS), and
how a message names a table by its TOML header."""

from __future__ import annotations

import re

from confcal.model import KINDS

# Filters of a [[feeds]] table: the same as `confcal export`'s options.
FEED_FILTERS = ("category", "kind", "paper", "day", "session")
# A declared kind's id: letters and single hyphens (no digits: a slot's number follows it in
# event ids, "tutorial-x.talk-2"), not one of the item keys it sits beside.
KIND_PATTERN = re.compile(r"[a-z]+(?:-[a-z]+)*")

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


def slot_shaped(value: object) -> bool:
    """A table, or a non-empty array of tables: how a slot of some kind (or any table) is written."""
    return isinstance(value, dict) or (
        isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)
    )


def header(path: str, brackets: str) -> str:
    """'papers[6].talk' as its TOML table header: '[papers.talk]' or, with '[[]]', '[[papers.talk]]'."""
    name = re.sub(r"\[\d+\]", "", path)
    return f"[{name}]" if brackets == "[]" else f"[[{name}]]"
