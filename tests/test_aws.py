"""AWS component with real parts: the AWS CLIs reading what we write, moto serving STS and IAM."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import bootstrap
from tests.support.aws import moto_server, run_aws, sdk_client, sso_cache, v2_first_on_path

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
"""

CHAIN = """\
schema: 1
name: chain
components:
  aws:
    profiles:
      hop1: {source_profile: base, role_arn: "arn:aws:iam::123456789012:role/First", region: us-east-1}
      hop2: {source_profile: hop1, role_arn: "arn:aws:iam::123456789012:role/Second", region: us-east-1}
"""

# Placeholder keys for moto, written by the test itself the way a user's old setup has them.
KEYS = "[base]\naws_access_key_id = AKIAEXAMPLEEXAMPLE00\naws_secret_access_key = placeholder\n"

MESSY = (
    b"# my own settings\r\n[default]\r\nregion = us-east-1\r\n\r\n; old work account\r\n[profile mine]\r\noutput=json"
)

# a --yes run does all it can; the SSO sign-in waits on the person (never started unasked)
SIGN_IN_LATER = 0  # signing in is the person's routine (it expires daily): listed next, not a pending change


def doctor_json(profile: Path, *args: str, env: dict[str, str] | None = None) -> dict[str, dict[str, str]]:
    result = bootstrap("doctor", "--json", "--profile", str(profile), *args, env=env)
    assert result.returncode in (0, 1), result.stderr
    return {c["id"]: c for c in json.loads(result.stdout)["checks"]}


@pytest.fixture(autouse=True)
def aws_on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    return v2_first_on_path(tmp_path, monkeypatch)


@pytest.fixture
def team(tmp_path: Path) -> Path:
    path = tmp_path / "team.yaml"
    path.write_text(TEAM)
    return path


@pytest.fixture(scope="module")
def moto() -> Iterator[str]:
    with moto_server() as url:
        yield url


# --- writing ~/.aws/config --------------------------------------------------------------------


def test_first_run_writes_a_config_the_real_cli_reads_and_undo_restores_every_byte(
    home: Path, team: Path, aws_on_path: str
) -> None:
    v2 = aws_on_path
    config = home / ".aws" / "config"
    config.parent.mkdir()
    config.write_bytes(MESSY)

    plan = bootstrap("plan", "--profile", str(team))
    assert plan.returncode == 0, plan.stderr
    assert "+[profile warehouse]" in plan.stdout and "+sso_session = corp" in plan.stdout
    assert config.read_bytes() == MESSY  # plan changes nothing

    run = bootstrap("run", "--profile", str(team), "--yes")
    assert run.returncode == SIGN_IN_LATER, run.stdout + run.stderr
    written = config.read_bytes()
    assert written.startswith(MESSY + b"\r\n")  # the user's bytes first, untouched; CRLF kept
    assert b"\n" not in written.replace(b"\r\n", b"")

    listed = run_aws(v2, "configure", "list-profiles")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.split() == ["default", "mine", "data-dev", "warehouse"]
    got = run_aws(v2, "configure", "get", "sso_role_name", "--profile", "data-dev")
    assert got.stdout.strip() == "DataEngineer"
    got = run_aws(v2, "configure", "get", "source_profile", "--profile", "warehouse")
    assert got.stdout.strip() == "data-dev"
    assert not (home / ".aws" / "credentials").exists()  # never any keys

    again = bootstrap("plan", "--profile", str(team), "--detailed-exitcode")
    assert again.returncode == 2, again.stdout  # only the sign-in, still the person's to do
    assert "Sign in to AWS SSO session corp" in again.stdout and "~/.aws/config" not in again.stdout

    undo = bootstrap("undo", "--yes")
    assert undo.returncode == 0, undo.stderr
    assert config.read_bytes() == MESSY


def test_a_config_the_cli_cannot_read_is_named_not_taken_for_a_missing_cli(
    home: Path, team: Path, tmp_path: Path
) -> None:
    # `aws --version` fails on this file; the real AWS CLI is there, so nothing may be installed
    # (each package manager here only logs that it was called), and undo must not offer to remove it.
    log = tmp_path / "installers.log"
    for name in ("apt-get", "sudo", "dnf", "brew", "curl"):
        stub = tmp_path / "bin" / name
        stub.write_text(f'#!/bin/sh\necho "{name} $*" >> "{log}"\nexit 97\n')
        stub.chmod(0o755)
    config = home / ".aws" / "config"
    config.parent.mkdir()
    mine = b"[default]\nregion = eu-west-1\n# moved\nregion = us-east-1\n"
    config.write_bytes(mine)

    run = bootstrap("run", "--profile", str(team), "--yes", "--only", "aws")
    assert run.returncode == SIGN_IN_LATER, run.stdout + run.stderr  # only the SSO sign-in waits
    assert not log.exists(), log.read_text()
    assert "Install the AWS CLI" not in run.stdout
    assert "~/.aws/config:4: [default] sets region twice; keep one" in run.stdout
    assert config.read_bytes().startswith(mine)  # the team's sections added, the user's line left to them

    checks = doctor_json(team, "--offline")
    assert checks["aws.cli"]["status"] == "error"
    assert "installed but cannot start" in checks["aws.cli"]["summary"]
    assert "~/.aws/config:4: [default] sets region twice" in checks["aws.cli"]["summary"]

    undo = bootstrap("undo", "--yes")
    assert undo.returncode == 0, undo.stderr
    assert "remove" not in undo.stdout.replace("removed", "") and "awscli" not in undo.stdout
    assert config.read_bytes() == mine


def test_a_profile_the_team_deleted_is_removed_and_the_users_sections_stay(home: Path, team: Path) -> None:
    config = home / ".aws" / "config"
    config.parent.mkdir()
    config.write_bytes(b"[profile mine]\nregion = eu-west-2\n")
    assert bootstrap("run", "--profile", str(team), "--yes").returncode == SIGN_IN_LATER
    team.write_text(
        TEAM.replace(
            '      warehouse: {source_profile: data-dev, role_arn: "arn:aws:iam::444455556666:role/WarehouseReader"}\n',
            "",
        )
    )

    plan = bootstrap("plan", "--profile", str(team))
    assert "remove [profile warehouse]" in plan.stdout
    assert bootstrap("run", "--profile", str(team), "--yes").returncode == SIGN_IN_LATER
    text = config.read_text()
    assert "[profile warehouse]" not in text and "[profile data-dev]" in text
    assert text.startswith("[profile mine]\nregion = eu-west-2\n")


def test_a_team_profile_with_a_broken_chain_is_refused_before_anything_is_written(home: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(TEAM.replace("source_profile: data-dev", "source_profile: data-devv"))
    result = bootstrap("run", "--profile", str(bad), "--yes")
    assert result.returncode == 1
    assert "source_profile 'data-devv' does not exist" in result.stdout + result.stderr
    assert not (home / ".aws" / "config").exists()


# --- the graph --------------------------------------------------------------------------------

BROKEN = """\
[profile loop-a]
role_arn = arn:aws:iam::123456789012:role/A
source_profile = loop-b

[profile loop-b]
role_arn = arn:aws:iam::123456789012:role/B
source_profile = loop-a

[profile dangling]
role_arn = arn:aws:iam::123456789012:role/C
source_profile = nowhere

[profile both]
role_arn = arn:aws:iam::123456789012:role/D
source_profile = base
credential_source = Environment

[profile slow]
role_arn = arn:aws:iam::123456789012:role/E
source_profile = base
duration_seconds = 1h

[profile twice]
region = eu-west-1

[profile twice]
region = eu-west-2

[default]
region = eu-west-1
region = eu-west-2

[profile default]
output = json

[profile fine]
role_arn = arn:aws:iam::123456789012:role/F
source_profile = base
mfa_serial = arn:aws:iam::123456789012:mfa/ada
"""


def test_graph_reports_every_problem_at_once_and_draws_the_chains(home: Path) -> None:
    (home / ".aws").mkdir()
    (home / ".aws" / "config").write_text(BROKEN)
    (home / ".aws" / "credentials").write_text(KEYS)
    result = bootstrap("aws", "graph")
    assert result.returncode == 1
    out = result.stdout
    assert "~/.aws/config:1: profile loop-a: source_profile goes round in a loop: loop-a -> loop-b -> loop-a" in out
    assert "~/.aws/config:9: profile dangling: source_profile 'nowhere' does not exist" in out
    assert "~/.aws/config:13: profile both: has both source_profile and credential_source" in out
    assert "profile slow: duration_seconds must be a whole number of seconds, not '1h'" in out
    assert "profile twice: is defined more than once, so the AWS CLI cannot read the file at all" in out
    assert "~/.aws/config:29: profile default: sets region twice" in out
    assert "profile default: is defined" not in out  # [default] and [profile default] may both be there
    assert "profile fine" not in out.split("✗", 1)[1]  # a credentials-file source is a valid source
    assert (
        "└── fine: assumes role F in account 123456789012, needs an MFA code from arn:aws:iam::123456789012:mfa/ada"
        in out
    )
    assert out.index("access keys in ~/.aws/credentials") < out.index("fine: assumes role F")


def test_lint_is_a_plain_function_over_data() -> None:
    from bootstrap.components.aws import graph as awsgraph

    problems = awsgraph.lint(
        {"a": {"role_arn": "arn:aws:iam::1:role/x", "source_profile": "keys"}, "b": {"sso_session": "nope"}},
        {},
        credentials=["keys"],
    )
    assert [p.profile for p in problems] == ["b", "b"]
    assert "sso_session 'nope' has no [sso-session nope] section" in str(problems[0])


# --- doctor: SSO sign-in from the token cache -------------------------------------------------


def test_doctor_tells_a_never_signed_in_user_the_one_command(home: Path, team: Path) -> None:
    assert bootstrap("run", "--profile", str(team), "--yes").returncode == SIGN_IN_LATER
    checks = doctor_json(team, "--offline")
    # a first sign-in still to do is a warning, and who each profile is waits for it
    assert checks["aws.sso.corp"]["status"] == "warning"
    for check_id in ("aws.identity.data-dev", "aws.identity.warehouse"):
        assert checks[check_id]["status"] == "skipped"
    for check_id in ("aws.sso.corp", "aws.identity.data-dev", "aws.identity.warehouse"):
        assert checks[check_id]["fix"] == "aws sso login --sso-session corp"
    assert "have not signed in to SSO session corp" in checks["aws.sso.corp"]["summary"]


def test_doctor_sees_an_expired_and_a_fresh_sso_sign_in(home: Path, team: Path) -> None:
    assert bootstrap("run", "--profile", str(team), "--yes").returncode == SIGN_IN_LATER
    sso_cache(home, "corp", timedelta(hours=-2))
    checks = doctor_json(team, "--offline")
    assert checks["aws.sso.corp"]["status"] == "error" and "expired on" in checks["aws.sso.corp"]["summary"]
    assert checks["aws.identity.warehouse"]["fix"] == "aws sso login --sso-session corp"

    sso_cache(home, "corp", timedelta(hours=-2), refresh=True)
    assert doctor_json(team, "--offline")["aws.sso.corp"]["status"] == "ok"

    sso_cache(home, "corp", timedelta(hours=8))
    checks = doctor_json(team, "--offline")
    assert checks["aws.sso.corp"]["status"] == "ok"
    assert checks["aws.identity.data-dev"]["status"] == "skipped"  # --offline: no network call
    assert checks["aws.config"]["status"] == "ok"


# --- identities against moto ----------------------------------------------------------------


def test_a_two_hop_chain_resolves_to_the_right_assumed_role(
    home: Path, tmp_path: Path, moto: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    profile = tmp_path / "chain.yaml"
    profile.write_text(CHAIN)
    (home / ".aws").mkdir()
    (home / ".aws" / "credentials").write_text(KEYS)
    env = {"AWS_ENDPOINT_URL": moto}
    assert bootstrap("run", "--profile", str(profile), "--yes").returncode == 0

    checks = doctor_json(profile, env=env)
    assert checks["aws.identity.hop2"]["status"] == "ok", checks["aws.identity.hop2"]
    assert "role Second" in checks["aws.identity.hop2"]["summary"]
    assert "role First" in checks["aws.identity.hop1"]["summary"]
    assert checks["aws.credentials"]["status"] == "warning"  # long-lived keys: move to SSO
    assert "SSO" in checks["aws.credentials"]["fix"]

    whoami = bootstrap("aws", "whoami", "--profile", "hop2", env=env)
    assert whoami.returncode == 0, whoami.stdout + whoami.stderr
    assert "arn:aws:sts::123456789012:assumed-role/Second/" in whoami.stdout
    assert "base (uses long-lived access keys" in whoami.stdout and "hop1 (assumes role First" in whoami.stdout

    monkeypatch.setenv("AWS_ENDPOINT_URL", moto)
    real = sdk_client("hop2").get_caller_identity()
    assert real["Arn"].startswith("arn:aws:sts::123456789012:assumed-role/Second/")


def test_no_network_is_named_with_its_fix(home: Path, tmp_path: Path) -> None:
    from tests.support.aws import free_port

    profile = tmp_path / "chain.yaml"
    profile.write_text(CHAIN)
    (home / ".aws").mkdir()
    (home / ".aws" / "credentials").write_text(KEYS)
    assert bootstrap("run", "--profile", str(profile), "--yes").returncode == 0
    checks = doctor_json(profile, env={"AWS_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}"})
    assert checks["aws.identity.hop1"]["status"] == "error"
    assert "could not reach AWS" in checks["aws.identity.hop1"]["summary"]
    assert "internet connection" in checks["aws.identity.hop1"]["fix"]


def test_a_real_access_denied_is_explained_with_the_profile_it_came_from(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import botocore.session
    from botocore.exceptions import ClientError

    with moto_server({"INITIAL_NO_AUTH_ACTION_COUNT": "3"}) as url:
        admin = botocore.session.Session()
        iam = admin.create_client(
            "iam", region_name="us-east-1", endpoint_url=url, aws_access_key_id="x", aws_secret_access_key="x"
        )
        iam.create_user(UserName="ada")
        iam.put_user_policy(
            UserName="ada",
            PolicyName="whoami-only",
            PolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": "sts:GetCallerIdentity", "Resource": "*"}],
                }
            ),
        )
        key = iam.create_access_key(UserName="ada")["AccessKey"]
        (home / ".aws").mkdir()
        (home / ".aws" / "credentials").write_text(
            f"[ada]\naws_access_key_id = {key['AccessKeyId']}\naws_secret_access_key = {key['SecretAccessKey']}\n"
        )
        (home / ".aws" / "config").write_text(
            "[profile warehouse]\nrole_arn = arn:aws:iam::123456789012:role/WarehouseReader\nsource_profile = ada\nregion = us-east-1\n"
        )
        env = {"AWS_ENDPOINT_URL": url}
        monkeypatch.setenv("AWS_ENDPOINT_URL", url)
        with pytest.raises(ClientError) as refused:
            sdk_client("warehouse").get_caller_identity()
        denied = str(refused.value)  # the line every botocore-based tool (the AWS CLI too) prints
        assert "AccessDenied" in denied, denied
        whoami = bootstrap("aws", "whoami", "--profile", "warehouse", env=env)

    assert whoami.returncode == 1
    assert "bootstrap aws explain --profile warehouse" in whoami.stdout

    explained = bootstrap("aws", "explain", "--profile", "warehouse", input=denied)
    assert explained.returncode == 0, explained.stderr
    out = explained.stdout
    assert "AWS refused sts:AssumeRole" in out
    assert "IAM user ada (long-lived access keys) in account 123456789012" in out
    assert (
        "From profile:  warehouse: ada (uses long-lived access keys" in out
        and "warehouse (assumes role WarehouseReader" in out
    )
    assert "an implicit deny" in out
    assert "- Action: sts:AssumeRole" in out and "Send this to your platform team" in out


# --- explain, offline -------------------------------------------------------------------------

EXPLICIT = (
    "An error occurred (AccessDenied) when calling the GetObject operation: User: "
    "arn:aws:sts::444455556666:assumed-role/WarehouseReader/ada is not authorized to perform: s3:GetObject "
    'on resource: "arn:aws:s3:::lake/raw/x.parquet" with an explicit deny in a resource-based policy'
)
SCP = (
    "An error occurred (AccessDeniedException) when calling the GetTable operation: User: "
    "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_DataEngineer_0123456789abcdef/ada@example.com "
    "is not authorized to perform: glue:GetTable on resource: arn:aws:glue:eu-west-1:111122223333:table/db/t "
    "with an explicit deny in a service control policy"
)


def test_explain_tells_explicit_and_organization_denies_and_finds_the_hop(home: Path, team: Path) -> None:
    assert bootstrap("run", "--profile", str(team), "--yes").returncode == SIGN_IN_LATER
    explicit = bootstrap("aws", "explain", EXPLICIT)
    assert explicit.returncode == 0
    assert "resource: arn:aws:s3:::lake/raw/x.parquet" in explicit.stdout.replace("Resource", "resource")
    assert "an explicit deny" in explicit.stdout
    assert "From profile:  warehouse: data-dev (signs in with SSO" in explicit.stdout

    scp = bootstrap("aws", "explain", SCP)
    assert "role DataEngineer through SSO" in scp.stdout
    assert "From profile:  data-dev" in scp.stdout
    assert "only the organization's administrators" in scp.stdout


def test_explain_without_a_denial_is_bad_input(home: Path) -> None:
    for args, stdin in ((("aws", "explain"), ""), (("aws", "explain", "everything is fine"), None)):
        result = bootstrap(*args, input=stdin)
        assert result.returncode == 2
        assert "Traceback" not in result.stderr and result.stderr.startswith("bootstrap: ")


def test_whoami_with_an_unknown_profile_suggests_the_close_one(home: Path) -> None:
    (home / ".aws").mkdir()
    (home / ".aws" / "config").write_text("[profile data-dev]\nregion = eu-west-1\n")
    result = bootstrap("aws", "whoami", "--profile", "data-de")
    assert result.returncode == 2
    assert "did you mean 'data-dev'?" in result.stderr


# --- import cost ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv", [["--help"], ["aws", "--help"], ["doctor", "--offline", "--json", "--profile", "PROFILE"]]
)
def test_botocore_stays_out_of_help_and_offline(home: Path, team: Path, argv: list[str]) -> None:
    argv = [str(team) if a == "PROFILE" else a for a in argv]
    code = (
        "import sys\n"
        "from bootstrap.cli.main import app\n"
        f"sys.argv = ['bootstrap', *{argv!r}]\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
        "print('BOTOCORE' if 'botocore' in sys.modules else 'CLEAN', file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=dict(os.environ), timeout=60, check=False
    )
    assert result.stderr.strip().splitlines()[-1] == "CLEAN", result.stderr


# --- the first-day run on a terminal offers the SSO sign-in -----------------------------------

FAKE_LOGIN = """\
#!/bin/sh
# `aws sso login` opens a browser and needs AWS: this one writes the token cache file the way the
# real one does after a successful sign-in; everything else goes to the real AWS CLI.
if [ "$1" = sso ] && [ "$2" = login ]; then
    echo "$*" >> "{log}"
    "{python}" -c 'import sys, datetime, json, hashlib, pathlib
cache = pathlib.Path.home() / ".aws" / "sso" / "cache"
cache.mkdir(parents=True, exist_ok=True)
expires = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)
data = {{"startUrl": "https://corp.awsapps.com/start", "region": "eu-west-1", "accessToken": "placeholder",
        "expiresAt": expires.strftime("%Y-%m-%dT%H:%M:%SZ")}}
(cache / (hashlib.sha1(sys.argv[1].encode()).hexdigest() + ".json")).write_text(json.dumps(data))' "$4"
    echo "Successfully logged into Start URL: https://corp.awsapps.com/start"
    exit 0
fi
exec "{real}" "$@"
"""


@pytest.mark.slow
def test_a_terminal_run_offers_the_sso_sign_in_then_checks_the_identities(
    home: Path, team: Path, tmp_path: Path, aws_on_path: str
) -> None:
    import pexpect

    from tests.support.aws import free_port

    log = tmp_path / "login.log"
    fake = tmp_path / "bin" / "aws"
    fake.unlink()
    fake.write_text(FAKE_LOGIN.format(log=log, python=sys.executable, real=aws_on_path))
    fake.chmod(0o755)
    # The sign-in's check asks the SSO portal; here it is a closed local port, never the internet.
    env = {**os.environ, "TERM": "xterm-256color", "AWS_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}"}
    child = pexpect.spawn(
        sys.executable, ["-m", "bootstrap", "run", "--profile", str(team)], env=env, encoding="utf-8", timeout=60
    )
    try:
        child.expect("Sign in to AWS SSO session corp")
        child.expect("Make these changes")
        child.send("y")
        child.expect("✓ aws: In ~/.aws/config")  # everything else first; the sign-in is offered last
        child.expect("Sign in to AWS now?")
        assert not log.exists()  # never started before the person says so
        child.send("y")
        child.expect("signed in, but these profiles still do not work")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 1
    assert log.read_text().split() == ["sso", "login", "--sso-session", "corp"]
    assert "[profile warehouse]" in (home / ".aws" / "config").read_text()
    checks = doctor_json(team, "--offline")
    assert checks["aws.sso.corp"]["status"] == "ok"  # signed in now: doctor stops asking for it


def test_a_team_spec_is_linted_before_it_is_written() -> None:
    from bootstrap.components.aws import config as awsconfig
    from bootstrap.components.aws import graph as awsgraph
    from bootstrap.profiles.schema import Aws, AwsProfile

    spec = Aws(profiles={"a": AwsProfile(role_arn="arn:aws:iam::123456789012:role/x", source_profile="a-typo")})
    profiles, sessions = awsconfig.spec_settings(spec)
    assert profiles == {"a": {"role_arn": "arn:aws:iam::123456789012:role/x", "source_profile": "a-typo"}}
    problems = awsgraph.lint(profiles, sessions)
    assert [str(p) for p in problems] == [
        "profile a: source_profile 'a-typo' does not exist in ~/.aws/config or ~/.aws/credentials"
    ]
    assert awsgraph.lint(profiles, sessions, credentials=["a-typo"]) == []


def test_s3s_bare_access_denied_says_what_it_can() -> None:
    from bootstrap.components.aws import explain as awsexplain

    found = awsexplain.parse("An error occurred (AccessDenied) when calling the ListBuckets operation: Access Denied")
    assert (found.code, found.operation, found.principal, found.action, found.deny) == (
        "AccessDenied",
        "ListBuckets",
        None,
        None,
        "unknown",
    )
    request = awsexplain.access_request(found)
    assert "- Action: the ListBuckets call" in request and "- Who: unknown" in request


def _recording_aws(tmp_path: Path, real: str) -> Path:
    """`aws` on PATH that records every `aws sso login` (and signs in as the real one would)."""
    log = tmp_path / "login.log"
    fake = tmp_path / "bin" / "aws"
    fake.unlink()
    fake.write_text(FAKE_LOGIN.format(log=log, python=sys.executable, real=real))
    fake.chmod(0o755)
    return log


def test_sso_sign_in_is_never_started_by_an_unattended_run(
    home: Path, team: Path, tmp_path: Path, aws_on_path: str
) -> None:
    """`run --yes`: everything else is done, and the sign-in is the person's next step, with its command.

    Signing in is no change to the computer (it expires every day): the run's changes are complete
    without it, so the run exits 0 and names it, as doctor does."""
    log = _recording_aws(tmp_path, aws_on_path)
    run = bootstrap("run", "--profile", str(team), "--yes")
    assert run.returncode == 0, run.stdout + run.stderr
    assert not log.exists()  # `aws sso login` never ran
    assert "[profile warehouse]" in (home / ".aws" / "config").read_text()
    assert "Waiting on" not in run.stdout
    waiting = run.stdout.split("Next, for you:", 1)[1]
    assert "aws: you are not signed in to AWS SSO session corp yet" in waiting
    assert "aws sso login --sso-session corp" in waiting
    assert "Traceback" not in run.stdout + run.stderr


@pytest.mark.slow
def test_a_terminal_run_can_leave_the_sign_in_for_later(
    home: Path, team: Path, tmp_path: Path, aws_on_path: str
) -> None:
    import pexpect

    log = _recording_aws(tmp_path, aws_on_path)
    env = {**os.environ, "TERM": "xterm-256color"}
    argv = ["-m", "bootstrap", "run", "--profile", str(team)]
    child = pexpect.spawn(sys.executable, argv, env=env, encoding="utf-8", timeout=60, dimensions=(24, 80))
    try:
        child.expect("Make these changes")
        child.send("y")
        child.expect("Sign in to AWS now?")
        child.send("n")
        child.expect("Next, for you:")
        child.expect("aws sso login --sso-session corp")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0, child.before
    assert not log.exists()


# Each way AWS words a denial, as (message, action or call, resource, deny kind, words the reason
# must hold). The principals, accounts and names are made up; the wording follows AWS's guides.
DENIALS = [
    (
        "User: arn:aws:iam::210987654321:user/grace is not authorized to perform: s3:DeleteObject on resource: "
        "arn:aws:s3:::lake/tmp/x with an explicit deny",
        "s3:DeleteObject",
        "arn:aws:s3:::lake/tmp/x",
        "explicit",
        "a policy AWS did not name",
    ),
    (
        "User: arn:aws:iam::210987654321:user/grace is not authorized to perform: glue:GetTable because no "
        "VPC endpoint policy allows the glue:GetTable action",
        "glue:GetTable",
        None,
        "implicit",
        "VPC endpoint policy",
    ),
    (
        "User: arn:aws:iam::210987654321:user/grace is not authorized to perform: sts:AssumeRole because no "
        "role trust policy allows the sts:AssumeRole action",
        "sts:AssumeRole",
        None,
        "implicit",
        "trust policy",
    ),
    (
        "User: arn:aws:iam::210987654321:user/grace is not authorized to perform: sts:AssumeRole with an "
        "explicit deny in the role trust policy",
        "sts:AssumeRole",
        None,
        "explicit",
        "trust policy",
    ),
    (
        "User: arn:aws:iam::210987654321:user/grace is not authorized to perform: athena:GetQueryResults on "
        "resource: arn:aws:athena:eu-west-1:210987654321:workgroup/primary with an explicit deny in a sessions policy",
        "athena:GetQueryResults",
        "arn:aws:athena:eu-west-1:210987654321:workgroup/primary",
        "explicit",
        "session policy",
    ),
    (
        "IAM Error: User: arn:aws:sts::210987654321:assumed-role/Deployer/1 is not authorized to perform: "
        "iam:GetRole on resource: role DataEngineer (Service: AmazonIdentityManagement; Status Code: 403; "
        "Error Code: AccessDenied; Request ID: 1)",
        "iam:GetRole",
        "role DataEngineer",
        "implicit",
        "nothing allows it",
    ),
    (
        "operation error Glue: GetPartitions, https response error StatusCode: 400, RequestID: 1, api error "
        "AccessDeniedException: Insufficient Lake Formation permission(s): Required Select on sales",
        "the Glue GetPartitions call",
        None,
        "unknown",
        "Lake Formation",
    ),
    (
        "ERROR : Insufficient Lake Formation permission(s) on sales (Service: AWSGlue; Status Code: 400; "
        "Error Code: AccessDeniedException; Request ID: 1; Proxy: null)",
        None,
        None,
        "unknown",
        "Lake Formation",
    ),
    (
        "operation error S3: PutObject, https response error StatusCode: 403, RequestID: 1, api error "
        "AccessDenied: User: arn:aws:iam::210987654321:user/grace is not authorized to perform: s3:PutObject on "
        'resource: "arn:aws:s3:::lake/x" because public ACLs are prevented by the BlockPublicAcls setting in S3 '
        "Block Public Access.",
        "s3:PutObject",
        "arn:aws:s3:::lake/x",
        "setting",
        "BlockPublicAcls",
    ),
    (
        "An error occurred (AccessDenied) when calling the PutBucketPolicy operation: User: "
        "arn:aws:iam::210987654321:user/grace is not authorized to perform: s3:PutBucketPolicy on resource: "
        '"arn:aws:s3:::lake" because public policies are prevented by the BlockPublicPolicy setting in S3 Block '
        "Public Access.",
        "s3:PutBucketPolicy",
        "arn:aws:s3:::lake",
        "setting",
        "BlockPublicPolicy",
    ),
    (
        "An error occurred (AccessDenied) when calling the PutObject operation: User: "
        "arn:aws:iam::210987654321:user/grace is not authorized to perform: s3:PutObject on resource: "
        '"arn:aws:s3:::lake/x" because this bucket has blocked upload requests that specify Server Side '
        "Encryption with Customer provided keys (SSE-C). Please specify a different server-side encryption type",
        "s3:PutObject",
        "arn:aws:s3:::lake/x",
        "setting",
        "SSE-C",
    ),
    (
        "User: arn:aws:sts::210987654321:assumed-role/Reader/grace is not authorized to perform: sqs:SendMessage "
        "on resource: arn:aws:sqs:eu-west-1:210987654321:jobs with an explicit deny in a VPC endpoint policy "
        "transitively through a service control policy",
        "sqs:SendMessage",
        "arn:aws:sqs:eu-west-1:210987654321:jobs",
        "scp",
        "service control policy",
    ),
    (
        "An error occurred (UnauthorizedOperation) when calling the RunInstances operation: You are not "
        "authorized to perform this operation.",
        "the RunInstances call",
        None,
        "unknown",
        "did not say",
    ),
    (
        "operation error EC2: StartInstances, https response error StatusCode: 403, RequestID: 1, api error "
        "UnauthorizedOperation: You are not authorized to perform this operation. Encoded authorization failure "
        "message: abc-DEF_123",
        "the EC2 StartInstances call",
        None,
        "unknown",
        "did not say",
    ),
]


@pytest.mark.parametrize(("message", "action", "resource", "deny", "words"), DENIALS)
def test_every_documented_wording_of_a_denial_is_read(
    message: str, action: str | None, resource: str | None, deny: str, words: str
) -> None:
    from bootstrap.components.aws import explain as awsexplain

    assert awsexplain.looks_denied(message)
    found = awsexplain.parse(message)
    assert (found.action or awsexplain.call(found), found.resource, found.deny) == (action, resource, deny)
    assert words in found.reason
    request = awsexplain.access_request(found)
    assert f"- Resource: {resource or 'not named in the error'}" in request


def test_the_policy_that_decided_is_named_and_an_arn_is_printed_as_written(home: Path) -> None:
    import pexpect

    message = (
        "An error occurred (AccessDeniedException) when calling the GetSecretValue operation: User: "
        "arn:aws:sts::210987654321:assumed-role/Reader/grace is not authorized to perform: "
        "secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:eu-west-1:210987654321:secret:db-AbCdEf "
        "with an explicit deny in a resource control policy: "
        "arn:aws:organizations::999988887777:policy/o-abcd1234/resource_control_policy/p-abcd1234"
    )
    # On a real terminal, where rich would turn `:secret:` into an emoji if it were let.
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "40"}
    env.pop("NO_COLOR", None)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "bootstrap", "aws", "explain", message],
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 80),
    )
    child.expect(pexpect.EOF)
    child.close()
    out = "".join((child.before or "").split())  # the terminal wraps at 80 columns
    assert child.exitstatus == 0, out
    assert "㊙" not in out
    assert "arn:aws:secretsmanager:eu-west-1:210987654321:secret:db-AbCdEf" in out
    assert "-Resource:arn:aws:secretsmanager:eu-west-1:210987654321:secret:db-AbCdEf" in out
    policy = "arn:aws:organizations::999988887777:policy/o-abcd1234/resource_control_policy/p-abcd1234"
    assert f"Thepolicy:{policy}" in out and f"-Policythatdecided:{policy}" in out
    assert "resourcecontrolpolicy" in out


@pytest.mark.parametrize("packaged", [False, True], ids=["aws-installs", "packages-installs"])
def test_an_old_aws_cli_first_on_path_is_named_instead_of_installing_another(
    home: Path, team: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, aws_on_path: str, packaged: bool
) -> None:
    if packaged:  # the packages component would install it: that would not change which aws runs either
        team.write_text(TEAM + "  packages:\n    system: [awscli]\n")
    # pip's AWS CLI v1 in a virtual environment, before Debian's v2 on PATH: apt would find awscli
    # installed already and the old one would still run first
    venv_bin = tmp_path / "venv" / "bin"
    venv_bin.mkdir(parents=True)
    old = venv_bin / "aws"
    old.write_text('#!/bin/sh\necho "aws-cli/1.32.0 Python/3.11.2 Linux/6.1.0 botocore/1.34.0"\n')
    old.chmod(0o755)
    monkeypatch.setenv("PATH", f"{venv_bin}{os.pathsep}{os.environ['PATH']}")

    plan = bootstrap("plan", "--profile", str(team))
    said = plan.stdout + plan.stderr
    assert "Install the AWS CLI" not in said and "apt-get install" not in said, said
    assert f"the aws that runs first is {old}" in said and "comes later on PATH" in said, said
    assert "pip uninstall awscli" in said

    check = doctor_json(team, "--offline")["aws.cli"]
    assert check["status"] == "error"
    assert "1.32.0 is older than the 2.9" in check["summary"]
    v2_link = tmp_path / "bin" / "aws"  # Debian's v2, linked there by aws_on_path
    assert "the AWS CLI 2." in check["summary"] and f"at {v2_link} comes later on PATH" in check["summary"]
    assert check["fix"].startswith("remove the old one (for pip's awscli: `pip uninstall awscli`")
