"""Options shared by several commands, and the one way a command builds its context."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, Callable, Optional

import typer

if TYPE_CHECKING:
    from bootstrap.system.context import Context
    from bootstrap.system.steps import Step

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
    help="Only these components (git, shell, aws, terraform, secrets, packages, dotfiles, connections, commands).",
)
SkipOpt = typer.Option(
    None, "--skip", metavar="C,..", help="Leave these components out (BOOTSTRAP_SKIP=C,.. does the same for every run)."
)


# The whole CLI, set by bootstrap.cli.main where it is built: the context hands it down to the
# shell component for bootstrap's completion scripts (no layer below may import the CLI).
APP: Optional[typer.Typer] = None


def context() -> Context:
    from bootstrap.system.context import from_environment

    ctx = from_environment()
    ctx.commands = _commands
    return ctx


def _commands() -> Any:
    import typer.main

    assert APP is not None, "bootstrap.cli.main sets APP when it builds the CLI"
    return typer.main.get_command(APP)


def journaled(ctx: Context, kind: str, make_steps: Callable[[], list[Optional[Step]]]) -> None:
    """A command's own file steps (the terraform and terragrunt commands), applied under the
    run lock (waiting for a racing install) and journaled for `bootstrap undo`."""
    from bootstrap.engine import render, runs

    runs.apply_steps(
        ctx,
        kind,
        sys.argv[1:],
        make_steps,
        wait=30,
        on_done=lambda step: render.step_progress(ctx.console, step, "done"),
    )
