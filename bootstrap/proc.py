"""The one way to run a program: an argv list, an explicit environment, a timeout, captured output."""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import shlex
import shutil
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Optional, Union

NOT_FOUND = 127
TIMED_OUT = 124
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
    ) -> Result:
        """Run argv; `env` adds to (never replaces) the context's environment.

        With `interactive`, the program talks to the user's terminal directly (a browser
        login, a passphrase prompt) and nothing is captured.
        """
        args = tuple(str(a) for a in argv)
        full_env = {**self.env, **(env or {})}
        started = time.monotonic()
        try:
            if interactive:
                code = subprocess.run(args, env=full_env, cwd=cwd, timeout=timeout, check=False).returncode
                out, err = "", ""
            else:
                captured = subprocess.run(
                    args,
                    env=full_env,
                    cwd=cwd,
                    timeout=timeout,
                    input=input,
                    stdin=None if input is not None else subprocess.DEVNULL,
                    capture_output=True,
                    text=True,
                    errors="replace",
                    check=False,
                )
                out, err, code = captured.stdout, captured.stderr, captured.returncode
        except FileNotFoundError:
            out, err, code = "", f"{args[0]}: command not found", NOT_FOUND
        except subprocess.TimeoutExpired:
            out, err, code = "", f"timed out after {timeout:g} s", TIMED_OUT
        result = Result(args, code, out, err, int((time.monotonic() - started) * 1000))
        result = replace(result, log_dir=self.log_dir, home=self.env.get("HOME", ""))  # for explain()
        if check and not result.ok:
            raise ProcError(result)
        return result
