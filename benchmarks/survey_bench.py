"""Surveys entered form by form, at the size of the seed's 乗附 survey (2,745 forms).

    QT_QPA_PLATFORM=offscreen python benchmarks/survey_bench.py

Builds a fresh database: a council of 11 町内会 and the 乗附 questions (問2 with three
sub-choices under its first choice, and an open question), then 2,745 synthetic forms in bulk
(a random 町内会 or none, one answer to the single-choice question, one to three to the others,
a sub-choice now and then, a few open answers). Measures, best of 5:
- results by 町内会 (survey_tables.by_neighbourhood)                        target < 200 ms
- a cross-table 問1 × 問3, and 問2 (with sub-choices) × 問5                  target < 200 ms
- the survey's results, the open answers, the list of forms (each a figure)
- one form saved through the service (save_form)                          (figure)
- in the window (offscreen): one form typed and saved, the page and the entry read again,
  with 2,745 forms already in                                               (figure)
and counts the keys pressed per single-choice question while typing 30 forms (target ≤ 10).
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import delete, insert

from app.models import SurveyAnswer, SurveyResponse, new_id, utcnow
from app.services import councils, neighbourhoods, survey_forms, survey_tables, surveys
from app.services.demo import NORITSUKE_SURVEY
from app.store import Store

FORMS = 2745
AREAS = ("上豊岡1", "上豊岡2", "下豊岡1", "下豊岡2", "豊岡団地", "中豊岡1", "中豊岡2", "北久保",
         "若田", "金井淵", "八千代")
TYPED_FORMS = 30


def best(fn, repeat: int = 5) -> float:
    top = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        top = min(top, time.perf_counter() - start)
    return top


def line(label: str, seconds: float, target: str = "figure") -> None:
    print(f"{label:<58} {seconds * 1000:8.1f} ms   ({target})")


def questions() -> list[dict]:
    rows = []
    for text, kind, choices in NORITSUKE_SURVEY:
        rows.append({"text": text, "kind": kind, "choices": [c for c, _n in choices]})
    rows[1]["choices"][0] = {"text": rows[1]["choices"][0],
                             "subs": [{"text": t} for t in ("車", "自転車", "徒歩")]}
    rows.append({"text": "地域のために自分ができることをお書きください", "kind": "text"})
    return rows


def fill(store: Store, survey: surveys.SurveyResult, areas: list[str]) -> None:
    """2,745 forms in two executemany statements."""
    rng = random.Random(2745)
    now = utcnow()
    forms, answers = [], []
    for number in range(1, FORMS + 1):
        form_id = new_id()
        forms.append({"id": form_id, "survey_id": survey.id, "number": number, "note": "",
                      "neighbourhood_id": rng.choice(areas) if rng.random() < 0.95 else None,
                      "created_at": now, "updated_at": now})
        for q in survey.questions:
            if q.kind == "text":
                if rng.random() < 0.1:
                    answers.append((form_id, q.id, None, "草むしりなら手伝えます"))
                continue
            top = q.top()
            picked = [rng.choice(top)] if q.kind == "single" else rng.sample(top, rng.randint(1, 3))
            for c in picked:
                answers.append((form_id, q.id, c.id, ""))
                subs = q.subs(c.id)
                if subs and rng.random() < 0.6:
                    answers.append((form_id, q.id, rng.choice(subs).id, ""))
    with store.session() as s:
        s.execute(insert(SurveyResponse), forms)
        s.execute(insert(SurveyAnswer), [
            {"id": new_id(), "response_id": r, "question_id": q, "choice_id": c, "text": t,
             "created_at": now, "updated_at": now} for r, q, c, t in answers])
    print(f"{FORMS:,} forms, {len(answers):,} answers")


def window_figures(store: Store, council_name: str, title: str) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from app.ui.controller import Controller
    from app.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    window = MainWindow(Controller(store))
    window.resize(1280, 800)
    window.show()
    window.select_council(council_name)
    page = window.show_page("survey")
    page.open_dialogs_modeless = True
    page.choose(title)
    dialog = page.forms_tab.open_entry()
    dialog.activateWindow()
    app.processEvents()
    entry = dialog.entry
    rng = random.Random(30)
    keys_single: list[int] = []
    saves: list[float] = []
    for _ in range(TYPED_FORMS):
        rows = [entry.area_row, *entry.rows[2:]]
        for row in rows:
            if row.question is None:
                text = str(rng.randint(1, 9))
            elif row.question.kind == "text":
                text = ""
            elif row.question.kind == "single":
                text = str(rng.randint(1, len(row.question.top())))
            else:
                text = "".join(str(n) for n in sorted(rng.sample(range(1, len(row.question.top()) + 1), 2)))
            pressed = 0
            for ch in text:
                QTest.keyClick(row.field, ch)
                pressed += 1
            start = time.perf_counter()
            QTest.keyClick(row.field, Qt.Key.Key_Return)
            pressed += 1
            if row is rows[-1]:
                saves.append(time.perf_counter() - start)
            if row.question is not None and row.question.kind == "single":
                keys_single.append(pressed)
    assert len(survey_forms.list_forms(store, page.current.id)) == FORMS + TYPED_FORMS
    saves.sort()
    line("window: Enter on the last question to the next form (median)", saves[len(saves) // 2])
    line("window: the same, slowest of 30", saves[-1])
    print(f"{'keys per single-choice question (30 forms typed)':<58} "
          f"{sum(keys_single) / len(keys_single):8.1f}      (target ≤ 10)")
    dialog.reject()
    window.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "bench.sqlite3") as store:
        council = councils.create_council(store, {"name": "豊岡", "tier": 2})
        areas = [neighbourhoods.create_neighbourhood(store, council.id, {"name": n}).id for n in AREAS]
        survey = surveys.create_survey(store, council.id, {"title": "困りごとアンケート（用紙）",
                                                           "distributed": 3000}, questions(),
                                       entry="forms")
        fill(store, survey, areas)
        result = surveys.results(store, survey.id)
        assert result.forms == FORMS
        q = result.questions
        line("results by 町内会 (11 町内会, 5 questions)",
             best(lambda: survey_tables.by_neighbourhood(store, survey.id)), "target < 200 ms")
        line("cross-table 問1 × 問3",
             best(lambda: survey_tables.cross_table(store, survey.id, q[0].id, q[2].id)), "target < 200 ms")
        line("cross-table 問2 (with sub-choices) × 問5",
             best(lambda: survey_tables.cross_table(store, survey.id, q[1].id, q[4].id)), "target < 200 ms")
        line("the survey's results (counts and percentages)", best(lambda: surveys.results(store, survey.id)))
        line("open answers", best(lambda: survey_tables.open_answers(store, survey.id)))
        line("the list of forms (2,745 with their answers)",
             best(lambda: survey_forms.list_forms(store, survey.id)))
        numbers = iter(range(FORMS + 1000, FORMS + 2000))
        answers = {q[0].id: (q[0].choices[0].id,), q[2].id: (q[2].choices[1].id, q[2].choices[3].id)}
        line("one form saved through the service",
             best(lambda: survey_forms.save_form(store, survey.id, {"number": next(numbers)}, answers)))
        with store.session() as s:  # the forms saved above go again before the typing
            s.execute(delete(SurveyResponse).where(SurveyResponse.number >= FORMS + 1000))
        window_figures(store, "豊岡", "困りごとアンケート（用紙）")


if __name__ == "__main__":
    main()
