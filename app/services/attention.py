"""What needs a look on the home page: disagreeing figures, overdue confirmations, stale lists."""

from __future__ import annotations

import dataclasses
import datetime as dt

from app.services import base, councils, members, neighbourhoods, resources, surveys
from app.services.wareki import format_wareki
from app.store import Store


@dataclasses.dataclass(frozen=True)
class Notice:
    kind: str  # aging_rate | confirmation | unverified | schedule | survey
    message: str
    ref_id: str | None = None


def _rate_notice(where: str, stated: float | None, aged: int | None, population: int | None,
                 ref_id: str) -> Notice | None:
    derived = councils.aging_rate(aged, population)
    if not councils.rate_disagrees(stated, derived):
        return None
    return Notice("aging_rate",
                  f"{where}の高齢化率は資料では{stated:.2f}%ですが、65歳以上{aged:,}人÷人口{population:,}人"
                  f"＝{derived:.2f}%です。どちらが正しいか資料を確かめてください。", ref_id)


def notices(store: Store, council_id: str, today: dt.date | None = None) -> list[Notice]:
    today = today or base.today()
    council = councils.get_council(store, council_id)
    found: list[Notice | None] = [_rate_notice(
        council.name, council.stated_aging_rate, council.aged_65_plus, council.population, council.id)]
    for nb in neighbourhoods.list_neighbourhoods(store, council_id):
        found.append(_rate_notice(nb.name, nb.stated_aging_rate, nb.aged_65_plus, nb.population, nb.id))
    for m in members.members_due_for_confirmation(store, council_id, today):
        last = m.last_confirmed_on or m.registered_on
        since = f"{format_wareki(last)}から1年以上" if last else "一度も"
        found.append(Notice("confirmation", f"{m.name}さん: サポーター登録の確認が{since}されていません", m.id))
    for r in resources.list_resources(store, council_id):
        if resources.is_stale(r, today):
            when = format_wareki(r.last_verified_on) if r.last_verified_on else "一度もされていません"
            found.append(Notice("unverified", f"{r.name}: 最後の確認は{when}。今も続いているか確かめてください", r.id))
        if r.schedule_unreadable:
            found.append(Notice("schedule", f"{r.name}: 日程「{r.schedule_text}」を読み取れません（文字のまま印刷します）", r.id))
    for survey in surveys.list_surveys(store, council_id):
        found += [Notice("survey", f"{survey.title}: {w}", survey.id) for w in survey.warnings]
    return [n for n in found if n is not None]
