"""The pages of the main window, in side-list order: key, side-list title, and where the class is.

The window lists every page from this table and imports a page's module only when the page is
first shown, so a start loads ホーム alone (printing, exchange and the big tables come later).
A page module, or a package's `__init__`, must export the class named here, with the same `key`
and `title` as its entry (tests/ui/test_startup.py checks every entry).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from app.ui.pages.base import Page


class PageEntry(NamedTuple):  # not a dataclass: this loads before the first paint
    key: str      # the screenshot command's --page, Controller.go_to, tests
    title: str    # the side list and the page's heading
    module: str
    class_name: str

    def load(self) -> type[Page]:
        return getattr(importlib.import_module(self.module), self.class_name)


PAGES = (
    PageEntry("home", "ホーム", "app.ui.pages.home", "HomePage"),
    PageEntry("members", "メンバー", "app.ui.pages.members", "MembersPage"),
    PageEntry("needs", "ニーズ", "app.ui.pages.needs", "NeedsPage"),
    PageEntry("tallies", "集計表", "app.ui.pages.tallies", "TalliesPage"),
    PageEntry("survey", "アンケート", "app.ui.pages.survey", "SurveyPage"),
    PageEntry("resources", "社会資源", "app.ui.pages.resources", "ResourcesPage"),
    PageEntry("meetings", "会議・活動", "app.ui.pages.meetings", "MeetingsPage"),
    PageEntry("trainings", "研修", "app.ui.pages.trainings", "TrainingsPage"),
    PageEntry("proposals", "提言", "app.ui.pages.proposals", "ProposalsPage"),
    PageEntry("print", "印刷", "app.ui.pages.printing", "PrintPage"),
    PageEntry("exchange", "ファイル", "app.ui.pages.exchange", "ExchangePage"),
    PageEntry("settings", "協議体の設定", "app.ui.pages.settings", "SettingsPage"),
    PageEntry("backups", "バックアップ", "app.ui.pages.backups", "BackupsPage"),
    PageEntry("help", "使い方", "app.ui.pages.help", "HelpPage"),
)


def page_classes() -> list[type[Page]]:
    """Every page class, importing every page module (for tests and tools; the window does not)."""
    return [entry.load() for entry in PAGES]
