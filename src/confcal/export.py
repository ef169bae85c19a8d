"""A personal feed of the events that pass some filters (``confcal export``), numbered as the
published feeds number them; and the one line that says what was written."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from confcal.feeds import Feed
from confcal.filters import Filters, selection_feed
from confcal.load import load
from confcal.lock import hold
from confcal.publish import refused_warning, stale_stamp
from confcal.render import render_feeds
from confcal.revisions import Revised, revise_published
from confcal.settings import BuildOptions, with_overrides
from confcal.state import STATE_FILE, lost, read_state

NO_STATE = (
    "warning: no published state ({state}): every event is exported at SEQUENCE 0, as a first build "
    "would publish it, and an importer keeps a newer copy it has; if the feeds were published, "
    "give their folder with --published"
)
LOST = (
    "warning: {output} holds published feeds but not their state ({state}): every event is exported "
    "at SEQUENCE 0, and an importer keeps a newer copy it has; restore the state file (from version "
    "control or a backup)"
)


@dataclass(frozen=True)
class Exported:
    feed: Feed
    data: bytes
    """The feed as an .ics file."""
    warnings: tuple[str, ...] = ()


def export(events: Path, *, filters: Filters, published: Path | None, options: BuildOptions) -> Exported:
    """The selected events of ``events`` as one feed, with the SEQUENCE and LAST-MODIFIED of the
    feeds published in ``published`` (default: ``output`` beside ``events``; read under the
    shared lock), and the cancelled events they keep (``keep_cancelled``). Of ``options``, the
    stamp, the reminders (``alarm``) and ``keep_cancelled`` apply. Raises
    UnknownIdError or NoMatchError (filters.py) for a selection that names or holds nothing."""
    overrides = BuildOptions(stamp=options.stamp, keep_cancelled=options.keep_cancelled)
    programme = with_overrides(load(events), overrides)
    published = published or events.parent / "output"
    with hold(published, exclusive=False):
        previous = read_state(published)
    state = published / STATE_FILE
    warnings: tuple[str, ...] = ()
    if previous is None:
        warnings = ((LOST if lost(published) else NO_STATE).format(state=state, output=published),)
    state_name = str(state)
    revised = revise_published(programme, previous, events=events, state_name=state_name)
    programme, blocks = revised.programme, revised.blocks  # with the cancellations the feeds keep
    feed = selection_feed(programme, filters)
    if options.alarm is not None:
        from confcal.reminders import with_alarms

        blocks = with_alarms(programme, blocks, options.alarm)
    data = render_feeds(programme, [feed], blocks=blocks)[feed.filename]
    if previous is not None:
        refused = stale_stamp(revised, events=events, output=published, options=overrides)
        selected = {event.id for event in feed.events}
        warnings += _unpublished(revised, selected, refused=refused_warning(refused) if refused else None)
    return Exported(feed=feed, data=data, warnings=warnings)


def _unpublished(revised: Revised, selected: set[str], *, refused: str | None) -> tuple[str, ...]:
    """A warning when the export holds events not yet as published (an edit not built yet): the
    file shows them as the next build will, before the feeds do; and the warning that the build
    would be ``refused`` (a stamp not later than one published) when it would."""
    changed = sorted({change.id for change in revised.changes} & selected)
    if not changed:
        return ()
    shown = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
    count, them = (
        ("1 exported event is", "it")
        if len(changed) == 1
        else (f"{len(changed)} exported events are", "them")
    )
    unpublished = (
        f"warning: {count} not yet as published ({shown}): the file holds {them} as the next build "
        f"will publish {them}; `confcal diff` lists what that build changes"
    )
    return (unpublished, refused) if refused else (unpublished,)


def summary(output: Path, exported: Exported) -> str:
    """'my.ics: 3 events (NeurIPS 2023: Orals)'."""
    count = len(exported.feed.events)
    return f"{output}: {count} event{'' if count == 1 else 's'} ({exported.feed.name})"
