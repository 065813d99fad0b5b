"""Where things are, without importing anything heavy (the window paints before SQLAlchemy loads)."""

from __future__ import annotations

import sys
from pathlib import Path

APP_DIR_NAME = "SasaeaiNote"
DB_FILE_NAME = "sasaeai.sqlite3"


def default_db_path() -> Path:
    """The database a user gets without --db: in the per-user data folder, never in Program Files."""
    import platformdirs  # imported here: a few ms that the window's first paint need not wait for

    return platformdirs.user_data_path(APP_DIR_NAME, appauthor=False) / DB_FILE_NAME


def bundle_root() -> Path:
    """Where migrations/ and resources/ live: the source tree, or PyInstaller's unpack folder."""
    frozen = getattr(sys, "_MEIPASS", None)
    return Path(frozen) if frozen else Path(__file__).resolve().parent.parent


def practice_db_path(db_path: Path) -> Path:
    """The practice database beside the real one: the demo data lives there, never in the real file."""
    return db_path.with_name(f"{db_path.stem}-practice{db_path.suffix or '.sqlite3'}")
