"""What the preview server (``confcal.server``) and the personal-feed service (``confcal.web``)
say alike about a file: its content type, and whether a conditional GET gets 304."""

from __future__ import annotations

import mimetypes
from datetime import datetime
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


def content_type(path: Path) -> str:
    """Text is labelled UTF-8: without a charset, Google Calendar garbles non-ASCII (FEEDS.md)."""
    if path.suffix in CONTENT_TYPES:
        return CONTENT_TYPES[path.suffix]
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def not_modified(
    if_none_match: str | None, if_modified_since: str | None, etag: str, modified: datetime
) -> bool:
    """RFC 9110 §13.2.2: If-None-Match decides when present, else If-Modified-Since."""
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or etag in tags
    if if_modified_since is not None:
        try:
            when = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        return when.tzinfo is not None and modified <= when
    return False
