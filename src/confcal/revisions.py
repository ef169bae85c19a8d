"""What changed since the last published build: SEQUENCE, LAST-MODIFIED and cancellations.

Pure: the previous state + the programme → each event's revision, the new state and the
list of changes. ``build`` reads the state from ``output/confcal-state.json`` (STATE_FILE)
and writes the new one with the feeds, so the committed ``output/`` is the published state.

A slot is one event id (``<paper>.<kind>``). When its start, end, place, paper title or status
differs from the last build, SEQUENCE goes up by one and LAST-MODIFIED (and DTSTAMP) become
the build's stamp (``publish.updated`` or SOURCE_DATE_EPOCH). When only other text changed
(abstract, authors, links, the venue...), LAST-MODIFIED moves to the stamp and SEQUENCE
stays. An unchanged slot keeps both, so its bytes stay the same.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from confcal import zones
from confcal.errors import EventsFileError, Problem
from confcal.model import (
    KINDS,
    STATUSES,
    Event,
    Kind,
    Paper,
    Programme,
    Revision,
    Status,
    event_sort_key,
)

STATE_FILE = "confcal-state.json"
STATE_FORMAT = 1
_STAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_EVENT_ID = re.compile(r"([a-z0-9]+(?:-[a-z0-9]+)*)\.([a-z]+)")

ChangeKind = Literal["added", "removed", "moved", "re-roomed", "renamed", "cancelled", "restored", "updated"]


@dataclass(frozen=True)
class Entry:
    """What the last build published for one slot: enough to compare it and to re-render it.

    ``event`` holds UTC times; ``paper`` holds no abstract, note or links; ``content`` is a
    digest of everything else the event's text is made of (``_content``).
    """

    revision: Revision
    event: Event
    paper: Paper
    content: str
    removed: bool = False

    @property
    def status(self) -> Status | Literal["removed"]:
        return "removed" if self.removed else self.event.status


State = Mapping[str, Entry]


@dataclass(frozen=True)
class Change:
    """One line of ``confcal diff``."""

    kind: ChangeKind
    id: str
    title: str
    old: str = ""
    new: str = ""

    def __str__(self) -> str:
        line = f'{self.kind}: {self.id} "{self.title}"'
        if self.kind == "renamed":
            return f'{self.kind}: {self.id} "{self.old}" → "{self.new}"'
        return f"{line}: {self.old} → {self.new}" if self.old or self.new else line

    def as_json(self) -> dict[str, str]:
        return {"change": self.kind, "id": self.id, "title": self.title, "old": self.old, "new": self.new}


@dataclass(frozen=True)
class Revised:
    """The programme to publish (with kept cancelled slots), each event's revision, the new state."""

    programme: Programme
    revisions: Mapping[str, Revision]
    state: State
    changes: tuple[Change, ...]
    stale_stamp: bool
    """Some slot changed but the stamp is not later than its last LAST-MODIFIED."""


def revise(programme: Programme, previous: State) -> Revised:
    """Compare ``programme`` with the ``previous`` published state."""
    stamp = programme.conference.updated
    published = (
        with_kept_cancellations(programme, previous) if programme.conference.keep_cancelled else programme
    )
    revisions: dict[str, Revision] = {}
    state: dict[str, Entry] = {}
    changes: list[Change] = []
    stale_stamp = False
    for event in published.events:
        paper = published.paper(event.paper)
        content = _content(published, event, paper)
        entry = previous.get(event.id)
        if entry is None:
            revision = Revision(0, stamp)
        elif entry.removed or _significant(entry.event, entry.paper) != _significant(event, paper):
            revision = Revision(entry.revision.sequence + 1, stamp)
        elif entry.content != content:
            revision = Revision(entry.revision.sequence, stamp)
        else:
            revision = entry.revision
        if entry is not None and revision != entry.revision:
            stale_stamp = stale_stamp or stamp <= entry.revision.last_modified
        revisions[event.id] = revision
        state[event.id] = Entry(revision=revision, event=_in_utc(event), paper=_slim(paper), content=content)
        event_changes = _changes(entry, event, paper, published.conference.timezone)
        if not event_changes and entry is not None and entry.content != content:
            event_changes = [Change("updated", event.id, paper.title)]
        changes.extend(event_changes)
    for event_id, entry in previous.items():
        if event_id not in state:
            state[event_id] = dataclasses.replace(entry, removed=True)
            if not entry.removed:
                changes.append(Change("removed", event_id, entry.paper.title))
    return Revised(
        programme=published,
        revisions=revisions,
        state=dict(sorted(state.items())),
        changes=tuple(sorted(changes, key=lambda c: (c.id, _ORDER.index(c.kind)))),
        stale_stamp=stale_stamp,
    )


_ORDER: tuple[ChangeKind, ...] = (
    "added",
    "removed",
    "cancelled",
    "restored",
    "moved",
    "re-roomed",
    "renamed",
    "updated",
)


def with_kept_cancellations(programme: Programme, previous: State) -> Programme:
    """The programme plus, as cancelled events, the published slots the events file dropped.

    A slot whose category no longer exists has no feed to stay in and is dropped.
    """
    present = {event.id for event in programme.events}
    papers = {paper.id: paper for paper in programme.papers}
    categories = {category.id for category in programme.categories}
    zone = zones.zone(programme.conference.timezone)
    kept_events: list[Event] = []
    kept_papers: dict[str, Paper] = {}
    for event_id, entry in sorted(previous.items()):
        if event_id in present or entry.removed:
            continue
        paper = papers.get(entry.paper.id) or kept_papers.get(entry.paper.id) or entry.paper
        if paper.category not in categories:
            continue
        if paper.id not in papers:
            kept_papers[paper.id] = paper
        kept_events.append(
            dataclasses.replace(
                entry.event,
                start=entry.event.start.astimezone(zone),
                end=entry.event.end.astimezone(zone),
                status="cancelled",
            )
        )
    if not kept_events:
        return programme
    return dataclasses.replace(
        programme,
        papers=(*programme.papers, *kept_papers.values()),
        events=tuple(sorted((*programme.events, *kept_events), key=event_sort_key)),
    )


def _content(programme: Programme, event: Event, paper: Paper) -> str:
    """A digest of everything an event's text is made of, besides its revision and stamp."""
    conference = programme.conference
    values = [
        [conference.id, conference.name, conference.venue, conference.city, conference.website],
        [conference.timezone, sorted(conference.streamed), programme.category(paper.category).name],
        [paper.title, list(paper.authors), paper.abstract, paper.note, paper.subcategory, paper.url],
        [[link.label, link.url] for link in paper.links],
        [event.kind, event.session, event.start.isoformat(), event.end.isoformat(), event.status],
        [event.room, event.level, event.board, list(event.speakers)],
    ]
    return hashlib.sha256(json.dumps(values, ensure_ascii=False).encode()).hexdigest()


def _significant(event: Event, paper: Paper) -> tuple[datetime, datetime, str, str, str]:
    return (event.start.astimezone(UTC), event.end.astimezone(UTC), event.place, paper.title, event.status)


def _in_utc(event: Event) -> Event:
    return dataclasses.replace(event, start=event.start.astimezone(UTC), end=event.end.astimezone(UTC))


def _slim(paper: Paper) -> Paper:
    return Paper(
        id=paper.id,
        category=paper.category,
        title=paper.title,
        authors=paper.authors,
        subcategory=paper.subcategory,
        url=paper.url,
    )


def local_span(event: Event, timezone: str) -> str:
    """'Tue 12 Dec 2023, 15:40–16:40 CST' in the conference's zone."""
    return zones.span(event.start, event.end, zones.zone(timezone))


def _changes(entry: Entry | None, event: Event, paper: Paper, timezone: str) -> list[Change]:
    if entry is None or entry.removed:
        return [Change("added", event.id, paper.title)]
    old, changes = entry.event, []
    if old.status != event.status:
        kind: ChangeKind = "cancelled" if event.status == "cancelled" else "restored"
        changes.append(Change(kind, event.id, paper.title))
    if (old.start, old.end) != (event.start, event.end):
        changes.append(
            Change("moved", event.id, paper.title, local_span(old, timezone), local_span(event, timezone))
        )
    if old.place != event.place:
        where = "no place"
        changes.append(Change("re-roomed", event.id, paper.title, old.place or where, event.place or where))
    if entry.paper.title != paper.title:
        changes.append(Change("renamed", event.id, paper.title, entry.paper.title, paper.title))
    return changes


# -- the state file ---------------------------------------------------------------------


_UTC_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


class StateFileError(EventsFileError):
    """The state file beside the feeds is damaged; ``problems`` says where."""

    def report(self) -> str:
        return super().report().replace("in the events file:", "in the state file:", 1)


def dump_state(state: State) -> bytes:
    """The state as JSON, one slot a line (sorted), so its diffs can be reviewed.

    Written line by line with the C encoder: an indented json.dumps of the whole document
    takes the pure-Python encoder and was a quarter of a no-op rebuild of a full programme.
    """
    about = (
        "Written by confcal build: what each slot looked like when last published. "
        "Keep it with the feeds; do not edit it."
    )
    entries = ",\n".join(
        f"    {json.dumps(event_id, ensure_ascii=False)}: "
        f"{json.dumps(_entry_json(state[event_id]), sort_keys=True, ensure_ascii=False)}"
        for event_id in sorted(state)
    )
    body = f"\n{entries}\n  " if entries else ""
    text = f'{{\n  "about": {json.dumps(about)},\n  "events": {{{body}}},\n  "format": {STATE_FORMAT}\n}}\n'
    return text.encode()


def _entry_json(entry: Entry) -> dict[str, Any]:
    event, paper = entry.event, entry.paper
    return {
        "sequence": entry.revision.sequence,
        "content": entry.content,
        "last_modified": entry.revision.last_modified.astimezone(UTC).strftime(_STAMP_FORMAT),
        "status": entry.status,
        "start": event.start.strftime(_STAMP_FORMAT),
        "end": event.end.strftime(_STAMP_FORMAT),
        "session": event.session,
        "room": event.room,
        "level": event.level,
        "board": event.board,
        "speakers": list(event.speakers),
        "paper": {
            "title": paper.title,
            "category": paper.category,
            "subcategory": paper.subcategory,
            "authors": list(paper.authors),
            "url": paper.url,
        },
    }


def parse_state(raw: bytes, *, name: str) -> dict[str, Entry]:
    """Read a state file written by ``dump_state``; raise StateFileError if it is damaged."""
    fix = "restore it from version control, or delete it to start again from SEQUENCE 0"
    try:
        document = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise StateFileError([Problem(name, "", f"not UTF-8; {fix}")]) from None
    except json.JSONDecodeError as error:
        message = f"not valid JSON: {error.msg} (column {error.colno}); {fix}"
        raise StateFileError([Problem(name, "", message, error.lineno)]) from None
    reader = _StateReader(name)
    state = reader.state(document)
    if reader.problems:
        raise StateFileError([*reader.problems, Problem(name, "", f"the file is damaged; {fix}")])
    return state


class _StateReader:
    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[Problem] = []

    def problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.name, path, message))

    def value(self, table: Mapping[str, Any], key: str, path: str, kind: type, label: str) -> Any:
        value = table.get(key)
        if type(value) is not kind:
            self.problem(f"{path}.{key}" if path else key, f"expected {label}, found {value!r:.40}")
            return None
        return value

    def text(self, table: Mapping[str, Any], key: str, path: str) -> str:
        return str(self.value(table, key, path, str, "a string") or "")

    def texts(self, table: Mapping[str, Any], key: str, path: str) -> tuple[str, ...]:
        values = self.value(table, key, path, list, "an array of strings") or []
        if not all(isinstance(v, str) for v in values):
            self.problem(f"{path}.{key}", "expected an array of strings")
            return ()
        return tuple(values)

    def instant(self, table: Mapping[str, Any], key: str, path: str) -> datetime:
        text = self.text(table, key, path)
        if _UTC_STAMP.fullmatch(text):
            return datetime.fromisoformat(text)  # strptime is ten times slower
        if text:
            self.problem(f"{path}.{key}", f"expected a UTC time like 2023-12-11T00:00:00Z, found {text!r}")
        return datetime.min.replace(tzinfo=UTC)

    def state(self, document: object) -> dict[str, Entry]:
        if not isinstance(document, dict):
            self.problem("", "expected a JSON object")
            return {}
        if document.get("format") != STATE_FORMAT:
            self.problem("format", f"expected {STATE_FORMAT}, found {document.get('format')!r}")
            return {}
        events = self.value(document, "events", "", dict, "an object") or {}
        state: dict[str, Entry] = {}
        for event_id, table in events.items():
            entry = self.entry(event_id, table, f"events.{event_id}")
            if entry is not None:
                state[event_id] = entry
        return state

    def entry(self, event_id: str, table: object, path: str) -> Entry | None:
        match = _EVENT_ID.fullmatch(event_id)
        if not match or match.group(2) not in KINDS:
            self.problem(path, "expected an event id like 'paper-id.oral'")
            return None
        if not isinstance(table, dict):
            self.problem(path, "expected an object")
            return None
        count = len(self.problems)
        sequence = self.value(table, "sequence", path, int, "a whole number")
        if isinstance(sequence, int) and sequence < 0:
            self.problem(f"{path}.sequence", f"expected a whole number, found {sequence}")
        status = self.text(table, "status", path)
        if status and status not in (*STATUSES, "removed"):
            self.problem(
                f"{path}.status", f"expected 'confirmed', 'cancelled' or 'removed', found {status!r}"
            )
        paper_table = self.value(table, "paper", path, dict, "an object") or {}
        paper_path = f"{path}.paper"
        kind: Kind = next(k for k in KINDS if k == match.group(2))
        event = Event(
            paper=match.group(1),
            kind=kind,
            session=self.text(table, "session", path),
            start=self.instant(table, "start", path),
            end=self.instant(table, "end", path),
            room=self.text(table, "room", path),
            level=self.text(table, "level", path),
            board=self.text(table, "board", path),
            speakers=self.texts(table, "speakers", path),
            status="cancelled" if status == "cancelled" else "confirmed",
        )
        paper = Paper(
            id=match.group(1),
            category=self.text(paper_table, "category", paper_path),
            title=self.text(paper_table, "title", paper_path),
            authors=self.texts(paper_table, "authors", paper_path),
            subcategory=self.text(paper_table, "subcategory", paper_path),
            url=self.text(paper_table, "url", paper_path),
        )
        last_modified = self.instant(table, "last_modified", path)
        content = self.text(table, "content", path)
        if len(self.problems) > count:
            return None
        revision = Revision(sequence=sequence, last_modified=last_modified)
        removed = status == "removed"
        return Entry(revision=revision, event=event, paper=paper, content=content, removed=removed)
