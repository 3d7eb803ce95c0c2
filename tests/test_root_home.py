"""Logged in as root with root's own home: one warning before anything else, never a question.

Nothing here may write to root's real home: the runs stop at a question (Ctrl-C) or at bad
input, before anything is changed. Without root rights, a user namespace gives uid 0 while
the real home stays out of reach.
"""

from __future__ import annotations

import os
import pwd
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from tests.conftest import REPO, need

ROOT_HOME = pwd.getpwuid(0).pw_dir
WARNING = f"You are logged in as root: this sets up root's own home ({ROOT_HOME}), not a person's."


def as_root() -> list[str]:
    return [] if os.getuid() == 0 else [need("unshare"), "--user", "--map-root-user"]


def root_env(**changes: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "SUDO_USER"}
    env.update({"HOME": ROOT_HOME, **changes})
    return env


def test_install_sh_warns_first_then_goes_on(tmp_path: Path) -> None:
    # --trust alone is bad input: install.sh stops right after its first checks, nothing installed
    result = subprocess.run(
        [*as_root(), "sh", str(REPO / "install.sh"), "--trust"],
        env=root_env(),
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    lines = result.stderr.splitlines()
    assert result.stdout == "" and len(lines) == 2, result.stderr
    assert lines[0].startswith(WARNING)
    assert "--trust goes with --profile-source" in lines[1]  # a warning, not a stop: the checks went on


@pytest.mark.parametrize("changes", [{"HOME": "fake"}, {"SUDO_USER": "ada"}])
def test_install_sh_says_nothing_for_another_home_or_sudo(tmp_path: Path, home: Path, changes: dict[str, str]) -> None:
    env = root_env(**{k: (str(home) if v == "fake" else v) for k, v in changes.items()})
    result = subprocess.run(
        [*as_root(), "sh", str(REPO / "install.sh"), "--trust"],
        env=env,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "logged in as root" not in result.stderr


def spawn_run(tmp_path: Path, env: dict[str, str]) -> pexpect.spawn:
    profile = tmp_path / "asks.yaml"  # a question no earlier run can have answered
    profile.write_text("schema: 1\nprompts:\n  - {id: favourite_tool, message: Your favourite tool, type: text}\n")
    argv = [*as_root(), sys.executable, "-m", "bootstrap", "run", "--profile", str(profile)]
    return pexpect.spawn(
        argv[0],
        argv[1:],
        env={**env, "TERM": "xterm-256color", "PYTHONPATH": str(REPO)},
        cwd=str(tmp_path),
        encoding="utf-8",
        timeout=60,
        dimensions=(24, 80),
    )


@pytest.mark.slow
def test_run_on_a_terminal_warns_first_and_still_asks_its_questions(tmp_path: Path) -> None:
    child = spawn_run(tmp_path, root_env())
    try:
        child.expect("Your favourite tool")  # the run goes on: the warning is not a question
        screen = child.before or ""
        child.sendintr()  # stop at the question: nothing is changed in root's home
        child.expect(pexpect.EOF)
    finally:
        child.close()
    shown = [line.strip() for line in screen.replace("\r", "").splitlines() if line.strip()]
    assert shown and shown[0].startswith("You are logged in as root:"), screen
    assert WARNING in " ".join(shown)
    assert child.exitstatus == 130


@pytest.mark.slow
@pytest.mark.parametrize("changes", [{"HOME": "fake"}, {"SUDO_USER": "ada"}])
def test_run_says_nothing_for_another_home_or_sudo(tmp_path: Path, home: Path, changes: dict[str, str]) -> None:
    env = root_env(**{k: (str(home) if v == "fake" else v) for k, v in changes.items()})
    child = spawn_run(tmp_path, env)
    try:
        child.expect("Your favourite tool")
        screen = child.before or ""
        child.sendintr()
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert "logged in as root" not in screen
