"""Opt-in reminders: a VALARM spliced into each already-rendered VEVENT.

The event bytes are those ``render.render_events`` gave the default feeds, unchanged; the
alarm is serialised by icalendar and inserted just before ``END:VEVENT``, which is byte for
byte what icalendar writes for the same event holding the alarm as a subcomponent
(tests/test_reminders.py). A cancelled event gets none: it is not happening. The variant's
feeds are named and described as carrying reminders, so a subscriber who has both a feed and
its variant can tell them apart (FEEDS.md: a distinct name per feed).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from datetime import timedelta

import icalendar

from confcal.feeds import Feed
from confcal.model import Programme
from confcal.render import render_feeds, summary

REMINDERS_FOLDER = "reminders"
MAX_LEAD_TIME = timedelta(days=7)
_LEAD_TIME = re.compile(r"(?:(\d+)h)?(?:(\d+)m)?")
_END_EVENT = b"END:VEVENT\r\n"


def parse_lead_time(text: str) -> timedelta:
    """'15m', '1h', '90m', '1h30m' → how long before an event its reminder fires."""
    match = _LEAD_TIME.fullmatch(text.strip().lower())
    if not match or not any(match.groups()):
        raise ValueError(f"{text!r} is not a lead time; expected minutes or hours like 15m, 1h, 90m or 1h30m")
    hours, minutes = (int(group or 0) for group in match.groups())
    lead = timedelta(hours=hours, minutes=minutes)
    if not timedelta(0) < lead <= MAX_LEAD_TIME:
        raise ValueError(
            f"{text!r} is out of range; expected more than 0m and at most {MAX_LEAD_TIME.days} days"
        )
    return lead


def alarm(description: str, before: timedelta) -> bytes:
    """A display VALARM that fires ``before`` the event starts."""
    component = icalendar.Alarm()
    component.add("action", "DISPLAY")
    component.add("description", description)
    component.add("trigger", -before)
    return bytes(component.to_ical())


def with_alarm(event_block: bytes, alarm_block: bytes) -> bytes:
    """The VEVENT with the VALARM as its last subcomponent."""
    if not event_block.endswith(_END_EVENT):
        raise ValueError("not a serialised VEVENT")
    return event_block[: -len(_END_EVENT)] + alarm_block + _END_EVENT


def with_alarms(programme: Programme, blocks: Mapping[str, bytes], before: timedelta) -> dict[str, bytes]:
    """The rendered events ``blocks`` (``render_events``), each with a reminder ``before`` it
    but a cancelled one, which is left as it is."""
    return {
        event.id: blocks[event.id]
        if event.status == "cancelled"
        else with_alarm(
            blocks[event.id],
            alarm(f"Reminder: {summary(programme, event, programme.paper(event.paper))}", before),
        )
        for event in (*programme.events, *programme.session_events)
    }


def spoken(lead: timedelta) -> str:
    """A lead time in words: '15 minutes', '1 hour', '1 hour 30 minutes', '168 hours'."""
    hours, minutes = divmod(int(lead.total_seconds()) // 60, 60)
    parts = [
        f"{count} {unit}{'' if count == 1 else 's'}"
        for count, unit in ((hours, "hour"), (minutes, "minute"))
        if count
    ]
    return " ".join(parts)


def reminders_feed(feed: Feed, before: timedelta) -> Feed:
    """``feed`` as its reminders variant is called: 'NeurIPS 2023 (with reminders)'."""
    return dataclasses.replace(
        feed,
        name=f"{feed.name} (with reminders)",
        description=f"{feed.description} Each event has a reminder {spoken(before)} before it starts.",
    )


def reminder_feeds(
    programme: Programme, feeds: Iterable[Feed], *, blocks: Mapping[str, bytes], before: timedelta
) -> dict[str, bytes]:
    """The reminders variant of ``feeds``: ``reminders/<file name>`` → bytes."""
    renamed = (reminders_feed(feed, before) for feed in feeds)
    files = render_feeds(programme, renamed, blocks=with_alarms(programme, blocks, before))
    return {f"{REMINDERS_FOLDER}/{name}": data for name, data in files.items()}
