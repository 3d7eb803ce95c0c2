"""One terminal a person types into: a tmux pane, 80 columns, running an interactive bash.

The pane's shell keeps its PATH for its whole life, as a real terminal does: what a program
started in it prints must work when typed into that same pane.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from tests.conftest import need
from tests.support import tmux

DONE = re.compile(r"exit=(\d+)")


class Pane(tmux.Pane):
    """A tmux server on its own socket with one bash (no start-up files: the PATH given is kept)."""

    def __init__(self, socket: Path, env: dict[str, str], cwd: Path) -> None:
        super().__init__(socket, env, cwd, f"{need('bash')} --norc --noprofile -i")
        self.runs = 0

    def screen(self, history: bool = True) -> str:
        """Everything the pane has shown, scrollback included, lines joined where the pane wrapped them."""
        return super().screen(history)

    def type(self, line: str, timeout: float = 600) -> tuple[str, int]:  # type: ignore[override]
        """Type a command line and Enter, as a person would; wait until it ends.

        Returns what the command printed and its exit status (echoed by the shell after it).
        """
        self.runs += 1
        # the marker as printed (=== 1001 ===) differs from the marker as typed ($((1000 + 1)))
        marker = f"=== {1000 + self.runs} ==="
        super().type(f'echo "=== $((1000 + {self.runs})) ==="; {line}; echo "exit=$?"')
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.screen()
            start = shown.rfind(marker)
            if start >= 0:
                found = DONE.search(shown, start + len(marker))
                if found:
                    return shown[start + len(marker) : found.start()], int(found.group(1))
            time.sleep(0.3)
        raise AssertionError(f"`{line}` did not finish in {timeout}s; the pane shows:\n{self.screen()}")


def last_instruction(printed: str) -> str:
    """The command in the last line that tells the person what to type (`...: COMMAND`)."""
    lines = [line.strip() for line in printed.splitlines() if line.strip()]
    assert lines, "nothing was printed"
    last = lines[-1]
    assert ": " in last, f"the last line is not an instruction: {last!r}"
    return last.rsplit(": ", 1)[1].strip("`")
