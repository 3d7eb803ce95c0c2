"""Components: one module each, listed here and imported only when used."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from bootstrap.context import Context
    from bootstrap.findings import Check
    from bootstrap.schema import Profile
    from bootstrap.steps import Step

# name -> module; the order is the order of a run when REQUIRES says nothing else
MODULES: dict[str, str] = {
    "packages": "bootstrap.components.packages",  # first: other components use the software it installs
    "git": "bootstrap.components.git",
    "shell": "bootstrap.components.shell",
    "secrets": "bootstrap.components.secrets",
    "aws": "bootstrap.components.aws",
    "terraform": "bootstrap.components.terraform",
    "dotfiles": "bootstrap.components.dotfiles",  # templates may configure what others set up
    # a profile's own commands run after every declarative component (keep this entry last)
    "commands": "bootstrap.components.commands",
}


class Component(Protocol):
    NAME: str
    REQUIRES: tuple[str, ...]

    def plan(self, ctx: Context, profile: Profile) -> list[Step]:
        """What is not yet as the profile says; [] means converged. Never changes anything."""

    def checks(self, ctx: Context, profile: Profile) -> list[Check]:
        """Read-only probes for doctor, fast and never prompting."""


def get(name: str) -> Component:
    module: Component = importlib.import_module(MODULES[name])
    return module
