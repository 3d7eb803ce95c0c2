"""`bootstrap profile validate`: every check a profile author's CI needs, as file:line lines.

Built in: the schema, `extends` (unknown parents, circles), template variables and secret
reference syntax (all done by `profiles.load`). Components add their own lints through LINTERS:
a lint is `function(loaded: profiles.Loaded) -> list[str]`, each string `file:line: problem`
(`loaded.where(loc)` gives the file:line of any key of the merged profile).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional

from bootstrap.profiles import load as profiles
from bootstrap.profiles import trust
from bootstrap.system.errors import UserError

if TYPE_CHECKING:
    from bootstrap.system.paths import Paths

# component -> "module:function", imported only when a profile is validated.
LINTERS: dict[str, str] = {
    "terraform": "bootstrap.components.terraform.component:lint",
    "aws": "bootstrap.components.aws.component:lint",
}


@dataclass
class Checked:
    """One profile file and what is wrong with it ([] when it is fine)."""

    path: Path
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _linters() -> list[Callable[[profiles.Loaded], list[str]]]:
    found = []
    for target in LINTERS.values():
        module, _, function = target.partition(":")
        found.append(getattr(importlib.import_module(module), function))
    return found


team_root = trust.team_root


def expand(targets: Iterable[Path]) -> list[tuple[Path, Path]]:
    """(profile file, its team root) for each target; a folder stands for every profile in it."""
    out = []
    for target in targets:
        if target.is_dir():
            found = profiles.team_files(target)
            if not found:
                raise UserError(f"{target}: holds no profiles (*.yaml at its root or under profiles/)")
            out += [(p, target) for p in found]
        else:
            out.append((target, team_root(target)))
    return out


def check(path: Path, paths: Paths, local_team: Optional[Path] = None) -> Checked:
    ref = str(path) if profiles.looks_like_path(str(path)) else f"./{path}"
    try:
        loaded = trust.templates(paths, profiles.load(ref, paths, local_team=local_team))
    except profiles.ProfileErrors as exc:
        return Checked(path, list(exc.lines))
    except UserError as exc:
        return Checked(path, [str(exc)])
    problems: list[str] = []
    for lint in _linters():
        problems += lint(loaded)
    return Checked(path, problems)


def run(targets: Iterable[Path], paths: Paths) -> list[Checked]:
    return [check(path, paths, root) for path, root in expand(targets)]
