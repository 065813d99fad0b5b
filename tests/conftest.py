"""Shared fixtures: real SQLite files under tmp_path, built from a migrated template once."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.services import demo
from app.store import Store


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


STRESS_TODAY = dt.date(2026, 12, 2)


@pytest.fixture(scope="session")
def stress_template(tmp_path_factory, demo_template) -> Path:
    """The demo plus 西部中央地区, the council of real size (app/services/stress.py)."""
    from app.services.stress import load_stress

    path = tmp_path_factory.mktemp("template") / "stress.sqlite3"
    shutil.copyfile(demo_template, path)
    with Store.open(path) as store:
        load_stress(store, today=STRESS_TODAY)
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
