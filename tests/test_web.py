"""confcal.web:app under gunicorn itself: personal feeds, files, compression, conditional GET, bad
input, rebuilds."""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

import pytest

from confcal import web
from confcal.build import build
from confcal.http_headers import GivenDates, accepts_gzip, compressible, last_modified
from confcal.picks import MAX_PICKS, pick_key
from tests.gunicorn import Reply, gunicorn, request
from tests.helpers import parse_events, restamped
from tests.test_serve import check_paths, lay_out_paths

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "output"
CONFERENCE = "neurips-2023"
PICKED = ("climsim.oral", "word2vec.talk", "decodingtrust.poster")
UPLOADED = 1_702_371_600
"""12 Dec 2023 09:00 UTC: when the served copies' files were written, as on a host that got them then."""


def vevents(data: bytes) -> dict[str, bytes]:
    """UID → VEVENT block, cut from the text with a regular expression (not confcal's code)."""
    blocks = re.findall(rb"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", data, flags=re.DOTALL)
    return {_first(rb"\r\nUID:([^\r]*)\r\n", block).decode(): block for block in blocks}


def _first(pattern: bytes, data: bytes) -> bytes:
    match = re.search(pattern, data)
    assert match is not None, pattern
    return match[1]


def vtimezones(data: bytes) -> list[bytes]:
    return re.findall(rb"BEGIN:VTIMEZONE\r\n.*?END:VTIMEZONE\r\n", data, flags=re.DOTALL)


def uid(event_id: str) -> str:
    return f"{CONFERENCE}.{event_id}@confcal"


def path_of(*event_ids: str) -> str:
    return "/picks/" + "-".join(pick_key(event_id) for event_id in event_ids) + ".ics"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The committed output folder (a copy) under gunicorn with 2 workers."""
    output = tmp_path_factory.mktemp("web") / "output"
    shutil.copytree(OUTPUT, output)
    for path in output.rglob("*"):
        os.utime(path, (UPLOADED, UPLOADED))
    with gunicorn(output) as url:
        yield url, output


def test_personal_feed_holds_the_picked_events_byte_for_byte(served: tuple[str, Path]) -> None:
    url, output = served
    published = (output / "all.ics").read_bytes()
    reply = request(url, path_of(*PICKED), headers={"Accept-Encoding": "gzip, br"})
    assert reply.status == 200
    assert reply.headers["content-type"] == "text/calendar; charset=utf-8"
    assert "content-encoding" not in reply.headers
    assert int(reply.headers["content-length"]) == len(reply.body)
    assert re.fullmatch(r'"[0-9a-f]{32}"', reply.headers["etag"])
    assert reply.headers["last-modified"] == "Tue, 12 Dec 2023 09:00:00 GMT"  # UPLOADED
    served_events = vevents(reply.body)
    assert set(served_events) == {uid(event_id) for event_id in PICKED}
    for key, block in served_events.items():
        assert block == vevents(published)[key]
    assert vtimezones(reply.body) == vtimezones(published)
    assert b"\r\nNAME:NeurIPS 2023: my 3 picks\r\n" in reply.body
    assert b"\r\nX-WR-CALNAME:NeurIPS 2023: my 3 picks\r\n" in reply.body
    assert reply.body.endswith(b"END:VEVENT\r\nEND:VCALENDAR\r\n")
    assert {event.uid for event in parse_events(reply.body)} == {uid(event_id) for event_id in PICKED}
    # Events come in programme order whatever the order of the link, so the bytes are the same.
    again = request(url, path_of(*reversed(PICKED)))
    assert again.body == reply.body
    assert again.headers["etag"] == reply.headers["etag"]


def test_a_link_shared_from_an_earlier_version_still_gets_its_events(served: tuple[str, Path]) -> None:
    """The keys are literal, as in a link shared before: a change of pick_key would break it."""
    url, _ = served
    reply = request(url, "/picks/gb3ka4jn-x64zsrlz-ivxub7rx.ics")
    assert reply.status == 200
    assert sorted(vevents(reply.body)) == sorted(uid(event_id) for event_id in PICKED)


def test_every_published_event_can_be_picked(served: tuple[str, Path]) -> None:
    url, output = served
    published = vevents((output / "all.ics").read_bytes())
    event_ids = [key.removeprefix(f"{CONFERENCE}.").removesuffix("@confcal") for key in published]
    reply = request(url, path_of(*event_ids))
    assert reply.status == 200
    assert vevents(reply.body) == published


def test_conditional_get_and_head(served: tuple[str, Path]) -> None:
    url, _ = served
    path = path_of(*PICKED)
    first = request(url, path)
    cached = request(url, path, headers={"If-None-Match": first.headers["etag"]})
    assert (cached.status, cached.body) == (304, b"")
    assert cached.headers["etag"] == first.headers["etag"]
    listed = request(url, path, headers={"If-None-Match": f'"stale", {first.headers["etag"]}'})
    assert listed.status == 304
    assert request(url, path, headers={"If-None-Match": '"stale"'}).status == 200
    since = request(url, path, headers={"If-Modified-Since": first.headers["last-modified"]})
    assert since.status == 304
    other = request(url, path_of(*PICKED[:2]), headers={"If-None-Match": first.headers["etag"]})
    assert other.status == 200
    head = request(url, path, method="HEAD")
    assert (head.status, head.body) == (200, b"")
    assert head.headers["content-length"] == first.headers["content-length"]
    assert head.headers["etag"] == first.headers["etag"]


@pytest.mark.parametrize(
    ("path", "file", "content_type"),
    [
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/all.ics", "all.ics", "text/calendar; charset=utf-8"),
        ("/papers/word2vec.ics?utm=x", "papers/word2vec.ics", "text/calendar; charset=utf-8"),
    ],
)
def test_output_files_are_served(served: tuple[str, Path], path: str, file: str, content_type: str) -> None:
    url, output = served
    reply = request(url, path)
    assert reply.status == 200
    assert reply.headers["content-type"] == content_type
    assert reply.body == (output / file).read_bytes()
    assert request(url, path, headers={"If-None-Match": reply.headers["etag"]}).status == 304


TOO_MANY = "-".join(["aaaaaaaa"] * (MAX_PICKS + 1))


@pytest.mark.parametrize(
    ("method", "path", "status", "reason"),
    [
        ("GET", "/picks/.ics", 400, "no picks: a personal feed is /picks/<key>-<key>….ics"),
        ("GET", "/picks/ABCDEFGH.ics", 400, "malformed pick 'ABCDEFGH': a pick is 8 characters a-z and 2-7"),
        ("GET", "/picks/abc.ics", 400, "malformed pick 'abc': a pick is 8 characters a-z and 2-7"),
        ("GET", "/picks/%0a%00x.ics", 400, "malformed pick '\\n\\x00x': a pick is 8 characters a-z and 2-7"),
        (
            "GET",
            "/picks/aaaaaaaa--bbbbbbbb.ics",
            400,
            "malformed pick '': a pick is 8 characters a-z and 2-7",
        ),
        ("GET", "/picks/aaaaaaaa.ics", 404, "unknown pick aaaaaaaa: no event of this programme has that key"),
        ("GET", "/picks/aaaaaaaa", 404, "a personal feed is /picks/<key>-<key>….ics"),
        ("GET", f"/picks/{'a' * 3700}.ics", 414, "request too long: a personal feed holds at most 400 picks"),
        # Past gunicorn's default request line (4094), up to the one confcal.gunicorn_config sets.
        ("GET", f"/picks/{'a' * 4100}.ics", 414, "request too long: a personal feed holds at most 400 picks"),
        ("GET", f"/picks/{'a' * 8166}.ics", 414, "request too long: a personal feed holds at most 400 picks"),
        (
            "GET",
            f"/picks/{TOO_MANY[:-9]}-aaaaaaaa.ics",
            414,
            "request too long: a personal feed holds at most 400 picks",
        ),
        ("GET", "/nothing.ics", 404, "not found: /nothing.ics"),
        ("GET", "/../events.toml", 404, "not found: /../events.toml"),
        ("GET", "/%2e%2e/events.toml", 404, "not found: /../events.toml"),
        ("GET", "/" + "x" * 300, 404, "not found: /" + "x" * 79 + "…"),
        ("POST", path_of(*PICKED), 405, "only GET and HEAD are allowed"),
        ("DELETE", "/all.ics", 405, "only GET and HEAD are allowed"),
    ],
)
def test_bad_requests_get_a_4xx_with_a_one_line_reason(
    served: tuple[str, Path], method: str, path: str, status: int, reason: str
) -> None:
    url, _ = served
    reply = request(url, path, method=method)
    assert reply.status == status
    assert reply.headers["content-type"] == "text/plain; charset=utf-8"
    assert reply.body.decode() == reason + "\n"


def raw_status_line(url: str, request_line: str) -> tuple[bytes, bytes]:
    """The status line and body of the answer to ``request_line``, sent as is over a socket."""
    host, port = url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=30) as connection:
        connection.sendall(f"{request_line}\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    return head.split(b"\r\n")[0], body


def test_links_longer_than_gunicorns_limit_get_gunicorns_own_414(served: tuple[str, Path]) -> None:
    """A request line of 8190 characters still reaches the service; one more gets gunicorn's page
    (the README says so)."""
    url, _ = served
    longest = "GET /picks/" + "a" * (8190 - len("GET /picks/.ics HTTP/1.1")) + ".ics HTTP/1.1"
    assert len(longest) == 8190
    status, body = raw_status_line(url, longest)
    assert (status, body) == (
        b"HTTP/1.1 414 URI Too Long",
        b"request too long: a personal feed holds at most 400 picks\n",
    )
    status, body = raw_status_line(url, longest.replace("/picks/", "/picks/a"))
    assert status == b"HTTP/1.1 414 URI Too Long"
    assert b"<title>URI Too Long</title>" in body


def test_dot_files_are_never_served(served: tuple[str, Path]) -> None:
    url, output = served
    (output / ".all.ics.k3j9_x0q.tmp").write_bytes(b"BEGIN:VCALENDAR\r\n")
    reply = request(url, "/.all.ics.k3j9_x0q.tmp")
    assert reply.status == 404
    assert reply.body.decode() == "not found: /.all.ics.k3j9_x0q.tmp\n"


def test_only_plain_paths_to_files_inside_the_folder_are_served(tmp_path: Path) -> None:
    """The same table as the preview's (tests/test_serve.py): one rule for both."""
    output = tmp_path / "site" / "output"
    shutil.copytree(OUTPUT, output)
    lay_out_paths(output)
    with gunicorn(output, workers=1) as url:
        check_paths(url, output)


def test_a_link_to_100_picks_is_short() -> None:
    keys = [pick_key(f"paper-number-{n}.poster") for n in range(100)]
    link = "https://calendar.example.org/neurips-2023/picks/" + "-".join(keys) + ".ics"
    assert len(link) < 1000
    assert len(set(keys)) == 100


def test_200_concurrent_requests_are_all_answered(served: tuple[str, Path]) -> None:
    url, output = served
    published = vevents((output / "all.ics").read_bytes())
    event_ids = sorted(key.removeprefix(f"{CONFERENCE}.").removesuffix("@confcal") for key in published)
    picks = [event_ids[n % len(event_ids) : n % len(event_ids) + 3] for n in range(200)]

    def fetch(chosen: list[str]) -> tuple[list[str], Reply]:
        return chosen, request(url, path_of(*chosen))

    with ThreadPoolExecutor(max_workers=50) as pool:
        replies = list(pool.map(fetch, picks))
    assert len(replies) == 200
    for chosen, reply in replies:
        assert reply.status == 200
        assert set(vevents(reply.body)) == {uid(event_id) for event_id in chosen}


def test_a_rebuild_during_requests_never_yields_a_partial_calendar(tmp_path: Path, events_copy: Path) -> None:
    output = tmp_path / "output"
    original = events_copy.read_text(encoding="utf-8")
    moved = original.replace("start = 2023-12-13T15:30:00", "start = 2023-12-13T15:20:00")
    assert moved != original
    build(events_copy, output)
    path = path_of(*PICKED)
    stop = threading.Event()
    seen: list[Reply] = []

    def hammer() -> None:
        while not stop.is_set():
            seen.append(request(url, path))

    with gunicorn(output) as url:
        threads = [threading.Thread(target=hammer) for _ in range(4)]
        for thread in threads:
            thread.start()
        try:
            for hour, version in enumerate([moved, original] * 3, start=1):
                before = len(seen)
                events_copy.write_text(restamped(version, f"2023-12-12T{hour:02}:00:00Z"), encoding="utf-8")
                build(events_copy, output)
                # Requests run on through each build and after it, however busy the machine is.
                deadline = time.monotonic() + 30
                while len(seen) < before + 8 and time.monotonic() < deadline:
                    time.sleep(0.01)
        finally:
            stop.set()
            for thread in threads:
                thread.join()
        final = request(url, path)
    assert len(seen) >= 6 * 8
    for reply in [*seen, final]:
        assert reply.status == 200
        assert reply.body.endswith(b"END:VEVENT\r\nEND:VCALENDAR\r\n")
        assert int(reply.headers["content-length"]) == len(reply.body)
        assert len(parse_events(reply.body)) == 3
    sequences = {_first(rb"\r\nSEQUENCE:(\d+)", vevents(r.body)[uid("climsim.oral")]) for r in seen}
    assert len(sequences) > 1, "the rebuilds were seen"
    assert b"SEQUENCE:6" in vevents(final.body)[uid("climsim.oral")]
    published = vevents((output / "all.ics").read_bytes())
    assert vevents(final.body) == {uid(event_id): published[uid(event_id)] for event_id in PICKED}


def test_a_removed_event_leaves_and_a_moved_one_moves(tmp_path: Path, events_copy: Path) -> None:
    output = tmp_path / "output"
    build(events_copy, output)
    with gunicorn(output, workers=1) as url:
        path = path_of(*PICKED)
        before = request(url, path)
        text = events_copy.read_text(encoding="utf-8")
        without_word2vec = text[: text.index('[[papers]]\nid = "word2vec"')]
        events_copy.write_text(
            restamped(without_word2vec.replace("start = 2023-12-13T15:30:00", "start = 2023-12-13T15:20:00")),
            encoding="utf-8",
        )
        build(events_copy, output)
        after = request(url, path)
        unknown = request(url, path_of("no-such-paper.oral"))
    assert before.status == after.status == 200
    assert set(vevents(after.body)) == {uid("climsim.oral"), uid("decodingtrust.poster")}
    moved = vevents(after.body)[uid("climsim.oral")]
    assert b"DTSTART;TZID=America/Chicago:20231213T152000\r\n" in moved
    assert b"SEQUENCE:1\r\n" in moved
    assert after.headers["etag"] != before.headers["etag"]
    assert unknown.status == 404


def test_confcal_serve_previews_the_personal_feeds(tmp_path: Path, events_copy: Path) -> None:
    """The preview answers /picks/… with the same application: bytes, 304, reasons."""
    from tests.test_serve import Serve

    process = Serve(events_copy, tmp_path / "output")
    try:
        url = process.url.rstrip("/")
        published = vevents(request(url, "/all.ics").body)
        reply = request(url, path_of(*PICKED))
        cached = request(url, path_of(*PICKED), headers={"If-None-Match": reply.headers["etag"]})
        head = request(url, path_of(*PICKED), method="HEAD")
        bad = request(url, "/picks/abc.ics")
        unknown = request(url, "/picks/aaaaaaaa.ics")
    finally:
        process.stop()
    assert reply.status == 200
    assert reply.headers["content-type"] == "text/calendar; charset=utf-8"
    assert reply.headers["cache-control"] == "no-cache"
    assert vevents(reply.body) == {uid(event_id): published[uid(event_id)] for event_id in PICKED}
    assert b"\r\nNAME:NeurIPS 2023: my 3 picks\r\n" in reply.body
    assert (cached.status, cached.body) == (304, b"")
    assert (head.status, head.body, head.headers["content-length"]) == (200, b"", str(len(reply.body)))
    assert (bad.status, bad.body) == (400, b"malformed pick 'abc': a pick is 8 characters a-z and 2-7\n")
    assert unknown.status == 404


# -- Last-Modified: moves with every change a personal feed can see -------------------------


def written_at(output: Path, when: int) -> None:
    """Date all.ics as written at ``when``, as if its build had run then (not this second)."""
    os.utime(output / "all.ics", (when, when))


def test_if_modified_since_gets_the_new_feed_after_a_removal_or_a_rebuild(
    tmp_path: Path, events_copy: Path
) -> None:
    """A removed pick, and then a move, change the feed's bytes: a client revalidating with the
    Last-Modified it holds gets them. An unchanged folder: 304."""
    output = tmp_path / "output"
    build(events_copy, output)
    path = path_of(*PICKED)
    text = events_copy.read_text(encoding="utf-8")
    without_word2vec = restamped(text[: text.index('[[papers]]\nid = "word2vec"')])
    moved = restamped(
        without_word2vec.replace("start = 2023-12-13T15:30:00", "start = 2023-12-13T15:20:00"),
        "2023-12-13T00:00:00Z",
    )
    assert "T15:20:00" in moved
    with gunicorn(output, workers=1) as url:
        written_at(output, UPLOADED + 3600)
        first = request(url, path)
        held = first.headers["last-modified"]
        build(events_copy, output)  # the same events: all.ics is left alone
        unchanged = request(url, path, headers={"If-Modified-Since": held})
        assert (unchanged.status, unchanged.body) == (304, b"")

        events_copy.write_text(without_word2vec, encoding="utf-8")
        build(events_copy, output)
        removed = request(url, path, headers={"If-Modified-Since": held})
        assert removed.status == 200
        assert set(vevents(removed.body)) == {uid("climsim.oral"), uid("decodingtrust.poster")}
        assert removed.body == request(url, path).body

        written_at(output, UPLOADED + 7200)
        held = request(url, path).headers["last-modified"]
        assert request(url, path, headers={"If-Modified-Since": held}).status == 304
        events_copy.write_text(moved, encoding="utf-8")
        build(events_copy, output)
        rebuilt = request(url, path, headers={"If-Modified-Since": held})
        assert rebuilt.status == 200
        assert (
            b"DTSTART;TZID=America/Chicago:20231213T152000\r\n" in vevents(rebuilt.body)[uid("climsim.oral")]
        )
        assert b"\r\nDTSTAMP:20231213T000000Z\r\n" in vevents(rebuilt.body)[uid("climsim.oral")]
        later = rebuilt.headers.get("last-modified")
        assert later is None or parsedate_to_datetime(later) > parsedate_to_datetime(held)


def test_no_last_modified_while_a_second_write_could_carry_the_same_date(tmp_path: Path) -> None:
    """During the second all.ics was written (or at a time still to come) a date could stand for
    two versions: none is given, and If-Modified-Since gets the feed; the ETag still validates."""
    output = tmp_path / "output"
    shutil.copytree(OUTPUT, output)
    ahead = int(time.time()) + 3600
    os.utime(output / "all.ics", (ahead, ahead))
    with gunicorn(output, workers=1) as url:
        reply = request(url, path_of(*PICKED))
        assert reply.status == 200
        assert "last-modified" not in reply.headers
        since = request(url, path_of(*PICKED), headers={"If-Modified-Since": "Fri, 31 Dec 9999 23:59:59 GMT"})
        assert (since.status, since.body) == (200, reply.body)
        assert request(url, path_of(*PICKED), headers={"If-None-Match": reply.headers["etag"]}).status == 304


@pytest.mark.parametrize(
    ("written", "now", "expected"),
    [
        (1_702_252_800_000_000_000, 1_702_252_801_000_000_000, datetime(2023, 12, 11, tzinfo=UTC)),
        (1_702_252_800_999_999_999, 1_702_252_801_000_000_000, datetime(2023, 12, 11, tzinfo=UTC)),
        (1_702_252_800_000_000_000, 1_702_252_800_999_999_999, None),
        (1_702_252_800_500_000_000, 1_702_252_800_400_000_000, None),
        (1_702_252_900_000_000_000, 1_702_252_800_000_000_000, None),
    ],
)
def test_last_modified_is_the_second_of_the_write_once_it_is_over(
    written: int, now: int, expected: datetime | None
) -> None:
    assert last_modified(written, now) == expected


def test_last_modified_of_a_personal_feed_is_when_all_ics_was_written(served: tuple[str, Path]) -> None:
    url, _ = served
    when = format_datetime(datetime.fromtimestamp(UPLOADED, tz=UTC), usegmt=True)
    assert request(url, path_of(*PICKED)).headers["last-modified"] == when
    assert request(url, path_of(*PICKED[:1])).headers["last-modified"] == when


def replace_with(path: Path, data: bytes, when: int) -> None:
    """Put ``data`` at ``path`` as a copy keeping another host's times does: a new file renamed
    over it, dated ``when``."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    os.utime(temporary, (when, when))
    os.replace(temporary, path)


def test_last_modified_never_goes_back_when_new_bytes_have_an_earlier_time(tmp_path: Path) -> None:
    """all.ics replaced by new bytes dated 10 minutes earlier (copied with the times of a host
    whose clock is behind, restored from a backup): a client holding the date given before must
    get the new feed, so no date is given until a write later than it; the old bytes again get
    the date given for them, not an earlier one."""
    output = tmp_path / "output"
    shutil.copytree(OUTPUT, output)
    for file in output.rglob("*"):
        os.utime(file, (UPLOADED, UPLOADED))
    original = (output / "all.ics").read_bytes()
    edited = original.replace(b"Distributed Representations", b"Distributed representations")
    assert edited != original
    picked = path_of(*PICKED)
    with gunicorn(output, workers=1) as url:
        first, whole = request(url, picked), request(url, "/all.ics")
        held = first.headers["last-modified"]
        assert held == whole.headers["last-modified"] == "Tue, 12 Dec 2023 09:00:00 GMT"  # UPLOADED

        replace_with(output / "all.ics", edited, UPLOADED - 600)
        for served, before in ((picked, first), ("/all.ics", whole)):
            changed = request(url, served, headers={"If-Modified-Since": held})
            assert changed.status == 200
            assert changed.body != before.body
            assert changed.headers["etag"] != before.headers["etag"]
            assert "last-modified" not in changed.headers
        assert b"Distributed representations" in request(url, picked).body

        replace_with(output / "all.ics", original, UPLOADED - 1200)
        for served in (picked, "/all.ics"):
            assert request(url, served).headers["last-modified"] == held
            assert request(url, served, headers={"If-Modified-Since": held}).status == 304

        replace_with(output / "all.ics", edited, UPLOADED + 600)
        for served in (picked, "/all.ics"):
            later = request(url, served, headers={"If-Modified-Since": held})
            assert (later.status, later.headers["last-modified"]) == (200, "Tue, 12 Dec 2023 09:10:00 GMT")


EARLIER, GIVEN, LATER = (datetime(2023, 12, 12, 9, minute, tzinfo=UTC) for minute in (0, 10, 20))


@pytest.mark.parametrize(
    ("digest", "modified", "expected"),
    [
        ("same", GIVEN, GIVEN),
        ("same", EARLIER, GIVEN),  # the same bytes, touched back: the date given stays
        ("same", LATER, LATER),
        ("same", None, None),  # during the second of a write
        ("new", LATER, LATER),
        ("new", GIVEN, None),  # the date given already stands for other bytes
        ("new", EARLIER, None),
        ("new", None, None),
    ],
)
def test_given_dates_never_go_back_nor_stay_for_new_bytes(
    digest: str, modified: datetime | None, expected: datetime | None
) -> None:
    dates = GivenDates()
    assert dates.date("all.ics", "same", GIVEN) == GIVEN
    assert dates.date("other.ics", "new", EARLIER) == EARLIER  # each resource on its own
    assert dates.date("all.ics", digest, modified) == expected


# -- Compression: HTML, JSON, XML and Atom gzipped for clients that take it; calendars never -----

COMPRESSED = ["/", "/changes.html", "/schedule.json", "/schedule.xml", "/changes.atom", "/confcal-state.json"]


def file_of(output: Path, path: str) -> bytes:
    return (output / (path.lstrip("/") or "index.html")).read_bytes()


def quoted_digest(data: bytes) -> str:
    return f'"{hashlib.sha256(data).hexdigest()[:32]}"'


@pytest.mark.parametrize("path", COMPRESSED)
def test_text_files_are_gzipped_for_clients_that_accept_it(served: tuple[str, Path], path: str) -> None:
    url, output = served
    data = file_of(output, path)
    packed = request(url, path, headers={"Accept-Encoding": "gzip, deflate, br"})
    plain = request(url, path)
    assert packed.status == plain.status == 200
    assert packed.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in plain.headers
    assert packed.headers["vary"] == plain.headers["vary"] == "Accept-Encoding"
    assert packed.headers["content-type"] == plain.headers["content-type"]
    assert int(packed.headers["content-length"]) == len(packed.body) < len(data)
    assert int(plain.headers["content-length"]) == len(plain.body)
    assert gzip.decompress(packed.body) == plain.body == data
    # Compressed once per version, deterministically (no file name, mtime 0): every request to
    # this instance gets the same bytes.
    assert packed.body == gzip.compress(data, mtime=0)
    assert packed.body[4:8] == b"\0\0\0\0"
    assert request(url, path, headers={"Accept-Encoding": "gzip"}).body == packed.body
    assert packed.headers["etag"] == f'W/{quoted_digest(data)[:-1]}-gzip"'
    assert plain.headers["etag"] == quoted_digest(data)
    assert packed.headers["last-modified"] == plain.headers["last-modified"]
    for method in ("GET", "HEAD"):
        again = request(url, path, method=method, headers={"Accept-Encoding": "gzip"})
        assert {k: v for k, v in again.headers.items() if k != "date"} == {
            k: v for k, v in packed.headers.items() if k != "date"
        }


@pytest.mark.parametrize("path", ["/", "/changes.atom"])
def test_each_encoding_revalidates_with_its_own_etag(served: tuple[str, Path], path: str) -> None:
    url, _ = served
    gzipped = request(url, path, headers={"Accept-Encoding": "gzip"}).headers["etag"]
    identity = request(url, path).headers["etag"]
    assert gzipped != identity
    for accept, etag, other in (("gzip", gzipped, identity), ("identity", identity, gzipped)):
        strong = etag.removeprefix("W/")
        for given in (etag, strong, f"W/{strong}", f'"stale", {etag}'):
            cached = request(url, path, headers={"Accept-Encoding": accept, "If-None-Match": given})
            assert (cached.status, cached.body) == (304, b"")
            assert cached.headers["etag"] == etag
            assert cached.headers["vary"] == "Accept-Encoding"
            assert "content-encoding" not in cached.headers
        # The other encoding's tag is another representation: the full response, in this one.
        fresh = request(url, path, headers={"Accept-Encoding": accept, "If-None-Match": other})
        assert fresh.status == 200
        assert fresh.headers["etag"] == etag
        assert (fresh.headers.get("content-encoding") == "gzip") == (accept == "gzip")


def test_instances_whose_zlib_compresses_otherwise_agree_on_the_gzipped_etag(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """gzip's bytes depend on the zlib it runs with (version, zlib-ng, the header's OS byte):
    two instances may send different gzipped bytes of one file, under one weak ETag, which comes
    from the plain bytes and changes with them."""
    page = b"<!doctype html><p>" + b"Scaling Data-Constrained Language Models. " * 50
    here = web.resource(page, "text/html; charset=utf-8", 0, source="index.html")
    real = gzip.compress

    def elsewhere(data: bytes, compresslevel: int = 9, *, mtime: float | None = None) -> bytes:
        packed = real(data, compresslevel=1, mtime=mtime)
        return packed[:9] + b"\x00" + packed[10:]  # another OS byte, another deflate

    monkeypatch.setattr(gzip, "compress", elsewhere)
    there = web.resource(page, "text/html; charset=utf-8", 0, source="index.html")
    assert here.gzipped is not None
    assert there.gzipped is not None
    assert here.gzipped.body != there.gzipped.body
    assert gzip.decompress(here.gzipped.body) == gzip.decompress(there.gzipped.body) == page
    assert here.gzipped.etag == there.gzipped.etag
    assert here.gzipped.etag.startswith("W/"), "one tag for different bytes: weak, never strong"
    assert here.gzipped.etag != here.etag
    edited = web.resource(page + b"!", "text/html; charset=utf-8", 0, source="index.html")
    assert edited.gzipped is not None
    assert edited.gzipped.etag != here.gzipped.etag


@pytest.mark.parametrize("path", ["/all.ics", "/papers/climsim.ics", path_of(*PICKED)])
def test_calendars_are_never_compressed(served: tuple[str, Path], path: str) -> None:
    url, _ = served
    plain = request(url, path)
    for accept in ("gzip", "*", "gzip;q=1, identity;q=0", "x-gzip"):
        reply = request(url, path, headers={"Accept-Encoding": accept})
        assert reply.status == 200
        assert "content-encoding" not in reply.headers
        assert "vary" not in reply.headers
        assert (reply.body, reply.headers["etag"]) == (plain.body, plain.headers["etag"])


@pytest.mark.parametrize(
    ("accept", "gzipped"),
    [
        ("gzip", True),
        ("*", True),
        ("GZip;Q=0.5", True),
        ("gzip;q=0.5, Identity;q=0.8", False),
        ("x-gzip", True),
        ("identity;q=0.5, gzip;q=0.5", True),
        ("br, *;q=0.1", True),
        ("", False),
        ("identity", False),
        ("br, zstd", False),
        ("gzip;q=0", False),
        ("*;q=0, identity;q=0.1", False),
        ("gzip;q=0.5, identity", False),
        ("gzip;q=oops", False),
    ],
)
def test_the_encoding_follows_accept_encoding_over_the_socket(
    served: tuple[str, Path], accept: str, gzipped: bool
) -> None:
    url, output = served
    reply = request(url, "/schedule.json", headers={"Accept-Encoding": accept})
    assert reply.status == 200
    assert (reply.headers.get("content-encoding") == "gzip") == gzipped
    assert (gzip.decompress(reply.body) if gzipped else reply.body) == file_of(output, "/schedule.json")


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, False),  # no header: identity, which every client can read
        ("", False),
        ("gzip", True),
        (" gzip , deflate ", True),
        ("GZIP", True),
        ("x-gzip", True),
        ("*", True),
        ("deflate, *", True),
        ("gzip;q=0", False),
        ("gzip; q=0.000", False),
        ("gzip;q=0.001", True),
        ("gzip;q=1.000", True),
        ("gzip;q=1.5", False),  # malformed: the entry is left out
        ("gzip;q=", False),
        ("gzip;level=1", True),
        ("gzip;q=0.5, identity", False),
        ("gzip;q=0.5, identity;q=0.5", True),
        ("gzip, identity;q=0", True),
        ("identity;q=0", False),  # nothing acceptable: identity all the same (RFC 9110 §12.5.3)
        ("*;q=0", False),
        ("*;q=0.3", True),  # identity, unnamed, has the quality of *
        ("gzip;q=0.5, *;q=0.8", False),
        ("identity, *;q=0.3", False),
        ("gzip;q=0, *", False),  # named gzip: * does not cover it
        ("gzip, gzip;q=0", False),  # a repeated coding keeps its lowest quality
        ("br;q=1, gzip;q=0.8", True),
    ],
)
def test_accepts_gzip(accept: str | None, expected: bool) -> None:
    assert accepts_gzip(accept) is expected


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("text/html; charset=utf-8", True),
        ("application/json", True),
        ("application/xml", True),
        ("text/xml", True),
        ("application/atom+xml", True),
        ("image/svg+xml", True),
        ("text/css; charset=utf-8", True),
        ("text/calendar; charset=utf-8", False),
        ("image/png", False),
        ("application/octet-stream", False),
    ],
)
def test_compressible(content_type: str, expected: bool) -> None:
    assert compressible(content_type) is expected


def test_a_file_is_compressed_once_per_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    output = tmp_path / "output"
    shutil.copytree(OUTPUT, output)
    calls: list[int] = []
    compress = gzip.compress

    def counted(data: bytes, **options: int) -> bytes:
        calls.append(len(data))
        return compress(data, **options)

    monkeypatch.setattr(gzip, "compress", counted)
    app = web.App(output)

    def get(accept: str) -> bytes:
        replies: list[str] = []
        body = b"".join(
            app(
                {"REQUEST_METHOD": "GET", "PATH_INFO": "/schedule.json", "HTTP_ACCEPT_ENCODING": accept},
                lambda status, headers: replies.append(status),
            )
        )
        assert replies == ["200 OK"]
        return body

    first = get("gzip")
    assert [get(accept) for accept in ("gzip", "gzip", "identity")][:2] == [first, first]
    assert len(calls) == 1
    (output / "schedule.json").write_bytes(b'{"edited": true}' + b" " * 1000)
    assert gzip.decompress(get("gzip")) == b'{"edited": true}' + b" " * 1000
    assert len(calls) == 2
