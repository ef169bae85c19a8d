"""index.html for attendees: every event pickable and anchored, the controls, the picks panel, QR codes."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
import segno
from click.testing import CliRunner

from confcal.cli import cli
from confcal.picks import MAX_PICKS, pick_key, split_feed
from confcal.site import INDEX
from tests.test_site import Page

ROOT = Path(__file__).resolve().parent.parent
EVENTS = ROOT / "events.toml"
OUTPUT = ROOT / "output"
BASE_URL = "https://example.org/neurips-2023/"


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("published")
    result = CliRunner().invoke(cli, ["build", str(EVENTS), "-o", str(output), "--base-url", BASE_URL])
    assert result.exit_code == 0, result.output
    return output


def uids_of(calendar: bytes) -> list[str]:
    return [m.decode() for m in re.findall(rb"\r\nUID:([^\r]*)\r\n", calendar)]


def events_of(html: str) -> list[dict[str, str]]:
    return [attrs for tag, attrs in Page(html).tags if tag == "li" and "event" in attrs.get("class", "")]


def test_every_event_carries_its_uid_key_and_anchor() -> None:
    html = (OUTPUT / INDEX).read_text(encoding="utf-8")
    events = events_of(html)
    uids = uids_of((OUTPUT / "all.ics").read_bytes())
    assert [event["data-uid"] for event in events] == uids
    for event in events:
        event_id = event["data-uid"].removeprefix("neurips-2023.").removesuffix("@confcal")
        assert event["id"] == event_id
        assert event["data-key"] == pick_key(event_id)
        assert event["data-kind"] == event_id.rsplit(".", 1)[1]
        assert event["data-ics"] == f"papers/{event_id.rsplit('.', 1)[0]}.ics"
        assert (OUTPUT / event["data-ics"]).is_file()
        assert event["data-feeds"]
    assert len({event["data-key"] for event in events}) == len(events)
    stars = re.findall(
        r'<button type="button" class="star needs-js" aria-pressed="false">Pick</button>', html
    )
    assert len(stars) == len(events)


def test_picks_panel_and_its_calendar_head(published: Path) -> None:
    html = (published / INDEX).read_text(encoding="utf-8")
    page = Page(html)
    ids = {attrs["id"]: (tag, attrs) for tag, attrs in page.tags if "id" in attrs}
    assert ids["picks"][0] == "section"
    assert ids["picks-download"][1]["download"] == "neurips-2023-my-picks.ics"
    for link in ("picks-webcal", "picks-google", "picks-outlook", "picks-share"):
        assert ids[link][0] == "a"
    assert ids["picks-url"][1]["readonly"] == ""
    assert ids["picks-too-big"][1]["hidden"] == "", "shown by the script when the picks are too large"
    script = re.search(r'<script type="application/json" id="picks-data">(.*?)</script>', html)
    assert script is not None
    data = json.loads(script[1])
    service = split_feed((published / "all.ics").read_bytes())
    assert data["head"].encode() == service.head, "the page builds the same calendar as the service"
    assert data == {
        "base": BASE_URL,
        "head": data["head"],
        "id": "neurips-2023",
        "name": "NeurIPS 2023: my picks",
        "zone": "America/Chicago",
        "maxBytes": 1_000_000,
        "maxEvents": 1000,
        "maxPicks": MAX_PICKS,
        "budget": "1.0 MB or 1,000 events",
    }


def test_without_a_public_address_the_panel_offers_download_only() -> None:
    page = Page((OUTPUT / INDEX).read_text(encoding="utf-8"))
    ids = {attrs["id"] for _, attrs in page.tags if "id" in attrs}
    assert {"picks", "picks-download", "picks-share"} <= ids
    assert not {"picks-webcal", "picks-google", "picks-outlook", "picks-url", "picks-too-big"} & ids
    assert not any(tag == "svg" for tag, _ in page.tags), "no QR code without an address"


def test_search_filters_and_day_navigation() -> None:
    html = (OUTPUT / INDEX).read_text(encoding="utf-8")
    page = Page(html)
    tags = {attrs.get("id"): (tag, attrs) for tag, attrs in page.tags}
    assert tags["q"] == ("input", {"type": "search", "id": "q", "name": "q", "autocomplete": "off"})
    assert tags["filters"][1]["role"] == "search"
    assert tags["filters"][1]["class"] == "controls needs-js"
    for select in ("f-day", "f-kind", "f-feed"):
        assert tags[select][0] == "select"
    days = re.findall(r'<option value="(2023-12-\d\d)">', html)
    assert days == ["2023-12-12", "2023-12-13", "2023-12-14"]
    assert re.findall(r'<a href="#(day-2023-12-\d\d)">', html) == [f"day-{day}" for day in days]
    assert [tags[f"day-{day}"][0] for day in days] == ["h3", "h3", "h3"]
    assert re.findall(r'<option value="(oral|poster|talk)">', html) == ["oral", "poster", "talk"]
    feeds = re.findall(r'<option value="([a-z-]+)">[^<]*</option>', html)
    assert feeds[-4:] == [
        "outstanding-main-track",
        "outstanding-main-track-runner-up",
        "outstanding-datasets-and-benchmarks",
        "test-of-time",
    ]
    assert tags["zone-conference"][1]["checked"] == ""
    assert "conference time (America/Chicago)" in html


def test_qr_codes_beside_each_subscribable_feed(published: Path) -> None:
    html = (published / INDEX).read_text(encoding="utf-8")
    figures = re.findall(
        r'<figure class="qr">(<svg .*?</svg>)<figcaption>Scan to open (\S+)</figcaption>', html
    )
    feeds = sorted(path.name for path in published.glob("*.ics"))
    assert sorted(address.removeprefix(BASE_URL) for _, address in figures) == feeds
    for svg, address in figures:
        expected = io.BytesIO()
        segno.make(address, error="m", micro=False).save(
            expected, kind="svg", xmldecl=False, svgns=False, svgclass=None, lineclass=None, scale=3, border=2
        )
        assert svg == expected.getvalue().decode().strip().replace("<svg ", '<svg aria-hidden="true" ', 1)
