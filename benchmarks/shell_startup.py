"""Interactive start-up of bash, zsh and fish without and with bootstrap's shell block.

Target: the block adds at most 5 ms to the median `bash -i -c exit`. For reference, the issue
measured `eval "$(mise activate bash)"` at about 19 ms on the same kind of machine, and conda's
hook starts Python.

The set-up is made by a real `bootstrap run --only shell` in a throw-away HOME (profile below:
history, an alias, a variable, completion for bootstrap, git, aws and terraform). "without" is
the same shell with the same (empty) rc files and no block: the rc files are swapped between
rounds, and rounds alternate their order, so both see the same machine.

Usage: .venv/bin/python benchmarks/shell_startup.py [--runs N] [--warmup N]
"""

from __future__ import annotations

import shutil
from pathlib import Path

from _common import BOOTSTRAP, Sandbox, median, ms, options, run, sandbox, spread, verdict

TARGET_MS = 5.0
PROFILE = """\
schema: 1
components:
  git: {}
  aws: {}
  terraform: {}
  shell:
    shells: [bash, zsh, fish]
    env: {EDITOR: vim}
    aliases: {ll: "ls -la"}
"""
SHELLS = {"bash": ".bashrc", "zsh": ".zshrc", "fish": ".config/fish/conf.d/bootstrap.fish"}


def main() -> None:
    args = options(__doc__.splitlines()[0], runs=40, warmup=3)
    with sandbox() as box:
        profile = box.root / "team.yaml"
        profile.write_text(PROFILE, encoding="utf-8")
        run(box, [BOOTSTRAP, "run", "--yes", "--only", "shell", "--profile", str(profile)])
        box.env["TERM"] = "dumb"
        results = {}
        for shell, rc in SHELLS.items():
            binary = shutil.which(shell)
            if binary is None:
                print(f"{shell}: not installed, skipped")
                continue
            results[shell] = measure(box, binary, box.home / rc, args.runs, args.warmup)
        bash = shutil.which("bash")
        inside = clock_inside(box, bash, args.runs) if bash else []
    print("Interactive start-up (`SHELL -i -c exit`), median of each; measured on a shared, busy machine:")
    for shell, (without, with_block) in results.items():
        added = (median(with_block) - median(without)) * 1000
        line = f"  {shell:<5} without {ms(median(without)):>6}, with our block {ms(median(with_block)):>6}: {added:+.1f} ms"
        if shell == "bash":
            line += f" (target <= +{TARGET_MS:g} ms: {verdict(added, TARGET_MS)})"
        print(line)
        print(f"        without: {spread(without)}")
        print(f"        with:    {spread(with_block)}")
    if inside:
        print(
            f"  bash's own clock around reading ~/.bashrc (our line only), less disturbed by a busy machine: "
            f"median {median(inside) * 1000:.2f} ms, min {min(inside) * 1000:.2f} ms, n={len(inside)}"
        )


def clock_inside(box: Sandbox, bash: str, runs: int) -> list[float]:
    """Seconds bash spends reading ~/.bashrc, by $EPOCHREALTIME (bash 5 and later)."""
    script = 't0=$EPOCHREALTIME; . "$HOME/.bashrc"; t1=$EPOCHREALTIME; echo "$t0 $t1"'
    found = []
    for _ in range(runs):
        _, result = run(box, [bash, "--norc", "--noprofile", "-i", "-c", script])
        fields = result.stdout.split()
        if len(fields) == 2 and fields[0] and fields[1]:
            found.append(float(fields[1]) - float(fields[0]))
    return found


def measure(box: Sandbox, binary: str, rc: Path, runs: int, warmup: int) -> tuple[list[float], list[float]]:
    """Wall seconds without and with the block; rc files swapped between the two, rounds alternating."""
    with_text = rc.read_bytes()
    hidden = rc.with_name(rc.name + ".bench-off")
    times: dict[str, list[float]] = {"without": [], "with": []}
    argv = [binary, "-i", "-c", "exit"]
    try:
        for round_no in range(warmup + runs):
            order = ["without", "with"] if round_no % 2 == 0 else ["with", "without"]
            for name in order:
                if name == "with":
                    rc.write_bytes(with_text)
                else:
                    rc.rename(hidden)
                elapsed, _ = run(box, argv)
                if name == "without":
                    hidden.rename(rc)
                if round_no >= warmup:
                    times[name].append(elapsed)
    finally:
        rc.write_bytes(with_text)
    return times["without"], times["with"]


if __name__ == "__main__":
    main()
