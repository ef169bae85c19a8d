"""``confcal.web:app``: the built output folder and personal feeds, as a WSGI application.

    CONFCAL_OUTPUT=output gunicorn confcal.web:app

It serves every file of the output folder (``CONFCAL_OUTPUT``, default ``output``) and, at
``/picks/<key>-<key>….ics``, a calendar of exactly the picked events (confcal.picks): their
VEVENT blocks byte for byte as in ``all.ics``, its VTIMEZONE, the name "<conference>: my 3 picks".
A pick whose event was removed from the programme simply leaves the feed; a key no build of
this programme ever published gets 404.

Stateless and read-only, so it runs under any WSGI server with any number of workers and
behind any cache keyed by URL and Accept-Encoding. Each response carries an ETag and
Last-Modified, and a matching conditional GET gets 304. HTML, JSON, XML and the Atom feed go
gzipped to a client that accepts it (``http_headers.accepts_gzip``), with
``Vary: Accept-Encoding``, compressed once per version of the file (``mtime`` 0); calendars
never are (FEEDS.md). The plain bytes have a strong ETag of them; the gzipped ones a weak ETag
of the plain bytes and the coding (``Gzipped.etag``), the same on every instance.

Bad requests get a 4xx with a one-line plain-text reason (gunicorn answers a request line past
its ``limit_request_line`` with a page of its own, so the service runs with
``confcal.gunicorn_config``, which lets request lines of up to 8190 characters through). A
build replaces each file atomically; each worker notices a new ``all.ics`` or state file by
their inode, size and modification time (one stat each per request) and reads them once per
change, so it serves the old calendar or the new one, never a mixture or a part.

A file's Last-Modified is when it was written (its modification time). A personal feed's is
when the ``all.ics`` it is cut from was written: its bytes are a function of that file's bytes
and the keys, and a build rewrites ``all.ics`` whenever its bytes change and leaves it alone
otherwise, so the date moves forward with every change a feed can see and stays put while
nothing changes. The events' own LAST-MODIFIED would not do: the latest of the picked events
goes back when a pick is removed, and stays put when a build without a new ``publish.updated``
moves one, so If-Modified-Since would get 304 for changed bytes. The dates depend on when the
folder was written, as any static host's do; the bytes, and the ETags made from them, stay
deterministic. ``http_headers.last_modified`` says why no date is given during the second of
a write, and ``http_headers.GivenDates`` why none is given to new bytes whose file time went
back (a copy keeping a skewed host's times, a restore from a backup): a Last-Modified never
goes back, in each process.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from confcal.http_headers import (
    CONTENT_TYPES,
    GivenDates,
    accepts_gzip,
    compressible,
    content_type,
    last_modified,
    not_modified,
    request_path,
    served_file,
)
from confcal.picks import (
    KEY_PATTERN,
    MAX_PICKS,
    OVERALL_FILE,
    PICKS_FOLDER,
    SEPARATOR,
    PublishedFeed,
    pick_key,
    picks_calendar,
    split_feed,
)
from confcal.state import STATE_FILE, parse_state

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
Signature = tuple[int, int, int] | None

MAX_PATH = len(PICKS_FOLDER) + 6 + MAX_PICKS * (len(SEPARATOR) + 8)
_STATUS = {
    200: "200 OK",
    304: "304 Not Modified",
    400: "400 Bad Request",
    404: "404 Not Found",
    405: "405 Method Not Allowed",
    414: "414 URI Too Long",
    503: "503 Service Unavailable",
}


class Refused(Exception):
    """A request answered with a 4xx or 5xx and a one-line reason."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Gzipped:
    body: bytes
    etag: str
    """Weak, from the digest of the plain bytes and the coding: what gzip makes of the same bytes
    depends on the zlib it runs with (its version, zlib-ng, the OS byte of its header), so
    instances serving one folder may send different gzipped bytes of it. A strong ETag of those
    bytes would differ between them, and one shared by them would be strong for different bytes
    (RFC 9110 §8.8.1); a weak one says "the same content", which is what they share, and is all
    If-None-Match compares (§13.1.2: weak comparison). It differs from the plain bytes' ETag,
    as a content coding's must (§8.8.3.3)."""


@dataclass(frozen=True)
class Resource:
    body: bytes
    content_type: str
    etag: str
    written_ns: int
    """When the file the body comes from was written (its st_mtime_ns)."""
    source: str
    """What the Last-Modified is the date of: the file, or every personal feed's all.ics."""
    source_digest: str
    """Of the bytes of that version of ``source``."""
    gzipped: Gzipped | None = None
    """The body gzipped, for a type worth it (``http_headers.compressible``) when that is smaller."""


@dataclass(frozen=True)
class Snapshot:
    """One build's overall feed, cut for picking, and the keys of every slot it ever published."""

    signature: tuple[Signature, Signature]
    digest: str
    """Of the overall feed's bytes."""
    feed: PublishedFeed
    written_ns: int
    """When the overall feed was written: every personal feed's Last-Modified."""
    published: frozenset[str]


def signature(path: Path) -> Signature:
    try:
        return signature_of(path.stat())
    except FileNotFoundError:
        return None


def signature_of(info: os.stat_result) -> tuple[int, int, int]:
    return (info.st_ino, info.st_mtime_ns, info.st_size)


def read(path: Path) -> tuple[bytes, os.stat_result]:
    """A file's bytes and the status of that very file (one open: a build may rename a new one
    over it meanwhile, and the date must be that of the bytes)."""
    with path.open("rb") as stream:
        return stream.read(), os.fstat(stream.fileno())


def resource(body: bytes, content_type: str, written_ns: int, *, source: str) -> Resource:
    digest = hashlib.sha256(body).hexdigest()
    gzipped = None
    if compressible(content_type):
        packed = gzip.compress(body, mtime=0)
        if len(packed) < len(body):
            gzipped = Gzipped(packed, f'W/"{digest[:32]}-gzip"')
    return Resource(body, content_type, f'"{digest[:32]}"', written_ns, source, digest, gzipped)


class App:
    """The WSGI application for one output folder; ``max_age`` is the Cache-Control lifetime."""

    def __init__(self, output: Path, *, max_age: int = 60) -> None:
        self.output = output
        self.cache_control = f"public, max-age={max_age}" if max_age else "no-cache"
        self.lock = threading.Lock()
        self.snapshot: Snapshot | None = None
        self.files: dict[Path, tuple[Signature, Resource]] = {}
        self.dates = GivenDates()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        if method not in ("GET", "HEAD"):
            return self.refuse(start_response, Refused(405, "only GET and HEAD are allowed"))
        try:
            found = self.find(request_path(environ.get("PATH_INFO", "/")))
        except Refused as refused:
            return self.refuse(start_response, refused)
        written = last_modified(found.written_ns, time.time_ns())
        modified = self.dates.date(found.source, found.source_digest, written)
        body, etag, encoding = found.body, found.etag, []
        if found.gzipped is not None and accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING")):
            body, etag, encoding = found.gzipped.body, found.gzipped.etag, [("Content-Encoding", "gzip")]
        headers = [("ETag", etag)]
        if found.gzipped is not None:
            headers.append(("Vary", "Accept-Encoding"))
        if modified is not None:
            headers.append(("Last-Modified", format_datetime(modified, usegmt=True)))
        headers.append(("Cache-Control", self.cache_control))
        conditions = environ.get("HTTP_IF_NONE_MATCH"), environ.get("HTTP_IF_MODIFIED_SINCE")
        if not_modified(*conditions, etag, modified):
            start_response(_STATUS[304], headers)
            return []
        start_response(
            _STATUS[200],
            [("Content-Type", found.content_type), *encoding, ("Content-Length", str(len(body))), *headers],
        )
        return [] if method == "HEAD" else [body]

    def refuse(self, start_response: StartResponse, refused: Refused) -> list[bytes]:
        body = refused.reason.encode("utf-8") + b"\n"
        headers = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
        if refused.status == 405:
            headers.append(("Allow", "GET, HEAD"))
        start_response(_STATUS[refused.status], headers)
        return [body]

    def find(self, path: str) -> Resource:
        if len(path) > MAX_PATH:
            raise Refused(414, f"request too long: a personal feed holds at most {MAX_PICKS} picks")
        if path.startswith(f"/{PICKS_FOLDER}/"):
            return self.picks(path.removeprefix(f"/{PICKS_FOLDER}/"))
        return self.file(path)

    def picks(self, name: str) -> Resource:
        if not name.endswith(".ics"):
            raise Refused(404, "a personal feed is /picks/<key>-<key>….ics")
        keys = name.removesuffix(".ics").split(SEPARATOR)
        if keys == [""]:
            raise Refused(400, "no picks: a personal feed is /picks/<key>-<key>….ics")
        for key in keys:
            if not KEY_PATTERN.fullmatch(key):
                raise Refused(400, f"malformed pick '{printable(key)}': a pick is 8 characters a-z and 2-7")
        snapshot = self.current()
        for key in keys:
            if key not in snapshot.published:
                raise Refused(404, f"unknown pick {key}: no event of this programme has that key")
        body = picks_calendar(snapshot.feed, keys)
        found = sorted({key for key in keys if key in snapshot.feed.position})
        # The bytes are a function of the feed and the keys it holds: hash those, not the bytes.
        etag = hashlib.sha256(f"{snapshot.digest} {' '.join(found)}".encode()).hexdigest()[:32]
        return Resource(
            body, CONTENT_TYPES[".ics"], f'"{etag}"', snapshot.written_ns, PICKS_FOLDER, snapshot.digest
        )

    def current(self) -> Snapshot:
        """The snapshot of the output folder as it is now, read again only when it changed."""
        feed_path, state_path = self.output / OVERALL_FILE, self.output / STATE_FILE
        now = (signature(feed_path), signature(state_path))
        snapshot = self.snapshot
        if snapshot is not None and snapshot.signature == now:
            return snapshot
        with self.lock:
            if self.snapshot is not None and self.snapshot.signature == now:
                return self.snapshot
            try:
                data, info = read(feed_path)
                feed = split_feed(data)
                state = parse_state(state_path.read_bytes(), name=str(state_path)).events if now[1] else {}
            except (OSError, ValueError):
                raise Refused(503, "no complete programme is published yet; try again shortly") from None
            published = frozenset(feed.blocks) | {pick_key(event_id) for event_id in state}
            digest = hashlib.sha256(data).hexdigest()
            read_now = (signature_of(info), now[1])
            self.snapshot = Snapshot(read_now, digest, feed, info.st_mtime_ns, published)
            return self.snapshot

    def file(self, path: str) -> Resource:
        target = served_file(self.output.resolve(), path)
        if target is None:
            raise Refused(404, f"not found: {printable(path)}")
        try:
            cached = self.files.get(target)
            if cached is not None and cached[0] == signature(target):
                return cached[1]
            body, info = read(target)
        except OSError:
            raise Refused(404, f"not found: {printable(path)}") from None
        found = resource(body, content_type(target), info.st_mtime_ns, source=str(target))
        self.files[target] = (signature_of(info), found)
        return found


def printable(text: str, limit: int = 80) -> str:
    """``text`` for a one-line reason: escapes instead of control and non-ASCII characters."""
    shown = text.encode("unicode_escape").decode("ascii")
    return shown if len(shown) <= limit else shown[:limit] + "…"


app = App(Path(os.environ.get("CONFCAL_OUTPUT", "output")))
