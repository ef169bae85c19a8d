"""Test helpers: an independent parser (the `ical` package, not icalendar) and folder snapshots."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ical.calendar_stream import IcsCalendarStream

from confcal.build import render_all
from confcal.model import Programme
from confcal.render import RenderCacheEntry
from confcal.revisions import revise_published


@dataclass(frozen=True)
class ParsedEvent:
    uid: str
    summary: str
    start: datetime
    end: datetime
    location: str | None
    categories: tuple[str, ...]
    description: str = ""


def parse_events(data: bytes) -> list[ParsedEvent]:
    """Events of an .ics file as UTC instants, read by the `ical` package's own VTIMEZONE logic."""
    calendar = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    events = []
    for event in calendar.events:
        assert isinstance(event.dtstart, datetime), "timed events only"
        assert isinstance(event.dtend, datetime), "timed events only"
        assert event.dtstart.tzinfo is not None, "no floating times"
        events.append(
            ParsedEvent(
                uid=event.uid,
                summary=event.summary or "",
                start=event.dtstart.astimezone(UTC),
                end=event.dtend.astimezone(UTC),
                location=event.location,
                categories=tuple(event.categories),
                description=event.description or "",
            )
        )
    return events


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``folder``: bytes and mtime, to show a failed build touched nothing."""
    if not folder.exists():
        return {}
    return {
        str(path.relative_to(folder)): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def plan(
    programme: Programme, *, cache: dict[str, RenderCacheEntry] | None = None, workers: int = 1
) -> dict[str, bytes]:
    """Every file a first build of ``programme`` writes (``build.render_all``), without a folder."""
    return render_all(revise_published(programme, None, cache=cache, workers=workers))
