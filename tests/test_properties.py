"""For any valid programme: build, parse back with independent parsers, get the same events."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import pytz
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

from confcal.checked import NONCHARACTER
from confcal.load import parse
from tests.helpers import parse_events, plan

ZONES = ["America/Chicago", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Kolkata", "Pacific/Chatham", "UTC"]

# Bidirectional controls (U+202A-U+202E, U+2066-U+2069) and noncharacters are refused by events.toml.
BIDI = "".join(map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]))
text = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\u2028\u2029\x85" + BIDI),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() and not NONCHARACTER.search(s))


@st.composite
def slot_times(draw: st.DrawFn, zone: pytz.BaseTzInfo) -> tuple[datetime, datetime]:
    """Local start and end that exist and are unambiguous in ``zone``."""
    while True:
        start = draw(st.datetimes(min_value=datetime(2023, 1, 1), max_value=datetime(2025, 12, 31)))
        start = start.replace(second=0, microsecond=0)
        end = start + timedelta(minutes=draw(st.integers(min_value=5, max_value=600)))
        try:
            zone.localize(start, is_dst=None)
            zone.localize(end, is_dst=None)
        except (pytz.NonExistentTimeError, pytz.AmbiguousTimeError):
            continue
        return start, end


@st.composite
def programmes(draw: st.DrawFn) -> tuple[str, dict[str, tuple[str, datetime, datetime, str]]]:
    """An events.toml text and, per UID, the summary, UTC start and end and location it must give."""
    zone_name = draw(st.sampled_from(ZONES))
    zone = pytz.timezone(zone_name)
    lines = [
        "[conference]",
        'id = "conf"',
        f"name = {json.dumps(draw(text), ensure_ascii=False)}",
        "start = 2023-01-01",
        "end = 2025-12-31",
        'venue = "Hall"',
        'city = "Town"',
        f'timezone = "{zone_name}"',
        "[publish]",
        "updated = 2023-01-01T00:00:00Z",
        "[[categories]]",
        'id = "cat"',
        f"name = {json.dumps(draw(text), ensure_ascii=False)}",
    ]
    expected: dict[str, tuple[str, datetime, datetime, str]] = {}
    for number in range(draw(st.integers(min_value=1, max_value=6))):
        title = draw(text)
        lines += [
            "[[papers]]",
            f'id = "p{number}"',
            'category = "cat"',
            f"title = {json.dumps(title, ensure_ascii=False)}",
            f"authors = [{json.dumps(draw(text), ensure_ascii=False)}]",
            f"abstract = {json.dumps(draw(text) + chr(10) + draw(text), ensure_ascii=False)}",
        ]
        kinds = draw(
            st.lists(st.sampled_from(["oral", "poster", "talk"]), min_size=1, max_size=3, unique=True)
        )
        for kind in kinds:
            start, end = draw(slot_times(zone))
            session = draw(text)
            room = draw(st.one_of(st.none(), text))
            lines += [
                f"[papers.{kind}]",
                f"session = {json.dumps(session, ensure_ascii=False)}",
                f"start = {start:%Y-%m-%dT%H:%M:%S}",
                f"end = {end:%Y-%m-%dT%H:%M:%S}",
            ]
            if room is not None:
                lines.append(f"room = {json.dumps(room, ensure_ascii=False)}")
            prefix = {"oral": "Oral", "poster": "Poster", "talk": session.strip()}[kind]
            expected[f"conf.p{number}.{kind}@confcal"] = (
                f"{prefix}: {title.strip()}",
                zone.localize(start, is_dst=None).astimezone(UTC),
                zone.localize(end, is_dst=None).astimezone(UTC),
                f"{room.strip()}, Hall" if room is not None else "",
            )
    return "\n".join(lines) + "\n", expected


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(programmes())
def test_render_then_parse_gives_back_the_events(
    case: tuple[str, dict[str, tuple[str, datetime, datetime, str]]],
) -> None:
    source, expected = case
    files = plan(parse(source.encode(), name="events.toml"))
    parsed = {e.uid: (e.summary, e.start, e.end, e.location or "") for e in parse_events(files["all.ics"])}
    assert parsed == expected
    category = {e.uid for e in parse_events(files["cat.ics"])}
    assert category == set(expected)
    used = set(re.findall(rb";TZID=([^:;]+)[:;]", files["all.ics"]))
    assert sorted(re.findall(rb"\r\nTZID:([^\r]+)\r\n", files["all.ics"])) == sorted(used)


@settings(
    max_examples=25,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(case=programmes())
def test_the_files_own_vtimezone_gives_the_same_instants(
    case: tuple[str, dict[str, tuple[str, datetime, datetime, str]]], icalcheck: Path, tmp_path: Path
) -> None:
    """libical converts with the VTIMEZONE in the file, across DST changes and odd offsets."""
    source, expected = case
    feed = tmp_path / "all.ics"
    feed.write_bytes(plan(parse(source.encode(), name="events.toml"))["all.ics"])
    result = subprocess.run(
        [str(icalcheck), "--instants", str(feed)], capture_output=True, text=True, check=True
    )
    parsed = {}
    for row in result.stdout.splitlines():
        uid, start, end = row.split("\t")
        parsed[uid] = (datetime.fromisoformat(start), datetime.fromisoformat(end))
    assert parsed == {uid: (start, end) for uid, (_, start, end, _) in expected.items()}
    check = subprocess.run([str(icalcheck), str(feed)], capture_output=True, text=True)
    assert [line for line in check.stdout.splitlines() if "ORGANIZER" not in line] == []


Case = tuple[str, dict[str, tuple[str, datetime, datetime, str]]]


Offsets = list[tuple[timedelta | None, timedelta | None]]


def local_offsets(case: Case) -> Offsets:
    """The UTC offset at the start and at the end of each event of a drawn programme."""
    source, expected = case
    match = re.search(r'^timezone = "(.+)"$', source, re.MULTILINE)
    assert match is not None
    zone = pytz.timezone(match[1])
    return [
        (start.astimezone(zone).utcoffset(), end.astimezone(zone).utcoffset())
        for _, start, end, _ in expected.values()
    ]


HOUR = timedelta(hours=1)


@pytest.mark.parametrize(
    "reached",
    [
        # an event across a DST change: its start and end have different offsets
        lambda offsets: any(start != end for start, end in offsets),
        # events on both sides of a DST change in one programme
        lambda offsets: len({start for start, _ in offsets}) > 1,
        # Lord Howe's 30-minute DST shift: both of its offsets
        lambda offsets: {start for start, _ in offsets} >= {10.5 * HOUR, 11 * HOUR},
        # Chatham's +12:45, an offset a quarter past the hour
        lambda offsets: (12.75 * HOUR, 12.75 * HOUR) in offsets,
        # an offset of half an hour past the hour
        lambda offsets: any(start % HOUR == HOUR / 2 for start, _ in offsets),
    ],
    ids=["event-across-dst", "both-sides-of-dst", "lord-howe-shift", "chatham-12-45", "half-hour-offset"],
)
def test_the_strategy_draws_dst_changes_and_odd_offsets(reached: Callable[[Offsets], bool]) -> None:
    """The programmes the properties above are checked on do reach these (``find`` fails if the
    strategy is narrowed so that none does)."""
    found = find(
        programmes(),
        lambda case: reached(local_offsets(case)),
        settings=settings(derandomize=True, database=None, max_examples=10_000, phases=[Phase.generate]),
    )
    assert reached(local_offsets(found))
