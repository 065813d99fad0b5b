"""Declarative base shared by every table: text UUID ids and timestamps for merging files."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import DateTime, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable constraint names so alembic batch migrations can find and rebuild them on SQLite.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Reference rows (roles, categories) get ids derived from their names, so every database and
# every exported file agrees on them without coordination.
REFERENCE_NAMESPACE = uuid.UUID("6f1d8e0a-3b7c-5d2e-9a41-5a5e5a1e0001")


def reference_id(kind: str, name: str) -> str:
    return str(uuid.uuid5(REFERENCE_NAMESPACE, f"{kind}:{name}"))


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> dt.datetime:
    # Naive UTC: SQLite has no time zones and merge only compares these stamps with each other.
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Entity(Base):
    """Every stored row: a UUID text id and when it was made and last changed."""

    __abstract__ = True

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
