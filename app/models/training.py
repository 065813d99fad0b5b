"""担い手養成講座 (supporter trainings) and who attended and completed them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Entity


class Training(Entity):
    __tablename__ = "training"

    council_id: Mapped[str] = mapped_column(ForeignKey("council.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[dt.date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))
    venue: Mapped[str] = mapped_column(String(200), default="")
    # Everyone who came, members or not (the seed's 65 and 45).
    participant_count: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")

    attendances: Mapped[list[TrainingAttendance]] = relationship(
        back_populates="training", cascade="all, delete-orphan", passive_deletes=True)


class TrainingAttendance(Entity):
    __tablename__ = "training_attendance"
    __table_args__ = (UniqueConstraint("training_id", "member_id"),)

    training_id: Mapped[str] = mapped_column(ForeignKey("training.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    # Only a completed training makes a member eligible as サービスの担い手.
    completed: Mapped[bool] = mapped_column(Boolean, default=True)

    training: Mapped[Training] = relationship(back_populates="attendances")
