"""「完全に消す」: a deleted member rewritten out of every backup (plain and encrypted), the
other rows unchanged, every backup still passing `check`; from the CLI by id or by name."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app import cipher
from app.cli import main
from app.errors import UserError
from app.services import backups, councils, members, privacy, purge
from app.store import Store, check_file

pytestmark = pytest.mark.slow  # every backup rewritten, encrypted ones too

PASSCODE = "24681357"


def rows(path: Path, key: bytes | None = None) -> dict[str, list[tuple]]:
    con = cipher.connect(path, key, read_only=True)
    try:
        names = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        return {n: sorted(map(tuple, con.execute(f'SELECT * FROM "{n}"'))) for n in names}
    finally:
        con.close()


def without(content: dict[str, list[tuple]], member_id: str) -> dict[str, list[tuple]]:
    """The content with every row that names the member left out (and the deletion log)."""
    return {table: [r for r in found if member_id not in map(str, r)]
            for table, found in content.items() if table != "deletion"}


def pick(store: Store):
    yawata = councils.find_council(store, "八幡")
    people = members.list_members(store, yawata.id)
    return next(m for m in people if m.roles and m.phone)


def test_purge_rewrites_every_backup_without_the_member(demo_store):
    member = pick(demo_store)
    before = [backups.backup_now(demo_store, "manual").path for _ in range(2)]
    contents = {p: rows(p) for p in before}
    assert all(any(member.id in r for r in c["member"]) for c in contents.values())
    members.delete_member(demo_store, member.id)
    after = backups.backup_now(demo_store, "manual").path

    report = purge.purge_member(demo_store, member.id)

    assert set(report.changed) == set(before) and report.unchanged == 1 and not report.skipped
    assert "2個のバックアップから消しました" in report.text
    for path in [*before, after]:
        content = rows(path)
        assert not any(member.id in map(str, r) for t, found in content.items() if t != "deletion"
                       for r in found)
        assert member.name.encode() not in path.read_bytes()
        assert member.phone.encode() not in path.read_bytes()
        assert check_file(path).ok
        assert path.read_bytes()[18:20] == b"\x01\x01"
    for path in before:
        assert without(rows(path), member.id) == without(contents[path], member.id)
    # the live file keeps nothing of it in free pages either
    demo_store.engine.dispose()
    assert member.phone.encode() not in demo_store.path.read_bytes()
    assert not [p for p in backups.backups_dir(demo_store.path).iterdir()
                if p.suffix in (".purging", ".purged", ".part")]


def test_a_member_still_there_is_not_purged(demo_store):
    member = pick(demo_store)
    backups.backup_now(demo_store)
    with pytest.raises(UserError, match="まだ削除されていません"):
        purge.purge_member(demo_store, member.id)


def test_encrypted_backups_are_purged_with_their_key(demo_store):
    member = pick(demo_store)
    backups.backup_now(demo_store)
    privacy.set_passcode(demo_store, PASSCODE, PASSCODE)  # the plain backup is rewritten encrypted
    backups.backup_now(demo_store)
    members.delete_member(demo_store, member.id)
    report = purge.purge_member(demo_store, member.id)
    assert len(report.changed) == len(backups.list_backups(demo_store.path)) >= 3  # + before-encrypt
    key = demo_store.key
    for b in backups.list_backups(demo_store.path):
        assert not cipher.looks_plain(b.path)
        assert not any(member.id in r for r in rows(b.path, key)["member"])
        cipher.remember(b.path, key)
        try:
            assert check_file(b.path).ok
        finally:
            cipher.forget(b.path)


def test_cli_purge_member_by_name_and_by_id(tmp_path, demo_template, capsys):
    db = Path(tmp_path / "demo.sqlite3")
    db.write_bytes(demo_template.read_bytes())
    with Store.open(db) as store:
        member = pick(store)
        backups.backup_now(store)
        members.delete_member(store, member.id)
    assert main(["--db", str(db), "purge-member", "--council", "八幡", "--name", member.name]) == 0
    assert "1個のバックアップから消しました" in capsys.readouterr().out
    for b in backups.list_backups(db):
        con = sqlite3.connect(b.path)
        assert con.execute("SELECT count(*) FROM member WHERE id=?", (member.id,)).fetchone() == (0,)
        con.close()
    assert main(["--db", str(db), "purge-member", "--council", "八幡", "--id", member.id]) == 0
    assert "0個のバックアップから消しました" in capsys.readouterr().out
    assert main(["--db", str(db), "purge-member", "--council", "八幡", "--name", member.name]) == 1
    err = capsys.readouterr().err
    assert err.startswith("エラー:") and "見つかりません" in err and err.count("\n") == 1
