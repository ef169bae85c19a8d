"""Programme → iCalendar bytes. Pure and deterministic: no clock, no I/O.

Each VEVENT is serialised once by icalendar and its bytes are reused by every feed that
holds it. A calendar is icalendar's own serialisation of its header and VTIMEZONE, with
the event blocks spliced in before ``END:VCALENDAR``: byte for byte what icalendar writes
for the same Calendar holding those events (tests/test_render.py checks this).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import icalendar
from icalendar.timezone import TZP

from confcal.feeds import Feed
from confcal.model import KIND_LABELS, Event, Paper, Programme

PRODID = "-//confcal//confcal//EN"
UID_DOMAIN = "confcal"
_END = b"END:VCALENDAR\r\n"


def uid(programme: Programme, event: Event) -> str:
    """Stable identity of a slot: conference, paper and kind of session, never a title or index."""
    return f"{programme.conference.id}.{event.id}@{UID_DOMAIN}"


def summary(event: Event, paper: Paper) -> str:
    prefix = event.session if event.kind == "talk" else KIND_LABELS[event.kind]
    return f"{prefix}: {paper.title}"


def location(programme: Programme, event: Event) -> str:
    return f"{event.place}, {programme.conference.venue}" if event.place else ""


def local_span(event: Event) -> str:
    """'Tue 12 Dec 2023, 15:40–16:40 CST' in the conference's zone."""
    start, end = event.start, event.end
    until = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%a %-d %b %Y, %H:%M}"
    return f"{start:%a %-d %b %Y, %H:%M}–{until} {end:%Z}"


def award(programme: Programme, paper: Paper) -> str:
    name = programme.category(paper.category).name
    return f"{name} ({paper.subcategory} category)" if paper.subcategory else name


def description(programme: Programme, event: Event) -> str:
    paper = programme.paper(event.paper)
    conference = programme.conference
    where = location(programme, event) or "not announced"
    details = [
        award(programme, paper),
        f"{event.session}: {local_span(event)} ({conference.timezone})",
        f"Place: {where}",
    ]
    if event.speakers:
        details.append(f"Speakers: {', '.join(event.speakers)}")
    details.append(
        "Streamed and available virtually." if event.kind in conference.streamed else "Not streamed."
    )
    blocks = ["\n".join(details), f"Authors: {', '.join(paper.authors)}"]
    if paper.note:
        blocks.append(paper.note)
    if paper.abstract:
        blocks.append(f"Abstract: {paper.abstract}")
    links = ([("Paper", paper.url)] if paper.url else []) + [(li.label, li.url) for li in paper.links]
    if links:
        blocks.append("Links:\n" + "\n".join(f"{label}: {url}" for label, url in links))
    footer = f"{conference.name}, {conference.venue}, {conference.city}"
    blocks.append(f"{footer}: {conference.website}" if conference.website else footer)
    return "\n\n".join(blocks)


def render_event(programme: Programme, event: Event) -> bytes:
    """One VEVENT, serialised by icalendar."""
    paper = programme.paper(event.paper)
    component = icalendar.Event()
    component.add("uid", uid(programme, event))
    component.add("dtstamp", programme.conference.updated)
    component.add("dtstart", event.start)
    component.add("dtend", event.end)
    component.add("summary", summary(event, paper))
    if place := location(programme, event):
        component.add("location", place)
    component.add("description", description(programme, event))
    if paper.url:
        component.add("url", paper.url)
    component.add("categories", [programme.category(paper.category).name, KIND_LABELS[event.kind]])
    component.add("status", "CONFIRMED")
    return bytes(component.to_ical())


def render_events(programme: Programme) -> dict[str, bytes]:
    """Every event of the programme, rendered once, by event id."""
    return {event.id: render_event(programme, event) for event in programme.events}


def timezone_component(programme: Programme) -> icalendar.Timezone:
    """The conference's VTIMEZONE, limited to the years its events span.

    Built from the zoneinfo database (icalendar's pytz provider writes the DTSTART of a
    return to standard time in the new offset, where RFC 5545 wants the old one). The
    COMMENT icalendar adds is dropped: RFC 5545 allows none at the VTIMEZONE level.
    """
    years = [e.start.year for e in programme.events] + [e.end.year for e in programme.events]
    component = icalendar.Timezone.from_tzid(
        programme.conference.timezone,
        tzp=TZP("zoneinfo"),
        first_date=date(min(years), 1, 1),
        last_date=date(max(years) + 1, 1, 1),
    )
    component.pop("COMMENT", None)
    return component


def calendar_head(programme: Programme, feed: Feed, vtimezone: icalendar.Timezone) -> bytes:
    """The feed's calendar serialised by icalendar, without its closing line."""
    conference = programme.conference
    calendar = icalendar.Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", PRODID)
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", feed.name)
    calendar.add("x-wr-calname", icalendar.vText(feed.name))
    calendar.add("description", feed.description)
    calendar.add("x-wr-caldesc", icalendar.vText(feed.description))
    calendar.add("x-wr-timezone", icalendar.vText(conference.timezone))
    calendar.add("refresh-interval", conference.refresh_interval, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(conference.refresh_interval))
    if conference.website:
        calendar.add("url", conference.website)
    calendar.add_component(vtimezone)
    data = bytes(calendar.to_ical())
    assert data.endswith(_END)
    return data[: -len(_END)]


def assemble(head: bytes, blocks: Iterable[bytes]) -> bytes:
    return head + b"".join(blocks) + _END


def render_feeds(
    programme: Programme, feeds: Iterable[Feed], *, blocks: Mapping[str, bytes] | None = None
) -> dict[str, bytes]:
    """Each feed's file name → its bytes, every event serialised only once.

    ``blocks`` replaces the events ``render_events`` gives (the reminders variant).
    """
    if blocks is None:
        blocks = render_events(programme)
    vtimezone = timezone_component(programme)
    return {
        feed.filename: assemble(
            calendar_head(programme, feed, vtimezone), (blocks[e.id] for e in feed.events)
        )
        for feed in feeds
    }
