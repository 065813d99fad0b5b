"""Row snapshots for undo: everything a delete would remove, and how to put it back.

A snapshot holds the row, every row that ON DELETE CASCADE would take with it (recursively),
and the references that ON DELETE SET NULL would clear, so restoring after a delete gives back
exactly what was there, including role links, attendance and cells.
"""

from __future__ import annotations

import dataclasses
import functools

from sqlalchemy import Table, select, update

from app.errors import NotFoundError
from app.models import Base
from app.store import Store


@dataclasses.dataclass(frozen=True)
class Snapshot:
    rows: tuple[tuple[str, dict], ...]             # (table name, row values), parents first
    # (table, column, primary key, old value, the row's other values to keep, e.g. updated_at)
    nulled: tuple[tuple[str, str, dict, object, dict], ...]


@functools.cache
def _referencing(table: Table) -> list[tuple[Table, object]]:
    # Cached: sorting the metadata's tables was half the cost of every undoable edit.
    return [(other, fk) for other in Base.metadata.sorted_tables
            for fk in other.foreign_keys if fk.column.table is table]


def _pk(table: Table, row: dict) -> dict:
    return {c.name: row[c.name] for c in table.primary_key.columns}


def _stamps(row: dict) -> dict:
    # Core UPDATE applies the column's onupdate; restoring must not count as an edit.
    return {"updated_at": row["updated_at"]} if "updated_at" in row else {}


def capture(store: Store, table_name: str, row_id: str) -> Snapshot:
    table = Base.metadata.tables[table_name]
    rows: list[tuple[str, dict]] = []
    nulled: list[tuple[str, str, dict, object, dict]] = []
    seen: set[tuple[str, tuple]] = set()
    with store.session() as s:
        first = s.execute(select(table).where(table.c.id == row_id)).mappings().first()
        if first is None:
            raise NotFoundError(f"元に戻す対象（ID {row_id}）が見つかりません。")
        pending = [(table, dict(first))]
        while pending:
            current, row = pending.pop(0)
            key = (current.name, tuple(_pk(current, row).values()))
            if key in seen:
                continue
            seen.add(key)
            rows.append((current.name, row))
            for other, fk in _referencing(current):
                value = row[fk.column.name]
                found = s.execute(select(other).where(fk.parent == value)).mappings().all()
                if fk.ondelete == "CASCADE":
                    pending += [(other, dict(r)) for r in found]
                elif fk.ondelete == "SET NULL":
                    nulled += [(other.name, fk.parent.name, _pk(other, dict(r)), value, _stamps(dict(r)))
                               for r in found]
    return Snapshot(tuple(rows), tuple(nulled))


def restore(store: Store, snapshot: Snapshot) -> None:
    """Put back what `capture` saw; the rows must be gone (deleted) when this runs."""
    with store.session() as s:
        order = {t.name: i for i, t in enumerate(Base.metadata.sorted_tables)}
        for table_name, row in sorted(snapshot.rows, key=lambda item: order[item[0]]):
            s.execute(Base.metadata.tables[table_name].insert().values(**row))
        for table_name, column, pk, value, kept in snapshot.nulled:
            table = Base.metadata.tables[table_name]
            condition = [table.c[name] == key for name, key in pk.items()]
            s.execute(update(table).where(*condition).values({column: value, **kept}))


def delete(store: Store, table_name: str, row_id: str) -> None:
    """Delete by id and let the database cascade, as the area services do."""
    table = Base.metadata.tables[table_name]
    with store.session() as s:
        s.execute(table.delete().where(table.c.id == row_id))


def revert(store: Store, snapshot: Snapshot) -> None:
    """Make the row and its dependent rows exactly as in the snapshot (undo of an edit)."""
    root_table, root = snapshot.rows[0]
    delete(store, root_table, root["id"])
    restore(store, snapshot)
