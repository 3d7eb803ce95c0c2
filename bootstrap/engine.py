"""Select components, plan them, apply the plan, and prove afterwards that nothing is pending.

`plan` and `run` share every line up to the moment of applying, so what plan shows is what
run does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Optional

from bootstrap import components, files
from bootstrap.errors import Failure, UserError, did_you_mean
from bootstrap.proc import ProcError
from bootstrap.schema import COMPONENTS, SELECTABLE
from bootstrap.steps import Applier, Step

if TYPE_CHECKING:
    from bootstrap.context import Context
    from bootstrap.schema import Profile


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


def select(profile: Profile, only: Optional[str], skip: Optional[str]) -> Selection:
    wanted = parse_names(only, "--only") or list(SELECTABLE)
    skipped = set(parse_names(skip, "--skip"))
    configured = [
        name
        for name in COMPONENTS
        if getattr(profile.components, name) is not None and name in wanted and name not in skipped
    ]
    if profile.commands and "commands" in wanted and "commands" not in skipped:
        configured.append("commands")
    active = _ordered([n for n in configured if n in components.MODULES])
    return Selection(active, [n for n in configured if n not in components.MODULES])


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


def plan(ctx: Context, profile: Profile, names: list[str]) -> list[ComponentPlan]:
    plans = []
    for name in names:
        try:
            plans.append(ComponentPlan(name, components.get(name).plan(ctx, profile)))
        except (Failure, UserError, ProcError) as exc:
            plans.append(ComponentPlan(name, error=ctx.tilde(exc)))
    return plans


@dataclass
class RunOutcome:
    """What a run did."""

    applied: list[Step] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # component -> what went wrong
    skipped: dict[str, str] = field(default_factory=dict)  # component -> why it was not run
    pending: list[Step] = field(default_factory=list)  # still planned after the run: a bug, loudly

    @property
    def ok(self) -> bool:
        return not (self.failed or self.pending)


def apply(
    ctx: Context,
    profile: Profile,
    plans: list[ComponentPlan],
    writer: files.Writer,
    on_step: Callable[[Step, str], None],
) -> RunOutcome:
    """Apply each component's steps; a failure stops that component and those needing it only."""
    outcome = RunOutcome()
    applier = Applier(ctx, writer)
    for item in plans:
        needs_failed = [n for n in components.get(item.name).REQUIRES if n in outcome.failed or n in outcome.skipped]
        if needs_failed:
            outcome.skipped[item.name] = f"needs {', '.join(needs_failed)}, which did not finish"
            continue
        if item.error:
            outcome.failed[item.name] = item.error
            continue
        for step in item.steps:
            on_step(step, "start")
            try:
                applier.apply(step)
            except (Failure, UserError, ProcError, OSError) as exc:
                outcome.failed[item.name] = f"{step.summary}: {ctx.tilde(exc)}"
                on_step(step, "failed")
                break
            outcome.applied.append(step)
            on_step(step, "done")
    touched = {s.component for s in outcome.applied} - set(outcome.failed)
    for again in plan(ctx, profile, [p.name for p in plans if p.name in touched]):
        if again.error:
            outcome.failed[again.name] = again.error
        outcome.pending += again.steps
    return outcome
