"""The year's report (年度のまとめ): what one council did in one 年度 (April to March), and the
city's report, the tier-2 councils of this database added up (on the coordinator's PC it holds
every council's merged file).

One set of queries serves both: the councils' figures are gathered together, grouped by
council, and the city's total is their sum field by field (`add_up`), so the city's page and the
councils' pages can never disagree. What each figure counts is in NOTES, printed under every
report (PDF, text, Excel):

- 会議・活動 and 研修: held in the year and not after `today` (later ones are 予定, apart).
  A meeting's participants are its typed 参加人数 (guests included); when that is blank, the
  members recorded as present; the number of meetings counted that way is given.
- 研修の参加者: 参加者数 as typed, else the members recorded; 修了者: members recorded as 修了.
- Members (everyone on the メンバー page, with how many of them are サポーター, that is
  地域づくりを考える人 or サービスの担い手): new = 登録日 in the year; re-confirmed = 最終確認日 in
  the year and 登録日 before it or blank; left = 退会日 in the year. Only the latest
  confirmation is stored, so a past year's re-confirmations are undercounted. A 退会 member
  without 退会日 is counted apart (no year can be told).
- Resources the council made (資源開発) with 始めた日 in the year; those without 始めた日 are
  listed apart as 「始めた日なし」, never guessed into a year.
- Needs: 把握日 in the year (opened), 解決日 in the year (met). Proposals: 提出日 in the year
  (raised), 回答日 in the year (answered), with their titles and 状況.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from app.models import (
    MEETING_KINDS,
    Council,
    Meeting,
    Member,
    Need,
    NeedCategory,
    Proposal,
    Resource,
    ResourceCategory,
    Training,
    TrainingAttendance,
    meeting_attendance,
)
from app.services import base, council_names, members, needs
from app.services.wareki import (
    FIRST_FISCAL_YEAR,
    fiscal_year_label,
    fiscal_year_of,
    fiscal_year_range,
    parse_fiscal_year,
    wareki,
)
from app.store import Store

NOTES = (
    "会議・活動と研修は、今日までに開いた回です。今日より後の回は「予定」として別に示します。",
    "会議・活動の参加者は記録した参加人数（メンバー以外も含む）の合計。空欄の回は出席を記録したメンバーの数。",
    "研修の参加者は参加者数（空欄なら出席を記録したメンバーの数）。修了者は修了を記録したメンバーの数。",
    "メンバーは名簿の全員。うちサポーターは「地域づくりを考える人」か「サービスの担い手」の人。",
    "新規登録は登録日が、退会は退会日がこの年度の人。登録を確かめた人は、最終確認日がこの年度で、"
    "登録日がそれより前（または空欄）の人。確認日は最後の1回だけを残すため、過ぎた年度の数は実際より少なく出ます。",
    "社会資源は協議体がつくったもので、始めた日がこの年度のもの。始めた日が空欄なら「始めた日なし」として別に示します。",
    "ニーズは把握日・解決日が、提言は提出日・回答日がこの年度のものです。",
)
SUPPORTER_WORD = "うちサポーター"


@dataclasses.dataclass(frozen=True)
class Figures:
    """Every number of one council's year, or of several added up (`add_up`)."""

    meetings: int = 0                  # held: in the year, not after today
    meeting_participants: int = 0
    meetings_by_kind: dict[str, int] = dataclasses.field(default_factory=dict)  # MEETING_KINDS first
    participants_by_kind: dict[str, int] = dataclasses.field(default_factory=dict)
    meetings_from_attendees: int = 0   # no 参加人数 typed: the recorded members counted
    meetings_uncounted: int = 0        # neither: counted as 0 participants
    meetings_planned: int = 0          # in the year, after today
    trainings: int = 0
    training_participants: int = 0
    trainings_from_attendance: int = 0  # no 参加者数 typed: the recorded members counted
    trainings_planned: int = 0
    completed: int = 0                 # 修了者
    members_new: int = 0
    supporters_new: int = 0
    members_reconfirmed: int = 0
    supporters_reconfirmed: int = 0
    members_left: int = 0
    supporters_left: int = 0
    left_undated: int = 0              # 退会 without 退会日 (any year)
    resources_started: int = 0
    resources_undated: int = 0         # made by the council, no 始めた日 (any year)
    needs_opened: int = 0
    needs_met: int = 0
    needs_opened_by_category: dict[str, int] = dataclasses.field(default_factory=dict)
    needs_met_by_category: dict[str, int] = dataclasses.field(default_factory=dict)
    resolved_undated: int = 0          # 解決 without 解決日 (any year)
    proposals_raised: int = 0
    proposals_answered: int = 0


@dataclasses.dataclass(frozen=True)
class TrainingLine:
    held_on: dt.date
    title: str
    participants: int
    from_attendance: bool   # 参加者数 blank: the members recorded
    completed: int
    planned: bool           # after today


@dataclasses.dataclass(frozen=True)
class ResourceLine:
    name: str
    category: str
    started_on: dt.date | None


@dataclasses.dataclass(frozen=True)
class ProposalLine:
    council: str
    title: str
    raised_to: str
    raised_on: dt.date | None
    status: str
    answered_on: dt.date | None


class _OneYear:
    """What a report says of its 年度: the label (令和8年度（2026年度）) and April 1 – March 31."""

    year: int

    @property
    def year_label(self) -> str:
        return fiscal_year_label(self.year)

    @property
    def period(self) -> tuple[dt.date, dt.date]:
        return fiscal_year_range(self.year)

    @property
    def period_text(self) -> str:
        """令和8年4月1日〜令和9年3月31日: the PDF, the text and the .xlsx say it alike."""
        start, end = self.period
        return f"{wareki(start)}〜{wareki(end)}"


@dataclasses.dataclass(frozen=True)
class CouncilYearReport(_OneYear):
    council_id: str
    name: str
    tier: int
    year: int
    today: dt.date
    figures: Figures
    trainings: tuple[TrainingLine, ...]
    resources: tuple[ResourceLine, ...]           # started in the year
    undated_resources: tuple[ResourceLine, ...]   # 始めた日なし
    proposals: tuple[ProposalLine, ...]           # raised or answered in the year

    @property
    def label(self) -> str:
        return council_names.council_label(self.name, self.tier)


@dataclasses.dataclass(frozen=True)
class CityYearReport(_OneYear):
    name: str               # the area, from the tier-1 council (「高崎市」), or 「市全体」
    year: int
    today: dt.date
    councils: tuple[CouncilYearReport, ...]   # every tier-2 council, the overview's order
    total: Figures

    @property
    def proposals(self) -> tuple[ProposalLine, ...]:
        return tuple(p for c in self.councils for p in c.proposals)

    @property
    def undated_resource_counts(self) -> list[str]:
        """「八幡 2件」 per council with resources lacking 始めた日 (the PDF and the text list them)."""
        return [f"{c.name} {len(c.undated_resources)}件" for c in self.councils if c.undated_resources]


def city_numbers(f: Figures) -> list[int]:
    """The city table's numbers for one council or the total, in the order the PDF's and the
    text's headers name them."""
    return [f.meetings, f.meeting_participants, f.trainings, f.training_participants, f.completed,
            f.members_new, f.members_reconfirmed, f.members_left, f.resources_started,
            f.needs_opened, f.needs_met, f.proposals_raised, f.proposals_answered]


# What was left out for want of a date, said the same under the PDF's tables and the text's;
# "" when nothing was.
def left_undated_remark(f: Figures) -> str:
    if not f.left_undated:
        return ""
    return f"（退会で退会日のない人 {f.left_undated}人は、年度が分からないため数えていません）"


def resolved_undated_remark(f: Figures) -> str:
    if not f.resolved_undated:
        return ""
    return f"（解決で解決日のないニーズ {f.resolved_undated}件は数えていません）"


def current_year(today: dt.date | None = None) -> int:
    """The 年度 today is in (December 2026: 2026年度)."""
    return fiscal_year_of(today or base.today())


def years_on_record(store: Store, today: dt.date | None = None) -> list[int]:
    """The 年度 a chooser offers, newest first: from today's down to the earliest one any
    counted date falls in (meetings, trainings, members, resources, needs, proposals)."""
    now = current_year(today)
    columns = (Meeting.held_on, Training.held_on, Member.registered_on, Resource.started_on,
               Need.noted_on, Proposal.raised_on)
    with store.session() as s:
        firsts = [s.scalar(select(func.min(column))) for column in columns]
    earliest = min((fiscal_year_of(d) for d in firsts if d is not None), default=now)
    return list(range(now, max(min(earliest, now), FIRST_FISCAL_YEAR) - 1, -1))


def council_report(store: Store, council_id: str, year: int | str, *,
                   today: dt.date | None = None) -> CouncilYearReport:
    """One council's year; `year` as parse_fiscal_year reads it (2026, 令和8, R8...)."""
    fiscal = parse_fiscal_year(year)
    with store.session() as s:
        council = base.get_or_fail(s, Council, council_id, "協議体")
        (report,) = _reports(s, [(council.id, council.name, council.tier)], fiscal,
                             today or base.today())
    return report


def city_report(store: Store, year: int | str, *, today: dt.date | None = None) -> CityYearReport:
    """Every tier-2 council's year and their sum."""
    fiscal = parse_fiscal_year(year)
    with store.session() as s:
        rows = s.execute(select(Council.id, Council.name, Council.tier, Council.created_at)
                         .order_by(Council.tier, Council.created_at, Council.name)).all()
        city = next((r.name for r in rows if r.tier == 1), None)
        areas = [(r.id, r.name, r.tier) for r in rows if r.tier == 2]
        reports = _reports(s, areas, fiscal, today or base.today())
    name = council_names.area_label(city, 1) if city else "市全体"
    return CityYearReport(name, fiscal, today or base.today(), tuple(reports),
                          add_up(r.figures for r in reports))


def report_for(store: Store, council_id: str, year: int | str, *,
               today: dt.date | None = None) -> CouncilYearReport | CityYearReport:
    """The tier-1 council's report is the city's; a tier-2 council's is its own."""
    with store.session() as s:
        tier = base.get_or_fail(s, Council, council_id, "協議体").tier
    if tier == 1:
        return city_report(store, year, today=today)
    return council_report(store, council_id, year, today=today)


def add_up(items: Iterable[Figures]) -> Figures:
    """The figures added field by field (dictionaries key by key, MEETING_KINDS first)."""
    items = list(items)
    values: dict[str, Any] = {}
    for field in dataclasses.fields(Figures):
        parts = [getattr(f, field.name) for f in items]
        if field.name.endswith(("_by_kind", "_by_category")):
            summed: dict[str, int] = defaultdict(int)
            if field.name.endswith("_by_kind"):
                summed.update(dict.fromkeys(MEETING_KINDS, 0))
            for part in parts:
                for key, count in part.items():
                    summed[key] += count
            values[field.name] = dict(summed)
        else:
            values[field.name] = sum(parts)
    return Figures(**values)


# --- the queries: every council asked for at once, grouped by council ----------------------

def _in(column, start: dt.date, end: dt.date) -> ColumnElement[bool]:
    return and_(column >= start, column <= end)


def _count(condition) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _reports(s: Session, councils: Sequence[tuple[str, str, int]], year: int,
             today: dt.date) -> list[CouncilYearReport]:
    ids = [cid for cid, _name, _tier in councils]
    names = {cid: name for cid, name, _tier in councils}
    start, end = fiscal_year_range(year)
    values: dict[str, dict[str, Any]] = {cid: {} for cid in ids}
    for part in (_meetings(s, ids, start, end, today), _members(s, ids, start, end),
                 _needs(s, ids, start, end)):
        for cid, found in part.items():
            values[cid].update(found)
    trainings = _trainings(s, ids, start, end, today)
    resources = _resources(s, ids, start, end)
    proposals = _proposals(s, ids, start, end, names)
    out = []
    for cid, name, tier in councils:
        lines = trainings.get(cid, [])
        held = [t for t in lines if not t.planned]
        started, undated = resources.get(cid, ([], []))
        raised = [p for p in proposals.get(cid, []) if p.raised_on and start <= p.raised_on <= end]
        answered = [p for p in proposals.get(cid, []) if p.answered_on and start <= p.answered_on <= end]
        figures = Figures(
            **values[cid], trainings=len(held), training_participants=sum(t.participants for t in held),
            trainings_from_attendance=sum(t.from_attendance for t in held),
            trainings_planned=len(lines) - len(held), completed=sum(t.completed for t in held),
            resources_started=len(started), resources_undated=len(undated),
            proposals_raised=len(raised), proposals_answered=len(answered))
        out.append(CouncilYearReport(cid, name, tier, year, today, figures, tuple(lines),
                                     tuple(started), tuple(undated), tuple(proposals.get(cid, []))))
    return out


def _meetings(s: Session, ids: list[str], start: dt.date, end: dt.date,
              today: dt.date) -> dict[str, dict[str, Any]]:
    present = (select(meeting_attendance.c.meeting_id, func.count().label("n"))
               .group_by(meeting_attendance.c.meeting_id).subquery())
    rows = s.execute(select(Meeting.council_id, Meeting.kind, Meeting.held_on, Meeting.attendance_count,
                            func.coalesce(present.c.n, 0))
                     .outerjoin(present, present.c.meeting_id == Meeting.id)
                     .where(Meeting.council_id.in_(ids), _in(Meeting.held_on, start, end)))
    found: dict[str, dict[str, Any]] = {}
    for cid, kind, held_on, typed, recorded in rows:
        f = found.setdefault(cid, {"meetings": 0, "meeting_participants": 0,
                                   "meetings_by_kind": dict.fromkeys(MEETING_KINDS, 0),
                                   "participants_by_kind": dict.fromkeys(MEETING_KINDS, 0),
                                   "meetings_from_attendees": 0, "meetings_uncounted": 0,
                                   "meetings_planned": 0})
        if held_on > today:
            f["meetings_planned"] += 1
            continue
        people = typed if typed is not None else recorded
        f["meetings"] += 1
        f["meeting_participants"] += people
        f["meetings_by_kind"][kind] = f["meetings_by_kind"].get(kind, 0) + 1
        f["participants_by_kind"][kind] = f["participants_by_kind"].get(kind, 0) + people
        if typed is None:
            f["meetings_from_attendees" if recorded else "meetings_uncounted"] += 1
    for cid in ids:  # every kind shown, zero or not
        found.setdefault(cid, {"meetings_by_kind": dict.fromkeys(MEETING_KINDS, 0),
                               "participants_by_kind": dict.fromkeys(MEETING_KINDS, 0)})
    return found


def _members(s: Session, ids: list[str], start: dt.date, end: dt.date) -> dict[str, dict[str, Any]]:
    supporter = Member.is_thinker | Member.is_provider
    new = _in(Member.registered_on, start, end)
    again = and_(_in(Member.last_confirmed_on, start, end),
                 or_(Member.registered_on.is_(None), Member.registered_on < start))
    left = _in(Member.left_on, start, end)
    undated = and_(Member.status.in_(members.LEFT), Member.left_on.is_(None))
    keys = ("members_new", "supporters_new", "members_reconfirmed", "supporters_reconfirmed",
            "members_left", "supporters_left", "left_undated")
    rows = s.execute(select(Member.council_id, _count(new), _count(and_(new, supporter)),
                            _count(again), _count(and_(again, supporter)), _count(left),
                            _count(and_(left, supporter)), _count(undated))
                     .where(Member.council_id.in_(ids)).group_by(Member.council_id))
    return {cid: dict(zip(keys, (int(v) for v in counts), strict=True)) for cid, *counts in rows}


def _needs(s: Session, ids: list[str], start: dt.date, end: dt.date) -> dict[str, dict[str, Any]]:
    opened, met = _in(Need.noted_on, start, end), _in(Need.resolved_on, start, end)
    undated = and_(Need.status.in_(needs.RESOLVED), Need.resolved_on.is_(None))
    found: dict[str, dict[str, Any]] = {
        cid: {"needs_opened": 0, "needs_met": 0, "needs_opened_by_category": {},
              "needs_met_by_category": {}, "resolved_undated": 0} for cid in ids}
    for cid, category, n_opened, n_met, n_undated in s.execute(
            select(Need.council_id, NeedCategory.name, _count(opened), _count(met), _count(undated))
            .join(NeedCategory, NeedCategory.id == Need.category_id)
            .where(Need.council_id.in_(ids), or_(opened, met, undated))
            .group_by(Need.council_id, NeedCategory.name).order_by(NeedCategory.position)):
        f = found[cid]
        f["needs_opened"] += n_opened
        f["needs_met"] += n_met
        f["resolved_undated"] += n_undated
        if n_opened:
            f["needs_opened_by_category"][category] = n_opened
        if n_met:
            f["needs_met_by_category"][category] = n_met
    return found


def _trainings(s: Session, ids: list[str], start: dt.date, end: dt.date,
               today: dt.date) -> dict[str, list[TrainingLine]]:
    found: dict[str, list[TrainingLine]] = defaultdict(list)
    for cid, held_on, title, typed, recorded, completed in s.execute(
            select(Training.council_id, Training.held_on, Training.title, Training.participant_count,
                   func.count(TrainingAttendance.id), _count(TrainingAttendance.completed.is_(True)))
            .outerjoin(TrainingAttendance, TrainingAttendance.training_id == Training.id)
            .where(Training.council_id.in_(ids), _in(Training.held_on, start, end))
            .group_by(Training.id).order_by(Training.held_on, Training.title)):
        found[cid].append(TrainingLine(held_on, title, typed if typed is not None else recorded,
                                       typed is None, int(completed), held_on > today))
    return found


def _resources(s: Session, ids: list[str], start: dt.date,
               end: dt.date) -> dict[str, tuple[list[ResourceLine], list[ResourceLine]]]:
    found: dict[str, tuple[list[ResourceLine], list[ResourceLine]]] = defaultdict(lambda: ([], []))
    for cid, name, category, started_on in s.execute(
            select(Resource.council_id, Resource.name, ResourceCategory.name, Resource.started_on)
            .outerjoin(ResourceCategory, ResourceCategory.id == Resource.category_id)
            .where(Resource.council_id.in_(ids), Resource.created_by_council.is_(True),
                   or_(Resource.started_on.is_(None), _in(Resource.started_on, start, end)))
            .order_by(Resource.started_on, Resource.position, Resource.name)):
        found[cid][started_on is None].append(ResourceLine(name, category or "", started_on))
    return found


def _proposals(s: Session, ids: list[str], start: dt.date, end: dt.date,
               names: dict[str, str]) -> dict[str, list[ProposalLine]]:
    found: dict[str, list[ProposalLine]] = defaultdict(list)
    for p in s.execute(select(Proposal.council_id, Proposal.title, Proposal.raised_to, Proposal.raised_on,
                              Proposal.status, Proposal.answered_on)
                       .where(Proposal.council_id.in_(ids),
                              or_(_in(Proposal.raised_on, start, end), _in(Proposal.answered_on, start, end)))
                       .order_by(func.coalesce(Proposal.raised_on, Proposal.answered_on), Proposal.title)):
        found[p.council_id].append(ProposalLine(names[p.council_id], p.title, p.raised_to, p.raised_on,
                                                p.status, p.answered_on))
    return found
