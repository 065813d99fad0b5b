"""A survey's figures from plain rows, free of the database layer: the percentage rule, each
question's result, and the warnings when figures disagree. surveys.py builds them from the ORM's
records; ホーム reads them at start, before SQLAlchemy is imported (services/home.py). The rule
itself is explained at the top of surveys.py.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

# A query runner: (SQL with ? marks, parameters) -> rows. sqlite3's Connection.execute, or the
# ORM session's connection (surveys._derived), so both read the forms with the same SQL.
Execute = Callable[[str, Sequence[Any]], Iterable[Sequence[Any]]]


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
    number: str = ""              # what is typed and printed: "2", or "2-1" for a sub-choice
    parent_id: str | None = None  # a sub-choice's choice


@dataclasses.dataclass(frozen=True)
class QuestionResult:
    id: str
    number: int
    text: str
    kind: str
    total: int  # all answers to this question: the base of its percentages
    choices: tuple[ChoiceResult, ...]  # each top-level choice followed by its sub-choices

    def top(self) -> tuple[ChoiceResult, ...]:
        return tuple(c for c in self.choices if c.parent_id is None)

    def subs(self, parent_id: str) -> tuple[ChoiceResult, ...]:
        return tuple(c for c in self.choices if c.parent_id == parent_id)


def ordered_choices(choices: Iterable[Any]) -> list[tuple[Any, str]]:
    """Each top-level choice (by position) followed by its sub-choices, with the number typed
    for it: 1, 2, 2-1, 2-2, 3 …"""
    rows = sorted(choices, key=lambda c: c.position)
    out: list[tuple[Any, str]] = []
    for n, top in enumerate((c for c in rows if c.parent_id is None), start=1):
        out.append((top, str(n)))
        out += [(sub, f"{n}-{m}") for m, sub in
                enumerate((c for c in rows if c.parent_id == top.id), start=1)]
    return out


def question_result(q: Any, number: int, counts: Mapping[str, int] | None,
                    written: int = 0) -> QuestionResult:
    """q: a question with id, text, kind and choices (each with id, text, count, position and
    parent_id), the ORM's or plain rows. counts: choice id -> count derived from forms; None:
    the typed counts."""
    ordered = ordered_choices(q.choices)
    count = {c.id: (c.count if counts is None else counts.get(c.id, 0)) for c, _n in ordered}
    total = sum(count[c.id] for c, _n in ordered if c.parent_id is None)
    choices = tuple(ChoiceResult(c.id, c.text, count[c.id],
                                 percent(count[c.id], total if c.parent_id is None
                                         else count.get(c.parent_id, 0)), n, c.parent_id)
                    for c, n in ordered)
    return QuestionResult(q.id, number, q.text, q.kind, written if q.kind == "text" else total,
                          choices)


def derived(execute: Execute, survey_id: str) -> tuple[int, dict[str, int], dict[str, int]]:
    """Forms entered, each choice's ticks, and each open question's written answers."""
    forms = next(iter(execute("SELECT count(*) FROM survey_response WHERE survey_id = ?",
                              (survey_id,))))[0]
    of_survey = ("FROM survey_answer a JOIN survey_response r ON a.response_id = r.id "
                 "WHERE r.survey_id = ? AND ")
    ticks = {choice: n for choice, n in execute(
        f"SELECT a.choice_id, count(*) {of_survey} a.choice_id IS NOT NULL GROUP BY a.choice_id",
        (survey_id,))}
    written = {question: n for question, n in execute(
        f"SELECT a.question_id, count(*) {of_survey} a.choice_id IS NULL AND a.text != '' "
        "GROUP BY a.question_id", (survey_id,))}
    return int(forms or 0), ticks, written


def warnings(questions: Sequence[QuestionResult], entry: str, returned: int | None, forms: int,
             distributed: int | None) -> tuple[str, ...]:
    """What does not add up: a single-choice question answered more often than forms came back,
    a sub-choice counted more often than its choice, more forms entered than were handed out."""
    found = []
    for q in questions:
        if q.kind == "single" and returned is not None and q.total > returned:
            found.append(f"問{q.number}はひとつ選ぶ質問ですが、答えの合計（{q.total}）が回収数"
                         f"（{returned}）より多くなっています")
        counts = {c.id: c for c in q.choices}
        for c in q.choices:
            parent = counts.get(c.parent_id or "")
            if parent is not None and c.count > parent.count:
                found.append(f"問{q.number}の「{c.text}」（{c.count:,}）が、その上の選択肢"
                             f"「{parent.text}」（{parent.count:,}）より多くなっています")
    if entry == "forms" and distributed is not None and forms > distributed:
        found.append(f"入力した回答用紙（{forms:,}枚）が配布数（{distributed:,}）より多くなっています")
    return tuple(found)
