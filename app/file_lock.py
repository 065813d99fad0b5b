"""One program per database file: an OS lock on `<db>.lock`, keyed on the file's one real
spelling. The OS releases it when the process dies, so a crash leaves no stale lock."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import sys
from pathlib import Path

from app.errors import StoreError


class DatabaseLock:
    """An OS lock on `<db>.lock`: released by the OS when the process dies, so a crash leaves no
    stale lock that blocks the next start; the file's text only says who holds it."""

    def __init__(self, db_path: Path) -> None:
        # Keyed on the real file: a symlink, another spelling of the case or a short 8.3 name of
        # the same file must find the same lock.
        real = real_path(db_path)
        self.path = real.with_name(real.name + ".lock")
        self.db_path = db_path
        self._fh: io.BufferedRandom | None = None

    def acquire(self) -> None:
        # 0600: the lock file says who has the file open; only the user needs to read it.
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
        fh = os.fdopen(fd, "r+b")  # held open for the lock's lifetime
        try:
            _lock(fh)
        except OSError:
            fh.seek(1)
            holder = fh.read().decode("utf-8", "replace")
            fh.close()
            raise StoreError(f"{self.db_path} は別のささえあいノートで使われています"
                             f"（{_describe_holder(holder)}）。開いている画面を閉じてから、"
                             "もう一度開いてください。") from None
        import socket  # here: reading a file in good order (plain_read) only looks at the lock

        info = {"pid": os.getpid(), "host": socket.gethostname(),
                "since": dt.datetime.now().isoformat(timespec="seconds")}
        fh.seek(0)
        fh.truncate()
        fh.write(b" " + json.dumps(info).encode())  # byte 0 stays free for the Windows lock
        fh.flush()
        self._fh = fh

    def release(self) -> None:
        if self._fh is not None:
            with contextlib.suppress(OSError):
                _unlock(self._fh)
            self._fh.close()
            self._fh = None
            self.path.unlink(missing_ok=True)


def real_path(path: Path) -> Path:
    """One spelling per file: symlinks resolved, case folded where the system ignores it, and on
    Windows the long form of an 8.3 short name."""
    text = os.path.realpath(os.path.abspath(path))
    if os.name == "nt":  # pragma: no cover - Windows only
        text = _long_path(text)
    return Path(os.path.normcase(text))


def _long_path(text: str) -> str:  # pragma: no cover - Windows only
    if sys.platform != "win32":  # ctypes.windll: Windows only
        return text
    try:
        import ctypes

        size = ctypes.windll.kernel32.GetLongPathNameW(text, None, 0)
        if not size:  # the file does not exist yet: its folder may still have a short name
            head, tail = os.path.split(text)
            return os.path.join(_long_path(head), tail) if head and head != text else text
        buffer = ctypes.create_unicode_buffer(size)
        if ctypes.windll.kernel32.GetLongPathNameW(text, buffer, size):
            return buffer.value
    except (OSError, AttributeError, ValueError):
        pass
    return text


def _describe_holder(text: str) -> str:
    try:
        info = json.loads(text)
        return f"{info['host']} のプロセス {info['pid']}、{info['since']} から"
    except (ValueError, KeyError, TypeError):
        return "使用中"


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock(fh) -> None:
        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(fh) -> None:
        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock(fh) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fh) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
