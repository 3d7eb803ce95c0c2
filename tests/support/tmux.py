"""A real terminal of a given size (tmux on its own socket) running one command, read as a person would."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from tests.conftest import need

DONE = "[exit "  # printed after the command, with its exit status


class Terminal:
    """One tmux server, one window of `columns` x `rows`, running `command` in a plain sh.

    No interactive shell: what is tested is the program's screen, not a shell's job control.
    """

    def __init__(self, socket: Path, env: dict[str, str], cwd: Path, columns: int, rows: int, command: str) -> None:
        self.tmux = need("tmux")
        self.socket = socket
        self.env = {k: v for k, v in env.items() if k != "TMUX"}
        script = f'clear; {command}; echo "{DONE}$?]"; exec sleep 600'
        self.run("new-session", "-d", "-x", str(columns), "-y", str(rows), "sh", "-c", script, cwd=cwd)

    def run(self, *args: str, cwd: Path | None = None) -> str:
        result = subprocess.run(
            [self.tmux, "-S", str(self.socket), "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            env=self.env,
            cwd=cwd,
            timeout=30,
            check=True,
        )
        return result.stdout

    def keys(self, *keys: str) -> None:
        """Press keys as tmux names them (`Enter`, `Down`) or type literal text."""
        self.run("send-keys", "-t", "0", *keys)

    def screen(self) -> list[str]:
        """The rows on the screen now, the rows the terminal wrapped joined back into one."""
        return [row.rstrip() for row in self.run("capture-pane", "-p", "-J", "-t", "0").splitlines()]

    def history(self) -> list[str]:
        """Every row since the command started, scrolled off or not (wrapped rows joined)."""
        return [row.rstrip() for row in self.run("capture-pane", "-p", "-J", "-S", "-", "-t", "0").splitlines()]

    def wait(self, timeout: float = 90) -> int:
        """The command's exit status, once it has finished."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for row in self.history():
                if row.startswith(DONE):
                    return int(row[len(DONE) :].rstrip("]"))
            time.sleep(0.2)
        raise AssertionError("the command did not finish:\n" + "\n".join(self.history()))

    def close(self) -> None:
        subprocess.run(
            [self.tmux, "-S", str(self.socket), "kill-server"], capture_output=True, env=self.env, timeout=30
        )
