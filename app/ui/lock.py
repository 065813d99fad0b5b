"""The old name of privacy_guard.py and passcode.py, kept only for main_window.py and
pages/backups.py until they import those (then this file goes). Its install_privacy still
leaves the guard on the controller, because main_window._switch_to reads it from there."""

from app.ui.passcode import passcode_dialog, remove_passcode_dialog, unlock_at_start
from app.ui.privacy_guard import PrivacyGuard, privacy_guard, reveal_state
from app.ui.privacy_guard import install_privacy as _install

__all__ = ["install_privacy", "passcode_dialog", "privacy_guard", "remove_passcode_dialog",
           "reveal_state", "unlock_at_start"]


def install_privacy(window, controller, *, idle_ms: int | None = None) -> PrivacyGuard:
    guard = _install(window, controller, idle_ms=idle_ms)
    controller.privacy_guard = guard
    return guard
