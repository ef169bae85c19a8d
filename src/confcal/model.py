"""The programme as confcal understands it: immutable values, no I/O.

Every datetime here is timezone-aware. Event times are localized in the
conference's zone (``zones.zone``: zoneinfo); ``Conference.updated`` is UTC.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal

Kind = Literal["oral", "poster", "talk"]
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
    id: str
    category: str
    title: str
    authors: tuple[str, ...]
    abstract: str = ""
    note: str = ""
    subcategory: str = ""
    url: str = ""
    links: tuple[Link, ...] = ()


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

    @property
    def id(self) -> str:
        return f"{self.paper}.{self.kind}"

    @property
    def place(self) -> str:
        """Where the event happens, as the source gives it ("" when it does not)."""
        if self.room:
            return f"{self.room} ({self.level})" if self.level else self.room
        if self.board:
            return f"Poster board {self.board}"
        return ""


@dataclass(frozen=True)
class Filters:
    """Which events a selection holds: filters of different kinds combine with AND, the values
    of one filter with OR; an empty filter lets everything through. A day is a date in the
    conference's time zone; a session is matched by its name."""

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
            and (not self.sessions or event.session in self.sessions)
        )


@dataclass(frozen=True)
class DeclaredFeed:
    """A ``[[feeds]]`` table: a feed of the events that pass its filters, in ``<id>.ics``."""

    id: str
    name: str
    filters: Filters


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
    _papers_by_id: dict[str, Paper] = field(init=False, repr=False, compare=False)
    _categories_by_id: dict[str, Category] = field(init=False, repr=False, compare=False)
    _events_by_paper: dict[str, tuple[Event, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_papers_by_id", {p.id: p for p in self.papers})
        object.__setattr__(self, "_categories_by_id", {c.id: c for c in self.categories})
        by_paper: dict[str, list[Event]] = {}
        for event in self.events:
            by_paper.setdefault(event.paper, []).append(event)
        object.__setattr__(self, "_events_by_paper", {k: tuple(v) for k, v in by_paper.items()})

    def paper(self, paper_id: str) -> Paper:
        return self._papers_by_id[paper_id]

    def category(self, category_id: str) -> Category:
        return self._categories_by_id[category_id]

    def events_of(self, paper_id: str) -> tuple[Event, ...]:
        """The paper's events, in programme order."""
        return self._events_by_paper.get(paper_id, ())


def event_sort_key(event: Event) -> tuple[datetime, str]:
    return (event.start, event.id)
