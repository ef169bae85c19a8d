"""What changed since the last published build: SEQUENCE, LAST-MODIFIED and cancellations.

Pure: the previous state + the programme → each event's revision, the new state and the
list of changes. ``build`` reads the state from ``output/confcal-state.json`` (``state.py``)
and writes the new one after the feeds, so the committed ``output/`` is the published state.

A slot is one event id (``<paper>.<kind>``, ``-2``... for an item's further slots of a kind,
which keep their numbers when one before them is deleted or inserted: ``follow_parts``). When
its start, end, place (what its LOCATION names: room, level, board, the room's building,
or its off-site venue by name and address: ``render.where``; and the conference's own venue
after a place at it: ``_venue_moved``), name (its title after its kind's label, or after its
session's name for a talk, as its SUMMARY has it: ``_prefix``) or status differs from the last
build (``_differences``), SEQUENCE goes up by one and LAST-MODIFIED (and
DTSTAMP) become the build's stamp (``publish.updated`` or SOURCE_DATE_EPOCH). When only other
text changed (abstract, authors, links...), LAST-MODIFIED moves to the stamp and SEQUENCE stays.
An unchanged slot keeps both, so its bytes stay the same.

"Other text" is whatever the event's bytes hold besides its revision: the state file keeps a
digest of each event's body (``render.content_digest``), rendered once and completed with its
revision for the feeds, so no field the renderer reads can change without moving LAST-MODIFIED.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from confcal import zones
from confcal.errors import EventsFileError, Problem
from confcal.feeds import ITEMS_FOLDER, PAPERS_FOLDER, published_sessions
from confcal.load.locate import line_in_file
from confcal.model import KIND_LABELS, SESSION_KIND, Event, Paper, Programme, Revision, event_sort_key
from confcal.releases import NO_PLACE, Change, Names, Release, Span, alike, change_order, notices, record
from confcal.render import (
    RenderCacheEntry,
    content_digest,
    event_keys,
    finish,
    kind_label,
    own_venue,
    render_bodies,
    streamed,
    where,
)
from confcal.state import (
    CONTENT_SCHEME,
    MAX_SEQUENCE,
    STATE_FILE,
    Entry,
    State,
    StateFile,
    sequence_limit_error,
)


@dataclass(frozen=True)
class Revised:
    """The programme to publish (with kept cancelled slots), each event's revision, the new state."""

    programme: Programme
    revisions: Mapping[str, Revision]
    state: State
    changes: tuple[Change, ...]
    stale_stamp: bool
    """Something changed, but the stamp is not later than one already published (a LAST-MODIFIED
    or a release): importers and changes.atom readers could miss the change (``confcal build``
    refuses to publish it)."""
    releases: tuple[Release, ...] = ()
    """The published releases, with this build's if it changes anything (``releases.record``)."""
    blocks: Mapping[str, bytes] = dataclasses.field(default_factory=dict)
    """Each event's VEVENT, by event id: its body (``render.render_bodies``), rendered once for
    its digest, completed with its revision (``render.finish``)."""
    keys: Mapping[str, str] = dataclasses.field(default_factory=dict)
    """Each event's render cache key (``render.event_keys``), by event id, when a cache was used."""
    warnings: tuple[str, ...] = ()
    """Slots that may have taken another slot's UID (``follow_parts``); kept cancellations a
    build without keep_cancelled removes."""
    latest_stamp: datetime | None = None
    """The latest stamp already published (a LAST-MODIFIED or a release's); None on a first build."""


def revise(
    programme: Programme,
    previous: State,
    *,
    releases: Sequence[Release] = (),
    state_name: str = STATE_FILE,
    content_scheme: int = CONTENT_SCHEME,
    venue: str | None = None,
    labels: Mapping[str, str] | None = None,
    cache: MutableMapping[str, RenderCacheEntry] | None = None,
) -> Revised:
    """Compare ``programme`` with the ``previous`` published state and its ``releases`` (read
    from ``state_name``, whose digests were made as ``content_scheme`` says). ``venue``: the
    conference's own venue as the previous build's LOCATIONs named it (``StateFile.venue``), but
    where an entry records its own (``Entry.conference_venue``); None when not recorded, and
    then a new one is other text (no SEQUENCE moves on the first build that records it).
    ``labels``: each kind's label as the previous build's SUMMARYs named it (``StateFile.labels``);
    None when not recorded, and then the labels of now (no SEQUENCE moves on the first build that
    records them).

    Renders each event's body (``render.render_bodies``, with ``cache``) for its digest.
    Raises StateFileError when a change would raise a SEQUENCE past MAX_SEQUENCE.
    """
    stamp = programme.conference.updated
    followed = published_programme(programme, previous, venue=venue, labels=labels)
    published, positions = followed.programme, followed.positions
    keys = event_keys(published) if cache is not None else {}
    bodies = render_bodies(published, cache=cache, keys=keys)
    revisions: dict[str, Revision] = {}
    state: dict[str, Entry] = {}
    changes: list[Change] = []
    in_file = {event.id for event in (*published.events, *published.session_events)} - followed.kept
    for event in (*published.events, *published.session_events):
        paper = published.paper(event.paper)
        content = content_digest(bodies[event.id])
        entry = previous.get(event.id)
        place = where(published, event)
        as_published = _as_published(published, event)
        if entry is not None and event.id not in in_file:
            # Kept as cancelled: the slot as published, so its place did not move, even where
            # the state file did not record it and its venue or room can no longer be named;
            # and its room's id as recorded, declared still or not, to know it by if put back.
            entry = dataclasses.replace(entry, venue_known=False, where=None)
            as_published = dataclasses.replace(as_published, room_id=entry.event.room_id)
        rewritten = entry is not None and not _same_content(
            entry, content, published, event, paper, legacy=content_scheme != CONTENT_SCHEME
        )
        venues = _venues(entry, venue, own_venue(published, event))
        label = kind_label(published, event)
        label_was = None if entry is None else _published_label(entry, labels)
        before = _Compared(place, venues, label if label_was is None else label_was, label)
        differences = (
            None if entry is None or entry.removed else _differences(entry, as_published, paper, before)
        )
        # A slot new or changed significantly has changes to tell (``_changes``); any other, none.
        news = differences is None or bool(differences)
        if entry is None:
            revision = Revision(0, stamp)
        elif news:
            if entry.revision.sequence >= MAX_SEQUENCE:
                raise sequence_limit_error(event.id, name=state_name)
            revision = Revision(entry.revision.sequence + 1, stamp)
        elif rewritten:
            revision = Revision(entry.revision.sequence, stamp)
        else:
            revision = entry.revision
        revisions[event.id] = revision
        state[event.id] = Entry(
            revision=revision,
            event=as_published,
            paper=_slim(paper),
            content=content,
            where=place,
            kept=event.id not in in_file,
            position=positions.get(event.id),
            conference_venue=_recorded_venue(published, event),
            label=_recorded_label(published, event),
        )
        if news:
            changes.extend(_changes(published, entry, as_published, paper, before, differences))
        elif rewritten:
            changes.append(Change("updated", event.id, paper.title, now=_span(as_published)))
    unkept = 0  # kept cancellations this build removes: a build without keep_cancelled
    for event_id, entry in previous.items():
        if event_id not in state:
            state[event_id] = dataclasses.replace(entry, removed=True)
            if not entry.removed:
                changes.append(Change("removed", event_id, entry.paper.title, was=_span(entry.event)))
                unkept += entry.kept
    announced = _told_once(sorted(_announced(published, changes), key=change_order))
    # Named from the slots of their items alone: all a slot's name depends on ("(part 2)").
    items = {state[change.id].event.paper for change in announced}
    of_items = {event_id: entry.event for event_id, entry in state.items() if entry.event.paper in items}
    sorted_changes = Names(published, of_items).named(announced)
    if any(not change.name for release in releases for change in release.changes):
        # From a state file written before names were recorded, and not named from the changelog
        # published with it (build.py): as the state file recorded its events, with today's labels.
        as_shown = Names(published, _slots(previous))
        releases = [Release(release.stamp, as_shown.named(release.changes)) for release in releases]
    # A change under a stamp already published keeps LAST-MODIFIED where importers saw it, or
    # joins a release changes.atom already announced under that id and time.
    published_stamps = (
        *(entry.revision.last_modified for entry in previous.values()),
        *(release.stamp for release in releases),
    )
    latest_stamp = max(published_stamps, default=None)
    stale_stamp = bool(sorted_changes) and latest_stamp is not None and stamp <= latest_stamp
    recorded = _one_line_each(record(releases, sorted_changes, stamp=stamp, first_build=not previous), stamp)
    recorded = _placed(recorded, stamp, published, state)
    notes = notices(recorded, published.conference.timezone)
    noted = {
        event_id: dataclasses.replace(revision, notice=notes[event_id]) if event_id in notes else revision
        for event_id, revision in revisions.items()
    }
    blocks = {
        event.id: finish(published, event, bodies.pop(event.id), noted[event.id])
        for event in (*published.events, *published.session_events)
    }
    return Revised(
        programme=published,
        revisions=noted,
        state=dict(sorted(state.items())),
        changes=sorted_changes,
        stale_stamp=stale_stamp,
        releases=recorded,
        blocks=blocks,
        keys=keys,
        warnings=(*followed.warnings, *_unkept_warning(unkept)),
        latest_stamp=latest_stamp,
    )


def _unkept_warning(unkept: int) -> tuple[str, ...]:
    """A build without keep_cancelled after one with it removes the events that one kept as
    cancelled from subscribers' calendars: said, in case the option was forgotten."""
    if not unkept:
        return ()
    events, are, them = ("1 event", "is", "it") if unkept == 1 else (f"{unkept} events", "are", "them")
    return (
        f"warning: {events} an earlier build kept as cancelled (--keep-cancelled or "
        f"publish.keep_cancelled) {are} removed from the feeds by this one, and so from subscribers' "
        f"calendars; to keep {them} cancelled, build with --keep-cancelled or set publish.keep_cancelled",
    )


_OUTRANKED_BY_CANCELLED = frozenset(("moved", "re-roomed", "renamed", "updated"))


def _told_once(changes: Sequence[Change]) -> tuple[Change, ...]:
    """``changes`` telling each event once where one change says it all: a cancellation alone
    (where a cancelled event moved to, or is now called, is noise), and details updated only when
    nothing bigger happened to the event (one build's edit of its text, a later one's rename under
    the same ``publish.updated``: ``_one_line_each``). What ``confcal diff`` lists and a release
    records."""
    told: dict[str, set[str]] = {}
    for change in changes:
        told.setdefault(change.id, set()).add(change.kind)

    def kept(change: Change) -> bool:
        kinds = told[change.id]
        if "cancelled" in kinds and "restored" not in kinds and change.kind in _OUTRANKED_BY_CANCELLED:
            return False
        return change.kind != "updated" or kinds <= {"updated"}

    return tuple(filter(kept, changes))


def _one_line_each(releases: Sequence[Release], stamp: datetime) -> tuple[Release, ...]:
    """``releases`` with the release of ``stamp`` told once (``_told_once``): this build's changes
    are, but that release also holds those of earlier builds under the same stamp (``record``)."""
    return tuple(
        Release(release.stamp, _told_once(release.changes)) if release.stamp == stamp else release
        for release in releases
    )


def _placed(
    releases: Sequence[Release], stamp: datetime, programme: Programme, state: State
) -> tuple[Release, ...]:
    """``releases`` with the release of ``stamp`` giving the place of each event another event of
    it shares its name and its start with (``releases.alike``), and of no other: where this build
    publishes it, or last published it (a removed one), as its LOCATION names it but for the
    conference's own venue (``Entry.where``)."""

    def placed(release: Release) -> Release:
        places = {event_id: _where(state.get(event_id)) for event_id in alike(programme, release)}
        changes = (dataclasses.replace(change, place=places.get(change.id, "")) for change in release.changes)
        return Release(release.stamp, tuple(changes))

    return tuple(placed(release) if release.stamp == stamp else release for release in releases)


def _where(entry: Entry | None) -> str:
    return "" if entry is None or entry.where is None else entry.where


def _venues(entry: Entry | None, venue: str | None, now: str) -> tuple[str, str] | None:
    """The conference's own venue as ``entry`` was published at it (its own record, else the state
    file's ``venue``) and ``now``, when they differ; None when they do not or it was not recorded."""
    was = venue if entry is None or entry.conference_venue is None else entry.conference_venue
    return None if was in (None, now) else (was, now)


def _recorded_venue(programme: Programme, event: Event) -> str | None:
    """What the state file records of the conference's venue the slot names (``render.own_venue``):
    nothing when it is the one the file records for all (``StateFile.venue``, the conference's)."""
    venue = own_venue(programme, event)
    return None if venue == programme.conference.venue else venue


def _published_label(entry: Entry, labels: Mapping[str, str] | None) -> str | None:
    """The label of its kind ``entry``'s slot was published with: its own record, else the state
    file's ``labels``; None when neither recorded it."""
    if entry.label is not None:
        return entry.label
    return None if labels is None else labels.get(entry.event.kind)


def _recorded_label(programme: Programme, event: Event) -> str | None:
    """What the state file records of the label the slot is named with (``render.kind_label``):
    nothing when it is the one the file records for its kind (``StateFile.labels``, the kind's)."""
    if event.published_label is None or event.published_label == programme.kind(event.kind).label:
        return None
    return event.published_label


def _slots(state: State) -> dict[str, Event]:
    return {event_id: entry.event for event_id, entry in state.items()}


def revise_published(
    programme: Programme,
    previous: StateFile | None,
    *,
    events: Path | None = None,
    state_name: str = STATE_FILE,
    cache: MutableMapping[str, RenderCacheEntry] | None = None,
) -> Revised:
    """``revise`` against a state file (``state.read_state``; None: a first build). Raises
    EventsFileError when the file was written for another conference id (``same_conference``,
    naming ``events``, the file ``programme`` was read from)."""
    same_conference(programme, previous, events=events, state_name=state_name)
    if previous is None:
        return revise(programme, {}, state_name=state_name, cache=cache)
    return revise(
        programme,
        _with_tables(previous),
        releases=previous.releases,
        state_name=state_name,
        content_scheme=previous.content_scheme,
        venue=previous.venue,
        labels=previous.labels,
        cache=cache,
    )


def same_conference(
    programme: Programme, previous: StateFile | None, *, events: Path | None, state_name: str
) -> None:
    """Raise EventsFileError at ``conference.id`` of ``events`` (the file ``programme`` was read
    from; None: a programme read from no file) when ``previous``, the state file ``state_name``,
    was written for another conference id: its events are not this programme's, and publishing
    over them would change every UID."""
    if previous is None or previous.conference in (None, programme.conference.id):
        return
    published, now = previous.conference, programme.conference.id
    message = (
        f"{now!r}, but the feeds in {Path(state_name).parent} were published for the conference id "
        f"{published!r} (as {state_name} records): every UID would change, so calendars that imported "
        f"the feeds would show each event twice; set conference.id back to {published!r}, or build "
        "into another folder to publish a new conference"
    )
    name, line = ("", None) if events is None else (str(events), line_in_file(events, "conference.id"))
    raise EventsFileError([Problem(name, "conference.id", message, line)])


def _with_tables(previous: StateFile) -> State:
    """The entries, each item's table (``Paper.table``) taken from where its calendar was
    published when the state file did not record it, so a kept cancellation stays at its address."""
    published = set(previous.published or ())
    state = dict(previous.events)
    for event_id, entry in previous.events.items():
        if entry.paper.table:
            continue
        for folder, table in ((ITEMS_FOLDER, "items"), (PAPERS_FOLDER, "papers")):
            if f"{folder}/{entry.paper.id}.ics" in published:
                paper = dataclasses.replace(entry.paper, table=table)
                state[event_id] = dataclasses.replace(entry, paper=paper)
                break
    return state


def _announced(programme: Programme, changes: list[Change]) -> list[Change]:
    """The changes a subscriber can receive: a session's own event is in feeds of sessions only,
    so without one its span growing with an item's move is no news (the item's own change is).
    A session removed is told while some feed publishes sessions."""
    sessions = published_sessions(programme)
    of_sessions = any(spec.sessions for spec in programme.declared_feeds)
    return [
        change
        for change in changes
        if change.id.rpartition(".")[2] != SESSION_KIND
        or change.id in sessions
        or (change.kind == "removed" and of_sessions)
    ]


def _same_content(
    entry: Entry, content: str, programme: Programme, event: Event, paper: Paper, *, legacy: bool
) -> bool:
    """Whether the event's text is what ``entry`` published. A digest of the older scheme is
    compared with that scheme's digest of the event, so upgrading confcal moves no LAST-MODIFIED."""
    if entry.removed:
        return False
    if legacy:
        return entry.content == legacy_content(programme, event, paper)
    return entry.content == content


@dataclass(frozen=True)
class Followed:
    """``follow_parts``: the programme with its slots renumbered, each renumbered slot's place in
    its array by its new event id, and a warning for each item whose slots could not all be told."""

    programme: Programme
    positions: Mapping[str, int]
    warnings: tuple[str, ...] = ()
    kept: frozenset[str] = frozenset()
    """The event ids of the slots kept as cancelled (``published_programme``)."""


def follow_parts(programme: Programme, previous: State) -> Followed:
    """The programme with each slot under the number (``Event.number``, so its event id and UID)
    of the published slot it is, for every item and kind the state file has slots of.

    The loader numbers an item's slots of a kind by their place in the file; the state file
    records, for each number ever published, its time and place, its place in the array
    (``Entry.position``) and whether it is live, kept as cancelled or removed. One rule, in three
    steps (``_numbered``):

    1. A slot at the very time and place of a published one takes its number: a live one first
       (confirmed, then cancelled), then one kept as cancelled or removed (put back: restored).
       The place is first the LOCATION as named (``_same_location``), then, for slots still
       unmatched, the declared room by id (``_same_room``: a room renamed since).
    2. A slot left takes the number of a live slot published as confirmed and left unmatched, at
       the same place in the array (the slot edited where it stands: moved). An item's one slot
       of a kind, when the item never had another of it, is that slot wherever it is, cancelled
       or removed before or not: an oral cancelled and brought back at another time is the oral
       (restored and moved), not a new event beside the cancelled one. That case is the shortcut
       at the top of the loop below (the item's only slot of a kind, as ever), before ``_numbered``.
    3. A slot left takes a new number, above every number the item's slots of the kind ever had.

    So reordering changes nothing, deleting a slot cancels (or removes) that one, and a cancelled
    number of an item with several slots of a kind is given again only to a slot at its time and
    place. Two things are warned of: a slot that took a number by its place in the array while the
    count of slots changed (a slot deleted or inserted and another moved: which is which cannot be
    told), and a new number given while a published slot went (it may be that one, moved).
    """
    published: dict[tuple[str, str], list[Entry]] = {}
    for entry in previous.values():
        published.setdefault((entry.event.paper, entry.event.kind), []).append(entry)
    slots: dict[tuple[str, str], list[Event]] = {}
    for event in programme.events:
        if (event.paper, event.kind) in published:
            slots.setdefault((event.paper, event.kind), []).append(event)
    renumbered: dict[str, Event] = {}  # by the id the loader gave
    positions: dict[str, int] = {}
    warnings: list[str] = []
    for key, of_kind in slots.items():
        ever = published[key]
        if len(of_kind) == 1 == len(ever) and of_kind[0].number == 1 == ever[0].event.number:
            continue  # step 2's only slot of a kind, as ever: the same event wherever it is (most items)
        in_order = sorted(of_kind, key=lambda event: event.number)
        numbered = _numbered(programme, in_order, ever)
        ids = []
        for event, number in zip(in_order, numbered.numbers, strict=True):
            ids.append(dataclasses.replace(event, number=number).id)
            if number != event.number:
                moved = dataclasses.replace(event, number=number)
                renumbered[event.id] = moved
                positions[moved.id] = event.number
        live = sum(1 for entry in ever if _live(entry))
        if numbered.guessed and live != len(in_order):
            guessed = [ids[index] for index in numbered.guessed]
            warnings.append(_guessed_warning(programme, key, guessed, len(in_order) - live))
        if numbered.new and numbered.dropped:
            new = [ids[index] for index in numbered.new]
            keep = programme.conference.keep_cancelled
            warnings.append(_new_warning(key, new, numbered.dropped, keep=keep))
    if not renumbered:
        return Followed(programme, {}, tuple(warnings))
    followed = (renumbered.get(event.id, event) for event in programme.events)
    events = tuple(sorted(followed, key=event_sort_key))
    return Followed(dataclasses.replace(programme, events=events), positions, tuple(warnings))


def published_programme(
    programme: Programme,
    previous: State,
    *,
    venue: str | None = None,
    labels: Mapping[str, str] | None = None,
) -> Followed:
    """What the feeds publish of ``programme`` after ``previous``: its slots under their published
    numbers (``follow_parts``), with the slots it dropped kept as cancelled when the conference
    keeps them (``with_kept_cancellations``, ``venue`` and ``labels`` as the state file recorded them);
    positions and warnings as ``follow_parts`` gives them. The one step ``revise`` (build, diff,
    serve, export) and ``confcal agenda`` take."""
    followed = follow_parts(programme, previous)
    if not programme.conference.keep_cancelled:
        return followed
    published = with_kept_cancellations(followed.programme, previous, venue=venue, labels=labels)
    kept = {event.id for event in published.events} - {event.id for event in followed.programme.events}
    return dataclasses.replace(followed, programme=published, kept=frozenset(kept))


def _guessed_warning(programme: Programme, key: tuple[str, str], ids: list[str], more: int) -> str:
    """A warning that ``ids`` kept published UIDs by their place in the array alone, when the item
    ``key`` (its id and kind) has ``more`` slots of that kind than it published (fewer when negative)."""
    paper, kind = key
    label = programme.kind_label(kind).lower()
    count = f"{abs(more)} {label} slot{'s' if abs(more) > 1 else ''} {'more' if more > 0 else 'fewer'}"
    named = " and ".join(ids)
    return (
        f"warning: {paper} has {count} than published, and {named} "
        f"{'are' if len(ids) > 1 else 'is'} at no published slot's time and place, so kept "
        f"{'their UIDs' if len(ids) > 1 else 'its UID'} by order in the file: if that is another "
        "slot's, its subscribers see that slot moved; add or delete slots in a build of their own, "
        "without moving the others, so that each slot keeps its UID"
    )


def _new_warning(key: tuple[str, str], new: list[str], dropped: list[str], *, keep: bool) -> str:
    """A warning that ``new`` slots of the item ``key`` got new UIDs in the build that ``dropped``
    published ones: if one of those moved, its subscribers see it go and a new event come."""
    paper, _ = key
    gone = "cancelled" if keep else "removed"
    plural = len(new) > 1
    return (
        f"warning: {paper}: {' and '.join(new)} {'are' if plural else 'is'} at no published slot's "
        f"time and place nor in the place in the file of one published, so "
        f"{'they are new events' if plural else 'it is a new event'}, and {' and '.join(dropped)} "
        f"{'are' if len(dropped) > 1 else 'is'} {gone}: if {'one of them' if len(dropped) > 1 else 'it'} "
        f"moved there instead, edit {'its' if len(dropped) == 1 else 'that'} slot where it stands in "
        "the file (at its place among the others), in a build of its own"
    )


@dataclass(frozen=True)
class _Numbers:
    numbers: list[int]
    """Each slot's number, in file order."""
    guessed: list[int]
    """The indices of the slots that took a published number by their place in the array alone."""
    new: list[int]
    """The indices of the slots that took a number never published."""
    dropped: list[str]
    """The published event ids of the live, confirmed slots no slot took."""


def _live(entry: Entry) -> bool:
    return not (entry.removed or entry.kept)


def _exact_rank(entry: Entry) -> tuple[int, int]:
    """Which of several published slots at one time and place a slot is: a live one before one kept
    as cancelled or removed, a confirmed one before a cancelled one; then the lowest number."""
    live, confirmed = _live(entry), entry.event.status != "cancelled"
    return (0 if live and confirmed else 1 if live else 2 if not entry.removed else 3, entry.event.number)


def _numbered(programme: Programme, slots: list[Event], published: list[Entry]) -> _Numbers:
    """The numbers of an item's ``slots`` of a kind (in file order, each numbered by the loader by
    its place in the array) after the ``published`` slots of that item and kind (every entry of
    the state file: live, kept as cancelled and removed), by the rule of ``follow_parts``."""
    free = sorted(published, key=_exact_rank)
    numbers: dict[int, int] = {}
    places = [where(programme, slot) for slot in slots]
    for by_room in (False, True):  # by LOCATION first, then by declared room (``follow_parts``)
        for index, slot in enumerate(slots):
            if index in numbers:
                continue
            same = next(
                (
                    entry
                    for entry in free
                    if (_same_room(entry, slot) if by_room else _same_location(entry, slot, places[index]))
                ),
                None,
            )
            if same is not None:
                numbers[index] = same.event.number
                free.remove(same)
    # Published as cancelled (kept, or cancelled in the events file, or in a state file written
    # before ``kept`` was recorded): given again only at its own time and place, above.
    movable = [entry for entry in free if _live(entry) and entry.event.status != "cancelled"]
    by_place = {entry.position or entry.event.number: entry for entry in movable}
    guessed: list[int] = []
    for index, slot in enumerate(slots):
        entry = by_place.pop(slot.number, None) if index not in numbers else None
        if entry is not None:
            numbers[index] = entry.event.number
            guessed.append(index)
    fresh = max(entry.event.number for entry in published)
    new: list[int] = []
    for index in range(len(slots)):
        if index not in numbers:
            fresh += 1
            numbers[index] = fresh
            new.append(index)
    taken = set(numbers.values())
    dropped = [entry.event.id for entry in movable if entry.event.number not in taken]
    return _Numbers([numbers[index] for index in range(len(slots))], guessed, new, sorted(dropped))


def _same_time(entry: Entry, event: Event) -> bool:
    return (entry.event.start, entry.event.end) == (event.start.astimezone(UTC), event.end.astimezone(UTC))


def _same_location(entry: Entry, event: Event, place: str) -> bool:
    """Whether ``event`` is at the time ``entry`` published and at the place its LOCATION named
    (``place``: the slot's ``render.where``): what subscribers hold reads the same, whatever the
    rooms' ids (a room declared again under another id, two rooms' ids swapped)."""
    return _same_time(entry, event) and not _moved_place(entry, event, place)


def _same_room(entry: Entry, event: Event) -> bool:
    """Whether ``event`` is at the time ``entry`` published in the same declared room (by id, with
    the board and venue), for a slot no published one matched by its LOCATION: a room renamed
    since is the same room, though the slot is then re-roomed (``_moved_place``). False where
    either names no declared room (a room given as text, a state file from before room ids)."""
    old = entry.event
    same_room = bool(old.room_id and event.room_id) and (old.room_id, old.board, old.venue) == (
        event.room_id,
        event.board,
        event.venue,
    )
    return same_room and _same_time(entry, event)


def with_kept_cancellations(
    programme: Programme,
    previous: State,
    *,
    venue: str | None = None,
    labels: Mapping[str, str] | None = None,
) -> Programme:
    """The programme plus, as cancelled events, the published slots the events file dropped: each
    at its last time and place, as its LOCATION named it (``Entry.where``; worked out from its room
    and venue again when the state file did not record it) with the conference's venue it named
    (``Entry.conference_venue``, else ``venue``: the state file's; the conference's when neither
    was recorded), named with its kind's label as it was (``Entry.label``, else the state file's
    ``labels``; the kind's label now when neither was recorded), and streamed or joined as it was
    (``Event.streaming_unknown`` when the state file did not record that).

    A slot whose paper's category was removed too stays in all.ics and its paper's own feed, as
    an item without a category (the category's feed is gone). A slot whose kind is no longer
    declared is dropped: nothing says how to name it.
    """
    present = {event.id for event in programme.events}
    papers = {paper.id: paper for paper in programme.papers}
    categories = {category.id for category in programme.categories}
    kinds = {kind.id for kind in programme.kinds}
    venues = {venue.id for venue in programme.venues}
    rooms = {room.id for room in programme.rooms}
    zone = zones.zone(programme.conference.timezone)
    kept_events: list[Event] = []
    kept_papers: dict[str, Paper] = {}
    for event_id, entry in sorted(previous.items()):
        if event_id in present or entry.removed:
            continue
        paper = papers.get(entry.paper.id) or kept_papers.get(entry.paper.id) or entry.paper
        if paper.category and paper.category not in categories:
            paper = dataclasses.replace(paper, category="", subcategory="")
        if entry.event.kind not in kinds:
            continue  # a session's own event (its items are kept), or a kind no longer declared
        if paper.id not in papers:
            kept_papers[paper.id] = paper
        off_site = entry.event.venue if entry.event.venue in venues else ""
        room_id = entry.event.room_id if entry.event.room_id in rooms else ""
        kept_events.append(
            dataclasses.replace(
                entry.event,
                venue=off_site,
                room_id=room_id,
                # In its session still, so a feed of sessions holds it only through the
                # session's event, which lists it as cancelled (or not at all once the session
                # is gone): never as an event its subscribers never had.
                session_id=entry.event.session_id,
                start=entry.event.start.astimezone(zone),
                end=entry.event.end.astimezone(zone),
                status="cancelled",
                published_place=entry.where,
                published_venue=venue if entry.conference_venue is None else entry.conference_venue,
                published_label=_published_label(entry, labels),
                # Not recorded: a slot cancelled now says nothing of streaming; one already
                # published as cancelled keeps what it said (by the conference's rule for its
                # kind, as confcal then wrote it), so an upgrade changes no bytes.
                streaming_unknown=entry.event.streaming_unknown
                or (not entry.streaming_known and entry.event.status != "cancelled"),
            )
        )
    if not kept_events:
        return programme
    return dataclasses.replace(
        programme,
        papers=(*programme.papers, *kept_papers.values()),
        events=tuple(sorted((*programme.events, *kept_events), key=event_sort_key)),
    )


def legacy_content(programme: Programme, event: Event, paper: Paper) -> str:
    """The content digest of state files without ``content_scheme`` (scheme 1): a hand-made list
    of the fields an event's text was made of.

    Only for migrating such a state file (``revise``): frozen, never to be changed or extended,
    since it must give the digest those builds recorded for an unchanged event.
    """
    conference = programme.conference
    values = [
        [conference.id, conference.name, conference.venue, conference.city, conference.website],
        [conference.timezone, sorted(conference.streamed), programme.category_name(paper)],
        [paper.title, list(paper.authors), paper.abstract, paper.note, paper.subcategory, paper.url],
        [[link.label, link.url] for link in paper.links],
        [event.kind, event.session, event.start.isoformat(), event.end.isoformat(), event.status],
        [event.room, event.level, event.board, list(event.speakers)],
    ]
    # Later additions count only when set, so digests of programmes without them stay as they were.
    kind = programme.kind(event.kind)
    extras = {
        "label": [kind.label] if kind.label != KIND_LABELS.get(kind.id) else [],
        "speakers": [[person.name, person.affiliation] for person in paper.speakers],
        "slot": [event.number, event.streamed, event.stream_url]
        if event.number > 1 or event.streamed is not None or event.stream_url
        else [],
        "venue": [str(programme.venue(event.venue))] if event.venue else [],
        "abstracts": [conference.abstracts] if conference.abstracts != "full" else [],
    }
    values += [[key, value] for key, value in extras.items() if value]
    return hashlib.sha256(json.dumps(values, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class _Compared:
    """What a slot is compared by besides its entry and its event: its place (``render.where``);
    the conference's own venue before and after, when it changed (``_venue_moved``); and its
    kind's label before (as the state file recorded it) and now (``_prefix``)."""

    place: str
    venues: tuple[str, str] | None
    label_was: str
    label: str


Aspect = Literal["status", "time", "place", "name"]


def _differences(entry: Entry, event: Event, paper: Paper, compared: _Compared) -> frozenset[Aspect]:
    """Which of the slot's status, time, place and name (``_prefix`` and title) changed since
    ``entry`` published it: any of them raises SEQUENCE, and ``_changes`` tells each of them, so
    the two cannot disagree. ``event``: the slot as the state file records it (``_as_published``)."""
    old, place = entry.event, compared.place
    found: set[Aspect] = set()
    if old.status != event.status:
        found.add("status")
    if (old.start, old.end) != (event.start, event.end):  # both in UTC
        found.add("time")
    if _moved_place(entry, event, place) or _venue_moved(entry, event, place, compared.venues):
        found.add("place")
    if (_prefix(old, compared.label_was), entry.paper.title) != (_prefix(event, compared.label), paper.title):
        found.add("name")
    return frozenset(found)


def _prefix(event: Event, label: str) -> str:
    """What the slot's SUMMARY names before its title (``render.summary``): its kind's ``label``
    ("Poster: <title>"), or its session's name for a talk ("Session A: <title>"), so relabelling a
    kind renames its slots as renaming a session renames its talks; "" for a session's own event,
    whose title is its whole name."""
    if event.kind == SESSION_KIND:
        return ""
    return event.session if event.kind == "talk" else label


def _name(prefix: str, title: str) -> str:
    return f"{prefix}: {title}" if prefix else title


def _moved_place(entry: Entry, event: Event, place: str) -> bool:
    """Whether the slot's place (``render.where``) differs from what ``entry`` published. A
    state file written before places were recorded (``Entry.where``) is compared by room, level
    and board, and by venue id where it recorded one."""
    if entry.where is not None:
        return entry.where != place
    if entry.venue_known:
        return (entry.event.place, entry.event.venue) != (event.place, event.venue)
    return entry.event.place != event.place


def _at_own_venue(where: str, event: Event) -> bool:
    """Whether the slot's LOCATION names the conference's own venue after its place
    (``render.location``): it has a place, and no building of its own (``where``: its ``render.where``)."""
    return bool(event.place) and where == event.place


def _venue_moved(entry: Entry, event: Event, place: str, venues: tuple[str, str] | None) -> bool:
    """Whether the conference's own venue, named in the slot's LOCATION when ``entry`` was published
    and now, reads otherwise (``venues``: before and after; None when it did not change or the state
    file did not record it). A slot kept as cancelled (``where`` not compared) is not moved."""
    return (
        venues is not None
        and entry.where is not None
        and _at_own_venue(entry.where, entry.event)
        and _at_own_venue(place, event)
    )


def _as_published(programme: Programme, event: Event) -> Event:
    """The slot as the state file records it: in UTC, and whether it is streamed as its feeds
    say (``render.streamed``), so a kept cancellation says so whatever the conference later says."""
    return dataclasses.replace(
        event,
        start=event.start.astimezone(UTC),
        end=event.end.astimezone(UTC),
        streamed=None if event.streaming_unknown else streamed(programme, event),
    )


def _slim(paper: Paper) -> Paper:
    return Paper(
        id=paper.id,
        category=paper.category,
        title=paper.title,
        authors=paper.authors,
        subcategory=paper.subcategory,
        url=paper.url,
        table=paper.table,
    )


def _span(event: Event) -> Span:
    return (event.start.astimezone(UTC), event.end.astimezone(UTC))


def _changes(
    programme: Programme,
    entry: Entry | None,
    event: Event,
    paper: Paper,
    compared: _Compared,
    differences: frozenset[Aspect] | None,
) -> list[Change]:
    """What changed in the slot since ``entry`` published it (``differences``, as ``_differences``
    found them; None: new, or published again after it was removed); ``event``: the slot as the
    state file records it (``_as_published``)."""
    timezone = programme.conference.timezone
    if entry is None or differences is None:
        return [Change("added", event.id, paper.title, now=_span(event))]
    old, changes = entry.event, []
    place, venues = compared.place, compared.venues
    if "status" in differences:
        if event.status == "cancelled":
            changes.append(Change("cancelled", event.id, paper.title, was=_span(old)))
        else:
            changes.append(Change("restored", event.id, paper.title, now=_span(event)))
    if "time" in differences:
        changes.append(
            Change(
                "moved",
                event.id,
                paper.title,
                zones.span(old.start, old.end, zones.zone(timezone)),
                zones.span(event.start, event.end, zones.zone(timezone)),
                was=_span(old),
                now=_span(event),
            )
        )
    if "place" in differences:
        was = entry.where if entry.where is not None else where(programme, old)
        now = place
        # The conference moved and the event stayed at its place there: told with all such events.
        moved_alone = venues is not None and was == now and _venue_moved(entry, event, place, venues)
        if venues is not None:  # the conference's venue too, where a LOCATION named it
            was = f"{was}, {venues[0]}" if _at_own_venue(was, old) else was
            now = f"{now}, {venues[1]}" if _at_own_venue(now, event) else now
        changes.append(
            Change(
                "re-roomed",
                event.id,
                paper.title,
                was or NO_PLACE,
                now or NO_PLACE,
                now=_span(event),
                venues=venues if moved_alone else None,
            )
        )
    if "name" in differences:
        prefixes = (_prefix(old, compared.label_was), _prefix(event, compared.label))
        if prefixes[0] != prefixes[1]:  # a session renamed or a kind relabelled: the whole names
            old_name, new_name = _name(prefixes[0], entry.paper.title), _name(prefixes[1], paper.title)
        else:
            old_name, new_name = entry.paper.title, paper.title
        changes.append(Change("renamed", event.id, paper.title, old_name, new_name, now=_span(event)))
    return changes
