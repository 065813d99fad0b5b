"""A council with two PCs (the 公民館's A and the secretary's B) passing files both ways, and the
coordinator sending the city-wide file back: they converge, deletions travel, no edit is lost
silently, and what both changed is listed for a person."""

from __future__ import annotations

import shutil

import pytest

from app.exchange.conflicts import list_conflicts
from app.exchange.export_file import export_councils
from app.exchange.merge import import_files
from app.services import councils, members, resources
from app.store import Store
from tests.exchange.test_merge import dump

pytestmark = pytest.mark.slow  # files written and read back and forth between two databases


def _member(store, name):
    yawata = councils.find_council(store, "八幡")
    return next(m for m in members.list_members(store, yawata.id) if m.name == name)


def _export(store, path):
    export_councils(store, path, [councils.find_council(store, "八幡").id])
    return path


def content(store) -> dict:
    """Everything stored, but the contacts a member did not agree to share: those never leave
    the PC they were typed on, by design."""
    found = dump(store)
    for row in found["member"].values():
        if not row["consent_share_contact"]:
            row["phone"] = row["address"] = ""
    return found


@pytest.fixture
def two_pcs(tmp_path, demo_template, template_db):
    """A is the 公民館's PC with 八幡 (the demo without the other councils); B started from A's
    file on a new PC."""
    a = Store.open(shutil.copyfile(demo_template, tmp_path / "a.sqlite3"))
    for council in councils.list_councils(a):
        if council.name != "八幡":
            councils.delete_council(a, council.id)
    b = Store.open(shutil.copyfile(template_db, tmp_path / "b.sqlite3"))
    import_files(b, [_export(a, tmp_path / "first.xlsx")])
    yield a, b
    a.close()
    b.close()


def _exchange(a, b, tmp_path, round_name: str, a_first: bool = True):
    """Both write their file first, then each reads the other's."""
    from_a = _export(a, tmp_path / f"{round_name}-a.xlsx")
    from_b = _export(b, tmp_path / f"{round_name}-b.xlsx")
    steps = [(a, from_b), (b, from_a)]
    return [import_files(store, [path]) for store, path in (steps if a_first else steps[::-1])]


@pytest.mark.parametrize("a_first", [True, False])
def test_two_pcs_converge_and_a_deletion_meeting_an_edit_is_listed(two_pcs, tmp_path, a_first):
    a, b = two_pcs
    deleted = _member(a, "小林 美智子")
    other = _member(a, "阿部 千代")
    third = _member(a, "池田 実")
    yawata = councils.find_council(a, "八幡")
    resource = resources.list_resources(a, yawata.id)[0]

    members.delete_member(a, deleted.id)                                    # A deletes a member
    resources.update_resource(a, resource.id, {"fee": "1回200円"})           # and edits a resource
    members.update_member(b, deleted.id, {"phone": "090-1111-2222"})        # B edits that member
    members.update_member(b, other.id, {"note": "Bで書いたメモ"})             # and another's note
    members.update_member(a, third.id, {"phone": "027-000-7777"})           # both edit one member,
    members.update_member(b, third.id, {"note": "Bのメモ"})                 # different fields

    _exchange(a, b, tmp_path, "first", a_first)
    _exchange(a, b, tmp_path, "second", a_first)
    assert content(a) == content(b), "both PCs hold the same content"

    for store in (a, b):
        assert _member(store, "小林 美智子").phone == "090-1111-2222"  # the edit is not lost
        assert _member(store, "阿部 千代").note == "Bで書いたメモ"
        assert _member(store, "池田 実").phone == "027-000-7777"
        assert _member(store, "池田 実").note == "Bのメモ"   # merged by field
        assert resources.get_resource(store, resource.id).fee == "1回200円"
    listed = [c for store in (a, b) for c in list_conflicts(store)]
    assert listed and all(c["id"] == deleted.id for c in listed)
    assert {c["kind"] for c in listed} <= {"deleted_here", "deleted_there"}

    third_round = _exchange(a, b, tmp_path, "third", a_first)
    for report in third_round:
        assert not report.changed, report.sheets
    assert content(a) == content(b)


def test_a_deletion_travels_when_the_other_side_did_not_touch_the_row(two_pcs, tmp_path):
    a, b = two_pcs
    gone = _member(a, "阿部 千代")
    members.delete_member(a, gone.id)
    report = import_files(b, [_export(a, tmp_path / "a.xlsx")])
    assert report.sheets["メンバー"].deleted == 1
    assert all(m.id != gone.id for m in members.list_members(b, councils.find_council(b, "八幡").id))
    assert list_conflicts(b) == []
    # B's next file carries the deletion on: A reading it back changes nothing.
    assert not import_files(a, [_export(b, tmp_path / "b.xlsx")]).changed


def test_the_same_field_changed_on_both_pcs_is_listed_and_both_keep_the_later(two_pcs, tmp_path):
    a, b = two_pcs
    person = _member(a, "大澤 勝利")
    members.update_member(a, person.id, {"phone": "027-000-1111"})
    members.update_member(b, person.id, {"phone": "027-000-2222"})  # later
    _exchange(a, b, tmp_path, "first")
    assert _member(a, "大澤 勝利").phone == _member(b, "大澤 勝利").phone == "027-000-2222"
    records = list_conflicts(a)
    assert len(records) == 1 and records[0]["fields"] == ["電話"]
    assert records[0]["ours"] == {"電話": "027-000-1111"} and records[0]["theirs"] == {"電話": "027-000-2222"}
    assert set(records[0]) >= {"kind", "id", "label", "kept"} and "住所" not in records[0]["ours"]


def test_the_coordinators_file_does_not_touch_a_councils_newer_data(two_pcs, tmp_path, template_db):
    a, _b = two_pcs
    city = Store.open(shutil.copyfile(template_db, tmp_path / "city.sqlite3"))
    try:
        import_files(city, [_export(a, tmp_path / "to-city.xlsx")])
        person = _member(a, "阿部 千代")
        members.update_member(a, person.id, {"note": "あとで直した"})   # after sending the file
        before = dump(a)
        export_councils(city, tmp_path / "from-city.xlsx")                 # the city-wide file
        report = import_files(a, [tmp_path / "from-city.xlsx"])
        assert report.sheets["メンバー"].updated == 0
        assert dump(a) == before and list_conflicts(a) == []
    finally:
        city.close()


def test_a_person_decides_a_conflict_in_words_and_the_decision_travels(two_pcs, tmp_path, capsys):
    from app import cli
    from app.exchange.conflicts import conflicts, resolve

    a, b = two_pcs
    person = _member(a, "大澤 勝利")
    members.update_member(a, person.id, {"phone": "027-000-1111"})
    members.update_member(b, person.id, {"phone": "027-000-2222"})
    _exchange(a, b, tmp_path, "first")
    [found] = conflicts(a)
    assert found.label == "大澤 勝利" and not found.is_deletion
    assert [(f.name, f.kept, f.other) for f in found.fields] == [("電話", "027-000-2222", "027-000-1111")]
    a.close()  # the command line opens the file itself (one program per file)
    assert cli.main(["--db", str(a.path), "conflicts"]) == 0
    assert "1. メンバー「大澤 勝利」" in capsys.readouterr().out
    assert cli.main(["--db", str(a.path), "resolve", "1", "--keep", "delete"]) == 1
    assert "kept か --keep other" in capsys.readouterr().err
    a = Store.open(a.path)
    assert "もう一方の内容に戻しました" in resolve(a, found.key, "other")
    assert conflicts(a) == [] and _member(a, "大澤 勝利").phone == "027-000-1111"
    _exchange(a, b, tmp_path, "second")
    assert _member(b, "大澤 勝利").phone == "027-000-1111"   # the decision travelled
    assert conflicts(b) == []
    a.close()


def test_a_deletion_conflict_is_decided_by_deleting(two_pcs, tmp_path):
    from app.exchange.conflicts import conflicts, resolve

    a, b = two_pcs
    person = _member(a, "小林 美智子")
    members.delete_member(a, person.id)
    members.update_member(b, person.id, {"phone": "090-1111-2222"})
    import_files(b, [_export(a, tmp_path / "a.xlsx")])
    [found] = conflicts(b)
    assert found.is_deletion and found.kind == "deleted_there"
    with pytest.raises(Exception, match="keep / delete"):
        resolve(b, found.key, "other")
    resolve(b, found.key, "delete")
    assert all(m.name != "小林 美智子" for m in members.list_members(b, councils.find_council(b, "八幡").id))
    assert conflicts(b) == []


def test_an_anonymised_file_carries_no_hash_of_a_withheld_field(two_pcs, tmp_path):
    import openpyxl

    from app.exchange import sheets as S
    from app.exchange import sync

    _a, b = two_pcs
    out = tmp_path / "anonymous.xlsx"
    export_councils(b, out, [councils.find_council(b, "八幡").id], anonymize=True)
    rows = list(openpyxl.load_workbook(out, read_only=True)["メンバー"].iter_rows(values_only=True))
    stamps = [S.read_stamp(r[-1]) for r in rows[1:]]
    bases = [sync.decode(s.base) for s in stamps if s]
    assert bases and all(bases)
    private = {"name", "furigana", "phone", "address", "note"}
    assert not any(private & set(base) for base in bases)
    assert all("status" in base for base in bases)  # what is not withheld still merges by field
