"""協議体の一覧 (for the tier-1 coordinator): every council side by side on A4 landscape, and
the needs that no council's resources answer yet (the gap view across councils, with the persons
of each council's newest needs table beside the records', never added)."""

from __future__ import annotations

from reportlab.lib.pagesizes import A4, landscape
from reportlab.platypus import Flowable, Spacer

from app.printing import layout
from app.printing import styles as S
from app.printing.base import Job, PrintError
from app.printing.flowables import KText, table
from app.services.overview import coordinator_overview
from app.services.wareki import wareki

PAGE = landscape(A4)
WIDTH = PAGE[0] - 2 * S.A4_MARGIN


def _n(value: int) -> KText:
    return KText(f"{value:,}" if value else "—", S.DOC_CELL_NUM)


def _proposals(c) -> KText:
    """提言 and, in brackets, how many had an answer (回答あり・実現・見送り)."""
    return KText(f"{c.proposals:,}（{c.proposals_answered:,}）" if c.proposals else "—", S.DOC_CELL_NUM)


def _date(stamp) -> str:
    return wareki(stamp.date()) if stamp else "—"


def make(job: Job) -> tuple[bytes, int]:
    view = coordinator_overview(job.store)
    areas = [c for c in view.councils if c.tier == 2]
    if not areas:
        raise PrintError("第2層の協議体がまだありません。各協議体のファイルを読み込んでから印刷してください。")
    title = "協議体の一覧"
    head = ["協議体", "メンバー", "サポーター", "担い手", "コア", "社会資源", "提言\n（回答）", "未解決のニーズ",
            "対応する資源がないニーズ", "最終の書き出し", "最終の読み込み"]
    rows: list[list] = [head]
    for c in areas:
        rows.append([c.name, _n(c.members), _n(c.supporters), _n(c.providers), _n(c.core_members),
                     _n(c.resource_total), _proposals(c), _n(c.open_need_total), "、".join(c.gaps) or "—",
                     _date(c.last_exported), _date(c.last_imported)])
    t = view.totals
    rows.append(["合計", _n(t.members), _n(t.supporters), _n(t.providers), _n(t.core_members),
                 _n(t.resource_total), _proposals(t), _n(t.open_need_total), "", "", ""])
    widths = [96, 50, 56, 46, 40, 54, 60, 66, WIDTH - 96 - 50 - 56 - 46 - 40 - 54 - 60 - 66 - 2 * 86, 86, 86]
    numeric = [("BACKGROUND", (0, -1), (-1, -1), S.LIGHT),
               ("LINEABOVE", (0, -1), (-1, -1), 1.5, S.INK)]
    story: list[Flowable] = [
        KText(title, S.DOC_TITLE),
        KText(f"第2層協議体 {len(areas)}か所　{wareki(job.today)}作成　"
              "（メンバー・サポーター・担い手は活動中の人。提言の回答は、状況が回答あり・実現・見送りのもの。"
              "「対応する資源」は、ニーズの記録に結びつけた社会資源）", S.DOC_NOTE),
        Spacer(1, 4),
        table(rows, widths, extra=numeric, zebra=True),
    ]
    gap_rows: list[list] = [["ニーズの分類", "未解決のニーズ", "記録の人数", "集計表の人数",
                             "対応する社会資源", "対応する資源がない協議体"]]
    for g in view.gaps:
        gap_rows.append([g.category, _n(g.open_needs), _n(g.persons), _n(g.table_persons),
                         _n(g.answering), "、".join(g.councils_with_gap) or "—"])
    if len(gap_rows) > 1:
        story += [Spacer(1, 8), KText("足りないもの（協議体をまたいで）", S.DOC_H),
                  table(gap_rows, [100, 70, 64, 70, 100, WIDTH - 100 - 70 - 64 - 70 - 100]),
                  Spacer(1, 3),
                  KText("記録の人数は解決していないニーズの記録の人数、集計表の人数は各協議体の一番新しい"
                        "ニーズの集計表の人数の合計です。同じ人が両方に入っていることがあるので、足して"
                        "いません。記録か集計表にあって、記録に社会資源が結びついていない分類を"
                        "「対応する資源がない」としています。", S.DOC_NOTE)]
    return layout.build_pdf(story, pagesize=PAGE, title=title, footer_left=title,
                            footer_right=f"{wareki(job.today)}作成")
