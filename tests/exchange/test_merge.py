"""Merging exchange files: round trip, idempotence, Excel edits, conflicts, several councils."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest
from sqlalchemy import select

from app.exchange import sheets as S
from app.exchange.conflicts import list_conflicts
from app.exchange.export_file import export_councils
from app.exchange.merge import ImportFailed, import_files
from app.models import AppMeta, Base, Member
from app.services import councils, members, needs, resources
from app.store import Store
from tests.exchange.conftest import edit_cells, find_row, settled, sheet_dicts

SKIP = {"alembic_version", "app_meta", "sync_base", "deletion"}  # bookkeeping, not content


def dump(store: Store) -> dict[str, dict]:
    """Every stored row of every table, by primary key."""
    found = {}
    with store.session() as s:
        for table in Base.metadata.sorted_tables:
            if table.name in SKIP:
                continue
            rows = s.execute(select(table)).mappings().all()
            key = [c.name for c in table.primary_key.columns]
            found[table.name] = {tuple(r[k] for k in key): dict(r) for r in rows}
    return found


@pytest.fixture
def empty(tmp_path, template_db):
    with Store.open(shutil.copyfile(template_db, tmp_path / "coordinator.sqlite3")) as opened:
        yield opened


def test_round_trip_into_an_empty_database(demo_store, empty, demo_export):
    first = import_files(empty, [demo_export])
    assert first.sheets["メンバー"].added == 22 and first.sheets["集計表の数"].added == 204
    assert not first.conflicts and first.backup is not None and first.backup.exists()
    source, target = dump(demo_store), dump(empty)
    assert {t: len(rows) for t, rows in source.items()} == {t: len(rows) for t, rows in target.items()}
    for table, rows in source.items():
        for key, row in rows.items():
            got = target[table][key]
            if table == "member" and not row["consent_share_contact"]:
                # contact details stay home without consent: they arrive blank, never invented
                assert got["phone"] == "" and got["address"] == ""
                row = {**row, "phone": "", "address": ""}
            assert got == row, (table, key)


def test_importing_twice_changes_nothing(empty, demo_export):
    import_files(empty, [demo_export])
    before = dump(empty)
    again = import_files(empty, [demo_export])
    assert not again.changed
    assert all(c.added == c.updated == c.conflicts == 0 for c in again.sheets.values())
    assert again.sheets["メンバー"].unchanged == 22
    assert dump(empty) == before


def test_dry_run_reports_and_writes_nothing(empty, demo_export):
    state = settled(empty)
    report = import_files(empty, [demo_export], dry_run=True)
    assert report.dry_run and report.sheets["メンバー"].added == 22 and report.backup is None
    assert dump(empty)["member"] == {}
    assert settled(empty) == state


def _member(store: Store, name: str):
    return next(m for m in members.list_members(store, councils.find_council(store, "八幡").id)
                if m.name == name)


@pytest.mark.slow
def test_edits_made_in_excel_come_in(demo_store, exported):
    row = find_row(exported, "メンバー", "氏名", "小林 美智子")
    consent_row = find_row(exported, "メンバー", "氏名", "高橋 正雄")
    edit_cells(exported, "メンバー", {(row, "電話"): "090-9999-0000",
                                       (consent_row, "連絡先共有"): "いいえ"})
    before = _member(demo_store, "小林 美智子")
    report = import_files(demo_store, [exported])
    assert report.sheets["メンバー"].updated == 2 and report.sheets["メンバー"].unchanged == 20
    after = _member(demo_store, "小林 美智子")
    assert after.phone == "090-9999-0000" and after.updated_at > before.updated_at
    takahashi = _member(demo_store, "高橋 正雄")
    assert takahashi.consent_share_contact is False
    assert takahashi.phone  # the number itself was in the file unchanged, so it stays
    assert not import_files(demo_store, [exported]).changed  # once is enough


@pytest.mark.slow
def test_a_new_row_typed_in_excel_is_added_once(demo_store, exported):
    import openpyxl

    wb = openpyxl.load_workbook(exported)
    ws = wb["メンバー"]
    headers = [c.value for c in ws[1]]
    new = {"氏名": "新井 花子", "ふりがな": "あらい はなこ", "役割": "住民", "町内会": "若田",
           "登録日": dt.date(2025, 4, 1), "連絡先共有": "はい", "電話": "０２７−１２３−４５６７",
           "協議体": "八幡"}
    ws.append([new.get(h) for h in headers])
    wb.save(exported)
    report = import_files(demo_store, [exported])
    assert report.sheets["メンバー"].added == 1
    arai = _member(demo_store, "新井 花子")
    assert arai.phone == "027-123-4567" and arai.neighbourhood_name == "若田" and arai.status == "活動中"
    again = import_files(demo_store, [exported])
    assert again.sheets["メンバー"].added == 0 and again.sheets["メンバー"].unchanged == 23


def test_older_file_keeps_ours(demo_store, exported):
    kobayashi = _member(demo_store, "小林 美智子")
    members.update_member(demo_store, kobayashi.id, {"note": "こちらで直した"})
    report = import_files(demo_store, [exported])
    assert report.sheets["メンバー"].kept == 1 and not report.conflicts
    assert _member(demo_store, "小林 美智子").note == "こちらで直した"


@pytest.mark.slow
def test_edited_on_both_sides_is_a_conflict_and_both_versions_survive(demo_store, exported):
    kobayashi = _member(demo_store, "小林 美智子")
    members.update_member(demo_store, kobayashi.id, {"note": "こちらで直した"})
    row = find_row(exported, "メンバー", "氏名", "小林 美智子")
    edit_cells(exported, "メンバー", {(row, "備考"): "Excelで直した"})
    report = import_files(demo_store, [exported])
    assert report.sheets["メンバー"].conflicts == 1
    conflict = report.conflicts[0]
    assert conflict.sheet == "メンバー" and conflict.row == row and conflict.id == kobayashi.id
    assert "備考" in conflict.fields
    assert _member(demo_store, "小林 美智子").note == "こちらで直した"  # ours stays
    kept = list_conflicts(demo_store)
    assert len(kept) == 1 and kept[0]["theirs"]["備考"] == "Excelで直した"  # theirs is kept
    assert kept[0]["ours"]["備考"] == "こちらで直した" and kept[0]["kept"] == "ours"
    import_files(demo_store, [exported])
    assert len(list_conflicts(demo_store)) == 1  # the same conflict is recorded once


@pytest.mark.slow
def test_newer_file_from_another_database_updates(demo_template, tmp_path, demo_store):
    other = shutil.copyfile(demo_template, tmp_path / "other.sqlite3")
    with Store.open(other) as store_b:
        kobayashi = _member(store_b, "小林 美智子")
        members.update_member(store_b, kobayashi.id, {"phone": "090-1111-2222"})
        changed_at = _member(store_b, "小林 美智子").updated_at
        export_councils(store_b, tmp_path / "b.xlsx", [councils.find_council(store_b, "八幡").id])
    report = import_files(demo_store, [tmp_path / "b.xlsx"])
    assert report.sheets["メンバー"].updated == 1
    after = _member(demo_store, "小林 美智子")
    assert after.phone == "090-1111-2222" and after.updated_at == changed_at


@pytest.mark.slow
def test_files_from_different_councils_combine(demo_store, tmp_path, empty):
    files = []
    for name in ("八幡", "乗附", "豊岡"):
        council = councils.find_council(demo_store, name)
        path = tmp_path / f"{name}.xlsx"
        export_councils(demo_store, path, [council.id])
        files.append(path)
    report = import_files(empty, files)
    assert report.councils == ("八幡", "乗附", "豊岡")
    assert {c.name for c in councils.list_councils(empty)} == {"八幡", "乗附", "豊岡"}
    assert any("第1層協議体" in note for note in report.notes)  # the city itself was not sent
    assert report.sheets["集計表"].added == 3 and report.sheets["アンケート"].added == 2
    assert not import_files(empty, files).changed


@pytest.mark.slow
def test_a_row_in_two_files_is_merged_once(demo_store, tmp_path, empty):
    city = councils.find_council(demo_store, "高崎市")
    yawata = councils.find_council(demo_store, "八幡")
    export_councils(demo_store, tmp_path / "a.xlsx", [city.id, yawata.id])
    export_councils(demo_store, tmp_path / "b.xlsx", [city.id])
    report = import_files(empty, [tmp_path / "a.xlsx", tmp_path / "b.xlsx"])
    assert report.sheets["協議体"].added == 2 and report.sheets["協議体"].unchanged == 1
    assert not report.notes


def test_same_council_name_with_another_id_is_refused(demo_store, tmp_path, empty):
    # Not empty (it has its vision), so it is not adopted: tests/exchange/test_adopt.py
    mine = councils.create_council(empty, {"name": "八幡", "tier": 2})
    councils.revise_vision(empty, mine.id, {"phrase": "支え合うまち"})
    export_councils(demo_store, tmp_path / "y.xlsx", [councils.find_council(demo_store, "八幡").id])
    state = settled(empty)
    with pytest.raises(ImportFailed, match="協議体「八幡」は.*別のID"):
        import_files(empty, [tmp_path / "y.xlsx"])
    assert settled(empty) == state


def test_last_import_is_recorded(empty, demo_export):
    import_files(empty, [demo_export])
    with empty.session() as s:
        keys = set(s.scalars(select(AppMeta.key).where(AppMeta.key.like("imported:%"))))
    assert len(keys) == 27


@pytest.mark.slow
def test_withheld_cells_never_overwrite(demo_store, tmp_path):
    """An anonymised file read back into the database it came from takes nothing personal."""
    export_councils(demo_store, tmp_path / "anon.xlsx", anonymize=True)
    before = {m.id: (m.name, m.phone, m.address, m.note) for m in
              members.list_members(demo_store, councils.find_council(demo_store, "八幡").id)}
    report = import_files(demo_store, [tmp_path / "anon.xlsx"])
    assert not report.changed
    after = {m.id: (m.name, m.phone, m.address, m.note) for m in
             members.list_members(demo_store, councils.find_council(demo_store, "八幡").id)}
    assert after == before


@pytest.mark.slow
def test_anonymised_members_arrive_without_names(empty, demo_store, tmp_path):
    export_councils(demo_store, tmp_path / "anon.xlsx", anonymize=True)
    import_files(empty, [tmp_path / "anon.xlsx"])
    with empty.session() as s:
        rows = s.scalars(select(Member)).all()
    assert len(rows) == 22 and {m.name for m in rows} == {S.WITHHELD}
    assert all(m.phone == m.address == m.note == m.furigana == "" for m in rows)


@pytest.mark.slow
def test_conflict_record_is_json(demo_store, exported):
    kobayashi = _member(demo_store, "小林 美智子")
    members.update_member(demo_store, kobayashi.id, {"note": "A"})
    edit_cells(exported, "メンバー", {(find_row(exported, "メンバー", "氏名", "小林 美智子"), "備考"): "B"})
    report = import_files(demo_store, [exported])
    with demo_store.session() as s:
        value = s.get(AppMeta, report.conflicts[0].key).value
    record = json.loads(value)
    assert record["file"] == "demo.xlsx" and record["sheet"] == "メンバー"


@pytest.mark.slow
def test_resource_links_typed_in_excel(demo_store, exported):
    row = find_row(exported, "ニーズ", "内容", "病院に行く足がない")
    edit_cells(exported, "ニーズ", {(row, "対応する社会資源"): "移動販売、見守り・声かけ"})
    report = import_files(demo_store, [exported])
    assert report.sheets["ニーズ"].updated == 1
    yawata = councils.find_council(demo_store, "八幡")
    need = next(n for n in needs.list_needs(demo_store, yawata.id) if n.description == "病院に行く足がない")
    linked = {r.name for r in resources.list_resources(demo_store, yawata.id) if r.id in need.resource_ids}
    assert linked == {"移動販売", "見守り・声かけ"}
    edit_cells(exported, "ニーズ", {(row, "対応する社会資源"): "どこにもない資源"})
    with pytest.raises(ImportFailed, match="どこにもない資源"):
        import_files(demo_store, [exported])


@pytest.mark.slow
def test_same_resource_name_twice_is_written_with_its_id(demo_store, tmp_path, empty):
    yawata = councils.find_council(demo_store, "八幡")
    twin = resources.create_resource(demo_store, yawata.id, {"name": "移動販売"})
    need = next(n for n in needs.list_needs(demo_store, yawata.id) if n.category == "通院")
    needs.update_need(demo_store, need.id, {}, resource_ids=[twin.id])
    export_councils(demo_store, tmp_path / "twins.xlsx", [yawata.id])
    cell = next(r for r in sheet_dicts(tmp_path / "twins.xlsx", "ニーズ") if r["ID"] == need.id)
    assert cell["対応する社会資源"] == f"移動販売［{twin.id}］"
    import_files(empty, [tmp_path / "twins.xlsx"])
    assert needs.list_needs(empty, yawata.id)[0] is not None
    moved = next(n for n in needs.list_needs(empty, yawata.id) if n.id == need.id)
    assert moved.resource_ids == (twin.id,)


@pytest.mark.slow
def test_progress_is_reported(empty, demo_export, demo_store, tmp_path):
    seen = []
    import_files(empty, [demo_export], progress=lambda step, done, total: seen.append((step, done, total)))
    assert seen[0] == ("確認", 0, 1) and ("まとめ", 0, len(S.APPLY_ORDER)) in seen
    assert seen[-1] == ("まとめ", len(S.APPLY_ORDER), len(S.APPLY_ORDER))  # just before the commit
    written = []
    export_councils(demo_store, tmp_path / "p.xlsx", progress=lambda *a: written.append(a))
    total = len(S.APPLY_ORDER)
    assert written[0] == ("書き出し", 0, total) and len(written) == total + 1
    assert written[-1] == ("書き出し", total, total)  # the last point where the file is not written
