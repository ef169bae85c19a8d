"""The pipeline: load → revise → select → render → write."""

from __future__ import annotations

import dataclasses
import os
from datetime import datetime, timedelta
from pathlib import Path

from confcal.budget import over_budget
from confcal.feeds import PAPERS_FOLDER, feeds, paper_feeds
from confcal.load import load
from confcal.model import Programme
from confcal.render import render_events, render_feeds
from confcal.revisions import STATE_FILE, Revised, State, dump_state, parse_state, revise
from confcal.schedule import render_schedules
from confcal.site import INDEX, render_index
from confcal.write import WriteReport, write_files

# Below this many events rendering is faster than loading and saving the cache.
CACHE_THRESHOLD = 200


def with_stamp(programme: Programme, stamp: datetime | None) -> Programme:
    """The programme with DTSTAMP taken from ``stamp`` (SOURCE_DATE_EPOCH) instead of the file."""
    if stamp is None:
        return programme
    conference = dataclasses.replace(programme.conference, updated=stamp)
    return dataclasses.replace(programme, conference=conference)


def owned(*, alarm: timedelta | None) -> tuple[str, ...]:
    """Files in the output folder that a build owns: a stale one is deleted (write_files)."""
    return ("*.ics", f"{PAPERS_FOLDER}/*.ics", *(["reminders/*.ics"] if alarm is not None else []))


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


def read_state(output: Path) -> State:
    """The published state beside the feeds; none (a first build) when the file is missing."""
    try:
        raw = (output / STATE_FILE).read_bytes()
    except FileNotFoundError:
        return {}
    return parse_state(raw, name=str(output / STATE_FILE))


def render_plan(
    revised: Revised,
    *,
    alarm: timedelta | None = None,
    cache: dict[str, bytes] | None = None,
    workers: int = 1,
) -> dict[str, bytes]:
    """Every file of a revised programme: the feeds, a calendar per paper, the page and the new state.

    With ``alarm``, also the reminders variant of every feed under ``reminders/``.
    ``cache`` and ``workers`` change how fast, never what (tests/test_scale.py).
    """
    programme = revised.programme
    every_feed, per_paper = feeds(programme), paper_feeds(programme)
    blocks = render_events(programme, revisions=revised.revisions, cache=cache, workers=workers)
    files = render_feeds(programme, (*every_feed, *per_paper), blocks=blocks)
    latest = max((r.last_modified for r in revised.revisions.values()), default=None)
    sizes = {feed.filename: len(files[feed.filename]) for feed in every_feed}
    too_big = over_budget(programme.conference, every_feed, sizes)
    files[INDEX] = render_index(
        programme, feeds=every_feed, papers=per_paper, updated=latest, too_big=too_big
    )
    files.update(render_schedules(programme))
    if alarm is not None:
        from confcal.reminders import reminder_feeds

        files.update(reminder_feeds(programme, every_feed, blocks=blocks, before=alarm))
    files[STATE_FILE] = dump_state(revised.state)
    return files


def plan(
    programme: Programme,
    *,
    previous: State | None = None,
    alarm: timedelta | None = None,
    cache: dict[str, bytes] | None = None,
    workers: int = 1,
) -> dict[str, bytes]:
    """Every file a build writes: path relative to the output folder → bytes.

    ``previous`` is the state of the last build (``read_state``); without it, a first build.
    """
    return render_plan(revise(programme, previous or {}), alarm=alarm, cache=cache, workers=workers)


def publish(
    events: Path,
    output: Path,
    *,
    stamp: datetime | None = None,
    alarm: timedelta | None = None,
    cache_folder: Path | None = None,
    workers: int | None = None,
    keep_cancelled: bool = False,
    base_url: str | None = None,
) -> tuple[WriteReport, Revised]:
    """Build ``output`` from ``events`` and say what changed. Raises EventsFileError before writing.

    With ``cache_folder`` (and at least CACHE_THRESHOLD events), events rendered by the
    previous build of this output folder are reused. ``workers`` defaults to the number of CPUs.
    """
    programme = prepare(events, stamp=stamp, keep_cancelled=keep_cancelled, base_url=base_url)
    revised = revise(programme, read_state(output))
    workers = workers or os.cpu_count() or 1
    if cache_folder is None or len(revised.programme.events) < CACHE_THRESHOLD:
        files = render_plan(revised, alarm=alarm, workers=workers)
        return write_files(output, files, prune=owned(alarm=alarm)), revised
    from confcal.cache import cache_file, load_cache, save_cache

    cache_path = cache_file(cache_folder, output)
    cache = load_cache(cache_path)
    files = render_plan(revised, alarm=alarm, cache=cache, workers=workers)
    report = write_files(output, files, prune=owned(alarm=alarm))
    save_cache(cache_path, cache)
    return report, revised


def build(
    events: Path,
    output: Path,
    *,
    stamp: datetime | None = None,
    alarm: timedelta | None = None,
    cache_folder: Path | None = None,
    workers: int | None = None,
    keep_cancelled: bool = False,
    base_url: str | None = None,
) -> WriteReport:
    """Build ``output`` from ``events``. Raises EventsFileError before writing anything."""
    report, _ = publish(
        events,
        output,
        stamp=stamp,
        alarm=alarm,
        cache_folder=cache_folder,
        workers=workers,
        keep_cancelled=keep_cancelled,
        base_url=base_url,
    )
    return report
