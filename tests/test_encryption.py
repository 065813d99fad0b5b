"""Encryption at rest: a passcode encrypts the database, its backups and USB copies (SQLCipher,
app/cipher.py); the right passcode or the recovery code opens them, wrong tries are counted in
the key file and survive a restart. Real files throughout, read back with plain sqlite3."""

from __future__ import annotations

import re
import shutil
import sqlite3

import pytest

from app import cipher
from app.cli import main
from app.errors import ValidationError
from app.services import backups, councils, members, privacy
from app.store import Store, check_file

pytestmark = pytest.mark.slow  # every passcode costs a scrypt derivation (128 MB)

PASSCODE = "48151623"
NEW = "sakura-namiki-7"


def _plain_read(path) -> list:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT name FROM sqlite_master").fetchall()
    finally:
        con.close()


def _reopen(path, passcode=PASSCODE, **kw) -> Store:
    cipher.unlock(path, passcode, **kw)
    return Store.open(path)


@pytest.fixture
def encrypted(tmp_path, demo_template):
    db = shutil.copyfile(demo_template, tmp_path / "enc.sqlite3")
    with Store.open(db) as store:
        code = privacy.set_passcode(store, PASSCODE, PASSCODE)
    return db, code


def test_an_encrypted_database_and_its_backups_are_unreadable_without_the_key(encrypted, tmp_path):
    db, code = encrypted
    assert re.fullmatch(r"([2-9A-HJKMNP-Z]{5}-){3}[2-9A-HJKMNP-Z]{5}", code)
    assert not db.read_bytes().startswith(b"SQLite format 3")
    with pytest.raises(sqlite3.DatabaseError, match="file is not a database"):
        _plain_read(db)
    # the plain backups made before (and the safety one) were rewritten encrypted
    found = backups.list_backups(db)
    assert [b.reason for b in found] == ["before-encrypt"]
    for b in found:
        with pytest.raises(sqlite3.DatabaseError, match="file is not a database"):
            _plain_read(b.path)
        assert cipher.key_path(b.path).exists()
    usb = tmp_path / "usb"
    usb.mkdir()
    with _reopen(db) as store:
        copy = backups.copy_to_folder(store, usb)
        manual = backups.backup_now(store).path
    for path in (copy, manual):
        with pytest.raises(sqlite3.DatabaseError, match="file is not a database"):
            _plain_read(path)
    # the key file holds neither the passcode nor the data key in the clear
    text = cipher.key_path(db).read_text(encoding="utf-8")
    assert PASSCODE not in text and code not in text
    # a copy carried away with its key file still needs the passcode
    shutil.copyfile(copy, tmp_path / "away.sqlite3")
    shutil.copyfile(cipher.key_path(copy), cipher.key_path(tmp_path / "away.sqlite3"))
    with pytest.raises(cipher.PasscodeRequired):
        Store.open(tmp_path / "away.sqlite3")
    with _reopen(tmp_path / "away.sqlite3") as store:
        assert councils.find_council(store, "八幡")


def test_the_right_passcode_opens_it_and_the_services_work(encrypted):
    db, _code = encrypted
    with pytest.raises(cipher.PasscodeRequired, match="パスコード"):
        Store.open(db)
    with _reopen(db) as store:
        council = councils.find_council(store, "八幡")
        before = len(members.list_members(store, council.id))
        members.create_member(store, council.id, {"name": "鍵田 守"})
        assert len(members.list_members(store, council.id)) == before + 1
        assert check_file(db).ok
        info = backups.backup_now(store)
        report = backups.restore(store, info.path)
        assert report.safety.path.exists()
    with _reopen(db) as store:
        assert len(members.list_members(store, council.id)) == before + 1


def test_a_wrong_passcode_is_refused_and_counted_across_restarts(encrypted):
    db, _code = encrypted
    with pytest.raises(cipher.WrongPasscode, match="パスコードが違います。あと4回"):
        _reopen(db, "00000001")
    # a new process knows nothing but the key file: the count is there
    assert cipher.KeyFile.load(db).wrong == 1
    for _ in range(3):
        with pytest.raises(cipher.WrongPasscode):
            _reopen(db, "00000001")
    with pytest.raises(cipher.WrongPasscode, match="5回まちがえたので、30秒待って"):
        _reopen(db, "00000001")
    # paused: even the right passcode waits, and the wait is said in words
    with pytest.raises(cipher.PasscodePaused, match="30秒待って"):
        _reopen(db)
    keyfile = cipher.KeyFile.load(db)
    assert keyfile.wrong == 5 and keyfile.pause_left() > 25
    import time
    with pytest.raises(cipher.WrongPasscode, match="1分待って"):  # doubling: 60 s
        cipher.unlock(db, "00000001", now=time.time() + 31)
    with _reopen(db, now=time.time() + 95) as store:  # right passcode after the pause
        assert store.key is not None
    assert cipher.KeyFile.load(db).wrong == 0


def test_the_recovery_code_resets_a_forgotten_passcode(encrypted):
    db, code = encrypted
    with pytest.raises(cipher.WrongPasscode, match="回復コードが違います"):
        cipher.unlock(db, recovery="AAAAA-BBBBB-CCCCC-DDDDD")
    with _reopen(db, None, recovery=code.lower().replace("-", " ")) as store:
        privacy.set_passcode(store, NEW, NEW, recovery=code)
    with pytest.raises(cipher.WrongPasscode):
        _reopen(db, PASSCODE)
    with _reopen(db, NEW) as store:
        assert councils.find_council(store, "八幡")
    with _reopen(db, None, recovery=code):  # the same recovery code still opens it
        pass


def test_change_rekeys_and_the_old_passcode_no_longer_opens_it(encrypted):
    db, code = encrypted
    old_key = cipher.KeyFile.load(db).keys_for_passcode(PASSCODE)[0]
    with _reopen(db) as store:
        with pytest.raises(ValidationError):
            privacy.set_passcode(store, NEW, NEW, current="00000001")
        privacy.set_passcode(store, NEW, NEW, current=PASSCODE)
        new_key = store.key
    assert new_key != old_key and not cipher.key_opens(db, old_key)
    assert len(cipher.KeyFile.load(db).entries) == 1
    with pytest.raises(cipher.WrongPasscode):
        _reopen(db, PASSCODE)
    with _reopen(db, NEW) as store:
        # a backup from before the change opens with the passcode of its time
        old = next(b for b in backups.list_backups(db) if b.reason == "before-encrypt")
        with pytest.raises(cipher.PasscodeRequired):
            backups.restore(store, old.path)
        backups.restore(store, old.path, secret=PASSCODE)
    with _reopen(db, None, recovery=code):
        pass


def test_a_change_cut_short_still_opens_with_the_new_passcode(encrypted):
    db, _code = encrypted
    keyfile = cipher.KeyFile.load(db)
    old_key = keyfile.keys_for_passcode(PASSCODE)[0]
    keyfile.set_keys([b"\x01" * 32, old_key], NEW)  # written, then the PC lost power
    keyfile.save(db)
    with _reopen(db, NEW) as store:
        assert store.key == old_key
    assert len(cipher.KeyFile.load(db).entries) == 1


def test_remove_gives_a_plain_file_that_sqlite3_reads(encrypted):
    db, _code = encrypted
    with _reopen(db) as store:
        privacy.remove_passcode(store, PASSCODE)
        assert store.key is None and not privacy.has_passcode(store)
        assert councils.find_council(store, "八幡")
    assert ("council",) in _plain_read(db)
    assert not cipher.key_path(db).exists()
    with Store.open(db) as store:
        assert privacy.file_text(store) == privacy.PLAIN_FILE_TEXT


def test_a_four_digit_passcode_is_refused(store):
    for weak in ("1234", "12345", "abcdefg"):
        with pytest.raises(ValidationError):
            privacy.set_passcode(store, weak, weak)
    assert store.key is None and cipher.looks_plain(store.path)


def test_cli_passcode_set_change_remove_and_env(tmp_path, demo_template, capsys, monkeypatch):
    db = shutil.copyfile(demo_template, tmp_path / "cli.sqlite3")

    def run(*args: str) -> int:
        return main(["--db", str(db), *args])

    monkeypatch.setenv("SASAEAI_PASSCODE", "1234")
    assert run("passcode", "set") == 1
    assert "6けた以上" in capsys.readouterr().err
    monkeypatch.setenv("SASAEAI_PASSCODE", PASSCODE)
    assert run("passcode", "set") == 0
    code = re.search(r"回復コード: (\S+)", capsys.readouterr().out)[1]
    with pytest.raises(sqlite3.DatabaseError):
        _plain_read(db)
    assert run("councils") == 0 and "八幡" in capsys.readouterr().out
    assert run("check") == 0 and "OK" in capsys.readouterr().out
    monkeypatch.delenv("SASAEAI_PASSCODE")
    assert run("councils") == 1
    err = capsys.readouterr().err
    assert err.startswith("エラー: ") and "SASAEAI_PASSCODE" in err and err.count("\n") == 1
    monkeypatch.setenv("SASAEAI_PASSCODE", "wrong-passcode")
    assert run("councils") == 1 and "パスコードが違います" in capsys.readouterr().err
    monkeypatch.setenv("SASAEAI_PASSCODE", PASSCODE)
    monkeypatch.setenv("SASAEAI_NEW_PASSCODE", NEW)
    assert run("passcode", "change") == 0
    capsys.readouterr()
    monkeypatch.setenv("SASAEAI_PASSCODE", NEW)
    assert run("passcode", "remove") == 1  # not asked, not confirmed: kept
    assert "--yes" in capsys.readouterr().err
    monkeypatch.delenv("SASAEAI_PASSCODE")
    monkeypatch.setenv("SASAEAI_RECOVERY_CODE", code)
    monkeypatch.setenv("SASAEAI_NEW_PASSCODE", "27182818")
    assert run("reset-passcode") == 0
    monkeypatch.setenv("SASAEAI_PASSCODE", "27182818")
    assert run("passcode", "remove", "--yes") == 0
    assert ("council",) in _plain_read(db)


def test_the_window_asks_for_the_passcode_before_opening(encrypted, qtbot, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    from app.ui import passcode

    db, _code = encrypted
    answers = iter([("00000001", True), (PASSCODE, True)])
    asked: list[str] = []

    def fake(_parent, _title, message, _echo):
        asked.append(message)
        return next(answers)

    monkeypatch.setattr(QInputDialog, "getText", fake)
    assert passcode.unlock_at_start(None, db)
    assert asked[0] == "パスコードを入れてください。" and "パスコードが違います" in asked[1]
    assert cipher.key_for(db) is not None
    cipher.forget(db)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a: ("", False))
    assert not passcode.unlock_at_start(None, db)  # given up: nothing is opened
