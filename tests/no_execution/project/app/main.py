"""Imports from a module whose import has a side effect; linting this must not trigger it."""
from app import service
from app.service import Client

from .service import fetch


async def main() -> None:
    fetch()  # noqa: AIO100 (expected with --disable-noqa: a coroutine from another module)
    service.fetch()  # noqa: AIO100
    await Client().get()
