"""Small per-database preferences (last council opened, large text), kept in app_meta so they
travel with the file and tests never touch the user's real settings."""

from __future__ import annotations

from app.models import AppMeta
from app.services.meta_keys import PREFERENCE as PREFIX
from app.store import Store


def get(store: Store, key: str, default: str = "") -> str:
    with store.session() as s:
        row = s.get(AppMeta, PREFIX + key)
        return row.value if row else default


def put(store: Store, key: str, value: str) -> None:
    if getattr(store, "read_only", False):  # a read-only file: the choice lasts this session only
        return
    with store.session() as s:
        row = s.get(AppMeta, PREFIX + key)
        if row is None:
            s.add(AppMeta(key=PREFIX + key, value=value))
        elif row.value != value:
            row.value = value
