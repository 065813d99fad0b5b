"""A council's base map (a scan, photo or PDF page of a paper map), kept in the database so
backups and the coordinator's file carry it. Pins are fractions of the image (0..1), stored on
the resources and 町内会 themselves."""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Entity
from app.models.council import Council


class AreaMap(Entity):
    __tablename__ = "area_map"

    council_id: Mapped[str] = mapped_column(ForeignKey("council.id", ondelete="CASCADE"),
                                            unique=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    # Re-encoded by services.area_map (PNG for drawn maps, JPEG for photos), at most 2 MB.
    image: Mapped[bytes] = mapped_column(LargeBinary)
    image_format: Mapped[str] = mapped_column(String(10))  # "png" | "jpeg"
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(200), default="")  # the file it was read from
    # Two points whose latitude/longitude the user typed (x, y as fractions of the image):
    # with them, every pin has a latitude/longitude (north-up maps).
    ref1_x: Mapped[float | None] = mapped_column(Float)
    ref1_y: Mapped[float | None] = mapped_column(Float)
    ref1_lat: Mapped[float | None] = mapped_column(Float)
    ref1_lon: Mapped[float | None] = mapped_column(Float)
    ref2_x: Mapped[float | None] = mapped_column(Float)
    ref2_y: Mapped[float | None] = mapped_column(Float)
    ref2_lat: Mapped[float | None] = mapped_column(Float)
    ref2_lon: Mapped[float | None] = mapped_column(Float)

    # Only so a new council and its map added in one flush are inserted in that order.
    council: Mapped[Council] = relationship()
