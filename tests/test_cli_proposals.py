"""The `proposals` command: a council's 提言 as a readable log, newest first; a council without
any, an unknown council and a missing --council each get a Japanese line and their exit code."""

from __future__ import annotations

import shutil

import pytest

from app.cli import main


@pytest.mark.slow
def test_the_proposals_command_prints_the_log(demo_template, tmp_path, capsys):
    path = str(shutil.copyfile(demo_template, tmp_path / "demo.sqlite3"))
    assert main(["--db", path, "proposals", "--council", "八幡"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "八幡地区協議体の提言（3件、回答のあったもの 1件。新しい順）"
    titles = [line[2:] for line in out if line.startswith("■ ")]
    assert titles == ["ゴミ出しを手伝うサポーターの保険を案内してほしい", "通院の足を確保する（乗り合いの試行）",
                      "移動販売の停留所を増やす"]
    assert "  まだ提出していません　提出先 高崎市社会福祉協議会　状況 準備中" in out
    assert any(line.startswith("  回答（令和") and "金井淵集会所前" in line for line in out)
    assert main(["--db", path, "proposals", "--council", "豊岡"]) == 0
    assert "豊岡地区協議体の提言はまだ記録されていません" in capsys.readouterr().out
    assert main(["--db", path, "proposals", "--council", "どこにもない"]) == 1
    assert "協議体「どこにもない」が見つかりません" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stop:
        main(["--db", path, "proposals"])
    assert stop.value.code == 2 and "--council（協議体の名前" in capsys.readouterr().err
