"""What a component wants done, as data: plan shows it, run applies exactly that."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional

from bootstrap.system.errors import Deferred

if TYPE_CHECKING:
    from bootstrap.system.context import Context
    from bootstrap.system.files import Writer


@dataclass(frozen=True)
class FileChange:
    """One file's new content (None deletes it)."""

    path: Path
    before: Optional[bytes]
    after: Optional[bytes]
    mode: Optional[int] = None


@dataclass(frozen=True)
class Step:
    """One thing a run will do, with the words a person needs to decide whether it may."""

    component: str
    summary: str
    changes: tuple[FileChange, ...] = ()
    commands: tuple[tuple[str, ...], ...] = ()
    interactive: bool = False  # the commands may ask for a password (sudo)
    # output captured (summarised, kept in the log on failure) but the terminal kept, so that a
    # sudo whose password was just given may ask again should its few minutes run out
    prompts: bool = False
    installs: Optional[tuple[str, str]] = None  # (what, how to remove it): undo lists, never removes
    later: str = ""  # what is only known at run time (a version to resolve, a value to compute)
    apply: Optional[Callable[[Applier], None]] = None  # work that cannot be written down beforehand
    # Known at plan time to wait on someone (a key of errors.WAITS_ON): plan shows it, run never
    # applies it, and it is deferred rather than pending. `fix` is what does it later.
    waits_on: str = ""
    fix: str = ""
    # what the step will need on the day: "password" (sudo asks), "network", "administrator"
    needs: tuple[str, ...] = ()
    # applied after every other step of the run (an offer to the person, such as signing in)
    last: bool = False


@dataclass
class Applier:
    """What a step may use while it is applied: the journaled writer and the runner."""

    ctx: Context
    writer: Writer

    def apply(self, step: Step) -> None:
        if step.waits_on:
            raise Deferred(step.waits_on, step.summary, step.fix)
        for change in step.changes:
            if change.after is None:
                self.writer.remove(change.path)
            else:
                self.writer.write(change.path, change.after, change.mode)
        for argv in step.commands:
            self.ctx.runner.run(argv, timeout=3600, check=True, interactive=step.interactive, prompts=step.prompts)
        if step.installs:
            self.writer.installed(*step.installs)
        if step.apply is not None:
            step.apply(self)
