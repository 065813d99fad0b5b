"""Field-by-field merging and deletions, for the exchange between PCs and the coordinator.

Each exchanged row has a base here (models.SyncBase): a short hash of every field's value as
this database and the file it last read agreed on. An exported row carries its base in the
hidden stamp, so the reader can tell, field by field, who changed what since they last agreed:

- only they changed the field          -> take theirs
- only we changed it                   -> keep ours
- both changed it (to different values)-> the later row edit wins on both sides (so two PCs
                                          converge), and the field is listed for a person
- neither changed it by its own base   -> the later row edit wins, silently (an older file)

A row deleted here is recorded (models.Deletion, by triggers) and its id travels in the file.
The reader deletes its copy unless it changed it since they last agreed; a deletion meeting a
later edit keeps the row and is listed for a person (the edit wins on both sides).
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import Session

from app.models import SYNCED_TABLES, Deletion, SyncBase
from app.services.base import chunks

DELETIONS_SHEET = "_deleted"
DELETIONS_HEADER = ("table", "id", "deleted_at", "row_updated_at")
Deleted = tuple[str, str, dt.datetime, "dt.datetime | None"]  # table, id, when, the version's time
Base = dict[str, str]  # field -> hash


_HASHED: dict[tuple[type, object], str] = {}  # repeated values (statuses, dates, ids, blanks)
_TEXTS: dict[str, str] = {}  # the common case, without building a key


def _crc(data: bytes) -> str:
    return f"{zlib.crc32(data):08x}"


def field_hash(value: object) -> str:
    """Short and stable: the parsed value's repr (both sides parse cells the same way). CRC-32
    is enough to notice a change; repeated values are hashed once."""
    if type(value) is str:
        found = _TEXTS.get(value)
        if found is None:
            found = _crc(b"s" + value.encode("utf-8", "surrogatepass"))
            if len(_TEXTS) < 200_000:
                _TEXTS[value] = found
        return found
    if type(value) is bytes:  # a map's image (up to 2 MB): hashed as it is, never remembered
        return _crc(b"b" + value)
    plain = tuple(value) if isinstance(value, list) else value
    key = (type(value), plain)
    remember = True
    try:
        return _HASHED[key]
    except KeyError:
        pass
    except TypeError:  # unhashable: computed every time
        remember = False
    found = _crc(repr(plain).encode("utf-8", "surrogatepass"))
    if remember and len(_HASHED) < 200_000:
        _HASHED[key] = found
    return found


def hashes(fields: Mapping[str, object]) -> Base:
    return {key: field_hash(value) for key, value in fields.items()}


def encode(base: Base) -> str:
    return ";".join(f"{key}={value}" for key, value in sorted(base.items()))


def decode(text: object) -> Base | None:
    if not isinstance(text, str) or not text.strip():
        return None
    found: Base = {}
    for part in text.split(";"):
        key, sep, value = part.partition("=")
        if sep and key and value:
            found[key.strip()] = value.strip()
    return found or None


def load_bases(session: Session, table: str, ids: Iterable[str]) -> dict[str, Base]:
    found: dict[str, Base] = {}
    for chunk in chunks(ids):
        for row_id, text in session.execute(select(SyncBase.row_id, SyncBase.hashes).where(
                SyncBase.table_name == table, SyncBase.row_id.in_(chunk))):
            base = decode(text)
            if base:
                found[row_id] = base
    return found


def table_bases(session: Session, table: str) -> dict[str, Base]:
    """Every base of a table in one query (an export reads them all)."""
    return {row_id: base for row_id, text in session.execute(
        select(SyncBase.row_id, SyncBase.hashes).where(SyncBase.table_name == table))
        if (base := decode(text))}


def save_bases(session: Session, table: str, bases: Mapping[str, Base]) -> None:
    """One executemany through the driver: SQLAlchemy compiling multi-row upserts cost more
    than the merge itself for 68,000 rows."""
    if not bases:
        return
    rows = [(table, row_id, encode(base)) for row_id, base in bases.items()]
    session.connection().exec_driver_sql(
        "INSERT INTO sync_base (table_name, row_id, hashes) VALUES (?, ?, ?) "
        "ON CONFLICT (table_name, row_id) DO UPDATE SET hashes = excluded.hashes", rows)


def deleted_here(session: Session, table: str, ids: Iterable[str]) -> dict[str, dt.datetime]:
    ids = list(ids)
    found: dict[str, dt.datetime] = {}
    if not ids or session.execute(select(Deletion.row_id).where(Deletion.table_name == table)
                                  .limit(1)).first() is None:
        return found  # nothing of this table was ever deleted here (a new database)
    for chunk in chunks(ids):
        found.update(session.execute(select(Deletion.row_id, Deletion.deleted_at).where(
            Deletion.table_name == table, Deletion.row_id.in_(chunk))).all())
    return found


def all_deletions(session: Session) -> list[Deleted]:
    return [(table, row_id, when, version) for table, row_id, when, version in session.execute(
        select(Deletion.table_name, Deletion.row_id, Deletion.deleted_at, Deletion.row_updated_at)
        .order_by(Deletion.deleted_at, Deletion.table_name, Deletion.row_id))]


def note_deletion(session: Session, table: str, row_id: str, when: dt.datetime,
                  row_updated_at: dt.datetime | None) -> None:
    """Keep a deletion that arrived (or happened here by it) as it was first made."""
    values = {"deleted_at": when, "row_updated_at": row_updated_at}
    statement = insert(Deletion).values(table_name=table, row_id=row_id, **values)
    session.execute(statement.on_conflict_do_update(index_elements=["table_name", "row_id"], set_=values))


def changed_since(base: Base | None, fields: Mapping[str, object]) -> bool:
    """Whether a side's current fields differ from what it last agreed on (no base: unknown,
    counted as changed so nothing is decided on a guess)."""
    if base is None:
        return True
    return any(field_hash(value) != base.get(key) for key, value in fields.items() if key in base)


def is_synced(table: str) -> bool:
    return table in SYNCED_TABLES
