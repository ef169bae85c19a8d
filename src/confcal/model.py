"""The programme as confcal understands it: immutable values, no I/O.

Every datetime here is timezone-aware. Event times are localized in the
conference's zone (pytz); ``Conference.updated`` is UTC.
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
