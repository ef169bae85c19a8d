"""confcal import over the events.toml it wrote before (``--force``), the README's way to follow a
schedule: the entries are the schedule's, written anew; what the organizer wrote by hand that no
schedule gives is kept, so importing the same schedule again changes no byte of the build, and a
newer one changes only what the schedule changed.

The schedules are the frab and pretalx fixtures of ``test_import_upstream`` (valid against the
c3voc schemas in ../shared/schemas)."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path

import pytest
import tomli
from click.testing import CliRunner

from confcal.cli import cli
from confcal.importer import toml_value
from confcal.load import load
from tests.test_import_upstream import FORMATS, GUIDS, at, frab_xml, pretalx_json, run, validate

FIRST = "1790000000"  # 2026-09-21T14:13:20Z, five weeks before the conference
LATER = "1790600000"  # a week later


def edit_by_hand(text: str) -> str:
    """What an organizer adds to an imported file, none of which a schedule gives: the venue and
    city, a long name, which kinds are streamed, publishing settings, a kind's label, a venue, the
    rooms' levels (every slot then names its room by id), a session with a chair, and a feed."""
    text = text.replace('"Venue not given in the schedule"', '"Kulturzentrum Scheune"')
    text = text.replace('"City not given in the schedule"', '"Dresden"')
    text = text.replace(
        'timezone = "Europe/Berlin"\n',
        'timezone = "Europe/Berlin"\nfull_name = "Herbsthack 2026: Hacken im Herbst"\nstreamed = ["talk"]\n',
    )
    text = re.sub(
        r"(?m)^updated = .*\n",
        lambda stamp: (
            stamp.group(0) + 'base_url = "https://herbsthack.example.org/kalender/"\n'
            "keep_cancelled = true\n"
            'abstracts = "short"\n'
            'refresh_interval = "PT1H"\n'
            "feed_max_events = 500\n"
            "\n[kinds]\n"
            'talk = { label = "Vortrag", plural = "Vorträge" }\n'
            "\n[[venues]]\n"
            'id = "scheune"\n'
            'name = "Scheune"\n'
            'address = "Alaunstraße 36, 01099 Dresden"\n'
        ),
        text,
    )
    text = text.replace('room = "Saal 1"', 'room = "saal-1"').replace(
        'session = "Workshop"', 'session = "workshops"'
    )
    return (
        text + '\n[[rooms]]\nid = "saal-1"\nname = "Saal 1"\nlevel = "Erdgeschoss"\ncapacity = 120\n'
        '\n[[sessions]]\nid = "workshops"\nname = "Workshop"\nkind = "talk"\n'
        'chair = [{ name = "Jana Krüger" }]\n'
        '\n[[feeds]]\nid = "workshops"\nname = "Workshops"\ncategory = ["workshop"]\n'
    )


def invoke(*args: str, stamp: str = FIRST) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env={"SOURCE_DATE_EPOCH": stamp})
    return result.exit_code, result.output


def files(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def imported_and_edited(tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIRST)
    status, output, target = run(tmp_path, name, FORMATS[name]())
    assert status == 0, output
    target.write_text(edit_by_hand(target.read_text(encoding="utf-8")), encoding="utf-8")
    status, output = invoke("check", str(target))
    assert status == 0, output
    return target


@pytest.mark.parametrize("name", FORMATS)
def test_importing_the_same_schedule_again_changes_no_byte_of_the_build(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = imported_and_edited(tmp_path, name, monkeypatch)
    status, output = invoke("build", str(target), "-o", str(tmp_path / "before"))
    assert status == 0, output
    edited = tomli.loads(target.read_text(encoding="utf-8"))

    status, output, _ = run(tmp_path, name, FORMATS[name](), "--force")
    assert status == 0, output
    assert output == f"{target}: 3 events (3 items) from {tmp_path / name}\n"  # nothing left to fill in
    again = tomli.loads(target.read_text(encoding="utf-8"))
    for key in ("conference", "publish", "kinds", "venues", "rooms", "sessions", "feeds"):
        assert again[key] == edited[key], key
    assert [slot["room"] for paper in again["papers"] for slot in [paper["talk"]]] == ["saal-1"] * 3

    status, output = invoke("build", str(target), "-o", str(tmp_path / "after"))
    assert status == 0, output
    before, after = files(tmp_path / "before"), files(tmp_path / "after")
    assert "workshops.ics" in after
    assert after == before


@pytest.mark.parametrize("name", FORMATS)
def test_importing_a_moved_talk_reports_only_the_move(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Imported a week later (a later stamp, no --venue or --city given again): the one change
    is the talk the schedule moved; no description loses the streaming, the long name or the
    city, no place loses its level."""
    target = imported_and_edited(tmp_path, name, monkeypatch)
    published = tmp_path / "published"
    status, output = invoke("build", str(target), "-o", str(published))
    assert status == 0, output

    monkeypatch.setenv("SOURCE_DATE_EPOCH", LATER)
    newer = FORMATS[name]().replace("16:00", "16:30")  # the closing moved by half an hour
    status, output, _ = run(tmp_path, name, newer, "--force")
    assert status == 0, output
    status, output = invoke("diff", str(target), "--published", str(published), stamp=LATER)
    assert status == 1, output
    changed = [line for line in output.splitlines() if not line.startswith(f"{published}:")]
    assert changed == [
        f'moved: {GUIDS["closing"]}.talk "Closing": Sun 25 Oct 2026, 16:00–16:30 CET → '
        "Sun 25 Oct 2026, 16:30–17:00 CET"
    ]


def test_a_venue_or_city_given_again_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = imported_and_edited(tmp_path, "schedule.xml", monkeypatch)
    status, output, _ = run(tmp_path, "schedule.xml", frab_xml(), "--force", "--city", "Dresden-Neustadt")
    assert status == 0, output
    conference = load(target).conference
    assert (conference.venue, conference.city) == ("Kulturzentrum Scheune", "Dresden-Neustadt")


def test_a_website_the_schedule_does_not_give_is_kept_one_it_gives_is_its(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIRST)
    without = frab_xml().replace("    <url>https://herbsthack.example.org/</url>\n", "")
    status, output, target = run(tmp_path, "schedule.xml", without)
    assert status == 0, output
    text = target.read_text(encoding="utf-8")
    assert "\nwebsite = " not in text
    target.write_text(
        text.replace(
            'timezone = "Europe/Berlin"\n', 'timezone = "Europe/Berlin"\nwebsite = "https://hh.example/"\n'
        ),
        encoding="utf-8",
    )
    status, output, _ = run(tmp_path, "schedule.xml", without, "--force")
    assert status == 0, output
    assert load(target).conference.website == "https://hh.example/"
    status, output, _ = run(tmp_path, "schedule.xml", frab_xml(), "--force")
    assert status == 0, output
    assert load(target).conference.website == "https://herbsthack.example.org/"


def test_the_kept_zone_reads_a_schedule_that_names_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, schemas: Path
) -> None:
    """The offsets +02:00 and +01:00 fit many zones, so the first import needs --timezone; an
    import over its file reads the schedule in the zone the file has."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIRST)
    unnamed = frab_xml().replace("    <time_zone_name>Europe/Berlin</time_zone_name>\n", "")
    validate("schedule.xml", unnamed, schemas)
    status, output, target = run(tmp_path, "schedule.xml", unnamed)
    assert status == 1, output
    assert "pass the conference's zone" in output
    status, output, target = run(tmp_path, "schedule.xml", unnamed, "--timezone", "Europe/Berlin")
    assert status == 0, output
    first = target.read_bytes()
    status, output, _ = run(tmp_path, "schedule.xml", unnamed, "--force")
    assert status == 0, output
    assert target.read_bytes() == first


def test_a_file_that_does_not_load_stops_the_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = imported_and_edited(tmp_path, "schedule.xml", monkeypatch)
    broken = target.read_text(encoding="utf-8").replace('abstracts = "short"', 'abstracts = "brief"')
    target.write_text(broken, encoding="utf-8")
    line = broken.splitlines().index('abstracts = "brief"') + 1
    status, output, _ = run(tmp_path, "schedule.xml", frab_xml(), "--force")
    assert status == 1, output
    assert output == (
        "Error: 2 problems in the events file:\n"
        f"  {target}:{line}: publish.abstracts: unknown setting 'brief'; expected one of 'full', "
        "'short', 'none'\n"
        f"  {target}: an import over this file keeps what was written there by hand, so the file must "
        "load; nothing was written: correct it, or move it away to import afresh\n"
    )
    assert target.read_text(encoding="utf-8") == broken


def test_a_kept_feed_naming_a_dropped_talk_stops_the_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = imported_and_edited(tmp_path, "schedule.xml", monkeypatch)
    edited = target.read_text(encoding="utf-8").replace(
        'category = ["workshop"]', f'paper = ["{GUIDS["rust"]}"]'
    )
    target.write_text(edited, encoding="utf-8")
    start = frab_xml().index(f'      <event guid="{GUIDS["rust"]}"')
    end = frab_xml().index("</event>\n", start) + len("</event>\n")
    dropped = frab_xml()[:start] + frab_xml()[end:]
    status, output, _ = run(tmp_path, "schedule.xml", dropped, "--force")
    assert status == 1, output
    assert f"feeds[0].paper[0]: unknown paper '{GUIDS['rust']}'" in output
    assert output.endswith(
        f"  {target}: what an import keeps of this file (the README's `confcal import` lists it) does not "
        "fit the schedule's entries; nothing was written: correct it here, or move the file away to "
        "import afresh\n"
    )
    assert target.read_text(encoding="utf-8") == edited


@pytest.mark.parametrize(
    "value",
    [
        True,
        0,
        -7,
        1.5,
        float("inf"),
        'quote " and \\ and \n line',
        "Vorträge",
        date(2026, 10, 24),
        datetime(2026, 10, 24, 9, 30),
        datetime(2026, 10, 24, 9, 30, tzinfo=UTC),
        datetime(2026, 10, 24, 9, 30, 15, 250000, tzinfo=timezone(timedelta(hours=-5, minutes=-30))),
        time(9, 30),
        [],
        ["talk", "oral"],
        [{"name": "Jana", "affiliation": "TU"}, {"name": "Ferris"}],
        {"label": "Vortrag", "two words": {"nested": [1, 2]}},
    ],
)
def test_a_kept_value_is_written_back_as_the_same_value(value: object) -> None:
    assert tomli.loads(f"key = {toml_value(value)}")["key"] == value


NEXT_YEAR = {"Herbsthack 2026": "Herbsthack 2027", "herbsthack2026": "herbsthack2027"}


def renamed(text: str, names: dict[str, str]) -> str:
    for old, new in names.items():
        text = text.replace(old, new)
    return text


@pytest.mark.parametrize("name", FORMATS)
def test_the_schedule_of_another_conference_keeps_nothing(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Next year's edition imported over last year's file: another title and acronym. Kept, the
    old id would publish the new conference under the old one's UIDs, in place of its feeds."""
    target = imported_and_edited(tmp_path, name, monkeypatch)
    other = renamed(FORMATS[name](), NEXT_YEAR)
    status, output, _ = run(tmp_path, name, other, "--force")
    assert status == 0, output
    assert output.splitlines() == [
        f'{target}: {tmp_path / name} is the schedule of another conference ("Herbsthack 2027", id '
        '"herbsthack2027") than the file\'s ("Herbsthack 2026", id "herbsthack2026"): nothing of the '
        "file was kept, as in a first import",
        f"{target}: 3 events (3 items) from {tmp_path / name}; fill in conference.venue and .city",
    ]
    imported = target.read_bytes()
    target.unlink()
    status, output, _ = run(tmp_path, name, other)
    assert status == 0, output
    assert target.read_bytes() == imported


@pytest.mark.parametrize(
    "names", [{"Herbsthack 2026": "Herbsthack 2026 (Zwischenstand)"}, {"herbsthack2026": "hh26"}]
)
def test_a_new_title_or_acronym_alone_is_the_same_conference(
    names: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = imported_and_edited(tmp_path, "schedule.xml", monkeypatch)
    status, output, _ = run(tmp_path, "schedule.xml", renamed(frab_xml(), names), "--force")
    assert status == 0, output
    assert output == f"{target}: 3 events (3 items) from {tmp_path / 'schedule.xml'}\n"
    conference = load(target).conference
    assert (conference.id, conference.full_name) == ("herbsthack2026", "Herbsthack 2026: Hacken im Herbst")


def unset(*args: str) -> tuple[int, str]:
    """A command run without SOURCE_DATE_EPOCH: a build stamps with publish.updated."""
    result = CliRunner().invoke(cli, list(args), env={"SOURCE_DATE_EPOCH": None})
    return result.exit_code, result.output


def stamp_of(target: Path) -> datetime:
    stamp: datetime = tomli.loads(target.read_text(encoding="utf-8"))["publish"]["updated"]
    return stamp


@pytest.mark.parametrize("name", FORMATS)
def test_a_file_stamped_later_than_the_import_gets_a_later_stamp(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An earlier confcal stamped the conference's first day, weeks after the imports: builds
    published that stamp, and one the import wrote earlier would stop every build that changes
    an event. The import writes a second more; nothing else changes, so neither does the build."""
    target = imported_and_edited(tmp_path, name, monkeypatch)
    target.write_text(
        re.sub(
            r"(?m)^updated = .*$", "updated = 2026-10-24T00:00:00+02:00", target.read_text(encoding="utf-8")
        ),
        encoding="utf-8",
    )
    published = tmp_path / "published"
    status, output = unset("build", str(target), "-o", str(published))
    assert status == 0, output
    before = files(published)

    status, output, _ = run(tmp_path, name, FORMATS[name](), "--force")
    assert status == 0, output
    assert output.splitlines()[0] == (
        f"{target}: publish.updated is 2026-10-23T22:00:01Z, a second after the 2026-10-23T22:00:00Z "
        "of the file it replaces, which is later than the import (2026-09-21T14:13:20Z): a build "
        "refuses a stamp not later than one it published"
    )
    assert stamp_of(target) == datetime(2026, 10, 23, 22, 0, 1, tzinfo=UTC)
    status, output = unset("build", str(target), "-o", str(published))
    assert status == 0, output
    assert files(published) == before

    monkeypatch.setenv("SOURCE_DATE_EPOCH", LATER)
    status, output, _ = run(tmp_path, name, FORMATS[name]().replace("16:00", "16:30"), "--force")
    assert status == 0, output
    assert stamp_of(target) == datetime(2026, 10, 23, 22, 0, 2, tzinfo=UTC)
    status, output = unset("build", str(target), "-o", str(published))
    assert status == 0, output
    assert "LAST-MODIFIED:20261023T220002Z" in (published / "all.ics").read_text(encoding="utf-8")


def closing_in(name: str, room: str) -> str:
    """The schedule ``name`` with the closing in ``room``."""
    if name == "schedule.xml":
        start = frab_xml().index(f'<event guid="{GUIDS["closing"]}"')
        return frab_xml()[:start] + frab_xml()[start:].replace(
            "<room>Saal 1</room>", f"<room>{room}</room>", 1
        )
    schedule = json.loads(pretalx_json())
    day = schedule["schedule"]["conference"]["days"][1]
    (closing,) = day["rooms"].pop("Saal 1")
    day["rooms"][room] = [{**closing, "room": room}]
    return json.dumps(schedule, ensure_ascii=False, indent=2)


@pytest.mark.parametrize("name", FORMATS)
def test_a_room_the_kept_rooms_do_not_name_stops_the_import_naming_the_event(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = imported_and_edited(tmp_path, name, monkeypatch)
    edited = target.read_bytes()
    moved = closing_in(name, "Saal 2")
    status, output, _ = run(tmp_path, name, moved, "--force")
    assert status == 1, output
    place = (
        at(name, moved, "closing")
        if name == "schedule.xml"
        else ': schedule.conference.days[1].rooms["Saal 2"][0]'
    )
    assert output == (
        "Error: 2 problems in the events file:\n"
        f'  {tmp_path / name}{place}: the event "Closing" is in the room "Saal 2", but the {target} it is '
        "imported over declares its rooms ([[rooms]]) and none names it: add [[rooms]] with "
        f'id = "saal-2" and name = "Saal 2" to {target}, then import again\n'
        f"  {target}: what an import keeps of this file (the README's `confcal import` lists it) does not "
        "fit the schedule's entries; nothing was written: correct it here, or move the file away to "
        "import afresh\n"
    )
    assert target.read_bytes() == edited
    target.write_text(edited.decode() + '\n[[rooms]]\nid = "saal-2"\nname = "Saal 2"\n', encoding="utf-8")
    status, output, _ = run(tmp_path, name, moved, "--force")
    assert status == 0, output
    assert [paper["talk"]["room"] for paper in tomli.loads(target.read_text(encoding="utf-8"))["papers"]] == [
        "saal-1",
        "saal-1",
        "saal-2",
    ]


@pytest.mark.parametrize("name", FORMATS)
def test_a_session_the_kept_sessions_would_refuse_stops_the_import_naming_the_event(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workshop's type is now "workshops": its session, "Workshops", is neither the name of
    the kept session "workshops" (named "Workshop") nor text the file can hold beside it."""
    target = imported_and_edited(tmp_path, name, monkeypatch)
    if name == "schedule.xml":
        renamed_type = frab_xml().replace("<type>workshop</type>", "<type>workshops</type>")
    else:
        schedule = json.loads(pretalx_json())
        schedule["schedule"]["conference"]["days"][0]["rooms"]["Saal 1"][1]["type"] = "workshops"
        renamed_type = json.dumps(schedule, ensure_ascii=False, indent=2)
    status, output, _ = run(tmp_path, name, renamed_type, "--force")
    assert status == 1, output
    assert output.splitlines()[1] == (
        f'  {tmp_path / name}{at(name, renamed_type, "rust")}: the event "Workshop: Rust for Pythonistas" '
        f'is in the session "Workshops", but the {target} it is imported over declares its sessions '
        "([[sessions]]) and none names it, and the text is too like a declared one's id or name: add "
        f'[[sessions]] with id = "workshops-2" and name = "Workshops" to {target}, then import again'
    )
