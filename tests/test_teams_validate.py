"""`bootstrap profile validate` on team repositories: each broken one in tests/corpus/teams is
rejected with the file and line of the mistake, exit code 2, and no traceback.

Each case folder has an EXPECT file: `file:` (the profile, inside the folder), `line:`,
`expect:` (a part of the message), and optionally `canary:` (text never to be printed).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import bootstrap

CORPUS = Path(__file__).resolve().parent / "corpus" / "teams"
CASES = sorted(p for p in CORPUS.iterdir() if p.is_dir())


def expectations(case: Path) -> dict[str, str]:
    fields = {}
    for row in (case / "EXPECT").read_text().splitlines():
        key, _, value = row.partition(":")
        fields[key.strip()] = value.strip()
    return fields


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_broken_team_repository_is_rejected_with_file_and_line(case: Path) -> None:
    wanted = expectations(case)
    for target in (case, case / wanted["file"]):
        result = bootstrap("profile", "validate", str(target))
        assert result.returncode == 2, result.stdout
        assert "Traceback" not in result.stderr
        lines = [line for line in result.stderr.splitlines() if line.startswith(f"{case / wanted['file']}:")]
        assert lines, result.stderr
        assert lines[0].startswith(f"{case / wanted['file']}:{wanted['line']}: "), lines[0]
        assert wanted["expect"] in lines[0]
        if "canary" in wanted:
            assert wanted["canary"] not in result.stdout + result.stderr


def test_corpus_covers_the_kinds_of_mistakes() -> None:
    names = {c.name for c in CASES}
    assert {"extends-cycle", "unknown-parent", "bad-yaml", "wrong-types", "bad-secret-reference"} <= names


def test_valid_team_repository_with_siblings_passes(tmp_path: Path) -> None:
    repo = tmp_path / "team"
    (repo / "profiles").mkdir(parents=True)
    (repo / "profiles" / "common.yaml").write_text("schema: 1\nextends: [base]\n")
    (repo / "profiles" / "eng.yaml").write_text("schema: 1\nextends: [common, data-engineer]\n")
    (repo / ".pre-commit-config.yaml").write_text("repos: []\n")  # tooling, not a profile
    result = bootstrap("profile", "validate", str(repo))
    assert result.returncode == 0, result.stderr
    assert sorted(result.stdout.splitlines()) == [
        f"{repo / 'profiles' / 'common.yaml'}: ok",
        f"{repo / 'profiles' / 'eng.yaml'}: ok",
    ]
    empty = tmp_path / "empty"
    empty.mkdir()
    nothing = bootstrap("profile", "validate", str(empty))
    assert nothing.returncode == 2 and "holds no profiles" in nothing.stderr


def test_validate_runs_the_terraform_and_aws_lints_with_file_and_line(tmp_path: Path) -> None:
    team = tmp_path / "team.yaml"
    team.write_text(
        "schema: 1\n"
        "extends: [data-engineer]\n"
        "components:\n"
        '  terraform: {version: "~> 1.5.0, >> 2"}\n'
        "  aws:\n"
        "    profiles:\n"
        '      a: {source_profile: b, role_arn: "arn:aws:iam::111122223333:role/A"}\n'
        '      b: {source_profile: a, role_arn: "arn:aws:iam::111122223333:role/B"}\n'
        '      c: {sso_session: nope, account_id: "111122223333", role_name: X}\n'
        '      d: {source_profile: machine, role_arn: "arn:aws:iam::111122223333:role/D"}\n'
    )
    result = bootstrap("profile", "validate", str(team))
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert any(line.startswith(f"{team}:4: terraform version: '>> 2'") for line in lines), lines
    assert f"{team}:7: profile a: source_profile goes round in a loop: a -> b -> a" in lines
    assert f"{team}:9: profile c: sso_session 'nope' has no [sso-session nope] section" in lines
    # a source outside the team's profiles may be in the user's ~/.aws/credentials: doctor's job
    assert not any("profile d" in line for line in lines)
