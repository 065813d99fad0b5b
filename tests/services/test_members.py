"""Members: validation messages, 五十音 order, re-confirmation, the training rule."""

import datetime as dt

import pytest
from sqlalchemy import func, select

from app.errors import NotFoundError, ValidationError
from app.models import Member
from app.services import members, neighbourhoods, trainings


def add(store, council, **raw):
    return members.create_member(store, council.id, {"name": "山田 花子", **raw})


def test_create_with_roles_kinds_and_consents(store, council):
    nb = neighbourhoods.create_neighbourhood(store, council.id, {"name": "八幡1", "households": "３３０"})
    m = add(store, council, furigana="ヤマダ ハナコ", roles="区長、民生委員", is_thinker="はい",
            is_core=True, neighbourhood_id=nb.id, registered_on="令和7年4月1日",
            phone="０９０－１２３４－５６７８", consent_handbook="はい", consent_share_contact="いいえ")
    assert m.roles == ("区長", "民生委員")
    assert m.is_thinker and m.is_core and not m.is_provider
    assert m.neighbourhood_name == "八幡1"
    assert m.registered_on == dt.date(2025, 4, 1)
    assert m.phone == "090-1234-5678"
    assert m.consent_handbook and not m.consent_share_contact
    assert m.status == "活動中" and m.sort_key == "やまだはなこ"


@pytest.mark.parametrize("raw, field", [
    ({"name": ""}, "氏名"),
    ({"registered_on": "2024-02-30"}, "登録日"),
    ({"roles": "町長"}, "役割"),
    ({"status": "引退"}, "状況"),
    ({"registered_on": "2025-04-01", "last_confirmed_on": "2025-03-01"}, "最終確認日"),
    ({"is_provider": True}, "サービスの担い手"),
    ({"neighbourhood_id": "not-a-neighbourhood"}, "町内会"),
])
def test_bad_input_names_the_field_and_saves_nothing(store, council, raw, field):
    with pytest.raises(ValidationError) as info:
        add(store, council, **raw)
    assert info.value.field == field
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Member)) == 0


@pytest.mark.parametrize("raw, message, name", [
    ({"registered_on": "2025-04-01", "last_confirmed_on": "2025-03-31"},
     "最終確認日: 登録日より前になっています", "last_confirmed_on"),
    ({"registered_on": "2025-04-01", "left_on": "2025-03-31", "status": "退会"},
     "退会日: 登録日より前になっています", "left_on"),
])
def test_a_date_before_the_registration_is_refused_in_words(store, council, raw, message, name):
    with pytest.raises(ValidationError) as info:
        add(store, council, **raw)
    assert (str(info.value), info.value.name) == (message, name)
    add(store, council, **{**raw, "registered_on": raw[name]})  # the same day is allowed


def test_sorted_by_furigana_in_gojuon_order(store, council):
    for name, kana in [("渡辺", "わたなべ"), ("阿部", "アベ"), ("小川", "おがわ"), ("加藤", "ｶﾄｳ")]:
        add(store, council, name=name, furigana=kana)
    assert [m.name for m in members.list_members(store, council.id)] == ["阿部", "小川", "加藤", "渡辺"]
    assert [m.name for m in members.list_members(store, council.id, text="カトウ")] == ["加藤"]
    assert [m.name for m in members.list_members(store, council.id, text="小川")] == ["小川"]


def test_filters_by_role_status_and_supporters(store, council):
    add(store, council, name="A", roles=["区長"], is_thinker=True)
    add(store, council, name="B", roles=["住民"], status="休止")
    assert [m.name for m in members.list_members(store, council.id, role="区長")] == ["A"]
    assert [m.name for m in members.list_members(store, council.id, status="休止")] == ["B"]
    assert [m.name for m in members.list_members(store, council.id, supporters_only=True)] == ["A"]


def test_update_changes_only_given_fields(store, council):
    m = add(store, council, phone="027-000-0001", roles=["区長"])
    updated = members.update_member(store, m.id, {"phone": "027-000-0002", "roles": ["元区長"]})
    assert updated.phone == "027-000-0002" and updated.roles == ("元区長",)
    assert updated.name == m.name and updated.updated_at >= m.updated_at
    with pytest.raises(ValidationError):
        members.update_member(store, m.id, {"registered_on": "2月30日"})
    assert members.get_member(store, m.id).phone == "027-000-0002"


def test_provider_needs_a_completed_training(store, council):
    m = add(store, council)
    with pytest.raises(ValidationError, match="修了"):
        members.update_member(store, m.id, {"is_provider": True})
    t = trainings.create_training(store, council.id, {"held_on": "2017-01-30", "title": "担い手養成講座",
                                                      "participant_count": "65"})
    trainings.set_attendance(store, t.id, {m.id: False})  # attended, not completed
    with pytest.raises(ValidationError):
        members.update_member(store, m.id, {"is_provider": True})
    trainings.set_attendance(store, t.id, {m.id: True})
    assert members.update_member(store, m.id, {"is_provider": True}).is_provider
    # The completion that makes them eligible cannot silently disappear.
    with pytest.raises(ValidationError, match="サービスの担い手です"):
        trainings.set_attendance(store, t.id, {})
    with pytest.raises(ValidationError, match="サービスの担い手です"):
        trainings.delete_training(store, t.id)


def test_yearly_reconfirmation(store, council):
    today = dt.date(2026, 11, 27)
    old = add(store, council, name="古い", is_thinker=True, registered_on="2024-01-01",
              last_confirmed_on="2025-11-27")
    fresh = add(store, council, name="新しい", is_thinker=True, registered_on="2026-01-01")
    add(store, council, name="支援者でない", registered_on="2020-01-01")
    add(store, council, name="退会", is_thinker=True, registered_on="2020-01-01", status="退会")
    due = members.members_due_for_confirmation(store, council.id, today)
    assert [m.name for m in due] == ["古い"]
    assert members.confirm_members(store, [old.id, fresh.id], on=today) == 2
    assert members.members_due_for_confirmation(store, council.id, today) == []
    assert members.get_member(store, old.id).last_confirmed_on == today


def test_bulk_create_checks_every_row_first(store, council):
    rows = [{"name": f"会員{i}", "roles": "住民"} for i in range(50)]
    rows[37]["registered_on"] = "2023-02-29"
    with pytest.raises(ValidationError, match="38行目の登録日"):
        members.create_members(store, council.id, rows)
    assert members.list_members(store, council.id) == []
    del rows[37]["registered_on"]
    assert members.create_members(store, council.id, rows) == 50
    assert {m.roles for m in members.list_members(store, council.id)} == {("住民",)}


def test_delete(store, council):
    m = add(store, council, roles=["区長"])
    members.delete_member(store, m.id)
    with pytest.raises(NotFoundError, match="見つかりません"):
        members.get_member(store, m.id)
