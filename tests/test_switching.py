"""Moving between profiles: what only the old profile set up is taken away, with plan and undo.

Real git, the real engine and CLI; files the person changed (and software others may use) stay.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Optional

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import bootstrap, need
from tests.strategies import messy_gitconfig, messy_text_file
from tests.support.inprocess import converge, home_with, undo_last, user_files


def git_get(key: str) -> Optional[str]:
    result = subprocess.run(["git", "config", "--global", key], capture_output=True, text=True)
    return result.stdout.strip() if result.returncode == 0 else None


def ledger(home: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads((home / ".local/state/bootstrap/managed.json").read_text())
    return data


@pytest.mark.usefixtures("git_and_dotfiles_only")
@given(gitconfig=st.one_of(st.none(), messy_gitconfig()), ignore=st.one_of(st.none(), messy_text_file()))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_data_scientist_to_data_engineer_takes_the_notebook_set_up_away_and_undo_brings_it_back(
    tmp_path: Path, gitconfig: Optional[bytes], ignore: Optional[bytes]
) -> None:
    need("git")
    home, answers = home_with(tmp_path, gitconfig, ignore)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("HOME", str(home))
        before = user_files(home)
        first = converge("data-scientist", answers)
        assert first.outcome is not None and first.outcome.ok, first.outcome
        as_scientist = user_files(home)
        assert git_get("filter.nbstripout.clean") == "nbstripout"
        assert (home / ".jupyter/jupyter_server_config.py").is_file()

        moved = converge("data-engineer", answers)
        assert moved.outcome is not None and moved.outcome.ok, moved.outcome
        # the notebook set-up only the data-scientist role had is gone ...
        for key in ("filter.nbstripout.clean", "filter.nbstripout.smudge", "diff.ipynb.textconv"):
            assert git_get(key) is None, key
        for name in (
            ".config/git/attributes",
            ".jupyter/jupyter_server_config.py",
            ".config/pre-commit/notebooks.yaml",
        ):
            assert not (home / name).exists(), name
        # ... what both roles set stays, and so does every line the person had
        assert git_get("pull.rebase") == "true" and git_get("user.email") == "zoe@example.com"
        if gitconfig:
            kept = (home / ".gitconfig").read_bytes().replace(b"\r\n", b"\n")
            for line in gitconfig.removeprefix(b"\xef\xbb\xbf").replace(b"\r\n", b"\n").split(b"\n"):
                assert line in kept
        ignore_now = (home / ".config/git/ignore").read_text(encoding="utf-8", errors="replace")
        assert ".terraform/" in ignore_now and "mlruns/" not in ignore_now
        assert ledger(home)["profile"] == "data-engineer"

        again = converge("data-engineer", answers)
        assert again.outcome is None and again.writes == 0, "a second run found something to change"

        undo_last()  # the move
        assert user_files(home) == as_scientist
        assert ledger(home)["profile"] == "data-scientist"
        undo_last()  # the first run
        assert user_files(home) == before


TEAM_A = {
    "schema": 1,
    "name": "team-a",
    "components": {
        "git": {"config": {"pull.rebase": "true", "core.autocrlf": "input", "fetch.prune": "true"}, "ignore": [".env"]},
        # the AWS CLI comes from packages, left out here: no install step in these tests
        "packages": {"system": ["awscli"]},
        "aws": {
            "sso_sessions": {"corp": {"start_url": "https://corp.awsapps.com/start", "region": "eu-west-1"}},
            "profiles": {
                "data": {
                    "sso_session": "corp",
                    "account_id": "111122223333",
                    "role_name": "Reader",
                    "region": "eu-west-1",
                }
            },
        },
        "terraform": {},
        "dotfiles": [
            {"template": "editorconfig", "target": "~/.editorconfig"},
            {"template": "jupyter_server_config.py", "target": "~/.jupyter/jupyter_server_config.py"},
            {"template": "Rprofile", "target": "~/.Rprofile"},
        ],
    },
}
TEAM_B = {
    "schema": 1,
    "name": "team-b",
    "components": {
        "git": {"config": {"pull.rebase": "true"}},
        "dotfiles": [{"template": "editorconfig", "target": "~/.editorconfig"}],
    },
}
SKIP = {"BOOTSTRAP_SKIP": "packages,shell,secrets"}


def write_profiles(home: Path) -> None:
    from datetime import timedelta

    from tests.support.aws import sso_cache

    folder = home / ".config/bootstrap/profiles"
    folder.mkdir(parents=True, exist_ok=True)
    for team in (TEAM_A, TEAM_B):
        (folder / f"{team['name']}.yaml").write_text(yaml.safe_dump(team, sort_keys=False))
    # signed in to team-a's SSO already: these runs are about moving, not the sign-in left for later
    sso_cache(home, "corp", timedelta(hours=8))


def test_moving_between_team_profiles_shows_the_plan_keeps_what_you_changed_and_undoes(home: Path) -> None:
    need("git")
    write_profiles(home)
    aws_config = home / ".aws/config"
    aws_config.parent.mkdir(exist_ok=True)
    aws_config.write_text("[profile mine]\r\nregion = us-east-1\r\n")  # the person's own, in CRLF
    first = bootstrap("run", "--yes", "--profile", "team-a", env=SKIP)
    assert first.returncode == 0, first.stdout + first.stderr
    shim = home / ".local/bin/terraform"
    assert shim.is_file() and "sso-session corp" in aws_config.read_text()
    assert git_get("core.autocrlf") == "input"

    # the person makes two things their own
    rprofile = home / ".Rprofile"
    rprofile.write_text(rprofile.read_text() + "options(width = 120)\n")
    subprocess.run(["git", "config", "--global", "fetch.prune", "false"], check=True)
    as_team_a = user_files(home)

    plan = bootstrap("plan", "--profile", "team-b", env=SKIP)
    assert plan.returncode == 0, plan.stdout + plan.stderr
    out = plan.stdout
    assert "Moving from the team-a profile to team-b" in out
    assert "Remove ~/.local/bin/terraform (only the team-a profile set it up)" in out
    assert "Remove ~/.jupyter/jupyter_server_config.py (only the team-a profile set it up)" in out
    assert "Unset core.autocrlf in ~/.gitconfig" in out
    assert "In ~/.aws/config: remove" in out and "sso-session corp" in out
    assert "Take bootstrap's lines out of ~/.config/git/ignore" in out
    assert "~/.Rprofile stays: you changed it after bootstrap wrote it" in out
    assert "fetch.prune in ~/.gitconfig stays: it was changed after bootstrap set it" in out
    assert user_files(home) == as_team_a  # plan changes nothing

    moved = bootstrap("run", "--yes", "--profile", "team-b", env=SKIP)
    assert moved.returncode == 0, moved.stdout + moved.stderr
    assert not shim.exists()
    assert not (home / ".jupyter/jupyter_server_config.py").exists()
    assert not (home / ".config/git/ignore").exists()  # it held nothing but our block
    assert aws_config.read_bytes() == b"[profile mine]\r\nregion = us-east-1\r\n"
    assert git_get("core.autocrlf") is None and git_get("pull.rebase") == "true"
    assert git_get("fetch.prune") == "false" and "width = 120" in rprofile.read_text()
    assert (home / ".editorconfig").is_file()

    again = bootstrap("plan", "--detailed-exitcode", "--profile", "team-b", env=SKIP)
    assert again.returncode == 0, again.stdout
    assert "Moving from" not in again.stdout

    undo = bootstrap("undo", "--yes", env=SKIP)
    assert undo.returncode == 0, undo.stdout + undo.stderr
    assert user_files(home) == as_team_a
    assert shim.is_file() and os.access(shim, os.X_OK)
    back = bootstrap("plan", env=SKIP)  # remembered: team-a again, as it was before the move
    assert back.returncode == 0, back.stdout + back.stderr
    assert "Profile team-a" in back.stdout and "Moving from" not in back.stdout
    assert "✓ terraform: already as the profile says" in back.stdout
    assert "✓ aws: already as the profile says" in back.stdout


def test_only_and_skip_limit_what_a_move_takes_away(home: Path) -> None:
    need("git")
    write_profiles(home)
    assert bootstrap("run", "--yes", "--profile", "team-a", env=SKIP).returncode == 0
    moved = bootstrap("run", "--yes", "--profile", "team-b", "--skip", "terraform,dotfiles", env=SKIP)
    assert moved.returncode == 0, moved.stdout + moved.stderr
    assert (home / ".local/bin/terraform").is_file()
    assert (home / ".jupyter/jupyter_server_config.py").is_file()
    assert git_get("core.autocrlf") is None
    # what was skipped is still remembered as the old profile's, and goes on the next full run
    plan = bootstrap("plan", "--profile", "team-b", env=SKIP)
    assert "Remove ~/.local/bin/terraform (only the team-a profile set it up)" in plan.stdout, plan.stdout
    assert "Moving from" not in plan.stdout
    rest = bootstrap("run", "--yes", "--profile", "team-b", env=SKIP)
    assert rest.returncode == 0, rest.stdout + rest.stderr
    assert not (home / ".local/bin/terraform").exists()
    assert not (home / ".jupyter/jupyter_server_config.py").exists()


def test_a_team_dropping_a_dotfile_removes_it_on_the_next_run(home: Path) -> None:
    need("git")
    write_profiles(home)
    assert bootstrap("run", "--yes", "--profile", "team-b", env=SKIP).returncode == 0
    assert (home / ".editorconfig").is_file()
    folder = home / ".config/bootstrap/profiles"
    (folder / "team-b.yaml").write_text(yaml.safe_dump({**TEAM_B, "components": {"git": TEAM_B["components"]["git"]}}))
    plan = bootstrap("plan", env=SKIP)
    assert "Remove ~/.editorconfig (the team-b profile no longer asks for it)" in plan.stdout, plan.stdout
    assert "Moving from" not in plan.stdout
    assert bootstrap("run", "--yes", env=SKIP).returncode == 0
    assert not (home / ".editorconfig").exists()


def test_a_file_that_was_the_persons_before_bootstrap_wrote_it_is_not_deleted(home: Path) -> None:
    """bootstrap replaced their own ~/.editorconfig (the plan showed the diff): when the profile
    drops it, their version comes back rather than no file at all."""
    need("git")
    write_profiles(home)
    mine = home / ".editorconfig"
    own = "root = true\n[*]\nindent_size = 3\n"
    mine.write_text(own)
    assert bootstrap("run", "--yes", "--profile", "team-a", env=SKIP).returncode == 0
    assert mine.read_text() != own
    folder = home / ".config/bootstrap/profiles"
    (folder / "team-b.yaml").write_text(yaml.safe_dump({**TEAM_B, "components": {"git": TEAM_B["components"]["git"]}}))
    moved = bootstrap("run", "--yes", "--profile", "team-b", env=SKIP)
    assert moved.returncode == 0, moved.stdout + moved.stderr
    assert mine.read_text() == own
    assert "Put back your own ~/.editorconfig" in moved.stdout, moved.stdout


def test_a_program_of_the_persons_where_ours_would_go_is_never_taken_away(home: Path) -> None:
    need("git")
    write_profiles(home)
    theirs = home / ".local/bin/terraform"
    theirs.parent.mkdir(parents=True)
    theirs.write_text("#!/bin/sh\necho my own terraform\n")
    first = bootstrap("run", "--yes", "--profile", "team-a", env=SKIP)
    assert first.returncode == 1 and "is not bootstrap's Terraform shim" in first.stdout, first.stdout
    moved = bootstrap("run", "--yes", "--profile", "team-b", env=SKIP)
    assert moved.returncode == 0, moved.stdout + moved.stderr
    assert "~/.local/bin/terraform" not in moved.stdout
    assert theirs.read_text() == "#!/bin/sh\necho my own terraform\n"
