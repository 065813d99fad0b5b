"""Crosstabs handed over by あんしんセンター: 町内会 × category, with 対象人数 per row.

対象人数 is typed per row and is not the row sum (one person has several needs); column totals
and grand totals are derived by services.tallies, never stored.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Entity

TALLY_KINDS = {
    "service_use": "通所・訪問サービスの利用内容",
    "needs": "高齢者ニーズ（総合相談・実態把握）",
}


class Tally(Entity):
    __tablename__ = "tally"
    __table_args__ = (CheckConstraint("kind IN ('service_use', 'needs')", name="kind"),)

    council_id: Mapped[str] = mapped_column(ForeignKey("council.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200), default="")
    period_from: Mapped[dt.date | None] = mapped_column(Date)
    period_to: Mapped[dt.date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")

    columns: Mapped[list[TallyColumn]] = relationship(
        back_populates="tally", cascade="all, delete-orphan", passive_deletes=True, order_by="TallyColumn.position")
    rows: Mapped[list[TallyRow]] = relationship(
        back_populates="tally", cascade="all, delete-orphan", passive_deletes=True, order_by="TallyRow.position")


class TallyColumn(Entity):
    __tablename__ = "tally_column"

    tally_id: Mapped[str] = mapped_column(ForeignKey("tally.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    group: Mapped[str] = mapped_column(String(50), default="")  # デイサービス / 訪問介護
    label: Mapped[str] = mapped_column(String(50))
    need_category_id: Mapped[str | None] = mapped_column(
        ForeignKey("need_category.id", ondelete="SET NULL"))

    tally: Mapped[Tally] = relationship(back_populates="columns")


class TallyRow(Entity):
    __tablename__ = "tally_row"

    tally_id: Mapped[str] = mapped_column(ForeignKey("tally.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    neighbourhood_id: Mapped[str | None] = mapped_column(
        ForeignKey("neighbourhood.id", ondelete="SET NULL"))
    label: Mapped[str] = mapped_column(String(100))  # 町内会名 as on the sheet
    target_persons: Mapped[int | None] = mapped_column(Integer)  # 対象人数

    tally: Mapped[Tally] = relationship(back_populates="rows")
    cells: Mapped[list[TallyCell]] = relationship(
        back_populates="row", cascade="all, delete-orphan", passive_deletes=True)


class TallyCell(Entity):
    __tablename__ = "tally_cell"
    __table_args__ = (UniqueConstraint("row_id", "column_id"),
                      CheckConstraint("count >= 0", name="count_nonnegative"))

    row_id: Mapped[str] = mapped_column(ForeignKey("tally_row.id", ondelete="CASCADE"), index=True)
    column_id: Mapped[str] = mapped_column(ForeignKey("tally_column.id", ondelete="CASCADE"),
                                           index=True)
    count: Mapped[int] = mapped_column(Integer)

    row: Mapped[TallyRow] = relationship(back_populates="cells")
