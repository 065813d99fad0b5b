"""担い手養成講座 and attendance; completing one makes a member eligible as サービスの担い手."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.errors import ValidationError
from app.models import Council, Member, Training, TrainingAttendance
from app.services import base, members
from app.services.base import Field
from app.store import Store

# Each field once: validation here, the exchange sheet's column (exchange/sheets.py) and the
# window's input (ui/pages/trainings.py) are built from it.
TRAINING_FIELDS = (
    Field("held_on", "開催日", base.date, required=True, width=12, cell=base.required_date,
          kind="date"),
    Field("title", "講座名", base.text(200), required=True, width=30,
          tip="例: 担い手養成講座（八幡地区協議体・高崎市共催）"),
    Field("venue", "会場", base.text(200), default="", width=16, tip="例: 八幡公民館"),
    Field("participant_count", "参加者数", base.integer, width=10,
          tip="メンバー以外も含めて来た人の数（例: 65）"),
    Field("note", "備考", base.long_text, default="", width=24, kind="long"),
)


@dataclasses.dataclass(frozen=True)
class TrainingDTO:
    id: str
    council_id: str
    held_on: dt.date
    title: str
    venue: str
    participant_count: int | None
    note: str
    attendance: tuple[tuple[str, bool], ...]  # (member_id, completed)


def _dto(t: Training) -> TrainingDTO:
    return base.to_dto(TrainingDTO, t, attendance=tuple(
        sorted((a.member_id, a.completed) for a in t.attendances)))


def _check_count(values: Mapping[str, object], attending: int) -> None:
    count = base.parsed(values, "participant_count", int)
    if count is not None and count < attending:
        raise ValidationError("参加者数", f"出席を記録したメンバー（{attending}人）より少なくなっています",
                              name="participant_count")


def list_trainings(store: Store, council_id: str) -> list[TrainingDTO]:
    with store.session() as s:
        rows = s.scalars(select(Training).where(Training.council_id == council_id)
                         .options(selectinload(Training.attendances)).order_by(Training.held_on))
        return [_dto(t) for t in rows]


def create_training(store: Store, council_id: str, raw: Mapping[str, object]) -> TrainingDTO:
    values = base.validate(TRAINING_FIELDS, raw)
    with store.session() as s:
        base.get_or_fail(s, Council, council_id, "協議体")
        training = Training(council_id=council_id, attendances=[], **values)
        s.add(training)
        s.flush()
        return _dto(training)


def update_training(store: Store, training_id: str, raw: Mapping[str, object]) -> TrainingDTO:
    values = base.validate(TRAINING_FIELDS, raw, partial=True)
    with store.session() as s:
        training = base.get_or_fail(s, Training, training_id, "研修")
        _check_count(values, len(training.attendances))
        for key, value in values.items():
            setattr(training, key, value)
        s.flush()
        return _dto(training)


def delete_training(store: Store, training_id: str) -> None:
    with store.session() as s:
        training = base.get_or_fail(s, Training, training_id, "研修")
        _refuse_if_providers_lose_eligibility(s, training, keep=set())
        s.delete(training)


def set_attendance(store: Store, training_id: str, attendance: Mapping[str, bool]) -> TrainingDTO:
    """Replace who attended: member id -> completed (修了) or only attended."""
    with store.session() as s:
        training = base.get_or_fail(s, Training, training_id, "研修")
        for member_id in attendance:
            member = s.get(Member, member_id)
            if member is None or member.council_id != training.council_id:
                raise ValidationError("出席者", "この協議体のメンバーから選んでください")
        _check_count({"participant_count": training.participant_count}, len(attendance))
        completed = {m for m, done in attendance.items() if done}
        _refuse_if_providers_lose_eligibility(s, training, keep=completed)
        # Update rows in place: replacing them would insert before the old ones are deleted.
        existing = {a.member_id: a for a in training.attendances}
        for member_id, row in existing.items():
            if member_id not in attendance:
                training.attendances.remove(row)
        for member_id, done in attendance.items():
            if member_id in existing:
                existing[member_id].completed = bool(done)
            else:
                training.attendances.append(TrainingAttendance(member_id=member_id,
                                                               completed=bool(done)))
        s.flush()
        return _dto(training)


def _refuse_if_providers_lose_eligibility(session, training: Training, keep: set[str]) -> None:
    """A サービスの担い手 must keep at least one completed training."""
    for att in training.attendances:
        if not att.completed or att.member_id in keep:
            continue
        member = session.get(Member, att.member_id)
        others = session.scalar(select(TrainingAttendance.id).where(
            TrainingAttendance.member_id == att.member_id, TrainingAttendance.completed.is_(True),
            TrainingAttendance.training_id != training.id).limit(1))
        if member.is_provider and others is None:
            raise ValidationError("出席者", f"{member.name}さんはサービスの担い手です。修了の記録を消す前に、"
                                           "メンバーの区分から「サービスの担い手」を外してください")


# --- helpers for the training page (Qt-free) -----------------------------------------------

ABSENT, ATTENDED, COMPLETED = "欠席", "出席", "修了"
ATTENDANCE_STATES = (ABSENT, ATTENDED, COMPLETED)


@dataclasses.dataclass(frozen=True)
class AttendanceRow:
    member_id: str
    name: str
    furigana: str
    status: str          # the member's 状況 (活動中, 休止, 退会)
    is_provider: bool    # サービスの担い手: their only 修了 cannot be taken away
    state: str           # one of ATTENDANCE_STATES


def attendance_sheet(store: Store, training_id: str) -> list[AttendanceRow]:
    """One row per member for the attendance editor, 五十音 order: the council's active members
    and anyone with a record for this training (a member who left keeps their history)."""
    with store.session() as s:
        training = base.get_or_fail(s, Training, training_id, "研修")
        council_id = training.council_id
        recorded = {a.member_id: a.completed for a in training.attendances}
    rows = []
    for m in members.list_members(store, council_id):
        if m.status != "活動中" and m.id not in recorded:
            continue
        state = ABSENT if m.id not in recorded else (COMPLETED if recorded[m.id] else ATTENDED)
        rows.append(AttendanceRow(m.id, m.name, m.furigana, m.status, m.is_provider, state))
    return rows


def attendance_from_states(states: Mapping[str, str]) -> dict[str, bool]:
    """Member id -> 欠席/出席/修了 as the editor shows it, to what set_attendance takes."""
    out: dict[str, bool] = {}
    for member_id, state in states.items():
        if state not in ATTENDANCE_STATES:
            raise ValidationError("出席者", f"「{state}」は選べません（{'・'.join(ATTENDANCE_STATES)} のどれか）")
        if state != ABSENT:
            out[member_id] = state == COMPLETED
    return out


def set_member_state(store: Store, training_id: str, member_id: str, state: str) -> TrainingDTO:
    """Change one member's 欠席/出席/修了 and keep everyone else as recorded (one click in the
    editor is one saved, undoable step). The rules of set_attendance apply."""
    with store.session() as s:
        training = base.get_or_fail(s, Training, training_id, "研修")
        states = {a.member_id: COMPLETED if a.completed else ATTENDED for a in training.attendances}
    states[member_id] = state
    return set_attendance(store, training_id, attendance_from_states(states))
