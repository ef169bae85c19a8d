"""The command line: a thin shell around the pipeline.

Each command parses its options, calls one domain function and prints what it returns. Only
click and the options are imported here; a command imports the part of the pipeline it uses
when it runs, so ``confcal build`` never loads the preview server or the importer. The domain
errors become ``Error: ...`` in one place, ``ConfcalCommand.invoke``.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import click

from confcal import __version__
from confcal.errors import (
    EventsFileError,
    NoMatchError,
    ScheduleFileError,
    StampError,
    UnknownIdError,
    WriteError,
)
from confcal.options import (
    ALARM,
    BASE_URL,
    BESIDE_EVENTS,
    EVENTS,
    FILE_OR_DASH,
    FILTERS,
    FOLDER,
    KEEP_CANCELLED,
    OUTPUT,
    PUBLISHED,
    TZ,
    IanaZone,
    PlainText,
    beside,
    filters_of,
    source_date_epoch,
)


class BadInput(click.ClickException):
    """Bad input to a command whose exit 1 already means something else (diff: something to publish)."""

    exit_code = 2


EXIT_2_ON_BAD_INPUT = frozenset({"diff"})


class BadFaultHook(click.ClickException):
    """CONFCAL_FAULT, the fault-injection tests' hook (``faults.py``), of another form: like a bad
    option value, exit 2."""

    exit_code = 2


class ConfcalCommand(click.Command):
    """The one error boundary: the domain error from any command becomes ``Error: ...``, exit 1
    (exit 2 for the commands in EXIT_2_ON_BAD_INPUT); a filter naming an unknown id is a usage
    error (exit 2)."""

    def invoke(self, ctx: click.Context) -> Any:
        bad_input = BadInput if self.name in EXIT_2_ON_BAD_INPUT else click.ClickException
        try:
            return super().invoke(ctx)
        except EventsFileError as error:
            raise bad_input(error.report()) from None
        except ScheduleFileError as error:  # confcal import: its one message, with the position
            raise click.ClickException(str(error)) from None
        except WriteError as error:  # a folder or file: read-only, full, not ours, locked
            raise bad_input(str(error)) from None
        except StampError as error:  # SOURCE_DATE_EPOCH
            raise bad_input(str(error)) from None
        except UnknownIdError as error:  # export, agenda: --category, --paper or --kind
            raise click.UsageError(str(error), ctx) from None
        except NoMatchError as error:  # export, agenda: a selection that holds no event
            raise click.ClickException(str(error)) from None


class ConfcalGroup(click.Group):
    """Every command is a ConfcalCommand, inside the one error boundary."""

    command_class = ConfcalCommand


@click.group(cls=ConfcalGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="confcal")
def cli() -> None:
    """Publish a conference programme (events.toml) as iCalendar feeds.

    \b
    Example:
      confcal build                 # events.toml -> output/
      confcal build my.toml -o site
    """
    from confcal.faults import problem

    if message := problem():
        raise BadFaultHook(message)


@cli.command()
@EVENTS
@OUTPUT
@click.option(
    "--cache/--no-cache",
    default=True,
    show_default=True,
    help="Reuse events rendered by the previous build, and skip a build whose files are all "
    "already there as it would write them (kept in the user cache folder, e.g. ~/.cache/confcal); "
    "e.g. --no-cache.",
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
    output: Path | None,
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
    from confcal.cache import default_folder
    from confcal.publish import publish, summary
    from confcal.settings import BuildOptions

    if alarm is not None and drop_alarm:
        raise click.UsageError("--alarm and --no-alarm contradict each other; give one")
    options = BuildOptions(
        stamp=source_date_epoch(),
        alarm=alarm,
        drop_alarm=drop_alarm,
        keep_cancelled=keep_cancelled,
        base_url=base_url,
        force=force,
        cache_folder=default_folder() if cache else None,
    )
    output = beside(events, output)
    published = publish(events, output, options)
    for warning in published.warnings:
        click.echo(warning, err=True)
    click.echo(summary(output, published))


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
def diff(events: Path, published: Path | None, keep_cancelled: bool, output_format: str) -> None:
    """List what the next build would change for subscribers, without writing anything.

    One line per added, removed, moved, re-roomed, renamed, cancelled, restored or
    updated (other text) event, then the files that would be written. Exits 0 when there
    is nothing to publish, 1 when there is something to publish, 2 on bad input (events
    file, state file, SOURCE_DATE_EPOCH) or usage.

    \b
    Example:
      confcal diff events.toml --published output && echo "nothing to publish"
    """
    from confcal import diff as diffs
    from confcal.settings import BuildOptions

    options = BuildOptions(stamp=source_date_epoch(), keep_cancelled=keep_cancelled)
    published = beside(events, published)
    result = diffs.diff(events, published, options)
    for warning in result.warnings:
        click.echo(warning, err=True)
    report = diffs.report_json if output_format == "json" else diffs.report_text
    click.echo(report(published, result))
    raise SystemExit(diffs.exit_code(result))


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
def serve(events: Path, published: Path | None, base_url: str | None, host: str, port: int) -> None:
    """Preview what build would publish, on a local web server; rebuild when EVENTS changes.

    Publishes nothing: the preview is built in a scratch folder (removed when serve stops);
    PUBLISHED, its state and every SEQUENCE change only with confcal build. A bad edit prints
    the problems and keeps serving the last good preview. Ctrl-C stops.

    \b
    Example:
      confcal serve                 # http://127.0.0.1:8000/
    """
    from confcal.serve import ListenError, run
    from confcal.settings import BuildOptions

    options = BuildOptions(stamp=source_date_epoch(), base_url=base_url)
    try:
        run(events=events, published=beside(events, published), host=host, port=port, options=options)
    except ListenError as error:
        raise click.ClickException(_cannot_listen(host, port, error)) from None


def _cannot_listen(host: str, port: int, error: OSError) -> str:
    """Why serve cannot listen, and what to do: the system's reason without the socket module's
    "(while attempting to bind on address …)", which repeats the address."""
    import errno

    reason = os.strerror(error.errno) if error.errno and error.errno > 0 else str(error.strerror)
    fix = {
        errno.EADDRINUSE: f"another program (another confcal serve?) is listening there; stop it, or give "
        f"another port: --port {port + 1 if 0 < port < 65535 else 8001}, or --port 0 for any free one",
        errno.EACCES: "a port below 1024 needs more rights; give another port, e.g. --port 8000"
        if 0 < port < 1024
        else "the system keeps this port from this program (a reserved port range, or a security "
        "policy such as SELinux); give another port, e.g. --port 0 for any free one",
        errno.EADDRNOTAVAIL: "no network interface of this machine has that address; e.g. --host 127.0.0.1",
    }.get(error.errno or 0, "")
    return f"cannot listen on {host}:{port}: {reason}" + (f"; {fix}" if fix else "")


@cli.command()
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
    (errors); another event outside the dates (a talk, a keynote, a reception) or an event
    with no place (warnings); events
    that overlap, so attendees must choose (info). Exit 0 without errors, 1 with, 2 when
    build rejects EVENTS (the invalid findings: unreadable, not TOML, an unknown key or id,
    an end before its start, …), so the programme checks could not run.

    \b
    Example:
      confcal check
      confcal check --strict --format json events.toml
    """
    from confcal import check as checks

    findings, status = checks.check_file(events, strict_warnings=strict)
    report = checks.report_json if output_format == "json" else checks.report_text
    click.echo(report(str(events), findings))
    raise SystemExit(status)


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


@cli.command()
@EVENTS
@FILTERS
@TZ
@click.option(
    "--published",
    type=FOLDER,
    help="Folder of the published feeds, whose kept cancellations (keep_cancelled) the agenda "
    f"shows as cancelled {BESIDE_EVENTS}, e.g. --published site.",
)
@KEEP_CANCELLED
def agenda(
    events: Path,
    categories: tuple[str, ...],
    kinds: tuple[str, ...],
    papers: tuple[str, ...],
    days: tuple[datetime, ...],
    sessions: tuple[str, ...],
    zone: str | None,
    published: Path | None,
    keep_cancelled: bool,
) -> None:
    """Print the programme by day, in any time zone.

    Reads EVENTS (default: events.toml); takes the same filters as export; a day is a
    day in the conference's time zone. With keep_cancelled (or --keep-cancelled, as the
    feeds were built), the events the published feeds keep as cancelled are shown as cancelled.
    Colour on a terminal; none when piped or when NO_COLOR is set.

    \b
    Example:
      confcal agenda --tz Europe/Berlin --day 2023-12-12
      confcal agenda --kind oral --tz local
    """
    from confcal.agenda import agenda_of, plain
    from confcal.settings import BuildOptions

    filters = filters_of(categories, kinds, papers, days, sessions)
    style = plain if os.environ.get("NO_COLOR") else _style
    options = BuildOptions(stamp=source_date_epoch(), keep_cancelled=keep_cancelled)
    shown = agenda_of(events, filters=filters, zone=zone, published=published, options=options, style=style)
    for warning in shown.warnings:
        click.echo(warning, err=True)
    click.echo(shown.text)


@cli.command()
@EVENTS
@FILTERS
@ALARM
@click.option(
    "-o",
    "--output",
    type=FILE_OR_DASH,
    default="-",
    show_default=True,
    help="File to write, or - for stdout, e.g. -o my.ics.",
)
@click.option(
    "--published",
    type=FOLDER,
    help="Folder of the published feeds, whose SEQUENCE and LAST-MODIFIED the export keeps "
    f"{BESIDE_EVENTS}, e.g. --published site.",
)
@KEEP_CANCELLED
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
    keep_cancelled: bool,
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
    from confcal import export as exports
    from confcal.settings import BuildOptions
    from confcal.write import write_file

    filters = filters_of(categories, kinds, papers, days, sessions)
    options = BuildOptions(stamp=source_date_epoch(), alarm=alarm, keep_cancelled=keep_cancelled)
    exported = exports.export(events, filters=filters, published=published, options=options)
    for warning in exported.warnings:
        click.echo(warning, err=True)
    if str(output) == "-":
        click.echo(exported.data, nl=False)
        return
    write_file(output, exported.data)
    click.echo(exports.summary(output, exported), err=True)


@cli.command("import")
@click.argument("source", type=FILE_OR_DASH)
@click.option(
    "-o",
    "--output",
    type=FILE_OR_DASH,
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
@click.option(
    "--venue",
    type=PlainText(),
    metavar="TEXT",
    help="The conference's venue, which the format cannot hold; in a schedule confcal wrote, the room "
    "of that name holds the slots without a place, e.g. --venue 'Ernest N. Morial Convention Center'.",
)
@click.option(
    "--city",
    type=PlainText(),
    metavar="TEXT",
    help="The conference's city, which the format cannot hold, e.g. --city 'New Orleans, LA, USA'.",
)
def import_schedule(
    source: Path, output: Path, force: bool, timezone: str | None, venue: str | None, city: str | None
) -> None:
    """Write an events.toml from a frab/pretalx schedule.xml or a c3voc schedule.json.

    Writes OUTPUT: without -o, events.toml in the current folder; -o - writes to stdout.

    Each event becomes a paper with one talk (or oral, or poster, by its type) in a category
    named after its track; its guid (or id) becomes the paper id, so importing a newer export
    again keeps the UIDs; a schedule confcal wrote gives back its items, each with all its slots,
    and its categories. The schedule format names no venue or city: fill them in (or pass
    --venue and --city). An existing OUTPUT needs --force, and keeps what no schedule gives:
    the venue and city (unless given), its other [conference] keys the schedule has no value
    for, [publish] but updated (never earlier than its own), [kinds], [[venues]], [[rooms]],
    [[sessions]] and [[feeds]]; its entries are written anew. The schedule of another conference
    (another title and id) keeps nothing of it. Nothing is written when SOURCE or OUTPUT has a
    problem.

    \b
    Example:
      confcal import output/schedule.xml -o imported.toml
      confcal import output/schedule.json -o - --timezone America/Chicago
    """
    from confcal.importer import (
        Kept,
        another_conference,
        events_toml,
        import_stamp,
        kept_from,
        read_schedule,
        read_source,
        stamp_over,
    )
    from confcal.mistakes import PLACEHOLDER_CITY, PLACEHOLDER_VENUE
    from confcal.write import own_descriptor, write_file

    raw, name = read_source(source)
    to_stdout = str(output) == "-"
    # os.path, not Path: a name too long or a loop of links is no file here, and write_file says why;
    # nor is a pipe or a device, which write_file writes to, or the process's own stdout (-o
    # /dev/stdout > file), which write_file writes through as a shell's > or >> opened it
    again = not to_stdout and os.path.isfile(output) and own_descriptor(output) is None
    if again and not force:
        raise click.ClickException(f"{output} exists; pass --force to overwrite it, or -o another file")
    schedule = read_schedule(raw, name=name)
    kept = kept_from(output) if again else Kept()
    if other := another_conference(schedule, kept):
        click.echo(other, err=True)
        kept = Kept()
    stamp = import_stamp()
    text = events_toml(schedule, timezone=timezone, venue=venue, city=city, updated=stamp, kept=kept)
    if (written_stamp := stamp_over(kept, stamp)) != stamp:
        replaced = written_stamp - timedelta(seconds=1)
        click.echo(
            f"{output}: publish.updated is {written_stamp:%Y-%m-%dT%H:%M:%SZ}, a second after the "
            f"{replaced:%Y-%m-%dT%H:%M:%SZ} of the file it replaces, which is later than the "
            f"import ({stamp:%Y-%m-%dT%H:%M:%SZ}): a build refuses a stamp not later than one it published",
            err=True,
        )
    if to_stdout:
        click.echo(text, nl=False)
        return
    write_file(output, text.encode())
    import re

    events = len(re.findall(r"^\[\[?(?:papers|items)\.", text, flags=re.MULTILINE))
    entries = len(re.findall(r"^\[\[(?:papers|items)\]\]$", text, flags=re.MULTILINE))
    written = {"venue": venue or kept.conference.get("venue"), "city": city or kept.conference.get("city")}
    missing = [key for key, value in written.items() if value in (None, PLACEHOLDER_VENUE, PLACEHOLDER_CITY)]
    fill_in = f"; fill in conference.{' and .'.join(missing)}" if missing else ""
    click.echo(f"{output}: {events} events ({entries} items) from {name}{fill_in}", err=True)
