"""A two-paper events file for command tests, with the slots each test wants."""

from __future__ import annotations

HEAD = """\
[conference]
id = "conf"
name = "Conf"
start = 2024-06-03
end = 2024-06-05
venue = "Hall"
city = "Berlin"
timezone = "Europe/Berlin"

[publish]
updated = 2024-06-01T00:00:00Z

[[categories]]
id = "main"
name = "Main"
"""


def paper(paper_id: str, slots: str) -> str:
    return f"""
[[papers]]
id = "{paper_id}"
category = "main"
title = "Paper {paper_id.upper()}"
authors = ["Author of {paper_id.upper()}"]
{slots}"""


def slot(kind: str, start: str, end: str, *, place: str = 'room = "R1"\nlevel = "L1"') -> str:
    return f"""
[papers.{kind}]
session = "Session"
start = {start}
end = {end}
{place}
"""


def events_file(a_slots: str, b_slots: str) -> str:
    """Papers 'a' and 'b' with the given slots."""
    return HEAD + paper("a", a_slots) + paper("b", b_slots)
