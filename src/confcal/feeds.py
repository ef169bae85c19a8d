"""Which events go into which feed, and what each feed is called."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from confcal import zones
from confcal.model import SESSION_KIND, DeclaredFeed, Event, Programme, event_sort_key

OVERALL_FEED_ID = "all"
PAPERS_FOLDER = "papers"
ITEMS_FOLDER = "items"
"""Calendars of items that are not papers (a keynote, a social): ``items/<item-id>.ics``."""


@dataclass(frozen=True)
class Feed:
    id: str
    name: str
    description: str
    events: tuple[Event, ...]
    folder: str = ""

    @property
    def filename(self) -> str:
        """Path of the feed's file relative to the output folder."""
        return f"{self.folder}/{self.id}.ics" if self.folder else f"{self.id}.ics"


def feeds(programme: Programme) -> tuple[Feed, ...]:
    """The overall feed, one feed per category, then the ``[[feeds]]`` tables, in file order."""
    conference = programme.conference
    where = f"{conference.venue}, {conference.city}"
    dates = zones.date_range(conference.start, conference.end)
    overall = Feed(
        id=OVERALL_FEED_ID,
        name=conference.name,
        description=(
            f"{conference.full_name}, {dates}, {where}: every event in this programme. "
            + zones.times_note(conference.timezone)
        ),
        events=programme.events,
    )

    def titled(feed_id: str, name: str, events: tuple[Event, ...]) -> Feed:
        """A feed beside the overall one: '<conference>: <name>', described the same way."""
        description = f"{name} at {conference.full_name}, {dates}, {where}. "
        return Feed(
            id=feed_id,
            name=f"{conference.name}: {name}",
            description=description + zones.times_note(conference.timezone),
            events=events,
        )

    per_category = tuple(
        titled(
            category.id,
            category.name,
            tuple(e for e in programme.events if programme.paper(e.paper).category == category.id),
        )
        for category in programme.categories
    )
    declared = tuple(
        titled(spec.id, spec.name, _selected(programme, spec)) for spec in programme.declared_feeds
    )
    return (overall, *per_category, *declared)


def paper_feeds(programme: Programme) -> tuple[Feed, ...]:
    """One small calendar per item with all of its events: ``papers/<paper-id>.ics`` for papers,
    ``items/<item-id>.ics`` for the others."""
    conference = programme.conference
    names = _item_names(programme)
    return tuple(
        Feed(
            id=paper.id,
            name=f"{conference.name}: {names[paper.id]}",
            description=(
                f"{paper.title}{f' ({category})' if (category := programme.category_name(paper)) else ''} "
                f"at {conference.full_name}. " + zones.times_note(conference.timezone)
            ),
            events=programme.events_of(paper.id),
            folder=PAPERS_FOLDER if paper.is_paper else ITEMS_FOLDER,
        )
        for paper in programme.papers
    )


def stranded(removed: Iterable[str], programme: Programme) -> tuple[str, ...]:
    """A warning for each calendar a build stops publishing while its subscribers still follow
    it: a feed whose category or ``[[feeds]]`` id is gone, an item's calendar that moved to the
    other folder. Their calendar apps keep the last copy and never see a later change. A removed
    item's own calendar goes with the item (a keep_cancelled build keeps it), and the reminders
    variant follows its feed, so neither is warned of."""
    folders = {paper.id: PAPERS_FOLDER if paper.is_paper else ITEMS_FOLDER for paper in programme.papers}
    warnings = []
    for name in removed:
        folder, _, file = name.rpartition("/")
        if not file.endswith(".ics") or folder not in ("", PAPERS_FOLDER, ITEMS_FOLDER):
            continue
        item = file.removesuffix(".ics")
        if folder and item not in folders:
            continue
        if folder:
            why = f"the item moved to [[{folders[item]}]], so its calendar is {folders[item]}/{file}"
            fix = f"list it under [[{folder}]] again to keep its address"
        else:
            why = "its category or [[feeds]] id was removed or renamed"
            fix = "keep the old id if it was renamed"
        warnings.append(
            f"warning: {name} is no longer published ({why}): calendars subscribed to it keep their "
            f"last copy and never see a later change; {fix}"
        )
    return tuple(warnings)


def _item_names(programme: Programme) -> dict[str, str]:
    """Each item's calendar name after the conference's: its title, told apart from the other
    items of that title (two coffee breaks) by when it first starts, else by its id, so that no
    two calendars a subscriber holds have one name."""
    shared = Counter(paper.title for paper in programme.papers)
    names = {paper.id: paper.title for paper in programme.papers}
    when: dict[str, str] = {}
    for paper in programme.papers:
        if shared[paper.title] > 1:
            events = programme.events_of(paper.id)
            start = events[0].start if events else None
            when[paper.id] = f"{paper.title} ({start:%a %-d %b, %H:%M})" if start else paper.title
    repeated = Counter(when.values())
    for paper_id, name in when.items():
        names[paper_id] = name if repeated[name] == 1 else f"{names[paper_id]} ({paper_id})"
    return names


def published_sessions(programme: Programme) -> frozenset[str]:
    """The ids of the sessions' own events that some feed holds (feeds of ``events = "sessions"``):
    the only ones a subscriber ever receives."""
    return frozenset(
        event.id
        for spec in programme.declared_feeds
        if spec.sessions
        for event in _selected(programme, spec)
        if event.kind == SESSION_KIND
    )


def _selected(programme: Programme, spec: DeclaredFeed) -> tuple[Event, ...]:
    """The events a declared feed holds: its filters' matches, with each declared session's
    items replaced by the session's one event when the feed is of sessions."""
    events = [e for e in programme.events if spec.filters.matches(programme, e)]
    if not spec.sessions:
        return tuple(events)
    sessions = {e.session_id: e for e in programme.session_events}
    chosen = {e.session_id for e in events if e.session_id in sessions}
    # A kept cancellation of a session no longer declared was only ever in its session's event.
    kept = [e for e in events if not e.session_id]
    return tuple(sorted((*kept, *(sessions[s] for s in chosen)), key=event_sort_key))
