"""Components: one package each (`<name>/component.py` is what the engine calls, beside the code
only that component uses), listed here and imported only when used.

A component may import the profile layer (bootstrap.profiles) and the system layer
(bootstrap.system), and another component's package where it builds on it; never the engine
or the CLI.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from bootstrap.profiles.schema import Profile
    from bootstrap.system.context import Context
    from bootstrap.system.findings import Check
    from bootstrap.system.managed import Owned, Released
    from bootstrap.system.steps import Step

# name -> module; the order is the order of a run when REQUIRES says nothing else
MODULES: dict[str, str] = {
    "packages": "bootstrap.components.packages.component",  # first: other components use the software it installs
    "git": "bootstrap.components.git.component",
    "shell": "bootstrap.components.shell.component",
    "secrets": "bootstrap.components.secrets.component",
    "aws": "bootstrap.components.aws.component",
    "terraform": "bootstrap.components.terraform.component",
    "dotfiles": "bootstrap.components.dotfiles.component",  # templates may configure what others set up
    "connections": "bootstrap.components.connections.component",  # after secrets and aws, which it names
    # a profile's own commands run after every declarative component (keep this entry last)
    "commands": "bootstrap.components.commands.component",
}


class Component(Protocol):
    NAME: str
    REQUIRES: tuple[str, ...]

    def plan(self, ctx: Context, profile: Profile) -> list[Step]:
        """What is not yet as the profile says; [] means converged. Never changes anything."""

    def checks(self, ctx: Context, profile: Profile) -> list[Check]:
        """Read-only probes for doctor, fast and never prompting."""


@runtime_checkable
class Owns(Protocol):
    """Optional: what the profile has the component keep, so a later run can let go of what the
    next profile no longer asks for (files and blocks the engine removes itself)."""

    def owned(self, ctx: Context, profile: Profile) -> list[Owned]: ...


@runtime_checkable
class Releases(Protocol):
    """Optional: let go of owned things other than files and blocks (a git setting, a package)."""

    def release(self, ctx: Context, items: list[Owned], why: str) -> Released: ...


if TYPE_CHECKING:
    # mypy checks every component module against the protocols it implements
    from bootstrap.components.aws import component as _aws
    from bootstrap.components.commands import component as _commands
    from bootstrap.components.connections import component as _connections
    from bootstrap.components.dotfiles import component as _dotfiles
    from bootstrap.components.git import component as _git
    from bootstrap.components.packages import component as _packages
    from bootstrap.components.secrets import component as _secrets
    from bootstrap.components.shell import component as _shell
    from bootstrap.components.terraform import component as _terraform

    _ALL: tuple[Component, ...] = (
        _packages,
        _git,
        _shell,
        _secrets,
        _aws,
        _terraform,
        _dotfiles,
        _connections,
        _commands,
    )
    _OWNS: tuple[Owns, ...] = (_packages, _git, _shell, _aws, _terraform, _dotfiles, _connections)
    _RELEASES: tuple[Releases, ...] = (_packages, _git, _aws, _terraform)


def get(name: str) -> Component:
    module: Component = importlib.import_module(MODULES[name])
    return module
