"""Reading what people type: 全角 digits, commas, 和暦 dates, kana for sorting.

Every parser raises ValidationError naming the field, so a message can sit beside the input.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Literal, overload

import jaconv

from app.errors import ValidationError
from app.services.wareki import ERAS, era_start_year


def nfkc(text: str | None) -> str:
    """全角 letters/digits to 半角, 半角 kana to 全角, trimmed (incl. the ideographic space)."""
    if text is None:
        return ""
    return unicodedata.normalize("NFKC", str(text)).strip()


def clean_text(value: object, field: str, *, required: bool = False, max_len: int = 2000) -> str:
    """User text kept as typed (only trimmed): names keep their 全角 form."""
    text = "" if value is None else str(value).strip().replace("\u3000", " ").strip()
    if required and not text:
        raise ValidationError(field, "入力してください")
    if len(text) > max_len:
        raise ValidationError(field, f"{max_len}文字以内で入力してください（今は{len(text)}文字）")
    return text


@overload
def to_int(value: object, field: str, *, required: Literal[True], minimum: int = 0,
           maximum: int = 10_000_000) -> int: ...
@overload
def to_int(value: object, field: str, *, required: bool = False, minimum: int = 0,
           maximum: int = 10_000_000) -> int | None: ...
def to_int(value: object, field: str, *, required: bool = False, minimum: int = 0,
           maximum: int = 10_000_000) -> int | None:
    """Whole number from 123, '１，２３４', '1,234人'; blank is None unless required."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError(field, "数を入力してください")
        return None
    if isinstance(value, bool):
        raise ValidationError(field, "数を入力してください")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        text = nfkc(str(value)).replace(",", "").replace("、", "")
        text = re.sub(r"(人|世帯|件|名|戸)$", "", text).strip()
        if not re.fullmatch(r"[+-]?\d+", text):
            raise ValidationError(field, f"「{value}」は数ではありません。0〜9の数字で入力してください")
        number = int(text)
    if number < minimum:
        raise ValidationError(field, f"{minimum}以上の数を入力してください（{number}）")
    if number > maximum:
        raise ValidationError(field, f"{maximum:,}以下の数を入力してください（{number:,}）")
    return number


def to_rate(value: object, field: str) -> float | None:
    """A typed percentage such as '29.86%' or '２９．８６' (kept only to compare with the counts)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    else:
        text = nfkc(str(value)).rstrip("%").strip()
        try:
            number = float(text)
        except ValueError:
            raise ValidationError(field, f"「{value}」は割合ではありません（例: 29.86）") from None
    if not 0 <= number <= 100:
        raise ValidationError(field, f"0〜100の割合を入力してください（{number}）")
    return number


_ERA_RE = re.compile(
    rf"^(?P<era>[{''.join(n for n, _l, _s in ERAS)}]{{2}}|[RHSTMrhstm])\s*"
    r"(?P<y>元|\d{1,2})\s*[年.\-/]\s*(?P<m>\d{1,2})\s*[月.\-/]\s*(?P<d>\d{1,2})\s*日?$"
)
_ISO_RE = re.compile(r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?$")
_COMPACT_RE = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$")


@overload
def to_date(value: object, field: str, *, required: Literal[True]) -> dt.date: ...
@overload
def to_date(value: object, field: str, *, required: bool = False) -> dt.date | None: ...
def to_date(value: object, field: str, *, required: bool = False) -> dt.date | None:
    """Date from 2017-01-30, 2017/1/30, 2017年1月30日, 令和7年4月1日, R7.4.1, H29/4/1, 全角 too.

    An impossible day (2月30日) is refused with the reason, never rolled over.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError(field, "日付を入力してください")
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = nfkc(str(value))
    if (match := _ERA_RE.match(text)):
        era = match["era"]
        era_year = 1 if match["y"] == "元" else int(match["y"])
        year = era_start_year(era) + era_year - 1
    elif (match := _ISO_RE.match(text)) or (match := _COMPACT_RE.match(text)):
        year = int(match["y"])
    else:
        raise ValidationError(
            field, f"「{value}」は日付として読めません（例: 2025-04-01 または 令和7年4月1日）")
    month, day = int(match["m"]), int(match["d"])
    if not 1 <= month <= 12:
        raise ValidationError(field, f"「{value}」: {month}月はありません")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValidationError(field, f"「{value}」: {year}年{month}月に{day}日はありません") from None


def to_time(value: object, field: str) -> dt.time | None:
    """'10:00', '１０：００', '10時30分'."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.time):
        return value
    text = nfkc(str(value))
    match = re.fullmatch(r"(\d{1,2})\s*[:時]\s*(\d{1,2})?\s*分?", text)
    if not match:
        raise ValidationError(field, f"「{value}」は時刻として読めません（例: 10:00）")
    hour, minute = int(match[1]), int(match[2] or 0)
    if hour > 23 or minute > 59:
        raise ValidationError(field, f"「{value}」は時刻としてありえません")
    return dt.time(hour, minute)


def to_phone(value: object, field: str) -> str:
    """Phone numbers as written (027-325-3578, +81-90-...); 全角 digits made 半角."""
    text = nfkc(str(value or "")).replace("ー", "-").replace("−", "-")
    if text and not re.fullmatch(r"[0-9+()\- ]{3,30}(\s*\(?内線\s*\d+\)?)?", text):
        raise ValidationError(field, f"「{value}」は電話番号として読めません（例: 027-123-4567）")
    return text


def kana_key(furigana: str) -> str:
    """Sort key for 五十音 order: katakana and 半角 forms folded to 全角 hiragana."""
    text = unicodedata.normalize("NFKC", furigana or "")
    return jaconv.kata2hira(text).replace(" ", "").replace("\u3000", "")


def to_bool(value: object, field: str) -> bool:
    """はい/いいえ, ○/×, yes/no, 1/0, as people write them in sheets."""
    if isinstance(value, bool):
        return value
    text = nfkc(str(value or "")).lower()
    if text in ("はい", "○", "◯", "yes", "y", "true", "1", "あり", "有", "済"):
        return True
    if text in ("いいえ", "×", "no", "n", "false", "0", "", "なし", "無", "-"):
        return False
    raise ValidationError(field, f"「{value}」は はい／いいえ のどちらかで入力してください")
