"""The one way to run a program: an argv list, an explicit environment, a timeout, captured output."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Union

NOT_FOUND = 127
TIMED_OUT = 124


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
        if check and not result.ok:
            raise ProcError(result)
        return result
