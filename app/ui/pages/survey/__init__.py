"""アンケート: a council's questionnaires with their counts (page.py), the results table
(table_model.py, delegates.py) and the dialog that records a new one (dialog.py)."""

from app.ui.pages.survey.page import SurveyPage

__all__ = ["SurveyPage"]
