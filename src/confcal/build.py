"""The pipeline: load → select → render → write."""

from __future__ import annotations

import dataclasses
import os
from datetime import datetime, timedelta
from pathlib import Path

from confcal.feeds import feeds
from confcal.load import load
from confcal.model import Programme
from confcal.render import render_events, render_feeds
from confcal.write import WriteReport, write_files

# Below this many events rendering is faster than loading and saving the cache.
CACHE_THRESHOLD = 200


def with_stamp(programme: Programme, stamp: datetime | None) -> Programme:
    """The programme with DTSTAMP taken from ``stamp`` (SOURCE_DATE_EPOCH) instead of the file."""
    if stamp is None:
        return programme
    conference = dataclasses.replace(programme.conference, updated=stamp)
    return dataclasses.replace(programme, conference=conference)


def plan(
    programme: Programme,
    *,
    alarm: timedelta | None = None,
    cache: dict[str, bytes] | None = None,
    workers: int = 1,
) -> dict[str, bytes]:
    """Every file a build writes: path relative to the output folder → bytes.

    With ``alarm``, also the reminders variant of every feed under ``reminders/``.
    ``cache`` and ``workers`` change how fast, never what (tests/test_scale.py).
    """
    every_feed = feeds(programme)
    blocks = render_events(programme, cache=cache, workers=workers)
    files = render_feeds(programme, every_feed, blocks=blocks)
    if alarm is not None:
        from confcal.reminders import reminder_feeds

        files.update(reminder_feeds(programme, every_feed, blocks=blocks, before=alarm))
    return files


def build(
    events: Path,
    output: Path,
    *,
    stamp: datetime | None = None,
    alarm: timedelta | None = None,
    cache_folder: Path | None = None,
    workers: int | None = None,
) -> WriteReport:
    """Build ``output`` from ``events``. Raises EventsFileError before writing anything.

    With ``cache_folder`` (and at least CACHE_THRESHOLD events), events rendered by the
    previous build of this output folder are reused. ``workers`` defaults to the number of CPUs.
    """
    programme = with_stamp(load(events), stamp)
    processes = workers or os.cpu_count() or 1
    if cache_folder is None or len(programme.events) < CACHE_THRESHOLD:
        return write_files(output, plan(programme, alarm=alarm, workers=processes))
    from confcal.cache import cache_file, load_cache, save_cache

    cache_path = cache_file(cache_folder, output)
    cache = load_cache(cache_path)
    report = write_files(output, plan(programme, alarm=alarm, cache=cache, workers=processes))
    save_cache(cache_path, cache)
    return report
