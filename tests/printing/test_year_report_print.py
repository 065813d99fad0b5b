"""年度のまとめ on paper: a council's year on one A4 page, the city's on A4 landscape with a row
per council and a total row; headings with the 年度 in 和暦 and 西暦, tables ≥ 10.5 pt."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from app.errors import UserError, ValidationError
from app.models import Meeting, Proposal, Resource
from app.printing import PrintError, render
from app.services import councils
from app.store import Store
from tests.printing.pdfcheck import (
    A4,
    A4_LANDSCAPE,
    flat,
    font_is_embedded,
    fonts,
    layout_faults,
    page_sizes,
    page_texts,
    render_pages,
    text_sizes,
)

TODAY = dt.date(2026, 12, 4)


@pytest.fixture(scope="module")
def year_store(tmp_path_factory, demo_template):
    """The demo, with a proposal and a resource begun in 2017年度 for 八幡 and a meeting for 豊岡."""
    path = tmp_path_factory.mktemp("year") / "demo.sqlite3"
    shutil.copyfile(demo_template, path)
    store = Store.open(path)
    yawata = councils.find_council(store, "八幡").id
    toyooka = councils.find_council(store, "豊岡").id
    with store.session() as s:
        s.add_all([Proposal(council_id=yawata, title="移動販売の停留所を増やす", raised_to="高崎市 長寿社会課",
                            raised_on=dt.date(2017, 10, 2), status="回答あり",
                            answered_on=dt.date(2018, 2, 1)),
                   Resource(council_id=yawata, name="坂の途中の休憩ベンチ", created_by_council=True,
                            started_on=dt.date(2018, 3, 31)),
                   Meeting(council_id=toyooka, held_on=dt.date(2017, 5, 10), kind="定例会",
                           attendance_count=11)])
    yield store
    store.close()


@pytest.fixture(scope="module")
def pdf(year_store, tmp_path_factory):
    out = tmp_path_factory.mktemp("year-pdf")
    made = {}

    def get(council: str, year):
        key = (council, year)
        if key not in made:
            cid = councils.find_council(year_store, council).id
            made[key] = render(year_store, "year-report", cid, out / f"{len(made)}.pdf", year=year,
                               today=TODAY)
        return made[key]
    return get


@pytest.mark.slow
def test_a_councils_year_on_one_a4_page(pdf):
    result = pdf("八幡", "平成28")
    assert result.pages == 1 and page_sizes(result.path) == [A4]
    text = flat(page_texts(result.path)[0])
    assert "八幡地区協議体" in text and "平成28年度（2016年度）のまとめ" in text
    assert "平成29年1月30日" in text and "65" in text  # the first training…
    assert "平成29年6月17日" not in text                  # …not the second
    assert "平成28年4月1日〜平成29年3月31日" in text


def test_the_next_year_has_the_second_training_the_proposal_and_the_resource(pdf):
    result = pdf("八幡", 2017)
    assert result.pages == 1
    text = flat(page_texts(result.path)[0])
    assert "平成29年6月17日" in text and "平成29年1月30日" not in text
    assert "移動販売の停留所を増やす" in text and "回答あり" in text and "平成30年2月1日" in text
    assert "坂の途中の休憩ベンチ" in text and "平成30年3月31日" in text
    assert "始めた日なし" in text and "お休み処のベンチ" in text  # the demo's resources have no date
    assert "最後の1回だけ" in text  # the footnote on re-confirmations
    assert layout_faults(result.path) == []


def test_tables_are_at_least_10_5_pt_and_fonts_embedded(pdf):
    result = pdf("八幡", 2017)
    sizes = {size for size, text in text_sizes(result.path) if text.strip() in ("定例会", "新規登録", "買い物", "合計")}
    assert sizes and min(sizes) >= 10.5
    for font in fonts(result.path):
        assert "BIZUD" in str(font.get("/BaseFont")) and font_is_embedded(font)


@pytest.mark.slow
def test_the_city_a_row_per_council_and_a_total(pdf, year_store):
    result = pdf("高崎市", "H29")
    assert set(page_sizes(result.path)) == {A4_LANDSCAPE}
    text = flat("".join(page_texts(result.path)))
    assert "高崎市平成29年度（2017年度）のまとめ" in text
    names = [c.name for c in councils.list_councils(year_store) if c.tier == 2]
    assert len(names) == 26 and all(flat(n) in text for n in names)
    # 八幡: 1 meeting / 16, 1 training / 45 / 6 修了; 豊岡 1 / 11; total 2 / 27.
    assert "合計2271456" in text
    assert "会議・活動の種類別（合計）" in text and "移動販売の停留所を増やす" in text
    assert all(image.size[0] > image.size[1] for image in render_pages(result.path, scale=0.2))


def test_a_year_that_cannot_be_read_is_refused_before_anything_is_written(year_store, tmp_path):
    cid = councils.find_council(year_store, "八幡").id
    with pytest.raises(ValidationError, match="年度"):
        render(year_store, "year-report", cid, tmp_path / "x.pdf", year="平成99")
    with pytest.raises(UserError, match="--year"):
        render(year_store, "roster", cid, tmp_path / "x.pdf", year=2017)
    assert not list(tmp_path.iterdir())


def test_a_city_without_councils_is_explained(template_db, tmp_path):
    path = tmp_path / "empty.sqlite3"
    shutil.copyfile(template_db, path)
    with Store.open(path) as store:
        city = councils.create_council(store, {"name": "高崎市", "tier": 1})
        with pytest.raises(PrintError, match="第2層"):
            render(store, "year-report", city.id, tmp_path / "x.pdf", year=2026)


@pytest.mark.slow
def test_a_council_of_real_size_prints_its_whole_year_inside_the_page(stress_template, tmp_path):
    """西部中央地区's year (8 meetings, a training, 60 needs, proposals, resources begun): at most
    two A4 pages (the counting notes may go over), nothing outside the printable area."""
    from app.services.stress import STRESS_COUNCIL
    from tests.conftest import STRESS_TODAY

    path = tmp_path / "stress.sqlite3"
    shutil.copyfile(stress_template, path)
    with Store.open(path) as store:
        cid = councils.find_council(store, STRESS_COUNCIL).id
        result = render(store, "year-report", cid, tmp_path / "s.pdf", year=2026, today=STRESS_TODAY)
    assert result.pages <= 2 and layout_faults(result.path) == []
    first = flat(page_texts(result.path)[0])
    assert "西部中央地区協議体令和8年度（2026年度）のまとめ" in first and "今日より後の予定" in first
    assert "坂の上の町内会にも移動販売車が停まるよう" in first and "通院の付き添いを担うサポーター" in first
    assert "提言（提出2件・回答1件）" in first
