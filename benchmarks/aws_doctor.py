"""`bootstrap doctor` over N AWS profiles (N = 1, 5, 20) against moto, beside `aws sts get-caller-identity` per profile.

Each profile assumes a role from one set of keys (moto has no SSO), so every identity is a real
AssumeRole plus GetCallerIdentity over HTTP. The side-by-side column runs the AWS CLI once per
profile, one after another as a person would, and all at once, as doctor would if it ran a CLI
process per profile instead of botocore in-process. That CLI must send every call, role hops
included, to AWS_ENDPOINT_URL (moto): $AWS_CLI, else the first `aws` on PATH that does (v1 from
1.29, v2 from 2.13; Debian 12's 2.9 does not). The project's test extras install none: for one,
`python3 -m venv /tmp/awscli && /tmp/awscli/bin/pip install 'awscli>=1.32,<2'`, then
AWS_CLI=/tmp/awscli/bin/aws.
Targets: doctor with N=5 at most 1.5x the time of N=1, with N=20 at most 4x.

Usage: [AWS_CLI=PATH] .venv/bin/python benchmarks/aws_doctor.py [--runs N] [--warmup N]
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from _common import BOOTSTRAP, interleaved, median, ms, options, run, sandbox, spread, verdict

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.support.aws import moto_server  # the repository root is on the path only now

SIZES = (1, 5, 20)
TARGETS = {5: 1.5, 20: 4.0}
ENDPOINT_ENV = {1: (1, 29), 2: (2, 13)}  # the first versions that read AWS_ENDPOINT_URL
KEYS = "[base]\naws_access_key_id = AKIAEXAMPLEEXAMPLE00\naws_secret_access_key = placeholder\n"


def endpoint_cli() -> str:
    """$AWS_CLI, else the first `aws` on PATH whose version reads AWS_ENDPOINT_URL."""
    import re
    import shutil
    import subprocess

    candidates = [os.environ["AWS_CLI"]] if os.environ.get("AWS_CLI") else []
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        found = shutil.which("aws", path=folder) if folder else None
        if found:
            candidates.append(found)
    for aws in candidates:
        said = subprocess.run([aws, "--version"], capture_output=True, text=True, check=False)
        match = re.match(r"aws-cli/(\d+)\.(\d+)", said.stdout + said.stderr)
        if match:
            major, minor = int(match.group(1)), int(match.group(2))
            if major in ENDPOINT_ENV and (major, minor) >= ENDPOINT_ENV[major]:
                return aws
    sys.exit("benchmark: no AWS CLI that reads AWS_ENDPOINT_URL (v1 from 1.29, v2 from 2.13); set AWS_CLI (see --help)")


def team_profile(count: int) -> str:
    lines = ["schema: 1", "name: bench", "components:", "  aws:", "    profiles:"]
    lines += [
        f'      p{i}: {{source_profile: base, role_arn: "arn:aws:iam::123456789012:role/Role{i}", region: us-east-1}}'
        for i in range(count)
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    args = options(__doc__.splitlines()[0], runs=5, warmup=1)
    aws = endpoint_cli()
    with moto_server() as moto:
        results: dict[int, dict[str, list[float]]] = {}
        for count in SIZES:
            with sandbox() as box:
                box.env["AWS_ENDPOINT_URL"] = moto
                (box.home / ".aws").mkdir()
                (box.home / ".aws" / "credentials").write_text(KEYS)
                profile = box.root / "bench.yaml"
                profile.write_text(team_profile(count))
                run(box, [BOOTSTRAP, "run", "--yes", "--profile", str(profile)], ok_codes=(0, 1))
                doctor = [BOOTSTRAP, "doctor", "--json", "--profile", str(profile)]
                _, first = run(box, doctor, ok_codes=(0, 1))
                identities = [c for c in json.loads(first.stdout)["checks"] if c["id"].startswith("aws.identity.")]
                bad = [c for c in identities if c["status"] != "ok"]
                if len(identities) != count or bad:
                    sys.exit(f"benchmark: doctor did not verify every profile: {bad or identities}")
                script = "\n".join(
                    f"{aws} sts get-caller-identity --profile p{i} >/dev/null || exit 1" for i in range(count)
                )
                at_once = (
                    "pids=''\n"
                    + "\n".join(
                        f'{aws} sts get-caller-identity --profile p{i} >/dev/null & pids="$pids $!"'
                        for i in range(count)
                    )
                    + "\nfor pid in $pids; do wait $pid || exit 1; done\n"
                )
                results[count] = interleaved(
                    box,
                    {
                        "doctor": doctor,
                        "aws cli, one after another": ["sh", "-c", script],
                        "aws cli, all at once": ["sh", "-c", at_once],
                    },
                    args.runs,
                    args.warmup,
                    ok_codes=(0, 1),
                )

    base = median(results[1]["doctor"])
    print(f"bootstrap doctor over N AWS profiles against moto (median of {args.runs}; {os.cpu_count()} cores)")
    cli_base = median(results[1]["aws cli, all at once"])
    print(
        f"{'N':>3}  {'doctor':>9}  {'vs N=1':>7}  {'target':>16}  {'CLI one by one':>15}  {'doctor vs it':>12}"
        f"  {'CLI all at once':>15}  {'vs N=1':>7}"
    )
    for count in SIZES:
        doctor_s = median(results[count]["doctor"])
        cli_s = median(results[count]["aws cli, one after another"])
        parallel_s = median(results[count]["aws cli, all at once"])
        ratio = doctor_s / base
        target = TARGETS.get(count)
        goal = f"<= {target:g}x ({verdict(ratio, target)})" if target else "-"
        print(
            f"{count:>3}  {ms(doctor_s):>9}  {ratio:>6.2f}x  {goal:>16}  {ms(cli_s):>15}  {doctor_s / cli_s:>11.2f}x"
            f"  {ms(parallel_s):>15}  {parallel_s / cli_base:>6.2f}x"
        )
    for count in SIZES:
        for name, values in results[count].items():
            print(f"    N={count:<3} {name}: {spread(values)}")


if __name__ == "__main__":
    main()
