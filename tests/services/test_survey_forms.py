"""Surveys entered form by form: what is typed, the rules of a form, counts and percentages
derived with the same rule as typed totals, switching the way a survey is entered."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.errors import ValidationError
from app.services import neighbourhoods, survey_forms, surveys
from app.services.survey_forms import parse_codes
from tests.services.survey_data import FORMS, QUESTIONS, enter


def test_typed_codes_digit_by_digit_sub_choices_and_full_width(survey):
    alone, out, shop, _free = survey.questions
    by_text = {c.text: c.id for q in survey.questions for c in q.choices}
    assert parse_codes(shop, "13") == (by_text["近くの店"], by_text["宅配"])
    assert parse_codes(shop, "１、３") == parse_codes(shop, "1 3") == parse_codes(shop, "13")
    assert parse_codes(out, "１－２") == (by_text["自分で出かける"], by_text["自転車"])
    assert parse_codes(out, "1-13") == (by_text["自分で出かける"], by_text["車"], by_text["徒歩"])
    assert parse_codes(out, "") == ()
    assert [c.number for c in out.choices] == ["1", "1-1", "1-2", "1-3", "2", "3"]
    for bad, reason in (("4", "4番の選択肢はありません（1〜3）"), ("あ", "数字で入力"),
                        ("2-1", "2番の選択肢には下の選択肢がありません"), ("1-4", "4番の選択肢はありません（1〜3）")):
        with pytest.raises(ValidationError, match="問2") as raised:
            parse_codes(out, bad)
        assert reason in raised.value.reason
    with pytest.raises(ValidationError, match="問1: ひとつ選ぶ問ですが、2つ選ばれています（1、2）"):
        parse_codes(alone, "12")


def test_forms_give_counts_percentages_and_returned(store, survey, areas):
    enter(store, survey, areas=areas)
    result = surveys.results(store, survey.id)
    assert (result.entry, result.forms, result.returned, result.response_rate) == \
        ("forms", 6, 6, Decimal("60.0"))
    alone, out, shop, free = result.questions
    assert alone.total == 5 and [(c.count, c.percent) for c in alone.choices] == \
        [(3, Decimal("60.0")), (2, Decimal("40.0"))]
    # 自分で出かける 3 (implied by its sub-choices), 家族の送迎 2, バス 1: 6 ticks in all.
    assert out.total == 6
    counts = {c.number: (c.count, c.percent) for c in out.choices}
    assert counts["1"] == (3, Decimal("50.0"))
    assert counts["1-1"] == (2, Decimal("66.7"))  # 車: 2 of the 3 who go out themselves
    assert counts["1-2"] == (0, Decimal("0.0")) and counts["1-3"] == (1, Decimal("33.3"))
    assert shop.total == 7 and free.total == 2


def test_forms_and_typed_totals_give_the_same_figures(store, council, survey, areas):
    enter(store, survey, areas=areas)
    from_forms = surveys.results(store, survey.id)
    typed = [{**q, "choices": []} for q in QUESTIONS]
    for raw, q in zip(typed, from_forms.questions, strict=True):
        raw["choices"] = [{"text": c.text, "count": c.count,
                           "subs": [{"text": s.text, "count": s.count} for s in q.subs(c.id)]}
                          for c in q.top()]
    totals = surveys.create_survey(store, council.id, {"title": "合計で", "distributed": 10,
                                                       "returned": 6}, typed)
    def figures(r):
        return [(q.total, [(c.number, c.text, c.count, c.percent) for c in q.choices])
                for q in r.questions if q.kind != "text"]
    assert figures(totals) == figures(from_forms)
    assert totals.response_rate == from_forms.response_rate and totals.warnings == ()
    car = totals.questions[1].choices[1]
    assert "問2の「車」（9）が、その上の選択肢「自分で出かける」（3）より多くなっています" in \
        surveys.set_choice_count(store, car.id, "9").warnings


def test_a_refused_form_names_the_question_and_changes_nothing(store, survey, council, areas):
    alone, out, shop, free = survey.questions
    first = enter(store, survey, FORMS[:1], areas)[0]
    yes, no = (c.id for c in alone.choices)
    other_council = neighbourhoods.create_neighbourhood(
        store, __import__("app.services.councils", fromlist=["x"]).create_council(
            store, {"name": "よその地区", "tier": 2}).id, {"name": "よその町"}).id
    cases = [
        ({alone.id: (yes, no)}, {}, "問1", "ひとつ選ぶ問ですが、2つ選ばれています（1、2）"),
        ({alone.id: ("no-such-id",)}, {}, "問1", "選択肢（ID no-such-id）はありません"),
        ({alone.id: (shop.choices[0].id,)}, {}, "問1", "「近くの店」はこの問の選択肢ではありません"),
        ({free.id: (yes,)}, {}, "問4", "自由に書く問"),
        ({shop.id: "たくさん"}, {}, "問3", "番号で答えて"),
        ({"other": ()}, {}, "回答", "このアンケートにない問"),
        ({}, {"number": "１"}, "整理番号", "1 はもう入力されています"),
        ({}, {"number": "0"}, "整理番号", "1以上"),
        ({}, {"number": "2月3日"}, "整理番号", "数ではありません"),
        ({}, {"neighbourhood_id": other_council}, "町内会", "この協議体の町内会ではありません"),
    ]
    for answers, raw, field, reason in cases:
        with pytest.raises(ValidationError) as raised:
            survey_forms.save_form(store, survey.id, raw, answers)
        assert raised.value.field == field and reason in raised.value.reason, (answers, raw)
    with pytest.raises(ValidationError, match="問1"):  # replacing: the old answers stay
        survey_forms.save_form(store, survey.id, {"number": 1}, {alone.id: (yes, no)}, first.id)
    (kept,) = survey_forms.list_forms(store, survey.id)
    assert kept == first
    assert surveys.results(store, survey.id).forms == 1


def test_save_replace_and_delete_a_form(store, survey, areas):
    alone, out, _shop, free = survey.questions
    form = enter(store, survey, FORMS[:2], areas)[1]
    assert form.number == 2 and survey_forms.next_number(store, survey.id) == 3
    assert survey_forms.codes(out, form.choices[out.id]) == "1-3"
    fixed = survey_forms.save_form(store, survey.id, {"number": "２", "neighbourhood_id": areas[2]},
                                   {alone.id: parse_codes(alone, "1"), free.id: "ゴミ出し"}, form.id)
    assert fixed.id == form.id and fixed.neighbourhood == "本町3" and out.id not in fixed.choices
    assert fixed.texts == {free.id: "ゴミ出し"}
    assert surveys.results(store, survey.id).questions[0].choices[0].count == 2
    survey_forms.delete_form(store, form.id)
    assert [f.number for f in survey_forms.list_forms(store, survey.id)] == [1]


def test_neighbourhood_by_number_or_name(areas):
    names = [(a, n) for a, n in zip(areas, ("本町1", "本町2", "本町3"), strict=True)]
    assert survey_forms.parse_neighbourhood(names, "２") == areas[1]
    assert survey_forms.parse_neighbourhood(names, "本町3") == areas[2]
    assert survey_forms.parse_neighbourhood(names, " ") is None
    with pytest.raises(ValidationError, match="4番の町内会はありません（1〜3）"):
        survey_forms.parse_neighbourhood(names, "4")


def test_totals_switch_to_forms_only_when_asked(store, council):
    typed = surveys.create_survey(store, council.id, {"title": "t", "returned": 5},
                                  [{"text": "q", "choices": [("a", 3), ("b", 2)]}])
    with pytest.raises(ValidationError, match="合計の数が入っています（問1「a」3、問1「b」2）"):
        survey_forms.set_entry(store, typed.id, "forms")
    assert surveys.results(store, typed.id) == typed
    with pytest.raises(ValidationError, match="合計を入力するしかた"):
        survey_forms.save_form(store, typed.id, {}, {})
    switched = survey_forms.set_entry(store, typed.id, "forms", discard=True)
    assert switched.entry == "forms" and switched.returned == 0
    assert [c.count for c in switched.questions[0].choices] == [0, 0]
    survey_forms.save_form(store, typed.id, {}, {switched.questions[0].id: parse_codes(switched.questions[0], "2")})
    with pytest.raises(ValidationError, match="回答用紙が1枚入っています"):
        survey_forms.set_entry(store, typed.id, "totals")
    back = survey_forms.set_entry(store, typed.id, "totals", discard=True)
    assert back.entry == "totals" and back.returned == 1 and back.forms == 0
    assert [c.count for c in back.questions[0].choices] == [0, 1]  # the forms' counts, now typed
    assert survey_forms.list_forms(store, typed.id) == []


def test_typed_returned_and_counts_are_refused_while_entered_by_forms(store, survey, areas):
    enter(store, survey, FORMS[:3], areas)
    with pytest.raises(ValidationError, match="回収数は入力した用紙の数です（今 3枚）"):
        surveys.update_survey(store, survey.id, {"returned": "50"})
    with pytest.raises(ValidationError, match="入力した回答用紙（3枚）より少なく"):
        surveys.update_survey(store, survey.id, {"distributed": "2"})
    with pytest.raises(ValidationError, match="用紙から数えます"):
        surveys.set_choice_count(store, survey.questions[0].choices[0].id, "9")
    assert surveys.update_survey(store, survey.id, {"distributed": "3", "returned": "3"}).returned == 3
