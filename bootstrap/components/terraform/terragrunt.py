"""Terragrunt: pinned versions from GitHub's release downloads, through Terraform's release client.

Part of the terraform component (`terraform.terragrunt` in a profile). Versions live in
`<data>/terragrunt/versions/<v>/`, each with a receipt, as Terraform's do. The shim
`~/.local/bin/terragrunt` is a few lines of POSIX sh: it runs the version named by the nearest
`.terragrunt-version` (tgenv's file), else `~/.terragrunt-version`, else the profile's version
(or, with none, the newest installed), without starting Python; a version still to install, or
`latest`, goes to `bootstrap terragrunt exec`.

Every download is checked against the release's SHA256SUMS. Gruntwork signs SHA256SUMS on
newer releases (`SHA256SUMS.gpgsig`), but no copy of its public key whose fingerprint we could
confirm from Gruntwork's own sources ships with bootstrap: with `keys` set the signature is
required and checked; without, plan and doctor say plainly that only the checksum was checked.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional

from bootstrap.components.terraform.constraints import Version, try_version
from bootstrap.components.terraform.pins import Pin, first_line, version_file
from bootstrap.profiles.schema import Terragrunt
from bootstrap.system import releases
from bootstrap.system.context import Context
from bootstrap.system.errors import Deferred, Failure, UserError
from bootstrap.system.findings import Check, Outcome, ok
from bootstrap.system.steps import Applier, Step

if TYPE_CHECKING:
    from bootstrap.components.terraform.pinned import Fallback
    from bootstrap.profiles.load import Loaded

NAME = "terraform"  # the component Terragrunt belongs to
PRODUCT = "Terragrunt"
BINARY = "terragrunt"
REPO = "gruntwork-io/terragrunt"
VERSION_FILE = ".terragrunt-version"
SHIM_MARK = "# bootstrap terragrunt shim"
DOCS = "https://terragrunt.gruntwork.io/docs/getting-started/install/"
KEYS_SETTING = "terraform.terragrunt.keys"
KEYS_DOCS = "docs/profiles.md, section terragrunt"


@dataclass(frozen=True)
class Settings:
    """Where releases come from and how they are checked: environment first, then the profile."""

    mirror: str
    api: str
    keys: Optional[str]
    keys_from: str
    default: Optional[Version]
    timeout: float
    mirror_from: str = ""  # the variable or profile key that set the mirror; "" for GitHub's own
    api_from: str = ""


def exact(text: str, where: str) -> Version:
    """A Terragrunt version written in full (0.67.16 or v0.67.16); bad input otherwise."""
    version = try_version(text.strip())
    if version is None or version.given != 3:
        raise UserError(
            f"{where}: '{text.strip()}' is not a Terragrunt version; write one like 0.67.16 "
            "(`bootstrap terragrunt list --remote` lists them)"
        )
    return version


def settings(ctx: Context, spec: Optional[Terragrunt]) -> Settings:
    from bootstrap.components.terraform.pinned import timeout

    spec = spec or Terragrunt()
    mirror = ctx.env.get("BOOTSTRAP_TERRAGRUNT_MIRROR") or spec.mirror or releases.GITHUB
    api = ctx.env.get("BOOTSTRAP_TERRAGRUNT_API") or spec.api or releases.GITHUB_API
    releases.mirror_error(mirror, releases.GITHUB)
    releases.mirror_error(api, releases.GITHUB_API)
    keys = ctx.env.get("BOOTSTRAP_TERRAGRUNT_KEYS") or spec.keys
    keys_from = "BOOTSTRAP_TERRAGRUNT_KEYS" if ctx.env.get("BOOTSTRAP_TERRAGRUNT_KEYS") else KEYS_SETTING
    default = exact(spec.version, "terraform.terragrunt.version in the profile") if spec.version else None

    def origin(variable: str, value: Optional[str], key: str) -> str:
        return variable if ctx.env.get(variable) else f"{key} in the profile" if value else ""

    return Settings(
        mirror.rstrip("/"),
        api.rstrip("/"),
        keys,
        keys_from,
        default,
        timeout(ctx),
        origin("BOOTSTRAP_TERRAGRUNT_MIRROR", spec.mirror, "terraform.terragrunt.mirror"),
        origin("BOOTSTRAP_TERRAGRUNT_API", spec.api, "terraform.terragrunt.api"),
    )


def cannot_reach(conf: Settings, exc: releases.Unreachable) -> str:
    """One line: which site could not be reached and why, then the next step."""
    from bootstrap.components.terraform.pinned import reach_advice

    if exc.url.startswith(conf.api):
        advice = reach_advice(conf.api, conf.api_from, "terraform.terragrunt.api", "BOOTSTRAP_TERRAGRUNT_API", BINARY)
        return f"could not reach {exc.host} for the list of Terragrunt releases ({exc.reason}): {advice}"
    advice = reach_advice(
        conf.mirror, conf.mirror_from, "terraform.terragrunt.mirror", "BOOTSTRAP_TERRAGRUNT_MIRROR", BINARY
    )
    return f"could not reach the Terragrunt download site {exc.host} ({exc.reason}): {advice}"


def site(ctx: Context, conf: Settings) -> releases.GitHubSite:
    from bootstrap.components.terraform.pinned import offline

    return releases.GitHubSite(
        BINARY,
        base=conf.mirror,
        http=releases.Http(env=ctx.env, timeout=conf.timeout),
        cache_dir=ctx.paths.terragrunt_cache,
        offline=offline(ctx),
        repo=REPO,
        api=conf.api,
    )


def download_url(ctx: Context, conf: Settings, version: Version) -> str:
    return f"{site(ctx, conf).root}/v{version}/{BINARY}_{ctx.platform.os}_{ctx.platform.arch}"


def checked_by(ctx: Context, conf: Settings) -> str:
    """How a download is checked, in words for plan and install."""
    if conf.keys:
        return f"checked against SHA256SUMS and its signature by the keys in {ctx.tilde(conf.keys)}"
    return f"checked against SHA256SUMS only: no signing key is set ({KEYS_SETTING})"


# --- installed versions ---------------------------------------------------------------------


def installed(ctx: Context) -> list[Version]:
    from bootstrap.components.terraform.pinned import installed_in

    return installed_in(ctx.paths.terragrunt_versions, BINARY)


def binary(ctx: Context, version: object) -> Path:
    return ctx.paths.terragrunt_versions / str(version) / BINARY


def fallback(ctx: Context) -> Optional[Fallback]:
    """Where nothing pins a version: the newest installed, else the terragrunt already on PATH."""
    from bootstrap.components.terraform.pinned import Fallback, next_on_path, program_version

    have = installed(ctx)
    if have:
        return Fallback(binary(ctx, have[-1]), str(have[-1]), system=False)
    other = next_on_path(ctx, BINARY, SHIM_MARK)
    if other is None:
        return None
    return Fallback(other, program_version(ctx, other, "--version"), system=True)


def _verifier(ctx: Context, conf: Settings) -> Optional[Callable[[bytes, bytes, str], tuple[str, str]]]:
    if not conf.keys:
        return None
    from bootstrap.system import verify

    ring = verify.Keyring(
        ctx.expand(conf.keys),
        f"{ctx.tilde(conf.keys)} ({conf.keys_from})",
        rotated=f"if Gruntwork moved to a new key, add it to that file ({KEYS_DOCS})",
    )
    return verify.checker(ring)


def install_version(
    ctx: Context, conf: Settings, version: Version, progress: Optional[releases.Progress] = None
) -> releases.Installed:
    """Download, check and put one version in place (a no-op when it is installed already)."""
    return releases.install(
        site(ctx, conf),
        str(version),
        ctx.paths.terragrunt_versions,
        ctx.platform.os,
        ctx.platform.arch,
        BINARY,
        _verifier(ctx, conf),
        progress,
    )


def verified(ctx: Context, version: Version) -> Optional[str]:
    """None when the installed binary is as it was checked; else what is wrong."""
    folder = ctx.paths.terragrunt_versions / str(version)
    receipt = releases.receipt(folder)
    if receipt is None:
        return "has no install receipt"
    if not releases.unchanged(folder / BINARY, receipt):
        return "has changed since it was checked"
    return None


# --- which version --------------------------------------------------------------------------


def find_pin(directory: Path, home: Path, default: Optional[Version]) -> Optional[Pin]:
    """The nearest `.terragrunt-version` up to the repository root, yours, or the profile's."""
    found = version_file(directory.resolve(), home, VERSION_FILE)
    if found is not None:
        spec, line = first_line(found)
        return Pin(spec, VERSION_FILE, found, line)
    yours = home / VERSION_FILE
    if yours.is_file():
        spec, line = first_line(yours)
        return Pin(spec, "your default", yours, line)
    if default is not None:
        return Pin(str(default), "profile")
    return None


def resolve(ctx: Context, conf: Settings, pin: Pin) -> Version:
    """The version a pin names: an exact version, or `latest` (the newest release, drafts and
    pre-releases left out)."""
    where = pin.where(ctx.tilde)
    if pin.spec.strip() != "latest":
        return exact(pin.spec, where)
    try:
        listed = site(ctx, conf).versions()
    except releases.Unreachable as exc:
        raise Failure(f"{where} asks for the latest Terragrunt, but bootstrap {cannot_reach(conf, exc)}") from None
    except releases.DownloadError as exc:
        raise Failure(
            f"{where} asks for the latest Terragrunt, and the list of releases could not be fetched ({exc}); "
            "check the team's mirror (terraform.terragrunt.api)"
        ) from None
    found = [v for v in (try_version(t) for t in listed) if v is not None and not v.prerelease]
    if not found:
        have = installed(ctx)
        if have:
            return have[-1]
        raise Failure(f"{where} asks for the latest Terragrunt, and no release is listed on {conf.api}")
    return max(found)


# --- the shim -------------------------------------------------------------------------------


def shim_text(ctx: Context, conf: Settings) -> bytes:
    from bootstrap.components.shell.initscripts import home_sh_path

    versions = home_sh_path(ctx.home, ctx.paths.terragrunt_versions)
    python = home_sh_path(ctx.home, Path(sys.executable))
    home = home_sh_path(ctx.home, ctx.home)
    # Where nothing pins a version: the profile's, else the newest installed (as `exec` chooses).
    have = installed(ctx)
    default = str(conf.default or (have[-1] if have else ""))
    return f"""#!/bin/sh
{SHIM_MARK}: runs the Terragrunt version pinned for the current directory.
# The nearest .terragrunt-version (up to the repository root), else ~/.terragrunt-version, else
# the profile's version (or the newest installed) is run directly when installed; anything else
# goes through bootstrap.
# Written by `bootstrap terragrunt install`; `bootstrap undo` takes it out again.
versions={versions}
home={home}
v={default}
dir=$PWD
while [ -n "$dir" ]; do
    if [ "$dir" != "$home" ] && [ -f "$dir/.terragrunt-version" ]; then
        read -r v _ < "$dir/.terragrunt-version"
        dir=found
        break
    fi
    [ -e "$dir/.git" ] && break
    dir=${{dir%/*}}
done
if [ "$dir" != found ] && [ -f "$home/.terragrunt-version" ]; then
    read -r v _ < "$home/.terragrunt-version"
fi
v=${{v#v}}
[ -n "$v" ] && [ -x "$versions/$v/terragrunt" ] && exec "$versions/$v/terragrunt" "$@"
exec {python} -m bootstrap terragrunt exec -- "$@"
""".encode()


def shim_path(ctx: Context) -> Path:
    return ctx.paths.user_bin / BINARY


def shim_step(ctx: Context, conf: Settings) -> Optional[Step]:
    from bootstrap.components.terraform.pinned import command_step

    return command_step(ctx, shim_path(ctx), shim_text(ctx, conf), SHIM_MARK, PRODUCT)


# --- plan -----------------------------------------------------------------------------------


def plan(ctx: Context, spec: Terragrunt) -> list[Step]:
    conf = settings(ctx, spec)
    steps = []
    if conf.default is not None and conf.default not in installed(ctx):
        steps.append(_install_step(ctx, conf, conf.default))
    shim = shim_step(ctx, conf)
    if shim is not None:
        steps.append(shim)
    return steps


def _install_step(ctx: Context, conf: Settings, version: Version) -> Step:
    def apply(applier: Applier) -> None:
        from bootstrap.components.terraform import render as tfrender

        try:
            with tfrender.download_progress(ctx, f"{PRODUCT} {version}") as progress:
                done = install_version(ctx, conf, version, progress)
        except releases.Unreachable as exc:
            raise Deferred(
                "network",
                f"{PRODUCT} {version} was not installed: {cannot_reach(conf, exc)}",
                f"bootstrap terragrunt install {version} (or bootstrap run --only terraform) once the site can be reached",
            ) from None
        if done.note:
            ctx.err_console.print(done.note, markup=False)
        applier.writer.installed(f"{PRODUCT} {version}", f"bootstrap terragrunt uninstall {version}")

    return Step(
        NAME,
        f"Install {PRODUCT} {version} from {download_url(ctx, conf, version)} ({checked_by(ctx, conf)})",
        apply=apply,
        needs=("network",),
    )


# --- doctor ---------------------------------------------------------------------------------


def check(ctx: Context, spec: Terragrunt) -> Check:
    def run() -> Outcome:
        from bootstrap.components.terraform.pinned import command_problem

        try:
            conf = settings(ctx, spec)
        except UserError as exc:
            return Outcome("error", str(exc), "fix terraform.terragrunt in the profile (bootstrap profile validate)")
        install = f"bootstrap terragrunt install {conf.default or 'latest'}"
        problem = command_problem(ctx, shim_path(ctx), SHIM_MARK, install, DOCS)
        if problem is not None:
            return problem
        if conf.default is None:
            runs = "`terragrunt` runs bootstrap's command, which runs the version each .terragrunt-version names"
            try:
                pinned = find_pin(Path.cwd(), ctx.home, None) is not None
            except UserError:
                pinned = True
            other = None if pinned else fallback(ctx)
            return ok(f"{runs}; {other.words(ctx.tilde)}" if other else runs)
        version = conf.default
        if version not in installed(ctx):
            return Outcome("warning", f"{PRODUCT} {version} (the profile's version) is not installed", install, DOCS)
        reinstall = f"bootstrap terragrunt uninstall {version} && bootstrap terragrunt install {version}"
        damaged = verified(ctx, version)
        if damaged:
            return Outcome("error", f"{PRODUCT} {version} {damaged}", reinstall)
        receipt = releases.receipt(binary(ctx, version).parent) or {}
        if conf.keys and not receipt.get("verified"):
            return Outcome(
                "warning",
                f"{PRODUCT} {version} was installed before a signing key was set, so its signature was never checked",
                reinstall,
            )
        if not conf.keys:
            return Outcome(
                "info",
                f"{PRODUCT} {version} is installed and `terragrunt` runs it; its download was checked against "
                "SHA256SUMS only, as no signing key is set",
                f"set {KEYS_SETTING} to Gruntwork's release signing key ({KEYS_DOCS}), then: {reinstall}",
            )
        signer = str(receipt.get("signed_by", ""))[-16:].upper()
        return ok(
            f"{PRODUCT} {version} is installed and `terragrunt` runs it; its download was checked against "
            f"SHA256SUMS and its signature (key {signer})"
        )

    return Check("terraform.terragrunt", NAME, run)


def lint(loaded: Loaded) -> list[str]:
    """`profile validate`: a version a run can install, and addresses that can work."""
    terraform = loaded.model.components.terraform
    spec = terraform.terragrunt if terraform is not None else None
    if spec is None:
        return []
    problems = []
    if spec.version is not None:
        try:
            exact(spec.version, loaded.where(("components", "terraform", "terragrunt", "version")))
        except UserError as exc:
            problems.append(str(exc))
    for key, layout in (("mirror", releases.GITHUB), ("api", releases.GITHUB_API)):
        value = getattr(spec, key)
        if value is not None:
            try:
                releases.mirror_error(value, layout)
            except UserError as exc:
                problems.append(f"{loaded.where(('components', 'terraform', 'terragrunt', key))}: {exc}")
    return problems
