"""`bootstrap connections ...`: run a real query against each connection; run a program with one's credentials."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import typer

from bootstrap.cli.options import ProfileOpt, context
from bootstrap.system.errors import UserError, did_you_mean

if TYPE_CHECKING:
    from bootstrap.profiles.schema import Connection
    from bootstrap.system.context import Context

app = typer.Typer(
    help="The team's databases and warehouses: check each one with a real query, or run a program connected to one.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def _connections(ctx: Context, profile: Optional[str]) -> dict[str, Connection]:
    from bootstrap.engine import runs

    loaded = runs.prepare(ctx, profile=profile, answers_file=None, mode="doctor").profile
    return dict(loaded.components.connections or {})


def _one(conns: dict[str, Connection], name: str) -> Connection:
    if name not in conns:
        known = ", ".join(conns) or "none"
        raise UserError(
            f"{name} is not a connection of this profile ({did_you_mean(name, list(conns))}its connections: {known})"
        )
    return conns[name]


@app.command("check")
def check(
    name: Optional[str] = typer.Argument(None, metavar="[NAME]", help="One connection (default: all of them)."),
    profile: Optional[str] = ProfileOpt,
) -> None:
    """Connect and run `select 1` on each connection, at the same time. Exit 1 when one fails, 2 on a bad NAME."""
    from bootstrap.components.connections import probe, render

    ctx = context()
    conns = _connections(ctx, profile)
    if name is not None:
        conns = {name: _one(conns, name)}
    if not conns:
        ctx.console.print("This profile names no connections (components.connections is empty).", markup=False)
        return
    results = probe.check_all(ctx, conns, interactive=ctx.interactive)
    render.check_report(ctx, results)
    if any(not r.ok and r.kind not in render.MARKS for r in results):
        raise typer.Exit(1)


@app.command("exec", context_settings={"allow_interspersed_args": False})
def exec_(
    name: str = typer.Argument(..., metavar="NAME", help="The connection."),
    command: list[str] = typer.Argument(..., metavar="-- CMD..", help="The command to run, after --."),
    profile: Optional[str] = ProfileOpt,
) -> None:
    """Run a command with one connection's settings and credentials in its environment only
    (PGSERVICE and PGPASSWORD for Postgres, AWS_PROFILE for Athena, ...); exits with the command's exit code."""
    from bootstrap.components.connections import environment, probe

    ctx = context()
    conn = _one(_connections(ctx, profile), name)
    # parsing stops at NAME, so the `--` between NAME and the command arrives with the command
    command = command[1:] if command[:1] == ["--"] else command
    if not command:
        raise UserError("give the command to run after --, e.g. bootstrap connections exec warehouse -- psql")
    values, problems = probe.secrets_of(ctx, conn)
    if problems:
        for problem in problems:
            ctx.err_console.print(f"bootstrap: {name}: {ctx.tilde(problem.summary)}; next: {problem.fix}", markup=False)
        raise typer.Exit(1)
    ctx.runner.replace_with(command, {**ctx.env, **environment.variables(ctx, name, conn, values)})
