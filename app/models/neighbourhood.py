"""町内会 (neighbourhood associations) that make up a council's area."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Entity


class Neighbourhood(Entity):
    __tablename__ = "neighbourhood"
    __table_args__ = (UniqueConstraint("council_id", "name"),)

    council_id: Mapped[str] = mapped_column(ForeignKey("council.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer, default=0)
    households: Mapped[int | None] = mapped_column(Integer)
    population: Mapped[int | None] = mapped_column(Integer)
    aged_65_plus: Mapped[int | None] = mapped_column(Integer)
    aged_75_plus: Mapped[int | None] = mapped_column(Integer)
    stated_aging_rate: Mapped[float | None] = mapped_column(Float)
    stats_as_of: Mapped[dt.date | None] = mapped_column(Date)
    # Where the 町内会's name goes on the area map (fractions of the image), like a resource's pin.
    map_x: Mapped[float | None] = mapped_column(Float)
    map_y: Mapped[float | None] = mapped_column(Float)
