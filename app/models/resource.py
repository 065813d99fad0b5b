"""Social resources (社会資源): salons, clubs, shops, services the area already has or made."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Entity

RESOURCE_CATEGORY_NAMES = ("居場所・サロン", "健康・体操", "趣味・サークル", "買い物支援", "移動支援",
                           "見守り・声かけ", "家事援助", "配食・会食", "相談窓口", "医療・介護",
                           "その他")
OPERATOR_TYPES = ("住民団体", "町内会", "NPO", "社協", "事業所", "企業・商店", "行政", "その他")


class ResourceCategory(Entity):
    __tablename__ = "resource_category"

    name: Mapped[str] = mapped_column(String(50), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Resource(Entity):
    __tablename__ = "resource"

    council_id: Mapped[str] = mapped_column(ForeignKey("council.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    category_id: Mapped[str | None] = mapped_column(
        ForeignKey("resource_category.id", ondelete="RESTRICT"), index=True)
    content: Mapped[str] = mapped_column(Text, default="")
    operator_type: Mapped[str] = mapped_column(String(20), default="住民団体")
    representative: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    venue: Mapped[str] = mapped_column(String(200), default="")
    neighbourhood_id: Mapped[str | None] = mapped_column(
        ForeignKey("neighbourhood.id", ondelete="SET NULL"), index=True)
    # The schedule as written, always kept; `schedule` holds the parsed form (services.schedule
    # Schedule.to_dict()) or NULL when the text could not be read, which the UI flags.
    schedule_text: Mapped[str] = mapped_column(String(200), default="")
    schedule: Mapped[dict | None] = mapped_column(JSON)
    skip_holidays: Mapped[bool] = mapped_column(Boolean, default=False)
    target: Mapped[str] = mapped_column(String(200), default="")
    fee: Mapped[str] = mapped_column(String(100), default="")
    created_by_council: Mapped[bool] = mapped_column(Boolean, default=False)  # 資源開発
    started_on: Mapped[dt.date | None] = mapped_column(Date)  # when it began (the year's report)
    last_verified_on: Mapped[dt.date | None] = mapped_column(Date)
    # Pin on the council's area map, as fractions of the image (0..1), so any image size works.
    map_x: Mapped[float | None] = mapped_column(Float)
    map_y: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    category: Mapped[ResourceCategory | None] = relationship()
