"""Shell: PATH, the profile's variables and aliases, history, prompt and TAB completion.

The set-up lives in generated files in the config folder (`env.sh`, `init.bash`, `init.zsh`,
`init.fish`, `completions/`); each rc file gets one managed line that sources them. The login
shell comes from the account database; the profile may add more shells. Doctor asks real
shells whether each completion is registered and how long they take to start.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from bootstrap.components.shell import completions
from bootstrap.components.shell import initscripts as shellinit
from bootstrap.components.shell import path as shellpath
from bootstrap.components.shell.initscripts import Setup
from bootstrap.profiles.schema import Profile, Shell
from bootstrap.system import files
from bootstrap.system.context import Context
from bootstrap.system.errors import Failure
from bootstrap.system.findings import Check, Outcome, ok, once
from bootstrap.system.managed import Owned
from bootstrap.system.steps import Applier, FileChange, Step

NAME = "shell"
REQUIRES: tuple[str, ...] = ()
BLOCK = "shell"
LEGACY_BLOCK = "path"  # what `bootstrap ensure-path` wrote before this component existed
SHELLS = ("bash", "zsh", "fish")
CORE_TOOLS = ("git", "aws", "terraform")
FIX_RUN = "bootstrap run --only shell"
DOCS = None  # the shell section of docs/profiles.md ships with the source, not at a stable URL
AWS_CLI_DOCS = "https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html"
STARTUP_BUDGET_MS = 5
STARTUP_RUNS = 3


# --- what to set up -------------------------------------------------------------------------


def login_shell(ctx: Context) -> str:
    return Path(ctx.login_shell).name


def shells(ctx: Context, spec: Shell) -> list[str]:
    """The login shell (from the account database) and the shells the profile asks for."""
    wanted = {login_shell(ctx), *spec.shells}
    return [s for s in SHELLS if s in wanted]


def brew_prefix(ctx: Context) -> str:
    if ctx.platform.os != "darwin":
        return ""
    return "/opt/homebrew" if ctx.platform.arch == "arm64" else "/usr/local"


def tool_names(ctx: Context, profile: Profile, spec: Shell) -> list[str]:
    """git, aws and terraform when on PATH or set up by the profile, then the profile's list."""
    installs = {"git": profile.components.git, "aws": profile.components.aws, "terraform": profile.components.terraform}
    names = [n for n in CORE_TOOLS if installs[n] is not None or ctx.runner.which(n)]
    return names + [n for n in spec.completions if n not in names and n != "bootstrap"]


def setup(ctx: Context, profile: Profile, spec: Shell, generated: Sequence[tuple[str, str]] = ()) -> Setup:
    prefix = brew_prefix(ctx)
    folders = [ctx.paths.user_bin, *(ctx.expand(p) for p in spec.path)]
    unique = list(dict.fromkeys(folders))
    return Setup(
        home=ctx.home,
        folder=ctx.paths.shell,
        path=tuple(unique),
        brew_prefix=prefix,
        env=tuple(spec.env.items()),
        aliases=tuple(spec.aliases.items()),
        history=spec.history,
        prompt=spec.prompt,
        highlighting=spec.highlighting,
        autosuggestions=spec.autosuggestions,
        tools=tuple(completions.tool(n, [prefix] if prefix else []) for n in tool_names(ctx, profile, spec)),
        generated=tuple(generated),
    )


@dataclass(frozen=True)
class RcFile:
    """One of the user's start-up files and the generated file its managed line reads."""

    shell: str
    path: Path
    sources: Path
    fish: bool = False
    bash_sources: Optional[Path] = None  # ~/.profile: bash reads init.bash from it, sh env.sh

    def line(self, s: Setup) -> str:
        if self.fish:
            return shellinit.fish_source_line(s, self.sources)
        if self.bash_sources is not None:
            return shellinit.profile_line(s, self.bash_sources, self.sources)
        return shellinit.source_line(s, self.sources)


def zdotdir(ctx: Context) -> Path:
    return Path(ctx.env.get("ZDOTDIR") or ctx.home)


def fish_conf_d(ctx: Context) -> Path:
    return Path(ctx.env.get("XDG_CONFIG_HOME") or ctx.home / ".config") / "fish" / "conf.d"


def login_rc(ctx: Context, shell: str) -> RcFile:
    """The file a login shell reads: bash-only files load init.bash, a shared ~/.profile env.sh."""
    folder = ctx.paths.shell
    if shell == "fish":
        return RcFile("fish", fish_conf_d(ctx) / "bootstrap.fish", folder / "init.fish", fish=True)
    target = shellpath.login_file(ctx, shell)
    if target.name in (".bash_profile", ".bash_login"):
        return RcFile(shell, target, folder / "init.bash")
    if target.name == ".profile":
        # macOS Terminal starts login shells, which read this and not ~/.bashrc
        return RcFile(shell, target, folder / "env.sh", bash_sources=folder / "init.bash")
    return RcFile(shell, target, folder / "env.sh")


def rc_files(ctx: Context, names: list[str]) -> list[RcFile]:
    folder = ctx.paths.shell
    found: list[RcFile] = []
    if "bash" in names:
        found += [RcFile("bash", ctx.home / ".bashrc", folder / "init.bash"), login_rc(ctx, "bash")]
    if "zsh" in names:
        found += [RcFile("zsh", zdotdir(ctx) / ".zshrc", folder / "init.zsh"), login_rc(ctx, "zsh")]
    if "fish" in names:
        found.append(login_rc(ctx, "fish"))
    if not any(f.shell == login_shell(ctx) for f in found):  # sh, dash, ksh: PATH at least
        found.append(login_rc(ctx, login_shell(ctx)))
    unique: dict[Path, RcFile] = {}
    for rc in found:  # ~/.profile serves bash and sh alike: one line
        unique.setdefault(rc.path, rc)
    return list(unique.values())


def login_candidates(ctx: Context) -> list[Path]:
    """Every file a login shell may read, where the old PATH block may sit."""
    return [ctx.home / n for n in (".profile", ".bash_profile", ".bash_login")] + [zdotdir(ctx) / ".zprofile"]


# --- generated files ------------------------------------------------------------------------


def _profile_names(ctx: Context) -> list[str]:
    from bootstrap.profiles import load as profiles

    try:
        return sorted({p.name for p in profiles.available(ctx.paths)})
    except Exception:  # noqa: BLE001 - a broken team profile must not stop completion
        return []


def own_completions(ctx: Context, names: list[str]) -> dict[str, str]:
    """bootstrap's completion for each shell, from its command tree and the known profiles
    (none when bootstrap runs without its CLI, which hands the tree down in the context)."""
    from bootstrap.profiles.schema import SELECTABLE

    if ctx.commands is None:
        return {}
    tree = completions.command_tree(
        ctx.commands(), {"--profile": _profile_names(ctx), "--only": SELECTABLE, "--skip": SELECTABLE}
    )
    render = {"bash": completions.bash_script, "zsh": completions.zsh_script, "fish": completions.fish_script}
    return {shell: render[shell](tree) for shell in names}


def generated_completions(ctx: Context, s: Setup, names: list[str]) -> dict[tuple[str, str], str]:
    """Scripts printed by the tools themselves (`kubectl completion bash`), for installed tools.

    A script written after the tool's last install is kept as it is: asking again costs a
    second for some tools, on every run and every doctor.
    """
    found: dict[tuple[str, str], str] = {}
    for tool in s.tools:
        program = ctx.runner.which(tool.name) if tool.generate else None
        if program is None:
            continue
        for shell in names:
            argv = tool.generate.get(shell)
            if not argv:
                continue
            kept = _newer_than(s.completion(shell, tool.name), Path(program))
            if kept is not None:
                found[(tool.name, shell)] = kept
                continue
            result = ctx.runner.run(list(argv), timeout=30, cwd=ctx.home)
            if result.ok and result.stdout.strip():
                found[(tool.name, shell)] = result.stdout
    return found


def _newer_than(script: Path, program: Path) -> Optional[str]:
    """The script's text when it was written after the program was installed, else None."""
    try:
        if script.stat().st_mtime > program.resolve().stat().st_mtime:
            return files.decode(script.read_bytes())
    except OSError:
        pass
    return None


def wanted_files(ctx: Context, profile: Profile, spec: Shell, names: list[str]) -> tuple[Setup, dict[Path, str]]:
    """Every generated file and its text."""
    draft = setup(ctx, profile, spec)
    extra = generated_completions(ctx, draft, names)
    s = setup(ctx, profile, spec, sorted(extra))
    wanted: dict[Path, str] = {s.file("env.sh"): shellinit.env_sh(s)}
    render = {"bash": shellinit.init_bash, "zsh": shellinit.init_zsh, "fish": shellinit.init_fish}
    for shell in names:
        wanted[s.file(f"init.{shell}")] = render[shell](s)
    for shell, text in own_completions(ctx, names).items():
        wanted[s.completion(shell, "bootstrap")] = text
    for (tool, shell), text in sorted(extra.items()):
        wanted[s.completion(shell, tool)] = text
    return s, wanted


# --- rc files -------------------------------------------------------------------------------


def rc_after(text: str, line: str, legacy: bool) -> str:
    """The rc text with our one-line block (and without the old PATH block in a login file)."""
    if legacy:
        # old PATH lines edited by hand are the person's now; they only repeat what env.sh does
        with contextlib.suppress(files.DamagedBlock):
            text = files.without_block(text, LEGACY_BLOCK)
    return files.with_block(text, BLOCK, [line], newline="\n")


def repaired(text: str, line: str) -> str:
    """A hand-edited block: drop every stray marker and copy of our line, then add a fresh block."""
    begin, end = f"# >>> bootstrap {BLOCK} >>>", f"# <<< bootstrap {BLOCK} <<<"
    kept = [raw for raw in text.splitlines(keepends=True) if raw.strip() not in (begin, end, line)]
    return files.with_block("".join(kept), BLOCK, [line], newline="\n")


@dataclass(frozen=True)
class RcPlan:
    rc: RcFile
    before: Optional[bytes]
    after: bytes
    damaged: str = ""  # why the block needs a repair, or ""


def plan_rc(ctx: Context, rc: RcFile, s: Setup) -> RcPlan:
    target = files.real_target(rc.path)
    before = files.read(target)
    text = files.decode(before or b"")
    line = rc.line(s)
    login = rc.sources.name == "env.sh" or rc.path.name in (".bash_profile", ".bash_login", ".zprofile")
    try:
        after = rc_after(text, line, legacy=login)
    except files.DamagedBlock as exc:
        return RcPlan(rc, before, files.encode(repaired(text, line)), damaged=str(exc))
    return RcPlan(rc, before, files.encode(after))


def legacy_fish_file(ctx: Context) -> Optional[FileChange]:
    """The PATH snippet the old `ensure-path` wrote for fish; removed when it is exactly ours."""
    path = fish_conf_d(ctx) / "bootstrap-path.fish"
    before = files.read(path)
    if before is not None and before == files.encode(shellpath.LEGACY_FISH_TEXT):
        return FileChange(path, before, None)
    return None


# --- plan -----------------------------------------------------------------------------------


def plan(ctx: Context, profile: Profile) -> list[Step]:
    spec = profile.components.shell
    if spec is None:
        return []
    names = shells(ctx, spec)
    s, wanted = wanted_files(ctx, profile, spec, names)
    return _steps(ctx, s, wanted, rc_files(ctx, names), names)


def _steps(ctx: Context, s: Setup, wanted: dict[Path, str], rcs: list[RcFile], names: list[str]) -> list[Step]:
    steps: list[Step] = []
    changes = []
    for path, text in wanted.items():
        before = files.read(files.real_target(path))
        if before != files.encode(text):
            changes.append(FileChange(path, before, files.encode(text)))
    if changes:
        what = "PATH only" if s.path_only else _describe(s, names)
        steps.append(Step(NAME, f"Write your shell set-up ({what}) into {ctx.tilde(s.folder)}", changes=tuple(changes)))
    for item in (plan_rc(ctx, rc, s) for rc in rcs):
        if item.after == item.before:
            continue
        change = FileChange(item.rc.path, item.before, item.after)
        shown = ctx.tilde(item.rc.path)
        if item.damaged:
            steps += _repair_steps(ctx, shown, item.damaged, change)
        else:
            loads = ctx.tilde(item.rc.sources)
            steps.append(Step(NAME, f"Load {loads} from {shown} ({item.rc.shell})", changes=(change,)))
    steps += legacy_steps(ctx, rcs, fish="fish" in names)
    return steps


def legacy_steps(ctx: Context, rcs: list[RcFile], fish: bool) -> list[Step]:
    """The old PATH block (or fish snippet) where no line of ours replaces it in the same file."""
    steps = []
    mine = {rc.path for rc in rcs}
    for path in login_candidates(ctx):
        if path in mine:
            continue  # plan_rc replaces it there
        target = files.real_target(path)
        before = files.read(target)
        if before is None:
            continue
        try:
            after = files.without_block(files.decode(before), LEGACY_BLOCK)
        except files.DamagedBlock:
            continue  # not ours to guess at; it only puts ~/.local/bin on PATH once more
        if files.encode(after) != before:
            change = FileChange(path, before, files.encode(after))
            shown = ctx.tilde(path)
            steps.append(Step(NAME, f"Remove the old PATH lines from {shown}: env.sh does it now", changes=(change,)))
    legacy = legacy_fish_file(ctx) if fish else None
    if legacy is not None:
        steps.append(
            Step(NAME, f"Remove {ctx.tilde(legacy.path)}: init.fish puts ~/.local/bin on PATH now", changes=(legacy,))
        )
    return steps


def _repair_steps(ctx: Context, shown: str, why: str, change: FileChange) -> list[Step]:
    def only_when_seen(applier: Applier) -> None:
        # A person must see the diff of a hand-edited file before it changes. Without a terminal
        # nobody is watching; on one, the diff is printed here too, as `--yes` skips the preview.
        if not applier.ctx.interactive:
            raise Failure(
                f"{shown}: {why}. See the repair with `bootstrap plan --only shell`, then run "
                "`bootstrap run --only shell` in a terminal to confirm it"
            )
        diff = files.unified_diff(shown, change.before, change.after)
        applier.ctx.console.print(f"Repairing {shown}:\n{diff}", markup=False, highlight=False)

    return [
        Step(
            NAME,
            f"The bootstrap line in {shown} was edited by hand: repair it (needs a terminal)",
            apply=only_when_seen,
        ),
        Step(NAME, f"Repair the bootstrap line in {shown}", changes=(change,)),
    ]


def _describe(s: Setup, names: list[str]) -> str:
    parts = ["PATH"]
    if s.env:
        parts.append(f"{len(s.env)} variable{'s' if len(s.env) != 1 else ''}")
    if s.aliases:
        parts.append(f"{len(s.aliases)} alias{'es' if len(s.aliases) != 1 else ''}")
    if s.history:
        parts.append("history")
    parts.append("completion for " + ", ".join(["bootstrap", *(t.name for t in s.tools)]))
    if s.prompt:
        parts.append("prompt")
    return f"{', '.join(parts)}; for {', '.join(names)}"


def owned(ctx: Context, profile: Profile) -> list[Owned]:
    """The completion scripts the tools printed for us: a tool the profile drops takes its
    script along. The rest of the set-up stays with any profile: it puts bootstrap on PATH."""
    spec = profile.components.shell
    if spec is None:
        return []
    names = shells(ctx, spec)
    s = setup(ctx, profile, spec)
    return [
        Owned("file", str(s.completion(shell, tool.name)))
        for tool in s.tools
        if tool.generate
        for shell in names
        if tool.generate.get(shell)
    ]


def path_steps(ctx: Context) -> list[Step]:
    """`bootstrap ensure-path` (install.sh): the login shell's part, PATH only, as one step."""
    shell = login_shell(ctx)
    rc = login_rc(ctx, shell)
    draft = Setup(
        home=ctx.home, folder=ctx.paths.shell, path=(ctx.paths.user_bin,), brew_prefix=brew_prefix(ctx), path_only=True
    )
    changes: list[FileChange] = []
    # a later full set-up already wrote these files: keep them, they put ~/.local/bin on PATH too
    needed = {draft.file("env.sh"): shellinit.env_sh(draft)}
    if rc.sources.name != "env.sh":
        needed[rc.sources] = (shellinit.init_fish if rc.fish else shellinit.init_bash)(draft)
    # ~/.profile's line reads init.bash in bash only when it exists: env.sh serves until then
    for path, text in needed.items():
        if files.read(files.real_target(path)) is None:
            changes.append(FileChange(path, None, files.encode(text)))
    item = plan_rc(ctx, rc, draft)
    if item.damaged:
        raise Failure(f"{ctx.tilde(rc.path)}: {item.damaged}")
    if item.after != item.before:
        changes.append(FileChange(rc.path, item.before, item.after))
    for step in legacy_steps(ctx, [rc], fish=rc.fish):
        changes += step.changes
    if not changes:
        return []
    summary = f"Put {ctx.tilde(ctx.paths.user_bin)} on your PATH in {ctx.tilde(rc.path)}"
    return [Step(NAME, summary, changes=tuple(changes))]


# --- doctor ---------------------------------------------------------------------------------


PROBES = {
    "bash": 'for c in "$@"; do complete -p "$c" >/dev/null 2>&1 && echo "$c"; done; exit 0',
    "zsh": 'for c in "$@"; do (( ${+_comps[$c]} )) && print -r -- "$c"; done; exit 0',
    # fish loads a command's completions on its first use: ask for them, then list them
    "fish": 'for c in $argv; complete -C"$c " >/dev/null; if complete -c $c | string length -q; echo $c; end; end',
}


def registered(ctx: Context, shell: str, commands: list[str]) -> Optional[set[str]]:
    """Which commands a fresh interactive shell completes (None: the shell could not start)."""
    binary = ctx.runner.which(shell)
    if binary is None:
        return None
    argv = [binary, "-i", "-c", PROBES[shell]]
    if shell != "fish":
        argv.append(shell)  # $0
    with tempfile.TemporaryDirectory(prefix="bootstrap-probe-") as empty:  # no file names to fall back on
        result = ctx.runner.run([*argv, *commands], timeout=30, cwd=Path(empty), env={"TERM": "dumb"})
    if result.returncode not in (0, 1):
        return None
    return {line.strip() for line in result.stdout.splitlines() if line.strip()}


TIMED = {  # the shell's own clock around reading our file: no process start-up in the figure
    "bash": 't0=$EPOCHREALTIME; . "$1"; t1=$EPOCHREALTIME; echo "bootstrap-timing $t0 $t1"; exit 0',
    "zsh": 'zmodload zsh/datetime; t0=$EPOCHREALTIME; . "$1"; t1=$EPOCHREALTIME; echo "bootstrap-timing $t0 $t1"; exit 0',
}
BARE = {"bash": ["--norc", "--noprofile", "-i"], "zsh": ["-f", "-i"], "fish": ["--no-config", "-i"]}


def startup_ms(ctx: Context, shell: str, init: Path, runs: int = STARTUP_RUNS) -> Optional[float]:
    """Milliseconds our file adds to an interactive shell's start-up (fastest of `runs`)."""
    binary = ctx.runner.which(shell)
    if binary is None:
        return None
    argv = [binary, *BARE[shell], "-c"]
    found: list[float] = []
    for _ in range(runs):
        if shell in TIMED:
            result = ctx.runner.run(
                [*argv, TIMED[shell], shell, str(init)], timeout=30, cwd=ctx.home, env={"TERM": "dumb"}
            )
            seconds = _timing(result.stdout)
            if seconds is not None:
                found.append(seconds * 1000)
                continue
        # bash 3.2 and fish have no such clock: compare whole start-ups instead
        plain = ctx.runner.run([*argv, "exit"], timeout=30, cwd=ctx.home, env={"TERM": "dumb"})
        load = '. "$1"; exit' if shell != "fish" else "source $argv[1]; exit"
        zero = [] if shell == "fish" else [shell]
        ours = ctx.runner.run([*argv, load, *zero, str(init)], timeout=30, cwd=ctx.home, env={"TERM": "dumb"})
        found.append(float(max(ours.duration_ms - plain.duration_ms, 0)))
    # the fastest run is the one least disturbed by whatever else the machine (or doctor) is doing
    return min(found) if found else None


def _timing(output: str) -> Optional[float]:
    for line in output.splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[0] == "bootstrap-timing":
            try:
                return float(fields[2].replace(",", ".")) - float(fields[1].replace(",", "."))
            except ValueError:
                return None  # an empty clock: bash before 5.0
    return None


def checks(ctx: Context, profile: Profile) -> list[Check]:
    spec = profile.components.shell or Shell()
    names = shells(ctx, spec)
    commands = ["bootstrap", *tool_names(ctx, profile, spec)]
    found: list[Check] = [
        Check("shell.setup", NAME, lambda: _setup_current(ctx, profile)),
        Check("shell.path", NAME, lambda: _login_path(ctx)),
    ]
    for shell in names:
        probe = once(lambda shell=shell: registered(ctx, shell, commands))  # type: ignore[misc]
        for command in commands:
            found.append(
                Check(f"shell.completion.{shell}.{command}", NAME, _completion_check(ctx, shell, command, probe))
            )
    for shell in names:
        found.append(Check(f"shell.startup.{shell}", NAME, _startup_check(ctx, shell)))
    return found


def _setup_current(ctx: Context, profile: Profile) -> Outcome:
    pending = plan(ctx, profile)
    broken = [s for s in pending if s.apply is not None]
    if broken:
        return Outcome(
            "warning",
            broken[0].summary.replace(": repair it (needs a terminal)", ""),
            "bootstrap plan --only shell (shows the repair), then bootstrap run --only shell in a terminal",
            DOCS,
        )
    if pending:
        what = "; ".join(s.summary for s in pending)
        return Outcome("warning", f"your shell set-up is missing or out of date ({what})", FIX_RUN, DOCS)
    spec = profile.components.shell or Shell()
    rcs = ", ".join(ctx.tilde(r.path) for r in rc_files(ctx, shells(ctx, spec)))
    return ok(f"{rcs} load the set-up in {ctx.tilde(ctx.paths.shell)}")


def _login_path(ctx: Context) -> Outcome:
    folder = ctx.paths.user_bin
    if shellpath.on_login_path(ctx, folder):
        return ok(f"a new {login_shell(ctx)} login shell has {ctx.tilde(folder)} on its PATH")
    return Outcome(
        "error",
        f"a new {login_shell(ctx)} login shell does not have {ctx.tilde(folder)} on its PATH, so `bootstrap` and the tools installed there are not found",
        f"{FIX_RUN}, then open a new terminal",
        DOCS,
    )


def _completion_check(
    ctx: Context, shell: str, command: str, probe: Callable[[], Optional[set[str]]]
) -> Callable[[], Outcome]:
    def run() -> Outcome:
        if ctx.runner.which(shell) is None:
            return Outcome("skipped", f"{shell} is not installed")
        found = probe()
        if found is None:
            return Outcome(
                "warning", f"a new {shell} did not start, so its completion could not be checked", f"{shell} -i", DOCS
            )
        if command in found:
            return ok(f"{shell} completes {command} on TAB")
        if command == "aws" and not _aws_completer(ctx):
            return Outcome(
                "warning",
                f"{shell} cannot complete aws: the AWS CLI's aws_completer is missing",
                "install the AWS CLI v2 from AWS, then open a new terminal",
                AWS_CLI_DOCS,
            )
        return Outcome(
            "warning", f"{shell} does not complete {command} on TAB", f"{FIX_RUN}, then open a new terminal", DOCS
        )

    return run


def _aws_completer(ctx: Context) -> bool:
    tool = completions.tool("aws", [])
    return ctx.runner.which(tool.completer) is not None or any(Path(p).exists() for p in tool.completer_paths)


def _startup_check(ctx: Context, shell: str) -> Callable[[], Outcome]:
    def run() -> Outcome:
        init = ctx.paths.shell / f"init.{shell}"
        if not init.is_file():
            return Outcome("skipped", f"no {shell} set-up yet", FIX_RUN)
        added = startup_ms(ctx, shell, init)
        if added is None:
            return Outcome("skipped", f"{shell} is not installed")
        summary = f"reading our set-up adds {added:.1f} ms to a new {shell} (fastest of {STARTUP_RUNS})"
        if shell == "zsh":
            summary += "; most of it is compinit, which zsh's completion needs once per shell"
        if shell != "bash" or added <= STARTUP_BUDGET_MS:
            return Outcome("info", summary + (f", within the {STARTUP_BUDGET_MS} ms budget" if shell == "bash" else ""))
        return Outcome(
            "info",
            f"{summary}, over the {STARTUP_BUDGET_MS} ms budget (a busy computer measures slow; run doctor again)",
            "if it stays slow, send `bootstrap doctor --report` to your platform team",
        )

    return run
