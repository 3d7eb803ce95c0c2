"""Commands other than run/doctor, through the real CLI."""

from __future__ import annotations

import fcntl
import json
import os
import pwd
import subprocess
from pathlib import Path

import pytest

from bootstrap.components import MODULES
from tests.conftest import bootstrap, need, snapshot

BUILTINS = ("analyst", "base", "data-engineer", "data-scientist")


def test_profile_list_shows_builtins_with_descriptions() -> None:
    result = bootstrap("profile", "list")
    assert result.returncode == 0
    lines = {line.split()[0]: line for line in result.stdout.splitlines()}
    for name in BUILTINS:
        assert "built-in" in lines[name] and len(lines[name].split()) > 3


def test_every_builtin_validates_and_shows(tmp_path: Path) -> None:
    from bootstrap.system.paths import builtin_profiles

    files = [str(builtin_profiles() / f"{name}.yaml") for name in BUILTINS]
    result = bootstrap("profile", "validate", *files)
    assert result.returncode == 0, result.stderr
    for name in BUILTINS:
        shown = bootstrap("profile", "show", name)
        assert shown.returncode == 0 and "asks on the first run" in shown.stdout
        merged = bootstrap("profile", "show", name, "--yaml")
        assert "email: '{{ answers.email }}'" in merged.stdout


def test_schema_is_json_schema_that_accepts_the_design_example(tmp_path: Path) -> None:
    import yaml
    from jsonschema import Draft202012Validator

    result = bootstrap("profile", "schema")
    schema = json.loads(result.stdout)
    Draft202012Validator.check_schema(schema)
    example = yaml.safe_load((Path(__file__).parent / "data" / "design_example.yaml").read_text())
    assert list(Draft202012Validator(schema).iter_errors(example)) == []
    example["components"]["git"]["nmae"] = 1
    assert list(Draft202012Validator(schema).iter_errors(example))


def test_design_example_profile_loads_and_doctor_reports_unsupported_parts() -> None:
    example = Path(__file__).parent / "data" / "design_example.yaml"
    assert bootstrap("profile", "validate", str(example)).returncode == 0
    result = bootstrap("doctor", "--json", "--profile", str(example))
    checks = {c["id"]: c for c in json.loads(result.stdout)["checks"]}
    for name in ("git", "aws", "terraform", "shell", "secrets", "dotfiles"):
        if name in MODULES:  # set up: its own checks, no "not supported yet" note
            assert f"{name}.support" not in checks and any(c.startswith(f"{name}.") for c in checks), name
        else:
            assert checks[f"{name}.support"]["status"] == "info"
    # packages: left out by BOOTSTRAP_SKIP in tests (conftest), so it has no checks here
    assert checks["terraform.shim"]["status"] == "error"  # checked for real: no shim on this fresh home


def test_plan_detailed_exitcode_turns_bad_input_into_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema: 1\nnope: 1\n")
    assert bootstrap("plan", "--profile", str(bad)).returncode == 2
    result = bootstrap("plan", "--profile", str(bad), "--detailed-exitcode")
    assert result.returncode == 1
    assert f"{bad}:2: unknown key 'nope'" in result.stderr


def test_second_run_waits_for_none_and_says_why(home: Path) -> None:
    lock = home / ".local" / "state" / "bootstrap" / "run.lock"
    lock.parent.mkdir(parents=True)
    with lock.open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        result = bootstrap("run", "--yes", "--profile", "base", "--skip", "git")
    assert result.returncode == 1
    assert result.stderr.startswith("bootstrap: another bootstrap run is already working")
    assert "~/.local/state/bootstrap/run.lock" in result.stderr


def test_undo_with_nothing_recorded_and_unknown_id() -> None:
    nothing = bootstrap("undo")
    assert nothing.returncode == 0 and "Nothing to undo" in nothing.stdout
    unknown = bootstrap("undo", "20990101")
    assert unknown.returncode == 2 and "bootstrap undo --list" in unknown.stderr


def test_ensure_path_puts_local_bin_on_the_login_path(home: Path) -> None:
    shell = pwd.getpwuid(os.getuid()).pw_shell
    name = Path(shell).name
    if name not in ("bash", "sh", "dash", "zsh", "fish"):
        pytest.fail(f"unexpected login shell {shell}")
    need(name)
    (home / ".profile").write_bytes(b"# my profile\r\nexport EDITOR=vim")
    (home / ".zprofile").write_text("# zsh\n")
    before = snapshot(home)
    first = bootstrap("ensure-path")
    assert first.returncode == 0, first.stderr
    login_path = subprocess.run(
        [shell, "-l", "-c", 'printf %s "$PATH"'], capture_output=True, text=True, cwd=home, check=True
    ).stdout
    assert str(home / ".local" / "bin") in login_path.split(":")
    again = bootstrap("ensure-path")
    assert "already on your PATH" in again.stdout
    assert bootstrap("undo", "--yes").returncode == 0

    def mine(state: dict[str, tuple[int, str]]) -> dict[str, tuple[int, str]]:
        return {k: v for k, v in state.items() if not k.startswith(".local")}

    assert mine(snapshot(home)) == mine(before)
    assert (home / ".profile").read_bytes() == b"# my profile\r\nexport EDITOR=vim"


def test_a_profile_without_a_name_is_named_after_its_file(tmp_path: Path) -> None:
    mine = tmp_path / "mine.yaml"
    mine.write_text("schema: 1\nextends: [analyst]\n")
    shown = bootstrap("profile", "show", str(mine), "--yaml")
    assert shown.returncode == 0, shown.stderr
    assert "name: mine\n" in shown.stdout and "description" not in shown.stdout


def test_a_misspelled_component_gets_a_suggestion() -> None:
    result = bootstrap("run", "--yes", "--only", "gti")
    assert result.returncode == 2
    assert "did you mean 'git'?" in result.stderr
