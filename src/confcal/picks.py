"""Personal feeds of picked events, cut from a published feed. Pure: bytes in, bytes out.

A pick is a short key per event (``pick_key``): 8 characters of a–z and 2–7 taken from a
digest of the event's id (``<paper>.<kind>``, the part of the UID that names the slot), so a
link to 100 picks stays well under 2,000 characters and keeps working after every rebuild
that keeps the slot. A personal calendar is the overall feed's head (with its VTIMEZONE)
renamed "<conference>: my 3 picks", and the picked VEVENT blocks, byte for byte as published.
Its address changes with the picks, so a new subscription follows new picks: the number in
its name tells it from the one it replaces in a calendar app's list.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from confcal.feeds import OVERALL_FEED_ID

KEY_LENGTH = 8
KEY_PATTERN = re.compile(r"[a-z2-7]{8}")
SEPARATOR = "-"
PICKS_FOLDER = "picks"
OVERALL_FILE = f"{OVERALL_FEED_ID}.ics"
MAX_PICKS = 400
"""More than any attendee stars, fewer than a request line of 4,094 octets (gunicorn's limit) holds."""

_BEGIN_EVENT = b"BEGIN:VEVENT\r\n"
_END = b"END:VCALENDAR\r\n"
_RENAMED = (b"NAME", b"X-WR-CALNAME")
_DESCRIBED = (b"DESCRIPTION", b"X-WR-CALDESC")


def pick_key(event_id: str) -> str:
    """The stable short key of the slot ``event_id`` (``climsim.oral``)."""
    digest = hashlib.sha256(event_id.encode("utf-8")).digest()
    # Base32 writes each 5 bytes as 8 characters: the first 8 characters need only 5 bytes.
    return base64.b32encode(digest[: KEY_LENGTH * 5 // 8]).decode("ascii").lower()


@dataclass(frozen=True)
class PublishedFeed:
    """A published feed split for cutting: the picks head, and each event's block by key."""

    head: tuple[bytes, ...]
    """The head as ``picks_head_parts`` gives it: named by ``picks_head`` for each calendar."""
    blocks: Mapping[str, bytes]
    """Key → VEVENT block, in the feed's order."""
    position: Mapping[str, int]
    """Key → its place in the feed."""


def unfold(data: bytes) -> list[bytes]:
    """The content lines of an iCalendar text (RFC 5545 §3.1), without line ends."""
    return data.replace(b"\r\n ", b"").replace(b"\r\n\t", b"").split(b"\r\n")


def event_id_of(block: bytes) -> str:
    """The slot id in a VEVENT block's UID (``neurips-2023.climsim.oral@confcal`` → ``climsim.oral``)."""
    for line in unfold(block):
        if line.startswith(b"UID:"):
            local = line[4:].decode("utf-8").rpartition("@")[0]
            return ".".join(local.split(".")[-2:])
    raise ValueError("a VEVENT without a UID")


def split_feed(data: bytes) -> PublishedFeed:
    """Split a feed written by ``render_feeds`` into its picks head and its event blocks."""
    if not data.endswith(_END):
        raise ValueError("not a complete calendar: it does not end with END:VCALENDAR")
    body = data[: -len(_END)]
    first = body.find(_BEGIN_EVENT)
    head = body if first < 0 else body[:first]
    blocks: dict[str, bytes] = {}
    if first >= 0:
        for part in body[first:].split(_BEGIN_EVENT)[1:]:
            block = _BEGIN_EVENT + part
            blocks[pick_key(event_id_of(block))] = block
    position = {key: index for index, key in enumerate(blocks)}
    return PublishedFeed(head=picks_head_parts(head), blocks=blocks, position=position)


def picks_name(picks: int) -> str:
    """What a personal feed's name adds to the conference's: ": my 3 picks". page.js says the same."""
    return f": my {picks} pick{'' if picks == 1 else 's'}"


def picks_head(parts: tuple[bytes, ...], *, picks: int) -> bytes:
    """The head of a personal feed of ``picks`` events, from ``picks_head_parts``: each name
    line gains ``picks_name`` and is folded (page.js builds its download's head alike)."""
    from confcal.vevent import fold

    suffix = picks_name(picks).encode("utf-8")
    return b"".join(fold(part + suffix) if index % 2 else part for index, part in enumerate(parts))


def picks_head_parts(head: bytes) -> tuple[bytes, ...]:
    """A feed's head (up to its first VEVENT) as the head of a personal feed, but for its names:
    the lines as they stay, and between them each name line (NAME, X-WR-CALNAME) unfolded, which
    ``picks_head`` ends with the number of picks. DESCRIPTION and X-WR-CALDESC say what the feed
    is. Every other line, the VTIMEZONE included, stays byte for byte.
    """
    from confcal.vevent import fold

    groups: list[list[bytes]] = []
    for line in head.removesuffix(b"\r\n").split(b"\r\n"):
        if line.startswith((b" ", b"\t")) and groups:
            groups[-1].append(line)
        else:
            groups.append([line])
    logical = [group[0] + b"".join(more[1:] for more in group[1:]) for group in groups]
    values = {line.partition(b":")[0]: line.partition(b":")[2] for line in logical}
    name = values.get(b"NAME", b"")
    described = b"The events you picked from " + name + b". This feed follows changes to the programme."
    parts = [b""]
    for group, line in zip(groups, logical, strict=True):
        prop = line.partition(b":")[0]
        if prop in _RENAMED:
            parts += [line, b"\r\n"]
        elif prop in _DESCRIBED:
            parts[-1] += fold(prop + b":" + described) + b"\r\n"
        else:
            parts[-1] += b"\r\n".join(group) + b"\r\n"
    return tuple(parts)


def picks_calendar(feed: PublishedFeed, keys: Iterable[str]) -> bytes:
    """The personal calendar of ``keys`` that ``feed`` still holds, in the feed's order, named with
    the number of ``keys`` (as its address has them: the name stays while events leave it)."""
    position = feed.position
    picked = set(keys)
    found = sorted((key for key in picked if key in position), key=position.__getitem__)
    return picks_head(feed.head, picks=len(picked)) + b"".join(feed.blocks[key] for key in found) + _END
