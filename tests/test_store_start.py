"""Opening at start looks at the file once, and again under the lock only if it was written
in between (tests/test_store_guard.py holds what the look refuses)."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from app import store as store_module
from app.errors import StoreError
from app.store import Store


def _count_inspections(monkeypatch) -> list:
    seen = []
    real = store_module.inspect_file
    monkeypatch.setattr(store_module, "inspect_file", lambda path: seen.append(path) or real(path))
    return seen


def test_an_untouched_file_is_inspected_once(tmp_path, demo_template, monkeypatch):
    path = tmp_path / "once.sqlite3"
    shutil.copyfile(demo_template, path)
    seen = _count_inspections(monkeypatch)
    Store.open(path).close()
    assert len(seen) == 1


def test_a_file_written_before_the_lock_is_inspected_again(tmp_path, demo_template, monkeypatch):
    path = tmp_path / "raced.sqlite3"
    shutil.copyfile(demo_template, path)
    seen = _count_inspections(monkeypatch)
    real_acquire = store_module.DatabaseLock.acquire

    def another_program_first(lock):  # writes between the first look and the lock
        con = sqlite3.connect(path)
        con.execute("CREATE TABLE notes (x TEXT)")
        con.commit()
        con.close()
        real_acquire(lock)

    monkeypatch.setattr(store_module.DatabaseLock, "acquire", another_program_first)
    with pytest.raises(StoreError, match="余分な表 notes"):
        Store.open(path)
    assert len(seen) == 2
    assert not path.with_name(path.name + ".lock").exists()  # released again
