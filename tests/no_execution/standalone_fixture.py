"""Importing or running this module creates files named EXECUTED_* next to it (or in the
current directory). The linter must read it, report the bug in `main`, and create nothing."""
import atexit
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def leave_a_mark(what: str) -> str:
    with open(os.path.join(HERE, "EXECUTED_" + what), "w") as stream:
        stream.write("this code was run by whatever read it\n")
    with open("EXECUTED_IN_CWD_" + what, "w") as stream:
        stream.write("this code was run by whatever read it\n")
    return what


leave_a_mark("module")
atexit.register(leave_a_mark, "atexit")


def decorator(function):
    leave_a_mark("decorator")
    return function


class Meta(type):
    def __new__(mcs, name, bases, namespace):
        leave_a_mark("metaclass")
        return super().__new__(mcs, name, bases, namespace)


class Base(metaclass=Meta):
    leave_a_mark("class_body")

    def __init_subclass__(cls) -> None:
        leave_a_mark("init_subclass")


class Child(Base):
    pass


ANNOTATION = "annotation"


@decorator
def defined(argument: leave_a_mark(ANNOTATION) = leave_a_mark("default")) -> None:
    leave_a_mark("function_body")


async def fetch() -> None:
    pass


async def main() -> None:
    fetch()  # noqa: AIO100 (the finding the test expects, with --disable-noqa)


if __name__ == "__main__":
    leave_a_mark("main_block")
