"""Releases: each build that changed what subscribers see, with the changes ``diff`` reported.

Kept in the state file (``releases``, written and read by ``state.py``), oldest first, so the
history survives rebuilds and is reviewed in git with the feeds. A first build (nothing published
yet) and a build that changes nothing record none. A second build with the same stamp adds its
changes to that stamp's release.

Each change keeps the name its event had when the release was published (``Names``), so a
release, once read, keeps its words when a session, a kind or an item is renamed later.

Pure: the changelog page and feed (``changes.py``) and the notices at the top of a changed
event's DESCRIPTION are made from these values, never from the clock.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Literal

from confcal import zones
from confcal.model import SESSION_KIND, Event, Programme

ChangeKind = Literal["added", "removed", "moved", "re-roomed", "renamed", "cancelled", "restored", "updated"]
CHANGE_KINDS: tuple[ChangeKind, ...] = (
    "added",
    "removed",
    "cancelled",
    "restored",
    "moved",
    "re-roomed",
    "renamed",
    "updated",
)
"""Every kind of change, in the order an event's lines are listed."""

Span = tuple[datetime, datetime]
"""An event's start and end, in UTC."""

NO_PLACE = "no place"


@dataclass(frozen=True)
class Change:
    """One line of ``confcal diff``, and one line of a release.

    ``old`` and ``new`` are what ``diff`` prints: local times (moved), places (re-roomed),
    titles (renamed). ``was`` and ``now`` are the event's times before and after, where the
    change has them: ``was`` for removed, cancelled and moved; ``now`` for added, restored and
    moved. They are not printed by ``diff``; the changelog phrases its lines with them.
    ``name`` is the event as the changelog named it when the change was released (``Names``);
    ``place``, where it was as released, when another event of its release shares its name and its
    start (``releases.alike``): the changelog tells them apart by it. ``venues``, the conference's
    venue before and after, for an event re-roomed by a move of the conference alone (at the same
    place there): the changelog tells all those of a release in one line (``changes.lines``).
    """

    kind: ChangeKind
    id: str
    title: str
    old: str = ""
    new: str = ""
    was: Span | None = None
    now: Span | None = None
    name: str = ""
    place: str = ""
    venues: tuple[str, str] | None = None

    def __str__(self) -> str:
        line = f'{self.kind}: {self.id} "{self.title}"'
        if self.kind == "renamed":
            return f'{self.kind}: {self.id} "{self.old}" → "{self.new}"'
        return f"{line}: {self.old} → {self.new}" if self.old or self.new else line

    def as_json(self) -> dict[str, str]:
        return {"change": self.kind, "id": self.id, "title": self.title, "old": self.old, "new": self.new}


def change_order(change: Change) -> tuple[str, int]:
    """By event id, then in the order of CHANGE_KINDS."""
    return (change.id, CHANGE_KINDS.index(change.kind))


@dataclass(frozen=True)
class Release:
    """What one build changed for subscribers; ``stamp`` is the build's (publish.updated)."""

    stamp: datetime
    changes: tuple[Change, ...]

    @property
    def anchor(self) -> str:
        """The release's id on changes.html, e.g. ``release-20231213T070000Z``."""
        return f"release-{self.stamp.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def record(
    releases: Sequence[Release], changes: Sequence[Change], *, stamp: datetime, first_build: bool
) -> tuple[Release, ...]:
    """``releases`` with this build's changes recorded, sorted by stamp. A change the release of
    ``stamp`` already holds (a build again under the same stamp) stays one line, worded as this
    build names its event: the release of a stamp says what the last build under it published
    (a kind relabelled under the same stamp renames the line, as it renames the SUMMARY)."""
    if first_build or not changes:
        return tuple(releases)
    by_stamp = {release.stamp: release.changes for release in releases}
    merged: dict[Change, Change] = {}
    for change in (*by_stamp.get(stamp, ()), *changes):
        merged[_unnamed(change)] = change  # a change seen again keeps its place, takes the new name
    by_stamp[stamp] = tuple(sorted(merged.values(), key=change_order))
    return tuple(Release(key, by_stamp[key]) for key in sorted(by_stamp))


def _unnamed(change: Change) -> Change:
    """``change`` without its name and place: the same change, however the changelog words its event."""
    return dataclasses.replace(change, name="", place="")


class Names:
    """Each event as the calendar names it (``render.summary`` without its "Cancelled: "), from
    ``slots``: every event the state file records, by id (the removed ones as last published);
    ``programme`` gives the kinds' labels. A slot whose name another slot of its item shares
    (two parts of a talk in one session) gets its part."""

    def __init__(self, programme: Programme, slots: Mapping[str, Event]) -> None:
        self.programme = programme
        self.prefixes = {event_id: self._prefix(event) for event_id, event in slots.items()}
        shared = Counter((slot.paper, self.prefixes[event_id]) for event_id, slot in slots.items())
        self.parts = {
            event_id: slot.number
            for event_id, slot in slots.items()
            if shared[slot.paper, self.prefixes[event_id]] > 1
        }

    def _prefix(self, event: Event) -> str:
        if event.kind == SESSION_KIND:
            return ""
        if event.kind == "talk":
            return event.session
        if event.published_label is not None:  # a kept cancellation (``render.kind_label``)
            return event.published_label
        return self.programme.kind_label(event.kind)

    def __call__(self, change: Change) -> str:
        """The event of ``change`` as its SUMMARY names it, with the title ``change`` holds."""
        if change.id in self.prefixes:
            prefix = self.prefixes[change.id]
        else:  # not in the state file's record: its kind, from its id ('tutorial.talk-2' is a talk)
            prefix = self.programme.kind_label(re.sub(r"-[0-9]+$", "", change.id.rpartition(".")[2]))
        name = f"{prefix}: {change.title}" if prefix else change.title
        return f"{name} (part {self.parts[change.id]})" if change.id in self.parts else name

    def named(self, changes: Iterable[Change]) -> tuple[Change, ...]:
        """``changes``, each named as it is now unless it already has a name."""
        return tuple(
            change if change.name else dataclasses.replace(change, name=self(change)) for change in changes
        )


def notices(releases: Iterable[Release], timezone: str) -> dict[str, str]:
    """Event id → the line that starts its DESCRIPTION, for events whose latest release that
    touched their time, place, title or status moved, re-roomed, renamed or cancelled them."""
    latest: dict[str, tuple[Release, list[Change]]] = {}
    for release in releases:
        touched: dict[str, list[Change]] = {}
        for change in release.changes:
            if change.kind != "updated":
                touched.setdefault(change.id, []).append(change)
        for event_id, changes in touched.items():
            latest[event_id] = (release, changes)
    zone = zones.zone(timezone)
    found = {event_id: _notice(release, changes, zone) for event_id, (release, changes) in latest.items()}
    return {event_id: text for event_id, text in found.items() if text}


def _notice(release: Release, changes: list[Change], zone: tzinfo) -> str:
    first = {change.kind: change for change in reversed(changes)}
    if "added" in first or "restored" in first or "removed" in first:
        return ""
    sentences = []
    if "cancelled" in first:
        sentences.append(f"Cancelled on {release.stamp.astimezone(zone):%a %-d %b %Y}.")
    moved, re_roomed, renamed = first.get("moved"), first.get("re-roomed"), first.get("renamed")
    place = "" if re_roomed is None else _place(re_roomed.old)
    if moved is not None:
        when = zones.span(*moved.was, zone) if moved.was else moved.old
        sentences.append(f"Moved: was {when}{', ' + place if place else ''}.")
    elif re_roomed is not None:
        sentences.append(f"Place changed: was {place or 'not announced'}.")
    if renamed is not None:
        sentences.append(f"Renamed: was “{renamed.old}”.")
    return " ".join(sentences)


def _place(value: str) -> str:
    return "" if value == NO_PLACE else value


def venue_moves(release: Release) -> dict[tuple[str, str], int]:
    """The moves of the conference's venue ``release`` tells in one line each, venue before and
    after: those that took more than one event along (``Change.venues``); how many events each."""
    moves = Counter(change.venues for change in release.changes if change.venues is not None)
    return {venues: count for venues, count in moves.items() if count > 1}


def alike(programme: Programme, release: Release) -> frozenset[str]:
    """The ids of the events of ``release`` that another event of it shares both its name and its
    start (as ``changes.lines`` shows it) with: two rooms' coffee breaks, which ``lines`` tells apart by
    their places (``revisions`` records them)."""
    zone = zones.zone(programme.conference.timezone)
    starts = {event.id: event.start for event in programme.events}
    moves = venue_moves(release)
    events: dict[tuple[str, str], set[str]] = {}
    for change in release.changes:
        if change.venues in moves:  # told in one line with the others (``changes.lines``)
            continue
        events.setdefault((change.name, shown_start(change, starts, zone)), set()).add(change.id)
    return frozenset(event_id for ids in events.values() if len(ids) > 1 for event_id in ids)


def shown_start(change: Change, starts: Mapping[str, datetime], zone: tzinfo) -> str:
    """The event's start in the conference's zone, 'Sat 3 Oct, 10:00': when the change was
    released (its ``now``, or its ``was``), else where the programme has it now (a change
    recorded before confcal kept its time); "" when neither says."""
    span = change.now or change.was
    start = span[0] if span else starts.get(change.id)
    return "" if start is None else f"{start.astimezone(zone):%a %-d %b, %H:%M}"
