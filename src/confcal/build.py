"""The pipeline: load → revise → select → render → write."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Collection
from datetime import datetime, timedelta
from pathlib import Path

from confcal.budget import over_budget
from confcal.changes import render_changes_feed, render_changes_page
from confcal.feeds import PAPERS_FOLDER, feeds, paper_feeds
from confcal.load import load
from confcal.model import Programme
from confcal.render import RenderCacheEntry, render_events, render_feeds
from confcal.revisions import Revised, revise_published
from confcal.schedule import render_schedules
from confcal.site import CHANGES_FEED, CHANGES_PAGE, INDEX, render_index
from confcal.state import STATE_FILE, StateFile, dump_state, read_state
from confcal.write import WriteError, WriteReport, make_folder, write_files

# Below this many events rendering is faster than loading and saving the cache.
CACHE_THRESHOLD = 200
# What a first build may find in its folder without --force: a static host's own files.
HOST_FILES = frozenset({"CNAME", "README.md", "robots.txt", "favicon.ico"})
# What builds deleted when stale before the state file listed what they published.
LEGACY_OWNED = ("*.ics", f"{PAPERS_FOLDER}/*.ics")


def with_stamp(programme: Programme, stamp: datetime | None) -> Programme:
    """The programme with DTSTAMP taken from ``stamp`` (SOURCE_DATE_EPOCH) instead of the file."""
    if stamp is None:
        return programme
    conference = dataclasses.replace(programme.conference, updated=stamp)
    return dataclasses.replace(programme, conference=conference)


def with_base_url(programme: Programme, base_url: str | None) -> Programme:
    """The programme published at ``base_url`` (``--base-url``) instead of publish.base_url."""
    if base_url is None:
        return programme
    conference = dataclasses.replace(programme.conference, base_url=base_url)
    return dataclasses.replace(programme, conference=conference)


def prepare(
    events: Path, *, stamp: datetime | None = None, keep_cancelled: bool = False, base_url: str | None = None
) -> Programme:
    """Load ``events``; ``stamp``, ``keep_cancelled`` and ``base_url`` (command-line options)
    override the file. ``base_url`` must already be normalised (``load.normalise_base_url``)."""
    programme = with_base_url(with_stamp(load(events), stamp), base_url)
    if keep_cancelled:
        conference = dataclasses.replace(programme.conference, keep_cancelled=True)
        programme = dataclasses.replace(programme, conference=conference)
    return programme


def render_plan(revised: Revised, *, alarm: timedelta | None = None) -> dict[str, bytes]:
    """Every file of a revised programme: the feeds, a calendar per paper, the page and the new state.

    With ``alarm``, also the reminders variant of every feed under ``reminders/``.
    """
    programme = revised.programme
    every_feed, per_paper = feeds(programme), paper_feeds(programme)
    blocks = render_events(programme, revisions=revised.revisions, bodies=revised.bodies)
    files = render_feeds(programme, (*every_feed, *per_paper), blocks=blocks)
    latest = max((r.last_modified for r in revised.revisions.values()), default=None)
    sizes = {feed.filename: len(files[feed.filename]) for feed in every_feed}
    too_big = over_budget(programme.conference, every_feed, sizes)
    files[INDEX] = render_index(
        programme, feeds=every_feed, papers=per_paper, updated=latest, too_big=too_big
    )
    published = min(
        (r.last_modified for r in revised.revisions.values()), default=programme.conference.updated
    )
    files[CHANGES_PAGE] = render_changes_page(programme, revised.releases, published=published)
    files[CHANGES_FEED] = render_changes_feed(programme, revised.releases, published=published)
    files.update(render_schedules(programme))
    if alarm is not None:
        from confcal.reminders import reminder_feeds

        files.update(reminder_feeds(programme, every_feed, blocks=blocks, before=alarm))
    minutes = None if alarm is None else int(alarm.total_seconds() // 60)
    state = StateFile(
        events=revised.state,
        published=tuple(sorted(files)),
        reminders_minutes=minutes,
        releases=revised.releases,
    )
    files[STATE_FILE] = dump_state(state)
    return files


def plan(
    programme: Programme,
    *,
    previous: StateFile | None = None,
    alarm: timedelta | None = None,
    cache: dict[str, RenderCacheEntry] | None = None,
    workers: int = 1,
) -> dict[str, bytes]:
    """Every file a build writes: path relative to the output folder → bytes.

    ``previous`` is the state of the last build (``read_state``); without it, a first build.
    ``cache`` and ``workers`` change how fast, never what (tests/test_scale.py).
    """
    revised = revise_published(programme, previous, cache=cache, workers=workers)
    return render_plan(revised, alarm=alarm)


def reminder_lead(
    previous: StateFile | None, *, alarm: timedelta | None, drop_alarm: bool
) -> timedelta | None:
    """The reminders variant to write: ``--alarm``'s, else the one already published (kept in
    step with the feeds), none with ``--no-alarm``."""
    if drop_alarm:
        return None
    return alarm or (previous.reminders if previous else None)


def removable(output: Path, previous: StateFile | None) -> tuple[str, ...]:
    """Files a build may delete when it no longer writes them: those the last build published.

    A state file from before confcal listed them falls back to the calendars such a build owned.
    """
    if previous is None:
        return ()
    if previous.published is not None:
        return previous.published
    found = {path.relative_to(output).as_posix() for pattern in LEGACY_OWNED for path in output.glob(pattern)}
    return tuple(sorted(found))


def check_new_folder(output: Path) -> None:
    """Refuse a first build into a folder holding someone else's files (WriteError names them)."""
    entries = sorted(
        entry.name + ("/" if entry.is_dir() else "")
        for entry in os.scandir(output)
        if not entry.name.startswith(".") and entry.name not in HOST_FILES
    )
    if not entries:
        return
    shown = ", ".join(entries[:5]) + (f" and {len(entries) - 5} more" if len(entries) > 5 else "")
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


def publish(
    events: Path,
    output: Path,
    *,
    stamp: datetime | None = None,
    alarm: timedelta | None = None,
    drop_alarm: bool = False,
    cache_folder: Path | None = None,
    workers: int | None = None,
    keep_cancelled: bool = False,
    base_url: str | None = None,
    force: bool = False,
) -> tuple[WriteReport, Revised]:
    """Build ``output`` from ``events`` and say what changed. Raises EventsFileError before
    writing, WriteError when the folder cannot be written (or is not ours: see ``force``).

    With ``cache_folder`` (and at least CACHE_THRESHOLD events), events rendered by the
    previous build of this output folder are reused. ``workers`` defaults to the number of CPUs.
    The output folder is locked for the whole build (``lock.py``).
    """
    from confcal.lock import hold

    programme = prepare(events, stamp=stamp, keep_cancelled=keep_cancelled, base_url=base_url)
    make_folder(output)
    with hold(output, exclusive=True):
        previous = read_state(output)
        if previous is None and not force:
            check_new_folder(output)
        workers = workers or os.cpu_count() or 1
        use_cache = cache_folder is not None and len(programme.events) >= CACHE_THRESHOLD
        cache = _load_cache(cache_folder, output) if use_cache and cache_folder else None
        revised = revise_published(
            programme, previous, state_name=str(output / STATE_FILE), cache=cache, workers=workers
        )
        lead = reminder_lead(previous, alarm=alarm, drop_alarm=drop_alarm)
        files = render_plan(revised, alarm=lead)
        owned = removable(output, previous)
        report = write_files(
            output,
            files,
            state_file=STATE_FILE,
            removable=owned,
            interim_state=_interim_state(previous, owned, files),
        )
    if cache is not None and cache_folder is not None:
        report = dataclasses.replace(report, warnings=_save_cache(cache_folder, output, cache))
    return report, revised


def _load_cache(cache_folder: Path, output: Path) -> dict[str, RenderCacheEntry]:
    from confcal.cache import cache_file, load_cache

    return load_cache(cache_file(cache_folder, output))


def _save_cache(cache_folder: Path, output: Path, cache: dict[str, RenderCacheEntry]) -> tuple[str, ...]:
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


def build(
    events: Path,
    output: Path,
    *,
    stamp: datetime | None = None,
    alarm: timedelta | None = None,
    drop_alarm: bool = False,
    cache_folder: Path | None = None,
    workers: int | None = None,
    keep_cancelled: bool = False,
    base_url: str | None = None,
    force: bool = False,
) -> WriteReport:
    """Build ``output`` from ``events``. Raises EventsFileError before writing anything."""
    report, _ = publish(
        events,
        output,
        stamp=stamp,
        alarm=alarm,
        drop_alarm=drop_alarm,
        cache_folder=cache_folder,
        workers=workers,
        keep_cancelled=keep_cancelled,
        base_url=base_url,
        force=force,
    )
    return report
