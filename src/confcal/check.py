"""Programme checks for organizers: what `confcal check` reports. Pure but for ``check_file``,
which reads the events file: no other I/O, no clock.

Errors: an events file the build rejects, and the scheduling errors of ``mistakes.py`` (a room
or poster board holding two events at once, a session's own event counting as one in its room;
an oral or poster outside the conference dates; a session without its own time across days),
which ``confcal build`` warns of too.
Warnings: any other event outside the conference dates (a talk, a keynote, a reception the
evening before: it may be a satellite event), an event with no place, a room written two ways
that are one room (case, spaces, a level given once), an event that spans a change of the
clocks (its length on the clock is not its real length), a person (author, speaker or chair,
their name compared without case and extra spaces) in two items' events at once, a declared
session with no item or an item outside its session's time, ``confcal import``'s placeholder
still in conference.venue or .city (``build`` warns of it too), a category with no item in the
events file (its feed is published empty, or holds only kept cancellations; ``build``, which
knows which, warns of an empty one). Information: items without a
category; each time slot in which events overlap (attendees must choose), with the feeds that
hold two or more of them. Cancelled events hold no place and overlap nothing. Times are
half-open: an event ending at 10:45 does not overlap one starting at 10:45.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING

from confcal import zones
from confcal.errors import EventsFileError
from confcal.feeds import feeds
from confcal.load import load
from confcal.mistakes import (
    SEVERITIES,
    EventRef,
    Finding,
    Refs,
    Severity,
    double_bookings,
    empty_categories,
    fixed_offset_zone,
    folded,
    length,
    one_room,
    outside_dates,
    placeholders,
    sessions_across_days,
)
from confcal.model import SESSION_KIND, Event, Programme, event_sort_key
from confcal.render import online

if TYPE_CHECKING:
    from confcal.load.locate import Locator

_HEADINGS: dict[Severity, str] = {"error": "errors", "warning": "warnings", "info": "info"}


def invalid_file(error: EventsFileError) -> list[Finding]:
    """The build's own validation errors, one finding each."""
    return [
        Finding("error", "invalid", str(p), file=p.file, path=p.path, line=p.line) for p in error.problems
    ]


def check(programme: Programme) -> list[Finding]:
    """Every finding for a valid programme: errors first, then warnings, then information.

    Cancelled events hold no room or board and overlap nothing. Rooms, boards and overlaps are
    found by a sweep over the events sorted by time (and by place), so the cost grows with the
    number of events and of findings, never with the number of pairs of events.
    """
    refs = Refs(programme)
    live = [event for event in programme.events if event.status != "cancelled"]
    bookings = list(double_bookings(programme, refs))
    findings = [
        *bookings,
        *outside_dates(programme),
        *_no_place(programme),
        *_room_spellings(programme, refs),
        *_clock_changes(programme),
        *_people(programme, live, refs),
        *_sessions(programme),
        *sessions_across_days(programme),
        *placeholders(programme),
        *fixed_offset_zone(programme),
        *empty_categories(programme),
        *_no_category(programme),
        *_feed_budget(programme),
    ]
    booked = {frozenset(ref.id for ref in f.events) for f in bookings}
    findings += _overlaps(programme, live, refs, booked)
    return sorted(findings, key=lambda f: SEVERITIES.index(f.severity))


def _no_place(programme: Programme) -> Iterator[Finding]:
    """A slot with no room, board or venue; but an online one (joined by its url, so its
    calendar event says "Place: online": ``render.online``) has its place."""
    for event in sorted(programme.events, key=event_sort_key):
        if not event.place and not event.venue and not online(programme, event):
            ref = EventRef.of(programme, event)
            message = f"{ref} has no room or poster board: attendees will not know where to go"
            yield Finding("warning", "no-place", message, (ref,))


def _room_spellings(programme: Programme, refs: Refs) -> Iterator[Finding]:
    """A room written as text (no ``[[rooms]]``) in two ways that compare as one (``folded``:
    case, spaces), or with a level once and without one elsewhere: double bookings count them as
    one room, feeds and the page show two. Each spelling but the most used one is named with the
    most used one it matches, at its first slot (a session's table before its items)."""
    spellings: dict[str, dict[tuple[str, str], list[Event]]] = {}
    for event in (*programme.session_events, *programme.events):
        if event.room and not event.room_id:
            spellings.setdefault(folded(event.room), {}).setdefault((event.room, event.level), []).append(
                event
            )
    for written in spellings.values():
        ranked = sorted(written.items(), key=lambda spelling: -len(spelling[1]))
        for index, ((room, level), uses) in enumerate(ranked):
            match = next((s for s in ranked[:index] if one_room(s[0][1], level)), None)
            if match is None:
                continue
            (other_room, other_level), other_uses = match
            message = (
                f"{_room_text(room, level)!r} and {_room_text(other_room, other_level)!r} look like one room "
                "written two ways; write it one way (or declare it in [[rooms]] and use its id)"
            )
            yield Finding(
                "warning", "room-name-variants", message, (refs.of(other_uses[0]), refs.of(uses[0]))
            )


def _room_text(room: str, level: str) -> str:
    return f"{room} ({level})" if level else room


def _people(programme: Programme, events: Iterable[Event], refs: Refs) -> Iterator[Finding]:
    """A person (author, speaker or session chair, by name as compared: ``folded``) in events of
    different items at once: at poster-heavy conferences an author's oral and their other paper's
    poster overlap. One finding per person and run of overlapping events, naming them all, under
    the name as most often written (and any other way it is written)."""
    by_person: dict[str, dict[str, Event]] = {}
    spellings: dict[str, dict[str, int]] = {}

    def add(name: str, event: Event) -> None:
        key = folded(name)
        written = spellings.setdefault(key, {})
        written[name] = written.get(name, 0) + 1
        by_person.setdefault(key, {})[event.id] = event

    for event in events:
        paper = programme.paper(event.paper)
        for name in (*paper.authors, *(p.name for p in paper.speakers), *event.speakers):
            add(name, event)
    chaired = {s.id: s for s in programme.sessions if s.chairs}
    for event in programme.session_events:
        if event.session_id in chaired and event.status != "cancelled":
            for person in chaired[event.session_id].chairs:
                add(person.name, event)
    for key in sorted(by_person):
        for run in _runs(sorted(by_person[key].values(), key=event_sort_key)):
            if _apart(run):
                name, also = _spelling(spellings[key])
                named = tuple(refs.of(e) for e in run)
                message = f"{name}{also} is in two places at once: {', '.join(str(ref) for ref in named)}"
                yield Finding("warning", "person-double-booked", message, named)


def _spelling(written: dict[str, int]) -> tuple[str, str]:
    """The name as most often written (a tidy one, ``folded`` but for case, first), and the other
    ways it is written that a reader can see: " (also written 'mei chen')"."""

    def tidy(name: str) -> bool:
        return name == unicodedata.normalize("NFC", " ".join(name.split()))

    name, *others = sorted(written, key=lambda n: (-written[n], not tidy(n), n))
    shown = unicodedata.normalize("NFC", name)
    seen = [other for other in others if unicodedata.normalize("NFC", other) != shown]
    return name, f" (also written {', '.join(repr(other) for other in seen)})" if seen else ""


def _runs(events: list[Event]) -> Iterator[list[Event]]:
    """Events sorted by start, cut where none of them is running any more."""
    run: list[Event] = []
    end = None
    for event in events:
        if run and end is not None and event.start >= end:
            yield run
            run = []
        end = event.end if end is None or not run else max(end, event.end)
        run.append(event)
    if run:
        yield run


def _apart(run: list[Event]) -> bool:
    """Whether a run holds two different items, a session chaired counting as the items in it."""
    places = {e.session_id if e.kind == SESSION_KIND else e.paper for e in run}
    chaired = {e.session_id for e in run if e.kind == SESSION_KIND}
    places -= {e.paper for e in run if e.session_id in chaired and e.kind != SESSION_KIND}
    return len(places) > 1


def _sessions(programme: Programme) -> Iterator[Finding]:
    """A declared session no slot names, and an item set outside its session's time."""
    held = {event.session_id for event in programme.events}
    for session in programme.sessions:
        if session.id not in held:
            yield Finding(
                "warning", "empty-session", f"session {session.id!r} ({session.name}) holds no item"
            )
    times = {s.id: (s.name, s.start, s.end) for s in programme.sessions if s.start and s.end}
    for event in sorted(programme.events, key=event_sort_key):
        if event.session_id not in times:
            continue
        name, start, end = times[event.session_id]
        if start and end and not start <= event.start < event.end <= end:
            ref = EventRef.of(programme, event)
            span = zones.span(start, end, start.tzinfo, dates=False)
            message = f"{ref} is outside its session {name!r} ({span})"
            yield Finding("warning", "outside-session", message, (ref,))


def _no_category(programme: Programme) -> Iterator[Finding]:
    """Items without a category are only in all.ics: fine for a break, worth a look for a talk."""
    loose = [paper.id for paper in programme.papers if not paper.category]
    if loose:
        listing = ", ".join(loose[:8]) + (f" and {len(loose) - 8} more" if len(loose) > 8 else "")
        items = f"{len(loose)} item{'s' if len(loose) != 1 else ''}"
        message = f"{items} without a category, in all.ics only: {listing}"
        yield Finding("info", "no-category", message)


def _clock_changes(programme: Programme) -> Iterator[Finding]:
    for event in sorted(programme.events, key=event_sort_key):
        if zones.spans_clock_change(event.start, event.end):
            ref = EventRef.of(programme, event)
            real = zones.duration(event.start, event.end)
            on_the_clock = event.end.replace(tzinfo=None) - event.start.replace(tzinfo=None)
            message = (
                f"{ref} spans a change of the clocks: it lasts {length(real)}, though the clock "
                f"shows {length(on_the_clock)}; check the end time"
            )
            yield Finding("warning", "spans-clock-change", message, (ref,))


def _feed_budget(programme: Programme) -> Iterator[Finding]:
    """Feeds too big for calendar subscriptions, with a split that would fit. The sizes are a
    first build's (SEQUENCE 0): a later build's differ by a few bytes per changed event."""

    from confcal.budget import CLIENTS, over_budget, splits, suggestion, uncovered
    from confcal.render import CalendarHeads, assemble, render_events

    every = feeds(programme)
    blocks = render_events(programme)
    head = CalendarHeads(programme)
    sizes = {f.filename: len(assemble(head(f), (blocks[e.id] for e in f.events))) for f in every}
    block_sizes = {event_id: len(block) for event_id, block in blocks.items()}
    conference = programme.conference
    too_big = over_budget(conference, every, sizes)
    worth_a_warning = uncovered(too_big, every, (spec.id for spec in programme.declared_feeds))
    for oversize in too_big:
        if oversize not in worth_a_warning:
            message = (
                f"{oversize.describe(conference)}: index.html offers it for download only; every one of "
                "its events is in a smaller feed declared with [[feeds]], so subscribers lose nothing"
            )
            yield Finding("info", "feed-too-big", message, feeds=(oversize.feed.filename,))
            continue
        empty = len(assemble(head(oversize.feed), ()))
        split = suggestion(conference, splits(oversize.feed, head=empty, block_sizes=block_sizes))
        message = (
            f"{oversize.describe(conference)}: {CLIENTS}, so index.html offers it for download only; {split}"
        )
        yield Finding("warning", "feed-too-big", message, feeds=(oversize.feed.filename,))


def _overlaps(
    programme: Programme, events: list[Event], refs: Refs, booked: set[frozenset[str]]
) -> list[Finding]:
    """One finding per time slot in which attendees must choose: each largest set of events that
    all run at one moment, with the feeds that hold two or more of them. A double-booked pair
    alone is reported as the error only."""
    feeds_of: dict[str, list[str]] = {}
    for feed in feeds(programme):
        for event in feed.events:
            feeds_of.setdefault(event.id, []).append(feed.filename)
    place = zones.zone(programme.conference.timezone)
    findings = []
    for group in _slots(events):
        if len(group) == 2 and frozenset(e.id for e in group) in booked:
            continue
        counts: dict[str, int] = {}
        for event in group:
            for filename in feeds_of.get(event.id, ()):
                counts[filename] = counts.get(filename, 0) + 1
        shared = tuple(filename for filename, count in counts.items() if count > 1)
        named = tuple(refs.of(event) for event in group)
        when = zones.span(max(e.start for e in group), min(e.end for e in group), place)
        where = ", ".join(f"{filename}: {counts[filename]}" for filename in shared)
        listed = ", ".join(f'{ref.id} "{ref.title}"' for ref in named[:_NAMED])
        more = f" and {len(named) - _NAMED} more" if len(named) > _NAMED else ""
        message = f"{len(group)} events at once, {when} ({where}): {listed}{more}"
        findings.append(Finding("info", "overlap", message, named, shared))
    return findings


_NAMED = 3  # events named in an overlap's line; the JSON report lists them all


def _slots(events: Iterable[Event]) -> Iterator[list[Event]]:
    """Each largest set of events running at one moment (times half-open), in time order: a sweep
    over starts and ends that yields the running events at each end that follows a start."""
    boundaries = sorted(
        [(e.end, 0, e.id, e) for e in events] + [(e.start, 1, e.id, e) for e in events],
        key=lambda b: (b[0].astimezone(UTC), b[1], b[2]),
    )
    running: dict[str, Event] = {}
    grown = False
    for _, is_start, event_id, event in boundaries:
        if is_start:
            running[event_id] = event
            grown = True
            continue
        if grown and len(running) > 1:
            yield sorted(running.values(), key=event_sort_key)
        grown = False
        del running[event_id]


def strict(findings: Iterable[Finding]) -> list[Finding]:
    """Warnings become errors (``check --strict``)."""
    return [replace(f, severity="error") if f.severity == "warning" else f for f in findings]


LOCATED = frozenset(
    {
        "room-double-booked",
        "board-double-booked",
        "room-name-variants",
        "person-double-booked",
        "outside-dates",
        "session-spans-days",
    }
)
"""Findings about one slot (a double booking: the later of the two; a person in two places: the
last of the run; a room written two ways: the first slot of the less used spelling; a session:
its table) that name its place in the file, as the build's own problems do: file, line, TOML path.
A finding about a table of its own (an empty category: ``categories[1]``) carries its path."""


def located(findings: list[Finding], programme: Programme, *, name: str, text: str) -> list[Finding]:
    """``findings`` with the LOCATED ones carrying the file, line and TOML path of their last
    event's slot (``papers[1].oral``, ``items[0].talk[1]``), and those with a path of their own
    (``categories[1]``) the file and line, in the message too. The file is not parsed again: the
    paths come from the programme, the lines and which slots are arrays from the ``Locator``'s
    index of the text."""
    from confcal.load.locate import Locator

    text = text.removeprefix("\ufeff")
    locator = Locator(text)
    wanted = {finding.events[-1].id for finding in findings if finding.code in LOCATED and finding.events}
    paths = _slot_paths(programme, wanted, locator, text.split("\n"))
    out = []
    for finding in findings:
        if finding.code in LOCATED and finding.events:
            path = paths.get(finding.events[-1].id, "")
        else:
            path = finding.path
        if not path:
            out.append(finding)
            continue
        line = locator.line(path)
        where = f"{name}:{line}: {path}" if line else f"{name}: {path}"
        out.append(replace(finding, message=f"{where}: {finding.message}", file=name, path=path, line=line))
    return out


def _slot_paths(programme: Programme, wanted: set[str], locator: Locator, lines: list[str]) -> dict[str, str]:
    """The TOML path of each wanted event: its item's table, then its slot (an index when the
    item has an array of them: several slots of the kind, an array of tables, or an inline array);
    a session's own event, its ``[[sessions]]`` table."""
    items: dict[str, str] = {}
    counts = {"papers": 0, "items": 0}
    for paper in programme.papers:
        table = "papers" if paper.is_paper else "items"
        items[paper.id] = f"{table}[{counts[table]}]"
        counts[table] += 1
    sessions = {session.id: f"sessions[{index}]" for index, session in enumerate(programme.sessions)}
    paths = {}
    for event in (*programme.events, *programme.session_events):
        if event.id not in wanted:
            continue
        if event.paper not in items:
            paths[event.id] = sessions.get(event.paper, "")
            continue
        slot = f"{items[event.paper]}.{event.kind}"
        several = any(e.kind == event.kind and e.number > 1 for e in programme.events_of(event.paper))
        line = locator.lines.get(slot)
        inline = line is not None and re.match(
            rf"\s*[\"']?{re.escape(event.kind)}[\"']?\s*=\s*\[", lines[line - 1]
        )
        index = f"[{event.number - 1}]" if several or f"{slot}[0]" in locator.lines or inline else ""
        paths[event.id] = f"{slot}{index}"
    return paths


UNLOADABLE = 2
"""Exit status when the build rejects the file (its ``invalid`` findings: unreadable, not TOML, an
unknown key or id, an end before its start, …), so the programme checks could not run (1: the
programme has errors they found)."""


def check_file(events: Path, *, strict_warnings: bool = False) -> tuple[list[Finding], int]:
    """The findings for the events file and ``confcal check``'s exit status. A file that cannot
    be loaded is reported the same way: its problems as findings, status UNLOADABLE."""
    try:
        programme = load(events)
        findings, status = check(programme), None
    except EventsFileError as error:
        findings, status = invalid_file(error), UNLOADABLE
    else:
        if any(f.code in LOCATED or f.path for f in findings):
            findings = located(findings, programme, name=str(events), text=events.read_text(encoding="utf-8"))
    if strict_warnings:
        findings = strict(findings)
    return findings, status or exit_code(findings)


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
