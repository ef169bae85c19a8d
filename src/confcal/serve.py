"""``confcal serve``: a local preview of the output folder, rebuilt when the events file changes.

A preview, not the production host (that is any static host). It serves what a careful
static host serves: charset-labelled content types, a strong ETag from the content,
Last-Modified, 304 on a matching conditional GET, no compression; GET and HEAD only;
nothing outside the output folder.
"""

from __future__ import annotations

import hashlib
import mimetypes
import sys
import threading
import urllib.parse
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from confcal.build import build
from confcal.errors import EventsFileError
from confcal.feeds import OVERALL_FEED_ID

POLL_SECONDS = 0.5
CONTENT_TYPES = {
    ".ics": "text/calendar; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}


class ListenError(OSError):
    """The server cannot bind to the address it was given."""


class PreviewServer(ThreadingHTTPServer):
    """Serves the files under ``root``; see the module docstring."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], *, root: Path) -> None:
        self.root = root.resolve()
        super().__init__(address, PreviewHandler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else host
        shown = f"[{name}]" if ":" in name else name
        return f"http://{shown}:{port}/"

    def resolve(self, request_path: str) -> Path | None:
        """The file a request path names, or None when there is none inside the root."""
        path = urllib.parse.unquote(request_path.partition("?")[0].partition("#")[0])
        if "\x00" in path or "\\" in path:
            return None
        relative = path.lstrip("/")
        candidate = (self.root / relative).resolve()
        if not candidate.is_relative_to(self.root):
            return None
        if any(part.startswith(".") for part in candidate.relative_to(self.root).parts):
            return None  # a build's temporary files, .git, .htaccess: never published
        if candidate.is_dir():
            candidate = candidate / "index.html"
        return candidate if candidate.is_file() else None


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "confcal-preview"
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.respond(body=True)

    def do_HEAD(self) -> None:
        self.respond(body=False)

    def __getattr__(self, name: str) -> Any:
        """Every other method (``do_POST``, ``do_PUT``, …) gets 405 instead of 501."""
        if name.startswith("do_"):
            return self.not_allowed
        raise AttributeError(name)

    def not_allowed(self) -> None:
        self.send_response(HTTPStatus.METHOD_NOT_ALLOWED)
        self.send_header("Allow", "GET, HEAD")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def respond(self, *, body: bool) -> None:
        target = self.server.resolve(self.path)
        if target is None:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        data = target.read_bytes()
        etag = f'"{hashlib.sha256(data).hexdigest()}"'
        modified = datetime.fromtimestamp(int(target.stat().st_mtime), tz=UTC)
        headers = {
            "ETag": etag,
            "Last-Modified": format_datetime(modified, usegmt=True),
            "Cache-Control": "no-cache",
        }
        if self.not_modified(etag, modified):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            return
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type(target))
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if body:
            self.wfile.write(data)

    def not_modified(self, etag: str, modified: datetime) -> bool:
        """RFC 9110 §13.2.2: If-None-Match decides when present, else If-Modified-Since."""
        if (match := self.headers.get("If-None-Match")) is not None:
            tags = {tag.strip().removeprefix("W/") for tag in match.split(",")}
            return "*" in tags or etag in tags
        if (since := self.headers.get("If-Modified-Since")) is not None:
            try:
                when = parsedate_to_datetime(since)
            except (TypeError, ValueError):
                return False
            return when.tzinfo is not None and modified <= when
        return False

    def log_message(self, format: str, *args: Any) -> None:
        sys.stderr.write(f"{self.address_string()} {format % args}\n")


def content_type(path: Path) -> str:
    if path.suffix in CONTENT_TYPES:
        return CONTENT_TYPES[path.suffix]
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


class Rebuilder:
    """Rebuilds ``output`` whenever the events file's size or modification time changes."""

    def __init__(self, *, events: Path, output: Path, stamp: datetime | None, base_url: str | None) -> None:
        self.events = events
        self.output = output
        self.stamp = stamp
        self.base_url = base_url
        self.signature = self.current_signature()
        self.stopped = threading.Event()

    def current_signature(self) -> tuple[int, int] | None:
        try:
            info = self.events.stat()
        except OSError:
            return None
        return (info.st_mtime_ns, info.st_size)

    def build(self) -> None:
        """Build once; EventsFileError propagates and nothing is written."""
        report = build(self.events, self.output, stamp=self.stamp, base_url=self.base_url)
        print(
            f"built {self.output}: {len(report.written)} written, {len(report.unchanged)} unchanged",
            flush=True,
        )

    def poll(self) -> None:
        while not self.stopped.wait(POLL_SECONDS):
            signature = self.current_signature()
            if signature == self.signature:
                continue
            self.signature = signature
            print(f"{self.events} changed: rebuilding", flush=True)
            try:
                self.build()
            except EventsFileError as error:
                print(f"{error.report()}\nstill serving the last good build", file=sys.stderr, flush=True)
            except OSError as error:
                print(f"cannot write {self.output}: {error}", file=sys.stderr, flush=True)


def run(
    *, events: Path, output: Path, host: str, port: int, stamp: datetime | None, base_url: str | None
) -> None:
    """Build, serve ``output`` until Ctrl-C, rebuilding on every change to ``events``."""
    rebuilder = Rebuilder(events=events, output=output, stamp=stamp, base_url=base_url)
    rebuilder.build()
    try:
        server = PreviewServer((host, port), root=output)
    except OSError as error:
        raise ListenError(error.errno, error.strerror) from None
    watcher = threading.Thread(target=rebuilder.poll, name="confcal-rebuild", daemon=True)
    feed = f"{server.url}{OVERALL_FEED_ID}.ics"
    try:
        watcher.start()
        print(
            f"serving {output} at {server.url}\n"
            f"  open:      {server.url}\n"
            f"  subscribe: webcal://{feed.removeprefix('http://')} (from a calendar app on this machine)\n"
            f"watching {events} for changes; press Ctrl-C to stop",
            flush=True,
        )
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        rebuilder.stopped.set()
        if watcher.is_alive():
            watcher.join()
        server.server_close()
    print("stopped", flush=True)
