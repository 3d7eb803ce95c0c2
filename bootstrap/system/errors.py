"""How a command ends badly: bad input (exit 2), a failure (exit 1), work that waits (exit 3), a stop (128 + signal)."""

from __future__ import annotations

from collections.abc import Iterable


class UserError(Exception):
    """Bad input or usage: one plain line, exit code 2, nothing changed."""

    exit_code = 2


class Failure(Exception):
    """Something the user asked for could not be done: exit code 1."""

    exit_code = 1


WAITS_ON = {
    "administrator": "an administrator",
    "network": "the network",
    "trust": "your trust in the team's settings",
    "you": "you",
}


class Deferred(Exception):
    """A step that cannot be done now and is not broken: it waits on someone or something.

    `waits_on` is a key of WAITS_ON; `fix` is the command (or sentence) that does it later.
    A run that deferred steps but failed none exits 3, and the check after applying does not
    count a deferred step as pending.

    `routine` marks what is no change to the computer but the person's own routine, such as
    signing in to AWS SSO (a sign-in expires every day): the run's changes are complete without
    it, so it is listed as the next thing to do and the run still exits 0.
    """

    def __init__(self, waits_on: str, why: str, fix: str = "", routine: bool = False) -> None:
        if waits_on not in WAITS_ON:
            raise ValueError(f"unknown waits_on: {waits_on}")
        super().__init__(why)
        self.waits_on = waits_on
        self.why = why
        self.fix = fix
        self.routine = routine


class Stopped(BaseException):
    """bootstrap was told to stop by a signal (SIGTERM, a closed terminal) while working.

    A BaseException, like KeyboardInterrupt, so that no `except Exception` swallows it and every
    `finally` and `with` on the way out runs (temporary folders are removed).
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
        self.exit_code = 128 + signum


class Cancelled(Exception):
    """The user pressed Ctrl-C at a question."""

    exit_code = 130


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """ "did you mean 'x'? " for the closest option, or "" when nothing is close."""
    import difflib

    close = difflib.get_close_matches(word, list(options), n=1)
    return f"did you mean '{close[0]}'? " if close else ""
