"""The survey page's edits of a whole survey, each one undo step through the controller: make
one, make one from last year's, edit its questions, its title and date, switch the way it is
entered (asking first when typed counts or forms would go), delete it."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from app.services import survey_forms, survey_questions, surveys
from app.ui.pages.survey.dialog import SurveyCreateDialog
from app.ui.pages.survey.questions_dialog import QuestionsDialog, copy_dialog
from app.ui.widgets import FormDialog, FormField, confirm_delete


class SurveyActions:
    """Mixed into SurveyPage (which gives controller, store, council_id, current, picker)."""

    def _select(self, survey_id: str) -> None:
        self.picker.setCurrentIndex(self.picker.findData(survey_id))

    def update_fields(self, text: str, result, values: dict):
        """題名, 実施日, 配布数, 回収数, 備考 as one undo step that puts back only those fields (a
        snapshot of the whole survey would copy its 2,745 forms twice, two seconds)."""
        store, survey_id = self.store, result.id
        before = {key: getattr(result, key) for key in values}
        return self.controller.apply(
            text, lambda: surveys.update_survey(store, survey_id, values),
            lambda: surveys.update_survey(store, survey_id, before), areas={"surveys"})

    def create(self) -> SurveyCreateDialog:
        store, council_id = self.store, self.council_id

        def save(raw: dict, questions: list[dict], entry: str):
            created = self.controller.create(
                f"アンケート「{raw['title'] or '（題名なし）'}」を作る", "survey",
                lambda: surveys.create_survey(store, council_id, raw, questions, entry=entry),
                {"surveys"})
            self._select(created.id)
            return created

        return self.open_dialog(SurveyCreateDialog(save, self))

    def copy_last_year(self) -> FormDialog | None:
        listed = self.listed
        if not listed:
            return None
        store = self.store

        def save(source_id: str, values: dict):
            created = self.controller.create(
                f"アンケート「{values['title'] or '（題名なし）'}」を前のアンケートから作る", "survey",
                lambda: survey_questions.copy_survey(store, source_id, values), {"surveys"})
            self._select(created.id)
            return created

        return self.open_dialog(copy_dialog(listed, save, self.current, self))

    def edit_questions(self) -> QuestionsDialog | None:
        result = self.current
        if result is None:
            return None
        store = self.store

        def save(questions: list[dict]):
            return self.controller.update(
                f"アンケート「{result.title}」の問を直す", "survey", result.id,
                lambda: survey_questions.update_questions(store, result.id, questions), {"surveys"})

        return self.open_dialog(QuestionsDialog(result, save, self))

    def edit_details(self) -> FormDialog | None:
        result = self.current
        if result is None:
            return None
        fields = [FormField("title", "題名"), FormField("conducted_on", "実施日", "date"),
                  FormField("note", "備考", "long")]

        def save(values: dict):
            return self.update_fields("アンケートの題名・実施日を直す", result, values)

        return self.open_dialog(FormDialog(
            "アンケートの題名・実施日", fields,
            {"title": result.title, "conducted_on": result.conducted_on, "note": result.note},
            save, self))

    def toggle_entry(self) -> bool:
        result = self.current
        return result is not None and self.switch_entry(
            "totals" if result.entry == "forms" else "forms")

    def switch_entry(self, entry: str, *, ask=None) -> bool:
        """Switch how the survey is entered. When typed counts or forms would go, the service
        says so and the user is asked (`ask(message) -> bool`, a question box by default)."""
        result = self.current
        if result is None:
            return False
        store = self.store
        words = {"forms": "回答用紙を1枚ずつ入力", "totals": "合計を入力"}[entry]
        loss = survey_forms.switch_loss(store, result.id, entry)
        if loss and not (ask or self._ask_switch)(f"{loss}。切り替えますか？"):
            return False
        self.controller.update(
            f"入力のしかたを「{words}」に切り替える", "survey", result.id,
            lambda: survey_forms.set_entry(store, result.id, entry, discard=True), {"surveys"})
        if entry == "forms":
            self.tabs.setCurrentWidget(self.forms_tab)
        return True

    def _ask_switch(self, message: str) -> bool:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("入力のしかたを変える")
        box.setText(message)
        box.setInformativeText("切り替えても「元に戻す」（Ctrl+Z）で戻せます。")
        yes = box.addButton("切り替える", QMessageBox.ButtonRole.DestructiveRole)
        no = box.addButton("やめる", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(no)
        box.exec()
        return box.clickedButton() is yes

    def delete_current(self) -> None:
        result = self.current
        if result is None:
            return
        forms = f"・回答用紙{result.forms:,}枚" if result.forms else ""
        if not confirm_delete(self, f"アンケート「{result.title}」（問{len(result.questions)}つと"
                                    f"その結果{forms}）"):
            return
        store = self.store
        self.controller.delete(f"アンケート「{result.title}」を削除", "survey", result.id,
                               lambda: surveys.delete_survey(store, result.id), {"surveys"})
