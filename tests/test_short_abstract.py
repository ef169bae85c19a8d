"""``abstracts = "short"``: the cut falls at a sentence end, CJK ones too, and never inside what a
reader sees as one character (a grapheme cluster)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from confcal.model import Paper
from confcal.render import SHORT_ABSTRACT, cluster_boundary, short_abstract

SHORTENED = "Abstract (shortened): "


def shortened(abstract: str) -> str:
    """What the short form keeps of ``abstract``; the whole abstract when it is not cut."""
    text = short_abstract(Paper(id="p", category="", title="P", authors=(), abstract=abstract))
    if text.startswith(SHORTENED):
        kept = text.removeprefix(SHORTENED)
        assert kept.endswith(" …")
        return kept.removesuffix(" …")
    assert text == f"Abstract: {abstract}"
    return abstract


def test_a_japanese_abstract_is_cut_at_its_full_stop() -> None:
    sentence = "本研究では大規模言語モデルの推論能力を評価する"  # 23 characters, no spaces
    first = sentence * 12 + "手法を提案する。"  # its 。 is character 284
    abstract = first + "実験の結果、提案手法は従来手法を上回った" * 20
    assert shortened(abstract) == first


@pytest.mark.parametrize("mark", ["。", "！", "？", "．", "｡", "！？", "。」"])
def test_cjk_sentence_ends_need_no_space(mark: str) -> None:
    first = "模型" * 145 + mark
    assert shortened(first + "结果表明该方法优于现有方法" * 20) == first


@pytest.mark.parametrize("digit", ["５", "5", "٥"])
def test_a_fullwidth_full_stop_before_a_digit_is_a_decimal_point(digit: str) -> None:
    """Japanese writes 1.5 as １．５: no sentence ends there, and none at the abstract's own end
    either, so the text without another sentence end is cut at 300 characters."""
    middle = f"提案手法の精度は従来手法の１．{digit}倍であり、"
    abstract = "本研究では" * 30 + middle + "さらに検証を行った" * 30 + "。"
    assert shortened(abstract) == abstract[:SHORT_ABSTRACT]
    first = "本研究では" * 50 + middle + "。"
    assert shortened(first + "さらに検証を行った" * 30) == first


def test_a_sentence_end_at_the_end_of_the_abstract_is_no_cut() -> None:
    abstract = "模型" * 200 + "。 "
    assert shortened(abstract) == abstract[:SHORT_ABSTRACT]


def test_ascii_sentence_ends_still_need_a_space() -> None:
    """A full stop inside a word (v3.5x) ends no sentence; the cut falls at the last space."""
    abstract = "We measure " + "v3.5x " * 60 + "more " * 40
    kept = shortened(abstract)
    assert kept == abstract[: abstract.rfind(" ", 0, SHORT_ABSTRACT)]


def test_a_space_early_in_text_without_spaces_is_no_place_to_cut() -> None:
    """A model's name, then Chinese: the cut is at 300 characters, not after "GPT-4"."""
    abstract = "GPT-4 " + "的推理能力" * 100
    assert shortened(abstract) == abstract[:SHORT_ABSTRACT]


def test_a_zwj_sequence_is_not_split() -> None:
    scientist = "👩\u200d🔬"
    kept = shortened("x" * 298 + scientist * 40)
    assert kept == "x" * 298
    kept = shortened("x" * 297 + scientist * 40)
    assert kept == "x" * 297 + scientist


@pytest.mark.parametrize(
    ("text", "index"),
    [
        pytest.param("e\u0301", 1, id="combining accent"),
        pytest.param("❤\ufe0f", 1, id="variation selector"),
        pytest.param("👍🏽", 1, id="emoji modifier"),
        pytest.param("👩\u200d🔬", 1, id="before a zwj"),
        pytest.param("👩\u200d🔬", 2, id="after a zwj"),
        pytest.param("🇯🇵🇫🇷", 1, id="inside the first flag"),
        pytest.param("🇯🇵🇫🇷", 3, id="inside the second flag"),
        pytest.param("🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f", 3, id="tag sequence"),
        pytest.param("\u1112\u1161\u11ab", 1, id="hangul leading consonant and vowel"),
        pytest.param("\u1112\u1161\u11ab", 2, id="hangul vowel and trailing consonant"),
        pytest.param("가\u11a8", 1, id="hangul syllable and trailing consonant"),
        pytest.param("क्ष", 2, id="devanagari conjunct"),
        pytest.param("कि", 1, id="devanagari vowel sign"),
        pytest.param("ｶﾞ", 1, id="halfwidth voiced mark"),
        pytest.param("\r\n", 1, id="crlf"),
    ],
)
def test_no_cut_inside_a_cluster(text: str, index: int) -> None:
    assert not cluster_boundary(text, index)


@pytest.mark.parametrize(
    ("text", "index"),
    [
        pytest.param("ab", 1, id="letters"),
        pytest.param("🇯🇵🇫🇷", 2, id="between two flags"),
        pytest.param("👍🏽👍", 2, id="after a modifier"),
        pytest.param("한국", 1, id="two hangul syllables"),
        pytest.param("\u11ab\u1112", 1, id="trailing then leading consonant"),
        pytest.param("कक", 1, id="two devanagari consonants"),
        pytest.param("本。研", 2, id="after a full stop"),
    ],
)
def test_a_cut_between_clusters(text: str, index: int) -> None:
    assert cluster_boundary(text, index)


CLUSTERS = st.one_of(
    st.sampled_from(list("abcxyz .,!?\"')")),
    st.sampled_from(list("本研究模型。！？．｡」』）、")),
    st.tuples(
        st.sampled_from("aeiou"), st.text("\u0301\u0308\u0323\u20dd\ufe0e", min_size=1, max_size=3)
    ).map("".join),
    st.sampled_from(
        ["👩\u200d🔬", "👨\u200d👩\u200d👧\u200d👦", "🏳\ufe0f\u200d🌈", "❤\ufe0f", "👍🏽", "👩🏿\u200d💻"]
    ),
    st.tuples(*[st.integers(0x1F1E6, 0x1F1FF).map(chr)] * 2).map("".join),  # a flag
    st.just("🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"),
    st.tuples(
        st.integers(0x1100, 0x1112).map(chr),
        st.integers(0x1161, 0x1175).map(chr),
        st.sampled_from(["", *map(chr, range(0x11A8, 0x11C3))]),
    ).map("".join),  # a Hangul syllable in jamo
    st.sampled_from(["한", "가\u11a8", "क्ष", "स्त्र", "कि", "ｶﾞ", "\r\n"]),
)
"""Grapheme clusters, each starting with a character that does not join the one before it: the
text they make is cut between two of them or not at all."""


@given(st.lists(CLUSTERS, min_size=100, max_size=600))
def test_the_short_form_is_the_abstract_cut_between_two_clusters(clusters: list[str]) -> None:
    abstract = "".join(clusters)
    kept = shortened(abstract)
    assert abstract.startswith(kept)
    boundaries = {0, *itertools.accumulate(map(len, clusters))}
    assert len(kept) in boundaries, (kept[-5:], abstract[len(kept) : len(kept) + 5])
    if kept != abstract:
        assert SHORT_ABSTRACT // 2 - 10 <= len(kept) <= SHORT_ABSTRACT * 1.5
