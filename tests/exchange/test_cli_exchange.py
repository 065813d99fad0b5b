"""The exchange commands as the coordinator types them."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from app.cli import main
from tests.exchange.conftest import db_state


@pytest.fixture
def demo_db(tmp_path, demo_template):
    return shutil.copyfile(demo_template, tmp_path / "demo.sqlite3")


@pytest.fixture
def empty_db(tmp_path, template_db):
    return shutil.copyfile(template_db, tmp_path / "empty.sqlite3")


@pytest.mark.slow
def test_export_then_import(demo_db, empty_db, tmp_path, capsys):
    out = tmp_path / "八幡.xlsx"
    assert main(["--db", str(demo_db), "export", "--council", "八幡", "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "書き出しました" in printed and "メンバー" in printed and "同意していない" in printed
    assert main(["--db", str(empty_db), "import", str(out), "--dry-run"]) == 0
    assert "--dry-run" in capsys.readouterr().out
    assert main(["--db", str(empty_db), "import", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "読み込みました" in printed and "バックアップ" in printed
    line = next(x for x in printed.splitlines() if x.startswith("メンバー"))
    assert line.split()[1:] == ["22", "0", "0", "0", "0"]


@pytest.mark.slow
def test_export_all_anonymized_with_password(demo_db, tmp_path, capsys, monkeypatch):
    out = tmp_path / "all.xlsx"
    assert main(["--db", str(demo_db), "export", "--all", "--anonymize", "--password", "pw",
                 "-o", str(out)]) == 1  # never on the command line: other users see it
    assert "SASAEAI_FILE_PASSWORD" in capsys.readouterr().err and not out.exists()
    monkeypatch.setenv("SASAEAI_FILE_PASSWORD", "pw")
    assert main(["--db", str(demo_db), "export", "--all", "--anonymize", "--password",
                 "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "匿名化" in printed and "パスワード" in printed
    assert main(["--db", str(demo_db), "import", str(out), "--password", "--dry-run"]) == 0


@pytest.mark.slow
def test_errors_are_one_line_and_leave_the_database_alone(empty_db, tmp_path):
    bad = tmp_path / "名簿.xlsx"
    bad.write_text("氏名,電話\n山田,027\n", encoding="utf-8")
    before = db_state(empty_db)
    result = subprocess.run([sys.executable, "-m", "app", "--db", str(empty_db), "import", str(bad)],
                            capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("エラー: 名簿.xlsx") and "CSV" in lines[0]
    assert db_state(empty_db) == before


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["export", "-o", "x.xlsx"])
    assert exc.value.code == 2
    assert "エラー" in capsys.readouterr().err


def test_import_report_puts_warnings_before_counts(demo_db, empty_db, tmp_path, capsys):
    out = tmp_path / "八幡.xlsx"
    assert main(["--db", str(demo_db), "export", "--council", "八幡", "-o", str(out)]) == 0
    assert main(["--db", str(empty_db), "council", "add", "八幡"]) == 0
    capsys.readouterr()
    assert main(["--db", str(empty_db), "import", str(out)]) == 0
    lines = capsys.readouterr().out.splitlines()
    warning = lines.index("注意: この協議体「八幡」は空だったので、ファイルの八幡のデータをそのまま使いました。")
    table = next(i for i, x in enumerate(lines) if x.startswith("シート"))
    backup = next(i for i, x in enumerate(lines) if x.startswith("読み込む前のバックアップ"))
    assert lines[0].startswith("読み込みました") and warning < table < backup
