"""Which events a personal selection holds (export, agenda), and what its feed is called.

Filters of different kinds are combined with AND; the values of one repeated filter with OR.
A day is a date in the conference's time zone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace

from confcal import zones
from confcal.errors import NoMatchError, UnknownIdError
from confcal.feeds import Feed
from confcal.model import Event, Filters, Programme, Session

__all__ = [
    "Filters",
    "NoMatchError",
    "UnknownIdError",
    "by_session_name",
    "check_ids",
    "known",
    "no_match_message",
    "select",
    "selection_feed",
    "selection_name",
    "session_choices",
]


def check_ids(programme: Programme, filters: Filters) -> None:
    """Raise UnknownIdError naming every unknown id and the ids the programme defines, with the id
    each one probably means (``checked.meant``): a close one, or the one a name stands for."""
    checks: list[tuple[str, tuple[str, ...], dict[str, list[str]], str]] = [
        ("category", filters.categories, {c.id: [c.name] for c in programme.categories}, "name"),
        ("paper", filters.papers, {p.id: [p.title] for p in programme.papers}, "title"),
        ("kind", filters.kinds, {k.id: [k.label] for k in programme.kinds}, "label"),
        ("session", filters.sessions, session_choices(programme.sessions, programme.events), "name"),
    ]
    messages = []
    for what, given, names, label in checks:
        unknown = [value for value in given if value not in names]
        if unknown:
            hints = _hints(what, unknown, names, label)
            messages.append(f"unknown {what} {_listing(unknown)}{hints} (known: {_listing(known(names))})")
    if messages:
        raise UnknownIdError("; ".join(messages))


def session_choices(sessions: Iterable[Session], events: Iterable[Event]) -> dict[str, list[str]]:
    """What a session filter takes (--session, a [[feeds]] table's ``session``; ``Filters``
    matches them): each declared session's id (with its name), then the name of each session the
    events are in (the only way to name a session that is not declared)."""
    ids = {session.id: [session.name] for session in sessions}
    return ids | {event.session: [] for event in events if event.session not in ids}


def by_session_name(programme: Programme, filters: Filters) -> Filters:
    """``filters`` with each declared session's id given to --session replaced by the session's
    name, for a selection's name (``select`` takes a declared session's id as that session only:
    two sessions may share a name); an exact id wins over another session's name."""
    names = {session.id: session.name for session in programme.sessions}
    return replace(filters, sessions=tuple(names.get(value, value) for value in filters.sessions))


def _hints(what: str, unknown: list[str], names: dict[str, list[str]], label: str) -> str:
    """'; did you mean --kind keynote?' for --kind keynot; for a name, the option to give instead:
    '; Theory is the name of category theory: give --category theory'."""
    import shlex  # only when there is a problem to explain

    from confcal.checked import meant

    close, named = [], []
    for value in unknown:
        hint = meant(value, names)
        if hint is None:
            continue
        options = " or ".join(f"--{what} {shlex.quote(i)}" for i in hint.ids)
        if hint.named:
            several = "s" if len(hint.ids) > 1 else ""
            named.append(
                f"; {value} is the {label} of {what}{several} {' and '.join(hint.ids)}: give {options}"
            )
        else:
            close.append(f"{options} for {value}" if len(unknown) > 1 else options)
    return (f"; did you mean {', '.join(close)}?" if close else "") + "".join(named)


def known(names: Mapping[str, list[str]], *, quote: Callable[[str], str] = str) -> list[str]:
    """The ids a filter takes; a session's names too, but a declared session's name only with its
    id: 'oral-a (Oral session A)'. ``quote`` writes an id or a name (``repr`` in a file's problems)."""
    if all(shown for shown in names.values()):
        return [quote(key) for key in names]
    declared = {name for shown in names.values() for name in shown}
    return [
        f"{quote(key)} ({shown[0]})" if shown else quote(key)
        for key, shown in names.items()
        if shown or key not in declared
    ]


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
    name = selection_name(programme, by_session_name(programme, filters))
    return Feed(
        id="selection",
        name=name,
        description=(
            f"{name}: a personal selection from {conference.full_name}, {conference.city}. "
            + zones.times_note(conference.timezone)
        ),
        events=events,
    )
