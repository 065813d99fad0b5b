"""Column widths from the text they hold, so a table uses the page's width where it is needed.

Fixed widths left a 町内会 column five lines deep beside a half-empty サポーター column, and a
2,000-member roster took 170 pages. Here each column gets its natural width (its longest text on
one line) when that is no more than a fair share; the others share what is left in proportion to
their text, never below `floor`.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.styles import ParagraphStyle

from app.printing.fonts import text_width


def natural_width(texts: Sequence[str], style: ParagraphStyle, pad: float) -> float:
    longest = max((max((text_width(line, style.fontName, style.fontSize)
                        for line in str(t).split("\n")), default=0.0) for t in texts), default=0.0)
    return longest + 2 * pad + 1


def fit_widths(columns: Sequence[Sequence[str]], total: float, style: ParagraphStyle, *,
               pad: float = 3.5, floor: float = 30.0) -> list[float]:
    """Widths for `columns` (each a list of its cells' texts, header included) adding to `total`."""
    natural = [max(natural_width(c, style, pad), floor) for c in columns]
    if sum(natural) <= total:  # everything fits on one line: spread the spare room evenly
        spare = (total - sum(natural)) / len(natural)
        return [n + spare for n in natural]
    widths: list[float | None] = [None] * len(natural)
    room, open_cols = total, list(range(len(natural)))
    while True:  # give narrow columns what they need; repeat, as the fair share grows
        share = room / len(open_cols)
        narrow = [i for i in open_cols if natural[i] <= share]
        if not narrow:
            break
        for i in narrow:
            widths[i] = natural[i]
            room -= natural[i]
        open_cols = [i for i in open_cols if i not in narrow]
        if not open_cols:
            return [w or 0.0 for w in widths]
    weight = sum(natural[i] for i in open_cols)
    for i in open_cols:
        widths[i] = max(floor, room * natural[i] / weight)
    scale = total / sum(w or 0.0 for w in widths)  # floors may overshoot by a little
    return [(w or 0.0) * scale for w in widths]
