"""The council's meeting and activity log: 定例会, 勉強会, 情報交換会, 研修, 行事."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.errors import ValidationError
from app.models import MEETING_KINDS, Council, Meeting, Member
from app.services import base, council_names, councils, members
from app.services.base import Field
from app.services.schedule import END_OF_DAY, next_dates, try_parse
from app.store import Store

# Each field once: validation here, the exchange sheet's column (exchange/sheets.py) and the
# window's input (ui/pages/meetings.py) are built from it.
MEETING_FIELDS = (
    Field("held_on", "開催日", base.date, required=True, width=12, cell=base.required_date,
          kind="date"),
    Field("start_time", "開始", base.time, width=8, cell=base.time_of_day,
          tip="始まる時刻（例: 10:00）"),
    Field("end_time", "終了", base.time, width=8, cell=base.time_of_day,
          tip="終わる時刻（例: 12:00）。開始より後にします"),
    Field("kind", "種類", base.choice(MEETING_KINDS), default="定例会", width=10,
          cell=base.choice_or(MEETING_KINDS, "定例会"), kind="choice", choices=MEETING_KINDS),
    Field("title", "題名", base.text(200), default="", width=30, tip="例: 八幡協議体 定例会（1月）"),
    Field("venue", "場所", base.text(200), default="", width=16, tip="例: 八幡公民館"),
    Field("attendance_count", "参加人数", base.integer, width=10,
          tip="メンバー以外も含めて来た人の数。出席に印をつけたメンバーの数以上にします"),
    Field("minutes", "記録", base.long_text, default="", width=40, kind="long",
          tip="話し合ったこと、決まったこと、次にすること"),
)
# The members ticked as present: not one of MEETING_FIELDS (the service takes their IDs apart);
# the window shows them in its own checklist, the sheet as 出席メンバーID.
ATTENDEES = "出席者"


@dataclasses.dataclass(frozen=True)
class MeetingDTO:
    id: str
    council_id: str
    held_on: dt.date
    start_time: dt.time | None
    end_time: dt.time | None
    kind: str
    title: str
    venue: str
    attendance_count: int | None
    minutes: str
    attendee_ids: tuple[str, ...]


def _dto(m: Meeting) -> MeetingDTO:
    return base.to_dto(MeetingDTO, m, attendee_ids=tuple(sorted(a.id for a in m.attendees)))


def check_values(values: Mapping[str, object], attendees: int) -> None:
    """The rules across fields; the window and the import both apply them."""
    start, end = base.parsed(values, "start_time", dt.time), base.parsed(values, "end_time", dt.time)
    if start and end and end <= start:
        raise ValidationError("終了", "開始より後の時刻にしてください", name="end_time")
    count = base.parsed(values, "attendance_count", int)
    if count is not None and count < attendees:
        raise ValidationError("参加人数", f"出席を記録したメンバー（{attendees}人）より少なくなっています",
                              name="attendance_count")


def list_meetings(store: Store, council_id: str) -> list[MeetingDTO]:
    """Newest first, as a log is read."""
    with store.session() as s:
        rows = s.scalars(select(Meeting).where(Meeting.council_id == council_id)
                         .options(selectinload(Meeting.attendees))
                         .order_by(Meeting.held_on.desc(), Meeting.start_time.desc()))
        return [_dto(m) for m in rows]


def next_meeting(store: Store, council_id: str, today: dt.date | None = None) -> MeetingDTO | None:
    today = today or base.today()
    with store.session() as s:
        row = s.scalars(select(Meeting).where(Meeting.council_id == council_id,
                                              Meeting.held_on >= today)
                        .options(selectinload(Meeting.attendees))
                        .order_by(Meeting.held_on, Meeting.start_time).limit(1)).first()
        return _dto(row) if row else None


def create_meeting(store: Store, council_id: str, raw: Mapping[str, object],
                   attendee_ids: Iterable[str] = ()) -> MeetingDTO:
    values = base.validate(MEETING_FIELDS, raw)
    with store.session() as s:
        base.get_or_fail(s, Council, council_id, "協議体")
        attendees = _members(s, council_id, attendee_ids)
        check_values(values, len(attendees))
        meeting = Meeting(council_id=council_id, attendees=attendees, **values)
        s.add(meeting)
        s.flush()
        return _dto(meeting)


def update_meeting(store: Store, meeting_id: str, raw: Mapping[str, object],
                   attendee_ids: Iterable[str] | None = None) -> MeetingDTO:
    values = base.validate(MEETING_FIELDS, raw, partial=True)
    with store.session() as s:
        meeting = base.get_or_fail(s, Meeting, meeting_id, "会議・活動")
        if attendee_ids is not None:
            meeting.attendees = _members(s, meeting.council_id, attendee_ids)
        merged = {f.name: getattr(meeting, f.name) for f in MEETING_FIELDS} | values
        check_values(merged, len(meeting.attendees))
        for key, value in values.items():
            setattr(meeting, key, value)
        s.flush()
        return _dto(meeting)


def delete_meeting(store: Store, meeting_id: str) -> None:
    with store.session() as s:
        s.delete(base.get_or_fail(s, Meeting, meeting_id, "会議・活動"))


def _members(session, council_id: str, ids: Iterable[str]) -> list[Member]:
    members = []
    for member_id in dict.fromkeys(ids):
        member = session.get(Member, member_id)
        if member is None or member.council_id != council_id:
            raise ValidationError(ATTENDEES, "この協議体のメンバーから選んでください", name="attendee_ids")
        members.append(member)
    return members


# --- helpers for the meeting page (Qt-free) ------------------------------------------------

REGULAR = "定例会"


@dataclasses.dataclass(frozen=True)
class MeetingProposal:
    """Values for a new 定例会, and in plain Japanese where they came from."""
    held_on: dt.date
    start_time: dt.time | None
    end_time: dt.time | None
    kind: str
    title: str
    venue: str
    from_schedule: bool  # False: the schedule was empty or unreadable, so the date is today
    basis: str


@dataclasses.dataclass(frozen=True)
class AttendeeChoice:
    member_id: str
    name: str
    status: str
    attending: bool


def regular_title(council_name: str, day: dt.date) -> str:
    """「八幡協議体 定例会（1月）」, as the demo log and the seed's meeting notes name them."""
    return f"{council_names.short_label(council_name)} {REGULAR}（{day.month}月）"


def propose_next_regular(store: Store, council_id: str,
                         today: dt.date | None = None) -> MeetingProposal:
    """The next 定例会 to put in the log: the first day after `today` that the council's
    meeting schedule (e.g. 第3(水) 10:00〜12:00) gives and that has no 定例会 recorded yet.

    An empty or unreadable schedule still gives a proposal (today, no times), with a basis that
    says so, because the user asked for a meeting and can fix the date in the dialog."""
    today = today or base.today()
    council = councils.get_council(store, council_id)
    schedule_text = council.meeting_schedule.strip()
    rule = try_parse(schedule_text) if schedule_text else None
    if rule is not None:
        taken = {m.held_on for m in list_meetings(store, council_id) if m.kind == REGULAR}
        # 36 dates cover three years of a monthly rule; a log that full is not realistic.
        free = [d for d in next_dates(rule, today + dt.timedelta(days=1), 36) if d not in taken]
        if free:
            slot = rule.slots[0] if rule.slots else None
            # An open end (第2(水) 10:00〜) or 24:00 leaves the end for the user to fill in.
            end = slot.end if slot and slot.end not in (None, END_OF_DAY) else None
            return MeetingProposal(
                held_on=free[0], start_time=slot.start if slot else None, end_time=end,
                kind=REGULAR, title=regular_title(council.name, free[0]),
                venue=council.meeting_place, from_schedule=True,
                basis=f"会議の日程「{schedule_text}」から、まだ記録のない次の日を入れました。")
    if not schedule_text:
        why = "「協議体の設定」に会議の日程がまだないため"
    elif rule is None:
        why = f"会議の日程「{schedule_text}」を読み取れないため"
    else:
        why = f"会議の日程「{schedule_text}」の先3年分がすべて記録済みのため"
    return MeetingProposal(
        held_on=today, start_time=None, end_time=None, kind=REGULAR,
        title=regular_title(council.name, today), venue=council.meeting_place,
        from_schedule=False, basis=f"{why}、今日の日付を入れました。開催日を直してください。")


def attendee_choices(store: Store, council_id: str,
                     meeting_id: str | None = None) -> list[AttendeeChoice]:
    """Who can be ticked as present, 五十音 order: the council's active members, plus anyone
    already recorded for this meeting (a member who has since left keeps their attendance)."""
    present: set[str] = set()
    if meeting_id is not None:
        with store.session() as s:
            meeting = base.get_or_fail(s, Meeting, meeting_id, "会議・活動")
            if meeting.council_id != council_id:
                raise ValidationError(ATTENDEES, "ほかの協議体の会議です", name="attendee_ids")
            present = {a.id for a in meeting.attendees}
    return [AttendeeChoice(m.id, m.name, m.status, m.id in present)
            for m in members.list_members(store, council_id)
            if m.status == "活動中" or m.id in present]
