"""`python -m app` and the `sasaeai` command: no subcommand opens the window; subcommands run
headless (see app.cli).

Starting the window skips the command-line parser and its imports: a volunteer waits for the
first paint, and every hundredth of a second there counts.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path


def window_database(argv: Sequence[str]) -> tuple[bool, Path | None]:
    """(True, db) when the arguments only ask for the window, with or without --db."""
    if not argv:
        return True, None
    if len(argv) == 2 and argv[0] == "--db" and not argv[1].startswith("-"):
        return True, Path(argv[1])
    if len(argv) == 1 and argv[0].startswith("--db=") and len(argv[0]) > 5:
        return True, Path(argv[0][5:])
    return False, None


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    only_window, db = window_database(args)
    if only_window:
        from app.ui.main import run_window

        return run_window(db)
    from app.cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
