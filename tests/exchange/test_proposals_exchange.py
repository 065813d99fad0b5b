"""提言 and the three new dates (退会日, 解決日, 始めた日) in the coordinator's file: they travel to
another database as they are, an edit and a deletion travel, a damaged or contradictory cell is
refused naming the sheet, the row and the column with the database untouched, an anonymised file
holds back a proposal's 備考 only, and a file written before the sheet and the columns existed
still imports and leaves the stored values alone."""

from __future__ import annotations

import datetime as dt
import shutil

import openpyxl
import pytest

from app.exchange import sheets as S
from app.exchange.export_file import export_councils
from app.exchange.merge import ImportFailed, import_files
from app.services import councils, members, needs, proposals, resources
from app.store import Store
from tests.exchange.conftest import edit_cells, find_row, settled, sheet_dicts

pytestmark = pytest.mark.slow  # files written and read back, about 0.3 s each

COUNCIL = "本町地区"
D = dt.date


def _setup(store: Store) -> None:
    council = councils.create_council(store, {"name": COUNCIL, "tier": 2})
    members.create_member(store, council.id, {"name": "山田 花子", "registered_on": "2020-04-01"})
    members.create_member(store, council.id, {"name": "佐藤 一郎", "registered_on": "2020-04-01",
                                              "status": "退会", "left_on": "2026-03-31"})
    needs.create_need(store, council.id, {"category": "買い物", "noted_on": "2025-06-01", "status": "解決",
                                          "resolved_on": "2026-01-15"})
    resources.create_resource(store, council.id, {"name": "坂の途中のベンチ", "started_on": "2025-10-01"})
    proposals.create_proposal(store, council.id, {
        "title": "移動販売の停留所を増やす", "detail": "坂道を歩けない方がいる\n二つ目の行",
        "raised_to": "高崎市 長寿社会課", "raised_on": "2026-04-10", "status": "回答あり",
        "answer": "=調整します", "answered_on": "2026-06-01", "note": "山田さんから聞いた"})
    proposals.create_proposal(store, council.id, {"title": "ベンチを増やす", "status": "準備中"})


def picture(store: Store) -> dict:
    council = councils.find_council(store, COUNCIL).id
    return {"proposals": sorted(proposals.list_proposals(store, council), key=lambda p: p.id),
            "left": {m.name: (m.status, m.left_on) for m in members.list_members(store, council)},
            "resolved": [(n.status, n.resolved_on) for n in needs.list_needs(store, council)],
            "started": {r.name: r.started_on for r in resources.list_resources(store, council)}}


@pytest.fixture
def pc_a(store):
    _setup(store)
    return store


@pytest.fixture
def pc_b(tmp_path, template_db):
    with Store.open(shutil.copyfile(template_db, tmp_path / "b.sqlite3")) as opened:
        yield opened


def export(store: Store, path, **options):
    export_councils(store, path, [councils.find_council(store, COUNCIL).id], **options)
    return path


def test_proposals_and_the_new_dates_arrive_as_they_are(pc_a, pc_b, tmp_path):
    path = export(pc_a, tmp_path / "a.xlsx")
    rows = sheet_dicts(path, "提言")
    assert [r["提言の内容"] for r in rows] == ["ベンチを増やす", "移動販売の停留所を増やす"]
    assert rows[1]["回答日"] == dt.datetime(2026, 6, 1) and rows[1]["回答"] == "=調整します"
    report = import_files(pc_b, [path])
    assert report.sheets["提言"].added == 2 and not report.conflicts
    assert picture(pc_b) == picture(pc_a)
    assert picture(pc_b)["left"]["佐藤 一郎"] == ("退会", D(2026, 3, 31))
    assert picture(pc_b)["resolved"] == [("解決", D(2026, 1, 15))]
    assert picture(pc_b)["started"] == {"坂の途中のベンチ": D(2025, 10, 1)}
    assert not import_files(pc_b, [path]).changed  # reading the same file again changes nothing


def test_an_edit_and_a_deletion_travel(pc_a, pc_b, tmp_path):
    import_files(pc_b, [export(pc_a, tmp_path / "a.xlsx")])
    council = councils.find_council(pc_a, COUNCIL).id
    answered, draft = sorted(proposals.list_proposals(pc_a, council), key=lambda p: p.title)[::-1]
    proposals.update_proposal(pc_a, answered.id, {"status": "実現", "answer": "停留所ができました"})
    proposals.delete_proposal(pc_a, draft.id)
    report = import_files(pc_b, [export(pc_a, tmp_path / "a2.xlsx")])
    assert (report.sheets["提言"].updated, report.sheets["提言"].deleted) == (1, 1)
    assert picture(pc_b) == picture(pc_a)
    assert [p.status for p in proposals.list_proposals(pc_b, council)] == ["実現"]


PROPOSAL = ("提言", "提言の内容", "移動販売の停留所を増やす")
LEFT = ("メンバー", "氏名", "佐藤 一郎")


@pytest.mark.parametrize(("where", "header", "value", "reason"), [
    (PROPOSAL, "回答日", "2026-02-30", "2月に30日はありません"),
    (PROPOSAL, "状況", "検討中", "選べません"),
    (PROPOSAL, "回答日", "2026-04-01", "提出日より前"),
    (PROPOSAL, "提言の内容", None, "入力してください"),
    (LEFT, "退会日", "令和８年１３月１日", "13月はありません"),
    (LEFT, "退会日", "2019-01-01", "登録日より前"),
    (("ニーズ", "分類", "買い物"), "解決日", "2025-05-31", "把握日より前"),
    (("社会資源", "名称", "坂の途中のベンチ"), "始めた日", "いつか", "日付として読めません"),
])
def test_a_damaged_cell_is_refused_naming_sheet_row_and_column(pc_a, tmp_path, where, header, value,
                                                               reason):
    path = export(pc_a, tmp_path / "a.xlsx")
    sheet, column, first = where
    row = find_row(path, sheet, column, first)
    edit_cells(path, sheet, {(row, header): value})
    state = settled(pc_a)
    with pytest.raises(ImportFailed) as err:
        import_files(pc_a, [path])
    assert f"a.xlsx のシート「{sheet}」 {row}行目「{header}」" in str(err.value) and reason in str(err.value)
    assert settled(pc_a) == state


def test_a_left_date_beside_another_status_is_refused(pc_a, tmp_path):
    path = export(pc_a, tmp_path / "a.xlsx")
    row = find_row(path, "メンバー", "氏名", "山田 花子")
    edit_cells(path, "メンバー", {(row, "退会日"): dt.datetime(2026, 5, 1)})
    state = settled(pc_a)
    with pytest.raises(ImportFailed, match=f"シート「メンバー」 {row}行目「退会日」: 退会日は、状況が「退会」"):
        import_files(pc_a, [path])
    assert settled(pc_a) == state


def test_an_anonymised_file_holds_back_a_proposals_note_only(pc_a, pc_b, tmp_path):
    path = export(pc_a, tmp_path / "anon.xlsx", anonymize=True)
    row = next(r for r in sheet_dicts(path, "提言") if r["提言の内容"] == "移動販売の停留所を増やす")
    assert row["備考"] == S.WITHHELD
    assert (row["くわしく"], row["回答"], row["提出先"]) == ("坂道を歩けない方がいる\n二つ目の行", "=調整します",
                                                        "高崎市 長寿社会課")
    before = picture(pc_a)
    import_files(pc_a, [path])  # the held-back note stays as stored
    assert picture(pc_a) == before
    import_files(pc_b, [path])
    council = councils.find_council(pc_b, COUNCIL).id
    assert {p.title: p.note for p in proposals.list_proposals(pc_b, council)} == \
        {"移動販売の停留所を増やす": "", "ベンチを増やす": ""}


def _as_written_before(path) -> None:
    """The file as the version before 提言 and the three dates wrote it."""
    wb = openpyxl.load_workbook(path)
    del wb["提言"]
    for sheet, header in (("メンバー", "退会日"), ("ニーズ", "解決日"), ("社会資源", "始めた日")):
        ws = wb[sheet]
        column = next(c.column for c in ws[1] if c.value == header)
        ws.delete_cols(column)
    wb.save(path)


def test_a_file_written_before_still_imports_and_keeps_what_is_stored(pc_a, pc_b, tmp_path):
    path = export(pc_a, tmp_path / "old.xlsx")
    _as_written_before(path)
    before = picture(pc_a)
    import_files(pc_a, [path])
    assert picture(pc_a) == before  # the dates and the proposals stay as stored
    report = import_files(pc_b, [path])
    assert report.sheets["メンバー"].added == 2 and report.sheets["提言"].added == 0
    got = picture(pc_b)
    assert got["proposals"] == [] and got["left"]["佐藤 一郎"] == ("退会", None)
    assert got["started"] == {"坂の途中のベンチ": None}
