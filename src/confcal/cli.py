"""The command line: a thin shell around the pipeline."""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from confcal import __version__
from confcal.commands import agenda, check, export, import_schedule
from confcal.errors import STALE_STAMP, EventsFileError, ScheduleFileError, WriteError
from confcal.options import ALARM, BASE_URL, EVENTS, KEEP_CANCELLED, OUTPUT, PUBLISHED, source_date_epoch

if TYPE_CHECKING:
    from confcal.model import Programme


class BadInput(click.ClickException):
    """Bad input to a command whose exit 1 already means something else (diff: something to publish)."""

    exit_code = 2


EXIT_2_ON_BAD_INPUT = frozenset({"diff"})


class ConfcalGroup(click.Group):
    """The one error boundary: the domain error from any command becomes ``Error: ...``, exit 1
    (exit 2 for the commands in EXIT_2_ON_BAD_INPUT)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except EventsFileError as error:
            bad_input = BadInput if ctx.invoked_subcommand in EXIT_2_ON_BAD_INPUT else click.ClickException
            raise bad_input(error.report()) from None
        except ScheduleFileError as error:  # confcal import: its one message, with the position
            raise click.ClickException(str(error)) from None
        except WriteError as error:  # the output folder: read-only, full, not ours, locked
            bad_input = BadInput if ctx.invoked_subcommand in EXIT_2_ON_BAD_INPUT else click.ClickException
            raise bad_input(str(error)) from None


def cache_folder() -> Path:
    """Where build keeps its render cache: $XDG_CACHE_HOME/confcal, else ~/.cache/confcal."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "confcal"


@click.group(cls=ConfcalGroup, context_settings={"help_option_names": ["-h", "--help"]})
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
    help="Reuse events rendered by the previous build, and skip a build whose files are all "
    "already there as it would write them (kept in $XDG_CACHE_HOME/confcal); e.g. --no-cache.",
)
@ALARM
@click.option(
    "--no-alarm",
    "drop_alarm",
    is_flag=True,
    help="Stop publishing the reminders variant: delete OUTPUT/reminders/, e.g. --no-alarm.",
)
@KEEP_CANCELLED
@BASE_URL
@click.option(
    "--force",
    is_flag=True,
    help="Build into a folder that holds other files and no confcal-state.json (they are kept), "
    "e.g. -o . --force.",
)
def build(
    events: Path,
    output: Path,
    cache: bool,
    alarm: timedelta | None,
    drop_alarm: bool,
    keep_cancelled: bool,
    base_url: str | None,
    force: bool,
) -> None:
    """Build all.ics, one feed per category, papers/*.ics, index.html and schedule.xml/.json from EVENTS.

    Nothing is written when EVENTS has a problem; files whose bytes did not change are
    left untouched. With --alarm, also a variant of every feed with reminders in
    OUTPUT/reminders/ (the default feeds never have them); later builds keep it in step
    until --no-alarm. An event whose time, place, title or status changed since the last
    build (recorded in OUTPUT/confcal-state.json) gets SEQUENCE + 1 and a new LAST-MODIFIED.
    Only files an earlier build published are ever deleted; a first build into a folder
    holding other files needs --force. One build at a time per folder: another waits.

    \b
    Example:
      confcal build events.toml -o output
      confcal build --alarm 15m
      confcal build --base-url https://example.org/neurips-2023/
    """
    if alarm is not None and drop_alarm:
        raise click.UsageError("--alarm and --no-alarm contradict each other; give one")
    stamp = source_date_epoch()
    options = {"alarm": str(alarm), "keep_cancelled": str(keep_cancelled), "base_url": str(base_url)}
    options |= {"stamp": str(stamp), "drop_alarm": str(drop_alarm), "force": str(force)}
    check = None
    if cache:
        from confcal.uptodate import Check

        check = Check.of(events=events, output=output, cache_folder=cache_folder(), options=options)
        if (done := check.skip()) is not None:
            _report(output, warnings=done.warnings, written=0, unchanged=len(done.files), removed=0)
            return
    from confcal.build import publish

    report, revised = publish(
        events,
        output,
        stamp=stamp,
        alarm=alarm,
        drop_alarm=drop_alarm,
        cache_folder=cache_folder() if cache else None,
        keep_cancelled=keep_cancelled,
        base_url=base_url,
        force=force,
    )
    stale = [STALE_STAMP] if revised.stale_stamp else []
    budget = _over_budget(revised.programme, output)
    _report(
        output,
        warnings=[*stale, *report.warnings, *budget],
        written=len(report.written),
        unchanged=len(report.unchanged),
        removed=len(report.removed),
    )
    if check is not None and not report.written and not report.removed:
        # Printed again by a skipped build; report.warnings are about this run's render cache.
        check.remember(files=report.unchanged, warnings=[*stale, *budget])


def _report(output: Path, *, warnings: Iterable[str], written: int, unchanged: int, removed: int) -> None:
    for warning in warnings:
        click.echo(warning, err=True)
    gone = f", {removed} removed" if removed else ""
    click.echo(f"{output}: {written} written, {unchanged} unchanged{gone} ({written + unchanged} files)")


def _over_budget(programme: Programme, output: Path) -> list[str]:
    from confcal.budget import over_budget, uncovered
    from confcal.feeds import feeds

    every = feeds(programme)
    sizes = {feed.filename: (output / feed.filename).stat().st_size for feed in every}
    too_big = over_budget(programme.conference, every, sizes)
    return [
        f"warning: {oversize.describe(programme.conference)}: index.html offers it for download "
        "only; `confcal check` suggests a split"
        for oversize in uncovered(too_big, every, (spec.id for spec in programme.declared_feeds))
    ]


@cli.command()
@EVENTS
@PUBLISHED
@KEEP_CANCELLED
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="One line per change, or one JSON document, e.g. --format json.",
)
def diff(events: Path, output: Path, keep_cancelled: bool, output_format: str) -> None:
    """List what the next build would change for subscribers, without writing anything.

    One line per added, removed, moved, re-roomed, renamed, cancelled, restored or
    updated (other text) event, then the files that would be written. Exits 0 when there
    is nothing to publish, 1 when there is something to publish, 2 on bad input (events
    file, state file) or usage.

    \b
    Example:
      confcal diff events.toml -o output && echo "nothing to publish"
    """
    import json

    from confcal.diff import diff as run_diff

    result = run_diff(events, output, stamp=source_date_epoch(), keep_cancelled=keep_cancelled)
    if result.stale_stamp:
        click.echo(STALE_STAMP, err=True)
    if output_format == "json":
        document = {
            "changes": [c.as_json() for c in result.changes],
            "files": list(result.files),
            "removed": list(result.removed),
        }
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    elif result.empty:
        click.echo(f"{output}: nothing to publish")
    else:
        for change in result.changes:
            click.echo(str(change))
        if result.files:
            count = "1 file" if len(result.files) == 1 else f"{len(result.files)} files"
            click.echo(f"{output}: {count} would be written: {', '.join(result.files)}")
        if result.removed:
            count = "1 file" if len(result.removed) == 1 else f"{len(result.removed)} files"
            click.echo(f"{output}: {count} would be removed: {', '.join(result.removed)}")
    if not result.empty:
        raise SystemExit(1)


@cli.command()
@EVENTS
@PUBLISHED
@BASE_URL
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on, e.g. --host ::1.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on (0: any free port), e.g. --port 8080.",
)
def serve(events: Path, output: Path, base_url: str | None, host: str, port: int) -> None:
    """Preview what build would publish, on a local web server; rebuild when EVENTS changes.

    Publishes nothing: the preview is built in a scratch folder (removed when serve stops);
    OUTPUT, its state and every SEQUENCE change only with confcal build. A bad edit prints
    the problems and keeps serving the last good preview. Ctrl-C stops.

    \b
    Example:
      confcal serve                 # http://127.0.0.1:8000/
    """
    from confcal.serve import ListenError, run

    try:
        run(events=events, output=output, host=host, port=port, stamp=source_date_epoch(), base_url=base_url)
    except ListenError as error:
        raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror}") from None


for _command in (check, agenda, export, import_schedule):
    cli.add_command(_command)
