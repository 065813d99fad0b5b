"""How a council is named in sentences: the one place that adds 地区 and 協議体.

Councils are registered as people call them: 「八幡」, 「中央地区」, 「東部協議体」, 「高崎市（第1層）」.
Every document and the window build their phrases from the three forms here, so a suffix is never
doubled (「中央地区地区協議体」, 「東部協議体地区が目指す地域像」).
"""

from __future__ import annotations

import re

_TIER_MARK = re.compile(r"\s*[（(]\s*第[12１２一二]層\s*[)）]\s*$|\s*第[12１２一二]層$")
_AREA_SUFFIXES = ("地区", "地域", "圏域")


def base_name(name: str) -> str:
    """The name without 協議体 or the 第1層 mark: 「東部協議体」 -> 「東部」, 「高崎市（第1層）」 -> 「高崎市」."""
    text = _plain(name).removesuffix("協議体").rstrip()
    text = _TIER_MARK.sub("", text).strip()
    return text or name.strip()


def _plain(name: str) -> str:
    """The name without a trailing （第2層） mark."""
    return _TIER_MARK.sub("", name.strip()).strip() or name.strip()


def area_label(name: str, tier: int = 2) -> str:
    """The area the council serves: 「八幡」 -> 「八幡地区」, 「中央地区」 stays, 「高崎市（第1層）」 -> 「高崎市」."""
    text = base_name(name)
    if tier == 1 or text.endswith(_AREA_SUFFIXES):
        return text
    if "地区" in text:  # 「八幡北部地区ふれあい推進協議体」 serves 八幡北部地区
        return text[: text.rindex("地区") + 2]
    return f"{text}地区"


def council_label(name: str, tier: int = 2) -> str:
    """The council itself: 「八幡地区協議体」, 「東部協議体」 (as registered), 「高崎市 第1層協議体」."""
    if tier == 1:
        return f"{base_name(name)} 第1層協議体"
    if _plain(name).endswith("協議体"):
        return _plain(name)
    return f"{area_label(name)}協議体"


def short_label(name: str) -> str:
    """The short form used in meeting titles: 「八幡協議体」, 「東部協議体」."""
    return f"{base_name(name)}協議体"
