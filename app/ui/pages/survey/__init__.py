"""アンケート: a council's questionnaires (page.py), the results table (table_model.py,
delegates.py), the dialogs that make a survey and edit its questions (dialog.py,
questions_dialog.py), the survey-wide edits (actions.py), the forms entered one by one from the
keyboard (forms_tab.py, entry_dialog.py, entry.py) and the results read across them
(results_tabs.py)."""

from app.ui.pages.survey.page import SurveyPage

__all__ = ["SurveyPage"]
