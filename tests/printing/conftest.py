"""One demo database for the whole printing suite, and each document rendered once."""

from __future__ import annotations

import shutil
from collections.abc import Callable

import pytest

from app.printing import RenderResult, render
from app.services import councils
from app.store import Store


@pytest.fixture(scope="session")
def print_store(tmp_path_factory, demo_template):
    path = tmp_path_factory.mktemp("printing") / "demo.sqlite3"
    shutil.copyfile(demo_template, path)
    store = Store.open(path)
    yield store
    store.close()


@pytest.fixture(scope="session")
def council_id(print_store) -> Callable[[str], str]:
    def find(name: str) -> str:
        return councils.find_council(print_store, name).id
    return find


@pytest.fixture(scope="session")
def rendered(print_store, council_id, tmp_path_factory) -> Callable[..., RenderResult]:
    """rendered("flyer", template="launch") -> the RenderResult, rendered once per session."""
    out_dir = tmp_path_factory.mktemp("pdfs")
    cache: dict[tuple, RenderResult] = {}

    def get(kind: str, council: str = "八幡", **options) -> RenderResult:
        key = (kind, council, repr(sorted(options.items())))
        if key not in cache:
            name = "-".join([kind, str(len(cache))]) + ".pdf"
            cache[key] = render(print_store, kind, council_id(council), out_dir / name, **options)
        return cache[key]

    return get
