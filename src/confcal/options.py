"""Options and parameter types shared by the commands; imports only click (the pipeline loads lazily).

A bad option value fails in its ``click.ParamType`` (exit 2, click's usage error), so every
command that takes a lead time, a public URL or a time zone checks it the same way. Each shared
option is a decorator named in capitals (EVENTS, OUTPUT, PUBLISHED, FILTERS, …).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from confcal.model import Filters

F = TypeVar("F", bound=Callable[..., Any])


class LeadTime(click.ParamType[timedelta, Any]):
    """How long before an event its reminder fires: '15m', '1h', '90m', '1h30m'."""

    name = "lead"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> timedelta:
        if isinstance(value, timedelta):
            return value
        from confcal.reminders import parse_lead_time

        try:
            return parse_lead_time(value)
        except ValueError as error:
            self.fail(str(error), param, ctx)


class PublicURL(click.ParamType[str, Any]):
    """The public https address of the output folder, normalised to end with '/'."""

    name = "url"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from confcal.load import normalise_base_url

        try:
            return normalise_base_url(value)
        except ValueError as error:
            self.fail(str(error), param, ctx)


class TimeZone(click.ParamType[str, Any]):
    """An IANA time zone name, or 'local' for this machine's zone."""

    name = "zone"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        if value == "local":
            return "local"
        from confcal import zones

        try:
            zones.zone(value)
        except zones.UnknownZoneError as error:  # the events file's message: abbreviations name their zones
            self.fail(f"{error}; or 'local' for this machine's zone", param, ctx)
        return str(value)


class IanaZone(click.ParamType[str, Any]):
    """An IANA time zone name such as Europe/Berlin (no 'local': a file needs a named zone)."""

    name = "zone"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from confcal import zones

        try:
            zones.zone(value)
        except zones.UnknownZoneError as error:
            self.fail(str(error), param, ctx)
        return str(value)


class PlainText(click.ParamType[str, Any]):
    """Text written into the events file as it is, such as the conference's venue: no
    bidirectional control character, which shows it in another order than it is stored, nor a
    noncharacter, which XML files cannot carry: the events file refuses both
    (``checked.hidden_problem``)."""

    name = "text"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from confcal.checked import hidden_problem, show

        if problem := hidden_problem(str(value)):
            self.fail(f"{show(value)} {problem}; remove it", param, ctx)
        return str(value)


class PathName(click.Path):
    """A file or folder name, taken as typed: what is at that path (nothing, a file where a folder
    should be, no permission) is the command's to find out and report as it reads or writes (exit
    1, naming the path), not a usage error. ``file_okay``/``dir_okay`` only choose the metavar and
    what shell completion offers."""

    def __init__(self, *, file_okay: bool = True, dir_okay: bool = True, allow_dash: bool = False) -> None:
        super().__init__(path_type=Path, file_okay=file_okay, dir_okay=dir_okay, allow_dash=allow_dash)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        return value if isinstance(value, Path) else Path(value)


FILE = PathName(dir_okay=False)
FOLDER = PathName(file_okay=False)
FILE_OR_DASH = PathName(dir_okay=False, allow_dash=True)
"""Path types for a file, a folder, a file or - (stdin or stdout)."""

EVENTS = click.argument("events", type=FILE, default="events.toml", required=False)


class QuietAliases(click.Option):
    """An option whose old spellings (``aliases``) still work but are shown in no help or message."""

    def __init__(self, *args: Any, aliases: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.aliases = aliases

    def _shown(self) -> list[str]:
        return [opt for opt in self.opts if opt not in self.aliases]

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        opts, self.opts = self.opts, self._shown()
        try:
            return super().get_help_record(ctx)
        finally:
            self.opts = opts

    def get_error_hint(self, ctx: click.Context | None) -> str:
        return " / ".join(f"'{opt}'" for opt in self._shown())


BESIDE_EVENTS = "[default: output, beside EVENTS]"
"""What the published folder defaults to in every command: ``output`` in the events file's folder
(``beside``), wherever the command is run from."""

OUTPUT = click.option(
    "-o",
    "--output",
    type=FOLDER,
    help=f"Folder to write the feeds into {BESIDE_EVENTS}, e.g. -o site.",
)
PUBLISHED = click.option(
    "--published",
    "-o",
    "--output",
    "published",
    cls=QuietAliases,
    aliases=("-o", "--output"),
    type=FOLDER,
    help=f"Folder holding the published feeds (the last build) {BESIDE_EVENTS}, e.g. --published site.",
)
"""The published folder of a command that reads it (diff, serve); ``-o``/``--output``, its
first spelling, still works."""
KEEP_CANCELLED = click.option(
    "--keep-cancelled",
    is_flag=True,
    help="Keep published events that the events file dropped, as STATUS:CANCELLED "
    "(same as keep_cancelled = true in [publish]), e.g. --keep-cancelled.",
)
ALARM = click.option(
    "--alarm",
    type=LeadTime(),
    metavar="LEAD",
    help="Add a reminder LEAD before each event (15m, 1h, 90m, 1h30m), e.g. --alarm 15m.",
)
BASE_URL = click.option(
    "--base-url",
    type=PublicURL(),
    metavar="URL",
    help="Public https address of the output folder (overrides publish.base_url). Served from a "
    "real http(s) host, index.html makes its subscribe links from its own address; QR codes, "
    "subscriptions to picks, schedule.xml's <url> and subscribe links on the page opened from a "
    "file need it, e.g. --base-url https://example.org/neurips-2023/.",
)
TZ = click.option(
    "--tz",
    "zone",
    type=TimeZone(),
    metavar="ZONE",
    help="Show times in ZONE (IANA name, or 'local' for this machine); default: the conference's, "
    "e.g. --tz Europe/Berlin.",
)


def beside(events: Path, folder: Path | None) -> Path:
    """The published folder a command builds into or reads: ``folder`` when given, else ``output``
    beside ``events`` (``output`` for ``events.toml``), so ``confcal build proj/events.toml`` run
    from proj's parent finds proj/output, as ``diff``, ``serve``, ``export`` and ``agenda`` do."""
    return folder if folder is not None else events.parent / "output"


def _complete_kind(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """The predeclared kinds (kinds declared in an events file are not known before it is read)."""
    from confcal.model import KINDS

    return [kind for kind in KINDS if kind.startswith(incomplete)]


def _together(*options: Callable[[F], F]) -> Callable[[F], F]:
    """One decorator applying ``options`` in order (the first is listed first in ``--help``)."""

    def apply(function: F) -> F:
        for option in reversed(options):
            function = option(function)
        return function

    return apply


FILTERS = _together(
    click.option(
        "--category",
        "--track",
        "categories",
        multiple=True,
        metavar="ID",
        help="Only this category: an award or a track (repeatable), e.g. --category test-of-time.",
    ),
    click.option(
        "--kind",
        "kinds",
        multiple=True,
        metavar="KIND",
        shell_complete=_complete_kind,
        help="Only this kind (oral, poster, talk or one declared in [kinds]; repeatable), e.g. --kind oral.",
    ),
    click.option(
        "--paper",
        "papers",
        multiple=True,
        metavar="ID",
        help="Only this paper's events (repeatable), e.g. --paper word2vec.",
    ),
    click.option(
        "--day",
        "days",
        multiple=True,
        type=click.DateTime(formats=["%Y-%m-%d"]),
        help="Only this day, in the conference's time zone (repeatable), e.g. --day 2023-12-12.",
    ),
    click.option(
        "--session",
        "sessions",
        multiple=True,
        metavar="ID|NAME",
        help="Only this session's events: a declared session's id, or a session's name "
        "(repeatable), e.g. --session posters, --session 'Poster session 2'.",
    ),
)
"""--category, --kind, --paper, --day, --session: AND across options, OR within a repeated one;
``filters_of`` turns their values into ``Filters``."""


def filters_of(
    categories: tuple[str, ...],
    kinds: tuple[str, ...],
    papers: tuple[str, ...],
    days: tuple[datetime, ...],
    sessions: tuple[str, ...],
) -> Filters:
    """The selection that FILTERS' five options describe."""
    from confcal.model import Filters

    return Filters(
        categories=categories,
        kinds=kinds,
        papers=papers,
        days=tuple(day.date() for day in days),
        sessions=sessions,
    )


LAST_YEAR = 2999
"""The last year SOURCE_DATE_EPOCH may fall in: publish.updated's (``confcal.load.reader.YEARS``),
not imported from there so that a build with nothing to write never loads the pipeline."""


def source_date_epoch() -> datetime | None:
    """SOURCE_DATE_EPOCH, when set and not empty, overrides publish.updated as every event's DTSTAMP.

    Its value is what ``date +%s`` prints: ASCII digits, the seconds since 1970-01-01 00:00:00 UTC,
    up to the end of LAST_YEAR. Anything else stops the command (StampError): a reproducible build
    never stamps with a guess.
    """
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    last = int(datetime(LAST_YEAR + 1, 1, 1, tzinfo=UTC).timestamp()) - 1
    digits = value.isascii() and value.isdigit()
    seconds = value.lstrip("0") or "0"  # int() refuses more than 4300 digits, leading zeros too
    if digits and len(seconds) <= len(str(last)) and int(seconds) <= last:
        return datetime.fromtimestamp(int(seconds), tz=UTC)
    from confcal.errors import StampError

    shown = value if len(value) <= 24 else f"{value[:20]}…"
    what = f"a time after {LAST_YEAR}" if digits else "not ASCII digits"
    raise StampError(
        f"SOURCE_DATE_EPOCH is {shown!r}, {what}; expected the seconds since 1970-01-01 00:00:00 UTC "
        f"up to {last} (the end of {LAST_YEAR}, as for publish.updated); "
        "unset it, or set it to e.g. $(git log -1 --format=%ct)"
    )
