"""回覧 flyer: A4, one sheet, large type, vision, meeting and phone numbers, stamp box."""

from __future__ import annotations

import pytest

from app.errors import UserError
from app.printing import FLYER_TEMPLATES
from tests.printing.pdfcheck import (
    A4,
    flat,
    font_is_embedded,
    fonts,
    ink_fraction,
    page_sizes,
    page_texts,
    render_pages,
    text_sizes,
)

VISION = "動ける人がお互いに見守る交流のあるまち"
PHONES = ("027-000-0111", "027-000-0222", "027-000-0100")


@pytest.mark.parametrize("template", list(FLYER_TEMPLATES))
def test_each_template_is_one_a4_sheet_with_vision_and_phones(rendered, template):
    result = rendered("flyer", template=template)
    assert result.pages == 1 and not result.warnings
    assert page_sizes(result.path) == [A4]
    text = flat(page_texts(result.path)[0])
    assert f"「{VISION}」" in text
    for phone in PHONES:
        assert phone in text
    assert "高齢者あんしんセンター八幡" in text
    assert "回覧" in text and "確認印" in text
    assert "八幡公民館" in text


@pytest.mark.parametrize("template", list(FLYER_TEMPLATES))
def test_type_is_large_enough_for_elderly_readers(rendered, template):
    runs = text_sizes(rendered("flyer", template=template).path)
    assert min(size for size, _ in runs) >= 12
    assert max(size for size, _ in runs) >= 28  # the title


def test_titles_and_what_a_council_is(rendered):
    text = flat(page_texts(rendered("flyer", template="launch").path)[0])
    assert "八幡地区協議体が発足しました" in text
    assert "「協議体」とは" in text
    assert "毎月第3水曜日10:00〜12:00" in text
    assert "地域支え合いサポーター募集" in flat(page_texts(rendered("flyer", template="recruit").path)[0])
    assert "八幡地区協議体だより" in flat(page_texts(rendered("flyer", template="newsletter").path)[0])
    assert "会議のお知らせ" in flat(page_texts(rendered("flyer", template="meeting").path)[0])


def test_fonts_are_embedded_and_page_renders(rendered):
    path = rendered("flyer", template="launch").path
    found = fonts(path)
    assert found and all(font_is_embedded(f) for f in found)
    assert all("BIZUD" in str(f.get("/BaseFont")) for f in found)
    (image,) = render_pages(path)
    assert 0.02 < ink_fraction(image) < 0.6


def test_japanese_template_name_and_custom_headline(rendered):
    result = rendered("flyer", template="サポーター募集", headline="見守り隊を募集します")
    text = flat(page_texts(result.path)[0])
    assert "見守り隊を募集します" in text and "2種類のサポーター" in text


def test_unknown_template_is_refused(rendered):
    with pytest.raises(UserError, match="テンプレート"):
        rendered("flyer", template="夏祭り")


def test_long_body_flows_to_a_second_page_and_is_not_lost(rendered):
    body = "\n".join(f"第{i}段落：地域の支え合いについて、みなさんと一緒に考えていきたいと思います。"
                     for i in range(1, 41))
    result = rendered("flyer", template="launch", body=body)
    assert result.pages >= 2
    assert any("1枚に収まらず" in w for w in result.warnings)
    text = flat("".join(page_texts(result.path)))
    for i in (1, 20, 40):
        assert f"第{i}段落" in text
    assert min(size for size, _ in text_sizes(result.path)) >= 12


def test_council_without_vision_or_contacts_still_prints_and_warns(rendered):
    result = rendered("flyer", council="榛名", template="launch")
    assert result.pages == 1
    assert any("連絡先" in w for w in result.warnings)
    assert "これからみなさんと話し合って決めます" in flat(page_texts(result.path)[0])


def test_stamp_cells_can_be_labelled_per_han(rendered):
    result = rendered("flyer", template="launch", stamps=["1班", "2班", "3班", "4班", "5班", "6班"])
    assert "6班" in flat(page_texts(result.path)[0])
