"""Japanese line breaking: 禁則, unsplit numbers and words, nothing lost."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.printing.fonts import GOTHIC, text_width
from app.printing.kinsoku import (
    LINE_END_FORBIDDEN,
    LINE_START_FORBIDDEN,
    glues_back,
    glues_forward,
    legal_break,
    wrap_text,
)

SIZE = 10.0


def width(s: str) -> float:
    return text_width(s, GOTHIC, SIZE)


def wrap(text: str, chars: float) -> list[str]:
    return wrap_text(text, chars * SIZE, width)


def squash(text: str) -> str:
    return re.sub(r"[ \t\u3000\n]", "", text)


SEED_TEXT = ("「協議体」とは、住民が主体となって市や社会福祉協議会、NPO、地域組織と一緒に地域の"
             "支え合いを考えていくチームです。問い合わせ☎027-325-3578（平日10:00〜12:00）。"
             "ちょっとしたゴミ出しのお手伝い、見守り・声かけ……できることから！")


@pytest.mark.parametrize("chars", [4, 5, 6, 7, 8, 9, 10, 11, 13, 17, 23, 40])
def test_seed_text_obeys_the_rules(chars):
    lines = wrap(SEED_TEXT, chars)
    assert squash("".join(lines)) == squash(SEED_TEXT)
    for line in lines[1:]:
        assert line and line[0] not in LINE_START_FORBIDDEN, lines
    for line in lines[:-1]:
        assert line[-1] not in LINE_END_FORBIDDEN, lines
    if chars >= 15:  # wide enough for the longest unit: every line fits
        assert all(width(line) <= chars * SIZE + 1e-6 for line in lines)


@pytest.mark.parametrize("token", ["027-325-3578", "10:00〜12:00", "1,064", "58.1%", "NPO", "H27.4"])
def test_numbers_and_words_are_not_split(token):
    text = f"電話番号や時刻、数字の{token}は途中で切れません、{token}。"
    for chars in range(len(token) // 2 + 4, 30):
        lines = wrap(text, chars)
        assert sum(line.count(token) for line in lines) == 2, (chars, lines)


def test_closing_punctuation_moves_with_the_previous_character():
    # 「す。」 would leave 。 at the start of the next line: す comes along (追い出し).
    lines = wrap("募集しています。", 7)
    assert lines == ["募集していま", "す。"]


def test_opening_bracket_moves_to_the_next_line():
    lines = wrap("あいうえおか「きく」", 6)
    assert lines[0] == "あいうえおか"
    assert lines[1].startswith("「")
    lines = wrap("あいうえお「かきく」", 6)
    assert not lines[0].endswith("「")


def test_small_kana_and_long_vowel_stay_attached():
    for text in ("サポーターのちょっとした手伝い", "ショッピングセンターのコーヒー"):
        for chars in range(3, 12):
            for line in wrap(text, chars)[1:]:
                assert line[0] not in "ーョッャュァィゥェォょっゃゅ", (chars, line)


def test_phone_symbol_stays_with_its_number():
    lines = wrap("高齢者あんしんセンター八幡☎027-000-0111", 14)
    assert any("☎027-000-0111" in line for line in lines)


def test_newlines_and_empty_paragraphs_are_kept():
    assert wrap("一行目\n\n三行目", 20) == ["一行目", "", "三行目"]
    assert wrap("", 20) == [""]


def test_spaces_at_a_break_are_dropped_and_latin_breaks_at_spaces():
    lines = wrap("Community support council meeting", 12)
    assert all(not line.startswith(" ") and not line.endswith(" ") for line in lines)
    assert " ".join(lines) == "Community support council meeting"


def test_a_unit_wider_than_the_line_is_split_rather_than_lost():
    lines = wrap("https://example.org/a-very-long-address/that/does/not/fit", 8)
    assert "".join(lines) == "https://example.org/a-very-long-address/that/does/not/fit"
    assert all(width(line) <= 80 + 1e-6 for line in lines)


def test_only_forbidden_characters_cannot_break_legally_so_stay_whole():
    lines = wrap("。" * 30, 5)
    assert lines == ["。" * 30]


JA = st.sampled_from(list("あいうえおかきくけこさしすせそたちつてとなにぬねの地域協議体支合見守"))
SMALL = st.sampled_from(list("ゃゅょっァィゥェォャュョッー"))
PUNCT = st.sampled_from(list("、。，．」』）】〕・？！…「『（【〔☎"))
LATIN = st.from_regex(r"[A-Za-z]{1,12}|[0-9]{1,4}(-[0-9]{2,4}){0,2}|[0-9]{1,2}:[0-9]{2}〜[0-9]{1,2}:[0-9]{2}",
                      fullmatch=True)
SPACE = st.sampled_from([" ", "\u3000", "\n"])
PIECES = st.lists(st.one_of(JA, JA, JA, SMALL, PUNCT, LATIN, SPACE), max_size=80).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=PIECES, chars=st.floats(min_value=1.0, max_value=40.0))
@pytest.mark.slow
def test_property_rules_hold_and_nothing_is_lost(text, chars):
    limit = chars * SIZE
    lines = wrap_text(text, limit, width)
    assert squash("".join(lines)) == squash(text)
    paragraphs = text.split("\n")
    index = 0
    for paragraph in paragraphs:
        count = len(wrap_text(paragraph, limit, width))
        block = lines[index:index + count]
        index += count
        for line in block[1:]:
            assert line == "" or not glues_back(line[0]), (block, line)
        for line in block[:-1]:
            assert not glues_forward(line[-1]), (block, line)
        for line in block:
            if width(line) > limit + 1e-6:
                # Too long only where no legal break inside it would have fitted.
                assert not any(legal_break(line, k) and width(line[:k].rstrip()) <= limit + 1e-6
                               and line[:k].strip() for k in range(1, len(line))), (block, line)
    assert index == len(lines)


def test_a_number_keeps_its_bracket():
    text = "次回 12/10（木）、1/14（木）、3/11（木）"
    for chars in range(7, 20):  # from the width of 「12/10（木）、」
        joined = "|".join(wrap(text, chars))
        for date in ("12/10（木）", "1/14（木）", "3/11（木）"):
            assert date in joined, (chars, joined)


# -- phrase mode (BudouX) for headlines and table cells --

def pwrap(text: str, chars: float) -> list[str]:
    return wrap_text(text, chars * SIZE, width, phrases=True)


def test_headline_breaks_between_phrases():
    lines = pwrap("八幡地区協議体が発足しました", 10)
    assert len(lines) == 2
    assert "協議体" in lines[0] or "協議体" in lines[1], lines


@pytest.mark.parametrize("chars", range(6, 30))
def test_mata_wa_is_not_split_in_a_cell(chars):
    lines = pwrap("毎週(火、金) 10:00〜12:00又は18:00〜21:00", chars)
    assert any("又は" in line for line in lines), lines


@pytest.mark.parametrize("chars", [4, 5, 6, 7, 8, 9, 10, 11, 13, 17, 23, 40])
def test_phrase_mode_keeps_the_rules(chars):
    lines = pwrap(SEED_TEXT, chars)
    assert squash("".join(lines)) == squash(SEED_TEXT)
    for line in lines[1:]:
        assert line and line[0] not in LINE_START_FORBIDDEN, lines
    for line in lines[:-1]:
        assert line[-1] not in LINE_END_FORBIDDEN, lines
    if chars >= 15:
        assert all(width(line) <= chars * SIZE + 1e-6 for line in lines)


def test_a_phrase_wider_than_the_line_still_wraps():
    text = "高齢者生活支援体制整備事業推進協議会"
    lines = pwrap(text, 5)
    assert "".join(lines) == text
    assert all(width(line) <= 5 * SIZE + 1e-6 for line in lines)


def test_body_paragraph_has_no_lone_last_character():
    from app.printing import styles as S
    from app.printing.flowables import KText

    text = "地域の支え合いを考えていくチームです。"
    style = S.scaled(S.DOC_CELL, SIZE)
    assert style.fontName == GOTHIC
    for chars in range(5, 19):
        para = KText(text, style)
        plain = wrap_text(text, chars * SIZE, width)
        para.wrap(chars * SIZE, 1000)
        assert len(para.lines) == len(plain)
        if len(para.lines) > 1:
            core = [ch for ch in para.lines[-1] if ch not in LINE_START_FORBIDDEN]
            assert len(core) >= 2, (chars, plain, para.lines)
