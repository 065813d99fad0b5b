"""Meetings and activities (定例会, 勉強会, 情報交換会, 研修, 行事) with attendance and minutes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Date, ForeignKey, Integer, String, Table, Text, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, Entity
from app.models.member import Member

MEETING_KINDS = ("定例会", "勉強会", "情報交換会", "研修", "行事")

meeting_attendance = Table(
    "meeting_attendance",
    Base.metadata,
    Column("meeting_id", ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True),
    Column("member_id", ForeignKey("member.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Meeting(Entity):
    __tablename__ = "meeting"

    council_id: Mapped[str] = mapped_column(ForeignKey("council.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[dt.date] = mapped_column(Date)
    start_time: Mapped[dt.time | None] = mapped_column(Time)
    end_time: Mapped[dt.time | None] = mapped_column(Time)
    kind: Mapped[str] = mapped_column(String(10), default="定例会")
    title: Mapped[str] = mapped_column(String(200), default="")
    venue: Mapped[str] = mapped_column(String(200), default="")
    # Head count including guests; members present are in `attendees`.
    attendance_count: Mapped[int | None] = mapped_column(Integer)
    minutes: Mapped[str] = mapped_column(Text, default="")

    attendees: Mapped[list[Member]] = relationship(secondary=meeting_attendance)
