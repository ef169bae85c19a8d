"""Checked access: the short cut for plain strings takes exactly the strings the full check accepts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from confcal.checked import CheckedReader, Meant, ascii_url, link_problem, meant

TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12) | st.sampled_from(
    [
        "plain",
        "  padded  ",
        "",
        "   ",
        "two\nlines",
        "tab\there",
        "bell\x07",
        "next\x85line",
        "nbsp\xa0",
        "\u2028",
    ]
)


def _checked(value: str, *, multiline: bool) -> tuple[str, list[str]]:
    reader = CheckedReader(name="events.toml", schema={})
    return reader.string(value, "papers[0].title", multiline=multiline), [p.message for p in reader.problems]


def _by_rule(value: str, *, multiline: bool) -> tuple[str, list[str]]:
    """What the full check says, rule by rule (checked.string without its short cut)."""
    for position, character in enumerate(value):
        if (ord(character) < 0x20 and character not in "\t\n") or 0x7F <= ord(character) <= 0x9F:
            return "", [f"control character U+{ord(character):04X} at position {position}; remove it"]
    if not multiline and "\n" in value:
        return "", ["expected a single line, found a line break"]
    if not value.strip():
        return "", ["expected text, found an empty string"]
    return value.strip(), []


@given(TEXT, st.booleans())
def test_a_string_is_read_as_its_rules_say(value: str, multiline: bool) -> None:
    assert _checked(value, multiline=multiline) == _by_rule(value, multiline=multiline)


@given(st.lists(TEXT, max_size=4))
def test_a_list_of_strings_keeps_the_good_ones_and_reports_each_bad_one(values: list[str]) -> None:
    reader = CheckedReader(name="events.toml", schema={})
    kept = reader.text_list({"authors": values}, "authors", "papers[0]")
    expected = [_by_rule(value, multiline=False) for value in values]
    assert kept == tuple(text for text, _ in expected if text)
    assert [(p.path, p.message) for p in reader.problems] == [
        (f"papers[0].authors[{index}]", message)
        for index, (_, messages) in enumerate(expected)
        for message in messages
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://bücher.de/o'reilly", "https://xn--bcher-kva.de/o%27reilly"),
        ('https://例え.jp/?q="x"#ü', "https://xn--r8jz45g.jp/?q=%22x%22#%C3%BC"),
        # IDNA 2003 maps ß to ss and drops a zero-width space: another host than the browser's.
        ("https://straße.de/", None),
        ("https://bü\u200bcher.de/", None),
    ],
)
def test_the_ascii_form_of_a_link_is_the_same_address_and_one_the_loader_takes(
    value: str, expected: str | None
) -> None:
    """What the loader suggests (and the import writes) for a link that is not ASCII: an
    apostrophe, which the loader refuses, is percent-encoded too, and a host IDNA would change is
    no suggestion."""
    assert ascii_url(value) == expected
    assert expected is None or link_problem(expected) is None


ROOMS = {
    "hall": ["Main hall"],
    "hall-b": ["Hall"],
    "foyer": ["Foyer"],
    "hs1": ["Hörsaal 1"],
    "hs2": ["Hörsaal 1"],
}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # Another room's name in other letter case is no match for an id written in capitals.
        ("Hall", Meant(("hall",), named=False)),
        ("HALL", Meant(("hall",), named=False)),
        ("main  HALL", Meant(("hall",), named=True)),
        # The id and the name written are one room's: the name is what explains the mistake.
        ("Foyer", Meant(("foyer",), named=True)),
        ("hörsaal 1", Meant(("hs1", "hs2"), named=True)),
        ("hal-b", Meant(("hall-b",), named=False)),
        ("cellar", None),
    ],
)
def test_a_reference_means_the_id_it_is_in_other_letter_case_before_a_name(
    value: str, expected: Meant | None
) -> None:
    assert meant(value, ROOMS) == expected
