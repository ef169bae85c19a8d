"""confcal import over the events.toml it wrote before (``--force``), the README's way to follow a
schedule: the entries are the schedule's, written anew; what the organizer wrote by hand that no
schedule gives is kept, so importing the same schedule again changes no byte of the build, and a
newer one changes only what the schedule changed.

The schedules are the frab and pretalx fixtures of ``test_import_upstream`` (valid against the
c3voc schemas in ../shared/schemas)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path

import pytest
import tomli
from click.testing import CliRunner

from confcal.cli import cli
from confcal.importer import toml_value
from confcal.load import load
from tests.test_import_upstream import FORMATS, GUIDS, frab_xml, run, validate

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
