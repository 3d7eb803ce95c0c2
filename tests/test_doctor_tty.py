"""`bootstrap doctor` in a real terminal of 80x24 and 120x40: what a new hire sees on the screen."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import bootstrap, need
from tests.support.tmux import DONE, Terminal

SIZES = [(80, 24), (120, 40)]
EMAIL = "dana.scientist@acme.example.com"
# aws and secrets are left out: their checks depend on this machine's AWS CLI and keyring
SKIP = "packages,aws,secrets,terraform"


def terminal_env(home: Path) -> dict[str, str]:
    env = {**os.environ, "HOME": str(home), "TERM": "xterm-256color", "BOOTSTRAP_SKIP": SKIP}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"  # the venv's `bootstrap`
    for name in ("COLUMNS", "LINES", "NO_COLOR"):  # the terminal tells its size; colours as a person sees them
        env.pop(name, None)
    return env


def doctor_on_screen(tmp_path: Path, home: Path, size: tuple[int, int], *args: str) -> tuple[int, list[str], list[str]]:
    """Exit status, the rows on the screen at the end, and every row the command printed."""
    columns, rows = size
    terminal = Terminal(
        tmp_path / "tmux.sock", terminal_env(home), home, columns, rows, " ".join(["bootstrap", "doctor", *args])
    )
    try:
        code = terminal.wait()
        screen, history = terminal.rows(), terminal.history()
    finally:
        terminal.close()
    printed = history[: next(n for n, row in enumerate(history) if row.startswith(DONE))]
    while printed and not printed[0]:
        printed.pop(0)
    return code, screen, printed


def words(rows: list[str]) -> str:
    return " ".join(" ".join(rows).split())


def assert_nothing_cut(rows: list[str], columns: int) -> None:
    for row in rows:
        assert "…" not in row and "..." not in row, row
        # a row wider than the terminal is one the terminal wrapped: only a command too long for a line
        assert len(row) <= columns or len(row.split()[-1]) > columns - 8, row


def checks(home: Path) -> list[dict[str, str]]:
    result = bootstrap("doctor", "--json", env=terminal_env(home))
    return list(json.loads(result.stdout)["checks"])


@pytest.mark.slow
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_before_any_run_doctor_says_first_to_run_bootstrap(tmp_path: Path, home: Path, size: tuple[int, int]) -> None:
    code, screen, printed = doctor_on_screen(tmp_path, home, size)
    assert code == 1, "\n".join(printed)
    assert words(printed[:2]).startswith(
        "This computer has not been set up by bootstrap yet: run `bootstrap` (it asks which role fits you)."
    ), "\n".join(printed)
    assert "bootstrap run --only" not in words(printed)  # one advice, not one per check
    problems = [c for c in checks(home) if c["status"] in ("error", "warning")]
    assert problems and all(c["id"] in words(printed) for c in problems)
    assert words(printed).endswith("`bootstrap doctor` again.")
    assert len(printed) <= size[1] - 1 and words(screen).startswith(words(printed[:1]))  # all of it on one screen
    assert_nothing_cut(printed, size[0])


@pytest.mark.slow
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_after_the_first_run_every_problem_and_its_fix_is_on_the_screen_whole(
    tmp_path: Path, home: Path, size: tuple[int, int]
) -> None:
    need("git")
    answers = tmp_path / "answers.yaml"
    answers.write_text(f"name: Dana Scientist\nemail: {EMAIL}\n")
    run = bootstrap("run", "--yes", "--profile", "data-scientist", "--answers", str(answers), env=terminal_env(home))
    assert run.returncode == 0, run.stdout + run.stderr
    # two problems a person makes: a git setting changed by hand, a settings file deleted
    subprocess.run(["git", "config", "--global", "pull.rebase", "false"], check=True, env=terminal_env(home))
    (home / ".editorconfig").unlink()

    code, screen, printed = doctor_on_screen(tmp_path, home, size)
    assert code == 0, "\n".join(printed)  # warnings only
    found = checks(home)
    problems = [c for c in found if c["status"] in ("error", "warning")]
    assert {c["id"] for c in problems} == {"git.settings", "dotfiles.files"}, problems
    assert len(printed) <= size[1] - 1  # the whole doctor fits on the screen with the exit line
    visible = words(screen)
    for check in problems:
        assert f"{check['id']}: {words([check['summary']])}" in visible, check
        assert f"Fix: {words([check['fix']])}" in visible, check
    # problems first, then one line per component, then the next step
    first_component = next(n for n, row in enumerate(printed) if row.startswith(("✓ git ", "! git ")))
    assert all(printed.index(row) < first_component for row in printed if row.startswith("  Fix: ")), "\n".join(printed)
    components = {c["component"] for c in found}
    assert len([row for row in printed[first_component:] if row[:2] in ("✓ ", "! ", "✗ ")]) == len(components)
    assert printed[-1].startswith("Fix the 2 problems above, then run `bootstrap doctor` again.")
    assert_nothing_cut(printed, size[0])

    code, screen, every = doctor_on_screen(tmp_path, home, size, "--all")
    assert code == 0
    for check in found:  # every check whole, with its id, and the long email on one row
        timed = check["status"] == "info"  # a measured start-up time: differs between two doctors
        assert (f"{check['id']}:" if timed else f"{check['id']}: {words([check['summary']])}") in words(every), check
    assert any(EMAIL in row for row in every), "\n".join(every)
    assert_nothing_cut(every, size[0])


@pytest.mark.slow
@pytest.mark.parametrize("no_color", [False, True])
def test_colours_mark_the_problems_unless_no_color_is_set(home: Path, no_color: bool) -> None:
    import pexpect

    env = {**terminal_env(home), "BOOTSTRAP_SKIP": "packages,aws,secrets,terraform,shell,dotfiles"}
    if no_color:
        env["NO_COLOR"] = "1"
    child = pexpect.spawn(
        sys.executable, ["-m", "bootstrap", "doctor"], env=env, encoding="utf-8", timeout=60, dimensions=(24, 80)
    )
    child.expect(pexpect.EOF)
    child.close()
    output = child.before or ""
    assert child.exitstatus == 1 and "git.identity" in output, output
    if no_color:
        assert "\x1b[3" not in output, repr(output)  # no colour at all (bold is not a colour)
    else:
        assert "\x1b[31m✗" in output, repr(output)
