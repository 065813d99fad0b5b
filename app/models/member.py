"""Council members and registered supporters (地域支え合いサポーター)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Column, Date, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, Entity

ROLE_NAMES = ("区長", "元区長", "民生委員", "公民館長", "住民", "あんしんセンター", "社協", "行政",
              "NPO", "その他")
MEMBER_STATUSES = ("活動中", "休止", "退会")

member_role = Table(
    "member_role",
    Base.metadata,
    Column("member_id", ForeignKey("member.id", ondelete="CASCADE"), primary_key=True),
    Column("role_id", ForeignKey("role.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


class Role(Entity):
    """A member's standing in the area (区長, 民生委員...): a table, so lists and filters agree."""

    __tablename__ = "role"

    name: Mapped[str] = mapped_column(String(50), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Member(Entity):
    __tablename__ = "member"

    council_id: Mapped[str] = mapped_column(ForeignKey("council.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    furigana: Mapped[str] = mapped_column(String(200), default="")
    # Hiragana, no spaces: the 五十音 sort key, kept in the row so large lists sort in SQL.
    sort_key: Mapped[str] = mapped_column(String(200), default="", index=True)
    # Supporter kinds; one person may be both.
    is_thinker: Mapped[bool] = mapped_column(Boolean, default=False)   # 地域づくりを考える人
    is_provider: Mapped[bool] = mapped_column(Boolean, default=False)  # サービスの担い手
    is_core: Mapped[bool] = mapped_column(Boolean, default=False)      # コアメンバー
    neighbourhood_id: Mapped[str | None] = mapped_column(
        ForeignKey("neighbourhood.id", ondelete="SET NULL"), index=True)
    registered_on: Mapped[dt.date | None] = mapped_column(Date)
    last_confirmed_on: Mapped[dt.date | None] = mapped_column(Date)
    left_on: Mapped[dt.date | None] = mapped_column(Date)  # 退会日: when status became 退会
    status: Mapped[str] = mapped_column(String(10), default="活動中")
    phone: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    consent_handbook: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_share_contact: Mapped[bool] = mapped_column(Boolean, default=False)

    roles: Mapped[list[Role]] = relationship(secondary=member_role, order_by=Role.position)
