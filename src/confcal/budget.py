"""The feed budget: which feeds are too big to subscribe to, and how they could be split.

Calendar clients drop events from large subscriptions without an error: Google Calendar
documents 1 MB per calendar file, and its URL subscriptions lose events past about 1 MB or
about a thousand events; Nextcloud fails on large subscriptions too (README, "Feed size").
A feed over ``[publish] feed_max_bytes`` or ``feed_max_events`` is still written (a download
works everywhere) but offered for download only. Pure: sizes come in, sentences go out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from confcal.feeds import Feed
from confcal.model import Conference, Event

CLIENTS = "Google Calendar and other clients drop events from larger subscriptions"


@dataclass(frozen=True)
class Oversize:
    """A feed over the budget: its size in bytes and events."""

    feed: Feed
    size: int

    @property
    def events(self) -> int:
        return len(self.feed.events)

    def describe(self, conference: Conference) -> str:
        """'all.ics is 9.0 MB with 3,696 events, over the budget of 1.0 MB or 1,000 events'."""
        return (
            f"{self.feed.filename} is {megabytes(self.size)} with {self.events:,} events, over the "
            f"budget of {megabytes(conference.feed_max_bytes)} or {conference.feed_max_events:,} events"
        )


def over_budget(conference: Conference, feeds: Iterable[Feed], sizes: Mapping[str, int]) -> list[Oversize]:
    """The feeds whose file (``sizes``: file name → bytes) exceeds either budget, in feed order."""
    return [
        Oversize(feed, sizes[feed.filename])
        for feed in feeds
        if sizes[feed.filename] > conference.feed_max_bytes or len(feed.events) > conference.feed_max_events
    ]


def megabytes(size: int) -> str:
    """'9.0 MB', '150 kB': how big a feed is, as people read it."""
    return f"{size / 1_000_000:.1f} MB" if size >= 1_000_000 else f"{size / 1000:.0f} kB"


@dataclass(frozen=True)
class Split:
    """Parts of a feed grouped one way (by day, by session), sized as separate feeds."""

    by: str
    example: str
    """A filter for one of the parts, as a [[feeds]] table would write it."""
    parts: int
    largest_size: int
    largest_events: int

    def fits(self, conference: Conference) -> bool:
        size, events = conference.feed_max_bytes, conference.feed_max_events
        return self.largest_size <= size and self.largest_events <= events

    def __str__(self) -> str:
        return (
            f"by {self.by}: {self.parts} feeds, the largest {megabytes(self.largest_size)} "
            f"with {self.largest_events:,} events"
        )


_GROUPINGS: tuple[tuple[str, Callable[[Event], object], Callable[[Event], str]], ...] = (
    ("day", lambda e: e.start.date(), lambda e: f"day = {e.start.date()}"),
    ("session", lambda e: e.session, lambda e: f'session = "{e.session}"'),
)


def splits(feed: Feed, *, head: int, block_sizes: Mapping[str, int]) -> list[Split]:
    """The feed split by day and by session: how many feeds each gives and the largest one.
    ``head``: bytes of a calendar without events; ``block_sizes``: each event's VEVENT bytes."""
    result = []
    for by, key, example in _GROUPINGS:
        groups: dict[object, list[Event]] = {}
        for event in feed.events:
            groups.setdefault(key(event), []).append(event)
        sizes = [head + sum(block_sizes[e.id] for e in group) for group in groups.values()]
        counts = [len(group) for group in groups.values()]
        first = example(feed.events[0]) if feed.events else ""
        result.append(Split(by, first, len(groups), max(sizes, default=head), max(counts, default=0)))
    return result


def suggestion(conference: Conference, options: Sequence[Split]) -> str:
    """A concrete split the organizer can declare with [[feeds]], and the sizes it would give."""
    fitting = [split for split in options if split.fits(conference)]
    chosen = fitting[0] if fitting else min(options, key=lambda s: s.largest_size)
    verdict = "" if fitting else ", still over the budget: combine filters, e.g. a day and a kind"
    return f"split it {chosen} (one [[feeds]] table per {chosen.by}, e.g. {chosen.example}){verdict}"


def uncovered(too_big: Sequence[Oversize], feeds: Sequence[Feed], declared: Iterable[str]) -> list[Oversize]:
    """The feeds over budget that hold an event no smaller declared feed holds: those worth a
    warning. A big conference's all.ics is over any budget, but once [[feeds]] tables cover every
    event, subscribers lose nothing by its being download-only."""
    small = set(declared) - {o.feed.id for o in too_big}
    covered = {e.id for feed in feeds if feed.id in small for e in feed.events}
    return [o for o in too_big if not all(e.id in covered for e in o.feed.events)]
