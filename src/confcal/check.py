"""Programme checks for organizers: what `confcal check` reports. Pure: no I/O, no clock.

Errors: an events file the build rejects, two events in the same room (same room and level)
or at the same poster board at overlapping times, an oral or poster outside the conference
dates. Warnings: a talk outside the conference dates, an event with no place. Information:
pairs of events that overlap (attendees must choose), with the feeds that hold both.
Times are half-open: an event ending at 10:45 does not overlap one starting at 10:45.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any, Literal

from confcal.errors import EventsFileError
from confcal.feeds import feeds
from confcal.model import Event, Programme, event_sort_key
from confcal.render import local_span

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
_HEADINGS: dict[Severity, str] = {"error": "errors", "warning": "warnings", "info": "info"}


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
            span=local_span(event),
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


def invalid_file(error: EventsFileError) -> list[Finding]:
    """The build's own validation errors, one finding each."""
    return [
        Finding("error", "invalid", str(p), file=p.file, path=p.path, line=p.line) for p in error.problems
    ]


def check(programme: Programme) -> list[Finding]:
    """Every finding for a valid programme: errors first, then warnings, then information."""
    findings = [
        *_double_bookings(programme),
        *_outside_dates(programme),
        *_no_place(programme),
        *_feed_budget(programme),
    ]
    booked = {tuple(ref.id for ref in f.events) for f in findings if f.code.endswith("double-booked")}
    findings += [f for f in _overlaps(programme) if tuple(ref.id for ref in f.events) not in booked]
    return sorted(findings, key=lambda f: SEVERITIES.index(f.severity))


def _overlap(a: Event, b: Event) -> bool:
    return a.start < b.end and b.start < a.end


def _pairs(programme: Programme) -> Iterator[tuple[Event, Event]]:
    ordered = sorted(programme.events, key=event_sort_key)
    for a, b in itertools.combinations(ordered, 2):
        if _overlap(a, b):
            yield a, b


def _double_bookings(programme: Programme) -> Iterator[Finding]:
    for a, b in _pairs(programme):
        if a.room and (a.room, a.level) == (b.room, b.level):
            code, place = "room-double-booked", a.place
        elif a.board and not a.room and not b.room and a.board == b.board:
            code, place = "board-double-booked", a.place
        else:
            continue
        refs = (EventRef.of(programme, a), EventRef.of(programme, b))
        yield Finding("error", code, f"{place} holds two events at once: {refs[0]} and {refs[1]}", refs)


def _outside_dates(programme: Programme) -> Iterator[Finding]:
    conference = programme.conference
    dates = f"{conference.start:%a %-d %b %Y} – {conference.end:%a %-d %b %Y}"
    for event in sorted(programme.events, key=event_sort_key):
        if conference.start <= event.start.date() and event.end.date() <= conference.end:
            continue
        ref = EventRef.of(programme, event)
        severity: Severity = "warning" if event.kind == "talk" else "error"
        yield Finding(severity, "outside-dates", f"{ref} is outside the conference dates ({dates})", (ref,))


def _no_place(programme: Programme) -> Iterator[Finding]:
    for event in sorted(programme.events, key=event_sort_key):
        if not event.place:
            ref = EventRef.of(programme, event)
            message = f"{ref} has no room or poster board: attendees will not know where to go"
            yield Finding("warning", "no-place", message, (ref,))


def _feed_budget(programme: Programme) -> Iterator[Finding]:
    """Feeds too big for calendar subscriptions, with a split that would fit. The sizes are a
    first build's (SEQUENCE 0): a later build's differ by a few bytes per changed event."""
    import os

    from confcal.budget import CLIENTS, over_budget, splits, suggestion
    from confcal.render import CalendarHeads, assemble, render_events

    every = feeds(programme)
    blocks = render_events(programme, workers=os.cpu_count() or 1)
    head = CalendarHeads(programme)
    sizes = {f.filename: len(assemble(head(f), (blocks[e.id] for e in f.events))) for f in every}
    block_sizes = {event_id: len(block) for event_id, block in blocks.items()}
    conference = programme.conference
    for oversize in over_budget(conference, every, sizes):
        empty = len(assemble(head(oversize.feed), ()))
        split = suggestion(conference, splits(oversize.feed, head=empty, block_sizes=block_sizes))
        message = (
            f"{oversize.describe(conference)}: {CLIENTS}, so index.html offers it for download only; {split}"
        )
        yield Finding("warning", "feed-too-big", message, feeds=(oversize.feed.filename,))


def _overlaps(programme: Programme) -> Iterator[Finding]:
    all_feeds = feeds(programme)
    for a, b in _pairs(programme):
        shared = tuple(f.filename for f in all_feeds if a in f.events and b in f.events)
        refs = (EventRef.of(programme, a), EventRef.of(programme, b))
        message = f"{refs[0]} and {refs[1]} overlap (both in {', '.join(shared)})"
        yield Finding("info", "overlap", message, refs, shared)


def strict(findings: Iterable[Finding]) -> list[Finding]:
    """Warnings become errors (``check --strict``)."""
    return [replace(f, severity="error") if f.severity == "warning" else f for f in findings]


def exit_code(findings: Iterable[Finding]) -> int:
    return 1 if any(f.severity == "error" for f in findings) else 0


def counts(findings: Iterable[Finding]) -> dict[Severity, int]:
    found = [f.severity for f in findings]
    return {severity: found.count(severity) for severity in SEVERITIES}


def summary(file: str, findings: list[Finding]) -> str:
    number = counts(findings)

    def plural(count: int, word: str) -> str:
        return f"{count} {word}" if count == 1 else f"{count} {word}s"

    return (
        f"{file}: {plural(number['error'], 'error')}, {plural(number['warning'], 'warning')}, "
        f"{number['info']} info"
    )


def report_text(file: str, findings: list[Finding]) -> str:
    """Grouped by severity, one line per finding, then a summary line."""
    lines = []
    for severity in SEVERITIES:
        group = [f for f in findings if f.severity == severity]
        if group:
            lines.append(f"{_HEADINGS[severity]}:")
            lines.extend(f"  {finding}" for finding in group)
    lines.append(summary(file, findings))
    return "\n".join(lines)


def report_json(file: str, findings: list[Finding]) -> str:
    document = {
        "file": file,
        "ok": exit_code(findings) == 0,
        "counts": counts(findings),
        "findings": [f.to_json() for f in findings],
    }
    return json.dumps(document, indent=2, ensure_ascii=False)
