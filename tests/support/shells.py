"""Real bash, zsh and fish for the shell tests: ask a fresh interactive shell what it knows."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Optional

from tests.conftest import need

# The venv's own `bootstrap`, linked into ~/.local/bin the way install.sh does it.
BOOTSTRAP = Path(sys.executable).parent / "bootstrap"


def shell_env(home: Path, extra: Optional[dict[str, str]] = None) -> dict[str, str]:
    """The test's environment with a PATH a fresh terminal would have (no ~/.local/bin yet)."""
    path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if p and ".local/bin" not in p)
    return {**os.environ, "HOME": str(home), "PATH": path, "TERM": "dumb", **(extra or {})}


def link_bootstrap(home: Path) -> Path:
    """`bootstrap` in ~/.local/bin, as install.sh leaves it (fish completes only commands it finds)."""
    link = home / ".local" / "bin" / "bootstrap"
    link.parent.mkdir(parents=True, exist_ok=True)
    if not link.exists():
        link.symlink_to(BOOTSTRAP)
    return link


def interactive(
    shell: str, script: str, home: Path, env: Optional[dict[str, str]] = None, cwd: Optional[Path] = None
) -> subprocess.CompletedProcess[str]:
    """Run script in a fresh interactive shell that reads the user's start-up files."""
    binary = need(shell)
    return subprocess.run(
        [binary, "-i", "-c", script],
        capture_output=True,
        text=True,
        env=env or shell_env(home),
        cwd=cwd or home,
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=False,
    )


REGISTERED = {
    "bash": 'for c in {names}; do complete -p "$c" >/dev/null 2>&1 && echo "$c"; done; exit 0',
    "zsh": "for c in {names}; do (( ${{+_comps[$c]}} )) && print -r -- $c; done; exit 0",
    "fish": 'for c in {names}; complete -C"$c " >/dev/null; if complete -c $c | string length -q; echo $c; end; end',
}


def registered(shell: str, names: list[str], home: Path, env: Optional[dict[str, str]] = None) -> set[str]:
    """The commands a fresh interactive shell of this kind has a completion for."""
    result = interactive(shell, REGISTERED[shell].format(names=" ".join(names)), home, env)
    return {line.strip() for line in result.stdout.splitlines() if line.strip()}
