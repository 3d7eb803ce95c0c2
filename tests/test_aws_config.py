"""The ~/.aws/config writer over messy files people really have: every byte of theirs stays."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from bootstrap.components.aws import config as awsconfig
from bootstrap.profiles.schema import Aws, AwsProfile, SsoSession
from tests.support.aws import aws_v2, run_aws

SPEC = Aws(
    sso_sessions={"corp": SsoSession(start_url="https://corp.awsapps.com/start", region="eu-west-1")},
    profiles={
        "data-dev": AwsProfile(sso_session="corp", account_id="111122223333", role_name="DataEngineer"),
        "warehouse": AwsProfile(source_profile="data-dev", role_arn="arn:aws:iam::444455556666:role/Reader"),
    },
)
NAMES = st.from_regex(r"[a-z][a-z0-9_-]{0,10}", fullmatch=True).filter(
    lambda n: n not in ("data-dev", "warehouse", "corp", "default")
)
VALUES = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9 ./:_-]{0,20}", fullmatch=True).map(str.strip).filter(bool)
KEYS = st.sampled_from(["region", "output", "cli_pager", "role_arn", "sso_start_url", "x_custom"])


@st.composite
def messy_config(draw: st.DrawFn) -> tuple[bytes, list[str]]:
    """A valid AWS config as people leave it, and the profile names in it."""
    lines: list[str] = []
    names: list[str] = []
    if draw(st.booleans()):
        lines.append(draw(st.sampled_from(["# my settings", "; written by hand", ""])))
    sections = draw(
        st.lists(st.tuples(st.sampled_from(["default", "profile", "sso-session", "services"]), NAMES), max_size=5)
    )
    used: set[tuple[str, str]] = set()
    for kind, name in sections:
        if (kind, name) in used or (kind == "default" and ("default", "") in used):
            continue
        used.add((kind, "" if kind == "default" else name))
        if kind == "default":
            lines.append("[default]")
            names.append("default")
        else:
            lines.append(f"[{kind} {name}]")
            if kind == "profile":
                names.append(name)
        keys = draw(st.lists(KEYS, unique=True, max_size=3))  # a key twice in a section is an error
        for key in keys:
            if draw(st.booleans()):
                lines.append(draw(st.sampled_from(["# {v}", "; {v}", ""])).format(v=draw(VALUES)))
            shape = draw(st.sampled_from(["{k} = {v}", "{k}={v}", "{k}   =   {v}"]))
            lines.append(shape.format(k=key, v=draw(VALUES)))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(lines)
    if lines and draw(st.booleans()):
        text += newline
    return text.encode(), names


@given(messy_config())
@settings(max_examples=200, deadline=None)
def test_round_trip_keeps_every_byte_of_the_users_file(case: tuple[bytes, list[str]]) -> None:
    data, _ = case
    text = data.decode()
    parsed = awsconfig.parse(text)
    head = parsed.sections[0].start if parsed.sections else len(text)
    assert text[:head] + "".join(text[s.start : s.end] for s in parsed.sections) == text

    written, edit = awsconfig.edited(text, SPEC)
    assert written.startswith(text)  # new sections go after everything of the user's
    assert awsconfig.edited(written, SPEC)[0] == written  # a second run changes nothing
    assert len(edit.added) == 3
    removed, _ = awsconfig.edited(written, Aws())
    if not text or text.endswith("\n"):
        assert removed == text  # taking our sections out gives the user's file back, byte for byte
    else:
        assert removed == text + ("\r\n" if "\r\n" in written else "\n")


@given(messy_config(), st.sampled_from(["data-dev", "warehouse"]))
@settings(max_examples=100, deadline=None)
def test_a_users_own_section_of_a_team_name_is_replaced_in_place(case: tuple[bytes, list[str]], name: str) -> None:
    text = case[0].decode() + f"\n[profile {name}]\nregion = mine\n# about the next one\n"
    written, edit = awsconfig.edited(text, SPEC)
    assert edit.adopted == [f"[profile {name}]"]
    assert written.count(f"[profile {name}]") == 1
    assert "region = mine" not in written and "# about the next one\n" in written
    assert written.startswith(case[0].decode())


@given(messy_config())
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    phases=[
        Phase.explicit,
        Phase.reuse,
        Phase.generate,
    ],  # each example runs the CLI: report, do not shrink for minutes
)
def test_the_real_cli_reads_every_written_file(tmp_path: Path, case: tuple[bytes, list[str]]) -> None:
    v2 = aws_v2()
    data, names = case
    config = tmp_path / "config"
    config.write_bytes(awsconfig.edited(data.decode(), SPEC)[0].encode())
    env = {"AWS_CONFIG_FILE": str(config), "AWS_SHARED_CREDENTIALS_FILE": os.devnull}
    listed = run_aws(v2, "configure", "list-profiles", env=env)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.split() == [*names, "data-dev", "warehouse"]
    got = run_aws(v2, "configure", "get", "role_arn", "--profile", "warehouse", env=env)
    assert got.stdout.strip() == "arn:aws:iam::444455556666:role/Reader"


# --- names as botocore reads them, and files the AWS CLI cannot read ---------------------------

QUOTED = """\
[profile "personal"]
region = eu-west-1
[profile 'my laptop']
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Analyst
[sso-session "corp"]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
[profile analytics]
source_profile = personal
role_arn = arn:aws:iam::444455556666:role/Analytics
[profile too many words]
region = us-east-1
[profile "unclosed]
region = us-east-1
"""


def test_quoted_names_read_as_botocore_reads_them(tmp_path: Path) -> None:
    from botocore import configloader

    from bootstrap.components.aws import graph as awsgraph

    path = tmp_path / "config"
    path.write_text(QUOTED)
    theirs = configloader.load_config(str(path))
    ours = awsconfig.parse(QUOTED)
    assert sorted(ours.profiles) == sorted(theirs["profiles"]) == ["analytics", "my laptop", "personal"]
    assert sorted(ours.sessions) == sorted(theirs["sso_sessions"]) == ["corp"]
    profiles = {name: dict(s.values) for name, s in ours.profiles.items()}
    sessions = {name: dict(s.values) for name, s in ours.sessions.items()}
    assert awsgraph.lint(profiles, sessions) == []  # source_profile = personal finds [profile "personal"]
    listed = run_aws(aws_v2(), "configure", "list-profiles", env={"AWS_CONFIG_FILE": str(path)})
    assert sorted(listed.stdout.splitlines()) == ["analytics", "my laptop", "personal"], listed.stderr


def test_a_team_profile_replaces_the_users_quoted_one_of_the_same_name() -> None:
    spec = Aws(profiles={"personal": AwsProfile(role_arn="arn:aws:iam::111122223333:role/Mine")})
    written, edit = awsconfig.edited('# mine\n[profile "personal"]\nregion = eu-west-1\n', spec)
    assert edit.adopted == ["[profile personal]"] and not edit.added
    assert written.startswith("# mine\n[profile personal]\n") and '"personal"' not in written


# (file content, the line the AWS CLI stops at, words of the reason)
UNREADABLE = [
    (b"[default]\nregion = eu-west-1\nregion = us-east-1\n", 3, "sets region twice"),
    (b"region = eu-west-1\n[default]\n", 1, "before any [section]"),
    (b"[default]\nregion eu-west-1\n", 2, "neither a [section] header"),
    (b"[profile a]\nregion = x\n[profile a]\n", 3, "appears twice"),
    (b"[default]\ns3 =\n  addressing_style = path\n  path\n", 4, "must read `name = value`"),
    (b"\xef\xbb\xbf[default]\nregion = x\n", 1, "byte-order mark"),
    (b"[default]\n# caf\xe9\nregion = x\n", 2, "not UTF-8"),
]


def test_unreadable_says_which_line_stops_the_real_cli(tmp_path: Path) -> None:
    v2 = aws_v2()
    path = tmp_path / "config"
    env = {"AWS_CONFIG_FILE": str(path), "AWS_SHARED_CREDENTIALS_FILE": os.devnull}
    for data, line, words in UNREADABLE:
        path.write_bytes(data)
        cli = run_aws(v2, "--version", env=env)
        assert cli.returncode != 0 and "Unable to parse config file" in cli.stderr, data
        found = awsconfig.unreadable(data)
        assert found is not None and found[0] == line and words in found[1], (data, found)
    for data in (QUOTED.encode(), b"", b"[default]\ns3 =\n  addressing_style = path\n# note\nregion = x\n"):
        path.write_bytes(data)
        assert run_aws(v2, "--version", env=env).returncode == 0
        assert awsconfig.unreadable(data) is None
