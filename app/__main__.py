"""`python -m app`: no subcommand opens the window; subcommands run headless (see app.cli)."""

import sys

from app.cli import main

if __name__ == "__main__":
    sys.exit(main())
