"""The Jinja2 templates in ``templates/`` → page bytes: one Environment, made once.

Autoescape is on, with the escaping the pages have always had: ``{{ value }}`` escapes
``& < > " '`` (``&quot;``, ``&#x27;``), safe in element text and in attribute values alike, and
``{{ value|text }}`` escapes only ``& < >``, for element text, where quotes stay as written.
Values already made HTML in Python (the QR code's SVG, the inline script) come as ``Markup``.
``StrictUndefined``: a name the view does not hold is an error, never an empty string.
Whitespace: ``trim_blocks`` and ``lstrip_blocks`` make a line holding only a ``{% tag %}`` vanish;
a line starting ``{#- #}`` (an empty comment stripping the whitespace before it) continues the
line before, so a long line of HTML can be written over several.
The callers (``site.py``, ``changes.py``) prepare everything a template shows; the templates only
lay it out.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
from html import escape
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
from markupsafe import Markup

from confcal.cache import default_folder
from confcal.write import write_atomic

__all__ = ["CHANGES_FEED", "CHANGES_PAGE", "EVENT_ITEM", "INDEX", "Markup", "macro", "render"]

INDEX = "index.html"
CHANGES_PAGE = "changes.html"
CHANGES_FEED = "changes.atom"
EVENT_ITEM = "event.html"


def _escape(value: Any) -> Any:
    """Every ``{{ value }}``: escaped for an attribute value (and so for text too).

    Jinja2's own escaping (markupsafe, in C) follows: it gives the same bytes as
    ``html.escape`` for text without quotes, so only text with quotes is escaped here.
    """
    if value.__class__ is str and ('"' in value or "'" in value):
        return Markup(escape(value, quote=True))
    return value


def _text(value: Any) -> Any:
    """``{{ value|text }}``: escaped for element text, quotes kept as written (``html.escape``
    with ``quote=False``); markupsafe's escaping does the rest, as in ``_escape``."""
    if value.__class__ is str and ('"' in value or "'" in value):
        return Markup(escape(value, quote=False))
    return value


class _CompiledTemplates(jinja2.BytecodeCache):
    """Templates compiled to Python code, kept in the user cache folder (``cache.default_folder``)
    like Python's own ``__pycache__``: compiling them takes longer than a small programme's
    whole build. Jinja2 keeps each with its source's checksum and Python's version and compiles
    again when either differs; the file's name also holds ``_compiled_with()``, what else the
    code depends on. A cache that cannot be read or written is simply not used."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            with open(self._path(bucket), "rb") as stored:
                bucket.load_bytecode(stored)
        except (OSError, ValueError, EOFError, TypeError):  # missing, unreadable or damaged
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        path = self._path(bucket)
        with contextlib.suppress(OSError):
            write_atomic(path, bucket.bytecode_to_string())
            for older in path.parent.glob(f"template-*{bucket.key}.jinja2"):  # compiled otherwise
                if older != path:
                    older.unlink(missing_ok=True)

    @staticmethod
    def _path(bucket: jinja2.bccache.Bucket) -> Path:
        return default_folder() / f"template-{_compiled_with()}-{bucket.key}.jinja2"


@functools.cache
def _compiled_with() -> str:
    """A digest of what a template's compiled code depends on besides its source and Python's
    version: the Environment's settings (this module's source) and Jinja2's version. Without
    it, a confcal that changed a setting (``trim_blocks``...) reused code compiled before."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(jinja2.__version__.encode())
    return digest.hexdigest()[:16]


_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.PackageLoader("confcal", "templates"),
    bytecode_cache=_CompiledTemplates(),
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


def macro(template: str, name: str) -> Any:
    """A macro of a template (which must need no view of its own), to call from Python: it
    returns Markup."""
    return getattr(_ENVIRONMENT.get_template(template).module, name)
