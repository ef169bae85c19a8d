"""`check`, `agenda` and `export`: click commands registered on the group in cli.py.

Only click is imported here; each command imports the pipeline it needs when it runs.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from confcal.errors import EventsFileError
from confcal.options import ALARM, EVENTS, TZ, IanaZone, filter_options, source_date_epoch

if TYPE_CHECKING:
    from datetime import tzinfo

    from confcal.feeds import Feed
    from confcal.filters import Filters
    from confcal.model import Programme


def _filters(
    categories: tuple[str, ...],
    kinds: tuple[str, ...],
    papers: tuple[str, ...],
    days: tuple[datetime, ...],
    sessions: tuple[str, ...],
) -> Filters:
    from confcal.filters import Filters

    return Filters(
        categories=categories,
        kinds=kinds,
        papers=papers,
        days=tuple(day.date() for day in days),
        sessions=sessions,
    )


def _load(events: Path) -> Programme:
    from confcal.build import with_stamp
    from confcal.load import load

    return with_stamp(load(events), source_date_epoch())


def _selected(programme: Programme, filters: Filters) -> Feed:
    from confcal.filters import UnknownIdError, no_match_message, selection_feed

    try:
        feed = selection_feed(programme, filters)
    except UnknownIdError as error:
        raise click.UsageError(str(error)) from None
    if not feed.events:
        raise click.ClickException(no_match_message(programme, filters))
    return feed


@click.command()
@EVENTS
@click.option("--strict", is_flag=True, help="Treat warnings as errors, e.g. confcal check --strict.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Report as text or as JSON for CI, e.g. --format json.",
)
def check(events: Path, strict: bool, output_format: str) -> None:
    """Check the programme for scheduling mistakes; writes nothing.

    Checks EVENTS (default: events.toml) before publishing.
    Runs the build's validation, then the programme checks: a room or poster board
    holding two events at once and an oral or poster outside the conference dates
    (errors); a talk outside the dates or an event with no place (warnings); events
    that overlap, so attendees must choose (info). Exit 0 without errors, 1 with, 2 when
    EVENTS cannot be read as a programme at all (its problems are reported the same way).

    \b
    Example:
      confcal check
      confcal check --strict --format json events.toml
    """
    from confcal import check as checks
    from confcal.load import load

    try:
        findings, status = checks.check(load(events)), None
    except EventsFileError as error:
        findings, status = checks.invalid_file(error), checks.UNLOADABLE
    if strict:
        findings = checks.strict(findings)
    report = checks.report_json if output_format == "json" else checks.report_text
    click.echo(report(str(events), findings))
    raise SystemExit(status or checks.exit_code(findings))


def _resolve_zone(programme: Programme, name: str | None) -> tzinfo | None:
    """The zone to show times in; None is this machine's own zone."""
    from confcal import zones

    if name == "local":
        return None
    return zones.zone(name or programme.conference.timezone)


def _colour_enabled() -> bool:
    return not os.environ.get("NO_COLOR")


_COLOURS: dict[str, dict[str, Any]] = {
    "day": {"bold": True, "underline": True},
    "time": {"fg": "cyan"},
    "kind": {"fg": "yellow"},
    "title": {"bold": True},
    "cancelled": {"strikethrough": True, "dim": True},
    "place": {"fg": "green"},
}


def _style(text: str, role: str) -> str:
    return click.style(text, **_COLOURS[role])


@click.command()
@EVENTS
@filter_options
@TZ
def agenda(
    events: Path,
    categories: tuple[str, ...],
    kinds: tuple[str, ...],
    papers: tuple[str, ...],
    days: tuple[datetime, ...],
    sessions: tuple[str, ...],
    zone: str | None,
) -> None:
    """Print the programme by day, in any time zone.

    Reads EVENTS (default: events.toml); takes the same filters as export; a day is a
    day in the conference's time zone.
    Colour on a terminal; none when piped or when NO_COLOR is set.

    \b
    Example:
      confcal agenda --tz Europe/Berlin --day 2023-12-12
      confcal agenda --kind oral --tz local
    """
    from confcal.agenda import agenda as format_agenda
    from confcal.agenda import plain

    programme = _load(events)
    feed = _selected(programme, _filters(categories, kinds, papers, days, sessions))
    style = _style if _colour_enabled() else plain
    click.echo(format_agenda(programme, feed.events, zone=_resolve_zone(programme, zone), style=style))


NO_STATE = (
    "warning: no published state ({state}): every event is exported at SEQUENCE 0, as a first build "
    "would publish it, and an importer keeps a newer copy it has; if the feeds were published, "
    "give their folder with --published"
)


@click.command()
@EVENTS
@filter_options
@ALARM
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    default="-",
    show_default=True,
    help="File to write, or - for stdout, e.g. -o my.ics.",
)
@click.option(
    "--published",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder of the published feeds, whose SEQUENCE and LAST-MODIFIED the export keeps "
    "[default: output, beside EVENTS], e.g. --published site.",
)
def export(
    events: Path,
    categories: tuple[str, ...],
    kinds: tuple[str, ...],
    papers: tuple[str, ...],
    days: tuple[datetime, ...],
    sessions: tuple[str, ...],
    alarm: timedelta | None,
    output: Path,
    published: Path | None,
) -> None:
    """Write a personal feed of the events that pass the filters.

    Reads EVENTS (default: events.toml). Filters of different kinds must all match; a
    repeated filter matches any of its values. A day is a day in the conference's time
    zone. Same UIDs and content as the published feeds.

    \b
    Example:
      confcal export --category test-of-time --kind talk -o my.ics
      confcal export --paper word2vec --paper climsim --alarm 15m -o -
    """
    from confcal.lock import hold
    from confcal.render import render_events, render_feeds
    from confcal.revisions import revise_published
    from confcal.state import STATE_FILE, read_state
    from confcal.write import why_not, write_atomic

    programme = _load(events)
    feed = _selected(programme, _filters(categories, kinds, papers, days, sessions))
    published = published or events.parent / "output"
    with hold(published, exclusive=False):
        previous = read_state(published)
    if previous is None:
        click.echo(NO_STATE.format(state=published / STATE_FILE), err=True)
    state_name = str(published / STATE_FILE)
    revisions = revise_published(programme, previous, state_name=state_name).revisions
    blocks = render_events(programme, revisions=revisions)
    if alarm is not None:
        from confcal.reminders import with_alarms

        blocks = with_alarms(programme, blocks, alarm)
    data = render_feeds(programme, [feed], blocks=blocks)[feed.filename]
    if str(output) == "-":
        click.echo(data, nl=False)
        return
    try:
        write_atomic(output, data)
    except OSError as error:
        raise click.ClickException(f"cannot write {output}: {why_not(error, output)}") from None
    count = len(feed.events)
    click.echo(f"{output}: {count} event{'' if count == 1 else 's'} ({feed.name})", err=True)


@click.command("import")
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    default="events.toml",
    show_default=True,
    help="events.toml to write, or - for stdout, e.g. -o imported.toml.",
)
@click.option("--force", is_flag=True, help="Overwrite OUTPUT if it exists, e.g. --force.")
@click.option(
    "--timezone",
    type=IanaZone(),
    metavar="ZONE",
    help="The conference's IANA time zone, when the file does not name one, e.g. --timezone Europe/Berlin.",
)
def import_schedule(source: Path, output: Path, force: bool, timezone: str | None) -> None:
    """Write an events.toml from a frab/pretalx schedule.xml or a c3voc schedule.json.

    Each event becomes a paper with one talk (or oral, or poster, by its type) in a category
    named after its track; its guid (or id) becomes the paper id, so importing a newer export
    again keeps the UIDs. The schedule format names no venue or city: fill them in. Nothing is
    written when SOURCE has a problem; an existing OUTPUT needs --force.

    \b
    Example:
      confcal import output/schedule.xml -o imported.toml
      confcal import output/schedule.json -o - --timezone America/Chicago
    """
    from confcal.importer import events_toml, read_schedule
    from confcal.write import write_atomic

    name = "<stdin>" if str(source) == "-" else str(source)
    try:
        raw = sys.stdin.buffer.read() if str(source) == "-" else source.read_bytes()
    except OSError as error:
        raise click.ClickException(f"{name}: cannot read: {error.strerror}") from None
    to_stdout = str(output) == "-"
    if not to_stdout and output.exists() and not force:
        raise click.ClickException(f"{output} exists; pass --force to overwrite it, or -o another file")
    text = events_toml(read_schedule(raw, name=name), timezone=timezone)
    if to_stdout:
        click.echo(text, nl=False)
        return
    write_atomic(output, text.encode())
    click.echo(
        f"{output}: {text.count('[[papers]]')} events from {name}; fill in conference.venue and .city",
        err=True,
    )
