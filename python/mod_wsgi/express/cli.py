"""The `mod_wsgi-express` console script: runs the bundled program with the same arguments, in an
environment that names this Python's prefix (see programs.express_environment)."""
import os
import sys

from . import programs


def main():
    try:
        program = programs.express_program()
    except programs.MissingProgram as error:
        sys.exit(f"mod_wsgi-express: {error}")
    os.execve(program, sys.argv, programs.express_environment())
