"""A council's names in sentences: suffixes added once, never doubled."""

import pytest

from app.services.council_names import area_label, council_label, short_label


@pytest.mark.parametrize(("name", "tier", "area", "label", "short"), [
    ("八幡", 2, "八幡地区", "八幡地区協議体", "八幡協議体"),
    ("中央地区", 2, "中央地区", "中央地区協議体", "中央地区協議体"),
    ("東部協議体", 2, "東部地区", "東部協議体", "東部協議体"),
    ("中央地区協議体", 2, "中央地区", "中央地区協議体", "中央地区協議体"),
    ("群馬（なのはな）", 2, "群馬（なのはな）地区", "群馬（なのはな）地区協議体", "群馬（なのはな）協議体"),
    ("八幡北部地区ふれあい推進協議体（第2層）", 2, "八幡北部地区", "八幡北部地区ふれあい推進協議体",
     "八幡北部地区ふれあい推進協議体"),
    ("高崎市（第1層）", 1, "高崎市", "高崎市 第1層協議体", "高崎市協議体"),
    ("高崎市第1層協議体", 1, "高崎市", "高崎市 第1層協議体", "高崎市協議体"),
])
def test_suffixes_are_never_doubled(name, tier, area, label, short):
    assert area_label(name, tier) == area
    assert council_label(name, tier) == label
    assert short_label(name) == short
    for text in (area, label, short):
        assert "地区地区" not in text and "協議体地区" not in text and "協議体協議体" not in text
