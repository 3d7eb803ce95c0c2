"""`bootstrap terragrunt ...`: install, list, which and uninstall pinned Terragrunt versions."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from bootstrap.cli.options import ProfileOpt, context, journaled
from bootstrap.system.errors import Failure, UserError

if TYPE_CHECKING:
    from bootstrap.components.terraform.constraints import Version
    from bootstrap.components.terraform.terragrunt import Settings
    from bootstrap.system.context import Context

app = typer.Typer(
    help=(
        "Pinned Terragrunt versions from GitHub's release downloads (or the team's mirror), each checked "
        "against its SHA256SUMS, and its signature when the profile sets terraform.terragrunt.keys."
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
)


def _settings(ctx: Context, profile: Optional[str]) -> Settings:
    from bootstrap.components.terraform import terragrunt
    from bootstrap.engine import runs

    spec = runs.profile_of(ctx, profile).components.terraform
    return terragrunt.settings(ctx, spec.terragrunt if spec is not None else None)


def _chosen(ctx: Context, conf: Settings, spec: Optional[str], directory: Path) -> Version:
    from bootstrap.components.terraform import terragrunt
    from bootstrap.components.terraform.pins import Pin

    if spec:
        return terragrunt.resolve(ctx, conf, Pin(spec, "the command line"))
    pin = terragrunt.find_pin(directory, ctx.home, conf.default)
    if pin is None:
        raise UserError(
            "nothing pins a Terragrunt version here (no .terragrunt-version, no terraform.terragrunt.version in "
            "the profile); name one: bootstrap terragrunt install VERSION (`bootstrap terragrunt list --remote` "
            "lists them) or latest"
        )
    return terragrunt.resolve(ctx, conf, pin)


def _install(ctx: Context, conf: Settings, version: Version) -> bool:
    """Install version when missing; True when it was downloaded now."""
    from bootstrap.components.terraform import render as tfrender
    from bootstrap.components.terraform import terragrunt
    from bootstrap.system import releases

    try:
        with tfrender.download_progress(ctx, f"Terragrunt {version}") as progress:
            done = terragrunt.install_version(ctx, conf, version, progress)
    except releases.Unreachable as exc:
        raise Failure(ctx.tilde(terragrunt.cannot_reach(conf, exc))) from None
    if done.note:
        ctx.err_console.print(done.note, markup=False)
    return not done.already


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
    from bootstrap.components.terraform import terragrunt

    ctx = context()
    conf = _settings(ctx, profile)
    chosen = _chosen(ctx, conf, version, Path.cwd())
    new = _install(ctx, conf, chosen)
    journaled(ctx, "terragrunt", lambda: [terragrunt.shim_step(ctx, conf)])
    if new:
        ctx.console.print(
            f"Installed Terragrunt {chosen} in {ctx.tilde(terragrunt.binary(ctx, chosen).parent)} "
            f"({terragrunt.checked_by(ctx, conf)})",
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
    from bootstrap.components.terraform import terragrunt
    from bootstrap.components.terraform.constraints import try_version

    ctx = context()
    conf = _settings(ctx, profile)
    have = terragrunt.installed(ctx)
    if remote:
        from bootstrap.system import releases

        try:
            listed = terragrunt.site(ctx, conf).versions(fresh=True)
        except releases.Unreachable as exc:
            raise Failure(ctx.tilde(terragrunt.cannot_reach(conf, exc))) from None
        for v in sorted((v for v in (try_version(t) for t in listed) if v is not None), reverse=True):
            print(f"{v}{'  (installed)' if v in have else ''}")
        return
    if not have:
        ctx.console.print(
            "No Terragrunt version is installed yet; `bootstrap terragrunt install VERSION` installs one.",
            markup=False,
        )
        return
    for v in reversed(have):
        print(str(v))


@app.command("which")
def which(
    directory: Path = typer.Argument(Path("."), metavar="[DIR]", help="The project folder (default: here)."),
    profile: Optional[str] = ProfileOpt,
) -> None:
    """Print the Terragrunt version chosen for DIR, whether it is installed, and what chose it."""
    from bootstrap.components.terraform import terragrunt

    ctx = context()
    if not directory.is_dir():
        raise UserError(f"{directory} is not a folder")
    conf = _settings(ctx, profile)
    pin = terragrunt.find_pin(directory, ctx.home, conf.default)
    if pin is None:
        from bootstrap.components.terraform import render as tfrender

        other = terragrunt.fallback(ctx)
        if other is None:
            raise UserError(
                f"nothing pins a Terragrunt version for {ctx.tilde(directory.resolve())} (no .terragrunt-version, "
                "no terraform.terragrunt.version in the profile), none is installed and no other terragrunt is on "
                "your PATH; write a version in .terragrunt-version (`bootstrap terragrunt list --remote` lists them)"
            )
        for line in tfrender.fallback_lines(ctx, other):
            print(line)
        return
    version = terragrunt.resolve(ctx, conf, pin)
    state = (
        "installed"
        if version in terragrunt.installed(ctx)
        else f"not installed yet: bootstrap terragrunt install {version}"
    )
    print(f"{version} ({state})")
    said = f" says '{pin.spec}'" if pin.spec != str(version) else ""
    print(
        ctx.tilde(
            f"chosen by {pin.where(ctx.tilde)}{said}"
            if pin.file
            else "chosen by the profile's terraform.terragrunt.version"
        )
    )


@app.command("uninstall")
def uninstall(
    version: str = typer.Argument(
        ..., metavar="VERSION", help="An installed version (see `bootstrap terragrunt list`)."
    ),
    profile: Optional[str] = ProfileOpt,
) -> None:
    """Remove one installed Terragrunt version."""
    from bootstrap.components.terraform import terragrunt
    from bootstrap.system import releases
    from bootstrap.system.errors import did_you_mean

    ctx = context()
    conf = _settings(ctx, profile)
    chosen = terragrunt.exact(version, "the command line")
    if not releases.uninstall(ctx.paths.terragrunt_versions, str(chosen)):
        have = [str(v) for v in terragrunt.installed(ctx)]
        raise UserError(
            f"Terragrunt {chosen} is not installed; {did_you_mean(str(chosen), have)}see `bootstrap terragrunt list`"
        )
    if terragrunt.shim_path(ctx).is_file():  # its fallback may have been the version just removed
        journaled(ctx, "terragrunt", lambda: [terragrunt.shim_step(ctx, conf)])
    ctx.console.print(f"Removed Terragrunt {chosen}.", markup=False)


@app.command("exec", hidden=True, context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def exec_(typer_ctx: typer.Context) -> None:
    """The shim's slow path: resolve the version for this folder, install it if needed, run it."""
    from bootstrap.components.terraform import terragrunt

    ctx = context()
    args = list(typer_ctx.args)
    if args[:1] == ["--"]:
        args = args[1:]
    conf = _settings(ctx, None)
    pin = terragrunt.find_pin(Path.cwd(), ctx.home, conf.default)
    if pin is None:
        other = terragrunt.fallback(ctx)
        if other is None:
            raise Failure(
                "no Terragrunt version is pinned here, none is installed, and there is no other terragrunt on your "
                "PATH; run `bootstrap terragrunt install VERSION` (`bootstrap terragrunt list --remote` lists them)"
            )
        sys.stdout.flush()
        os.execv(other.path, [str(other.path), *args])  # noqa: S606 - run what the person had, as before
    else:
        version = terragrunt.resolve(ctx, conf, pin)
        if version not in terragrunt.installed(ctx):
            ctx.err_console.print(
                f"Terragrunt {version} ({ctx.tilde(pin.where(ctx.tilde))}) is not installed yet; installing it.",
                markup=False,
            )
            _install(ctx, conf, version)
    program = str(terragrunt.binary(ctx, version))
    sys.stdout.flush()
    os.execv(program, [program, *args])  # noqa: S606 - become terragrunt, as the shim does
