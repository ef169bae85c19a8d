"""The programme as confcal understands it: immutable values, no I/O.

Every datetime here is timezone-aware. Event times are localized in the
conference's zone (``zones.zone``: zoneinfo); ``Conference.updated`` is UTC.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Literal

Kind = str
"""A kind of item or session: predeclared (oral, poster, talk) or declared in ``[kinds]``."""
KINDS: tuple[Kind, ...] = ("oral", "poster", "talk")
KIND_LABELS: dict[Kind, str] = {"oral": "Oral", "poster": "Poster", "talk": "Talk"}
Status = Literal["confirmed", "cancelled"]
STATUSES: tuple[Status, ...] = ("confirmed", "cancelled")
Abstracts = Literal["full", "short", "none"]
ABSTRACTS: tuple[Abstracts, ...] = ("full", "short", "none")
# Google Calendar documents 1 MB per calendar file; URL subscriptions lose events past about
# 1 MB or a thousand events (README, "Feed size").
DEFAULT_FEED_MAX_BYTES = 1_000_000
DEFAULT_FEED_MAX_EVENTS = 1_000


@dataclass(frozen=True)
class KindDef:
    """A kind as the organizer names it: ``keynote = { label = "Keynote", plural = "Keynotes" }``."""

    id: Kind
    label: str
    plural: str


PREDECLARED_KINDS: tuple[KindDef, ...] = tuple(
    KindDef(k, KIND_LABELS[k], f"{KIND_LABELS[k]}s") for k in KINDS
)


DAY_CHANGE = time(4, 0)
"""When one conference day ends and the next begins, local time: an evening poster session that
runs past midnight is on its day (schedule files, ``check``'s dates)."""


def conference_day(start: datetime, *, first: date) -> date:
    """The conference day a slot starting at ``start`` (on the conference's clock) is on: days
    change at DAY_CHANGE, so a slot starting after midnight is on the day before, the last day's
    night included. The first day (``first``) has no night before it: a slot early on it is on
    it. A slot is on the day it begins (one running past midnight adds no day), and a slot
    outside the conference's dates is on a day of its own (the day change still applies).
    The one rule of the schedule files' days and of the days an import gives the conference."""
    night = (start - timedelta(hours=DAY_CHANGE.hour, minutes=DAY_CHANGE.minute)).date()
    return start.date() if night < first == start.date() else night


SESSION_KIND: Kind = "session"
"""The kind of a session published as one event (``Programme.session_events``); not declarable."""
SESSION_KIND_DEF = KindDef(SESSION_KIND, "Session", "Sessions")


@dataclass(frozen=True)
class Person:
    """A speaker: a name, and where they come from when the programme says."""

    name: str
    affiliation: str = ""

    def __str__(self) -> str:
        return f"{self.name} ({self.affiliation})" if self.affiliation else self.name


@dataclass(frozen=True)
class Venue:
    """A place other than the conference's venue (an off-site social, a second building)."""

    id: str
    name: str
    address: str = ""

    def __str__(self) -> str:
        return f"{self.name}, {self.address}" if self.address else self.name


@dataclass(frozen=True)
class Room:
    """A ``[[rooms]]`` table: declared once, named by id in slots and sessions."""

    id: str
    name: str
    level: str = ""
    capacity: int | None = None
    address: str = ""


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class Conference:
    id: str
    name: str
    full_name: str
    start: date
    end: date
    venue: str
    city: str
    website: str
    timezone: str
    streamed: tuple[Kind, ...]
    updated: datetime
    refresh_interval: timedelta
    keep_cancelled: bool = False
    base_url: str = ""
    """Public https address of the output folder, ending in "/"; "" when not known."""
    feed_max_bytes: int = DEFAULT_FEED_MAX_BYTES
    feed_max_events: int = DEFAULT_FEED_MAX_EVENTS
    """A feed over either budget is offered for download only (``confcal.budget``)."""
    abstracts: Abstracts = "full"
    """How much of each abstract the events' descriptions carry."""


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    subcategories: tuple[str, ...] = ()


@dataclass(frozen=True)
class Paper:
    """An item of the programme (``[[papers]]`` or ``[[items]]``): a paper is an item with
    authors; a keynote, a break or a social may have speakers, or no people at all, and no
    category ("")."""

    id: str
    category: str
    title: str
    authors: tuple[str, ...]
    abstract: str = ""
    note: str = ""
    subcategory: str = ""
    url: str = ""
    links: tuple[Link, ...] = ()
    speakers: tuple[Person, ...] = ()
    table: str = ""
    """Where the events file lists it, "papers" or "items": its calendar's folder follows it, so
    adding authors to an item never moves its published address. "" (an item read back from the
    state file): by whether it has authors."""

    @property
    def is_paper(self) -> bool:
        return self.table == "papers" if self.table else bool(self.authors)


@dataclass(frozen=True)
class Event:
    """One slot of one paper: its oral, its poster, or a talk about it."""

    paper: str
    kind: Kind
    session: str
    start: datetime
    end: datetime
    room: str = ""
    level: str = ""
    board: str = ""
    speakers: tuple[str, ...] = ()
    status: Status = "confirmed"
    number: int = 1
    """The n-th slot of this kind of the item (a two-part tutorial, a repeated poster)."""
    streamed: bool | None = None
    """Whether this slot is streamed; None: as ``conference.streamed`` says for its kind."""
    stream_url: str = ""
    """Where to watch or join (a stream or video call): the event's CONFERENCE property."""
    venue: str = ""
    """Id of an off-site venue (``[[venues]]``); "" for the conference's own."""
    session_id: str = ""
    """Id of the declared session (``[[sessions]]``) holding this slot; "" for none."""
    room_id: str = ""
    """Id of the declared room (``[[rooms]]``); its name and level are ``room`` and ``level``."""
    published_place: str | None = None
    """A kept cancellation's place as its LOCATION last named it, but for the conference's own
    venue (``render.where``, as the state file recorded it): its room or venue may no longer be
    declared, or no longer say the same. None: worked out from its room, venue and room id."""
    published_venue: str | None = None
    """A kept cancellation's conference venue as its LOCATION last named it after its place
    (``render.own_venue``): the conference may have moved since. None: ``conference.venue``."""
    published_label: str | None = None
    """A kept cancellation's kind label as its SUMMARY and CATEGORIES last named it
    (``render.kind_label``): the kind may have been relabelled since. None: the kind's label."""
    streaming_unknown: bool = False
    """A kept cancellation whose streaming the state file did not record (``streamed`` and
    ``stream_url`` then say nothing): its description makes no claim about it."""

    @functools.cached_property  # asked for often: kept in the instance's __dict__, not a field
    def id(self) -> str:
        return f"{self.paper}.{self.kind}" if self.number == 1 else f"{self.paper}.{self.kind}-{self.number}"

    @property
    def place(self) -> str:
        """Where the event happens, as the source gives it ("" when it does not)."""
        if self.room:
            room = f"{self.room} ({self.level})" if self.level else self.room
            return f"{room}, poster board {self.board}" if self.board else room
        if self.board:
            return f"Poster board {self.board}"
        return ""


@dataclass(frozen=True)
class Filters:
    """Which events a selection holds: filters of different kinds combine with AND, the values
    of one filter with OR; an empty filter lets everything through. A day is a date in the
    conference's time zone. A session is named by a declared session's id (that session only: two
    may share a name) or by a session's name (every session of that name); an id wins over another
    session's name (``in_sessions``)."""

    categories: tuple[str, ...] = ()
    kinds: tuple[Kind, ...] = ()
    papers: tuple[str, ...] = ()
    days: tuple[date, ...] = ()
    sessions: tuple[str, ...] = ()

    def matches(self, programme: Programme, event: Event) -> bool:
        return (
            (not self.categories or programme.paper(event.paper).category in self.categories)
            and (not self.kinds or event.kind in self.kinds)
            and (not self.papers or event.paper in self.papers)
            and (not self.days or event.start.date() in self.days)
            and (not self.sessions or self.in_sessions(programme, event))
        )

    def in_sessions(self, programme: Programme, event: Event) -> bool:
        """Whether ``event`` is in a session of ``sessions``: the one of a declared session's id,
        or one whose name is given and is no declared session's id."""
        return event.session_id in self.sessions or (
            event.session in self.sessions and event.session not in programme.session_ids
        )

    def matches_alone(self, programme: Programme) -> list[tuple[str, int]]:
        """Each filter given (by field name) and how many events it matches on its own: what an
        empty selection's message names, so the organizer sees which filter to loosen."""
        counts = []
        for name in ("categories", "kinds", "papers", "days", "sessions"):
            if values := getattr(self, name):
                alone = Filters(**{name: values})
                counts.append((name, sum(1 for event in programme.events if alone.matches(programme, event))))
        return counts


@dataclass(frozen=True)
class DeclaredFeed:
    """A ``[[feeds]]`` table: a feed of the events that pass its filters, in ``<id>.ics``."""

    id: str
    name: str
    filters: Filters
    sessions: bool = False
    """``events = "sessions"``: a declared session's items appear as the session's one event."""


@dataclass(frozen=True)
class Session:
    """A ``[[sessions]]`` table: a time and place that holds items (a poster session and its
    posters, an oral session and its orals in order). Its items take its time and room unless
    they set their own."""

    id: str
    name: str
    kind: Kind
    start: datetime | None = None
    end: datetime | None = None
    room: str = ""
    level: str = ""
    room_id: str = ""
    venue: str = ""
    chairs: tuple[Person, ...] = ()
    streamed: bool | None = None
    stream_url: str = ""


@dataclass(frozen=True)
class Revision:
    """How often a slot has changed since its first build (SEQUENCE), and when it last did."""

    sequence: int
    last_modified: datetime
    notice: str = ""
    """The line that starts the DESCRIPTION of an event that was moved, re-roomed, renamed or
    cancelled ("Moved: was Wed 13 Dec 15:30–16:30 CST."); see ``releases.notices``."""


@dataclass(frozen=True)
class Programme:
    conference: Conference
    categories: tuple[Category, ...]
    papers: tuple[Paper, ...]
    events: tuple[Event, ...]
    declared_feeds: tuple[DeclaredFeed, ...] = ()
    kinds: tuple[KindDef, ...] = PREDECLARED_KINDS
    venues: tuple[Venue, ...] = ()
    rooms: tuple[Room, ...] = ()
    sessions: tuple[Session, ...] = ()
    session_events: tuple[Event, ...] = field(init=False, repr=False, compare=False)
    """Each declared session as one event listing its items, for feeds of ``events = "sessions"``:
    UID ``<conference>.<session id>.session@confcal``, never the UID of an item's event."""
    _papers_by_id: dict[str, Paper] = field(init=False, repr=False, compare=False)
    _categories_by_id: dict[str, Category] = field(init=False, repr=False, compare=False)
    _events_by_paper: dict[str, tuple[Event, ...]] = field(init=False, repr=False, compare=False)
    _rooms_by_id: dict[str, Room] = field(init=False, repr=False, compare=False)
    _venues_by_id: dict[str, Venue] = field(init=False, repr=False, compare=False)
    session_ids: frozenset[str] = field(init=False, repr=False, compare=False)
    """The ids of the declared sessions."""

    def __post_init__(self) -> None:
        session_papers, session_events = _published_sessions(self)
        object.__setattr__(self, "session_events", session_events)
        object.__setattr__(self, "_papers_by_id", {p.id: p for p in (*self.papers, *session_papers)})
        object.__setattr__(self, "_categories_by_id", {c.id: c for c in self.categories})
        by_paper: dict[str, list[Event]] = {}
        for event in self.events:
            by_paper.setdefault(event.paper, []).append(event)
        object.__setattr__(self, "_events_by_paper", {k: tuple(v) for k, v in by_paper.items()})
        object.__setattr__(self, "_rooms_by_id", {room.id: room for room in self.rooms})
        object.__setattr__(self, "_venues_by_id", {venue.id: venue for venue in self.venues})
        object.__setattr__(self, "session_ids", frozenset(session.id for session in self.sessions))

    def paper(self, paper_id: str) -> Paper:
        return self._papers_by_id[paper_id]

    def category(self, category_id: str) -> Category:
        return self._categories_by_id[category_id]

    def category_name(self, paper: Paper) -> str:
        """The name of the item's category (award or track); "" for an item without one."""
        return self._categories_by_id[paper.category].name if paper.category else ""

    def kind(self, kind: Kind) -> KindDef:
        return SESSION_KIND_DEF if kind == SESSION_KIND else next(k for k in self.kinds if k.id == kind)

    def kind_label(self, kind: Kind) -> str:
        """The kind's label; for a kind this programme no longer declares (a removed event's),
        its name as a label."""
        known = next((k for k in (*self.kinds, SESSION_KIND_DEF) if k.id == kind), None)
        return known.label if known else kind.replace("-", " ").capitalize()

    def room(self, room_id: str) -> Room:
        return self._rooms_by_id[room_id]

    def venue(self, venue_id: str) -> Venue:
        return self._venues_by_id[venue_id]

    def declared_room(self, room_id: str) -> Room | None:
        """The room of this id, if the programme declares it (a slot the state file recorded
        may name one it no longer does)."""
        return self._rooms_by_id.get(room_id)

    def declared_venue(self, venue_id: str) -> Venue | None:
        return self._venues_by_id.get(venue_id)

    def events_of(self, paper_id: str) -> tuple[Event, ...]:
        """The paper's events, in programme order."""
        return self._events_by_paper.get(paper_id, ())


def event_sort_key(event: Event) -> tuple[datetime, str]:
    return (event.start, event.id)


def events_by_session(events: Iterable[Event]) -> dict[str, list[Event]]:
    """The events that declared sessions hold, by session id, in the order given."""
    held: dict[str, list[Event]] = {}
    for event in events:
        if event.session_id:
            held.setdefault(event.session_id, []).append(event)
    return held


def _published_sessions(programme: Programme) -> tuple[tuple[Paper, ...], tuple[Event, ...]]:
    """Each session with items as an item of its own (its name, its chairs and a list of its
    items as the text) and one event: the session's time, or the span of its items."""
    papers: list[Paper] = []
    events: list[Event] = []
    held = events_by_session(programme.events)
    titles = {paper.id: paper for paper in programme.papers}
    for session in programme.sessions:
        items = sorted(held.get(session.id, ()), key=lambda e: (e.start, e.board, e.paper))
        if not items:
            continue
        live = spanning(items)
        start = session.start or min(e.start for e in live)
        end = session.end or max(e.end for e in live)
        days = len({e.start.date() for e in items}) > 1
        lines = [(e.status, _session_line(titles[e.paper], e, (start, end), days=days)) for e in items]
        on = [line for status, line in lines if status != "cancelled"]
        off = [line for status, line in lines if status == "cancelled"]
        chairs = ", ".join(str(person) for person in session.chairs)
        blocks = [f"Chair: {chairs}"] if chairs else []
        blocks += ["In this session:\n" + "\n".join(on)] if on else []
        blocks += ["Cancelled:\n" + "\n".join(off)] if off else []
        note = "\n\n".join(blocks)
        papers.append(Paper(id=session.id, category="", title=session.name, authors=(), note=note))
        events.append(
            Event(
                paper=session.id,
                kind=SESSION_KIND,
                session=session.name,
                start=start,
                end=end,
                room=session.room,
                level=session.level,
                room_id=session.room_id,
                venue=session.venue,
                status="confirmed" if on else "cancelled",
                streamed=(
                    session.streamed
                    if session.streamed is not None
                    else session.kind in programme.conference.streamed
                ),
                stream_url=session.stream_url,
                session_id=session.id,
            )
        )
    return tuple(papers), tuple(sorted(events, key=event_sort_key))


def spanning(items: list[Event]) -> list[Event]:
    """The items that give a session without its own start and end its span: those not
    cancelled (all of them when every one is)."""
    return [e for e in items if e.status != "cancelled"] or items


def session_days(session: Session, items: Iterable[Event]) -> tuple[date, ...]:
    """The days on which the items of a session without its own start and end begin, when
    they are several: the session's one event then spans the nights between them, which is
    almost never meant (``confcal check``'s ``session-spans-days``). () for a session with its
    own time, or whose items begin on one day (a social running past midnight is one day)."""
    if session.start and session.end:
        return ()
    days = sorted({e.start.date() for e in spanning(list(items))})
    return tuple(days) if len(days) > 1 else ()


def _session_line(paper: Paper, event: Event, span: tuple[datetime, datetime], *, days: bool) -> str:
    """An item as its session's event lists it: its start (an oral, a talk) or its board, with
    its own hours when a poster keeps other hours than the session's; then title and people.
    With ``days`` (the session's items begin on several days), every time has its day."""
    people = ", ".join(paper.authors or tuple(str(p) for p in paper.speakers))
    if not event.board:
        where = f"{_clock(event.start, day=days)} "
    elif (event.start, event.end) != span:
        later = days and event.end.date() != event.start.date()
        where = f"Board {event.board}, {_clock(event.start, day=days)}–{_clock(event.end, day=later)}: "
    else:
        where = f"Board {event.board}: "
    return f"{where}{paper.title}" + (f" ({people})" if people else "")


def _clock(moment: datetime, *, day: bool) -> str:
    return f"{moment:%a %-d %b %H:%M}" if day else f"{moment:%H:%M}"
