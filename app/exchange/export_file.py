"""The coordinator's file: every sheet of the chosen councils in one real .xlsx.

Each sheet has a hidden last column holding, per row, when the row was made and last changed
in the database it came from and a hash of its content as written. Excel does not touch it, so
on import a row whose cells no longer match its hash was edited in Excel, and the stamps say
which side changed since: that is how a merge tells "newer", "older" and "edited on both sides"
apart without a shared history.

Contact details of members who did not agree to share them are not written (the cell says
（非公開）, and import leaves the stored value alone); `anonymize` also leaves out names, ふりがな,
addresses and notes of all members.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import io
import os
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

import openpyxl
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import __version__
from app.errors import UserError, file_problem
from app.exchange import map_sheet, sync
from app.exchange import sheets as S
from app.exchange.writer import prepare_row, setup_sheet
from app.models import AppMeta, Base, utcnow
from app.services.normalize import nfkc
from app.store import Store

T = Base.metadata.tables


@dataclasses.dataclass(frozen=True)
class ExportReport:
    path: Path
    councils: tuple[str, ...]
    rows: dict[str, int]  # sheet title -> data rows
    anonymized: bool
    encrypted: bool


class Names:
    """Everything a row needs to show its references by name, loaded once per export."""

    def __init__(self, session: Session, council_ids: Sequence[str]) -> None:
        ids = list(council_ids)
        self.council = dict(session.execute(select(T["council"].c.id, T["council"].c.name)).all())
        nb = T["neighbourhood"]
        self.neighbourhood = dict(session.execute(
            select(nb.c.id, nb.c.name).where(nb.c.council_id.in_(ids))).all())
        self.role = dict(session.execute(select(T["role"].c.id, T["role"].c.name)).all())
        self.need_category = dict(session.execute(
            select(T["need_category"].c.id, T["need_category"].c.name)).all())
        self.resource_category = dict(session.execute(
            select(T["resource_category"].c.id, T["resource_category"].c.name)).all())
        res = T["resource"]
        self.resource: dict[str, tuple[str, str]] = {
            rid: (council_id, name) for rid, council_id, name in session.execute(
                select(res.c.id, res.c.council_id, res.c.name).where(res.c.council_id.in_(ids)))}
        seen: dict[tuple[str, str], int] = defaultdict(int)
        for council_id, name in self.resource.values():
            seen[(council_id, nfkc(name))] += 1
        self.ambiguous_resources = {key for key, count in seen.items() if count > 1}
        self.roles_of: dict[str, list[str]] = defaultdict(list)
        mr, role = T["member_role"], T["role"]
        member = T["member"]
        for member_id, role_id in session.execute(
                select(mr.c.member_id, mr.c.role_id).join(role, role.c.id == mr.c.role_id)
                .join(member, member.c.id == mr.c.member_id)
                .where(member.c.council_id.in_(ids)).order_by(role.c.position)):
            self.roles_of[member_id].append(role_id)
        self.resources_of: dict[str, list[str]] = defaultdict(list)
        nr, need = T["need_resource"], T["need"]
        for need_id, resource_id in session.execute(
                select(nr.c.need_id, nr.c.resource_id).join(need, need.c.id == nr.c.need_id)
                .where(need.c.council_id.in_(ids))):
            self.resources_of[need_id].append(resource_id)
        self.attendees_of: dict[str, list[str]] = defaultdict(list)
        ma, meeting = T["meeting_attendance"], T["meeting"]
        for meeting_id, member_id in session.execute(
                select(ma.c.meeting_id, ma.c.member_id).join(meeting, meeting.c.id == ma.c.meeting_id)
                .where(meeting.c.council_id.in_(ids))):
            self.attendees_of[meeting_id].append(member_id)
        self.member_name = dict(session.execute(
            select(member.c.id, member.c.name).where(member.c.council_id.in_(ids))).all())
        tr = T["training"]
        self.training = {tid: f"{title}（{held.isoformat()}）" for tid, title, held in session.execute(
            select(tr.c.id, tr.c.title, tr.c.held_on).where(tr.c.council_id.in_(ids)))}
        tally, trow, tcol = T["tally"], T["tally_row"], T["tally_column"]
        self.tally_row = dict(session.execute(
            select(trow.c.id, trow.c.label).join(tally, tally.c.id == trow.c.tally_id)
            .where(tally.c.council_id.in_(ids))).all())
        self.tally_column = dict(session.execute(
            select(tcol.c.id, tcol.c.label).join(tally, tally.c.id == tcol.c.tally_id)
            .where(tally.c.council_id.in_(ids))).all())

    def resource_entry(self, resource_id: str) -> str:
        council_id, name = self.resource.get(resource_id, ("", resource_id))
        if (council_id, nfkc(name)) in self.ambiguous_resources:
            return f"{name}［{resource_id}］"
        return name


# --- per sheet: which rows, and each row as cells -------------------------------------------------

def _query(sheet: S.Sheet, ids: list[str]):
    t = T[sheet.table]
    if sheet.table == "council":
        return select(t).where(t.c.id.in_(ids)).order_by(t.c.tier, t.c.created_at, t.c.name)
    if "council_id" in t.c:
        order = [t.c.council_id]
        for name in ("position", "sort_key", "held_on", "noted_on", "decided_on", "name", "title"):
            if name in t.c:
                order.append(t.c[name])
        return select(t).where(t.c.council_id.in_(ids)).order_by(*order, t.c.id)
    parent = {"training_attendance": ("training_id", "training"),
              "tally_column": ("tally_id", "tally"), "tally_row": ("tally_id", "tally"),
              "survey_question": ("survey_id", "survey"), "survey_response": ("survey_id", "survey")}
    if sheet.table in parent:
        column, table = parent[sheet.table]
        p = T[table]
        order = [t.c[column]] + ([t.c.position] if "position" in t.c else [])
        return (select(t).where(t.c[column].in_(select(p.c.id).where(p.c.council_id.in_(ids))))
                .order_by(*order, t.c.id))
    if sheet.table == "tally_cell":
        trow, tally = T["tally_row"], T["tally"]
        rows = select(trow.c.id).join(tally, tally.c.id == trow.c.tally_id).where(
            tally.c.council_id.in_(ids))
        return select(t).where(t.c.row_id.in_(rows)).order_by(t.c.row_id, t.c.column_id)
    if sheet.table == "survey_choice":
        q, survey = T["survey_question"], T["survey"]
        questions = select(q.c.id).join(survey, survey.c.id == q.c.survey_id).where(
            survey.c.council_id.in_(ids))
        return select(t).where(t.c.question_id.in_(questions)).order_by(
            t.c.question_id, t.c.position, t.c.id)
    if sheet.table == "survey_answer":
        form, survey = T["survey_response"], T["survey"]
        forms = select(form.c.id).join(survey, survey.c.id == form.c.survey_id).where(
            survey.c.council_id.in_(ids))
        return select(t).where(t.c.response_id.in_(forms)).order_by(
            t.c.response_id, t.c.question_id, t.c.id)
    raise AssertionError(sheet.table)


def _getter(sheet: S.Sheet, key: str, names: Names, at: dict[str, int],
            single_council: bool) -> Callable[[Sequence], object]:
    """How one column's cell is made from a stored row (a tuple in the table's column order)."""
    def ref(column: str, lookup: dict) -> Callable[[Sequence], object]:
        i = at[column]
        return lambda r: lookup.get(r[i]) if r[i] else None

    if key == "council":
        # One council per file: the column stays blank (import reads blank as the file's council).
        return (lambda r: None) if single_council else ref("council_id", names.council)
    if key == "category":
        return ref("category_id", names.need_category if sheet.table == "need" else names.resource_category)
    refs = {"parent": ("parent_id", names.council),
            "neighbourhood": ("neighbourhood_id", names.neighbourhood),
            "need_category": ("need_category_id", names.need_category),
            "training_info": ("training_id", names.training),
            "member_info": ("member_id", names.member_name),
            "row_info": ("row_id", names.tally_row), "column_info": ("column_id", names.tally_column)}
    if key in refs:
        return ref(*refs[key])
    i_id = at.get("id", 0)
    if key == "roles":
        role = names.role
        return lambda r: "、".join(role[x] for x in names.roles_of.get(r[i_id], ())) or None
    if key == "kinds":
        i, j = at["is_thinker"], at["is_provider"]
        return lambda r: S.kinds_text(r[i], r[j])
    if key == "resources":
        return lambda r: "\n".join(sorted(names.resource_entry(x)
                                          for x in names.resources_of.get(r[i_id], ()))) or None
    if key == "attendees":
        return lambda r: "\n".join(sorted(names.attendees_of.get(r[i_id], ()))) or None
    if (key == "kind" and sheet.table in ("tally", "survey_question")) or key == "entry":
        labels = {"tally": S.TALLY_KINDS, "survey_question": S.QUESTION_KINDS,
                  "survey": S.SURVEY_ENTRIES}[sheet.table]
        k = at[key]
        return lambda r: labels.get(r[k], r[k])
    if key in ("start_info", "end_info"):
        k, which = at["schedule_text"], 0 if key == "start_info" else 1
        return lambda r: S.first_slot(r[k])[which]
    if key == "image":  # the image travels in its own hidden sheet (map_sheet.py)
        k = at["image"]
        return lambda r: map_sheet.image_hash(r[k])
    if key == "image_kb":
        k = at["image"]
        return lambda r: round(len(r[k]) / 1024)
    k = at[key]
    cell = S.cell
    return lambda r: cell(r[k])


def renderer(sheet: S.Sheet, names: Names, anonymize: bool,
             single_council: bool = False) -> Callable[[Sequence], tuple[list, frozenset[str]]]:
    """A function from a stored row to (cells in column order, withheld column keys).

    Contact details are withheld unless the member agreed to share them; anonymising also
    withholds names, ふりがな, addresses and notes."""
    table = T[sheet.table]
    at = {c.name: i for i, c in enumerate(table.columns)}
    getters = [_getter(sheet, c.key, names, at, single_council) for c in sheet.columns]
    position = {c.key: i for i, c in enumerate(sheet.columns)}
    person = frozenset(c.key for c in sheet.columns if c.private == "person")
    contact = frozenset(c.key for c in sheet.columns if c.private == "contact")
    always = (person | contact) if anonymize else frozenset()
    consent_at = at.get("consent_share_contact")

    def render(row: Sequence) -> tuple[list, frozenset[str]]:
        cells = [get(row) for get in getters]
        withheld = always
        if consent_at is not None and not anonymize and not row[consent_at]:
            withheld = contact
        for key in withheld:
            cells[position[key]] = S.WITHHELD
        return cells, withheld

    return render


def sheet_rows(session: Session, sheet: S.Sheet, ids: list[str], names: Names,
               anonymize: bool) -> Iterator[list]:
    """Each row as the list of cell values written, ending with the hidden stamp (which
    carries the row's base for field-by-field merging; withheld fields leave no hash)."""
    render = renderer(sheet, names, anonymize, single_council=len(ids) == 1)
    parser = S.RowParser(sheet)
    at = {c.name: i for i, c in enumerate(T[sheet.table].columns)}
    created_at, updated_at, id_at = at["created_at"], at["updated_at"], at["id"]
    stamp = S.stamp_text
    bases = sync.table_bases(session, sheet.table)
    for row in session.execute(_query(sheet, ids)):
        cells, withheld = render(row)
        parsed, _withheld, _errors = parser.parse(cells)
        base = bases.get(row[id_at])
        if base and withheld:
            base = {k: v for k, v in base.items() if k not in withheld}
        cells.append(stamp(row[created_at], row[updated_at], parser.digest(parsed, withheld),
                           sync.encode(base) if base else ""))
        yield cells


# --- the workbook ------------------------------------------------------------------------------

def _council_ids(session: Session, council_ids: Iterable[str] | None) -> list[str]:
    council = T["council"]
    if council_ids is None:
        return list(session.scalars(select(council.c.id).order_by(council.c.tier, council.c.name)))
    ids = list(dict.fromkeys(council_ids))
    known = set(session.scalars(select(council.c.id).where(council.c.id.in_(ids))))
    missing = [i for i in ids if i not in known]
    if missing:
        raise UserError(f"協議体（ID {missing[0]}）が見つかりません。")
    return ids


def export_councils(store: Store, out: Path | str, council_ids: Iterable[str] | None = None, *,
                    anonymize: bool = False, password: str | None = None,
                    now: dt.datetime | None = None,
                    progress: Callable[[str, int, int], None] | None = None) -> ExportReport:
    """Write the councils (None: all of them) to `out` (.xlsx), replacing it only when complete.
    `progress("書き出し", done, total)` is called per sheet and once more (total, total) just
    before the file is written; it may raise (the window's 中止, ui/worker.py), and then no file
    is written."""
    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise UserError(f"書き出し先は .xlsx のファイルにしてください（{out.name}）。")
    if out.is_dir():
        raise UserError(f"{out} はフォルダーです。ファイル名を指定してください。")
    now = now or utcnow()
    wb = openpyxl.Workbook(write_only=True)
    with _given_up_cleanly(wb):
        counts: dict[str, int] = {}
        with store.session() as s:
            ids = _council_ids(s, council_ids)
            if not ids:
                raise UserError("書き出す協議体がありません。")
            names = Names(s, ids)
            council_names = tuple(names.council[i] for i in ids)
            for number, sheet in enumerate(S.SHEETS):
                if progress:
                    progress("書き出し", number, len(S.SHEETS))
                ws = wb.create_sheet(sheet.title)
                rows = list(sheet_rows(s, sheet, ids, names, anonymize))
                headers = [*sheet.headers, S.STAMP_HEADER]
                widths = [c.width for c in sheet.columns] + [30]
                hidden = {i for i, c in enumerate(sheet.columns) if c.hidden} | {len(headers) - 1}
                setup_sheet(ws, headers, widths, hidden=hidden, rows=len(rows))
                for values in rows:
                    ws.append(prepare_row(ws, values))
                counts[sheet.title] = len(rows)
                del rows
            # The maps' images, base64 in a hidden sheet (kept when anonymising: a map is no person's).
            map_sheet.write_images(wb, s, ids)
        # Deleted rows travel by table and id only (nothing about the row), anonymised or not.
        deleted = wb.create_sheet(sync.DELETIONS_SHEET)
        deleted.sheet_state = "hidden"
        deleted.append(list(sync.DELETIONS_HEADER))
        with store.session() as s:
            for table, row_id, when, version in sync.all_deletions(s):
                deleted.append([table, row_id, when.isoformat(timespec="microseconds"),
                                version.isoformat(timespec="microseconds") if version else None])
        meta = wb.create_sheet(S.META_SHEET)
        meta.sheet_state = "hidden"
        meta_rows: list[list] = [
            ["項目", "値", "補足"],
            ["format", S.FORMAT, ""],
            ["format_version", S.FORMAT_VERSION, ""],
            ["program_version", __version__, ""],
            ["export_id", str(uuid.uuid4()), ""],
            ["exported_at", now.isoformat(timespec="seconds"), "UTC"],
            ["anonymized", S.YES if anonymize else S.NO, ""],
        ]
        meta_rows += [["council", cid, names.council[cid]] for cid in ids]
        meta_rows += [["rows", title, count] for title, count in counts.items()]
        for values in meta_rows:
            meta.append(prepare_row(meta, values))
        buffer = io.BytesIO()
        wb.save(buffer)
    data = buffer.getvalue()
    if password:
        data = encrypt(data, password)
    if progress:
        progress("書き出し", len(S.SHEETS), len(S.SHEETS))
    write_atomically(out, data)
    _record(store, "exported", ids, now)
    return ExportReport(out, council_names, counts, anonymize, bool(password))


@contextlib.contextmanager
def _given_up_cleanly(wb: openpyxl.Workbook) -> Iterator[None]:
    """A workbook left half-way (中止, an error) removes its sheets' temporary files now rather
    than when the program ends: they hold the rows written so far, names and phones too."""
    try:
        yield
    except BaseException:
        for ws in wb.worksheets:
            writer = getattr(ws, "_writer", None)
            if writer is None:
                continue
            with contextlib.suppress(Exception):
                ws.close()  # ends the sheet's XML and closes its file
            with contextlib.suppress(OSError, ValueError):
                writer.cleanup()
        raise


def encrypt(data: bytes, password: str) -> bytes:
    """Excel's own "encrypt with password" (ECMA-376 agile): Excel asks for it on opening."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt(password, out)
    return out.getvalue()


def write_atomically(out: Path, data: bytes) -> None:
    """Write beside `out` and move it in: a failure (disk full, no permission, the USB stick
    pulled out) leaves no partial file and raises a UserError naming `out`."""
    part = out.with_name(out.name + ".part")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with open(part, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(part, out)
    except PermissionError:
        _remove(part)
        raise UserError(f"{out} に書き込めません。Excelで開いたままなら閉じてから、もう一度書き出してください。") from None
    except OSError as exc:
        _remove(part)
        raise UserError(f"{file_problem(out, exc)}。場所と空き容量を確かめてから、もう一度書き出してください。") from None
    except BaseException:
        _remove(part)
        raise


def _remove(part: Path) -> None:
    with contextlib.suppress(OSError):
        part.unlink(missing_ok=True)


def _record(store: Store, what: str, council_ids: Iterable[str], when: dt.datetime) -> None:
    """When each council was last written to or read from a file (services.overview.last_exchange
    reads it for the coordinator's overview)."""
    with store.session() as s:
        for council_id in council_ids:
            key = f"{what}:{council_id}"
            row = s.get(AppMeta, key)
            if row is None:
                s.add(AppMeta(key=key, value=when.isoformat(timespec="seconds")))
            else:
                row.value = when.isoformat(timespec="seconds")
