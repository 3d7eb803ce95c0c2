"""The dotfiles component: strict, sandboxed templates written through the file engine."""

from __future__ import annotations

import configparser
import os
import subprocess
import sys
from pathlib import Path
from typing import Optional

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import bootstrap, need, snapshot
from tests.strategies import messy_text_file
from tests.support.inprocess import converge

ANSWERS = "name: Ada Lovelace\nemail: ada@example.com\n"


def team_profile(tmp_path: Path, dotfiles: list[dict[str, str]], **components: object) -> Path:
    data = {
        "schema": 1,
        "prompts": [
            {"id": "name", "message": "Name"},
            {"id": "flag", "message": "Flag?", "type": "confirm", "default": False},
        ],
        "components": {"dotfiles": dotfiles, **components},
    }
    path = tmp_path / "team.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def answers(tmp_path: Path, text: str = "name: Ada Lovelace\n") -> Path:
    path = tmp_path / "a.yaml"
    path.write_text(text)
    return path


def test_an_undefined_variable_names_the_template_and_line(home: Path, tmp_path: Path) -> None:
    template = home / "team" / "tool.conf"
    template.parent.mkdir()
    template.write_text("# tool\nuser = {{ answers.name }}\nmail = {{ answers.emial }}\n")
    profile = team_profile(tmp_path, [{"template": "~/team/tool.conf", "target": "~/.tool.conf"}])
    assert bootstrap("profile", "trust", str(profile), "--yes").returncode == 0  # its author trusts it
    before = snapshot(home)
    result = bootstrap("run", "--yes", "--profile", str(profile), "--answers", str(answers(tmp_path)))
    assert result.returncode == 1
    assert "dotfile template ~/team/tool.conf, line 3: 'dict object' has no attribute 'emial'" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert not (home / ".tool.conf").exists()
    assert {k for k, v in snapshot(home).items() if before.get(k) != v} <= {
        ".config",
        ".config/bootstrap",
        ".config/bootstrap/answers.yaml",
        ".local",
        ".local/state",
        ".local/state/bootstrap",
        ".local/state/bootstrap/run.lock",
        ".local/state/bootstrap/managed.json",
    } | {k for k in snapshot(home) if k.startswith(".local/state/bootstrap/runs")}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("{{ answers.update({'name': 'x'}) }}", "line 2: not allowed in a template"),
        ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "line 2:"),
        ("{% if %}", "line 2: Expected an expression"),
        ("{% include 'other' %}", "includes 'other', which does not exist"),
    ],
)
def test_team_templates_cannot_run_code_or_break_quietly(home: Path, tmp_path: Path, body: str, expected: str) -> None:
    template = home / "evil.conf"
    template.write_text(f"# team template\n{body}\n")
    profile = team_profile(tmp_path, [{"template": "~/evil.conf", "target": "~/.evil"}])
    result = bootstrap("plan", "--profile", str(profile), "--answers", str(answers(tmp_path)))
    assert result.returncode == 1, result.stdout
    assert "dotfile template ~/evil.conf" in result.stdout and expected in result.stdout, result.stdout
    assert not (home / ".evil").exists()


def test_unknown_template_lists_the_built_in_ones(tmp_path: Path) -> None:
    profile = team_profile(tmp_path, [{"template": "editorconfg", "target": "~/.editorconfig"}])
    result = bootstrap("plan", "--profile", str(profile), "--answers", str(answers(tmp_path)))
    assert result.returncode == 1
    assert "dotfile template 'editorconfg' does not exist (built-in templates: " in result.stdout
    assert "editorconfig" in result.stdout


def test_a_file_the_user_changed_is_shown_as_a_diff_replaced_and_undo_brings_it_back(
    home: Path, tmp_path: Path
) -> None:
    profile = team_profile(tmp_path, [{"template": "editorconfig", "target": "~/.editorconfig"}])
    a = answers(tmp_path)
    first = bootstrap("run", "--yes", "--profile", str(profile), "--answers", str(a))
    assert first.returncode == 0, first.stdout + first.stderr
    ours = (home / ".editorconfig").read_bytes()
    assert b"root = true" in ours

    mine = ours.replace(b"indent_size = 4", b"indent_size = 8") + b"# my own line\r\n"
    (home / ".editorconfig").write_bytes(mine)
    plan = bootstrap("plan", "--detailed-exitcode")
    assert plan.returncode == 2
    assert "the file has changes of yours (see the diff), which are kept" in plan.stdout
    assert "-# my own line" in plan.stdout and "+indent_size = 4" in plan.stdout

    assert bootstrap("run", "--yes").returncode == 0
    assert (home / ".editorconfig").read_bytes() == ours
    undo = bootstrap("undo", "--yes")
    assert undo.returncode == 0, undo.stdout + undo.stderr
    assert (home / ".editorconfig").read_bytes() == mine


def test_a_template_that_changed_is_an_update_not_a_user_edit(home: Path, tmp_path: Path) -> None:
    template = home / "team" / "tool.conf"
    template.parent.mkdir()
    template.write_text("user = {{ answers.name }}\n")
    profile = team_profile(tmp_path, [{"template": "~/team/tool.conf", "target": "~/.tool.conf"}])
    assert bootstrap("run", "--yes", "--profile", str(profile), "--answers", str(answers(tmp_path))).returncode == 0
    template.write_text("user = {{ answers.name }}\ncolor = true\n")
    # the template is part of what was trusted: changed, it waits until trusted again
    assert "file ~/.tool.conf (not trusted yet, so not applied)" in bootstrap("plan").stdout
    assert bootstrap("profile", "trust", str(profile), "--yes").returncode == 0
    plan = bootstrap("plan")
    assert "Update ~/.tool.conf (template ~/team/tool.conf changed)" in plan.stdout


def test_conditional_files_follow_the_answer(home: Path, tmp_path: Path) -> None:
    profile = team_profile(tmp_path, [{"template": "Rprofile", "target": "~/.Rprofile", "when": "{{ answers.flag }}"}])
    no = bootstrap("run", "--yes", "--profile", str(profile), "--answers", str(answers(tmp_path)))
    assert no.returncode == 0 and not (home / ".Rprofile").exists()
    yes = bootstrap("run", "--yes", "--answers", str(answers(tmp_path, "name: Ada\nflag: true\n")))
    assert yes.returncode == 0, yes.stdout
    assert 'repos["CRAN"] <- "https://cloud.r-project.org"' in (home / ".Rprofile").read_text()


def test_package_index_config_only_when_the_profile_sets_one_and_pip_reads_it(home: Path, tmp_path: Path) -> None:
    entries = [
        {"template": "pip.conf", "target": "~/.config/pip/pip.conf"},
        {"template": "uv.toml", "target": "~/.config/uv/uv.toml"},
    ]
    profile = team_profile(tmp_path, entries)
    assert bootstrap("run", "--yes", "--profile", str(profile), "--answers", str(answers(tmp_path))).returncode == 0
    assert not (home / ".config" / "pip").exists() and not (home / ".config" / "uv").exists()

    index = "https://pypi.corp.example/simple"
    profile = team_profile(tmp_path, entries, packages={"index_url": index})
    assert bootstrap("run", "--yes", "--profile", str(profile)).returncode == 0
    parser = configparser.ConfigParser()
    parser.read(home / ".config" / "pip" / "pip.conf")
    assert parser["global"]["index-url"] == index
    shown = subprocess.run(
        [sys.executable, "-m", "pip", "config", "list"],
        capture_output=True,
        text=True,
        env={**os.environ, "PIP_CONFIG_FILE": "", "VIRTUAL_ENV": ""},
        check=True,
    )
    assert f"global.index-url='{index}'" in shown.stdout
    if sys.version_info >= (3, 11):
        import tomllib

        uv = tomllib.loads((home / ".config" / "uv" / "uv.toml").read_text())
        assert uv["index"] == [{"url": index, "default": True}]


def test_a_template_into_gits_ignore_file_becomes_a_block_beside_gits_own(home: Path, tmp_path: Path) -> None:
    """The profile format's own example: gitignore_global into ~/.config/git/ignore."""
    need("git")
    profile = team_profile(
        tmp_path,
        [{"template": "gitignore_global", "target": "~/.config/git/ignore"}],
        git={"ignore": ["*.secret"]},
    )
    ignore = home / ".config" / "git" / "ignore"
    ignore.parent.mkdir(parents=True)
    ignore.write_bytes(b"my-own-pattern\r\n")
    before = snapshot(home)
    run = bootstrap("run", "--yes", "--profile", str(profile), "--answers", str(answers(tmp_path)))
    assert run.returncode == 0, run.stdout + run.stderr
    text = ignore.read_text()
    assert text.startswith("my-own-pattern")
    assert "# >>> bootstrap git >>>" in text and "*.secret" in text
    assert "# >>> bootstrap dotfile gitignore_global >>>" in text and "*.parquet" in text
    assert bootstrap("plan", "--detailed-exitcode").returncode == 0
    assert bootstrap("undo", "--yes").returncode == 0

    def users(state: dict[str, tuple[int, str]]) -> dict[str, tuple[int, str]]:
        return {k: v for k, v in state.items() if not k.startswith((".local", ".config/bootstrap"))}

    assert users(snapshot(home)) == users(before)


@given(existing=st.one_of(st.none(), messy_text_file()))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_run_then_undo_restores_any_existing_file_byte_for_byte(tmp_path: Path, existing: Optional[bytes]) -> None:
    from bootstrap.engine import runs
    from bootstrap.system.context import from_environment

    case = tmp_path / os.urandom(6).hex()
    home = case / "home"
    (home / ".jupyter").mkdir(parents=True)
    profile = team_profile(
        tmp_path,
        [{"template": "jupyter_server_config.py", "target": "~/.jupyter/jupyter_server_config.py"}],
    )
    target = home / ".jupyter" / "jupyter_server_config.py"
    if existing is not None:
        target.write_bytes(existing)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("HOME", str(home))
        before = snapshot(home)
        first = converge(str(profile), answers(tmp_path))
        assert first.outcome is not None and first.outcome.ok, first.outcome
        compile(target.read_text(), str(target), "exec")  # the Jupyter configuration is valid Python
        second = converge(str(profile), answers(tmp_path))
        assert second.outcome is None and second.writes == 0
        ctx = from_environment(interactive=False)
        target_run = runs.find_run(ctx, None)
        assert target_run is not None
        runs.undo(ctx, target_run, ["undo"], force=False, confirm=lambda items: True)

        def users(state: dict[str, tuple[int, str]]) -> dict[str, tuple[int, str]]:
            return {k: v for k, v in state.items() if not k.startswith((".local", ".config"))}

        assert users(snapshot(home)) == users(before)


def test_an_unanswered_question_decides_by_its_default_in_plan_as_in_run(home: Path, tmp_path: Path) -> None:
    data = {
        "schema": 1,
        "prompts": [
            {"id": "name", "message": "Name"},
            {"id": "flag", "message": "Flag?", "type": "confirm", "default": True},
        ],
        "components": {"dotfiles": [{"template": "Rprofile", "target": "~/.Rprofile", "when": "{{ answers.flag }}"}]},
    }
    profile = tmp_path / "team.yaml"
    profile.write_text(yaml.safe_dump(data))
    plan = bootstrap("plan", "--profile", str(profile), "--answers", str(answers(tmp_path)))
    assert "+++ ~/.Rprofile" in plan.stdout, plan.stdout
    assert bootstrap("run", "--yes", "--profile", str(profile), "--answers", str(answers(tmp_path))).returncode == 0
    assert (home / ".Rprofile").exists()
    doctor = bootstrap("doctor", "--only", "dotfiles")
    assert doctor.returncode == 0 and "✓ dotfiles  1 check fine" in doctor.stdout, doctor.stdout
    assert "Everything works." in doctor.stdout
    every = bootstrap("doctor", "--only", "dotfiles", "--all")
    assert "1 settings file is as the profile says" in every.stdout


def test_a_password_answer_never_reaches_a_file(home: Path, tmp_path: Path) -> None:
    canary = "canary-dotfile-7f3e9a"
    template = home / "team" / "db.conf"
    template.parent.mkdir()
    template.write_text("user = {{ answers.name }}\npassword = {{ answers.db_password }}\n")
    profile = tmp_path / "team.yaml"
    profile.write_text(
        yaml.safe_dump(
            {
                "schema": 1,
                "prompts": [
                    {"id": "name", "message": "Name"},
                    {"id": "db_password", "message": "Database password", "type": "password"},
                ],
                "components": {"dotfiles": [{"template": "~/team/db.conf", "target": "~/.db.conf"}]},
            }
        )
    )
    given = answers(tmp_path, f"name: Ada Lovelace\ndb_password: {canary}\n")
    result = bootstrap("run", "--yes", "--profile", str(profile), "--answers", str(given))
    assert result.returncode == 1
    assert "line 2: 'dict object' has no attribute 'db_password'" in result.stdout
    assert canary not in result.stdout + result.stderr
    assert not (home / ".db.conf").exists()
    for path in home.rglob("*"):
        assert not path.is_file() or canary.encode() not in path.read_bytes(), path
