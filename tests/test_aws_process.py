"""Short-lived keys for the tools that cannot sign in: the -process companion profiles,
`bootstrap aws credentials` and `bootstrap aws exec`, with real parts (moto serving STS and
IAM, botocore clients as every SDK-based tool makes them, Debian's AWS CLI v2)."""

from __future__ import annotations

import json
import shlex
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import bootstrap
from tests.support.aws import moto_server, run_aws, sdk_client, v2_first_on_path

TEAM = """\
schema: 1
name: team
components:
  aws:
    sso_sessions:
      corp: {start_url: "https://corp.awsapps.com/start", region: eu-west-1}
    profiles:
      data-dev: {sso_session: corp, account_id: "111122223333", role_name: DataEngineer, region: eu-west-1}
      warehouse: {source_profile: data-dev, role_arn: "arn:aws:iam::444455556666:role/WarehouseReader"}
    process_profiles: [data-dev, warehouse]
"""

# base (long-lived keys in ~/.aws/credentials) -> role First -> role Second
CHAIN = """\
schema: 1
name: chain
components:
  aws:
    profiles:
      hop1: {source_profile: base, role_arn: "arn:aws:iam::123456789012:role/First", region: us-east-1}
      hop2: {source_profile: hop1, role_arn: "arn:aws:iam::123456789012:role/Second"}
    process_profiles: [hop2]
"""
KEYS = "[base]\naws_access_key_id = AKIAEXAMPLEEXAMPLE00\naws_secret_access_key = placeholder\n"
MINE = b"# my own\n[profile mine]\nregion = us-east-1\n"
SECOND = "arn:aws:sts::123456789012:assumed-role/Second/"


def process_command(name: str) -> str:
    """What the companion runs: the bootstrap installed beside this Python, by absolute path."""
    return shlex.join([str(Path(sys.executable).parent / "bootstrap"), "aws", "credentials", "--profile", name])


def doctor_json(profile: Path, *args: str, env: dict[str, str] | None = None) -> dict[str, dict[str, str]]:
    result = bootstrap("doctor", "--json", "--profile", str(profile), *args, env=env)
    assert result.returncode in (0, 1), result.stderr
    return {c["id"]: c for c in json.loads(result.stdout)["checks"]}


def files_holding(home: Path, secret: str) -> list[Path]:
    return [p for p in home.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]


@pytest.fixture(autouse=True)
def aws_on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    return v2_first_on_path(tmp_path, monkeypatch)


@pytest.fixture(scope="module")
def moto() -> Iterator[str]:
    with moto_server() as url:
        yield url


@pytest.fixture
def chain(home: Path, tmp_path: Path, moto: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The chain profile run into a home whose only keys are long-lived ones for `base`; every
    call (the children's too) goes to moto."""
    profile = tmp_path / "chain.yaml"
    profile.write_text(CHAIN)
    (home / ".aws").mkdir()
    (home / ".aws" / "credentials").write_text(KEYS)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto)
    run = bootstrap("run", "--profile", str(profile), "--yes")
    assert run.returncode == 0, run.stdout + run.stderr
    return profile


def test_companions_are_written_safely_read_by_the_real_cli_and_undone(
    home: Path, tmp_path: Path, aws_on_path: str
) -> None:
    team = tmp_path / "team.yaml"
    team.write_text(TEAM)
    config = home / ".aws" / "config"
    config.parent.mkdir()
    config.write_bytes(MINE)

    run = bootstrap("run", "--profile", str(team), "--yes")
    assert run.returncode == 0, run.stdout + run.stderr  # the SSO sign-in is the person's next step
    text = config.read_text()
    assert text.startswith(MINE.decode())
    assert "[profile warehouse-process]\n# managed by bootstrap" in text

    listed = run_aws(aws_on_path, "configure", "list-profiles")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.split() == ["mine", "data-dev", "warehouse", "data-dev-process", "warehouse-process"]
    for name in ("data-dev", "warehouse"):
        got = run_aws(aws_on_path, "configure", "get", "credential_process", "--profile", f"{name}-process")
        assert got.returncode == 0, got.stderr
        assert got.stdout.strip() == process_command(name)
    # the companion works in the region of its profile; warehouse's comes from data-dev, up its chain
    got = run_aws(aws_on_path, "configure", "get", "region", "--profile", "warehouse-process")
    assert got.stdout.strip() == "eu-west-1"

    written = config.read_bytes()
    again = bootstrap("run", "--profile", str(team), "--yes")
    assert again.returncode == 0, again.stdout + again.stderr
    assert config.read_bytes() == written  # a second run changes nothing
    assert "~/.aws/config" not in bootstrap("plan", "--profile", str(team)).stdout

    checks = doctor_json(team, "--offline")
    assert checks["aws.process.data-dev"]["status"] == "skipped"  # waits on the sign-in, like the profile

    undo = bootstrap("undo", "--yes")
    assert undo.returncode == 0, undo.stderr
    assert config.read_bytes() == MINE


def test_a_botocore_client_gets_its_identity_through_the_companion_and_a_two_hop_chain(
    home: Path, chain: Path, moto: str, aws_on_path: str
) -> None:
    # any SDK-based tool: it knows nothing of role chains, it only runs the credential_process
    assert sdk_client("hop2-process").get_caller_identity()["Arn"].startswith(SECOND)

    # the AWS CLI v2 too (2.9 predates AWS_ENDPOINT_URL, hence --endpoint-url for its own call)
    real = run_aws(aws_on_path, "--endpoint-url", moto, "sts", "get-caller-identity", "--profile", "hop2-process")
    assert real.returncode == 0, real.stderr
    assert json.loads(real.stdout)["Arn"].startswith(SECOND)

    printed = bootstrap("aws", "credentials", "--profile", "hop2")
    assert printed.returncode == 0, printed.stderr
    keys = json.loads(printed.stdout)
    assert keys["Version"] == 1 and keys["AccessKeyId"] and keys["SessionToken"]
    assert keys["Expiration"].endswith("Z")  # short-lived: the tool asks again once they expire
    assert printed.stderr == ""
    assert files_holding(home, keys["SecretAccessKey"]) == []  # never written, not even a log

    # a profile that ends in long-lived keys hands out a session token, never the keys themselves
    session = bootstrap("aws", "credentials", "--profile", "base")
    assert session.returncode == 0, session.stderr
    issued = json.loads(session.stdout)
    assert issued["AccessKeyId"] != "AKIAEXAMPLEEXAMPLE00" and issued["SecretAccessKey"] != "placeholder"
    assert issued["SessionToken"] and issued["Expiration"].endswith("Z")

    checks = doctor_json(chain)
    assert checks["aws.process.hop2"]["status"] == "ok", checks["aws.process.hop2"]
    assert "role Second" in checks["aws.process.hop2"]["summary"]
    assert doctor_json(chain, "--offline")["aws.process.hop2"]["status"] == "skipped"


CHILD = """\
import json, os, sys, botocore.session
sts = botocore.session.Session().create_client("sts", region_name="us-east-1")
print(json.dumps({"arn": sts.get_caller_identity()["Arn"], "profile": os.environ.get("AWS_PROFILE"),
                  "region": os.environ.get("AWS_REGION"), "secret": os.environ["AWS_SECRET_ACCESS_KEY"]}))
sys.exit(7)
"""


def test_aws_exec_gives_a_command_working_keys_in_its_environment_only(home: Path, chain: Path) -> None:
    ran = bootstrap("aws", "exec", "--profile", "hop2", "--", sys.executable, "-c", CHILD, env={"AWS_PROFILE": "hop1"})
    assert ran.returncode == 7, ran.stderr  # the command's own exit status
    seen = json.loads(ran.stdout)  # nothing else on stdout: bootstrap printed nothing
    assert seen["arn"].startswith(SECOND)
    assert seen["profile"] is None  # dropped, so the child's SDK takes the keys
    assert seen["region"] == "us-east-1"  # hop2's, from hop1 up its chain
    assert files_holding(home, seen["secret"]) == []  # canary: nothing on disk

    defaulted = bootstrap("aws", "exec", "--", sys.executable, "-c", CHILD, env={"AWS_PROFILE": "hop1"})
    assert defaulted.returncode == 7, defaulted.stderr
    assert ":assumed-role/First/" in json.loads(defaulted.stdout)["arn"]  # $AWS_PROFILE chooses


def test_no_credentials_and_bad_input_are_one_plain_line(home: Path, tmp_path: Path) -> None:
    team = tmp_path / "team.yaml"
    team.write_text(TEAM)
    assert bootstrap("run", "--profile", str(team), "--yes").returncode == 0  # not signed in: listed next

    unknown = bootstrap("aws", "credentials", "--profile", "nope")
    assert unknown.returncode == 2 and unknown.stdout == ""
    assert unknown.stderr.startswith("bootstrap: --profile: there is no AWS profile 'nope'")

    signed_out = bootstrap("aws", "credentials", "--profile", "warehouse")
    assert signed_out.returncode == 1 and signed_out.stdout == ""
    assert signed_out.stderr.count("\n") == 1 and "Traceback" not in signed_out.stderr
    assert "not signed in to AWS SSO session corp" in signed_out.stderr
    assert "aws sso login --sso-session corp" in signed_out.stderr

    marker = tmp_path / "ran"
    never = bootstrap("aws", "exec", "--profile", "warehouse", "--", "touch", str(marker))
    assert never.returncode == 1 and not marker.exists()
    assert bootstrap("aws", "exec", "--profile", "nope", "--", "true").returncode == 2

    (home / ".aws" / "config").write_text("[profile lonely]\nregion = eu-west-1\n")
    lonely = bootstrap("aws", "credentials", "--profile", "lonely")
    assert lonely.returncode == 1 and lonely.stderr.count("\n") == 1, lonely.stderr
    assert lonely.stderr.startswith("bootstrap: profile lonely cannot get credentials")


def test_aws_exec_of_a_missing_command_is_bad_input(home: Path, chain: Path) -> None:
    missing = bootstrap("aws", "exec", "--profile", "hop2", "--", "no-such-command-here")
    assert missing.returncode == 2
    assert missing.stderr == "bootstrap: no-such-command-here: command not found (or not executable); nothing was run\n"
