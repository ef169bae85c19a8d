"""The page in a real browser: headless Debian Chromium driven by selenium, against ``confcal serve``.

The award programme, published at an example public address, previewed by ``confcal serve``,
which answers personal feeds with ``confcal.web``'s application (tests/test_web.py runs that
under gunicorn). Runs in CI (CI=true) and fails there when Chromium or
chromedriver is missing; elsewhere it skips without them. Screenshots go to the test's tmp
folder; with CONFCAL_SCREENSHOT=docs/screenshot.png the desktop one is also saved there (the
README picture).
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from ical.calendar_stream import IcsCalendarStream
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.wait import WebDriverWait

from benchmarks.page import CHROMIUM_FLAGS
from benchmarks.synth import programme as synthetic_programme
from confcal.budget import megabytes
from confcal.cli import cli
from confcal.feeds import Feed, feeds
from confcal.load import load
from confcal.picks import MAX_PICKS, pick_key, picks_calendar, split_feed
from confcal.site import feed_links, public_address
from tests.gunicorn import request
from tests.helpers import restamped
from tests.test_page import MULTI_DAY
from tests.test_serve import Serve

ROOT = Path(__file__).resolve().parent.parent
EVENTS = ROOT / "events.toml"
WORKSHOP = ROOT / "tests" / "programmes" / "workshop.toml"
BASE_URL = "https://example.org/neurips-2023/"
CHROME_ARGS = [*CHROMIUM_FLAGS, "--hide-scrollbars"]
PICKED = ("climsim.oral", "word2vec.talk", "decodingtrust.poster")
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


Browser = Callable[..., webdriver.Chrome]


@pytest.fixture
def browser() -> Iterator[Browser]:
    """Starts Chromium sessions (``javascript=False`` for one with scripts off; ``page_load="none"``
    for one whose ``get`` does not wait for the page; more command-line ``arguments``); quits them
    all."""
    chromium, driver = find_browser()
    sessions: list[webdriver.Chrome] = []
    with tempfile.TemporaryDirectory(prefix="confcal-chromium-") as profiles:

        def start(
            *,
            width: int = 1100,
            height: int = 1400,
            javascript: bool = True,
            page_load: str = "normal",
            arguments: tuple[str, ...] = (),
        ) -> webdriver.Chrome:
            options = webdriver.ChromeOptions()
            options.binary_location = chromium
            options.page_load_strategy = page_load
            for argument in (*CHROME_ARGS, *arguments):
                options.add_argument(argument)
            options.add_argument(f"--user-data-dir={profiles}/{len(sessions)}")
            if not javascript:
                options.add_experimental_option(
                    "prefs", {"profile.managed_default_content_settings.javascript": 2}
                )
            session = webdriver.Chrome(options=options, service=Service(driver))
            sessions.append(session)
            session.set_window_size(width, height)
            return session

        try:
            yield start
        finally:
            for session in sessions:
                session.quit()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, bytes]]:
    """``confcal serve`` on the award programme with a public address; (its URL, its all.ics)."""
    folder = tmp_path_factory.mktemp("browser")
    events = folder / "events.toml"
    text = EVENTS.read_text(encoding="utf-8")
    events.write_text(text.replace("\n[publish]\n", f'\n[publish]\nbase_url = "{BASE_URL}"\n', 1), "utf-8")
    process = Serve(events, folder / "output")
    try:
        url = process.url.rstrip("/")
        published = request(url, "/all.ics")
        assert published.status == 200
        yield url, published.body
    finally:
        process.stop()


def with_publish(source: Path, folder: Path, lines: str) -> Path:
    """A copy of ``source`` in ``folder`` with ``lines`` added to its [publish] table."""
    events = folder / "events.toml"
    text = source.read_text(encoding="utf-8")
    events.write_text(text.replace("\n[publish]\n", f"\n[publish]\n{lines}\n", 1), "utf-8")
    return events


def built(events: Path, output: Path, *options: str) -> Path:
    result = CliRunner().invoke(cli, ["build", str(events), "-o", str(output), *options])
    assert result.exit_code == 0, result.output
    return output


def vevents(data: bytes) -> dict[str, bytes]:
    blocks = re.findall(rb"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", data, flags=re.DOTALL)
    return {block.split(b"\r\nUID:", 1)[1].split(b"\r\n", 1)[0].decode(): block for block in blocks}


def uid(event_id: str) -> str:
    return f"neurips-2023.{event_id}@confcal"


def wait(driver: webdriver.Chrome, condition: Callable[[webdriver.Chrome], Any]) -> Any:
    """Waits for ``condition`` to hold: long enough for a first search of a NeurIPS-size page on
    a loaded CI machine (a condition that holds returns at once)."""
    return WebDriverWait(driver, 30).until(condition)


def open_page(driver: webdriver.Chrome, url: str) -> None:
    driver.get(url)
    wait(driver, lambda d: d.execute_script("return document.documentElement.dataset.ready") == "true")


WATCH_SEARCHES = """
window.confcalSearched?.disconnect();
const searched = new MutationObserver(() => searched.texts.push(document.getElementById("q").value));
searched.texts = [];
searched.observe(document.getElementById("f-status"), {childList: true, characterData: true, subtree: true});
window.confcalSearched = searched;
"""


def type_search(driver: webdriver.Chrome, text: str, *, field: WebElement | None = None) -> None:
    """Types ``text`` (no Enter) into the search box, ``field``, or the focused one as a reader does
    (WebDriver's send_keys scrolls its element into view), and waits until the page has searched
    for all of it. The page searches after a pause in the typing, which a loaded machine can make
    between any two keys: the results first seen can be those of part of the text, and the search
    of the whole can still be due, to replace the results under a click. Each search writes the
    status line; the one for the whole text is the last the typing makes."""
    driver.execute_script(WATCH_SEARCHES)
    if field is None:
        ActionChains(driver).send_keys(text).perform()
    else:
        field.send_keys(text)
    wait(driver, lambda d: text in d.execute_script("return window.confcalSearched.texts"))


def visible_events(driver: webdriver.Chrome) -> list[str]:
    """The events on screen (laid out), by UID: the programme's own or the search results' copies."""
    return list(
        driver.execute_script(
            "return [...document.querySelectorAll('li.event')]"
            ".filter(e => e.getClientRects().length).map(e => e.dataset.uid)"
        )
    )


def star(driver: webdriver.Chrome, event_id: str) -> WebElement:
    """The star of an event on screen: in the programme, or its copy among search results."""
    buttons = driver.find_elements(By.CSS_SELECTOR, f'li.event[data-uid="{uid(event_id)}"] button.star')
    button = next(b for b in buttons if b.is_displayed())
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    return button


def picks_panel(driver: webdriver.Chrome) -> list[str]:
    return [item.text for item in driver.find_elements(By.CSS_SELECTOR, "#picks-list > li")]


def pressed(driver: webdriver.Chrome) -> list[str]:
    return list(
        driver.execute_script(
            "return [...document.querySelectorAll('li.event button.star[aria-pressed=\"true\"]')]"
            ".map(b => b.closest('li.event').id)"
        )
    )


def test_search_pick_download_subscribe_reload(
    browser: Browser, site: tuple[str, bytes], tmp_path: Path
) -> None:
    url, all_ics = site
    published = vevents(all_ics)
    driver = browser()
    open_page(driver, url + "/")
    assert driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)") == []
    assert len(visible_events(driver)) == len(published)

    search = driver.find_element(By.ID, "q")
    type_search(driver, "ClimSim", field=search)
    assert visible_events(driver) == [uid("climsim.oral"), uid("climsim.poster")]
    star(driver, "climsim.poster").click()  # a star on a search result picks the event
    wait(driver, lambda d: len(picks_panel(d)) == 1)
    star(driver, "climsim.poster").click()
    wait(driver, lambda d: len(picks_panel(d)) == 0)
    assert driver.find_element(By.ID, "f-status").text == "2 of 13 events match"
    search.send_keys(Keys.CONTROL, "a")
    search.send_keys(Keys.BACKSPACE)
    wait(driver, lambda d: len(visible_events(d)) == len(published))

    star(driver, "climsim.oral").click()
    star(driver, "word2vec.talk").send_keys(Keys.SPACE)  # keyboard users toggle with Space or Enter
    star(driver, "decodingtrust.poster").send_keys(Keys.ENTER)
    wait(driver, lambda d: len(picks_panel(d)) == 3)
    assert sorted(pressed(driver)) == sorted(PICKED)
    assert [text.split(" · ")[0] for text in picks_panel(driver)] == [
        "DecodingTrust: A Comprehensive Assessment of Trustworthiness in GPT Models",
        "Distributed Representations of Words and Phrases and their Compositionality",
        "ClimSim: A large multi-scale dataset for hybrid physics-ML climate emulation",
    ]

    download = driver.find_element(By.ID, "picks-download")
    wait(driver, lambda d: (download.get_attribute("href") or "").startswith("blob:"))
    assert download.get_attribute("download") == "neurips-2023-my-picks.ics"
    reply = driver.execute_async_script(FETCH, download.get_attribute("href"))
    assert "error" not in reply, reply
    calendar = reply["text"].encode("utf-8")
    assert vevents(calendar) == {uid(e): published[uid(e)] for e in PICKED}, "the published bytes"
    assert b"\r\nX-WR-CALNAME:NeurIPS 2023: my 3 picks\r\n" in calendar
    assert {event.uid for event in IcsCalendarStream.calendar_from_ics(reply["text"]).events} == {
        uid(e) for e in PICKED
    }

    feed = driver.find_element(By.ID, "picks-url").get_attribute("value") or ""
    assert feed.startswith(f"{BASE_URL}picks/")
    assert len(feed) < 2000
    webcal = driver.find_element(By.ID, "picks-webcal").get_attribute("href")
    assert webcal == "webcal://" + feed.removeprefix("https://")
    served = request(url, "/" + feed.removeprefix(BASE_URL))
    assert served.status == 200
    assert served.body == calendar, "the service sends the same calendar as the page builds"

    driver.execute_script("document.getElementById('picks').scrollIntoView({block: 'start'})")
    driver.save_screenshot(str(tmp_path / "picks.png"))
    if target := os.environ.get("CONFCAL_SCREENSHOT"):
        driver.save_screenshot(target)
    driver.refresh()
    wait(driver, lambda d: d.execute_script("return document.documentElement.dataset.ready") == "true")
    assert sorted(pressed(driver)) == sorted(PICKED)
    assert len(picks_panel(driver)) == 3
    assert "#picks=" in driver.current_url
    open_page(driver, url + "/")  # no fragment: the picks come from localStorage
    assert sorted(pressed(driver)) == sorted(PICKED)
    assert len(picks_panel(driver)) == 3


class _HeldBack(http.server.SimpleHTTPRequestHandler):
    """Serves a folder, but sends index.html only up to its scripts at the end until ``release``
    is set: a page whose programme is all drawn while its script is still on its way."""

    release: threading.Event

    def do_GET(self) -> None:
        if self.path.split("?")[0] not in ("/", "/index.html"):
            super().do_GET()
            return
        page = Path(self.directory, "index.html").read_bytes()
        cut = page.index(b'<script type="application/json" id="picks-data">')
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page[:cut])
        self.wfile.flush()
        self.release.wait(30)
        self.wfile.write(page[cut:])

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def held_back(tmp_path: Path) -> Iterator[tuple[str, threading.Event]]:
    """The award programme with a public address, its page's script held back: (its URL, the
    event that lets the script through)."""
    output = built(with_publish(EVENTS, tmp_path, f'base_url = "{BASE_URL}"'), tmp_path / "output")
    release = threading.Event()
    handler = type("Handler", (_HeldBack,), {"release": release})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(output))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", release
    finally:
        release.set()
        server.shutdown()
        server.server_close()


def test_what_is_done_before_the_script_is_ready_is_not_lost(
    browser: Browser, held_back: tuple[str, threading.Event]
) -> None:
    """The controls show from the first paint, long before the script at the end of a large page
    is ready: a search typed (and Enter pressed), a ☆ Pick and a choice of zone made meanwhile
    all take effect once it is."""
    url, release = held_back
    driver = browser(page_load="none")
    driver.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": "Asia/Tokyo"})
    driver.get(url)
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, 'li.event[id="word2vec.talk"] button.star'))
    search = driver.find_element(By.ID, "q")
    assert search.is_displayed()
    assert driver.find_element(By.ID, "f-status").text.startswith("The programme is loading")
    star(driver, "word2vec.talk").click()
    assert star(driver, "word2vec.talk").get_attribute("aria-pressed") == "true", "shown picked at once"
    driver.find_element(By.ID, "zone-viewer").click()
    search.send_keys("ClimSim", Keys.ENTER)
    assert driver.execute_script("return document.documentElement.dataset.ready") is None

    release.set()
    wait(driver, lambda d: d.execute_script("return document.documentElement.dataset.ready") == "true")
    assert driver.current_url.startswith(f"{url}#picks="), "Enter did not reload the page with ?q="
    assert driver.find_element(By.ID, "f-status").text == "2 of 13 events match"
    assert visible_events(driver) == [uid("climsim.oral"), uid("climsim.poster")]
    assert [text.split(" · ")[0] for text in picks_panel(driver)] == [
        "Distributed Representations of Words and Phrases and their Compositionality"
    ]
    assert stored_picks(driver) == [pick_key("word2vec.talk")]
    when = driver.find_element(By.CSS_SELECTOR, "#results-list li.event time")
    assert when.text == "Thu, Dec 14, 06:30–07:30 GMT+9", "the zone chosen applies"


def test_a_shared_link_opens_its_picks(browser: Browser, site: tuple[str, bytes]) -> None:
    """A visitor with no picks of their own takes a shared link's picks as theirs."""
    url, _ = site
    driver = browser()
    open_page(driver, f"{url}/#picks={pick_key('word2vec.talk')}-{pick_key('climsim.poster')}")
    assert sorted(pressed(driver)) == ["climsim.poster", "word2vec.talk"]
    assert len(picks_panel(driver)) == 2
    assert not driver.find_element(By.ID, "shared").is_displayed()
    assert stored_picks(driver) == sorted([pick_key("word2vec.talk"), pick_key("climsim.poster")])


def stored_picks(driver: webdriver.Chrome) -> list[str]:
    """The picks this browser keeps (localStorage), as pick keys."""
    return list(
        driver.execute_script("return JSON.parse(localStorage.getItem('confcal:neurips-2023:picks'))")
    )


def reopen(driver: webdriver.Chrome, address: str) -> None:
    driver.get("about:blank")  # the same page with another fragment would only scroll
    open_page(driver, address)


def test_a_shared_link_leaves_your_own_picks_until_you_choose(
    browser: Browser, site: tuple[str, bytes], tmp_path: Path
) -> None:
    """A colleague's link shows their picks as a view; yours stay saved until you keep theirs
    instead, add theirs to yours, or go back to yours (keyboard only, here)."""
    url, _ = site
    mine, theirs = sorted(PICKED), ["climsim.poster", "word2vec.talk"]
    driver = browser(width=1280, height=900)
    open_page(driver, url + "/")
    for event_id in PICKED:
        star(driver, event_id).click()
    wait(driver, lambda d: len(picks_panel(d)) == 3)
    own = stored_picks(driver)
    shared = f"{url}/#picks={'-'.join(sorted(pick_key(e) for e in theirs))}"

    reopen(driver, shared)
    banner = driver.find_element(By.ID, "shared")
    assert banner.is_displayed()
    assert banner.text.startswith("Picks from a link\nThis link shows 2 picks")
    assert "Your own 3 picks are still saved in this browser" in banner.text
    assert banner.get_attribute("aria-labelledby") == "shared-title", "a region named by its heading"
    assert sorted(pressed(driver)) == theirs
    assert driver.find_element(By.ID, "picks-title").text == "Picks from a link"
    assert stored_picks(driver) == own, "your picks untouched by opening the link"
    driver.save_screenshot(str(tmp_path / "shared-picks.png"))
    if target := os.environ.get("CONFCAL_SCREENSHOT_SHARED"):
        driver.save_screenshot(target)

    reopen(driver, url + "/")  # leaving without a choice keeps yours
    assert sorted(pressed(driver)) == mine
    assert not driver.find_element(By.ID, "shared").is_displayed()

    reopen(driver, shared)
    driver.find_element(By.ID, "shared-add").send_keys(Keys.ENTER)
    wait(driver, lambda d: not d.find_element(By.ID, "shared").is_displayed())
    both = sorted({*mine, *theirs})
    assert sorted(pressed(driver)) == both
    assert stored_picks(driver) == sorted(pick_key(e) for e in both)
    assert driver.switch_to.active_element.get_attribute("id") == "picks-title", "focus to the result"
    assert driver.find_element(By.ID, "picks-title").text == "My picks"

    reopen(driver, f"{url}/#picks={pick_key('climsim.oral')}")
    driver.find_element(By.ID, "shared-back").send_keys(Keys.ENTER)
    wait(driver, lambda d: not d.find_element(By.ID, "shared").is_displayed())
    assert sorted(pressed(driver)) == both
    assert driver.current_url.endswith("#picks=" + "-".join(stored_picks(driver)))

    reopen(driver, shared)
    star(driver, "decodingtrust.poster").send_keys(Keys.SPACE)  # a star edits the view, not yours
    wait(driver, lambda d: len(picks_panel(d)) == 3)
    assert len(stored_picks(driver)) == 4
    driver.find_element(By.ID, "shared-keep").send_keys(Keys.ENTER)
    wait(driver, lambda d: not d.find_element(By.ID, "shared").is_displayed())
    kept = sorted([*theirs, "decodingtrust.poster"])
    assert stored_picks(driver) == sorted(pick_key(e) for e in kept)
    reopen(driver, url + "/")
    assert sorted(pressed(driver)) == kept

    reopen(driver, f"{url}/#picks={'-'.join(stored_picks(driver))}")  # your own link: no question
    assert not driver.find_element(By.ID, "shared").is_displayed()


PLACED = """
const target = document.getElementById(arguments[0]).getBoundingClientRect();
const bar = document.getElementById("filters");
const stuck = bar.getClientRects().length > 0 && getComputedStyle(bar).position === "sticky";
const bottom = scrollY >= document.documentElement.scrollHeight - innerHeight - 1;
return [target.top, stuck ? bar.getBoundingClientRect().bottom : 0, innerHeight, bottom];
"""


def shown_below_the_bar(driver: webdriver.Chrome, target: str, *, exactly: bool = True) -> None:
    """The target of a jump is on screen below the controls bar when the bar sticks to the top
    of the window: right below it unless the page ends first; only on screen, without the
    script (no bar, and events off screen laid out at an estimated height)."""

    def placed(driver: webdriver.Chrome) -> bool:
        top, bar, height, bottom = driver.execute_script(PLACED, target)
        return bool(
            bar - 1 <= top <= bar + 1 if exactly and not bottom else bar - 1 <= top < bar + height / 3
        )

    try:
        wait(driver, placed)
    except TimeoutException:
        top, bar, *_ = driver.execute_script(PLACED, target)
        pytest.fail(f"#{target} at {top:.1f} px, the controls end at {bar:.1f} px")


@pytest.mark.parametrize(("width", "javascript"), [(1280, True), (700, True), (390, True), (1280, False)])
def test_a_link_to_an_event_or_day_shows_it_below_the_controls(
    browser: Browser, site: tuple[str, bytes], tmp_path: Path, width: int, javascript: bool
) -> None:
    """The sticky controls bar (its height changes with the window's width) never covers the
    target of a link: an event from changes.html or the picks panel, a day from the day links."""
    url, _ = site
    driver = browser(width=width, height=900, javascript=javascript)
    for target in ("climsim.oral", "day-2023-12-13", "emergent-abilities-mirage.oral"):
        driver.get("about:blank")
        driver.get(f"{url}/#{target}")
        if javascript:
            wait(
                driver, lambda d: d.execute_script("return document.documentElement.dataset.ready") == "true"
            )
        shown_below_the_bar(driver, target, exactly=javascript)
    driver.save_screenshot(str(tmp_path / f"anchor-{width}.png"))
    day = driver.find_element(By.CSS_SELECTOR, 'nav.days a[href="#day-2023-12-12"]')
    driver.execute_script("window.scrollTo(0, 0)")
    day.click()
    shown_below_the_bar(driver, "day-2023-12-12", exactly=javascript)
    if not javascript:
        return
    driver.set_window_size(700 if width > 700 else 1100, 900)  # the bar wraps otherwise
    star(driver, "direct-preference-optimization.poster").send_keys(Keys.ENTER)
    wait(driver, lambda d: len(picks_panel(d)) == 1)
    driver.find_element(By.CSS_SELECTOR, "#picks-list a").send_keys(Keys.ENTER)
    shown_below_the_bar(driver, "direct-preference-optimization.poster")


def test_the_viewer_zone_switch(browser: Browser, site: tuple[str, bytes]) -> None:
    url, _ = site
    driver = browser()
    driver.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": "Asia/Tokyo"})
    open_page(driver, url + "/")
    when = driver.find_element(By.CSS_SELECTOR, 'li.event[id="climsim.oral"] time')
    assert when.text == "15:30–16:30 CST"
    assert "Asia/Tokyo" in driver.find_element(By.CSS_SELECTOR, 'label[for="zone-viewer"]').text
    driver.find_element(By.ID, "zone-viewer").click()
    assert when.text == "Thu, Dec 14, 06:30–07:30 GMT+9"
    driver.find_element(By.ID, "zone-conference").click()
    assert when.text == "15:30–16:30 CST"


def test_my_picks_say_the_day_of_each_pick_in_both_zones(browser: Browser, site: tuple[str, bytes]) -> None:
    """Two posters at the same time on two days read apart in My picks: each line has its day, in
    conference time as in your time."""
    url, _ = site
    driver = browser()
    driver.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": "Asia/Tokyo"})
    picked = ("climsim.poster", "direct-preference-optimization.poster")
    open_page(driver, f"{url}/#picks={'-'.join(sorted(pick_key(e) for e in picked))}")
    when = "return [...document.querySelectorAll('#picks-list > li > .muted')].map((e) => e.textContent)"
    assert driver.execute_script(when) == [
        " · Wed 13 Dec, 17:00–19:00 CST · Poster",
        " · Thu 14 Dec, 17:00–19:00 CST · Poster",
    ]
    driver.find_element(By.ID, "zone-viewer").click()
    assert driver.execute_script(when) == [
        " · Thu, Dec 14, 08:00–10:00 GMT+9 · Poster",
        " · Fri, Dec 15, 08:00–10:00 GMT+9 · Poster",
    ]


def test_a_pick_of_a_removed_event_stays_saved_and_comes_back(browser: Browser, tmp_path: Path) -> None:
    """A pick whose event leaves the programme is not dropped: the panel says so and links the
    changes, the browser and the address keep it (the personal feed, whose service refuses a key
    it does not know, leaves it out), and it is a pick again once the event is put back."""
    events = with_publish(EVENTS, tmp_path, f'base_url = "{BASE_URL}"')
    text = events.read_text(encoding="utf-8")
    page = f"{built(events, tmp_path / 'output').as_uri()}/index.html"
    keys = sorted(pick_key(e) for e in ("climsim.oral", "word2vec.talk"))
    driver = browser()
    open_page(driver, f"{page}#picks={'-'.join(keys)}")
    assert len(picks_panel(driver)) == 2
    assert not driver.find_element(By.ID, "picks-gone").is_displayed()

    events.write_text(restamped(text[: text.index('[[papers]]\nid = "word2vec"')]), encoding="utf-8")
    built(events, tmp_path / "output")
    reopen(driver, page)
    assert [item.split(" · ")[0] for item in picks_panel(driver)] == [
        "ClimSim: A large multi-scale dataset for hybrid physics-ML climate emulation"
    ]
    gone = driver.find_element(By.ID, "picks-gone")
    assert gone.text.startswith(
        "1 of your picks is no longer in the programme: “Test of Time: Distributed Representations of Words"
        " and Phrases and their Compositionality”. See the programme changes."
    ), "named as the release that removed it names it"
    assert gone.find_element(By.TAG_NAME, "a").get_attribute("href") == page.replace(
        "index.html", "changes.html"
    )
    assert stored_picks(driver) == keys
    assert (
        driver.find_element(By.ID, "picks-share").get_attribute("href").endswith(f"#picks={'-'.join(keys)}")
    )
    feed = driver.find_element(By.ID, "picks-url").get_attribute("value")
    assert feed == f"{BASE_URL}picks/{pick_key('climsim.oral')}.ics"
    driver.execute_script("document.getElementById('picks').scrollIntoView({block: 'start'})")
    driver.save_screenshot(str(tmp_path / "picks-gone.png"))

    star(driver, "decodingtrust.poster").click()  # a change to the picks keeps the gone one too
    wait(driver, lambda d: len(stored_picks(d)) == 3)
    assert driver.current_url.endswith(f"#picks={'-'.join(stored_picks(driver))}")
    events.write_text(restamped(text, "2023-12-13T00:00:00Z"), encoding="utf-8")
    built(events, tmp_path / "output")
    reopen(driver, page)
    assert sorted(pressed(driver)) == ["climsim.oral", "decodingtrust.poster", "word2vec.talk"]
    assert not driver.find_element(By.ID, "picks-gone").is_displayed()


def test_picks_of_removed_events_can_be_forgotten_from_the_panel(browser: Browser, tmp_path: Path) -> None:
    """With only picks of removed events, the panel says they are all gone, not "No picks yet";
    its note forgets them (in the browser and the address) with one button, and then the panel
    is as before any pick. With picks still in the programme, forgetting keeps those."""
    events = with_publish(EVENTS, tmp_path, f'base_url = "{BASE_URL}"')
    text = events.read_text(encoding="utf-8")
    start = text.index('[[papers]]\nid = "word2vec"')
    events.write_text(text[:start], encoding="utf-8")
    page = f"{built(events, tmp_path / 'output').as_uri()}/index.html"
    driver = browser()
    open_page(driver, f"{page}#picks={pick_key('word2vec.talk')}")
    status = driver.find_element(By.ID, "picks-status")
    gone = driver.find_element(By.ID, "picks-gone")
    assert picks_panel(driver) == []
    assert "No picks yet" not in status.text
    assert status.text.startswith("None of your picks is in the programme now")
    assert gone.is_displayed()
    gone_key = pick_key("word2vec.talk")  # removed before the first build: no release names it
    assert gone.text.startswith(
        f"Your pick is no longer in the programme: pick {gone_key}. See the programme changes."
    )
    forget = driver.find_element(By.ID, "picks-forget")
    assert forget.text == "Forget this pick"
    driver.execute_script("document.getElementById('picks').scrollIntoView({block: 'start'})")
    driver.save_screenshot(str(tmp_path / "picks-only-gone.png"))
    forget.send_keys(Keys.ENTER)  # from the keyboard
    wait(driver, lambda d: not d.find_element(By.ID, "picks-gone").is_displayed())
    assert stored_picks(driver) == []
    assert "#" not in driver.current_url
    assert driver.switch_to.active_element.get_attribute("id") == "picks-title"
    assert status.text.startswith("Forgot 1 pick no longer in the programme. No picks yet")
    reopen(driver, page)
    assert not driver.find_element(By.ID, "picks-gone").is_displayed()

    kept = pick_key("climsim.oral")
    removed = [pick_key("word2vec.talk"), "aaaaaaaa"]  # the second, of an event never published
    reopen(driver, f"{page}#picks={'-'.join(sorted([kept, *removed]))}")
    assert driver.find_element(By.ID, "picks-gone").text.startswith(
        f"2 of your picks are no longer in the programme: pick aaaaaaaa; pick {gone_key}. See "
    )
    driver.find_element(By.ID, "picks-forget").click()
    wait(driver, lambda d: stored_picks(d) == [kept])
    assert driver.current_url.endswith(f"#picks={kept}")
    assert len(picks_panel(driver)) == 1
    assert not driver.find_element(By.ID, "picks-gone").is_displayed()


def test_a_moved_event_is_marked_and_its_pick_says_so(browser: Browser, tmp_path: Path) -> None:
    """The latest release moved an oral: its line is marked "Moved", a link to the release on
    changes.html, announced as "Moved: see the programme changes"; in My picks its line ends
    "Moved", without the words only a screen reader needs."""
    events = tmp_path / "events.toml"
    text = EVENTS.read_text(encoding="utf-8")
    events.write_text(text, encoding="utf-8")
    built(events, tmp_path / "output")
    moved = text.replace("updated = 2023-12-11T00:00:00Z", "updated = 2023-12-12T08:00:00Z", 1)
    moved = moved.replace("start = 2023-12-12T15:40:00", "start = 2023-12-12T16:10:00", 1)
    moved = moved.replace("end = 2023-12-12T16:40:00", "end = 2023-12-12T17:10:00", 1)
    events.write_text(moved, encoding="utf-8")
    page = f"{built(events, tmp_path / 'output').as_uri()}/index.html"
    event_id = "privacy-auditing-one-training-run.oral"
    for name, width in (("desktop", 1100), ("phone", 390)):
        driver = browser(width=width, height=900)
        open_page(driver, f"{page}#{event_id}")
        line = driver.find_element(By.ID, event_id)
        mark = line.find_element(By.CSS_SELECTOR, ".when a.changed")
        assert driver.execute_script("return arguments[0].firstChild.textContent", mark) == "Moved"
        assert mark.accessible_name.replace(" :", ":") == "Moved: see the programme changes"  # a vh's space
        assert mark.get_attribute("href") == page.replace(
            "index.html", "changes.html#release-20231212T080000Z"
        )
        driver.save_screenshot(str(tmp_path / f"moved-{name}.png"))
    star(driver, event_id).click()
    wait(driver, lambda d: len(picks_panel(d)) == 1)
    when = driver.execute_script("return document.querySelector('#picks-list > li > .muted').textContent")
    assert when == " · Tue 12 Dec, 16:10–17:10 CST · Oral · Moved"
    mark.click()
    wait(driver, lambda d: d.current_url.endswith("changes.html#release-20231212T080000Z"))


@pytest.fixture(scope="module")
def workshop(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The workshop programme (speakers, chairs, awards, a night across a change of the clocks)
    built with a public address: its page's file:// address."""
    output = built(WORKSHOP, tmp_path_factory.mktemp("workshop") / "output", "--base-url", BASE_URL)
    return f"{output.as_uri()}/index.html"


def search(driver: webdriver.Chrome, text: str) -> list[str]:
    """The ids of the events a search finds (the search results' copies carry no id)."""
    field = driver.find_element(By.ID, "q")
    field.send_keys(Keys.CONTROL, "a")
    type_search(driver, text, field=field)
    return list(
        driver.execute_script(
            "return [...document.querySelectorAll('#results-list li.event')]"
            ".map(e => e.dataset.uid.replace(/^learnsys-2026[.]|@confcal$/g, ''))"
        )
    )


def test_search_finds_everything_an_event_shows_but_its_time(browser: Browser, workshop: str) -> None:
    """Speakers (and their affiliation), awards, kinds, and a session's heading: its chairs."""
    driver = browser()
    open_page(driver, workshop)
    assert search(driver, "haddad") == ["opening-keynote.keynote"]
    assert search(driver, "Amira Haddad eth zurich") == ["opening-keynote.keynote"]
    assert search(driver, "best student") == ["cache-aware-training.oral", "cache-aware-training.poster"]
    assert search(driver, "social") == ["hack-night.social"]
    assert search(driver, "chair jonas") == ["sparse-routing.oral", "federated-eval.oral"]
    assert search(driver, "jonas berg") == [
        "sparse-routing.oral",
        "federated-eval.oral",
        "federated-eval.poster",
    ]
    assert search(driver, "cest") == [], "not the times, which the zone switch rewrites"
    label = driver.find_element(By.CSS_SELECTOR, 'label[for="q"]').text
    assert label == "Search titles, people, sessions, rooms, boards"


def test_the_day_filter_finds_an_event_on_every_day_it_runs(browser: Browser, workshop: str) -> None:
    """The hack night runs from Saturday 21:00 to Sunday 04:00, the night of Saturday (days change
    at 04:00): the Day filter finds it on Saturday only; the keynote is on Saturday too."""
    driver = browser()
    open_page(driver, workshop)
    day = Select(driver.find_element(By.ID, "f-day"))
    found = {}
    for value in ("2026-10-24", "2026-10-25"):
        day.select_by_value(value)
        found[value] = visible_events(driver)
    assert "learnsys-2026.hack-night.social@confcal" in found["2026-10-24"]
    assert "learnsys-2026.hack-night.social@confcal" not in found["2026-10-25"]
    assert "learnsys-2026.opening-keynote.keynote@confcal" not in found["2026-10-25"]


def test_a_continuing_line_shows_the_mark_of_the_event_it_continues(browser: Browser, tmp_path: Path) -> None:
    """The latest release moved the hackathon's end: its line and its "Continues, day 2 of 3"
    and "day 3 of 3" lines read "Moved", each a link to the release on changes.html, in the
    programme and as the Day filter shows them; the late jam, not moved, has no mark."""
    events = tmp_path / "events.toml"
    text = WORKSHOP.read_text(encoding="utf-8") + MULTI_DAY
    events.write_text(text, encoding="utf-8")
    built(events, tmp_path / "output")
    text = text.replace("updated = 2026-10-01T12:00:00Z", "updated = 2026-10-20T08:00:00Z", 1)
    events.write_text(text.replace("end = 2026-10-25T16:00:00", "end = 2026-10-25T17:00:00", 1), "utf-8")
    page = f"{built(events, tmp_path / 'output').as_uri()}/index.html"
    release = page.replace("index.html", "changes.html#release-20261020T080000Z")
    marks = """return [...document.querySelectorAll(arguments[0])].map((line) => [
      line.className, line.querySelector(".when .continued")?.textContent ?? "",
      line.querySelector(".when a.changed")?.firstChild.textContent ?? "",
      line.querySelector(".when a.changed")?.href ?? "",
      line.querySelector("a.changed")?.getClientRects().length ?? 0,
    ]);"""
    hackathon = f"[data-key='{pick_key('hackathon.social')}']"
    for width in (1100, 390):
        driver = browser(width=width, height=900)
        open_page(driver, page)
        assert driver.execute_script(marks, f"section.dayblock li{hackathon}") == [
            ["event", "", "Moved", release, 1],
            ["continues", "Continues, day 2 of 3", "Moved", release, 1],
            ["continues", "Continues, day 3 of 3", "Moved", release, 1],
        ]
        jam = driver.execute_script(marks, f"section.dayblock li[data-key='{pick_key('late-jam.social')}']")
        assert [line[2] for line in jam] == ["", ""]
        day = Select(driver.find_element(By.ID, "f-day"))
        for value, number in (("2026-10-24", 2), ("2026-10-25", 3)):
            day.select_by_value(value)
            shown = driver.execute_script(marks, f"#results-list li{hackathon}")
            assert shown == [["continues", f"Continues, day {number} of 3", "Moved", release, 1]]
        driver.execute_script("document.querySelector('#results-list li.continues').scrollIntoView()")
        driver.save_screenshot(str(tmp_path / f"continues-moved-{width}.png"))


def test_an_event_over_several_days_is_on_each_day_with_one_pick(browser: Browser, tmp_path: Path) -> None:
    """A hackathon from Friday 18:00 to Sunday 16:00 reads under Saturday and Sunday as
    continuing; the star of a continuing line picks the event (every star of it pressed, one line
    in My picks), its time follows the zone switch, and its title leads to its first day."""
    events = tmp_path / "events.toml"
    events.write_text(WORKSHOP.read_text(encoding="utf-8") + MULTI_DAY, encoding="utf-8")
    page = f"{built(events, tmp_path / 'output', '--base-url', BASE_URL).as_uri()}/index.html"
    for name, width, height in (("desktop", 1100, 1000), ("phone", 390, 844)):
        driver = browser(width=width, height=height)
        open_page(driver, page)
        sunday = driver.find_element(By.CSS_SELECTOR, 'section[data-day="2026-10-25"]')
        line = sunday.find_element(By.CSS_SELECTOR, "ol.day > li")
        assert line.get_attribute("class") == "continues"
        assert line.find_element(By.CSS_SELECTOR, ".when").text.startswith("Continues, day 3 of 3 · ")
        driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", sunday)
        driver.save_screenshot(str(tmp_path / f"continues-{name}.png"))
        assert driver.execute_script("return document.documentElement.scrollWidth") <= width
    button = line.find_element(By.CSS_SELECTOR, "button.star")
    button.click()
    key = pick_key("hackathon.social")
    wait(driver, lambda d: len(picks_panel(d)) == 1)
    assert picks_panel(driver)[0].startswith("Climate hackathon · Fri 23 Oct, ")
    states = driver.execute_script(
        f"return [...document.querySelectorAll('[data-key=\"{key}\"] button.star')]"
        ".map(b => b.getAttribute('aria-pressed'))"
    )
    assert states == ["true", "true", "true"]
    assert driver.current_url.endswith(f"#picks={key}")
    button.click()
    wait(driver, lambda d: picks_panel(d) == [])

    time = line.find_element(By.TAG_NAME, "time")
    conference = time.text
    driver.find_element(By.CSS_SELECTOR, 'label[for="zone-viewer"]').click()
    wait(driver, lambda d: time.text != conference)
    assert time.text == "Fri, Oct 23, 16:00–Sun, Oct 25, 15:00 UTC"  # the browser's zone is UTC
    line.find_element(By.CSS_SELECTOR, "h4 a").click()
    shown_below_the_bar(driver, "hackathon.social")


def test_the_viewer_zone_names_each_end_across_a_change_of_the_clocks(
    browser: Browser, workshop: str
) -> None:
    """The hack night runs from 21:00 CEST to 04:00 CET: in London, 20:00 BST to 03:00 GMT."""
    driver = browser()
    driver.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": "Europe/London"})
    open_page(driver, workshop)
    night = driver.find_element(By.CSS_SELECTOR, 'li.event[id="hack-night.social"] time')
    keynote = driver.find_element(By.CSS_SELECTOR, 'li.event[id="opening-keynote.keynote"] time')
    assert night.text == "21:00 CEST–04:00 CET (+1d)"
    driver.find_element(By.ID, "zone-viewer").click()
    assert night.text == "Sat, Oct 24, 20:00 GMT+1–Sun, Oct 25, 03:00 GMT"
    assert keynote.text == "Sat, Oct 24, 08:00–09:00 GMT+1", "one zone named once"


@pytest.mark.parametrize(
    ("zone", "session", "day_note"),
    [
        ("Europe/London", "Sat, Oct 24, 09:30–10:10 GMT+1", ""),
        ("Asia/Tokyo", "Sat, Oct 24, 17:30–18:10 GMT+9", " · the day in Tübingen"),
    ],
)
def test_in_your_time_session_headings_convert_and_days_say_whose_they_are(
    browser: Browser, workshop: str, zone: str, session: str, day_note: str
) -> None:
    """A session's heading switches zone with its events. In Tokyo the hack night (Sat 21:00 in
    Tübingen) is on Sunday: its day's heading says it is Tübingen's Saturday; in London every
    event keeps its date, and the days need no word."""
    driver = browser()
    driver.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": zone})
    open_page(driver, workshop)
    heading = driver.find_element(By.CSS_SELECTOR, "#session-oral-a > p > time")
    saturday = driver.find_element(By.ID, "day-2026-10-24")
    assert heading.text == "10:30–11:10 CEST"
    driver.find_element(By.ID, "zone-viewer").click()
    assert heading.text == session
    assert saturday.text == f"Saturday 24 October 2026{day_note}"
    note = driver.find_element(By.ID, "zone-note").text
    assert ("under the conference's days in Tübingen" in note) == bool(day_note)
    assert search(driver, "oral session a")[0] == "sparse-routing.oral"
    results_day = "return document.querySelector('#results-list h3').innerText"
    assert driver.execute_script(results_day) == f"Saturday 24 October 2026{day_note}"
    driver.find_element(By.ID, "zone-conference").click()
    assert driver.execute_script(results_day) == "Saturday 24 October 2026"
    driver.find_element(By.ID, "q").send_keys(Keys.CONTROL, "a", Keys.BACKSPACE)
    wait(driver, lambda d: d.find_element(By.ID, "f-status").text.startswith("All "))
    assert heading.text == "10:30–11:10 CEST"
    assert saturday.text == "Saturday 24 October 2026"


def test_a_link_to_a_session_shows_it_below_the_controls(browser: Browser, workshop: str) -> None:
    driver = browser(width=1280, height=600)
    open_page(driver, f"{workshop}#session-oral-c")
    shown_below_the_bar(driver, "session-oral-c")


SETTLED = f"""
const done = arguments[arguments.length - 1];
let frames = 10;  // the events the jump brought on screen are drawn within two or three
const next = () => (--frames ? requestAnimationFrame(next) : done((() => {{ {PLACED} }})()));
requestAnimationFrame(next);
"""


FOCUSED = """
const done = arguments[arguments.length - 1];
requestAnimationFrame(() => requestAnimationFrame(() => {
  const focused = document.activeElement;
  done([focused.outerHTML.slice(0, 80), focused.getBoundingClientRect().top,
        document.getElementById("filters").getBoundingClientRect().bottom]);
}));
"""


@pytest.fixture(scope="module")
def neurips_size(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A synthetic programme of NeurIPS's size (3,540 papers): its page's file:// address."""
    folder = tmp_path_factory.mktemp("neurips-size")
    events = folder / "events.toml"
    events.write_text(synthetic_programme(3540, 1), encoding="utf-8")
    return f"{built(events, folder / 'output').as_uri()}/index.html"


@pytest.fixture(scope="module")
def neurips_size_published(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The synthetic programme of NeurIPS's size with a public address (subscribe links, QR codes)."""
    folder = tmp_path_factory.mktemp("neurips-size-published")
    events = folder / "events.toml"
    events.write_text(synthetic_programme(3540, 1), encoding="utf-8")
    return f"{built(events, folder / 'output', '--base-url', BASE_URL).as_uri()}/index.html"


@pytest.mark.parametrize("width", [375, 390, 1100])
def test_a_link_lands_on_its_session_once_the_events_above_are_drawn(
    browser: Browser, neurips_size: str, width: int
) -> None:
    """Events off screen have an estimated height until drawn: those the browser draws above the
    target once it is on screen (right above it where the bar does not stick, on a phone) must
    not push it down onto the previous session's place, frames after the jump."""
    driver = browser(width=width, height=800)
    for target in (
        "session-oral-2b",
        "session-oral-2d",
        "session-oral-3c",
        "session-oral-3d",
        "day-2023-12-14",
    ):
        driver.get("about:blank")
        open_page(driver, f"{neurips_size}#{target}")
        top, bar, _, bottom = driver.execute_async_script(SETTLED, target)
        assert not bottom
        assert bar - 1 <= top <= bar + 1, f"#{target} at {top:.1f} px, the controls end at {bar:.1f} px"


IN_SIGHT = """
const bar = document.getElementById("filters").getBoundingClientRect().bottom;
const shown = [...document.querySelectorAll(arguments[0])].filter((e) => e.getClientRects().length);
const first = shown.find((e) => e.getBoundingClientRect().top >= bar - 1);
return [first ? first.id || first.dataset.uid : null, first ? first.getBoundingClientRect().top : null, bar];
"""


@pytest.mark.parametrize("width", [390, 1100])
def test_a_search_shows_its_first_match_and_ending_it_goes_back(
    browser: Browser, neurips_size: str, width: int
) -> None:
    """Searching far down the programme shows the results from the first, just below the controls
    (not their end, where the window would be left); clearing the search goes back to the place
    in the programme the reader was at. On a phone the controls do not stick: the reader goes
    back up to them, and the results are right below them."""
    driver = browser(width=width, height=800)
    open_page(driver, f"{neurips_size}#session-poster-session-9")
    if width < 700:
        driver.execute_script("document.getElementById('filters').scrollIntoView()")
    else:
        driver.execute_script("window.scrollBy(0, 1500)")
    search = driver.find_element(By.ID, "q")

    # Typing as a reader does: WebDriver's send_keys would scroll the box into view. The page may
    # still be keeping the linked session in place when the click comes (on a loaded machine, a
    # frame late): the click then lands beside the box, and is made again.
    def focused(driver: webdriver.Chrome) -> bool:
        search.click()
        return bool(driver.execute_script("return document.activeElement.id === 'q'"))

    wait(driver, focused)
    reading, place, bar = driver.execute_script(IN_SIGHT, "li.event")
    type_search(driver, "lutjens")
    first = driver.execute_script("return document.querySelector('#results-list li.event').dataset.uid")
    shown, top, bar = driver.execute_script(IN_SIGHT, "#results-list li.event")
    assert shown == first, f"the first result in sight is {shown}, not the first match {first}"
    assert bar <= top < bar + 100, f"the first match at {top:.1f} px, the controls end at {bar:.1f} px"
    more = driver.execute_script("return document.getElementById('results-more').getBoundingClientRect().top")
    assert more > 800, "Show all is after the results, out of sight"

    ActionChains(driver).key_down(Keys.CONTROL).send_keys("a").key_up(Keys.CONTROL).send_keys(
        Keys.BACKSPACE
    ).perform()
    wait(driver, lambda d: d.find_element(By.ID, "f-status").text.startswith("All "))
    back = f"return document.getElementById('{reading}').getBoundingClientRect().top"
    try:
        wait(driver, lambda d: abs(d.execute_script(back) - place) <= 1)
    except TimeoutException:
        pytest.fail(f"#{reading} at {driver.execute_script(back):.1f} px, not at {place:.1f} px as before")


SHOW_ALL_AT_ONCE = """
const done = arguments[arguments.length - 1];
const q = document.getElementById("q");
q.value = "poster";
q.dispatchEvent(new Event("input"));  // the search is due after a pause in the typing
document.getElementById("filters").requestSubmit();  // Enter searches at once
document.getElementById("results-more").click();
setTimeout(() => done([
  document.querySelectorAll("#results-list li.event").length,
  document.getElementById("f-status").textContent,
  document.getElementById("results-more").hidden,
]), 500);  // long past the pause the typed search waited for
"""


def test_show_all_right_after_enter_stays_shown(browser: Browser, neurips_size: str) -> None:
    """A reader who types, presses Enter and clicks "Show all" within the typing pause keeps all
    the results: the search the typing scheduled is not run again over them."""
    driver = browser()
    open_page(driver, neurips_size)
    shown, status, more_hidden = driver.execute_async_script(SHOW_ALL_AT_ONCE)
    matching = int(status.split(" of ")[0])
    assert matching > 100, status
    assert (shown, more_hidden) == (matching, True), f"{shown} results shown of {status}"


RESULTS = """
return [...document.querySelectorAll('#results-list li.event, #results-list .apart')]
  .map((e) => (e.matches('.apart') ? e.textContent : e.querySelector('.where').textContent));
"""


def test_a_number_searched_matches_whole_numbers_and_the_words_together_come_first(
    browser: Browser, neurips_size: str
) -> None:
    """ "Poster session 9" finds the posters of session 9 first, then board #9 of the other poster
    sessions, and nothing on board #19 or #279; a name typed without its accent still matches."""
    wheres = re.findall(
        r'<p class="where">([^<]*)</p>', Path(urllib.parse.urlparse(neurips_size).path).read_text("utf-8")
    )
    session = [where for where in wheres if where.startswith("Poster session 9 ·")]
    boards = [where for where in wheres if ", poster board #9," in where and where not in session]
    assert len(session) > 100
    assert boards
    driver = browser()
    open_page(driver, neurips_size)
    search = driver.find_element(By.ID, "q")
    type_search(driver, "Poster session 9", field=search)
    status = driver.find_element(By.ID, "f-status")
    assert status.text == f"{len(session) + len(boards)} of {len(wheres)} events match"
    assert driver.execute_script(RESULTS) == session[:100]
    driver.find_element(By.ID, "results-more").click()
    assert driver.execute_script(RESULTS) == [
        *session,
        "More matches, with the words apart or inside longer words:",
        *boards,
    ]

    search.send_keys(Keys.CONTROL, "a")
    search.send_keys(Keys.BACKSPACE)
    wait(driver, lambda d: status.text.startswith("All "))
    search.send_keys("lutjens", Keys.ENTER)
    authors = "return [...document.querySelectorAll('#results-list .authors')].map((e) => e.textContent)"

    def by_lutjens(driver: webdriver.Chrome) -> bool:
        """100 results, all by Lütjens: a search of part of the name ("l", "lu") shows 100 too."""
        shown = driver.execute_script(authors)
        return len(shown) == 100 and all("Lütjens" in text for text in shown)

    try:
        wait(driver, by_lutjens)
    except TimeoutException:
        pytest.fail(f"not 100 results all by Lütjens: {driver.execute_script(authors)}")


def test_the_keyboard_focus_is_never_under_the_controls(browser: Browser, site: tuple[str, bytes]) -> None:
    """Shift+Tab up the programme scrolls each focused control below the sticky bar, not under it."""
    url, _ = site
    driver = browser(width=1100, height=900)
    open_page(driver, f"{url}/#emergent-abilities-mirage.oral")
    driver.execute_script("arguments[0].focus()", star(driver, "emergent-abilities-mirage.oral"))
    for _ in range(12):
        ActionChains(driver).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()
        focused, top, bar = driver.execute_async_script(FOCUSED)
        assert top >= bar - 0.5, f"{focused} at {top:.1f} px, under the controls ending at {bar:.1f} px"


def test_without_javascript_the_whole_programme_reads(browser: Browser, site: tuple[str, bytes]) -> None:
    url, _ = site
    programme = load(EVENTS)
    driver = browser(javascript=False)
    driver.get(url + "/")
    events = driver.find_elements(By.CSS_SELECTOR, "li.event")
    assert len(events) == len(programme.events)
    assert all(event.is_displayed() for event in events)
    assert not any(button.is_displayed() for button in driver.find_elements(By.CSS_SELECTOR, "button.star"))
    assert not driver.find_element(By.ID, "filters").is_displayed()
    text = driver.find_element(By.TAG_NAME, "body").text
    for paper in programme.papers:
        assert paper.title in text
    assert "Picking events needs JavaScript" in text
    downloads = [a.get_attribute("href") for a in driver.find_elements(By.PARTIAL_LINK_TEXT, "Download ")]
    expected = [f"{url}/{feed.filename}" for feed in feeds(programme)]
    assert sorted(d for d in downloads if d) == sorted(expected)
    for link in expected:
        reply = request(url, link.removeprefix(url))
        assert reply.status == 200
        assert reply.headers["content-type"] == "text/calendar; charset=utf-8"


def test_page_in_chromium_downloads_every_paper(
    browser: Browser, site: tuple[str, bytes], tmp_path: Path
) -> None:
    url, _ = site
    programme = load(EVENTS)
    driver = browser()
    open_page(driver, url + "/")
    assert driver.title == f"{programme.conference.name}: programme and calendar feeds"
    paper_links = driver.execute_script(
        "return [...new Set([...document.querySelectorAll('a')]"
        ".filter((a) => a.textContent.startsWith('Add this paper')).map((a) => a.href))]"
    )
    assert len(paper_links) == len(programme.papers)
    for link in paper_links:
        reply = driver.execute_async_script(FETCH, link)
        assert reply["status"] == 200, link
        assert reply["contentType"] == "text/calendar; charset=utf-8"
        calendar = IcsCalendarStream.calendar_from_ics(reply["text"])
        paper_id = link.rsplit("/", 1)[1].removesuffix(".ics")
        assert len(calendar.events) == len(programme.events_of(paper_id)), link
    driver.save_screenshot(str(tmp_path / "index-desktop.png"))
    assert (tmp_path / "index-desktop.png").read_bytes().startswith(b"\x89PNG")


def test_page_fits_a_phone_screen(browser: Browser, site: tuple[str, bytes], tmp_path: Path) -> None:
    url, _ = site
    driver = browser(width=390, height=844)
    open_page(driver, url + "/")
    inner = driver.execute_script("return window.innerWidth")
    assert inner <= 420, "the window really is phone-sized"
    assert driver.execute_script("return document.documentElement.scrollWidth") <= inner, (
        "no sideways scrolling"
    )
    too_wide = driver.execute_script(
        "return [...document.querySelectorAll('body *')]"
        ".filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5)"
        ".map((e) => e.tagName + ' ' + e.textContent.slice(0, 40))"
    )
    assert too_wide == []
    driver.save_screenshot(str(tmp_path / "index-phone.png"))
    if target := os.environ.get("CONFCAL_SCREENSHOT_PHONE"):
        driver.save_screenshot(target)


IN_VIEW = (
    "const box = document.getElementById(arguments[0]).getBoundingClientRect(); return [box.top, box.bottom];"
)


@pytest.mark.parametrize("programme", ["award", "neurips-size"])
def test_on_a_phone_the_top_links_to_the_programme_search_and_picks(
    browser: Browser, site: tuple[str, bytes], neurips_size_published: str, tmp_path: Path, programme: str
) -> None:
    """Many feeds push the programme screens down on a phone: links at the top lead to it, to the
    search box (focused, to type) and to My picks; the feeds' QR codes, which no phone can scan on
    its own screen, are left out there (and shown on a wider screen)."""
    address = f"{site[0]}/" if programme == "award" else neurips_size_published
    driver = browser(width=390, height=844)
    open_page(driver, address)
    links = driver.find_elements(By.CSS_SELECTOR, "header nav.jump a")
    assert [link.text for link in links] == ["Programme", "Search", "My picks"]
    screen = driver.execute_script("return innerHeight")
    assert all(link.rect["y"] + link.rect["height"] <= screen for link in links), "on the first screen"
    assert driver.find_elements(By.CSS_SELECTOR, ".qr")
    assert not any(qr.is_displayed() for qr in driver.find_elements(By.CSS_SELECTOR, ".qr"))
    subscribable = driver.find_elements(By.CSS_SELECTOR, ".feed .qr")
    addresses = driver.find_elements(By.CSS_SELECTOR, ".feed .address")
    assert len(addresses) == len(subscribable), "each address is shown to copy where its QR code is not"
    assert all(address.is_displayed() and address.text.startswith("https://") for address in addresses)
    driver.save_screenshot(str(tmp_path / f"top-{programme}-390.png"))

    for text, target in (("Programme", "programme"), ("My picks", "picks")):
        driver.execute_script("window.scrollTo(0, 0)")
        driver.find_element(By.LINK_TEXT, text).click()

        def at_top(driver: webdriver.Chrome, target: str = target) -> bool:
            return bool(abs(driver.execute_script(IN_VIEW, target)[0]) < 5)

        wait(driver, at_top)
    driver.execute_script("window.scrollTo(0, 0)")
    driver.find_element(By.LINK_TEXT, "Search").click()
    assert driver.switch_to.active_element.get_attribute("id") == "q"
    top, bottom = driver.execute_script(IN_VIEW, "q")
    assert top >= 0, "the search box is on screen"
    assert bottom <= screen, "the search box is on screen"
    driver.save_screenshot(str(tmp_path / f"search-{programme}-390.png"))

    driver.set_window_size(1100, 900)
    assert all(qr.is_displayed() for qr in driver.find_elements(By.CSS_SELECTOR, ".qr"))


def download_text(driver: webdriver.Chrome) -> str:
    """The calendar behind "Download my picks", once the page has built it."""
    download = driver.find_element(By.ID, "picks-download")
    wait(driver, lambda d: (download.get_attribute("href") or "").startswith("blob:"))
    reply = driver.execute_async_script(FETCH, download.get_attribute("href"))
    assert "error" not in reply, reply
    return str(reply["text"])


def test_download_my_picks_holds_items_and_papers(browser: Browser, tmp_path: Path) -> None:
    """A keynote, a break or a social has its calendar in items/, a paper in papers/: each pick's
    block comes from its own calendar, and one that cannot be fetched leaves only itself out."""
    process = Serve(with_publish(WORKSHOP, tmp_path, f'base_url = "{BASE_URL}"'), tmp_path / "output")
    try:
        url = process.url.rstrip("/")
        picked = ("sparse-routing.oral", "opening-keynote.keynote", "hack-night.social")
        keys = "-".join(sorted(pick_key(event_id) for event_id in picked))
        served = request(url, f"/picks/{keys}.ics")
        assert served.status == 200
        driver = browser()
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
        open_page(driver, f"{url}/#picks={keys}")
        calendar = download_text(driver)
        assert calendar.encode("utf-8") == served.body, "the service's calendar, byte for byte"
        assert sorted(vevents(served.body)) == sorted(f"learnsys-2026.{e}@confcal" for e in picked)
        assert driver.find_element(By.ID, "picks-status").text.startswith("3 events picked.")

        driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/items/hack-night.ics"]})
        driver.get("about:blank")  # the same address again would only scroll
        open_page(driver, f"{url}/#picks={keys}")
        calendar = download_text(driver)
        assert sorted(vevents(calendar.encode("utf-8"))) == sorted(
            f"learnsys-2026.{e}@confcal" for e in picked[:2]
        )
        status = driver.find_element(By.ID, "picks-status")
        wait(driver, lambda d: status.text.startswith("Download my picks holds 2 of your 3 picks, not: "))
        assert "items/hack-night.ics" in status.text
    finally:
        process.stop()


SUBSCRIBE = ["picks-webcal", "picks-google", "picks-outlook", "picks-url"]


def subscribe_links(driver: webdriver.Chrome) -> list[str]:
    """The picks panel's subscribe links and address field that are on screen."""
    nodes = driver.find_elements(By.CSS_SELECTOR, ", ".join(f"#{node_id}" for node_id in SUBSCRIBE))
    return [node.get_attribute("id") or "" for node in nodes if node.is_displayed()]


@pytest.mark.parametrize("over", ["bytes", "events"])
def test_picks_over_the_budget_are_offered_for_download_only(
    browser: Browser, tmp_path: Path, over: str
) -> None:
    """The budget is the size of a personal feed of two picks (or two events): a third pick goes
    over it, to the byte; the panel then says so and offers the download only."""
    two, third = ("climsim.oral", "word2vec.talk"), "decodingtrust.poster"
    probe = built(with_publish(EVENTS, tmp_path, f'base_url = "{BASE_URL}"'), tmp_path / "probe")
    feed = split_feed((probe / "all.ics").read_bytes())
    size_two = len(picks_calendar(feed, [pick_key(e) for e in two]))
    size_three = len(picks_calendar(feed, [pick_key(e) for e in (*two, third)]))
    budget = f"feed_max_bytes = {size_two}" if over == "bytes" else "feed_max_events = 2"
    (tmp_path / "site").mkdir()
    events = with_publish(EVENTS, tmp_path / "site", f'base_url = "{BASE_URL}"\n{budget}')
    process = Serve(events, tmp_path / "site" / "output")
    try:
        url = process.url.rstrip("/")
        driver = browser()
        open_page(driver, f"{url}/#picks={'-'.join(pick_key(e) for e in two)}")
        download_text(driver)
        note = driver.find_element(By.ID, "picks-too-big")
        assert not note.is_displayed()
        assert subscribe_links(driver) == SUBSCRIBE

        star(driver, third).click()
        # Over the count of events, the note shows at once, "at more than …" until the third
        # pick's event is fetched and its size known to the byte.
        wait(driver, lambda d: note.is_displayed() and "more than" not in note.text)
        limit = f"{megabytes(size_two)} or 1,000" if over == "bytes" else f"{megabytes(1_000_000)} or 2"
        assert note.text == (
            f"Download only: at {(size_three + 500) // 1000} kB and 3 events, your picks are too large "
            "for a calendar subscription (Google Calendar and other apps silently drop events from "
            f"subscriptions over {limit} events). Remove some picks to subscribe, or download them."
        )
        assert subscribe_links(driver) == []
        shown = driver.find_element(By.ID, "picks").text
        assert "Subscribe and your calendar follows" not in shown, "no word of subscribing when you cannot"
        assert len(download_text(driver).encode("utf-8")) == size_three
        driver.execute_script("document.getElementById('picks').scrollIntoView({block: 'start'})")
        driver.save_screenshot(str(tmp_path / "picks-too-big.png"))
        if target := os.environ.get("CONFCAL_SCREENSHOT_TOO_BIG"):
            driver.save_screenshot(target)

        star(driver, "climsim.oral").click()
        wait(driver, lambda d: not note.is_displayed())
        assert subscribe_links(driver) == SUBSCRIBE
    finally:
        process.stop()


def test_more_picks_than_a_personal_feed_holds_are_offered_for_download_only(
    browser: Browser, tmp_path: Path
) -> None:
    """The service answers 414 past MAX_PICKS: the page offers no subscription there."""
    events = tmp_path / "events.toml"
    events.write_text(synthetic_programme(MAX_PICKS + 20, 1), encoding="utf-8")
    output = built(events, tmp_path / "output", "--base-url", BASE_URL)
    ids = re.findall(r'<li class="event" id="([^"]+)"', (output / "index.html").read_text(encoding="utf-8"))
    driver = browser()
    for count, shown in ((MAX_PICKS, SUBSCRIBE), (MAX_PICKS + 1, [])):
        keys = "-".join(sorted(pick_key(event_id) for event_id in ids[:count]))
        driver.get("about:blank")  # the same page with another fragment would only scroll
        open_page(driver, f"{output.as_uri()}/index.html#picks={keys}")
        assert driver.find_element(By.ID, "picks-count").text == str(count)
        assert subscribe_links(driver) == shown
    assert driver.find_element(By.ID, "picks-too-big").text == (
        f"Download only: a personal feed holds at most {MAX_PICKS} picks, and you have {MAX_PICKS + 1}. "
        "Remove some picks to subscribe, or download them."
    )


@pytest.mark.parametrize(
    "base_url",
    [
        "https://example.org/conf%20x/",
        "https://example.org:8443/a&b/",
        "https://example.org/a%23b/",
        "https://example.org/a%3Fb=c/",
        "https://example.org/(x)!*;=+,$/",
        "https://example.org/ü/",
        "https://bücher.example/konferenz-ö/",
    ],
)
def test_picks_links_encode_the_address_as_the_feed_links_do(
    browser: Browser, tmp_path: Path, base_url: str
) -> None:
    """%, &, # and ? (and the rest) are percent-encoded in the Google and Outlook links exactly as
    in the page's own feed links (site.feed_links); an international address is in ASCII there."""
    events = tmp_path / "events.toml"
    name = "NeurIPS 2023 & O'Brien (test)"
    events.write_text(EVENTS.read_text(encoding="utf-8").replace('"NeurIPS 2023"', f'"{name}"', 1), "utf-8")
    output = built(events, tmp_path / "output", "--base-url", base_url)
    keys = "-".join(sorted(pick_key(e) for e in PICKED))
    driver = browser()
    open_page(driver, f"{output.as_uri()}/index.html#picks={keys}")
    links = driver.execute_script(
        "return Object.fromEntries(['webcal', 'google', 'outlook'].map("
        "(id) => [id, document.getElementById(`picks-${id}`).getAttribute('href')]))"
    )
    expected = feed_links(
        Feed(id=keys, name=f"{name}: my 3 picks", description="", events=(), folder="picks"),
        base_url=base_url,
    )
    assert links == {"webcal": expected.subscribe, "google": expected.google, "outlook": expected.outlook}
    assert all(link.isascii() for link in links.values()), links
    public = driver.find_element(By.ID, "picks-url").get_attribute("value")
    assert public == f"{public_address(base_url)}picks/{keys}.ics"
    assert public.isascii()


@pytest.fixture
def static_host(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The committed award programme (no base_url) built into a folder whose name a link must
    percent-encode, served by Python's http.server in a child process, on a host with an
    international name (Chromium is told it is this machine): (the folder's address, the folder)."""
    output = built(EVENTS, tmp_path / "site" / "konferenz-ö & o'co" / "output")
    command = [sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1"]
    server = subprocess.Popen(
        [*command, "--directory", str(tmp_path / "site")], stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        port = re.search(r" port (\d+)", server.stdout.readline())
        assert port is not None
        yield f"http://bücher.example:{port[1]}/konferenz-ö & o'co/output/", output
    finally:
        server.terminate()
        server.wait(10)


FEED_LINKS = """
return [...document.querySelectorAll("article.feed")].map((article) => ({
  shown: [...article.querySelectorAll("a")].filter((a) => a.getClientRects().length)
    .map((a) => a.textContent),
  subscribe: article.querySelector('[data-link="subscribe"]')?.getAttribute("href") ?? null,
  google: article.querySelector('[data-link="google"]')?.getAttribute("href") ?? null,
  outlook: article.querySelector('[data-link="outlook"]')?.getAttribute("href") ?? null,
  address: article.querySelector('[data-link="address"]')?.textContent ?? null,
}));
"""
SHOWN_LINKS = [
    "Subscribe to {} (Apple Calendar, Outlook, Thunderbird)",
    "Add {} to Google Calendar",
    "Add {} to Outlook.com",
    "Download {} ({})",
]


def test_a_page_served_without_base_url_subscribes_from_its_own_address(
    browser: Browser, static_host: tuple[str, Path], tmp_path: Path
) -> None:
    """Without a public address, the page on a static host makes each feed's subscribe links
    and address from its own, as a build with that address would write them (ASCII host,
    percent-encoded path), and drops the note asking organizers for one; opened from its folder
    (file://) or without scripts, it offers downloads and keeps the note."""
    address, output = static_host
    programme = load(EVENTS)
    assert not programme.conference.base_url
    rules = ("--host-resolver-rules=MAP xn--bcher-kva.example 127.0.0.1",)
    for width in (1280, 390):
        driver = browser(width=width, height=900, arguments=rules)
        open_page(driver, address)
        assert driver.current_url.startswith("http://xn--bcher-kva.example:")
        assert not driver.find_element(By.ID, "feeds-note").is_displayed()
        found = driver.execute_script(FEED_LINKS)
        for feed, links in zip(feeds(programme), found, strict=True):
            made = feed_links(feed, base_url=address.replace("http://", "https://", 1))
            shown = [text.format(feed.name) for text in SHOWN_LINKS[:3]]
            assert links == {
                "shown": [*shown, SHOWN_LINKS[3].format(feed.filename, feed.name)],
                "subscribe": made.subscribe,
                "google": made.google,
                "outlook": made.outlook.replace("url=https%3A", "url=http%3A", 1),
                "address": public_address(address) + feed.filename,
            }
        port = urllib.parse.urlsplit(driver.current_url).port
        ascii_address = f"http://xn--bcher-kva.example:{port}/konferenz-%C3%B6%20&%20o%27co/output/all.ics"
        assert found[0]["address"] == ascii_address
        reply = driver.execute_async_script(FETCH, found[0]["address"])
        assert (reply["status"], reply["contentType"]) == (200, "text/calendar")
        assert reply["text"].encode("utf-8") == (output / "all.ics").read_bytes()
        assert driver.execute_script("return document.documentElement.scrollWidth") <= width
        driver.execute_script("document.getElementById('feeds').scrollIntoView({block: 'start'})")
        driver.save_screenshot(str(tmp_path / f"feeds-served-{width}.png"))

    for page in (f"{output.as_uri()}/index.html", address):
        driver = browser(javascript=page.startswith("file:"), arguments=rules)
        driver.get(page)
        assert driver.find_element(By.ID, "feeds-note").is_displayed()
        for feed, links in zip(feeds(programme), driver.execute_script(FEED_LINKS), strict=True):
            download = SHOWN_LINKS[3].format(feed.filename, feed.name)
            assert links == {
                "shown": [download],
                "subscribe": None,
                "google": None,
                "outlook": None,
                "address": "",
            }


def test_a_page_served_on_a_loopback_address_keeps_the_note_and_offers_downloads(
    browser: Browser, tmp_path: Path
) -> None:
    """Without a public address, the page on a loopback address (confcal serve's preview) offers
    each feed's download and keeps the note asking organizers for a base_url, as from file://: no
    calendar service can fetch webcal://127.0.0.1:…/all.ics."""
    built(EVENTS, tmp_path / "site" / "output")
    command = [sys.executable, "-u", "-m", "http.server", "0", "--bind", "::"]  # IPv6 and IPv4
    server = subprocess.Popen(
        [*command, "--directory", str(tmp_path / "site")], stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        port = re.search(r" port (\d+)", server.stdout.readline())
        assert port is not None
        driver = browser(width=390, height=900)
        for host in ("127.0.0.1", "localhost", "[::1]", "preview.localhost", "127.0.0.2"):
            open_page(driver, f"http://{host}:{port[1]}/output/")
            assert driver.find_element(By.ID, "feeds-note").is_displayed(), host
            for feed, links in zip(feeds(load(EVENTS)), driver.execute_script(FEED_LINKS), strict=True):
                assert links == {
                    "shown": [SHOWN_LINKS[3].format(feed.filename, feed.name)],
                    "subscribe": None,
                    "google": None,
                    "outlook": None,
                    "address": "",
                }, host
    finally:
        server.terminate()
        server.wait(10)


@pytest.mark.parametrize(
    ("name", "picked"),
    [
        ("NeurIPS 2023", PICKED[:1]),
        ("A" * 60 + ", Tübingen", PICKED),  # an escaped comma at the fold of X-WR-CALNAME
        ("Ü" * 40 + " €", PICKED),  # a character across the fold of NAME
    ],
)
def test_the_picks_calendar_is_named_with_its_number_of_picks(
    browser: Browser, tmp_path: Path, name: str, picked: tuple[str, ...]
) -> None:
    """A new subscription for new picks is a new calendar beside the old one: its name says how
    many picks it holds ("…: my 3 picks"), in the download as in the service's feed (byte for
    byte, folded alike), and the panel names it and says to remove the old one first."""
    source = tmp_path / "source.toml"
    source.write_text(EVENTS.read_text(encoding="utf-8").replace('"NeurIPS 2023"', f'"{name}"', 1), "utf-8")
    process = Serve(with_publish(source, tmp_path, f'base_url = "{BASE_URL}"'), tmp_path / "output")
    try:
        url = process.url.rstrip("/")
        keys = sorted(pick_key(event_id) for event_id in picked)
        served = request(url, f"/picks/{'-'.join(keys)}.ics")
        driver = browser()
        open_page(driver, f"{url}/#picks={'-'.join(keys)}")
        calendar = download_text(driver).encode("utf-8")
    finally:
        process.stop()
    assert calendar == served.body, "the service's calendar, byte for byte"
    named = f"{name}: my {len(keys)} pick{'' if len(keys) == 1 else 's'}"
    calendar_name = IcsCalendarStream.calendar_from_ics(calendar.decode("utf-8")).name  # unfolded, unescaped
    assert calendar_name == [named]
    follow = driver.find_element(By.ID, "picks-follow").text
    assert follow == (
        "Subscribe and your calendar follows changes to the programme; a download is a copy. "
        f"A subscription keeps the picks you have when you subscribe, as the calendar “{named}”: "
        "to follow new picks, subscribe again, and first remove your old picks calendar from your "
        "calendar app, or its events show twice."
    )
    outlook = driver.find_element(By.ID, "picks-outlook").get_attribute("href") or ""
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(outlook).query)["name"] == [named]


def test_the_day_filter_shows_an_event_over_several_days_as_continuing_on_that_day(
    browser: Browser, tmp_path: Path
) -> None:
    """The hackathon runs Friday 18:00 to Sunday 16:00: with the Day filter on Sunday it is shown
    under Sunday as its line there ("Continues, day 3 of 3", its whole time), not under Friday
    with Friday's time; on Friday, as its own line. Its title leads to its first day."""
    events = tmp_path / "events.toml"
    events.write_text(WORKSHOP.read_text(encoding="utf-8") + MULTI_DAY, encoding="utf-8")
    page = f"{built(events, tmp_path / 'output', '--base-url', BASE_URL).as_uri()}/index.html"
    hackathon = f"li[data-key='{pick_key('hackathon.social')}']"
    shown = f"""return [...document.querySelectorAll("#results-list {hackathon}")].map((line) => [
      line.closest("ol").previousElementSibling.textContent, line.className,
      line.querySelector(".when").textContent,
    ]);"""
    for width in (1280, 390):
        driver = browser(width=width, height=900)
        open_page(driver, page)
        day = Select(driver.find_element(By.ID, "f-day"))
        found = {}
        for value in ("2026-10-23", "2026-10-24", "2026-10-25"):
            day.select_by_value(value)
            found[value] = driver.execute_script(shown)
        whole = "Fri 23 Oct 18:00 CEST – Sun 25 Oct 16:00 CET · Social event"
        assert found == {
            "2026-10-23": [["Friday 23 October 2026", "event", "18:00 CEST–16:00 CET (+2d) · Social event"]],
            "2026-10-24": [["Saturday 24 October 2026", "continues", f"Continues, day 2 of 3 · {whole}"]],
            "2026-10-25": [["Sunday 25 October 2026", "continues", f"Continues, day 3 of 3 · {whole}"]],
        }
        first = driver.find_element(By.CSS_SELECTOR, "#results-list li.continues")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", first)
        driver.save_screenshot(str(tmp_path / f"day-filter-continues-{width}.png"))
    first.find_element(By.CSS_SELECTOR, "button.star").click()
    wait(driver, lambda d: len(picks_panel(d)) == 1)
    first.find_element(By.CSS_SELECTOR, "h4 a").click()
    wait(driver, lambda d: d.find_element(By.ID, "results").get_attribute("hidden") is not None)
    assert driver.find_element(By.ID, "f-day").get_attribute("value") == ""
    shown_below_the_bar(driver, "hackathon.social")
