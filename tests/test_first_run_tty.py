"""The first day of each built-in role at a real terminal (tmux, 80x24 and 120x40), by keys.

What a new hire sees from typing `bootstrap` to the result: the role menu (roles only, their
descriptions whole), the questions (a wrong email answered with the hint, an empty AWS start
URL asking nothing more), the short plan with the question and what needs a password on
screen together, `d` for the diffs, the sudo password, the result.

This machine runs the tests as root; a laptop user is not, so `bootstrap` runs here as a user
for whom apt needs sudo. What cannot run offline is a stand-in on PATH: sudo (asks for a
password, then runs the command), apt-get and dpkg-query (a list of installed packages in a
file), pipx.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import pytest

from bootstrap.profiles import load as profiles
from bootstrap.system.paths import user_paths
from tests.conftest import need
from tests.support import tmux

ROLES = ["analyst", "data-engineer", "data-scientist"]
QUESTION = "Make these changes? [Y/n/d = show the diffs]"
TAG = "(?:password|network|administrator|asks you)"
AWS_FOLLOW_UPS = ("region of that sign-in page", "12-digit number", "permission set")

SUDO = """#!/bin/bash
# sudo for a user who may use it with their password, remembered for a while once given:
# -n never asks ("a password is required" until it was given), -v asks once
nonint=0 validate=0
while [ "${1#-}" != "$1" ]; do
    case "$1" in
        -n) nonint=1 ;;
        -v) validate=1 ;;
    esac
    shift
done
if [ ! -e "$STATE/sudo-cached" ]; then
    if [ "$nonint" = 1 ]; then echo "sudo: a password is required" >&2; exit 1; fi
    printf '[sudo] password for %s: ' "${USER:-you}"; IFS= read -rs _; echo
    echo sudo -v >> "$STATE/calls"
    touch "$STATE/sudo-cached"
fi
[ "$validate" = 1 ] && exit 0
echo "sudo $*" >> "$STATE/calls"
exec "$@"
"""
APT_GET = """#!/bin/bash
# apt-get: `update` does nothing; `install -y NAME..` lists them as installed (version 99.0),
# and puts a program by the package's name on PATH (aws for awscli)
echo "apt-get $*" >> "$STATE/calls"
[ "$1" = install ] || exit 0
shift
for name in "$@"; do
    [ "${name#-}" != "$name" ] && continue
    echo "$name" >> "$STATE/installed"
    program=$name; [ "$name" = awscli ] && program=aws
    printf '#!/bin/sh\\necho "%s 99.0"\\n' "$program" > "$STANDINS/$program"
    chmod +x "$STANDINS/$program"
done
echo "Setting up $*"
"""
DPKG_QUERY = """#!/bin/bash
# dpkg-query -W -f FORMAT NAME..: the installed ones, as `name<TAB>ii <TAB>version`
shift 3
status=0
for name in "$@"; do
    if grep -qx "$name" "$STATE/installed" 2>/dev/null; then
        printf '%s\\tii \\t99.0\\n' "$name"
    else
        echo "dpkg-query: no packages found matching $name" >&2; status=1
    fi
done
exit $status
"""
PIPX = """#!/bin/bash
# pipx: `install SPEC` records the tool (at its pinned version, else 99.0); `list --short`
echo "pipx $*" >> "$STATE/calls"
case "$1" in
    install) spec=${@: -1}; name=${spec%%[=<>~]*}; version=99.0
             case "$spec" in *==*) version=${spec#*==} ;; esac
             echo "$name $version" >> "$STATE/tools"; echo "installed package $name $version" ;;
    list) cat "$STATE/tools" 2>/dev/null ;;
    --version) echo 1.7.1 ;;
esac
"""
# a user, not root: apt needs sudo (the one seam; everything else is the real program)
BOOTSTRAP = f"""#!{sys.executable}
import bootstrap.system.syspkg

bootstrap.system.syspkg.is_root = lambda: False
from bootstrap.cli.main import main

main()
"""


class Screen(tmux.Pane):
    """A tmux pane of a given size running an interactive bash; keys in, rows out."""

    def __init__(self, socket: Path, env: dict[str, str], cwd: Path, width: int, height: int) -> None:
        super().__init__(socket, env, cwd, f"{need('bash')} --norc --noprofile -i", width, height)
        self.width = width

    def keys(self, *keys: str) -> None:
        self.send(*keys)

    def type(self, text: str) -> None:  # type: ignore[override]
        """Type text literally, without Enter."""
        self.send("-l", text)

    def visible(self) -> list[str]:
        """The rows on screen now."""
        return [row.rstrip() for row in self.cmd("capture-pane", "-p", "-t", "0").splitlines()]

    def history(self) -> list[str]:
        """Every row since the pane started, as the terminal wrapped them."""
        rows = [row.rstrip() for row in self.cmd("capture-pane", "-p", "-t", "0", "-S", "-").splitlines()]
        while rows and not rows[-1]:
            rows.pop()
        return rows

    def wait(self, check: Callable[[list[str]], bool], what: str, timeout: float = 60) -> list[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            rows = self.visible()
            if check(rows):
                return rows
            time.sleep(0.1)
        raise AssertionError(f"waited {timeout}s for {what}; the screen:\n" + "\n".join(self.history()))

    def wait_for(self, text: str, timeout: float = 60) -> list[str]:
        return self.wait(lambda rows: any(text in row for row in rows), repr(text), timeout)


def stand_ins(folder: Path) -> None:
    folder.mkdir()
    for name, text in {
        "sudo": SUDO,
        "apt-get": APT_GET,
        "dpkg-query": DPKG_QUERY,
        "pipx": PIPX,
        "bootstrap": BOOTSTRAP,
    }.items():
        (folder / name).write_text(text)
        (folder / name).chmod(0o755)


@pytest.fixture
def laptop(tmp_path: Path, home: Path) -> dict[str, str]:
    need("git")
    folder = tmp_path / "stand-ins"
    stand_ins(folder)
    state = tmp_path / "state"
    state.mkdir()
    keep = {k: v for k, v in os.environ.items() if k not in ("BOOTSTRAP_SKIP", "TMUX", "COLUMNS", "LINES", "PATH")}
    return {
        **keep,
        "HOME": str(home),
        "PATH": f"{folder}:/usr/bin:/bin",  # no ~/.local/bin, no /usr/local/bin: a fresh laptop
        "TERM": "xterm-256color",
        "STATE": str(state),
        "STANDINS": str(folder),
        "USER": "ada",
    }


def first_day(screen: Screen, role: str) -> dict[str, object]:
    """Type `bootstrap`, pick the role, answer; returns what was seen at the question."""
    screen.type("PS1='$ '; clear")
    screen.keys("Enter")
    screen.wait(lambda rows: rows[0] == "$" or rows[0] == "$ ", "a clear screen")
    screen.type("bootstrap")
    screen.keys("Enter")
    menu = screen.wait_for("Which role fits you best")
    menu = screen.wait(lambda rows: any("Description:" in r for r in rows), "the role's description")
    seen: dict[str, object] = {"menu": menu}
    options = [p.name for p in profiles.roles(user_paths(Path(os.environ["HOME"])))]
    assert options == ROLES
    screen.keys(*["Down"] * options.index(role))
    menu = screen.wait(lambda rows: any(r.startswith(" »") and r.endswith(role) for r in rows), f"{role} pointed at")
    seen["menu_at_role"] = menu
    screen.keys("Enter")
    screen.wait_for("Your full name")
    screen.type("Ada Lovelace")
    screen.keys("Enter")
    screen.wait_for("Your work email")
    screen.type("not-an-email")
    screen.keys("Enter")
    seen["email_check"] = screen.wait_for("It should be a work email such as dana@acme.com")
    screen.keys("C-u")
    screen.type("ada@example.com")
    screen.keys("Enter")
    # every other question: Enter takes its default (no R, no Kubernetes, no AWS start URL)
    known = 3  # role, name, email
    while True:
        screen.wait(lambda rows, n=known: _asked(screen) > n or _at_question(screen), "the next question")
        if _at_question(screen):
            break
        known += 1
        screen.keys("Enter")
    time.sleep(0.3)  # the question is drawn; let the terminal settle
    seen["at_question"] = screen.visible()
    seen["history"] = screen.history()
    return seen


def _asked(screen: Screen) -> int:
    """How many questions were put so far (each starts a row with '? ')."""
    return sum(r.startswith("? ") and QUESTION not in r for r in screen.history())


def _at_question(screen: Screen) -> bool:
    return any(QUESTION in r for r in screen.history())


def _unwrapped(rows: list[str], width: int) -> str:
    """Rows as the terminal wrapped them, joined back into the lines that were printed."""
    out = []
    for row in rows:
        out.append(row)
        if len(row) < width:
            out.append("\n")
    return "".join(out)


@pytest.mark.slow
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("role", ROLES)
def test_first_day_at_a_real_terminal(
    tmp_path: Path, home: Path, laptop: dict[str, str], role: str, size: tuple[int, int]
) -> None:
    width, height = size
    screen = Screen(tmp_path / "tmux.sock", laptop, home, width, height)
    try:
        seen = first_day(screen, role)

        # the role menu: roles only, one row each, the description whole (wrapped, never cut)
        menu: list[str] = seen["menu_at_role"]  # type: ignore[assignment]
        items = [r[3:] for r in menu if r.startswith(("   ", " » ")) and r[3:4].isalpha()]
        assert items == ROLES, menu
        info = next(p for p in profiles.roles(user_paths(home)) if p.name == role)
        shown = " ".join(
            r.strip() for r in menu[menu.index(next(r for r in menu if "Description:" in r)) :] if r.strip()
        )
        assert shown.replace("Description: ", "") == profiles.describe(info), menu
        assert all(len(r) < width for r in menu), menu

        # the email check says what fits, in words, never the regular expression
        email_rows: list[str] = seen["email_check"]  # type: ignore[assignment]
        assert not any("[^@" in r or "\\s" in r for r in email_rows), email_rows

        history: list[str] = seen["history"]  # type: ignore[assignment]
        text = _unwrapped(history, width)
        # an empty AWS start URL asks nothing more about AWS
        if role in ("analyst", "data-engineer"):
            assert "AWS sign-in page" in text
        for follow_up in AWS_FOLLOW_UPS:
            assert follow_up not in text, follow_up

        # from the command to the question: at most 60 rows at 80 columns
        start = max(i for i, r in enumerate(history) if r.rstrip() == "$ bootstrap")
        asked = next(i for i, r in enumerate(history) if QUESTION in r)
        if width == 80:
            assert asked - start + 1 <= 60, "\n".join(history[start : asked + 1])
        plan = history[start:asked]
        assert not any(r.startswith(("      +", "      -", "      @@")) for r in plan), "a diff before the question"
        assert any(re.search(r"write ~/\S+ \(\d+ lines?\)", r) for r in plan), "generated files summarised"

        # the question, and every marked step, on screen together
        at_question: list[str] = seen["at_question"]  # type: ignore[assignment]
        screen_text = _unwrapped(at_question, width)
        assert QUESTION in at_question[-1] or QUESTION in [r for r in at_question if r][-1], at_question
        flat = " ".join(" ".join(plan).split())
        marked = re.findall(rf"• ([^•\[]+?) \[({TAG}(?:, {TAG})*)\]", flat)
        assert marked, "a first day on a laptop asks for the password (sudo)"
        assert any("password" in tags or "asks you" in tags for _, tags in marked)
        assert "Before you answer" in screen_text
        for summary, _ in marked:
            recap = " ".join(summary.split())
            assert recap in " ".join(screen_text.split()), f"{summary!r} is not on screen at the question"
        assert re.search(r"\d+ changes? to make", screen_text)

        # d: the full diffs, then the question again
        screen.keys("d")
        screen.wait(lambda rows: sum(QUESTION in r for r in screen.history()) >= 2, "the question again")
        again = _unwrapped(screen.history(), width).split(QUESTION, 1)[1]
        assert "+++ ~/.gitconfig" in again and "ada@example.com" in again
        last = [r for r in screen.visible() if r]
        assert QUESTION in last[-1], last

        # yes: sudo asks for the password once, then the result
        screen.keys("y")
        screen.wait_for("[sudo] password for ada")
        screen.type("a password")
        screen.keys("Enter")
        screen.wait_for("To check everything works: bootstrap doctor", timeout=180)
        screen.type('echo "exit=$?"')
        screen.keys("Enter")
        screen.wait_for("exit=0")
        result = _unwrapped(screen.history(), width)
        assert re.search(r"Done: \d+ changes made\.", result), result[-2000:]
        assert "a password" not in result  # typed hidden
    finally:
        if os.environ.get("SHOW_SCREEN"):
            print("\n".join(screen.history()))
        screen.close()
    config = subprocess.run(
        ["git", "config", "--global", "user.email"], capture_output=True, text=True, env=laptop, check=False
    )
    assert config.stdout.strip() == "ada@example.com"
    calls = (Path(laptop["STATE"]) / "calls").read_text().splitlines()
    assert calls.count("sudo -v") == 1 and any(c.startswith("sudo apt-get install") for c in calls), calls
    assert not (home / ".aws").exists()  # no start URL: nothing about AWS written
