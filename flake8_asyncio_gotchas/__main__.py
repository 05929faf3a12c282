"""`python -m flake8_asyncio_gotchas fix ...`: the same command as `flake8-asyncio-gotchas`."""
import sys

from .fix.cli import main

if __name__ == "__main__":
    sys.exit(main())
