"""The one place every edit from the window goes through.

It runs the service call, records an undo step (QUndoCommand that calls services, never
widgets), says 保存しました, and tells the pages which areas of data changed. Views hold DTOs
only: no database session, no SQLAlchemy.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from app.errors import UserError
from app.services import preferences, snapshots
from app.store import Store

# Areas a page can listen to; an edit names the ones it touched.
AREAS = ("council", "neighbourhoods", "members", "trainings", "needs", "tallies", "surveys",
         "resources", "meetings")


class _Step(QUndoCommand):
    """An edit already carried out once; later redo/undo call the services again."""

    def __init__(self, controller: Controller, text: str, redo: Callable[[], Any],
                 undo: Callable[[], Any], areas: frozenset[str]) -> None:
        super().__init__(text)
        self._controller, self._redo, self._undo, self._areas = controller, redo, undo, areas
        self._first = True

    def redo(self) -> None:
        if self._first:  # the edit itself already ran in Controller.apply
            self._first = False
            return
        self._controller._guarded(self._redo, self._areas, f"やり直しました: {self.text()}")

    def undo(self) -> None:
        self._controller._guarded(self._undo, self._areas, f"元に戻しました: {self.text()}")


class Controller(QObject):
    changed = Signal(frozenset)   # areas whose data changed
    council_changed = Signal(str)
    message = Signal(str)         # for the status bar
    failed = Signal(str)          # an error the user must see (undo/redo that could not run)
    go_to = Signal(str)           # a page asks the window to show another page (its key)

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.undo_stack = QUndoStack(self)
        self.council_id: str | None = None
        self.practice = False  # the practice database (demo data), never the real one
        self._held: set[str] | None = None  # areas changed inside several(), told once at its end

    # --- council and preferences ---------------------------------------------------------
    def set_council(self, council_id: str | None, *, keep_undo: bool = False) -> None:
        """`keep_undo`: the switch follows a step on councils themselves (added, deleted), which
        stays undoable; otherwise undo steps belong to the council they were made in."""
        if council_id == self.council_id:
            return
        self.council_id = council_id
        if not keep_undo:
            self.undo_stack.clear()
        if council_id:
            preferences.put(self.store, "last_council", council_id)
        self.council_changed.emit(council_id or "")

    def preference(self, key: str, default: str = "") -> str:
        return preferences.get(self.store, key, default)

    def set_preference(self, key: str, value: str) -> None:
        preferences.put(self.store, key, value)

    # --- edits ------------------------------------------------------------------------------
    def apply(self, text: str, do: Callable[[], Any], undo: Callable[[], Any],
              redo: Callable[[], Any] | None = None, areas: Iterable[str] = ()) -> Any:
        """Run `do` now; a UserError propagates (the dialog shows it at the field) and
        nothing is recorded. On success the step goes on the undo stack."""
        result = do()
        area_set = frozenset(areas)
        self.undo_stack.push(_Step(self, text, redo or do, undo, area_set))
        self._done(area_set, "保存しました")
        return result

    def create(self, text: str, table: str, create: Callable[[], Any],
               areas: Iterable[str]) -> Any:
        """Undo deletes the new row; redo brings the very same row back (same id)."""
        dto = create()
        held: dict[str, snapshots.Snapshot] = {}

        def undo() -> None:
            held["snap"] = snapshots.capture(self.store, table, dto.id)
            snapshots.delete(self.store, table, dto.id)

        return self.apply(text, lambda: dto, undo, lambda: snapshots.restore(self.store, held["snap"]),
                          areas)

    def update(self, text: str, table: str, row_id: str, update: Callable[[], Any],
               areas: Iterable[str]) -> Any:
        """Undo puts the row and its dependent rows (roles, cells...) back exactly."""
        before = snapshots.capture(self.store, table, row_id)
        held: dict[str, snapshots.Snapshot] = {}

        def do() -> Any:
            result = update()
            held["after"] = snapshots.capture(self.store, table, row_id)
            return result

        return self.apply(text, do, lambda: snapshots.revert(self.store, before),
                          lambda: snapshots.revert(self.store, held["after"]), areas)

    def delete(self, text: str, table: str, row_id: str, remove: Callable[[], Any],
               areas: Iterable[str]) -> None:
        """`remove` is the area service's delete, so its rules (a provider keeps a completed
        training, ...) hold; undo puts the row and what it took with it back exactly."""
        snap = snapshots.capture(self.store, table, row_id)
        self.apply(text, remove, lambda: snapshots.restore(self.store, snap), areas=areas)

    def _guarded(self, fn: Callable[[], Any], areas: frozenset[str], done: str) -> None:
        try:
            fn()
        except UserError as exc:
            self.failed.emit(str(exc))
            return
        self._done(areas, done)

    def _done(self, areas: frozenset[str], text: str) -> None:
        self.message.emit(text)
        if self._held is not None:
            self._held |= areas
            return
        self.changed.emit(areas)

    @contextlib.contextmanager
    def several(self, text: str) -> Iterator[None]:
        """Edits made inside are one undo step (one Ctrl+Z undoes them all) and one change
        signal at the end, so pages refresh once for a multi-row edit."""
        outer = self._held is None
        if outer:
            self._held = set()
        self.undo_stack.beginMacro(text)
        try:
            yield
        finally:
            self.undo_stack.endMacro()
            if outer:
                areas, self._held = frozenset(self._held or ()), None
                if areas:
                    self.changed.emit(areas)
