"""Needs crosstab, survey results and form, resource list and map."""

from __future__ import annotations

import re

import pytest

from app.printing import PrintError
from app.services import resources as resource_service
from app.services.area_map import map_numbers
from tests.printing.pdfcheck import (
    A4,
    A4_LANDSCAPE,
    flat,
    layout_faults,
    page_sizes,
    page_texts,
    render_pages,
    text_sizes,
)


def _text(result) -> str:
    return flat("".join(page_texts(result.path)))


def test_needs_crosstab_with_seed_totals(rendered):
    result = rendered("needs")
    assert set(page_sizes(result.path)) == {A4_LANDSCAPE}  # fifteen columns
    text = _text(result)
    assert "194" in text  # 対象人数 total, not the row sums
    assert "5,092" in text  # 世帯数 total
    totals = ["5,092", 61, 48, 39, 21, 5, 32, 28, 21, 7, 7, 6, 8, 194]  # the seed's totals row
    assert "合計" + "".join(str(v) for v in totals) in text
    assert "102" in text  # the service-use table's 対象人数
    assert "居場所・運動" in text and "金井淵" in text and "若田" in text
    assert "まだ対応する社会資源がないニーズ" in text


@pytest.mark.slow
def test_needs_prints_rates_per_100_households_and_the_tables_gaps(rendered):
    result = rendered("needs")
    pages = page_texts(result.path)
    number = next(i for i, text in enumerate(pages) if "町内会ごとの割合" in text)
    text = flat(pages[number])
    assert "100世帯あたり" in text and "65歳以上100人あたり" in text
    # 金井淵: 世帯数 530, 65歳以上 blank, 対象人数 31 → 5.8, blank; records 17 → 3.2, blank
    assert "金井淵530315.8173.2" in text
    assert "下剣崎485142.9下大島" in text  # no record there: blank, not 0
    assert "合計5,0921943.8491.5" in text
    numbers = [size for size, run in text_sizes(result.path, number) if re.fullmatch(r"[\d,.]+", run.strip())]
    assert len(numbers) > 40 and min(numbers) >= 10.5  # the table's figures
    labels = [size for size, run in text_sizes(result.path, number)
              if run.strip() in ("町内会", "世帯数", "金井淵", "若田", "合計", "100世帯あたり")]
    assert len(labels) >= 6 and min(labels) >= 10.5
    whole = _text(result)
    assert "通院（記録1件・6人／集計表21人）" in whole
    assert "布団干し（集計表6人）" in whole and "床屋（集計表8人）" in whole
    assert "足していません" in whole
    assert not layout_faults(result.path)


def test_needs_without_a_needs_table_divides_the_records_only(demo_store, tmp_path):
    from app.printing import render
    from app.services import councils, tallies

    yawata = councils.find_council(demo_store, "八幡").id
    for t in tallies.list_tallies(demo_store, yawata, kind="needs"):
        tallies.delete_tally(demo_store, t.id)
    text = flat("".join(page_texts(render(demo_store, "needs", yawata, tmp_path / "n.pdf").path)))
    assert "記録の人数だけで割っています" in text and "集計表の対象人数" not in text
    assert "金井淵530173.2" in text and "合計5,092491.5" in text
    assert "通院（記録1件・6人）" in text and "布団干し" not in text  # only the table had it
    assert "足していません" not in text


def test_overview_prints_the_needs_tables_persons_beside_the_records(rendered):
    text = _text(rendered("overview", council="高崎市"))
    assert "集計表の人数" in text
    assert "布団干し——6—八幡" in text and "通院1621—八幡" in text  # records' 人数 6, the table's 21


def test_needs_for_toyooka_service_use_table(rendered):
    text = _text(rendered("needs", council="豊岡"))
    assert "81" in text and "北久保" in text


def test_needs_without_data_is_a_clear_error(rendered):
    with pytest.raises(PrintError, match="ニーズ"):
        rendered("needs", council="榛名")


def test_survey_results_percentages_and_counts(rendered):
    result = rendered("survey-results", council="乗附")
    assert set(page_sizes(result.path)) == {A4}
    text = _text(result)
    for figure in ("58.1%", "18.2%", "28.3%", "2,745", "778", "140", "618", "1,064", "771"):
        assert figure in text, figure
    assert "旅行などを含めて自由にどこでも出かけられる" in text


def test_survey_form_has_every_question_and_no_counts(rendered):
    result = rendered("survey-form", council="乗附")
    assert set(page_sizes(result.path)) == {A4}
    text = _text(result)
    for n in range(1, 6):
        assert f"問{n}" in text
    assert "一人暮らし" in text and "往診を受けている" in text
    assert "18.2" not in text and "618" not in text
    assert "お住まいの町内会" in text


def test_survey_form_without_a_return_date_prints_a_blank_and_says_so(rendered):
    result = rendered("survey-form", council="乗附")
    text = _text(result)
    assert "回収日" in text and "月日（）まで" in text  # the blank, spaces folded by flat()
    assert "班長さん（または区長さん）にお渡しください" in text
    assert any("「回収日」で指定できます" in w for w in result.warnings)
    assert len(page_sizes(result.path)) == 2  # no cover letter unless asked for


def test_survey_form_with_return_date_place_and_cover_letter(rendered):
    import datetime as dt

    result = rendered("survey-form", council="乗附", return_by="令和9年1月31日",
                      return_to="乗附公民館の回収箱", cover_letter=True, today=dt.date(2026, 12, 3))
    pages = [flat(t) for t in page_texts(result.path)]
    assert len(pages) == 3
    letter, form = pages[0], "".join(pages[1:])
    assert "アンケートへのご協力のお願い" in letter and "乗附地区協議体" in letter
    assert "令和9年1月31日（日）まで" in letter and "乗附公民館の回収箱" in letter
    assert "問1" not in letter  # the letter is a page of its own
    assert "令和9年1月31日（日）まで" in form and "乗附公民館の回収箱にお渡しください" in form
    assert not any("回収日" in w for w in result.warnings)


def test_survey_form_cover_letter_in_the_councils_own_words(rendered):
    result = rendered("survey-form", council="乗附", return_by="2027-01-31",
                      cover_letter="いつもありがとうございます。\n今年もアンケートをお願いします。")
    letter = flat(page_texts(result.path)[0])
    assert "今年もアンケートをお願いします。" in letter
    assert "日ごろから地域の活動に" not in letter


def test_survey_form_return_date_in_the_past_warns(rendered):
    import datetime as dt

    result = rendered("survey-form", council="乗附", return_by=dt.date(2026, 1, 5),
                      today=dt.date(2026, 12, 3))
    assert any("印刷する日より前" in w for w in result.warnings)


def test_survey_form_impossible_return_date_is_refused(rendered):
    from app.errors import ValidationError

    with pytest.raises(ValidationError, match="2月に30日はありません"):
        rendered("survey-form", council="乗附", return_by="2027-02-30")


def test_return_date_is_for_the_survey_form_only(rendered):
    from app.errors import UserError

    with pytest.raises(UserError, match="--return-by"):
        rendered("flyer", council="乗附", return_by="2027-01-31")


def test_survey_kinds_without_a_survey_are_a_clear_error(rendered):
    with pytest.raises(PrintError, match="アンケート"):
        rendered("survey-form", council="豊岡")


def test_resource_list_grouped_with_schedules_and_next_dates(rendered):
    result = rendered("resources")
    assert set(page_sizes(result.path)) == {A4}
    text = _text(result)
    for heading in ("居場所・サロン", "趣味・サークル", "健康・体操", "買い物支援"):
        assert f"■{heading}" in text
    assert "毎月第2木曜日12:00〜13:00" in text  # ミチの会
    assert "毎週火・金曜日10:00〜12:00又は18:00〜21:00" in text  # カラオケ
    assert "次回" in text and "027-000-2001" in text
    assert any("1年以上確認されていません" in w for w in result.warnings)


def test_resource_map_pins_share_a_spot_and_legend_lists_all(print_store, council_id, rendered):
    resources = resource_service.list_resources(print_store, council_id("八幡"))
    numbers = map_numbers(resources)
    kamimachi = {numbers[r.id] for r in resources if r.venue == "上町崎公民館"}
    assert kamimachi == {1}  # seven groups, one pin
    result = rendered("resource-map")
    assert set(page_sizes(result.path)) == {A4_LANDSCAPE}  # the demo's map is landscape
    text = _text(result)
    assert "①上町崎公民館" in text and "地図にないもの" in text
    for r in resources:
        assert flat(r.name) in text, r.name


def test_resource_map_prints_the_stored_demo_map(rendered):
    result = rendered("resource-map")
    assert "地図の画像はまだありません" not in _text(result)
    assert "八幡地区の地図（見本）" in _text(result)
    (page,) = render_pages(result.path, scale=0.3)
    assert page.getextrema()[0] < 128
    assert not any("地図の画像が登録されていない" in w for w in result.warnings)

