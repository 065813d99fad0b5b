"""Proposals (提言): what a council raised to the city or the tier-1 council, and the answer.

The seminar's aim is turning a council's proposals into city policy (提言を施策へ): the log keeps
what was raised, to whom, when, where it stands and what came back.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Entity

PROPOSAL_STATUSES = ("準備中", "提出済", "回答あり", "実現", "見送り")


class Proposal(Entity):
    __tablename__ = "proposal"

    council_id: Mapped[str] = mapped_column(ForeignKey("council.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))       # what, in one line
    detail: Mapped[str] = mapped_column(Text, default="")
    raised_to: Mapped[str] = mapped_column(String(200), default="")  # 市 長寿社会課, 第1層協議体…
    raised_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="提出済")
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_on: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
