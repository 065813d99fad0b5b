"""退会日, 解決日 and 始めた日: declared once as fields; a date follows its status (a change to 退会 or
解決 gives today, a change back clears it, a date typed beside another status is refused), never
before the date it follows (登録日, 把握日); 全角 and 和暦 are read, impossible dates refused, and a
refused edit leaves the row as it was."""

from __future__ import annotations

import datetime as dt

import pytest

from app.errors import ValidationError
from app.services import base, members, needs, resources

D = dt.date
TODAY = D(2026, 12, 4)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(base, "today", lambda: TODAY)


def _field(fields, name):
    return next(f for f in fields if f.name == name)


@pytest.mark.parametrize(("fields", "name", "label"), [
    (members.MEMBER_FIELDS, "left_on", "退会日"),
    (needs.NEED_FIELDS, "resolved_on", "解決日"),
    (resources.RESOURCE_FIELDS, "started_on", "始めた日"),
])
def test_the_dates_are_declared_once_as_date_fields_with_tips(fields, name, label):
    field = _field(fields, name)
    assert (field.label, field.kind, field.parse) == (label, "date", base.date)
    assert field.tip and not field.required


# --- 退会日 --------------------------------------------------------------------------------------

def _member(store, council, **raw):
    return members.create_member(store, council.id, {"name": "山田 花子", "registered_on": "2020-04-01",
                                                     **raw})


def test_a_member_who_leaves_gets_todays_date_and_keeps_a_typed_one(store, council):
    m = _member(store, council)
    assert members.update_member(store, m.id, {"status": "退会"}).left_on == TODAY
    other = _member(store, council, name="佐藤 一郎")
    typed = members.update_member(store, other.id, {"status": "退会", "left_on": "令和８年３月３１日"})
    assert typed.left_on == D(2026, 3, 31)


def test_coming_back_clears_the_date_even_when_the_form_sends_it_back(store, council):
    m = _member(store, council, status="退会", left_on="２０２５－１０－０１")
    assert m.left_on == D(2025, 10, 1)
    # The form sends every field: the old 退会日 comes back unchanged beside the new 状況.
    back = members.update_member(store, m.id, {"status": "活動中", "left_on": D(2025, 10, 1)})
    assert (back.status, back.left_on) == ("活動中", None)


def test_a_member_recorded_as_left_gets_no_guessed_date(store, council):
    assert _member(store, council, status="退会").left_on is None
    # Already 退会: editing another field does not invent a date either.
    m = _member(store, council, name="佐藤 一郎", status="退会")
    assert members.update_member(store, m.id, {"note": "転居"}).left_on is None


@pytest.mark.parametrize(("raw", "reason"), [
    ({"status": "活動中", "left_on": "2026-04-01"}, "状況が「退会」のときに入れます"),
    ({"status": "退会", "left_on": "2019-03-31"}, "登録日より前"),
    ({"status": "退会", "left_on": "2026-02-30"}, "2月に30日はありません"),
    ({"status": "退会", "left_on": "きのう"}, "日付として読めません"),
])
def test_a_wrong_left_date_is_refused_naming_the_field_and_changes_nothing(store, council, raw, reason):
    m = _member(store, council)
    with pytest.raises(ValidationError) as err:
        members.update_member(store, m.id, raw)
    assert (err.value.name, err.value.field) == ("left_on", "退会日") and reason in err.value.reason
    assert members.get_member(store, m.id) == m
    with pytest.raises(ValidationError) as err:
        _member(store, council, name="新しい 人", **raw)
    assert err.value.name == "left_on"
    assert [x.name for x in members.list_members(store, council.id)] == ["山田 花子"]


def test_a_list_of_many_members_is_held_to_the_same_rule(store, council):
    with pytest.raises(ValidationError) as err:
        members.create_members(store, council.id, [{"name": "A"}, {"name": "B", "left_on": "2026-01-01"}])
    assert err.value.field == "2行目の退会日" and members.list_members(store, council.id) == []
    assert members.create_members(store, council.id, [{"name": "C", "status": "退会",
                                                       "left_on": "H30.3.31"}]) == 1
    assert members.list_members(store, council.id)[0].left_on == D(2018, 3, 31)


# --- 解決日 --------------------------------------------------------------------------------------

def _need(store, council, **raw):
    return needs.create_need(store, council.id, {"category": "買い物", "noted_on": "2026-05-01", **raw})


def test_a_need_met_gets_todays_date_and_loses_it_when_opened_again(store, council):
    n = _need(store, council)
    met = needs.update_need(store, n.id, {"status": "解決"})
    assert met.resolved_on == TODAY
    again = needs.update_need(store, n.id, {"status": "対応中", "resolved_on": TODAY})
    assert (again.status, again.resolved_on) == ("対応中", None)
    typed = needs.update_need(store, n.id, {"status": "解決", "resolved_on": "R8.6.1"})
    assert typed.resolved_on == D(2026, 6, 1)


def test_a_need_written_down_as_met_gets_no_guessed_date(store, council):
    assert _need(store, council, status="解決").resolved_on is None
    assert _need(store, council, status="解決", resolved_on="２０２６年７月１日").resolved_on == D(2026, 7, 1)


@pytest.mark.parametrize(("raw", "reason"), [
    ({"status": "対応中", "resolved_on": "2026-06-01"}, "状況が「解決」のときに入れます"),
    ({"status": "解決", "resolved_on": "2026-04-30"}, "把握日より前"),
    ({"status": "解決", "resolved_on": "2026-13-01"}, "13月はありません"),
])
def test_a_wrong_resolved_date_is_refused_and_changes_nothing(store, council, raw, reason):
    n = _need(store, council)
    with pytest.raises(ValidationError) as err:
        needs.update_need(store, n.id, raw)
    assert (err.value.name, err.value.field) == ("resolved_on", "解決日") and reason in err.value.reason
    assert needs.list_needs(store, council.id) == [n]


# --- 始めた日 ------------------------------------------------------------------------------------

def test_a_resources_start_is_read_like_any_date(store, council):
    r = resources.create_resource(store, council.id, {"name": "坂の途中のベンチ", "started_on": "平成30年3月31日"})
    assert r.started_on == D(2018, 3, 31)
    assert resources.update_resource(store, r.id, {"started_on": ""}).started_on is None
    with pytest.raises(ValidationError) as err:
        resources.update_resource(store, r.id, {"started_on": "2018-02-29"})
    assert err.value.name == "started_on" and resources.get_resource(store, r.id).started_on is None
