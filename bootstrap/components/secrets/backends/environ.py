"""From a profile's `secrets.env` and reference-only env files to a child's environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bootstrap.components.secrets.backends import Ref, Resolution, parse, resolve_all
from bootstrap.components.secrets.backends.envfile import Entry, read
from bootstrap.system.errors import UserError, did_you_mean

if TYPE_CHECKING:
    from bootstrap.profiles.schema import Profile
    from bootstrap.system.context import Context


def wanted(ctx: Context, profile: Profile, env_files: list[Path]) -> dict[str, Entry]:
    """Every variable to set: the profile's, then each env file's (later ones win)."""
    from bootstrap.profiles.schema import CONNECTION_SECRETS, connection_variable

    spec = profile.components.secrets
    entries = {name: Entry(name, (parse(ref),)) for name, ref in (spec.env.items() if spec else [])}
    # each connection's secret, under the name dbt's profiles.yml reads (env_var('DBT_ENV_SECRET_...'))
    for conn_name, conn in (profile.components.connections or {}).items():
        for key in CONNECTION_SECRETS:
            ref = getattr(conn, key)
            if ref is not None:
                variable = connection_variable(conn_name, key)
                entries[variable] = Entry(variable, (parse(ref),))
    for path in env_files:
        for entry in read(path, ctx.tilde(path)):
            entries[entry.name] = entry
    return entries


@dataclass(frozen=True)
class Checked:
    """Each variable with what its references resolved to."""

    entries: dict[str, Entry]
    resolutions: dict[Ref, Resolution]

    def problems(self, name: str) -> list[Resolution]:
        return [self.resolutions[r] for r in self.entries[name].refs if not self.resolutions[r].ok]

    @property
    def missing(self) -> list[str]:
        return [name for name in self.entries if self.problems(name)]

    def values(self) -> dict[str, str]:
        """name -> value for every variable that fully resolved (held in memory only)."""
        resolved = {ref: res.value for ref, res in self.resolutions.items() if res.ok and res.value is not None}
        return {name: e.render(resolved) for name, e in self.entries.items() if name not in self.missing}


def check(ctx: Context, entries: dict[str, Entry]) -> Checked:
    refs = [r for e in entries.values() for r in e.refs]
    return Checked(entries, resolve_all(ctx, refs))


def child_environment(base: Mapping[str, str], checked: Checked) -> dict[str, str]:
    """The environment a child gets: ours, plus the secrets; a missing one is unset, not stale."""
    env = {k: v for k, v in base.items() if k not in checked.missing}
    env.update(checked.values())
    return env


def reference_for(ctx: Context, profile: Profile, name: str) -> Ref:
    """The reference `secrets set NAME` writes to: a profile variable, or a reference itself."""
    spec = profile.components.secrets
    env = spec.env if spec else {}
    if name in env:
        return parse(env[name])
    if "://" in name:
        return parse(name)
    known = ", ".join(env) or "none"
    raise UserError(
        f"{name} is not a secret of this profile ({did_you_mean(name, env)}the profile's are: {known}); give a reference instead, like pass://team/{name.lower()}"
    )
