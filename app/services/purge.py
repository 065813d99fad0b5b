"""「完全に消す」: a member deleted from the database is still in every backup made before, for
as long as the thinning keeps them (backups.thin: up to a year). `purge_member` rewrites each of
the database's backups without that member (and every backup anew, since a backup made after
the deletion may hold the text in free pages): the member's row, its roles, its meeting and
training attendances, its exchange bases (sync_base: per-field hashes) and the conflict records
that quote it.

Each backup is changed on a copy beside it, written anew with sqlcipher_export (as VACUUM INTO:
no freed page keeps the old text; an encrypted backup stays encrypted under its own key), checked
(integrity, row counts, the schema as `check` does) and moved over the backup in one step; a
failure leaves the backup as it was. The live database is vacuumed too, so its free pages do not
keep the deleted row. Copies outside the backups folder (USB sticks) are not reached.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from app import cipher
from app.errors import NotFoundError, StoreError, UserError
from app.services import backups, councils
from app.store import DB_ERRORS, FILE_ERRORS, Store, inspect_file, write_failure


@dataclass(frozen=True)
class PurgeReport:
    member_id: str
    changed: tuple[Path, ...]      # backups rewritten without the member
    unchanged: int                 # backups that did not hold the member
    skipped: tuple[Path, ...]      # encrypted under an earlier passcode: not opened

    @property
    def text(self) -> str:
        text = f"{len(self.changed)}個のバックアップから消しました（もともと入っていなかったもの: {self.unchanged}個）。"
        if self.skipped:
            text += (f"前のパスコードで鍵がかかった{len(self.skipped)}個は開けなかったので、そのままです"
                     "（そのときのパスコードか回復コードを入れると消せます）。")
        return text


def _member_in_live(store: Store, member_id: str) -> bool:
    con = store.engine.raw_connection()
    try:
        return con.execute("SELECT 1 FROM member WHERE id = ?", (member_id,)).fetchone() is not None
    finally:
        con.close()


def _key(store: Store, path: Path, secret: str | None) -> tuple[bool, bytes | None]:
    """(opened, key): a backup under an earlier passcode without its secret is not opened."""
    try:
        return True, backups._backup_key(store, path, secret)
    except cipher.PasscodeError:
        return False, None
    except StoreError:  # its key file is missing or damaged
        return False, None


def find_deleted_member(store: Store, council_name: str, name: str,
                        secret: str | None = None) -> str:
    """The id of the member called `name` of that council in the newest backup that has one."""
    council = councils.find_council(store, council_name)
    for b in backups.list_backups(store.path):
        opened, key = _key(store, b.path, secret)
        if not opened:
            continue
        con = cipher.connect(b.path, key, read_only=True)
        try:
            ids = [row[0] for row in con.execute(
                "SELECT id FROM member WHERE council_id = ? AND name = ?", (council.id, name))]
        except DB_ERRORS:
            continue
        finally:
            con.close()
        if len(ids) > 1:
            raise UserError(f"{b.path.name} に「{name}」さんが{len(ids)}人います。"
                            "--id で消す人のIDを指定してください（IDは削除の記録にあります）。")
        if ids:
            return ids[0]
    raise NotFoundError(f"{council.name}の「{name}」さんは、どのバックアップにも見つかりません。")


def purge_member(store: Store, member_id: str, *, secret: str | None = None) -> PurgeReport:
    """Rewrite every backup of the database without the member `member_id`, who must already be
    deleted here. `secret` (a passcode of an earlier time, or the recovery code) opens backups
    made under an earlier passcode."""
    if _member_in_live(store, member_id):
        raise UserError("このメンバーはまだ削除されていません。先にメンバーを削除してから、"
                        "バックアップからも消してください。")
    changed: list[Path] = []
    skipped: list[Path] = []
    unchanged = 0
    for b in backups.list_backups(store.path):
        opened, key = _key(store, b.path, secret)
        if not opened:
            skipped.append(b.path)
        elif _purge_file(b.path, key, member_id):
            changed.append(b.path)
        else:
            unchanged += 1  # rewritten all the same: its free pages may hold the deleted text
    _vacuum_live(store)
    return PurgeReport(member_id, tuple(changed), unchanged, tuple(skipped))


_TRAINING_ROWS = "SELECT id FROM training_attendance WHERE member_id = :m"
_FINDS = (
    "SELECT count(*) FROM member WHERE id = :m",
    "SELECT count(*) FROM member_role WHERE member_id = :m",
    "SELECT count(*) FROM meeting_attendance WHERE member_id = :m",
    "SELECT count(*) FROM training_attendance WHERE member_id = :m",
    "SELECT count(*) FROM sync_base WHERE table_name = 'member' AND row_id = :m",
    "SELECT count(*) FROM app_meta WHERE key LIKE 'conflict:%' AND value LIKE '%' || :m || '%'",
)
_DELETES = (
    "DELETE FROM sync_base WHERE (table_name = 'member' AND row_id = :m) OR "
    f"(table_name = 'training_attendance' AND row_id IN ({_TRAINING_ROWS}))",
    # a conflict record keeps the differing fields of both versions: it may quote the member
    "DELETE FROM app_meta WHERE key LIKE 'conflict:%' AND value LIKE '%' || :m || '%'",
    "DELETE FROM member_role WHERE member_id = :m",
    "DELETE FROM meeting_attendance WHERE member_id = :m",
    "DELETE FROM training_attendance WHERE member_id = :m",
    "DELETE FROM member WHERE id = :m",
)


def _holds(path: Path, key: bytes | None, member_id: str) -> bool:
    con = cipher.connect(path, key, read_only=True)
    try:
        return any(con.execute(sql, {"m": member_id}).fetchone()[0] for sql in _FINDS)
    finally:
        con.close()


def _leftovers(path: Path) -> list[Path]:
    return [path, *(path.with_name(path.name + s) for s in ("-journal", "-wal", "-shm", ".part"))]


def _purge_file(path: Path, key: bytes | None, member_id: str) -> bool:
    """Rewrite one backup without the member; False when it did not hold the member. A backup
    without the member's rows is rewritten too: made after the deletion, it may still carry the
    deleted text in free pages copied from the live file."""
    try:
        held = _holds(path, key, member_id)
    except DB_ERRORS as exc:
        raise StoreError(f"バックアップ {path} を読めませんでした（{exc}）。そのままにしてあります。") from None
    work = path.with_name(path.name + ".purging")
    staged = path.with_name(path.name + ".purged")
    try:
        for leftover in _leftovers(work) + _leftovers(staged):
            leftover.unlink(missing_ok=True)
        cipher.create_private(work)
        shutil.copyfile(path, work)
        con = cipher.connect(work, key)
        try:
            con.execute("PRAGMA secure_delete = ON")
            con.execute("PRAGMA foreign_keys = ON")
            with con:
                for sql in _DELETES:
                    con.execute(sql, {"m": member_id})
            if con.execute("PRAGMA foreign_key_check").fetchone() is not None:
                raise StoreError(f"バックアップ {path} から消すと、ほかの行の参照が切れます。そのままにしてあります。")
        finally:
            con.close()
        cipher.rewrite(work, key, staged, key)  # a fresh file: nothing of the row in free pages
        con = cipher.connect(staged, key)
        try:
            con.execute("PRAGMA journal_mode = DELETE")  # as backup_file leaves a backup
        finally:
            con.close()
        cipher.remember(staged, key)
        try:
            inspect_file(staged)  # the schema and integrity, as `check` sees it
        finally:
            cipher.forget(staged)
        os.replace(staged, path)
    except StoreError:
        raise
    except FILE_ERRORS as exc:
        failure = write_failure(path, exc) or StoreError(
            f"バックアップ {path} から消せませんでした（{exc}）。そのままにしてあります。")
        raise failure from None
    finally:
        for leftover in _leftovers(work) + _leftovers(staged):
            with contextlib.suppress(OSError):
                leftover.unlink(missing_ok=True)
    return held


def _vacuum_live(store: Store) -> None:
    """The live file written anew (VACUUM) and its -wal emptied, so the deleted member's text
    is in no free page of the database either."""
    con = store.engine.raw_connection()
    try:
        driver = cipher.driver_of(con)
        driver.commit()
        driver.execute("PRAGMA secure_delete = ON")
        driver.execute("VACUUM")
        driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except DB_ERRORS as exc:
        failure = write_failure(store.path, exc) or StoreError(
            f"{store.path} を書き直せませんでした（{exc}）。バックアップからは消してあります。")
        raise failure from None
    finally:
        con.close()
