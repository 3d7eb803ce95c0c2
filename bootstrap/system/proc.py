"""The one way to run a program: an argv list, an explicit environment, a timeout, captured output.

A program whose output is captured never gets the person's terminal: it runs in a session of its
own (no controlling terminal, standard input from /dev/null). An interactive shell started to probe
the person's set-up (`bash -i`) would otherwise take the terminal away from the shell bootstrap was
started from, and job control would stop bootstrap (`[1]+ Stopped`). Every such program is known
while it runs, so that a timeout, Ctrl-C or SIGTERM ends its whole session, grandchildren included.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NoReturn, Optional, Union

from bootstrap.system.errors import Stopped, UserError

NOT_FOUND = 127
TIMED_OUT = 124
GRACE = 1.0  # seconds an interrupted program gets to end on its own before it is killed
REASON_LINES = 8  # the most lines of a program's own words a failure shows; the log has them all
LINE_WIDTH = 300  # a line longer than this is cut (a minified JSON blob explains nothing)
LOGS_KEPT = 20  # the newest logs of failed programs kept in the state folder
# What programs print while they work, not why they failed: git's transfer counters, pip's and
# uv's download bars, apt's reading of its lists.
NOISE = re.compile(
    r"^(Cloning into |remote: (Enumerating|Counting|Compressing|Total)|Receiving objects|Resolving deltas"
    r"|Updating files|Reading (package lists|state information)|Building dependency tree"
    r"|Downloading |Collecting |Using cached |[\s\d.%|#=>-]*$|[━╸╺─█▏▎▍▌▋▊▉░▒▓■#= ]{10,})"
)
# `https://user:token@host/...` in a command line or in what it printed: the token never reaches a log
URL_SECRET = re.compile(r"(\b[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]+):[^@\s/]+@")
_serial = itertools.count(1)


def redact(text: str) -> str:
    return URL_SECRET.sub(r"\1:***@", text)


def reason(output: str) -> list[str]:
    """The lines of a program's output that say why it failed: the last few meaningful ones.

    Blank lines, progress counters and carriage-return animations are dropped (only a line's
    final state counts), long lines are cut, and a block like git's "detected dubious ownership"
    with its `git config --global --add safe.directory ...` hint comes through whole.
    """
    lines = []
    for raw in output.replace("\r\n", "\n").split("\n"):
        line = raw.rsplit("\r", 1)[-1].strip()
        if not line or NOISE.match(line):
            continue
        lines.append(line if len(line) <= LINE_WIDTH else line[: LINE_WIDTH - 1] + "…")
    return [redact(line) for line in lines[-REASON_LINES:]]


@dataclass(frozen=True)
class Result:
    """What a finished program left behind."""

    argv: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    duration_ms: int
    # where explain() keeps the whole output of a failure (None: nowhere), and the home to show as ~
    log_dir: Optional[Path] = field(default=None, compare=False, repr=False)
    home: str = field(default="", compare=False, repr=False)

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def command(self) -> str:
        return shlex.join(self.argv)

    def explain(self) -> str:
        """For a person: the command, the lines of its own output that say why, and its log.

        One reason line stays on the command's line; several follow it, indented. The whole
        output (never the environment) is saved the first time a failure is explained, so only
        failures someone is shown leave a log.
        """
        if self.returncode == NOT_FOUND:
            return f"`{self.argv[0]}` is not installed (or not on PATH)"
        shown = redact(self.command)
        if self.returncode == TIMED_OUT:
            return f"`{shown}` did not finish in time"
        said = reason(self.stderr) or reason(self.stdout)
        log = self._log()
        where = f" (its whole output: {log})" if log else ""
        head = f"`{shown}` failed with exit code {self.returncode}"
        if len(said) <= 1:
            return head + (f": {said[0]}" if said else "") + where
        return head + ":\n" + "\n".join(f"  {line}" for line in said) + ("\n " + where if where else "")

    def _log(self) -> str:
        """The log of this failure, written once, as the person is shown it (with ~)."""
        if self.log_dir is None or not (self.stdout.strip() or self.stderr.strip()):
            return ""
        written = self.__dict__.get("_written")
        if written is None:
            written = _write_log(self, self.log_dir) or ""
            object.__setattr__(self, "_written", written)  # frozen: a cache, not state
        if self.home and (written == self.home or written.startswith(self.home.rstrip("/") + "/")):
            return "~" + written[len(self.home.rstrip("/")) :]
        return written


def _write_log(result: Result, folder: Path) -> Optional[str]:
    """Save argv and output (mode 0600, secrets in URLs masked) and keep only the newest logs."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(result.argv[0]).name)[:40] or "program"
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = folder / f"{stamp}-{os.getpid()}-{next(_serial)}-{name}.log"
    text = (
        f"$ {result.command}\nexit code {result.returncode} after {result.duration_ms} ms\n"
        f"--- standard output ---\n{result.stdout}\n--- standard error ---\n{result.stderr}\n"
    )
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", errors="replace") as out:
            out.write(redact(text))
    except OSError:
        return None  # a failure is still explained when its log cannot be kept
    prune_logs(folder)
    return str(path)


def prune_logs(folder: Path, keep: int = LOGS_KEPT) -> None:
    """Remove all but the newest `keep` logs (concurrent doctor checks may race: that is fine)."""
    try:
        logs = sorted(folder.glob("*.log"), key=lambda p: (p.stat().st_mtime, p.name), reverse=True)
    except OSError:
        return
    for old in logs[keep:]:
        with contextlib.suppress(OSError):
            old.unlink()


class ProcError(Exception):
    """A program that had to succeed did not."""

    def __init__(self, result: Result) -> None:
        super().__init__(result.explain())
        self.result = result


class Runner:
    """Runs programs with the context's environment, never the interpreter's by accident."""

    def __init__(self, env: Mapping[str, str], log_dir: Optional[Path] = None) -> None:
        self.env = dict(env)
        self.log_dir = log_dir  # where a failure's whole output is kept once it is explained

    def which(self, name: str) -> Optional[str]:
        return shutil.which(name, path=self.env.get("PATH", os.defpath))

    def replace_with(self, argv: Sequence[str], env: Mapping[str, str]) -> NoReturn:
        """Become `argv` (exec), with exactly `env`: its exit code, signals and terminal are its
        own, and no parent lingers holding what was put in its environment. Bad input (exit 2)
        when the program cannot be found, before anything runs."""
        name = argv[0]
        program = self.which(name) if "/" not in name else name
        if program is None or not os.access(program, os.X_OK) or os.path.isdir(program):
            raise UserError(f"{name}: command not found (or not executable); nothing was run")
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(program, list(argv), dict(env))  # noqa: S606 - argv as given, no shell

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
        result = replace(result, log_dir=self.log_dir, home=self.env.get("HOME", ""))  # for explain()
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
