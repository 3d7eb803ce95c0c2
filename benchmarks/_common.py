"""Shared by the benchmark scripts: a throw-away HOME, timed child processes, medians.

Every command runs as a separate process, the way a user runs it, with HOME pointing at a fresh
temporary folder, so the real home directory is never read or written. Targets are reported,
never asserted: a script exits non-zero only when a command it runs fails.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

# The venv that runs the benchmark is the venv whose `bootstrap` is measured.
PYTHON = sys.executable
BOOTSTRAP = str(Path(sys.executable).parent / "bootstrap")
CLEARED_PREFIXES = ("XDG_", "GIT_", "AWS_", "TF_", "BOOTSTRAP_")
PROFILE = "data-engineer"
ANSWERS = "name: Ada Lovelace\nemail: ada.lovelace@example.com\n"


def options(description: str, runs: int = 25, warmup: int = 2) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--runs", type=int, default=runs, metavar="N", help=f"timed runs per command (default {runs})")
    parser.add_argument(
        "--warmup", type=int, default=warmup, metavar="N", help=f"untimed runs per command first (default {warmup})"
    )
    args = parser.parse_args()
    if args.runs < 1 or args.warmup < 0:
        parser.error("--runs must be at least 1 and --warmup at least 0")
    if not Path(BOOTSTRAP).is_file():
        sys.exit(f"benchmark: {BOOTSTRAP} not found; run this script with the venv's python (.venv/bin/python)")
    return args


@dataclass(frozen=True)
class Sandbox:
    """A fake HOME inside a temporary folder, and the environment that points at it."""

    root: Path  # working directory and place for inputs (answers file); not inside home
    home: Path
    env: dict[str, str]


@contextmanager
def sandbox() -> Iterator[Sandbox]:
    root = Path(tempfile.mkdtemp(prefix="bootstrap-bench-")).resolve()
    try:
        home = root / "home"
        home.mkdir()
        env = {k: v for k, v in os.environ.items() if not k.startswith(CLEARED_PREFIXES)}
        env["HOME"] = str(home)
        # what the shell set-up does for a person: their ~/.local/bin (the terraform shim) first
        env["PATH"] = f"{home / '.local' / 'bin'}{os.pathsep}{env.get('PATH', '')}"
        env["GIT_CONFIG_NOSYSTEM"] = "1"  # the machine's /etc/gitconfig is not the user's
        env["BOOTSTRAP_SKIP"] = "packages"  # converging must not install software on the machine
        # An installed wheel has its bytecode compiled; a source checkout with
        # PYTHONDONTWRITEBYTECODE=1 compiles every module on every start. Cache bytecode in the
        # sandbox (the warm-up runs fill it) so that timings are what an installed tool shows.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(root / "pycache")
        yield Sandbox(root, home, env)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def run(
    box: Sandbox, argv: Sequence[str], ok_codes: tuple[int, ...] = (0,), timeout: float = 120
) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run one command in the sandbox; (wall seconds, result). A failed command ends the benchmark."""
    started = time.perf_counter()
    try:
        result = subprocess.run(
            list(argv),
            env=box.env,
            cwd=box.root,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        sys.exit(f"benchmark: `{shown(argv)}` could not run: {exc}")
    elapsed = time.perf_counter() - started
    if result.returncode not in ok_codes:
        sys.stderr.write(f"benchmark: `{shown(argv)}` failed with exit code {result.returncode}\n")
        sys.stderr.write(result.stderr or result.stdout)
        sys.exit(1)
    return elapsed, result


def shown(argv: Sequence[str]) -> str:
    """The command as a person would type it: `bootstrap ...` and `python ...`, not full paths."""
    names = {BOOTSTRAP: "bootstrap", PYTHON: "python"}
    return " ".join(names.get(a, a) for a in argv)


def converge(box: Sandbox) -> None:
    """The first-day run, so that later runs find the machine already set up."""
    answers = box.root / "answers.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    run(box, [BOOTSTRAP, "run", "--yes", "--profile", PROFILE, "--answers", str(answers)])


def interleaved(
    box: Sandbox,
    commands: Mapping[str, Sequence[str]],
    runs: int,
    warmup: int,
    ok_codes: tuple[int, ...] = (0,),
    on_result: Optional[Callable[[str, subprocess.CompletedProcess[str]], None]] = None,
) -> dict[str, list[float]]:
    """Wall seconds per command; rounds alternate the order so that drift (a busy machine) hits
    every command alike. on_result sees the output of every timed run."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    names = list(commands)
    for round_no in range(warmup + runs):
        for name in names if round_no % 2 == 0 else reversed(names):
            elapsed, result = run(box, commands[name], ok_codes)
            if round_no >= warmup:
                times[name].append(elapsed)
                if on_result is not None:
                    on_result(name, result)
    return times


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def spread(values: Sequence[float]) -> str:
    """min, median, max and count of a series, for the lines under the headline."""
    return f"min {ms(min(values))}, median {ms(median(values))}, max {ms(max(values))}, n={len(values)}"


def verdict(ratio: float, target: float) -> str:
    return "met" if ratio <= target else "missed"


def import_times(box: Sandbox, argv: Sequence[str], ok_codes: tuple[int, ...] = (0,)) -> list[tuple[str, int]]:
    """(module, cumulative µs) for each top-level import of one `python -X importtime` run."""
    _, result = run(box, [PYTHON, "-X", "importtime", *argv], ok_codes)
    found = []
    for line in result.stderr.splitlines():
        if not line.startswith("import time:"):
            continue
        fields = line[len("import time:") :].split("|")
        if len(fields) != 3 or not fields[1].strip().isdigit():
            continue  # the header line
        name = fields[2].rstrip()[1:]  # one space follows the bar; nested imports are indented more
        if not name.startswith(" "):
            found.append((name, int(fields[1])))
    return found


def heaviest(found: list[tuple[str, int]], count: int = 8, roots: Optional[set[str]] = None) -> str:
    """The top-level imports that cost most, one per line (modules loaded at start-up left out)."""
    skip = roots or set()
    rows = sorted((item for item in found if item[0] not in skip), key=lambda item: -item[1])[:count]
    return "\n".join(f"    {us / 1000:6.1f} ms  {name}" for name, us in rows)
