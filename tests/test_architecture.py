"""The house rules, checked: Qt only under app/ui, no SQLAlchemy or sessions in the UI."""

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("folder", ["models", "services", "printing", "exchange"])
def test_no_qt_below_the_ui(folder):
    for path in (APP / folder).rglob("*.py"):
        assert "PySide6" not in imports(path), f"{path} imports Qt"
    for path in (APP / folder).rglob("*.py"):
        assert "app.ui" not in path.read_text(encoding="utf-8"), f"{path} depends on the UI"


def test_ui_holds_no_database_session():
    for path in (APP / "ui").rglob("*.py"):
        assert "sqlalchemy" not in imports(path), f"{path} imports SQLAlchemy"
        assert ".session()" not in path.read_text(encoding="utf-8"), f"{path} opens a session"
