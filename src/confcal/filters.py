"""Which events a personal selection holds (export, agenda), and what its feed is called.

Filters of different kinds are combined with AND; the values of one repeated filter with OR.
A day is a date in the conference's time zone.
"""

from __future__ import annotations

from confcal import zones
from confcal.errors import NoMatchError, UnknownIdError
from confcal.feeds import Feed
from confcal.model import Event, Filters, Programme

__all__ = [
    "Filters",
    "NoMatchError",
    "UnknownIdError",
    "check_ids",
    "no_match_message",
    "select",
    "selection_feed",
    "selection_name",
]


def check_ids(programme: Programme, filters: Filters) -> None:
    """Raise UnknownIdError naming every unknown id and the ids the programme defines."""
    messages = []
    known_categories = [c.id for c in programme.categories]
    unknown = [c for c in filters.categories if c not in known_categories]
    if unknown:
        messages.append(f"unknown category {_listing(unknown)} (known: {_listing(known_categories)})")
    known_papers = [p.id for p in programme.papers]
    unknown = [p for p in filters.papers if p not in known_papers]
    if unknown:
        messages.append(f"unknown paper {_listing(unknown)} (known: {_listing(known_papers)})")
    known_kinds = [k.id for k in programme.kinds]
    unknown = [k for k in filters.kinds if k not in known_kinds]
    if unknown:
        messages.append(f"unknown kind {_listing(unknown)} (known: {_listing(known_kinds)})")
    known_sessions = list(dict.fromkeys(e.session for e in programme.events))
    unknown = [s for s in filters.sessions if s not in known_sessions]
    if unknown:
        messages.append(f"unknown session {_listing(unknown)} (known: {_listing(known_sessions)})")
    if messages:
        raise UnknownIdError("; ".join(messages))


def _listing(ids: list[str]) -> str:
    return ", ".join(ids) or "none"


def select(programme: Programme, filters: Filters) -> tuple[Event, ...]:
    """The events that pass every filter, in programme order."""
    check_ids(programme, filters)
    return tuple(e for e in programme.events if filters.matches(programme, e))


def no_match_message(programme: Programme, filters: Filters) -> str:
    """Why a selection is empty: each filter given, and how many events it matches on its own."""
    options = {
        "categories": "--category",
        "kinds": "--kind",
        "papers": "--paper",
        "days": "--day",
        "sessions": "--session",
    }
    counts = []
    for field, count in filters.matches_alone(programme):
        values = getattr(filters, field)
        shown = " ".join(
            f"{options[field]} {value:%Y-%m-%d}" if field == "days" else f"{options[field]} {value}"
            for value in values
        )
        counts.append((shown, f"{shown} matches {count} event{'' if count == 1 else 's'}"))
    if len(counts) < 2:
        return f"no events match {counts[0][0]}" if counts else "the programme has no events"
    return f"no event passes all the filters; each on its own: {', '.join(c for _, c in counts)}"


def selection_name(programme: Programme, filters: Filters) -> str:
    """'NeurIPS 2023: Outstanding Main Track Papers · Orals · Tue 12 Dec' (empty filters: the name)."""
    parts = []
    if filters.categories:
        parts.append(" or ".join(programme.category(c).name for c in filters.categories))
    if filters.papers:
        titles = [programme.paper(p).title for p in filters.papers]
        parts.append(titles[0] if len(titles) == 1 else f"{len(titles)} papers")
    if filters.sessions:
        parts.append(" or ".join(filters.sessions))
    if filters.kinds:
        parts.append(" and ".join(programme.kind(k).plural for k in filters.kinds))
    if filters.days:
        parts.append(", ".join(f"{day:%a %-d %b}" for day in sorted(filters.days)))
    name = programme.conference.name
    return f"{name}: {' · '.join(parts)}" if parts else name


def selection_feed(programme: Programme, filters: Filters) -> Feed:
    """A feed of the selected events, named after its filters; raises NoMatchError when none."""
    conference = programme.conference
    events = select(programme, filters)
    if not events:
        raise NoMatchError(no_match_message(programme, filters))
    name = selection_name(programme, filters)
    return Feed(
        id="selection",
        name=name,
        description=(
            f"{name}: a personal selection from {conference.full_name}, {conference.city}. "
            + zones.times_note(conference.timezone)
        ),
        events=events,
    )
