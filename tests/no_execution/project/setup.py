"""Running this creates a file: the linter only checks that it exists (a project marker)."""
with open("EXECUTED_setup_py", "w") as stream:
    stream.write("setup.py was run\n")
