"""The programme's scheduling errors, found without rendering anything: what `confcal check`
reports as errors (beside its warnings and information: ``check.py``), and what `confcal build`
warns of (``build_warnings``), since organizers often publish without checking. Pure.

Errors: two events in the same room (the same declared room, or the same room name, compared
without case and extra spaces, on the same level or with no level on one side; posters in one
room only at the same board) or at the same poster board at overlapping times, a declared
session's own event counting as an event in its room; an oral or poster outside the conference
dates, the last day's night until 04:00 included (any other event outside them is a warning); a
declared session without its own start and end whose items begin on several days. Cancelled
events hold no place. Times are half-open: an event ending at 10:45 does not overlap one
starting at 10:45.

Warnings both commands give too: ``confcal import``'s placeholder still in conference.venue or
.city (``placeholders``); a fixed-offset conference.timezone (``fixed_offset_zone``); a category
that holds no item: ``check`` reads the events file (``empty_categories``), ``build`` warns of
the feeds it publishes with no event, kept cancellations counting as events
(``empty_feed_warnings``).
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, Literal

from confcal import zones
from confcal.model import (
    DAY_CHANGE,
    SESSION_KIND,
    Event,
    Programme,
    event_sort_key,
    events_by_session,
    session_days,
)

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


def folded(text: str) -> str:
    """Text as compared, not as shown: Unicode NFC, case folded, each run of white space one
    space, trimmed. ``Hall  C2``, ``hall c2`` and ``Hall C2`` are one room; ``mei chen`` and
    ``Mei Chen`` one person."""
    folded_case = unicodedata.normalize("NFC", text).casefold()
    return " ".join(unicodedata.normalize("NFC", folded_case).split())


def one_room(level: str, other: str) -> bool:
    """Whether two levels of one room name can be one room: the same level, or one not given
    (``Hall C2`` and ``Hall C2 (Level 1)``). Two different levels are two rooms."""
    return not level or not other or folded(level) == folded(other)


def _place_key(event: Event) -> tuple[str, ...] | None:
    """What two events must share to be double-booked: a room (by its id when rooms are
    declared, else by its name as compared, ``folded``) and, in a room holding posters, the
    board; or a board. Levels are compared in the sweep (``one_room``)."""
    if event.room_id:
        return ("room-double-booked", "id", event.room_id, folded(event.board))
    if event.room:
        return ("room-double-booked", "name", folded(event.room), folded(event.board))
    if event.board:
        return ("board-double-booked", folded(event.board))
    return None


def _bookings(programme: Programme) -> tuple[list[Event], dict[str, str]]:
    """The events that hold a place, and who holds it for each. Every slot not cancelled; and
    each declared session's own event (its time, as feeds of sessions publish it) unless it is
    cancelled or its items are all posters at their boards (which hold the room only at their
    boards, as posters do). An item's place is held by its session when the session holds the
    same place, else by the item itself."""
    live = [event for event in programme.events if event.status != "cancelled"]
    boarded: dict[str, bool] = {}
    for event in live:
        if event.session_id:
            boarded[event.session_id] = boarded.get(event.session_id, True) and bool(event.board)
    sessions = {
        event.session_id: event
        for event in programme.session_events
        if event.status != "cancelled" and not boarded.get(event.session_id, True)
    }
    holder = {event.id: event.session_id for event in sessions.values()}
    for event in live:
        session = sessions.get(event.session_id)
        same = session is not None and _place_key(session) == _place_key(event)
        holder[event.id] = event.session_id if same else event.id
    return [*live, *sessions.values()], holder


def double_bookings(programme: Programme, refs: Refs) -> Iterator[Finding]:
    """Events sorted by place, then time: each overlaps only the events of its place still running.

    Two items at once are each a finding. A session's own event clashes with what another holder
    (``_bookings``) has there, never with its own items; each such clash is one finding: the two
    sessions when their times overlap, else an item and the session, and none when items of the
    two holders already clash there (those name it)."""
    events, holder = _bookings(programme)
    placed = sorted(
        ((key, e) for e in events if (key := _place_key(e))), key=lambda p: (p[0], *event_sort_key(p[1]))
    )
    for key, group in itertools.groupby(placed, key=lambda pair: pair[0]):
        items: list[tuple[Event, Event]] = []
        sessions: dict[frozenset[str], tuple[Event, Event]] = {}
        running: list[Event] = []
        for _, event in group:
            running = [other for other in running if other.end > event.start]
            for other in running:
                if not one_room(other.level, event.level):
                    continue
                holders = frozenset((holder[other.id], holder[event.id]))
                with_sessions = _sessions(other, event)
                if not with_sessions:
                    items.append((other, event))
                elif len(holders) == 2:
                    kept = sessions.get(holders)
                    if kept is None or with_sessions > _sessions(*kept):
                        sessions[holders] = (other, event)
            running.append(event)
        covered = {frozenset((holder[a.id], holder[b.id])) for a, b in items}
        clashes = items + [pair for holders, pair in sessions.items() if holders not in covered]
        for other, event in sorted(clashes, key=lambda p: (event_sort_key(p[1]), event_sort_key(p[0]))):
            pair = (refs.of(other), refs.of(event))
            if other.place == event.place:
                where = f"{event.place} holds"
            else:
                where = f"{other.place} and {event.place}, one place written two ways, hold"
            yield Finding("error", key[0], f"{where} two events at once: {pair[0]} and {pair[1]}", pair)


def _sessions(*events: Event) -> int:
    """How many of the events are sessions' own events."""
    return sum(event.kind == SESSION_KIND for event in events)


SATELLITE_DAYS = timedelta(days=7)
"""How far from the conference's dates a satellite event (a talk, a keynote, a reception: not a
paper's oral or poster) may be and only be warned of; further away it is a date typed wrong."""


def outside_dates(programme: Programme) -> Iterator[Finding]:
    conference = programme.conference
    dates = f"{conference.start:%a %-d %b %Y} – {conference.end:%a %-d %b %Y}"
    # The last day's night is on it, until the day change: a poster session until 01:00 or a
    # keynote until midnight on the last day is inside the dates; an end a day or a year late is not.
    opening = datetime.combine(conference.start, time())
    close = datetime.combine(conference.end + timedelta(days=1), DAY_CHANGE)
    events = sorted(programme.events, key=event_sort_key)
    each = list(_each_outside(programme, events, opening, close, dates))
    # Every event on one side of the dates (two or more): the dates do not describe the
    # programme (a year or a month typed wrong in them, not in every event), and the schedule
    # files would contradict themselves: one error, however near the dates the events are.
    if len(each) == len(events) > 1 and (side := _side(events, opening, close)):
        first, last = min(event.start for event in events), max(event.end for event in events)
        message = (
            f"every event ({len(events)}) is {side} the conference dates ({dates}): the events run "
            f"from {first:%a %-d %b %Y} to {last:%a %-d %b %Y}; are conference.start and conference.end "
            "typed right?"
        )
        key = "start" if side == "before" else "end"
        yield Finding("error", "outside-dates", message, path=f"conference.{key}")
        return
    yield from each


def _side(events: list[Event], opening: datetime, close: datetime) -> str:
    """'before' or 'after' the conference's dates when every event is on that side of them, else ""."""
    if all(event.end.replace(tzinfo=None) <= opening for event in events):
        return "before"
    if all(event.start.replace(tzinfo=None) >= close for event in events):
        return "after"
    return ""


def _each_outside(
    programme: Programme, events: list[Event], opening: datetime, close: datetime, dates: str
) -> Iterator[Finding]:
    days = timedelta(days=(programme.conference.end - programme.conference.start).days + 1)
    for event in events:
        start, end = event.start.replace(tzinfo=None), event.end.replace(tzinfo=None)
        if opening <= start < close and end <= close:
            continue
        ref = EventRef.of(programme, event)
        # A paper's oral or poster belongs in the programme's days; anything else (a talk, a
        # keynote, a welcome reception the evening before, a co-located workshop after) may be a
        # satellite event, but not one more than a week away from the dates, nor one beginning
        # before their end that lasts longer than the whole conference: a date typed wrong.
        if start >= close + SATELLITE_DAYS or end <= opening - SATELLITE_DAYS:
            hint = f"; it is more than {SATELLITE_DAYS.days} days away from them: is its date typed right?"
        elif start < close and end - start > days:
            hint = f"; it lasts {length(end - start)}, longer than the conference: is its end typed right?"
        else:
            hint = ""
        severity: Severity = "error" if hint or event.kind in ("oral", "poster") else "warning"
        message = f"{ref} is outside the conference dates ({dates}){hint}"
        yield Finding(severity, "outside-dates", message, (ref,))


def sessions_across_days(programme: Programme) -> Iterator[Finding]:
    """A declared session without its own start and end whose items begin on several days: its
    one event in a feed of sessions runs from the first item to the last, through the night,
    e.g. Sat 10:30 to Sun 09:20 (the page gives each day its own heading)."""
    held = events_by_session(programme.events)
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


PLACEHOLDER = "placeholder"
PLACEHOLDER_VENUE = "Venue not given in the schedule"
PLACEHOLDER_CITY = "City not given in the schedule"
"""What ``confcal import`` writes as conference.venue and .city: the schedule format names neither."""


def placeholders(programme: Programme) -> Iterator[Finding]:
    """conference.venue or .city still holding the import's placeholder: every event's LOCATION
    (the venue) and description (the city), and the page, would show it to attendees."""
    conference = programme.conference
    fields = (
        ("venue", conference.venue, PLACEHOLDER_VENUE, "every event's LOCATION", "its name and address"),
        ("city", conference.city, PLACEHOLDER_CITY, "every event's description", "its name"),
    )
    for key, value, placeholder, shown, wanted in fields:
        if placeholder in value:
            message = (
                f"the {key} is still confcal import's placeholder {placeholder!r}: {shown} and the page "
                f"would show it to attendees; write {wanted} in conference.{key} before publishing"
            )
            yield Finding("warning", PLACEHOLDER, message, path=f"conference.{key}")


FIXED_OFFSET = "fixed-offset-zone"


def fixed_offset_zone(programme: Programme) -> Iterator[Finding]:
    """conference.timezone a fixed offset other than UTC ('Etc/GMT+1'): its sign is POSIX's, the
    reverse of what people write ('Etc/GMT+1' is UTC-01:00), so 'Etc/GMT+1' meant as UTC+01:00
    puts every event two hours off; and a fixed zone has no clock changes."""
    name = programme.conference.timezone
    sign, hours = name[len("Etc/GMT") : len("Etc/GMT") + 1], name[len("Etc/GMT") + 1 :]
    if not name.startswith("Etc/GMT") or sign not in ("+", "-") or not hours.isdigit() or not int(hours):
        return
    behind = sign == "+"  # POSIX: Etc/GMT+1 is one hour behind UTC
    offset, reversed_offset = (f"UTC{s}{int(hours):02}:00" for s in (("-", "+") if behind else ("+", "-")))
    actual = timedelta(hours=int(hours)) * (-1 if behind else 1)
    places = zones.zones_at([actual], programme.conference.start)[:3]
    examples = f" (at {offset}: {', '.join(repr(place) for place in places)})" if places else ""
    message = (
        f"{name!r} is the fixed offset {offset} (POSIX writes the sign reversed: {reversed_offset} would be "
        f"'Etc/GMT{'-' if behind else '+'}{int(hours)}'), and a fixed offset has no clock changes: write "
        f"the zone of the place{examples}, which follows them"
    )
    yield Finding("warning", FIXED_OFFSET, message, path="conference.timezone")


EMPTY_CATEGORY = "empty-category"


def empty_categories(programme: Programme) -> Iterator[Finding]:
    """A category no item in the events file is in (``confcal check``, which reads only that file).

    Without ``keep_cancelled`` its feed is published as a calendar with no event: one whose items
    all moved elsewhere must stay, empty, so that subscribers' calendars drop its events (removing
    the category leaves them their last copy). But a feed that never held an event is offered on
    index.html to subscribe to, and an attendee who does sees nothing: most often a mistake (a
    track planned but not filled, papers given another category). With ``keep_cancelled`` the
    feed holds the events of the category that builds published, as cancelled, which only the
    output folder's state knows: the finding says both cases (``build`` sees which:
    ``empty_feed_warnings``)."""
    held = {paper.category for paper in programme.papers}
    for index, category in enumerate(programme.categories):
        if category.id in held:
            continue
        feed = f"{category.id}.ics"
        holds = f"category {category.id!r} ({category.name}) holds no paper or item in the events file"
        if programme.conference.keep_cancelled:
            message = (
                f"{holds}: its feed {feed} holds only the events of it that builds published, kept as "
                "cancelled (keep_cancelled), and no event if none was: then index.html lists a feed in "
                "which an attendee who adds it sees nothing; give the category papers, or remove it if "
                "no build published events in it (but keep a category whose feed holds them cancelled: "
                "it takes them out of its subscribers' calendars)"
            )
        else:
            message = (
                f"{holds}: its feed {feed} is published with no events (but for the events of it a build "
                "with --keep-cancelled keeps, cancelled), and index.html lists it: an attendee who adds "
                "it sees nothing; give the category papers, or remove it (but keep a category whose feed "
                "had events: published empty, it takes them out of its subscribers' calendars)"
            )
        yield Finding("warning", EMPTY_CATEGORY, message, feeds=(feed,), path=f"categories[{index}]")


def build_warnings(programme: Programme) -> tuple[str, ...]:
    """``confcal build``'s warnings about the errors ``confcal check`` would report (organizers
    often publish without it; ``build`` publishes the programme as it is): one line per kind of
    error, its first one, how many more, and where to see them all. Only the checks that can
    find these run (a sweep over the events by place, the dates, the sessions): a few
    milliseconds at NeurIPS size. Then a warning for ``confcal import``'s placeholders still in
    the conference's venue or city (``placeholders``)."""
    found = (
        *double_bookings(programme, Refs(programme)),
        *outside_dates(programme),
        *sessions_across_days(programme),
    )
    errors = [finding for finding in found if finding.severity == "error"]
    return _warning_lines([*errors, *placeholders(programme), *fixed_offset_zone(programme)])


def empty_feed_warnings(published: Programme) -> tuple[str, ...]:
    """``confcal build``'s warning about the categories whose feed it publishes with no event:
    ``published`` is the programme as the build publishes it, after its revisions, with the
    cancellations it keeps (``keep_cancelled``). A feed of kept cancellations is not empty: its
    subscribers need it to drop those events."""
    held = {published.paper(event.paper).category for event in published.events}
    found = []
    for category in published.categories:
        if category.id in held:
            continue
        feed = f"{category.id}.ics"
        message = (
            f"category {category.id!r} ({category.name}) holds no paper or item: its feed {feed} is "
            "published with no events, and index.html lists it: an attendee who adds it sees nothing; "
            "give the category papers, or remove it (but keep a category whose feed had events: "
            "published empty, it takes them out of its subscribers' calendars)"
        )
        found.append(Finding("warning", EMPTY_CATEGORY, message, feeds=(feed,)))
    return _warning_lines(found)


def _warning_lines(findings: Iterable[Finding]) -> tuple[str, ...]:
    """One warning line per kind of finding: its first one, how many more, where to see them all."""
    kinds: dict[str, list[Finding]] = {}
    for finding in findings:
        kinds.setdefault(finding.code, []).append(finding)
    lines = []
    for first, *more in kinds.values():
        if more:
            where = f"{len(more)} more like it: `confcal check` lists them all with their lines in the file"
        else:
            where = "`confcal check` says where in the file"
        lines.append(f"warning: {first}; {where}")
    return tuple(lines)
