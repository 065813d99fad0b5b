"""A survey entered form by form, shared by the survey tests: four questions (one choice, several
with sub-choices, several, open) and six forms typed as the window's keys would give them."""

from __future__ import annotations

from app.services import survey_forms
from app.services.survey_forms import parse_codes

QUESTIONS = [
    {"text": "一人暮らしですか", "kind": "single", "choices": ["はい", "いいえ"]},
    {"text": "ふだんの出かけ方", "kind": "multiple", "choices": [
        {"text": "自分で出かける", "subs": [{"text": "車"}, {"text": "自転車"}, {"text": "徒歩"}]},
        "家族の送迎", "バス"]},
    {"text": "買い物", "kind": "multiple", "choices": ["近くの店", "移動販売", "宅配"]},
    {"text": "地域のために自分ができること", "kind": "text"},
]
# 町内会 (index into the council's list, None: not written), then what is typed per question.
FORMS = [
    (0, "1", "1-1 2", "1", "草むしりなら手伝えます"),
    (0, "2", "1-3", "12", ""),
    (1, "1", "3", "3", "話し相手"),
    (1, "2", "1-1", "1", ""),
    (None, "1", "2", "23", ""),
    (1, "", "", "", ""),  # returned blank: counted in 回収数, in no question's total
]


def enter(store, survey, forms=FORMS, areas=()):
    saved = []
    for area, *typed in forms:
        answers: dict = {}
        for q, text in zip(survey.questions, typed, strict=True):
            answers[q.id] = text if q.kind == "text" else parse_codes(q, text)
        saved.append(survey_forms.save_form(
            store, survey.id, {"neighbourhood_id": None if area is None else areas[area]}, answers))
    return saved
