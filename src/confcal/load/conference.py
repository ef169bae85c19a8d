"""The programme-wide tables: [conference], [publish], [kinds] and [[categories]]."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from confcal import zones
from confcal.checked import show, type_name, url_problem
from confcal.load.places import unknown_kind
from confcal.load.reader import EventsReader, fraction
from confcal.load.schema import KIND_PATTERN, SCHEMA
from confcal.model import (
    ABSTRACTS,
    DEFAULT_FEED_MAX_BYTES,
    DEFAULT_FEED_MAX_EVENTS,
    KINDS,
    PREDECLARED_KINDS,
    SESSION_KIND,
    Abstracts,
    Category,
    Conference,
    Kind,
    KindDef,
)

RESERVED_CATEGORY_IDS = frozenset({"all"})
DEFAULT_REFRESH_INTERVAL = timedelta(hours=12)
_DURATION = re.compile(r"P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?")


def normalise_base_url(value: str) -> str:
    """The public address of the output folder as an https URL ending in "/"; ValueError if it is not one."""
    import urllib.parse  # only for files that set a base_url

    if problem := url_problem(value):
        raise ValueError(problem)
    parts = urllib.parse.urlsplit(value)
    if parts.scheme != "https" or not parts.hostname or parts.query or parts.fragment or "@" in parts.netloc:
        raise ValueError(
            f"{show(value)} is not a public address; expected an https URL without query or fragment "
            "like 'https://example.org/neurips-2023/'"
        )
    return value if value.endswith("/") else value + "/"


def read_conference(
    reader: EventsReader, document: Mapping[str, Any], kinds: tuple[KindDef, ...]
) -> Conference | None:
    table = reader.get(document, "conference", "", dict)
    publish = reader.get(document, "publish", "", dict)
    if table is not None:
        reader.keys(table, "conference", "conference")
    if publish is not None:
        reader.keys(publish, "publish", "publish")
    if table is None or publish is None:
        return None  # every problem of the table that is there is reported all the same
    path = "conference"
    start = reader.day(table, "start", path)
    end = reader.day(table, "end", path)
    if start and end and end < start:
        reader.problem(f"{path}.end", f"{end} is before the start {start}; expected a later date")
    timezone_name = reader.text(table, "timezone", path)
    kind_ids = [k.id for k in kinds]
    streamed: list[Kind] = []
    for index, kind in enumerate(reader.text_list(table, "streamed", path)):
        if kind in kind_ids:
            streamed.append(kind)
        else:
            unknown_kind(reader, f"{path}.streamed[{index}]", kind, kinds)
    name = reader.text(table, "name", path)
    return Conference(
        id=reader.identifier(table, "id", path),
        name=name,
        full_name=reader.text(table, "full_name", path) or name,
        start=start or date.min,
        end=end or date.min,
        venue=reader.text(table, "venue", path),
        city=reader.text(table, "city", path),
        website=reader.url(table, "website", path),
        timezone=timezone_name,
        streamed=tuple(k for k in kind_ids if k in streamed),
        updated=_updated(reader, publish),
        refresh_interval=_duration(reader, publish, "refresh_interval", "publish"),
        keep_cancelled=reader.get(publish, "keep_cancelled", "publish", bool) or False,
        base_url=_base_url(reader, publish),
        feed_max_bytes=_budget(reader, publish, "feed_max_bytes", DEFAULT_FEED_MAX_BYTES),
        feed_max_events=_budget(reader, publish, "feed_max_events", DEFAULT_FEED_MAX_EVENTS),
        abstracts=_abstracts(reader, publish),
    )


def _budget(reader: EventsReader, publish: Mapping[str, Any], key: str, default: int) -> int:
    value = reader.get(publish, key, "publish", int)
    if value is None:
        return default
    if value < 1:
        reader.problem(f"publish.{key}", f"expected a positive integer like {default}, found {value}")
        return default
    return value


def _abstracts(reader: EventsReader, publish: Mapping[str, Any]) -> Abstracts:
    value = reader.get(publish, "abstracts", "publish", str)
    for setting in ABSTRACTS:
        if value == setting:
            return setting
    if value is not None:
        expected = ", ".join(repr(a) for a in ABSTRACTS)
        reader.problem("publish.abstracts", f"unknown setting {show(value)}; expected one of {expected}")
    return "full"


def _base_url(reader: EventsReader, publish: Mapping[str, Any]) -> str:
    value = reader.text(publish, "base_url", "publish")
    if not value:
        return ""
    try:
        return normalise_base_url(value)
    except ValueError as error:
        reader.problem("publish.base_url", str(error))
        return ""


def _updated(reader: EventsReader, publish: Mapping[str, Any]) -> datetime:
    value = publish.get("updated")
    if isinstance(value, datetime) and value.tzinfo is not None:
        if not reader.in_years(value, "publish.updated"):
            return datetime.min.replace(tzinfo=UTC)
        if value.microsecond:
            whole = value.replace(microsecond=0).isoformat().replace("+00:00", "Z")
            reader.problem(
                "publish.updated",
                f"expected a stamp in whole seconds like {whole} (no fraction: DTSTAMP and the state "
                f"file keep whole seconds), found {whole[:19]}{fraction(value)}{whole[19:]}",
            )
            return datetime.min.replace(tzinfo=UTC)
        return value.astimezone(UTC)
    if value is not None:
        reader.problem(
            "publish.updated",
            f"expected a date-time with an offset like 2023-12-11T00:00:00Z, found {show(value)}",
        )
    return datetime.min.replace(tzinfo=UTC)


def _duration(reader: EventsReader, table: Mapping[str, Any], key: str, path: str) -> timedelta:
    value = reader.get(table, key, path, str)
    if value is None:
        return DEFAULT_REFRESH_INTERVAL
    match = _DURATION.fullmatch(value)
    if match and any(match.groups()):
        weeks, days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
        result = timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds)
        if result >= timedelta(minutes=1):
            return result
        reader.problem(
            f"{path}.{key}",
            f"{show(value)} is shorter than a minute; expected at least one minute, like 'PT1M' or 'PT12H'",
        )
        return DEFAULT_REFRESH_INTERVAL
    reader.problem(f"{path}.{key}", f"{show(value)} is not a duration; expected ISO 8601 like 'PT12H'")
    return DEFAULT_REFRESH_INTERVAL


def read_zone(reader: EventsReader, conference: Conference) -> tzinfo | None:
    if not conference.timezone:
        return None
    try:
        return zones.zone(conference.timezone)
    except zones.UnknownZoneError:
        when = conference.start if conference.start != date.min else None
        message = zones.unknown_zone(conference.timezone, city=conference.city, when=when)
        reader.problem("conference.timezone", message)
        return None


def read_kinds(reader: EventsReader, document: Mapping[str, Any]) -> tuple[KindDef, ...]:
    """The predeclared kinds (relabelled if the file says so), then the declared ones."""
    table = reader.get(document, "kinds", "", dict) or {}
    declared = {kind.id: kind for kind in PREDECLARED_KINDS}
    reserved = (set(SCHEMA["items"]) - set(KINDS)) | {SESSION_KIND}
    for key, value in table.items():
        where = f"kinds.{key}"
        if not KIND_PATTERN.fullmatch(key) or key in reserved:
            why = "an item key" if key in reserved else "lowercase letters and single hyphens"
            reader.problem(where, f"{show(key)} cannot be a kind ({why}); choose another name like 'keynote'")
            continue
        if not isinstance(value, dict):
            reader.problem(
                where, f'expected a table {{ label = "…", plural = "…" }}, found {type_name(value)}'
            )
            continue
        reader.keys(value, "kinds", where)
        label = reader.text(value, "label", where)
        if label:
            declared[key] = KindDef(key, label, reader.text(value, "plural", where) or plural_of(label))
    return tuple(declared.values())


_CONSONANT_Y = re.compile(r"[b-df-hj-np-tv-z]y", re.IGNORECASE)
# A last word of one syllable ending in one vowel and z, "qu" a consonant: quiz, whiz, fez (not waltz,
# topaz).
_SHORT_Z = re.compile(r"(?<![a-z])(?:qu|[b-df-hj-np-tv-z])*[aeiou]z\Z", re.IGNORECASE)


def plural_of(label: str) -> str:
    """A kind's plural when the file gives none: English's regular rule on the label's last word
    (Party → Parties, Lunch → Lunches, Coffee break → Coffee breaks, Day → Days, Quiz → Quizzes,
    whose z doubles after a single short vowel, Waltz → Waltzes); an acronym
    takes an s (BoF → BoFs, FAQ → FAQs), and a label ending in s other than -ss, -us and -is is
    taken as a plural already (Office hours, Awards). An irregular plural (Person → People) is for the
    file's ``plural``."""
    if label.isupper():
        return f"{label}s"
    if label.endswith("s") and not label.endswith(("ss", "us", "is")):
        return label  # plural already (Office hours, Awards, News)
    if _CONSONANT_Y.fullmatch(label[-2:]):
        return f"{label[:-1]}ies"
    if _SHORT_Z.search(label):
        return f"{label}zes"
    if label.lower().endswith(("s", "x", "z", "ch", "sh")):
        return f"{label}es"
    return f"{label}s"


def read_category(reader: EventsReader, path: str, table: Mapping[str, Any]) -> Category:
    reader.keys(table, "categories", path)
    identifier = reader.identifier(table, "id", path)
    if identifier in RESERVED_CATEGORY_IDS:
        reader.problem(f"{path}.id", f"{identifier!r} is reserved for the overall feed; choose another id")
    return Category(
        id=identifier,
        name=reader.text(table, "name", path),
        subcategories=reader.text_list(table, "subcategories", path),
    )
