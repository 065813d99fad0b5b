"""Councils (協議体), their contacts and the history of their target vision (目指す地域像)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Entity

CONTACT_KINDS = ("あんしんセンター", "社協", "市", "その他")


class Council(Entity):
    __tablename__ = "council"
    __table_args__ = (CheckConstraint("tier IN (1, 2)", name="tier"),)

    tier: Mapped[int] = mapped_column(Integer)
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("council.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(100), unique=True)
    area_name: Mapped[str] = mapped_column(String(200), default="")
    founded_on: Mapped[dt.date | None] = mapped_column(Date)
    meeting_place: Mapped[str] = mapped_column(String(200), default="")
    # As the council writes it (毎月第2水曜日 10:00〜12:00); parsed by services.schedule on demand.
    meeting_schedule: Mapped[str] = mapped_column(String(200), default="")
    # Area overview as the council was given it; 高齢化率 is derived from the counts.
    population: Mapped[int | None] = mapped_column(Integer)
    households: Mapped[int | None] = mapped_column(Integer)
    aged_65_plus: Mapped[int | None] = mapped_column(Integer)
    aged_75_plus: Mapped[int | None] = mapped_column(Integer)
    # A rate typed on a source sheet, kept only to warn when it disagrees with the counts.
    stated_aging_rate: Mapped[float | None] = mapped_column(Float)
    stats_as_of: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")

    contacts: Mapped[list[CouncilContact]] = relationship(
        back_populates="council", cascade="all, delete-orphan", passive_deletes=True, order_by="CouncilContact.position")
    visions: Mapped[list[VisionRevision]] = relationship(
        back_populates="council", cascade="all, delete-orphan", passive_deletes=True,
        order_by="(VisionRevision.decided_on, VisionRevision.created_at)")


class CouncilContact(Entity):
    __tablename__ = "council_contact"

    council_id: Mapped[str] = mapped_column(ForeignKey("council.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(20))  # one of CONTACT_KINDS
    name: Mapped[str] = mapped_column(String(200))
    person: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")

    council: Mapped[Council] = relationship(back_populates="contacts")


class VisionRevision(Entity):
    """One dated wording of the vision; the newest is current, older ones stay as history."""

    __tablename__ = "vision_revision"

    council_id: Mapped[str] = mapped_column(ForeignKey("council.id", ondelete="CASCADE"), index=True)
    phrase: Mapped[str] = mapped_column(String(300))
    subtitle: Mapped[str] = mapped_column(String(300), default="")
    decided_on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")

    council: Mapped[Council] = relationship(back_populates="visions")
