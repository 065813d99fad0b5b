"""A survey entered form by form in the coordinator's file: the forms, their answers (ticked
choices, sub-choices, open answers) and the new columns travel and merge like other rows; an
anonymised file holds back what people wrote; an answer that points at another question's choice
is refused naming the sheet and row; files written before these sheets still import."""

from __future__ import annotations

import shutil

import openpyxl
import pytest
from sqlalchemy import select

from app.exchange.export_file import export_councils
from app.exchange.merge import ImportFailed, import_files
from app.models import (
    Survey,
    SurveyAnswer,
    SurveyChoice,
    SurveyQuestion,
    SurveyResponse,
)
from app.services import councils, neighbourhoods
from app.store import Store
from tests.exchange.conftest import edit_cells, find_row, settled

COUNCIL = "本町地区"


def _setup(store: Store) -> None:
    """A survey with a single, a multiple (with sub-choices) and an open question, three forms."""
    council = councils.create_council(store, {"name": COUNCIL, "tier": 2})
    nb = {n: neighbourhoods.create_neighbourhood(store, council.id, {"name": n}).id
          for n in ("本町1", "本町2")}
    with store.session() as s:
        survey = Survey(council_id=council.id, title="困りごとアンケート", distributed=10,
                        returned=3, entry="forms")
        alone = SurveyQuestion(position=0, text="一人暮らしですか", kind="single")
        alone.choices = [SurveyChoice(position=i, text=t, count=0) for i, t in enumerate(("はい", "いいえ"))]
        out = SurveyQuestion(position=1, text="出かけ方", kind="multiple")
        myself = SurveyChoice(position=0, text="自分で出かける", count=0)
        out.choices = [myself, SurveyChoice(position=1, text="家族の送迎", count=0)]
        free = SurveyQuestion(position=2, text="地域のために自分ができること", kind="text")
        survey.questions = [alone, out, free]
        s.add(survey)
        s.flush()
        subs = [SurveyChoice(question_id=out.id, position=2 + i, text=t, count=0, parent_id=myself.id)
                for i, t in enumerate(("車", "自転車", "徒歩"))]
        s.add_all(subs)
        s.flush()
        forms = [(1, "本町1", alone.choices[0], [myself, subs[0]], "草むしりなら手伝えます"),
                 (2, "本町2", alone.choices[1], [out.choices[1]], ""),
                 (3, None, alone.choices[0], [myself, subs[2]], "話し相手")]
        for number, where, single, ticked, text in forms:
            form = SurveyResponse(survey_id=survey.id, number=number, neighbourhood_id=nb.get(where or ""),
                                  note="電話で確認" if number == 1 else "")
            form.answers = [SurveyAnswer(question_id=alone.id, choice_id=single.id),
                            *(SurveyAnswer(question_id=out.id, choice_id=c.id) for c in ticked)]
            if text:
                form.answers.append(SurveyAnswer(question_id=free.id, text=text))
            s.add(form)


def picture(store: Store) -> dict:
    """Every survey row as stored, ids included, times left out."""
    def rows(model, *columns):
        with store.session() as s:
            return sorted(tuple(getattr(r, c) for c in ("id", *columns)) for r in s.scalars(select(model)))
    return {"survey": rows(Survey, "title", "entry", "returned"),
            "question": rows(SurveyQuestion, "survey_id", "position", "text", "kind"),
            "choice": rows(SurveyChoice, "question_id", "position", "text", "count", "parent_id"),
            "form": rows(SurveyResponse, "survey_id", "number", "neighbourhood_id", "note"),
            "answer": rows(SurveyAnswer, "response_id", "question_id", "choice_id", "text")}


@pytest.fixture
def pc_a(store):
    _setup(store)
    return store


@pytest.fixture
def pc_b(tmp_path, template_db):
    with Store.open(shutil.copyfile(template_db, tmp_path / "b.sqlite3")) as opened:
        yield opened


def export(store: Store, path, **options):
    export_councils(store, path, [councils.find_council(store, COUNCIL).id], **options)
    return path


def test_forms_answers_and_sub_choices_arrive_as_they_are(pc_a, pc_b, tmp_path):
    path = export(pc_a, tmp_path / "a.xlsx")
    report = import_files(pc_b, [path])
    assert report.sheets["アンケートの回答用紙"].added == 3
    assert report.sheets["アンケートの回答"].added == 4 + 2 + 4
    assert picture(pc_b) == picture(pc_a)
    wb = openpyxl.load_workbook(path, read_only=True)
    header = [c.value for c in next(wb["アンケート"].iter_rows(max_row=1))]
    values = list(next(wb["アンケート"].iter_rows(min_row=2, max_row=2, values_only=True)))
    assert values[header.index("入力のしかた")] == "回答用紙を1枚ずつ入力"
    again = import_files(pc_b, [path])
    assert not again.changed


def test_an_edit_and_a_deleted_form_travel(pc_a, pc_b, tmp_path):
    import_files(pc_b, [export(pc_a, tmp_path / "a.xlsx")])
    with pc_a.session() as s:
        form = s.scalar(select(SurveyResponse).where(SurveyResponse.number == 2))
        s.delete(form)
        answer = s.scalar(select(SurveyAnswer).where(SurveyAnswer.text == "話し相手"))
        answer.text = "話し相手、買い物の付き添い"
    import_files(pc_b, [export(pc_a, tmp_path / "a2.xlsx")])
    assert picture(pc_b) == picture(pc_a)
    assert len(picture(pc_b)["form"]) == 2


def test_an_anonymised_file_holds_back_what_people_wrote(pc_a, pc_b, tmp_path):
    path = export(pc_a, tmp_path / "anon.xlsx", anonymize=True)
    wb = openpyxl.load_workbook(path, read_only=True)
    written = [r for r in wb["アンケートの回答"].iter_rows(values_only=True)]
    assert not any("草むしり" in str(cell) for row in written for cell in row)
    assert not any("電話で確認" in str(cell) for r in wb["アンケートの回答用紙"].iter_rows(values_only=True)
                   for cell in r)
    import_files(pc_b, [path])
    got, sent = picture(pc_b), picture(pc_a)
    assert got["choice"] == sent["choice"] and got["form"] != sent["form"]
    assert [a[1:4] for a in got["answer"]] == [a[1:4] for a in sent["answer"]]
    assert {a[4] for a in got["answer"]} == {""}  # ticks kept, the words held back
    assert {f[4] for f in got["form"]} == {""}


def test_an_answer_pointing_at_another_questions_choice_is_refused(pc_a, pc_b, tmp_path):
    path = export(pc_a, tmp_path / "a.xlsx")
    with pc_a.session() as s:
        other = s.scalar(select(SurveyChoice).where(SurveyChoice.text == "家族の送迎")).id
        single = s.scalar(select(SurveyAnswer).join(SurveyQuestion)
                          .where(SurveyQuestion.kind == "single")).id
    row = find_row(path, "アンケートの回答", "ID", single)
    edit_cells(path, "アンケートの回答", {(row, "選択肢ID"): other})
    before = settled(pc_b)
    with pytest.raises(ImportFailed) as failed:
        import_files(pc_b, [path])
    message = str(failed.value)
    assert "アンケートの回答" in message and f"{row}行目" in message and "この設問の選択肢ではありません" in message
    assert settled(pc_b) == before


def test_a_sub_choice_of_another_question_is_refused(pc_a, pc_b, tmp_path):
    path = export(pc_a, tmp_path / "a.xlsx")
    with pc_a.session() as s:
        yes = s.scalar(select(SurveyChoice).where(SurveyChoice.text == "はい")).id
        car = s.scalar(select(SurveyChoice).where(SurveyChoice.text == "車")).id
    row = find_row(path, "アンケートの選択肢", "ID", car)
    edit_cells(path, "アンケートの選択肢", {(row, "上の選択肢ID"): yes})
    with pytest.raises(ImportFailed) as failed:
        import_files(pc_b, [path])
    assert "上の選択肢ID" in str(failed.value) and f"{row}行目" in str(failed.value)


def test_sub_choices_listed_before_their_choice_still_import(pc_a, pc_b, tmp_path):
    """A sheet sorted by hand in Excel: the children come first, the merge puts parents first."""
    path = export(pc_a, tmp_path / "a.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["アンケートの選択肢"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    header = [c.value for c in ws[1]]
    parent_at = header.index("上の選択肢ID")
    rows.sort(key=lambda r: r[parent_at] is None)
    for number, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            ws.cell(row=number, column=column).value = value
    wb.save(path)
    import_files(pc_b, [path])
    assert picture(pc_b) == picture(pc_a)


def test_a_file_written_before_forms_travelled_still_imports(pc_a, pc_b, tmp_path):
    path = export(pc_a, tmp_path / "old.xlsx")
    wb = openpyxl.load_workbook(path)
    for title in ("アンケートの回答用紙", "アンケートの回答"):
        del wb[title]
    for title, header in (("アンケート", "入力のしかた"), ("アンケートの選択肢", "上の選択肢ID")):
        ws = wb[title]
        column = next(c.column for c in ws[1] if c.value == header)
        ws.delete_cols(column)
    wb.save(path)
    import_files(pc_b, [path])
    got = picture(pc_b)
    assert got["form"] == [] and got["answer"] == []
    assert {s[2] for s in got["survey"]} == {"totals"}  # the old file's surveys were totals
    assert {c[5] for c in got["choice"]} == {None}
