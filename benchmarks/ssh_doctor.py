"""What SSH host checks add to `bootstrap doctor --json`, against a real local sshd.

A profile names two git hosts (127.0.0.1 and localhost, one sshd behind both), each with a
repository that doctor reads with `git ls-remote` over SSH. The same doctor runs with and
without `--offline` (which skips the host checks), in interleaved rounds.

Target: the host checks run concurrently with each other and with the rest, so
wall(online) - wall(offline) <= 1.5 x the longest host check.

Usage: .venv/bin/python benchmarks/ssh_doctor.py [--runs N] [--warmup N]   (needs sshd, git)
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from _common import ANSWERS, BOOTSTRAP, interleaved, median, ms, options, run, sandbox, spread, verdict

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.support.sshd import running_sshd  # the repository root is on the path only now

HOSTS = ("127.0.0.1", "localhost")


def main() -> None:
    args = options(__doc__.splitlines()[0], runs=15)
    host_times: list[float] = []

    def measured(name: str, result: subprocess.CompletedProcess[str]) -> None:
        if name == "doctor --json":
            checks = json.loads(result.stdout)["checks"]
            hosts = [c for c in checks if c["id"].startswith("git.host.")]
            if any(c["status"] != "ok" for c in hosts):
                sys.exit(f"benchmark: a host check is not ok: {hosts}")
            host_times.append(max(c["duration_ms"] for c in hosts) / 1000)

    with sandbox() as box, running_sshd(box.root / "srv") as sshd:
        repo = sshd.bare_repo("team.git")
        entries = "".join(
            f"""
      - host: {host}
        user: {sshd.user}
        port: {sshd.port}
        repos: ["ssh://{sshd.user}@{host}:{sshd.port}{repo}"]
        host_keys: ["{sshd.host_key_pub}"]"""
            for host in HOSTS
        )
        profile = box.root / "team.yaml"
        profile.write_text(
            f"schema: 1\nextends: [base]\ncomponents:\n  git:\n    allow_empty_passphrase: true\n    hosts:{entries}\n"
        )
        answers = box.root / "answers.yaml"
        answers.write_text(ANSWERS, encoding="utf-8")
        run(box, [BOOTSTRAP, "run", "--yes", "--profile", str(profile), "--answers", str(answers)])
        sshd.authorize((box.home / ".ssh" / "id_ed25519.pub").read_text())
        commands = {
            "doctor --json": [BOOTSTRAP, "doctor", "--json"],
            "doctor --json --offline": [BOOTSTRAP, "doctor", "--json", "--offline"],
        }
        times = interleaved(box, commands, args.runs, args.warmup, (0, 1), measured)

    online, offline = median(times["doctor --json"]), median(times["doctor --json --offline"])
    longest = median(host_times)
    added = online - offline
    goal = 1.5 * longest
    print(f"{len(HOSTS)} SSH host checks (git ls-remote through a local sshd) add {ms(added)} to doctor")
    print(
        f"target: added <= 1.5 x the longest host check ({ms(longest)}) = {ms(goal)}; "
        f"ratio {added / goal:.2f} (target <= 1.00: {verdict(added / goal, 1.0)})"
    )
    print(f"  doctor --json            {spread(times['doctor --json'])}")
    print(f"  doctor --json --offline  {spread(times['doctor --json --offline'])}")
    print(f"  longest host check       {spread(host_times)}")


if __name__ == "__main__":
    main()
