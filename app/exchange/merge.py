"""Reading exchange files back and merging them into the database.

Everything is checked before anything is written: the file itself (workbook.py), the sheets
and headers, every cell (the services' parsers, reading.py), every reference (協議体, 町内会,
役割, 分類, IDs) and every rule across fields (the services' own checks) against the database
and all the files given (here). Only then a verified backup is taken and the files are merged in
one transaction (merge_rows.py), so a problem in the 26th file leaves the database as it was.

Merging is by ID and, where both sides have read each other's files, field by field against the
base they agreed on (sync.py); deletions travel by id; what both changed is listed for a person
(conflicts.py). Files without bases (the first contact) are decided by the rows' stamps.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.errors import UserError, ValidationError
from app.exchange import map_sheet
from app.exchange import sheets as S
from app.exchange.merge_rows import (
    Merger,
    Progress,
    adopt,
    make_room,
    note_written,
    put_meta,
)
from app.exchange.reading import ImportFailed, ParsedFile, Problems, Row, read_file, where_in
from app.exchange.report import ImportReport
from app.models import Base, utcnow
from app.services import backups
from app.services import meetings as meeting_rules
from app.services import members as member_rules
from app.services import needs as need_rules
from app.services import neighbourhoods as neighbourhood_rules
from app.services import proposals as proposal_rules
from app.services import surveys as survey_rules
from app.services import tallies as tally_rules
from app.services.base import chunks
from app.services.councils import is_empty_council
from app.services.normalize import nfkc
from app.store import Store

T = Base.metadata.tables

__all__ = ["ImportFailed", "ImportReport", "import_files", "read_file", "resolve_all"]


# --- resolving references ----------------------------------------------------------------------

class Resolver:
    """Names and IDs looked up in the database and in every file being imported."""

    def __init__(self, session: Session, files: Sequence[ParsedFile]) -> None:
        self.s = session
        self.files = files
        council = T["council"]
        self.db_councils = {cid: (name, tier) for cid, name, tier in session.execute(
            select(council.c.id, council.c.name, council.c.tier))}
        self.file_councils: dict[str, tuple[str, int]] = {}
        for f in files:
            for row in f.rows.get("council", ()):
                self.file_councils[row.id] = (row.values["name"], row.values["tier"])
        self.council_by_name: dict[str, str] = {nfkc(name): cid for cid, (name, _t) in self.db_councils.items()
                                                if cid not in self.file_councils}
        for cid, (name, _tier) in self.file_councils.items():
            self.council_by_name[nfkc(name)] = cid
        self.roles = {nfkc(n): i for i, n in session.execute(select(T["role"].c.id, T["role"].c.name))}
        self.need_categories = {nfkc(n): i for i, n in session.execute(
            select(T["need_category"].c.id, T["need_category"].c.name))}
        self.resource_categories = {nfkc(n): i for i, n in session.execute(
            select(T["resource_category"].c.id, T["resource_category"].c.name))}
        self.council_ids: set[str] = set(self.file_councils)
        self.neighbourhoods: dict[tuple[str, str], str] = {}
        self.resources: dict[tuple[str, str], set[str]] = defaultdict(set)
        # id -> council id (or parent id for tally/survey children), for rows in files and DB
        self.owner: dict[str, dict[str, object]] = defaultdict(dict)

    # councils
    def tier_of(self, council_id: str) -> int | None:
        found = self.file_councils.get(council_id) or self.db_councils.get(council_id)
        return found[1] if found else None

    def council(self, name: object, f: ParsedFile) -> str:
        if name in (None, ""):
            ids = {cid for cid, _n in f.councils} or {r.id for r in f.rows.get("council", ())}
            if len(ids) == 1:
                return next(iter(ids))
            raise ValidationError(S.COUNCIL, "どの協議体の行か、協議体の名前を入力してください")
        found = self.council_by_name.get(nfkc(str(name)))
        if found is None:
            raise ValidationError(S.COUNCIL, f"協議体「{name}」がシート「協議体」にもデータベースにもありません")
        return found

    def load_council_scope(self, council_ids: Iterable[str]) -> None:
        """What the database already has for these councils: 町内会 and resource names."""
        ids = [c for c in council_ids if c in self.db_councils]
        nb, res = T["neighbourhood"], T["resource"]
        file_nb = {r.id for f in self.files for r in f.rows.get("neighbourhood", ())}
        file_res = {r.id for f in self.files for r in f.rows.get("resource", ())}
        for chunk in chunks(ids):
            for nid, cid, name in self.s.execute(select(nb.c.id, nb.c.council_id, nb.c.name)
                                                 .where(nb.c.council_id.in_(chunk))):
                if nid not in file_nb:
                    self.neighbourhoods.setdefault((cid, nfkc(name)), nid)
            for rid, cid, name in self.s.execute(select(res.c.id, res.c.council_id, res.c.name)
                                                 .where(res.c.council_id.in_(chunk))):
                if rid not in file_res:
                    self.resources[(cid, nfkc(name))].add(rid)
                    self.owner["resource"][rid] = cid

    def neighbourhood(self, council_id: str, name: object, label: str = "町内会") -> str | None:
        if name in (None, ""):
            return None
        found = self.neighbourhoods.get((council_id, nfkc(str(name))))
        if found is None:
            council = self.council_name(council_id)
            raise ValidationError(label, f"「{name}」は{council}の町内会にありません（シート「町内会」に加えてください）")
        return found

    def council_name(self, council_id: str) -> str:
        found = self.file_councils.get(council_id) or self.db_councils.get(council_id)
        return found[0] if found else council_id

    def reference(self, table: str, name: object, label: str) -> str | None:
        if name in (None, ""):
            return None
        lookup = {"role": self.roles, "need_category": self.need_categories,
                  "resource_category": self.resource_categories}[table]
        found = lookup.get(nfkc(str(name)))
        if found is None:
            names = "、".join(sorted(lookup, key=lambda n: n))
            raise ValidationError(label, f"「{name}」は一覧にありません（{names}）")
        return found

    # rows referenced by ID
    def owner_of(self, table: str, row_id: str, label: str, column: str) -> object:
        owners = self.owner[table]
        if row_id in owners:
            return owners[row_id]
        t = T[table.removesuffix("_persons")]
        found = self.s.execute(select(t.c[column]).where(t.c.id == row_id)).first()
        if found is None:
            raise ValidationError(label, f"ID {row_id} の行がファイルにもデータベースにもありません")
        owners[row_id] = found[0]
        return found[0]

    def prefetch(self, table: str, column: str, ids: Iterable[str]) -> None:
        owners = self.owner[table]
        wanted = [i for i in set(ids) if i not in owners]
        t = T[table]
        for chunk in chunks(wanted):
            for row_id, value in self.s.execute(select(t.c.id, t.c[column]).where(t.c.id.in_(chunk))):
                owners[row_id] = value


def _council_row(row: Row, r: Resolver, f: ParsedFile, notes: list[str]) -> None:
    v = row.values
    values = {k: v[k] for k in ("name", "tier", "area_name", "founded_on", "meeting_place",
                                "meeting_schedule", "population", "households", "aged_65_plus",
                                "aged_75_plus", "stated_aging_rate", "stats_as_of", "note")}
    parent_name = v.get("parent")
    parent_id = None
    if v["tier"] == 1:
        if parent_name:
            raise ValidationError("第1層協議体", "第1層の協議体は、ほかの協議体の下には入りません（空けてください）")
    elif parent_name:
        parent_id = r.council_by_name.get(nfkc(str(parent_name)))
        if parent_id == row.id:
            raise ValidationError("第1層協議体", "自分自身を上の協議体にはできません")
        if parent_id is not None and r.tier_of(parent_id) != 1:
            raise ValidationError("第1層協議体", f"「{parent_name}」は第1層の協議体ではありません")
        if parent_id is None:
            tier1 = {cid for cid, (_n, tier) in {**r.db_councils, **r.file_councils}.items() if tier == 1}
            if len(tier1) == 1:
                parent_id = next(iter(tier1))
                notes.append(f"{f.name}: 協議体「{v['name']}」の第1層協議体「{parent_name}」が見つからないので、"
                             f"「{r.council_name(parent_id)}」の下に入れました。")
            else:
                notes.append(f"{f.name}: 協議体「{v['name']}」の第1層協議体「{parent_name}」が見つからないので、"
                             "つながりなしで取り込みました。")
    values["parent_id"] = parent_id
    row.resolved = values


def _resolve_row(table: str, row: Row, r: Resolver, f: ParsedFile, notes: list[str]) -> None:  # noqa: C901 - one branch per sheet, its references and rules side by side
    v = row.values
    if table == "council":
        _council_row(row, r, f, notes)
        return
    out: dict[str, object] = {}
    if table in ("council_contact", "vision_revision", "neighbourhood", "member", "training", "need",
                 "tally", "survey", "resource", "meeting", "area_map", "proposal"):
        out["council_id"] = council_id = r.council(v.get("council"), f)
        r.owner[table][row.id] = council_id
    if table == "council_contact":
        out.update({k: v[k] for k in ("position", "kind", "name", "person", "phone")})
    elif table == "vision_revision":
        out.update({k: v[k] for k in ("phrase", "subtitle", "decided_on", "note")})
    elif table == "neighbourhood":
        out.update({k: v[k] for k in ("name", "position", "households", "population", "aged_65_plus",
                                      "aged_75_plus", "stated_aging_rate", "stats_as_of")})
        if "map_x" in v:  # a file written before 町内会 had a place on the map has no such columns
            if (v["map_x"] is None) != (v["map_y"] is None):
                raise ValidationError("地図の位置（横）", "横と縦の両方を入れるか、両方を空けてください")
            out.update(map_x=v["map_x"], map_y=v["map_y"])
        neighbourhood_rules.check_counts(v)
    elif table == "member":
        out.update({k: v[k] for k in ("name", "furigana", "is_core", "registered_on",
                                      "last_confirmed_on", "status", "phone", "address", "note",
                                      "consent_handbook", "consent_share_contact", "left_on")
                    if k not in row.withheld and k in v})  # 退会日: not in a file written before
        out["is_thinker"], out["is_provider"] = v["kinds"]
        out["neighbourhood_id"] = r.neighbourhood(council_id, v["neighbourhood"])
        member_rules.check_dates(v)
        row.links = tuple(sorted({r.reference("role", n, "役割") for n in v["roles"]}))  # type: ignore[misc]
        r.owner["member"][row.id] = council_id
    elif table == "training":
        out.update({k: v[k] for k in ("held_on", "title", "venue", "participant_count", "note")})
        r.owner["training"][row.id] = council_id
    elif table == "training_attendance":
        training_council = r.owner_of("training", v["training_id"], "研修ID", "council_id")
        member_council = r.owner_of("member", v["member_id"], "メンバーID", "council_id")
        if training_council != member_council:
            raise ValidationError("メンバーID", "研修と別の協議体のメンバーです")
        out.update({k: v[k] for k in ("training_id", "member_id", "completed")})
    elif table == "need":
        out.update({k: v[k] for k in ("description", "count", "source", "noted_on", "status", "resolved_on")
                    if k in v})  # 解決日: not in a file written before
        need_rules.check_dates(v)
        out["category_id"] = r.reference("need_category", v["category"], "分類")
        out["neighbourhood_id"] = r.neighbourhood(council_id, v["neighbourhood"])
        row.links = tuple(sorted({rid for e in v["resources"] for rid in _resource_entries(r, council_id, e)}))
    elif table == "tally":
        out.update({k: v[k] for k in ("kind", "title", "period_from", "period_to", "source", "note")})
        tally_rules.check_period(v["period_from"], v["period_to"])
        r.owner["tally"][row.id] = council_id
    elif table == "tally_column":
        r.owner_of("tally", v["tally_id"], "集計表ID", "council_id")
        out.update({k: v[k] for k in ("tally_id", "position", "group", "label")})
        out["need_category_id"] = r.reference("need_category", v["need_category"], "ニーズの分類")
        r.owner["tally_column"][row.id] = v["tally_id"]
    elif table == "tally_row":
        tally_council = r.owner_of("tally", v["tally_id"], "集計表ID", "council_id")
        out.update({k: v[k] for k in ("tally_id", "position", "label", "target_persons")})
        out["neighbourhood_id"] = r.neighbourhood(str(tally_council), v["neighbourhood"])
        r.owner["tally_row"][row.id] = v["tally_id"]
        r.owner["tally_row_persons"][row.id] = v["target_persons"]
    elif table == "tally_cell":
        row_tally = r.owner_of("tally_row", v["row_id"], "行ID", "tally_id")
        column_tally = r.owner_of("tally_column", v["column_id"], "列ID", "tally_id")
        if row_tally != column_tally:
            raise ValidationError("列ID", "行と列が別の集計表のものです")
        persons = r.owner_of("tally_row_persons", v["row_id"], "行ID", "target_persons")
        if persons is not None and v["count"] > persons:
            raise ValidationError("数", f"{v['count']}人は対象人数（{persons}人）より多いので入りません")
        out.update({k: v[k] for k in ("row_id", "column_id", "count")})
    elif table in SURVEY_TABLES:
        out.update(_survey_row(table, row, r))
    elif table == "resource":
        out.update({k: v[k] for k in ("name", "content", "operator_type", "representative", "phone",
                                      "venue", "schedule_text", "skip_holidays", "target", "fee",
                                      "created_by_council", "last_verified_on", "map_x", "map_y",
                                      "note", "position", "started_on") if k in v})
        out["category_id"] = r.reference("resource_category", v["category"], "分類")
        out["neighbourhood_id"] = r.neighbourhood(council_id, v["neighbourhood"])
        start, end = S.first_slot(v["schedule_text"] or "")
        for key, label, derived in (("start_info", "開始", start), ("end_info", "終了", end)):
            if v.get(key) is not None and v[key] != derived:
                raise ValidationError(label, "開始・終了は「日程」から決まります。時刻は「日程」の欄を直してください")
        r.owner["resource"][row.id] = council_id
    elif table == "area_map":
        out.update(map_sheet.resolve(row, f.images))
    elif table == "proposal":
        out.update({k: v[k] for k in ("title", "detail", "raised_to", "raised_on", "status", "answer",
                                      "answered_on", "note") if k not in row.withheld})
        proposal_rules.check_values(v)
    elif table == "meeting":
        out.update({k: v[k] for k in ("held_on", "start_time", "end_time", "kind", "title", "venue",
                                      "attendance_count", "minutes")})
        attendees = v["attendees"]
        meeting_rules.check_values(v, len(attendees))
        for member_id in attendees:
            if r.owner_of("member", member_id, "出席メンバーID", "council_id") != council_id:
                raise ValidationError("出席メンバーID", f"ID {member_id} はこの協議体のメンバーではありません")
        row.links = tuple(attendees)
    row.resolved = out


SURVEY_TABLES = ("survey", "survey_question", "survey_choice", "survey_response", "survey_answer")


def _survey_row(table: str, row: Row, r: Resolver) -> dict[str, object]:
    """A survey's rows and their references: each child belongs to the same survey as what it
    names (a sub-choice to its choice's question, an answer to its form's survey)."""
    v = row.values
    if table == "survey":
        survey_rules.check_counts(v)
        return {k: v[k] for k in ("title", "conducted_on", "distributed", "returned", "note", "entry")
                if k in v}
    if table == "survey_question":
        r.owner_of("survey", v["survey_id"], "アンケートID", "council_id")
        r.owner["survey_question"][row.id] = v["survey_id"]
        return {k: v[k] for k in ("survey_id", "position", "text", "kind")}
    if table == "survey_choice":
        r.owner_of("survey_question", v["question_id"], "設問ID", "survey_id")
        r.owner["survey_choice"][row.id] = v["question_id"]
        out = {k: v[k] for k in ("question_id", "position", "text", "count")}
        if "parent_id" in v:  # a file written before sub-choices has no such column
            parent = v["parent_id"]
            if parent is not None and (parent == row.id or r.owner_of(
                    "survey_choice", parent, "上の選択肢ID", "question_id") != v["question_id"]):
                raise ValidationError("上の選択肢ID", "同じ設問のほかの選択肢を指してください")
            out["parent_id"] = parent
        return out
    if table == "survey_response":
        council_id = r.owner_of("survey", v["survey_id"], "アンケートID", "council_id")
        r.owner["survey_response"][row.id] = v["survey_id"]
        out = {"survey_id": v["survey_id"], "number": v["number"],
               "neighbourhood_id": r.neighbourhood(str(council_id), v["neighbourhood"])}
        return out if "note" in row.withheld else {**out, "note": v["note"]}
    survey = r.owner_of("survey_response", v["response_id"], "回答用紙ID", "survey_id")
    if r.owner_of("survey_question", v["question_id"], "設問ID", "survey_id") != survey:
        raise ValidationError("設問ID", "回答用紙と別のアンケートの設問です")
    choice = v["choice_id"]
    if choice is not None and r.owner_of("survey_choice", choice, "選択肢ID",
                                         "question_id") != v["question_id"]:
        raise ValidationError("選択肢ID", "この設問の選択肢ではありません")
    if choice is None and not v["text"] and "text" not in row.withheld:
        raise ValidationError("選択肢ID", "選んだ選択肢のIDか、書かれたことを入れてください")
    return {k: v[k] for k in ("response_id", "question_id", "choice_id", "text")
            if k not in row.withheld}


def _resource_entries(r: Resolver, council_id: str, entry: str) -> list[str]:
    """One line of 対応する社会資源: a name, 「名前［ID］」, or several names typed with 、."""
    try:
        return [_resource_entry(r, council_id, entry)]
    except ValidationError:
        parts = [p.strip() for p in entry.split("、") if p.strip()]
        if len(parts) < 2:
            raise
        return [_resource_entry(r, council_id, p) for p in parts]


def _resource_entry(r: Resolver, council_id: str, entry: str) -> str:
    label = "対応する社会資源"
    if entry.endswith("］") and "［" in entry:
        name, _sep, rest = entry.rpartition("［")
        rid = S.required_id(rest[:-1], label)
        if r.owner_of("resource", rid, label, "council_id") != council_id:
            raise ValidationError(label, f"「{name}」はこの協議体の社会資源ではありません")
        return rid
    found = r.resources.get((council_id, nfkc(entry)), set())
    if not found:
        raise ValidationError(label, f"「{entry}」はこの協議体の社会資源にありません（シート「社会資源」の名称で書いてください）")
    if len(found) > 1:
        raise ValidationError(label, f"「{entry}」という社会資源が{len(found)}件あります。"
                                     "「名称［ID］」の形でどれか指定してください")
    return next(iter(found))


def resolve_all(session: Session, files: Sequence[ParsedFile], problems: Problems) -> list[str]:
    """Turn every parsed row into stored values; returns notes. Problems collect the failures."""
    r = Resolver(session, files)
    notes: list[str] = []
    _check_unique_councils(r, files, problems)
    r.load_council_scope(_councils_named(r, files))
    _register_names(r, files, problems)
    _prefetch(r, files)
    for sheet in S.APPLY_ORDER:
        for f in files:
            for row in S.in_apply_order(sheet.table, f.rows.get(sheet.table, ())):
                try:
                    _resolve_row(sheet.table, row, r, f, notes)
                except ValidationError as exc:
                    problems.add(f"{where_in(f.name, sheet.title, row.number, exc.field)}: {exc.reason}")
                if problems.full:
                    return notes
    _check_unique_rows(session, files, problems)
    _check_providers(session, files, problems)
    return notes


def _register_names(r: Resolver, files: Sequence[ParsedFile], problems: Problems) -> None:
    """町内会 and resources of the files go in before the rows that name them."""
    file_neighbourhoods = _file_ids(files, "neighbourhood")
    for f in files:
        for row in f.rows.get("neighbourhood", ()):
            try:
                cid = r.council(row.values.get("council"), f)
            except ValidationError:
                continue
            key = (cid, nfkc(row.values["name"]))
            other = r.neighbourhoods.get(key)
            if other is not None and other != row.id and other not in file_neighbourhoods:
                problems.add(f"{where_in(f.name, '町内会', row.number, '町内会名')}: 「{row.values['name']}」は"
                             f"{r.council_name(cid)}にもう別のIDで登録されています。")
            r.neighbourhoods[key] = row.id
        for row in f.rows.get("resource", ()):
            try:
                cid = r.council(row.values.get("council"), f)
            except ValidationError:
                continue
            r.resources[(cid, nfkc(row.values["name"]))].add(row.id)


def _prefetch(r: Resolver, files: Sequence[ParsedFile]) -> None:
    """The members and trainings the attendance rows name, looked up once per file."""
    for f in files:
        prefetch = defaultdict(set)
        for row in f.rows.get("training_attendance", ()):
            prefetch[("member", "council_id")].add(row.values["member_id"])
            prefetch[("training", "council_id")].add(row.values["training_id"])
        for row in f.rows.get("meeting", ()):
            prefetch[("member", "council_id")].update(row.values["attendees"])
        for (table, column), ids in prefetch.items():
            r.prefetch(table, column, ids)


def _file_ids(files: Sequence[ParsedFile], table: str) -> set[str]:
    return {row.id for f in files for row in f.rows.get(table, ())}


def _councils_named(r: Resolver, files: Sequence[ParsedFile]) -> set[str]:
    """Councils whose rows the files carry (by the 協議体 column or as the file's council)."""
    found = set(r.file_councils)
    names: set[str | None] = set()
    for f in files:
        found.update(cid for cid, _n in f.councils)
        for sheet in S.SHEETS:
            if sheet.scoped:
                names.update({row.values.get("council") for row in f.rows.get(sheet.table, ())})
    for name in names - {None, ""}:
        cid = r.council_by_name.get(nfkc(str(name)))
        if cid:
            found.add(cid)
    return found


def _check_unique_councils(r: Resolver, files: Sequence[ParsedFile], problems: Problems) -> None:
    """One council per name. An empty council of the same name in the database (made on a new
    PC before its own file was read) is replaced by the file's council: it is adopted."""
    by_name: dict[str, str] = {}
    for cid, (name, _tier) in r.db_councils.items():
        if cid not in r.file_councils:
            by_name[nfkc(name)] = cid
    adopted: set[str] = set()
    for f in files:
        for row in f.rows.get("council", ()):
            key = nfkc(row.values["name"])
            other = by_name.get(key)
            if (other is not None and other != row.id and other in r.db_councils
                    and other not in r.file_councils and other not in adopted
                    and is_empty_council(r.s, other)):
                adopted.add(other)
                f.adopted[other] = row.id
                name = r.db_councils[other][0]
                f.notes.append(f"この協議体「{name}」は空だったので、ファイルの{row.values['name']}のデータを"
                               "そのまま使いました。")
                by_name[key] = row.id
                continue
            if other is not None and other != row.id:
                where = "データベース" if other in r.db_councils and other not in r.file_councils else "別のファイル"
                problems.add(f"{where_in(f.name, '協議体', row.number, '名前')}: 協議体「{row.values['name']}」は"
                             f"{where}に別のIDで登録されています。同じ名前の協議体は二つ持てません"
                             "（名前を変えるか、同じ協議体のファイルか確かめてください）。")
            by_name[key] = row.id


def _check_unique_rows(session: Session, files: Sequence[ParsedFile], problems: Problems) -> None:
    """A 数 per (行, 列) and one attendance per (研修, メンバー), across files and database."""
    for table, a, b, sheet in (("tally_cell", "row_id", "column_id", "集計表の数"),
                               ("training_attendance", "training_id", "member_id", "研修の出席")):
        rows = [(f, row) for f in files for row in f.rows.get(table, ())]
        if not rows:
            continue
        t = T[table]
        keys: dict[tuple, str] = {}
        parents = list({row.values[a] for _f, row in rows})
        file_ids = {row.id for _f, row in rows}
        for chunk in chunks(parents):
            for rid, x, y in session.execute(select(t.c.id, t.c[a], t.c[b]).where(t.c[a].in_(chunk))):
                if rid not in file_ids:
                    keys[(x, y)] = rid
        for f, row in rows:
            key = (row.values[a], row.values[b])
            other = keys.get(key)
            if other is not None and other != row.id:
                problems.add(f"{where_in(f.name, sheet, row.number)}: 同じ組み合わせの行が別のIDでもうあります（ID {other}）。")
            keys[key] = row.id


def _check_providers(session: Session, files: Sequence[ParsedFile], problems: Problems) -> None:
    """サービスの担い手 only after a completed 担い手養成講座, as the member form insists."""
    providers = [(f, row) for f in files for row in f.rows.get("member", ())
                 if row.resolved.get("is_provider")]
    if not providers:
        return
    completed: dict[str, set[str]] = defaultdict(set)  # member -> attendance ids completed
    in_files: dict[str, bool] = {}
    for f in files:
        for row in f.rows.get("training_attendance", ()):
            in_files[row.id] = bool(row.values["completed"])
            if row.values["completed"]:
                completed[row.values["member_id"]].add(row.id)
    ta = T["training_attendance"]
    members = [row.id for _f, row in providers]
    for chunk in chunks(members):
        for aid, member_id in session.execute(select(ta.c.id, ta.c.member_id).where(
                ta.c.member_id.in_(chunk), ta.c.completed.is_(True))):
            if in_files.get(aid, True):
                completed[member_id].add(aid)
    for f, row in providers:
        if not completed.get(row.id):
            problems.add(f"{where_in(f.name, 'メンバー', row.number, '区分')}: 担い手養成講座を修了した人だけが"
                         "「サービスの担い手」になれます（シート「研修の出席」で修了を記録してください）。")


# --- the whole import --------------------------------------------------------------------------

def import_files(store: Store, paths: Sequence[Path | str], *, password: str | None = None,
                 dry_run: bool = False, now: dt.datetime | None = None,
                 progress: Progress | None = None) -> ImportReport:
    """Check every file completely, then back up and merge them all in one transaction.

    `progress(step, done, total)` is called as files are read ("確認", per file) and merged
    ("まとめ", per sheet), e.g. for a progress bar; it runs in the caller's thread. It may raise
    (the window's 中止, ui/worker.py) up to its last call ("まとめ", total, total), just before
    the commit: the transaction rolls back and the backup taken before stays."""
    paths = [Path(p) for p in paths]
    if not paths:
        raise UserError("読み込むファイルを指定してください。")
    tell = progress or (lambda _step, _done, _total: None)
    problems = Problems()
    parsed: list[ParsedFile] = []
    for number, path in enumerate(paths):
        tell("確認", number, len(paths))
        found = read_file(Path(path), password, problems)
        if found is not None:
            parsed.append(found)
        if problems.full:
            break
    problems.raise_if_any()
    now = now or utcnow()
    with store.session() as s:
        notes = resolve_all(s, parsed, problems)
    problems.raise_if_any()
    for f in parsed:
        notes.extend(f.notes)
    tell("確認", len(paths), len(paths))  # every file checked; stopped here, not even a backup
    backup = None
    if not dry_run:
        backup = backups.backup_now(store, "before-import").path  # verified, history thinned
    session = Session(store.engine, expire_on_commit=False)
    try:
        # A larger page cache for this transaction: inserting tens of thousands of rows with
        # random UUID keys touches index pages all over the file.
        session.connection().exec_driver_sql("PRAGMA cache_size=-65536")
        adopted = {old: new for f in parsed for old, new in f.adopted.items()}
        children = make_room(session, adopted)
        notes.extend(map_sheet.keep_one_map(session, parsed, now))
        merger = Merger(session, now, tell)
        merger.merge(parsed)
        for f in parsed:
            merger.apply_deletions(f)
        merger.clear_settled()
        adopt(session, adopted, children)
        tell("まとめ", len(S.APPLY_ORDER), len(S.APPLY_ORDER))  # the last point to stop
        if dry_run:
            session.rollback()
        else:
            stamp = now.isoformat(timespec="seconds")
            council_ids = {row.id for f in parsed for row in f.rows.get("council", ())}
            council_ids |= {cid for f in parsed for cid, _n in f.councils}
            for cid in council_ids:
                put_meta(session, f"imported:{cid}", stamp)
            for f in parsed:
                note_written(session, f)
            session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise UserError("取り込めませんでした（データベースの決まりに合わない行があります: "
                        f"{str(exc.orig)[:200]}）。データベースは変えていません。") from None
    except Exception as exc:
        session.rollback()
        from app.store import write_failure  # disk full, read-only, an OSError: one sentence

        failure = write_failure(store.path, exc)
        if failure is None:
            raise
        raise UserError(f"取り込めませんでした。{failure}データベースは変えていません。") from None
    except BaseException:
        session.rollback()
        raise
    finally:
        with contextlib.suppress(Exception):
            session.connection().exec_driver_sql("PRAGMA cache_size=-2000")
        session.close()
    names = tuple(dict.fromkeys(n for f in parsed for _cid, n in f.councils))
    return ImportReport(tuple(f.name for f in parsed), names, merger.counts, merger.conflicts,
                        notes, backup, dry_run)
