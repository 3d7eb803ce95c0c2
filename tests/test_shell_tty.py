"""TAB in a real interactive bash inside tmux: what a new hire sees on the screen."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import bootstrap, need
from tests.support.shells import link_bootstrap, shell_env

PROFILE = "schema: 1\ncomponents:\n  git: {}\n  aws: {}\n  shell: {shells: [bash, zsh, fish]}\n"


class Screen:
    """One tmux server on its own socket, running one interactive bash."""

    def __init__(self, socket: Path, env: dict[str, str], cwd: Path, shell: str = "bash") -> None:
        self.tmux = need("tmux")
        self.socket = socket
        self.env = env
        self.tmux_cmd("new-session", "-d", "-x", "160", "-y", "40", need(shell) + " -i", cwd=cwd)

    def tmux_cmd(self, *args: str, cwd: Path | None = None) -> str:
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

    def type_and_tab(self, text: str, expected: str, timeout: float = 20) -> str:
        """Type text and TAB; wait for the line to read `expected`, return the screen's last line."""
        self.tmux_cmd("send-keys", "-t", "0", "C-u", text, "Tab")
        deadline = time.monotonic() + timeout
        line = ""
        while time.monotonic() < deadline:
            lines = [row.rstrip() for row in self.tmux_cmd("capture-pane", "-p", "-t", "0").splitlines() if row.strip()]
            line = lines[-1] if lines else ""
            if line.endswith(expected):
                break
            time.sleep(0.1)
        return line

    def close(self) -> None:
        subprocess.run(
            [self.tmux, "-S", str(self.socket), "kill-server"], capture_output=True, env=self.env, timeout=30
        )


@pytest.mark.slow
@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_tab_completes_bootstrap_git_and_aws_in_a_real_terminal(tmp_path: Path, home: Path, shell: str) -> None:
    need("git")
    profile = tmp_path / "team.yaml"
    profile.write_text(PROFILE)
    env = {**shell_env(home), "TERM": "xterm-256color"}
    env.pop("TMUX", None)
    link_bootstrap(home)
    result = bootstrap("run", "--yes", "--only", "shell", "--profile", str(profile), env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    screen = Screen(tmp_path / "tmux.sock", env, home, shell)
    try:
        assert screen.type_and_tab("bootstrap doc", "bootstrap doctor").endswith("bootstrap doctor")
        assert screen.type_and_tab("bootstrap profile va", "bootstrap profile validate").endswith(
            "bootstrap profile validate"
        )
        assert screen.type_and_tab("git rebas", "git rebase").endswith("git rebase")  # git's own script
        if shutil.which("aws_completer", path=env["PATH"]) or Path("/usr/libexec/aws_completer").exists():
            assert screen.type_and_tab("aws s3 l", "aws s3 ls").endswith("aws s3 ls")
    finally:
        screen.close()
