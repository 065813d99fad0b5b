"""Fonts, text flowables and the page setup, below the level of a whole document."""

from __future__ import annotations

import re

from reportlab.lib.pagesizes import A4, A5

from app.printing import styles as S
from app.printing.base import collecting
from app.printing.flowables import FitText, KText, table
from app.printing.fonts import FONT_FILES, fonts_dir
from app.printing.layout import build_pdf
from tests.printing.pdfcheck import flat, font_is_embedded, fonts, page_sizes, page_texts


def _pdf(tmp_path, story, pagesize=A4, name="t.pdf"):
    data, pages = build_pdf(story, pagesize=pagesize, title="test")
    path = tmp_path / name
    path.write_bytes(data)
    return path, pages


def test_bundled_fonts_and_licence_are_present():
    for file_name in FONT_FILES.values():
        assert (fonts_dir() / file_name).stat().st_size > 1_000_000
    licence = (fonts_dir() / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence
    assert "BIZ UDGothic" in licence and "BIZ UDMincho" in licence


def test_long_text_flows_to_following_pages_and_nothing_is_lost(tmp_path):
    sentence = "地域の支え合いを考える協議体の話し合いは毎月第3水曜日10:00〜12:00です。"
    text = sentence * 120
    path, pages = _pdf(tmp_path, [KText(text, S.BOOK_BODY)], pagesize=A5)
    assert pages >= 3
    assert set(page_sizes(path)) == {(420, 595)}
    body = "".join(re.sub(r"^-\d+-", "", flat(t)) for t in page_texts(path))  # drop page numbers
    assert body.count(flat(sentence)) == 120


def test_table_cells_use_embedded_fonts_only(tmp_path):
    path, _ = _pdf(tmp_path, [table([["見出し", "数"], ["八幡", 194], ["", None]], [200, 80])])
    found = fonts(path)
    assert found and all(font_is_embedded(f) for f in found)
    assert not any("Helvetica" in str(f.get("/BaseFont")) for f in found)


def test_fit_text_shrinks_within_limits_and_warns(tmp_path):
    long_title = "とても長い見出しがここに入ります" * 3
    with collecting() as bag:
        flow = FitText(long_title, S.FLYER_TITLE, min_size=28, max_lines=2, what="見出し")
        flow.wrap(510, 800)
    assert flow.style.fontSize >= 28
    assert len(flow.lines) > 2  # did not fit even at 28pt: grows instead of cutting
    assert any("28pt" in w for w in bag)
    assert flat("".join(flow.lines)) == flat(long_title)


def test_fit_text_prefers_one_line_when_it_can(tmp_path):
    with collecting() as bag:
        flow = FitText("「動ける人がお互いに見守る交流のあるまち」", S.FLYER_VISION, min_size=16,
                       max_lines=2, one_line_min=20)
        flow.wrap(486, 800)
    assert len(flow.lines) == 1 and 20 <= flow.style.fontSize <= 24
    assert not bag


def test_missing_glyph_is_reported(tmp_path):
    with collecting() as bag:
        KText("吉の異体字𠮷さん", S.DOC_BODY)
    assert any("𠮷" in w for w in bag)


def test_table_cells_break_at_spaces_and_commas_when_they_can():
    cases = [("八起きサロン 代表", 69, ["八起きサロン", "代表"]),
             ("町屋、群馬八幡、八幡1", 88, ["町屋、群馬八幡、", "八幡1"])]
    for text, width, expected in cases:
        flow = KText(text, S.BOOK_CELL, balanced=True)
        flow.wrap(width, 1000)
        assert flow.lines == expected
    flow = KText("サポーターのいきいきサロン", S.BOOK_CELL, balanced=True)
    flow.wrap(121, 1000)
    assert len(flow.lines) == 2 and min(len(line) for line in flow.lines) >= 5  # no lone 「ン」
