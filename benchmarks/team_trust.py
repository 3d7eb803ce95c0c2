"""What the trust gate costs: `plan` of a team profile with 2 trusted commands (the gate, and their
`unless` checks), against the same plan with `--skip commands`, with many teams added (the gate
reads every team's profiles to find who holds each command).

Target: the gate adds at most 25% to `plan` with 20 teams of 10 profiles each.

Usage: .venv/bin/python benchmarks/team_trust.py [--runs N] [--warmup N] [--teams N] [--files N]
"""

from __future__ import annotations

import subprocess
import sys

from _common import BOOTSTRAP, interleaved, median, ms, run, sandbox, spread, verdict

TARGET = 1.25


def git(*args: str, cwd: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--teams", type=int, default=20)
    parser.add_argument("--files", type=int, default=10)
    args = parser.parse_args()

    with sandbox() as box:
        answers = box.root / "answers.yaml"
        answers.write_text("name: Ada Lovelace\nemail: ada@example.com\n")
        for team in range(args.teams):
            repo = box.root / f"team{team}"
            (repo / "profiles").mkdir(parents=True)
            for index in range(args.files):
                (repo / "profiles" / f"p{index}.yaml").write_text(
                    "schema: 1\nextends: [data-engineer]\ncommands:\n"
                    f"  - {{name: mark {index}, run: 'true', unless: 'true'}}\n"
                    f"  - {{name: other {index}, run: 'echo {team}', unless: 'true'}}\n"
                )
            git("init", "--quiet", cwd=str(repo))
            git("add", ".", cwd=str(repo))
            git("-c", "user.name=x", "-c", "user.email=x@example.com", "commit", "--quiet", "-m", "p", cwd=str(repo))
            run(box, [BOOTSTRAP, "profile", "add", str(repo), "--name", f"team{team}", "--yes", "--trust"])
        plan = [BOOTSTRAP, "plan", "--profile", "team0/p0", "--answers", str(answers)]
        run(box, [BOOTSTRAP, "run", "--yes", "--profile", "team0/p0", "--answers", str(answers)])
        times = interleaved(
            box,
            {"with commands": plan, "--skip commands": [*plan, "--skip", "commands"]},
            args.runs,
            args.warmup,
        )
    with_gate, without = median(times["with commands"]), median(times["--skip commands"])
    ratio = with_gate / without
    print(
        f"plan of a team profile, {args.teams} teams x {args.files} profiles added: "
        f"{ms(with_gate)} with its 2 trusted commands, {ms(without)} with --skip commands; "
        f"ratio {ratio:.2f} (target <= {TARGET:.2f}: {verdict(ratio, TARGET)})"
    )
    print(f"  with commands     {spread(times['with commands'])}")
    print(f"  --skip commands   {spread(times['--skip commands'])}")


if __name__ == "__main__":
    sys.exit(main())
