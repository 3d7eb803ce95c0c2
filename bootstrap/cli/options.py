"""Options shared by several commands, and the one way a command builds its context."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Callable, Optional

import typer

if TYPE_CHECKING:
    from bootstrap.context import Context
    from bootstrap.steps import Step

ProfileOpt = typer.Option(
    None,
    "--profile",
    "-p",
    metavar="PROFILE",
    help="Role or team profile: a built-in name (analyst), TEAM/NAME, or a path to a YAML file. "
    "Default: the one chosen on your last run, else `base`.",
)
AnswersOpt = typer.Option(
    None,
    "--answers",
    "-a",
    metavar="FILE",
    help="YAML file answering the profile's questions (`email: you@company.com`), optionally with `profile: NAME`.",
)
OnlyOpt = typer.Option(
    None,
    "--only",
    metavar="C,..",
    help="Only these components (git, shell, aws, terraform, secrets, packages, dotfiles, commands).",
)
SkipOpt = typer.Option(
    None, "--skip", metavar="C,..", help="Leave these components out (BOOTSTRAP_SKIP=C,.. does the same for every run)."
)


def context() -> Context:
    from bootstrap.context import from_environment

    return from_environment()


def journaled(ctx: Context, kind: str, make_steps: Callable[[], list[Optional[Step]]]) -> None:
    """A command's own file steps (the terraform and terragrunt commands), applied under the
    run lock (waiting for a racing install) and journaled for `bootstrap undo`."""
    from bootstrap import render, runs

    runs.apply_steps(
        ctx,
        kind,
        sys.argv[1:],
        make_steps,
        wait=30,
        on_done=lambda step: render.step_progress(ctx.console, step, "done"),
    )
