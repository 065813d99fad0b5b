"""社会資源: the council's salons, clubs and services (page.py), the list's model and columns
(table_model.py, columns.py), the add/edit dialog with its schedule editor (dialog.py,
schedule_editor.py), and the 地図 tab (map_tab.py)."""

from app.ui.pages.resources.page import ResourcesPage

__all__ = ["ResourcesPage"]
