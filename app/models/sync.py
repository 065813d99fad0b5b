"""What the exchange needs to merge field by field and to carry deletions.

- SyncBase: per exchanged row, a short hash of each field's value as both sides last agreed on
  it (set by an import, never by a local edit). A field whose hash differs from its base was
  changed on that side since; both sides changed means a person decides.
- Deletion: rows deleted here (kept by triggers made in migration 0002, so every delete path,
  cascades included, is recorded): table and id and when, nothing about the row itself.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base

# The tables a council's file carries as rows (their deletions travel).
SYNCED_TABLES = ("council", "neighbourhood", "member", "training", "training_attendance", "need",
                 "tally", "tally_column", "tally_row", "tally_cell", "survey", "survey_question",
                 "survey_choice", "resource", "meeting", "council_contact", "vision_revision", "area_map",
                 "survey_response", "survey_answer", "proposal")


class SyncBase(Base):
    __tablename__ = "sync_base"

    table_name: Mapped[str] = mapped_column(String(40), primary_key=True)
    row_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    hashes: Mapped[str] = mapped_column(Text)  # "field=hash;field=hash"


class Deletion(Base):
    __tablename__ = "deletion"

    table_name: Mapped[str] = mapped_column(String(40), primary_key=True)
    row_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    deleted_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # The deleted version's updated_at: a copy edited after it was not what was deleted.
    row_updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
