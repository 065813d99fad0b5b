"""Forms read across: by 町内会, a cross-table of two questions, open answers; questions edited
after forms came in (refused naming the forms), and a survey copied from last year's."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.errors import ValidationError
from app.services import survey_forms, survey_questions, survey_tables, surveys
from tests.services.survey_data import FORMS, enter


@pytest.fixture
def entered(store, survey, areas):
    enter(store, survey, areas=areas)
    return surveys.results(store, survey.id)


def test_results_by_neighbourhood(store, entered):
    table = survey_tables.by_neighbourhood(store, entered.id)
    assert [q.question.number for q in table.questions] == [1, 2, 3]  # not the open question
    alone = table.questions[0]
    assert [(r.label, r.forms, r.total, r.counts) for r in alone.rows] == [
        ("本町1", 2, 2, (1, 1)), ("本町2", 3, 2, (1, 1)), ("未記入", 1, 1, (1, 0))]
    assert alone.rows[0].percents == (Decimal("50.0"), Decimal("50.0"))
    assert (alone.total.forms, alone.total.counts) == (6, (3, 2))
    out = table.questions[1]
    # 本町2: 3 (バス), 1-1 (車, so 自分で出かける): 2 answers; 車 is 100% of those going themselves.
    honcho2 = out.rows[1]
    assert honcho2.counts == (1, 1, 0, 0, 0, 1) and honcho2.total == 2
    assert honcho2.percents[:2] == (Decimal("50.0"), Decimal("100.0"))
    # the rows add up to the question's totals
    for q in table.questions:
        assert tuple(map(sum, zip(*(r.counts for r in q.rows), strict=True))) == q.total.counts


def test_cross_table_counts_every_pair_of_a_forms_answers(store, entered):
    alone, out, shop, _free = entered.questions
    cross = survey_tables.cross_table(store, entered.id, alone.id, shop.id)
    assert [r.label for r in cross.rows] == ["1. はい", "2. いいえ"]
    # はい: forms 1 (近くの店), 3 (宅配), 5 (移動販売, 宅配); いいえ: 2 (近くの店, 移動販売), 4 (近くの店)
    assert [(r.forms, r.total, r.counts) for r in cross.rows] == [(3, 4, (1, 1, 2)), (2, 3, (2, 1, 0))]
    assert cross.rows[0].percents == (Decimal("25.0"), Decimal("25.0"), Decimal("50.0"))
    assert (cross.total.forms, cross.total.counts) == (5, (3, 2, 2))
    reverse = survey_tables.cross_table(store, entered.id, shop.id, alone.id)
    assert [r.counts for r in reverse.rows] == [(1, 2), (1, 1), (2, 0)]
    with_subs = survey_tables.cross_table(store, entered.id, out.id, alone.id)
    assert [(r.label, r.counts) for r in with_subs.rows][:2] == [("1. 自分で出かける", (1, 2)),
                                                                 ("1-1. 車", (1, 1))]


def test_cross_table_refuses_what_it_cannot_count(store, council, entered):
    alone, _out, _shop, free = entered.questions
    for a, b, reason in ((alone.id, alone.id, "ちがう問を2つ"), (alone.id, free.id, "問4は自由に書く問"),
                         (alone.id, "x", "このアンケートの問")):
        with pytest.raises(ValidationError, match=reason):
            survey_tables.cross_table(store, entered.id, a, b)
    typed = surveys.create_survey(store, council.id, {"title": "t"}, [{"text": "q", "choices": ["a"]}])
    with pytest.raises(ValidationError, match="回答用紙を1枚ずつ入力した"):
        survey_tables.cross_table(store, typed.id, typed.questions[0].id, typed.questions[0].id)
    with pytest.raises(ValidationError, match="問9はありません（問1〜問4）"):
        survey_tables.cross_pairs(entered, [(1, 9)])


def test_open_answers_with_number_and_neighbourhood(store, entered):
    (free,) = survey_tables.open_answers(store, entered.id)
    assert free.question.number == 4
    assert [(a.number, a.neighbourhood, a.text) for a in free.answers] == [
        (1, "本町1", "草むしりなら手伝えます"), (3, "本町2", "話し相手")]


def test_question_edit_refused_while_a_form_refers_to_the_choice(store, entered):
    rows = survey_questions.question_rows(entered)
    before = surveys.results(store, entered.id)

    def refused(change, field, reason):
        edited = survey_questions.question_rows(entered)
        change(edited)
        with pytest.raises(ValidationError) as raised:
            survey_questions.update_questions(store, entered.id, edited)
        assert raised.value.field == field and reason in raised.value.reason
        assert surveys.results(store, entered.id) == before

    refused(lambda r: r[0]["choices"].pop(), "問1の選択肢「いいえ」", "回答用紙（整理番号 2、4）で選ばれているため消せません")
    refused(lambda r: r[0]["choices"][0].update(text="はい（一人）"), "問1の選択肢「はい」",
            "回答用紙（整理番号 1、3、5）で選ばれているため変えられません")
    refused(lambda r: r[1]["choices"][0]["subs"].pop(0), "問2の選択肢「車」", "整理番号 1、4")
    refused(lambda r: r[2].update(kind="single"), "問3の種類", "種類を変えられません")
    refused(lambda r: r.pop(3), "問4「地域のために自分ができること」", "整理番号 1、3")
    # Allowed: new wording of the question, an unticked sub-choice reworded, a choice added,
    # the order changed, one choice to several.
    rows[0]["text"] = "お住まいは一人ですか"
    rows[1]["choices"][0]["subs"][1]["text"] = "自転車・バイク"
    rows[1]["choices"].append({"id": None, "text": "タクシー", "subs": []})
    rows[2]["choices"].reverse()
    rows[0]["kind"] = "multiple"
    after = survey_questions.update_questions(store, entered.id, rows)
    assert after.questions[0].text == "お住まいは一人ですか" and after.questions[0].kind == "multiple"
    assert [c.text for c in after.questions[1].choices][-1] == "タクシー"
    assert [(c.text, c.count) for c in after.questions[2].choices] == \
        [("宅配", 2), ("移動販売", 2), ("近くの店", 3)]
    assert survey_forms.codes(after.questions[2], survey_forms.list_forms(store, entered.id)[0]
                              .choices[after.questions[2].id]) == "3"  # 近くの店 is now 3


def test_totals_keep_their_counts_when_a_choice_is_reworded(store, council):
    typed = surveys.create_survey(store, council.id, {"title": "t"},
                                  [{"text": "q", "choices": [("一人ぐらし", 140), ("夫婦", 219)]},
                                   {"text": "r", "choices": [("x", 1)]}])
    q = typed.questions[0]
    text = survey_questions.lines_of(q).replace("一人ぐらし", "一人暮らし") + "\n　子どもと\n家族と同居"
    choices = survey_questions.match_lines(q, text, "問1の選択肢")
    assert [c["id"] for c in choices] == [q.choices[0].id, q.choices[1].id, None]
    rows = survey_questions.question_rows(typed)
    rows[0]["choices"] = choices
    del rows[1]
    after = survey_questions.update_questions(store, typed.id, rows)
    assert [(c.number, c.text, c.count) for c in after.questions[0].choices] == [
        ("1", "一人暮らし", 140), ("2", "夫婦", 219), ("2-1", "子どもと", 0), ("3", "家族と同居", 0)]
    assert len(after.questions) == 1
    with pytest.raises(ValidationError, match="1行目は字下げしないで"):
        survey_questions.match_lines(None, "　車\n徒歩", "問1の選択肢")


def test_copy_from_last_year(store, entered):
    copied = survey_questions.copy_survey(store, entered.id, {"title": "困りごと（来年）",
                                                              "conducted_on": "令和9年7月1日"})
    assert copied.id != entered.id and copied.entry == "forms" and copied.forms == 0
    assert copied.conducted_on.year == 2027 and copied.distributed is None
    shape = [(q.text, q.kind, [(c.number, c.text) for c in q.choices]) for q in copied.questions]
    assert shape == [(q.text, q.kind, [(c.number, c.text) for c in q.choices]) for q in entered.questions]
    assert all(c.count == 0 for q in copied.questions for c in q.choices)
    assert {c.id for q in copied.questions for c in q.choices}.isdisjoint(
        {c.id for q in entered.questions for c in q.choices})
    assert len(survey_forms.list_forms(store, entered.id)) == len(FORMS)  # last year's untouched
    with pytest.raises(ValidationError, match="題名"):
        survey_questions.copy_survey(store, entered.id, {"title": " "})
