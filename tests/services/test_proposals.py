"""提言: the fields declared once, newest first, 回答日 after 提出日 and beside an answered 状況
(today when the 状況 changes to an answer, cleared when it goes back), 全角 and 和暦 dates, bad
input refused naming the field with nothing saved, the 提出先 offered, the counts per council."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from app.errors import NotFoundError, ValidationError
from app.models import PROPOSAL_STATUSES, Proposal
from app.services import base, councils, proposals

D = dt.date
TODAY = D(2026, 12, 4)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(base, "today", lambda: TODAY)


def add(store, council, **raw):
    return proposals.create_proposal(store, council.id, {"title": "移動販売の停留所を増やす", **raw})


def stored(store) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(Proposal))


def test_the_fields_are_declared_once_with_the_models_names():
    by_name = {f.name: f for f in proposals.PROPOSAL_FIELDS}
    assert list(by_name) == ["title", "detail", "raised_to", "raised_on", "status", "answer",
                             "answered_on", "note"]
    assert [by_name[n].label for n in by_name] == ["提言の内容", "くわしく", "提出先", "提出日", "状況", "回答",
                                                   "回答日", "備考"]
    assert by_name["title"].required and by_name["status"].choices == PROPOSAL_STATUSES
    assert {n for n, f in by_name.items() if f.kind == "date"} == {"raised_on", "answered_on"}
    assert {n for n, f in by_name.items() if f.privacy} == {"note"}
    for name in ("title", "detail", "raised_to", "raised_on", "answer", "answered_on", "note"):
        assert by_name[name].tip, name


def test_create_reads_zenkaku_and_wareki_and_lists_newest_first(store, council):
    old = add(store, council, title="ベンチを置く", raised_on="平成30年３月３１日", raised_to="高崎市 長寿社会課",
              status="回答あり", answered_on="Ｈ３０．５．１", answer="置きます")
    new = add(store, council, raised_on="２０２６－１１－０２", raised_to="第1層協議体")
    draft = add(store, council, title="保険の案内", status="準備中")
    assert (old.raised_on, old.answered_on) == (D(2018, 3, 31), D(2018, 5, 1))
    assert new.status == "提出済" and new.answered_on is None  # the usual status
    assert [p.id for p in proposals.list_proposals(store, council.id)] == [draft.id, new.id, old.id]
    assert [p.is_answered for p in (old, new, draft)] == [True, False, False]


@pytest.mark.parametrize(("raw", "key", "reason"), [
    ({"title": ""}, "title", "入力してください"),
    ({"title": "　"}, "title", "入力してください"),
    ({"raised_on": "2026-02-30"}, "raised_on", "2月に30日はありません"),
    ({"raised_on": "来週"}, "raised_on", "日付として読めません"),
    ({"status": "検討中"}, "status", "選べません"),
    ({"raised_on": "2026-05-01", "status": "回答あり", "answered_on": "2026-04-30"}, "answered_on",
     "提出日より前"),
    ({"status": "提出済", "answered_on": "2026-05-01"}, "answered_on", "のときに入れます"),
    ({"title": "あ" * 201}, "title", "200文字以内"),
])
def test_bad_input_names_the_field_and_saves_nothing(store, council, raw, key, reason):
    with pytest.raises(ValidationError) as err:
        add(store, council, **raw)
    assert err.value.name == key and reason in err.value.reason
    assert err.value.field == {f.name: f.label for f in proposals.PROPOSAL_FIELDS}[key]
    assert stored(store) == 0


def test_an_answer_gets_todays_date_and_loses_it_when_the_status_goes_back(store, council):
    p = add(store, council, raised_on="2026-10-01")
    answered = proposals.update_proposal(store, p.id, {"status": "回答あり", "answer": "検討します"})
    assert answered.answered_on == TODAY
    # The form sends every field back: the old 回答日 beside 提出済 is a stale date, cleared.
    back = proposals.update_proposal(store, p.id, {"status": "提出済", "answered_on": TODAY})
    assert (back.status, back.answered_on, back.answer) == ("提出済", None, "検討します")
    given = proposals.update_proposal(store, p.id, {"status": "実現", "answered_on": "R8.11.20"})
    assert given.answered_on == D(2026, 11, 20)
    # From one answered status to another: the date stays as it was.
    assert proposals.update_proposal(store, p.id, {"status": "見送り"}).answered_on == D(2026, 11, 20)


def test_a_proposal_written_down_afterwards_gets_no_guessed_answer_date(store, council):
    assert add(store, council, status="回答あり", answer="置きます").answered_on is None


def test_a_refused_edit_leaves_the_proposal_as_it_was(store, council):
    p = add(store, council, raised_on="2026-10-01", status="回答あり", answered_on="2026-10-20")
    for raw, key in (({"answered_on": "2026-09-30"}, "answered_on"),
                     ({"raised_on": "2026-10-21"}, "answered_on"),
                     ({"status": "準備中", "answered_on": "2026-10-25"}, "answered_on"),
                     ({"title": ""}, "title")):
        with pytest.raises(ValidationError) as err:
            proposals.update_proposal(store, p.id, raw)
        assert err.value.name == key
        assert proposals.get_proposal(store, p.id) == p


def test_delete_and_missing_rows(store, council):
    p = add(store, council)
    proposals.delete_proposal(store, p.id)
    assert proposals.list_proposals(store, council.id) == []
    for call in (lambda: proposals.delete_proposal(store, p.id),
                 lambda: proposals.update_proposal(store, p.id, {"title": "x"}),
                 lambda: proposals.get_proposal(store, p.id)):
        with pytest.raises(NotFoundError, match="提言"):
            call()
    with pytest.raises(NotFoundError, match="協議体"):
        proposals.create_proposal(store, "no-such-council", {"title": "x"})


def test_the_places_offered_are_the_councils_own_then_its_contacts(store, council):
    councils.set_contacts(store, council.id, [{"kind": "市", "name": "高崎市 長寿社会課"},
                                              {"kind": "あんしんセンター", "name": "あんしんセンター八幡"}])
    add(store, council, raised_to="高崎市社会福祉協議会")
    add(store, council, raised_to="第1層協議体")
    add(store, council, raised_to="第1層協議体")
    assert proposals.places_raised_to(store, council.id) == ["第1層協議体", "高崎市社会福祉協議会",
                                                             "高崎市 長寿社会課"]


def test_counts_per_council(store, council):
    other = councils.create_council(store, {"name": "別の地区", "tier": 2})
    add(store, council, status="回答あり")
    add(store, council, status="実現")
    add(store, council, status="見送り")
    add(store, council, status="提出済")
    add(store, other, status="準備中")
    with store.session() as s:
        assert proposals.counts_by_council(s) == {council.id: (4, 3), other.id: (1, 0)}


def test_the_demo_has_three_proposals_for_yawata_with_fixed_ids(demo_store):
    from app.services import demo, members

    yawata = councils.find_council(demo_store, "八幡")
    found = proposals.list_proposals(demo_store, yawata.id)
    assert {p.id for p in found} == {demo.demo_id("八幡", "proposal", key) for key in ("stops", "clinic", "insurance")}
    assert [p.status for p in found] == ["準備中", "提出済", "回答あり"]
    answered = found[-1]
    assert answered.raised_to == "高崎市 長寿社会課" and answered.answered_on > answered.raised_on
    left = [m for m in members.list_members(demo_store, yawata.id) if m.status == "退会"]
    assert len(left) == 1 and left[0].left_on and left[0].left_on >= left[0].registered_on
