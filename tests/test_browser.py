"""The page in a real browser: headless Debian Chromium, driven over WebDriver, against `confcal serve`.

Runs in CI (CI=true) and fails there when Chromium or chromedriver is missing; elsewhere it skips
without them. The client below is the few W3C WebDriver calls the test needs, over urllib.
Screenshots go to the test's tmp folder; with CONFCAL_SCREENSHOT=docs/screenshot.png the desktop
one is also saved there (the README picture).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ical.calendar_stream import IcsCalendarStream

from confcal.feeds import feeds
from confcal.load import load
from tests.test_serve import Serve

ROOT = Path(__file__).resolve().parent.parent
EVENTS = ROOT / "events.toml"
BASE_URL = "https://example.org/neurips-2023/"
CHROME_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]
FETCH = """
const [href, done] = arguments;
fetch(href).then(async (response) => done({
  url: response.url,
  status: response.status,
  contentType: response.headers.get("content-type"),
  text: await response.text(),
})).catch((error) => done({error: String(error)}));
"""


def find_browser() -> tuple[str, str]:
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if chromium and driver:
        return chromium, driver
    message = (
        "headless Chromium and chromedriver are needed for the browser test: "
        "install the Debian packages chromium and chromium-driver (sh .ci/system-deps)"
    )
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(message)
    pytest.skip(message)


class WebDriver:
    """A chromedriver process and one browser session."""

    def __init__(self, *, chromium: str, driver: str, profile: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.endpoint = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [driver, f"--port={port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 30
        while not self.ready():
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.process.kill()
                raise AssertionError("chromedriver did not start")
            time.sleep(0.1)
        options = {"binary": chromium, "args": [*CHROME_ARGS, f"--user-data-dir={profile}"]}
        capabilities = {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": options}}
        self.session = self.call("POST", "/session", {"capabilities": capabilities})["sessionId"]

    def ready(self) -> bool:
        try:
            return bool(self.call("GET", "/status")["ready"])
        except (urllib.error.URLError, ConnectionError):
            return False

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.endpoint + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.load(response)["value"]
        except urllib.error.HTTPError as error:
            raise AssertionError(f"WebDriver {method} {path}: {error.read().decode()}") from None

    def command(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.call(method, f"/session/{self.session}{path}", body)

    def open(self, url: str) -> None:
        self.command("POST", "/url", {"url": url})

    def run(self, script: str, *args: Any) -> Any:
        return self.command("POST", "/execute/sync", {"script": script, "args": list(args)})

    def run_async(self, script: str, *args: Any) -> Any:
        return self.command("POST", "/execute/async", {"script": script, "args": list(args)})

    def resize(self, width: int, height: int) -> None:
        self.command("POST", "/window/rect", {"width": width, "height": height})

    def screenshot(self, target: Path) -> None:
        target.write_bytes(base64.b64decode(self.command("GET", "/screenshot")))

    def quit(self) -> None:
        try:
            self.call("DELETE", f"/session/{self.session}")
        finally:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    chromium, driver = find_browser()
    with tempfile.TemporaryDirectory(prefix="confcal-chromium-") as profile:
        session = WebDriver(chromium=chromium, driver=driver, profile=Path(profile))
        try:
            yield session
        finally:
            session.quit()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Serve]:
    """`confcal serve` on the shipped programme, published at an example public address."""
    events = tmp_path / "events.toml"
    text = EVENTS.read_text(encoding="utf-8")
    events.write_text(text.replace("\n[publish]\n", f'\n[publish]\nbase_url = "{BASE_URL}"\n', 1), "utf-8")
    process = Serve(events, tmp_path / "output")
    try:
        yield process
    finally:
        process.stop()


def test_page_in_chromium_downloads_every_feed_and_paper(
    browser: WebDriver, served: Serve, tmp_path: Path
) -> None:
    programme = load(EVENTS)
    expected = {feed.filename: feed for feed in feeds(programme)}
    browser.resize(1100, 1400)
    browser.open(served.url)
    title = browser.run("return document.title")
    assert title == f"{programme.conference.name}: programme and calendar feeds"
    assert browser.run("return performance.getEntriesByType('resource').map((e) => e.name)") == []

    downloads = browser.run(
        "return [...document.querySelectorAll('a')]"
        ".filter((a) => a.textContent.startsWith('Download'))"
        ".map((a) => [a.getAttribute('href'), a.href])"
    )
    assert sorted(href for href, _ in downloads) == sorted(expected)
    paper_links = browser.run(
        "return [...new Set([...document.querySelectorAll('a')]"
        ".filter((a) => a.textContent.startsWith('Add this paper')).map((a) => a.href))]"
    )
    assert len(paper_links) == len(programme.papers)

    for href, absolute in [*downloads, *((None, link) for link in paper_links)]:
        assert absolute.startswith(served.url), absolute
        reply = browser.run_async(FETCH, absolute)
        assert "error" not in reply, reply
        assert reply["status"] == 200, absolute
        assert reply["contentType"] == "text/calendar; charset=utf-8"
        calendar = IcsCalendarStream.calendar_from_ics(reply["text"])
        if href is not None:
            assert len(calendar.events) == len(expected[href].events), href
        else:
            paper_id = absolute.rsplit("/", 1)[1].removesuffix(".ics")
            assert len(calendar.events) == len(programme.events_of(paper_id)), absolute

    browser.screenshot(tmp_path / "index-desktop.png")
    if target := os.environ.get("CONFCAL_SCREENSHOT"):
        browser.screenshot(Path(target))
    assert (tmp_path / "index-desktop.png").read_bytes().startswith(b"\x89PNG")


def test_page_fits_a_phone_screen(browser: WebDriver, served: Serve, tmp_path: Path) -> None:
    browser.resize(390, 844)
    browser.open(served.url)
    inner = browser.run("return window.innerWidth")
    assert inner <= 420, "the window really is phone-sized"
    assert browser.run("return document.documentElement.scrollWidth") <= inner, "no sideways scrolling"
    too_wide = browser.run(
        "return [...document.querySelectorAll('body *')]"
        ".filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5)"
        ".map((e) => e.tagName + ' ' + e.textContent.slice(0, 40))"
    )
    assert too_wide == []
    browser.screenshot(tmp_path / "index-phone.png")
    if target := os.environ.get("CONFCAL_SCREENSHOT_PHONE"):
        browser.screenshot(Path(target))
