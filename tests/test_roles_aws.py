"""The analyst's and data engineer's AWS sign-in: optional questions, read by the real AWS CLI v2.

Answered, the role writes an sso-session and one profile (read-only for analysts) and makes it
what `aws` uses without --profile; left empty, it writes nothing and doctor stays green.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings

from bootstrap.components.aws import config as awsconfig
from bootstrap.profiles import answers, conditions
from bootstrap.profiles.schema import Aws, AwsProfile, Profile, Prompt, SsoSession
from tests.conftest import bootstrap
from tests.support.aws import run_aws, v2_first_on_path
from tests.test_aws_config import messy_config

# a --yes run does all it can; the SSO sign-in waits on the person (never started unasked)
SIGN_IN_LATER = 0  # signing in is the person's routine (it expires daily): listed next, not a pending change
SIGN_IN = (
    "name: Ada Lovelace\nemail: ada@example.com\n"
    "aws_start_url: https://acme.awsapps.com/start\naws_sso_region: eu-west-1\naws_account_id: '111122223333'\n"
)
ONLY_AWS = ("--only", "aws")


@pytest.fixture(autouse=True)
def aws_on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    return v2_first_on_path(tmp_path, monkeypatch)


def answers_file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "answers.yaml"
    path.write_text(text)
    return str(path)


def doctor(*args: str) -> tuple[int, dict[str, dict[str, str]]]:
    result = bootstrap("doctor", "--json", *ONLY_AWS, *args)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, {c["id"]: c for c in json.loads(result.stdout)["checks"]}


def test_an_analyst_who_answers_gets_a_read_only_default_profile_the_cli_reads(
    home: Path, tmp_path: Path, aws_on_path: str
) -> None:
    run = bootstrap("run", "--yes", "--profile", "analyst", "--answers", answers_file(tmp_path, SIGN_IN), *ONLY_AWS)
    assert run.returncode == SIGN_IN_LATER, run.stdout + run.stderr
    assert "add [sso-session company], [profile company-readonly], [default]" in run.stdout

    listed = run_aws(aws_on_path, "configure", "list-profiles")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.split() == ["company-readonly", "default"]
    got = {
        key: run_aws(aws_on_path, "configure", "get", key, "--profile", "company-readonly").stdout.strip()
        for key in ("sso_session", "sso_account_id", "sso_role_name", "region")
    }
    assert got == {
        "sso_session": "company",
        "sso_account_id": "111122223333",
        "sso_role_name": "ReadOnlyAccess",  # AWS's own read-only permission set, by default
        "region": "eu-west-1",
    }
    assert "[sso-session company]" in (home / ".aws" / "config").read_text()
    # `aws` without --profile is the read-only one: the CLI's [default] holds the same settings
    role = run_aws(aws_on_path, "configure", "get", "sso_role_name")
    assert role.stdout.strip() == "ReadOnlyAccess", role.stderr

    code, checks = doctor()
    assert code == 0, checks  # a sign-in still to do is no error
    assert checks["aws.sso.company"]["status"] == "warning"
    assert checks["aws.sso.company"]["fix"] == "aws sso login --sso-session company"
    assert checks["aws.identity.company-readonly"]["status"] == "skipped"
    assert checks["aws.default"]["status"] == "ok"
    assert "company-readonly" in checks["aws.default"]["summary"]

    # remembered: the next plan (no answers file) has nothing to do but the sign-in
    again = bootstrap("plan", "--detailed-exitcode", *ONLY_AWS)
    assert again.returncode == 2, again.stdout + again.stderr  # only the sign-in is left
    assert "Sign in to AWS SSO session company" in again.stdout and "~/.aws/config" not in again.stdout


def test_a_data_engineer_gets_a_developer_profile_that_team_role_chains_start_from(
    home: Path, tmp_path: Path, aws_on_path: str
) -> None:
    team = tmp_path / "team.yaml"
    team.write_text(
        "schema: 1\nextends: [data-engineer]\n"
        "prompts:\n  - {id: aws_start_url, message: x, default: 'https://acme.awsapps.com/start'}\n"
        "components:\n  aws:\n    profiles:\n"
        "      warehouse: {source_profile: company-dev, role_arn: 'arn:aws:iam::444455556666:role/WarehouseReader'}\n"
    )
    assert bootstrap("profile", "validate", str(team)).returncode == 0
    text = "name: Ada\nemail: ada@example.com\naws_account_id: '111122223333'\n"
    run = bootstrap("run", "--yes", "--profile", str(team), "--answers", answers_file(tmp_path, text), *ONLY_AWS)
    assert run.returncode == SIGN_IN_LATER, run.stdout + run.stderr
    get = run_aws(aws_on_path, "configure", "get", "sso_role_name", "--profile", "company-dev")
    assert get.stdout.strip() == "PowerUserAccess"
    get = run_aws(aws_on_path, "configure", "get", "sso_start_url", "--profile", "company-dev")
    assert get.returncode != 0  # the URL lives in the sso-session, not copied into each profile
    get = run_aws(aws_on_path, "configure", "get", "source_profile", "--profile", "warehouse")
    assert get.stdout.strip() == "company-dev"
    graph = bootstrap("aws", "graph")
    assert graph.returncode == 0, graph.stderr
    assert "warehouse" in graph.stdout and "company-dev" in graph.stdout
    _, checks = doctor()
    assert checks["aws.config"]["status"] == "ok", checks["aws.config"]
    assert checks["aws.identity.warehouse"]["status"] == "skipped"  # after the SSO sign-in
    assert checks["aws.identity.warehouse"]["fix"] == "aws sso login --sso-session company"


@pytest.mark.parametrize("role", ["analyst", "data-engineer"])
def test_empty_answers_write_nothing_and_doctor_stays_green(home: Path, tmp_path: Path, role: str) -> None:
    text = "name: Ada\nemail: ada@example.com\naws_start_url: ''\naws_account_id:\n"
    run = bootstrap("run", "--yes", "--profile", role, "--answers", answers_file(tmp_path, text), *ONLY_AWS)
    assert run.returncode == 0, run.stdout + run.stderr
    assert not (home / ".aws").exists()
    code, checks = doctor()
    assert code == 0 and all(c["status"] == "ok" for c in checks.values()), checks
    assert not any(i.startswith(("aws.sso.", "aws.identity.", "aws.default")) for i in checks)


@pytest.mark.parametrize(
    ("line", "says"),
    [
        (
            "aws_account_id: '1234'",
            "~/answers.yaml:4: 'aws_account_id' does not look right ('1234'): it should be the account's 12 digits",
        ),
        (
            "aws_sso_region: Frankfurt",
            "~/answers.yaml:4: 'aws_sso_region' does not look right ('Frankfurt'): it should be an AWS region name",
        ),
        (
            "aws_read_only_role: 'read only'",
            "'aws_read_only_role' does not look right ('read only'): it should be a permission set name",
        ),
    ],
)
def test_bad_answers_are_one_line_exit_2_and_touch_nothing(home: Path, tmp_path: Path, line: str, says: str) -> None:
    text = f"name: Ada\nemail: ada@example.com\naws_start_url: https://acme.awsapps.com/start\n{line}\n"
    path = home / "answers.yaml"
    path.write_text(text)
    run = bootstrap("run", "--yes", "--profile", "analyst", "--answers", str(path))
    assert run.returncode == 2, run.stdout + run.stderr
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr, run.stderr
    assert says in run.stderr, run.stderr
    assert sorted(p.name for p in home.iterdir()) == ["answers.yaml"]


def test_a_start_url_without_an_account_number_sets_up_the_sign_in_only(home: Path) -> None:
    path = home / "answers.yaml"
    path.write_text(
        "name: Ada\nemail: ada@example.com\naws_start_url: https://acme.awsapps.com/start\naws_account_id: ''\n"
    )
    run = bootstrap("run", "--yes", "--profile", "analyst", "--answers", str(path), *ONLY_AWS)
    assert run.returncode == 0, run.stdout + run.stderr  # the sign-in is the person's next step, not a change
    assert "aws sso login --sso-session company" in run.stdout.split("Next, for you:", 1)[1]
    config = (home / ".aws" / "config").read_text()
    assert "[sso-session company]" in config and "sso_start_url = https://acme.awsapps.com/start" in config
    assert "[profile company-readonly]" not in config and "[default]" not in config


def test_a_bad_start_url_is_named_with_what_it_should_look_like(home: Path) -> None:
    path = home / "answers.yaml"
    path.write_text("name: Ada\nemail: ada@example.com\naws_start_url: acme.awsapps.com\n")
    run = bootstrap("plan", "--profile", "analyst", "--answers", str(path))
    assert run.returncode == 2
    assert run.stderr.strip() == (
        "bootstrap: ~/answers.yaml:3: 'aws_start_url' does not look right ('acme.awsapps.com'): "
        "it should be a web address like https://yourcompany.awsapps.com/start"
    )


def test_a_users_own_default_profile_is_never_replaced(home: Path, tmp_path: Path) -> None:
    config = home / ".aws" / "config"
    config.parent.mkdir()
    mine = b"[default]\nregion = eu-west-2\noutput = json\n"
    config.write_bytes(mine)
    run = bootstrap("run", "--yes", "--profile", "analyst", "--answers", answers_file(tmp_path, SIGN_IN), *ONLY_AWS)
    assert run.returncode == SIGN_IN_LATER, run.stdout + run.stderr
    assert "[default]" not in run.stdout
    written = config.read_bytes()
    assert written.startswith(mine) and written.count(b"[default]") == 1
    code, checks = doctor()
    assert code == 0
    assert checks["aws.default"]["status"] == "info"
    assert "your own [default] AWS profile in ~/.aws/config stays as it is" in checks["aws.default"]["summary"]
    assert "export AWS_PROFILE=company-readonly" in checks["aws.default"]["fix"]
    undo = bootstrap("undo", "--yes")
    assert undo.returncode == 0, undo.stderr
    assert config.read_bytes() == mine


@pytest.mark.slow
def test_on_a_terminal_enter_skips_the_aws_questions(home: Path) -> None:
    import sys

    import pexpect

    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "200", "LINES": "40"}
    argv = ["-m", "bootstrap", "run", "--profile", "analyst", "--only", "aws"]
    child = pexpect.spawn(sys.executable, argv, env=env, encoding="utf-8", timeout=60, dimensions=(40, 200))
    try:
        child.expect("AWS sign-in page")
        child.send("acme.example\r")
        child.expect("It should be a web address like https://")  # checked while typing, the hint in words
        child.send("\x7f" * len("acme.example") + "\r")  # empty: skip, and no other AWS question
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0, child.before
    for question in ("region of that sign-in page", "12-digit number", "read-only access"):
        assert question not in (child.before or ""), question
    assert not (home / ".aws").exists()
    remembered = (home / ".config" / "bootstrap" / "answers.yaml").read_text()
    assert "aws_start_url: ''" in remembered


# --- [default] over messy files, and the rules behind the questions ----------------------------

DEFAULTING = Aws(
    sso_sessions={"company": SsoSession(start_url="https://acme.awsapps.com/start", region="eu-west-1")},
    profiles={"company-readonly": AwsProfile(sso_session="company", account_id="111122223333", role_name="R")},
    default_profile="company-readonly",
)


@given(messy_config())
@settings(max_examples=200, deadline=None)
def test_default_is_written_only_where_the_user_has_none_and_taken_back_byte_for_byte(
    case: tuple[bytes, list[str]],
) -> None:
    text = case[0].decode()
    written, edit = awsconfig.edited(text, DEFAULTING)
    users = awsconfig.parse(text).profiles.get("default")
    assert written.startswith(text)  # every byte of theirs, their own [default] included, stays
    assert ("[default]" in edit.added) == (users is None)
    assert awsconfig.edited(written, DEFAULTING)[0] == written
    removed, _ = awsconfig.edited(written, Aws())
    assert removed.rstrip("\r\n") == text.rstrip("\r\n")


def test_when_holds_for_any_answer_but_empty_or_no() -> None:
    profile = Profile(
        prompts=[Prompt(id="url", message="m", default=""), Prompt(id="yes", message="m", default=True, type="confirm")]
    )
    for text in ("https://acme.awsapps.com/start", "true", "yes", "ReadOnlyAccess"):
        assert conditions.holds(text, profile), text
    for text in ("", "  ", "false", "No", "off", "0"):
        assert not conditions.holds(text, profile), text
    assert not conditions.holds("{{ answers.url }}", profile)  # not answered yet: the default decides
    assert conditions.holds("<your answer to 'yes'>", profile)
    assert conditions.holds(None, profile)


def test_an_optional_question_takes_an_empty_answer_and_a_hint_says_what_fits() -> None:
    optional = Prompt(id="url", message="m", default="", pattern="https://.+", hint="it should be a web address")
    assert answers.problem(optional, "") is None and answers.problem(optional, None) is None
    assert answers.problem(optional, "ftp://x") == "does not look right ('ftp://x'): it should be a web address"
    required = Prompt(id="name", message="m", pattern=".+")
    assert answers.problem(required, "") == "should not be empty"
    assert answers.problem(required, None) is not None


def test_moving_from_analyst_to_data_scientist_takes_the_company_profiles_away(home: Path, tmp_path: Path) -> None:
    """The data-scientist role has no AWS sign-in questions: the analyst's sections leave the
    file, the person's own stay byte for byte, and undo brings the analyst's back."""
    config = home / ".aws" / "config"
    config.parent.mkdir()
    mine = b"[profile mine]\r\nregion = us-east-1\r\n"
    config.write_bytes(mine)
    first = bootstrap("run", "--yes", "--profile", "analyst", "--answers", answers_file(tmp_path, SIGN_IN), *ONLY_AWS)
    assert first.returncode == SIGN_IN_LATER, first.stdout + first.stderr
    as_analyst = config.read_bytes()
    assert b"[profile company-readonly]" in as_analyst and b"[default]" in as_analyst

    plain = tmp_path / "plain.yaml"
    plain.write_text("name: Ada Lovelace\nemail: ada@example.com\n")
    moved = bootstrap("run", "--yes", "--profile", "data-scientist", "--answers", str(plain), *ONLY_AWS)
    assert moved.returncode == 0, moved.stdout + moved.stderr
    assert "only the analyst profile set it up" in moved.stdout
    assert config.read_bytes() == mine

    undo = bootstrap("undo", "--yes")
    assert undo.returncode == 0, undo.stdout + undo.stderr
    assert config.read_bytes() == as_analyst
