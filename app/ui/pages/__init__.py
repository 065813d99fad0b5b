"""The pages of the main window, in side-list order. Pages not built yet are simply absent."""

from __future__ import annotations

import importlib

from app.ui.pages.base import Page

# (module, class) in the order the side list shows them.
PAGE_CLASSES = (
    ("app.ui.pages.home", "HomePage"),
    ("app.ui.pages.members", "MembersPage"),
    ("app.ui.pages.needs", "NeedsPage"),
    ("app.ui.pages.tallies", "TalliesPage"),
    ("app.ui.pages.survey", "SurveyPage"),
    ("app.ui.pages.resources", "ResourcesPage"),
    ("app.ui.pages.meetings", "MeetingsPage"),
    ("app.ui.pages.trainings", "TrainingsPage"),
    ("app.ui.pages.printing", "PrintPage"),
    ("app.ui.pages.exchange", "ExchangePage"),
    ("app.ui.pages.settings", "SettingsPage"),
    ("app.ui.pages.backups", "BackupsPage"),
    ("app.ui.pages.help", "HelpPage"),
)


def page_classes() -> list[type[Page]]:
    found = []
    for module_name, class_name in PAGE_CLASSES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        found.append(getattr(module, class_name))
    return found
