"""Shared fixtures: real SQLite files under tmp_path, built from a migrated template once."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.services import demo  # noqa: E402
from app.store import Store  # noqa: E402


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    """An empty, migrated database; tests copy it instead of migrating again."""
    path = tmp_path_factory.mktemp("template") / "empty.sqlite3"
    Store.open(path).close()
    return path


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "demo.sqlite3"
    with Store.open(path) as store:
        demo.load_demo(store)
    return path


def _copy(src: Path, dest: Path) -> Path:
    # The template was closed cleanly (WAL checkpointed), so the main file is complete.
    shutil.copyfile(src, dest)
    return dest


@pytest.fixture
def db_path(tmp_path, template_db) -> Path:
    return _copy(template_db, tmp_path / "test.sqlite3")


@pytest.fixture
def store(db_path):
    with Store.open(db_path) as opened:
        yield opened


@pytest.fixture
def demo_store(tmp_path, demo_template):
    with Store.open(_copy(demo_template, tmp_path / "demo.sqlite3")) as opened:
        yield opened


@pytest.fixture
def council(store):
    from app.services import councils

    return councils.create_council(store, {"name": "テスト地区", "tier": 2})
