"""The tier-1 coordinator's picture of all councils, once their files are merged.

One row per council: members, supporters and core members, resources by category, open needs
by category (records and persons), the persons of its newest needs table by category (never added
to the records' persons: services.need_tables), its 提言 and how many were answered, and when the
council's data last left or arrived in a file.
メンバー is members.count_active (活動中), the one count every screen and print shows; a council's
file date is when the council wrote it (written_on), not when it was read here.
The gap view lists, per need category, the councils with open needs or a needs-table figure that no
resource linked to an open need answers (the same rule as services.needs.gaps, for every council
at once).

A read query: the exchange writes the dates it reads here (app_meta's exported:, imported: and
written: keys), the tier-1 ホーム and the printed overview are built on these DTOs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import and_, case, exists, func, select

from app.models import (
    AppMeta,
    Council,
    Member,
    Need,
    NeedCategory,
    Resource,
    ResourceCategory,
    need_resource,
)
from app.services import proposals
from app.services.members import active_clause
from app.services.need_tables import figures_by_council
from app.services.needs import OPEN_STATUSES
from app.store import Store

UNCATEGORISED = "分類なし"


@dataclasses.dataclass(frozen=True)
class NeedCount:
    records: int
    persons: int          # sum of the known 人数
    unanswered: int       # open needs with no resource linked


@dataclasses.dataclass(frozen=True)
class CouncilRow:
    id: str
    name: str
    tier: int
    members: int          # メンバー: 活動中 (members.count_active)
    active: int           # 活動中 (the same number; kept for older callers)
    supporters: int       # 活動中 and 地域づくりを考える人 or サービスの担い手
    providers: int        # 活動中 サービスの担い手
    core_members: int     # not 退会
    resources: dict[str, int]          # category -> count
    open_needs: dict[str, NeedCount]   # category -> counts
    last_exported: dt.datetime | None  # UTC
    last_imported: dt.datetime | None  # UTC, when a file was last read here
    written_on: dt.datetime | None = None  # UTC, when the council wrote the newest file read here
    # category -> persons in the council's newest needs table (services.need_tables)
    table_needs: dict[str, int] = dataclasses.field(default_factory=dict)
    # categories with no open need and a resource linked to a resolved one: that answers the table
    resolved_answered: frozenset[str] = frozenset()
    proposals: int = 0            # 提言 recorded (services.proposals)
    proposals_answered: int = 0   # of which 回答あり, 実現 or 見送り

    @property
    def resource_total(self) -> int:
        return sum(self.resources.values())

    @property
    def open_need_total(self) -> int:
        return sum(n.records for n in self.open_needs.values())

    @property
    def gaps(self) -> tuple[str, ...]:
        """Categories with open needs or a needs-table figure above 0, and no resource linked to
        any of their open needs (none open: to any of their needs): the recorded ones first, then
        those only the table has."""
        recorded = [c for c, n in self.open_needs.items() if n.records and n.unanswered == n.records]
        return (*recorded, *(c for c, persons in self.table_needs.items() if persons > 0
                             and c not in self.open_needs and c not in self.resolved_answered))


@dataclasses.dataclass(frozen=True)
class GapRow:
    category: str
    councils_with_needs: tuple[str, ...]  # open needs recorded or a needs-table figure above 0
    councils_with_gap: tuple[str, ...]   # and none of its open needs answered by a resource
    open_needs: int
    persons: int          # the records' known 人数
    answering: int  # resources linked to these open needs (none open: to its needs), all councils
    table_persons: int = 0  # the newest needs tables' persons, added across councils

    @property
    def is_gap_somewhere(self) -> bool:
        return bool(self.councils_with_gap)


@dataclasses.dataclass(frozen=True)
class Overview:
    councils: tuple[CouncilRow, ...]
    resource_categories: tuple[str, ...]   # columns, in the category list's order
    need_categories: tuple[str, ...]
    gaps: tuple[GapRow, ...]               # need categories where some council has open needs
    totals: CouncilRow                     # the tier-2 councils added up


def last_exchange(store: Store) -> dict[str, dict[str, dt.datetime]]:
    """council id -> {"exported": when, "imported": when} (UTC), as far as recorded."""
    found: dict[str, dict[str, dt.datetime]] = defaultdict(dict)
    with store.session() as s:
        for key, value in s.execute(select(AppMeta.key, AppMeta.value).where(
                AppMeta.key.like("exported:%") | AppMeta.key.like("imported:%"))):
            what, _sep, council_id = key.partition(":")
            try:
                found[council_id][what] = dt.datetime.fromisoformat(value)
            except ValueError:
                continue
    return dict(found)


def written_dates(store: Store) -> dict[str, dt.datetime]:
    """council id -> when the council last wrote a file that was read here (UTC, newest kept)."""
    found: dict[str, dt.datetime] = {}
    with store.session() as s:
        for key, value in s.execute(select(AppMeta.key, AppMeta.value).where(AppMeta.key.like("written:%"))):
            try:
                found[key.partition(":")[2]] = dt.datetime.fromisoformat(value)
            except ValueError:
                continue
    return found


def coordinator_overview(store: Store) -> Overview:
    stamps = last_exchange(store)
    written = written_dates(store)
    tables = figures_by_council(store)
    with store.session() as s:
        councils = s.execute(select(Council.id, Council.name, Council.tier)
                             .order_by(Council.tier, Council.created_at, Council.name)).all()
        active = active_clause()
        member_counts = {
            cid: (members, act, sup, prov, core) for cid, members, act, sup, prov, core in s.execute(
                select(Member.council_id,
                       func.sum(case((active, 1), else_=0)),
                       func.sum(case((active, 1), else_=0)),
                       func.sum(case((and_(active, Member.is_thinker | Member.is_provider), 1), else_=0)),
                       func.sum(case((and_(active, Member.is_provider), 1), else_=0)),
                       func.sum(case((and_(Member.status != "退会", Member.is_core), 1), else_=0)))
                .group_by(Member.council_id))}
        resource_categories = [n for (n,) in s.execute(select(ResourceCategory.name)
                                                          .order_by(ResourceCategory.position))]
        need_categories = [n for (n,) in s.execute(select(NeedCategory.name).order_by(NeedCategory.position))]
        resources: dict[str, dict[str, int]] = defaultdict(dict)
        for cid, category, count in s.execute(
                select(Resource.council_id, ResourceCategory.name, func.count())
                .outerjoin(ResourceCategory, ResourceCategory.id == Resource.category_id)
                .group_by(Resource.council_id, ResourceCategory.name)):
            resources[cid][category or UNCATEGORISED] = count
        linked = exists().where(need_resource.c.need_id == Need.id)
        needs: dict[str, dict[str, NeedCount]] = defaultdict(dict)
        for cid, category, records, persons, unanswered in s.execute(
                select(Need.council_id, NeedCategory.name, func.count(),
                       func.coalesce(func.sum(Need.count), 0),
                       func.sum(case((~linked, 1), else_=0)))
                .join(NeedCategory, NeedCategory.id == Need.category_id)
                .where(Need.status.in_(OPEN_STATUSES))
                .group_by(Need.council_id, NeedCategory.name)):
            needs[cid][category] = NeedCount(records, persons, unanswered)
        links: dict[tuple[str, str], dict[bool, set[str]]] = defaultdict(lambda: defaultdict(set))
        for cid, category, status, resource_id in s.execute(
                select(Need.council_id, NeedCategory.name, Need.status, need_resource.c.resource_id)
                .select_from(need_resource)
                .join(Need, Need.id == need_resource.c.need_id)
                .join(NeedCategory, NeedCategory.id == Need.category_id)):
            links[(cid, category)][status in OPEN_STATUSES].add(resource_id)
        proposal_counts = proposals.counts_by_council(s)
    if any(UNCATEGORISED in r for r in resources.values()):
        resource_categories.append(UNCATEGORISED)
    rows = []
    for cid, name, tier in councils:
        m = member_counts.get(cid, (0, 0, 0, 0, 0))
        stamp = stamps.get(cid, {})
        rows.append(CouncilRow(
            id=cid, name=name, tier=tier, members=int(m[0] or 0), active=int(m[1] or 0),
            supporters=int(m[2] or 0), providers=int(m[3] or 0), core_members=int(m[4] or 0),
            resources={c: resources[cid][c] for c in resource_categories if c in resources[cid]},
            open_needs={c: needs[cid][c] for c in need_categories if c in needs[cid]},
            last_exported=stamp.get("exported"), last_imported=stamp.get("imported"),
            written_on=written.get(cid),
            table_needs={c: tables[cid][c].persons for c in need_categories if c in tables.get(cid, {})},
            resolved_answered=frozenset(c for (where, c), found in links.items()
                                        if where == cid and found[False] and c not in needs[cid]),
            proposals=proposal_counts.get(cid, (0, 0))[0], proposals_answered=proposal_counts.get(cid, (0, 0))[1]))
    return Overview(tuple(rows), tuple(resource_categories), tuple(need_categories),
                    _gaps(rows, need_categories, links), _totals(rows))


def _gaps(rows: list[CouncilRow], categories: list[str],
          links: dict[tuple[str, str], dict[bool, set[str]]]) -> tuple[GapRow, ...]:
    """links: (council id, category) -> {open?: resources linked to those needs}."""
    found = []
    for category in categories:
        with_needs = [r for r in rows
                      if category in r.open_needs or r.table_needs.get(category, 0) > 0]
        if not with_needs:
            continue
        counts = [r.open_needs[category] for r in with_needs if category in r.open_needs]
        found.append(GapRow(
            category=category, councils_with_needs=tuple(r.name for r in with_needs),
            councils_with_gap=tuple(r.name for r in with_needs if category in r.gaps),
            open_needs=sum(c.records for c in counts), persons=sum(c.persons for c in counts),
            answering=len({rid for r in with_needs
                           for rid in links.get((r.id, category), {}).get(category in r.open_needs, ())}),
            table_persons=sum(r.table_needs.get(category, 0) for r in with_needs)))
    return tuple(sorted(found, key=lambda g: (not g.is_gap_somewhere, -len(g.councils_with_gap))))


def _totals(rows: list[CouncilRow]) -> CouncilRow:
    return overview_totals([r for r in rows if r.tier == 2], name="第2層 合計")


def overview_totals(rows: Iterable[CouncilRow], name: str = "合計") -> CouncilRow:
    """The rows added up (members, supporters, providers, core members, resources, open needs and
    needs-table persons by category), so the window and the print show the same totals for the same rows."""
    area = list(rows)
    resources: dict[str, int] = defaultdict(int)
    needs: dict[str, list[NeedCount]] = defaultdict(list)
    table_needs: dict[str, int] = defaultdict(int)
    for row in area:
        for category, persons in row.table_needs.items():
            table_needs[category] += persons
        for category, count in row.resources.items():
            resources[category] += count
        for category, need_count in row.open_needs.items():
            needs[category].append(need_count)
    return CouncilRow(
        id="", name=name, tier=2, members=sum(r.members for r in area),
        active=sum(r.active for r in area), supporters=sum(r.supporters for r in area),
        providers=sum(r.providers for r in area), core_members=sum(r.core_members for r in area),
        resources=dict(resources),
        open_needs={c: NeedCount(sum(n.records for n in v), sum(n.persons for n in v),
                                 sum(n.unanswered for n in v)) for c, v in needs.items()},
        last_exported=None, last_imported=None, table_needs=dict(table_needs),
        proposals=sum(r.proposals for r in area), proposals_answered=sum(r.proposals_answered for r in area))
