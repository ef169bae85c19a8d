"""Time zones and time spans: where confcal turns local times into instants and back.

Zone data comes from the ``tzdata`` package (pinned in constraints.txt), not from the machine's
own zone files, so a build gives the same bytes on every machine. Local times are localized with
the standard library's ``zoneinfo``, which follows a zone's rules past 2037 (pytz stops there).

The VTIMEZONE of a feed is generated here from the zone's exact transitions, in the layout
icalendar writes, and every build checks it with ``verify``: read back the way libical and
ical.js read it, it must give every event the instant the zone database gives it.
"""

from __future__ import annotations

import bisect
import functools
import importlib.util
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from confcal.errors import EventsFileError, Problem

UTC_NAME = "UTC"
_ABBREVIATION = re.compile(r"[A-Z]{2,5}")  # "CST"; also the legacy fixed "EST"
_REGIONS = (
    "Africa/",
    "America/",
    "Antarctica/",
    "Arctic/",
    "Asia/",
    "Atlantic/",
    "Australia/",
    "Europe/",
    "Indian/",
    "Pacific/",
)
_EXAMPLE = "expected an IANA name like 'America/Chicago'"
_SAMPLE = timedelta(days=1)  # no zone changes its offset twice within a day
_WIDEST = timedelta(hours=26)  # more than any UTC offset: a local day's bounds in UTC
_SHOWN_CANDIDATES = 6
_SYSTEM_V = frozenset({"CET", "EET", "EST", "HST", "MET", "MST", "WET"})
"""Names the tz database keeps for compatibility with UNIX System V (links since tzdata 2024b:
MET to Europe/Brussels, WET to Europe/Lisbon). Each names a kind of time, not a place: an
abbreviation, even where its zone no longer shows it (MET's clocks say CET and CEST)."""


class UnknownZoneError(ValueError):
    """A name that is not a zone of the tz database; the message says what was meant."""


class LocalTimeError(ValueError):
    """A local time that does not exist (DST gap) or happens twice (clocks go back)."""


# -- zones ----------------------------------------------------------------------------------


@functools.cache
def tzdata_folder() -> str:
    """The folder of the tzdata package (found without importing importlib.resources: a build's
    start-up counts)."""
    spec = importlib.util.find_spec("tzdata")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("tzdata is not installed; confcal needs it (pip install tzdata)")
    return os.path.dirname(spec.origin)


@functools.cache
def names() -> frozenset[str]:
    """Every zone name the tz database knows, "UTC" included."""
    with open(os.path.join(tzdata_folder(), "zones"), encoding="utf-8") as stream:
        return frozenset(stream.read().split()) | {UTC_NAME}


@functools.cache
def old_names() -> dict[str, str]:
    """Each old name the tz database keeps for compatibility ('Asia/Calcutta', 'US/Pacific'), with
    the current name of its place ('Asia/Kolkata'). tzdata.zi writes every name that is not a zone
    of its own as a link to one ("L Asia/Kolkata Asia/Calcutta"); those zone.tab lists are current
    names too (Europe/Amsterdam shares Europe/Brussels's clocks since 1970), the others are old.
    An old name becomes the current one of its zone whose place is closest to its own (Africa/Asmera,
    linked to Africa/Nairobi, is now Africa/Asmara), or else the zone's own name."""
    import difflib  # only when there is a problem to explain

    folder = os.path.join(tzdata_folder(), "zoneinfo")
    with open(os.path.join(folder, "zone.tab"), encoding="utf-8") as stream:
        rows = (line.split("\t") for line in stream.read().splitlines() if line and not line.startswith("#"))
        listed = {row[2] for row in rows if len(row) > 2}
    with open(os.path.join(folder, "tzdata.zi"), encoding="utf-8") as stream:
        fields = (line.split() for line in stream.read().splitlines() if line.startswith("L "))
        links = {name: target for _, target, name in fields}
    current: dict[str, list[str]] = {}
    for name in listed:
        current.setdefault(links.get(name, name), []).append(name)
    old = {}
    for name, target in links.items():
        if name in listed or name == UTC_NAME:
            continue
        same = {place.rsplit("/", 1)[-1]: place for place in sorted(current.get(target, []))}
        closest = difflib.get_close_matches(name.rsplit("/", 1)[-1], same, n=1)
        old[name] = same[closest[0]] if closest else target
    return old


@functools.cache
def current_names() -> frozenset[str]:
    """Every zone name but the old ones (``old_names``): what suggestions offer."""
    return names() - old_names().keys()


@functools.cache
def zone(name: str) -> tzinfo:
    """The zone called ``name`` (exact, case-sensitive); UnknownZoneError with a hint otherwise.

    Abbreviations are refused even where the database has a legacy zone of that name ("EST",
    "CET"): they mean different offsets in different places.
    """
    if name == UTC_NAME:
        return UTC
    if name not in names() or _ABBREVIATION.fullmatch(name):
        raise UnknownZoneError(unknown_zone(name))
    return _read_zone(name)


def _read_zone(name: str) -> ZoneInfo:
    with open(os.path.join(tzdata_folder(), "zoneinfo", *name.split("/")), "rb") as stream:
        return ZoneInfo.from_file(stream, key=name)


def unknown_zone(name: str, *, city: str = "", when: date | None = None) -> str:
    """Why ``name`` is not a zone, and which zone was probably meant."""
    if _ABBREVIATION.fullmatch(name) and name != UTC_NAME:
        current = _old_place_name(name, when or date.today())
        if current:
            return f"{name!r} is an old name of the time zone {current!r}; write {current!r}"
        return abbreviation(name, city=city, when=when)
    return (
        _fixed_zone_advice(name)
        or _offset_advice(name, when or date.today())
        or f"unknown time zone {name!r}{did_you_mean(name)} ({_EXAMPLE})"
    )


def _old_place_name(name: str, when: date) -> str:
    """The zone to write for an old tz database name in capitals that is not an abbreviation its
    zone uses ('NZ', 'PRC', 'GB' and 'UCT', unlike 'CET' or 'EST'): 'Pacific/Auckland'; "" for
    any other name. Such a name is refused all the same: it reads like an abbreviation."""
    current = old_names().get(name)
    if current is None or name in _SYSTEM_V:
        return ""
    place = _read_zone(name)
    moments = [datetime(when.year, 1, 15, 12, tzinfo=UTC), datetime(when.year, 7, 15, 12, tzinfo=UTC)]
    if any(moment.astimezone(place).tzname() == name for moment in moments):
        return ""
    return UTC_NAME if current == "Etc/UTC" else current


_FIXED_ZONE = re.compile(r"Etc/(GMT|UTC)\s*([+\-\u2212])?\s*([0-9]*)(?::?([0-9]{2}))?", re.IGNORECASE)


def _fixed_zone_advice(name: str) -> str:
    """What to write for an offset written as a fixed zone that the tz database does not have
    ('Etc/GMT+15', 'Etc/GMT+5:30', 'Etc/UTC+3'); "" for another name. The closest name by spelling
    would be another offset ('Etc/GMT+5' for 'Etc/GMT+15', 'Etc/UTC' for 'Etc/UTC+3'), so the
    message gives the range."""
    match = _FIXED_ZONE.fullmatch(name.strip())
    if not match or name in names():
        return ""
    sign = (match[2] or "").replace("\u2212", "-")
    written = f"Etc/GMT{sign}{match[3].lstrip('0') or '0'}"
    if match[1].upper() == "GMT" and sign and match[3] and not match[4] and written in names():
        return f"unknown time zone {name!r}; did you mean {written!r}?"
    fixed = {int(n[len("Etc/GMT") :]): n for n in names() if re.fullmatch(r"Etc/GMT[+-][0-9]+", n)}
    east, west = min(fixed), max(fixed)
    return (
        f"unknown time zone {name!r}; the fixed zones are whole hours from {fixed[east]!r} "
        f"(UTC+{-east:02}:00) to {fixed[west]!r} (UTC-{west:02}:00), the sign inverted as POSIX "
        f"writes it ({_EXAMPLE})"
    )


_OFFSET = re.compile(r"(UTC|GMT)?\s*([+\-\u2212])?\s*([0-9]{1,2})(?::?([0-9]{2}))?", re.IGNORECASE)


def _offset_advice(name: str, when: date) -> str:
    """What to write for a UTC offset written as a zone ('GMT+5', 'UTC-03:30', '+02:00'); "" for
    another name. A whole hour has a fixed zone whose sign is inverted (POSIX's: 'Etc/GMT-5' is
    UTC+05:00), but the zone of the place is better: it follows the place's clock changes."""
    match = _OFFSET.fullmatch(name.strip())
    if not match or not (match[1] or match[2]):
        return ""
    hours, minutes = int(match[3]), int(match[4] or 0)
    head = f"unknown time zone {name!r}"
    if hours > 14 or minutes > 59:
        return f"{head} ({_EXAMPLE})"
    if hours == minutes == 0:
        return f"{head}; did you mean {UTC_NAME!r}?"
    signs = "+-" if match[2] is None else "+" if match[2] == "+" else "-"
    offsets = [f"UTC{sign}{hours:02}:{minutes:02}" for sign in signs]
    fixed = [f"Etc/GMT{'-' if sign == '+' else '+'}{hours}" for sign in signs]
    if not minutes and all(etc in names() for etc in fixed):
        writes = ", ".join(f"for {offset} write {etc!r}" for offset, etc in zip(offsets, fixed, strict=True))
        return (
            f"{head}; {writes} (POSIX inverts the sign), or better the zone of the place, "
            f"which follows its clock changes ({_EXAMPLE})"
        )
    at = [timedelta(hours=hours, minutes=minutes) * (-1 if sign == "-" else 1) for sign in signs]
    candidates = zones_at(at, when)
    if not candidates:
        return f"{head}; no zone is at {' or '.join(offsets)} ({_EXAMPLE})"
    shown = ", ".join(repr(c) for c in candidates[:_SHOWN_CANDIDATES])
    more = f" and {len(candidates) - _SHOWN_CANDIDATES} more" if len(candidates) > _SHOWN_CANDIDATES else ""
    at_offset = f"e.g. one of the zones at {' or '.join(offsets)}"
    return f"{head}; write the zone of the place, {at_offset}: {shown}{more}"


def did_you_mean(name: str) -> str:
    """'; did you mean 'Europe/Berlin'?' for 'Europe/Berln', '' when nothing is close; always a
    current name: "; did you mean 'Asia/Kolkata' (formerly 'Asia/Calcutta')?" for 'Asia/Calcuta'."""
    import difflib  # only when there is a problem to explain

    hint = difflib.get_close_matches(name, sorted(names()), n=1)
    if not hint:
        hint = [known for known in sorted(names()) if known.casefold() == name.casefold()][:1]
    if not hint:
        return ""
    current = old_names().get(hint[0])
    return (
        f"; did you mean {current!r} (formerly {hint[0]!r})?" if current else f"; did you mean {hint[0]!r}?"
    )


def abbreviation(name: str, *, city: str = "", when: date | None = None) -> str:
    """'CET' is not a zone: name the zones that use it, the one of ``city`` first."""
    when = when or date.today()
    head = (
        f"{name!r} is an abbreviation, not a time zone (it means different offsets in different "
        "places and seasons)"
    )
    shown_as = name
    candidates = zones_using(name, when)
    if not candidates and name in _SYSTEM_V and name in old_names():
        shown_as = _standard_abbreviation(_read_zone(name), when)
        head += (
            f"; the tz database keeps it for compatibility, on the clocks of {old_names()[name]!r}, "
            f"which show {shown_as}"
        )
        candidates = zones_using(shown_as, when)
    place = _place_key(city)
    local = [c for c in candidates if place and place in _place_keys(c)]
    if local:
        return f"{head}; did you mean {local[0]!r}?"
    if not candidates:
        return f"{head}; {_EXAMPLE}"
    shown = ", ".join(repr(c) for c in candidates[:_SHOWN_CANDIDATES])
    more = f" and {len(candidates) - _SHOWN_CANDIDATES} more" if len(candidates) > _SHOWN_CANDIDATES else ""
    return (
        f"{head}; expected the IANA name of the place, e.g. one of the zones using {shown_as}: {shown}{more}"
    )


def _standard_abbreviation(place: tzinfo, when: date) -> str:
    """The abbreviation ``place`` shows outside summer time in ``when``'s year ('CET')."""
    moments = [datetime(when.year, month, 15, 12, tzinfo=UTC).astimezone(place) for month in (1, 7)]
    return next((m.tzname() or "" for m in moments if not m.dst()), moments[0].tzname() or "")


def zones_using(abbreviation: str, when: date) -> list[str]:
    """Regional zones whose abbreviation is ``abbreviation`` in winter or summer of ``when``'s year
    (or on ``when`` itself), by their current names (``current_names``), the most common ones
    (tzdata's zonenow.tab) first."""
    moments = [datetime(when.year, 1, 15, 12, tzinfo=UTC), datetime(when.year, 7, 15, 12, tzinfo=UTC)]
    moments.append(datetime(when.year, when.month, when.day, 12, tzinfo=UTC))
    found = []
    for name in sorted(current_names()):
        if not name.startswith(_REGIONS):
            continue
        place = zone(name)
        if any(moment.astimezone(place).tzname() == abbreviation for moment in moments):
            found.append(name)
    common = _zonenow()
    return sorted(found, key=lambda name: (name not in common, name))


def zones_at(offsets: Iterable[timedelta], when: date) -> list[str]:
    """Regional zones at one of ``offsets`` from UTC on ``when``, by their current names, the most
    common ones (tzdata's zonenow.tab) first."""
    moment = datetime(when.year, when.month, when.day, 12, tzinfo=UTC)
    wanted = set(offsets)
    found = [
        name
        for name in sorted(current_names())
        if name.startswith(_REGIONS) and moment.astimezone(zone(name)).utcoffset() in wanted
    ]
    common = _zonenow()
    return sorted(found, key=lambda name: (name not in common, name))


@functools.cache
def _zonenow() -> frozenset[str]:
    with open(os.path.join(tzdata_folder(), "zoneinfo", "zonenow.tab"), encoding="utf-8") as stream:
        text = stream.read()
    rows = (line.split("\t") for line in text.splitlines() if line and not line.startswith("#"))
    return frozenset(row[2] for row in rows if len(row) > 2)


def _place_keys(name: str) -> set[str]:
    """The places a current zone name stands for: its own ('kolkata'), and those of its old names
    ('calcutta'), so that a conference in Calcutta finds Asia/Kolkata."""
    keys = {_place_key(name.rsplit("/", 1)[-1])}
    keys.update(_place_key(old.rsplit("/", 1)[-1]) for old, current in old_names().items() if current == name)
    return keys


def _place_key(text: str) -> str:
    """'New York, NY' and 'New_York' → 'new york'."""
    return text.split(",")[0].replace("_", " ").strip().casefold()


# -- local times --------------------------------------------------------------------------------


def localize(local: datetime, place: tzinfo) -> datetime:
    """The naive local time ``local`` in ``place``; LocalTimeError when clocks skip it or show it twice."""
    aware = local.replace(tzinfo=place, fold=0)
    before, after = aware.utcoffset(), aware.replace(fold=1).utcoffset()
    if before == after or before is None or after is None:
        return aware
    if aware.astimezone(UTC).astimezone(place).replace(tzinfo=None) != local:
        raise LocalTimeError(_gap_message(local, place, before, after))
    raise LocalTimeError(_fold_message(local, place, before, after))


class Localizer:
    """``localize`` for one zone, each distinct local time worked out once (a programme's
    sessions and slots share their times, and localizing is not cheap)."""

    def __init__(self, place: tzinfo) -> None:
        self.place = place
        self.known: dict[datetime, datetime] = {}

    def __call__(self, local: datetime) -> datetime:
        """The aware time of ``local``; LocalTimeError as ``localize`` raises it."""
        aware = self.known.get(local)
        if aware is None:
            aware = self.known[local] = localize(local, self.place)
        return aware


def _change(place: tzinfo, low: datetime, high: datetime) -> datetime:
    """The first instant in (low, high] whose offset is not low's, to the second."""
    offset = low.astimezone(place).utcoffset()
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        middle = middle.replace(microsecond=0)
        if middle.astimezone(place).utcoffset() == offset:
            low = middle
        else:
            high = middle
    return high


def _clock(moment: datetime) -> str:
    return f"{moment:%H:%M}"


def _gap_message(local: datetime, place: tzinfo, before: timedelta, after: timedelta) -> str:
    naive = local.replace(tzinfo=None)
    at = _change(place, (naive - after).replace(tzinfo=UTC), (naive - before).replace(tzinfo=UTC))
    skipped_from, skipped_to = at + before, at + after
    names = f"{(at - timedelta(seconds=1)).astimezone(place).tzname()} → {at.astimezone(place).tzname()}"
    last_before = skipped_from - timedelta(minutes=1)
    return (
        f"{local:%Y-%m-%d %H:%M} does not exist in {place}: clocks go forward from "
        f"{_clock(skipped_from)} to {_clock(skipped_to)} ({names}), skipping "
        f"{_clock(skipped_from)}–{_clock(skipped_to - timedelta(minutes=1))}; "
        f"expected a time up to {_clock(last_before)} or from {_clock(skipped_to)}"
    )


def _fold_message(local: datetime, place: tzinfo, before: timedelta, after: timedelta) -> str:
    naive = local.replace(tzinfo=None)
    at = _change(place, (naive - before).replace(tzinfo=UTC), (naive - after).replace(tzinfo=UTC))
    repeated_from, repeated_to = at + after, at + before
    names = f"{(at - timedelta(seconds=1)).astimezone(place).tzname()} → {at.astimezone(place).tzname()}"
    return (
        f"{local:%Y-%m-%d %H:%M} happens twice in {place}: clocks go back from "
        f"{_clock(repeated_to)} to {_clock(repeated_from)} ({names}), so "
        f"{_clock(repeated_from)}–{_clock(repeated_to - timedelta(minutes=1))} comes twice; "
        f"expected a time up to {_clock(repeated_from - timedelta(minutes=1))} or from {_clock(repeated_to)}"
    )


# -- spans ------------------------------------------------------------------------------------


def span(start: datetime, end: datetime, place: tzinfo | None, *, dates: bool = True) -> str:
    """An event's time in ``place`` (None: this machine's zone), its zone named at each end
    when the clock changes between them.

    With dates: 'Tue 12 Dec 2023, 15:40–16:40 CST'; under a day's heading (dates=False):
    '15:40–16:40 CST', '22:00 CET–03:30 CEST (+1d)'.
    """
    start, end = start.astimezone(place), end.astimezone(place)
    days = (end.date() - start.date()).days
    later = ""
    if dates:
        begin = f"{start:%a %-d %b %Y, %H:%M}"
        until = f"{end:%H:%M}" if days == 0 else f"{end:%a %-d %b %Y, %H:%M}"
    else:
        begin, until = f"{start:%H:%M}", f"{end:%H:%M}"
        later = f" (+{days}d)" if days else ""
    if (start.tzname(), start.utcoffset()) == (end.tzname(), end.utcoffset()):
        return f"{begin}–{until} {end:%Z}{later}"
    return f"{begin} {start:%Z}–{until} {end:%Z}{later}"


def date_range(first: date, last: date, *, month: str = "%b") -> str:
    """'10 Dec – 16 Dec 2023', and the first date's year too when the range crosses a new year:
    '29 Dec 2026 – 2 Jan 2027'. ``month``: the strftime code of the month ("%B": December)."""
    head = f"%-d {month} %Y" if first.year != last.year else f"%-d {month}"
    return f"{first.strftime(head)} – {last.strftime(f'%-d {month} %Y')}"


def times_note(name: str) -> str:
    """The sentence every feed's description ends with."""
    return f"Times are set in {name}; your calendar shows them in your own time zone."


def spans_clock_change(start: datetime, end: datetime) -> bool:
    """Whether the wall-clock length of an event differs from its real length."""
    return start.utcoffset() != end.utcoffset()


def duration(start: datetime, end: datetime) -> timedelta:
    """The real length of an event (``end - start`` of two times in one zone is the clock's)."""
    return end.astimezone(UTC) - start.astimezone(UTC)


def offset_label(moment: datetime) -> str:
    """'CST, UTC−06:00'."""
    value = moment.strftime("%z")
    return f"{moment:%Z}, UTC{value[0].replace('-', '−')}{value[1:3]}:{value[3:5]}"


# -- transitions and the VTIMEZONE ------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    """The instant ``at`` (UTC) when the zone's offset (or abbreviation) changes."""

    at: datetime
    offset_from: timedelta
    offset_to: timedelta
    name: str
    standard: bool


def _state(timestamp: int, place: tzinfo) -> tuple[timedelta | None, str | None]:
    local = datetime.fromtimestamp(timestamp, place)
    return local.utcoffset(), local.tzname()


def transitions(place: tzinfo, first: datetime, last: datetime) -> list[Transition]:
    """Every change of offset or abbreviation in [first, last).

    The clock is read once a day (reading a local time's offset is cheap; converting an instant
    is not), and each day the reading changes is searched hour by hour, then to the second, in
    UTC. No zone changes twice within a day; tests/test_zones.py compares the result with zdump
    for every zone from 2020 to 2040.
    """
    found: dict[datetime, Transition] = {}
    wall = first.astimezone(place).replace(tzinfo=None) - _SAMPLE
    end = last.astimezone(place).replace(tzinfo=None) + _SAMPLE
    state = place.utcoffset(wall), place.tzname(wall)
    while wall < end:
        following = wall + _SAMPLE
        reading = place.utcoffset(following), place.tzname(following)
        if reading != state:
            window = (wall - _WIDEST).replace(tzinfo=UTC), (following + _WIDEST).replace(tzinfo=UTC)
            for change in _search(place, *window):
                if first <= change.at < last:
                    found[change.at] = change
        wall, state = following, reading
    return sorted(found.values(), key=lambda change: change.at)


def _search(place: tzinfo, first: datetime, last: datetime) -> Iterator[Transition]:
    """The changes in [first, last), sampled every hour and bisected to the second."""
    low, end = int(first.timestamp()), int(last.timestamp())
    state = _state(low, place)
    while low < end:
        high = min(low + 3600, end)
        if _state(high, place) == state:
            low = high
            continue
        while high - low > 1:
            middle = (low + high) // 2
            if _state(middle, place) == state:
                low = middle
            else:
                high = middle
        before, after = datetime.fromtimestamp(low, place), datetime.fromtimestamp(high, place)
        offset_from, offset_to = before.utcoffset(), after.utcoffset()
        assert offset_from is not None
        assert offset_to is not None
        at = datetime.fromtimestamp(high, UTC)
        yield Transition(at, offset_from, offset_to, after.tzname() or "", after.dst() == timedelta(0))
        low, state = high, _state(high, place)


def vtimezone(name: str, first: date, last: date) -> bytes:
    """The VTIMEZONE of zone ``name`` from ``first`` to ``last``, serialised by icalendar, in the
    layout of icalendar's ``Timezone.from_tzid`` (an observance per kind of change, its first
    onset as DTSTART and the others as RDATEs) but from the zone's exact transitions: icalendar's
    search steps over changes that come back within weeks (Ramadan in Africa/Casablanca).

    An onset is the first local time of the new offset that is not ambiguous, as icalendar writes
    it; no COMMENT (RFC 5545 allows none in a VTIMEZONE). Written directly, as icalendar would
    (tests/test_zones.py), so a build need not import icalendar.
    """
    from confcal.vevent import Observance, serialise_vtimezone

    place = zone(name)
    start = datetime(first.year, first.month, first.day, tzinfo=place)
    end = datetime(last.year, last.month, last.day, tzinfo=place)
    offset = start.utcoffset()
    assert offset is not None
    Key = tuple[timedelta | None, timedelta, str, bool]
    first_key = (None, offset, start.tzname() or str(offset), start.dst() == timedelta(0))
    onsets: dict[Key, list[datetime]] = {first_key: [start.replace(tzinfo=None)]}
    for change in transitions(place, start.astimezone(UTC), end.astimezone(UTC)):
        onset = (change.at + max(change.offset_from, change.offset_to)).replace(tzinfo=None)
        key = (change.offset_from, change.offset_to, change.name, change.standard)
        onsets.setdefault(key, []).append(onset)
    return serialise_vtimezone(
        name,
        (
            Observance(standard, offset_to if offset_from is None else offset_from, offset_to, tzname, starts)
            for (offset_from, offset_to, tzname, standard), starts in onsets.items()
        ),
    )


# -- the independent reader -------------------------------------------------------------------


@dataclass(frozen=True)
class Observance:
    onset: datetime
    """The local time from which a reader applies ``offset`` (libical's and ical.js's reading)."""
    offset: timedelta


def read_vtimezone(data: bytes) -> list[Observance]:
    """The observances of a serialised VTIMEZONE, sorted by onset, read without icalendar.

    Like libical and ical.js, an onset given in DTSTART or RDATE is a local time in
    TZOFFSETFROM, and a local time is compared with it on the clock of the smaller of the two
    offsets. RRULEs are not read (confcal writes none): ValueError.
    """
    text = data.decode("utf-8").replace("\r\n ", "").replace("\r\n", "\n")
    observances: list[Observance] = []
    fields: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line in ("BEGIN:STANDARD", "BEGIN:DAYLIGHT"):
            fields = {}
        elif line in ("END:STANDARD", "END:DAYLIGHT"):
            observances.extend(_observances(fields))
        else:
            head, _, value = line.partition(":")
            fields.setdefault(head.split(";")[0], []).append(value)
    return sorted(observances, key=lambda o: o.onset)


def _utc_offset(text: str) -> timedelta:
    match = re.fullmatch(r"([+-])(\d\d)(\d\d)(\d\d)?", text)
    if not match:
        raise ValueError(f"not a UTC offset: {text!r}")
    sign = -1 if match.group(1) == "-" else 1
    hours, minutes, seconds = (int(group or 0) for group in match.groups()[1:])
    return sign * timedelta(hours=hours, minutes=minutes, seconds=seconds)


def _local_time(text: str) -> datetime:
    """'20230312T030000' (strptime's first call costs a build ~30 ms of imports)."""
    match = re.fullmatch(r"(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)", text)
    if not match:
        raise ValueError(f"not a local date-time: {text!r}")
    year, month, day, hour, minute, second = map(int, match.groups())
    return datetime(year, month, day, hour, minute, second)


def _observances(fields: dict[str, list[str]]) -> Iterator[Observance]:
    if "RRULE" in fields:
        raise ValueError("RRULE in a VTIMEZONE is not read")
    offset_from = _utc_offset(fields["TZOFFSETFROM"][0])
    offset_to = _utc_offset(fields["TZOFFSETTO"][0])
    values = [*fields["DTSTART"], *(v for rdate in fields.get("RDATE", []) for v in rdate.split(","))]
    for value in values:
        onset = _local_time(value)
        yield Observance(onset - offset_from + min(offset_from, offset_to), offset_to)


class Reader:
    """A VTIMEZONE as a calendar app reads it: local time → instant."""

    def __init__(self, data: bytes) -> None:
        self.observances = read_vtimezone(data)
        self.onsets = [o.onset for o in self.observances]

    def instant(self, local: datetime) -> datetime | None:
        """The UTC instant of the naive local time ``local``; None before the first onset."""
        index = bisect.bisect_right(self.onsets, local) - 1
        if index < 0:
            return None
        return (local - self.observances[index].offset).replace(tzinfo=UTC)


class ZoneDataError(EventsFileError):
    """The VTIMEZONE a build would write gives some event another instant than the zone database."""

    def report(self) -> str:
        head = "the time zone written into the feeds would move events; nothing was written:"
        return "\n".join([head, *(f"  {p.message}" for p in self.problems)])


def verify(data: bytes, name: str, moments: Iterable[tuple[str, datetime]]) -> None:
    """Raise ZoneDataError unless the VTIMEZONE ``data`` of zone ``name`` reads every labelled
    aware time (an event's start or end) as the instant the zone database gives it."""
    reader = Reader(data)
    problems = []
    # Events share a few times, so each is read once: the wall time, the tzinfo and the fold
    # give the instant (hashing the aware time itself would ask its tzinfo for the offset).
    read_right: set[tuple[datetime, object, int]] = set()
    for label, moment in moments:
        wall = moment.replace(tzinfo=None)
        key = (wall, moment.tzinfo, moment.fold)
        if key in read_right:
            continue
        read = reader.instant(wall)
        if read == moment.astimezone(UTC):
            read_right.add(key)
            continue
        local = f"{label}: {moment:%Y-%m-%d %H:%M} in {name}"
        if read is None:
            problems.append(Problem("", "", f"{local} is before its VTIMEZONE begins"))
            continue
        right, wrong = f"{moment.astimezone(UTC):%Y-%m-%d %H:%M}", f"{read:%Y-%m-%d %H:%M}"
        problems.append(Problem("", "", f"{local} is {right} UTC, but the VTIMEZONE reads it as {wrong} UTC"))
    if problems:
        raise ZoneDataError(problems)
