"""Questionnaires and their results. Each percentage is count / that question's total answers
(the seed: 一人暮らし 140 of 771 = 18.2%), and the response rate is returned / distributed."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.errors import ValidationError
from app.models import QUESTION_KINDS, Council, Survey, SurveyChoice, SurveyQuestion
from app.services import base
from app.services.base import Field
from app.store import Store

SURVEY_FIELDS = (
    Field("title", "題名", base.text(200), required=True),
    Field("conducted_on", "実施日", base.date),
    Field("distributed", "配布数", base.integer),
    Field("returned", "回収数", base.integer),
    Field("note", "備考", base.long_text, default=""),
)


def percent(part: int, whole: int | None) -> Decimal | None:
    """One decimal, rounded half up as people do by hand (Python's round() goes to even)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclasses.dataclass(frozen=True)
class ChoiceResult:
    id: str
    text: str
    count: int
    percent: Decimal | None


@dataclasses.dataclass(frozen=True)
class QuestionResult:
    id: str
    number: int
    text: str
    kind: str
    total: int  # all answers to this question: the base of its percentages
    choices: tuple[ChoiceResult, ...]


@dataclasses.dataclass(frozen=True)
class SurveyResult:
    id: str
    council_id: str
    title: str
    conducted_on: dt.date | None
    distributed: int | None
    returned: int | None
    note: str
    response_rate: Decimal | None
    questions: tuple[QuestionResult, ...]
    warnings: tuple[str, ...]


def _result(survey: Survey) -> SurveyResult:
    questions, warnings = [], []
    for number, q in enumerate(survey.questions, start=1):
        total = sum(c.count for c in q.choices)
        questions.append(QuestionResult(q.id, number, q.text, q.kind, total, tuple(
            ChoiceResult(c.id, c.text, c.count, percent(c.count, total)) for c in q.choices)))
        if q.kind == "single" and survey.returned is not None and total > survey.returned:
            warnings.append(f"問{number}はひとつ選ぶ質問ですが、答えの合計（{total}）が回収数"
                            f"（{survey.returned}）より多くなっています")
    return base.to_dto(SurveyResult, survey, questions=tuple(questions), warnings=tuple(warnings),
                       response_rate=percent(survey.returned or 0, survey.distributed)
                       if survey.returned is not None else None)


def check_counts(values: Mapping[str, object]) -> None:
    distributed, returned = base.parsed(values, "distributed", int), base.parsed(values, "returned", int)
    if distributed is not None and returned is not None and returned > distributed:
        raise ValidationError("回収数", f"配布数（{distributed:,}）より多くなっています")


def _questions(raw_questions: Sequence[Mapping[str, object]]) -> list[SurveyQuestion]:
    questions = []
    for number, raw in enumerate(raw_questions, start=1):
        text = base.text(300)(raw.get("text"), f"問{number}の文")
        if not text:
            raise ValidationError(f"問{number}の文", "入力してください")
        kind = raw.get("kind", "single")
        if kind not in QUESTION_KINDS:
            raise ValidationError(f"問{number}の種類", "ひとつ選ぶ／いくつでも選ぶ のどちらかです")
        choices = []
        raw_choices = raw.get("choices", ())
        if not isinstance(raw_choices, Iterable):
            raise TypeError(f"choices of question {number}: {raw_choices!r}")
        for position, item in enumerate(raw_choices):
            choice_text, count = item if isinstance(item, (tuple, list)) else (item, 0)
            label = f"問{number}の選択肢{position + 1}"
            choice_text = base.text(300)(choice_text, label)
            if not choice_text:
                raise ValidationError(label, "選択肢の文を入力してください")
            choices.append(SurveyChoice(position=position, text=choice_text,
                                        count=base.integer(count, f"{label}の数") or 0))
        questions.append(SurveyQuestion(position=number - 1, text=text, kind=kind, choices=choices))
    return questions


def _load(session, survey_id: str) -> Survey:
    survey = session.scalars(select(Survey).where(Survey.id == survey_id).options(
        selectinload(Survey.questions).selectinload(SurveyQuestion.choices))).first()
    if survey is None:
        base.get_or_fail(session, Survey, survey_id, "アンケート")
    return survey


def create_survey(store: Store, council_id: str, raw: Mapping[str, object],
                  questions: Sequence[Mapping[str, object]] = ()) -> SurveyResult:
    """questions: {"text", "kind": single|multiple, "choices": [(text, count), ...]}."""
    values = base.validate(SURVEY_FIELDS, raw)
    check_counts(values)
    built = _questions(questions)
    with store.session() as s:
        base.get_or_fail(s, Council, council_id, "協議体")
        survey = Survey(council_id=council_id, questions=built, **values)
        s.add(survey)
        s.flush()
        return _result(survey)


def update_survey(store: Store, survey_id: str, raw: Mapping[str, object]) -> SurveyResult:
    values = base.validate(SURVEY_FIELDS, raw, partial=True)
    with store.session() as s:
        survey = _load(s, survey_id)
        check_counts({"distributed": survey.distributed, "returned": survey.returned} | values)
        for key, value in values.items():
            setattr(survey, key, value)
        s.flush()
        return _result(survey)


def set_choice_count(store: Store, choice_id: str, value: object) -> SurveyResult:
    with store.session() as s:
        choice = base.get_or_fail(s, SurveyChoice, choice_id, "選択肢")
        choice.count = base.integer(value, f"「{choice.text}」の数") or 0
        survey_id = choice.question.survey_id
    return results(store, survey_id)


def results(store: Store, survey_id: str) -> SurveyResult:
    with store.session() as s:
        return _result(_load(s, survey_id))


def list_surveys(store: Store, council_id: str) -> list[SurveyResult]:
    with store.session() as s:
        ids = s.scalars(select(Survey.id).where(Survey.council_id == council_id)
                        .order_by(Survey.conducted_on, Survey.created_at)).all()
        return [_result(_load(s, survey_id)) for survey_id in ids]


def delete_survey(store: Store, survey_id: str) -> None:
    with store.session() as s:
        s.delete(base.get_or_fail(s, Survey, survey_id, "アンケート"))
