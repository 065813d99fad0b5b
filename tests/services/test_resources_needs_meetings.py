"""Resources with schedules, needs and gaps, trainings and the meeting log."""

import datetime as dt

import pytest

from app.errors import ValidationError
from app.services import councils, meetings, members, needs, resources, trainings


def yawata(store):
    return councils.find_council(store, "八幡")


def test_seed_resources_keep_schedules_and_next_dates(demo_store):
    listed = {r.name: r for r in resources.list_resources(demo_store, yawata(demo_store).id)}
    michi = listed["ミチの会"]
    assert michi.venue == "上町崎公民館" and michi.category == "居場所・サロン"
    assert michi.start_time == dt.time(12) and michi.end_time == dt.time(13)
    # This salon rests on holidays: 2027-02-11 (建国記念の日) is skipped.
    assert michi.skip_holidays
    assert resources.upcoming_dates(michi, dt.date(2026, 11, 27), 3) == [
        dt.date(2026, 12, 10), dt.date(2027, 1, 14), dt.date(2027, 3, 11)]
    karaoke = listed["カラオケ"]
    assert len(karaoke.schedule.slots) == 2
    assert resources.schedule_preview(karaoke.schedule_text)[0] == \
        "毎週(火、金) 10:00〜12:00又は18:00〜21:00"
    odd = listed["ゴミ出しお手伝い"]
    assert odd.schedule is None and odd.schedule_unreadable and odd.schedule_text == "不定期（申し込み順）"
    assert resources.upcoming_dates(odd) == []


def test_resource_crud_and_verification(store, council):
    r = resources.create_resource(store, council.id, {
        "name": "卓球クラブ", "category": "健康・体操", "schedule_text": "毎週（火）　１３：００～１５：３０",
        "skip_holidays": "はい", "map_x": "0.5", "map_y": 0.25})
    assert r.schedule is not None and r.start_time == dt.time(13)
    assert resources.is_stale(r, dt.date(2026, 11, 27))
    verified = resources.mark_verified(store, r.id, dt.date(2026, 11, 1))
    assert not resources.is_stale(verified, dt.date(2026, 11, 27))
    assert resources.is_stale(verified, dt.date(2027, 11, 1))
    kept = resources.update_resource(store, r.id, {"schedule_text": "月に一度くらい"})
    assert kept.schedule is None and kept.schedule_text == "月に一度くらい"
    for bad, field in [({"category": "宇宙"}, "分類"), ({"map_x": 2}, "地図の位置（横）"),
                       ({"operator_type": "宇宙人"}, "運営主体"), ({"last_verified_on": "2025-02-29"}, "最終確認日")]:
        with pytest.raises(ValidationError) as info:
            resources.update_resource(store, r.id, bad)
        assert info.value.field == field
    resources.delete_resource(store, r.id)
    assert resources.list_resources(store, council.id) == []


def test_needs_and_gaps(demo_store):
    council = yawata(demo_store)
    gaps = {g.category: g for g in needs.gaps(demo_store, council.id)}
    table_only = {"調理・弁当", "掃除", "入浴", "住環境", "布団干し", "床屋"}  # 八幡's needs table
    assert set(gaps) == {"通院", "移動手段"} | table_only
    listed = needs.list_needs(demo_store, council.id)
    shopping = next(n for n in listed if n.description.startswith("地域の商店"))
    assert shopping.resource_ids and shopping.neighbourhood_name == "上剣崎"
    clinic = next(n for n in listed if n.category == "通院")
    bus = resources.create_resource(demo_store, council.id, {"name": "通院送迎", "category": "移動支援"})
    needs.update_need(demo_store, clinic.id, {"status": "対応中"}, resource_ids=[bus.id])
    assert {g.category for g in needs.gaps(demo_store, council.id)} == {"移動手段"} | table_only
    with pytest.raises(ValidationError, match="分類"):
        needs.create_need(demo_store, council.id, {"category": "宇宙"})
    with pytest.raises(ValidationError, match="把握方法"):
        needs.create_need(demo_store, council.id, {"category": "見守り", "source": "噂"})


def test_trainings_from_the_seed(demo_store):
    held = trainings.list_trainings(demo_store, yawata(demo_store).id)
    assert [(t.held_on, t.participant_count) for t in held] == [
        (dt.date(2017, 1, 30), 65), (dt.date(2017, 6, 17), 45)]
    providers = [m for m in members.list_members(demo_store, yawata(demo_store).id) if m.is_provider]
    assert providers and all(m.trained for m in providers)


def test_meeting_log(store, council):
    a = members.create_member(store, council.id, {"name": "A"})
    m = meetings.create_meeting(store, council.id, {"held_on": "令和8年12月16日", "start_time": "10:00",
                                                    "end_time": "１２：００", "attendance_count": "12"},
                                attendee_ids=[a.id])
    assert m.kind == "定例会" and m.attendee_ids == (a.id,)
    assert meetings.next_meeting(store, council.id, dt.date(2026, 11, 27)).id == m.id
    with pytest.raises(ValidationError, match="開始より後"):
        meetings.update_meeting(store, m.id, {"end_time": "9:00"})
    with pytest.raises(ValidationError, match="種類"):
        meetings.create_meeting(store, council.id, {"held_on": "2026-01-01", "kind": "飲み会"})
    with pytest.raises(ValidationError, match="参加人数"):
        meetings.update_meeting(store, m.id, {"attendance_count": 0})
    meetings.delete_meeting(store, m.id)
    assert meetings.list_meetings(store, council.id) == []
