"""Helpers behind the meeting and training pages: the next 定例会, attendance with names."""

import datetime as dt

import pytest

from app.errors import NotFoundError, ValidationError
from app.services import councils, meetings, members, trainings


def yawata(store):
    return councils.find_council(store, "八幡")


# --- 次の定例会 ------------------------------------------------------------------------------

def test_next_regular_follows_the_schedule_and_skips_recorded_ones(store, council):
    councils.update_council(store, council.id, {"meeting_schedule": "第3(水) 10:00〜12:00",
                                                "meeting_place": "片岡公民館"})
    today = dt.date(2026, 11, 27)
    first = meetings.propose_next_regular(store, council.id, today)
    assert first.held_on == dt.date(2026, 12, 16)  # third Wednesday of December
    assert (first.start_time, first.end_time) == (dt.time(10), dt.time(12))
    assert first.kind == "定例会" and first.venue == "片岡公民館" and first.from_schedule
    assert first.title == "テスト地区協議体 定例会（12月）"
    assert "第3(水)" in first.basis
    meetings.create_meeting(store, council.id, {"held_on": first.held_on, "kind": "定例会"})
    # A 勉強会 on the next date does not count as the 定例会.
    meetings.create_meeting(store, council.id, {"held_on": "2027-01-20", "kind": "勉強会"})
    assert meetings.propose_next_regular(store, council.id, today).held_on == dt.date(2027, 1, 20)


def test_next_regular_is_after_today_even_on_a_meeting_day(store, council):
    councils.update_council(store, council.id, {"meeting_schedule": "第3(水) 10:00〜12:00"})
    on_the_day = dt.date(2026, 12, 16)
    assert meetings.propose_next_regular(store, council.id, on_the_day).held_on == dt.date(2027, 1, 20)


@pytest.mark.parametrize("schedule, why", [("", "まだない"), ("月に一度くらい", "読み取れない")])
def test_next_regular_without_a_readable_schedule_proposes_today(store, council, schedule, why):
    councils.update_council(store, council.id, {"meeting_schedule": schedule})
    today = dt.date(2026, 11, 27)
    proposal = meetings.propose_next_regular(store, council.id, today)
    assert proposal.held_on == today and not proposal.from_schedule
    assert proposal.start_time is None and proposal.end_time is None
    assert why in proposal.basis and "直してください" in proposal.basis


def test_regular_title_does_not_double_the_word():
    assert meetings.regular_title("八幡", dt.date(2027, 1, 20)) == "八幡協議体 定例会（1月）"
    assert meetings.regular_title("なのはな協議体", dt.date(2027, 2, 17)) == "なのはな協議体 定例会（2月）"


def test_next_regular_in_the_demo_is_a_third_wednesday_after_today(demo_store):
    today = dt.date.today()
    proposal = meetings.propose_next_regular(demo_store, yawata(demo_store).id)
    assert proposal.held_on > today and proposal.held_on.weekday() == 2
    assert 15 <= proposal.held_on.day <= 21
    taken = {m.held_on for m in meetings.list_meetings(demo_store, yawata(demo_store).id)}
    assert proposal.held_on not in taken and proposal.venue == "八幡公民館"


# --- who can be ticked as present --------------------------------------------------------------

def test_attendee_choices_are_active_members_plus_those_recorded(store, council):
    b = members.create_member(store, council.id, {"name": "馬場", "furigana": "ばば"})
    a = members.create_member(store, council.id, {"name": "安藤", "furigana": "あんどう"})
    gone = members.create_member(store, council.id, {"name": "上田", "furigana": "うえだ",
                                                     "status": "退会"})
    never = members.create_member(store, council.id, {"name": "江藤", "furigana": "えとう",
                                                      "status": "退会"})
    m = meetings.create_meeting(store, council.id, {"held_on": "2026-01-21"}, [b.id, gone.id])
    listed = meetings.attendee_choices(store, council.id, m.id)
    assert [(c.name, c.attending) for c in listed] == [("安藤", False), ("上田", True), ("馬場", True)]
    assert never.id not in {c.member_id for c in listed}
    fresh = meetings.attendee_choices(store, council.id)
    assert [c.member_id for c in fresh] == [a.id, b.id]
    other = councils.create_council(store, {"name": "別の地区"})
    with pytest.raises(ValidationError, match="ほかの協議体"):
        meetings.attendee_choices(store, other.id, m.id)
    with pytest.raises(NotFoundError):
        meetings.attendee_choices(store, council.id, "no-such-id")


# --- training attendance with names ---------------------------------------------------------------

def test_attendance_sheet_and_states(demo_store):
    council = yawata(demo_store)
    first = trainings.list_trainings(demo_store, council.id)[0]
    sheet = trainings.attendance_sheet(demo_store, first.id)
    assert [r.furigana for r in sheet] == sorted(r.furigana for r in sheet)  # 五十音
    recorded = dict(first.attendance)
    for row in sheet:
        expected = "欠席" if row.member_id not in recorded else ("修了" if recorded[row.member_id] else "出席")
        assert row.state == expected
    assert set(recorded) <= {r.member_id for r in sheet}
    providers = [r for r in sheet if r.is_provider and r.state == "修了"]
    assert providers


def test_attendance_from_states():
    assert trainings.attendance_from_states({"a": "欠席", "b": "出席", "c": "修了"}) == {
        "b": False, "c": True}
    with pytest.raises(ValidationError, match="欠席・出席・修了"):
        trainings.attendance_from_states({"a": "遅刻"})


def test_set_member_state_changes_one_and_keeps_the_rest(store, council):
    a = members.create_member(store, council.id, {"name": "A"})
    b = members.create_member(store, council.id, {"name": "B"})
    t = trainings.create_training(store, council.id, {"held_on": "2017-01-30", "title": "担い手養成講座",
                                                      "participant_count": 65})
    trainings.set_member_state(store, t.id, a.id, "出席")
    t2 = trainings.set_member_state(store, t.id, b.id, "修了")
    assert dict(t2.attendance) == {a.id: False, b.id: True}
    t3 = trainings.set_member_state(store, t.id, a.id, "欠席")
    assert dict(t3.attendance) == {b.id: True}
    members.update_member(store, b.id, {"is_provider": True})
    with pytest.raises(ValidationError, match="サービスの担い手"):
        trainings.set_member_state(store, t.id, b.id, "出席")
    assert dict(trainings.list_trainings(store, council.id)[0].attendance) == {b.id: True}
    with pytest.raises(ValidationError, match="選べません"):
        trainings.set_member_state(store, t.id, a.id, "見学")
