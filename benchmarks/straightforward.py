"""The straightforward way to build the same files, for comparison: every calendar built as a
whole icalendar Calendar and serialised on its own, so an event is serialised once per file
that holds it. Same bytes as confcal's build (tests/test_scale.py), several times the work."""

from __future__ import annotations

from confcal.build import plan
from confcal.feeds import feeds
from confcal.model import Programme
from confcal.render import calendar_component, event_component, timezone_component


def straightforward_plan(programme: Programme) -> dict[str, bytes]:
    files = dict(plan(programme, workers=1))
    for feed in feeds(programme):
        calendar = calendar_component(programme, feed, timezone_component(programme))
        for event in feed.events:
            calendar.add_component(event_component(programme, event))
        files[feed.filename] = bytes(calendar.to_ical())
    return files
