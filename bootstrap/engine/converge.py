"""Select components, plan them, apply the plan, and prove afterwards that nothing is pending.

`plan` and `run` share every line up to the moment of applying, so what plan shows is what
run does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Optional

from bootstrap import components
from bootstrap.profiles.schema import COMPONENTS, SELECTABLE
from bootstrap.system import files, managed
from bootstrap.system.errors import Deferred, Failure, UserError, did_you_mean
from bootstrap.system.proc import ProcError
from bootstrap.system.steps import Applier, Step

if TYPE_CHECKING:
    from bootstrap.profiles.schema import Profile
    from bootstrap.system.context import Context


def parse_names(text: Optional[str], flag: str) -> list[str]:
    if text is None:
        return []
    names = [n.strip() for n in text.split(",") if n.strip()]
    for name in names:
        if name not in SELECTABLE:
            hint = did_you_mean(name, SELECTABLE)
            raise UserError(f"{flag}: '{name}' is not a component ({hint}choose from {', '.join(SELECTABLE)})")
    return names


@dataclass(frozen=True)
class Selection:
    """Which of the profile's components a command works on."""

    active: list[str]  # implemented and configured by the profile, in run order
    unsupported: list[str]  # configured by the profile, not handled by this version yet
    chosen: list[str] = field(default_factory=list)  # what --only/--skip let this command touch at all


def _needed(profile: Profile, name: str) -> bool:
    """A component the profile does not name but another one relies on: the password manager a
    connection's password is read from is set up as if `secrets:` named it."""
    if name != "secrets":
        return False
    conns = (profile.components.connections or {}).values()
    return any(c.password or c.private_key for c in conns)


def select(profile: Profile, only: Optional[str], skip: Optional[str]) -> Selection:
    wanted = parse_names(only, "--only") or list(SELECTABLE)
    skipped = set(parse_names(skip, "--skip"))
    configured = [
        name
        for name in COMPONENTS
        if (getattr(profile.components, name) is not None or _needed(profile, name))
        and name in wanted
        and name not in skipped
    ]
    if profile.commands and "commands" in wanted and "commands" not in skipped:
        configured.append("commands")
    active = _ordered([n for n in configured if n in components.MODULES])
    chosen = [n for n in components.MODULES if n in wanted and n not in skipped]
    return Selection(active, [n for n in configured if n not in components.MODULES], chosen)


def _ordered(names: list[str]) -> list[str]:
    """Run order: the registry's order, with every component after those it REQUIRES."""
    done: list[str] = []

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in done or name not in names:
            return
        if name in path:
            raise Failure(f"components require each other in a circle: {' -> '.join((*path, name))}")
        for need in components.get(name).REQUIRES:
            visit(need, (*path, name))
        done.append(name)

    for name in sorted(names, key=list(components.MODULES).index):
        visit(name, ())
    return done


@dataclass
class ComponentPlan:
    name: str
    steps: list[Step] = field(default_factory=list)
    error: Optional[str] = None
    notes: list[str] = field(default_factory=list)  # what is deliberately left in place, and why


@dataclass(frozen=True)
class Previous:
    """What earlier runs set up (the ledger), seen from the profile of this run."""

    ledger: managed.Ledger
    profile: str  # this run's

    def why(self, component: str) -> str:
        """Why what the component set up earlier goes now, in the words the plan shows."""
        owner = self.ledger.owner(component)
        if owner and owner != self.profile:
            return f"only the {owner} profile set it up"
        return f"the {self.profile} profile no longer asks for it"


def with_releases(selection: Selection, previous: Optional[Previous]) -> list[str]:
    """The components to plan: the profile's, plus those only the last run's profile had."""
    if previous is None:
        return selection.active
    extra = [n for n in previous.ledger.components if n in selection.chosen and n not in selection.active]
    return _ordered([*selection.active, *extra]) if extra else selection.active


def owned(ctx: Context, profile: Profile, name: str) -> list[managed.Owned]:
    """What this profile has the component keep (nothing for components that own nothing)."""
    module = components.get(name)
    return list(module.owned(ctx, profile)) if isinstance(module, components.Owns) else []


def release(ctx: Context, profile: Profile, name: str, previous: Optional[Previous]) -> managed.Released:
    old = previous.ledger.components.get(name, []) if previous else []
    going = managed.gone(old, owned(ctx, profile, name)) if old else []
    if previous is None or not going:
        return managed.Released()
    why = previous.why(name)
    out = managed.release_files(ctx, name, [o for o in going if o.kind in ("file", "block")], why)
    rest = [o for o in going if o.kind not in ("file", "block")]
    module = components.get(name)
    if rest and isinstance(module, components.Releases):
        more: managed.Released = module.release(ctx, rest, why)
        out.steps += more.steps
        out.notes += more.notes
    return out


def plan(ctx: Context, profile: Profile, names: list[str], previous: Optional[Previous] = None) -> list[ComponentPlan]:
    plans = []
    for name in names:
        held = [s for s in ctx.held if s.component == name]
        if held and name in COMPONENTS and getattr(profile.components, name) is None:
            plans.append(ComponentPlan(name, held))  # held whole: what it set up earlier stays
            continue
        try:
            # letting go first: an old setting is unset before the new profile's are written;
            # while some of its settings wait for trust, nothing it set up earlier is let go of
            released = managed.Released() if held else release(ctx, profile, name, previous)
            module = components.get(name)
            steps = released.steps + module.plan(ctx, profile)
            # a component may say what it leaves for the person to do (a file of theirs to fix)
            notes = getattr(module, "notes", None)
            plans.append(
                ComponentPlan(name, steps + held, notes=released.notes + ([] if notes is None else notes(ctx, profile)))
            )
        except (Failure, UserError, ProcError) as exc:
            plans.append(ComponentPlan(name, error=ctx.tilde(exc)))
    for name in dict.fromkeys(s.component for s in ctx.held if s.component not in names):
        plans.append(ComponentPlan(name, [s for s in ctx.held if s.component == name]))  # held whole
    return plans


@dataclass(frozen=True)
class Waiting:
    """A step the run left for later: not broken, waiting on someone or something."""

    component: str
    summary: str
    waits_on: str  # a key of errors.WAITS_ON
    why: str
    fix: str
    routine: bool = False  # the person's own routine (a sign-in): listed next, exit 0


@dataclass
class RunOutcome:
    """What a run did."""

    applied: list[Step] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # component -> what went wrong
    skipped: dict[str, str] = field(default_factory=dict)  # component -> why it was not run
    pending: list[Step] = field(default_factory=list)  # still planned after the run: a bug, loudly
    deferred: list[Waiting] = field(default_factory=list)  # left for later: exit 3, not a bug

    @property
    def ok(self) -> bool:
        return not (self.failed or self.pending)

    @property
    def exit_code(self) -> int:
        """0 all done, 1 something failed, 3 all that could be done is done and the rest waits."""
        if not self.ok:
            return 1
        return 3 if any(not w.routine for w in self.deferred) else 0

    def waiting(self, step: Step) -> bool:
        return bool(step.waits_on) or any(
            w.component == step.component and w.summary == step.summary for w in self.deferred
        )


def apply(
    ctx: Context,
    profile: Profile,
    plans: list[ComponentPlan],
    writer: files.Writer,
    on_step: Callable[[Step, str], None],
    previous: Optional[Previous] = None,
) -> RunOutcome:
    """Apply each component's steps; a failure stops that component and those needing it only."""
    outcome = RunOutcome()
    applier = Applier(ctx, writer)

    def one(name: str, step: Step) -> bool:
        """Apply one step; False when it failed (the rest of its component is not tried)."""
        on_step(step, "start")
        try:
            applier.apply(step)
        except Deferred as exc:
            # not broken: the rest of the component goes on, and the run ends with exit 3
            outcome.deferred.append(Waiting(name, step.summary, exc.waits_on, ctx.tilde(exc.why), exc.fix, exc.routine))
            on_step(step, "deferred")
            return True
        except (Failure, UserError, ProcError, OSError) as exc:
            outcome.failed[name] = f"{step.summary}: {ctx.tilde(exc)}"
            on_step(step, "failed")
            return False
        outcome.applied.append(step)
        on_step(step, "done")
        return True

    last: list[tuple[str, Step]] = []  # offered once everything else is done
    for item in plans:
        needs_failed = [n for n in components.get(item.name).REQUIRES if n in outcome.failed or n in outcome.skipped]
        if needs_failed:
            outcome.skipped[item.name] = f"needs {', '.join(needs_failed)}, which did not finish"
            continue
        if item.error:
            outcome.failed[item.name] = item.error
            continue
        for step in item.steps:
            if step.last:
                last.append((item.name, step))
            elif not one(item.name, step):
                break
    for name, step in last:
        if name not in outcome.failed:
            one(name, step)
    touched = {s.component for s in outcome.applied} - set(outcome.failed)
    for again in plan(ctx, profile, [p.name for p in plans if p.name in touched], previous):
        if again.error:
            outcome.failed[again.name] = again.error
        outcome.pending += [s for s in again.steps if not outcome.waiting(s)]
    return outcome
