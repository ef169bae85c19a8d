"""The programme as text for a terminal: grouped by day, aligned columns. Pure formatting, but
for ``agenda_of``, which reads the events file and the published state (``confcal agenda``).

Colour is the caller's choice: ``style(text, role)`` is applied to each cell after padding
(roles: day, time, kind, title, place, and cancelled for the title of a cancelled event, which
also starts with "Cancelled: "); the default leaves text plain.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path

from confcal import zones
from confcal.filters import Filters, selection_feed
from confcal.load import load
from confcal.lock import hold
from confcal.model import Event, Programme, event_sort_key
from confcal.render import kind_label, online
from confcal.revisions import published_programme, same_conference
from confcal.settings import BuildOptions, with_overrides
from confcal.state import STATE_FILE, lost, read_state

Style = Callable[[str, str], str]


def plain(text: str, role: str) -> str:
    return text


def _local(moment: datetime, zone: tzinfo | None) -> datetime:
    """``moment`` in ``zone``; None is the machine's own zone."""
    return moment.astimezone(zone)


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal: East Asian wide and fullwidth characters take two,
    combining marks and format characters none (as wcwidth counts them)."""
    return sum(_columns(character) for character in text)


def _columns(character: str) -> int:
    if unicodedata.category(character) in ("Mn", "Me", "Cf") and character != "\u00ad":
        return 0
    return 2 if unicodedata.east_asian_width(character) in ("W", "F") else 1


def _pad(text: str, columns: int) -> str:
    return text + " " * (columns - width(text))


def _title(programme: Programme, event: Event) -> str:
    title = programme.paper(event.paper).title
    return f"Cancelled: {title}" if event.status == "cancelled" else title


def _place(programme: Programme, event: Event) -> str:
    """The room or board; an off-site venue's name after it (or alone); Online for a slot one
    joins by its url, as its calendar event says (``render.online``)."""
    if event.venue:
        venue = programme.venue(event.venue).name
        return f"{event.place}, {venue}" if event.place else venue
    return event.place or ("Online" if online(programme, event) else "–")


def agenda(
    programme: Programme, events: Iterable[Event], *, zone: tzinfo | None, style: Style = plain
) -> str:
    """One block per local day, one aligned row per event: time, kind, title, place."""
    ordered = sorted(events, key=event_sort_key)
    rows = [
        (
            zones.span(event.start, event.end, zone, dates=False),
            kind_label(programme, event),
            _title(programme, event),
            _place(programme, event),
        )
        for event in ordered
    ]
    widths = [max((width(row[column]) for row in rows), default=0) for column in range(3)]
    roles = ("time", "kind", "title", "place")
    cancelled = ("time", "kind", "cancelled", "place")
    lines: list[str] = []
    days = itertools.groupby(
        zip(ordered, rows, strict=True), key=lambda pair: _local(pair[0].start, zone).date()
    )
    for day, group in days:
        if lines:
            lines.append("")
        lines.append(style(f"{day:%A %-d %B %Y}", "day"))
        for event, row in group:
            cells = [_pad(cell, widths[i]) if i < 3 else cell for i, cell in enumerate(row)]
            row_roles = cancelled if event.status == "cancelled" else roles
            lines.append(
                "  " + "  ".join(style(cell, role) for cell, role in zip(cells, row_roles, strict=True))
            )
    return "\n".join(lines)


NO_STATE = (
    "warning: no published state ({state}): with keep_cancelled, the agenda shows the events the "
    "published feeds keep as cancelled, and none is shown; if the feeds were published, give their "
    "folder with --published"
)
LOST = (
    "warning: {output} holds published feeds but not their state ({state}): the events they keep as "
    "cancelled (keep_cancelled) are not shown; restore the state file (from version control or a backup)"
)


@dataclass(frozen=True)
class Shown:
    text: str
    warnings: tuple[str, ...] = ()


def agenda_of(
    events: Path,
    *,
    filters: Filters,
    zone: str | None,
    published: Path | None,
    options: BuildOptions,
    style: Style = plain,
) -> Shown:
    """The agenda of the events of ``events`` that pass ``filters``, in ``zone`` (an IANA name,
    'local' for this machine's zone, None for the conference's). With ``keep_cancelled`` (the
    file's, or ``options``'), the events the feeds in ``published`` (default: ``output`` beside
    ``events``; read under the shared lock) keep as cancelled are shown as cancelled, as the page
    and the feeds show them; without a state there, it warns as ``confcal export`` does.
    Raises UnknownIdError or NoMatchError (filters.py) for a selection that names or holds
    nothing, EventsFileError for a state file of another conference (``same_conference``)."""
    overrides = BuildOptions(stamp=options.stamp, keep_cancelled=options.keep_cancelled)
    programme = with_overrides(load(events), overrides)
    warnings: tuple[str, ...] = ()
    if programme.conference.keep_cancelled:
        folder = published or events.parent / "output"
        with hold(folder, exclusive=False):
            previous = read_state(folder)
        state = folder / STATE_FILE
        same_conference(programme, previous, events=events, state_name=str(state))
        if previous is None:
            warnings = ((LOST if lost(folder) else NO_STATE).format(state=state, output=folder),)
        else:
            followed = published_programme(
                programme, previous.events, venue=previous.venue, labels=previous.labels
            )
            programme = followed.programme
    feed = selection_feed(programme, filters)
    shown = None if zone == "local" else zones.zone(zone or programme.conference.timezone)
    return Shown(agenda(programme, feed.events, zone=shown, style=style), warnings)
