"""Importing the package creates a file next to it."""
import os

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "EXECUTED_package"), "w") as f:
    f.write("app/__init__.py was imported\n")
