"""`bootstrap profile trust TEAM` in a real 80-column terminal: everything the team asks to run,
grouped, each marked new, changed or trusted already."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from tests.conftest import bootstrap, need
from tests.support.teams import TeamRepo
from tests.support.tmux import DONE, Terminal

pytestmark = [pytest.mark.usefixtures("home"), pytest.mark.untrusted_profiles]

TEAM = """\
schema: 1
extends: [base]
commands:
  - name: warm the cache
    run: echo warm
components:
  git:
    config:
      core.fsmonitor: "touch $HOME/PWNED"
      pull.rebase: "true"
  shell:
    aliases: {{ll: "{alias}"}}
    path: ["~/teambin"]
  dotfiles:
    - {{template: pre-commit-hook, target: "~/.config/git/template/hooks/pre-commit", executable: true}}
  packages:
    system: [jq]
    index_url: https://pypi.example.com/simple
  terraform:
    version: 1.5.7
    verify: false
"""

GROUPS = [
    "Commands, run as you:",
    "Git settings that can run programs:",
    "Shell aliases, variables and folders on PATH:",
    "Files, and where they go:",
    "Software, and where it comes from:",
    "Downloads not verified by their publisher's signature:",
]


def on_screen(tmp_path: Path, home: Path, answer: str, *args: str) -> tuple[int, list[str]]:
    env = {**os.environ, "HOME": str(home), "TERM": "xterm-256color"}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    for name in ("COLUMNS", "LINES", "NO_COLOR"):
        env.pop(name, None)
    terminal = Terminal(tmp_path / "tmux.sock", env, home, 80, 24, " ".join(["bootstrap", *args]))
    try:
        terminal.wait_until(lambda screen: "Allow exactly these" in screen, 60)
        terminal.keys(answer)
        code = terminal.wait()
        history = terminal.history()
    finally:
        terminal.close()
    return code, history[: next(n for n, row in enumerate(history) if row.startswith(DONE))]


def test_trust_shows_everything_grouped_and_marks_what_changed(tmp_path: Path, home: Path) -> None:
    need("git")
    repo = TeamRepo(tmp_path)
    repo.commit({"eng.yaml": TEAM.format(alias="ls -l")})
    assert bootstrap("profile", "add", repo.url, "--yes").returncode == 0

    code, rows = on_screen(tmp_path, home, "y", "profile", "trust", "acme")
    assert code == 0, "\n".join(rows)
    text = "\n".join(rows)
    places = [text.index(group) for group in GROUPS]
    assert places == sorted(places), text  # in this order, commands first
    for shown in (
        "run: echo warm",
        "git setting core.fsmonitor: touch $HOME/PWNED",
        "shell alias ll: ls -l",
        "folder on PATH ~/teambin",
        "file ~/.config/git/template/hooks/pre-commit: from template pre-commit-hook, made a program that runs",
        "system package jq",
        "Python package index: https://pypi.example.com/simple",
        "Terraform verify: false",
    ):
        assert shown in " ".join(text.split()), shown
    assert "pull.rebase" not in text  # inert: nothing to agree to
    assert "(8 new or changed, 0 trusted already)" in " ".join(text.split())
    assert "…" not in text  # long values wrap, nothing is cut off
    assert "Trusted 1 command(s) and 7 setting(s) of acme" in " ".join(text.split())

    # one alias changes: it is marked changed, everything else trusted already
    repo.commit({"eng.yaml": TEAM.format(alias="ls -la")})
    assert bootstrap("profile", "update", "acme", "--yes").returncode == 0
    code, rows = on_screen(tmp_path, home, "n", "profile", "trust", "acme")
    flat = " ".join(" ".join(rows).split())
    assert code == 0, flat
    assert "(1 new or changed, 7 trusted already)" in flat
    assert "shell alias ll: ls -la (eng.yaml, changed)" in flat
    assert "git setting core.fsmonitor: touch $HOME/PWNED (eng.yaml, trusted already)" in flat
    assert "Not trusted; the new and changed ones will not run or apply." in flat


def test_adding_a_team_on_a_terminal_shows_the_summary_and_asks_to_trust(tmp_path: Path, home: Path) -> None:
    need("git")
    repo = TeamRepo(tmp_path)
    repo.commit({"eng.yaml": TEAM.format(alias="ls -l")})
    env = {**os.environ, "HOME": str(home), "TERM": "xterm-256color"}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    for name in ("COLUMNS", "LINES", "NO_COLOR"):
        env.pop(name, None)
    terminal = Terminal(tmp_path / "tmux.sock", env, home, 80, 24, f"bootstrap profile add {repo.url}")
    try:
        terminal.wait_until(lambda screen: "Add team 'acme'?" in screen, 60)
        terminal.keys("y")
        asked = terminal.wait_until(lambda screen: "Trust these commands and settings now" in screen, 60)
        assert "Trust these commands and settings now" in asked, asked
        terminal.keys("y")
        code = terminal.wait()
        flat = " ".join(" ".join(terminal.history()).split())
    finally:
        terminal.close()
    assert code == 0, flat
    for group in GROUPS:
        assert group in flat, group
    assert "git setting core.fsmonitor: touch $HOME/PWNED" in flat
    assert "Its commands and settings are trusted" in flat
    stored = json.loads((home / ".local" / "share" / "bootstrap" / "trust.json").read_text())
    assert len(stored["sources"]["acme"]["items"]) == 7 and len(stored["sources"]["acme"]["commands"]) == 1
