"""The data scientist's notebook checks run in every new repository: real git, real pre-commit.

The role sets git's init.templateDir to a folder holding bootstrap's pre-commit hook, so `git
init` and `git clone` copy the hook in; it runs the project's .pre-commit-config.yaml. The
role's notebook configuration has only local hooks, so nothing is downloaded.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from bootstrap.system.paths import builtin_profiles
from tests.conftest import bootstrap, need
from tests.support.aws import VENV_BIN
from tests.support.notebooks import NOTEBOOK, stripped

HOOK = Path(".config/git/template/hooks/pre-commit")


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=check)


def role_profile(tmp_path: Path) -> Path:
    """The role's hook, notebook configuration and init.templateDir (its other tools have tests of their own)."""
    role = yaml.safe_load((builtin_profiles() / "data-scientist.yaml").read_text())["components"]
    team = {
        "schema": 1,
        "components": {
            "git": {
                "user": {"name": "Ada Lovelace", "email": "ada@example.com"},
                "config": {"init.templateDir": role["git"]["config"]["init.templateDir"]},
            },
            "dotfiles": [d for d in role["dotfiles"] if d["template"].startswith("pre-commit")],
        },
    }
    assert len(team["components"]["dotfiles"]) == 2  # type: ignore[arg-type]
    path = tmp_path / "team.yaml"
    path.write_text(yaml.safe_dump(team))
    return path


def test_every_new_repository_runs_the_notebook_checks_before_each_commit(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    need("git")
    need("jq")
    monkeypatch.setenv("PATH", f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}")  # the real pre-commit
    profile = role_profile(tmp_path)
    run = bootstrap("run", "--yes", "--profile", str(profile))
    assert run.returncode == 0, run.stdout + run.stderr
    hook = home / HOOK
    assert hook.stat().st_mode & 0o111 == 0o111

    repo = tmp_path / "analysis"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    copied = repo / ".git" / "hooks" / "pre-commit"
    assert copied.read_bytes() == hook.read_bytes() and os.access(copied, os.X_OK)

    # without a pre-commit configuration the hook stays out of the way
    (repo / "explore.ipynb").write_text(json.dumps(NOTEBOOK, indent=1))
    git(repo, "add", "explore.ipynb")
    git(repo, "commit", "-qm", "first")

    # with the role's notebook configuration, a notebook with outputs is stopped
    config = (home / ".config/pre-commit/notebooks.yaml").read_text()
    (repo / ".pre-commit-config.yaml").write_text(config)
    (repo / "explore.ipynb").write_text(json.dumps({**NOTEBOOK, "nbformat_minor": 4}, indent=1))
    git(repo, "add", ".")
    refused = git(repo, "commit", "-m", "with outputs", check=False)
    assert refused.returncode != 0, refused.stdout
    said = refused.stdout + refused.stderr
    assert "notebooks are committed without outputs" in said and "Failed" in said, said
    assert "explore.ipynb: its outputs would be committed; run nbstripout" in said, said

    (repo / "explore.ipynb").write_text(json.dumps(stripped(), indent=1))
    git(repo, "add", ".")
    passed = git(repo, "commit", "-m", "without outputs")
    said = passed.stdout + passed.stderr  # git gives a hook's output to stderr
    assert "notebooks are committed without outputs" in said and "Passed" in said, said

    # a private key is stopped as well
    (repo / "deploy.pem.txt").write_text("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n")
    git(repo, "add", "deploy.pem.txt")
    key = git(repo, "commit", "-m", "key", check=False)
    assert key.returncode != 0 and "no private keys" in key.stderr, key.stderr
    git(repo, "rm", "-q", "--cached", "deploy.pem.txt")
    (repo / "deploy.pem.txt").unlink()

    # with a clean filter (as nbstripout's), what git stores has no outputs: the commit goes
    # through, and the notebook on disk keeps its outputs
    git(repo, "config", "filter.strip.clean", "jq --indent 1 '.cells[].outputs = [] | .cells[].execution_count = null'")
    (repo / ".gitattributes").write_text("*.ipynb filter=strip\n")
    (repo / "explore.ipynb").write_text(json.dumps({**NOTEBOOK, "nbformat_minor": 3}, indent=1))
    git(repo, "add", ".")
    filtered = git(repo, "commit", "-m", "filtered", check=False)
    assert filtered.returncode == 0, filtered.stdout + filtered.stderr
    assert re.search(r"notebooks are committed without outputs\.+Passed", filtered.stderr), filtered.stderr
    assert json.loads(git(repo, "show", "HEAD:explore.ipynb").stdout)["cells"][0]["outputs"] == []
    assert "customer 42" in (repo / "explore.ipynb").read_text()

    # a clone gets the hook too
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(repo), str(clone)], check=True)
    assert (clone / ".git" / "hooks" / "pre-commit").read_bytes() == hook.read_bytes()


def test_doctor_checks_the_hook_and_run_makes_it_a_program_again(home: Path, tmp_path: Path) -> None:
    need("git")
    profile = role_profile(tmp_path)
    assert bootstrap("run", "--yes", "--profile", str(profile)).returncode == 0
    settings = subprocess.run(
        ["git", "config", "--global", "init.templateDir"], capture_output=True, text=True, check=True
    )
    assert settings.stdout.strip() == "~/.config/git/template"

    def doctor() -> dict[str, dict[str, str]]:
        result = bootstrap("doctor", "--json", "--only", "git,dotfiles")
        return {c["id"]: c for c in json.loads(result.stdout)["checks"]}

    checks = doctor()
    assert checks["dotfiles.files"]["status"] == "ok" and checks["git.settings"]["status"] == "ok", checks
    hook = home / HOOK
    hook.chmod(0o644)
    checks = doctor()
    assert checks["dotfiles.files"]["status"] == "warning"
    assert "~/.config/git/template/hooks/pre-commit" in checks["dotfiles.files"]["summary"]
    plan = bootstrap("plan", "--only", "dotfiles")
    assert "Make ~/.config/git/template/hooks/pre-commit a program that runs" in plan.stdout, plan.stdout
    assert bootstrap("run", "--yes", "--only", "dotfiles").returncode == 0
    assert hook.stat().st_mode & 0o777 == 0o755
    assert doctor()["dotfiles.files"]["status"] == "ok"

    for _ in range(3):
        bootstrap("undo", "--yes")
    assert not hook.exists()
    unset = subprocess.run(["git", "config", "--global", "init.templateDir"], capture_output=True, text=True)
    assert unset.returncode == 1  # undone: git's own templates again
