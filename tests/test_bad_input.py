"""Bad input never hurts: one line naming file:line, exit code 2, no traceback, HOME untouched.

Every file under tests/corpus is a realistic mistake. Its first comment lines say what the
message must contain and which line it must name:

    # expect: <a part of the message>
    # line: <the line the message names>
    # canary: <text that must never be printed>          (optional)
    # args: <the command line, {path} for the file>      (optional)
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import pytest

from tests.conftest import bootstrap, snapshot

CORPUS = Path(__file__).resolve().parent / "corpus"
HEADER = re.compile(r"#\s*(expect|line|canary|args):\s?(.*)")
ANSWERS_ARGS = "run --yes --profile base --answers {path}"


@dataclass(frozen=True)
class Case:
    path: Path
    expect: str
    line: int
    canary: Optional[str] = None
    args: Optional[str] = None


def read_case(path: Path) -> Case:
    fields: dict[str, str] = {}
    # latin-1 reads any bytes: some cases are deliberately not UTF-8
    for row in path.read_bytes().decode("latin-1").splitlines():
        match = HEADER.fullmatch(row.strip())
        if not match:
            break
        fields[match.group(1)] = match.group(2).strip()
    assert "expect" in fields and "line" in fields, f"{path} needs `# expect:` and `# line:` comment lines first"
    return Case(path, fields["expect"], int(fields["line"]), fields.get("canary"), fields.get("args"))


def cases(kind: str) -> list[Case]:
    return [read_case(path) for path in sorted((CORPUS / kind).rglob("*.yaml"))]


def case_id(case: Case) -> str:
    return str(case.path.relative_to(CORPUS))


PROFILE_CASES = cases("profiles")
ANSWER_CASES = cases("answers")


@pytest.fixture
def lived_in(home: Path) -> Path:
    """A home with a few files already in it, so any change to them would show."""
    (home / ".gitconfig").write_text("[user]\n\tname = Someone Else\n")
    (home / ".bashrc").write_text("export PATH=$HOME/bin:$PATH\n")
    return home


def lines_of(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def assert_rejected(result: subprocess.CompletedProcess[str], *, several: bool = False) -> list[str]:
    """Exit code 2 and no traceback; one line on stderr (or, with several, one line per problem)."""
    assert result.returncode == 2, f"exit code {result.returncode}\nstdout: {result.stdout}\nstderr: {result.stderr}"
    assert "Traceback" not in result.stdout + result.stderr
    errors = lines_of(result.stderr)
    assert errors, "nothing was printed on stderr"
    if not several:
        assert len(errors) == 1, f"expected one line on stderr, got:\n{result.stderr}"
    return errors


def assert_names(errors: list[str], case: Case) -> None:
    where = f"{case.path}:{case.line}:"
    assert any(where in line and case.expect in line for line in errors), (
        f"expected a line with '{where}' and '{case.expect}', got:\n" + "\n".join(errors)
    )


def assert_no_canary(result: subprocess.CompletedProcess[str], case: Case) -> None:
    if case.canary:
        assert case.canary not in result.stdout
        assert case.canary not in result.stderr


def test_the_corpus_is_big_enough() -> None:
    assert len(PROFILE_CASES) >= 18
    assert len(ANSWER_CASES) >= 8
    assert {"a.yaml", "b.yaml"} <= {c.path.name for c in PROFILE_CASES if c.path.parent.name == "cycle"}


@pytest.mark.parametrize("case", PROFILE_CASES, ids=case_id)
def test_plan_rejects_a_broken_profile_in_one_line(case: Case, lived_in: Path) -> None:
    before = snapshot(lived_in)
    result = bootstrap("plan", "--profile", str(case.path))
    errors = assert_rejected(result)
    assert errors[0].startswith("bootstrap: ")
    assert_names(errors, case)
    assert_no_canary(result, case)
    assert snapshot(lived_in) == before


@pytest.mark.parametrize("case", PROFILE_CASES, ids=case_id)
def test_validate_names_file_and_line_of_each_problem(case: Case, lived_in: Path) -> None:
    before = snapshot(lived_in)
    result = bootstrap("profile", "validate", str(case.path))
    errors = assert_rejected(result, several=True)
    for line in errors:
        assert re.match(r"\S+:\d+: \S", line), f"not a 'file:line: problem' line: {line}"
    assert_names(errors, case)
    assert_no_canary(result, case)
    assert snapshot(lived_in) == before


@pytest.mark.parametrize("case", ANSWER_CASES, ids=case_id)
def test_run_rejects_a_broken_answers_file_in_one_line(case: Case, lived_in: Path) -> None:
    before = snapshot(lived_in)
    result = bootstrap(*(case.args or ANSWERS_ARGS).format(path=case.path).split())
    errors = assert_rejected(result)
    assert_names(errors, case)
    assert_no_canary(result, case)
    assert snapshot(lived_in) == before


@pytest.mark.parametrize(
    ("args", "expect"),
    [
        (["run", "--yes", "--only", "gti"], "'gti' is not a component"),
        (["run", "--yes", "--skip", "git,sell"], "'sell' is not a component"),
        (["plan", "--only", "git,,awss"], "'awss' is not a component"),
    ],
)
def test_a_bad_selector_is_one_line(args: list[str], expect: str, lived_in: Path) -> None:
    before = snapshot(lived_in)
    errors = assert_rejected(bootstrap(*args))
    assert expect in errors[0]
    assert snapshot(lived_in) == before


def test_a_missing_answers_file_is_one_line(tmp_path: Path, lived_in: Path) -> None:
    before = snapshot(lived_in)
    missing = tmp_path / "answrs.yaml"
    errors = assert_rejected(bootstrap("run", "--yes", "--profile", "base", "--answers", str(missing)))
    assert str(missing) in errors[0]
    assert "no such file" in errors[0]
    assert snapshot(lived_in) == before


def test_answers_pointing_to_a_folder_is_one_line(tmp_path: Path, lived_in: Path) -> None:
    before = snapshot(lived_in)
    folder = tmp_path / "answers"
    folder.mkdir()
    errors = assert_rejected(bootstrap("run", "--yes", "--profile", "base", "--answers", str(folder)))
    assert str(folder) in errors[0]
    assert "folder" in errors[0]
    assert snapshot(lived_in) == before


def test_a_remembered_profile_that_is_gone_names_the_remembered_file(lived_in: Path) -> None:
    from bootstrap.system.paths import user_paths

    remembered = user_paths(lived_in).remembered
    remembered.parent.mkdir(parents=True)
    remembered.write_text("# Remembered by bootstrap\nprofile: acme/gone\nname: Ana Lima\n")
    before = snapshot(lived_in)
    errors = assert_rejected(bootstrap("plan"))
    shown = "~/" + str(remembered.relative_to(lived_in))
    assert f"{shown}:2:" in errors[0]
    assert "there is no team named 'acme' on this computer" in errors[0]
    assert snapshot(lived_in) == before


def test_a_missing_profile_file_is_one_line(tmp_path: Path, lived_in: Path) -> None:
    before = snapshot(lived_in)
    errors = assert_rejected(bootstrap("plan", "--profile", str(tmp_path / "team.yaml")))
    assert f"{tmp_path / 'team.yaml'}" in errors[0]
    assert snapshot(lived_in) == before


# --- a valid profile: extends a user profile by name, and files by relative path ------------


def test_extends_a_user_profile_and_relative_paths(tmp_path: Path, lived_in: Path) -> None:
    import yaml

    from bootstrap.system.paths import user_paths

    user_profiles = user_paths(lived_in).user_profiles
    user_profiles.mkdir(parents=True)
    (user_profiles / "acme-base.yaml").write_text(
        "schema: 1\n"
        "description: Acme's analysts\n"
        "extends: [analyst, ./acme-shared.yaml]\n"
        "prompts:\n"
        "  - id: team\n"
        "    message: Which team are you in?\n"
        "    type: select\n"
        "    choices: [finance, growth]\n"
        "components:\n"
        "  git:\n"
        "    ignore: ['*.acme']\n"
    )
    (user_profiles / "acme-shared.yaml").write_text("schema: 1\ncomponents:\n  git:\n    ignore: ['*.shared']\n")
    (tmp_path / "common").mkdir()
    (tmp_path / "common" / "extra.yaml").write_text("schema: 1\ncomponents:\n  git:\n    ignore: ['*.extra']\n")
    (tmp_path / "work").mkdir()
    mine = tmp_path / "work" / "mine.yaml"
    mine.write_text(
        "schema: 1\nextends:\n  - acme-base\n  - ../common/extra.yaml\ncomponents:\n  git:\n    ignore: ['*.mine']\n"
    )
    before = snapshot(lived_in)

    validated = bootstrap("profile", "validate", "work/mine.yaml", cwd=tmp_path)
    assert validated.returncode == 0, validated.stderr
    assert "work/mine.yaml: ok" in validated.stdout

    shown = bootstrap("profile", "show", "--yaml", str(mine))
    assert shown.returncode == 0, shown.stderr
    merged = yaml.safe_load(shown.stdout)
    ignore = merged["components"]["git"]["ignore"]
    for pattern in (".env", "*.xlsx~", "*.shared", "*.acme", "*.extra", "*.mine"):  # base, analyst, ..., mine
        assert pattern in ignore
    assert ignore.index("*.acme") < ignore.index("*.extra") < ignore.index("*.mine")
    ids = [p["id"] for p in merged["prompts"]]
    assert ids[:4] == ["name", "email", "with_r", "with_quarto"] and ids[-1] == "team"  # parents' first

    by_name = bootstrap("profile", "show", "--yaml", "acme-base")
    assert by_name.returncode == 0, by_name.stderr
    assert "*.shared" in yaml.safe_load(by_name.stdout)["components"]["git"]["ignore"]
    assert snapshot(lived_in) == before
