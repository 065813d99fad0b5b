"""What needs a look on the home page: disagreeing figures, overdue confirmations, stale lists,
survey figures that do not add up.

Read with plain SQL over a DB-API connection (services/plain_read.py): the start shows ホーム
before SQLAlchemy is imported, and the live page reads it the very same way. Only
the columns each rule reads: a council of 2,000 members must not build 2,000 member records.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from types import SimpleNamespace
from typing import Any

from app.services import checks, survey_figures
from app.services.plain_read import connection, day
from app.services.wareki import format_wareki


@dataclasses.dataclass(frozen=True)
class Notice:
    kind: str  # aging_rate | confirmation | unverified | schedule | survey
    message: str
    ref_id: str | None = None


def _rate_notice(where: str, stated: float | None, aged: int | None, population: int | None,
                 ref_id: str) -> Notice | None:
    derived = checks.aging_rate(aged, population)
    if not checks.rate_disagrees(stated, derived):
        return None
    return Notice("aging_rate",
                  f"{where}の高齢化率は資料では{stated:.2f}%ですが、65歳以上{aged:,}人÷人口{population:,}人"
                  f"＝{derived:.2f}%です。どちらが正しいか資料を確かめてください。", ref_id)


# A council of real size has hundreds of overdue confirmations: the home page names the first
# few of a kind and counts the rest, so the list stays one a volunteer can read.
SHOWN_PER_KIND = 3
MORE = {"confirmation": "ほかに{n}人、サポーター登録の確認が1年以上されていません（メンバーのページで確かめてください）",
        "unverified": "ほかに{n}件、社会資源の確認が1年以上されていません（社会資源のページで確かめてください）",
        "schedule": "ほかに{n}件、日程を読み取れない社会資源があります（文字のまま印刷します）"}


def _shortened(found: list[Notice]) -> list[Notice]:
    kept: list[Notice] = []
    counts = {kind: sum(n.kind == kind for n in found) for kind in MORE}
    seen = dict.fromkeys(MORE, 0)
    for notice in found:
        if notice.kind not in MORE or counts[notice.kind] <= SHOWN_PER_KIND + 1:
            kept.append(notice)
            continue
        seen[notice.kind] += 1
        if seen[notice.kind] <= SHOWN_PER_KIND:
            kept.append(notice)
        elif seen[notice.kind] == SHOWN_PER_KIND + 1:
            kept.append(Notice(notice.kind, MORE[notice.kind].format(n=counts[notice.kind] - SHOWN_PER_KIND)))
    return kept


def notices(store: Any, council_id: str, today: dt.date | None = None) -> list[Notice]:
    with connection(store) as con:
        return read(con, council_id, today or dt.date.today())


def read(con: Any, council_id: str, today: dt.date) -> list[Notice]:
    """The notices, over a DB-API connection (services/home.py's)."""
    return _shortened([n for n in _found(con, council_id, today) if n is not None])


def _found(con: Any, council_id: str, today: dt.date) -> list[Notice | None]:
    seen = dict.fromkeys(MORE, 0)

    def named(kind: str) -> bool:
        # Past the few _shortened names, a notice is only counted: its text is never shown, so
        # it is not written (2,000 members may have hundreds overdue).
        seen[kind] += 1
        return seen[kind] <= SHOWN_PER_KIND + 1

    council = con.execute("SELECT name, stated_aging_rate, aged_65_plus, population FROM council "
                          "WHERE id = ?", (council_id,)).fetchone()
    found: list[Notice | None] = []
    if council:
        name, stated, aged, population = council
        found.append(_rate_notice(name, stated, aged, population, council_id))
    for nb_id, name, stated, aged, population in con.execute(
            "SELECT id, name, stated_aging_rate, aged_65_plus, population FROM neighbourhood "
            "WHERE council_id = ? ORDER BY position, name", (council_id,)):
        found.append(_rate_notice(name, stated, aged, population, nb_id))
    # members.due_for_confirmation: active supporters, in the members list's order.
    for member_id, name, confirmed, registered in con.execute(
            "SELECT id, name, last_confirmed_on, registered_on FROM member WHERE council_id = ? "
            "AND status = ? AND (is_thinker OR is_provider) ORDER BY sort_key, name",
            (council_id, checks.ACTIVE_STATUS)):
        last = day(confirmed) or day(registered)
        if checks.confirmation_overdue(last, today):
            since = (f"{format_wareki(last)}から1年以上" if last else "一度も") if named("confirmation") else ""
            found.append(Notice("confirmation", f"{name}さん: サポーター登録の確認が{since}されていません"
                                if since else "", member_id))
    for resource_id, name, verified, schedule_text, schedule in con.execute(
            "SELECT id, name, last_verified_on, schedule_text, schedule FROM resource "
            "WHERE council_id = ? ORDER BY position, name", (council_id,)):
        verified = day(verified)
        if checks.verified_too_long_ago(verified, today):
            when = (format_wareki(verified) if verified else "一度もされていません") if named("unverified") else ""
            found.append(Notice("unverified", f"{name}: 最後の確認は{when}。今も続いているか確かめてください"
                                if when else "", resource_id))
        if schedule_text and not (schedule and json.loads(schedule)):  # ResourceDTO.schedule_unreadable
            found.append(Notice("schedule", f"{name}: 日程「{schedule_text}」を読み取れません（文字のまま印刷します）"
                                if named("schedule") else "", resource_id))
    found += _survey_notices(con, council_id)
    return found


def _survey_notices(con: Any, council_id: str) -> list[Notice]:
    """surveys.list_surveys' warnings, from the same rule (survey_figures)."""
    found = []
    for survey_id, title, entry, returned, distributed in con.execute(
            "SELECT id, title, entry, returned, distributed FROM survey WHERE council_id = ? "
            "ORDER BY conducted_on, created_at", (council_id,)).fetchall():
        # survey_figures reads the rows as the ORM's records: attributes by name.
        questions = {qid: SimpleNamespace(id=qid, text=text, kind=kind, choices=[]) for qid, text, kind in con.execute(
            "SELECT id, text, kind FROM survey_question WHERE survey_id = ? ORDER BY position",
            (survey_id,))}
        for choice_id, question_id, text, count, position, parent_id in con.execute(
                "SELECT c.id, c.question_id, c.text, c.count, c.position, c.parent_id FROM survey_choice c "
                "JOIN survey_question q ON c.question_id = q.id WHERE q.survey_id = ?", (survey_id,)):
            questions[question_id].choices.append(SimpleNamespace(id=choice_id, text=text, count=count or 0,
                                                                  position=position, parent_id=parent_id))
        forms, ticks, written = (survey_figures.derived(con.execute, survey_id) if entry == "forms"
                                 else (0, None, {}))
        results = [survey_figures.question_result(q, number, ticks, written.get(q.id, 0))
                   for number, q in enumerate(questions.values(), start=1)]
        stated = forms if entry == "forms" else returned
        found += [Notice("survey", f"{title}: {w}", survey_id)
                  for w in survey_figures.warnings(results, entry, stated, forms, distributed)]
    return found
