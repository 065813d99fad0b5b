"""Tables made elsewhere: member lists, resource lists and あんしんセンター crosstabs."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from app.cli import main
from app.errors import UserError
from app.exchange.table import import_table, parse_overrides
from app.services import councils, members, neighbourhoods, resources, tallies
from tests.exchange.conftest import settled

MEMBER_CSV = """八幡地区協議体 名簿（令和7年度）
No.,名前,フリガナ,役職,地区,ＴＥＬ,住所,登録年月日,備考
1,山田 花子,ヤマダ ハナコ,民生委員,金井淵,０２７−１１１−２２２２,高崎市金井淵町1,令和7年4月1日,
2,鈴木 一郎,スズキ イチロウ,区長,上剣崎,027-333-4444,高崎市上剣崎町2,2025/4/1,見守り担当
"""


@pytest.fixture
def yawata(demo_store):
    return councils.find_council(demo_store, "八幡")


def names(store, council) -> set[str]:
    return {m.name for m in members.list_members(store, council.id)}


@pytest.mark.parametrize("encoding", ["cp932", "utf-8-sig", "utf-8", "utf-16"])
def test_member_csv_in_every_encoding(demo_store, yawata, tmp_path, encoding):
    path = tmp_path / "名簿.csv"
    text = MEMBER_CSV.replace(",", "\t") if encoding == "utf-16" else MEMBER_CSV
    path.write_bytes(text.encode(encoding))
    report = import_table(demo_store, path, yawata.id, "members")
    assert report.saved == 2 and report.header_row == 2
    mapping = dict(report.mapping)
    assert mapping == {"No.": "（読まない）", "名前": "氏名", "フリガナ": "ふりがな", "役職": "役割",
                       "地区": "町内会", "ＴＥＬ": "電話", "住所": "住所", "登録年月日": "登録日",
                       "備考": "備考"}
    hanako = next(m for m in members.list_members(demo_store, yawata.id) if m.name == "山田 花子")
    assert hanako.phone == "027-111-2222" and hanako.neighbourhood_name == "金井淵"
    assert hanako.roles == ("民生委員",) and hanako.registered_on == dt.date(2025, 4, 1)
    assert hanako.sort_key == "やまだはなこ"


def test_overrides_and_dry_run(demo_store, yawata, tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("氏名,携帯,メモ欄\n田中 三郎,090-1234-5678,秘密のメモ\n", encoding="utf-8")
    before = settled(demo_store)
    report = import_table(demo_store, path, yawata.id, "members",
                          overrides=parse_overrides(["携帯=電話", "メモ欄=無視"]), dry_run=True)
    assert dict(report.mapping)["メモ欄"] == "（読まない）" and report.rows == 1 and report.saved == 0
    assert settled(demo_store) == before
    import_table(demo_store, path, yawata.id, "members", overrides={"携帯": "電話", "メモ欄": "無視"})
    saburo = next(m for m in members.list_members(demo_store, yawata.id) if m.name == "田中 三郎")
    assert saburo.phone == "090-1234-5678" and saburo.note == ""


def test_bad_rows_save_nothing(demo_store, yawata, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("氏名,登録日\nよい 行,2025-04-01\nわるい 行,2024-02-30\n", encoding="utf-8")
    before = settled(demo_store)
    with pytest.raises(UserError, match=r"bad.csv 3行目「登録日」: 「2024-02-30」: 2024年2月に30日はありません"):
        import_table(demo_store, path, yawata.id, "members")
    assert settled(demo_store) == before


def test_unknown_neighbourhood_needs_permission(demo_store, yawata, tmp_path):
    path = tmp_path / "new.csv"
    path.write_text("氏名,町内会\n新井 花子,新しい町\n", encoding="utf-8")
    with pytest.raises(UserError, match="新しい町.*--add-neighbourhoods"):
        import_table(demo_store, path, yawata.id, "members")
    report = import_table(demo_store, path, yawata.id, "members", add_neighbourhoods=True)
    assert report.added_neighbourhoods == ("新しい町",)
    assert "新しい町" in {n.name for n in neighbourhoods.list_neighbourhoods(demo_store, yawata.id)}


def test_bad_map_is_explained(demo_store, yawata, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("氏名\n山田\n", encoding="utf-8")
    with pytest.raises(UserError, match="項目「誕生日」が分かりません"):
        import_table(demo_store, path, yawata.id, "members", overrides={"氏名": "誕生日"})
    with pytest.raises(UserError, match="列「電話」が表にありません"):
        import_table(demo_store, path, yawata.id, "members", overrides={"電話": "電話"})
    with pytest.raises(UserError, match="「列名=項目」"):
        parse_overrides(["電話"])


def test_resource_list_from_excel(demo_store, yawata, tmp_path):
    path = tmp_path / "資源.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "社会資源一覧"
    ws.append(["社会資源一覧（八幡地区）"])
    ws.append(["名称", "種類", "曜日", "開始", "終了", "場所", "参加費"])
    ws.append(["朝の体操", "体操", "毎週(火)", dt.time(9, 0), dt.time(9, 30), "八幡公民館", "無料"])
    ws.append(["おしゃべりサロン", "サロン", "第2(木)", "13:00", "15:00", "若田集会所", "100円"])
    wb.save(path)
    report = import_table(demo_store, path, yawata.id, "resources")
    assert report.saved == 2 and "シート「社会資源一覧」" in report.source
    found = {r.name: r for r in resources.list_resources(demo_store, yawata.id)}
    assert found["朝の体操"].category == "健康・体操" and found["朝の体操"].schedule_text == "毎週(火) 09:00〜09:30"
    assert found["朝の体操"].schedule is not None
    assert found["おしゃべりサロン"].category == "居場所・サロン" and found["おしゃべりサロン"].fee == "100円"


SERVICE_USE = [
    [None, None, "デイサービス", None, "訪問介護", None, None],
    ["町内会名", "世帯数", "リハビリ", "入浴", "買い物", "掃除", "対象人数"],
    ["上豊岡1", 120, 5, 1, 2, 2, 7],
    ["上豊岡2", 80, 4, 1, None, 2, 6],
    ["合計", 200, 9, 2, 2, 4, 13],
]


def test_anshin_center_crosstab(demo_store, yawata, tmp_path):
    path = tmp_path / "利用内容.xlsx"
    wb = openpyxl.Workbook()
    for row in SERVICE_USE:
        wb.active.append(row)
    wb.active.merge_cells("C1:D1")
    wb.active.merge_cells("E1:F1")
    wb.save(path)
    before = len(tallies.list_tallies(demo_store, yawata.id))
    report = import_table(demo_store, path, yawata.id, "tally")
    assert report.saved == 2 and "通所・訪問サービス" in report.notes[0]
    found = tallies.list_tallies(demo_store, yawata.id)
    assert len(found) == before + 1
    new = next(t for t in found if t.title == "利用内容")
    assert [(c.group, c.label) for c in new.columns] == [("デイサービス", "リハビリ"), ("デイサービス", "入浴"),
                                                         ("訪問介護", "買い物"), ("訪問介護", "掃除")]
    assert new.totals.columns == (9, 2, 2, 4) and new.totals.persons == 13  # 合計 row recomputed


def test_needs_crosstab_csv_with_new_neighbourhoods(store, council, tmp_path):
    path = tmp_path / "ニーズ.csv"
    path.write_text("町内会,世帯数,見守り,買い物,通院,対象人数\n東町,300,4,2,1,6\n西町,120,1,,2,3\n計,420,5,2,3,9\n",
                    encoding="cp932")
    report = import_table(store, path, council.id, "tally", add_neighbourhoods=True)
    assert report.added_neighbourhoods == ("東町", "西町")
    tally = tallies.list_tallies(store, council.id)[0]
    assert tally.kind == "needs" and tally.totals.households == 420
    assert [r.neighbourhood_id is not None for r in tally.rows] == [True, True]


def test_a_count_above_the_persons_is_refused(store, council, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("町内会名,見守り,対象人数\n東町,9,3\n", encoding="utf-8")
    with pytest.raises(UserError, match="対象人数"):
        import_table(store, path, council.id, "tally")


def test_cli_prints_the_mapping(tmp_path, demo_template, capsys):
    import shutil

    db = shutil.copyfile(demo_template, tmp_path / "demo.sqlite3")
    path = tmp_path / "名簿.csv"
    path.write_bytes(MEMBER_CSV.encode("cp932"))
    assert main(["--db", str(db), "import-table", str(path), "--council", "八幡", "--kind", "members",
                 "--map", "備考=無視"]) == 0
    out = capsys.readouterr().out
    assert "CSV（Shift_JIS）" in out and "ＴＥＬ → 電話" in out and "備考 → （読まない）" in out
    assert "読み込みました: メンバー 2件" in out
