"""The command line: a thin shell around the pipeline."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click

from confcal import __version__
from confcal.commands import ALARM, agenda, check, export
from confcal.errors import EventsFileError

EVENTS = click.argument(
    "events", type=click.Path(path_type=Path, dir_okay=False), default="events.toml", required=False
)
OUTPUT = click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, file_okay=False),
    default="output",
    show_default=True,
    help="Folder to write the feeds into, e.g. -o site.",
)


def source_date_epoch() -> datetime | None:
    """SOURCE_DATE_EPOCH, when set, overrides publish.updated as every event's DTSTAMP."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise click.ClickException(f"SOURCE_DATE_EPOCH must be whole seconds since 1970, not {value!r}")
    return datetime.fromtimestamp(int(value), tz=UTC)


def cache_folder() -> Path:
    """Where build keeps its render cache: $XDG_CACHE_HOME/confcal, else ~/.cache/confcal."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "confcal"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="confcal")
def cli() -> None:
    """Publish a conference programme (events.toml) as iCalendar feeds.

    \b
    Example:
      confcal build                 # events.toml -> output/
      confcal build my.toml -o site
    """


@cli.command()
@EVENTS
@OUTPUT
@click.option(
    "--cache/--no-cache",
    default=True,
    show_default=True,
    help="Reuse events rendered by the previous build (kept in $XDG_CACHE_HOME/confcal); e.g. --no-cache.",
)
@ALARM
def build(events: Path, output: Path, cache: bool, alarm: timedelta | None) -> None:
    """Build all.ics and one feed per category from EVENTS (default: events.toml).

    Nothing is written when EVENTS has a problem; files whose bytes did not change are
    left untouched. With --alarm, also a variant of every feed with reminders in
    OUTPUT/reminders/ (the default feeds never have them).

    \b
    Example:
      confcal build events.toml -o output
      confcal build --alarm 15m
    """
    from confcal.build import build as run_build

    try:
        report = run_build(
            events,
            output,
            stamp=source_date_epoch(),
            alarm=alarm,
            cache_folder=cache_folder() if cache else None,
        )
    except EventsFileError as error:
        raise click.ClickException(error.report()) from None
    click.echo(
        f"{output}: {len(report.written)} written, {len(report.unchanged)} unchanged "
        f"({len(report.written) + len(report.unchanged)} files)"
    )


for _command in (check, agenda, export):
    cli.add_command(_command)
