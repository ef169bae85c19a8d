"""The programme's scheduling errors, found without rendering anything: what `confcal check`
reports as errors (beside its warnings and information: ``check.py``), and what `confcal build`
warns of (``build_warnings``), since organizers often publish without checking. Pure.

Errors: two events in the same room (the same declared room, or the same room name and level;
posters in one room only at the same board) or at the same poster board at overlapping times, an
oral or poster outside the conference dates (any other event outside them is a warning), a
declared session without its own start and end whose items begin on several days. Cancelled
events hold no place. Times are half-open: an event ending at 10:45 does not overlap one
starting at 10:45.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

from confcal import zones
from confcal.model import Event, Programme, event_sort_key, session_days

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")


@dataclass(frozen=True)
class EventRef:
    """An event as a finding names it: id, title, local times (conference zone), place."""

    id: str
    title: str
    start: str
    end: str
    span: str
    place: str

    @classmethod
    def of(cls, programme: Programme, event: Event) -> EventRef:
        return cls(
            id=event.id,
            title=programme.paper(event.paper).title,
            start=event.start.isoformat(),
            end=event.end.isoformat(),
            span=zones.span(event.start, event.end, zones.zone(programme.conference.timezone)),
            place=event.place,
        )

    def __str__(self) -> str:
        return f'{self.id} "{self.title}" ({self.span})'


@dataclass(frozen=True)
class Finding:
    severity: Severity
    code: str
    message: str
    events: tuple[EventRef, ...] = ()
    feeds: tuple[str, ...] = ()
    file: str = ""
    path: str = ""
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"severity": self.severity, "code": self.code, "message": self.message}
        if self.events:
            data["events"] = [vars(ref) for ref in self.events]
        if self.feeds:
            data["feeds"] = list(self.feeds)
        if self.file:
            data.update(file=self.file, path=self.path, line=self.line)
        return data


class Refs(dict[str, EventRef]):
    """Each event's EventRef, made once: an event can be named by several findings."""

    def __init__(self, programme: Programme) -> None:
        super().__init__()
        self.programme = programme

    def of(self, event: Event) -> EventRef:
        if event.id not in self:
            self[event.id] = EventRef.of(self.programme, event)
        return self[event.id]


def _place_key(event: Event) -> tuple[str, ...] | None:
    """What two events must share to be double-booked: a room (by its id when rooms are
    declared, else by name and level) and, in a room holding posters, the board; or a board."""
    if event.room_id:
        return ("room-double-booked", "id", event.room_id, event.board)
    if event.room:
        return ("room-double-booked", "name", event.room, event.level, event.board)
    if event.board:
        return ("board-double-booked", event.board)
    return None


def double_bookings(events: Iterable[Event], refs: Refs) -> Iterator[Finding]:
    """Events sorted by place, then time: each overlaps only the events of its place still running."""
    placed = sorted(
        ((key, e) for e in events if (key := _place_key(e))), key=lambda p: (p[0], *event_sort_key(p[1]))
    )
    for key, group in itertools.groupby(placed, key=lambda pair: pair[0]):
        running: list[Event] = []
        for _, event in group:
            running = [other for other in running if other.end > event.start]
            for other in running:
                pair = (refs.of(other), refs.of(event))
                message = f"{event.place} holds two events at once: {pair[0]} and {pair[1]}"
                yield Finding("error", key[0], message, pair)
            running.append(event)


def outside_dates(programme: Programme) -> Iterator[Finding]:
    conference = programme.conference
    dates = f"{conference.start:%a %-d %b %Y} – {conference.end:%a %-d %b %Y}"
    for event in sorted(programme.events, key=event_sort_key):
        if conference.start <= event.start.date() and event.end.date() <= conference.end:
            continue
        ref = EventRef.of(programme, event)
        # A paper's oral or poster belongs in the programme's days; anything else (a talk, a
        # keynote, a welcome reception the evening before) may be a satellite event.
        severity: Severity = "error" if event.kind in ("oral", "poster") else "warning"
        yield Finding(severity, "outside-dates", f"{ref} is outside the conference dates ({dates})", (ref,))


def sessions_across_days(programme: Programme) -> Iterator[Finding]:
    """A declared session without its own start and end whose items begin on several days: its
    one event (a feed of sessions, the page's heading) runs from the first item to the last,
    through the night, e.g. Sat 10:30 to Sun 09:20."""
    held: dict[str, list[Event]] = {}
    for event in programme.events:
        if event.session_id:
            held.setdefault(event.session_id, []).append(event)
    published = {event.session_id: event for event in programme.session_events}
    for session in programme.sessions:
        days = session_days(session, held.get(session.id, ()))
        if not days:
            continue
        event = published[session.id]
        ref = EventRef.of(programme, event)
        listed = ", ".join(f"{day:%a %-d %b}" for day in days)
        message = (
            f"{ref} lasts {length(zones.duration(event.start, event.end))}, from its first item to its "
            f"last: the session has no start and end, and its items begin on {len(days)} days ({listed}); "
            "give the session its own start and end, or split it into one session per day"
        )
        yield Finding("error", "session-spans-days", message, (ref,))


def length(duration: timedelta) -> str:
    """'23 h 50 min', '20 min'."""
    hours, minutes = divmod(int(duration.total_seconds()) // 60, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def build_warnings(programme: Programme) -> tuple[str, ...]:
    """``confcal build``'s warnings about the errors ``confcal check`` would report (organizers
    often publish without it; ``build`` publishes the programme as it is): one line per kind of
    error, its first finding, how many more, and where to see them all. Only the checks that can
    find an error run (a sweep over the events by place, the dates, the sessions): a few
    milliseconds at NeurIPS size."""
    live = [event for event in programme.events if event.status != "cancelled"]
    found = (
        *double_bookings(live, Refs(programme)),
        *outside_dates(programme),
        *sessions_across_days(programme),
    )
    errors: dict[str, list[Finding]] = {}
    for finding in found:
        if finding.severity == "error":
            errors.setdefault(finding.code, []).append(finding)
    lines = []
    for first, *more in errors.values():
        if more:
            where = f"{len(more)} more like it: `confcal check` lists them all with their lines in the file"
        else:
            where = "`confcal check` says where in the file"
        lines.append(f"warning: {first}; {where}")
    return tuple(lines)
