"""What the preview server (``confcal.server``) and the personal-feed service (``confcal.web``)
say alike about a file: which file of the folder a request path names (if any), its content
type, and whether a conditional GET gets 304; and when they may give a Last-Modified at all.
Also what the service alone compresses, and for which requests."""

from __future__ import annotations

import mimetypes
import re
import threading
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

CONTENT_TYPES = {
    ".ics": "text/calendar; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
}


def request_path(path: str) -> str:
    """The percent-decoded path of a request as text. ``path`` holds its bytes one latin-1
    character each, as WSGI's PATH_INFO does (PEP 3333) and as ``http.server`` reads a request
    line; they are read as UTF-8 (RFC 3986 §2.5, as browsers encode a path: ``/caf%C3%A9.ics`` is
    ``/café.ics``), a byte that is not UTF-8 as U+FFFD (as ``urllib.parse.unquote`` reads it)."""
    try:
        raw = path.encode("latin-1")
    except UnicodeEncodeError:  # text already: no byte is above U+00FF
        return path
    return raw.decode("utf-8", "replace")


def served_file(root: Path, path: str) -> Path | None:
    """The file under ``root`` (a resolved folder) that the request path ``path`` (percent-decoded
    by ``request_path``, without its query) names; None when it names none that may be served.

    Every segment of the path as requested is a plain name: a dot segment (``.``, ``..``, even
    one that would stay inside the folder: clients remove them, RFC 3986 §5.2.4, so only a
    crafted request has one), a dot file or folder (a build's temporary ``.all.ics.x1y2.tmp``,
    ``.git``), ``\\`` or NUL make it name nothing. The file it leads to, symlinks followed, must
    be inside ``root`` and no dot file either; a folder means its ``index.html``, by the same rule.
    """
    if "\x00" in path or "\\" in path or any(part.startswith(".") for part in path.split("/")):
        return None
    try:
        candidate = (root / path.lstrip("/")).resolve()
        if candidate.is_dir():
            candidate = (candidate / "index.html").resolve()
        if not candidate.is_relative_to(root):
            return None
        if any(part.startswith(".") for part in candidate.relative_to(root).parts):
            return None
        return candidate if candidate.is_file() else None
    except (OSError, RuntimeError):  # a name too long, a symlink loop
        return None


def content_type(path: Path) -> str:
    """Text is labelled UTF-8: without a charset, Google Calendar garbles non-ASCII (FEEDS.md)."""
    if path.suffix in CONTENT_TYPES:
        return CONTENT_TYPES[path.suffix]
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def compressible(content_type: str) -> bool:
    """Whether bytes of this type are worth gzip: text, HTML, JSON, XML, Atom, SVG, but never a
    calendar, however large (FEEDS.md: a gzipped ``.ics`` broke Outlook subscriptions)."""
    media = content_type.partition(";")[0].strip().lower()
    if media == "text/calendar":
        return False
    return (
        media.startswith("text/")
        or media in ("application/json", "application/xml", "application/javascript")
        or media.endswith(("+xml", "+json"))
    )


_QUALITY = re.compile(r"0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?")


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether a request with this Accept-Encoding gets gzip (RFC 9110 §12.5.3): gzip (or
    ``x-gzip``, or ``*`` when gzip is not named) has a quality above 0 and at least that of
    ``identity``. Unnamed, identity has the quality of ``*``, else it is only the fallback that is
    always acceptable. No header at all gets identity: a client that sends none may not decode
    gzip. A repeated coding keeps its lowest quality; an entry with a malformed quality is left out.
    """
    if accept_encoding is None:
        return False
    qualities: dict[str, float] = {}
    for item in accept_encoding.split(","):
        coding, *parameters = (part.strip() for part in item.split(";"))
        coding = coding.lower()
        if not coding:
            continue
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                quality = float(value) if _QUALITY.fullmatch(value.strip()) else -1.0
        if quality < 0:
            continue
        coding = "gzip" if coding == "x-gzip" else coding
        qualities[coding] = min(quality, qualities.get(coding, quality))
    anything = qualities.get("*")
    gzip = qualities.get("gzip", anything or 0.0)
    identity = qualities.get("identity", anything or 0.0)
    return gzip > 0 and gzip >= identity


def last_modified(written_ns: int, now_ns: int) -> datetime | None:
    """The Last-Modified of bytes written at ``written_ns`` (a file's st_mtime_ns), in a response
    made at ``now_ns``: the second they were written, once that second is over; None before.

    HTTP dates count whole seconds. Given during the second of the write, the date would also
    be that of a second write within the same second, and a client revalidating with
    If-Modified-Since would get 304 for changed bytes; so until the second has passed there is
    no Last-Modified (the ETag still validates), and a later write always carries a later date
    than any date already given. A time in the future (a clock set wrong) is never given
    either: RFC 9110 §8.8.2.1.
    """
    second = written_ns // 10**9
    if second >= now_ns // 10**9:
        return None
    return datetime.fromtimestamp(second, tz=UTC)


def not_modified(
    if_none_match: str | None, if_modified_since: str | None, etag: str, modified: datetime | None
) -> bool:
    """RFC 9110 §13.2.2: If-None-Match decides when present, else If-Modified-Since (never
    without a ``modified`` to compare it with)."""
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or etag.removeprefix("W/") in tags  # weak comparison (§8.8.3.2)
    if if_modified_since is not None and modified is not None:
        try:
            when = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        return when.tzinfo is not None and modified <= when
    return False


class GivenDates:
    """The Last-Modified given for each resource in this process, so it never goes back.

    A file's time can go back while its bytes change: a copy that keeps the times of a host whose
    clock is behind (``cp -p``, ``rsync -a``), a restore from a backup. A client holding the
    later date would then get 304 on If-Modified-Since for the new bytes. So, per resource, the
    last date given and the digest of the bytes it was given for are kept: bytes with that digest
    get a date no earlier than it, other bytes only a later date, or none (the ETag still
    validates). The memory is this process's own: a worker that never served the older bytes
    cannot know their date.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.given: dict[str, tuple[str, datetime]] = {}

    def date(self, resource: str, digest: str, modified: datetime | None) -> datetime | None:
        """The Last-Modified for ``resource``, whose bytes have ``digest`` and were written at
        ``modified`` (``last_modified``'s answer); None when none may be given."""
        if modified is None:
            return None
        with self.lock:
            given = self.given.get(resource)
            if given is not None:
                given_digest, given_date = given
                if digest == given_digest:
                    modified = max(modified, given_date)
                elif modified <= given_date:
                    return None
            self.given[resource] = (digest, modified)
            return modified
