"""A real terminal for tests: one tmux server on its own socket, one pane of a given size."""

from __future__ import annotations

import shlex
import subprocess
import time
from pathlib import Path
from typing import Callable, Optional

from tests.conftest import need


class Pane:
    """One pane running `command` (an interactive shell), read back as the person sees it."""

    def __init__(
        self, socket: Path, env: dict[str, str], cwd: Path, command: str, width: int = 80, height: int = 24
    ) -> None:
        self.tmux = need("tmux")
        self.socket = socket
        self.env = {k: v for k, v in env.items() if k != "TMUX"}  # never the test runner's own tmux
        config = socket.with_suffix(".conf")
        config.write_text("set -g history-limit 100000\n")  # whole runs stay readable after scrolling by
        self.config = config
        self.cmd("new-session", "-d", "-x", str(width), "-y", str(height), command, cwd=cwd)

    def cmd(self, *args: str, cwd: Optional[Path] = None) -> str:
        result = subprocess.run(
            [self.tmux, "-S", str(self.socket), "-f", str(self.config), *args],
            capture_output=True,
            text=True,
            env=self.env,
            cwd=cwd,
            timeout=30,
            check=True,
        )
        return result.stdout

    def send(self, *keys: str) -> None:
        self.cmd("send-keys", "-t", "0", *keys)

    def type(self, line: str) -> None:
        """Type a line literally and press Enter."""
        self.cmd("send-keys", "-t", "0", "-l", line)
        self.cmd("send-keys", "-t", "0", "Enter")

    def screen(self, history: bool = False) -> str:
        """The visible screen, or everything the pane has shown (with history)."""
        return self.cmd("capture-pane", "-p", "-J", "-t", "0", *(["-S", "-"] if history else []))

    def wait_until(self, done: Callable[[str], bool], timeout: float, history: bool = False) -> str:
        """The screen once done(screen) holds, or as it is when timeout seconds have passed."""
        deadline = time.monotonic() + timeout
        text = self.screen(history)
        while not done(text) and time.monotonic() < deadline:
            time.sleep(0.2)
            text = self.screen(history)
        return text

    def type_and_tab(self, text: str, expected: str, timeout: float = 20) -> str:
        """Type text and TAB; wait for the line to read `expected`, return the screen's last line."""
        self.send("C-u", text, "Tab")

        def last(screen: str) -> str:
            lines = [row.rstrip() for row in screen.splitlines() if row.strip()]
            return lines[-1] if lines else ""

        return last(self.wait_until(lambda screen: last(screen).endswith(expected), timeout))

    def close(self) -> None:
        subprocess.run(
            [self.tmux, "-S", str(self.socket), "kill-server"], capture_output=True, env=self.env, timeout=30
        )


DONE = "[exit "  # printed after a Terminal's command, with its exit status


class Terminal(Pane):
    """A pane of `columns` x `rows` running one command in a plain sh, not an interactive shell:
    what is tested is the program's screen, not a shell's job control."""

    def __init__(self, socket: Path, env: dict[str, str], cwd: Path, columns: int, rows: int, command: str) -> None:
        script = f'clear; {command}; echo "{DONE}$?]"; exec sleep 600'
        super().__init__(socket, env, cwd, shlex.join(["sh", "-c", script]), width=columns, height=rows)

    def keys(self, *keys: str) -> None:
        """Press keys as tmux names them (`Enter`, `Down`) or type literal text."""
        self.send(*keys)

    def rows(self, history: bool = False) -> list[str]:
        """The rows on the screen now (or since the command started), wrapped rows joined back into one."""
        return [row.rstrip() for row in self.screen(history).splitlines()]

    def history(self) -> list[str]:
        return self.rows(history=True)

    def wait(self, timeout: float = 90) -> int:
        """The command's exit status, once it has finished."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for row in self.history():
                if row.startswith(DONE):
                    return int(row[len(DONE) :].rstrip("]"))
            time.sleep(0.2)
        raise AssertionError("the command did not finish:\n" + "\n".join(self.history()))
