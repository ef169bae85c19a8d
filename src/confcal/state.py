"""The state file beside the feeds (``confcal-state.json``): what the last build published.

For each slot: its revision (SEQUENCE, LAST-MODIFIED) and what it looked like, so the next
build can tell what changed (``revisions.py``). For the folder: the files the build published
(the only ones a later build may delete) and the reminders variant's lead time, if one was
published (a plain build keeps it in step).

The file is read like events.toml: every value checked, every problem reported at once with
its path (``checked.CheckedReader``), so a damaged file is an error, never a crash and never
silently published.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from confcal.checked import (
    ID_MAX_LENGTH,
    ID_PATTERN,
    WINDOWS_DEVICES,
    CheckedReader,
    JsonError,
    read_json,
    show,
    string_problem,
    type_name,
)
from confcal.errors import EventsFileError, Problem
from confcal.feeds import OVERALL_FEED_ID
from confcal.model import STATUSES, Event, Paper, Revision, Status
from confcal.releases import CHANGE_KINDS, Change, Release, Span

STATE_FILE = "confcal-state.json"
STATE_FORMAT = 1
CONTENT_SCHEME = 2
"""How ``content`` digests are made: 2, the event's bytes but its revision (``render.content_digest``);
1 (a state file without ``content_scheme``), a list of fields (``revisions.legacy_content``)."""
MAX_SEQUENCE = 2**31 - 1
"""RFC 5545 SEQUENCE is an INTEGER: a signed 32-bit value."""
MAX_REMINDER_MINUTES = 7 * 24 * 60
_STAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_UTC_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
_YEARS = range(1970, 9999)
_DIGEST = re.compile(r"[0-9a-f]{64}")
# item id, kind (letters and single hyphens: see load.KIND_PATTERN), the slot's number from 2 on
_KIND = re.compile(r"[a-z]+(?:-[a-z]+)*")
_EVENT_ID = re.compile(r"([a-z0-9]+(?:-[a-z0-9]+)*)\.([a-z]+(?:-[a-z]+)*?)(?:-([2-9]|[1-9][0-9]+))?")
_FIX = "restore it from version control, or delete it and build with --force to start again from SEQUENCE 0"

SCHEMA: dict[str, dict[str, bool]] = {
    "": {
        "about": False,
        "conference": False,
        "content_scheme": False,
        "events": True,
        "format": True,
        "labels": False,
        "published": False,
        "releases": False,
        "reminders_minutes": False,
        "venue": False,
    },
    "entry": dict.fromkeys(
        (
            "board",
            "content",
            "end",
            "last_modified",
            "level",
            "paper",
            "room",
            "sequence",
            "session",
            "speakers",
            "start",
            "status",
        ),
        True,
    )
    # absent in state files written before they were recorded
    | {"venue": False, "session_id": False, "where": False, "streamed": False, "url": False}
    | {"kept": False, "position": False, "room_id": False, "conference_venue": False, "label": False},
    "paper": dict.fromkeys(("authors", "category", "subcategory", "title", "url"), True) | {"table": False},
    "release": {"stamp": True, "changes": True},
    "change": {
        "change": True,
        "id": True,
        "title": True,
        "old": False,
        "new": False,
        "was": False,
        "now": False,
        "name": False,  # absent in state files written before it was recorded
        "place": False,  # absent unless it tells events of a release apart (``releases.alike``)
        "venues": False,  # absent but for a move of the conference's venue alone
    },
}


@dataclass(frozen=True)
class Entry:
    """What the last build published for one slot: enough to compare it and to re-render it.

    ``event`` holds UTC times, whether it was streamed (``streamed``: ``render.streamed``) and
    where to watch or join it (``stream_url``), or ``streaming_unknown``; ``paper`` holds no
    abstract, note or links; ``content`` is a digest of the event's text (made as the state
    file's ``content_scheme`` says).
    """

    revision: Revision
    event: Event
    paper: Paper
    content: str
    removed: bool = False
    venue_known: bool = True
    """Whether the state file recorded the slot's venue (``event.venue``); files written before
    it was recorded leave it out, and then a change of venue shows only as changed text."""
    where: str | None = None
    """The slot's place as its LOCATION named it, but for the conference's own venue
    (``render.where``); None when the state file did not record it."""
    streaming_known: bool = True
    """Whether the state file said if the slot was streamed (``event.streamed``, or
    ``event.streaming_unknown``); files written before it was recorded leave it out."""
    kept: bool = False
    """Kept as a cancelled event though the events file no longer had it (``keep_cancelled``)."""
    position: int | None = None
    """The slot's place among its item's slots of its kind in the events file, when it is not its
    number (``revisions.follow_parts``); None: its number."""
    conference_venue: str | None = None
    """The conference's own venue as the slot's LOCATION named it after its place, when that is
    not the state file's ``venue`` (a slot kept as cancelled since before the conference moved:
    ``render.own_venue``); None: the state file's."""
    label: str | None = None
    """The slot's kind's label as its SUMMARY and CATEGORIES named it, when it is not the one the
    state file's ``labels`` records for the kind (a slot kept as cancelled since before its kind
    was relabelled: ``render.kind_label``); None: the state file's."""

    @property
    def status(self) -> Status | Literal["removed"]:
        return "removed" if self.removed else self.event.status


State = Mapping[str, Entry]
"""Each published slot by event id."""


@dataclass(frozen=True)
class StateFile:
    """The whole state file."""

    events: State = field(default_factory=dict)
    conference: str | None = None
    """The id of the conference whose feeds these are: part of every UID (None in a state file
    from before confcal recorded it)."""
    published: tuple[str, ...] | None = None
    """Files the build wrote, relative to the output folder (the state file aside); None in a
    state file from before confcal recorded them."""
    reminders_minutes: int | None = None
    """The lead time of the published reminders variant (``build --alarm``); None: none published."""
    releases: tuple[Release, ...] = ()
    """Each build that changed what subscribers see, oldest first (``releases.py``)."""
    content_scheme: int = CONTENT_SCHEME
    """How the entries' ``content`` digests were made (``CONTENT_SCHEME``)."""
    venue: str | None = None
    """The conference's own venue as the events' LOCATION named it after their place
    (``conference.venue``); None in a state file from before confcal recorded it."""
    labels: Mapping[str, str] | None = None
    """Each declared kind's label, as the events' SUMMARY named it before their title
    ("Poster: <title>"); None in a state file from before confcal recorded them."""

    @property
    def reminders(self) -> timedelta | None:
        return None if self.reminders_minutes is None else timedelta(minutes=self.reminders_minutes)


class StateFileError(EventsFileError):
    """The state file beside the feeds is damaged; ``problems`` says where."""

    def report(self) -> str:
        return super().report().replace("in the events file:", "in the state file:", 1)


def read_state(output: Path) -> StateFile | None:
    """The published state in the output folder; None (a first build) when there is none."""
    path = output / STATE_FILE
    try:
        raw = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except PermissionError as error:
        message = f"cannot read: {error.strerror}; make it readable (chmod u+r {path})"
        raise StateFileError([Problem(str(path), "", message)]) from None
    except IsADirectoryError:
        message = f"is a folder, not the state file; move it out of {output} (a build writes the file there)"
        raise StateFileError([Problem(str(path), "", message)]) from None
    except OSError as error:
        raise StateFileError([Problem(str(path), "", f"cannot read: {error.strerror or error}")]) from None
    return parse_state(raw, name=str(path))


def lost(output: Path) -> bool:
    """Whether ``output`` holds published feeds but not their state file (deleted, or not copied
    with them): a build there would start every SEQUENCE again, so it needs --force."""
    return not (output / STATE_FILE).exists() and (output / f"{OVERALL_FEED_ID}.ics").is_file()


def dump_state(state: StateFile) -> bytes:
    """The state as JSON, one slot and one published file a line (sorted), so its diffs can be
    reviewed.

    Written line by line with the C encoder: an indented json.dumps of the whole document
    takes the pure-Python encoder and was a quarter of a no-op rebuild of a full programme.
    """
    about = (
        "Written by confcal build: what each slot looked like when last published. "
        "Keep it with the feeds; do not edit it."
    )
    entries = ",\n".join(
        f"    {_to_json(event_id)}: {_to_json(_entry_json(state.events[event_id]))}"
        for event_id in sorted(state.events)
    )
    lines = [f'  "about": {json.dumps(about)}']
    if state.conference is not None:
        lines.append(f'  "conference": {json.dumps(state.conference)}')
    lines += [
        f'  "content_scheme": {state.content_scheme}',
        f'  "events": {{{_block(entries)}}}',
        f'  "format": {STATE_FORMAT}',
    ]
    if state.labels is not None:
        lines.append(f'  "labels": {_to_json(dict(state.labels))}')
    if state.published is not None:
        files = ",\n".join(f"    {_to_json(name)}" for name in sorted(state.published))
        lines.append(f'  "published": [{_block(files)}]')
    if state.releases:
        lines.append(f'  "releases": {_dump_releases(state.releases)}')
    if state.reminders_minutes is not None:
        lines.append(f'  "reminders_minutes": {state.reminders_minutes}')
    if state.venue is not None:
        lines.append(f'  "venue": {json.dumps(state.venue, ensure_ascii=False)}')
    return ("{\n" + ",\n".join(lines) + "\n}\n").encode()


_to_json = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
"""``json.dumps(value, ensure_ascii=False, sort_keys=True)``, without making an encoder for each value."""


def _block(body: str) -> str:
    return f"\n{body}\n  " if body else ""


def _entry_json(entry: Entry) -> dict[str, Any]:
    event, paper = entry.event, entry.paper
    return {
        "sequence": entry.revision.sequence,
        "content": entry.content,
        "last_modified": _stamp(entry.revision.last_modified.astimezone(UTC)),
        "status": entry.status,
        "start": _stamp(event.start),
        "end": _stamp(event.end),
        "session": event.session,
        "room": event.room,
        "level": event.level,
        "board": event.board,
        "venue": event.venue,
        **({"room_id": event.room_id} if event.room_id else {}),
        "session_id": event.session_id,
        **({"where": entry.where} if entry.where is not None else {}),
        **_streaming_json(event),
        **({"kept": True} if entry.kept else {}),
        **({"position": entry.position} if entry.position is not None else {}),
        **({"conference_venue": entry.conference_venue} if entry.conference_venue is not None else {}),
        **({"label": entry.label} if entry.label is not None else {}),
        "speakers": list(event.speakers),
        "paper": {
            "title": paper.title,
            "category": paper.category,
            "subcategory": paper.subcategory,
            "authors": list(paper.authors),
            "url": paper.url,
            **({"table": paper.table} if paper.table else {}),
        },
    }


def _streaming_json(event: Event) -> dict[str, Any]:
    """Whether the slot was streamed and its url; ``"streamed": null`` when not known (a kept
    cancellation first published before confcal recorded it), nothing for an entry never rebuilt."""
    if event.streaming_unknown:
        return {"streamed": None}
    return {} if event.streamed is None else {"streamed": event.streamed, "url": event.stream_url}


def _format_instant(value: datetime) -> str:
    return _stamp(value.astimezone(UTC))


def _stamp(value: datetime) -> str:
    """``value.strftime(_STAMP_FORMAT)``: its wall time (UTC in a state file), with a Z."""
    return _wall_stamp(value, value.utcoffset())


@functools.lru_cache(maxsize=4096)
def _wall_stamp(value: datetime, offset: timedelta | None) -> str:
    """``_stamp``, made once per time: a programme's slots share a few hundred times, and strftime
    for each of a full state file's stamps was a quarter of writing it. ``offset``, ``value``'s UTC
    offset, is part of the key: equal times at other offsets show other wall times."""
    return value.strftime(_STAMP_FORMAT)


def _format_span(span: Span | None) -> str:
    """``start/end`` (an ISO 8601 interval in UTC), or "" for none; read by ``_StateReader.span``."""
    return "" if span is None else f"{_format_instant(span[0])}/{_format_instant(span[1])}"


def _change_json(change: Change) -> dict[str, object]:
    return {
        **change.as_json(),
        "was": _format_span(change.was),
        "now": _format_span(change.now),
        "name": change.name,
        **({"place": change.place} if change.place else {}),
        **({"venues": list(change.venues)} if change.venues else {}),
    }


def _dump_releases(releases: Sequence[Release]) -> str:
    """The ``releases`` array of the state file: one change a line, so a release reads in a diff."""
    if not releases:
        return "[]"
    blocks = []
    for release in releases:
        for change in release.changes:
            if problem := string_problem(change.name, empty=True):
                # Written, the file would stop every later build (``_change`` reads names so).
                raise ValueError(f"the name {show(change.name)} of {change.id} cannot be recorded: {problem}")
        lines = ",\n".join(
            f"        {json.dumps(_change_json(change), ensure_ascii=False)}" for change in release.changes
        )
        blocks.append(
            f'    {{\n      "stamp": {json.dumps(_format_instant(release.stamp))},\n'
            f'      "changes": [\n{lines}\n      ]\n    }}'
        )
    return "[\n" + ",\n".join(blocks) + "\n  ]"


def parse_state(raw: bytes, *, name: str) -> StateFile:
    """Read a state file written by ``dump_state``; raise StateFileError if it is damaged."""
    try:
        document = read_json(raw)
    except JsonError as error:
        message = error.message if error.kind != "limit" else f"not a state file: {error.message}"
        raise StateFileError([Problem(name, "", f"{message}; {_FIX}", error.line)]) from None
    reader = _StateReader(name=name, schema=SCHEMA)
    state = _state(reader, document)
    if reader.problems:
        raise StateFileError([*reader.problems, Problem(name, "", f"the file is damaged; {_FIX}")])
    return state


def sequence_limit_error(event_id: str, *, name: str = STATE_FILE) -> StateFileError:
    """The slot's SEQUENCE is already the largest iCalendar allows and a change would raise it."""
    return StateFileError(
        [
            Problem(
                name,
                f"events.{event_id}.sequence",
                f"at {MAX_SEQUENCE}, the largest SEQUENCE iCalendar allows, so this change cannot "
                "raise it; publish the slot under a new paper id, or delete the state file and build "
                "with --force to start again from SEQUENCE 0 (subscribers may then keep their older copy)",
            )
        ]
    )


def safe_relative(name: str) -> bool:
    """A path inside the output folder: relative, no '..', no hidden part, no backslash."""
    return (
        bool(name)
        and not name.startswith("/")
        and "\\" not in name
        and all(part not in ("", ".", "..") and not part.startswith(".") for part in name.split("/"))
    )


class _StateReader(CheckedReader):
    """Checked access with what the state file adds: UTC stamps, spans, text that may be empty."""

    def instant(self, table: Mapping[str, Any], key: str, path: str) -> datetime | None:
        text = self.get(table, key, path, str)
        if text is None:
            return None
        where = f"{path}.{key}"
        expected = "expected a UTC time like 2023-12-11T00:00:00Z"
        if not _UTC_STAMP.fullmatch(text):
            self.problem(where, f"{expected}, found {show(text)}")
            return None
        try:
            value = datetime.fromisoformat(text)  # strptime is ten times slower
        except ValueError:
            self.problem(where, f"{show(text)} is not a date and time that exists; {expected}")
            return None
        if value.year not in _YEARS:
            self.problem(where, f"{show(text)} is out of range; expected a year from 1970 to 9998")
            return None
        return value

    def span(self, table: Mapping[str, Any], key: str, path: str) -> Span | None:
        """``start/end`` in UTC (``_format_span``); "" or absent: none."""
        text = self.get(table, key, path, str)
        if not text:
            return None
        start, _, end = text.partition("/")
        where = f"{path}.{key}"
        bounds = self.instant({"start": start}, "start", where), self.instant({"end": end}, "end", where)
        if bounds[0] is None or bounds[1] is None:
            return None
        if bounds[1] <= bounds[0]:
            self.problem(where, "the end is not after the start; expected start/end in UTC")
            return None
        return (bounds[0], bounds[1])

    def optional_text(self, table: Mapping[str, Any], key: str, path: str) -> str:
        return self.string(table[key], f"{path}.{key}", empty=True) if key in table else ""

    def optional_identifier(self, table: Mapping[str, Any], key: str, path: str) -> str:
        """An id, or "" for none (absent or empty); anything else is checked as an id."""
        return self.identifier(table, key, path) if table.get(key, "") != "" else ""

    def strings(self, table: Mapping[str, Any], key: str, path: str) -> tuple[str, ...]:
        values = self.get(table, key, path, list) or []
        return tuple(self.string(value, f"{path}.{key}[{i}]") for i, value in enumerate(values))


def _state(reader: _StateReader, document: object) -> StateFile:
    if not isinstance(document, dict):
        reader.problem("", "expected a JSON object")
        return StateFile()
    if document.get("format") != STATE_FORMAT:
        reader.problem("format", f"expected {STATE_FORMAT}, found {show(document.get('format'))}")
        return StateFile()
    reader.keys(document, "", "")
    events = reader.get(document, "events", "", dict) or {}
    state: dict[str, Entry] = {}
    for event_id, table in events.items():
        entry = _entry(reader, event_id, table, f"events.{event_id}")
        if entry is not None:
            state[event_id] = entry
    return StateFile(
        events=state,
        conference=_conference(reader, document),
        published=_published(reader, document),
        reminders_minutes=_reminders(reader, document),
        releases=_releases(reader, document),
        content_scheme=_content_scheme(reader, document),
        venue=reader.string(document["venue"], "venue") if "venue" in document else None,
        labels=_labels(reader, document),
    )


def _labels(reader: _StateReader, document: Mapping[str, Any]) -> dict[str, str] | None:
    table = reader.get(document, "labels", "", dict)
    if table is None:
        return None
    labels: dict[str, str] = {}
    for kind, label in table.items():
        if not _KIND.fullmatch(kind):
            reader.problem(f"labels.{kind}", f"expected a kind like 'poster', found {show(kind)}")
        elif text := reader.string(label, f"labels.{kind}"):
            labels[kind] = text
    return labels


def _conference(reader: _StateReader, document: Mapping[str, Any]) -> str | None:
    value = reader.get(document, "conference", "", str)
    if value is not None and not ID_PATTERN.fullmatch(value):
        reader.problem("conference", f"expected a conference id like 'neurips-2023', found {show(value)}")
        return None
    return value


def _content_scheme(reader: _StateReader, document: Mapping[str, Any]) -> int:
    scheme = reader.get(document, "content_scheme", "", int)
    if scheme is None:
        return 1
    if scheme not in (1, CONTENT_SCHEME):
        reader.problem("content_scheme", f"expected 1 or {CONTENT_SCHEME}, found {show(scheme)}")
    return scheme


def _releases(reader: _StateReader, document: Mapping[str, Any]) -> tuple[Release, ...]:
    values = reader.get(document, "releases", "", list) or []
    releases: list[Release] = []
    for index, table in enumerate(values):
        path = f"releases[{index}]"
        if not isinstance(table, dict):
            reader.problem(path, f"expected an object, found {type_name(table)}")
            continue
        count = len(reader.problems)
        reader.keys(table, "release", path)
        stamp = reader.instant(table, "stamp", path)
        listed = reader.get(table, "changes", path, list) or []
        changes = [_change(reader, value, f"{path}.changes[{number}]") for number, value in enumerate(listed)]
        if "changes" in table and not listed:
            reader.problem(f"{path}.changes", "expected at least one change")
        if stamp is not None and releases and stamp <= releases[-1].stamp:
            reader.problem(f"{path}.stamp", "expected a later stamp than the release before it")
        if stamp is not None and len(reader.problems) == count:
            releases.append(Release(stamp, tuple(change for change in changes if change is not None)))
    return tuple(releases)


def _change(reader: _StateReader, table: object, path: str) -> Change | None:
    if not isinstance(table, dict):
        reader.problem(path, f"expected an object, found {type_name(table)}")
        return None
    count = len(reader.problems)
    reader.keys(table, "change", path)
    kind = next((k for k in CHANGE_KINDS if k == table.get("change")), None)
    if kind is None and "change" in table:
        expected = ", ".join(repr(k) for k in CHANGE_KINDS)
        reader.problem(f"{path}.change", f"expected one of {expected}, found {show(table['change'])}")
    event_id = reader.get(table, "id", path, str)
    match = _EVENT_ID.fullmatch(event_id or "")
    if event_id is not None and not (match and ID_PATTERN.fullmatch(match.group(1))):
        reader.problem(f"{path}.id", f"expected an event id like 'paper-id.oral', found {show(event_id)}")
    title = reader.text(table, "title", path)
    old, new = reader.optional_text(table, "old", path), reader.optional_text(table, "new", path)
    was, now = reader.span(table, "was", path), reader.span(table, "now", path)
    name, place = reader.optional_text(table, "name", path), reader.optional_text(table, "place", path)
    venues = _venues(reader, table, path)
    if kind is None or event_id is None or len(reader.problems) > count:
        return None
    return Change(kind, event_id, title, old, new, was=was, now=now, name=name, place=place, venues=venues)


def _venues(reader: _StateReader, table: Mapping[str, Any], path: str) -> tuple[str, str] | None:
    """A change's ``venues``: the conference's venue before and after, two texts; None when absent."""
    values = reader.get(table, "venues", path, list)
    if values is None:
        return None
    if len(values) != 2:
        reader.problem(f"{path}.venues", f"expected the venue before and after, found {show(values)}")
        return None
    was, now = (reader.string(value, f"{path}.venues[{index}]") for index, value in enumerate(values))
    return (was, now) if was and now else None


def _published(reader: _StateReader, document: Mapping[str, Any]) -> tuple[str, ...] | None:
    names = reader.get(document, "published", "", list)
    if names is None:
        return None
    files: dict[str, None] = {}  # in order; a dict, so that a repeated name is found at once
    for index, name in enumerate(names):
        where = f"published[{index}]"
        text = reader.string(name, where)
        if text and (not safe_relative(name) or name == STATE_FILE):
            reader.problem(where, f"{show(name)} is not a file inside the output folder")
        elif text in files:
            reader.problem(where, f"{show(name)} is listed twice")
        elif text:
            files[text] = None
    return tuple(files)


def _reminders(reader: _StateReader, document: Mapping[str, Any]) -> int | None:
    minutes = reader.get(document, "reminders_minutes", "", int)
    if minutes is not None and not 0 < minutes <= MAX_REMINDER_MINUTES:
        reader.problem(
            "reminders_minutes",
            f"expected minutes from 1 to {MAX_REMINDER_MINUTES}, found {show(minutes)}",
        )
        return None
    return minutes


def _entry(reader: _StateReader, event_id: str, table: object, path: str) -> Entry | None:
    match = _EVENT_ID.fullmatch(event_id)
    if not match or not ID_PATTERN.fullmatch(match.group(1)):
        reader.problem(path, "expected an event id like 'paper-id.oral'")
        return None
    if not isinstance(table, dict):
        reader.problem(path, "expected an object")
        return None
    written = _written_entry(match, table)
    return written if written is not None else _checked_entry(reader, match, table, path)


_ENTRY_KEYS = frozenset(SCHEMA["entry"])
_ENTRY_REQUIRED = frozenset(key for key, required in SCHEMA["entry"].items() if required)
_PAPER_KEYS = frozenset(SCHEMA["paper"])
_PAPER_REQUIRED = frozenset(key for key, required in SCHEMA["paper"].items() if required)
_ENTRY_STATUSES = frozenset((*STATUSES, "removed"))
_TABLES = ("", "papers", "items")


def _written_entry(match: re.Match[str], table: dict[str, Any]) -> Entry | None:
    """The entry ``_checked_entry`` reads from ``table`` when it would find no problem and take
    every value as it is (text without spaces around it), read without a call per value; None
    otherwise, and ``_checked_entry`` reads the entry and says what is wrong.

    Checking each value with its path was most of reading a full programme's state file: every
    entry a build writes is read here (tests/test_state_written.py).
    """
    paper = table.get("paper")
    if not (
        _ENTRY_REQUIRED <= table.keys() <= _ENTRY_KEYS
        and type(paper) is dict
        and _PAPER_REQUIRED <= paper.keys() <= _PAPER_KEYS
    ):
        return None
    sequence, status, content = table["sequence"], table["status"], table["content"]
    start, end = _written_instant(table["start"]), _written_instant(table["end"])
    last_modified = _written_instant(table["last_modified"])
    speakers, authors = table["speakers"], paper["authors"]
    where, conference_venue, label = table.get("where"), table.get("conference_venue"), table.get("label")
    streamed, kept, position = table.get("streamed"), table.get("kept", False), table.get("position", 1)
    if not (
        type(sequence) is int
        and 0 <= sequence <= MAX_SEQUENCE
        and type(status) is str
        and status in _ENTRY_STATUSES
        and type(content) is str
        and _DIGEST.fullmatch(content)
        and start is not None
        and end is not None
        and last_modified is not None
        and start < end
        and type(speakers) is list
        and type(authors) is list
        and ("where" not in table or where is not None)
        and ("conference_venue" not in table or conference_venue)
        and ("label" not in table or label)
        and _written_id(table.get("venue", ""))
        and _written_id(table.get("session_id", ""))
        and _written_id(table.get("room_id", ""))
        and _written_id(paper["category"])
        and (streamed is None or type(streamed) is bool)
        and type(kept) is bool
        and type(position) is int
        and position >= 1
        and paper.get("table", "") in _TABLES
    ):
        return None
    required = (table["session"], paper["title"], *speakers, *authors)
    optional = (table["room"], table["level"], table["board"], table.get("url", ""), paper["subcategory"])
    optional += (paper["url"], *(() if where is None else (where,)))
    optional += () if conference_venue is None else (conference_venue,)
    optional += () if label is None else (label,)
    if not (_written_texts((*required, *optional)) and all(required)):
        return None
    paper_id = match.group(1)
    event = Event(
        paper=paper_id,
        kind=match.group(2),
        number=int(match.group(3) or 1),
        session=table["session"],
        start=start,
        end=end,
        room=table["room"],
        level=table["level"],
        board=table["board"],
        speakers=tuple(speakers),
        status="cancelled" if status == "cancelled" else "confirmed",
        venue=table.get("venue", ""),
        session_id=table.get("session_id", ""),
        room_id=table.get("room_id", ""),
        streamed=streamed,
        stream_url=table.get("url", ""),
        streaming_unknown="streamed" in table and streamed is None,
    )
    return Entry(
        Revision(sequence=sequence, last_modified=last_modified),
        event,
        Paper(
            id=paper_id,
            category=paper["category"],
            title=paper["title"],
            authors=tuple(authors),
            subcategory=paper["subcategory"],
            url=paper["url"],
            table=paper.get("table", ""),
        ),
        content,
        removed=status == "removed",
        venue_known="venue" in table,
        where=where,
        streaming_known="streamed" in table,
        kept=kept,
        position=table.get("position"),
        conference_venue=conference_venue,
        label=label,
    )


def _written_instant(value: object) -> datetime | None:
    """``value`` as ``_StateReader.instant`` reads it, or None when the reader finds a problem."""
    return _utc_instant(value) if type(value) is str else None


@functools.lru_cache(maxsize=4096)
def _utc_instant(text: str) -> datetime | None:
    """``_written_instant`` of a string, made once per text: a programme's slots share a few
    hundred times, and its state file has three for each slot."""
    if not _UTC_STAMP.fullmatch(text):
        return None
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        return None
    return instant if instant.year in _YEARS else None


def _written_texts(values: Sequence[object]) -> bool:
    """Whether the reader takes each value as it is: a string without spaces around it, holding
    nothing ``string_problem`` refuses (a printable one holds nothing it refuses)."""
    return all(
        type(value) is str
        and value == value.strip()
        and (value.isprintable() or string_problem(value, empty=True) is None)
        for value in values
    )


def _written_id(value: object) -> bool:
    """Whether ``_StateReader.optional_identifier`` takes ``value`` as it is: "" or an id."""
    return value == "" or (
        type(value) is str
        and len(value) <= ID_MAX_LENGTH
        and ID_PATTERN.fullmatch(value) is not None
        and value not in WINDOWS_DEVICES
    )


def _checked_entry(
    reader: _StateReader, match: re.Match[str], table: dict[str, Any], path: str
) -> Entry | None:
    """The entry, each value checked and each problem recorded with its path."""
    count = len(reader.problems)
    reader.keys(table, "entry", path)
    sequence = reader.get(table, "sequence", path, int)
    if sequence is not None and not 0 <= sequence <= MAX_SEQUENCE:
        reader.problem(
            f"{path}.sequence",
            f"expected a whole number from 0 to {MAX_SEQUENCE}, found {show(sequence)}",
        )
    status = reader.get(table, "status", path, str)
    if status is not None and status not in (*STATUSES, "removed"):
        reader.problem(
            f"{path}.status", f"expected 'confirmed', 'cancelled' or 'removed', found {show(status)}"
        )
    content = reader.get(table, "content", path, str)
    if content is not None and not _DIGEST.fullmatch(content):
        reader.problem(f"{path}.content", f"expected a SHA-256 digest in hex, found {show(content)}")
    start, end = reader.instant(table, "start", path), reader.instant(table, "end", path)
    if start and end and end <= start:
        reader.problem(f"{path}.end", f"{end:{_STAMP_FORMAT}} is not after the start {start:{_STAMP_FORMAT}}")
    last_modified = reader.instant(table, "last_modified", path)
    paper_table = reader.get(table, "paper", path, dict) or {}
    if "paper" in table:
        reader.keys(paper_table, "paper", f"{path}.paper")
    event = _entry_event(reader, match, table, path, times=(start, end), cancelled=status == "cancelled")
    paper = _entry_paper(reader, match.group(1), paper_table, f"{path}.paper")
    where = reader.optional_text(table, "where", path) if "where" in table else None
    conference_venue = (
        reader.string(table["conference_venue"], f"{path}.conference_venue")
        if "conference_venue" in table
        else None
    )
    label = reader.string(table["label"], f"{path}.label") if "label" in table else None
    if len(reader.problems) > count or sequence is None or last_modified is None or content is None:
        return None
    revision = Revision(sequence=sequence, last_modified=last_modified)
    removed, venue_known = status == "removed", "venue" in table
    return Entry(
        revision,
        event,
        paper,
        content,
        removed=removed,
        venue_known=venue_known,
        where=where,
        streaming_known="streamed" in table,
        kept=reader.get(table, "kept", path, bool) or False,
        position=_position(reader, table, path),
        conference_venue=conference_venue,
        label=label,
    )


def _position(reader: _StateReader, table: Mapping[str, Any], path: str) -> int | None:
    position = reader.get(table, "position", path, int)
    if position is not None and position < 1:
        reader.problem(f"{path}.position", f"expected a whole number from 1, found {show(position)}")
        return None
    return position


def _entry_event(
    reader: _StateReader,
    match: re.Match[str],
    table: Mapping[str, Any],
    path: str,
    *,
    times: tuple[datetime | None, datetime | None],
    cancelled: bool,
) -> Event:
    """The slot as published; ``match``: its event id against ``_EVENT_ID``, ``times`` in UTC."""
    start, end = times
    unknown = "streamed" in table and table["streamed"] is None
    streamed = None if unknown else reader.get(table, "streamed", path, bool)
    return Event(
        paper=match.group(1),
        kind=match.group(2),
        number=int(match.group(3) or 1),
        session=reader.text(table, "session", path),
        start=start or datetime.min,
        end=end or datetime.min,
        room=reader.optional_text(table, "room", path),
        level=reader.optional_text(table, "level", path),
        board=reader.optional_text(table, "board", path),
        speakers=reader.strings(table, "speakers", path),
        status="cancelled" if cancelled else "confirmed",
        venue=reader.optional_identifier(table, "venue", path),
        session_id=reader.optional_identifier(table, "session_id", path),
        room_id=reader.optional_identifier(table, "room_id", path),
        streamed=streamed,
        stream_url=reader.optional_text(table, "url", path),
        streaming_unknown=unknown,
    )


def _entry_paper(reader: _StateReader, paper_id: str, table: Mapping[str, Any], path: str) -> Paper:
    """What the slot's feeds showed of its item (the entry's "paper" object): no abstract, note or links."""
    return Paper(
        id=paper_id,
        category=reader.optional_identifier(table, "category", path),
        title=reader.text(table, "title", path),
        authors=reader.strings(table, "authors", path),
        subcategory=reader.optional_text(table, "subcategory", path),
        url=reader.optional_text(table, "url", path),
        table=_table(reader, table, path),
    )


def _table(reader: _StateReader, table: Mapping[str, Any], path: str) -> str:
    """Where the events file listed the item, "papers" or "items" ("": not recorded)."""
    value = reader.get(table, "table", path, str) or ""
    if value not in ("", "papers", "items"):
        reader.problem(f"{path}.table", f"expected 'papers' or 'items', found {show(value)}")
        return ""
    return value
