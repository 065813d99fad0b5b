"""ホーム's data in one call: the council, its next meeting, the numbers and what needs a look.

Counts are counted by the database, not by building every member's record: the page is read at
every start and every switch of council, and a council may have 2,000 members.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import case, func, select

from app.models import Member, Need, Neighbourhood, Resource
from app.services import attention, base, councils, meetings, members, needs
from app.store import Store


@dataclasses.dataclass(frozen=True)
class HomeView:
    council: councils.CouncilDTO
    next_meeting: meetings.MeetingDTO | None
    active_members: int          # メンバー as every count shows it (members.active_clause)
    supporters: int              # of them: 考える人 or 担い手
    providers: int               # of them: サービスの担い手
    any_members: bool            # anyone registered, whatever the status (the first steps)
    resources: int
    open_needs: int              # 未対応・検討中・対応中
    has_neighbourhoods: bool
    notices: tuple[attention.Notice, ...]


def _count(total: int | None) -> int:
    return int(total or 0)


def home_view(store: Store, council_id: str, today: dt.date | None = None) -> HomeView:
    today = today or base.today()
    council = councils.get_council(store, council_id)
    active = members.active_clause()
    with store.session() as s:
        everyone, active_count, supporters, providers = s.execute(
            select(func.count(),
                   func.sum(case((active, 1), else_=0)),
                   func.sum(case((active & (Member.is_thinker | Member.is_provider), 1), else_=0)),
                   func.sum(case((active & Member.is_provider, 1), else_=0)))
            .where(Member.council_id == council_id)).one()
        resource_count = s.scalar(select(func.count()).where(Resource.council_id == council_id))
        open_needs = s.scalar(select(func.count()).where(Need.council_id == council_id,
                                                         Need.status.in_(needs.OPEN_STATUSES)))
        has_neighbourhoods = s.scalar(select(Neighbourhood.id)
                                      .where(Neighbourhood.council_id == council_id).limit(1)) is not None
    return HomeView(
        council=council,
        next_meeting=meetings.next_meeting(store, council_id, today),
        active_members=_count(active_count), supporters=_count(supporters),
        providers=_count(providers), any_members=bool(everyone), resources=_count(resource_count),
        open_needs=_count(open_needs), has_neighbourhoods=has_neighbourhoods,
        notices=tuple(attention.notices(store, council_id, today)))
