"""ホーム as it was at the last close, kept beside the database (`<db>-home.json`) so the next
start can show it before SQLAlchemy is even imported; the live page replaces it a moment later.

The file holds what ホーム displayed (texts, see app/ui/pages/home_view.py), the council picked
and a token of the database file's state: the size and modification time of the file and of its
-wal. It is used only when the token still matches, it was written today (the next meeting and
the notices depend on the day) and by this version of the program (which formats the texts), so a
restore, an import or any other writer simply makes it ignored. It is never written for an
encrypted database or the practice database, and it is deleted when a passcode is set (nothing
readable stays beside an encrypted file).

Imported before the first paint: no SQLAlchemy, no cipher module (sqlcipher, cryptography).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

from app import __version__

FORMAT = 1


def path_for(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + "-home.json")


def _encrypted(db_path: Path) -> bool:
    # cipher.key_path, without importing the cipher module before the first paint
    return db_path.with_name(db_path.name + ".key").exists()


def _stat(path: Path) -> list[int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return [st.st_size, st.st_mtime_ns]


def token(db_path: Path) -> dict[str, Any]:
    """The database file's state now: its size and mtime, and its -wal's (None when absent)."""
    return {"db": _stat(db_path), "wal": _stat(db_path.with_name(db_path.name + "-wal"))}


def write(db_path: Path, council_id: str, council_label: str, large_text: bool,
          home: dict[str, Any], today: dt.date | None = None) -> Path | None:
    """Write the snapshot (after the store is closed, so the token is the file at rest)."""
    if _encrypted(db_path):
        forget(db_path)
        return None
    from app import cipher

    target = path_for(db_path)
    data = {"format": FORMAT, "version": __version__, "day": (today or dt.date.today()).isoformat(),
            "token": token(db_path), "council_id": council_id, "council_label": council_label,
            "large_text": large_text, "home": home}
    part = target.with_name(target.name + ".part")
    cipher.create_private(part)  # the database's own private mode
    with part.open("w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False)
    os.replace(part, target)
    return target


def load(db_path: Path, today: dt.date | None = None) -> dict[str, Any] | None:
    """The snapshot if it still describes the file as it is now, else None."""
    target = path_for(db_path)
    if _encrypted(db_path) or not target.exists():
        return None
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if (not isinstance(data, dict) or data.get("format") != FORMAT
            or data.get("version") != __version__
            or data.get("day") != (today or dt.date.today()).isoformat()
            or data.get("token") != token(db_path) or data["token"]["db"] is None):
        return None
    return data


def forget(db_path: Path) -> None:
    """Delete the snapshot (a passcode was set: nothing readable beside the encrypted file)."""
    path_for(db_path).unlink(missing_ok=True)
