"""The demo's survey entered form by form: 八幡's サロン参加者アンケート, 24 returned forms, so a
volunteer who opens the demo sees the 回答用紙 tab, the results by 町内会 and a cross-table
(the seed's 乗附 survey stays a totals-only one). Made up, deterministic, ids from demo_id."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from app.models import (
    Council,
    Neighbourhood,
    Survey,
    SurveyAnswer,
    SurveyChoice,
    SurveyQuestion,
    SurveyResponse,
)

QUESTIONS: tuple[tuple[str, str, tuple[str, ...], dict[int, tuple[str, ...]]], ...] = (
    ("いま、どなたと暮らしていますか", "single", ("一人暮らし", "夫婦二人", "家族と同居"), {}),
    ("サロンまでどうやって来ましたか", "multiple", ("自分で来た", "家族の送り", "サポーターの送り"),
     {0: ("徒歩", "自転車", "車")}),
    ("手伝ってほしいことはありますか", "multiple", ("買い物", "通院", "ゴミ出し", "特にない"), {}),
    ("地域のために、自分ができることを書いてください", "text", (), {}),
)
# One form a row: 町内会, then each question's choice numbers ("1-2": the 2nd sub-choice of ①),
# then what was written. Typed as a volunteer would type them in the entry window.
FORMS = (
    ("金井淵", "1", "1 1-1", "1 2", "話し相手ならできます"), ("金井淵", "2", "1 1-1", "4", ""),
    ("金井淵", "1", "3", "1 3", ""), ("上剣崎", "1", "2", "1 2", ""),
    ("上剣崎", "3", "1 1-3", "4", "車で送り迎えできます（平日）"), ("上剣崎", "2", "1 1-2", "2", ""),
    ("上剣崎", "1", "3", "1", ""), ("下剣崎", "2", "1 1-1", "4", ""),
    ("下剣崎", "1", "1 1-1", "2 3", "ゴミ出しを手伝えます"), ("下大島", "3", "2", "4", ""),
    ("下大島", "2", "1 1-2", "4", ""), ("町屋", "1", "3", "1 2 3", ""),
    ("町屋", "3", "1 1-3", "4", "草むしり"), ("群馬八幡", "2", "1 1-1", "1", ""),
    ("八幡1", "1", "1 1-1", "3", ""), ("八幡1", "3", "2", "4", ""),
    ("八幡2", "2", "1 1-2", "4", "お茶の準備を手伝います"), ("八幡2", "1", "3", "1 2", ""),
    ("八幡3", "2", "1 1-1", "4", ""), ("八幡3", "1", "2", "2", ""),
    ("八幡4", "3", "1 1-3", "4", ""), ("八幡4", "1", "1 1-1", "1 3", ""),
    ("若田", "2", "2", "1", ""), ("", "1", "3", "2", ""),
)


def yawata(council: Council, nbs: Mapping[str, Neighbourhood], demo_id: Callable[..., str]
           ) -> list[Survey | SurveyResponse]:
    key = (council.name, "form survey")
    survey = Survey(id=demo_id(*key), council_id=council.id, entry="forms",
                    title="八幡地区 サロン参加者アンケート（回答用紙ごとに入力した見本）",
                    conducted_on=dt.date(2017, 11, 15), distributed=40,
                    note="サロンで配り、その場で回収")
    choices: dict[tuple[int, str], SurveyChoice] = {}
    for q, (text, kind, names, subs) in enumerate(QUESTIONS):
        question = SurveyQuestion(id=demo_id(*key, "q", q), position=q, text=text, kind=kind)
        position = 0
        for c, name in enumerate(names, start=1):
            choice = choices[q, str(c)] = SurveyChoice(id=demo_id(*key, "q", q, c), position=position,
                                                       text=name, count=0)
            question.choices.append(choice)
            position += 1
            for s, sub in enumerate(subs.get(c - 1, ()), start=1):
                child = choices[q, f"{c}-{s}"] = SurveyChoice(
                    id=demo_id(*key, "q", q, c, s), position=position, text=sub, count=0,
                    parent_id=choice.id)
                question.choices.append(child)
                position += 1
        survey.questions.append(question)
    forms = []
    for number, (where, *coded, written) in enumerate(FORMS, start=1):
        form = SurveyResponse(id=demo_id(*key, "form", number), survey=survey, number=number,
                              neighbourhood_id=nbs[where].id if where else None)
        for q, typed in enumerate(coded):
            for code in typed.split():
                form.answers.append(SurveyAnswer(id=demo_id(*key, "form", number, q, code),
                                                 question=survey.questions[q], choice=choices[q, code]))
        if written:
            form.answers.append(SurveyAnswer(id=demo_id(*key, "form", number, "text"),
                                             question=survey.questions[3], text=written))
        forms.append(form)
    return [survey, *forms]
