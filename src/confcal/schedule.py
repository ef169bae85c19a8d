"""Programme → ``schedule.xml`` and ``schedule.json``: the frab/pentabarf format read by
Giggity, EventFahrplan, ConfClerk, Engelsystem, the c3voc tracker and info-beamer.

Pure and deterministic: both files come from one document built here, so they always agree.
Decisions (README, "schedule.xml and schedule.json"):

- ``guid`` is uuid5(NAMESPACE_URL, the event's iCalendar UID): the same in both files and in
  every build. ``id`` (the older apps' key) comes from the same UID, see ``numeric_ids``.
- A conference day runs from 04:00 to 04:00 local time, so an evening poster session that
  runs past midnight stays on its conference day. The first day has no night before it: an
  event before 04:00 on it is on it, and the day starts with it (``model.conference_day``).
- ``duration`` is the real length (across a change of the clocks, not the clock's): apps take
  end = start + duration.
- Posters share one room, "Posters", with the board in the subtitle: apps draw one column
  per room, and a column per poster board is unreadable at conference size.
- The format has no cancellation: cancelled events are left out, so apps drop them on refresh.
- A room is the event's place as its LOCATION names it, but for the conference's venue: a room
  with its own address, and a room at an off-site venue, are named with their building (the
  format has no field for a room's address in the XML, and apps show only the room's name);
  schedule.json's list of rooms gives that building as the room's ``description``.
- A slot's own ``url`` (a stream or a video call) is its first link, "Watch or join"; an online
  slot (``render.online``) is in the room "Online", not in the venue. Whether a slot is streamed
  is the JSON's ``do_not_stream`` (the XML has no place for it).
- ``version`` is a digest of everything else in the document: it changes exactly when the
  programme an app would show changes.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any, NamedTuple, cast

from confcal import zones
from confcal.checked import public_address
from confcal.model import DAY_CHANGE, Event, Programme, conference_day
from confcal.render import online, streamed, uid, where
from confcal.xmltext import escape, quoteattr

SCHEDULE_XML = "schedule.xml"
SCHEDULE_JSON = "schedule.json"
GENERATOR = "confcal"
POSTERS_ROOM = "Posters"
ONLINE_ROOM = "Online"
JOIN_LINK = "Watch or join"
"""The title of the link to a slot's own ``url``, where to watch or join it."""
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


def room_name(programme: Programme, event: Event) -> str:
    """The room column an app shows the event in: its place as its LOCATION names it, but for
    the conference's venue (``render.where``), so a room with its own address and a room at an
    off-site venue are named with their building, as the venue alone is."""
    if event.kind == "poster":
        return POSTERS_ROOM
    if place := where(programme, event):
        return place
    return ONLINE_ROOM if online(programme, event) else programme.conference.venue


def room_buildings(programme: Programme) -> dict[str, str]:
    """Each room of the files that is not at the conference's venue → its building, what its
    name has after the place: the off-site venue (name and address), else the room's own
    address. schedule.json's list of rooms gives it as the room's description."""
    addresses = {room.id: room.address for room in programme.rooms if room.address}
    found: dict[str, str] = {}
    if not (programme.venues or addresses):
        return found
    for event in programme.events:
        if event.status == "cancelled" or event.kind == "poster":
            continue
        building = str(programme.venue(event.venue)) if event.venue else addresses.get(event.room_id, "")
        if building:
            found.setdefault(room_name(programme, event), building)
    return found


def subtitle(event: Event) -> str:
    if event.kind == "poster" and event.board:
        return f"Poster board {event.board}"
    return event.session


def hours_minutes(delta: timedelta) -> str:
    minutes = int(delta.total_seconds()) // 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _day_starts(zone: tzinfo, first: date, count: int) -> list[datetime]:
    """When each of ``count`` days from ``first`` starts (DAY_CHANGE), and then when the last one ends."""
    return [datetime.combine(first + timedelta(days=n), DAY_CHANGE, tzinfo=zone) for n in range(count + 1)]


ScheduleCacheEntry = tuple[int, str, str, str, str]
"""An event as both files hold it, as the render cache keeps it (marshal writes plain tuples):
its numeric id, conference day (ISO), room, JSON and XML."""


class Item(NamedTuple):
    """One event as both files hold it: encoded once, for the version and for each file. A
    named tuple: one is made per event on every build, and a frozen dataclass is made three
    times slower."""

    number: int
    day: str
    room: str
    json: str
    xml: str
    start: datetime


def times_key(start: datetime, end: datetime) -> tuple[object, ...]:
    """The same for two events exactly when their starts and ends are the same times in the same
    zones: a key to write each such pair's texts once (a NeurIPS-size programme's 3,700 events
    have some 60). Their tzinfo objects must be alive, and are compared by identity; an aware
    datetime alone would not do: it equals one of the same instant in another zone, and in the
    hour that comes twice, one of the same clock time either side of the change (``fold``)."""
    return start, end, start.fold, end.fold, id(start.tzinfo), id(end.tzinfo)


class Times(NamedTuple):
    """An event's times as both files give them."""

    date: str
    """Its start, ISO 8601."""
    start: str
    """Its start's clock time, HH:MM."""
    end: str
    """Its end, ISO 8601."""
    duration: str
    """Its real length, HH:MM."""
    day: str
    """Its conference day, ISO 8601 (``model.conference_day``)."""


def event_times(start: datetime, end: datetime, *, first: date) -> Times:
    return Times(
        date=_iso(start),
        start=f"{start:%H:%M}",
        end=_iso(end),
        duration=hours_minutes(zones.duration(start, end)),
        day=conference_day(start, first=first).isoformat(),
    )


def _event_json(
    programme: Programme, event: Event, *, guid: str, number: int, slug_prefix: str, times: Times
) -> dict[str, Any]:
    paper = programme.paper(event.paper)
    conference = programme.conference
    persons = list(dict.fromkeys([*event.speakers, *(p.name for p in paper.speakers), *paper.authors]))
    return {
        "guid": guid,
        "id": number,
        "date": times.date,
        "start": times.start,
        "end": times.end,
        "duration": times.duration,
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
        "do_not_stream": not streamed(programme, event),
        "persons": [{"name": name, "public_name": name} for name in persons],
        "links": [
            *([{"url": event.stream_url, "title": JOIN_LINK}] if event.stream_url else []),
            *({"url": link.url, "title": link.label} for link in paper.links),
        ],
    }


def _items(
    programme: Programme,
    *,
    cache: MutableMapping[str, ScheduleCacheEntry] | None = None,
    keys: Mapping[str, str] | None = None,
) -> list[Item]:
    """Every event the files hold (cancelled ones are left out), in the programme's order.

    With a ``cache`` (the event's render key, ``keys``, → its entry), an event whose inputs
    and numeric id did not change is taken from it; the cache is left holding exactly these
    events. Its inputs are those of its VEVENT (``render.event_keys``); the numeric id depends
    on the other events too, so it is checked apart.
    """
    conference = programme.conference
    events = [e for e in programme.events if e.status != "cancelled"]
    uids = {e.id: uid(programme, e) for e in events}
    numbers = numeric_ids(uids.values())
    short = acronym(conference.id, conference.start.year)
    kept: dict[str, ScheduleCacheEntry] = {}
    times: dict[tuple[object, ...], Times] = {}
    items = []
    for event in events:
        number = numbers[uids[event.id]]
        key = keys[event.id] if cache is not None and keys is not None else ""
        entry = cache.get(key) if cache is not None else None
        if entry is None or entry[0] != number:
            guid = event_guid(uids[event.id])
            span = times_key(event.start, event.end)
            if span not in times:
                times[span] = event_times(event.start, event.end, first=conference.start)
            values = _event_json(
                programme, event, guid=guid, number=number, slug_prefix=short, times=times[span]
            )
            entry = (
                number,
                times[span].day,
                values["room"],
                _json(values),
                _event_xml(values),
            )
        if key:
            kept[key] = entry
        items.append(Item(*entry, start=event.start))
    if cache is not None:
        cache.clear()
        cache.update(kept)
    return items


@dataclass(frozen=True)
class Document:
    """Both files' content: the schedule's fields but its days, and the days with their rooms."""

    schedule: dict[str, Any]
    days: list[tuple[dict[str, Any], dict[str, list[Item]]]]


def document(programme: Programme) -> dict[str, Any]:
    """The schedule as the JSON file holds it (read back from the file)."""
    return cast("dict[str, Any]", json.loads(render_json(_document(programme, _items(programme)))))


def _document(programme: Programme, items: list[Item]) -> Document:
    conference = programme.conference
    zone = zones.zone(conference.timezone)
    by_day: dict[str, dict[str, list[Item]]] = {}
    for item in items:
        by_day.setdefault(item.day, {}).setdefault(item.room, []).append(item)
    first = min([conference.start, *map(date.fromisoformat, by_day)])
    last = max([conference.end, *map(date.fromisoformat, by_day)])
    count = (last - first).days + 1
    starts = _day_starts(zone, first, count)
    opening = (conference.start - first).days  # its early events (conference_day) start it sooner
    early = by_day.get(conference.start.isoformat(), {}).values()
    starts[opening] = min([starts[opening], *(item.start for items in early for item in items)])
    days = []
    for index in range(count):
        day = first + timedelta(days=index)
        start, end = starts[index], starts[index + 1]
        rooms = by_day.get(day.isoformat(), {})
        fields = {"index": index + 1, "date": day.isoformat(), "day_start": _iso(start), "day_end": _iso(end)}
        days.append((fields, {name: rooms[name] for name in sorted(rooms)}))
    room_names = sorted({name for rooms in by_day.values() for name in rooms})
    elsewhere = room_buildings(programme)
    body: dict[str, Any] = {
        "acronym": acronym(conference.id, conference.start.year),
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
            {
                "name": name,
                "guid": event_guid(f"{conference.id}.room.{name}@confcal"),
                **({"description": elsewhere[name]} if name in elsewhere else {}),
            }
            for name in room_names
        ],
    }
    schedule: dict[str, Any] = {
        "version": "",
        **({"base_url": public_address(conference.base_url)} if conference.base_url else {}),
        "conference": body,
    }
    document = Document(schedule, days)
    schedule["version"] = _version(document)
    return document


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _json_bytes(value: object) -> bytes:
    return _json(value).encode()


def _version(document: Document) -> str:
    """The first 16 hex digits of the SHA-256 of ``_json(schedule)`` with its days, hashed a
    day at a time from the events' JSON already encoded (a dict is ``{"key":value,...}`` in
    insertion order, and ``days`` is the conference's last key), never the whole document as
    one string."""
    schedule = document.schedule
    digest = hashlib.sha256()
    parts = [f"{_json(key)}:{_json(value)}" for key, value in schedule.items() if key != "conference"]
    head = _json(schedule["conference"])[:-1]
    digest.update(("{" + "".join(f"{part}," for part in parts) + f'"conference":{head},"days":[').encode())
    for number, (fields, rooms) in enumerate(document.days):
        compact = ",".join(
            f"{_json(name)}:[{','.join(item.json for item in items)}]" for name, items in rooms.items()
        )
        digest.update(f'{"," if number else ""}{_json(fields)[:-1]},"rooms":{{{compact}}}}}'.encode())
    digest.update(b"]}}")
    return digest.hexdigest()[:16]


def render_json(document: Document) -> bytes:
    """One event a line: small enough to diff, without the pure-Python indenting encoder."""
    schedule = document.schedule
    lines = [
        "{",
        '"$schema":"https://c3voc.de/schedule/schema.json",',
        f'"generator":{_json({"name": GENERATOR})},',
        '"schedule":{',
        *(f"{_json(key)}:{_json(value)}," for key, value in schedule.items() if key != "conference"),
        f'"conference":{_json(schedule["conference"])[:-1]},',
        '"days":[',
    ]
    parts = [_encoded(lines)]
    last_day = len(document.days) - 1
    for day_number, (fields, rooms) in enumerate(document.days):
        lines = [f'{_json(fields)[:-1]},"rooms":{{']
        last_room = len(rooms) - 1
        for room_number, (name, items) in enumerate(rooms.items()):
            lines.append(f"{_json(name)}:[")
            lines.append(",\n".join(item.json for item in items))
            lines.append("]" + ("," if room_number < last_room else ""))
        lines.append("}}" + ("," if day_number < last_day else ""))
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


def _event_xml(item: dict[str, Any]) -> str:
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
    return "\n".join(lines)


def render_xml(document: Document, *, base_url: str) -> bytes:
    schedule = document.schedule
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
    for fields, rooms in document.days:
        bounds = f'start="{fields["day_start"]}" end="{fields["day_end"]}"'
        lines = [f'  <day index="{fields["index"]}" date="{fields["date"]}" {bounds}>']
        for name, items in rooms.items():
            lines.append(f"    <room name={quoteattr(name)}>")
            lines.extend(item.xml for item in items)
            lines.append("    </room>")
        lines.append("  </day>")
        parts.append(_encoded(lines))
    parts.append(_encoded(["</schedule>"]))
    return b"".join(parts)


def render_schedules(
    programme: Programme,
    *,
    cache: MutableMapping[str, ScheduleCacheEntry] | None = None,
    keys: Mapping[str, str] | None = None,
) -> dict[str, bytes]:
    """``schedule.xml`` and ``schedule.json`` of the programme; ``cache`` and ``keys``: see ``_items``."""
    return dict(schedule_files(programme, cache=cache, keys=keys))


def schedule_files(
    programme: Programme,
    *,
    cache: MutableMapping[str, ScheduleCacheEntry] | None = None,
    keys: Mapping[str, str] | None = None,
) -> Iterator[tuple[str, bytes]]:
    """``render_schedules`` one file at a time: a caller that writes each as it comes never
    holds both (a 10× programme's are close to 100 MB each)."""
    document = _document(programme, _items(programme, cache=cache, keys=keys))
    yield SCHEDULE_XML, render_xml(document, base_url=public_address(programme.conference.base_url))
    yield SCHEDULE_JSON, render_json(document)
