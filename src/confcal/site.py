"""Programme + feeds → ``index.html``: the one page people are sent to. Pure and deterministic.

Plain HTML with inline CSS that reads fully without JavaScript; one inline script
(``page.js``) adds search and filters, a switch to the viewer's time zone and picks (stars kept
in the browser and in the address, a panel to download them or subscribe to them through the
personal-feed service, ``confcal.web``). No fonts or other requests. Download links are
relative, so the page works on any static host and in ``confcal serve``; subscribe links
need the public address (``publish.base_url``). Without one, the script makes them from the
page's own address when it is served over http(s), as ``feed_links`` does; opened from a folder
(file://), on a loopback address (``confcal serve``'s preview, which no calendar service can
fetch) or without scripts, the page offers downloads, with a note to organizers.
"""

from __future__ import annotations

import functools
import importlib.resources
import itertools
import json
from collections import Counter
from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

from confcal import zones
from confcal.budget import Oversize, megabytes
from confcal.checked import public_address as public_address
from confcal.feeds import Feed
from confcal.model import DAY_CHANGE, Event, Programme, Session, spanning
from confcal.pages import CHANGES_FEED as CHANGES_FEED
from confcal.pages import CHANGES_PAGE as CHANGES_PAGE
from confcal.pages import EVENT_ITEM, Markup, macro, render
from confcal.pages import INDEX as INDEX
from confcal.picks import MAX_PICKS, pick_key, picks_head_parts
from confcal.releases import Release
from confcal.render import CalendarHeads, award, kind_label, location, online, streamed, uid
from confcal.schedule import SCHEDULE_JSON, SCHEDULE_XML, times_key

PAGE_SCRIPT = "page.js"
LineCache = MutableMapping[tuple[object, ...], str]
"""index.html's line of each event, by what it shows (``_Items``)."""


@dataclass(frozen=True)
class FeedLinks:
    """Where a feed's links point. Only ``download`` is known without a public address."""

    download: str
    subscribe: str = ""
    google: str = ""
    outlook: str = ""


def feed_links(feed: Feed, *, base_url: str) -> FeedLinks:
    """The four links of a feed, in the formats calendar apps expect (see FEEDS.md)."""
    if not base_url:
        return FeedLinks(download=feed.filename)
    public = public_address(base_url) + feed.filename
    webcal = "webcal://" + public.removeprefix("https://")
    import urllib.parse  # only with a base_url: keeps it out of every build's start-up

    query = urllib.parse.urlencode({"url": public, "name": feed.name}, quote_via=urllib.parse.quote)
    return FeedLinks(
        download=feed.filename,
        subscribe=webcal,
        # The address stays readable, but &, #, %, ? and the like are encoded (FEEDS.md).
        google="https://calendar.google.com/calendar/render?cid=" + urllib.parse.quote(webcal, safe=":/"),
        outlook=f"https://outlook.live.com/calendar/0/addfromweb?{query}",
    )


def render_index(
    programme: Programme,
    *,
    feeds: Sequence[Feed],
    papers: Sequence[Feed],
    updated: datetime | None = None,
    too_big: Sequence[Oversize] = (),
    cache: LineCache | None = None,
    keys: Mapping[str, str] | None = None,
    heads: CalendarHeads | None = None,
    latest: Release | None = None,
) -> bytes:
    """The page (templates/index.html), as UTF-8 bytes. ``updated``: when the programme last
    changed (the latest LAST-MODIFIED of its events); publish.updated when not given. Feeds
    ``too_big`` for subscriptions (``confcal.budget``) are offered for download only.

    With a ``cache`` of each event's line of HTML (templates/event.html), an event whose inputs
    did not change is taken from it (see ``_Items``; ``keys``: the events' render keys); the
    cache is left holding this page's events. ``heads``: the feeds' ``CalendarHeads``, when the
    caller has them (made here otherwise; their VTIMEZONE is checked against every event).
    ``latest``: the latest release; an event it moved or gave another place is marked, with a
    link to the release on changes.html (``_marks``).
    """
    conference = programme.conference
    items = _Items(cache, keys or {}, _marks(latest))
    days = _days(programme, feeds, {feed.id: feed for feed in papers}, items)
    items.done()
    return render(
        INDEX,
        conference=conference,
        dates=zones.date_range(conference.start, conference.end, month="%B"),
        feeds=_feeds(programme, feeds, {o.feed.id: o for o in too_big}),
        giggity=f"https://ggt.gaa.st/#url={public_address(conference.base_url)}{SCHEDULE_XML}"
        if conference.base_url
        else "",
        schedule_files=(SCHEDULE_XML, SCHEDULE_JSON),
        zone_labels=_zone_labels(programme),
        days=days,
        kinds=[programme.kind(kind) for kind in dict.fromkeys(event.kind for event in programme.events)],
        updated=f"{updated or conference.updated:%-d %B %Y, %H:%M}",
        picks_data=_picks_data(programme, feeds, heads or CalendarHeads(programme), latest),
        script=Markup(_script()),
    )


MARKS: Mapping[frozenset[str], str] = {
    frozenset({"moved"}): "Moved",
    frozenset({"re-roomed"}): "Place changed",
    frozenset({"moved", "re-roomed"}): "Moved, place changed",
}
"""What an event's line says when the latest release moved it or gave it another place, in the
words of changes.html's lines ("Moved: …", "Place changed: …")."""


def _marks(release: Release | None) -> dict[str, tuple[str, str]]:
    """The mark of each event ``release`` moved or gave another place: its words (``MARKS``) and
    the address of the release on changes.html. A cancelled event has its own mark (the
    release tells it as cancelled only)."""
    if release is None:
        return {}
    kinds: dict[str, set[str]] = {}
    for change in release.changes:
        kinds.setdefault(change.id, set()).add(change.kind)
    link = f"{CHANGES_PAGE}#{release.anchor}"
    return {
        event_id: (MARKS[frozenset(changed & {"moved", "re-roomed"})], link)
        for event_id, changed in kinds.items()
        if changed & {"moved", "re-roomed"} and "cancelled" not in changed
    }


@dataclass(frozen=True)
class TooBig:
    """Why a feed is download-only: its size and events, and whether smaller feeds are offered."""

    size: str
    events: str
    smaller_feeds: bool


@dataclass(frozen=True)
class FeedView:
    """A feed as its article on the page shows it."""

    id: str
    name: str
    filename: str
    count: int
    cancelled: int
    links: FeedLinks
    subscribe: bool
    """Subscribe links, a QR code: with a public address, and not for a feed too big for them."""
    from_here: bool
    """Subscribe links the script makes from the page's own address (``page.js``): without a
    public address, and not for a feed too big for them."""
    address: str
    too_big: TooBig | None

    @property
    def qr_code(self) -> Markup:
        return _qr_code(self.address)


def _feeds(programme: Programme, feeds: Sequence[Feed], too_big: Mapping[str, Oversize]) -> list[FeedView]:
    base_url = programme.conference.base_url
    public = public_address(base_url)
    smaller = any(feed.id not in too_big for feed in feeds)
    views = []
    for feed in feeds:
        links = feed_links(feed, base_url=base_url)
        count = sum(1 for event in feed.events if event.status != "cancelled")
        oversize = too_big.get(feed.id)
        views.append(
            FeedView(
                id=feed.id,
                name=feed.name,
                filename=feed.filename,
                count=count,
                cancelled=len(feed.events) - count,
                links=links,
                subscribe=bool(links.subscribe) and not oversize,
                from_here=not links.subscribe and not oversize,
                address=public + feed.filename,
                too_big=TooBig(megabytes(oversize.size), f"{oversize.events:,}", smaller)
                if oversize
                else None,
            )
        )
    return views


def _qr_code(address: str) -> Markup:
    """A QR code of a feed's https address (inline SVG, for posters and screens at the venue)."""
    import io

    import segno  # only with a base_url, like the subscribe links

    svg = io.BytesIO()
    segno.make(address, error="m", micro=False).save(
        svg, kind="svg", xmldecl=False, svgns=False, svgclass=None, lineclass=None, scale=3, border=2
    )
    return Markup(svg.getvalue().decode("ascii").strip().replace("<svg ", '<svg aria-hidden="true" ', 1))


def _picks_data(
    programme: Programme, feeds: Sequence[Feed], heads: CalendarHeads, latest: Release | None
) -> Markup:
    """What the script needs: the personal calendar's head (``picks.picks_head_parts``, named
    with the number of picks as ``confcal.web`` names it), the budget a subscription must keep
    (the published feeds', and the service's most picks), and the titles of the events the
    latest release removed, by pick key (a pick of one is named in My picks), as JSON that
    cannot end its script element."""
    conference = programme.conference
    overall = feeds[0]
    removed = (change for change in (latest.changes if latest else ()) if change.kind == "removed")
    data = {
        "id": conference.id,
        "name": overall.name,
        "zone": conference.timezone,
        "base": public_address(conference.base_url),
        "city": conference.city,
        "head": [part.decode("utf-8") for part in picks_head_parts(heads(overall))],
        "removed": {pick_key(change.id): change.name or change.title for change in removed},
        "maxBytes": conference.feed_max_bytes,
        "maxEvents": conference.feed_max_events,
        "maxPicks": MAX_PICKS,
        "budget": f"{megabytes(conference.feed_max_bytes)} or {conference.feed_max_events:,} events",
    }
    return Markup(json.dumps(data, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c"))


@functools.cache
def _script() -> str:
    return importlib.resources.files("confcal").joinpath(PAGE_SCRIPT).read_text(encoding="utf-8")


@dataclass(frozen=True)
class OtherDay:
    """Another day a session's heading appears on: the day, and its heading's anchor."""

    short: str
    anchor: str


@dataclass(frozen=True)
class SessionView:
    """A declared session, as a heading over its items: name, then time, and place and chairs."""

    id: str
    """Its anchor's: the session's id, or with the date where it appears on a second day."""
    name: str
    when: str
    start: str
    end: str
    """When ``when`` says it starts and ends (ISO 8601), for the switch to the viewer's zone."""
    about: str
    """Its place and chairs, which the page's search finds in each of its items."""
    also: tuple[OtherDay, ...] = ()
    """The other days its items are on, each with its own heading there."""


class EventView(NamedTuple):
    """One event of the programme, as its list item shows it (templates/event.html): all it
    shows, so it keys its line when there are no render keys (``_Items``). A named tuple: one is
    made per event on every build, and a frozen dataclass is made six times slower."""

    id: str
    uid: str
    key: str
    kind: str
    feeds: str
    """The ids of the feeds that hold it, for the feed filter."""
    cancelled: bool
    start: str
    end: str
    when: str
    label: str
    title: str
    session: str
    place: str
    join: str
    """Where to watch or join the slot (its ``url``), "" for none."""
    join_label: str
    """What the link to it says: a stream to watch, or an online slot (a video call) to join."""
    authors: str
    speakers: str
    category: str
    paper_file: str
    add: str
    """What "Add this … to your calendar" adds: the paper and its sessions, or the item."""
    changed: str
    """Its mark when the latest release moved it or gave it another place ("Moved"), "" for none."""
    changes_link: str
    """The address of that release on changes.html."""


@dataclass(frozen=True)
class Group:
    """One event, or the events of one declared session under its heading; its events' lines
    of HTML, one after another (the page lists them so: joined here once, not in the template
    line by line)."""

    session: SessionView | None
    lines: Markup


class _Items:
    """Each event's line of HTML, from the cache when it holds the line for the same inputs.

    An event's line is keyed by its render key (``render.event_keys``: the event, its item,
    kind, room, venue, category and the conference) with what the line shows of the rest of
    the programme: the feeds holding it, its item's other events (``_context``) and its mark of
    the latest release (``_marks``). Without render keys, by its whole view.
    """

    def __init__(
        self, cache: LineCache | None, keys: Mapping[str, str], marks: Mapping[str, tuple[str, str]]
    ) -> None:
        self.cache = cache
        self.keys = keys
        self.marks = marks
        self.made: dict[tuple[object, ...], str] = {}
        self.render = macro(EVENT_ITEM, "event_item")
        self.render_continued = macro(EVENT_ITEM, "continued_item")
        self.written: dict[tuple[object, ...], EventTimes] = {}

    def __call__(self, programme: Programme, event: Event, paper_file: Feed, in_feeds: Sequence[str]) -> str:
        context = self.context(programme, event, paper_file, in_feeds)
        view: EventView | None = None
        if event.id in self.keys:
            key: tuple[object, ...] = (self.keys[event.id], *context)
        else:
            view = _event(programme, event, *context, times=self.times(event))
            key = tuple(view)
        line = self.cache.get(key) if self.cache is not None else None
        if line is None:
            line = str(self.render(view or _event(programme, event, *context, times=self.times(event))))
        self.made[key] = line
        return line

    def times(self, event: Event) -> EventTimes:
        """``EventTimes`` of the event, written once for each pair of times (a NeurIPS-size
        programme's 3,700 events have some 60: ``schedule.times_key``)."""
        key = times_key(event.start, event.end)
        if key not in self.written:
            self.written[key] = EventTimes(
                start=event.start.isoformat(),
                end=event.end.isoformat(),
                when=zones.span(event.start, event.end, event.start.tzinfo, dates=False),
            )
        return self.written[key]

    def context(
        self, programme: Programme, event: Event, paper_file: Feed, in_feeds: Sequence[str]
    ) -> tuple[str, str, str, str, str]:
        """What the event's line shows beyond the event and its item (``_context``), and its mark."""
        return (*_context(programme, event, paper_file, in_feeds), *self.marks.get(event.id, ("", "")))

    def continued(self, view: EventView, *, when: str, day: int, of: int) -> Markup:
        """The line of an event on a later ``day`` it runs through (day 2 of 3): marked as
        continuing, its title a link to its own line on its first day, its star the same pick."""
        return Markup(self.render_continued(view, when=when, day=day, of=of))

    def done(self) -> None:
        if self.cache is not None:
            self.cache.clear()
            self.cache.update(self.made)  # plain tuples: marshal writes no named tuple


@dataclass(frozen=True)
class Day:
    iso: str
    anchor: str
    short: str
    heading: str
    groups: list[Group]


def _days(
    programme: Programme, feeds: Sequence[Feed], paper_files: dict[str, Feed], items: _Items
) -> list[Day]:
    in_feeds: dict[str, list[str]] = {}
    held = {event.session_id: event.id for event in programme.session_events}
    for feed in feeds[1:]:
        for event in feed.events:
            in_feeds.setdefault(event.id, []).append(feed.id)
    for event in programme.events:  # a feed of sessions holds a session's items in its event
        if event.session_id in held:
            in_feeds.setdefault(event.id, []).extend(in_feeds.get(held[event.session_id], ()))
    order = {session.id: index for index, session in enumerate(programme.sessions)}
    on_days: dict[str, dict[date, None]] = {}  # the days each session has a heading on, in order
    for event in programme.events:
        if event.session_id in order:
            on_days.setdefault(event.session_id, {})[event.start.date()] = None
    by_start = itertools.groupby(programme.events, key=lambda e: e.start.date())
    starting = {day: list(events) for day, events in by_start}
    continuing: dict[date, list[Group]] = {}
    for event in programme.events:
        later = _later_days(event)
        if later:
            view = _event(
                programme,
                event,
                *items.context(programme, event, paper_files[event.paper], in_feeds.get(event.id, [])),
                times=items.times(event),
            )
            when = _dated(event.start, event.end)
            for number, day in enumerate(later, start=2):
                line = items.continued(view, when=when, day=number, of=len(later) + 1)
                continuing.setdefault(day, []).append(Group(None, line))
    days = []
    for day in sorted(starting.keys() | continuing.keys()):
        groups = list(continuing.get(day, ()))
        for group in _by_session(starting.get(day, []), order):
            heading = group[0].session_id
            session = _session(programme, group, list(on_days[heading])) if heading in order else None
            lines = (items(programme, e, paper_files[e.paper], in_feeds.get(e.id, [])) for e in group)
            groups.append(Group(session, Markup("\n".join(lines))))
        days.append(
            Day(day.isoformat(), f"day-{day.isoformat()}", f"{day:%a %-d %b}", f"{day:%A %-d %B %Y}", groups)
        )
    return days


_DAY_END = timedelta(hours=DAY_CHANGE.hour, minutes=DAY_CHANGE.minute, seconds=1)
"""From an event's end back into the last day it runs on: days change at DAY_CHANGE (04:00), so
an event ending by 04:00 ends on the day before (page.js's Day filter takes the same day)."""


def _later_days(event: Event) -> list[date]:
    """The days after the one it is listed under that an event runs through (a hackathon, a
    workshop over two days): each lists it again, as continuing. A night until 04:00 has none."""
    first = event.start.date()
    if event.end.date() == first:
        return []
    last = (event.end - _DAY_END).date()
    return [first + timedelta(days=n) for n in range(1, (last - first).days + 1)]


def _by_session(events: list[Event], order: Mapping[str, int]) -> list[list[Event]]:
    """A day's events, those of one declared session together under it, at its first event's
    time; sessions that start together in the order they are declared (``order``)."""
    groups: list[list[Event]] = []
    held: dict[str, list[Event]] = {}
    for event in events:
        if event.session_id not in order:  # none, or a kept cancellation's session now gone
            groups.append([event])
        elif event.session_id in held:
            held[event.session_id].append(event)
        else:
            held[event.session_id] = [event]
            groups.append(held[event.session_id])
    return sorted(groups, key=lambda group: (group[0].start, order.get(group[0].session_id, -1)))


def _session(programme: Programme, group: list[Event], days: list[date]) -> SessionView:
    """The heading of ``group``, a session's events on one day; its anchor is ``session-<id>``
    on the first of the ``days`` the session has a heading on, ``session-<id>-<date>`` on the
    others. On several days, each heading gives its own day's part and links the others. A
    heading under another day than its time's start (the session's own times from the evening
    before its items) gives the days of its time too."""
    session = next(s for s in programme.sessions if s.id == group[0].session_id)
    day = group[0].start.date()
    start, end = _part(programme, session, group, several=len(days) > 1)
    when = zones.span(start, end, start.tzinfo, dates=False) if start.date() == day else _dated(start, end)
    place = ", ".join(part for part in (session.room, session.level) if part)
    chairs = ", ".join(str(person) for person in session.chairs)
    about = " · ".join(part for part in (place, f"Chair: {chairs}" if chairs else "") if part)
    also = tuple(
        OtherDay(f"{other:%a %-d %b}", _session_anchor(session, other, days))
        for other in days
        if other != day
    )
    return SessionView(
        id=_session_anchor(session, day, days),
        name=session.name,
        when=when,
        start=start.isoformat(),
        end=end.isoformat(),
        about=about,
        also=also,
    )


def _dated(start: datetime, end: datetime) -> str:
    """A session's heading time with its days, for a heading under another day than its own
    start (its own times from the evening before its items): 'Sat 24 Oct 22:00 CEST – Sun 25 Oct
    11:00 CET', 'Sat 24 Oct 10:00–11:00 CEST'. Its zone is named at each end when the clock
    changes between them, as ``zones.span`` does."""
    begin = f"{start:%a %-d %b %H:%M}"
    if (start.tzname(), start.utcoffset()) != (end.tzname(), end.utcoffset()):
        begin += f" {start:%Z}"
    if start.date() == end.date():
        return f"{begin}–{end:%H:%M %Z}"
    return f"{begin} – {end:%a %-d %b %H:%M %Z}"


def _session_anchor(session: Session, day: date, days: list[date]) -> str:
    return session.id if day == days[0] else f"{session.id}-{day.isoformat()}"


def _part(
    programme: Programme, session: Session, group: list[Event], *, several: bool
) -> tuple[datetime, datetime]:
    """When a session's heading over ``group`` (its events on one day) says it runs: its
    published span, unless its events are on ``several`` days, where that span would run
    through the night (Sat 10:30 to Sun 09:20). Then each day's heading has that day's part:
    the session's own times on their day, elsewhere the span of the day's events that are not
    cancelled (all of them when every one is)."""
    if several and not (session.start and session.end and session.start.date() == group[0].start.date()):
        live = spanning(group)
        return min(e.start for e in live), max(e.end for e in live)
    published = next(e for e in programme.session_events if e.session_id == session.id)
    return published.start, published.end


def _context(
    programme: Programme, event: Event, paper_file: Feed, in_feeds: Sequence[str]
) -> tuple[str, str, str]:
    """What an event's line shows beyond the event and its item: the ids of the feeds holding
    it, its item's calendar, and what "Add this … to your calendar" adds (the paper and its
    sessions, or the item)."""
    paper = programme.paper(event.paper)
    happening = Counter(e.kind for e in paper_file.events if e.status != "cancelled")
    kinds = _and(
        [
            f"its {programme.kind(kind).label.lower()}"
            if count == 1
            else f"its {count} {programme.kind(kind).plural.lower()}"
            for kind, count in happening.items()
        ]
    )
    what = "paper" if paper.authors else programme.kind(event.kind).label.lower()
    if not paper.authors and set(happening) == {event.kind}:  # a tutorial in 2 parts
        kinds = f"its {happening.total()} parts"
    add = f"{what} ({kinds})" if paper.authors or happening.total() > 1 else what
    return " ".join(in_feeds), paper_file.filename, add


def _and(parts: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c' ("" for none)."""
    return f"{', '.join(parts[:-1])} and {parts[-1]}" if len(parts) > 1 else "".join(parts)


class EventTimes(NamedTuple):
    """An event's times as its line shows them."""

    start: str
    end: str
    """Its start and end, ISO 8601, for the switch to the viewer's zone."""
    when: str
    """Its time under its day's heading (``zones.span``)."""


def _event(
    programme: Programme,
    event: Event,
    feeds: str,
    paper_file: str,
    add: str,
    changed: str,
    changes_link: str,
    *,
    times: EventTimes,
) -> EventView:
    """One event of the programme; a cancelled one is struck through, marked, and not offered."""
    paper = programme.paper(event.paper)
    label = kind_label(programme, event)
    place = location(programme, event) or ("Online" if online(programme, event) else "Place not announced")
    join_label = (
        ("Watch the stream" if streamed(programme, event) else "Join online") if event.stream_url else ""
    )
    return EventView(
        id=event.id,
        uid=uid(programme, event),
        key=pick_key(event.id),
        kind=event.kind,
        feeds=feeds,
        cancelled=event.status == "cancelled",
        start=times.start,
        end=times.end,
        when=times.when,
        label=label,
        title=paper.title,
        session=event.session,
        place=place,
        join=event.stream_url,
        join_label=join_label,
        authors=", ".join(paper.authors),
        speakers=", ".join(str(person) for person in paper.speakers),
        category=award(programme, paper),
        paper_file=paper_file,
        add=add,
        changed=changed,
        changes_link=changes_link,
    )


def _zone_labels(programme: Programme) -> str:
    """The zone's abbreviations and UTC offsets during the programme, e.g. 'CST, UTC−06:00':
    each written once, from the first moment of its abbreviation and offset."""
    labels: dict[tuple[str | None, timedelta | None], str] = {}
    for event in programme.events:
        for moment in (event.start, event.end):
            if (moment.tzname(), moment.utcoffset()) not in labels:
                labels[moment.tzname(), moment.utcoffset()] = zones.offset_label(moment)
    return "; ".join(dict.fromkeys(labels.values()))
