"""One canary secret through every command and every backend; afterwards it must appear in no
captured output, log, journal, backup, config file or command line under the test's folders.
Only the password managers themselves may hold it (the fakes' vault files, encrypted stores)."""

from __future__ import annotations

import base64
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import bootstrap
from tests.support.secrets import Fakes, fingerprint, keyring_session

CANARY = "canary-" + secrets.token_hex(12)
CHECK_CHILD = [
    sys.executable,
    "-c",
    f"import os,sys; sys.exit(0 if os.environ.get('TEAM_SECRET') == {CANARY!r} else 9)",
]
REFS = {
    "pass": "pass://team/canary",
    "op": "op://Data/canary/password",
    "bw": "bw://canary",
    "keyring": "keyring://team/canary",
}


def leaks(text: str) -> bool:
    encoded = base64.b64encode(CANARY.encode()).decode()[:16]
    return CANARY in text or encoded in text


@pytest.mark.parametrize("scheme", list(REFS))
def test_canary_never_leaves_the_password_manager(
    scheme: str, tmp_path: Path, home: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The whole role runs, but for the AWS CLI and Terraform, whose checks depend on this machine.
    monkeypatch.setenv("BOOTSTRAP_SKIP", "packages,aws,terraform")
    vaults: list[Path] = []
    run = bootstrap
    if scheme == "pass":
        request.getfixturevalue("gnupg")
        subprocess.run(["pass", "init", fingerprint()], check=True, capture_output=True)
    elif scheme in ("op", "bw"):
        fake: Fakes = request.getfixturevalue("fakes")
        vaults = [fake.op_db, fake.bw_db]
    else:

        def run(
            *args: str, input: str | None = None, env: dict[str, str] | None = None, cwd: Path | None = None
        ) -> subprocess.CompletedProcess[str]:
            return keyring_session([sys.executable, "-m", "bootstrap", *args], env or {}, input=input)

    ref = REFS[scheme]
    team = tmp_path / "team.yaml"
    team.write_text(
        f'extends: [base]\ncomponents:\n  secrets:\n    backend: {scheme}\n    env: {{TEAM_SECRET: "{ref}"}}\n'
    )
    refs_file = tmp_path / ".env.refs"
    refs_file.write_text(f"URL=https://etl:{{{{ {ref} }}}}@warehouse.internal\n")
    answers = tmp_path / "answers.yaml"
    answers.write_text("name: Ada Lovelace\nemail: ada@example.com\n")
    outputs: list[str] = []

    def cli(*args: str, input: str | None = None, expect: int = 0) -> None:
        result = run(*args, input=input)
        outputs.extend([result.stdout, result.stderr])
        assert result.returncode == expect, f"{args}: {result.stdout}{result.stderr}"

    cli("run", "--yes", "--profile", str(team), "--answers", str(answers))
    cli("secrets", "set", "TEAM_SECRET", input=CANARY + "\n")
    cli("secrets", "set", "TEAM_SECRET", input=CANARY + "\n", expect=1)  # exists: refused
    cli("secrets", "check")
    cli("secrets", "exec", "--", *CHECK_CHILD)
    cli(
        "secrets",
        "exec",
        "--env-file",
        str(refs_file),
        "--",
        sys.executable,
        "-c",
        "import os,sys; sys.exit(0 if os.environ['URL'].count('canary-') == 1 else 9)",
    )
    cli("secrets", "exec", "--", sys.executable, "-c", "raise SystemExit(3)", expect=3)
    cli("secrets", "scan", str(home))
    cli("doctor", "--json")
    cli("doctor", "--report")
    cli("plan", "--profile", str(team))
    cli("run", "--yes")

    assert not any(leaks(o) for o in outputs), "the canary appeared in a command's output"
    for path in sorted(tmp_path.rglob("*")):
        if path.is_file() and path not in vaults:
            assert not leaks(path.read_bytes().decode("latin-1")), f"the canary is in {path.relative_to(tmp_path)}"
