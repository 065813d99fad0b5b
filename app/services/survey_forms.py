"""Returned paper forms of a survey entered one by one (Survey.entry 'forms').

A form is its 整理番号 (written on the paper when it comes back; the next free number by
default), its 町内会 (optional, one of the council's) and its answers: one choice for a
single-choice question, any for a multiple-choice one, the words written for an open question.
A ticked sub-choice (車 under 自分で出かける) implies its choice, and both are stored, so a
choice's count is simply the number of forms that ticked it (surveys.py makes the results).

What is typed for a question (`parse_codes`): choice numbers as printed on the form. With at
most ten choices every digit is one choice (0 is the tenth), so 「135」 is ①③⑤ and separators
are optional; with more, numbers are separated by spaces or 、. A sub-choice is 「2-1」 (①… under
②). Full-width digits and 「－」「ー」 are read the same.

A form is saved, replaced or deleted as one transaction; a refused form changes nothing.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.errors import ValidationError
from app.models import Neighbourhood, Survey, SurveyAnswer, SurveyResponse, utcnow
from app.services import base, surveys
from app.services import normalize as norm
from app.services.surveys import ChoiceResult, QuestionResult, SurveyResult
from app.store import Store

Answers = Mapping[str, "Sequence[str] | str"]  # question id -> choice ids, or the words written


@dataclasses.dataclass(frozen=True)
class FormDTO:
    id: str
    survey_id: str
    number: int
    neighbourhood_id: str | None
    neighbourhood: str  # its name, "" when not written
    note: str
    choices: Mapping[str, tuple[str, ...]]  # question id -> choice ids ticked
    texts: Mapping[str, str]                # question id -> words written


# --- what is typed ---------------------------------------------------------------------------

_SEPARATORS = re.compile(r"[\s、,，・/／.。]+")


def _numbers(token: str, count: int, what: str) -> list[int]:
    """1-based numbers from one token: digit by digit (0 = 10) when there are at most ten."""
    if not token.isdigit():
        raise ValidationError(what, f"「{token}」は選択肢の番号として読めません。数字で入力してください"
                                    "（例: 1、2-1）")
    numbers = [10 if d == "0" else int(d) for d in token] if count <= 10 else [int(token)]
    for n in numbers:
        if not 1 <= n <= count:
            raise ValidationError(what, f"{n}番の選択肢はありません（1〜{count}）" if count
                                  else "選択肢がありません")
    return numbers


def parse_codes(question: QuestionResult, typed: str) -> tuple[str, ...]:
    """The choice ids meant by what was typed for a choice question ("" is no answer)."""
    what = f"問{question.number}"
    text = norm.nfkc(typed or "").replace("ー", "-").replace("−", "-").replace("‐", "-").strip()
    top = question.top()
    chosen: list[str] = []
    for token in (t for t in _SEPARATORS.split(text) if t):
        head, dash, tail = token.partition("-")
        parents = _numbers(head, len(top), what)
        if not dash:
            chosen += [top[n - 1].id for n in parents]
            continue
        if len(parents) != 1:
            raise ValidationError(what, f"「{token}」: 下の選択肢は「2-1」のように、選択肢ひとつの"
                                        "番号のあとに書いてください")
        parent = top[parents[0] - 1]
        subs = question.subs(parent.id)
        if not subs:
            raise ValidationError(what, f"「{token}」: {parents[0]}番の選択肢には下の選択肢がありません")
        chosen += [parent.id] + [subs[n - 1].id for n in _numbers(tail, len(subs), what)]
    picked = set(chosen)
    _one_only(question, [c for c in question.choices if c.id in picked])
    return tuple(dict.fromkeys(chosen))


def _one_only(q: QuestionResult, ordered: Sequence[ChoiceResult]) -> None:
    """A single-choice question takes one choice (and at most one of its sub-choices)."""
    if q.kind != "single":
        return
    for level in ([c for c in ordered if c.parent_id is None],
                  [c for c in ordered if c.parent_id is not None]):
        if len(level) > 1:
            raise ValidationError(f"問{q.number}", f"ひとつ選ぶ問ですが、{len(level)}つ選ばれています"
                                                   f"（{'、'.join(c.number for c in level)}）")


def codes(question: QuestionResult, choice_ids: Sequence[str]) -> str:
    """What would be typed for these choices (a form reopened for correction): 「1 2-1」."""
    picked = [c.number for c in question.choices if c.id in set(choice_ids)]
    subs_of = {n.split("-")[0] for n in picked if "-" in n}
    return " ".join(n for n in picked if n not in subs_of)


def parse_neighbourhood(names: Sequence[tuple[str, str]], typed: str) -> str | None:
    """A 町内会 typed as its number in the list (digit rule as for choices) or its name;
    names: (id, name) in the council's order. Blank: not written on the form."""
    text = norm.nfkc(typed or "").strip()
    if not text:
        return None
    for nb_id, name in names:
        if norm.nfkc(name) == text:
            return nb_id
    if not text.isdigit():
        raise ValidationError("町内会", f"「{typed}」という町内会はありません（番号か名前で入力します）",
                              name="neighbourhood")
    number = 10 if text == "0" and len(names) >= 10 else int(text)
    if not 1 <= number <= len(names):
        raise ValidationError("町内会", f"{number}番の町内会はありません（1〜{len(names)}）",
                              name="neighbourhood")
    return names[number - 1][0]


# --- the rules of a form ---------------------------------------------------------------------

def _survey_for_forms(session: Session, survey_id: str) -> Survey:
    survey = surveys.load(session, survey_id)
    if survey.entry != "forms":
        raise ValidationError("入力のしかた", "このアンケートは合計を入力するしかたです。先に"
                              "「回答用紙を1枚ずつ入力」に切り替えてください")
    return survey


def check_answers(survey: Survey, answers: Answers) -> list[SurveyAnswer]:
    """The answer rows for a form, or a ValidationError naming 問N (a single-choice question
    with two answers, an unknown choice, another question's choice, words for a choice question)."""
    result = {q.id: surveys.question_result(q, n, {}) for n, q in enumerate(survey.questions, 1)}
    choice_of = {c.id: q for q in survey.questions for c in q.choices}
    rows: list[SurveyAnswer] = []
    for question_id, given in answers.items():
        q = result.get(question_id)
        if q is None:
            raise ValidationError("回答", f"このアンケートにない問です（ID {question_id}）")
        what = f"問{q.number}"
        if q.kind == "text":
            if not isinstance(given, str):
                raise ValidationError(what, "自由に書く問です。選択肢は選べません")
            written = base.long_text(given, what)
            if written:
                rows.append(SurveyAnswer(question_id=q.id, text=written))
            continue
        if isinstance(given, str):
            raise ValidationError(what, "選択肢を選ぶ問です。番号で答えてください")
        rows += _choice_rows(q, list(given), choice_of)
    return rows


def _choice_rows(q: QuestionResult, given: list[str], choice_of: Mapping) -> list[SurveyAnswer]:
    what = f"問{q.number}"
    by_id = {c.id: c for c in q.choices}
    for choice_id in given:
        if choice_id not in by_id:
            other = choice_of.get(choice_id)
            if other is None:
                raise ValidationError(what, f"選択肢（ID {choice_id}）はありません")
            raise ValidationError(what, f"選ばれた選択肢「{next(c.text for c in other.choices if c.id == choice_id)}」"
                                        "はこの問の選択肢ではありません")
    ticked = dict.fromkeys(given)
    for choice_id in given:  # a sub-choice implies its choice
        parent = by_id[choice_id].parent_id
        if parent is not None:
            ticked[parent] = None
    ordered = [c for c in q.choices if c.id in ticked]
    _one_only(q, ordered)
    return [SurveyAnswer(question_id=q.id, choice_id=c.id) for c in ordered]


def _number(session: Session, survey_id: str, value: object, form_id: str | None) -> int:
    number = norm.to_int(value, "整理番号", minimum=1)
    if number is None:
        return next_number_in(session, survey_id)
    taken = session.scalar(select(SurveyResponse.id).where(
        SurveyResponse.survey_id == survey_id, SurveyResponse.number == number,
        SurveyResponse.id != (form_id or "")))
    if taken:
        raise ValidationError("整理番号", f"{number} はもう入力されています（直すときは一覧から開いて"
                                          "ください）", name="number")
    return number


def _neighbourhood(session: Session, survey: Survey, value: object) -> str | None:
    if value in (None, ""):
        return None
    found = session.get(Neighbourhood, str(value))
    if found is None or found.council_id != survey.council_id:
        raise ValidationError("町内会", "この協議体の町内会ではありません", name="neighbourhood")
    return found.id


# --- reading and writing ---------------------------------------------------------------------

def next_number_in(session: Session, survey_id: str) -> int:
    top = session.scalar(select(func.max(SurveyResponse.number))
                         .where(SurveyResponse.survey_id == survey_id))
    return (top or 0) + 1


def next_number(store: Store, survey_id: str) -> int:
    with store.session() as s:
        return next_number_in(s, survey_id)


_FORM_COLUMNS = (SurveyResponse.id, SurveyResponse.survey_id, SurveyResponse.number,
                 SurveyResponse.neighbourhood_id, Neighbourhood.name, SurveyResponse.note)
_ANSWER_COLUMNS = (SurveyAnswer.response_id, SurveyAnswer.question_id, SurveyAnswer.choice_id,
                   SurveyAnswer.text)


def _forms(session: Session, where, recent: int | None = None) -> list[FormDTO]:
    """Forms and their answers in two plain queries (the page reads all 2,745 after a save);
    `recent`: only that many, the last saved first."""
    db = session.connection()  # Core: plain rows, no ORM bookkeeping for 25,000 answers
    query = (select(*_FORM_COLUMNS)
             .outerjoin(Neighbourhood, Neighbourhood.id == SurveyResponse.neighbourhood_id).where(where))
    if recent is None:
        rows = db.execute(query.order_by(SurveyResponse.number)).all()
        answers_of = where
    else:
        rows = db.execute(query.order_by(SurveyResponse.updated_at.desc(), SurveyResponse.number.desc())
                          .limit(recent)).all()
        answers_of = SurveyResponse.id.in_([r[0] for r in rows])
    choices: dict[str, dict[str, list[str]]] = {r[0]: {} for r in rows}
    texts: dict[str, dict[str, str]] = {r[0]: {} for r in rows}
    for response_id, question_id, choice_id, text in db.execute(
            select(*_ANSWER_COLUMNS).join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
            .where(answers_of)):
        if choice_id is None:
            texts[response_id][question_id] = text
        else:
            choices[response_id].setdefault(question_id, []).append(choice_id)
    return [FormDTO(form_id, survey_id, number, area_id, area or "", note,
                    {q: tuple(c) for q, c in choices[form_id].items()}, texts[form_id])
            for form_id, survey_id, number, area_id, area, note in rows]


def list_forms(store: Store, survey_id: str, *, recent: int | None = None) -> list[FormDTO]:
    """Every form of a survey by 整理番号, with its answers; `recent`: only the last that many
    saved or corrected, the last first (the entry window's list)."""
    with store.session() as s:
        return _forms(s, SurveyResponse.survey_id == survey_id, recent)


def get_form(store: Store, form_id: str) -> FormDTO:
    with store.session() as s:
        base.get_or_fail(s, SurveyResponse, form_id, "回答用紙")
        return _forms(s, SurveyResponse.id == form_id)[0]


def save_form(store: Store, survey_id: str, raw: Mapping[str, object], answers: Answers,
              form_id: str | None = None) -> FormDTO:
    """A new form, or (form_id) the form replaced whole: raw holds "number" (blank: the next),
    "neighbourhood_id" (blank: not written) and "note"; answers as in check_answers."""
    with store.session() as s:
        survey = _survey_for_forms(s, survey_id)
        number = _number(s, survey_id, raw.get("number"), form_id)
        neighbourhood_id = _neighbourhood(s, survey, raw.get("neighbourhood_id"))
        note = base.long_text(raw.get("note", ""), "備考")
        rows = check_answers(survey, answers)
        if form_id is None:
            form = SurveyResponse(survey_id=survey_id)
            s.add(form)
        else:
            form = base.get_or_fail(s, SurveyResponse, form_id, "回答用紙")
            if form.survey_id != survey_id:
                raise ValidationError("回答用紙", "別のアンケートの用紙です")
            s.execute(delete(SurveyAnswer).where(SurveyAnswer.response_id == form.id))
            form.updated_at = utcnow()  # its answers changed even when number and 町内会 did not
        form.number, form.neighbourhood_id, form.note = number, neighbourhood_id, note
        s.flush()
        for row in rows:
            row.response_id = form.id
        s.add_all(rows)
        s.flush()
        return _forms(s, SurveyResponse.id == form.id)[0]


def delete_form(store: Store, form_id: str) -> None:
    with store.session() as s:
        s.delete(base.get_or_fail(s, SurveyResponse, form_id, "回答用紙"))


# --- the way a survey is entered -------------------------------------------------------------

def switch_loss(store: Store, survey_id: str, entry: str) -> str:
    """What switching the survey to `entry` would drop, in words ("" when nothing)."""
    before = surveys.results(store, survey_id)
    if before.entry == entry:
        return ""
    if entry == "forms":
        typed = [(q.number, c) for q in before.questions for c in q.choices if c.count]
        if not typed:
            return ""
        shown = "、".join(f"問{n}「{c.text}」{c.count:,}" for n, c in typed[:3])
        return (f"合計の数が入っています（{shown}{' など' if len(typed) > 3 else ''}）。回答用紙を"
                "1枚ずつ入力するしかたに切り替えると、これらの数は消えます")
    if before.forms:
        return (f"回答用紙が{before.forms:,}枚入っています。合計を入力するしかたに切り替えると、"
                "用紙は消え、今の数が合計として残ります")
    return ""


def set_entry(store: Store, survey_id: str, entry: str, *, discard: bool = False) -> SurveyResult:
    """Totals -> forms: only while no count is typed, or with `discard` (the typed counts are
    cleared). Forms -> totals: only while no form is entered, or with `discard` (the forms are
    deleted and the counts they gave stay as typed counts, 回収数 their number). Without
    `discard`, the ValidationError says what would be lost (`switch_loss`)."""
    if entry not in surveys.ENTRIES:
        raise ValueError(entry)
    loss = switch_loss(store, survey_id, entry)
    if loss and not discard:
        raise ValidationError("入力のしかた", loss)
    before = surveys.results(store, survey_id)
    if before.entry == entry:
        return before
    with store.session() as s:
        survey = surveys.load(s, survey_id)
        choices = {c.id: c for q in survey.questions for c in q.choices}
        if entry == "forms":
            for choice in choices.values():
                choice.count = 0
        else:
            for q in before.questions:
                for c in q.choices:
                    choices[c.id].count = c.count
            survey.returned = before.forms
            s.execute(delete(SurveyResponse).where(SurveyResponse.survey_id == survey_id))
        survey.entry = entry
    return surveys.results(store, survey_id)
