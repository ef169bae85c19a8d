"""Where and when: [[venues]], [[rooms]], [[sessions]], and the place and times of a slot or a session."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from confcal import zones
from confcal.load.reader import EventsReader
from confcal.model import Kind, KindDef, Person, Room, Session, Venue


@dataclass(frozen=True)
class Places:
    """What slots are read against: the kinds, the venues and the conference's zone."""

    kinds: Mapping[Kind, KindDef]
    venues: Mapping[str, str]
    """The declared venues' names by id."""
    local: zones.Localizer | None
    """Local times of the conference's zone → aware times; None when the zone is unknown."""
    rooms: dict[str, Room] | None = None
    """The declared rooms by id; None when the file declares none (rooms are then free text)."""
    sessions: dict[str, Session] = field(default_factory=dict)
    timed_sessions: set[str] = field(default_factory=set)
    """Ids of the sessions that set a start or an end, read or not: an unknown zone, or a time
    the session's own problems name, leaves a session without times its slots would take."""


def read_venue(reader: EventsReader, path: str, table: Mapping[str, Any]) -> Venue:
    reader.keys(table, "venues", path)
    return Venue(
        id=reader.identifier(table, "id", path),
        name=reader.text(table, "name", path),
        address=reader.text(table, "address", path),
    )


def read_room(reader: EventsReader, path: str, table: Mapping[str, Any]) -> Room:
    reader.keys(table, "rooms", path)
    capacity = reader.get(table, "capacity", path, int)
    if capacity is not None and capacity < 1:
        reader.problem(f"{path}.capacity", f"expected a positive number of seats, found {capacity}")
    return Room(
        id=reader.identifier(table, "id", path),
        name=reader.text(table, "name", path),
        level=reader.text(table, "level", path),
        capacity=capacity,
        address=reader.text(table, "address", path),
    )


def read_session(reader: EventsReader, path: str, table: Mapping[str, Any], places: Places) -> Session:
    reader.keys(table, "sessions", path)
    kind = reader.text(table, "kind", path)
    if kind and kind not in places.kinds:
        unknown_kind(reader, f"{path}.kind", kind, places.kinds.values())
    if ("start" in table) != ("end" in table):
        reader.problem(path, "expected both 'start' and 'end', or neither (the session then spans its items)")
    start, end = times(reader, table, path, places.local)
    room, level, room_id = room_of(reader, table, path, places)
    return Session(
        id=reader.identifier(table, "id", path),
        name=reader.text(table, "name", path),
        kind=kind,
        start=start,
        end=end,
        room=room,
        level=level,
        room_id=room_id,
        venue=venue_id(reader, table, path, places),
        chairs=tuple(_chairs(reader, table, path)),
        streamed=reader.get(table, "streamed", path, bool),
        stream_url=reader.url(table, "url", path),
    )


def _chairs(reader: EventsReader, table: Mapping[str, Any], path: str) -> Iterator[Person]:
    """``chair``: a name, a { name, affiliation } table, or an array of them."""
    value = table.get("chair")
    if value is None:
        return
    yield from reader.people({"chair": value if isinstance(value, list) else [value]}, "chair", path)


def times(
    reader: EventsReader, table: Mapping[str, Any], path: str, local: zones.Localizer | None
) -> tuple[datetime | None, datetime | None]:
    """A slot's or session's start and end, localized; the end must come after the start."""
    local_start, local_end = reader.local_time(table, "start", path), reader.local_time(table, "end", path)
    if local_start and local_end and local_end <= local_start:
        next_day = local_end + timedelta(days=1)
        if local_end.date() == local_start.date() and next_day - local_start <= timedelta(hours=12):
            # 20:00 to 02:30 written on one date: an end after midnight is on the next day
            fix = f"; an end after midnight is on the next day: end = {next_day.isoformat()}"
        else:
            fix = "; expected an end later than the start"
        reader.problem(
            f"{path}.end",
            f"{local_end:%Y-%m-%d %H:%M} is not after the start {local_start:%Y-%m-%d %H:%M}{fix}",
        )
    return _localize(reader, local, local_start, f"{path}.start"), _localize(
        reader, local, local_end, f"{path}.end"
    )


def room_of(
    reader: EventsReader, table: Mapping[str, Any], path: str, places: Places
) -> tuple[str, str, str]:
    """Room name, level and id: a declared room by its id, or free text (with a level)."""
    room, level = reader.text(table, "room", path), reader.text(table, "level", path)
    if level and not room:
        reader.problem(f"{path}.level", "a level needs a room; add 'room' or remove 'level'")
    if places.rooms is None or not room:
        return room, level, ""
    if level:
        reader.problem(f"{path}.level", "a declared room has its level in [[rooms]]; remove 'level' here")
    declared = places.rooms.get(room)
    if declared is None:
        reader.unknown_reference(
            f"{path}.room",
            room,
            what="room",
            names={r.id: [r.name] for r in places.rooms.values()},
            listing=f"defined in [[rooms]]: {', '.join(repr(r) for r in places.rooms) or 'none'}",
            rule="a declared room is named by its id",
        )
        return room, "", ""
    return declared.name, declared.level, declared.id


def venue_id(reader: EventsReader, table: Mapping[str, Any], path: str, places: Places) -> str:
    venue = reader.text(table, "venue", path)
    if venue and venue not in places.venues:
        known = ", ".join(repr(v) for v in places.venues) or "none; declare it in a [[venues]] table"
        names = {id_: [name] for id_, name in places.venues.items()}
        reader.unknown_reference(
            f"{path}.venue", venue, what="venue", names=names, listing=f"defined: {known}"
        )
    return venue


def unknown_kind(reader: EventsReader, where: str, kind: str, kinds: Iterable[KindDef]) -> None:
    """A problem for ``kind``, which is none of ``kinds``: the kind a label names, or a close one
    (a plural label is mostly one: 'posters')."""
    names = {k.id: [k.label] for k in kinds}
    listing = f"defined: {', '.join(repr(k) for k in names)}"
    reader.unknown_reference(where, kind, what="kind", names=names, listing=listing, label="label")


def _localize(
    reader: EventsReader, local: zones.Localizer | None, value: datetime | None, where: str
) -> datetime | None:
    if local is None or value is None:
        return None
    try:
        return local(value)
    except zones.LocalTimeError as error:
        reader.problem(where, str(error))
    return None
