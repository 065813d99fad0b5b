"""Needs (ニーズ) the council has heard of, by 町内会 and category."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import Column, Date, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, Entity

if TYPE_CHECKING:
    from app.models.resource import Resource

# The seed's categories (あんしんセンター's consultation table) first, then common others.
NEED_CATEGORY_NAMES = ("居場所・運動", "見守り", "買い物", "通院", "移動手段", "調理・弁当", "掃除",
                       "入浴", "ゴミだし", "住環境", "布団干し", "床屋", "洗濯", "話し相手",
                       "家事援助", "その他")
NEED_SOURCES = ("アンケート", "聞き取り", "ワークショップ", "あんしんセンター", "その他")
NEED_STATUSES = ("未対応", "検討中", "対応中", "解決")

need_resource = Table(
    "need_resource",
    Base.metadata,
    Column("need_id", ForeignKey("need.id", ondelete="CASCADE"), primary_key=True),
    Column("resource_id", ForeignKey("resource.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


class NeedCategory(Entity):
    __tablename__ = "need_category"

    name: Mapped[str] = mapped_column(String(50), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Need(Entity):
    __tablename__ = "need"

    council_id: Mapped[str] = mapped_column(ForeignKey("council.id", ondelete="CASCADE"), index=True)
    neighbourhood_id: Mapped[str | None] = mapped_column(
        ForeignKey("neighbourhood.id", ondelete="SET NULL"), index=True)
    category_id: Mapped[str] = mapped_column(ForeignKey("need_category.id", ondelete="RESTRICT"),
                                             index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    count: Mapped[int | None] = mapped_column(Integer)  # persons concerned, when known
    source: Mapped[str] = mapped_column(String(20), default="聞き取り")
    noted_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="未対応")
    resolved_on: Mapped[dt.date | None] = mapped_column(Date)  # when status became 解決

    category: Mapped[NeedCategory] = relationship()
    resources: Mapped[list[Resource]] = relationship(secondary=need_resource)
