"""`bootstrap terragrunt ...`: install, list, which and uninstall pinned Terragrunt versions.

Terragrunt is pinned by exact versions only (`.terragrunt-version`, tgenv's file), so it has no
`use`; the rest is the shared code in cli/pinned.py and components/terraform/pinned.py."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from bootstrap.cli.options import ProfileOpt, context, journaled
from bootstrap.cli.pinned import download, for_folder, listed, run_here, settings, shim_args
from bootstrap.components.terraform.tools import TERRAGRUNT
from bootstrap.system.errors import UserError

if TYPE_CHECKING:
    from bootstrap.components.terraform.constraints import Version
    from bootstrap.components.terraform.pinned import Settings
    from bootstrap.system.context import Context

TOOL = TERRAGRUNT

app = typer.Typer(
    help=(
        "Pinned Terragrunt versions from GitHub's release downloads (or the team's mirror), each checked "
        "against its SHA256SUMS, and its signature when the profile sets terraform.terragrunt.keys."
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
)


def _chosen(ctx: Context, conf: Settings, spec: Optional[str], directory: Path) -> Version:
    from bootstrap.components.terraform import component as terraform
    from bootstrap.components.terraform.pins import Pin

    if spec:
        return terraform.resolve_exact(ctx, conf, Pin(spec, "the command line"))
    choice = terraform.choose(ctx, directory, conf)
    if choice is None:
        raise UserError(
            "nothing pins a Terragrunt version here (no .terragrunt-version, no terraform.terragrunt.version in "
            "the profile); name one: bootstrap terragrunt install VERSION (`bootstrap terragrunt list --remote` "
            "lists them) or latest"
        )
    return choice.version


def _shim(ctx: Context, conf: Settings) -> None:
    from bootstrap.components.terraform import pinned

    journaled(ctx, TOOL.command, lambda: [pinned.shim_step(ctx, conf)])


@app.command("install")
def install(
    version: Optional[str] = typer.Argument(
        None,
        metavar="[VERSION]",
        help="A version (0.67.16) or latest. Default: what `which` chooses here.",
    ),
    profile: Optional[str] = ProfileOpt,
) -> None:
    """Download, check and install a Terragrunt version, and put the `terragrunt` command in ~/.local/bin.

    The download is checked against the release's SHA256SUMS, and against its OpenPGP signature
    (SHA256SUMS.gpgsig) when signing keys are set (terraform.terragrunt.keys or
    BOOTSTRAP_TERRAGRUNT_KEYS); without keys it is checked by checksum only, and this says so."""
    from bootstrap.components.terraform import pinned

    ctx = context()
    conf = settings(ctx, TOOL, profile)
    chosen = _chosen(ctx, conf, version, Path.cwd())
    new = download(ctx, conf, chosen)
    _shim(ctx, conf)
    if new:
        ctx.console.print(
            f"Installed Terragrunt {chosen} in {ctx.tilde(pinned.binary(ctx, TOOL, chosen).parent)} "
            f"({pinned.checked_by(ctx, conf)})",
            markup=False,
        )
    else:
        ctx.console.print(f"Terragrunt {chosen} is already installed.", markup=False)


@app.command("list")
def list_versions(
    remote: bool = typer.Option(
        False, "--remote", help="List the releases the GitHub API offers (drafts and pre-releases left out)."
    ),
    profile: Optional[str] = ProfileOpt,
) -> None:
    """List installed Terragrunt versions (or, with --remote, every release), newest first."""
    ctx = context()
    if not listed(ctx, settings(ctx, TOOL, profile), remote):
        ctx.console.print(
            "No Terragrunt version is installed yet; `bootstrap terragrunt install VERSION` installs one.",
            markup=False,
        )


@app.command("which")
def which(
    directory: Path = typer.Argument(Path("."), metavar="[DIR]", help="The project folder (default: here)."),
    profile: Optional[str] = ProfileOpt,
) -> None:
    """Print the Terragrunt version chosen for DIR, whether it is installed, and what chose it."""
    from bootstrap.components.terraform import component as terraform
    from bootstrap.components.terraform import pinned
    from bootstrap.components.terraform import render as tfrender

    ctx, conf = for_folder(TOOL, directory, profile)
    choice = terraform.choose(ctx, directory, conf)
    if choice is None:
        other = pinned.fallback(ctx, TOOL)
        if other is None:
            raise UserError(
                f"nothing pins a Terragrunt version for {ctx.tilde(directory.resolve())} (no .terragrunt-version, "
                "no terraform.terragrunt.version in the profile), none is installed and no other terragrunt is on "
                "your PATH; write a version in .terragrunt-version (`bootstrap terragrunt list --remote` lists them)"
            )
        for line in tfrender.fallback_lines(ctx, TOOL, other):
            print(line)
        return
    for line in tfrender.which_lines(ctx, TOOL, choice):
        print(line)


@app.command("uninstall")
def uninstall(
    version: str = typer.Argument(
        ..., metavar="VERSION", help="An installed version (see `bootstrap terragrunt list`)."
    ),
    profile: Optional[str] = ProfileOpt,
) -> None:
    """Remove one installed Terragrunt version."""
    from bootstrap.components.terraform import pinned
    from bootstrap.system import releases
    from bootstrap.system.errors import did_you_mean

    ctx = context()
    conf = settings(ctx, TOOL, profile)
    chosen = pinned.exact(TOOL, version, "the command line")
    if not releases.uninstall(pinned.versions_dir(ctx, TOOL), str(chosen)):
        have = [str(v) for v in pinned.installed(ctx, TOOL)]
        raise UserError(
            f"Terragrunt {chosen} is not installed; {did_you_mean(str(chosen), have)}see `bootstrap terragrunt list`"
        )
    if pinned.shim_path(ctx, TOOL).is_file():  # its fallback may have been the version just removed
        _shim(ctx, conf)
    ctx.console.print(f"Removed Terragrunt {chosen}.", markup=False)


@app.command("exec", hidden=True, context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def exec_(typer_ctx: typer.Context) -> None:
    """The shim's slow path: resolve the version for this folder, install it if needed, run it."""
    run_here(TOOL, shim_args(typer_ctx))
