"""Packages: the role's software, through this platform's manager and, for Python tools, uv.

A profile names each package once; per-manager names are given only where they differ. System
packages go in one batch (one `apt-get install`, one `brew install`), after asking for the
password once when apt or dnf need root. An account that may not install system software (no
sudo, or sudo refuses it) gets everything else: the system packages wait on an administrator,
gathered into the one command to hand them. Python command-line tools need no administrator:
they go through `uv tool install` (pipx when only pipx is there, and when neither is, uv itself
is brought from PyPI into bootstrap's own folder, as install.sh brings bootstrap), pinned when
the profile pins them. Installed software is recorded in the run's journal; undo lists it and
never removes it.
"""

from __future__ import annotations

import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional, Union

from bootstrap.profiles import conditions
from bootstrap.profiles.schema import Package, Packages, Profile
from bootstrap.system import files, syspkg, versions
from bootstrap.system.context import Context
from bootstrap.system.errors import Failure
from bootstrap.system.findings import Check, Outcome, ok, once
from bootstrap.system.managed import Owned, Released
from bootstrap.system.steps import Applier, Step

NAME = "packages"
REQUIRES: tuple[str, ...] = ()
FIX_RUN = "bootstrap run --only packages"
UV_DOCS = "https://docs.astral.sh/uv/guides/tools/"
DOCKER_DOCS = "https://docs.docker.com/get-started/get-docker/"


@dataclass(frozen=True)
class Wanted:
    """A package as this machine's installer names it."""

    name: str  # the profile's logical name, shown to people
    native: str  # the manager's (or PyPI's) name
    command: Optional[str]  # a program that proves it is there, when the manager does not know it
    version: Optional[str]  # the profile's version rule
    recommends: bool = False  # apt/dnf install what it recommends too


@dataclass(frozen=True)
class Found:
    """What is installed: None when missing; version "" when present but it would not say."""

    version: Optional[str]
    how: str = ""  # "apt", "uv", "pipx", "PATH"


def _package(item: Union[str, Package]) -> Package:
    return Package(name=item) if isinstance(item, str) else item


def enabled(items: list[Union[str, Package]], profile: Profile) -> list[Union[str, Package]]:
    """Packages with `when` are installed only when it holds (an answered yes)."""
    return [item for item in items if conditions.holds(_package(item).when, profile)]


def system_wanted(ctx: Context, spec: Packages, profile: Profile) -> list[Wanted]:
    kind = syspkg.manager(ctx.platform) or ""
    found = []
    for item in enabled(spec.system, profile):
        package = _package(item)
        native = getattr(package, kind, None) if kind in ("brew", "apt", "dnf") else None
        found.append(Wanted(package.name, native or package.name, package.command, package.version, package.recommends))
    return found


def tools_wanted(spec: Packages, profile: Profile) -> list[Wanted]:
    found = []
    for item in enabled(spec.uv_tools, profile):
        package = _package(item)
        found.append(Wanted(package.name, package.name, package.command or package.name, package.version))
    return found


# --- reading the machine --------------------------------------------------------------------


def _bin_dir(ctx: Context) -> Path:
    """Where uv and pipx put the tools they install (XDG_BIN_HOME, else ~/.local/bin)."""
    return Path(ctx.env["XDG_BIN_HOME"]) if ctx.env.get("XDG_BIN_HOME") else ctx.home / ".local" / "bin"


def find_program(ctx: Context, name: str) -> Optional[str]:
    """A program on PATH, or in the tools folder a fresh shell may not have on PATH yet."""
    found = ctx.runner.which(name)
    if found:
        return found
    local = _bin_dir(ctx) / name
    if local.is_file():
        return str(local)
    own = own_uv(ctx) / "bin" / name
    return str(own) if name == "uv" and own.is_file() else None


def own_uv(ctx: Context) -> Path:
    """Where bootstrap keeps the uv it brought, when the system had neither uv nor pipx."""
    return ctx.paths.data / "uv"


def program_version(ctx: Context, program: str) -> str:
    result = ctx.runner.run([program, "--version"], timeout=20)
    parsed = versions.parse(result.stdout + "\n" + result.stderr) if result.ok else None
    return versions.dotted(parsed) if parsed else ""


def system_state(ctx: Context, wanted: list[Wanted]) -> dict[str, Found]:
    """Logical name -> what is installed, asking the manager once for all of them."""
    state = {w.name: Found(None) for w in wanted}
    command = syspkg.query_command(ctx.platform, [w.native for w in wanted])
    if command is None or not wanted or not ctx.runner.which(command[0]):
        listed: dict[str, str] = {}
    else:
        listed = syspkg.parse_query(ctx.platform, ctx.runner.run(command, timeout=60).stdout)
    kind = syspkg.manager(ctx.platform) or ""
    for item in wanted:
        if item.native in listed:
            state[item.name] = Found(listed[item.native], kind)
        elif item.command and find_program(ctx, item.command):
            state[item.name] = Found(program_version(ctx, find_program(ctx, item.command) or item.command), "PATH")
    return state


def parse_uv_tools(output: str) -> dict[str, str]:
    """`uv tool list`: `name v1.2.3` lines, each followed by `- executable` lines."""
    found = {}
    for line in output.splitlines():
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*) v(\S+)", line)
        if match:
            found[_canonical(match.group(1))] = match.group(2)
    return found


def parse_pipx(output: str) -> dict[str, str]:
    """`pipx list --short`: `name 1.2.3` lines."""
    found = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) >= 2:
            found[_canonical(parts[0])] = parts[1]
    return found


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def tool_state(ctx: Context, wanted: list[Wanted]) -> dict[str, Found]:
    """Tools installed by uv or pipx (either counts), or else their program on PATH."""
    listed: dict[str, Found] = {}
    uv = find_program(ctx, "uv")
    if uv and wanted:
        result = ctx.runner.run([uv, "tool", "list"], timeout=60, env={"NO_COLOR": "1"})
        listed.update({k: Found(v, "uv") for k, v in parse_uv_tools(result.stdout).items()} if result.ok else {})
    pipx = find_program(ctx, "pipx")
    # pipx takes half a second to answer: asked only for what uv does not have
    if pipx and any(_canonical(w.native) not in listed for w in wanted):
        result = ctx.runner.run([pipx, "list", "--short"], timeout=60)
        found = parse_pipx(result.stdout) if result.ok else {}
        listed.update({k: Found(v, "pipx") for k, v in found.items() if k not in listed})
    state = {}
    for item in wanted:
        if _canonical(item.native) in listed:
            state[item.name] = listed[_canonical(item.native)]
        elif item.command and find_program(ctx, item.command):
            state[item.name] = Found(program_version(ctx, find_program(ctx, item.command) or item.command), "PATH")
        else:
            state[item.name] = Found(None)
    return state


def acceptable(found: Found, rule: Optional[str]) -> bool:
    """Installed, and at a version the profile accepts (an unknown version passes a bare install)."""
    if found.version is None:
        return False
    if not rule:
        return True
    have = versions.parse(found.version)
    return have is not None and versions.satisfies(have, rule)


# --- plan -----------------------------------------------------------------------------------


def plan(ctx: Context, profile: Profile, admin: Optional[syspkg.Admin] = None) -> list[Step]:
    """`admin` is what `syspkg.admin_rights` says (asked only when a system package is missing)."""
    spec = profile.components.packages
    if spec is None:
        return []
    system = system_wanted(ctx, spec, profile)
    tools = tools_wanted(spec, profile)
    sys_state = system_state(ctx, system)
    missing = [w for w in system if sys_state[w.name].version is None]
    tool_state_now = tool_state(ctx, tools)
    # a pinned tool at another version is reinstalled; uv installs any release
    pending_tools = [w for w in tools if not acceptable(tool_state_now[w.name], w.version)]
    steps: list[Step] = []
    if missing:
        steps += _system_steps(ctx, missing, admin)
    if not pending_tools:
        return steps
    installer = "uv" if find_program(ctx, "uv") or not find_program(ctx, "pipx") else "pipx"
    if installer == "uv" and not find_program(ctx, "uv"):
        # the uv brought here is the profile's own `uv` tool too, at the version it asks for
        itself = next((w for w in pending_tools if _canonical(w.native) == "uv"), None)
        steps.append(_uv_step(ctx, spec.index_url, itself.version if itself else None))
        pending_tools = [w for w in pending_tools if w is not itself]
        if not pending_tools:
            return steps
    program = _shown_program(ctx, installer)
    for item in pending_tools:
        steps.append(_tool_step(ctx, item, installer, program, tool_state_now[item.name], spec.index_url))
    return steps


def _shown_program(ctx: Context, installer: str) -> str:
    """The installer as the plan shows and runs it: its bare name when on PATH, else its path."""
    if ctx.runner.which(installer):
        return installer
    found = find_program(ctx, installer)
    if found:
        return found
    return str(_bin_dir(ctx) / installer)  # uv, once the step before this one has brought it


def _uv_step(ctx: Context, index_url: Optional[str], version: Optional[str] = None) -> Step:
    """uv into bootstrap's own folder, from PyPI (or the team's index), with no administrator.

    A virtual environment of its own, like the one install.sh makes for bootstrap: `pip install
    --user` is refused by Debian's Python (PEP 668), and pip honours PIP_INDEX_URL and pip.conf
    here as everywhere. PIP_USER=0 because a `user = true` setting would refuse a venv install.
    Then ~/.local/bin/uv starts it, where the tools uv installs go too.
    """
    venv = own_uv(ctx)
    python = venv / "bin" / "python"
    index = ("--index-url", index_url) if index_url else ()
    link = _bin_dir(ctx) / "uv"
    script = f'#!/bin/sh\n# Written by bootstrap: the uv it installed for your Python tools.\nexec {shlex.quote(str(venv / "bin" / "uv"))} "$@"\n'

    def start_it(applier: Applier) -> None:
        applier.writer.write(link, script.encode(), 0o755)

    return Step(
        NAME,
        f"Install uv, which installs the Python tools, into {ctx.tilde(venv)} (from PyPI; needs no administrator)",
        commands=(
            (sys.executable, "-m", "venv", "--clear", str(venv)),
            (
                "env",
                "PIP_USER=0",
                str(python),
                "-m",
                "pip",
                "install",
                "--disable-pip-version-check",
                "--quiet",
                *index,
                versions.requirement("uv", version),
            ),
        ),
        installs=(f"uv (in {ctx.tilde(venv)})", f"rm -r {ctx.tilde(venv)} {ctx.tilde(link)}"),
        later=f"then {ctx.tilde(link)} starts it",
        apply=start_it,
        needs=("network",),
    )


def _system_steps(ctx: Context, missing: list[Wanted], admin: Optional[syspkg.Admin]) -> list[Step]:
    kind = syspkg.manager(ctx.platform)
    program = syspkg.program(ctx.platform)
    names = [w.native for w in missing]
    if kind is None or program is None:
        raise Failure(
            f"bootstrap does not know how to install software on {ctx.platform.describe()}: "
            f"install {', '.join(names)} yourself, then run again"
        )
    if not ctx.runner.which(program):
        raise Failure(
            f"{_manager_label(kind)} is not installed, and it installs {', '.join(names)}; "
            f"install it with: {syspkg.manager_install_hint(ctx.platform)}"
        )
    recommends = tuple(w.native for w in missing if w.recommends)
    shown = ", ".join(w.name if w.name == w.native else f"{w.name} ({w.native})" for w in missing)
    summary = f"Install {len(missing)} package{'s' if len(missing) != 1 else ''} with {_manager_label(kind)}: {shown}"
    for_someone = syspkg.shown(syspkg.batch_install(ctx.platform, names, root=False, recommends=recommends))

    def record(applier: Applier) -> None:
        for item in missing:
            applier.writer.installed(item.native, syspkg.remove_command(ctx.platform, item.native))

    if not syspkg.needs_sudo(ctx.platform, root=False):  # Homebrew: the user's own
        commands = syspkg.batch_install(ctx.platform, names, root=False, recommends=recommends)
        return [Step(NAME, summary, commands=tuple(commands), apply=record)]
    admin = syspkg.admin_rights(ctx.runner) if admin is None else admin
    if not admin.can:
        return [
            Step(
                NAME,
                f"{summary} (your account may not install system software: {admin.why}; "
                "hand an administrator the command below)",
                waits_on="administrator",
                fix=for_someone,
                needs=("administrator",),
            )
        ]
    if admin.how == "password" and not ctx.interactive:
        return [
            Step(
                NAME,
                f"{summary} (sudo asks for your password, and there is no terminal to type it: "
                "run the command below in a terminal)",
                waits_on="you",
                fix=for_someone,
                needs=("password",),
            )
        ]
    if admin.how == "root":
        commands = syspkg.batch_install(ctx.platform, names, root=True, recommends=recommends)
        return [Step(NAME, summary, commands=tuple(commands), apply=record)]
    if admin.how == "sudo":  # no password: -n makes sure sudo never waits for one
        commands = syspkg.batch_install(ctx.platform, names, root=False, sudo=("sudo", "-n"), recommends=recommends)
        return [Step(NAME, summary, commands=tuple(commands), apply=record)]
    ask = Step(
        NAME,
        f"Ask for your computer password once (sudo), because {kind} installs software for all users",
        commands=(("sudo", "-v"),),
        interactive=True,
        needs=("password",),
    )
    # The terminal is kept (sudo remembers the password per terminal, and may ask again if apt
    # outlasts its few minutes) but apt's output is not streamed into the run.
    commands = syspkg.batch_install(ctx.platform, names, root=False, sudo=("sudo",), recommends=recommends)
    return [ask, Step(NAME, summary, commands=tuple(commands), prompts=True, apply=record, needs=("password",))]


def _manager_label(kind: str) -> str:
    return {"brew": "Homebrew", "apt": "apt", "dnf": "dnf"}.get(kind, kind)


def tool_commands(
    item: Wanted, installer: str, program: str, reinstall: bool, index_url: Optional[str]
) -> tuple[str, ...]:
    requirement = versions.requirement(item.native, item.version)
    options = (*(("--force",) if reinstall else ()), *(("--index-url", index_url) if index_url else ()))
    if installer == "uv":
        return (program, "tool", "install", *options, requirement)
    return (program, "install", *options, requirement)


def _tool_step(
    ctx: Context, item: Wanted, installer: str, program: str, found: Found, index_url: Optional[str]
) -> Step:
    reinstall = found.version is not None
    if reinstall:
        why = f"{found.version} is installed; the profile asks for {item.version}"
        summary = f"Reinstall {item.name} at {item.version} with {installer} ({why})"
    else:
        at = f" {versions.pinned(item.version)}" if item.version and versions.is_pin(item.version) else ""
        summary = f"Install {item.name}{at} with {installer} (a Python command-line tool)"
    remove = f"{installer} tool uninstall {item.native}" if installer == "uv" else f"pipx uninstall {item.native}"
    argv = tool_commands(item, installer, program, reinstall and found.how in ("uv", "pipx"), index_url)
    return Step(
        NAME,
        summary,
        commands=(argv,),
        installs=(f"{item.native} ({installer})", remove),
        later=f"the tool's program goes into {ctx.tilde(_bin_dir(ctx))}",
    )


# --- what the profile owns (for letting go when it no longer lists a package) --------------


def installed_by_us(ctx: Context) -> dict[str, str]:
    """Software recorded by runs not undone: what -> how to remove it."""
    return {
        item["what"]: item["remove"]
        for journal in files.list_journals(ctx.paths.runs)
        if journal.in_effect
        for item in journal.installed
    }


def owned(ctx: Context, profile: Profile) -> list[Owned]:
    """Only what bootstrap itself installed: a tool the person had before is never ours to remove."""
    spec = profile.components.packages
    if spec is None:
        return []
    ours = installed_by_us(ctx)
    out = [
        Owned("tool", item.native, installer)
        for item in tools_wanted(spec, profile)
        for installer in ("uv", "pipx")
        if f"{item.native} ({installer})" in ours
    ]
    out += [Owned("package", w.native, ours[w.native]) for w in system_wanted(ctx, spec, profile) if w.native in ours]
    return out


def _record_removal(what: str, reinstall: str) -> Callable[[Applier], None]:
    return lambda applier: applier.writer.removed(what, reinstall)


def release(ctx: Context, items: list[Owned], why: str) -> Released:
    """Python tools bootstrap installed are uninstalled (they are this person's alone); system
    packages stay, with the command that removes them: other programs and people may use them."""
    out = Released()
    tools = [o for o in items if o.kind == "tool"]
    present = tool_state(ctx, [Wanted(o.target, o.target, None, None) for o in tools]) if tools else {}
    for item in tools:
        found = present[item.target]
        program = find_program(ctx, item.value)
        if found.how != item.value or program is None:
            continue
        argv = (
            (program, "tool", "uninstall", item.target) if item.value == "uv" else (program, "uninstall", item.target)
        )
        again = versions.requirement(item.target, f"=={found.version}" if found.version else None)
        reinstall = f"uv tool install {again}" if item.value == "uv" else f"pipx install {again}"
        out.steps.append(
            Step(
                NAME,
                f"Uninstall {item.target} ({item.value}; {why})",
                commands=(argv,),
                apply=_record_removal(f"{item.target} ({item.value})", reinstall),
            )
        )
    for item in (o for o in items if o.kind == "package"):
        out.notes.append(f"{item.target} stays installed: other programs may use it ({why}); `{item.value}` removes it")
    return out


# --- doctor ---------------------------------------------------------------------------------


def checks(ctx: Context, profile: Profile) -> list[Check]:
    spec = profile.components.packages or Packages()
    system = system_wanted(ctx, spec, profile)
    tools = tools_wanted(spec, profile)
    kind = syspkg.manager(ctx.platform)
    program = syspkg.program(ctx.platform)
    have_manager = once(lambda: program is not None and ctx.runner.which(program) is not None)
    sys_state = once(lambda: system_state(ctx, system))
    tools_now = once(lambda: tool_state(ctx, tools))
    # asked once, and only on a system whose manager needs root (sudo -n -v: it never prompts)
    admin = once(
        lambda: syspkg.admin_rights(ctx.runner) if syspkg.needs_sudo(ctx.platform, root=False) else syspkg.ROOT
    )

    def missing_command() -> str:
        """One command installing every missing system package: what to hand an administrator."""
        state = sys_state()
        names = [w.native for w in system if state[w.name].version is None]
        recommends = tuple(w.native for w in system if w.recommends)
        return syspkg.shown(syspkg.batch_install(ctx.platform, names, root=False, recommends=recommends))

    found: list[Check] = []

    if system:

        def manager_check() -> Outcome:
            if kind is None:
                return Outcome(
                    "warning",
                    f"bootstrap does not install software on {ctx.platform.describe()}",
                    "install the packages this profile lists with your system's package manager",
                )
            if not have_manager():
                return Outcome(
                    "error",
                    f"{_manager_label(kind)} is not installed; it installs this role's software",
                    syspkg.manager_install_hint(ctx.platform),
                    syspkg.HOMEBREW_DOCS if kind == "brew" else None,
                )
            label = _manager_label(kind)
            rights = admin()
            if rights.can:
                asks = " (sudo will ask for your password)" if rights.how == "password" else ""
                return ok(f"{label} is ready to install software{asks}")
            command = missing_command()
            if not command:
                return Outcome(
                    "info",
                    f"{label} is here; your account may not install system software ({rights.why}), "
                    "and nothing this profile needs from it is missing",
                )
            return Outcome(
                "warning",
                f"{label} is here, but your account may not install system software ({rights.why}): "
                "hand an administrator (IT) this command, which installs what is missing",
                command,
            )

        found.append(Check("packages.manager", NAME, manager_check))

    for item in system:
        found.append(Check(f"packages.{item.name}", NAME, _system_check(ctx, item, sys_state, have_manager, admin)))
    for item in tools:
        found.append(Check(f"packages.{item.name}", NAME, _tool_check(ctx, item, tools_now)))
    if spec.docker:
        found.append(Check("packages.docker", NAME, lambda: docker_engine(ctx)))
    return found


def _system_check(
    ctx: Context,
    item: Wanted,
    state: Callable[[], dict[str, Found]],
    have_manager: Callable[[], bool],
    admin: Callable[[], syspkg.Admin],
) -> Callable[[], Outcome]:
    def check() -> Outcome:
        found = state()[item.name]
        if found.version is None and have_manager() and not admin().can:
            # not the person's to fix: a warning with the command their administrator runs
            command = syspkg.batch_install(
                ctx.platform, [item.native], root=False, recommends=(item.native,) if item.recommends else ()
            )
            return Outcome(
                "warning", f"{item.name} is not installed; installing it needs an administrator", syspkg.shown(command)
            )
        fix = syspkg.install_hint(ctx.platform, item.native) if have_manager() else FIX_RUN
        if found.version is None:
            return Outcome("error", f"{item.name} is not installed", fix)
        if not acceptable(found, item.version):
            return Outcome(
                "warning",
                f"{item.name} {found.version or '(version unknown)'} is installed; the profile asks for {item.version}",
                _upgrade_hint(ctx, item),
            )
        return ok(f"{item.name} {found.version} is installed".replace("  ", " "))

    return check


def _upgrade_hint(ctx: Context, item: Wanted) -> str:
    kind = syspkg.manager(ctx.platform)
    if kind == "brew":
        return f"brew upgrade {item.native}"
    if kind == "apt":
        return f"sudo apt-get update && sudo apt-get install --only-upgrade {item.native}"
    if kind == "dnf":
        return f"sudo dnf upgrade {item.native}"
    return f"upgrade {item.name} with your system's package manager"


def _tool_check(ctx: Context, item: Wanted, state: Callable[[], dict[str, Found]]) -> Callable[[], Outcome]:
    def check() -> Outcome:
        found = state()[item.name]
        requirement = shlex.quote(versions.requirement(item.native, item.version))
        # a fix names a program that is here: uv, else pipx, else bootstrap brings uv itself
        uv, pipx = find_program(ctx, "uv"), find_program(ctx, "pipx")
        installer = (
            f"{_typed(ctx, uv, 'uv')} tool install" if uv else f"{_typed(ctx, pipx, 'pipx')} install" if pipx else ""
        )
        if found.version is None:
            return Outcome(
                "error",
                f"{item.name} is not installed",
                f"{installer} {requirement}" if installer else FIX_RUN,
                UV_DOCS,
            )
        if not acceptable(found, item.version):
            return Outcome(
                "warning",
                f"{item.name} {found.version or '(version unknown)'} is installed; the profile asks for {item.version}",
                f"{installer} --force {requirement}" if installer else FIX_RUN,
                UV_DOCS,
            )
        return ok(f"{item.name} {found.version} is installed".replace("  ", " "))

    return check


def _typed(ctx: Context, found: Optional[str], name: str) -> str:
    """A program as a person types it: its name when PATH finds it, else its path (with ~)."""
    return name if ctx.runner.which(name) else shlex.quote(ctx.tilde(found or name)).replace("'~/", "~/'")


def docker_engine(ctx: Context) -> Outcome:
    """A warning, never an error: much of the work needs no containers, and engines get stopped."""
    docker = ctx.runner.which("docker")
    start = "open -a Docker" if ctx.platform.family == "macos" else "sudo systemctl start docker"
    if docker is None:
        return Outcome(
            "warning",
            "Docker is not installed; you need it to build and test pipelines in containers",
            "install Docker Desktop (macOS) or Docker Engine (Linux)",
            DOCKER_DOCS,
        )
    result = ctx.runner.run([docker, "info", "--format", "{{.ServerVersion}}"], timeout=10)
    if not result.ok or not result.stdout.strip():
        return Outcome(
            "warning",
            "Docker is installed but no Docker engine is running, so containers will not start",
            start,
            DOCKER_DOCS,
        )
    return ok(f"a Docker engine {result.stdout.strip()} is running")
