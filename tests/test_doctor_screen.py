"""Doctor's screen as lines: problems first, every line within the width, nothing ever cut."""

from __future__ import annotations

import re

import pytest

from bootstrap.engine.doctor import Report
from bootstrap.engine.render_doctor import Line, Setup, closing, screen, wrap
from bootstrap.system.findings import Finding, Status

HOME = "/home/dana.scientist"
EMAIL = "dana.scientist@acme.example.com"
LONG_COMMAND = "aws sso login --sso-session " + "acme-data-platform-production-" * 3 + "eu-west-1"


def finding(fid: str, status: Status, summary: str, fix: str | None = None) -> Finding:
    return Finding(fid, fid.split(".")[0], status, summary, fix, None, 3)


FINDINGS = [
    finding("git.installed", "ok", "git 2.43.0 is installed"),
    finding("git.identity", "ok", f"commits carry the name Dana Scientist and the email {EMAIL}"),
    finding("git.email", "warning", f"{EMAIL} is not the address your profile asks for", "bootstrap run --only git"),
    finding("shell.path", "ok", f"a new bash login shell has {HOME}/.local/bin on its PATH"),
    finding("shell.completion.bash.bootstrap", "ok", "bash completes bootstrap on TAB"),
    finding(
        "shell.completion.bash.terraform",
        "warning",
        "bash does not complete terraform on TAB",
        "bootstrap run --only shell, then open a new terminal",
    ),
    finding("shell.completion.bash.aws", "skipped", "aws is not installed (see aws.cli)"),
    finding("shell.startup.bash", "info", "reading our set-up adds 0.5 ms to a new bash, within the 5 ms budget"),
    finding(
        "aws.sso.acme-data-platform-production",
        "error",
        f"you are not signed in to the sign-in acme-data-platform-production (token in "
        f"{HOME}/.aws/sso/cache/{'0123456789abcdef' * 3}.json expired)",
        LONG_COMMAND,
    ),
    finding("aws.cli", "error", "the AWS CLI is not installed", "sudo apt-get install -y awscli"),
]
REPORT = Report("data-scientist", FINDINGS, 120)
DONE = Setup(done=True)
NEVER = Setup(done=False)


def tilde(text: object) -> str:
    return str(text).replace(HOME, "~")


def texts(lines: list[Line]) -> list[str]:
    return [line.text for line in lines]


def flat(lines: list[Line]) -> str:
    """The screen's words in order, as a person reads them across the wrapped lines."""
    return " ".join(" ".join(texts(lines)).split())


def index(lines: list[Line], start: str) -> int:
    return next(n for n, text in enumerate(texts(lines)) if text.startswith(start))


@pytest.mark.parametrize("width", [60, 80, 120])
@pytest.mark.parametrize("show_all", [False, True])
def test_no_line_is_wider_than_the_screen_and_nothing_is_cut(width: int, show_all: bool) -> None:
    lines = screen(REPORT, DONE, width, tilde, show_all)
    for text in texts(lines):
        # the only line allowed past the width is a command that is one word longer than a line:
        # the terminal wraps it, and copying it gives the whole command
        assert len(text) <= width or text.split() == [LONG_COMMAND.split()[-1]], text
        assert "…" not in text and "..." not in text
    words = flat(lines)
    shown = FINDINGS if show_all else [f for f in FINDINGS if f.status in ("error", "warning", "info")]
    for f in shown:
        summary = " ".join(tilde(f.summary).split())
        if len(max(summary.split(), key=len)) < width - 4:  # a path longer than a line wraps inside
            assert f"{f.id}: {summary}" in words, f.id
        else:
            assert re.sub(r"\s", "", f"{f.id}:{summary}") in re.sub(r"\s", "", " ".join(texts(lines)))
    for f in FINDINGS:
        if f.status in ("error", "warning"):
            assert f"Fix: {f.fix}" in words, f.id
    # ids and the email are never broken across lines: each sits whole on one line
    for whole in ["shell.completion.bash.terraform", "aws.sso.acme-data-platform-production"] + [EMAIL] * show_all:
        assert any(whole in text for text in texts(lines)), whole
    assert HOME not in " ".join(texts(lines))


@pytest.mark.parametrize("width", [60, 80, 120])
def test_problems_come_first_worst_first_then_one_line_per_component_then_the_next_step(width: int) -> None:
    lines = screen(REPORT, DONE, width, tilde)
    assert texts(lines)[0] == "Profile data-scientist: 10 checks"
    order = [
        index(lines, f"{mark} {fid}:")
        for mark, fid in [
            ("✗", "aws.sso.acme-data-platform-production"),
            ("✗", "aws.cli"),
            ("!", "git.email"),
            ("!", "shell.completion.bash.terraform"),
            ("i", "shell.startup.bash"),
        ]
    ]
    components = [index(lines, f"{mark} {name} ") for mark, name in [("!", "git"), ("!", "shell"), ("✗", "aws")]]
    assert order == sorted(order) and max(order) < min(components)
    assert components == [components[0], components[0] + 1, components[0] + 2]  # one line each
    # ok checks appear only in their component's count
    assert "git.installed" not in flat(lines) and "shell.path" not in flat(lines)
    assert "! git 3 checks: 2 fine, 1 warning ! shell 5 checks: 3 fine, 1 warning, 1 skipped" in flat(lines)
    assert texts(lines)[-1].endswith("`bootstrap doctor` again.")
    assert flat(lines).endswith("Fix the 4 problems above, then run `bootstrap doctor` again.")
    # the fix is set apart from what is wrong: on its own lines, after the label
    fix = index(lines, "  Fix: sudo apt-get install -y awscli")
    assert lines[fix].style == "cyan" and texts(lines)[fix - 1].startswith("✗ aws.cli:")


def test_all_lists_every_check_under_its_component() -> None:
    lines = screen(REPORT, DONE, 80, tilde, show_all=True)
    git = index(lines, "! git ")
    assert texts(lines)[git + 1].startswith("    ✓ git.installed: git 2.43.0 is installed")
    assert texts(lines)[git + 2].startswith("    ✓ git.identity: commits carry")
    assert "    - shell.completion.bash.aws: aws is not installed (see aws.cli)" in texts(lines)


@pytest.mark.parametrize("width", [60, 80])
def test_a_machine_never_set_up_is_told_to_run_bootstrap_first(width: int) -> None:
    lines = screen(REPORT, NEVER, width, tilde)
    words = flat(lines)
    assert words.startswith("This computer has not been set up by bootstrap yet: run `bootstrap` (it asks which")
    assert lines[0].style == "bold"
    # what the first run sets up is named once, without a `bootstrap run --only` per check
    assert "bootstrap run --only" not in words
    assert "These checks fail until it has run: git.email, shell.completion.bash.terraform" in words
    # a problem the first run cannot fix keeps its own fix
    assert f"Fix: {LONG_COMMAND}" in words and "Fix: sudo apt-get install -y awscli" in words
    assert words.endswith(
        "Next: run `bootstrap`, then fix the 2 problems shown with a fix above, and run `bootstrap doctor` again."
    )


def test_with_a_profile_named_the_first_run_is_that_profile_s() -> None:
    lines = screen(REPORT, Setup(done=False, first_run="bootstrap run --profile acme/eng"), 80, tilde)
    assert flat(lines).startswith("This computer has not been set up by bootstrap yet: run `bootstrap run --profile")
    assert "which role" not in flat(lines)


def test_closing_line() -> None:
    fine = [finding("git.installed", "ok", "fine"), finding("shell.startup.bash", "info", "a note")]
    assert closing([], [], DONE) == "Everything works."
    assert screen(Report("base", fine, 1), DONE, 80)[-1].text == "Everything works."
    assert closing([], [], NEVER) == "Next: run `bootstrap`, then run `bootstrap doctor` again."
    one = [finding("git.email", "warning", "x", "bootstrap run --only git")]
    assert closing(one, [], DONE) == "Fix the 1 problem above, then run `bootstrap doctor` again."


def test_wrap_keeps_hyphenated_words_whole_and_splits_only_what_cannot_fit() -> None:
    text = "see shell.completion.bash.terraform and dana-s@acme-corp.example.com"
    assert wrap(text, 45) == ["see shell.completion.bash.terraform and", "dana-s@acme-corp.example.com"]
    assert wrap("x" * 50, 30) == ["x" * 30, "x" * 20]  # a summary's long path wraps inside
    assert wrap("run " + "y" * 50, 30, "  Fix: ", " " * 7, whole_words=True) == ["  Fix: run", " " * 7 + "y" * 50]
    assert wrap("one\ntwo", 40, "- ", "  ") == ["- one", "  two"]
