"""What an import could not decide alone, for a person: list, show in words, decide, clear.

Kinds (recorded by merge.py, in app_meta under "conflict:…"; only the differing fields of
both versions are kept, never the whole row):
- "fields": both sides changed the same fields. The later edit was kept on both PCs; the
  person may keep it or put the other version back.
- "deleted_there": the other side deleted a row we changed since; the row stayed here.
- "deleted_here": we deleted a row the other side changed since; it came back here.
For the deletions the person keeps the row or deletes it (the deletion then travels).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

from sqlalchemy import Date, DateTime, Time, delete, func, select, update

from app.errors import NotFoundError, UserError
from app.models import AppMeta, Base, utcnow
from app.services.meta_keys import CONFLICTS_LIKE
from app.store import Store

T = Base.metadata.tables
KIND_TEXT = {
    "fields": "両方で同じところが直されました",
    "deleted_there": "相手が削除した行を、こちらで直していました（こちらでは残しています）",
    "deleted_here": "こちらで削除した行を、相手が直していました（こちらに戻しています）",
}
# Link fields (merge.LINKS): the field name and the link table that holds it.
LINK_FIELDS = {"roles": ("member_role", "member_id", "role_id"),
               "resources": ("need_resource", "need_id", "resource_id"),
               "attendees": ("meeting_attendance", "meeting_id", "member_id")}
NAME_TABLES = ("role", "neighbourhood", "need_category", "resource_category", "resource", "member",
               "council")


@dataclasses.dataclass(frozen=True)
class FieldVersions:
    name: str       # the column's header: 電話, 備考, …
    kept: str       # in the database now, in words
    other: str      # the version not kept, in words


@dataclasses.dataclass(frozen=True)
class ConflictDTO:
    key: str
    kind: str
    what: str                 # KIND_TEXT
    sheet: str
    label: str                # whose row: a name, a title
    file: str
    noted_on: str             # when it was read, as stored (UTC, ISO)
    fields: tuple[FieldVersions, ...]

    @property
    def is_deletion(self) -> bool:
        return self.kind != "fields"


def _records(store: Store) -> list[tuple[str, dict]]:
    with store.session() as s:
        return [(key, json.loads(value)) for key, value in s.execute(
            select(AppMeta.key, AppMeta.value).where(AppMeta.key.like(CONFLICTS_LIKE)))]


def count_conflicts(store: Store) -> int:
    """How many wait for a person (ホーム, the ファイル page): one query, no names looked up."""
    with store.session() as s:
        return s.execute(select(func.count()).select_from(AppMeta)
                         .where(AppMeta.key.like(CONFLICTS_LIKE))).scalar_one()


def list_conflicts(store: Store) -> list[dict]:
    """The stored records as they are (newest first)."""
    records = [record | {"key": key} for key, record in _records(store)]
    return sorted(records, key=lambda r: r.get("imported_at", ""), reverse=True)


def conflicts(store: Store) -> list[ConflictDTO]:
    """Every undecided conflict in words (names, not ids), newest first."""
    names = _names(store)
    found = []
    for record in list_conflicts(store):
        versions = []
        for header in record.get("fields", []):
            ours, theirs = record.get("ours", {}).get(header), record.get("theirs", {}).get(header)
            kept, other = (theirs, ours) if record.get("kept") == "theirs" else (ours, theirs)
            versions.append(FieldVersions(header, _words(kept, names), _words(other, names)))
        found.append(ConflictDTO(record["key"], record.get("kind", "fields"),
                                 KIND_TEXT.get(record.get("kind", "fields"), ""), record.get("sheet", ""),
                                 record.get("label", ""), record.get("file", ""),
                                 record.get("imported_at", ""), tuple(versions)))
    return found


def _names(store: Store) -> dict[str, str]:
    found: dict[str, str] = {}
    with store.session() as s:
        for table in NAME_TABLES:
            t = T[table]
            found.update(s.execute(select(t.c.id, t.c.name)).all())
    return found


def _words(value: object, names: dict[str, str]) -> str:
    if value is None or value == "" or value == []:
        return "（空欄）"
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(value, list):
        return "、".join(names.get(str(v), str(v)) for v in value) or "（なし）"
    return names.get(str(value), str(value))


def resolve(store: Store, key: str, choice: str) -> str:
    """`choice`: "kept" (leave the database as it is), "other" (put the other version of the
    fields back), "keep" or "delete" (for a deletion). Returns what was done, in words; the
    record is cleared."""
    record = dict(_records(store)).get(key)
    if record is None:
        raise NotFoundError("その確認はもうありません（ほかの画面やパソコンで決めたのかもしれません）。")
    kind, table, row_id = record.get("kind", "fields"), record["table"], record["id"]
    allowed = ("kept", "other") if kind == "fields" else ("keep", "delete")
    if choice not in allowed:
        raise UserError(f"選べるのは {' / '.join(allowed)} です（{choice}）。")
    with store.session() as s:
        t = T[table]
        exists = s.execute(select(t.c.id).where(t.c.id == row_id)).first() is not None
        done = f"「{record.get('label', '')}」: "
        if choice == "other":
            if not exists:
                raise UserError(f"{done}行がもうないので、もう一方の内容に戻せません。")
            other = record["ours"] if record.get("kept") == "theirs" else record["theirs"]
            _put_back(s, table, row_id, record.get("keys", {}), other)
            done += "もう一方の内容に戻しました"
            if table == "area_map" and "地図の画像" in record.get("fields", []):
                done += "（地図の画像は戻せません。もう一方の画像は「地図の画像を選ぶ…」で入れ直してください）"
        elif choice == "delete":
            if exists:
                s.execute(delete(t).where(t.c.id == row_id))  # the deletion is recorded and travels
            done += "削除しました"
        else:
            done += "今の内容のままにしました"
        s.execute(delete(AppMeta).where(AppMeta.key == key))
    return done


def _put_back(session, table: str, row_id: str, keys: dict[str, str], values: dict) -> None:
    """The other version of the fields, as a new edit here (so it travels with the next file)."""
    t = T[table]
    change: dict[str, object] = {}
    for header, value in values.items():
        key = keys.get(header)
        if key is None:
            continue
        if key in LINK_FIELDS:
            link, own, other = LINK_FIELDS[key]
            lt = T[link]
            session.execute(delete(lt).where(lt.c[own] == row_id))
            for target in value or ():
                session.execute(lt.insert().values({own: row_id, other: target}))
            continue
        change[key] = _typed(t.c[key].type, value)
    change["updated_at"] = utcnow()
    session.execute(update(t).where(t.c.id == row_id).values(**change))


def _typed(kind, value: object) -> object:
    if value is None or not isinstance(value, str):
        return value
    if isinstance(kind, DateTime):
        return dt.datetime.fromisoformat(value)
    if isinstance(kind, Date):
        return dt.date.fromisoformat(value)
    if isinstance(kind, Time):
        return dt.time.fromisoformat(value)
    return value
