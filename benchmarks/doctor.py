"""`bootstrap doctor --json` on a set-up machine: whole-process wall time against the checks' own time.

Target: wall <= max(0.6 x sum of the checks' duration_ms, 1.5 x the longest check + 0.3 s), i.e.
running the checks concurrently pays off, and everything around them (start-up, imports, profile
loading, output) stays under 0.3 s. Also shows what a doctor run spends before any check starts.

Usage: .venv/bin/python benchmarks/doctor.py [--runs N] [--warmup N]
"""

from __future__ import annotations

import json
import subprocess
import sys

from _common import (
    BOOTSTRAP,
    PROFILE,
    PYTHON,
    converge,
    heaviest,
    import_times,
    interleaved,
    median,
    ms,
    options,
    run,
    sandbox,
    spread,
    verdict,
)

DOCTOR = [BOOTSTRAP, "doctor", "--json"]
DOCTOR_CODES = (0, 1)  # 1: doctor ran and found a problem; still a complete run to time


def target_s(check_sum: float, longest: float) -> float:
    return max(0.6 * check_sum, 1.5 * longest + 0.3)


def parse(stdout: str) -> tuple[float, float, str, int]:
    """Sum and longest of the checks' duration_ms (in seconds), the overall status, the number of checks."""
    try:
        report = json.loads(stdout)
        durations = [check["duration_ms"] / 1000 for check in report["checks"]]
    except (ValueError, KeyError, TypeError) as exc:
        sys.exit(f"benchmark: `bootstrap doctor --json` did not print the expected JSON ({exc})")
    return sum(durations), max(durations, default=0.0), str(report.get("status", "?")), len(durations)


def main() -> None:
    args = options(__doc__.splitlines()[0])
    sums: list[float] = []
    longests: list[float] = []
    statuses: set[str] = set()
    checks = 0

    def measured(name: str, result: subprocess.CompletedProcess[str]) -> None:
        nonlocal checks
        if name == "doctor --json":
            check_sum, longest, status, checks = parse(result.stdout)
            sums.append(check_sum)
            longests.append(longest)
            statuses.add(status)

    with sandbox() as box:
        converge(box)
        for _ in range(2):  # bytecode cache and file system cache warm before -X importtime
            run(box, DOCTOR, DOCTOR_CODES)
        startup = {name for name, _ in import_times(box, ["-c", "pass"])}
        doctor_imports = import_times(box, ["-m", "bootstrap", "doctor", "--json"], DOCTOR_CODES)
        modules = [n for n, _ in doctor_imports if n not in startup and n != "runpy" and not n.endswith("__main__")]
        # The doctor run, and the same process with less and less of its work, in the same
        # rounds so that a busy machine slows every one of them alike.
        commands = {
            "doctor --json": DOCTOR,
            "python start-up": [PYTHON, "-c", "pass"],
            "imports": [PYTHON, "-c", f"import importlib\nfor name in {modules!r}:\n    importlib.import_module(name)"],
            "--version": [BOOTSTRAP, "--version"],
            "profile show": [BOOTSTRAP, "profile", "show", PROFILE],
        }
        stage_times = interleaved(box, commands, args.runs, args.warmup, DOCTOR_CODES, measured)

    walls = stage_times["doctor --json"]
    wall, check_sum, longest = median(walls), median(sums), median(longests)
    goal = target_s(check_sum, longest)
    within = sum(w <= target_s(s, m) for w, s, m in zip(walls, sums, longests))
    print(
        f"doctor --json: median wall {ms(wall)}, median sum of checks {ms(check_sum)}, "
        f"median longest check {ms(longest)} ({checks} checks)"
    )
    print(
        f"target: wall <= max(0.6 x {ms(check_sum)}, 1.5 x {ms(longest)} + 300 ms) = {ms(goal)}; "
        f"ratio {wall / goal:.2f} (target <= 1.00: {verdict(wall / goal, 1.0)}); "
        f"{within} of {len(walls)} runs within their own target"
    )
    print(f"  wall            {spread(walls)}")
    print(f"  sum of checks   {spread(sums)}")
    print(f"  longest check   {spread(longests)}")
    if statuses != {"ok"}:
        print(f"  note: doctor reported status {', '.join(sorted(statuses))} (expected ok on a set-up home)")

    stage = {name: median(values) for name, values in stage_times.items()}
    base = stage["doctor --json"]

    def line(label: str, seconds: float, how: str) -> str:
        return f"  {label:<38} {ms(seconds):>7} {seconds / base:5.0%}  {how}"

    print(f"where a doctor run's time goes (medians of the same {len(walls)} interleaved rounds):")
    print(line("python start-up", stage["python start-up"], "python -c pass"))
    print(line("start-up + CLI import", stage["--version"], "bootstrap --version"))
    print(
        line(
            "start-up + every import of doctor",
            stage["imports"],
            f"python -c 'import ...' ({len(modules)} top-level imports seen by -X importtime)",
        )
    )
    print(
        line(
            "start-up + imports + profile loading",
            stage["profile show"],
            f"bootstrap profile show {PROFILE} (also imports rich to print it; doctor --json does not)",
        )
    )
    print(line("the whole doctor run", base, "bootstrap doctor --json"))
    print(
        f"  => about {ms(stage['imports'])} ({stage['imports'] / base:.0%}) goes to start-up and imports before "
        f"any check runs; the checks run concurrently: longest {ms(longest)}, {ms(check_sum)} one after another"
    )
    print("heaviest imports of `python -m bootstrap doctor --json` (one -X importtime run, cumulative):")
    print(heaviest(doctor_imports, roots=startup))


if __name__ == "__main__":
    main()
