"""Releases → ``changes.html`` and ``changes.atom``: what changed, in attendees' words.

A calendar is a poor messenger of changes: Google refreshes a subscription every 8–24 hours
and deletes a cancelled event outright, and an importer never hears of a change. The page
and its Atom feed list every release newest first, one line per change, each linking to the
event on index.html. Pure and deterministic: every date comes from the releases.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from html import escape

from confcal import zones
from confcal.model import Programme
from confcal.releases import NO_PLACE, Change, Release, Span
from confcal.site import CHANGES_FEED, CHANGES_PAGE, INDEX, page_head


@dataclass(frozen=True)
class Line:
    """One change as a sentence: ``before`` + the event (a link when it is on the page) + ``after``."""

    before: str
    event: str
    after: str
    target: str = ""
    """The event's address on index.html ("" when it is no longer there)."""

    @property
    def text(self) -> str:
        return f"{self.before}{self.event}{self.after}"

    def html(self, base: str = "") -> str:
        label = _text(self.event)
        if self.target:
            label = f'<a href="{_attr(base + self.target)}">{label}</a>'
        return f"{_text(self.before)}{label}{_text(self.after)}"


def lines(programme: Programme, release: Release) -> list[Line]:
    zone = zones.zone(programme.conference.timezone)
    on_page = {event.id for event in programme.events}
    return [_line(programme, change, zone, on_page) for change in release.changes]


def _line(programme: Programme, change: Change, zone: tzinfo, on_page: set[str]) -> Line:
    kind = re.sub(r"-[0-9]+$", "", change.id.rpartition(".")[2])  # 'tutorial.talk-2' is a talk
    label = f"{programme.kind_label(kind)}: {change.title}"
    target = f"{INDEX}#{change.id}" if change.id in on_page else ""
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


def render_changes_page(programme: Programme, releases: Sequence[Release], *, published: datetime) -> bytes:
    """changes.html: the releases newest first. ``published``: when the programme was first
    published (shown while there is no release)."""
    name = programme.conference.name
    parts = [
        *page_head(f"{name}: programme changes"),
        "<body>",
        "<header>",
        f"<h1>{_text(name)}: programme changes</h1>",
        "<p>Every change to the programme since it was first published, newest first. Calendar "
        "apps can take a day to show a change, and some hide cancelled events: check here. "
        f'Follow this page in a feed reader: <a href="{CHANGES_FEED}">Atom feed</a>.</p>',
        f'<p><a href="{INDEX}">Programme and calendar feeds</a></p>',
        "</header>",
        "<main>",
    ]
    if not releases:
        parts.append(
            f"<p>No changes yet: the programme is as first published on {_text(_when(published))}.</p>"
        )
    for release in reversed(releases):
        parts += [
            f'<section aria-labelledby="{release.anchor}">',
            f'<h2 id="{release.anchor}">{_text(_when(release.stamp))}</h2>',
            f'<p class="muted">{_count(release.changes)}</p>',
            "<ul>",
            *(f"<li>{line.html()}</li>" for line in lines(programme, release)),
            "</ul>",
            "</section>",
        ]
    parts += [
        "</main>",
        "<footer>",
        '<p class="muted">Built with confcal.</p>',
        "</footer>",
        "</body>",
        "</html>",
    ]
    return ("\n".join(parts) + "\n").encode()


def feed_id(programme: Programme, release: Release | None = None) -> str:
    """A stable urn:uuid for the feed, or for one of its entries: from the conference id and
    the release's stamp, so it never changes when the page moves or is rebuilt."""
    name = f"confcal:{programme.conference.id}:changes"
    if release is not None:
        name += f":{release.stamp.astimezone(UTC):%Y%m%dT%H%M%SZ}"
    return uuid.uuid5(uuid.NAMESPACE_URL, name).urn


def render_changes_feed(programme: Programme, releases: Sequence[Release], *, published: datetime) -> bytes:
    """changes.atom: one entry per release (RFC 4287). Addresses are relative without a
    ``base_url``, and the feed then has no ``rel="self"`` link (it must be absolute)."""
    conference = programme.conference
    base = conference.base_url
    page = _attr(base + CHANGES_PAGE)
    updated = max((release.stamp for release in releases), default=published)
    author = f"<name>{_text(conference.name)}</name>"
    if conference.website:
        author += f"<uri>{_text(conference.website)}</uri>"
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">',
        f"  <id>{feed_id(programme)}</id>",
        f"  <title>{_text(conference.name)}: programme changes</title>",
        f"  <subtitle>Every change to the programme of {_text(conference.name)}: "
        "moved, re-roomed, renamed, added and cancelled events.</subtitle>",
        f"  <updated>{_instant(updated)}</updated>",
        f"  <author>{author}</author>",
        "  <generator>confcal</generator>",
        f'  <link rel="alternate" type="text/html" href="{page}"/>',
    ]
    if base:
        parts.append(f'  <link rel="self" type="application/atom+xml" href="{_attr(base + CHANGES_FEED)}"/>')
    for release in reversed(releases):
        release_lines = lines(programme, release)
        title = (
            release_lines[0].text
            if len(release_lines) == 1
            else f"{_count(release.changes)} to the programme of {conference.name}"
        )
        items = "".join(f"<li>{line.html(base)}</li>" for line in release_lines)
        parts += [
            "  <entry>",
            f"    <id>{feed_id(programme, release)}</id>",
            f"    <title>{_text(title)}</title>",
            f"    <updated>{_instant(release.stamp)}</updated>",
            f'    <link rel="alternate" type="text/html" href="{page}#{release.anchor}"/>',
            '    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
            f"<p>{_text(_when(release.stamp))}:</p><ul>{items}</ul></div></content>",
            "  </entry>",
        ]
    parts.append("</feed>")
    return ("\n".join(parts) + "\n").encode()


def _instant(value: datetime) -> str:
    return f"{value.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"


def _text(value: str) -> str:
    return escape(value, quote=False)


def _attr(value: str) -> str:
    return escape(value, quote=True)
