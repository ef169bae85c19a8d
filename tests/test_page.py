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
from tests.helpers import parse_events
from tests.test_site import Page

ROOT = Path(__file__).resolve().parent.parent
EVENTS = ROOT / "events.toml"
WORKSHOP = ROOT / "tests" / "programmes" / "workshop.toml"
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


def workshop_page(tmp_path: Path, text: str) -> Path:
    """The workshop programme edited to ``text``, built (without a public address)."""
    events = tmp_path / "events.toml"
    events.write_text(text, encoding="utf-8")
    output = tmp_path / "output"
    result = CliRunner().invoke(cli, ["build", str(events), "-o", str(output)])
    assert result.exit_code == 0, result.output
    return output


ONLINE = """
[[items]]
id = "online-only"
title = "Panel: Learning Systems in Practice"

[items.talk]
start = 2026-10-25T16:00:00
end = 2026-10-25T17:00:00
url = "https://meet.example.org/panel"
"""


def test_an_online_slot_reads_as_its_calendar_event_does(tmp_path: Path) -> None:
    """A slot with its own url, no room or venue and not streamed is a video call: its event says
    "Place: online" and where to join, so its line on the page says "Online" and links the call
    (never "Place not announced"), as a streamed slot's line links its stream."""
    output = workshop_page(tmp_path, WORKSHOP.read_text(encoding="utf-8") + ONLINE)
    (event,) = parse_events((output / "items" / "online-only.ics").read_bytes())
    described = event.description.splitlines()
    assert "Place: online" in described
    assert "Watch or join: https://meet.example.org/panel" in described
    html = (output / INDEX).read_text(encoding="utf-8")
    lines = dict(zip((attrs["id"] for attrs in events_of(html)), Page(html).events, strict=True))
    online = lines.pop("online-only.talk")
    assert "Talk · Online" in online.text
    assert "not announced" not in online.text
    assert [(link.href, link.text) for link in online.links] == [
        ("https://meet.example.org/panel", "Join online: Panel: Learning Systems in Practice"),
        ("items/online-only.ics", "Add this talk to your calendar: Panel: Learning Systems in Practice"),
    ]
    keynote = lines.pop("opening-keynote.keynote")  # streamed, with its stream's url
    assert [(link.href, link.text) for link in keynote.links] == [
        (
            "https://stream.example.org/learnsys-2026/keynote",
            "Watch the stream: Learning Systems That Explain Themselves",
        ),
        (
            "items/opening-keynote.ics",
            "Add this keynote to your calendar: Learning Systems That Explain Themselves",
        ),
    ]
    assert "Hörsaal 1" in keynote.text
    for other in lines.values():  # no url of their own: only their calendar
        assert [link.href.split("/")[0] for link in other.links] in ([], ["items"], ["papers"])
