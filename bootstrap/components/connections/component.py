"""Connections: the team's databases and warehouses, set up in the tools' own files (dbt's
profiles.yml, libpq's service file, Snowflake's connections.toml, ~/.databrickscfg) with no
password anywhere on disk, and proven by doctor with a real query.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional

from bootstrap.components.connections import dbtprofiles, toolfiles
from bootstrap.profiles.schema import Connection, Profile
from bootstrap.system import files, paths
from bootstrap.system.context import Context
from bootstrap.system.findings import Check, Outcome
from bootstrap.system.managed import Owned
from bootstrap.system.steps import FileChange, Step

NAME = "connections"
REQUIRES: tuple[str, ...] = ()  # runs after secrets and aws (the registry order); needs neither to finish
DOCS = "https://github.com/bootstrap-dev/bootstrap/blob/main/docs/profiles.md#connections"


def connections_of(profile: Profile) -> dict[str, Connection]:
    return dict(profile.components.connections or {})


# --- plan -----------------------------------------------------------------------------------


def _change(path: Path, after: str, mode: Optional[int] = None) -> Optional[FileChange]:
    before = files.read(path)
    data = files.encode(after)
    current = files.mode_of(path)
    if before == data and (mode is None or current == mode):
        return None
    return FileChange(path, before, data, mode if mode is not None else (0o600 if before is None else None))


def _block_change(path: Path, text: str, body: list[str], mode: Optional[int] = None) -> Optional[FileChange]:
    """The file (whose text is `text`) with our block holding `body`; None when it already does."""
    if not body and files.find_block(text, toolfiles.BLOCK) is None:
        return None
    after = files.with_block(text, toolfiles.BLOCK, body) if body else files.without_block(text, toolfiles.BLOCK)
    return _change(path, after, mode)


def plan(ctx: Context, profile: Profile) -> list[Step]:
    conns = connections_of(profile)
    if not conns:
        return []
    steps: list[Step] = []
    dbt_path = paths.dbt_profiles_file(ctx.home, ctx.env)
    text = files.decode(files.read(dbt_path) or b"")
    change = _change(dbt_path, dbtprofiles.edited(text, ctx.tilde(dbt_path), conns))
    if change:
        names = sorted({c.dbt.profile for c in conns.values() if c.dbt})
        steps.append(
            Step(
                NAME,
                f"Add the dbt profile(s) {', '.join(names)} to {ctx.tilde(dbt_path)} (no password in it)",
                changes=(change,),
            )
        )
    for label, kind, render, path, mode in _tool_files(ctx):
        text = files.decode(files.read(path) or b"")
        mine = toolfiles.sections_of_yours(text)
        clashing = [name for name in conns if name in mine and render({name: conns[name]})]
        for name in clashing:
            steps.append(_clash_step(ctx, name, kind, path))
        body = render({n: c for n, c in conns.items() if n not in clashing})
        if not body:
            continue
        change = _block_change(path, text, body, mode)
        if change:
            steps.append(Step(NAME, f"Write the {label} to {ctx.tilde(path)}", changes=(change,)))
    return steps + _driver_steps(conns)


Render = Callable[[dict[str, Connection]], list[str]]


def _tool_files(ctx: Context) -> list[tuple[str, str, Render, Path, Optional[int]]]:
    """(what, kind, its block's lines, file, mode) of each tool file holding a block of ours."""
    return [
        ("Postgres services", "pg_service", toolfiles.pg_service, paths.pg_service_file(ctx.home, ctx.env), None),
        (  # the connector refuses a connections.toml others can read
            "Snowflake connections",
            "snowflake",
            toolfiles.snowflake,
            paths.snowflake_connections_file(ctx.home, ctx.env),
            0o600,
        ),
        (
            "Databricks profiles",
            "databricks",
            toolfiles.databricks,
            paths.databricks_config_file(ctx.home, ctx.env),
            None,
        ),
    ]


def _clash_step(ctx: Context, name: str, kind: str, path: Path) -> Step:
    """The person already has a section of that name: theirs stays, ours waits for them to choose."""
    why = toolfiles.CLASH[kind].format(name=name)
    return Step(
        NAME,
        f"Add the {name} connection to {ctx.tilde(path)}: it already has a [{name}] of your own, left as it is ({why})",
        waits_on="you",
        fix=f"rename or remove your [{name}] in {ctx.tilde(path)}, then run `bootstrap run` again",
    )


def owned(ctx: Context, profile: Profile) -> list[Owned]:
    """Our blocks in the tools' files: a profile that drops them has them cut out. Outputs added
    to dbt's profiles.yml stay (the person may have built on them): `bootstrap undo` removes them."""
    conns = connections_of(profile)
    return [Owned("block", str(path), toolfiles.BLOCK) for _, _, render, path, _ in _tool_files(ctx) if render(conns)]


def _driver_steps(conns: dict[str, Connection]) -> list[Step]:
    """The drivers doctor's queries need, into bootstrap's own environment (pip, from PyPI)."""
    import sys

    from bootstrap.components.connections import probe

    steps: list[Step] = []
    for driver in dict.fromkeys(probe.DRIVERS[c.type] for c in conns.values() if c.type in probe.DRIVERS):
        if probe.installed(driver) or sys.version_info < driver.python:
            continue  # too old a Python: the check says so, rather than a failing install
        types = sorted({c.type for c in conns.values() if probe.DRIVERS.get(c.type) == driver})
        steps.append(
            Step(
                NAME,
                f"Install the {'/'.join(types)} driver ({driver.requirement}) into bootstrap's environment, "
                "so that doctor can run a query",
                commands=(probe.install_command(driver),),
                installs=(
                    f"the Python package {driver.package}",
                    f"{sys.executable} -m pip uninstall {driver.package}",
                ),
                needs=("network",),
            )
        )
    return steps


# --- doctor ---------------------------------------------------------------------------------


def checks(ctx: Context, profile: Profile) -> list[Check]:
    from bootstrap.system.findings import ok

    found: list[Check] = []

    def probe(name: str, conn: Connection) -> Callable[[], Outcome]:
        def run() -> Outcome:
            if ctx.offline:
                return Outcome("skipped", f"{name}: not queried (--offline)")
            from bootstrap.components.connections import probe as probes

            reached = probes.check(ctx, name, conn)
            if reached.ok:
                return ok(f"{name}: {reached.summary}")
            if reached.kind in ("not_verified", "sign_in"):
                return Outcome("info", f"{name}: {ctx.tilde(reached.summary)}", reached.fix, DOCS)
            return Outcome("error", f"{name}: {ctx.tilde(reached.summary)}", reached.fix, DOCS)

        return run

    for name, conn in connections_of(profile).items():
        found.append(Check(f"connections.{name}", NAME, probe(name, conn)))
    return found
