"""The command line: a thin shell around the pipeline."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import click

from confcal import __version__
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
    help="Folder to write the feeds into.",
)


def base_url_option(_context: click.Context, _parameter: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    from confcal.load import normalise_base_url

    try:
        return normalise_base_url(value)
    except ValueError as error:
        raise click.ClickException(f"--base-url: {error}") from None


BASE_URL = click.option(
    "--base-url",
    callback=base_url_option,
    metavar="URL",
    help="Public https address of the output folder (overrides publish.base_url); "
    "index.html needs it for subscribe links.",
)


def source_date_epoch() -> datetime | None:
    """SOURCE_DATE_EPOCH, when set, overrides publish.updated as every event's DTSTAMP."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise click.ClickException(f"SOURCE_DATE_EPOCH must be whole seconds since 1970, not {value!r}")
    return datetime.fromtimestamp(int(value), tz=UTC)


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
@BASE_URL
def build(events: Path, output: Path, base_url: str | None) -> None:
    """Build all.ics, one feed per category, papers/*.ics and index.html from EVENTS.

    Nothing is written when EVENTS has a problem; files whose bytes did not change are
    left untouched.

    \b
    Example:
      confcal build events.toml -o output
      confcal build --base-url https://example.org/neurips-2023/
    """
    from confcal.build import build as run_build

    try:
        report = run_build(events, output, stamp=source_date_epoch(), base_url=base_url)
    except EventsFileError as error:
        raise click.ClickException(error.report()) from None
    click.echo(
        f"{output}: {len(report.written)} written, {len(report.unchanged)} unchanged "
        f"({len(report.written) + len(report.unchanged)} files)"
    )


@cli.command()
@EVENTS
@OUTPUT
@BASE_URL
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on (0: any free port).",
)
def serve(events: Path, output: Path, base_url: str | None, host: str, port: int) -> None:
    """Build, then serve the output folder for a local preview; rebuild when EVENTS changes.

    A bad edit prints the problems and keeps serving the last good build. Ctrl-C stops.
    This is a preview server: publish the output folder on any static host.

    \b
    Example:
      confcal serve                 # http://127.0.0.1:8000/
    """
    from confcal.serve import ListenError, run

    try:
        run(events=events, output=output, host=host, port=port, stamp=source_date_epoch(), base_url=base_url)
    except EventsFileError as error:
        raise click.ClickException(error.report()) from None
    except ListenError as error:
        raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror}") from None
