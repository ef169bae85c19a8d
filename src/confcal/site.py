"""Programme + feeds → ``index.html``: the one page people are sent to. Pure and deterministic.

Plain HTML with inline CSS and no scripts, fonts or other requests. Download links are
relative, so the page works on any static host and in ``confcal serve``; subscribe links
need the public address (``publish.base_url``) and are left out, with a note, without one.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

from confcal import zones
from confcal.budget import Oversize, megabytes
from confcal.feeds import Feed
from confcal.model import KIND_LABELS, Event, Programme
from confcal.render import award, location
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
"""


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


def page_head(title: str) -> list[str]:
    """The start of a page, to its ``</head>``; every page links the changes feed."""
    return [
        "<!doctype html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<link rel="icon" href="data:,">',
        f'<link rel="alternate" type="application/atom+xml" title="Programme changes" href="{CHANGES_FEED}">',
        f"<title>{_text(title)}</title>",
        f"<style>{_CSS}</style>",
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
        *page_head(f"{conference.name}: programme and calendar feeds"),
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
        *_programme_section(programme, paper_files),
        "</main>",
        "<footer>",
        f'<p class="muted">Programme updated {updated or conference.updated:%-d %B %Y, %H:%M} UTC. '
        "Built with confcal.</p>",
        "</footer>",
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
        count = len(feed.events)
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
            f'<p class="muted">{count} event{"" if count == 1 else "s"}</p>',
            _too_big_note(oversize, feeds, too_big) if oversize else "",
            f'<ul class="actions">{"".join(actions)}</ul>',
            "</article>",
        ]
    lines.append("</section>")
    return lines


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


def _programme_section(programme: Programme, paper_files: dict[str, Feed]) -> list[str]:
    conference = programme.conference
    lines = [
        '<section aria-labelledby="programme">',
        '<h2 id="programme">Programme</h2>',
        f"<p>All times are local to {_text(conference.city)}: time zone "
        f"{_text(conference.timezone)} ({_text(_zone_labels(programme))}).</p>",
    ]
    for day, events in itertools.groupby(programme.events, key=lambda e: e.start.date()):
        heading = f"{day:%A %-d %B %Y}"
        lines += [f"<h3>{_text(heading)}</h3>", '<ol class="day">']
        lines += [_event(programme, event, paper_files[event.paper]) for event in events]
        lines.append("</ol>")
    lines.append("</section>")
    return lines


def _event(programme: Programme, event: Event, paper_file: Feed) -> str:
    paper = programme.paper(event.paper)
    kinds = " and ".join(f"its {KIND_LABELS[e.kind].lower()}" for e in paper_file.events)
    place = location(programme, event) or "Place not announced"
    title = _text(paper.title)
    when = zones.span(event.start, event.end, event.start.tzinfo, dates=False)
    rows = [
        f'<p class="when"><time datetime="{event.start.isoformat()}">{_text(when)}</time>'
        f" · {_text(KIND_LABELS[event.kind])}</p>",
        f"<h4>{title}</h4>",
        f"<p>{_text(event.session)} · {_text(place)}</p>",
        f'<p class="muted">{_text(", ".join(paper.authors))}</p>',
        f"<p>{_text(award(programme, paper))}</p>",
        f'<p><a href="{_attr(paper_file.filename)}">Add this paper ({_text(kinds)}) '
        f'to your calendar<span class="vh">: {title}</span></a></p>',
    ]
    return f'<li class="event" id="{_attr(event.id)}">{"".join(rows)}</li>'


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
