"""What a build takes besides its events file and its folder: the command line's overrides of the
file, and how fast to go.

Only the standard library is imported here, so the CLI can describe a build (and ask the
up-to-date check whether it is needed) before it imports the pipeline.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from confcal.model import Programme

# How fast a build goes, never what it writes (tests/test_scale.py).
_SPEED = frozenset({"cache_folder"})


@dataclass(frozen=True, kw_only=True)
class BuildOptions:
    stamp: datetime | None = None
    """Every event's DTSTAMP instead of publish.updated (SOURCE_DATE_EPOCH)."""
    alarm: timedelta | None = None
    """Also write the reminders variant, this long before each event (``--alarm``); without it,
    the variant already published is kept in step."""
    drop_alarm: bool = False
    """Stop publishing the reminders variant (``--no-alarm``)."""
    keep_cancelled: bool = False
    """Keep published events the file dropped, as cancelled (overrides publish.keep_cancelled)."""
    base_url: str | None = None
    """The public address of the folder (overrides publish.base_url); already normalised
    (``load.normalise_base_url``)."""
    force: bool = False
    """Build into a folder that holds other files and no state file."""
    cache_folder: Path | None = None
    """Reuse events rendered by the previous build of the folder, kept here."""

    def fingerprint(self) -> dict[str, str]:
        """The options that can change what a build writes or prints (the up-to-date check's key)."""
        return {
            field.name: str(getattr(self, field.name))
            for field in dataclasses.fields(self)
            if field.name not in _SPEED
        }


DEFAULTS = BuildOptions()
"""A build as the events file describes it, without command-line options."""


def with_overrides(programme: Programme, options: BuildOptions) -> Programme:
    """``programme`` with the stamp, public address and keep_cancelled that ``options`` set
    instead of the events file's."""
    conference = programme.conference
    if options.stamp is not None:
        conference = dataclasses.replace(conference, updated=options.stamp)
    if options.base_url is not None:
        conference = dataclasses.replace(conference, base_url=options.base_url)
    if options.keep_cancelled:
        conference = dataclasses.replace(conference, keep_cancelled=True)
    if conference is programme.conference:
        return programme
    return dataclasses.replace(programme, conference=conference)
