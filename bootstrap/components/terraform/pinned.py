"""Pinned versions of a released program behind a shim, written once for every `Tool`
(Terraform, Terragrunt, OpenTofu: see tools.py): where releases come from and how they are
checked, the versions folder and its receipts, the program the person had before, the command in
~/.local/bin and whether typing it runs ours, the install step and the doctor check.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Optional

from bootstrap.components.terraform.constraints import Version, try_version
from bootstrap.components.terraform.tools import Tool
from bootstrap.system import releases
from bootstrap.system.context import Context
from bootstrap.system.errors import Deferred, Failure, UserError
from bootstrap.system.findings import Check, Outcome, ok
from bootstrap.system.steps import Applier, FileChange, Step

if TYPE_CHECKING:
    from bootstrap.profiles.load import Loaded

NAME = "terraform"  # the component these commands belong to (Terragrunt and OpenTofu are part of it)


def timeout(ctx: Context) -> float:
    """Seconds any network wait may take (Terraform's and Terragrunt's downloads alike)."""
    raw = ctx.env.get("BOOTSTRAP_TERRAFORM_TIMEOUT", "30")
    try:
        return float(raw)
    except ValueError:
        raise UserError(f"BOOTSTRAP_TERRAFORM_TIMEOUT={raw} is not a number of seconds") from None


def offline(ctx: Context) -> bool:
    return ctx.offline or ctx.env.get("BOOTSTRAP_OFFLINE", "") not in ("", "0")


def reach_advice(mirror: str, mirror_from: str, setting: str, variable: str, command: str) -> str:
    """What to do when a release site cannot be reached: the network, the team's mirror, or
    working offline with what is installed (the same words for Terraform and Terragrunt)."""
    if mirror_from:
        where = f"check the network (or VPN) and the mirror address {mirror} (set by {mirror_from})"
    else:
        where = f"connect to the network (or VPN), or set your team's mirror ({setting} in the profile, or {variable})"
    return f"{where}; versions already installed keep working offline (bootstrap {command} list)"


def installed_in(root: Path, program: str) -> list[Version]:
    """The versions in a versions folder that have a receipt and the program."""
    if not root.is_dir():
        return []
    found = []
    for folder in root.iterdir():
        version = try_version(folder.name)
        if version is not None and (folder / releases.RECEIPT).is_file() and (folder / program).is_file():
            found.append(version)
    return sorted(found)


@dataclass(frozen=True)
class Fallback:
    """What the command runs where nothing pins a version."""

    path: Path
    version: str
    system: bool  # installed before bootstrap (not one of its versions)

    def words(self, tilde: Callable[[object], str]) -> str:
        return f"no version pinned here: using {self.what(tilde)}"

    def what(self, tilde: Callable[[object], str]) -> str:
        if self.system:
            return f"{tilde(self.path)} {self.version}".strip() + ", which was already installed"
        return f"{self.version}, the newest version bootstrap installed"


def next_on_path(ctx: Context, name: str, mark: str) -> Optional[Path]:
    """The first `name` on PATH that is not one of bootstrap's commands: the one the person had."""
    ours = (ctx.paths.user_bin / name).resolve()
    for folder in ctx.env.get("PATH", os.defpath).split(os.pathsep):
        if not folder or not os.path.isabs(folder):
            continue
        candidate = Path(folder) / name
        try:
            if not candidate.is_file() or not os.access(candidate, os.X_OK) or candidate.resolve() == ours:
                continue
            with candidate.open("rb") as handle:
                if mark.encode() in handle.read(1024):  # another copy of the shim: it would loop
                    continue
        except OSError:
            continue
        return candidate
    return None


def program_version(ctx: Context, program: Path, *args: str) -> str:
    """The version a program says it is (`terraform version`, `terragrunt --version`), or ""."""
    result = ctx.runner.run([program, *args], env={"CHECKPOINT_DISABLE": "1"}, timeout=15, cwd=ctx.home)
    found = re.search(r"\bv?(\d+\.\d+\.\d+[0-9A-Za-z.+-]*)", result.stdout) if result.ok else None
    return found.group(1) if found else ""


def command_step(ctx: Context, path: Path, after: bytes, mark: str, product: str) -> Optional[Step]:
    """Put or update one of bootstrap's commands in ~/.local/bin; never overwrite anyone else's."""
    from bootstrap.system import files

    before = files.read(path)
    if before == after and (files.mode_of(path) or 0) & 0o111:
        return None
    if before is not None and mark.encode() not in before:
        raise Failure(
            f"{ctx.tilde(path)} exists and is not bootstrap's {product} shim; move it away "
            f"(`mv {ctx.tilde(path)} {ctx.tilde(path)}.old`), then run again"
        )
    what = "Put" if before is None else "Update"
    return Step(
        NAME,
        f"{what} the {path.name} command in {ctx.tilde(path)} (runs the version each project pins)",
        changes=(FileChange(path, before, after, 0o755),),
    )


def command_problem(ctx: Context, path: Path, mark: str, fix: str, docs: str) -> Optional[Outcome]:
    """Why typing the command does not run bootstrap's shim at path, or None when it does."""
    content = path.read_bytes() if path.is_file() else None
    if content is None or mark.encode() not in content:
        return Outcome("error", f"bootstrap's {path.name} command is not in {ctx.tilde(path)}", fix, docs)
    first = ctx.runner.which(path.name)
    if first is None or Path(first).resolve() != path.resolve():
        other = f"{first} runs instead" if first else f"{ctx.tilde(ctx.paths.user_bin)} is not on your PATH"
        return Outcome(
            "error",
            f"typing `{path.name}` does not run bootstrap's command: {other}",
            f'put {ctx.tilde(ctx.paths.user_bin)} first on PATH: export PATH="$HOME/.local/bin:$PATH" (then open a new terminal)',
        )
    return None


# --- where releases come from and how they are checked --------------------------------------


@dataclass(frozen=True)
class Settings:
    """Where one tool's releases come from and how they are checked: environment first, then the profile."""

    tool: Tool
    mirror: str
    api: str  # GitHub layouts: where the releases are listed
    keys: Optional[str]
    keys_from: str
    verify: bool
    default: Optional[str]  # the profile's version (exact where the tool takes no constraints)
    timeout: float
    mirror_from: str = ""  # the variable or profile key that set the mirror; "" for the official site
    api_from: str = ""


def exact(tool: Tool, text: str, where: str) -> Version:
    """A version written in full (0.67.16 or v0.67.16); bad input otherwise."""
    version = try_version(text.strip())
    if version is None or version.given != 3:
        raise UserError(
            f"{where}: '{text.strip()}' is not a {tool.product} version; write one like 0.67.16 "
            f"(`bootstrap {tool.command} list --remote` lists them)"
        )
    return version


def settings(ctx: Context, tool: Tool, spec: Any) -> Settings:
    """`spec` is the profile's section for the tool (None when it has none)."""
    github = tool.layout == "github"
    official = releases.GITHUB if github else releases.OFFICIAL
    mirror_var, api_var, keys_var = tool.variable("MIRROR"), tool.variable("API"), tool.variable("KEYS")
    given = {key: getattr(spec, key, None) for key in ("version", "mirror", "api", "keys")}
    mirror = ctx.env.get(mirror_var) or given["mirror"] or official
    api = (ctx.env.get(api_var) or given["api"] or releases.GITHUB_API) if github else ""
    releases.mirror_error(mirror, official)
    if api:
        releases.mirror_error(api, releases.GITHUB_API)
    keys = ctx.env.get(keys_var) or given["keys"]
    default = given["version"]
    if default and not tool.constraints:
        default = str(exact(tool, default, f"{tool.setting}.version in the profile"))

    def origin(variable: str, value: Optional[str], key: str) -> str:
        return variable if ctx.env.get(variable) else f"{tool.setting}.{key} in the profile" if value else ""

    return Settings(
        tool,
        mirror.rstrip("/"),
        api.rstrip("/"),
        keys,
        keys_var if ctx.env.get(keys_var) else tool.keys_setting,
        bool(getattr(spec, "verify", True)),
        default,
        timeout(ctx),
        origin(mirror_var, given["mirror"], "mirror"),
        origin(api_var, given["api"], "api") if github else "",
    )


def site(ctx: Context, conf: Settings) -> releases.Site:
    tool = conf.tool
    http = releases.Http(env=ctx.env, timeout=conf.timeout)
    cache = ctx.paths.release_cache(tool.folder)
    if tool.layout != "github":
        return releases.Site(tool.command, conf.mirror, http, cache, offline=offline(ctx))
    return releases.GitHubSite(
        tool.command,
        base=conf.mirror,
        http=http,
        cache_dir=cache,
        offline=offline(ctx),
        repo=tool.repo,
        api=conf.api,
        sums_name=tool.sums,
        signature_name=tool.signature,
        asset=tool.asset.format(command=tool.command, version="{version}", os="{os}", arch="{arch}"),
        member=tool.member,
    )


def cannot_reach(conf: Settings, exc: releases.Unreachable) -> str:
    """One line: which site could not be reached and why, then the next step."""
    tool = conf.tool
    if conf.api and exc.url.startswith(conf.api):
        advice = reach_advice(conf.api, conf.api_from, f"{tool.setting}.api", tool.variable("API"), tool.command)
        return f"could not reach {exc.host} for the list of {tool.product} releases ({exc.reason}): {advice}"
    setting, variable = f"{tool.setting}.mirror", tool.variable("MIRROR")
    advice = reach_advice(conf.mirror, conf.mirror_from, setting, variable, tool.command)
    kind = "download" if tool.layout == "github" else "release"
    return f"could not reach the {tool.product} {kind} site {exc.host} ({exc.reason}): {advice}"


def download_url(ctx: Context, conf: Settings, version: object) -> str:
    """Where a GitHub-layout build is downloaded from (said in plans)."""
    name = conf.tool.asset.format(
        command=conf.tool.command, version=version, os=ctx.platform.os, arch=ctx.platform.arch
    )
    ending = ".zip" if conf.tool.member else ""
    return f"{site(ctx, conf).root}/v{version}/{name}{ending}"


def checked_by(ctx: Context, conf: Settings) -> str:
    """How a download is checked, in words for plan and install."""
    tool = conf.tool
    if not conf.verify:
        return f"NOT verified ({tool.setting}.verify: false)"
    if tool.shipped_keys:
        return f"verified against {tool.signer}'s signature"
    if conf.keys:
        return f"checked against SHA256SUMS and its signature by the keys in {ctx.tilde(conf.keys)}"
    return f"checked against SHA256SUMS only: no signing key is set ({tool.keys_setting})"


def _verifier(ctx: Context, conf: Settings) -> Optional[Callable[[bytes, bytes, str], tuple[str, str]]]:
    tool = conf.tool
    if not conf.verify or not (conf.keys or tool.shipped_keys):
        return None
    from bootstrap.system import verify

    if tool.layout == "hashicorp":  # the built-in keys and their advice, as `terraform.keys` documents
        keys = str(ctx.expand(conf.keys)) if conf.keys and conf.keys.startswith("~") else conf.keys
        return verify.checker(verify.keyring(keys, f"{ctx.tilde(keys)} ({conf.keys_from})" if keys else None))
    if conf.keys:
        source, shown = ctx.expand(conf.keys), f"{ctx.tilde(conf.keys)} ({conf.keys_from})"
        rotated = f"if {tool.signer} moved to a new key, add it to that file ({tool.keys_docs})"
    else:
        source, shown = verify.BUILTIN_KEYS.parent / str(tool.shipped_keys), f"the built-in {tool.signer} keys"
        rotated = (
            f"if {tool.signer} rotated its key, add the new one with `{tool.keys_setting}` "
            f"or {tool.variable('KEYS')} ({tool.keys_docs})"
        )
    return verify.checker(
        verify.Keyring(source, shown, rotated=rotated, setting=tool.keys_setting, docs=tool.keys_docs)
    )


def install_version(
    ctx: Context, conf: Settings, version: object, progress: Optional[releases.Progress] = None
) -> releases.Installed:
    """Download, check and put one version in place (a no-op when it is installed already)."""
    check = _verifier(ctx, conf)
    if check is None and not conf.verify:
        ctx.err_console.print(
            f"warning: {conf.tool.setting}.verify is false in your profile: this {conf.tool.product} download is "
            f"NOT checked against {conf.tool.signer}'s signature; remove `verify: false` to have it checked",
            markup=False,
        )
    return releases.install(
        site(ctx, conf),
        str(version),
        versions_dir(ctx, conf.tool),
        ctx.platform.os,
        ctx.platform.arch,
        conf.tool.command,
        check,
        progress,
    )


# --- installed versions ---------------------------------------------------------------------


def versions_dir(ctx: Context, tool: Tool) -> Path:
    return ctx.paths.versions(tool.folder)


def installed(ctx: Context, tool: Tool) -> list[Version]:
    """Versions bootstrap installed (a folder with a receipt); any other copy never counts."""
    return installed_in(versions_dir(ctx, tool), tool.command)


def binary(ctx: Context, tool: Tool, version: object) -> Path:
    return versions_dir(ctx, tool) / str(version) / tool.command


def fallback(ctx: Context, tool: Tool) -> Optional[Fallback]:
    """Where nothing pins a version: the newest version bootstrap installed, else the program
    that was already on PATH (a working install keeps working), else nothing."""
    have = installed(ctx, tool)
    if have:
        return Fallback(binary(ctx, tool, have[-1]), str(have[-1]), system=False)
    other = next_on_path(ctx, tool.command, tool.mark)
    if other is None:
        return None
    return Fallback(other, program_version(ctx, other, *tool.version_args), system=True)


def verified(ctx: Context, tool: Tool, version: object) -> Optional[str]:
    """None when the installed program is as it was checked; else what is wrong."""
    folder = versions_dir(ctx, tool) / str(version)
    receipt = releases.receipt(folder)
    done = "verified" if tool.shipped_keys else "checked"
    if receipt is None:
        return "has no install receipt"
    if tool.shipped_keys and not receipt.get("verified"):
        return f"was installed without signature verification ({tool.setting}.verify: false)"
    if not releases.unchanged(folder / tool.command, receipt):
        return f"has changed since it was {done}"
    return None


# --- the shim -------------------------------------------------------------------------------


def shim_path(ctx: Context, tool: Tool) -> Path:
    return ctx.paths.user_bin / tool.command


def shim_text(ctx: Context, conf: Settings) -> bytes:
    """A few lines of POSIX sh that run the pinned version without starting Python."""
    from bootstrap.components.shell.initscripts import home_sh_path

    tool = conf.tool
    versions = home_sh_path(ctx.home, versions_dir(ctx, tool))
    python = home_sh_path(ctx.home, Path(sys.executable))
    home = home_sh_path(ctx.home, ctx.home)
    if not tool.constraints:
        # Where nothing pins a version: the profile's, else the newest installed (as `exec` chooses).
        have = installed(ctx, tool)
        default = conf.default or (str(have[-1]) if have else "")
        return _exact_shim(tool, versions, home, python, default).encode()
    return _pinning_shim(tool, versions, home, python).encode()


def _exact_shim(tool: Tool, versions: str, home: str, python: str, default: str) -> str:
    name, file = tool.command, tool.version_file
    return f"""#!/bin/sh
{tool.mark}: runs the {tool.product} version pinned for the current directory.
# The nearest {file} (up to the repository root), else ~/{file}, else
# the profile's version (or the newest installed) is run directly when installed; anything else
# goes through bootstrap.
# Written by `bootstrap {name} install`; `bootstrap undo` takes it out again.
versions={versions}
home={home}
v={default}
dir=$PWD
while [ -n "$dir" ]; do
    if [ "$dir" != "$home" ] && [ -f "$dir/{file}" ]; then
        read -r v _ < "$dir/{file}"
        dir=found
        break
    fi
    [ -e "$dir/.git" ] && break
    dir=${{dir%/*}}
done
if [ "$dir" != found ] && [ -f "$home/{file}" ]; then
    read -r v _ < "$home/{file}"
fi
v=${{v#v}}
[ -n "$v" ] && [ -x "$versions/$v/{name}" ] && exec "$versions/$v/{name}" "$@"
exec {python} -m bootstrap {name} exec -- "$@"
"""


def _pinning_shim(tool: Tool, versions: str, home: str, python: str) -> str:
    name, file = tool.command, tool.version_file
    # A folder with these files may pin a version by required_version: bootstrap reads them.
    project = " ".join(f"./{pattern}" for pattern in tool.module_files)
    if tool.terragrunt_pins:
        project += " ./terragrunt.hcl ./root.hcl"
    return f"""#!/bin/sh
{tool.mark}: runs the {tool.product} version pinned for the current directory.
# The nearest {file} naming an installed version is run directly; everything else
# (constraints, `latest`, required_version, a version still to install) is resolved by bootstrap.
# Written by `bootstrap {name} install`; `bootstrap undo` takes it out again.
versions={versions}
home={home}
found=
dir=$PWD
while [ -n "$dir" ]; do
    if [ "$dir" != "$home" ] && [ -f "$dir/{file}" ]; then
        found=1
        read -r v _ < "$dir/{file}"
        v=${{v#v}}
        [ -n "$v" ] && [ -x "$versions/$v/{name}" ] && exec "$versions/$v/{name}" "$@"
        break
    fi
    [ -e "$dir/.git" ] && break
    dir=${{dir%/*}}
done
if [ -z "$found" ] && [ -f "$home/{file}" ]; then
    for f in {project}; do [ -e "$f" ] && found=1 && break; done
    if [ -z "$found" ]; then
        read -r v _ < "$home/{file}"
        v=${{v#v}}
        [ -n "$v" ] && [ -x "$versions/$v/{name}" ] && exec "$versions/$v/{name}" "$@"
    fi
fi
exec {python} -m bootstrap {name} exec -- "$@"
"""


def shim_step(ctx: Context, conf: Settings) -> Optional[Step]:
    return command_step(ctx, shim_path(ctx, conf.tool), shim_text(ctx, conf), conf.tool.mark, conf.tool.product)


# --- plan -----------------------------------------------------------------------------------


def install_step(ctx: Context, conf: Settings, version: Version) -> Step:
    """Install one exact version during a run; unreachable sites leave it for later (exit 3)."""
    tool = conf.tool

    def apply(applier: Applier) -> None:
        from bootstrap.components.terraform import render as tfrender

        try:
            with tfrender.download_progress(ctx, f"{tool.product} {version}") as progress:
                done = install_version(ctx, conf, version, progress)
        except releases.Unreachable as exc:
            raise Deferred(
                "network",
                f"{tool.product} {version} was not installed: {cannot_reach(conf, exc)}",
                f"bootstrap {tool.command} install {version} (or bootstrap run --only terraform) once the site can be reached",
            ) from None
        if done.note:
            ctx.err_console.print(done.note, markup=False)
        applier.writer.installed(f"{tool.product} {version}", f"bootstrap {tool.command} uninstall {version}")

    return Step(
        NAME,
        f"Install {tool.product} {version} from {download_url(ctx, conf, version)} ({checked_by(ctx, conf)})",
        apply=apply,
        needs=("network",),
    )


# --- doctor ---------------------------------------------------------------------------------


def check(ctx: Context, tool: Tool, spec: Any, pinned_here: Callable[[], bool]) -> Check:
    """One check for a tool a profile section adds (terraform.terragrunt, terraform.opentofu)."""

    def run() -> Outcome:
        try:
            conf = settings(ctx, tool, spec)
        except UserError as exc:
            return Outcome("error", str(exc), f"fix {tool.setting} in the profile (bootstrap profile validate)")
        name, product = tool.command, tool.product
        wanted = conf.default or "latest"
        shown = wanted if try_version(wanted.lstrip("=")) or wanted == "latest" else f"'{wanted}'"
        install = f"bootstrap {name} install {shown}"
        problem = command_problem(ctx, shim_path(ctx, tool), tool.mark, install, tool.docs)
        if problem is not None:
            return problem
        version, constrained = _profile_version(ctx, tool, conf.default)
        if constrained and version is None:  # a constraint no installed version satisfies
            return Outcome(
                "warning", f"{product} {conf.default} (the profile's version) is not installed", install, tool.docs
            )
        if version is None:
            runs = f"`{name}` runs bootstrap's command, which runs the version each {tool.version_file} names"
            try:
                pinned = pinned_here()
            except UserError:
                pinned = True
            other = None if pinned else fallback(ctx, tool)
            return ok(f"{runs}; {other.words(ctx.tilde)}" if other else runs)
        if version not in installed(ctx, tool):
            return Outcome(
                "warning", f"{product} {version} (the profile's version) is not installed", install, tool.docs
            )
        reinstall = f"bootstrap {name} uninstall {version} && bootstrap {name} install {version}"
        damaged = verified(ctx, tool, version)
        if damaged:
            return Outcome("error", f"{product} {version} {damaged}", reinstall)
        receipt = releases.receipt(binary(ctx, tool, version).parent) or {}
        keyed = bool(conf.keys or tool.shipped_keys)
        if keyed and not receipt.get("verified"):
            return Outcome(
                "warning",
                f"{product} {version} was installed before a signing key was set, so its signature was never checked",
                reinstall,
            )
        if not keyed:
            return Outcome(
                "info",
                f"{product} {version} is installed and `{name}` runs it; its download was checked against "
                "SHA256SUMS only, as no signing key is set",
                f"set {tool.keys_setting} to {tool.signer}'s release signing key ({tool.keys_docs}), then: {reinstall}",
            )
        signer = str(receipt.get("signed_by", ""))[-16:].upper()
        return ok(
            f"{product} {version} is installed and `{name}` runs it; its download was checked against "
            f"SHA256SUMS and its signature (key {signer})"
        )

    return Check(tool.setting, NAME, run)


def _profile_version(ctx: Context, tool: Tool, spec: Optional[str]) -> tuple[Optional[Version], bool]:
    """The version the profile's setting names: exact, or the newest installed that satisfies its
    constraint (None when none does); and whether it is a constraint. `latest` and keywords need
    the network: (None, False)."""
    if not spec:
        return None, False
    exact = try_version(spec.lstrip("="))
    if exact is not None:
        return exact, False
    from bootstrap.components.terraform.constraints import ConstraintError, parse

    try:
        return parse(spec).best(installed(ctx, tool)), True
    except ConstraintError:
        return None, False


def lint(loaded: Loaded, tool: Tool, spec: Any, version: Callable[[str, str], Optional[str]]) -> list[str]:
    """`profile validate` for a tool's section: `version(text, where)` says what is wrong with its
    version (None when it is fine); then addresses that can work."""
    if spec is None:
        return []
    path = ("components", *tool.setting.split("."))
    problems = []
    if spec.version is not None:
        wrong = version(spec.version, loaded.where((*path, "version")))
        if wrong:
            problems.append(wrong)
    layouts = (("mirror", releases.GITHUB), ("api", releases.GITHUB_API)) if tool.layout == "github" else ()
    for key, layout in layouts:
        value = getattr(spec, key)
        if value is not None:
            try:
                releases.mirror_error(value, layout)
            except UserError as exc:
                problems.append(f"{loaded.where((*path, key))}: {exc}")
    return problems
