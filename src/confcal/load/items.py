"""The programme's items: [[papers]] and [[items]], and the slots of each ([papers.oral],
[[papers.talk]], … one table or an array of tables per kind)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from confcal.checked import ID_PATTERN, close_match, meant, show, type_name
from confcal.load.conference import plural_of
from confcal.load.places import Places, room_of, times, venue_id
from confcal.load.reader import EventsReader
from confcal.load.schema import SCHEMA, header, slot_shaped
from confcal.model import KINDS, STATUSES, Category, Event, Kind, Link, Paper, Status


def read_paper(
    reader: EventsReader, path: str, table: Mapping[str, Any], categories: Mapping[str, Category], schema: str
) -> Paper:
    _item_keys(reader, table, path, schema)
    category_id = reader.get(table, "category", path, str) or ""
    category = categories.get(category_id)
    if category_id and category is None:
        known = ", ".join(repr(c) for c in sorted(categories)) or "none"
        names = {c.id: [c.name] for c in categories.values()}
        reader.unknown_reference(
            f"{path}.category", category_id, what="category", names=names, listing=f"defined: {known}"
        )
    subcategory = reader.text(table, "subcategory", path)
    if category and subcategory and subcategory not in category.subcategories:
        allowed = ", ".join(repr(s) for s in category.subcategories) or "none"
        hint = meant(subcategory, dict.fromkeys(category.subcategories, ()))
        suggestion = f"; did you mean {hint.ids[0]!r}?" if hint else ""
        reader.problem(
            f"{path}.subcategory",
            f"{subcategory!r} is not a subcategory of {category.id!r}{suggestion} (defined: {allowed})",
        )
    authors = reader.text_list(table, "authors", path)
    if isinstance(table.get("authors"), list) and not authors:
        reader.problem(f"{path}.authors", "expected at least one author")
    return Paper(
        id=reader.identifier(table, "id", path),
        category=category_id,
        title=reader.text(table, "title", path),
        authors=authors,
        abstract=reader.text(table, "abstract", path, multiline=True),
        note=reader.text(table, "note", path, multiline=True),
        subcategory=subcategory,
        url=reader.url(table, "url", path),
        links=tuple(_links(reader, table, path)),
        speakers=tuple(reader.people(table, "speakers", path)),
        table=schema,
    )


def _item_keys(reader: EventsReader, table: Mapping[str, Any], path: str, schema: str) -> None:
    """An item's keys in one pass: a table that is not one of its kinds is reported as such
    (``_undeclared_kind``), any other key the schema lacks as an unknown key, then what is missing."""
    allowed = reader.schema[schema]
    unknown = []
    for key, value in table.items():
        if key in allowed:
            continue
        if slot_shaped(value):
            reader.problem(f"{path}.{key}", _undeclared_kind(reader, key, value, path=path, schema=schema))
        else:
            unknown.append(key)
    for key in unknown:
        reader.problem(f"{path}.{key}", reader.unknown_key(schema, key, table[key], f"{path}.{key}"))
    reader.required(table, schema, path)


def _undeclared_kind(reader: EventsReader, key: str, value: object, *, path: str, schema: str) -> str:
    """A table under an item that is not one of its kinds: a close kind, or how to declare it."""
    kinds = [k for k in reader.schema[schema] if k not in SCHEMA[schema] or k in KINDS]
    shown = header(f"{path}.{key}", "[]" if isinstance(value, dict) else "[[]]")
    hint = close_match(key, kinds)
    if hint:
        return f"unknown table {shown}; did you mean {header(f'{path}.{hint[0]}', '[]')}?"
    label = key.replace("-", " ").capitalize()
    return (
        f"unknown table {shown}: {key!r} is not a kind (kinds: {', '.join(kinds)}); declare it "
        f'in the [kinds] table, e.g. {key} = {{ label = "{label}", plural = "{plural_of(label)}" }}'
    )


def _links(reader: EventsReader, table: Mapping[str, Any], path: str) -> Iterator[Link]:
    for index, value in enumerate(reader.get(table, "links", path, list) or []):
        where = f"{path}.links[{index}]"
        if not isinstance(value, dict):
            reader.problem(where, f"expected a table {{ label = …, url = … }}, found {type_name(value)}")
            continue
        reader.keys(value, "links", where)
        yield Link(label=reader.text(value, "label", where), url=reader.url(value, "url", where))


def item_paths(document: Mapping[str, Any], papers: list[Paper]) -> list[tuple[str, str]]:
    """Each item's TOML path and id, papers first (the order they were read)."""
    count = len(document.get("papers", [])) if isinstance(document.get("papers"), list) else 0
    return [(f"papers[{i}]" if i < count else f"items[{i - count}]", p.id) for i, p in enumerate(papers)]


def read_slots(
    reader: EventsReader, path: str, table: Mapping[str, Any], paper_id: str, places: Places
) -> Iterator[Event]:
    """The item's slots: ``[papers.oral]`` for one, ``[[papers.talk]]`` for several of a kind."""
    found = False
    for kind in places.kinds:
        if kind not in table:
            continue
        found = True
        value = table[kind]
        if isinstance(value, dict):
            yield from _slot(reader, f"{path}.{kind}", value, paper_id, kind, 1, places)
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for number, slot in enumerate(value, start=1):
                yield from _slot(reader, f"{path}.{kind}[{number - 1}]", slot, paper_id, kind, number, places)
        else:
            header = f"{path.split('[')[0]}.{kind}"
            reader.problem(
                f"{path}.{kind}",
                f"expected a table [{header}] or tables [[{header}]], "
                f"found {type_name(value)} ({show(value)})",
            )
    if not found:
        named = [k for k in places.kinds if k not in KINDS]
        expected = "an oral, a poster or a talk" + (f" (or {', '.join(named)})" if named else "")
        reader.problem(path, f"no events: expected {expected}")


def _slot(
    reader: EventsReader,
    where: str,
    slot: Mapping[str, Any],
    paper_id: str,
    kind: Kind,
    number: int,
    places: Places,
) -> Iterator[Event]:
    reader.keys(slot, "slot", where)
    named = slot.get("session")
    held = places.sessions.get(named) if isinstance(named, str) else None
    mistyped = held is None and isinstance(named, str) and _mistyped_session(reader, named, where, places)
    for key in ("start", "end"):
        if key not in slot and not mistyped and (held is None or held.id not in places.timed_sessions):
            reader.problem(where, f"missing key {key!r}")
    start, end = times(reader, slot, where, places.local)
    room, level, room_id = room_of(reader, slot, where, places)
    venue = venue_id(reader, slot, where, places)
    session = reader.text(slot, "session", where) or places.kinds[kind].label
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
        board=reader.text(slot, "board", where),
        speakers=reader.text_list(slot, "speakers", where),
        status=_status(reader, slot, where),
        number=number,
        streamed=reader.get(slot, "streamed", where, bool),
        stream_url=reader.url(slot, "url", where),
        venue=venue,
        session_id=held.id if held else "",
        room_id=room_id,
    )
    if start and end and paper_id:
        yield event


def _mistyped_session(reader: EventsReader, value: str, where: str, places: Places) -> bool:
    """A ``session`` that means a declared session but is not its id is a mistake (reported here),
    not a session name of its own: the session's name or its id in any letter case (the slot
    would take nothing from the session), or a value written like an id and close to a declared
    id (a typo). Other names are free text, and the ones people write (``Oral 2D Privacy``,
    ``Poster session 2``) hold a capital or a space. Not ``checked.meant``, the rule of rooms,
    venues and kinds: there an id in other letter case outranks another's exact name (``Keynote``
    means the id ``keynote`` even where another session is named "Keynote"), spaces inside are
    folded, and any value may be a typo."""
    where = f"{where}.session"
    lowercase = value.strip().lower()
    exactly = [s for s in places.sessions.values() if s.name == value.strip()]
    folded = [s for s in places.sessions.values() if s.name.casefold() == value.strip().casefold()]
    # A session's very name first, then an id in other letter case (whose session may be named
    # alike), then a name in other letter case.
    named = exactly or ([] if lowercase in places.sessions else folded)
    if named:
        written = " or ".join(f'session = "{s.id}"' for s in named)
        sessions = " and ".join(repr(s.id) for s in named)
        cased = "" if all(s.name == value for s in named) else f" ({named[0].name!r}) in other letter case"
        reader.problem(
            where,
            f"{value!r} is the name of session{'s' if len(named) > 1 else ''} {sessions}{cased}; "
            f"write {written} to put this slot in it (a slot names its session by id)",
        )
        return True
    if lowercase in places.sessions:
        reader.problem(
            where,
            f"unknown session {value!r}; did you mean {lowercase!r}? Session ids are lowercase: "
            f'write session = "{lowercase}" to put this slot in it',
        )
        return True
    if not ID_PATTERN.fullmatch(value):
        return False
    hint = close_match(value, places.sessions)
    if not hint:
        return False
    name = value.replace("-", " ").capitalize()
    reader.problem(
        where,
        f"unknown session {value!r}; did you mean {hint[0]!r}? Use a declared session's id, "
        f"declare {value!r} in [[sessions]], or write a session name as text (like {name!r})",
    )
    return True


def _status(reader: EventsReader, slot: Mapping[str, Any], path: str) -> Status:
    value = reader.get(slot, "status", path, str)
    for status in STATUSES:
        if value == status:
            return status
    if value is not None:
        expected = " or ".join(repr(s) for s in STATUSES)
        reader.problem(f"{path}.status", f"unknown status {show(value)}; expected {expected}")
    return "confirmed"
