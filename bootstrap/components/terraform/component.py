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
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Optional

from bootstrap.components.terraform import pinned
from bootstrap.components.terraform.constraints import ConstraintError, Version, parse, try_version
from bootstrap.components.terraform.pinned import Settings, command_problem, installed
from bootstrap.components.terraform.pins import Pin, find_pin, needs_index, resolve
from bootstrap.components.terraform.tools import OPENTOFU, TERRAFORM, TERRAGRUNT, Tool
from bootstrap.profiles.schema import Profile, Terraform
from bootstrap.system import releases
from bootstrap.system.context import Context
from bootstrap.system.errors import Deferred, Failure, UserError
from bootstrap.system.findings import Check, Outcome, ok
from bootstrap.system.managed import Owned, Released
from bootstrap.system.steps import Applier, Step

if TYPE_CHECKING:
    from bootstrap.profiles.load import Loaded

NAME = "terraform"
REQUIRES: tuple[str, ...] = ()
DOCS = TERRAFORM.docs
TOOLS = (TERRAFORM, TERRAGRUNT, OPENTOFU)


def section(spec: Optional[Terraform], tool: Tool) -> Any:
    """The profile's settings for one tool (None when the profile does not set it up)."""
    if spec is None or tool is TERRAFORM:
        return spec
    return getattr(spec, tool.setting.rsplit(".", 1)[-1])


def settings(ctx: Context, tool: Tool, spec: Optional[Terraform]) -> Settings:
    return pinned.settings(ctx, tool, section(spec, tool))


# Said after the reason `candidates` gives when the release index could not be fetched.
INSTALLED_ONLY = "; chose among installed versions"


def use_hint(ctx: Context, tool: Tool) -> str:
    """How to pin a version, naming a real one: the newest installed, else a placeholder said as one."""
    have = installed(ctx, tool)
    if have:
        return f"bootstrap {tool.command} use {have[-1]} (the newest installed)"
    return f"bootstrap {tool.command} use VERSION, with a VERSION from `bootstrap {tool.command} list --remote`"


def remote(ctx: Context, conf: Settings) -> list[Version]:
    """The versions the release index lists (cached); raises releases.DownloadError."""
    return [v for v in (try_version(t) for t in pinned.site(ctx, conf).versions()) if v is not None]


def candidates(ctx: Context, conf: Settings, need_remote: bool = True) -> tuple[list[Version], str]:
    """Installed versions plus the release index (cached); offline or unreachable: installed
    only, with the reason the index is missing (else "")."""
    have = installed(ctx, conf.tool)
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


def find(ctx: Context, directory: Path, conf: Settings) -> Optional[Pin]:
    return find_pin(directory, ctx.home, conf.default, conf.tool)


def choose(ctx: Context, directory: Path, conf: Settings) -> Optional[Choice]:
    """The version for directory and why, or None when nothing pins one anywhere."""
    pin = find(ctx, directory, conf)
    if pin is None:
        return None
    if not conf.tool.constraints:
        version = resolve_exact(ctx, conf, pin)
        return Choice(version, pin, version in installed(ctx, conf.tool))
    pool, unseen = candidates(ctx, conf, needs_index(pin))
    version = resolve(pin, pool, unseen, conf.tool)
    note = unseen + INSTALLED_ONLY if unseen else ""
    return Choice(
        version, pin, pinned.binary(ctx, conf.tool, version).is_file() and version in installed(ctx, conf.tool), note
    )


def resolve_exact(ctx: Context, conf: Settings, pin: Pin) -> Version:
    """For a tool pinned by exact versions: the version a pin names, or `latest` (the newest
    release, drafts and pre-releases left out)."""
    tool, where = conf.tool, pin.where(ctx.tilde)
    if pin.spec.strip() != "latest":
        return pinned.exact(tool, pin.spec, where)
    try:
        listed = pinned.site(ctx, conf).versions()
    except releases.Unreachable as exc:
        raise Failure(
            f"{where} asks for the latest {tool.product}, but bootstrap {pinned.cannot_reach(conf, exc)}"
        ) from None
    except releases.DownloadError as exc:
        raise Failure(
            f"{where} asks for the latest {tool.product}, and the list of releases could not be fetched ({exc}); "
            f"check the team's mirror ({tool.setting}.api)"
        ) from None
    found = [v for v in (try_version(t) for t in listed) if v is not None and not v.prerelease]
    if not found:
        have = installed(ctx, tool)
        if have:
            return have[-1]
        raise Failure(f"{where} asks for the latest {tool.product}, and no release is listed on {conf.api}")
    return max(found)


# --- plan -----------------------------------------------------------------------------------


def _default_satisfied(ctx: Context, tool: Tool, spec: str) -> Optional[Version]:
    have = installed(ctx, tool)
    exact = try_version(spec.lstrip("="))
    if exact is not None:
        return exact if exact in have else None
    if spec == "latest" or spec.startswith("latest:"):
        return None
    try:
        return parse(spec).best(have)
    except ConstraintError:
        return None


def _check_default(tool: Tool, spec: str) -> None:
    """A profile's default is a version, a constraint or latest[:regex]: bad input otherwise."""
    if spec == "latest" or spec.startswith("latest:") or try_version(spec.lstrip("=")) is not None:
        return
    try:
        parse(spec)
    except ConstraintError as exc:
        raise UserError(
            f"{tool.setting}.version in the profile: {exc}; write a version, a constraint or latest"
        ) from None


def plan(ctx: Context, profile: Profile) -> list[Step]:
    spec = profile.components.terraform
    if spec is None:
        return []
    steps: list[Step] = []
    for tool in TOOLS:
        given = section(spec, tool)
        if given is None:
            continue
        conf = pinned.settings(ctx, tool, given)
        exact = try_version(conf.default.lstrip("=")) if conf.default else None
        if conf.default and (tool.layout == "hashicorp" or exact is None):
            _check_default(tool, conf.default)
            if _default_satisfied(ctx, tool, conf.default) is None:
                steps.append(_install_step(ctx, conf, conf.default))
        elif exact is not None and exact not in installed(ctx, tool):
            steps.append(pinned.install_step(ctx, conf, exact))
        shim = pinned.shim_step(ctx, conf)
        if shim is not None:
            steps.append(shim)
    return steps


def _install_step(ctx: Context, conf: Settings, spec: str) -> Step:
    """Install the profile's version, a constraint resolved when the run starts."""
    tool = conf.tool
    exact = try_version(spec.lstrip("="))
    where = "" if conf.mirror in (releases.OFFICIAL, releases.GITHUB) else f" from {conf.mirror}"

    def apply(applier: Applier) -> None:
        from bootstrap.components.terraform import render as tfrender

        try:
            pool = sorted(set(installed(ctx, tool)) | set(remote(ctx, conf)))
            version = exact or resolve(Pin(spec, "profile"), pool, tool=tool)
            with tfrender.download_progress(ctx, f"{tool.product} {version}") as progress:
                done = pinned.install_version(ctx, conf, version, progress)
        except releases.Unreachable as exc:
            # not broken: the rest of the run goes on, and the command keeps running what was there
            raise Deferred(
                "network", f"{tool.product} {spec} was not installed: {pinned.cannot_reach(conf, exc)}", fix
            ) from None
        if done.note:
            ctx.err_console.print(done.note, markup=False)
        applier.writer.installed(f"{tool.product} {version}", f"bootstrap {tool.command} uninstall {version}")

    fix = f"bootstrap {tool.command} install '{spec}' (or bootstrap run --only terraform) once the site can be reached"

    return Step(
        NAME,
        f"Install {tool.product} {spec}{where} ({pinned.checked_by(ctx, conf)})",
        later="" if exact else f"'{spec}' is resolved to the newest matching release when the run starts",
        apply=apply,
        needs=("network",),
    )


# --- what the profile owns (for letting go when it no longer has Terraform) -----------------


def owned(ctx: Context, profile: Profile) -> list[Owned]:
    spec = profile.components.terraform
    found = []
    for tool in TOOLS:
        if section(spec, tool) is not None:
            found += [
                Owned("file", str(pinned.shim_path(ctx, tool))),
                Owned("versions", str(pinned.versions_dir(ctx, tool))),
            ]
    return found


def release(ctx: Context, items: list[Owned], why: str) -> Released:
    """The commands go with the profile (files); installed versions are only listed: projects
    pinned to them may still be built, and removing 80 MB is the person's call."""
    tools = {str(pinned.versions_dir(ctx, tool)): tool for tool in TOOLS}
    notes = []
    for item in items:
        tool = tools.get(item.target)
        if item.kind != "versions" or tool is None:
            continue
        notes += [
            f"{tool.product} {version} stays installed in {ctx.tilde(pinned.versions_dir(ctx, tool))} ({why}); "
            f"`bootstrap {tool.command} uninstall {version}` removes it"
            for version in installed(ctx, tool)
        ]
    return Released(notes=notes)


# --- doctor ---------------------------------------------------------------------------------


def checks(ctx: Context, profile: Profile) -> list[Check]:
    spec = profile.components.terraform or Terraform()
    tool = TERRAFORM

    def shim() -> Outcome:
        path = pinned.shim_path(ctx, tool)
        problem = command_problem(ctx, path, tool.mark, "bootstrap terraform install", DOCS)
        if problem is not None:
            return problem
        runs = f"`terraform` runs bootstrap's command ({ctx.tilde(path)}), which picks each project's version"
        try:
            pinned_here = find_pin(Path.cwd(), ctx.home, spec.version) is not None
        except UserError:
            pinned_here = True  # a pin it cannot read: the `here` check says what is wrong with it
        if pinned_here:
            return ok(runs)
        other = pinned.fallback(ctx, tool)
        if other is None:
            return Outcome(
                "warning",
                "`terraform` has nothing to run here: no version is pinned, none is installed, "
                "and there is no other terraform on your PATH",
                use_hint(ctx, tool),
                DOCS,
            )
        return ok(f"{runs}; {other.words(ctx.tilde)}")

    def default() -> Outcome:
        if not spec.version:
            return Outcome("skipped", "the profile names no default Terraform version")
        have = _default_satisfied(ctx, tool, spec.version)
        if have is None:
            return Outcome(
                "warning",
                f"Terraform {spec.version} (the profile's default) is not installed",
                f"bootstrap terraform install '{spec.version}'",
                DOCS,
            )
        problem = pinned.verified(ctx, tool, have)
        if problem:
            return Outcome(
                "error",
                f"Terraform {have} {problem}",
                f"bootstrap terraform uninstall {have} && bootstrap terraform install {have}",
            )
        return ok(f"Terraform {have} (the profile's default) is installed and verified")

    def here() -> Outcome:
        try:
            conf = pinned.settings(ctx, tool, spec)
            pin = find_pin(Path.cwd(), ctx.home, conf.default)
            if pin is None:
                return Outcome("skipped", "nothing pins a Terraform version in this folder")
            version = resolve(pin, installed(ctx, tool) if needs_index(pin) else [])
        except UserError as exc:
            return Outcome(
                "warning", f"no installed Terraform fits this folder: {ctx.tilde(exc)}", "bootstrap terraform install"
            )
        where = pin.where(ctx.tilde)
        if version not in installed(ctx, tool):
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
    for other in (TERRAGRUNT, OPENTOFU):
        given = section(spec, other)
        if given is not None:
            found.append(pinned.check(ctx, other, given, _pinned_here(ctx, other)))
    return found


def _pinned_here(ctx: Context, tool: Tool) -> Callable[[], bool]:
    """Whether anything pins the tool's version in the current folder (the profile aside)."""
    return lambda: find_pin(Path.cwd(), ctx.home, None, tool) is not None


def lint(loaded: Loaded) -> list[str]:
    """`profile validate`: the default versions must be something a run can resolve."""
    spec = loaded.model.components.terraform

    def exact(tool: Tool) -> Any:
        def wrong(text: str, where: str) -> Optional[str]:
            try:
                pinned.exact(tool, text, where)
            except UserError as exc:
                return str(exc)
            return None

        return wrong

    def constraint(tool: Tool) -> Any:
        return lambda text, where: _version_problem(tool, text, where)

    problems = _lint_version(loaded)
    for tool in (TERRAGRUNT, OPENTOFU):
        check = constraint(tool) if tool.constraints else exact(tool)
        problems += pinned.lint(loaded, tool, section(spec, tool), check)
    return problems


def _lint_version(loaded: Loaded) -> list[str]:
    spec = loaded.model.components.terraform
    if spec is None or spec.version is None:
        return []
    problem = _version_problem(TERRAFORM, spec.version, loaded.where(("components", "terraform", "version")))
    return [problem] if problem else []


def _version_problem(tool: Tool, given: str, where: str) -> Optional[str]:
    from bootstrap.components.terraform.pins import KEYWORDS

    text = given.strip()
    if text in KEYWORDS:
        return None
    if text.startswith("latest:"):
        try:
            re.compile(text.partition(":")[2])
        except re.error as exc:
            return f"{where}: {tool.command} version '{text}' has a bad regular expression ({exc})"
        return None
    try:
        parse(text)
    except ConstraintError as exc:
        return (
            f"{where}: {tool.command} version: {exc}; write a version (1.5.7), a constraint (~> 1.5.0), "
            f"or one of {', '.join(KEYWORDS)}, latest:<regex>"
        )
    return None
