"""Fixtures of the survey tests: a council's 町内会 and a survey entered form by form."""

from __future__ import annotations

import pytest

from app.services import neighbourhoods, surveys
from tests.services.survey_data import QUESTIONS


@pytest.fixture
def areas(store, council):
    return [neighbourhoods.create_neighbourhood(store, council.id, {"name": n}).id
            for n in ("本町1", "本町2", "本町3")]


@pytest.fixture
def survey(store, council, areas):
    return surveys.create_survey(store, council.id, {"title": "困りごと", "distributed": "10"},
                                 QUESTIONS, entry="forms")
