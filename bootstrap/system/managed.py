"""What bootstrap set up for the profile it applied last, so a later run can let go of it.

After each run the ledger (`<state>/managed.json`) records, per component, what that run's
profile owns: whole files (with the digest of what we wrote), our blocks in other files, git
settings, tools. The next run compares it with what its own profile owns; whatever only the
old profile owned is released (a file we wrote and nobody changed is removed, our block is cut
out, a setting we made is unset, a tool we installed is uninstalled), through the journaled
writer, so `plan` shows it and `undo` puts files back. Switching roles (`run --profile OTHER`)
and a team dropping a dotfile from its profile are the same case.

Things other people may rely on are never released: system packages (listed with the command
that removes them), SSH keys, the password store, the shell's PATH set-up.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from bootstrap.system import files
from bootstrap.system.steps import FileChange, Step

if TYPE_CHECKING:
    from bootstrap.system.context import Context

SCHEMA = 1


@dataclass(frozen=True)
class Owned:
    """One thing a profile has bootstrap keep for it.

    kind: "file" (a whole file we write), "block" (our block in someone else's file; value: the
    block's name), or a kind only its component knows ("setting", "tool", "package", ...).
    value: what the component needs to release it safely; for files the ledger fills in the
    digest of the file as it stood after the run.
    """

    kind: str
    target: str
    value: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return self.kind, self.target


@dataclass
class Ledger:
    profile: Optional[str] = None  # the last run's
    components: dict[str, list[Owned]] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)  # component -> the profile it was set up for

    def owner(self, component: str) -> Optional[str]:
        """A component left out of the last run (--skip) still holds what an earlier profile set up."""
        return self.owners.get(component, self.profile)


@dataclass
class Released:
    """What letting go takes: steps that change things, and notes on what is left in place."""

    steps: list[Step] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def load(path: Path) -> Ledger:
    """The ledger, or an empty one (first run, or a file we cannot read: then nothing is released)."""
    raw = files.read(path)
    if raw is None:
        return Ledger()
    try:
        data = json.loads(raw)
        return Ledger(
            profile=data.get("profile"),
            components={
                name: [Owned(i["kind"], i["target"], i.get("value", "")) for i in items]
                for name, items in data.get("components", {}).items()
            },
            owners={str(k): str(v) for k, v in data.get("owners", {}).items()},
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return Ledger()


def dump(ledger: Ledger) -> bytes:
    data: dict[str, Any] = {
        "schema": SCHEMA,
        "profile": ledger.profile,
        "components": {
            name: [{"kind": o.kind, "target": o.target, "value": o.value} for o in sorted(items, key=lambda o: o.key)]
            for name, items in sorted(ledger.components.items())
            if items
        },
        "owners": {name: owner for name, owner in sorted(ledger.owners.items()) if ledger.components.get(name)},
    }
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode()


def gone(old: list[Owned], new: list[Owned]) -> list[Owned]:
    """What the old profile owned and the new one does not (by target: a file that became a
    block in the same file, or a setting with a new value, is still owned)."""
    keep = {o.target for o in new}
    return [o for o in old if o.target not in keep]


def settle(ctx: Context, owned: list[Owned]) -> list[Owned]:
    """The entries to remember: files with the digest of what is there now, and only when a run
    wrote exactly that (a file of the person's where ours would go, say after a failed step, is
    never recorded, so never removed)."""
    out = []
    written: Optional[set[tuple[str, Optional[str]]]] = None
    for item in owned:
        if item.kind == "file":
            target = files.real_target(Path(item.target))
            digest = files.sha256(files.read(target))
            if written is None:
                written = files.written_by_runs(ctx.paths.runs)
            if digest is None or (str(target), digest) not in written:
                continue
            item = Owned(item.kind, item.target, digest)
        out.append(item)
    return out


def original(ctx: Context, target: Path) -> Optional[bytes]:
    """The person's own file from before the first run (not undone) that wrote it, if they had one."""
    for journal in files.list_journals(ctx.paths.runs):
        entry = journal.entry(target) if journal.in_effect else None
        if entry is not None:
            return (
                files.read(journal.folder / entry["backup"]) if entry.get("existed") and entry.get("backup") else None
            )
    return None


def release_files(ctx: Context, component: str, items: list[Owned], why: str) -> Released:
    """Files and blocks: a file that holds exactly what we wrote is removed (or, when it was the
    person's before we replaced it, their own version comes back); a block is cut out."""
    out = Released()
    for item in items:
        path = Path(item.target)
        shown = ctx.tilde(path)
        target = files.real_target(path)
        before = files.read(target)
        if before is None:
            continue
        if item.kind == "file":
            if files.sha256(before) != item.value:
                out.notes.append(f"{shown} stays: you changed it after bootstrap wrote it ({why})")
                continue
            own = original(ctx, target)
            if own is not None:
                summary = f"Put back your own {shown} from before bootstrap replaced it ({why})"
            else:
                summary = f"Remove {shown} ({why})"
            out.steps.append(Step(component, summary, changes=(FileChange(path, before, own),)))
        elif item.kind == "block":
            text = files.decode(before)
            try:
                after = files.without_block(text, item.value)
            except files.DamagedBlock:
                out.notes.append(f"{shown}: bootstrap's '{item.value}' block was edited by hand, so it stays ({why})")
                continue
            if after != text:
                # a file that held nothing but our block was ours: it goes with the block
                change = FileChange(path, before, files.encode(after) if after else None)
                out.steps.append(Step(component, f"Take bootstrap's lines out of {shown} ({why})", changes=(change,)))
    return out
