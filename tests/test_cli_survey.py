"""show-survey: the counts as before, and for a survey entered form by form the results by
町内会 and the cross-tables asked for (--cross); print takes --cross and --open-answers."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from app.cli import main
from app.services import councils, neighbourhoods, surveys
from app.store import Store
from tests.services.survey_data import FORMS, QUESTIONS, enter


@pytest.fixture
def forms_db(db_path):
    with Store.open(db_path) as store:
        council = councils.create_council(store, {"name": "本町地区", "tier": 2})
        areas = [neighbourhoods.create_neighbourhood(store, council.id, {"name": n}).id
                 for n in ("本町1", "本町2")]
        survey = surveys.create_survey(store, council.id, {"title": "困りごと", "distributed": 10},
                                       QUESTIONS, entry="forms")
        enter(store, survey, FORMS, areas)
    return db_path


def show(db, capsys, *more: str) -> str:
    assert main(["--db", str(db), "show-survey", "--council", "本町地区", *more]) == 0
    return capsys.readouterr().out


def test_counts_and_results_by_neighbourhood(forms_db, capsys):
    out = show(forms_db, capsys)
    assert "配布 10　回収 6　回収率 60.0%" in out
    assert re.search(r"1-1\. 車\s+2\s+66\.7%", out)
    assert "■ 町内会別" in out
    assert re.search(r"本町1\s+2\s+2\s+1（50\.0%）\s+1（50\.0%）", out)
    assert re.search(r"未記入\s+1\s+1\s+1（100\.0%）\s+0（0\.0%）", out)
    assert re.search(r"合計\s+6\s+5\s+3（60\.0%）\s+2（40\.0%）", out)
    assert "クロス集計" not in out


def test_cross_tables(forms_db, capsys):
    out = show(forms_db, capsys, "--cross", "1,3", "--cross", "３×１")
    assert "■ クロス集計：問1 一人暮らしですか × 問3 買い物" in out
    assert re.search(r"1\. はい\s+3\s+4\s+1（25\.0%）\s+1（25\.0%）\s+2（50\.0%）", out)
    assert re.search(r"全体\s+5\s+7\s+3（42\.9%）\s+2（28\.6%）\s+2（28\.6%）", out)
    assert "■ クロス集計：問3 買い物 × 問1 一人暮らしですか" in out


def test_cross_mistakes_are_named(forms_db, capsys):
    with pytest.raises(SystemExit) as usage:
        main(["--db", str(forms_db), "show-survey", "--council", "本町地区", "--cross", "1"])
    assert usage.value.code == 2 and "「1」は読めません" in capsys.readouterr().err
    assert main(["--db", str(forms_db), "show-survey", "--council", "本町地区", "--cross", "1,9"]) == 1
    assert "問9はありません（問1〜問4）" in capsys.readouterr().err
    assert main(["--db", str(forms_db), "show-survey", "--council", "本町地区", "--cross", "1,4"]) == 1
    assert "問4は自由に書く問" in capsys.readouterr().err


@pytest.mark.slow
def test_print_with_cross_and_open_answers(forms_db, tmp_path, capsys):
    out = tmp_path / "r.pdf"
    assert main(["--db", str(forms_db), "print", "survey-results", "--council", "本町地区", "-o",
                 str(out), "--cross", "1,3", "--open-answers"]) == 0
    captured = capsys.readouterr()
    assert "自由記述を載せました" in captured.err
    text = "".join(p.extract_text() for p in PdfReader(out).pages).replace("\n", "")
    assert "クロス集計：問1「一人暮らしですか」×問3「買い物」" in text and "草むしり" in text
