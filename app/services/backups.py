"""Backups a volunteer can understand: made on their own, kept as a thinned history, listed with
和暦 dates and plain reasons, copied to a USB stick, and restored into the open database.

Every copy goes through app.store.backup_file (SQLite's online backup API, then
`integrity_check` on the copy): the live file is never copied by hand, so a backup taken while
the window is open is as consistent as one taken after closing it.

Thinning (`thin`) keeps:
- everything from the last 2 days;
- one per calendar day (the newest of that day) for backups 2 to 30 days old;
- one per calendar month (the newest of that month) for backups 30 to 365 days old;
- nothing older than a year, with one exception: the newest backup of all is never deleted,
  so a PC left unused for over a year still has the last state it saved.
Backups dated in the future (the PC's clock was wrong) count as recent and are kept.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
import tempfile
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import event

from app import cipher
from app.errors import StoreError
from app.services.wareki import format_wareki
from app.store import Store, backup_file, backups_dir, inspect_file, timestamped_backup

RECENT = dt.timedelta(days=2)
DAILY_UNTIL = dt.timedelta(days=30)
MONTHLY_UNTIL = dt.timedelta(days=365)

# How long backups keep data (what `thin` does), for the backup page.
RETENTION_TEXT = (f"{RECENT.days}日間はすべて、{DAILY_UNTIL.days}日まではその日の最後の1つ、"
                  "1年までは月に1つ、いちばん新しいものはずっと残します。"
                  "削除したメンバーの情報もその間バックアップに残ります（「完全に消す」で消せます）。")

# Reason codes are part of the file name (ASCII); what a volunteer reads is the label.
REASONS = {
    "manual": "手動（今すぐバックアップ）",
    "on-close": "閉じたとき（自動）",
    "before-import": "ファイルを読み込む前（自動）",
    "before-migration": "新しい版に更新する前（自動）",
    "before-restore": "戻す前の状態（自動）",
    "before-delete-council": "協議体を削除する前（自動）",
    "before-encrypt": "パスコードで鍵をかける前（自動）",
}

_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6}-\d{6})-(?P<reason>[a-z0-9-]+)\.sqlite3$")


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: dt.datetime
    reason: str
    size: int

    @property
    def reason_label(self) -> str:
        return REASONS.get(self.reason, self.reason)

    @property
    def when_text(self) -> str:
        """令和7年4月1日 15:30 (what the list shows; 西暦 goes in the tooltip)."""
        return f"{format_wareki(self.taken_at.date())} {self.taken_at:%H:%M}"

    @property
    def size_text(self) -> str:
        return size_text(self.size)


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


# --- listing and thinning ---------------------------------------------------------------------

def parse_name(path: Path, stem: str | None = None) -> tuple[dt.datetime, str] | None:
    """(time, reason) from a name written by app.store.timestamped_backup, or None."""
    match = _NAME.match(path.name)
    if not match or (stem is not None and match["stem"] != stem):
        return None
    try:
        return dt.datetime.strptime(match["stamp"], "%Y%m%d-%H%M%S-%f"), match["reason"]
    except ValueError:
        return None


def list_backups(db_path: Path) -> list[BackupInfo]:
    """The backups of this database, newest first (unfinished `.part` files are not listed)."""
    folder = backups_dir(Path(db_path))
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob("*.sqlite3"):
        parsed = parse_name(path, Path(db_path).stem)
        if parsed is None:
            continue
        try:
            size = path.stat().st_size
        except OSError:
            continue
        found.append(BackupInfo(path, parsed[0], parsed[1], size))
    return sorted(found, key=lambda b: b.taken_at, reverse=True)


def thin(stamps: Iterable[dt.datetime], now: dt.datetime) -> set[dt.datetime]:
    """Which backup times to keep (see the module docstring for the rules)."""
    stamps = set(stamps)
    keep: set[dt.datetime] = set()
    daily: dict[dt.date, dt.datetime] = {}
    monthly: dict[tuple[int, int], dt.datetime] = {}
    for stamp in stamps:
        age = now - stamp
        if age < RECENT:
            keep.add(stamp)
        elif age < DAILY_UNTIL:
            day = stamp.date()
            daily[day] = max(stamp, daily.get(day, stamp))
        elif age < MONTHLY_UNTIL:
            month = (stamp.year, stamp.month)
            monthly[month] = max(stamp, monthly.get(month, stamp))
    keep.update(daily.values())
    keep.update(monthly.values())
    if stamps:
        keep.add(max(stamps))
    return keep


def prune(db_path: Path, now: dt.datetime | None = None) -> list[Path]:
    """Delete the backups `thin` does not keep; returns what was deleted."""
    backups = list_backups(db_path)
    keep = thin((b.taken_at for b in backups), now or dt.datetime.now())
    deleted = []
    for b in backups:
        if b.taken_at not in keep:
            try:
                b.path.unlink()
            except OSError:
                continue  # in use or read-only: try again next time
            cipher.key_path(b.path).unlink(missing_ok=True)  # an encrypted backup's key file
            deleted.append(b.path)
    return deleted


# --- making backups ---------------------------------------------------------------------------

def _info(path: Path) -> BackupInfo:
    taken_at, reason = parse_name(path) or (dt.datetime.now(), "manual")
    return BackupInfo(path, taken_at, reason, path.stat().st_size)


# progress(step, done, total) for the window's progress bar (ui/worker.py); it may raise to stop
# (中止), and what was begun is undone before the exception goes on.
Progress = Callable[[str, int, int], None]


def _silent(_step: str, _done: int, _total: int) -> None:
    return None


def _keep_or_remove(path: Path, tell: Progress, step: str) -> None:
    """The copy is made; a stop asked meanwhile removes it (and its key file) again."""
    try:
        tell(step, 1, 1)
    except BaseException:
        for leftover in (path, cipher.key_path(path)):
            leftover.unlink(missing_ok=True)
        cipher.forget(path)
        raise


def backup_now(store: Store, reason: str = "manual", now: dt.datetime | None = None, *,
               progress: Progress | None = None) -> BackupInfo:
    """A verified backup into the database's backups folder, then thinning of the older ones.
    Use reason "before-import" etc. before any operation that replaces a lot of data.
    `progress`: stopped before the older ones are thinned, the new copy goes and nothing changed."""
    if not re.fullmatch(r"[a-z0-9-]+", reason):
        raise ValueError(f"reason must be a short ASCII code, not {reason!r}")
    tell = progress or _silent
    tell("バックアップ", 0, 1)
    path = timestamped_backup(store.path, reason)
    _keep_or_remove(path, tell, "バックアップ")
    info = _info(path)
    tracker = _trackers.get(store)
    if tracker is not None:
        tracker.dirty = False
    prune(store.path, now)
    return info


class ChangeTracker:
    """Notices writes to the data (not to app_meta, where preferences such as the last council
    opened live), so closing after only looking around makes no new backup."""

    _WRITE = re.compile(r"^\s*(?:INSERT|UPDATE|DELETE|REPLACE)\b(?:\s+OR\s+\w+)?\s+(?:INTO\s+|FROM\s+)?"
                        r"[\"`\[]?(?P<table>\w+)", re.IGNORECASE)

    def __init__(self, store: Store) -> None:
        self.dirty = False
        event.listen(store.engine, "after_cursor_execute", self._seen)

    def _seen(self, _conn, _cursor, statement: str, *_args) -> None:
        if self.dirty:
            return
        match = self._WRITE.match(statement)
        if match and match["table"].lower() != "app_meta":
            self.dirty = True


_trackers: weakref.WeakKeyDictionary[Store, ChangeTracker] = weakref.WeakKeyDictionary()


def track_changes(store: Store) -> ChangeTracker:
    """Start noticing edits (call once, right after opening the store for the window)."""
    tracker = _trackers.get(store)
    if tracker is None:
        tracker = _trackers[store] = ChangeTracker(store)
    return tracker


def changed_since_backup(store: Store) -> bool:
    """True when data was edited since the last backup; unknown (not tracked) counts as changed."""
    tracker = _trackers.get(store)
    return True if tracker is None else tracker.dirty


def backup_on_close(store: Store) -> BackupInfo | None:
    """Call before store.close(): a backup when anything changed since the last one."""
    if not changed_since_backup(store):
        return None
    return backup_now(store, "on-close")


def copy_to_folder(store: Store, folder: Path, now: dt.datetime | None = None, *,
                   progress: Progress | None = None) -> Path:
    """「USBメモリに保存」: a verified backup of the current state, written into `folder` under a
    name that says the date, never overwriting a file already there. `progress`: stopped, the
    copy is removed again."""
    tell = progress or _silent
    tell("保存", 0, 1)
    folder = Path(folder)
    if not folder.is_dir():
        raise StoreError(f"{folder} が見つかりません。USBメモリが差してあるか確かめてください。")
    now = now or dt.datetime.now()
    base = f"sasaeai-backup-{now:%Y%m%d-%H%M}"
    dest = folder / f"{base}.sqlite3"
    n = 2
    while dest.exists():
        dest = folder / f"{base}-{n}.sqlite3"
        n += 1
    try:
        saved = backup_file(store.path, dest)
    except OSError as exc:
        raise StoreError(f"{folder} に保存できませんでした（{exc.strerror or exc}）。"
                         "USBメモリの空きと、書き込み禁止になっていないかを確かめてください。") from None
    _keep_or_remove(saved, tell, "保存")
    return saved


def encrypt_backups(store: Store) -> int:
    """After a passcode is set: the plain backups in the backups folder are rewritten encrypted
    with the database's key (each checked before it replaces the plain one), so no readable copy
    stays beside the encrypted file. Returns how many were rewritten."""
    key = store.key
    if key is None:
        return 0
    done = 0
    for b in list_backups(store.path):
        if not cipher.looks_plain(b.path):
            continue
        cipher.copy_keyfile(store.path, b.path)
        cipher.rewrite(b.path, None, b.path, key)
        done += 1
    return done


def _backup_key(store: Store, source: Path, secret: str | None) -> bytes | None:
    """The key of a backup: none for a plain one; the open database's key when it opens it;
    else the passcode (of the time it was made) or the recovery code, through its key file."""
    if cipher.looks_plain(source):
        return None
    if store.key is not None and cipher.key_opens(source, store.key):
        return store.key
    keyfile = cipher.KeyFile.load(source)
    if secret:
        candidates = keyfile.keys_for_passcode(secret) + keyfile.keys_for_recovery(secret)
        for key in candidates:
            if cipher.key_opens(source, key):
                return key
    raise cipher.PasscodeRequired(
        f"{source.name} は、別のパスコード（パスコードを変える前など）で鍵がかかっています。"
        "そのときのパスコードか、回復コードを入れてください。")


# --- restoring --------------------------------------------------------------------------------

@dataclass(frozen=True)
class RestoreReport:
    restored: BackupInfo
    safety: BackupInfo   # the state just before the restore, itself restorable


def restore(store: Store, backup: Path | BackupInfo, secret: str | None = None, *,
            progress: Progress | None = None) -> RestoreReport:
    """Replace the open database's content with a backup's, after backing up the current state.

    The Store keeps its file open and locked, so the file is not swapped: the backup is first
    copied and checked (and brought to this version's schema when it is older) in a temporary
    folder, then written INTO the live database through SQLite's backup API, page by page in one
    transaction. Pooled connections are dropped afterwards so nothing stale is read.
    An encrypted backup (or a plain one, into an encrypted database) is staged under the open
    database's key first; `secret` opens a backup made under an earlier passcode.
    `progress` ("準備", done, 4) is told between the steps before the live database is written;
    stopped there, the database is as it was (the "before-restore" backup, once made, stays).
    """
    tell = progress or _silent
    tell("準備", 0, 4)
    source = Path(backup.path if isinstance(backup, BackupInfo) else backup)
    if not source.is_file():
        raise StoreError(f"{source} が見つかりません。")
    source_key = _backup_key(store, source, secret)
    cipher.remember(source, source_key)
    inspect_file(source)  # damaged or foreign: refused before anything happens
    with tempfile.TemporaryDirectory(prefix="sasaeai-restore-") as tmp:
        copied = backup_file(source, Path(tmp) / "copied.sqlite3")
        tell("準備", 1, 4)
        staged = Path(tmp) / "staged.sqlite3"
        cipher.rewrite(copied, source_key, staged, store.key)
        cipher.remember(staged, store.key)
        if store.key is not None:  # an older backup is itself backed up before its migration
            cipher.copy_keyfile(store.path, staged)
        Store.open(staged).close()  # refuses a newer version; migrates an older one
        tell("準備", 2, 4)
        safety = backup_now(store, "before-restore")
        tell("準備", 3, 4)  # the last point to stop: next, the live database is written
        src = cipher.connect(staged, store.key, read_only=True)
        try:
            with store.engine.connect() as conn:
                live = cipher.driver_of(conn.connection)
                try:
                    src.backup(live)
                except cipher.sqlcipher.Error as exc:
                    raise StoreError(f"{source.name} から戻せませんでした（{exc}）。"
                                     f"データは戻す前のまま（{safety.path.name}）です。") from None
        finally:
            src.close()
    store.engine.dispose()
    track_changes(store).dirty = True  # the next close keeps the restored state as a backup too
    taken = parse_name(source)
    restored = BackupInfo(source, taken[0] if taken else dt.datetime.fromtimestamp(source.stat().st_mtime),
                          taken[1] if taken else "manual", source.stat().st_size)
    return RestoreReport(restored=restored, safety=safety)


# --- where the database lives ---------------------------------------------------------------------

FIXED, REMOVABLE, NETWORK, UNKNOWN = "fixed", "removable", "network", "unknown"
_NETWORK_FS = {"nfs", "nfs4", "cifs", "smb3", "smbfs", "sshfs", "fuse.sshfs", "9p", "afs",
               "davfs", "fuse.davfs2", "fuse.rclone", "ncpfs", "glusterfs", "ceph", "fuse.gvfsd-fuse"}
_REMOVABLE_FS = {"vfat", "exfat", "msdos", "fuseblk", "iso9660", "udf"}
_REMOVABLE_ROOTS = ("/media/", "/run/media/", "/mnt/")


def _unescape_mount(text: str) -> str:
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m[1], 8)), text)


def linux_drive_kind(path: Path | str, mounts: str) -> str:
    """Classify from /proc/mounts text: the mount holding `path` decides (longest prefix)."""
    target = str(path)
    best, best_fs = "", ""
    for line in mounts.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        point, fstype = _unescape_mount(parts[1]), parts[2]
        prefix = point.rstrip("/") + "/"
        if (target == point or target.startswith(prefix) or point == "/") and len(point) > len(best):
            best, best_fs = point, fstype
    if best_fs in _NETWORK_FS or best_fs.startswith("nfs"):
        return NETWORK
    if best_fs in _REMOVABLE_FS:
        return REMOVABLE
    under = target.rstrip("/") + "/"
    if any(under.startswith(root) for root in _REMOVABLE_ROOTS):
        return REMOVABLE
    return FIXED if best else UNKNOWN


_WINDOWS_TYPES = {2: REMOVABLE, 3: FIXED, 4: NETWORK, 5: REMOVABLE, 6: FIXED}


def windows_drive_kind(path: Path | str) -> str:  # pragma: no cover - Windows only
    import ctypes

    text = str(path)
    if text.startswith(("\\\\", "//")):
        return NETWORK
    if sys.platform != "win32":  # ctypes.windll: Windows only
        return UNKNOWN
    root = os.path.splitdrive(os.path.abspath(text))[0] + "\\"
    code = ctypes.windll.kernel32.GetDriveTypeW(ctypes.c_wchar_p(root))
    return _WINDOWS_TYPES.get(code, UNKNOWN)


def system_drive_kind(path: Path | str) -> str:
    if sys.platform == "win32":  # pragma: no cover - Windows only
        return windows_drive_kind(path)
    try:
        mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
    except OSError:
        mounts = ""
    return linux_drive_kind(Path(path).resolve(), mounts)


def drive_kind(path: Path | str, lookup: Callable[[Path], str] | None = None) -> str:
    """fixed / removable / network / unknown; `lookup` replaces the system's answer in tests."""
    text = str(path)
    if text.startswith(("\\\\", "//")):
        return NETWORK
    return (lookup or system_drive_kind)(Path(path))


def storage_warning(path: Path | str, lookup: Callable[[Path], str] | None = None) -> str | None:
    """A warning in plain Japanese when the database is on a USB stick or a network folder."""
    kind = drive_kind(path, lookup)
    if kind == REMOVABLE:
        return ("データベースがUSBメモリなどの取り外せる場所にあります。使っている途中で抜くと"
                "壊れることがあります。また、なくすと個人情報が外に出てしまいます。"
                "パソコンの中（ふだんの場所）に置いて、USBメモリにはバックアップを保存してください。")
    if kind == NETWORK:
        return ("データベースがネットワーク上のフォルダーにあります。通信が途切れると壊れることが"
                "あります。パソコンの中（ふだんの場所）に置いてください。")
    return None
