"""`bootstrap profile ...`: list, show and validate profiles; add, update, trust and remove team sources; scaffold a team repository."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from bootstrap.cli.options import context
from bootstrap.system.errors import UserError

if TYPE_CHECKING:
    from bootstrap.system.context import Context

app = typer.Typer(
    help="List, show, validate and describe profiles; add, update, trust and remove team sources.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@app.command("list")
def profile_list() -> None:
    """List the profiles you can choose: built-in roles, your own, and your teams'."""
    from bootstrap.profiles import load as profiles

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

    from bootstrap.profiles import load as profiles

    ctx = context()
    loaded = profiles.load(name, ctx.paths)
    data = loaded.model.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_defaults=True)
    if as_yaml:
        print(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), end="")
        return
    from bootstrap.engine import render

    render.profile_summary(ctx, ctx.console, loaded)


@app.command("validate")
def profile_validate(
    paths: list[Path] = typer.Argument(
        ..., metavar="PATH..", help="Profile files, or team repository folders (every profile in them)."
    ),
) -> None:
    """Check profiles as a team's CI would: schema, extends (unknown parents, circles), answers
    used in templates, secret reference syntax. Prints file:line for each problem; exit 2 if any.

    Profiles in a team repository extend each other by name, as they will once the team is added.
    """
    from bootstrap.profiles import validate

    ctx = context()
    bad = 0
    for checked in validate.run(paths, ctx.paths):
        if checked.ok:
            print(f"{checked.path}: ok")
            continue
        bad += 1
        for line in checked.problems:
            print(line, file=sys.stderr)
    if bad:
        raise typer.Exit(2)


@app.command("schema")
def profile_schema() -> None:
    """Print the profile JSON Schema (for editors and CI)."""
    import json

    from bootstrap.profiles.schema import json_schema

    print(json.dumps(json_schema(), indent=2))


# --- team sources ---------------------------------------------------------------------------

YesOpt = typer.Option(False, "--yes", "-y", help="Do not ask. Never trusts commands: that takes --trust.")
TrustOpt = typer.Option(
    False, "--trust", help="Also trust the team's commands as fetched (for CI images; they are still shown)."
)


def _confirm(ctx: Context, question: str, yes: bool) -> bool:
    """Ask on a terminal; --yes or no terminal means go ahead (no command here trusts by itself)."""
    from bootstrap.profiles.prompts import TerminalPrompter

    if yes or not ctx.interactive:
        return True
    return TerminalPrompter().confirm(question, default=True)


def _ask_trust(ctx: Context, yes: bool) -> bool:
    """On a terminal, after the summary of what the team asks to run: trust it now? (No by default;
    --yes never trusts.)"""
    from bootstrap.profiles.prompts import TerminalPrompter

    if yes or not ctx.interactive:
        return False
    return TerminalPrompter().confirm("Trust these commands and settings now (shown above)?", default=False)


@app.command("add")
def profile_add(
    source: str = typer.Argument(
        ..., metavar="SOURCE", help="A git URL (https, ssh, file://), a local repository, or a .yaml profile URL/file."
    ),
    name: Optional[str] = typer.Option(None, "--name", metavar="TEAM", help="The team's name (default: from SOURCE)."),
    ref: Optional[str] = typer.Option(
        None, "--ref", metavar="REF", help="Branch, tag or commit (default: the default branch)."
    ),
    yes: bool = YesOpt,
    trust_now: bool = TrustOpt,
    run_follows: bool = typer.Option(False, "--run-follows", hidden=True, help="install.sh starts the run next."),
) -> None:
    """Add a team's profiles, pinned to the commit fetched; they are then TEAM/NAME.

    Nothing from the team runs: its `commands:` are shown and wait for `bootstrap profile trust TEAM`.
    """
    from bootstrap.engine import render_teams
    from bootstrap.profiles import load as profiles
    from bootstrap.profiles import sources, trust

    ctx = context()
    fetched = sources.fetch_new(ctx, source, name, ref)
    try:
        render_teams.fetched(ctx.console, fetched)
        if not _confirm(ctx, f"Add team '{fetched.name}'?", yes):
            fetched.discard()
            ctx.console.print("Nothing was added.", markup=False)
            return
        added = sources.install(ctx, fetched)
    except BaseException:
        fetched.discard()
        raise
    team_source = trust.team_source(ctx.paths, added.name)
    if team_source.asks_trust and (trust_now or _ask_trust(ctx, yes)):
        trust_now = True
        trust.record(ctx.paths, team_source, added.pin)
    names = [i.name for i in profiles.available(ctx.paths) if i.kind == "team" and i.name.startswith(f"{added.name}/")]
    render_teams.added(ctx.console, added, names, trust_now, team_source.asks_trust, run_follows)


@app.command("update")
def profile_update(
    team: Optional[str] = typer.Argument(None, metavar="TEAM", help="The team to update (default: every team)."),
    yes: bool = YesOpt,
    trust_now: bool = TrustOpt,
) -> None:
    """Fetch a team's profiles, show what changed, and move the pin when you agree (or --yes).

    New or changed commands and settings that can run programs wait for `bootstrap profile trust
    TEAM` (on a terminal, it asks); the ones unchanged stay trusted.
    """
    from bootstrap.engine import render_teams
    from bootstrap.profiles import sources, trust
    from bootstrap.system.errors import Failure

    ctx = context()
    names = [team] if team else sorted(sources.read_all(ctx.paths))
    if not names:
        ctx.console.print("No team is added yet: bootstrap profile add URL", markup=False)
        return
    declined = []
    moved_teams = []
    for name in names:
        found = sources.fetch_update(ctx, name)
        render_teams.update(ctx.console, found)
        if not found.changed:
            continue
        if not yes and not ctx.interactive:
            declined.append(name)
            continue
        if not _confirm(ctx, f"Use this version of team '{name}'?", yes):
            declined.append(name)
            continue
        moved = sources.apply_update(ctx, found)
        current = trust.team_source(ctx.paths, name)
        if current.asks_trust and (trust_now or (not trust.is_trusted(ctx.paths, current) and _ask_trust(ctx, yes))):
            trust.record(ctx.paths, current, moved.pin)
        ctx.console.print(f"Team '{name}' now uses {moved.pin[:12]}.", style="green", markup=False)
        moved_teams.append((name, current.asks_trust and not trust.is_trusted(ctx.paths, current)))
    if moved_teams:
        render_teams.next_after_update(ctx, moved_teams)
    if declined:
        raise Failure(
            f"not updated: {', '.join(declined)} (still on the pinned version); "
            f"to use the new version run `bootstrap profile update {declined[0]} --yes`"
        )


@app.command("remove")
def profile_remove(
    team: str = typer.Argument(..., metavar="TEAM", help="The team to remove."),
    yes: bool = YesOpt,
) -> None:
    """Remove a team's profiles, pin and trust. Changes nothing that a run set up."""
    from bootstrap.profiles import sources

    ctx = context()
    sources.get(ctx.paths, team) if not (ctx.paths.teams / team).exists() else None
    if not _confirm(ctx, f"Remove team '{team}' and its profiles from this computer?", yes):
        ctx.console.print("Nothing was removed.", markup=False)
        return
    folder = sources.remove(ctx, team)
    ctx.console.print(f"Removed team '{team}' ({ctx.tilde(folder)}).", markup=False)


@app.command("trust")
def profile_trust(
    name: str = typer.Argument(..., metavar="TEAM|FILE", help="An added team, or a profile file."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask (the commands are still shown)."),
) -> None:
    """Show everything a team (or profile file) asks to run, grouped, and allow exactly that.

    Commands in full, then each setting that can run a program, marked new, changed or trusted
    already. Trust is kept item by item: a later change to one, however small, makes that one
    wait until trusted again; the others stay trusted.
    """
    from bootstrap.engine import render_teams
    from bootstrap.profiles import sources, trust

    ctx = context()
    source = trust.find(ctx.paths, name)
    if not source.asks_trust:
        ctx.console.print(
            f"{name} has no commands and no settings that can run programs; there is nothing to trust.", markup=False
        )
        return
    review = trust.review(ctx.paths, source)
    waiting = review.pending
    ctx.console.print(
        f"{name} asks to run these on your computer, as you ({waiting} new or changed, "
        f"{len(source.commands) + len(source.settings) - waiting} trusted already):",
        markup=False,
    )
    render_teams.commands(ctx.console, source, review)
    question = "Allow exactly these to run and apply?" if source.settings else "Allow exactly these commands to run?"
    if not _confirm(ctx, question, yes):
        ctx.console.print("Not trusted; the new and changed ones will not run or apply.", markup=False)
        return
    pinned = sources.read_all(ctx.paths).get(source.key)
    trust.record(ctx.paths, source, pinned.pin if pinned else None)
    ctx.console.print(
        f"Trusted {len(source.commands)} command(s) and {len(source.settings)} setting(s) of {name}. "
        "They run and apply with `bootstrap run`.",
        style="green",
        markup=False,
    )


@app.command("new")
def profile_new(
    folder: Path = typer.Argument(
        ...,
        metavar="FOLDER",
        help="Where to create the team repository: new, empty, or one this made (rewritten, if unchanged since).",
    ),
    team: Optional[str] = typer.Option(
        None, "--team", metavar="TEAM", help="The team's name (default: the folder name, less a trailing -profiles)."
    ),
    role: str = typer.Option("data-engineer", "--role", metavar="ROLE", help="The built-in role the profile extends."),
    profile: Optional[str] = typer.Option(
        None, "--profile-name", metavar="NAME", help="The profile's name (default: ROLE)."
    ),
    repo_url: Optional[str] = typer.Option(
        None, "--repo-url", metavar="URL", help="Where the team will publish the repository."
    ),
    package: str = typer.Option(
        "", "--package", metavar="URL", help="Where install.sh gets bootstrap: a git URL or an archive URL."
    ),
    installer: str = typer.Option("", "--installer", metavar="URL", help="Where install.sh can be downloaded."),
) -> None:
    """Create a team repository: a profile extending ROLE, a README with the one-line install, and validation in pre-commit and CI."""
    from bootstrap.profiles import load as profiles
    from bootstrap.profiles import scaffold, sources, validate

    ctx = context()
    profiles.resolve(role, ctx.paths)  # an unknown role fails here, with the known names
    folder = folder.resolve()
    name = sources.check_name(team or scaffold.team_name(folder))
    spec = scaffold.Spec(
        team=name,
        profile=sources.check_name(profile or role),
        role=role,
        repo_url=repo_url or scaffold.placeholder_repo(name, folder),
        package=package or scaffold.PLACEHOLDER_PACKAGE,
        installer=installer or scaffold.PLACEHOLDER_INSTALLER,
    )
    written = scaffold.create(folder, spec, ctx.paths.scaffolded, ctx.tilde(folder))
    problems = [p for c in validate.run([folder], ctx.paths) for p in c.problems]
    if problems:  # a bug in the scaffold: the promise is that it validates out of the box
        raise UserError(problems[0])
    for what, paths in (("created", written.created), ("updated", written.updated), ("removed", written.removed)):
        for path in paths:
            ctx.console.print(f"  {what} {ctx.tilde(path)}", markup=False)
    if not (written.created or written.updated or written.removed):
        ctx.console.print(f"  {ctx.tilde(folder)} already holds exactly this; nothing changed", markup=False)
    ctx.console.print(
        f"Team repository for team '{name}' ready; it validates. New hires run:\n  {scaffold.install_line(spec)}",
        markup=False,
    )
    if not (package and installer and repo_url):
        ctx.console.print(
            "Replace the example.com addresses in README.md and .github/workflows/validate.yml "
            "(or pass --repo-url, --package and --installer).",
            markup=False,
        )
