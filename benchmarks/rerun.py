"""A second `bootstrap run --yes` on a set-up machine: as fast as `bootstrap doctor`, and writes nothing.

Targets: median(run) / median(doctor) <= 1.2, and 0 paths under HOME created, modified or removed
by the second run (compared by inode, mtime_ns and size; directories count, since a directory
changes when something inside it is created, renamed or removed).

Usage: .venv/bin/python benchmarks/rerun.py [--runs N] [--warmup N]
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from _common import BOOTSTRAP, converge, interleaved, median, ms, options, run, sandbox, spread, verdict

TARGET = 1.2
Entry = tuple[str, int, int, int]  # kind, inode, mtime_ns, size


def snapshot(home: Path) -> dict[str, Entry]:
    """Every path under home (home itself included), without following symlinks."""
    found: dict[str, Entry] = {}
    for folder, dirs, files in os.walk(home):
        for name in [".", *dirs, *files]:
            path = os.path.join(folder, name)
            info = os.lstat(path)
            kind = "dir" if stat.S_ISDIR(info.st_mode) else "link" if stat.S_ISLNK(info.st_mode) else "file"
            found[os.path.normpath(os.path.relpath(path, home))] = (kind, info.st_ino, info.st_mtime_ns, info.st_size)
    return found


def compare(before: dict[str, Entry], after: dict[str, Entry]) -> dict[str, list[str]]:
    return {
        "created": sorted(p for p in after if p not in before),
        "modified": sorted(p for p in after if p in before and after[p] != before[p]),
        "removed": sorted(p for p in before if p not in after),
    }


def main() -> None:
    args = options(__doc__.splitlines()[0])
    commands = {"run --yes": [BOOTSTRAP, "run", "--yes"], "doctor": [BOOTSTRAP, "doctor"]}
    with sandbox() as box:
        converge(box)
        before = snapshot(box.home)
        _, second = run(box, commands["run --yes"])
        after = snapshot(box.home)
        changes = compare(before, after)
        # doctor's verdict depends on this machine's own aws and terraform; its time is what counts
        times = interleaved(box, commands, args.runs, args.warmup, ok_codes=(0, 1))

    run_s, doctor_s = median(times["run --yes"]), median(times["doctor"])
    ratio = run_s / doctor_s
    print(
        f"run --yes (second run): median {ms(run_s)}, doctor: median {ms(doctor_s)}, "
        f"ratio {ratio:.2f} (target <= {TARGET}: {verdict(ratio, TARGET)})"
    )
    for name, values in times.items():
        print(f"  {name:<10} {spread(values)}")
    total = sum(len(paths) for paths in changes.values())
    print(
        f"writes of the second run under HOME: {len(changes['created'])} created, "
        f"{len(changes['modified'])} modified, {len(changes['removed'])} removed "
        f"(target: 0: {'met' if total == 0 else 'missed'}; {len(before)} paths before, {len(after)} after)"
    )
    for what, paths in changes.items():
        for path in paths:
            entry = after.get(path) or before[path]
            print(f"  {what:<8} {entry[0]:<4} ~/{path}")
    said = second.stdout.strip().splitlines()
    print(f"  the second run said: {said[0] if said else '(nothing)'}")


if __name__ == "__main__":
    main()
