"""A survey entered form by form, printed: its results by 町内会, the cross-tables asked for, the
open answers only when asked (with the warning line), and the form with sub-choices, lines for
the open question and the 整理番号 box."""

from __future__ import annotations

import datetime as dt

import pytest

from app.printing import PrintError, render
from app.services import neighbourhoods, surveys
from tests.printing.pdfcheck import (
    A4,
    flat,
    font_is_embedded,
    fonts,
    layout_faults,
    page_sizes,
    page_texts,
    text_sizes,
)
from tests.services.survey_data import FORMS, QUESTIONS, enter

TODAY = dt.date(2026, 12, 4)


@pytest.fixture
def entered(store, council):
    areas = [neighbourhoods.create_neighbourhood(store, council.id, {"name": n}).id
             for n in ("本町1", "本町2")]
    survey = surveys.create_survey(store, council.id, {"title": "困りごとアンケート", "distributed": 10},
                                   QUESTIONS, entry="forms")
    enter(store, survey, FORMS, areas)
    return survey


def text_of(result) -> str:
    return flat("".join(page_texts(result.path)))


@pytest.mark.slow
def test_results_by_neighbourhood_and_a_cross_table_without_open_answers(store, council, entered, tmp_path):
    result = render(store, "survey-results", council.id, tmp_path / "r.pdf", survey_id=entered.id,
                    cross="1×3", today=TODAY)
    assert set(page_sizes(result.path)) == {A4} and not layout_faults(result.path)
    assert all(font_is_embedded(f) for f in fonts(result.path))
    text = text_of(result)
    assert "配布数回収数回収率10件6件60.0%" in text
    assert "⑴車" in text and "66.7%" in text  # 車: 2 of the 3 who go out themselves
    assert "町内会別の集計" in text
    # 問1 by 町内会: 本町1 forms 1, 2 (はい, いいえ); 本町2 forms 3, 4, 6 (はい, いいえ, blank);
    # 未記入 form 5 (はい); 合計 6 forms, 5 answers.
    assert ("本町122150.0%150.0%本町232150.0%150.0%未記入111100.0%00.0%合計653"
            "60.0%240.0%") in text
    assert "クロス集計：問1「一人暮らしですか」×問3「買い物」" in text
    assert "1.はい3412" in text and "25.0%" in text
    assert "草むしり" not in text and "自由記述は書かれたとおり" not in text
    assert "書かれた答え2件" in text
    assert result.warnings == ()
    # The results are handed round: the 町内会 and cross-tables' cells are as large as the others'.
    for page in range(1, result.pages):
        cells = [size for size, run in text_sizes(result.path, page) if "%" in run or "本町" in run]
        assert cells and min(cells) >= 10.5, page


@pytest.mark.slow
def test_open_answers_only_when_asked_with_the_warning_line(store, council, entered, tmp_path):
    result = render(store, "survey-results", council.id, tmp_path / "o.pdf", survey_id=entered.id,
                    open_answers=True, today=TODAY)
    text = text_of(result)
    assert "自由記述は書かれたとおりに載せています。名前・住所・病気のことなど" in text
    assert "1本町1草むしりなら手伝えます" in text and "3本町2話し相手" in text
    assert any("自由記述を載せました" in w for w in result.warnings)
    for cross, reason in (("1,9", "問9はありません（問1〜問4）"), ("1,2,3", "「1,2,3」は読めません"),
                          ("1,4", "問4は自由に書く問なので")):
        with pytest.raises(PrintError, match=reason):
            render(store, "survey-results", council.id, tmp_path / "x.pdf", survey_id=entered.id,
                   cross=cross)


@pytest.mark.slow
def test_a_cross_table_of_a_survey_entered_as_totals_is_refused(store, council, tmp_path):
    typed = surveys.create_survey(store, council.id, {"title": "合計"}, QUESTIONS[:3])
    with pytest.raises(PrintError, match="クロス集計は、回答用紙を1枚ずつ入力した"):
        render(store, "survey-results", council.id, tmp_path / "t.pdf", survey_id=typed.id, cross="1,2")
    assert not (tmp_path / "t.pdf").exists()
    with pytest.raises(Exception, match="--cross"):
        render(store, "survey-form", council.id, tmp_path / "t.pdf", cross="1,2")


@pytest.mark.slow
def test_the_form_shows_sub_choices_lines_to_write_on_and_the_number_box(store, council, entered, tmp_path):
    result = render(store, "survey-form", council.id, tmp_path / "f.pdf", survey_id=entered.id,
                    return_by="令和9年1月31日", today=TODAY)
    assert not layout_faults(result.path)
    text = text_of(result)
    assert "①自分で出かける⑴車⑵自転車⑶徒歩②家族の送迎" in text
    assert "問4地域のために自分ができること(ご自由にお書きください)" in text.replace("（", "(").replace("）", ")")
    assert "整理番号（協議体で記入）" in text
    assert "こんなことがあったらいいな" not in text  # the survey asks in its own words
