"""`bootstrap terraform ...`: install, use, list, which and uninstall pinned Terraform versions."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from bootstrap.cli.options import ProfileOpt, context, journaled
from bootstrap.system.errors import Failure, UserError

if TYPE_CHECKING:
    from bootstrap.components.terraform.component import Settings
    from bootstrap.components.terraform.pins import Pin
    from bootstrap.system.context import Context
    from bootstrap.system.steps import Step

app = typer.Typer(
    help="Pinned Terraform versions: verified installs, and the right version in each project.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def _settings(ctx: Context, profile: Optional[str]) -> Settings:
    from bootstrap.components.terraform import component as terraform
    from bootstrap.engine import runs

    return terraform.settings(ctx, runs.profile_of(ctx, profile).components.terraform)


def _install(ctx: Context, conf: Settings, spec: Optional[str], directory: Path) -> str:
    from bootstrap.components.terraform import component as terraform
    from bootstrap.components.terraform import render as tfrender
    from bootstrap.components.terraform.constraints import try_version
    from bootstrap.components.terraform.pins import Pin, resolve
    from bootstrap.system import releases

    if spec:
        exact = try_version(spec.lstrip("="))
        if exact is None:
            pool, unseen = terraform.candidates(ctx, conf)
            if unseen:
                ctx.err_console.print(ctx.tilde(unseen + terraform.INSTALLED_ONLY), markup=False)
            exact = resolve(Pin(spec, "the command line"), pool, unseen)
        version = exact
    else:
        _refusal(ctx, directory, conf)
        choice = terraform.choose(ctx, directory, conf)
        if choice is None:
            raise UserError(
                "nothing pins a Terraform version here; name one (bootstrap terraform install VERSION) "
                f"or pin one: {terraform.use_hint(ctx)}"
            )
        version = choice.version
    try:
        with tfrender.download_progress(ctx, f"Terraform {version}") as progress:
            done = terraform.install_version(ctx, conf, version, progress)
    except releases.Unreachable as exc:
        raise Failure(ctx.tilde(terraform.cannot_reach(conf, exc))) from None
    if done.note:
        ctx.err_console.print(done.note, markup=False)
    return str(version) if done.already else f"{version} (new)"


def _refusal(ctx: Context, directory: Path, conf: Settings, pin: Optional[Pin] = None) -> None:
    """Say before choosing what Terraform itself will refuse in the folder's pins (the shim does not ask)."""
    from bootstrap.components.terraform.pins import find_pin, refusal

    pin = pin or find_pin(directory, ctx.home, conf.default)
    warning = refusal(pin, ctx.tilde) if pin else None
    if warning:
        ctx.err_console.print(warning, markup=False)


@app.command("install")
def install(
    spec: Optional[str] = typer.Argument(
        None,
        metavar="[SPEC]",
        help="A version (1.5.7), a constraint ('~> 1.5.0') or latest. Default: what `which` chooses here.",
    ),
    profile: Optional[str] = ProfileOpt,
) -> None:
    """Download, verify (SHA-256 and HashiCorp's signature) and install a Terraform version."""
    from bootstrap.components.terraform import component as terraform

    ctx = context()
    conf = _settings(ctx, profile)
    result = _install(ctx, conf, spec, Path.cwd())
    version = result.split()[0]
    journaled(ctx, "terraform", lambda: [terraform.shim_step(ctx)])
    if result.endswith("(new)"):
        ctx.console.print(
            f"Installed and verified Terraform {version} in {ctx.tilde(terraform.binary(ctx, version).parent)}",
            markup=False,
        )
    else:
        ctx.console.print(f"Terraform {version} is already installed.", markup=False)


@app.command("use")
def use(
    spec: str = typer.Argument(
        ..., metavar="SPEC", help="A version, a constraint, latest, latest:<regex>, min-required or latest-allowed."
    ),
    global_: bool = typer.Option(
        False, "--global", help="Set your default (~/.terraform-version) instead of this folder's."
    ),
    profile: Optional[str] = ProfileOpt,
) -> None:
    """Pin a version for this folder (writes .terraform-version) and install it."""
    from bootstrap.components.terraform import component as terraform
    from bootstrap.components.terraform.pins import VERSION_FILE, Pin, resolve
    from bootstrap.system import files
    from bootstrap.system.steps import FileChange, Step

    ctx = context()
    conf = _settings(ctx, profile)
    pin = Pin(spec.strip(), "the command line", module=Path.cwd())
    _refusal(ctx, Path.cwd(), conf, pin)
    pool, unseen = terraform.candidates(ctx, conf, pin.exact is None)
    version = resolve(pin, pool, unseen)  # refuse a pin that nothing satisfies before writing it
    _install(ctx, conf, str(version), Path.cwd())
    target = (ctx.home if global_ else Path.cwd()) / VERSION_FILE
    after = f"{spec.strip()}\n".encode()

    def steps() -> list[Optional[Step]]:
        before = files.read(target)
        change = (FileChange(target, before, after),)
        pin = (
            None
            if before == after
            else Step(terraform.NAME, f"Pin Terraform {spec} in {ctx.tilde(target)}", changes=change)
        )
        return [terraform.shim_step(ctx), pin]

    journaled(ctx, "terraform", steps)
    where = "by default" if global_ else "in this folder"
    ctx.console.print(f"`terraform` now runs Terraform {version} {where}.", markup=False)


@app.command("list")
def list_versions(
    remote: bool = typer.Option(False, "--remote", help="List the versions the release site offers."),
    profile: Optional[str] = ProfileOpt,
) -> None:
    """List installed versions (or, with --remote, every release), newest first."""
    from bootstrap.components.terraform import component as terraform
    from bootstrap.components.terraform.constraints import try_version

    ctx = context()
    conf = _settings(ctx, profile)
    have = terraform.installed(ctx)
    if remote:
        from bootstrap.system import releases

        try:
            listed = terraform.site(ctx, conf).versions(fresh=True)
        except releases.Unreachable as exc:
            raise Failure(ctx.tilde(terraform.cannot_reach(conf, exc))) from None
        versions = sorted((v for v in (try_version(t) for t in listed) if v is not None), reverse=True)
        for v in versions:
            print(f"{v}{'  (installed)' if v in have else ''}")
        return
    if not have:
        ctx.console.print(
            "No Terraform version is installed yet; `bootstrap terraform install` installs the one this folder needs.",
            markup=False,
        )
        return
    choice = None
    with contextlib.suppress(UserError):
        choice = terraform.choose(ctx, Path.cwd(), conf)
    for v in reversed(have):
        print(f"{v}{'  (chosen here)' if choice and choice.version == v else ''}")


@app.command("which")
def which(
    directory: Path = typer.Argument(Path("."), metavar="[DIR]", help="The project folder (default: here)."),
    profile: Optional[str] = ProfileOpt,
) -> None:
    """Print the version chosen for DIR, whether it is installed, and the file and line that decided it."""
    from bootstrap.components.terraform import component as terraform
    from bootstrap.components.terraform import render as tfrender

    ctx = context()
    if not directory.is_dir():
        raise UserError(f"{directory} is not a folder")
    conf = _settings(ctx, profile)
    _refusal(ctx, directory, conf)
    choice = terraform.choose(ctx, directory, conf)
    if choice is None:
        other = terraform.fallback(ctx)
        if other is None:
            raise UserError(
                f"nothing pins a Terraform version for {ctx.tilde(directory.resolve())} (no .terraform-version, "
                "required_version, terragrunt constraint or profile default), none is installed and no other "
                f"terraform is on your PATH; pin one: {terraform.use_hint(ctx)}"
            )
        # Still "nothing pins" (exit 2, as tfenv, tenv and tfswitch answer), but with what runs here.
        raise UserError(
            f"nothing pins a Terraform version for {ctx.tilde(directory.resolve())} (no .terraform-version, "
            f"required_version, terragrunt constraint or profile default), so `terraform` runs "
            f"{other.what(ctx.tilde)}; to pin one for this folder: bootstrap terraform use VERSION"
        )
    for line in tfrender.which_lines(ctx, choice):
        print(line)


@app.command("uninstall")
def uninstall(
    version: str = typer.Argument(
        ..., metavar="VERSION", help="An installed version (see `bootstrap terraform list`)."
    ),
    profile: Optional[str] = ProfileOpt,
) -> None:
    """Remove one installed Terraform version."""
    from bootstrap.components.terraform import component as terraform
    from bootstrap.system import releases
    from bootstrap.system.errors import did_you_mean

    ctx = context()
    _settings(ctx, profile)
    if not releases.uninstall(ctx.paths.terraform_versions, version.lstrip("v")):
        have = [str(v) for v in terraform.installed(ctx)]
        raise UserError(
            f"Terraform {version} is not installed; {did_you_mean(version, have)}see `bootstrap terraform list`"
        )
    ctx.console.print(f"Removed Terraform {version}.", markup=False)


@app.command("exec", hidden=True, context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def exec_(typer_ctx: typer.Context) -> None:
    """The shim's slow path: resolve the version for this folder, install it if needed, run it."""
    from bootstrap.components.terraform import component as terraform

    ctx = context()
    args = [a for a in typer_ctx.args]
    if args[:1] == ["--"]:
        args = args[1:]
    conf = _settings(ctx, None)
    choice = terraform.choose(ctx, Path.cwd(), conf)
    if choice is None:
        other = terraform.fallback(ctx)
        if other is None:
            raise Failure(
                "no Terraform version is pinned here, none is installed, and there is no other terraform on "
                f"your PATH; pin and install one: {terraform.use_hint(ctx)}"
            )
        sys.stdout.flush()
        os.execv(other.path, [str(other.path), *args])  # noqa: S606 - run what the person had, as before
    else:
        version = str(choice.version)
        if not choice.installed:
            ctx.err_console.print(
                f"Terraform {version} ({ctx.tilde(choice.pin.where(ctx.tilde))}) is not installed yet; installing it.",
                markup=False,
            )
            _install(ctx, conf, version, Path.cwd())
        if choice.pin.source in ("required_version", "terragrunt"):
            _note_once(ctx, choice.pin.where(ctx.tilde), version)
    program = str(terraform.binary(ctx, version))
    sys.stdout.flush()
    os.execv(program, [program, *args])  # noqa: S606 - become terraform, as the shim does


def _note_once(ctx: Context, where: str, version: str) -> None:
    import hashlib

    marker = ctx.paths.terraform_cache / "noted" / hashlib.sha256(where.encode()).hexdigest()[:16]
    if marker.exists():
        return
    ctx.err_console.print(
        f"note: this project pins Terraform only through {where}, so each call takes a slower path; "
        f"`bootstrap terraform use {version}` here makes it instant.",
        markup=False,
    )
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.touch()
