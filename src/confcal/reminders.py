"""Opt-in reminders: a VALARM spliced into each already-rendered VEVENT.

The event bytes are those ``render.render_events`` gave the default feeds, unchanged; the
alarm is serialised by icalendar and inserted just before ``END:VEVENT``, which is byte for
byte what icalendar writes for the same event holding the alarm as a subcomponent
(tests/test_reminders.py).
"""

from __future__ import annotations

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
    """The rendered events ``blocks`` (``render_events``), each with a reminder ``before`` it."""
    return {
        event.id: with_alarm(
            blocks[event.id],
            alarm(f"Reminder: {summary(programme, event, programme.paper(event.paper))}", before),
        )
        for event in (*programme.events, *programme.session_events)
    }


def reminder_feeds(
    programme: Programme, feeds: Iterable[Feed], *, blocks: Mapping[str, bytes], before: timedelta
) -> dict[str, bytes]:
    """The reminders variant of ``feeds``: ``reminders/<file name>`` → bytes."""
    files = render_feeds(programme, feeds, blocks=with_alarms(programme, blocks, before))
    return {f"{REMINDERS_FOLDER}/{name}": data for name, data in files.items()}
