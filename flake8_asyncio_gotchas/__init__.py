"""flake8-asyncio-gotchas: the asyncio mistakes that otherwise show only at runtime."""
from __future__ import annotations

__version__ = "0.1.0"

from .plugin import Plugin  # noqa: E402

__all__ = ["Plugin", "__version__"]
