"""The preview's HTTP server: static files from one folder, as a careful static host serves them.

Charset-labelled content types, a strong ETag (SHA-256 of the bytes) and Last-Modified, both
taken from one open file (one read, one fstat, so they describe the same version even while a
rebuild renames a new file over it), 304 on a matching conditional GET, no compression, GET and
HEAD only, nothing outside the folder and no dot files (a build's temporary files). A rebuild
can rewrite a file within the second it was written, so there is no Last-Modified until that
second is over, and none for new bytes whose file time went back (``http_headers.last_modified``
and ``GivenDates``, the rules ``confcal.web`` follows too).

It listens on a socket, so it is built to stay up under what a browser, a calendar app or a
hostile neighbour on the network can do to it:

- a fixed pool of ``WORKERS`` threads handles requests; connections waiting between requests
  sit in one selector, not in a thread, and are closed after ``IDLE_SECONDS`` (at most
  ``MAX_CONNECTIONS`` open: the longest idle goes first), so idle clients cannot starve new ones;
- a listen backlog of ``BACKLOG``, so a burst of clients is queued by the kernel, not dropped;
- a request (line, headers, body) must arrive within ``REQUEST_SECONDS``;
- a request body is read and dropped (or the connection closed), never parsed as a request;
- control characters from the client are escaped in the log; a client that goes away
  mid-response is not an error.

Why not the standard library's ``SimpleHTTPRequestHandler`` (pelican's preview subclasses it)?
Of what it adds to ``BaseHTTPRequestHandler``, every part would have to be replaced to keep what
the tests check (tests/test_serve.py): ``send_head`` has no ETag or If-None-Match and stats the
file separately from reading it, ``translate_path`` silently drops ``..`` and follows symlinks out
of the folder, ``list_directory`` lists folders, dot files are served, and ``do_GET`` has no
405. Only ``copyfile`` would be left. So the handler stays on ``BaseHTTPRequestHandler``
(request parsing, status lines, ``send_error``) and says what it serves in a few lines below;
the thread-per-connection ``ThreadingHTTPServer`` is replaced for the reasons above.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import queue
import selectors
import socket
import sys
import threading
import time
import urllib.parse
from email.utils import format_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from confcal.http_headers import (
    GivenDates,
    content_type,
    last_modified,
    not_modified,
    request_path,
    served_file,
)
from confcal.picks import PICKS_FOLDER

WORKERS = 16
MAX_CONNECTIONS = 256
BACKLOG = 1024
IDLE_SECONDS = 5.0
REQUEST_SECONDS = 10.0
MAX_DRAINED_BODY = 64 * 1024
"""A larger request body is not read: the connection is closed after the response."""

_ESCAPES = {code: f"\\x{code:02x}" for code in (*range(0x20), *range(0x7F, 0xA0))} | {ord("\\"): "\\\\"}


class ListenError(OSError):
    """The server cannot bind to the address it was given."""


def escape_log(text: str) -> str:
    r"""``text`` with control characters as ``\xNN`` (and ``\`` doubled): one line, no terminal codes."""
    return text.translate(_ESCAPES)


def listening_socket(address: tuple[str, int]) -> socket.socket:
    """A socket listening on ``address``; IPv6 addresses (``::``, ``::1``) and host names work.

    ``::`` also accepts IPv4 where the system allows it. Raises ListenError.
    """
    host, port = address
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0][0]
        dual = family == socket.AF_INET6 and host in ("::", "") and socket.has_dualstack_ipv6()
        return socket.create_server(address, family=family, backlog=BACKLOG, dualstack_ipv6=dual)
    except socket.gaierror as error:
        raise ListenError(error.errno, error.strerror) from None
    except OSError as error:
        raise ListenError(error.errno, error.strerror) from None


class Connection:
    """One client connection and the handler that reads requests from it, one at a time."""

    def __init__(self, sock: socket.socket, address: Any, server: PreviewServer) -> None:
        sock.settimeout(REQUEST_SECONDS)
        self.socket = sock
        self.handler = PreviewHandler(sock, address, server)
        self.idle_since = time.monotonic()

    def fileno(self) -> int:
        return self.socket.fileno()

    def has_buffered_request(self) -> bool:
        """Whether the next request (pipelined) already sits in the handler's read buffer."""
        self.socket.setblocking(False)
        try:
            return bool(self.handler.rfile.peek(1))  # type: ignore[attr-defined]
        except OSError:
            return False
        finally:
            self.socket.settimeout(REQUEST_SECONDS)

    def cut(self) -> None:
        """End any read or write in progress on this connection (from another thread)."""
        with contextlib.suppress(OSError):
            self.socket.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.handler.finish()
        self.cut()
        self.socket.close()


class Connections:
    """The open client connections: those idle in the selector (the selector thread's alone),
    and the deadline of each request being read (shared with the workers, under ``lock``)."""

    def __init__(self, selector: selectors.BaseSelector) -> None:
        self.selector = selector
        self.lock = threading.Lock()
        self.open: set[Connection] = set()
        self.idle: dict[Connection, None] = {}
        """Connections waiting in the selector for their next request, longest idle first."""
        self.deadlines: dict[socket.socket, float] = {}

    def __len__(self) -> int:
        with self.lock:
            return len(self.open)

    def admit(self, connection: Connection) -> None:
        with self.lock:
            self.open.add(connection)
        self.park(connection)

    def room_for_one(self) -> bool:
        """Whether one more connection may open; the longest idle one is closed to make room."""
        if len(self.open) >= MAX_CONNECTIONS and self.idle:
            self.close_idle(next(iter(self.idle)))
        return len(self.open) < MAX_CONNECTIONS

    def park(self, connection: Connection) -> None:
        """Wait in the selector for ``connection``'s next request."""
        connection.idle_since = time.monotonic()
        self.idle[connection] = None
        self.selector.register(connection, selectors.EVENT_READ, connection)

    def unpark(self, connection: Connection) -> None:
        """``connection``'s next request is arriving: a worker takes it."""
        self.selector.unregister(connection)
        self.idle.pop(connection, None)

    def reading(self, connection: Connection) -> None:
        """A request is being read from ``connection``: it must arrive within ``REQUEST_SECONDS``."""
        with self.lock:
            self.deadlines[connection.socket] = time.monotonic() + REQUEST_SECONDS

    def request_read(self, sock: socket.socket) -> None:
        """The request on ``sock`` has arrived: the deadline no longer applies."""
        with self.lock:
            self.deadlines.pop(sock, None)

    def expire(self) -> None:
        """Close connections idle too long; cut off requests that did not arrive in time."""
        now = time.monotonic()
        while self.idle:
            oldest = next(iter(self.idle))
            if now - oldest.idle_since < IDLE_SECONDS:
                break
            self.close_idle(oldest)
        with self.lock:
            late = [sock for sock, deadline in self.deadlines.items() if deadline <= now]
            for sock in late:
                del self.deadlines[sock]
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)  # the worker's read returns, and it closes

    def cut_all(self) -> None:
        """End every read or write in progress at once (the server is stopping)."""
        with self.lock:
            for connection in self.open:
                connection.cut()

    def close_idle(self, connection: Connection) -> None:
        self.unpark(connection)
        self.close(connection)

    def close(self, connection: Connection) -> None:
        with self.lock:
            self.open.discard(connection)
        connection.close()


class PreviewServer:
    """Serves the files under ``root`` on ``address``; see the module docstring.

    ``serve_forever`` runs the selector in the calling thread and the workers in their own;
    ``shutdown`` (from another thread) stops it; ``server_close`` releases the socket.
    """

    def __init__(self, address: tuple[str, int], *, root: Path) -> None:
        from confcal.web import App

        self.root = root.resolve()
        self.personal_feeds = App(self.root, max_age=0)
        self.dates = GivenDates()
        """Answers ``/picks/…``: the personal feeds, by the production service's own code."""
        self.socket = listening_socket(address)
        self.socket.setblocking(False)
        self.server_address: tuple[Any, ...] = self.socket.getsockname()
        self._selector = selectors.DefaultSelector()
        self._connections = Connections(self._selector)
        self._work: queue.SimpleQueue[Connection | None] = queue.SimpleQueue()
        self._parked: queue.SimpleQueue[Connection] = queue.SimpleQueue()
        self._wake_reader, self._wake_writer = socket.socketpair()
        self._wake_reader.setblocking(False)
        self._stopping = threading.Event()
        self._stopped = threading.Event()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/"

    @property
    def connections(self) -> int:
        """How many client connections are open."""
        return len(self._connections)

    def request_read(self, sock: socket.socket) -> None:
        """The request on ``sock`` has arrived: the deadline no longer applies."""
        self._connections.request_read(sock)

    # -- the selector thread ---------------------------------------------------------------

    def serve_forever(self) -> None:
        workers = [threading.Thread(target=self._work_loop, name=f"confcal-http-{n}") for n in range(WORKERS)]
        for worker in workers:
            worker.daemon = True
            worker.start()
        self._selector.register(self.socket, selectors.EVENT_READ, "accept")
        self._selector.register(self._wake_reader, selectors.EVENT_READ, "wake")
        try:
            while not self._stopping.is_set():
                for key, _ in self._selector.select(timeout=0.5):
                    if key.data == "accept":
                        self._accept()
                    elif key.data == "wake":
                        self._take_parked()
                    else:
                        self._connections.unpark(key.data)
                        self._work.put(key.data)
                self._connections.expire()
        finally:
            self._stop(workers)

    def _stop(self, workers: list[threading.Thread]) -> None:
        self._stopping.set()
        self._connections.cut_all()
        for _ in workers:
            self._work.put(None)
        for worker in workers:
            worker.join()
        for connection in list(self._connections.idle):
            self._connections.close_idle(connection)
        for waiting in (self._parked, self._work):
            while not waiting.empty():
                if (left := waiting.get_nowait()) is not None:
                    self._connections.close(left)
        self._selector.close()
        self._stopped.set()

    def shutdown(self) -> None:
        self._stopping.set()
        self._wake()
        self._stopped.wait()

    def server_close(self) -> None:
        self.socket.close()
        self._wake_reader.close()
        self._wake_writer.close()

    def _accept(self) -> None:
        while True:
            try:
                sock, address = self.socket.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError:  # e.g. EMFILE: leave the client in the backlog until a connection closes
                return
            if self._connections.room_for_one():
                self._connections.admit(Connection(sock, address, self))
            else:
                sock.close()

    def _take_parked(self) -> None:
        with contextlib.suppress(BlockingIOError):
            while self._wake_reader.recv(4096):
                pass
        while True:
            try:
                connection = self._parked.get_nowait()
            except queue.Empty:
                return
            self._connections.park(connection)

    def _wake(self) -> None:
        with contextlib.suppress(OSError):
            self._wake_writer.send(b"\0")

    # -- the worker threads ----------------------------------------------------------------

    def _work_loop(self) -> None:
        while (connection := self._work.get()) is not None:
            if self._serve_one(connection) and not self._stopping.is_set():
                if connection.has_buffered_request():
                    self._work.put(connection)
                else:
                    self._parked.put(connection)
                    self._wake()
            else:
                self._connections.close(connection)

    def _serve_one(self, connection: Connection) -> bool:
        """Handle one request; whether the connection stays open for another."""
        self._connections.reading(connection)
        handler = connection.handler
        try:
            handler.handle_one_request()
        except OSError:  # the client went away or stopped reading: nothing to report
            return False
        except Exception as error:  # a bug: one line in the log, the server carries on
            handler.log_error("internal error: %s: %s", type(error).__name__, error)
            return False
        finally:
            self._connections.request_read(connection.socket)
        return not handler.close_connection


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer  # type: ignore[assignment]
    server_version = "confcal-preview"
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms wait between them

    def __init__(self, request: socket.socket, client_address: Any, server: PreviewServer) -> None:
        """Set up the streams only: the server calls ``handle_one_request`` once per request."""
        self.request = request
        self.client_address = client_address
        self.server = server
        self.setup()

    def parse_request(self) -> bool:
        """Parse the request line and headers, then read and drop any body."""
        if not super().parse_request():
            return False
        length = self.headers.get("Content-Length", "0").strip()
        if not length.isdigit():
            self.send_error(HTTPStatus.BAD_REQUEST, "Bad Content-Length")
            return False
        size = int(length)
        if self.headers.get("Transfer-Encoding") or size > MAX_DRAINED_BODY:
            self.close_connection = True  # the body is not read: the connection cannot carry on
        elif size and len(self.rfile.read(size)) < size:
            self.close_connection = True
        self.server.request_read(self.connection)
        return True

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
        path = self.path.partition("?")[0]
        if path.startswith(f"/{PICKS_FOLDER}/"):
            self.respond_from_app(path, body=body)
            return
        decoded = urllib.parse.unquote(path.partition("#")[0], encoding="latin-1")
        target = served_file(self.server.root, request_path(decoded))
        if target is None:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        try:
            with target.open("rb") as stream:
                data = stream.read()
                written_ns = os.fstat(stream.fileno()).st_mtime_ns
        except OSError:  # renamed away between resolve and open, or unreadable
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        etag = f'"{hashlib.sha256(data).hexdigest()}"'
        modified = self.server.dates.date(str(target), etag, last_modified(written_ns, time.time_ns()))
        headers = {"ETag": etag}
        if modified is not None:
            headers["Last-Modified"] = format_datetime(modified, usegmt=True)
        headers["Cache-Control"] = "no-cache"
        if not_modified(
            self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since"), etag, modified
        ):
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

    def respond_from_app(self, path: str, *, body: bool) -> None:
        """A personal feed, from ``confcal.web``'s WSGI application (as ``gunicorn`` runs it)."""
        environ = {
            "REQUEST_METHOD": "GET" if body else "HEAD",
            "PATH_INFO": urllib.parse.unquote(path, encoding="latin-1"),
            "HTTP_IF_NONE_MATCH": self.headers.get("If-None-Match"),
            "HTTP_IF_MODIFIED_SINCE": self.headers.get("If-Modified-Since"),
        }
        reply: list[tuple[str, list[tuple[str, str]]]] = []
        chunks = self.server.personal_feeds(
            {name: value for name, value in environ.items() if value is not None},
            lambda status, headers: reply.append((status, headers)),
        )
        status, headers = reply[0]
        self.send_response(int(status[:3]))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if body:
            for chunk in chunks:
                self.wfile.write(chunk)

    def log_message(self, format: str, *args: Any) -> None:
        sys.stderr.write(f"{escape_log(self.address_string())} {escape_log(format % args)}\n")
