"""The two ways a command ends badly: bad input (exit 2) and a failure (exit 1)."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or usage: one plain line, exit code 2, nothing changed."""

    exit_code = 2


class Failure(Exception):
    """Something the user asked for could not be done: exit code 1."""

    exit_code = 1


class Cancelled(Exception):
    """The user pressed Ctrl-C at a question."""

    exit_code = 130
