"""A survey's questions after it was made: edited (text, kind, choices, sub-choices, order), and
copied into next year's survey.

Editing keeps every row that stays (matched by id), so a survey entered as totals keeps each
choice's typed count when only its words change. A form's answers name choices by id, so a
change that would alter what a returned form said is refused, naming the forms (整理番号):
removing or rewording a choice (or moving it under another) that a form ticked, removing a
question a form answered, or changing the kind of an answered question (one choice to several
is the only safe way). Order may always change. Correct or delete those forms first, or add a
new choice instead.

The dialog gives choices as lines (a line indented, or starting with - or └, is a
sub-choice of the line above); `match_lines` tells which line is which stored choice.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence

from sqlalchemy import delete, select

from app.errors import ValidationError
from app.models import SurveyAnswer, SurveyChoice, SurveyQuestion, SurveyResponse, new_id
from app.services import base, surveys
from app.services.surveys import QuestionResult, SurveyResult
from app.store import Store

_SUB_MARK = re.compile(r"^(?:[ \t\u3000]+|[-－‐└]\s*)")


def forms_named(numbers: Sequence[int]) -> str:
    """「回答用紙（整理番号 3、5、8 ほか2枚）」"""
    shown = "、".join(str(n) for n in sorted(numbers)[:8])
    more = f" ほか{len(numbers) - 8}枚" if len(numbers) > 8 else ""
    return f"回答用紙（整理番号 {shown}{more}）"


# --- choices as lines ------------------------------------------------------------------------

def parse_lines(text: str, what: str) -> list[tuple[bool, str]]:
    """(is a sub-choice, words) for each non-blank line."""
    out: list[tuple[bool, str]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        sub = bool(_SUB_MARK.match(line))
        words = _SUB_MARK.sub("", line).strip() if sub else line.strip()
        if sub and not out:
            raise ValidationError(what, "1行目は字下げしないでください（字下げした行は、すぐ上の"
                                        "選択肢の下の選択肢になります）")
        if words:
            out.append((sub, words))
    return out


def lines_of(question: QuestionResult) -> str:
    """A question's choices as the dialog shows them: sub-choices indented with 全角 space."""
    return "\n".join(("　" if c.parent_id else "") + c.text for c in question.choices)


def match_lines(question: QuestionResult | None, text: str, what: str) -> list[dict]:
    """The choices typed as lines, each with the id of the stored choice it is: an unchanged
    line keeps its choice; a changed line in the place of one keeps that one (a reworded
    choice); other lines are new. Returns the nested form create and update take."""
    lines = parse_lines(text, what)
    old = [] if question is None else [(c.parent_id is not None, c.text, c.id) for c in question.choices]
    ids: list[str | None] = [None] * len(lines)
    matcher = difflib.SequenceMatcher(a=[(s, t) for s, t, _ in old], b=lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("equal", "replace"):
            for k in range(min(i2 - i1, j2 - j1)):
                ids[j1 + k] = old[i1 + k][2]
    nested: list[dict] = []
    for (sub, words), choice_id in zip(lines, ids, strict=True):
        item: dict = {"id": choice_id, "text": words, "count": None, "subs": []}
        (nested[-1]["subs"] if sub else nested).append(item)
    return nested


def question_rows(result: SurveyResult) -> list[dict]:
    """The stored questions in the form update_questions takes (with ids)."""
    def choice(c) -> dict:
        return {"id": c.id, "text": c.text, "count": None,
                "subs": [choice(s) for s in result_q.subs(c.id)]}
    rows = []
    for result_q in result.questions:
        rows.append({"id": result_q.id, "text": result_q.text, "kind": result_q.kind,
                     "choices": [choice(c) for c in result_q.top()]})
    return rows


# --- editing ---------------------------------------------------------------------------------

def _answered(session, survey_id: str) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """Form numbers by choice ticked and by question answered."""
    by_choice: dict[str, list[int]] = {}
    by_question: dict[str, list[int]] = {}
    for question_id, choice_id, number in session.execute(
            select(SurveyAnswer.question_id, SurveyAnswer.choice_id, SurveyResponse.number)
            .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
            .where(SurveyResponse.survey_id == survey_id)):
        by_question.setdefault(question_id, []).append(number)
        if choice_id is not None:
            by_choice.setdefault(choice_id, []).append(number)
    return by_choice, by_question


def _flat(choices: Sequence[dict]) -> list[tuple[dict, int | None]]:
    """(choice, index of its parent in this list) in order."""
    out: list[tuple[dict, int | None]] = []
    for c in choices:
        out.append((c, None))
        parent = len(out) - 1
        out += [(s, parent) for s in c["subs"]]
    return out


def _check_question(q: SurveyQuestion, number: int, kind: str, choices: Sequence[dict],
                    by_choice: Mapping[str, list[int]], by_question: Mapping[str, list[int]]) -> None:
    answered = by_question.get(q.id, [])
    if kind != q.kind and answered and (q.kind, kind) != ("single", "multiple"):
        raise ValidationError(f"問{number}の種類", f"{forms_named(answered)}で答えられているため、"
                                                  "種類を変えられません")
    stored = {c.id: c for c in q.choices}
    flat = _flat(choices)
    kept: set[str] = set()
    for c, parent_at in flat:
        if c["id"] is None:
            continue
        if c["id"] not in stored:
            raise ValidationError(f"問{number}の選択肢「{c['text']}」", "この問の選択肢ではありません")
        kept.add(c["id"])
        row = stored[c["id"]]
        parent_id = None if parent_at is None else flat[parent_at][0]["id"]
        ticked = by_choice.get(row.id, [])
        if ticked and (row.text != c["text"] or row.parent_id != parent_id):
            raise ValidationError(f"問{number}の選択肢「{row.text}」",
                                  f"{forms_named(ticked)}で選ばれているため変えられません（先に用紙を"
                                  "直すか、新しい選択肢を足してください）")
    for row in q.choices:
        if row.id not in kept and by_choice.get(row.id):
            raise ValidationError(f"問{number}の選択肢「{row.text}」",
                                  f"{forms_named(by_choice[row.id])}で選ばれているため消せません")


def _apply_choices(q: SurveyQuestion, choices: Sequence[dict]) -> list[str]:
    """Rows updated or added in place; returns the ids of the choices to delete (deleted with
    one statement after the flush, so a sub-choice moved away from a removed choice stays)."""
    stored = {c.id: c for c in q.choices}
    flat = _flat(choices)
    rows: list[SurveyChoice] = []
    for position, (c, parent_at) in enumerate(flat):
        parent_id = None if parent_at is None else rows[parent_at].id
        row = stored.pop(c["id"], None) if c["id"] else None
        if row is None:
            row = SurveyChoice(id=new_id(), count=c["count"] or 0)
            q.choices.append(row)
        elif c["count"] is not None:
            row.count = c["count"]
        row.text, row.position, row.parent_id = c["text"], position, parent_id
        rows.append(row)
    return list(stored)


def update_questions(store: Store, survey_id: str, questions: Sequence[Mapping[str, object]]) -> SurveyResult:
    """The survey's questions as given, in order: {"id" (None: new), "text", "kind", "choices":
    [{"id", "text", "count" (None: kept), "subs": [...]}]}; a stored question left out is removed."""
    checked = [(raw.get("id"), *surveys.question_values(raw, n)) for n, raw in enumerate(questions, 1)]
    with store.session() as s:
        survey = surveys.load(s, survey_id)
        stored = {q.id: q for q in survey.questions}
        by_choice, by_question = _answered(s, survey_id)
        for number, (question_id, _text, kind, choices) in enumerate(checked, 1):
            if question_id is not None:
                if question_id not in stored:
                    raise ValidationError(f"問{number}", "このアンケートの問ではありません")
                _check_question(stored[question_id], number, kind, choices, by_choice, by_question)
        given = {q[0] for q in checked}
        for old_number, q in enumerate(survey.questions, 1):
            if q.id not in given and by_question.get(q.id):
                raise ValidationError(f"問{old_number}「{q.text}」",
                                      f"{forms_named(by_question[q.id])}で答えられているため消せません")
        gone_choices: list[str] = []
        for position, (question_id, text, kind, choices) in enumerate(checked):
            q = stored.pop(str(question_id)) if question_id else SurveyQuestion(survey_id=survey_id)
            q.position, q.text, q.kind = position, text, kind
            if not question_id:
                s.add(q)
            gone_choices += _apply_choices(q, choices)
        s.flush()
        for chunk in base.chunks(gone_choices):
            s.execute(delete(SurveyChoice).where(SurveyChoice.id.in_(chunk)))
        if stored:
            s.execute(delete(SurveyQuestion).where(SurveyQuestion.id.in_(list(stored))))
        s.expire_all()
    return surveys.results(store, survey_id)


def copy_survey(store: Store, source_id: str, raw: Mapping[str, object],
                council_id: str | None = None) -> SurveyResult:
    """A new survey (題名, 実施日, 配布数… from raw) with the source's questions, choices and
    sub-choices, and neither its forms nor its counts; entered the way the source was."""
    source = surveys.results(store, source_id)
    rows = question_rows(source)
    return surveys.create_survey(store, council_id or source.council_id, raw, rows_without_ids(rows),
                                 entry=source.entry)


def rows_without_ids(rows: Sequence[Mapping]) -> list[dict]:
    def bare(c: Mapping) -> dict:
        return {"id": None, "text": c["text"], "count": None, "subs": [bare(x) for x in c["subs"]]}
    return [{"text": r["text"], "kind": r["kind"], "choices": [bare(c) for c in r["choices"]]}
            for r in rows]
