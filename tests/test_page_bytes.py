"""The pages' exact bytes for programmes whose every text holds what HTML must escape.

Two programmes (the shipped award programme and the workshop with sessions, chairs and
speakers) with ``& " ' < >`` added to every title, name, place and person, built with a public
address (subscribe links, QR codes), then edited (a move, a rename, a cancellation) and built
again, so changes.html and changes.atom list releases. The expected files in tests/pages/ were
written by the f-string renderer the templates replaced: `python -m tests.test_page_bytes`
writes them again after a reviewed change to the page.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from confcal.cli import cli
from tests.conftest import EVENTS, ROOT

EXPECTED = ROOT / "tests" / "pages"
PROGRAMMES = {"award": EVENTS, "workshop": ROOT / "tests" / "programmes" / "workshop.toml"}
PAGES = ("index.html", "changes.html", "changes.atom")
TEXT_KEYS = "title|name|full_name|venue|city|session|room|level|label|plural|note"
NASTY = " & \\\"q\\\" 'a' <i>x</i>"  # as written in TOML: & "q" 'a' <i>x</i>
STAMPS = ("1702252800", "1702339200")  # the award programme's publish.updated, a day later


def nasty(toml: str) -> str:
    """Every text value (and the first author, speaker or chair) with ``& " ' < >`` added."""
    toml = re.sub(rf'^((?:{TEXT_KEYS}) = "((?!"").*))"$', _text, toml, flags=re.MULTILINE)
    toml = re.sub(r'((?<=[{,] )(?:label|name|plural) = "[^"]*)"', lambda m: f'{m[1]}{NASTY}"', toml)
    toml = re.sub(
        r'^(authors = \[")', lambda m: m[1] + 'O\'Brien & \\"Co\\" <b>", "', toml, flags=re.MULTILINE
    )
    return re.sub(r'^(website = ".*)"$', lambda m: m[1] + '/?a=1&b=2"', toml, flags=re.MULTILINE)


def _text(match: re.Match[str]) -> str:
    reference = " " not in match[2] and match[1].startswith(("session", "room", "venue"))  # a declared id
    return match[0] if reference else f'{match[1]}{NASTY}"'


def edited(toml: str) -> str:
    """A second release: the first timed event an hour later, the first poster cancelled, the
    first title longer."""
    for key in ("start", "end"):
        toml = re.sub(rf"^({key} = \d{{4}}-\d\d-\d\dT)(\d\d)", _later, toml, count=1, flags=re.MULTILINE)
    toml = re.sub(r'^(board = ".*"\n)', r'\1status = "cancelled"\n', toml, count=1, flags=re.MULTILINE)
    return re.sub(r'^(title = ")', r"\1Renamed: ", toml, count=1, flags=re.MULTILINE)


def _later(match: re.Match[str]) -> str:
    return f"{match[1]}{int(match[2]) + 1:02d}"


def pages(source: Path, work: Path) -> dict[str, bytes]:
    """index.html, changes.html and changes.atom after the two builds."""
    events, output = work / "events.toml", work / "output"
    toml = nasty(source.read_text(encoding="utf-8"))
    for text, stamp in ((toml, STAMPS[0]), (edited(toml), STAMPS[1])):
        events.write_text(text, encoding="utf-8")
        result = CliRunner().invoke(
            cli,
            ["build", str(events), "-o", str(output), "--base-url", "https://example.org/c&d/"],
            env={"SOURCE_DATE_EPOCH": stamp},
        )
        assert result.exit_code == 0, result.output
    return {name: (output / name).read_bytes() for name in PAGES}


@pytest.mark.parametrize("programme", sorted(PROGRAMMES))
def test_pages_are_byte_identical_to_the_reviewed_ones(programme: str, tmp_path: Path) -> None:
    built = pages(PROGRAMMES[programme], tmp_path)
    for name, data in built.items():
        assert data == (EXPECTED / programme / name).read_bytes(), f"{programme}/{name} differs"
    assert b"&amp; \"q\" 'a' &lt;i&gt;x&lt;/i&gt;" in built["index.html"], "text escaped, quotes kept"
    assert b"Renamed: " in built["changes.html"], "the second build made a release"
    assert b"<strong>Cancelled</strong>" in built["index.html"]


def main() -> None:
    for programme, source in PROGRAMMES.items():
        work = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp") / f"confcal-pages-{programme}"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        (EXPECTED / programme).mkdir(parents=True, exist_ok=True)
        for name, data in pages(source, work).items():
            (EXPECTED / programme / name).write_bytes(data)


if __name__ == "__main__":
    main()
