"""Text and attribute values for XML, as ``xml.sax.saxutils`` writes them (same bytes:
tests/test_xmltext.py), without importing it: saxutils imports urllib.request and with it
http.client, email and ssl, which a build has no use for: about 35 ms of every build's start-up
on the development machine, more than importing click."""

from __future__ import annotations

_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ATTRIBUTE = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}
)


def escape(text: str) -> str:
    """``text`` with &, < and > escaped (``saxutils.escape``)."""
    return text.translate(_TEXT)


def quoteattr(value: str) -> str:
    """``value`` escaped and quoted as an attribute value (``saxutils.quoteattr``): in double
    quotes, or single quotes when it holds a double quote and no single one."""
    escaped = value.translate(_ATTRIBUTE)
    if '"' not in escaped:
        return f'"{escaped}"'
    if "'" not in escaped:
        return f"'{escaped}'"
    return '"' + escaped.replace('"', "&quot;") + '"'
