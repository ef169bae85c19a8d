"""Time zones: instants in zones whose rules pytz or icalendar get wrong, the VTIMEZONE checked on
every build, spans across a change of the clocks, and the messages for zones and local times."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner
from icalendar.timezone import TZP

from confcal import zones
from confcal.build import build
from confcal.cli import cli
from confcal.errors import EventsFileError
from confcal.load import parse
from tests.conftest import EVENTS, require
from tests.helpers import parse_events, plan


def programme_text(zone: str, slots: list[tuple[str, str, str]], *, city: str = "Town") -> str:
    """A one-category programme in ``zone`` with one paper per (kind, local start, local end)."""
    years = sorted({s[1][:4] for s in slots} | {s[2][:4] for s in slots})
    lines = [
        "[conference]",
        'id = "conf"',
        'name = "Conf"',
        f"start = {years[0]}-01-01",
        f"end = {years[-1]}-12-31",
        'venue = "Hall"',
        f"city = {json.dumps(city)}",
        f'timezone = "{zone}"',
        "[publish]",
        "updated = 2020-01-01T00:00:00Z",
        "[[categories]]",
        'id = "main"',
        'name = "Main"',
    ]
    for number, (kind, start, end) in enumerate(slots):
        lines += [
            "[[papers]]",
            f'id = "p{number}"',
            'category = "main"',
            f'title = "Paper {number}"',
            'authors = ["Ada"]',
            f"[papers.{kind}]",
            'session = "Session"',
            f"start = {start}",
            f"end = {end}",
            'room = "R1"',
        ]
    return "\n".join(lines) + "\n"


def built(tmp_path: Path, text: str) -> Path:
    events = tmp_path / "events.toml"
    events.write_text(text, encoding="utf-8")
    output = tmp_path / "output"
    build(events, output)
    return output


def libical_instants(icalcheck: Path, *files: Path) -> dict[str, tuple[str, str]]:
    result = subprocess.run(
        [str(icalcheck), "--instants", *map(str, files)], capture_output=True, text=True, check=True
    )
    return {uid: (start, end) for uid, start, end in (row.split("\t") for row in result.stdout.splitlines())}


def test_new_york_after_2037_follows_the_dst_rules(tmp_path: Path, icalcheck: Path) -> None:
    """09:00 in New York on 10 July 2040 is EDT, 13:00 UTC (pytz has no rules after 2037: 14:00)."""
    text = programme_text("America/New_York", [("talk", "2040-07-10T09:00:00", "2040-07-10T10:00:00")])
    output = built(tmp_path, text)
    expected = (datetime(2040, 7, 10, 13, tzinfo=UTC), datetime(2040, 7, 10, 14, tzinfo=UTC))
    [event] = parse_events((output / "all.ics").read_bytes())
    assert (event.start, event.end) == expected
    assert libical_instants(icalcheck, output / "all.ics") == {
        "conf.p0.talk@confcal": ("2040-07-10T13:00:00Z", "2040-07-10T14:00:00Z")
    }
    state = json.loads((output / "confcal-state.json").read_text())
    [slot] = state["events"].values()
    assert (slot["start"], slot["end"]) == ("2040-07-10T13:00:00Z", "2040-07-10T14:00:00Z")
    assert "09:00–10:00 EDT" in (output / "index.html").read_text()
    agenda = CliRunner().invoke(cli, ["agenda", str(tmp_path / "events.toml"), "--tz", "UTC"])
    assert "13:00–14:00 UTC" in agenda.output


def test_a_local_time_in_the_2040_gap_is_refused() -> None:
    text = programme_text("America/New_York", [("talk", "2040-03-11T02:30:00", "2040-03-11T04:00:00")])
    with pytest.raises(EventsFileError) as caught:
        parse(text.encode(), name="events.toml")
    assert caught.value.problems[0].message == (
        "2040-03-11 02:30 does not exist in America/New_York: clocks go forward from 02:00 to 03:00 "
        "(EST → EDT), skipping 02:00–02:59; expected a time up to 01:59 or from 03:00"
    )


def test_a_local_time_in_a_gap_is_refused_wherever_it_is_written() -> None:
    """Each local time is localized once per programme, its problem reported at each slot."""
    gap, later = "2040-03-11T02:30:00", "2040-03-11T04:00:00"
    text = programme_text("America/New_York", [("talk", gap, later), ("oral", gap, later)])
    with pytest.raises(EventsFileError) as caught:
        parse(text.encode(), name="events.toml")
    assert [(p.path, p.line) for p in caught.value.problems] == [
        ("papers[0].talk.start", 21),
        ("papers[1].oral.start", 31),
    ]


def test_the_localizer_gives_each_local_time_the_instant_the_zone_gives_it() -> None:
    local = zones.Localizer(zones.zone("America/New_York"))
    fold = datetime(2040, 11, 4, 1, 30)  # clocks go back at 02:00: 01:30 happens twice
    assert local(datetime(2040, 3, 11, 3, 0)).astimezone(UTC) == datetime(2040, 3, 11, 7, 0, tzinfo=UTC)
    assert local(datetime(2040, 3, 11, 3, 0)) is local(datetime(2040, 3, 11, 3, 0))
    for _ in range(2):
        with pytest.raises(zones.LocalTimeError, match="happens twice in America/New_York"):
            local(fold)


@pytest.mark.parametrize(
    ("zone", "local", "utc"),
    [
        ("Africa/Casablanca", "2024-03-20T12:00:00", "2024-03-20T12:00:00Z"),  # Ramadan: +00
        ("Africa/Casablanca", "2024-05-20T12:00:00", "2024-05-20T11:00:00Z"),
        ("Africa/El_Aaiun", "2023-04-10T12:00:00", "2023-04-10T12:00:00Z"),
        ("Africa/Casablanca", "2029-01-20T12:00:00", "2029-01-20T12:00:00Z"),
        ("Pacific/Fiji", "2020-12-21T12:00:00", "2020-12-20T23:00:00Z"),  # DST from 20 Dec: +13
    ],
)
def test_zones_with_short_lived_offsets(
    tmp_path: Path, icalcheck: Path, zone: str, local: str, utc: str
) -> None:
    """icalendar's generated VTIMEZONE stepped over these changes: libical read 11:00Z for the first."""
    end = local.replace("T12:", "T13:")
    output = built(tmp_path, programme_text(zone, [("oral", local, end)]))
    [(start, _)] = libical_instants(icalcheck, output / "all.ics").values()
    assert start == utc
    [event] = parse_events((output / "all.ics").read_bytes())
    assert event.start == datetime.fromisoformat(utc)


def test_the_build_refuses_a_vtimezone_that_moves_an_event() -> None:
    """What icalendar writes for Casablanca in 2024 reads the Ramadan talk an hour early."""
    generated = icalendar.Timezone.from_tzid(
        "Africa/Casablanca", tzp=TZP("zoneinfo"), first_date=date(2024, 1, 1), last_date=date(2025, 1, 1)
    )
    talk = zones.localize(datetime(2024, 3, 20, 12), zones.zone("Africa/Casablanca"))
    with pytest.raises(zones.ZoneDataError) as caught:
        zones.verify(generated.to_ical(), "Africa/Casablanca", [("p0.talk.start", talk)])
    assert caught.value.report() == (
        "the time zone written into the feeds would move events; nothing was written:\n"
        "  p0.talk.start: 2024-03-20 12:00 in Africa/Casablanca is 2024-03-20 12:00 UTC, "
        "but the VTIMEZONE reads it as 2024-03-20 11:00 UTC"
    )
    zones.verify(zones.vtimezone("Africa/Casablanca", date(2024, 1, 1), date(2025, 1, 1)), "x", [("t", talk)])


def test_each_moment_is_checked_even_when_its_wall_time_was_read_before() -> None:
    """verify reads each time once, but the same wall time is another instant at the other fold
    or in another zone: each is checked, whichever comes first. (A build never gets this far with
    a time clocks show twice: the events file is refused.)"""
    name = "America/New_York"
    data = zones.vtimezone(name, date(2023, 1, 1), date(2024, 1, 1))
    # Clocks show 01:30 twice; calendar apps (and the reader) take the later one, at fold 1.
    one = datetime(2023, 11, 5, 1, 30, tzinfo=zones.zone(name), fold=1)
    zones.verify(data, name, [("a.start", one), ("b.start", one)])
    for other in (one.replace(fold=0), one.replace(tzinfo=UTC)):
        for moments in ([("a", one), ("b", other)], [("b", other), ("a", one)]):
            with pytest.raises(zones.ZoneDataError) as caught:
                zones.verify(data, name, moments)
            assert len(caught.value.problems) == 1, moments


def test_the_shipped_vtimezone_is_icalendars_byte_for_byte() -> None:
    """For zones icalendar gets right, the generator writes what icalendar writes (minus COMMENT)."""
    for name, year in [("America/Chicago", 2023), ("Europe/Berlin", 2024), ("Australia/Lord_Howe", 2025)]:
        generated = icalendar.Timezone.from_tzid(
            name, tzp=TZP("zoneinfo"), first_date=date(year, 1, 1), last_date=date(year + 1, 1, 1)
        )
        generated.pop("COMMENT")
        assert zones.vtimezone(name, date(year, 1, 1), date(year + 1, 1, 1)) == generated.to_ical()


BERLIN_NIGHT = programme_text(
    "Europe/Berlin", [("talk", "2024-03-30T22:00:00", "2024-03-31T03:30:00")], city="Berlin"
)


def test_each_end_of_a_span_over_a_clock_change_has_its_own_abbreviation(tmp_path: Path) -> None:
    output = built(tmp_path, BERLIN_NIGHT)
    event = icalendar.Calendar.from_ical((output / "all.ics").read_bytes()).walk("VEVENT")[0]
    assert "Session: Sat 30 Mar 2024, 22:00 CET–Sun 31 Mar 2024, 03:30 CEST" in str(event["DESCRIPTION"])
    assert "22:00 CET–03:30 CEST (+1d)" in (output / "index.html").read_text()
    assert "CET, UTC+01:00; CEST, UTC+02:00" in (output / "index.html").read_text()
    agenda = CliRunner().invoke(cli, ["agenda", str(tmp_path / "events.toml")])
    assert "22:00 CET–03:30 CEST (+1d)" in agenda.output


def test_check_warns_about_an_event_that_spans_a_clock_change(tmp_path: Path) -> None:
    events = tmp_path / "events.toml"
    events.write_text(BERLIN_NIGHT, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(events)])
    assert (
        '  spans-clock-change: p0.talk "Paper 0" (Sat 30 Mar 2024, 22:00 CET–Sun 31 Mar 2024, 03:30 CEST) '
        "spans a change of the clocks: it lasts 4 h 30 min, though the clock shows 5 h 30 min; "
        "check the end time\n"
    ) in result.output


def test_an_abbreviation_suggests_the_zone_of_the_city() -> None:
    text = programme_text("CET", [("talk", "2024-06-04T10:00:00", "2024-06-04T11:00:00")], city="Berlin")
    with pytest.raises(EventsFileError) as caught:
        parse(text.encode(), name="events.toml")
    assert caught.value.problems[0].message == (
        "'CET' is an abbreviation, not a time zone (it means different offsets in different places and "
        "seasons); did you mean 'Europe/Berlin'?"
    )


def test_an_abbreviation_names_zones_that_use_it_in_that_season() -> None:
    message = zones.unknown_zone("CEST", city="Somewhere", when=date(2024, 6, 4))
    assert "'Europe/Paris'" in message
    assert "'America/Chicago'" not in message


def test_agenda_tz_suggests_a_close_name() -> None:
    root = Path(__file__).resolve().parent.parent
    result = CliRunner().invoke(cli, ["agenda", str(root / "events.toml"), "--tz", "Europe/Berln"])
    assert result.exit_code == 2
    assert "did you mean 'Europe/Berlin'?" in result.output


def test_a_misspelt_old_name_suggests_the_current_name_of_its_place() -> None:
    """tzdata keeps Asia/Calcutta as a link to Asia/Kolkata for old files: a suggestion offers the
    name to write now, and says which old name the typo was close to."""
    text = programme_text("Asia/Calcuta", [("talk", "2024-06-04T10:00:00", "2024-06-04T11:00:00")])
    with pytest.raises(EventsFileError) as caught:
        parse(text.encode(), name="events.toml")
    assert caught.value.problems[0].message == (
        "unknown time zone 'Asia/Calcuta'; did you mean 'Asia/Kolkata' (formerly 'Asia/Calcutta')? "
        "(expected an IANA name like 'America/Chicago')"
    )
    result = CliRunner().invoke(cli, ["agenda", str(EVENTS), "--tz", "Asia/Calcuta"])
    assert result.exit_code == 2
    assert "did you mean 'Asia/Kolkata' (formerly 'Asia/Calcutta')?" in result.output


@pytest.mark.parametrize(
    ("old", "current"),
    [
        ("Asia/Calcutta", "Asia/Kolkata"),
        ("Asia/Tel_Aviv", "Asia/Jerusalem"),
        ("US/Pacific", "America/Los_Angeles"),
        ("Europe/Kiev", "Europe/Kyiv"),
        ("Africa/Asmera", "Africa/Asmara"),  # linked to Africa/Nairobi; Eritrea's name is Asmara
        ("Atlantic/Faeroe", "Atlantic/Faroe"),
    ],
)
def test_old_names_map_to_current_ones(old: str, current: str) -> None:
    assert zones.old_names()[old] == current
    assert old not in zones.current_names()
    assert current in zones.current_names()


def test_current_names_keep_every_zone_tab_name_and_utc() -> None:
    """A name zone.tab lists is current even when tzdata links it to a zone with the same clocks
    since 1970 (Europe/Amsterdam to Europe/Brussels)."""
    folder = Path(zones.tzdata_folder()) / "zoneinfo"
    rows = [line.split("\t") for line in (folder / "zone.tab").read_text().splitlines() if line[:1] != "#"]
    listed = {row[2] for row in rows if len(row) > 2}
    assert "Europe/Amsterdam" in listed
    assert listed <= zones.current_names()
    assert "UTC" in zones.current_names()


def test_an_abbreviation_lists_current_names_only() -> None:
    message = zones.unknown_zone("IST", when=date(2024, 6, 4))
    assert message.endswith(
        "e.g. one of the zones using IST: 'Asia/Jerusalem', 'Asia/Kolkata', 'Europe/Dublin'"
    ), message
    assert "Calcutta" not in message
    assert "Tel_Aviv" not in message


def test_an_abbreviation_finds_the_city_by_its_old_name() -> None:
    """A conference in "Calcutta" (the old spelling the tz database once used) with IST."""
    message = zones.unknown_zone("IST", city="Calcutta", when=date(2024, 6, 4))
    assert message.endswith("; did you mean 'Asia/Kolkata'?")


FIXED = "(POSIX inverts the sign), or better the zone of the place, which follows its clock changes"


@pytest.mark.parametrize(
    ("name", "advice"),
    [
        ("GMT+5", f"for UTC+05:00 write 'Etc/GMT-5' {FIXED}"),
        ("UTC+5", f"for UTC+05:00 write 'Etc/GMT-5' {FIXED}"),
        ("UTC+05:00", f"for UTC+05:00 write 'Etc/GMT-5' {FIXED}"),
        ("GMT-3", f"for UTC-03:00 write 'Etc/GMT+3' {FIXED}"),
        ("utc\u22123", f"for UTC-03:00 write 'Etc/GMT+3' {FIXED}"),
        ("GMT5", f"for UTC+05:00 write 'Etc/GMT-5', for UTC-05:00 write 'Etc/GMT+5' {FIXED}"),
        ("+14", f"for UTC+14:00 write 'Etc/GMT-14' {FIXED}"),
        (
            "GMT+05:30",
            "write the zone of the place, e.g. one of the zones at UTC+05:30: 'Asia/Colombo', 'Asia/Kolkata'",
        ),
        ("UTC-13", "no zone is at UTC-13:00"),
        ("UTC+0", "did you mean 'UTC'?"),
    ],
)
def test_a_utc_offset_names_the_fixed_zone_to_write(name: str, advice: str) -> None:
    """Not 'Etc/GMT' (UTC+0), the closest name to 'GMT+5': the zone of that offset, whose name has the
    other sign; an offset no whole hour is has no such zone."""
    message = zones.unknown_zone(name, when=date(2024, 6, 4))
    assert message.startswith(f"unknown time zone {name!r}; {advice}"), message
    assert "'Etc/GMT'" not in message
    for written in re.findall(r"write '(Etc/GMT[+-]\d+)'", message):
        hours = int(re.findall(r"for UTC([+-]\d\d):00 write '" + re.escape(written), message)[0])
        assert datetime(2024, 6, 4, tzinfo=UTC).astimezone(zones.zone(written)).utcoffset() == timedelta(
            hours=hours
        )


def test_agenda_tz_gives_the_fixed_zone_of_an_offset() -> None:
    result = CliRunner().invoke(cli, ["agenda", str(EVENTS), "--tz", "GMT+5"])
    assert result.exit_code == 2
    assert "unknown time zone 'GMT+5'; for UTC+05:00 write 'Etc/GMT-5' (POSIX inverts" in result.output


def _capital_old_names() -> list[str]:
    return sorted(n for n in zones.names() if re.fullmatch(r"[A-Z]{2,5}", n) and n in zones.old_names())


@pytest.mark.parametrize(
    ("old", "current"),
    [
        ("NZ", "Pacific/Auckland"),
        ("PRC", "Asia/Shanghai"),
        ("ROC", "Asia/Taipei"),
        ("ROK", "Asia/Seoul"),
        ("GB", "Europe/London"),
        ("UCT", "UTC"),
    ],
)
def test_an_old_name_in_capitals_is_refused_naming_the_zone_to_write(old: str, current: str) -> None:
    with pytest.raises(zones.UnknownZoneError) as caught:
        zones.zone(old)
    message = f"{old!r} is an old name of the time zone {current!r}; write {current!r}"
    assert str(caught.value) == message
    assert zones.zone(current)
    text = programme_text(old, [("talk", "2024-06-04T10:00:00", "2024-06-04T11:00:00")])
    with pytest.raises(EventsFileError) as events:
        parse(text.encode(), name="events.toml")
    assert events.value.problems[0].message == message


@pytest.mark.parametrize("name", _capital_old_names())
def test_every_old_name_in_capitals_is_an_abbreviation_or_names_its_zone(name: str) -> None:
    """Each is refused: as an abbreviation its own zone shows ('CET', 'EST'), or naming the zone to
    write, which keeps the old name's clocks."""
    message = zones.unknown_zone(name, when=date(2024, 6, 4))
    if message.startswith(f"{name!r} is an abbreviation"):
        shown = {
            datetime(2024, m, 15, tzinfo=UTC).astimezone(zones._read_zone(name)).tzname() for m in (1, 7)
        }
        assert name in shown or any(f"which show {abbreviation}; " in message for abbreviation in shown), (
            message
        )
        return
    current = re.fullmatch(rf"{name!r} is an old name of the time zone '([^']+)'; write '\1'", message)
    assert current, message
    for month in (1, 7):
        moment = datetime(2024, month, 15, tzinfo=UTC)
        assert (
            moment.astimezone(zones.zone(current[1])).utcoffset()
            == moment.astimezone(zones._read_zone(name)).utcoffset()
        )


def _zi_entry(name: str) -> str:
    """The tzdata.zi line that defines ``name``: a zone ("Z MET ...") or a link ("L
    Europe/Brussels MET")."""
    text = (Path(zones.tzdata_folder()) / "zoneinfo" / "tzdata.zi").read_text(encoding="utf-8")
    return next(
        line for line in text.splitlines() if line.split()[:2] == ["Z", name] or line.split()[2:] == [name]
    )


def test_met_is_an_abbreviation_not_an_old_name_of_brussels() -> None:
    """MET (Middle European Time) was a System V zone of its own until tzdata 2024b; the tzdata
    confcal pins keeps it as a link to Europe/Brussels, whose clocks say CET and CEST. It names a
    kind of time, not Brussels: refused as an abbreviation, with the zones that show CET."""
    assert _zi_entry("MET") == "L Europe/Brussels MET"
    message = zones.unknown_zone("MET", when=date(2024, 6, 4))
    assert message.startswith(
        "'MET' is an abbreviation, not a time zone (it means different offsets in different places "
        "and seasons); the tz database keeps it for compatibility, on the clocks of 'Europe/Brussels', "
        "which show CET; expected the IANA name of the place, e.g. one of the zones using CET: "
    ), message
    cet = zones.unknown_zone("CET", when=date(2024, 6, 4))
    assert message.endswith(cet[cet.index("; expected the IANA name") :])
    assert "old name" not in message
    text = programme_text("MET", [("talk", "2024-06-04T10:00:00", "2024-06-04T11:00:00")], city="Berlin")
    with pytest.raises(EventsFileError) as caught:
        parse(text.encode(), name="events.toml")
    assert caught.value.problems[0].message.endswith("which show CET; did you mean 'Europe/Berlin'?")


RANGE = (
    "the fixed zones are whole hours from 'Etc/GMT-14' (UTC+14:00) to 'Etc/GMT+12' (UTC-12:00), "
    "the sign inverted as POSIX writes it (expected an IANA name like 'America/Chicago')"
)


@pytest.mark.parametrize(
    ("name", "advice"),
    [
        ("Etc/GMT+15", RANGE),
        ("Etc/GMT-15", RANGE),
        ("Etc/GMT+13", RANGE),
        ("Etc/GMT+99", RANGE),
        ("Etc/GMT15", RANGE),
        ("Etc/GMT+", RANGE),
        ("Etc/GMT+5:30", RANGE),
        ("Etc/UTC+3", RANGE),  # not 'Etc/UTC', nor 'Etc/GMT+3' (UTC-03:00)
        ("Etc/GMT+05", "did you mean 'Etc/GMT+5'?"),
        ("etc/gmt-5", "did you mean 'Etc/GMT-5'?"),
    ],
)
def test_a_fixed_zone_out_of_range_gives_the_range_not_another_offset(name: str, advice: str) -> None:
    """The closest spelling of 'Etc/GMT+15' is 'Etc/GMT+5', ten hours away: no such suggestion."""
    fixed = {n for n in zones.names() if re.fullmatch(r"Etc/GMT[+-]\d+", n)}
    assert {"Etc/GMT-14", "Etc/GMT+12"} <= fixed  # the range quoted is tzdata's own
    assert not {"Etc/GMT-15", "Etc/GMT+13"} & fixed
    with pytest.raises(zones.UnknownZoneError) as caught:
        zones.zone(name)
    assert str(caught.value) == f"unknown time zone {name!r}; {advice}"


def test_an_old_name_still_builds_as_written(tmp_path: Path) -> None:
    """A programme already published under an old name keeps it: its feeds carry that TZID."""
    text = programme_text("Asia/Calcutta", [("talk", "2024-06-04T10:00:00", "2024-06-04T11:00:00")])
    events = tmp_path / "events.toml"
    events.write_text(text, encoding="utf-8")
    build(events, tmp_path / "output")
    data = (tmp_path / "output" / "all.ics").read_bytes()
    assert b"TZID:Asia/Calcutta" in data
    assert b"DTSTART;TZID=Asia/Calcutta:20240604T100000" in data


def test_the_vtimezone_spans_the_years_of_the_events() -> None:
    text = programme_text(
        "Europe/Berlin",
        [
            ("talk", "2024-06-04T10:00:00", "2024-06-04T11:00:00"),
            ("oral", "2026-06-04T10:00:00", "2026-06-04T11:00:00"),
        ],
    )
    files = plan(parse(text.encode(), name="events.toml"))
    data = files["all.ics"]
    assert b"DTSTART:20240101T000000" in data
    assert b"20261025T030000" in data
    assert b"2027" not in data.split(b"BEGIN:VEVENT")[0].split(b"BEGIN:VTIMEZONE")[1]


FIRST_YEAR, LAST_YEAR = 2020, 2040


def zdump_transitions(names: list[str]) -> dict[str, set[tuple[datetime, int, str]]]:
    """zdump's changes of offset or abbreviation per zone: (UTC instant, new offset, abbreviation),
    read from the same tzdata files that confcal uses."""
    folder = Path(zones.tzdata_folder()) / "zoneinfo"
    paths = {str(folder / name): name for name in names}
    result = subprocess.run(
        ["zdump", "-v", "-c", f"{FIRST_YEAR},{LAST_YEAR + 1}", *paths],
        capture_output=True,
        text=True,
        check=True,
    )
    changes: dict[str, set[tuple[datetime, int, str]]] = {name: set() for name in names}
    previous: dict[str, tuple[int, str]] = {}
    for line in result.stdout.splitlines():
        path, _, rest = line.partition("  ")
        if "UT = " not in rest:
            continue
        universal, local = rest.strip().split(" UT = ")
        moment = datetime.strptime(universal, "%a %b %d %H:%M:%S %Y").replace(tzinfo=UTC)
        fields = local.split()
        offset, abbreviation = int(fields[-1].removeprefix("gmtoff=")), fields[-3]
        name = paths[path]
        if name in previous and previous[name] != (offset, abbreviation):
            changes[name].add((moment, offset, abbreviation))
        previous[name] = (offset, abbreviation)
    return changes


def every_zone() -> list[str]:
    accepted = []
    for name in sorted(zones.names() - {"UTC"}):
        try:
            zones.zone(name)
        except zones.UnknownZoneError:
            continue  # abbreviations such as "EST", refused on purpose
        accepted.append(name)
    return accepted


def probes(name: str, changes: list[zones.Transition]) -> list[datetime]:
    """Local times a reader must place right: around every change, and mid-year in every year."""
    place = zones.zone(name)
    moments = [datetime(year, 7, 1, 12) for year in range(FIRST_YEAR, LAST_YEAR + 1)]
    for change in changes:
        low, high = sorted((change.offset_from, change.offset_to))
        moments.append((change.at + low - timedelta(minutes=1)).replace(tzinfo=None))
        moments.append((change.at + high).replace(tzinfo=None))
    return [zones.localize(moment, place) for moment in moments]


def test_every_zone_from_2020_to_2040_against_zdump_and_libical(tmp_path: Path, icalcheck: Path) -> None:
    """For every zone: the transitions equal zdump's; the VTIMEZONE written for 2020–2040, read by
    libical and by the build's own reader, gives the zone database's instant for local times
    just before and just after every change."""
    if shutil.which("zdump") is None:
        require("zdump", "compare transitions with the tz database's own tool")
    names = every_zone()
    assert len(names) > 400
    expected = zdump_transitions(names)
    first, last = datetime(FIRST_YEAR, 1, 1, tzinfo=UTC), datetime(LAST_YEAR + 1, 1, 1, tzinfo=UTC)
    files, instants = [], {}
    for number, name in enumerate(names):
        place = zones.zone(name)
        changes = list(zones.transitions(place, first - timedelta(days=1), last + timedelta(days=1)))
        found = {(c.at, int(c.offset_to.total_seconds()), c.name) for c in changes if first <= c.at < last}
        assert found == expected[name], name
        data = zones.vtimezone(name, date(FIRST_YEAR, 1, 1), date(LAST_YEAR + 1, 1, 1))
        moments = probes(name, changes)
        zones.verify(data, name, ((f"{name} {m}", m) for m in moments))
        lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", data.decode().strip()]
        for index, moment in enumerate(moments):
            uid = f"{number}.{index}"
            instants[uid] = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            stamp = f"{moment:%Y%m%dT%H%M%S}"
            lines += [
                "BEGIN:VEVENT",
                f"UID:{uid}",
                "DTSTAMP:20200101T000000Z",
                f"DTSTART;TZID={name}:{stamp}",
                f"DTEND;TZID={name}:{stamp}",
                "END:VEVENT",
            ]
        lines.append("END:VCALENDAR")
        path = tmp_path / f"{number}.ics"
        path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
        files.append(path)
    read = libical_instants(icalcheck, *files)
    wrong = {uid: (read[uid][0], instant) for uid, instant in instants.items() if read[uid][0] != instant}
    assert wrong == {}
