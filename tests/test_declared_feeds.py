"""Declared [[feeds]], the feed budget and the abstracts setting, on a scaled synthetic programme."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks.synth import programme as synthetic
from confcal.cli import cli
from confcal.load import load
from tests.conftest import EVENTS, OUTPUT
from tests.helpers import parse_events

BASE = "https://example.org/synth/"
# A programme scaled down for the test suite, with a budget scaled down in proportion.
PAPERS = 120
BUDGET = "[publish]\nfeed_max_bytes = 150000\nfeed_max_events = 100\nupdated = 2023-12-01T00:00:00Z"
ORALS = '\n[[feeds]]\nid = "orals"\nname = "Orals"\nkind = "oral"\n'


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("synth")
    text = synthetic(PAPERS, seed=1).replace("[publish]\nupdated = 2023-12-01T00:00:00Z", BUDGET)
    assert "feed_max_bytes" in text
    (folder / "events.toml").write_text(text + ORALS, encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["build", str(folder / "events.toml"), "-o", str(folder / "out"), "--base-url", BASE]
    )
    assert result.exit_code == 0, result.output
    (folder / "build.log").write_text(result.output, encoding="utf-8")
    return folder


def webcal_targets(page: str) -> list[str]:
    return re.findall(r'href="webcal://example\.org/synth/([^"]+)"', page)


def test_every_subscribable_feed_fits_the_budget(built: Path) -> None:
    page = (built / "out" / "index.html").read_text(encoding="utf-8")
    targets = webcal_targets(page)
    assert "orals.ics" in targets
    for name in targets:
        data = (built / "out" / name).read_bytes()
        assert len(data) <= 150_000, name
        assert data.count(b"BEGIN:VEVENT") <= 100, name


def test_the_overall_feed_is_download_only(built: Path) -> None:
    page = (built / "out" / "index.html").read_text(encoding="utf-8")
    assert (built / "out" / "all.ics").stat().st_size > 150_000
    assert "all.ics" not in webcal_targets(page)
    assert "calendar.google.com" in page  # the smaller feeds keep their subscribe links
    article = page[page.index("<h3>Synthetic Conference 2023</h3>") :]
    article = article[: article.index("</article>")]
    assert "Download only" in article
    assert 'href="all.ics"' in article
    assert "webcal" not in article
    assert "google" not in article
    assert "outlook" not in article
    assert "warning: all.ics is" in (built / "build.log").read_text()


def test_the_orals_feed_holds_every_oral(built: Path) -> None:
    programme = load(built / "events.toml")
    orals = {f"{programme.conference.id}.{e.id}@confcal" for e in programme.events if e.kind == "oral"}
    parsed = parse_events((built / "out" / "orals.ics").read_bytes())
    assert {e.uid for e in parsed} == orals
    assert len(orals) > 1
    head = (built / "out" / "orals.ics").read_bytes().split(b"BEGIN:VTIMEZONE")[0]
    for line in (
        b"NAME:Synthetic Conference 2023: Orals",
        b"X-WR-CALNAME:",
        b"REFRESH-INTERVAL;VALUE=DURATION:",
    ):
        assert line in head


def test_check_names_the_feed_over_budget_and_passes(built: Path) -> None:
    result = CliRunner().invoke(cli, ["check", str(built / "events.toml"), "--format", "json"])
    report = json.loads(result.output)
    too_big = [f for f in report["findings"] if f["code"] == "feed-too-big"]
    assert report["ok"]
    assert result.exit_code == 0
    assert [f["feeds"] for f in too_big] == [["all.ics"]] + [
        [f["feeds"][0]] for f in too_big[1:]
    ]  # all.ics first; category feeds may follow
    message = too_big[0]["message"]
    assert message.startswith("all.ics is ")
    assert "download only" in message
    assert re.search(
        r"split it by (day|session): \d+ feeds, the largest .* \(one \[\[feeds\]\] table per", message
    )


def test_a_split_the_check_suggests_fits(built: Path) -> None:
    """The suggestion's sizes are real: declaring the feeds it names gives files that fit."""
    programme = load(built / "events.toml")
    days = sorted({e.start.date() for e in programme.events})
    tables = "".join(f'\n[[feeds]]\nid = "day-{d:%d}"\nname = "{d:%a %-d %b}"\nday = {d}\n' for d in days)
    result = CliRunner().invoke(cli, ["check", str(built / "events.toml")])
    match = re.search(r"by day: (\d+) feeds, the largest ([\d.]+) (kB|MB) with (\d+) events", result.output)
    assert match, result.output
    events = built / "days.toml"
    events.write_text((built / "events.toml").read_text() + tables, encoding="utf-8")
    out = built / "days"
    assert CliRunner().invoke(cli, ["build", str(events), "-o", str(out)]).exit_code == 0
    sizes = [(out / f"day-{d:%d}.ics").read_bytes() for d in days]
    assert int(match.group(1)) == len(days)
    assert max(data.count(b"BEGIN:VEVENT") for data in sizes) == int(match.group(4))
    unit = 1000 if match.group(3) == "kB" else 1_000_000
    precision = 0.5 if unit == 1000 else 0.05
    assert abs(max(len(data) for data in sizes) / unit - float(match.group(2))) <= precision


def test_a_removed_declared_feed_is_pruned_and_counts_in_diff(tmp_path: Path) -> None:
    events = tmp_path / "events.toml"
    shipped = EVENTS.read_text(encoding="utf-8")
    events.write_text(
        shipped + '\n[[feeds]]\nid = "orals"\nname = "Orals"\nkind = "oral"\n', encoding="utf-8"
    )
    out = tmp_path / "out"
    assert CliRunner().invoke(cli, ["build", str(events), "-o", str(out)]).exit_code == 0
    assert (out / "orals.ics").exists()
    assert "orals.ics" in (out / "index.html").read_text(encoding="utf-8")
    events.write_text(shipped, encoding="utf-8")
    diff = CliRunner().invoke(cli, ["diff", str(events), "-o", str(out)])
    assert "orals.ics" in diff.output
    assert CliRunner().invoke(cli, ["build", str(events), "-o", str(out)]).exit_code == 0
    assert not (out / "orals.ics").exists()
    for path in OUTPUT.rglob("*"):
        if path.is_file():
            assert (out / path.relative_to(OUTPUT)).read_bytes() == path.read_bytes(), path


@pytest.mark.parametrize("setting", ["full", "short", "none"])
def test_abstracts_setting_gives_one_text_in_every_feed(tmp_path: Path, setting: str) -> None:
    text = synthetic(20, seed=3).replace("[publish]\n", f'[publish]\nabstracts = "{setting}"\n')
    events = tmp_path / "events.toml"
    events.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert CliRunner().invoke(cli, ["build", str(events), "-o", str(out)]).exit_code == 0
    programme = load(events)
    by_uid: dict[str, str] = {}
    for feed in sorted(out.rglob("*.ics")):
        for event in parse_events(feed.read_bytes()):
            assert by_uid.setdefault(event.uid, event.description) == event.description
    for paper in (p for p in programme.papers if p.abstract):
        uid = f"{programme.conference.id}.{programme.events_of(paper.id)[0].id}@confcal"
        description = by_uid[uid]
        if setting == "none":
            assert "Abstract" not in description
        elif setting == "full" or len(paper.abstract) <= 360:
            assert f"Abstract: {paper.abstract}" in description
        else:
            shortened = description.split("Abstract (shortened): ")[1].split(" …")[0]
            assert paper.abstract.startswith(shortened)
            assert 150 <= len(shortened) <= 450
            assert (
                shortened.endswith((".", "!", "?"))
                or " " not in paper.abstract[len(shortened) : len(shortened) + 1]
            )


def test_export_and_agenda_filter_by_session(tmp_path: Path) -> None:
    out = tmp_path / "posters.ics"
    result = CliRunner().invoke(
        cli,
        ["export", str(EVENTS), "--session", "Poster session 6", "-o", str(out), "--published", str(OUTPUT)],
    )
    assert result.exit_code == 0, result.output
    programme = load(EVENTS)
    expected = {
        f"{programme.conference.id}.{e.id}@confcal"
        for e in programme.events
        if e.session == "Poster session 6"
    }
    assert {e.uid for e in parse_events(out.read_bytes())} == expected
    assert len(expected) >= 1
    assert b"X-WR-CALNAME:NeurIPS 2023: Poster session 6" in out.read_bytes()
    agenda = CliRunner().invoke(cli, ["agenda", str(EVENTS), "--session", "Poster session 6"])
    assert agenda.exit_code == 0
    assert agenda.output.count("CST  Poster ") == len(expected)
    assert "Oral" not in agenda.output
    unknown = CliRunner().invoke(cli, ["agenda", str(EVENTS), "--session", "Poster session 99"])
    assert unknown.exit_code == 2
    assert (
        "unknown session Poster session 99; did you mean --session 'Poster session 6'? (known: "
        in unknown.output
    )


def test_once_smaller_feeds_cover_every_event_the_big_ones_are_only_information(built: Path) -> None:
    programme = load(built / "events.toml")
    days = sorted({e.start.date() for e in programme.events})
    tables = "".join(f'\n[[feeds]]\nid = "day-{d:%d}"\nname = "{d:%a %-d %b}"\nday = {d}\n' for d in days)
    events = built / "covered.toml"
    events.write_text((built / "events.toml").read_text() + tables, encoding="utf-8")
    report = json.loads(CliRunner().invoke(cli, ["check", str(events), "--format", "json"]).output)
    too_big = [f for f in report["findings"] if f["code"] == "feed-too-big"]
    assert too_big
    assert {f["severity"] for f in too_big} == {"info"}
    assert "every one of its events is in a smaller feed" in too_big[0]["message"]
    build = CliRunner().invoke(cli, ["build", str(events), "-o", str(built / "covered")])
    assert build.exit_code == 0
    assert "over the budget" not in build.output
