"""How results look: plans and diffs, run progress, undo, profiles (doctor's screen: render_doctor.py)."""

from __future__ import annotations

import difflib
import re
import shlex
from typing import TYPE_CHECKING, Any, Optional

from bootstrap.system import files
from bootstrap.system.errors import WAITS_ON

if TYPE_CHECKING:
    from rich.console import Console

    from bootstrap.engine.converge import ComponentPlan, RunOutcome, Waiting
    from bootstrap.engine.runs import Prepared, RunResult, UndoResult
    from bootstrap.system.context import Context
    from bootstrap.system.steps import FileChange, Step


def _diff(console: Console, text: str) -> None:
    for line in text.splitlines():
        style = (
            "green"
            if line.startswith("+")
            else "red"
            if line.startswith("-")
            else "dim"
            if line.startswith("@@")
            else None
        )
        console.print("      " + line, style=style, markup=False, highlight=False, soft_wrap=True)


def chain_text(ctx: Context, chain: tuple[str, ...]) -> str:
    """The files a profile is built from, by the names people use: base → analyst → acme/analyst."""
    teams = ctx.tilde(ctx.paths.teams) + "/"
    names = []
    for shown in chain:
        stem = re.sub(r"^.*/|\.ya?ml$", "", shown)
        names.append(f"{shown[len(teams) :].split('/', 1)[0]}/{stem}" if shown.startswith(teams) else stem)
    return " → ".join(names)


def profile_line(ctx: Context, prepared: Prepared) -> str:
    return f"Profile {prepared.name} ({prepared.how}): {chain_text(ctx, prepared.loaded.chain)}"


def switching_line(prepared: Prepared) -> str:
    old = prepared.previous.ledger.profile if prepared.previous else None
    if not old or old == prepared.name:
        return ""
    return (
        f"Moving from the {old} profile to {prepared.name}: what only {old} set up is taken away "
        "(files you changed and software others may use stay, as noted below)."
    )


def _header(ctx: Context, console: Console, prepared: Prepared) -> None:
    console.print(profile_line(ctx, prepared), markup=False)
    moving = switching_line(prepared)
    if moving:
        console.print(moving, markup=False)


def plan(ctx: Context, console: Console, prepared: Prepared, plans: list[ComponentPlan], diffs: bool = True) -> int:
    """Print what a run would do in full (commands, diffs); returns the number of pending steps."""
    _header(ctx, console, prepared)
    pending = 0
    for item in plans:
        if not item.steps and not item.error:
            console.print(f"  ✓ {item.name}: already as the profile says", style="green", markup=False)
        else:
            console.print(f"  {item.name}", style="bold", markup=False)
        _component_problems(console, item)
        for step in item.steps:
            pending += 1
            if step.waits_on:
                _waiting_step(console, step)
                continue
            console.print(f"    • {step.summary}{_tags(step)}", markup=False)
            for argv in step.commands:
                console.print(f"      $ {ctx.tilde(shlex.join(argv))}", style="cyan", markup=False)
            if step.later:
                console.print(f"      (at run time: {step.later})", style="dim", markup=False)
            if diffs:
                for change in step.changes:
                    _diff(console, files.unified_diff(ctx.tilde(change.path), change.before, change.after))
    _unsupported(console, prepared)
    if pending:
        console.print(
            f"{pending} change{'s' if pending != 1 else ''} to make. `bootstrap run` makes them; "
            "`bootstrap undo` takes them back.",
            markup=False,
        )
    elif not any(p.error for p in plans):
        console.print("Nothing to change: this machine already matches the profile.", markup=False)
    return pending


# What a step will need on the day, as the plan marks it ([password]) and as the lines right
# above the question say it. "you": the step talks to the person (a passphrase, a browser).
NEEDS = {
    "password": "asks for your computer password",
    "administrator": "needs an administrator",
    "network": "uses the network",
    "you": "asks you something",
}
TAGS = {"password": "password", "administrator": "administrator", "network": "network", "you": "asks you"}


def needs(step: Step) -> list[str]:
    """What the step will need when it runs, in NEEDS order (unknown words kept, at the end)."""
    wanted = list(step.needs)
    if step.waits_on in ("administrator", "network"):
        wanted.append(step.waits_on)
    if step.interactive and "password" not in wanted:
        wanted.append("you")
    known = [n for n in NEEDS if n in wanted]
    return known + [n for n in dict.fromkeys(wanted) if n not in NEEDS]


def _tags(step: Step) -> str:
    marked = needs(step)
    return f" [{', '.join(TAGS.get(n, n) for n in marked)}]" if marked else ""


def _component_problems(console: Console, item: ComponentPlan) -> None:
    if item.error:
        console.print(f"    ✗ cannot plan: {item.error}", style="red", markup=False)
    for note in item.notes:
        console.print(f"    i {note}", style="cyan", markup=False)


def _waiting_step(console: Console, step: Step) -> None:
    assert step.waits_on
    console.print(f"    … {step.summary} (waits on {WAITS_ON[step.waits_on]})", style="yellow", markup=False)
    if step.fix:
        console.print(f"      later: {step.fix}", style="dim", markup=False)


def _unsupported(console: Console, prepared: Prepared) -> None:
    for name in prepared.selection.unsupported:
        console.print(
            f"  i {name}: configured by the profile, not set up by this version of bootstrap yet",
            style="cyan",
            markup=False,
        )


def _line(console: Console, text: str, hang: int, style: Optional[str] = None) -> None:
    """One line of the short plan; on a terminal wrapped at words, its later lines indented
    under its text (piped, it stays one line, so each path stays whole for grep)."""
    if console.is_terminal and len(text) > console.width:
        import textwrap

        lead = len(text) - len(text.lstrip(" "))
        text = textwrap.fill(
            text.strip(),
            console.width,
            initial_indent=" " * lead,
            subsequent_indent=" " * (lead + hang),
            break_on_hyphens=False,  # a path or a name like pre-commit stays whole
            break_long_words=False,
        )
    console.print(text, style=style, markup=False)


def _file_line(ctx: Context, change: FileChange) -> str:
    """One file a step writes, summarised: never its content (that is what `d` shows)."""
    path = ctx.tilde(change.path)
    if change.after is None:
        return f"delete {path}"
    new = len(files.decode(change.after).splitlines())
    if change.before is None:
        return f"write {path} ({new} line{'s' if new != 1 else ''})"
    old = files.decode(change.before).splitlines()
    added = removed = 0
    for line in difflib.ndiff(old, files.decode(change.after).splitlines()):
        added += line.startswith("+ ")
        removed += line.startswith("- ")
    if not added and not removed:
        return f"change the permissions of {path}"
    return f"update {path} (+{added} -{removed} lines)"


def short_plan(ctx: Context, console: Console, prepared: Prepared, plans: list[ComponentPlan]) -> int:
    """What a run will do, one line per change, grouped by component; the question comes next.

    Generated files show as their path and size, never whole (the full diffs are one key away);
    what will ask for a password, use the network or need an administrator is marked.
    """
    _header(ctx, console, prepared)
    pending = 0
    settled = [p.name for p in plans if not p.steps and not p.error]
    for item in plans:
        if item.name in settled:
            continue
        count = f" ({len(item.steps)} change{'s' if len(item.steps) != 1 else ''})" if item.steps else ""
        console.print(f"  {item.name}{count}", style="bold", markup=False)
        _component_problems(console, item)
        for step in item.steps:
            pending += 1
            if step.waits_on:
                _waiting_step(console, step)
                continue
            _line(console, f"    • {step.summary}{_tags(step)}", 2)
            named = len(step.changes) == 1 and ctx.tilde(step.changes[0].path) in step.summary
            for change in () if named else step.changes:
                _line(console, f"        {_file_line(ctx, change)}", 2, "dim")
    if settled:
        console.print(f"  ✓ already as the profile says: {', '.join(settled)}", style="green", markup=False)
    _unsupported(console, prepared)
    return pending


def before_the_question(console: Console, plans: list[ComponentPlan]) -> None:
    """The count, and every marked step again, right above the question: on screen when it is asked."""
    steps = [s for p in plans for s in p.steps]
    if not steps:
        return
    marked = [s for s in steps if needs(s)]
    if marked:
        console.print("Before you answer, note what these will need:", style="bold", markup=False)
        for step in marked:
            words = "; ".join(NEEDS.get(n, n) for n in needs(step))
            _line(console, f"  ! {step.component}: {step.summary} ({words})", 2, "yellow")
    waiting = sum(bool(s.waits_on) for s in steps)
    now = len(steps) - waiting
    later = f"; {waiting} left for later" if waiting else ""
    console.print(
        f"{now} change{'s' if now != 1 else ''} to make{later}. `bootstrap undo` takes them back.", markup=False
    )


class RunProgress:
    """A spinner naming the step at work (on a terminal), then one line per finished step."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.status: Any = None

    def __call__(self, step: Step, state: str) -> None:
        if state == "start":
            if self.console.is_terminal and not step.interactive:  # its prompts need the terminal
                self.status = self.console.status(f"{step.component}: {step.summary} ...")
                self.status.start()
            return
        if self.status is not None:
            self.status.stop()
            self.status = None
        step_progress(self.console, step, state)


def step_progress(console: Console, step: Step, state: str) -> None:
    if state == "done":
        console.print(f"  ✓ {step.component}: {step.summary}", style="green", markup=False)
    elif state == "failed":
        console.print(f"  ✗ {step.component}: {step.summary}", style="red", markup=False)
    elif state == "deferred":
        console.print(f"  … {step.component}: {step.summary} (left for later)", style="yellow", markup=False)


def run_summary(ctx: Context, console: Console, result: RunResult) -> None:
    from bootstrap.components.shell.path import typed  # the closing lines work when typed into this terminal

    outcome: Optional[RunOutcome] = result.outcome
    if result.declined:
        console.print("Nothing was changed.", markup=False)
        return
    if outcome is None:
        console.print("Nothing to change: this machine already matches the profile.", style="green", markup=False)
    else:
        for name, why in outcome.failed.items():
            console.print(f"✗ {name} did not finish: {why}", style="red", markup=False)
        for name, why in outcome.skipped.items():
            console.print(f"- {name} was not run: {why}", style="yellow", markup=False)
        for step in outcome.pending:
            console.print(
                f"✗ {step.component} still needs a change after the run ({step.summary}). "
                "This is a bug in bootstrap: please report it with `bootstrap doctor --report`.",
                style="red",
                markup=False,
            )
        done = len(outcome.applied)
        made = f"{done} change{'s' if done != 1 else ''} made"
        if not outcome.ok:
            console.print(
                f"{made}; some parts did not finish (see above). "
                f"Fix what they say, then run `{typed(ctx, 'run')}` again.",
                style="red",
                markup=False,
            )
        elif outcome.exit_code == 3:
            console.print(f"{made}: everything bootstrap could do now is done.", style="green", markup=False)
        else:
            console.print(f"Done: {made}.", style="green", markup=False)
        waiting_summary(console, outcome.deferred)
    # what the run deliberately left in place (an unattended run showed no plan to read them in)
    for item in result.plans:
        for note in item.notes:
            console.print(f"i {item.name}: {note}", style="cyan", markup=False)
    if result.journal is not None:
        console.print(f"To take these changes back: {typed(ctx, 'undo', result.journal.id)}", markup=False)
    console.print(f"To check everything works: {typed(ctx, 'doctor')}", markup=False)


def waiting_summary(console: Console, deferred: list[Waiting]) -> None:
    """What the run left for later, grouped by whom it waits on, each with what does it."""
    groups = [
        (f"Waiting on {label}:", [w for w in deferred if w.waits_on == who and not w.routine])
        for who, label in WAITS_ON.items()
    ]
    groups.append(("Next, for you:", [w for w in deferred if w.routine]))
    for title, items in groups:
        if not items:
            continue
        console.print(title, style="yellow bold", markup=False)
        for n, w in enumerate(items):
            console.print(f"  … {w.component}: {w.why}", style="yellow", markup=False)
            # one command for a run of items it does (a team's many settings: one trust command)
            if w.fix and (n + 1 == len(items) or items[n + 1].fix != w.fix):
                console.print(f"      {w.fix}", markup=False)


# --- undo -----------------------------------------------------------------------------------


def runs_list(ctx: Context, console: Console, journals: list[files.Journal]) -> None:
    if not journals:
        console.print("No runs recorded yet: bootstrap has not changed any file.", markup=False)
        return
    for j in reversed(journals):
        state = f"undone by {j.undone_by}" if j.undone_by else ("undoes " + j.undoes if j.undoes else "can be undone")
        console.print(
            f"{j.id}  {j.kind:<7} {len(j.files)} file(s)  profile {j.profile or '-'}  ({state})", markup=False
        )
        console.print(f"    {j.command}", style="dim", markup=False)


def undo_preview(
    ctx: Context, console: Console, target: files.Journal, items: list[files.UndoItem], force: bool
) -> None:
    console.print(f"Undo run {target.id} ({target.command}):", markup=False)
    for item in items:
        label = ctx.tilde(item.path)
        if not item.needed:
            console.print(f"  = {label} is already as it was before that run", style="dim", markup=False)
        elif item.changed_since and not force:
            console.print(
                f"  ! {label} changed after that run; leaving it alone (use --force to restore it anyway). "
                "Restoring it would do:",
                style="yellow",
                markup=False,
            )
            _diff(console, item.diff(label))
        elif item.restore is None:
            console.print(f"  - delete {label} (that run created it)", markup=False)
        else:
            console.print(f"  ↺ restore {label}", markup=False)
            _diff(console, item.diff(label))


def undo_summary(ctx: Context, console: Console, result: UndoResult) -> None:
    if result.declined:
        console.print("Nothing was changed.", markup=False)
        return
    restored = [i for i in result.items if i.needed and i not in result.skipped]
    console.print(f"Undid run {result.target.id}: {len(restored)} file(s) put back.", style="green", markup=False)
    if result.skipped:
        console.print(
            f"{len(result.skipped)} file(s) changed since that run were left alone; "
            f"`bootstrap undo --force {result.target.id}` restores them anyway.",
            style="yellow",
            markup=False,
        )
    if result.target.installed:
        console.print(
            "That run also installed software or created keys, which undo never removes. To remove them yourself:",
            markup=False,
        )
        for item in result.target.installed:
            console.print(f"  {item['what']}: {item['remove']}", markup=False)
    if result.target.removed:
        console.print(
            "That run also uninstalled software, which undo does not install again: "
            "`bootstrap run` installs what your profile lists, or install it yourself:",
            markup=False,
        )
        for item in result.target.removed:
            console.print(f"  {item['what']}: {item['reinstall']}", markup=False)
    if result.journal is not None:
        console.print(f"Changed your mind? `bootstrap undo {result.journal.id}` redoes it.", markup=False)


# --- profiles -------------------------------------------------------------------------------


def profile_summary(ctx: Context, console: Console, loaded: Any) -> None:
    """What a role sets up, in words: questions, components, packages, files and commands."""
    model = loaded.model
    console.print(f"{loaded.name}: {model.description or '(no description)'}", style="bold", markup=False)
    console.print(f"  built from: {chain_text(ctx, loaded.chain)}", markup=False)
    if model.prompts:
        confirms = {p.id for p in model.prompts if p.type == "confirm"}
        console.print("  asks on the first run:", markup=False)
        for prompt in model.prompts:
            default = f" (default: {_answer_text(prompt.default)})" if prompt.default is not None else ""
            console.print(f"    - {prompt.message}{default}{_condition(prompt.when, confirms)}", markup=False)
    for heading, lines in component_lines(model):
        console.print(f"  {heading}:", markup=False)
        for line in lines:
            console.print(f"    - {line}", markup=False)
    if model.commands:
        console.print(f"  {len(model.commands)} command(s) that run only after `bootstrap profile trust`", markup=False)


def _answer_text(value: Any) -> str:
    return ("yes" if value else "no") if isinstance(value, bool) else str(value)


def _condition(when: Optional[str], confirms: Optional[set[str]] = None) -> str:
    match = re.fullmatch(r"\{\{\s*answers\.(\w+)\s*\}\}", when or "")
    if match:
        if confirms is not None and match.group(1) not in confirms:
            return f" (if you answer '{match.group(1)}')"
        return f" (if you answer yes to '{match.group(1)}')"
    return f" (when: {when})" if when else ""


def _answered(value: str) -> str:
    return re.sub(r"\{\{\s*answers\.(\w+)\s*\}\}", r"your answer to '\1'", value)


def component_lines(model: Any) -> list[tuple[str, list[str]]]:
    """Each configured component and what it sets up, one phrase per line."""
    from bootstrap import components as registry

    comps = model.components
    out: list[tuple[str, list[str]]] = []

    def heading(name: str) -> str:
        return name if name in registry.MODULES else f"{name} (not set up by this version of bootstrap yet)"

    if comps.packages is not None:
        out.append((heading("packages"), _package_lines(comps.packages)))
    git = comps.git
    if git is not None:
        lines = [f"git {git.min_version} or newer"] if git.min_version else []
        if git.user:
            lines.append("your name and email on every commit")
        lines += [f"{key} = {value}" for key, value in git.config.items()]
        if git.ignore:
            lines.append(f"never track: {', '.join(git.ignore)}")
        if git.hosts:
            lines.append(f"an SSH key and access to {', '.join(h.host for h in git.hosts)}")
        out.append((heading("git"), lines))
    if comps.shell is not None:
        shell = comps.shell
        lines = [f"completion for {', '.join(shell.completions)}"] if shell.completions else []
        lines += [f"{p} on your PATH" for p in shell.path]
        lines += [f"{k} set in your shell" for k in shell.env]
        lines += [f"alias {k}" for k in shell.aliases]
        out.append((heading("shell"), lines))
    if comps.aws is not None:
        aws = comps.aws
        lines = [f"AWS CLI {aws.min_version} or newer"] if aws.min_version else []
        confirms = {p.id for p in model.prompts if p.type == "confirm"}
        lines += [
            f"sign-in {name} ({_answered(s.start_url)}){_condition(s.when, confirms)}"
            for name, s in aws.sso_sessions.items()
        ]
        for name, profile in aws.profiles.items():
            role = f", as {_answered(profile.role_name)}" if profile.role_name else ""
            default = ", used by `aws` without --profile" if name == aws.default_profile else ""
            lines.append(f"profile {name}{role}{default}{_condition(profile.when, confirms)}")
        out.append((heading("aws"), lines))
    if comps.terraform is not None:
        version = comps.terraform.version
        lines = [f"Terraform {version} by default"] if version else []
        lines.append("a terraform command that runs the version each project pins")
        grunt = comps.terraform.terragrunt
        if grunt is not None:
            lines.append(f"Terragrunt {grunt.version or '(the version each project pins)'}, as a terragrunt command")
        tofu = comps.terraform.opentofu
        if tofu is not None:
            lines.append(f"OpenTofu {tofu.version or '(the version each project pins)'}, as a tofu command")
        out.append((heading("terraform"), lines))
    if comps.secrets is not None:
        lines = [f"passwords kept in {comps.secrets.backend}"] if comps.secrets.backend else []
        lines += [f"{name} from the password manager" for name in comps.secrets.env]
        out.append((heading("secrets"), lines))
    if comps.dotfiles is not None:
        lines = [f"{d.target} (from template {d.template}){_condition(d.when)}" for d in comps.dotfiles]
        out.append((heading("dotfiles"), lines))
    if comps.connections is not None:
        lines = []
        for name, conn in comps.connections.items():
            where = conn.host or conn.account or conn.path or conn.project or conn.aws_profile or ""
            dbt = f", in dbt profile {conn.dbt.profile} (target {conn.dbt.target})" if conn.dbt else ""
            lines.append(f"{name}: {conn.type} {_answered(where)}{dbt}; doctor runs a query")
        out.append((heading("connections"), lines))
    return out


def _package_lines(spec: Any) -> list[str]:
    lines = []
    for kind, items in (("system package", spec.system), ("Python tool", spec.uv_tools)):
        for item in items:
            if isinstance(item, str):
                lines.append(f"{item} ({kind})")
                continue
            names = ", ".join(f"{k}: {getattr(item, k)}" for k in ("brew", "apt", "dnf") if getattr(item, k))
            version = f" {item.version}" if item.version else ""
            lines.append(f"{item.name}{version} ({kind}{'; ' + names if names else ''}){_condition(item.when)}")
    if spec.docker:
        lines.append("doctor checks that a Docker engine is running")
    if spec.index_url:
        lines.append(f"Python packages come from {spec.index_url}")
    return lines
