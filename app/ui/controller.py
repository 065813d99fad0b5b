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
         "resources", "meetings", "proposals")


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


class _Stack(QUndoStack):
    """Undo and redo tell the pages once, whatever the step holds (a `several` step may be
    hundreds of rows, each of which would otherwise refresh every page)."""

    def __init__(self, controller: Controller) -> None:
        super().__init__(controller)
        self._controller = controller

    def undo(self) -> None:
        with self._controller._holding(f"元に戻しました: {self.undoText()}"):
            super().undo()

    def redo(self) -> None:
        with self._controller._holding(f"やり直しました: {self.redoText()}"):
            super().redo()


class Controller(QObject):
    changed = Signal(frozenset)   # areas whose data changed
    council_changed = Signal(str)
    message = Signal(str)         # for the status bar
    failed = Signal(str)          # an error the user must see (undo/redo that could not run)
    go_to = Signal(str)           # a page asks the window to show another page (its key)

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.undo_stack: QUndoStack = _Stack(self)
        self.council_id: str | None = None
        self.practice = False  # the practice database (demo data), never the real one
        # Inside several() or an undo/redo: the areas of each edit done, told once at the end.
        self._held: list[frozenset[str]] | None = None

    # --- council and preferences ---------------------------------------------------------
    def set_council(self, council_id: str | None, *, keep_undo: bool = False) -> None:
        """`keep_undo`: the switch follows a step on councils themselves (added, deleted), which
        stays undoable; otherwise undo steps belong to the council they were made in."""
        if council_id == self.council_id:
            return
        self.council_id = council_id
        if not keep_undo:
            self.forget_steps()
        if council_id:
            preferences.put(self.store, "last_council", council_id)
        self.council_changed.emit(council_id or "")

    def preference(self, key: str, default: str = "") -> str:
        return preferences.get(self.store, key, default)

    def set_preference(self, key: str, value: str, areas: Iterable[str] = ()) -> None:
        """`areas`: the pages that show this preference (ホーム's first steps) read again."""
        preferences.put(self.store, key, value)
        if areas:
            self.changed.emit(frozenset(areas))

    # --- data changed outside the undo steps ------------------------------------------------
    def forget_steps(self) -> None:
        """The steps made so far could not run any more (their council is gone or no longer
        shown, or the rows they refer to were replaced): they are dropped."""
        self.undo_stack.clear()

    def replaced(self, areas: Iterable[str] = (), text: str = "") -> None:
        """The data was replaced from outside the undo steps (files read in, a backup restored,
        a conflict decided): older steps are dropped and the pages of `areas` (none named:
        every page and the council list) read again; `text` goes to the status bar."""
        self.forget_steps()
        self.changed.emit(frozenset(areas))
        if text:
            self.message.emit(text)

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
        if self._held is not None:
            self._held.append(areas)
            return
        self.message.emit(text)
        self.changed.emit(areas)

    @contextlib.contextmanager
    def _holding(self, text: str) -> Iterator[None]:
        """Edits done inside say `text` and tell the pages once, at the end (an edit that named
        no area means every area, as in `_done`); nothing is said when none was done."""
        if self._held is not None:  # inside another hold: that one tells
            yield
            return
        self._held = []
        try:
            yield
        finally:
            held, self._held = self._held, None
            if held:
                self.message.emit(text)
                self.changed.emit(frozenset() if not all(held) else frozenset().union(*held))

    @contextlib.contextmanager
    def several(self, text: str) -> Iterator[None]:
        """Edits made inside are one undo step (one Ctrl+Z undoes them all) and one change
        signal at the end, so pages refresh once for a multi-row edit; so do its undo and redo
        (`_Stack`)."""
        with self._holding("保存しました"):
            self.undo_stack.beginMacro(text)
            try:
                yield
            finally:
                self.undo_stack.endMacro()
