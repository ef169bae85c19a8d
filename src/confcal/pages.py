"""The Jinja2 templates in ``templates/`` → page bytes: one Environment, made once.

Autoescape is on, with the escaping the pages have always had: ``{{ value }}`` escapes
``& < > " '`` (``&quot;``, ``&#x27;``), safe in element text and in attribute values alike, and
``{{ value|text }}`` escapes only ``& < >``, for element text, where quotes stay as written.
Values already made HTML in Python (the QR code's SVG, the inline script) come as ``Markup``.
``StrictUndefined``: a name the view does not hold is an error, never an empty string.
The callers (``site.py``, ``changes.py``) prepare everything a template shows; the templates only
lay it out.
"""

from __future__ import annotations

from html import escape
from typing import Any

import jinja2
from markupsafe import Markup

__all__ = ["CHANGES_FEED", "CHANGES_PAGE", "INDEX", "Markup", "render"]

INDEX = "index.html"
CHANGES_PAGE = "changes.html"
CHANGES_FEED = "changes.atom"


def _escape(value: object) -> Markup:
    """Every ``{{ value }}``: escaped for an attribute value (and so for text too)."""
    if hasattr(value, "__html__"):
        return Markup(value)
    return Markup(escape(str(value), quote=True))


def _text(value: object) -> Markup:
    """``{{ value|text }}``: escaped for element text, quotes kept as written."""
    if hasattr(value, "__html__"):
        return Markup(value)
    return Markup(escape(str(value), quote=False))


_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.PackageLoader("confcal", "templates"),
    autoescape=True,
    finalize=_escape,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    auto_reload=False,
)
_ENVIRONMENT.filters["text"] = _text
_ENVIRONMENT.globals.update(index_page=INDEX, changes_page=CHANGES_PAGE, changes_feed=CHANGES_FEED)


def render(template: str, /, **view: Any) -> bytes:
    """A template filled with ``view``, as UTF-8 bytes."""
    return _ENVIRONMENT.get_template(template).render(view).encode()
