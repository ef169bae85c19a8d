"""confcal serve over real sockets on 127.0.0.1: headers, conditional GET, methods, traversal, rebuilds."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import http.client
import os
import queue
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from ical.calendar_stream import IcsCalendarStream

from confcal.build import build
from confcal.cli import cli
from confcal.server import PreviewServer

ROOT = Path(__file__).resolve().parent.parent
EVENTS = ROOT / "events.toml"
SECRET = b"outside the output folder"
TIMEOUT = 30.0


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


def request(
    url: str, path: str, *, method: str = "GET", headers: dict[str, str] | None = None, timeout: float = 10
) -> Reply:
    """One request with the path sent exactly as given (no client-side normalisation)."""
    host, port = url.removeprefix("http://").rstrip("/").rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        connection.putrequest(method, path, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        body = response.read()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, body)
    finally:
        connection.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[PreviewServer]:
    """A built output folder served in this process (``server.root``)."""
    output = tmp_path / "site" / "output"
    build(EVENTS, output)
    server = PreviewServer(("127.0.0.1", 0), root=output)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def site(server: PreviewServer) -> tuple[str, Path]:
    """(base URL, output folder) of ``server``."""
    return server.url, server.root


@pytest.mark.parametrize(
    ("path", "file", "content_type"),
    [
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/index.html", "index.html", "text/html; charset=utf-8"),
        ("/all.ics", "all.ics", "text/calendar; charset=utf-8"),
        ("/test-of-time.ics", "test-of-time.ics", "text/calendar; charset=utf-8"),
        ("/papers/word2vec.ics", "papers/word2vec.ics", "text/calendar; charset=utf-8"),
        ("/papers/word2vec.ics?x=1", "papers/word2vec.ics", "text/calendar; charset=utf-8"),
    ],
)
def test_files_are_served_with_charset_content_types(
    site: tuple[str, Path], path: str, file: str, content_type: str
) -> None:
    url, output = site
    reply = request(url, path)
    assert reply.status == 200
    assert reply.headers["content-type"] == content_type
    assert reply.body == (output / file).read_bytes()
    assert int(reply.headers["content-length"]) == len(reply.body)


def test_etag_is_strong_and_from_the_content(site: tuple[str, Path]) -> None:
    url, output = site
    first = request(url, "/all.ics")
    assert first.headers["etag"] == f'"{hashlib.sha256((output / "all.ics").read_bytes()).hexdigest()}"'
    assert request(url, "/outstanding-main-track.ics").headers["etag"] != first.headers["etag"]
    edited = first.body.replace(b"NeurIPS 2023", b"NeurIPS 2O23")
    (output / "all.ics").write_bytes(edited)
    changed = request(url, "/all.ics")
    assert changed.headers["etag"] != first.headers["etag"]
    assert changed.headers["etag"] == f'"{hashlib.sha256(edited).hexdigest()}"'


def test_matching_if_none_match_gets_304_and_a_stale_one_gets_the_file(site: tuple[str, Path]) -> None:
    url, output = site
    written_before(output / "all.ics")
    first = request(url, "/all.ics")
    etag = first.headers["etag"]
    cached = request(url, "/all.ics", headers={"If-None-Match": etag})
    assert cached.status == 304
    assert cached.body == b""
    assert cached.headers["etag"] == etag
    listed = request(url, "/all.ics", headers={"If-None-Match": f'"stale", {etag}'})
    assert listed.status == 304
    stale = request(url, "/all.ics", headers={"If-None-Match": '"stale"'})
    assert stale.status == 200
    assert stale.body == first.body
    # If-None-Match decides even when If-Modified-Since would match (RFC 9110 §13.2.2).
    both = request(
        url,
        "/all.ics",
        headers={"If-None-Match": '"stale"', "If-Modified-Since": first.headers["last-modified"]},
    )
    assert both.status == 200


def written_before(path: Path) -> None:
    """Date ``path`` as written on 12 Dec 2023 09:00:00.25 UTC, as if its build had run then:
    during the second of the write no Last-Modified is given."""
    os.utime(path, ns=(WRITTEN_NS, WRITTEN_NS))


WRITTEN_NS = 1_702_371_600_250_000_000


def test_if_modified_since_gets_304_unless_the_file_is_newer(site: tuple[str, Path]) -> None:
    url, output = site
    written_before(output / "index.html")
    first = request(url, "/index.html")
    assert first.headers["last-modified"] == "Tue, 12 Dec 2023 09:00:00 GMT"
    last_modified = parsedate_to_datetime(first.headers["last-modified"])
    same = request(url, "/index.html", headers={"If-Modified-Since": first.headers["last-modified"]})
    assert same.status == 304
    earlier = format_datetime(last_modified - timedelta(hours=1), usegmt=True)
    assert request(url, "/index.html", headers={"If-Modified-Since": earlier}).status == 200
    assert request(url, "/index.html", headers={"If-Modified-Since": "not a date"}).status == 200


def test_no_last_modified_while_a_second_write_could_carry_the_same_date(site: tuple[str, Path]) -> None:
    """A rebuild may rewrite a file within the second it was written: a date given during that
    second (or a date still to come) could stand for two versions, so none is given, and
    If-Modified-Since gets the file; the ETag still validates. Once the second is over, it is."""
    url, output = site
    ahead = time.time_ns() + 3600 * 10**9
    os.utime(output / "all.ics", ns=(ahead, ahead))
    reply = request(url, "/all.ics")
    assert reply.status == 200
    assert "last-modified" not in reply.headers
    since = request(url, "/all.ics", headers={"If-Modified-Since": "Fri, 31 Dec 9999 23:59:59 GMT"})
    assert (since.status, since.body) == (200, reply.body)
    assert request(url, "/all.ics", headers={"If-None-Match": reply.headers["etag"]}).status == 304
    written_before(output / "all.ics")
    assert request(url, "/all.ics").headers["last-modified"] == "Tue, 12 Dec 2023 09:00:00 GMT"


def test_new_bytes_with_an_earlier_file_time_get_no_last_modified(site: tuple[str, Path]) -> None:
    """A file replaced by new bytes whose time is earlier (a copy that kept a skewed host's times):
    the date given before would match If-Modified-Since, so no date is given until a later write."""
    url, output = site
    written_before(output / "all.ics")
    first = request(url, "/all.ics")
    held = first.headers["last-modified"]
    replace_with(
        output / "all.ics", first.body.replace(b"NeurIPS 2023", b"NeurIPS 2O23"), WRITTEN_NS - 600 * 10**9
    )
    changed = request(url, "/all.ics", headers={"If-Modified-Since": held})
    assert changed.status == 200
    assert changed.body == (output / "all.ics").read_bytes() != first.body
    assert changed.headers["etag"] != first.headers["etag"]
    assert "last-modified" not in changed.headers
    replace_with(output / "all.ics", first.body, WRITTEN_NS - 1200 * 10**9)  # the first bytes again
    assert request(url, "/all.ics").headers["last-modified"] == held  # never earlier than given
    assert request(url, "/all.ics", headers={"If-Modified-Since": held}).status == 304
    replace_with(output / "all.ics", changed.body, WRITTEN_NS + 600 * 10**9)
    later = request(url, "/all.ics", headers={"If-Modified-Since": held})
    assert (later.status, later.headers["last-modified"]) == (200, "Tue, 12 Dec 2023 09:10:00 GMT")


def replace_with(path: Path, data: bytes, written_ns: int) -> None:
    """Put ``data`` at ``path`` as a build or a copy does (a new file renamed over it), dated then."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    os.utime(temporary, ns=(written_ns, written_ns))
    os.replace(temporary, path)


def test_head_sends_the_headers_of_get_without_a_body(site: tuple[str, Path]) -> None:
    url, output = site
    written_before(output / "all.ics")
    get = request(url, "/all.ics")
    head = request(url, "/all.ics", method="HEAD")
    assert head.status == 200
    assert head.body == b""
    for name in ("content-type", "content-length", "etag", "last-modified"):
        assert head.headers[name] == get.headers[name]


def test_ics_is_never_compressed(site: tuple[str, Path]) -> None:
    url, output = site
    reply = request(url, "/all.ics", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert "content-encoding" not in reply.headers
    assert reply.body == (output / "all.ics").read_bytes()


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND"])
def test_methods_other_than_get_and_head_get_405(site: tuple[str, Path], method: str) -> None:
    url, output = site
    before = (output / "all.ics").read_bytes()
    reply = request(url, "/all.ics", method=method)
    assert reply.status == 405
    assert reply.headers["allow"] == "GET, HEAD"
    assert (output / "all.ics").read_bytes() == before


PATHS = [
    # (request path as sent, the file of the folder it serves, or None: 404)
    ("/", "index.html"),
    ("/all.ics", "all.ics"),
    ("/papers/word2vec.ics", "papers/word2vec.ics"),
    ("/papers/word2vec.ics?x=1", "papers/word2vec.ics"),
    ("/latest.ics", "all.ics"),  # a symlink that stays inside the folder
    ("/papers/", None),  # a folder without index.html
    # dot segments, even those that stay inside: only a crafted request has one
    ("/papers/../all.ics", None),
    ("/papers/%2e%2e/all.ics", None),
    ("/./all.ics", None),
    ("/papers/./word2vec.ics", None),
    # out of the folder
    ("/../secret.txt", None),
    ("/%2e%2e/secret.txt", None),
    ("/%2E%2E%2Fsecret.txt", None),
    ("/papers/..%2f..%2fsecret.txt", None),
    ("/papers/%2e%2e/%2e%2e/secret.txt", None),
    ("/..%5csecret.txt", None),
    (f"/{'%2e%2e/' * 12}etc/passwd", None),
    ("//etc/passwd", None),
    ("/%2Fetc%2Fpasswd", None),
    ("/all.ics%00.html", None),
    ("/link-out.txt", None),
    ("/linked-folder/secret.txt", None),
    ("/index-out/", None),  # a folder whose index.html is a symlink out
    # dot files (a killed build's half-written feed, .git), also behind a symlink
    ("/.all.ics.k3j9_x0q.tmp", None),
    ("/papers/.word2vec.ics.abcdefgh.tmp", None),
    ("/.git/config", None),
    ("/to-dot.ics", None),
    # a name that is not ASCII: its UTF-8 bytes percent-encoded, as browsers send it
    ("/caf%C3%A9.ics", "café.ics"),
    ("/caf%c3%a9.ics", "café.ics"),
    ("/caf%E9.ics", None),  # é in latin-1: not UTF-8
    ("/caf%C3%83%C2%A9.ics", "cafÃ©.ics"),  # café's UTF-8 bytes read as latin-1, encoded again
    # nothing there
    ("/loop.ics", None),
    ("/missing.ics", None),
    ("/" + "x" * 300, None),
]


def lay_out_paths(output: Path) -> None:
    """Beside ``output``: secret.txt; inside it, the symlinks and dot files ``PATHS`` ask for."""
    (output.parent / "secret.txt").write_bytes(SECRET)
    (output / "latest.ics").symlink_to(output / "all.ics")
    (output / "link-out.txt").symlink_to(output.parent / "secret.txt")
    (output / "linked-folder").symlink_to(output.parent, target_is_directory=True)
    (output / "index-out").mkdir()
    (output / "index-out" / "index.html").symlink_to(output.parent / "secret.txt")
    (output / ".git").mkdir()
    for name in (".all.ics.k3j9_x0q.tmp", "papers/.word2vec.ics.abcdefgh.tmp", ".git/config"):
        (output / name).write_bytes(SECRET)
    (output / "to-dot.ics").symlink_to(output / ".all.ics.k3j9_x0q.tmp")
    (output / "loop.ics").symlink_to(output / "loop.ics")
    (output / "café.ics").write_bytes((output / "papers" / "word2vec.ics").read_bytes())
    (output / "cafÃ©.ics").write_bytes((output / "all.ics").read_bytes())


def check_paths(url: str, output: Path) -> None:
    """Each of ``PATHS`` gets its file, or 404 with nothing of what is outside or hidden."""
    wrong = []
    for path, served in PATHS:
        try:
            reply = request(url, path)
        except OSError as error:  # the server dropped the connection
            wrong.append(f"{path}: {error}")
            continue
        if served is not None:
            if (reply.status, reply.body) != (200, (output / served).read_bytes()):
                wrong.append(f"{path}: {reply.status}, expected {served}")
        elif reply.status != 404 or SECRET in reply.body or b"root:" in reply.body:
            wrong.append(f"{path}: {reply.status}, expected 404")
    assert wrong == []


def test_only_plain_paths_to_files_inside_the_folder_are_served(site: tuple[str, Path]) -> None:
    """The same table as the personal-feed service's (tests/test_web.py): one rule for both."""
    url, output = site
    lay_out_paths(output)
    check_paths(url, output)


# -- the command, as a process ------------------------------------------------------------------


class Serve:
    """``confcal serve`` in a child process, its output lines collected as they come."""

    def __init__(self, events: Path, output: Path, *, scratch_parent: Path | None = None) -> None:
        command = [sys.executable, "-m", "confcal", "serve", str(events), "-o", str(output), "--port", "0"]
        environment = {**os.environ, "PYTHONUNBUFFERED": "1"}
        if scratch_parent is not None:
            environment["TMPDIR"] = str(scratch_parent)
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.pumps = [
            threading.Thread(target=self._pump, args=(stream,), daemon=True)
            for stream in (self.process.stdout, self.process.stderr)
        ]
        for pump in self.pumps:
            pump.start()
        line = self.wait_for(lambda text: text.startswith("serving "))
        self.url = line.rsplit(" at ", 1)[1].strip()

    def _pump(self, stream: object) -> None:
        assert hasattr(stream, "readline")
        for line in iter(stream.readline, ""):
            self.lines.put(line)

    def wait_for(self, predicate: Callable[[str], bool]) -> str:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.process.poll() is not None and self.lines.empty():
                    break
                continue
            self.seen.append(line)
            if predicate(line):
                return line
        raise AssertionError(f"confcal serve never printed the line wanted; it printed: {self.seen}")

    def printed(self) -> str:
        """Everything printed so far (stdout and stderr, each in order)."""
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return "".join(self.seen)

    def stop(self, how: signal.Signals = signal.SIGINT) -> int:
        if self.process.poll() is None:
            self.process.send_signal(how)
        try:
            code = self.process.wait(timeout=TIMEOUT)
            for pump in self.pumps:
                pump.join(timeout=TIMEOUT)
            return code
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def serving(tmp_path: Path) -> Iterator[tuple[Serve, Path]]:
    events = tmp_path / "events.toml"
    shutil.copyfile(EVENTS, events)
    process = Serve(events, tmp_path / "output")
    try:
        yield process, events
    finally:
        process.stop()


def wait_until(check: Callable[[], bool]) -> None:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def test_serve_prints_the_urls_to_open_and_to_subscribe(serving: tuple[Serve, Path]) -> None:
    process, _ = serving
    port = process.url.rstrip("/").rsplit(":", 1)[1]
    assert process.url == f"http://127.0.0.1:{port}/"
    process.wait_for(lambda line: line.strip().startswith(f"subscribe: webcal://127.0.0.1:{port}/all.ics "))
    assert request(process.url, "/").status == 200


def test_an_edit_is_rebuilt_and_served(serving: tuple[Serve, Path]) -> None:
    process, events = serving
    old = "Privacy Auditing with One (1) Training Run"
    new = "Privacy Auditing with Exactly One Training Run"
    before = request(process.url, "/papers/privacy-auditing-one-training-run.ics")
    assert old in before.body.decode()
    events.write_text(events.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    process.wait_for(lambda line: "changed: rebuilding" in line)
    wait_until(lambda: new in request(process.url, "/index.html").body.decode())
    after = request(process.url, "/papers/privacy-auditing-one-training-run.ics")
    assert after.headers["etag"] != before.headers["etag"]
    calendar = IcsCalendarStream.calendar_from_ics(after.body.decode())
    assert {event.summary for event in calendar.events} == {f"Oral: {new}", f"Poster: {new}"}
    stale = request(process.url, "/all.ics", headers={"If-None-Match": before.headers["etag"]})
    assert stale.status == 200


def test_a_bad_edit_reports_the_problem_and_keeps_the_last_good_build(serving: tuple[Serve, Path]) -> None:
    process, events = serving
    good = events.read_text(encoding="utf-8")
    before = {path: request(process.url, path).body for path in ("/all.ics", "/index.html")}
    events.write_text(good.replace('timezone = "America/Chicago"', 'timezone = "America/Chikago"'), "utf-8")
    problem = process.wait_for(lambda line: "unknown time zone" in line)
    assert "conference.timezone" in problem
    assert "did you mean 'America/Chicago'?" in problem
    process.wait_for(lambda line: "still serving the last good build" in line)
    assert {path: request(process.url, path).body for path in before} == before
    assert process.process.poll() is None
    events.write_text(good.replace("Training Run", "Training Run Revisited"), "utf-8")
    wait_until(lambda: b"Training Run Revisited" in request(process.url, "/index.html").body)


def test_ctrl_c_stops_cleanly(serving: tuple[Serve, Path]) -> None:
    process, _ = serving
    port = int(process.url.rstrip("/").rsplit(":", 1)[1])
    process.wait_for(lambda line: "press Ctrl-C to stop" in line)
    assert process.stop() == 0
    remaining = process.process.stdout.read() if process.process.stdout else ""
    printed = "".join(process.seen) + remaining
    while not process.lines.empty():
        printed += process.lines.get()
    assert "stopped" in printed
    assert "Traceback" not in printed
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass


def test_serve_refuses_a_bad_events_file_and_serves_nothing(tmp_path: Path) -> None:
    """The port it listened on (before the build) is given back."""
    events = tmp_path / "events.toml"
    events.write_text("[conference]\nid = 'x'\n", encoding="utf-8")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = CliRunner().invoke(
        cli, ["serve", str(events), "-o", str(tmp_path / "output"), "--port", str(port)]
    )
    assert result.exit_code == 1
    assert "missing key 'publish'" in result.output
    assert "serving" not in result.output
    assert not (tmp_path / "output").exists()
    with socket.socket() as again:
        again.bind(("127.0.0.1", port))


def test_serve_reports_a_port_in_use(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(
            cli, ["serve", str(EVENTS), "-o", str(tmp_path / "out"), "--port", str(port)]
        )
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        f"Error: cannot listen on 127.0.0.1:{port}: Address already in use; another program (another "
        f"confcal serve?) is listening there; stop it, or give another port: --port {port + 1}, or --port 0 "
        "for any free one"
    )


def test_a_port_in_use_is_reported_before_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The port is taken first: a busy one is said at once, not after building the preview."""
    import confcal.serve

    builds: list[Path] = []
    monkeypatch.setattr(confcal.serve.Previewer, "build", lambda previewer: builds.append(previewer.events))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(
            cli, ["serve", str(EVENTS), "-o", str(tmp_path / "out"), "--port", str(port)]
        )
    assert result.exit_code == 1
    assert f"Error: cannot listen on 127.0.0.1:{port}: Address already in use; " in result.output
    assert builds == []


@pytest.mark.parametrize(
    ("port", "fix"),
    [
        (80, "a port below 1024 needs more rights; give another port, e.g. --port 8000"),
        (
            8080,
            "the system keeps this port from this program (a reserved port range, or a security policy "
            "such as SELinux); give another port, e.g. --port 0 for any free one",
        ),
    ],
)
def test_permission_denied_blames_a_low_port_only_below_1024(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, port: int, fix: str
) -> None:
    def refused(*args: object, **kwargs: object) -> socket.socket:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(socket, "create_server", refused)
    result = CliRunner().invoke(cli, ["serve", str(EVENTS), "-o", str(tmp_path / "out"), "--port", str(port)])
    assert result.exit_code == 1
    assert result.output == f"Error: cannot listen on 127.0.0.1:{port}: Permission denied; {fix}\n"


def test_the_watcher_reports_the_edit_that_crashed_it_then_builds_the_next(
    serving: tuple[Serve, Path],
) -> None:
    process, events = serving
    good = events.read_text(encoding="utf-8")
    nested = good + "\n[extra]\nx = " + "[" * 5000 + "]" * 5000 + "\n"
    far = good.replace("2023-12-12T15:05:00", "9999-12-31T23:30:00").replace(
        "2023-12-12T15:25:00", "9999-12-31T23:59:00"
    )
    for number, broken in enumerate((nested, far), start=1):
        events.write_text(broken, encoding="utf-8")
        process.wait_for(lambda line: "still serving the last good build" in line)
        assert process.process.poll() is None
        events.write_text(good.replace("Training Run", f"Training Run {number}"), encoding="utf-8")
        title = f"Training Run {number}".encode()
        wait_until(lambda: title in request(process.url, "/").body)  # noqa: B023 (called at once)
    assert "Traceback" not in process.printed()


# -- a preview publishes nothing ------------------------------------------------------------------

TALK = "start = 2023-12-12T15:05:00\nend = 2023-12-12T15:25:00"


def files_under(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()
    }


def talk_sequence(ics: bytes) -> int:
    """SEQUENCE of the word2vec talk in a calendar holding it."""
    (event,) = (
        e
        for e in IcsCalendarStream.calendar_from_ics(ics.decode()).events
        if ".word2vec.talk@" in (e.uid or "")
    )
    return event.sequence or 0


@pytest.fixture
def published(tmp_path: Path) -> tuple[Path, Path]:
    """(events file, output folder) after one ``confcal build``."""
    events, output = tmp_path / "events.toml", tmp_path / "output"
    shutil.copyfile(EVENTS, events)
    assert CliRunner().invoke(cli, ["build", str(events), "-o", str(output), "--no-cache"]).exit_code == 0
    return events, output


def test_a_preview_publishes_nothing_and_the_next_build_raises_sequence_once(
    published: tuple[Path, Path],
) -> None:
    events, output = published
    before = files_under(output)
    sequence = talk_sequence(before["all.ics"])
    good = bumped(events.read_text(encoding="utf-8"))
    process = Serve(events, output)
    try:
        for start, end in (("15:10", "15:30"), ("15:20", "15:40")):
            moved = TALK.replace("15:05", start).replace("15:25", end)
            events.write_text(good.replace(TALK, moved), encoding="utf-8")
            process.wait_for(lambda line: "changed: rebuilding" in line)
            process.wait_for(lambda line: line.startswith(f"preview of {events}: "))
            served = request(process.url, "/papers/word2vec.ics").body
            assert f"DTSTART;TZID=America/Chicago:20231212T{start.replace(':', '')}00".encode() in served
            assert talk_sequence(served) == sequence + 1, (
                "the preview numbers versions as the next build would"
            )
        assert files_under(output) == before, "serve wrote into the published folder"
    finally:
        assert process.stop() == 0
    diff = CliRunner().invoke(cli, ["diff", str(events), "-o", str(output)])
    assert diff.exit_code == 1
    assert "word2vec.talk" in diff.output
    assert CliRunner().invoke(cli, ["build", str(events), "-o", str(output), "--no-cache"]).exit_code == 0
    assert talk_sequence((output / "all.ics").read_bytes()) == sequence + 1


def test_the_page_and_the_console_say_it_is_a_preview(published: tuple[Path, Path]) -> None:
    events, output = published
    process = Serve(events, output)
    try:
        page = request(process.url, "/").body.decode()
        assert 'role="status"><strong>Preview</strong> of events.toml' in page
        assert "not published" in page
        assert "Preview" not in (output / "index.html").read_text(encoding="utf-8")
        for name in ("all.ics", "papers/word2vec.ics", "test-of-time.ics"):
            assert request(process.url, f"/{name}").body == (output / name).read_bytes()
        assert request(process.url, "/confcal-state.json").status == 404
        printed = process.printed()
        assert (
            f"preview of {events}: 17 files, 0 differ from {output} (only confcal build publishes)\n"
            in printed
        )
        assert f"serving the preview at {process.url}\n" in printed
    finally:
        process.stop()


def bumped(text: str) -> str:
    """An events file's text with publish.updated raised past the first build's stamp."""
    assert text.count("updated = 2023-12-11T00:00:00Z") == 1
    return text.replace("updated = 2023-12-11T00:00:00Z", "updated = 2023-12-12T00:00:00Z")


def test_a_preview_under_a_stale_stamp_says_that_build_will_refuse_it(published: tuple[Path, Path]) -> None:
    events, output = published
    good = events.read_text(encoding="utf-8")
    process = Serve(events, output)
    refusal = (
        f"{events}:22: publish.updated: 2023-12-11T00:00:00Z is not later than 2023-12-11T00:00:00Z, the "
        f"latest stamp already published in {output}, and the build would change 1 event (`confcal diff "
        f"{events} --published {output}` lists it): published under that stamp, calendar apps and "
        "changes.atom readers may miss the change; raise publish.updated to the time of this edit, later "
        "than 2023-12-11T00:00:00Z"
    )
    try:
        assert "warning" not in process.printed()
        events.write_text(good.replace(TALK, TALK.replace("15:05", "15:00")), encoding="utf-8")
        warning = process.wait_for(lambda line: line.startswith("warning: "))
        assert warning.rstrip("\n") == f"warning: confcal build will refuse to publish this: {refusal}"
        refused = CliRunner().invoke(cli, ["build", str(events), "-o", str(output), "--no-cache"])
        assert (refused.exit_code, refused.stderr) == (
            1,
            f"Error: 1 problem in the events file:\n  {refusal}\n",
        )
        events.write_text(bumped(good).replace(TALK, TALK.replace("15:05", "15:00")), encoding="utf-8")
        process.wait_for(lambda line: "changed: rebuilding" in line)
        process.wait_for(lambda line: line.startswith("preview of "))
    finally:
        process.stop()
    after_bump = process.printed().rsplit("changed: rebuilding", 1)[1]
    assert "warning" not in after_bump
    build = CliRunner().invoke(cli, ["build", str(events), "-o", str(output), "--no-cache"])
    assert (build.exit_code, build.stderr) == (0, "")


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_the_scratch_folder_is_removed_when_serve_stops(
    published: tuple[Path, Path], tmp_path: Path, how: signal.Signals
) -> None:
    events, output = published
    scratch_parent = tmp_path / "tmp"
    scratch_parent.mkdir()
    process = Serve(events, output, scratch_parent=scratch_parent)
    try:
        (scratch,) = scratch_parent.iterdir()
        assert (scratch / "all.ics").read_bytes() == (output / "all.ics").read_bytes()
    finally:
        assert process.stop(how) == 0
    assert list(scratch_parent.iterdir()) == []
    assert "stopped" in process.printed()


# -- hostile and unlucky clients ------------------------------------------------------------------


def address_of(url: str) -> tuple[str, int]:
    host, port = url.removeprefix("http://").rstrip("/").rsplit(":", 1)
    return host.strip("[]"), int(port)


def exchange(url: str, data: bytes) -> bytes:
    """Send raw bytes (the last request saying ``Connection: close``), read until the server closes."""
    with socket.create_connection(address_of(url), timeout=TIMEOUT) as sock:
        sock.sendall(data)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    return received


def statuses(received: bytes) -> list[int]:
    return [int(code) for code in re.findall(rb"^HTTP/1\.1 (\d{3}) ", received, re.M)]


def threads_of(process: subprocess.Popen[str]) -> int:
    status = Path(f"/proc/{process.pid}/status").read_text(encoding="ascii")
    found = re.search(r"^Threads:\s+(\d+)$", status, re.M)
    assert found is not None
    return int(found.group(1))


def test_a_request_body_is_read_and_never_taken_for_a_request(serving: tuple[Serve, Path]) -> None:
    process, _ = serving
    smuggled = b"GET /smuggled.ics HTTP/1.1\r\nHost: x\r\n\r\n"
    received = exchange(
        process.url,
        b"POST /all.ics HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s" % (len(smuggled), smuggled)
        + b"GET /index.html HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
        + b"HEAD /all.ics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    assert statuses(received) == [405, 200, 200]
    process.stop()
    assert "smuggled" not in process.printed()


def test_control_characters_are_escaped_in_the_log(serving: tuple[Serve, Path]) -> None:
    process, _ = serving
    received = exchange(
        process.url, b"GET /\x1b[2J\x1b[1;1H\x07fake\x7f HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    assert statuses(received) == [404]
    process.stop()
    printed = process.printed()
    assert '"GET /\\x1b[2J\\x1b[1;1H\\x07fake\\x7f HTTP/1.1" 404 -' in printed
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f]", printed)


def test_200_concurrent_requests_are_all_answered(serving: tuple[Serve, Path]) -> None:
    process, _ = serving
    start = threading.Barrier(200)

    def fetch(_: int) -> Reply:
        start.wait()
        return request(process.url, "/all.ics")

    with ThreadPoolExecutor(max_workers=200) as pool:
        replies = list(pool.map(fetch, range(200)))
    assert [reply.status for reply in replies] == [200] * 200
    assert len({reply.body for reply in replies}) == 1


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="counts threads in /proc")
def test_idle_connections_hold_no_thread_and_do_not_starve_a_new_client(serving: tuple[Serve, Path]) -> None:
    process, _ = serving
    idle = [socket.create_connection(address_of(process.url), timeout=TIMEOUT) for _ in range(100)]
    try:
        for sock in idle[:50]:  # half of them after a first request, half before any
            sock.sendall(b"HEAD /all.ics HTTP/1.1\r\nHost: x\r\n\r\n")
            assert sock.recv(65536).startswith(b"HTTP/1.1 200 OK\r\n")
        assert request(process.url, "/all.ics").status == 200
        assert threads_of(process.process) < 30
    finally:
        for sock in idle:
            sock.close()


def test_an_idle_connection_is_closed_by_the_server(serving: tuple[Serve, Path]) -> None:
    process, _ = serving
    silent = socket.create_connection(address_of(process.url), timeout=TIMEOUT)
    kept = socket.create_connection(address_of(process.url), timeout=TIMEOUT)
    with silent, kept:
        kept.sendall(b"HEAD /all.ics HTTP/1.1\r\nHost: x\r\n\r\n")
        assert kept.recv(65536).startswith(b"HTTP/1.1 200 OK\r\n")
        assert silent.recv(1) == b""
        assert kept.recv(1) == b""


@pytest.mark.slow
def test_a_request_that_does_not_arrive_in_time_is_cut_off(serving: tuple[Serve, Path]) -> None:
    process, _ = serving
    with socket.create_connection(address_of(process.url), timeout=TIMEOUT) as slow:
        slow.sendall(b"GET /all.ics HT")
        started = time.monotonic()
        for _ in range(40):  # a byte every half second keeps it from being idle, never completes it
            try:
                slow.sendall(b"T")
            except OSError:
                break
            time.sleep(0.5)
        with contextlib.suppress(ConnectionResetError):
            while slow.recv(65536):
                pass
        assert time.monotonic() - started < TIMEOUT


def test_a_client_leaving_mid_download_is_not_an_error(
    server: PreviewServer, capfd: pytest.CaptureFixture[str]
) -> None:
    (server.root / "big.ics").write_bytes(b"x" * (64 * 1024 * 1024))
    client = socket.socket()
    client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    client.connect(address_of(server.url))
    client.sendall(b"GET /big.ics HTTP/1.1\r\nHost: x\r\n\r\n")
    assert client.recv(4096).startswith(b"HTTP/1.1 200 OK\r\n")
    client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    client.close()  # a reset, in the middle of the body
    wait_until(lambda: server.connections == 0)
    assert request(server.url, "/all.ics").status == 200
    logged = capfd.readouterr().err
    assert '"GET /big.ics HTTP/1.1" 200' in logged
    assert "Traceback" not in logged
    assert "Error" not in logged


def test_etag_and_last_modified_describe_the_same_version(server: PreviewServer) -> None:
    """A rebuild renames new files over old ones while they are served: whatever version a
    response carries, its ETag and its Last-Modified are those of that one version. Version A is
    always written at an even second, B at an odd one, each write later than the one before."""
    versions = {b"A" * 20_000: 0, b"B" * 20_000: 1}
    tags = {f'"{hashlib.sha256(data).hexdigest()}"': parity for data, parity in versions.items()}
    target = server.root / "flip.ics"
    done = threading.Event()
    written = iter(range(1_000_000_000, 2_000_000_000, 2))

    def write(data: bytes, parity: int) -> None:
        temporary = server.root / ".flip.tmp"
        temporary.write_bytes(data)
        mtime = next(written) + parity
        os.utime(temporary, (mtime, mtime))
        os.replace(temporary, target)

    def flip() -> None:
        while not done.is_set():
            for data, parity in versions.items():
                write(data, parity)

    write(*next(iter(versions.items())))
    writer = threading.Thread(target=flip, daemon=True)
    writer.start()
    try:
        seen = set()
        for _ in range(1000):
            reply = request(server.url, "/flip.ics", method="HEAD")
            modified = int(parsedate_to_datetime(reply.headers["last-modified"]).timestamp())
            assert modified % 2 == tags[reply.headers["etag"]]
            seen.add(reply.headers["etag"])
    finally:
        done.set()
        writer.join()
    assert seen == set(tags), "both versions were served"


def test_it_listens_on_ipv6(tmp_path: Path) -> None:
    output = tmp_path / "output"
    build(EVENTS, output)
    try:
        socket.create_server(("::1", 0), family=socket.AF_INET6).close()
    except OSError as error:
        pytest.skip(f"no IPv6 loopback here: {error}")
    server = PreviewServer(("::1", 0), root=output)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        assert server.url.startswith("http://[::1]:")
        port = address_of(server.url)[1]
        connection = http.client.HTTPConnection("::1", port, timeout=10)
        connection.request("GET", "/all.ics")
        response = connection.getresponse()
        assert response.status == 200
        assert response.read() == (output / "all.ics").read_bytes()
        connection.close()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_the_preview_keeps_the_published_releases(published: tuple[Path, Path]) -> None:
    """A preview of an unchanged programme is the published folder, changes page and notices included."""
    events, output = published
    good = events.read_text(encoding="utf-8")
    events.write_text(
        good.replace(TALK, TALK.replace("15:05", "15:10").replace("15:25", "15:30")), encoding="utf-8"
    )
    later = {**os.environ, "SOURCE_DATE_EPOCH": "1702368000"}
    assert CliRunner().invoke(cli, ["build", str(events), "-o", str(output)], env=later).exit_code == 0
    assert b"Moved: was Tue 12 Dec 2023" in (output / "all.ics").read_bytes()
    process = Serve(events, output)
    try:
        assert f"preview of {events}: 17 files, 0 differ from {output}" in process.printed()
        for name in ("changes.html", "changes.atom", "all.ics", "papers/word2vec.ics"):
            assert request(process.url, f"/{name}").body == (output / name).read_bytes(), name
    finally:
        process.stop()


def test_the_preview_note_escapes_the_events_file_name() -> None:
    from confcal.serve import with_preview_note

    page = with_preview_note(b"<body>\n<header>\n<h1>Programme</h1>", events=Path('a&b<"x">.toml'))
    note = b'<header>\n<p class="note" role="status"><strong>Preview</strong> of '
    assert note + b"a&amp;b&lt;&quot;x&quot;&gt;.toml," in page
    assert page.endswith(b"publishes.</p>\n<h1>Programme</h1>")


def test_a_rebuild_of_the_preview_renders_only_what_the_edit_changed(tmp_path: Path) -> None:
    """The previewer keeps what it rendered in memory: after an edit, unchanged events come
    from it (shown by marking every cached line of the page), and the files are those of a
    preview without it."""
    from benchmarks.synth import programme as synthetic
    from confcal.build import preview
    from confcal.serve import Previewer, with_preview_note
    from confcal.settings import BuildOptions
    from confcal.site import INDEX
    from confcal.state import STATE_FILE

    events, published, scratch = tmp_path / "events.toml", tmp_path / "output", tmp_path / "scratch"
    text = synthetic(papers=40, seed=4)
    events.write_text(text, encoding="utf-8")
    previewer = Previewer(events=events, published=published, scratch=scratch, options=BuildOptions())
    previewer.build()
    assert previewer.cache.events
    assert previewer.cache.schedule
    previewer.cache.page = {
        view: line.replace("<h4>", "<h4>(cached) ", 1) for view, line in previewer.cache.page.items()
    }
    events.write_text(text.replace('board = "#1"\n', 'board = "#1a"\n', 1), encoding="utf-8")
    previewer.build()
    fresh = preview(events, published).files
    fresh[INDEX] = with_preview_note(fresh[INDEX], events=events)
    page = (scratch / INDEX).read_bytes()
    lines = page.count(b"<h4>")
    assert page.count(b"<h4>(cached) ") == lines - 1  # all but the edited event's
    assert page.replace(b"<h4>(cached) ", b"<h4>") == fresh[INDEX]
    del fresh[STATE_FILE], fresh[INDEX]
    assert {name: (scratch / name).read_bytes() for name in fresh} == fresh
