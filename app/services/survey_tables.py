"""Results of a survey entered form by form, read across the forms: by 町内会, a cross-table
of two questions, and the open answers.

Percentages follow the survey's one rule (surveys.py): a row's count over that row's answers to
the question (the top-level choices' sum), a sub-choice's over its choice's count in the row.

- By 町内会: a row per 町内会 that has forms (in the council's order), 未記入 for forms without
  one, and the question's own totals.
- Cross-table of A × B: a row per choice of A, a column per choice of B; a cell counts the forms
  that ticked both, so a form with several answers counts in every pair of them (multiple
  choice). A row's base is its answers to B (for a single-choice B: the forms in the row that
  answered B); the 全体 row is every form that answered A.
- Open answers: what each form wrote, with its 整理番号 and 町内会 (never a name: the forms
  carry none). They may still hold personal details, so printing lists them only when asked.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from app.errors import ValidationError
from app.models import Neighbourhood, SurveyAnswer, SurveyResponse
from app.services import normalize as norm
from app.services import surveys
from app.services.surveys import ChoiceResult, QuestionResult, SurveyResult, percent
from app.store import Store

NOT_WRITTEN = "未記入"


@dataclasses.dataclass(frozen=True)
class Row:
    """Counts of one group (a 町内会, a choice of A) over a question's choices."""

    label: str
    forms: int   # forms in the group (by 町内会) or answering both questions (cross-table)
    total: int   # the group's answers to the question: the base of its percentages
    counts: tuple[int, ...]
    percents: tuple[Decimal | None, ...]


@dataclasses.dataclass(frozen=True)
class AreaQuestion:
    question: QuestionResult
    rows: tuple[Row, ...]
    total: Row


@dataclasses.dataclass(frozen=True)
class ByNeighbourhood:
    survey: SurveyResult
    questions: tuple[AreaQuestion, ...]  # the choice questions


@dataclasses.dataclass(frozen=True)
class CrossTable:
    survey: SurveyResult
    a: QuestionResult  # rows
    b: QuestionResult  # columns
    rows: tuple[Row, ...]
    total: Row


@dataclasses.dataclass(frozen=True)
class OpenAnswer:
    number: int
    neighbourhood: str
    text: str


@dataclasses.dataclass(frozen=True)
class OpenQuestion:
    question: QuestionResult
    answers: tuple[OpenAnswer, ...]


def _row(label: str, forms: int, question: QuestionResult, counts: Mapping[str, int]) -> Row:
    top = sum(counts.get(c.id, 0) for c in question.top())
    values = tuple(counts.get(c.id, 0) for c in question.choices)
    return Row(label, forms, top, values, tuple(
        percent(counts.get(c.id, 0), top if c.parent_id is None else counts.get(c.parent_id, 0))
        for c in question.choices))


def _forms_survey(store: Store, survey_id: str, what: str) -> SurveyResult:
    result = surveys.results(store, survey_id)
    if result.entry != "forms":
        raise ValidationError(what, "回答用紙を1枚ずつ入力したアンケートでできます（合計の数だけでは"
                                    "分けられません）")
    return result


def by_neighbourhood(store: Store, survey_id: str) -> ByNeighbourhood:
    """Each choice question's counts and percentages per 町内会: two grouped queries."""
    result = _forms_survey(store, survey_id, "町内会別の集計")
    with store.session() as s:
        forms: dict[str | None, int] = dict(s.execute(select(SurveyResponse.neighbourhood_id, func.count())
                               .where(SurveyResponse.survey_id == survey_id)
                               .group_by(SurveyResponse.neighbourhood_id)).all())
        ticks: dict[str | None, dict[str, int]] = {}
        for nb_id, choice_id, n in s.execute(
                select(SurveyResponse.neighbourhood_id, SurveyAnswer.choice_id, func.count())
                .join(SurveyAnswer, SurveyAnswer.response_id == SurveyResponse.id)
                .where(SurveyResponse.survey_id == survey_id, SurveyAnswer.choice_id.is_not(None))
                .group_by(SurveyResponse.neighbourhood_id, SurveyAnswer.choice_id)):
            ticks.setdefault(nb_id, {})[str(choice_id)] = n
        areas = [(nb.id, nb.name) for nb in s.execute(
            select(Neighbourhood.id, Neighbourhood.name)
            .where(Neighbourhood.council_id == result.council_id)
            .order_by(Neighbourhood.position, Neighbourhood.name)) if nb.id in forms]
    if None in forms:
        areas.append((None, NOT_WRITTEN))
    overall = {c.id: c.count for q in result.questions for c in q.choices}
    questions = tuple(
        AreaQuestion(q, tuple(_row(name, forms[nb_id], q, ticks.get(nb_id, {})) for nb_id, name in areas),
                     _row("合計", result.forms, q, overall))
        for q in result.questions if q.kind != "text")
    return ByNeighbourhood(result, questions)


def question_by_number(result: SurveyResult, number: int, what: str = "問") -> QuestionResult:
    for q in result.questions:
        if q.number == number:
            return q
    raise ValidationError(what, f"問{number}はありません（問1〜問{len(result.questions)}）")


def cross_table(store: Store, survey_id: str, a_id: str, b_id: str) -> CrossTable:
    """Rows: the choices of question A; columns: the choices of B (ids of the questions)."""
    what = "クロス集計"
    result = _forms_survey(store, survey_id, what)
    by_id = {q.id: q for q in result.questions}
    a, b = by_id.get(a_id), by_id.get(b_id)
    if a is None or b is None:
        raise ValidationError(what, "このアンケートの問を選んでください")
    if a.id == b.id:
        raise ValidationError(what, "ちがう問を2つ選んでください")
    for q in (a, b):
        if q.kind == "text":
            raise ValidationError(what, f"問{q.number}は自由に書く問なので、クロス集計には使えません")
    first, second = aliased(SurveyAnswer), aliased(SurveyAnswer)
    pairs: dict[str, dict[str, int]] = {}
    with store.session() as s:
        for a_choice, b_choice, n in s.execute(
                select(first.choice_id, second.choice_id, func.count())
                .join(second, second.response_id == first.response_id)
                .where(first.question_id == a.id, second.question_id == b.id,
                       first.choice_id.is_not(None), second.choice_id.is_not(None))
                .group_by(first.choice_id, second.choice_id)):
            pairs.setdefault(str(a_choice), {})[str(b_choice)] = n
        answered_a = (select(first.response_id).where(first.question_id == a.id,
                                                      first.choice_id.is_not(None)).distinct())
        forms_a = s.scalar(select(func.count()).select_from(answered_a.subquery())) or 0
        overall = {str(choice): n for choice, n in s.execute(
            select(second.choice_id, func.count()).where(
                second.question_id == b.id, second.choice_id.is_not(None),
                second.response_id.in_(answered_a))
            .group_by(second.choice_id))}
    rows = tuple(_row(_choice_label(c), c.count, b, pairs.get(c.id, {})) for c in a.choices)
    return CrossTable(result, a, b, rows, _row("全体", forms_a, b, overall))


def _choice_label(c: ChoiceResult) -> str:
    return f"{c.number}. {c.text}"


def open_answers(store: Store, survey_id: str) -> tuple[OpenQuestion, ...]:
    """Each open question's written answers by 整理番号, with the form's 町内会."""
    result = surveys.results(store, survey_id)
    wanted = [q for q in result.questions if q.kind == "text"]
    found: dict[str, list[OpenAnswer]] = {q.id: [] for q in wanted}
    if wanted:
        with store.session() as s:
            for question_id, number, name, text in s.execute(
                    select(SurveyAnswer.question_id, SurveyResponse.number, Neighbourhood.name,
                           SurveyAnswer.text)
                    .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
                    .outerjoin(Neighbourhood, Neighbourhood.id == SurveyResponse.neighbourhood_id)
                    .where(SurveyAnswer.question_id.in_(list(found)), SurveyAnswer.choice_id.is_(None),
                           SurveyAnswer.text != "")
                    .order_by(SurveyResponse.number)):
                found[question_id].append(OpenAnswer(number, name or "", text))
    return tuple(OpenQuestion(q, tuple(found[q.id])) for q in wanted)


def parse_cross(text: str, what: str = "クロス集計") -> list[tuple[int, int]]:
    """Pairs of question numbers as typed: 「1,3」, 「1×3、2×3」, 「1x3 2x3」 (全角 too)."""
    pairs = []
    cleaned = re.sub(r"[×xX*＊]", ",", norm.nfkc(text or ""))
    for token in (t for t in re.split(r"[;；、\s]+", cleaned) if t):
        parts = [p for p in token.split(",") if p]
        if len(parts) != 2 or not all(p.isdigit() for p in parts):
            raise ValidationError(what, f"「{token}」は読めません。問の番号を2つ、「1,3」や「1×3」の"
                                        "ように書いてください")
        pairs.append((int(parts[0]), int(parts[1])))
    return pairs


def cross_pairs(result: SurveyResult, pairs: Sequence[tuple[int, int]]) -> list[tuple[str, str]]:
    """Question numbers (2, 3) as question ids, each checked."""
    return [(question_by_number(result, x, "クロス集計").id, question_by_number(result, y, "クロス集計").id)
            for x, y in pairs]
