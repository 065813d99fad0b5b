"""Survey percentages: count / that question's total answers, half-up to one decimal."""

from decimal import Decimal

import pytest

from app.errors import ValidationError
from app.services import councils, surveys
from app.services.surveys import percent


def test_noritsuke_survey_matches_the_seed(demo_store):
    council = councils.find_council(demo_store, "乗附")
    (result,) = surveys.list_surveys(demo_store, council.id)
    assert (result.distributed, result.returned, result.response_rate) == (2745, 778, Decimal("28.3"))
    q1, q2, q3, q4, q5 = result.questions
    assert q1.total == 771 and [c.percent for c in q1.choices] == [Decimal("18.2"), Decimal("28.4"), Decimal("53.4")]
    assert q2.total == 1064 and q2.choices[0].text.startswith("旅行など") and q2.choices[0].percent == Decimal("58.1")
    seed = {q3: ["84.8", "7.7", "4.2", "3.3"], q4: ["86.7", "6.0", "5.6", "1.8"],
            q5: ["52.2", "37.0", "3.5", "3.8", "3.4"]}
    for question, expected in seed.items():
        assert [str(c.percent) for c in question.choices] == expected


def test_percent_rounds_half_up():
    assert percent(1, 8) == Decimal("12.5")
    assert percent(1, 16) == Decimal("6.3")  # 6.25 -> 6.3, where round() would give 6.2
    assert percent(3, 0) is None


def test_single_choice_over_returned_is_a_warning_and_bad_counts_are_refused(store, council):
    result = surveys.create_survey(store, council.id, {"title": "困りごと", "distributed": "100",
                                                       "returned": "10"},
                                   [{"text": "家族構成", "kind": "single",
                                     "choices": [("一人暮らし", 8), ("夫婦", "５")]}])
    assert result.response_rate == Decimal("10.0")
    assert result.warnings and "問1" in result.warnings[0]
    with pytest.raises(ValidationError, match="配布数"):
        surveys.update_survey(store, result.id, {"returned": 101})
    with pytest.raises(ValidationError, match="問1の選択肢1の数"):
        surveys.create_survey(store, council.id, {"title": "x"},
                              [{"text": "q", "choices": [("a", "たくさん")]}])
    updated = surveys.set_choice_count(store, result.questions[0].choices[0].id, "２")
    assert updated.questions[0].total == 7 and updated.warnings == ()
