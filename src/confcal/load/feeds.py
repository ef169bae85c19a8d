"""[[feeds]]: the feeds the organizer declares, each a set of filters over the programme."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from confcal.checked import found, show
from confcal.filters import known, session_choices
from confcal.load.reader import EventsReader
from confcal.load.schema import FEED_FILTERS
from confcal.model import Category, DeclaredFeed, Event, Filters, KindDef, Paper, Programme, Session


def read_feeds(
    reader: EventsReader,
    document: Mapping[str, Any],
    categories: list[Category],
    papers: list[Paper],
    events: list[Event],
    kinds: tuple[KindDef, ...],
    *,
    sessions: list[Session],
) -> list[tuple[str, DeclaredFeed]]:
    """Each [[feeds]] table with its path; ``events`` sorted as the programme holds them. A feed's
    ``session`` takes what --session takes (``filters.session_choices``), with the same meaning."""
    if "feeds" not in document:
        return []
    taken = {"all": "the overall feed", **{c.id: f"the category {c.id!r}" for c in categories if c.id}}
    references: dict[str, tuple[Mapping[str, list[str]], str, str]] = {  # names, their label, the rule
        "category": ({c.id: [c.name] for c in categories if c.id}, "name", ""),
        "kind": ({k.id: [k.label] for k in kinds}, "label", ""),
        "paper": ({p.id: [p.title] for p in papers if p.id}, "title", ""),
        "session": (session_choices(sessions, events), "name", "a session is named by its id or its name"),
    }
    declared: list[tuple[str, DeclaredFeed]] = []
    for path, table in reader.tables(document, "feeds"):
        reader.keys(table, "feeds", path)
        identifier = reader.identifier(table, "id", path)
        if identifier in taken:
            reader.problem(
                f"{path}.id", f"feed id {identifier!r} is taken by {taken[identifier]}; choose another id"
            )
        elif identifier:
            taken[identifier] = f"the feed at {path}"
        sessions_mode = _feed_events(reader, table, path)
        if not any(key in table for key in FEED_FILTERS) and not sessions_mode:
            reader.problem(
                path,
                f"expected at least one filter ({', '.join(FEED_FILTERS)}): "
                "without one the feed would repeat all.ics",
            )
        values = {key: _filter_values(reader, table, key, path, *named) for key, named in references.items()}
        filters = Filters(
            categories=values["category"],
            kinds=values["kind"],
            papers=values["paper"],
            days=tuple(_filter_days(reader, table, path)),
            sessions=values["session"],
        )
        declared.append(
            (
                path,
                DeclaredFeed(
                    id=identifier,
                    name=reader.text(table, "name", path),
                    filters=filters,
                    sessions=sessions_mode,
                ),
            )
        )
    return declared


def _feed_events(reader: EventsReader, table: Mapping[str, Any], path: str) -> bool:
    """``events = "items"`` (the default) or ``"sessions"``: True for a feed of sessions."""
    value = reader.get(table, "events", path, str)
    if value not in (None, "items", "sessions"):
        reader.problem(f"{path}.events", f"expected 'items' or 'sessions', found {show(value)}")
    return value == "sessions"


def _filter_values(
    reader: EventsReader,
    table: Mapping[str, Any],
    key: str,
    path: str,
    names: Mapping[str, list[str]],
    label: str,
    rule: str,
) -> tuple[str, ...]:
    """A filter's value: one string or an array of them, each one of the ``names`` the programme
    knows (each with what else may name it: a category's name, a declared session's name)."""
    result = []
    for where, item in _one_or_many(reader, table, key, path):
        text = reader.string(item, where)
        if text and text not in names:
            listed = known(names, quote=repr)
            listing = ", ".join(listed[:10]) + (", …" if len(listed) > 10 else "")
            reader.unknown_reference(
                where,
                text,
                what=key,
                names=names,
                listing=f"defined: {listing or 'none'}",
                label=label,
                rule=rule,
            )
        elif text:
            result.append(text)
    return tuple(result)


def _filter_days(reader: EventsReader, table: Mapping[str, Any], path: str) -> Iterator[date]:
    for where, item in _one_or_many(reader, table, "day", path):
        if type(item) is date:
            if reader.in_years(item, where):
                yield item
        else:
            reader.problem(where, f"expected a date like 2023-12-12, found {found(item)}")


def _one_or_many(
    reader: EventsReader, table: Mapping[str, Any], key: str, path: str
) -> Iterator[tuple[str, object]]:
    """(path, value) of a key that takes one value or an array of them."""
    if key not in table:
        return
    value = table[key]
    if not isinstance(value, list):
        yield f"{path}.{key}", value
        return
    if not value:
        reader.problem(f"{path}.{key}", "expected at least one value, found an empty array")
    for index, item in enumerate(value):
        yield f"{path}.{key}[{index}]", item


def check_matches(
    reader: EventsReader, programme: Programme, declared: list[tuple[str, DeclaredFeed]]
) -> None:
    """Each declared feed matches some event; if not, what each of its filters matches alone."""
    for path, spec in declared:
        if not any(spec.filters.matches(programme, e) for e in programme.events):
            counts = _match_counts(programme, spec.filters)
            reader.problem(
                path, f"feed {spec.id!r} matches no event: {counts}; loosen a filter or remove the feed"
            )


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
