"""Benchmark the page at NeurIPS size in headless Chromium: weight, load to interactive, search.

    .venv/bin/python -m benchmarks.page [--runs 5]

Builds the synthetic NeurIPS-size programme (benchmarks/synth.py --papers 3540 --seed 1) with a
public address, serves it with ``confcal.web:app`` under gunicorn, and loads ``index.html`` in
Debian's headless Chromium (selenium). It prints the page's weight, the time from navigation
start to the page being interactive (the script has run: search, stars and the picks panel
work), and how long a search takes from a keystroke to the filtered programme on screen
(the first search builds the search index). As a floor measured in the same run, it loads the
same programme's page with the script left out, so the script's cost is a ratio.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import tempfile
from pathlib import Path
from typing import Any

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from benchmarks.synth import programme
from benchmarks.web import start_gunicorn
from confcal.build import build

NEURIPS_PAPERS = 3540
BASE_URL = "https://example.org/neurips-2023/"
# Headless Debian Chromium on a machine with no network beyond localhost: without the
# background-networking flags it keeps trying (and failing) to reach Google's hosts. The browser
# test starts Chromium with the same flags.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)
CHROME_ARGS = [*CHROMIUM_FLAGS, "--window-size=1100,1400"]
LOADED = """
const [scripted, done] = arguments;
const check = () => {
  const nav = performance.getEntriesByType("navigation")[0];
  if (scripted ? document.documentElement.dataset.ready === "true" : nav && nav.loadEventEnd > 0) {
    done({interactive: performance.now(), loaded: nav.loadEventEnd, transfer: nav.transferSize});
  } else {
    setTimeout(check, 5);
  }
};
check();
"""
SEARCH = """
const [words, done] = arguments;
const status = document.getElementById("f-status");
const before = status.textContent;
const q = document.getElementById("q");
const start = performance.now();
const observer = new MutationObserver(() => {
  observer.disconnect();
  requestAnimationFrame(() => setTimeout(() => done({
    ms: performance.now() - start,
    status: status.textContent,
  })));
});
observer.observe(status, {childList: true, characterData: true, subtree: true});
q.value = words;
q.dispatchEvent(new Event("input"));
"""


def chromium() -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in CHROME_ARGS:
        options.add_argument(argument)
    return webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))


def load(driver: webdriver.Chrome, url: str, *, scripted: bool) -> dict[str, Any]:
    driver.get("about:blank")
    driver.get(url)
    result: dict[str, Any] = driver.execute_async_script(LOADED, scripted)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5, help="page loads; medians are printed")
    args = parser.parse_args(argv)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, {platform.platform()}"
    )
    with tempfile.TemporaryDirectory(prefix="confcal-page-bench-") as folder:
        events, output = Path(folder) / "events.toml", Path(folder) / "output"
        text = programme(NEURIPS_PAPERS, seed=1)
        events.write_text(
            text.replace("\n[publish]\n", f'\n[publish]\nbase_url = "{BASE_URL}"\n', 1), "utf-8"
        )
        build(events, output)
        page = (output / "index.html").read_bytes()
        floor = re.sub(rb"<script>//.*?</script>", b"", page, flags=re.DOTALL)
        assert len(floor) < len(page), "the floor page has no script"
        (output / "floor.html").write_bytes(floor)
        events_count = page.count(b'<li class="event"')
        process, port = start_gunicorn(output, workers=1, threads=8)
        url = f"http://127.0.0.1:{port}"
        driver = chromium()
        try:
            floors = [load(driver, f"{url}/floor.html", scripted=False) for _ in range(args.runs)]
            loads = [load(driver, f"{url}/", scripted=True) for _ in range(args.runs)]
            first = driver.execute_async_script(SEARCH, "learning")
            searches = [
                driver.execute_async_script(SEARCH, word) for word in ("diffusion", "graph", "kernel", "")
            ]
        finally:
            driver.quit()
            process.terminate()
            process.wait()
    floor_ms = statistics.median(entry["loaded"] for entry in floors)
    interactive_ms = statistics.median(entry["interactive"] for entry in loads)
    print(f"headless Chromium (Debian), the page served by confcal.web; medians of {args.runs} loads\n")
    weights = f"{len(page) / 1e6:.2f} MB ({len(floor) / 1e6:.2f} MB without the script)"
    print(f"page: {events_count} events, {weights}")
    print(f"load, page without its script (floor): {floor_ms:6.0f} ms to the load event")
    ratio = interactive_ms / floor_ms
    print(f"load, the page to interactive search:  {interactive_ms:6.0f} ms ({ratio:.2f}× the floor)")
    print(f"first search:         {first['ms']:5.0f} ms → {first['status']}")
    for word, result in zip(("diffusion", "graph", "kernel", "(cleared)"), searches, strict=True):
        print(f"search {word!r:<12}: {result['ms']:5.0f} ms → {result['status']}")
    print("(each search time includes the 60 ms the page waits for typing to pause)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
