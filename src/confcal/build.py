"""The pipeline: load → revise → select → render → write.

``build`` is the one entry that writes; ``preview`` runs the same steps and writes nothing
(``confcal diff``, ``confcal serve``). ``render_all`` is the pure step between them: a revised
programme → every file of the folder.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from confcal.budget import Oversize, over_budget, uncovered
from confcal.changes import named_as_shown, render_changes_feed, render_changes_page
from confcal.feeds import PAPERS_FOLDER, Feed, feeds, paper_feeds, stranded
from confcal.load import load
from confcal.lock import hold
from confcal.mistakes import build_warnings, empty_feed_warnings
from confcal.model import Programme
from confcal.publish import refused_warning, stale_stamp
from confcal.releases import Names
from confcal.render import CalendarHeads, assemble
from confcal.revisions import Revised, revise_published
from confcal.schedule import SCHEDULE_JSON, SCHEDULE_XML, schedule_files
from confcal.settings import DEFAULTS, BuildOptions, with_overrides
from confcal.site import CHANGES_FEED, CHANGES_PAGE, INDEX, render_index
from confcal.state import STATE_FILE, StateFile, dump_state, lost, read_state
from confcal.write import WriteError, WriteReport, changed_files, make_folder, stale_files, write_stream

if TYPE_CHECKING:
    from confcal.cache import RenderCache

# Below this many events rendering is faster than loading and saving the cache.
CACHE_THRESHOLD = 200
# What a first build may find in its folder without --force: a static host's own files.
HOST_FILES = frozenset({"CNAME", "README.md", "robots.txt", "favicon.ico"})
# What builds deleted when stale before the state file listed what they published.
LEGACY_OWNED = ("*.ics", f"{PAPERS_FOLDER}/*.ics")


@dataclass(frozen=True)
class Built:
    """What a build wrote (``report``), the revised programme it published (without its events'
    bytes: ``Rendering``), the mistakes in the programme it published as they are (``mistakes``:
    a double-booked room, an oral outside the dates: ``mistakes.build_warnings``; a category feed
    published with no event: ``mistakes.empty_feed_warnings``), and the feeds too
    big for some calendar apps that index.html offers for download only (``oversize``), and the
    calendars it stopped publishing while they have subscribers (``stranded``: ``feeds.stranded``)."""

    report: WriteReport
    revised: Revised
    oversize: tuple[str, ...] = ()
    mistakes: tuple[str, ...] = ()
    stranded: tuple[str, ...] = ()

    @property
    def lasting_warnings(self) -> tuple[str, ...]:
        """The warnings about what was published: mistakes, oversize feeds (what a skipped build
        prints again; ``report.warnings`` are about this run's render cache)."""
        return (*self.mistakes, *self.oversize)

    @property
    def warnings(self) -> tuple[str, ...]:
        """Every warning of this build, in the order ``confcal build`` prints them."""
        return (
            *self.mistakes,
            *self.revised.warnings,
            *self.report.warnings,
            *self.oversize,
            *self.stranded,
        )


@dataclass(frozen=True)
class Preview:
    """What a build would do to a folder: every file it would write (``files``), which of them
    differ from the folder's (``changed``), what it would delete (``removed``), and, when the
    build would refuse it instead (``publish.stale_stamp``), the warning that says why (``refused``)."""

    revised: Revised
    files: dict[str, bytes]
    changed: tuple[str, ...]
    removed: tuple[str, ...]
    refused: str | None = None


def build(
    events: Path,
    output: Path,
    options: BuildOptions = DEFAULTS,
    *,
    unchanged: Callable[[Built], None] | None = None,
) -> Built:
    """Build ``output`` from ``events``. Raises EventsFileError before writing (StampError for
    SOURCE_DATE_EPOCH) when the events file has a problem or the build would change events under a
    stamp not later than one already published (``publish.stale_stamp``), WriteError when the
    folder cannot be written (or is not ours: see ``BuildOptions.force``).

    With ``options.cache_folder`` (and at least CACHE_THRESHOLD events), events rendered by the
    previous build of this output folder are reused. The output folder is locked for the
    whole build (``lock.py``). ``unchanged`` is called when the build wrote and removed
    nothing, with the folder still locked, so that what it reads there is what this build left
    (``publish`` records such a build for the up-to-date check).
    """
    programme = with_overrides(load(events), options)
    mistakes = build_warnings(programme)
    make_folder(output)
    with hold(output, exclusive=True):
        previous = _read_published(output, programme)
        if previous is None and not options.force:
            _check_new_folder(output)
        cache_folder = options.cache_folder
        use_cache = cache_folder is not None and len(programme.events) >= CACHE_THRESHOLD
        cache = _load_cache(cache_folder, output) if use_cache and cache_folder else None
        revised = revise_published(
            programme,
            previous,
            events=events,
            state_name=str(output / STATE_FILE),
            cache=cache.events if cache else None,
        )
        if (refused := stale_stamp(revised, events=events, output=output, options=options)) is not None:
            raise refused
        rendering = _render(revised, previous, options, cache=cache)
        del revised  # only the rendering holds the revised programme's events, so it can let them go
        owned = _removable(output, previous)
        # Each file is staged as it is rendered: the build never holds them all (write_stream).
        report = write_stream(
            output,
            rendering.names,
            iter(rendering),
            state_file=STATE_FILE,
            removable=owned,
            interim_state=_interim_state(previous, owned, rendering.names),
        )
        built = Built(
            report=report,
            revised=rendering.revised,
            oversize=rendering.oversize(),
            mistakes=(*mistakes, *empty_feed_warnings(rendering.revised.programme)),
            stranded=stranded(report.removed, rendering.revised.programme),
        )
        if unchanged is not None and not report.written and not report.removed:
            unchanged(built)
    if cache is not None and cache_folder is not None:
        report = dataclasses.replace(report, warnings=_save_cache(cache_folder, output, cache))
        built = dataclasses.replace(built, report=report)
    return built


def _read_published(output: Path, programme: Programme) -> StateFile | None:
    """The state file in ``output`` (``read_state``). Releases recorded before each change kept
    its name take the names from the changes.html published with them, as it showed them
    (``changes.named_as_shown``); what the page does not show is named by ``revise``."""
    previous = read_state(output)
    if previous is None or all(change.name for release in previous.releases for change in release.changes):
        return previous
    try:
        page = (output / CHANGES_PAGE).read_bytes()
    except OSError:
        return previous
    timezone = programme.conference.timezone
    names = Names(programme, {event_id: entry.event for event_id, entry in previous.events.items()})
    releases = named_as_shown(page, previous.releases, timezone=timezone, names=names)
    return dataclasses.replace(previous, releases=releases)


def preview(
    events: Path, output: Path, options: BuildOptions = DEFAULTS, *, cache: RenderCache | None = None
) -> Preview:
    """What ``build(events, output, options)`` would write and delete, without writing
    anything (``confcal diff``, ``confcal serve``). Holds the folder's lock (shared) while it
    reads; a folder that does not exist is one a first build would fill.

    ``cache``: a render cache kept by the caller between previews (``confcal serve`` holds one
    in memory, so a rebuild after an edit renders only what the edit changed).
    """
    programme = with_overrides(load(events), options)
    with hold(output, exclusive=False):
        previous = _read_published(output, programme)
        revised = revise_published(
            programme,
            previous,
            events=events,
            state_name=str(output / STATE_FILE),
            cache=cache.events if cache else None,
        )
        files = dict(_render(revised, previous, options, cache=cache))
        changed, _ = changed_files(output, files)
        removed = stale_files(output, files, removable=_removable(output, previous))
    refused = stale_stamp(revised, events=events, output=output, options=options)
    return Preview(
        revised=revised,
        files=files,
        changed=tuple(changed),
        removed=removed,
        refused=refused_warning(refused) if refused else None,
    )


def _render(
    revised: Revised,
    previous: StateFile | None,
    options: BuildOptions,
    *,
    cache: RenderCache | None = None,
) -> Rendering:
    lead = _reminder_lead(previous, alarm=options.alarm, drop_alarm=options.drop_alarm)
    return Rendering(revised, alarm=lead, cache=cache)


def render_all(
    revised: Revised,
    *,
    alarm: timedelta | None = None,
    cache: RenderCache | None = None,
) -> dict[str, bytes]:
    """Every file of a revised programme (``Rendering``), all at once."""
    return dict(Rendering(revised, alarm=alarm, cache=cache))


class Rendering:
    """Every file of a revised programme, rendered one at a time as (name, bytes), in the order
    of ``names``: the feeds, a calendar per paper, the reminders variant of every feed under
    ``reminders/`` (with ``alarm``), the schedules, the page, the changes, and the new state last.
    With the render ``cache`` (whose events ``revised`` used), unchanged events' schedule
    entries and lines of index.html are reused.

    ``build`` stages each file as it comes and never holds them all (``write.write_stream``);
    ``render_all`` and ``preview`` keep them all. The names are known before anything is
    rendered (the interim state lists them). The events' bytes are let go once the last file
    holding them is rendered: ``revised`` is the revised programme without them, and a caller
    that passed the only reference to them (``build``) gets their memory back before the
    schedules are made (the peak of a 10× NeurIPS-size build, README "Performance").
    """

    def __init__(
        self, revised: Revised, *, alarm: timedelta | None = None, cache: RenderCache | None = None
    ) -> None:
        self._blocks: Mapping[str, bytes] | None = revised.blocks
        self.revised = dataclasses.replace(revised, blocks={})
        self.alarm = alarm
        self.cache = cache
        programme = revised.programme
        self.every_feed = feeds(programme)
        self.per_paper = paper_feeds(programme)
        self._heads = CalendarHeads(programme)
        self.feed_sizes: dict[str, int] = {}
        """Each feed's size in bytes, once it is rendered."""
        reminders: tuple[str, ...] = ()
        if alarm is not None:
            from confcal.reminders import REMINDERS_FOLDER

            reminders = tuple(f"{REMINDERS_FOLDER}/{feed.filename}" for feed in self.every_feed)
        self.published = (
            *(feed.filename for feed in (*self.every_feed, *self.per_paper)),
            *reminders,
            SCHEDULE_XML,
            SCHEDULE_JSON,
            INDEX,
            CHANGES_PAGE,
            CHANGES_FEED,
        )
        """What this build publishes: every file but the state file, in the order rendered."""

    @property
    def names(self) -> tuple[str, ...]:
        return (*self.published, STATE_FILE)

    def __iter__(self) -> Iterator[tuple[str, bytes]]:
        revised, programme = self.revised, self.revised.programme
        for feed in (*self.every_feed, *self.per_paper):
            yield feed.filename, self._feed(feed)
        if self.alarm is not None and self._blocks is not None:
            from confcal.reminders import reminder_feeds

            every, blocks, before = self.every_feed, self._blocks, self.alarm
            yield from reminder_feeds(programme, every, blocks=blocks, before=before).items()
            del blocks
        self._blocks = None  # every file holding the events is rendered
        cache = self.cache
        yield from schedule_files(programme, cache=cache.schedule if cache else None, keys=revised.keys)
        latest = max((r.last_modified for r in revised.revisions.values()), default=None)
        yield (
            INDEX,
            render_index(
                programme,
                feeds=self.every_feed,
                papers=self.per_paper,
                updated=latest,
                too_big=self.too_big,
                cache=cache.page if cache else None,
                keys=revised.keys,
                heads=self._heads,
                latest=revised.releases[-1] if revised.releases else None,
            ),
        )
        published = min(
            (r.last_modified for r in revised.revisions.values()), default=programme.conference.updated
        )
        yield (
            CHANGES_PAGE,
            render_changes_page(programme, revised.releases, published=published),
        )
        yield (
            CHANGES_FEED,
            render_changes_feed(programme, revised.releases, published=published),
        )
        minutes = None if self.alarm is None else int(self.alarm.total_seconds() // 60)
        state = StateFile(
            events=revised.state,
            conference=programme.conference.id,
            published=tuple(sorted(self.published)),
            reminders_minutes=minutes,
            releases=revised.releases,
            venue=programme.conference.venue,
            labels={kind.id: kind.label for kind in programme.kinds},
        )
        yield STATE_FILE, dump_state(state)

    def _feed(self, feed: Feed) -> bytes:
        """One feed's bytes, as ``render.render_feeds`` makes them, its size remembered."""
        blocks = self._blocks
        if blocks is None:
            raise RuntimeError("a Rendering is iterated once")
        data = assemble(self._heads(feed), (blocks[event.id] for event in feed.events))
        self.feed_sizes[feed.filename] = len(data)
        return data

    @property
    def too_big(self) -> list[Oversize]:
        """The feeds over budget (once the feeds are rendered)."""
        return over_budget(self.revised.programme.conference, self.every_feed, self.feed_sizes)

    def oversize(self) -> tuple[str, ...]:
        """A warning for each feed too big for some calendar apps that no declared feed splits
        (once rendered)."""
        programme = self.revised.programme
        declared = (spec.id for spec in programme.declared_feeds)
        return tuple(
            f"warning: {oversize.describe(programme.conference)}: index.html offers it for download "
            "only; `confcal check` suggests a split"
            for oversize in uncovered(self.too_big, self.every_feed, declared)
        )


def _reminder_lead(
    previous: StateFile | None, *, alarm: timedelta | None, drop_alarm: bool
) -> timedelta | None:
    """The reminders variant to write: ``--alarm``'s, else the one already published (kept in
    step with the feeds), none with ``--no-alarm``."""
    if drop_alarm:
        return None
    return alarm or (previous.reminders if previous else None)


def _removable(output: Path, previous: StateFile | None) -> tuple[str, ...]:
    """Files a build may delete when it no longer writes them: those the last build published.

    A state file from before confcal listed them falls back to the calendars such a build owned.
    """
    if previous is None:
        return ()
    if previous.published is not None:
        return previous.published
    found = {path.relative_to(output).as_posix() for pattern in LEGACY_OWNED for path in output.glob(pattern)}
    return tuple(sorted(found))


def _check_new_folder(output: Path) -> None:
    """Refuse a first build into a folder holding someone else's files (WriteError names them)."""
    entries = sorted(
        entry.name + ("/" if entry.is_dir() else "")
        for entry in os.scandir(output)
        if not entry.name.startswith(".") and entry.name not in HOST_FILES
    )
    if not entries:
        return
    shown = ", ".join(entries[:5]) + (f" and {len(entries) - 5} more" if len(entries) > 5 else "")
    if lost(output):  # feeds whose record is gone: --force would number them again from 0
        raise WriteError(
            f"{output}: holds published feeds ({shown}) but not {STATE_FILE}, the record of what "
            "they published: restore it (from version control or a backup) to keep every event's "
            "SEQUENCE and the history of changes; --force builds here anyway, starting every event "
            "again at SEQUENCE 0, and calendars that imported the feeds may keep their old copies"
        )
    raise WriteError(
        f"{output}: not built by confcal (no {STATE_FILE}) and not empty: {shown}; "
        "build into an empty folder, or add --force to build here (only files confcal "
        "publishes are ever deleted)"
    )


def _interim_state(
    previous: StateFile | None, owned: Collection[str], files: Collection[str]
) -> bytes | None:
    """The previous state, naming the files this build adds, when it adds any (write_files)."""
    new = set(files) - set(owned) - {STATE_FILE}
    if not new:
        return None
    published = tuple(sorted({*owned, *new}))
    return dump_state(dataclasses.replace(previous or StateFile(), published=published))


def _load_cache(cache_folder: Path, output: Path) -> RenderCache:
    from confcal.cache import cache_file, load_cache

    return load_cache(cache_file(cache_folder, output))


def _save_cache(cache_folder: Path, output: Path, cache: RenderCache) -> tuple[str, ...]:
    """Save the render cache; a cache that cannot be written is a warning, never a failed build."""
    from confcal.cache import cache_file, save_cache

    path = cache_file(cache_folder, output)
    try:
        save_cache(path, cache)
    except OSError as error:
        return (
            f"warning: render cache not saved ({error.filename or path}: {error.strerror}); "
            "the build is complete, the next one renders every event again",
        )
    return ()
