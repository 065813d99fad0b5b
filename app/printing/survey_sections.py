"""The parts of a survey's printed results that need the forms (a survey entered form by form):
each choice question by 町内会, the cross-tables asked for, and the open answers when asked.

Open answers are printed only with `open_answers` (the window's checkbox, the CLI's
--open-answers): people write what they like on a form, names and illnesses included, and the
results are handed round. When printed they carry a warning line above them, and the list
gives 整理番号 and 町内会 only (the forms carry no name). A survey entered as totals has none of
these parts; asking for a cross-table of one is an error that says why.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.platypus import Flowable, PageBreak, Spacer

from app.errors import ValidationError
from app.printing import layout
from app.printing import styles as S
from app.printing.base import Job, PrintError, warn
from app.printing.flowables import Cell, KText, table
from app.services import survey_tables
from app.services.survey_tables import Row
from app.services.surveys import QuestionResult, SurveyResult

HEAD_SMALL = S.scaled(S.DOC_CELL_HEAD, 10)
CELL_SMALL = S.scaled(S.DOC_CELL_NUM, 10.5)
LABEL_SMALL = S.scaled(S.DOC_CELL, 10.5)
OPEN_WARNING = ("※自由記述は書かれたとおりに載せています。名前・住所・病気のことなど、個人が分かる"
                "ことが書かれていないか確かめてから配ってください。")


def _label(c) -> str:
    return f"{c.number} {c.text}"


def _cells(row: Row) -> list[str]:
    return [f"{n:,}\n{'—' if p is None else f'{p}%'}" for n, p in zip(row.counts, row.percents, strict=True)]


def _counts_table(first: str, question: QuestionResult, rows: Sequence[Row], width: float):
    """A row per group: its label, forms, answers, then count and percentage of each choice."""
    lead = [80.0, 34.0, 34.0]
    rest = max(width - sum(lead), 40.0 * len(question.choices))
    each = rest / max(len(question.choices), 1)
    header: list[Cell] = [first, "用紙", "答え", *(_label(c) for c in question.choices)]
    body: list[list[Cell]] = [[KText(r.label, LABEL_SMALL), f"{r.forms:,}", f"{r.total:,}", *_cells(r)]
                              for r in rows]
    last = len(body)
    return table([header, *body], [*lead, *([each] * len(question.choices))],
                 head_style=HEAD_SMALL, style=CELL_SMALL,
                 extra=[("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                        ("BACKGROUND", (0, last), (-1, last), S.PALE)])


def by_neighbourhood(job: Job, survey: SurveyResult, width: float) -> list[Flowable]:
    found = survey_tables.by_neighbourhood(job.store, survey.id)
    story: list[Flowable] = [PageBreak(), KText("町内会別の集計", S.DOC_TITLE),
                             KText("回答用紙に書かれた町内会ごとの数です。下の段の割合は、その町内会で"
                                   "その問に答えた数に対する割合です（下の選択肢は、その上の選択肢を"
                                   "選んだ数に対する割合）。", S.DOC_NOTE)]
    for area in found.questions:
        q = area.question
        story.append(layout.KeepWithFirstRows([
            KText(f"問{q.number}　{q.text}", S.DOC_H),
            _counts_table("町内会", q, (*area.rows, area.total), width)]))
        story.append(Spacer(1, 6))
    return story


def cross_tables(job: Job, survey: SurveyResult, width: float) -> list[Flowable]:
    given = job.opt("cross") or ()
    try:
        pairs = survey_tables.parse_cross(given) if isinstance(given, str) else list(given)
        ids = survey_tables.cross_pairs(survey, pairs)
    except ValidationError as exc:
        raise PrintError(str(exc)) from None
    story: list[Flowable] = []
    for a_id, b_id in ids:
        try:
            cross = survey_tables.cross_table(job.store, survey.id, a_id, b_id)
        except ValidationError as exc:
            raise PrintError(str(exc)) from None
        a, b = cross.a, cross.b
        story.append(layout.KeepWithFirstRows([
            KText(f"クロス集計：問{a.number}「{a.text}」×問{b.number}「{b.text}」", S.DOC_H),
            KText(f"問{a.number}の選択肢ごとに、問{b.number}の答えを数えています。いくつでも選ぶ問は、"
                  "選んだ組み合わせのすべてに数えます。下の段は行の中の割合です。", S.DOC_NOTE),
            _counts_table(f"問{a.number}", b, (*cross.rows, cross.total), width)]))
        story.append(Spacer(1, 8))
    return ([PageBreak(), KText("クロス集計", S.DOC_TITLE), *story]) if story else []


def open_answers(job: Job, survey: SurveyResult, width: float) -> list[Flowable]:
    found = survey_tables.open_answers(job.store, survey.id)
    if not found:
        warn("このアンケートには自由に書く問がないため、自由記述は載せていません。")
        return []
    warn("自由記述を載せました。個人が分かることが書かれていないか確かめてから配ってください。")
    story: list[Flowable] = [PageBreak(), KText("自由記述", S.DOC_TITLE), KText(OPEN_WARNING, S.DOC_WARN)]
    for q in found:
        rows = [["整理番号", "町内会", "書かれたこと"],
                *([str(a.number), a.neighbourhood, a.text] for a in q.answers)]
        story.append(KText(f"問{q.question.number}　{q.question.text}（{len(q.answers)}件）", S.DOC_H))
        if q.answers:
            story.append(table(rows, [56, 90, width - 146], extra=[("ALIGN", (0, 1), (0, -1), "RIGHT")],
                               zebra=True))
        else:
            story.append(KText("（書かれた答えはありません）", S.DOC_NOTE))
    return story


def sections(job: Job, survey: SurveyResult, width: float) -> list[Flowable]:
    """What the forms add to the results; for a survey entered as totals, only the refusals."""
    if survey.entry != "forms":
        if job.opt("cross"):
            raise PrintError("クロス集計は、回答用紙を1枚ずつ入力したアンケートでできます（合計の数"
                             "だけでは組み合わせが分かりません）。")
        if job.opt("open_answers"):
            warn("このアンケートは合計で入力されているため、自由記述はありません。")
        return []
    story = by_neighbourhood(job, survey, width) + cross_tables(job, survey, width)
    if job.opt("open_answers"):
        story += open_answers(job, survey, width)
    return story
