"""Questionnaires and their results. Each percentage is count / that question's total answers
(the seed: 一人暮らし 140 of 771 = 18.2%), and the response rate is returned / distributed.

A survey is entered one of two ways (`Survey.entry`):

- 'totals': each choice's count is typed from a tally sheet (the seed's 乗附 survey);
  回収数 is typed.
- 'forms': one SurveyResponse per returned paper form (survey_forms.py). Counts are derived
  from the ticked answers, and 回収数 is the number of forms entered (never typed: the typed
  column is left as it was and not used while the survey is entered form by form).

The same rule makes the percentages either way: a question's total is the sum of its top-level
choices' counts (for a single-choice question the forms that answered it, for a multiple-choice
question every tick, as the seed counts Q2's 1,064), and a sub-choice's base is its parent
choice's count (車 out of those who 自分で出かける). An open ('text') question has no choices;
its total is the number of answers written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.errors import ValidationError
from app.models import (
    QUESTION_KINDS,
    Council,
    Survey,
    SurveyChoice,
    SurveyQuestion,
    new_id,
)
from app.services import base, survey_figures
from app.services.base import Field

# The figures' types and rule live in survey_figures (ホーム reads them before SQLAlchemy loads);
# they are named here too, where the rest of the program looks for a survey's figures.
from app.services.survey_figures import ChoiceResult as ChoiceResult
from app.services.survey_figures import QuestionResult as QuestionResult
from app.services.survey_figures import ordered_choices as ordered_choices
from app.services.survey_figures import percent, question_result
from app.store import Store

SURVEY_FIELDS = (
    Field("title", "題名", base.text(200), required=True),
    Field("conducted_on", "実施日", base.date),
    Field("distributed", "配布数", base.integer),
    Field("returned", "回収数", base.integer),
    Field("note", "備考", base.long_text, default=""),
)
ENTRIES = ("totals", "forms")


@dataclasses.dataclass(frozen=True)
class SurveyResult:
    id: str
    council_id: str
    title: str
    conducted_on: dt.date | None
    distributed: int | None
    returned: int | None  # 'forms': the number of forms entered
    note: str
    entry: str
    forms: int  # forms entered (0 for a survey entered as totals)
    response_rate: Decimal | None
    questions: tuple[QuestionResult, ...]
    warnings: tuple[str, ...]


def _derived(session: Session, survey_id: str) -> tuple[int, dict[str, int], dict[str, int]]:
    return survey_figures.derived(session.connection().exec_driver_sql, survey_id)


def _result(session: Session, survey: Survey) -> SurveyResult:
    forms, ticks, written = _derived(session, survey.id) if survey.entry == "forms" else (0, None, {})
    questions = [question_result(q, number, ticks, written.get(q.id, 0))
                 for number, q in enumerate(survey.questions, start=1)]
    returned = forms if survey.entry == "forms" else survey.returned
    return base.to_dto(SurveyResult, survey, questions=tuple(questions),
                       warnings=survey_figures.warnings(questions, survey.entry, returned, forms,
                                                        survey.distributed),
                       returned=returned, forms=forms,
                       response_rate=percent(returned or 0, survey.distributed)
                       if returned is not None else None)


def check_counts(values: Mapping[str, object]) -> None:
    distributed, returned = base.parsed(values, "distributed", int), base.parsed(values, "returned", int)
    if distributed is not None and returned is not None and returned > distributed:
        raise ValidationError("回収数", f"配布数（{distributed:,}）より多くなっています")


def raw_choices(raw: object, number: int) -> list[dict]:
    """A question's choices as given: "text", (text, count), or {"id", "text", "count",
    "subs": [...]}: one dict per choice, each with its sub-choices under "subs"."""
    if not isinstance(raw, Iterable) or isinstance(raw, (str, bytes)):
        raise TypeError(f"choices of question {number}: {raw!r}")
    out = []
    for item in raw:
        if isinstance(item, Mapping):
            out.append({"id": item.get("id"), "text": item.get("text"), "count": item.get("count"),
                        "subs": raw_choices(item.get("subs", ()), number)})
        elif isinstance(item, (tuple, list)):
            out.append({"id": None, "text": item[0], "count": item[1], "subs": []})
        else:
            out.append({"id": None, "text": item, "count": None, "subs": []})
    return out


def question_values(raw: Mapping[str, object], number: int) -> tuple[str, str, list[dict]]:
    """A question's text, kind and choices, checked; errors name 問N and the choice."""
    text = base.text(300)(raw.get("text"), f"問{number}の文")
    if not text:
        raise ValidationError(f"問{number}の文", "入力してください")
    kind = raw.get("kind", "single")
    if kind not in QUESTION_KINDS:
        raise ValidationError(f"問{number}の種類", "ひとつ選ぶ・いくつでも選ぶ・自由に書く のどれかです")
    choices = raw_choices(raw.get("choices", ()), number)
    if kind == "text" and choices:
        raise ValidationError(f"問{number}の選択肢", "自由に書く問には選択肢はいりません")
    for position, choice in enumerate(choices, start=1):
        _check_choice(choice, f"問{number}の選択肢{position}")
        for sub_position, sub in enumerate(choice["subs"], start=1):
            _check_choice(sub, f"問{number}の選択肢{position}-{sub_position}")
            if sub["subs"]:
                raise ValidationError(f"問{number}の選択肢{position}-{sub_position}",
                                      "選択肢の下の選択肢は一段までです")
    return str(text), str(kind), choices


def _check_choice(choice: dict, label: str) -> None:
    choice["text"] = base.text(300)(choice["text"], label)
    if not choice["text"]:
        raise ValidationError(label, "選択肢の文を入力してください")
    choice["count"] = base.integer(choice["count"], f"{label}の数")


def build_choices(choices: Sequence[dict]) -> list[SurveyChoice]:
    """New rows (ids given now, so a sub-choice can name its parent before the flush)."""
    rows, position = [], 0
    for choice in choices:
        top = SurveyChoice(id=choice.get("id") or new_id(), position=position, text=choice["text"],
                           count=choice["count"] or 0)
        rows.append(top)
        position += 1
        for sub in choice["subs"]:
            rows.append(SurveyChoice(id=sub.get("id") or new_id(), position=position,
                                     text=sub["text"], count=sub["count"] or 0, parent_id=top.id))
            position += 1
    return rows


def _questions(raw_questions: Sequence[Mapping[str, object]]) -> list[SurveyQuestion]:
    questions = []
    for number, raw in enumerate(raw_questions, start=1):
        text, kind, choices = question_values(raw, number)
        questions.append(SurveyQuestion(position=number - 1, text=text, kind=kind,
                                        choices=build_choices(choices)))
    return questions


def load(session: Session, survey_id: str) -> Survey:
    survey = session.scalars(select(Survey).where(Survey.id == survey_id).options(
        selectinload(Survey.questions).selectinload(SurveyQuestion.choices))).first()
    if survey is None:
        base.get_or_fail(session, Survey, survey_id, "アンケート")
    assert survey is not None
    return survey


def create_survey(store: Store, council_id: str, raw: Mapping[str, object],
                  questions: Sequence[Mapping[str, object]] = (), *,
                  entry: str = "totals") -> SurveyResult:
    """questions: {"text", "kind": single|multiple|text, "choices": [...]} (see raw_choices).
    entry 'forms': the forms are entered one by one (回収数 is their number, not typed)."""
    if entry not in ENTRIES:
        raise ValueError(entry)
    values = base.validate(SURVEY_FIELDS, raw)
    if entry == "forms" and values["returned"] is not None:
        raise ValidationError("回収数", "回答用紙を1枚ずつ入力するときは、回収数は入力した用紙の数に"
                              "なります（空けておいてください）", name="returned")
    check_counts(values)
    built = _questions(questions)
    with store.session() as s:
        base.get_or_fail(s, Council, council_id, "協議体")
        survey = Survey(council_id=council_id, questions=built, entry=entry, **values)
        s.add(survey)
        s.flush()
        return _result(s, survey)


def update_survey(store: Store, survey_id: str, raw: Mapping[str, object]) -> SurveyResult:
    values = base.validate(SURVEY_FIELDS, raw, partial=True)
    with store.session() as s:
        survey = load(s, survey_id)
        if survey.entry == "forms":
            forms = _derived(s, survey.id)[0]
            if values.get("returned") not in (None, forms):
                raise ValidationError("回収数", f"回答用紙を1枚ずつ入力するアンケートでは、回収数は"
                                      f"入力した用紙の数です（今 {forms:,}枚）", name="returned")
            values.pop("returned", None)
            distributed = values.get("distributed", survey.distributed)
            if distributed is not None and forms > distributed:
                raise ValidationError("配布数", f"入力した回答用紙（{forms:,}枚）より少なくなっています",
                                      name="distributed")
        check_counts({"distributed": survey.distributed, "returned": survey.returned} | values)
        for key, value in values.items():
            setattr(survey, key, value)
        s.flush()
        return _result(s, survey)


def set_choice_count(store: Store, choice_id: str, value: object) -> SurveyResult:
    with store.session() as s:
        choice = base.get_or_fail(s, SurveyChoice, choice_id, "選択肢")
        if choice.question.survey.entry == "forms":
            raise ValidationError(f"「{choice.text}」の数", "回答用紙を1枚ずつ入力するアンケートの数は、"
                                  "入力した用紙から数えます（直すときは用紙を直してください）")
        choice.count = base.integer(value, f"「{choice.text}」の数") or 0
        survey_id = choice.question.survey_id
    return results(store, survey_id)


def results(store: Store, survey_id: str) -> SurveyResult:
    with store.session() as s:
        return _result(s, load(s, survey_id))


def list_surveys(store: Store, council_id: str) -> list[SurveyResult]:
    with store.session() as s:
        ids = s.scalars(select(Survey.id).where(Survey.council_id == council_id)
                        .order_by(Survey.conducted_on, Survey.created_at)).all()
        return [_result(s, load(s, survey_id)) for survey_id in ids]


def delete_survey(store: Store, survey_id: str) -> None:
    with store.session() as s:
        s.delete(base.get_or_fail(s, Survey, survey_id, "アンケート"))
