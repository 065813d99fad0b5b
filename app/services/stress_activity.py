"""The stress council's year beyond its lists: a survey entered form by form (420 returned forms
across its 町内会 with long names, sub-choices and open answers), proposals with answers, the
dates the year's report counts by. Written through the services, like stress.py."""

from __future__ import annotations

import datetime as dt
import random

from app.services import proposals, survey_forms, surveys
from app.store import Store

STRESS_FORMS = 420

_FORM_QUESTIONS = (
    {"text": "いま、どなたと暮らしていますか（ひとつ）", "kind": "single",
     "choices": ["一人暮らし", "夫婦二人（どちらかが65歳以上）", "子どもや孫などと同居", "その他"]},
    {"text": "ふだん、どのように出かけていますか（いくつでも）", "kind": "multiple",
     "choices": [{"text": "自分で出かける", "subs": ["車", "自転車", "徒歩・シルバーカー"]},
                 "家族や知人の車に乗せてもらう", "タクシーや乗り合いを使う", "ほとんど出かけない"]},
    {"text": "手伝ってほしいことはありますか（いくつでも）", "kind": "multiple",
     "choices": ["買い物", "通院の付き添い", "ゴミ出し", "電球の交換や高い所の作業", "布団干し",
                 "草むしり・庭の手入れ", "話し相手", "特にない"]},
    {"text": "地域のために、自分ができることを書いてください", "kind": "text", "choices": []},
)
_OPEN = ("週に一度なら、ゴミ出しを手伝えます", "車で買い物に一緒に行けます（平日の午前）",
         "話し相手ならいつでも", "草むしりを手伝います", "")
_PROPOSALS = (
    {"title": "坂の上の町内会にも移動販売車が停まるよう、停留所の見直しを求める",
     "detail": "緑が丘団地と上並榎の坂の上では、重い荷物を持って帰れない人が多い（アンケート問3で買い物 68件）。",
     "raised_to": "高崎市 福祉部 長寿社会課", "raised_on": dt.date(2026, 6, 10), "status": "回答あり",
     "answer": "販売事業者と協議し、緑が丘団地集会所前を令和8年10月から停留所に加えます。",
     "answered_on": dt.date(2026, 8, 20)},
    {"title": "通院の付き添いを担うサポーターの保険を市で用意してほしい",
     "detail": "付き添いの途中のけがに備える保険がなく、担い手が手を挙げにくい。",
     "raised_to": "第1層協議体（第2層情報交換会）", "raised_on": dt.date(2026, 9, 9), "status": "提出済"},
    {"title": "公民館の開館時間を土曜の午後まで延ばす試行",
     "raised_to": "高崎市 教育委員会 社会教育課", "status": "準備中"},
)


def load_activity(store: Store, council_id: str, nb_ids: list[str], rng: random.Random) -> None:
    for raw in _PROPOSALS:
        proposals.create_proposal(store, council_id, raw)
    survey = surveys.create_survey(store, council_id, {
        "title": "サロン・体操教室の参加者アンケート（令和8年度・回答用紙ごとに入力）",
        "conducted_on": dt.date(2026, 9, 1), "distributed": 600}, _FORM_QUESTIONS, entry="forms")
    living, going, help_, words = survey.questions
    for number in range(1, STRESS_FORMS + 1):
        picked = [c.id for c in going.choices if c.parent_id is None and rng.random() < .4]
        if going.choices[0].id in picked:
            picked.append(rng.choice([c.id for c in going.choices if c.parent_id]))
        answers: dict[str, list[str] | str] = {
            living.id: [rng.choice([c.id for c in living.choices])],
            going.id: picked,
            help_.id: [c.id for c in help_.choices if rng.random() < .25],
            words.id: _OPEN[number % len(_OPEN)]}
        where = nb_ids[number % len(nb_ids)] if number % 17 else None  # some leave 町内会 blank
        survey_forms.save_form(store, survey.id, {"number": number, "neighbourhood_id": where}, answers)
