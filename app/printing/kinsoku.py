"""Japanese line breaking (禁則処理) for everything we print.

reportlab's wordWrap='CJK' breaks between any two CJK characters and only partly honours 禁則,
so a line may start with 「。」 or a phone number may be cut in two. Here text is first cut into
units that must stay on one line (a number or Latin word, a closing bracket or small kana glued to
the character before it, an opening bracket glued to the character after it), then the units are
laid greedily into lines. A unit wider than the whole line is split only as a last resort, and
never where it would break the rules; if no legal break exists the line is left too long rather
than dropping or misplacing characters.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

# 行頭禁則: closing brackets, punctuation, small kana, prolonged sound mark, middle dots...
LINE_START_FORBIDDEN = frozenset(
    "、。，．,.)）]］}｝〕〉》」』】〙〗〟’”｠»"
    "ゝゞヽヾ々〻ーｰ"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿｧｨｩｪｫｯｬｭｮ"
    "‐゠–〜～?？!！‼⁇⁈⁉・･:：;；/／%％℃°′″…‥"
)
# 行末禁則: opening brackets and prefixes that belong to what follows (☎ to its number).
LINE_END_FORBIDDEN = frozenset("(（[［{｛〔〈《「『【〘〖〝‘“｟«¥$£＄￥＃#☎〒№")

_ALNUM = "0-9A-Za-z０-９Ａ-Ｚａ-ｚ"
# A number or Latin word, with the joiners that keep 027-325-3578, 10:00〜12:00, 1,064 and 58.1%
# whole.
_WORD = rf"[{_ALNUM}]+(?:[-‐−–:：.,，．/／~〜～_+@'’&][{_ALNUM}]+)*[%％]?"
_SPACE = "[ \t\u3000]+"
_UNITS = re.compile(rf"(?P<word>{_WORD})|(?P<space>{_SPACE})|(?P<char>.)", re.S)
_SPACES = " \t\u3000"

WidthFn = Callable[[str], float]


def glues_back(ch: str) -> bool:
    """True when `ch` may not start a line (it stays with the character before it)."""
    if ch in LINE_START_FORBIDDEN or unicodedata.combining(ch):
        return True
    code = ord(ch)
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF or code == 0x200D \
        or 0x3099 <= code <= 0x309A


def glues_forward(ch: str) -> bool:
    """True when `ch` may not end a line (it stays with what follows)."""
    return ch in LINE_END_FORBIDDEN or ord(ch) == 0x200D


def legal_break(text: str, k: int) -> bool:
    """May a line end after text[:k] (0 < k < len(text))? Spaces at the break are dropped, so the
    characters that would really end and start the lines are the ones checked."""
    left = text[:k].rstrip(_SPACES)
    right = text[k:].lstrip(_SPACES)
    if not left or not right:
        return False
    return not glues_back(right[0]) and not glues_forward(left[-1])


def units(paragraph: str) -> list[tuple[str, bool]]:
    """(text, is_space) pieces that are never split by the line filler."""
    groups: list[list] = []
    open_pending = False
    prev_word = False
    for m in _UNITS.finditer(paragraph):
        text = m.group()
        after_word, prev_word = prev_word, m.lastgroup == "word"
        if m.lastgroup == "space":
            if open_pending and groups:
                groups[-1][0] += text
            else:
                groups.append([text, True])
            continue
        if open_pending and groups:
            groups[-1][0] += text
            groups[-1][1] = False
        elif after_word and text in "(（[［" and groups and not groups[-1][1]:
            groups[-1][0] += text  # 1/14（木）, 第2(木): a number keeps its bracket
        elif glues_back(text[0]) and groups:
            if groups[-1][1]:  # "word 。": the space and the word come along
                space = groups.pop()
                if groups:
                    groups[-1][0] += space[0] + text
                else:
                    groups.append([space[0] + text, False])
            else:
                groups[-1][0] += text
        else:
            groups.append([text, False])
        open_pending = glues_forward(text[-1])
    return [(g[0], g[1]) for g in groups]


def _fit_count(text: str, limit: float, width: WidthFn) -> int:
    """How many leading characters fit in `limit` (at least one)."""
    total = 0.0
    for i, ch in enumerate(text):
        total += width(ch)
        if total > limit:
            return max(i, 1)
    return len(text)


def _force_split(text: str, limit: float, width: WidthFn) -> list[str]:
    """Cut a unit wider than a line; the last piece is returned unfinished (more may join it)."""
    pieces = []
    while len(text) > 1 and width(text) > limit:
        n = _fit_count(text, limit, width)
        k = n
        while k > 0 and not legal_break(text, k):
            k -= 1
        if k == 0:  # nothing legal fits: let the line run long up to the next legal break
            k = n + 1
            while k < len(text) and not legal_break(text, k):
                k += 1
            if k >= len(text):
                break
        pieces.append(text[:k].rstrip(_SPACES) or text[:k])
        text = text[k:].lstrip(_SPACES) or text[k:]
    pieces.append(text)
    return pieces


_parser = None


def _budoux_parser():
    global _parser
    if _parser is None:
        import budoux

        _parser = budoux.load_default_japanese_parser()
    return _parser


@lru_cache(maxsize=4096)
def phrase_bounds(paragraph: str) -> frozenset[int]:
    """Offsets in `paragraph` where a BudouX phrase starts (「八幡地区協議体が|発足しました」)."""
    bounds, pos = set(), 0
    for phrase in _budoux_parser().parse(paragraph):
        bounds.add(pos)
        pos += len(phrase)
    return frozenset(bounds)


@lru_cache(maxsize=4096)
def phrase_units(paragraph: str) -> tuple[tuple[tuple[str, bool], ...], ...]:
    """The line-filler units of `paragraph` grouped by phrase: a break inside a group would cut a
    BudouX phrase. Spaces are groups of their own."""
    bounds = phrase_bounds(paragraph)
    groups: list[list[tuple[str, bool]]] = []
    pos = 0
    for text, is_space in units(paragraph):
        if groups and not is_space and not groups[-1][-1][1] and pos not in bounds:
            groups[-1].append((text, is_space))
        else:
            groups.append([(text, is_space)])
        pos += len(text)
    return tuple(tuple(g) for g in groups)


def _phrase_pieces(paragraph: str, limit: float, width: WidthFn) -> list[tuple[str, bool]]:
    """One piece per phrase that fits a line; a wider phrase falls back to its character units."""
    out: list[tuple[str, bool]] = []
    for group in phrase_units(paragraph):
        if len(group) == 1:
            out.append(group[0])
            continue
        joined = "".join(t for t, _ in group)
        if width(joined) <= limit + 1e-6:
            out.append((joined, False))
            continue
        # Too wide: break next to numbers and words first (「12:00／又は」), then anywhere legal.
        runs: list[list[tuple[str, bool]]] = []
        for unit in group:
            if runs and not _WORDISH.search(unit[0]) and not _WORDISH.search(runs[-1][-1][0]):
                runs[-1].append(unit)
            else:
                runs.append([unit])
        for run in runs:
            text = "".join(t for t, _ in run)
            if len(run) > 1 and width(text) <= limit + 1e-6:
                out.append((text, False))
            else:
                out.extend(run)
    return out


_WORDISH = re.compile(f"[{_ALNUM}]")


def wrap_paragraph(paragraph: str, limit: float, width: WidthFn,
                   phrases: bool = False) -> list[str]:
    lines: list[str] = []
    cur, cur_w = "", 0.0
    pieces = _phrase_pieces(paragraph, limit, width) if phrases and paragraph else units(paragraph)
    for text, is_space in pieces:
        w = width(text)
        if is_space:
            if cur or not lines:  # spaces at the start of a wrapped line are dropped
                cur += text
                cur_w += w
            continue
        if cur_w + w <= limit + 1e-6:
            cur += text
            cur_w += w
            continue
        if cur.strip(_SPACES):
            lines.append(cur.rstrip(_SPACES))
            cur, cur_w = "", 0.0
            if w <= limit + 1e-6:
                cur, cur_w = text, w
                continue
        *done, cur = _force_split(cur + text, limit, width)
        lines.extend(done)
        cur_w = width(cur)
    if cur or not lines:
        lines.append(cur.rstrip(_SPACES) if lines else cur.rstrip(_SPACES))
    return lines


def wrap_text(text: str, limit: float, width: WidthFn, phrases: bool = False) -> list[str]:
    """Lines of `text` no wider than `limit` (points) where the rules allow; \\n starts a new line.
    With `phrases`, lines break only between BudouX phrases where a phrase fits a line (for
    headlines and table cells: 「協議体が／発足」 rather than 「協議／体が発足」)."""
    out: list[str] = []
    for paragraph in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        out.extend(wrap_paragraph(paragraph, limit, width, phrases))
    return out
