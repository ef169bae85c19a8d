"""Programme + feeds → ``index.html``: the one page people are sent to. Pure and deterministic.

Plain HTML with inline CSS that reads fully without JavaScript; one inline script
(``page.js``) adds search and filters, a switch to the viewer's time zone and picks (stars kept
in the browser and in the address, a panel to download them or subscribe to them through the
personal-feed service, ``confcal.web``). No fonts or other requests. Download links are
relative, so the page works on any static host and in ``confcal serve``; subscribe links
need the public address (``publish.base_url``) and are left out, with a note, without one.
"""

from __future__ import annotations

import functools
import importlib.resources
import itertools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from html import escape

from confcal import zones
from confcal.budget import Oversize, megabytes
from confcal.feeds import Feed
from confcal.model import Event, Programme
from confcal.picks import pick_key, picks_head
from confcal.render import CalendarHeads, award, location, uid
from confcal.schedule import SCHEDULE_JSON, SCHEDULE_XML

INDEX = "index.html"
CHANGES_PAGE = "changes.html"
CHANGES_FEED = "changes.atom"

_CSS = """
:root { color-scheme: light; }
body { margin: 0; font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: #1b1b1b; background: #fff; }
header, main, footer { max-width: 48rem; margin: 0 auto; padding: 0 1rem; }
header { padding-top: 1.5rem; }
h1 { font-size: 1.8rem; margin: 0 0 .25rem; }
h2 { font-size: 1.4rem; margin: 2rem 0 .5rem; }
h3 { font-size: 1.1rem; margin: 1.5rem 0 .25rem; }
h4 { font-size: 1rem; margin: .25rem 0; }
p { margin: .25rem 0; }
a { color: #0a4fb3; }
a:focus-visible { outline: 3px solid #1b1b1b; outline-offset: 2px; }
.muted { color: #4a4a4a; }
.note { background: #fff6d6; border-left: 4px solid #8a6d00; padding: .5rem .75rem; margin: .75rem 0; }
.feed { border: 1px solid #d0d0d0; border-radius: .5rem; padding: .75rem 1rem; margin: .75rem 0; }
.feed h3 { margin-top: 0; }
.actions { list-style: none; padding: 0; margin: .5rem 0 0; display: flex; flex-wrap: wrap; gap: .5rem; }
.actions a { display: inline-block; padding: .35rem .75rem; border: 1px solid #0a4fb3;
  border-radius: .5rem; text-decoration: none; }
.actions a:hover { background: #eaf1fc; }
.day { list-style: none; padding: 0; margin: 0; }
.event { border-top: 1px solid #e2e2e2; padding: .75rem 0; }
.when { font-weight: 600; }
.vh { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
  white-space: nowrap; }
footer { margin-top: 2rem; padding-bottom: 2rem; }
.nojs .needs-js, .js .nojs-only { display: none; }
button, input, select { font: inherit; }
button:focus-visible, input:focus-visible, select:focus-visible, summary:focus-visible {
  outline: 3px solid #1b1b1b; outline-offset: 2px; }
.days { margin: .5rem 0; }
.days ul { list-style: none; padding: 0; margin: 0; display: flex; flex-wrap: wrap; gap: .25rem 1rem; }
.controls { position: sticky; top: 0; z-index: 1; background: #fff; border-bottom: 1px solid #d0d0d0;
  padding: .5rem 0; display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: end; }
.controls label { display: block; font-size: .9rem; }
.controls input[type="search"] { width: 16rem; max-width: 100%; }
.controls > * { min-width: 0; max-width: 100%; }
.controls select { max-width: 100%; }
@media (max-width: 40rem) { .controls { position: static; } }
.controls fieldset { border: 0; padding: 0; margin: 0; }
.controls legend { font-size: .9rem; padding: 0; }
.controls .check { display: inline; }
.event { content-visibility: auto; contain-intrinsic-size: auto 11rem; }
.star { float: right; margin: 0 0 .25rem .5rem; padding: .15rem .6rem; border: 1px solid #8a6d00;
  border-radius: .5rem; background: #fff; color: #1b1b1b; cursor: pointer; }
.star::before { content: "☆ "; }
.star[aria-pressed="true"] { background: #fff0b3; }
.star[aria-pressed="true"]::before { content: "★ "; }
.picked { background: #fffbea; }
.picks { border: 2px solid #8a6d00; border-radius: .5rem; padding: .25rem 1rem .75rem; margin: 1rem 0; }
.picks h2 { margin-top: .5rem; }
.picks ol { padding-left: 1.25rem; }
.unpick { margin-left: .25rem; padding: 0 .4rem; border: 1px solid #8a8a8a; border-radius: .35rem;
  background: #fff; cursor: pointer; }
.picks input[readonly] { width: 100%; }
a[aria-disabled="true"] { color: #6a6a6a; border-color: #8a8a8a; pointer-events: none; }
.qr { margin: .5rem 0 0; }
.qr svg { display: block; }
.qr figcaption { font-size: .9rem; }
"""
PAGE_SCRIPT = "page.js"


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
    public = base_url + feed.filename
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


def page_head(title: str, *, scripted: bool = False) -> list[str]:
    """The start of a page, to its ``</head>``; every page links the changes feed.

    A ``scripted`` page starts with the class ``nojs``, which its first script replaces with
    ``js`` before anything is drawn: CSS then shows the controls that need the script.
    """
    return [
        "<!doctype html>",
        '<html lang="en" class="nojs">' if scripted else '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<link rel="icon" href="data:,">',
        f'<link rel="alternate" type="application/atom+xml" title="Programme changes" href="{CHANGES_FEED}">',
        f"<title>{_text(title)}</title>",
        f"<style>{_CSS}</style>",
        *(['<script>document.documentElement.className = "js";</script>'] if scripted else []),
        "</head>",
    ]


def render_index(
    programme: Programme,
    *,
    feeds: Sequence[Feed],
    papers: Sequence[Feed],
    updated: datetime | None = None,
    too_big: Sequence[Oversize] = (),
) -> bytes:
    """The page, as UTF-8 bytes. ``updated``: when the programme last changed (the latest
    LAST-MODIFIED of its events); publish.updated when not given. Feeds ``too_big`` for
    subscriptions (``confcal.budget``) are offered for download only."""
    conference = programme.conference
    paper_files = {feed.id: feed for feed in papers}
    parts = [
        *page_head(f"{conference.name}: programme and calendar feeds", scripted=True),
        "<body>",
        "<header>",
        f"<h1>{_text(conference.name)}</h1>",
        f"<p>{_text(conference.full_name)}</p>" if conference.full_name != conference.name else "",
        f'<p class="muted">{_text(_when_and_where(programme))}</p>',
        f'<p><a href="{_attr(conference.website)}">Conference website</a></p>' if conference.website else "",
        f'<p><a href="{CHANGES_PAGE}">Programme changes</a>: every move, new room and cancellation, '
        f'also as an <a href="{CHANGES_FEED}">Atom feed</a>.</p>',
        "</header>",
        "<main>",
        *_feeds_section(programme, feeds, {o.feed.id: o for o in too_big}),
        *_schedule_section(programme),
        *_picks_section(programme),
        *_programme_section(programme, feeds, paper_files),
        "</main>",
        "<footer>",
        f'<p class="muted">Programme updated {updated or conference.updated:%-d %B %Y, %H:%M} UTC. '
        "Built with confcal.</p>",
        "</footer>",
        _picks_data(programme, feeds),
        f"<script>{_script()}</script>",
        "</body>",
        "</html>",
    ]
    return ("\n".join(part for part in parts if part) + "\n").encode()


def _feeds_section(programme: Programme, feeds: Sequence[Feed], too_big: Mapping[str, Oversize]) -> list[str]:
    base_url = programme.conference.base_url
    lines = [
        '<section aria-labelledby="feeds">',
        '<h2 id="feeds">Calendar feeds</h2>',
        "<p>Subscribe and your calendar follows every change to the programme; "
        "download and you get a copy that will not update.</p>",
    ]
    if not base_url:
        lines.append(
            '<p class="note">Subscribe links need this page’s public address. Organizers: set '
            "<code>base_url</code> in the <code>[publish]</code> table of events.toml, or run "
            "<code>confcal build --base-url https://…/</code>. Until then, download a file, or "
            "subscribe in your calendar app with the full address of its Download link.</p>"
        )
    for feed in feeds:
        links = feed_links(feed, base_url=base_url)
        name = _text(feed.name)
        count = sum(1 for event in feed.events if event.status != "cancelled")
        cancelled = len(feed.events) - count
        actions = []
        oversize = too_big.get(feed.id)
        if links.subscribe and not oversize:
            actions += [
                f'<li><a href="{_attr(links.subscribe)}">Subscribe<span class="vh"> to {name}</span> '
                "(Apple Calendar, Outlook, Thunderbird)</a></li>",
                f'<li><a href="{_attr(links.google)}">Add<span class="vh"> {name}</span> '
                "to Google Calendar</a></li>",
                f'<li><a href="{_attr(links.outlook)}">Add<span class="vh"> {name}</span> '
                "to Outlook.com</a></li>",
            ]
        actions.append(
            f'<li><a href="{_attr(links.download)}">Download {_text(feed.filename)}'
            f'<span class="vh"> ({name})</span></a></li>'
        )
        lines += [
            '<article class="feed">',
            f"<h3>{name}</h3>",
            f'<p class="muted">{count} event{"" if count == 1 else "s"}'
            f"{f' (and {cancelled} cancelled)' if cancelled else ''}</p>",
            _too_big_note(oversize, feeds, too_big) if oversize else "",
            f'<ul class="actions">{"".join(actions)}</ul>',
            _qr_code(base_url + feed.filename) if links.subscribe and not oversize else "",
            "</article>",
        ]
    lines.append("</section>")
    return lines


def _qr_code(address: str) -> str:
    """A QR code of a feed's https address (inline SVG, for posters and screens at the venue)."""
    import io

    import segno  # only with a base_url, like the subscribe links

    svg = io.BytesIO()
    segno.make(address, error="m", micro=False).save(
        svg, kind="svg", xmldecl=False, svgns=False, svgclass=None, lineclass=None, scale=3, border=2
    )
    picture = svg.getvalue().decode("ascii").strip().replace("<svg ", '<svg aria-hidden="true" ', 1)
    return f'<figure class="qr">{picture}<figcaption>Scan to open {_text(address)}</figcaption></figure>'


def _too_big_note(oversize: Oversize, feeds: Sequence[Feed], too_big: Mapping[str, Oversize]) -> str:
    """Why a feed is download-only, pointing to the feeds that can be subscribed to."""
    smaller = [feed for feed in feeds if feed.id not in too_big]
    where = (
        "subscribe to one of the smaller feeds on this page instead"
        if smaller
        else "ask the organizers for smaller feeds"
    )
    return (
        f'<p class="note">Download only: at {megabytes(oversize.size)} and {oversize.events:,} events this '
        "feed is too large for calendar subscriptions (Google Calendar and other apps silently drop "
        f"events from large ones); {where}.</p>"
    )


def _picks_section(programme: Programme) -> list[str]:
    """The picks panel; filled by the script (without it, a note)."""
    conference = programme.conference
    subscribe = (
        [
            '<li><a id="picks-webcal">Subscribe to my picks (Apple Calendar, Outlook, Thunderbird)</a></li>',
            '<li><a id="picks-google">Add my picks to Google Calendar</a></li>',
            '<li><a id="picks-outlook">Add my picks to Outlook.com</a></li>',
        ]
        if conference.base_url
        else []
    )
    address = (
        '<p><label for="picks-url">The address of your picks feed, to paste into a calendar app:</label>'
        '<br><input id="picks-url" type="text" readonly></p>'
        if conference.base_url
        else '<p class="muted">Subscribing to your picks needs the organizers’ personal-feed service '
        "and a public address (<code>base_url</code>); until then, download them.</p>"
    )
    return [
        '<section id="picks" class="picks" aria-labelledby="picks-title">',
        '<h2 id="picks-title">My picks</h2>',
        '<p class="nojs-only">Picking events needs JavaScript. Everything else on this page works '
        "without it: each event links to a calendar of its paper.</p>",
        '<div class="needs-js">',
        '<p id="picks-status" aria-live="polite"></p>',
        '<ol id="picks-list"></ol>',
        '<div id="picks-actions">',
        '<ul class="actions">',
        f'<li><a id="picks-download" download="{_attr(conference.id)}-my-picks.ics">'
        "Download my picks</a></li>",
        *subscribe,
        '<li><a id="picks-share">Link to these picks</a></li>',
        "</ul>",
        address,
        "<p>Subscribe and your calendar follows changes to the programme; a download is a copy.</p>",
        "</div>",
        "</div>",
        "</section>",
    ]


def _picks_data(programme: Programme, feeds: Sequence[Feed]) -> str:
    """What the script needs: the personal calendar's head (as ``confcal.web`` serves it)."""
    conference = programme.conference
    overall = feeds[0]
    data = {
        "id": conference.id,
        "name": f"{conference.name}: my picks",
        "zone": conference.timezone,
        "base": conference.base_url,
        "head": picks_head(CalendarHeads(programme)(overall)).decode("utf-8"),
    }
    text = json.dumps(data, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c")
    return f'<script type="application/json" id="picks-data">{text}</script>'


@functools.cache
def _script() -> str:
    return importlib.resources.files("confcal").joinpath(PAGE_SCRIPT).read_text(encoding="utf-8")


def _day_id(day: date) -> str:
    return f"day-{day.isoformat()}"


def _controls(programme: Programme, feeds: Sequence[Feed], days: Sequence[date]) -> list[str]:
    """Search, filters and the time-zone switch: shown only with the script."""
    kinds = dict.fromkeys(event.kind for event in programme.events)
    day_options = "".join(f'<option value="{day.isoformat()}">{day:%a %-d %b}</option>' for day in days)
    kind_options = "".join(
        f'<option value="{kind}">{_text(programme.kind(kind).label)}</option>' for kind in kinds
    )
    feed_options = "".join(
        f'<option value="{_attr(feed.id)}">{_text(feed.name)}</option>' for feed in feeds[1:]
    )
    zone = _text(programme.conference.timezone)
    return [
        '<form id="filters" class="controls needs-js" role="search" aria-label="Search the programme">',
        '<div><label for="q">Search titles, authors, sessions, rooms, boards</label>'
        '<input type="search" id="q" name="q" autocomplete="off"></div>',
        f'<div><label for="f-day">Day</label><select id="f-day"><option value="">All days</option>'
        f"{day_options}</select></div>",
        f'<div><label for="f-kind">Kind</label><select id="f-kind"><option value="">All kinds</option>'
        f"{kind_options}</select></div>",
        f'<div><label for="f-feed">Feed</label><select id="f-feed"><option value="">All feeds</option>'
        f"{feed_options}</select></div>",
        '<div><input type="checkbox" id="f-picked"> <label class="check" for="f-picked">Only my picks '
        '(<span id="picks-count">0</span>)</label> · <a href="#picks">My picks</a></div>',
        "<fieldset><legend>Times in</legend>"
        f'<input type="radio" name="zone" id="zone-conference" value="conference" checked> '
        f'<label class="check" for="zone-conference">conference time ({zone})</label> '
        '<input type="radio" name="zone" id="zone-viewer" value="viewer"> '
        '<label class="check" for="zone-viewer">your time (<span id="zone-viewer-name">yours</span>)</label>'
        "</fieldset>",
        '<p id="f-status" aria-live="polite" class="muted"></p>',
        "</form>",
    ]


def _programme_section(
    programme: Programme, feeds: Sequence[Feed], paper_files: dict[str, Feed]
) -> list[str]:
    conference = programme.conference
    in_feeds: dict[str, list[str]] = {}
    for feed in feeds[1:]:
        for event in feed.events:
            in_feeds.setdefault(event.id, []).append(feed.id)
    by_day = [
        (day, list(events))
        for day, events in itertools.groupby(programme.events, key=lambda e: e.start.date())
    ]
    days = [day for day, _ in by_day]
    nav = "".join(f'<li><a href="#{_day_id(day)}">{day:%a %-d %b}</a></li>' for day in days)
    lines = [
        '<section aria-labelledby="programme">',
        '<h2 id="programme">Programme</h2>',
        f'<p id="zone-note">All times are local to {_text(conference.city)}: time zone '
        f"{_text(conference.timezone)} ({_text(_zone_labels(programme))}).</p>",
        f'<nav class="days" aria-label="Days"><ul>{nav}</ul></nav>',
        *_controls(programme, feeds, days),
        '<section id="results" class="needs-js" aria-labelledby="results-title" hidden>',
        '<h3 id="results-title" class="vh">Matching events</h3>',
        '<div id="results-list"></div>',
        '<p><button type="button" id="results-more" hidden>Show all matching events</button></p>',
        "</section>",
    ]
    for day, events in by_day:
        heading = f"{day:%A %-d %B %Y}"
        lines += [
            f'<section class="dayblock" data-day="{day.isoformat()}" aria-labelledby="{_day_id(day)}">',
            f'<h3 id="{_day_id(day)}">{_text(heading)}</h3>',
            '<ol class="day">',
        ]
        for group in _by_session(list(events)):
            rows = [_event(programme, e, paper_files[e.paper], in_feeds.get(e.id, [])) for e in group]
            if group[0].session_id:
                lines += [_session_heading(programme, group), *rows, "</ol></li>"]
            else:
                lines += rows
        lines += ["</ol>", "</section>"]
    lines.append("</section>")
    return lines


def _by_session(events: list[Event]) -> list[list[Event]]:
    """A day's events, those of one declared session together under it, at its first event's time."""
    groups: list[list[Event]] = []
    held: dict[str, list[Event]] = {}
    for event in events:
        if not event.session_id:
            groups.append([event])
        elif event.session_id in held:
            held[event.session_id].append(event)
        else:
            held[event.session_id] = [event]
            groups.append(held[event.session_id])
    return groups


def _session_heading(programme: Programme, group: list[Event]) -> str:
    """A declared session as a heading over its items: name, time, place and chairs."""
    session = next(s for s in programme.sessions if s.id == group[0].session_id)
    published = next(e for e in programme.session_events if e.session_id == session.id)  # its span
    when = zones.span(published.start, published.end, published.start.tzinfo, dates=False)
    place = ", ".join(part for part in (session.room, session.level) if part)
    chairs = ", ".join(str(person) for person in session.chairs)
    details = " · ".join(part for part in (when, place, f"Chair: {chairs}" if chairs else "") if part)
    return (
        f'<li class="session" id="session-{_attr(session.id)}" style="list-style: none; padding: .75rem 0">'
        f'<h4 class="session-name">{_text(session.name)}</h4><p class="muted">{_text(details)}</p>'
        '<ol class="day" style="padding-left: .75rem; border-left: 3px solid #d0d0d0">'
    )


def _event(programme: Programme, event: Event, paper_file: Feed, in_feeds: Sequence[str]) -> str:
    """One event of the programme; a cancelled one struck through, marked, and not offered."""
    paper = programme.paper(event.paper)
    label = programme.kind(event.kind).label
    happening = [e for e in paper_file.events if e.status != "cancelled"]
    kinds = " and ".join(f"its {programme.kind(e.kind).label.lower()}" for e in happening)
    place = location(programme, event) or "Place not announced"
    title = _text(paper.title)
    what = "paper" if paper.authors else label.lower()
    add = f"{what} ({kinds})" if paper.authors or len(happening) > 1 else what
    speakers = ", ".join(str(person) for person in paper.speakers)
    category = award(programme, paper)
    when = zones.span(event.start, event.end, event.start.tzinfo, dates=False)
    cancelled = event.status == "cancelled"
    time = (
        f'<time datetime="{event.start.isoformat()}" data-end="{event.end.isoformat()}">{_text(when)}</time>'
    )
    rows = [
        "" if cancelled else '<button type="button" class="star needs-js" aria-pressed="false">Pick</button>',
        f'<p class="when"><strong>Cancelled</strong> · <s>{time}</s> · {_text(label)}</p>'
        if cancelled
        else f'<p class="when">{time} · {_text(label)}</p>',
        f"<h4><s>{title}</s></h4>" if cancelled else f"<h4>{title}</h4>",
        f'<p class="where">{_text(event.session)} · {_text(place)}</p>',
        f'<p class="muted authors">{_text(", ".join(paper.authors))}</p>' if paper.authors else "",
        f"<p>Speakers: {_text(speakers)}</p>" if speakers else "",
        f"<p>{_text(category)}</p>" if category else "",
        ""
        if cancelled
        else f'<p><a href="{_attr(paper_file.filename)}">Add this {_text(add)} '
        f'to your calendar<span class="vh">: {title}</span></a></p>',
    ]
    attributes = (
        f'class="event{" cancelled" if cancelled else ""}" id="{_attr(event.id)}" '
        f'data-uid="{_attr(uid(programme, event))}" '
        f'data-key="{pick_key(event.id)}" data-kind="{event.kind}" data-feeds="{_attr(" ".join(in_feeds))}"'
    )
    return f"<li {attributes}>{''.join(rows)}</li>"


def _zone_labels(programme: Programme) -> str:
    """The zone's abbreviations and UTC offsets during the programme, e.g. 'CST, UTC−06:00'."""
    seen = dict.fromkeys(zones.offset_label(moment) for e in programme.events for moment in (e.start, e.end))
    return "; ".join(seen)


def _when_and_where(programme: Programme) -> str:
    conference = programme.conference
    return f"{conference.start:%-d %B} – {conference.end:%-d %B %Y} · {conference.venue}, {conference.city}"


def _schedule_section(programme: Programme) -> list[str]:
    """schedule.xml and schedule.json, for phone apps, and a Giggity link with a public address."""
    base_url = programme.conference.base_url
    actions = []
    if base_url:
        giggity = f"https://ggt.gaa.st/#url={base_url}{SCHEDULE_XML}"
        actions.append(f'<li><a href="{_attr(giggity)}">Open in Giggity (Android)</a></li>')
    actions += [
        f'<li><a href="{SCHEDULE_XML}">{SCHEDULE_XML}</a></li>',
        f'<li><a href="{SCHEDULE_JSON}">{SCHEDULE_JSON}</a></li>',
    ]
    return [
        '<section aria-labelledby="apps">',
        '<h2 id="apps">Conference apps</h2>',
        "<p>The programme in the schedule format of conference apps such as Giggity, "
        "EventFahrplan and ConfClerk: add the address of schedule.xml in the app.</p>",
        f'<ul class="actions">{"".join(actions)}</ul>',
        "</section>",
    ]


def _text(value: str) -> str:
    return escape(value, quote=False)


def _attr(value: str) -> str:
    return escape(value, quote=True)
