"""The commands' work, returning data: pick the profile, gather answers, plan, run, undo."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Optional

from bootstrap.engine import converge as engine
from bootstrap.profiles import answers, trust
from bootstrap.profiles import load as profiles
from bootstrap.system import files, managed
from bootstrap.system.errors import Failure, UserError
from bootstrap.system.proc import ProcError

if TYPE_CHECKING:
    from bootstrap.profiles.answers import Answers, Prompter
    from bootstrap.profiles.schema import Profile
    from bootstrap.system.context import Context
    from bootstrap.system.steps import Step


def root_warning(ctx: Context) -> Optional[str]:
    """One line when root, logged in as itself (not through sudo), is about to set up its own
    home: a person's laptop is set up logged in as that person. A warning, never a question."""
    import os
    import pwd

    if os.getuid() != 0 or ctx.env.get("SUDO_USER") or ctx.env.get("BOOTSTRAP_ROOT_WARNED"):
        return None  # BOOTSTRAP_ROOT_WARNED: install.sh has said it already
    try:
        root_home = Path(pwd.getpwuid(0).pw_dir)
    except KeyError:
        return None
    if ctx.home.resolve() != root_home.resolve():
        return None
    return (
        f"You are logged in as root: this sets up root's own home ({root_home}), not a person's. "
        "To set up a person's account, stop here (Ctrl-C) and run bootstrap logged in as that person."
    )


@dataclass(frozen=True)
class Prepared:
    """A profile ready to plan: loaded, answered, filled in, and the components chosen."""

    name: str
    how: str  # why this profile: "--profile", "answers file", "last run", "chosen now", "default"
    loaded: profiles.Loaded
    answers: dict[str, Any]
    profile: Profile
    selection: engine.Selection
    previous: Optional[engine.Previous] = None  # what the last run set up, to let go of what this profile drops

    @property
    def names(self) -> list[str]:
        """The components to plan: this profile's, and those only the last run's profile had."""
        return engine.with_releases(self.selection, self.previous)


def previous(ctx: Context, name: str) -> Optional[engine.Previous]:
    ledger = managed.load(ctx.paths.managed)
    return engine.Previous(ledger, name) if ledger.components else None


def set_up(ctx: Context) -> bool:
    """Whether a run has set this machine up: every run that got past its question remembers
    the profile and answers. (A journal alone does not count: install.sh records one when it
    puts ~/.local/bin on the PATH, before the first run has asked anything.)"""
    return ctx.paths.remembered.exists() or ctx.paths.managed.exists()


def choose_profile(
    ctx: Context, flag: Optional[str], given: Answers, memory: Answers, prompter: Optional[Prompter]
) -> tuple[str, str, Optional[Answers]]:
    """The profile, why it was chosen, and the answers file that named it (for its line number)."""
    if flag:
        return flag, "--profile", None
    if given.profile:
        return given.profile, f"from {given.source}", given
    if memory.profile:
        return memory.profile, "chosen on your last run", memory
    if prompter is not None:
        return prompter.choose_profile(profiles.roles(ctx.paths), default=None), "chosen now", None
    return profiles.DEFAULT_PROFILE, "default", None


def profile_of(ctx: Context, profile: Optional[str]) -> Profile:
    """The profile a command other than run/plan/doctor works from (secrets exec, the Terraform and
    Terragrunt shims, ...): the chosen one, filled with the answers remembered, and through the
    trust gate like every other, so that what waits for trust waits there too."""
    return prepare(ctx, profile=profile, answers_file=None, mode="doctor").profile


def prepare(
    ctx: Context,
    *,
    profile: Optional[str],
    answers_file: Optional[Path],
    only: Optional[str] = None,
    skip: Optional[str] = None,
    prompter: Optional[Prompter] = None,
    mode: str = "run",  # "run": every needed answer; "plan": placeholders; "doctor": only what is known
    offer_trust: Optional[Callable[[profiles.Loaded], None]] = None,  # a terminal's run: ask before the gate
) -> Prepared:
    given = answers.read(answers_file, ctx.tilde(answers_file)) if answers_file else answers.Answers()
    memory = answers.remembered(ctx.paths, ctx.tilde(ctx.paths.remembered))
    name, how, named_in = choose_profile(ctx, profile, given, memory, prompter if mode == "run" else None)
    if memory.profile and memory.profile != name:
        memory = answers.Answers(source=memory.source)  # answers belong to the profile they were given for
    try:
        loaded = profiles.load(name, ctx.paths)
    except profiles.UnknownProfile as exc:
        if named_in is None:
            raise
        raise UserError(f"{named_in.where('profile')}: {exc}") from None
    # one gate for every command: what can run a program waits until its file is trusted. Every
    # command loads its profile here (profile_of, for those that only read it), never with
    # profiles.load alone: tests/test_trust_gate.py checks that nothing else does.
    loaded = trust.templates(ctx.paths, loaded)
    if offer_trust is not None:
        offer_trust(loaded)
    loaded, held = trust.gate(ctx.paths, loaded)
    # BOOTSTRAP_SKIP: components a machine never runs (software that IT installs, say), added to --skip
    skip = ",".join(s for s in (skip, ctx.env.get("BOOTSTRAP_SKIP")) if s) or None
    selection = engine.select(loaded.model, only, skip)
    ctx.held = [step for step in held if step.component in selection.chosen]
    needed = answers.needed_questions(loaded, selection.active) if mode == "run" else set()
    values = answers.gather(loaded, needed, given, memory, prompter if mode == "run" else None)
    placeholder = (lambda pid: f"<your answer to '{pid}'>") if mode == "plan" else None
    ctx.answers = dict(values)
    rendered = profiles.render(loaded, values, placeholder)
    earlier = previous(ctx, name) if mode != "doctor" else None
    return Prepared(name, how, loaded, values, rendered, selection, earlier)


@dataclass
class RunResult:
    plans: list[engine.ComponentPlan]
    outcome: Optional[engine.RunOutcome]  # None: nothing to do, or the user said no
    journal: Optional[files.Journal]  # None when the run changed nothing
    writes: int = 0
    declined: bool = False


def command_line(argv: list[str]) -> str:
    return shlex.join(["bootstrap", *argv])


def run(
    ctx: Context,
    prepared: Prepared,
    argv: list[str],
    confirm: Callable[[list[engine.ComponentPlan]], bool],
    on_step: Callable[[Step, str], None],
) -> RunResult:
    """Plan, ask (on a TTY), apply, verify, remember; all under the one-run-at-a-time lock."""
    with files.run_lock(ctx.paths.lock, ctx.tilde(ctx.paths.lock)):
        plans = engine.plan(ctx, prepared.profile, prepared.names, prepared.previous)
        journal = files.Journal(ctx.paths.runs, "run", command_line(argv), profile=prepared.name)
        writer = files.Writer(journal)
        outcome = None
        if any(p.error or any(not s.waits_on for s in p.steps) for p in plans):
            if not confirm(plans):
                return RunResult(plans, None, None, declined=True)
            outcome = engine.apply(ctx, prepared.profile, plans, writer, on_step, prepared.previous)
        elif any(p.steps for p in plans):  # only steps that wait: nothing to ask, they are listed at the end
            outcome = engine.apply(ctx, prepared.profile, plans, writer, on_step, prepared.previous)
        text = answers.remembered_text(prepared.name, prepared.answers, list(prepared.loaded.model.prompts))
        writer.write(ctx.paths.remembered, text, 0o600)
        ledger = owned_now(ctx, prepared, outcome)
        if ledger.components or prepared.previous is not None:
            writer.write(ctx.paths.managed, managed.dump(ledger), 0o600)
        journal.finish()
        return RunResult(plans, outcome, journal if journal.used else None, writer.writes)


def owned_now(ctx: Context, prepared: Prepared, outcome: Optional[engine.RunOutcome]) -> managed.Ledger:
    """The ledger after this run: what its profile owns, for the components it could touch.

    A component that did not finish keeps what it owned before as well, so that nothing it
    may still have set up is forgotten.
    """
    old = prepared.previous.ledger if prepared.previous else managed.Ledger()
    unfinished = (
        set(outcome.failed) | set(outcome.skipped) | {w.component for w in outcome.deferred if not w.routine}
        if outcome
        else set()
    )
    kept = dict(old.components)
    owners = {name: owner for name in kept if (owner := old.owner(name))}
    for name in prepared.selection.chosen:
        try:
            now = managed.settle(ctx, engine.owned(ctx, prepared.profile, name))
        except (Failure, UserError, ProcError):
            unfinished.add(name)  # its plan failed the same way; what it owned before is kept
            now = []
        if name in unfinished:
            targets = {o.target for o in now}
            now += [o for o in old.components.get(name, []) if o.target not in targets]
        kept[name] = now
        owners[name] = prepared.name
    return managed.Ledger(prepared.name, {k: v for k, v in kept.items() if v}, owners)


# --- undo -----------------------------------------------------------------------------------


@dataclass
class UndoResult:
    target: files.Journal
    items: list[files.UndoItem]
    skipped: list[files.UndoItem] = field(default_factory=list)
    journal: Optional[files.Journal] = None
    declined: bool = False


def undoable(ctx: Context) -> list[files.Journal]:
    return files.list_journals(ctx.paths.runs)


def find_run(ctx: Context, run_id: Optional[str]) -> Optional[files.Journal]:
    journals = undoable(ctx)
    if run_id is None:
        live = [j for j in journals if j.in_effect]
        return live[-1] if live else None
    matches = [j for j in journals if j.id == run_id] or [j for j in journals if j.id.startswith(run_id)]
    if len(matches) != 1:
        what = "no run" if not matches else "more than one run"
        raise UserError(f"{what} matches '{run_id}'; see `bootstrap undo --list` for the run ids")
    if matches[0].undone_by:
        raise UserError(f"run {matches[0].id} was already undone (by {matches[0].undone_by}); nothing to do")
    return matches[0]


def undo(
    ctx: Context,
    target: files.Journal,
    argv: list[str],
    force: bool,
    confirm: Callable[[list[files.UndoItem]], bool],
) -> UndoResult:
    with files.run_lock(ctx.paths.lock, ctx.tilde(ctx.paths.lock)):
        items = files.plan_undo(target)
        if not confirm(items):
            return UndoResult(target, items, declined=True)
        journal = files.Journal(ctx.paths.runs, "undo", command_line(argv), profile=target.profile, undoes=target.id)
        writer = files.Writer(journal)
        skipped = files.apply_undo(target, items, writer, force)
        journal.finish()
        return UndoResult(target, items, skipped, journal if journal.used else None)


def ensure_path(ctx: Context, argv: list[str]) -> Optional[Step]:
    """install.sh's last step: ~/.local/bin on the login PATH, journaled like any run."""
    from bootstrap.components.shell import component as shell
    from bootstrap.components.shell import path as shellpath

    def steps() -> list[Optional[Step]]:
        return [] if shellpath.on_login_path(ctx, ctx.paths.user_bin) else list(shell.path_steps(ctx))

    done = apply_steps(ctx, "install", argv, steps)
    return done[0] if done else None


def apply_steps(
    ctx: Context,
    kind: str,
    argv: list[str],
    make_steps: Callable[[], list[Optional[Step]]],
    wait: float = 0,
    on_done: Optional[Callable[[Step], None]] = None,
) -> list[Step]:
    """Steps made outside a run (install.sh's PATH, `bootstrap terraform install`'s command),
    applied under the run lock and journaled for `bootstrap undo`; returns those applied.

    The steps are worked out once the lock is held. With `wait`, a run holding the lock is
    waited for up to that many seconds: a second `terraform install` racing this one waits its
    turn (these steps take milliseconds) and then finds the command already in place.
    """
    import contextlib
    import time

    from bootstrap.system.steps import Applier

    deadline = time.monotonic() + wait
    with contextlib.ExitStack() as stack:
        while True:
            try:
                stack.enter_context(files.run_lock(ctx.paths.lock, ctx.tilde(ctx.paths.lock)))
                break
            except Failure:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(0.2)
        steps = [s for s in make_steps() if s is not None]
        if not steps:
            return []
        journal = files.Journal(ctx.paths.runs, kind, command_line(argv))
        applier = Applier(ctx, files.Writer(journal))
        for step in steps:
            applier.apply(step)
            if on_done is not None:
                on_done(step)
        journal.finish()
        return steps
