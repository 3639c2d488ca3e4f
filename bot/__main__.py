"""Entry point for ``python -m bot`` and the ``chuangye-bot`` console script."""

from __future__ import annotations

import sys

from bot.shell.cli import main as _cli_main


def main() -> None:
    """Run the command line and exit with its status."""
    sys.exit(_cli_main())


if __name__ == "__main__":
    main()
