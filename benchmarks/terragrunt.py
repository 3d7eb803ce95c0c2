"""Terragrunt: a checked install against the curl + sha256sum + chmod floor, and the shim's cost.

1. `bootstrap terragrunt install 0.67.16` from a local server in GitHub's release layout (bare
   binary, SHA256SUMS checked, renamed into place with a receipt) versus `curl` of the binary
   and SHA256SUMS, `sha256sum -c` and `chmod +x` of the same files. Target: at most 1.15x the
   floor. Measured twice: without a signing key (the default) and with one
   (BOOTSTRAP_TERRAGRUNT_KEYS: SHA256SUMS.gpgsig is fetched and checked too).
2. `terragrunt --version` through the shim in ~/.local/bin versus the installed binary called
   directly. No real Terragrunt can be had offline, so the binary is a sh stand-in padded to
   the size of a real release (--size-mb); its own run costs about as much as a shell's start,
   so this reports the shim's added milliseconds rather than a ratio to a real Terragrunt.
Usage: .venv/bin/python benchmarks/terragrunt.py [--runs N] [--warmup N] [--size-mb N]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import BOOTSTRAP, median, ms, options, run, sandbox, spread, verdict
from tests.support import ghreleases

VERSION = "0.67.16"


def main() -> None:
    size = argparse.ArgumentParser(add_help=False)
    size.add_argument("--size-mb", type=int, default=60)
    known, rest = size.parse_known_args()
    sys.argv[1:] = rest
    args = options(__doc__ or "", runs=10, warmup=1)
    for tool in ("curl", "sha256sum", "gpg"):
        if shutil.which(tool) is None:
            sys.exit(f"benchmark: {tool} is needed (apt-get install {tool if tool != 'sha256sum' else 'coreutils'})")
    work = Path(tempfile.mkdtemp(prefix="bootstrap-tg-bench-"))
    site = ghreleases.build(work / "github", padding=known.size_mb << 20)
    site.start()
    try:
        with sandbox() as box:
            box.env.update(
                {
                    "BOOTSTRAP_TERRAGRUNT_MIRROR": site.mirror,
                    "BOOTSTRAP_TERRAGRUNT_API": site.api,
                    "PATH": f"{box.home / '.local' / 'bin'}:{box.env['PATH']}",
                }
            )
            versions = box.home / ".local" / "share" / "bootstrap" / "terragrunt" / "versions"
            name = f"terragrunt_{ghreleases.OS}_{ghreleases.HERE_ARCH}"
            base = f"{site.mirror}/{ghreleases.REPO}/releases/download/v{VERSION}"
            floor_dir = box.root / "floor"
            floor = [
                "sh",
                "-c",
                f"set -e; mkdir -p {floor_dir}; cd {floor_dir}; "
                f"curl -sfO {base}/{name}; curl -sfO {base}/SHA256SUMS; "
                "sha256sum -c --ignore-missing --quiet SHA256SUMS; "
                f"chmod +x {name}; mkdir -p bin; mv {name} bin/terragrunt",
            ]
            ours = [BOOTSTRAP, "terragrunt", "install", VERSION]
            keyed = ["env", f"BOOTSTRAP_TERRAGRUNT_KEYS={site.keyfile}", *ours]
            commands = {"bootstrap (checksum)": ours, "bootstrap (+signature)": keyed, "curl+sha256sum+chmod": floor}
            times: dict[str, list[float]] = {name: [] for name in commands}
            for round_no in range(args.warmup + args.runs):
                order = list(commands) if round_no % 2 == 0 else list(reversed(commands))
                for label in order:
                    shutil.rmtree(versions, ignore_errors=True)
                    shutil.rmtree(floor_dir, ignore_errors=True)
                    elapsed, _ = run(box, commands[label])
                    if round_no >= args.warmup:
                        times[label].append(elapsed)
            floor_s = median(times["curl+sha256sum+chmod"])
            for label in ("bootstrap (checksum)", "bootstrap (+signature)"):
                ours_s = median(times[label])
                ratio = ours_s / floor_s
                print(
                    f"install {VERSION} ({known.size_mb} MB) {label} vs curl+sha256sum+chmod: "
                    f"{ms(ours_s)} vs {ms(floor_s)} = {ratio:.2f}x (target <= 1.15x: {verdict(ratio, 1.15)})"
                )
            for label, values in times.items():
                print(f"    {label}: {spread(values)}")

            run(box, ours)
            shim = str(box.home / ".local" / "bin" / "terragrunt")
            direct = str(versions / VERSION / "terragrunt")
            calls = {"shim": [shim, "--version"], "direct": [direct, "--version"]}
            call_times: dict[str, list[float]] = {label: [] for label in calls}
            rounds = max(args.runs * 5, 20)
            for round_no in range(args.warmup * 3 + rounds):
                for label in calls if round_no % 2 == 0 else reversed(list(calls)):
                    started = time.perf_counter()
                    result = subprocess.run(
                        calls[label], cwd=box.root, env=box.env, capture_output=True, text=True, check=False
                    )
                    elapsed = time.perf_counter() - started
                    if result.returncode != 0 or f"v{VERSION}" not in result.stdout:
                        sys.exit(f"benchmark: `{label} --version` failed: {result.stderr or result.stdout}")
                    if round_no >= args.warmup * 3:
                        call_times[label].append(elapsed)
            shim_s, direct_s = median(call_times["shim"]), median(call_times["direct"])
            print(
                f"terragrunt --version via shim vs direct (sh stand-in): {ms(shim_s)} vs {ms(direct_s)}: "
                f"the shim adds {ms(shim_s - direct_s)}"
            )
            for label, values in call_times.items():
                print(f"    {label}: {spread(values)}")
    finally:
        site.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
