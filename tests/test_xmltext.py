"""confcal.xmltext writes what xml.sax.saxutils writes, for any text."""

from __future__ import annotations

from xml.sax.saxutils import escape as sax_escape
from xml.sax.saxutils import quoteattr as sax_quoteattr

from hypothesis import given
from hypothesis import strategies as st

from confcal.xmltext import escape, quoteattr

# The characters the escapes treat specially, often, among any others.
TEXT = st.text(st.one_of(st.sampled_from("&<>\"'\n\r\t;#"), st.characters()))


@given(TEXT)
def test_escape_is_saxutils_escape(text: str) -> None:
    assert escape(text) == sax_escape(text)


@given(TEXT)
def test_quoteattr_is_saxutils_quoteattr(text: str) -> None:
    assert quoteattr(text) == sax_quoteattr(text)


def test_each_quoting_case() -> None:
    assert quoteattr("a&b") == '"a&amp;b"'
    assert quoteattr('say "hi"') == "'say \"hi\"'"
    assert quoteattr('it\'s "x"\n') == '"it\'s &quot;x&quot;&#10;"'
