"""The pipeline: load → select → render → write."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path

from confcal.feeds import feeds, paper_feeds
from confcal.load import load
from confcal.model import Programme
from confcal.render import render_feeds
from confcal.site import INDEX, render_index
from confcal.write import WriteReport, write_files


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


def plan(programme: Programme) -> dict[str, bytes]:
    """Every file a build writes: path relative to the output folder → bytes."""
    feed_list, paper_list = feeds(programme), paper_feeds(programme)
    files = render_feeds(programme, (*feed_list, *paper_list))
    files[INDEX] = render_index(programme, feeds=feed_list, papers=paper_list)
    return files


def build(
    events: Path, output: Path, *, stamp: datetime | None = None, base_url: str | None = None
) -> WriteReport:
    """Build ``output`` from ``events``. Raises EventsFileError before writing anything.

    ``base_url`` must already be normalised (``load.normalise_base_url``).
    """
    programme = with_base_url(with_stamp(load(events), stamp), base_url)
    return write_files(output, plan(programme))
