"""Text and attribute values for XML, as ``xml.sax.saxutils`` writes them (same bytes:
tests/test_xmltext.py), without importing it: saxutils imports urllib.request and with it
http.client, email and ssl, which a build has no use for: about 35 ms of every build's start-up
on the development machine, more than importing click."""

from __future__ import annotations


def escape(text: str) -> str:
    """``text`` with &, < and > escaped (``saxutils.escape``). Most text has none of them, and
    looking for each (``in``) is much faster than a replace that finds nothing (thirty times,
    on an abstract); where one is found, a chain of replace calls: each is a fast scan, where
    ``str.translate`` with a table looks up every character (40 times slower on an abstract)."""
    if "&" in text or "<" in text or ">" in text:
        return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
    return text


def quoteattr(value: str) -> str:
    """``value`` escaped and quoted as an attribute value (``saxutils.quoteattr``): in double
    quotes, or single quotes when it holds a double quote and no single one."""
    escaped = escape(value).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in escaped:
        return f'"{escaped}"'
    if "'" not in escaped:
        return f"'{escaped}'"
    return '"' + escaped.replace('"', "&quot;") + '"'
