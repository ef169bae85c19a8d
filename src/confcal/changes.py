"""Releases → ``changes.html`` and ``changes.atom``: what changed, in attendees' words.

A calendar is a poor messenger of changes: Google refreshes a subscription every 8–24 hours
and deletes a cancelled event outright, and an importer never hears of a change. The page
and its Atom feed list every release newest first, one line per change, each linking to the
event on index.html. Pure and deterministic: every date comes from the releases.
"""

from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from html.parser import HTMLParser

from confcal import zones
from confcal.checked import line_problem, public_address
from confcal.model import Programme
from confcal.pages import CHANGES_FEED, CHANGES_PAGE, INDEX, render
from confcal.releases import NO_PLACE, Change, Names, Release, Span, shown_start, venue_moves


@dataclass(frozen=True)
class Line:
    """One change as a sentence: ``before`` + the event (a link when it is on the page) + ``after``
    (laid out by templates/change.html)."""

    before: str
    event: str
    after: str
    target: str = ""
    """The event's address on index.html ("" when it is no longer there)."""

    @property
    def text(self) -> str:
        return f"{self.before}{self.event}{self.after}"


def lines(programme: Programme, release: Release) -> list[Line]:
    """``release`` in words: first one line for each move of the conference's venue that took
    several events along, each at its place there (``Change.venues``); then each other change,
    its event named as it was when the release was published; where two events of the release
    are named alike (two coffee breaks), each with its start, and where they start alike too (two
    rooms' coffee breaks), with its place as released (``Change.place``)."""
    zone = zones.zone(programme.conference.timezone)
    starts = {event.id: event.start for event in programme.events}
    on_page = set(starts)
    moves = venue_moves(release)
    changes = [change for change in release.changes if change.venues not in moves]
    events_named: dict[str, set[str]] = {}
    for change in changes:
        events_named.setdefault(change.name, set()).add(change.id)

    def told_apart(change: Change) -> str:
        when = shown_start(change, starts, zone) if len(events_named[change.name]) > 1 else ""
        return ", ".join(part for part in (when, change.place) if part)

    return [
        *(_venue_line(venues, count) for venues, count in moves.items()),
        *(_line(change.name, change, zone, on_page, when=told_apart(change)) for change in changes),
    ]


def _venue_line(venues: tuple[str, str], count: int) -> Line:
    """A move of the conference's venue in words, with how many events it took along."""
    was, now = venues
    moved = f"{count} events moved from {was} to {now}, each to the same room there."
    return Line("Venue changed: ", "", moved)


def _line(label: str, change: Change, zone: tzinfo, on_page: set[str], *, when: str = "") -> Line:
    """``change`` in words, its event named ``label``, and ``when`` it starts (and where) when that
    tells it from another event of its release named alike."""
    target = f"{INDEX}#{change.id}" if change.id in on_page else ""
    label = f"{label} ({when})" if when else label
    was, now = _span(change.was, zone), _span(change.now, zone)
    match change.kind:
        case "added":
            return Line("Added: ", label, f", {now}.", target)
        case "removed":
            return Line("Removed: ", label, f" (was {was}).", target)
        case "cancelled":
            return Line("Cancelled: ", label, f" (was {was}).", target)
        case "restored":
            return Line("Back on the programme: ", label, f", {now}.", target)
        case "moved":
            return Line("Moved: ", label, f", from {_moved(change.was, change.now, zone)}.", target)
        case "re-roomed":
            return Line(
                "Place changed: ", label, f", from {_place(change.old)} to {_place(change.new)}.", target
            )
        case "renamed":
            return Line("Renamed: ", label, f" (was “{change.old}”).", target)
        case "updated":
            return Line("Details updated: ", label, ".", target)


def _span(span: Span | None, zone: tzinfo) -> str:
    """'Tue 12 Dec 2023, 15:40–16:40 CST' in the conference's zone."""
    return "time not recorded" if span is None else zones.span(*span, zone)


def _moved(was: Span | None, now: Span | None, zone: tzinfo) -> str:
    """From one span to the other, the new day only when it differs."""
    same_day = was and now and was[0].astimezone(zone).date() == now[0].astimezone(zone).date()
    if same_day and now:
        return f"{_span(was, zone)} to {zones.span(*now, zone, dates=False)}"
    return f"{_span(was, zone)} to {_span(now, zone)}"


def _place(value: str) -> str:
    return "no announced place" if value == NO_PLACE else value


def _when(stamp: datetime) -> str:
    return f"{stamp.astimezone(UTC):%-d %B %Y, %H:%M} UTC"


def _count(changes: Sequence[Change]) -> str:
    return "1 change" if len(changes) == 1 else f"{len(changes)} changes"


def render_changes_page(
    programme: Programme,
    releases: Sequence[Release],
    *,
    published: datetime,
) -> bytes:
    """changes.html (templates/changes.html): the releases newest first. ``published``: when
    the programme was first published (shown while there is no release)."""
    return render(
        CHANGES_PAGE,
        name=programme.conference.name,
        published=_when(published),
        releases=[_release(programme, release) for release in reversed(releases)],
    )


@dataclass(frozen=True)
class _ReleaseView:
    anchor: str
    when: str
    count: str
    lines: list[Line]


def _release(programme: Programme, release: Release) -> _ReleaseView:
    return _ReleaseView(
        release.anchor, _when(release.stamp), _count(release.changes), lines(programme, release)
    )


def feed_id(programme: Programme, release: Release | None = None) -> str:
    """A stable urn:uuid for the feed, or for one of its entries: from the conference id and
    the release's stamp, so it never changes when the page moves or is rebuilt."""
    name = f"confcal:{programme.conference.id}:changes"
    if release is not None:
        name += f":{release.stamp.astimezone(UTC):%Y%m%dT%H%M%SZ}"
    return uuid.uuid5(uuid.NAMESPACE_URL, name).urn


def render_changes_feed(
    programme: Programme,
    releases: Sequence[Release],
    *,
    published: datetime,
) -> bytes:
    """changes.atom (templates/changes.atom): one entry per release (RFC 4287), its lines as
    ``render_changes_page`` words them. Addresses are relative without a ``base_url``, and the
    feed then has no ``rel="self"`` link (it must be absolute)."""
    conference = programme.conference
    base = public_address(conference.base_url)
    return render(
        CHANGES_FEED,
        id=feed_id(programme),
        name=conference.name,
        website=conference.website,
        updated=_instant(max((release.stamp for release in releases), default=published)),
        base=base,
        page=base + CHANGES_PAGE,
        feed=base + CHANGES_FEED if base else "",
        entries=[_entry(programme, release) for release in reversed(releases)],
    )


@dataclass(frozen=True)
class _Entry:
    id: str
    title: str
    updated: str
    anchor: str
    when: str
    lines: list[Line]


# What XML 1.0 allows in no document (its Char production): a feed holding one is not well-formed,
# and feed readers refuse all of it.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _in_xml(line: Line) -> Line:
    """``line`` with each character XML does not allow as U+FFFD (a state file may hold one)."""
    before, event, after = (_NOT_XML.sub("\ufffd", text) for text in (line.before, line.event, line.after))
    return dataclasses.replace(line, before=before, event=event, after=after)


def _entry(programme: Programme, release: Release) -> _Entry:
    """A release as a feed entry, titled by its one change or by how many there are."""
    release_lines = [_in_xml(line) for line in lines(programme, release)]
    title = (
        release_lines[0].text
        if len(release_lines) == 1
        else f"{_count(release.changes)} to the programme of {programme.conference.name}"
    )
    return _Entry(
        feed_id(programme, release),
        title,
        _instant(release.stamp),
        release.anchor,
        _when(release.stamp),
        release_lines,
    )


def _instant(value: datetime) -> str:
    return f"{value.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"


def named_as_shown(
    page: bytes, releases: Sequence[Release], *, timezone: str, names: Names
) -> tuple[Release, ...]:
    """``releases``, each change without a name (a state file written before names were
    recorded) named as ``page``, the changes.html published with them, words its event: the
    release's lines are its changes in order, each the words of ``_line`` around the name
    (``_shown_name``). ``names``: the events as the state file records them (``Names``). A change
    whose line says something else (the page was edited, the conference's time zone changed) is
    left without a name."""
    shown = _ShownLines(page.decode("utf-8", errors="replace")).lines
    zone = zones.zone(timezone)
    named = []
    for release in releases:
        items = shown.get(release.anchor, [])
        if len(items) != len(release.changes):
            named.append(release)
            continue
        changes = []
        for change, item in zip(release.changes, items, strict=True):
            name = change.name or _shown_name(item, change, zone, names)
            changes.append(change if name == change.name else dataclasses.replace(change, name=name))
        named.append(Release(release.stamp, tuple(changes)))
    return tuple(named)


SHOWN_PREFIX_MAX_LENGTH = 200
"""The longest label or session name read back from a changelog (``_shown_name``)."""

# What HTML shows as one space (a line wrapped by an editor or a formatter reads the same).
_WHITE_SPACE = re.compile(r"[ \t\n\f\r]+")


def _shown_name(item: str, change: Change, zone: tzinfo, names: Names) -> str:
    """The name ``item``, a line of changes.html, gives ``change``, when it is one ``names`` could
    have given it: the recorded title and part (``Names.parts``) after a label or a session name
    that is one line of text as the events file takes it (``checked.line_problem``), or the title
    and part alone where ``names`` gives no label (a session). White space is compared as HTML
    shows it; the name is the state file's title and part after the label as shown. "" for
    anything else: the page does not show the line as confcal wrote it."""
    line = _line("", change, zone, set())
    text, before, after = (_WHITE_SPACE.sub(" ", value) for value in (item.strip(), line.before, line.after))
    if len(text) < len(before) + len(after) or not (text.startswith(before) and text.endswith(after)):
        return ""
    shown = text[len(before) : len(text) - len(after)]
    when = shown_start(change, {event.id: event.start for event in names.programme.events}, zone)
    if when and shown.endswith(f" ({when})"):  # told from an event named alike (``lines``)
        return _shown_label(shown, change, names) or _shown_label(shown[: -len(f" ({when})")], change, names)
    return _shown_label(shown, change, names)


def _shown_label(shown: str, change: Change, names: Names) -> str:
    """``_shown_name`` of the event's name as shown, without the words around it."""
    today = names(change)
    if shown == _WHITE_SPACE.sub(" ", today):
        return today
    part = f" (part {names.parts[change.id]})" if change.id in names.parts else ""
    labelled = f": {_WHITE_SPACE.sub(' ', change.title)}{part}"
    if today == f"{change.title}{part}" or not shown.endswith(labelled):
        return ""
    label = shown[: -len(labelled)]
    if label != label.strip() or line_problem(label, max_length=SHOWN_PREFIX_MAX_LENGTH):
        return ""
    return f"{label}: {change.title}{part}"


class _ShownLines(HTMLParser):
    """The text of each release's lines on changes.html, by the release's anchor."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.lines: dict[str, list[str]] = {}
        self._anchor = ""
        self._text: list[str] | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "h2":
            self._anchor = dict(attrs).get("id") or ""
        elif tag == "li" and self._anchor:
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "li" and self._text is not None:
            self.lines.setdefault(self._anchor, []).append("".join(self._text))
            self._text = None
        elif tag == "section":
            self._anchor = ""

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)
