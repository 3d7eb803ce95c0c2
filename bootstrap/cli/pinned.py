"""`bootstrap terraform ...` and `bootstrap tofu ...`: install, use, list, which and uninstall
pinned versions of a tool that projects pin by a version file or `required_version`, written
once for both (the tool's description is in components/terraform/tools.py)."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional

import typer

from bootstrap.cli.options import ProfileOpt, context, journaled
from bootstrap.system.errors import Failure, UserError

if TYPE_CHECKING:
    from bootstrap.components.terraform.pinned import Settings
    from bootstrap.components.terraform.pins import Pin
    from bootstrap.components.terraform.tools import Tool
    from bootstrap.system.context import Context
    from bootstrap.system.steps import Step


def settings(ctx: Context, tool: Tool, profile: Optional[str]) -> Settings:
    """The tool's settings from the profile that applies here (environment first)."""
    from bootstrap.components.terraform import component as terraform
    from bootstrap.engine import runs

    return terraform.settings(ctx, tool, runs.profile_of(ctx, profile).components.terraform)


def download(ctx: Context, conf: Settings, version: object) -> bool:
    """Install version when missing, with a progress bar on a terminal; True when it was downloaded now."""
    from bootstrap.components.terraform import pinned
    from bootstrap.components.terraform import render as tfrender
    from bootstrap.system import releases

    try:
        with tfrender.download_progress(ctx, f"{conf.tool.product} {version}") as progress:
            done = pinned.install_version(ctx, conf, version, progress)
    except releases.Unreachable as exc:
        raise Failure(ctx.tilde(pinned.cannot_reach(conf, exc))) from None
    if done.note:
        ctx.err_console.print(done.note, markup=False)
    return not done.already


def listed(ctx: Context, conf: Settings, remote: bool, chosen: Optional[object] = None) -> bool:
    """Print installed versions (or every release), newest first; False when none is installed."""
    from bootstrap.components.terraform import pinned
    from bootstrap.components.terraform.constraints import try_version

    have = pinned.installed(ctx, conf.tool)
    if remote:
        from bootstrap.system import releases

        try:
            names = pinned.site(ctx, conf).versions(fresh=True)
        except releases.Unreachable as exc:
            raise Failure(ctx.tilde(pinned.cannot_reach(conf, exc))) from None
        for v in sorted((v for v in (try_version(t) for t in names) if v is not None), reverse=True):
            print(f"{v}{'  (installed)' if v in have else ''}")
        return True
    for v in reversed(have):
        print(f"{v}{'  (chosen here)' if chosen is not None and chosen == v else ''}")
    return bool(have)


def become(program: object, args: list[str]) -> None:
    sys.stdout.flush()
    os.execv(str(program), [str(program), *args])  # noqa: S606 - become the program, as the shim does


def shim_args(typer_ctx: typer.Context) -> list[str]:
    args = list(typer_ctx.args)
    return args[1:] if args[:1] == ["--"] else args


def for_folder(tool: Tool, directory: Path, profile: Optional[str]) -> tuple[Context, Settings]:
    """`which DIR`'s start: DIR must be a folder (bad input otherwise), then the tool's settings."""
    ctx = context()
    if not directory.is_dir():
        raise UserError(f"{directory} is not a folder")
    return ctx, settings(ctx, tool, profile)


def run_here(tool: Tool, args: list[str], noted: Optional[Callable[[Context, str, str], None]] = None) -> None:
    """Become the version pinned here, installing it first when needed; where nothing pins one,
    the newest installed or the program the person had before."""
    from bootstrap.components.terraform import component as terraform
    from bootstrap.components.terraform import pinned

    ctx = context()
    conf = settings(ctx, tool, None)
    choice = terraform.choose(ctx, Path.cwd(), conf)
    if choice is None:
        other = pinned.fallback(ctx, tool)
        if other is None:
            hint = (
                f"pin and install one: {terraform.use_hint(ctx, tool)}"
                if tool.constraints
                else f"run `bootstrap {tool.command} install VERSION` (`bootstrap {tool.command} list --remote` lists them)"
            )
            raise Failure(
                f"no {tool.product} version is pinned here, none is installed, and there is no other {tool.command} "
                f"on your PATH; {hint}"
            )
        become(other.path, args)  # run what the person had, as before
        return
    if not choice.installed:
        ctx.err_console.print(
            f"{tool.product} {choice.version} ({ctx.tilde(choice.pin.where(ctx.tilde))}) is not installed yet; "
            "installing it.",
            markup=False,
        )
        download(ctx, conf, choice.version)
    if noted is not None and choice.pin.source in ("required_version", "terragrunt"):
        noted(ctx, choice.pin.where(ctx.tilde), str(choice.version))
    become(pinned.binary(ctx, tool, choice.version), args)


def app_for(tool: Tool, summary: str) -> typer.Typer:
    """The command group for a tool pinned per project by a version file or required_version."""
    name, product, file = tool.command, tool.product, tool.version_file
    a = "an" if product[0] in "AEIOU" else "a"
    app = typer.Typer(help=summary, no_args_is_help=True, rich_markup_mode=None)
    nothing = (
        f"no {file}, required_version, {'terragrunt constraint ' if tool.terragrunt_pins else ''}or profile default"
    )

    def install_spec(ctx: Context, conf: Settings, spec: Optional[str], directory: Path) -> tuple[object, bool]:
        """The version chosen for spec (or for the folder), installed; True when downloaded now."""
        from bootstrap.components.terraform import component as terraform
        from bootstrap.components.terraform.constraints import try_version
        from bootstrap.components.terraform.pins import Pin, resolve

        if spec:
            exact = try_version(spec.lstrip("="))
            if exact is None:
                pool, unseen = terraform.candidates(ctx, conf)
                if unseen:
                    ctx.err_console.print(ctx.tilde(unseen + terraform.INSTALLED_ONLY), markup=False)
                exact = resolve(Pin(spec, "the command line"), pool, unseen, tool)
            version = exact
        else:
            refuse(ctx, directory, conf)
            choice = terraform.choose(ctx, directory, conf)
            if choice is None:
                raise UserError(
                    f"nothing pins {a} {product} version here; name one (bootstrap {name} install VERSION) "
                    f"or pin one: {terraform.use_hint(ctx, tool)}"
                )
            version = choice.version
        return version, download(ctx, conf, version)

    def refuse(ctx: Context, directory: Path, conf: Settings, pin: Optional[Pin] = None) -> None:
        """Say before choosing what the tool itself will refuse in the folder's pins (the shim does not ask)."""
        from bootstrap.components.terraform.pins import find_pin, refusal

        if not tool.module_files:
            return  # the pre-release rule is about required_version, which only Terraform and OpenTofu read
        pin = pin or find_pin(directory, ctx.home, conf.default, tool)
        warning = refusal(pin, ctx.tilde, tool) if pin else None
        if warning:
            ctx.err_console.print(warning, markup=False)

    def shim(ctx: Context, conf: Settings) -> Optional[Step]:
        from bootstrap.components.terraform import pinned

        return pinned.shim_step(ctx, conf)

    @app.command(
        "install",
        help=f"Download, verify (SHA-256 and {tool.signer}'s signature) and install a {product} version.",
    )
    def install(
        spec: Optional[str] = typer.Argument(
            None,
            metavar="[SPEC]",
            help="A version (1.5.7), a constraint ('~> 1.5.0') or latest. Default: what `which` chooses here.",
        ),
        profile: Optional[str] = ProfileOpt,
    ) -> None:
        from bootstrap.components.terraform import pinned

        ctx = context()
        conf = settings(ctx, tool, profile)
        version, new = install_spec(ctx, conf, spec, Path.cwd())
        journaled(ctx, name, lambda: [shim(ctx, conf)])
        if new:
            ctx.console.print(
                f"Installed and verified {product} {version} in {ctx.tilde(pinned.binary(ctx, tool, version).parent)}",
                markup=False,
            )
        else:
            ctx.console.print(f"{product} {version} is already installed.", markup=False)

    @app.command("use", help=f"Pin a version for this folder (writes {file}) and install it.")
    def use(
        spec: str = typer.Argument(
            ..., metavar="SPEC", help="A version, a constraint, latest, latest:<regex>, min-required or latest-allowed."
        ),
        global_: bool = typer.Option(False, "--global", help=f"Set your default (~/{file}) instead of this folder's."),
        profile: Optional[str] = ProfileOpt,
    ) -> None:
        from bootstrap.components.terraform import component as terraform
        from bootstrap.components.terraform.pins import Pin, resolve
        from bootstrap.system import files
        from bootstrap.system.steps import FileChange, Step

        ctx = context()
        conf = settings(ctx, tool, profile)
        pin = Pin(spec.strip(), "the command line", module=Path.cwd())
        refuse(ctx, Path.cwd(), conf, pin)
        pool, unseen = terraform.candidates(ctx, conf, pin.exact is None)
        version = resolve(pin, pool, unseen, tool)  # refuse a pin that nothing satisfies before writing it
        install_spec(ctx, conf, str(version), Path.cwd())
        target = (ctx.home if global_ else Path.cwd()) / file
        after = f"{spec.strip()}\n".encode()

        def steps() -> list[Optional[Step]]:
            before = files.read(target)
            change = (FileChange(target, before, after),)
            pinned = (
                None
                if before == after
                else Step(terraform.NAME, f"Pin {product} {spec} in {ctx.tilde(target)}", changes=change)
            )
            return [shim(ctx, conf), pinned]

        journaled(ctx, name, steps)
        where = "by default" if global_ else "in this folder"
        ctx.console.print(f"`{name}` now runs {product} {version} {where}.", markup=False)

    @app.command("list", help="List installed versions (or, with --remote, every release), newest first.")
    def list_versions(
        remote: bool = typer.Option(False, "--remote", help="List the versions the release site offers."),
        profile: Optional[str] = ProfileOpt,
    ) -> None:
        from bootstrap.components.terraform import component as terraform

        ctx = context()
        conf = settings(ctx, tool, profile)
        choice = None
        if not remote:
            with contextlib.suppress(UserError):
                choice = terraform.choose(ctx, Path.cwd(), conf)
        if not listed(ctx, conf, remote, choice.version if choice else None):
            ctx.console.print(
                f"No {product} version is installed yet; `bootstrap {name} install` installs the one this folder needs.",
                markup=False,
            )

    @app.command(
        "which",
        help="Print the version chosen for DIR, whether it is installed, and the file and line that decided it.",
    )
    def which(
        directory: Path = typer.Argument(Path("."), metavar="[DIR]", help="The project folder (default: here)."),
        profile: Optional[str] = ProfileOpt,
    ) -> None:
        from bootstrap.components.terraform import component as terraform
        from bootstrap.components.terraform import pinned
        from bootstrap.components.terraform import render as tfrender

        ctx, conf = for_folder(tool, directory, profile)
        refuse(ctx, directory, conf)
        choice = terraform.choose(ctx, directory, conf)
        if choice is None:
            other = pinned.fallback(ctx, tool)
            if other is None:
                raise UserError(
                    f"nothing pins {a} {product} version for {ctx.tilde(directory.resolve())} ({nothing}), none is "
                    f"installed and no other {name} is on your PATH; pin one: {terraform.use_hint(ctx, tool)}"
                )
            # Still "nothing pins" (exit 2, as tfenv, tenv and tfswitch answer), but with what runs here.
            raise UserError(
                f"nothing pins {a} {product} version for {ctx.tilde(directory.resolve())} ({nothing}), so `{name}` "
                f"runs {other.what(ctx.tilde)}; to pin one for this folder: bootstrap {name} use VERSION"
            )
        for line in tfrender.which_lines(ctx, tool, choice):
            print(line)

    @app.command("uninstall", help=f"Remove one installed {product} version.")
    def uninstall(
        version: str = typer.Argument(
            ..., metavar="VERSION", help=f"An installed version (see `bootstrap {name} list`)."
        ),
        profile: Optional[str] = ProfileOpt,
    ) -> None:
        from bootstrap.components.terraform import pinned
        from bootstrap.system import releases
        from bootstrap.system.errors import did_you_mean

        ctx = context()
        settings(ctx, tool, profile)
        if not releases.uninstall(pinned.versions_dir(ctx, tool), version.lstrip("v")):
            have = [str(v) for v in pinned.installed(ctx, tool)]
            raise UserError(
                f"{product} {version} is not installed; {did_you_mean(version, have)}see `bootstrap {name} list`"
            )
        ctx.console.print(f"Removed {product} {version}.", markup=False)

    @app.command("exec", hidden=True, context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
    def exec_(typer_ctx: typer.Context) -> None:
        """The shim's slow path: resolve the version for this folder, install it if needed, run it."""
        run_here(tool, shim_args(typer_ctx), note_once)

    def note_once(ctx: Context, where: str, version: str) -> None:
        import hashlib

        marker = ctx.paths.release_cache(tool.folder) / "noted" / hashlib.sha256(where.encode()).hexdigest()[:16]
        if marker.exists():
            return
        ctx.err_console.print(
            f"note: this project pins {product} only through {where}, so each call takes a slower path; "
            f"`bootstrap {name} use {version}` here makes it instant.",
            markup=False,
        )
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()

    return app
