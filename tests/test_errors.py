"""Bad input: exit 1, every problem named with file, TOML path and line, nothing written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import tomli
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from confcal.cli import cli
from confcal.errors import EventsFileError
from confcal.load import load, parse
from confcal.load.locate import date_time_hint, misplaced_tables, toml_error
from tests.conftest import EVENTS
from tests.helpers import snapshot

SHIPPED = EVENTS.read_text(encoding="utf-8")

# An expected problem: the text of the line it must point at (the n-th line holding it), or
# None when no line can be known, and the message after "file:line: ".
Where = tuple[str, int] | None
Expected = list[tuple[Where, str]]

NOT_FOUND = (
    "file not found; give the path of the events file (without one: events.toml in the current folder)"
)


def edit(old: str, new: str) -> bytes:
    assert old in SHIPPED, old
    return SHIPPED.replace(old, new, 1).encode()


CLIMSIM_ID_LINE = SHIPPED.split("\n").index('id = "climsim"') + 1

# The two-day workshop, which declares [[sessions]]; its first oral session is "session-a" here.
SESSIONS = (EVENTS.parent / "tests" / "programmes" / "workshop.toml").read_text(encoding="utf-8")
SESSIONS = SESSIONS.replace('"oral-a"', '"session-a"')


def edit_sessions(old: str, new: str) -> bytes:
    assert old in SESSIONS, old
    return SESSIONS.replace(old, new, 1).encode()


BIDI = (
    "a bidirectional control character that shows text in another order than it is stored; remove it "
    "(editors often do not show it)"
)

WRITE_DATES = (
    "write dates as YYYY-MM-DD, like 2023-12-10, and date-times as YYYY-MM-DDTHH:MM:SS, "
    "like 2023-12-12T15:40:00"
)


def feed(body: str, base: bytes | None = None) -> bytes:
    """The shipped file (or ``base``) with a [[feeds]] table appended."""
    return (SHIPPED.encode() if base is None else base) + f"\n[[feeds]]\n{body}\n".encode()


TOP_TABLES = (
    "(expected tables here: [conference], [publish], [kinds], [[categories]], [[venues]], [[rooms]], "
    "[[sessions]], [[papers]], [[items]], [[feeds]])"
)
BEYOND = "is beyond the 64-bit range of TOML integers, -2**63 to 2**63-1"
FIX_INT = "write a number in that range, or quote it to make it a string"


def beyond(literal: str, limits: str = "-9223372036854775808 to 9223372036854775807") -> str:
    return f"not valid TOML: {literal} {BEYOND} ({limits}); {FIX_INT}"


PAPER_TABLES = "(expected tables here: [papers.oral], [papers.poster], [papers.talk], [[papers.links]])"

CASES: list[tuple[str, bytes, Expected]] = [
    ("empty file", b"", [(None, "the file is empty; expected a programme")]),
    ("only whitespace", b"\n  \n", [(None, "the file is empty; expected a programme")]),
    (
        "not UTF-8",
        SHIPPED.encode().replace("Björn".encode(), b"Bj\xf6rn"),
        [(("Bj\ufffdrn", 0), "not UTF-8: byte 0xf6 at offset {offset}; save the file as UTF-8")],
    ),
    (
        "TOML syntax error",
        edit('name = "NeurIPS 2023"', 'name = "NeurIPS 2023'),
        [
            (
                ('name = "NeurIPS 2023', 0),
                "not valid TOML: Illegal character '\\n' (column 21); the text that begins with \" on this "
                'line is not closed: end it with " on the same line, or write text over several lines '
                'between """ and """',
            )
        ],
    ),
    (
        "typographic quotes",
        edit('name = "NeurIPS 2023"', "name = \u201cNeurIPS 2023\u201d"),
        [
            (
                ("name = \u201cNeurIPS 2023", 0),
                "not valid TOML: Invalid value (column 8); \u201c is a typographic quote: write straight "
                "quotes, \" or '",
            )
        ],
    ),
    (
        "text without quotes",
        edit('website = "https://neurips.cc"', "website = neurips.cc"),
        [
            (
                ("website = neurips.cc", 0),
                "not valid TOML: Invalid value (column 11); a text value takes quotes: "
                'website = "neurips.cc"',
            )
        ],
    ),
    (
        "a boolean in capitals",
        edit('website = "https://neurips.cc"', 'website = "https://neurips.cc"\nhidden = True'),
        [
            (
                ("hidden = True", 0),
                "not valid TOML: Invalid value (column 10); TOML writes true and false in lowercase",
            )
        ],
    ),
    (
        "a key given twice",
        edit('website = "https://neurips.cc"', 'website = "https://neurips.cc"\nwebsite = "https://x.org"'),
        [
            (
                ('website = "https://x.org"', 0),
                "not valid TOML: Cannot overwrite a value (column 26); website is already given in this "
                "table (line {line_before}), and a key may be given once: remove one, or begin a new entry "
                "with its [[...]] header if this one is another entry",
            )
        ],
    ),
    (
        "an array without commas",
        edit('"Thomas Steinke", "Milad Nasr"', '"Thomas Steinke" "Milad Nasr"'),
        [
            (
                ('authors = ["Thomas Steinke" "Milad Nasr"', 0),
                "not valid TOML: Unclosed array (column 29); expected a comma or ] here: separate an "
                "array's values with commas, and close it with ]",
            )
        ],
    ),
    (
        "a time written with dots",
        edit("start = 2023-12-12T15:40:00", "start = 15.40.00"),
        [
            (
                ("start = 15.40.00", 0),
                "not valid TOML: Expected newline or end of document after a statement (column 14); "
                f"{WRITE_DATES}",
            )
        ],
    ),
    (
        "a list's entry after the same table",
        SHIPPED.replace("[[categories]]", "[categories]", 1).encode(),
        [
            (
                ("[[categories]]", 0),
                "not valid TOML: Cannot overwrite a value (column 13); categories is already a table or a "
                "value above: write [[categories]] (two brackets) before every entry of a list, and "
                "[categories] only once for a single table",
            )
        ],
    ),
    (
        "a colon for =",
        edit('website = "https://neurips.cc"', 'website: "https://neurips.cc"'),
        [
            (
                ('website: "https://neurips.cc"', 0),
                "not valid TOML: Expected '=' after a key in a key/value pair (column 8); write key = value "
                "(with =, not :)",
            )
        ],
    ),
    (
        "misspelt key",
        edit('title = "Privacy Auditing', 'tittle = "Privacy Auditing'),
        [
            (("[[papers]]", 0), "papers[0]: missing key 'title'"),
            (
                ("tittle", 0),
                "papers[0].tittle: unknown key 'tittle'; did you mean 'title'? (expected one of: "
                "id, category, subcategory, title, authors, abstract, note, url, links, speakers, "
                "oral, poster, talk)",
            ),
        ],
    ),
    (
        "wrong type",
        edit('board = "#1523"', "board = 1523"),
        [(("board = 1523", 0), "papers[0].poster.board: expected a string, found an integer (1523)")],
    ),
    (
        "end before start",
        edit("end = 2023-12-12T16:40:00", "end = 2023-12-12T15:00:00"),
        [
            (
                ("end = 2023-12-12T15:00:00", 0),
                "papers[0].oral.end: 2023-12-12 15:00 is not after the start 2023-12-12 15:40; "
                "expected an end later than the start",
            )
        ],
    ),
    (
        "end after midnight written on the start's date",
        edit("end = 2023-12-12T16:40:00", "end = 2023-12-12T01:10:00"),
        [
            (
                ("end = 2023-12-12T01:10:00", 0),
                "papers[0].oral.end: 2023-12-12 01:10 is not after the start 2023-12-12 15:40; "
                "an end after midnight is on the next day: end = 2023-12-13T01:10:00",
            )
        ],
    ),
    (
        "time with an offset",
        edit("start = 2023-12-12T15:40:00", "start = 2023-12-12T15:40:00-06:00"),
        [
            (
                ("start = 2023-12-12T15:40:00-06:00", 0),
                "papers[0].oral.start: expected a local date-time like 2023-12-12T15:40:00 "
                "(no offset: times are in conference.timezone), "
                "found a date-time (2023-12-12 15:40:00-06:00)",
            )
        ],
    ),
    (
        "local time that does not exist (spring forward)",
        edit("start = 2023-12-12T15:40:00", "start = 2023-03-12T02:30:00"),
        [
            (
                ("start = 2023-03-12T02:30:00", 0),
                "papers[0].oral.start: 2023-03-12 02:30 does not exist in America/Chicago: clocks go "
                "forward from 02:00 to 03:00 (CST → CDT), skipping 02:00–02:59; expected a time up to "
                "01:59 or from 03:00",
            )
        ],
    ),
    (
        "ambiguous local time (fall back)",
        edit("start = 2023-12-12T15:40:00", "start = 2023-11-05T01:30:00"),
        [
            (
                ("start = 2023-11-05T01:30:00", 0),
                "papers[0].oral.start: 2023-11-05 01:30 happens twice in America/Chicago: clocks go back "
                "from 02:00 to 01:00 (CDT → CST), so 01:00–01:59 comes twice; expected a time up to 00:59 "
                "or from 02:00",
            )
        ],
    ),
    (
        "unknown time zone",
        edit('timezone = "America/Chicago"', 'timezone = "CST"'),
        [
            (
                ('timezone = "CST"', 0),
                "conference.timezone: 'CST' is an abbreviation, not a time zone (it means different "
                "offsets in different places and seasons); expected the IANA name of the place, e.g. one "
                "of the zones using CST: 'America/Chicago', 'America/Havana', 'America/Mexico_City', "
                "'America/Winnipeg', 'Asia/Shanghai', 'America/Bahia_Banderas' and 23 more",
            )
        ],
    ),
    (
        "unknown category",
        edit('category = "test-of-time"', 'category = "test-of-tme"'),
        [
            (
                ('category = "test-of-tme"', 0),
                "papers[6].category: unknown category 'test-of-tme'; did you mean 'test-of-time'? (defined: "
                "'outstanding-datasets-and-benchmarks', 'outstanding-main-track', "
                "'outstanding-main-track-runner-up', 'test-of-time')",
            )
        ],
    ),
    (
        "legacy fixed-offset zone",
        edit('timezone = "America/Chicago"', 'timezone = "EST"'),
        [
            (
                ('timezone = "EST"', 0),
                "conference.timezone: 'EST' is an abbreviation, not a time zone (it means different "
                "offsets in different places and seasons); expected the IANA name of the place, e.g. one "
                "of the zones using EST: 'America/Jamaica', 'America/New_York', 'America/Atikokan', "
                "'America/Cancun', 'America/Cayman', 'America/Detroit' and 14 more",
            )
        ],
    ),
    (
        "misspelt time zone",
        edit('timezone = "America/Chicago"', 'timezone = "America/Chicgo"'),
        [
            (
                ('timezone = "America/Chicgo"', 0),
                "conference.timezone: unknown time zone 'America/Chicgo'; did you mean 'America/Chicago'? "
                "(expected an IANA name like 'America/Chicago')",
            )
        ],
    ),
    (
        "time zone in the wrong case",
        edit('timezone = "America/Chicago"', 'timezone = "america/chicago"'),
        [
            (
                ('timezone = "america/chicago"', 0),
                "conference.timezone: unknown time zone 'america/chicago'; did you mean 'America/Chicago'? "
                "(expected an IANA name like 'America/Chicago')",
            )
        ],
    ),
    (
        "duplicate paper id",
        edit('id = "decodingtrust"', 'id = "climsim"'),
        [
            (
                ('id = "climsim"', 1),
                f"papers[5].id: duplicate item id 'climsim' (first at papers[4], line {CLIMSIM_ID_LINE})",
            )
        ],
    ),
    (
        "unsafe id",
        edit('id = "word2vec"', 'id = "../Word2Vec"'),
        [
            (
                ('id = "../Word2Vec"', 0),
                "papers[6].id: '../Word2Vec' is not a safe id; expected lowercase letters, "
                "digits and single hyphens (like 'oral-2d'), at most 80 characters",
            )
        ],
    ),
    (
        "reserved category id",
        edit('id = "test-of-time"', 'id = "all"').replace(b'category = "test-of-time"', b'category = "all"'),
        [(('id = "all"', 0), "categories[3].id: 'all' is reserved for the overall feed; choose another id")],
    ),
    (
        "control character in text",
        edit('session = "Oral 2D Privacy"', 'session = "Oral 2D\\u0007 Privacy"'),
        [
            (
                ('session = "Oral 2D\\u0007', 0),
                "papers[0].oral.session: control character U+0007 at position 7; remove it",
            )
        ],
    ),
    (
        "noncharacter in a title",
        edit(
            'title = "Privacy Auditing with One (1) Training Run"',
            'title = "Privacy Auditing with \\uFFFFOne (1) Training Run"',
        ),
        [
            (
                ('title = "Privacy Auditing with', 0),
                "papers[0].title: 'Privacy Auditing with \\uffffOne (1) ... holds the noncharacter "
                "U+FFFF at position 22, which no text holds and XML files (schedule.xml, changes.atom) "
                "cannot carry; remove it (editors often do not show it)",
            )
        ],
    ),
    (
        "bidirectional override in a title",
        edit(
            'title = "Privacy Auditing with One (1) Training Run"',
            'title = "Privacy Auditing with \u202eOne (1) Training Run"',
        ),
        [
            (
                ('title = "Privacy Auditing with', 0),
                "papers[0].title: 'Privacy Auditing with \\u202eOne (1) ... holds U+202E "
                f"(RIGHT-TO-LEFT OVERRIDE) at position 22, {BIDI}",
            )
        ],
    ),
    (
        # A title pasted from a word processor; an abstract may hold one (it is several lines).
        "line separator in a title",
        edit(
            'title = "Privacy Auditing with One (1) Training Run"',
            'title = "Privacy Auditing with\u2028One (1) Training Run"',
        ).replace(b"training run. This exploits", "training run.\u2029This exploits".encode()),
        [
            (
                ('title = "Privacy Auditing with', 0),
                "papers[0].title: 'Privacy Auditing with\\u2028One (1) T... holds U+2028 (LINE "
                "SEPARATOR) at position 21, a line break in one line of text; remove it (editors "
                "often do not show it)",
            )
        ],
    ),
    (
        # The abstract holds the character itself (what an organizer pastes), the session a TOML escape.
        "bidirectional isolate in a session name and an abstract",
        edit('session = "Oral 2D Privacy"', 'session = "Oral 2D \u2067Privacy\u2069"').replace(
            b"training run. This exploits", "training run. \u2066This exploits".encode()
        ),
        [
            (
                ("abstract = ", 0),
                "papers[0].abstract: 'We propose a scheme for auditing dif... holds U+2066 "
                f"(LEFT-TO-RIGHT ISOLATE) at position 109, {BIDI}",
            ),
            (
                ('session = "Oral 2D', 0),
                "papers[0].oral.session: 'Oral 2D \\u2067Privacy\\u2069' holds U+2067 (RIGHT-TO-LEFT "
                f"ISOLATE) at position 8, {BIDI}",
            ),
        ],
    ),
    (
        "no papers at all",
        re.sub(r"# --- Outstanding Main Track Papers.*", "", SHIPPED, flags=re.S).encode(),
        [(None, "missing key 'papers': expected [[papers]] or [[items]] tables")],
    ),
    (
        "paper without any session",
        re.sub(r"# The announcement names no room.*", "", SHIPPED, flags=re.S).encode(),
        [(("[[papers]]", 6), "papers[6]: no events: expected an oral, a poster or a talk")],
    ),
    (
        "feed filter key misspelt",
        feed('id = "orals"\nname = "Orals"\nkinds = "oral"'),
        [
            (
                ("[[feeds]]", 0),
                "feeds[0]: expected at least one filter (category, kind, paper, day, session): "
                "without one the feed would repeat all.ics",
            ),
            (
                ("kinds = ", 0),
                "feeds[0].kinds: unknown key 'kinds'; did you mean 'kind'? "
                "(expected one of: id, name, category, kind, paper, day, session, events)",
            ),
        ],
    ),
    (
        "feed filter values the programme does not have",
        feed(
            'id = "x"\nname = "X"\ncategory = "main-trak"\nkind = ["oral", "keynote"]\n'
            'day = "2023-12-12"\nsession = "Poster session 9"'
        ),
        [
            (
                ('category = "main-trak"', 0),
                "feeds[0].category: unknown category 'main-trak' (defined: 'outstanding-main-track', "
                "'outstanding-main-track-runner-up', 'outstanding-datasets-and-benchmarks', 'test-of-time')",
            ),
            (("keynote", 0), "feeds[0].kind[1]: unknown kind 'keynote' (defined: 'oral', 'poster', 'talk')"),
            (
                ('day = "2023', 0),
                "feeds[0].day: expected a date like 2023-12-12, found a string ('2023-12-12')",
            ),
            (
                ("Poster session 9", 0),
                "feeds[0].session: unknown session 'Poster session 9'; did you mean 'Poster session 6'? "
                "(defined: 'Oral 1B Datasets & Benchmarks', 'Poster session 1', 'Test of Time', "
                "'Oral 2D Privacy', 'Oral 2A Efficient Learning', 'Poster session 2', "
                "'Oral 4B Dataset & Benchmarks', 'Poster session 4', 'Oral 6B RLL', 'Oral 6A LLMs', …)",
            ),
        ],
    ),
    (
        "feed filters naming what the file defines by its name, or a close id",
        feed(
            'id = "x"\nname = "X"\ncategory = ["Best Paper Award", "best-papr"]\nkind = ["oral", "Keynote"]\n'
            'paper = "sparse routing for streaming inference"\nsession = "oral session a"',
            SESSIONS.encode(),
        ),
        [
            (
                ('category = ["Best Paper Award"', 0),
                "feeds[1].category[0]: 'Best Paper Award' is the name of category 'best-paper'; write "
                '"best-paper" (a category is named by its id)',
            ),
            (
                ('category = ["Best Paper Award"', 0),
                "feeds[1].category[1]: unknown category 'best-papr'; did you mean 'best-paper'? "
                "(defined: 'best-paper', 'best-student-paper')",
            ),
            (
                ('kind = ["oral", "Keynote"]', 0),
                "feeds[1].kind[1]: 'Keynote' is the label of kind 'keynote'; write \"keynote\" "
                "(a kind is named by its id)",
            ),
            (
                ('paper = "sparse', 0),
                "feeds[1].paper: 'sparse routing for streaming inference' is the title of paper "
                "'sparse-routing'; write paper = \"sparse-routing\" (a paper is named by its id)",
            ),
            (
                ('session = "oral session a"', 0),
                "feeds[1].session: unknown session 'oral session a'; did you mean 'Oral session A'? "
                "(defined: 'session-a' (Oral session A), 'oral-b' (Oral session B), "
                "'oral-c' (Oral session C), 'posters' (Poster session), 'Keynote', 'Break', 'Social event')",
            ),
        ],
    ),
    (
        "feed id taken",
        feed('id = "all"\nname = "A"\nkind = "oral"')
        + feed('id = "test-of-time"\nname = "T"\nkind = "talk"', b""),
        [
            (('id = "all"', 0), "feeds[0].id: feed id 'all' is taken by the overall feed; choose another id"),
            (
                ('id = "test-of-time"', 1),
                "feeds[1].id: feed id 'test-of-time' is taken by the category 'test-of-time'; "
                "choose another id",
            ),
        ],
    ),
    (
        "feed matching nothing",
        feed('id = "tot-orals"\nname = "Test of Time orals"\ncategory = "test-of-time"\nkind = "oral"'),
        [
            (
                ("[[feeds]]", 0),
                "feeds[0]: feed 'tot-orals' matches no event: category alone matches 1, kind alone "
                "matches 6; loosen a filter or remove the feed",
            )
        ],
    ),
    (
        "bad feed budget",
        edit("[publish]\n", '[publish]\nfeed_max_bytes = 0\nfeed_max_events = "1000"\nabstracts = "brief"\n'),
        [
            (
                ("feed_max_bytes = 0", 0),
                "publish.feed_max_bytes: expected a positive integer like 1000000, found 0",
            ),
            (("feed_max_events", 0), "publish.feed_max_events: expected an integer, found a string ('1000')"),
            (
                ("abstracts = ", 0),
                "publish.abstracts: unknown setting 'brief'; expected one of 'full', 'short', 'none'",
            ),
        ],
    ),
    (
        "unknown top-level table",
        SHIPPED.encode() + b'\n[venue]\nname = "Hall"\n',
        [
            (
                ("[venue]", 0),
                f"venue: unknown table [venue]; did you mean [[venues]]? {TOP_TABLES}",
            )
        ],
    ),
    (
        "unknown top-level array of tables",
        SHIPPED.encode() + b'\n[[sponsors]]\nname = "Acme"\n',
        [
            (
                ("[[sponsors]]", 0),
                f"sponsors: unknown table [[sponsors]] {TOP_TABLES}",
            )
        ],
    ),
    (
        "unknown top-level table in a dotted key",
        b'venue.name = "Hall"\n' + SHIPPED.encode(),
        [
            (
                ("venue.name", 0),
                f"venue: unknown table [venue]; did you mean [[venues]]? {TOP_TABLES}",
            )
        ],
    ),
    (
        "a slot written as a value",
        edit('title = "Privacy Auditing', 'talk = "15:05"\ntitle = "Privacy Auditing'),
        [
            (
                ('talk = "15:05"', 0),
                "papers[0].talk: expected a table [papers.talk] or tables [[papers.talk]], "
                "found a string ('15:05')",
            )
        ],
    ),
    (
        "an unknown session table",
        edit("[papers.oral]", "[papers.keynote]"),
        [
            (
                ("[papers.keynote]", 0),
                "papers[0].keynote: unknown table [papers.keynote]: 'keynote' is not a kind (kinds: oral, "
                'poster, talk); declare it in the [kinds] table, e.g. keynote = {{ label = "Keynote", '
                'plural = "Keynotes" }}',
            )
        ],
    ),
    (
        "a misspelt session table",
        edit("[papers.oral]", "[papers.orals]"),
        [
            (
                ("[papers.orals]", 0),
                "papers[0].orals: unknown table [papers.orals]; did you mean [papers.oral]?",
            )
        ],
    ),
    (
        "a table declared twice",
        SHIPPED.replace("[[categories]]", "[categories]").encode(),
        [
            (
                ("[categories]", 1),
                "not valid TOML: Cannot declare categories twice (column 12); the table [categories] is "
                "declared above too: give a table's keys under one header, or, for a list of entries, write "
                "[[categories]] (two brackets) before each one",
            )
        ],
    ),
    (
        "arrays nested too deep",
        edit('streamed = ["oral", "talk"]', "streamed = " + "[" * 1000 + "]" * 1000),
        [
            (
                ("streamed", 0),
                "not valid TOML: arrays or inline tables nested hundreds of levels deep; "
                "expected at most a few levels",
            )
        ],
    ),
    (
        "inline tables nested too deep",
        edit('streamed = ["oral", "talk"]', "extra = " + "{ a = " * 1000 + "1" + " }" * 1000),
        [
            (
                ("extra", 0),
                "not valid TOML: arrays or inline tables nested hundreds of levels deep; "
                "expected at most a few levels",
            )
        ],
    ),
    (
        "an integer too long to read",
        edit('streamed = ["oral", "talk"]', "extra = " + "9" * 5000),
        [
            (
                ("extra = 999", 0),
                beyond("99999999999999999999… (5000 digits)"),
            )
        ],
    ),
    (
        "an integer too long to read, after digits in strings, comments and other numbers",
        edit(
            'streamed = ["oral", "talk"]',
            f'a = "{"1" * 5000}"\nb = """\n{"2" * 5000}"""\n# {"3" * 5000}\nc = 0x{"4" * 5000}\n'
            f"d = {'5' * 5000}.5\ne = {'6' * 5000}e0\nf = 1{'_7' * 4999}",
        ),
        [
            (
                ("f = 1_7", 0),
                beyond("1_7_7_7_7_7_7_7_7_7… (5000 digits)"),
            )
        ],
    ),
    (
        "an integer beyond 64 bits where a string is expected",
        edit('room = "RO6-RO9"', "room = 1234567890123456789012345"),
        [(("room = 1234", 0), f"papers[0].oral.room: {beyond('1234567890123456789012345')}")],
    ),
    (
        "the largest and the smallest 64-bit integers where strings are expected: TOML integers",
        edit('title = "Privacy Auditing with One (1) Training Run"', "title = 9223372036854775807").replace(
            b'board = "#1523"', b"board = -9223372036854775808"
        ),
        [
            (
                ("title = 9223", 0),
                "papers[0].title: expected a string, found an integer (9223372036854775807)",
            ),
            (
                ("board = -9223", 0),
                "papers[0].poster.board: expected a string, found an integer (-9223372036854775808)",
            ),
        ],
    ),
    (
        "integers beyond 64 bits where a title, a time and an integer are expected, each with its path",
        edit(
            'refresh_interval = "PT12H"',
            'refresh_interval = "PT12H"\nfeed_max_events = 9_223_372_036_854_775_808',
        )
        .replace(b'title = "Privacy Auditing with One (1) Training Run"', b"title = -9223372036854775809")
        .replace(b"start = 2023-12-12T15:40:00", b"start = 0x1_0000_0000_0000_0000", 1),
        [
            (
                ("feed_max_events = 9_223", 0),
                f"publish.feed_max_events: {beyond('9_223_372_036_854_775_808')}",
            ),
            (("title = -92", 0), f"papers[0].title: {beyond('-9223372036854775809')}"),
            (
                ("start = 0x1_", 0),
                f"papers[0].oral.start: {beyond('0x1_0000_0000_0000_0000', 'at most 0x7fff_ffff_ffff_ffff')}",
            ),
        ],
    ),
    (
        "integers beyond 64 bits in octal, in binary, and of one value twice in one array, each as written",
        edit('board = "#1523"', "board = 0o1_000_000_000_000_000_000_000").replace(
            b'level = "Level 2"',
            b"level = [0x8000_0000_0000_0000, 1, 9223372036854775808, 0b1" + b"0" * 64 + b"]",
            1,
        ),
        [
            (
                ("level = [0x", 0),
                "papers[0].oral.level[0]: "
                + beyond("0x8000_0000_0000_0000", "at most 0x7fff_ffff_ffff_ffff"),
            ),
            (("level = [0x", 0), f"papers[0].oral.level[2]: {beyond('9223372036854775808')}"),
            (
                ("level = [0x", 0),
                "papers[0].oral.level[3]: "
                + beyond("0b100000000000000000… (65 binary digits)", "at most 0b followed by 63 ones"),
            ),
            (
                ("board = 0o", 0),
                "papers[0].poster.board: "
                + beyond("0o1_000_000_000_000_000_000_000", "at most 0o777_777_777_777_777_777_777"),
            ),
        ],
    ),
    (
        "refresh interval under a minute",
        edit('refresh_interval = "PT12H"', 'refresh_interval = "PT30S"'),
        [
            (
                ('refresh_interval = "PT30S"', 0),
                "publish.refresh_interval: 'PT30S' is shorter than a minute; expected at least one minute, "
                "like 'PT1M' or 'PT12H'",
            )
        ],
    ),
    (
        "refresh interval that is not a duration",
        edit('refresh_interval = "PT12H"', 'refresh_interval = "12h"'),
        [
            (
                ('refresh_interval = "12h"', 0),
                "publish.refresh_interval: '12h' is not a duration; expected ISO 8601 like 'PT12H'",
            )
        ],
    ),
    (
        "non-ASCII URLs",
        edit(
            'url = "https://leap-stc.github.io/ClimSim"', 'url = "https://leap-stc.github.io/ClimSim/ω"'
        ).replace(b'url = "https://decodingtrust.github.io/"', 'url = "https://bücher.de/"'.encode()),
        [
            (
                ("links = [", 1),
                "papers[4].links[1].url: 'https://leap-stc.github.io/ClimSim/ω' holds 'ω' (U+03C9) "
                "at position 35; a link in a calendar is ASCII only: write it as 'https://leap-stc.github.io/ClimSim/%CF%89'",
            ),
            (
                ("links = [", 2),
                "papers[5].links[0].url: 'https://bücher.de/' holds 'ü' (U+00FC) at position 9; a link in a "
                "calendar is ASCII only: write it as 'https://xn--bcher-kva.de/'",
            ),
        ],
    ),
    (
        "years 1 and 9999",
        edit("start = 2023-12-12T15:40:00", "start = 0001-12-12T15:40:00")
        .replace(b"end = 2023-12-12T19:15:00", b"end = 9999-12-12T19:15:00", 1)
        .replace(b"start = 2023-12-10", b"start = 0001-12-10")
        .replace(b"updated = 2023-12-11T00:00:00Z", b"updated = 9999-12-31T23:00:00-05:00"),
        [
            (
                ("start = 0001-12-10", 0),
                "conference.start: year 1 is out of range; expected a year from 1900 to 2999",
            ),
            (
                ("updated = 9999", 0),
                "publish.updated: year 9999 is out of range; expected a year from 1900 to 2999",
            ),
            (
                ("start = 0001-12-12T15:40:00", 0),
                "papers[0].oral.start: year 1 is out of range; expected a year from 1900 to 2999",
            ),
            (
                ("end = 9999-12-12T19:15:00", 0),
                "papers[0].poster.end: year 9999 is out of range; expected a year from 1900 to 2999",
            ),
        ],
    ),
    (
        "Unicode line separators before a problem",
        edit("# Every key", "# Every\u2028key\u2029 and\u0085every").replace(
            b'board = "#1523"', b"board = 1523"
        ),
        [(("board = 1523", 0), "papers[0].poster.board: expected a string, found an integer (1523)")],
    ),
    (
        "a link with a quote and angle brackets",
        edit(
            'url = "https://github.com/huggingface/datablations"', 'url = "https://github.com/x\\"><b>"'
        ).replace(
            b'url = "https://leap-stc.github.io/ClimSim"', b"url = 'https://leap-stc.github.io/<ClimSim>'"
        ),
        [
            (
                ("links = [", 0),
                "papers[2].links[0].url: 'https://github.com/x\"><b>' holds U+0022 at position 20, which a "
                "link must not hold as it is; percent-encode it (a space is %20, a quote %22)",
            ),
            (
                ("links = [", 1),
                "papers[4].links[1].url: 'https://leap-stc.github.io/<ClimSim>' holds U+003C at position 27, "
                "which a link must not hold as it is; percent-encode it (a space is %20, a quote %22)",
            ),
        ],
    ),
    (
        "ids that are Windows device names",
        edit('id = "word2vec"', 'id = "con"').replace(b'id = "climsim"', b'id = "nul"'),
        [
            (
                ('id = "nul"', 0),
                "papers[4].id: 'nul' is a device name on Windows, where no file may be called nul.ics; "
                "choose another id (like 'nul-1')",
            ),
            (
                ('id = "con"', 0),
                "papers[6].id: 'con' is a device name on Windows, where no file may be called con.ics; "
                "choose another id (like 'con-1')",
            ),
        ],
    ),
    (
        "a table inside a table that holds none",
        edit('name = "Test of Time Award"\n', 'name = "Test of Time Award"\nextra = { a = 1 }\n'),
        [
            (
                ("extra = ", 0),
                "categories[3].extra: unknown table [categories.extra]: [categories] holds no tables "
                "(its keys: id, name, subcategories)",
            )
        ],
    ),
    (
        "a mistyped session id",
        edit_sessions('session = "session-a"', 'session = "sesion-a"'),
        [
            (
                ('session = "sesion-a"', 0),
                "papers[0].oral.session: unknown session 'sesion-a'; did you mean 'session-a'? Use a "
                "declared session's id, declare 'sesion-a' in [[sessions]], or write a session name "
                "as text (like 'Sesion a')",
            )
        ],
    ),
    (
        "a mistyped session id, on a poster that takes its session's times",
        edit_sessions('session = "posters"', 'session = "poster"'),
        [
            (
                ('session = "poster"', 0),
                "papers[0].poster.session: unknown session 'poster'; did you mean 'posters'? Use a "
                "declared session's id, declare 'poster' in [[sessions]], or write a session name "
                "as text (like 'Poster')",
            )
        ],
    ),
    (
        "a declared session's name, on a poster that takes its session's times",
        edit_sessions('session = "posters"', 'session = "Poster session"'),
        [
            (
                ('session = "Poster session"', 0),
                "papers[0].poster.session: 'Poster session' is the name of session 'posters'; write "
                'session = "posters" to put this slot in it (a slot names its session by id)',
            )
        ],
    ),
    (
        "a declared session's name in other letter case",
        edit_sessions('session = "oral-b"', 'session = "oral session b"'),
        [
            (
                ('session = "oral session b"', 0),
                "papers[1].oral.session: 'oral session b' is the name of session 'oral-b' "
                "('Oral session B') in other letter case; "
                'write session = "oral-b" to put this slot in it (a slot names its session by id)',
            )
        ],
    ),
    (
        "a declared session's id in capitals",
        edit_sessions('session = "session-a"', 'session = "Session-A"'),
        [
            (
                ('session = "Session-A"', 0),
                "papers[0].oral.session: unknown session 'Session-A'; did you mean 'session-a'? "
                'Session ids are lowercase: write session = "session-a" to put this slot in it',
            )
        ],
    ),
    (
        "a declared room's name (the newcomer's mistake: 'Hall A' for hall-a)",
        edit_sessions(
            'end = 2026-10-24T10:30:00\nroom = "foyer"', 'end = 2026-10-24T10:30:00\nroom = "Foyer"'
        ),
        [
            (
                ('room = "Foyer"', 0),
                "items[1].break.room: 'Foyer' is the name of room 'foyer'; write room = \"foyer\" "
                "(a declared room is named by its id)",
            )
        ],
    ),
    (
        "a declared room's name in other letter case, in a session",
        edit_sessions('room = "hs2"', 'room = "hörsaal 2"'),
        [
            (
                ('room = "hörsaal 2"', 0),
                "sessions[1].room: 'hörsaal 2' is the name of room 'hs2'; write room = \"hs2\" "
                "(a declared room is named by its id)",
            )
        ],
    ),
    (
        "a room named by two rooms' name",
        edit_sessions('name = "Hörsaal 2"', 'name = "Hörsaal 1"').replace(
            b'room = "hs2"', 'room = "Hörsaal 1"'.encode(), 1
        ),
        [
            (
                ('room = "Hörsaal 1"', 0),
                "sessions[1].room: 'Hörsaal 1' is the name of rooms 'hs1' and 'hs2'; write "
                'room = "hs1" or room = "hs2" (a declared room is named by its id)',
            )
        ],
    ),
    (
        "a declared room's id in capitals",
        edit_sessions('room = "hs2"', 'room = "HS2"'),
        [
            (
                ('room = "HS2"', 0),
                "sessions[1].room: unknown room 'HS2'; did you mean 'hs2'? "
                "(defined in [[rooms]]: 'hs1', 'hs2', 'foyer')",
            )
        ],
    ),
    (
        "a room's id in other letter case, where another room has that name",
        edit_sessions('name = "Hörsaal 2"', 'name = "HS1"').replace(b'room = "hs2"', b'room = "Hs1"', 1),
        [
            (
                ('room = "Hs1"', 0),
                "sessions[1].room: unknown room 'Hs1'; did you mean 'hs1'? "
                "(defined in [[rooms]]: 'hs1', 'hs2', 'foyer')",
            )
        ],
    ),
    (
        "a feed's session name in other letter case, where another session has that id",
        edit_sessions('name = "Oral session C"', 'name = "posters"')
        .replace(b'name = "Poster session"', b'name = "posters B"', 1)
        .replace(b'name = "At a glance"\n', b'name = "At a glance"\nsession = "Posters"\n', 1),
        [
            (
                ('session = "Posters"', 0),
                "feeds[0].session: unknown session 'Posters'; did you mean 'posters'? (defined: 'session-a' "
                "(Oral session A), 'oral-b' (Oral session B), 'oral-c' (posters), 'posters' (posters B), "
                "'Keynote', 'Break', 'Social event')",
            )
        ],
    ),
    (
        "a slot's session id in capitals, where another session has that id as its name",
        edit_sessions('name = "Oral session C"', 'name = "posters"')
        .replace(b'name = "Poster session"', b'name = "posters B"', 1)
        .replace(b'session = "posters"\nboard = "P1"', b'session = "Posters"\nboard = "P1"', 1),
        [
            (
                ('session = "Posters"', 0),
                "papers[0].poster.session: unknown session 'Posters'; did you mean 'posters'? "
                'Session ids are lowercase: write session = "posters" to put this slot in it',
            )
        ],
    ),
    (
        "a venue's name",
        edit_sessions('venue = "brauhaus"', 'venue = "Brauhaus am Markt"'),
        [
            (
                ('venue = "Brauhaus am Markt"', 0),
                "items[2].social.venue: 'Brauhaus am Markt' is the name of venue 'brauhaus'; write "
                'venue = "brauhaus" (a venue is named by its id)',
            )
        ],
    ),
    (
        "a mistyped venue id",
        edit_sessions('venue = "brauhaus"', 'venue = "brauhause"'),
        [
            (
                ('venue = "brauhause"', 0),
                "items[2].social.venue: unknown venue 'brauhause'; did you mean 'brauhaus'? "
                "(defined: 'brauhaus')",
            )
        ],
    ),
    (
        "a category's name",
        edit('category = "test-of-time"', 'category = "Test of Time Award"'),
        [
            (
                ('category = "Test of Time Award"', 0),
                "papers[6].category: 'Test of Time Award' is the name of category 'test-of-time'; write "
                'category = "test-of-time" (a category is named by its id)',
            )
        ],
    ),
    (
        "a kind's label and a mistyped kind",
        edit_sessions('kind = "poster"', 'kind = "Poster"').replace(
            b'streamed = ["keynote", "oral"]', b'streamed = ["keynot", "Oral"]'
        ),
        [
            (
                ('streamed = ["keynot"', 0),
                "conference.streamed[0]: unknown kind 'keynot'; did you mean 'keynote'? (defined: 'oral', "
                "'poster', 'talk', 'keynote', 'break', 'social')",
            ),
            (
                ('streamed = ["keynot"', 0),
                "conference.streamed[1]: 'Oral' is the label of kind 'oral'; write \"oral\" "
                "(a kind is named by its id)",
            ),
            (
                ('kind = "Poster"', 0),
                "sessions[3].kind: 'Poster' is the label of kind 'poster'; write kind = \"poster\" "
                "(a kind is named by its id)",
            ),
        ],
    ),
    (
        "a subcategory in other letter case",
        edit(
            'name = "Outstanding Main Track Papers"',
            'name = "Outstanding Main Track Papers"\nsubcategories = ["Vision", "Language"]',
        ).replace(
            b'category = "outstanding-main-track"',
            b'category = "outstanding-main-track"\nsubcategory = "language"',
            1,
        ),
        [
            (
                ('subcategory = "language"', 0),
                "papers[0].subcategory: 'language' is not a subcategory of 'outstanding-main-track'; "
                "did you mean 'Language'? (defined: 'Vision', 'Language')",
            )
        ],
    ),
    (
        "a slot's time with seconds",
        edit("start = 2023-12-12T15:40:00", "start = 2023-12-12T15:40:30"),
        [
            (
                ("start = 2023-12-12T15:40:30", 0),
                "papers[0].oral.start: expected a time in whole minutes like 2023-12-12T15:40:00 "
                "(calendars and the state file keep no seconds), found 15:40:30",
            )
        ],
    ),
    (
        "a slot's time with a fraction of a second",
        edit("end = 2023-12-12T16:40:00", "end = 2023-12-12T16:40:00.5"),
        [
            (
                ("end = 2023-12-12T16:40:00.5", 0),
                "papers[0].oral.end: expected a time in whole minutes like 2023-12-12T16:40:00 "
                "(calendars and the state file keep no seconds), found 16:40:00.5",
            )
        ],
    ),
    (
        "a session's time with seconds, and posters that take it",
        edit_sessions("end = 2026-10-25T15:00:00", "end = 2026-10-25T14:59:59.999"),
        [
            (
                ("end = 2026-10-25T14:59:59.999", 0),
                "sessions[3].end: expected a time in whole minutes like 2026-10-25T14:59:00 "
                "(calendars and the state file keep no seconds), found 14:59:59.999",
            )
        ],
    ),
    (
        "publish.updated with a fraction of a second",
        edit("updated = 2023-12-11T00:00:00Z", "updated = 2023-12-11T00:00:00.5Z"),
        [
            (
                ("updated = ", 0),
                "publish.updated: expected a stamp in whole seconds like 2023-12-11T00:00:00Z (no "
                "fraction: DTSTAMP and the state file keep whole seconds), found 2023-12-11T00:00:00.5Z",
            )
        ],
    ),
    (
        "publish.updated with a fraction of a second and an offset",
        edit("updated = 2023-12-11T00:00:00Z", "updated = 2023-12-11T06:00:59.000001-06:00"),
        [
            (
                ("updated = ", 0),
                "publish.updated: expected a stamp in whole seconds like 2023-12-11T06:00:59-06:00 (no "
                "fraction: DTSTAMP and the state file keep whole seconds), found "
                "2023-12-11T06:00:59.000001-06:00",
            )
        ],
    ),
    (
        "an unknown time zone, with posters that take their session's times",
        edit_sessions('timezone = "Europe/Berlin"', 'timezone = "Europe/Berln"'),
        [
            (
                ("timezone = ", 0),
                "conference.timezone: unknown time zone 'Europe/Berln'; did you mean 'Europe/Berlin'? "
                "(expected an IANA name like 'America/Chicago')",
            )
        ],
    ),
    (
        "a session's start that happens twice, with posters that take their session's times",
        edit_sessions("start = 2026-10-25T13:00:00", "start = 2026-10-25T02:30:00"),
        [
            (
                ("start = 2026-10-25T02:30:00", 0),
                "sessions[3].start: 2026-10-25 02:30 happens twice in Europe/Berlin: clocks go back "
                "from 03:00 to 02:00 (CEST → CET), so 02:00–02:59 comes twice; expected a time up to "
                "01:59 or from 03:00",
            )
        ],
    ),
    (
        "a day the month does not have",
        edit("end = 2023-12-12T16:40:00", "end = 2023-12-32T16:40:00"),
        [
            (
                ("end = 2023-12-32T16:40:00", 0),
                "not valid TOML: Expected newline or end of document after a statement (column 11); "
                f"2023-12-32T16:40:00 is not a date-time: December 2023 has 31 days; {WRITE_DATES}",
            )
        ],
    ),
    (
        "a day the month does not have, in a valid pattern",
        edit("end = 2023-12-16", "end = 2023-11-31"),
        [
            (
                ("end = 2023-11-31", 0),
                "not valid TOML: Invalid date or datetime (column 7); "
                f"2023-11-31 is not a date: November 2023 has 30 days; {WRITE_DATES}",
            )
        ],
    ),
]


def rendered(data: bytes, expected: Expected, path: Path) -> list[str]:
    lines = data.decode("utf-8", errors="replace").split("\n")  # TOML lines end at LF only
    result = []
    offset = data.find(b"\xf6")
    for where, message in expected:
        if where is None:
            result.append(f"{path}: {message.format(offset=offset)}")
            continue
        needle, nth = where
        number = [i for i, line in enumerate(lines, start=1) if needle in line][nth]
        result.append(f"{path}:{number}: {message.format(offset=offset, line_before=number - 1)}")
    return result


@pytest.mark.parametrize(("data", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_reported_and_nothing_is_written(
    data: bytes, expected: Expected, tmp_path: Path
) -> None:
    events = tmp_path / "events.toml"
    events.write_bytes(data)
    output = tmp_path / "output"
    output.mkdir()
    (output / "all.ics").write_bytes(b"previous build\r\n")
    before = snapshot(output)

    result = CliRunner().invoke(cli, ["build", str(events), "-o", str(output)])

    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    problems = rendered(data, expected, events)
    count = "1 problem" if len(problems) == 1 else f"{len(problems)} problems"
    assert result.output == f"Error: {count} in the events file:\n" + "".join(f"  {p}\n" for p in problems)
    assert snapshot(output) == before


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    data = edit('board = "#1523"', "board = 1523")
    data = data.replace(b'id = "word2vec"', b'id = "Word2Vec"').replace(b'timezone = "America/Chicago"', b"")
    events = tmp_path / "events.toml"
    events.write_bytes(data)
    result = CliRunner().invoke(cli, ["build", str(events), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.output.startswith("Error: 3 problems in the events file:\n")
    for fragment in ("missing key 'timezone'", "papers[0].poster.board", "papers[6].id: 'Word2Vec'"):
        assert fragment in result.output
    assert not (tmp_path / "out").exists()


def test_missing_events_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["build", str(tmp_path / "nope.toml"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.output == f"Error: 1 problem in the events file:\n  {tmp_path / 'nope.toml'}: {NOT_FOUND}\n"
    assert not (tmp_path / "out").exists()


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    """Some Windows editors start UTF-8 files with U+FEFF; TOML does not allow it, so it is dropped."""
    events = tmp_path / "events.toml"
    events.write_bytes(b"\xef\xbb\xbf" + SHIPPED.encode())
    result = CliRunner().invoke(cli, ["build", str(events), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "all.ics").read_bytes() == (EVENTS.parent / "output" / "all.ics").read_bytes()


@pytest.mark.parametrize(
    "value",
    ['[["a"]]', "{ a = { b = 1 } }", "[{ a = 1 }, { b = [2] }]", "[1, [2, [3]]]", '["x", 1]'],
)
@pytest.mark.parametrize("key", ["speakers", "room", "extra"])
def test_messages_describe_values_without_python_reprs(tmp_path: Path, value: str, key: str) -> None:
    events = tmp_path / "events.toml"
    replacement = f"room = {value}" if key == "room" else f'room = "RO6-RO9"\n{key} = {value}'
    events.write_bytes(edit('room = "RO6-RO9"', replacement))
    result = CliRunner().invoke(cli, ["build", str(events), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    for marker in ("['", "{'", "('", "[[1", '{"', "Traceback"):
        assert marker not in result.output, result.output


def test_authors_written_as_a_string_is_one_problem(tmp_path: Path) -> None:
    text = EVENTS.read_text(encoding="utf-8")
    first = re.search(r"^authors = \[.*?\]$", text, flags=re.MULTILINE | re.DOTALL)
    assert first is not None
    events = tmp_path / "events.toml"
    events.write_text(text.replace(first.group(0), 'authors = "Thomas Steinke"', 1), encoding="utf-8")
    with pytest.raises(EventsFileError) as error:
        load(events)
    messages = [problem.message for problem in error.value.problems]
    assert len(messages) == 1, messages
    assert "expected an array" in messages[0]


@pytest.mark.parametrize(
    ("line", "column", "hint"),
    [
        ("end = 2026-10-32", 11, f"; 2026-10-32 is not a date: October 2026 has 31 days; {WRITE_DATES}"),
        ("end = 2028-02-30", 7, f"; 2028-02-30 is not a date: February 2028 has 29 days; {WRITE_DATES}"),
        (
            "start = 2026-13-01T09:00:00",
            13,
            f"; 2026-13-01T09:00:00 is not a date-time: there is no month 13 (months run from 01 to 12); "
            f"{WRITE_DATES}",
        ),
        (
            "start = 2026-10-24T25:00:00  # late",
            19,
            f"; 2026-10-24T25:00:00 is not a date-time: hour 25 is out of range (00 to 23); {WRITE_DATES}",
        ),
        (
            "start = 2026-10-24 9:00:00",
            19,
            f"; 2026-10-24 9:00:00 is not a date-time: the hour takes two digits (09); {WRITE_DATES}",
        ),
        (
            "day = 2026-10-00",
            7,
            f"; 2026-10-00 is not a date: there is no day 00 (days run from 01 to 31); {WRITE_DATES}",
        ),
        ("day = 0000-02-29", 7, ""),  # a day of a leap year (year 0000 is the parser's to refuse)
        ("day = 26-10-24", 9, f"; 26-10-24 is not a date: the year takes four digits; {WRITE_DATES}"),
        (
            "updated = 2026-10-01T12:00:00+24:00",
            30,
            f"; 2026-10-01T12:00:00+24:00 is not a date-time: offset hour 24 is out of range (00 to 23); "
            f"{WRITE_DATES}",
        ),
        (
            "days = [2026-10-24, 2026-10-32]",
            28,
            f"; 2026-10-32 is not a date: October 2026 has 31 days; {WRITE_DATES}",
        ),
        ("end = 2026-10-24T10:30:00x", 26, ""),  # a valid date-time: the problem is after it
        ('title = "2026-10-32" x', 22, ""),  # in a string
        ('days = [2026-10-32, "a" "b"]', 25, ""),  # the parser stopped elsewhere on the line
        ("n = 1-2-3", 6, ""),  # not written like a date
    ],
)
def test_a_date_or_time_that_does_not_exist_is_explained(line: str, column: int, hint: str) -> None:
    assert date_time_hint(line, column) == hint


# check loads with the build's loader: the same problems, as its findings.
CHECKED_TOO = [c for c in CASES if "session" in c[0] or "second" in c[0]]


@pytest.mark.parametrize(
    ("data", "expected"),
    [c[1:] for c in CHECKED_TOO],
    ids=[c[0] for c in CHECKED_TOO],
)
def test_check_reports_the_problems_build_refuses(data: bytes, expected: Expected, tmp_path: Path) -> None:
    events = tmp_path / "events.toml"
    events.write_bytes(data)

    result = CliRunner().invoke(cli, ["check", str(events)])

    assert result.exit_code == 2, result.output
    problems = rendered(data, expected, events)
    count = "1 error" if len(problems) == 1 else f"{len(problems)} errors"
    listed = "".join(f"  invalid: {p}\n" for p in problems)
    assert result.output == f"errors:\n{listed}{events}: {count}, 0 warnings, 0 info\n"


@pytest.mark.parametrize(("command", "status"), [("build", 1), ("check", 2), ("diff", 2)])
def test_an_integer_too_long_to_read_is_bad_input(command: str, status: int, tmp_path: Path) -> None:
    """Python refuses to read a decimal integer of more than 4300 digits (ValueError, not
    TOMLDecodeError): the file's problem with its line and the documented status, not a traceback
    nor Python's advice to raise the limit."""
    events = tmp_path / "events.toml"
    events.write_bytes(SHIPPED.encode() + b"\nx = " + b"1" * 5000 + b"\n")
    line = SHIPPED.count("\n") + 2
    arguments = [str(events)] if command == "check" else [str(events), "-o", str(tmp_path / "out")]

    result = CliRunner().invoke(cli, [command, *arguments])

    assert result.exit_code == status, result.output
    message = f"{events}:{line}: {beyond('11111111111111111111… (5000 digits)')}"
    assert message in result.output
    assert "Traceback" not in result.output
    assert "set_int_max_str_digits" not in result.output
    assert not (tmp_path / "out").exists()


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from(list("ab=[]{}\",.:#\n '“1TF")), max_size=40))
def test_any_syntax_error_gets_a_message_and_its_line(text: str) -> None:
    """The hints read the line the parser names: whatever the text, they never fail themselves,
    and the message stays one line that begins with the parser's."""
    try:
        tomli.loads(text)
        return
    except tomli.TOMLDecodeError as error:
        raw = str(error)
    message, line = toml_error(raw, text)
    parsed = re.split(r" \(column | at the end of the file", message)[0]
    assert parsed in raw.replace("('", "").replace("',)", "")
    assert "\n" not in message  # one line of the report
    assert line is None or 1 <= line <= text.count("\n") + 1


def test_a_sub_table_after_another_entry_is_refused_with_where_toml_puts_it(tmp_path: Path) -> None:
    """TOML puts [papers.poster] in the last [[papers]] entry above it, even after an [[items]]
    entry: the slot meant for the item (or for another paper) would silently be that paper's."""
    poster = '[papers.poster]\nsession = "Poster session 4"'
    text = SHIPPED.replace(poster, '[[items]]\nid = "lunch"\ntitle = "Lunch"\n\n' + poster, 1)
    events = tmp_path / "events.toml"
    events.write_text(text, encoding="utf-8")
    lines = text.split("\n")
    items = lines.index("[[items]]") + 1
    header = items + 4
    paper = max(i for i, line in enumerate(lines[:items], start=1) if line == "[[papers]]")
    index = lines[:items].count("[[papers]]") - 1
    assert lines[paper - 1 :].index('id = "climsim"') == 1  # the paper it lands in
    result = CliRunner().invoke(cli, ["build", str(events), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.output == (  # with the other problems of the file: the item left without its slot
        "Error: 2 problems in the events file:\n"
        f"  {events}:{items}: items[0]: no events: expected an oral, a poster or a talk\n"
        f"  {events}:{header}: papers[{index}].poster: [papers.poster] comes after [[items]] (line {items}), "
        f"but TOML puts it in papers[{index}], the last [[papers]] entry above it: move it under the "
        "[[papers]] entry it belongs to, or, if it belongs to the table above it, name that table in its "
        "header\n"
    )
    assert not (tmp_path / "out").exists()


def test_a_mistyped_list_header_is_named_among_the_other_problems(tmp_path: Path) -> None:
    """[[item]] for [[items]] in the middle of the file: the sub-table below it is not "after another
    table" (advice that leads to [item.keynote]); the typo is named, with the file's other problems."""
    text = SESSIONS.replace('[[items]]\nid = "federated-eval"', '[[item]]\nid = "federated-eval"', 1)
    text = text.replace('board = "P3"', 'board = "P3"\nroom = "hall-z"', 1)
    events = tmp_path / "events.toml"
    events.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(events)])
    assert result.exit_code == 2, result.output
    assert "comes after" not in result.output
    lines = text.split("\n")
    typo = lines.index("[[item]]") + 1
    assert f"{events}:{typo}: item: unknown table [[item]]; did you mean [[items]]?" in result.output
    assert "room" in result.output.split(f"{events}:{typo}:")[1]  # the problem below it is reported too


def test_sub_tables_under_their_own_entry_are_not_misplaced() -> None:
    """Each paper's slots under it, tables of other kinds between entries: nothing to report."""
    text = SHIPPED + '\n[kinds]\nkeynote = { label = "Keynote" }\n'
    assert misplaced_tables(text, tomli.loads(text)) == []


@pytest.mark.parametrize(
    "inside",
    [
        pytest.param("[1] Steinke et al. 2023\n[1]: https://example.org/", id="references"),
        pytest.param("[conference]\n[[items]]", id="lines like real headers"),
        pytest.param('[kinds] \\""" still inside', id="an escaped quote"),
    ],
)
def test_a_header_like_line_in_a_multi_line_string_is_text(inside: str) -> None:
    """Lines of an abstract that read like headers are not headers: the file is valid as it is."""
    text = SHIPPED.replace('abstract = """', f'abstract = """\n{inside}', 1)
    document = tomli.loads(text)
    assert inside.split("\n")[0].split(" ")[0] in document["papers"][0]["abstract"]
    assert misplaced_tables(text, document) == []
    assert parse(text.encode(), name="events.toml").papers


def test_a_quoted_header_is_an_entry_like_any_other() -> None:
    text = SHIPPED.replace("[[papers]]", '[["papers"]]').replace("[papers.oral]", '[ papers . "oral" ]')
    assert misplaced_tables(text, tomli.loads(text)) == []


@pytest.mark.parametrize(
    ("line", "hint"),
    [
        (
            "authors = [Thomas Steinke, Milad Nasr]",
            '; a text value takes quotes, in an array or an inline table too: ["a", "b"]',
        ),
        (
            "x = { a = 1, b = Lunch }",
            '; a text value takes quotes, in an array or an inline table too: ["a", "b"]',
        ),
        ("x = [True]", "; TOML writes true and false in lowercase"),
        (
            'title = "Version 2.0" extra',
            "; expected the end of the line (or a # comment) after the value: text",
        ),
        ("x = 1.5 2", "; expected the end of the line (or a # comment) after the value: text"),
        ("[conference] x", "; expected the end of the line (or a # comment) after a table's header"),
        ("start = 3pm", "; write dates as YYYY-MM-DD"),
    ],
)
def test_a_hint_fits_where_the_parser_stopped(line: str, hint: str) -> None:
    text = f"{line}\n"
    with pytest.raises(tomli.TOMLDecodeError) as raised:
        tomli.loads(text)
    message, _ = toml_error(str(raised.value), text)
    assert hint in message


# A key as a header or a key line may write it: bare, or quoted (any text without a dot, a quote,
# a backslash, a bracket or a line end, which this reading leaves alone).
_BARE = st.from_regex(r"[A-Za-z0-9_\-]{1,8}", fullmatch=True)
_QUOTED = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters='."\\[]'), min_size=1, max_size=8
)
_KEYS = st.one_of(_BARE, _QUOTED.map(lambda key: f'"{key}"'))


@settings(max_examples=200, deadline=None)
@given(
    tables=st.lists(
        st.tuples(st.booleans(), st.lists(_KEYS, min_size=1, max_size=3), _KEYS), min_size=1, max_size=6
    ),
    spacing=st.sampled_from(["", " "]),
)
def test_the_locator_finds_every_header_and_key_a_parser_reads(
    tables: list[tuple[bool, list[str], str]], spacing: str
) -> None:
    """Every table, entry and key of a document written with headers, bare or quoted, is found on
    its own line: the Locator reads headers and keys as the parser does."""
    from confcal.load.locate import Locator

    lines: list[str] = []
    expected: dict[str, int] = {}
    given: set[str] = set()  # the names used, as dotted text: no table is nested in another here
    for is_array, name, key in tables:
        path = ".".join(part.strip('"') for part in name)
        if any(other == path or other.startswith((path + ".", path + "[")) for other in given):
            continue
        if any(path.startswith(other + ".") for other in given):
            continue  # inside a table or list given above: TOML's rules for it are not this test's
        brackets = ("[[", "]]") if is_array else ("[", "]")
        lines.append(f"{brackets[0]}{spacing}{(spacing + '.' + spacing).join(name)}{spacing}{brackets[1]}")
        table = f"{path}[0]" if is_array else path
        given.add(path)
        expected[table] = len(lines)
        lines.append(f"{key} = 1")
        expected[f"{table}.{key.strip(chr(34))}"] = len(lines)
    text = "\n".join(lines) + "\n"
    tomli.loads(text)  # the document is valid TOML
    locator = Locator(text)
    assert {path: locator.line(path) for path in expected} == expected


def test_a_duplicate_id_is_reported_on_the_later_entry_in_the_file(tmp_path: Path) -> None:
    """Items are written above papers in this file: the duplicate is the paper (below), and
    "first at" names the item with its line, not a path further down the file."""
    lines = SESSIONS.split("\n")
    item_id = lines[lines.index("[[items]]") + 1]  # the first item's id line
    paper_at = lines.index("[[papers]]") + 1
    text = "\n".join([*lines[:paper_at], item_id, *lines[paper_at + 1 :]])
    events = tmp_path / "events.toml"
    events.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(events), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    first = lines.index(item_id) + 1
    identifier = item_id.split('"')[1]
    assert result.output == (
        "Error: 1 problem in the events file:\n"
        f"  {events}:{paper_at + 1}: papers[0].id: duplicate item id {identifier!r} "
        f"(first at items[0], line {first})\n"
    )


def test_a_mistyped_list_header_above_a_slot_of_the_same_kind_is_named(tmp_path: Path) -> None:
    """[[item]] for [[items]] above an [items.oral] when the item above has an oral too: TOML
    refuses the file ("Cannot declare items.oral twice"); the message names the header above,
    not [[items.oral]], which would be wrong advice."""
    lines = SESSIONS.split("\n")
    second = [i for i, line in enumerate(lines) if line == "[[items]]"][-1]  # an item with an oral
    lines[second] = "[[item]]"
    text = "\n".join(lines)
    events = tmp_path / "events.toml"
    events.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(events)])
    assert result.exit_code == 2, result.output
    oral = lines.index("[items.oral]", second) + 1
    assert (
        f"{events}:{oral}: not valid TOML: Cannot declare items.oral twice (column 12); [[item]] "
        f"(line {second + 1}) is not a table of the file; did you mean [[items]]? As it is, [items.oral] "
        "belongs to the entry above that header, which has one already"
    ) in result.output
