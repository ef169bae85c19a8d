"""The straightforward way to build the same files, for comparison: every calendar built as a
whole icalendar Calendar and serialised on its own, so an event is serialised once per file
that holds it. Same bytes as confcal's build (tests/test_scale.py), several times the work."""

from __future__ import annotations

from confcal.build import render_all
from confcal.feeds import feeds, paper_feeds
from confcal.model import Programme
from confcal.render import calendar_component, event_component, timezone_component
from confcal.revisions import revise_published


def straightforward_plan(programme: Programme) -> dict[str, bytes]:
    files = render_all(revise_published(programme, None))
    for feed in (*feeds(programme), *paper_feeds(programme)):
        calendar = calendar_component(programme, feed)
        if (zone := timezone_component(programme)) is not None:
            calendar.add_component(zone)
        for event in feed.events:
            calendar.add_component(event_component(programme, event))
        files[feed.filename] = bytes(calendar.to_ical())
    return files


def main(argv: list[str] | None = None) -> int:
    """python -m benchmarks.straightforward EVENTS OUTPUT: build OUTPUT the straightforward way."""
    import sys
    from pathlib import Path

    from confcal.load import load
    from confcal.write import write_files

    events, output = (Path(arg) for arg in (argv if argv is not None else sys.argv[1:]))
    write_files(output, straightforward_plan(load(events)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
