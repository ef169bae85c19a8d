"""Test helpers: an independent parser (the `ical` package, not icalendar), folder snapshots, and
a copy of the programme built through the CLI."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner, Result
from ical.calendar_stream import IcsCalendarStream

from confcal.build import render_all
from confcal.cache import RenderCache
from confcal.cli import cli
from confcal.model import Programme
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


def restamped(text: str, updated: str = "2023-12-12T00:00:00Z") -> str:
    """An events file's text with its one publish.updated set to ``updated``: an edit stamped later
    than the build before it, as a build that changes events requires."""
    stamped, count = re.subn(r"(?m)^updated = .*$", f"updated = {updated}", text)
    assert count == 1, f"expected one publish.updated, found {count}"
    return stamped


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``folder``: bytes and mtime, to show a failed build touched nothing."""
    if not folder.exists():
        return {}
    return {
        str(path.relative_to(folder)): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def plan(programme: Programme, *, cache: RenderCache | None = None) -> dict[str, bytes]:
    """Every file a first build of ``programme`` writes (``build.render_all``), without a folder."""
    revised = revise_published(programme, None, cache=cache.events if cache else None)
    return render_all(revised, cache=cache)


@dataclass
class Project:
    """A copy of the award programme and its output folder, edited and built through the CLI."""

    events: Path
    output: Path

    def edit(self, old: str, new: str) -> None:
        text = self.events.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"expected exactly one {old!r} in events.toml"
        self.events.write_text(text.replace(old, new), encoding="utf-8")

    def remove_paper(self, paper_id: str) -> None:
        text = self.events.read_text(encoding="utf-8")
        start = text.index(f'[[papers]]\nid = "{paper_id}"')
        end = text.index("[[papers]]", start + 1)
        self.events.write_text(text[:start] + text[end:], encoding="utf-8")

    def run(self, command: str, *args: str, stamp: datetime | None = None) -> Result:
        env = {"SOURCE_DATE_EPOCH": str(int(stamp.timestamp())) if stamp else ""}
        arguments = [command, str(self.events), "-o", str(self.output), *args]
        return CliRunner().invoke(cli, arguments, env=env, catch_exceptions=False)

    def build(self, *args: str, stamp: datetime | None = None) -> Result:
        result = self.run("build", *args, stamp=stamp)
        assert result.exit_code == 0, result.output
        return result

    def files(self) -> dict[str, bytes]:
        return {
            path.relative_to(self.output).as_posix(): path.read_bytes()
            for path in sorted(self.output.rglob("*"))
            if path.is_file()
        }

    def text(self, name: str) -> str:
        return (self.output / name).read_text(encoding="utf-8")

    def feeds(self) -> dict[str, bytes]:
        return {name: data for name, data in self.files().items() if name.endswith(".ics")}


def conference_head(*, start: str, end: str, timezone: str) -> str:
    """The ``[conference]`` and ``[publish]`` tables (cancellations kept) of the small programmes
    the identity tests edit: a conference at "Main Venue", Berlin, from ``start`` to ``end``."""
    return f"""\
[conference]
id = "conf"
name = "Conf"
start = {start}
end = {end}
venue = "Main Venue"
city = "Berlin"
timezone = "{timezone}"

[publish]
updated = 2026-03-01T00:00:00Z
keep_cancelled = true
"""
