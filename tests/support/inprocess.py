"""Runs and undos in the test's own process (fast enough for hypothesis), with the real engine."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from bootstrap import runs
from bootstrap.context import from_environment
from tests.conftest import snapshot


def converge(profile: str, answers: Optional[Path] = None, only: Optional[str] = None) -> runs.RunResult:
    """`bootstrap run --yes` for the HOME in the environment."""
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
