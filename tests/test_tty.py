"""The first-day run on a real pseudo-terminal: choose a role, answer, confirm."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

pytestmark = pytest.mark.usefixtures("git_and_dotfiles_only")

DOWN = "\x1b[B"


@pytest.mark.slow
def test_interactive_first_day_run(home: Path) -> None:
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"}
    child = pexpect.spawn(
        sys.executable, ["-m", "bootstrap"], env=env, encoding="utf-8", timeout=30, dimensions=(40, 120)
    )
    try:
        child.expect("Which role fits you best")
        child.expect("data-scientist")  # the list is drawn: analyst, data-engineer, data-scientist (base is a layer)
        child.send(DOWN)
        child.send("\r")
        child.expect("Your full name")
        child.send("Ada Lovelace\r")
        child.expect("Your work email")
        child.send("not-an-email\r")
        child.expect("It should be a work email such as dana@acme.com")  # the hint, shown while typing
        child.send("\x7f" * len("not-an-email") + "ada@example.com\r")
        child.expect("Make these changes")
        child.send("y")
        child.expect("Done: 3 changes made")  # git settings, git ignore, ~/.editorconfig
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0, child.before
    email = subprocess.run(["git", "config", "--global", "user.email"], capture_output=True, text=True, check=True)
    assert email.stdout.strip() == "ada@example.com"
    remembered = (home / ".config" / "bootstrap" / "answers.yaml").read_text()
    assert "profile: data-engineer" in remembered


@pytest.mark.slow
def test_ctrl_c_at_a_question_changes_nothing(home: Path) -> None:
    env = {**os.environ, "TERM": "xterm-256color"}
    child = pexpect.spawn(
        sys.executable, ["-m", "bootstrap", "run", "--profile", "base"], env=env, encoding="utf-8", timeout=30
    )
    child.expect("Your full name")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "cancelled; nothing was changed" in (child.before or "")
    assert list(home.iterdir()) == []
