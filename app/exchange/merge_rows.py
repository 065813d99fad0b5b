"""Applying the checked rows of the files: field by field against the bases, deletions, conflicts
recorded for a person, the adopted councils, the dates the files were written (exchange/sync.py
says how a field is decided)."""

from __future__ import annotations

import datetime as dt
import functools
import json
import uuid
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from app.exchange import sheets as S
from app.exchange import sync
from app.exchange.map_sheet import IMAGE_FIELDS
from app.exchange.reading import ParsedFile, Row
from app.exchange.report import Conflict, SheetCounts
from app.models import AppMeta, Base
from app.services import members as member_rules
from app.services import preferences
from app.services import resources as resource_rules
from app.services.base import chunks
from app.services.meta_keys import CONFLICTS_LIKE

T = Base.metadata.tables
CONFLICT_NAMESPACE = uuid.UUID("6f1d8e0a-3b7c-5d2e-9a41-5a5e5a1e0006")
Progress = Callable[[str, int, int], None]  # (step, done, total), for a progress bar
LINKS = {  # sheet table -> (link table, own column, other column, parsed key)
    "member": ("member_role", "member_id", "role_id", "roles"),
    "need": ("need_resource", "need_id", "resource_id", "resources"),
    "meeting": ("meeting_attendance", "meeting_id", "member_id", "attendees"),
}


# --- merging -----------------------------------------------------------------------------------

def _derived(table: str, values: dict) -> dict:
    if table == "member":
        return {"sort_key": member_rules.sort_key(values.get("furigana"), values.get("name"))}
    if table == "resource":
        return {"schedule": resource_rules.stored_schedule(values.get("schedule_text"))}
    return {}


def _insert_defaults(table: str, row: Row) -> dict:
    """A new row's text fields the file held back: empty (a member's name says it was held back)."""
    return {key: (S.WITHHELD if (table, key) == ("member", "name") else "") for key in row.withheld}


def _links_of(session: Session, table: str, ids: list[str]) -> dict[str, tuple[str, ...]]:
    link_table, own, other, _key = LINKS[table]
    t = T[link_table]
    found: dict[str, list[str]] = defaultdict(list)
    for chunk in chunks(ids):
        for a, b in session.execute(select(t.c[own], t.c[other]).where(t.c[own].in_(chunk))):
            found[a].append(b)
    return {k: tuple(sorted(v)) for k, v in found.items()}


def _label(values: dict, row_id: str) -> str:
    """What a row is about, for a person: its name, title, wording…, else its id."""
    for key in ("name", "title", "phrase", "label", "text", "description"):
        value = values.get(key)
        if value:
            return str(value)[:40]
    return row_id


def _jsonable(value: object) -> object:
    if isinstance(value, bytes):  # a map's image: described, not kept in the record
        return f"画像（{len(value) / 1024:,.0f} KB）"
    if isinstance(value, (dt.date, dt.time, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (tuple, list)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def _bulk_insert(session: Session, table, records: list[dict]) -> None:
    """One executemany through the driver with SQLAlchemy's own type conversions: the ORM-free
    Core insert spends most of its time per row building parameters, ~3x slower for 68,000 rows."""
    connection = session.connection()
    dialect = connection.dialect
    columns = list(table.columns)
    processors = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in columns]
    defaults = []
    for c in columns:
        arg = c.default.arg if c.default is not None and c.default.is_scalar else None
        defaults.append(arg)
    names = [c.name for c in columns]
    plan = list(zip(names, processors, defaults, strict=True))
    rows = [tuple((proc(r.get(name, default)) if proc else r.get(name, default))
                  for name, proc, default in plan) for r in records]
    quoted = ", ".join(dialect.identifier_preparer.quote(n) for n in names)
    marks = ", ".join("?" for _ in names)
    connection.exec_driver_sql(
        f"INSERT INTO {dialect.identifier_preparer.quote(table.name)} ({quoted}) VALUES ({marks})", rows)


class Merger:
    def __init__(self, session: Session, now: dt.datetime, progress: Progress | None = None) -> None:
        self.s = session
        self.now = now
        self.progress = progress or (lambda _step, _done, _total: None)
        self.counts: dict[str, SheetCounts] = {s.title: SheetCounts() for s in S.SHEETS}
        self.conflicts: list[Conflict] = []
        self.conflict_records: dict[str, str] = {}
        # Rows a deletion could not take (edited since) and rows brought back by an edit: the
        # rows the same delete took with them (a member's training attendance) follow them.
        self.kept: set[str] = set()
        self.brought_back: set[str] = set()
        self.settled: set[str] = set()  # rows whose fields came from the file without a clash

    def merge(self, files: Sequence[ParsedFile]) -> None:
        """Sheet by sheet across all files (parents of every file before any child), file by
        file within a sheet, so a row in two files is merged twice, in the order given."""
        for number, sheet in enumerate(S.APPLY_ORDER):
            self.progress("まとめ", number, len(S.APPLY_ORDER))
            for f in files:
                rows = list(S.in_apply_order(sheet.table, f.rows.get(sheet.table, [])))
                if rows:
                    self._merge_sheet(f, sheet, rows)

    def _merge_sheet(self, f: ParsedFile, sheet: S.Sheet, rows: list[Row]) -> None:
        t = T[sheet.table]
        ids = [row.id for row in rows]
        ours: dict[str, dict] = {}
        for chunk in chunks(ids):
            for found in self.s.execute(select(t).where(t.c.id.in_(chunk))).mappings():
                ours[found["id"]] = dict(found)
        ours_links = _links_of(self.s, sheet.table, list(ours)) if sheet.table in LINKS else {}
        bases = sync.load_bases(self.s, sheet.table, list(ours))
        gone = sync.deleted_here(self.s, sheet.table, [i for i in ids if i not in ours])
        counts = self.counts[sheet.title]
        inserts: list[dict] = []
        link_rows: list[tuple[str, tuple[str, ...]]] = []
        agreed: dict[str, sync.Base] = {}
        for row in rows:
            values = row.resolved
            theirs = self._fields(sheet.table, values, row.links)
            theirs_base = sync.decode(row.stamp.base) if row.stamp else None
            mine = ours.get(row.id)
            if mine is None:
                record = self._arriving(f, sheet, row, theirs, theirs_base, row.id in gone)
                if record is None:
                    counts.kept += 1  # untouched there since: our deletion stands
                    continue
                inserts.append(record)
                if row.links is not None:
                    link_rows.append((row.id, row.links))
                agreed[row.id] = sync.hashes(theirs)
                counts.added += 1
                continue
            mine_fields = self._fields(sheet.table, {k: mine.get(k) for k in values},
                                      ours_links.get(row.id, ()) if row.links is not None else None)
            differs = [k for k in theirs if mine_fields[k] != theirs[k]]
            if not differs:
                agreed[row.id] = sync.hashes(theirs)
                counts.unchanged += 1
                continue
            theirs_time = self.now if row.edited or not (row.stamp and row.stamp.updated) else row.stamp.updated
            theirs_newer = (theirs_time, row.digest) > (mine["updated_at"], _digest_of(mine_fields))
            # One side's base stands for both when the other has none yet: it is what that
            # side agreed on with the other's (or a shared) file.
            mine_base = bases.get(row.id) or theirs_base
            alike = mine_base is not None  # both sides decide a clash the same way
            if mine_base is None:  # neither side has read the other's file yet
                take, clash, theirs_newer = self._first_contact(row, mine, differs)
            else:
                take, clash = self._decide(differs, theirs, mine_fields, theirs_base or mine_base,
                                           mine_base, theirs_newer, _added(sheet))
            if clash:
                self._conflict(f, sheet, row, "fields", {k: mine_fields[k] for k in clash},
                               {k: theirs[k] for k in clash}, clash, kept="theirs" if theirs_newer else "ours")
                counts.conflicts += 1
            if take:
                change = {k: theirs[k] for k in take if k in values}
                merged = {**mine, **change}
                change.update(_derived(sheet.table, merged))
                change["updated_at"] = max(theirs_time, mine["updated_at"])
                self.s.execute(update(t).where(t.c.id == row.id).values(**change))
                if row.links is not None and LINKS[sheet.table][3] in take:
                    link_rows.append((row.id, row.links))
                if not clash:
                    counts.updated += 1
                    self.settled.add(row.id)
            elif not clash:
                counts.kept += 1
            agreed[row.id] = _agreed(theirs, mine_fields, take, clash, alike, bases.get(row.id, {}))
        self._write(sheet.table, inserts, link_rows, agreed)

    def _arriving(self, f: ParsedFile, sheet: S.Sheet, row: Row, theirs: dict,
                  theirs_base: sync.Base | None, deleted_here: bool) -> dict | None:
        """A row this database does not have: its record to insert, or None when it was deleted
        here and not edited there since (the deletion stands)."""
        values = row.resolved
        if deleted_here:
            parent_back = any(values.get(c) in self.brought_back for c in _parents(sheet.table))
            if not parent_back and not sync.changed_since(theirs_base, theirs):
                return None
            if not parent_back:
                # Edited there after we deleted it: the edit wins on both sides, listed.
                self._conflict(f, sheet, row, "deleted_here", {}, {}, ())
            self.brought_back.add(row.id)
        stamp = row.stamp
        created = stamp.created if stamp and stamp.created else self.now
        updated = stamp.updated if stamp and stamp.updated and not row.edited else self.now
        record = {"id": row.id, "created_at": created, "updated_at": updated,
                  **values, **_insert_defaults(sheet.table, row)}
        record.update(_derived(sheet.table, record))
        return record

    def _write(self, table: str, inserts: list[dict], link_rows: list[tuple[str, tuple[str, ...]]],
               agreed: dict[str, sync.Base]) -> None:
        """The sheet's new rows, the rows' links (a member's roles...) as the file has them, and
        the bases both sides now agree on."""
        if inserts:
            _bulk_insert(self.s, T[table], inserts)
        if link_rows:
            link_table, own, other, _key = LINKS[table]
            lt = T[link_table]
            for chunk in chunks([rid for rid, _l in link_rows]):
                self.s.execute(delete(lt).where(lt.c[own].in_(chunk)))
            pairs = [{own: rid, other: target} for rid, targets in link_rows for target in targets]
            if pairs:
                _bulk_insert(self.s, lt, pairs)
        sync.save_bases(self.s, table, {k: {f: h for f, h in v.items() if h} for k, v in agreed.items()})

    @staticmethod
    def _fields(table: str, values: dict, links: tuple[str, ...] | None) -> dict:
        """A row's fields as merged: its columns, and its links (roles, ...) as one field."""
        fields = dict(values)
        if links is not None:
            fields[LINKS[table][3]] = tuple(links)
        return fields

    @staticmethod
    def _first_contact(row: Row, mine: dict, differs: list[str]) -> tuple[list[str], list[str], bool]:
        """No base on either side: the row's stamps decide, as a whole row (take, clash, newer)."""
        exported = row.stamp.updated if row.stamp else None
        if not row.edited:
            if exported is not None and exported > mine["updated_at"]:
                return differs, [], True
            if exported is not None and exported < mine["updated_at"]:
                return [], [], False
            return [], differs, False  # the same time, different content: a person decides
        if exported is not None and mine["updated_at"] <= exported:
            return differs, [], True  # edited in Excel, ours untouched since it was written
        return [], differs, False

    @staticmethod
    def _decide(differs: list[str], theirs: dict, mine: dict, theirs_base: sync.Base,
                mine_base: sync.Base, theirs_newer: bool,
                added: frozenset[str] = frozenset()) -> tuple[list[str], list[str]]:
        """Which differing fields to take, and which both sides changed (exchange/sync.py).
        `added`: columns a later version added, which bases agreed before it do not know: when
        neither side's base knows one, the later row edit decides it, without a conflict."""
        take: list[str] = []
        clash: list[str] = []
        for key in differs:
            if key in added and key not in theirs_base and key not in mine_base:
                if theirs_newer:
                    take.append(key)
                continue
            they = sync.field_hash(theirs[key]) != theirs_base.get(key)
            we = sync.field_hash(mine[key]) != mine_base.get(key)
            if they and we:
                clash.append(key)
                if theirs_newer:
                    take.append(key)
            elif they or (not we and theirs_newer):
                take.append(key)
        return take, clash

    def apply_deletions(self, f: ParsedFile) -> None:
        """The file's deletions: our copy goes unless we changed it since we last agreed on it
        (then it stays, listed for a person); unknown ids are kept as deletions, to travel on."""
        by_table: dict[str, list[tuple[str, dt.datetime, dt.datetime | None]]] = defaultdict(list)
        for table, row_id, when, version in f.deletions:
            by_table[table].append((row_id, when, version))
        for sheet in S.APPLY_ORDER:
            wanted = by_table.get(sheet.table)
            if not wanted:
                continue
            t = T[sheet.table]
            ids = [row_id for row_id, _w, _v in wanted]
            ours: dict[str, dict] = {}
            for chunk in chunks(ids):
                for found in self.s.execute(select(t).where(t.c.id.in_(chunk))).mappings():
                    ours[found["id"]] = dict(found)
            bases = sync.load_bases(self.s, sheet.table, list(ours))
            links = _links_of(self.s, sheet.table, list(ours)) if sheet.table in LINKS else {}
            counts = self.counts[sheet.title]
            for row_id, when, version in wanted:
                mine = ours.get(row_id)
                if mine is not None and any(mine.get(c) in self.kept for c in _parents(sheet.table)):
                    self.kept.add(row_id)  # went with a parent that stays here
                    continue
                if mine is not None:
                    base = bases.get(row_id)
                    fields = {k: mine.get(k) for k in (base or {}) if k in mine}
                    if sheet.table in LINKS and base and LINKS[sheet.table][3] in base:
                        fields[LINKS[sheet.table][3]] = links.get(row_id, ())
                    # Ours is the version they deleted, or unchanged since we last agreed.
                    same_version = version is not None and mine["updated_at"] <= version
                    unchanged = base is not None and not sync.changed_since(base, fields)
                    if same_version or unchanged:
                        self.s.execute(delete(t).where(t.c.id == row_id))
                        counts.deleted += 1
                    else:
                        self._conflict_deleted_there(f, sheet, row_id, mine)
                        self.kept.add(row_id)
                        counts.conflicts += 1
                        continue
                sync.note_deletion(self.s, sheet.table, row_id, when, version)

    def clear_settled(self) -> None:
        """A conflict decided on the other PC arrives as a plain change: its record here goes,
        as does the record of a deletion conflict whose row is gone by now."""
        for key, value in self.s.execute(select(AppMeta.key, AppMeta.value)
                                         .where(AppMeta.key.like(CONFLICTS_LIKE))).all():
            record = json.loads(value)
            t = T[record["table"]]
            gone = self.s.execute(select(t.c.id).where(t.c.id == record["id"])).first() is None
            if record.get("kind", "fields") == "fields" and (record["id"] in self.settled or gone) or \
                    record.get("kind") != "fields" and gone:
                self.s.execute(delete(AppMeta).where(AppMeta.key == key))

    def _conflict(self, f: ParsedFile, sheet: S.Sheet, row: Row, kind: str, ours: dict, theirs: dict,
                  fields: Iterable[str], kept: str = "theirs") -> None:
        """Listed for a person: which fields, both versions of those fields only, which was kept."""
        headers = {c.key: c.header for c in sheet.columns}
        keys = {_field_header(sheet, k, headers): k for k in fields}
        listed = list(keys)
        if sheet.table == "area_map":  # the other image is not kept, so it cannot be put back
            keys = {h: k for h, k in keys.items() if k not in IMAGE_FIELDS}
        self._record(f, sheet, row.id, row.number, _label(row.values, row.id), kind, listed,
                     {_field_header(sheet, k, headers): _jsonable(v) for k, v in ours.items()},
                     {_field_header(sheet, k, headers): _jsonable(v) for k, v in theirs.items()}, kept,
                     keys)

    def _conflict_deleted_there(self, f: ParsedFile, sheet: S.Sheet, row_id: str, mine: dict) -> None:
        self._record(f, sheet, row_id, None, _label(mine, row_id), "deleted_there", [], {}, {}, "ours")

    def _record(self, f: ParsedFile, sheet: S.Sheet, row_id: str, number: int | None, label: str,
                kind: str, fields: list[str], ours: dict, theirs: dict, kept: str,
                keys: dict[str, str] | None = None) -> None:
        key = "conflict:" + str(uuid.uuid5(CONFLICT_NAMESPACE, f"{sheet.table}|{row_id}|{kind}|{sorted(fields)}"))
        record = {"kind": kind, "sheet": sheet.title, "table": sheet.table, "id": row_id, "label": label,
                  "file": f.name, "row": number, "imported_at": self.now.isoformat(timespec="seconds"),
                  "fields": fields, "ours": ours, "theirs": theirs, "kept": kept, "keys": keys or {}}
        self.conflicts.append(Conflict(f.name, sheet.title, number or 0, row_id, label, tuple(fields), key))
        put_meta(self.s, key, json.dumps(record, ensure_ascii=False))


@functools.cache
def _added(sheet: S.Sheet) -> frozenset[str]:
    return frozenset(c.key for c in sheet.columns if c.optional)


@functools.cache
def _parents(table: str) -> tuple[str, ...]:
    """Columns pointing at another exchanged row (a delete there cascades here)."""
    return tuple(fk.parent.name for fk in T[table].foreign_keys
                 if sync.is_synced(fk.column.table.name) and fk.ondelete == "CASCADE")


def _digest_of(fields: dict) -> str:
    return sync.field_hash(tuple(sorted((k, sync.field_hash(v) if isinstance(v, bytes) else repr(v))
                                        for k, v in fields.items())))


def make_room(session: Session, adopted: dict[str, str]) -> dict[str, list[str]]:
    """Delete the empty councils being adopted (their names are taken by the file's councils);
    returns the councils that were under each one, to put them under its successor."""
    council = T["council"]
    children: dict[str, list[str]] = {}
    for old in adopted:
        children[old] = list(session.scalars(select(council.c.id).where(council.c.parent_id == old)))
        session.execute(delete(council).where(council.c.id == old))
        for what in ("exported", "imported", "written"):
            session.execute(delete(AppMeta).where(AppMeta.key == f"{what}:{old}"))
    return children


def adopt(session: Session, adopted: dict[str, str], children: dict[str, list[str]]) -> None:
    """The adopted council's place: councils under it and the preference naming it follow."""
    council = T["council"]
    for old, new in adopted.items():
        for chunk in chunks(children.get(old, [])):
            session.execute(update(council).where(council.c.id.in_(chunk), council.c.parent_id.is_(None))
                            .values(parent_id=new))
        session.execute(update(AppMeta).where(AppMeta.key.like(preferences.PREFIX + "%"),
                                              AppMeta.value == old).values(value=new))


def put_meta(session: Session, key: str, value: str) -> None:
    meta = session.get(AppMeta, key)
    if meta is None:
        session.add(AppMeta(key=key, value=value))
    else:
        meta.value = value


def note_written(session: Session, f: ParsedFile) -> None:
    """When each council of the file wrote it (the file's own time, not the time of reading);
    an older file read again keeps the newer date already known (services.overview.written_dates
    reads it)."""
    if f.exported_at is None:
        return
    written = f.exported_at.isoformat(timespec="seconds")
    council_ids = {row.id for row in f.rows.get("council", ())} | {cid for cid, _n in f.councils}
    for cid in council_ids:
        key = f"written:{cid}"
        meta = session.get(AppMeta, key)
        if meta is None:
            session.add(AppMeta(key=key, value=written))
        elif _later(written, meta.value):
            meta.value = written


def _later(candidate: str, known: str) -> bool:
    try:
        return dt.datetime.fromisoformat(candidate) > dt.datetime.fromisoformat(known)
    except ValueError:
        return True


def _agreed(theirs: dict, mine: dict, take: Collection[str], clash: Collection[str], alike: bool,
            old: sync.Base) -> sync.Base:
    """The row's new base: what both now hold, and what a clash decided on both sides alike
    (`alike`); a field still differing keeps its old base."""
    final = {k: (theirs[k] if k in take else mine[k]) for k in theirs}
    return {k: sync.field_hash(v) if v == theirs[k] or (alike and k in clash) else old.get(k, "")
            for k, v in final.items()}


def _field_header(sheet: S.Sheet, key: str, headers: dict[str, str]) -> str:
    if sheet.table == "area_map" and key == "image":
        return "地図の画像"
    special = {"council_id": "協議体", "neighbourhood_id": "町内会", "category_id": "分類",
               "parent_id": "第1層協議体", "need_category_id": "ニーズの分類",
               "is_thinker": "区分", "is_provider": "区分"}
    return headers.get(key) or special.get(key, key)
