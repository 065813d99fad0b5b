"""What needs a look on the home page: disagreeing figures, overdue confirmations, stale lists."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select

from app.models import Council, Member, Neighbourhood, Resource
from app.services import base, councils, members, resources, surveys
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


def notices(store: Store, council_id: str, today: dt.date | None = None) -> list[Notice]:
    """Only the columns each rule reads: the home page asks on every visit and council switch,
    and a council of 2,000 members must not build 2,000 member records for it."""
    today = today or base.today()
    found: list[Notice | None] = []
    with store.session() as s:
        council = base.get_or_fail(s, Council, council_id, "協議体")
        found.append(_rate_notice(council.name, council.stated_aging_rate, council.aged_65_plus,
                                  council.population, council.id))
        for nb in s.execute(select(Neighbourhood.id, Neighbourhood.name, Neighbourhood.stated_aging_rate,
                                   Neighbourhood.aged_65_plus, Neighbourhood.population)
                            .where(Neighbourhood.council_id == council_id)
                            .order_by(Neighbourhood.position, Neighbourhood.name)):
            found.append(_rate_notice(nb.name, nb.stated_aging_rate, nb.aged_65_plus, nb.population, nb.id))
        # members.due_for_confirmation: active supporters, in the members list's order.
        for m in s.execute(select(Member.id, Member.name, Member.last_confirmed_on, Member.registered_on)
                           .where(Member.council_id == council_id, members.active_clause(),
                                  Member.is_thinker | Member.is_provider)
                           .order_by(Member.sort_key, Member.name)):
            last = m.last_confirmed_on or m.registered_on
            if members.confirmation_overdue(last, today):
                since = f"{format_wareki(last)}から1年以上" if last else "一度も"
                found.append(Notice("confirmation", f"{m.name}さん: サポーター登録の確認が{since}されていません", m.id))
        for r in s.execute(select(Resource.id, Resource.name, Resource.last_verified_on,
                                  Resource.schedule_text, Resource.schedule)
                           .where(Resource.council_id == council_id)
                           .order_by(Resource.position, Resource.name)):
            if resources.verified_too_long_ago(r.last_verified_on, today):
                when = format_wareki(r.last_verified_on) if r.last_verified_on else "一度もされていません"
                found.append(Notice("unverified", f"{r.name}: 最後の確認は{when}。今も続いているか確かめてください", r.id))
            if r.schedule_text and not r.schedule:  # ResourceDTO.schedule_unreadable
                found.append(Notice("schedule", f"{r.name}: 日程「{r.schedule_text}」を読み取れません（文字のまま印刷します）", r.id))
    for survey in surveys.list_surveys(store, council_id):
        found += [Notice("survey", f"{survey.title}: {w}", survey.id) for w in survey.warnings]
    return _shortened([n for n in found if n is not None])
