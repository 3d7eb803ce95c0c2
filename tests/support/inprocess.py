"""Runs and undos in the test's own process (fast enough for hypothesis), with the real engine."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from bootstrap.engine import runs
from bootstrap.system.context import from_environment
from tests.conftest import snapshot, trust_profile_file


def home_with(tmp_path: Path, gitconfig: Optional[bytes], ignore: Optional[bytes]) -> tuple[Path, Path]:
    """A fresh home (one per hypothesis example) holding these git files, and an answers file."""
    case = tmp_path / os.urandom(6).hex()
    home = case / "home"
    home.mkdir(parents=True)
    answers = case / "answers.yaml"
    answers.write_text("name: Zoë Ångström-日本\nemail: zoe@example.com\n", encoding="utf-8")
    if gitconfig is not None:
        (home / ".gitconfig").write_bytes(gitconfig)
    if ignore is not None:
        (home / ".config" / "git").mkdir(parents=True)
        (home / ".config" / "git" / "ignore").write_bytes(ignore)
    return home, answers


def converge(profile: str, answers: Optional[Path] = None, only: Optional[str] = None) -> runs.RunResult:
    """`bootstrap run --yes` for the HOME in the environment."""
    trust_profile_file(("--profile", profile), dict(os.environ), None)
    ctx = from_environment(interactive=False)
    prepared = runs.prepare(ctx, profile=profile, answers_file=answers, only=only)
    return runs.run(ctx, prepared, ["run"], confirm=lambda plans: True, on_step=lambda step, state: None)


def undo_last() -> None:
    """`bootstrap undo --yes` of the last run, which must put back every file."""
    ctx = from_environment(interactive=False)
    target = runs.find_run(ctx, None)
    assert target is not None
    result = runs.undo(ctx, target, ["undo"], force=False, confirm=lambda items: True)
    assert not result.skipped


def user_files(home: Path) -> dict[str, tuple[int, str]]:
    """Everything but the tool's own journal (kept after undo on purpose)."""
    return {k: v for k, v in snapshot(home).items() if not (k == ".local" or k.startswith(".local/"))}
