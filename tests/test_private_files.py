"""Files only the user can read (POSIX 0600): the database and its -wal/-shm, the lock file, the
key file, backups and their key files. (On Windows the files inherit the ACL of the user's
profile folder; the mode bits are not used there.)"""

from __future__ import annotations

import os
import stat

import pytest

from app import cipher
from app.services import backups, privacy
from app.store import Store

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX modes")

PASSCODE = "24681357"


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.slow
def test_new_database_backups_and_key_files_are_0600(tmp_path):
    old = os.umask(0o022)  # the usual default: files readable by everyone unless we say so
    try:
        db = tmp_path / "new.sqlite3"
        with Store.open(db) as store:
            wal, shm = (db.with_name(db.name + s) for s in ("-wal", "-shm"))
            lock = db.with_name(db.name + ".lock")
            assert wal.exists() and shm.exists() and lock.exists()
            assert {p.name: mode(p) for p in (db, wal, shm, lock)} == {
                p.name: 0o600 for p in (db, wal, shm, lock)}
            plain = backups.backup_now(store).path
            assert mode(plain) == 0o600
            assert mode(backups.backups_dir(db)) == 0o700
            usb = tmp_path / "usb"
            usb.mkdir()
            assert mode(backups.copy_to_folder(store, usb)) == 0o600
            privacy.set_passcode(store, PASSCODE, PASSCODE)
            assert mode(db) == 0o600 and mode(cipher.key_path(db)) == 0o600
            encrypted = backups.backup_now(store).path
            assert mode(encrypted) == 0o600 and mode(cipher.key_path(encrypted)) == 0o600
            for b in backups.list_backups(db):  # the plain ones rewritten encrypted too
                assert mode(b.path) == 0o600
    finally:
        os.umask(old)
