"""The needs page's words: counts in a crosstab cell, narrower headers, persons and records
without a count, the needs table's persons beside the records', and the line each 足りないもの
card leads with."""

from __future__ import annotations

from app.services.needs import CoverageDTO, CrosstabCell, NeedDTO

NO_RESOURCE = "対応する社会資源がまだありません"


def count_text(n: NeedDTO) -> str:
    return "" if n.count is None else f"{n.count:,}"


def cell_text(cell: CrosstabCell) -> str:
    """Persons, and blank-人数 records apart: 「6」「6＋不明1件」「不明1件」; empty box: blank."""
    if cell.is_empty:
        return ""
    if not cell.without_count:
        return f"{cell.persons:,}"
    unknown = f"不明{cell.without_count}件"
    return f"{cell.persons:,}＋{unknown}" if cell.persons else unknown


def two_lines(name: str) -> str:
    """「居場所・運動」→「居場所・\n運動」, 「移動手段」→「移動\n手段」: narrower headers."""
    if "・" in name:
        head, _, tail = name.partition("・")
        return f"{head}・\n{tail}"
    if len(name) >= 4:
        half = (len(name) + 1) // 2
        return f"{name[:half]}\n{name[half:]}"
    return name


def how_many(persons: int, without_count: int) -> str:
    """「6人」「6人＋人数不明1件」「人数不明1件」."""
    parts = [f"{persons:,}人"] if persons or not without_count else []
    if without_count:
        parts.append(f"人数不明{without_count}件")
    return "＋".join(parts)


def needs_text(c: CoverageDTO) -> str:
    """「未対応のニーズ 1件（6人）」, or with the 状況 spelled out when they differ."""
    amount = f"{c.open_needs}件（{how_many(c.persons, c.without_count)}）"
    if len(c.statuses) == 1:
        return f"{c.statuses[0][0]}のニーズ {amount}"
    return (f"解決していないニーズ {amount}"
            f"［{'・'.join(f'{s}{n}件' for s, n in c.statuses)}］")


def table_text(c: CoverageDTO) -> str:
    """「集計表で21人」: the newest needs table's persons, or blank when no table has the category."""
    return "" if c.table is None else f"集計表で{c.table.persons:,}人"


def amounts_text(c: CoverageDTO) -> str:
    """The records and the table side by side, never added: 「未対応のニーズ 1件（6人）／集計表で21人」."""
    return "／".join(x for x in (needs_text(c) if c.open_needs else "", table_text(c)) if x)


def table_detail(c: CoverageDTO) -> str:
    """「集計表の町内会: 金井淵 2人、八幡3 2人」, or blank."""
    if c.table is None or not c.table.neighbourhoods:
        return ""
    return "集計表の町内会: " + "、".join(f"{name} {n:,}人" for name, n in c.table.neighbourhoods)


def gap_line(c: CoverageDTO) -> str:
    """The main line of a 足りないもの card."""
    return f"{amounts_text(c)} — {NO_RESOURCE}"
