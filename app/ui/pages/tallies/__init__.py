"""集計表: the two crosstabs あんしんセンター hands over, typed into or pasted from Excel
(page.py), shown in a grid with a frozen first column and 合計 row (grid.py) over a sheet model
(table_model.py)."""

from app.ui.pages.tallies.page import TalliesPage

__all__ = ["TalliesPage"]
