"""年度のまとめ: the 年度 read from what people type, the figures of one council's year at the
edges of the year, the demo's seed dates in their years, and the city as the councils' sum."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from app.errors import NotFoundError, ValidationError
from app.models import (
    Council,
    Meeting,
    Member,
    Need,
    Proposal,
    Resource,
    Training,
    TrainingAttendance,
    reference_id,
)
from app.services import councils, members
from app.services import year_report as Y
from app.services.wareki import (
    fiscal_year_label,
    fiscal_year_of,
    fiscal_year_range,
    fiscal_year_wareki,
    parse_fiscal_year,
)

TODAY = dt.date(2026, 12, 4)
D = dt.date


# --- the 年度 as text ----------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "year"), [
    (2026, 2026), ("2026", 2026), ("２０２６", 2026), ("2026年度", 2026), ("令和8", 2026),
    ("R8", 2026), ("r8", 2026), ("Ｒ８", 2026), ("令和8年度", 2026), ("令和 8 年度", 2026),
    ("平成28", 2016), ("H28", 2016), ("平成28年度", 2016), ("令和元", 2019), ("令和元年度", 2019),
    ("R1", 2019), ("平成31", 2019), ("H元", 1989), ("S64", 1989),
])
def test_a_year_is_read_as_people_write_it(typed, year):
    assert parse_fiscal_year(typed) == year


@pytest.mark.parametrize(("typed", "words"), [
    ("", "入力してください"), ("   ", "入力してください"), (None, "入力してください"),
    ("平成32", "平成は31年まで"), ("H32", "Hは31年まで"), ("令和0", "元年"),
    ("X8", "元号はありません"), ("2026-04", "読めません"), ("26", "読めません"),
    ("八年", "読めません"), ("1900", "1989年度"), ("昭和63", "1989年度"), (2101, "2100年度"),
])
def test_a_year_that_cannot_be_read_is_a_clear_error(typed, words):
    with pytest.raises(ValidationError, match=words) as caught:
        parse_fiscal_year(typed, "年度")
    assert caught.value.field == "年度"


def test_year_names_and_edges():
    assert fiscal_year_wareki(2016) == "平成28年度"
    assert fiscal_year_wareki(2019) == "令和元年度"  # begun under 平成, named for the new era
    assert fiscal_year_wareki(2026) == "令和8年度"
    assert fiscal_year_label(2026) == "令和8年度（2026年度）"
    assert fiscal_year_range(2026) == (D(2026, 4, 1), D(2027, 3, 31))
    assert fiscal_year_of(D(2027, 3, 31)) == 2026 and fiscal_year_of(D(2027, 4, 1)) == 2027
    assert Y.current_year(D(2026, 12, 4)) == 2026 and Y.current_year(D(2027, 1, 5)) == 2026


# --- one council at the edges of the year ----------------------------------------------------

@pytest.fixture
def edges(store, council):
    """Something on the last day of 2026年度 and on the first of 2027年度, of every kind."""
    cid = council.id
    with store.session() as s:
        people = [Member(council_id=cid, name=f"会員{i}", is_thinker=i % 2 == 0) for i in range(6)]
        people[0].registered_on = D(2027, 3, 31)                      # new in 2026
        people[1].registered_on = D(2027, 4, 1)                       # new in 2027
        people[2].registered_on, people[2].last_confirmed_on = D(2020, 5, 1), D(2027, 3, 31)
        people[3].registered_on, people[3].last_confirmed_on = None, D(2026, 4, 1)
        people[4].registered_on, people[4].last_confirmed_on = D(2026, 6, 1), D(2026, 9, 1)
        people[4].status, people[4].left_on = "退会", D(2027, 4, 1)  # left in 2027
        people[5].status = "退会"                                     # no 退会日: counted apart
        s.add_all(people)
        s.flush()
        s.add_all([
            Meeting(council_id=cid, held_on=D(2027, 3, 31), kind="定例会", attendance_count=12),
            Meeting(council_id=cid, held_on=D(2026, 4, 1), kind="勉強会", attendance_count=None,
                    attendees=people[:3]),                               # 3 recorded members
            Meeting(council_id=cid, held_on=D(2026, 5, 1), kind="行事"),  # nobody recorded
            Meeting(council_id=cid, held_on=D(2027, 4, 1), kind="定例会", attendance_count=9),
            Meeting(council_id=cid, held_on=D(2027, 1, 20), kind="定例会", attendance_count=99),  # after TODAY
        ])
        course = Training(council_id=cid, held_on=D(2027, 3, 31), title="養成講座", participant_count=None)
        course.attendances = [TrainingAttendance(member_id=people[0].id, completed=True),
                              TrainingAttendance(member_id=people[2].id, completed=False)]
        s.add_all([course, Training(council_id=cid, held_on=D(2027, 4, 1), title="次の講座",
                                    participant_count=30)])
        category = reference_id("need_category", "買い物")
        s.add_all([Need(council_id=cid, category_id=category, noted_on=D(2026, 4, 1), count=2),
                   Need(council_id=cid, category_id=category, noted_on=D(2025, 6, 1),
                        status="解決", resolved_on=D(2027, 3, 31)),
                   Need(council_id=cid, category_id=category, noted_on=D(2027, 4, 1)),
                   Need(council_id=cid, category_id=category, noted_on=D(2020, 1, 1), status="解決")])
        salon = reference_id("resource_category", "居場所・サロン")
        s.add_all([Resource(council_id=cid, name="新しいサロン", category_id=salon,
                            created_by_council=True, started_on=D(2027, 3, 31)),
                   Resource(council_id=cid, name="来年度の体操", created_by_council=True,
                            started_on=D(2027, 4, 1)),
                   Resource(council_id=cid, name="いつからかのベンチ", created_by_council=True),
                   Resource(council_id=cid, name="前からある卓球", started_on=D(2026, 5, 1))])
        s.add_all([Proposal(council_id=cid, title="移動販売の停留所を増やす", raised_to="市 長寿社会課",
                            raised_on=D(2026, 4, 1), status="回答あり", answered_on=D(2027, 4, 1)),
                   Proposal(council_id=cid, title="ベンチを置く", raised_on=D(2025, 10, 1),
                            status="実現", answered_on=D(2027, 3, 31))])
    return council


LATER = D(2027, 6, 1)  # the year is over: everything in it was held


def test_the_last_day_of_march_belongs_to_the_year_before(store, edges):
    f = Y.council_report(store, edges.id, 2026, today=LATER).figures
    assert f.meetings == 4 and f.meetings_planned == 0
    assert f.meetings_by_kind == {"定例会": 2, "勉強会": 1, "情報交換会": 0, "研修": 0, "行事": 1}
    assert f.meeting_participants == 12 + 99 + 3 and f.participants_by_kind["勉強会"] == 3
    assert (f.meetings_from_attendees, f.meetings_uncounted) == (1, 1)
    assert (f.members_new, f.supporters_new) == (2, 2)  # 3-31 and the one registered in June
    assert (f.members_reconfirmed, f.supporters_reconfirmed) == (2, 1)  # registered before, or blank
    assert (f.members_left, f.left_undated) == (0, 1)
    assert (f.resources_started, f.resources_undated) == (1, 1)
    assert (f.needs_opened, f.needs_met, f.resolved_undated) == (1, 1, 1)
    assert f.needs_opened_by_category == {"買い物": 1} and f.needs_met_by_category == {"買い物": 1}
    assert (f.proposals_raised, f.proposals_answered) == (1, 1)


def test_the_period_and_the_undated_remarks_are_worded_once_for_paper_and_text(store, edges):
    from app.cli_report import format_report

    r = Y.council_report(store, edges.id, 2026, today=LATER)
    left = "（退会で退会日のない人 1人は、年度が分からないため数えていません）"
    resolved = "（解決で解決日のないニーズ 1件は数えていません）"
    assert r.period_text == "令和8年4月1日〜令和9年3月31日"
    assert (Y.left_undated_remark(r.figures), Y.resolved_undated_remark(r.figures)) == (left, resolved)
    assert Y.left_undated_remark(Y.Figures()) == "" == Y.resolved_undated_remark(Y.Figures())
    lines = format_report(r).splitlines()
    assert lines[1] == "期間: 令和8年4月1日〜令和9年3月31日（令和9年6月1日作成）"
    assert left in lines and resolved in lines
    city = Y.city_report(store, 2026, today=LATER)
    assert city.undated_resource_counts == ["テスト地区 1件"]
    assert Y.city_numbers(city.total) == [4, 114, 1, 2, 1, 2, 2, 0, 1, 1, 1, 1, 1]


def test_what_is_still_to_come_is_planned_not_held(store, edges):
    f = Y.council_report(store, edges.id, 2026, today=TODAY).figures  # 2026-12-04
    assert (f.meetings, f.meetings_planned, f.meeting_participants) == (2, 2, 3)
    assert (f.trainings, f.trainings_planned, f.completed) == (0, 1, 0)
    (course,) = Y.council_report(store, edges.id, 2026, today=TODAY).trainings
    assert course.planned


def test_the_first_of_april_begins_the_next_year(store, edges):
    r = Y.council_report(store, edges.id, "令和9", today=D(2027, 12, 1))
    f = r.figures
    assert (f.meetings, f.meeting_participants) == (1, 9)
    assert (f.trainings, f.training_participants) == (1, 30)
    assert (f.members_new, f.members_left, f.supporters_left) == (1, 1, 1)
    assert f.members_reconfirmed == 0
    assert [x.name for x in r.resources] == ["来年度の体操"]
    assert f.needs_opened == 1 and f.needs_met == 0
    assert [(p.title, p.raised_on) for p in r.proposals] == [("移動販売の停留所を増やす", D(2026, 4, 1))]
    assert (f.proposals_raised, f.proposals_answered) == (0, 1)


def test_training_participants_fall_back_to_the_members_recorded(store, edges):
    r = Y.council_report(store, edges.id, 2026, today=LATER)
    (course,) = r.trainings
    assert (course.participants, course.from_attendance, course.completed) == (2, True, 1)
    assert (r.figures.trainings, r.figures.completed, r.figures.trainings_from_attendance) == (1, 1, 1)


def test_resources_without_a_start_date_are_listed_apart_not_guessed(store, edges):
    for year in (2025, 2026, 2027):
        r = Y.council_report(store, edges.id, year, today=TODAY)
        assert [x.name for x in r.undated_resources] == ["いつからかのベンチ"]
        assert "いつからかのベンチ" not in [x.name for x in r.resources]
        assert "前からある卓球" not in [x.name for x in r.resources]  # not the council's own


def test_proposals_raised_or_answered_in_the_year_with_titles_and_status(store, edges):
    r = Y.council_report(store, edges.id, 2026, today=TODAY)
    got = {p.title: (p.status, p.raised_to, p.answered_on) for p in r.proposals}
    assert got == {"移動販売の停留所を増やす": ("回答あり", "市 長寿社会課", D(2027, 4, 1)),
                   "ベンチを置く": ("実現", "", D(2027, 3, 31))}


def test_an_empty_council_and_an_unknown_one(store, council):
    f = Y.council_report(store, council.id, 2026, today=TODAY).figures
    assert f == Y.Figures(meetings_by_kind=dict.fromkeys(f.meetings_by_kind, 0),
                          participants_by_kind=dict.fromkeys(f.meetings_by_kind, 0))
    assert list(f.meetings_by_kind) == ["定例会", "勉強会", "情報交換会", "研修", "行事"]
    with pytest.raises(NotFoundError, match="協議体"):
        Y.council_report(store, "no-such-id", 2026)
    with pytest.raises(ValidationError, match="年度"):
        Y.council_report(store, council.id, "来年")


def test_years_on_record_go_back_to_the_earliest_date(store, edges):
    assert Y.years_on_record(store, TODAY) == [2026, 2025, 2024, 2023, 2022, 2021, 2020, 2019]
    assert Y.years_on_record(store, D(2030, 5, 1))[0] == 2030


# --- the demo: the seed's dates in their years -------------------------------------------------

def _yawata(store) -> str:
    return councils.find_council(store, "八幡").id


def test_demo_trainings_fall_in_their_years(demo_store):
    cid = _yawata(demo_store)
    heisei28 = Y.council_report(demo_store, cid, "平成28", today=TODAY)
    assert [(t.held_on, t.participants) for t in heisei28.trainings] == [(D(2017, 1, 30), 65)]
    assert heisei28.year_label == "平成28年度（2016年度）"
    assert (heisei28.figures.trainings, heisei28.figures.training_participants) == (1, 65)
    h29 = Y.council_report(demo_store, cid, 2017, today=TODAY)
    assert [(t.held_on, t.participants) for t in h29.trainings] == [(D(2017, 6, 17), 45)]


def test_demo_meetings_and_members_appear_in_their_years(demo_store):
    cid = _yawata(demo_store)
    founding = Y.council_report(demo_store, cid, 2015, today=TODAY).figures  # 2016-01-20, 24 people
    assert (founding.meetings, founding.meeting_participants) == (1, 24)
    exchange = Y.council_report(demo_store, cid, 2017, today=TODAY).figures  # 2017-09-14, 16 people
    assert exchange.meetings_by_kind["情報交換会"] == 1 and exchange.participants_by_kind["情報交換会"] == 16
    registered: dict[int, int] = {}
    for m in members.list_members(demo_store, cid):
        if m.registered_on:
            registered[fiscal_year_of(m.registered_on)] = registered.get(fiscal_year_of(m.registered_on), 0) + 1
    assert sum(registered.values()) == 22 and len(registered) >= 3
    for year, count in registered.items():
        assert Y.council_report(demo_store, cid, year, today=TODAY).figures.members_new == count


# --- the city --------------------------------------------------------------------------------

def _more_data(store) -> None:
    """豊岡 and the city itself get a year of their own beside 八幡's."""
    toyooka = councils.find_council(store, "豊岡").id
    city = councils.find_council(store, "高崎市").id
    with store.session() as s:
        s.add_all([Meeting(council_id=toyooka, held_on=D(2017, 5, 10), kind="定例会", attendance_count=11),
                   Meeting(council_id=toyooka, held_on=D(2017, 11, 3), kind="行事", attendance_count=80),
                   Training(council_id=toyooka, held_on=D(2017, 8, 1), title="講座", participant_count=20),
                   Member(council_id=toyooka, name="豊岡 一郎", registered_on=D(2017, 4, 1), is_provider=True),
                   Proposal(council_id=toyooka, title="=バスの本数", raised_on=D(2017, 12, 1)),
                   Resource(council_id=toyooka, name="豊岡サロン", created_by_council=True,
                            started_on=D(2017, 7, 7)),
                   Meeting(council_id=city, held_on=D(2017, 9, 14), kind="情報交換会", attendance_count=40)])


def test_the_city_is_the_sum_of_its_councils_field_by_field(demo_store):
    _more_data(demo_store)
    city = Y.city_report(demo_store, 2017, today=TODAY)
    assert city.name == "高崎市" and len(city.councils) == 26
    assert all(c.tier == 2 for c in city.councils)
    busy = [c.name for c in city.councils if c.figures.meetings]
    assert busy == ["八幡", "豊岡"]
    for field in dataclasses.fields(Y.Figures):
        total = getattr(city.total, field.name)
        parts = [getattr(c.figures, field.name) for c in city.councils]
        if isinstance(total, dict):
            keys = set(total) | {k for p in parts for k in p}
            assert total == {k: sum(p.get(k, 0) for p in parts) for k in keys}, field.name
        else:
            assert total == sum(parts), field.name
    assert city.total.meetings == 3 and city.total.meeting_participants == 16 + 11 + 80  # not the city's 40
    assert city.total.trainings == 2 and city.total.training_participants == 45 + 20
    assert [p.council for p in city.proposals] == ["豊岡"]


@pytest.mark.slow
def test_each_council_in_the_city_matches_its_own_report(demo_store):
    _more_data(demo_store)
    city = Y.city_report(demo_store, 2017, today=TODAY)
    for c in city.councils:
        alone = Y.council_report(demo_store, c.council_id, 2017, today=TODAY)
        assert alone == c, c.name


def test_the_tier_one_council_reports_the_city(demo_store):
    city_id = councils.find_council(demo_store, "高崎市").id
    assert isinstance(Y.report_for(demo_store, city_id, 2017, today=TODAY), Y.CityYearReport)
    assert isinstance(Y.report_for(demo_store, _yawata(demo_store), 2017, today=TODAY), Y.CouncilYearReport)


def test_a_city_without_a_tier_one_council(store):
    councils.create_council(store, {"name": "東部", "tier": 2})
    city = Y.city_report(store, 2026, today=TODAY)
    assert city.name == "市全体" and [c.name for c in city.councils] == ["東部"]
    with store.session() as s:
        assert s.query(Council).count() == 1
