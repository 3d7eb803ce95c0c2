"""`bootstrap secrets check` with 1 and with 20 `pass` references, each a whole process.

Target: the marginal cost of a reference, (T20 - T1) / 19, at most half of one `pass show`
(references are read concurrently, with gpg directly rather than through the pass script).
Needs pass and gpg; makes a throw-away GnuPG home and key, stops its agent afterwards.

Usage: .venv/bin/python benchmarks/secrets.py [--runs N] [--warmup N]
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import BOOTSTRAP, interleaved, median, ms, options, run, sandbox, spread, verdict

COUNT = 20


def profile(path: Path, count: int) -> None:
    env = "".join(f'\n      S{i:02d}: "pass://team/secret{i:02d}"' for i in range(count))
    path.write_text(f"extends: [base]\ncomponents:\n  secrets:\n    backend: pass\n    env:{env}\n")


def main() -> None:
    args = options(__doc__.splitlines()[0], runs=15)
    if not shutil.which("pass") or not shutil.which("gpg"):
        sys.exit("benchmark: needs pass and gpg (apt-get install pass gnupg)")
    gnupg = Path(tempfile.mkdtemp(prefix="bsg", dir="/tmp"))  # short: gpg-agent's socket path
    try:
        with sandbox() as box:
            box.env["GNUPGHOME"] = str(gnupg)
            run(
                box,
                [
                    "gpg",
                    "--batch",
                    "--passphrase",
                    "",
                    "--quick-gen-key",
                    "Bench <bench@example.com>",
                    "default",
                    "default",
                    "never",
                ],
            )
            run(box, ["pass", "init", "bench@example.com"])
            for i in range(COUNT):
                subprocess.run(
                    ["pass", "insert", "--multiline", "--force", f"team/secret{i:02d}"],
                    input=f"value-{i}\nuser: x\n", env=box.env, capture_output=True, text=True, check=True,
                )  # fmt: skip
            one, twenty = box.root / "one.yaml", box.root / "twenty.yaml"
            profile(one, 1)
            profile(twenty, COUNT)
            times = interleaved(
                box,
                {
                    "check, 1 reference": [BOOTSTRAP, "secrets", "check", "--profile", str(one)],
                    f"check, {COUNT} references": [BOOTSTRAP, "secrets", "check", "--profile", str(twenty)],
                    "pass show": ["pass", "show", "team/secret00"],
                },
                args.runs,
                args.warmup,
            )
    finally:
        subprocess.run(
            ["gpgconf", "--kill", "all"], env={"GNUPGHOME": str(gnupg), "PATH": "/usr/bin:/bin"}, check=False
        )
        shutil.rmtree(gnupg, ignore_errors=True)
    t1, t20, show = (median(v) for v in times.values())
    marginal = (t20 - t1) / (COUNT - 1)
    ratio = marginal / show
    print("bootstrap secrets check: marginal cost per pass reference vs one `pass show` (target <= 0.5)")
    print(
        f"  marginal {ms(marginal)} = ({ms(t20)} - {ms(t1)}) / {COUNT - 1}; pass show {ms(show)}; ratio {ratio:.2f}: {verdict(ratio, 0.5)}"
    )
    for name, values in times.items():
        print(f"  {name:<22} {spread(values)}")


if __name__ == "__main__":
    main()
