"""Options shared by several commands, and the one way a command builds its context."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from bootstrap.context import Context

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
