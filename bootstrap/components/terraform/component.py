"""Terraform: verified installs of pinned versions, and a shim that runs the right one per project.

Versions live in `<data>/terraform/versions/<v>/`, each with a receipt of what was checked. The
shim `~/.local/bin/terraform` is a few lines of POSIX sh: it finds the nearest
`.terraform-version` and execs that version directly, so calls cost no Python. Anything it
cannot settle alone (a constraint, `latest`, a project pinned only by `required_version`, a
version not installed yet) goes to `bootstrap terraform exec`, which resolves, installs when
needed, and execs. Where nothing pins a version and bootstrap installed none, the terraform that
was on PATH before (after the shim) runs: a working Terraform keeps working.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional

from bootstrap.components.terraform.constraints import ConstraintError, Version, parse, try_version
from bootstrap.components.terraform.pinned import (
    Fallback,
    command_problem,
    command_step,
    installed_in,
    next_on_path,
    offline,
    program_version,
    reach_advice,
    timeout,
)
from bootstrap.components.terraform.pins import Pin, find_pin, needs_index, resolve
from bootstrap.profiles.schema import Profile, Terraform
from bootstrap.system import releases
from bootstrap.system.context import Context
from bootstrap.system.errors import Deferred, UserError
from bootstrap.system.findings import Check, Outcome, ok
from bootstrap.system.managed import Owned, Released
from bootstrap.system.steps import Applier, Step

if TYPE_CHECKING:
    from bootstrap.profiles.load import Loaded

NAME = "terraform"
REQUIRES: tuple[str, ...] = ()
DOCS = "https://developer.hashicorp.com/terraform/install"
BINARY = "terraform"
SHIM_MARK = "# bootstrap terraform shim"
UNVERIFIED = (
    "warning: terraform.verify is false in your profile: this Terraform download is NOT checked against "
    "HashiCorp's signature; remove `verify: false` to have it checked"
)


@dataclass(frozen=True)
class Settings:
    """Where releases come from and how they are checked: environment first, then the profile."""

    mirror: str
    keys: Optional[str]
    keys_from: str
    verify: bool
    default: Optional[str]
    timeout: float
    mirror_from: str = ""  # BOOTSTRAP_TERRAFORM_MIRROR or terraform.mirror; "" for the official site


def settings(ctx: Context, spec: Optional[Terraform]) -> Settings:
    spec = spec or Terraform()
    mirror = ctx.env.get("BOOTSTRAP_TERRAFORM_MIRROR") or spec.mirror or releases.OFFICIAL
    releases.mirror_error(mirror)
    keys = ctx.env.get("BOOTSTRAP_TERRAFORM_KEYS") or spec.keys
    keys_from = "BOOTSTRAP_TERRAFORM_KEYS" if ctx.env.get("BOOTSTRAP_TERRAFORM_KEYS") else "terraform.keys"
    mirror_from = (
        "BOOTSTRAP_TERRAFORM_MIRROR"
        if ctx.env.get("BOOTSTRAP_TERRAFORM_MIRROR")
        else "terraform.mirror in the profile"
        if spec.mirror
        else ""
    )
    return Settings(mirror.rstrip("/"), keys, keys_from, spec.verify, spec.version, timeout(ctx), mirror_from)


def site(ctx: Context, conf: Settings) -> releases.Site:
    http = releases.Http(env=ctx.env, timeout=conf.timeout)
    return releases.Site("terraform", conf.mirror, http, ctx.paths.terraform_cache, offline=offline(ctx))


def cannot_reach(conf: Settings, exc: releases.Unreachable) -> str:
    """One line: which site could not be reached and why, then the next step."""
    advice = reach_advice(conf.mirror, conf.mirror_from, "terraform.mirror", "BOOTSTRAP_TERRAFORM_MIRROR", "terraform")
    return f"could not reach the Terraform release site {exc.host} ({exc.reason}): {advice}"


# --- installed versions ---------------------------------------------------------------------


def installed(ctx: Context) -> list[Version]:
    """Versions bootstrap installed (a folder with a receipt); any other terraform never counts."""
    return installed_in(ctx.paths.terraform_versions, BINARY)


def binary(ctx: Context, version: object) -> Path:
    return ctx.paths.terraform_versions / str(version) / BINARY


# Said after the reason `candidates` gives when the release index could not be fetched.
INSTALLED_ONLY = "; chose among installed versions"


def use_hint(ctx: Context) -> str:
    """How to pin a version, naming a real one: the newest installed, else a placeholder said as one."""
    have = installed(ctx)
    if have:
        return f"bootstrap terraform use {have[-1]} (the newest installed)"
    return "bootstrap terraform use VERSION, with a VERSION from `bootstrap terraform list --remote`"


# --- no version pinned: what the person already had -----------------------------------------


def fallback(ctx: Context) -> Optional[Fallback]:
    """Where nothing pins a version: the newest version bootstrap installed, else the terraform
    that was already on PATH (a working Terraform keeps working), else nothing."""
    have = installed(ctx)
    if have:
        return Fallback(binary(ctx, have[-1]), str(have[-1]), system=False)
    other = next_on_path(ctx, BINARY, SHIM_MARK)
    if other is None:
        return None
    return Fallback(other, program_version(ctx, other, "version"), system=True)


def remote(ctx: Context, conf: Settings) -> list[Version]:
    """The versions the release index lists (cached); raises releases.DownloadError."""
    return [v for v in (try_version(t) for t in site(ctx, conf).versions()) if v is not None]


def candidates(ctx: Context, conf: Settings, need_remote: bool = True) -> tuple[list[Version], str]:
    """Installed versions plus the release index (cached); offline or unreachable: installed
    only, with the reason the index is missing (else "")."""
    have = installed(ctx)
    if not need_remote:
        return have, ""
    try:
        listed = remote(ctx, conf)
    except releases.DownloadError as exc:
        return have, f"the list of releases could not be fetched ({exc})"
    return sorted(set(have) | set(listed)), ""


@dataclass(frozen=True)
class Choice:
    version: Version
    pin: Pin
    installed: bool
    note: str = ""


def choose(ctx: Context, directory: Path, conf: Settings) -> Optional[Choice]:
    """The version for directory and why, or None when nothing pins one anywhere."""
    pin = find_pin(directory, ctx.home, conf.default)
    if pin is None:
        return None
    pool, unseen = candidates(ctx, conf, needs_index(pin))
    version = resolve(pin, pool, unseen)
    note = unseen + INSTALLED_ONLY if unseen else ""
    return Choice(version, pin, binary(ctx, version).is_file() and version in installed(ctx), note)


# --- installing -----------------------------------------------------------------------------


def _verifier(ctx: Context, conf: Settings) -> Optional[Callable[[bytes, bytes, str], tuple[str, str]]]:
    if not conf.verify:
        return None
    from bootstrap.system import verify

    keys = str(ctx.expand(conf.keys)) if conf.keys and conf.keys.startswith("~") else conf.keys
    return verify.checker(verify.keyring(keys, f"{ctx.tilde(keys)} ({conf.keys_from})" if keys else None))


def install_version(
    ctx: Context, conf: Settings, version: Version, progress: Optional[releases.Progress] = None
) -> releases.Installed:
    """Download, verify and unpack one version (a no-op when it is installed already)."""
    check = _verifier(ctx, conf)
    if check is None:
        ctx.err_console.print(UNVERIFIED, markup=False)
    return releases.install(
        site(ctx, conf),
        str(version),
        ctx.paths.terraform_versions,
        ctx.platform.os,
        ctx.platform.arch,
        BINARY,
        check,
        progress,
    )


def verified(ctx: Context, version: Version) -> Optional[str]:
    """None when the installed binary is as it was verified; else what is wrong."""
    folder = ctx.paths.terraform_versions / str(version)
    receipt = releases.receipt(folder)
    if receipt is None:
        return "has no install receipt"
    if not receipt.get("verified"):
        return "was installed without signature verification (terraform.verify: false)"
    if not releases.unchanged(folder / BINARY, receipt):
        return "has changed since it was verified"
    return None


# --- the shim -------------------------------------------------------------------------------


def shim_text(ctx: Context) -> bytes:
    from bootstrap.components.shell.initscripts import home_sh_path

    versions = home_sh_path(ctx.home, ctx.paths.terraform_versions)
    python = home_sh_path(ctx.home, Path(sys.executable))
    home = home_sh_path(ctx.home, ctx.home)
    return f"""#!/bin/sh
{SHIM_MARK}: runs the Terraform version pinned for the current directory.
# The nearest .terraform-version naming an installed version is run directly; everything else
# (constraints, `latest`, required_version, a version still to install) is resolved by bootstrap.
# Written by `bootstrap terraform install`; `bootstrap undo` takes it out again.
versions={versions}
home={home}
found=
dir=$PWD
while [ -n "$dir" ]; do
    if [ "$dir" != "$home" ] && [ -f "$dir/.terraform-version" ]; then
        found=1
        read -r v _ < "$dir/.terraform-version"
        v=${{v#v}}
        [ -n "$v" ] && [ -x "$versions/$v/terraform" ] && exec "$versions/$v/terraform" "$@"
        break
    fi
    [ -e "$dir/.git" ] && break
    dir=${{dir%/*}}
done
if [ -z "$found" ] && [ -f "$home/.terraform-version" ]; then
    for f in ./*.tf ./*.tf.json ./terragrunt.hcl ./root.hcl; do [ -e "$f" ] && found=1 && break; done
    if [ -z "$found" ]; then
        read -r v _ < "$home/.terraform-version"
        v=${{v#v}}
        [ -n "$v" ] && [ -x "$versions/$v/terraform" ] && exec "$versions/$v/terraform" "$@"
    fi
fi
exec {python} -m bootstrap terraform exec -- "$@"
""".encode()


def shim_path(ctx: Context) -> Path:
    return ctx.paths.user_bin / BINARY


def shim_step(ctx: Context) -> Optional[Step]:
    return command_step(ctx, shim_path(ctx), shim_text(ctx), SHIM_MARK, "Terraform")


# --- plan -----------------------------------------------------------------------------------


def _default_satisfied(ctx: Context, spec: str) -> Optional[Version]:
    have = installed(ctx)
    exact = try_version(spec.lstrip("="))
    if exact is not None:
        return exact if exact in have else None
    if spec == "latest" or spec.startswith("latest:"):
        return None
    try:
        return parse(spec).best(have)
    except ConstraintError:
        return None


def _check_default(spec: str) -> None:
    """A profile's default is a version, a constraint or latest[:regex]: bad input otherwise."""
    if spec == "latest" or spec.startswith("latest:") or try_version(spec.lstrip("=")) is not None:
        return
    try:
        parse(spec)
    except ConstraintError as exc:
        raise UserError(f"terraform.version in the profile: {exc}; write a version, a constraint or latest") from None


def plan(ctx: Context, profile: Profile) -> list[Step]:
    spec = profile.components.terraform
    if spec is None:
        return []
    conf = settings(ctx, spec)
    steps = []
    if conf.default:
        _check_default(conf.default)
        if _default_satisfied(ctx, conf.default) is None:
            steps.append(_install_step(ctx, conf, conf.default))
    shim = shim_step(ctx)
    if shim is not None:
        steps.append(shim)
    if spec.terragrunt is not None:
        from bootstrap.components.terraform import terragrunt

        steps.extend(terragrunt.plan(ctx, spec.terragrunt))
    return steps


def _install_step(ctx: Context, conf: Settings, spec: str) -> Step:
    exact = try_version(spec.lstrip("="))
    where = "" if conf.mirror == releases.OFFICIAL else f" from {conf.mirror}"
    check = "verified against HashiCorp's signature" if conf.verify else "NOT verified (terraform.verify: false)"

    def apply(applier: Applier) -> None:
        from bootstrap.components.terraform import render as tfrender

        try:
            version = exact or resolve(Pin(spec, "profile"), sorted(set(installed(ctx)) | set(remote(ctx, conf))))
            with tfrender.download_progress(ctx, f"Terraform {version}") as progress:
                done = install_version(ctx, conf, version, progress)
        except releases.Unreachable as exc:
            # not broken: the rest of the run goes on, and `terraform` keeps running what was there
            raise Deferred("network", f"Terraform {spec} was not installed: {cannot_reach(conf, exc)}", fix) from None
        if done.note:
            ctx.err_console.print(done.note, markup=False)
        applier.writer.installed(f"Terraform {version}", f"bootstrap terraform uninstall {version}")

    fix = f"bootstrap terraform install '{spec}' (or bootstrap run --only terraform) once the site can be reached"

    return Step(
        NAME,
        f"Install Terraform {spec}{where} ({check})",
        later="" if exact else f"'{spec}' is resolved to the newest matching release when the run starts",
        apply=apply,
        needs=("network",),
    )


# --- what the profile owns (for letting go when it no longer has Terraform) -----------------


def owned(ctx: Context, profile: Profile) -> list[Owned]:
    spec = profile.components.terraform
    if spec is None:
        return []
    found = [Owned("file", str(shim_path(ctx))), Owned("versions", str(ctx.paths.terraform_versions))]
    if spec.terragrunt is not None:
        from bootstrap.components.terraform import terragrunt

        found += [Owned("file", str(terragrunt.shim_path(ctx))), Owned("versions", str(ctx.paths.terragrunt_versions))]
    return found


def release(ctx: Context, items: list[Owned], why: str) -> Released:
    """The commands go with the profile (files); installed versions are only listed: projects
    pinned to them may still be built, and removing 80 MB is the person's call."""
    from bootstrap.components.terraform import terragrunt

    products = {
        str(ctx.paths.terraform_versions): ("Terraform", installed, ctx.paths.terraform_versions, "terraform"),
        str(ctx.paths.terragrunt_versions): (
            "Terragrunt",
            terragrunt.installed,
            ctx.paths.terragrunt_versions,
            "terragrunt",
        ),
    }
    notes = []
    for item in items:
        if item.kind != "versions" or item.target not in products:
            continue
        label, versions, folder, command = products[item.target]
        notes += [
            f"{label} {version} stays installed in {ctx.tilde(folder)} ({why}); "
            f"`bootstrap {command} uninstall {version}` removes it"
            for version in versions(ctx)
        ]
    return Released(notes=notes)


# --- doctor ---------------------------------------------------------------------------------


def checks(ctx: Context, profile: Profile) -> list[Check]:
    spec = profile.components.terraform or Terraform()

    def shim() -> Outcome:
        path = shim_path(ctx)
        problem = command_problem(ctx, path, SHIM_MARK, "bootstrap terraform install", DOCS)
        if problem is not None:
            return problem
        runs = f"`terraform` runs bootstrap's command ({ctx.tilde(path)}), which picks each project's version"
        try:
            pinned = find_pin(Path.cwd(), ctx.home, spec.version) is not None
        except UserError:
            pinned = True  # a pin it cannot read: the `here` check says what is wrong with it
        if pinned:
            return ok(runs)
        other = fallback(ctx)
        if other is None:
            return Outcome(
                "warning",
                "`terraform` has nothing to run here: no version is pinned, none is installed, "
                "and there is no other terraform on your PATH",
                use_hint(ctx),
                DOCS,
            )
        return ok(f"{runs}; {other.words(ctx.tilde)}")

    def default() -> Outcome:
        if not spec.version:
            return Outcome("skipped", "the profile names no default Terraform version")
        have = _default_satisfied(ctx, spec.version)
        if have is None:
            return Outcome(
                "warning",
                f"Terraform {spec.version} (the profile's default) is not installed",
                f"bootstrap terraform install '{spec.version}'",
                DOCS,
            )
        problem = verified(ctx, have)
        if problem:
            return Outcome(
                "error",
                f"Terraform {have} {problem}",
                f"bootstrap terraform uninstall {have} && bootstrap terraform install {have}",
            )
        return ok(f"Terraform {have} (the profile's default) is installed and verified")

    def here() -> Outcome:
        try:
            conf = settings(ctx, spec)
            pin = find_pin(Path.cwd(), ctx.home, conf.default)
            if pin is None:
                return Outcome("skipped", "nothing pins a Terraform version in this folder")
            version = resolve(pin, installed(ctx) if needs_index(pin) else [])
        except UserError as exc:
            return Outcome(
                "warning", f"no installed Terraform fits this folder: {ctx.tilde(exc)}", "bootstrap terraform install"
            )
        where = pin.where(ctx.tilde)
        if version not in installed(ctx):
            return Outcome(
                "warning",
                f"Terraform {version} (pinned by {where}) is not installed",
                f"bootstrap terraform install {version}",
            )
        return ok(f"Terraform {version}, pinned by {where}, is installed")

    found = [
        Check("terraform.shim", NAME, shim),
        Check("terraform.default", NAME, default),
        Check("terraform.here", NAME, here),
    ]
    if spec.terragrunt is not None:
        from bootstrap.components.terraform import terragrunt

        found.append(terragrunt.check(ctx, spec.terragrunt))
    return found


def lint(loaded: Loaded) -> list[str]:
    """`profile validate`: the default versions must be something a run can resolve."""
    from bootstrap.components.terraform import terragrunt

    return _lint_version(loaded) + terragrunt.lint(loaded)


def _lint_version(loaded: Loaded) -> list[str]:

    from bootstrap.components.terraform.pins import KEYWORDS

    spec = loaded.model.components.terraform
    if spec is None or spec.version is None:
        return []
    text = spec.version.strip()
    where = loaded.where(("components", "terraform", "version"))
    if text in KEYWORDS:
        return []
    if text.startswith("latest:"):
        try:
            re.compile(text.partition(":")[2])
        except re.error as exc:
            return [f"{where}: terraform version '{text}' has a bad regular expression ({exc})"]
        return []
    try:
        parse(text)
    except ConstraintError as exc:
        return [
            f"{where}: terraform version: {exc}; write a version (1.5.7), a constraint (~> 1.5.0), "
            f"or one of {', '.join(KEYWORDS)}, latest:<regex>"
        ]
    return []
