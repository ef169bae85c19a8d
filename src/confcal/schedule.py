"""Programme → ``schedule.xml`` and ``schedule.json``: the frab/pentabarf format read by
Giggity, EventFahrplan, ConfClerk, Engelsystem, the c3voc tracker and info-beamer.

Pure and deterministic: both files come from one document built here, so they always agree.
Decisions (README, "schedule.xml and schedule.json"):

- ``guid`` is uuid5(NAMESPACE_URL, the event's iCalendar UID): the same in both files and in
  every build. ``id`` (the older apps' key) comes from the same UID, see ``numeric_ids``.
- A conference day runs from 04:00 to 04:00 local time, so an evening poster session that
  runs past midnight stays on its conference day.
- Posters share one room, "Posters", with the board in the subtitle: apps draw one column
  per room, and a column per poster board is unreadable at conference size.
- The format has no cancellation: cancelled events are left out, so apps drop them on refresh.
- ``version`` is a digest of everything else in the document: it changes exactly when the
  programme an app would show changes.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from confcal.model import Event, Programme
from confcal.render import uid
from confcal.xmltext import escape, quoteattr
from confcal.zones import zone as named_zone

SCHEDULE_XML = "schedule.xml"
SCHEDULE_JSON = "schedule.json"
GENERATOR = "confcal"
DAY_CHANGE = time(4, 0)
POSTERS_ROOM = "Posters"
TIMESLOT = "00:05"
_ID_SPACE = 2**31 - 1  # ids are 1 … 2^31 - 1: positive and within a signed 32-bit integer
_ACRONYM = re.compile(r"[a-z0-9_-][a-z0-9_]{3,}(-2[0-9]{3}-[a-z]+)?")
_ZONE_NAME = re.compile(r"^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$")  # the JSON schema's own pattern
_TRACK_SLUG = re.compile(r"[a-z][a-z0-9-]+")


def event_guid(uid_text: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, uid_text))


def numeric_ids(uids: Iterable[str]) -> dict[str, int]:
    """A positive 31-bit id per UID: the first four bytes of its SHA-256, modulo 2^31 - 1, plus one.

    Collision rule: UIDs are numbered in sorted order, and a UID whose number is taken takes the
    next free one (wrapping from 2^31 - 1 to 1). An id therefore changes only if a new UID that
    sorts before it lands on the same number, about once in 2^31 per pair.
    """
    taken: dict[int, str] = {}
    for text in sorted(set(uids)):
        number = int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big") % _ID_SPACE + 1
        while number in taken:
            number = number % _ID_SPACE + 1
        taken[number] = text
    return {text: number for number, text in taken.items()}


def acronym(conference_id: str, year: int) -> str:
    """The conference id as the JSON schema's acronym pattern accepts it (which rejects
    ``neurips-2023``): hyphens become underscores, and the year is appended to ids shorter
    than four characters."""
    candidate = conference_id.replace("-", "_")
    if len(candidate) < 4:
        candidate = f"{candidate}_{year}"
    assert _ACRONYM.fullmatch(candidate), candidate  # ids are [a-z0-9]+(-[a-z0-9]+)* (checked.ID_PATTERN)
    return candidate


def conference_day(event: Event) -> date:
    """The conference day an event belongs to: days change at DAY_CHANGE local time."""
    wall = event.start.replace(tzinfo=None)
    return (wall - timedelta(hours=DAY_CHANGE.hour, minutes=DAY_CHANGE.minute)).date()


def room_name(programme: Programme, event: Event) -> str:
    """The room column an app shows the event in."""
    if event.kind == "poster":
        return POSTERS_ROOM
    if event.place:
        return event.place
    return str(programme.venue(event.venue)) if event.venue else programme.conference.venue


def subtitle(event: Event) -> str:
    if event.kind == "poster" and event.board:
        return f"Poster board {event.board}"
    return event.session


def hours_minutes(delta: timedelta) -> str:
    minutes = int(delta.total_seconds()) // 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _iso(moment: datetime) -> str:
    return moment.isoformat()


@dataclass(frozen=True)
class Day:
    index: int
    date: date
    start: datetime
    end: datetime
    rooms: dict[str, list[dict[str, Any]]]


def _day_bounds(zone: tzinfo, day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, DAY_CHANGE, tzinfo=zone)
    return start, datetime.combine(day + timedelta(days=1), DAY_CHANGE, tzinfo=zone)


def _event_json(
    programme: Programme, event: Event, *, guid: str, number: int, slug_prefix: str
) -> dict[str, Any]:
    paper = programme.paper(event.paper)
    conference = programme.conference
    persons = list(dict.fromkeys([*event.speakers, *(p.name for p in paper.speakers), *paper.authors]))
    return {
        "guid": guid,
        "id": number,
        "date": _iso(event.start),
        "start": f"{event.start:%H:%M}",
        "end": _iso(event.end),
        "duration": hours_minutes(event.end - event.start),
        "room": room_name(programme, event),
        "slug": f"{slug_prefix}-{event.id.replace('.', '-')}",
        "url": paper.url or conference.website,
        "title": paper.title,
        "subtitle": subtitle(event),
        "track": programme.category_name(paper) or None,
        "type": event.kind,
        "language": None,
        "abstract": paper.abstract,
        "description": paper.note or None,
        "persons": [{"name": name, "public_name": name} for name in persons],
        "links": [{"url": link.url, "title": link.label} for link in paper.links],
    }


def document(programme: Programme) -> dict[str, Any]:
    """The schedule as the JSON file holds it; schedule.xml is written from the same values."""
    return _document(programme)[0]


def _document(programme: Programme) -> tuple[dict[str, Any], dict[str, str]]:
    """``document``, and each event's compact JSON by guid (encoded once, for the version and the file)."""
    conference = programme.conference
    zone = named_zone(conference.timezone)
    events = [e for e in programme.events if e.status != "cancelled"]
    uids = {e.id: uid(programme, e) for e in events}
    numbers = numeric_ids(uids.values())
    short = acronym(conference.id, conference.start.year)
    by_day: dict[date, dict[str, list[dict[str, Any]]]] = {}
    encoded: dict[str, str] = {}
    for event in events:
        item = _event_json(
            programme,
            event,
            guid=event_guid(uids[event.id]),
            number=numbers[uids[event.id]],
            slug_prefix=short,
        )
        encoded[item["guid"]] = _json(item)
        by_day.setdefault(conference_day(event), {}).setdefault(item["room"], []).append(item)
    first = min([conference.start, *by_day])
    last = max([conference.end, *by_day])
    days = []
    for index in range((last - first).days + 1):
        day = first + timedelta(days=index)
        start, end = _day_bounds(zone, day)
        rooms = by_day.get(day, {})
        days.append(
            {
                "index": index + 1,
                "date": day.isoformat(),
                "day_start": _iso(start),
                "day_end": _iso(end),
                "rooms": {name: rooms[name] for name in sorted(rooms)},
            }
        )
    room_names = sorted({name for rooms in by_day.values() for name in rooms})
    body: dict[str, Any] = {
        "acronym": short,
        "title": conference.name,
        "description": conference.full_name,
        "start": conference.start.isoformat(),
        "end": conference.end.isoformat(),
        "daysCount": len(days),
        "timeslot_duration": TIMESLOT,
        **({"time_zone_name": conference.timezone} if _ZONE_NAME.match(conference.timezone) else {}),
        **({"url": conference.website} if conference.website else {}),
        "tracks": [
            {"name": c.name, **({"slug": c.id} if _TRACK_SLUG.fullmatch(c.id) else {})}
            for c in programme.categories
        ],
        "rooms": [
            {"name": name, "guid": event_guid(f"{conference.id}.room.{name}@confcal")} for name in room_names
        ],
        "days": days,
    }
    schedule: dict[str, Any] = {
        "version": "",
        **({"base_url": conference.base_url} if conference.base_url else {}),
        "conference": body,
    }
    schedule["version"] = _version(schedule, encoded)
    doc = {
        "$schema": "https://c3voc.de/schedule/schema.json",
        "generator": {"name": GENERATOR},
        "schedule": schedule,
    }
    return doc, encoded


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _json_bytes(value: object) -> bytes:
    return _json(value).encode()


def _version(schedule: dict[str, Any], encoded: dict[str, str]) -> str:
    """The first 16 hex digits of the SHA-256 of ``_json(schedule)``, hashed a day at a time from
    the events' JSON already encoded (a dict is ``{"key":value,...}`` in insertion order, and
    ``days`` is the conference's last key), never the whole document as one string."""
    conference = schedule["conference"]
    head = {key: value for key, value in conference.items() if key != "days"}
    digest = hashlib.sha256()
    parts = [f"{_json(key)}:{_json(value)}" for key, value in schedule.items() if key != "conference"]
    digest.update(
        ("{" + "".join(f"{part}," for part in parts) + f'"conference":{_json(head)[:-1]},"days":[').encode()
    )
    for number, day in enumerate(conference["days"]):
        digest.update((("," if number else "") + _compact_day(day, encoded)).encode())
    digest.update(b"]}}")
    return digest.hexdigest()[:16]


def _compact_day(day: dict[str, Any], encoded: dict[str, str]) -> str:
    fields = {key: value for key, value in day.items() if key != "rooms"}
    rooms = ",".join(
        f"{_json(name)}:[{','.join(encoded[item['guid']] for item in items)}]"
        for name, items in day["rooms"].items()
    )
    return f'{_json(fields)[:-1]},"rooms":{{{rooms}}}}}'


def render_json(doc: dict[str, Any], encoded: dict[str, str]) -> bytes:
    """One event a line: small enough to diff, without the pure-Python indenting encoder;
    ``encoded`` holds each event's JSON by guid (``_document``)."""
    schedule = doc["schedule"]
    conference = schedule["conference"]
    head = {k: v for k, v in conference.items() if k != "days"}
    lines = [
        "{",
        f'"$schema":{_json_bytes(doc["$schema"]).decode()},',
        f'"generator":{_json_bytes(doc["generator"]).decode()},',
        '"schedule":{',
        f'"version":{_json_bytes(schedule["version"]).decode()},',
        *([f'"base_url":{_json_bytes(schedule["base_url"]).decode()},'] if "base_url" in schedule else []),
        f'"conference":{_json_bytes(head).decode()[:-1]},',
        '"days":[',
    ]
    parts = [_encoded(lines)]
    for day_number, day in enumerate(conference["days"]):
        fields = {k: v for k, v in day.items() if k != "rooms"}
        lines = [f'{_json_bytes(fields).decode()[:-1]},"rooms":{{']
        rooms = list(day["rooms"].items())
        for room_number, (name, items) in enumerate(rooms):
            lines.append(f"{_json_bytes(name).decode()}:[")
            lines.extend(
                encoded[item["guid"]] + ("," if n < len(items) - 1 else "") for n, item in enumerate(items)
            )
            lines.append("]" + ("," if room_number < len(rooms) - 1 else ""))
        lines.append("}}" + ("," if day_number < len(conference["days"]) - 1 else ""))
        parts.append(_encoded(lines))
    parts.append(_encoded(["]}}", "}"]))
    return b"".join(parts)


def _encoded(lines: list[str]) -> bytes:
    """Lines as UTF-8, each ending in a newline. A file is put together from such parts, a day
    at a time, so it is never held whole as text beside its bytes (a 10× programme's schedule
    is close to 100 MB)."""
    return ("\n".join(lines) + "\n").encode()


def _element(name: str, text: str) -> str:
    return f"<{name}>{escape(text)}</{name}>" if text else f"<{name}/>"


def _event_xml(item: dict[str, Any]) -> list[str]:
    lines = [
        f'      <event guid="{item["guid"]}" id="{item["id"]}">',
        f"        {_element('date', item['date'])}",
        f"        {_element('start', item['start'])}",
        f"        {_element('duration', item['duration'])}",
        f"        {_element('room', item['room'])}",
        f"        {_element('slug', item['slug'])}",
        f"        {_element('title', item['title'])}",
        f"        {_element('subtitle', item['subtitle'])}",
        f"        {_element('track', item['track'] or '')}",
        f"        {_element('type', item['type'])}",
        f"        {_element('abstract', item['abstract'])}",
    ]
    if item["description"]:
        lines.append(f"        {_element('description', item['description'])}")
    if item["url"]:
        lines.append(f"        {_element('url', item['url'])}")
    lines.append("        <persons>")
    lines.extend(f"          {_element('person', p['name'])}" for p in item["persons"])
    lines.append("        </persons>")
    if item["links"]:
        lines.append("        <links>")
        lines.extend(
            f"          <link href={quoteattr(link['url'])}>{escape(link['title'])}</link>"
            for link in item["links"]
        )
        lines.append("        </links>")
    lines.append("      </event>")
    return lines


def render_xml(doc: dict[str, Any], *, base_url: str) -> bytes:
    schedule = doc["schedule"]
    conference = schedule["conference"]
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<schedule>",
        f'  <generator name="{GENERATOR}"/>',
        *([f"  {_element('url', base_url + SCHEDULE_XML)}"] if base_url else []),
        f"  {_element('version', schedule['version'])}",
        "  <conference>",
        f"    {_element('title', conference['title'])}",
        f"    {_element('acronym', conference['acronym'])}",
        f"    {_element('start', conference['start'])}",
        f"    {_element('end', conference['end'])}",
        f"    {_element('days', str(conference['daysCount']))}",
        f"    {_element('timeslot_duration', conference['timeslot_duration'])}",
        *([f"    {_element('base_url', base_url)}"] if base_url else []),
        *([f"    {_element('url', conference['url'])}"] if "url" in conference else []),
        *(
            [f"    {_element('time_zone_name', conference['time_zone_name'])}"]
            if "time_zone_name" in conference
            else []
        ),
        *(
            "    <track name={}{}/>".format(
                quoteattr(track["name"]), f' slug="{track["slug"]}"' if "slug" in track else ""
            )
            for track in conference["tracks"]
        ),
        "  </conference>",
    ]
    parts = [_encoded(lines)]
    for day in conference["days"]:
        bounds = f'start="{day["day_start"]}" end="{day["day_end"]}"'
        lines = [f'  <day index="{day["index"]}" date="{day["date"]}" {bounds}>']
        for name, items in day["rooms"].items():
            lines.append(f"    <room name={quoteattr(name)}>")
            for item in items:
                lines.extend(_event_xml(item))
            lines.append("    </room>")
        lines.append("  </day>")
        parts.append(_encoded(lines))
    parts.append(_encoded(["</schedule>"]))
    return b"".join(parts)


def render_schedules(programme: Programme) -> dict[str, bytes]:
    """``schedule.xml`` and ``schedule.json`` of the programme."""
    doc, encoded = _document(programme)
    return {
        SCHEDULE_XML: render_xml(doc, base_url=programme.conference.base_url),
        SCHEDULE_JSON: render_json(doc, encoded),
    }
