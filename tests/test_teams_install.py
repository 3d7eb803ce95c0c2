"""install.sh fetched on its own (`curl -fsSL URL | sh -s -- ...`): the package from a git URL,
the team's profiles from --profile-source, and nothing of the team run before it is trusted.

One real install (slow: pip builds bootstrap from the git repository) in a fake home.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO, need
from tests.support.teams import TeamRepo, git
from tests.test_install import copy_work_tree, fake_env

pytestmark = pytest.mark.usefixtures("git_and_dotfiles_only")

INSTALL = REPO / "install.sh"
TEAM_PROFILE = """\
schema: 1
description: Acme analysts
extends: [analyst]
components:
  git:
    config:
      init.defaultBranch: onboarded
commands:
  - name: Leave a mark
    run: echo ran >> "$HOME/canary"
"""


def piped(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """`curl -fsSL URL | sh -s -- ARGS`: the script arrives on stdin, far from any checkout."""
    return subprocess.run(
        ["sh", "-s", "--", *args],
        input=INSTALL.read_text(),
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_piped_without_a_package_says_where_to_get_it(tmp_path: Path, home: Path) -> None:
    result = piped(
        "--profile-source", "https://example.com/x.git", "--profile", "acme/eng", env=fake_env(home), cwd=tmp_path
    )
    assert result.returncode == 1
    assert "--package URL" in result.stderr
    assert not (home / ".local").exists()


def test_team_readme_command_installs_and_runs_nothing_untrusted(tmp_path: Path, home: Path) -> None:
    need("git")
    package = copy_work_tree(tmp_path / "package")
    git("init", "--quiet", str(package))
    git("add", "--all", cwd=package)
    git("-c", "user.name=x", "-c", "user.email=x@example.com", "commit", "--quiet", "-m", "release", cwd=package)
    team = TeamRepo(tmp_path, "acme-profiles")
    team.commit({"profiles/analyst.yaml": TEAM_PROFILE})
    answers = tmp_path / "answers.yaml"
    answers.write_text("name: Ada Lovelace\nemail: ada@example.com\n")
    env = fake_env(home)
    cwd = tmp_path / "anywhere"
    cwd.mkdir()

    result = piped(
        "--package",
        package.as_uri(),
        "--profile-source",
        team.url,
        "--profile",
        "acme/analyst",
        "--yes",
        "--answers",
        str(answers),
        env=env,
        cwd=cwd,
    )
    said = result.stdout + result.stderr
    assert result.returncode == 3, said  # all else done; the untrusted command waits for trust
    assert "bootstrap profile trust acme" in said
    assert not (home / "canary").exists()
    config = subprocess.run(
        ["git", "config", "--file", str(home / ".gitconfig"), "init.defaultBranch"], capture_output=True, text=True
    )
    assert config.stdout.strip() == "onboarded"

    installed = str(home / ".local" / "bin" / "bootstrap")
    assert subprocess.run([installed, "profile", "trust", "acme"], env=env, cwd=cwd, check=False).returncode == 0
    rerun = subprocess.run(
        [installed, "run", "--yes", "--profile", "acme/analyst"], env=env, cwd=cwd, capture_output=True, text=True
    )
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert (home / "canary").read_text() == "ran\n"

    # running the README's command again keeps the team's pin and reuses the environment
    again = piped(
        "--package",
        package.as_uri(),
        "--profile-source",
        team.url,
        "--profile",
        "acme/analyst",
        "--yes",
        env=env,
        cwd=cwd,
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert "already added" in again.stdout
    assert (home / "canary").read_text() == "ran\n"
