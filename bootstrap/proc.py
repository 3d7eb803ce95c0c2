"""The one way to run a program: an argv list, an explicit environment, a timeout, captured output.

A program whose output is captured never gets the person's terminal: it runs in a session of its
own (no controlling terminal, standard input from /dev/null). An interactive shell started to probe
the person's set-up (`bash -i`) would otherwise take the terminal away from the shell bootstrap was
started from, and job control would stop bootstrap (`[1]+ Stopped`). Every such program is known
while it runs, so that a timeout, Ctrl-C or SIGTERM ends its whole session, grandchildren included.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Union

from bootstrap.errors import Stopped

NOT_FOUND = 127
TIMED_OUT = 124
GRACE = 1.0  # seconds an interrupted program gets to end on its own before it is killed


@dataclass(frozen=True)
class Result:
    """What a finished program left behind."""

    argv: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def command(self) -> str:
        return shlex.join(self.argv)

    def explain(self) -> str:
        """One line for a person: the command, and the last thing it said."""
        said = (self.stderr.strip() or self.stdout.strip()).splitlines()
        last = said[-1] if said else ""
        if self.returncode == NOT_FOUND:
            return f"`{self.argv[0]}` is not installed (or not on PATH)"
        if self.returncode == TIMED_OUT:
            return f"`{self.command}` did not finish in time"
        tail = f": {last}" if last else ""
        return f"`{self.command}` failed with exit code {self.returncode}{tail}"


class ProcError(Exception):
    """A program that had to succeed did not."""

    def __init__(self, result: Result) -> None:
        super().__init__(result.explain())
        self.result = result


class Runner:
    """Runs programs with the context's environment, never the interpreter's by accident."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = dict(env)

    def which(self, name: str) -> Optional[str]:
        return shutil.which(name, path=self.env.get("PATH", os.defpath))

    def run(
        self,
        argv: Sequence[Union[str, Path]],
        *,
        env: Optional[Mapping[str, str]] = None,
        cwd: Optional[Path] = None,
        timeout: float = 60.0,
        input: Optional[str] = None,
        check: bool = False,
        interactive: bool = False,
        prompts: bool = False,
    ) -> Result:
        """Run argv; `env` adds to (never replaces) the context's environment.

        With `interactive`, the program talks to the user's terminal directly (a browser
        login, a passphrase prompt) and nothing is captured. With `prompts`, its output is
        captured but it keeps the terminal to ask there (git's password or host key question).
        Any other program runs in a session of its own, without a terminal.
        """
        args = tuple(str(a) for a in argv)
        full_env = {**self.env, **(env or {})}
        started = time.monotonic()
        if LIVE.stopping is not None:
            raise Stopped(LIVE.stopping)  # bootstrap is ending: start nothing new
        try:
            if interactive:
                code = subprocess.run(args, env=full_env, cwd=cwd, timeout=timeout, check=False).returncode
                out, err = "", ""
            else:
                out, err, code = _captured(args, full_env, cwd, timeout, input, own_session=not prompts)
        except FileNotFoundError:
            out, err, code = "", f"{args[0]}: command not found", NOT_FOUND
        except subprocess.TimeoutExpired:
            out, err, code = "", f"timed out after {timeout:g} s", TIMED_OUT
        if LIVE.stopping is not None:
            raise Stopped(LIVE.stopping)  # what a program ended by us said is no answer
        result = Result(args, code, out, err, int((time.monotonic() - started) * 1000))
        if check and not result.ok:
            raise ProcError(result)
        return result


def _captured(
    args: tuple[str, ...],
    env: dict[str, str],
    cwd: Optional[Path],
    timeout: float,
    input: Optional[str],
    own_session: bool,
) -> tuple[str, str, int]:
    with subprocess.Popen(
        args,
        env=env,
        cwd=cwd,
        stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
        start_new_session=own_session,
    ) as child:
        try:
            LIVE.add(child, own_session)
            out, err = child.communicate(input, timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(child, own_session, signal.SIGKILL)
            _drain(child)
            raise
        except BaseException:  # Ctrl-C, SIGTERM, SIGHUP: the program and everything it started end too
            LIVE.end({child: own_session})
            _drain(child)
            raise
        finally:
            LIVE.remove(child)
        return out, err, child.returncode


def _drain(child: subprocess.Popen[str]) -> None:
    # A program that escaped the session (a daemon) may hold the pipes open: do not wait on it.
    with contextlib.suppress(subprocess.TimeoutExpired, OSError, ValueError):
        child.communicate(timeout=GRACE)


def _kill(child: subprocess.Popen[str], own_session: bool, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if own_session:
            os.killpg(child.pid, signum)  # its session's process group: grandchildren too
        elif child.poll() is None:
            child.send_signal(signum)  # it shares bootstrap's process group


class Live:
    """The programs running right now, so that bootstrap can end them all when it is stopped.

    A thread waiting for a program cannot be interrupted (only the main thread sees Ctrl-C or
    SIGTERM): ending the program is what lets the thread return and clean up after itself.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._children: dict[subprocess.Popen[str], bool] = {}
        self.stopping: Optional[int] = None  # the signal bootstrap was stopped by

    def add(self, child: subprocess.Popen[str], own_session: bool) -> None:
        with self._lock:
            self._children[child] = own_session
            late = self.stopping is not None  # started by a thread while bootstrap was being stopped
        if late:
            self.end({child: own_session})

    def remove(self, child: subprocess.Popen[str]) -> None:
        with self._lock:
            self._children.pop(child, None)

    def stop(self, signum: int) -> None:
        """bootstrap is ending: no program starts any more, and every running one ends."""
        with self._lock:
            self.stopping = signum
            children = dict(self._children)
        self.end(children)

    def end(self, sessions: dict[subprocess.Popen[str], bool]) -> None:
        """Ask each program (with its session, when it has its own) to end: an interactive shell
        ignores SIGTERM but not a hang-up. Give them a moment, then kill whatever is left."""
        for child, own in sessions.items():
            _kill(child, own, signal.SIGHUP)
            _kill(child, own, signal.SIGTERM)
        deadline = time.monotonic() + GRACE
        while time.monotonic() < deadline and any(child.poll() is None for child in sessions):
            time.sleep(0.02)
        for child, own in sessions.items():
            _kill(child, own, signal.SIGKILL)


LIVE = Live()
