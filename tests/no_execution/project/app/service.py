"""Importing this module creates a file next to it. The linter must still learn, without
running it, that `fetch` and `Client.get` are coroutine functions."""
import os

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "EXECUTED_service"), "w") as f:
    f.write("app/service.py was imported\n")


async def fetch() -> None:
    pass


class Client:
    async def get(self) -> None:
        pass
