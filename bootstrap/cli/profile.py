"""`bootstrap profile ...`: list, show, validate and describe profiles."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from bootstrap.cli.options import context
from bootstrap.errors import UserError

app = typer.Typer(help="List, show, validate and describe profiles.", no_args_is_help=True, rich_markup_mode=None)


@app.command("list")
def profile_list() -> None:
    """List the profiles you can choose: built-in roles, your own, and your teams'."""
    from bootstrap import profiles

    ctx = context()
    for info in profiles.available(ctx.paths):
        description = profiles.describe(info)
        ctx.console.print(f"{info.name:<28} {info.kind:<9} {description}", markup=False, soft_wrap=True)


@app.command("show")
def profile_show(
    name: str = typer.Argument(..., metavar="NAME", help="Profile name or path."),
    as_yaml: bool = typer.Option(False, "--yaml", help="Print the merged profile as YAML."),
) -> None:
    """Show what a profile sets up, with everything it extends merged in."""
    import yaml

    from bootstrap import profiles

    ctx = context()
    loaded = profiles.load(name, ctx.paths)
    data = loaded.model.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_defaults=True)
    if as_yaml:
        print(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), end="")
        return
    from bootstrap import render

    render.profile_summary(ctx, ctx.console, loaded)


@app.command("validate")
def profile_validate(paths: list[Path] = typer.Argument(..., metavar="PATH..", help="Profile files to check.")) -> None:
    """Check profile files: schema, extends, answers used. Prints file:line for each problem."""
    from bootstrap import profiles

    ctx = context()
    bad = 0
    for path in paths:
        try:
            profiles.load(str(path) if profiles.looks_like_path(str(path)) else f"./{path}", ctx.paths)
        except profiles.ProfileErrors as exc:
            bad += 1
            for line in exc.lines:
                print(line, file=sys.stderr)
        except UserError as exc:
            bad += 1
            print(exc, file=sys.stderr)
        else:
            print(f"{path}: ok")
    if bad:
        raise typer.Exit(2)


@app.command("schema")
def profile_schema() -> None:
    """Print the profile JSON Schema (for editors and CI)."""
    import json

    from bootstrap.schema import json_schema

    print(json.dumps(json_schema(), indent=2))
